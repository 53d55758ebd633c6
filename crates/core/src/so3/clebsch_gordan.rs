//! Complex (Condon–Shortley) Clebsch–Gordan coefficients ⟨j1 m1 j2 m2 | j m⟩ by Racah's formula.
//!
//! These are the textbook coefficients of SU(2) that couple two angular momenta to a total one; they are
//! equal to sympy's `CG(j1, m1, j2, m2, j, m).doit()`. The real-basis coupling tensors e3nn uses are built
//! from them in [`super::wigner_3j`].

use super::error::So3Error;

/// `n!` as f64 for n <= 170 (each entry rounded once from the previous: relative error below n·ε).
fn factorial(n: i64) -> f64 {
    const N: usize = 171;
    static TABLE: std::sync::OnceLock<[f64; N]> = std::sync::OnceLock::new();
    let t = TABLE.get_or_init(|| {
        let mut t = [1.0; N];
        for k in 1..N {
            t[k] = t[k - 1] * k as f64;
        }
        t
    });
    usize::try_from(n)
        .ok()
        .and_then(|i| t.get(i).copied())
        .unwrap_or(f64::INFINITY)
}

/// ⟨j1 m1 j2 m2 | j m⟩ for quantum numbers given *doubled* (`tj1 = 2 j1`, ...), already validated:
/// tj ≥ 0, |tm| ≤ tj, tj − tm even. Racah's formula (e.g. Varshalovich §8.2.1 eq. (3)).
pub(crate) fn cg_doubled(tj1: i64, tm1: i64, tj2: i64, tm2: i64, tj: i64, tm: i64) -> f64 {
    if tm1 + tm2 != tm || tj < (tj1 - tj2).abs() || tj > tj1 + tj2 || (tj1 + tj2 + tj) % 2 != 0 {
        return 0.0;
    }
    if tm1.abs() > tj1 || tm2.abs() > tj2 || tm.abs() > tj {
        return 0.0;
    }
    // Integer combinations (all exact halves of even numbers).
    let a = (tj1 + tj2 - tj) / 2; // j1 + j2 - j
    let b = (tj1 - tm1) / 2; // j1 - m1
    let c = (tj2 + tm2) / 2; // j2 + m2
    let d = (tj - tj2 + tm1) / 2; // j - j2 + m1
    let e = (tj - tj1 - tm2) / 2; // j - j1 - m2
    let pref = ((tj + 1) as f64
        * factorial((tj + tj1 - tj2) / 2)
        * factorial((tj - tj1 + tj2) / 2)
        * factorial(a)
        / factorial((tj1 + tj2 + tj) / 2 + 1))
    .sqrt()
        * (factorial((tj + tm) / 2)
            * factorial((tj - tm) / 2)
            * factorial((tj1 - tm1) / 2)
            * factorial((tj1 + tm1) / 2)
            * factorial((tj2 - tm2) / 2)
            * factorial((tj2 + tm2) / 2))
        .sqrt();
    let kmin = 0.max(-d).max(-e);
    let kmax = a.min(b).min(c);
    let mut sum = 0.0;
    for k in kmin..=kmax {
        let den = factorial(k)
            * factorial(a - k)
            * factorial(b - k)
            * factorial(c - k)
            * factorial(d + k)
            * factorial(e + k);
        let term = 1.0 / den;
        sum += if k % 2 == 0 { term } else { -term };
    }
    pref * sum
}

/// Twice a (half-)integer quantum number, or an error saying why it is not one.
fn doubled(name: &'static str, v: f64) -> Result<i64, So3Error> {
    let t = 2.0 * v;
    if !v.is_finite() || (t - t.round()).abs() > 1e-9 || t.abs() > 1e6 {
        return Err(So3Error::InvalidQuantumNumber {
            name,
            value: v,
            reason: "must be an integer or a half-integer".into(),
        });
    }
    Ok(t.round() as i64)
}

/// The complex Clebsch–Gordan coefficient ⟨j1 m1 j2 m2 | j m⟩ (Condon–Shortley phase), equal to sympy's
/// `CG(j1, m1, j2, m2, j, m).doit()`. Half-integers are allowed. Selection rules that are not met
/// (m1 + m2 ≠ m, triangle rule, |m| > j) give 0, like sympy; a number that is not a (half-)integer, a
/// negative j, a j − m that is not an integer, or j above 80 gives an error.
pub fn clebsch_gordan(j1: f64, m1: f64, j2: f64, m2: f64, j: f64, m: f64) -> Result<f64, So3Error> {
    let tj1 = doubled("j1", j1)?;
    let tm1 = doubled("m1", m1)?;
    let tj2 = doubled("j2", j2)?;
    let tm2 = doubled("m2", m2)?;
    let tj = doubled("j", j)?;
    let tm = doubled("m", m)?;
    for (name, t, v) in [("j1", tj1, j1), ("j2", tj2, j2), ("j", tj, j)] {
        if t < 0 {
            return Err(So3Error::InvalidQuantumNumber {
                name,
                value: v,
                reason: "must not be negative".into(),
            });
        }
        if t > 160 {
            return Err(So3Error::InvalidQuantumNumber {
                name,
                value: v,
                reason: "is too large (at most 80 is supported)".into(),
            });
        }
    }
    for (name, tjj, tmm, v) in [("m1", tj1, tm1, m1), ("m2", tj2, tm2, m2), ("m", tj, tm, m)] {
        if (tjj - tmm).rem_euclid(2) != 0 {
            return Err(So3Error::InvalidQuantumNumber {
                name,
                value: v,
                reason: "j - m must be an integer".into(),
            });
        }
    }
    Ok(cg_doubled(tj1, tm1, tj2, tm2, tj, tm))
}
