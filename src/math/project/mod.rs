//! Non-linear projections of n points in d dimensions onto a 2D or 3D map:
//! t-SNE ([`tsne`]) and UMAP ([`umap`]), both built on exact k nearest
//! neighbours ([`knn`]), and two measures of what a map keeps of each point's
//! neighbourhood ([`quality`]: trustworthiness as scikit-learn computes it, and
//! the share of the k nearest neighbours kept).
//!
//! Both methods take the data as d columns of n values (a `Dataset`'s numeric
//! columns), start from the PCA scores (or a seeded random cloud), call an
//! observer every few iterations with the current positions and stop early
//! when it returns `false` (a Cancel button, a closed window). They are
//! deterministic for a seed: the work split across threads (nearest
//! neighbours, Barnes-Hut forces) is per point, and every sum over points is
//! taken in index order, so the result does not depend on the thread count.
//!
//! Written here rather than taken from a crate: `bhtsne` (the maintained Rust
//! t-SNE) brings rayon, rand, rustfft and a pinned tree crate, starts from a
//! random cloud rather than openTSNE's scaled PCA, and offers no cancel; no
//! maintained Rust UMAP runs on the CPU.

pub mod knn;
pub mod quality;
pub mod tsne;
pub mod umap;

use std::num::NonZeroUsize;

use crate::math::pca::{Pca, PcaError, PcaOptions};
use crate::math::similarity::SimilarityError;

/// What the observer sees every few iterations.
#[derive(Clone, Copy, Debug)]
pub struct Progress<'a> {
    /// Iterations (t-SNE) or epochs (UMAP) done so far.
    pub iteration: usize,
    /// Iterations or epochs planned in all.
    pub total: usize,
    /// t-SNE's KL divergence KL(P‖Q), computed every 50 iterations and at the
    /// end (the latest value is repeated in between); `None` for UMAP and
    /// before the first computation.
    pub loss: Option<f64>,
    /// The current map, row-major: point i is `positions[i·dims .. (i+1)·dims]`.
    pub positions: &'a [f64],
    /// 2 or 3.
    pub dims: usize,
}

/// A finished (or cancelled) map.
#[derive(Clone, Debug, PartialEq)]
pub struct Embedding {
    /// 2 or 3.
    pub dims: usize,
    /// Row-major: point i is `positions[i·dims .. (i+1)·dims]`.
    pub positions: Vec<f64>,
    /// Iterations (t-SNE) or epochs (UMAP) run.
    pub iterations: usize,
    /// Whether the observer stopped it before the planned iterations.
    pub cancelled: bool,
    /// t-SNE's final KL divergence; `None` for UMAP.
    pub loss: Option<f64>,
}

impl Embedding {
    /// Number of points.
    #[must_use]
    pub fn len(&self) -> usize {
        self.positions.len() / self.dims.max(1)
    }

    /// Whether there are no points.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }

    /// Point i (empty if out of range).
    #[must_use]
    pub fn point(&self, i: usize) -> &[f64] {
        self.positions
            .get(i * self.dims..(i + 1) * self.dims)
            .unwrap_or_default()
    }
}

/// How the map starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Init {
    /// The first PCA scores (openTSNE's and the Projector's choice): the
    /// large-scale layout of the data, the same for every seed.
    #[default]
    Pca,
    /// A seeded Gaussian cloud.
    Random,
}

