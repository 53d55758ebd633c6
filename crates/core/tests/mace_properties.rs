#![cfg(not(target_arch = "wasm32"))]
//! Properties of the MACE port that hold for any weights: forces equal central finite differences of
//! the energy; energies are invariant and forces equivariant under rotations, inversion, translations
//! and permutations of like atoms; energy is extensive across far-apart copies. Plus the shipped,
//! trained model against mace-torch's own predictions, and clear errors for unusable files and
//! structures.

use multiace_core::mace::{EvalOptions, MaceCalculator, MaceError, MaceModel};
use multiace_core::so3::{self, random_rotation, SplitMix64};
use multiace_core::structure::{chemical_symbol, read_xyz, Structure};
use serde::Deserialize;

fn read(path: &str) -> Vec<u8> {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn model(k: usize) -> MaceModel {
    MaceModel::from_safetensors(&read(&format!("tests/fixtures/mace_model_{k}.safetensors")))
        .unwrap()
}

fn shipped() -> MaceModel {
    MaceModel::from_safetensors(&read("../../assets/models/mace_ethanol.safetensors")).unwrap()
}

fn ethanol() -> Structure {
    let text = std::fs::read_to_string(format!(
        "{}/../../assets/datasets/ethanol_test.xyz",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    read_xyz(&text).unwrap().remove(3)
}

fn cu_bulk() -> Structure {
    let text = std::fs::read_to_string(format!(
        "{}/../../assets/datasets/cu_bulk.xyz",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    read_xyz(&text).unwrap().remove(5)
}

fn energy(m: &MaceModel, s: &Structure) -> f64 {
    let opts = EvalOptions {
        forces: false,
        ..EvalOptions::default()
    };
    m.evaluate(s, &mut m.workspace(), opts).unwrap().energy
}

/// Central differences with step h on every coordinate of the first `max_atoms` atoms.
fn check_forces(m: &MaceModel, s: &Structure, max_atoms: usize, tol: f64) {
    let out = m
        .evaluate(s, &mut m.workspace(), EvalOptions::default())
        .unwrap();
    let h = 1e-5;
    let mut worst = 0.0f64;
    for i in 0..s.len().min(max_atoms) {
        for c in 0..3 {
            let (mut p, mut q) = (s.clone(), s.clone());
            p.positions[i][c] += h;
            q.positions[i][c] -= h;
            let fd = -(energy(m, &p) - energy(m, &q)) / (2.0 * h);
            worst = worst.max((fd - out.forces[i][c]).abs());
        }
    }
    assert!(
        worst < tol,
        "forces differ from finite differences by {worst:e}"
    );
}

#[test]
fn forces_are_minus_the_gradient() {
    // Every fixture model (correlation 1-3, one and two layers, l up to 3) and the trained one.
    for k in 1..=6 {
        let m = model(k);
        if m.atomic_numbers().contains(&29) {
            check_forces(&m, &cu_bulk(), 6, 1e-6);
        } else {
            check_forces(&m, &ethanol(), 9, 1e-6);
        }
    }
    check_forces(&shipped(), &ethanol(), 9, 1e-6);
}

fn rotate(s: &Structure, r: &so3::Mat3, inversion: bool) -> Structure {
    let sign = if inversion { -1.0 } else { 1.0 };
    let mut t = s.clone();
    for p in &mut t.positions {
        let q = so3::apply(r, *p);
        *p = [sign * q[0], sign * q[1], sign * q[2]];
    }
    if let Some(cell) = &mut t.cell {
        for row in cell.iter_mut() {
            let q = so3::apply(r, *row);
            *row = [sign * q[0], sign * q[1], sign * q[2]];
        }
    }
    t
}

#[test]
fn invariant_energy_and_equivariant_forces_under_o3() {
    let mut rng = SplitMix64::new(7);
    for (m, s) in [
        (shipped(), ethanol()),
        (model(3), ethanol()),
        (model(4), cu_bulk()),
    ] {
        let mut ws = m.workspace();
        let base = m.evaluate(&s, &mut ws, EvalOptions::default()).unwrap();
        let f_scale = base
            .forces
            .iter()
            .flatten()
            .fold(1e-3f64, |a, b| a.max(b.abs()));
        let mut worst = (0.0f64, 0.0f64);
        for k in 0..100 {
            let r = random_rotation(&mut rng);
            let inversion = k % 2 == 1;
            let out = m
                .evaluate(&rotate(&s, &r, inversion), &mut ws, EvalOptions::default())
                .unwrap();
            worst.0 = worst
                .0
                .max((out.energy - base.energy).abs() / base.energy.abs());
            for (f, g) in out.forces.iter().zip(&base.forces) {
                let rg = so3::apply(&r, *g);
                let sign = if inversion { -1.0 } else { 1.0 };
                for c in 0..3 {
                    worst.1 = worst.1.max((f[c] - sign * rg[c]).abs() / f_scale);
                }
            }
        }
        assert!(
            worst.0 < 1e-13,
            "energy changes by {:e} (relative)",
            worst.0
        );
        assert!(
            worst.1 < 1e-11,
            "forces do not rotate: {:e} (relative to max |F|)",
            worst.1
        );
    }
}

#[test]
fn translations_and_permutations_change_nothing() {
    let m = shipped();
    let s = ethanol();
    let mut ws = m.workspace();
    let base = m.evaluate(&s, &mut ws, EvalOptions::default()).unwrap();
    let mut t = s.clone();
    t.positions.iter_mut().for_each(|p| {
        p[0] += 3.7;
        p[1] -= 120.25;
        p[2] += 0.001;
    });
    let moved = m.evaluate(&t, &mut ws, EvalOptions::default()).unwrap();
    assert!((moved.energy - base.energy).abs() < 1e-10);
    // Reverse the atom order: site energies and forces follow their atoms.
    let mut p = s.clone();
    p.species.reverse();
    p.positions.reverse();
    let perm = m.evaluate(&p, &mut ws, EvalOptions::default()).unwrap();
    assert!((perm.energy - base.energy).abs() < 1e-10);
    let n = s.len();
    for i in 0..n {
        assert!((perm.energies[n - 1 - i] - base.energies[i]).abs() < 1e-10);
        for c in 0..3 {
            assert!((perm.forces[n - 1 - i][c] - base.forces[i][c]).abs() < 1e-10);
        }
    }
    // Newton's third law: the forces of an isolated molecule sum to zero.
    for c in 0..3 {
        let total: f64 = base.forces.iter().map(|f| f[c]).sum();
        assert!(total.abs() < 1e-11, "net force {total:e}");
    }
}

#[test]
fn far_apart_copies_add_up_and_an_isolated_atom_has_its_reference_energy() {
    let m = shipped();
    let s = ethanol();
    let e1 = energy(&m, &s);
    let mut two = s.clone();
    for (sp, p) in s.species.iter().zip(&s.positions) {
        two.species.push(sp.clone());
        two.positions.push([p[0] + 50.0, p[1], p[2]]);
    }
    assert!((energy(&m, &two) - 2.0 * e1).abs() < 1e-9);
    // One atom: no neighbours, so its energy is E0 plus the readouts of the embedding alone.
    let h = Structure::new(vec!["H".into()], vec![[0.0; 3]]);
    let out = m
        .evaluate(&h, &mut m.workspace(), EvalOptions::default())
        .unwrap();
    assert_eq!(out.edges, 0);
    assert_eq!(out.forces, vec![[0.0; 3]]);
    assert!(out.energy.is_finite());
}

#[test]
fn truncating_the_correlation_order_telescopes_to_the_full_energy() {
    let m = shipped();
    let s = ethanol();
    let mut ws = m.workspace();
    let full = m
        .evaluate(&s, &mut ws, EvalOptions::default())
        .unwrap()
        .energy;
    let at = |nu: usize, ws: &mut _| {
        m.evaluate(
            &s,
            ws,
            EvalOptions {
                max_correlation: nu,
                forces: false,
            },
        )
        .unwrap()
        .energy
    };
    let (e1, e2, e3) = (at(1, &mut ws), at(2, &mut ws), at(3, &mut ws));
    assert_eq!(e3, full);
    assert!((e2 - e1).abs() > 1e-6, "order 2 contributes nothing?");
    assert!((e3 - e2).abs() > 1e-6, "order 3 contributes nothing?");
}

/// The per-order split of the site energies adds up, atom by atom, to the full model minus E0, and
/// each order's share is what truncating at that order adds.
#[test]
fn order_contributions_add_up_to_each_site_energy() {
    let m = shipped();
    let s = ethanol();
    let mut ws = m.workspace();
    let c = m.order_contributions(&s, &mut ws).unwrap();
    assert_eq!(c.per_order.len(), 3);
    let full = m.evaluate(&s, &mut ws, EvalOptions::default()).unwrap();
    assert_eq!(c.energy, full.energy);
    for i in 0..s.len() {
        let sum = c.atom_sum(i) + c.e0[i];
        assert!(
            (sum - full.energies[i]).abs() < 1e-12,
            "atom {i}: {sum} vs {}",
            full.energies[i]
        );
    }
    let two = m
        .evaluate(
            &s,
            &mut ws,
            EvalOptions {
                max_correlation: 2,
                forces: false,
            },
        )
        .unwrap();
    let shares: f64 = c.e0.iter().sum::<f64>() + c.totals()[..2].iter().sum::<f64>();
    assert!((shares - two.energy).abs() < 1e-10);
    assert!(
        c.totals().iter().all(|t| t.abs() > 1e-6),
        "an order contributes nothing: {:?}",
        c.totals()
    );
}

#[derive(Deserialize)]
struct Recorded {
    reference_predictions_test_0_2: Vec<Prediction>,
}

#[derive(Deserialize)]
struct Prediction {
    numbers: Vec<u8>,
    positions: Vec<[f64; 3]>,
    energy: f64,
    forces: Vec<[f64; 3]>,
}

#[test]
fn shipped_model_reproduces_mace_torch_predictions() {
    let rec: Recorded =
        serde_json::from_slice(&read("../../assets/models/mace_ethanol.json")).unwrap();
    let mut calc = MaceCalculator::new(shipped());
    for p in rec.reference_predictions_test_0_2 {
        let species = p
            .numbers
            .iter()
            .map(|&z| chemical_symbol(z).unwrap().into())
            .collect();
        let out = calc
            .evaluate(
                &Structure::new(species, p.positions),
                EvalOptions::default(),
            )
            .unwrap();
        // The recorded forces carry 8 decimals.
        assert!(
            (out.energy - p.energy).abs() < 1e-9,
            "{} vs {}",
            out.energy,
            p.energy
        );
        for (f, g) in out.forces.iter().flatten().zip(p.forces.iter().flatten()) {
            assert!((f - g).abs() < 1e-8, "{f} vs {g}");
        }
    }
}

fn load_err(bytes: &[u8]) -> String {
    match MaceModel::from_safetensors(bytes) {
        Ok(_) => panic!("loaded"),
        Err(e) => e.to_string(),
    }
}

/// A safetensors file with one f64 tensor and the given metadata.
fn safetensors_with(metadata: Option<&str>) -> Vec<u8> {
    let meta = metadata.map_or(String::new(), |m| {
        format!(
            ",\"__metadata__\":{{\"multiace\":{}}}",
            serde_json::to_string(m).unwrap()
        )
    });
    let header =
        format!("{{\"x\":{{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}{meta}}}");
    let mut out = (header.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(&1.5f64.to_le_bytes());
    out
}

#[test]
fn unusable_files_are_refused_with_a_reason() {
    assert!(load_err(b"").contains("not a safetensors file"));
    assert!(load_err(b"3\n\nO 0 0 0\nH 1 0 0\nH 0 1 0\n").contains("not a safetensors file"));
    assert!(load_err(&safetensors_with(None)).contains("no `multiace` entry"));
    assert!(load_err(&safetensors_with(Some("{\"format\": 1}"))).contains("metadata `multiace`"));

    // A real export with one thing broken at a time.
    let bytes = read("tests/fixtures/mace_model_2.safetensors");
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&bytes[8..8 + n]).unwrap().to_string();
    let with_header = |h: String| {
        let mut out = (h.len() as u64).to_le_bytes().to_vec();
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(&bytes[8 + n..]);
        out
    };
    let bad = header.replacen(
        "RealAgnosticResidualInteractionBlock",
        "RealAgnosticDensityInteractionBlock",
        1,
    );
    assert!(load_err(&with_header(bad)).contains("RealAgnosticDensityInteractionBlock"));
    let bad = header.replacen("\\\"correlation\\\": 2", "\\\"correlation\\\": 5", 1);
    assert!(load_err(&with_header(bad)).contains("correlation"));
    let bad = header.replace(
        "interactions.0.linear.weight",
        "interactions.0.linear.weigth",
    );
    assert!(load_err(&with_header(bad)).contains("interactions.0.linear.weight"));
    // Truncated data.
    assert!(load_err(&bytes[..bytes.len() - 100]).contains("not a MACE model file"));
}

#[test]
fn structures_the_model_cannot_evaluate_give_clear_errors() {
    let m = shipped();
    let mut ws = m.workspace();
    let cu = Structure::new(
        vec!["C".into(), "Cu".into()],
        vec![[0.0; 3], [1.5, 0.0, 0.0]],
    );
    let e = m
        .evaluate(&cu, &mut ws, EvalOptions::default())
        .unwrap_err();
    assert!(matches!(e, MaceError::Structure(_)));
    assert!(
        e.to_string().contains("atom 1 is Cu") && e.to_string().contains("H, C, O"),
        "{e}"
    );
    let same = Structure::new(vec!["C".into(), "O".into()], vec![[0.0; 3], [0.0; 3]]);
    assert!(m.evaluate(&same, &mut ws, EvalOptions::default()).is_err());
    let nan = Structure::new(vec!["C".into()], vec![[f64::NAN, 0.0, 0.0]]);
    assert!(m
        .evaluate(&nan, &mut ws, EvalOptions::default())
        .unwrap_err()
        .to_string()
        .contains("non-finite"));
    // The workspace is still usable after errors.
    assert!(m
        .evaluate(&ethanol(), &mut ws, EvalOptions::default())
        .is_ok());
}
