//! The MACE model as mace-torch's `MACE` / `ScaleShiftMACE` computes it, and its hand-written
//! backward pass for the forces.
//!
//! Per layer t (mace-torch `blocks.py`):
//! 1. `sc = skip(h, z)` when the block is residual (every layer after the first in the default model);
//! 2. `h̃ = linear_up(h)`;
//! 3. per edge j → i, tensor-product weights `w_ij = MLP(R(r_ij))`;
//! 4. `A_i = Σ_j TP(h̃_j, Y(r̂_ij); w_ij)`: the atomic basis as a message;
//! 5. `m_i = linear(A_i) / avg_num_neighbors`, then `m_i = skip(m_i, z_i)` in a non-residual block;
//! 6. `B_i = SymmetricContraction(m_i, z_i)`: the product basis, correlation orders 1..ν;
//! 7. `h_i' = linear(B_i) + sc_i`;
//! 8. `e_i^t = readout_t(h_i')`.
//!
//! `E = Σ_i (E0_{z_i} + scale · Σ_t e_i^t + shift)`. The edge vector is mace-torch's
//! `r_ij = r_i − r_j − shift` (pointing from the neighbour to the centre).
//!
//! The backward pass runs the same steps in reverse, accumulating `∂E/∂` of every intermediate, and
//! ends at the bond vectors through the spherical harmonics and the radial basis: `F = −∂E/∂r`.

use super::blocks::{BesselEmbedding, IrrepsLinear, SpeciesLinear};
use super::contraction::SymmetricContraction;
use super::conv::ConvTp;
use super::radial_mlp::RadialMlp;
use super::readout::Readout;
use super::MaceError;
use crate::so3::{spherical_harmonics_with_grad, Normalization};
use crate::structure::{atomic_number, neighbour_list, Structure};

/// One interaction + product layer.
#[derive(Debug, Clone)]
pub(crate) struct Layer {
    /// mace-torch's `RealAgnosticResidualInteractionBlock` (skip from the incoming features) rather
    /// than `RealAgnosticInteractionBlock` (skip applied to the message).
    pub(crate) residual: bool,
    pub(crate) linear_up: IrrepsLinear,
    pub(crate) mlp: RadialMlp,
    pub(crate) conv: ConvTp,
    pub(crate) linear: IrrepsLinear,
    pub(crate) avg_num_neighbors: f64,
    pub(crate) skip: SpeciesLinear,
    pub(crate) product: SymmetricContraction,
    pub(crate) product_linear: IrrepsLinear,
}

impl Layer {
    pub(crate) fn dim_in(&self) -> usize {
        self.linear_up.dim_in()
    }

    pub(crate) fn dim_out(&self) -> usize {
        self.product_linear.dim_out()
    }
}

/// A MACE model loaded from a file written by `tools/export_mace.py` (see [`MaceModel::from_safetensors`]).
#[derive(Debug, Clone)]
pub struct MaceModel {
    pub(crate) model_class: String,
    pub(crate) atomic_numbers: Vec<u32>,
    pub(crate) e0: Vec<f64>,
    pub(crate) radial: BesselEmbedding,
    pub(crate) sh_lmax: usize,
    /// Node embedding `[n_species, C]`, the e3nn normalisation already applied.
    pub(crate) embedding: Vec<f64>,
    pub(crate) embedding_dim: usize,
    pub(crate) layers: Vec<Layer>,
    pub(crate) readouts: Vec<Readout>,
    pub(crate) scale: f64,
    pub(crate) shift: f64,
}

/// What to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvalOptions {
    /// Keep only the product-basis terms of correlation order ν ≤ this (all of them by default), to
    /// see what each order contributes.
    pub max_correlation: usize,
    /// Run the backward pass for the forces.
    pub forces: bool,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            max_correlation: usize::MAX,
            forces: true,
        }
    }
}

/// Energies and forces of one structure.
#[derive(Debug, Clone, PartialEq)]
pub struct MaceOutput {
    /// Total energy (eV): reference energies plus the interaction energy.
    pub energy: f64,
    /// `Σ_i (scale · Σ_t e_i^t + shift)` (eV), mace-torch's `interaction_energy`.
    pub interaction_energy: f64,
    /// Site energies `E0_{z_i} + scale · Σ_t e_i^t + shift` (eV), mace-torch's `node_energy`.
    pub energies: Vec<f64>,
    /// Each layer's readout `e_i^t` per atom, before scale and shift.
    pub layer_energies: Vec<Vec<f64>>,
    /// `F = −∂E/∂r` (eV/Å), empty unless asked for.
    pub forces: Vec<[f64; 3]>,
    /// Number of directed edges (neighbour pairs within `r_max`).
    pub edges: usize,
}

