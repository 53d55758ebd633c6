//! The error type of the neighbour-list builders (reading files has its own, [`super::XyzError`], which
//! carries a line number).
//!
//! Every variant says what was wrong with the structure or the cutoff, so a widget can show it next to
//! the input and the CLI can print it as one line.

use std::fmt;

/// Why a neighbour list could not be built. `Display` gives one sentence, ready to show to a reader.
#[derive(Debug, Clone, PartialEq)]
pub enum StructureError {
    /// The cutoff is zero, negative, NaN or infinite.
    InvalidCutoff {
        /// The cutoff that was asked for (Å).
        cutoff: f64,
    },
    /// An atom's position has a NaN or infinite component.
    NonFinitePosition {
        /// The atom (0-based).
        atom: usize,
    },
    /// Some direction is periodic but the structure has no cell.
    MissingCell {
        /// The periodic boundary conditions that asked for a cell.
        pbc: [bool; 3],
    },
    /// The cell vectors of the periodic directions are not finite or do not span a lattice
    /// (zero length, parallel vectors, zero volume).
    InvalidCell {
        /// What is wrong with the cell.
        reason: String,
    },
    /// The cutoff is so large compared with the cell that the periodic images to search would not fit
    /// in memory.
    CutoffTooLarge {
        /// The cutoff that was asked for (Å).
        cutoff: f64,
        /// About how many atom images the search would have to create.
        images: f64,
        /// The largest number accepted.
        limit: f64,
    },
    /// An atom lies so many cell lengths outside the cell that its image shift would not fit in an `i32`.
    FarOutsideCell {
        /// The atom (0-based).
        atom: usize,
    },
    /// Two atoms (or periodic images) closer than 1e-8 Å: the direction between them, which the
    /// atomic cluster expansion needs, is undefined.
    CoincidentAtoms {
        /// The first atom (0-based), the smaller index.
        i: usize,
        /// The second atom (0-based).
        j: usize,
    },
}

impl fmt::Display for StructureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StructureError::InvalidCutoff { cutoff } => {
                write!(f, "the cutoff must be a positive, finite number of Å, got {cutoff}")
            }
            StructureError::NonFinitePosition { atom } => {
                write!(f, "the position of atom {atom} is not a finite number")
            }
            StructureError::MissingCell { pbc } => write!(
                f,
                "periodic boundary conditions pbc=\"{}\" need a cell, but the structure has none",
                pbc_string(pbc)
            ),
            StructureError::InvalidCell { reason } => write!(f, "invalid cell: {reason}"),
            StructureError::CutoffTooLarge {
                cutoff,
                images,
                limit,
            } => write!(
                f,
                "a cutoff of {cutoff} Å needs {images:.3e} periodic images of the atoms in this cell, \
                 more than the limit {limit:.3e}: use a smaller cutoff or a larger cell"
            ),
            StructureError::FarOutsideCell { atom } => write!(
                f,
                "atom {atom} lies more than 10^8 cell lengths outside the cell: wrap it into the cell"
            ),
            StructureError::CoincidentAtoms { i, j } => write!(
                f,
                "atoms {i} and {j} are closer than 1e-8 Å (coincident or a periodic image of each other): \
                 the direction between them is undefined"
            ),
        }
    }
}

impl std::error::Error for StructureError {}

/// `"T T F"`, as extended XYZ writes periodic boundary conditions.
pub(crate) fn pbc_string(pbc: &[bool; 3]) -> String {
    pbc.iter()
        .map(|&p| if p { "T" } else { "F" })
        .collect::<Vec<_>>()
        .join(" ")
}
