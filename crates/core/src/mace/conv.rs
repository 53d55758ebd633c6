//! The convolution of a MACE interaction: e3nn `o3.TensorProduct(node_irreps, sh_irreps, mid_irreps)`
//! with only 'uvu' paths and per-edge weights from the radial network. For an edge from neighbour j
//! and a path `(l1, l2 → lo)`:
//! `out[u, k] = pw · w_e[u] · Σ_{i,j} C^{l1 l2 lo}_{ijk} h_j[u, i] Y_j(r̂)`,
//! where `C` is e3nn's Wigner 3j tensor and `pw` the exported path weight (√(2lo+1) in mace-torch).

use super::blocks::{block_offsets, parse_irreps};
use super::metadata::TensorProductMeta;
use super::MaceError;
use crate::so3::{wigner_3j, Irreps};

/// One 'uvu' path with its Clebsch–Gordan tensor as a sparse list `(i, j, k, C_ijk)`.
#[derive(Debug, Clone)]
struct ConvPath {
    off_in: usize,
    d_in: usize,
    off_sh: usize,
    off_out: usize,
    d_out: usize,
    mul: usize,
    off_w: usize,
    scale: f64,
    cg: Vec<(usize, usize, usize, f64)>,
}

/// The tensor product of a neighbour's features with the spherical harmonics of the bond.
#[derive(Debug, Clone)]
pub(crate) struct ConvTp {
    pub(crate) irreps_in: Irreps,
    pub(crate) irreps_out: Irreps,
    paths: Vec<ConvPath>,
    weight_numel: usize,
}

/// Largest `2l+1` a path may have (l ≤ 3 for features, l ≤ 3 for spherical harmonics ⇒ lo ≤ 6).
const MAX_DIM: usize = 13;

impl ConvTp {
    pub(crate) fn new(
        field: &str,
        meta: &TensorProductMeta,
        sh_irreps: &Irreps,
    ) -> Result<Self, MaceError> {
        let irreps_in = parse_irreps(&format!("{field}.irreps_in1"), &meta.irreps_in1)?;
        let irreps_2 = parse_irreps(&format!("{field}.irreps_in2"), &meta.irreps_in2)?;
        let irreps_out = parse_irreps(&format!("{field}.irreps_out"), &meta.irreps_out)?;
        if &irreps_2 != sh_irreps || meta.shared_weights {
            return Err(MaceError::metadata(
                format!("{field}.irreps_in2"),
                format!("{irreps_2} with shared weights {}: expected the spherical harmonics {sh_irreps} and per-edge weights", meta.shared_weights),
            ));
        }
        let (o1, o2, oo) = (
            block_offsets(&irreps_in),
            block_offsets(&irreps_2),
            block_offsets(&irreps_out),
        );
        let mut paths = Vec::new();
        let mut off_w = 0;
        for (k, ins) in meta.instructions.iter().enumerate() {
            let bad =
                |reason: String| MaceError::metadata(format!("{field}.instructions[{k}]"), reason);
            let (Some(a), Some(b), Some(c)) = (
                irreps_in.0.get(ins.i_in1),
                irreps_2.0.get(ins.i_in2),
                irreps_out.0.get(ins.i_out),
            ) else {
                return Err(bad("block index out of range".into()));
            };
            if ins.connection_mode != "uvu" || !ins.has_weight {
                return Err(bad(format!(
                    "mode {} (weights {}), only weighted 'uvu' paths are supported",
                    ins.connection_mode, ins.has_weight
                )));
            }
            if b.mul != 1 || c.mul != a.mul || ins.path_shape != [a.mul, 1] {
                return Err(bad(format!(
                    "multiplicities {}, {}, {} and path_shape {:?} do not form a 'uvu' path",
                    a.mul, b.mul, c.mul, ins.path_shape
                )));
            }
            let (l1, l2, lo) = (a.ir.l, b.ir.l, c.ir.l);
            if a.ir.p * b.ir.p != c.ir.p || c.ir.dim() > MAX_DIM {
                return Err(bad(format!(
                    "{} ⊗ {} → {} is not allowed",
                    a.ir, b.ir, c.ir
                )));
            }
            let c3 = wigner_3j(l1, l2, lo).map_err(|e| bad(e.to_string()))?;
            let mut cg = Vec::new();
            for i in 0..a.ir.dim() {
                for j in 0..b.ir.dim() {
                    for kk in 0..c.ir.dim() {
                        let v = c3.get(i, j, kk);
                        if v != 0.0 {
                            cg.push((i, j, kk, v));
                        }
                    }
                }
            }
            paths.push(ConvPath {
                off_in: o1[ins.i_in1],
                d_in: a.ir.dim(),
                off_sh: o2[ins.i_in2],
                off_out: oo[ins.i_out],
                d_out: c.ir.dim(),
                mul: a.mul,
                off_w,
                scale: ins.path_weight,
                cg,
            });
            off_w += a.mul;
        }
        if off_w != meta.weight_numel {
            return Err(MaceError::metadata(
                format!("{field}.weight_numel"),
                format!("{} but the paths need {off_w}", meta.weight_numel),
            ));
        }
        Ok(ConvTp {
            irreps_in,
            irreps_out,
            paths,
            weight_numel: off_w,
        })
    }

