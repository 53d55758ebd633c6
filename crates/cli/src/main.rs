//! `multiace`: the Multi-ACE core from the command line. JSON in, JSON out, numbers with full f64
//! precision (serde_json prints the shortest representation that round-trips), so results can be
//! compared with e3nn / sympy directly. Every bad input gives one `error: ...` line on stderr and exit
//! code 2.

mod ace_cmds;
mod figures;
mod mace_cmds;
mod nn_cmds;

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use multiace_core::so3::{self, Normalization, LMAX_SUPPORTED};

const USAGE: &str = "\
multiace: the Multi-ACE core from the command line (e3nn 0.4.4 conventions)

USAGE:
  multiace sh --lmax L [--normalization integral|component|norm] [--no-normalize]
      Reads a JSON array of [x, y, z] vectors from stdin; prints one row per vector with the real
      spherical harmonics of degrees 0..=L concatenated in e3nn order (y is the polar axis).
      Defaults: --normalization integral, input vectors normalised (e3nn normalize=True).
  multiace wigner-3j L1 L2 L3
      Prints e3nn 0.4.4's o3.wigner_3j(L1, L2, L3) as nested arrays of shape (2L1+1, 2L2+1, 2L3+1).
  multiace wigner-d L --angles ALPHA BETA GAMMA
  multiace wigner-d L --matrix '[[r00,r01,r02],[r10,r11,r12],[r20,r21,r22]]'
      Prints the (2L+1)x(2L+1) Wigner D matrix (e3nn o3.wigner_D; angles in radians,
      R = Ry(ALPHA) Rx(BETA) Ry(GAMMA)), or of the given rotation matrix.
  multiace descriptors FILE.xyz [--rcut R] [--lmax L] [--nmax N] [--order NU]
                       [--basis bessel|chebyshev|gaussian] [--degree D] [--frame I]
      Prints the ACE invariants B of every atom of one frame (default the first) of an (extended)
      XYZ file as JSON with keys basis, labels and atoms (one {species, B} per atom),
      atoms in file order. Defaults: --rcut 5 --lmax 2 --nmax 4 --order 2 --basis bessel, no
      degree cap (--degree D keeps tuples with sum(n + l) <= D).
  multiace fit-ace TRAIN.xyz --test TEST.xyz [basis options as above]
                   [--ridge X] [--energy-weight W] [--force-weight W]
      Fits a linear ACE to the energies and forces of TRAIN (ridge least squares) and prints
      train and test errors as JSON: energies per atom (eV/atom), forces per component (eV/Å).
  multiace tensor-product IRREPS1 IRREPS2 [--filter IRREPS_OUT]
      Prints the paths of an e3nn 0.4.4 tensor product as JSON {irreps_out, paths, num_weights}:
      irreps_out = FullTensorProduct(IRREPS1, IRREPS2).irreps_out.simplify(); paths = one
      {in1, in2, out} per instruction. Without --filter the paths are FullTensorProduct's and
      num_weights is 0 (the full tensor product has no weights); with --filter they are those of
      FullyConnectedTensorProduct(IRREPS1, IRREPS2, IRREPS_OUT) and num_weights its weight_numel.
      Irreps are written like 8x0e+4x1o+2x2e (quote them in the shell).
  multiace mace MODEL.safetensors FILE.xyz [--frame I]
      Evaluates a MACE model exported from mace-torch by tools/export_mace.py on one frame (default
      the first) and prints {\"energy\": E, \"forces\": [[fx, fy, fz], ...], \"energies\": [...]}:
      total energy (eV), forces (eV/Å) and site energies (eV, E0 included), atoms in file order.
  multiace md MODEL.safetensors FILE.xyz --out TRAJ.xyz [--steps N] [--dt FS] [--temperature K]
              [--thermostat langevin|berendsen|none] [--friction PER_FS] [--tau FS] [--every K]
              [--seed S]
      Molecular dynamics with the model from the first frame of FILE: Maxwell-Boltzmann velocities
      at K, velocity Verlet (Langevin BAOAB or Berendsen thermostat, or none), every K-th frame
      written to TRAJ as extended XYZ (energy, forces, time_fs, step, kinetic_energy, temperature).
      Prints a JSON summary. Defaults: --steps 100 --dt 0.5 --temperature 300 --thermostat langevin
      --friction 0.01 --tau 100 --every 1 --seed 1.
  multiace figures --out DIR
      Writes the book's figures (SVG) into DIR.
  multiace --help
      Prints this text.

Every command takes --threads N: threads for structures of 48 atoms or more (default: every core).
Bad input prints one line `error: ...` on stderr and exits with code 2.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match take_threads(args).and_then(|args| run(&args)) {
        Ok(Some(text)) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Ok(None) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("error: {}", msg.replace('\n', " "));
            ExitCode::from(2)
        }
    }
}

