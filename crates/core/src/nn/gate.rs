//! The gated nonlinearity of e3nn (`e3nn.nn.Gate`; Weiler et al. 2018, used by NequIP):
//!
//! ⊕_i φ_i(x_i) ⊕ ⊕_j φ_j(g_j) y_j
//!
//! Scalars x_i go through activations φ_i; every other feature y_j (any l) is multiplied by its own
//! gate, a scalar g_j through an activation φ_j. A pointwise function of an l ≥ 1 feature's
//! components would not commute with rotations; a rotation-invariant factor times the feature does.

use super::{Activation, NnError};
use crate::so3::{Irrep, Irreps, MulIr};

/// e3nn `nn.Gate(irreps_scalars, act_scalars, irreps_gates, act_gates, irreps_gated)`.
///
/// Input layout is e3nn's: the three groups are concatenated (each simplified), **sorted** by irrep
/// (stable: by l, odd before even) and simplified, so scalars and gates of the same irrep share one
/// block, scalars first. Output: the activated scalars (`irreps_scalars` with the parities the
/// activations give), then the gated features (`irreps_gated`, split as e3nn's
/// `ElementwiseTensorProduct` splits it against the gates, parity times the gate's parity).
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    irreps_scalars: Irreps,
    irreps_gates: Irreps,
    irreps_gated: Irreps,
    irreps_in: Irreps,
    irreps_out: Irreps,
    scalars: Vec<ScalarSegment>,
    gated: Vec<GatedCopy>,
}

/// A run of scalars with one activation: `len` inputs from `input`, written at `output`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ScalarSegment {
    input: usize,
    output: usize,
    len: usize,
    act: Option<Activation>,
}

/// One gated irrep: `dim` components from `input`, times act(x[gate]), written at `output`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct GatedCopy {
    input: usize,
    dim: usize,
    gate: usize,
    act: Option<Activation>,
    output: usize,
}

fn arg(name: &'static str, reason: String) -> NnError {
    NnError::Argument { name, reason }
}

/// Where each term of `pieces` (concatenated) starts once e3nn's `_Sortcut` has sorted them:
/// `starts[piece][term]`.
fn sorted_starts(pieces: &[&Irreps]) -> (Irreps, Vec<Vec<usize>>) {
    let all = Irreps(pieces.iter().flat_map(|p| p.0.iter().copied()).collect());
    let sorted = all.sort();
    let mut offset_of_new = Vec::with_capacity(sorted.irreps.0.len());
    let mut off = 0;
    for t in &sorted.irreps.0 {
        offset_of_new.push(off);
        off += t.dim();
    }
    let mut starts = Vec::with_capacity(pieces.len());
    let mut k = 0;
    for p in pieces {
        starts.push(
            (0..p.0.len())
                .map(|_| {
                    let s = offset_of_new[sorted.p[k]];
                    k += 1;
                    s
                })
                .collect(),
        );
    }
    (sorted.irreps.simplify(), starts)
}

/// For a position `pos` inside a piece (counted in components), the input offset, given the piece's
/// simplified terms and their sorted starts.
fn input_offset(simplified: &Irreps, starts: &[usize], pos: usize) -> usize {
    let mut begin = 0;
    for (t, &s) in simplified.0.iter().zip(starts) {
        if pos < begin + t.dim() {
            return s + (pos - begin);
        }
        begin += t.dim();
    }
    usize::MAX // only for positions past the end, which callers never ask for
}

/// The activation of every copy of a scalar irreps list (copy-major), checking e3nn's rules.
fn per_copy_acts(
    irreps: &Irreps,
    acts: &[Option<Activation>],
    name: &'static str,
) -> Result<(Vec<Option<Activation>>, Irreps), NnError> {
    if irreps.0.len() != acts.len() {
        return Err(arg(
            name,
            format!(
                "{} activations given for {} irreps terms (`{irreps}`): give one per term (None for none)",
                acts.len(),
                irreps.0.len()
            ),
        ));
    }
    let mut per_copy = Vec::with_capacity(irreps.num_irreps());
    let mut out = Vec::with_capacity(irreps.0.len());
    for (t, &a) in irreps.0.iter().zip(acts) {
        let p = match a {
            Some(a) => a.output_parity(t.ir.p).map_err(|e| match e {
                NnError::Argument { reason, .. } => arg(name, reason),
                other => other,
            })?,
            None => t.ir.p,
        };
        out.push(MulIr {
            mul: t.mul,
            ir: Irrep::new(t.ir.l, p),
        });
        per_copy.extend(std::iter::repeat_n(a, t.mul));
    }
    Ok((per_copy, Irreps(out)))
}

