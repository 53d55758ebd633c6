//! The ACE basis: which one-particle channels exist, which products of them are coupled, and how each
//! invariant B is written as a sparse sum of products of atomic-basis entries A.
//!
//! A channel is k = (z, n, l): neighbour species z, radial index n, degree l. The atomic basis of one atom
//! is laid out as `A[a_index(z, n, l, m)]`. A basis function of correlation order ν is a nondecreasing
//! tuple of channels (k_1 ≤ … ≤ k_ν) with Σ l even plus one independent coupling of it
//! ([`invariant_couplings`]); it evaluates as B = Σ_terms c · A[a_1] ⋯ A[a_ν].

use super::coupling::{invariant_couplings, unflatten, InvariantCoupling, MAX_ORDER};
use super::radial::RadialBasis;
use super::AceError;
use std::collections::HashMap;

/// Largest l of the one-particle basis the ACE module accepts.
pub const L_MAX_SUPPORTED: usize = 6;
/// Largest basis the module builds: protects the page from a request that would take minutes.
pub const MAX_BASIS_FUNCTIONS: usize = 60_000;

/// What to build: species, radial basis, l_max, correlation order and an optional total-degree cap.
#[derive(Debug, Clone, PartialEq)]
pub struct AceSpec {
    /// Neighbour species, in the order of the species channel z.
    pub species: Vec<String>,
    /// Radial functions R_n, n = 1..=n_max, with their cutoff.
    pub radial: RadialBasis,
    /// Largest degree l of the spherical harmonics (≤ [`L_MAX_SUPPORTED`]).
    pub l_max: usize,
    /// Largest correlation order ν (1..=4).
    pub max_order: usize,
    /// Keep only tuples with Σ_i (n_i + l_i) ≤ this (n counted from 1); `None` keeps every tuple.
    pub max_degree: Option<usize>,
}

/// One channel k = (z, n, l) of the one-particle basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Channel {
    /// Species index into [`AceSpec::species`].
    pub z: usize,
    /// Radial index, from 1.
    pub n: usize,
    /// Degree.
    pub l: usize,
}

/// One invariant basis function B.
#[derive(Debug, Clone, PartialEq)]
pub struct BasisFunction {
    /// Its channels k_1 ≤ … ≤ k_ν (ν = the correlation order).
    pub channels: Vec<Channel>,
    /// The intermediate degree of the coupling (ν = 4 only).
    pub intermediate: Option<usize>,
    /// `(coefficient, A indices)`: B = Σ c · Π_s `A[idx[s]]`, one term per m-tuple orbit.
    pub terms: Vec<(f64, [u32; MAX_ORDER])>,
}

impl BasisFunction {
    /// The correlation order ν.
    pub fn order(&self) -> usize {
        self.channels.len()
    }
}

/// A built basis (channels, invariants, index maps). Cheap to share by reference.
#[derive(Debug, Clone)]
pub struct AceBasis {
    spec: AceSpec,
    functions: Vec<BasisFunction>,
}

impl AceBasis {
    /// Build the basis; errors name the parameter at fault or say the basis is too large.
    pub fn new(spec: AceSpec) -> Result<Self, AceError> {
        Self::with_limit(spec, MAX_BASIS_FUNCTIONS)
    }

    /// As [`AceBasis::new`], but refuse a basis of more than `max_functions` invariants (at most
    /// [`MAX_BASIS_FUNCTIONS`]) with [`AceError::BasisTooLarge`], stopping the enumeration as soon as the
    /// count is exceeded: a page can check the size of any parameters it is given in milliseconds
    /// instead of building a basis of tens of thousands of functions only to refuse it.
    pub fn with_limit(spec: AceSpec, max_functions: usize) -> Result<Self, AceError> {
        let max = max_functions.min(MAX_BASIS_FUNCTIONS);
        check(&spec)?;
        let channels = all_channels(&spec);
        let mut functions = Vec::new();
        let mut cache: HashMap<(Vec<usize>, Vec<usize>), Vec<InvariantCoupling>> = HashMap::new();
        let mut tuple = Vec::with_capacity(spec.max_order);
        for nu in 1..=spec.max_order {
            enumerate_tuples(
                &spec,
                &channels,
                nu,
                0,
                &mut tuple,
                &mut |t: &[Channel]| {
                    let ls: Vec<usize> = t.iter().map(|c| c.l).collect();
                    let groups: Vec<usize> = group_labels(t);
                    let couplings = cache
                        .entry((ls.clone(), groups.clone()))
                        .or_insert_with(|| invariant_couplings(&ls, &groups));
                    for c in couplings.iter() {
                        functions.push(BasisFunction {
                            channels: t.to_vec(),
                            intermediate: c.intermediate,
                            terms: sparse_terms(&spec, t, &groups, &c.coefficients),
                        });
                    }
                    functions.len() <= max
                },
            );
            if functions.len() > max {
                return Err(AceError::BasisTooLarge {
                    size: functions.len(),
                    max,
                });
            }
        }
        Ok(AceBasis { spec, functions })
    }

