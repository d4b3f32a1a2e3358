//! Principal component analysis: the covariance of the centred (optionally
//! standardized) data, its eigen-decomposition, and the change of basis into
//! and out of the principal axes.
//!
//! Conventions, as DESIGN.md and scikit-learn have them:
//! - variances use the n − 1 denominator: Σ = XcᵀXc / (n − 1);
//! - `components` holds one component per ROW, largest variance first
//!   (scikit-learn's `components_`);
//! - in each component the entry of largest magnitude is positive, so its
//!   sign never rests on the eigen-solver's arbitrary choice (an animation
//!   between fits of similar data does not mirror).
//!
//! Speed: the covariance dominates the cost (n·d²/2 multiply-adds against d³
//! for the eigen-decomposition). It is computed in chunks of rows, on every
//! core, with scoped threads. A chunk is taken a span of rows at a time
//! (8,192 rows of 50 columns): the span's column means first, each column's
//! stretch read from memory in one go, then, from cache, a block of its
//! rows at a time, the cross products of the rows centred on those means,
//! added up by a register-tiled kernel (`gram`: only the tiles on and above
//! the diagonal, near the processor's full multiply-add rate). Spans
//! and chunks are merged with Chan et al.'s pairwise update, chunks in chunk
//! order, so the result is the same on any number of threads and as
//! accurate as the two-pass formula. Values are shifted by a rough mean of
//! the first rows before anything else, so data far from the origin loses
//! nothing either.
//!
//! Files: this one ([`Pca`]: the fit and the change of basis), `moments` (the
//! pass over the data), `gram` (a block's cross products), `table` (a
//! table's rows: [`usable_rows`], the one row
//! policy of the CLI and the window, [`fit_table`], [`prepare_table`]) and
//! `story` (the PCA view's 3D animation as pure geometry: [`Story`]).

mod gram;
mod moments;
mod story;
mod table;

use nalgebra::{DMatrix, DVector, SymmetricEigen};

use moments::{Moments, for_each_parallel, moments, score_rows};
pub use story::{Story, StoryFrame, stages};
pub use table::{PreparedFit, RowSelection, TableFit, fit_table, prepare_table, usable_rows};

/// Rows per chunk: the unit of work a thread takes and of the merge order.
/// Small enough that a thread slowed by other processes holds up little at
/// the end; large enough that merging (d² per chunk) costs nothing.
const CHUNK_ROWS: usize = 1 << 15;

/// Cells of a block, the rows whose cross products are added up in one go
/// (at most 1 MiB; for 50 columns, four blocks of 2,048 rows a span. Blocks of
/// 655 to 4,096 rows measured within 10% of each other, this the fastest).
const BLOCK_CELLS: usize = 1 << 17;

/// Cells of a span: the rows centred on one mean and read from memory in
/// one stretch per column (4 MiB: they stay in L3 for the second read).
const SPAN_CELLS: usize = 1 << 19;

/// Rows of a span at most (64 KiB of each column).
const SPAN_MAX_ROWS: usize = 8192;

/// Fewer cells than this are fitted on the calling thread alone.
const PARALLEL_MIN_CELLS: usize = 1 << 18;

/// Entries whose magnitude is within this relative distance of a component's
/// largest count as tied for the sign convention; the first of them is made
/// positive. Exact ties (such as (1, −1)/√2) then resolve the same way on every
/// machine instead of by the last bit of rounding.
const SIGN_TIE: f64 = 1e-9;

/// How to fit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PcaOptions {
    /// Divide each centred column by its standard deviation (n − 1) first, so
    /// PCA diagonalizes the correlation matrix instead of the covariance.
    ///
    /// scikit-learn's `StandardScaler` divides by the population standard
    /// deviation (ddof = 0) instead. The two differ by the constant factor
    /// √(n/(n−1)), so they give the same components and explained variance
    /// ratios; the explained variances differ by the factor n/(n−1).
    pub standardize: bool,
}