/// e3nn `ElementwiseTensorProduct(a, b).irreps_out` for `b` scalars: both simplified, then split so
/// that the multiplicities line up; each output term is `a`'s l with parity `p_a p_b`.
fn elementwise_irreps_out(a: &Irreps, b: &Irreps) -> Irreps {
    let mut a: Vec<MulIr> = a.simplify().0;
    let mut b: Vec<MulIr> = b.simplify().0;
    let mut i = 0;
    while i < a.len() && i < b.len() {
        let (m1, m2) = (a[i].mul, b[i].mul);
        if m1 < m2 {
            b[i].mul = m1;
            b.insert(
                i + 1,
                MulIr {
                    mul: m2 - m1,
                    ir: b[i].ir,
                },
            );
        }
        if m2 < m1 {
            a[i].mul = m2;
            a.insert(
                i + 1,
                MulIr {
                    mul: m1 - m2,
                    ir: a[i].ir,
                },
            );
        }
        i += 1;
    }
    Irreps(
        a.iter()
            .zip(&b)
            .map(|(x, g)| MulIr {
                mul: x.mul,
                ir: Irrep::new(x.ir.l, x.ir.p * g.ir.p),
            })
            .collect(),
    )
}

impl Gate {
    /// e3nn `Gate(irreps_scalars, act_scalars, irreps_gates, act_gates, irreps_gated)`: one activation
    /// (or `None`, identity) per term of `irreps_scalars` and of `irreps_gates`.
    ///
    /// Errors, as e3nn's: scalars or gates that are not all `l = 0`; a number of gates
    /// (`irreps_gates.num_irreps()`) different from the number of gated irreps; a number of activations
    /// different from the number of terms; an odd scalar through an activation that is neither even
    /// nor odd.
    pub fn new(
        irreps_scalars: &Irreps,
        act_scalars: &[Option<Activation>],
        irreps_gates: &Irreps,
        act_gates: &[Option<Activation>],
        irreps_gated: &Irreps,
    ) -> Result<Gate, NnError> {
        if irreps_scalars.lmax().is_some_and(|l| l > 0) {
            return Err(arg(
                "irreps_scalars",
                format!("scalars must be scalars (l = 0), got `{irreps_scalars}`"),
            ));
        }
        if irreps_gates.lmax().is_some_and(|l| l > 0) {
            return Err(arg(
                "irreps_gates",
                format!("gates must be scalars (l = 0), got `{irreps_gates}`"),
            ));
        }
        if irreps_gates.num_irreps() != irreps_gated.num_irreps() {
            return Err(arg(
                "irreps_gates",
                format!(
                    "there are {} irreps in irreps_gated (`{irreps_gated}`) but {} gate scalars in \
                     irreps_gates (`{irreps_gates}`): one gate per gated irrep",
                    irreps_gated.num_irreps(),
                    irreps_gates.num_irreps()
                ),
            ));
        }
        let (scalar_acts, scalars_out) = per_copy_acts(irreps_scalars, act_scalars, "act_scalars")?;
        let (gate_acts, gates_out) = per_copy_acts(irreps_gates, act_gates, "act_gates")?;

        let (s, g, y) = (
            irreps_scalars.simplify(),
            irreps_gates.simplify(),
            irreps_gated.simplify(),
        );
        let (irreps_in, starts) = sorted_starts(&[&s, &g, &y]);

        // Scalars: one segment per scalar copy would do; merge runs with the same activation and
        // contiguous input.
        let mut scalars: Vec<ScalarSegment> = Vec::new();
        for (c, act) in scalar_acts.iter().enumerate() {
            let input = input_offset(&s, &starts[0], c);
            match scalars.last_mut() {
                Some(seg) if seg.act == *act && seg.input + seg.len == input => seg.len += 1,
                _ => scalars.push(ScalarSegment {
                    input,
                    output: c,
                    len: 1,
                    act: *act,
                }),
            }
        }

        let mut gated = Vec::with_capacity(y.num_irreps());
        let (mut pos, mut output, mut c) = (0, s.dim(), 0);
        for t in &y.0 {
            for _ in 0..t.mul {
                gated.push(GatedCopy {
                    input: input_offset(&y, &starts[2], pos),
                    dim: t.ir.dim(),
                    gate: input_offset(&g, &starts[1], c),
                    act: gate_acts[c],
                    output,
                });
                pos += t.ir.dim();
                output += t.ir.dim();
                c += 1;
            }
        }

        let mut irreps_out = scalars_out;
        irreps_out
            .0
            .extend(elementwise_irreps_out(irreps_gated, &gates_out).0);
        Ok(Gate {
            irreps_scalars: irreps_scalars.clone(),
            irreps_gates: irreps_gates.clone(),
            irreps_gated: irreps_gated.clone(),
            irreps_in,
            irreps_out,
            scalars,
            gated,
        })
    }

