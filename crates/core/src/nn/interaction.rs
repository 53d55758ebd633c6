//! One NequIP-style message-passing layer (Batzner et al., *Nat. Commun.* 13, 2453 (2022)), with the
//! shapes of mace-torch's `RealAgnosticInteractionBlock` and a gate at the end:
//!
//! ```text
//! h̃_j   = Linear_up(h_j)                                       e3nn o3.Linear
//! Y_ij  = Y(r̂_ij), l ≤ l_max                                   o3.SphericalHarmonics (component, normalize)
//! w_ij  = MLP(R(r_ij)),  R_n = Bessel_n × polynomial envelope    nn.FullyConnectedNet([8, 16, n_w], silu)
//! m_i   = Σ_{j ∈ N(i)} TP(h̃_j, Y_ij; w_ij) / avg_num_neighbors   o3.TensorProduct 'uvu', per-edge weights
//! h_i'  = Gate(Linear_out(m_i) + Linear_sc(h_i))                 nn.Gate
//! ```
//!
//! with r_ij = r_j − r_i (the neighbour list's bond vector; mace-torch uses r_i − r_j, which flips every
//! odd-parity intermediate feature and nothing invariant). The tensor product has one `'uvu'` path for
//! every input block, every spherical-harmonic degree and every output irrep the gate needs (mace's
//! `tp_out_irreps_with_instructions`, [`TensorProduct::channelwise`]); the gate is built as NequIP's
//! `ConvNetLayer` builds it: the requested scalars and l > 0 irreps that some path can reach, one `0e`
//! gate per gated irrep (`0o` if no path reaches `0e`), silu on even and tanh on odd scalars and gates.
//!
//! Everything is rotation-, inversion-, translation- and permutation-equivariant because every piece
//! is; `tests/nn_layer.rs` checks each of these, and the forward pass against the same layer built
//! from e3nn 0.4.4 modules.

use super::{Activation, FullyConnectedNet, Gate, Linear, NnError, TensorProduct};
use crate::ace::{RadialBasis, RadialKind, DEFAULT_ENVELOPE_P};
use crate::so3::{self, Irrep, Irreps, MulIr, Normalization, Parity, SplitMix64, LMAX_SUPPORTED};
use crate::structure::NeighbourList;

/// The shape of an [`InteractionLayer`].
#[derive(Debug, Clone, PartialEq)]
pub struct InteractionSpec {
    /// Irreps of the incoming node features h.
    pub irreps_in: Irreps,
    /// The node features wanted out (NequIP's `feature_irreps_hidden`); terms no tensor-product path
    /// can reach are dropped, see [`InteractionLayer::irreps_out`].
    pub irreps_hidden: Irreps,
    /// Largest degree of the edge spherical harmonics.
    pub l_max: usize,
    /// Cutoff radius (Å) of the radial basis; build the neighbour list with the same cutoff.
    pub r_cut: f64,
    /// Number of Bessel functions (MACE and NequIP: 8).
    pub n_radial: usize,
    /// Width of the radial network's hidden layer.
    pub radial_hidden: usize,
    /// Exponent p of the polynomial envelope (mace-torch's class default 6; its training script 5).
    pub envelope_p: u32,
    /// The message sum is divided by this (MACE: the mean number of neighbours in the training set).
    pub avg_num_neighbors: f64,
}

impl InteractionSpec {
    /// A spec with 8 Bessel functions, a 16-wide radial hidden layer and envelope exponent 6.
    pub fn new(
        irreps_in: Irreps,
        irreps_hidden: Irreps,
        l_max: usize,
        r_cut: f64,
        avg_num_neighbors: f64,
    ) -> Self {
        InteractionSpec {
            irreps_in,
            irreps_hidden,
            l_max,
            r_cut,
            n_radial: 8,
            radial_hidden: 16,
            envelope_p: DEFAULT_ENVELOPE_P,
            avg_num_neighbors,
        }
    }
}

/// The trainable weights, each a flat vector in e3nn's layout.
#[derive(Debug, Clone, PartialEq)]
pub struct InteractionWeights {
    /// `o3.Linear(irreps_in, irreps_in).weight`.
    pub linear_up: Vec<f64>,
    /// `nn.FullyConnectedNet([n_radial, radial_hidden, n_w])`: `layer0.weight` then `layer1.weight`,
    /// each row-major.
    pub radial: Vec<f64>,
    /// `o3.Linear(tp.irreps_out, gate.irreps_in).weight` (the tensor product's output unsimplified).
    pub linear_out: Vec<f64>,
    /// `o3.Linear(irreps_in, gate.irreps_in).weight`, the self-connection.
    pub self_connection: Vec<f64>,
}

