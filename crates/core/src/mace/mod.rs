//! MACE (Batatia et al., NeurIPS 2022) as mace-torch 0.3.16 computes it: energies, site energies and
//! analytic forces of models trained with mace-torch and exported by `tools/export_mace.py`.
//!
//! | file | object |
//! |---|---|
//! | `load.rs` | [`MaceModel::from_safetensors`]: reading and validating a model file |
//! | `builder.rs` | [`MaceSpec`], [`MaceModel::with_random_weights`]: mace-torch's constructor layout from hyperparameters |
//! | `metadata.rs` | the exported JSON (hyperparameters, e3nn instruction lists) |
//! | `blocks.rs` | e3nn linear maps, the element-dependent skip, the Bessel embedding |
//! | `radial_mlp.rs` | the radial network, all edges at once |
//! | `gemm.rs` | bounds-checked strided matrix products (`matrixmultiply`; not nalgebra, see the file) |
//! | `conv.rs` | the tensor product of neighbour features and bond harmonics |
//! | `contraction.rs` | the symmetric contraction (product basis, correlation order ν) |
//! | `readout.rs` | linear and non-linear readouts |
//! | `model.rs` | [`MaceModel::evaluate`]: forward and backward pass |
//! | `u_matrix.rs` | [`u_matrix_real`]: mace-torch's generalised Clebsch–Gordan tensors, rebuilt |
//! | `contributions.rs` | [`OrderContributions`]: each correlation order's share of the site energies |
//! | `summary.rs` | [`ModelSummary`]: the blocks as irreps and sizes, for people |
//! | `probe.rs` | [`MaceModel::self_check`]: does a loaded model evaluate at all (run before a page swaps models) |
//! | `calculator.rs` | [`MaceCalculator`]: a model with its buffers, as an MD [`crate::md::Potential`] |
//!
//! ```
//! use multiace_core::mace::{EvalOptions, MaceModel};
//! use multiace_core::structure::read_xyz;
//!
//! let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/models/mace_ethanol.safetensors")).unwrap();
//! let model = MaceModel::from_safetensors(&bytes).unwrap();
//! let water = read_xyz("3\n\nO 0 0 0\nH 0.76 0.59 0\nH -0.76 0.59 0\n").unwrap().remove(0);
//! let out = model.evaluate(&water, &mut model.workspace(), EvalOptions::default()).unwrap();
//! // Forces sum to zero: the energy does not change when the molecule is translated.
//! let total: f64 = (0..3).map(|c| out.forces.iter().map(|f| f[c]).sum::<f64>().abs()).sum();
//! assert!(total < 1e-12);
//! ```

mod backward;
mod blocks;
mod builder;
mod calculator;
mod contraction;
mod contributions;
mod conv;
mod error;
mod forward;
mod gemm;
mod load;
mod metadata;
mod model;
mod par;
mod probe;
mod radial_mlp;
mod readout;
mod summary;
mod u_matrix;

pub use builder::MaceSpec;
pub use calculator::MaceCalculator;
pub use contraction::MAX_CORRELATION;
pub use contributions::OrderContributions;
pub use error::MaceError;
pub use load::MAX_ELL;
pub use model::{EvalOptions, MaceModel, MaceOutput, MaceWorkspace};
pub use summary::{LayerSummary, ModelSummary};
pub use u_matrix::u_matrix_real;
