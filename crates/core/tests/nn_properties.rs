//! Properties of the `nn` layers on seeded random inputs (SplitMix64): equivariance under rotations and
//! inversion, `f(D(g) x) = D(g) f(x)` for g ∈ O(3) (Wigner D per block, parity signs from
//! `Irreps::inversion_signs`), and gradients against central finite differences.

use multiace_core::nn::{
    Instruction, IrrepNormalization, Linear, Mode, PathNormalization, TensorProduct,
};
use multiace_core::so3::{self, Irreps, SplitMix64};
use nalgebra::{DMatrix, DVector};

// ---------------------------------------------------------------------------------------------
// Linear and TensorProduct (helper N1)
// ---------------------------------------------------------------------------------------------

fn ir(s: &str) -> Irreps {
    s.parse().unwrap()
}

fn randn(rng: &mut SplitMix64, n: usize) -> Vec<f64> {
    (0..n).map(|_| rng.normal()).collect()
}

/// `D(g) x` for the O(3) element g = (rotation r, then inversion if `invert`): each copy of an `l`
/// block is multiplied by `D^l(r)`, and by −1 for odd parity when inverting.
fn act(irreps: &Irreps, ds: &[DMatrix<f64>], invert: bool, x: &[f64]) -> Vec<f64> {
    let signs = irreps.inversion_signs();
    let mut out = Vec::with_capacity(x.len());
    let mut off = 0;
    for (t, &sign) in irreps.0.iter().zip(&signs) {
        let d = t.ir.dim();
        let s = if invert { sign as f64 } else { 1.0 };
        for u in 0..t.mul {
            let v = DVector::from_row_slice(&x[off + u * d..off + (u + 1) * d]);
            out.extend((&ds[t.ir.l] * v).iter().map(|y| s * y));
        }
        off += t.dim();
    }
    out
}

fn rel_err(a: &[f64], b: &[f64]) -> f64 {
    let scale = b.iter().fold(0.0f64, |m, x| m.max(x.abs())).max(1e-300);
    a.iter()
        .zip(b)
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()))
        / scale
}

fn check_linear_equivariance(lin: &Linear, n_rot: usize, seed: u64) {
    let mut rng = SplitMix64::new(seed);
    let w = randn(&mut rng, lin.weight_numel());
    let lmax = lin
        .irreps_in()
        .lmax()
        .unwrap_or(0)
        .max(lin.irreps_out().lmax().unwrap_or(0));
    let (mut out, mut out_g) = (
        vec![0.0; lin.irreps_out().dim()],
        vec![0.0; lin.irreps_out().dim()],
    );
    let mut worst: f64 = 0.0;
    for n in 0..n_rot {
        // Odd n: rotation then inversion (an improper element); n = 1: inversion alone.
        let r = so3::random_rotation(&mut rng);
        let r = if n == 1 { so3::IDENTITY } else { r };
        let ds = so3::wigner_d_all(lmax, &r);
        let invert = n % 2 == 1;
        let x = randn(&mut rng, lin.irreps_in().dim());
        lin.forward(&w, &x, &mut out);
        lin.forward(&w, &act(lin.irreps_in(), &ds, invert, &x), &mut out_g);
        let err = rel_err(&out_g, &act(lin.irreps_out(), &ds, invert, &out));
        worst = worst.max(err);
        assert!(err < 1e-12, "Linear: |f(gx) - g f(x)| = {err:e}");
    }
    eprintln!(
        "Linear {} -> {}: worst equivariance error {worst:e}",
        lin.irreps_in(),
        lin.irreps_out()
    );
}

