//! Mathematical properties of the SO(3) routines, checked on seeded random inputs (SplitMix64).

use multiace_core::so3::{self, Normalization, SplitMix64, LMAX_SUPPORTED};
use nalgebra::{DMatrix, DVector};

fn random_vector(rng: &mut SplitMix64) -> [f64; 3] {
    [rng.normal(), rng.normal(), rng.normal()]
}

fn sh_block(lmax: usize, v: [f64; 3], norm: Normalization, normalize: bool) -> Vec<f64> {
    let mut out = vec![0.0; so3::sh_len(lmax)];
    so3::spherical_harmonics(lmax, v, norm, normalize, &mut out);
    out
}

fn max_abs(m: &DMatrix<f64>) -> f64 {
    m.iter().fold(0.0, |a, x| a.max(x.abs()))
}

#[test]
fn sh_are_equivariant_for_1000_random_rotations_up_to_l10() {
    let mut rng = SplitMix64::new(1);
    let lmax = 10;
    for _ in 0..1000 {
        let r = so3::random_rotation(&mut rng);
        let v = random_vector(&mut rng);
        let y = sh_block(lmax, v, Normalization::Integral, true);
        let yr = sh_block(lmax, so3::apply(&r, v), Normalization::Integral, true);
        let ds = so3::wigner_d_all(lmax, &r);
        for (l, d) in ds.iter().enumerate() {
            let b = l * l..(l + 1) * (l + 1);
            let lhs = d * DVector::from_row_slice(&y[b.clone()]);
            let err = (lhs - DVector::from_row_slice(&yr[b])).amax();
            assert!(err < 1e-12, "l={l}: |D Y(x) - Y(Rx)| = {err:e}");
        }
    }
}

#[test]
fn wigner_d_is_an_orthogonal_representation() {
    let mut rng = SplitMix64::new(2);
    for _ in 0..200 {
        let r1 = so3::random_rotation(&mut rng);
        let r2 = so3::random_rotation(&mut rng);
        let r12 = so3::mat_mul(&r1, &r2);
        let (d1, d2, d12) = (
            so3::wigner_d_all(12, &r1),
            so3::wigner_d_all(12, &r2),
            so3::wigner_d_all(12, &r12),
        );
        for l in 0..=12 {
            assert!(
                max_abs(&(&d1[l] * &d2[l] - &d12[l])) < 1e-12,
                "D(R1 R2) = D(R1) D(R2) at l={l}"
            );
            let n = 2 * l + 1;
            assert!(
                max_abs(&(d1[l].transpose() * &d1[l] - DMatrix::identity(n, n))) < 1e-12,
                "D orthogonal at l={l}"
            );
        }
        // D^1 is the matrix itself.
        for i in 0..3 {
            for j in 0..3 {
                assert_eq!(d1[1][(i, j)], r1[i][j]);
            }
        }
    }
    // The largest supported degree too.
    let r = so3::random_rotation(&mut rng);
    let d = so3::wigner_d_from_matrix(LMAX_SUPPORTED, &r);
    let n = 2 * LMAX_SUPPORTED + 1;
    assert!(max_abs(&(d.transpose() * &d - DMatrix::identity(n, n))) < 1e-11);
}

#[test]
fn wigner_d_from_angles_is_the_matrix_route() {
    let mut rng = SplitMix64::new(3);
    for _ in 0..100 {
        let (a, b, g) = (
            rng.next_f64() * 6.3,
            rng.next_f64() * 3.2,
            rng.next_f64() * 6.3,
        );
        let r = so3::angles_to_matrix(a, b, g);
        let (a2, b2, g2) = so3::matrix_to_angles(&r);
        let back = so3::angles_to_matrix(a2, b2, g2);
        assert!((0..3).all(|i| (0..3).all(|j| (back[i][j] - r[i][j]).abs() < 1e-12)));
        assert!(max_abs(&(so3::wigner_d(4, a, b, g) - so3::wigner_d_from_matrix(4, &r))) < 1e-13);
    }
}

