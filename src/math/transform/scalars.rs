//! Scalars of a square matrix: determinant, trace, rank, condition number,
//! and the inverse.

use nalgebra::{SMatrix, SVector};
use thiserror::Error;

use super::sealed::Sealed as _;
use super::{Square, svd};

/// The determinant: the signed factor by which A scales areas (volumes in 3D).
#[must_use]
pub fn det<const N: usize>(a: &SMatrix<f64, N, N>) -> f64
where
    SMatrix<f64, N, N>: Square,
{
    a.closed_form_det()
}

/// The trace: the sum of the diagonal, which is also the sum of the eigenvalues.
#[must_use]
pub fn trace<const N: usize>(a: &SMatrix<f64, N, N>) -> f64 {
    a.trace()
}

/// The default relative tolerance of [`rank`] for an n×n matrix: n·ε, so a
/// singular value counts as zero when it is at most n·ε·σ₁ (NumPy's choice).
#[must_use]
pub fn default_rank_tol(n: usize) -> f64 {
    n as f64 * f64::EPSILON
}

/// The rank: how many singular values exceed `rel_tol · σ₁`, with `rel_tol`
/// defaulting to [`default_rank_tol`]`(N)`. The zero matrix has rank 0.
///
/// A looser tolerance (say `Some(1e-9)`) treats matrices that are singular up
/// to the rounding of typed-in entries as singular.
#[must_use]
pub fn rank<const N: usize>(a: &SMatrix<f64, N, N>, rel_tol: Option<f64>) -> usize
where
    SMatrix<f64, N, N>: Square,
{
    rank_of(&svd(a).sigma, rel_tol)
}

/// Count of singular values (sorted descending) above `rel_tol · σ₁`.
pub(super) fn rank_of<const N: usize>(sigma: &SVector<f64, N>, rel_tol: Option<f64>) -> usize {
    let tol = rel_tol.unwrap_or_else(|| default_rank_tol(N)) * sigma[0];
    sigma.iter().filter(|&&s| s > tol).count()
}

/// The condition number σ_max / σ_min in the 2-norm: 1 for a rotation, large
/// when A nearly flattens space, ∞ when σ_min is exactly 0 (including A = 0).
///
/// A value of 1/(N·ε) ≈ 2·10¹⁵ or more means singular to working precision;
/// [`inverse`] refuses those. Anything above ~10⁸ deserves a warning.
#[must_use]
pub fn condition_number<const N: usize>(a: &SMatrix<f64, N, N>) -> f64
where
    SMatrix<f64, N, N>: Square,
{
    condition_of(&svd(a).sigma)
}

pub(super) fn condition_of<const N: usize>(sigma: &SVector<f64, N>) -> f64 {
    let (max, min) = (sigma[0], sigma[N - 1]);
    if min == 0.0 { f64::INFINITY } else { max / min }
}

/// Why [`inverse`] failed: A is singular to working precision.
#[derive(Clone, Copy, Debug, PartialEq, Error)]
#[error(
    "the matrix is singular (det = {det:.3e}, condition number = {condition:.3e}) and has no inverse"
)]
pub struct Singular {
    /// The determinant as computed (0 or tiny).
    pub det: f64,
    /// σ_max / σ_min: ∞ or at least 1/(N·ε) (NaN for a non-finite entry).
    pub condition: f64,
}

/// The inverse A⁻¹, so that A⁻¹·A = I.
///
/// # Errors
///
/// [`Singular`] when A's rank is below N at the default tolerance (σ_min ≤
/// N·ε·σ_max), or when an entry is not finite.
pub fn inverse<const N: usize>(a: &SMatrix<f64, N, N>) -> Result<SMatrix<f64, N, N>, Singular>
where
    SMatrix<f64, N, N>: Square,
{
    let sigma = svd(a).sigma;
    let singular = Singular {
        det: det(a),
        condition: condition_of(&sigma),
    };
    if rank_of(&sigma, None) < N {
        return Err(singular);
    }
    a.closed_form_inverse().ok_or(singular)
}
