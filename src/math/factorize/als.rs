//! Alternating least squares: each row's regularized least squares, and
//! folding in one user with the item side fixed.

use std::sync::{Mutex, PoisonError};

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::cholesky::llt;
use faer::linalg::cholesky::llt::factor::LltRegularization;
use faer::linalg::matmul::triangular::{self, BlockStructure};
use faer::{Accum, MatMut, MatRef, Par, Spec};
use nalgebra::{Cholesky, DMatrix, DMatrixView, DVector};

use super::cg::{CgScratch, cg_row};
use super::train::Csr;
use super::{CG_STEPS, FactorizeError, Model, Solver, UserVector, invalid};

/// What one ALS half-step needs besides the two sides: k, μ, λ, whether
/// biases are fitted, and what a row is (`item` or `user`, for errors).
pub(super) struct HalfStep {
    pub(super) k: usize,
    pub(super) mu: f64,
    pub(super) lambda: f64,
    pub(super) biases: bool,
    pub(super) what: &'static str,
    pub(super) solver: Solver,
}

/// Rows handed to a thread at a time.
const CHUNK_ROWS: usize = 8;

/// Below this many multiply-adds (ratings × d²) a half-step runs on the
/// calling thread alone: spawning would cost more than it saves.
const PARALLEL_WORK: usize = 2_000_000;

/// Solves every row of `rows` (items or users) with the other side fixed,
/// writing factors and bias into `solved`, on up to all cores. Each row is
/// solved by exactly one thread with the same arithmetic, so the result does
/// not depend on the number of threads; on failure the error is the first
/// failing row's, as on one thread.
pub(super) fn als_half_step(
    rows: &Csr,
    solved: (&mut [f64], &mut [f64]),
    fixed: (&[f64], &[f64]),
    step: &HalfStep,
) -> Result<(), FactorizeError> {
    let k = step.k.max(1);
    let d = step.k + usize::from(step.biases);
    let (factors, bias) = solved;
    let chunks = factors
        .chunks_mut(CHUNK_ROWS * k)
        .zip(bias.chunks_mut(CHUNK_ROWS))
        .enumerate();
    let queue = Mutex::new(chunks);
    let failure: Mutex<Option<(usize, FactorizeError)>> = Mutex::new(None);
    let run = || {
        let mut scratch = Scratch::default();
        loop {
            let next = queue.lock().unwrap_or_else(PoisonError::into_inner).next();
            let Some((c, (factors, bias))) = next else {
                break;
            };
            let solved = (factors, bias);
            if let Err((row, e)) =
                solve_rows(rows, c * CHUNK_ROWS, solved, fixed, step, &mut scratch)
            {
                let mut slot = failure.lock().unwrap_or_else(PoisonError::into_inner);
                if slot.as_ref().is_none_or(|(first, _)| row < *first) {
                    *slot = Some((row, e));
                }
            }
        }
    };
    let helpers = if rows.nnz().saturating_mul(d * d) >= PARALLEL_WORK {
        std::thread::available_parallelism()
            .map_or(1, std::num::NonZeroUsize::get)
            .min(16)
            - 1
    } else {
        0
    };
    std::thread::scope(|s| {
        for _ in 0..helpers {
            // Ignoring a failed spawn is safe: the calling thread drains the queue.
            let _ = std::thread::Builder::new().spawn_scoped(s, run);
        }
        run();
    });
    match failure.into_inner().unwrap_or_else(PoisonError::into_inner) {
        Some((_, e)) => Err(e),
        None => Ok(()),
    }
}

/// Solves rows `first ..` (as many as `solved` holds), stopping at the first
/// that fails, with its index.
fn solve_rows(
    rows: &Csr,
    first: usize,
    solved: (&mut [f64], &mut [f64]),
    fixed: (&[f64], &[f64]),
    step: &HalfStep,
    scratch: &mut Scratch,
) -> Result<(), (usize, FactorizeError)> {
    let HalfStep {
        k,
        mu,
        lambda,
        biases,
        what,
        solver,
    } = *step;
    let (factors, bias) = solved;
    let (other_factors, other_bias) = fixed;
    for (offset, b) in bias.iter_mut().enumerate() {
        let r = first + offset;
        let targets = rows.row(r).iter().map(|&(c, v)| {
            let c = c as usize;
            (
                &other_factors[c * k..(c + 1) * k],
                f64::from(v) - mu - other_bias[c],
            )
        });
        let ridge = lambda * rows.len(r) as f64;
        if solver == Solver::Cg && ridge > 0.0 {
            let w = &mut scratch.w;
            w.clear();
            w.extend_from_slice(&factors[offset * k..(offset + 1) * k]);
            if biases {
                w.push(*b);
            }
            cg_row(k, biases, ridge, targets, w, CG_STEPS, &mut scratch.cg);
            factors[offset * k..(offset + 1) * k].copy_from_slice(&w[..k]);
            *b = if biases { w[k] } else { 0.0 };
            continue;
        }
        let w = solve_row(k, biases, lambda, targets, scratch)
            .ok_or((r, FactorizeError::Singular { what, index: r }))?;
        factors[offset * k..(offset + 1) * k].copy_from_slice(&w.as_slice()[..k]);
        *b = if biases { w[k] } else { 0.0 };
    }
    Ok(())
}

