//! e3nn `o3.TensorProduct`: bilinear, O(3)-equivariant maps `(x1, x2) ↦ out`, built from *instructions*.
//!
//! An instruction `(i_in1, i_in2, i_out, mode, has_weight, path_weight)` couples block `i_in1` of `x1`
//! (`mul1` copies of `l1`) with block `i_in2` of `x2` (`mul2` copies of `l2`) into block `i_out` of the
//! output (`l_out` with `|l1 - l2| ≤ l_out ≤ l1 + l2`, parity `p1 p2`) through the Wigner 3j tensor
//! `C^{l1 l2 l_out}` (e3nn 0.4.4 signs, [`crate::so3::wigner_3j`]):
//!
//! `out[w, k] += √α · Σ w(u, v, w) Σ_{i,j} C_{ijk} x1[u, i] x2[v, j]`,
//!
//! where the *mode* says which copy indices are summed and how the weights are shaped (e3nn
//! `_tensor_product.py` / `_codegen.py`):
//!
//! | mode | output copy | weight shape | e3nn einsum |
//! |---|---|---|---|
//! | `uvw` | `w` (all `mul_out`) | `[mul1, mul2, mul_out]` | `uvw,ijk,zuvij->zwk` |
//! | `uvu` | `u` (`mul_out = mul1`) | `[mul1, mul2]` | `uv,ijk,zuvij->zuk` |
//! | `uvv` | `v` (`mul_out = mul2`) | `[mul1, mul2]` | `uv,ijk,zuvij->zvk` |
//! | `uuw` | `w` (`mul1 = mul2`) | `[mul1, mul_out]` | `uw,ijk,zuij->zwk` |
//! | `uuu` | `u` (all equal) | `[mul1]` | `u,ijk,zuij->zuk` |
//! | `uvuv` | `u·mul2 + v` (`mul_out = mul1 mul2`) | `[mul1, mul2]` | `uv,ijk,zuvij->zuvk` |
//!
//! Without a weight (`has_weight = false`) the weight factor is 1. The flat weight vector is e3nn's:
//! the weighted instructions' blocks concatenated in instruction order, each row-major.
//!
//! **Normalisation** (e3nn `TensorProduct.__init__`, `irrep_normalization='component'`,
//! `path_normalization='element'` by default): `α = a / x · path_weight` with `a = 2 l_out + 1`
//! (component), `(2l1+1)(2l2+1)` (norm) or 1 (none), and `x` = the number of terms summed into one
//! output component over all instructions that write the same output block (`element`: `Σ num_elements`,
//! where `num_elements` is `mul1 mul2` for `uvw`, `mul2` for `uvu`, `mul1` for `uvv` and `uuw`, 1 for
//! `uuu`/`uvuv`), or `num_elements` × the number of such instructions (`path`), or 1 (`none`). Like e3nn,
//! [`TensorProduct::instructions`] reports `√α` as each instruction's `path_weight`.
//!
//! **Efficiency.** Per instruction the non-zero entries of `√α C` are stored once, grouped by the pair
//! `(i, k)` of input-1 and output components; for modes where `v` is outer, the `x2` contraction
//! `M_{ik} = Σ_j √α C_{ijk} x2[v, j]` is formed once per `v` and reused for every copy `u`. Nothing is
//! allocated in `forward` or `backward` (small fixed-size stack buffers only).

use std::collections::hash_map::{Entry, HashMap};
use std::fmt;
use std::str::FromStr;

use super::error::NnError;
use crate::so3::{self, Irrep, Irreps, MulIr, LMAX_SUPPORTED};

/// Largest irrep dimension `2 l + 1` (stack buffers are this long).
const MAX_DIM: usize = 2 * LMAX_SUPPORTED + 1;
/// How many `(i, k)` pairs are contracted with `x2` at a time (stack buffer length).
const CHUNK: usize = 64;

/// How the copy (multiplicity) indices of an instruction are connected, e3nn's `connection_mode`
/// (see the table in the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// `'uvw'`: fully connected, weights `[mul1, mul2, mul_out]`.
    Uvw,
    /// `'uvu'`: channel-wise in input 1 (MACE/NequIP convolutions), weights `[mul1, mul2]`.
    Uvu,
    /// `'uvv'`: channel-wise in input 2, weights `[mul1, mul2]`.
    Uvv,
    /// `'uuw'`: same copy in both inputs, mixed into the outputs, weights `[mul1, mul_out]`.
    Uuw,
    /// `'uuu'`: element-wise in the copies, weights `[mul1]`.
    Uuu,
    /// `'uvuv'`: every pair of copies kept (the full tensor product), weights `[mul1, mul2]`.
    Uvuv,
}

