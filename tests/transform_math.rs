//! The Transform view's math (`eigenlens::math::transform`): hand-checked
//! values, then properties on seeded random 2×2 and 3×3 matrices.

use std::f64::consts::{FRAC_1_SQRT_2, FRAC_PI_2, FRAC_PI_6, PI};

use eigenlens::math::transform::{
    self, Eigen2, Interpolation, Path, Square, Stage, compose, condition_number, det, ease, eigen2,
    eigen3, inverse, lerp, polar, polar_lerp, prepare, preset2, preset3, rank, rotation_pow,
    subspaces, svd, svd_steps, trace,
};
use nalgebra::{Matrix2, Matrix3, SMatrix, SVector, Vector2, Vector3};

/// Seeds for the property tests: each draws one random matrix.
const SEEDS: std::ops::Range<u64> = 0..300;

/// Asserts that two matrices agree entry by entry within `tol`, printing both.
#[track_caller]
fn assert_close<const R: usize, const C: usize>(
    actual: &SMatrix<f64, R, C>,
    expected: &SMatrix<f64, R, C>,
    tol: f64,
    what: &str,
) {
    let diff = (actual - expected).amax();
    assert!(
        diff <= tol,
        "{what}: off by {diff:e}\n  actual: {actual}\nexpected: {expected}"
    );
}

/// Asserts that two numbers agree within `tol`.
#[track_caller]
fn assert_near(actual: f64, expected: f64, tol: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= tol,
        "{what}:\n  actual: {actual}\nexpected: {expected}"
    );
}

/// Asserts that `q` is orthogonal: QᵀQ = I.
#[track_caller]
fn assert_orthogonal<const N: usize>(q: &SMatrix<f64, N, N>, tol: f64, what: &str) {
    assert_close(&(q.transpose() * q), &SMatrix::identity(), tol, what);
}

/// The largest entry of `a`, at least 1: the scale for absolute tolerances.
fn scale<const N: usize>(a: &SMatrix<f64, N, N>) -> f64 {
    a.amax().max(1.0)
}

/// r·R(θ), the 2×2 "rotate by θ and scale by r".
fn rotation_scale(theta: f64, r: f64) -> Matrix2<f64> {
    preset2::rotation(theta) * r
}

// ---------------------------------------------------------------------------
// Determinant, trace, rank, condition, inverse
// ---------------------------------------------------------------------------

/// det and trace of small integer matrices match the textbook values.
#[test]
fn det_and_trace_hand_checked() {
    let a = Matrix2::new(2.0, 1.0, 1.0, 3.0);
    assert_near(det(&a), 5.0, 1e-12, "det [[2,1],[1,3]]");
    assert_near(trace(&a), 5.0, 0.0, "trace [[2,1],[1,3]]");
    let b = Matrix3::new(1.0, 2.0, 3.0, 0.0, 1.0, 4.0, 5.0, 6.0, 0.0);
    assert_near(det(&b), 1.0, 1e-12, "det of the classic 3×3");
    assert_near(trace(&b), 2.0, 0.0, "trace of the classic 3×3");
    assert_near(
        det(&preset2::reflection(0.3)),
        -1.0,
        1e-12,
        "det of a reflection",
    );
}

/// The inverses of [[2,1],[1,3]] and [[1,2,3],[0,1,4],[5,6,0]] are the
/// textbook ones.
#[test]
fn inverse_hand_checked() {
    let a = Matrix2::new(2.0, 1.0, 1.0, 3.0);
    let expected = Matrix2::new(3.0, -1.0, -1.0, 2.0) / 5.0;
    assert_close(
        &inverse(&a).expect("invertible"),
        &expected,
        1e-15,
        "2×2 inverse",
    );
    let b = Matrix3::new(1.0, 2.0, 3.0, 0.0, 1.0, 4.0, 5.0, 6.0, 0.0);
    let expected = Matrix3::new(-24.0, 18.0, 5.0, 20.0, -15.0, -4.0, -5.0, 4.0, 1.0);
    assert_close(
        &inverse(&b).expect("invertible"),
        &expected,
        1e-12,
        "3×3 inverse",
    );
}

/// A singular matrix has no inverse; the error carries det ≈ 0 and a
/// condition number of at least 1/(Nε).
#[test]
fn inverse_of_singular_is_an_error() {
    for a in [
        Matrix2::new(1.0, 2.0, 2.0, 4.0),
        Matrix2::zeros(),
        preset2::projection(0.7),
    ] {
        let Err(e) = inverse(&a) else {
            panic!("{a} has an inverse");
        };
        assert!(e.det.abs() < 1e-12, "det {}", e.det);
        assert!(
            e.condition >= 1.0 / (2.0 * f64::EPSILON),
            "condition {}",
            e.condition
        );
        assert!(e.to_string().contains("singular"), "{e}");
    }
    let flat = Matrix3::new(2.0, 0.0, 1.0, 1.0, 3.0, 2.0, 1.0, 1.0, 1.0);
    assert!(inverse(&flat).is_err(), "rank-2 3×3 has no inverse");
    assert!(
        inverse(&Matrix2::new(f64::NAN, 0.0, 0.0, 1.0)).is_err(),
        "NaN entry"
    );
}

/// Rank counts singular values above the relative tolerance, for every rank.
#[test]
fn rank_hand_checked() {
    assert_eq!(rank(&Matrix2::new(2.0, 1.0, 1.0, 3.0), None), 2);
    assert_eq!(rank(&Matrix2::new(1.0, 2.0, 2.0, 4.0), None), 1);
    assert_eq!(rank(&Matrix2::<f64>::zeros(), None), 0);
    assert_eq!(
        rank(
            &Matrix3::new(2.0, 0.0, 1.0, 1.0, 3.0, 2.0, 1.0, 1.0, 1.0),
            None
        ),
        2
    );
    let u = Vector3::new(1.0, 2.0, -1.0);
    assert_eq!(
        rank(&(u * Vector3::new(0.5, 1.0, 3.0).transpose()), None),
        1
    );
    assert_eq!(rank(&Matrix3::<f64>::identity(), None), 3);
    // The tolerance decides for a nearly singular matrix.
    let nearly = Matrix2::new(1.0, 0.0, 0.0, 1e-10);
    assert_eq!(rank(&nearly, None), 2);
    assert_eq!(rank(&nearly, Some(1e-8)), 1);
}

/// The condition number is σmax/σmin: 1 for rotations, 8 for diag(4, 0.5),
/// ∞ for the zero matrix.
#[test]
fn condition_number_hand_checked() {
    assert_near(
        condition_number(&preset2::rotation(1.0)),
        1.0,
        1e-12,
        "rotation",
    );
    assert_near(
        condition_number(&preset2::scale(4.0, -0.5)),
        8.0,
        1e-12,
        "diag(4, −0.5)",
    );
    assert_near(
        condition_number(&preset3::scale(2.0, 5.0, 0.5)),
        10.0,
        1e-12,
        "diag(2, 5, 0.5)",
    );
    assert!(condition_number(&Matrix2::<f64>::zeros()).is_infinite());
    assert!(condition_number(&Matrix2::new(1.0, 2.0, 2.0, 4.0)) > 1e15);
}

// ---------------------------------------------------------------------------
// Eigen-decomposition, 2×2
// ---------------------------------------------------------------------------

/// [[2,1],[1,2]] has eigenvalues 3 and 1 with eigenvectors (1,1)/√2 and (1,−1)/√2.
#[test]
fn eigen2_symmetric_hand_checked() {
    let Eigen2::Distinct { lambda, v } = eigen2(&Matrix2::new(2.0, 1.0, 1.0, 2.0)) else {
        panic!("expected two real eigenvalues");
    };
    assert_near(lambda[0], 3.0, 0.0, "larger eigenvalue");
    assert_near(lambda[1], 1.0, 0.0, "smaller eigenvalue");
    assert_close(
        &v[0],
        &Vector2::new(FRAC_1_SQRT_2, FRAC_1_SQRT_2),
        1e-15,
        "v for 3",
    );
    assert_close(
        &v[1],
        &Vector2::new(FRAC_1_SQRT_2, -FRAC_1_SQRT_2),
        1e-15,
        "v for 1",
    );
}

