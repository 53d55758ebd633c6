//! The one error type of the `ace` module: every variant names the parameter or atom at fault, so a
//! widget can show it beside its input and the CLI can print it as one line.

use std::fmt;

/// What went wrong when building or evaluating an ACE basis or model.
#[derive(Debug, Clone, PartialEq)]
pub enum AceError {
    /// A numeric parameter is outside the range the basis supports.
    Parameter {
        /// The parameter (`"n_max"`, `"r_cut"`, ...).
        name: &'static str,
        /// Its value, as text.
        value: String,
        /// What is allowed.
        allowed: String,
    },
    /// A radial-basis name that is not `bessel`, `chebyshev` or `gaussian`.
    UnknownRadialBasis(String),
    /// A structure contains a species the basis was not built for.
    UnknownSpecies {
        /// The atom index (0-based, file order).
        atom: usize,
        /// Its species.
        species: String,
        /// The species the basis knows.
        known: Vec<String>,
    },
    /// The basis would be larger than [`crate::ace::MAX_BASIS_FUNCTIONS`].
    BasisTooLarge {
        /// How many functions the requested truncation gives (at least).
        size: usize,
        /// The limit.
        max: usize,
    },
    /// A structure problem (neighbour list) — the message of the underlying error.
    Structure(String),
    /// A fit could not be done: no data, inconsistent shapes, or a missing energy/forces field.
    Fit(String),
}

impl fmt::Display for AceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AceError::Parameter {
                name,
                value,
                allowed,
            } => write!(f, "{name} = {value} is out of range: {allowed}"),
            AceError::UnknownRadialBasis(s) => write!(
                f,
                "unknown radial basis '{s}': use bessel, chebyshev or gaussian"
            ),
            AceError::UnknownSpecies {
                atom,
                species,
                known,
            } => write!(
                f,
                "atom {atom} is '{species}', but the basis was built for {}",
                known.join(", ")
            ),
            AceError::BasisTooLarge { size, max } => write!(
                f,
                "the basis would have more than {size} functions (limit {max}): lower the order, n_max, l_max or the degree"
            ),
            AceError::Structure(s) => write!(f, "{s}"),
            AceError::Fit(s) => write!(f, "cannot fit: {s}"),
        }
    }
}

impl std::error::Error for AceError {}
