//! The SVD (one-sided Jacobi), the polar decomposition, and the subspaces a
//! matrix keeps and loses.

use nalgebra::{SMatrix, SVector};

use super::scalars::rank_of;
use super::{MAX_SWEEPS, Square, canonical_sign, det, first_significant_sign};

/// A singular value decomposition A = U·diag(σ)·Vᵀ, with the sign convention
/// of the module docs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Svd<const N: usize> {
    /// Left singular vectors (columns), orthonormal. det U = −1 exactly when
    /// det A < 0 and A has full rank; otherwise +1.
    pub u: SMatrix<f64, N, N>,
    /// Singular values σ₁ ≥ σ₂ ≥ … ≥ 0.
    pub sigma: SVector<f64, N>,
    /// Vᵀ: its rows are the right singular vectors. Always a proper rotation.
    pub v_t: SMatrix<f64, N, N>,
}

impl<const N: usize> Svd<N> {
    /// U·diag(σ)·Vᵀ: the decomposed matrix, up to rounding.
    #[must_use]
    pub fn matrix(&self) -> SMatrix<f64, N, N> {
        self.u * SMatrix::from_diagonal(&self.sigma) * self.v_t
    }
}

impl<const N: usize> Svd<N>
where
    SMatrix<f64, N, N>: Square,
{
    /// Whether A reverses orientation, i.e. U is a reflection (det U = −1).
    #[must_use]
    pub fn flips(&self) -> bool {
        det(&self.u) < 0.0
    }

    /// The same factorization as rotation · signed stretch · rotation:
    /// `(U·F, F·σ, Vᵀ)` with F = diag(1, …, 1, −1) when [`Svd::flips`], else
    /// `(U, σ, Vᵀ)`. Both outer factors are then proper rotations, and the last
    /// singular value carries the sign of det A: the flip happens along the
    /// axis A stretches least.
    #[must_use]
    pub fn rotation_form(&self) -> (SMatrix<f64, N, N>, SVector<f64, N>, SMatrix<f64, N, N>) {
        let (mut u, mut sigma) = (self.u, self.sigma);
        if self.flips() {
            u.column_mut(N - 1).neg_mut();
            sigma[N - 1] = -sigma[N - 1];
        }
        (u, sigma, self.v_t)
    }
}

/// The singular value decomposition, by one-sided Jacobi rotations: accurate
/// for tiny singular values, and free of NaN for repeated or zero ones.
#[must_use]
pub fn svd<const N: usize>(a: &SMatrix<f64, N, N>) -> Svd<N>
where
    SMatrix<f64, N, N>: Square,
{
    // Hestenes' method: rotate pairs of columns of W = A·V until all are
    // orthogonal; then W = U·diag(σ) with σᵢ = ‖wᵢ‖.
    let mut w = *a;
    let mut v = SMatrix::<f64, N, N>::identity();
    for _ in 0..MAX_SWEEPS {
        let mut rotated = false;
        for p in 0..N {
            for q in p + 1..N {
                let alpha = w.column(p).norm_squared();
                let beta = w.column(q).norm_squared();
                let gamma = w.column(p).dot(&w.column(q));
                // Orthogonal to working precision (or NaN): leave the pair alone.
                if gamma.is_nan() || gamma.abs() <= f64::EPSILON * alpha.sqrt() * beta.sqrt() {
                    continue;
                }
                rotated = true;
                // The rotation by t = tan φ that zeroes wₚ·w_q solves t² + 2ζt − 1 = 0;
                // take the smaller root.
                let zeta = (beta - alpha) / (2.0 * gamma);
                let t = zeta.signum() / (zeta.abs() + zeta.hypot(1.0));
                let c = 1.0 / t.hypot(1.0);
                let s = c * t;
                for m in [&mut w, &mut v] {
                    for k in 0..N {
                        let (x, y) = (m[(k, p)], m[(k, q)]);
                        m[(k, p)] = c * x - s * y;
                        m[(k, q)] = s * x + c * y;
                    }
                }
            }
        }
        if !rotated {
            break;
        }
    }

    // Sort by descending singular value (stable, so ties keep their order).
    let norms: [f64; N] = std::array::from_fn(|i| w.column(i).norm());
    let mut order: [usize; N] = std::array::from_fn(|i| i);
    order.sort_by(|&i, &j| norms[j].total_cmp(&norms[i]));
    let sigma = SVector::<f64, N>::from_fn(|i, _| norms[order[i]]);
    let w = SMatrix::<f64, N, N>::from_fn(|r, c| w[(r, order[c])]);
    let mut v = SMatrix::<f64, N, N>::from_fn(|r, c| v[(r, order[c])]);

    // Columns of U from W where σ is not zero to working precision.
    let rank = rank_of(&sigma, None);
    let mut u = SMatrix::<f64, N, N>::zeros();
    for i in 0..rank {
        u.set_column(i, &(w.column(i) / sigma[i]));
    }
    // Sign rule on V (flipping uᵢ with vᵢ keeps A = UΣVᵀ), then det V = +1.
    for i in 0..N - 1 {
        if first_significant_sign(&v.column(i).into_owned()) < 0.0 {
            v.column_mut(i).neg_mut();
            u.column_mut(i).neg_mut();
        }
    }
    if det(&v) < 0.0 {
        v.column_mut(N - 1).neg_mut();
        u.column_mut(N - 1).neg_mut();
    }
    // The rest of U is free: complete it, as close to V as possible (so the
    // polar factor U·Vᵀ of A = 0 is I), and right-handed.
    complete_orthonormal(&mut u, rank, &v);
    if rank < N && det(&u) < 0.0 {
        u.column_mut(N - 1).neg_mut();
    }
    Svd {
        u,
        sigma,
        v_t: v.transpose(),
    }
}