/// One NequIP-style interaction layer with fixed weights (see the module documentation).
///
/// ```
/// use multiace_core::nn::{InteractionLayer, InteractionSpec, SpeciesEmbedding};
/// use multiace_core::structure::{neighbour_list, Structure};
///
/// let water = Structure::new(
///     vec!["O".into(), "H".into(), "H".into()],
///     vec![[0.0, 0.0, 0.0], [0.96, 0.0, 0.0], [-0.24, 0.93, 0.0]],
/// );
/// let spec = InteractionSpec::new("4x0e".parse()?, "4x0e+4x1o".parse()?, 2, 3.0, 2.0);
/// let layer = InteractionLayer::new(spec, 1)?;
/// let embedding = SpeciesEmbedding::new(2, layer.irreps_in(), 1)?;
/// let mut h0 = vec![0.0; 3 * layer.irreps_in().dim()];
/// embedding.forward(&[0, 1, 1], &mut h0)?;
/// let nl = neighbour_list(&water, layer.r_cut())?;
/// let mut h1 = vec![0.0; 3 * layer.irreps_out().dim()]; // 4 + 4·3 numbers per atom
/// layer.forward(&mut layer.workspace(), &nl, &h0, &mut h1)?;
/// // Forces on the atoms from E = Σ_i (first scalar channel of h_i'): F = −∂E/∂r.
/// let mut grad_e = vec![0.0; h1.len()];
/// grad_e.iter_mut().step_by(layer.irreps_out().dim()).for_each(|g| *g = 1.0);
/// let (mut grad_h, mut grad_r) = (vec![0.0; h0.len()], vec![[0.0; 3]; 3]);
/// layer.backward(&mut layer.workspace(), &nl, &h0, &grad_e, &mut grad_h, &mut grad_r)?;
/// let net: f64 = grad_r.iter().map(|g| g[1]).sum(); // translation invariance: no net force
/// assert!(net.abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct InteractionLayer {
    spec: InteractionSpec,
    radial: RadialBasis,
    linear_up: Linear,
    tp: TensorProduct,
    fc: FullyConnectedNet,
    linear_out: Linear,
    self_connection: Linear,
    gate: Gate,
    weights: InteractionWeights,
    /// The tensor product's weight blocks, and unit weights (see [`WeightBlock`]).
    blocks: Vec<WeightBlock>,
    ones: Vec<f64>,
}

/// One `'uvu'` path against a spherical harmonic (`mul2 = 1`) with an output block of its own: its
/// output is `w[u] T[u, :]`, where T is the product with unit weights. So the weight gradient is
/// `Σ_k grad[u, k] T[u, k]`, and one product with unit weights serves the message and the gradient.
#[derive(Debug, Clone, PartialEq)]
struct WeightBlock {
    w_off: usize,
    out_off: usize,
    mul: usize,
    dim: usize,
}

/// Buffers reused from call to call, so that after the first call on a structure of a given size
/// nothing is allocated. One per thread; [`InteractionLayer::workspace`] makes an empty one.
#[derive(Debug, Clone, Default)]
pub struct InteractionWorkspace {
    hu: Vec<f64>,
    m: Vec<f64>,
    a: Vec<f64>,
    sc: Vec<f64>,
    grad_a: Vec<f64>,
    grad_m: Vec<f64>,
    grad_hu: Vec<f64>,
    y: Vec<f64>,
    dy: Vec<[f64; 3]>,
    r: Vec<f64>,
    dr: Vec<f64>,
    w: Vec<f64>,
    t: Vec<f64>,
    gy: Vec<f64>,
    gw: Vec<f64>,
    gr: Vec<f64>,
    fc_scratch: Vec<f64>,
}

fn resize(v: &mut Vec<f64>, n: usize) {
    if v.len() != n {
        v.resize(n, 0.0);
    }
}

fn arg(name: &'static str, reason: String) -> NnError {
    NnError::Argument { name, reason }
}