fn rotate_3j(c: &so3::Tensor3, d: [&DMatrix<f64>; 3]) -> Vec<f64> {
    let [n1, n2, n3] = c.dims;
    let mut out = vec![0.0; c.data.len()];
    for l in 0..n1 {
        for m in 0..n2 {
            for n in 0..n3 {
                let mut s = 0.0;
                for i in 0..n1 {
                    for j in 0..n2 {
                        let dij = d[0][(i, l)] * d[1][(j, m)];
                        for k in 0..n3 {
                            s += c.get(i, j, k) * dij * d[2][(k, n)];
                        }
                    }
                }
                out[(l * n2 + m) * n3 + n] = s;
            }
        }
    }
    out
}

#[test]
fn wigner_3j_is_invariant_and_unit_norm() {
    let mut rng = SplitMix64::new(4);
    for l1 in 0..=4usize {
        for l2 in 0..=4usize {
            for l3 in l1.abs_diff(l2)..=(l1 + l2).min(4) {
                let c = so3::wigner_3j(l1, l2, l3).expect("valid");
                assert!((c.norm() - 1.0).abs() < 1e-13);
                let r = so3::random_rotation(&mut rng);
                let ds = so3::wigner_d_all(4, &r);
                let rotated = rotate_3j(&c, [&ds[l1], &ds[l2], &ds[l3]]);
                let err = rotated
                    .iter()
                    .zip(&c.data)
                    .fold(0.0f64, |a, (x, y)| a.max((x - y).abs()));
                assert!(err < 1e-13, "({l1},{l2},{l3}) not invariant: {err:e}");
            }
        }
    }
}

#[test]
fn wigner_3j_at_the_largest_degree_is_orthonormal() {
    // Σ_ij C_ijk C_ijk' = δ_kk' / (2 l3 + 1): a check of the Racah sums' precision at high l.
    for (l1, l2, l3) in [
        (LMAX_SUPPORTED, LMAX_SUPPORTED, LMAX_SUPPORTED),
        (LMAX_SUPPORTED, LMAX_SUPPORTED - 3, 7),
    ] {
        let c = so3::wigner_3j(l1, l2, l3).expect("valid");
        let [n1, n2, n3] = c.dims;
        let mut worst: f64 = 0.0;
        for k in 0..n3 {
            for kp in 0..n3 {
                let s: f64 = (0..n1)
                    .flat_map(|i| (0..n2).map(move |j| (i, j)))
                    .map(|(i, j)| c.get(i, j, k) * c.get(i, j, kp))
                    .sum();
                let want = if k == kp { 1.0 / n3 as f64 } else { 0.0 };
                worst = worst.max((s - want).abs());
            }
        }
        assert!(worst < 1e-12, "({l1},{l2},{l3}): {worst:e}");
    }
}

#[test]
fn wigner_3j_known_values_and_errors() {
    let c = so3::wigner_3j(1, 1, 1).expect("valid");
    // ε_ijk / √6 in e3nn's (x, y, z) basis, up to e3nn 0.4.4's sign (first non-zero entry positive).
    assert!((c.get(0, 1, 2) - 1.0 / 6f64.sqrt()).abs() < 1e-15);
    assert!((c.get(1, 0, 2) + 1.0 / 6f64.sqrt()).abs() < 1e-15);
    let c = so3::wigner_3j(0, 3, 3).expect("valid");
    assert!((c.get(0, 2, 2) - 1.0 / 7f64.sqrt()).abs() < 1e-15);
    assert_eq!(
        so3::wigner_3j(1, 1, 3),
        Err(so3::So3Error::Triangle {
            l1: 1,
            l2: 1,
            l3: 3
        })
    );
    assert!(matches!(
        so3::wigner_3j(LMAX_SUPPORTED + 1, 1, LMAX_SUPPORTED + 1),
        Err(so3::So3Error::LTooLarge { .. })
    ));
    assert!(so3::triangle(2, 3, 5) && !so3::triangle(2, 3, 6) && !so3::triangle(2, 5, 2));
}

#[test]
fn clebsch_gordan_rejects_malformed_numbers() {
    assert!(so3::clebsch_gordan(0.3, 0.0, 1.0, 0.0, 1.0, 0.0).is_err());
    assert!(so3::clebsch_gordan(1.0, 0.5, 1.0, 0.0, 1.0, 0.5).is_err());
    assert!(so3::clebsch_gordan(-1.0, 0.0, 1.0, 0.0, 1.0, 0.0).is_err());
    assert!(so3::clebsch_gordan(f64::NAN, 0.0, 1.0, 0.0, 1.0, 0.0).is_err());
    assert_eq!(so3::clebsch_gordan(1.0, 0.0, 1.0, 0.0, 3.0, 0.0), Ok(0.0));
    assert!(
        (so3::clebsch_gordan(0.5, 0.5, 0.5, -0.5, 0.0, 0.0).expect("valid") - 0.5f64.sqrt()).abs()
            < 1e-15
    );
}

