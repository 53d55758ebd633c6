//! The inner loops of the spherical harmonics (values, and values with gradients), shared by the
//! single-vector functions and the batch [`ShCalculator`](super::ShCalculator).
//!
//! **Why this shape.** A batch of 100,000 vectors at `lmax = 3` must cost a few nanoseconds per vector
//! (sphericart's single-threaded speed), so:
//! - the normalisation `N_l √((l-m)!/(l+m)!)` is folded into the recursion coefficients (sphericart's
//!   trick): the kernels carry `P^m_l = pre_lm Q^m_l` directly and never multiply by a prefactor;
//! - every quantity is an array of `W` lanes, one lane per vector, so that the compiler emits packed
//!   (SIMD) arithmetic for `W` vectors at once (the batch values up to `lmax = 4` run pairs, everything
//!   else one vector per call); each lane is computed with exactly the same IEEE operations in the
//!   same order, so `W = 1` and `W = 2` agree **bit for bit** and a batch equals single evaluations;
//! - the degree loop is bounded by a compile-time `L` in the batch paths (the caller dispatches on
//!   `lmax` once, outside the loop over vectors), so it unrolls into straight-line code with constant
//!   indices, and results are written directly into the caller's rows.
//!
//! **Recursion** (see the module docs of `spherical_harmonics.rs` for `Q^m_l`, `c_m`, `s_m`):
//! `P^m_m = pre_mm (2m-1)!!`, `P^m_l = A_lm Z P^m_{l-1} - B_lm r² P^m_{l-2}` with
//! `A_lm = (2l-1)/(l-m) · pre_lm/pre_{l-1,m}` and `B_lm = (l+m-1)/(l-m) · pre_lm/pre_{l-2,m}`;
//! the harmonics are `P^m_l c_m` (m > 0), `P^m_l s_m` (m < 0 ↔ |m|) and `P^0_l`.
//! **Gradients**: with `U = pre_lm Q^{m+1}_{l-1} = G_lm P^{m+1}_{l-1}` and
//! `D = (l+m) pre_lm Q^m_{l-1} = H_lm P^m_{l-1}`:
//! `∂_X (P c_m) = m P c_{m-1} - X U c_m`, `∂_Y (P c_m) = -m P s_{m-1} - Y U c_m`, `∂_Z (P c_m) = D c_m`,
//! `∂_X (P s_m) = m P s_{m-1} - X U s_m`, `∂_Y (P s_m) = m P c_{m-1} - Y U s_m`, `∂_Z (P s_m) = D s_m`.

use super::spherical_harmonics::Normalization;
use super::LMAX_SUPPORTED;

/// torch `F.normalize` clamps the norm from below by this value.
const NORMALIZE_EPS: f64 = 1e-12;
/// Array length for degrees `0..=LMAX_SUPPORTED` (the run-time-`lmax` kernels).
pub(super) const NL: usize = LMAX_SUPPORTED + 1;
const NQ: usize = (LMAX_SUPPORTED + 1) * (LMAX_SUPPORTED + 2) / 2;

/// Position of `(l, m)`, `0 <= m <= l`, in the triangular tables.
#[inline(always)]
fn tri(l: usize, m: usize) -> usize {
    l * (l + 1) / 2 + m
}

/// Folded recursion and gradient coefficients, fixed-size so that constant indices need no bounds checks.
#[derive(Clone, Debug)]
pub(super) struct Tables {
    /// `P^m_m = pre_mm (2m-1)!!`.
    seed: [f64; NL],
    /// `P^m_{m+1} / Z = A_{m+1,m} P^m_m` (the first step of a column is a single product).
    fs: [f64; NL],
    /// `A_lm` at `tri(l, m)`, `l >= m + 2`.
    fa: [f64; NQ],
    /// `B_lm` at `tri(l, m)`, `l >= m + 2`.
    fb: [f64; NQ],
    /// `G_lm = pre_lm / pre_{l-1,m+1}` at `tri(l, m)`, `l >= m + 2`.
    gu: [f64; NQ],
    /// `H_lm = (l+m) pre_lm / pre_{l-1,m}` at `tri(l, m)`, `l > m`.
    gd: [f64; NQ],
    /// `m` (or `l`) as a float.
    fm: [f64; NL],
}

