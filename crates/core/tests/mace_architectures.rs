#![cfg(not(target_arch = "wasm32"))]
//! MACE models of random architecture, across the whole range the loader accepts: radial networks of
//! width 1–64 with 1–3 hidden layers, 1–10 Bessel functions, `max_ell` 0–3, correlation 1–3 per layer,
//! 1–3 layers, hidden irreps mixing even and odd l ≤ 3 with multiplicities 1–16, 1–4 elements.
//!
//! Each architecture must give finite numbers, forces equal to central differences of the energy, and
//! an O(3)-invariant energy with equivariant forces. The test profile keeps debug assertions, so std's
//! and nalgebra's precondition checks fire here if any matrix call leaves its slice (the heap overflow
//! of dimforge/nalgebra#1616 was reached through small radial networks).

use multiace_core::mace::{EvalOptions, MaceModel, MaceSpec};
use multiace_core::so3::{self, random_rotation, Irrep, Irreps, MulIr, Parity, SplitMix64};
use multiace_core::structure::{chemical_symbol, Structure};

const ELEMENTS: [u32; 4] = [1, 6, 8, 29];

fn pick(rng: &mut SplitMix64, lo: usize, hi: usize) -> usize {
    lo + (rng.next_u64() % (hi - lo + 1) as u64) as usize
}

/// Hidden irreps: always scalars (mace-torch needs them), plus a random subset of 1o, 1e, 2e, 2o, 3o,
/// all with one multiplicity (mace-torch's product block reshapes the features by channel).
fn random_hidden(rng: &mut SplitMix64, max_l: usize) -> Irreps {
    let mul = pick(rng, 1, 16);
    let mut terms = vec![MulIr {
        mul,
        ir: Irrep::new(0, Parity::Even),
    }];
    let candidates = [
        (1, Parity::Odd),
        (1, Parity::Even),
        (2, Parity::Even),
        (2, Parity::Odd),
        (3, Parity::Odd),
    ];
    for (l, p) in candidates {
        if l <= max_l && rng.next_f64() < 0.45 {
            terms.push(MulIr {
                mul,
                ir: Irrep::new(l, p),
            });
        }
    }
    Irreps(terms)
}

/// A random architecture; the U matrices grow as (max_ell + 1)^(2ν), so the costliest corner
/// (ν = 3 with l = 3) is drawn with small channel counts.
fn random_spec(rng: &mut SplitMix64) -> MaceSpec {
    let n_el = pick(rng, 1, 4);
    let max_ell = pick(rng, 0, 3);
    let t_layers = pick(rng, 1, 3);
    let correlation: Vec<usize> = (0..t_layers).map(|_| pick(rng, 1, 3)).collect();
    let heavy = max_ell == 3 && correlation.contains(&3);
    let mut hidden = random_hidden(rng, if heavy { 1 } else { 3 });
    if heavy {
        hidden.0.iter_mut().for_each(|t| t.mul = t.mul.min(4));
    }
    let radial_mlp = (0..pick(rng, 1, 3))
        .map(|_| {
            if rng.next_f64() < 0.5 {
                pick(rng, 1, 4)
            } else {
                pick(rng, 1, 64)
            }
        })
        .collect();
    MaceSpec {
        atomic_numbers: ELEMENTS[..n_el].to_vec(),
        atomic_energies: (0..n_el).map(|k| -1.0 - k as f64).collect(),
        r_max: 3.0 + 2.0 * rng.next_f64(),
        num_bessel: pick(rng, 1, 10),
        num_polynomial_cutoff: pick(rng, 2, 6) as u32,
        max_ell,
        correlation,
        hidden_irreps: hidden,
        radial_mlp,
        mlp_irreps: pick(rng, 1, 16),
        avg_num_neighbors: 1.0 + 9.0 * rng.next_f64(),
        scale_shift: (rng.next_f64() < 0.5).then(|| (0.5 + rng.next_f64(), rng.normal())),
    }
}