/// diag(3, −2) keeps the axes, larger eigenvalue first.
#[test]
fn eigen2_diagonal_hand_checked() {
    let Eigen2::Distinct { lambda, v } = eigen2(&preset2::scale(-2.0, 3.0)) else {
        panic!("expected two real eigenvalues");
    };
    assert_near(lambda[0], 3.0, 0.0, "larger eigenvalue");
    assert_near(lambda[1], -2.0, 0.0, "smaller eigenvalue");
    assert_close(&v[0], &Vector2::y(), 0.0, "v for 3");
    assert_close(&v[1], &Vector2::x(), 0.0, "v for −2");
}

/// A rotation by 90° has the complex pair ±i: θ = 90°, r = 1, basis I.
#[test]
fn eigen2_rotation_is_complex_pair() {
    let Eigen2::Complex {
        re,
        im,
        theta,
        r,
        basis,
    } = eigen2(&preset2::rotation(FRAC_PI_2))
    else {
        panic!("expected a complex pair");
    };
    assert_near(re, 0.0, 1e-15, "re");
    assert_near(im, 1.0, 1e-15, "im");
    assert_near(theta, FRAC_PI_2, 1e-15, "θ");
    assert_near(r, 1.0, 1e-15, "r");
    assert_close(&basis, &Matrix2::identity(), 1e-15, "basis");
}

/// A clockwise turn by 30° scaled by 2 has θ = −30° and r = 2: the sign of θ
/// says which way A turns.
#[test]
fn eigen2_clockwise_rotation_has_negative_angle() {
    let a = rotation_scale(-FRAC_PI_6, 2.0);
    let Eigen2::Complex {
        theta, r, basis, ..
    } = eigen2(&a)
    else {
        panic!("expected a complex pair");
    };
    assert_near(theta, -FRAC_PI_6, 1e-14, "θ");
    assert_near(r, 2.0, 1e-14, "r");
    assert_close(&basis, &Matrix2::identity(), 1e-14, "basis");
}

/// A non-normal matrix with complex eigenvalues is r·R(θ) in a skewed basis:
/// A·P = P·r·R(θ), det P > 0, and P's columns are perpendicular, |x| = 1 ≥ |y|.
#[test]
fn eigen2_complex_basis_is_ellipse_axes() {
    // Eigenvalues 1 ± 2i; turns counter-clockwise (a₁₂ < 0).
    let a = Matrix2::new(1.0, -4.0, 1.0, 1.0);
    let Eigen2::Complex {
        re,
        im,
        theta,
        r,
        basis,
    } = eigen2(&a)
    else {
        panic!("expected a complex pair");
    };
    assert_near(re, 1.0, 1e-15, "re");
    assert_near(im, 2.0, 1e-15, "im");
    assert_near(theta, 2.0f64.atan2(1.0), 1e-15, "θ");
    assert_near(r, 5.0f64.sqrt(), 1e-15, "r");
    assert_close(
        &(a * basis),
        &(basis * rotation_scale(theta, r)),
        1e-14,
        "A·P = P·rR(θ)",
    );
    assert!(basis.determinant() > 0.0);
    let (x, y) = (basis.column(0), basis.column(1));
    assert_near(x.dot(&y), 0.0, 1e-15, "x ⟂ y");
    assert_near(x.norm(), 1.0, 1e-15, "|x|");
    // The invariant ellipse of [[1,−4],[1,1]] has axes (1,0) and (0, 1/2).
    assert_close(&basis, &Matrix2::new(1.0, 0.0, 0.0, 0.5), 1e-15, "basis");
}

/// A shear has the repeated eigenvalue 1 and only one eigen-direction.
#[test]
fn eigen2_shear_is_defective() {
    assert_eq!(
        eigen2(&preset2::shear_x(1.5)),
        Eigen2::Defective {
            lambda: 1.0,
            v: Vector2::x()
        }
    );
    assert_eq!(
        eigen2(&preset2::shear_y(-0.5)),
        Eigen2::Defective {
            lambda: 1.0,
            v: Vector2::y()
        }
    );
    // Defective with decimal entries that do not cancel exactly: [[0.3, 0.1], [−0.1, 0.1]]
    // has the double eigenvalue 0.2 and the single eigenvector (1, −1)/√2.
    let Eigen2::Defective { lambda, v } = eigen2(&Matrix2::new(0.3, 0.1, -0.1, 0.1)) else {
        panic!("expected a defective matrix");
    };
    assert_near(lambda, 0.2, 1e-15, "λ");
    assert_close(&v, &Vector2::new(FRAC_1_SQRT_2, -FRAC_1_SQRT_2), 1e-15, "v");
}

/// λ·I keeps every direction, including λ = 0.
#[test]
fn eigen2_scalar() {
    assert_eq!(
        eigen2(&(Matrix2::identity() * 2.0)),
        Eigen2::Scalar { lambda: 2.0 }
    );
    assert_eq!(eigen2(&Matrix2::zeros()), Eigen2::Scalar { lambda: 0.0 });
}

/// Eigenvalues listed with multiplicity: a conjugate pair, or a real one twice.
#[test]
fn eigen2_eigenvalues_list() {
    let [z, w] = eigen2(&preset2::rotation(FRAC_PI_2)).eigenvalues();
    assert!(
        (z.im - 1.0).abs() < 1e-15 && (w.im + 1.0).abs() < 1e-15,
        "{z} {w}"
    );
    let [z, w] = eigen2(&preset2::shear_x(2.0)).eigenvalues();
    assert_eq!((z.re, z.im, w.re, w.im), (1.0, 0.0, 1.0, 0.0));
}

/// Checks an [`Eigen2`] against the matrix it came from: A·v = λ·v, unit
/// vectors, the shape agreeing with the eigenvalues, A = P·rR(θ)·P⁻¹.
#[track_caller]
fn check_eigen2(a: &Matrix2<f64>) {
    let tol = 1e-9 * scale(a);
    let eig = eigen2(a);
    let [z, w] = eig.eigenvalues();
    assert_near(z.re + w.re, trace(a), tol, "λ₁ + λ₂ = trace");
    assert_near((z * w).re, det(a), tol * scale(a), "λ₁·λ₂ = det");
    match eig {
        Eigen2::Distinct { lambda, v } => {
            assert!(lambda[0] > lambda[1]);
            for (l, v) in lambda.iter().zip(v) {
                assert_near(v.norm(), 1.0, 1e-12, "unit eigenvector");
                assert_close(&(a * v), &(v * *l), tol, "A·v = λ·v");
            }
        }
        Eigen2::Defective { lambda, v } => {
            assert_close(&(a * v), &(v * lambda), tol, "A·v = λ·v (defective)");
        }
        Eigen2::Scalar { lambda } => {
            assert_close(a, &(Matrix2::identity() * lambda), tol, "A = λI");
        }
        Eigen2::Complex {
            theta, r, basis, ..
        } => {
            assert!(basis.determinant() > 0.0, "det P > 0");
            assert_close(
                &(a * basis),
                &(basis * rotation_scale(theta, r)),
                tol,
                "A·P = P·rR(θ)",
            );
        }
    }
}

/// On random 2×2 matrices every eigenpair satisfies A·v = λ·v (or the
/// rotation form), and the eigenvalues sum to the trace and multiply to det.
#[test]
fn eigen2_properties_on_random_matrices() {
    let mut complex = 0;
    for seed in SEEDS {
        let a = transform::random::<2>(seed);
        check_eigen2(&a);
        complex += usize::from(matches!(eigen2(&a), Eigen2::Complex { .. }));
    }
    // Both shapes occur, so both branches were exercised.
    assert!(complex > 20 && complex < 280, "{complex} complex pairs");
}

