//! Neighbour lists through the public API: fcc shells in a one-atom cell much smaller than the
//! cutoff, large random boxes (where `neighbour_list` uses cell lists) against the brute force, and
//! every error.

use multiace_core::so3::SplitMix64;
use multiace_core::structure::{
    neighbour_list, neighbour_list_brute_force, Structure, StructureError,
};

const A_CU: f64 = 3.61;

fn fcc_primitive() -> Structure {
    let h = A_CU / 2.0;
    let mut s = Structure::new(vec!["Cu".into()], vec![[0.0; 3]]);
    s.cell = Some([[0.0, h, h], [h, 0.0, h], [h, h, 0.0]]);
    s.pbc = [true; 3];
    s
}

fn fcc_conventional(reps: usize) -> Structure {
    let basis = [
        [0.0, 0.0, 0.0],
        [0.5, 0.5, 0.0],
        [0.5, 0.0, 0.5],
        [0.0, 0.5, 0.5],
    ];
    let mut positions = Vec::new();
    for x in 0..reps {
        for y in 0..reps {
            for z in 0..reps {
                for b in basis {
                    positions.push([
                        (x as f64 + b[0]) * A_CU,
                        (y as f64 + b[1]) * A_CU,
                        (z as f64 + b[2]) * A_CU,
                    ]);
                }
            }
        }
    }
    let n = positions.len();
    let l = reps as f64 * A_CU;
    let mut s = Structure::new(vec!["Cu".into(); n], positions);
    s.cell = Some([[l, 0.0, 0.0], [0.0, l, 0.0], [0.0, 0.0, l]]);
    s.pbc = [true; 3];
    s
}

/// Counts of neighbours per shell distance (rounded to 1e-6 Å).
fn shells(list: &[multiace_core::structure::Neighbour]) -> Vec<(f64, usize)> {
    let mut d: Vec<f64> = list
        .iter()
        .map(|n| (n.distance * 1e6).round() / 1e6)
        .collect();
    d.sort_by(f64::total_cmp);
    let mut out: Vec<(f64, usize)> = Vec::new();
    for x in d {
        match out.last_mut() {
            Some((y, c)) if *y == x => *c += 1,
            _ => out.push((x, 1)),
        }
    }
    out
}

#[test]
fn one_atom_fcc_cell_has_the_fcc_shells() {
    let s = fcc_primitive();
    let list = neighbour_list(&s, 5.0).unwrap();
    assert_eq!(list, neighbour_list_brute_force(&s, 5.0).unwrap());
    let a = A_CU;
    let expected = [(a / 2f64.sqrt(), 12), (a, 6), (a * 1.5f64.sqrt(), 24)];
    let got = shells(list.of(0));
    assert_eq!(got.len(), expected.len(), "{got:?}");
    for ((d, c), (de, ce)) in got.iter().zip(expected) {
        assert!((d - de).abs() < 1e-6, "shell at {d}, expected {de}");
        assert_eq!(*c, ce, "shell at {d}");
    }
    // Only images of atom 0 itself, and each vector is exactly its shift times the cell.
    let cell = s.cell.unwrap();
    for n in list.of(0) {
        assert_eq!(n.j, 0);
        assert_ne!(n.shift, [0, 0, 0]);
        for (k, v) in n.vector.iter().enumerate() {
            let t: f64 = (0..3).map(|d| f64::from(n.shift[d]) * cell[d][k]).sum();
            assert!((v - t).abs() < 1e-12);
        }
    }
    // 12 + 6 + 24 + 12 (a√2 = 5.105 Å) + 24 (a√(5/2) = 5.708 Å) at 6 Å.
    let list = neighbour_list(&s, 6.0).unwrap();
    assert_eq!(list.of(0).len(), 78);
}

#[test]
fn fcc_supercell_uses_cell_lists_and_matches_brute_force() {
    let s = fcc_conventional(4);
    assert_eq!(s.len(), 256);
    let list = neighbour_list(&s, 5.0).unwrap();
    assert_eq!(list, neighbour_list_brute_force(&s, 5.0).unwrap());
    assert_eq!(list.len(), 256);
    assert_eq!(list.num_pairs(), 256 * 42);
    for i in 0..256 {
        assert_eq!(list.of(i).len(), 42);
    }
    assert!(list.of(256).is_empty(), "out of range gives no neighbours");
}

fn random_box(rng: &mut SplitMix64, n: usize, density: f64, periodic: bool) -> Structure {
    let l = (n as f64 / density).cbrt();
    let positions = (0..n).map(|_| [0; 3].map(|_| l * rng.next_f64())).collect();
    let mut s = Structure::new(vec!["Ar".into(); n], positions);
    if periodic {
        s.cell = Some([[l, 0.0, 0.0], [0.3 * l, l, 0.0], [-0.2 * l, 0.1 * l, l]]);
        s.pbc = [true; 3];
    }
    s
}

