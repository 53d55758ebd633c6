//! Chapter 01 in one run: the ACE basis of ethanol, its invariance, and a linear ACE fitted to GFN2-xTB
//! molecular dynamics.
//!
//! ```text
//! cargo run --release -p multiace-core --example 01_ace
//! ```

use multiace_core::ace::{
    descriptors, AceBasis, AceSpec, FitOptions, LinearFit, RadialBasis, RadialKind,
};
use multiace_core::so3::{apply, random_rotation, SplitMix64};
use multiace_core::structure::{read_xyz, Structure};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let ethanol = read_xyz(&std::fs::read_to_string(format!(
        "{root}/assets/molecules/ethanol.xyz"
    ))?)?
    .remove(0);

    // 1. The basis: species channels × radial functions × spherical harmonics, coupled to invariants.
    let spec = AceSpec {
        species: ethanol.species_set(),
        radial: RadialBasis::new(RadialKind::Bessel, 3, 4.0)?,
        l_max: 2,
        max_order: 3,
        max_degree: Some(6),
    };
    let basis = AceBasis::new(spec)?;
    println!("species {:?}", basis.spec().species);
    println!("atomic basis A: {} numbers per atom", basis.a_len());
    for (nu, count) in basis.count_by_order().iter().enumerate() {
        println!("  ν = {}: {count} invariants ({}-body)", nu + 1, nu + 2);
    }

    // 2. Invariance: rotate the molecule and compare every B.
    let before = descriptors(&basis, &ethanol)?;
    let q = random_rotation(&mut SplitMix64::new(1));
    let rotated = Structure::new(
        ethanol.species.clone(),
        ethanol.positions.iter().map(|&p| apply(&q, p)).collect(),
    );
    let after = descriptors(&basis, &rotated)?;
    let scale = before.values.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    let dev = before
        .values
        .iter()
        .zip(&after.values)
        .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
    println!(
        "largest change of B under a random rotation: {:.1e} (relative {:.1e})",
        dev,
        dev / scale
    );

    // 3. A linear ACE on energies and forces.
    let train = read_xyz(&std::fs::read_to_string(format!(
        "{root}/assets/datasets/ethanol_train.xyz"
    ))?)?;
    let test = read_xyz(&std::fs::read_to_string(format!(
        "{root}/assets/datasets/ethanol_test.xyz"
    ))?)?;
    let t0 = Instant::now();
    let mut problem = LinearFit::new(basis, FitOptions::default())?;
    for s in &train {
        problem.add(s)?;
    }
    let model = problem.solve()?;
    println!(
        "fitted {} coefficients to {} structures in {:.2} s",
        model.coefficients().len(),
        train.len(),
        t0.elapsed().as_secs_f64()
    );
    for (name, data) in [("train", &train), ("test", &test)] {
        let e = model.errors(data)?;
        println!(
            "{name:>5}: energy RMSE {:.2} meV/atom, force RMSE {:.1} meV/Å",
            1e3 * e.energy_rmse,
            1e3 * e.force_rmse
        );
    }
    Ok(())
}
