//! Property tests of the ACE basis: invariance of B, equivariance of A, analytic forces against finite
//! differences, the number of invariants against an independent character-theory count, and a fit that
//! recovers a known linear model.

use multiace_core::ace::{
    atomic_basis_of_structure, descriptors, fit, AceBasis, AceSpec, FitOptions, LinearAce,
    RadialBasis, RadialKind,
};
use multiace_core::so3::{apply, random_rotation, wigner_d_from_matrix, SplitMix64};
use multiace_core::structure::{read_xyz, Structure};

fn ethanol() -> Structure {
    let text = include_str!("../../../assets/molecules/ethanol.xyz");
    read_xyz(text).unwrap().remove(0)
}

fn basis(
    species: &[&str],
    kind: RadialKind,
    n_max: usize,
    l_max: usize,
    order: usize,
    degree: Option<usize>,
    r_cut: f64,
) -> AceBasis {
    AceBasis::new(AceSpec {
        species: species.iter().map(|s| s.to_string()).collect(),
        radial: RadialBasis::new(kind, n_max, r_cut).unwrap(),
        l_max,
        max_order: order,
        max_degree: degree,
    })
    .unwrap()
}

/// Largest |B(x') − B(x)| over atoms and functions, relative to the largest |B| of the same order and atom.
fn max_relative_deviation(basis: &AceBasis, x: &[f64], y: &[f64]) -> f64 {
    let n = basis.len();
    let orders: Vec<usize> = basis.functions().iter().map(|f| f.order()).collect();
    let mut worst: f64 = 0.0;
    for (bx, by) in x.chunks(n).zip(y.chunks(n)) {
        for nu in 1..=4 {
            let scale = (0..n)
                .filter(|&k| orders[k] == nu)
                .map(|k| bx[k].abs())
                .fold(0.0, f64::max);
            for k in (0..n).filter(|&k| orders[k] == nu) {
                worst = worst.max((bx[k] - by[k]).abs() / scale.max(1e-300));
            }
        }
    }
    worst
}

#[test]
fn every_invariant_is_unchanged_by_1000_rotations_translations_and_permutations() {
    let mol = ethanol();
    let b = basis(&["H", "C", "O"], RadialKind::Bessel, 3, 3, 4, Some(8), 4.0);
    assert!(
        b.count_by_order().iter().all(|&c| c > 0),
        "{:?}",
        b.count_by_order()
    );
    let reference = descriptors(&b, &mol).unwrap();
    let mut rng = SplitMix64::new(20261125);
    let mut worst: f64 = 0.0;
    for trial in 0..1000 {
        let q = random_rotation(&mut rng);
        let t = [rng.normal() * 5.0, rng.normal() * 5.0, rng.normal() * 5.0];
        // permute like atoms: a random shuffle, then every atom keeps its species and position
        let mut perm: Vec<usize> = (0..mol.len()).collect();
        for i in (1..perm.len()).rev() {
            let j = (rng.next_u64() % (i as u64 + 1)) as usize;
            perm.swap(i, j);
        }
        let moved = Structure::new(
            perm.iter().map(|&p| mol.species[p].clone()).collect(),
            perm.iter()
                .map(|&p| {
                    let r = apply(&q, mol.positions[p]);
                    [r[0] + t[0], r[1] + t[1], r[2] + t[2]]
                })
                .collect(),
        );
        let d = descriptors(&b, &moved).unwrap();
        // undo the permutation: atom perm[i] of the original is atom i of the moved structure
        let n = b.len();
        let mut back = vec![0.0; d.values.len()];
        for (i, &p) in perm.iter().enumerate() {
            back[p * n..(p + 1) * n].copy_from_slice(d.atom(i));
        }
        let dev = max_relative_deviation(&b, &reference.values, &back);
        worst = worst.max(dev);
        assert!(dev < 1e-12, "trial {trial}: relative deviation {dev:e}");
    }
    eprintln!(
        "{} invariants, worst relative deviation over 1000 trials: {worst:e}",
        b.len()
    );
}

