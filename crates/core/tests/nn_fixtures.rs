//! `nn::Linear` and `nn::TensorProduct` against e3nn 0.4.4 (`tools/make_nn_fixtures.py`): instructions,
//! path weights, weight counts, outputs and autograd vector–Jacobian products for fixed, seeded weights
//! and inputs in float64. Outputs must agree to 1e-10 relative to the largest |value| of the sample.

use multiace_core::nn::{
    Instruction, IrrepNormalization, Linear, Mode, PathNormalization, TensorProduct,
};
use multiace_core::so3::Irreps;
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

fn irreps(v: &Value) -> Irreps {
    v.as_str().unwrap().parse().unwrap()
}

/// max |got - want| / max(max |want|, 1e-300), asserting < 1e-10; returns the error.
fn compare(what: &str, got: &[f64], want: &[f64]) -> f64 {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let scale = want.iter().fold(0.0f64, |a, x| a.max(x.abs())).max(1e-300);
    let err = got
        .iter()
        .zip(want)
        .fold(0.0f64, |a, (g, w)| a.max((g - w).abs()))
        / scale;
    assert!(err < 1e-10, "{what}: relative error {err:e}");
    err
}

#[test]
fn linear_matches_e3nn() {
    let fix = load("nn_linear.json");
    let mut worst = [0.0f64; 3];
    for case in fix["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let lin = Linear::new(&irreps(&case["irreps_in"]), &irreps(&case["irreps_out"])).unwrap();
        assert_eq!(
            lin.weight_numel() as u64,
            case["weight_numel"].as_u64().unwrap(),
            "{name}"
        );
        let ins = lin.instructions();
        let want_ins = case["instructions"].as_array().unwrap();
        assert_eq!(ins.len(), want_ins.len(), "{name}: instructions");
        for (&(i, o, pw), w) in ins.iter().zip(want_ins) {
            assert_eq!(i as u64, w[0].as_u64().unwrap(), "{name}");
            assert_eq!(o as u64, w[1].as_u64().unwrap(), "{name}");
            assert!(
                (pw - w[2].as_f64().unwrap()).abs() < 1e-15,
                "{name}: path weight"
            );
        }
        let weights = floats(&case["weights"]);
        let n_out = lin.irreps_out().dim();
        let mut grad_w = vec![0.0; lin.weight_numel()];
        for (s, x) in case["x"].as_array().unwrap().iter().enumerate() {
            let x = floats(x);
            let mut out = vec![f64::NAN; n_out];
            lin.forward(&weights, &x, &mut out);
            worst[0] = worst[0].max(compare(
                &format!("{name} out[{s}]"),
                &out,
                &floats(&case["out"][s]),
            ));
            let g = floats(&case["grad_out"][s]);
            let mut gx = vec![0.0; x.len()];
            lin.backward_input(&weights, &g, &mut gx);
            worst[1] = worst[1].max(compare(
                &format!("{name} grad_x[{s}]"),
                &gx,
                &floats(&case["grad_x"][s]),
            ));
            lin.backward_weights(&x, &g, &mut grad_w);
        }
        worst[2] = worst[2].max(compare(
            &format!("{name} grad_w"),
            &grad_w,
            &floats(&case["grad_w"]),
        ));
    }
    eprintln!(
        "Linear vs e3nn 0.4.4: max relative error out {:e}, grad_x {:e}, grad_w {:e}",
        worst[0], worst[1], worst[2]
    );
}

fn build_tp(case: &Value) -> TensorProduct {
    let (a, b, c) = (
        irreps(&case["irreps_in1"]),
        irreps(&case["irreps_in2"]),
        irreps(&case["irreps_out"]),
    );
    match case["kind"].as_str().unwrap() {
        "fully_connected" => TensorProduct::fully_connected(&a, &b, &c).unwrap(),
        "channelwise" => TensorProduct::channelwise(&a, &b, &irreps(&case["target"])).unwrap(),
        // e3nn's FullTensorProduct is given the unsimplified inputs; ours simplifies like e3nn's.
        "full" => TensorProduct::full(&a, &b).unwrap(),
        "general" => {
            let pws = floats(&case["input_path_weights"]);
            let instr = case["instructions"]
                .as_array()
                .unwrap()
                .iter()
                .zip(pws)
                .map(|(i, pw)| Instruction {
                    i_in1: i[0].as_u64().unwrap() as usize,
                    i_in2: i[1].as_u64().unwrap() as usize,
                    i_out: i[2].as_u64().unwrap() as usize,
                    mode: i[3].as_str().unwrap().parse::<Mode>().unwrap(),
                    has_weight: i[4].as_bool().unwrap(),
                    path_weight: pw,
                })
                .collect();
            let irrep_norm = match case["irrep_normalization"].as_str().unwrap() {
                "component" => IrrepNormalization::Component,
                "norm" => IrrepNormalization::Norm,
                _ => IrrepNormalization::None,
            };
            let path_norm = match case["path_normalization"].as_str().unwrap() {
                "element" => PathNormalization::Element,
                "path" => PathNormalization::Path,
                _ => PathNormalization::None,
            };
            TensorProduct::new(&a, &b, &c, instr, irrep_norm, path_norm).unwrap()
        }
        k => panic!("unknown kind {k}"),
    }
}

