//! Evaluation for one atom: the one-particle basis φ, the atomic basis A (the projected neighbour
//! density), the invariants B, and the derivatives that forces need. One workspace, reused, so the hot
//! path allocates nothing per atom.

use super::basis::AceBasis;
use crate::so3::{sh_len, spherical_harmonics_with_grad, Normalization};

/// A neighbour of the central atom: the bond vector r_ij = r_j − r_i and the species index of j.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NeighbourTerm {
    /// r_j − r_i in Å.
    pub vector: [f64; 3],
    /// Index of j's species in the basis.
    pub z: usize,
}

/// Scratch buffers for one thread of evaluation.
#[derive(Debug, Clone)]
pub struct Evaluator<'a> {
    basis: &'a AceBasis,
    sh: Vec<f64>,
    sh_grad: Vec<[f64; 3]>,
    radial: Vec<f64>,
    radial_d: Vec<f64>,
}

impl<'a> Evaluator<'a> {
    /// A workspace for `basis`.
    pub fn new(basis: &'a AceBasis) -> Self {
        let spec = basis.spec();
        let len = sh_len(spec.l_max);
        Evaluator {
            basis,
            sh: vec![0.0; len],
            sh_grad: vec![[0.0; 3]; len],
            radial: vec![0.0; spec.radial.n_max()],
            radial_d: vec![0.0; spec.radial.n_max()],
        }
    }

    /// The basis this workspace evaluates.
    pub fn basis(&self) -> &'a AceBasis {
        self.basis
    }

    /// Number of one-particle functions per species block: n_max · (l_max + 1)².
    pub fn block_len(&self) -> usize {
        self.basis.spec().radial.n_max() * self.sh.len()
    }

    /// φ_{nlm}(r) = R_n(|r|) Y_lm(r̂) (e3nn SH, component normalisation) and its gradient with respect to
    /// the bond vector, for one species block (local index (n−1)(l_max+1)² + l² + l + m).
    pub fn one_particle(&mut self, vector: [f64; 3], phi: &mut [f64], dphi: &mut [[f64; 3]]) {
        let spec = self.basis.spec();
        let r = (vector[0] * vector[0] + vector[1] * vector[1] + vector[2] * vector[2]).sqrt();
        spec.radial
            .evaluate(r, &mut self.radial, &mut self.radial_d);
        spherical_harmonics_with_grad(
            spec.l_max,
            vector,
            Normalization::Component,
            true,
            &mut self.sh,
            &mut self.sh_grad,
        );
        let unit = if r > 0.0 {
            [vector[0] / r, vector[1] / r, vector[2] / r]
        } else {
            [0.0; 3]
        };
        let len = self.sh.len();
        for n in 0..self.radial.len() {
            let (rv, rd) = (self.radial[n], self.radial_d[n]);
            for k in 0..len {
                let y = self.sh[k];
                let g = self.sh_grad[k];
                phi[n * len + k] = rv * y;
                dphi[n * len + k] = [
                    rd * unit[0] * y + rv * g[0],
                    rd * unit[1] * y + rv * g[1],
                    rd * unit[2] * y + rv * g[2],
                ];
            }
        }
    }

    /// The atomic basis A_{z n l m} = Σ_j δ(z_j = z) φ_{nlm}(r_ij) (Drautz 2019, eq. 16), written to
    /// `a[..basis.a_len()]`. Only the radial and angular values are needed, so no gradient is kept.
    pub fn atomic_basis(&mut self, neighbours: &[NeighbourTerm], a: &mut [f64]) {
        let spec = self.basis.spec();
        let len = self.sh.len();
        let block = self.block_len();
        a[..self.basis.a_len()].fill(0.0);
        for nb in neighbours {
            let v = nb.vector;
            let r = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
            if !(r > 0.0 && r < spec.radial.r_cut()) {
                continue;
            }
            spec.radial
                .evaluate(r, &mut self.radial, &mut self.radial_d);
            crate::so3::spherical_harmonics(
                spec.l_max,
                v,
                Normalization::Component,
                true,
                &mut self.sh,
            );
            let out = &mut a[nb.z * block..(nb.z + 1) * block];
            for (n, &rv) in self.radial.iter().enumerate() {
                for (o, y) in out[n * len..(n + 1) * len].iter_mut().zip(&self.sh) {
                    *o += rv * y;
                }
            }
        }
    }

    /// The invariants B_k = Σ_terms c Π_s `A[a_s]` (the coupled product basis, Drautz 2019 eq. 28).
    pub fn invariants(&self, a: &[f64], b: &mut [f64]) {
        for (f, out) in self.basis.functions().iter().zip(b.iter_mut()) {
            let nu = f.order();
            *out = f
                .terms
                .iter()
                .map(|(c, idx)| c * idx[..nu].iter().map(|&i| a[i as usize]).product::<f64>())
                .sum();
        }
    }

    /// The vector–Jacobian product g_A = Σ_k w_k ∂B_k/∂A (added into `ga`): what a linear model needs to
    /// turn dE/dB into dE/dA, at the cost of one pass over the terms.
    pub fn invariants_vjp(&self, a: &[f64], w: &[f64], ga: &mut [f64]) {
        for (f, &wk) in self.basis.functions().iter().zip(w) {
            if wk == 0.0 {
                continue;
            }
            let nu = f.order();
            for (c, idx) in &f.terms {
                for s in 0..nu {
                    let rest: f64 = (0..nu)
                        .filter(|&t| t != s)
                        .map(|t| a[idx[t] as usize])
                        .product();
                    ga[idx[s] as usize] += wk * c * rest;
                }
            }
        }
    }

    /// For each invariant k and each neighbour j: ∂B_k/∂r_ij (written to `out[k * n_neigh + j]`), given A
    /// and the one-particle gradients of the neighbours (`dphi[j * block_len ..]`, from
    /// [`Evaluator::one_particle`]). This is the per-function Jacobian a least-squares fit on forces needs.
    pub fn invariants_jacobian(
        &self,
        a: &[f64],
        neighbour_species: &[usize],
        dphi: &[[f64; 3]],
        out: &mut [[f64; 3]],
    ) {
        let n_neigh = neighbour_species.len();
        let block = self.block_len();
        out[..self.basis.len() * n_neigh].fill([0.0; 3]);
        for (k, f) in self.basis.functions().iter().enumerate() {
            let nu = f.order();
            let row = &mut out[k * n_neigh..(k + 1) * n_neigh];
            for (c, idx) in &f.terms {
                for s in 0..nu {
                    let rest: f64 = (0..nu)
                        .filter(|&t| t != s)
                        .map(|t| a[idx[t] as usize])
                        .product();
                    let coef = c * rest;
                    if coef == 0.0 {
                        continue;
                    }
                    let ai = idx[s] as usize;
                    let (z, local) = (ai / block, ai % block);
                    for (j, &zj) in neighbour_species.iter().enumerate() {
                        if zj == z {
                            let g = dphi[j * block + local];
                            row[j][0] += coef * g[0];
                            row[j][1] += coef * g[1];
                            row[j][2] += coef * g[2];
                        }
                    }
                }
            }
        }
    }
}
