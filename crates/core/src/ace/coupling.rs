//! Generalised Clebsch–Gordan coefficients: the linear maps that turn a product of ν spherical-harmonic
//! components A_{l_1 m_1} ⋯ A_{l_ν m_ν} into rotation invariants (Drautz 2019, eq. 28; Dusson et al. 2022, §3).
//!
//! Candidates come from chaining Wigner 3j tensors (chapter 00):
//! ν = 1: l = 0; ν = 2: (l, l, 0); ν = 3: (l_1, l_2, l_3); ν = 4: (l_1, l_2, L)(L, l_3, l_4) for every
//! intermediate L. When two factors carry the same channel the product is symmetric in them, so the
//! candidates are symmetrised over those swaps and a Gram–Schmidt pass (in order of L) keeps only the
//! linearly independent ones. Only Σ l even is coupled: those invariants are also inversion-invariant (O(3)).

use crate::so3::{triangle, wigner_3j};

/// Largest correlation order the coupling supports.
pub const MAX_ORDER: usize = 4;

/// One independent invariant coupling of degrees `ls`.
#[derive(Debug, Clone, PartialEq)]
pub struct InvariantCoupling {
    /// The intermediate degree L of the first pair (ν = 4 only).
    pub intermediate: Option<usize>,
    /// Coefficients over all m-tuples, row-major with dims `2 l_i + 1` (index `m_i + l_i`); unit norm.
    pub coefficients: Vec<f64>,
}

/// The independent O(3)-invariant couplings of `ls` (ν = `ls.len()` ≤ 4), symmetrised over the slot
/// permutations that keep `groups` fixed (slots with the same group label hold the same channel and must
/// have the same l). Empty when no invariant exists (Σ l odd, triangle rule violated, ν out of range).
pub fn invariant_couplings(ls: &[usize], groups: &[usize]) -> Vec<InvariantCoupling> {
    let nu = ls.len();
    if nu == 0 || nu > MAX_ORDER || groups.len() != nu || ls.iter().sum::<usize>() % 2 == 1 {
        return Vec::new();
    }
    let dims: Vec<usize> = ls.iter().map(|&l| 2 * l + 1).collect();
    let perms = stabiliser(groups, ls);
    let mut kept: Vec<InvariantCoupling> = Vec::new();
    for (intermediate, raw) in candidates(ls) {
        let mut v = symmetrise(&raw, &dims, &perms);
        let norm0 = norm(&v);
        if norm0 < 1e-12 {
            continue;
        }
        // Two Gram–Schmidt passes: the second removes what rounding left of the earlier directions.
        for _ in 0..2 {
            for k in &kept {
                let c = dot(&v, &k.coefficients);
                v.iter_mut()
                    .zip(&k.coefficients)
                    .for_each(|(x, y)| *x -= c * y);
            }
        }
        let n = norm(&v);
        if n > 1e-8 * norm0 {
            v.iter_mut().for_each(|x| *x /= n);
            kept.push(InvariantCoupling {
                intermediate,
                coefficients: v,
            });
        }
    }
    kept
}