#[test]
fn random_2000_atom_boxes_match_brute_force() {
    let mut rng = SplitMix64::new(3);
    for periodic in [false, true] {
        let s = random_box(&mut rng, 2000, 0.05, periodic);
        let list = neighbour_list(&s, 4.5).unwrap();
        let brute = neighbour_list_brute_force(&s, 4.5).unwrap();
        assert_eq!(list, brute, "periodic = {periodic}");
        // ~ 4/3 π r³ ρ neighbours per atom (fewer at the surface of the open box).
        let mean = list.num_pairs() as f64 / 2000.0;
        let bulk = 4.0 / 3.0 * std::f64::consts::PI * 4.5f64.powi(3) * 0.05;
        assert!(mean > 0.6 * bulk && mean < 1.1 * bulk, "{mean} vs {bulk}");
    }
}

#[test]
fn small_structures_and_empty_ones() {
    let water = Structure::new(
        vec!["O".into(), "H".into(), "H".into()],
        vec![
            [0.0, 0.0, 0.1173],
            [0.0, 0.7572, -0.4692],
            [0.0, -0.7572, -0.4692],
        ],
    );
    let list = neighbour_list(&water, 1.0).unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list.of(0).iter().map(|n| n.j).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(list.of(1).iter().map(|n| n.j).collect::<Vec<_>>(), [0]);
    assert_eq!(list.num_pairs(), 4);
    let r = list.of(1)[0];
    assert_eq!(r.vector, [0.0, -0.7572, 0.1173 + 0.4692]);
    let empty = neighbour_list(&Structure::new(vec![], vec![]), 3.0).unwrap();
    assert!(empty.is_empty());
    assert_eq!(empty.num_pairs(), 0);
}

#[test]
fn errors_say_what_is_wrong() {
    let water = Structure::new(
        vec!["O".into(), "H".into()],
        vec![[0.0, 0.0, 0.0], [0.0, 0.0, 0.96]],
    );
    for cutoff in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let e = neighbour_list(&water, cutoff).unwrap_err();
        assert!(matches!(e, StructureError::InvalidCutoff { .. }), "{e}");
        assert!(e.to_string().contains("positive"), "{e}");
    }
    let mut bad = water.clone();
    bad.positions[1][2] = f64::NAN;
    assert_eq!(
        neighbour_list(&bad, 3.0).unwrap_err(),
        StructureError::NonFinitePosition { atom: 1 }
    );
    let mut no_cell = water.clone();
    no_cell.pbc = [true, true, false];
    let e = neighbour_list(&no_cell, 3.0).unwrap_err();
    assert_eq!(
        e.to_string(),
        "periodic boundary conditions pbc=\"T T F\" need a cell, but the structure has none"
    );
    let mut flat = water.clone();
    flat.cell = Some([[3.0, 0.0, 0.0], [0.0, 3.0, 0.0], [0.0, 0.0, 0.0]]);
    flat.pbc = [true; 3];
    let e = neighbour_list(&flat, 3.0).unwrap_err();
    assert!(matches!(e, StructureError::InvalidCell { .. }), "{e}");
    flat.pbc = [true, true, false];
    assert!(
        neighbour_list(&flat, 3.0).is_ok(),
        "a slab may have a zero c"
    );
    // Coincident atoms, directly and through a periodic image.
    let twins = Structure::new(
        vec!["C".into(), "H".into(), "C".into()],
        vec![[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [1.0, 2.0, 3.0 + 1e-9]],
    );
    assert_eq!(
        neighbour_list(&twins, 2.0).unwrap_err(),
        StructureError::CoincidentAtoms { i: 0, j: 2 }
    );
    let mut images = Structure::new(
        vec!["C".into(), "C".into()],
        vec![[0.0, 0.0, 0.0], [3.0, 1.0, 1.0]],
    );
    images.cell = Some([[3.0, 0.0, 0.0], [0.0, 3.0, 0.0], [0.0, 0.0, 3.0]]);
    images.pbc = [true, false, false];
    assert!(neighbour_list(&images, 2.0).is_ok());
    images.positions[1] = [3.0, 0.0, 0.0];
    let e = neighbour_list(&images, 2.0).unwrap_err();
    assert_eq!(e, StructureError::CoincidentAtoms { i: 0, j: 1 });
    assert!(e.to_string().contains("closer than 1e-8 Å"), "{e}");
    // A cutoff absurd for the cell is refused instead of exhausting memory.
    let e = neighbour_list(&fcc_primitive(), 2000.0).unwrap_err();
    assert!(matches!(e, StructureError::CutoffTooLarge { .. }), "{e}");
    let mut far = fcc_primitive();
    far.positions[0] = [1e12, 0.0, 0.0];
    assert_eq!(
        neighbour_list(&far, 3.0).unwrap_err(),
        StructureError::FarOutsideCell { atom: 0 }
    );
}
