//! e3nn `o3.Linear`: the most general linear map between two irreps layouts that commutes with O(3).
//!
//! By Schur's lemma an equivariant linear map can only connect equal irreps, and between `mul_in`
//! copies of `ir` and `mul_out` copies of the same `ir` it is a `mul_in × mul_out` matrix acting on
//! the copy index, the same for every component `m`. e3nn 0.4.4 (`o3/_linear.py`) makes one such
//! *instruction* per pair `(i_in, i_out)` with `ir_in == ir_out` and normalises each output block by
//! `1/√(Σ_{i → o} mul_in(i))` ("element" path normalisation), so that unit-variance inputs and
//! standard-normal weights give unit-variance outputs:
//!
//! `out_o[v, m] = Σ_{i → o} Σ_u w_i[u, v] x_i[u, m] / √(Σ_{i' → o} mul_in(i'))`.
//!
//! The flat weight vector is e3nn's `weight`: instruction blocks concatenated in instruction order,
//! each row-major `[mul_in, mul_out]`. Biases are off (e3nn's default, and what MACE uses). Output
//! blocks that no input reaches stay zero.

use super::error::NnError;
use crate::so3::Irreps;

/// One `(i_in → i_out)` block of the weight matrix, with everything the kernels need precomputed.
#[derive(Debug, Clone, PartialEq)]
struct LinearPath {
    i_in: usize,
    i_out: usize,
    mul_in: usize,
    mul_out: usize,
    /// `2l + 1` of the shared irrep.
    d: usize,
    /// Offsets of the block in the input / output feature vectors and in the flat weights.
    off_in: usize,
    off_out: usize,
    off_w: usize,
    /// e3nn's `path_weight`, `1/√(Σ_{i → o} mul_in)`.
    path_weight: f64,
}

/// e3nn `o3.Linear(irreps_in, irreps_out)` with external weights: `out_j = Σ_{i: ir_i = ir_j} W_ij x_i /
/// √(Σ_{i → j} mul_i)` per output block (see the module documentation).
///
/// ```
/// use multiace_core::nn::Linear;
/// let lin = Linear::new(&"4x0e+16x1o".parse().unwrap(), &"8x0e+8x1o".parse().unwrap()).unwrap();
/// assert_eq!(lin.weight_numel(), 4 * 8 + 16 * 8); // e3nn's docstring example: 160
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    irreps_in: Irreps,
    irreps_out: Irreps,
    paths: Vec<LinearPath>,
    weight_numel: usize,
    /// For each output block: its offset, dimension and normalisation (1 when nothing reaches it).
    out_blocks: Vec<(usize, usize, f64)>,
}

fn offsets(irreps: &Irreps) -> Vec<usize> {
    let mut acc = 0;
    irreps
        .0
        .iter()
        .map(|t| {
            let o = acc;
            acc += t.dim();
            o
        })
        .collect()
}

impl Linear {
    /// e3nn's default instructions: every pair `(i_in, i_out)` with the same irrep, in the order
    /// `for i_in: for i_out:` (which fixes the layout of the flat weights).
    pub fn new(irreps_in: &Irreps, irreps_out: &Irreps) -> Result<Self, NnError> {
        let instructions: Vec<(usize, usize)> = irreps_in
            .0
            .iter()
            .enumerate()
            .flat_map(|(i, a)| {
                irreps_out
                    .0
                    .iter()
                    .enumerate()
                    .filter(move |(_, b)| a.ir == b.ir)
                    .map(move |(o, _)| (i, o))
            })
            .collect();
        Self::with_instructions(irreps_in, irreps_out, &instructions)
    }

