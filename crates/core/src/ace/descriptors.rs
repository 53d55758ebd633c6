//! ACE descriptors of a whole structure: neighbour list → atomic basis A_i → invariants B_i, per atom.

use super::basis::AceBasis;
use super::evaluator::{Evaluator, NeighbourTerm};
use super::AceError;
use crate::structure::{neighbour_list, Structure};

/// The neighbours of every atom within the basis cutoff, as bond vectors with species indices, and the
/// species index of every atom. Errors name an atom whose species the basis lacks, or the structure
/// problem (coincident atoms, a bad cell).
#[derive(Debug, Clone)]
pub struct Environments {
    /// Species index of each atom (into the basis species).
    pub species: Vec<usize>,
    /// For atom i: `(j, term)` for every neighbour j (periodic images included).
    pub neighbours: Vec<Vec<(usize, NeighbourTerm)>>,
}

impl Environments {
    /// Build the environments of `s` for `basis`.
    pub fn new(basis: &AceBasis, s: &Structure) -> Result<Self, AceError> {
        let species = s
            .species
            .iter()
            .enumerate()
            .map(|(atom, sym)| {
                basis
                    .species_index(sym)
                    .ok_or_else(|| AceError::UnknownSpecies {
                        atom,
                        species: sym.clone(),
                        known: basis.spec().species.clone(),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let nl = neighbour_list(s, basis.spec().radial.r_cut())
            .map_err(|e| AceError::Structure(e.to_string()))?;
        let neighbours = (0..s.len())
            .map(|i| {
                nl.of(i)
                    .iter()
                    .map(|nb| {
                        (
                            nb.j,
                            NeighbourTerm {
                                vector: nb.vector,
                                z: species[nb.j],
                            },
                        )
                    })
                    .collect()
            })
            .collect();
        Ok(Environments {
            species,
            neighbours,
        })
    }

    /// The neighbour terms of atom i, without the atom indices.
    pub fn terms(&self, i: usize) -> Vec<NeighbourTerm> {
        self.neighbours[i].iter().map(|(_, t)| *t).collect()
    }
}

/// Per-atom invariants, atom-major: `values[i * n_basis + k] = B_{i,k}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Descriptors {
    /// Number of invariants per atom.
    pub n_basis: usize,
    /// Species index of each atom.
    pub species: Vec<usize>,
    /// The invariants.
    pub values: Vec<f64>,
}

impl Descriptors {
    /// The invariants of atom i.
    pub fn atom(&self, i: usize) -> &[f64] {
        &self.values[i * self.n_basis..(i + 1) * self.n_basis]
    }
}

/// The atomic basis of every atom, atom-major (`basis.a_len()` numbers per atom).
pub fn atomic_basis_of_structure(basis: &AceBasis, s: &Structure) -> Result<Vec<f64>, AceError> {
    let env = Environments::new(basis, s)?;
    let mut ev = Evaluator::new(basis);
    let len = basis.a_len();
    let mut out = vec![0.0; len * s.len()];
    for i in 0..s.len() {
        ev.atomic_basis(&env.terms(i), &mut out[i * len..(i + 1) * len]);
    }
    Ok(out)
}

/// The invariants B_{i,k} of every atom of `s` (Drautz 2019 eq. 28 with the couplings of
/// [`super::invariant_couplings`]).
pub fn descriptors(basis: &AceBasis, s: &Structure) -> Result<Descriptors, AceError> {
    let env = Environments::new(basis, s)?;
    let mut ev = Evaluator::new(basis);
    let mut a = vec![0.0; basis.a_len()];
    let n = basis.len();
    let mut values = vec![0.0; n * s.len()];
    for i in 0..s.len() {
        ev.atomic_basis(&env.terms(i), &mut a);
        ev.invariants(&a, &mut values[i * n..(i + 1) * n]);
    }
    Ok(Descriptors {
        n_basis: n,
        species: env.species,
        values,
    })
}
