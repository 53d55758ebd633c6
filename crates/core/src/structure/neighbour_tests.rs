//! The cell-list builder against the brute force, on seeded random structures: molecules, triclinic
//! cells from much smaller to much larger than the cutoff, mixed boundary conditions, atoms far
//! outside the cell, and lattices where distances equal the cutoff exactly. "Identical" means equal
//! to the last bit, including the order of the neighbours.

use super::cell_list;
use super::neighbours::{neighbour_list_brute_force, NeighbourList, Search};
use super::Structure;
use crate::so3::SplitMix64;

fn cell_list(s: &Structure, cutoff: f64) -> NeighbourList {
    let search = Search::new(s, cutoff).expect("valid search");
    cell_list::build(&search).expect("cell list")
}

fn assert_same(s: &Structure, cutoff: f64, what: &str) -> NeighbourList {
    let brute = neighbour_list_brute_force(s, cutoff).expect("brute force");
    let cells = cell_list(s, cutoff);
    assert_eq!(brute.len(), s.len());
    for i in 0..s.len() {
        let (b, c) = (brute.of(i), cells.of(i));
        if b != c {
            let missing: Vec<_> = b.iter().filter(|x| !c.contains(x)).take(3).collect();
            let extra: Vec<_> = c.iter().filter(|x| !b.contains(x)).take(3).collect();
            panic!(
                "{what}: atom {i}: brute force {} neighbours, cell list {}; missing {missing:?}, extra {extra:?}",
                b.len(),
                c.len()
            );
        }
    }
    assert_eq!(brute, cells, "{what}");
    brute
}

/// Every bond seen from both ends: (i, j, S) with vector v implies (j, i, −S) with vector −v.
fn assert_symmetric(list: &NeighbourList, what: &str) {
    for i in 0..list.len() {
        for nb in list.of(i) {
            let back = nb.shift.map(|x| -x);
            let twin = list
                .of(nb.j)
                .iter()
                .find(|m| m.j == i && m.shift == back)
                .unwrap_or_else(|| panic!("{what}: ({i}, {}, {:?}) has no twin", nb.j, nb.shift));
            for k in 0..3 {
                assert!((twin.vector[k] + nb.vector[k]).abs() < 1e-9, "{what}");
            }
        }
    }
}

fn uniform(rng: &mut SplitMix64, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.next_f64()
}

fn random_molecule(rng: &mut SplitMix64, n: usize, size: f64) -> Structure {
    let positions = (0..n)
        .map(|_| [0; 3].map(|_| uniform(rng, -size, size)))
        .collect();
    Structure::new(vec!["C".into(); n], positions)
}

