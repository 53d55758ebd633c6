#![cfg(not(target_arch = "wasm32"))]
//! The `multiace` binary end to end: output shapes, values against the core, and bad input.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use multiace_core::so3::{self, Normalization};

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_multiace"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the multiace binary runs");
    // The process may exit before reading stdin (argument errors): ignore a broken pipe.
    let _ = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes());
    child.wait_with_output().expect("output")
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

fn nums(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

#[test]
fn sh_prints_one_row_per_vector_with_full_precision() {
    let out = run(
        &["sh", "--lmax", "3", "--normalization", "component"],
        "[[0.3,-1.2,0.5],[0,0,1e-9]]",
    );
    let rows = json(&out);
    let rows = rows.as_array().expect("rows");
    assert_eq!(rows.len(), 2);
    let mut want = vec![0.0; so3::sh_len(3)];
    so3::spherical_harmonics(
        3,
        [0.3, -1.2, 0.5],
        Normalization::Component,
        true,
        &mut want,
    );
    assert_eq!(
        nums(&rows[0]),
        want,
        "bit-identical to the core (round-trip printing)"
    );
    assert_eq!(nums(&rows[1]).len(), 16);
}

#[test]
fn sh_no_normalize_and_default_normalisation() {
    let rows = json(&run(&["sh", "--lmax", "1", "--no-normalize"], "[[2,0,0]]"));
    let r = nums(&rows[0]);
    let c = (3.0 / (4.0 * std::f64::consts::PI)).sqrt();
    assert!(
        (r[1] - 2.0 * c).abs() < 1e-15,
        "integral normalisation, l=1 block = c (x, y, z)"
    );
    assert_eq!(r[2], 0.0);
}

#[test]
fn wigner_3j_prints_the_tensor() {
    let t = json(&run(&["wigner-3j", "1", "2", "3"], ""));
    let c = so3::wigner_3j(1, 2, 3).expect("valid");
    let a = t.as_array().expect("dim 1");
    assert_eq!(a.len(), 3);
    assert_eq!(a[0].as_array().expect("dim 2").len(), 5);
    assert_eq!(a[0][0].as_array().expect("dim 3").len(), 7);
    assert_eq!(a[1][2][3].as_f64(), Some(c.get(1, 2, 3)));
    assert_eq!(a[2][4][6].as_f64(), Some(c.get(2, 4, 6)));
}

#[test]
fn wigner_d_from_angles_and_from_matrix_agree() {
    let d1 = json(&run(
        &["wigner-d", "2", "--angles", "0.3", "-1.1", "2.0"],
        "",
    ));
    let r = so3::angles_to_matrix(0.3, -1.1, 2.0);
    let m = serde_json::to_string(&r).expect("json");
    let d2 = json(&run(&["wigner-d", "2", "--matrix", &m], ""));
    let want = so3::wigner_d(2, 0.3, -1.1, 2.0);
    let (a, b) = (d1.as_array().expect("rows"), d2.as_array().expect("rows"));
    assert_eq!(a.len(), 5);
    for i in 0..5 {
        let (ra, rb) = (nums(&a[i]), nums(&b[i]));
        assert_eq!(ra.len(), 5);
        for j in 0..5 {
            assert_eq!(ra[j], want[(i, j)]);
            assert!((ra[j] - rb[j]).abs() < 1e-15);
        }
    }
    // D^1 is the rotation matrix itself.
    let d = json(&run(&["wigner-d", "1", "--matrix", &m], ""));
    for i in 0..3 {
        assert_eq!(nums(&d[i]), r[i].to_vec());
    }
}

#[test]
fn help_prints_usage() {
    let out = run(&["--help"], "");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("multiace wigner-3j L1 L2 L3"));
}

