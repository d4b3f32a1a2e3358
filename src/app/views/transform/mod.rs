//! The Transform view: a matrix as a map that bends the plane (2×2) or space
//! (3×3).
//!
//! Drawn: the original grid faint and its image bold, the basis vectors î, ĵ
//! (k̂) landing on the columns of A, the unit square (cube) and its image with
//! the signed determinant as its area (volume), real eigenvectors as lines
//! through the origin, the line or point a singular matrix collapses onto,
//! and optionally the dataset's points (standardized). The animation carries
//! the identity to A — straight (linear), turning (polar) or as U·Σ·Vᵀ in three
//! steps (SVD) — and a composition plays its matrices one after the other.
//! Beside the canvas: the matrix editor, presets and what the math says.
//!
//! Prepare → draw: [`prepare`] computes what the math says about A (its
//! determinant, eigenvectors, SVD, inverse, subspaces and the animation path)
//! with `math::transform` when the matrix, the composition, the mode or the
//! animation changes; each frame only reads it and transforms points.
//!
//! Files: `rows` (matrices as scene rows), `prepare` (the cache), `points`
//! (the dataset's standardized points), `toolbar`, `canvas2d`, `canvas3d`,
//! `paint` (arrows, and labels placed with the shared placement), `palette`
//! (one colour per meaning, both themes), `side_panel` (editor and what the
//! math says), `presets`, `composition`, `format` and `view_impl` (the
//! [`View`](super::view::View) contract).

mod canvas2d;
mod canvas3d;
mod composition;
mod format;
mod paint;
mod palette;
mod points;
mod prepare;
mod presets;
mod rows;
mod side_panel;
mod toolbar;
mod view_impl;

use egui::{Pos2, Rect, Ui, Vec2, vec2};

use crate::app::DatasetHandle;
use crate::data::Dataset;
use crate::scene::{CameraSettings, TransformAnimation, TransformMode, TransformSettings};

use canvas2d::{Canvas2d, Nav2d};
use canvas3d::Canvas3d;
use points::{Points, color_label};
use prepare::Cache;
use rows::{example, resize};

pub use palette::Palette;

/// Seconds the whole animation takes at 1× speed (a composition: per step).
const ANIMATION_SECONDS: f32 = 4.0;
/// Entries of the matrix editor stay within ±this (what a scene accepts).
const ENTRY_LIMIT: f64 = crate::scene::MATRIX_ENTRY_LIMIT;
/// Width of the side panel, in points.
const SIDE_WIDTH: f32 = 350.0;
/// Points at most drawn from the dataset (every k-th row above it).
const MAX_POINTS: usize = 50_000;

const BASIS_NAMES: [&str; 3] = ["î", "ĵ", "k̂"];

/// What the canvas drew in its last frame: what a test (or a person
/// checking a screenshot) compares the picture with.
#[derive(Clone, Debug, PartialEq)]
pub struct Drawn {
    /// The canvas's rectangle, in points.
    pub plot: Rect,
    /// The caption over the picture.
    pub caption: String,
    /// The matrix the picture is at, as rows: its columns are î, ĵ (k̂) as drawn.
    pub matrix: Vec<Vec<f64>>,
    /// Each label on the canvas with its rectangle (backing included), in points.
    pub labels: Vec<(String, Rect)>,
    /// Each eigenvector arrow drawn: the direction of its dashed line and
    /// its tip, in world units.
    pub eigen_arrows: Vec<(Vec<f64>, Vec<f64>)>,
}

impl Default for Drawn {
    fn default() -> Self {
        Self {
            plot: Rect::NOTHING,
            caption: String::new(),
            matrix: Vec::new(),
            labels: Vec::new(),
            eigen_arrows: Vec::new(),
        }
    }
}

/// Which matrix the editor changes: A itself, or one step of a composition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Matrix,
    Step(usize),
}

/// The Transform view's state: its scene settings, animation and 2D navigation.
pub struct TransformView {
    pub settings: TransformSettings,
    home_camera: CameraSettings,
    playing: bool,
    speed: f32,
    /// The 2D canvas's zoom, pan and handle positions.
    nav: Nav2d,
    /// Preset parameters: an angle in degrees and an amount.
    theta_deg: f64,
    k: f64,
    seed: u64,
    /// The composition step the editor changes.
    selected_step: usize,
    points: Option<Points>,
    /// What the math says about the current matrix, kept until it changes.
    cache: Cache,
    /// What the canvas drew last.
    drawn: Drawn,
}

impl Default for TransformView {
    fn default() -> Self {
        Self::new(TransformSettings::default())
    }
}

impl TransformView {
    /// Where the 2D canvas last drew the origin, the tip of î and the tip
    /// of ĵ, in points (tests drive the tips with these).
    #[must_use]
    pub fn handles(&self) -> [Pos2; 3] {
        self.nav.handles
    }

    /// What the canvas drew in its last frame.
    #[must_use]
    pub fn drawn(&self) -> &Drawn {
        &self.drawn
    }

    /// A view showing `settings`.
    #[must_use]
    pub fn new(settings: TransformSettings) -> Self {
        let mut view = Self {
            home_camera: settings.camera,
            settings,
            playing: false,
            speed: 1.0,
            nav: Nav2d {
                zoom: 1.0,
                pan: Vec2::ZERO,
                handles: [Pos2::ZERO; 3],
            },
            theta_deg: 30.0,
            k: 1.0,
            seed: 1,
            selected_step: 0,
            points: None,
            cache: Cache::default(),
            drawn: Drawn::default(),
        };
        view.normalize();
        view
    }