// ---------------------------------------------------------------------------
// Eigen-decomposition, 3×3
// ---------------------------------------------------------------------------

/// Checks an [`transform::Eigen3`] against its matrix: A·v = λ·v on every
/// eigenspace vector, orthonormal eigenspace bases, multiplicities summing to
/// 3, eigenvalues summing to the trace and multiplying to det, and
/// A·P = P·blockdiag(rR(θ), λ) for a complex pair.
#[track_caller]
fn check_eigen3(a: &Matrix3<f64>) {
    let tol = 1e-8 * scale(a);
    let eig = eigen3(a);
    let all = eig.eigenvalues();
    assert_eq!(all.len(), 3, "{eig:?}");
    let sum: f64 = all.iter().map(|z| z.re).sum();
    assert_near(sum, trace(a), tol, "Σλ = trace");
    let product = all
        .iter()
        .fold(nalgebra::Complex::new(1.0, 0.0), |p, z| p * z);
    assert_near(product.re, det(a), tol * scale(a).powi(2), "Πλ = det");
    for pair in eig.real.windows(2) {
        assert!(pair[0].lambda > pair[1].lambda, "descending");
    }
    for e in &eig.real {
        assert!(!e.vectors.is_empty() && e.vectors.len() <= e.multiplicity);
        for (i, v) in e.vectors.iter().enumerate() {
            assert_close(&(a * v), &(v * e.lambda), tol, "A·v = λ·v");
            for (j, w) in e.vectors.iter().enumerate() {
                let expected = if i == j { 1.0 } else { 0.0 };
                assert_near(v.dot(w), expected, 1e-12, "orthonormal eigenspace basis");
            }
        }
    }
    if let Some(c) = eig.complex {
        assert_eq!(eig.real.len(), 1);
        let mut block = Matrix3::zeros();
        block
            .fixed_view_mut::<2, 2>(0, 0)
            .copy_from(&rotation_scale(c.theta, c.r));
        block[(2, 2)] = c.lambda;
        assert!(c.basis.determinant() > 0.0, "right-handed basis");
        assert_close(
            &(a * c.basis),
            &(c.basis * block),
            tol,
            "A·P = P·blockdiag(rR(θ), λ)",
        );
        assert_close(&(a * c.axis), &(c.axis * c.lambda), tol, "A·axis = λ·axis");
    }
}

/// diag(3, 2, 1) has the axes as eigenvectors, largest eigenvalue first.
#[test]
fn eigen3_diagonal_hand_checked() {
    let eig = eigen3(&preset3::scale(1.0, 3.0, 2.0));
    assert!(eig.complex.is_none());
    let got: Vec<(f64, usize, Vec<Vector3<f64>>)> = eig
        .real
        .into_iter()
        .map(|e| (e.lambda, e.multiplicity, e.vectors))
        .collect();
    let expected = vec![
        (3.0, 1, vec![Vector3::y()]),
        (2.0, 1, vec![Vector3::z()]),
        (1.0, 1, vec![Vector3::x()]),
    ];
    assert_eq!(got.len(), 3);
    for ((l, m, v), (el, em, ev)) in got.iter().zip(&expected) {
        assert_near(*l, *el, 1e-14, "λ");
        assert_eq!(m, em);
        assert_close(&v[0], &ev[0], 1e-14, "v");
    }
    check_eigen3(&preset3::scale(1.0, 3.0, 2.0));
}

/// Rotation about z by 90°: real eigenvalue 1 along z, complex pair θ = 90°, r = 1.
#[test]
fn eigen3_rotation_about_z() {
    let a = preset3::rotation_z(FRAC_PI_2);
    let c = eigen3(&a).complex.expect("a complex pair");
    assert_near(c.theta, FRAC_PI_2, 1e-12, "θ");
    assert_near(c.r, 1.0, 1e-12, "r");
    assert_near(c.lambda, 1.0, 1e-12, "λ");
    assert_close(&c.axis, &Vector3::z(), 1e-12, "axis");
    assert_close(&c.basis, &Matrix3::identity(), 1e-12, "basis");
    check_eigen3(&a);
}

/// The cyclic permutation x → y → z → x is the rotation by 120° about
/// (1, 1, 1)/√3 (and a classic stall for QR eigenvalue iterations).
#[test]
fn eigen3_cyclic_permutation_is_rotation_about_diagonal() {
    let a = Matrix3::new(0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0);
    let c = eigen3(&a).complex.expect("a complex pair");
    assert_near(c.theta, 2.0 * PI / 3.0, 1e-12, "θ");
    assert_near(c.r, 1.0, 1e-12, "r");
    assert_close(
        &c.axis,
        &(Vector3::repeat(1.0) / 3.0f64.sqrt()),
        1e-12,
        "axis",
    );
    check_eigen3(&a);
}

/// A rotation about an arbitrary axis reads back as that axis and angle, and
/// the opposite rotation as the same axis with −θ.
#[test]
fn eigen3_axis_angle_round_trip() {
    let axis = Vector3::new(1.0, -2.0, 2.0) / 3.0;
    for theta in [0.4, -1.1, 2.9] {
        let a = preset3::rotation(&axis, theta) * 1.5;
        let c = eigen3(&a).complex.expect("a complex pair");
        assert_close(&c.axis, &axis, 1e-12, "axis");
        assert_near(c.theta, theta, 1e-12, "θ");
        assert_near(c.r, 1.5, 1e-12, "r");
        assert_near(c.lambda, 1.5, 1e-12, "λ");
        check_eigen3(&a);
    }
}

/// A 3D shear keeps a plane (two eigenvectors for the triple eigenvalue 1).
#[test]
fn eigen3_shear_keeps_a_plane() {
    let a = preset3::shear(preset3::Axis::X, preset3::Axis::Y, 0.8);
    let eig = eigen3(&a);
    assert!(eig.complex.is_none());
    assert_eq!(eig.real.len(), 1);
    let e = &eig.real[0];
    assert_eq!((e.lambda, e.multiplicity, e.vectors.len()), (1.0, 3, 2));
    // The eigenspace is the plane y = 0.
    for v in &e.vectors {
        assert_near(v.y, 0.0, 1e-15, "v in y = 0");
    }
    check_eigen3(&a);
}

/// A 3×3 Jordan block has a single eigen-direction for its triple eigenvalue.
#[test]
fn eigen3_jordan_block_has_one_direction() {
    let a = Matrix3::new(2.0, 1.0, 0.0, 0.0, 2.0, 1.0, 0.0, 0.0, 2.0);
    let eig = eigen3(&a);
    assert_eq!(eig.real.len(), 1);
    let e = &eig.real[0];
    assert_eq!((e.lambda, e.multiplicity), (2.0, 3));
    assert_eq!(e.vectors.len(), 1);
    assert_close(&e.vectors[0], &Vector3::x(), 1e-15, "eigenvector");
}

/// Regression: a Jordan block in a rotated basis used to come out as a
/// complex pair with a tiny angle, because rounding splits a triple defective
/// eigenvalue by ∛ε ≈ 10⁻⁵.
#[test]
fn eigen3_rotated_jordan_block_stays_defective() {
    let j = Matrix3::new(2.0, 1.0, 0.0, 0.0, 2.0, 1.0, 0.0, 0.0, 2.0);
    for seed in 0..50 {
        let axis = transform::random::<3>(seed).column(0).into_owned();
        let r = preset3::rotation(&axis, 0.1 * seed as f64 + 0.3);
        let a = r * j * r.transpose();
        let eig = eigen3(&a);
        assert!(eig.complex.is_none(), "{a}: {eig:?}");
        assert_eq!(eig.real.len(), 1, "{a}: {eig:?}");
        let e = &eig.real[0];
        assert_eq!((e.multiplicity, e.vectors.len()), (3, 1));
        assert_near(e.lambda, 2.0, 1e-12, "λ");
        let expected = r.column(0).into_owned();
        let expected = if e.vectors[0].dot(&expected) < 0.0 {
            -expected
        } else {
            expected
        };
        assert_close(&e.vectors[0], &expected, 1e-9, "eigenvector");
    }
}