#[test]
fn bad_input_gives_exit_code_2_and_one_error_line() {
    let cases: &[(&[&str], &str)] = &[
        (&["sh", "--lmax", "2"], "not json"),
        (&["sh", "--lmax", "2"], "{\"x\": 1}"),
        (&["sh", "--lmax", "2"], "[[1, 2]]"),
        (&["sh", "--lmax", "2"], "[[1, 2, \"a\"]]"),
        (&["sh", "--lmax", "99"], "[]"),
        (&["sh", "--lmax", "-1"], "[]"),
        (&["sh"], "[]"),
        (&["sh", "--lmax"], "[]"),
        (&["sh", "--lmax", "2", "--normalization", "unit"], "[]"),
        (&["sh", "--lmax", "2", "--frobnicate"], "[]"),
        (
            &["sh", "--lmax", "2", "--no-normalize"],
            "[[1e300, 1e300, 1e300]]",
        ),
        (&["wigner-3j", "1", "1", "5"], ""),
        (&["wigner-3j", "1", "1"], ""),
        (&["wigner-3j", "1", "1", "1", "1"], ""),
        (&["wigner-3j", "30", "30", "30"], ""),
        (&["wigner-3j", "a", "1", "1"], ""),
        (
            &["wigner-d", "2", "--matrix", "[[1,0,0],[0,1,0],[0,0,-1]]"],
            "",
        ),
        (
            &["wigner-d", "2", "--matrix", "[[1,2,0],[0,1,0],[0,0,1]]"],
            "",
        ),
        (&["wigner-d", "2", "--matrix", "[[1,0],[0,1]]"], ""),
        (&["wigner-d", "2", "--matrix", "nope"], ""),
        (&["wigner-d", "2", "--angles", "0.1", "0.2"], ""),
        (&["wigner-d", "2", "--angles", "0.1", "x", "0.3"], ""),
        (&["wigner-d", "2"], ""),
        (&["wigner-d", "21", "--angles", "0", "0", "0"], ""),
        (&["wigner-d", "2", "--euler", "0", "0", "0"], ""),
        (&["figures"], ""),
        (&["frobnicate"], ""),
        (&[], ""),
    ];
    for (args, stdin) in cases {
        let out = run(args, stdin);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?} should exit 2; stderr: {err}"
        );
        assert_eq!(
            err.lines().count(),
            1,
            "{args:?}: exactly one stderr line, got {err:?}"
        );
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
    }
}

