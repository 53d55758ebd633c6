//! What each correlation order contributes to the site energies, defined by truncation: the model
//! is evaluated with its product basis cut at order k (in every layer) for k = 1…ν_max, and order
//! k's contribution to atom i is `E_i(≤k) − E_i(≤k−1)` with `E_i(≤0) = E0(z_i)`. The last readout
//! is non-linear, so the energy does not split additively into orders; truncation is the split that
//! telescopes exactly to the full model, `Σ_k contribution_k(i) = E_i − E0(z_i)`.

use super::{EvalOptions, MaceError, MaceModel, MaceWorkspace};
use crate::structure::Structure;

/// Per-order contributions to each site energy of one structure (eV).
#[derive(Debug, Clone, PartialEq)]
pub struct OrderContributions {
    /// `per_order[k][i]`: order k + 1 on atom i.
    pub per_order: Vec<Vec<f64>>,
    /// Each atom's reference energy E0(z_i).
    pub e0: Vec<f64>,
    /// The full model's site energies.
    pub energies: Vec<f64>,
    /// The full model's energy.
    pub energy: f64,
}

impl OrderContributions {
    /// `Σ_k contribution_k(i)` = `E_i − E0(z_i)`.
    pub fn atom_sum(&self, i: usize) -> f64 {
        self.per_order.iter().filter_map(|c| c.get(i)).sum()
    }

    /// `Σ_i contribution_k(i)` for each order.
    pub fn totals(&self) -> Vec<f64> {
        self.per_order.iter().map(|c| c.iter().sum()).collect()
    }
}

impl MaceModel {
    /// The contribution of every correlation order 1…ν_max to every site energy of `s`
    /// (ν_max + 1 evaluations, no forces).
    pub fn order_contributions(
        &self,
        s: &Structure,
        ws: &mut MaceWorkspace,
    ) -> Result<OrderContributions, MaceError> {
        let nu_max = self.correlations().into_iter().max().unwrap_or(1).max(1);
        let at = |k: usize, ws: &mut MaceWorkspace| {
            self.evaluate(
                s,
                ws,
                EvalOptions {
                    max_correlation: k,
                    forces: false,
                },
            )
        };
        let full = at(usize::MAX, ws)?;
        let e0 = self.last_reference_energies(ws);
        let mut prev = e0.clone();
        let mut per_order = Vec::with_capacity(nu_max);
        for k in 1..=nu_max {
            let out = at(k, ws)?;
            per_order.push(out.energies.iter().zip(&prev).map(|(a, b)| a - b).collect());
            prev = out.energies;
        }
        Ok(OrderContributions {
            per_order,
            e0,
            energies: full.energies,
            energy: full.energy,
        })
    }
}
