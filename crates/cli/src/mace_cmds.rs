//! `multiace mace` and `multiace md`: a mace-torch model (exported by `tools/export_mace.py`) on a
//! structure file — energy, forces and site energies, or a molecular-dynamics trajectory.

use std::time::Instant;

use multiace_core::mace::{EvalOptions, MaceCalculator, MaceModel};
use multiace_core::md::{maxwell_boltzmann, Thermostat, VelocityVerlet};
use multiace_core::so3::SplitMix64;
use multiace_core::structure::{atomic_mass, read_xyz, write_xyz, Structure};
use serde_json::json;

fn load_model(path: &str) -> Result<MaceModel, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    MaceModel::from_safetensors(&bytes).map_err(|e| format!("{path}: {e}"))
}

/// The first frame of an (extended) XYZ file.
fn first_frame(path: &str) -> Result<Structure, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let frames = read_xyz(&text).map_err(|e| format!("{path}: {e}"))?;
    frames
        .into_iter()
        .next()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| format!("{path}: no atoms in the file"))
}

fn positional(args: &[String], what: &str) -> Result<(String, String), String> {
    match args {
        [model, file, ..] if !model.starts_with("--") && !file.starts_with("--") => {
            Ok((model.clone(), file.clone()))
        }
        _ => Err(format!(
            "usage: multiace {what} MODEL.safetensors FILE.xyz (see --help)"
        )),
    }
}

/// `multiace mace MODEL FILE.xyz [--frame I]`: `{"energy", "forces", "energies"}` in eV and eV/Å.
pub fn cmd_mace(args: &[String]) -> Result<String, String> {
    let (model_path, file) = positional(args, "mace")?;
    let mut frame = 0usize;
    let mut it = args[2..].iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--frame" => {
                let v = it.next().ok_or("--frame needs a value")?;
                frame = v
                    .trim()
                    .parse()
                    .map_err(|_| format!("--frame = `{v}` is not a non-negative integer"))?;
            }
            other => return Err(format!("unknown argument `{other}` for mace (see --help)")),
        }
    }
    let model = load_model(&model_path)?;
    let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let frames = read_xyz(&text).map_err(|e| format!("{file}: {e}"))?;
    let n_frames = frames.len();
    let s = frames
        .into_iter()
        .nth(frame)
        .ok_or_else(|| format!("{file}: --frame {frame}, but the file has {n_frames} frame(s)"))?;
    let out = model
        .evaluate(&s, &mut model.workspace(), EvalOptions::default())
        .map_err(|e| format!("{file}: {e}"))?;
    serde_json::to_string(&json!({
        "energy": out.energy,
        "forces": out.forces,
        "energies": out.energies,
    }))
    .map_err(|e| format!("cannot write JSON: {e}"))
}

/// Options of `multiace md`.
struct MdOptions {
    steps: usize,
    dt: f64,
    temperature: f64,
    out: Option<String>,
    thermostat: String,
    friction: f64,
    tau: f64,
    every: usize,
    seed: u64,
}

fn parse_md(args: &[String]) -> Result<MdOptions, String> {
    let mut o = MdOptions {
        steps: 100,
        dt: 0.5,
        temperature: 300.0,
        out: None,
        thermostat: "langevin".into(),
        friction: 0.01,
        tau: 100.0,
        every: 1,
        seed: 1,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let v = it.next().ok_or_else(|| format!("{a} needs a value"))?;
        let num = |name: &str| match v.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(x),
            _ => Err(format!("{name} = `{v}` is not a finite number")),
        };
        let int = |name: &str| {
            v.trim()
                .parse::<usize>()
                .map_err(|_| format!("{name} = `{v}` is not a non-negative integer"))
        };
        match a.as_str() {
            "--steps" => o.steps = int("--steps")?,
            "--dt" => o.dt = num("--dt")?,
            "--temperature" => o.temperature = num("--temperature")?,
            "--out" => o.out = Some(v.clone()),
            "--thermostat" => o.thermostat = v.clone(),
            "--friction" => o.friction = num("--friction")?,
            "--tau" => o.tau = num("--tau")?,
            "--every" => o.every = int("--every")?.max(1),
            "--seed" => o.seed = int("--seed")? as u64,
            other => return Err(format!("unknown option {other} for md (see --help)")),
        }
    }
    if o.steps > 10_000_000 {
        return Err(format!("--steps = {}: at most 10000000", o.steps));
    }
    Ok(o)
}

