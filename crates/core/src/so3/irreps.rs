//! Irreducible representations of O(3) and direct sums of them, named like e3nn (`Irrep`, `Irreps`).
//!
//! An irrep `lp` has degree `l` (dimension `2l+1`) and parity `p`: under inversion `x -> -x` its
//! components are multiplied by `+1` (`e`, even) or `-1` (`o`, odd). Spherical harmonics of degree `l`
//! have parity `(-1)^l`: `0e`, `1o`, `2e`, ... An `Irreps` such as `"8x0e+4x1o+2x2e"` is a list of
//! (multiplicity, irrep) pairs, the layout of an equivariant feature vector.

use std::fmt;
use std::str::FromStr;

use super::error::So3Error;
use super::LMAX_SUPPORTED;

/// Largest multiplicity accepted when parsing (anything larger is certainly a typo).
pub const MAX_MULTIPLICITY: usize = 1_000_000;

/// Behaviour under inversion: even (`e`, +1) or odd (`o`, -1).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum Parity {
    /// `e`: unchanged by inversion.
    Even,
    /// `o`: changes sign under inversion.
    Odd,
}

impl Parity {
    /// `+1` or `-1`.
    pub fn sign(self) -> i32 {
        match self {
            Parity::Even => 1,
            Parity::Odd => -1,
        }
    }

    /// The parity `(-1)^l` of spherical harmonics of degree `l`.
    pub fn of_sh(l: usize) -> Parity {
        if l.is_multiple_of(2) {
            Parity::Even
        } else {
            Parity::Odd
        }
    }

    /// `'e'` or `'o'`.
    pub fn as_char(self) -> char {
        match self {
            Parity::Even => 'e',
            Parity::Odd => 'o',
        }
    }
}

/// Product of parities (the parity of a tensor product): even × even = odd × odd = even.
impl std::ops::Mul for Parity {
    type Output = Parity;
    fn mul(self, other: Parity) -> Parity {
        if self == other {
            Parity::Even
        } else {
            Parity::Odd
        }
    }
}

/// One irreducible representation of O(3): degree `l` and parity `p`. Displays as `"2e"`.
///
/// Ordering follows e3nn (an `Irrep` is the tuple `(l, p)` with `p = ±1`): by `l`, then odd before even.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Irrep {
    /// Degree.
    pub l: usize,
    /// Parity.
    pub p: Parity,
}

impl PartialOrd for Irrep {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Irrep {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.l, self.p.sign()).cmp(&(other.l, other.p.sign()))
    }
}

impl Irrep {
    /// The irrep `lp`.
    pub fn new(l: usize, p: Parity) -> Irrep {
        Irrep { l, p }
    }

    /// The irrep of the spherical harmonics of degree `l`: `l` with parity `(-1)^l`.
    pub fn sh(l: usize) -> Irrep {
        Irrep {
            l,
            p: Parity::of_sh(l),
        }
    }

    /// Dimension `2l + 1`.
    pub fn dim(&self) -> usize {
        2 * self.l + 1
    }

    /// The irreps in `self ⊗ other`: degrees `|l1 - l2| ..= l1 + l2`, parity `p1 p2`.
    pub fn mul(&self, other: &Irrep) -> impl Iterator<Item = Irrep> {
        let p = self.p * other.p;
        (self.l.abs_diff(other.l)..=self.l + other.l).map(move |l| Irrep { l, p })
    }
}

impl fmt::Display for Irrep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.l, self.p.as_char())
    }
}

fn parse_irrep(term: &str, s: &str, input: &str) -> Result<Irrep, So3Error> {
    let err = |reason: String| So3Error::IrrepsParse {
        term: term.to_string(),
        input: input.to_string(),
        reason,
    };
    let s = s.trim();
    let Some(last) = s.chars().last() else {
        return Err(err(
            "missing the irrep after `x` (expected e.g. `1o`)".into()
        ));
    };
    let p = match last {
        'e' => Parity::Even,
        'o' => Parity::Odd,
        c if c.is_ascii_digit() => {
            return Err(err("missing the parity: end the irrep with e or o".into()))
        }
        _ => return Err(err("parity must be e or o".into())),
    };
    let digits = s[..s.len() - last.len_utf8()].trim();
    if digits.is_empty() {
        return Err(err("missing the degree l before the parity".into()));
    }
    if digits.starts_with('-') {
        return Err(err("the degree l must not be negative".into()));
    }
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(err(format!("the degree `{digits}` is not a whole number")));
    }
    match digits.parse::<usize>() {
        Ok(l) if l <= LMAX_SUPPORTED => Ok(Irrep { l, p }),
        _ => Err(err(format!(
            "the degree l = {digits} is larger than the supported maximum {LMAX_SUPPORTED}"
        ))),
    }
}

impl FromStr for Irrep {
    type Err = So3Error;
    /// Parses `"1o"`, `"2e"` (degree, then `e` or `o`).
    fn from_str(s: &str) -> Result<Irrep, So3Error> {
        parse_irrep(s.trim(), s, s)
    }
}

