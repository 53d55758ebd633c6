//! Linear ACE: E = Σ_i [E0(z_i) + Σ_k c_{z_i,k} B_{i,k}] (Drautz 2019 eq. 30), fitted by regularised least
//! squares on energies and forces together. Forces are −∂E/∂r, linear in the same coefficients, so each
//! structure adds one energy row and 3N force rows to a single linear system.

use super::basis::AceBasis;
use super::descriptors::Environments;
use super::evaluator::Evaluator;
use super::AceError;
use crate::structure::Structure;
use nalgebra::{DMatrix, DVector};

/// How energies and forces are weighted and how strongly coefficients are shrunk.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitOptions {
    /// Tikhonov weight λ on the column-standardised coefficients, per row of data (λ_eff = λ · rows).
    pub ridge: f64,
    /// Weight of an energy row; energies are fitted per atom (eV/atom).
    pub energy_weight: f64,
    /// Weight of a force-component row (eV/Å); 0 fits energies only.
    pub force_weight: f64,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            ridge: 1e-7,
            energy_weight: 10.0,
            force_weight: 1.0,
        }
    }
}

/// A fitted (or given) linear ACE model.
#[derive(Debug, Clone)]
pub struct LinearAce {
    basis: AceBasis,
    e0: Vec<f64>,
    coefficients: Vec<f64>,
}

/// Errors of a model on a data set: energies per atom, forces per Cartesian component.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FitErrors {
    /// Structures with an energy.
    pub n_structures: usize,
    /// Force components compared.
    pub n_force_components: usize,
    /// Mean absolute energy error per atom (eV/atom).
    pub energy_mae: f64,
    /// Root-mean-square energy error per atom (eV/atom).
    pub energy_rmse: f64,
    /// Mean absolute force-component error (eV/Å).
    pub force_mae: f64,
    /// Root-mean-square force-component error (eV/Å).
    pub force_rmse: f64,
}

/// Predictions beside reference values, for parity plots.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parity {
    /// (reference, predicted) energy per atom, one pair per structure with an energy.
    pub energy_per_atom: Vec<(f64, f64)>,
    /// (reference, predicted) force components.
    pub forces: Vec<(f64, f64)>,
}

impl LinearAce {
    /// A model from reference energies (one per basis species) and coefficients (species-major:
    /// `coefficients[z * basis.len() + k]` multiplies B_k of atoms of species z).
    pub fn new(basis: AceBasis, e0: Vec<f64>, coefficients: Vec<f64>) -> Result<Self, AceError> {
        let ns = basis.spec().species.len();
        if e0.len() != ns || coefficients.len() != ns * basis.len() {
            return Err(AceError::Fit(format!(
                "expected {ns} reference energies and {} coefficients, got {} and {}",
                ns * basis.len(),
                e0.len(),
                coefficients.len()
            )));
        }
        Ok(LinearAce {
            basis,
            e0,
            coefficients,
        })
    }
    /// The basis.
    pub fn basis(&self) -> &AceBasis {
        &self.basis
    }
    /// Reference energy per species (eV).
    pub fn e0(&self) -> &[f64] {
        &self.e0
    }
    /// Coefficients, species-major.
    pub fn coefficients(&self) -> &[f64] {
        &self.coefficients
    }

