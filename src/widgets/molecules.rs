//! The molecules a widget offers: the book's shipped ones, each prepared once into whatever the
//! widget keeps per molecule (a `Structure`, or a richer entry), and the reader's uploaded file,
//! looked up by the value of the molecule menu (`controls::molecule_select`).

use multiace_core::structure::Structure;

use super::controls::UPLOAD;
use super::view3d::molecule::{builtin_xyz, first_frame};

pub struct MoleculeChoices<T> {
    builtin: Vec<(&'static str, Result<T, String>)>,
    uploaded: Option<T>,
}

impl<T> MoleculeChoices<T> {
    /// Reads every shipped molecule of `names` and prepares it; a name that is not shipped (or a
    /// file that does not parse) stays as its error and is never offered as ready.
    pub fn new(names: &[&'static str], prepare: impl Fn(Structure) -> T) -> Self {
        let builtin = names
            .iter()
            .map(|n| {
                let s = builtin_xyz(n)
                    .ok_or_else(|| format!("molecule '{n}' is not shipped"))
                    .and_then(first_frame);
                (*n, s.map(&prepare))
            })
            .collect();
        MoleculeChoices {
            builtin,
            uploaded: None,
        }
    }

    /// The prepared molecule behind a menu value: a shipped name or [`UPLOAD`].
    pub fn get(&self, name: &str) -> Option<&T> {
        if name == UPLOAD {
            return self.uploaded.as_ref();
        }
        self.builtin
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, t)| t.as_ref().ok())
    }

    /// Makes `upload` the uploaded choice and returns the one it replaces (to put back if the
    /// widget refuses the new file).
    pub fn replace_upload(&mut self, upload: Option<T>) -> Option<T> {
        std::mem::replace(&mut self.uploaded, upload)
    }
}
