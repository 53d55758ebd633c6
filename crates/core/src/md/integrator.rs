//! The integrator: velocity Verlet (symplectic, time-reversible, one force call per step), with the
//! thermostat as an option of the same object so a widget can switch NVE ↔ NVT without rebuilding state.
//!
//! * NVE — kick ½dt, drift dt, forces, kick ½dt.
//! * Langevin — BAOAB (Leimkuhler & Matthews 2013): kick ½dt, drift ½dt, exact Ornstein–Uhlenbeck
//!   friction + noise over dt, drift ½dt, forces, kick ½dt. Its configurational sampling is accurate to
//!   O(dt²) with a tiny constant, which is why it is the splitting of choice for large steps.
//! * Berendsen — an NVE step, then all velocities scaled by λ = √(1 + dt/τ (T₀/T − 1)), clamped to
//!   [0.8, 1.25] as GROMACS does. It relaxes T towards T₀ with time constant τ but does not sample the
//!   canonical ensemble: good for bringing a structure to temperature, not for measuring fluctuations.
//!
//! The state caches the forces of the current positions, so a step costs one potential call, and keeps
//! two backup buffers so a failed potential call restores the previous state; nothing is allocated per
//! step by the integrator itself (the [`Potential`] returns its forces as a new `Vec`).

use super::error::{check, MdError};
use super::potential::Potential;
use super::units::{self, ACCELERATION, BOLTZMANN};
use super::velocities::{check_len, check_masses, com_velocity_removed};
use crate::so3::SplitMix64;
use crate::structure::{atomic_mass, Structure};

/// Largest accepted time step (fs). Hydrogen vibrations (period ≈ 9 fs) need ≤ 1 fs; 10 fs is already
/// unstable for anything but heavy atoms, and a larger value is almost certainly a unit mistake.
pub const MAX_TIME_STEP: f64 = 10.0;

/// How the integrator exchanges energy with a heat bath.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Thermostat {
    /// Plain velocity Verlet: the total energy is conserved (NVE).
    None,
    /// Langevin dynamics with BAOAB splitting: samples the canonical ensemble at `temperature` (K);
    /// `friction` γ (1/fs) sets how fast — 0.01/fs (τ = 100 fs) barely perturbs vibrations, 0.1/fs
    /// equilibrates quickly but damps them.
    Langevin {
        /// Target temperature (K).
        temperature: f64,
        /// Friction coefficient γ (1/fs).
        friction: f64,
    },
    /// Berendsen weak coupling: relaxes the kinetic temperature towards `temperature` (K) with time
    /// constant `tau` (fs).
    Berendsen {
        /// Target temperature (K).
        temperature: f64,
        /// Relaxation time (fs).
        tau: f64,
    },
}

impl Thermostat {
    /// `Err` naming the first non-finite or out-of-range parameter.
    pub fn validate(&self) -> Result<(), MdError> {
        match *self {
            Thermostat::None => Ok(()),
            Thermostat::Langevin {
                temperature,
                friction,
            } => {
                check("temperature", temperature, |t| t >= 0.0, "finite and ≥ 0 K")?;
                check("friction", friction, |g| g >= 0.0, "finite and ≥ 0 1/fs")
            }
            Thermostat::Berendsen { temperature, tau } => {
                check("temperature", temperature, |t| t >= 0.0, "finite and ≥ 0 K")?;
                check("tau", tau, |t| t > 0.0, "finite and > 0 fs")
            }
        }
    }
}

/// A trajectory in progress: the structure (positions move, everything else is kept), masses,
/// velocities, and the energy and forces of the current positions.
#[derive(Debug, Clone)]
pub struct VelocityVerlet {
    structure: Structure,
    masses: Vec<f64>,
    velocities: Vec<[f64; 3]>,
    forces: Vec<[f64; 3]>,
    energy: f64,
    thermostat: Thermostat,
    rng: SplitMix64,
    time: f64,
    steps: u64,
    saved_positions: Vec<[f64; 3]>,
    saved_velocities: Vec<[f64; 3]>,
}

impl VelocityVerlet {
    /// Starts a trajectory from `structure` with `velocities` (Å/fs), masses from the standard atomic
    /// weights ([`atomic_mass`]); evaluates the potential once. No thermostat until
    /// [`set_thermostat`](Self::set_thermostat).
    pub fn new<P: Potential + ?Sized>(
        structure: Structure,
        velocities: Vec<[f64; 3]>,
        potential: &mut P,
    ) -> Result<Self, MdError> {
        let masses = masses_of(&structure)?;
        Self::with_masses(structure, masses, velocities, potential)
    }

