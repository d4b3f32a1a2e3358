//! Preset maps of the plane and of space, and reproducible random matrices.

use nalgebra::SMatrix;

/// A reproducible random matrix: entries are multiples of 0.1 in [−2, 2],
/// drawn uniformly with `fastrand::Rng::with_seed(seed)`. It may (rarely) be
/// singular.
#[must_use]
pub fn random<const N: usize>(seed: u64) -> SMatrix<f64, N, N> {
    let mut rng = fastrand::Rng::with_seed(seed);
    SMatrix::from_fn(|_, _| f64::from(rng.i32(-20..=20)) / 10.0)
}

/// Preset maps of the plane (2×2).
pub mod preset2 {
    use nalgebra::{Matrix2, Vector2};

    /// Rotation by θ, counter-clockwise: [[cos θ, −sin θ], [sin θ, cos θ]].
    #[must_use]
    pub fn rotation(theta: f64) -> Matrix2<f64> {
        let (s, c) = theta.sin_cos();
        Matrix2::new(c, -s, s, c)
    }

    /// Scaling by `sx` along x and `sy` along y.
    #[must_use]
    pub fn scale(sx: f64, sy: f64) -> Matrix2<f64> {
        Matrix2::new(sx, 0.0, 0.0, sy)
    }

    /// Horizontal shear (x, y) ↦ (x + k·y, y): [[1, k], [0, 1]].
    #[must_use]
    pub fn shear_x(k: f64) -> Matrix2<f64> {
        Matrix2::new(1.0, k, 0.0, 1.0)
    }

    /// Vertical shear (x, y) ↦ (x, y + k·x): [[1, 0], [k, 1]].
    #[must_use]
    pub fn shear_y(k: f64) -> Matrix2<f64> {
        Matrix2::new(1.0, 0.0, k, 1.0)
    }

    /// Reflection across the line through the origin at angle φ to the x-axis:
    /// [[cos 2φ, sin 2φ], [sin 2φ, −cos 2φ]].
    #[must_use]
    pub fn reflection(phi: f64) -> Matrix2<f64> {
        let (s, c) = (2.0 * phi).sin_cos();
        Matrix2::new(c, s, s, -c)
    }

    /// Orthogonal projection onto the line through the origin at angle φ to the
    /// x-axis: d·dᵀ with d = (cos φ, sin φ).
    #[must_use]
    pub fn projection(phi: f64) -> Matrix2<f64> {
        let (s, c) = phi.sin_cos();
        let d = Vector2::new(c, s);
        d * d.transpose()
    }
}

/// Preset maps of space (3×3).
pub mod preset3 {
    use nalgebra::{Matrix3, Unit, Vector3};

    /// A coordinate axis, for [`shear`].
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Axis {
        X,
        Y,
        Z,
    }

    impl Axis {
        /// Index of the coordinate: 0, 1, 2.
        #[must_use]
        pub fn index(self) -> usize {
            match self {
                Self::X => 0,
                Self::Y => 1,
                Self::Z => 2,
            }
        }
    }

    /// Rotation by θ about the x-axis (y turns towards z).
    #[must_use]
    pub fn rotation_x(theta: f64) -> Matrix3<f64> {
        let (s, c) = theta.sin_cos();
        Matrix3::new(1.0, 0.0, 0.0, 0.0, c, -s, 0.0, s, c)
    }

    /// Rotation by θ about the y-axis (z turns towards x).
    #[must_use]
    pub fn rotation_y(theta: f64) -> Matrix3<f64> {
        let (s, c) = theta.sin_cos();
        Matrix3::new(c, 0.0, s, 0.0, 1.0, 0.0, -s, 0.0, c)
    }

    /// Rotation by θ about the z-axis (x turns towards y).
    #[must_use]
    pub fn rotation_z(theta: f64) -> Matrix3<f64> {
        let (s, c) = theta.sin_cos();
        Matrix3::new(c, -s, 0.0, s, c, 0.0, 0.0, 0.0, 1.0)
    }

    /// Rotation by θ about `axis` (any length), right-handed (Rodrigues'
    /// formula). A zero axis gives the identity.
    #[must_use]
    pub fn rotation(axis: &Vector3<f64>, theta: f64) -> Matrix3<f64> {
        match axis.try_normalize(0.0) {
            Some(n) => {
                nalgebra::Rotation3::from_axis_angle(&Unit::new_unchecked(n), theta).into_inner()
            }
            None => Matrix3::identity(),
        }
    }

    /// Scaling by `sx`, `sy`, `sz` along the axes.
    #[must_use]
    pub fn scale(sx: f64, sy: f64, sz: f64) -> Matrix3<f64> {
        Matrix3::new(sx, 0.0, 0.0, 0.0, sy, 0.0, 0.0, 0.0, sz)
    }

    /// Shear: coordinate `along` gains `k` times coordinate `by`, i.e.
    /// I + k·e_along·e_byᵀ. For example `shear(Axis::X, Axis::Y, k)` maps
    /// (x, y, z) to (x + k·y, y, z). With `along == by` it scales that axis
    /// by 1 + k.
    #[must_use]
    pub fn shear(along: Axis, by: Axis, k: f64) -> Matrix3<f64> {
        let mut m = Matrix3::identity();
        m[(along.index(), by.index())] += k;
        m
    }

    /// Reflection across the plane through the origin with normal `normal`
    /// (any length): I − 2·n·nᵀ. A zero normal gives the identity.
    #[must_use]
    pub fn reflection(normal: &Vector3<f64>) -> Matrix3<f64> {
        let n = normal.try_normalize(0.0).unwrap_or_else(Vector3::zeros);
        Matrix3::identity() - n * n.transpose() * 2.0
    }

    /// Orthogonal projection onto the plane through the origin with normal
    /// `normal` (any length): I − n·nᵀ. A zero normal gives the identity.
    #[must_use]
    pub fn projection_onto_plane(normal: &Vector3<f64>) -> Matrix3<f64> {
        let n = normal.try_normalize(0.0).unwrap_or_else(Vector3::zeros);
        Matrix3::identity() - n * n.transpose()
    }

    /// Orthogonal projection onto the line through the origin along
    /// `direction` (any length): d·dᵀ. A zero direction gives the zero matrix.
    #[must_use]
    pub fn projection_onto_line(direction: &Vector3<f64>) -> Matrix3<f64> {
        let d = direction.try_normalize(0.0).unwrap_or_else(Vector3::zeros);
        d * d.transpose()
    }
}