impl Tables {
    pub(super) fn new(normalization: Normalization) -> Tables {
        // pre_lm = N_l √((l-m)!/(l+m)!) (√2 if m > 0): the factor turning Q^m_l c_m into e3nn's Y^l_m.
        let mut pre = [0.0; NQ];
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
                pre[tri(l, m)] = nl * ratio.sqrt() * s2;
            }
        }
        let mut t = Tables {
            seed: [0.0; NL],
            fs: [0.0; NL],
            fa: [0.0; NQ],
            fb: [0.0; NQ],
            gu: [0.0; NQ],
            gd: [0.0; NQ],
            fm: [0.0; NL],
        };
        let mut dfact = 1.0; // (2m-1)!!
        for m in 0..NL {
            if m > 0 {
                dfact *= (2 * m - 1) as f64;
            }
            t.fm[m] = m as f64;
            t.seed[m] = pre[tri(m, m)] * dfact;
        }
        for l in 1..NL {
            for m in 0..l {
                let i = tri(l, m);
                let (lf, mf) = (l as f64, m as f64);
                t.fa[i] = (2.0 * lf - 1.0) / (lf - mf) * (pre[i] / pre[tri(l - 1, m)]);
                t.gd[i] = (lf + mf) * pre[i] / pre[tri(l - 1, m)];
                if l == m + 1 {
                    t.fs[m] = t.fa[i] * t.seed[m];
                }
                if l >= m + 2 {
                    t.fb[i] = (lf + mf - 1.0) / (lf - mf) * (pre[i] / pre[tri(l - 2, m)]);
                    t.gu[i] = pre[i] / pre[tri(l - 1, m + 1)];
                }
            }
        }
        t
    }
}

/// `W` lanes, one per vector.
type Lanes<const W: usize> = [f64; W];

#[inline(always)]
fn lanes<const W: usize>(f: impl FnMut(usize) -> f64) -> Lanes<W> {
    std::array::from_fn(f)
}

/// `W` vectors in the standard frame `(X, Y, Z) = (z, x, y)` of e3nn's `(x, y, z)`, after the optional
/// normalisation, with `r2 = X² + Y² + Z²` and the gradient chain-rule factors.
struct Points<const W: usize> {
    x: Lanes<W>,
    y: Lanes<W>,
    z: Lanes<W>,
    r2: Lanes<W>,
    /// `1/max(|v|, eps)`: `∇Y = ∇S(u) · inv - corr l S(u) u · inv`. Unused without normalisation.
    inv: Lanes<W>,
    /// `(X, Y, Z) · inv`, the last factor above.
    xs: Lanes<W>,
    ys: Lanes<W>,
    zs: Lanes<W>,
    /// 1 if `|v| >= eps` (then `u` is a unit vector and `Y = S(u)` depends on `|v|` only through `u`),
    /// 0 below torch's eps, where `u = v/eps` is merely scaled. Unused without normalisation.
    corr: Lanes<W>,
}

