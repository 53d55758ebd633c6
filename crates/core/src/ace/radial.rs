//! Radial bases R_n(r) with a smooth cutoff: the distance half of the one-particle basis
//! φ_{znlm}(r) = R_n(r) Y_lm(r̂).
//!
//! Every function goes to zero at `r_cut` together with its first derivative, so energies and forces
//! stay continuous when a neighbour crosses the cutoff sphere.

use super::AceError;
use std::f64::consts::PI;
use std::str::FromStr;

/// Which family of radial functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RadialKind {
    /// MACE's basis: √(2/r_c) sin(nπr/r_c)/r times the polynomial envelope (mace-torch `BesselBasis` ×
    /// `PolynomialCutoff`, Batatia et al. 2022 eqs. 7–8).
    Bessel,
    /// Chebyshev polynomials T_{n−1}(s(r)) of an exponentially scaled distance times a cosine cutoff,
    /// the "ChebExpCos" family of ACE codes (pacemaker; Bochkarev et al. 2022).
    Chebyshev,
    /// Gaussians centred on an even grid in [0, r_c) times a cosine cutoff, as in early SOAP codes.
    Gaussian,
}

impl RadialKind {
    /// The lower-case name used on the command line and in URLs.
    pub fn name(self) -> &'static str {
        match self {
            RadialKind::Bessel => "bessel",
            RadialKind::Chebyshev => "chebyshev",
            RadialKind::Gaussian => "gaussian",
        }
    }
}

impl FromStr for RadialKind {
    type Err = AceError;
    fn from_str(s: &str) -> Result<Self, AceError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "bessel" => Ok(RadialKind::Bessel),
            "chebyshev" | "cheb" => Ok(RadialKind::Chebyshev),
            "gaussian" | "gauss" => Ok(RadialKind::Gaussian),
            _ => Err(AceError::UnknownRadialBasis(s.to_string())),
        }
    }
}

/// Largest number of radial functions (far beyond what a fit of the shipped data can use).
pub const N_MAX_SUPPORTED: usize = 32;
/// Default exponent of MACE's polynomial envelope (the class default; mace-torch's CLI uses 5).
pub const DEFAULT_ENVELOPE_P: u32 = 6;
/// Default scale λ of the Chebyshev distance transform (pacemaker's default).
pub const DEFAULT_CHEB_LAMBDA: f64 = 5.25;

/// A radial basis: `n_max` functions of the distance, all vanishing smoothly at `r_cut`.
#[derive(Debug, Clone, PartialEq)]
pub struct RadialBasis {
    kind: RadialKind,
    n_max: usize,
    r_cut: f64,
    p: u32,
    lambda: f64,
}

impl RadialBasis {
    /// A basis with the default envelope exponent (p = 6) and Chebyshev scale (λ = 5.25).
    pub fn new(kind: RadialKind, n_max: usize, r_cut: f64) -> Result<Self, AceError> {
        if n_max == 0 || n_max > N_MAX_SUPPORTED {
            return Err(AceError::Parameter {
                name: "n_max",
                value: n_max.to_string(),
                allowed: format!("1 to {N_MAX_SUPPORTED}"),
            });
        }
        if !(r_cut.is_finite() && (0.5..=20.0).contains(&r_cut)) {
            return Err(AceError::Parameter {
                name: "r_cut",
                value: r_cut.to_string(),
                allowed: "a distance between 0.5 and 20 Å".into(),
            });
        }
        Ok(RadialBasis {
            kind,
            n_max,
            r_cut,
            p: DEFAULT_ENVELOPE_P,
            lambda: DEFAULT_CHEB_LAMBDA,
        })
    }

    /// The same basis with another polynomial-envelope exponent (Bessel only; 2 ≤ p ≤ 12).
    pub fn with_envelope_p(mut self, p: u32) -> Result<Self, AceError> {
        if !(2..=12).contains(&p) {
            return Err(AceError::Parameter {
                name: "p",
                value: p.to_string(),
                allowed: "2 to 12".into(),
            });
        }
        self.p = p;
        Ok(self)
    }

    /// The family.
    pub fn kind(&self) -> RadialKind {
        self.kind
    }
    /// Number of functions.
    pub fn n_max(&self) -> usize {
        self.n_max
    }
    /// Cutoff radius in Å.
    pub fn r_cut(&self) -> f64 {
        self.r_cut
    }