    /// As [`new`](Self::new) with explicit masses (amu), e.g. deuterium, or a toy model's unit masses.
    pub fn with_masses<P: Potential + ?Sized>(
        structure: Structure,
        masses: Vec<f64>,
        velocities: Vec<[f64; 3]>,
        potential: &mut P,
    ) -> Result<Self, MdError> {
        let n = structure.len();
        check_len("masses", masses.len(), n)?;
        check_len("velocities", velocities.len(), n)?;
        check_len("species", structure.species.len(), n)?;
        check_masses(&masses)?;
        for (i, p) in structure.positions.iter().enumerate() {
            if !p.iter().all(|x| x.is_finite()) {
                return Err(MdError::NonFinite {
                    what: format!("position of atom {i}"),
                });
            }
        }
        for (i, v) in velocities.iter().enumerate() {
            if !v.iter().all(|x| x.is_finite()) {
                return Err(MdError::NonFinite {
                    what: format!("velocity of atom {i}"),
                });
            }
        }
        let mut md = VelocityVerlet {
            saved_positions: structure.positions.clone(),
            saved_velocities: velocities.clone(),
            forces: vec![[0.0; 3]; n],
            structure,
            masses,
            velocities,
            energy: 0.0,
            thermostat: Thermostat::None,
            rng: SplitMix64::new(0),
            time: 0.0,
            steps: 0,
        };
        md.evaluate(potential)?;
        Ok(md)
    }

    /// Switches the thermostat (validated first; on error the old one stays). `seed` restarts the
    /// Langevin noise, so a run is reproducible from the moment its thermostat is set.
    pub fn set_thermostat(&mut self, thermostat: Thermostat, seed: u64) -> Result<(), MdError> {
        thermostat.validate()?;
        self.thermostat = thermostat;
        self.rng = SplitMix64::new(seed);
        Ok(())
    }

    /// Advances by one step of `dt_fs` femtoseconds (0 < dt ≤ [`MAX_TIME_STEP`]). If the potential
    /// fails or returns non-finite values the state is left as it was before the step.
    pub fn step<P: Potential + ?Sized>(
        &mut self,
        potential: &mut P,
        dt_fs: f64,
    ) -> Result<(), MdError> {
        check(
            "dt",
            dt_fs,
            |dt| dt > 0.0 && dt <= MAX_TIME_STEP,
            "finite, > 0 and ≤ 10 fs",
        )?;
        self.saved_positions
            .copy_from_slice(&self.structure.positions);
        self.saved_velocities.copy_from_slice(&self.velocities);
        self.kick(0.5 * dt_fs);
        match self.thermostat {
            Thermostat::Langevin {
                temperature,
                friction,
            } => {
                self.drift(0.5 * dt_fs);
                self.ornstein_uhlenbeck(temperature, friction, dt_fs);
                self.drift(0.5 * dt_fs);
            }
            Thermostat::None | Thermostat::Berendsen { .. } => self.drift(dt_fs),
        }
        if let Err(e) = self.evaluate(potential) {
            self.structure
                .positions
                .copy_from_slice(&self.saved_positions);
            self.velocities.copy_from_slice(&self.saved_velocities);
            return Err(e);
        }
        self.kick(0.5 * dt_fs);
        if let Thermostat::Berendsen { temperature, tau } = self.thermostat {
            self.berendsen(temperature, tau, dt_fs);
        }
        self.time += dt_fs;
        self.steps += 1;
        Ok(())
    }

    /// `n` steps of `dt_fs`; stops at the first error (the state is then that after the last good step).
    pub fn run<P: Potential + ?Sized>(
        &mut self,
        potential: &mut P,
        dt_fs: f64,
        n: usize,
    ) -> Result<(), MdError> {
        for _ in 0..n {
            self.step(potential, dt_fs)?;
        }
        Ok(())
    }

    /// v ← v + h F / m.
    fn kick(&mut self, h: f64) {
        for ((v, f), m) in self
            .velocities
            .iter_mut()
            .zip(&self.forces)
            .zip(&self.masses)
        {
            let a = h * ACCELERATION / m;
            for c in 0..3 {
                v[c] += a * f[c];
            }
        }
    }

