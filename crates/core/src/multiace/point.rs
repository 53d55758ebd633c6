//! A point of the design space and what follows from it.

use crate::mace::{MaceError, MaceModel, MaceSpec};

/// How a layer turns one neighbour into features (the "one-particle basis" φ of the paper, eq. 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OneParticleBasis {
    /// Fixed radial functions times spherical harmonics, the neighbour's element only (ACE).
    Ace,
    /// A filter of the distance alone (continuous-filter convolutions, SchNet): l = 0 only.
    Distance,
    /// Learned radial functions times spherical harmonics, coupled to the neighbour's features by a
    /// tensor product (TFN, NequIP, BOTNet, MACE).
    EquivariantTensorProduct,
    /// Messages on edges that see the angle to a third atom (DimeNet): a two-neighbour basis.
    EdgeAngle,
    /// Features that live on edges (pairs) and are updated with tensor products (Allegro).
    EdgeTensorProduct,
}

/// Linear (body-ordered) or non-linear maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nonlinearity {
    Linear,
    NonLinear,
}

/// The last readout mace-torch builds for a model of `layers` layers: a small non-linear network
/// on the last of two or more layers, a linear map when there is only one (as `mace::builder`
/// lays it out). A point runs only if its readout axis says the same, so that [`Derived`] describes
/// the model that [`DesignPoint::instantiate`] builds.
pub fn mace_readout(layers: usize) -> Nonlinearity {
    if layers > 1 {
        Nonlinearity::NonLinear
    } else {
        Nonlinearity::Linear
    }
}

/// A model as a point of the design space.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignPoint {
    pub one_particle: OneParticleBasis,
    /// Correlation order ν_t of each layer (its length is the number of layers T).
    pub correlation: Vec<usize>,
    /// Degree of the spherical harmonics in the one-particle basis (`l_max`).
    pub l_max: usize,
    /// Degree of the messages and hidden features (`L_max`; 0 = invariant messages).
    pub big_l_max: usize,
    /// Update between layers.
    pub update: Nonlinearity,
    /// Readout of the last layer (earlier layers are read linearly).
    pub readout: Nonlinearity,
    /// Cutoff radius (Å).
    pub r_cut: f64,
    /// Channels per irrep.
    pub channels: usize,
}

/// Body order of the energy: finite for a polynomial model, unbounded once a non-linear map acts on
/// many-body features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyOrder {
    Finite(u64),
    Unbounded,
}

/// Quantities that follow from a [`DesignPoint`].
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    /// Layers T.
    pub layers: usize,
    /// Largest number of atoms (centre included) a term of the last features depends on, for linear
    /// updates: `1 + n_T` with `n_t = ν_t (1 + n_{t−1})`, `n_0 = 0`.
    pub feature_body_order: BodyOrder,
    /// The same for the energy, after the readout.
    pub energy_body_order: BodyOrder,
    /// How far an atom's energy can see: `T · r_cut` (Å) with message passing between atoms,
    /// `r_cut` without (Allegro), `(T + 1) · r_cut` for DimeNet's edge messages.
    pub receptive_field: f64,
    /// Numbers per atom in the hidden features: `channels · Σ_{L ≤ L_max} (2L + 1)`.
    pub features_per_atom: usize,
    /// Numbers per atom in the pooled message A: `channels · (l_max + 1)²`.
    pub message_per_atom: usize,
    /// Trainable weights of the point laid out as a MACE model (for three elements), when it runs.
    pub parameters: Option<usize>,
    /// Floating-point operations per atom for the energy, an order-of-magnitude estimate with
    /// [`NEIGHBOURS`] neighbours: radial network and tensor product per edge, products and linear
    /// maps per atom.
    pub flops_per_atom: f64,
}

/// Neighbours per atom assumed by the cost estimate (a molecule or liquid at a 4–5 Å cutoff).
pub const NEIGHBOURS: f64 = 12.0;

impl DesignPoint {
    pub fn layers(&self) -> usize {
        self.correlation.len()
    }

    /// Body order, receptive field and sizes.
    pub fn derived(&self) -> Derived {
        let mut n: u64 = 0;
        let mut overflow = false;
        for &nu in &self.correlation {
            match (nu as u64).checked_mul(1 + n) {
                Some(v) => n = v,
                None => overflow = true,
            }
        }
        let feature_body_order = if self.update == Nonlinearity::NonLinear || overflow {
            BodyOrder::Unbounded
        } else {
            BodyOrder::Finite(1 + n)
        };
        let energy_body_order = if self.readout == Nonlinearity::NonLinear {
            BodyOrder::Unbounded
        } else {
            feature_body_order
        };
        let big_l = if self.one_particle == OneParticleBasis::Distance {
            0
        } else {
            self.big_l_max
        };
        Derived {
            layers: self.layers(),
            feature_body_order,
            energy_body_order,
            receptive_field: self.receptive_field(),
            features_per_atom: self.channels * (big_l + 1) * (big_l + 1),
            message_per_atom: self.channels * (self.l_max + 1) * (self.l_max + 1),
            parameters: self
                .check_runnable()
                .ok()
                .and_then(|()| self.spec(&[1, 6, 8]).num_parameters().ok()),
            flops_per_atom: self.flops_per_atom(big_l),
        }
    }

