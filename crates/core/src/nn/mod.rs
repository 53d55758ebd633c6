//! Equivariant neural-network layers with e3nn 0.4.4 semantics (the version mace-torch 0.3.16 uses), so
//! that weights exported from e3nn give the same numbers here: `o3.Linear`, `o3.TensorProduct` with its
//! instruction modes and normalisations, gates, activations, fully connected nets and a NequIP-style
//! interaction layer.
//!
//! Layout is e3nn's: a feature vector for irreps `Σ mul_i x ir_i` is flat, block `i` has `mul_i × (2l_i+1)`
//! entries, multiplicity-major (`x[offset_i + u (2l_i+1) + m]`).
//!
//! | file | object | e3nn |
//! |---|---|---|
//! | `error.rs` | `NnError` | — |
//! | `linear.rs` | `Linear` | `o3.Linear` |
//! | `tensor_product.rs` | `TensorProduct`, `Instruction`, `Mode`, normalisations | `o3.TensorProduct`, `FullyConnectedTensorProduct`, `FullTensorProduct` |
//! | `activation.rs` | `Activation` with normalize2mom constants and parity rules | `nn.Activation`, `math.normalize2mom` |
//! | `gate.rs` | `Gate` | `nn.Gate` |
//! | `fc.rs` | `FullyConnectedNet` | `nn.FullyConnectedNet` |
//! | `scatter.rs` | `scatter_sum` | `torch_scatter.scatter_sum` |
//! | `o3_action.rs` | `apply_o3`: D(g) x for g in O(3), block by block | `Irreps.D_from_matrix` |
//! | `interaction.rs` | `InteractionLayer`, `SpeciesEmbedding` (NequIP-style message passing) | built from the above |

mod error;
mod linear;
mod tensor_product;

pub use error::NnError;
pub use linear::Linear;
pub use tensor_product::{Instruction, IrrepNormalization, Mode, PathNormalization, TensorProduct};

mod activation;
mod fc;
mod gate;
mod interaction;
mod scatter;

pub use activation::{Activation, FunctionParity};
pub use fc::FullyConnectedNet;
pub use gate::Gate;
pub use interaction::{
    InteractionLayer, InteractionSpec, InteractionWeights, InteractionWorkspace, SpeciesEmbedding,
};
pub use scatter::scatter_sum;

// Helper D (widgets): the O(3) action on a feature vector, for the widgets' live equivariance checks.
mod o3_action;

pub use o3_action::apply_o3;
