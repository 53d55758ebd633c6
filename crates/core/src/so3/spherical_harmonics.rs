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

/// torch `F.normalize` clamps the norm from below by this value.
const NORMALIZE_EPS: f64 = 1e-12;
const NL: usize = LMAX_SUPPORTED + 1;
const NQ: usize = (LMAX_SUPPORTED + 1) * (LMAX_SUPPORTED + 2) / 2;

#[inline(always)]
fn tri(l: usize, m: usize) -> usize {
    l * (l + 1) / 2 + m
}

/// Prefactors and recursion coefficients, fixed-size so that the kernels index without bounds checks.
#[derive(Clone, Debug)]
struct Tables {
    /// `N_l √((l-m)!/(l+m)!) (√2 if m > 0)` at `tri(l, m)`.
    pre: [f64; NQ],
    /// `(2l-1)/(l-m)` at `tri(l, m)`, for `l > m`.
    a: [f64; NQ],
    /// `(l+m-1)/(l-m)` at `tri(l, m)`, for `l > m`.
    b: [f64; NQ],
    /// `(2m-1)!!`, the seed `Q^m_m`.
    qmm: [f64; NL],
    /// `m` and `l` as floats.
    fm: [f64; NL],
}

impl Tables {
    fn new(normalization: Normalization) -> Tables {
        let mut t = Tables {
            pre: [0.0; NQ],
            a: [0.0; NQ],
            b: [0.0; NQ],
            qmm: [1.0; NL],
            fm: [0.0; NL],
        };
        for m in 0..NL {
            t.fm[m] = m as f64;
            if m > 0 {
                t.qmm[m] = t.qmm[m - 1] * (2 * m - 1) as f64;
            }
        }
        for l in 0..NL {
            let nl = match normalization {
                Normalization::Norm => 1.0,
                Normalization::Component => ((2 * l + 1) as f64).sqrt(),
                Normalization::Integral => {
                    ((2 * l + 1) as f64 / (4.0 * std::f64::consts::PI)).sqrt()
                }
            };
            for m in 0..=l {
                // (l-m)!/(l+m)! as a product of small factors: no overflow.
                let mut ratio = 1.0;
                for k in (l - m + 1)..=(l + m) {
                    ratio /= k as f64;
                }
                let s2 = if m > 0 { std::f64::consts::SQRT_2 } else { 1.0 };
                t.pre[tri(l, m)] = nl * ratio.sqrt() * s2;
                if l > m {
                    t.a[tri(l, m)] = (2 * l - 1) as f64 / (l - m) as f64;
                    t.b[tri(l, m)] = (l + m - 1) as f64 / (l - m) as f64;
                }
            }
        }
        t
    }
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

/// `c_m + i s_m = (X + iY)^m` for m = 0..=lmax.
#[inline(always)]
fn powers<const N: usize>(lmax: usize, x: f64, y: f64) -> ([f64; N], [f64; N]) {
    let mut c = [0.0; N];
    let mut s = [0.0; N];
    c[0] = 1.0;
    for m in 1..=lmax {
        c[m] = x * c[m - 1] - y * s[m - 1];
        s[m] = x * s[m - 1] + y * c[m - 1];
    }
    (c, s)
}

/// Solid harmonics `N_lm Q^m_l c_m` / `s_m` at the standard-frame point (x, y, z) with `r2 = x²+y²+z²`.
#[inline(always)]
fn solid_values<const N: usize>(
    lmax: usize,
    t: &Tables,
    x: f64,
    y: f64,
    z: f64,
    r2: f64,
    out: &mut [f64],
) {
    let out = &mut out[..(lmax + 1) * (lmax + 1)];
    let (c, s) = powers::<N>(lmax, x, y);
    for m in 0..=lmax {
        let mut q2 = 0.0;
        let mut q1 = t.qmm[m];
        let p = t.pre[tri(m, m)] * q1;
        let k0 = m * m + m;
        if m == 0 {
            out[k0] = p;
        } else {
            out[k0 + m] = p * c[m];
            out[k0 - m] = p * s[m];
        }
        for l in (m + 1)..=lmax {
            let i = tri(l, m);
            let q = t.a[i] * z * q1 - t.b[i] * r2 * q2;
            q2 = q1;
            q1 = q;
            let p = t.pre[i] * q;
            let k0 = l * l + l;
            if m == 0 {
                out[k0] = p;
            } else {
                out[k0 + m] = p * c[m];
                out[k0 - m] = p * s[m];
            }
        }
    }
}

/// Values and gradients of the solid harmonics. Gradients are written in e3nn's axis order:
/// `[∂/∂x_e3nn, ∂/∂y_e3nn, ∂/∂z_e3nn] = [∂_Y, ∂_Z, ∂_X]` of the standard frame.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
// Loops run over (l, m) and index several arrays (Q columns, c, s, tables, output) at once.
#[allow(clippy::needless_range_loop)]
fn solid_values_grad<const N: usize>(
    lmax: usize,
    t: &Tables,
    x: f64,
    y: f64,
    z: f64,
    r2: f64,
    out: &mut [f64],
    grad: &mut [[f64; 3]],
) {
    let n = (lmax + 1) * (lmax + 1);
    let out = &mut out[..n];
    let grad = &mut grad[..n];
    let (c, s) = powers::<N>(lmax, x, y);
    // Columns of Q: `qc[l] = Q^m_l`, `qp[l] = Q^{m+1}_l`; m runs downwards.
    let mut qp = [0.0; N];
    let mut qc = [0.0; N];
    for m in (0..=lmax).rev() {
        let mut q2 = 0.0;
        let mut q1 = t.qmm[m];
        qc[m] = q1;
        for l in (m + 1)..=lmax {
            let i = tri(l, m);
            let q = t.a[i] * z * q1 - t.b[i] * r2 * q2;
            q2 = q1;
            q1 = q;
            qc[l] = q;
        }
        let fm = t.fm[m];
        for l in m..=lmax {
            let p = t.pre[tri(l, m)];
            let q = qc[l];
            let qup = if l >= m + 2 { qp[l - 1] } else { 0.0 }; // Q^{m+1}_{l-1}
            let qdn = if l > m { qc[l - 1] } else { 0.0 }; // Q^m_{l-1}
            let lpm = t.fm[l] + fm;
            let k0 = l * l + l;
            if m == 0 {
                out[k0] = p * q;
                grad[k0] = [-y * p * qup, p * lpm * qdn, -x * p * qup];
            } else {
                let (cm, sm, cm1, sm1) = (c[m], s[m], c[m - 1], s[m - 1]);
                out[k0 + m] = p * q * cm;
                out[k0 - m] = p * q * sm;
                let gx_c = p * (-x * qup * cm + fm * q * cm1);
                let gy_c = p * (-y * qup * cm - fm * q * sm1);
                let gz_c = p * lpm * qdn * cm;
                let gx_s = p * (-x * qup * sm + fm * q * sm1);
                let gy_s = p * (-y * qup * sm + fm * q * cm1);
                let gz_s = p * lpm * qdn * sm;
                grad[k0 + m] = [gy_c, gz_c, gx_c];
                grad[k0 - m] = [gy_s, gz_s, gx_s];
            }
        }
        qp = qc;
    }
}

/// One vector: e3nn `(x, y, z)` → standard frame `(X, Y, Z) = (z, x, y)`, optional normalisation.
#[inline(always)]
fn eval_one<const N: usize>(
    lmax: usize,
    t: &Tables,
    v: [f64; 3],
    normalize: bool,
    out: &mut [f64],
) {
    if normalize {
        let n = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
        let inv = 1.0 / n.max(NORMALIZE_EPS);
        let u = [v[0] * inv, v[1] * inv, v[2] * inv];
        let r2 = u[0] * u[0] + u[1] * u[1] + u[2] * u[2];
        solid_values::<N>(lmax, t, u[2], u[0], u[1], r2, out);
    } else {
        let r2 = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
        solid_values::<N>(lmax, t, v[2], v[0], v[1], r2, out);
    }
}

#[inline(always)]
fn eval_one_grad<const N: usize>(
    lmax: usize,
    t: &Tables,
    v: [f64; 3],
    normalize: bool,
    out: &mut [f64],
    grad: &mut [[f64; 3]],
) {
    if normalize {
        let n = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
        // Y(v) = S(v/|v|) = S(v)/|v|^l, so ∇Y = (∇S(u) - l S(u) u)/|v|. Below torch's eps the input is only
        // scaled (u = v/eps, not a unit vector) and ∇Y = ∇S(u)/eps.
        let (corr, inv) = if n >= NORMALIZE_EPS {
            (1.0, 1.0 / n)
        } else {
            (0.0, 1.0 / NORMALIZE_EPS)
        };
        let u = [v[0] * inv, v[1] * inv, v[2] * inv];
        let r2 = u[0] * u[0] + u[1] * u[1] + u[2] * u[2];
        solid_values_grad::<N>(lmax, t, u[2], u[0], u[1], r2, out, grad);
        for l in 0..=lmax {
            let cl = corr * t.fm[l];
            for k in l * l..(l + 1) * (l + 1) {
                let sv = cl * out[k];
                let g = &mut grad[k];
                g[0] = (g[0] - sv * u[0]) * inv;
                g[1] = (g[1] - sv * u[1]) * inv;
                g[2] = (g[2] - sv * u[2]) * inv;
            }
        }
    } else {
        let r2 = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
        solid_values_grad::<N>(lmax, t, v[2], v[0], v[1], r2, out, grad);
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
        eval_one::<NL>(lmax, static_tables(normalization), v, normalize, out);
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
        eval_one_grad::<NL>(lmax, static_tables(normalization), v, normalize, out, grad);
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

macro_rules! dispatch {
    ($lmax:expr, $f:ident, $($arg:expr),*) => {
        match $lmax {
            0 => $f::<0, 1>($($arg),*),
            1 => $f::<1, 2>($($arg),*),
            2 => $f::<2, 3>($($arg),*),
            3 => $f::<3, 4>($($arg),*),
            4 => $f::<4, 5>($($arg),*),
            5 => $f::<5, 6>($($arg),*),
            6 => $f::<6, 7>($($arg),*),
            7 => $f::<7, 8>($($arg),*),
            8 => $f::<8, 9>($($arg),*),
            _ => $f::<{ usize::MAX }, NL>($($arg),*),
        }
    };
}

/// `L == usize::MAX` means "not specialised": use the run-time `lmax`.
fn batch_values<const L: usize, const N: usize>(
    lmax: usize,
    t: &Tables,
    normalize: bool,
    xyz: &[[f64; 3]],
    out: &mut [f64],
) {
    let lm = if L == usize::MAX { lmax } else { L };
    let n = sh_len(lm);
    for (v, o) in xyz.iter().zip(out.chunks_exact_mut(n)) {
        eval_one::<N>(lm, t, *v, normalize, o);
    }
}

fn batch_grad<const L: usize, const N: usize>(
    lmax: usize,
    t: &Tables,
    normalize: bool,
    xyz: &[[f64; 3]],
    out: &mut [f64],
    grad: &mut [[f64; 3]],
) {
    let lm = if L == usize::MAX { lmax } else { L };
    let n = sh_len(lm);
    for ((v, o), g) in xyz
        .iter()
        .zip(out.chunks_exact_mut(n))
        .zip(grad.chunks_exact_mut(n))
    {
        eval_one_grad::<N>(lm, t, *v, normalize, o, g);
    }
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
            batch_values,
            self.lmax,
            &self.tables,
            self.normalize,
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
            batch_grad,
            self.lmax,
            &self.tables,
            self.normalize,
            xyz,
            out,
            grad
        )
    }
}
