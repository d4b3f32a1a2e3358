//! Least squares as a projection: ordinary least squares with an intercept
//! (Householder QR, never the explicit inverse of XᵀX), ridge, the normal
//! equations' numbers, gradient descent on the squared-error loss, and
//! covariance/correlation as dot products of centred columns.
//!
//! Row policy (one with the rest of the crate, see
//! [`pca::usable_rows`](crate::math::pca::usable_rows)): [`fit_table`] leaves
//! out, and counts, every row with a missing (`NaN`) or infinite value in y or
//! a chosen predictor; [`Ols::fit`] itself never skips a row and names the
//! first such value.

mod descent;
mod picture;

use nalgebra::{DMatrix, DVector};

pub use descent::{Descent, closed_form, curvature, descend, safe_rate};
pub use picture::{Projection, anscombe, loss_grid, projection, ridge_path};

use crate::math::pca::{RowSelection, usable_rows};

/// A column is collinear with the ones before it (the intercept first) when
/// QR leaves less than this fraction of its length.
const COLLINEAR_TOL: f64 = 1e-10;

/// Why a regression could not be fitted.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum RegressError {
    /// Fewer rows than parameters plus one: no residual degrees of freedom.
    #[error(
        "regression with {parameters} parameters (intercept and {} predictors) needs at least {} rows, found {rows}",
        parameters - 1,
        parameters + 1
    )]
    TooFewRows { rows: usize, parameters: usize },

    /// A predictor is (numerically) a linear combination of the intercept and
    /// the predictors before it.
    #[error(
        "predictor {column:?} is collinear with the intercept and the predictors before it ({}); leave it out",
        earlier.join(", ")
    )]
    Collinear {
        column: String,
        /// The intercept and predictors before it.
        earlier: Vec<String>,
    },

    /// A missing or infinite value given to [`Ols::fit`].
    #[error("row {}, column {column:?}: {} value", row + 1, if value.is_nan() { "missing" } else { "infinite" })]
    NotFinite {
        /// 0-based row index.
        row: usize,
        column: String,
        value: f64,
    },

    /// A column has a different number of rows than y.
    #[error("column {column:?} has {found} rows, expected {expected} like y")]
    LengthMismatch {
        column: String,
        expected: usize,
        found: usize,
    },

    /// `names` and the predictors have different lengths.
    #[error("{names} predictor names given for {columns} predictors")]
    NamesMismatch { names: usize, columns: usize },

    /// Ridge λ must be finite and ≥ 0.
    #[error("ridge λ must be a finite number ≥ 0, got {0}")]
    BadLambda(f64),

    /// Rows were left out for missing/infinite values and too few remain.
    #[error(
        "regression needs at least {needed} rows with a finite value in y and every predictor; {usable} usable, {missing} missing, {non_finite} infinite"
    )]
    TooFewUsableRows {
        needed: usize,
        usable: usize,
        missing: usize,
        non_finite: usize,
    },
}

/// An ordinary least squares fit y ≈ Xβ, X = [1 x₁ … x_k].
#[derive(Clone, Debug)]
pub struct Ols {
    /// "intercept" then the predictor names.
    pub names: Vec<String>,
    /// β, intercept first.
    pub coefficients: DVector<f64>,
    /// Standard errors of β.
    pub std_errors: DVector<f64>,
    /// t = β / SE.
    pub t: DVector<f64>,
    pub fitted: DVector<f64>,
    pub residuals: DVector<f64>,
    /// Diagonal of the hat matrix.
    pub leverage: DVector<f64>,
    pub r2: f64,
    pub adjusted_r2: f64,
    /// √(RSS / (n − p)).
    pub residual_std: f64,
    /// Residual sum of squares |r|².
    pub rss: f64,
    /// Total sum of squares |y − ȳ|².
    pub tss: f64,
}

/// The design matrix [1 x₁ … x_k] (n × (k+1)).
#[must_use]
pub fn design(xs: &[&[f64]], n: usize) -> DMatrix<f64> {
    DMatrix::from_fn(
        n,
        xs.len() + 1,
        |i, j| if j == 0 { 1.0 } else { xs[j - 1][i] },
    )
}

fn check(y: &[f64], xs: &[&[f64]], names: &[String]) -> Result<(), RegressError> {
    if names.len() != xs.len() {
        return Err(RegressError::NamesMismatch {
            names: names.len(),
            columns: xs.len(),
        });
    }
    let n = y.len();
    for (x, name) in xs.iter().zip(names) {
        if x.len() != n {
            return Err(RegressError::LengthMismatch {
                column: name.clone(),
                expected: n,
                found: x.len(),
            });
        }
    }
    for row in 0..n {
        let cols = std::iter::once(("y", y))
            .chain(names.iter().map(String::as_str).zip(xs.iter().copied()));
        for (name, c) in cols {
            if !c[row].is_finite() {
                return Err(RegressError::NotFinite {
                    row,
                    column: name.to_string(),
                    value: c[row],
                });
            }
        }
    }
    let p = xs.len() + 1;
    if n < p + 1 {
        return Err(RegressError::TooFewRows {
            rows: n,
            parameters: p,
        });
    }
    Ok(())
}