/// Three eigenvalues 5·10⁻⁵ apart in a diagonalizable matrix stay three, each
/// with its own direction.
#[test]
fn eigen3_close_but_diagonalizable_stays_apart() {
    let r = preset3::rotation(&Vector3::new(1.0, 2.0, 3.0), 0.8);
    let a = r * preset3::scale(1.0, 1.0 + 5e-5, 1.0 + 1e-4) * r.transpose();
    let eig = eigen3(&a);
    assert_eq!(eig.real.len(), 3, "{eig:?}");
    assert!(eig.real.iter().all(|e| e.vectors.len() == 1));
    check_eigen3(&a);
}

/// λ·I keeps all of space; the zero matrix too.
#[test]
fn eigen3_scalar_keeps_everything() {
    for l in [2.0, 0.0] {
        let eig = eigen3(&(Matrix3::identity() * l));
        assert_eq!(eig.real.len(), 1);
        assert_eq!(eig.real[0].multiplicity, 3);
        assert_eq!(
            eig.real[0].vectors,
            vec![Vector3::x(), Vector3::y(), Vector3::z()]
        );
    }
}

/// Projection onto the plane z = 0: eigenvalue 1 on the plane, 0 along z.
#[test]
fn eigen3_projection_onto_plane() {
    let a = preset3::projection_onto_plane(&Vector3::new(0.0, 0.0, 2.0));
    let eig = eigen3(&a);
    assert_eq!(eig.real.len(), 2);
    assert_eq!(
        (eig.real[0].multiplicity, eig.real[0].vectors.len()),
        (2, 2)
    );
    assert_close(
        &eig.real[1].vectors[0],
        &Vector3::z(),
        1e-15,
        "null direction",
    );
    check_eigen3(&a);
}

/// A matrix with a non-finite entry gives an empty result, not a panic.
#[test]
fn eigen3_non_finite_is_empty() {
    let mut a = Matrix3::identity();
    a[(1, 2)] = f64::INFINITY;
    let eig = eigen3(&a);
    assert!(eig.real.is_empty() && eig.complex.is_none());
}

/// On random 3×3 matrices every eigenpair satisfies A·v = λ·v, and complex
/// pairs satisfy the rotation form.
#[test]
fn eigen3_properties_on_random_matrices() {
    let mut complex = 0;
    for seed in SEEDS {
        let a = transform::random::<3>(seed);
        check_eigen3(&a);
        complex += usize::from(eigen3(&a).complex.is_some());
        // Symmetric matrices have only real eigenvalues.
        let s = a + a.transpose();
        assert!(
            eigen3(&s).complex.is_none(),
            "symmetric {s} has a complex pair"
        );
        check_eigen3(&s);
    }
    assert!(complex > 20 && complex < 280, "{complex} complex pairs");
}

// ---------------------------------------------------------------------------
// SVD
// ---------------------------------------------------------------------------

/// diag(3, −2): σ = (3, 2), V = I, and the reflection sits in U = diag(1, −1);
/// the rotation form moves it into σ: U = I, σ = (3, −2).
#[test]
fn svd_of_diag_3_minus_2() {
    let d = svd(&preset2::scale(3.0, -2.0));
    assert_eq!(d.sigma, Vector2::new(3.0, 2.0));
    assert_eq!(d.u, preset2::scale(1.0, -1.0));
    assert_eq!(d.v_t, Matrix2::identity());
    assert!(d.flips());
    let (u, sigma, v_t) = d.rotation_form();
    assert_eq!(u, Matrix2::identity());
    assert_eq!(sigma, Vector2::new(3.0, -2.0));
    assert_eq!(v_t, Matrix2::identity());
}

/// [[3,0],[4,5]]: σ = (3√5, √5), v₁ = (1,1)/√2, u₁ = (1,3)/√10.
#[test]
fn svd_hand_checked() {
    let a = Matrix2::new(3.0, 0.0, 4.0, 5.0);
    let d = svd(&a);
    let s5 = 5.0f64.sqrt();
    assert_close(&d.sigma, &Vector2::new(3.0 * s5, s5), 1e-14, "σ");
    let h = FRAC_1_SQRT_2;
    assert_close(&d.v_t, &Matrix2::new(h, h, -h, h), 1e-15, "Vᵀ");
    let u = Matrix2::new(1.0, -3.0, 3.0, 1.0) / 10.0f64.sqrt();
    assert_close(&d.u, &u, 1e-15, "U");
    assert!(!d.flips());
}

/// Repeated and zero singular values give finite, orthogonal factors.
#[test]
fn svd_degenerate_cases_have_no_nan() {
    let zero = svd(&Matrix2::<f64>::zeros());
    assert_eq!(zero.sigma, Vector2::zeros());
    assert_eq!(
        (zero.u, zero.v_t),
        (Matrix2::identity(), Matrix2::identity())
    );

    let rot = svd(&preset2::rotation(0.7));
    assert_close(&rot.sigma, &Vector2::repeat(1.0), 1e-15, "σ of a rotation");
    assert_close(&rot.matrix(), &preset2::rotation(0.7), 1e-15, "UΣVᵀ");

    let scalar = svd(&(Matrix3::identity() * 2.0));
    assert_eq!(scalar.sigma, Vector3::repeat(2.0));

    let rank1 = svd(&Matrix2::new(1.0, 2.0, 2.0, 4.0));
    assert_close(&rank1.sigma, &Vector2::new(5.0, 0.0), 1e-15, "σ of rank 1");
    assert_near(
        rank1.u.determinant(),
        1.0,
        1e-15,
        "det U of a singular matrix",
    );

    let flat = Vector3::new(1.0, 2.0, 2.0) * Vector3::new(0.0, 3.0, 4.0).transpose();
    let d = svd(&flat);
    assert_close(
        &d.sigma,
        &Vector3::new(15.0, 0.0, 0.0),
        1e-14,
        "σ of rank-1 3×3",
    );
    for m in [d.u, d.v_t] {
        assert!(m.iter().all(|x| x.is_finite()));
        assert_orthogonal(&m, 1e-15, "factor of rank-1 3×3");
    }
    assert_close(&d.matrix(), &flat, 1e-14, "UΣVᵀ of rank-1 3×3");

    let nan = svd(&Matrix2::repeat(f64::NAN));
    assert!(nan.sigma.iter().all(|s| s.is_nan()));
}

/// Checks the SVD contract on `a`: UΣVᵀ = A, orthogonal factors, det V = +1,
/// det U = sign(det A) for full rank, σ descending and ≥ 0, |det A| = Πσ,
/// the sign rule on V, and that the rotation form also reconstructs A.
#[track_caller]
fn check_svd<const N: usize>(a: &SMatrix<f64, N, N>)
where
    SMatrix<f64, N, N>: Square,
{
    let tol = 1e-12 * scale(a);
    let d = svd(a);
    assert_close(&d.matrix(), a, tol, "UΣVᵀ = A");
    assert_orthogonal(&d.u, 1e-13, "U");
    assert_orthogonal(&d.v_t, 1e-13, "Vᵀ");
    assert_near(det(&d.v_t), 1.0, 1e-13, "det V = +1");
    for i in 0..N {
        assert!(d.sigma[i] >= 0.0);
        if i > 0 {
            assert!(d.sigma[i - 1] >= d.sigma[i], "σ descending: {}", d.sigma);
        }
    }
    let product: f64 = d.sigma.iter().product();
    assert_near(
        det(a).abs(),
        product,
        tol * scale(a).powi(N as i32 - 1),
        "|det| = Πσ",
    );
    if rank(a, None) == N {
        assert_near(det(&d.u), det(a).signum(), 1e-13, "det U = sign det A");
    } else {
        assert_near(det(&d.u), 1.0, 1e-13, "det U = +1 when singular");
    }
    for i in 0..N - 1 {
        let v = d.v_t.row(i);
        let first = v.iter().find(|x| x.abs() > 1e-12).copied().unwrap_or(1.0);
        assert!(first > 0.0, "v{i} = {v} breaks the sign rule");
    }
    let (u, sigma, v_t) = d.rotation_form();
    assert_near(det(&u), 1.0, 1e-13, "rotation form: det U = +1");
    assert_close(
        &(u * SMatrix::from_diagonal(&sigma) * v_t),
        a,
        tol,
        "rotation form = A",
    );
}

