//! Reading a model file: safetensors with the weights and mace-torch's U matrices, plus the JSON
//! metadata written by `tools/export_mace.py`. Everything is validated before it is used, so a file
//! this code cannot evaluate exactly is refused with a message that names what is wrong.

use super::blocks::{parse_irreps, BesselEmbedding, IrrepsLinear, SpeciesLinear};
use super::contraction::SymmetricContraction;
use super::conv::ConvTp;
use super::metadata::{ExportMeta, FORMAT};
use super::model::{Layer, MaceModel};
use super::radial_mlp::RadialMlp;
use super::readout::Readout;
use super::MaceError;
use safetensors::{Dtype, SafeTensors};

/// Largest degree of spherical harmonics and features supported.
pub const MAX_ELL: usize = 3;

/// Largest hidden layer of a non-linear readout.
const MAX_READOUT_HIDDEN: usize = 256;

/// A tensor's values (as f64) and its shape.
pub(crate) type Tensor = (Vec<f64>, Vec<usize>);

/// Where the loader finds the weight tensors: a safetensors file, or tensors made in memory (a
/// model instantiated from the design space with random weights).
pub(crate) trait TensorSource {
    /// The tensor's values as f64 and its shape.
    fn tensor(&self, name: &str) -> Result<Tensor, MaceError>;
}

impl TensorSource for SafeTensors<'_> {
    /// f32 files are widened to f64.
    fn tensor(&self, name: &str) -> Result<Tensor, MaceError> {
        let view = SafeTensors::tensor(self, name)
            .map_err(|_| MaceError::tensor(name, "missing from the file"))?;
        let data = view.data();
        let values: Vec<f64> = match view.dtype() {
            Dtype::F64 => data
                .chunks_exact(8)
                .map(|b| f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
                .collect(),
            Dtype::F32 => data
                .chunks_exact(4)
                .map(|b| f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])))
                .collect(),
            other => {
                return Err(MaceError::tensor(
                    name,
                    format!("type {other:?}, expected F64 or F32"),
                ))
            }
        };
        Ok((values, view.shape().to_vec()))
    }
}

impl TensorSource for std::collections::HashMap<String, Tensor> {
    fn tensor(&self, name: &str) -> Result<Tensor, MaceError> {
        self.get(name)
            .cloned()
            .ok_or_else(|| MaceError::tensor(name, "missing"))
    }
}

/// A tensor with finite entries.
pub(crate) fn read_tensor(st: &dyn TensorSource, name: &str) -> Result<Tensor, MaceError> {
    let (values, shape) = st.tensor(name)?;
    if let Some(k) = values.iter().position(|v| !v.is_finite()) {
        return Err(MaceError::tensor(name, format!("entry {k} is not finite")));
    }
    Ok((values, shape))
}

fn check(cond: bool, field: &str, reason: impl FnOnce() -> String) -> Result<(), MaceError> {
    if cond {
        Ok(())
    } else {
        Err(MaceError::metadata(field, reason()))
    }
}

/// A single number stored as a tensor of shape `[]` or `[1]`.
fn read_scalar(st: &dyn TensorSource, name: &str) -> Result<f64, MaceError> {
    let (v, shape) = read_tensor(st, name)?;
    if v.len() != 1 {
        return Err(MaceError::tensor(
            name,
            format!("shape {shape:?}, expected one number"),
        ));
    }
    Ok(v[0])
}

impl MaceModel {
    /// Loads a model exported by `tools/export_mace.py` from the bytes of its `.safetensors` file.
    ///
    /// Supported: mace-torch's `MACE` and `ScaleShiftMACE` with Bessel radial bases, the
    /// `RealAgnostic(Residual)InteractionBlock`s, `max_ell` ≤ 3, correlation 1–3, any number of layers,
    /// hidden irreps `Nx0e + Nx1o (+ Nx2e …)`, any elements, one head.
    pub fn from_safetensors(bytes: &[u8]) -> Result<MaceModel, MaceError> {
        let (_, header) = SafeTensors::read_metadata(bytes)
            .map_err(|e| MaceError::NotAModel(format!("it is not a safetensors file ({e})")))?;
        let json = header
            .metadata()
            .as_ref()
            .and_then(|m| m.get("multiace"))
            .ok_or_else(|| {
                MaceError::NotAModel(
                    "the safetensors header has no `multiace` entry; export the model with tools/export_mace.py"
                        .into(),
                )
            })?;
        let meta: ExportMeta = serde_json::from_str(json)
            .map_err(|e| MaceError::metadata("multiace", e.to_string()))?;
        let st = SafeTensors::deserialize(bytes)
            .map_err(|e| MaceError::NotAModel(format!("the safetensors data is damaged ({e})")))?;
        build(&meta, &st)
    }
}