/// NequIP's `tp_path_exists`: is `ir` in some `ir_1 ⊗ ir_2`?
fn path_exists(in1: &Irreps, in2: &Irreps, ir: Irrep) -> bool {
    in1.0.iter().any(|a| {
        in2.0
            .iter()
            .any(|b| a.ir.p * b.ir.p == ir.p && so3::triangle(a.ir.l, b.ir.l, ir.l))
    })
}

/// NequIP's activation for a scalar of parity `p`: silu if even, tanh if odd.
fn nequip_act(p: Parity) -> Option<Activation> {
    Some(match p {
        Parity::Even => Activation::Silu,
        Parity::Odd => Activation::Tanh,
    })
}

impl InteractionLayer {
    /// The layer with every weight drawn from N(0, 1) (e3nn's initialisation) by a
    /// [`SplitMix64`] seeded with `seed`, in the order linear_up, radial, linear_out, self_connection:
    /// the same seed gives the same layer on every platform.
    pub fn new(spec: InteractionSpec, seed: u64) -> Result<Self, NnError> {
        let mut layer = Self::build(spec)?;
        let mut rng = SplitMix64::new(seed);
        let mut draw = |n: usize| (0..n).map(|_| rng.normal()).collect::<Vec<f64>>();
        layer.weights = InteractionWeights {
            linear_up: draw(layer.linear_up.weight_numel()),
            radial: draw(layer.fc.weight_numel()),
            linear_out: draw(layer.linear_out.weight_numel()),
            self_connection: draw(layer.self_connection.weight_numel()),
        };
        Ok(layer)
    }

    /// The layer with the given weights (e.g. exported from e3nn); errors name a weight vector of
    /// the wrong length.
    pub fn from_weights(
        spec: InteractionSpec,
        weights: InteractionWeights,
    ) -> Result<Self, NnError> {
        let mut layer = Self::build(spec)?;
        for (name, got, want) in [
            (
                "linear_up",
                weights.linear_up.len(),
                layer.linear_up.weight_numel(),
            ),
            ("radial", weights.radial.len(), layer.fc.weight_numel()),
            (
                "linear_out",
                weights.linear_out.len(),
                layer.linear_out.weight_numel(),
            ),
            (
                "self_connection",
                weights.self_connection.len(),
                layer.self_connection.weight_numel(),
            ),
        ] {
            if got != want {
                return Err(arg(
                    name,
                    format!("{got} weights given, the layer needs {want}"),
                ));
            }
        }
        layer.weights = weights;
        Ok(layer)
    }

    fn build(spec: InteractionSpec) -> Result<Self, NnError> {
        if spec.l_max > LMAX_SUPPORTED {
            return Err(arg(
                "l_max",
                format!(
                    "l_max = {} is above the supported {LMAX_SUPPORTED}",
                    spec.l_max
                ),
            ));
        }
        if !(spec.avg_num_neighbors.is_finite() && spec.avg_num_neighbors > 0.0) {
            return Err(arg(
                "avg_num_neighbors",
                format!("{} is not a positive number", spec.avg_num_neighbors),
            ));
        }
        let radial = RadialBasis::new(RadialKind::Bessel, spec.n_radial, spec.r_cut)
            .and_then(|b| b.with_envelope_p(spec.envelope_p))
            .map_err(|e| arg("radial basis", e.to_string()))?;
        let sh = Irreps::spherical_harmonics(spec.l_max);
        let reachable = |t: &&MulIr| path_exists(&spec.irreps_in, &sh, t.ir);
        let scalars = Irreps(
            spec.irreps_hidden
                .0
                .iter()
                .filter(|t| t.ir.l == 0)
                .filter(reachable)
                .copied()
                .collect(),
        );
        let gated = Irreps(
            spec.irreps_hidden
                .0
                .iter()
                .filter(|t| t.ir.l > 0)
                .filter(reachable)
                .copied()
                .collect(),
        );
        if scalars.dim() + gated.dim() == 0 {
            return Err(arg(
                "irreps_hidden",
                format!(
                    "no irrep of `{}` can be reached from `{}` ⊗ Y(l ≤ {})",
                    spec.irreps_hidden, spec.irreps_in, spec.l_max
                ),
            ));
        }
        let gate_p = if path_exists(&spec.irreps_in, &sh, Irrep::new(0, Parity::Even)) {
            Parity::Even
        } else {
            Parity::Odd
        };
        let gates = Irreps(
            gated
                .0
                .iter()
                .map(|t| MulIr {
                    mul: t.mul,
                    ir: Irrep::new(0, gate_p),
                })
                .collect(),
        );
        let act_scalars: Vec<_> = scalars.0.iter().map(|t| nequip_act(t.ir.p)).collect();
        let act_gates: Vec<_> = gates.0.iter().map(|t| nequip_act(t.ir.p)).collect();
        let gate = Gate::new(&scalars, &act_scalars, &gates, &act_gates, &gated)?;
        let gate_in = gate.irreps_in().clone();
        let linear_up = Linear::new(&spec.irreps_in, &spec.irreps_in)?;
        let tp = TensorProduct::channelwise(&spec.irreps_in, &sh, &gate_in)?;
        let fc = FullyConnectedNet::new(
            &[spec.n_radial, spec.radial_hidden, tp.weight_numel()],
            Some(Activation::Silu),
        )?;
        let linear_out = Linear::new(tp.irreps_out(), &gate_in)?;
        let self_connection = Linear::new(&spec.irreps_in, &gate_in)?;
        let blocks = weight_blocks(&tp)?;
        let ones = vec![1.0; tp.weight_numel()];
        Ok(InteractionLayer {
            spec,
            radial,
            linear_up,
            tp,
            fc,
            linear_out,
            self_connection,
            gate,
            weights: InteractionWeights {
                linear_up: Vec::new(),
                radial: Vec::new(),
                linear_out: Vec::new(),
                self_connection: Vec::new(),
            },
            blocks,
            ones,
        })
    }