    /// What the basis was built from.
    pub fn spec(&self) -> &AceSpec {
        &self.spec
    }
    /// Number of invariants B per atom.
    pub fn len(&self) -> usize {
        self.functions.len()
    }
    /// Whether the basis is empty (never, for a valid spec: ν = 1 always gives n_max · species functions).
    pub fn is_empty(&self) -> bool {
        self.functions.is_empty()
    }
    /// The invariants, in order: by ν, then channel tuple, then coupling.
    pub fn functions(&self) -> &[BasisFunction] {
        &self.functions
    }
    /// Number of entries of the atomic basis A of one atom: species · n_max · (l_max + 1)².
    pub fn a_len(&self) -> usize {
        self.spec.species.len() * self.spec.radial.n_max() * (self.spec.l_max + 1).pow(2)
    }
    /// Flat index of A_{z n l m} (n from 1, m from −l to l): ((z·n_max + n − 1)(l_max+1)² + l² + l + m).
    pub fn a_index(&self, z: usize, n: usize, l: usize, m: i64) -> usize {
        let block = (self.spec.l_max + 1).pow(2);
        (z * self.spec.radial.n_max() + n - 1) * block + ((l * l + l) as i64 + m) as usize
    }
    /// Species index of a symbol, if the basis knows it.
    pub fn species_index(&self, symbol: &str) -> Option<usize> {
        self.spec.species.iter().position(|s| s == symbol)
    }
    /// Human-readable labels, e.g. `ν=3 C(n1,l2) H(n1,l1) H(n2,l1)` and `… L=2` for ν = 4.
    pub fn labels(&self) -> Vec<String> {
        self.functions
            .iter()
            .map(|f| {
                let mut s = format!("ν={}", f.order());
                for c in &f.channels {
                    s.push_str(&format!(" {}(n{},l{})", self.spec.species[c.z], c.n, c.l));
                }
                if let Some(big_l) = f.intermediate {
                    s.push_str(&format!(" L={big_l}"));
                }
                s
            })
            .collect()
    }
    /// How many functions of each order ν = 1..=max_order.
    pub fn count_by_order(&self) -> Vec<usize> {
        let mut out = vec![0; self.spec.max_order];
        for f in &self.functions {
            out[f.order() - 1] += 1;
        }
        out
    }
}

fn check(spec: &AceSpec) -> Result<(), AceError> {
    let bad = |name: &'static str, value: String, allowed: &str| {
        Err(AceError::Parameter {
            name,
            value,
            allowed: allowed.to_string(),
        })
    };
    if spec.species.is_empty() || spec.species.len() > 10 {
        return bad("species", spec.species.len().to_string(), "1 to 10 species");
    }
    if spec.l_max > L_MAX_SUPPORTED {
        return bad("l_max", spec.l_max.to_string(), "0 to 6");
    }
    if spec.max_order == 0 || spec.max_order > MAX_ORDER {
        return bad("order", spec.max_order.to_string(), "1 to 4");
    }
    if let Some(d) = spec.max_degree {
        if d < spec.max_order || d > 64 {
            return bad(
                "degree",
                d.to_string(),
                "at least the order ν (each factor has n ≥ 1) and at most 64",
            );
        }
    }
    Ok(())
}

/// Channels in the order that defines k_1 ≤ k_2: species, then n, then l.
fn all_channels(spec: &AceSpec) -> Vec<Channel> {
    let mut out = Vec::new();
    for z in 0..spec.species.len() {
        for n in 1..=spec.radial.n_max() {
            for l in 0..=spec.l_max {
                out.push(Channel { z, n, l });
            }
        }
    }
    out
}

