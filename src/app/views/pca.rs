//! The PCA view: principal component analysis as a change of basis.
//!
//! With three columns, a 3D story: the cloud with its mean and principal axes
//! (arrows of length √λ) and the PC1–PC2 plane; the animation centres and turns
//! the cloud into its principal axes, slides every point along PC3 onto the
//! plane (leaving a segment as long as its reconstruction error) and turns the
//! plane to face the viewer, where it is the 2D scatter of PC1 and PC2 scores.
//! Beside it: the scores scatter (any two components, optional biplot), the
//! scree plot and the loadings table or covariance heatmap.

use std::fmt::Write as _;
use std::hash::{Hash as _, Hasher as _};
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

use egui::{Align2, Color32, RichText, Stroke, Ui, pos2, vec2};
use egui_plot::{
    Arrows, AxisHints, Bar, BarChart, GridMark, HoverPosition, Legend, Line, Plot, PlotPoint,
    PlotPoints, Points, Text,
};
use nalgebra::{DMatrix, Matrix3, Rotation3, Vector3};

use crate::app::DatasetHandle;
use crate::app::style::{
    category_color, diverging, fmt_count, fmt_num, neutral_point_color, text_on,
};
use crate::app::views::{RasterScatter, Series};
use crate::app::widgets::raster::{hash_camera, hash_f64, hash_rect, key_hasher};
use crate::app::widgets::{Heatmap, OrbitView, PointRaster, RASTER_POINTS, Scene3d};
use crate::data::{Dataset, LabelColumn, LoadProgress};
use crate::math::pca::{Pca, PcaOptions};
use crate::scene::{CameraSettings, PcaPanel, PcaSettings};

/// Fits of more rows than this, or more cells (rows × columns), run on a
/// background thread with a progress bar and a Cancel button.
const BACKGROUND_ROWS: usize = 100_000;
const BACKGROUND_CELLS: usize = 2_000_000;
/// The 3D view draws at most this many points as shapes (every k-th row
/// above it); above RASTER_POINTS it draws them all as one image instead.
const MAX_3D_POINTS: usize = 20_000;
/// Residual segments drawn at most, when the points are one image.
const MAX_3D_SEGMENTS: usize = 2_000;
/// The scores scatter draws at most this many points.
const MAX_SCATTER_POINTS: usize = 100_000;
/// Seconds the whole animation takes at 1× speed.
const ANIMATION_SECONDS: f32 = 9.0;
/// Components shown in the loadings table.
const MAX_LOADINGS: usize = 8;

/// What a fit depends on: the dataset and the chosen columns and scaling.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct FitKey {
    dataset_id: u64,
    columns: Vec<String>,
    standardize: bool,
}

/// A finished fit and what the drawing needs from it.
struct Fit {
    key: FitKey,
    result: Result<Fitted, String>,
}

struct Fitted {
    pca: Pca,
    /// Dataset rows used (those with every chosen column present).
    rows: Vec<usize>,
    /// Rows left out for a missing value.
    dropped: usize,
    /// Of those, rows left out for an infinite value (and no missing one).
    infinite: usize,
    /// Scores of `rows`, all components (n × d).
    scores: DMatrix<f64>,
    /// Reconstruction error of each used row with two components.
    errors2: Vec<f64>,
    /// Data are divided by this to fit a sphere of radius 1 in the 3D view.
    radius: f64,
}

/// A fit running on a background thread.
struct Job {
    key: FitKey,
    rx: Receiver<Result<Fitted, String>>,
    /// Rows processed, and the Cancel button's flag.
    progress: Arc<LoadProgress>,
}

/// The PCA view's state: its scene settings, animation and cached fit.
pub struct PcaView {
    pub settings: PcaSettings,
    home_camera: CameraSettings,
    playing: bool,
    speed: f32,
    fit: Option<Fit>,
    job: Option<Job>,
    /// A fit the user cancelled: not restarted until asked (or the settings change).
    cancelled: Option<FitKey>,
    /// Fit on the UI thread whatever the size (headless rendering and tests).
    blocking: bool,
    /// The scores scatter as one image, above RASTER_POINTS points.
    scores_raster: RasterScatter,
    /// The 3D view's points as one image, above RASTER_POINTS points.
    story_raster: PointRaster,
}

impl Default for PcaView {
    fn default() -> Self {
        Self::new(PcaSettings::default())
    }
}

impl PcaView {
    /// A view showing `settings`.
    #[must_use]
    pub fn new(settings: PcaSettings) -> Self {
        Self {
            home_camera: settings.camera,
            settings,
            playing: false,
            speed: 1.0,
            fit: None,
            job: None,
            cancelled: None,
            blocking: false,
            scores_raster: RasterScatter::default(),
            story_raster: PointRaster::default(),
        }
    }

    /// Fit on the UI thread even for large data (for headless rendering).
    pub fn set_blocking(&mut self, blocking: bool) {
        self.blocking = blocking;
    }

    /// Whether the animation is playing.
    #[must_use]
    pub fn is_playing(&self) -> bool {
        self.playing
    }

    /// Makes the settings fit `ds`: unknown columns and labels fall back to defaults.
    pub fn adapt_to(&mut self, ds: &Dataset) {
        let s = &mut self.settings;
        if s.columns.iter().any(|c| ds.column(c).is_none()) || s.columns.len() == 1 {
            s.columns.clear();
        }
        if s.color
            .as_deref()
            .is_some_and(|c| !c.is_empty() && ds.label(c).is_none())
        {
            s.color = None;
        }
        let d = effective_columns(s, ds).len().max(1);
        s.x_component = s.x_component.clamp(1, d);
        s.y_component = s.y_component.clamp(1, d);
    }

    /// Whether a fit is running in the background.
    #[must_use]
    pub fn is_computing(&self) -> bool {
        self.job.is_some()
    }

    /// The explained variance ratios of the current fit, if there is one.
    #[must_use]
    pub fn explained_variance_ratio(&self) -> Option<Vec<f64>> {
        let fit = self.fit.as_ref()?.result.as_ref().ok()?;
        Some(fit.pca.explained_variance_ratio.iter().copied().collect())
    }

