//! How an element of O(3) acts on a feature vector: `x ↦ D(g) x`, the right-hand side of every
//! equivariance check `f(g·x) = D(g) f(x)` (e3nn `Irreps.D_from_matrix`, applied without forming the
//! block-diagonal matrix).
//!
//! `g` is a rotation `R`, optionally followed by the inversion `P = −I`. Block `i` of the feature
//! vector (`mul_i` copies of `l_i`, multiplicity-major, see [`crate::nn`]) transforms copy by copy
//! with the Wigner matrix `D^{l_i}(R)` ([`crate::so3::wigner_d_all`], e3nn's real basis, where
//! `D^1(R) = R`), times the parity sign `p_i = ±1` of the irrep if `g` includes the inversion. So a
//! `1o` block turns like a position and flips under inversion, a `1e` block (a pseudovector such as a
//! cross product) turns but does not flip.

use nalgebra::DMatrix;

use super::error::NnError;
use crate::so3::Irreps;

/// `out = D(g) x` for `g` = (rotation with Wigner matrices `ds`, then the inversion if `invert`) on
/// a feature vector with layout `irreps`. `ds[l]` must hold `D^l(R)` for every `l` in `irreps`
/// (`so3::wigner_d_all(irreps.lmax(), &r)`). Errors (naming the argument) when `ds` is too short or a
/// length does not match `irreps.dim()`; `out` is then left untouched. Allocates nothing.
pub fn apply_o3(
    irreps: &Irreps,
    ds: &[DMatrix<f64>],
    invert: bool,
    x: &[f64],
    out: &mut [f64],
) -> Result<(), NnError> {
    let dim = irreps.dim();
    if x.len() != dim || out.len() != dim {
        return Err(NnError::Argument {
            name: "x",
            reason: format!(
                "{irreps} has dimension {dim}, but x has {} and out {} entries",
                x.len(),
                out.len()
            ),
        });
    }
    if let Some(t) = irreps.0.iter().find(|t| {
        ds.get(t.ir.l)
            .is_none_or(|d| d.nrows() != t.ir.dim() || d.ncols() != t.ir.dim())
    }) {
        return Err(NnError::Argument {
            name: "ds",
            reason: format!(
                "no {}×{} Wigner matrix for l = {} (got {} matrices)",
                t.ir.dim(),
                t.ir.dim(),
                t.ir.l,
                ds.len()
            ),
        });
    }
    let mut off = 0;
    for t in &irreps.0 {
        let d = t.ir.dim();
        let dl = &ds[t.ir.l];
        let s = if invert { t.ir.p.sign() as f64 } else { 1.0 };
        for _ in 0..t.mul {
            let (xi, oi) = (&x[off..off + d], &mut out[off..off + d]);
            for (i, o) in oi.iter_mut().enumerate() {
                *o = s * (0..d).map(|j| dl[(i, j)] * xi[j]).sum::<f64>();
            }
            off += d;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::TensorProduct;
    use crate::so3::{
        apply, random_rotation, spherical_harmonics, wigner_d_all, Normalization, SplitMix64,
    };

    fn ir(s: &str) -> Irreps {
        s.parse().unwrap()
    }

    fn max_diff(a: &[f64], b: &[f64]) -> f64 {
        a.iter()
            .zip(b)
            .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()))
    }

    #[test]
    fn vectors_turn_like_positions_and_parity_signs_apply() {
        let mut rng = SplitMix64::new(7);
        let r = random_rotation(&mut rng);
        let ds = wigner_d_all(1, &r);
        let irreps = ir("1x0o+2x1o+1x1e");
        let x = [0.5, 1.0, 2.0, 3.0, -1.0, 0.25, 4.0, 0.3, -0.7, 1.1];
        let mut out = [0.0; 10];
        apply_o3(&irreps, &ds, true, &x, &mut out).unwrap();
        assert!((out[0] + 0.5).abs() < 1e-15, "0o flips");
        for (k, sign) in [(1, -1.0), (4, -1.0), (7, 1.0)] {
            let v = apply(&r, [x[k], x[k + 1], x[k + 2]]);
            for c in 0..3 {
                assert!((out[k + c] - sign * v[c]).abs() < 1e-14, "block at {k}");
            }
        }
    }

    #[test]
    fn spherical_harmonics_transform_with_d() {
        let mut rng = SplitMix64::new(11);
        let r = random_rotation(&mut rng);
        let lmax = 4;
        let ds = wigner_d_all(lmax, &r);
        let v = [0.3, -0.8, 0.5];
        let (mut y, mut yr, mut dy) = (vec![0.0; 25], vec![0.0; 25], vec![0.0; 25]);
        spherical_harmonics(lmax, v, Normalization::Component, true, &mut y);
        spherical_harmonics(lmax, apply(&r, v), Normalization::Component, true, &mut yr);
        apply_o3(&Irreps::spherical_harmonics(lmax), &ds, false, &y, &mut dy).unwrap();
        assert!(max_diff(&yr, &dy) < 1e-13);
        // Y(−v) = parity · Y(v): the inversion acts on the SH irreps with their parities
        let mut ym = vec![0.0; 25];
        spherical_harmonics(
            lmax,
            [-v[0], -v[1], -v[2]],
            Normalization::Component,
            true,
            &mut ym,
        );
        let id = wigner_d_all(lmax, &crate::so3::IDENTITY);
        apply_o3(&Irreps::spherical_harmonics(lmax), &id, true, &y, &mut dy).unwrap();
        assert!(max_diff(&ym, &dy) < 1e-13);
    }

    #[test]
    fn full_tensor_product_of_two_vectors_is_equivariant() {
        let tp = TensorProduct::full(&ir("1x1o"), &ir("1x1o")).unwrap();
        let mut rng = SplitMix64::new(3);
        let (a, b) = ([0.2, 0.9, -0.4], [-0.6, 0.1, 0.7]);
        let mut f = [0.0; 9];
        tp.forward(&a, &b, &[], &mut f);
        for invert in [false, true] {
            let r = random_rotation(&mut rng);
            let ds = wigner_d_all(2, &r);
            let s = if invert { -1.0 } else { 1.0 };
            let (ra, rb) = (apply(&r, a).map(|c| s * c), apply(&r, b).map(|c| s * c));
            let (mut f_g, mut g_f) = ([0.0; 9], [0.0; 9]);
            tp.forward(&ra, &rb, &[], &mut f_g);
            apply_o3(tp.irreps_out(), &ds, invert, &f, &mut g_f).unwrap();
            assert!(max_diff(&f_g, &g_f) < 1e-14, "invert = {invert}");
        }
    }

    #[test]
    fn bad_lengths_and_missing_matrices_are_errors() {
        let ds = wigner_d_all(1, &crate::so3::IDENTITY);
        let mut out = [0.0; 5];
        let e = apply_o3(&ir("1x2e"), &ds, false, &[0.0; 5], &mut out).unwrap_err();
        assert!(e.to_string().starts_with("ds:"), "{e}");
        let e = apply_o3(&ir("1x1o"), &ds, false, &[0.0; 5], &mut out).unwrap_err();
        assert!(e.to_string().starts_with("x:"), "{e}");
    }
}
