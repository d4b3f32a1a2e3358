//! Everything the Regression view draws, computed when the data or a setting
//! that changes the fit does (from [`crate::math::regress`], as the command
//! line's `regress`); each frame only draws it.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use nalgebra::{DMatrix, DVector};

use crate::data::Dataset;
use crate::math::pca::usable_rows;
use crate::math::regress::{
    Descent, Ols, Projection, RegressError, closed_form, descend, normal_equations, projection,
    ridge, ridge_path,
};
use crate::scene::{PointEdit, RegressPanel, RegressSettings};

/// Grid points per side of the loss map.
const GRID: usize = 64;
/// Values of λ along the ridge path.
const RIDGE_STEPS: usize = 61;

/// Where a point came from: a row of the dataset (0-based) or a point added
/// in the view (index into `added`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    Row(usize),
    Added(usize),
}

/// What the fit depends on; the prepared fit is recomputed when it changes.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Key {
    data: u64,
    y: Option<String>,
    x: Vec<String>,
    ridge: f64,
    rate: Option<f64>,
    steps: usize,
    centre: bool,
    rows: Vec<usize>,
    moved: Vec<PointEdit>,
    added: Vec<[f64; 2]>,
    removed: Vec<usize>,
    ridge_path: bool,
}

impl Key {
    pub(super) fn new(data: u64, ds: &Dataset, s: &RegressSettings) -> Self {
        Self {
            data,
            y: s.y_column(ds).map(str::to_owned),
            x: s.x_columns(ds).into_iter().map(str::to_owned).collect(),
            ridge: s.ridge,
            rate: s.rate,
            steps: s.steps,
            centre: s.centre,
            rows: s.rows.clone(),
            moved: s.moved.clone(),
            added: s.added.clone(),
            removed: s.removed.clone(),
            ridge_path: s.panel == RegressPanel::Ridge,
        }
    }
}

/// The usable observations (a finite y and predictors), after the view's
/// edits, and the fit.
pub(crate) struct Prepared {
    pub y_name: String,
    pub x_names: Vec<String>,
    pub sources: Vec<Source>,
    pub y: Vec<f64>,
    /// One vector per predictor.
    pub xs: Vec<Vec<f64>>,
    /// (smallest, largest) of y, then of each predictor.
    pub spans: Vec<(f64, f64)>,
    /// Rows left out for a missing / an infinite value.
    pub missing: usize,
    pub non_finite: usize,
    pub model: Result<Model, String>,
}

/// A fit and the pictures made from it.
pub(crate) struct Model {
    pub ols: Ols,
    /// (smallest, largest) of ŷ.
    pub fitted_span: (f64, f64),
    pub xtx: DMatrix<f64>,
    pub xty: DVector<f64>,
    /// Xᵀr: zero up to rounding, the normal equations.
    pub xtr: DVector<f64>,
    /// Ridge coefficients when λ > 0.
    pub ridge: Option<DVector<f64>>,
    pub projection: Projection,
    /// Correlation of y with the first predictor (cosine of the centred columns).
    pub correlation: f64,
    pub three: Option<Three>,
    pub descent: Descent,
    /// Whether the descent ran on x − x̄.
    pub centred: bool,
    /// x̄ of the first predictor.
    pub x_mean: f64,
    pub ridge_path: Option<RidgePath>,
}

/// (smallest, largest) of `values`; (∞, −∞) for none.
pub(crate) fn span<'a>(values: impl IntoIterator<Item = &'a f64>) -> (f64, f64) {
    values
        .into_iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        })
}

/// Three rows as vectors of ℝ³: the observation-space picture.
pub(crate) struct Three {
    pub sources: [Source; 3],
    pub y: [f64; 3],
    pub x: [f64; 3],
    pub fitted: [f64; 3],
    pub residual: [f64; 3],
    pub beta: [f64; 2],
}

/// Ridge slopes against log₁₀ λ.
pub(crate) struct RidgePath {
    pub log_lambda: Vec<f64>,
    /// Per predictor, per λ.
    pub slopes: Vec<Vec<f64>>,
}