pub(crate) fn build(meta: &ExportMeta, st: &dyn TensorSource) -> Result<MaceModel, MaceError> {
    check(meta.format == FORMAT, "format", || {
        format!("{:?}, this reader understands {FORMAT:?}", meta.format)
    })?;
    check(
        matches!(meta.model_class.as_str(), "MACE" | "ScaleShiftMACE"),
        "model_class",
        || {
            format!(
                "{}: only MACE and ScaleShiftMACE are supported",
                meta.model_class
            )
        },
    )?;
    check(meta.heads.len() <= 1, "heads", || {
        format!(
            "{} heads; multi-head models are not supported",
            meta.heads.len()
        )
    })?;
    check(meta.radial_type == "BesselBasis", "radial_type", || {
        format!("{}: only the Bessel basis is supported", meta.radial_type)
    })?;
    check(
        meta.distance_transform.is_none(),
        "distance_transform",
        || "distance transforms (Agnesi, Soft) are not supported".into(),
    )?;
    check(
        meta.apply_cutoff && !meta.pair_repulsion,
        "apply_cutoff",
        || "the model must apply its cutoff and have no ZBL pair repulsion".into(),
    )?;
    check(
        meta.sh_normalize && meta.sh_normalization == "component",
        "sh_normalization",
        || "expected normalised vectors and 'component' normalisation".into(),
    )?;
    check(meta.max_ell <= MAX_ELL, "max_ell", || {
        format!("{}: 0 to {MAX_ELL} are supported", meta.max_ell)
    })?;
    check(meta.r_max.is_finite() && meta.r_max > 0.0, "r_max", || {
        format!("{} is not a positive length", meta.r_max)
    })?;
    let t = meta.num_interactions;
    check(
        t >= 1
            && meta.interactions.len() == t
            && meta.products.len() == t
            && meta.readouts.len() == t,
        "num_interactions",
        || {
            format!(
                "{t} interactions but {} / {} / {} interaction / product / readout entries",
                meta.interactions.len(),
                meta.products.len(),
                meta.readouts.len()
            )
        },
    )?;
    let sh_irreps = parse_irreps("sh_irreps", &meta.sh_irreps)?;
    check(
        sh_irreps.0.len() == meta.max_ell + 1
            && sh_irreps
                .0
                .iter()
                .enumerate()
                .all(|(l, t)| t.mul == 1 && t.ir.l == l),
        "sh_irreps",
        || {
            format!(
                "{sh_irreps} is not one copy of each l = 0..{}",
                meta.max_ell
            )
        },
    )?;

    let zs = &meta.atomic_numbers;
    let n_el = zs.len();
    check(
        n_el >= 1 && zs.iter().all(|&z| (1..=118).contains(&z)),
        "atomic_numbers",
        || format!("{zs:?} is not a list of elements"),
    )?;
    if let Ok((file_zs, _)) = read_tensor(st, "atomic_numbers") {
        let as_u32: Vec<u32> = file_zs.iter().map(|&z| z as u32).collect();
        check(&as_u32 == zs, "atomic_numbers", || {
            format!("{zs:?} differs from the tensor {as_u32:?}")
        })?;
    }
    let (e0, e0_shape) = read_tensor(st, "atomic_energies_fn.atomic_energies")?;
    if e0.len() != n_el {
        return Err(MaceError::tensor(
            "atomic_energies_fn.atomic_energies",
            format!("shape {e0_shape:?} for {n_el} elements"),
        ));
    }

    let (frequencies, _) = read_tensor(st, "radial_embedding.bessel_fn.bessel_weights")?;
    check(frequencies.len() == meta.num_bessel, "num_bessel", || {
        format!(
            "{} but the tensor has {} frequencies",
            meta.num_bessel,
            frequencies.len()
        )
    })?;
    let radial = BesselEmbedding {
        frequencies,
        prefactor: read_scalar(st, "radial_embedding.bessel_fn.prefactor")?,
        r_max: meta.r_max,
        p: meta.num_polynomial_cutoff,
    };

    let emb_name = "node_embedding.linear.weight";
    let embed = IrrepsLinear::new(
        "node_embedding",
        &meta.node_embedding,
        read_tensor(st, emb_name)?.0,
        emb_name,
    )?;
    check(
        embed.irreps_in.to_string() == format!("{n_el}x0e")
            && embed.irreps_out.0.iter().all(|t| t.ir.l == 0),
        "node_embedding",
        || {
            format!(
                "{} → {}: expected the one-hot {n_el}x0e to scalars",
                embed.irreps_in, embed.irreps_out
            )
        },
    )?;
    let c0 = embed.dim_out();
    let mut embedding = vec![0.0; n_el * c0];
    for z in 0..n_el {
        let mut onehot = vec![0.0; n_el];
        onehot[z] = 1.0;
        embed.forward(&onehot, &mut embedding[z * c0..(z + 1) * c0]);
    }

    let mut layers = Vec::with_capacity(t);
    let mut readouts = Vec::with_capacity(t);
    let mut dim_in = c0;
    for k in 0..t {
        let im = &meta.interactions[k];
        let field = format!("interactions[{k}]");
        let prefix = format!("interactions.{k}");
        let residual = match im.class.as_str() {
            "RealAgnosticInteractionBlock" => false,
            "RealAgnosticResidualInteractionBlock" => true,
            other => {
                return Err(MaceError::metadata(
                    format!("{field}.class"),
                    format!("{other}: only RealAgnosticInteractionBlock and RealAgnosticResidualInteractionBlock are supported"),
                ))
            }
        };
        check(
            im.avg_num_neighbors.is_finite() && im.avg_num_neighbors > 0.0,
            &format!("{field}.avg_num_neighbors"),
            || format!("{} is not a positive number", im.avg_num_neighbors),
        )?;
        check(
            !im.radial_mlp_bias,
            &format!("{field}.radial_mlp_bias"),
            || "radial networks with biases are not supported".into(),
        )?;
        let node_irreps =
            parse_irreps(&format!("{field}.node_feats_irreps"), &im.node_feats_irreps)?;
        check(
            node_irreps.dim() == dim_in && node_irreps.lmax().unwrap_or(0) <= MAX_ELL,
            &format!("{field}.node_feats_irreps"),
            || {
                format!("{node_irreps} ({} numbers) does not follow the previous layer ({dim_in} numbers)", node_irreps.dim())
            },
        )?;
        let name = format!("{prefix}.linear_up.weight");
        let linear_up = IrrepsLinear::new(
            &format!("{field}.linear_up"),
            &im.linear_up,
            read_tensor(st, &name)?.0,
            &name,
        )?;
        let mut mlp_weights = Vec::new();
        for j in 0..im.radial_mlp.len().saturating_sub(1) {
            mlp_weights
                .push(read_tensor(st, &format!("{prefix}.conv_tp_weights.layer{j}.weight"))?.0);
        }
        let mlp = RadialMlp::new(
            &field,
            &im.radial_mlp,
            &im.radial_mlp_activations,
            mlp_weights,
        )?;
        let conv = ConvTp::new(&format!("{field}.conv_tp"), &im.conv_tp, &sh_irreps)?;
        check(
            mlp.n_in() == radial.len() && mlp.n_out() == conv.weight_numel(),
            &format!("{field}.radial_mlp"),
            || {
                format!(
                    "{:?} does not map {} Bessel functions to {} weights",
                    im.radial_mlp,
                    radial.len(),
                    conv.weight_numel()
                )
            },
        )?;
        let name = format!("{prefix}.linear.weight");
        let linear = IrrepsLinear::new(
            &format!("{field}.linear"),
            &im.linear,
            read_tensor(st, &name)?.0,
            &name,
        )?;
        let name = format!("{prefix}.skip_tp.weight");
        let skip = SpeciesLinear::new(
            &format!("{field}.skip_tp"),
            &im.skip_tp,
            n_el,
            read_tensor(st, &name)?.0,
            &name,
        )?;

        let pm = &meta.products[k];
        let pfield = format!("products[{k}]");
        check(pm.use_sc == residual, &format!("{pfield}.use_sc"), || {
            format!("{} with a {} block", pm.use_sc, im.class)
        })?;
        let product = SymmetricContraction::new(&pfield, pm, n_el, st)?;
        let name = format!("products.{k}.linear.weight");
        let product_linear = IrrepsLinear::new(
            &format!("{pfield}.linear"),
            &pm.linear,
            read_tensor(st, &name)?.0,
            &name,
        )?;

        // The shapes must chain: h → linear_up → conv → linear (→ skip) → product → linear (+ skip).
        let target = parse_irreps(&format!("{field}.target_irreps"), &im.target_irreps)?;
        let chain = [
            (
                "linear_up",
                linear_up.irreps_in == node_irreps && linear_up.irreps_out == node_irreps,
            ),
            (
                "conv_tp",
                conv.irreps_in == node_irreps && linear.irreps_in == conv.irreps_out,
            ),
            (
                "linear",
                linear.irreps_out == target && product.irreps_in == target,
            ),
            ("products", product_linear.irreps_in == product.irreps_out),
            (
                "skip_tp",
                if residual {
                    skip.irreps_in == node_irreps && skip.irreps_out == product_linear.irreps_out
                } else {
                    skip.irreps_in == target && skip.irreps_out == target
                },
            ),
            (
                "hidden",
                product_linear.irreps_out.lmax().unwrap_or(0) <= MAX_ELL,
            ),
        ];
        if let Some((what, _)) = chain.iter().find(|(_, ok)| !ok) {
            return Err(MaceError::metadata(
                format!("{field}.{what}"),
                "its irreps do not connect to the neighbouring blocks of the layer".to_string(),
            ));
        }

        let rm = &meta.readouts[k];
        let rfield = format!("readouts[{k}]");
        let readout = match (rm.class.as_str(), &rm.linear, &rm.linear_1, &rm.linear_2, &rm.gate) {
            ("LinearReadoutBlock", Some(l), _, _, _) => {
                let name = format!("readouts.{k}.linear.weight");
                Readout::Linear(IrrepsLinear::new(&format!("{rfield}.linear"), l, read_tensor(st, &name)?.0, &name)?)
            }
            ("NonLinearReadoutBlock", _, Some(l1), Some(l2), Some(gate)) => {
                let cst = match gate.as_slice() {
                    [Some(a)] if a.function == "silu" && a.cst.is_finite() => a.cst,
                    _ => {
                        return Err(MaceError::metadata(
                            format!("{rfield}.gate"),
                            "only a SiLU readout nonlinearity is supported",
                        ))
                    }
                };
                let n1 = format!("readouts.{k}.linear_1.weight");
                let n2 = format!("readouts.{k}.linear_2.weight");
                let first = IrrepsLinear::new(&format!("{rfield}.linear_1"), l1, read_tensor(st, &n1)?.0, &n1)?;
                let second = IrrepsLinear::new(&format!("{rfield}.linear_2"), l2, read_tensor(st, &n2)?.0, &n2)?;
                check(
                    first.dim_out() <= MAX_READOUT_HIDDEN
                        && first.irreps_out.0.iter().all(|t| t.ir.l == 0)
                        && second.dim_in() == first.dim_out(),
                    &format!("{rfield}.MLP_irreps"),
                    || format!("{}: expected at most {MAX_READOUT_HIDDEN} scalars", first.irreps_out),
                )?;
                Readout::NonLinear { first, silu_cst: cst, second }
            }
            (other, ..) => {
                return Err(MaceError::metadata(
                    format!("{rfield}.class"),
                    format!("{other}: expected a LinearReadoutBlock or NonLinearReadoutBlock with its linear maps"),
                ))
            }
        };
        check(
            readout.dim_in() == product_linear.dim_out(),
            &rfield,
            || "the readout does not read the layer's features".into(),
        )?;
        dim_in = product_linear.dim_out();
        layers.push(Layer {
            residual,
            linear_up,
            mlp,
            conv,
            linear,
            avg_num_neighbors: im.avg_num_neighbors,
            skip,
            product,
            product_linear,
        });
        readouts.push(readout);
    }

    let (scale, shift) = if meta.model_class == "ScaleShiftMACE" {
        (
            read_scalar(st, "scale_shift.scale")?,
            read_scalar(st, "scale_shift.shift")?,
        )
    } else {
        (1.0, 0.0)
    };
    Ok(MaceModel {
        model_class: meta.model_class.clone(),
        atomic_numbers: zs.clone(),
        e0,
        radial,
        sh_lmax: meta.max_ell,
        embedding,
        embedding_dim: c0,
        layers,
        readouts,
        scale,
        shift,
    })
}