    /// e3nn `o3.Linear(irreps_in, irreps_out, instructions=[(i_in, i_out), ...])`: only the given
    /// connections (e.g. block-diagonal maps). Each pair must join equal irreps.
    pub fn with_instructions(
        irreps_in: &Irreps,
        irreps_out: &Irreps,
        instructions: &[(usize, usize)],
    ) -> Result<Self, NnError> {
        let (n_in, n_out) = (irreps_in.0.len(), irreps_out.0.len());
        for (k, &(i, o)) in instructions.iter().enumerate() {
            if i >= n_in || o >= n_out {
                return Err(NnError::Argument {
                    name: "instructions",
                    reason: format!(
                        "instruction {k} = ({i}, {o}) is out of range: irreps_in has {n_in} terms, irreps_out {n_out}"
                    ),
                });
            }
            if irreps_in.0[i].ir != irreps_out.0[o].ir {
                return Err(NnError::Argument {
                    name: "instructions",
                    reason: format!(
                        "instruction {k} joins {} to {}, but a linear map can only join equal irreps",
                        irreps_in.0[i].ir, irreps_out.0[o].ir
                    ),
                });
            }
        }
        let off_in = offsets(irreps_in);
        let off_out = offsets(irreps_out);
        // e3nn alpha(ins) = Σ_{i → same out} mul_in, or 1 when that sum is 0.
        let fan_in: Vec<usize> = (0..n_out)
            .map(|o| {
                instructions
                    .iter()
                    .filter(|&&(_, oo)| oo == o)
                    .map(|&(i, _)| irreps_in.0[i].mul)
                    .sum()
            })
            .collect();
        let norm = |o: usize| {
            if fan_in[o] == 0 {
                1.0
            } else {
                1.0 / (fan_in[o] as f64).sqrt()
            }
        };
        let mut paths = Vec::with_capacity(instructions.len());
        let mut off_w = 0;
        for &(i, o) in instructions {
            let (a, b) = (irreps_in.0[i], irreps_out.0[o]);
            paths.push(LinearPath {
                i_in: i,
                i_out: o,
                mul_in: a.mul,
                mul_out: b.mul,
                d: a.ir.dim(),
                off_in: off_in[i],
                off_out: off_out[o],
                off_w,
                path_weight: norm(o),
            });
            off_w += a.mul * b.mul;
        }
        let out_blocks = (0..n_out)
            .map(|o| (off_out[o], irreps_out.0[o].dim(), norm(o)))
            .collect();
        Ok(Linear {
            irreps_in: irreps_in.clone(),
            irreps_out: irreps_out.clone(),
            paths,
            weight_numel: off_w,
            out_blocks,
        })
    }

    /// Number of weights, = e3nn's `weight_numel` (`Σ_instructions mul_in · mul_out`).
    pub fn weight_numel(&self) -> usize {
        self.weight_numel
    }

    /// The input layout.
    pub fn irreps_in(&self) -> &Irreps {
        &self.irreps_in
    }

    /// The output layout.
    pub fn irreps_out(&self) -> &Irreps {
        &self.irreps_out
    }

    /// The instructions `(i_in, i_out, path_weight)` in weight order; `path_weight` is e3nn's
    /// `1/√(Σ_{i → o} mul_in)`.
    pub fn instructions(&self) -> Vec<(usize, usize, f64)> {
        self.paths
            .iter()
            .map(|p| (p.i_in, p.i_out, p.path_weight))
            .collect()
    }

    fn lengths_ok(&self, weights: usize, x: usize, out: usize) -> bool {
        let ok = weights == self.weight_numel
            && x == self.irreps_in.dim()
            && out == self.irreps_out.dim();
        debug_assert!(
            ok,
            "Linear: weights {weights} (want {}), x {x} (want {}), out {out} (want {})",
            self.weight_numel,
            self.irreps_in.dim(),
            self.irreps_out.dim()
        );
        ok
    }