impl Mode {
    /// e3nn's spelling: `"uvw"`, `"uvu"`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Uvw => "uvw",
            Mode::Uvu => "uvu",
            Mode::Uvv => "uvv",
            Mode::Uuw => "uuw",
            Mode::Uuu => "uuu",
            Mode::Uvuv => "uvuv",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Mode {
    type Err = NnError;
    /// Parses e3nn's names; `uvu<v` and `u<vw` are reported as unsupported.
    fn from_str(s: &str) -> Result<Mode, NnError> {
        Ok(match s.trim() {
            "uvw" => Mode::Uvw,
            "uvu" => Mode::Uvu,
            "uvv" => Mode::Uvv,
            "uuw" => Mode::Uuw,
            "uuu" => Mode::Uuu,
            "uvuv" => Mode::Uvuv,
            "uvu<v" | "u<vw" => {
                return Err(NnError::Unsupported(format!(
                    "tensor-product mode '{}'",
                    s.trim()
                )))
            }
            other => {
                return Err(NnError::Argument {
                    name: "mode",
                    reason: format!(
                        "'{other}' is not an e3nn connection mode (uvw, uvu, uvv, uuw, uuu, uvuv)"
                    ),
                })
            }
        })
    }
}

/// One e3nn instruction. When passed to [`TensorProduct::new`], `path_weight` is the user's extra factor
/// (1 normally); [`TensorProduct::instructions`] returns the same instructions with `path_weight`
/// replaced by the final coefficient `√α`, exactly like e3nn's `tp.instructions`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Instruction {
    /// Block of input 1.
    pub i_in1: usize,
    /// Block of input 2.
    pub i_in2: usize,
    /// Output block.
    pub i_out: usize,
    /// Connection mode.
    pub mode: Mode,
    /// Whether the instruction takes weights (else the weight factor is 1).
    pub has_weight: bool,
    /// See the type documentation.
    pub path_weight: f64,
}

impl Instruction {
    /// An instruction with `path_weight = 1` (e3nn's 5-tuple form).
    pub fn new(i_in1: usize, i_in2: usize, i_out: usize, mode: Mode, has_weight: bool) -> Self {
        Instruction {
            i_in1,
            i_in2,
            i_out,
            mode,
            has_weight,
            path_weight: 1.0,
        }
    }
}

/// e3nn `irrep_normalization`: what `α` starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IrrepNormalization {
    /// `2 l_out + 1`: unit-variance components in, unit-variance components out (e3nn default).
    #[default]
    Component,
    /// `(2 l1 + 1)(2 l2 + 1)`: unit-norm irreps in, unit-norm irreps out.
    Norm,
    /// 1.
    None,
}

/// e3nn `path_normalization`: what `α` is divided by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PathNormalization {
    /// The number of terms summed into one output component, over all instructions writing that
    /// output block (e3nn default).
    #[default]
    Element,
    /// The instruction's own number of terms times the number of instructions writing that block.
    Path,
    /// 1.
    None,
}

/// One instruction, ready to run: shapes, offsets and the sparse `√α C` grouped by `(i, k)`.
#[derive(Debug, Clone, PartialEq)]
struct Path {
    mode: Mode,
    has_weight: bool,
    mul1: usize,
    mul2: usize,
    mul_out: usize,
    d1: usize,
    d2: usize,
    d3: usize,
    off1: usize,
    off2: usize,
    off_out: usize,
    off_w: usize,
    /// `(i, k)` of each pair; the pair's entries are `pair_start[q]..pair_start[q + 1]`.
    pair_i: Vec<usize>,
    pair_k: Vec<usize>,
    pair_start: Vec<usize>,
    /// `j` and `√α C_{ijk}` of each entry.
    ent_j: Vec<usize>,
    ent_c: Vec<f64>,
}

impl Path {
    fn n_weights(&self) -> usize {
        self.n_weights_checked().unwrap_or(0)
    }

    /// The weight count, `None` if it overflows `usize` (checked once in [`TensorProduct::new`]).
    fn n_weights_checked(&self) -> Option<usize> {
        if !self.has_weight {
            return Some(0);
        }
        match self.mode {
            Mode::Uvw => self.mul1.checked_mul(self.mul2)?.checked_mul(self.mul_out),
            Mode::Uvu | Mode::Uvv | Mode::Uvuv => self.mul1.checked_mul(self.mul2),
            Mode::Uuw => self.mul1.checked_mul(self.mul_out),
            Mode::Uuu => Some(self.mul1),
        }
    }