    /// Writes the current fit's scores as CSV: PC1..PCd, then the dataset's
    /// label columns, one line per row used. Written to a temporary file and
    /// renamed, so a failure leaves no half-written file.
    ///
    /// # Errors
    /// No fit yet, or the file cannot be written.
    pub fn export_scores(&self, handle: &DatasetHandle, path: &Path) -> Result<usize, String> {
        let fit = self
            .fit
            .as_ref()
            .filter(|f| f.key.dataset_id == handle.id)
            .and_then(|f| f.result.as_ref().ok())
            .ok_or_else(|| "there are no PCA scores to export yet".to_owned())?;
        let ds = &handle.data;
        crate::files::write_atomic(path, |out| {
            let mut w = csv::Writer::from_writer(out);
            let d = fit.scores.ncols();
            let mut header: Vec<String> = (1..=d).map(|k| format!("PC{k}")).collect();
            header.extend(ds.labels.iter().map(|l| l.name.clone()));
            w.write_record(&header)?;
            for (i, &r) in fit.rows.iter().enumerate() {
                let mut rec: Vec<String> = (0..d).map(|k| fit.scores[(i, k)].to_string()).collect();
                rec.extend(ds.labels.iter().map(|l| l.get(r).to_owned()));
                w.write_record(&rec)?;
            }
            w.flush()
        })
        .map_err(|e| e.to_string())?;
        Ok(fit.rows.len())
    }

    /// Starts or finishes the fit for the current settings; returns it when ready.
    fn update_fit(&mut self, ctx: &egui::Context, handle: &DatasetHandle) {
        let columns = effective_columns(&self.settings, &handle.data);
        let key = FitKey {
            dataset_id: handle.id,
            columns,
            standardize: self.settings.standardize,
        };
        if let Some(job) = &self.job {
            match job.rx.try_recv() {
                Ok(result) => {
                    let key = job.key.clone();
                    self.job = None;
                    self.fit = Some(Fit { key, result });
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => {}
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    let key = job.key.clone();
                    self.job = None;
                    self.fit = Some(Fit {
                        key,
                        result: Err("the PCA computation stopped unexpectedly".to_owned()),
                    });
                }
            }
        }
        if self.fit.as_ref().is_some_and(|f| f.key == key)
            || self.job.as_ref().is_some_and(|j| j.key == key)
            || self.cancelled.as_ref() == Some(&key)
        {
            return;
        }
        self.cancelled = None;
        // A fit for settings no longer wanted stops.
        if let Some(old) = self.job.take() {
            old.progress.cancel();
        }
        let rows = handle.data.n_rows;
        let cells = rows * key.columns.len();
        if self.blocking || (rows <= BACKGROUND_ROWS && cells <= BACKGROUND_CELLS) {
            let result = compute(&handle.data, &key, &LoadProgress::new());
            self.fit = Some(Fit { key, result });
        } else {
            // The old fit stays on screen until the new one is complete.
            let (tx, rx) = channel();
            let data = handle.data.clone();
            let job_key = key.clone();
            let ctx = ctx.clone();
            let progress = Arc::new(LoadProgress::new());
            let shared = Arc::clone(&progress);
            std::thread::spawn(move || {
                let result = compute(&data, &job_key, &shared);
                if !shared.is_cancelled() {
                    let _ = tx.send(result);
                    ctx.request_repaint();
                }
            });
            self.job = Some(Job { key, rx, progress });
        }
    }

    /// Draws the view for `handle`'s dataset.
    pub fn ui(&mut self, ui: &mut Ui, handle: &DatasetHandle) {
        let ds = handle.data.clone();
        self.adapt_to(&ds);
        self.update_fit(ui.ctx(), handle);
        self.toolbar(ui, &ds);

        let fit = match self.fit.as_ref().filter(|f| f.key.dataset_id == handle.id) {
            Some(Fit { result: Ok(f), .. }) => f,
            Some(Fit { result: Err(e), .. }) => {
                ui.label(
                    RichText::new(format!("PCA cannot run: {e}"))
                        .color(ui.visuals().error_fg_color),
                );
                return;
            }
            None => {
                let text = format!("Computing PCA of {} rows…", fmt_count(ds.n_rows));
                if !job_progress(&mut self.job, &mut self.cancelled, ui, &text) {
                    ui.horizontal(|ui| {
                        ui.label(format!("PCA of {} rows cancelled.", fmt_count(ds.n_rows)));
                        if ui.button("Compute").clicked() {
                            self.cancelled = None;
                        }
                    });
                }
                return;
            }
        };
        job_progress(&mut self.job, &mut self.cancelled, ui, "Recomputing PCA…");
        if fit.dropped > 0 {
            let rows =
                |n: usize| format!("{} {}", fmt_count(n), if n == 1 { "row" } else { "rows" });
            let missing = fit.dropped - fit.infinite;
            let text = match (missing, fit.infinite) {
                (_, 0) => format!(
                    "{} with a missing value in the chosen columns left out.",
                    rows(missing)
                ),
                (0, inf) => format!(
                    "{} with an infinite value in the chosen columns left out.",
                    rows(inf)
                ),
                (m, inf) => format!(
                    "{} with a missing value and {} with an infinite value in the chosen columns left out.",
                    rows(m),
                    rows(inf)
                ),
            };
            ui.label(RichText::new(text).color(ui.visuals().warn_fg_color));
        }
        if fit.pca.explained_variance.iter().all(|&l| l == 0.0) {
            ui.label(
                RichText::new(format!(
                    "All {} points are the same in the chosen columns: there is no variance to explain, so no direction is principal (the axes shown are arbitrary).",
                    fmt_count(fit.rows.len())
                ))
                .color(ui.visuals().warn_fg_color),
            );
        }

        let label = color_label(&self.settings, &ds);
        let avail = ui.available_size();
        let left_w = (avail.x * 0.5).floor();
        let settings = &mut self.settings;
        let (playing, speed) = (&mut self.playing, &mut self.speed);
        let home = self.home_camera;
        let Some(fit_key) = self.fit.as_ref().map(|f| f.key.clone()) else {
            return;
        };
        let fit_key = &fit_key;
        let (scores_raster, story_raster) = (&self.scores_raster, &mut self.story_raster);
        ui.horizontal_top(|ui| {
            ui.allocate_ui(vec2(left_w, avail.y), |ui| {
                ui.vertical(|ui| {
                    story_ui(
                        ui,
                        &ds,
                        fit,
                        label,
                        settings,
                        home,
                        playing,
                        speed,
                        (fit_key, story_raster),
                    );
                });
            });
            ui.separator();
            ui.vertical(|ui| {
                let right = ui.available_size();
                let top_h = (right.y * 0.55).floor();
                ui.allocate_ui(vec2(right.x, top_h), |ui| {
                    scores_ui(ui, &ds, fit, label, settings, (fit_key, scores_raster));
                });
                ui.separator();
                let bottom = ui.available_size();
                ui.horizontal_top(|ui| {
                    let scree_w = (bottom.x * 0.42).floor();
                    ui.allocate_ui(vec2(scree_w, bottom.y), |ui| {
                        ui.vertical(|ui| scree_ui(ui, &fit.pca));
                    });
                    ui.separator();
                    ui.vertical(|ui| {
                        ui.horizontal(|ui| {
                            ui.selectable_value(
                                &mut settings.panel,
                                PcaPanel::Loadings,
                                "Loadings",
                            );
                            ui.selectable_value(
                                &mut settings.panel,
                                PcaPanel::Covariance,
                                "Covariance",
                            );
                        });
                        match settings.panel {
                            PcaPanel::Loadings => loadings_ui(ui, &fit.pca),
                            PcaPanel::Covariance => covariance_ui(ui, &fit.pca),
                        }
                    });
                });
            });
        });
    }