/// `mul` copies of `ir`, written `"{mul}x{ir}"`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct MulIr {
    /// Multiplicity.
    pub mul: usize,
    /// The irrep.
    pub ir: Irrep,
}

impl MulIr {
    /// Dimension `mul (2l + 1)`.
    pub fn dim(&self) -> usize {
        self.mul * self.ir.dim()
    }
}

impl fmt::Display for MulIr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.mul, self.ir)
    }
}

/// A direct sum of irreps with multiplicities, e.g. `"8x0e+4x1o+2x2e"`; the layout of a feature vector
/// (blocks in order, each block `mul` copies of `2l+1` components, copy-major like e3nn).
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct Irreps(pub Vec<MulIr>);

/// The result of [`Irreps::sort`], like e3nn's `(irreps, p, inv)`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SortedIrreps {
    /// The sorted irreps.
    pub irreps: Irreps,
    /// `p[i]` = new position of old term `i`.
    pub p: Vec<usize>,
    /// `inv[j]` = old position of new term `j`.
    pub inv: Vec<usize>,
}

impl Irreps {
    /// The spherical-harmonics irreps `1x0e+1x1o+...+1x{lmax}p`.
    pub fn spherical_harmonics(lmax: usize) -> Irreps {
        Irreps(
            (0..=lmax)
                .map(|l| MulIr {
                    mul: 1,
                    ir: Irrep::sh(l),
                })
                .collect(),
        )
    }

    /// Total dimension `Σ mul (2l+1)`.
    pub fn dim(&self) -> usize {
        self.0.iter().map(MulIr::dim).sum()
    }

    /// Number of irreps counted with multiplicity, `Σ mul`.
    pub fn num_irreps(&self) -> usize {
        self.0.iter().map(|t| t.mul).sum()
    }

    /// Largest degree, `None` for the empty sum.
    pub fn lmax(&self) -> Option<usize> {
        self.0.iter().map(|t| t.ir.l).max()
    }

    /// Merge consecutive terms with the same irrep and drop zero multiplicities (e3nn `simplify`).
    pub fn simplify(&self) -> Irreps {
        let mut out: Vec<MulIr> = Vec::new();
        for t in &self.0 {
            match out.last_mut() {
                Some(last) if last.ir == t.ir => last.mul += t.mul,
                _ if t.mul > 0 => out.push(*t),
                _ => {}
            }
        }
        Irreps(out)
    }

    /// Stable sort of the terms by irrep (e3nn order: by l, odd before even), with the permutation.
    pub fn sort(&self) -> SortedIrreps {
        let mut inv: Vec<usize> = (0..self.0.len()).collect();
        inv.sort_by_key(|&i| self.0[i].ir);
        let mut p = vec![0; inv.len()];
        for (j, &i) in inv.iter().enumerate() {
            p[i] = j;
        }
        SortedIrreps {
            irreps: Irreps(inv.iter().map(|&i| self.0[i]).collect()),
            p,
            inv,
        }
    }

    /// The irreps after inversion acts on them is the same list; this gives the sign each term picks up
    /// under inversion (`+1` even, `-1` odd), one entry per term.
    pub fn inversion_signs(&self) -> Vec<i32> {
        self.0.iter().map(|t| t.ir.p.sign()).collect()
    }
}

impl fmt::Display for Irreps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, t) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("+")?;
            }
            write!(f, "{t}")?;
        }
        Ok(())
    }
}

impl FromStr for Irreps {
    type Err = So3Error;
    /// Parses `"8x0e+4x1o + 2x2e"`, `"0e"` (multiplicity 1), `""` (the empty sum). Errors name the
    /// offending term and say why it is wrong.
    fn from_str(input: &str) -> Result<Irreps, So3Error> {
        if input.trim().is_empty() {
            return Ok(Irreps::default());
        }
        let mut out = Vec::new();
        for raw in input.split('+') {
            let term = raw.trim();
            let err = |reason: String| So3Error::IrrepsParse {
                term: term.to_string(),
                input: input.to_string(),
                reason,
            };
            if term.is_empty() {
                return Err(err(
                    "empty term (two `+` in a row, or a `+` at an end)".into()
                ));
            }
            let (mul, ir) = match term.split_once('x') {
                Some((m, ir)) => {
                    let m = m.trim();
                    if m.starts_with('-') {
                        return Err(err("the multiplicity must not be negative".into()));
                    }
                    if m.is_empty() || !m.chars().all(|c| c.is_ascii_digit()) {
                        return Err(err(format!("the multiplicity `{m}` is not a whole number")));
                    }
                    let mul = match m.parse::<usize>() {
                        Ok(v) if v <= MAX_MULTIPLICITY => v,
                        _ => {
                            return Err(err(format!(
                                "the multiplicity {m} is larger than {MAX_MULTIPLICITY}"
                            )))
                        }
                    };
                    (mul, parse_irrep(term, ir, input)?)
                }
                None => (1, parse_irrep(term, term, input)?),
            };
            out.push(MulIr { mul, ir });
        }
        Ok(Irreps(out))
    }
}
