//! Scalar activation functions with e3nn's second-moment normalisation and parity rules
//! (`e3nn.math.normalize2mom`, `e3nn.nn.Activation`).
//!
//! e3nn rescales every activation φ by a constant c so that E[(c φ(z))²] = 1 for z ~ N(0, 1): then a
//! layer whose inputs have unit second moment hands unit second moments on, however deep the network.
//! e3nn 0.4.4 does not integrate: it averages φ(z)² over 10⁶ samples of `torch.randn` (generator seed
//! 0, float64), so its constants differ from the exact integrals in the fourth digit. The constants
//! below are e3nn's, so that weights trained with e3nn (or mace-torch) give the same numbers here.

use super::NnError;
use crate::so3::Parity;

/// A pointwise nonlinearity, multiplied by e3nn 0.4.4's `normalize2mom` constant.
///
/// The constants were read from e3nn 0.4.4 objects,
/// `e3nn.math.normalize2mom(f).cst` with `f` = `torch.nn.functional.silu`, `torch.tanh`,
/// `torch.sigmoid`, `torch.nn.functional.relu`, `torch.abs` and `lambda x: x` (torch 2.15, CPU), and
/// are recorded again by `tools/make_nn_layer_fixtures.py` so a test checks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Activation {
    /// x σ(x) ("swish"): MACE's and NequIP's choice for even scalars. Neither even nor odd.
    Silu,
    /// tanh x: odd, so it may act on odd scalars (which stay odd).
    Tanh,
    /// σ(x) = 1/(1 + e^{−x}): the classic gate. Neither even nor odd.
    Sigmoid,
    /// max(x, 0). Neither even nor odd. (Applied to the components of an l ≥ 1 feature it breaks
    /// rotation equivariance: the point of chapter 02's counter-example.)
    Relu,
    /// |x|: even, so it turns an odd scalar into an even one.
    Abs,
    /// x: odd. Note that e3nn normalises even the identity (its sampled second moment is not exactly
    /// 1), so this is 1.0011… x, not x; "no activation" is `None` where an `Option<Activation>` is taken.
    Identity,
}

/// `normalize2mom(torch.nn.functional.silu).cst` in e3nn 0.4.4 (also recorded in the notes on mace-torch).
const SILU_CST: f64 = 1.679_176_792_398_941_8;
/// `normalize2mom(torch.tanh).cst` in e3nn 0.4.4.
const TANH_CST: f64 = 1.593_733_447_259_269_5;
/// `normalize2mom(torch.sigmoid).cst` in e3nn 0.4.4.
const SIGMOID_CST: f64 = 1.846_705_534_215_476_3;
/// `normalize2mom(torch.nn.functional.relu).cst` in e3nn 0.4.4 (the exact integral would give √2).
const RELU_CST: f64 = 1.416_339_344_633_136_5;
/// `normalize2mom(torch.abs).cst` = `normalize2mom(lambda x: x).cst` in e3nn 0.4.4 (both average z²).
const ABS_CST: f64 = 1.001_110_600_838_467;

/// How an activation behaves under x → −x, which decides what it may do to an odd scalar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionParity {
    /// φ(−x) = φ(x).
    Even,
    /// φ(−x) = −φ(x).
    Odd,
    /// Neither: may only act on even scalars.
    Neither,
}

impl Activation {
    /// Every variant, in declaration order.
    pub const ALL: [Activation; 6] = [
        Activation::Silu,
        Activation::Tanh,
        Activation::Sigmoid,
        Activation::Relu,
        Activation::Abs,
        Activation::Identity,
    ];

