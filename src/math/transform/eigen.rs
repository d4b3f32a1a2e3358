//! Eigen-decompositions: 2×2 in closed form (four shapes), 3×3 from the
//! characteristic cubic with each eigenspace from an SVD.

use nalgebra::{Complex, Matrix2, Matrix3, Matrix3x2, Vector2, Vector3};

use super::{CIRCLE_TOL, DEFECTIVE_WINDOW, EIGEN_TOL, canonical_sign, first_significant_sign, svd};

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
pub(super) fn null_vector2(m: &Matrix2<f64>) -> Vector2<f64> {
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
