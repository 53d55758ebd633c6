//! A multilayer perceptron of invariant scalars as e3nn builds it (`e3nn.nn.FullyConnectedNet`): the
//! radial network of NequIP and MACE, which turns a distance embedding into tensor-product weights.
//!
//! Layer k maps x ↦ φ(x W_k / √fan_in) (hidden layers) or x W_k / √fan_in (the last layer), with no
//! biases and φ normalised by e3nn's `normalize2mom` constant: with N(0, 1) weights, unit-variance
//! inputs give unit-variance outputs at every depth (e3nn's "variance_in = variance_out = 1" defaults).

use super::{Activation, NnError};

/// e3nn `nn.FullyConnectedNet(hs, act)`: sizes `hs = [n_in, h_1, ..., n_out]`.
///
/// Weights are one flat slice: layer 0's `[hs[0], hs[1]]` matrix row-major (e3nn's
/// `layer0.weight`), then layer 1's, and so on — the concatenation of e3nn's per-layer `weight`
/// tensors, flattened.
#[derive(Debug, Clone, PartialEq)]
pub struct FullyConnectedNet {
    hs: Vec<usize>,
    act: Option<Activation>,
    offsets: Vec<usize>,
}

impl FullyConnectedNet {
    /// The network with layer sizes `hs` (at least two, none zero) and activation `act` between layers
    /// (`None`: a product of linear maps, as e3nn with `act=None`).
    pub fn new(hs: &[usize], act: Option<Activation>) -> Result<Self, NnError> {
        if hs.len() < 2 || hs.contains(&0) {
            return Err(NnError::Argument {
                name: "hs",
                reason: format!(
                    "layer sizes {hs:?}: give at least an input and an output size, none of them 0"
                ),
            });
        }
        let mut offsets = vec![0];
        for w in hs.windows(2) {
            offsets.push(offsets.last().copied().unwrap_or(0) + w[0] * w[1]);
        }
        Ok(FullyConnectedNet {
            hs: hs.to_vec(),
            act,
            offsets,
        })
    }

    /// The layer sizes.
    pub fn hs(&self) -> &[usize] {
        &self.hs
    }

    /// The activation between layers.
    pub fn act(&self) -> Option<Activation> {
        self.act
    }

    /// Input size `hs[0]`.
    pub fn n_in(&self) -> usize {
        self.hs[0]
    }

    /// Output size, the last of `hs`.
    pub fn n_out(&self) -> usize {
        self.hs[self.hs.len() - 1]
    }

    /// Number of weights, `Σ_k hs[k] hs[k+1]`.
    pub fn weight_numel(&self) -> usize {
        self.offsets[self.offsets.len() - 1]
    }

    /// Where layer `k`'s `[hs[k], hs[k+1]]` matrix lies in the flat weights.
    pub fn layer_range(&self, k: usize) -> std::ops::Range<usize> {
        self.offsets[k]..self.offsets[k + 1]
    }

    /// Scratch numbers `forward` and `backward` need: pre-activations and activations of every hidden
    /// layer, and two gradient buffers.
    pub fn scratch_len(&self) -> usize {
        let hidden: usize = self.hs[1..self.hs.len() - 1].iter().sum();
        2 * hidden + 2 * self.hs.iter().copied().max().unwrap_or(0)
    }

    fn sizes_ok(&self, weights: usize, x: usize, out: usize, scratch: usize) -> bool {
        let ok = weights >= self.weight_numel()
            && x >= self.n_in()
            && out >= self.n_out()
            && scratch >= self.scratch_len();
        debug_assert!(
            ok,
            "FullyConnectedNet {:?}: {weights} weights (need {}), input {x}, output {out}, scratch \
             {scratch} (need {})",
            self.hs,
            self.weight_numel(),
            self.scratch_len()
        );
        ok
    }

    /// Layer k without its activation: z = x W_k / √hs[k].
    fn linear(&self, weights: &[f64], k: usize, x: &[f64], z: &mut [f64]) {
        let (h_in, h_out) = (self.hs[k], self.hs[k + 1]);
        let w = &weights[self.layer_range(k)];
        z[..h_out].fill(0.0);
        for (i, &xi) in x[..h_in].iter().enumerate() {
            let row = &w[i * h_out..(i + 1) * h_out];
            z[..h_out]
                .iter_mut()
                .zip(row)
                .for_each(|(zj, &wij)| *zj += xi * wij);
        }
        let s = 1.0 / (h_in as f64).sqrt();
        z[..h_out].iter_mut().for_each(|zj| *zj *= s);
    }

    /// Runs the hidden layers, leaving pre-activations and activations in `scratch` (layer by layer:
    /// z_k then a_k), and writes the output.
    fn run(&self, weights: &[f64], x: &[f64], out: &mut [f64], scratch: &mut [f64]) {
        let n_layers = self.hs.len() - 1;
        let mut pos = 0;
        for k in 0..n_layers {
            let h = self.hs[k + 1];
            if k + 1 == n_layers {
                let input: &[f64] = if k == 0 {
                    x
                } else {
                    &scratch[pos - self.hs[k]..pos]
                };
                self.linear(weights, k, input, out);
            } else {
                let (before, rest) = scratch.split_at_mut(pos);
                let input: &[f64] = if k == 0 {
                    x
                } else {
                    &before[pos - self.hs[k]..]
                };
                let (z, rest) = rest.split_at_mut(h);
                self.linear(weights, k, input, z);
                let a = &mut rest[..h];
                match self.act {
                    Some(act) => a.iter_mut().zip(z.iter()).for_each(|(ai, &zi)| {
                        *ai = act.eval(zi);
                    }),
                    None => a.copy_from_slice(z),
                }
                pos += 2 * h;
            }
        }
    }