/// Reused buffers for [`solve_row`].
#[derive(Debug, Default)]
struct Scratch {
    x: Vec<f64>,
    y: Vec<f64>,
    gram: Vec<f64>,
    w: Vec<f64>,
    cg: CgScratch,
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
/// w = Xᵀ (X Xᵀ + λ n I)⁻¹ y (the push-through identity). With λ > 0 the Gram
/// matrix's lower half alone is computed (faer's triangular matmul: half the
/// multiply-adds) and factored by faer's blocked Cholesky. `None` if the system
/// is singular (possible only with λ = 0). No rows: w = 0.
fn solve_row<'a>(
    k: usize,
    biases: bool,
    lambda: f64,
    rows: impl Iterator<Item = (&'a [f64], f64)>,
    scratch: &mut Scratch,
) -> Option<DVector<f64>> {
    let d = k + usize::from(biases);
    let Scratch { x, y, gram, .. } = scratch;
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
    let ridge = lambda * n as f64;
    if ridge <= 0.0 {
        return solve_unregularized(x, y, n, d);
    }
    // X is n × d row-major; the same buffer read column-major is Xᵀ (whose
    // columns, the rows x_j, are contiguous).
    let xt = MatRef::from_column_major_slice(x, d, n);
    let w = if n < d {
        // (X Xᵀ + λ n I) α = y, then w = Xᵀ α.
        let mut alpha = y.clone();
        cholesky_solve(gram, n, ridge, xt.transpose(), xt, &mut alpha)?;
        let mut w = vec![0.0; d];
        for (xj, &a) in x.chunks_exact(d).zip(&alpha) {
            for (wf, &xf) in w.iter_mut().zip(xj) {
                *wf += a * xf;
            }
        }
        w
    } else {
        // (Xᵀ X + λ n I) w = Xᵀ y.
        let mut w = vec![0.0; d];
        for (xj, &t) in x.chunks_exact(d).zip(y.iter()) {
            for (wf, &xf) in w.iter_mut().zip(xj) {
                *wf += t * xf;
            }
        }
        cholesky_solve(gram, d, ridge, xt, xt.transpose(), &mut w)?;
        w
    };
    w.iter()
        .all(|v| v.is_finite())
        .then(|| DVector::from_vec(w))
}

/// Solves (A B + ridge I) z = rhs in place, A B being m × m symmetric
/// positive semi-definite: the lower half of A B into `gram`, then Cholesky.
/// `None` if it is not positive definite.
fn cholesky_solve(
    gram: &mut Vec<f64>,
    m: usize,
    ridge: f64,
    a: MatRef<'_, f64>,
    b: MatRef<'_, f64>,
    rhs: &mut [f64],
) -> Option<()> {
    gram.clear();
    gram.resize(m * m, 0.0);
    triangular::matmul(
        MatMut::from_column_major_slice_mut(gram, m, m),
        BlockStructure::TriangularLower,
        Accum::Replace,
        a,
        BlockStructure::Rectangular,
        b,
        BlockStructure::Rectangular,
        1.0,
        Par::Seq,
    );
    for j in 0..m {
        gram[j * m + j] += ridge;
    }
    let mut mem = MemBuffer::new(llt::factor::cholesky_in_place_scratch::<f64>(
        m,
        Par::Seq,
        Spec::default(),
    ));
    let stack = MemStack::new(&mut mem);
    let l = MatMut::from_column_major_slice_mut(gram, m, m);
    llt::factor::cholesky_in_place(
        l,
        LltRegularization::default(),
        Par::Seq,
        stack,
        Spec::default(),
    )
    .ok()?;
    let l = MatRef::from_column_major_slice(gram, m, m);
    llt::solve::solve_in_place(
        l,
        MatMut::from_column_major_slice_mut(rhs, m, 1),
        Par::Seq,
        stack,
    );
    Some(())
}

/// λ = 0: the d × d normal equations (Xᵀ X) w = Xᵀ y by nalgebra's Cholesky,
/// which reports a singular system (fewer ratings than unknowns) as `None`.
fn solve_unregularized(x: &[f64], y: &[f64], n: usize, d: usize) -> Option<DVector<f64>> {
    let xt = DMatrixView::from_slice_with_strides(x, d, n, 1, d);
    let xm = DMatrixView::from_slice_with_strides(x, n, d, d, 1);
    let y = DVector::from_column_slice(y);
    let mut a = DMatrix::zeros(d, d);
    a.gemm(1.0, &xt, &xm, 0.0);
    let mut w = DVector::zeros(d);
    w.gemv(1.0, &xt, &y, 0.0);
    Cholesky::new(a)?.solve_mut(&mut w);
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