/// Inverse of an upper-triangular matrix with non-zero diagonal.
fn upper_inverse(r: &DMatrix<f64>) -> DMatrix<f64> {
    let p = r.nrows();
    let mut inv = DMatrix::<f64>::identity(p, p);
    // Solve R · inv = I column by column; solve_upper_triangular cannot fail
    // here because the diagonal was checked non-zero.
    for j in 0..p {
        let e = inv.column(j).into_owned();
        let mut col = e;
        for i in (0..p).rev() {
            let mut s = col[i];
            for k in i + 1..p {
                s -= r[(i, k)] * col[k];
            }
            col[i] = s / r[(i, i)];
        }
        inv.set_column(j, &col);
    }
    inv
}

impl Ols {
    /// Fits y on an intercept and the columns `xs`, named `names`.
    ///
    /// # Errors
    /// [`RegressError::NamesMismatch`], [`LengthMismatch`](RegressError::LengthMismatch),
    /// [`NotFinite`](RegressError::NotFinite) (lowest row, y before the predictors),
    /// [`TooFewRows`](RegressError::TooFewRows) (n < p + 1),
    /// [`Collinear`](RegressError::Collinear) naming the first dependent predictor.
    pub fn fit(y: &[f64], xs: &[&[f64]], names: &[String]) -> Result<Self, RegressError> {
        check(y, xs, names)?;
        let n = y.len();
        let p = xs.len() + 1;
        let x = design(xs, n);
        let yv = DVector::from_column_slice(y);
        let qr = x.clone().qr();
        let r = qr.r();
        let q = qr.q();
        let mut all_names = vec!["intercept".to_string()];
        all_names.extend(names.iter().cloned());
        for j in 0..p {
            let norm = x.column(j).norm();
            if r[(j, j)].abs() <= COLLINEAR_TOL * norm.max(f64::MIN_POSITIVE) || norm == 0.0 {
                return Err(RegressError::Collinear {
                    column: all_names[j].clone(),
                    earlier: all_names[..j].to_vec(),
                });
            }
        }
        let qty = q.transpose() * &yv;
        let rinv = upper_inverse(&r);
        let coefficients = &rinv * &qty;
        let fitted = &x * &coefficients;
        let residuals = &yv - &fitted;
        let rss = residuals.norm_squared();
        let mean = yv.mean();
        let tss = yv.iter().map(|v| (v - mean).powi(2)).sum::<f64>();
        let df = (n - p) as f64;
        let sigma2 = rss / df;
        let cov_diag = DVector::from_fn(p, |i, _| rinv.row(i).norm_squared());
        let std_errors = cov_diag.map(|c| (sigma2 * c).sqrt());
        let t = coefficients.zip_map(&std_errors, |b, s| b / s);
        let leverage = DVector::from_fn(n, |i, _| q.row(i).norm_squared());
        let r2 = if tss > 0.0 { 1.0 - rss / tss } else { f64::NAN };
        let adjusted_r2 = 1.0 - (1.0 - r2) * (n as f64 - 1.0) / df;
        Ok(Self {
            names: all_names,
            coefficients,
            std_errors,
            t,
            fitted,
            residuals,
            leverage,
            r2,
            adjusted_r2,
            residual_std: sigma2.sqrt(),
            rss,
            tss,
        })
    }
}

/// An OLS fit of a table's usable rows.
#[derive(Clone, Debug)]
pub struct TableFit {
    pub ols: Ols,
    pub selection: RowSelection,
}

/// Fits y on `xs` over the rows with a finite value in y and every predictor
/// (the crate's one row policy); the rows left out are counted.
///
/// # Errors
/// [`RegressError::TooFewUsableRows`] when rows were left out and fewer than
/// p + 1 remain, else those of [`Ols::fit`].
pub fn fit_table(y: &[f64], xs: &[&[f64]], names: &[String]) -> Result<TableFit, RegressError> {
    let mut cols = vec![y];
    cols.extend_from_slice(xs);
    let selection = usable_rows(&cols);
    let needed = xs.len() + 2;
    if selection.left_out() > 0 && selection.rows.len() < needed {
        return Err(RegressError::TooFewUsableRows {
            needed,
            usable: selection.rows.len(),
            missing: selection.missing,
            non_finite: selection.non_finite,
        });
    }
    let used = selection.gather(&cols);
    let y_used: &[f64] = &used[0];
    let x_used: Vec<&[f64]> = used[1..].iter().map(AsRef::as_ref).collect();
    let ols = Ols::fit(y_used, &x_used, names)?;
    Ok(TableFit { ols, selection })
}