#[test]
fn the_atomic_basis_rotates_with_wigner_d() {
    let mol = ethanol();
    let (n_max, l_max) = (3, 4);
    let b = basis(
        &["H", "C", "O"],
        RadialKind::Chebyshev,
        n_max,
        l_max,
        1,
        None,
        4.0,
    );
    let a = atomic_basis_of_structure(&b, &mol).unwrap();
    let mut rng = SplitMix64::new(7);
    for _ in 0..50 {
        let q = random_rotation(&mut rng);
        let rotated = Structure::new(
            mol.species.clone(),
            mol.positions.iter().map(|&p| apply(&q, p)).collect(),
        );
        let ar = atomic_basis_of_structure(&b, &rotated).unwrap();
        for l in 0..=l_max {
            let d = wigner_d_from_matrix(l, &q);
            for atom in 0..mol.len() {
                for z in 0..3 {
                    for n in 1..=n_max {
                        let off = atom * b.a_len() + b.a_index(z, n, l, -(l as i64));
                        let x = nalgebra::DVector::from_row_slice(&a[off..off + 2 * l + 1]);
                        let y = nalgebra::DVector::from_row_slice(&ar[off..off + 2 * l + 1]);
                        let err = (&d * x - y).amax();
                        assert!(err < 1e-12, "l={l} atom={atom} z={z} n={n}: {err:e}");
                    }
                }
            }
        }
    }
}

fn random_model(b: &AceBasis, seed: u64) -> LinearAce {
    let mut rng = SplitMix64::new(seed);
    let ns = b.spec().species.len();
    let e0 = (0..ns).map(|_| rng.normal()).collect();
    let c = (0..ns * b.len()).map(|_| rng.normal() * 0.1).collect();
    LinearAce::new(b.clone(), e0, c).unwrap()
}

fn fcc_copper(rattle: f64, seed: u64) -> Structure {
    let a = 3.61;
    let mut rng = SplitMix64::new(seed);
    let basis_pts = [
        [0.0, 0.0, 0.0],
        [0.5, 0.5, 0.0],
        [0.5, 0.0, 0.5],
        [0.0, 0.5, 0.5],
    ];
    let mut pos = Vec::new();
    for i in 0..2 {
        for j in 0..2 {
            for k in 0..2 {
                for p in basis_pts {
                    pos.push([
                        a * (i as f64 + p[0]) + rattle * rng.normal(),
                        a * (j as f64 + p[1]) + rattle * rng.normal(),
                        a * (k as f64 + p[2]) + rattle * rng.normal(),
                    ]);
                }
            }
        }
    }
    let mut s = Structure::new(vec!["Cu".to_string(); pos.len()], pos);
    s.cell = Some([
        [2.0 * a, 0.0, 0.0],
        [0.0, 2.0 * a, 0.0],
        [0.0, 0.0, 2.0 * a],
    ]);
    s.pbc = [true; 3];
    s
}

fn check_forces(model: &LinearAce, s: &Structure) -> f64 {
    let (_, f) = model.energy_forces(s).unwrap();
    let h = 1e-5;
    let mut worst: f64 = 0.0;
    for (atom, fa) in f.iter().enumerate() {
        for (c, fc) in fa.iter().enumerate() {
            let mut plus = s.clone();
            plus.positions[atom][c] += h;
            let mut minus = s.clone();
            minus.positions[atom][c] -= h;
            let fd = -(model.energy(&plus).unwrap() - model.energy(&minus).unwrap()) / (2.0 * h);
            worst = worst.max((fd - fc).abs());
        }
    }
    worst
}

#[test]
fn forces_equal_central_finite_differences() {
    let mol = ethanol();
    for kind in [
        RadialKind::Bessel,
        RadialKind::Chebyshev,
        RadialKind::Gaussian,
    ] {
        let b = basis(&["H", "C", "O"], kind, 3, 2, 3, Some(7), 4.0);
        let err = check_forces(&random_model(&b, 3), &mol);
        assert!(err < 1e-6, "{kind:?}: {err:e}");
    }
    let b4 = basis(&["H", "C", "O"], RadialKind::Bessel, 2, 2, 4, Some(7), 4.0);
    assert!(check_forces(&random_model(&b4, 4), &mol) < 1e-6);
    let cu = fcc_copper(0.1, 11);
    let bcu = basis(&["Cu"], RadialKind::Bessel, 3, 2, 3, None, 4.5);
    let err = check_forces(&random_model(&bcu, 5), &cu);
    assert!(err < 1e-6, "Cu: {err:e}");
}