/// Runs one command; `Ok(Some(text))` is printed on stdout.
fn run(args: &[String]) -> Result<Option<String>, String> {
    let Some(cmd) = args.first() else {
        return Err(
            "missing subcommand: one of sh, wigner-3j, wigner-d, descriptors, fit-ace, tensor-product, mace, md, figures (see --help)".into(),
        );
    };
    if args.iter().any(|a| a == "--help" || a == "-h") || cmd == "help" {
        return Ok(Some(USAGE.trim_end().to_string()));
    }
    let rest = &args[1..];
    match cmd.as_str() {
        "sh" => cmd_sh(rest).map(Some),
        "wigner-3j" => cmd_wigner_3j(rest).map(Some),
        "wigner-d" => cmd_wigner_d(rest).map(Some),
        "figures" => cmd_figures(rest).map(|()| None),
        "descriptors" => ace_cmds::cmd_descriptors(rest).map(Some),
        "fit-ace" => ace_cmds::cmd_fit_ace(rest).map(Some),
        "tensor-product" => nn_cmds::cmd_tensor_product(rest).map(Some),
        "mace" => mace_cmds::cmd_mace(rest).map(Some),
        "md" => mace_cmds::cmd_md(rest).map(Some),
        other => Err(format!(
            "unknown subcommand `{other}`: use sh, wigner-3j, wigner-d, descriptors, fit-ace, tensor-product, mace, md or figures (see --help)"
        )),
    }
}

/// Removes `--threads N` (anywhere on the line) and sizes the thread pool that evaluates large
/// structures with it; the default is every core. Below the core's size threshold (48 atoms) an
/// evaluation stays on one thread whatever N is.
fn take_threads(mut args: Vec<String>) -> Result<Vec<String>, String> {
    let Some(k) = args.iter().position(|a| a == "--threads") else {
        return Ok(args);
    };
    let v = args.get(k + 1).ok_or("--threads needs a value")?;
    let n: usize = v
        .trim()
        .parse()
        .ok()
        .filter(|&n| (1..=1024).contains(&n))
        .ok_or_else(|| format!("--threads = `{v}`: give a whole number from 1 to 1024"))?;
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global()
        .map_err(|e| format!("--threads: {e}"))?;
    args.drain(k..k + 2);
    Ok(args)
}

/// A degree argument: a non-negative integer no larger than LMAX_SUPPORTED.
fn parse_l(name: &str, s: Option<&String>) -> Result<usize, String> {
    let s = s.ok_or_else(|| format!("missing argument {name}"))?;
    let l: usize = s
        .trim()
        .parse()
        .map_err(|_| format!("{name} = `{s}` is not a non-negative integer"))?;
    if l > LMAX_SUPPORTED {
        return Err(format!(
            "{name} = {l} is larger than the largest supported degree {LMAX_SUPPORTED}"
        ));
    }
    Ok(l)
}

fn parse_f64(name: &str, s: Option<&String>) -> Result<f64, String> {
    let s = s.ok_or_else(|| format!("missing argument {name}"))?;
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("{name} = `{s}` is not a finite number")),
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, String> {
    serde_json::to_string(v).map_err(|e| format!("cannot write JSON: {e}"))
}