impl<const W: usize> Points<W> {
    /// e3nn `(x, y, z)` → standard frame; `normalize` evaluates at `v / max(|v|, 1e-12)` like torch's
    /// `F.normalize` (the zero vector stays zero, so only `Y^0` survives).
    #[inline(always)]
    fn new<const NORMALIZE: bool>(v: &[[f64; 3]; W]) -> Self {
        if NORMALIZE {
            let n: Lanes<W> =
                lanes(|w| (v[w][0] * v[w][0] + v[w][1] * v[w][1] + v[w][2] * v[w][2]).sqrt());
            let inv: Lanes<W> = lanes(|w| 1.0 / n[w].max(NORMALIZE_EPS));
            let corr = lanes(|w| if n[w] >= NORMALIZE_EPS { 1.0 } else { 0.0 });
            let u: [Lanes<W>; 3] = std::array::from_fn(|a| lanes(|w| v[w][a] * inv[w]));
            // |u|² = (|v| inv)²: 1 up to rounding, 0 for the zero vector, (|v|/eps)² below eps.
            let r2 = lanes(|w| (n[w] * inv[w]) * (n[w] * inv[w]));
            let us: [Lanes<W>; 3] = std::array::from_fn(|a| lanes(|w| u[a][w] * inv[w]));
            Points {
                x: u[2],
                y: u[0],
                z: u[1],
                r2,
                inv,
                xs: us[2],
                ys: us[0],
                zs: us[1],
                corr,
            }
        } else {
            let r2 = lanes(|w| v[w][0] * v[w][0] + v[w][1] * v[w][1] + v[w][2] * v[w][2]);
            Points {
                x: lanes(|w| v[w][2]),
                y: lanes(|w| v[w][0]),
                z: lanes(|w| v[w][1]),
                r2,
                inv: [1.0; W],
                xs: [0.0; W],
                ys: [0.0; W],
                zs: [0.0; W],
                corr: [0.0; W],
            }
        }
    }
}

/// `(c_m, s_m)` from `(c_{m-1}, s_{m-1})`: one step of `(X + iY)^m`, `m >= 1`.
#[inline(always)]
fn next_power<const W: usize>(
    m: usize,
    p: &Points<W>,
    c: &Lanes<W>,
    s: &Lanes<W>,
) -> (Lanes<W>, Lanes<W>) {
    if m == 1 {
        return (p.x, p.y);
    }
    (
        lanes(|w| p.x[w] * c[w] - p.y[w] * s[w]),
        lanes(|w| p.x[w] * s[w] + p.y[w] * c[w]),
    )
}

/// `P^m_l` from `P^m_{l-1}` (`q1`) and `P^m_{l-2}` (`q2`), `l > m`; for `l = m + 1` neither is read
/// (`P^m_{m+1} = A_{m+1,m} P^m_m Z` with the constant `P^m_m` folded in).
#[inline(always)]
fn next_p<const W: usize>(
    t: &Tables,
    l: usize,
    m: usize,
    p: &Points<W>,
    q1: &Lanes<W>,
    q2: &Lanes<W>,
) -> Lanes<W> {
    if l == m + 1 {
        let a = t.fs[m];
        lanes(|w| a * p.z[w])
    } else {
        let i = tri(l, m);
        let (a, b) = (t.fa[i], t.fb[i]);
        lanes(|w| a * p.z[w] * q1[w] - b * p.r2[w] * q2[w])
    }
}

/// Runs `$body` for every `0 <= $m <= $l` with `$m` taken from the first list (outer) and `$l` from the
/// second (inner), as literal constants: after inlining, every index and branch in the body is a
/// constant and the degree loops become straight-line code (LLVM does not fully unroll a loop nest
/// whose inner trip count depends on the outer index). The body guards `$l <= L` itself. The
/// one-list form runs `$body` for each `$m`.
macro_rules! unroll_lm {
    ($m:ident in [$($mv:literal)*] => $body:block) => {
        $( {
            let $m: usize = $mv;
            $body
        } )*
    };
    ($l:ident, $m:ident in [$($mv:literal)*] x $ls:tt => $body:block) => {
        $( unroll_lm!(@inner $l, $m, $mv, $ls, $body); )*
    };
    (@inner $l:ident, $m:ident, $mv:literal, [$($lv:literal)*], $body:block) => {
        $( {
            let $m: usize = $mv;
            let $l: usize = $lv;
            if $m <= $l $body
        } )*
    };
}

/// Largest `lmax` with a specialised (unrolled) kernel; must match the literal lists of `unroll_lm!`.
pub(super) const LMAX_UNROLLED: usize = 8;