    fn is_empty(&self) -> bool {
        self.mul1 == 0 || self.mul2 == 0 || self.mul_out == 0 || self.pair_i.is_empty()
    }

    /// `m[q] = Σ_{e ∈ pair q} c_e x2v[j_e]` for the pairs `q0..q0 + m.len()`.
    #[inline]
    fn contract_x2(&self, q0: usize, x2v: &[f64], m: &mut [f64]) {
        for (dq, mq) in m.iter_mut().enumerate() {
            let q = q0 + dq;
            let (a, b) = (self.pair_start[q], self.pair_start[q + 1]);
            *mq = self.ent_j[a..b]
                .iter()
                .zip(&self.ent_c[a..b])
                .map(|(&j, &c)| c * x2v[j])
                .sum();
        }
    }

    /// `t[k] = Σ_{ij} √α C_{ijk} x1u[i] x2v[j]` (t has length d3 and is overwritten).
    #[inline]
    fn couple(&self, x1u: &[f64], x2v: &[f64], t: &mut [f64]) {
        t.fill(0.0);
        for q in 0..self.pair_i.len() {
            let (a, b) = (self.pair_start[q], self.pair_start[q + 1]);
            let m: f64 = self.ent_j[a..b]
                .iter()
                .zip(&self.ent_c[a..b])
                .map(|(&j, &c)| c * x2v[j])
                .sum();
            t[self.pair_k[q]] += m * x1u[self.pair_i[q]];
        }
    }

    /// Weight of copy pair `(u, v)` for the single-row modes (uvu, uvv, uvuv, uuu).
    #[inline]
    fn w_uv(&self, w: &[f64], u: usize, v: usize) -> f64 {
        if !self.has_weight {
            return 1.0;
        }
        match self.mode {
            Mode::Uuu => w[u],
            _ => w[u * self.mul2 + v],
        }
    }

    /// Output copy written by `(u, v)` for the single-row modes.
    #[inline]
    fn row(&self, u: usize, v: usize) -> usize {
        match self.mode {
            Mode::Uvv => v,
            Mode::Uvuv => u * self.mul2 + v,
            _ => u,
        }
    }

    fn forward(&self, x1: &[f64], x2: &[f64], w: &[f64], out: &mut [f64]) {
        let (d1, d2, d3) = (self.d1, self.d2, self.d3);
        let x1b = &x1[self.off1..self.off1 + self.mul1 * d1];
        let x2b = &x2[self.off2..self.off2 + self.mul2 * d2];
        let ob = &mut out[self.off_out..self.off_out + self.mul_out * d3];
        match self.mode {
            Mode::Uvu | Mode::Uvv | Mode::Uvuv => {
                let mut m = [0.0; CHUNK];
                let np = self.pair_i.len();
                for v in 0..self.mul2 {
                    let x2v = &x2b[v * d2..(v + 1) * d2];
                    for q0 in (0..np).step_by(CHUNK) {
                        let n = CHUNK.min(np - q0);
                        let m = &mut m[..n];
                        self.contract_x2(q0, x2v, m);
                        let pi = &self.pair_i[q0..q0 + n];
                        let pk = &self.pair_k[q0..q0 + n];
                        for u in 0..self.mul1 {
                            let s = self.w_uv(w, u, v);
                            let x1u = &x1b[u * d1..(u + 1) * d1];
                            let r = self.row(u, v);
                            let o = &mut ob[r * d3..(r + 1) * d3];
                            for ((&mq, &i), &k) in m.iter().zip(pi).zip(pk) {
                                o[k] += s * mq * x1u[i];
                            }
                        }
                    }
                }
            }
            Mode::Uuu => {
                let mut t = [0.0; MAX_DIM];
                let t = &mut t[..d3];
                for u in 0..self.mul1 {
                    self.couple(&x1b[u * d1..(u + 1) * d1], &x2b[u * d2..(u + 1) * d2], t);
                    let s = self.w_uv(w, u, u);
                    for (o, tk) in ob[u * d3..(u + 1) * d3].iter_mut().zip(t.iter()) {
                        *o += s * tk;
                    }
                }
            }
            Mode::Uvw | Mode::Uuw => {
                let mut t = [0.0; MAX_DIM];
                let t = &mut t[..d3];
                let uu = self.mode == Mode::Uuw;
                for u in 0..self.mul1 {
                    let x1u = &x1b[u * d1..(u + 1) * d1];
                    let vs = if uu { u..u + 1 } else { 0..self.mul2 };
                    for v in vs {
                        self.couple(x1u, &x2b[v * d2..(v + 1) * d2], t);
                        let wrow = if uu { u } else { u * self.mul2 + v };
                        for (ow, wi) in ob.chunks_exact_mut(d3).enumerate() {
                            let s = if self.has_weight {
                                w[wrow * self.mul_out + ow]
                            } else {
                                1.0
                            };
                            for (o, tk) in wi.iter_mut().zip(t.iter()) {
                                *o += s * tk;
                            }
                        }
                    }
                }
            }
        }
    }