/// Why a projection could not be computed. Parameters are named as on the
/// command line.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum ProjectError {
    /// Too few points for the method.
    #[error("{method} needs at least {min} rows, found {rows}")]
    TooFewRows {
        method: &'static str,
        rows: usize,
        min: usize,
    },
    /// Not 2 or 3.
    #[error("--dims: must be 2 or 3, got {0}")]
    Dims(usize),
    /// Perplexity out of range for the number of rows.
    #[error("--perplexity: must be at least 1 and less than rows/3 = {}, got {perplexity}", crate::math::fmt_typed(*rows as f64 / 3.0))]
    Perplexity { perplexity: f64, rows: usize },
    /// A neighbour count out of range.
    #[error("--neighbors: must be between {min} and {max} (the rows), got {k}")]
    Neighbors { k: usize, min: usize, max: usize },
    /// Quality's k must be below half the rows (as scikit-learn requires).
    #[error("k = {k} for trustworthiness must be less than rows/2 = {}", rows / 2)]
    QualityK { k: usize, rows: usize },
    /// UMAP's min-dist out of range.
    #[error("--min-dist: must be between 0 and the spread {spread} (exclusive), got {min_dist}")]
    MinDist { min_dist: f64, spread: f64 },
    /// A parameter that must be a positive finite number or count.
    #[error("{name}: must be positive, got {value}")]
    NotPositive { name: &'static str, value: f64 },
    /// The map has a different number of points than the data.
    #[error("the map has {map} points, the data {data}")]
    MapMismatch { map: usize, data: usize },
    /// The data cannot be indexed (non-finite values, no columns).
    #[error(transparent)]
    Data(#[from] SimilarityError),
    /// The PCA start failed.
    #[error(transparent)]
    Pca(#[from] PcaError),
    /// A supervision weight outside 0..=1.
    #[error("--supervise-weight: must be between 0 and 1, got {0}")]
    SuperviseWeight(f64),
    /// Supervision labels for a different number of rows.
    #[error("--supervise: {labels} labels for {rows} rows")]
    SuperviseLabels { labels: usize, rows: usize },
}

/// The label code of a row without a label: it is neither pulled nor
/// pushed by supervision (t-SNE) or treated as umap-learn treats an
/// unknown target (UMAP).
pub const UNLABELLED: u32 = u32::MAX;

/// A label column's codes as supervision labels: a row whose label is
/// empty (or out of range) is [`UNLABELLED`].
#[must_use]
pub fn supervision_codes(labels: &crate::data::LabelColumn) -> Vec<u32> {
    labels
        .codes
        .iter()
        .map(|&c| {
            if labels
                .categories
                .get(c as usize)
                .is_none_or(String::is_empty)
            {
                UNLABELLED
            } else {
                c
            }
        })
        .collect()
}

/// Labels that supervise a map, as the Embedding Projector's "supervise
/// by" does for t-SNE and umap-learn's `y` with `target_metric =
/// "categorical"` does for UMAP: pairs with the same label are drawn
/// together, pairs with different labels pushed apart, by `weight`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Supervision<'a> {
    /// One per row: the code of its label, or [`UNLABELLED`].
    pub labels: &'a [u32],
    /// 0 (no effect) ..= 1 (labels override geometry as far as the method allows).
    pub weight: f64,
}

impl Supervision<'_> {
    /// Checks the weight and that there is a label per row.
    ///
    /// # Errors
    /// [`ProjectError::SuperviseWeight`], [`ProjectError::SuperviseLabels`].
    pub fn check(&self, n: usize) -> Result<(), ProjectError> {
        if !(0.0..=1.0).contains(&self.weight) {
            return Err(ProjectError::SuperviseWeight(self.weight));
        }
        if self.labels.len() != n {
            return Err(ProjectError::SuperviseLabels {
                labels: self.labels.len(),
                rows: n,
            });
        }
        Ok(())
    }

    /// Whether it changes anything (a positive weight).
    #[must_use]
    pub fn active(&self) -> bool {
        self.weight > 0.0
    }
}

/// Worker threads for per-point work: the machine's cores, at most 16.
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .min(16)
}

/// Runs `f(first_row, rows)` over contiguous chunks of `out` (rows of
/// `width` values each) on scoped threads. Each row is written by exactly one
/// call, so the result does not depend on the number of threads.
pub(crate) fn par_rows<T: Send>(out: &mut [T], width: usize, f: impl Fn(usize, &mut [T]) + Sync) {
    let width = width.max(1);
    let n = out.len() / width;
    let t = threads().min(n.div_ceil(64)).max(1);
    if t == 1 {
        f(0, out);
        return;
    }
    let per = n.div_ceil(t);
    std::thread::scope(|s| {
        for (c, chunk) in out.chunks_mut(per * width).enumerate() {
            let f = &f;
            s.spawn(move || f(c * per, chunk));
        }
    });
}

