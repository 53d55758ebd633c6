//! `multiace figures --out DIR`: writes the figures of every chapter as SVG, drawn by the same
//! `multiace-figures` functions the site's widgets use on a canvas. The chapter-03 and -04 figures
//! use the book's own data: the shipped MACE model, ethanol, and the ν × T experiment's results.

use std::path::{Path, PathBuf};

use multiace_core::ace::{RadialBasis, RadialKind};
use multiace_core::mace::{MaceCalculator, MaceModel};
use multiace_core::md::{maxwell_boltzmann, scale_to_temperature, VelocityVerlet};
use multiace_core::multiace::{parse_experiment, published_models, ErrorMetric};
use multiace_core::nn::Activation;
use multiace_core::so3::{
    angles_to_matrix, triangle, wigner_d_from_matrix, Normalization, SplitMix64,
};
use multiace_core::structure::{atomic_mass, read_xyz, Structure};
use multiace_figures::{
    draw_activations, draw_d_blocks, draw_design_space, draw_energy_trace, draw_experiment,
    draw_order_bars, draw_radial_basis, draw_sh_gallery, draw_sh_map, draw_wigner_3j_slices,
    BarMarks, EnergySample, FigStyle,
};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The (l1, l2, l3) triples whose 3j tensors chapter 00 shows.
const WIGNER_3J: [(usize, usize, usize); 5] =
    [(1, 1, 0), (1, 1, 1), (1, 1, 2), (1, 2, 2), (2, 2, 2)];

/// The book's files the figures of chapters 03 and 04 are drawn from (embedded, so the figures do
/// not depend on the working directory).
const MODEL: &[u8] = include_bytes!("../../../assets/models/mace_ethanol.safetensors");
const ETHANOL: &str = include_str!("../../../assets/molecules/ethanol.xyz");
const EXPERIMENT: &str = include_str!("../../../assets/experiments/design_ethanol.json");
/// The MD figure: the `mace-md` widget's defaults (300 K, 0.5 fs, no thermostat, velocity seed 1).
const MD_TEMPERATURE: f64 = 300.0;
const MD_DT: f64 = 0.5;
const MD_STEPS: usize = 400;
const MD_SEED: u64 = 1;

