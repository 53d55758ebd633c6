//! A model from hyperparameters, laid out exactly as mace-torch's `MACE` / `ScaleShiftMACE`
//! constructor lays it out (`models.py`, `blocks.py`, `irreps_tools.py`): the same irreps, e3nn
//! instruction lists, path weights, U matrices and tensor names. With random weights this gives a
//! working model of any size without mace-torch (the design-space widgets instantiate their points
//! this way); the tests load mace-torch's own weights into these layouts and get mace-torch's numbers.

use std::collections::HashMap;

use super::load::{build, Tensor};
use super::metadata::{
    ActivationMeta, ContractionMeta, ExportMeta, InteractionMeta, LinearInstructionMeta,
    LinearMeta, ProductMeta, ReadoutMeta, TensorProductMeta, TensorRef, TpInstructionMeta, FORMAT,
};
use super::u_matrix::{u_matrix_columns, u_matrix_real};
use super::{MaceError, MaceModel};
use crate::so3::{Irrep, Irreps, MulIr, Parity, SplitMix64};

/// e3nn's `normalize2mom` constant of SiLU (what mace-torch's models carry).
const SILU_CST: f64 = 1.679_176_792_398_941_8;

/// The hyperparameters of mace-torch's constructor that this book varies.
#[derive(Debug, Clone, PartialEq)]
pub struct MaceSpec {
    /// Elements (atomic numbers), in one-hot order.
    pub atomic_numbers: Vec<u32>,
    /// Reference energies per element (eV).
    pub atomic_energies: Vec<f64>,
    pub r_max: f64,
    pub num_bessel: usize,
    /// Order of the polynomial envelope.
    pub num_polynomial_cutoff: u32,
    /// Degree of the spherical harmonics (and of the messages), `max_ell`.
    pub max_ell: usize,
    /// Correlation order of each layer (its length is the number of layers T).
    pub correlation: Vec<usize>,
    /// Hidden irreps, e.g. `16x0e+16x1o`: the features between layers (the last layer keeps scalars).
    pub hidden_irreps: Irreps,
    /// Radial network hidden sizes (mace-torch default `[64, 64, 64]`).
    pub radial_mlp: Vec<usize>,
    /// Hidden scalars of the last readout (`MLP_irreps`, default 16).
    pub mlp_irreps: usize,
    /// `avg_num_neighbors` of every layer.
    pub avg_num_neighbors: f64,
    /// `Some((scale, shift))` for `ScaleShiftMACE`, `None` for `MACE`.
    pub scale_shift: Option<(f64, f64)>,
}

impl MaceSpec {
    /// Number of trainable weights (what mace-torch's model would report), from the layout.
    pub fn num_parameters(&self) -> Result<usize, MaceError> {
        Ok(layout(self, false)?
            .weights
            .iter()
            .map(|(_, shape)| shape.iter().product::<usize>())
            .sum())
    }

    /// The hidden irreps `C x 0e + C x 1o + …` up to degree `l_max`, with the parities of the
    /// spherical harmonics, as mace-torch's `--num_channels C --max_L l_max` gives them.
    pub fn hidden(channels: usize, l_max: usize) -> Irreps {
        Irreps(
            (0..=l_max)
                .map(|l| MulIr {
                    mul: channels,
                    ir: Irrep::sh(l),
                })
                .collect(),
        )
    }
}

fn linear_meta(irreps_in: &Irreps, irreps_out: &Irreps) -> LinearMeta {
    // e3nn o3.Linear default: every (i_in, i_out) with equal irreps, normalised by the fan-in of i_out.
    let mut instructions = Vec::new();
    for (i, a) in irreps_in.0.iter().enumerate() {
        for (o, b) in irreps_out.0.iter().enumerate() {
            if a.ir == b.ir {
                instructions.push((i, o, a.mul, b.mul));
            }
        }
    }
    let fan_in =
        |o: usize| -> usize { instructions.iter().filter(|t| t.1 == o).map(|t| t.2).sum() };
    LinearMeta {
        irreps_in: irreps_in.to_string(),
        irreps_out: irreps_out.to_string(),
        instructions: instructions
            .iter()
            .map(|&(i, o, mi, mo)| LinearInstructionMeta {
                i_in: i,
                i_out: o,
                path_shape: vec![mi, mo],
                path_weight: 1.0 / (fan_in(o).max(1) as f64).sqrt(),
            })
            .collect(),
    }
}