    fn toolbar(&mut self, ui: &mut Ui, ds: &Dataset) {
        let s = &mut self.settings;
        ui.horizontal(|ui| {
            ui.heading(&ds.name);
            ui.add_space(12.0);
            let chosen = effective_columns(s, ds);
            let names = ds.column_names();
            let title = format!("Columns ({} of {})", chosen.len(), names.len());
            ui.menu_button(title, |ui| {
                ui.label(RichText::new("Three columns tell the 3D story; any two or more work.").weak());
                let mut picked = chosen.clone();
                for n in &names {
                    let mut on = picked.iter().any(|c| c == n);
                    let can_turn_off = picked.len() > 2;
                    let response = ui.add_enabled(
                        !on || can_turn_off,
                        egui::Checkbox::new(&mut on, *n),
                    );
                    if response.changed() {
                        if on {
                            picked.push((*n).to_owned());
                        } else {
                            picked.retain(|c| c != n);
                        }
                    }
                }
                if picked != chosen {
                    // Keep the dataset's column order.
                    s.columns = names
                        .iter()
                        .filter(|n| picked.iter().any(|c| c == *n))
                        .map(|n| (*n).to_owned())
                        .collect();
                }
            })
            .response
            .on_hover_text(chosen.join(", "));
            ui.checkbox(&mut s.standardize, "Standardize")
                .on_hover_text("Divide every column by its standard deviation first (z-scores): PCA of the correlation matrix. Use it when columns have different units or scales.");
            ui.add_space(8.0);
            let colour_label = ui.label("colour by");
            let current = color_label(s, ds).map_or("none", |l| l.name.as_str()).to_owned();
            let mut color = current.clone();
            egui::ComboBox::from_id_salt("pca-colour")
                .selected_text(&color)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut color, "none".to_owned(), "none");
                    for l in &ds.labels {
                        ui.selectable_value(&mut color, l.name.clone(), &l.name);
                    }
                })
                .response
                .labelled_by(colour_label.id);
            if color != current {
                s.color = Some(if color == "none" { String::new() } else { color });
            }
        });
    }
}

/// While a background fit runs: a progress bar, `text` and Cancel (which
/// keeps what is on screen). Whether a fit is running.
fn job_progress(
    job_slot: &mut Option<Job>,
    cancelled: &mut Option<FitKey>,
    ui: &mut Ui,
    text: &str,
) -> bool {
    let Some(job) = job_slot.as_ref() else {
        return false;
    };
    let mut cancel = false;
    ui.horizontal(|ui| {
        ui.add(
            egui::ProgressBar::new(job.progress.fraction().unwrap_or(0.0))
                .desired_width(160.0)
                .show_percentage(),
        );
        ui.label(text);
        cancel = ui.button("Cancel").clicked();
    });
    if cancel {
        job.progress.cancel();
        *cancelled = Some(job.key.clone());
        *job_slot = None;
    }
    ui.ctx()
        .request_repaint_after(std::time::Duration::from_millis(100));
    true
}

/// The columns analysed: the chosen ones, or the first three numeric columns.
fn effective_columns(s: &PcaSettings, ds: &Dataset) -> Vec<String> {
    if s.columns.len() >= 2 && s.columns.iter().all(|c| ds.column(c).is_some()) {
        s.columns.clone()
    } else {
        ds.columns.iter().take(3).map(|c| c.name.clone()).collect()
    }
}

fn color_label<'a>(s: &PcaSettings, ds: &'a Dataset) -> Option<&'a LabelColumn> {
    match s.color.as_deref() {
        Some("") => None,
        Some(name) => ds.label(name),
        None => ds.labels.first(),
    }
}

