//! Molecular dynamics for live widgets: velocity Verlet, optionally with a Langevin (BAOAB) or Berendsen
//! thermostat, driven by any [`Potential`] — a fitted linear ACE today, MACE next. Units are the
//! book's: Å, eV, eV/Å, fs, amu, K.
//!
//! | file | object |
//! |---|---|
//! | `potential.rs` | [`Potential`]: energy and forces of a structure; implemented for [`crate::ace::LinearAce`] |
//! | `units.rs` | eV/(Å·amu) → Å/fs² from CODATA 2018, k_B, kinetic energy, temperature (3N − 3 DOF) |
//! | `velocities.rs` | [`maxwell_boltzmann`] initial velocities, centre-of-mass removal, exact rescaling |
//! | `integrator.rs` | [`VelocityVerlet`] state and step, [`Thermostat`] |
//! | `error.rs` | [`MdError`] |
//!
//! ```
//! use multiace_core::md::{maxwell_boltzmann, Potential, Thermostat, VelocityVerlet};
//! use multiace_core::so3::SplitMix64;
//! use multiace_core::structure::Structure;
//!
//! // A diatomic with a harmonic bond (k = 10 eV/Å², r₀ = 1 Å).
//! struct Spring;
//! impl Potential for Spring {
//!     fn energy_forces(&mut self, s: &Structure) -> Result<(f64, Vec<[f64; 3]>), String> {
//!         let d: Vec<f64> = (0..3).map(|c| s.positions[1][c] - s.positions[0][c]).collect();
//!         let r = d.iter().map(|x| x * x).sum::<f64>().sqrt();
//!         let g = 10.0 * (r - 1.0) / r;
//!         let f1 = [-g * d[0], -g * d[1], -g * d[2]];
//!         Ok((5.0 * (r - 1.0).powi(2), vec![[-f1[0], -f1[1], -f1[2]], f1]))
//!     }
//! }
//! let s = Structure::new(vec!["H".into(), "H".into()], vec![[0.0; 3], [1.1, 0.0, 0.0]]);
//! let masses = [1.008, 1.008];
//! let v = maxwell_boltzmann(&masses, 300.0, &mut SplitMix64::new(1)).unwrap();
//! let mut md = VelocityVerlet::new(s, v, &mut Spring).unwrap();
//! let e0 = md.total_energy();
//! md.run(&mut Spring, 0.1, 1000).unwrap();
//! assert!((md.total_energy() - e0).abs() < 1e-4);
//! md.set_thermostat(Thermostat::Langevin { temperature: 300.0, friction: 0.01 }, 7).unwrap();
//! md.run(&mut Spring, 0.5, 100).unwrap();
//! ```

mod error;
mod integrator;
mod potential;
mod units;
mod velocities;

pub use error::MdError;
pub use integrator::{Thermostat, VelocityVerlet, MAX_TIME_STEP};
pub use potential::Potential;
pub use units::{
    degrees_of_freedom, kinetic_energy, temperature, ACCELERATION, AMU_A2_PER_FS2_IN_EV, BOLTZMANN,
};
pub use velocities::{maxwell_boltzmann, remove_com_momentum, scale_to_temperature};