/// Running state of [`values`] in column `m`: the powers `c_m`, `s_m` and `P^m_{l-1}`, `P^m_{l-2}`.
struct ValueState<const W: usize> {
    c: Lanes<W>,
    s: Lanes<W>,
    q1: Lanes<W>,
    q2: Lanes<W>,
}

/// One `(l, m)` of [`values`]; columns `m = 0, 1, …` in turn, `l` ascending within a column.
#[inline(always)]
fn value_step<const W: usize>(
    st: &mut ValueState<W>,
    t: &Tables,
    (l, m): (usize, usize),
    p: &Points<W>,
    out: &mut [f64],
    stride: usize,
) {
    if l == m {
        if m > 0 {
            (st.c, st.s) = next_power(m, p, &st.c, &st.s);
        }
        st.q2 = [0.0; W];
        st.q1 = [t.seed[m]; W];
    } else {
        let q = next_p(t, l, m, p, &st.q1, &st.q2);
        st.q2 = st.q1;
        st.q1 = q;
    }
    let k0 = l * l + l;
    for w in 0..W {
        let o = &mut out[w * stride..];
        if m == 0 {
            o[k0] = st.q1[w];
        } else {
            o[k0 + m] = st.q1[w] * st.c[w];
            o[k0 - m] = st.q1[w] * st.s[w];
        }
    }
}

/// Harmonics of degrees `0..=lmax` of `W` vectors; lane `w` goes to `out[w * stride..][..(lmax+1)²]`.
/// `L <= LMAX_UNROLLED` is the compile-time `lmax` (unrolled), `L == usize::MAX` the run-time one.
#[inline(always)]
fn values<const L: usize, const W: usize>(
    lmax: usize,
    t: &Tables,
    p: &Points<W>,
    out: &mut [f64],
    stride: usize,
) {
    const { assert!(L == usize::MAX || L <= LMAX_UNROLLED) };
    let mut st = ValueState {
        c: [1.0; W],
        s: [0.0; W],
        q1: [0.0; W],
        q2: [0.0; W],
    };
    if L == usize::MAX {
        for m in 0..=lmax {
            for l in m..=lmax {
                value_step(&mut st, t, (l, m), p, out, stride);
            }
        }
    } else {
        unroll_lm!(l, m in [0 1 2 3 4 5 6 7 8] x [0 1 2 3 4 5 6 7 8] => {
            if l <= L {
                value_step(&mut st, t, (l, m), p, out, stride);
            }
        });
    }
}

/// Running state of [`values_grad`]: all powers; the column `qc[l] = P^m_l`; and, for the gradient
/// terms, `qs[l] = P^m_l · inv` and `qsp[l] = P^{m+1}_l · inv` (scaled once per `(l, m)` so that the
/// chain rule of the normalisation costs no multiplication by `inv` per component).
struct GradState<const W: usize, const N: usize> {
    c: [Lanes<W>; N],
    s: [Lanes<W>; N],
    qc: [Lanes<W>; N],
    qs: [Lanes<W>; N],
    qsp: [Lanes<W>; N],
}

