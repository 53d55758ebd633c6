#![cfg(not(target_arch = "wasm32"))]
//! Activations, gates, fully connected nets and the NequIP-style interaction layer against e3nn 0.4.4
//! (`tools/make_nn_layer_fixtures.py`, files `tests/fixtures/nn_layer_*.json`), and their symmetries:
//! rotations and inversion (500 random elements of O(3)), translations, permutations of the atoms;
//! gradients against central finite differences.

use multiace_core::nn::{
    Activation, FullyConnectedNet, Gate, InteractionLayer, InteractionSpec, InteractionWeights,
    SpeciesEmbedding,
};
use multiace_core::so3::{self, Irreps, Mat3, SplitMix64};
use multiace_core::structure::{neighbour_list, read_xyz, NeighbourList, Structure};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// A JSON array (of arrays ...) of numbers, flattened row-major.
fn flat(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(a) => a.iter().flat_map(flat).collect(),
        _ => vec![f(v)],
    }
}

fn irreps(v: &Value) -> Irreps {
    v.as_str().expect("irreps string").parse().expect("irreps")
}

fn act(v: &Value) -> Option<Activation> {
    v.as_str().map(|s| s.parse().expect("known activation"))
}

fn acts(v: &Value) -> Vec<Option<Activation>> {
    v.as_array().expect("list").iter().map(act).collect()
}

