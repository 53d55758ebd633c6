//! SO(3) and O(3): rotations, real spherical harmonics, Wigner D matrices, Wigner 3j / Clebsch–Gordan
//! coefficients and irreps — in e3nn's conventions (`e3nn.o3`), one mathematical object per file.
//!
//! | file | object | e3nn |
//! |---|---|---|
//! | `rotation.rs` | rotation matrices, Y-X-Y Euler angles, axis-angle, quaternions, random rotations | `o3/_rotation.py` |
//! | `spherical_harmonics.rs` | real spherical harmonics and gradients (y polar axis) | `o3.spherical_harmonics` |
//! | `wigner_d.rs` | Wigner D matrices in the real basis | `o3.wigner_D` |
//! | `wigner_3j.rs` | real coupling tensors, e3nn 0.4.4 signs | `o3.wigner_3j` |
//! | `clebsch_gordan.rs` | complex Clebsch–Gordan coefficients | sympy `CG` |
//! | `irreps.rs` | `Irrep`, `Irreps` with parity | `o3.Irrep`, `o3.Irreps` |

mod clebsch_gordan;
mod error;
mod irreps;
mod rotation;
mod sh_kernels;
mod spherical_harmonics;
mod wigner_3j;
mod wigner_d;

pub use clebsch_gordan::clebsch_gordan;
pub use error::So3Error;
pub use irreps::{Irrep, Irreps, MulIr, Parity, SortedIrreps, MAX_MULTIPLICITY};
pub use rotation::{
    angles_to_matrix, apply, axis_angle_to_matrix, check_rotation, det, mat_mul, matrix_to_angles,
    matrix_to_axis_angle, matrix_x, matrix_y, matrix_z, random_rotation, transpose, xyz_to_angles,
    Mat3, Quaternion, SplitMix64, IDENTITY, INVERSION,
};
pub use spherical_harmonics::{
    sh_index, sh_len, spherical_harmonics, spherical_harmonics_with_grad, Normalization,
    ShCalculator,
};
pub use wigner_3j::{so3_clebsch_gordan, triangle, wigner_3j, Tensor3};
pub use wigner_d::{wigner_d, wigner_d_all, wigner_d_from_matrix};

/// The largest degree `l` that the spherical harmonics, Wigner D and Wigner 3j routines accept.
/// Callers check user input against it.
pub const LMAX_SUPPORTED: usize = 20;