/// One `(l, m)` of [`values_grad`]; columns `m = lmax, lmax-1, …` in turn, `l` ascending within a
/// column. The values are computed by exactly the operations of [`value_step`] (bit-identical).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn grad_step<const W: usize, const N: usize, const NORMALIZE: bool>(
    st: &mut GradState<W, N>,
    t: &Tables,
    lmax: usize,
    (l, m): (usize, usize),
    p: &Points<W>,
    out: &mut [f64],
    grad: &mut [[f64; 3]],
    stride: usize,
) {
    if l == m {
        st.qc[m] = [t.seed[m]; W];
    } else {
        let q2 = if l == m + 1 { [0.0; W] } else { st.qc[l - 2] };
        st.qc[l] = next_p(t, l, m, p, &st.qc[l - 1], &q2);
    }
    let q = st.qc[l];
    st.qs[l] = if NORMALIZE {
        lanes(|w| q[w] * p.inv[w])
    } else {
        q
    };
    let i = tri(l, m);
    // U = pre_lm Q^{m+1}_{l-1} and D = (l+m) pre_lm Q^m_{l-1} (zero where those Q do not exist),
    // like every gradient term below already multiplied by `inv` when normalising.
    let u: Lanes<W> = if l >= m + 2 {
        let g = t.gu[i];
        lanes(|w| g * st.qsp[l - 1][w])
    } else {
        [0.0; W]
    };
    let d: Lanes<W> = if l > m {
        let h = t.gd[i];
        lanes(|w| h * st.qs[l - 1][w])
    } else {
        [0.0; W]
    };
    let (fm, fl) = (t.fm[m], t.fm[l]);
    let k0 = l * l + l;
    for w in 0..W {
        let o = &mut out[w * stride..];
        let g = &mut grad[w * stride..];
        let (xu, yu) = (p.x[w] * u[w], p.y[w] * u[w]);
        let cl = p.corr[w] * fl;
        // Chain rule of the normalisation (`- corr l S u · inv`), then e3nn order (x, y, z) = (Y, Z, X).
        let fix = |val: f64, gx: f64, gy: f64, gz: f64| -> [f64; 3] {
            if NORMALIZE {
                let sv = cl * val;
                [gy - sv * p.ys[w], gz - sv * p.zs[w], gx - sv * p.xs[w]]
            } else {
                [gy, gz, gx]
            }
        };
        if m == 0 {
            let val = q[w];
            o[k0] = val;
            g[k0] = fix(val, -xu, -yu, d[w]);
        } else {
            let (cm, sm) = (st.c[m][w], st.s[m][w]);
            let (cm1, sm1) = (st.c[m - 1][w], st.s[m - 1][w]);
            let vc = q[w] * cm;
            let vs = q[w] * sm;
            o[k0 + m] = vc;
            o[k0 - m] = vs;
            let mp = fm * st.qs[l][w];
            g[k0 + m] = fix(vc, mp * cm1 - xu * cm, -(mp * sm1) - yu * cm, d[w] * cm);
            g[k0 - m] = fix(vs, mp * sm1 - xu * sm, mp * cm1 - yu * sm, d[w] * sm);
        }
    }
    if l == lmax {
        st.qsp = st.qs;
    }
}

/// Harmonics and gradients (e3nn axis order, chain rule of the normalisation applied) of `W` vectors;
/// `L` as in [`values`], `N > lmax` sizes the columns.
#[inline(always)]
fn values_grad<const L: usize, const W: usize, const N: usize, const NORMALIZE: bool>(
    lmax: usize,
    t: &Tables,
    p: &Points<W>,
    out: &mut [f64],
    grad: &mut [[f64; 3]],
    stride: usize,
) {
    const { assert!(L == usize::MAX || (L <= LMAX_UNROLLED && L < N)) };
    let lmax = if L == usize::MAX { lmax } else { L };
    let mut st = GradState {
        c: [[0.0; W]; N],
        s: [[0.0; W]; N],
        qc: [[0.0; W]; N],
        qs: [[0.0; W]; N],
        qsp: [[0.0; W]; N],
    };
    st.c[0] = [1.0; W];
    if L == usize::MAX {
        for m in 1..=lmax {
            (st.c[m], st.s[m]) = next_power(m, p, &st.c[m - 1], &st.s[m - 1]);
        }
        for m in (0..=lmax).rev() {
            for l in m..=lmax {
                grad_step::<W, N, NORMALIZE>(&mut st, t, lmax, (l, m), p, out, grad, stride);
            }
        }
    } else {
        unroll_lm!(m in [1 2 3 4 5 6 7 8] => {
            if m <= L {
                (st.c[m], st.s[m]) = next_power(m, p, &st.c[m - 1], &st.s[m - 1]);
            }
        });
        unroll_lm!(l, m in [8 7 6 5 4 3 2 1 0] x [0 1 2 3 4 5 6 7 8] => {
            if l <= L {
                grad_step::<W, N, NORMALIZE>(&mut st, t, lmax, (l, m), p, out, grad, stride);
            }
        });
    }
}