    pub(crate) fn num_paths(&self) -> usize {
        self.paths.len()
    }

    pub(crate) fn weight_numel(&self) -> usize {
        self.weight_numel
    }

    pub(crate) fn dim_out(&self) -> usize {
        self.irreps_out.dim()
    }

    /// `out += TP(x, y; w)` for one edge (`x` the sender's features, `y` the bond's harmonics).
    pub(crate) fn forward(&self, x: &[f64], y: &[f64], w: &[f64], out: &mut [f64]) {
        let mut m = [0.0; MAX_DIM * MAX_DIM];
        for p in &self.paths {
            // M[i, k] = Σ_j C_ijk Y_j: the bond's harmonics folded into the coupling.
            m[..p.d_in * p.d_out].fill(0.0);
            for &(i, j, k, c) in &p.cg {
                m[i * p.d_out + k] += c * y[p.off_sh + j];
            }
            for u in 0..p.mul {
                let wu = p.scale * w[p.off_w + u];
                let xu = &x[p.off_in + u * p.d_in..p.off_in + (u + 1) * p.d_in];
                let o = &mut out[p.off_out + u * p.d_out..p.off_out + (u + 1) * p.d_out];
                for (i, &xi) in xu.iter().enumerate() {
                    let f = wu * xi;
                    for (k, o) in o.iter_mut().enumerate() {
                        *o += f * m[i * p.d_out + k];
                    }
                }
            }
        }
    }

    /// Gradients of `⟨g_out, TP(x, y; w)⟩`: added to `g_x` and `g_y`, assigned to `g_w`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn backward(
        &self,
        x: &[f64],
        y: &[f64],
        w: &[f64],
        g_out: &[f64],
        g_x: &mut [f64],
        g_y: &mut [f64],
        g_w: &mut [f64],
    ) {
        let mut m = [0.0; MAX_DIM * MAX_DIM];
        let mut pm = [0.0; MAX_DIM * MAX_DIM];
        for p in &self.paths {
            m[..p.d_in * p.d_out].fill(0.0);
            for &(i, j, k, c) in &p.cg {
                m[i * p.d_out + k] += c * y[p.off_sh + j];
            }
            // P[i, k] = Σ_u w[u] x[u, i] g[u, k], for the harmonics' gradient.
            pm[..p.d_in * p.d_out].fill(0.0);
            for u in 0..p.mul {
                let wu = w[p.off_w + u];
                let xu = &x[p.off_in + u * p.d_in..p.off_in + (u + 1) * p.d_in];
                let gu = &g_out[p.off_out + u * p.d_out..p.off_out + (u + 1) * p.d_out];
                let gxu = &mut g_x[p.off_in + u * p.d_in..p.off_in + (u + 1) * p.d_in];
                let mut s = 0.0;
                for (i, (&xi, gxi)) in xu.iter().zip(gxu.iter_mut()).enumerate() {
                    let mrow = &m[i * p.d_out..(i + 1) * p.d_out];
                    let mg: f64 = mrow.iter().zip(gu).map(|(a, b)| a * b).sum();
                    s += xi * mg;
                    *gxi += p.scale * wu * mg;
                    let prow = &mut pm[i * p.d_out..(i + 1) * p.d_out];
                    let f = wu * xi;
                    prow.iter_mut().zip(gu).for_each(|(a, b)| *a += f * b);
                }
                g_w[p.off_w + u] = p.scale * s;
            }
            for &(i, j, k, c) in &p.cg {
                g_y[p.off_sh + j] += p.scale * c * pm[i * p.d_out + k];
            }
        }
    }
}