/// The first `dims` PCA scores of the rows, row-major n × dims (for `dims`
/// above d, the missing columns are 0). Centred, not standardized. `names`
/// name the columns in errors (`x1`, `x2`, … when empty).
///
/// # Errors
/// [`ProjectError::Pca`] (fewer than 2 rows, non-finite values).
pub fn pca_scores(
    columns: &[&[f64]],
    names: &[String],
    dims: usize,
) -> Result<Vec<f64>, ProjectError> {
    let generic: Vec<String>;
    let names = if names.len() == columns.len() {
        names
    } else {
        generic = (1..=columns.len()).map(|j| format!("x{j}")).collect();
        &generic
    };
    let pca = Pca::fit(columns, names, &PcaOptions::default())?;
    let scores = pca.scores(columns, dims);
    let n = scores.nrows();
    let mut out = vec![0.0; n * dims];
    for (k, column) in scores.column_iter().enumerate() {
        for (i, &v) in column.iter().enumerate() {
            if let Some(slot) = out.get_mut(i * dims + k) {
                *slot = v;
            }
        }
    }
    Ok(out)
}

/// The starting map: the PCA scores or a standard normal cloud (seeded).
/// Columns the PCA cannot fill (d < dims) get seeded noise, so no two
/// points start on top of each other along them.
pub(crate) fn start(
    columns: &[&[f64]],
    dims: usize,
    init: Init,
    seed: u64,
) -> Result<Vec<f64>, ProjectError> {
    let n = columns.first().map_or(0, |c| c.len());
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut y = match init {
        Init::Pca => pca_scores(columns, &[], dims)?,
        Init::Random => vec![0.0; n * dims],
    };
    let filled = match init {
        Init::Pca => columns.len().min(dims),
        Init::Random => 0,
    };
    // Noise on the scale of the first score, so the shape is not one long line.
    let scale = if filled > 0 { std_of(&y, dims, 0) } else { 1.0 };
    let scale = if scale > 0.0 { scale } else { 1.0 };
    for row in y.chunks_exact_mut(dims) {
        for v in row.iter_mut().skip(filled) {
            *v = scale * normal(&mut rng);
        }
    }
    Ok(y)
}

/// The standard deviation (n denominator) of coordinate `k` of a row-major map.
pub(crate) fn std_of(y: &[f64], dims: usize, k: usize) -> f64 {
    let n = (y.len() / dims.max(1)).max(1) as f64;
    let column = || y.iter().skip(k).step_by(dims.max(1));
    let mean = column().sum::<f64>() / n;
    (column().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt()
}

/// A standard normal draw (Box–Muller).
pub(crate) fn normal(rng: &mut fastrand::Rng) -> f64 {
    let u = 1.0 - rng.f64();
    let v = rng.f64();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// Checks d columns of equal length and returns n.
pub(crate) fn rows(columns: &[&[f64]]) -> Result<usize, ProjectError> {
    let Some(first) = columns.first() else {
        return Err(SimilarityError::NoDimensions.into());
    };
    let n = first.len();
    if let Some((dim, c)) = columns.iter().enumerate().find(|(_, c)| c.len() != n) {
        return Err(SimilarityError::LengthMismatch {
            dim,
            expected: n,
            found: c.len(),
        }
        .into());
    }
    Ok(n)
}

/// Checks a given starting map (Perturb's): n · dims finite values.
pub(crate) fn check_initial(
    initial: Option<&[f64]>,
    n: usize,
    dims: usize,
) -> Result<(), ProjectError> {
    match initial {
        Some(y) if y.len() != n * dims || y.iter().any(|v| !v.is_finite()) => {
            Err(ProjectError::MapMismatch {
                map: y.len() / dims.max(1),
                data: n,
            })
        }
        _ => Ok(()),
    }
}

/// Checks that dims is 2 or 3.
pub(crate) fn check_dims(dims: usize) -> Result<(), ProjectError> {
    if matches!(dims, 2 | 3) {
        Ok(())
    } else {
        Err(ProjectError::Dims(dims))
    }
}