    /// See [`Derived::receptive_field`]. Allegro's edge features never pass between atoms: one
    /// cutoff whatever T is. DimeNet's edge embedding already spans one cutoff before its T
    /// interaction blocks: (T + 1) cutoffs.
    fn receptive_field(&self) -> f64 {
        let t = self.layers() as f64;
        match self.one_particle {
            OneParticleBasis::EdgeTensorProduct => self.r_cut,
            OneParticleBasis::EdgeAngle => (t + 1.0) * self.r_cut,
            _ => t * self.r_cut,
        }
    }

    /// See [`Derived::flops_per_atom`]. Per layer: a radial network of two hidden layers of 32 per
    /// edge; one tensor-product path per (input degree, harmonic degree, output degree) with
    /// (2l₁+1)(2l₂+1)(2l₃+1) multiply-adds per channel; the product basis as ~S^ν/ν! monomials
    /// per channel and output component (S = (l_max+1)² slots); two linear maps per atom.
    fn flops_per_atom(&self, big_l: usize) -> f64 {
        let c = self.channels as f64;
        let s = ((self.l_max + 1) * (self.l_max + 1)) as f64;
        let mut total = 0.0;
        for (t, &nu) in self.correlation.iter().enumerate() {
            let l_in = if t == 0 { 0 } else { big_l };
            let mut paths = 0.0;
            let mut tp = 0.0;
            for l1 in 0..=l_in {
                for l2 in 0..=self.l_max {
                    for l3 in l1.abs_diff(l2)..=(l1 + l2).min(self.l_max) {
                        paths += 1.0;
                        tp += ((2 * l1 + 1) * (2 * l2 + 1) * (2 * l3 + 1)) as f64;
                    }
                }
            }
            let mlp = 8.0 * 32.0 + 32.0 * 32.0 + 32.0 * paths * c;
            let edge = 2.0 * (mlp + c * tp);
            let mut monomials = 0.0;
            let mut term = 1.0;
            for k in 1..=nu {
                term *= (s + k as f64 - 1.0) / k as f64;
                monomials += term;
            }
            let outputs = ((big_l + 1) * (big_l + 1)) as f64;
            let product = 2.0 * c * outputs * monomials;
            let linear = 2.0 * 2.0 * c * c * s;
            total += NEIGHBOURS * edge + product + linear;
        }
        total
    }

    /// The MACE hyperparameters of the point (random-weight instantiation and parameter counts).
    fn spec(&self, atomic_numbers: &[u32]) -> MaceSpec {
        let big_l = if self.one_particle == OneParticleBasis::Distance {
            0
        } else {
            self.big_l_max
        };
        MaceSpec {
            atomic_numbers: atomic_numbers.to_vec(),
            atomic_energies: vec![0.0; atomic_numbers.len()],
            r_max: self.r_cut,
            num_bessel: 8,
            num_polynomial_cutoff: 5,
            max_ell: self.l_max.max(1),
            correlation: self.correlation.clone(),
            hidden_irreps: MaceSpec::hidden(self.channels, big_l),
            radial_mlp: vec![32, 32],
            mlp_irreps: 16,
            avg_num_neighbors: 8.0,
            scale_shift: Some((1.0, 0.0)),
        }
    }

