//! `multiace descriptors` and `multiace fit-ace`: ACE invariants of a structure file, and a linear ACE
//! fitted to one file and tested on another.

use std::path::Path;
use std::time::Instant;

use multiace_core::ace::{
    descriptors, AceBasis, AceSpec, FitErrors, FitOptions, LinearFit, RadialBasis, RadialKind,
};
use multiace_core::structure::{read_xyz, Structure};
use serde_json::{json, Value};

/// The options both commands share, with their defaults.
struct BasisOptions {
    r_cut: f64,
    l_max: usize,
    n_max: usize,
    order: usize,
    degree: Option<usize>,
    kind: RadialKind,
}

/// Flags that are not basis options, collected for the caller.
type Extra = Vec<(String, String)>;

fn parse_options(
    args: &[String],
    extra_flags: &[&str],
) -> Result<(Vec<String>, BasisOptions, Extra), String> {
    let mut o = BasisOptions {
        r_cut: 5.0,
        l_max: 2,
        n_max: 4,
        order: 2,
        degree: None,
        kind: RadialKind::Bessel,
    };
    let mut files = Vec::new();
    let mut extra = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if !a.starts_with("--") {
            files.push(a.clone());
            continue;
        }
        let value = it.next().ok_or_else(|| format!("{a} needs a value"))?;
        let int = |name: &str| {
            value
                .trim()
                .parse::<usize>()
                .map_err(|_| format!("{name} = `{value}` is not a non-negative integer"))
        };
        match a.as_str() {
            "--rcut" => {
                o.r_cut = match value.trim().parse::<f64>() {
                    Ok(v) if v.is_finite() => v,
                    _ => return Err(format!("--rcut = `{value}` is not a finite number")),
                }
            }
            "--lmax" => o.l_max = int("--lmax")?,
            "--nmax" => o.n_max = int("--nmax")?,
            "--order" => o.order = int("--order")?,
            "--degree" => o.degree = Some(int("--degree")?),
            "--basis" => o.kind = value.parse::<RadialKind>().map_err(|e| e.to_string())?,
            flag if extra_flags.contains(&flag) => extra.push((flag.to_string(), value.clone())),
            other => return Err(format!("unknown option {other} (see --help)")),
        }
    }
    Ok((files, o, extra))
}

fn read_frames(path: &str) -> Result<Vec<Structure>, String> {
    let text =
        std::fs::read_to_string(Path::new(path)).map_err(|e| format!("cannot read {path}: {e}"))?;
    let frames = read_xyz(&text).map_err(|e| format!("{path}: {e}"))?;
    if frames.is_empty() {
        return Err(format!("{path}: no structures in the file"));
    }
    Ok(frames)
}

/// The species of all frames, ordered by atomic number (the basis's species channels).
fn species_of(sets: &[&[Structure]]) -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    for frames in sets {
        for s in frames.iter() {
            for sp in s.species_set() {
                if !all.contains(&sp) {
                    all.push(sp);
                }
            }
        }
    }
    Structure::new(all, Vec::new()).species_set()
}

fn build_basis(o: &BasisOptions, species: Vec<String>) -> Result<AceBasis, String> {
    let radial = RadialBasis::new(o.kind, o.n_max, o.r_cut).map_err(|e| e.to_string())?;
    AceBasis::new(AceSpec {
        species,
        radial,
        l_max: o.l_max,
        max_order: o.order,
        max_degree: o.degree,
    })
    .map_err(|e| e.to_string())
}

fn basis_json(b: &AceBasis) -> Value {
    let spec = b.spec();
    json!({
        "species": spec.species,
        "radial": spec.radial.kind().name(),
        "r_cut": spec.radial.r_cut(),
        "n_max": spec.radial.n_max(),
        "l_max": spec.l_max,
        "order": spec.max_order,
        "degree": spec.max_degree,
        "functions_per_order": b.count_by_order(),
    })
}

