//! Chapter 04's worked example: two linearised NequIP layers (ν = 1, one channel, one element, no
//! gates, no residual) on one path, multiplied out. Layer 1 couples the scalar embedding with
//! Y₁ of the bond to a vector, `h¹_j = Σ_k R¹(r_jk) Y₁(r̂_jk)`; layer 2 couples that vector with
//! Y₁ of the bond back to a scalar through C^{110}, `h²_i = Σ_j R²(r_ij) Σ_ab C^{110}_{ab0}
//! Y₁(r̂_ij)_a h¹_{j,b}`. With e3nn's component normalisation (Y₁ = √3 r̂) and C^{110} = δ/√3,
//!
//! `h²_i = √3 Σ_j Σ_{k ≠ i} R²(r_ij) R¹(r_jk) cos θ_ijk − √3 Σ_j R²(r_ij) R¹(r_ij)`,
//!
//! where θ_ijk is the angle between the bonds i→j and j→k and the second sum is the k = i term
//! (cos = −1). Expanding both radial functions in one basis, R^{(t)} = Σ_n w^{(t)}_n R_n, the
//! three-body coefficients are c_{nn'} = √3 w²_n w¹_{n'} and the two-body ones d_{nn'} = −c_{nn'}:
//! a rank-one matrix, and the same numbers twice. A general two-layer polynomial of this shape
//! would have independent c and d.

use multiace_core::so3::{spherical_harmonics, wigner_3j, Normalization};

const N_RADIAL: usize = 4;
const R_CUT: f64 = 4.0;

/// A fixed radial basis: sin(nπr/r_c)/r times a polynomial envelope (any basis would do).
fn basis(r: f64) -> [f64; N_RADIAL] {
    let env = (1.0 - (r / R_CUT).powi(2)).powi(2);
    std::array::from_fn(|n| ((n + 1) as f64 * std::f64::consts::PI * r / R_CUT).sin() / r * env)
}

fn radial(w: &[f64; N_RADIAL], r: f64) -> f64 {
    basis(r).iter().zip(w).map(|(b, w)| b * w).sum()
}

fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

fn norm(a: [f64; 3]) -> f64 {
    (a[0] * a[0] + a[1] * a[1] + a[2] * a[2]).sqrt()
}

fn y1(v: [f64; 3]) -> [f64; 3] {
    let mut out = [0.0; 4];
    spherical_harmonics(1, v, Normalization::Component, true, &mut out);
    [out[1], out[2], out[3]]
}

/// The network, layer by layer: h² of every atom.
fn network(x: &[[f64; 3]], w1: &[f64; N_RADIAL], w2: &[f64; N_RADIAL]) -> Vec<f64> {
    let n = x.len();
    let h1: Vec<[f64; 3]> = (0..n)
        .map(|j| {
            let mut v = [0.0; 3];
            for k in (0..n).filter(|&k| k != j) {
                let d = sub(x[k], x[j]);
                let (r, y) = (norm(d), y1(d));
                (0..3).for_each(|a| v[a] += radial(w1, r) * y[a]);
            }
            v
        })
        .collect();
    let c = wigner_3j(1, 1, 0).unwrap();
    (0..n)
        .map(|i| {
            let mut h = 0.0;
            for j in (0..n).filter(|&j| j != i) {
                let d = sub(x[j], x[i]);
                let (r, y) = (norm(d), y1(d));
                for (a, ya) in y.iter().enumerate() {
                    for (b, hb) in h1[j].iter().enumerate() {
                        h += radial(w2, r) * c.get(a, b, 0) * ya * hb;
                    }
                }
            }
            h
        })
        .collect()
}

/// The same, multiplied out in the radial basis: Σ c_{nn'} B³_{nn'} + Σ d_{nn'} B²_{nn'} with the
/// coefficient matrices given explicitly.
fn expanded(
    x: &[[f64; 3]],
    i: usize,
    c: &[[f64; N_RADIAL]; N_RADIAL],
    d: &[[f64; N_RADIAL]; N_RADIAL],
) -> f64 {
    let n = x.len();
    let mut h = 0.0;
    for j in (0..n).filter(|&j| j != i) {
        let bij = sub(x[j], x[i]);
        let rn = basis(norm(bij));
        // k = i: the two-body term.
        for (p, row) in d.iter().enumerate() {
            for (q, dpq) in row.iter().enumerate() {
                h += dpq * rn[p] * rn[q];
            }
        }
        for k in (0..n).filter(|&k| k != i && k != j) {
            let bjk = sub(x[k], x[j]);
            let cos =
                (bij[0] * bjk[0] + bij[1] * bjk[1] + bij[2] * bjk[2]) / (norm(bij) * norm(bjk));
            let rq = basis(norm(bjk));
            for (p, row) in c.iter().enumerate() {
                for (q, cpq) in row.iter().enumerate() {
                    h += cpq * rn[p] * rq[q] * cos;
                }
            }
        }
    }
    h
}

fn outer(a: &[f64; N_RADIAL], b: &[f64; N_RADIAL], scale: f64) -> [[f64; N_RADIAL]; N_RADIAL] {
    std::array::from_fn(|p| std::array::from_fn(|q| scale * a[p] * b[q]))
}

#[test]
fn two_linear_layers_are_a_polynomial_with_tied_coefficients() {
    let x = [
        [0.0, 0.0, 0.0],
        [1.1, 0.2, -0.1],
        [-0.4, 1.3, 0.3],
        [0.5, 0.4, 1.2],
        [-1.0, -0.6, 0.7],
    ];
    let w1 = [0.7, -0.3, 0.5, 0.2];
    let w2 = [-0.4, 0.9, 0.1, -0.6];
    let h2 = network(&x, &w1, &w2);
    let s3 = 3f64.sqrt();
    let c = outer(&w2, &w1, s3);
    let d = outer(&w2, &w1, -s3);
    for (i, h) in h2.iter().enumerate() {
        let e = expanded(&x, i, &c, &d);
        assert!(
            (h - e).abs() < 1e-12 * h.abs().max(1.0),
            "atom {i}: network {h}, expanded {e}"
        );
    }
    // The ties are real constraints: untie one two-body coefficient, or give the three-body matrix
    // rank two, and the expansion no longer matches the network.
    let mut d_free = d;
    d_free[1][2] += 0.1;
    let mut c_free = c;
    c_free[0][0] += 0.1;
    for (c, d) in [(&c, &d_free), (&c_free, &d)] {
        let e = expanded(&x, 0, c, d);
        assert!(
            (h2[0] - e).abs() > 1e-3,
            "an untied coefficient went unnoticed"
        );
    }
    // Two atoms: only the two-body term, −√3 R²(r) R¹(r).
    let pair = [[0.0, 0.0, 0.0], [1.3, -0.2, 0.4]];
    let r = norm(pair[1]);
    let h = network(&pair, &w1, &w2)[0];
    assert!((h + s3 * radial(&w2, r) * radial(&w1, r)).abs() < 1e-14);
}
