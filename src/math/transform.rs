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

use nalgebra::{Complex, Matrix2, Matrix3, Matrix3x2, SMatrix, SVector, Vector2, Vector3};
use thiserror::Error;

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
pub trait Square: sealed::Sealed {}

impl Square for Matrix2<f64> {}
impl Square for Matrix3<f64> {}

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
            super::rotation_pow2(self, t)
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
            super::rotation_pow3(self, t)
        }
    }
}

use sealed::Sealed as _;

// ---------------------------------------------------------------------------
// Scalars: determinant, trace, rank, condition, inverse
// ---------------------------------------------------------------------------

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
fn rank_of<const N: usize>(sigma: &SVector<f64, N>, rel_tol: Option<f64>) -> usize {
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

fn condition_of<const N: usize>(sigma: &SVector<f64, N>) -> f64 {
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

// ---------------------------------------------------------------------------
// Eigen-decomposition
// ---------------------------------------------------------------------------

/// The eigen-decomposition of a 2×2 matrix: one of four shapes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Eigen2 {
    /// Two distinct real eigenvalues `lambda[0] > lambda[1]`, with unit
    /// eigenvectors: A·v[i] = lambda[i]·v[i].
    Distinct {
        lambda: [f64; 2],
        v: [Vector2<f64>; 2],
    },
    /// One repeated eigenvalue with a single eigen-direction, as in a shear
    /// [[1, k], [0, 1]]: A·v = λ·v, and no other direction is kept.
    Defective { lambda: f64, v: Vector2<f64> },
    /// A = λ·I: every direction is an eigenvector.
    Scalar { lambda: f64 },
    /// A complex pair re ± i·im (im > 0): no real direction is kept, and A
    /// "rotates by θ and scales by r" — precisely, A = P·(r·R(θ))·P⁻¹ with
    /// R(θ) the rotation by θ, `r` = √(re² + im²) = √det A and |θ| = atan2(im, re).
    ///
    /// The sign of θ is the way A turns: `basis` P has det P > 0. Its columns
    /// x ⟂ y, |x| = 1 ≥ |y|, are the axes of the ellipses A turns along
    /// (circles, and P = I, for a rotation).
    Complex {
        re: f64,
        im: f64,
        theta: f64,
        r: f64,
        basis: Matrix2<f64>,
    },
}

impl Eigen2 {
    /// Both eigenvalues, repeated ones twice: real ones in descending order,
    /// a complex pair as re + i·im then re − i·im.
    #[must_use]
    pub fn eigenvalues(&self) -> [Complex<f64>; 2] {
        let real = |x: f64| Complex::new(x, 0.0);
        match *self {
            Self::Distinct { lambda, .. } => lambda.map(real),
            Self::Defective { lambda, .. } | Self::Scalar { lambda } => [real(lambda); 2],
            Self::Complex { re, im, .. } => [Complex::new(re, im), Complex::new(re, -im)],
        }
    }
}

/// The eigen-decomposition of a 2×2 matrix, in closed form.
///
/// Eigenvalues closer than [`EIGEN_TOL`]` · max|aᵢⱼ|` are one repeated
/// eigenvalue; it is [`Eigen2::Scalar`] when A − λI is that small too, else
/// [`Eigen2::Defective`].
#[must_use]
pub fn eigen2(m: &Matrix2<f64>) -> Eigen2 {
    let (a, b, c, d) = (m[(0, 0)], m[(0, 1)], m[(1, 0)], m[(1, 1)]);
    let tol = EIGEN_TOL * m.amax();
    // λ = mean ± √disc are the roots of λ² − (a + d)·λ + (ad − bc).
    let mean = 0.5 * (a + d);
    let half_diff = 0.5 * (a - d);
    let disc = half_diff * half_diff + b * c;
    // The two eigenvalues are 2·√|disc| apart.
    if 4.0 * disc.abs() <= tol * tol {
        let shifted = m - Matrix2::identity() * mean;
        if shifted.amax() <= tol {
            Eigen2::Scalar { lambda: mean }
        } else {
            Eigen2::Defective {
                lambda: mean,
                v: null_vector2(&shifted),
            }
        }
    } else if disc < 0.0 {
        let im = (-disc).sqrt();
        let (theta, mut basis) = rotation_scale2(m, mean, im);
        if first_significant_sign(&basis.column(0).into_owned()) < 0.0 {
            basis = -basis;
        }
        Eigen2::Complex {
            re: mean,
            im,
            theta,
            r: mean.hypot(im),
            basis,
        }
    } else {
        let root = disc.sqrt();
        let lambda = [mean + root, mean - root];
        let v = lambda.map(|l| null_vector2(&(m - Matrix2::identity() * l)));
        Eigen2::Distinct { lambda, v }
    }
}

/// A unit vector v with M·v = 0 for a 2×2 M of rank 1: perpendicular to its
/// larger row (the better conditioned one).
fn null_vector2(m: &Matrix2<f64>) -> Vector2<f64> {
    let r0 = Vector2::new(m[(0, 0)], m[(0, 1)]);
    let r1 = Vector2::new(m[(1, 0)], m[(1, 1)]);
    let row = if r0.norm_squared() >= r1.norm_squared() {
        r0
    } else {
        r1
    };
    let v = Vector2::new(row.y, -row.x)
        .try_normalize(0.0)
        .unwrap_or_else(Vector2::x);
    canonical_sign(v)
}

/// For a 2×2 M with the complex pair re ± i·im (im > 0): the signed angle θ
/// and a basis P with det P > 0, columns x ⟂ y and |x| = 1 ≥ |y|, such that
/// M = P·(r·R(θ))·P⁻¹. The caller picks the overall sign of P.
fn rotation_scale2(m: &Matrix2<f64>, re: f64, im: f64) -> (f64, Matrix2<f64>) {
    let (a, b) = (m[(0, 0)], m[(0, 1)]);
    // With a complex pair b·c < 0, so b ≠ 0, and A turns counter-clockwise iff b < 0
    // (as R(θ) = [[cos θ, −sin θ], [sin θ, cos θ]] does for θ > 0).
    let sign_b = if b < 0.0 { -1.0 } else { 1.0 };
    let theta = -sign_b * im.atan2(re);
    // w = x + i·y = (b, λ − a) solves (A − λI)·w = 0 for λ = re + sign_b·i·im; the real
    // and imaginary parts of A·w = λ·w say A·[x y] = [x y]·r·R(θ), and det [x y] = |b|·im > 0.
    let x = Vector2::new(b, re - a);
    let y = Vector2::new(0.0, sign_b * im);
    // Multiplying w by e^{iφ} keeps all of that and turns [x y] by R(−φ); choose φ
    // so that x ⟂ y with |x| ≥ |y|: the axes of the invariant ellipses. When those
    // are circles (A is a scaled rotation in disguise) any φ would do; then put x
    // along the first coordinate axis.
    let (dot2, diff) = (2.0 * x.dot(&y), x.norm_squared() - y.norm_squared());
    let phi = if dot2.hypot(diff) <= CIRCLE_TOL * (x.norm_squared() + y.norm_squared()) {
        x.y.atan2(y.y)
    } else {
        0.5 * (-dot2).atan2(diff)
    };
    let (s, c) = phi.sin_cos();
    let (x, y) = (x * c - y * s, x * s + y * c);
    let len = x.norm();
    (theta, Matrix2::from_columns(&[x / len, y / len]))
}

/// The eigen-decomposition of a 3×3 matrix.
///
/// A real 3×3 matrix has one or three real eigenvalues (with multiplicity).
/// With one, the other two are a complex pair: A then turns the plane of
/// [`ComplexPair3`] about the axis of its real eigenvector.
#[derive(Clone, Debug, PartialEq)]
pub struct Eigen3 {
    /// The distinct real eigenvalues, descending, each with its eigenspace.
    /// Empty only when an entry of A is not finite.
    pub real: Vec<RealEigen3>,
    /// The complex pair, when there is one; `real` then holds exactly one
    /// eigenvalue, the one along the axis.
    pub complex: Option<ComplexPair3>,
}

/// A real eigenvalue of a 3×3 matrix and its eigenspace.
#[derive(Clone, Debug, PartialEq)]
pub struct RealEigen3 {
    pub lambda: f64,
    /// Algebraic multiplicity: how many of the three eigenvalues equal λ (1–3).
    pub multiplicity: usize,
    /// Orthonormal basis of the eigenspace {v : A·v = λ·v}: one vector (a
    /// line), two (a plane) or three (all of space, as for A = λI). Fewer
    /// vectors than `multiplicity` means A is defective there, like a shear.
    pub vectors: Vec<Vector3<f64>>,
}

/// The complex pair re ± i·im (im > 0) of a 3×3 matrix, read as a rotation.
///
/// With P = `basis` = [x, y, axis]:
/// A = P · [[r·cos θ, −r·sin θ, 0], [r·sin θ, r·cos θ, 0], [0, 0, λ]] · P⁻¹.
/// A turns the plane spanned by x and y by θ (right-handed about `axis`:
/// det P > 0) while scaling it by r, and scales the axis by λ. The axis need
/// not be perpendicular to the plane when A is not normal.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ComplexPair3 {
    pub re: f64,
    pub im: f64,
    /// Signed angle of the turn, |θ| = atan2(im, re) ∈ (0, π).
    pub theta: f64,
    /// Scale of the turning plane: r = √(re² + im²).
    pub r: f64,
    /// The real eigenvalue, along the axis.
    pub lambda: f64,
    /// Unit real eigenvector: A·axis = λ·axis.
    pub axis: Vector3<f64>,
    /// [x, y, axis]: x ⟂ y with |x| = 1 ≥ |y| (the axes of the ellipses A
    /// turns along), then the axis.
    pub basis: Matrix3<f64>,
}

