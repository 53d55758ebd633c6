//! The linear-time neighbour search (linked cells / binning): wrap the atoms into the cell, add the
//! periodic images that lie within the cutoff of the cell's faces, sort everything into boxes at
//! least one cutoff wide, and compare each atom with the contents of its own and the 26 adjacent
//! boxes only.
//!
//! Works for any triclinic cell, for cells much smaller than the cutoff (the images then fill many
//! boxes) and for mixed boundary conditions (no images along non-periodic directions). Candidates are
//! found with the wrapped positions and a small safety margin; whether a candidate is a neighbour is
//! decided by [`Search::neighbour`] from the positions as given, exactly as the brute force decides.

use super::error::StructureError;
use super::neighbours::{finish, NeighbourList, Search};

/// A copy of an atom: its Cartesian position in the padded cell and the shift of the copy relative
/// to the wrapped atom.
struct Image {
    position: [f64; 3],
    atom: usize,
    shift: [i32; 3],
}

pub(crate) fn build(search: &Search<'_>) -> Result<NeighbourList, StructureError> {
    let n = search.positions.len();
    let p = &search.periodicity;

    // 1. Wrap: the integer cell each atom lies in, and its position moved into the cell.
    let mut offset = Vec::with_capacity(n);
    let mut wrapped = Vec::with_capacity(n);
    let mut wrapped_fraction = Vec::with_capacity(n);
    let mut largest = 0.0f64;
    for (r, s) in search.positions.iter().zip(&search.fractional) {
        // |s| <= MAX_CELLS_OUTSIDE was checked, so the floor fits in i32.
        let o = [0, 1, 2].map(|d| if p.pbc[d] { s[d].floor() as i32 } else { 0 });
        let t = p.translation(o);
        let w = [r[0] - t[0], r[1] - t[1], r[2] - t[2]];
        largest = largest.max(r.iter().chain(&w).fold(0.0, |m, x| m.max(x.abs())));
        offset.push(o);
        wrapped.push(w);
        wrapped_fraction.push([0, 1, 2].map(|d| s[d] - f64::from(o[d])));
    }
    let reach_cart = search.cutoff;
    // Rounding differs between wrapped and given positions by a few ulps of the largest coordinate:
    // widen the search by far more than that so no candidate is missed.
    let margin = 1e-9 * (1.0 + reach_cart + largest);
    let width = reach_cart + margin;

    // 2. Images: every copy of a wrapped atom whose fractional coordinates lie within reach of [0, 1].
    let mut images: Vec<Image> = Vec::with_capacity(n);
    for (atom, (w, f)) in wrapped.iter().zip(&wrapped_fraction).enumerate() {
        let range = [0, 1, 2].map(|d| {
            if !p.pbc[d] {
                return (0, 0);
            }
            let eps = search.reach[d] * margin / search.cutoff + 1e-9;
            let lo = (-search.reach[d] - eps - f[d]).ceil() as i32;
            let hi = (1.0 + search.reach[d] + eps - f[d]).floor() as i32;
            (lo, hi)
        });
        for sa in range[0].0..=range[0].1 {
            for sb in range[1].0..=range[1].1 {
                for sc in range[2].0..=range[2].1 {
                    let shift = [sa, sb, sc];
                    let t = p.translation(shift);
                    images.push(Image {
                        position: [w[0] + t[0], w[1] + t[1], w[2] + t[2]],
                        atom,
                        shift,
                    });
                }
            }
        }
    }

    // 3. Boxes over the images' bounding box, each at least `width` wide, at most ~2 per image.
    let grid = Grid::new(&images, width);
    let mut start = vec![0usize; grid.total + 1];
    let keys: Vec<usize> = images.iter().map(|im| grid.key(im.position)).collect();
    for &k in &keys {
        if let Some(c) = start.get_mut(k + 1) {
            *c += 1;
        }
    }
    for b in 0..grid.total {
        start[b + 1] += start[b];
    }
    let mut fill = start.clone();
    let mut sorted: Vec<usize> = vec![0; images.len()];
    for (index, &k) in keys.iter().enumerate() {
        if let Some(slot) = fill.get_mut(k) {
            if let Some(dst) = sorted.get_mut(*slot) {
                *dst = index;
            }
            *slot += 1;
        }
    }

    // 4. Each atom against its own and the adjacent boxes.
    let mut offsets = Vec::with_capacity(n + 1);
    let mut neighbours = Vec::new();
    offsets.push(0);
    let width2 = width * width;
    for (i, wi) in wrapped.iter().enumerate() {
        let b = grid.coords(*wi);
        let lo = b.map(|x| x.saturating_sub(1));
        let hi = [0, 1, 2].map(|k| (b[k] + 1).min(grid.n[k] - 1));
        for bx in lo[0]..=hi[0] {
            for by in lo[1]..=hi[1] {
                for bz in lo[2]..=hi[2] {
                    let k = (bx * grid.n[1] + by) * grid.n[2] + bz;
                    let (Some(&a), Some(&z)) = (start.get(k), start.get(k + 1)) else {
                        continue;
                    };
                    for &index in sorted.get(a..z).unwrap_or(&[]) {
                        let Some(im) = images.get(index) else {
                            continue;
                        };
                        let d = [
                            im.position[0] - wi[0],
                            im.position[1] - wi[1],
                            im.position[2] - wi[2],
                        ];
                        if d[0] * d[0] + d[1] * d[1] + d[2] * d[2] >= width2 {
                            continue;
                        }
                        // image − w_i = (r_j − o_j·cell + n·cell) − (r_i − o_i·cell)
                        let (oi, oj) = (offset[i], offset[im.atom]);
                        let shift = [0, 1, 2].map(|q| im.shift[q] - oj[q] + oi[q]);
                        if let Some(nb) = search.neighbour(i, im.atom, shift) {
                            neighbours.push(nb);
                        }
                    }
                }
            }
        }
        offsets.push(neighbours.len());
    }
    finish(offsets, neighbours)
}

