//! Rotations of 3D space in e3nn's conventions: matrices, Y-X-Y Euler angles, axis-angle, quaternions,
//! and a seeded random generator for Haar-uniform rotations.
//!
//! e3nn (`o3/_rotation.py`) writes a rotation from Euler angles as
//! `R(α, β, γ) = R_y(α) R_x(β) R_y(γ)`: γ about **y** is applied first, then β about **x**, then α about
//! **y**. The y axis is special because e3nn's spherical harmonics use y as their polar axis.

use super::error::So3Error;

/// A 3x3 matrix, row-major: `m[row][col]`.
pub type Mat3 = [[f64; 3]; 3];

/// Parity (point inversion) `x -> -x` as a matrix: minus the identity. Not a rotation (det -1).
pub const INVERSION: Mat3 = [[-1.0, 0.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, -1.0]];

/// The identity matrix.
pub const IDENTITY: Mat3 = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];

/// Matrix product `a b`.
pub fn mat_mul(a: &Mat3, b: &Mat3) -> Mat3 {
    let mut c = [[0.0; 3]; 3];
    for (i, row) in c.iter_mut().enumerate() {
        for (j, cij) in row.iter_mut().enumerate() {
            *cij = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
        }
    }
    c
}

/// Transpose (the inverse, for a rotation).
pub fn transpose(a: &Mat3) -> Mat3 {
    let mut t = [[0.0; 3]; 3];
    for (i, row) in a.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            t[j][i] = *v;
        }
    }
    t
}

/// Determinant.
pub fn det(a: &Mat3) -> f64 {
    a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
        - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
        + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0])
}

/// Matrix-vector product `r v`.
pub fn apply(r: &Mat3, v: [f64; 3]) -> [f64; 3] {
    [
        r[0][0] * v[0] + r[0][1] * v[1] + r[0][2] * v[2],
        r[1][0] * v[0] + r[1][1] * v[1] + r[1][2] * v[2],
        r[2][0] * v[0] + r[2][1] * v[1] + r[2][2] * v[2],
    ]
}

/// Checks that `r` is a proper rotation: `max |rᵀr - 1| <= tol`, `|det r - 1| <= tol`, all entries finite.
pub fn check_rotation(r: &Mat3, tol: f64) -> Result<(), So3Error> {
    if r.iter().flatten().any(|x| !x.is_finite()) {
        return Err(So3Error::NotRotation {
            reason: "it has a non-finite entry".into(),
        });
    }
    let rtr = mat_mul(&transpose(r), r);
    let mut err: f64 = 0.0;
    for (i, row) in rtr.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            err = err.max((v - if i == j { 1.0 } else { 0.0 }).abs());
        }
    }
    if err > tol {
        return Err(So3Error::NotRotation {
            reason: format!("R^T R differs from the identity by {err:.3e} (tolerance {tol:.1e})"),
        });
    }
    let d = det(r);
    if (d - 1.0).abs() > tol {
        return Err(So3Error::NotRotation {
            reason: format!("its determinant is {d} (a rotation has +1; -1 means a reflection)"),
        });
    }
    Ok(())
}

/// Rotation by `angle` about the x axis (e3nn `matrix_x`).
pub fn matrix_x(angle: f64) -> Mat3 {
    let (s, c) = angle.sin_cos();
    [[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]]
}

/// Rotation by `angle` about the y axis (e3nn `matrix_y`).
pub fn matrix_y(angle: f64) -> Mat3 {
    let (s, c) = angle.sin_cos();
    [[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]]
}

/// Rotation by `angle` about the z axis (e3nn `matrix_z`).
pub fn matrix_z(angle: f64) -> Mat3 {
    let (s, c) = angle.sin_cos();
    [[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]]
}