    /// The input irreps (sorted and simplified, as e3nn's `Gate.irreps_in`).
    pub fn irreps_in(&self) -> &Irreps {
        &self.irreps_in
    }

    /// The output irreps (as e3nn's `Gate.irreps_out`, not simplified).
    pub fn irreps_out(&self) -> &Irreps {
        &self.irreps_out
    }

    /// The scalars as given.
    pub fn irreps_scalars(&self) -> &Irreps {
        &self.irreps_scalars
    }

    /// The gates as given.
    pub fn irreps_gates(&self) -> &Irreps {
        &self.irreps_gates
    }

    /// The gated irreps as given.
    pub fn irreps_gated(&self) -> &Irreps {
        &self.irreps_gated
    }

    /// Rows of `irreps_in().dim()` numbers in `x` and of `irreps_out().dim()` in `out`, as many as both
    /// hold (they should hold the same number; debug-asserted).
    fn rows(&self, x: usize, out: usize) -> usize {
        let (din, dout) = (self.irreps_in.dim(), self.irreps_out.dim());
        if din == 0 || dout == 0 {
            return 0;
        }
        debug_assert!(
            x.is_multiple_of(din) && out.is_multiple_of(dout) && x / din == out / dout,
            "Gate: {x} input numbers for {din} per row, {out} output numbers for {dout} per row"
        );
        (x / din).min(out / dout)
    }

    /// The gate applied to every row of `x` (rows of `irreps_in().dim()`), written to `out`.
    pub fn forward(&self, x: &[f64], out: &mut [f64]) {
        let (din, dout) = (self.irreps_in.dim(), self.irreps_out.dim());
        for r in 0..self.rows(x.len(), out.len()) {
            let x = &x[r * din..(r + 1) * din];
            let out = &mut out[r * dout..(r + 1) * dout];
            for seg in &self.scalars {
                let (src, dst) = (
                    &x[seg.input..seg.input + seg.len],
                    &mut out[seg.output..seg.output + seg.len],
                );
                match seg.act {
                    Some(a) => dst.iter_mut().zip(src).for_each(|(o, &v)| *o = a.eval(v)),
                    None => dst.copy_from_slice(src),
                }
            }
            for c in &self.gated {
                let g = c.act.map_or(x[c.gate], |a| a.eval(x[c.gate]));
                let (src, dst) = (
                    &x[c.input..c.input + c.dim],
                    &mut out[c.output..c.output + c.dim],
                );
                dst.iter_mut().zip(src).for_each(|(o, &v)| *o = g * v);
            }
        }
    }

