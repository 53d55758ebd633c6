//! Units of the dynamics. Positions are in Å, energies in eV, forces in eV/Å, masses in amu, time in fs,
//! so velocities are in Å/fs. Only one conversion is needed: F/m in eV/(Å·amu) to an acceleration in
//! Å/fs² (and its inverse, m v² in amu·Å²/fs² to eV).
//!
//! From CODATA 2018 (e and, since 2019, k_B exact):
//!
//! ```text
//! e   = 1.602176634e-19 J          (exact)
//! m_u = 1.66053906660e-27 kg       (atomic mass constant)
//! k_B = 1.380649e-23 J/K           (exact)
//!
//! 1 eV/(Å·amu) = e / (m_u · 1e-10 m)  = 9.6485332156653e17 m/s²
//!              = 9.6485332156653e17 · 1e10 Å / 1e30 fs² = 9.6485332156653e-3 Å/fs²
//! 1 amu·Å²/fs² = m_u · 1e-20 m² / 1e-30 s² / e  = 103.64269652680505 eV
//! k_B          = 1.380649e-23 / 1.602176634e-19  = 8.617333262145177e-5 eV/K
//! ```

/// Acceleration (Å/fs²) of one amu pushed by one eV/Å.
pub const ACCELERATION: f64 = 9.648_533_215_665_3e-3;

/// One amu·Å²/fs² in eV (the inverse of [`ACCELERATION`]).
pub const AMU_A2_PER_FS2_IN_EV: f64 = 103.642_696_526_805_05;

/// Boltzmann's constant in eV/K (CODATA 2018, exact in SI).
pub const BOLTZMANN: f64 = 8.617_333_262_145_177e-5;

/// Kinetic energy ½ Σ m v² in eV (masses in amu, velocities in Å/fs).
pub fn kinetic_energy(masses: &[f64], velocities: &[[f64; 3]]) -> f64 {
    0.5 * AMU_A2_PER_FS2_IN_EV
        * masses
            .iter()
            .zip(velocities)
            .map(|(m, v)| m * (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]))
            .sum::<f64>()
}

/// Degrees of freedom of `n` atoms with the centre of mass fixed: 3N − 3 (0 for a single atom).
///
/// Every integrator here keeps the total momentum zero (velocities start with it removed, forces of a
/// translation-invariant potential sum to zero, and the Langevin noise is projected off it), so three
/// of the 3N momenta never carry kinetic energy. Rotations are *not* removed: a free molecule can tumble.
pub fn degrees_of_freedom(n: usize) -> usize {
    3 * n.saturating_sub(1)
}

/// Instantaneous kinetic temperature (K): 2 K / (N_f k_B) with N_f = 3N − 3 ([`degrees_of_freedom`]).
/// Zero for fewer than two atoms.
pub fn temperature(masses: &[f64], velocities: &[[f64; 3]]) -> f64 {
    let dof = degrees_of_freedom(masses.len().min(velocities.len()));
    if dof == 0 {
        return 0.0;
    }
    2.0 * kinetic_energy(masses, velocities) / (dof as f64 * BOLTZMANN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_constants_agree_with_each_other() {
        assert!((ACCELERATION * AMU_A2_PER_FS2_IN_EV - 1.0).abs() < 1e-14);
        // Two amu at 1 Å/fs: ½ m v² = 1 amu·Å²/fs² = 103.64 eV.
        assert!((kinetic_energy(&[2.0], &[[1.0, 0.0, 0.0]]) - 103.642_696_526_805).abs() < 1e-9);
    }
}