/// e3nn `angles_to_matrix`: `R_y(alpha) R_x(beta) R_y(gamma)`.
pub fn angles_to_matrix(alpha: f64, beta: f64, gamma: f64) -> Mat3 {
    mat_mul(
        &mat_mul(&matrix_y(alpha), &matrix_x(beta)),
        &matrix_y(gamma),
    )
}

/// e3nn `xyz_to_angles`: the (α, β) that rotate the y axis onto the direction of `v`
/// (β = acos(ŷ·v̂) in [0, π], α = atan2(x, z)). The zero vector gives (0, π/2) like e3nn.
pub fn xyz_to_angles(v: [f64; 3]) -> (f64, f64) {
    let n = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt().max(1e-12);
    let u = [v[0] / n, v[1] / n, v[2] / n];
    let beta = u[1].clamp(-1.0, 1.0).acos();
    let alpha = u[0].atan2(u[2]);
    (alpha, beta)
}

/// e3nn `matrix_to_angles`: the inverse of [`angles_to_matrix`], β in [0, π], α and γ in (-π, π].
pub fn matrix_to_angles(r: &Mat3) -> (f64, f64, f64) {
    let y = [r[0][1], r[1][1], r[2][1]];
    let (alpha, beta) = xyz_to_angles(y);
    let rest = mat_mul(&transpose(&angles_to_matrix(alpha, beta, 0.0)), r);
    let gamma = rest[0][2].atan2(rest[0][0]);
    (alpha, beta, gamma)
}

/// Rotation by `angle` (right-handed) about `axis` (Rodrigues' formula). The axis need not be a unit
/// vector; a zero (or non-finite) axis gives the identity.
pub fn axis_angle_to_matrix(axis: [f64; 3], angle: f64) -> Mat3 {
    let n = (axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]).sqrt();
    if !(n > 0.0 && n.is_finite()) {
        return IDENTITY;
    }
    let (x, y, z) = (axis[0] / n, axis[1] / n, axis[2] / n);
    let (s, c) = angle.sin_cos();
    let t = 1.0 - c;
    [
        [c + x * x * t, x * y * t - z * s, x * z * t + y * s],
        [y * x * t + z * s, c + y * y * t, y * z * t - x * s],
        [z * x * t - y * s, z * y * t + x * s, c + z * z * t],
    ]
}

/// The axis (unit vector) and angle in [0, π] of a rotation. For the identity the axis is y (arbitrary).
pub fn matrix_to_axis_angle(r: &Mat3) -> ([f64; 3], f64) {
    let q = Quaternion::from_matrix(r);
    let (w, v) = if q.w < 0.0 {
        (-q.w, [-q.x, -q.y, -q.z])
    } else {
        (q.w, [q.x, q.y, q.z])
    };
    let s = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
    if s < 1e-300 {
        return ([0.0, 1.0, 0.0], 0.0);
    }
    ([v[0] / s, v[1] / s, v[2] / s], 2.0 * s.atan2(w))
}

/// A quaternion `w + x i + y j + z k`; unit quaternions represent rotations (q and -q the same one).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quaternion {
    /// Real part.
    pub w: f64,
    /// i component.
    pub x: f64,
    /// j component.
    pub y: f64,
    /// k component.
    pub z: f64,
}

impl Quaternion {
    /// The identity rotation.
    pub const IDENTITY: Quaternion = Quaternion {
        w: 1.0,
        x: 0.0,
        y: 0.0,
        z: 0.0,
    };

    /// The rotation matrix of the (normalised) quaternion; the zero quaternion gives the identity.
    pub fn to_matrix(&self) -> Mat3 {
        let q = self.normalized();
        let (w, x, y, z) = (q.w, q.x, q.y, q.z);
        [
            [
                1.0 - 2.0 * (y * y + z * z),
                2.0 * (x * y - w * z),
                2.0 * (x * z + w * y),
            ],
            [
                2.0 * (x * y + w * z),
                1.0 - 2.0 * (x * x + z * z),
                2.0 * (y * z - w * x),
            ],
            [
                2.0 * (x * z - w * y),
                2.0 * (y * z + w * x),
                1.0 - 2.0 * (x * x + y * y),
            ],
        ]
    }

