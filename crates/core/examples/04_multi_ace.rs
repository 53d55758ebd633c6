//! Chapter 04 in one run: the published models as points of the Multi-ACE design space with their
//! derived quantities, the body-order table, and every runnable point of a small grid (T, ν ≤ 3)
//! instantiated as a random-weight MACE model and checked for rotation invariance on ethanol.
//!
//! ```text
//! cargo run -p multiace-core --example 04_multi_ace
//! ```

use multiace_core::mace::EvalOptions;
use multiace_core::multiace::{
    mace_readout, published_models, BodyOrder, DesignPoint, Nonlinearity, OneParticleBasis,
};
use multiace_core::so3::{self, SplitMix64};
use multiace_core::structure::read_xyz;

fn body(b: BodyOrder) -> String {
    match b {
        BodyOrder::Finite(n) => n.to_string(),
        BodyOrder::Unbounded => "∞".into(),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!(
        "{:<8} {:>3} {:>10} {:>6} {:>10} {:>8} {:>9} {:>11}",
        "model", "T", "ν", "L_max", "features", "energy", "reach Å", "params"
    );
    for m in published_models() {
        let d = m.point.derived();
        let nus: Vec<String> = m.point.correlation.iter().map(|n| n.to_string()).collect();
        println!(
            "{:<8} {:>3} {:>10} {:>6} {:>10} {:>8} {:>9.1} {:>11}",
            m.name,
            d.layers,
            nus.join(","),
            m.point.big_l_max,
            body(d.feature_body_order),
            body(d.energy_body_order),
            d.receptive_field,
            d.parameters.map_or("-".into(), |p| p.to_string())
        );
    }

    println!("\nbody order 1 + n_T of linear-update models, n_t = ν (1 + n_(t-1)):");
    print!("{:>6}", "ν \\ T");
    for t in 1..=5 {
        print!("{t:>6}");
    }
    println!();
    for nu in 1..=4 {
        print!("{nu:>6}");
        for t in 1..=5 {
            let p = DesignPoint {
                one_particle: OneParticleBasis::EquivariantTensorProduct,
                correlation: vec![nu; t],
                l_max: 2,
                big_l_max: 1,
                update: Nonlinearity::Linear,
                readout: Nonlinearity::Linear,
                r_cut: 5.0,
                channels: 8,
            };
            print!("{:>6}", body(p.derived().feature_body_order));
        }
        println!();
    }

    let text = std::fs::read_to_string(format!(
        "{}/../../assets/molecules/ethanol.xyz",
        env!("CARGO_MANIFEST_DIR")
    ))?;
    let ethanol = read_xyz(&text)?.remove(0);
    let r = so3::random_rotation(&mut SplitMix64::new(4));
    let mut rotated = ethanol.clone();
    rotated
        .positions
        .iter_mut()
        .for_each(|p| *p = so3::apply(&r, *p));
    println!("\nrandom-weight MACE models of the grid on ethanol (l_max 2, L_max 1, 8 channels):");
    for t in 1..=3 {
        for nu in 1..=3 {
            let p = DesignPoint {
                one_particle: OneParticleBasis::EquivariantTensorProduct,
                correlation: vec![nu; t],
                l_max: 2,
                big_l_max: 1,
                update: Nonlinearity::Linear,
                readout: mace_readout(t),
                r_cut: 4.0,
                channels: 8,
            };
            let model = p.instantiate(&[1, 6, 8], 7)?;
            let mut ws = model.workspace();
            let a = model.evaluate(&ethanol, &mut ws, EvalOptions::default())?;
            let b = model.evaluate(&rotated, &mut ws, EvalOptions::default())?;
            let f_err = b
                .forces
                .iter()
                .zip(&a.forces)
                .flat_map(|(x, y)| {
                    let ry = so3::apply(&r, *y);
                    (0..3).map(move |c| (x[c] - ry[c]).abs())
                })
                .fold(0.0, f64::max);
            println!(
                "  T = {t}, ν = {nu}: energy body order {:>9}, {:>6} weights, E = {:>10.5} eV, |ΔE| = {:.1e}, max |F(Rx) − R F(x)| = {f_err:.1e}",
                body(p.derived().energy_body_order),
                p.derived().parameters.unwrap_or(0),
                a.energy,
                (b.energy - a.energy).abs()
            );
        }
    }
    let nequip = published_models()
        .into_iter()
        .find(|m| m.name == "NequIP")
        .ok_or("no NequIP")?;
    if let Err(why) = nequip.point.instantiate(&[1, 6, 8], 1) {
        println!("\nNequIP as placed: not run — {why}");
    }
    Ok(())
}