/// `descriptors FILE --rcut R --lmax L --nmax N --order NU [--basis K] [--degree D] [--frame I]`.
pub fn cmd_descriptors(args: &[String]) -> Result<String, String> {
    let (files, o, extra) = parse_options(args, &["--frame"])?;
    let [file] = files.as_slice() else {
        return Err("descriptors needs exactly one structure file".into());
    };
    let frames = read_frames(file)?;
    let index = match extra.first() {
        Some((_, v)) => v
            .trim()
            .parse::<usize>()
            .map_err(|_| format!("--frame = `{v}` is not a non-negative integer"))?,
        None => 0,
    };
    let s = frames
        .get(index)
        .ok_or_else(|| format!("--frame {index}: the file has {} frames", frames.len()))?;
    let basis = build_basis(&o, species_of(&[std::slice::from_ref(s)]))?;
    let d = descriptors(&basis, s).map_err(|e| e.to_string())?;
    let atoms: Vec<Value> = (0..s.len())
        .map(|i| json!({"species": s.species[i], "B": d.atom(i)}))
        .collect();
    Ok(json!({"basis": basis_json(&basis), "labels": basis.labels(), "atoms": atoms}).to_string())
}

fn errors_json(e: &FitErrors) -> Value {
    json!({
        "structures": e.n_structures,
        "force_components": e.n_force_components,
        "energy_mae_per_atom": e.energy_mae,
        "energy_rmse_per_atom": e.energy_rmse,
        "force_mae": e.force_mae,
        "force_rmse": e.force_rmse,
    })
}

/// `fit-ace TRAIN --test TEST [basis options] [--ridge X] [--energy-weight W] [--force-weight W]`.
pub fn cmd_fit_ace(args: &[String]) -> Result<String, String> {
    let (files, o, extra) = parse_options(
        args,
        &["--test", "--ridge", "--energy-weight", "--force-weight"],
    )?;
    let [train_file] = files.as_slice() else {
        return Err("fit-ace needs exactly one training file (and --test FILE)".into());
    };
    let mut options = FitOptions::default();
    let mut test_file = None;
    for (flag, value) in &extra {
        let num = || match value.trim().parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
            _ => Err(format!(
                "{flag} = `{value}` is not a finite non-negative number"
            )),
        };
        match flag.as_str() {
            "--test" => test_file = Some(value.clone()),
            "--ridge" => options.ridge = num()?,
            "--energy-weight" => options.energy_weight = num()?,
            _ => options.force_weight = num()?,
        }
    }
    let test_file = test_file.ok_or("fit-ace needs --test FILE")?;
    let train = read_frames(train_file)?;
    let test = read_frames(&test_file)?;
    let basis = build_basis(&o, species_of(&[&train, &test]))?;
    let basis_info = basis_json(&basis);
    let start = Instant::now();
    let mut problem = LinearFit::new(basis, options).map_err(|e| e.to_string())?;
    for (k, s) in train.iter().enumerate() {
        problem
            .add(s)
            .map_err(|e| format!("{train_file}, frame {k}: {e}"))?;
    }
    let columns = problem.columns();
    let model = problem.solve().map_err(|e| e.to_string())?;
    let seconds = start.elapsed().as_secs_f64();
    let train_err = model.errors(&train).map_err(|e| e.to_string())?;
    let test_err = model
        .errors(&test)
        .map_err(|e| format!("{test_file}: {e}"))?;
    let e0: serde_json::Map<String, Value> = model
        .basis()
        .spec()
        .species
        .iter()
        .zip(model.e0())
        .map(|(s, e)| (s.clone(), json!(e)))
        .collect();
    Ok(json!({
        "basis": basis_info,
        "columns": columns,
        "options": {"ridge": options.ridge, "energy_weight": options.energy_weight, "force_weight": options.force_weight},
        "fit_seconds": seconds,
        "e0": e0,
        "train": errors_json(&train_err),
        "test": errors_json(&test_err),
        "units": {"energy": "eV/atom", "force": "eV/Å"},
    })
    .to_string())
}