/// The fit and what the drawing needs, reporting rows done to `progress`
/// (three passes over the rows) and stopping early if it is cancelled.
fn compute(ds: &Dataset, key: &FitKey, progress: &LoadProgress) -> Result<Fitted, String> {
    let n = ds.n_rows as u64;
    progress.set_total(3 * n.max(1));
    let cols: Vec<&[f64]> = key
        .columns
        .iter()
        .map(|c| {
            ds.column(c)
                .map(|c| c.values.as_slice())
                .ok_or_else(|| format!("no column {c:?}"))
        })
        .collect::<Result<_, _>>()?;
    if cols.len() < 2 {
        return Err("PCA needs at least two numeric columns".to_owned());
    }
    let rows: Vec<usize> = (0..ds.n_rows)
        .filter(|&r| cols.iter().all(|c| c.get(r).is_some_and(|v| v.is_finite())))
        .collect();
    let dropped = ds.n_rows - rows.len();
    progress.set_done(n);
    let cancelled = || "cancelled".to_owned();
    if progress.is_cancelled() {
        return Err(cancelled());
    }
    let infinite = (0..ds.n_rows)
        .filter(|&r| {
            cols.iter().all(|c| c.get(r).is_some_and(|v| !v.is_nan()))
                && cols
                    .iter()
                    .any(|c| c.get(r).is_some_and(|v| v.is_infinite()))
        })
        .count();
    if rows.len() < 2 && dropped > 0 {
        return Err(format!(
            "PCA needs at least 2 rows with a value in every chosen column; {} of the {} rows have a missing or infinite value",
            fmt_count(dropped),
            fmt_count(ds.n_rows)
        ));
    }
    let complete: Vec<Vec<f64>> = if dropped == 0 {
        Vec::new()
    } else {
        cols.iter()
            .map(|c| rows.iter().map(|&r| c[r]).collect())
            .collect()
    };
    let used: Vec<&[f64]> = if dropped == 0 {
        cols.clone()
    } else {
        complete.iter().map(Vec::as_slice).collect()
    };
    let pca = Pca::fit(
        &used,
        &key.columns,
        &PcaOptions {
            standardize: key.standardize,
        },
    )
    .map_err(|e| e.to_string())?;
    let d = pca.n_features();
    let scores = pca.scores(&used, d);
    progress.set_done(2 * n);
    if progress.is_cancelled() {
        return Err(cancelled());
    }
    // Rank-2 reconstruction error = length of the dropped score coordinates,
    // in the (scaled) space PCA ran in; convert to original units per column.
    let mut errors2 = Vec::with_capacity(rows.len());
    let mut x = vec![0.0; used.len()];
    for i in 0..rows.len() {
        if i % 65_536 == 0 {
            progress.set_done(2 * n + i as u64);
            if progress.is_cancelled() {
                return Err(cancelled());
            }
        }
        for (xj, c) in x.iter_mut().zip(&used) {
            *xj = c[i];
        }
        errors2.push(pca.reconstruction_error(&x, 2.min(d)));
    }
    // The 3D view fits this radius to its unit sphere: a high quantile of the
    // points' distances from the mean, so a few outliers do not shrink the cloud.
    let mut norms: Vec<f64> = (0..rows.len())
        .map(|i| (0..d).map(|k| scores[(i, k)].powi(2)).sum::<f64>().sqrt())
        .collect();
    let radius = if norms.is_empty() {
        1.0
    } else {
        let q = ((norms.len() - 1) as f64 * 0.995).round() as usize;
        let (_, v, _) = norms.select_nth_unstable_by(q, f64::total_cmp);
        v.max(1e-12)
    };
    Ok(Fitted {
        pca,
        rows,
        dropped,
        infinite,
        scores,
        errors2,
        radius,
    })
}

/// The animation's three stage positions, each 0..=1, eased.
fn stages(progress: f32) -> [f32; 3] {
    let ease = |t: f32| {
        let t = t.clamp(0.0, 1.0);
        t * t * (3.0 - 2.0 * t)
    };
    let p = progress.clamp(0.0, 1.0) * 3.0;
    [ease(p), ease(p - 1.0), ease(p - 2.0)]
}

/// The caption for the animation at `progress`.
fn caption(progress: f32, pca: &Pca) -> String {
    let ratio = &pca.explained_variance_ratio;
    let kept = 100.0 * (ratio[0] + ratio.get(1).copied().unwrap_or(0.0));
    if progress <= 0.0 {
        "The data: each row is a point in 3D. Arrows: the principal axes, each as long as √λ (its standard deviation).".to_owned()
    } else if progress < 1.0 / 3.0 {
        "① Centre and rotate: subtract the mean μ and turn the cloud so that PC1, PC2 and PC3 line up with the axes.".to_owned()
    } else if progress < 2.0 / 3.0 {
        "② Project: every point slides along PC3 onto the PC1–PC2 plane; its segment is what is lost (the reconstruction error).".to_owned()
    } else if progress < 1.0 {
        "③ Turn the plane to face us: its coordinates are the scores on PC1 and PC2.".to_owned()
    } else {
        format!("The 2D scatter of PC1 and PC2 scores keeps {kept:.1}% of the variance.")
    }
}

#[allow(clippy::too_many_arguments)]
fn story_ui(
    ui: &mut Ui,
    ds: &Dataset,
    fit: &Fitted,
    label: Option<&LabelColumn>,
    settings: &mut PcaSettings,
    home: CameraSettings,
    playing: &mut bool,
    speed: &mut f32,
    (fit_key, raster): (&FitKey, &mut PointRaster),
) {
    let pca = &fit.pca;
    let d = pca.n_features();
    if d < 3 {
        ui.label(
            RichText::new(
                "Choose three columns (Columns menu) to see PCA turn and flatten a 3D cloud.",
            )
            .weak(),
        );
        return;
    }
    // Playback controls.
    let dt = ui.input(|i| i.stable_dt).min(0.1);
    if *playing {
        settings.progress += dt * *speed / ANIMATION_SECONDS;
        if settings.progress >= 1.0 {
            settings.progress = 1.0;
            *playing = false;
        }
        ui.ctx().request_repaint();
    }
    let ctrl_h = 30.0;
    let avail = ui.available_size();
    let size = vec2(avail.x, (avail.y - ctrl_h - 8.0).max(120.0));
    let three = d == 3;
    let axis_names: [&str; 3] = if settings.progress > 0.0 || !three {
        ["PC1", "PC2", "PC3"]
    } else {
        [
            pca.columns[0].as_str(),
            pca.columns[1].as_str(),
            pca.columns[2].as_str(),
        ]
    };
    let progress = settings.progress;
    let mut hovered: Option<(f32, usize)> = None;
    let pointer = ui.ctx().pointer_hover_pos();
    let dark = ui.visuals().dark_mode;
    // What the 3D raster's points depend on, and what their picture does
    // besides (the rectangle is added where it is known).
    let mut h = key_hasher();
    (fit_key, label.map(|l| &l.name), dark).hash(&mut h);
    let data_key = h.finish();
    let mut h = key_hasher();
    three.hash(&mut h);
    hash_f64(&mut h, f64::from(progress));
    hash_camera(&mut h, &settings.camera);
    let story_key = h.finish();
    let ctx = ui.ctx().clone();
    let response = OrbitView::new("pca-orbit", &mut settings.camera, home)
        .axis_names(axis_names)
        .show(ui, size, |scene| {
            draw_story(
                scene,
                fit,
                label,
                progress,
                three,
                dark,
                pointer,
                &mut hovered,
                (&ctx, data_key, story_key, raster),
            );
        });
    if let Some((_, i)) = hovered
        && response.hovered()
    {
        response.on_hover_text_at_pointer(point_details(ds, fit, i));
    }
    ui.horizontal(|ui| {
        let play_label = if *playing { "‖ Pause" } else { "▶ Play" };
        if ui.button(play_label).clicked() {
            if !*playing && settings.progress >= 1.0 {
                settings.progress = 0.0;
            }
            *playing = !*playing;
        }
        ui.spacing_mut().slider_width = (ui.available_width() - 200.0).max(80.0);
        let slider = ui.add(
            egui::Slider::new(&mut settings.progress, 0.0..=1.0)
                .show_value(false)
                .text("progress"),
        );
        if slider.dragged() {
            *playing = false;
        }
        let speed_label = ui.label("speed");
        egui::ComboBox::from_id_salt("pca-speed")
            .selected_text(format!("{speed}×"))
            .width(60.0)
            .show_ui(ui, |ui| {
                for s in [0.25, 0.5, 1.0, 2.0, 4.0] {
                    ui.selectable_value(speed, s, format!("{s}×"));
                }
            })
            .response
            .labelled_by(speed_label.id);
    });
}

