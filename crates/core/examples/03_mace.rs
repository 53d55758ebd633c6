//! Chapter 03 in one run: the book's trained MACE model (mace-torch 0.3.16, exported by
//! `tools/export_mace.py`) on ethanol — its blocks, energy and forces, the forces against finite
//! differences, the energy under a random rotation, the contribution of each correlation order, its
//! errors on the held-out test set, and one picosecond of molecular dynamics.
//!
//! ```text
//! cargo run -p multiace-core --example 03_mace
//! ```

use std::time::Instant;

use multiace_core::mace::{EvalOptions, MaceCalculator, MaceModel};
use multiace_core::md::{maxwell_boltzmann, VelocityVerlet};
use multiace_core::so3::{self, SplitMix64};
use multiace_core::structure::{read_xyz, Structure};

fn asset(path: &str) -> String {
    format!("{}/../../assets/{path}", env!("CARGO_MANIFEST_DIR"))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let model =
        MaceModel::from_safetensors(&std::fs::read(asset("models/mace_ethanol.safetensors"))?)?;
    let summary = model.summary();
    println!(
        "{}: elements {}, r_max {} Å, {} Bessel functions (p = {}), spherical harmonics l ≤ {}",
        summary.model_class,
        summary.elements,
        summary.r_max,
        summary.num_bessel,
        summary.polynomial_p,
        summary.sh_lmax
    );
    for (t, l) in summary.layers.iter().enumerate() {
        println!(
            "  layer {}: {} → message {} → A {} (÷ {:.2}) → ν = {} ({:?} monomials) → {}, readout {}{}",
            t + 1,
            l.node_irreps,
            l.message_irreps,
            l.target_irreps,
            l.avg_num_neighbors,
            l.correlation,
            l.monomials,
            l.output_irreps,
            l.readout,
            if l.residual { ", residual" } else { "" }
        );
    }

    let text = std::fs::read_to_string(asset("molecules/ethanol.xyz"))?;
    let ethanol = read_xyz(&text)?.remove(0);
    let mut ws = model.workspace();
    let t0 = Instant::now();
    let out = model.evaluate(&ethanol, &mut ws, EvalOptions::default())?;
    println!(
        "\nethanol: E = {:.6} eV ({} edges), evaluated with forces in {:.2} ms (debug builds are slower)",
        out.energy,
        out.edges,
        t0.elapsed().as_secs_f64() * 1e3
    );
    for (i, (sp, e)) in ethanol.species.iter().zip(&out.energies).enumerate() {
        let f = out.forces[i];
        println!(
            "  {sp}{i}: site energy {e:>11.5} eV, force ({:>8.4}, {:>8.4}, {:>8.4}) eV/Å",
            f[0], f[1], f[2]
        );
    }

    // Forces are −∂E/∂r: compare with central differences.
    let energy = |s: &Structure, ws: &mut _| {
        model
            .evaluate(
                s,
                ws,
                EvalOptions {
                    forces: false,
                    ..EvalOptions::default()
                },
            )
            .map(|o| o.energy)
    };
    let h = 1e-5;
    let mut worst = 0.0f64;
    for i in 0..ethanol.len() {
        for c in 0..3 {
            let (mut p, mut m) = (ethanol.clone(), ethanol.clone());
            p.positions[i][c] += h;
            m.positions[i][c] -= h;
            let fd = -(energy(&p, &mut ws)? - energy(&m, &mut ws)?) / (2.0 * h);
            worst = worst.max((fd - out.forces[i][c]).abs());
        }
    }
    println!("forces vs central differences (h = 1e-5 Å): max deviation {worst:.1e} eV/Å");

    // Rotate the molecule: the energy stays, the forces turn with it.
    let r = so3::random_rotation(&mut SplitMix64::new(3));
    let mut rotated = ethanol.clone();
    rotated
        .positions
        .iter_mut()
        .for_each(|p| *p = so3::apply(&r, *p));
    let rot = model.evaluate(&rotated, &mut ws, EvalOptions::default())?;
    let f_err = rot
        .forces
        .iter()
        .zip(&out.forces)
        .flat_map(|(a, b)| {
            let rb = so3::apply(&r, *b);
            (0..3).map(move |c| (a[c] - rb[c]).abs())
        })
        .fold(0.0, f64::max);
    println!(
        "random rotation: |ΔE| = {:.1e} eV, max |F(Rx) − R F(x)| = {f_err:.1e} eV/Å",
        (rot.energy - out.energy).abs()
    );

    // What each correlation order adds (truncating the product basis in both layers).
    let e0: f64 = out.energy - out.interaction_energy;
    println!("correlation orders (sum over atoms, relative to ΣE0 = {e0:.4} eV):");
    let mut before = 0.0;
    for nu in 1..=3 {
        let o = model.evaluate(
            &ethanol,
            &mut ws,
            EvalOptions {
                max_correlation: nu,
                forces: false,
            },
        )?;
        let total = o.energy - e0;
        println!(
            "  ν ≤ {nu}: {total:>9.5} eV  (order {nu} adds {:>9.5} eV)",
            total - before
        );
        before = total;
    }

    // Errors on the test set (100 frames from an independent GFN2-xTB trajectory).
    let test = read_xyz(&std::fs::read_to_string(asset(
        "datasets/ethanol_test.xyz",
    ))?)?;
    let (mut se, mut sf, mut nf) = (0.0, 0.0, 0usize);
    for s in &test {
        let o = model.evaluate(s, &mut ws, EvalOptions::default())?;
        let (Some(e), Some(f)) = (s.energy, s.forces.as_ref()) else {
            continue;
        };
        se += ((o.energy - e) / s.len() as f64).powi(2);
        for (a, b) in o.forces.iter().flatten().zip(f.iter().flatten()) {
            sf += (a - b).powi(2);
            nf += 1;
        }
    }
    println!(
        "test set ({} frames): energy RMSE {:.2} meV/atom, force RMSE {:.1} meV/Å",
        test.len(),
        1e3 * (se / test.len() as f64).sqrt(),
        1e3 * (sf / nf as f64).sqrt()
    );

    // One picosecond of NVE dynamics from 300 K.
    let mut calc = MaceCalculator::new(model);
    let masses: Vec<f64> = ethanol
        .species
        .iter()
        .filter_map(|s| multiace_core::structure::atomic_mass(s))
        .collect();
    let v = maxwell_boltzmann(&masses, 300.0, &mut SplitMix64::new(1))?;
    let mut md = VelocityVerlet::with_masses(ethanol, masses, v, &mut calc)?;
    let e_start = md.total_energy();
    let t0 = Instant::now();
    md.run(&mut calc, 0.5, 2000)?;
    println!(
        "NVE, 2000 steps of 0.5 fs: total energy changed by {:.2} meV, {:.0} steps/s",
        1e3 * (md.total_energy() - e_start),
        2000.0 / t0.elapsed().as_secs_f64()
    );
    Ok(())
}
