//! Published models as points of the design space. Each placement gives the architecture as its own
//! paper describes it (the reference below) and our reading of how Batatia et al. (2025) place it:
//! typical hyperparameters, not the only ones each paper used. `note` says what is simplified.

use super::point::{DesignPoint, Nonlinearity, OneParticleBasis};

/// A published model, its point, and where the placement comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedModel {
    pub name: &'static str,
    /// The paper that defines the architecture.
    pub reference: &'static str,
    /// A link to it.
    pub url: &'static str,
    pub point: DesignPoint,
    /// What the placement simplifies.
    pub note: &'static str,
}

fn point(
    one_particle: OneParticleBasis,
    correlation: Vec<usize>,
    (l_max, big_l_max): (usize, usize),
    update: Nonlinearity,
    readout: Nonlinearity,
    r_cut: f64,
) -> DesignPoint {
    DesignPoint {
        one_particle,
        correlation,
        l_max,
        big_l_max,
        update,
        readout,
        r_cut,
        channels: 16,
    }
}

/// ACE (the single-layer reference) first, then SchNet, DimeNet, PaiNN, NequIP, Allegro, BOTNet and
/// MACE, roughly in order of journal publication (first preprints differ: NequIP's precedes PaiNN's).
pub fn published_models() -> Vec<PublishedModel> {
    use Nonlinearity::{Linear, NonLinear};
    use OneParticleBasis::*;
    vec![
        PublishedModel {
            name: "ACE",
            reference: "Drautz, Phys. Rev. B 99, 014104 (2019)",
            url: "https://doi.org/10.1103/PhysRevB.99.014104",
            point: point(Ace, vec![4], (3, 0), Linear, Linear, 5.0),
            note: "one layer; any correlation order (ν = 4 shown, 5-body); linear in the invariants B",
        },
        PublishedModel {
            name: "SchNet",
            reference: "Schütt et al., J. Chem. Phys. 148, 241722 (2018)",
            url: "https://doi.org/10.1063/1.5019779",
            point: point(Distance, vec![1, 1, 1], (0, 0), NonLinear, NonLinear, 5.0),
            note: "continuous filters of the distance only (two-body, invariant messages); non-linear updates",
        },
        PublishedModel {
            name: "DimeNet",
            reference: "Gasteiger, Groß & Günnemann, ICLR 2020 (arXiv:2003.03123)",
            url: "https://arxiv.org/abs/2003.03123",
            point: point(EdgeAngle, vec![2, 2, 2, 2, 2, 2], (6, 0), NonLinear, NonLinear, 5.0),
            note: "messages on edges that see one angle (three-body, ν = 2), invariant; 6 blocks",
        },
        PublishedModel {
            name: "PaiNN",
            reference: "Schütt, Unke & Gastegger, ICML 2021 (arXiv:2102.03150)",
            url: "https://arxiv.org/abs/2102.03150",
            point: point(EquivariantTensorProduct, vec![1, 1, 1], (1, 1), NonLinear, NonLinear, 5.0),
            note: "scalar and vector (L = 1) features in Cartesian form; two-body messages",
        },
        PublishedModel {
            name: "NequIP",
            reference: "Batzner et al., Nat. Commun. 13, 2453 (2022)",
            url: "https://doi.org/10.1038/s41467-022-29939-5",
            point: point(EquivariantTensorProduct, vec![1, 1, 1, 1, 1], (2, 2), NonLinear, Linear, 4.0),
            note: "two-body (ν = 1) equivariant messages with gated non-linear updates; 4–6 layers",
        },
        PublishedModel {
            name: "Allegro",
            reference: "Musaelian et al., Nat. Commun. 14, 579 (2023)",
            url: "https://doi.org/10.1038/s41467-023-36329-y",
            point: point(EdgeTensorProduct, vec![1, 1], (2, 2), NonLinear, NonLinear, 5.0),
            note: "features on edges, strictly local (no message passing between atoms): the receptive field is one cutoff, not T cutoffs",
        },
        PublishedModel {
            name: "BOTNet",
            reference: "Batatia et al., Nat. Mach. Intell. 7, 56 (2025) (arXiv:2205.06643)",
            url: "https://doi.org/10.1038/s42256-024-00956-x",
            point: point(EquivariantTensorProduct, vec![1, 1, 1, 1, 1], (3, 3), Linear, Linear, 4.0),
            note: "the default variant of the authors' code (gncs/botnet, --model body_ordered): NequIP without gates, an element-dependent linear map of the message instead of a residual update, radial weights linear in the Bessel basis (no radial MLP), linear readouts in every layer: a 6-body energy",
        },
        PublishedModel {
            name: "MACE",
            reference: "Batatia et al., NeurIPS 2022 (arXiv:2206.07697)",
            url: "https://arxiv.org/abs/2206.07697",
            point: point(EquivariantTensorProduct, vec![3, 3], (3, 2), Linear, NonLinear, 5.0),
            note: "four-body messages (ν = 3) in two layers: 13-body features before a non-linear last readout",
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::multiace::BodyOrder;

    #[test]
    fn placements_give_the_known_body_orders() {
        let models = published_models();
        let get = |n: &str| models.iter().find(|m| m.name == n).unwrap().point.derived();
        assert_eq!(get("ACE").energy_body_order, BodyOrder::Finite(5));
        assert_eq!(get("BOTNet").feature_body_order, BodyOrder::Finite(6));
        // BOTNet's default (`--model body_ordered`) reads every layer out linearly.
        assert_eq!(get("BOTNet").energy_body_order, BodyOrder::Finite(6));
        assert_eq!(get("MACE").energy_body_order, BodyOrder::Unbounded);
        assert_eq!(get("MACE").feature_body_order, BodyOrder::Finite(13));
        assert_eq!(get("NequIP").feature_body_order, BodyOrder::Unbounded);
        assert_eq!(get("SchNet").features_per_atom, 16);
        // DimeNet: the embedding of an edge spans one cutoff, then six blocks: 7 · 5 Å.
        assert_eq!(get("DimeNet").receptive_field, 35.0);
        assert_eq!(get("Allegro").receptive_field, 5.0);
        assert_eq!(models.len(), 8);
        // The linear-update models run as MACE models.
        for m in &models {
            let runs = m.point.check_runnable().is_ok();
            assert_eq!(
                runs,
                matches!(m.name, "MACE"),
                "{}: {:?}",
                m.name,
                m.point.check_runnable()
            );
        }
    }
}