/// The 3D scene at `progress`; records the point nearest the pointer.
#[allow(clippy::too_many_arguments)]
fn draw_story(
    scene: &mut Scene3d,
    fit: &Fitted,
    label: Option<&LabelColumn>,
    progress: f32,
    three: bool,
    dark: bool,
    pointer: Option<egui::Pos2>,
    hovered: &mut Option<(f32, usize)>,
    (ctx, data_key, key, raster): (&egui::Context, u64, u64, &mut PointRaster),
) {
    let pca = &fit.pca;
    let [t1, t2, t3] = if three {
        stages(progress)
    } else {
        // More than three columns: the scores are already in the principal frame.
        let [_, b, c] = stages(progress);
        [1.0, b, c]
    };
    let s = fit.radius;
    // Rows of `rf` are PC1..PC3 (a proper rotation: PC3 flipped if needed).
    let comps = &pca.components;
    let mut rf = Matrix3::from_fn(|i, j| {
        if three {
            comps[(i, j)]
        } else {
            f64::from(u8::from(i == j))
        }
    });
    if rf.determinant() < 0.0 {
        for j in 0..3 {
            rf[(2, j)] = -rf[(2, j)];
        }
    }
    let pc3_sign = if three && comps.nrows() >= 3 {
        // Component 3 as drawn: +1 unless flipped above.
        let dot: f64 = (0..3).map(|j| rf[(2, j)] * comps[(2, j)]).sum();
        dot.signum()
    } else {
        1.0
    };
    let r1 = Rotation3::from_matrix_unchecked(rf);
    let rot = Rotation3::identity().slerp(&r1, f64::from(t1));
    // Stage 3 turns the PC frame to face the viewer: x → right, y → up, z → towards us.
    let proj = scene.proj;
    let right = proj_axis(&proj, 0);
    let up = proj_axis(&proj, 1);
    let back = right.cross(&up);
    let q = Rotation3::from_matrix_unchecked(Matrix3::from_columns(&[right, up, back]));
    let turn = Rotation3::identity().slerp(&q, f64::from(t3));
    if progress > 0.0 || !three {
        // Once the animation starts, the gizmo names the principal axes and
        // follows them as they turn.
        let axis = |k: usize| {
            let mut e = Vector3::zeros();
            e[k] = if k == 2 { pc3_sign } else { 1.0 };
            let w = turn * (rot * (r1.inverse() * e));
            [w.x as f32, w.y as f32, w.z as f32]
        };
        scene.set_gizmo_axes([axis(0), axis(1), axis(2)]);
    }
    // World position of a point given in the (scaled, centred) data frame `z`
    // and its principal-frame coordinates `a`.
    let place = |a: Vector3<f64>, flatten: f64| -> [f32; 3] {
        // Principal frame → data frame (Rᵀ), then turned part of the way back (rot).
        let mut w = rot * (r1.inverse() * Vector3::new(a.x, a.y, a.z * pc3_sign));
        w.z *= 1.0 - flatten;
        let w = turn * (w / s);
        [w.x as f32, w.y as f32, w.z as f32]
    };
    let text = scene.text_color();
    let faint = text.gamma_multiply(0.35);

    // The original column axes, attached to the data (only for three columns).
    if three && t3 < 1.0 {
        let fade = 1.0 - t3;
        for j in 0..3 {
            let mut e = Vector3::zeros();
            e[j] = 1.0;
            // e in the principal frame: rows of the components times e.
            let a = Vector3::new(comps[(0, j)], comps[(1, j)], comps[(2, j)]) * (1.15 * s);
            let tip = place(a, 0.0);
            let tail = place(-a, 0.0);
            scene.dashed(tail, tip, Stroke::new(1.0, faint.gamma_multiply(fade)));
            scene.label(tip, &pca.columns[j], faint.gamma_multiply(fade * 2.0), 12.0);
        }
    }

    // The PC1–PC2 plane.
    let (mut l1, mut l2) = (0.0f64, 0.0f64);
    for i in 0..fit.scores.nrows() {
        l1 = l1.max(fit.scores[(i, 0)].abs());
        l2 = l2.max(fit.scores[(i, 1)].abs());
    }
    let (l1, l2) = (l1 * 1.08, l2 * 1.08);
    let plane_fill = if dark {
        Color32::from_rgba_unmultiplied(120, 160, 255, 26)
    } else {
        Color32::from_rgba_unmultiplied(60, 110, 220, 24)
    };
    let corners = [(l1, l2), (-l1, l2), (-l1, -l2), (l1, -l2)]
        .map(|(x, y)| place(Vector3::new(x, y, 0.0), 0.0));
    scene.polygon(
        &corners,
        plane_fill,
        Stroke::new(1.0, Color32::from_rgba_unmultiplied(60, 110, 220, 90)),
    );

    // Points, their residual segments, and the hovered one.
    let n = fit.scores.nrows();
    let big = n > RASTER_POINTS;
    let stride = if big {
        // Every point goes into the image; segments for a sample of them.
        n.div_ceil(MAX_3D_SEGMENTS).max(1)
    } else {
        n.div_ceil(MAX_3D_POINTS).max(1)
    };
    let radius = if n > 5_000 { 2.0 } else { 3.5 };
    let seg_alpha = (t2.min(1.0) * (1.0 - t3 * 0.6)).clamp(0.0, 1.0);
    if big {
        // `place` as one linear map of the scores: world = M·a.
        let flatten = Matrix3::from_diagonal(&Vector3::new(1.0, 1.0, 1.0 - f64::from(t2)));
        let m = (turn.matrix()
            * flatten
            * rot.matrix()
            * r1.inverse().matrix()
            * Matrix3::from_diagonal(&Vector3::new(1.0, 1.0, pc3_sign)))
            / s;
        let m = m.map(|x| x as f32);
        let proj = scene.proj;
        let rect = proj.rect();
        let (c0, c1, c2) = (
            fit.scores.column(0),
            fit.scores.column(1),
            fit.scores.column(2),
        );
        let raster_radius = if n > 400_000 { 0.5 } else { 1.2 };
        raster.prepare(
            data_key,
            n,
            |i| Some([c0[i], c1[i], c2[i]]),
            |i| point_color(label, fit.rows[i], dark),
        );
        raster.update(
            ctx,
            key ^ hash_rect(rect, ctx.pixels_per_point()),
            rect,
            ctx.pixels_per_point(),
            raster_radius,
            |a| {
                let w = m * Vector3::new(a[0] as f32, a[1] as f32, a[2] as f32);
                proj.project([w.x, w.y, w.z]).map(|q| q.pos)
            },
        );
        if let Some(shape) = raster.shape() {
            scene.underlay(shape);
        }
        if let Some(ptr) = pointer.filter(|p| rect.contains(*p))
            && !raster.redrawn_now(ctx)
            && let Some((i, dist)) = raster.nearest(ptr, 8.0)
        {
            *hovered = Some((dist, i));
        }
    }
    for i in (0..n).step_by(stride) {
        let a = Vector3::new(fit.scores[(i, 0)], fit.scores[(i, 1)], fit.scores[(i, 2)]);
        let color = point_color(label, fit.rows[i], dark);
        let p = place(a, f64::from(t2));
        if t2 > 0.0 && seg_alpha > 0.0 {
            let from = place(a, 0.0);
            scene.line(
                from,
                p,
                Stroke::new(1.0, color.gamma_multiply(0.75 * seg_alpha)),
            );
        }
        if big {
            continue;
        }
        if let Some(pos) = scene.point(p, radius, color)
            && let Some(ptr) = pointer
        {
            let dist = pos.distance(ptr);
            if dist < 8.0 && hovered.is_none_or(|(best, _)| dist < best) {
                *hovered = Some((dist, i));
            }
        }
    }
    if let Some((_, i)) = *hovered {
        let a = Vector3::new(fit.scores[(i, 0)], fit.scores[(i, 1)], fit.scores[(i, 2)]);
        scene.point_outlined(
            place(a, f64::from(t2)),
            radius + 2.5,
            Color32::TRANSPARENT,
            Stroke::new(2.0, text),
        );
    }

    // The mean and the principal axes, √λ long.
    scene.point_outlined([0.0; 3], 4.0, text, Stroke::new(1.5, scene.text_color()));
    if t3 < 0.5 {
        scene.label(
            place(Vector3::zeros(), 0.0),
            "   μ",
            text.gamma_multiply(1.0 - 2.0 * t3),
            14.0,
        );
    }
    let axis_colors = [
        Color32::from_rgb(213, 94, 0),
        Color32::from_rgb(0, 158, 115),
        Color32::from_rgb(0, 114, 178),
    ];
    let ratio = &pca.explained_variance_ratio;
    for k in 0..3 {
        let len = pca.explained_variance[k].max(0.0).sqrt() * 2.0;
        let mut a = Vector3::zeros();
        a[k] = len;
        let fade = if k == 2 { 1.0 - t3 } else { 1.0 };
        if fade <= 0.01 {
            continue;
        }
        let tip = place(a, if k == 2 { f64::from(t2) } else { 0.0 });
        let name = format!("PC{} {:.1}%", k + 1, 100.0 * ratio[k]);
        scene.arrow(
            [0.0; 3],
            tip,
            3.0,
            axis_colors[k].gamma_multiply(fade),
            Some(&name),
        );
    }

    let rect = proj.rect();
    scene.overlay_text(
        rect.left_top() + vec2(10.0, 8.0),
        Align2::LEFT_TOP,
        &wrap_caption(&caption(progress, pca), rect.width() - 140.0),
        14.0,
        text,
    );
    if big {
        scene.overlay_text(
            rect.left_bottom() + vec2(70.0, -10.0),
            Align2::LEFT_BOTTOM,
            &format!(
                "{} points as one image (residual segments: every {})",
                fmt_count(n),
                stride
            ),
            12.0,
            faint,
        );
    } else if stride > 1 {
        scene.overlay_text(
            rect.left_bottom() + vec2(70.0, -10.0),
            Align2::LEFT_BOTTOM,
            &format!(
                "drawing every {}th point: {} of {}",
                stride,
                fmt_count(n.div_ceil(stride)),
                fmt_count(n)
            ),
            12.0,
            faint,
        );
    }
    if !three {
        scene.overlay_text(
            rect.left_top() + vec2(10.0, 48.0),
            Align2::LEFT_TOP,
            &format!(
                "{} columns: showing their first three principal component scores",
                pca.n_features()
            ),
            12.0,
            faint,
        );
    }
    if let Some(l) = label {
        // A compact legend, bottom right.
        let mut y = rect.bottom() - 10.0 - 18.0 * l.categories.len() as f32;
        for (k, name) in l.categories.iter().enumerate() {
            let p = pos2(rect.right() - 150.0, y);
            scene.overlay(egui::Shape::circle_filled(p, 5.0, category_color(k)));
            scene.overlay_text(p + vec2(10.0, 0.0), Align2::LEFT_CENTER, name, 13.0, text);
            y += 18.0;
        }
    }
}

