//! The product basis of MACE: mace-torch's `SymmetricContraction`. Within each channel `c` the message
//! `x_c` (all `(l, m)` slots of one channel, e.g. 1 + 3 + 5 = 9 numbers for `l ≤ 2`) is raised to the
//! powers ν = 1..correlation and contracted with the generalised Clebsch–Gordan tensors `U^ν` and the
//! element-dependent weights `W^ν`:
//!
//! `B_{c,LM} = Σ_ν Σ_k W^ν_{z,k,c} Σ_{i_1..i_ν} U^ν_{M,i_1..i_ν,k} x_{c,i_1} ⋯ x_{c,i_ν}`
//! (Batatia et al. 2022, eqs. 10–11).
//!
//! For each output `M` this is a polynomial of degree ν in `x_c`. Because the ν copies of `x_c` are the
//! same vector, only the part of `U^ν` symmetric in `i_1..i_ν` matters, so at load time we fold
//! `U^ν` and `W^ν` into the coefficients of the distinct monomials `x_{i_1} ⋯ x_{i_ν}` with
//! `i_1 ≤ … ≤ i_ν`, per element and channel, and drop the monomials the selection rules make zero. The
//! value and its gradient with respect to `x_c` then come out of one pass over those monomials.

use super::blocks::{block_offsets, parse_irreps};
use super::load::{read_tensor, TensorSource};
use super::metadata::ProductMeta;
use super::MaceError;
use crate::so3::Irreps;

/// Highest correlation order supported (mace-torch's default is 3).
pub const MAX_CORRELATION: usize = 3;

/// One distinct monomial `x_{i_0} ⋯ x_{i_{ν−1}}` of output component `m`.
#[derive(Debug, Clone, Copy)]
struct Monomial {
    m: usize,
    idx: [usize; MAX_CORRELATION],
}

/// The contraction to one output irrep `L` (a block `C × (2L+1)` of the product's output).
#[derive(Debug, Clone)]
struct Contraction {
    d_out: usize,
    off_out: usize,
    /// `terms[ν − 1]`: the monomials of degree ν.
    terms: Vec<Vec<Monomial>>,
    /// `coeffs[ν − 1][(z · C + c) · terms + t]`.
    coeffs: Vec<Vec<f64>>,
}

/// The symmetric contraction of one layer.
#[derive(Debug, Clone)]
pub(crate) struct SymmetricContraction {
    pub(crate) irreps_in: Irreps,
    pub(crate) irreps_out: Irreps,
    pub(crate) correlation: usize,
    channels: usize,
    /// `(offset in the flat message, offset of the slot within a channel, 2l + 1)` per input block.
    blocks: Vec<(usize, usize, usize)>,
    slots: usize,
    contractions: Vec<Contraction>,
}