    fn backward(
        &self,
        x1: &[f64],
        x2: &[f64],
        w: &[f64],
        g: &[f64],
        gx1: &mut [f64],
        gx2: &mut [f64],
    ) {
        let (d1, d2, d3) = (self.d1, self.d2, self.d3);
        let x1b = &x1[self.off1..self.off1 + self.mul1 * d1];
        let x2b = &x2[self.off2..self.off2 + self.mul2 * d2];
        let gb = &g[self.off_out..self.off_out + self.mul_out * d3];
        let gx1b = &mut gx1[self.off1..self.off1 + self.mul1 * d1];
        let gx2b = &mut gx2[self.off2..self.off2 + self.mul2 * d2];
        match self.mode {
            Mode::Uvu | Mode::Uvv | Mode::Uvuv => {
                let mut m = [0.0; CHUNK];
                let mut h = [0.0; CHUNK];
                let np = self.pair_i.len();
                for v in 0..self.mul2 {
                    let x2v = &x2b[v * d2..(v + 1) * d2];
                    for q0 in (0..np).step_by(CHUNK) {
                        let n = CHUNK.min(np - q0);
                        let m = &mut m[..n];
                        let h = &mut h[..n];
                        self.contract_x2(q0, x2v, m);
                        h.fill(0.0);
                        let pi = &self.pair_i[q0..q0 + n];
                        let pk = &self.pair_k[q0..q0 + n];
                        for u in 0..self.mul1 {
                            let s = self.w_uv(w, u, v);
                            let x1u = &x1b[u * d1..(u + 1) * d1];
                            let gx1u = &mut gx1b[u * d1..(u + 1) * d1];
                            let r = self.row(u, v);
                            let gr = &gb[r * d3..(r + 1) * d3];
                            for (((&mq, hq), &i), &k) in m.iter().zip(h.iter_mut()).zip(pi).zip(pk)
                            {
                                let gk = s * gr[k];
                                gx1u[i] += mq * gk;
                                *hq += x1u[i] * gk;
                            }
                        }
                        let gx2v = &mut gx2b[v * d2..(v + 1) * d2];
                        for (dq, &hq) in h.iter().enumerate() {
                            let q = q0 + dq;
                            let (a, b) = (self.pair_start[q], self.pair_start[q + 1]);
                            for (&j, &c) in self.ent_j[a..b].iter().zip(&self.ent_c[a..b]) {
                                gx2v[j] += c * hq;
                            }
                        }
                    }
                }
            }
            Mode::Uuu | Mode::Uvw | Mode::Uuw => {
                // G[k] = Σ_w weight(u, v, w) g[w, k] (the gradient reaching this (u, v) pair's product).
                let mut gk_buf = [0.0; MAX_DIM];
                let geff = &mut gk_buf[..d3];
                for u in 0..self.mul1 {
                    let vs = if self.mode == Mode::Uvw {
                        0..self.mul2
                    } else {
                        u..u + 1
                    };
                    for v in vs {
                        match self.mode {
                            Mode::Uuu => {
                                let s = self.w_uv(w, u, u);
                                for (ge, gv) in geff.iter_mut().zip(&gb[u * d3..(u + 1) * d3]) {
                                    *ge = s * gv;
                                }
                            }
                            _ => {
                                let wrow = if self.mode == Mode::Uuw {
                                    u
                                } else {
                                    u * self.mul2 + v
                                };
                                geff.fill(0.0);
                                for (ow, gw) in gb.chunks_exact(d3).enumerate() {
                                    let s = if self.has_weight {
                                        w[wrow * self.mul_out + ow]
                                    } else {
                                        1.0
                                    };
                                    for (ge, gv) in geff.iter_mut().zip(gw) {
                                        *ge += s * gv;
                                    }
                                }
                            }
                        }
                        let x1u = &x1b[u * d1..(u + 1) * d1];
                        let x2v = &x2b[v * d2..(v + 1) * d2];
                        let gx1u = &mut gx1b[u * d1..(u + 1) * d1];
                        for q in 0..self.pair_i.len() {
                            let (i, gq) = (self.pair_i[q], geff[self.pair_k[q]]);
                            let (a, b) = (self.pair_start[q], self.pair_start[q + 1]);
                            let xi = x1u[i] * gq;
                            let mut mq = 0.0;
                            for (&j, &c) in self.ent_j[a..b].iter().zip(&self.ent_c[a..b]) {
                                mq += c * x2v[j];
                                gx2b[v * d2 + j] += c * xi;
                            }
                            gx1u[i] += mq * gq;
                        }
                    }
                }
            }
        }
    }

