//! Real spherical harmonics `Y^l_m` in e3nn 0.4.4's convention, with analytic gradients.
//!
//! **Convention.** Components are ordered `m = -l..=l`, block after block (`sh_index(l, m) = l² + l + m`).
//! e3nn's polar axis is **y**: its `Y^l(x, y, z)` equals the standard real spherical harmonic (z polar, no
//! Condon–Shortley phase, `m < 0` ↔ `sin(|m|φ)`, `m > 0` ↔ `cos(mφ)`) evaluated at the cyclically
//! permuted point `(X, Y, Z) = (z, x, y)`. So the `l = 1` block is `(x, y, z)` (up to normalisation) and
//! `Y^l(R v) = D^l(R) Y^l(v)` with `D^1 = R`.
//!
//! **Normalisations** (e3nn `normalization=`): `Norm` gives `Σ_m Y^l_m(v̂)² = 1`; `Component` multiplies by
//! `√(2l+1)` (each component has unit mean square); `Integral` by `√((2l+1)/4π)` (orthonormal on the
//! sphere). **`normalize`**: `true` evaluates at `v / max(|v|, 1e-12)` exactly like e3nn (torch
//! `F.normalize`; the zero vector gives `Y^0` only); `false` evaluates the homogeneous polynomial
//! `|v|^l Y^l(v̂)`.
//!
//! **Algorithm** (the Cartesian recursion of sphericart; Bigi et al., J. Chem. Phys. 159, 064802 (2023)):
//! with `c_m + i s_m = (X + iY)^m` and `Q^m_l(X, Y, Z)` the polynomials
//! `r^l P^m_l(Z/r) = ρ^m Q^m_l` (ρ² = X² + Y²), `Q^m_m = (2m-1)!!` and
//! `Q^m_l = ((2l-1) Z Q^m_{l-1} - (l+m-1) r² Q^m_{l-2}) / (l-m)`; the solid harmonic is
//! `N_lm Q^m_l c_m` (or `s_m`). Nothing divides by ρ, so the poles and tiny vectors are as accurate as
//! anywhere else. Gradients use `∂_X Q^m_l = -X Q^{m+1}_{l-1}`, `∂_Y Q^m_l = -Y Q^{m+1}_{l-1}`,
//! `∂_Z Q^m_l = (l+m) Q^m_{l-1}` and `∂_X c_m = m c_{m-1}`, `∂_Y c_m = -m s_{m-1}`, `∂_X s_m = m s_{m-1}`,
//! `∂_Y s_m = m c_{m-1}`.

use super::error::So3Error;
use super::sh_kernels::{self, batch_grad, Tables, NL};
use super::LMAX_SUPPORTED;

/// How each `l` block is scaled (e3nn `normalization=`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Normalization {
    /// Orthonormal on the unit sphere: `∫ Y^l_m Y^l'_m' dΩ = δ δ`.
    #[default]
    Integral,
    /// `Σ_m Y^l_m(v̂)² = 2l + 1`: every component has unit mean square (mace-torch's choice).
    Component,
    /// `Σ_m Y^l_m(v̂)² = 1`.
    Norm,
}

impl std::str::FromStr for Normalization {
    type Err = So3Error;
    fn from_str(s: &str) -> Result<Self, So3Error> {
        match s.trim() {
            "integral" => Ok(Normalization::Integral),
            "component" => Ok(Normalization::Component),
            "norm" => Ok(Normalization::Norm),
            other => Err(So3Error::UnknownNormalization(other.to_string())),
        }
    }
}

impl std::fmt::Display for Normalization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Normalization::Integral => "integral",
            Normalization::Component => "component",
            Normalization::Norm => "norm",
        })
    }
}

/// Number of components for degrees `0..=lmax`: `(lmax + 1)²`.
pub fn sh_len(lmax: usize) -> usize {
    (lmax + 1) * (lmax + 1)
}

/// Position of `(l, m)` in the concatenated e3nn layout: `l² + l + m`. Requires `|m| <= l`.
pub fn sh_index(l: usize, m: i64) -> usize {
    debug_assert!(m.unsigned_abs() as usize <= l, "sh_index: |m| > l");
    (l * l + l).wrapping_add_signed(m as isize)
}

fn static_tables(normalization: Normalization) -> &'static Tables {
    static TABLES: std::sync::OnceLock<[Tables; 3]> = std::sync::OnceLock::new();
    let all = TABLES.get_or_init(|| {
        [
            Tables::new(Normalization::Integral),
            Tables::new(Normalization::Component),
            Tables::new(Normalization::Norm),
        ]
    });
    match normalization {
        Normalization::Integral => &all[0],
        Normalization::Component => &all[1],
        Normalization::Norm => &all[2],
    }
}

fn lengths_ok(lmax: usize, n: usize, out: usize, grad: Option<usize>) -> bool {
    let len = sh_len(lmax) * n;
    lmax <= LMAX_SUPPORTED && out >= len && grad.is_none_or(|g| g >= len)
}

/// Real spherical harmonics of degrees `0..=lmax` at `v`, e3nn order and axis convention (y is the polar
/// axis; the `l = 1` block is proportional to `(x, y, z)`), written to `out[..(lmax+1)²]`.
///
/// Callers must check `lmax <= LMAX_SUPPORTED` and `out.len() >= sh_len(lmax)` (debug-asserted; in a
/// release build a violation leaves `out` untouched rather than panicking).
pub fn spherical_harmonics(
    lmax: usize,
    v: [f64; 3],
    normalization: Normalization,
    normalize: bool,
    out: &mut [f64],
) {
    let ok = lengths_ok(lmax, 1, out.len(), None);
    debug_assert!(
        ok,
        "spherical_harmonics: lmax > LMAX_SUPPORTED or `out` too short"
    );
    if ok {
        sh_kernels::one_values(lmax, static_tables(normalization), v, normalize, out);
    }
}

