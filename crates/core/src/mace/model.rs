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
use crate::structure::{atomic_number, Structure};

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
pub(super) struct LayerBuffers {
    pub(super) sc: Vec<f64>,
    pub(super) hu: Vec<f64>,
    pub(super) stash: Vec<f64>,
    pub(super) tpw: Vec<f64>,
    pub(super) mid: Vec<f64>,
    pub(super) msg: Vec<f64>,
    pub(super) jac: Vec<f64>,
    pub(super) b: Vec<f64>,
    pub(super) hidden: Vec<f64>,
    pub(super) energies: Vec<f64>,
}

/// Reusable buffers: evaluating the same model again on a structure of the same size allocates
/// nothing.
#[derive(Debug, Clone, Default)]
pub struct MaceWorkspace {
    /// Whether this evaluation spreads its loops over threads ([`super::par`]).
    pub(super) par: bool,
    pub(super) species: Vec<usize>,
    pub(super) receivers: Vec<usize>,
    pub(super) senders: Vec<usize>,
    /// `recv_start[i]..recv_start[i + 1]`: the edges atom i receives (edges are grouped by receiver).
    pub(super) recv_start: Vec<usize>,
    /// `send_order[send_start[j]..send_start[j + 1]]`: the edges atom j sends.
    pub(super) send_start: Vec<usize>,
    pub(super) send_order: Vec<usize>,
    pub(super) vectors: Vec<[f64; 3]>,
    pub(super) lengths: Vec<f64>,
    pub(super) sh: Vec<f64>,
    pub(super) sh_grad: Vec<[f64; 3]>,
    pub(super) ef: Vec<f64>,
    pub(super) def: Vec<f64>,
    /// `feats[t]`: the input of layer t; `feats[T]` the output of the last layer.
    pub(super) feats: Vec<Vec<f64>>,
    pub(super) layers: Vec<LayerBuffers>,
    pub(super) g_feats: Vec<Vec<f64>>,
    pub(super) g_hu: Vec<f64>,
    /// Each edge's share of its sender's ∂E/∂h̃, before the sum per sender.
    pub(super) g_hu_edge: Vec<f64>,
    pub(super) g_mid: Vec<f64>,
    pub(super) g_msg: Vec<f64>,
    pub(super) g_b: Vec<f64>,
    pub(super) g_tpw: Vec<f64>,
    pub(super) g_sh: Vec<f64>,
    pub(super) g_ef: Vec<f64>,
    /// ∂E/∂v per edge, before the sums per atom that give the forces.
    pub(super) g_v: Vec<[f64; 3]>,
    pub(super) atom_scratch: Vec<f64>,
    pub(super) mlp_scratch: Vec<f64>,
}

pub(super) fn resize(v: &mut Vec<f64>, n: usize) {
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
                // atoms are numbered from 0 everywhere in the book, as in the widgets
                return Err(MaceError::Structure(format!(
                    "atom {i} has a non-finite position"
                )));
            }
            let z = atomic_number(sym).map(u32::from);
            match z.and_then(|z| self.atomic_numbers.iter().position(|&a| a == z)) {
                Some(k) => out.push(k),
                None => {
                    return Err(MaceError::Structure(format!(
                        "atom {i} is {sym}, but this model only knows {}",
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
        ws.par = super::par::parallel_for(s.len());
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
}