/// Character of the irrep l at rotation angle ω.
fn chi(l: usize, w: f64) -> f64 {
    if (w / 2.0).sin().abs() < 1e-12 {
        return (2 * l + 1) as f64;
    }
    ((2 * l + 1) as f64 * w / 2.0).sin() / (w / 2.0).sin()
}

/// Character of the k-th symmetric power of irrep l (cycle index of S_k in power sums χ(g^j)).
fn chi_sym(l: usize, k: usize, w: f64) -> f64 {
    let p = |j: usize| chi(l, j as f64 * w);
    match k {
        1 => p(1),
        2 => (p(1).powi(2) + p(2)) / 2.0,
        3 => (p(1).powi(3) + 3.0 * p(2) * p(1) + 2.0 * p(3)) / 6.0,
        4 => {
            (p(1).powi(4)
                + 6.0 * p(1).powi(2) * p(2)
                + 3.0 * p(2).powi(2)
                + 8.0 * p(1) * p(3)
                + 6.0 * p(4))
                / 24.0
        }
        _ => unreachable!(),
    }
}

/// Number of invariants of a multiset of channels by integrating characters over SO(3)
/// (Weyl: ∫ f dR = (1/π) ∫_0^π f(ω)(1 − cos ω) dω, exact on a uniform grid for trigonometric polynomials).
fn invariant_count(channels: &[(usize, usize)]) -> usize {
    // channels: (l, multiplicity)
    let sum_l: usize = channels.iter().map(|(l, m)| l * m).sum();
    if sum_l % 2 == 1 {
        return 0;
    }
    let n = 512;
    let mut acc = 0.0;
    for i in 0..n {
        let w = 2.0 * std::f64::consts::PI * (i as f64 + 0.5) / n as f64;
        let f: f64 = channels.iter().map(|&(l, m)| chi_sym(l, m, w)).product();
        acc += f * (1.0 - w.cos());
    }
    let v = acc / n as f64;
    assert!((v - v.round()).abs() < 1e-8, "{v}");
    v.round() as usize
}

/// The independent count for one species: all multisets of ν channels (n, l).
fn independent_count(nu: usize, n_max: usize, l_max: usize) -> usize {
    let channels: Vec<(usize, usize)> = (1..=n_max)
        .flat_map(|n| (0..=l_max).map(move |l| (n, l)))
        .collect();
    let mut total = 0;
    let mut idx = vec![0usize; nu];
    fn rec(
        pos: usize,
        start: usize,
        nu: usize,
        ch: &[(usize, usize)],
        idx: &mut Vec<usize>,
        total: &mut usize,
    ) {
        if pos == nu {
            let mut groups: Vec<(usize, usize)> = Vec::new();
            let mut s = 0;
            while s < nu {
                let e = (s..nu).take_while(|&x| idx[x] == idx[s]).count() + s;
                groups.push((ch[idx[s]].1, e - s));
                s = e;
            }
            *total += invariant_count(&groups);
            return;
        }
        for i in start..ch.len() {
            idx[pos] = i;
            rec(pos + 1, i, nu, ch, idx, total);
        }
    }
    rec(0, 0, nu, &channels, &mut idx, &mut total);
    total
}

#[test]
fn the_number_of_invariants_matches_a_character_count() {
    for &(nu, n_max, l_max) in &[
        (1, 4, 3),
        (2, 3, 3),
        (2, 2, 6),
        (3, 2, 3),
        (3, 1, 6),
        (4, 2, 2),
        (4, 1, 4),
        (4, 1, 6),
    ] {
        let b = basis(&["Cu"], RadialKind::Bessel, n_max, l_max, nu, None, 5.0);
        let ours = b.count_by_order()[nu - 1];
        let expected = independent_count(nu, n_max, l_max);
        assert_eq!(ours, expected, "ν={nu} n_max={n_max} l_max={l_max}");
    }
}

