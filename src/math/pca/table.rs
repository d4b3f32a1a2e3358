//! PCA of a table: which rows it uses, and the fit of those rows.
//!
//! One row policy for the command line and the window: a row with a missing
//! (`NaN`) or infinite (±∞) value in a chosen column is left out of the fit
//! and counted, never silently; fewer than two usable rows is an error that
//! names the columns. [`prepare_table`] adds what drawing a fit needs (every
//! score, the rank-2 reconstruction errors, the 3D view's radius), computed
//! once per fit, never per frame.

use std::borrow::Cow;

use nalgebra::DMatrix;

use super::{Pca, PcaError, PcaOptions};
use crate::data::LoadProgress;

/// Which rows of a table a PCA uses, and how many it left out and why.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowSelection {
    /// The rows used (0-based, ascending): a finite value in every chosen column.
    pub rows: Vec<usize>,
    /// Rows left out for a missing value (`NaN`) in a chosen column.
    pub missing: usize,
    /// Rows left out for an infinite value (±∞) in a chosen column, and no
    /// missing one.
    pub non_finite: usize,
}

impl RowSelection {
    /// All `n` rows, none left out.
    #[must_use]
    pub fn all(n: usize) -> Self {
        Self {
            rows: (0..n).collect(),
            missing: 0,
            non_finite: 0,
        }
    }

    /// Rows of the table: used and left out.
    #[must_use]
    pub fn total(&self) -> usize {
        self.rows.len() + self.left_out()
    }

    /// Rows left out, for a missing or an infinite value.
    #[must_use]
    pub fn left_out(&self) -> usize {
        self.missing + self.non_finite
    }

    /// The used rows of `columns`: the columns themselves when every row is
    /// used, else copies of the used rows.
    #[must_use]
    pub fn gather<'a>(&self, columns: &[&'a [f64]]) -> Vec<Cow<'a, [f64]>> {
        if self.left_out() == 0 {
            return columns.iter().map(|c| Cow::Borrowed(*c)).collect();
        }
        columns
            .iter()
            .map(|c| Cow::Owned(self.rows.iter().map(|&r| c[r]).collect()))
            .collect()
    }

    /// An error when rows were left out and fewer than two remain. (Fewer
    /// than two rows in all is [`PcaError::TooFewRows`], from the fit.)
    ///
    /// # Errors
    /// [`PcaError::TooFewUsableRows`], naming `names`.
    pub fn check(&self, names: &[String]) -> Result<(), PcaError> {
        if self.rows.len() < 2 && self.left_out() > 0 {
            return Err(PcaError::TooFewUsableRows {
                columns: names.to_vec(),
                usable: self.rows.len(),
                missing: self.missing,
                non_finite: self.non_finite,
            });
        }
        Ok(())
    }
}

/// The rows of `columns` (d slices, as a [`Dataset`](crate::data::Dataset)
/// stores them) a PCA uses: those with a finite value in every column. Rows
/// beyond the shortest column are not rows of the table.
#[must_use]
pub fn usable_rows(columns: &[&[f64]]) -> RowSelection {
    const INFINITE: u8 = 1;
    const MISSING: u8 = 2;
    let n = columns.iter().map(|c| c.len()).min().unwrap_or(0);
    // Column by column (each read in order), marking each row's worst value.
    let mut marks = vec![0u8; n];
    for column in columns {
        for (mark, x) in marks.iter_mut().zip(&column[..n]) {
            if !x.is_finite() {
                *mark |= if x.is_nan() { MISSING } else { INFINITE };
            }
        }
    }
    let mut selection = RowSelection::default();
    for (r, &mark) in marks.iter().enumerate() {
        if mark & MISSING != 0 {
            selection.missing += 1;
        } else if mark == INFINITE {
            selection.non_finite += 1;
        } else {
            selection.rows.push(r);
        }
    }
    selection
}

/// A PCA of a table's usable rows.
#[derive(Clone, Debug)]
pub struct TableFit {
    pub pca: Pca,
    /// The rows it used, and those it left out.
    pub selection: RowSelection,
}

impl TableFit {
    /// The first `k` scores of every used row of `columns` (the columns the
    /// fit was given): an n × k matrix, row i for `selection.rows[i]`.
    #[must_use]
    pub fn scores(&self, columns: &[&[f64]], k: usize) -> DMatrix<f64> {
        let used = self.selection.gather(columns);
        let used: Vec<&[f64]> = used.iter().map(AsRef::as_ref).collect();
        self.pca.scores(&used, k)
    }
}

