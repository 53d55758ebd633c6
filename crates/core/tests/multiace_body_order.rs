//! The body order a design point reports is the body order of the model it runs, checked on the
//! energy itself. For a cluster of atoms all within one cutoff, the inclusion–exclusion sum
//! `Δ(S) = Σ_{U ⊆ S} (−1)^{|S|−|U|} E(U)` is the part of the energy that needs every atom of `S`
//! at once (the cluster expansion of `E`). An energy of body order `N` has `Δ(S) = 0` for every
//! `|S| > N`, and for a generic model `Δ(S) ≠ 0` at `|S| = N`. A non-linear readout on `N`-body
//! features makes `Δ` non-zero above `N` as well.

use multiace_core::mace::{EvalOptions, MaceModel};
use multiace_core::multiace::{
    mace_readout, BodyOrder, DesignPoint, Nonlinearity, OneParticleBasis,
};
use multiace_core::structure::Structure;

/// A compact cluster of `n` atoms (H, C, O in turn), all within 3.5 Å of one another, none closer
/// than 0.9 Å: a fixed, irregular arrangement so that no term vanishes by symmetry.
fn cluster(n: usize) -> Structure {
    const SITES: [[f64; 3]; 7] = [
        [0.0, 0.0, 0.0],
        [1.21, 0.13, -0.08],
        [-0.31, 1.17, 0.22],
        [0.44, 0.38, 1.09],
        [-0.93, -0.57, 0.61],
        [0.72, -1.02, -0.66],
        [-0.18, 0.49, -1.14],
    ];
    let symbols = ["H", "C", "O"];
    Structure::new(
        (0..n).map(|k| symbols[k % 3].to_string()).collect(),
        SITES[..n].to_vec(),
    )
}

/// Energy of the sub-cluster of `atoms` picked by the bits of `mask` (0 for the empty set: the
/// reference energies are zero).
fn energy_of(model: &MaceModel, atoms: &Structure, mask: u32) -> f64 {
    let picked: Vec<usize> = (0..atoms.len()).filter(|k| mask >> k & 1 == 1).collect();
    if picked.is_empty() {
        return 0.0;
    }
    let sub = Structure::new(
        picked.iter().map(|&k| atoms.species[k].clone()).collect(),
        picked.iter().map(|&k| atoms.positions[k]).collect(),
    );
    let mut ws = model.workspace();
    let opts = EvalOptions {
        forces: false,
        ..EvalOptions::default()
    };
    model.evaluate(&sub, &mut ws, opts).unwrap().energy
}

/// Δ(S) for the cluster of `n` atoms, and the largest |E(U)| seen (the scale Δ is compared with).
fn connected_part(model: &MaceModel, n: usize) -> (f64, f64) {
    let atoms = cluster(n);
    let full = (1u32 << n) - 1;
    let (mut delta, mut scale) = (0.0, 0.0_f64);
    for mask in 0..=full {
        let e = energy_of(model, &atoms, mask);
        let sign = if (n as u32 - mask.count_ones()).is_multiple_of(2) {
            1.0
        } else {
            -1.0
        };
        delta += sign * e;
        scale = scale.max(e.abs());
    }
    (delta, scale)
}

fn point(correlation: Vec<usize>) -> DesignPoint {
    DesignPoint {
        one_particle: OneParticleBasis::EquivariantTensorProduct,
        readout: mace_readout(correlation.len()),
        correlation,
        l_max: 2,
        big_l_max: 1,
        update: Nonlinearity::Linear,
        r_cut: 5.0,
        channels: 4,
    }
}

/// |Δ| relative to the energy scale: rounding below `ZERO` (measured: ≤ 6e-16), a real term above
/// `SEEN` (measured: ≥ 1e-8, the smallest being the readout's non-linear part for ν = (1, 2)).
const ZERO: f64 = 1e-12;
const SEEN: f64 = 1e-9;

#[test]
fn the_energy_truncates_at_the_derived_body_order() {
    // Every correlation order of one layer, and the two- and three-layer points whose features stay
    // below seven atoms (so that the clusters stay small: 2^7 sub-clusters at most).
    let grid: Vec<Vec<usize>> = vec![
        vec![1],
        vec![2],
        vec![3],
        vec![1, 1],
        vec![2, 1],
        vec![1, 2],
        vec![3, 1],
        vec![1, 1, 1],
    ];
    for corr in grid {
        let p = point(corr.clone());
        p.check_runnable().unwrap();
        let d = p.derived();
        let BodyOrder::Finite(features) = d.feature_body_order else {
            panic!("{corr:?}: linear updates give finite features");
        };
        let features = features as usize;
        let model = p.instantiate(&[1, 6, 8], 11).unwrap();
        let rel = |n: usize| {
            let (delta, scale) = connected_part(&model, n);
            delta.abs() / scale
        };
        // The features reach `features` atoms: the energy has a term that needs all of them.
        assert!(
            rel(features) > SEEN,
            "{corr:?}: no {features}-body term ({:e})",
            rel(features)
        );
        let above = rel(features + 1);
        match d.energy_body_order {
            BodyOrder::Finite(n) => {
                assert_eq!(n as usize, features, "{corr:?}");
                assert_eq!(corr.len(), 1, "only one-layer points read out linearly");
                assert!(
                    above < ZERO,
                    "{corr:?}: energy said {n}-body, but a {}-atom term is {above:e}",
                    n + 1
                );
            }
            BodyOrder::Unbounded => {
                assert!(corr.len() > 1, "{corr:?}");
                assert!(
                    above > SEEN,
                    "{corr:?}: the non-linear readout should add terms above {features} atoms ({above:e})"
                );
            }
        }
    }
}