/// One vector, run-time `lmax <= LMAX_SUPPORTED`; `out` holds at least `(lmax+1)²` values.
pub(super) fn one_values(lmax: usize, t: &Tables, v: [f64; 3], normalize: bool, out: &mut [f64]) {
    let p = if normalize {
        Points::<1>::new::<true>(&[v])
    } else {
        Points::<1>::new::<false>(&[v])
    };
    values::<{ usize::MAX }, 1>(lmax, t, &p, out, 0);
}

/// One vector with gradients, run-time `lmax <= LMAX_SUPPORTED`.
pub(super) fn one_grad(
    lmax: usize,
    t: &Tables,
    v: [f64; 3],
    normalize: bool,
    out: &mut [f64],
    grad: &mut [[f64; 3]],
) {
    if normalize {
        let p = Points::<1>::new::<true>(&[v]);
        values_grad::<{ usize::MAX }, 1, NL, true>(lmax, t, &p, out, grad, 0);
    } else {
        let p = Points::<1>::new::<false>(&[v]);
        values_grad::<{ usize::MAX }, 1, NL, false>(lmax, t, &p, out, grad, 0);
    }
}

/// Largest `lmax` whose values run two vectors per kernel call (two f64 lanes fill an SSE2 / wasm
/// simd128 register). Measured on 100,000 vectors: pairs are ~1.5x faster at `lmax = 3`, but from
/// `lmax = 5` on the two interleaved output rows (and the register pressure) make them slower than
/// one vector at a time, and so they are for the gradients at every `lmax`.
const PAIRS_UP_TO: usize = 4;

/// Batch of values. `L == usize::MAX` means "not specialised": use the run-time `lmax`. Rows that do
/// not fit in `out` are skipped (the caller debug-asserts the length).
pub(super) fn batch_values<const L: usize, const NORMALIZE: bool>(
    lmax: usize,
    t: &Tables,
    xyz: &[[f64; 3]],
    out: &mut [f64],
) {
    let lm = if L == usize::MAX { lmax } else { L };
    let n = (lm + 1) * (lm + 1);
    let mut done = 0;
    if L <= PAIRS_UP_TO {
        // Pairs through the two-lane kernel, an odd last vector through the one-lane kernel below
        // (bit-identical results).
        let (pairs, _) = xyz.as_chunks::<2>();
        for (v, o) in pairs.iter().zip(out.chunks_exact_mut(2 * n)) {
            values::<L, 2>(lm, t, &Points::<2>::new::<NORMALIZE>(v), o, n);
            done += 2;
        }
    }
    for (v, o) in xyz[done..].iter().zip(out[done * n..].chunks_exact_mut(n)) {
        values::<L, 1>(lm, t, &Points::<1>::new::<NORMALIZE>(&[*v]), o, n);
    }
}

/// Batch of values and gradients; see [`batch_values`]. `N = lmax + 1` (or [`NL`]) sizes the columns.
pub(super) fn batch_grad<const L: usize, const N: usize, const NORMALIZE: bool>(
    lmax: usize,
    t: &Tables,
    xyz: &[[f64; 3]],
    out: &mut [f64],
    grad: &mut [[f64; 3]],
) {
    let lm = if L == usize::MAX { lmax } else { L };
    let n = (lm + 1) * (lm + 1);
    for ((v, o), g) in xyz
        .iter()
        .zip(out.chunks_exact_mut(n))
        .zip(grad.chunks_exact_mut(n))
    {
        let p = Points::<1>::new::<NORMALIZE>(&[*v]);
        values_grad::<L, 1, N, NORMALIZE>(lm, t, &p, o, g, 0);
    }
}