    /// The lower-case name (`"silu"`, ...), as on the command line and in fixtures.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Silu => "silu",
            Activation::Tanh => "tanh",
            Activation::Sigmoid => "sigmoid",
            Activation::Relu => "relu",
            Activation::Abs => "abs",
            Activation::Identity => "identity",
        }
    }

    /// e3nn's `normalize2mom` constant c: the activation is c φ(x).
    pub fn constant(self) -> f64 {
        match self {
            Activation::Silu => SILU_CST,
            Activation::Tanh => TANH_CST,
            Activation::Sigmoid => SIGMOID_CST,
            Activation::Relu => RELU_CST,
            Activation::Abs | Activation::Identity => ABS_CST,
        }
    }

    /// Even, odd or neither (what e3nn's `Activation` finds by comparing φ(x) with φ(−x)).
    pub fn parity(self) -> FunctionParity {
        match self {
            Activation::Tanh | Activation::Identity => FunctionParity::Odd,
            Activation::Abs => FunctionParity::Even,
            Activation::Silu | Activation::Sigmoid | Activation::Relu => FunctionParity::Neither,
        }
    }

    /// The parity of c φ(x) for a scalar x of parity `p_in` (e3nn `nn.Activation`): an even scalar stays
    /// even; an odd scalar through an odd function stays odd, through an even function becomes even, and
    /// through a function that is neither is an error (the output would have no parity).
    pub fn output_parity(self, p_in: Parity) -> Result<Parity, NnError> {
        match (p_in, self.parity()) {
            (Parity::Even, _) => Ok(Parity::Even),
            (Parity::Odd, FunctionParity::Odd) => Ok(Parity::Odd),
            (Parity::Odd, FunctionParity::Even) => Ok(Parity::Even),
            (Parity::Odd, FunctionParity::Neither) => Err(NnError::Argument {
                name: "activations",
                reason: format!(
                    "{} is neither even nor odd, so it cannot act on an odd scalar (0o): the parity \
                     would be violated; use tanh (odd) or abs (even)",
                    self.name()
                ),
            }),
        }
    }

    /// c φ(x).
    #[inline]
    pub fn eval(self, x: f64) -> f64 {
        self.constant() * self.raw(x)
    }

    /// c φ(x) and its derivative c φ'(x). At kinks (relu and abs at 0) the derivative is 0, as torch's.
    #[inline]
    pub fn eval_with_derivative(self, x: f64) -> (f64, f64) {
        let c = self.constant();
        let (f, df) = match self {
            Activation::Silu => {
                let s = sigmoid(x);
                (x * s, s * (1.0 + x * (1.0 - s)))
            }
            Activation::Tanh => {
                let t = x.tanh();
                (t, 1.0 - t * t)
            }
            Activation::Sigmoid => {
                let s = sigmoid(x);
                (s, s * (1.0 - s))
            }
            Activation::Relu => {
                if x > 0.0 {
                    (x, 1.0)
                } else {
                    (0.0, 0.0)
                }
            }
            Activation::Abs => (x.abs(), sign_or_zero(x)),
            Activation::Identity => (x, 1.0),
        };
        (c * f, c * df)
    }

    /// φ(x) without the constant.
    #[inline]
    fn raw(self, x: f64) -> f64 {
        match self {
            Activation::Silu => x * sigmoid(x),
            Activation::Tanh => x.tanh(),
            Activation::Sigmoid => sigmoid(x),
            Activation::Relu => x.max(0.0),
            Activation::Abs => x.abs(),
            Activation::Identity => x,
        }
    }
}

impl std::str::FromStr for Activation {
    type Err = NnError;
    fn from_str(s: &str) -> Result<Self, NnError> {
        let t = s.trim().to_ascii_lowercase();
        Activation::ALL
            .into_iter()
            .find(|a| a.name() == t)
            .ok_or_else(|| NnError::Argument {
                name: "activation",
                reason: format!(
                    "unknown activation `{s}` (expected silu, tanh, sigmoid, relu, abs or identity)"
                ),
            })
    }
}

impl std::fmt::Display for Activation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// 1/(1 + e^{−x}), written so that neither branch overflows.
#[inline]
fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

#[inline]
fn sign_or_zero(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivatives_match_central_differences() {
        for a in Activation::ALL {
            for &x in &[-3.1, -0.7, -1e-3, 0.4, 2.5, 12.0, -40.0] {
                let h = 1e-6;
                let fd = (a.eval(x + h) - a.eval(x - h)) / (2.0 * h);
                let (f, d) = a.eval_with_derivative(x);
                assert_eq!(f, a.eval(x), "{a} value at {x}");
                assert!((fd - d).abs() < 1e-8, "{a} at {x}: {fd} vs {d}");
            }
        }
    }

    #[test]
    fn parities_are_what_the_functions_are() {
        for a in Activation::ALL {
            let even = (0..50).all(|i| {
                let x = 0.2 * i as f64;
                (a.eval(x) - a.eval(-x)).abs() < 1e-12
            });
            let odd = (0..50).all(|i| {
                let x = 0.2 * i as f64;
                (a.eval(x) + a.eval(-x)).abs() < 1e-12
            });
            let expect = match (even, odd) {
                (true, _) => FunctionParity::Even,
                (_, true) => FunctionParity::Odd,
                _ => FunctionParity::Neither,
            };
            assert_eq!(a.parity(), expect, "{a}");
        }
        assert_eq!(Activation::Abs.output_parity(Parity::Odd), Ok(Parity::Even));
        assert_eq!(Activation::Tanh.output_parity(Parity::Odd), Ok(Parity::Odd));
        assert!(Activation::Silu.output_parity(Parity::Odd).is_err());
        assert_eq!(
            Activation::Silu.output_parity(Parity::Even),
            Ok(Parity::Even)
        );
    }

    #[test]
    fn names_round_trip() {
        for a in Activation::ALL {
            assert_eq!(a.name().parse::<Activation>(), Ok(a));
        }
        assert!("gelu".parse::<Activation>().is_err());
    }

    #[test]
    fn sigmoid_does_not_overflow() {
        assert_eq!(sigmoid(-1000.0), 0.0);
        assert_eq!(sigmoid(1000.0), 1.0);
        assert!(Activation::Silu.eval(-1000.0).abs() < 1e-300);
    }
}