fn max_abs_diff(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

fn max_abs(a: &[f64]) -> f64 {
    a.iter().map(|x| x.abs()).fold(0.0, f64::max)
}

// ---------------------------------------------------------------------------------------------
// against e3nn
// ---------------------------------------------------------------------------------------------

#[test]
fn activation_constants_values_and_parities_match_e3nn() {
    let fx = load("nn_layer_activations.json");
    let xs = flat(&fx["x"]);
    for func in fx["functions"].as_array().unwrap() {
        let a: Activation = func["name"].as_str().unwrap().parse().unwrap();
        // e3nn averages φ(z)² over 10⁶ samples; torch's vectorised sum depends on memory alignment,
        // so one run of e3nn can differ from another in the last bit (seen once for tanh).
        let c = f(&func["constant"]);
        assert!(
            (a.constant() - c).abs() <= 2.0 * f64::EPSILON * c,
            "{a}: normalize2mom constant {c}"
        );
        assert_eq!(func["is_id"], false, "{a}: e3nn would skip the constant");
        let (vals, ders) = (flat(&func["values"]), flat(&func["derivatives"]));
        for (k, &x) in xs.iter().enumerate() {
            let (v, d) = a.eval_with_derivative(x);
            assert!((v - vals[k]).abs() <= 1e-14 * (1.0 + v.abs()), "{a}({x})");
            assert!((d - ders[k]).abs() <= 1e-14 * (1.0 + d.abs()), "{a}'({x})");
        }
    }
    // e3nn nn.Activation's parity rules, through a gate with only scalars.
    for case in fx["parity_cases"].as_array().unwrap() {
        let ir = irreps(&case["irreps_in"]);
        let a = acts(&case["acts"]);
        if ir.lmax() != Some(0) {
            continue; // Gate scalars must be scalars; e3nn's Activation lets l > 0 pass with None.
        }
        let g = Gate::new(&ir, &a, &Irreps::default(), &[], &Irreps::default());
        match case.get("irreps_out") {
            Some(out) => assert_eq!(g.unwrap().irreps_out().to_string(), out.as_str().unwrap()),
            None => {
                let e = g.unwrap_err().to_string();
                assert!(e.contains("neither even nor odd"), "{e}");
            }
        }
    }
}

#[test]
fn gate_matches_e3nn() {
    let fx = load("nn_layer_gate.json");
    for case in fx["cases"].as_array().unwrap() {
        let g = Gate::new(
            &irreps(&case["irreps_scalars"]),
            &acts(&case["act_scalars"]),
            &irreps(&case["irreps_gates"]),
            &acts(&case["act_gates"]),
            &irreps(&case["irreps_gated"]),
        )
        .unwrap();
        assert_eq!(
            g.irreps_in().to_string(),
            case["irreps_in"].as_str().unwrap()
        );
        assert_eq!(
            g.irreps_out().to_string(),
            case["irreps_out"].as_str().unwrap()
        );
        let x = flat(&case["x"]);
        let want = flat(&case["out"]);
        let mut out = vec![0.0; want.len()];
        g.forward(&x, &mut out);
        let err = max_abs_diff(&out, &want);
        assert!(err < 1e-14, "{}: forward error {err:e}", g.irreps_in());
        let mut gx = vec![0.0; x.len()];
        g.backward(&x, &flat(&case["grad_out"]), &mut gx);
        let err = max_abs_diff(&gx, &flat(&case["grad_x"]));
        assert!(err < 1e-14, "{}: backward error {err:e}", g.irreps_in());
    }
}

#[test]
fn fully_connected_net_matches_e3nn() {
    let fx = load("nn_layer_fc.json");
    for case in fx["cases"].as_array().unwrap() {
        let hs: Vec<usize> = case["hs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect();
        let net = FullyConnectedNet::new(&hs, act(&case["act"])).unwrap();
        let w = flat(&case["weights"]);
        assert_eq!(w.len(), net.weight_numel());
        let (n_in, n_out) = (net.n_in(), net.n_out());
        let x = flat(&case["x"]);
        let (want, go, want_gx) = (
            flat(&case["out"]),
            flat(&case["grad_out"]),
            flat(&case["grad_x"]),
        );
        let mut scratch = vec![0.0; net.scratch_len()];
        for (r, xr) in x.chunks_exact(n_in).enumerate() {
            let mut out = vec![0.0; n_out];
            net.forward(&w, xr, &mut out, &mut scratch);
            let err = max_abs_diff(&out, &want[r * n_out..(r + 1) * n_out]);
            assert!(err < 1e-13, "{hs:?}: forward error {err:e}");
            let mut gx = vec![0.0; n_in];
            net.backward(
                &w,
                xr,
                &go[r * n_out..(r + 1) * n_out],
                &mut gx,
                &mut scratch,
            );
            let err = max_abs_diff(&gx, &want_gx[r * n_in..(r + 1) * n_in]);
            assert!(err < 1e-13, "{hs:?}: backward error {err:e}");
        }
    }
}

fn ethanol() -> Structure {
    let path = format!(
        "{}/../../assets/molecules/ethanol.xyz",
        env!("CARGO_MANIFEST_DIR")
    );
    read_xyz(&std::fs::read_to_string(path).unwrap())
        .unwrap()
        .remove(0)
}

/// The fixture's layers, with their inputs.
struct Case {
    name: String,
    layer: InteractionLayer,
    h_in: Vec<f64>,
    fx: Value,
}

fn interaction_cases() -> (Value, Vec<Case>) {
    let fx = load("nn_layer_interaction.json");
    let mut cases = Vec::new();
    for c in fx["cases"].as_array().unwrap() {
        let mut spec = InteractionSpec::new(
            irreps(&c["irreps_in"]),
            irreps(&c["irreps_hidden"]),
            c["l_max"].as_u64().unwrap() as usize,
            f(&fx["r_cut"]),
            f(&fx["avg_num_neighbors"]),
        );
        spec.n_radial = fx["n_radial"].as_u64().unwrap() as usize;
        spec.radial_hidden = fx["radial_hidden"].as_u64().unwrap() as usize;
        spec.envelope_p = c["envelope_p"].as_u64().unwrap() as u32;
        let w = &c["weights"];
        let layer = InteractionLayer::from_weights(
            spec,
            InteractionWeights {
                linear_up: flat(&w["linear_up"]),
                radial: flat(&w["radial"]),
                linear_out: flat(&w["linear_out"]),
                self_connection: flat(&w["self_connection"]),
            },
        )
        .unwrap();
        let h_in = match c.get("embedding_weights") {
            Some(ew) => {
                let n_species = fx["species_table"].as_array().unwrap().len();
                let emb =
                    SpeciesEmbedding::from_weights(n_species, layer.irreps_in(), flat(ew)).unwrap();
                let z: Vec<usize> = fx["species_index"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_u64().unwrap() as usize)
                    .collect();
                let mut h0 = vec![0.0; z.len() * layer.irreps_in().dim()];
                emb.forward(&z, &mut h0).unwrap();
                let err = max_abs_diff(&h0, &flat(&c["h_in"]));
                assert!(err < 1e-14, "embedding error {err:e}");
                h0
            }
            None => flat(&c["h_in"]),
        };
        cases.push(Case {
            name: c["name"].as_str().unwrap().to_string(),
            layer,
            h_in,
            fx: c.clone(),
        });
    }
    (fx, cases)
}

fn structure_of(fx: &Value) -> Structure {
    let s = ethanol();
    let pos: Vec<[f64; 3]> = fx["positions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let v = flat(p);
            [v[0], v[1], v[2]]
        })
        .collect();
    assert_eq!(
        pos, s.positions,
        "fixture made from assets/molecules/ethanol.xyz"
    );
    s
}

fn run(layer: &InteractionLayer, s: &Structure, h_in: &[f64]) -> Vec<f64> {
    let nl = neighbour_list(s, layer.r_cut()).unwrap();
    let mut out = vec![0.0; s.len() * layer.irreps_out().dim()];
    layer
        .forward(&mut layer.workspace(), &nl, h_in, &mut out)
        .unwrap();
    out
}

#[test]
fn interaction_layer_matches_e3nn() {
    let (fx, cases) = interaction_cases();
    let s = structure_of(&fx);
    let nl = neighbour_list(&s, f(&fx["r_cut"])).unwrap();
    assert_eq!(nl.num_pairs(), fx["edges"][0].as_array().unwrap().len());
    for case in &cases {
        let (layer, c) = (&case.layer, &case.fx);
        assert_eq!(
            layer.gate().irreps_in().to_string(),
            c["irreps_gate_in"].as_str().unwrap()
        );
        assert_eq!(
            layer.irreps_out().to_string(),
            c["irreps_out"].as_str().unwrap()
        );
        let tp = layer.tensor_product();
        assert_eq!(
            tp.irreps_out().to_string(),
            c["irreps_mid"].as_str().unwrap()
        );
        assert_eq!(
            tp.weight_numel() as u64,
            c["tp_weight_numel"].as_u64().unwrap()
        );
        let ins: Vec<[u64; 3]> = tp
            .instructions()
            .iter()
            .map(|i| [i.i_in1 as u64, i.i_in2 as u64, i.i_out as u64])
            .collect();
        let want: Vec<[u64; 3]> = c["instructions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                let a = v.as_array().unwrap();
                [
                    a[0].as_u64().unwrap(),
                    a[1].as_u64().unwrap(),
                    a[2].as_u64().unwrap(),
                ]
            })
            .collect();
        assert_eq!(ins, want, "{}: instructions", case.name);

        let out = run(layer, &s, &case.h_in);
        let want = flat(&c["h_out"]);
        let err = max_abs_diff(&out, &want);
        println!(
            "{}: max |h' − e3nn| = {err:.2e} (max |h'| = {:.2})",
            case.name,
            max_abs(&want)
        );
        assert!(
            err < 1e-10,
            "{}: h' differs from e3nn by {err:e}",
            case.name
        );

        let readout = flat(&c["readout"]);
        let n = s.len();
        let grad_out: Vec<f64> = (0..n).flat_map(|_| readout.iter().copied()).collect();
        let mut gh = vec![0.0; case.h_in.len()];
        let mut gp = vec![[0.0; 3]; n];
        layer
            .backward(
                &mut layer.workspace(),
                &nl,
                &case.h_in,
                &grad_out,
                &mut gh,
                &mut gp,
            )
            .unwrap();
        let gp: Vec<f64> = gp.iter().flatten().copied().collect();
        let err = max_abs_diff(&gp, &flat(&c["grad_positions"]));
        println!("{}: max |∂L/∂r − autograd| = {err:.2e}", case.name);
        assert!(
            err < 1e-10,
            "{}: position gradient differs from autograd by {err:e}",
            case.name
        );
    }
}