    /// Checks a point is one the MACE code can run: learned tensor-product one-particle basis (or ACE's,
    /// which it contains), linear updates, 1 ≤ T ≤ 3, the readout of [`mace_readout`], 1 ≤ ν ≤ 3,
    /// degrees ≤ 3, 1 to 64 channels.
    pub fn check_runnable(&self) -> Result<(), String> {
        if self.update == Nonlinearity::NonLinear {
            return Err("non-linear updates (gates) are not part of the MACE code; choose linear updates to run the point".into());
        }
        let t = self.layers();
        if !(1..=3).contains(&t) {
            return Err(format!("{t} layers: the book runs 1 to 3"));
        }
        if self.readout != mace_readout(t) {
            return Err(if t == 1 {
                "mace-torch reads a one-layer model out linearly; choose a linear readout to run the point".into()
            } else {
                format!("mace-torch's last readout of a {t}-layer model is a small non-linear network; choose a non-linear readout to run the point")
            });
        }
        if let Some(nu) = self.correlation.iter().find(|&&nu| !(1..=3).contains(&nu)) {
            return Err(format!("correlation order {nu}: the book runs 1 to 3"));
        }
        if self.l_max > 3 || self.big_l_max > 3 {
            return Err(format!(
                "degrees l_max = {}, L_max = {}: the book runs up to 3",
                self.l_max, self.big_l_max
            ));
        }
        if self.big_l_max > self.l_max.max(1) {
            return Err(format!(
                "L_max = {} above l_max = {}: messages cannot carry degrees the harmonics do not have",
                self.big_l_max, self.l_max
            ));
        }
        match self.one_particle {
            OneParticleBasis::Ace
            | OneParticleBasis::EquivariantTensorProduct
            | OneParticleBasis::Distance => {}
            other => {
                return Err(format!(
                    "the {other:?} one-particle basis is described, not run, by the book"
                ))
            }
        }
        if !(1..=64).contains(&self.channels) {
            return Err(format!("{} channels: the book runs 1 to 64", self.channels));
        }
        if !(self.r_cut.is_finite() && self.r_cut > 0.5 && self.r_cut <= 10.0) {
            return Err(format!("cutoff {} Å: choose 0.5 to 10 Å", self.r_cut));
        }
        Ok(())
    }

    /// The point as a MACE model with random weights (seeded) for the elements `atomic_numbers`,
    /// laid out as mace-torch's constructor would: the unification shown by running it.
    pub fn instantiate(&self, atomic_numbers: &[u32], seed: u64) -> Result<MaceModel, String> {
        self.check_runnable()?;
        let spec = self.spec(atomic_numbers);
        MaceModel::with_random_weights(&spec, seed).map_err(|e: MaceError| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(correlation: Vec<usize>, update: Nonlinearity) -> DesignPoint {
        DesignPoint {
            one_particle: OneParticleBasis::EquivariantTensorProduct,
            readout: mace_readout(correlation.len()),
            correlation,
            l_max: 3,
            big_l_max: 1,
            update,
            r_cut: 5.0,
            channels: 8,
        }
    }

    #[test]
    fn body_order_follows_the_recursion() {
        // ACE: one layer of ν gives ν + 1; MACE: 1 + 3 + 9; two-body messages: T + 1.
        assert_eq!(
            point(vec![4], Nonlinearity::Linear)
                .derived()
                .feature_body_order,
            BodyOrder::Finite(5)
        );
        assert_eq!(
            point(vec![3, 3], Nonlinearity::Linear)
                .derived()
                .feature_body_order,
            BodyOrder::Finite(13)
        );
        assert_eq!(
            point(vec![1; 5], Nonlinearity::Linear)
                .derived()
                .feature_body_order,
            BodyOrder::Finite(6)
        );
        assert_eq!(
            point(vec![1; 5], Nonlinearity::NonLinear)
                .derived()
                .feature_body_order,
            BodyOrder::Unbounded
        );
        let d = point(vec![3, 3], Nonlinearity::Linear).derived();
        assert_eq!(
            (d.receptive_field, d.features_per_atom, d.message_per_atom),
            (10.0, 32, 128)
        );
        assert_eq!(
            point(vec![64; 20], Nonlinearity::Linear)
                .derived()
                .feature_body_order,
            BodyOrder::Unbounded
        );
    }

    #[test]
    fn runnable_points_run_and_others_say_why() {
        let p = point(vec![2, 1], Nonlinearity::Linear);
        let model = p.instantiate(&[1, 6, 8], 3).unwrap();
        assert_eq!(model.correlations(), vec![2, 1]);
        assert!(point(vec![1; 4], Nonlinearity::Linear)
            .instantiate(&[1], 1)
            .unwrap_err()
            .contains("layers"));
        assert!(point(vec![2], Nonlinearity::NonLinear)
            .instantiate(&[1], 1)
            .unwrap_err()
            .contains("non-linear"));
        // The readout must be the one mace-torch builds: linear for T = 1, non-linear after.
        let mut one = point(vec![2], Nonlinearity::Linear);
        assert_eq!(one.derived().energy_body_order, BodyOrder::Finite(3));
        one.readout = Nonlinearity::NonLinear;
        assert!(one
            .instantiate(&[1], 1)
            .unwrap_err()
            .contains("linear readout"));
        let mut two = point(vec![2, 1], Nonlinearity::Linear);
        assert_eq!(two.derived().energy_body_order, BodyOrder::Unbounded);
        two.readout = Nonlinearity::Linear;
        assert!(two
            .instantiate(&[1], 1)
            .unwrap_err()
            .contains("non-linear readout"));
        let mut q = point(vec![2], Nonlinearity::Linear);
        q.l_max = 1;
        q.big_l_max = 3;
        assert!(q.instantiate(&[1], 1).unwrap_err().contains("L_max"));
    }
}
