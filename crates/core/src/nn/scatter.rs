//! Sum-pooling of per-edge values onto nodes (`torch_scatter.scatter_sum`, as NequIP and MACE use it
//! to add up messages): the permutation-invariant "⊕_j" of message passing.

/// `out[index[e]] = Σ_e values[e]` for rows of `dim` numbers: `values` holds `index.len()` rows,
/// `out` holds `n_out` rows and is overwritten (zeroed first, like `scatter_sum` with no `out`
/// argument). Rows whose index is `>= n_out` are skipped (debug-asserted), never a panic.
pub fn scatter_sum(values: &[f64], dim: usize, index: &[usize], n_out: usize, out: &mut [f64]) {
    debug_assert!(
        values.len() >= index.len() * dim && out.len() >= n_out * dim,
        "scatter_sum: {} values for {} rows of {dim}, {} outputs for {n_out} rows",
        values.len(),
        index.len(),
        out.len()
    );
    let n_out = n_out.min(out.len() / dim.max(1));
    out[..n_out * dim].fill(0.0);
    if dim == 0 {
        return;
    }
    for (row, &i) in values.chunks_exact(dim).zip(index) {
        debug_assert!(i < n_out, "scatter_sum: index {i} >= n_out = {n_out}");
        if i < n_out {
            out[i * dim..(i + 1) * dim]
                .iter_mut()
                .zip(row)
                .for_each(|(o, &v)| *o += v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_rows_by_index() {
        let values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let mut out = [9.0; 6];
        scatter_sum(&values, 2, &[2, 0, 2], 3, &mut out);
        assert_eq!(out, [3.0, 4.0, 0.0, 0.0, 6.0, 8.0]);
    }
}
