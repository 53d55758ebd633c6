//! Wigner D matrices `D^l(R)` in e3nn's real basis: `Y^l(R v) = D^l(R) Y^l(v)` and `D^1(R) = R`.
//!
//! **Route.** `D^l` is built from `D^{l-1}` and `D^1 = R` by coupling with the real 3j tensor
//! `C = C^{l-1, 1, l}`: since `C` intertwines `D^{l-1} ⊗ D^1` with `D^l` and `Σ_{ij} C_{ijk} C_{ijk'} =
//! δ_{kk'}/(2l+1)`, `D^l = (2l+1) Cᵀ (D^{l-1} ⊗ R) C`. The overall sign of `C` cancels, every step is a
//! polynomial in the entries of `R` (no angles, no divisions, no gimbal lock), and `C` is sparse, so one
//! step costs `O(l²)`. e3nn computes the same matrices as `Z(α) J Z(β) J Z(γ)` from Euler angles
//! ([`wigner_d`] takes those angles and goes through [`angles_to_matrix`]).

use std::sync::OnceLock;

use nalgebra::DMatrix;

use super::rotation::{angles_to_matrix, Mat3};
use super::wigner_3j::so3_cg_unchecked;
use super::LMAX_SUPPORTED;

/// Non-zero entries `(i, j, √(2l+1) C_{ijk})` of `C^{l-1,1,l}` for each output index k.
type Coupling = Vec<Vec<(usize, usize, f64)>>;

fn coupling(l: usize) -> Coupling {
    let c = so3_cg_unchecked(l - 1, 1, l);
    let scale = ((2 * l + 1) as f64).sqrt();
    let [d1, d2, d3] = c.dims;
    let mut cols = vec![Vec::new(); d3];
    for i in 0..d1 {
        for j in 0..d2 {
            for (k, col) in cols.iter_mut().enumerate() {
                let v = c.get(i, j, k);
                if v.abs() > 1e-15 {
                    col.push((i, j, v * scale));
                }
            }
        }
    }
    cols
}

fn couplings() -> &'static [Coupling] {
    static C: OnceLock<Vec<Coupling>> = OnceLock::new();
    C.get_or_init(|| {
        (0..=LMAX_SUPPORTED)
            .map(|l| if l < 2 { Vec::new() } else { coupling(l) })
            .collect()
    })
}

/// One recursion step: `D^l` (row-major, `(2l+1)²`) from `D^{l-1}` and `R`.
fn step(l: usize, prev: &[f64], r: &Mat3, c: &Coupling) -> Vec<f64> {
    let dp = 2 * l - 1;
    let d = 2 * l + 1;
    let mut out = vec![0.0; d * d];
    let mut w = vec![0.0; dp * 3];
    for (kp, colp) in c.iter().enumerate() {
        // w_{ij} = Σ_{(i',j')} c' D^{l-1}_{ii'} R_{jj'}
        w.iter_mut().for_each(|x| *x = 0.0);
        for &(ip, jp, cp) in colp {
            for i in 0..dp {
                let di = cp * prev[i * dp + ip];
                for (j, rj) in r.iter().enumerate() {
                    w[i * 3 + j] += di * rj[jp];
                }
            }
        }
        for (k, col) in c.iter().enumerate() {
            out[k * d + kp] = col.iter().map(|&(i, j, cv)| cv * w[i * 3 + j]).sum();
        }
    }
    out
}

/// `D^0 ..= D^lmax` of the rotation `r` in e3nn's basis (one recursion serves them all). `lmax` is
/// clamped to [`LMAX_SUPPORTED`]; `r` must be a rotation (det +1) for the result to be a representation.
pub fn wigner_d_all(lmax: usize, r: &Mat3) -> Vec<DMatrix<f64>> {
    let lmax = lmax.min(LMAX_SUPPORTED);
    let cs = couplings();
    let mut out = Vec::with_capacity(lmax + 1);
    out.push(DMatrix::from_element(1, 1, 1.0));
    if lmax == 0 {
        return out;
    }
    let mut prev: Vec<f64> = r.iter().flatten().copied().collect();
    out.push(DMatrix::from_row_slice(3, 3, &prev));
    for (l, c) in cs.iter().enumerate().take(lmax + 1).skip(2) {
        prev = step(l, &prev, r, c);
        out.push(DMatrix::from_row_slice(2 * l + 1, 2 * l + 1, &prev));
    }
    out
}

/// `D^l(R)`, `(2l+1) × (2l+1)`, in e3nn's basis, so that `Y^l(R v) = D^l(R) Y^l(v)`; `D^1(R) = R`.
///
/// `r` must be a proper rotation (check with [`super::check_rotation`]); callers must check
/// `l <= LMAX_SUPPORTED` (debug-asserted; a release build returns an empty 0×0 matrix instead).
pub fn wigner_d_from_matrix(l: usize, r: &Mat3) -> DMatrix<f64> {
    debug_assert!(
        l <= LMAX_SUPPORTED,
        "wigner_d_from_matrix: l > LMAX_SUPPORTED"
    );
    if l > LMAX_SUPPORTED {
        return DMatrix::zeros(0, 0);
    }
    wigner_d_all(l, r)
        .pop()
        .unwrap_or_else(|| DMatrix::zeros(0, 0))
}

/// e3nn `o3.wigner_D(l, α, β, γ)`: `D^l` of `R_y(α) R_x(β) R_y(γ)`. Same preconditions as
/// [`wigner_d_from_matrix`].
pub fn wigner_d(l: usize, alpha: f64, beta: f64, gamma: f64) -> DMatrix<f64> {
    wigner_d_from_matrix(l, &angles_to_matrix(alpha, beta, gamma))
}
