//! Readouts: the site energy contributed by one layer's features. mace-torch reads the invariant
//! channels of every layer but the last with a linear map (`LinearReadoutBlock`) and those of the last
//! with a one-hidden-layer perceptron (`NonLinearReadoutBlock`: linear, SiLU normalised by e3nn's
//! `normalize2mom`, linear).

use super::blocks::IrrepsLinear;

/// One layer's readout.
#[derive(Debug, Clone)]
pub(crate) enum Readout {
    Linear(IrrepsLinear),
    NonLinear {
        first: IrrepsLinear,
        silu_cst: f64,
        second: IrrepsLinear,
    },
}

fn silu(x: f64) -> (f64, f64) {
    let s = 1.0 / (1.0 + (-x).exp());
    (x * s, s * (1.0 + x * (1.0 - s)))
}

impl Readout {
    /// Size of the hidden layer (0 for a linear readout): scratch per atom kept for the backward pass.
    pub(crate) fn hidden_len(&self) -> usize {
        match self {
            Readout::Linear(_) => 0,
            Readout::NonLinear { first, .. } => first.dim_out(),
        }
    }

    pub(crate) fn dim_in(&self) -> usize {
        match self {
            Readout::Linear(l) => l.dim_in(),
            Readout::NonLinear { first, .. } => first.dim_in(),
        }
    }

    /// The readout of features `h`; `hidden` receives the pre-activations.
    pub(crate) fn forward(&self, h: &[f64], hidden: &mut [f64]) -> f64 {
        let mut out = [0.0];
        match self {
            Readout::Linear(l) => l.forward(h, &mut out),
            Readout::NonLinear {
                first,
                silu_cst,
                second,
            } => {
                first.forward(h, hidden);
                let mut act = [0.0; 256];
                let n = hidden.len().min(act.len());
                for (a, &z) in act[..n].iter_mut().zip(hidden.iter()) {
                    *a = silu_cst * silu(z).0;
                }
                second.forward(&act[..n], &mut out);
            }
        }
        out[0]
    }

    /// `g_h += g · ∂readout/∂h`, from the pre-activations of [`Self::forward`].
    pub(crate) fn backward(&self, hidden: &[f64], g: f64, g_h: &mut [f64]) {
        match self {
            Readout::Linear(l) => l.backward(&[g], g_h),
            Readout::NonLinear {
                first,
                silu_cst,
                second,
            } => {
                let mut g_act = [0.0; 256];
                let n = hidden.len().min(g_act.len());
                second.backward(&[g], &mut g_act[..n]);
                for (ga, &z) in g_act[..n].iter_mut().zip(hidden.iter()) {
                    *ga *= silu_cst * silu(z).1;
                }
                first.backward(&g_act[..n], g_h);
            }
        }
    }
}