/// The world direction that appears as screen right (0) or up (1).
fn proj_axis(proj: &crate::app::widgets::Projector, which: usize) -> Vector3<f64> {
    let mut v = Vector3::zeros();
    for i in 0..3 {
        let mut e = [0.0f32; 3];
        e[i] = 1.0;
        let s = proj.screen_direction(e);
        v[i] = f64::from(if which == 0 { s.x } else { -s.y });
    }
    v.normalize()
}

/// Breaks `text` into lines of roughly `width` points (13.5 px per ~2 chars).
fn wrap_caption(text: &str, width: f32) -> String {
    let max_chars = ((width / 7.5) as usize).max(20);
    let mut out = String::new();
    let mut line = 0;
    for word in text.split(' ') {
        let len = word.chars().count();
        if line > 0 && line + 1 + len > max_chars {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += len;
    }
    out
}

fn point_color(label: Option<&LabelColumn>, row: usize, dark: bool) -> Color32 {
    match label {
        Some(l) => category_color(l.codes.get(row).copied().unwrap_or(0) as usize),
        None => neutral_point_color(dark),
    }
}

/// Hover text for the i-th used row: its row, values, scores and error.
fn point_details(ds: &Dataset, fit: &Fitted, i: usize) -> String {
    let r = fit.rows[i];
    let pca = &fit.pca;
    let mut text = format!("row {r}");
    for l in &ds.labels {
        let _ = write!(text, "\n{} = {}", l.name, l.get(r));
    }
    for c in &pca.columns {
        let v = ds
            .column(c)
            .and_then(|c| c.values.get(r))
            .copied()
            .unwrap_or(f64::NAN);
        let _ = write!(text, "\n{c} = {}", fmt_num(v, 6));
    }
    for k in 0..fit.scores.ncols().min(4) {
        let _ = write!(
            text,
            "\nPC{} score = {}",
            k + 1,
            fmt_num(fit.scores[(i, k)], 4)
        );
    }
    let _ = write!(
        text,
        "\nreconstruction error with 2 PCs = {}",
        fmt_num(fit.errors2[i], 4)
    );
    text
}

fn axis_title(pca: &Pca, k: usize) -> String {
    format!(
        "PC{} ({:.1}%)",
        k + 1,
        100.0 * pca.explained_variance_ratio[k]
    )
}

fn scores_ui(
    ui: &mut Ui,
    ds: &Dataset,
    fit: &Fitted,
    label: Option<&LabelColumn>,
    settings: &mut PcaSettings,
    (fit_key, raster): (&FitKey, &RasterScatter),
) {
    let pca = &fit.pca;
    let d = pca.n_features();
    ui.horizontal(|ui| {
        ui.label(RichText::new("Scores").strong());
        ui.add_space(8.0);
        for (axis, k) in [("x", &mut settings.x_component), ("y", &mut settings.y_component)] {
            let l = ui.label(axis);
            egui::ComboBox::from_id_salt(("pca-axis", axis))
                .selected_text(format!("PC{k}"))
                .width(64.0)
                .show_ui(ui, |ui| {
                    for c in 1..=d {
                        ui.selectable_value(k, c, format!("PC{c}"));
                    }
                })
                .response
                .labelled_by(l.id);
        }
        ui.checkbox(&mut settings.biplot, "Biplot")
            .on_hover_text("Draw each column's loading vector: where a unit step in that column moves a point on these two components.");
    });
    let (kx, ky) = (settings.x_component - 1, settings.y_component - 1);
    let n = fit.scores.nrows();
    let big = n > RASTER_POINTS;
    let stride = n.div_ceil(MAX_SCATTER_POINTS).max(1);
    let series = if big {
        Series::by_label(label, std::iter::empty())
    } else {
        Series::by_label(label, (0..n).step_by(stride).map(|i| (i, fit.rows[i])))
    };
    let dark = ui.visuals().dark_mode;
    let series_ref = &series;
    let hover = move |pos: &HoverPosition<'_>| -> Option<String> {
        let i = if big {
            RasterScatter::hovered(pos)?
        } else {
            series_ref.hovered(pos)?
        };
        Some(point_details(ds, fit, i))
    };
    let mut plot = Plot::new("pca-scores")
        .x_axis_label(axis_title(pca, kx))
        .custom_y_axes(super::sparse_y_axis(axis_title(pca, ky)))
        .label_formatter(hover)
        .data_aspect(1.0)
        // No crosshair; show_x/show_y stay on: egui_plot hovers only with one of them.
        .show_crosshair(false);
    if let Some(l) = label {
        plot = plot.legend(Legend::default().title(&l.name));
    }
    let text_color = ui.visuals().text_color();
    let mut h = key_hasher();
    (fit_key, kx, ky, label.map(|l| &l.name)).hash(&mut h);
    let key = h.finish();
    plot.show(ui, |plot_ui| {
        if big {
            let (cx, cy) = (fit.scores.column(kx), fit.scores.column(ky));
            raster.show(
                plot_ui,
                key,
                n,
                &series.names,
                label.is_some(),
                false,
                dark,
                if n > 400_000 { 0.6 } else { 1.2 },
                move |i| [cx[i], cy[i]],
                move |i| {
                    label.map_or(0, |l| {
                        l.codes.get(fit.rows[i]).copied().unwrap_or(0) as usize
                    })
                },
            );
        } else {
            series.show(
                plot_ui,
                label.is_some(),
                dark,
                if n > 20_000 { 1.2 } else { 3.0 },
                |i| [fit.scores[(i, kx)], fit.scores[(i, ky)]],
            );
        }
        if settings.biplot {
            let comps = &pca.components;
            let max_score = (0..n)
                .map(|i| fit.scores[(i, kx)].hypot(fit.scores[(i, ky)]))
                .fold(0.0, f64::max);
            let max_load = (0..d)
                .map(|j| comps[(kx, j)].hypot(comps[(ky, j)]))
                .fold(0.0, f64::max)
                .max(1e-12);
            let k = 0.8 * max_score / max_load;
            let origins: Vec<[f64; 2]> = vec![[0.0, 0.0]; d];
            let tips: Vec<[f64; 2]> = (0..d)
                .map(|j| [comps[(kx, j)] * k, comps[(ky, j)] * k])
                .collect();
            plot_ui.arrows(
                // Unnamed items stay out of the legend.
                Arrows::new("", origins, tips.clone())
                    .color(text_color)
                    .tip_length(10.0)
                    .allow_hover(false),
            );
            for (j, tip) in tips.iter().enumerate() {
                plot_ui.text(
                    Text::new(
                        "",
                        PlotPoint::new(tip[0] * 1.08, tip[1] * 1.08),
                        RichText::new(&pca.columns[j]).strong(),
                    )
                    .color(text_color)
                    .allow_hover(false),
                );
            }
        }
    });
}

