//! The atomic cluster expansion (Drautz 2019; Dusson et al. 2022): radial bases with smooth cutoffs, the
//! one-particle basis φ_{znlm} = R_n(r) Y_lm(r̂), the atomic basis A (neighbour density projected on φ),
//! products of A coupled to O(3) invariants B for correlation orders ν ≤ 4, and linear ACE models fitted to
//! energies and forces.
//!
//! | file | object |
//! |---|---|
//! | `radial.rs` | R_n(r) × cutoff envelope: Bessel (MACE), Chebyshev (ACE codes), Gaussian |
//! | `coupling.rs` | generalised Clebsch–Gordan coefficients, symmetrised and made independent |
//! | `basis.rs` | channels (z, n, l), the invariant basis functions and their sparse terms |
//! | `evaluator.rs` | φ, A, B and derivatives for one atom, allocation-free |
//! | `descriptors.rs` | B for every atom of a structure |
//! | `linear.rs` | linear ACE: energies, forces, least-squares fit, errors |
//! | `density.rs` | the smeared angular neighbour density and its truncated expansion |

mod basis;
mod coupling;
mod density;
mod descriptors;
mod error;
mod evaluator;
mod linear;
mod radial;

pub use basis::{AceBasis, AceSpec, BasisFunction, Channel, L_MAX_SUPPORTED, MAX_BASIS_FUNCTIONS};
pub use coupling::{invariant_couplings, InvariantCoupling, MAX_ORDER};
pub use density::{angular_density, AngularDensity};
pub use descriptors::{atomic_basis_of_structure, descriptors, Descriptors, Environments};
pub use error::AceError;
pub use evaluator::{Evaluator, NeighbourTerm};
pub use linear::{fit, FitErrors, FitOptions, LinearAce, LinearFit, Parity};
pub use radial::{
    cosine_cutoff, polynomial_cutoff, RadialBasis, RadialKind, DEFAULT_CHEB_LAMBDA,
    DEFAULT_ENVELOPE_P, N_MAX_SUPPORTED,
};