fn linear_numel(m: &LinearMeta) -> usize {
    m.instructions
        .iter()
        .map(|i| i.path_shape.iter().product::<usize>())
        .sum()
}

/// mace-torch's `tp_out_irreps_with_instructions`: every `ir_in ⊗ ir_edge → ir_out` with `ir_out` in
/// the target, one 'uvu' output slot each, slots sorted by irrep.
fn conv_meta(node: &Irreps, sh: &Irreps, target: &Irreps) -> TensorProductMeta {
    let mut slots = Vec::new();
    let mut ins = Vec::new();
    for (i, a) in node.0.iter().enumerate() {
        for (j, b) in sh.0.iter().enumerate() {
            for ir_out in a.ir.mul(&b.ir) {
                if target.0.iter().any(|t| t.ir == ir_out) {
                    ins.push((i, j, slots.len()));
                    slots.push(MulIr {
                        mul: a.mul,
                        ir: ir_out,
                    });
                }
            }
        }
    }
    let sorted = Irreps(slots).sort();
    let mut ins: Vec<(usize, usize, usize)> = ins
        .into_iter()
        .map(|(i, j, k)| (i, j, sorted.p[k]))
        .collect();
    ins.sort_by_key(|t| t.2);
    let out = sorted.irreps;
    TensorProductMeta {
        irreps_in1: node.to_string(),
        irreps_in2: sh.to_string(),
        irreps_out: out.to_string(),
        shared_weights: false,
        weight_numel: ins.iter().map(|&(i, _, _)| node.0[i].mul).sum(),
        instructions: ins
            .iter()
            .map(|&(i, j, k)| TpInstructionMeta {
                i_in1: i,
                i_in2: j,
                i_out: k,
                connection_mode: "uvu".into(),
                has_weight: true,
                // component normalisation, 'element' paths, one path per slot, mul_in2 = 1
                path_weight: (out.0[k].ir.dim() as f64).sqrt(),
                path_shape: vec![node.0[i].mul, 1],
            })
            .collect(),
    }
}

/// `FullyConnectedTensorProduct(irreps_in, n×0e, irreps_out)`: the element-dependent skip.
fn skip_meta(irreps_in: &Irreps, n_el: usize, irreps_out: &Irreps) -> TensorProductMeta {
    let mut ins = Vec::new();
    for (i, a) in irreps_in.0.iter().enumerate() {
        for (o, b) in irreps_out.0.iter().enumerate() {
            if a.ir == b.ir {
                ins.push((i, o, a.mul, b.mul));
            }
        }
    }
    let fan = |o: usize| -> usize { ins.iter().filter(|t| t.1 == o).map(|t| t.2 * n_el).sum() };
    TensorProductMeta {
        irreps_in1: irreps_in.to_string(),
        irreps_in2: format!("{n_el}x0e"),
        irreps_out: irreps_out.to_string(),
        shared_weights: true,
        weight_numel: ins.iter().map(|t| t.2 * n_el * t.3).sum(),
        instructions: ins
            .iter()
            .map(|&(i, o, mi, mo)| TpInstructionMeta {
                i_in1: i,
                i_in2: 0,
                i_out: o,
                connection_mode: "uvw".into(),
                has_weight: true,
                path_weight: (irreps_out.0[o].ir.dim() as f64 / fan(o) as f64).sqrt(),
                path_shape: vec![mi, n_el, mo],
            })
            .collect(),
    }
}

fn silu() -> Option<ActivationMeta> {
    Some(ActivationMeta {
        function: "silu".into(),
        cst: SILU_CST,
    })
}

/// What mace-torch's constructor implies for a spec: the metadata, the name and shape of every
/// weight tensor, and the tensors that are not weights (U matrices, E0, radial frequencies, scale).
pub(crate) struct Layout {
    pub(crate) meta: ExportMeta,
    pub(crate) weights: Vec<(String, Vec<usize>)>,
    pub(crate) fixed: HashMap<String, Tensor>,
}