    /// The shape.
    pub fn spec(&self) -> &InteractionSpec {
        &self.spec
    }
    /// The weights.
    pub fn weights(&self) -> &InteractionWeights {
        &self.weights
    }
    /// Irreps of the incoming node features.
    pub fn irreps_in(&self) -> &Irreps {
        &self.spec.irreps_in
    }
    /// Irreps of the outgoing node features (the gate's output).
    pub fn irreps_out(&self) -> &Irreps {
        self.gate.irreps_out()
    }
    /// The cutoff (Å) the neighbour list must use.
    pub fn r_cut(&self) -> f64 {
        self.spec.r_cut
    }
    /// The convolution tensor product (its `irreps_out` is the message's layout).
    pub fn tensor_product(&self) -> &TensorProduct {
        &self.tp
    }
    /// The radial network.
    pub fn radial_net(&self) -> &FullyConnectedNet {
        &self.fc
    }
    /// The gate (its `irreps_in` is the layout before the nonlinearity).
    pub fn gate(&self) -> &Gate {
        &self.gate
    }
    /// An empty workspace.
    pub fn workspace(&self) -> InteractionWorkspace {
        InteractionWorkspace::default()
    }

    /// Checks the sizes, returns the number of atoms.
    fn check(&self, neighbours: &NeighbourList, h_in: &[f64]) -> Result<usize, NnError> {
        let n = neighbours.len();
        let din = self.spec.irreps_in.dim();
        if h_in.len() != n * din {
            return Err(arg(
                "h_in",
                format!(
                    "{} numbers for {n} atoms of `{}` (dimension {din}): need {}",
                    h_in.len(),
                    self.spec.irreps_in,
                    n * din
                ),
            ));
        }
        Ok(n)
    }