fn cmd_sh(args: &[String]) -> Result<String, String> {
    let mut lmax = None;
    let mut normalization = Normalization::Integral;
    let mut normalize = true;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--lmax" => lmax = Some(parse_l("--lmax", it.next())?),
            "--normalization" => {
                let v = it
                    .next()
                    .ok_or("missing value after --normalization (integral, component or norm)")?;
                normalization = v.parse().map_err(|e: so3::So3Error| e.to_string())?;
            }
            "--no-normalize" => normalize = false,
            other => return Err(format!("unknown argument `{other}` for sh (see --help)")),
        }
    }
    let lmax = lmax.ok_or("missing --lmax L")?;
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    let value: serde_json::Value =
        serde_json::from_str(&input).map_err(|e| format!("stdin is not valid JSON: {e}"))?;
    let rows = value
        .as_array()
        .ok_or("stdin must be a JSON array of [x, y, z] vectors")?;
    let mut xyz = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let v = row
            .as_array()
            .filter(|a| a.len() == 3)
            .ok_or_else(|| format!("vector {i} must be an array of 3 numbers, got {row}"))?;
        let mut p = [0.0; 3];
        for (k, c) in v.iter().enumerate() {
            p[k] = c
                .as_f64()
                .ok_or_else(|| format!("vector {i}, component {k} is not a number: {c}"))?;
        }
        xyz.push(p);
    }
    let n = so3::sh_len(lmax);
    let mut out = vec![0.0; xyz.len() * n];
    so3::ShCalculator::new(lmax, normalization, normalize).compute(&xyz, &mut out);
    if let Some(k) = out.iter().position(|x| !x.is_finite()) {
        return Err(format!(
            "vector {} gives a non-finite value (components too large for --no-normalize?)",
            k / n
        ));
    }
    let rows: Vec<&[f64]> = out.chunks(n).collect();
    to_json(&rows)
}

fn cmd_wigner_3j(args: &[String]) -> Result<String, String> {
    if args.len() > 3 {
        return Err(format!(
            "unexpected argument `{}`: wigner-3j takes exactly L1 L2 L3",
            args[3]
        ));
    }
    let l1 = parse_l("L1", args.first())?;
    let l2 = parse_l("L2", args.get(1))?;
    let l3 = parse_l("L3", args.get(2))?;
    let c = so3::wigner_3j(l1, l2, l3).map_err(|e| e.to_string())?;
    let [a, b, d] = c.dims;
    let nested: Vec<Vec<Vec<f64>>> = (0..a)
        .map(|i| {
            (0..b)
                .map(|j| (0..d).map(|k| c.get(i, j, k)).collect())
                .collect()
        })
        .collect();
    to_json(&nested)
}

fn cmd_wigner_d(args: &[String]) -> Result<String, String> {
    let l = parse_l("L", args.first())?;
    let mode = args
        .get(1)
        .ok_or("missing --angles ALPHA BETA GAMMA or --matrix '[[...],[...],[...]]'")?;
    let (r, used) = match mode.as_str() {
        "--angles" => {
            let a = parse_f64("ALPHA", args.get(2))?;
            let b = parse_f64("BETA", args.get(3))?;
            let g = parse_f64("GAMMA", args.get(4))?;
            (so3::angles_to_matrix(a, b, g), 5)
        }
        "--matrix" => {
            let s = args.get(2).ok_or("missing the matrix after --matrix")?;
            let m: Vec<Vec<f64>> = serde_json::from_str(s)
                .map_err(|e| format!("--matrix must be a JSON 3x3 array of numbers: {e}"))?;
            if m.len() != 3 || m.iter().any(|row| row.len() != 3) {
                return Err("--matrix must be a 3x3 array (3 rows of 3 numbers)".into());
            }
            let r: so3::Mat3 = [
                [m[0][0], m[0][1], m[0][2]],
                [m[1][0], m[1][1], m[1][2]],
                [m[2][0], m[2][1], m[2][2]],
            ];
            so3::check_rotation(&r, 1e-6).map_err(|e| e.to_string())?;
            (r, 3)
        }
        other => {
            return Err(format!(
                "expected --angles or --matrix after L, got `{other}`"
            ))
        }
    };
    if let Some(extra) = args.get(used) {
        return Err(format!("unexpected argument `{extra}` for wigner-d"));
    }
    let d = so3::wigner_d_from_matrix(l, &r);
    let rows: Vec<Vec<f64>> = (0..d.nrows())
        .map(|i| (0..d.ncols()).map(|j| d[(i, j)]).collect())
        .collect();
    to_json(&rows)
}

fn cmd_figures(args: &[String]) -> Result<(), String> {
    let mut out = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" => {
                out = Some(PathBuf::from(
                    it.next().ok_or("missing directory after --out")?,
                ))
            }
            other => {
                return Err(format!(
                    "unknown argument `{other}` for figures (see --help)"
                ))
            }
        }
    }
    let out = out.ok_or("missing --out DIR")?;
    figures::run(&out)
}
