//! The radial network of a MACE interaction (e3nn `nn.FullyConnectedNet` without biases): it maps the
//! Bessel embedding of every edge to that edge's tensor-product weights. It is the largest cost of a
//! small model, so all edges go through each layer as one matrix product (`matrixmultiply`, with
//! explicit strides: see [`super::gemm`] for why not nalgebra), forward and backward.

use super::gemm::{gemm, Strided};
use super::metadata::ActivationMeta;
use super::MaceError;

/// Layer sizes `hs`, weights `[hs[k], hs[k+1]]` row-major per layer, and SiLU scaled by e3nn's
/// `normalize2mom` constant between layers.
#[derive(Debug, Clone)]
pub(crate) struct RadialMlp {
    hs: Vec<usize>,
    weights: Vec<Vec<f64>>,
    silu_cst: f64,
}

fn silu(x: f64) -> (f64, f64) {
    let s = 1.0 / (1.0 + (-x).exp());
    (x * s, s * (1.0 + x * (1.0 - s)))
}

impl RadialMlp {
    pub(crate) fn new(
        field: &str,
        hs: &[usize],
        activations: &[Option<ActivationMeta>],
        weights: Vec<Vec<f64>>,
    ) -> Result<Self, MaceError> {
        if hs.len() < 2 || hs.contains(&0) || weights.len() != hs.len() - 1 {
            return Err(MaceError::metadata(
                format!("{field}.radial_mlp"),
                format!(
                    "layer sizes {hs:?} do not fit {} weight tensors",
                    weights.len()
                ),
            ));
        }
        let n_layers = hs.len() - 1;
        let mut cst = None;
        for (k, act) in activations.iter().enumerate() {
            match (act, k + 1 < n_layers) {
                (Some(a), true) if a.function == "silu" && a.cst.is_finite() => {
                    if cst.is_some_and(|c| c != a.cst) {
                        return Err(MaceError::metadata(
                            format!("{field}.radial_mlp_activations[{k}]"),
                            "different normalisation constants per layer are not supported",
                        ));
                    }
                    cst = Some(a.cst);
                }
                (None, false) => {}
                _ => {
                    return Err(MaceError::metadata(
                        format!("{field}.radial_mlp_activations[{k}]"),
                        "expected SiLU between layers and none after the last",
                    ))
                }
            }
        }
        if activations.len() != n_layers {
            return Err(MaceError::metadata(
                format!("{field}.radial_mlp_activations"),
                format!("{} entries for {n_layers} layers", activations.len()),
            ));
        }
        for (k, w) in weights.iter().enumerate() {
            if w.len() != hs[k] * hs[k + 1] {
                return Err(MaceError::tensor(
                    format!("{field}.conv_tp_weights.layer{k}.weight"),
                    format!("{} entries, expected {}×{}", w.len(), hs[k], hs[k + 1]),
                ));
            }
        }
        Ok(RadialMlp {
            hs: hs.to_vec(),
            weights,
            silu_cst: cst.unwrap_or(1.0),
        })
    }

    pub(crate) fn sizes(&self) -> &[usize] {
        &self.hs
    }

    pub(crate) fn n_in(&self) -> usize {
        self.hs[0]
    }

    pub(crate) fn n_out(&self) -> usize {
        self.hs[self.hs.len() - 1]
    }

    /// Numbers of scratch per edge kept between forward and backward (pre-activations and
    /// activations of the hidden layers, the former replaced by the activation's derivative).
    pub(crate) fn stash_per_edge(&self) -> usize {
        2 * self.hs[1..self.hs.len() - 1].iter().sum::<usize>()
    }

    /// Scratch for [`Self::backward`] over `n` edges.
    pub(crate) fn scratch_len(&self, n: usize) -> usize {
        2 * n * self.hs.iter().copied().max().unwrap_or(0)
    }

    /// `out[e] = net(x[e])` for `n` edges; `x` is `[n, n_in]` and `out` `[n, n_out]` row-major.
    /// `stash` (length `n · stash_per_edge()`) keeps what [`Self::backward`] needs.
    pub(crate) fn forward(&self, n: usize, x: &[f64], stash: &mut [f64], out: &mut [f64]) {
        if n == 0 {
            return;
        }
        let n_layers = self.hs.len() - 1;
        let mut pos = 0;
        for k in 0..n_layers {
            let (h_in, h_out) = (self.hs[k], self.hs[k + 1]);
            // Z [n, h_out] = A [n, h_in] · W [h_in, h_out] / √h_in, all row-major.
            let w = Strided::row_major(&self.weights[k], h_in, h_out);
            let s = 1.0 / (h_in as f64).sqrt();
            let (before, rest) = stash.split_at_mut(pos);
            let input: &[f64] = if k == 0 {
                x
            } else {
                &before[pos - h_in * n..pos]
            };
            let a = Strided::row_major(&input[..h_in * n], n, h_in);
            if k + 1 == n_layers {
                gemm(s, a, w, 0.0, &mut out[..h_out * n]);
            } else {
                let (zs, acts) = rest.split_at_mut(h_out * n);
                gemm(s, a, w, 0.0, zs);
                // Keep the activation's derivative where z was: the backward pass needs only that.
                for (a, z) in acts[..h_out * n].iter_mut().zip(zs.iter_mut()) {
                    let (f, df) = silu(*z);
                    *a = self.silu_cst * f;
                    *z = self.silu_cst * df;
                }
                pos += 2 * h_out * n;
            }
        }
    }

    /// `g_x[e] += (∂net/∂x)ᵀ g_out[e]` for every edge, from the stash of [`Self::forward`]; `scratch`
    /// needs [`Self::scratch_len`] numbers.
    pub(crate) fn backward(
        &self,
        n: usize,
        stash: &[f64],
        g_out: &[f64],
        g_x: &mut [f64],
        scratch: &mut [f64],
    ) {
        if n == 0 {
            return;
        }
        let n_layers = self.hs.len() - 1;
        let max_h = self.hs.iter().copied().max().unwrap_or(0);
        let (g, g_prev) = scratch.split_at_mut(max_h * n);
        g[..self.n_out() * n].copy_from_slice(&g_out[..self.n_out() * n]);
        let mut pos = stash.len().min(n * self.stash_per_edge());
        for k in (0..n_layers).rev() {
            let (h_in, h_out) = (self.hs[k], self.hs[k + 1]);
            // G_prev [n, h_in] = G [n, h_out] · Wᵀ / √h_in: Wᵀ is W's row-major storage read
            // column by column.
            let wt = Strided::transposed(&self.weights[k], h_out, h_in);
            let s = 1.0 / (h_in as f64).sqrt();
            let gv = Strided::row_major(&g[..h_out * n], n, h_out);
            if k == 0 {
                gemm(s, gv, wt, 1.0, &mut g_x[..h_in * n]);
            } else {
                gemm(s, gv, wt, 0.0, &mut g_prev[..h_in * n]);
                // Through the activation of hidden layer k − 1: its derivative sits before its a.
                pos -= 2 * h_in * n;
                let d = &stash[pos..pos + h_in * n];
                for ((gi, &gp), &d) in g[..h_in * n].iter_mut().zip(g_prev.iter()).zip(d) {
                    *gi = gp * d;
                }
            }
        }
    }
}
