//! The small linear pieces of a MACE layer, with the normalisations read from the exported e3nn
//! instruction lists (never recomputed, so the numbers are mace-torch's by construction):
//! [`IrrepsLinear`] (e3nn `o3.Linear`), [`SpeciesLinear`] (the `skip_tp`: a fully connected tensor
//! product with the one-hot element, i.e. one linear map per element) and [`BesselEmbedding`] (the
//! radial basis times the polynomial envelope).

use super::metadata::{LinearMeta, TensorProductMeta};
use super::MaceError;
use crate::ace::polynomial_cutoff;
use crate::so3::Irreps;

/// Parses an irreps string from the metadata, naming the field on error.
pub(crate) fn parse_irreps(field: &str, s: &str) -> Result<Irreps, MaceError> {
    s.parse::<Irreps>()
        .map_err(|e| MaceError::metadata(field, e.to_string()))
}

/// Start of each block of `irreps` in the flat e3nn layout.
pub(crate) fn block_offsets(irreps: &Irreps) -> Vec<usize> {
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

/// One `(i_in → i_out)` block of an e3nn linear map: `out[v, m] += scale · Σ_u w[u, v] x[u, m]`.
#[derive(Debug, Clone)]
struct LinearPath {
    off_in: usize,
    off_out: usize,
    mul_in: usize,
    mul_out: usize,
    dim: usize,
    off_w: usize,
    scale: f64,
}

/// e3nn `o3.Linear` with the instruction list and path weights of the exported model.
#[derive(Debug, Clone)]
pub(crate) struct IrrepsLinear {
    pub(crate) irreps_in: Irreps,
    pub(crate) irreps_out: Irreps,
    paths: Vec<LinearPath>,
    weights: Vec<f64>,
}

impl IrrepsLinear {
    /// Builds the map from its metadata and flat weight tensor, checking that every instruction joins
    /// equal irreps and that the tensor has e3nn's `weight_numel` entries.
    pub(crate) fn new(
        field: &str,
        meta: &LinearMeta,
        weights: Vec<f64>,
        tensor: &str,
    ) -> Result<Self, MaceError> {
        let irreps_in = parse_irreps(&format!("{field}.irreps_in"), &meta.irreps_in)?;
        let irreps_out = parse_irreps(&format!("{field}.irreps_out"), &meta.irreps_out)?;
        let (off_in, off_out) = (block_offsets(&irreps_in), block_offsets(&irreps_out));
        let mut paths = Vec::with_capacity(meta.instructions.len());
        let mut off_w = 0;
        for (k, ins) in meta.instructions.iter().enumerate() {
            let bad =
                |reason: String| MaceError::metadata(format!("{field}.instructions[{k}]"), reason);
            let (Some(a), Some(b)) = (irreps_in.0.get(ins.i_in), irreps_out.0.get(ins.i_out))
            else {
                return Err(bad("block index out of range".into()));
            };
            if a.ir != b.ir {
                return Err(bad(format!("joins {} to {}", a.ir, b.ir)));
            }
            if ins.path_shape != [a.mul, b.mul] {
                return Err(bad(format!(
                    "path_shape {:?}, expected [{}, {}]",
                    ins.path_shape, a.mul, b.mul
                )));
            }
            paths.push(LinearPath {
                off_in: off_in[ins.i_in],
                off_out: off_out[ins.i_out],
                mul_in: a.mul,
                mul_out: b.mul,
                dim: a.ir.dim(),
                off_w,
                scale: ins.path_weight,
            });
            off_w += a.mul * b.mul;
        }
        if weights.len() != off_w {
            return Err(MaceError::tensor(
                tensor,
                format!("{} weights, the instructions need {off_w}", weights.len()),
            ));
        }
        Ok(IrrepsLinear {
            irreps_in,
            irreps_out,
            paths,
            weights,
        })
    }

    pub(crate) fn dim_in(&self) -> usize {
        self.irreps_in.dim()
    }

    pub(crate) fn dim_out(&self) -> usize {
        self.irreps_out.dim()
    }

    /// `out = W x` (assigned).
    pub(crate) fn forward(&self, x: &[f64], out: &mut [f64]) {
        out[..self.dim_out()].fill(0.0);
        for p in &self.paths {
            let w = &self.weights[p.off_w..p.off_w + p.mul_in * p.mul_out];
            block_forward(
                p.mul_in,
                p.mul_out,
                p.dim,
                p.scale,
                w,
                &x[p.off_in..],
                &mut out[p.off_out..],
            );
        }
    }

    /// `g_x += Wᵀ g_out`.
    pub(crate) fn backward(&self, g_out: &[f64], g_x: &mut [f64]) {
        for p in &self.paths {
            let w = &self.weights[p.off_w..p.off_w + p.mul_in * p.mul_out];
            block_backward(
                p.mul_in,
                p.mul_out,
                p.dim,
                p.scale,
                w,
                &g_out[p.off_out..],
                &mut g_x[p.off_in..],
            );
        }
    }
}

/// `out[v, m] += scale · Σ_u w[u, v] x[u, m]` for one block (`w` row-major `[mul_in, mul_out]`).
/// Scalars (`dim` = 1) are a plain matrix–vector product over contiguous rows.
fn block_forward(
    mul_in: usize,
    mul_out: usize,
    dim: usize,
    scale: f64,
    w: &[f64],
    x: &[f64],
    out: &mut [f64],
) {
    if dim == 1 {
        let o = &mut out[..mul_out];
        for (u, &xu) in x[..mul_in].iter().enumerate() {
            let f = scale * xu;
            o.iter_mut()
                .zip(&w[u * mul_out..(u + 1) * mul_out])
                .for_each(|(o, w)| *o += f * w);
        }
        return;
    }
    for u in 0..mul_in {
        let xu = &x[u * dim..(u + 1) * dim];
        for (v, &wv) in w[u * mul_out..(u + 1) * mul_out].iter().enumerate() {
            let f = wv * scale;
            out[v * dim..(v + 1) * dim]
                .iter_mut()
                .zip(xu)
                .for_each(|(o, x)| *o += f * x);
        }
    }
}

/// `g_x[u, m] += scale · Σ_v w[u, v] g[v, m]`, the transpose of [`block_forward`].
fn block_backward(
    mul_in: usize,
    mul_out: usize,
    dim: usize,
    scale: f64,
    w: &[f64],
    g: &[f64],
    g_x: &mut [f64],
) {
    if dim == 1 {
        let g = &g[..mul_out];
        for (u, gx) in g_x[..mul_in].iter_mut().enumerate() {
            let dot: f64 = w[u * mul_out..(u + 1) * mul_out]
                .iter()
                .zip(g)
                .map(|(a, b)| a * b)
                .sum();
            *gx += scale * dot;
        }
        return;
    }
    for u in 0..mul_in {
        let gx = &mut g_x[u * dim..(u + 1) * dim];
        for (v, &wv) in w[u * mul_out..(u + 1) * mul_out].iter().enumerate() {
            let f = wv * scale;
            gx.iter_mut()
                .zip(&g[v * dim..(v + 1) * dim])
                .for_each(|(a, b)| *a += f * b);
        }
    }
}

/// One block of [`SpeciesLinear`]: weights `[mul_in, n_species, mul_out]` as e3nn's 'uvw' path.
#[derive(Debug, Clone)]
struct SpeciesPath {
    off_in: usize,
    off_out: usize,
    mul_in: usize,
    mul_out: usize,
    dim: usize,
    off_w: usize,
    scale: f64,
}

/// mace-torch's `skip_tp`: e3nn `FullyConnectedTensorProduct(irreps, n×0e, irreps_out)` applied to the
/// one-hot element vector. With a one-hot second input only the element's slice of each weight tensor
/// survives and the Clebsch–Gordan factor of `l ⊗ 0 → l` is `1/√(2l+1)`, so the product is an
/// element-dependent linear map: `out[w, m] = pw/√(2l+1) · Σ_u W[u, z, w] x[u, m]`.
#[derive(Debug, Clone)]
pub(crate) struct SpeciesLinear {
    pub(crate) irreps_in: Irreps,
    pub(crate) irreps_out: Irreps,
    n_species: usize,
    paths: Vec<SpeciesPath>,
    weights: Vec<f64>,
}

impl SpeciesLinear {
    pub(crate) fn new(
        field: &str,
        meta: &TensorProductMeta,
        n_species: usize,
        weights: Vec<f64>,
        tensor: &str,
    ) -> Result<Self, MaceError> {
        let irreps_in = parse_irreps(&format!("{field}.irreps_in1"), &meta.irreps_in1)?;
        let irreps_2 = parse_irreps(&format!("{field}.irreps_in2"), &meta.irreps_in2)?;
        let irreps_out = parse_irreps(&format!("{field}.irreps_out"), &meta.irreps_out)?;
        if irreps_2.to_string() != format!("{n_species}x0e") {
            return Err(MaceError::metadata(
                format!("{field}.irreps_in2"),
                format!("{irreps_2}, expected the one-hot {n_species}x0e"),
            ));
        }
        let (off_in, off_out) = (block_offsets(&irreps_in), block_offsets(&irreps_out));
        let mut paths = Vec::new();
        let mut off_w = 0;
        for (k, ins) in meta.instructions.iter().enumerate() {
            let bad =
                |reason: String| MaceError::metadata(format!("{field}.instructions[{k}]"), reason);
            if ins.connection_mode != "uvw" || !ins.has_weight || ins.i_in2 != 0 {
                return Err(bad(format!(
                    "mode {} (weights {}), expected a weighted 'uvw' path on the one-hot input",
                    ins.connection_mode, ins.has_weight
                )));
            }
            let (Some(a), Some(b)) = (irreps_in.0.get(ins.i_in1), irreps_out.0.get(ins.i_out))
            else {
                return Err(bad("block index out of range".into()));
            };
            if a.ir != b.ir {
                return Err(bad(format!("joins {} to {}", a.ir, b.ir)));
            }
            if ins.path_shape != [a.mul, n_species, b.mul] {
                return Err(bad(format!("path_shape {:?}", ins.path_shape)));
            }
            paths.push(SpeciesPath {
                off_in: off_in[ins.i_in1],
                off_out: off_out[ins.i_out],
                mul_in: a.mul,
                mul_out: b.mul,
                dim: a.ir.dim(),
                off_w,
                scale: ins.path_weight / (a.ir.dim() as f64).sqrt(),
            });
            off_w += a.mul * n_species * b.mul;
        }
        if weights.len() != off_w || meta.weight_numel != off_w {
            return Err(MaceError::tensor(
                tensor,
                format!("{} weights, the instructions need {off_w}", weights.len()),
            ));
        }
        Ok(SpeciesLinear {
            irreps_in,
            irreps_out,
            n_species,
            paths,
            weights,
        })
    }

    fn row(&self, p: &SpeciesPath, u: usize, z: usize) -> &[f64] {
        let start = p.off_w + (u * self.n_species + z) * p.mul_out;
        &self.weights[start..start + p.mul_out]
    }

    /// `out = W_z x` (assigned) for an atom of element index `z`.
    pub(crate) fn forward(&self, z: usize, x: &[f64], out: &mut [f64]) {
        out[..self.irreps_out.dim()].fill(0.0);
        for p in &self.paths {
            for u in 0..p.mul_in {
                let xu = &x[p.off_in + u * p.dim..p.off_in + (u + 1) * p.dim];
                for (v, &w) in self.row(p, u, z).iter().enumerate() {
                    let w = w * p.scale;
                    let o = &mut out[p.off_out + v * p.dim..p.off_out + (v + 1) * p.dim];
                    o.iter_mut().zip(xu).for_each(|(o, x)| *o += w * x);
                }
            }
        }
    }

    /// `g_x += W_zᵀ g_out`.
    pub(crate) fn backward(&self, z: usize, g_out: &[f64], g_x: &mut [f64]) {
        for p in &self.paths {
            for u in 0..p.mul_in {
                let row = self.row(p, u, z);
                let gx = &mut g_x[p.off_in + u * p.dim..p.off_in + (u + 1) * p.dim];
                for (v, &w) in row.iter().enumerate() {
                    let w = w * p.scale;
                    let g = &g_out[p.off_out + v * p.dim..p.off_out + (v + 1) * p.dim];
                    gx.iter_mut().zip(g).for_each(|(gx, g)| *gx += w * g);
                }
            }
        }
    }
}

/// mace-torch's `RadialEmbeddingBlock` with a Bessel basis: `R_n(r) = c · sin(w_n r)/r · f_cut(r)`,
/// with the exported frequencies `w_n` (nπ/r_max unless trained) and prefactor `c` (√(2/r_max)), and
/// the polynomial envelope of order `p`, zero from `r_max` on.
#[derive(Debug, Clone)]
pub(crate) struct BesselEmbedding {
    pub(crate) frequencies: Vec<f64>,
    pub(crate) prefactor: f64,
    pub(crate) r_max: f64,
    pub(crate) p: u32,
}

impl BesselEmbedding {
    pub(crate) fn len(&self) -> usize {
        self.frequencies.len()
    }

    /// Values and derivatives d/dr at distance `r > 0`.
    pub(crate) fn evaluate(&self, r: f64, values: &mut [f64], derivs: &mut [f64]) {
        let (f, df) = polynomial_cutoff(r, self.r_max, self.p);
        for ((v, d), &w) in values
            .iter_mut()
            .zip(derivs.iter_mut())
            .zip(&self.frequencies)
        {
            let (s, c) = (w * r).sin_cos();
            let b = self.prefactor * s / r;
            let db = self.prefactor * (w * c / r - s / (r * r));
            *v = b * f;
            *d = db * f + b * df;
        }
    }
}
