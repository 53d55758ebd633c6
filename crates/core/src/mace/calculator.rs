//! A model together with its buffers: what a widget or the MD loop holds.

use super::MaceError;
use super::{EvalOptions, MaceModel, MaceOutput, MaceWorkspace};
use crate::md::Potential;
use crate::structure::Structure;

/// A [`MaceModel`] with the [`MaceWorkspace`] it reuses from call to call.
#[derive(Debug, Clone)]
pub struct MaceCalculator {
    model: MaceModel,
    workspace: MaceWorkspace,
}

impl MaceCalculator {
    pub fn new(model: MaceModel) -> Self {
        let workspace = model.workspace();
        MaceCalculator { model, workspace }
    }

    pub fn model(&self) -> &MaceModel {
        &self.model
    }

    /// [`MaceModel::evaluate`] with the calculator's buffers.
    pub fn evaluate(&mut self, s: &Structure, opts: EvalOptions) -> Result<MaceOutput, MaceError> {
        self.model.evaluate(s, &mut self.workspace, opts)
    }
}

impl Potential for MaceCalculator {
    fn energy_forces(&mut self, s: &Structure) -> Result<(f64, Vec<[f64; 3]>), String> {
        let out = self
            .evaluate(s, EvalOptions::default())
            .map_err(|e| e.to_string())?;
        Ok((out.energy, out.forces))
    }
}
