//! The one error type of the `md` module: each variant names the parameter or atom at fault, so a widget
//! can show it beside its slider and the CLI can print it as one line. Nothing in `md` panics on user
//! input; a bad value comes back as one of these.

use std::fmt;

/// What went wrong when setting up or advancing a trajectory.
#[derive(Debug, Clone, PartialEq)]
pub enum MdError {
    /// A numeric parameter is non-finite or outside its range.
    Parameter {
        /// The parameter (`"dt"`, `"temperature"`, `"friction"`, `"tau"`, `"mass"`).
        name: &'static str,
        /// Its value, as text.
        value: String,
        /// What is allowed.
        allowed: String,
    },
    /// An atom whose element has no mass in [`crate::structure::atomic_mass`].
    UnknownMass {
        /// The atom index (0-based, file order).
        atom: usize,
        /// Its species.
        species: String,
    },
    /// Inconsistent lengths: velocities, masses or forces that do not match the atoms.
    Shape {
        /// What has the wrong length (`"velocities"`, `"masses"`, `"forces"`).
        what: &'static str,
        /// Its length.
        len: usize,
        /// The number of atoms.
        atoms: usize,
    },
    /// The potential failed; its message, unchanged.
    Potential(String),
    /// The potential returned a non-finite energy or force, or the velocities became non-finite: the
    /// trajectory has blown up (time step too large, atoms too close).
    NonFinite {
        /// What became non-finite (`"energy"`, `"force on atom 3"`, ...).
        what: String,
    },
}

impl fmt::Display for MdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MdError::Parameter {
                name,
                value,
                allowed,
            } => write!(f, "{name} = {value} is out of range: {allowed}"),
            MdError::UnknownMass { atom, species } => {
                write!(
                    f,
                    "atom {atom} is '{species}', which has no atomic mass in the table"
                )
            }
            MdError::Shape { what, len, atoms } => {
                write!(f, "{len} {what} for {atoms} atoms")
            }
            MdError::Potential(m) => write!(f, "potential: {m}"),
            MdError::NonFinite { what } => write!(
                f,
                "non-finite {what}: the trajectory blew up (smaller time step, or atoms too close?)"
            ),
        }
    }
}

impl std::error::Error for MdError {}

/// `Err(Parameter)` unless `value` is finite and `ok(value)`.
pub(crate) fn check(
    name: &'static str,
    value: f64,
    ok: impl Fn(f64) -> bool,
    allowed: &str,
) -> Result<(), MdError> {
    if value.is_finite() && ok(value) {
        Ok(())
    } else {
        Err(MdError::Parameter {
            name,
            value: value.to_string(),
            allowed: allowed.to_string(),
        })
    }
}