    /// Energy and forces F = −∂E/∂r. Forces use the adjoint: per atom, one pass over the basis terms gives
    /// ∂E_i/∂A_i, then one contraction with ∂φ/∂r per neighbour.
    pub fn energy_forces(&self, s: &Structure) -> Result<(f64, Vec<[f64; 3]>), AceError> {
        let env = Environments::new(&self.basis, s)?;
        let mut ev = Evaluator::new(&self.basis);
        let nb = self.basis.len();
        let block = ev.block_len();
        let mut a = vec![0.0; self.basis.a_len()];
        let mut ga = vec![0.0; self.basis.a_len()];
        let mut b = vec![0.0; nb];
        let mut phi = vec![0.0; block];
        let mut dphi = vec![[0.0; 3]; block];
        let mut energy = 0.0;
        let mut forces = vec![[0.0; 3]; s.len()];
        for i in 0..s.len() {
            let z = env.species[i];
            let w = &self.coefficients[z * nb..(z + 1) * nb];
            ev.atomic_basis(&env.terms(i), &mut a);
            ev.invariants(&a, &mut b);
            energy += self.e0[z] + w.iter().zip(&b).map(|(c, x)| c * x).sum::<f64>();
            ga.fill(0.0);
            ev.invariants_vjp(&a, w, &mut ga);
            for (j, t) in &env.neighbours[i] {
                ev.one_particle(t.vector, &mut phi, &mut dphi);
                let g = &ga[t.z * block..(t.z + 1) * block];
                let mut d = [0.0; 3];
                for (gk, dk) in g.iter().zip(&dphi) {
                    for c in 0..3 {
                        d[c] += gk * dk[c];
                    }
                }
                for c in 0..3 {
                    forces[*j][c] -= d[c];
                    forces[i][c] += d[c];
                }
            }
        }
        Ok((energy, forces))
    }

    /// The energy alone.
    pub fn energy(&self, s: &Structure) -> Result<f64, AceError> {
        Ok(self.energy_forces(s)?.0)
    }

    /// Predictions against the reference energies and forces stored in `data`.
    pub fn parity(&self, data: &[Structure]) -> Result<Parity, AceError> {
        let mut p = Parity::default();
        for s in data {
            let (e, f) = self.energy_forces(s)?;
            if let Some(e_ref) = s.energy {
                let n = s.len().max(1) as f64;
                p.energy_per_atom.push((e_ref / n, e / n));
            }
            if let Some(f_ref) = &s.forces {
                for (r, q) in f_ref.iter().zip(&f) {
                    for c in 0..3 {
                        p.forces.push((r[c], q[c]));
                    }
                }
            }
        }
        Ok(p)
    }

    /// MAE and RMSE of energies per atom and of force components.
    pub fn errors(&self, data: &[Structure]) -> Result<FitErrors, AceError> {
        Ok(self.parity(data)?.errors())
    }
}

impl Parity {
    /// Summary statistics of the pairs.
    pub fn errors(&self) -> FitErrors {
        let stats = |pairs: &[(f64, f64)]| {
            if pairs.is_empty() {
                return (0.0, 0.0);
            }
            let n = pairs.len() as f64;
            let mae = pairs.iter().map(|(r, q)| (r - q).abs()).sum::<f64>() / n;
            let mse = pairs.iter().map(|(r, q)| (r - q).powi(2)).sum::<f64>() / n;
            (mae, mse.sqrt())
        };
        let (energy_mae, energy_rmse) = stats(&self.energy_per_atom);
        let (force_mae, force_rmse) = stats(&self.forces);
        FitErrors {
            n_structures: self.energy_per_atom.len(),
            n_force_components: self.forces.len(),
            energy_mae,
            energy_rmse,
            force_mae,
            force_rmse,
        }
    }
}

/// A least-squares problem filled one structure at a time, so a page can report progress between
/// structures; [`LinearFit::solve`] then fits the reference energies and the coefficients.
///
/// Only the normal equations are kept (G = XᵀW²X, XᵀW²y and the energy rows' composition coupling), so
/// memory is O(columns²) whatever the number of structures, and the final solve is one Cholesky
/// factorisation. Column standardisation and the ridge are applied at solve time, on G itself.
#[derive(Debug, Clone)]
pub struct LinearFit {
    basis: AceBasis,
    options: FitOptions,
    cols: usize,
    gram: DMatrix<f64>,
    rhs: DVector<f64>,
    /// Σ over energy rows of w² x (counts/N)ᵀ: how the reference energies enter the right-hand side.
    e0_coupling: DMatrix<f64>,
    rows: usize,
    /// Per structure: (energy, species counts).
    energies: Vec<(f64, Vec<f64>)>,
}