fn readout_value(layer: &InteractionLayer, s: &Structure, h_in: &[f64], c: &[f64]) -> f64 {
    let out = run(layer, s, h_in);
    out.chunks_exact(c.len())
        .map(|row| row.iter().zip(c).map(|(a, b)| a * b).sum::<f64>())
        .sum()
}

#[test]
fn interaction_gradients_match_central_differences() {
    let (fx, cases) = interaction_cases();
    let s = structure_of(&fx);
    let nl = neighbour_list(&s, f(&fx["r_cut"])).unwrap();
    let n = s.len();
    for case in &cases {
        let layer = &case.layer;
        let c = flat(&case.fx["readout"]);
        let grad_out: Vec<f64> = (0..n).flat_map(|_| c.iter().copied()).collect();
        let mut gh = vec![0.0; case.h_in.len()];
        let mut gp = vec![[0.0; 3]; n];
        layer
            .backward(
                &mut layer.workspace(),
                &nl,
                &case.h_in,
                &grad_out,
                &mut gh,
                &mut gp,
            )
            .unwrap();
        let h = 1e-5;
        let mut worst: f64 = 0.0;
        for (a, ga) in gp.iter().enumerate() {
            for (k, &g) in ga.iter().enumerate() {
                let (mut sp, mut sm) = (s.clone(), s.clone());
                sp.positions[a][k] += h;
                sm.positions[a][k] -= h;
                let fd = (readout_value(layer, &sp, &case.h_in, &c)
                    - readout_value(layer, &sm, &case.h_in, &c))
                    / (2.0 * h);
                worst = worst.max((fd - g).abs());
            }
        }
        println!(
            "{}: max |∂L/∂r − central difference| = {worst:.2e}",
            case.name
        );
        assert!(
            worst < 1e-6,
            "{}: position gradient off by {worst:e}",
            case.name
        );
        let mut worst: f64 = 0.0;
        for k in (0..case.h_in.len()).step_by(3) {
            let (mut hp, mut hm) = (case.h_in.clone(), case.h_in.clone());
            hp[k] += h;
            hm[k] -= h;
            let fd =
                (readout_value(layer, &s, &hp, &c) - readout_value(layer, &s, &hm, &c)) / (2.0 * h);
            worst = worst.max((fd - gh[k]).abs());
        }
        assert!(
            worst < 1e-6,
            "{}: feature gradient off by {worst:e}",
            case.name
        );
    }
}

