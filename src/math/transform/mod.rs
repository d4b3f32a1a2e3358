//! The numerics of the Transform view: a 2×2 or 3×3 matrix seen as a map of the
//! plane or of space. Its determinant, trace, rank, inverse and condition
//! number; its eigen-decomposition (real or rotation-like); its SVD and polar
//! decomposition; the subspaces a singular matrix keeps and loses; the
//! animations that carry the identity to it; and the preset matrices.
//!
//! Functions generic over `SMatrix<f64, N, N>` work for both sizes of the view:
//! `Matrix2<f64>` (the plane) and `Matrix3<f64>` (space).
//!
//! # Conventions
//!
//! - **Vectors are columns** and a matrix acts as `x ↦ A·x`. In [`compose`] the
//!   first map applied is the rightmost factor.
//! - **Signs of unit vectors.** Where a direction has no preferred sign
//!   (eigenvectors, null and column space bases, singular vectors) its first
//!   entry that is not negligible (|x| > 10⁻¹²) is positive.
//! - **SVD.** σ₁ ≥ σ₂ ≥ … ≥ 0 and V is always a proper rotation (det V = +1).
//!   A reflection, if A has one, is carried by U: det U = −1 exactly when
//!   det A < 0 and A has full rank; otherwise det U = +1. The first N−1 columns
//!   of V follow the sign rule above; the last completes a right-handed basis.
//!   [`Svd::rotation_form`] moves the reflection into the last singular value
//!   so both outer factors are rotations: that is what the animations use.
//! - **Rank** counts singular values above `rel_tol · σ₁`; the default
//!   `rel_tol` is [`default_rank_tol`]`(N)` = N·ε, as NumPy's `matrix_rank`.
//! - **Eigenvalues** closer than [`EIGEN_TOL`]` · max|aᵢⱼ|` count as one
//!   repeated eigenvalue, and a complex pair whose imaginary parts are that
//!   close counts as a repeated real eigenvalue. Real eigenvalues are listed
//!   in descending order. (A 3×3 triple eigenvalue gets a wider window, as
//!   [`eigen3`] explains.)
//! - **Angles** are in radians; positive turns counter-clockwise (in 3D:
//!   right-handed about the axis).
//!
//! Entries are expected to be finite. A NaN or infinite entry yields NaN (or
//! empty) results and an `Err` from [`inverse`], never a panic or a hang.
//!
//! # Files
//!
//! `scalars` (det, trace, rank, condition, inverse), `eigen` (2×2 and 3×3
//! eigen-decompositions), `decompose` (SVD, polar, subspaces), `animation`
//! (interpolation I → A and [`Path`], the whole animation prepared once),
//! `presets` (preset and random matrices) and `prepared` ([`prepare`]:
//! everything the Transform view shows about A, computed once per matrix).

mod animation;
mod decompose;
mod eigen;
mod prepared;
mod presets;
mod scalars;

use nalgebra::{Matrix2, Matrix3, SVector};

pub use animation::{
    Frame, Interpolation, Path, Stage, SvdStep, compose, ease, lerp, polar_lerp, rotation_pow,
    svd_steps,
};
pub use decompose::{Polar, Subspaces, Svd, polar, subspaces, svd};
pub use eigen::{ComplexPair3, Eigen2, Eigen3, RealEigen3, eigen2, eigen3};
pub use prepared::{Prepared, prepare};
pub use presets::{preset2, preset3, random};
pub use scalars::{Singular, condition_number, default_rank_tol, det, inverse, rank, trace};

/// Relative tolerance for telling eigenvalues apart: eigenvalues closer than
/// `EIGEN_TOL · max|aᵢⱼ|` are one repeated eigenvalue, and an eigenspace is
/// the set of directions `A − λI` shrinks below that size.
///
/// It is far above rounding (≈ 10⁻¹⁶) because a repeated eigenvalue splits by
/// about √ε ≈ 10⁻⁸ under rounding when A is defective (like a shear).
pub const EIGEN_TOL: f64 = 1e-6;

/// Relative spread within which three eigenvalues of a 3×3 may be one
/// defective eigenvalue split by rounding (see [`eigen3`]).
const DEFECTIVE_WINDOW: f64 = 1e-4;

/// Entries of a unit vector this small count as zero when choosing its sign.
const SIGN_TOL: f64 = 1e-12;

/// Invariant ellipses whose axes differ in squared length by this fraction
/// or less count as circles.
const CIRCLE_TOL: f64 = 1e-9;