    /// `out = net(x)` for one input vector (`x.len() >= n_in`, `out.len() >= n_out`), using
    /// `scratch.len() >= scratch_len()` numbers of scratch. Allocates nothing.
    pub fn forward(&self, weights: &[f64], x: &[f64], out: &mut [f64], scratch: &mut [f64]) {
        if self.sizes_ok(weights.len(), x.len(), out.len(), scratch.len()) {
            self.run(weights, x, out, scratch);
        }
    }

    /// Vector–Jacobian product with respect to the input: `grad_x += (∂net/∂x)ᵀ grad_out` (added, not
    /// assigned). Recomputes the forward pass in `scratch`; allocates nothing.
    pub fn backward(
        &self,
        weights: &[f64],
        x: &[f64],
        grad_out: &[f64],
        grad_x: &mut [f64],
        scratch: &mut [f64],
    ) {
        if !self.sizes_ok(weights.len(), x.len(), grad_out.len(), scratch.len())
            || grad_x.len() < self.n_in()
        {
            debug_assert!(
                grad_x.len() >= self.n_in(),
                "FullyConnectedNet: grad_x too short"
            );
            return;
        }
        let n_layers = self.hs.len() - 1;
        let hidden: usize = self.hs[1..n_layers].iter().sum();
        let max_h = self.hs.iter().copied().max().unwrap_or(0);
        let (acts, grads) = scratch.split_at_mut(2 * hidden);
        let (g, g_prev) = grads.split_at_mut(max_h);
        // The forward pass (output discarded) fills `acts` with z_k, a_k.
        {
            let out = &mut g_prev[..self.n_out()];
            self.run(weights, x, out, acts);
        }
        g[..self.n_out()].copy_from_slice(&grad_out[..self.n_out()]);
        let mut pos = 2 * hidden;
        for k in (0..n_layers).rev() {
            let (h_in, h_out) = (self.hs[k], self.hs[k + 1]);
            let w = &weights[self.layer_range(k)];
            let s = 1.0 / (h_in as f64).sqrt();
            // d/d(input of layer k) = W_k g / √h_in.
            for i in 0..h_in {
                let row = &w[i * h_out..(i + 1) * h_out];
                g_prev[i] = s * row.iter().zip(&g[..h_out]).map(|(a, b)| a * b).sum::<f64>();
            }
            if k == 0 {
                grad_x[..h_in]
                    .iter_mut()
                    .zip(&g_prev[..h_in])
                    .for_each(|(gx, &v)| *gx += v);
            } else {
                // Through the activation of hidden layer k − 1 (its z sits before its a).
                pos -= 2 * h_in;
                let z = &acts[pos..pos + h_in];
                for i in 0..h_in {
                    let d = self.act.map_or(1.0, |a| a.eval_with_derivative(z[i]).1);
                    g[i] = g_prev[i] * d;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::so3::SplitMix64;

    #[test]
    fn sizes_and_errors() {
        let net = FullyConnectedNet::new(&[8, 16, 5], Some(Activation::Silu)).unwrap();
        assert_eq!(net.weight_numel(), 8 * 16 + 16 * 5);
        assert_eq!(net.layer_range(1), 128..208);
        assert!(FullyConnectedNet::new(&[8], None).is_err());
        assert!(FullyConnectedNet::new(&[8, 0, 2], None).is_err());
    }

    #[test]
    fn backward_matches_central_differences() {
        let mut rng = SplitMix64::new(11);
        for act in [Some(Activation::Silu), Some(Activation::Tanh), None] {
            let net = FullyConnectedNet::new(&[5, 7, 6, 3], act).unwrap();
            let w: Vec<f64> = (0..net.weight_numel()).map(|_| rng.normal()).collect();
            let x: Vec<f64> = (0..5).map(|_| rng.normal()).collect();
            let go: Vec<f64> = (0..3).map(|_| rng.normal()).collect();
            let mut scratch = vec![0.0; net.scratch_len()];
            let mut gx = vec![0.0; 5];
            net.backward(&w, &x, &go, &mut gx, &mut scratch);
            let mut f = |x: &[f64]| {
                let mut out = [0.0; 3];
                net.forward(&w, x, &mut out, &mut scratch);
                out.iter().zip(&go).map(|(a, b)| a * b).sum::<f64>()
            };
            for k in 0..5 {
                let (mut xp, mut xm) = (x.clone(), x.clone());
                xp[k] += 1e-6;
                xm[k] -= 1e-6;
                let fd = (f(&xp) - f(&xm)) / 2e-6;
                assert!((fd - gx[k]).abs() < 1e-7, "{act:?} {k}: {fd} vs {}", gx[k]);
            }
        }
    }

    #[test]
    fn two_layers_are_one_matrix_over_root_fan_in() {
        let net = FullyConnectedNet::new(&[2, 3], None).unwrap();
        let w = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let mut out = [0.0; 3];
        net.forward(
            &w,
            &[1.0, -1.0],
            &mut out,
            &mut vec![0.0; net.scratch_len()],
        );
        let s = 2f64.sqrt();
        assert_eq!(out, [-3.0 / s, -3.0 / s, -3.0 / s]);
    }
}