#[test]
fn the_invariants_are_linearly_independent_functions() {
    // evaluate every B on many random environments; full column rank means no invariant is a
    // combination of the others.
    let b = basis(&["Cu"], RadialKind::Chebyshev, 2, 3, 4, None, 5.0);
    let n = b.len();
    let mut rng = SplitMix64::new(99);
    let rows = 2 * n;
    let mut m = nalgebra::DMatrix::<f64>::zeros(rows, n);
    for r in 0..rows {
        let k = 4 + (rng.next_u64() % 5) as usize;
        let mut pos = vec![[0.0; 3]];
        for _ in 0..k {
            let v = [rng.normal(), rng.normal(), rng.normal()];
            let len = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
            let rr = 1.5 + 3.0 * (rng.next_u64() % 1000) as f64 / 1000.0;
            pos.push([v[0] / len * rr, v[1] / len * rr, v[2] / len * rr]);
        }
        let s = Structure::new(vec!["Cu".to_string(); pos.len()], pos);
        let d = descriptors(&b, &s).unwrap();
        for (c, x) in d.atom(0).iter().enumerate() {
            m[(r, c)] = *x;
        }
    }
    // normalise columns so the rank tolerance is scale-free
    for c in 0..n {
        let norm = m.column(c).norm();
        m.column_mut(c).scale_mut(1.0 / norm);
    }
    let sv = m.singular_values();
    let rank = sv.iter().filter(|&&s| s > 1e-9 * sv[0]).count();
    assert_eq!(rank, n, "{} functions, rank {rank}", n);
}

#[test]
fn a_fit_recovers_a_known_linear_model() {
    let b = basis(&["H", "C", "O"], RadialKind::Bessel, 2, 2, 3, Some(6), 4.0);
    let truth = random_model(&b, 42);
    let mol = ethanol();
    let mut rng = SplitMix64::new(1);
    let data: Vec<Structure> = (0..60)
        .map(|_| {
            let mut s = mol.clone();
            for p in s.positions.iter_mut() {
                for c in p.iter_mut() {
                    *c += 0.15 * rng.normal();
                }
            }
            let (e, f) = truth.energy_forces(&s).unwrap();
            s.energy = Some(e);
            s.forces = Some(f);
            s
        })
        .collect();
    let model = fit(
        b,
        &data[..50],
        FitOptions {
            ridge: 1e-14,
            ..FitOptions::default()
        },
    )
    .unwrap();
    let err = model.errors(&data[50..]).unwrap();
    assert!(err.energy_rmse < 1e-7 && err.force_rmse < 1e-7, "{err:?}");
}

/// Four like neighbours on a circle at 45° × {0,1,2,5} and × {0,1,3,4}: the same multiset of pairwise
/// angles, different triangles (the `incompleteness` widget of chapter 01).
fn circle_environment(steps: &[usize], r: f64) -> Structure {
    let mut species = vec!["C".to_string()];
    let mut pos = vec![[0.0; 3]];
    for &k in steps {
        let phi = k as f64 * std::f64::consts::PI / 4.0;
        species.push("H".to_string());
        pos.push([r * phi.cos(), r * phi.sin(), 0.0]);
    }
    Structure::new(species, pos)
}

#[test]
fn the_power_spectrum_cannot_tell_the_circle_pair_apart_but_the_bispectrum_can() {
    let b = basis(&["C", "H"], RadialKind::Bessel, 2, 6, 3, None, 3.0);
    let one = descriptors(&b, &circle_environment(&[0, 1, 2, 5], 1.5)).unwrap();
    let two = descriptors(&b, &circle_environment(&[0, 1, 3, 4], 1.5)).unwrap();
    let (mut d2, mut d3, mut scale) = (0.0f64, 0.0f64, 0.0f64);
    for (k, f) in b.functions().iter().enumerate() {
        let diff = (one.atom(0)[k] - two.atom(0)[k]).abs();
        scale = scale.max(one.atom(0)[k].abs());
        match f.order() {
            2 => d2 = d2.max(diff),
            3 => d3 = d3.max(diff),
            _ => {}
        }
    }
    assert!(d2 < 1e-12 * scale, "ν = 2 differs by {d2:e}");
    assert!(d3 > 1e-3 * scale, "ν = 3 differs only by {d3:e}");
}
