//! The one error type of the `nn` module: every variant names the argument at fault, so a widget can show
//! it beside its input and the CLI can print it as one line.

use std::fmt;

/// What went wrong when building an equivariant layer.
#[derive(Debug, Clone, PartialEq)]
pub enum NnError {
    /// An argument is inconsistent with the others (`name` says which, `reason` says why).
    Argument {
        /// The argument (`"instructions"`, `"irreps_out"`, ...).
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A feature e3nn has that this crate does not implement (e.g. a tensor-product mode).
    Unsupported(String),
}

impl fmt::Display for NnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NnError::Argument { name, reason } => write!(f, "{name}: {reason}"),
            NnError::Unsupported(s) => write!(f, "not supported: {s}"),
        }
    }
}

impl std::error::Error for NnError {}
