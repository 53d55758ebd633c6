//! The JSON that `tools/export_mace.py` writes into the safetensors header under the key `multiace`:
//! hyperparameters, the e3nn instruction lists with their path weights, and the names of the tensors.
//! Only the fields the evaluation needs are read; serde reports a missing or mistyped one by name.

use serde::Deserialize;
use std::collections::BTreeMap;

/// The export format this reader understands.
pub const FORMAT: &str = "multiace-mace-export-1";

#[derive(Debug, Clone, Deserialize)]
pub struct ExportMeta {
    pub format: String,
    pub model_class: String,
    #[serde(default)]
    pub heads: Vec<String>,
    pub atomic_numbers: Vec<u32>,
    pub r_max: f64,
    pub radial_type: String,
    pub num_bessel: usize,
    pub num_polynomial_cutoff: u32,
    pub distance_transform: Option<String>,
    pub apply_cutoff: bool,
    pub sh_irreps: String,
    pub sh_normalize: bool,
    pub sh_normalization: String,
    pub max_ell: usize,
    pub num_interactions: usize,
    pub pair_repulsion: bool,
    pub node_embedding: LinearMeta,
    pub interactions: Vec<InteractionMeta>,
    pub products: Vec<ProductMeta>,
    pub readouts: Vec<ReadoutMeta>,
}

/// e3nn `o3.Linear`: irreps and `(i_in, i_out)` instructions with their normalisation.
#[derive(Debug, Clone, Deserialize)]
pub struct LinearMeta {
    pub irreps_in: String,
    pub irreps_out: String,
    pub instructions: Vec<LinearInstructionMeta>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LinearInstructionMeta {
    pub i_in: usize,
    pub i_out: usize,
    pub path_shape: Vec<usize>,
    pub path_weight: f64,
}

/// e3nn `o3.TensorProduct` / `FullyConnectedTensorProduct`.
#[derive(Debug, Clone, Deserialize)]
pub struct TensorProductMeta {
    pub irreps_in1: String,
    pub irreps_in2: String,
    pub irreps_out: String,
    pub shared_weights: bool,
    pub weight_numel: usize,
    pub instructions: Vec<TpInstructionMeta>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TpInstructionMeta {
    pub i_in1: usize,
    pub i_in2: usize,
    pub i_out: usize,
    pub connection_mode: String,
    pub has_weight: bool,
    pub path_weight: f64,
    pub path_shape: Vec<usize>,
}

/// An activation with e3nn's `normalize2mom` constant (a `null` entry is "no activation").
#[derive(Debug, Clone, Deserialize)]
pub struct ActivationMeta {
    pub function: String,
    pub cst: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct InteractionMeta {
    pub class: String,
    pub avg_num_neighbors: f64,
    pub node_feats_irreps: String,
    pub target_irreps: String,
    pub radial_mlp: Vec<usize>,
    pub radial_mlp_activations: Vec<Option<ActivationMeta>>,
    pub radial_mlp_bias: bool,
    pub linear_up: LinearMeta,
    pub conv_tp: TensorProductMeta,
    pub linear: LinearMeta,
    pub skip_tp: TensorProductMeta,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TensorRef {
    pub tensor: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ContractionMeta {
    pub irrep_out: String,
    pub correlation: usize,
    #[serde(rename = "U_matrices")]
    pub u_matrices: BTreeMap<String, TensorRef>,
    pub weights: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ProductMeta {
    pub use_sc: bool,
    pub irreps_in: String,
    pub irreps_out: String,
    pub correlation: usize,
    pub contractions: Vec<ContractionMeta>,
    pub linear: LinearMeta,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReadoutMeta {
    pub class: String,
    pub linear: Option<LinearMeta>,
    pub linear_1: Option<LinearMeta>,
    pub linear_2: Option<LinearMeta>,
    pub gate: Option<Vec<Option<ActivationMeta>>>,
}