/// Unsymmetrised candidate couplings, each with its intermediate degree (ν = 4).
fn candidates(ls: &[usize]) -> Vec<(Option<usize>, Vec<f64>)> {
    match *ls {
        [0] => vec![(None, vec![1.0])],
        [l1, l2] if l1 == l2 => {
            let c = wigner_3j(l1, l2, 0).expect("l ≤ LMAX_SUPPORTED checked by the basis");
            vec![(None, c.data)]
        }
        [l1, l2, l3] if triangle(l1, l2, l3) => {
            vec![(None, wigner_3j(l1, l2, l3).expect("checked").data)]
        }
        [l1, l2, l3, l4] => {
            let (d1, d2, d3, d4) = (2 * l1 + 1, 2 * l2 + 1, 2 * l3 + 1, 2 * l4 + 1);
            let lo = l1.abs_diff(l2).max(l3.abs_diff(l4));
            let hi = (l1 + l2).min(l3 + l4);
            (lo..=hi)
                .map(|big_l| {
                    let a = wigner_3j(l1, l2, big_l).expect("checked");
                    let b = wigner_3j(big_l, l3, l4).expect("checked");
                    let dl = 2 * big_l + 1;
                    let mut out = vec![0.0; d1 * d2 * d3 * d4];
                    for i in 0..d1 {
                        for j in 0..d2 {
                            for mm in 0..dl {
                                let x = a.data[(i * d2 + j) * dl + mm];
                                if x == 0.0 {
                                    continue;
                                }
                                let row = &mut out
                                    [((i * d2 + j) * d3) * d4..((i * d2 + j + 1) * d3) * d4];
                                let bb = &b.data[mm * d3 * d4..(mm + 1) * d3 * d4];
                                row.iter_mut().zip(bb).for_each(|(o, y)| *o += x * y);
                            }
                        }
                    }
                    (Some(big_l), out)
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The slot permutations σ with `groups[σ(s)] == groups[s]` (they map the product onto itself).
fn stabiliser(groups: &[usize], ls: &[usize]) -> Vec<Vec<usize>> {
    permutations(groups.len())
        .into_iter()
        .filter(|p| (0..groups.len()).all(|s| groups[p[s]] == groups[s] && ls[p[s]] == ls[s]))
        .collect()
}

fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for p in permutations(n - 1) {
        for pos in 0..n {
            let mut q = p.clone();
            q.insert(pos, n - 1);
            out.push(q);
        }
    }
    out
}

/// Average of `v` over the permutations of its tensor slots: (Sv)[m] = mean_σ v[m ∘ σ].
fn symmetrise(v: &[f64], dims: &[usize], perms: &[Vec<usize>]) -> Vec<f64> {
    let nu = dims.len();
    let mut out = vec![0.0; v.len()];
    let mut m = vec![0usize; nu];
    let mut mp = vec![0usize; nu];
    for (flat, o) in out.iter_mut().enumerate() {
        unflatten(flat, dims, &mut m);
        let mut acc = 0.0;
        for p in perms {
            for s in 0..nu {
                mp[s] = m[p[s]];
            }
            acc += v[flatten(&mp, dims)];
        }
        *o = acc / perms.len() as f64;
    }
    out
}

/// Row-major multi-index of a flat index.
pub(crate) fn unflatten(mut flat: usize, dims: &[usize], m: &mut [usize]) {
    for s in (0..dims.len()).rev() {
        m[s] = flat % dims[s];
        flat /= dims[s];
    }
}

fn flatten(m: &[usize], dims: &[usize]) -> usize {
    m.iter().zip(dims).fold(0, |acc, (&x, &d)| acc * d + x)
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_for_small_cases() {
        // distinct channels: every intermediate L survives
        assert_eq!(invariant_couplings(&[1, 1, 1, 1], &[0, 1, 2, 3]).len(), 3);
        // four copies of one l = 1 channel: only (A·A)² survives
        assert_eq!(invariant_couplings(&[1, 1, 1, 1], &[0, 0, 0, 0]).len(), 1);
        // (l, l, l) with one channel: the odd-L candidate (l = 1 triple product) is Σl odd → none
        assert_eq!(invariant_couplings(&[1, 1, 1], &[0, 0, 0]).len(), 0);
        assert_eq!(invariant_couplings(&[2, 2, 2], &[0, 0, 0]).len(), 1);
        assert_eq!(invariant_couplings(&[1, 1, 2], &[0, 0, 1]).len(), 1);
        assert_eq!(invariant_couplings(&[0, 1], &[0, 1]).len(), 0);
        assert_eq!(invariant_couplings(&[3], &[0]).len(), 0);
    }

    #[test]
    fn couplings_are_orthonormal() {
        let c = invariant_couplings(&[2, 2, 2, 2], &[0, 1, 2, 3]);
        assert_eq!(c.len(), 5);
        for (i, a) in c.iter().enumerate() {
            for (j, b) in c.iter().enumerate() {
                let d = dot(&a.coefficients, &b.coefficients);
                assert!((d - if i == j { 1.0 } else { 0.0 }).abs() < 1e-12);
            }
        }
    }
}