/// Why a PCA could not be fitted. Rows are 0-based in the fields and 1-based in
/// the messages, as a user counts them.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum PcaError {
    /// Fewer than two rows: there is no variance to analyse.
    #[error("PCA needs at least 2 rows, found {rows}")]
    TooFewRows { rows: usize },

    /// No columns were given.
    #[error("PCA needs at least one numeric column, none was given")]
    NoColumns,

    /// A constant column cannot be standardized (its standard deviation is 0).
    #[error(
        "column {column:?} is constant (zero variance): it cannot be standardized; leave it out or do not standardize"
    )]
    ZeroVariance { column: String },

    /// A column whose values differ, but by so little that their variance
    /// underflows to 0 in double precision: not constant, yet it cannot be
    /// standardized as it is.
    #[error(
        "column {column:?} is not constant (its values span {spread:e}), but its variance underflows to 0 in double precision: it cannot be standardized; multiply it by a power of ten first (e.g. 1e200)"
    )]
    Underflow { column: String, spread: f64 },

    /// A missing (`NaN`) or infinite value given to [`Pca::fit`]. A table's
    /// rows with such values are left out, and counted, by [`fit_table`]
    /// (see [`usable_rows`]); [`Pca::fit`] itself never skips a row.
    #[error("row {}, column {column:?}: {}", row + 1, describe_value(*value))]
    NotFinite {
        /// 0-based row index.
        row: usize,
        column: String,
        value: f64,
    },

    /// A column has a different number of rows than the first.
    #[error("column {column:?} has {found} rows, expected {expected} like the first column")]
    LengthMismatch {
        column: String,
        expected: usize,
        found: usize,
    },

    /// `names` and `columns` have different lengths.
    #[error("{names} column names given for {columns} columns")]
    NamesMismatch { names: usize, columns: usize },

    /// The values of a column are so large that their variance overflows f64.
    #[error("column {column:?}: the values are too large, their variance overflows")]
    Overflow { column: String },

    /// Rows with a missing or infinite value in a chosen column were left out
    /// (see [`usable_rows`]) and fewer than two remain.
    #[error(
        "PCA needs at least 2 rows with a finite value in every chosen column ({}); {} of the {} rows have a missing or infinite value ({missing} missing, {non_finite} infinite)",
        quoted(columns),
        missing + non_finite,
        usable + missing + non_finite
    )]
    TooFewUsableRows {
        /// The chosen columns.
        columns: Vec<String>,
        /// Rows with a finite value in every chosen column (0 or 1).
        usable: usize,
        /// Rows left out for a missing value.
        missing: usize,
        /// Rows left out for an infinite value (and no missing one).
        non_finite: usize,
    },

    /// The fit was cancelled before it finished.
    #[error("the PCA was cancelled")]
    Cancelled,
}

/// `"a", "b", "c"`: column names as the messages quote them.
fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `NaN` is a missing value; ±∞ is an infinite one.
fn describe_value(value: f64) -> String {
    if value.is_nan() {
        "missing value (NaN)".to_owned()
    } else {
        format!("infinite value ({value})")
    }
}

/// A fitted PCA: the mean and scale that map data to the standardized space,
/// the covariance there, and its eigenpairs sorted by decreasing variance.
#[derive(Clone, Debug)]
pub struct Pca {
    /// Names of the d columns, in order.
    pub columns: Vec<String>,
    /// Rows the fit used (n).
    pub n_samples: usize,
    /// Whether the columns were scaled to unit variance before the fit.
    pub standardized: bool,
    /// Column means μ of the original data (d).
    pub mean: DVector<f64>,
    /// Per-column scale s (d): the standard deviation (n − 1) when
    /// standardized, else all 1. The fit sees z = (x − μ) / s.
    pub scale: DVector<f64>,
    /// Covariance Σ = ZᵀZ / (n − 1) of the centred (and scaled) data (d × d);
    /// the correlation matrix when standardized.
    pub covariance: DMatrix<f64>,
    /// All d eigenvalues λ of Σ, descending, tiny negative round-off clamped to 0.
    pub explained_variance: DVector<f64>,
    /// λᵢ / Σⱼ λⱼ (all 0 if every column is constant).
    pub explained_variance_ratio: DVector<f64>,
    /// d × d; row i is the unit eigenvector of component i (scikit-learn's
    /// `components_`), its largest-magnitude entry positive.
    pub components: DMatrix<f64>,
}