/// The [`Layout`] of `spec`; without `with_u` the U matrices are left out (only their column
/// counts are used, for the weight shapes).
pub(crate) fn layout(spec: &MaceSpec, with_u: bool) -> Result<Layout, MaceError> {
    let t_layers = spec.correlation.len();
    let n_el = spec.atomic_numbers.len();
    if t_layers == 0 || n_el == 0 || spec.atomic_energies.len() != n_el {
        return Err(MaceError::metadata(
            "spec",
            "give at least one layer and one energy per element",
        ));
    }
    let scalar = Irrep::new(0, Parity::Even);
    let c = spec
        .hidden_irreps
        .0
        .iter()
        .filter(|t| t.ir == scalar)
        .map(|t| t.mul)
        .sum::<usize>();
    if c == 0 {
        return Err(MaceError::metadata(
            "hidden_irreps",
            "needs scalar (0e) channels",
        ));
    }
    let sh = Irreps(
        (0..=spec.max_ell)
            .map(|l| MulIr {
                mul: 1,
                ir: Irrep::sh(l),
            })
            .collect(),
    );
    let target = Irreps(sh.0.iter().map(|t| MulIr { mul: c, ir: t.ir }).collect())
        .sort()
        .irreps
        .simplify();
    let node0 = Irreps(vec![MulIr { mul: c, ir: scalar }]);
    let one = Irreps(vec![MulIr { mul: 1, ir: scalar }]);
    let mut shapes: Vec<(String, Vec<usize>)> = Vec::new();
    let mut fixed: HashMap<String, Tensor> = HashMap::new();
    let node_embedding = linear_meta(
        &Irreps(vec![MulIr {
            mul: n_el,
            ir: scalar,
        }]),
        &node0,
    );
    shapes.push((
        "node_embedding.linear.weight".into(),
        vec![linear_numel(&node_embedding)],
    ));
    let mut interactions = Vec::new();
    let mut products = Vec::new();
    let mut readouts = Vec::new();
    let mut node = node0.clone();
    for t in 0..t_layers {
        let residual = t > 0;
        // mace-torch keeps only the scalars of the last layer (also when it is the only one), but
        // reads them with its non-linear readout only when there are two layers or more.
        let last = t + 1 == t_layers;
        let non_linear_readout = last && t_layers > 1;
        let hidden_out = if last {
            Irreps(vec![spec.hidden_irreps.0[0]])
        } else {
            spec.hidden_irreps.clone()
        };
        let linear_up = linear_meta(&node, &node);
        let conv_tp = conv_meta(&node, &sh, &target);
        let mid: Irreps = conv_tp
            .irreps_out
            .parse()
            .map_err(|e: crate::so3::So3Error| MaceError::metadata("conv", e.to_string()))?;
        let linear = linear_meta(&mid, &target);
        let skip_tp = if residual {
            skip_meta(&node, n_el, &hidden_out)
        } else {
            skip_meta(&target, n_el, &target)
        };
        let mut hs = vec![spec.num_bessel];
        hs.extend(&spec.radial_mlp);
        hs.push(conv_tp.weight_numel);
        let p = format!("interactions.{t}");
        shapes.push((
            format!("{p}.linear_up.weight"),
            vec![linear_numel(&linear_up)],
        ));
        for k in 0..hs.len() - 1 {
            shapes.push((
                format!("{p}.conv_tp_weights.layer{k}.weight"),
                vec![hs[k], hs[k + 1]],
            ));
        }
        shapes.push((format!("{p}.linear.weight"), vec![linear_numel(&linear)]));
        shapes.push((format!("{p}.skip_tp.weight"), vec![skip_tp.weight_numel]));
        let mut acts = vec![silu(); hs.len() - 2];
        acts.push(None);
        interactions.push(InteractionMeta {
            class: if residual {
                "RealAgnosticResidualInteractionBlock"
            } else {
                "RealAgnosticInteractionBlock"
            }
            .into(),
            avg_num_neighbors: spec.avg_num_neighbors,
            node_feats_irreps: node.to_string(),
            target_irreps: target.to_string(),
            radial_mlp: hs,
            radial_mlp_activations: acts,
            radial_mlp_bias: false,
            linear_up,
            conv_tp,
            linear,
            skip_tp,
        });
        let coupling: Vec<Irrep> = target.0.iter().map(|t| t.ir).collect();
        let nu_max = spec.correlation[t];
        let mut contractions = Vec::new();
        for (k, out) in hidden_out.0.iter().enumerate() {
            let prefix = format!("products.{t}.symmetric_contractions.contractions.{k}");
            let mut u_matrices = std::collections::BTreeMap::new();
            let mut weights = std::collections::BTreeMap::new();
            for nu in 1..=nu_max {
                let u_name = format!("{prefix}.U_matrix_{nu}");
                // Counting parameters needs only K; building U^3 for l = 3 takes ~100 ms in wasm.
                let n_k = if with_u {
                    let (u, shape) = u_matrix_real(&coupling, out.ir, nu);
                    let n_k = *shape.last().unwrap_or(&0);
                    fixed.insert(u_name.clone(), (u, shape));
                    n_k
                } else {
                    u_matrix_columns(&coupling, out.ir, nu)
                };
                u_matrices.insert(nu.to_string(), TensorRef { tensor: u_name });
                // mace-torch stores ν = correlation as weights_max, then weights.0 = ν − 1, …
                let w_name = if nu == nu_max {
                    format!("{prefix}.weights_max")
                } else {
                    format!("{prefix}.weights.{}", nu_max - 1 - nu)
                };
                shapes.push((w_name.clone(), vec![n_el, n_k, out.mul]));
                weights.insert(nu.to_string(), w_name);
            }
            contractions.push(ContractionMeta {
                irrep_out: out.ir.to_string(),
                correlation: nu_max,
                u_matrices,
                weights,
            });
        }
        let product_linear = linear_meta(&hidden_out, &hidden_out);
        shapes.push((
            format!("products.{t}.linear.weight"),
            vec![linear_numel(&product_linear)],
        ));
        products.push(ProductMeta {
            use_sc: residual,
            irreps_in: target.to_string(),
            irreps_out: hidden_out.to_string(),
            correlation: nu_max,
            contractions,
            linear: product_linear,
        });
        if non_linear_readout {
            let mlp = Irreps(vec![MulIr {
                mul: spec.mlp_irreps,
                ir: scalar,
            }]);
            let l1 = linear_meta(&hidden_out, &mlp);
            let l2 = linear_meta(&mlp, &one);
            shapes.push((
                format!("readouts.{t}.linear_1.weight"),
                vec![linear_numel(&l1)],
            ));
            shapes.push((
                format!("readouts.{t}.linear_2.weight"),
                vec![linear_numel(&l2)],
            ));
            readouts.push(ReadoutMeta {
                class: "NonLinearReadoutBlock".into(),
                linear: None,
                linear_1: Some(l1),
                linear_2: Some(l2),
                gate: Some(vec![silu()]),
            });
        } else {
            let l = linear_meta(&hidden_out, &one);
            shapes.push((
                format!("readouts.{t}.linear.weight"),
                vec![linear_numel(&l)],
            ));
            readouts.push(ReadoutMeta {
                class: "LinearReadoutBlock".into(),
                linear: Some(l),
                linear_1: None,
                linear_2: None,
                gate: None,
            });
        }
        node = hidden_out;
    }
    let meta = ExportMeta {
        format: FORMAT.into(),
        model_class: if spec.scale_shift.is_some() {
            "ScaleShiftMACE"
        } else {
            "MACE"
        }
        .into(),
        heads: vec!["Default".into()],
        atomic_numbers: spec.atomic_numbers.clone(),
        r_max: spec.r_max,
        radial_type: "BesselBasis".into(),
        num_bessel: spec.num_bessel,
        num_polynomial_cutoff: spec.num_polynomial_cutoff,
        distance_transform: None,
        apply_cutoff: true,
        sh_irreps: sh.to_string(),
        sh_normalize: true,
        sh_normalization: "component".into(),
        max_ell: spec.max_ell,
        num_interactions: t_layers,
        pair_repulsion: false,
        node_embedding,
        interactions,
        products,
        readouts,
    };
    let pi = std::f64::consts::PI;
    fixed.insert(
        "atomic_energies_fn.atomic_energies".into(),
        (spec.atomic_energies.clone(), vec![n_el]),
    );
    fixed.insert(
        "radial_embedding.bessel_fn.bessel_weights".into(),
        (
            (1..=spec.num_bessel)
                .map(|n| n as f64 * pi / spec.r_max)
                .collect(),
            vec![spec.num_bessel],
        ),
    );
    fixed.insert(
        "radial_embedding.bessel_fn.prefactor".into(),
        (vec![(2.0 / spec.r_max).sqrt()], vec![]),
    );
    if let Some((scale, shift)) = spec.scale_shift {
        fixed.insert("scale_shift.scale".into(), (vec![scale], vec![]));
        fixed.insert("scale_shift.shift".into(), (vec![shift], vec![]));
    }
    Ok(Layout {
        meta,
        weights: shapes,
        fixed,
    })
}

