//! Regression: agreement with statsmodels and scikit-learn on Iris and on
//! Anscombe's first set, the projection properties (Xᵀr = 0, ŷ·r = 0) on
//! seeded random data, and the typed errors.

#![expect(
    clippy::unreadable_literal,
    reason = "reference values are pasted verbatim from Python's repr, to be compared by eye"
)]

use eigenlens::data::load_builtin;
use eigenlens::math::regress::{
    Ols, RegressError, correlation, covariance, fit_table, gradient_descent, normal_equations,
    ridge,
};

const TOL: f64 = 1e-8;

// Reference values, computed once with statsmodels 0.15.0, scikit-learn 1.9.1
// and NumPy (python3, this repository's root as working directory):
//
//     import numpy as np, statsmodels.api as sm
//     from sklearn.linear_model import LinearRegression, Ridge
//     X = np.loadtxt("assets/datasets/iris.csv", delimiter=",", skiprows=1, usecols=(0, 1, 2, 3))
//     y = X[:, 0]; Z = X[:, [2, 3]]
//     m = sm.OLS(y, sm.add_constant(Z)).fit()
//     m.params, m.bse, m.tvalues, m.rsquared, m.rsquared_adj, np.sqrt(m.scale)
//     m.get_influence().hat_matrix_diag[:3]
//     lr = LinearRegression().fit(Z, y); lr.intercept_, lr.coef_
//     r = Ridge(alpha=10.0).fit(Z, y); r.intercept_, r.coef_
//     np.corrcoef(X[:,0], X[:,2])[0,1], np.cov(X[:,0], X[:,2])[0,1]
//     x1 = [10,8,13,9,11,14,6,4,12,7,5]
//     y1 = [8.04,6.95,7.58,8.81,8.33,9.96,7.24,4.26,10.84,4.82,5.68]
//     a = sm.OLS(y1, sm.add_constant(x1)).fit(); a.params, a.bse, a.rsquared
const SM_PARAMS: [f64; 3] = [4.190582428651591, 0.541777153740106, -0.3195505606505614];
const SM_BSE: [f64; 3] = [0.0970458732055481, 0.06928179416273238, 0.16045261709426228];
const SM_T: [f64; 3] = [43.18145934733076, 7.819906517829981, -1.9915571739339888];
const SM_R2: f64 = 0.7662612975425307;
const SM_ADJ: f64 = 0.7630811791417488;
const SM_SIGMA: f64 = 0.4030554532632896;
const SM_LEVERAGE: [f64; 3] = [
    0.01869848287789877,
    0.01869848287789884,
    0.01975948120156804,
];
const SK_LR: [f64; 3] = [4.190582428651588, 0.5417771537401064, -0.3195505606505619];
const SK_RIDGE10: [f64; 3] = [4.3325442049474, 0.4082618384015055, -0.01955991689293234];
const NP_CORR: f64 = 0.8717537758865831;
const NP_COV: f64 = 1.2743154362416111;
const ANS_X1: [f64; 11] = [10., 8., 13., 9., 11., 14., 6., 4., 12., 7., 5.];
const ANS_Y1: [f64; 11] = [
    8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68,
];
const ANS_PARAMS: [f64; 2] = [3.0000909090909076, 0.5000909090909093];
const ANS_BSE: [f64; 2] = [1.1247467908086437, 0.1179055005956341];
const ANS_R2: f64 = 0.666542459508775;

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= TOL * b.abs().max(1.0),
        "{what}: {a} vs {b}"
    );
}

fn iris() -> (Vec<f64>, Vec<Vec<f64>>, Vec<String>) {
    let ds = load_builtin("iris").expect("built-in iris");
    let y = ds
        .column("sepal_length")
        .expect("sepal_length")
        .values
        .clone();
    let xs = ["petal_length", "petal_width"]
        .iter()
        .map(|n| ds.column(n).expect("column").values.clone())
        .collect();
    (y, xs, vec!["petal_length".into(), "petal_width".into()])
}

fn slices(cols: &[Vec<f64>]) -> Vec<&[f64]> {
    cols.iter().map(Vec::as_slice).collect()
}

#[test]
fn iris_two_predictors_match_statsmodels_and_sklearn() {
    let (y, xs, names) = iris();
    let f = Ols::fit(&y, &slices(&xs), &names).expect("fit");
    for j in 0..3 {
        close(f.coefficients[j], SM_PARAMS[j], "β");
        close(f.coefficients[j], SK_LR[j], "β sklearn");
        close(f.std_errors[j], SM_BSE[j], "SE");
        close(f.t[j], SM_T[j], "t");
        close(f.leverage[j], SM_LEVERAGE[j], "leverage");
    }
    close(f.r2, SM_R2, "R²");
    close(f.adjusted_r2, SM_ADJ, "adjusted R²");
    close(f.residual_std, SM_SIGMA, "σ");
    assert_eq!(f.names, ["intercept", "petal_length", "petal_width"]);
    // Leverage sums to the number of parameters (trace of the hat matrix).
    close(f.leverage.sum(), 3.0, "trace H");
}