impl Prepared {
    /// Builds the observations of `ds` under `s`'s edits and fits them.
    pub(super) fn new(ds: &Dataset, s: &RegressSettings) -> Self {
        let y_name = s.y_column(ds).unwrap_or_default().to_owned();
        let x_names: Vec<String> = s.x_columns(ds).into_iter().map(str::to_owned).collect();
        let mut out = Self {
            y_name,
            x_names,
            sources: Vec::new(),
            y: Vec::new(),
            xs: Vec::new(),
            spans: Vec::new(),
            missing: 0,
            non_finite: 0,
            model: Err(String::new()),
        };
        let (Some(ycol), Some(xcols)) = (
            ds.column(&out.y_name),
            out.x_names
                .iter()
                .map(|n| ds.column(n))
                .collect::<Option<Vec<_>>>(),
        ) else {
            out.model = Err(if ds.columns.len() < 2 {
                format!(
                    "{} has {} numeric column(s): regression needs y and at least one predictor",
                    ds.name,
                    ds.columns.len()
                )
            } else {
                "choose y and at least one predictor".to_owned()
            });
            return out;
        };
        if xcols.is_empty() {
            out.model = Err("choose at least one predictor".to_owned());
            return out;
        }
        // The columns after the view's edits (last drag of a row wins),
        // then the crate's one row policy.
        let removed: HashSet<usize> = s.removed.iter().copied().collect();
        let moved: HashMap<usize, &PointEdit> = s.moved.iter().map(|e| (e.row, e)).collect();
        let kept = (0..ds.n_rows).filter(|r| !removed.contains(r));
        let mut sources: Vec<Source> = kept.clone().map(Source::Row).collect();
        let mut y: Vec<f64> = kept
            .clone()
            .map(|r| moved.get(&r).map_or(ycol.values[r], |e| e.y))
            .collect();
        let mut xs: Vec<Vec<f64>> = xcols
            .iter()
            .enumerate()
            .map(|(j, c)| {
                kept.clone()
                    .map(|r| match moved.get(&r) {
                        Some(e) if j == 0 => e.x,
                        _ => c.values[r],
                    })
                    .collect()
            })
            .collect();
        if xs.len() == 1 {
            for (i, p) in s.added.iter().enumerate() {
                sources.push(Source::Added(i));
                y.push(p[1]);
                xs[0].push(p[0]);
            }
        }
        let mut columns: Vec<&[f64]> = vec![&y];
        columns.extend(xs.iter().map(Vec::as_slice));
        let selection = usable_rows(&columns);
        let mut used = selection.gather(&columns).into_iter().map(Cow::into_owned);
        out.y = used.next().unwrap_or_default();
        out.xs = used.collect();
        out.sources = selection.rows.iter().map(|&r| sources[r]).collect();
        out.spans = std::iter::once(&out.y)
            .chain(&out.xs)
            .map(|c: &Vec<f64>| span(c))
            .collect();
        out.missing = selection.missing;
        out.non_finite = selection.non_finite;
        out.model = fit(&out, s).map_err(|e| e.to_string());
        out
    }

    /// The index of `src` among the observations.
    pub(crate) fn index_of(&self, src: Source) -> Option<usize> {
        self.sources.iter().position(|&s| s == src)
    }
}

fn fit(p: &Prepared, s: &RegressSettings) -> Result<Model, RegressError> {
    let xs: Vec<&[f64]> = p.xs.iter().map(Vec::as_slice).collect();
    let ols = Ols::fit(&p.y, &xs, &p.x_names)?;
    let (xtx, xty) = normal_equations(&p.y, &xs);
    let x = crate::math::regress::design(&xs, p.y.len());
    let xtr = x.transpose() * &ols.residuals;
    let ridge_beta = if s.ridge > 0.0 {
        Some(ridge(&p.y, &xs, &p.x_names, s.ridge)?)
    } else {
        None
    };
    let proj = projection(&ols, &p.y);
    let correlation = crate::math::regress::correlation(&p.y, &p.xs[0]);
    let three = three_rows(p, s);
    // The descent's slice: the other slopes at their least-squares values.
    let y_slice: Vec<f64> = (0..p.y.len())
        .map(|i| {
            p.y[i]
                - (1..p.xs.len())
                    .map(|j| ols.coefficients[j + 1] * p.xs[j][i])
                    .sum::<f64>()
        })
        .collect();
    let mean_x = p.xs[0].iter().sum::<f64>() / p.xs[0].len() as f64;
    let x_desc: Vec<f64> = if s.centre {
        p.xs[0].iter().map(|v| v - mean_x).collect()
    } else {
        p.xs[0].clone()
    };
    let descent = descend(&y_slice, &x_desc, s.rate, s.steps, GRID);
    let ridge_path = (s.panel == RegressPanel::Ridge)
        .then(|| path(p, &xs))
        .flatten();
    Ok(Model {
        fitted_span: span(&ols.fitted),
        ols,
        xtx,
        xty,
        xtr,
        ridge: ridge_beta,
        projection: proj,
        correlation,
        three,
        descent,
        centred: s.centre,
        x_mean: mean_x,
        ridge_path,
    })
}