impl LinearFit {
    /// An empty problem for `basis`.
    pub fn new(basis: AceBasis, options: FitOptions) -> Result<Self, AceError> {
        let ok = |x: f64| x.is_finite() && x >= 0.0;
        if !(ok(options.ridge) && ok(options.energy_weight) && ok(options.force_weight)) {
            return Err(AceError::Fit(
                "ridge and weights must be finite and non-negative".into(),
            ));
        }
        // one composition column per species (absorbs what the first E0 estimate leaves), then the B columns
        let ns = basis.spec().species.len();
        let cols = ns + ns * basis.len();
        Ok(LinearFit {
            basis,
            options,
            cols,
            gram: DMatrix::zeros(cols, cols),
            rhs: DVector::zeros(cols),
            e0_coupling: DMatrix::zeros(cols, ns),
            rows: 0,
            energies: Vec::new(),
        })
    }

    /// Structures added so far.
    pub fn len(&self) -> usize {
        self.energies.len()
    }
    /// Whether nothing was added yet.
    pub fn is_empty(&self) -> bool {
        self.energies.is_empty()
    }
    /// Number of unknowns: one composition column per species plus species × invariants.
    pub fn columns(&self) -> usize {
        self.cols
    }

    /// Add one structure's energy row and (if it has forces and forces are weighted) its 3N force rows.
    pub fn add(&mut self, s: &Structure) -> Result<(), AceError> {
        let energy = s
            .energy
            .ok_or_else(|| AceError::Fit("a training structure has no energy".into()))?;
        let forces = match &s.forces {
            Some(f) if self.options.force_weight > 0.0 => {
                if f.len() != s.len() {
                    return Err(AceError::Fit(
                        "forces and positions differ in length".into(),
                    ));
                }
                Some(f)
            }
            _ => None,
        };
        let env = Environments::new(&self.basis, s)?;
        let nb = self.basis.len();
        let n_atoms = s.len();
        let ns = self.basis.spec().species.len();
        let cols = self.cols;
        let mut ev = Evaluator::new(&self.basis);
        let block = ev.block_len();
        let mut a = vec![0.0; self.basis.a_len()];
        let mut b = vec![0.0; nb];
        let mut energy_row = DVector::<f64>::zeros(cols);
        // force rows, row-major (3N × cols); transposed into a matrix below
        let mut force_rows = vec![
            0.0;
            if forces.is_some() {
                3 * n_atoms * cols
            } else {
                0
            }
        ];
        let mut counts = vec![0.0; ns];
        let mut phi = vec![0.0; block];
        let mut dphi_all: Vec<[f64; 3]> = Vec::new();
        let mut jac: Vec<[f64; 3]> = Vec::new();
        for i in 0..n_atoms {
            let z = env.species[i];
            counts[z] += 1.0;
            let terms = env.terms(i);
            ev.atomic_basis(&terms, &mut a);
            ev.invariants(&a, &mut b);
            energy_row[z] += 1.0 / n_atoms as f64;
            for (k, x) in b.iter().enumerate() {
                energy_row[ns + z * nb + k] += x / n_atoms as f64;
            }
            if forces.is_none() {
                continue;
            }
            let nn = terms.len();
            dphi_all.resize(nn * block, [0.0; 3]);
            jac.resize(nb * nn, [0.0; 3]);
            for (j, t) in terms.iter().enumerate() {
                ev.one_particle(
                    t.vector,
                    &mut phi,
                    &mut dphi_all[j * block..(j + 1) * block],
                );
            }
            let zs: Vec<usize> = terms.iter().map(|t| t.z).collect();
            ev.invariants_jacobian(&a, &zs, &dphi_all, &mut jac);
            for (jn, (atom_j, _)) in env.neighbours[i].iter().enumerate() {
                for k in 0..nb {
                    let g = jac[k * nn + jn];
                    let col = ns + z * nb + k;
                    for c in 0..3 {
                        // F = −∂E/∂r with r_ij = r_j − r_i
                        force_rows[(3 * atom_j + c) * cols + col] -= g[c];
                        force_rows[(3 * i + c) * cols + col] += g[c];
                    }
                }
            }
        }
        let we2 = self.options.energy_weight.powi(2);
        self.gram.ger(we2, &energy_row, &energy_row, 1.0);
        self.rhs
            .axpy(we2 * energy / n_atoms as f64, &energy_row, 1.0);
        let frac = DVector::from_iterator(ns, counts.iter().map(|c| c / n_atoms as f64));
        self.e0_coupling.ger(we2, &energy_row, &frac, 1.0);
        self.rows += 1;
        if let Some(f) = forces {
            // columns of xt are the force rows
            let xt = DMatrix::from_column_slice(cols, 3 * n_atoms, &force_rows);
            let y = DVector::from_iterator(3 * n_atoms, f.iter().flat_map(|v| v.iter().copied()));
            let wf2 = self.options.force_weight.powi(2);
            // Owned, contiguous operands only: nalgebra's small-matrix BLAS fallback overruns views
            // whose row stride is above 1 (dimforge/nalgebra#1616), so no strided view goes in here.
            let x = xt.transpose();
            self.gram.gemm_tr(wf2, &x, &x, 1.0);
            self.rhs.gemv(wf2, &xt, &y, 1.0);
            self.rows += 3 * n_atoms;
        }
        self.energies.push((energy, counts));
        Ok(())
    }

