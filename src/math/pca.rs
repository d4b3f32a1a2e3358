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
//! Speed: the covariance dominates the cost (n·d² multiply-adds against d³ for
//! the eigen-decomposition). It is computed in chunks of rows, on every core,
//! with scoped threads; each chunk copies blocks of rows into a small
//! cache-resident buffer, centres them on the block mean and adds BᵀB (gemms
//! through nalgebra and matrixmultiply that skip most of the lower triangle,
//! or direct dot products when there are few columns). Blocks and chunks are
//! merged with Chan et al.'s pairwise update, chunks in chunk order, so the
//! result is the same on any number of threads and as accurate as the
//! two-pass formula. Values are shifted by a rough mean of the first rows
//! before anything else, so data far from the origin loses nothing either.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Mutex;

use nalgebra::{DMatrix, DMatrixView, DVector, SymmetricEigen};

/// Rows per chunk: the unit of work a thread takes and of the merge order.
/// Small enough that a thread slowed by other processes holds up little at
/// the end; large enough that merging (d² per chunk) costs nothing.
const CHUNK_ROWS: usize = 1 << 15;

/// Size of the block buffer, in f64s (1 MiB: it stays in L2 while the
/// products read it; 2¹⁴ to 2¹⁸ all measure within noise of each other).
const BLOCK_CELLS: usize = 1 << 17;

/// Fewer cells than this are fitted on the calling thread alone.
const PARALLEL_MIN_CELLS: usize = 1 << 18;

/// From this many columns on, a block's cross products are one gemm; below,
/// d(d+1)/2 dot products, which waste nothing on tiny matrices.
const GEMM_MIN_COLUMNS: usize = 8;

