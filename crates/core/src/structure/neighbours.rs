//! Neighbour lists: for every atom `i`, every atom `j` or periodic image of it closer than a cutoff,
//! with the bond vector `r_ij = r_j + shift·cell − r_i` that the atomic cluster expansion expands.
//!
//! Two builders give identical lists: [`neighbour_list_brute_force`] checks every pair and every image
//! that can be in range (quadratic, the reference), and the cell-list builder (`cell_list.rs`) bins the
//! atoms and their images into boxes of the cutoff's size so each atom looks at 27 boxes only (linear).
//! [`neighbour_list`] picks the faster. They agree bit for bit because both compute the vector and
//! the distance of a candidate the same way (here, [`Search::neighbour`]) and sort each atom's
//! neighbours by `(j, shift)`; the builders only differ in which candidates they look at.

use super::atoms::Structure;
use super::cell::Periodicity;
use super::cell_list;
use super::error::StructureError;

/// One neighbour `j` of an atom `i`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Neighbour {
    /// The neighbour's atom index.
    pub j: usize,
    /// `r_j + shift·cell − r_i` (Å), from the positions as given (not wrapped into the cell).
    pub vector: [f64; 3],
    /// `|vector|` (Å), strictly between 0 and the cutoff.
    pub distance: f64,
    /// Which periodic image of `j`, in lattice vectors; zero along non-periodic directions.
    pub shift: [i32; 3],
}

/// The neighbours of every atom, stored one after the other (compressed sparse rows), so a model
/// walks them without chasing pointers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NeighbourList {
    /// `offsets[i]..offsets[i + 1]` are atom `i`'s neighbours; `offsets.len() = atoms + 1`.
    offsets: Vec<usize>,
    neighbours: Vec<Neighbour>,
}

impl NeighbourList {
    /// The neighbours of atom `i`, sorted by `(j, shift)`; empty if `i` is not an atom.
    pub fn of(&self, i: usize) -> &[Neighbour] {
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => self.neighbours.get(a..b).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The number of atoms.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Whether the structure had no atoms.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of (i, j, shift) entries: each bond is counted from both ends.
    pub fn num_pairs(&self) -> usize {
        self.neighbours.len()
    }
}

/// All neighbours closer than `cutoff` (Å): every `j` (including periodic images of `i` itself, never
/// `i` with zero shift) with `0 < |r_ij| < cutoff`, ASE's `neighbor_list` convention.
///
/// Uses cell lists when the structure is large enough for them to be faster, brute force otherwise;
/// the result is the same either way. Errors: a cutoff that is not positive and finite, non-finite
/// positions, a periodic direction without a valid cell, a cutoff needing more periodic images than
/// fit in memory, and atoms closer than 1e-8 Å ([`StructureError::CoincidentAtoms`]): the atomic
/// cluster expansion needs the direction of every bond.
pub fn neighbour_list(s: &Structure, cutoff: f64) -> Result<NeighbourList, StructureError> {
    let search = Search::new(s, cutoff)?;
    if search.brute_force_is_faster() {
        search.brute_force()
    } else {
        cell_list::build(&search)
    }
}

/// The same list as [`neighbour_list`], always by checking every pair of atoms and every periodic
/// image that can be in range: `O(N²)`, the reference the cell lists are tested against.
pub fn neighbour_list_brute_force(
    s: &Structure,
    cutoff: f64,
) -> Result<NeighbourList, StructureError> {
    Search::new(s, cutoff)?.brute_force()
}

/// The largest number of atom images a search may create (about the atoms in the cell padded by the
/// cutoff on every periodic side): beyond it the cutoff is absurd for the cell (a 3 Å cell with a
/// 500 Å cutoff) and the list would not fit in a browser's memory.
const MAX_IMAGES: f64 = (1u64 << 23) as f64;

/// Atoms may lie this many cell lengths outside the cell; further, shifts could overflow `i32`.
pub(crate) const MAX_CELLS_OUTSIDE: f64 = 1e8;

/// Up to this many atoms the brute force is faster than building cell lists: (molecules, structures
/// with a periodic direction). Measured with `benches/structure.rs` (`neighbours/small`): random
/// molecules cross over between 8 and 16 atoms, periodic boxes and fcc cells at 5 Å between 32 and
/// 64; periodic searches cross later because the brute force's per-pair shift ranges are tight while
/// the cell lists must create and bin every image.
const BRUTE_FORCE_MAX_ATOMS: (usize, usize) = (12, 40);

/// A validated request: the structure, its periodicity and the cutoff. Shared by both builders.
pub(crate) struct Search<'a> {
    pub positions: &'a [[f64; 3]],
    pub periodicity: Periodicity,
    pub cutoff: f64,
    /// Fractional coordinates along the periodic directions (0 along the others).
    pub fractional: Vec<[f64; 3]>,
    /// `reach[d]`: see [`Periodicity::reach`].
    pub reach: [f64; 3],
}