impl Eigen3 {
    /// All three eigenvalues, repeated ones as often as their multiplicity:
    /// real ones descending, then a complex pair as re + i·im, re − i·im.
    #[must_use]
    pub fn eigenvalues(&self) -> Vec<Complex<f64>> {
        let mut all: Vec<Complex<f64>> = self
            .real
            .iter()
            .flat_map(|e| std::iter::repeat_n(Complex::new(e.lambda, 0.0), e.multiplicity))
            .collect();
        if let Some(c) = &self.complex {
            all.extend([Complex::new(c.re, c.im), Complex::new(c.re, -c.im)]);
        }
        all
    }
}

/// The eigen-decomposition of a 3×3 matrix: the roots of the characteristic
/// cubic (in closed form, polished by Newton's method), then each eigenspace
/// as the null space of A − λI from its SVD.
///
/// Eigenvalues closer than [`EIGEN_TOL`]` · max|aᵢⱼ|` are merged into one.
/// Three eigenvalues within 10⁻⁴ · max|aᵢⱼ| of each other are one triple
/// eigenvalue when A − λI keeps fewer than three directions at that
/// tolerance: that is how rounding leaves a defective triple eigenvalue (a
/// 3×3 Jordan block in a skewed basis), while a diagonalizable A with three
/// close eigenvalues keeps them apart.
#[must_use]
pub fn eigen3(m: &Matrix3<f64>) -> Eigen3 {
    if !m.iter().all(|x| x.is_finite()) {
        return Eigen3 {
            real: Vec::new(),
            complex: None,
        };
    }
    let tol = EIGEN_TOL * m.amax();
    // Shift by the mean eigenvalue so the cubic is depressed: with B = A − (tr A / 3)·I,
    // det(μI − B) = μ³ + p·μ + q, p = sum of B's principal 2×2 minors, q = −det B.
    let shift = m.trace() / 3.0;
    let b = m - Matrix3::identity() * shift;
    let p = b[(0, 0)] * b[(1, 1)] - b[(0, 1)] * b[(1, 0)] + b[(0, 0)] * b[(2, 2)]
        - b[(0, 2)] * b[(2, 0)]
        + b[(1, 1)] * b[(2, 2)]
        - b[(1, 2)] * b[(2, 1)];
    let q = -b.determinant();
    let (roots, pair) = depressed_cubic_roots(p, q, tol);

    // Rounding splits a triple eigenvalue of a defective A (a 3×3 Jordan block in
    // a skewed basis) by about ∛ε·max|aᵢⱼ| ≈ 10⁻⁵·max|aᵢⱼ|, often into a complex
    // pair, far beyond EIGEN_TOL. Three roots that close whose eigenspace (at
    // that coarser tolerance) has fewer than three dimensions are one defective
    // eigenvalue: tr A / 3, the mean of the roots. Nearly equal eigenvalues of a
    // diagonalizable A keep three eigen-directions and stay apart.
    let window = DEFECTIVE_WINDOW * m.amax();
    let (lo, hi) = roots
        .iter()
        .chain(pair.as_ref().map(|(re, _)| re))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        });
    let im = pair.map_or(0.0, |(_, im)| im);
    let clustered = hi - lo <= window && im <= window;
    if clustered {
        let sigma = svd(&(m - Matrix3::identity() * shift)).sigma;
        if sigma.iter().filter(|&&s| s <= window).count() < 3 {
            return Eigen3 {
                real: vec![RealEigen3 {
                    lambda: shift,
                    multiplicity: 3,
                    vectors: eigenspace3(m, shift, 3, window),
                }],
                complex: None,
            };
        }
    }

    let mut lambdas: Vec<f64> = roots.iter().map(|x| x + shift).collect();
    lambdas.sort_by(|x, y| y.total_cmp(x));
    let mut real = Vec::new();
    let mut start = 0;
    while start < lambdas.len() {
        let mut end = start + 1;
        while end < lambdas.len() && lambdas[end - 1] - lambdas[end] <= tol {
            end += 1;
        }
        let multiplicity = end - start;
        let lambda = lambdas[start..end].iter().sum::<f64>() / multiplicity as f64;
        real.push(RealEigen3 {
            lambda,
            multiplicity,
            vectors: eigenspace3(m, lambda, multiplicity, tol),
        });
        start = end;
    }

    let complex = pair.and_then(|(re, im)| {
        let axis_eigen = real.first()?;
        Some(complex_pair3(
            m,
            re + shift,
            im,
            axis_eigen.lambda,
            axis_eigen.vectors[0],
        ))
    });
    Eigen3 { real, complex }
}