/// Gauss–Legendre nodes and weights on [-1, 1] (Newton on P_n).
fn gauss_legendre(n: usize) -> Vec<(f64, f64)> {
    (0..n)
        .map(|i| {
            let mut x = (std::f64::consts::PI * (i as f64 + 0.75) / (n as f64 + 0.5)).cos();
            let mut dp = 1.0;
            for _ in 0..100 {
                let (mut p0, mut p1) = (1.0, x);
                for k in 2..=n {
                    let p2 = ((2 * k - 1) as f64 * x * p1 - (k - 1) as f64 * p0) / k as f64;
                    p0 = p1;
                    p1 = p2;
                }
                dp = n as f64 * (x * p1 - p0) / (x * x - 1.0);
                let dx = p1 / dp;
                x -= dx;
                if dx.abs() < 1e-16 {
                    break;
                }
            }
            (x, 2.0 / ((1.0 - x * x) * dp * dp))
        })
        .collect()
}

#[test]
fn integral_normalisation_is_orthonormal_on_the_sphere() {
    // Exact quadrature for polynomials of degree <= 2 lmax: Gauss–Legendre in the polar cosine (here y,
    // e3nn's polar axis, though any axis works) times a uniform grid in the azimuth.
    let lmax = LMAX_SUPPORTED;
    let n = so3::sh_len(lmax);
    let gl = gauss_legendre(lmax + 1);
    let nphi = 2 * lmax + 2;
    let mut gram = DMatrix::<f64>::zeros(n, n);
    let mut y = vec![0.0; n];
    for &(t, w) in &gl {
        let s = (1.0 - t * t).sqrt();
        for j in 0..nphi {
            let phi = 2.0 * std::f64::consts::PI * j as f64 / nphi as f64;
            so3::spherical_harmonics(
                lmax,
                [s * phi.cos(), t, s * phi.sin()],
                Normalization::Integral,
                true,
                &mut y,
            );
            let yv = DVector::from_row_slice(&y);
            gram += (w * 2.0 * std::f64::consts::PI / nphi as f64) * &yv * yv.transpose();
        }
    }
    let err = max_abs(&(gram - DMatrix::identity(n, n)));
    assert!(
        err < 1e-12,
        "Gram matrix differs from the identity by {err:e}"
    );
}

#[test]
fn normalisations_are_related_as_e3nn_says() {
    let mut rng = SplitMix64::new(5);
    for _ in 0..100 {
        let v = random_vector(&mut rng);
        let (yi, yc, yn) = (
            sh_block(8, v, Normalization::Integral, true),
            sh_block(8, v, Normalization::Component, true),
            sh_block(8, v, Normalization::Norm, true),
        );
        for l in 0..=8 {
            let b = l * l..(l + 1) * (l + 1);
            let sq: f64 = yn[b.clone()].iter().map(|x| x * x).sum();
            assert!((sq - 1.0).abs() < 1e-13, "norm: |Y^l| = 1");
            let f = (2 * l + 1) as f64;
            for k in b {
                assert!((yc[k] - f.sqrt() * yn[k]).abs() < 1e-13);
                assert!((yi[k] - (f / (4.0 * std::f64::consts::PI)).sqrt() * yn[k]).abs() < 1e-13);
            }
        }
        // normalize=false is the homogeneous polynomial |v|^l Y(v̂).
        let r = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
        let yp = sh_block(8, v, Normalization::Component, false);
        for l in 0..=8 {
            for k in l * l..(l + 1) * (l + 1) {
                assert!(
                    (yp[k] - r.powi(l as i32) * yc[k]).abs() < 1e-12 * r.powi(l as i32).max(1.0)
                );
            }
        }
    }
}

