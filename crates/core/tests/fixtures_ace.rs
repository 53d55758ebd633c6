//! The ACE radial bases and atomic basis against independent references written by
//! `tools/make_ace_fixtures.py`: mace-torch's `BesselBasis` × `PolynomialCutoff` (values and autograd
//! derivatives), sympy for the Chebyshev and Gaussian bases, and A_{i,znlm} assembled from ASE's neighbour
//! list, e3nn's spherical harmonics and mace-torch's radial basis.

use multiace_core::ace::{
    atomic_basis_of_structure, polynomial_cutoff, AceBasis, AceSpec, RadialBasis, RadialKind,
};
use multiace_core::structure::Structure;
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn check_radial(fix: &Value, key: &str, basis: RadialBasis) {
    let rs = floats(&fix["r"]);
    let n = basis.n_max();
    let (mut v, mut d) = (vec![0.0; n], vec![0.0; n]);
    let mut worst: f64 = 0.0;
    for (i, &r) in rs.iter().enumerate() {
        basis.evaluate(r, &mut v, &mut d);
        let ev = floats(&fix[key]["values"][i]);
        let ed = floats(&fix[key]["derivs"][i]);
        for k in 0..n {
            let ev_err = (v[k] - ev[k]).abs() / (1.0 + ev[k].abs());
            let ed_err = (d[k] - ed[k]).abs() / (1.0 + ed[k].abs());
            worst = worst.max(ev_err).max(ed_err);
            assert!(
                ev_err < 1e-12 && ed_err < 1e-11,
                "{key} r={r} n={}: {} vs {}, {} vs {}",
                k + 1,
                v[k],
                ev[k],
                d[k],
                ed[k]
            );
        }
    }
    eprintln!("{key}: worst relative error {worst:e}");
}

#[test]
fn radial_bases_match_mace_torch_and_sympy() {
    let fix = load("radial_reference.json");
    let bessel = |key: &str| {
        let b = &fix[key];
        RadialBasis::new(
            RadialKind::Bessel,
            b["n_max"].as_u64().unwrap() as usize,
            b["r_cut"].as_f64().unwrap(),
        )
        .unwrap()
        .with_envelope_p(b["p"].as_u64().unwrap() as u32)
        .unwrap()
    };
    check_radial(&fix, "bessel", bessel("bessel"));
    check_radial(&fix, "bessel_p5", bessel("bessel_p5"));
    for (key, kind) in [
        ("chebyshev", RadialKind::Chebyshev),
        ("gaussian", RadialKind::Gaussian),
    ] {
        let b = &fix[key];
        let basis = RadialBasis::new(
            kind,
            b["n_max"].as_u64().unwrap() as usize,
            b["r_cut"].as_f64().unwrap(),
        )
        .unwrap();
        check_radial(&fix, key, basis);
    }
    let env = &fix["polynomial_cutoff"];
    for (i, r) in floats(&fix["r"]).into_iter().enumerate() {
        let (f, df) = polynomial_cutoff(
            r,
            env["r_cut"].as_f64().unwrap(),
            env["p"].as_u64().unwrap() as u32,
        );
        assert!((f - env["values"][i].as_f64().unwrap()).abs() < 1e-13);
        assert!((df - env["derivs"][i].as_f64().unwrap()).abs() < 1e-12);
    }
}

#[test]
fn atomic_basis_matches_ase_e3nn_and_mace() {
    for case in load("atomic_basis_reference.json").as_array().unwrap() {
        let species: Vec<String> = case["species"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect();
        let positions: Vec<[f64; 3]> = case["positions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let p = floats(p);
                [p[0], p[1], p[2]]
            })
            .collect();
        let mut s = Structure::new(species, positions);
        if !case["cell"].is_null() {
            let c: Vec<Vec<f64>> = case["cell"]
                .as_array()
                .unwrap()
                .iter()
                .map(floats)
                .collect();
            s.cell = Some([
                [c[0][0], c[0][1], c[0][2]],
                [c[1][0], c[1][1], c[1][2]],
                [c[2][0], c[2][1], c[2][2]],
            ]);
            let pbc: Vec<bool> = case["pbc"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b.as_bool().unwrap())
                .collect();
            s.pbc = [pbc[0], pbc[1], pbc[2]];
        }
        let radial = RadialBasis::new(
            RadialKind::Bessel,
            case["n_max"].as_u64().unwrap() as usize,
            case["r_cut"].as_f64().unwrap(),
        )
        .unwrap()
        .with_envelope_p(case["p"].as_u64().unwrap() as u32)
        .unwrap();
        let basis = AceBasis::new(AceSpec {
            species: case["species_order"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_string())
                .collect(),
            radial,
            l_max: case["l_max"].as_u64().unwrap() as usize,
            max_order: 1,
            max_degree: None,
        })
        .unwrap();
        let ours = atomic_basis_of_structure(&basis, &s).unwrap();
        let expected: Vec<f64> = case["A"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(floats)
            .collect();
        assert_eq!(ours.len(), expected.len(), "{}", case["name"]);
        let worst = ours
            .iter()
            .zip(&expected)
            .map(|(a, b)| (a - b).abs() / (1.0 + b.abs()))
            .fold(0.0f64, f64::max);
        eprintln!("{}: worst relative error {worst:e}", case["name"]);
        assert!(worst < 1e-12, "{}: {worst:e}", case["name"]);
    }
}
