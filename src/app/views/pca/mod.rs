//! The PCA view: principal component analysis as a change of basis.
//!
//! With three columns, a 3D story: the cloud with its mean and principal axes
//! (arrows of length √λ) and the PC1–PC2 plane; the animation centres and turns
//! the cloud into its principal axes, slides every point along PC3 onto the
//! plane (leaving a segment as long as its reconstruction error) and turns the
//! plane to face the viewer, where it is the 2D scatter of PC1 and PC2 scores.
//! Beside it: the scores scatter (any two components, optional biplot), the
//! scree plot and the loadings table or covariance heatmap.
//!
//! Prepare → draw: the fit and everything drawn from it (scores, rank-2
//! reconstruction errors, the 3D radius) is one [`PreparedFit`] from
//! [`crate::math::pca::prepare_table`], computed when the dataset, columns or
//! scaling change ([`fit`]), in the background for large data; each frame
//! only draws it. The files: [`fit`] (the job and the export), [`toolbar`],
//! [`story3d`] (the 3D story), [`scores`] (the scores scatter), [`panels`]
//! (scree, loadings, covariance) and [`view_impl`] (the [`View`] contract).
//!
//! [`View`]: super::view::View

mod fit;
mod map;
mod panels;
mod scores;
mod story3d;
mod toolbar;
mod view_impl;

use egui::{RichText, Ui, vec2};

use crate::app::DatasetHandle;
use crate::app::job::{Latest, Waker};
use crate::app::style::fmt_count;
use crate::app::views::RasterScatter;
use crate::app::widgets::PointRaster;
use crate::data::{Dataset, LabelColumn};
use crate::math::pca::PreparedFit;
use crate::scene::{CameraSettings, PcaSettings};

use fit::FitKey;
pub use fit::{ExportError, FitError};
pub use story3d::StoryDrawn;

/// What the last frame drew that links the panels: the point under the
/// pointer in one panel is highlighted in the others.
#[derive(Clone, Debug, Default)]
pub struct PcaDrawn {
    /// The 3D view: its hovered and ringed points, axis names, positions.
    pub story: StoryDrawn,
    /// The used row the scores scatter ringed for another panel.
    pub scores_marked: Option<usize>,
    /// The used row under the pointer in the scores scatter.
    pub scores_hovered: Option<usize>,
}

/// Fits of more rows than this, or more cells (rows × columns), run on a
/// background thread with a progress bar and a Cancel button.
const BACKGROUND_ROWS: usize = 100_000;
const BACKGROUND_CELLS: usize = 2_000_000;