/// Writes every chapter's figures into `out_dir` (created if missing) and prints each path.
pub fn run(out_dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(out_dir).map_err(|e| {
        format!(
            "cannot create the output directory {}: {e}",
            out_dir.display()
        )
    })?;
    let style = FigStyle::light();
    let mut written = Vec::new();

    written.push(write_svg(
        out_dir,
        "fig00_sh_gallery.svg",
        (1400, 760),
        |root| draw_sh_gallery(root, 4, Normalization::Component, &style),
    )?);

    for (l, m) in [(2usize, 1i64), (3, -2)] {
        let name = format!("fig00_sh_map_{l}_{m}.svg");
        written.push(write_svg(out_dir, &name, (720, 380), |root| {
            draw_sh_map(root, l, m, Normalization::Component, &style)
        })?);
    }

    for (l1, l2, l3) in WIGNER_3J {
        if !triangle(l1, l2, l3) {
            return Err(format!("({l1}, {l2}, {l3}) violates the triangle rule"));
        }
        let n = 2 * l3 + 1;
        let width = (180 + 150 * n.min(5) as u32).max(640);
        let height = 70 + 165 * n.div_ceil(5) as u32;
        let name = format!("fig00_wigner3j_{l1}_{l2}_{l3}.svg");
        written.push(write_svg(out_dir, &name, (width, height), |root| {
            draw_wigner_3j_slices(root, l1, l2, l3, &style)
        })?);
    }

    let r = angles_to_matrix(0.7, 1.1, -0.4);
    let blocks: Vec<_> = (0..=3).map(|l| wigner_d_from_matrix(l, &r)).collect();
    written.push(write_svg(
        out_dir,
        "fig00_wigner_d_blocks.svg",
        (560, 580),
        |root| draw_d_blocks(root, &blocks, &style),
    )?);

    // chapter 01: the three radial bases as the `radial-basis` widget shows them by default
    for kind in [
        RadialKind::Bessel,
        RadialKind::Chebyshev,
        RadialKind::Gaussian,
    ] {
        let basis = RadialBasis::new(kind, 6, 5.0).map_err(|e| e.to_string())?;
        let name = format!("fig01_radial_{}.svg", kind.name());
        written.push(write_svg(out_dir, &name, (720, 420), |root| {
            draw_radial_basis(root, &basis, false, None, &style).map(|_| ())
        })?);
    }

    // chapter 02: e3nn's normalised activations, the gate's scalars and gates
    written.push(write_svg(
        out_dir,
        "fig02_activations.svg",
        (720, 420),
        |root| {
            draw_activations(
                root,
                &[
                    Activation::Silu,
                    Activation::Tanh,
                    Activation::Sigmoid,
                    Activation::Abs,
                ],
                3.0,
                &style,
            )
        },
    )?);

    // chapter 03: the shipped model on ethanol
    let model = MaceModel::from_safetensors(MODEL).map_err(|e| e.to_string())?;
    let ethanol = read_xyz(ETHANOL)
        .map_err(|e| e.to_string())?
        .into_iter()
        .next()
        .ok_or("ethanol.xyz has no frame")?;
    let orders = model
        .order_contributions(&ethanol, &mut model.workspace())
        .map_err(|e| e.to_string())?;
    let labels: Vec<String> = ethanol
        .species
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{s}{i}"))
        .collect();
    let marks = BarMarks {
        legend: true,
        ..BarMarks::default()
    };
    written.push(write_svg(
        out_dir,
        "fig03_correlation_orders_ethanol.svg",
        (720, 360),
        |root| draw_order_bars(root, &labels, &orders.per_order, marks, &style).map(|_| ()),
    )?);
    let trace = md_trace(model, ethanol)?;
    written.push(write_svg(
        out_dir,
        "fig03_md_energies_ethanol.svg",
        (720, 360),
        |root| draw_energy_trace(root, (&trace, &[]), true, &style),
    )?);

    // chapter 04: the design space and the ν × T experiment
    let models = published_models();
    written.push(write_svg(
        out_dir,
        "fig04_design_space.svg",
        (720, 440),
        |root| draw_design_space(root, &models, None, None, &style).map(|_| ()),
    )?);
    let experiment = parse_experiment(EXPERIMENT)?;
    for metric in [ErrorMetric::Forces, ErrorMetric::Energy] {
        let name = format!("fig04_experiment_{}.svg", metric.key());
        written.push(write_svg(out_dir, &name, (640, 400), |root| {
            draw_experiment(root, &experiment, metric, None, &style).map(|_| ())
        })?);
    }

    for p in written {
        println!("{}", p.display());
    }
    Ok(())
}

/// Draws one figure into `out_dir/name` as an SVG of `size` pixels and returns its path.
fn write_svg(
    out_dir: &Path,
    name: &str,
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), String>,
) -> Result<PathBuf, String> {
    let path = out_dir.join(name);
    let root = SVGBackend::new(&path, size).into_drawing_area();
    draw(&root)?;
    root.present()
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    drop(root);
    Ok(path)
}

/// `MD_STEPS` steps of NVE dynamics of `s` from Maxwell–Boltzmann velocities at `MD_TEMPERATURE`:
/// time, kinetic, potential (relative to the start) and total energy of every step.
fn md_trace(model: MaceModel, s: Structure) -> Result<Vec<EnergySample>, String> {
    let masses = s
        .species
        .iter()
        .map(|sp| atomic_mass(sp).ok_or_else(|| format!("no atomic mass for {sp}")))
        .collect::<Result<Vec<f64>, String>>()?;
    let mut v = maxwell_boltzmann(&masses, MD_TEMPERATURE, &mut SplitMix64::new(MD_SEED))
        .map_err(|e| e.to_string())?;
    scale_to_temperature(&masses, &mut v, MD_TEMPERATURE).map_err(|e| e.to_string())?;
    let mut calc = MaceCalculator::new(model);
    let mut md = VelocityVerlet::with_masses(s, masses, v, &mut calc).map_err(|e| e.to_string())?;
    let e_ref = md.potential_energy();
    let sample = |md: &VelocityVerlet| {
        let (ke, pe) = (md.kinetic_energy(), md.potential_energy() - e_ref);
        [md.time_fs(), ke, pe, ke + pe]
    };
    let mut trace = vec![sample(&md)];
    for _ in 0..MD_STEPS {
        md.step(&mut calc, MD_DT).map_err(|e| e.to_string())?;
        trace.push(sample(&md));
    }
    Ok(trace)
}