fn scree_ui(ui: &mut Ui, pca: &Pca) {
    ui.label(RichText::new("Scree: variance per component").strong());
    let d = pca.n_features();
    let ratio = &pca.explained_variance_ratio;
    let bars: Vec<Bar> = (0..d)
        .map(|k| {
            Bar::new((k + 1) as f64, ratio[k])
                .width(0.6)
                .fill(Color32::from_rgba_unmultiplied(0, 114, 178, 150))
                .name(format!("PC{}: {:.1}%", k + 1, 100.0 * ratio[k]))
        })
        .collect();
    let cumulative = pca.cumulative_ratio();
    let line_pts: Vec<[f64; 2]> = cumulative
        .iter()
        .enumerate()
        .map(|(k, c)| [(k + 1) as f64, *c])
        .collect();
    let accent = Color32::from_rgb(0, 114, 178);
    let text_color = ui.visuals().text_color();
    Plot::new("pca-scree")
        .y_axis_label("ratio of variance")
        .include_y(0.0)
        .include_y(1.08)
        .include_x(0.4)
        .include_x(d as f64 + 0.6)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show_x(false)
        .show_y(false)
        .x_grid_spacer(move |_| {
            (1..=d)
                .map(|k| GridMark {
                    value: k as f64,
                    step_size: 1.0,
                })
                .collect()
        })
        // Bars may be closer than egui_plot's default label spacing allows.
        .custom_x_axes(vec![
            AxisHints::new_x()
                .label("component")
                .label_spacing(18.0..=24.0)
                .formatter(|m: GridMark, _| {
                    let k = m.value.round();
                    if (m.value - k).abs() < 1e-6 && k >= 1.0 {
                        format!("PC{k}")
                    } else {
                        String::new()
                    }
                }),
        ])
        .y_axis_formatter(|m: GridMark, _| format!("{:.0}%", m.value * 100.0))
        .show(ui, |plot_ui| {
            plot_ui.bar_chart(
                BarChart::new("per component", bars)
                    .color(accent)
                    .element_formatter(Box::new(|bar, _| bar.name.clone())),
            );
            plot_ui.line(
                Line::new("cumulative", PlotPoints::from(line_pts.clone()))
                    .color(text_color)
                    .width(1.5),
            );
            plot_ui.points(
                Points::new("cumulative", PlotPoints::from(line_pts))
                    .color(text_color)
                    .radius(3.0),
            );
            for k in 0..d.min(12) {
                plot_ui.text(
                    Text::new(
                        "",
                        PlotPoint::new((k + 1) as f64, ratio[k]),
                        format!("{:.1}%", 100.0 * ratio[k]),
                    )
                    .anchor(Align2::CENTER_BOTTOM)
                    .color(text_color)
                    .allow_hover(false),
                );
            }
        });
}

