#![cfg(not(target_arch = "wasm32"))]
//! The structure module against ASE: neighbour lists from `ase.neighborlist.neighbor_list` and
//! extended XYZ written by `ase.io.write` with what `ase.io.read` made of it (fixtures written by
//! `tools/make_ace_fixtures.py`), plus the datasets in `assets/datasets/`.

use multiace_core::structure::{
    neighbour_list, neighbour_list_brute_force, read_xyz, write_xyz, Structure,
};
use serde_json::Value;

fn load(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn json(name: &str) -> Value {
    serde_json::from_str(&load(name)).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn vec3(v: &Value) -> [f64; 3] {
    let a = v.as_array().expect("array of 3");
    assert_eq!(a.len(), 3);
    [f(&a[0]), f(&a[1]), f(&a[2])]
}

fn vec3s(v: &Value) -> Vec<[f64; 3]> {
    v.as_array()
        .expect("list of vectors")
        .iter()
        .map(vec3)
        .collect()
}

fn cell(v: &Value) -> Option<[[f64; 3]; 3]> {
    if v.is_null() {
        return None;
    }
    let rows = vec3s(v);
    assert_eq!(rows.len(), 3);
    Some([rows[0], rows[1], rows[2]])
}

fn pbc(v: &Value) -> [bool; 3] {
    let a = v.as_array().expect("pbc");
    [0, 1, 2].map(|k| a[k].as_bool().expect("bool"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("list of strings")
        .iter()
        .map(|s| s.as_str().expect("string").to_string())
        .collect()
}

#[test]
fn neighbour_lists_match_ase() {
    let cases = json("neighbours_ase.json");
    let cases = cases.as_array().expect("list of cases");
    assert!(cases.len() >= 4);
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let mut s = Structure::new(strings(&case["species"]), vec3s(&case["positions"]));
        s.cell = cell(&case["cell"]);
        s.pbc = pbc(&case["pbc"]);
        let cutoff = f(&case["cutoff"]);
        let list = neighbour_list(&s, cutoff).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            list,
            neighbour_list_brute_force(&s, cutoff).unwrap(),
            "{name}"
        );
        let mut ours = Vec::new();
        for i in 0..list.len() {
            for n in list.of(i) {
                ours.push((i, n.j, n.shift, n.distance));
            }
        }
        let ase: Vec<(usize, usize, [i32; 3], f64)> = case["pairs"]
            .as_array()
            .expect("pairs")
            .iter()
            .map(|p| {
                let p = p.as_array().expect("pair");
                let int = |k: usize| p[k].as_i64().expect("integer");
                (
                    int(0) as usize,
                    int(1) as usize,
                    [int(2) as i32, int(3) as i32, int(4) as i32],
                    f(&p[5]),
                )
            })
            .collect();
        assert_eq!(ours.len(), ase.len(), "{name}: number of pairs");
        for (a, b) in ours.iter().zip(&ase) {
            assert_eq!(
                (a.0, a.1, a.2),
                (b.0, b.1, b.2),
                "{name}: pair order and shifts"
            );
            assert!((a.3 - b.3).abs() < 1e-12, "{name}: {a:?} vs ASE {b:?}");
        }
    }
}

/// ASE gives info values as `str(value)` of what it parsed: `True` for `T`, numbers re-printed.
fn same_info_value(ours: &str, ase: &str) -> bool {
    let boolean = |s: &str| match s {
        "T" | "True" => Some(true),
        "F" | "False" => Some(false),
        _ => None,
    };
    match (ours.parse::<f64>(), ase.parse::<f64>()) {
        (Ok(a), Ok(b)) => a == b,
        _ => ours == ase || (boolean(ours).is_some() && boolean(ours) == boolean(ase)),
    }
}

#[test]
fn extended_xyz_written_by_ase_reads_as_ase_reads_it() {
    let frames = read_xyz(&load("ase_frames.extxyz")).unwrap_or_else(|e| panic!("{e}"));
    let expected = json("ase_frames.json");
    let expected = expected.as_array().expect("list of frames");
    assert_eq!(frames.len(), expected.len());
    for (k, (s, e)) in frames.iter().zip(expected).enumerate() {
        assert_eq!(s.species, strings(&e["species"]), "frame {k}");
        assert_eq!(s.positions, vec3s(&e["positions"]), "frame {k}");
        assert_eq!(s.cell, cell(&e["cell"]), "frame {k}");
        assert_eq!(s.pbc, pbc(&e["pbc"]), "frame {k}");
        assert_eq!(s.energy, e["energy"].as_f64(), "frame {k}");
        let forces = (!e["forces"].is_null()).then(|| vec3s(&e["forces"]));
        assert_eq!(s.forces, forces, "frame {k}");
        let info = e["info"].as_object().expect("info");
        assert_eq!(
            s.info.len(),
            info.len(),
            "frame {k}: {:?} vs {info:?}",
            s.info
        );
        for (key, value) in &s.info {
            let ase = info
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("frame {k}: ASE has no info key {key}"));
            assert!(
                same_info_value(value, ase),
                "frame {k}: {key}={value} vs ASE {ase}"
            );
        }
    }
    assert_eq!(read_xyz(&write_xyz(&frames)).unwrap(), frames);
}

#[test]
fn the_datasets_read_with_energies_and_forces() {
    let dir = format!("{}/../../assets/datasets", env!("CARGO_MANIFEST_DIR"));
    let Ok(entries) = std::fs::read_dir(&dir) else {
        panic!("cannot list {dir}");
    };
    let mut files = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("xyz") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        let frames = read_xyz(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!frames.is_empty(), "{}", path.display());
        for (k, s) in frames.iter().enumerate() {
            assert!(
                s.energy.is_some(),
                "{} frame {k}: no energy",
                path.display()
            );
            assert_eq!(
                s.forces.as_ref().map(Vec::len),
                Some(s.len()),
                "{} frame {k}",
                path.display()
            );
        }
        assert_eq!(
            read_xyz(&write_xyz(&frames)).unwrap(),
            frames,
            "{}",
            path.display()
        );
        files += 1;
    }
    assert!(files > 0, "no datasets in {dir}");
}