#[test]
fn parity_y_of_minus_x_is_minus_one_to_the_l() {
    let mut rng = SplitMix64::new(6);
    for _ in 0..200 {
        let v = random_vector(&mut rng);
        let y = sh_block(LMAX_SUPPORTED, v, Normalization::Component, true);
        let ym = sh_block(
            LMAX_SUPPORTED,
            [-v[0], -v[1], -v[2]],
            Normalization::Component,
            true,
        );
        for l in 0..=LMAX_SUPPORTED {
            let sign = if l % 2 == 0 { 1.0 } else { -1.0 };
            for k in l * l..(l + 1) * (l + 1) {
                assert!((ym[k] - sign * y[k]).abs() < 1e-12);
            }
        }
    }
}

#[test]
fn gradients_equal_central_finite_differences() {
    let mut rng = SplitMix64::new(7);
    let lmax = 12;
    let n = so3::sh_len(lmax);
    for normalize in [true, false] {
        for norm in [
            Normalization::Integral,
            Normalization::Component,
            Normalization::Norm,
        ] {
            for _ in 0..30 {
                let v = random_vector(&mut rng);
                let mut y = vec![0.0; n];
                let mut g = vec![[0.0; 3]; n];
                so3::spherical_harmonics_with_grad(lmax, v, norm, normalize, &mut y, &mut g);
                assert_eq!(
                    y,
                    sh_block(lmax, v, norm, normalize),
                    "values agree with the value-only kernel"
                );
                let h = 1e-6;
                for a in 0..3 {
                    let (mut vp, mut vm) = (v, v);
                    vp[a] += h;
                    vm[a] -= h;
                    let (yp, ym) = (
                        sh_block(lmax, vp, norm, normalize),
                        sh_block(lmax, vm, norm, normalize),
                    );
                    for k in 0..n {
                        let fd = (yp[k] - ym[k]) / (2.0 * h);
                        let scale = 1.0 + g[k][a].abs() + y[k].abs();
                        assert!(
                            (fd - g[k][a]).abs() < 1e-6 * scale,
                            "k={k} axis {a}: {fd} vs {}",
                            g[k][a]
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn edge_cases_tiny_axis_aligned_and_zero_vectors() {
    let lmax = LMAX_SUPPORTED;
    // Direction only matters with normalize=true: a 1e-12 vector gives the same values as a unit one.
    for dir in [
        [1.0, 0.0, 0.0],
        [0.0, 1.0, 0.0],
        [0.0, 0.0, -1.0],
        [0.6, -0.8, 0.0],
        [0.0, 0.6, 0.8],
    ] {
        let big = sh_block(lmax, dir, Normalization::Integral, true);
        let tiny = sh_block(
            lmax,
            [dir[0] * 1e-12, dir[1] * 1e-12, dir[2] * 1e-12],
            Normalization::Integral,
            true,
        );
        for k in 0..big.len() {
            assert!((big[k] - tiny[k]).abs() < 1e-12 * (1.0 + big[k].abs()));
            assert!(big[k].is_finite());
        }
    }
    // On the polar (y) axis only m = 0 survives.
    let y = sh_block(6, [0.0, 2.0, 0.0], Normalization::Norm, true);
    for l in 0..=6usize {
        for m in -(l as i64)..=(l as i64) {
            let v = y[so3::sh_index(l, m)];
            if m == 0 {
                assert!((v - 1.0).abs() < 1e-14);
            } else {
                assert_eq!(v, 0.0);
            }
        }
    }
    // Zero vector: e3nn's F.normalize gives the zero vector, so only Y^0 is non-zero.
    let mut y = vec![1.0; so3::sh_len(lmax)];
    let mut g = vec![[1.0; 3]; so3::sh_len(lmax)];
    so3::spherical_harmonics_with_grad(
        lmax,
        [0.0; 3],
        Normalization::Component,
        true,
        &mut y,
        &mut g,
    );
    assert_eq!(y[0], 1.0);
    assert!(y[1..].iter().all(|&x| x == 0.0));
    assert!(g.iter().flatten().all(|x| x.is_finite()));
}

#[test]
fn batch_calculator_matches_single_evaluations_for_every_lmax() {
    let mut rng = SplitMix64::new(8);
    let xyz: Vec<[f64; 3]> = (0..20).map(|_| random_vector(&mut rng)).collect();
    for lmax in 0..=LMAX_SUPPORTED {
        for normalize in [true, false] {
            let mut calc = so3::ShCalculator::new(lmax, Normalization::Component, normalize);
            let n = calc.len();
            let mut out = vec![0.0; xyz.len() * n];
            let mut out2 = vec![0.0; xyz.len() * n];
            let mut grad = vec![[0.0; 3]; xyz.len() * n];
            calc.compute(&xyz, &mut out);
            calc.compute_with_grad(&xyz, &mut out2, &mut grad);
            for (i, v) in xyz.iter().enumerate() {
                let mut y = vec![0.0; n];
                let mut g = vec![[0.0; 3]; n];
                so3::spherical_harmonics_with_grad(
                    lmax,
                    *v,
                    Normalization::Component,
                    normalize,
                    &mut y,
                    &mut g,
                );
                for k in 0..n {
                    let tol = 1e-14 * (1.0 + y[k].abs());
                    assert!(
                        (out[i * n + k] - y[k]).abs() < tol && (out2[i * n + k] - y[k]).abs() < tol
                    );
                    for a in 0..3 {
                        assert!(
                            (grad[i * n + k][a] - g[k][a]).abs() < 1e-14 * (1.0 + g[k][a].abs())
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn random_rotations_are_proper_and_haar_like() {
    let mut rng = SplitMix64::new(9);
    let n = 20_000;
    let mut sum_tr = 0.0;
    let mut sum_tr2 = 0.0;
    let mut mean_col = [0.0; 3];
    for _ in 0..n {
        let r = so3::random_rotation(&mut rng);
        so3::check_rotation(&r, 1e-12).expect("a proper rotation");
        let tr = r[0][0] + r[1][1] + r[2][2];
        sum_tr += tr;
        sum_tr2 += tr * tr;
        for (a, m) in mean_col.iter_mut().enumerate() {
            *m += r[a][2];
        }
    }
    // Haar measure: E[tr R] = 0 and E[(tr R)²] = 1 (character orthogonality); σ(tr) = 1, so the mean
    // is within 5 σ/√n with overwhelming probability.
    let mean = sum_tr / n as f64;
    assert!(mean.abs() < 5.0 / (n as f64).sqrt(), "E[tr R] = {mean}");
    assert!(
        (sum_tr2 / n as f64 - 1.0).abs() < 0.05,
        "E[tr² R] = {}",
        sum_tr2 / n as f64
    );
    // R e_z is uniform on the sphere: mean zero, each component with variance 1/3.
    for m in mean_col {
        assert!((m / n as f64).abs() < 5.0 * (1.0 / 3.0f64).sqrt() / (n as f64).sqrt());
    }
}

#[test]
fn rotation_representations_round_trip() {
    let mut rng = SplitMix64::new(10);
    for _ in 0..500 {
        let r = so3::random_rotation(&mut rng);
        let q = so3::Quaternion::from_matrix(&r);
        let back = q.to_matrix();
        let (axis, angle) = so3::matrix_to_axis_angle(&r);
        let back2 = so3::axis_angle_to_matrix(axis, angle);
        for i in 0..3 {
            for j in 0..3 {
                assert!((back[i][j] - r[i][j]).abs() < 1e-13);
                assert!((back2[i][j] - r[i][j]).abs() < 1e-12);
            }
        }
        let r2 = so3::random_rotation(&mut rng);
        let q12 = q.mul(&so3::Quaternion::from_matrix(&r2)).to_matrix();
        let m12 = so3::mat_mul(&r, &r2);
        assert!((0..3).all(|i| (0..3).all(|j| (q12[i][j] - m12[i][j]).abs() < 1e-13)));
    }
    assert_eq!(so3::axis_angle_to_matrix([0.0; 3], 1.0), so3::IDENTITY);
    // Angle π about a diagonal axis (the hard case for axis extraction).
    let r = so3::axis_angle_to_matrix([1.0, 1.0, 0.0], std::f64::consts::PI);
    let (axis, angle) = so3::matrix_to_axis_angle(&r);
    assert!((angle - std::f64::consts::PI).abs() < 1e-12);
    assert!((axis[0].abs() - 0.5f64.sqrt()).abs() < 1e-12 && axis[2].abs() < 1e-12);
    assert!(so3::check_rotation(&so3::INVERSION, 1e-9).is_err());
    assert_eq!(so3::det(&so3::INVERSION), -1.0);
}
