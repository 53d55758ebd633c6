//! A description of a loaded model for people: the irreps and sizes of every block, which the
//! architecture widget and the CLI print next to the live tensor shapes of a structure.

use super::model::MaceModel;
use super::readout::Readout;

/// One interaction + product layer, as irreps strings and sizes (per atom unless said otherwise).
#[derive(Debug, Clone, PartialEq)]
pub struct LayerSummary {
    /// Residual block (skip from the incoming features) or not (skip applied to the message).
    pub residual: bool,
    /// Irreps of the features entering the layer.
    pub node_irreps: String,
    /// Radial network sizes, Bessel functions → … → weights per edge.
    pub radial_mlp: Vec<usize>,
    /// Number of tensor-product paths (each with one weight per channel and edge).
    pub tp_paths: usize,
    /// Irreps of the summed tensor-product messages (before the linear map), `A` of the paper.
    pub message_irreps: String,
    /// Irreps after the linear map and `1/avg_num_neighbors`: the input of the product basis.
    pub target_irreps: String,
    /// The normalisation `avg_num_neighbors`.
    pub avg_num_neighbors: f64,
    /// Correlation order ν.
    pub correlation: usize,
    /// Distinct monomials per order ν = 1..correlation (summed over output irreps), per channel.
    pub monomials: Vec<usize>,
    /// Irreps of the layer's output features.
    pub output_irreps: String,
    /// `"linear"` or `"MLP 16x0e"`.
    pub readout: String,
}

/// The whole model.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSummary {
    pub model_class: String,
    pub elements: String,
    pub r_max: f64,
    pub num_bessel: usize,
    pub polynomial_p: u32,
    pub sh_lmax: usize,
    pub embedding_irreps: String,
    pub layers: Vec<LayerSummary>,
    pub scale: f64,
    pub shift: f64,
    /// Reference energies E0 per element (eV), in the order of `elements`.
    pub e0: Vec<f64>,
}

impl MaceModel {
    /// The model's blocks as irreps and sizes.
    pub fn summary(&self) -> ModelSummary {
        let layers = self
            .layers
            .iter()
            .zip(&self.readouts)
            .map(|(l, r)| LayerSummary {
                residual: l.residual,
                node_irreps: l.linear_up.irreps_in.to_string(),
                radial_mlp: l.mlp.sizes().to_vec(),
                tp_paths: l.conv.num_paths(),
                message_irreps: l.conv.irreps_out.to_string(),
                target_irreps: l.linear.irreps_out.to_string(),
                avg_num_neighbors: l.avg_num_neighbors,
                correlation: l.product.correlation,
                monomials: l.product.monomials(),
                output_irreps: l.product_linear.irreps_out.to_string(),
                readout: match r {
                    Readout::Linear(_) => "linear".into(),
                    Readout::NonLinear { first, .. } => format!("MLP {}", first.irreps_out),
                },
            })
            .collect();
        ModelSummary {
            model_class: self.model_class.clone(),
            elements: self.element_list(),
            r_max: self.radial.r_max,
            num_bessel: self.radial.len(),
            polynomial_p: self.radial.p,
            sh_lmax: self.sh_lmax,
            embedding_irreps: format!("{}x0e", self.embedding_dim),
            layers,
            scale: self.scale,
            shift: self.shift,
            e0: self.e0.clone(),
        }
    }
}