/// `e`, or [`PcaError::Underflow`] where `e` calls a column constant whose
/// values do differ, by less than the square root of f64's smallest number.
fn underflow_or(e: PcaError, columns: &[&[f64]], names: &[String]) -> PcaError {
    let PcaError::ZeroVariance { column } = e else {
        return e;
    };
    let Some(values) = names
        .iter()
        .position(|n| *n == column)
        .and_then(|j| columns.get(j))
    else {
        return PcaError::ZeroVariance { column };
    };
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        });
    let spread = hi - lo;
    if spread > 0.0 && spread < 1e-150 {
        PcaError::Underflow { column, spread }
    } else {
        PcaError::ZeroVariance { column }
    }
}

impl Pca {
    /// Fits a PCA to `columns`: d slices of n values each (column-major, as a
    /// [`Dataset`](crate::data::Dataset) stores them), named by `names`.
    ///
    /// # Errors
    /// [`PcaError::NoColumns`], [`NamesMismatch`](PcaError::NamesMismatch),
    /// [`LengthMismatch`](PcaError::LengthMismatch), [`TooFewRows`](PcaError::TooFewRows),
    /// [`NotFinite`](PcaError::NotFinite) for the first missing or infinite value
    /// (lowest row, then leftmost column), [`ZeroVariance`](PcaError::ZeroVariance)
    /// (only when standardizing) or [`Overflow`](PcaError::Overflow).
    pub fn fit(columns: &[&[f64]], names: &[String], opts: &PcaOptions) -> Result<Self, PcaError> {
        let n = check_shape(columns, names)?;
        let moments = moments(columns).map_err(|(row, j)| PcaError::NotFinite {
            row,
            column: names[j].clone(),
            value: columns[j][row],
        })?;
        debug_assert_eq!(moments.n, n);
        Self::from_moments(moments, names, *opts).map_err(|e| underflow_or(e, columns, names))
    }

    /// Fits a PCA to the n × d matrix `x` (one sample per row), as [`fit`](Self::fit).
    ///
    /// # Errors
    /// As [`fit`](Self::fit).
    pub fn fit_matrix(
        x: &DMatrix<f64>,
        names: &[String],
        opts: &PcaOptions,
    ) -> Result<Self, PcaError> {
        let (n, d) = x.shape();
        if d == 0 {
            return Err(PcaError::NoColumns);
        }
        if n < 2 {
            return Err(PcaError::TooFewRows { rows: n });
        }
        // nalgebra stores matrices column-major: column j is one contiguous slice.
        let columns: Vec<&[f64]> = x.as_slice().chunks_exact(n).collect();
        Self::fit(&columns, names, opts)
    }

    /// d, the number of original columns.
    #[must_use]
    pub fn n_features(&self) -> usize {
        self.mean.len()
    }

    /// The first `k` scores (coordinates along components 1..=k) of one point
    /// `x` of the original space: tᵢ = vᵢ · ((x − μ) / s). `k` above d is taken as d.
    ///
    /// # Panics
    /// If `x` does not have d entries.
    #[must_use]
    pub fn transform_point(&self, x: &[f64], k: usize) -> DVector<f64> {
        let d = self.n_features();
        assert_eq!(
            x.len(),
            d,
            "transform_point: the point has {} entries, expected {d}",
            x.len()
        );
        let z = DVector::from_fn(d, |j, _| (x[j] - self.mean[j]) / self.scale[j]);
        let k = k.min(d);
        // t = V_k z, with V_k the first k rows of `components`.
        self.components.rows(0, k) * z
    }

