//! The Regression view: least squares is a projection.
//!
//! Data space (points, the fitted line, residuals, their squares; a plane in
//! 3D for two predictors; y against ŷ for more) beside one of four pictures:
//! observation space (y dropped onto the plane spanned by 1 and x, for three
//! rows, with the numbers for all rows), the loss over (β₀, β₁) with gradient
//! descent walking down it, the ridge path, and Anscombe's quartet. The side
//! column has the numbers: β with standard errors and t, R², XᵀX, Xᵀy and
//! Xᵀr = 0. Points can be dragged, added (double-click) and removed
//! (right-click); everything refits at once.
//!
//! Prepare → draw: [`prepare::Prepared`] holds the observations after the
//! view's edits and every fit drawn, recomputed when its [`prepare::Key`]
//! changes. The files: [`toolbar`], [`data_space`], [`observation`],
//! [`panels`] (loss, ridge, quartet), [`numbers`] and [`view_impl`].

mod data_space;
mod numbers;
mod observation;
mod panels;
mod prepare;
mod toolbar;
mod view_impl;

use egui::{RichText, Ui, vec2};

use crate::app::DatasetHandle;
use crate::data::Dataset;
use crate::scene::{CameraSettings, RegressPanel, RegressSettings};

pub(crate) use prepare::Source;
use prepare::{Key, Prepared};

/// Seconds the descent animation takes at speed 1.
const PLAY_SECONDS: f32 = 6.0;

/// The Regression view's state: its scene settings and the prepared fit.
pub struct RegressView {
    pub settings: RegressSettings,
    home_camera: CameraSettings,
    prepared: Option<(Key, Prepared)>,
    /// The point being dragged.
    dragging: Option<Source>,
    /// The data-space plot's transform in the last frame (where a row's
    /// point is on screen).
    data_transform: Option<egui_plot::PlotTransform>,
    playing: bool,
}

impl Default for RegressView {
    fn default() -> Self {
        Self::new(RegressSettings::default())
    }
}

impl RegressView {
    /// A view showing `settings`.
    #[must_use]
    pub fn new(settings: RegressSettings) -> Self {
        Self {
            home_camera: settings.camera,
            settings,
            prepared: None,
            dragging: None,
            data_transform: None,
            playing: false,
        }
    }

    /// Makes the settings fit `ds`: unknown columns fall back to the
    /// defaults; edits of rows it does not have are dropped.
    pub fn adapt_to(&mut self, ds: &Dataset) {
        let s = &mut self.settings;
        if !s.y.is_empty() && ds.column(&s.y).is_none() {
            s.y.clear();
        }
        let y = s.y_column(ds).map(str::to_owned);
        s.x.retain(|x| ds.column(x).is_some() && Some(x) != y.as_ref());
        let n = ds.n_rows;
        s.rows.retain(|&r| r < n);
        if s.rows.len() != 3 {
            s.rows.clear();
        }
        s.moved.retain(|e| e.row < n);
        s.removed.retain(|&r| r < n);
        if s.x_columns(ds).len() > 1 {
            s.added.clear();
        }
    }

    /// Takes the prepared fit for `h` under the current settings out of the
    /// view, computed anew if they changed (the caller puts it back).
    fn take_prepared(&mut self, h: &DatasetHandle) -> (Key, Prepared) {
        let key = Key::new(h.id, &h.data, &self.settings);
        match self.prepared.take() {
            Some((k, p)) if k == key => (k, p),
            _ => {
                let p = Prepared::new(&h.data, &self.settings);
                (key, p)
            }
        }
    }

    /// The slope and Xᵀr shown now (tests read the numbers through this).
    #[must_use]
    pub fn shown_fit(&self) -> Option<(Vec<f64>, Vec<f64>)> {
        let (_, p) = self.prepared.as_ref()?;
        let m = p.model.as_ref().ok()?;
        Some((
            m.ols.coefficients.iter().copied().collect(),
            m.xtr.iter().copied().collect(),
        ))
    }

    /// Where the point of dataset row `row` was drawn in the last frame (one
    /// predictor: the data-space scatter), in screen points.
    #[must_use]
    pub fn screen_of(&self, row: usize) -> Option<egui::Pos2> {
        let (_, p) = self.prepared.as_ref()?;
        let i = p.index_of(Source::Row(row))?;
        let t = self.data_transform.as_ref()?;
        Some(t.position_from_point(&egui_plot::PlotPoint::new(p.xs[0][i], p.y[i])))
    }

    /// Draws the view for `h`.
    pub fn ui(&mut self, ui: &mut Ui, h: &DatasetHandle) {
        self.advance(ui);
        if super::controls_shown(ui) {
            toolbar::ui(ui, self, &h.data);
            ui.separator();
        }
        let (key, p) = self.take_prepared(h);
        if let Err(e) = &p.model {
            ui.label(RichText::new(e).color(ui.visuals().warn_fg_color));
        }
        let avail = ui.available_size();
        let side = (avail.x * 0.3).clamp(270.0, 380.0);
        let pic_w = ((avail.x - side - 24.0) / 2.0).max(120.0);
        let pic_h = (avail.y - 4.0).max(120.0);
        let mut edit = None;
        let down = egui::Layout::top_down(egui::Align::Min);
        ui.horizontal_top(|ui| {
            ui.allocate_ui_with_layout(vec2(pic_w, pic_h), down, |ui| {
                ui.set_min_size(vec2(pic_w, pic_h));
                edit = data_space::ui(ui, self, &p, vec2(pic_w, pic_h));
            });
            ui.allocate_ui_with_layout(vec2(pic_w, pic_h), down, |ui| {
                ui.set_min_size(vec2(pic_w, pic_h));
                let size = vec2(pic_w, pic_h);
                match self.settings.panel {
                    RegressPanel::Projection => observation::ui(ui, self, &p, size),
                    RegressPanel::Descent => panels::descent_ui(ui, &self.settings, &p, size),
                    RegressPanel::Ridge => panels::ridge_ui(ui, &self.settings, &p, size),
                    RegressPanel::Quartet => panels::quartet_ui(ui, size),
                }
            });
            ui.allocate_ui_with_layout(vec2(side, pic_h), down, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("regress-numbers")
                    .show(ui, |ui| {
                        ui.set_width(side - 12.0);
                        numbers::ui(ui, &self.settings, &p);
                    });
            });
        });
        self.prepared = Some((key, p));
        if let Some(e) = edit {
            data_space::apply(&mut self.settings, e);
        }
    }

    /// Moves the descent animation on while playing.
    fn advance(&mut self, ui: &Ui) {
        if !self.playing {
            return;
        }
        let dt = ui.input(|i| i.stable_dt).min(0.1);
        self.settings.progress += dt / PLAY_SECONDS;
        if self.settings.progress >= 1.0 {
            self.settings.progress = 1.0;
            self.playing = false;
        }
        ui.ctx().request_repaint();
    }
}