/// The ridge slopes for λ from 10⁻⁴ to 10⁴ times the predictors' mean
/// centred sum of squares (where the penalty starts and ends mattering).
fn path(p: &Prepared, xs: &[&[f64]]) -> Option<RidgePath> {
    let scale =
        p.xs.iter()
            .map(|c| {
                let m = c.iter().sum::<f64>() / c.len() as f64;
                c.iter().map(|v| (v - m).powi(2)).sum::<f64>()
            })
            .sum::<f64>()
            / p.xs.len() as f64;
    let base = scale.max(f64::MIN_POSITIVE).log10();
    let log_lambda: Vec<f64> = (0..RIDGE_STEPS)
        .map(|i| base - 4.0 + 8.0 * i as f64 / (RIDGE_STEPS - 1) as f64)
        .collect();
    let lambdas: Vec<f64> = log_lambda.iter().map(|l| 10f64.powf(*l)).collect();
    let betas = ridge_path(&p.y, xs, &p.x_names, &lambdas).ok()?;
    let slopes = (1..=xs.len())
        .map(|j| betas.iter().map(|b| b[j]).collect())
        .collect();
    Some(RidgePath { log_lambda, slopes })
}

/// The three rows of the observation-space picture: the setting's, when all
/// three are usable and their x values not all equal, else the smallest x,
/// the largest x and the largest residual of the rest.
#[expect(
    clippy::float_cmp,
    reason = "x values exactly equal make 1 and x parallel: no plane"
)]
fn three_rows(p: &Prepared, s: &RegressSettings) -> Option<Three> {
    let x = &p.xs[0];
    let chosen: Option<Vec<usize>> = (s.rows.len() == 3)
        .then(|| s.rows.iter().map(|&r| p.index_of(Source::Row(r))).collect())
        .flatten();
    let idx = match chosen {
        Some(v) if !(x[v[0]] == x[v[1]] && x[v[1]] == x[v[2]]) => [v[0], v[1], v[2]],
        _ => {
            let n = x.len();
            if n < 3 {
                return None;
            }
            let lo = (0..n).min_by(|&a, &b| x[a].total_cmp(&x[b]))?;
            let hi = (0..n).max_by(|&a, &b| x[a].total_cmp(&x[b]))?;
            if x[lo] == x[hi] {
                return None;
            }
            let [b0, b1] = closed_form(&p.y, x);
            let far = (0..n).filter(|&i| i != lo && i != hi).max_by(|&a, &b| {
                let r = |i: usize| (p.y[i] - b0 - b1 * x[i]).abs();
                r(a).total_cmp(&r(b))
            })?;
            [lo, far, hi]
        }
    };
    let ys = idx.map(|i| p.y[i]);
    let xv = idx.map(|i| x[i]);
    let fit = Ols::fit(&ys, &[&xv], &["x".to_owned()]).ok()?;
    let beta = [fit.coefficients[0], fit.coefficients[1]];
    Some(Three {
        sources: idx.map(|i| p.sources[i]),
        y: ys,
        x: xv,
        fitted: [0, 1, 2].map(|i| fit.fitted[i]),
        residual: [0, 1, 2].map(|i| fit.residuals[i]),
        beta,
    })
}