/// One trajectory frame: positions, forces, potential energy, and the state in the comment line.
fn frame(md: &VelocityVerlet) -> Structure {
    let mut s = md.structure().clone();
    s.energy = Some(md.potential_energy());
    s.forces = Some(md.forces().to_vec());
    s.info.retain(|(k, _)| {
        !matches!(
            k.as_str(),
            "time_fs" | "step" | "kinetic_energy" | "temperature"
        )
    });
    s.info.push(("time_fs".into(), format!("{}", md.time_fs())));
    s.info.push(("step".into(), md.steps().to_string()));
    s.info
        .push(("kinetic_energy".into(), format!("{}", md.kinetic_energy())));
    s.info
        .push(("temperature".into(), format!("{}", md.temperature())));
    s
}

/// `multiace md MODEL FILE.xyz --steps N --dt FS --temperature K --out traj.xyz`.
pub fn cmd_md(args: &[String]) -> Result<String, String> {
    let (model_path, file) = positional(args, "md")?;
    let o = parse_md(&args[2..])?;
    let out_path = o
        .out
        .clone()
        .ok_or("missing --out traj.xyz (where to write the trajectory)")?;
    let thermostat = match o.thermostat.as_str() {
        "langevin" => Thermostat::Langevin {
            temperature: o.temperature,
            friction: o.friction,
        },
        "berendsen" => Thermostat::Berendsen {
            temperature: o.temperature,
            tau: o.tau,
        },
        "none" | "nve" => Thermostat::None,
        other => {
            return Err(format!(
                "--thermostat = `{other}`: use langevin, berendsen or none"
            ))
        }
    };
    let mut calc = MaceCalculator::new(load_model(&model_path)?);
    let s = first_frame(&file)?;
    let masses = s
        .species
        .iter()
        .map(|sp| {
            atomic_mass(sp).ok_or_else(|| format!("{file}: no standard atomic mass for {sp}"))
        })
        .collect::<Result<Vec<f64>, String>>()?;
    let mut rng = SplitMix64::new(o.seed);
    let v = maxwell_boltzmann(&masses, o.temperature, &mut rng).map_err(|e| e.to_string())?;
    let mut md =
        VelocityVerlet::with_masses(s, masses, v, &mut calc).map_err(|e| format!("{file}: {e}"))?;
    md.set_thermostat(thermostat, o.seed)
        .map_err(|e| e.to_string())?;
    let e_start = md.total_energy();
    let mut frames = vec![frame(&md)];
    let t0 = Instant::now();
    for k in 1..=o.steps {
        md.step(&mut calc, o.dt)
            .map_err(|e| format!("step {k}: {e} (the trajectory so far is not written)"))?;
        if k % o.every == 0 {
            frames.push(frame(&md));
        }
    }
    let seconds = t0.elapsed().as_secs_f64();
    std::fs::write(&out_path, write_xyz(&frames))
        .map_err(|e| format!("cannot write {out_path}: {e}"))?;
    serde_json::to_string(&json!({
        "steps": o.steps,
        "dt_fs": o.dt,
        "thermostat": o.thermostat,
        "frames_written": frames.len(),
        "out": out_path,
        "potential_energy": md.potential_energy(),
        "kinetic_energy": md.kinetic_energy(),
        "total_energy": md.total_energy(),
        "total_energy_change": md.total_energy() - e_start,
        "temperature": md.temperature(),
        "ms_per_step": if o.steps > 0 { 1e3 * seconds / o.steps as f64 } else { 0.0 },
    }))
    .map_err(|e| format!("cannot write JSON: {e}"))
}