    /// The cutoff envelope f_c(r) and its derivative: MACE's polynomial envelope for Bessel,
    /// ½(1 + cos(πr/r_c)) otherwise. Zero at and beyond `r_cut`.
    pub fn envelope(&self, r: f64) -> (f64, f64) {
        if !(r.is_finite() && r < self.r_cut) {
            return (0.0, 0.0);
        }
        match self.kind {
            RadialKind::Bessel => polynomial_cutoff(r.max(0.0), self.r_cut, self.p),
            _ => cosine_cutoff(r.max(0.0), self.r_cut),
        }
    }

    /// `values[n−1] = R_n(r)` and `derivs[n−1] = dR_n/dr` for n = 1..=n_max, envelope included.
    /// Both slices must hold at least `n_max` numbers; beyond `r_cut` (or for a non-finite r) all are zero.
    pub fn evaluate(&self, r: f64, values: &mut [f64], derivs: &mut [f64]) {
        let n_max = self.n_max.min(values.len()).min(derivs.len());
        let (values, derivs) = (&mut values[..n_max], &mut derivs[..n_max]);
        let (f, df) = self.envelope(r);
        if f == 0.0 && df == 0.0 {
            values.fill(0.0);
            derivs.fill(0.0);
            return;
        }
        let r = r.max(0.0);
        match self.kind {
            RadialKind::Bessel => self.bessel(r, values, derivs),
            RadialKind::Chebyshev => self.chebyshev(r, values, derivs),
            RadialKind::Gaussian => self.gaussian(r, values, derivs),
        }
        for (v, d) in values.iter_mut().zip(derivs.iter_mut()) {
            *d = *d * f + *v * df;
            *v *= f;
        }
    }

    /// √(2/r_c) sin(kr)/r with k = nπ/r_c; the r → 0 limit is √(2/r_c)·k.
    fn bessel(&self, r: f64, values: &mut [f64], derivs: &mut [f64]) {
        let pref = (2.0 / self.r_cut).sqrt();
        for (i, (v, d)) in values.iter_mut().zip(derivs.iter_mut()).enumerate() {
            let k = (i + 1) as f64 * PI / self.r_cut;
            let x = k * r;
            if x < 1e-4 {
                // Taylor series of sin(x)/x keeps full precision near the origin.
                *v = pref * k * (1.0 - x * x / 6.0);
                *d = pref * k * k * (-x / 3.0);
            } else {
                let (s, c) = x.sin_cos();
                *v = pref * s / r;
                *d = pref * (k * c * r - s) / (r * r);
            }
        }
    }

    /// T_{n−1}(s) with s = 1 − 2(e^{−λ(r/r_c − 1)} − 1)/(e^λ − 1), which maps [0, r_c] onto [−1, 1]
    /// and spends more resolution at short range.
    fn chebyshev(&self, r: f64, values: &mut [f64], derivs: &mut [f64]) {
        let lam = self.lambda;
        let e = (-lam * (r / self.r_cut - 1.0)).exp();
        let denom = lam.exp() - 1.0;
        let s = 1.0 - 2.0 * (e - 1.0) / denom;
        let ds = 2.0 * lam / (self.r_cut * denom) * e;
        // T_0 = 1, T_1 = s, T_{k+1} = 2 s T_k − T_{k−1}; the same recurrence differentiated for T'.
        let (mut t_prev, mut t) = (1.0, s);
        let (mut dt_prev, mut dt) = (0.0, 1.0);
        for (i, (v, d)) in values.iter_mut().zip(derivs.iter_mut()).enumerate() {
            if i == 0 {
                *v = 1.0;
                *d = 0.0;
                continue;
            }
            if i > 1 {
                let t_next = 2.0 * s * t - t_prev;
                let dt_next = 2.0 * t + 2.0 * s * dt - dt_prev;
                (t_prev, t) = (t, t_next);
                (dt_prev, dt) = (dt, dt_next);
            }
            *v = t;
            *d = dt * ds;
        }
    }