/// Per-layer intermediates of one evaluation, kept for the backward pass.
#[derive(Debug, Clone, Default)]
struct LayerBuffers {
    sc: Vec<f64>,
    hu: Vec<f64>,
    stash: Vec<f64>,
    tpw: Vec<f64>,
    mid: Vec<f64>,
    msg: Vec<f64>,
    jac: Vec<f64>,
    b: Vec<f64>,
    hidden: Vec<f64>,
    energies: Vec<f64>,
}

/// Reusable buffers: evaluating the same model again on a structure of the same size allocates
/// nothing.
#[derive(Debug, Clone, Default)]
pub struct MaceWorkspace {
    species: Vec<usize>,
    receivers: Vec<usize>,
    senders: Vec<usize>,
    vectors: Vec<[f64; 3]>,
    lengths: Vec<f64>,
    sh: Vec<f64>,
    sh_grad: Vec<[f64; 3]>,
    ef: Vec<f64>,
    def: Vec<f64>,
    /// `feats[t]`: the input of layer t; `feats[T]` the output of the last layer.
    feats: Vec<Vec<f64>>,
    layers: Vec<LayerBuffers>,
    g_feats: Vec<Vec<f64>>,
    g_hu: Vec<f64>,
    g_mid: Vec<f64>,
    g_msg: Vec<f64>,
    g_b: Vec<f64>,
    g_tpw: Vec<f64>,
    g_sh: Vec<f64>,
    g_ef: Vec<f64>,
    atom_scratch: Vec<f64>,
    mlp_scratch: Vec<f64>,
}

fn resize(v: &mut Vec<f64>, n: usize) {
    v.clear();
    v.resize(n, 0.0);
}

impl MaceModel {
    /// The atomic numbers the model knows, in its one-hot order.
    pub fn atomic_numbers(&self) -> &[u32] {
        &self.atomic_numbers
    }

    /// Cutoff radius (Å).
    pub fn r_max(&self) -> f64 {
        self.radial.r_max
    }

    /// Number of interaction layers T.
    pub fn num_interactions(&self) -> usize {
        self.layers.len()
    }

    /// Correlation order ν of each layer.
    pub fn correlations(&self) -> Vec<usize> {
        self.layers.iter().map(|l| l.product.correlation).collect()
    }

    /// `"MACE"` or `"ScaleShiftMACE"`.
    pub fn model_class(&self) -> &str {
        &self.model_class
    }

    /// Fresh buffers for [`Self::evaluate`].
    pub fn workspace(&self) -> MaceWorkspace {
        MaceWorkspace::default()
    }

    /// Element index of each atom, or a message naming the first atom the model cannot handle.
    fn species_indices(&self, s: &Structure, out: &mut Vec<usize>) -> Result<(), MaceError> {
        out.clear();
        if s.species.len() != s.positions.len() {
            return Err(MaceError::Structure(format!(
                "{} symbols for {} positions",
                s.species.len(),
                s.positions.len()
            )));
        }
        for (i, (sym, p)) in s.species.iter().zip(&s.positions).enumerate() {
            if !p.iter().all(|x| x.is_finite()) {
                return Err(MaceError::Structure(format!(
                    "atom {} has a non-finite position",
                    i + 1
                )));
            }
            let z = atomic_number(sym).map(u32::from);
            match z.and_then(|z| self.atomic_numbers.iter().position(|&a| a == z)) {
                Some(k) => out.push(k),
                None => {
                    return Err(MaceError::Structure(format!(
                        "atom {} is {sym}, but this model only knows {}",
                        i + 1,
                        self.element_list()
                    )))
                }
            }
        }
        Ok(())
    }