    /// `out = Linear(x)` for one sample (`out` is overwritten). Slice lengths must be
    /// `weight_numel`, `irreps_in.dim()`, `irreps_out.dim()` (debug-asserted; in a release build a
    /// mismatch leaves `out` untouched). Allocates nothing.
    pub fn forward(&self, weights: &[f64], x: &[f64], out: &mut [f64]) {
        if !self.lengths_ok(weights.len(), x.len(), out.len()) {
            return;
        }
        out.fill(0.0);
        for p in self.paths.iter().filter(|p| p.mul_in * p.mul_out > 0) {
            let w = &weights[p.off_w..p.off_w + p.mul_in * p.mul_out];
            let xb = &x[p.off_in..p.off_in + p.mul_in * p.d];
            let ob = &mut out[p.off_out..p.off_out + p.mul_out * p.d];
            match p.d {
                // D accumulator rows of L lanes stay within 16 SSE2 registers (D·L/2 ≤ 14).
                1 => forward_block::<1, 8>(p.mul_in, p.mul_out, w, xb, ob),
                3 => forward_block::<3, 8>(p.mul_in, p.mul_out, w, xb, ob),
                5 => forward_block::<5, 4>(p.mul_in, p.mul_out, w, xb, ob),
                7 => forward_block::<7, 4>(p.mul_in, p.mul_out, w, xb, ob),
                9 => forward_block::<9, 2>(p.mul_in, p.mul_out, w, xb, ob),
                d => forward_block_any(d, p.mul_out, w, xb, ob),
            }
        }
        // The normalisation depends on the output block only: apply it once per block.
        for &(off, dim, s) in &self.out_blocks {
            if s != 1.0 {
                for o in &mut out[off..off + dim] {
                    *o *= s;
                }
            }
        }
    }

    /// Vector–Jacobian product: adds `(∂out/∂x)ᵀ grad_out` into `grad_x` (the map is linear, so this
    /// is the transposed map). Same length rules as [`Linear::forward`]; allocates nothing.
    pub fn backward_input(&self, weights: &[f64], grad_out: &[f64], grad_x: &mut [f64]) {
        if !self.lengths_ok(weights.len(), grad_x.len(), grad_out.len()) {
            return;
        }
        for p in self.paths.iter().filter(|p| p.mul_in * p.mul_out > 0) {
            let w = &weights[p.off_w..p.off_w + p.mul_in * p.mul_out];
            let gb = &grad_out[p.off_out..p.off_out + p.mul_out * p.d];
            let xb = &mut grad_x[p.off_in..p.off_in + p.mul_in * p.d];
            let s = p.path_weight;
            match p.d {
                1 => backward_block::<1>(p.mul_in, p.mul_out, s, w, gb, xb),
                3 => backward_block::<3>(p.mul_in, p.mul_out, s, w, gb, xb),
                5 => backward_block::<5>(p.mul_in, p.mul_out, s, w, gb, xb),
                7 => backward_block::<7>(p.mul_in, p.mul_out, s, w, gb, xb),
                9 => backward_block::<9>(p.mul_in, p.mul_out, s, w, gb, xb),
                d => backward_block_any(d, p.mul_out, s, w, gb, xb),
            }
        }
    }

    /// Weight gradient: adds `(∂out/∂w)ᵀ grad_out` into `grad_w` (length `weight_numel`), i.e.
    /// `grad_w_i[u, v] += path_weight Σ_m x_i[u, m] grad_out_o[v, m]`. Allocates nothing.
    pub fn backward_weights(&self, x: &[f64], grad_out: &[f64], grad_w: &mut [f64]) {
        if !self.lengths_ok(grad_w.len(), x.len(), grad_out.len()) {
            return;
        }
        for p in self.paths.iter().filter(|p| p.mul_in * p.mul_out > 0) {
            let gw = &mut grad_w[p.off_w..p.off_w + p.mul_in * p.mul_out];
            let gb = &grad_out[p.off_out..p.off_out + p.mul_out * p.d];
            let xb = &x[p.off_in..p.off_in + p.mul_in * p.d];
            for (xu, gwu) in xb.chunks_exact(p.d).zip(gw.chunks_exact_mut(p.mul_out)) {
                for (gv, gwv) in gb.chunks_exact(p.d).zip(gwu.iter_mut()) {
                    let dot: f64 = xu.iter().zip(gv).map(|(a, b)| a * b).sum();
                    *gwv += p.path_weight * dot;
                }
            }
        }
    }
}

/// Output copies handled together (one SIMD-friendly accumulator row per component `m`).
const LANES: usize = 8;

