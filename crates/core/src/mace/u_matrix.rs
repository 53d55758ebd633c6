//! mace-torch's generalised Clebsch–Gordan tensors `U^ν` (`mace/tools/cg.py::U_matrix_real` with
//! `use_reduced_cg=False`), built in Rust so a model can be made without mace-torch (random weights
//! for a point of the design space). Model files carry mace-torch's own tensors; the tests check that
//! these are equal to them.
//!
//! The recursion (`_wigner_nj`): the coupling paths of ν inputs are those of ν − 1 inputs, each coupled
//! with one more input irrep `l` to every `L ∈ L_left ⊗ l` through e3nn's Wigner 3j tensor scaled by
//! √(2L + 1) ("component" normalisation); the paths are then sorted by their final irrep (stably), and
//! `U^ν` for an output irrep stacks, as its last axis, every path that ends in it.

use crate::so3::{wigner_3j, Irrep};

/// One coupling path: its final irrep and its tensor `[2L + 1, S, …, S]` (row-major, ν slots of size S).
struct Path {
    ir: Irrep,
    tensor: Vec<f64>,
}

fn wigner_nj(irreps: &[Irrep], nu: usize) -> Vec<Path> {
    let s: usize = irreps.iter().map(|ir| ir.dim()).sum();
    if nu == 1 {
        let mut out = Vec::new();
        let mut off = 0;
        for &ir in irreps {
            let d = ir.dim();
            let mut t = vec![0.0; d * s];
            for m in 0..d {
                t[m * s + off + m] = 1.0;
            }
            out.push(Path { ir, tensor: t });
            off += d;
        }
        return out;
    }
    let left_paths = wigner_nj(irreps, nu - 1);
    let p_left = s.pow(nu as u32 - 1);
    let mut out = Vec::new();
    for left in &left_paths {
        let dl = left.ir.dim();
        let mut off = 0;
        for &ir in irreps {
            let dr = ir.dim();
            for ir_out in left.ir.mul(&ir) {
                let d_out = ir_out.dim();
                let Ok(c3) = wigner_3j(ir_out.l, left.ir.l, ir.l) else {
                    continue;
                };
                let norm = (d_out as f64).sqrt();
                // E[o, P, off + r] = Σ_j C_left[j, P] · C3[o, j, r] · √(2L+1)
                let mut t = vec![0.0; d_out * p_left * s];
                for o in 0..d_out {
                    for j in 0..dl {
                        for r in 0..dr {
                            let c = c3.get(o, j, r) * norm;
                            if c == 0.0 {
                                continue;
                            }
                            let row = &left.tensor[j * p_left..(j + 1) * p_left];
                            for (pp, &cl) in row.iter().enumerate() {
                                if cl != 0.0 {
                                    t[(o * p_left + pp) * s + off + r] += cl * c;
                                }
                            }
                        }
                    }
                }
                out.push(Path {
                    ir: ir_out,
                    tensor: t,
                });
            }
            off += dr;
        }
    }
    out.sort_by_key(|p| p.ir);
    out
}

/// `U^ν` coupling `ν` copies of the irreps `irreps` (each once: the "coupling irreps" of the product
/// basis, e.g. 0e + 1o + 2e) to `irrep_out`, as mace-torch stores it: shape `[2L + 1, S, …, S, K]`,
/// with the leading axis dropped when `L = 0`. When no path reaches `irrep_out`, mace-torch stores
/// one zero column (`K = 1`, and a weight for it), so this does too.
pub fn u_matrix_real(irreps: &[Irrep], irrep_out: Irrep, nu: usize) -> (Vec<f64>, Vec<usize>) {
    let s: usize = irreps.iter().map(|ir| ir.dim()).sum();
    let paths: Vec<Path> = wigner_nj(irreps, nu.max(1))
        .into_iter()
        .filter(|p| p.ir == irrep_out)
        .collect();
    let k = paths.len().max(1);
    let rows = irrep_out.dim() * s.pow(nu.max(1) as u32);
    let mut data = vec![0.0; rows * k];
    for (col, p) in paths.iter().enumerate() {
        for (row, &v) in p.tensor.iter().enumerate() {
            data[row * k + col] = v;
        }
    }
    let mut shape = Vec::new();
    if irrep_out.l != 0 {
        shape.push(irrep_out.dim());
    }
    shape.extend(std::iter::repeat_n(s, nu.max(1)));
    shape.push(k);
    (data, shape)
}

/// The number of columns K of [`u_matrix_real`] (coupling paths of `nu` inputs ending in
/// `irrep_out`, at least one as in [`u_matrix_real`]), counted on the irreps alone: what a parameter count needs, without the tensors.
pub(crate) fn u_matrix_columns(irreps: &[Irrep], irrep_out: Irrep, nu: usize) -> usize {
    // paths[k] = (final irrep, number of paths ending in it) after k + 1 inputs
    let mut counts: Vec<(Irrep, usize)> = irreps.iter().map(|&ir| (ir, 1)).collect();
    for _ in 1..nu.max(1) {
        let mut next: Vec<(Irrep, usize)> = Vec::new();
        for &(left, n) in &counts {
            for &ir in irreps {
                for out in left.mul(&ir) {
                    match next.iter_mut().find(|(i, _)| *i == out) {
                        Some((_, c)) => *c += n,
                        None => next.push((out, n)),
                    }
                }
            }
        }
        counts = next;
    }
    let paths: usize = counts
        .iter()
        .filter(|(ir, _)| *ir == irrep_out)
        .map(|(_, n)| n)
        .sum();
    paths.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::so3::Parity;

    #[test]
    fn column_counts_equal_the_built_tensors() {
        for l_max in 1..=3 {
            let irreps: Vec<Irrep> = (0..=l_max).map(Irrep::sh).collect();
            for nu in 1..=3 {
                for l in 0..=3 {
                    for p in [Parity::Even, Parity::Odd] {
                        let out = Irrep::new(l, p);
                        if l_max == 3 && nu == 3 && l > 1 {
                            continue; // large tensors; the counts are covered by smaller cases
                        }
                        let (_, shape) = u_matrix_real(&irreps, out, nu);
                        assert_eq!(
                            u_matrix_columns(&irreps, out, nu),
                            shape[shape.len() - 1],
                            "{l_max} {nu} {out}"
                        );
                    }
                }
            }
        }
    }
}