    /// The forward pass up to the gate's input: fills `ws.hu` (h̃), `ws.m` (scaled messages) and
    /// `ws.a` (gate input) for all `n` atoms.
    fn pre_gate(
        &self,
        ws: &mut InteractionWorkspace,
        neighbours: &NeighbourList,
        h_in: &[f64],
        n: usize,
    ) {
        let (din, dmid, dgate) = (
            self.spec.irreps_in.dim(),
            self.tp.irreps_out().dim(),
            self.gate.irreps_in().dim(),
        );
        let ns = so3::sh_len(self.spec.l_max);
        resize(&mut ws.hu, n * din);
        resize(&mut ws.m, n * dmid);
        resize(&mut ws.a, n * dgate);
        resize(&mut ws.sc, dgate);
        resize(&mut ws.y, ns);
        resize(&mut ws.r, self.spec.n_radial);
        resize(&mut ws.dr, self.spec.n_radial);
        resize(&mut ws.w, self.tp.weight_numel());
        resize(&mut ws.t, dmid);
        resize(&mut ws.fc_scratch, self.fc.scratch_len());
        let w = &self.weights;
        for (h, hu) in h_in.chunks_exact(din).zip(ws.hu.chunks_exact_mut(din)) {
            self.linear_up.forward(&w.linear_up, h, hu);
        }
        ws.m.fill(0.0);
        for i in 0..n {
            for nb in neighbours.of(i) {
                self.edge_weights(ws, nb.vector, false);
                let hu_j = &ws.hu[nb.j * din..(nb.j + 1) * din];
                self.tp.forward(hu_j, &ws.y, &self.ones, &mut ws.t);
                let m = &mut ws.m[i * dmid..(i + 1) * dmid];
                for b in &self.blocks {
                    for u in 0..b.mul {
                        let wu = ws.w[b.w_off + u];
                        let o = b.out_off + u * b.dim;
                        m[o..o + b.dim]
                            .iter_mut()
                            .zip(&ws.t[o..o + b.dim])
                            .for_each(|(m, &t)| *m += wu * t);
                    }
                }
            }
        }
        let s = 1.0 / self.spec.avg_num_neighbors;
        ws.m.iter_mut().for_each(|m| *m *= s);
        for i in 0..n {
            let a = &mut ws.a[i * dgate..(i + 1) * dgate];
            self.linear_out
                .forward(&w.linear_out, &ws.m[i * dmid..(i + 1) * dmid], a);
            self.self_connection.forward(
                &w.self_connection,
                &h_in[i * din..(i + 1) * din],
                &mut ws.sc,
            );
            a.iter_mut().zip(&ws.sc).for_each(|(a, &s)| *a += s);
        }
    }

    /// Y(r̂), R(r) (and their derivatives if `grad`) and the tensor-product weights of one edge, into
    /// `ws.y`, `ws.dy`, `ws.r`, `ws.dr`, `ws.w`.
    fn edge_weights(&self, ws: &mut InteractionWorkspace, v: [f64; 3], grad: bool) {
        let lmax = self.spec.l_max;
        if grad {
            so3::spherical_harmonics_with_grad(
                lmax,
                v,
                Normalization::Component,
                true,
                &mut ws.y,
                &mut ws.dy,
            );
        } else {
            so3::spherical_harmonics(lmax, v, Normalization::Component, true, &mut ws.y);
        }
        let d = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
        self.radial.evaluate(d, &mut ws.r, &mut ws.dr);
        self.fc
            .forward(&self.weights.radial, &ws.r, &mut ws.w, &mut ws.fc_scratch);
    }

    /// h' for every atom: `h_in` holds `neighbours.len()` rows of `irreps_in().dim()`, `h_out` gets as
    /// many rows of `irreps_out().dim()`. The neighbour list (built with [`Self::r_cut`]) carries the
    /// geometry: its bond vectors r_j − r_i. Errors: buffers of the wrong length.
    pub fn forward(
        &self,
        ws: &mut InteractionWorkspace,
        neighbours: &NeighbourList,
        h_in: &[f64],
        h_out: &mut [f64],
    ) -> Result<(), NnError> {
        let n = self.check(neighbours, h_in)?;
        let dout = self.irreps_out().dim();
        if h_out.len() != n * dout {
            return Err(arg(
                "h_out",
                format!("{} numbers for {n} atoms of dimension {dout}", h_out.len()),
            ));
        }
        self.pre_gate(ws, neighbours, h_in, n);
        self.gate.forward(&ws.a, h_out);
        Ok(())
    }