    /// exp(−(r − μ_n)²/(2σ²)), μ_n = (n−1) r_c/n_max, σ = r_c/n_max.
    fn gaussian(&self, r: f64, values: &mut [f64], derivs: &mut [f64]) {
        let width = self.r_cut / self.n_max as f64;
        for (i, (v, d)) in values.iter_mut().zip(derivs.iter_mut()).enumerate() {
            let x = r - i as f64 * width;
            *v = (-x * x / (2.0 * width * width)).exp();
            *d = -x / (width * width) * *v;
        }
    }
}

/// MACE's polynomial envelope: 1 − (p+1)(p+2)/2 u^p + p(p+2) u^{p+1} − p(p+1)/2 u^{p+2}, u = r/r_c,
/// and its derivative −p(p+1)(p+2)/(2 r_c) u^{p−1}(1 − u)².
pub fn polynomial_cutoff(r: f64, r_cut: f64, p: u32) -> (f64, f64) {
    if !(r.is_finite() && r < r_cut) {
        return (0.0, 0.0);
    }
    let pf = p as f64;
    let u = r / r_cut;
    let up = u.powi(p as i32);
    let f = 1.0 - (pf + 1.0) * (pf + 2.0) / 2.0 * up + pf * (pf + 2.0) * up * u
        - pf * (pf + 1.0) / 2.0 * up * u * u;
    let df = -pf * (pf + 1.0) * (pf + 2.0) / (2.0 * r_cut)
        * u.powi(p as i32 - 1)
        * (1.0 - u)
        * (1.0 - u);
    (f, df)
}

/// ½(1 + cos(πr/r_c)) and its derivative: the classic smooth cutoff of Behler–Parrinello and ACE codes.
pub fn cosine_cutoff(r: f64, r_cut: f64) -> (f64, f64) {
    if !(r.is_finite() && r < r_cut) {
        return (0.0, 0.0);
    }
    let x = PI * r / r_cut;
    (0.5 * (1.0 + x.cos()), -0.5 * PI / r_cut * x.sin())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivatives_match_central_differences() {
        for kind in [
            RadialKind::Bessel,
            RadialKind::Chebyshev,
            RadialKind::Gaussian,
        ] {
            let b = RadialBasis::new(kind, 7, 4.5).unwrap();
            let (mut v, mut d) = (vec![0.0; 7], vec![0.0; 7]);
            let (mut vp, mut vm, mut scratch) = (vec![0.0; 7], vec![0.0; 7], vec![0.0; 7]);
            for &r in &[0.3, 1.0, 2.2, 3.9, 4.49] {
                b.evaluate(r, &mut v, &mut d);
                let h = 1e-6;
                b.evaluate(r + h, &mut vp, &mut scratch);
                b.evaluate(r - h, &mut vm, &mut scratch);
                for n in 0..7 {
                    let fd = (vp[n] - vm[n]) / (2.0 * h);
                    assert!(
                        (fd - d[n]).abs() < 1e-7 * (1.0 + d[n].abs()),
                        "{kind:?} r={r} n={n}"
                    );
                }
            }
        }
    }

    #[test]
    fn everything_vanishes_smoothly_at_the_cutoff() {
        for kind in [
            RadialKind::Bessel,
            RadialKind::Chebyshev,
            RadialKind::Gaussian,
        ] {
            let b = RadialBasis::new(kind, 5, 3.0).unwrap();
            let (mut v, mut d) = (vec![1.0; 5], vec![1.0; 5]);
            b.evaluate(3.0 - 1e-9, &mut v, &mut d);
            assert!(v.iter().all(|x| x.abs() < 1e-12) && d.iter().all(|x| x.abs() < 1e-6));
            b.evaluate(3.5, &mut v, &mut d);
            assert!(v.iter().chain(d.iter()).all(|&x| x == 0.0));
            b.evaluate(f64::NAN, &mut v, &mut d);
            assert!(v.iter().chain(d.iter()).all(|&x| x == 0.0));
        }
    }

    #[test]
    fn bad_parameters_are_errors() {
        assert!(RadialBasis::new(RadialKind::Bessel, 0, 5.0).is_err());
        assert!(RadialBasis::new(RadialKind::Bessel, 4, f64::NAN).is_err());
        assert!(RadialBasis::new(RadialKind::Bessel, 4, 1e9).is_err());
        assert!("spline".parse::<RadialKind>().is_err());
        assert_eq!("Chebyshev".parse::<RadialKind>(), Ok(RadialKind::Chebyshev));
    }
}