    /// Fit: reference energies by least squares on the compositions (minimum norm when compositions are
    /// collinear), then all coefficients by ridge regression on standardised columns:
    /// (S⁻¹GS⁻¹ + λ·rows·I) c̃ = S⁻¹(XᵀW²y − M e0), c = S⁻¹c̃, S = diag(√(G_jj/rows)), by Cholesky.
    pub fn solve(&self) -> Result<LinearAce, AceError> {
        if self.is_empty() {
            return Err(AceError::Fit("no training structures".into()));
        }
        let ns = self.basis.spec().species.len();
        let e0 = reference_energies(&self.energies, ns)?;
        let rhs = &self.rhs - &self.e0_coupling * DVector::from_column_slice(&e0);
        let n = self.cols;
        let scale: Vec<f64> = (0..n)
            .map(|j| {
                let s = (self.gram[(j, j)] / self.rows as f64).sqrt();
                if s.is_finite() && s > 1e-150 {
                    s
                } else {
                    1.0
                }
            })
            .collect();
        let lambda = self.options.ridge * self.rows as f64;
        let mut a = DMatrix::from_fn(n, n, |i, j| self.gram[(i, j)] / (scale[i] * scale[j]));
        for j in 0..n {
            a[(j, j)] += lambda.max(1e-14 * self.rows as f64);
        }
        let b = DVector::from_fn(n, |i, _| rhs[i] / scale[i]);
        let c_scaled = match a.clone().cholesky() {
            Some(ch) => ch.solve(&b),
            // not numerically positive definite (tiny ridge on a rank-deficient problem): least squares
            None => a
                .svd(true, true)
                .solve(&b, 1e-12)
                .map_err(|e| AceError::Fit(format!("the normal equations: {e}")))?,
        };
        let mut coefficients: Vec<f64> = c_scaled.iter().zip(&scale).map(|(c, s)| c / s).collect();
        if coefficients.iter().any(|c| !c.is_finite()) {
            return Err(AceError::Fit("the solution is not finite".into()));
        }
        let e0 = e0
            .iter()
            .zip(coefficients.drain(..ns))
            .map(|(a, b)| a + b)
            .collect();
        LinearAce::new(self.basis.clone(), e0, coefficients)
    }
}

/// Per-species reference energies from total energies and compositions (minimum-norm least squares).
fn reference_energies(rows: &[(f64, Vec<f64>)], ns: usize) -> Result<Vec<f64>, AceError> {
    let counts = DMatrix::from_fn(rows.len(), ns, |r, c| rows[r].1[c]);
    let energies = DVector::from_iterator(rows.len(), rows.iter().map(|r| r.0));
    let svd = counts.svd(true, true);
    let e0 = svd
        .solve(&energies, 1e-9)
        .map_err(|e| AceError::Fit(format!("reference energies: {e}")))?;
    Ok(e0.iter().copied().collect())
}

/// Fit a linear ACE to `data` in one call.
pub fn fit(
    basis: AceBasis,
    data: &[Structure],
    options: FitOptions,
) -> Result<LinearAce, AceError> {
    let mut problem = LinearFit::new(basis, options)?;
    for s in data {
        problem.add(s)?;
    }
    problem.solve()
}