/// A random triclinic cell with edge lengths in [lo, hi] and angles far enough from degenerate,
/// holding `n` atoms at fractional coordinates in [-0.5, 1.5) (so some lie outside the cell).
fn random_crystal(rng: &mut SplitMix64, n: usize, lo: f64, hi: f64, pbc: [bool; 3]) -> Structure {
    let cell = loop {
        let c = [0; 3].map(|_| {
            let v = [rng.normal(), rng.normal(), rng.normal()];
            let len = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
            let target = uniform(rng, lo, hi);
            v.map(|x| x * target / len)
        });
        let det = c[0][0] * (c[1][1] * c[2][2] - c[1][2] * c[2][1])
            - c[0][1] * (c[1][0] * c[2][2] - c[1][2] * c[2][0])
            + c[0][2] * (c[1][0] * c[2][1] - c[1][1] * c[2][0]);
        let lengths: f64 = c
            .iter()
            .map(|v| (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt())
            .product();
        if det.abs() > 0.3 * lengths {
            break c;
        }
    };
    let positions = (0..n)
        .map(|_| {
            let f = [0; 3].map(|_| uniform(rng, -0.5, 1.5));
            [0, 1, 2].map(|k| f[0] * cell[0][k] + f[1] * cell[1][k] + f[2] * cell[2][k])
        })
        .collect();
    let mut s = Structure::new(vec!["Cu".into(); n], positions);
    s.cell = Some(cell);
    s.pbc = pbc;
    s
}

#[test]
fn molecules_match_brute_force() {
    let mut rng = SplitMix64::new(11);
    for trial in 0..40 {
        let n = 1 + (rng.next_u64() % 150) as usize;
        let size = uniform(&mut rng, 1.0, 12.0);
        let s = random_molecule(&mut rng, n, size);
        let cutoff = uniform(&mut rng, 0.5, 6.0);
        let list = assert_same(&s, cutoff, &format!("molecule {trial}"));
        assert_symmetric(&list, "molecule");
    }
    // Sparse: two clusters 10^6 Å apart, so the grid must not have a box per Å.
    let mut s = random_molecule(&mut rng, 50, 3.0);
    for r in s.positions.iter_mut().skip(25) {
        r[0] += 1e6;
        r[2] -= 1e6;
    }
    assert_same(&s, 4.0, "two far clusters");
    assert_same(&Structure::new(vec![], vec![]), 3.0, "empty");
}

#[test]
fn triclinic_cells_from_tiny_to_large_match_brute_force() {
    let mut rng = SplitMix64::new(12);
    for trial in 0..60 {
        // Edge lengths from a third of the cutoff to three times it.
        let cutoff = uniform(&mut rng, 2.0, 6.0);
        let n = 1 + (rng.next_u64() % 40) as usize;
        let (lo, hi) = if trial % 2 == 0 {
            (0.3 * cutoff, 1.0 * cutoff)
        } else {
            (1.0 * cutoff, 3.0 * cutoff)
        };
        let s = random_crystal(&mut rng, n, lo, hi, [true; 3]);
        let list = assert_same(&s, cutoff, &format!("crystal {trial}"));
        assert_symmetric(&list, "crystal");
    }
}

#[test]
fn mixed_boundary_conditions_match_brute_force() {
    let mut rng = SplitMix64::new(13);
    for trial in 0..64 {
        let pbc = [0, 1, 2].map(|d| (trial >> d) & 1 == 1);
        let cutoff = uniform(&mut rng, 2.0, 5.0);
        let n = 1 + (rng.next_u64() % 30) as usize;
        let mut s = random_crystal(&mut rng, n, 0.5 * cutoff, 2.0 * cutoff, pbc);
        if trial >= 8 {
            // Non-periodic lattice vectors are often zero in files: they must not matter.
            if let Some(cell) = s.cell.as_mut() {
                for d in 0..3 {
                    if !pbc[d] && (trial / 8) % 2 == 1 {
                        cell[d] = [0.0; 3];
                    }
                }
            }
        }
        let list = assert_same(&s, cutoff, &format!("pbc {pbc:?} trial {trial}"));
        assert_symmetric(&list, "mixed pbc");
        for i in 0..list.len() {
            for nb in list.of(i) {
                for (periodic, shift) in pbc.iter().zip(nb.shift) {
                    assert!(
                        *periodic || shift == 0,
                        "shift along a non-periodic direction"
                    );
                }
            }
        }
    }
}

#[test]
fn atoms_far_outside_the_cell_match_brute_force() {
    let mut rng = SplitMix64::new(14);
    let mut s = random_crystal(&mut rng, 12, 4.0, 7.0, [true; 3]);
    let cell = s.cell.unwrap_or_default();
    for (k, r) in s.positions.iter_mut().enumerate() {
        let m = [1000.0, -20000.0, 3.0e5][k % 3] * (k as f64 - 5.0);
        for q in 0..3 {
            r[q] += m * cell[k % 3][q];
        }
    }
    assert_same(&s, 5.0, "far outside");
}

#[test]
fn distances_equal_to_the_cutoff_agree() {
    // Simple cubic with a = 2: the six neighbours at exactly 2.0 are excluded (|r| < cutoff), by both.
    let mut s = Structure::new(vec!["Po".into()], vec![[0.0; 3]]);
    s.cell = Some([[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 2.0]]);
    s.pbc = [true; 3];
    assert_eq!(assert_same(&s, 2.0, "sc at cutoff").of(0).len(), 0);
    assert_eq!(
        assert_same(&s, 2.0 + 1e-12, "sc above cutoff").of(0).len(),
        6
    );
    // A 3x3x3 lattice of integer positions on the faces of a 3 Å cell.
    let mut positions = Vec::new();
    for x in 0..3 {
        for y in 0..3 {
            for z in 0..3 {
                positions.push([f64::from(x), f64::from(y), f64::from(z)]);
            }
        }
    }
    let n = positions.len();
    let mut s = Structure::new(vec!["Po".into(); n], positions);
    s.cell = Some([[3.0, 0.0, 0.0], [0.0, 3.0, 0.0], [0.0, 0.0, 3.0]]);
    s.pbc = [true; 3];
    for cutoff in [1.0, 2f64.sqrt(), 2.0, 3.0, 3.5] {
        assert_same(&s, cutoff, &format!("integer lattice at {cutoff}"));
    }
}