/// A regular grid of boxes over a bounding box.
struct Grid {
    min: [f64; 3],
    /// Boxes per unit length along each axis (0 for a single box).
    inverse_width: [f64; 3],
    n: [usize; 3],
    total: usize,
}

impl Grid {
    fn new(images: &[Image], width: f64) -> Grid {
        let mut min = [f64::INFINITY; 3];
        let mut max = [f64::NEG_INFINITY; 3];
        for im in images {
            for k in 0..3 {
                min[k] = min[k].min(im.position[k]);
                max[k] = max[k].max(im.position[k]);
            }
        }
        let extent = [0, 1, 2].map(|k| (max[k] - min[k]).max(0.0));
        let mut n = extent.map(|e| (e / width).floor().max(1.0));
        // Sparse structures (two molecules far apart) would ask for more boxes than atoms: make the
        // boxes larger along the longest axis until there are at most ~2 per image.
        let cap = (2 * images.len() + 8) as f64;
        for _ in 0..3 {
            let total = n[0] * n[1] * n[2];
            if total <= cap {
                break;
            }
            let k = (0..3).max_by(|&a, &b| n[a].total_cmp(&n[b])).unwrap_or(0);
            n[k] = (n[k] * cap / total).floor().max(1.0);
        }
        let n = n.map(|x| x as usize);
        let inverse_width = [0, 1, 2].map(|k| {
            let inv = n[k] as f64 / extent[k];
            if inv.is_finite() {
                inv
            } else {
                0.0
            }
        });
        let min = min.map(|m| if m.is_finite() { m } else { 0.0 });
        Grid {
            min,
            inverse_width,
            n,
            total: n[0] * n[1] * n[2],
        }
    }

    /// The box of a point, clamped to the grid (the wrapped atoms are all inside it anyway).
    fn coords(&self, r: [f64; 3]) -> [usize; 3] {
        [0, 1, 2].map(|k| {
            let x = ((r[k] - self.min[k]) * self.inverse_width[k]).floor();
            // `as` saturates: NaN → 0, negative → 0, huge → usize::MAX, then clamped.
            (x as usize).min(self.n[k] - 1)
        })
    }

    fn key(&self, r: [f64; 3]) -> usize {
        let b = self.coords(r);
        (b[0] * self.n[1] + b[1]) * self.n[2] + b[2]
    }
}