/// Ridge regression: minimises |y − Xβ|² + λ Σ βⱼ² over the slopes (the
/// intercept is not penalised, as scikit-learn's `Ridge`); intercept first.
/// Solved as least squares on the centred columns stacked over √λ·I (QR).
///
/// # Errors
/// [`RegressError::BadLambda`] for λ < 0 or not finite; those of [`Ols::fit`]'s
/// checks; [`Collinear`](RegressError::Collinear) only when λ = 0.
pub fn ridge(
    y: &[f64],
    xs: &[&[f64]],
    names: &[String],
    lambda: f64,
) -> Result<DVector<f64>, RegressError> {
    if !lambda.is_finite() || lambda < 0.0 {
        return Err(RegressError::BadLambda(lambda));
    }
    if lambda == 0.0 {
        return Ols::fit(y, xs, names).map(|f| f.coefficients);
    }
    check(y, xs, names)?;
    let n = y.len();
    let k = xs.len();
    let ybar = y.iter().sum::<f64>() / n as f64;
    let means: Vec<f64> = xs
        .iter()
        .map(|c| c.iter().sum::<f64>() / n as f64)
        .collect();
    let s = lambda.sqrt();
    let a = DMatrix::from_fn(n + k, k, |i, j| {
        if i < n {
            xs[j][i] - means[j]
        } else if i - n == j {
            s
        } else {
            0.0
        }
    });
    let b = DVector::from_fn(n + k, |i, _| if i < n { y[i] - ybar } else { 0.0 });
    let qr = a.qr();
    let qtb = qr.q().transpose() * b;
    let slopes = upper_inverse(&qr.r()) * qtb;
    let intercept = ybar - slopes.iter().zip(&means).map(|(b, m)| b * m).sum::<f64>();
    let mut beta = DVector::zeros(k + 1);
    beta[0] = intercept;
    for j in 0..k {
        beta[j + 1] = slopes[j];
    }
    Ok(beta)
}

/// The normal equations' matrices: XᵀX ((k+1) × (k+1)) and Xᵀy, X with the
/// intercept column first.
#[must_use]
pub fn normal_equations(y: &[f64], xs: &[&[f64]]) -> (DMatrix<f64>, DVector<f64>) {
    let x = design(xs, y.len());
    let xt = x.transpose();
    (&xt * &x, xt * DVector::from_column_slice(y))
}

/// Mean squared error (1/n)|y − Xβ|², X with the intercept first.
#[must_use]
pub fn loss(y: &[f64], xs: &[&[f64]], beta: &[f64]) -> f64 {
    let n = y.len();
    (0..n)
        .map(|i| {
            let pred = beta[0]
                + xs.iter()
                    .zip(&beta[1..])
                    .map(|(c, b)| c[i] * b)
                    .sum::<f64>();
            (y[i] - pred).powi(2)
        })
        .sum::<f64>()
        / n as f64
}

/// Gradient descent on the mean squared error from `start` with step `rate`:
/// the iterates, `start` first, at most `steps + 1` of them. Stops early when
/// an iterate is no longer finite (the rate diverged; the last finite one is
/// kept) or when the gradient is below 1e-12 (converged).
#[must_use]
pub fn gradient_descent(
    y: &[f64],
    xs: &[&[f64]],
    start: &[f64],
    rate: f64,
    steps: usize,
) -> Vec<Vec<f64>> {
    let n = y.len() as f64;
    let mut beta = start.to_vec();
    let mut path = vec![beta.clone()];
    for _ in 0..steps {
        let mut grad = vec![0.0; beta.len()];
        for i in 0..y.len() {
            let pred = beta[0]
                + xs.iter()
                    .zip(&beta[1..])
                    .map(|(c, b)| c[i] * b)
                    .sum::<f64>();
            let e = pred - y[i];
            grad[0] += 2.0 * e / n;
            for (g, c) in grad[1..].iter_mut().zip(xs) {
                *g += 2.0 * e * c[i] / n;
            }
        }
        let next: Vec<f64> = beta.iter().zip(&grad).map(|(b, g)| b - rate * g).collect();
        if next.iter().any(|v| !v.is_finite()) {
            break;
        }
        beta = next;
        path.push(beta.clone());
        if grad.iter().map(|g| g * g).sum::<f64>().sqrt() < 1e-12 {
            break;
        }
    }
    path
}

/// Sample covariance: the dot product of the centred columns over n − 1.
/// `NaN` for fewer than two values or different lengths.
#[must_use]
pub fn covariance(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len();
    if n < 2 || b.len() != n {
        return f64::NAN;
    }
    let (ma, mb) = (
        a.iter().sum::<f64>() / n as f64,
        b.iter().sum::<f64>() / n as f64,
    );
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - ma) * (y - mb))
        .sum::<f64>()
        / (n as f64 - 1.0)
}

/// Pearson correlation: the cosine of the angle between the centred columns.
/// `NaN` when either is constant.
#[must_use]
pub fn correlation(a: &[f64], b: &[f64]) -> f64 {
    covariance(a, b) / (covariance(a, a) * covariance(b, b)).sqrt()
}