/// Six atoms of the model's elements, 1.0–2.2 Å apart along a random walk, so every atom has
/// neighbours inside any cutoff drawn above.
fn random_molecule(rng: &mut SplitMix64, elements: &[u32]) -> Structure {
    let mut positions: Vec<[f64; 3]> = vec![[0.0; 3]];
    while positions.len() < 6 {
        let base = positions[pick(rng, 0, positions.len() - 1)];
        let d = [rng.normal(), rng.normal(), rng.normal()];
        let n = (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt();
        let r = 1.0 + 1.2 * rng.next_f64();
        let p = [
            base[0] + r * d[0] / n,
            base[1] + r * d[1] / n,
            base[2] + r * d[2] / n,
        ];
        let clear = positions.iter().all(|q| {
            let s: f64 = (0..3).map(|c| (p[c] - q[c]).powi(2)).sum();
            s > 0.9 * 0.9
        });
        if clear {
            positions.push(p);
        }
    }
    let species = (0..positions.len())
        .map(|i| {
            chemical_symbol(elements[i % elements.len()] as u8)
                .unwrap()
                .to_string()
        })
        .collect();
    Structure::new(species, positions)
}

fn transformed(s: &Structure, r: &so3::Mat3, sign: f64, shift: [f64; 3]) -> Structure {
    let mut t = s.clone();
    for p in &mut t.positions {
        let q = so3::apply(r, *p);
        *p = [0, 1, 2].map(|c| sign * q[c] + shift[c]);
    }
    t
}

fn energy(m: &MaceModel, s: &Structure) -> f64 {
    let opts = EvalOptions {
        forces: false,
        ..EvalOptions::default()
    };
    m.evaluate(s, &mut m.workspace(), opts).unwrap().energy
}

/// Checks one architecture; returns the worst (finite-difference, invariance) errors relative to
/// the size of the forces and energy.
fn check(spec: &MaceSpec, seed: u64, rng: &mut SplitMix64) -> (f64, f64) {
    let tag = format!("{spec:?}");
    let model = MaceModel::with_random_weights(spec, seed)
        .unwrap_or_else(|e| panic!("the builder refused an accepted architecture: {e}\n{tag}"));
    let s = random_molecule(rng, &spec.atomic_numbers);
    let mut ws = model.workspace();
    let base = model
        .evaluate(&s, &mut ws, EvalOptions::default())
        .unwrap_or_else(|e| panic!("{e}\n{tag}"));
    assert!(base.energy.is_finite(), "energy {}\n{tag}", base.energy);
    assert!(
        base.forces.iter().flatten().all(|f| f.is_finite()),
        "non-finite force\n{tag}"
    );
    let f_scale = base
        .forces
        .iter()
        .flatten()
        .fold(1e-6f64, |a, b| a.max(b.abs()));
    // Five-point central differences, h = 1e-4 Å: truncation ~h⁴·|∂⁵E|, rounding ~ε|E|/h.
    let h = 1e-4;
    let mut fd_err = 0.0f64;
    for i in [0, 3, 5] {
        for c in 0..3 {
            let at = |d: f64| {
                let mut p = s.clone();
                p.positions[i][c] += d;
                energy(&model, &p)
            };
            let fd = -(8.0 * (at(h) - at(-h)) - (at(2.0 * h) - at(-2.0 * h))) / (12.0 * h);
            // Rounding of the energy differences (~1e-11 |E|) sets the floor where forces are tiny.
            let scale = f_scale + base.energy.abs() * 1e-5;
            fd_err = fd_err.max((fd - base.forces[i][c]).abs() / scale);
        }
    }
    let mut inv_err = 0.0f64;
    for k in 0..2 {
        let r = random_rotation(rng);
        let sign = if k == 1 { -1.0 } else { 1.0 };
        let shift = [rng.normal(), rng.normal(), rng.normal()];
        let out = model
            .evaluate(
                &transformed(&s, &r, sign, shift),
                &mut ws,
                EvalOptions::default(),
            )
            .unwrap();
        inv_err = inv_err.max((out.energy - base.energy).abs() / base.energy.abs().max(1.0));
        for (f, g) in out.forces.iter().zip(&base.forces) {
            let rg = so3::apply(&r, *g);
            for c in 0..3 {
                inv_err = inv_err.max((f[c] - sign * rg[c]).abs() / f_scale);
            }
        }
    }
    assert!(
        fd_err < 1e-6,
        "forces vs finite differences: {fd_err:e}\n{tag}"
    );
    assert!(inv_err < 1e-10, "O(3) invariance: {inv_err:e}\n{tag}");
    (fd_err, inv_err)
}

#[test]
fn random_architectures_are_sound_differentiable_and_invariant() {
    let mut rng = SplitMix64::new(2026);
    let mut worst = (0.0f64, 0.0f64);
    for case in 0..200 {
        let spec = random_spec(&mut rng);
        let (fd, inv) = check(&spec, 100 + case, &mut rng);
        worst = (worst.0.max(fd), worst.1.max(inv));
    }
    println!(
        "worst: finite differences {:.1e}, invariance {:.1e}",
        worst.0, worst.1
    );
}

/// The edges of every range, one at a time, on top of a small base architecture.
#[test]
fn the_edges_of_every_range() {
    let base = MaceSpec {
        atomic_numbers: vec![1, 6, 8],
        atomic_energies: vec![-1.0, -2.0, -3.0],
        r_max: 4.0,
        num_bessel: 4,
        num_polynomial_cutoff: 5,
        max_ell: 2,
        correlation: vec![2, 2],
        hidden_irreps: "4x0e+4x1o".parse().unwrap(),
        radial_mlp: vec![8, 8],
        mlp_irreps: 4,
        avg_num_neighbors: 4.0,
        scale_shift: None,
    };
    let edge = |f: &dyn Fn(&mut MaceSpec)| {
        let mut s = base.clone();
        f(&mut s);
        s
    };
    let cases = [
        edge(&|s| s.radial_mlp = vec![1]),
        edge(&|s| s.radial_mlp = vec![1, 1, 1]),
        edge(&|s| s.radial_mlp = vec![2, 2]),
        edge(&|s| s.radial_mlp = vec![64, 3, 64]),
        edge(&|s| s.num_bessel = 1),
        edge(&|s| s.num_bessel = 10),
        edge(&|s| s.max_ell = 0),
        edge(&|s| s.max_ell = 3),
        edge(&|s| s.correlation = vec![1]),
        edge(&|s| s.correlation = vec![3]),
        edge(&|s| s.correlation = vec![1, 1, 1]),
        edge(&|s| s.correlation = vec![3, 1, 2]),
        edge(&|s| s.hidden_irreps = "1x0e".parse().unwrap()),
        edge(&|s| s.hidden_irreps = "1x0e+1x1o+1x1e+1x2e".parse().unwrap()),
        edge(&|s| s.hidden_irreps = "16x0e+16x1o".parse().unwrap()),
        edge(&|s| s.hidden_irreps = "3x0e+3x1o+3x1e".parse().unwrap()),
        edge(&|s| s.mlp_irreps = 1),
        edge(&|s| {
            s.atomic_numbers = vec![1];
            s.atomic_energies = vec![-1.0];
        }),
        edge(&|s| {
            s.atomic_numbers = vec![1, 6, 8, 29];
            s.atomic_energies = vec![-1.0, -2.0, -3.0, -4.0];
        }),
    ];
    let mut rng = SplitMix64::new(99);
    for (k, spec) in cases.iter().enumerate() {
        check(spec, k as u64, &mut rng);
    }
}