fn check_tp_equivariance(tp: &TensorProduct, n_rot: usize, seed: u64) {
    let mut rng = SplitMix64::new(seed);
    let w = randn(&mut rng, tp.weight_numel());
    let lmax = [tp.irreps_in1(), tp.irreps_in2(), tp.irreps_out()]
        .iter()
        .map(|i| i.lmax().unwrap_or(0))
        .max()
        .unwrap();
    let dim = tp.irreps_out().dim();
    let (mut out, mut out_g) = (vec![0.0; dim], vec![0.0; dim]);
    let mut worst: f64 = 0.0;
    for n in 0..n_rot {
        // Odd n: rotation then inversion (an improper element); n = 1: inversion alone.
        let r = so3::random_rotation(&mut rng);
        let r = if n == 1 { so3::IDENTITY } else { r };
        let ds = so3::wigner_d_all(lmax, &r);
        let invert = n % 2 == 1;
        let x1 = randn(&mut rng, tp.irreps_in1().dim());
        let x2 = randn(&mut rng, tp.irreps_in2().dim());
        tp.forward(&x1, &x2, &w, &mut out);
        tp.forward(
            &act(tp.irreps_in1(), &ds, invert, &x1),
            &act(tp.irreps_in2(), &ds, invert, &x2),
            &w,
            &mut out_g,
        );
        let err = rel_err(&out_g, &act(tp.irreps_out(), &ds, invert, &out));
        worst = worst.max(err);
        assert!(
            err < 1e-12,
            "TP {} x {} -> {}: |f(gx1, gx2) - g f(x1, x2)| = {err:e}",
            tp.irreps_in1(),
            tp.irreps_in2(),
            tp.irreps_out()
        );
    }
    eprintln!(
        "TP {} x {} -> {}: worst equivariance error {worst:e}",
        tp.irreps_in1(),
        tp.irreps_in2(),
        tp.irreps_out()
    );
}

/// A TensorProduct using every mode (weighted and not), two instructions into one block, l ≤ 3.
fn every_mode_tp(irrep_norm: IrrepNormalization, path_norm: PathNormalization) -> TensorProduct {
    let i = |a, b, c, m, w| Instruction::new(a, b, c, m, w);
    TensorProduct::new(
        &ir("2x0e+2x1o+3x2e"),
        &ir("2x1o+3x1e+2x0e"),
        &ir("2x1o+2x2e+3x1o+2x1e+9x2e+9x3e+1x0e+2x0e"),
        vec![
            i(0, 0, 0, Mode::Uvu, true),
            i(1, 0, 1, Mode::Uvv, true),
            i(1, 2, 2, Mode::Uuw, true),
            i(1, 0, 3, Mode::Uuu, false),
            i(2, 1, 3, Mode::Uvw, true),
            i(2, 1, 4, Mode::Uvuv, false),
            i(2, 1, 5, Mode::Uvuv, true),
            i(0, 2, 6, Mode::Uuw, false),
            i(1, 0, 7, Mode::Uvu, true),
            i(0, 2, 7, Mode::Uvu, true),
            i(1, 0, 3, Mode::Uuu, true),
        ],
        irrep_norm,
        path_norm,
    )
    .unwrap()
}

fn test_tps() -> Vec<TensorProduct> {
    vec![
        TensorProduct::channelwise(
            &ir("8x0e+4x1o"),
            &ir("1x0e+1x1o+1x2e+1x3o"),
            &ir("8x0e+8x1o+8x2e+8x3o"),
        )
        .unwrap(),
        TensorProduct::channelwise(
            &ir("3x0e+2x1o+2x2e+2x3o"),
            &ir("1x0e+1x1o+1x2e+1x3o"),
            &ir("0e+1o+2e+3o+0o+1e+2o+3e"),
        )
        .unwrap(),
        TensorProduct::fully_connected(
            &ir("2x0e+3x1o+1x2e"),
            &ir("1x1o+2x2o"),
            &ir("4x0e+3x1e+2x2e+1x3o"),
        )
        .unwrap(),
        TensorProduct::fully_connected(
            &ir("2x1e+1x0o+1x3o"),
            &ir("2x1o+1x3e"),
            &ir("2x0e+1x0o+2x1o+2x2e+1x3e+1x2o"),
        )
        .unwrap(),
        TensorProduct::full(&ir("2x0e+1x1o+1x3o"), &ir("1x1o+1x2e")).unwrap(),
        every_mode_tp(IrrepNormalization::Component, PathNormalization::Element),
        every_mode_tp(IrrepNormalization::Norm, PathNormalization::Path),
    ]
}