/// `multiace figures` writes figures for every chapter (00–04) as SVG, and the committed `figures/`
/// is what the current code draws (regenerate with `cargo run -p multiace-cli -- figures --out
/// figures/`); no committed figure is left over from an older set.
#[test]
fn figures_are_written_and_the_committed_ones_are_current() {
    let out_dir = std::env::temp_dir().join(format!("multiace-figures-{}", std::process::id()));
    let out = run(
        &["figures", "--out", out_dir.to_str().expect("utf-8 path")],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../figures");
    let mut names: Vec<_> = std::fs::read_dir(&out_dir)
        .expect("output directory")
        .map(|e| e.expect("entry").file_name())
        .collect();
    names.sort();
    assert!(names.len() >= 18, "only {} figures", names.len());
    for chapter in ["fig00_", "fig01_", "fig02_", "fig03_", "fig04_"] {
        assert!(
            names
                .iter()
                .any(|n| n.to_string_lossy().starts_with(chapter)),
            "no figure for {chapter}"
        );
    }
    assert!(names.iter().any(|n| n == "fig00_sh_gallery.svg"));
    assert!(names
        .iter()
        .any(|n| n.to_string_lossy().starts_with("fig00_wigner3j_")));
    for name in &names {
        let fresh = std::fs::read_to_string(out_dir.join(name)).expect("fresh figure");
        assert!(fresh.contains("<svg"), "{name:?} is not an SVG");
        let old = std::fs::read_to_string(committed.join(name))
            .unwrap_or_else(|_| panic!("figures/{name:?} is not committed"));
        assert!(
            old == fresh,
            "figures/{name:?} is out of date: regenerate it"
        );
    }
    let committed_svgs = std::fs::read_dir(&committed)
        .expect("figures/")
        .map(|e| e.expect("entry").file_name())
        .filter(|n| n.to_string_lossy().ends_with(".svg"));
    for name in committed_svgs {
        assert!(
            names.contains(&name),
            "figures/{name:?} is no longer drawn: delete it"
        );
    }
    let _ = std::fs::remove_dir_all(&out_dir);
}

fn repo(path: &str) -> String {
    format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn descriptors_prints_labels_and_atoms_in_file_order() {
    let file = repo("assets/molecules/ethanol.xyz");
    let out = run(
        &[
            "descriptors",
            &file,
            "--rcut",
            "4",
            "--lmax",
            "2",
            "--nmax",
            "2",
            "--order",
            "3",
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    let labels = v["labels"].as_array().unwrap();
    let atoms = v["atoms"].as_array().unwrap();
    assert_eq!(atoms.len(), 9);
    assert_eq!(atoms[0]["species"], "C");
    assert!(atoms
        .iter()
        .all(|a| a["B"].as_array().unwrap().len() == labels.len()));
    assert!(labels[0].as_str().unwrap().starts_with("ν=1"));
    // the same numbers as the core
    let s = multiace_core::structure::read_xyz(&std::fs::read_to_string(&file).unwrap())
        .unwrap()
        .remove(0);
    let basis = multiace_core::ace::AceBasis::new(multiace_core::ace::AceSpec {
        species: s.species_set(),
        radial: multiace_core::ace::RadialBasis::new(
            multiace_core::ace::RadialKind::Bessel,
            2,
            4.0,
        )
        .unwrap(),
        l_max: 2,
        max_order: 3,
        max_degree: None,
    })
    .unwrap();
    let d = multiace_core::ace::descriptors(&basis, &s).unwrap();
    for (i, a) in atoms.iter().enumerate() {
        assert_eq!(nums(&a["B"]), d.atom(i));
    }
}

#[test]
fn fit_ace_reports_train_and_test_errors() {
    let train = repo("assets/datasets/ethanol_train.xyz");
    let test = repo("assets/datasets/ethanol_test.xyz");
    let out = run(
        &[
            "fit-ace", &train, "--test", &test, "--rcut", "4", "--nmax", "2", "--lmax", "1",
            "--order", "2",
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    assert_eq!(v["train"]["structures"], 300);
    assert_eq!(v["test"]["structures"], 100);
    let f = v["test"]["force_rmse"].as_f64().unwrap();
    // a small 3-body model of GFN2-xTB ethanol: well below the force scale (~1.5 eV/Å) but not exact
    assert!(f > 0.01 && f < 1.0, "test force RMSE {f}");
    assert!(v["test"]["energy_rmse_per_atom"].as_f64().unwrap() < 0.05);
}

#[test]
fn ace_commands_reject_bad_input_with_one_line() {
    let dir = std::env::temp_dir().join(format!("multiace-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.xyz");
    std::fs::write(&bad, "3\ncomment\nC 0 0 0\nH 1 x 0\n").unwrap();
    let bad = bad.to_str().unwrap().to_string();
    let good = repo("assets/molecules/water.xyz");
    let cases: Vec<Vec<&str>> = vec![
        vec!["descriptors"],
        vec!["descriptors", &bad],
        vec!["descriptors", "/nonexistent.xyz"],
        vec!["descriptors", &good, "--lmax", "9"],
        vec!["descriptors", &good, "--order", "5"],
        vec!["descriptors", &good, "--rcut", "nan"],
        vec!["descriptors", &good, "--basis", "spline"],
        vec!["descriptors", &good, "--nmax"],
        vec!["descriptors", &good, "--frame", "3"],
        vec!["descriptors", &good, "--bogus", "1"],
        vec!["fit-ace", &good],
        vec!["fit-ace", &good, "--test", &good],
        vec!["fit-ace", &good, "--test", &good, "--ridge", "-1"],
    ];
    for args in cases {
        let out = run(&args, "");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("error: ") && err.lines().count() == 1,
            "{args:?}: {err}"
        );
    }
    let out = run(&["descriptors", &bad], "");
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 4"));
}

/// `multiace tensor-product` against e3nn 0.4.4 (`tools/make_nn_fixtures.py` →
/// `nn_tensor_product_cli.json`): FullTensorProduct's simplified irreps_out and paths, and with
/// `--filter` FullyConnectedTensorProduct's paths and weight_numel.
#[test]
fn tensor_product_matches_e3nn() {
    let fix: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo(
            "crates/core/tests/fixtures/nn_tensor_product_cli.json",
        ))
        .expect("fixture"),
    )
    .expect("fixture is JSON");
    let cases = fix["cases"].as_array().expect("cases");
    assert!(cases.len() >= 6);
    for case in cases {
        let (a, b) = (case["in1"].as_str().unwrap(), case["in2"].as_str().unwrap());
        let full = json(&run(&["tensor-product", a, b], ""));
        assert_eq!(full, case["full"], "tensor-product {a} {b}");
        let f = case["filter"].as_str().unwrap();
        let filtered = json(&run(&["tensor-product", a, b, "--filter", f], ""));
        assert_eq!(
            filtered, case["filtered"],
            "tensor-product {a} {b} --filter {f}"
        );
        // Flags may come first.
        let again = json(&run(&["tensor-product", "--filter", f, a, b], ""));
        assert_eq!(again, filtered);
    }
}

#[test]
fn tensor_product_rejects_bad_input_with_one_line() {
    let cases: &[(&[&str], &str)] = &[
        (&["tensor-product", "1x1o", "1x1q"], "1x1q"),
        (&["tensor-product", "2x0e+x1o", "1x1o"], "x1o"),
        (&["tensor-product", "1x1o", "2x3e+-1x2e"], "-1x2e"),
        (&["tensor-product", "1x1o+", "1x1o"], "empty term"),
        (
            &["tensor-product", "1x1o", "1x1o", "--filter", "2x2e+3"],
            "`3`",
        ),
        (&["tensor-product", "1x1o", "1x1o", "--filter"], "--filter"),
        (&["tensor-product", "1x1o"], "two irreps"),
        (&["tensor-product", "1x1o", "1x1o", "1x1o"], "unexpected"),
        (
            &["tensor-product", "1x1o", "1x1o", "--frobnicate"],
            "--frobnicate",
        ),
        (&["tensor-product", "1x11o", "1x10e"], "l = 21"),
    ];
    for (args, needle) in cases {
        let out = run(args, "");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err:?}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: `{needle}` not in {err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn mace_prints_energy_forces_and_site_energies_as_mace_torch() {
    // tools/bench_mace_torch.py recorded mace-torch's float64 energy of this molecule.
    let model = repo("assets/models/mace_ethanol.safetensors");
    let out = json(&run(
        &["mace", &model, &repo("assets/molecules/ethanol.xyz")],
        "",
    ));
    let e = out["energy"].as_f64().expect("energy");
    assert!((e - -309.965_133_926_349_27).abs() < 1e-9, "{e}");
    let forces = out["forces"].as_array().expect("forces");
    assert_eq!(forces.len(), 9);
    let energies = nums(&out["energies"]);
    assert!((energies.iter().sum::<f64>() - e).abs() < 1e-9);
    for c in 0..3 {
        let total: f64 = forces.iter().map(|f| nums(f)[c]).sum();
        assert!(total.abs() < 1e-10);
    }
}

#[test]
fn md_writes_an_extended_xyz_trajectory() {
    let dir = std::env::temp_dir().join(format!("multiace-md-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let traj = dir.join("traj.xyz");
    let out = json(&run(
        &[
            "md",
            &repo("assets/models/mace_ethanol.safetensors"),
            &repo("assets/molecules/ethanol.xyz"),
            "--steps",
            "200",
            "--dt",
            "0.5",
            "--temperature",
            "300",
            "--thermostat",
            "none",
            "--every",
            "50",
            "--out",
            traj.to_str().unwrap(),
        ],
        "",
    ));
    assert_eq!(out["frames_written"], 5);
    // 100 fs without a thermostat: the total energy is conserved to well below a meV.
    let drift = out["total_energy_change"].as_f64().unwrap();
    assert!(drift.abs() < 1e-3, "drift {drift}");
    let frames =
        multiace_core::structure::read_xyz(&std::fs::read_to_string(&traj).unwrap()).unwrap();
    assert_eq!(frames.len(), 5);
    assert!(frames
        .iter()
        .all(|f| f.len() == 9 && f.energy.is_some() && f.forces.is_some()));
    let last = &frames[4];
    assert!(last.info.iter().any(|(k, v)| k == "time_fs" && v == "100"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn mace_commands_reject_bad_input_with_one_line() {
    let model = repo("assets/models/mace_ethanol.safetensors");
    let xyz = repo("assets/molecules/ethanol.xyz");
    let cu = repo("assets/datasets/cu_cluster.xyz");
    // finite weights that overflow float64 (tools/make_mace_edge_fixtures.py)
    let overflow = repo("crates/core/tests/fixtures/mace_overflow_model.safetensors");
    for (args, needle) in [
        (
            vec!["mace", xyz.as_str(), xyz.as_str()],
            "not a MACE model file",
        ),
        (
            vec!["mace", overflow.as_str(), xyz.as_str()],
            "non-finite energy",
        ),
        (
            vec!["mace", model.as_str(), cu.as_str()],
            "only knows H, C, O",
        ),
        (vec!["mace", model.as_str()], "usage: multiace mace"),
        (
            vec!["mace", model.as_str(), xyz.as_str(), "--frame", "3"],
            "has 1 frame",
        ),
        (vec!["md", model.as_str(), xyz.as_str()], "missing --out"),
        (
            vec![
                "md",
                model.as_str(),
                xyz.as_str(),
                "--out",
                "/tmp/x.xyz",
                "--dt",
                "50",
            ],
            "dt",
        ),
        (
            vec![
                "md",
                model.as_str(),
                xyz.as_str(),
                "--out",
                "/tmp/x.xyz",
                "--thermostat",
                "nose",
            ],
            "langevin",
        ),
        (
            vec![
                "md",
                model.as_str(),
                xyz.as_str(),
                "--out",
                "/tmp/x.xyz",
                "--temperature",
                "-5",
            ],
            "temperature",
        ),
    ] {
        let out = run(&args, "");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("error: ") && err.trim_end().lines().count() == 1,
            "{err}"
        );
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}