#[test]
fn tensor_products_match_e3nn() {
    let fix = load("nn_tensor_product.json");
    let mut worst = [0.0f64; 4];
    for case in fix["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let tp = build_tp(case);
        assert_eq!(
            tp.irreps_in1().to_string(),
            case["irreps_in1"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            tp.irreps_out().to_string(),
            case["irreps_out"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            tp.weight_numel() as u64,
            case["weight_numel"].as_u64().unwrap(),
            "{name}"
        );
        let want_ins = case["instructions"].as_array().unwrap();
        assert_eq!(tp.instructions().len(), want_ins.len(), "{name}");
        for (k, (ins, w)) in tp.instructions().iter().zip(want_ins).enumerate() {
            let got = (
                ins.i_in1 as u64,
                ins.i_in2 as u64,
                ins.i_out as u64,
                ins.mode.as_str(),
                ins.has_weight,
            );
            let want = (
                w[0].as_u64().unwrap(),
                w[1].as_u64().unwrap(),
                w[2].as_u64().unwrap(),
                w[3].as_str().unwrap(),
                w[4].as_bool().unwrap(),
            );
            assert_eq!(got, want, "{name}: instruction {k}");
            let pw = w[5].as_f64().unwrap();
            assert!(
                (ins.path_weight - pw).abs() < 1e-14 * pw.max(1.0),
                "{name}: instruction {k} path weight {} vs e3nn {pw}",
                ins.path_weight
            );
        }
        let weights = floats(&case["weights"]);
        let mut grad_w = vec![0.0; tp.weight_numel()];
        for s in 0..case["x1"].as_array().unwrap().len() {
            let x1 = floats(&case["x1"][s]);
            let x2 = floats(&case["x2"][s]);
            let mut out = vec![f64::NAN; tp.irreps_out().dim()];
            tp.forward(&x1, &x2, &weights, &mut out);
            worst[0] = worst[0].max(compare(
                &format!("{name} out[{s}]"),
                &out,
                &floats(&case["out"][s]),
            ));
            let g = floats(&case["grad_out"][s]);
            let (mut g1, mut g2) = (vec![0.0; x1.len()], vec![0.0; x2.len()]);
            tp.backward(&x1, &x2, &weights, &g, &mut g1, &mut g2);
            worst[1] = worst[1].max(compare(
                &format!("{name} grad_x1[{s}]"),
                &g1,
                &floats(&case["grad_x1"][s]),
            ));
            worst[2] = worst[2].max(compare(
                &format!("{name} grad_x2[{s}]"),
                &g2,
                &floats(&case["grad_x2"][s]),
            ));
            tp.backward_weights(&x1, &x2, &g, &mut grad_w);
        }
        if tp.weight_numel() > 0 {
            worst[3] = worst[3].max(compare(
                &format!("{name} grad_w"),
                &grad_w,
                &floats(&case["grad_w"]),
            ));
        }
    }
    eprintln!(
        "TensorProduct vs e3nn 0.4.4: max relative error out {:e}, grad_x1 {:e}, grad_x2 {:e}, grad_w {:e}",
        worst[0], worst[1], worst[2], worst[3]
    );
}

#[test]
fn tensor_product_paths_match_e3nn_for_the_cli_pairs() {
    let fix = load("nn_tensor_product_cli.json");
    for case in fix["cases"].as_array().unwrap() {
        let (a, b) = (irreps(&case["in1"]), irreps(&case["in2"]));
        let full = TensorProduct::full(&a, &b).unwrap();
        assert_eq!(
            full.irreps_out().simplify().to_string(),
            case["full"]["irreps_out"].as_str().unwrap()
        );
        let fc = TensorProduct::fully_connected(&a, &b, &irreps(&case["filter"])).unwrap();
        assert_eq!(
            fc.weight_numel() as u64,
            case["filtered"]["num_weights"].as_u64().unwrap()
        );
        for (tp, key) in [(&full, "full"), (&fc, "filtered")] {
            let want = case[key]["paths"].as_array().unwrap();
            assert_eq!(tp.instructions().len(), want.len(), "{key} {case}");
            for (ins, w) in tp.instructions().iter().zip(want) {
                assert_eq!(
                    tp.irreps_in1().0[ins.i_in1].to_string(),
                    w["in1"].as_str().unwrap()
                );
                assert_eq!(
                    tp.irreps_in2().0[ins.i_in2].to_string(),
                    w["in2"].as_str().unwrap()
                );
                assert_eq!(
                    tp.irreps_out().0[ins.i_out].to_string(),
                    w["out"].as_str().unwrap()
                );
            }
        }
    }
}
