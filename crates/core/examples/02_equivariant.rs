//! Chapter 02 in one run: a tensor product decomposed into irreps, one NequIP-style interaction layer on
//! ethanol that commutes with rotations and inversion to rounding, and a ReLU on l = 1 features that
//! does not.
//!
//! ```text
//! cargo run -p multiace-core --example 02_equivariant
//! ```

use multiace_core::nn::{InteractionLayer, InteractionSpec, SpeciesEmbedding, TensorProduct};
use multiace_core::so3::{self, Irreps, Mat3, SplitMix64};
use multiace_core::structure::{neighbour_list, read_xyz, Structure};

/// The action of the O(3) element ±R (−R if `inverted`) on rows of features laid out as `irreps`.
fn transform(irreps: &Irreps, x: &[f64], r: &Mat3, inverted: bool) -> Vec<f64> {
    let d = irreps.dim();
    let mut out = vec![0.0; x.len()];
    for (row, orow) in x.chunks_exact(d).zip(out.chunks_exact_mut(d)) {
        let mut off = 0;
        for t in &irreps.0 {
            let dm = so3::wigner_d_from_matrix(t.ir.l, r);
            let sign = if inverted { t.ir.p.sign() as f64 } else { 1.0 };
            let k = t.ir.dim();
            for u in 0..t.mul {
                let b = off + u * k;
                for i in 0..k {
                    orow[b + i] = sign * (0..k).map(|j| dm[(i, j)] * row[b + j]).sum::<f64>();
                }
            }
            off += t.dim();
        }
    }
    out
}

fn max_abs_diff(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. 1o ⊗ 1o = 0e ⊕ 1e ⊕ 2e (dot product, cross product, traceless symmetric part), and a bigger one.
    for (a, b) in [("1x1o", "1x1o"), ("2x0e+1x1o", "1x1o+1x2e")] {
        let tp = TensorProduct::full(&a.parse()?, &b.parse()?)?;
        println!(
            "{a} ⊗ {b} = {}  ({} → {} numbers)",
            tp.irreps_out().simplify(),
            tp.irreps_in1().dim() * tp.irreps_in2().dim(),
            tp.irreps_out().dim()
        );
        for ins in tp.instructions() {
            println!(
                "    {} ⊗ {} → {}",
                tp.irreps_in1().0[ins.i_in1],
                tp.irreps_in2().0[ins.i_in2],
                tp.irreps_out().0[ins.i_out]
            );
        }
    }

    // 2. One interaction layer on ethanol: species embedding, then messages TP(h_j, Y(r̂_ij); w(r_ij)).
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let ethanol = read_xyz(&std::fs::read_to_string(format!(
        "{root}/assets/molecules/ethanol.xyz"
    ))?)?
    .remove(0);
    let species = ethanol.species_set();
    let z: Vec<usize> = ethanol
        .species
        .iter()
        .map(|s| species.iter().position(|t| t == s).unwrap_or(0))
        .collect();
    let r_cut = 4.0;
    let nl = neighbour_list(&ethanol, r_cut)?;
    let avg = nl.num_pairs() as f64 / ethanol.len() as f64;
    let spec = InteractionSpec::new("8x0e".parse()?, "8x0e+8x1o+8x2e".parse()?, 3, r_cut, avg);
    let layer = InteractionLayer::new(spec, 2)?;
    let embedding = SpeciesEmbedding::new(species.len(), layer.irreps_in(), 1)?;
    println!(
        "\nlayer {} → {}: gate input {}, messages {}, {} radial-network weights",
        layer.irreps_in(),
        layer.irreps_out(),
        layer.gate().irreps_in(),
        layer.tensor_product().irreps_out().simplify(),
        layer.radial_net().weight_numel()
    );
    let mut h0 = vec![0.0; ethanol.len() * layer.irreps_in().dim()];
    embedding.forward(&z, &mut h0)?;
    let mut ws = layer.workspace();
    let mut h = vec![0.0; ethanol.len() * layer.irreps_out().dim()];
    layer.forward(&mut ws, &nl, &h0, &mut h)?;

    // 3. Rotate (and invert) the molecule: the features rotate with the Wigner D matrices.
    let mut rng = SplitMix64::new(3);
    let r = so3::random_rotation(&mut rng);
    for inverted in [false, true] {
        let sgn = if inverted { -1.0 } else { 1.0 };
        let moved = Structure::new(
            ethanol.species.clone(),
            ethanol
                .positions
                .iter()
                .map(|p| so3::apply(&r, *p).map(|c| sgn * c))
                .collect(),
        );
        let mut h_moved = vec![0.0; h.len()];
        layer.forward(&mut ws, &neighbour_list(&moved, r_cut)?, &h0, &mut h_moved)?;
        let want = transform(layer.irreps_out(), &h, &r, inverted);
        println!(
            "{}: max |h'(g·x) − D(g) h'(x)| = {:.1e}   (max |h'| = {:.2})",
            if inverted {
                "rotation + inversion"
            } else {
                "rotation"
            },
            max_abs_diff(&h_moved, &want),
            h.iter().fold(0.0_f64, |m, x| m.max(x.abs()))
        );
    }

    // 4. A ReLU applied to the components of the l = 1 features is not equivariant.
    let out = layer.irreps_out();
    let l1 = out.0.iter().position(|t| t.ir.l == 1).unwrap_or(0);
    let offset: usize = out.0[..l1].iter().map(|t| t.dim()).sum();
    let len = out.0[l1].dim();
    let l1_irreps = Irreps(vec![out.0[l1]]);
    let relu = |x: &[f64]| x.iter().map(|v| v.max(0.0)).collect::<Vec<f64>>();
    let block = |x: &[f64]| {
        x.chunks_exact(out.dim())
            .flat_map(|row| row[offset..offset + len].to_vec())
            .collect::<Vec<f64>>()
    };
    let v = block(&h);
    let relu_then_rotate = transform(&l1_irreps, &relu(&v), &r, false);
    let rotate_then_relu = relu(&transform(&l1_irreps, &v, &r, false));
    println!(
        "ReLU on the {} features: max |ReLU(D v) − D ReLU(v)| = {:.2}   (max |v| = {:.2})",
        out.0[l1],
        max_abs_diff(&relu_then_rotate, &rotate_then_relu),
        v.iter().fold(0.0_f64, |m, x| m.max(x.abs()))
    );
    Ok(())
}
