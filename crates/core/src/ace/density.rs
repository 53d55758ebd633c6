//! The angular neighbour density of one atom, smeared on the unit sphere, and its truncated
//! spherical-harmonic expansion: the picture behind the atomic basis (Drautz 2019 §II; Bartók et al. 2013).
//!
//! Each neighbour j contributes w_j exp(κ(r̂·r̂_j − 1)), a bump of angular width ≈ 1/√κ. With
//! exp(κ cos γ) = Σ_l (2l+1) i_l(κ) P_l(cos γ) and the addition theorem in component normalisation,
//! (2l+1) P_l(r̂·r̂') = Σ_m Y_lm(r̂) Y_lm(r̂'), the expansion coefficients are
//! c_lm = e^{−κ} i_l(κ) Σ_j w_j Y_lm(r̂_j): the l-th block of A, damped by the smearing.

use crate::so3::{sh_len, spherical_harmonics, Normalization};

/// A smeared angular density and its expansion up to `l_max`.
#[derive(Debug, Clone, PartialEq)]
pub struct AngularDensity {
    kappa: f64,
    l_max: usize,
    directions: Vec<([f64; 3], f64)>,
    coefficients: Vec<f64>,
}

/// The density of the unit bond directions `r̂_j` with weights `w_j`, sharpness `kappa` (clamped to
/// [0.1, 500]), expanded to `l_max` (clamped to the SH limit). Zero-length vectors are skipped.
pub fn angular_density(neighbours: &[([f64; 3], f64)], kappa: f64, l_max: usize) -> AngularDensity {
    let kappa = if kappa.is_finite() {
        kappa.clamp(0.1, 500.0)
    } else {
        10.0
    };
    let l_max = l_max.min(crate::so3::LMAX_SUPPORTED);
    let damping = scaled_modified_spherical_bessel(kappa, l_max);
    let mut coefficients = vec![0.0; sh_len(l_max)];
    let mut y = vec![0.0; sh_len(l_max)];
    let mut directions = Vec::new();
    for &(v, w) in neighbours {
        let r = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
        if !(r > 0.0 && r.is_finite() && w.is_finite()) {
            continue;
        }
        let u = [v[0] / r, v[1] / r, v[2] / r];
        directions.push((u, w));
        spherical_harmonics(l_max, u, Normalization::Component, false, &mut y);
        for (l, d) in damping.iter().enumerate() {
            for k in l * l..(l + 1) * (l + 1) {
                coefficients[k] += w * d * y[k];
            }
        }
    }
    AngularDensity {
        kappa,
        l_max,
        directions,
        coefficients,
    }
}

impl AngularDensity {
    /// The smeared density at the unit vector `u`, summed directly over neighbours.
    pub fn exact(&self, u: [f64; 3]) -> f64 {
        self.directions
            .iter()
            .map(|(d, w)| w * (self.kappa * (d[0] * u[0] + d[1] * u[1] + d[2] * u[2] - 1.0)).exp())
            .sum()
    }

    /// The expansion truncated at degree `l` (≤ l_max) evaluated at `u`. `scratch` holds sh_len(l_max).
    pub fn truncated(&self, u: [f64; 3], l: usize, scratch: &mut [f64]) -> f64 {
        let l = l.min(self.l_max);
        spherical_harmonics(l, u, Normalization::Component, true, scratch);
        self.coefficients[..sh_len(l)]
            .iter()
            .zip(scratch.iter())
            .map(|(c, y)| c * y)
            .sum()
    }

    /// Expansion coefficients c_lm, e3nn order.
    pub fn coefficients(&self) -> &[f64] {
        &self.coefficients
    }

    /// The expansion degree.
    pub fn l_max(&self) -> usize {
        self.l_max
    }
}

/// e^{−κ} i_l(κ) for l = 0..=l_max by Miller's downward recurrence i_{l−1} = i_{l+1} + (2l+1)/κ i_l,
/// normalised with e^{−κ} i_0(κ) = (1 − e^{−2κ})/(2κ); stable for every κ > 0 and l.
fn scaled_modified_spherical_bessel(kappa: f64, l_max: usize) -> Vec<f64> {
    let start = l_max + 20 + kappa as usize;
    let mut vals = vec![0.0; start + 2];
    vals[start + 1] = 0.0;
    vals[start] = 1e-300;
    for l in (1..=start).rev() {
        vals[l - 1] = vals[l + 1] + (2 * l + 1) as f64 / kappa * vals[l];
        if vals[l - 1] > 1e250 {
            vals.iter_mut().for_each(|v| *v *= 1e-250);
        }
    }
    let i0 = (1.0 - (-2.0 * kappa).exp()) / (2.0 * kappa);
    let norm = i0 / vals[0];
    vals.truncate(l_max + 1);
    vals.iter_mut().for_each(|v| *v *= norm);
    vals
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion_converges_to_the_smeared_density() {
        let nb = [
            ([1.0, 0.2, 0.1], 1.0),
            ([-0.3, 1.0, 0.4], 0.5),
            ([0.1, -0.2, -1.0], 2.0),
        ];
        let d = angular_density(&nb, 4.0, 20);
        let mut y = vec![0.0; sh_len(20)];
        for u in [[0.0, 1.0, 0.0], [0.6, 0.0, 0.8], [-0.48, 0.6, -0.64]] {
            let exact = d.exact(u);
            let approx = d.truncated(u, 20, &mut y);
            assert!((exact - approx).abs() < 1e-10, "{exact} vs {approx}");
        }
    }

    #[test]
    fn bessel_ratios_match_the_closed_form_for_l1() {
        let k: f64 = 3.0;
        let v = scaled_modified_spherical_bessel(k, 2);
        let i1 = (k * k.cosh() - k.sinh()) / (k * k) * (-k).exp();
        assert!((v[1] - i1).abs() < 1e-14);
    }
}