#[test]
fn linear_commutes_with_500_rotations_and_inversion() {
    for (k, (a, b)) in [
        ("16x0e+8x1o+4x2e", "8x0e+8x1o+2x2e+3x0o"),
        ("3x0e+2x1o+5x0e+1x3o+2x2o", "4x0e+2x1o+3x3o+1x1o+2x2o"),
        (
            "4x0e+4x1o+4x2e+4x3o+2x1e+2x0o",
            "3x0e+3x1o+3x2e+3x3o+1x1e+1x0o",
        ),
    ]
    .iter()
    .enumerate()
    {
        check_linear_equivariance(&Linear::new(&ir(a), &ir(b)).unwrap(), 500, 10 + k as u64);
    }
}

#[test]
fn tensor_products_commute_with_500_rotations_and_inversion() {
    for (k, tp) in test_tps().iter().enumerate() {
        check_tp_equivariance(tp, 500, 100 + k as u64);
    }
}

#[test]
fn linear_gradients_match_central_differences() {
    let lin = Linear::new(&ir("3x0e+2x1o+5x0e+1x3o"), &ir("4x0e+2x1o+3x3o+1x1o+1x0o")).unwrap();
    let mut rng = SplitMix64::new(7);
    let w = randn(&mut rng, lin.weight_numel());
    let x = randn(&mut rng, lin.irreps_in().dim());
    let g = randn(&mut rng, lin.irreps_out().dim());
    let (mut gx, mut gw) = (vec![0.0; x.len()], vec![0.0; w.len()]);
    lin.backward_input(&w, &g, &mut gx);
    lin.backward_weights(&x, &g, &mut gw);
    let loss = |w: &[f64], x: &[f64]| {
        let mut out = vec![0.0; lin.irreps_out().dim()];
        lin.forward(w, x, &mut out);
        out.iter().zip(&g).map(|(a, b)| a * b).sum::<f64>()
    };
    let h = 1e-5;
    for i in 0..x.len() {
        let (mut xp, mut xm) = (x.clone(), x.clone());
        xp[i] += h;
        xm[i] -= h;
        let fd = (loss(&w, &xp) - loss(&w, &xm)) / (2.0 * h);
        assert!(
            (fd - gx[i]).abs() < 1e-8 * (1.0 + fd.abs()),
            "x[{i}]: {fd} vs {}",
            gx[i]
        );
    }
    for i in 0..w.len() {
        let (mut wp, mut wm) = (w.clone(), w.clone());
        wp[i] += h;
        wm[i] -= h;
        let fd = (loss(&wp, &x) - loss(&wm, &x)) / (2.0 * h);
        assert!(
            (fd - gw[i]).abs() < 1e-8 * (1.0 + fd.abs()),
            "w[{i}]: {fd} vs {}",
            gw[i]
        );
    }
}