    /// Vector–Jacobian product of the layer: for a gradient `grad_h_out` = ∂L/∂h' (rows as `h_out`),
    /// adds ∂L/∂h to `grad_h_in` (rows as `h_in`) and ∂L/∂r_k to `grad_positions[k]` (one per atom),
    /// through every path: the self-connection, the tensor product's inputs h̃_j and Y(r̂_ij), and the
    /// radial network's input R(r_ij). Runs the forward pass itself; allocates nothing once the
    /// workspace has grown. Forces are −∂E/∂r for L = E.
    pub fn backward(
        &self,
        ws: &mut InteractionWorkspace,
        neighbours: &NeighbourList,
        h_in: &[f64],
        grad_h_out: &[f64],
        grad_h_in: &mut [f64],
        grad_positions: &mut [[f64; 3]],
    ) -> Result<(), NnError> {
        let n = self.check(neighbours, h_in)?;
        let (din, dmid, dgate, dout) = (
            self.spec.irreps_in.dim(),
            self.tp.irreps_out().dim(),
            self.gate.irreps_in().dim(),
            self.irreps_out().dim(),
        );
        if grad_h_out.len() != n * dout {
            return Err(arg(
                "grad_h_out",
                format!(
                    "{} numbers for {n} atoms of dimension {dout}",
                    grad_h_out.len()
                ),
            ));
        }
        if grad_h_in.len() != n * din {
            return Err(arg(
                "grad_h_in",
                format!(
                    "{} numbers for {n} atoms of dimension {din}",
                    grad_h_in.len()
                ),
            ));
        }
        if grad_positions.len() != n {
            return Err(arg(
                "grad_positions",
                format!("{} vectors for {n} atoms", grad_positions.len()),
            ));
        }
        self.pre_gate(ws, neighbours, h_in, n);
        let ns = so3::sh_len(self.spec.l_max);
        resize(&mut ws.grad_a, n * dgate);
        resize(&mut ws.grad_m, n * dmid);
        resize(&mut ws.grad_hu, n * din);
        resize(&mut ws.gy, ns);
        resize(&mut ws.gw, self.tp.weight_numel());
        resize(&mut ws.gr, self.spec.n_radial);
        if ws.dy.len() != ns {
            ws.dy.resize(ns, [0.0; 3]);
        }
        let w = &self.weights;
        ws.grad_a.fill(0.0);
        self.gate.backward(&ws.a, grad_h_out, &mut ws.grad_a);
        ws.grad_m.fill(0.0);
        let s = 1.0 / self.spec.avg_num_neighbors;
        for i in 0..n {
            let ga = &ws.grad_a[i * dgate..(i + 1) * dgate];
            self.self_connection.backward_input(
                &w.self_connection,
                ga,
                &mut grad_h_in[i * din..(i + 1) * din],
            );
            let gm = &mut ws.grad_m[i * dmid..(i + 1) * dmid];
            self.linear_out.backward_input(&w.linear_out, ga, gm);
            gm.iter_mut().for_each(|g| *g *= s);
        }
        ws.grad_hu.fill(0.0);
        for i in 0..n {
            for nb in neighbours.of(i) {
                self.edge_weights(ws, nb.vector, true);
                let j = nb.j;
                let hu_j = &ws.hu[j * din..(j + 1) * din];
                let g = &ws.grad_m[i * dmid..(i + 1) * dmid];
                ws.gy.fill(0.0);
                self.tp.backward(
                    hu_j,
                    &ws.y,
                    &ws.w,
                    g,
                    &mut ws.grad_hu[j * din..(j + 1) * din],
                    &mut ws.gy,
                );
                self.tp.forward(hu_j, &ws.y, &self.ones, &mut ws.t);
                for b in &self.blocks {
                    for u in 0..b.mul {
                        let o = b.out_off + u * b.dim;
                        ws.gw[b.w_off + u] = g[o..o + b.dim]
                            .iter()
                            .zip(&ws.t[o..o + b.dim])
                            .map(|(g, t)| g * t)
                            .sum();
                    }
                }
                ws.gr.fill(0.0);
                self.fc
                    .backward(&w.radial, &ws.r, &ws.gw, &mut ws.gr, &mut ws.fc_scratch);
                let v = nb.vector;
                let d = nb.distance.max(f64::MIN_POSITIVE);
                let dl_dd: f64 = ws.gr.iter().zip(&ws.dr).map(|(g, d)| g * d).sum();
                let mut dv = [0.0; 3];
                for (c, dvc) in dv.iter_mut().enumerate() {
                    *dvc = dl_dd * v[c] / d
                        + ws.gy
                            .iter()
                            .zip(&ws.dy)
                            .map(|(g, dy)| g * dy[c])
                            .sum::<f64>();
                }
                for c in 0..3 {
                    grad_positions[j][c] += dv[c];
                    grad_positions[i][c] -= dv[c];
                }
            }
        }
        for (ghu, gh) in ws
            .grad_hu
            .chunks_exact(din)
            .zip(grad_h_in.chunks_exact_mut(din))
        {
            self.linear_up.backward_input(&w.linear_up, ghu, gh);
        }
        Ok(())
    }
}

