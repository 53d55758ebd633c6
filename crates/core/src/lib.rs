//! # multiace-core
//!
//! The science behind *Multi-ACE Learning*, an interactive textbook on equivariant interatomic potentials:
//! pure Rust, `f64` throughout, no web dependencies, so the same code runs in the browser (wasm32), in the
//! command-line tool and in the tests that compare it with e3nn and sympy.
//!
//! Conventions follow e3nn 0.4.4 (the version mace-torch 0.3.16 uses), so numbers match the library a
//! reader will use next: spherical harmonics with **y** as the polar axis and `l = 1` block `(x, y, z)`,
//! Wigner D with `D^1(R) = R`, Euler angles `R = R_y(α) R_x(β) R_y(γ)`, and e3nn 0.4.4's signs of the
//! Wigner 3j tensors.
//!
//! ```
//! use multiace_core::so3::{self, Normalization};
//!
//! // Spherical harmonics up to l = 2 of a bond vector, e3nn order (1 + 3 + 5 components).
//! let v = [0.3, -1.2, 0.5];
//! let mut y = vec![0.0; so3::sh_len(2)];
//! so3::spherical_harmonics(2, v, Normalization::Component, true, &mut y);
//!
//! // They rotate with the Wigner D matrices: Y(R v) = D(R) Y(v).
//! let r = so3::angles_to_matrix(0.1, 0.7, -1.3);
//! let mut y_rot = vec![0.0; so3::sh_len(2)];
//! so3::spherical_harmonics(2, so3::apply(&r, v), Normalization::Component, true, &mut y_rot);
//! let d2 = so3::wigner_d_from_matrix(2, &r);
//! let y2 = nalgebra::DVector::from_row_slice(&y[4..9]);
//! assert!(((&d2 * y2) - nalgebra::DVector::from_row_slice(&y_rot[4..9])).norm() < 1e-12);
//!
//! // Coupling 1 ⊗ 1 → 0 is the dot product: C_ij = δ_ij / √3.
//! let c = so3::wigner_3j(1, 1, 0).unwrap();
//! assert!((c.get(0, 0, 0) - 1.0 / 3f64.sqrt()).abs() < 1e-15);
//! ```

pub mod ace;
pub mod mace;
pub mod md;
pub mod multiace;
pub mod nn;
pub mod so3;
pub mod structure;