/// The SVD contract holds on random 2×2 and 3×3 matrices, on singular ones
/// built from them, and on the presets.
#[test]
fn svd_properties_on_random_matrices() {
    for seed in SEEDS {
        let a2 = transform::random::<2>(seed);
        check_svd(&a2);
        let a3 = transform::random::<3>(seed);
        check_svd(&a3);
        // Rank 2 and rank 1 in 3D: zero a singular value.
        let d = svd(&a3);
        let mut sigma = d.sigma;
        sigma[2] = 0.0;
        check_svd(&(d.u * SMatrix::from_diagonal(&sigma) * d.v_t));
        sigma[1] = 0.0;
        check_svd(&(d.u * SMatrix::from_diagonal(&sigma) * d.v_t));
    }
    for a in [
        preset2::reflection(0.4),
        preset2::projection(-1.0),
        preset2::shear_x(2.0),
        preset2::rotation(PI),
        Matrix2::zeros(),
    ] {
        check_svd(&a);
    }
    for a in [
        preset3::reflection(&Vector3::new(1.0, 1.0, 0.0)),
        preset3::projection_onto_line(&Vector3::new(1.0, 2.0, 3.0)),
        preset3::rotation_x(PI),
        preset3::scale(-1.0, -1.0, -1.0),
        Matrix3::zeros(),
    ] {
        check_svd(&a);
    }
}

// ---------------------------------------------------------------------------
// Polar decomposition
// ---------------------------------------------------------------------------

/// R(30°)·diag(2, 3) splits back into R(30°) and diag(2, 3).
#[test]
fn polar_hand_checked() {
    let p = polar(&(preset2::rotation(FRAC_PI_6) * preset2::scale(2.0, 3.0)));
    assert_close(&p.r, &preset2::rotation(FRAC_PI_6), 1e-15, "R");
    assert_close(&p.s, &preset2::scale(2.0, 3.0), 1e-14, "S");
    // A reflection is its own orthogonal factor, with S = I.
    let refl = preset2::reflection(0.3);
    let p = polar(&refl);
    assert_close(&p.r, &refl, 1e-15, "R of a reflection");
    assert_close(&p.s, &Matrix2::identity(), 1e-15, "S of a reflection");
    // The zero matrix: R = I, S = 0.
    let p = polar(&Matrix3::zeros());
    assert_eq!((p.r, p.s), (Matrix3::identity(), Matrix3::zeros()));
}

/// Checks A = R·S, R orthogonal (a rotation unless det A < 0), S symmetric PSD.
#[track_caller]
fn check_polar<const N: usize>(a: &SMatrix<f64, N, N>)
where
    SMatrix<f64, N, N>: Square,
{
    let tol = 1e-12 * scale(a);
    let p = polar(a);
    assert_close(&(p.r * p.s), a, tol, "R·S = A");
    assert_orthogonal(&p.r, 1e-13, "R");
    if det(a) > 0.0 || rank(a, None) < N {
        assert_near(det(&p.r), 1.0, 1e-13, "R is a rotation");
    } else {
        assert_near(det(&p.r), -1.0, 1e-13, "R is a reflection");
    }
    assert_eq!(p.s, p.s.transpose(), "S symmetric");
    // Dynamic size: nalgebra's symmetric eigen-solver is not generic over const N.
    let s = nalgebra::DMatrix::from_iterator(N, N, p.s.iter().copied());
    let min_eigen = s.symmetric_eigenvalues().min();
    assert!(min_eigen >= -tol, "S not PSD: eigenvalue {min_eigen}");
}

/// The polar contract holds on random 2×2 and 3×3 matrices, singular ones included.
#[test]
fn polar_properties_on_random_matrices() {
    for seed in SEEDS {
        check_polar(&transform::random::<2>(seed));
        check_polar(&transform::random::<3>(seed));
    }
    check_polar(&Matrix2::new(1.0, 2.0, 2.0, 4.0));
    check_polar(&Matrix3::new(2.0, 0.0, 1.0, 1.0, 3.0, 2.0, 1.0, 1.0, 1.0));
    check_polar(&preset3::projection_onto_line(&Vector3::new(
        0.0, 1.0, -1.0,
    )));
}

// ---------------------------------------------------------------------------
// Interpolation
// ---------------------------------------------------------------------------

/// lerp, polar_lerp and svd_steps start at I and end at A.
#[test]
fn interpolations_start_at_identity_and_end_at_a() {
    fn check<const N: usize>(a: &SMatrix<f64, N, N>)
    where
        SMatrix<f64, N, N>: Square,
    {
        let tol = 1e-12 * scale(a);
        let id = SMatrix::identity();
        assert_close(&lerp(a, 0.0), &id, 0.0, "lerp(0)");
        assert_close(&lerp(a, 1.0), a, 0.0, "lerp(1)");
        assert_close(&polar_lerp(a, 0.0), &id, tol, "polar_lerp(0)");
        assert_close(&polar_lerp(a, 1.0), a, tol, "polar_lerp(1)");
        assert_close(&svd_steps(a, 0.0).matrix, &id, tol, "svd_steps(0)");
        assert_close(&svd_steps(a, 1.0).matrix, a, tol, "svd_steps(1)");
    }
    for seed in SEEDS {
        check(&transform::random::<2>(seed));
        check(&transform::random::<3>(seed));
    }
    check(&preset2::reflection(1.0));
    check(&preset2::rotation(PI));
    check(&preset3::rotation_y(PI));
    check(&Matrix2::zeros());
}

/// lerp halfway is the average of I and A.
#[test]
fn lerp_hand_checked() {
    let a = Matrix2::new(3.0, 2.0, -2.0, 5.0);
    assert_eq!(lerp(&a, 0.5), Matrix2::new(2.0, 1.0, -1.0, 3.0));
}

/// polar_lerp of a rotation turns through intermediate rotations: |det| = 1
/// throughout and, halfway, the rotation by half the angle (lerp would pass
/// through a shrunken matrix).
#[test]
fn polar_lerp_of_rotation_stays_a_rotation() {
    let a = preset2::rotation(2.5);
    let b = preset3::rotation(&Vector3::new(1.0, 1.0, 0.0), 3.0);
    for i in 0..=20 {
        let t = f64::from(i) / 20.0;
        let m = polar_lerp(&a, t);
        assert_near(det(&m), 1.0, 1e-12, "det along a 2D rotation");
        assert_orthogonal(&m, 1e-12, "2D polar_lerp");
        let m = polar_lerp(&b, t);
        assert_near(det(&m), 1.0, 1e-12, "det along a 3D rotation");
        assert_orthogonal(&m, 1e-12, "3D polar_lerp");
    }
    assert_close(
        &polar_lerp(&a, 0.5),
        &preset2::rotation(1.25),
        1e-12,
        "half of 2.5 rad",
    );
    let half = preset3::rotation(&Vector3::new(1.0, 1.0, 0.0), 1.5);
    assert_close(
        &polar_lerp(&b, 0.5),
        &half,
        1e-12,
        "half of 3 rad about (1,1,0)",
    );
    assert!(det(&lerp(&a, 0.5)) < 0.2, "lerp shrinks a rotation");
}

/// A half turn has no preferred direction; polar_lerp still turns (by 90° at
/// t = ½) instead of collapsing.
#[test]
fn polar_lerp_of_half_turn() {
    let m = polar_lerp(&preset3::rotation_z(PI), 0.5);
    assert_orthogonal(&m, 1e-12, "halfway");
    assert_close(&(m * m), &preset3::rotation_z(PI), 1e-12, "halfway squared");
}

