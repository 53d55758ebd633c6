//! The periodic geometry a neighbour search needs: which directions are periodic, their lattice
//! vectors, and fractional coordinates along them.
//!
//! Only the periodic lattice vectors matter for neighbours, so the non-periodic ones are replaced by
//! unit vectors orthogonal to the periodic ones ("completing" the cell, as `ase.geometry.complete_cell`
//! does). That makes slab (`T T F`) and wire (`T F F`) geometries work whatever the file says for the
//! non-periodic vectors (often zeros), and it keeps the periodic plane spacings as large as they can be,
//! so the search looks at as few images as possible.

use super::atoms::Structure;
use super::error::StructureError;

type Vec3 = [f64; 3];

pub(crate) fn dot(a: Vec3, b: Vec3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn cross(a: Vec3, b: Vec3) -> Vec3 {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

fn norm(a: Vec3) -> f64 {
    dot(a, a).sqrt()
}

fn scale(a: Vec3, s: f64) -> Vec3 {
    [a[0] * s, a[1] * s, a[2] * s]
}

/// How far from linearly dependent the periodic lattice vectors must be: the volume (or area) they
/// span divided by the product of their lengths, 1 for orthogonal vectors.
const MIN_ORTHOGONALITY: f64 = 1e-10;

/// Periodic directions, their lattice vectors, and the reciprocal vectors of the completed cell.
#[derive(Debug, Clone)]
pub(crate) struct Periodicity {
    /// Which directions are periodic.
    pub pbc: [bool; 3],
    /// The lattice vectors as rows; rows of non-periodic directions are zero and never used.
    pub cell: [Vec3; 3],
    /// `g_d` with `a_e · g_d = δ_ed` for the completed cell: the fractional coordinate of `r` along a
    /// periodic direction `d` is `r · g_d`, and `1 / |g_d|` is the spacing of the lattice planes
    /// spanned by the other two vectors.
    recip: [Vec3; 3],
}

impl Periodicity {
    /// Checks the cell of a structure for the directions it declares periodic.
    pub fn new(s: &Structure) -> Result<Self, StructureError> {
        let pbc = s.pbc;
        let periodic: Vec<usize> = (0..3).filter(|&d| pbc[d]).collect();
        let mut cell = [[0.0; 3]; 3];
        if periodic.is_empty() {
            return Ok(Periodicity {
                pbc,
                cell,
                recip: [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
            });
        }
        let Some(given) = s.cell else {
            return Err(StructureError::MissingCell { pbc });
        };
        const NAMES: [char; 3] = ['a', 'b', 'c'];
        for &d in &periodic {
            if !given[d].iter().all(|x| x.is_finite()) {
                return Err(StructureError::InvalidCell {
                    reason: format!("lattice vector {} is not finite", NAMES[d]),
                });
            }
            cell[d] = given[d];
        }
        let singular = || {
            StructureError::InvalidCell {
            reason: format!(
                "the periodic lattice vectors {} have zero length or are (nearly) linearly dependent",
                periodic.iter().map(|&d| NAMES[d]).collect::<String>()
            ),
        }
        };
        let mut complete = cell;
        match *periodic.as_slice() {
            [_, _, _] => {
                let volume = dot(cell[0], cross(cell[1], cell[2])).abs();
                let ratio = volume / (norm(cell[0]) * norm(cell[1]) * norm(cell[2]));
                if ratio.is_nan() || ratio <= MIN_ORTHOGONALITY {
                    return Err(singular());
                }
            }
            [d1, d2] => {
                let normal = cross(cell[d1], cell[d2]);
                let area = norm(normal);
                let ratio = area / (norm(cell[d1]) * norm(cell[d2]));
                if ratio.is_nan() || ratio <= MIN_ORTHOGONALITY {
                    return Err(singular());
                }
                let other = 3 - d1 - d2;
                complete[other] = scale(normal, 1.0 / area);
            }
            [d] => {
                let length = norm(cell[d]);
                if length.is_nan() || length <= 0.0 || length.is_infinite() {
                    return Err(singular());
                }
                let e = scale(cell[d], 1.0 / length);
                // The coordinate axis least aligned with e, made orthogonal to it.
                let k = (0..3)
                    .min_by(|&i, &j| e[i].abs().total_cmp(&e[j].abs()))
                    .unwrap_or(0);
                let mut axis = [0.0; 3];
                axis[k] = 1.0;
                let w = cross(e, axis);
                let w1 = scale(w, 1.0 / norm(w));
                let w2 = cross(e, w1);
                let others: Vec<usize> = (0..3).filter(|&o| o != d).collect();
                if let [o1, o2] = others.as_slice() {
                    complete[*o1] = w1;
                    complete[*o2] = w2;
                }
            }
            _ => {}
        }
        let volume = dot(complete[0], cross(complete[1], complete[2]));
        let recip = [
            scale(cross(complete[1], complete[2]), 1.0 / volume),
            scale(cross(complete[2], complete[0]), 1.0 / volume),
            scale(cross(complete[0], complete[1]), 1.0 / volume),
        ];
        if !recip.iter().flatten().all(|x| x.is_finite()) {
            return Err(singular());
        }
        Ok(Periodicity { pbc, cell, recip })
    }

    /// The fractional coordinate of `r` along direction `d` (meaningful for periodic `d` only).
    pub fn fractional(&self, r: Vec3, d: usize) -> f64 {
        dot(r, self.recip[d])
    }

    /// How many lattice spacings along periodic direction `d` fit in `cutoff`: two points closer than
    /// `cutoff` differ by less than this in their fractional coordinate along `d`. Zero if `d` is not
    /// periodic.
    pub fn reach(&self, cutoff: f64, d: usize) -> f64 {
        if self.pbc[d] {
            cutoff * norm(self.recip[d])
        } else {
            0.0
        }
    }

    /// `shift · cell`: the Cartesian translation of a periodic image.
    pub fn translation(&self, shift: [i32; 3]) -> Vec3 {
        let mut t = [0.0; 3];
        for (d, &n) in shift.iter().enumerate() {
            if n != 0 {
                for (k, tk) in t.iter_mut().enumerate() {
                    *tk += f64::from(n) * self.cell[d][k];
                }
            }
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_cell(cell: Option<[Vec3; 3]>, pbc: [bool; 3]) -> Structure {
        let mut s = Structure::new(vec!["X".into()], vec![[0.0; 3]]);
        s.cell = cell;
        s.pbc = pbc;
        s
    }

    #[test]
    fn completes_slabs_and_wires_orthogonally() {
        // A slab whose c vector is zero: the completed c is the unit normal, so the in-plane
        // fractional coordinates do not depend on z.
        let s = with_cell(
            Some([[2.0, 0.0, 0.0], [1.0, 2.0, 0.0], [0.0, 0.0, 0.0]]),
            [true, true, false],
        );
        let p = Periodicity::new(&s).unwrap();
        let r = [1.0, 2.0, 0.0];
        assert!((p.fractional(r, 1) - 1.0).abs() < 1e-15);
        assert!((p.fractional([1.0, 2.0, 5.0], 1) - 1.0).abs() < 1e-15);
        assert!((p.reach(4.0, 0) - 4.0 / 2.0 * 5f64.sqrt() / 2.0).abs() < 1e-12);
        assert_eq!(p.reach(4.0, 2), 0.0);
        // A wire along (1, 1, 1).
        let s = with_cell(
            Some([[1.0, 1.0, 1.0], [0.0; 3], [0.0; 3]]),
            [true, false, false],
        );
        let p = Periodicity::new(&s).unwrap();
        assert!((p.fractional([2.0, 2.0, 2.0], 0) - 2.0).abs() < 1e-14);
        assert!((p.fractional([1.0, -1.0, 0.0], 0)).abs() < 1e-14);
        assert_eq!(p.translation([2, 0, 0]), [2.0, 2.0, 2.0]);
    }

    #[test]
    fn rejects_missing_singular_and_non_finite_cells() {
        assert!(matches!(
            Periodicity::new(&with_cell(None, [true, false, false])),
            Err(StructureError::MissingCell { .. })
        ));
        let flat = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, 1.0, 0.0]];
        assert!(matches!(
            Periodicity::new(&with_cell(Some(flat), [true; 3])),
            Err(StructureError::InvalidCell { .. })
        ));
        // The same cell is fine as a slab: c is not periodic.
        assert!(Periodicity::new(&with_cell(Some(flat), [true, true, false])).is_ok());
        let nan = [[f64::NAN, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
        assert!(Periodicity::new(&with_cell(Some(nan), [true; 3])).is_err());
        assert!(Periodicity::new(&with_cell(Some(nan), [false, true, true])).is_ok());
        assert!(Periodicity::new(&with_cell(Some([[0.0; 3]; 3]), [false, true, false])).is_err());
        assert!(Periodicity::new(&with_cell(None, [false; 3])).is_ok());
    }
}