    /// r ← r + h v.
    fn drift(&mut self, h: f64) {
        for (r, v) in self.structure.positions.iter_mut().zip(&self.velocities) {
            for c in 0..3 {
                r[c] += h * v[c];
            }
        }
    }

    /// The exact solution of dv = −γ v dt + √(2γ k_B T / m) dW over `dt`, then the centre-of-mass
    /// velocity removed: the noise is isotropic in mass-weighted coordinates, so projecting it off the
    /// total momentum leaves an exact Ornstein–Uhlenbeck process on the other 3N − 3 directions, and the
    /// kinetic temperature (counted over 3N − 3) averages to T.
    fn ornstein_uhlenbeck(&mut self, temperature: f64, friction: f64, dt: f64) {
        let c1 = (-friction * dt).exp();
        let c2 = (1.0 - c1 * c1).max(0.0).sqrt();
        let kt = BOLTZMANN * temperature * ACCELERATION;
        for (v, m) in self.velocities.iter_mut().zip(&self.masses) {
            let sigma = c2 * (kt / m).sqrt();
            for c in v.iter_mut() {
                *c = c1 * *c + sigma * self.rng.normal();
            }
        }
        com_velocity_removed(&self.masses, &mut self.velocities);
    }

    fn berendsen(&mut self, target: f64, tau: f64, dt: f64) {
        let t = self.temperature();
        if t <= 0.0 {
            return; // nothing to scale
        }
        let lambda2 = 1.0 + dt / tau * (target / t - 1.0);
        let lambda = lambda2.max(0.64).sqrt().min(1.25);
        for v in self.velocities.iter_mut() {
            for c in v.iter_mut() {
                *c *= lambda;
            }
        }
    }

    /// Energy and forces at the current positions, checked, into the cache.
    fn evaluate<P: Potential + ?Sized>(&mut self, potential: &mut P) -> Result<(), MdError> {
        let (e, f) = potential
            .energy_forces(&self.structure)
            .map_err(MdError::Potential)?;
        check_len("forces", f.len(), self.structure.len())?;
        if !e.is_finite() {
            return Err(MdError::NonFinite {
                what: "energy".into(),
            });
        }
        if let Some(i) = f.iter().position(|x| !x.iter().all(|c| c.is_finite())) {
            return Err(MdError::NonFinite {
                what: format!("force on atom {i}"),
            });
        }
        self.energy = e;
        self.forces.copy_from_slice(&f);
        Ok(())
    }

    /// The structure at the current time (positions in Å, never wrapped into the cell).
    pub fn structure(&self) -> &Structure {
        &self.structure
    }

    /// Masses (amu).
    pub fn masses(&self) -> &[f64] {
        &self.masses
    }

    /// Velocities (Å/fs).
    pub fn velocities(&self) -> &[[f64; 3]] {
        &self.velocities
    }

    /// Velocities to edit (rescale, reverse); positions are only moved by steps so the cached forces
    /// stay valid.
    pub fn velocities_mut(&mut self) -> &mut [[f64; 3]] {
        &mut self.velocities
    }

    /// Forces at the current positions (eV/Å).
    pub fn forces(&self) -> &[[f64; 3]] {
        &self.forces
    }

    /// Potential energy at the current positions (eV).
    pub fn potential_energy(&self) -> f64 {
        self.energy
    }

    /// Kinetic energy (eV).
    pub fn kinetic_energy(&self) -> f64 {
        units::kinetic_energy(&self.masses, &self.velocities)
    }

    /// Potential plus kinetic energy (eV): conserved, up to O(dt²) oscillation, without a thermostat.
    pub fn total_energy(&self) -> f64 {
        self.energy + self.kinetic_energy()
    }

    /// Kinetic temperature (K) over 3N − 3 degrees of freedom.
    pub fn temperature(&self) -> f64 {
        units::temperature(&self.masses, &self.velocities)
    }

    /// Simulated time (fs).
    pub fn time_fs(&self) -> f64 {
        self.time
    }

    /// Steps taken.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The current thermostat.
    pub fn thermostat(&self) -> Thermostat {
        self.thermostat
    }
}

/// Standard atomic weights of every atom, or the first atom whose element is not in the table.
fn masses_of(s: &Structure) -> Result<Vec<f64>, MdError> {
    s.species
        .iter()
        .enumerate()
        .map(|(atom, sp)| {
            atomic_mass(sp).ok_or_else(|| MdError::UnknownMass {
                atom,
                species: sp.clone(),
            })
        })
        .collect()
}