/// With det A < 0 the path is continuous, has a rotation for its turning part,
/// and its determinant changes sign once (the flip through zero).
#[test]
fn polar_lerp_through_a_reflection() {
    let a = preset2::reflection(0.5) * preset2::scale(2.0, 1.0);
    let steps = 200;
    let mut prev = polar_lerp(&a, 0.0);
    let mut sign_changes = 0;
    for i in 1..=steps {
        let m = polar_lerp(&a, f64::from(i) / f64::from(steps));
        assert!((m - prev).amax() < 0.1, "jump at step {i}");
        if det(&m).signum() != det(&prev).signum() {
            sign_changes += 1;
        }
        prev = m;
    }
    assert_eq!(sign_changes, 1);
}

/// svd_steps is continuous at the step boundaries ⅓ and ⅔, reports the step
/// index, and its first step is a pure rotation.
#[test]
fn svd_steps_continuous_at_boundaries() {
    fn check<const N: usize>(a: &SMatrix<f64, N, N>)
    where
        SMatrix<f64, N, N>: Square,
    {
        let h = 1e-9;
        for boundary in [1.0 / 3.0, 2.0 / 3.0] {
            let before = svd_steps(a, boundary - h);
            let after = svd_steps(a, boundary + h);
            assert_eq!(before.step + 1, after.step);
            assert_close(
                &before.matrix,
                &after.matrix,
                1e-7 * scale(a),
                "across a boundary",
            );
        }
        assert_eq!(svd_steps(a, 0.1).step, 0);
        assert_eq!(svd_steps(a, 0.5).step, 1);
        assert_eq!(svd_steps(a, 0.9).step, 2);
        assert_near(svd_steps(a, 0.5).progress, 0.5, 1e-12, "progress");
        let turn = svd_steps(a, 0.2).matrix;
        assert_orthogonal(&turn, 1e-12, "step 0 rotates");
        assert_near(det(&turn), 1.0, 1e-12, "step 0 is proper");
        let d = svd(a);
        let (_, sigma, v_t) = d.rotation_form();
        let stretched = SMatrix::from_diagonal(&sigma) * v_t;
        assert_close(
            &svd_steps(a, 2.0 / 3.0).matrix,
            &stretched,
            1e-12,
            "Σ·Vᵀ at ⅔",
        );
    }
    for seed in SEEDS {
        check(&transform::random::<2>(seed));
        check(&transform::random::<3>(seed));
    }
    // Out-of-range t is clamped.
    let a = preset2::shear_x(1.0);
    assert_eq!(svd_steps(&a, 2.0), svd_steps(&a, 1.0));
    assert_eq!(svd_steps(&a, -1.0).matrix, Matrix2::identity());
}

/// rotation_pow interpolates the angle: R(θ)ᵗ = R(tθ).
#[test]
fn rotation_pow_hand_checked() {
    assert_close(
        &rotation_pow(&preset2::rotation(1.2), 0.25),
        &preset2::rotation(0.3),
        1e-15,
        "2D",
    );
    let axis = Vector3::new(0.0, 3.0, 4.0);
    let r = preset3::rotation(&axis, 2.0);
    assert_close(
        &rotation_pow(&r, 0.5),
        &preset3::rotation(&axis, 1.0),
        1e-14,
        "3D",
    );
    assert_close(
        &rotation_pow(&Matrix3::identity(), 0.3),
        &Matrix3::identity(),
        0.0,
        "I",
    );
}

// ---------------------------------------------------------------------------
// Subspaces
// ---------------------------------------------------------------------------

/// Projection onto the line at 30°: everything lands on that line, the
/// perpendicular line is lost.
#[test]
fn subspaces_of_projection_2d() {
    let s = subspaces(&preset2::projection(FRAC_PI_6), None);
    let (sin, cos) = FRAC_PI_6.sin_cos();
    assert_eq!(s.rank, 1);
    assert_close(
        &s.column_space[0],
        &Vector2::new(cos, sin),
        1e-15,
        "column space",
    );
    assert_close(
        &s.null_space[0],
        &Vector2::new(sin, -cos),
        1e-15,
        "null space",
    );
}

/// Rank 0: nothing survives, and the null space is the whole plane.
#[test]
fn subspaces_of_zero() {
    let s = subspaces(&Matrix2::zeros(), None);
    assert_eq!(s.rank, 0);
    assert!(s.column_space.is_empty());
    assert_eq!(s.null_space, vec![Vector2::x(), Vector2::y()]);
}

/// Projection onto a plane in 3D keeps the plane and loses its normal;
/// projection onto a line keeps the line and loses a plane.
#[test]
fn subspaces_of_projections_3d() {
    let n = Vector3::new(1.0, 2.0, 2.0) / 3.0;
    let s = subspaces(&preset3::projection_onto_plane(&n), None);
    assert_eq!(
        (s.rank, s.column_space.len(), s.null_space.len()),
        (2, 2, 1)
    );
    assert_close(&s.null_space[0], &n, 1e-15, "null line is the normal");
    for c in &s.column_space {
        assert_near(c.dot(&n), 0.0, 1e-15, "column plane ⟂ normal");
    }
    let s = subspaces(&preset3::projection_onto_line(&n), None);
    assert_eq!((s.rank, s.null_space.len()), (1, 2));
    assert_close(&s.column_space[0], &n, 1e-15, "column line");
    for v in &s.null_space {
        assert_near(v.dot(&n), 0.0, 1e-15, "null plane ⟂ line");
    }
}

/// On random singular matrices the bases are orthonormal, A sends the null
/// space to zero, and A's columns lie in the column space.
#[test]
fn subspaces_properties_on_random_singular_matrices() {
    fn check<const N: usize>(a: &SMatrix<f64, N, N>, rank: usize)
    where
        SMatrix<f64, N, N>: Square,
    {
        let tol = 1e-12 * scale(a);
        let s = subspaces(a, None);
        assert_eq!(s.rank, rank, "{a}");
        assert_eq!(s.column_space.len() + s.null_space.len(), N);
        for v in &s.null_space {
            assert_close(&(a * v), &SVector::zeros(), tol, "A·null = 0");
        }
        for space in [&s.column_space, &s.null_space] {
            for (i, v) in space.iter().enumerate() {
                for (j, w) in space.iter().enumerate() {
                    let expected = if i == j { 1.0 } else { 0.0 };
                    assert_near(v.dot(w), expected, 1e-13, "orthonormal basis");
                }
            }
        }
        for j in 0..N {
            let col = a.column(j).into_owned();
            let projected: SVector<f64, N> = s.column_space.iter().map(|c| c * c.dot(&col)).sum();
            assert_close(&projected, &col, tol, "columns lie in the column space");
        }
    }
    for seed in SEEDS {
        let x2 = transform::random::<2>(seed).column(0).into_owned();
        let y2 = transform::random::<2>(seed + 1000).column(1).into_owned();
        if x2.norm() > 0.1 && y2.norm() > 0.1 {
            check(&(x2 * y2.transpose()), 1);
        }
        let a3 = transform::random::<3>(seed);
        let b3 = transform::random::<3>(seed + 1000);
        let (x, y) = (a3.column(0).into_owned(), a3.column(1).into_owned());
        let (p, q) = (b3.column(0).into_owned(), b3.column(1).into_owned());
        let plane = x * p.transpose() + y * q.transpose();
        if rank(&plane, Some(1e-6)) == 2 {
            check(&plane, 2);
        }
        if x.norm() > 0.1 && p.norm() > 0.1 {
            check(&(x * p.transpose()), 1);
        }
    }
}

// ---------------------------------------------------------------------------
// Inverse and determinant on random matrices
// ---------------------------------------------------------------------------

