//! Dense matrix products of the radial network, through `matrixmultiply` with explicit strides.
//!
//! nalgebra's `gemm` is not used for these: on small matrices it falls back to `axcpy`, which runs
//! past the end of a view whose row stride is above 1 (dimforge/nalgebra#1616, open). A model file
//! with a narrow radial network reached that path, a heap overflow. `matrixmultiply` takes any
//! strides; this wrapper checks that every element it will touch lies inside its slice.

/// A matrix over a slice: element (i, j) sits at `i · row_stride + j · col_stride`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Strided<'a> {
    pub data: &'a [f64],
    pub rows: usize,
    pub cols: usize,
    pub row_stride: usize,
    pub col_stride: usize,
}

impl<'a> Strided<'a> {
    /// `rows × cols` stored row by row.
    pub fn row_major(data: &'a [f64], rows: usize, cols: usize) -> Self {
        Strided {
            data,
            rows,
            cols,
            row_stride: cols,
            col_stride: 1,
        }
    }

    /// The transpose of the `cols × rows` row-major matrix in `data`.
    pub fn transposed(data: &'a [f64], rows: usize, cols: usize) -> Self {
        Strided {
            data,
            rows,
            cols,
            row_stride: 1,
            col_stride: rows,
        }
    }
}

/// One past the largest offset of a `rows × cols` matrix with these strides (0 when empty).
fn extent(rows: usize, cols: usize, row_stride: usize, col_stride: usize) -> usize {
    if rows == 0 || cols == 0 {
        0
    } else {
        (rows - 1) * row_stride + (cols - 1) * col_stride + 1
    }
}

/// `c = alpha · a · b + beta · c`, with `c` row-major `a.rows × b.cols`. Shapes that do not fit
/// their slices are a bug in the caller and stop here, before any memory is touched.
pub(crate) fn gemm(alpha: f64, a: Strided, b: Strided, beta: f64, c: &mut [f64]) {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    assert!(b.rows == k, "gemm: inner dimensions {k} and {}", b.rows);
    assert!(
        extent(m, k, a.row_stride, a.col_stride) <= a.data.len()
            && extent(k, n, b.row_stride, b.col_stride) <= b.data.len()
            && m * n <= c.len(),
        "gemm: a {m}×{k}, b {k}×{n} or c do not fit their slices"
    );
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        c[..m * n].iter_mut().for_each(|x| *x *= beta);
        return;
    }
    // SAFETY: every offset i·rs + j·cs that matrixmultiply reads (i < rows, j < cols) is below the
    // extent checked above, so inside its slice; c is contiguous row-major (strides n, 1, no
    // aliasing) and holds m·n elements; the strides are below the slice lengths, so fit in isize.
    unsafe {
        matrixmultiply::dgemm(
            m,
            k,
            n,
            alpha,
            a.data.as_ptr(),
            a.row_stride as isize,
            a.col_stride as isize,
            b.data.as_ptr(),
            b.row_stride as isize,
            b.col_stride as isize,
            beta,
            c.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against the triple loop, for every shape up to 5 and both layouts of b, with beta 0 and 1.
    #[test]
    fn equals_the_definition_at_every_small_shape() {
        let data: Vec<f64> = (0..64)
            .map(|x| ((x * 7919) % 97) as f64 / 13.0 - 3.0)
            .collect();
        for m in 0..=5 {
            for k in 0..=5 {
                for n in 0..=5 {
                    let a = Strided::row_major(&data[..m * k], m, k);
                    for b in [
                        Strided::row_major(&data[3..3 + k * n], k, n),
                        Strided::transposed(&data[5..5 + k * n], k, n),
                    ] {
                        for beta in [0.0, 1.0] {
                            let mut c = vec![0.5; m * n];
                            let mut want = c.clone();
                            for i in 0..m {
                                for j in 0..n {
                                    let dot: f64 = (0..k)
                                        .map(|l| {
                                            a.data[i * k + l]
                                                * b.data[l * b.row_stride + j * b.col_stride]
                                        })
                                        .sum();
                                    want[i * n + j] = 2.0 * dot + beta * want[i * n + j];
                                }
                            }
                            gemm(2.0, a, b, beta, &mut c);
                            for (x, y) in c.iter().zip(&want) {
                                assert!((x - y).abs() < 1e-12, "{m}×{k}×{n}: {x} vs {y}");
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    #[should_panic(expected = "do not fit")]
    fn refuses_a_matrix_larger_than_its_slice() {
        let data = [1.0; 5];
        let mut c = [0.0; 4];
        gemm(
            1.0,
            Strided::row_major(&data, 2, 3),
            Strided::row_major(&data, 3, 2),
            0.0,
            &mut c,
        );
    }
}