    /// The model's elements as symbols, e.g. `"H, C, O"`.
    pub fn element_list(&self) -> String {
        self.atomic_numbers
            .iter()
            .map(|&z| {
                u8::try_from(z)
                    .ok()
                    .and_then(crate::structure::chemical_symbol)
                    .unwrap_or("?")
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// E0(z_i) of each atom of the structure `ws` last evaluated.
    pub(crate) fn last_reference_energies(&self, ws: &MaceWorkspace) -> Vec<f64> {
        ws.species.iter().map(|&z| self.e0[z]).collect()
    }

    /// Energy, site energies and (optionally) forces of `s`.
    pub fn evaluate(
        &self,
        s: &Structure,
        ws: &mut MaceWorkspace,
        opts: EvalOptions,
    ) -> Result<MaceOutput, MaceError> {
        self.species_indices(s, &mut ws.species)?;
        self.build_edges(s, ws)?;
        self.forward(ws, opts.max_correlation.max(1));
        let n = s.len();
        let mut energies = vec![0.0; n];
        let mut layer_energies = Vec::with_capacity(self.layers.len());
        for lb in &ws.layers {
            layer_energies.push(lb.energies.clone());
        }
        for (i, e) in energies.iter_mut().enumerate() {
            let inter: f64 = layer_energies.iter().map(|l| l[i]).sum();
            *e = self.scale * inter + self.shift;
        }
        let interaction_energy: f64 = energies.iter().sum();
        for (e, &z) in energies.iter_mut().zip(&ws.species) {
            *e += self.e0[z];
        }
        let energy: f64 = energies.iter().sum();
        if !energy.is_finite() {
            return Err(MaceError::NonFinite(format!("energy ({energy})")));
        }
        let forces = if opts.forces {
            self.backward(ws);
            self.forces_from_edges(ws, n)
        } else {
            Vec::new()
        };
        if let Some(i) = forces.iter().position(|f| f.iter().any(|x| !x.is_finite())) {
            return Err(MaceError::NonFinite(format!("force on atom {i}")));
        }
        Ok(MaceOutput {
            energy,
            interaction_energy,
            energies,
            layer_energies,
            forces,
            edges: ws.receivers.len(),
        })
    }

    /// Edges (receiver i ← sender j) within `r_max`, their harmonics and radial embedding.
    fn build_edges(&self, s: &Structure, ws: &mut MaceWorkspace) -> Result<(), MaceError> {
        let nl = neighbour_list(s, self.radial.r_max)
            .map_err(|e| MaceError::Structure(e.to_string()))?;
        ws.receivers.clear();
        ws.senders.clear();
        ws.vectors.clear();
        ws.lengths.clear();
        for i in 0..s.len() {
            for nb in nl.of(i) {
                ws.receivers.push(i);
                ws.senders.push(nb.j);
                ws.vectors
                    .push([-nb.vector[0], -nb.vector[1], -nb.vector[2]]);
                ws.lengths.push(nb.distance);
            }
        }
        let n_e = ws.receivers.len();
        let n_sh = (self.sh_lmax + 1) * (self.sh_lmax + 1);
        let nb = self.radial.len();
        resize(&mut ws.sh, n_e * n_sh);
        ws.sh_grad.clear();
        ws.sh_grad.resize(n_e * n_sh, [0.0; 3]);
        resize(&mut ws.ef, n_e * nb);
        resize(&mut ws.def, n_e * nb);
        for e in 0..n_e {
            spherical_harmonics_with_grad(
                self.sh_lmax,
                ws.vectors[e],
                Normalization::Component,
                true,
                &mut ws.sh[e * n_sh..(e + 1) * n_sh],
                &mut ws.sh_grad[e * n_sh..(e + 1) * n_sh],
            );
            self.radial.evaluate(
                ws.lengths[e],
                &mut ws.ef[e * nb..(e + 1) * nb],
                &mut ws.def[e * nb..(e + 1) * nb],
            );
        }
        Ok(())
    }

    fn forward(&self, ws: &mut MaceWorkspace, max_nu: usize) {
        let n = ws.species.len();
        let n_e = ws.receivers.len();
        let n_sh = (self.sh_lmax + 1) * (self.sh_lmax + 1);
        let n_layers = self.layers.len();
        ws.feats.resize(n_layers + 1, Vec::new());
        ws.layers.resize(n_layers, LayerBuffers::default());
        let c0 = self.embedding_dim;
        resize(&mut ws.feats[0], n * c0);
        for (i, &z) in ws.species.iter().enumerate() {
            ws.feats[0][i * c0..(i + 1) * c0]
                .copy_from_slice(&self.embedding[z * c0..(z + 1) * c0]);
        }
        for (t, layer) in self.layers.iter().enumerate() {
            let (din, dout) = (layer.dim_in(), layer.dim_out());
            let dmid = layer.conv.dim_out();
            let dmsg = layer.linear.dim_out();
            let nw = layer.conv.weight_numel();
            let (before, after) = ws.feats.split_at_mut(t + 1);
            let h = &before[t];
            let h_out = &mut after[0];
            let lb = &mut ws.layers[t];
            resize(&mut lb.sc, n * dout);
            if layer.residual {
                for (i, &z) in ws.species.iter().enumerate() {
                    layer.skip.forward(
                        z,
                        &h[i * din..(i + 1) * din],
                        &mut lb.sc[i * dout..(i + 1) * dout],
                    );
                }
            }
            resize(&mut lb.hu, n * din);
            for i in 0..n {
                layer.linear_up.forward(
                    &h[i * din..(i + 1) * din],
                    &mut lb.hu[i * din..(i + 1) * din],
                );
            }
            resize(&mut lb.stash, n_e * layer.mlp.stash_per_edge());
            resize(&mut lb.tpw, n_e * nw);
            layer.mlp.forward(n_e, &ws.ef, &mut lb.stash, &mut lb.tpw);
            resize(&mut lb.mid, n * dmid);
            for e in 0..n_e {
                let (i, j) = (ws.receivers[e], ws.senders[e]);
                layer.conv.forward(
                    &lb.hu[j * din..(j + 1) * din],
                    &ws.sh[e * n_sh..(e + 1) * n_sh],
                    &lb.tpw[e * nw..(e + 1) * nw],
                    &mut lb.mid[i * dmid..(i + 1) * dmid],
                );
            }
            resize(&mut lb.msg, n * dmsg);
            resize(&mut ws.atom_scratch, dmsg.max(layer.product.scratch_len()));
            let inv_avg = 1.0 / layer.avg_num_neighbors;
            for (i, &z) in ws.species.iter().enumerate() {
                let msg = &mut lb.msg[i * dmsg..(i + 1) * dmsg];
                if layer.residual {
                    layer.linear.forward(&lb.mid[i * dmid..(i + 1) * dmid], msg);
                    msg.iter_mut().for_each(|m| *m *= inv_avg);
                } else {
                    let tmp = &mut ws.atom_scratch[..dmsg];
                    layer.linear.forward(&lb.mid[i * dmid..(i + 1) * dmid], tmp);
                    tmp.iter_mut().for_each(|m| *m *= inv_avg);
                    layer.skip.forward(z, tmp, msg);
                }
            }
            let db = layer.product.dim_out();
            let jl = layer.product.jacobian_len();
            resize(&mut lb.b, n * db);
            resize(&mut lb.jac, n * jl);
            for (i, &z) in ws.species.iter().enumerate() {
                layer.product.forward(
                    z,
                    &lb.msg[i * dmsg..(i + 1) * dmsg],
                    max_nu,
                    &mut ws.atom_scratch,
                    &mut lb.b[i * db..(i + 1) * db],
                    &mut lb.jac[i * jl..(i + 1) * jl],
                );
            }
            resize(h_out, n * dout);
            for i in 0..n {
                let o = &mut h_out[i * dout..(i + 1) * dout];
                layer.product_linear.forward(&lb.b[i * db..(i + 1) * db], o);
                if layer.residual {
                    o.iter_mut()
                        .zip(&lb.sc[i * dout..(i + 1) * dout])
                        .for_each(|(a, b)| *a += b);
                }
            }
            let readout = &self.readouts[t];
            let hl = readout.hidden_len();
            resize(&mut lb.hidden, n * hl);
            resize(&mut lb.energies, n);
            for i in 0..n {
                lb.energies[i] = readout.forward(
                    &h_out[i * dout..(i + 1) * dout],
                    &mut lb.hidden[i * hl..(i + 1) * hl],
                );
            }
        }
    }

    /// Fills `g_sh` and `g_ef` with ∂E/∂Y and ∂E/∂R per edge.
    fn backward(&self, ws: &mut MaceWorkspace) {
        let n = ws.species.len();
        let n_e = ws.receivers.len();
        let n_sh = (self.sh_lmax + 1) * (self.sh_lmax + 1);
        let n_layers = self.layers.len();
        ws.g_feats.resize(n_layers + 1, Vec::new());
        resize(
            &mut ws.g_feats[n_layers],
            n * self.layers[n_layers - 1].dim_out(),
        );
        resize(&mut ws.g_sh, n_e * n_sh);
        resize(&mut ws.g_ef, n_e * self.radial.len());
        for (t, layer) in self.layers.iter().enumerate().rev() {
            let (din, dout) = (layer.dim_in(), layer.dim_out());
            let dmid = layer.conv.dim_out();
            let dmsg = layer.linear.dim_out();
            let db = layer.product.dim_out();
            let jl = layer.product.jacobian_len();
            let nw = layer.conv.weight_numel();
            let lb = &ws.layers[t];
            let (g_before, g_after) = ws.g_feats.split_at_mut(t + 1);
            let g_h_out = &mut g_after[0];
            let readout = &self.readouts[t];
            let hl = readout.hidden_len();
            for i in 0..n {
                readout.backward(
                    &lb.hidden[i * hl..(i + 1) * hl],
                    self.scale,
                    &mut g_h_out[i * dout..(i + 1) * dout],
                );
            }
            resize(&mut ws.g_b, n * db);
            for i in 0..n {
                layer.product_linear.backward(
                    &g_h_out[i * dout..(i + 1) * dout],
                    &mut ws.g_b[i * db..(i + 1) * db],
                );
            }
            resize(&mut ws.g_msg, n * dmsg);
            resize(&mut ws.atom_scratch, dmsg.max(layer.product.scratch_len()));
            for i in 0..n {
                layer.product.backward(
                    &lb.jac[i * jl..(i + 1) * jl],
                    &ws.g_b[i * db..(i + 1) * db],
                    &mut ws.atom_scratch,
                    &mut ws.g_msg[i * dmsg..(i + 1) * dmsg],
                );
            }
            resize(&mut ws.g_mid, n * dmid);
            let inv_avg = 1.0 / layer.avg_num_neighbors;
            for (i, &z) in ws.species.iter().enumerate() {
                let g_msg = &ws.g_msg[i * dmsg..(i + 1) * dmsg];
                let tmp = &mut ws.atom_scratch[..dmsg];
                if layer.residual {
                    tmp.copy_from_slice(g_msg);
                } else {
                    tmp.fill(0.0);
                    layer.skip.backward(z, g_msg, tmp);
                }
                tmp.iter_mut().for_each(|g| *g *= inv_avg);
                layer
                    .linear
                    .backward(tmp, &mut ws.g_mid[i * dmid..(i + 1) * dmid]);
            }
            resize(&mut ws.g_hu, n * din);
            resize(&mut ws.g_tpw, n_e * nw);
            for e in 0..n_e {
                let (i, j) = (ws.receivers[e], ws.senders[e]);
                layer.conv.backward(
                    &lb.hu[j * din..(j + 1) * din],
                    &ws.sh[e * n_sh..(e + 1) * n_sh],
                    &lb.tpw[e * nw..(e + 1) * nw],
                    &ws.g_mid[i * dmid..(i + 1) * dmid],
                    &mut ws.g_hu[j * din..(j + 1) * din],
                    &mut ws.g_sh[e * n_sh..(e + 1) * n_sh],
                    &mut ws.g_tpw[e * nw..(e + 1) * nw],
                );
            }
            resize(&mut ws.mlp_scratch, layer.mlp.scratch_len(n_e));
            layer
                .mlp
                .backward(n_e, &lb.stash, &ws.g_tpw, &mut ws.g_ef, &mut ws.mlp_scratch);
            if t > 0 {
                let g_h = &mut g_before[t];
                resize(g_h, n * din);
                for (i, &z) in ws.species.iter().enumerate() {
                    let gh = &mut g_h[i * din..(i + 1) * din];
                    layer
                        .linear_up
                        .backward(&ws.g_hu[i * din..(i + 1) * din], gh);
                    if layer.residual {
                        layer
                            .skip
                            .backward(z, &g_h_out[i * dout..(i + 1) * dout], gh);
                    }
                }
            }
        }
    }

    /// Chain rule from ∂E/∂Y and ∂E/∂R per edge to the forces.
    fn forces_from_edges(&self, ws: &MaceWorkspace, n: usize) -> Vec<[f64; 3]> {
        let n_sh = (self.sh_lmax + 1) * (self.sh_lmax + 1);
        let nb = self.radial.len();
        let mut forces = vec![[0.0; 3]; n];
        for e in 0..ws.receivers.len() {
            let (v, r) = (ws.vectors[e], ws.lengths[e]);
            let g_r: f64 = ws.g_ef[e * nb..(e + 1) * nb]
                .iter()
                .zip(&ws.def[e * nb..(e + 1) * nb])
                .map(|(a, b)| a * b)
                .sum();
            let mut g_v = [g_r * v[0] / r, g_r * v[1] / r, g_r * v[2] / r];
            for (g, d) in ws.g_sh[e * n_sh..(e + 1) * n_sh]
                .iter()
                .zip(&ws.sh_grad[e * n_sh..(e + 1) * n_sh])
            {
                for c in 0..3 {
                    g_v[c] += g * d[c];
                }
            }
            // v = r_receiver − r_sender: ∂E/∂r_receiver += g_v, ∂E/∂r_sender −= g_v; F = −∂E/∂r.
            let (i, j) = (ws.receivers[e], ws.senders[e]);
            for c in 0..3 {
                forces[i][c] -= g_v[c];
                forces[j][c] += g_v[c];
            }
        }
        forces
    }
}