/// Fills columns `from..N` of `u` (whose first `from` columns are orthonormal)
/// with orthonormal vectors: column i of `hints` made orthogonal to those
/// before it, or the coordinate axis that best survives that.
pub(super) fn complete_orthonormal<const N: usize>(
    u: &mut SMatrix<f64, N, N>,
    from: usize,
    hints: &SMatrix<f64, N, N>,
) {
    for i in from..N {
        let hint = orthogonalize(hints.column(i).into_owned(), u, i);
        let best = if hint.norm() >= 0.5 {
            hint
        } else {
            (0..N)
                .map(|k| orthogonalize(SVector::from_fn(|r, _| f64::from(u8::from(r == k))), u, i))
                .max_by(|x, y| x.norm().total_cmp(&y.norm()))
                .unwrap_or(hint)
        };
        u.set_column(i, &(best / best.norm()));
    }
}

/// `x` minus its components along the first `count` columns of `u` (twice,
/// for orthogonality to working precision).
fn orthogonalize<const N: usize>(
    mut x: SVector<f64, N>,
    u: &SMatrix<f64, N, N>,
    count: usize,
) -> SVector<f64, N> {
    for _ in 0..2 {
        for j in 0..count {
            let uj = u.column(j);
            x -= uj * uj.dot(&x);
        }
    }
    x
}

/// A polar decomposition A = R·S.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Polar<const N: usize> {
    /// Orthogonal: a rotation when det A > 0 (and when A is singular), a
    /// reflection when det A < 0.
    pub r: SMatrix<f64, N, N>,
    /// Symmetric positive semidefinite: the pure stretch, S = √(AᵀA).
    pub s: SMatrix<f64, N, N>,
}

/// The polar decomposition A = R·S, from the SVD: R = U·Vᵀ, S = V·diag(σ)·Vᵀ.
/// Defined for singular A too (then R is a rotation, S singular).
#[must_use]
pub fn polar<const N: usize>(a: &SMatrix<f64, N, N>) -> Polar<N>
where
    SMatrix<f64, N, N>: Square,
{
    let d = svd(a);
    let s = d.v_t.transpose() * SMatrix::from_diagonal(&d.sigma) * d.v_t;
    Polar {
        r: d.u * d.v_t,
        // Exactly symmetric, not just up to rounding.
        s: (s + s.transpose()) * 0.5,
    }
}

/// The subspaces a matrix keeps and loses.
#[derive(Clone, Debug, PartialEq)]
pub struct Subspaces<const N: usize> {
    /// The rank at the tolerance asked for.
    pub rank: usize,
    /// Orthonormal basis of the column space (the image, where everything
    /// lands): `rank` vectors. Empty for rank 0: all collapses to the origin.
    pub column_space: Vec<SVector<f64, N>>,
    /// Orthonormal basis of the null space (what A sends to zero): N − rank
    /// vectors, perpendicular to the row space.
    pub null_space: Vec<SVector<f64, N>>,
}

/// Column space and null space as unit vectors, from the SVD, at the relative
/// tolerance of [`rank`] (`None` for the default). In 2D rank 1 gives the line
/// everything collapses onto and the null line; in 3D rank 2 gives a plane
/// (two vectors) and a null line, rank 1 a line and a null plane.
#[must_use]
pub fn subspaces<const N: usize>(a: &SMatrix<f64, N, N>, rel_tol: Option<f64>) -> Subspaces<N>
where
    SMatrix<f64, N, N>: Square,
{
    let d = svd(a);
    let rank = rank_of(&d.sigma, rel_tol);
    Subspaces {
        rank,
        column_space: (0..rank)
            .map(|i| canonical_sign(d.u.column(i).into_owned()))
            .collect(),
        null_space: (rank..N)
            .map(|i| canonical_sign(d.v_t.row(i).transpose()))
            .collect(),
    }
}