/// `ob[v, m] += Σ_u w[u, v] xb[u, m]` for blocks of `D = 2l + 1` components: `L` output copies at
/// a time, accumulated in registers (`D × L`), each weight row read contiguously.
#[inline]
fn forward_block<const D: usize, const L: usize>(
    mul_in: usize,
    mul_out: usize,
    w: &[f64],
    xb: &[f64],
    ob: &mut [f64],
) {
    let mut v0 = 0;
    while v0 + L <= mul_out {
        let mut acc = [[0.0f64; L]; D];
        for u in 0..mul_in {
            let Ok(wl) = <&[f64; L]>::try_from(&w[u * mul_out + v0..u * mul_out + v0 + L]) else {
                return;
            };
            let Ok(xu) = <&[f64; D]>::try_from(&xb[u * D..(u + 1) * D]) else {
                return;
            };
            for (a, &xm) in acc.iter_mut().zip(xu) {
                for (al, &wv) in a.iter_mut().zip(wl) {
                    *al += xm * wv;
                }
            }
        }
        for (m, a) in acc.iter().enumerate() {
            for (l, &al) in a.iter().enumerate() {
                ob[(v0 + l) * D + m] += al;
            }
        }
        v0 += L;
    }
    if v0 < mul_out {
        forward_tail(D, v0, mul_out, w, xb, ob);
    }
}

/// Output copies `v0..mul_out`, plain loops (tails and `l > 4`).
fn forward_tail(d: usize, v0: usize, mul_out: usize, w: &[f64], xb: &[f64], ob: &mut [f64]) {
    for (xu, wu) in xb.chunks_exact(d).zip(w.chunks_exact(mul_out)) {
        for (ov, wv) in ob.chunks_exact_mut(d).zip(wu).skip(v0) {
            for (o, xm) in ov.iter_mut().zip(xu) {
                *o += wv * xm;
            }
        }
    }
}

fn forward_block_any(d: usize, mul_out: usize, w: &[f64], xb: &[f64], ob: &mut [f64]) {
    forward_tail(d, 0, mul_out, w, xb, ob);
}

/// `gx[u, m] += s Σ_v w[u, v] g[v, m]`: `LANES` output copies `v` at a time, their gradient rows
/// transposed once into registers and reused for every `u`.
#[inline]
fn backward_block<const D: usize>(
    mul_in: usize,
    mul_out: usize,
    s: f64,
    w: &[f64],
    gb: &[f64],
    gx: &mut [f64],
) {
    let mut v0 = 0;
    while v0 + LANES <= mul_out {
        let mut gt = [[0.0f64; LANES]; D];
        for (l, gv) in gb[v0 * D..(v0 + LANES) * D].chunks_exact(D).enumerate() {
            for (m, &g) in gv.iter().enumerate() {
                gt[m][l] = s * g;
            }
        }
        for u in 0..mul_in {
            let Ok(wl) = <&[f64; LANES]>::try_from(&w[u * mul_out + v0..u * mul_out + v0 + LANES])
            else {
                return;
            };
            for (gxm, gtm) in gx[u * D..(u + 1) * D].iter_mut().zip(&gt) {
                let mut acc = 0.0;
                for (a, b) in wl.iter().zip(gtm) {
                    acc += a * b;
                }
                *gxm += acc;
            }
        }
        v0 += LANES;
    }
    if v0 < mul_out {
        backward_tail(D, v0, mul_out, s, w, gb, gx);
    }
}

fn backward_tail(
    d: usize,
    v0: usize,
    mul_out: usize,
    s: f64,
    w: &[f64],
    gb: &[f64],
    gx: &mut [f64],
) {
    for (xu, wu) in gx.chunks_exact_mut(d).zip(w.chunks_exact(mul_out)) {
        for (gv, wv) in gb.chunks_exact(d).zip(wu).skip(v0) {
            let c = s * wv;
            for (xm, g) in xu.iter_mut().zip(gv) {
                *xm += c * g;
            }
        }
    }
}

fn backward_block_any(d: usize, mul_out: usize, s: f64, w: &[f64], gb: &[f64], gx: &mut [f64]) {
    backward_tail(d, 0, mul_out, s, w, gb, gx);
}