#[test]
fn ridge_matches_sklearn_and_zero_is_ols() {
    let (y, xs, names) = iris();
    let b = ridge(&y, &slices(&xs), &names, 10.0).expect("ridge");
    for j in 0..3 {
        close(b[j], SK_RIDGE10[j], "ridge β");
    }
    let b0 = ridge(&y, &slices(&xs), &names, 0.0).expect("ridge 0");
    for j in 0..3 {
        close(b0[j], SM_PARAMS[j], "ridge λ=0");
    }
    // Larger λ shrinks the slopes' length.
    let b100 = ridge(&y, &slices(&xs), &names, 100.0).expect("ridge 100");
    assert!(b100.rows(1, 2).norm() < b.rows(1, 2).norm());
    assert!(matches!(
        ridge(&y, &slices(&xs), &names, -1.0),
        Err(RegressError::BadLambda(_))
    ));
}

#[test]
fn anscombe_first_set_matches_statsmodels() {
    let f = Ols::fit(&ANS_Y1, &[&ANS_X1], &["x".into()]).expect("fit");
    for j in 0..2 {
        close(f.coefficients[j], ANS_PARAMS[j], "β");
        close(f.std_errors[j], ANS_BSE[j], "SE");
    }
    close(f.r2, ANS_R2, "R²");
    // R² is the squared correlation for one predictor.
    close(correlation(&ANS_X1, &ANS_Y1).powi(2), ANS_R2, "corr²");
}

#[test]
fn correlation_and_covariance_match_numpy() {
    let ds = load_builtin("iris").expect("iris");
    let a = &ds.column("sepal_length").expect("c").values;
    let b = &ds.column("petal_length").expect("c").values;
    close(correlation(a, b), NP_CORR, "corr");
    close(covariance(a, b), NP_COV, "cov");
}

/// A tiny deterministic generator (xorshift) for property tests.
fn random(seed: u64, n: usize) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64 * 10.0 - 5.0
        })
        .collect()
}

#[test]
fn residual_is_perpendicular_to_columns_and_fit() {
    for seed in 1..20u64 {
        let n = 5 + (seed as usize * 7) % 40;
        let k = 1 + (seed as usize) % 4;
        let xs: Vec<Vec<f64>> = (0..k).map(|j| random(seed * 31 + j as u64, n)).collect();
        let y = random(seed * 977, n);
        let names: Vec<String> = (0..k).map(|j| format!("x{j}")).collect();
        let f = Ols::fit(&y, &slices(&xs), &names).expect("fit");
        let scale = y.iter().map(|v| v * v).sum::<f64>().sqrt() * 10.0;
        let (xtx, xty) = normal_equations(&y, &slices(&xs));
        // Xᵀr = Xᵀy − XᵀXβ = 0.
        let xtr = xty - xtx * &f.coefficients;
        assert!(
            xtr.amax() <= 1e-9 * scale * n as f64,
            "seed {seed}: Xᵀr = {xtr}"
        );
        assert!(
            f.residuals.sum().abs() <= 1e-9 * scale,
            "residuals sum to 0"
        );
        assert!(
            f.fitted.dot(&f.residuals).abs() <= 1e-9 * scale * scale,
            "ŷ·r = 0"
        );
        // R² = cos² of the angle between centred y and centred ŷ.
        let ybar = y.iter().sum::<f64>() / n as f64;
        let yc: Vec<f64> = y.iter().map(|v| v - ybar).collect();
        let fc: Vec<f64> = f.fitted.iter().map(|v| v - ybar).collect();
        let dot: f64 = yc.iter().zip(&fc).map(|(a, b)| a * b).sum();
        let cos2 = dot * dot
            / (yc.iter().map(|v| v * v).sum::<f64>() * fc.iter().map(|v| v * v).sum::<f64>());
        if f.r2 > 1e-6 {
            assert!(
                (cos2 - f.r2).abs() < 1e-9,
                "seed {seed}: cos² {cos2} vs R² {}",
                f.r2
            );
        }
    }
}

#[test]
fn gradient_descent_reaches_the_closed_form_and_large_rate_diverges() {
    let f = Ols::fit(&ANS_Y1, &[&ANS_X1], &["x".into()]).expect("fit");
    let path = gradient_descent(&ANS_Y1, &[&ANS_X1], &[0.0, 0.0], 0.01, 200_000);
    let last = path.last().expect("path");
    assert!((last[0] - f.coefficients[0]).abs() < 1e-6, "{last:?}");
    assert!((last[1] - f.coefficients[1]).abs() < 1e-6, "{last:?}");
    // The largest stable rate is 2 / λmax(2XᵀX/n) ≈ 0.0109 here; 0.02 diverges.
    let bad = gradient_descent(&ANS_Y1, &[&ANS_X1], &[0.0, 0.0], 0.02, 30);
    let l = |b: &Vec<f64>| eigenlens::math::regress::loss(&ANS_Y1, &[&ANS_X1], b);
    assert!(l(&bad[bad.len() - 1]) > 1e6 * l(&bad[0]), "diverges");
}