/// All distinct orderings of `idx[..nu]`.
fn distinct_permutations(idx: &[usize]) -> Vec<Vec<usize>> {
    let perms: &[&[usize]] = match idx.len() {
        1 => &[&[0]],
        2 => &[&[0, 1], &[1, 0]],
        _ => &[
            &[0, 1, 2],
            &[0, 2, 1],
            &[1, 0, 2],
            &[1, 2, 0],
            &[2, 0, 1],
            &[2, 1, 0],
        ],
    };
    let mut out: Vec<Vec<usize>> = perms
        .iter()
        .map(|p| p.iter().map(|&k| idx[k]).collect())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Every non-decreasing tuple of length `nu` over `0..n`.
fn sorted_tuples(n: usize, nu: usize) -> Vec<[usize; MAX_CORRELATION]> {
    let mut out = Vec::new();
    let mut t = [0usize; MAX_CORRELATION];
    fn rec(
        n: usize,
        nu: usize,
        pos: usize,
        start: usize,
        t: &mut [usize; 3],
        out: &mut Vec<[usize; 3]>,
    ) {
        if pos == nu {
            out.push(*t);
            return;
        }
        for i in start..n {
            t[pos] = i;
            rec(n, nu, pos + 1, i, t, out);
        }
    }
    rec(n, nu, 0, 0, &mut t, &mut out);
    out
}

impl SymmetricContraction {
    /// Builds the contraction of product `t` from its metadata and the U matrices and weights in `st`.
    pub(crate) fn new(
        field: &str,
        meta: &ProductMeta,
        n_species: usize,
        st: &dyn TensorSource,
    ) -> Result<Self, MaceError> {
        let irreps_in = parse_irreps(&format!("{field}.irreps_in"), &meta.irreps_in)?;
        let irreps_out = parse_irreps(&format!("{field}.irreps_out"), &meta.irreps_out)?;
        let channels = irreps_in.0.first().map_or(0, |t| t.mul);
        if channels == 0
            || irreps_in
                .0
                .iter()
                .chain(&irreps_out.0)
                .any(|t| t.mul != channels)
        {
            return Err(MaceError::metadata(
                field,
                format!(
                    "{irreps_in} → {irreps_out}: every block must have the same number of channels"
                ),
            ));
        }
        if meta.correlation == 0 || meta.correlation > MAX_CORRELATION {
            return Err(MaceError::metadata(
                format!("{field}.correlation"),
                format!(
                    "{}: correlation orders 1 to {MAX_CORRELATION} are supported",
                    meta.correlation
                ),
            ));
        }
        let flat = block_offsets(&irreps_in);
        let mut blocks = Vec::new();
        let mut slots = 0;
        for (b, t) in irreps_in.0.iter().enumerate() {
            blocks.push((flat[b], slots, t.ir.dim()));
            slots += t.ir.dim();
        }
        if meta.contractions.len() != irreps_out.0.len() {
            return Err(MaceError::metadata(
                format!("{field}.contractions"),
                format!(
                    "{} contractions for the {} blocks of {irreps_out}",
                    meta.contractions.len(),
                    irreps_out.0.len()
                ),
            ));
        }
        let out_offsets = block_offsets(&irreps_out);
        let mut contractions = Vec::new();
        for (k, cm) in meta.contractions.iter().enumerate() {
            let cfield = format!("{field}.contractions[{k}]");
            let ir_out = irreps_out.0[k].ir;
            if cm.irrep_out != ir_out.to_string() || cm.correlation != meta.correlation {
                return Err(MaceError::metadata(
                    cfield,
                    format!(
                        "irrep {} / correlation {} do not match the block {ir_out} / {}",
                        cm.irrep_out, cm.correlation, meta.correlation
                    ),
                ));
            }
            let d_out = ir_out.dim();
            let mut terms = Vec::new();
            let mut coeffs = Vec::new();
            for nu in 1..=meta.correlation {
                let key = nu.to_string();
                let (Some(uref), Some(wname)) = (cm.u_matrices.get(&key), cm.weights.get(&key))
                else {
                    return Err(MaceError::metadata(
                        cfield,
                        format!("no U matrix or weights for ν = {nu}"),
                    ));
                };
                let (u, ushape) = read_tensor(st, &uref.tensor)?;
                let (w, wshape) = read_tensor(st, wname)?;
                let n_k = *ushape.last().unwrap_or(&0);
                let mut expect: Vec<usize> = if ir_out.l == 0 { vec![] } else { vec![d_out] };
                expect.extend(std::iter::repeat_n(slots, nu));
                expect.push(n_k);
                if ushape != expect {
                    return Err(MaceError::tensor(
                        &uref.tensor,
                        format!("shape {ushape:?}, expected {expect:?}"),
                    ));
                }
                if wshape != [n_species, n_k, channels] {
                    return Err(MaceError::tensor(
                        wname,
                        format!("shape {wshape:?}, expected [{n_species}, {n_k}, {channels}]"),
                    ));
                }
                let u_max = u.iter().fold(0.0f64, |a, b| a.max(b.abs()));
                let tol = 1e-12 * u_max;
                let stride_m = slots.pow(nu as u32) * n_k;
                let mut nu_terms = Vec::new();
                let mut sym_rows: Vec<Vec<f64>> = Vec::new();
                for tuple in sorted_tuples(slots, nu) {
                    let perms = distinct_permutations(&tuple[..nu]);
                    for m in 0..d_out {
                        let mut sym = vec![0.0; n_k];
                        for p in &perms {
                            let flat_idx = p.iter().fold(0, |acc, &i| acc * slots + i);
                            let base = m * stride_m + flat_idx * n_k;
                            sym.iter_mut()
                                .zip(&u[base..base + n_k])
                                .for_each(|(s, v)| *s += v);
                        }
                        if sym.iter().any(|v| v.abs() > tol) {
                            nu_terms.push(Monomial { m, idx: tuple });
                            sym_rows.push(sym);
                        }
                    }
                }
                let n_t = nu_terms.len();
                let mut c = vec![0.0; n_species * channels * n_t];
                for z in 0..n_species {
                    for ch in 0..channels {
                        for (t, sym) in sym_rows.iter().enumerate() {
                            c[(z * channels + ch) * n_t + t] = sym
                                .iter()
                                .enumerate()
                                .map(|(kk, s)| s * w[(z * n_k + kk) * channels + ch])
                                .sum();
                        }
                    }
                }
                terms.push(nu_terms);
                coeffs.push(c);
            }
            contractions.push(Contraction {
                d_out,
                off_out: out_offsets[k],
                terms,
                coeffs,
            });
        }
        Ok(SymmetricContraction {
            irreps_in,
            irreps_out,
            correlation: meta.correlation,
            channels,
            blocks,
            slots,
            contractions,
        })
    }

    pub(crate) fn dim_out(&self) -> usize {
        self.irreps_out.dim()
    }

    /// Numbers of Jacobian kept per atom by [`Self::forward`].
    pub(crate) fn jacobian_len(&self) -> usize {
        self.contractions
            .iter()
            .map(|c| self.channels * c.d_out * self.slots)
            .sum()
    }

    /// Scratch per atom: the message regrouped by channel.
    pub(crate) fn scratch_len(&self) -> usize {
        self.channels * self.slots
    }

    /// Number of distinct monomials of each degree (for the architecture widget).
    pub(crate) fn monomials(&self) -> Vec<usize> {
        (0..self.correlation)
            .map(|nu| self.contractions.iter().map(|c| c.terms[nu].len()).sum())
            .collect()
    }

    /// `out = B(x)` for one atom of element `z`, keeping only orders ν ≤ `max_nu`, and the Jacobian
    /// `∂B/∂x` per channel in `jac`.
    pub(crate) fn forward(
        &self,
        z: usize,
        msg: &[f64],
        max_nu: usize,
        xs: &mut [f64],
        out: &mut [f64],
        jac: &mut [f64],
    ) {
        let (nc, ns) = (self.channels, self.slots);
        for &(off, slot, d) in &self.blocks {
            for c in 0..nc {
                xs[c * ns + slot..c * ns + slot + d]
                    .copy_from_slice(&msg[off + c * d..off + (c + 1) * d]);
            }
        }
        let mut jpos = 0;
        for con in &self.contractions {
            let d = con.d_out;
            for c in 0..nc {
                let x = &xs[c * ns..(c + 1) * ns];
                let o = &mut out[con.off_out + c * d..con.off_out + (c + 1) * d];
                o.fill(0.0);
                let j = &mut jac[jpos..jpos + d * ns];
                j.fill(0.0);
                for (nu0, terms) in con.terms.iter().enumerate().take(max_nu) {
                    let n_t = terms.len();
                    let coef = &con.coeffs[nu0][(z * nc + c) * n_t..(z * nc + c + 1) * n_t];
                    match nu0 {
                        0 => {
                            for (t, &a) in terms.iter().zip(coef) {
                                o[t.m] += a * x[t.idx[0]];
                                j[t.m * ns + t.idx[0]] += a;
                            }
                        }
                        1 => {
                            for (t, &a) in terms.iter().zip(coef) {
                                let (p, q) = (t.idx[0], t.idx[1]);
                                o[t.m] += a * x[p] * x[q];
                                j[t.m * ns + p] += a * x[q];
                                j[t.m * ns + q] += a * x[p];
                            }
                        }
                        _ => {
                            for (t, &a) in terms.iter().zip(coef) {
                                let (p, q, r) = (t.idx[0], t.idx[1], t.idx[2]);
                                let (xp, xq, xr) = (x[p], x[q], x[r]);
                                o[t.m] += a * xp * xq * xr;
                                let row = &mut j[t.m * ns..(t.m + 1) * ns];
                                row[p] += a * xq * xr;
                                row[q] += a * xp * xr;
                                row[r] += a * xp * xq;
                            }
                        }
                    }
                }
                jpos += d * ns;
            }
        }
    }

    /// `g_msg += (∂B/∂x)ᵀ g_out` for one atom, from the Jacobian of [`Self::forward`].
    pub(crate) fn backward(&self, jac: &[f64], g_out: &[f64], xs: &mut [f64], g_msg: &mut [f64]) {
        let (nc, ns) = (self.channels, self.slots);
        xs[..nc * ns].fill(0.0);
        let mut jpos = 0;
        for con in &self.contractions {
            let d = con.d_out;
            for c in 0..nc {
                let g = &g_out[con.off_out + c * d..con.off_out + (c + 1) * d];
                let gx = &mut xs[c * ns..(c + 1) * ns];
                for (m, &gm) in g.iter().enumerate() {
                    let row = &jac[jpos + m * ns..jpos + (m + 1) * ns];
                    gx.iter_mut().zip(row).for_each(|(a, b)| *a += gm * b);
                }
                jpos += d * ns;
            }
        }
        for &(off, slot, d) in &self.blocks {
            for c in 0..nc {
                let src = &xs[c * ns + slot..c * ns + slot + d];
                g_msg[off + c * d..off + (c + 1) * d]
                    .iter_mut()
                    .zip(src)
                    .for_each(|(a, b)| *a += b);
            }
        }
    }
}
