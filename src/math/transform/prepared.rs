//! Everything the Transform view shows about a matrix, computed once when the
//! matrix (or the composition, or the animation) changes.

use nalgebra::SMatrix;

use super::scalars::{condition_of, rank_of};
use super::{Interpolation, Path, Singular, Square, Subspaces, Svd, det, inverse, subspaces, svd};

/// What the math says about A, and the animation path to it.
#[derive(Clone, Debug, PartialEq)]
pub struct Prepared<const N: usize>
where
    SMatrix<f64, N, N>: Square,
{
    /// A itself (for a composition: the product of its steps).
    pub a: SMatrix<f64, N, N>,
    /// The composition's maps, in order (empty for a single matrix).
    pub steps: Vec<SMatrix<f64, N, N>>,
    /// [`det`](super::det)`(A)`.
    pub det: f64,
    /// [`trace`](super::trace)`(A)`.
    pub trace: f64,
    /// [`rank`](super::rank)`(A, None)`.
    pub rank: usize,
    /// [`condition_number`](super::condition_number)`(A)`.
    pub condition: f64,
    /// [`inverse`](super::inverse)`(A)`.
    pub inverse: Result<SMatrix<f64, N, N>, Singular>,
    /// [`eigen2`](super::eigen2) or [`eigen3`](super::eigen3) of A.
    pub eigen: <SMatrix<f64, N, N> as Square>::Eigen,
    /// [`svd`](super::svd)`(A)`.
    pub svd: Svd<N>,
    /// [`subspaces`](super::subspaces)`(A, None)`.
    pub subspaces: Subspaces<N>,
    /// The animation from I to A.
    pub path: Path<N>,
}

/// Prepares A (with a composition's `steps`, empty for none) for display
/// and for the animation `how`.
#[must_use]
pub fn prepare<const N: usize>(
    a: &SMatrix<f64, N, N>,
    steps: &[SMatrix<f64, N, N>],
    how: Interpolation,
) -> Prepared<N>
where
    SMatrix<f64, N, N>: Square,
{
    let d = svd(a);
    Prepared {
        a: *a,
        steps: steps.to_vec(),
        det: det(a),
        trace: a.trace(),
        rank: rank_of(&d.sigma, None),
        condition: condition_of(&d.sigma),
        inverse: inverse(a),
        eigen: a.eigen(),
        svd: d,
        subspaces: subspaces(a, None),
        path: Path::new(a, steps, how),
    }
}