    /// Whether the animation is playing.
    #[must_use]
    pub fn is_playing(&self) -> bool {
        self.playing
    }

    /// The matrix A as rows (the product, for a composition).
    #[must_use]
    pub fn matrix(&self) -> &[Vec<f64>] {
        &self.settings.matrix
    }

    /// Makes the settings fit `ds`: unknown columns and labels fall back to defaults.
    pub fn adapt_to(&mut self, ds: &Dataset) {
        let s = &mut self.settings;
        for c in [&mut s.x, &mut s.y, &mut s.z] {
            if c.as_deref().is_some_and(|c| ds.column(c).is_none()) {
                *c = None;
            }
        }
        if s.color
            .as_deref()
            .is_some_and(|c| !c.is_empty() && ds.label(c).is_none())
        {
            s.color = None;
        }
    }

    /// Matrices sized for the mode; A the product of a composition's steps.
    fn normalize(&mut self) {
        let s = &mut self.settings;
        let n = s.mode.n();
        if s.matrix.is_empty() {
            s.matrix = example(s.mode);
        }
        if s.matrix.len() != n || s.matrix.iter().any(|r| r.len() != n) {
            s.matrix = resize(&s.matrix, n);
        }
        for m in &mut s.steps {
            if m.len() != n || m.iter().any(|r| r.len() != n) {
                *m = resize(m, n);
            }
        }
        if !s.steps.is_empty() {
            s.matrix = rows::product(s.mode, &s.steps);
        }
        self.selected_step = self.selected_step.min(s.steps.len().saturating_sub(1));
    }

    fn target(&self) -> Target {
        if self.settings.steps.is_empty() {
            Target::Matrix
        } else {
            Target::Step(self.selected_step)
        }
    }

    /// Sets the matrix the editor changes (A, or the selected step).
    pub fn set_edited(&mut self, rows: Vec<Vec<f64>>) {
        match self.target() {
            Target::Matrix => self.settings.matrix = rows,
            Target::Step(i) => {
                if let Some(m) = self.settings.steps.get_mut(i) {
                    *m = rows;
                }
            }
        }
        self.normalize();
    }

    /// Draws the view; `handle` is the dataset whose points it can move
    /// (`None` when the current entry is a ratings matrix: no points).
    pub fn ui(&mut self, ui: &mut Ui, handle: Option<&DatasetHandle>) {
        let no_table;
        let ds: &Dataset = if let Some(h) = handle {
            &h.data
        } else {
            no_table = Dataset {
                name: String::new(),
                source: None,
                n_rows: 0,
                columns: Vec::new(),
                labels: Vec::new(),
            };
            &no_table
        };
        if handle.is_some() {
            self.adapt_to(ds);
        }
        self.normalize();
        self.advance(ui);
        if super::controls_shown(ui) {
            self.toolbar(ui, ds);
            ui.separator();
        }
        if self.settings.show_data
            && let Some(handle) = handle
        {
            self.update_points(handle);
        }

        let avail = ui.available_size();
        let canvas_w = (avail.x - SIDE_WIDTH - 16.0).max(200.0);
        ui.horizontal_top(|ui| {
            ui.allocate_ui(vec2(canvas_w, avail.y), |ui| {
                ui.vertical(|ui| {
                    let size = vec2(canvas_w, (avail.y - 38.0).max(120.0));
                    self.canvas(ui, size, ds, handle.is_some());
                    self.playback(ui);
                });
            });
            ui.separator();
            ui.vertical(|ui| {
                egui::ScrollArea::vertical()
                    .id_salt("transform-side")
                    .show(ui, |ui| {
                        ui.set_width(SIDE_WIDTH - 12.0);
                        self.side_panel(ui);
                    });
            });
        });
    }

    /// Moves a playing animation on by this frame's time.
    fn advance(&mut self, ui: &Ui) {
        let dt = ui.input(|i| i.stable_dt).min(0.1);
        if self.playing {
            let count = self.settings.steps.len().max(1) as f32;
            let per = if self.settings.animation == TransformAnimation::Svd {
                3.0
            } else {
                count
            };
            self.settings.progress += dt * self.speed / (ANIMATION_SECONDS * per);
            if self.settings.progress >= 1.0 {
                self.settings.progress = 1.0;
                self.playing = false;
            }
            ui.ctx().request_repaint();
        }
    }

    /// The 2D or 3D canvas, drawn from the prepared math.
    fn canvas(&mut self, ui: &mut Ui, size: Vec2, ds: &Dataset, has_table: bool) {
        let label = color_label(&self.settings, ds);
        let points = if self.settings.show_data && has_table {
            self.points.as_ref()
        } else {
            None
        };
        let editable = self.settings.steps.is_empty();
        match self.settings.mode {
            TransformMode::Plane => {
                let mut progress = self.settings.progress;
                let prepared = self.cache.plane(&self.settings, points);
                let canvas = Canvas2d {
                    settings: &self.settings,
                    prepared,
                    points,
                    label,
                    editable,
                };
                if let Some(rows) = canvas.show(ui, size, &mut self.nav, &mut self.drawn) {
                    progress = 1.0;
                    self.playing = false;
                    self.settings.matrix = rows;
                }
                self.settings.progress = progress;
            }
            TransformMode::Space => {
                let home = self.home_camera;
                let prepared = self.cache.space(&self.settings, points);
                let canvas = Canvas3d {
                    prepared,
                    points,
                    label,
                    home,
                };
                canvas.show(ui, size, &mut self.settings, &mut self.drawn);
            }
        }
    }
}