// ---------------------------------------------------------------------------------------------
// symmetries
// ---------------------------------------------------------------------------------------------

/// The representation of the O(3) element `±R` (`inverted` for −R) on rows of `irreps` features.
fn transform(irreps: &Irreps, x: &[f64], r: &Mat3, inverted: bool) -> Vec<f64> {
    let d = irreps.dim();
    let ds: Vec<_> = irreps
        .0
        .iter()
        .map(|t| so3::wigner_d_from_matrix(t.ir.l, r))
        .collect();
    let mut out = vec![0.0; x.len()];
    for (row, orow) in x.chunks_exact(d).zip(out.chunks_exact_mut(d)) {
        let mut off = 0;
        for (t, dm) in irreps.0.iter().zip(&ds) {
            let sign = if inverted { t.ir.p.sign() as f64 } else { 1.0 };
            let k = t.ir.dim();
            for u in 0..t.mul {
                let base = off + u * k;
                for a in 0..k {
                    orow[base + a] = sign * (0..k).map(|b| dm[(a, b)] * row[base + b]).sum::<f64>();
                }
            }
            off += t.dim();
        }
    }
    out
}

fn moved(s: &Structure, r: &Mat3, inverted: bool, t: [f64; 3]) -> Structure {
    let mut s = s.clone();
    for p in &mut s.positions {
        let q = so3::apply(r, *p);
        let sgn = if inverted { -1.0 } else { 1.0 };
        *p = [sgn * q[0] + t[0], sgn * q[1] + t[1], sgn * q[2] + t[2]];
    }
    s
}

#[test]
fn gate_commutes_with_rotations_and_inversion() {
    let fx = load("nn_layer_gate.json");
    let mut rng = SplitMix64::new(42);
    for case in fx["cases"].as_array().unwrap() {
        let g = Gate::new(
            &irreps(&case["irreps_scalars"]),
            &acts(&case["act_scalars"]),
            &irreps(&case["irreps_gates"]),
            &acts(&case["act_gates"]),
            &irreps(&case["irreps_gated"]),
        )
        .unwrap();
        let x = flat(&case["x"]);
        let rows = x.len() / g.irreps_in().dim();
        let mut out = vec![0.0; rows * g.irreps_out().dim()];
        g.forward(&x, &mut out);
        let scale = max_abs(&out);
        let mut worst: f64 = 0.0;
        let mut out_r = out.clone();
        for k in 0..500 {
            let r = so3::random_rotation(&mut rng);
            let inverted = k % 2 == 1;
            g.forward(&transform(g.irreps_in(), &x, &r, inverted), &mut out_r);
            let want = transform(g.irreps_out(), &out, &r, inverted);
            worst = worst.max(max_abs_diff(&out_r, &want) / scale);
        }
        assert!(
            worst < 1e-12,
            "{}: relative equivariance error {worst:e}",
            g.irreps_in()
        );
    }
}