/// Fits a PCA to the usable rows (see [`usable_rows`]) of `columns`, named by
/// `names`: what both `eigenlens pca` and the PCA view fit.
///
/// # Errors
/// [`PcaError::TooFewUsableRows`] when rows were left out and fewer than two
/// remain; else as [`Pca::fit`] (never [`NotFinite`](PcaError::NotFinite)).
pub fn fit_table(
    columns: &[&[f64]],
    names: &[String],
    opts: &PcaOptions,
) -> Result<TableFit, PcaError> {
    // Most tables have no missing value: fit every row first, and let the
    // fit's own pass find the first missing or infinite value (it stops
    // there). Only then are the usable rows counted and gathered. Where
    // every row is usable this is the very fit below, without a pass over
    // the data to find that out.
    let n = columns.first().map_or(0, |c| c.len());
    if n >= 2 && names.len() == columns.len() && columns.iter().all(|c| c.len() == n) {
        match Pca::fit(columns, names, opts) {
            Ok(pca) => {
                return Ok(TableFit {
                    pca,
                    selection: RowSelection::all(n),
                });
            }
            Err(PcaError::NotFinite { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    let selection = usable_rows(columns);
    selection.check(names)?;
    let used = selection.gather(columns);
    let used: Vec<&[f64]> = used.iter().map(AsRef::as_ref).collect();
    let pca = Pca::fit(&used, names, opts)?;
    Ok(TableFit { pca, selection })
}

/// A table's fit with everything drawing it needs, computed once.
#[derive(Clone, Debug)]
pub struct PreparedFit {
    pub pca: Pca,
    /// The rows used (`scores` row i is table row `selection.rows[i]`).
    pub selection: RowSelection,
    /// Scores of the used rows on all d components (n × d).
    pub scores: DMatrix<f64>,
    /// Reconstruction error of each used row with two components, in
    /// original units.
    pub errors2: Vec<f64>,
    /// Data are divided by this to fit a sphere of radius 1 in the 3D view: a
    /// high quantile (99.5%) of the points' distances from the mean, so a few
    /// outliers do not shrink the cloud.
    pub radius: f64,
    /// The largest |score| on PC1 and on PC2 (0 for a missing component).
    pub extent: [f64; 2],
}

/// [`fit_table`] and the scores, rank-2 reconstruction errors, radius and
/// extent of the used rows. Reports rows done to `progress` (three passes
/// over the rows) and stops early with [`PcaError::Cancelled`] if it is
/// cancelled.
///
/// # Errors
/// As [`fit_table`], or [`PcaError::Cancelled`].
pub fn prepare_table(
    columns: &[&[f64]],
    names: &[String],
    opts: &PcaOptions,
    progress: &LoadProgress,
) -> Result<PreparedFit, PcaError> {
    let n = columns.iter().map(|c| c.len()).min().unwrap_or(0) as u64;
    progress.set_total(3 * n.max(1));
    let cancelled = || {
        if progress.is_cancelled() {
            Err(PcaError::Cancelled)
        } else {
            Ok(())
        }
    };
    let selection = usable_rows(columns);
    progress.set_done(n);
    cancelled()?;
    selection.check(names)?;
    let used = selection.gather(columns);
    let used: Vec<&[f64]> = used.iter().map(AsRef::as_ref).collect();
    let pca = Pca::fit(&used, names, opts)?;
    let d = pca.n_features();
    let scores = pca.scores(&used, d);
    progress.set_done(2 * n);
    cancelled()?;
    let rows = selection.rows.len();
    let mut errors2 = Vec::with_capacity(rows);
    let mut x = vec![0.0; used.len()];
    for i in 0..rows {
        if i % 65_536 == 0 {
            progress.set_done(2 * n + i as u64);
            cancelled()?;
        }
        for (xj, c) in x.iter_mut().zip(&used) {
            *xj = c[i];
        }
        errors2.push(pca.reconstruction_error(&x, 2.min(d)));
    }
    progress.set_done(3 * n.max(1));
    let radius = radius(&scores);
    let extent = [0, 1].map(|k| {
        if k < scores.ncols() {
            scores.column(k).iter().fold(0.0f64, |m, v| m.max(v.abs()))
        } else {
            0.0
        }
    });
    Ok(PreparedFit {
        pca,
        selection,
        scores,
        errors2,
        radius,
        extent,
    })
}

/// The 99.5% quantile of the rows' norms (1 without rows), at least 10⁻¹².
fn radius(scores: &DMatrix<f64>) -> f64 {
    let (n, d) = scores.shape();
    let mut norms: Vec<f64> = (0..n)
        .map(|i| (0..d).map(|k| scores[(i, k)].powi(2)).sum::<f64>().sqrt())
        .collect();
    if norms.is_empty() {
        return 1.0;
    }
    let q = ((norms.len() - 1) as f64 * 0.995).round() as usize;
    let (_, v, _) = norms.select_nth_unstable_by(q, f64::total_cmp);
    v.max(1e-12)
}