    /// Vector–Jacobian product: for every row, `grad_x += (∂out/∂x)ᵀ grad_out` (added, not assigned).
    pub fn backward(&self, x: &[f64], grad_out: &[f64], grad_x: &mut [f64]) {
        let (din, dout) = (self.irreps_in.dim(), self.irreps_out.dim());
        let rows = self
            .rows(x.len(), grad_out.len())
            .min(grad_x.len().checked_div(din).unwrap_or(0));
        for r in 0..rows {
            let x = &x[r * din..(r + 1) * din];
            let go = &grad_out[r * dout..(r + 1) * dout];
            let gx = &mut grad_x[r * din..(r + 1) * din];
            for seg in &self.scalars {
                for k in 0..seg.len {
                    let d = seg
                        .act
                        .map_or(1.0, |a| a.eval_with_derivative(x[seg.input + k]).1);
                    gx[seg.input + k] += d * go[seg.output + k];
                }
            }
            for c in &self.gated {
                let (g, dg) = c
                    .act
                    .map_or((x[c.gate], 1.0), |a| a.eval_with_derivative(x[c.gate]));
                let mut dot = 0.0;
                for m in 0..c.dim {
                    let gom = go[c.output + m];
                    dot += gom * x[c.input + m];
                    gx[c.input + m] += g * gom;
                }
                gx[c.gate] += dg * dot;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Activation::*;

    fn irreps(s: &str) -> Irreps {
        s.parse().unwrap()
    }

    #[test]
    fn irreps_follow_e3nn() {
        // The docstring example of e3nn's Gate.
        let g = Gate::new(
            &irreps("16x0o"),
            &[Some(Tanh)],
            &irreps("32x0o"),
            &[Some(Tanh)],
            &irreps("16x1e+16x1o"),
        )
        .unwrap();
        assert_eq!(g.irreps_in().to_string(), "48x0o+16x1o+16x1e");
        assert_eq!(g.irreps_out().to_string(), "16x0o+16x1o+16x1e");
        // Interleaved scalars and gates of two parities; odd gates through an even function.
        let g = Gate::new(
            &irreps("4x0e+2x0o"),
            &[Some(Silu), Some(Tanh)],
            &irreps("3x0e+2x0o"),
            &[Some(Sigmoid), Some(Abs)],
            &irreps("2x1o+1x2e+2x3o"),
        )
        .unwrap();
        assert_eq!(g.irreps_in().to_string(), "4x0o+7x0e+2x1o+1x2e+2x3o");
        assert_eq!(g.irreps_out().to_string(), "4x0e+2x0o+2x1o+1x2e+2x3o");
    }

    #[test]
    fn bad_arguments_are_errors_naming_the_argument() {
        let e = Gate::new(&irreps("1x1o"), &[None], &irreps(""), &[], &irreps("")).unwrap_err();
        assert!(e.to_string().starts_with("irreps_scalars"), "{e}");
        let e = Gate::new(
            &irreps("2x0e"),
            &[Some(Silu)],
            &irreps("1x0e"),
            &[Some(Sigmoid)],
            &irreps("2x1o"),
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("irreps_gates"), "{e}");
        let e = Gate::new(
            &irreps("2x0o"),
            &[Some(Silu)],
            &irreps(""),
            &[],
            &irreps(""),
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("act_scalars"), "{e}");
        let e = Gate::new(&irreps("2x0e"), &[], &irreps(""), &[], &irreps("")).unwrap_err();
        assert!(e.to_string().starts_with("act_scalars"), "{e}");
    }

    #[test]
    fn backward_matches_central_differences() {
        let g = Gate::new(
            &irreps("2x0e+2x0o"),
            &[Some(Silu), Some(Tanh)],
            &irreps("1x0o+2x0e"),
            &[Some(Abs), Some(Sigmoid)],
            &irreps("1x1o+1x0e+1x2e"),
        )
        .unwrap();
        let (din, dout) = (g.irreps_in().dim(), g.irreps_out().dim());
        let mut rng = crate::so3::SplitMix64::new(3);
        let x: Vec<f64> = (0..2 * din).map(|_| rng.normal()).collect();
        let go: Vec<f64> = (0..2 * dout).map(|_| rng.normal()).collect();
        let mut gx = vec![0.0; 2 * din];
        g.backward(&x, &go, &mut gx);
        let f = |x: &[f64]| {
            let mut out = vec![0.0; 2 * dout];
            g.forward(x, &mut out);
            out.iter().zip(&go).map(|(a, b)| a * b).sum::<f64>()
        };
        for k in 0..2 * din {
            let (mut xp, mut xm) = (x.clone(), x.clone());
            xp[k] += 1e-6;
            xm[k] -= 1e-6;
            let fd = (f(&xp) - f(&xm)) / 2e-6;
            assert!((fd - gx[k]).abs() < 1e-7, "{k}: {fd} vs {}", gx[k]);
        }
    }
}