    /// The first `k` scores of every row of `columns` (d slices of n values,
    /// like [`fit`](Self::fit) takes): an n × k matrix. `k` above d is taken as
    /// d. A row with a missing value gets `NaN` scores.
    ///
    /// # Panics
    /// If there are not d columns or they differ in length.
    #[must_use]
    pub fn scores(&self, columns: &[&[f64]], k: usize) -> DMatrix<f64> {
        let d = self.n_features();
        assert_eq!(
            columns.len(),
            d,
            "scores: {} columns given, expected {d}",
            columns.len()
        );
        let n = columns.first().map_or(0, |c| c.len());
        assert!(
            columns.iter().all(|c| c.len() == n),
            "scores: the columns differ in length"
        );
        let k = k.min(d);
        let mut out = DMatrix::zeros(n, k);
        if n == 0 || k == 0 {
            return out;
        }
        // tᵢ = Σⱼ wᵢⱼ (xⱼ − μⱼ) with wᵢⱼ = Vᵢⱼ / sⱼ (V: components, rows).
        let w = DMatrix::from_fn(k, d, |i, j| self.components[(i, j)] / self.scale[j]);
        let mean = self.mean.as_slice();

        // Hand out row ranges of every output column: one work item per chunk.
        let chunk = if n * d < PARALLEL_MIN_CELLS {
            n
        } else {
            CHUNK_ROWS
        };
        let mut items: Vec<(usize, Vec<&mut [f64]>)> = (0..n)
            .step_by(chunk)
            .map(|start| (start, Vec::with_capacity(k)))
            .collect();
        for column in out.as_mut_slice().chunks_exact_mut(n) {
            let mut rest = column;
            for (_, parts) in &mut items {
                let (head, tail) = rest.split_at_mut(chunk.min(rest.len()));
                parts.push(head);
                rest = tail;
            }
        }
        for_each_parallel(items, |(start, mut parts)| {
            score_rows(columns, mean, &w, start, &mut parts);
        });
        out
    }

    /// The point of the original space whose first `scores.len()` scores are
    /// `scores` and whose other scores are 0: x̂ = μ + s ⊙ (V_kᵀ t).
    ///
    /// # Panics
    /// If there are more than d scores.
    #[must_use]
    pub fn inverse_transform(&self, scores: &[f64]) -> DVector<f64> {
        let d = self.n_features();
        let k = scores.len();
        assert!(
            k <= d,
            "inverse_transform: {k} scores given, at most {d} exist"
        );
        let t = DVector::from_column_slice(scores);
        let z = self.components.rows(0, k).tr_mul(&t);
        DVector::from_fn(d, |j, _| self.mean[j] + self.scale[j] * z[j])
    }

    /// The rank-`k` reconstruction of `x`: its projection onto the first `k`
    /// components, in original units.
    ///
    /// # Panics
    /// If `x` does not have d entries.
    #[must_use]
    pub fn reconstruct(&self, x: &[f64], k: usize) -> DVector<f64> {
        let t = self.transform_point(x, k);
        self.inverse_transform(t.as_slice())
    }

    /// ‖x − x̂‖, the Euclidean distance in original units between `x` and its
    /// rank-`k` reconstruction. 0 (up to rounding) when `k` = d.
    ///
    /// # Panics
    /// If `x` does not have d entries.
    #[must_use]
    pub fn reconstruction_error(&self, x: &[f64], k: usize) -> f64 {
        let x_hat = self.reconstruct(x, k);
        x.iter()
            .zip(x_hat.iter())
            .map(|(a, b)| (a - b) * (a - b))
            .sum::<f64>()
            .sqrt()
    }

    /// Running sums of the explained variance ratios: entry i is the share of
    /// the variance that components 1..=i+1 keep.
    #[must_use]
    pub fn cumulative_ratio(&self) -> Vec<f64> {
        self.explained_variance_ratio
            .iter()
            .scan(0.0, |acc, r| {
                *acc += r;
                Some(*acc)
            })
            .collect()
    }