/// Roots of μ³ + p·μ + q: the real ones (three, with multiplicity, or one)
/// and the complex pair (re, im) when its imaginary parts are more than `tol`
/// apart. Numerical Recipes §5.6, with Q = −p/3 and R = q/2.
fn depressed_cubic_roots(p: f64, q: f64, tol: f64) -> (Vec<f64>, Option<(f64, f64)>) {
    let f = |x: f64| x * x * x + p * x + q;
    let polish = |mut x: f64| {
        for _ in 0..3 {
            let slope = 3.0 * x * x + p;
            if slope == 0.0 {
                break;
            }
            let next = x - f(x) / slope;
            if f(next).abs() < f(x).abs() {
                x = next;
            } else {
                break;
            }
        }
        x
    };
    let big_q = -p / 3.0;
    let big_r = q / 2.0;
    let q3 = big_q * big_q * big_q;
    if big_r * big_r < q3 {
        // Three real roots: μ = −2√Q·cos((θ + 2πk)/3), θ = acos(R / √Q³).
        let theta = (big_r / q3.sqrt()).clamp(-1.0, 1.0).acos();
        let k = -2.0 * big_q.sqrt();
        let tau = std::f64::consts::TAU;
        let roots = [0.0, 1.0, -1.0].map(|j| polish(k * ((theta + tau * j) / 3.0).cos()));
        return (roots.to_vec(), None);
    }
    // One real root by Cardano's formula, in the form that avoids cancellation.
    let sign_r = if big_r < 0.0 { -1.0 } else { 1.0 };
    let a = -sign_r * (big_r.abs() + (big_r * big_r - q3).sqrt()).cbrt();
    let b = if a == 0.0 { 0.0 } else { big_q / a };
    let x = polish(a + b);
    // The other two solve μ² + x·μ + (x² + p) = 0: μ = −x/2 ± √disc.
    let re = -0.5 * x;
    let disc = re * re - (x * x + p);
    if disc < 0.0 && 2.0 * (-disc).sqrt() > tol {
        (vec![x], Some((re, (-disc).sqrt())))
    } else {
        let root = disc.max(0.0).sqrt();
        (vec![x, re + root, re - root], None)
    }
}

