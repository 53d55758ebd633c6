//! What can go wrong with a MACE model: a file that is not one we can use, or a structure the model
//! cannot evaluate. Every message names the tensor, the field or the atom concerned.

use std::fmt;

/// A MACE model could not be loaded or evaluated.
#[derive(Debug, Clone, PartialEq)]
pub enum MaceError {
    /// The bytes are not a safetensors file, or carry no `multiace` export metadata.
    NotAModel(String),
    /// A metadata field is missing, malformed or names a choice this implementation does not support.
    Metadata { field: String, reason: String },
    /// A weight tensor is missing or has the wrong shape or type.
    Tensor { name: String, reason: String },
    /// The structure cannot be evaluated (unknown element, coincident atoms, non-finite position).
    Structure(String),
    /// The evaluation overflowed: the energy or a force is infinite or NaN (weights or a geometry
    /// far outside what the model can represent). Nothing non-finite is ever returned as `Ok`.
    NonFinite(String),
}

impl MaceError {
    pub(crate) fn metadata(field: impl Into<String>, reason: impl Into<String>) -> Self {
        MaceError::Metadata {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn tensor(name: impl Into<String>, reason: impl Into<String>) -> Self {
        MaceError::Tensor {
            name: name.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for MaceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MaceError::NotAModel(reason) => write!(f, "not a MACE model file: {reason}"),
            MaceError::Metadata { field, reason } => {
                write!(f, "model metadata `{field}`: {reason}")
            }
            MaceError::Tensor { name, reason } => write!(f, "model tensor `{name}`: {reason}"),
            MaceError::Structure(reason) => write!(f, "cannot evaluate this structure: {reason}"),
            MaceError::NonFinite(what) => write!(
                f,
                "the model gives a non-finite {what}: its weights or the geometry are beyond what it can evaluate"
            ),
        }
    }
}

impl std::error::Error for MaceError {}
