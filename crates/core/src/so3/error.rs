//! The one error type of the `so3` module.
//!
//! Every variant says *what* was wrong and *where* (which argument, which term of an irreps string), so a
//! widget can show it next to the input and the CLI can print it as a single line.

use std::fmt;

/// What went wrong in an `so3` routine. `Display` gives one sentence, ready to show to a reader.
#[derive(Debug, Clone, PartialEq)]
pub enum So3Error {
    /// A degree `l` above [`crate::so3::LMAX_SUPPORTED`] was requested.
    LTooLarge {
        /// Which routine or argument asked for it (e.g. `"wigner_3j l2"`).
        what: &'static str,
        /// The degree that was asked for.
        l: usize,
        /// The largest degree supported.
        max: usize,
    },
    /// `(l1, l2, l3)` violates the triangle rule `|l1 - l2| <= l3 <= l1 + l2`.
    Triangle {
        /// First degree.
        l1: usize,
        /// Second degree.
        l2: usize,
        /// Third degree.
        l3: usize,
    },
    /// An angular-momentum quantum number is not a valid (half-)integer, or `j - m` is not an integer.
    InvalidQuantumNumber {
        /// Which argument (`"j1"`, `"m2"`, ...).
        name: &'static str,
        /// Its value.
        value: f64,
        /// Why it is invalid.
        reason: String,
    },
    /// A 3x3 matrix that should be a proper rotation is not one.
    NotRotation {
        /// What failed: orthogonality error or determinant.
        reason: String,
    },
    /// A term of an irreps string could not be parsed.
    IrrepsParse {
        /// The offending term (trimmed).
        term: String,
        /// The whole input string.
        input: String,
        /// Why the term is invalid.
        reason: String,
    },
    /// A string that should name a normalisation does not.
    UnknownNormalization(String),
}

impl fmt::Display for So3Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            So3Error::LTooLarge { what, l, max } => {
                write!(
                    f,
                    "{what}: l = {l} is larger than the largest supported degree {max}"
                )
            }
            So3Error::Triangle { l1, l2, l3 } => write!(
                f,
                "({l1}, {l2}, {l3}) violates the triangle rule |l1 - l2| <= l3 <= l1 + l2"
            ),
            So3Error::InvalidQuantumNumber {
                name,
                value,
                reason,
            } => {
                write!(f, "{name} = {value}: {reason}")
            }
            So3Error::NotRotation { reason } => write!(f, "not a rotation matrix: {reason}"),
            So3Error::IrrepsParse {
                term,
                input,
                reason,
            } => {
                write!(f, "`{term}` in `{input}`: {reason}")
            }
            So3Error::UnknownNormalization(s) => write!(
                f,
                "unknown normalization `{s}`: choose one of integral, component, norm"
            ),
        }
    }
}

impl std::error::Error for So3Error {}