/// The [`WeightBlock`]s of a channel-wise tensor product against spherical harmonics; an error (never
/// expected: [`TensorProduct::channelwise`] builds exactly this) if a path is not of that kind.
fn weight_blocks(tp: &TensorProduct) -> Result<Vec<WeightBlock>, NnError> {
    let out = tp.irreps_out();
    let mut offsets = Vec::with_capacity(out.0.len());
    let mut acc = 0;
    for t in &out.0 {
        offsets.push(acc);
        acc += t.dim();
    }
    let mut seen = vec![false; out.0.len()];
    let mut blocks = Vec::with_capacity(tp.instructions().len());
    let mut w_off = 0;
    for ins in tp.instructions() {
        let (mul1, mul2) = (
            tp.irreps_in1().0[ins.i_in1].mul,
            tp.irreps_in2().0[ins.i_in2].mul,
        );
        if ins.mode != super::Mode::Uvu || !ins.has_weight || mul2 != 1 || seen[ins.i_out] {
            return Err(NnError::Unsupported(
                "the convolution must be one weighted 'uvu' path per output block".into(),
            ));
        }
        seen[ins.i_out] = true;
        blocks.push(WeightBlock {
            w_off,
            out_off: offsets[ins.i_out],
            mul: mul1,
            dim: out.0[ins.i_out].ir.dim(),
        });
        w_off += mul1 * mul2;
    }
    if w_off != tp.weight_numel() {
        return Err(NnError::Unsupported(
            "unexpected tensor-product weight layout".into(),
        ));
    }
    Ok(blocks)
}

/// The species embedding in front of a first layer: one-hot(z) through e3nn `o3.Linear(n x 0e,
/// irreps)`, i.e. h_i⁰ = W[z_i, :] / √n on the `0e` blocks (MACE's `LinearNodeEmbeddingBlock`).
#[derive(Debug, Clone, PartialEq)]
pub struct SpeciesEmbedding {
    n_species: usize,
    linear: Linear,
    weights: Vec<f64>,
}

impl SpeciesEmbedding {
    /// N(0, 1) weights from a [`SplitMix64`] seeded with `seed`.
    pub fn new(n_species: usize, irreps_out: &Irreps, seed: u64) -> Result<Self, NnError> {
        let linear = Self::linear(n_species, irreps_out)?;
        let mut rng = SplitMix64::new(seed);
        let weights = (0..linear.weight_numel()).map(|_| rng.normal()).collect();
        Ok(SpeciesEmbedding {
            n_species,
            linear,
            weights,
        })
    }

    /// Given weights (e3nn's `weight` of the `o3.Linear`).
    pub fn from_weights(
        n_species: usize,
        irreps_out: &Irreps,
        weights: Vec<f64>,
    ) -> Result<Self, NnError> {
        let linear = Self::linear(n_species, irreps_out)?;
        if weights.len() != linear.weight_numel() {
            return Err(arg(
                "weights",
                format!(
                    "{} weights given, the embedding needs {}",
                    weights.len(),
                    linear.weight_numel()
                ),
            ));
        }
        Ok(SpeciesEmbedding {
            n_species,
            linear,
            weights,
        })
    }

    fn linear(n_species: usize, irreps_out: &Irreps) -> Result<Linear, NnError> {
        if n_species == 0 {
            return Err(arg("n_species", "need at least one species".into()));
        }
        let irreps_in = Irreps(vec![MulIr {
            mul: n_species,
            ir: Irrep::new(0, Parity::Even),
        }]);
        Linear::new(&irreps_in, irreps_out)
    }

    /// Irreps of the embedding.
    pub fn irreps_out(&self) -> &Irreps {
        self.linear.irreps_out()
    }

    /// h⁰ for atoms of species indices `species` (each `< n_species`), rows of `irreps_out().dim()`.
    pub fn forward(&self, species: &[usize], h0: &mut [f64]) -> Result<(), NnError> {
        let d = self.irreps_out().dim();
        if h0.len() != species.len() * d {
            return Err(arg(
                "h0",
                format!(
                    "{} numbers for {} atoms of dimension {d}",
                    h0.len(),
                    species.len()
                ),
            ));
        }
        let mut onehot = vec![0.0; self.n_species];
        for (k, (&z, row)) in species.iter().zip(h0.chunks_exact_mut(d)).enumerate() {
            if z >= self.n_species {
                return Err(arg(
                    "species",
                    format!(
                        "atom {k} has species index {z}, but there are {} species",
                        self.n_species
                    ),
                ));
            }
            onehot[z] = 1.0;
            self.linear.forward(&self.weights, &onehot, row);
            onehot[z] = 0.0;
        }
        Ok(())
    }
}
