//! The PCA view's fit: what it depends on, the job that computes it (on this
//! thread for small data, in the background with progress and Cancel for
//! large), and exporting its scores.

use std::path::Path;

use egui::Ui;

use super::{BACKGROUND_CELLS, BACKGROUND_ROWS, PcaView, effective_columns};
use crate::app::DatasetHandle;
use crate::app::job::{Latest, Progress, Waker};
use crate::data::Dataset;
use crate::math::pca::{PcaError, PcaOptions, PreparedFit, prepare_table};

/// What a fit depends on: the dataset and the chosen columns and scaling.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct FitKey {
    pub dataset_id: u64,
    pub columns: Vec<String>,
    pub standardize: bool,
}

/// Why the view has no fit to show.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    /// A chosen column is not in the dataset.
    #[error("no column {0:?}")]
    NoColumn(String),
    /// The dataset has fewer than two numeric columns.
    #[error("PCA needs at least two numeric columns")]
    TooFewColumns,
    /// The PCA itself failed (too few usable rows, a constant column when
    /// standardizing, an overflow, ...).
    #[error(transparent)]
    Pca(#[from] PcaError),
}

impl PcaView {
    /// Starts the fit for the current settings, or moves a finished
    /// background fit into place.
    pub(super) fn update_fit(&mut self, waker: &Waker, handle: &DatasetHandle) {
        let key = FitKey {
            dataset_id: handle.id,
            columns: effective_columns(&self.settings, &handle.data),
            standardize: self.settings.standardize,
        };
        let rows = handle.data.n_rows;
        let cells = rows * key.columns.len();
        let background = !self.blocking && (rows > BACKGROUND_ROWS || cells > BACKGROUND_CELLS);
        let data = handle.data.clone();
        let job_key = key.clone();
        self.fits.want(key, background, waker, move |progress| {
            compute(&data, &job_key, progress)
        });
    }

    /// Writes the current fit's scores as CSV: PC1..PCd, then the dataset's
    /// label columns, one line per row used. Written to a temporary file and
    /// renamed, so a failure leaves no half-written file.
    ///
    /// # Errors
    /// No fit yet, or the file cannot be written.
    pub fn export_scores(&self, handle: &DatasetHandle, path: &Path) -> Result<usize, ExportError> {
        let fit = self
            .fits
            .result()
            .filter(|(k, _)| k.dataset_id == handle.id)
            .and_then(|(_, f)| f.as_ref().ok())
            .ok_or(ExportError::NoScores)?;
        let ds = &handle.data;
        let rows = &fit.selection.rows;
        crate::files::write_atomic(path, |out| {
            let mut w = csv::Writer::from_writer(out);
            let d = fit.scores.ncols();
            let mut header: Vec<String> = (1..=d).map(|k| format!("PC{k}")).collect();
            header.extend(ds.labels.iter().map(|l| l.name.clone()));
            w.write_record(&header)?;
            for (i, &r) in rows.iter().enumerate() {
                let mut rec: Vec<String> = (0..d).map(|k| fit.scores[(i, k)].to_string()).collect();
                rec.extend(ds.labels.iter().map(|l| l.get(r).to_owned()));
                w.write_record(&rec)?;
            }
            w.flush()
        })?;
        Ok(rows.len())
    }
}

/// Why File → Export → PCA scores wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// No fit on screen (yet) for the current dataset.
    #[error("there are no PCA scores to export yet")]
    NoScores,
    /// The file could not be written (it names the file).
    #[error(transparent)]
    Write(#[from] crate::files::WriteError),
}

/// While a background fit runs: a progress bar, `text` and Cancel (which
/// keeps what is on screen). Whether a fit is running.
pub(super) fn job_progress(
    fits: &mut Latest<FitKey, PreparedFit, FitError>,
    ui: &mut Ui,
    text: &str,
) -> bool {
    let Some(job) = fits.running() else {
        return false;
    };
    let mut cancel = false;
    ui.horizontal(|ui| {
        ui.add(
            egui::ProgressBar::new(job.fraction().unwrap_or(0.0))
                .desired_width(160.0)
                .show_percentage(),
        );
        ui.label(text);
        cancel = ui.button("Cancel").clicked();
    });
    if cancel {
        fits.cancel();
    }
    ui.ctx()
        .request_repaint_after(std::time::Duration::from_millis(100));
    true
}

/// The prepared fit of `key`'s columns of `ds` (see
/// [`prepare_table`]: rows with a missing or infinite value left out and
/// counted), reporting to `progress`.
fn compute(ds: &Dataset, key: &FitKey, progress: &Progress) -> Result<PreparedFit, FitError> {
    let columns: Vec<&[f64]> = key
        .columns
        .iter()
        .map(|c| {
            ds.column(c)
                .map(|c| c.values.as_slice())
                .ok_or_else(|| FitError::NoColumn(c.clone()))
        })
        .collect::<Result<_, _>>()?;
    if columns.len() < 2 {
        return Err(FitError::TooFewColumns);
    }
    let options = PcaOptions {
        standardize: key.standardize,
    };
    Ok(prepare_table(&columns, &key.columns, &options, progress)?)
}