/// [`spherical_harmonics`] and its gradient: `grad[k] = ∂Y_k/∂v` (analytic, e3nn axis order).
/// Same preconditions, plus `grad.len() >= sh_len(lmax)`.
pub fn spherical_harmonics_with_grad(
    lmax: usize,
    v: [f64; 3],
    normalization: Normalization,
    normalize: bool,
    out: &mut [f64],
    grad: &mut [[f64; 3]],
) {
    let ok = lengths_ok(lmax, 1, out.len(), Some(grad.len()));
    debug_assert!(
        ok,
        "spherical_harmonics_with_grad: lmax > LMAX_SUPPORTED or a buffer too short"
    );
    if ok {
        sh_kernels::one_grad(lmax, static_tables(normalization), v, normalize, out, grad);
    }
}

/// Batch evaluator of the spherical harmonics: owns its tables, allocates nothing per call, and has a
/// kernel specialised (fully unrolled) for each `lmax <= 8`.
#[derive(Clone, Debug)]
pub struct ShCalculator {
    lmax: usize,
    normalize: bool,
    normalization: Normalization,
    tables: Box<Tables>,
}

/// Calls `$f::<L, N, NORMALIZE>` with a compile-time `L = lmax` for `lmax <= 8` (`N = L + 1`), else
/// with `L = usize::MAX` (run-time `lmax`), so that the branch on `lmax` and `normalize` is taken once
/// per batch rather than once per vector.
macro_rules! dispatch {
    ($lmax:expr, $normalize:expr, $f:ident, $($arg:expr),*) => {
        match ($lmax, $normalize) {
            (0, true) => $f::<0, 1, true>($($arg),*),
            (1, true) => $f::<1, 2, true>($($arg),*),
            (2, true) => $f::<2, 3, true>($($arg),*),
            (3, true) => $f::<3, 4, true>($($arg),*),
            (4, true) => $f::<4, 5, true>($($arg),*),
            (5, true) => $f::<5, 6, true>($($arg),*),
            (6, true) => $f::<6, 7, true>($($arg),*),
            (7, true) => $f::<7, 8, true>($($arg),*),
            (8, true) => $f::<8, 9, true>($($arg),*),
            (_, true) => $f::<{ usize::MAX }, NL, true>($($arg),*),
            (0, false) => $f::<0, 1, false>($($arg),*),
            (1, false) => $f::<1, 2, false>($($arg),*),
            (2, false) => $f::<2, 3, false>($($arg),*),
            (3, false) => $f::<3, 4, false>($($arg),*),
            (4, false) => $f::<4, 5, false>($($arg),*),
            (5, false) => $f::<5, 6, false>($($arg),*),
            (6, false) => $f::<6, 7, false>($($arg),*),
            (7, false) => $f::<7, 8, false>($($arg),*),
            (8, false) => $f::<8, 9, false>($($arg),*),
            (_, false) => $f::<{ usize::MAX }, NL, false>($($arg),*),
        }
    };
}

/// [`sh_kernels::batch_values`] with the unused column size `N` of the dispatch.
fn batch_values<const L: usize, const N: usize, const NORMALIZE: bool>(
    lmax: usize,
    t: &Tables,
    xyz: &[[f64; 3]],
    out: &mut [f64],
) {
    sh_kernels::batch_values::<L, NORMALIZE>(lmax, t, xyz, out)
}

impl ShCalculator {
    /// A calculator for degrees `0..=lmax` (clamped to [`LMAX_SUPPORTED`]; check before calling).
    pub fn new(lmax: usize, normalization: Normalization, normalize: bool) -> Self {
        debug_assert!(
            lmax <= LMAX_SUPPORTED,
            "ShCalculator::new: lmax > LMAX_SUPPORTED"
        );
        ShCalculator {
            lmax: lmax.min(LMAX_SUPPORTED),
            normalize,
            normalization,
            tables: Box::new(Tables::new(normalization)),
        }
    }

    /// The largest degree computed.
    pub fn lmax(&self) -> usize {
        self.lmax
    }

    /// The normalisation of the output.
    pub fn normalization(&self) -> Normalization {
        self.normalization
    }

    /// Components per vector, `(lmax + 1)²`.
    pub fn len(&self) -> usize {
        sh_len(self.lmax)
    }

    /// Always false (there is at least `Y^0`); present because `len` is.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Harmonics of every vector, row after row: `out[i * len + k]`. `out.len()` must be at least
    /// `xyz.len() * len` (debug-asserted; otherwise only the rows that fit are written).
    pub fn compute(&mut self, xyz: &[[f64; 3]], out: &mut [f64]) {
        debug_assert!(
            lengths_ok(self.lmax, xyz.len(), out.len(), None),
            "ShCalculator::compute: `out` too short"
        );
        dispatch!(
            self.lmax,
            self.normalize,
            batch_values,
            self.lmax,
            &self.tables,
            xyz,
            out
        )
    }

    /// Harmonics and gradients (`grad[i * len + k] = ∂Y_k/∂v_i`).
    pub fn compute_with_grad(&mut self, xyz: &[[f64; 3]], out: &mut [f64], grad: &mut [[f64; 3]]) {
        debug_assert!(
            lengths_ok(self.lmax, xyz.len(), out.len(), Some(grad.len())),
            "ShCalculator::compute_with_grad: a buffer is too short"
        );
        dispatch!(
            self.lmax,
            self.normalize,
            batch_grad,
            self.lmax,
            &self.tables,
            xyz,
            out,
            grad
        )
    }
}