/// The PCA view's state: its scene settings, animation and cached fit.
pub struct PcaView {
    pub settings: PcaSettings,
    home_camera: CameraSettings,
    playing: bool,
    speed: f32,
    /// The newest fit (kept on screen while the next one runs) and the job
    /// computing the next.
    fits: Latest<FitKey, PreparedFit, FitError>,
    /// Fit on the UI thread whatever the size (headless rendering and tests).
    blocking: bool,
    /// The scores scatter as one image, above RASTER_POINTS points.
    scores_raster: RasterScatter,
    /// The 3D view's points as one image, above RASTER_POINTS points.
    story_raster: PointRaster,
    /// The scores' t-SNE or UMAP map, when one is chosen.
    map: map::ScoresMap,
    /// What the last frame drew (hover links, axis names).
    drawn: PcaDrawn,
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
            fits: Latest::default(),
            blocking: false,
            scores_raster: RasterScatter::default(),
            story_raster: PointRaster::default(),
            map: map::ScoresMap::default(),
            drawn: PcaDrawn::default(),
        }
    }

    /// What the last frame drew: the hovered point in each panel, the one
    /// each ringed for the other, the 3D view's axis names.
    #[must_use]
    pub fn last_frame(&self) -> &PcaDrawn {
        &self.drawn
    }

    /// The used row under the pointer last frame, in either panel: the
    /// others highlight it.
    #[must_use]
    pub fn linked(&self) -> Option<usize> {
        self.drawn.story.hovered.or(self.drawn.scores_hovered)
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
        self.fits.running().is_some()
    }

    /// The explained variance ratios of the current fit, if there is one.
    #[must_use]
    pub fn explained_variance_ratio(&self) -> Option<Vec<f64>> {
        let (_, fit) = self.fits.result()?;
        let fit = fit.as_ref().ok()?;
        Some(fit.pca.explained_variance_ratio.iter().copied().collect())
    }

    /// The t-SNE or UMAP map of the current fit's rows, once positions have
    /// arrived (`None` with PCA chosen).
    #[must_use]
    pub fn map(&self) -> Option<&crate::app::views::projector::MapFrame> {
        let (key, _) = self.fits.result()?;
        self.map.frame(&self.settings.projection, key)
    }

    /// Whether the map is still optimizing.
    #[must_use]
    pub fn map_running(&self) -> bool {
        self.settings.projection.method != crate::scene::ProjectionMethod::Pca
            && self.map.projector.running()
    }

    /// The kept-neighbour share (k = 10) of the current map and of PCA's
    /// first two components, once measured.
    #[must_use]
    pub fn kept(&self) -> (Option<f64>, Option<f64>) {
        if self.settings.projection.method == crate::scene::ProjectionMethod::Pca {
            return (None, None);
        }
        let (map, pca) = self.map.projector.kept();
        (map.map(|q| q.kept), pca.map(|q| q.kept))
    }

    /// On a map, the hovered point's nearest neighbours in the original
    /// space, each with whether the map kept it near (the lines drawn).
    #[must_use]
    pub fn neighbour_fate(&self) -> Option<(usize, &[(usize, bool)])> {
        self.map.shown_fate()
    }

    /// Where the scores scatter drew used row `i` in the last frame, in
    /// screen points.
    #[must_use]
    pub fn screen_of(&self, i: usize) -> Option<egui::Pos2> {
        let p = *self.drawn().get(i)?;
        let t = self.map.transform.as_ref()?;
        Some(t.position_from_point(&egui_plot::PlotPoint::new(p[0], p[1])))
    }

    /// Where the scores scatter draws each used row, in row order: the
    /// map's positions when one is shown, else the chosen components' scores.
    #[must_use]
    pub fn drawn(&self) -> Vec<[f64; 2]> {
        let Some((_, Ok(fit))) = self.fits.result() else {
            return Vec::new();
        };
        let (kx, ky) = (
            self.settings.x_component.saturating_sub(1),
            self.settings.y_component.saturating_sub(1),
        );
        let frame = self.map();
        (0..fit.scores.nrows())
            .map(|i| scores::drawn_xy(fit, frame, kx, ky, i))
            .collect()
    }

    /// Draws the view for `handle`'s dataset.
    /// The caption the 3D story draws now (the words of presentation mode's
    /// step at this progress).
    #[must_use]
    pub fn story_caption(&self) -> String {
        let fit = self.fits.result().and_then(|(_, r)| r.as_ref().ok());
        story3d::caption(self.settings.progress, fit.map(|f| &f.pca))
    }

    pub fn ui(&mut self, ui: &mut Ui, handle: &DatasetHandle) {
        let ds = handle.data.clone();
        self.adapt_to(&ds);
        self.update_fit(&Waker::new(ui.ctx()), handle);
        if super::controls_shown(ui) {
            self.toolbar(ui, &ds);
        }

        match self
            .fits
            .result()
            .filter(|(k, _)| k.dataset_id == handle.id)
        {
            None => {
                self.waiting_ui(ui, ds.n_rows);
                return;
            }
            Some((_, Err(e))) => {
                ui.label(
                    RichText::new(format!("PCA cannot run: {e}"))
                        .color(ui.visuals().error_fg_color),
                );
                return;
            }
            Some((_, Ok(_))) => {}
        }
        fit::job_progress(&mut self.fits, ui, "Recomputing PCA…");
        let Some((fit_key, Ok(fit))) = self.fits.result() else {
            return;
        };
        notes_ui(ui, fit);
        self.map.update(
            ui.ctx(),
            &mut self.settings.projection,
            &ds,
            fit,
            fit_key,
            self.blocking,
        );

        let label = color_label(&self.settings, &ds);
        let linked = self.linked();
        let avail = ui.available_size();
        let left_w = (avail.x * 0.5).floor();
        let settings = &mut self.settings;
        let draw = Draw {
            ds: &ds,
            fit,
            fit_key,
            label,
        };
        let mut story = story3d::Story3d {
            settings: &mut *settings,
            home: self.home_camera,
            playing: &mut self.playing,
            speed: &mut self.speed,
            raster: &mut self.story_raster,
            linked,
        };
        let scores_raster = &self.scores_raster;
        let scores_map = &mut self.map;
        let drawn = &mut self.drawn;
        ui.horizontal_top(|ui| {
            ui.allocate_ui(vec2(left_w, avail.y), |ui| {
                drawn.story = ui.vertical(|ui| story.ui(ui, &draw)).inner;
            });
            ui.separator();
            ui.vertical(|ui| {
                let right = ui.available_size();
                let top_h = (right.y * 0.55).floor();
                let settings = &mut *story.settings;
                ui.allocate_ui(vec2(right.x, top_h), |ui| {
                    let (hovered, marked) =
                        scores::scores_ui(ui, &draw, settings, (scores_raster, scores_map), linked);
                    drawn.scores_hovered = hovered;
                    drawn.scores_marked = marked;
                });
                ui.separator();
                let bottom = ui.available_size();
                ui.horizontal_top(|ui| {
                    let scree_w = (bottom.x * 0.36).floor();
                    ui.allocate_ui(vec2(scree_w, bottom.y), |ui| {
                        ui.vertical(|ui| panels::scree_ui(ui, &fit.pca));
                    });
                    ui.separator();
                    let point =
                        linked
                            .filter(|&i| i < fit.scores.nrows())
                            .map(|i| panels::PointScores {
                                row: fit.selection.rows[i],
                                scores: fit.scores.row(i).iter().copied().collect(),
                            });
                    ui.vertical(|ui| {
                        panels::matrix_panel_ui(ui, &fit.pca, &mut settings.panel, point.as_ref());
                    });
                });
            });
        });
    }

    /// No fit of this dataset yet: the background fit's progress, or the
    /// cancelled fit and its Compute button.
    fn waiting_ui(&mut self, ui: &mut Ui, rows: usize) {
        let text = format!("Computing PCA of {} rows…", fmt_count(rows));
        if !fit::job_progress(&mut self.fits, ui, &text) {
            ui.horizontal(|ui| {
                ui.label(format!("PCA of {} rows cancelled.", fmt_count(rows)));
                if ui.button("Compute").clicked() {
                    self.fits.retry();
                }
            });
        }
    }
}

/// What every panel draws from: the dataset, its prepared fit and the label
/// that colours the points.
pub(crate) struct Draw<'a> {
    ds: &'a Dataset,
    fit: &'a PreparedFit,
    /// What the fit is of (keys the cached images).
    fit_key: &'a FitKey,
    label: Option<&'a LabelColumn>,
}

/// Warnings about the fit: rows left out, and data without variance.
fn notes_ui(ui: &mut Ui, fit: &PreparedFit) {
    let selection = &fit.selection;
    if selection.left_out() > 0 {
        let rows = |n: usize| format!("{} {}", fmt_count(n), if n == 1 { "row" } else { "rows" });
        let text = match (selection.missing, selection.non_finite) {
            (missing, 0) => format!(
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
                fmt_count(selection.rows.len())
            ))
            .color(ui.visuals().warn_fg_color),
        );
    }
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
    ds.color_label(s.color.as_deref())
}
