//! The Multi-ACE design space (Batatia et al., *Nature Machine Intelligence* 7, 56–67 (2025),
//! "The design space of E(3)-equivariant atom-centred interatomic potentials"): a model is a choice
//! along a few axes — the one-particle basis, the correlation order ν of each layer's product basis,
//! the number of layers T, the degree of the spherical harmonics and of the messages, linear or
//! non-linear updates and readouts, the cutoff. Derived quantities (body order, receptive field,
//! feature sizes) follow from the choice, and every point with linear updates, ν ≤ 3, T ≤ 3 and
//! degrees ≤ 3 runs as a MACE model with random weights ([`DesignPoint::instantiate`]).
//!
//! | file | object |
//! |---|---|
//! | `point.rs` | [`DesignPoint`], its axes and [`Derived`] quantities |
//! | `experiment.rs` | [`Experiment`]: the book's ν × T training experiment, read from its JSON |
//! | `published.rs` | [`published_models`]: ACE, SchNet, DimeNet, PaiNN, NequIP, Allegro, BOTNet, MACE as points |

mod experiment;
mod point;
mod published;

pub use experiment::{parse_experiment, DataInfo, ErrorMetric, Experiment, Metrics, Run};
pub use point::{mace_readout, BodyOrder, Derived, DesignPoint, Nonlinearity, OneParticleBasis};
pub use published::{published_models, PublishedModel};