/// inverse·A = A·inverse = I wherever the inverse exists, and det(A⁻¹) = 1/det A.
#[test]
fn inverse_properties_on_random_matrices() {
    fn check<const N: usize>(a: &SMatrix<f64, N, N>)
    where
        SMatrix<f64, N, N>: Square,
    {
        match inverse(a) {
            Ok(inv) => {
                let tol = 1e-12 * condition_number(a);
                assert_close(&(inv * a), &SMatrix::identity(), tol, "A⁻¹·A = I");
                assert_close(&(a * inv), &SMatrix::identity(), tol, "A·A⁻¹ = I");
                assert_near(det(&inv) * det(a), 1.0, tol, "det A⁻¹ · det A = 1");
            }
            Err(e) => assert!(e.det.abs() < 1e-12, "refused {a} with det {}", e.det),
        }
    }
    let mut invertible = 0;
    for seed in SEEDS {
        check(&transform::random::<2>(seed));
        check(&transform::random::<3>(seed));
        invertible += usize::from(inverse(&transform::random::<3>(seed)).is_ok());
    }
    assert!(invertible > 250, "only {invertible} invertible");
}

// ---------------------------------------------------------------------------
// Presets, composition, random
// ---------------------------------------------------------------------------

/// The 2D presets send the basis vectors where the pictures say.
#[test]
fn presets_2d_hand_checked() {
    let (x, y) = (Vector2::x(), Vector2::y());
    assert_close(
        &(preset2::rotation(FRAC_PI_2) * x),
        &y,
        1e-15,
        "rotation 90°: x → y",
    );
    assert_eq!(
        preset2::scale(2.0, -3.0) * Vector2::new(1.0, 1.0),
        Vector2::new(2.0, -3.0)
    );
    assert_eq!(preset2::shear_x(0.5) * y, Vector2::new(0.5, 1.0));
    assert_eq!(preset2::shear_y(0.5) * x, Vector2::new(1.0, 0.5));
    let swap = preset2::reflection(PI / 4.0);
    assert_close(
        &swap,
        &Matrix2::new(0.0, 1.0, 1.0, 0.0),
        1e-15,
        "reflection across y = x",
    );
    assert_close(
        &preset2::projection(0.0),
        &preset2::scale(1.0, 0.0),
        0.0,
        "projection onto x",
    );
    let p = preset2::projection(1.1);
    assert_close(&(p * p), &p, 1e-15, "projection is idempotent");
}

/// The 3D presets send the basis vectors where the pictures say.
#[test]
fn presets_3d_hand_checked() {
    use preset3::Axis;
    let (x, y, z) = (Vector3::x(), Vector3::y(), Vector3::z());
    assert_close(
        &(preset3::rotation_x(FRAC_PI_2) * y),
        &z,
        1e-15,
        "rot x: y → z",
    );
    assert_close(
        &(preset3::rotation_y(FRAC_PI_2) * z),
        &x,
        1e-15,
        "rot y: z → x",
    );
    assert_close(
        &(preset3::rotation_z(FRAC_PI_2) * x),
        &y,
        1e-15,
        "rot z: x → y",
    );
    let about_z = preset3::rotation(&Vector3::new(0.0, 0.0, 5.0), 0.7);
    assert_close(
        &about_z,
        &preset3::rotation_z(0.7),
        1e-15,
        "axis-angle about z",
    );
    assert_eq!(
        preset3::rotation(&Vector3::zeros(), 1.0),
        Matrix3::identity()
    );
    assert_eq!(
        preset3::scale(1.0, 2.0, 3.0) * Vector3::repeat(1.0),
        Vector3::new(1.0, 2.0, 3.0)
    );
    assert_eq!(
        preset3::shear(Axis::X, Axis::Z, 2.0) * Vector3::new(1.0, 1.0, 1.0),
        Vector3::new(3.0, 1.0, 1.0)
    );
    assert_eq!(preset3::reflection(&Vector3::new(0.0, 2.0, 0.0)) * y, -y);
    let p = preset3::projection_onto_plane(&Vector3::new(0.0, 0.0, 3.0));
    assert_eq!(p * Vector3::new(1.0, 2.0, 3.0), Vector3::new(1.0, 2.0, 0.0));
    let l = preset3::projection_onto_line(&Vector3::new(2.0, 0.0, 0.0));
    assert_eq!(l * Vector3::new(1.0, 2.0, 3.0), Vector3::new(1.0, 0.0, 0.0));
}

/// compose applies the list in order: scale by (2, 1), then rotate by 90°,
/// sends x to (0, 2) — the product rotation·scale.
#[test]
fn compose_applies_first_map_first() {
    let scale = preset2::scale(2.0, 1.0);
    let rotate = preset2::rotation(FRAC_PI_2);
    let both = compose(&[scale, rotate]);
    assert_close(
        &(both * Vector2::x()),
        &Vector2::new(0.0, 2.0),
        1e-15,
        "x ↦ (0, 2)",
    );
    assert_eq!(both, rotate * scale);
    assert_eq!(compose::<3>(&[]), Matrix3::identity());
}

/// Random matrices repeat with the seed, differ between seeds, and have
/// entries that are multiples of 0.1 in [−2, 2].
#[test]
fn random_is_seeded_and_rounded() {
    assert_eq!(transform::random::<3>(7), transform::random::<3>(7));
    assert_ne!(transform::random::<3>(7), transform::random::<3>(8));
    for seed in SEEDS {
        for x in &transform::random::<3>(seed) {
            assert!((-2.0..=2.0).contains(x), "{x}");
            assert_near(x * 10.0, (x * 10.0).round(), 1e-12, "multiple of 0.1");
        }
    }
}

// ---------------------------------------------------------------------------
// The animation path (`Path`) and the prepared math (`prepare`)
// ---------------------------------------------------------------------------
const ALL_INTERPOLATIONS: [Interpolation; 3] = [
    Interpolation::Linear,
    Interpolation::Polar,
    Interpolation::Svd,
];

/// Every path starts at I (progress 0) and ends at A (progress 1), for a
/// single matrix and for a composition, in 2D and 3D.
#[test]
fn path_runs_from_identity_to_a() {
    fn check<const N: usize>(a: &SMatrix<f64, N, N>, steps: &[SMatrix<f64, N, N>])
    where
        SMatrix<f64, N, N>: Square,
    {
        let id = SMatrix::<f64, N, N>::identity();
        let target = if steps.is_empty() { *a } else { compose(steps) };
        let tol = 1e-12 * scale(&target).max(1.0);
        for how in ALL_INTERPOLATIONS {
            let path = Path::new(&target, steps, how);
            assert_eq!(path.interpolation(), how);
            assert_close(&path.at(0.0).0, &id, tol, "progress 0");
            assert_close(&path.at(1.0).0, &target, tol, "progress 1");
            // Out of range progress is clamped.
            assert_eq!(path.at(-0.5).0, path.at(0.0).0);
            assert_eq!(path.at(1.5).0, path.at(1.0).0);
        }
    }
    for seed in 0..40 {
        let (a2, b2) = (
            transform::random::<2>(seed),
            transform::random::<2>(seed + 1000),
        );
        check(&a2, &[]);
        check(&a2, &[a2, b2]);
        let (a3, b3) = (
            transform::random::<3>(seed),
            transform::random::<3>(seed + 1000),
        );
        check(&a3, &[]);
        check(&a3, &[a3, b3, a3]);
    }
}

/// The path gives exactly what the single-matrix functions give: lerp and
/// polar_lerp eased, svd_steps not.
#[test]
fn path_agrees_with_the_interpolation_functions() {
    let a = Matrix2::new(1.2, 0.6, -0.4, 0.9);
    for i in 0..=20 {
        let t = f64::from(i) / 20.0;
        let (m, stage) = Path::new(&a, &[], Interpolation::Linear).at(t);
        assert_eq!(m, lerp(&a, ease(t)));
        assert_eq!(stage, Stage::Plain);
        let (m, _) = Path::new(&a, &[], Interpolation::Polar).at(t);
        assert_eq!(m, polar_lerp(&a, ease(t)));
        let (m, stage) = Path::new(&a, &[], Interpolation::Svd).at(t);
        let s = svd_steps(&a, t);
        assert_eq!(m, s.matrix);
        assert_eq!(stage, Stage::Svd { step: s.step });
    }
}