/// Orthonormal basis of the eigenspace of λ: the right singular vectors of
/// A − λI whose singular values are at most `tol` — at least one (the
/// smallest) and at most `multiplicity`.
fn eigenspace3(m: &Matrix3<f64>, lambda: f64, multiplicity: usize, tol: f64) -> Vec<Vector3<f64>> {
    let d = svd(&(m - Matrix3::identity() * lambda));
    let dim = d
        .sigma
        .iter()
        .filter(|&&s| s <= tol)
        .count()
        .clamp(1, multiplicity.max(1));
    if dim == 3 {
        return vec![Vector3::x(), Vector3::y(), Vector3::z()];
    }
    (3 - dim..3)
        .map(|i| canonical_sign(d.v_t.row(i).transpose()))
        .collect()
}

/// The rotation reading of a 3×3 complex pair re ± i·im, given the real
/// eigenvalue and its unit eigenvector.
fn complex_pair3(
    m: &Matrix3<f64>,
    re: f64,
    im: f64,
    lambda: f64,
    axis: Vector3<f64>,
) -> ComplexPair3 {
    // The pair's invariant plane is the null space of (A − z·I)(A − z̄·I) =
    // A² − 2re·A + |z|²·I, a rank-1 matrix whose rows are all along the plane's normal.
    let r2 = re * re + im * im;
    let m2 = m * m - m * (2.0 * re) + Matrix3::identity() * r2;
    let rows = [0, 1, 2].map(|i| m2.row(i).transpose());
    let normal = rows
        .into_iter()
        .max_by(|x, y| x.norm_squared().total_cmp(&y.norm_squared()))
        .and_then(|n| n.try_normalize(0.0))
        .unwrap_or_else(Vector3::z);
    // An orthonormal basis (q1, q2) of the plane with (q1, q2, axis) right-handed.
    let k = (0..3)
        .min_by(|&i, &j| normal[i].abs().total_cmp(&normal[j].abs()))
        .unwrap_or(0);
    let q1 = (Vector3::ith(k, 1.0) - normal * normal[k]).normalize();
    let mut q2 = normal.cross(&q1);
    if normal.dot(&axis) < 0.0 {
        q2 = -q2;
    }
    let q = Matrix3x2::from_columns(&[q1, q2]);
    // A restricted to its invariant plane, in (q1, q2) coordinates: A·Q = Q·B.
    let b = q.transpose() * m * q;
    let (theta, p2) = rotation_scale2(&b, re, im);
    let mut xy = q * p2;
    if first_significant_sign(&xy.column(0).into_owned()) < 0.0 {
        xy = -xy;
    }
    ComplexPair3 {
        re,
        im,
        theta,
        r: re.hypot(im),
        lambda,
        axis,
        basis: Matrix3::from_columns(&[xy.column(0).into_owned(), xy.column(1).into_owned(), axis]),
    }
}

