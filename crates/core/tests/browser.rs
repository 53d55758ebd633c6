//! The core compiled to wasm32 and run inside headless Chromium (the engine the book's widgets
//! run on): the same e3nn fixtures and symmetry properties as the native tests, so a difference
//! in the browser's floating point or in a wasm-only code path cannot hide.
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p multiace-core --target wasm32-unknown-unknown --test browser`
#![cfg(target_arch = "wasm32")]

use multiace_core::so3::{
    apply, random_rotation, sh_len, spherical_harmonics, wigner_3j, wigner_d_from_matrix,
    Normalization, SplitMix64,
};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const SH_FIXTURE: &str = include_str!("fixtures/sh_e3nn.json");

fn normalization(name: &str) -> Normalization {
    match name {
        "integral" => Normalization::Integral,
        "component" => Normalization::Component,
        "norm" => Normalization::Norm,
        other => panic!("unknown normalization {other} in the fixture"),
    }
}

#[wasm_bindgen_test]
fn spherical_harmonics_match_e3nn_in_the_browser() {
    let fixture: serde_json::Value = serde_json::from_str(SH_FIXTURE).expect("fixture is JSON");
    let lmax = fixture["lmax"].as_u64().expect("lmax") as usize;
    let vectors: Vec<[f64; 3]> =
        serde_json::from_value(fixture["vectors"].clone()).expect("vectors");
    let mut out = vec![0.0; sh_len(lmax)];
    let mut compared = 0;
    for case in fixture["cases"].as_array().expect("cases") {
        let norm = normalization(case["normalization"].as_str().expect("normalization"));
        let normalize = case["normalize"].as_bool().expect("normalize");
        let rows: Vec<Vec<f64>> = serde_json::from_value(case["values"].clone()).expect("values");
        for (v, expected) in vectors.iter().zip(&rows) {
            spherical_harmonics(lmax, *v, norm, normalize, &mut out);
            // Absolute 1e-12, relative once values exceed 1 (normalize=false at |v| = 100 reaches 1e16).
            let scale = expected.iter().fold(1.0_f64, |m, y| m.max(y.abs()));
            for (k, (got, want)) in out.iter().zip(expected).enumerate() {
                assert!(
                    (got - want).abs() <= 1e-12 * scale,
                    "Y[{k}]({v:?}) {norm:?} normalize={normalize}: {got} vs e3nn {want}"
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 10_000, "only {compared} values compared");
}

#[wasm_bindgen_test]
fn spherical_harmonics_rotate_with_wigner_d_in_the_browser() {
    let lmax = 8;
    let mut rng = SplitMix64::new(2025);
    let (mut y, mut y_rot) = (vec![0.0; sh_len(lmax)], vec![0.0; sh_len(lmax)]);
    let mut worst: f64 = 0.0;
    for _ in 0..200 {
        let r = random_rotation(&mut rng);
        let x = [rng.normal(), rng.normal(), rng.normal()];
        spherical_harmonics(lmax, x, Normalization::Component, true, &mut y);
        spherical_harmonics(
            lmax,
            apply(&r, x),
            Normalization::Component,
            true,
            &mut y_rot,
        );
        for l in 0..=lmax {
            let d = wigner_d_from_matrix(l, &r);
            let start = l * l;
            for i in 0..2 * l + 1 {
                let dy: f64 = (0..2 * l + 1).map(|j| d[(i, j)] * y[start + j]).sum();
                worst = worst.max((dy - y_rot[start + i]).abs());
            }
        }
    }
    assert!(worst < 1e-12, "max |Y(Rx) - D(R)Y(x)| = {worst:e}");
}

#[wasm_bindgen_test]
fn wigner_3j_is_invariant_in_the_browser() {
    let (l1, l2, l3) = (2, 3, 4);
    let c = wigner_3j(l1, l2, l3).expect("a valid triangle");
    let mut rng = SplitMix64::new(7);
    let r = random_rotation(&mut rng);
    let (d1, d2, d3) = (
        wigner_d_from_matrix(l1, &r),
        wigner_d_from_matrix(l2, &r),
        wigner_d_from_matrix(l3, &r),
    );
    let [n1, n2, n3] = c.dims;
    let mut worst: f64 = 0.0;
    for i in 0..n1 {
        for j in 0..n2 {
            for k in 0..n3 {
                let mut rotated = 0.0;
                for a in 0..n1 {
                    for b in 0..n2 {
                        for e in 0..n3 {
                            rotated += d1[(i, a)] * d2[(j, b)] * d3[(k, e)] * c.get(a, b, e);
                        }
                    }
                }
                worst = worst.max((rotated - c.get(i, j, k)).abs());
            }
        }
    }
    assert!(worst < 1e-12, "3j changed by {worst:e} under rotation");
}

/// The ACE invariants of ethanol, computed in the browser, do not move under rotations, and the atomic
/// basis equals the e3nn/mace-torch/ASE fixture there too.
#[wasm_bindgen_test]
fn ace_invariants_are_invariant_and_a_matches_the_fixture_in_the_browser() {
    use multiace_core::ace::{
        atomic_basis_of_structure, descriptors, AceBasis, AceSpec, RadialBasis, RadialKind,
    };
    use multiace_core::structure::{read_xyz, Structure};
    let mol = read_xyz(include_str!("../../../assets/molecules/ethanol.xyz"))
        .expect("ethanol parses")
        .remove(0);
    let basis = AceBasis::new(AceSpec {
        species: mol.species_set(),
        radial: RadialBasis::new(RadialKind::Bessel, 2, 4.0).expect("radial"),
        l_max: 3,
        max_order: 4,
        max_degree: Some(7),
    })
    .expect("basis");
    let before = descriptors(&basis, &mol).expect("descriptors");
    let scale = before.values.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    let mut rng = SplitMix64::new(3);
    for _ in 0..50 {
        let q = random_rotation(&mut rng);
        let moved = Structure::new(
            mol.species.clone(),
            mol.positions.iter().map(|&p| apply(&q, p)).collect(),
        );
        let after = descriptors(&basis, &moved).expect("descriptors");
        let dev = before
            .values
            .iter()
            .zip(&after.values)
            .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
        assert!(dev < 1e-12 * scale, "{dev:e}");
    }

    let fixture: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/atomic_basis_reference.json")).expect("JSON");
    let case = &fixture[0];
    assert_eq!(case["name"], "ethanol");
    let radial = RadialBasis::new(RadialKind::Bessel, 4, 4.0)
        .expect("radial")
        .with_envelope_p(6)
        .expect("p");
    let basis = AceBasis::new(AceSpec {
        species: vec!["H".into(), "C".into(), "O".into()],
        radial,
        l_max: 3,
        max_order: 1,
        max_degree: None,
    })
    .expect("basis");
    let ours = atomic_basis_of_structure(&basis, &mol).expect("A");
    let expected: Vec<f64> = case["A"]
        .as_array()
        .expect("A")
        .iter()
        .flat_map(|row| {
            row.as_array()
                .expect("row")
                .iter()
                .map(|x| x.as_f64().expect("f64"))
        })
        .collect();
    assert_eq!(ours.len(), expected.len());
    for (a, b) in ours.iter().zip(&expected) {
        assert!((a - b).abs() < 1e-12 * (1.0 + b.abs()));
    }
}

/// The trained MACE model in the browser: energies and forces of the benchmark molecules as
/// mace-torch computes them (`benches/data/energies.json`), forces against finite differences, and
/// rotation invariance.
#[wasm_bindgen_test]
fn mace_matches_mace_torch_in_the_browser() {
    use multiace_core::mace::{EvalOptions, MaceModel};
    use multiace_core::structure::read_xyz;
    let model = MaceModel::from_safetensors(include_bytes!(
        "../../../assets/models/mace_ethanol.safetensors"
    ))
    .expect("model");
    let reference: serde_json::Value =
        serde_json::from_str(include_str!("../benches/data/energies.json")).expect("JSON");
    let mut ws = model.workspace();
    for (name, text) in [
        (
            "ethanol",
            include_str!("../../../assets/molecules/ethanol.xyz"),
        ),
        (
            "aspirin",
            include_str!("../../../assets/molecules/aspirin.xyz"),
        ),
    ] {
        let s = read_xyz(text).expect("xyz").remove(0);
        let out = model
            .evaluate(&s, &mut ws, EvalOptions::default())
            .expect("evaluate");
        let sys = &reference["systems"][name];
        let e = sys["energy"].as_f64().expect("energy");
        assert!(
            (out.energy - e).abs() < 1e-12 * e.abs(),
            "{name}: {} vs {e}",
            out.energy
        );
        let f0: Vec<f64> = serde_json::from_value(sys["forces_atom0"].clone()).expect("forces");
        for c in 0..3 {
            assert!((out.forces[0][c] - f0[c]).abs() < 1e-12, "{name}");
        }
        let r = random_rotation(&mut SplitMix64::new(5));
        let mut rotated = s.clone();
        rotated
            .positions
            .iter_mut()
            .for_each(|p| *p = apply(&r, *p));
        let rot = model
            .evaluate(&rotated, &mut ws, EvalOptions::default())
            .expect("evaluate");
        assert!((rot.energy - out.energy).abs() < 1e-12 * e.abs());
        let h = 1e-5;
        let mut p = s.clone();
        p.positions[1][2] += h;
        let mut m = s.clone();
        m.positions[1][2] -= h;
        let opts = EvalOptions {
            forces: false,
            ..EvalOptions::default()
        };
        let ep = model.evaluate(&p, &mut ws, opts).expect("e+").energy;
        let em = model.evaluate(&m, &mut ws, opts).expect("e-").energy;
        assert!((-(ep - em) / (2.0 * h) - out.forces[1][2]).abs() < 1e-6);
    }
}