/// A frame's t is the parameter its matrix is at, what a caption must name:
/// the eased progress on a straight or turning path (the matrix is lerp or
/// polar_lerp at t, not at the progress), the eased progress within the
/// current map of a composition, and the progress within an SVD step.
#[test]
fn a_frame_names_the_t_its_matrix_is_at() {
    let a = Matrix2::new(1.2, 0.9, -0.3, 0.8);
    let b = Matrix2::new(0.5, 0.0, 0.2, 1.5);
    for i in 1..20 {
        let p = f64::from(i) / 20.0;
        let f = Path::new(&a, &[], Interpolation::Linear).frame(p);
        assert_eq!(f.t.to_bits(), ease(p).to_bits());
        assert_eq!(f.matrix, lerp(&a, f.t));
        if (p - 0.5).abs() > 1e-12 {
            assert!((f.t - p).abs() > 1e-3, "at {p} the eased t is {}", f.t);
        }
        let f = Path::new(&a, &[], Interpolation::Polar).frame(p);
        assert_eq!(f.matrix, polar_lerp(&a, f.t));
        let f = Path::new(&a, &[], Interpolation::Svd).frame(p);
        assert_eq!(f.t.to_bits(), svd_steps(&a, p).progress.to_bits());
        let f = Path::new(&(b * a), &[a, b], Interpolation::Linear).frame(p);
        let Stage::Composition { index, .. } = f.stage else {
            panic!("a composition's stage: {:?}", f.stage);
        };
        let m = if index == 0 {
            lerp(&a, f.t)
        } else {
            lerp(&b, f.t) * a
        };
        assert_close(&f.matrix, &m, 1e-12, "the composition at its t");
    }
}

/// The SVD path passes through Vᵀ at ⅓ and Σ·Vᵀ at ⅔ (in the rotation form:
/// the last σ signed when A flips), in 2D and 3D.
#[test]
fn svd_path_passes_through_v_t_and_sigma_v_t() {
    fn check<const N: usize>(a: &SMatrix<f64, N, N>)
    where
        SMatrix<f64, N, N>: Square,
    {
        let (_, sigma, v_t) = svd(a).rotation_form();
        let path = Path::new(a, &[], Interpolation::Svd);
        let tol = 1e-10 * scale(a).max(1.0);
        assert_close(&path.at(1.0 / 3.0).0, &v_t, tol, "Vᵀ at 1/3");
        let stretched = SMatrix::from_diagonal(&sigma) * v_t;
        assert_close(&path.at(2.0 / 3.0).0, &stretched, tol, "Σ·Vᵀ at 2/3");
        assert_eq!(path.at(0.2).1, Stage::Svd { step: 0 });
        assert_eq!(path.at(0.5).1, Stage::Svd { step: 1 });
        assert_eq!(path.at(0.9).1, Stage::Svd { step: 2 });
    }
    check(&Matrix2::new(1.2, 0.6, -0.4, 0.9));
    check(&Matrix2::new(0.0, 1.0, 1.0, 0.0)); // a reflection: det < 0
    for seed in SEEDS.take(50) {
        check(&transform::random::<2>(seed));
        check(&transform::random::<3>(seed));
    }
}

/// The polar path keeps a rotation a rotation: det 1 and orthogonal at every
/// progress (the linear one shrinks it through the middle).
#[test]
fn polar_path_keeps_a_rotations_determinant_one() {
    let paths2 = Path::new(&preset2::rotation(2.5), &[], Interpolation::Polar);
    let axis = Vector3::new(1.0, -2.0, 0.5);
    let paths3 = Path::new(&preset3::rotation(&axis, 2.0), &[], Interpolation::Polar);
    for i in 0..=50 {
        let t = f64::from(i) / 50.0;
        let m2 = paths2.at(t).0;
        assert_near(det(&m2), 1.0, 1e-12, "2D det");
        assert_orthogonal(&m2, 1e-12, "2D polar path");
        let m3 = paths3.at(t).0;
        assert_near(det(&m3), 1.0, 1e-12, "3D det");
        assert_orthogonal(&m3, 1e-12, "3D polar path");
    }
    let linear = Path::new(&preset2::rotation(2.5), &[], Interpolation::Linear);
    assert!(det(&linear.at(0.5).0) < 0.5, "the linear path shrinks");
}

/// A composition plays its maps one at a time: after step i of k (progress
/// i/k) the points have been carried by M₁ … Mᵢ, and the stage says which
/// map is playing.
#[test]
fn composition_path_applies_one_step_at_a_time() {
    let steps = [
        preset2::scale(2.0, 1.0),
        preset2::rotation(FRAC_PI_2),
        preset2::shear_x(1.0),
    ];
    let a = compose(&steps);
    for how in [Interpolation::Linear, Interpolation::Polar] {
        let path = Path::new(&a, &steps, how);
        for i in 0..=3 {
            let expected = compose(&steps[..i]);
            let (m, _) = path.at(i as f64 / 3.0);
            assert_close(&m, &expected, 1e-12, "after i steps");
        }
        assert_eq!(path.at(0.5).1, Stage::Composition { index: 1, count: 3 });
        assert_eq!(path.at(1.0).1, Stage::Composition { index: 2, count: 3 });
        // Midway through step 2 only M₂ moves: M₁ is fully applied.
        let (mid, _) = path.at(0.5);
        let m2_half = match how {
            Interpolation::Polar => polar_lerp(&steps[1], ease(0.5)),
            _ => lerp(&steps[1], ease(0.5)),
        };
        assert_close(&mid, &(m2_half * steps[0]), 1e-12, "midway through step 2");
    }
}

/// A frame carries the matrix's determinant and SVD.
#[test]
fn frame_has_the_determinant_and_svd_of_its_matrix() {
    let a = Matrix3::new(1.2, 0.3, 0.0, 0.1, 0.9, 0.4, 0.0, 0.2, 1.1);
    let path = Path::new(&a, &[], Interpolation::Polar);
    let f = path.frame(0.4);
    assert_eq!(f.matrix, path.at(0.4).0);
    assert_eq!(f.det.to_bits(), det(&f.matrix).to_bits());
    assert_eq!(f.svd, svd(&f.matrix));
}

/// prepare computes the same numbers as the functions one by one.
#[test]
fn prepare_matches_the_single_functions() {
    fn check<const N: usize>(a: &SMatrix<f64, N, N>)
    where
        SMatrix<f64, N, N>: Square,
    {
        let p = prepare(a, &[], Interpolation::Linear);
        assert_eq!(p.a, *a);
        assert_eq!(p.det.to_bits(), det(a).to_bits());
        assert_eq!(p.trace.to_bits(), trace(a).to_bits());
        assert_eq!(p.rank, rank(a, None));
        assert_eq!(p.condition.to_bits(), condition_number(a).to_bits());
        assert_eq!(p.inverse, inverse(a));
        assert_eq!(p.eigen, a.eigen());
        assert_eq!(p.svd, svd(a));
        assert_eq!(p.subspaces, subspaces(a, None));
        assert_eq!(p.path, Path::new(a, &[], Interpolation::Linear));
    }
    check(&Matrix2::new(1.0, 2.0, 0.5, 1.0));
    check(&Matrix3::zeros());
    for seed in SEEDS.take(30) {
        check(&transform::random::<2>(seed));
        check(&transform::random::<3>(seed));
    }
    let p = prepare(&Matrix2::new(1.5, 0.5, 0.25, 1.0), &[], Interpolation::Svd);
    assert_eq!(p.eigen, eigen2(&p.a));
    let a3 = Matrix3::identity();
    assert_eq!(prepare(&a3, &[], Interpolation::Polar).eigen, eigen3(&a3));
}