/// Blocks of at most this many rows (and gemms with a side this short) never
/// go through nalgebra's gemm (see `chunk_moments`): its small-size fallback
/// is unsound for strided views.
const GEMM_MIN_ROWS: usize = 5;

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

    /// A missing (`NaN`) or infinite value. Rows with missing values must be
    /// dropped before fitting (see [`complete_rows`]); they are never skipped silently.
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
        Self::from_moments(moments, names, *opts)
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
/// use. Rows beyond the shortest column are left out.
#[must_use]
pub fn complete_rows(columns: &[&[f64]]) -> Vec<usize> {
    let n = columns.iter().map(|c| c.len()).min().unwrap_or(0);
    (0..n)
        .filter(|&r| columns.iter().all(|c| c[r].is_finite()))
        .collect()
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

/// Count, mean and M2 = Σ (x − μ)(x − μ)ᵀ of a set of rows (upper triangle of
/// `m2` maintained; the lower may hold anything).
#[derive(Clone, Debug)]
struct Moments {
    n: usize,
    mean: DVector<f64>,
    m2: DMatrix<f64>,
}

impl Moments {
    fn zeros(d: usize) -> Self {
        Self {
            n: 0,
            mean: DVector::zeros(d),
            m2: DMatrix::zeros(d, d),
        }
    }

    /// Adds the moments of `nb` more rows with mean `mean_b` whose centred
    /// cross products have already been added to `self.m2`. Chan, Golub and
    /// LeVeque's pairwise update: δ = μ_b − μ_a, μ = μ_a + δ n_b / n,
    /// M2 = M2_a + M2_b + δδᵀ n_a n_b / n.
    fn absorb(&mut self, nb: usize, mean_b: &DVector<f64>) {
        let na = self.n;
        let n = na + nb;
        if nb == 0 {
            return;
        }
        let delta = mean_b - &self.mean;
        self.mean.axpy(nb as f64 / n as f64, &delta, 1.0);
        self.m2
            .ger(na as f64 * nb as f64 / n as f64, &delta, &delta, 1.0);
        self.n = n;
    }

    /// Merges the moments of a disjoint set of rows into these.
    fn merge(&mut self, other: &Self) {
        self.m2 += &other.m2;
        self.absorb(other.n, &other.mean);
    }
}

/// Chunk results of [`moments`], merged strictly in chunk order whatever order
/// they finish in, so the sum is the same on any number of threads.
struct Merge {
    /// The chunk to merge next.
    next: usize,
    total: Moments,
    /// Finished chunks waiting for an earlier one.
    pending: BTreeMap<usize, Result<Moments, (usize, usize)>>,
    /// The first bad value, in chunk order.
    error: Option<(usize, usize)>,
}

/// The moments of all rows of `columns` (same length, at least one column),
/// or the (row, column) of the first non-finite value.
fn moments(columns: &[&[f64]]) -> Result<Moments, (usize, usize)> {
    let d = columns.len();
    let n = columns[0].len();
    // Work with x − c, c a rough mean from the first rows. Block means are then
    // of the size of the spread, not of the data: far from the origin (values
    // near 10⁹ varying by 1) their differences in the pairwise update would
    // otherwise carry the rounding of 10⁹.
    let shift: Vec<f64> = columns
        .iter()
        .map(|c| {
            let head = c.iter().take(256).filter(|x| x.is_finite());
            let (sum, count) = head.fold((0.0, 0usize), |(s, k), x| (s + x, k + 1));
            if count > 0 && (sum / count as f64).is_finite() {
                sum / count as f64
            } else {
                0.0
            }
        })
        .collect();
    let chunk = if n * d < PARALLEL_MIN_CELLS {
        n.max(1)
    } else {
        CHUNK_ROWS
    };
    let chunks: Vec<(usize, Range<usize>)> = (0..n)
        .step_by(chunk)
        .map(|start| start..(start + chunk).min(n))
        .enumerate()
        .collect();
    let merge = Mutex::new(Merge {
        next: 0,
        total: Moments::zeros(d),
        pending: BTreeMap::new(),
        error: None,
    });
    let lock = || {
        merge
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };

    for_each_parallel(chunks, |(index, rows)| {
        // Once a chunk has failed, all before it were clean: it holds the first bad value.
        if lock().error.is_some() {
            return;
        }
        let mut buffer = Vec::new();
        let result = chunk_moments(columns, &shift, rows, &mut buffer);
        let mut guard = lock();
        let m = &mut *guard;
        m.pending.insert(index, result);
        while let Some(result) = m.pending.remove(&m.next) {
            m.next += 1;
            match result {
                Ok(chunk) if m.error.is_none() => m.total.merge(&chunk),
                Ok(_) => {}
                Err(at) => {
                    m.error.get_or_insert(at);
                }
            }
        }
    });
    let m = merge
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(at) = m.error {
        return Err(at);
    }
    let mut total = m.total;
    for (mu, c) in total.mean.iter_mut().zip(&shift) {
        *mu += c;
    }
    Ok(total)
}

/// The moments of `rows` of x − `shift`, a block of rows at a time, using
/// `buffer` as scratch.
fn chunk_moments(
    columns: &[&[f64]],
    shift: &[f64],
    rows: Range<usize>,
    buffer: &mut Vec<f64>,
) -> Result<Moments, (usize, usize)> {
    let d = columns.len();
    let block = (BLOCK_CELLS / d).clamp(64, 4096);
    let mut acc = Moments::zeros(d);
    let mut block_mean = DVector::zeros(d);
    for start in rows.clone().step_by(block) {
        let end = (start + block).min(rows.end);
        let m = end - start;
        buffer.resize(m * d, 0.0);
        // B: the block, column-major m × d, centred on its own mean. Two
        // passes over each column's few KiB: the sum of x − c, then the
        // centred copy (reading the source again, now from L1).
        for (j, (column, &c)) in columns.iter().zip(shift).enumerate() {
            let x = &column[start..end];
            let sum = shifted_sum(x, c);
            // Any NaN or ±∞ makes the sum non-finite (so does overflow, which
            // the covariance check reports later).
            if !sum.is_finite()
                && let Some(at) = first_not_finite(columns, start..end)
            {
                return Err(at);
            }
            let mu = sum / m as f64;
            for (b, x) in buffer[j * m..(j + 1) * m].iter_mut().zip(x) {
                *b = (x - c) - mu;
            }
            block_mean[j] = mu;
        }
        let b = &buffer[..m * d];
        // nalgebra's gemm hands blocks of at most 5 rows to its gemv fallback,
        // which with Bᵀ's strides writes past the output (nalgebra 0.35
        // `axcpy_uninit` iterates the strided slice's length): heap corruption.
        // Such short blocks (the last of a chunk) take the dot products instead.
        if d >= GEMM_MIN_COLUMNS && m > GEMM_MIN_ROWS {
            add_syrk(&mut acc.m2, b, m);
        } else {
            for i in 0..d {
                let bi = &b[i * m..(i + 1) * m];
                for j in i..d {
                    acc.m2[(i, j)] += dot(bi, &b[j * m..(j + 1) * m]);
                }
            }
        }
        acc.absorb(m, &block_mean);
    }
    Ok(acc)
}

/// M2 += BᵀB on the upper triangle (and some of the lower), B the m × d
/// column-major block in `b`, through matrixmultiply's gemm.
///
/// A symmetric rank-k update done as one gemm computes every off-diagonal
/// entry twice. Instead, with B = [B₁ B₂] split at a multiple of the gemm
/// kernel's 8 columns, the columns of M2 over B₂ get [B₁ B₂]ᵀB₂ in one gemm
/// and the top-left block B₁ᵀB₁ recurses. For d = 50 that is two thirds of
/// the multiply-adds for half again as much packing: ~15% less time in all.
/// Bᵀ is the same buffer read with swapped strides.
fn add_syrk(m2: &mut DMatrix<f64>, b: &[f64], m: usize) {
    /// Blocks this narrow are one gemm: splitting them costs more packing
    /// than it saves (measured: 8 and 32 are both slower for d = 50).
    const MAX_DIRECT: usize = 16;
    let mut width = b.len() / m.max(1);
    while width > 0 {
        // Columns 0..width of B remain; split them at h.
        let h = if width <= MAX_DIRECT {
            0
        } else {
            (width / 2).next_multiple_of(8)
        };
        // Every side of every gemm must exceed GEMM_MIN_ROWS (see
        // `chunk_moments`): a right part of ≤ 5 columns (d = 18, 20, 21)
        // would take nalgebra's unsound small path; do the width in one gemm.
        let h = if width - h <= GEMM_MIN_ROWS { 0 } else { h };
        let bt = DMatrixView::from_slice_with_strides(b, width, m, m, 1);
        let right = DMatrixView::from_slice(&b[h * m..width * m], m, width - h);
        m2.view_mut((0, h), (width, width - h))
            .gemm(1.0, &bt, &right, 1.0);
        width = h;
    }
}

/// The (row, column) of the first non-finite value in `rows`, scanning row by row.
fn first_not_finite(columns: &[&[f64]], rows: Range<usize>) -> Option<(usize, usize)> {
    rows.into_iter().find_map(|r| {
        columns
            .iter()
            .position(|c| !c[r].is_finite())
            .map(|j| (r, j))
    })
}

/// Σ (x − c) with eight independent accumulators: vectorizes, and rounds like
/// a shallow pairwise sum.
fn shifted_sum(x: &[f64], c: f64) -> f64 {
    let mut acc = [0.0f64; 8];
    let chunks = x.chunks_exact(8);
    let tail: f64 = chunks.remainder().iter().map(|x| x - c).sum();
    for x8 in chunks {
        for (a, x) in acc.iter_mut().zip(x8) {
            *a += x - c;
        }
    }
    acc.iter().sum::<f64>() + tail
}

/// x · y with eight independent accumulators (see [`shifted_sum`]).
fn dot(x: &[f64], y: &[f64]) -> f64 {
    let mut acc = [0.0f64; 8];
    let (xc, yc) = (x.chunks_exact(8), y.chunks_exact(8));
    let tail: f64 = xc
        .remainder()
        .iter()
        .zip(yc.remainder())
        .map(|(a, b)| a * b)
        .sum();
    for (a8, b8) in xc.zip(yc) {
        for ((acc, a), b) in acc.iter_mut().zip(a8).zip(b8) {
            *acc += a * b;
        }
    }
    acc.iter().sum::<f64>() + tail
}

/// Scores of the rows `start..start + parts[0].len()` into `parts` (one slice per
/// component), a block of rows at a time so the inputs stay in cache.
fn score_rows(
    columns: &[&[f64]],
    mean: &[f64],
    w: &DMatrix<f64>,
    start: usize,
    parts: &mut [&mut [f64]],
) {
    const BLOCK: usize = 1024;
    let len = parts.first().map_or(0, |p| p.len());
    for offset in (0..len).step_by(BLOCK) {
        let end = (offset + BLOCK).min(len);
        for (i, out) in parts.iter_mut().enumerate() {
            let out = &mut out[offset..end];
            for (j, (column, mu)) in columns.iter().zip(mean).enumerate() {
                let wij = w[(i, j)];
                let x = &column[start + offset..start + end];
                for (t, x) in out.iter_mut().zip(x) {
                    *t += wij * (x - mu);
                }
            }
        }
    }
}

/// Runs `work` on every item, on up to all cores: the calling thread and
/// helpers it spawns take items in order from a shared queue. One item runs
/// on the calling thread alone; a helper that cannot be spawned is simply
/// missing (the calling thread does its share).
fn for_each_parallel<T: Send>(items: Vec<T>, work: impl Fn(T) + Sync) {
    let helpers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(items.len())
        .saturating_sub(1);
    let queue = Mutex::new(items.into_iter());
    let next = || {
        queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .next()
    };
    let run = || {
        while let Some(item) = next() {
            work(item);
        }
    };
    std::thread::scope(|s| {
        for _ in 0..helpers {
            // Ignoring a failed spawn is safe: the calling thread drains the queue.
            let _ = std::thread::Builder::new().spawn_scoped(s, run);
        }
        run();
    });
}