impl MaceModel {
    /// A model with mace-torch's layout for `spec` and random weights: N(0, 1) for the linear maps
    /// and the radial network (e3nn's initialisation), N(0, 1)/K for the contraction weights of a
    /// path with K couplings (mace-torch's). Deterministic for a given `seed`.
    pub fn with_random_weights(spec: &MaceSpec, seed: u64) -> Result<MaceModel, MaceError> {
        let Layout {
            meta,
            weights: shapes,
            fixed: mut tensors,
        } = layout(spec, true)?;
        let mut rng = SplitMix64::new(seed);
        for (name, shape) in shapes {
            let n: usize = shape.iter().product();
            let k = if name.contains("symmetric_contractions") {
                shape[1].max(1) as f64
            } else {
                1.0
            };
            let values = (0..n).map(|_| rng.normal() / k).collect();
            tensors.insert(name, (values, shape));
        }
        build(&meta, &tensors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mace::EvalOptions;
    use crate::structure::{chemical_symbol, Structure};
    use safetensors::SafeTensors;

    /// mace-torch's weights loaded into the layout built here give mace-torch's energies: the layout
    /// (irreps, instruction order, path weights, U matrices, tensor names) is the constructor's.
    #[test]
    fn layouts_match_mace_torch_constructor() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
        let models: Vec<serde_json::Value> = ["mace_parity.json", "mace_edge_parity.json"]
            .iter()
            .flat_map(|f| {
                let text = std::fs::read_to_string(format!("{dir}/{f}")).unwrap();
                let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                v["models"].as_array().unwrap().clone()
            })
            .collect();
        assert_eq!(models.len(), 12);
        for m in &models {
            let h = &m["hyperparameters"];
            let num = |k: &str| h[k].as_f64().unwrap();
            let t_layers = h["num_interactions"].as_u64().unwrap() as usize;
            let spec = MaceSpec {
                atomic_numbers: serde_json::from_value(h["Z"].clone()).unwrap(),
                atomic_energies: vec![0.0; h["Z"].as_array().unwrap().len()],
                r_max: num("r_max"),
                num_bessel: num("num_bessel") as usize,
                num_polynomial_cutoff: num("p") as u32,
                max_ell: num("max_ell") as usize,
                correlation: vec![num("correlation") as usize; t_layers],
                hidden_irreps: h["hidden"].as_str().unwrap().parse().unwrap(),
                radial_mlp: serde_json::from_value(h["radial_MLP"].clone()).unwrap(),
                mlp_irreps: h["MLP_irreps"]
                    .as_str()
                    .unwrap()
                    .trim_end_matches("x0e")
                    .parse()
                    .unwrap(),
                avg_num_neighbors: 1.0,
                scale_shift: (h["cls"] == "ScaleShiftMACE").then(|| (num("scale"), num("shift"))),
            };
            let Layout {
                mut meta,
                weights: shapes,
                fixed,
            } = layout(&spec, true).unwrap();
            for (t, a) in h["avg"].as_array().unwrap().iter().enumerate() {
                meta.interactions[t].avg_num_neighbors = a.as_f64().unwrap();
            }
            let bytes = std::fs::read(format!("{dir}/../../../../{}", m["file"].as_str().unwrap()))
                .unwrap();
            let st = SafeTensors::deserialize(&bytes).unwrap();
            for (name, shape) in &shapes {
                let v = st
                    .tensor(name)
                    .unwrap_or_else(|_| panic!("{}: no {name}", m["file"]));
                assert_eq!(
                    v.shape().iter().product::<usize>(),
                    shape.iter().product::<usize>(),
                    "{name}"
                );
            }
            for (name, (_, shape)) in &fixed {
                if let Ok(v) = st.tensor(name) {
                    assert_eq!(
                        v.shape().iter().product::<usize>(),
                        shape.iter().product::<usize>(),
                        "{name}"
                    );
                }
            }
            let model = build(&meta, &st).unwrap();
            let case = &m["structures"][0];
            let species = case["numbers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|z| {
                    chemical_symbol(z.as_u64().unwrap() as u8)
                        .unwrap()
                        .to_string()
                })
                .collect();
            let mut s = Structure::new(
                species,
                serde_json::from_value(case["positions"].clone()).unwrap(),
            );
            if case["pbc"][0].as_bool().unwrap() {
                s.cell = serde_json::from_value(case["cell"].clone()).unwrap();
                s.pbc = [true; 3];
            }
            let out = model
                .evaluate(&s, &mut model.workspace(), EvalOptions::default())
                .unwrap();
            let e = case["energy"].as_f64().unwrap();
            assert!(
                (out.energy - e).abs() < 1e-10 * e.abs(),
                "{}: {} vs {e}",
                m["file"],
                out.energy
            );
        }
    }

