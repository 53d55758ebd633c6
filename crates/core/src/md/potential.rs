//! What the integrator needs from a model: the energy of a structure and the forces on its atoms. The
//! trait is the seam between the dynamics and the models, so a widget can swap a linear ACE for MACE
//! without touching the integrator.

use crate::ace::LinearAce;
use crate::structure::Structure;

/// An interatomic potential: total energy (eV) and forces F = −∂E/∂r (eV/Å), one per atom.
///
/// `&mut self` so that a potential may keep scratch buffers or a neighbour list between calls; the
/// error is a message because the integrator only passes it on (as [`crate::md::MdError::Potential`]).
pub trait Potential {
    /// Energy and forces of `s`.
    fn energy_forces(&mut self, s: &Structure) -> Result<(f64, Vec<[f64; 3]>), String>;
}

impl Potential for LinearAce {
    fn energy_forces(&mut self, s: &Structure) -> Result<(f64, Vec<[f64; 3]>), String> {
        LinearAce::energy_forces(self, s).map_err(|e| e.to_string())
    }
}

impl<P: Potential + ?Sized> Potential for &mut P {
    fn energy_forces(&mut self, s: &Structure) -> Result<(f64, Vec<[f64; 3]>), String> {
        (**self).energy_forces(s)
    }
}