    /// The unit quaternion of a rotation matrix (Shepperd's method: divide by the largest diagonal
    /// combination, so it is accurate for every rotation, including angle π).
    pub fn from_matrix(r: &Mat3) -> Quaternion {
        let tr = r[0][0] + r[1][1] + r[2][2];
        let q = if tr >= r[0][0].max(r[1][1]).max(r[2][2]) {
            let s = 2.0 * (1.0 + tr).max(0.0).sqrt();
            Quaternion {
                w: 0.25 * s,
                x: (r[2][1] - r[1][2]) / s,
                y: (r[0][2] - r[2][0]) / s,
                z: (r[1][0] - r[0][1]) / s,
            }
        } else if r[0][0] >= r[1][1] && r[0][0] >= r[2][2] {
            let s = 2.0 * (1.0 + r[0][0] - r[1][1] - r[2][2]).max(0.0).sqrt();
            Quaternion {
                w: (r[2][1] - r[1][2]) / s,
                x: 0.25 * s,
                y: (r[0][1] + r[1][0]) / s,
                z: (r[0][2] + r[2][0]) / s,
            }
        } else if r[1][1] >= r[2][2] {
            let s = 2.0 * (1.0 + r[1][1] - r[0][0] - r[2][2]).max(0.0).sqrt();
            Quaternion {
                w: (r[0][2] - r[2][0]) / s,
                x: (r[0][1] + r[1][0]) / s,
                y: 0.25 * s,
                z: (r[1][2] + r[2][1]) / s,
            }
        } else {
            let s = 2.0 * (1.0 + r[2][2] - r[0][0] - r[1][1]).max(0.0).sqrt();
            Quaternion {
                w: (r[1][0] - r[0][1]) / s,
                x: (r[0][2] + r[2][0]) / s,
                y: (r[1][2] + r[2][1]) / s,
                z: 0.25 * s,
            }
        };
        q.normalized()
    }

    /// Hamilton product `self * other` (the rotation `other` first, then `self`).
    pub fn mul(&self, o: &Quaternion) -> Quaternion {
        Quaternion {
            w: self.w * o.w - self.x * o.x - self.y * o.y - self.z * o.z,
            x: self.w * o.x + self.x * o.w + self.y * o.z - self.z * o.y,
            y: self.w * o.y - self.x * o.z + self.y * o.w + self.z * o.x,
            z: self.w * o.z + self.x * o.y - self.y * o.x + self.z * o.w,
        }
    }

    /// Scaled to unit norm; the zero (or non-finite) quaternion becomes the identity.
    pub fn normalized(&self) -> Quaternion {
        let n = (self.w * self.w + self.x * self.x + self.y * self.y + self.z * self.z).sqrt();
        if !(n > 0.0 && n.is_finite()) {
            return Quaternion::IDENTITY;
        }
        Quaternion {
            w: self.w / n,
            x: self.x / n,
            y: self.y / n,
            z: self.z / n,
        }
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny, seedable generator, identical on every platform, so
/// property tests and widgets are reproducible without a `rand` dependency.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator with the given seed.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A standard normal sample (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.next_f64(); // in (0, 1]: ln is finite
        let u2 = self.next_f64();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

/// A Haar-uniform random rotation: a unit quaternion from four independent normals is uniform on S³.
pub fn random_rotation(rng: &mut SplitMix64) -> Mat3 {
    loop {
        let q = Quaternion {
            w: rng.normal(),
            x: rng.normal(),
            y: rng.normal(),
            z: rng.normal(),
        };
        let n2 = q.w * q.w + q.x * q.x + q.y * q.y + q.z * q.z;
        if n2 > 1e-12 {
            return q.to_matrix();
        }
    }
}