    /// The shipped model's hyperparameters give mace-torch's count of trainable weights (37,840).
    #[test]
    fn parameter_count_matches_the_shipped_model() {
        let spec = MaceSpec {
            atomic_numbers: vec![1, 6, 8],
            atomic_energies: vec![0.0; 3],
            r_max: 4.0,
            num_bessel: 8,
            num_polynomial_cutoff: 5,
            max_ell: 2,
            correlation: vec![3, 3],
            hidden_irreps: MaceSpec::hidden(16, 1),
            radial_mlp: vec![64, 64, 64],
            mlp_irreps: 16,
            avg_num_neighbors: 8.0,
            scale_shift: Some((1.0, 0.0)),
        };
        assert_eq!(spec.num_parameters().unwrap(), 37_840);
        // the counted columns equal those of the built U matrices
        let with = layout(&spec, true).unwrap().weights;
        let without = layout(&spec, false).unwrap().weights;
        assert_eq!(with, without);
    }

    #[test]
    fn random_models_are_invariant_for_every_small_design() {
        let mol =
            crate::structure::read_xyz(include_str!("../../../../assets/molecules/ethanol.xyz"))
                .unwrap()
                .remove(0);
        let r = crate::so3::random_rotation(&mut SplitMix64::new(9));
        let mut rotated = mol.clone();
        rotated
            .positions
            .iter_mut()
            .for_each(|p| *p = crate::so3::apply(&r, *p));
        for t in 1..=3 {
            for nu in 1..=3 {
                for l in [0, 1, 3] {
                    let spec = MaceSpec {
                        atomic_numbers: vec![1, 6, 8],
                        atomic_energies: vec![-1.0, -2.0, -3.0],
                        r_max: 4.0,
                        num_bessel: 8,
                        num_polynomial_cutoff: 5,
                        max_ell: l.max(1),
                        correlation: vec![nu; t],
                        hidden_irreps: MaceSpec::hidden(4, l),
                        radial_mlp: vec![8, 8],
                        mlp_irreps: 4,
                        avg_num_neighbors: 8.0,
                        scale_shift: Some((1.0, 0.0)),
                    };
                    let model = MaceModel::with_random_weights(&spec, 1).unwrap();
                    let mut ws = model.workspace();
                    let a = model
                        .evaluate(&mol, &mut ws, EvalOptions::default())
                        .unwrap();
                    let b = model
                        .evaluate(&rotated, &mut ws, EvalOptions::default())
                        .unwrap();
                    assert!(a.energy.is_finite());
                    assert!(
                        (a.energy - b.energy).abs() < 1e-10 * a.energy.abs().max(1.0),
                        "T={t} ν={nu} L={l}"
                    );
                }
            }
        }
    }
}