// ---------------------------------------------------------------------------
// SVD, polar decomposition, subspaces
// ---------------------------------------------------------------------------

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
fn complete_orthonormal<const N: usize>(
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

// ---------------------------------------------------------------------------
// Interpolation from the identity to A
// ---------------------------------------------------------------------------

/// Straight-line interpolation (1 − t)·I + t·A: I at t = 0, A at t = 1.
/// A rotation by 180° passes through the zero matrix on the way.
#[must_use]
pub fn lerp<const N: usize>(a: &SMatrix<f64, N, N>, t: f64) -> SMatrix<f64, N, N> {
    SMatrix::identity() * (1.0 - t) + a * t
}

/// Rᵗ for a proper rotation R (orthogonal, det +1): the rotation by t times
/// R's angle, about the same axis in 3D. The angle taken is the one in
/// [0, π] (2D: (−π, π]); at exactly π the axis is chosen by the sign rule.
/// Other matrices give a rotation of no particular meaning.
#[must_use]
pub fn rotation_pow<const N: usize>(r: &SMatrix<f64, N, N>, t: f64) -> SMatrix<f64, N, N>
where
    SMatrix<f64, N, N>: Square,
{
    r.rotation_power(t)
}

fn rotation_pow2(r: &Matrix2<f64>, t: f64) -> Matrix2<f64> {
    preset2::rotation(t * r[(1, 0)].atan2(r[(0, 0)]))
}

fn rotation_pow3(r: &Matrix3<f64>, t: f64) -> Matrix3<f64> {
    // R = I + sin θ·[n]ₓ + (1 − cos θ)·[n]ₓ²: the skew part gives sin θ·n, the trace cos θ.
    let w = 0.5
        * Vector3::new(
            r[(2, 1)] - r[(1, 2)],
            r[(0, 2)] - r[(2, 0)],
            r[(1, 0)] - r[(0, 1)],
        );
    let cos = 0.5 * (r.trace() - 1.0);
    let sin = w.norm();
    if sin == 0.0 && cos > 0.0 {
        return Matrix3::identity();
    }
    let theta = sin.atan2(cos);
    let axis = if sin >= 1.0 - cos {
        w / sin
    } else {
        // Near θ = π the skew part vanishes; read the axis from the symmetric
        // part instead: (R + Rᵀ)/2 − cos θ·I = (1 − cos θ)·n·nᵀ.
        let sym = (r + r.transpose()) * 0.5 - Matrix3::identity() * cos;
        let k = (0..3)
            .max_by(|&i, &j| sym[(i, i)].total_cmp(&sym[(j, j)]))
            .unwrap_or(0);
        let n = sym.column(k).normalize();
        let along = n.dot(&w);
        if along < -SIGN_TOL || (along.abs() <= SIGN_TOL && first_significant_sign(&n) < 0.0) {
            -n
        } else {
            n
        }
    };
    preset3::rotation(&axis, t * theta)
}

/// Interpolation that turns rather than shrinks: R(t)·S(t), with R(t) the
/// rotation part of A raised to the power t ([`rotation_pow`]) and
/// S(t) = (1 − t)·I + t·S. I at t = 0, A at t = 1; a rotation keeps |det| = 1
/// all the way.
///
/// When det A < 0 the polar factor R is a reflection, which no rotation
/// reaches continuously; the reflection is moved into S instead
/// ([`Svd::rotation_form`]): R = U·F·Vᵀ and S = V·F·diag(σ)·Vᵀ with
/// F = diag(1, …, 1, −1), so A flips by squashing through zero along the
/// axis it stretches least, while turning.
#[must_use]
pub fn polar_lerp<const N: usize>(a: &SMatrix<f64, N, N>, t: f64) -> SMatrix<f64, N, N>
where
    SMatrix<f64, N, N>: Square,
{
    let (u, sigma, v_t) = svd(a).rotation_form();
    let r = u * v_t;
    let s = v_t.transpose() * SMatrix::from_diagonal(&sigma) * v_t;
    rotation_pow(&r, t) * lerp(&s, t)
}

/// One frame of the three-step SVD animation: see [`svd_steps`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SvdStep<const N: usize> {
    /// 0: rotate by Vᵀ; 1: stretch by Σ along the axes; 2: rotate by U.
    pub step: usize,
    /// Progress within the step, 0 to 1.
    pub progress: f64,
    /// The matrix to apply to the original points at this moment.
    pub matrix: SMatrix<f64, N, N>,
}

