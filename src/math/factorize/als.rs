//! Alternating least squares: each row's regularized least squares, and
//! folding in one user with the item side fixed.

use nalgebra::{Cholesky, DMatrix, DMatrixView, DVector};

use super::train::Csr;
use super::{FactorizeError, Model, UserVector, invalid};

/// What one ALS half-step needs besides the two sides: k, μ, λ, whether
/// biases are fitted, and what a row is (`item` or `user`, for errors).
pub(super) struct HalfStep {
    pub(super) k: usize,
    pub(super) mu: f64,
    pub(super) lambda: f64,
    pub(super) biases: bool,
    pub(super) what: &'static str,
}

/// Solves every row of `rows` (items or users) with the other side fixed,
/// writing factors and bias into `solved`.
pub(super) fn als_half_step(
    rows: &Csr,
    solved: (&mut [f64], &mut [f64]),
    fixed: (&[f64], &[f64]),
    step: &HalfStep,
    scratch: &mut Scratch,
) -> Result<(), FactorizeError> {
    let HalfStep {
        k,
        mu,
        lambda,
        biases,
        what,
    } = *step;
    let (factors, bias) = solved;
    let (other_factors, other_bias) = fixed;
    for r in 0..bias.len() {
        let (cols, values) = rows.row(r);
        let targets = cols.iter().zip(values).map(|(&c, &v)| {
            let c = c as usize;
            (&other_factors[c * k..(c + 1) * k], v - mu - other_bias[c])
        });
        let w = solve_row(k, biases, lambda, targets, scratch)
            .ok_or(FactorizeError::Singular { what, index: r })?;
        factors[r * k..(r + 1) * k].copy_from_slice(&w.as_slice()[..k]);
        bias[r] = if biases { w[k] } else { 0.0 };
    }
    Ok(())
}

/// Reused buffers for [`solve_row`].
#[derive(Debug, Default)]
pub(super) struct Scratch {
    x: Vec<f64>,
    y: Vec<f64>,
}

/// The regularized least squares of one row:
///
/// ```text
/// w = argmin Σ_j (y_j − x_j · w)² + λ n ‖w‖²   ⇔   (Xᵀ X + λ n I) w = Xᵀ y
/// ```
///
/// with x_j = the fixed side's factors, followed by a 1 when `biases` (so that
/// w's last entry is the bias), and n the number of rows. Solved by Cholesky of
/// the d × d system — or, when there are fewer rows than unknowns (n < d) and
/// λ > 0, of the smaller n × n one with the same solution,
/// w = Xᵀ (X Xᵀ + λ n I)⁻¹ y (the push-through identity). `None` if the system
/// is singular (possible only with λ = 0). No rows: w = 0.
fn solve_row<'a>(
    k: usize,
    biases: bool,
    lambda: f64,
    rows: impl Iterator<Item = (&'a [f64], f64)>,
    scratch: &mut Scratch,
) -> Option<DVector<f64>> {
    let d = k + usize::from(biases);
    let Scratch { x, y } = scratch;
    x.clear();
    y.clear();
    for (factors, target) in rows {
        x.extend_from_slice(factors);
        if biases {
            x.push(1.0);
        }
        y.push(target);
    }
    let n = y.len();
    if n == 0 {
        return Some(DVector::zeros(d));
    }
    // X is n × d row-major; the same buffer read column-major is Xᵀ (whose
    // columns, the rows x_j, are contiguous).
    let xt = DMatrixView::from_slice_with_strides(x, d, n, 1, d);
    let xm = DMatrixView::from_slice_with_strides(x, n, d, d, 1);
    let ridge = lambda * n as f64;
    let y = DVector::from_column_slice(y);
    let w = if n < d && ridge > 0.0 {
        // (X Xᵀ + λ n I) α = y, then w = Xᵀ α. The left factor of a gemm must
        // have contiguous columns: nalgebra 0.35's small-matrix gemm path reads
        // past a row-strided view's data (its `axcpy` takes the slice length for
        // the vector length), so X is copied column-major here.
        let x_cols = DMatrix::from_row_slice(n, d, x);
        let mut g = DMatrix::zeros(n, n);
        g.gemm(1.0, &x_cols, &xt, 0.0);
        for j in 0..n {
            g[(j, j)] += ridge;
        }
        let mut alpha = y;
        Cholesky::new(g)?.solve_mut(&mut alpha);
        let mut w = DVector::zeros(d);
        w.gemv(1.0, &xt, &alpha, 0.0);
        w
    } else {
        let mut a = DMatrix::zeros(d, d);
        a.gemm(1.0, &xt, &xm, 0.0);
        for f in 0..d {
            a[(f, f)] += ridge;
        }
        let mut w = DVector::zeros(d);
        w.gemv(1.0, &xt, &y, 0.0);
        Cholesky::new(a)?.solve_mut(&mut w);
        w
    };
    w.iter().all(|v| v.is_finite()).then_some(w)
}

/// Folds in one user: their factors (and bias) solved by regularized least
/// squares with the item side fixed — exactly one ALS user step — from
/// `ratings` as `(item, value)`. Instant for a what-if: edit a rating, fold in,
/// see the predictions move. No ratings: the zero vector (predictions μ + b_i).
///
/// # Errors
/// [`OutOfRange`](FactorizeError::OutOfRange) for an unknown item,
/// [`NotFinite`](FactorizeError::NotFinite) for a NaN rating,
/// [`InvalidParameter`](FactorizeError::InvalidParameter) for a bad `lambda`, or
/// [`Singular`](FactorizeError::Singular) (λ = 0 with too few ratings).
pub fn fold_in_user(
    model: &Model,
    ratings: &[(u32, f64)],
    lambda: f64,
) -> Result<UserVector, FactorizeError> {
    if !(lambda.is_finite() && lambda >= 0.0) {
        return Err(invalid("lambda", lambda, "must be a number ≥ 0"));
    }
    for &(item, value) in ratings {
        if item as usize >= model.n_items() {
            return Err(FactorizeError::OutOfRange {
                what: "item",
                index: item,
                count: model.n_items(),
            });
        }
        if !value.is_finite() {
            return Err(FactorizeError::NotFinite { item, value });
        }
    }
    let k = model.rank;
    let rows = ratings.iter().map(|&(i, v)| {
        let i = i as usize;
        (model.item_factors(i), v - model.mu - model.item_bias[i])
    });
    let w = solve_row(k, model.biases, lambda, rows, &mut Scratch::default()).ok_or(
        FactorizeError::Singular {
            what: "the folded-in user",
            index: 0,
        },
    )?;
    Ok(UserVector {
        factors: w.as_slice()[..k].to_vec(),
        bias: if model.biases { w[k] } else { 0.0 },
    })
}