/// Calls `visit` on every nondecreasing ν-tuple of channels with Σ l even and within the degree cap;
/// stops early when `visit` returns false.
fn enumerate_tuples(
    spec: &AceSpec,
    channels: &[Channel],
    nu: usize,
    start: usize,
    tuple: &mut Vec<Channel>,
    visit: &mut dyn FnMut(&[Channel]) -> bool,
) -> bool {
    if tuple.len() == nu {
        let sum_l: usize = tuple.iter().map(|c| c.l).sum();
        return sum_l % 2 == 1 || visit(tuple);
    }
    let degree: usize = tuple.iter().map(|c| c.n + c.l).sum();
    for (i, c) in channels.iter().enumerate().skip(start) {
        let remaining = nu - tuple.len() - 1;
        if let Some(d) = spec.max_degree {
            // each later factor adds at least n = 1
            if degree + c.n + c.l + remaining > d {
                continue;
            }
        }
        tuple.push(*c);
        let go_on = enumerate_tuples(spec, channels, nu, i, tuple, visit);
        tuple.pop();
        if !go_on {
            return false;
        }
    }
    true
}

/// Slot labels: equal channels (adjacent in a sorted tuple) share a label.
fn group_labels(t: &[Channel]) -> Vec<usize> {
    let mut labels = Vec::with_capacity(t.len());
    for (s, c) in t.iter().enumerate() {
        let label = if s > 0 && t[s - 1] == *c {
            labels[s - 1]
        } else {
            s
        };
        labels.push(label);
    }
    labels
}

/// The coupling as a sparse sum over m-tuple orbits: the product Π A is unchanged when equal channels
/// swap their m, so the coefficients of one orbit are added onto its canonical member (m nondecreasing
/// within each group of equal channels). That divides the work by up to ν!.
fn sparse_terms(
    spec: &AceSpec,
    t: &[Channel],
    groups: &[usize],
    coefficients: &[f64],
) -> Vec<(f64, [u32; MAX_ORDER])> {
    let nu = t.len();
    let dims: Vec<usize> = t.iter().map(|c| 2 * c.l + 1).collect();
    let block = (spec.l_max + 1).pow(2);
    let mut m = vec![0usize; nu];
    let mut orbit: HashMap<[u32; MAX_ORDER], f64> = HashMap::new();
    let mut order: Vec<[u32; MAX_ORDER]> = Vec::new();
    for (flat, &c) in coefficients.iter().enumerate() {
        if c.abs() < 1e-15 {
            continue;
        }
        unflatten(flat, &dims, &mut m);
        // canonical member: sort m within each group (groups are contiguous in a sorted tuple)
        let mut s = 0;
        while s < nu {
            let e = (s..nu).take_while(|&x| groups[x] == groups[s]).count() + s;
            m[s..e].sort_unstable();
            s = e;
        }
        let mut idx = [0u32; MAX_ORDER];
        for (slot, ch) in t.iter().enumerate() {
            let a = (ch.z * spec.radial.n_max() + ch.n - 1) * block + ch.l * ch.l + m[slot];
            idx[slot] = a as u32;
        }
        let entry = orbit.entry(idx).or_insert_with(|| {
            order.push(idx);
            0.0
        });
        *entry += c;
    }
    order
        .into_iter()
        .map(|idx| (orbit[&idx], idx))
        .filter(|(c, _)| c.abs() > 1e-14)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ace::RadialKind;

    fn spec(max_order: usize, n_max: usize, l_max: usize) -> AceSpec {
        AceSpec {
            species: vec!["C".into(), "H".into(), "O".into()],
            radial: RadialBasis::new(RadialKind::Bessel, n_max, 4.0).unwrap(),
            l_max,
            max_order,
            max_degree: None,
        }
    }

    #[test]
    fn with_limit_builds_the_same_basis_under_the_limit_and_refuses_above_it() {
        let full = AceBasis::new(spec(2, 2, 1)).unwrap();
        let limited = AceBasis::with_limit(spec(2, 2, 1), full.len()).unwrap();
        assert_eq!(limited.functions(), full.functions());
        match AceBasis::with_limit(spec(2, 2, 1), full.len() - 1) {
            Err(AceError::BasisTooLarge { size, max }) => {
                assert_eq!(max, full.len() - 1);
                assert!(size > max);
            }
            other => panic!("expected BasisTooLarge, got {other:?}"),
        }
        // a basis far beyond the global limit is refused after about `max` functions
        match AceBasis::with_limit(spec(4, 8, 6), 500) {
            Err(AceError::BasisTooLarge { size, max: 500 }) => assert!(size < 600),
            other => panic!("expected BasisTooLarge, got {other:?}"),
        }
    }
}
