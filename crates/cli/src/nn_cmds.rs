//! `multiace tensor-product`: which paths an e3nn tensor product of two irreps has, and how many
//! weights it needs — computed by the core's `nn::TensorProduct`, printed as e3nn 0.4.4 would name them.

use multiace_core::nn::TensorProduct;
use multiace_core::so3::Irreps;
use serde::Serialize;

#[derive(Serialize)]
struct PathJson {
    in1: String,
    in2: String,
    out: String,
}

/// Field order is the order printed.
#[derive(Serialize)]
struct TensorProductJson {
    irreps_out: String,
    paths: Vec<PathJson>,
    num_weights: usize,
}

fn parse_irreps(name: &str, s: &str) -> Result<Irreps, String> {
    s.parse::<Irreps>().map_err(|e| format!("{name}: {e}"))
}

fn paths(tp: &TensorProduct) -> Vec<PathJson> {
    tp.instructions()
        .iter()
        .map(|ins| PathJson {
            in1: tp.irreps_in1().0[ins.i_in1].to_string(),
            in2: tp.irreps_in2().0[ins.i_in2].to_string(),
            out: tp.irreps_out().0[ins.i_out].to_string(),
        })
        .collect()
}

/// `tensor-product IRREPS1 IRREPS2 [--filter IRREPS_OUT]`.
///
/// `irreps_out` is always e3nn's `FullTensorProduct(IRREPS1, IRREPS2).irreps_out.simplify()`. Without
/// `--filter` the paths are the `FullTensorProduct`'s (simplified inputs, outputs sorted) and
/// `num_weights` is 0, because that product has no weights; with `--filter` they are the paths and
/// `weight_numel` of `FullyConnectedTensorProduct(IRREPS1, IRREPS2, IRREPS_OUT)`.
pub fn cmd_tensor_product(args: &[String]) -> Result<String, String> {
    let mut positional = Vec::new();
    let mut filter = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--filter" => {
                let v = it
                    .next()
                    .ok_or("missing the irreps after --filter (e.g. \"1x0e+1x2e\")")?;
                filter = Some(parse_irreps("--filter", v)?);
            }
            s if s.starts_with("--") => {
                return Err(format!(
                    "unknown argument `{s}` for tensor-product (see --help)"
                ))
            }
            _ => positional.push(a),
        }
    }
    let (i1, i2) = match positional.as_slice() {
        [a, b] => (parse_irreps("IRREPS1", a)?, parse_irreps("IRREPS2", b)?),
        [] | [_] => {
            return Err(
                "tensor-product needs two irreps, e.g. multiace tensor-product \"2x0e+1x1o\" \"1x1o\""
                    .into(),
            )
        }
        [_, _, extra, ..] => {
            return Err(format!(
                "unexpected argument `{extra}`: tensor-product takes IRREPS1 IRREPS2 [--filter IRREPS_OUT]"
            ))
        }
    };
    let full = TensorProduct::full(&i1, &i2).map_err(|e| e.to_string())?;
    let irreps_out = full.irreps_out().simplify().to_string();
    let out = match filter {
        None => TensorProductJson {
            irreps_out,
            paths: paths(&full),
            num_weights: 0,
        },
        Some(f) => {
            let fc = TensorProduct::fully_connected(&i1, &i2, &f).map_err(|e| e.to_string())?;
            TensorProductJson {
                irreps_out,
                paths: paths(&fc),
                num_weights: fc.weight_numel(),
            }
        }
    };
    serde_json::to_string(&out).map_err(|e| format!("cannot write JSON: {e}"))
}
