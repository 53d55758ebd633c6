//! A quick check that a loaded model evaluates at all: one small cluster of its own elements,
//! energy and forces. The page runs it before it replaces the model a reader is using, so a file
//! whose finite weights overflow (or whose numbers are otherwise unusable) is refused at once,
//! with the reason, instead of failing at the first drag.

use super::{EvalOptions, MaceError, MaceModel};
use crate::structure::{chemical_symbol, Structure};

impl MaceModel {
    /// Evaluates a cluster of `max(4, elements)` atoms on a helix (neighbours between about 0.4 and
    /// 0.9 r_max apart, every element present) and returns the evaluation's error, if any.
    pub fn self_check(&self) -> Result<(), MaceError> {
        let z = self.atomic_numbers();
        let n = z.len().max(4);
        let r = self.r_max();
        let species = (0..n)
            .map(|i| {
                let zi = z[i % z.len()];
                u8::try_from(zi)
                    .ok()
                    .and_then(chemical_symbol)
                    .map(str::to_string)
                    .ok_or_else(|| MaceError::Structure(format!("element {zi} has no symbol")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let positions = (0..n)
            .map(|i| {
                let t = i as f64 * 1.745; // 100°
                [0.35 * r * t.cos(), 0.35 * r * t.sin(), 0.22 * r * i as f64]
            })
            .collect();
        let s = Structure::new(species, positions);
        match self.evaluate(&s, &mut self.workspace(), EvalOptions::default()) {
            Ok(_) => Ok(()),
            Err(MaceError::NonFinite(what)) => Err(MaceError::NonFinite(format!(
                "{what} on a small cluster of its own elements"
            ))),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> MaceModel {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        MaceModel::from_safetensors(&std::fs::read(path).unwrap()).unwrap()
    }

    #[test]
    fn usable_models_pass_and_an_overflowing_one_is_refused_by_name() {
        for k in 1..=6 {
            fixture(&format!("mace_model_{k}.safetensors"))
                .self_check()
                .unwrap();
            fixture(&format!("mace_edge_model_{k}.safetensors"))
                .self_check()
                .unwrap();
        }
        let err = fixture("mace_overflow_model.safetensors")
            .self_check()
            .unwrap_err();
        assert!(matches!(err, MaceError::NonFinite(_)), "{err}");
    }
}