/// The SVD animation A = U·Σ·Vᵀ, read right to left, at time t ∈ [0, 1]
/// (clamped): for t in [0, ⅓] rotate from I to Vᵀ; in [⅓, ⅔] stretch the axes
/// from 1 to σᵢ (Σ·Vᵀ at the end); in [⅔, 1] rotate by U (U·Σ·Vᵀ = A at the
/// end). The rotations are interpolated by angle, so the matrix is continuous
/// in t. Uses [`Svd::rotation_form`]: when det A < 0 the last axis stretches
/// through zero to −σₙ instead of U reflecting.
#[must_use]
pub fn svd_steps<const N: usize>(a: &SMatrix<f64, N, N>, t: f64) -> SvdStep<N>
where
    SMatrix<f64, N, N>: Square,
{
    let (u, sigma, v_t) = svd(a).rotation_form();
    let scaled = 3.0 * t.clamp(0.0, 1.0);
    let step = (scaled.floor() as usize).min(2);
    let progress = scaled - step as f64;
    let stretch = |s: &SVector<f64, N>| SMatrix::from_diagonal(s);
    let matrix = match step {
        0 => rotation_pow(&v_t, progress),
        1 => stretch(&sigma.map(|s| 1.0 - progress + progress * s)) * v_t,
        _ => rotation_pow(&u, progress) * stretch(&sigma) * v_t,
    };
    SvdStep {
        step,
        progress,
        matrix,
    }
}

// ---------------------------------------------------------------------------
// Composition and random matrices
// ---------------------------------------------------------------------------

/// The single matrix that applies `maps` in list order: `compose(&[A, B, C])`
/// = C·B·A, so A acts first (it is the rightmost factor). The empty list gives I.
#[must_use]
pub fn compose<const N: usize>(maps: &[SMatrix<f64, N, N>]) -> SMatrix<f64, N, N> {
    maps.iter().fold(SMatrix::identity(), |acc, m| m * acc)
}

/// A reproducible random matrix: entries are multiples of 0.1 in [−2, 2],
/// drawn uniformly with `fastrand::Rng::with_seed(seed)`. It may (rarely) be
/// singular.
#[must_use]
pub fn random<const N: usize>(seed: u64) -> SMatrix<f64, N, N> {
    let mut rng = fastrand::Rng::with_seed(seed);
    SMatrix::from_fn(|_, _| f64::from(rng.i32(-20..=20)) / 10.0)
}

// ---------------------------------------------------------------------------
// Presets
// ---------------------------------------------------------------------------

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

#[cfg(test)]
mod tests {
    use super::*;

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