#[test]
fn tensor_product_gradients_match_central_differences() {
    let mut rng = SplitMix64::new(8);
    for tp in test_tps() {
        let w = randn(&mut rng, tp.weight_numel());
        let x1 = randn(&mut rng, tp.irreps_in1().dim());
        let x2 = randn(&mut rng, tp.irreps_in2().dim());
        let g = randn(&mut rng, tp.irreps_out().dim());
        let (mut g1, mut g2, mut gw) =
            (vec![0.0; x1.len()], vec![0.0; x2.len()], vec![0.0; w.len()]);
        tp.backward(&x1, &x2, &w, &g, &mut g1, &mut g2);
        tp.backward_weights(&x1, &x2, &g, &mut gw);
        let mut out = vec![0.0; tp.irreps_out().dim()];
        let mut loss = |x1: &[f64], x2: &[f64], w: &[f64]| {
            tp.forward(x1, x2, w, &mut out);
            out.iter().zip(&g).map(|(a, b)| a * b).sum::<f64>()
        };
        let h = 1e-5;
        let mut worst: f64 = 0.0;
        // The map is linear in each argument separately, so central differences are exact up to
        // rounding (~1e-16 / h).
        for which in 0..3 {
            let (base, grad) = match which {
                0 => (&x1, &g1),
                1 => (&x2, &g2),
                _ => (&w, &gw),
            };
            for i in 0..base.len() {
                let (mut p, mut m) = (base.clone(), base.clone());
                p[i] += h;
                m[i] -= h;
                let (lp, lm) = match which {
                    0 => (loss(&p, &x2, &w), loss(&m, &x2, &w)),
                    1 => (loss(&x1, &p, &w), loss(&x1, &m, &w)),
                    _ => (loss(&x1, &x2, &p), loss(&x1, &x2, &m)),
                };
                let fd = (lp - lm) / (2.0 * h);
                let err = (fd - grad[i]).abs() / (1.0 + fd.abs());
                worst = worst.max(err);
                assert!(
                    err < 1e-8,
                    "TP {} x {} -> {}: argument {which}, component {i}: fd {fd} vs {}",
                    tp.irreps_in1(),
                    tp.irreps_in2(),
                    tp.irreps_out(),
                    grad[i]
                );
            }
        }
        eprintln!(
            "TP {} x {} -> {}: worst gradient error vs central differences {worst:e}",
            tp.irreps_in1(),
            tp.irreps_in2(),
            tp.irreps_out()
        );
    }
}

#[test]
fn bad_instructions_are_errors_not_panics() {
    let (a, b, c) = (ir("2x0e+2x1o"), ir("1x1o"), ir("2x1o+3x0e+2x2o"));
    let try_one = |ins: Instruction| {
        TensorProduct::new(
            &a,
            &b,
            &c,
            vec![ins],
            IrrepNormalization::Component,
            PathNormalization::Element,
        )
    };
    // out of range, parity violated (1o x 1o -> 2o), triangle violated (0e x 1o -> 2o... parity
    // also), uvu with mul1 != mul_out, uvw without weights.
    for ins in [
        Instruction::new(5, 0, 0, Mode::Uvw, true),
        Instruction::new(1, 0, 2, Mode::Uvw, true),
        Instruction::new(0, 0, 2, Mode::Uvw, true),
        Instruction::new(1, 0, 1, Mode::Uvu, true),
        Instruction::new(0, 0, 0, Mode::Uvw, false),
        Instruction {
            path_weight: -1.0,
            ..Instruction::new(0, 0, 0, Mode::Uvw, true)
        },
    ] {
        let e = try_one(ins).expect_err("invalid instruction must be rejected");
        assert!(e.to_string().starts_with("instructions"), "{e}");
    }
    assert!("uvu<v".parse::<Mode>().is_err());
    assert!("xyz".parse::<Mode>().is_err());
    let e = Linear::with_instructions(&ir("2x0e"), &ir("2x1o"), &[(0, 0)]).unwrap_err();
    assert!(e.to_string().contains("equal irreps"), "{e}");
}

#[test]
fn zero_multiplicities_and_unreached_outputs() {
    // A 0x block in any argument gives an empty path; an output nothing reaches stays 0 (e3nn's
    // output_mask); a wrong slice length leaves `out` untouched in release builds (debug: assert).
    let tp = TensorProduct::fully_connected(&ir("0x0e+2x1o"), &ir("1x1o"), &ir("2x0e+1x0o+0x1e"))
        .unwrap();
    assert_eq!(tp.weight_numel(), 2 * 2);
    let mut out = vec![f64::NAN; tp.irreps_out().dim()];
    tp.forward(&[1.0; 6], &[1.0, 2.0, 3.0], &[1.0; 4], &mut out);
    assert_eq!(out[2], 0.0, "0o is not in 1o x 1o");
    assert!(out.iter().all(|x| x.is_finite()));
    let lin = Linear::new(&ir("0x0e+2x1o"), &ir("3x0e+1x1o")).unwrap();
    assert_eq!(lin.weight_numel(), 2);
    let mut out = vec![f64::NAN; lin.irreps_out().dim()];
    lin.forward(&[1.0, 1.0], &[1.0; 6], &mut out);
    assert_eq!(&out[..3], &[0.0; 3]);
}