impl<'a> Search<'a> {
    pub(crate) fn new(s: &'a Structure, cutoff: f64) -> Result<Self, StructureError> {
        if !(cutoff > 0.0 && cutoff.is_finite()) {
            return Err(StructureError::InvalidCutoff { cutoff });
        }
        if let Some(atom) = s
            .positions
            .iter()
            .position(|r| !r.iter().all(|x| x.is_finite()))
        {
            return Err(StructureError::NonFinitePosition { atom });
        }
        let periodicity = Periodicity::new(s)?;
        let reach = [0, 1, 2].map(|d| periodicity.reach(cutoff, d));
        let padded: f64 = reach.iter().map(|r| 1.0 + 2.0 * r).product();
        let images = padded * s.positions.len() as f64;
        if images.is_nan() || images > MAX_IMAGES {
            return Err(StructureError::CutoffTooLarge {
                cutoff,
                images,
                limit: MAX_IMAGES,
            });
        }
        let mut fractional = Vec::with_capacity(s.positions.len());
        for (atom, &r) in s.positions.iter().enumerate() {
            let mut f = [0.0; 3];
            for (d, fd) in f.iter_mut().enumerate() {
                if periodicity.pbc[d] {
                    *fd = periodicity.fractional(r, d);
                    if fd.is_nan() || fd.abs() > MAX_CELLS_OUTSIDE {
                        return Err(StructureError::FarOutsideCell { atom });
                    }
                }
            }
            fractional.push(f);
        }
        Ok(Search {
            positions: &s.positions,
            periodicity,
            cutoff,
            fractional,
            reach,
        })
    }

    fn brute_force_is_faster(&self) -> bool {
        let (molecule, periodic) = BRUTE_FORCE_MAX_ATOMS;
        let limit = if self.periodicity.pbc.contains(&true) {
            periodic
        } else {
            molecule
        };
        self.positions.len() <= limit
    }

    /// The one place a candidate `(i, j, shift)` becomes a neighbour: both builders call it, so they
    /// agree to the last bit.
    #[inline]
    pub fn neighbour(&self, i: usize, j: usize, shift: [i32; 3]) -> Option<Neighbour> {
        if i == j && shift == [0, 0, 0] {
            return None;
        }
        let (ri, rj) = (self.positions.get(i)?, self.positions.get(j)?);
        let t = self.periodicity.translation(shift);
        let vector = [
            (rj[0] - ri[0]) + t[0],
            (rj[1] - ri[1]) + t[1],
            (rj[2] - ri[2]) + t[2],
        ];
        let distance =
            (vector[0] * vector[0] + vector[1] * vector[1] + vector[2] * vector[2]).sqrt();
        (distance < self.cutoff).then_some(Neighbour {
            j,
            vector,
            distance,
            shift,
        })
    }

    /// Every pair, every image whose fractional offset can be within reach.
    fn brute_force(&self) -> Result<NeighbourList, StructureError> {
        let n = self.positions.len();
        let mut offsets = Vec::with_capacity(n + 1);
        let mut neighbours = Vec::new();
        offsets.push(0);
        for i in 0..n {
            for j in 0..n {
                let ranges = self.shift_ranges(i, j);
                for sa in ranges[0].0..=ranges[0].1 {
                    for sb in ranges[1].0..=ranges[1].1 {
                        for sc in ranges[2].0..=ranges[2].1 {
                            if let Some(nb) = self.neighbour(i, j, [sa, sb, sc]) {
                                neighbours.push(nb);
                            }
                        }
                    }
                }
            }
            offsets.push(neighbours.len());
        }
        finish(offsets, neighbours)
    }

    /// The shifts of `j` that can be within the cutoff of `i`, per direction: the fractional offset
    /// `s_j + shift − s_i` must be within the reach (with a margin for rounding).
    fn shift_ranges(&self, i: usize, j: usize) -> [(i32, i32); 3] {
        let (Some(si), Some(sj)) = (self.fractional.get(i), self.fractional.get(j)) else {
            return [(0, -1); 3]; // empty: unreachable for valid indices
        };
        [0, 1, 2].map(|d| {
            if !self.periodicity.pbc[d] {
                return (0, 0);
            }
            let delta = sj[d] - si[d];
            let margin = 1e-9 * (1.0 + self.reach[d] + delta.abs());
            let lo = (-self.reach[d] - delta - margin).ceil();
            let hi = (self.reach[d] - delta + margin).floor();
            // Both are bounded by MAX_CELLS_OUTSIDE and MAX_IMAGES, far inside i32.
            (lo as i32, hi as i32)
        })
    }
}

/// `(j, shift)` packed into one integer with the same order (each shift moved to unsigned by
/// flipping its sign bit), because comparing tuples dominated the time of sorting; `j` fits in 32
/// bits because the image limit bounds the number of atoms.
fn order(n: &Neighbour) -> u128 {
    let s = n.shift.map(|x| u128::from((x as u32) ^ 0x8000_0000));
    ((n.j as u128) << 96) | (s[0] << 64) | (s[1] << 32) | s[2]
}

/// Sorts each atom's neighbours by `(j, shift)`, rejects coincident atoms, and packs the list.
pub(crate) fn finish(
    offsets: Vec<usize>,
    mut neighbours: Vec<Neighbour>,
) -> Result<NeighbourList, StructureError> {
    for (i, w) in offsets.windows(2).enumerate() {
        let Some(row) = neighbours.get_mut(w[0]..w[1]) else {
            continue;
        };
        row.sort_unstable_by_key(order);
        if let Some(nb) = row.iter().find(|nb| nb.distance < 1e-8) {
            return Err(StructureError::CoincidentAtoms { i, j: nb.j });
        }
    }
    Ok(NeighbourList {
        offsets,
        neighbours,
    })
}
