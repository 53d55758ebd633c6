//! Row-parallel loops for large structures. Every per-atom and per-edge loop of a MACE evaluation
//! writes whole rows of its outputs, so a loop is split into blocks of consecutive rows, each block
//! on one thread of rayon's pool. Below the size threshold, or without the `parallel` feature (the
//! wasm build), the same closure runs once over all rows on this thread, allocating nothing.

use std::ops::Range;

/// Structures with fewer atoms run on one thread: below this, handing work to the pool costs more
/// than it saves.
#[cfg(feature = "parallel")]
pub(crate) const PARALLEL_MIN_ATOMS: usize = 48;

/// Whether an evaluation of `n_atoms` atoms should use the thread pool.
pub(crate) fn parallel_for(n_atoms: usize) -> bool {
    #[cfg(feature = "parallel")]
    {
        n_atoms >= PARALLEL_MIN_ATOMS && rayon::current_num_threads() > 1
    }
    #[cfg(not(feature = "parallel"))]
    {
        let _ = n_atoms;
        false
    }
}

/// Blocks of consecutive rows: a few per thread, so uneven rows (atoms with more neighbours) even out.
#[cfg(feature = "parallel")]
fn blocks(n: usize) -> Vec<Range<usize>> {
    let per = n.div_ceil(4 * rayon::current_num_threads()).max(1);
    (0..n.div_ceil(per))
        .map(|b| b * per..((b + 1) * per).min(n))
        .collect()
}

/// `data` (rows of `len`) cut at the block boundaries.
#[cfg(feature = "parallel")]
fn split<'a, T>(mut data: &'a mut [T], len: usize, blocks: &[Range<usize>]) -> Vec<&'a mut [T]> {
    let mut out = Vec::with_capacity(blocks.len());
    for b in blocks {
        let (head, tail) = std::mem::take(&mut data).split_at_mut(b.len() * len);
        out.push(head);
        data = tail;
    }
    out
}

/// `f(rows, a_rows, b_rows, c_rows, scratch)` over the `n` rows of `a`, `b` and `c` (rows of `la`,
/// `lb`, `lc` elements); `rows` says which rows the slices hold. In parallel each block gets its own
/// scratch of `scratch.len()` numbers; on one thread `scratch` itself is used.
pub(crate) fn rows3<A: Send, B: Send, C: Send>(
    par: bool,
    n: usize,
    (a, la): (&mut [A], usize),
    (b, lb): (&mut [B], usize),
    (c, lc): (&mut [C], usize),
    scratch: &mut [f64],
    f: impl Fn(Range<usize>, &mut [A], &mut [B], &mut [C], &mut [f64]) + Sync + Send,
) {
    #[cfg(feature = "parallel")]
    if par {
        use rayon::prelude::*;
        let blocks = blocks(n);
        let (sa, sb, sc) = (
            split(a, la, &blocks),
            split(b, lb, &blocks),
            split(c, lc, &blocks),
        );
        let len = scratch.len();
        blocks
            .into_par_iter()
            .zip(sa)
            .zip(sb)
            .zip(sc)
            .for_each_init(|| vec![0.0; len], |s, (((r, a), b), c)| f(r, a, b, c, s));
        return;
    }
    let _ = par;
    f(
        0..n,
        &mut a[..n * la],
        &mut b[..n * lb],
        &mut c[..n * lc],
        scratch,
    );
}

/// [`rows3`] with two outputs.
pub(crate) fn rows2<A: Send, B: Send>(
    par: bool,
    n: usize,
    a: (&mut [A], usize),
    b: (&mut [B], usize),
    scratch: &mut [f64],
    f: impl Fn(Range<usize>, &mut [A], &mut [B], &mut [f64]) + Sync + Send,
) {
    rows3(
        par,
        n,
        a,
        b,
        (&mut [] as &mut [u8], 0),
        scratch,
        |r, a, b, _, s| f(r, a, b, s),
    );
}

/// [`rows3`] with one output.
pub(crate) fn rows1<A: Send>(
    par: bool,
    n: usize,
    a: (&mut [A], usize),
    scratch: &mut [f64],
    f: impl Fn(Range<usize>, &mut [A], &mut [f64]) + Sync + Send,
) {
    rows3(
        par,
        n,
        a,
        (&mut [] as &mut [u8], 0),
        (&mut [] as &mut [u8], 0),
        scratch,
        |r, a, _, _, s| f(r, a, s),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row is visited once with its own index, in parallel and not, whatever the row lengths
    /// (including 0).
    #[test]
    fn every_row_once_with_its_index() {
        for par in [false, true] {
            for n in [0, 1, 7, 100, 1001] {
                for (la, lb) in [(1, 3), (2, 0), (0, 1)] {
                    let mut a = vec![0usize; n * la];
                    let mut b = vec![0usize; n * lb];
                    rows2(
                        par,
                        n,
                        (&mut a, la),
                        (&mut b, lb),
                        &mut [0.0; 2],
                        |r, a, b, s| {
                            assert_eq!(s.len(), 2);
                            for (k, i) in r.enumerate() {
                                a[k * la..(k + 1) * la].iter_mut().for_each(|x| *x += i + 1);
                                b[k * lb..(k + 1) * lb].iter_mut().for_each(|x| *x += i + 1);
                            }
                        },
                    );
                    for (i, x) in a.iter().enumerate() {
                        assert_eq!(*x, i / la.max(1) + 1);
                    }
                    for (i, x) in b.iter().enumerate() {
                        assert_eq!(*x, i / lb.max(1) + 1);
                    }
                }
            }
        }
    }
}