/// Sweeps of one-sided Jacobi before giving up: far more than a 3×3 needs
/// (convergence is quadratic), only there to bound the loop for NaN input.
const MAX_SWEEPS: usize = 64;

/// The matrix sizes of the Transform view: [`Matrix2<f64>`] (the plane) and
/// [`Matrix3<f64>`] (space). The generic functions of this module take an
/// `SMatrix<f64, N, N>` for which this holds, that is N = 2 or N = 3.
///
/// Sealed: it cannot be implemented outside this module.
pub trait Square: sealed::Sealed {
    /// What the eigen-decomposition of this size is: [`Eigen2`] or [`Eigen3`].
    type Eigen: Clone + std::fmt::Debug + PartialEq;

    /// The eigen-decomposition: [`eigen2`] or [`eigen3`].
    fn eigen(&self) -> Self::Eigen;
}

impl Square for Matrix2<f64> {
    type Eigen = Eigen2;
    fn eigen(&self) -> Eigen2 {
        eigen2(self)
    }
}

impl Square for Matrix3<f64> {
    type Eigen = Eigen3;
    fn eigen(&self) -> Eigen3 {
        eigen3(self)
    }
}

mod sealed {
    use nalgebra::{Matrix2, Matrix3};

    /// What differs between the sizes: closed-form determinant and inverse,
    /// and powers of a rotation.
    pub trait Sealed: Sized {
        fn closed_form_det(&self) -> f64;
        fn closed_form_inverse(&self) -> Option<Self>;
        fn rotation_power(&self, t: f64) -> Self;
    }

    impl Sealed for Matrix2<f64> {
        fn closed_form_det(&self) -> f64 {
            self.determinant()
        }
        fn closed_form_inverse(&self) -> Option<Self> {
            Matrix2::try_inverse(*self)
        }
        fn rotation_power(&self, t: f64) -> Self {
            super::animation::rotation_pow2(self, t)
        }
    }

    impl Sealed for Matrix3<f64> {
        fn closed_form_det(&self) -> f64 {
            self.determinant()
        }
        fn closed_form_inverse(&self) -> Option<Self> {
            Matrix3::try_inverse(*self)
        }
        fn rotation_power(&self, t: f64) -> Self {
            super::animation::rotation_pow3(self, t)
        }
    }
}

/// The sign (±1) of the first entry of `v` with |x| > 10⁻¹²; +1 if none.
fn first_significant_sign<const N: usize>(v: &SVector<f64, N>) -> f64 {
    v.iter()
        .find(|x| x.abs() > SIGN_TOL)
        .map_or(1.0, |x| x.signum())
}

/// `v` or `−v`, whichever has its first significant entry positive.
fn canonical_sign<const N: usize>(v: SVector<f64, N>) -> SVector<f64, N> {
    if first_significant_sign(&v) < 0.0 {
        -v
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use nalgebra::{Matrix2, Vector2};

    use super::animation::rotation_pow3;
    use super::decompose::complete_orthonormal;
    use super::eigen::null_vector2;
    use super::preset3;

    /// A rotation by exactly 180° has no skew part; its square root must
    /// still be a rotation by 90° (nalgebra's `Rotation3::powf` returns −I there).
    #[test]
    fn rotation_pow3_at_half_turn() {
        let half = rotation_pow3(&preset3::rotation_y(std::f64::consts::PI), 0.5);
        let expected = preset3::rotation_y(std::f64::consts::FRAC_PI_2);
        assert!((half - expected).amax() < 1e-12, "{half}");
    }

    /// The null vector of a rank-1 2×2 is taken from its larger row.
    #[test]
    fn null_vector2_uses_larger_row() {
        let v = null_vector2(&Matrix2::new(0.0, 0.0, 3.0, 4.0));
        assert!((v - Vector2::new(0.8, -0.6)).amax() < 1e-15, "{v}");
    }

    /// Completing U falls back to a coordinate axis when the hint lies in the
    /// span of the columns already there.
    #[test]
    fn completion_skips_dependent_hint() {
        let mut u = Matrix2::zeros();
        u.set_column(0, &Vector2::x());
        let hints = Matrix2::new(0.0, 1.0, 0.0, 0.0); // second column (1, 0) = u₀
        complete_orthonormal(&mut u, 1, &hints);
        assert!((u.column(1).abs() - Vector2::y()).amax() < 1e-15, "{u}");
    }
}