    fn backward_weights(&self, x1: &[f64], x2: &[f64], g: &[f64], gw: &mut [f64]) {
        if !self.has_weight {
            return;
        }
        let (d1, d2, d3) = (self.d1, self.d2, self.d3);
        let x1b = &x1[self.off1..self.off1 + self.mul1 * d1];
        let x2b = &x2[self.off2..self.off2 + self.mul2 * d2];
        let gb = &g[self.off_out..self.off_out + self.mul_out * d3];
        let mut t = [0.0; MAX_DIM];
        let t = &mut t[..d3];
        for u in 0..self.mul1 {
            let x1u = &x1b[u * d1..(u + 1) * d1];
            let vs = match self.mode {
                Mode::Uuu | Mode::Uuw => u..u + 1,
                _ => 0..self.mul2,
            };
            for v in vs {
                self.couple(x1u, &x2b[v * d2..(v + 1) * d2], t);
                let dot = |r: usize| -> f64 {
                    t.iter()
                        .zip(&gb[r * d3..(r + 1) * d3])
                        .map(|(a, b)| a * b)
                        .sum()
                };
                match self.mode {
                    Mode::Uvw | Mode::Uuw => {
                        let wrow = if self.mode == Mode::Uuw {
                            u
                        } else {
                            u * self.mul2 + v
                        };
                        for ow in 0..self.mul_out {
                            gw[wrow * self.mul_out + ow] += dot(ow);
                        }
                    }
                    Mode::Uuu => gw[u] += dot(u),
                    _ => gw[u * self.mul2 + v] += dot(self.row(u, v)),
                }
            }
        }
    }
}