#[test]
fn interaction_layer_commutes_with_rotations_and_inversion() {
    let (fx, cases) = interaction_cases();
    let s = structure_of(&fx);
    let mut rng = SplitMix64::new(7);
    for case in &cases {
        let layer = &case.layer;
        let out = run(layer, &s, &case.h_in);
        let scale = max_abs(&out);
        let mut ws = layer.workspace();
        let mut out_r = out.clone();
        let mut worst: f64 = 0.0;
        for k in 0..500 {
            let r = so3::random_rotation(&mut rng);
            let inverted = k % 2 == 1;
            let sr = moved(&s, &r, inverted, [0.0; 3]);
            let nl: NeighbourList = neighbour_list(&sr, layer.r_cut()).unwrap();
            let h_r = transform(layer.irreps_in(), &case.h_in, &r, inverted);
            layer.forward(&mut ws, &nl, &h_r, &mut out_r).unwrap();
            let want = transform(layer.irreps_out(), &out, &r, inverted);
            worst = worst.max(max_abs_diff(&out_r, &want) / scale);
        }
        println!(
            "{}: relative O(3) equivariance error over 500 elements {worst:.2e}",
            case.name
        );
        assert!(
            worst < 1e-12,
            "{}: relative equivariance error {worst:e}",
            case.name
        );
    }
}

#[test]
fn interaction_layer_is_translation_invariant_and_permutation_equivariant() {
    let (fx, cases) = interaction_cases();
    let s = structure_of(&fx);
    let mut rng = SplitMix64::new(9);
    for case in &cases {
        let layer = &case.layer;
        let (din, dout) = (layer.irreps_in().dim(), layer.irreps_out().dim());
        let out = run(layer, &s, &case.h_in);
        let scale = max_abs(&out);
        for _ in 0..20 {
            let t = [
                10.0 * rng.normal(),
                10.0 * rng.normal(),
                10.0 * rng.normal(),
            ];
            let st = moved(&s, &so3::IDENTITY, false, t);
            let err = max_abs_diff(&run(layer, &st, &case.h_in), &out) / scale;
            assert!(
                err < 1e-12,
                "{}: translation changes h' by {err:e}",
                case.name
            );
        }
        for _ in 0..20 {
            // A random permutation (Fisher–Yates): new atom k is old atom perm[k].
            let n = s.len();
            let mut perm: Vec<usize> = (0..n).collect();
            for k in (1..n).rev() {
                let j = (rng.next_u64() % (k as u64 + 1)) as usize;
                perm.swap(k, j);
            }
            let sp = Structure::new(
                perm.iter().map(|&k| s.species[k].clone()).collect(),
                perm.iter().map(|&k| s.positions[k]).collect(),
            );
            let hp: Vec<f64> = perm
                .iter()
                .flat_map(|&k| case.h_in[k * din..(k + 1) * din].iter().copied())
                .collect();
            let outp = run(layer, &sp, &hp);
            let want: Vec<f64> = perm
                .iter()
                .flat_map(|&k| out[k * dout..(k + 1) * dout].iter().copied())
                .collect();
            let err = max_abs_diff(&outp, &want) / scale;
            assert!(err < 1e-12, "{}: permutation error {err:e}", case.name);
        }
    }
}

#[test]
fn seeded_layers_are_reproducible_and_bad_weights_are_errors() {
    let spec = InteractionSpec::new(
        "8x0e".parse().unwrap(),
        "8x0e+8x1o+8x2e".parse().unwrap(),
        2,
        4.0,
        8.0,
    );
    let a = InteractionLayer::new(spec.clone(), 1).unwrap();
    let b = InteractionLayer::new(spec.clone(), 1).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.irreps_out().to_string(), "8x0e+8x1o+8x2e");
    let mut w = a.weights().clone();
    w.radial.pop();
    let e = InteractionLayer::from_weights(spec.clone(), w).unwrap_err();
    assert!(e.to_string().starts_with("radial:"), "{e}");
    let mut bad = spec;
    bad.irreps_hidden = "4x1e".parse().unwrap(); // 0e ⊗ Y^l gives only natural parity
    let e = InteractionLayer::new(bad, 1).unwrap_err();
    assert!(e.to_string().starts_with("irreps_hidden:"), "{e}");
    // Wrong buffer sizes are errors, not panics.
    let s = ethanol();
    let nl = neighbour_list(&s, 4.0).unwrap();
    let mut out = vec![0.0; s.len() * a.irreps_out().dim()];
    let e = a
        .forward(&mut a.workspace(), &nl, &[0.0; 3], &mut out)
        .unwrap_err();
    assert!(e.to_string().starts_with("h_in:"), "{e}");
}