fn loadings_ui(ui: &mut Ui, pca: &Pca) {
    let d = pca.n_features();
    let k = d.min(MAX_LOADINGS);
    egui::ScrollArea::both().show(ui, |ui| {
        egui::Grid::new("pca-loadings")
            .striped(false)
            .spacing(vec2(2.0, 2.0))
            .show(ui, |ui| {
                ui.label("");
                for c in 0..k {
                    ui.label(RichText::new(format!("PC{}", c + 1)).strong());
                }
                ui.end_row();
                for (j, name) in pca.columns.iter().enumerate() {
                    ui.label(name);
                    for c in 0..k {
                        let v = pca.components[(c, j)];
                        let fill = diverging(v as f32);
                        let text = RichText::new(format!("{v:+.3}").replace('-', "−"))
                            .monospace()
                            .color(text_on(fill))
                            .background_color(fill);
                        ui.label(text);
                    }
                    ui.end_row();
                }
                ui.label(RichText::new("variance λ").weak());
                for c in 0..k {
                    ui.label(RichText::new(fmt_num(pca.explained_variance[c], 4)).weak());
                }
                ui.end_row();
                ui.label(RichText::new("ratio").weak());
                for c in 0..k {
                    ui.label(
                        RichText::new(format!("{:.1}%", 100.0 * pca.explained_variance_ratio[c]))
                            .weak(),
                    );
                }
                ui.end_row();
            });
        if d > k {
            ui.label(RichText::new(format!("First {k} of {d} components.")).weak());
        }
        ui.label(
            RichText::new("Each column of the table is a unit vector: a principal axis in terms of the original columns.")
                .weak()
                .small(),
        );
    });
}

fn covariance_ui(ui: &mut Ui, pca: &Pca) {
    let names: Vec<&str> = pca.columns.iter().map(String::as_str).collect();
    let limit = pca.covariance.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let title = if pca.standardized {
        "Σ of the z-scores (the correlation matrix)"
    } else {
        "Σ = XᵀX / (n − 1), X centred"
    };
    Heatmap {
        title,
        names: &names,
        values: &pca.covariance,
        limit,
        symbol: "Σ",
    }
    .ui(ui, ui.available_size());
}