    /// Everything after the pass over the data: scale, covariance, eigenpairs.
    /// (A column found constant here may only have a variance too small for
    /// f64: [`underflow_or`] tells the two apart from the values.)
    fn from_moments(
        moments: Moments,
        names: &[String],
        opts: PcaOptions,
    ) -> Result<Self, PcaError> {
        let Moments { n, mean, m2 } = moments;
        let d = mean.len();
        // Σ = M2 / (n − 1); only the upper triangle of M2 is maintained.
        let denom = (n - 1) as f64;
        let mut cov = DMatrix::from_fn(d, d, |i, j| {
            let (i, j) = if i <= j { (i, j) } else { (j, i) };
            m2[(i, j)] / denom
        });
        // Name a column whose own variance overflows, else one in an overflowing pair.
        let overflowing = (0..d)
            .find(|&j| !cov[(j, j)].is_finite())
            .or_else(|| (0..d).find(|&j| !cov.column(j).iter().all(|v| v.is_finite())));
        if let Some(j) = overflowing {
            return Err(PcaError::Overflow {
                column: names[j].clone(),
            });
        }

        let scale = if opts.standardize {
            let std = DVector::from_fn(d, |j, _| cov[(j, j)].sqrt());
            for j in 0..d {
                // A standard deviation at the level of rounding of the mean
                // means the column is constant.
                if std[j] <= 16.0 * f64::EPSILON * mean[j].abs() || std[j] == 0.0 {
                    return Err(PcaError::ZeroVariance {
                        column: names[j].clone(),
                    });
                }
            }
            // Σ_z = D⁻¹ Σ D⁻¹ with D = diag(s): the correlation matrix.
            for j in 0..d {
                for i in 0..d {
                    cov[(i, j)] /= std[i] * std[j];
                }
            }
            for j in 0..d {
                cov[(j, j)] = 1.0;
            }
            std
        } else {
            DVector::from_element(d, 1.0)
        };

        let eigen = SymmetricEigen::new(cov.clone());
        let mut order: Vec<usize> = (0..d).collect();
        order.sort_by(|&a, &b| eigen.eigenvalues[b].total_cmp(&eigen.eigenvalues[a]));
        let explained_variance = DVector::from_fn(d, |i, _| eigen.eigenvalues[order[i]].max(0.0));
        let mut components = DMatrix::from_fn(d, d, |i, j| eigen.eigenvectors[(j, order[i])]);
        for i in 0..d {
            if components[(i, sign_entry(components.row(i).iter().copied()))] < 0.0 {
                components.row_mut(i).neg_mut();
            }
        }
        let total: f64 = explained_variance.sum();
        let explained_variance_ratio = if total > 0.0 {
            &explained_variance / total
        } else {
            DVector::zeros(d)
        };

        Ok(Self {
            columns: names.to_vec(),
            n_samples: n,
            standardized: opts.standardize,
            mean,
            scale,
            covariance: cov,
            explained_variance,
            explained_variance_ratio,
            components,
        })
    }
}

/// The index of the entry the sign convention makes positive: the first whose
/// magnitude is within [`SIGN_TIE`] (relative) of the largest.
#[must_use]
pub fn sign_entry(v: impl Iterator<Item = f64> + Clone) -> usize {
    let max = v.clone().fold(0.0f64, |m, x| m.max(x.abs()));
    v.into_iter()
        .position(|x| x.abs() >= max * (1.0 - SIGN_TIE))
        .unwrap_or(0)
}

/// The rows (0-based) where every column holds a finite value: those a PCA can
/// use ([`usable_rows`] without the counts). Rows beyond the shortest column
/// are left out.
#[must_use]
pub fn complete_rows(columns: &[&[f64]]) -> Vec<usize> {
    usable_rows(columns).rows
}

/// Checks the names and lengths; returns n.
fn check_shape(columns: &[&[f64]], names: &[String]) -> Result<usize, PcaError> {
    let Some(first) = columns.first() else {
        return Err(PcaError::NoColumns);
    };
    if names.len() != columns.len() {
        return Err(PcaError::NamesMismatch {
            names: names.len(),
            columns: columns.len(),
        });
    }
    let n = first.len();
    if let Some((c, name)) = columns.iter().zip(names).find(|(c, _)| c.len() != n) {
        return Err(PcaError::LengthMismatch {
            column: name.clone(),
            expected: n,
            found: c.len(),
        });
    }
    if n < 2 {
        return Err(PcaError::TooFewRows { rows: n });
    }
    Ok(n)
}
