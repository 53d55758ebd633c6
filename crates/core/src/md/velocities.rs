//! Initial velocities: independent Maxwell–Boltzmann draws per atom and direction, then the centre-of-mass
//! motion taken out so the molecule does not drift across a widget, and optionally a rescale to hit the
//! requested temperature exactly (a small system's draw can be tens of per cent off).

use super::error::{check, MdError};
use super::units::{temperature, ACCELERATION, BOLTZMANN};
use crate::so3::SplitMix64;

/// Velocities (Å/fs) drawn from the Maxwell–Boltzmann distribution at `temperature` (K), masses in amu,
/// with the centre-of-mass momentum removed. Each component is normal with variance k_B T / m; removing
/// the centre-of-mass momentum leaves 3N − 3 degrees of freedom, whose mean kinetic temperature is
/// exactly `temperature` ([`crate::md::temperature`] counts 3N − 3). Call [`scale_to_temperature`] to
/// make this draw's temperature exact.
pub fn maxwell_boltzmann(
    masses: &[f64],
    temperature: f64,
    rng: &mut SplitMix64,
) -> Result<Vec<[f64; 3]>, MdError> {
    check("temperature", temperature, |t| t >= 0.0, "finite and ≥ 0 K")?;
    check_masses(masses)?;
    let kt = BOLTZMANN * temperature;
    let mut v: Vec<[f64; 3]> = masses
        .iter()
        .map(|&m| {
            let sigma = (kt * ACCELERATION / m).sqrt();
            [
                sigma * rng.normal(),
                sigma * rng.normal(),
                sigma * rng.normal(),
            ]
        })
        .collect();
    remove_com_momentum(masses, &mut v)?;
    Ok(v)
}

/// Subtracts the centre-of-mass velocity Σ m v / Σ m from every atom, so the total momentum is zero.
pub fn remove_com_momentum(masses: &[f64], velocities: &mut [[f64; 3]]) -> Result<(), MdError> {
    check_masses(masses)?;
    check_len("velocities", velocities.len(), masses.len())?;
    com_velocity_removed(masses, velocities);
    Ok(())
}

/// Multiplies every velocity by one factor so the kinetic temperature (3N − 3 degrees of freedom) is
/// exactly `temperature`. Velocities that are all zero stay zero: there is no direction to scale.
pub fn scale_to_temperature(
    masses: &[f64],
    velocities: &mut [[f64; 3]],
    temperature_k: f64,
) -> Result<(), MdError> {
    check(
        "temperature",
        temperature_k,
        |t| t >= 0.0,
        "finite and ≥ 0 K",
    )?;
    check_masses(masses)?;
    check_len("velocities", velocities.len(), masses.len())?;
    let t = temperature(masses, velocities);
    if t > 0.0 {
        let f = (temperature_k / t).sqrt();
        for v in velocities.iter_mut() {
            for c in v.iter_mut() {
                *c *= f;
            }
        }
    }
    Ok(())
}

/// The unchecked core of [`remove_com_momentum`], allocation-free, for the integrator's hot loop.
pub(crate) fn com_velocity_removed(masses: &[f64], velocities: &mut [[f64; 3]]) {
    let total: f64 = masses.iter().sum();
    if total <= 0.0 {
        return;
    }
    let mut p = [0.0; 3];
    for (m, v) in masses.iter().zip(velocities.iter()) {
        for c in 0..3 {
            p[c] += m * v[c];
        }
    }
    for v in velocities.iter_mut() {
        for c in 0..3 {
            v[c] -= p[c] / total;
        }
    }
}

pub(crate) fn check_masses(masses: &[f64]) -> Result<(), MdError> {
    for &m in masses {
        check("mass", m, |m| m > 0.0, "finite and > 0 amu")?;
    }
    Ok(())
}

pub(crate) fn check_len(what: &'static str, len: usize, atoms: usize) -> Result<(), MdError> {
    if len == atoms {
        Ok(())
    } else {
        Err(MdError::Shape { what, len, atoms })
    }
}