#[test]
fn typed_errors_name_the_column() {
    let x = [1.0, 2.0, 3.0, 4.0];
    let y = [1.0, 3.0, 2.0, 5.0];
    let twice: Vec<f64> = x.iter().map(|v| 2.0 * v + 1.0).collect();
    let e = Ols::fit(&y, &[&x, &twice], &["a".into(), "b".into()]).unwrap_err();
    assert!(
        matches!(&e, RegressError::Collinear { column, .. } if column == "b"),
        "{e}"
    );
    assert!(e.to_string().contains("\"b\""));
    let c = [7.0; 4];
    let e = Ols::fit(&y, &[&c], &["const".into()]).unwrap_err();
    assert!(
        matches!(&e, RegressError::Collinear { column, .. } if column == "const"),
        "{e}"
    );
    let e = Ols::fit(&y[..2], &[&x[..2]], &["a".into()]).unwrap_err();
    assert_eq!(
        e,
        RegressError::TooFewRows {
            rows: 2,
            parameters: 2
        }
    );
    let mut yn = y;
    yn[2] = f64::NAN;
    let e = Ols::fit(&yn, &[&x], &["a".into()]).unwrap_err();
    assert!(
        matches!(&e, RegressError::NotFinite { row: 2, column, .. } if column == "y"),
        "{e}"
    );
    // The table policy leaves the row out and counts it.
    let xx = [1.0, 2.0, 3.0, 4.0, 5.0];
    let yy = [1.0, f64::NAN, 2.0, 5.0, f64::INFINITY];
    let t = fit_table(&yy, &[&xx], &["a".into()]).expect("fit_table");
    assert_eq!(t.selection.rows, [0, 2, 3]);
    assert_eq!((t.selection.missing, t.selection.non_finite), (1, 1));
    let yy = [1.0, f64::NAN, f64::NAN, 5.0, f64::INFINITY];
    assert!(matches!(
        fit_table(&yy, &[&xx], &["a".into()]),
        Err(RegressError::TooFewUsableRows { usable: 2, .. })
    ));
}

// Anscombe's quartet, each set fitted once with statsmodels 0.15.0:
//     sm.OLS(y, sm.add_constant(x)).fit().params, .rsquared
// on the data of Anscombe (1973), as in src/math/regress/picture.rs.
const QUARTET: [([f64; 2], f64); 4] = [
    ([3.0000909090909076, 0.5000909090909093], 0.666542459508775),
    ([3.0009090909090905, 0.5000000000000001], 0.6662420337274844),
    ([3.0024545454545444, 0.4997272727272729], 0.6663240410665594),
    ([3.001727272727269, 0.49990909090909097], 0.6667072568984652),
];

#[test]
fn anscombe_quartet_matches_statsmodels_and_projection_cos2_is_r2() {
    use eigenlens::math::regress::{anscombe, loss, loss_grid, projection};
    for (set, (params, r2)) in QUARTET.iter().enumerate() {
        let (x, y) = anscombe(set).expect("set");
        let f = Ols::fit(&y, &[&x], &["x".into()]).expect("fit");
        close(f.coefficients[0], params[0], "β₀");
        close(f.coefficients[1], params[1], "β₁");
        close(f.r2, *r2, "R²");
        let p = projection(&f, &y);
        close(p.cos2, *r2, "cos²θ");
        // Pythagoras in observation space: |y − ȳ|² = |ŷ − ȳ|² + |r|².
        close(
            p.y_norm.powi(2),
            p.fitted_norm.powi(2) + p.residual_norm.powi(2),
            "Pythagoras",
        );
        // The grid's loss agrees with the direct sum, and its minimum is near β.
        let g = loss_grid(&y, &x, (0.0, 6.0), (0.0, 1.0), 61, 101);
        close(g[30 + 50 * 61], loss(&y, &[&x], &[3.0, 0.5]), "grid");
    }
    assert!(anscombe(4).is_none());
}

#[test]
fn ridge_path_shrinks() {
    use eigenlens::math::regress::ridge_path;
    let (y, xs, names) = iris();
    let path = ridge_path(&y, &slices(&xs), &names, &[0.0, 1.0, 10.0, 100.0, 1e4]).expect("path");
    let norms: Vec<f64> = path.iter().map(|b| b.rows(1, 2).norm()).collect();
    assert!(norms.windows(2).all(|w| w[1] < w[0]), "{norms:?}");
    close(path[0][1], SM_PARAMS[1], "λ = 0 is OLS");
}