/// e3nn `o3.TensorProduct(irreps_in1, irreps_in2, irreps_out, instructions, irrep_normalization,
/// path_normalization)` with external, shared weights (one weight vector per call; per-sample weights,
/// as in MACE's convolution, are just a different slice per call). See the module documentation for the
/// semantics and normalisation.
///
/// ```
/// use multiace_core::nn::TensorProduct;
/// let tp = TensorProduct::fully_connected(
///     &"2x0e+1x1o".parse().unwrap(), &"1x1o".parse().unwrap(), &"3x1o+1x0e".parse().unwrap()).unwrap();
/// assert_eq!(tp.weight_numel(), 2 * 3 + 1); // 0e⊗1o→1o and 1o⊗1o→0e
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TensorProduct {
    irreps_in1: Irreps,
    irreps_in2: Irreps,
    irreps_out: Irreps,
    instructions: Vec<Instruction>,
    paths: Vec<Path>,
    weight_numel: usize,
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

fn arg(name: &'static str, reason: String) -> NnError {
    NnError::Argument { name, reason }
}

impl TensorProduct {
    /// Builds the tensor product from e3nn-style instructions (their `path_weight` is an extra factor,
    /// normally 1). Checks what e3nn asserts: indices in range, `p_out = p1 p2`, the triangle rule, and
    /// the multiplicities each mode requires.
    pub fn new(
        in1: &Irreps,
        in2: &Irreps,
        out: &Irreps,
        instructions: Vec<Instruction>,
        irrep_norm: IrrepNormalization,
        path_norm: PathNormalization,
    ) -> Result<Self, NnError> {
        for (n, t) in [
            ("irreps_in1", in1),
            ("irreps_in2", in2),
            ("irreps_out", out),
        ] {
            if let Some(m) = t.0.iter().find(|m| m.ir.l > LMAX_SUPPORTED) {
                return Err(arg(
                    n,
                    format!(
                        "{} has l = {}, above the supported maximum {LMAX_SUPPORTED}",
                        m, m.ir.l
                    ),
                ));
            }
        }
        for (k, ins) in instructions.iter().enumerate() {
            if ins.i_in1 >= in1.0.len() || ins.i_in2 >= in2.0.len() || ins.i_out >= out.0.len() {
                return Err(arg(
                    "instructions",
                    format!(
                        "instruction {k} = ({}, {}, {}) is out of range: the irreps have {}, {} and {} terms",
                        ins.i_in1,
                        ins.i_in2,
                        ins.i_out,
                        in1.0.len(),
                        in2.0.len(),
                        out.0.len()
                    ),
                ));
            }
            let (a, b, c) = (in1.0[ins.i_in1], in2.0[ins.i_in2], out.0[ins.i_out]);
            if a.ir.p * b.ir.p != c.ir.p || !so3::triangle(a.ir.l, b.ir.l, c.ir.l) {
                return Err(arg(
                    "instructions",
                    format!("instruction {k}: {} is not in {} ⊗ {}", c.ir, a.ir, b.ir),
                ));
            }
            let ok = match ins.mode {
                Mode::Uvw => ins.has_weight,
                Mode::Uvu => a.mul == c.mul,
                Mode::Uvv => b.mul == c.mul,
                Mode::Uuw => a.mul == b.mul && (ins.has_weight || c.mul == 1),
                Mode::Uuu => a.mul == b.mul && b.mul == c.mul,
                Mode::Uvuv => a.mul * b.mul == c.mul,
            };
            if !ok {
                return Err(arg(
                    "instructions",
                    format!(
                        "instruction {k} ({a} ⊗ {b} → {c}, mode '{}', {}): the multiplicities do not fit the mode{}",
                        ins.mode,
                        if ins.has_weight { "weighted" } else { "unweighted" },
                        if ins.mode == Mode::Uvw && !ins.has_weight {
                            " ('uvw' needs weights)"
                        } else {
                            ""
                        }
                    ),
                ));
            }
            if !(ins.path_weight.is_finite() && ins.path_weight >= 0.0) {
                return Err(arg(
                    "instructions",
                    format!(
                        "instruction {k}: path_weight = {} must be finite and non-negative",
                        ins.path_weight
                    ),
                ));
            }
        }

        let num_elements = |ins: &Instruction| -> f64 {
            let (m1, m2) = (in1.0[ins.i_in1].mul, in2.0[ins.i_in2].mul);
            (match ins.mode {
                Mode::Uvw => m1 * m2,
                Mode::Uvu => m2,
                Mode::Uvv | Mode::Uuw => m1,
                Mode::Uuu | Mode::Uvuv => 1,
            }) as f64
        };
        let (o1, o2, oo) = (offsets(in1), offsets(in2), offsets(out));
        let mut w3j_cache: HashMap<(usize, usize, usize), so3::Tensor3> = HashMap::new();
        let mut paths = Vec::with_capacity(instructions.len());
        let mut final_instructions = Vec::with_capacity(instructions.len());
        let mut off_w = 0;
        for ins in &instructions {
            let (a, b, c) = (in1.0[ins.i_in1], in2.0[ins.i_in2], out.0[ins.i_out]);
            let mut alpha = match irrep_norm {
                IrrepNormalization::Component => c.ir.dim() as f64,
                IrrepNormalization::Norm => (a.ir.dim() * b.ir.dim()) as f64,
                IrrepNormalization::None => 1.0,
            };
            let same_out = instructions.iter().filter(|i| i.i_out == ins.i_out);
            let x = match path_norm {
                PathNormalization::Element => same_out.map(num_elements).sum(),
                PathNormalization::Path => num_elements(ins) * same_out.count() as f64,
                PathNormalization::None => 1.0,
            };
            if x > 0.0 {
                alpha /= x;
            }
            alpha *= ins.path_weight;
            let sqrt_alpha = alpha.sqrt();
            final_instructions.push(Instruction {
                path_weight: sqrt_alpha,
                ..*ins
            });

            let key = (a.ir.l, b.ir.l, c.ir.l);
            let cg = match w3j_cache.entry(key) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => e.insert(
                    so3::wigner_3j(key.0, key.1, key.2)
                        .map_err(|err| arg("instructions", err.to_string()))?,
                ),
            };
            let (d1, d2, d3) = (a.ir.dim(), b.ir.dim(), c.ir.dim());
            let mut path = Path {
                mode: ins.mode,
                has_weight: ins.has_weight,
                mul1: a.mul,
                mul2: b.mul,
                mul_out: c.mul,
                d1,
                d2,
                d3,
                off1: o1[ins.i_in1],
                off2: o2[ins.i_in2],
                off_out: oo[ins.i_out],
                off_w,
                pair_i: Vec::new(),
                pair_k: Vec::new(),
                pair_start: vec![0],
                ent_j: Vec::new(),
                ent_c: Vec::new(),
            };
            for i in 0..d1 {
                for k in 0..d3 {
                    let before = path.ent_j.len();
                    for j in 0..d2 {
                        let v = cg.get(i, j, k);
                        // Exact zeros of C come out as |C| ~ 1e-17 from the change of basis: drop them.
                        if v.abs() > 1e-14 {
                            path.ent_j.push(j);
                            path.ent_c.push(sqrt_alpha * v);
                        }
                    }
                    if path.ent_j.len() > before {
                        path.pair_i.push(i);
                        path.pair_k.push(k);
                        path.pair_start.push(path.ent_j.len());
                    }
                }
            }
            off_w = path
                .n_weights_checked()
                .and_then(|n| off_w.checked_add(n))
                .ok_or_else(|| arg("instructions", "the number of weights overflows".into()))?;
            paths.push(path);
        }
        Ok(TensorProduct {
            irreps_in1: in1.clone(),
            irreps_in2: in2.clone(),
            irreps_out: out.clone(),
            instructions: final_instructions,
            paths,
            weight_numel: off_w,
        })
    }

    /// e3nn `FullyConnectedTensorProduct(in1, in2, out)`: one weighted `'uvw'` instruction for every
    /// `(i1, i2, o)` with `ir_o ∈ ir_1 ⊗ ir_2`, in the order `for i1: for i2: for o:`; default
    /// normalisations.
    pub fn fully_connected(in1: &Irreps, in2: &Irreps, out: &Irreps) -> Result<Self, NnError> {
        let mut instr = Vec::new();
        for (i1, a) in in1.0.iter().enumerate() {
            for (i2, b) in in2.0.iter().enumerate() {
                for (o, c) in out.0.iter().enumerate() {
                    if in_product(a.ir, b.ir, c.ir) {
                        instr.push(Instruction::new(i1, i2, o, Mode::Uvw, true));
                    }
                }
            }
        }
        Self::new(
            in1,
            in2,
            out,
            instr,
            IrrepNormalization::Component,
            PathNormalization::Element,
        )
    }

    /// e3nn `FullTensorProduct(in1, in2)`: the inputs are simplified; every `(i1, i2)` and every
    /// `ir ∈ ir_1 ⊗ ir_2` (increasing `l`) gives an output block `mul1·mul2 x ir` and an unweighted
    /// `'uvuv'` instruction; the output irreps are then sorted (not simplified) and the instructions'
    /// `i_out` mapped through the sort, exactly as e3nn does.
    pub fn full(in1: &Irreps, in2: &Irreps) -> Result<Self, NnError> {
        let (in1, in2) = (in1.simplify(), in2.simplify());
        let mut out = Vec::new();
        let mut instr = Vec::new();
        for (i1, a) in in1.0.iter().enumerate() {
            for (i2, b) in in2.0.iter().enumerate() {
                if a.ir.l + b.ir.l > LMAX_SUPPORTED {
                    return Err(arg(
                        "irreps_in2",
                        format!(
                            "{} ⊗ {} reaches l = {}, above the supported maximum {LMAX_SUPPORTED}",
                            a.ir,
                            b.ir,
                            a.ir.l + b.ir.l
                        ),
                    ));
                }
                for ir in a.ir.mul(&b.ir) {
                    instr.push(Instruction::new(i1, i2, out.len(), Mode::Uvuv, false));
                    let mul = a.mul.checked_mul(b.mul).ok_or_else(|| {
                        arg("irreps_in1", format!("{a} ⊗ {b} has too many copies"))
                    })?;
                    out.push(MulIr { mul, ir });
                }
            }
        }
        let sorted = Irreps(out).sort();
        for ins in &mut instr {
            ins.i_out = sorted.p[ins.i_out];
        }
        Self::new(
            &in1,
            &in2,
            &sorted.irreps,
            instr,
            IrrepNormalization::Component,
            PathNormalization::Element,
        )
    }

    /// MACE's convolution tensor product (`irreps_tools.tp_out_irreps_with_instructions` +
    /// `o3.TensorProduct(..., shared_weights=False)`): for each `(mul, ir_in)` of `in1` and each `ir_2`
    /// of `in2`, every `ir_out ∈ ir_in ⊗ ir_2` that occurs in `target` becomes its own output block
    /// `mul x ir_out` with a weighted `'uvu'` instruction; the output blocks are sorted (not simplified)
    /// and the instructions re-ordered by output block (stable), which fixes the weight layout.
    pub fn channelwise(in1: &Irreps, in2: &Irreps, target: &Irreps) -> Result<Self, NnError> {
        let mut out = Vec::new();
        let mut instr = Vec::new();
        for (i1, a) in in1.0.iter().enumerate() {
            for (i2, b) in in2.0.iter().enumerate() {
                for ir in a.ir.mul(&b.ir) {
                    if target.0.iter().any(|t| t.ir == ir) {
                        instr.push(Instruction::new(i1, i2, out.len(), Mode::Uvu, true));
                        out.push(MulIr { mul: a.mul, ir });
                    }
                }
            }
        }
        let sorted = Irreps(out).sort();
        for ins in &mut instr {
            ins.i_out = sorted.p[ins.i_out];
        }
        instr.sort_by_key(|ins| ins.i_out);
        Self::new(
            in1,
            in2,
            &sorted.irreps,
            instr,
            IrrepNormalization::Component,
            PathNormalization::Element,
        )
    }

    /// Input 1 layout.
    pub fn irreps_in1(&self) -> &Irreps {
        &self.irreps_in1
    }

    /// Input 2 layout.
    pub fn irreps_in2(&self) -> &Irreps {
        &self.irreps_in2
    }

    /// Output layout.
    pub fn irreps_out(&self) -> &Irreps {
        &self.irreps_out
    }

    /// The instructions, with `path_weight = √α` (as e3nn's `tp.instructions`).
    pub fn instructions(&self) -> &[Instruction] {
        &self.instructions
    }

    /// Number of weights, = e3nn's `weight_numel`.
    pub fn weight_numel(&self) -> usize {
        self.weight_numel
    }

    fn lengths_ok(&self, x1: usize, x2: usize, w: usize, out: usize) -> bool {
        let ok = x1 == self.irreps_in1.dim()
            && x2 == self.irreps_in2.dim()
            && w == self.weight_numel
            && out == self.irreps_out.dim();
        debug_assert!(
            ok,
            "TensorProduct: lengths x1 {x1}, x2 {x2}, weights {w}, out {out}; want {}, {}, {}, {}",
            self.irreps_in1.dim(),
            self.irreps_in2.dim(),
            self.weight_numel,
            self.irreps_out.dim()
        );
        ok
    }

    /// `out = TP(x1, x2; weights)` for one sample (`out` is overwritten; blocks no instruction writes
    /// are zero). Lengths: `irreps_in1.dim()`, `irreps_in2.dim()`, `weight_numel`, `irreps_out.dim()`
    /// (debug-asserted; a release build leaves `out` untouched on a mismatch). Allocates nothing.
    pub fn forward(&self, x1: &[f64], x2: &[f64], weights: &[f64], out: &mut [f64]) {
        if !self.lengths_ok(x1.len(), x2.len(), weights.len(), out.len()) {
            return;
        }
        out.fill(0.0);
        for p in self.paths.iter().filter(|p| !p.is_empty()) {
            p.forward(x1, x2, &weights[p.off_w..p.off_w + p.n_weights()], out);
        }
    }

    /// Vector–Jacobian products: adds `(∂out/∂x1)ᵀ grad_out` into `grad_x1` and `(∂out/∂x2)ᵀ grad_out`
    /// into `grad_x2` (what forces need: `x2` holds the spherical harmonics of the bond vectors).
    /// Same length rules as [`TensorProduct::forward`]; allocates nothing.
    pub fn backward(
        &self,
        x1: &[f64],
        x2: &[f64],
        weights: &[f64],
        grad_out: &[f64],
        grad_x1: &mut [f64],
        grad_x2: &mut [f64],
    ) {
        if !self.lengths_ok(x1.len(), x2.len(), weights.len(), grad_out.len())
            || !self.lengths_ok(grad_x1.len(), grad_x2.len(), weights.len(), grad_out.len())
        {
            return;
        }
        for p in self.paths.iter().filter(|p| !p.is_empty()) {
            let w = &weights[p.off_w..p.off_w + p.n_weights()];
            p.backward(x1, x2, w, grad_out, grad_x1, grad_x2);
        }
    }

    /// Weight gradient: adds `(∂out/∂weights)ᵀ grad_out` into `grad_weights` (length `weight_numel`).
    /// Allocates nothing.
    pub fn backward_weights(
        &self,
        x1: &[f64],
        x2: &[f64],
        grad_out: &[f64],
        grad_weights: &mut [f64],
    ) {
        if !self.lengths_ok(x1.len(), x2.len(), grad_weights.len(), grad_out.len()) {
            return;
        }
        for p in self.paths.iter().filter(|p| !p.is_empty()) {
            let gw = &mut grad_weights[p.off_w..p.off_w + p.n_weights()];
            p.backward_weights(x1, x2, grad_out, gw);
        }
    }
}

/// `c ∈ a ⊗ b`: parity and triangle rule (e3nn `ir_out in ir_1 * ir_2`).
fn in_product(a: Irrep, b: Irrep, c: Irrep) -> bool {
    a.p * b.p == c.p && so3::triangle(a.l, b.l, c.l)
}
