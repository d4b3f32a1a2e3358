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

use std::fmt::Write as _;

use egui::{
    Align2, Color32, FontId, Pos2, Rect, RichText, Sense, Shape, Stroke, Ui, Vec2, pos2, vec2,
};
use nalgebra::{Matrix2, Matrix3, SMatrix, Vector2, Vector3};

use crate::app::DatasetHandle;
use crate::app::style::{category_color, fmt_count, fmt_num, neutral_point_color};
use crate::app::widgets::{OrbitView, Scene3d};
use crate::data::{Dataset, LabelColumn};
use crate::math::transform::{self as tf, Eigen2, Square, compose, preset2, preset3, svd_steps};
use crate::scene::{CameraSettings, TransformAnimation, TransformMode, TransformSettings};

/// Seconds the whole animation takes at 1× speed (a composition: per step).
const ANIMATION_SECONDS: f32 = 4.0;
/// Entries of the matrix editor stay within ±this.
const ENTRY_LIMIT: f64 = 100.0;
/// Width of the side panel, in points.
const SIDE_WIDTH: f32 = 350.0;
/// Points at most drawn from the dataset (every k-th row above it).
const MAX_POINTS: usize = 50_000;

/// Colours of î, ĵ, k̂ (Okabe–Ito, as the orbit gizmo's x, y, z).
const BASIS_COLORS: [Color32; 3] = [
    Color32::from_rgb(213, 94, 0),
    Color32::from_rgb(0, 158, 115),
    Color32::from_rgb(0, 114, 178),
];
/// Colours of the eigenvector lines.
const EIGEN_COLORS: [Color32; 3] = [
    Color32::from_rgb(204, 121, 167),
    Color32::from_rgb(86, 180, 233),
    Color32::from_rgb(230, 159, 0),
];
/// Fill of the unit square's image when A keeps orientation, and when it flips it.
const KEEP_FILL: Color32 = Color32::from_rgba_premultiplied(0, 50, 80, 70);
const FLIP_FILL: Color32 = Color32::from_rgba_premultiplied(90, 55, 0, 80);
const KEEP_STROKE: Color32 = Color32::from_rgb(0, 114, 178);
const FLIP_STROKE: Color32 = Color32::from_rgb(230, 120, 0);

const BASIS_NAMES: [&str; 3] = ["î", "ĵ", "k̂"];
const SUBSCRIPTS: [&str; 10] = ["₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"];

/// The dataset's chosen columns as standardized points (z-scores).
struct Points {
    key: (u64, Vec<String>),
    /// One point per used row, 3 coordinates (the third 0 in 2D).
    xyz: Vec<[f64; 3]>,
    /// Dataset row of each point.
    rows: Vec<usize>,
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
}

/// Navigation of the 2D canvas, and where it last drew its handles.
#[derive(Clone, Copy, Debug)]
struct Nav2d {
    /// 1: the view fits the matrix.
    zoom: f32,
    /// In world units.
    pan: Vec2,
    /// The origin and the tips of î and ĵ, in points.
    handles: [Pos2; 3],
}

impl Default for TransformView {
    fn default() -> Self {
        Self::new(TransformSettings::default())
    }
}

/// The matrix a mode shows when the scene gives none.
fn example(mode: TransformMode) -> Vec<Vec<f64>> {
    match mode {
        TransformMode::Plane => vec![vec![1.5, 0.5], vec![0.25, 1.0]],
        TransformMode::Space => vec![
            vec![1.2, 0.3, 0.0],
            vec![0.1, 0.9, 0.4],
            vec![0.0, 0.2, 1.1],
        ],
    }
}

fn identity_rows(n: usize) -> Vec<Vec<f64>> {
    (0..n)
        .map(|i| (0..n).map(|j| f64::from(u8::from(i == j))).collect())
        .collect()
}

/// `rows` resized to n×n: cut, or padded with the identity's entries.
fn resize(rows: &[Vec<f64>], n: usize) -> Vec<Vec<f64>> {
    (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    rows.get(i)
                        .and_then(|r| r.get(j))
                        .copied()
                        .filter(|x| x.is_finite())
                        .unwrap_or(f64::from(u8::from(i == j)))
                })
                .collect()
        })
        .collect()
}

fn from_rows<const N: usize>(rows: &[Vec<f64>]) -> SMatrix<f64, N, N> {
    SMatrix::from_fn(|i, j| {
        rows.get(i)
            .and_then(|r| r.get(j))
            .copied()
            .filter(|x| x.is_finite())
            .unwrap_or(f64::from(u8::from(i == j)))
    })
}

fn to_rows<const N: usize>(m: &SMatrix<f64, N, N>) -> Vec<Vec<f64>> {
    (0..N)
        .map(|i| (0..N).map(|j| clean(m[(i, j)])).collect())
        .collect()
}

/// Rounds away float noise (1e-17 → 0, 0.30000000000000004 → 0.3) for display and saving.
fn clean(x: f64) -> f64 {
    let r = (x * 1e9).round() / 1e9;
    if r == 0.0 { 0.0 } else { r }
}

/// Smooth start and stop: 3t² − 2t³.
fn ease(t: f64) -> f64 {
    let t = t.clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// Where the animation is, for the caption.
#[derive(Clone, Copy, Debug)]
enum Stage {
    Plain,
    Svd { step: usize },
    Composition { index: usize, count: usize },
}

/// I → A by straight lines or through the polar decomposition.
fn interp<const N: usize>(a: &SMatrix<f64, N, N>, t: f64, polar: bool) -> SMatrix<f64, N, N>
where
    SMatrix<f64, N, N>: Square,
{
    if polar {
        tf::polar_lerp(a, t)
    } else {
        tf::lerp(a, t)
    }
}

/// The matrix shown at `progress`: A itself at 1, I at 0.
fn animated<const N: usize>(
    a: &SMatrix<f64, N, N>,
    steps: &[SMatrix<f64, N, N>],
    animation: TransformAnimation,
    progress: f64,
) -> (SMatrix<f64, N, N>, Stage)
where
    SMatrix<f64, N, N>: Square,
{
    let t = progress.clamp(0.0, 1.0);
    if animation == TransformAnimation::Svd {
        let s = svd_steps(a, t);
        return (s.matrix, Stage::Svd { step: s.step });
    }
    let polar = animation == TransformAnimation::Polar;
    if steps.len() >= 2 {
        let count = steps.len();
        let scaled = t * count as f64;
        let index = (scaled.floor() as usize).min(count - 1);
        let local = ease(scaled - index as f64);
        let before = compose(&steps[..index]);
        return (
            interp(&steps[index], local, polar) * before,
            Stage::Composition { index, count },
        );
    }
    (interp(a, ease(t), polar), Stage::Plain)
}

impl TransformView {
    /// Where the 2D canvas last drew the origin, the tip of î and the tip
    /// of ĵ, in points (tests drive the tips with these).
    #[must_use]
    pub fn handles(&self) -> [Pos2; 3] {
        self.nav.handles
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
            s.matrix = match s.mode {
                TransformMode::Plane => {
                    let ms: Vec<Matrix2<f64>> = s.steps.iter().map(|m| from_rows(m)).collect();
                    to_rows(&compose(&ms))
                }
                TransformMode::Space => {
                    let ms: Vec<Matrix3<f64>> = s.steps.iter().map(|m| from_rows(m)).collect();
                    to_rows(&compose(&ms))
                }
            };
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
        self.toolbar(ui, ds);
        ui.separator();
        if self.settings.show_data
            && let Some(handle) = handle
        {
            self.update_points(handle);
        }

        let avail = ui.available_size();
        let canvas_w = (avail.x - SIDE_WIDTH - 16.0).max(200.0);
        let label = color_label(&self.settings, ds);
        ui.horizontal_top(|ui| {
            ui.allocate_ui(vec2(canvas_w, avail.y), |ui| {
                ui.vertical(|ui| {
                    let size = vec2(canvas_w, (avail.y - 38.0).max(120.0));
                    let points = if self.settings.show_data && handle.is_some() {
                        self.points.as_ref()
                    } else {
                        None
                    };
                    let editable = self.settings.steps.is_empty();
                    match self.settings.mode {
                        TransformMode::Plane => {
                            let mut progress = self.settings.progress;
                            if let Some(rows) = canvas_2d(
                                ui,
                                size,
                                &self.settings,
                                &mut self.nav,
                                points,
                                label,
                                editable,
                            ) {
                                progress = 1.0;
                                self.playing = false;
                                self.settings.matrix = rows;
                            }
                            self.settings.progress = progress;
                        }
                        TransformMode::Space => {
                            let home = self.home_camera;
                            canvas_3d(ui, size, &mut self.settings, home, points, label);
                        }
                    }
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

    fn update_points(&mut self, handle: &DatasetHandle) {
        let ds = &handle.data;
        let names = data_columns(&self.settings, ds);
        let key = (handle.id, names.clone());
        if self.points.as_ref().is_some_and(|p| p.key == key) {
            return;
        }
        let cols: Vec<&[f64]> = names
            .iter()
            .filter_map(|n| ds.column(n).map(|c| c.values.as_slice()))
            .collect();
        let rows: Vec<usize> = (0..ds.n_rows)
            .filter(|&r| cols.iter().all(|c| c.get(r).is_some_and(|v| v.is_finite())))
            .collect();
        // z-scores: each column centred and divided by its standard deviation (n − 1).
        let stats: Vec<(f64, f64)> = cols
            .iter()
            .map(|c| {
                let n = rows.len().max(1) as f64;
                let mean = rows.iter().map(|&r| c[r]).sum::<f64>() / n;
                let var =
                    rows.iter().map(|&r| (c[r] - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
                (mean, if var > 0.0 { var.sqrt() } else { 1.0 })
            })
            .collect();
        let stride = rows.len().div_ceil(MAX_POINTS).max(1);
        let rows: Vec<usize> = rows.into_iter().step_by(stride).collect();
        let xyz = rows
            .iter()
            .map(|&r| {
                let mut p = [0.0; 3];
                for (k, (c, (mean, sd))) in cols.iter().zip(&stats).enumerate().take(3) {
                    p[k] = (c[r] - mean) / sd;
                }
                p
            })
            .collect();
        self.points = Some(Points { key, xyz, rows });
    }

    fn toolbar(&mut self, ui: &mut Ui, ds: &Dataset) {
        let s = &mut self.settings;
        ui.horizontal(|ui| {
            ui.heading("Matrix as a map");
            ui.add_space(12.0);
            let mut mode = s.mode;
            ui.selectable_value(&mut mode, TransformMode::Plane, "2D")
                .on_hover_text("A 2×2 matrix acting on the plane");
            ui.selectable_value(&mut mode, TransformMode::Space, "3D")
                .on_hover_text("A 3×3 matrix acting on space");
            if mode != s.mode {
                s.mode = mode;
                let n = mode.n();
                s.matrix = resize(&s.matrix, n);
                for m in &mut s.steps {
                    *m = resize(m, n);
                }
            }
            ui.add_space(8.0);
            let anim_label = ui.label("animation");
            egui::ComboBox::from_id_salt("transform-animation")
                .selected_text(animation_title(s.animation))
                .show_ui(ui, |ui| {
                    for a in [
                        TransformAnimation::Linear,
                        TransformAnimation::Polar,
                        TransformAnimation::Svd,
                    ] {
                        ui.selectable_value(&mut s.animation, a, animation_title(a))
                            .on_hover_text(animation_help(a));
                    }
                })
                .response
                .labelled_by(anim_label.id);
            ui.add_space(8.0);
            ui.checkbox(&mut s.show_grid, "Grid");
            ui.checkbox(&mut s.show_eigenvectors, "Eigenvectors");
            ui.checkbox(&mut s.show_circle, "Unit circle")
                .on_hover_text("The unit circle (sphere) and its image: an ellipse whose semi-axes are the singular values");
            let has_points = ds.columns.len() >= s.mode.n();
            // Without points the box shows unticked; the setting is kept.
            let mut shown = s.show_data && has_points;
            let data_box = ui.add_enabled(has_points, egui::Checkbox::new(&mut shown, "Data"));
            if has_points {
                s.show_data = shown;
            }
            data_box
                .on_hover_text("Apply the matrix to the dataset's points (standardized columns)")
                .on_disabled_hover_text(format!(
                    "Choose a table with at least {} numeric columns on the left to move its points",
                    s.mode.n()
                ));
            if s.show_data && has_points {
                let names = ds.column_names();
                let chosen = data_columns(s, ds);
                let n = s.mode.n();
                for (k, key) in ["x", "y", "z"].into_iter().enumerate().take(n) {
                    let current = chosen.get(k).cloned().unwrap_or_default();
                    let mut pick = current.clone();
                    let l = ui.label(key);
                    egui::ComboBox::from_id_salt(("transform-col", key))
                        .selected_text(&pick)
                        .width(110.0)
                        .show_ui(ui, |ui| {
                            for c in &names {
                                ui.selectable_value(&mut pick, (*c).to_owned(), *c);
                            }
                        })
                        .response
                        .labelled_by(l.id);
                    if pick != current {
                        let slot = match k {
                            0 => &mut s.x,
                            1 => &mut s.y,
                            _ => &mut s.z,
                        };
                        *slot = Some(pick);
                    }
                }
            }
        });
    }

    fn playback(&mut self, ui: &mut Ui) {
        let s = &mut self.settings;
        ui.horizontal(|ui| {
            let play_label = if self.playing {
                "‖ Pause"
            } else {
                "▶ Play"
            };
            if ui.button(play_label).clicked() {
                if !self.playing && s.progress >= 1.0 {
                    s.progress = 0.0;
                }
                self.playing = !self.playing;
            }
            ui.spacing_mut().slider_width = (ui.available_width() - 220.0).max(80.0);
            let slider = ui.add(
                egui::Slider::new(&mut s.progress, 0.0..=1.0)
                    .show_value(false)
                    .text("I → A"),
            );
            if slider.dragged() {
                self.playing = false;
            }
            let speed_label = ui.label("speed");
            egui::ComboBox::from_id_salt("transform-speed")
                .selected_text(format!("{}×", self.speed))
                .width(60.0)
                .show_ui(ui, |ui| {
                    for v in [0.25, 0.5, 1.0, 2.0, 4.0] {
                        ui.selectable_value(&mut self.speed, v, format!("{v}×"));
                    }
                })
                .response
                .labelled_by(speed_label.id);
        });
    }

    fn side_panel(&mut self, ui: &mut Ui) {
        let n = self.settings.mode.n();
        let target = self.target();
        // The editor.
        let title = match target {
            Target::Matrix => "Matrix A".to_owned(),
            Target::Step(i) => format!("Step M{} (editing)", subscript(i + 1)),
        };
        ui.label(RichText::new(title).strong());
        let mut rows = match target {
            Target::Matrix => self.settings.matrix.clone(),
            Target::Step(i) => self.settings.steps.get(i).cloned().unwrap_or_default(),
        };
        let rows_before = rows.clone();
        egui::Grid::new("transform-editor")
            .spacing(vec2(6.0, 4.0))
            .show(ui, |ui| {
                for (i, row) in rows.iter_mut().enumerate().take(n) {
                    for (j, v) in row.iter_mut().enumerate().take(n) {
                        ui.add(
                            egui::DragValue::new(v)
                                .speed(0.01)
                                .max_decimals(3)
                                .range(-ENTRY_LIMIT..=ENTRY_LIMIT),
                        )
                        .on_hover_text(format!(
                            "a{}{}: row {}, column {} — the {} coordinate of where {} lands",
                            subscript(i + 1),
                            subscript(j + 1),
                            i + 1,
                            j + 1,
                            ["x", "y", "z"][i],
                            BASIS_NAMES[j]
                        ));
                    }
                    ui.end_row();
                }
            });
        ui.label(
            RichText::new(match n {
                2 => "Columns: where î and ĵ land. Drag a value, click to type, or drag the arrow tips.",
                _ => "Columns: where î, ĵ and k̂ land. Drag a value or click to type.",
            })
            .weak()
            .small(),
        );
        if rows != rows_before {
            self.playing = false;
            self.settings.progress = 1.0;
            self.set_edited(rows);
        }
        ui.add_space(6.0);
        self.presets_ui(ui);
        ui.separator();
        match self.settings.mode {
            TransformMode::Plane => {
                let a: Matrix2<f64> = from_rows(&self.settings.matrix);
                properties_2d(ui, &a);
            }
            TransformMode::Space => {
                let a: Matrix3<f64> = from_rows(&self.settings.matrix);
                properties_3d(ui, &a);
            }
        }
        ui.separator();
        self.composition_ui(ui);
    }

    fn presets_ui(&mut self, ui: &mut Ui) {
        ui.label(RichText::new("Presets").strong());
        ui.horizontal(|ui| {
            let l = ui.label("θ");
            ui.add(
                egui::DragValue::new(&mut self.theta_deg)
                    .speed(1.0)
                    .range(-360.0..=360.0)
                    .suffix("°"),
            )
            .labelled_by(l.id)
            .on_hover_text(
                "Angle of the rotation, or of the line reflected across or projected onto",
            );
            let l = ui.label("k");
            ui.add(
                egui::DragValue::new(&mut self.k)
                    .speed(0.05)
                    .range(-10.0..=10.0)
                    .max_decimals(2),
            )
            .labelled_by(l.id)
            .on_hover_text("Amount of the shear");
        });
        let theta = self.theta_deg.to_radians();
        let k = self.k;
        let mut picked: Option<Vec<Vec<f64>>> = None;
        ui.horizontal_wrapped(|ui| match self.settings.mode {
            TransformMode::Plane => {
                let presets: [(&str, &str, Matrix2<f64>); 9] = [
                    ("Rotation", "Rotation by θ", preset2::rotation(theta)),
                    ("Scale", "Uniform scale by 1.5", preset2::scale(1.5, 1.5)),
                    (
                        "Stretch",
                        "Non-uniform scale: 1.5 along x, 0.5 along y",
                        preset2::scale(1.5, 0.5),
                    ),
                    (
                        "Shear x",
                        "Horizontal shear [[1, k], [0, 1]]",
                        preset2::shear_x(k),
                    ),
                    (
                        "Shear y",
                        "Vertical shear [[1, 0], [k, 1]]",
                        preset2::shear_y(k),
                    ),
                    (
                        "Reflection",
                        "Reflection across the line at angle θ",
                        preset2::reflection(theta),
                    ),
                    (
                        "Projection",
                        "Projection onto the line at angle θ",
                        preset2::projection(theta),
                    ),
                    (
                        "Singular",
                        "A rank-1 matrix: the plane collapses onto a line",
                        Matrix2::new(1.0, 2.0, 0.5, 1.0),
                    ),
                    (
                        "Zero",
                        "The zero matrix: everything goes to the origin",
                        Matrix2::zeros(),
                    ),
                ];
                for (name, help, m) in presets {
                    if ui.button(name).on_hover_text(help).clicked() {
                        picked = Some(to_rows(&m));
                    }
                }
                if ui
                    .button("Random")
                    .on_hover_text("A random matrix (entries multiples of 0.1 in [−2, 2])")
                    .clicked()
                {
                    self.seed = self.seed.wrapping_add(1);
                    picked = Some(to_rows(&tf::random::<2>(self.seed)));
                }
            }
            TransformMode::Space => {
                use preset3::Axis;
                let presets: [(&str, &str, Matrix3<f64>); 10] = [
                    (
                        "Rotate x",
                        "Rotation by θ about the x-axis",
                        preset3::rotation_x(theta),
                    ),
                    (
                        "Rotate y",
                        "Rotation by θ about the y-axis",
                        preset3::rotation_y(theta),
                    ),
                    (
                        "Rotate z",
                        "Rotation by θ about the z-axis",
                        preset3::rotation_z(theta),
                    ),
                    (
                        "Scale",
                        "Scale by 1.5, 1 and 0.5 along x, y, z",
                        preset3::scale(1.5, 1.0, 0.5),
                    ),
                    (
                        "Shear",
                        "x gains k·y: [[1, k, 0], [0, 1, 0], [0, 0, 1]]",
                        preset3::shear(Axis::X, Axis::Y, k),
                    ),
                    (
                        "Reflection",
                        "Reflection across the plane z = 0",
                        preset3::reflection(&Vector3::z()),
                    ),
                    (
                        "Project on plane",
                        "Projection onto the plane x + y + z = 0",
                        preset3::projection_onto_plane(&Vector3::new(1.0, 1.0, 1.0)),
                    ),
                    (
                        "Project on line",
                        "Projection onto the line along (1, 1, 1)",
                        preset3::projection_onto_line(&Vector3::new(1.0, 1.0, 1.0)),
                    ),
                    (
                        "Singular",
                        "A rank-2 matrix: space collapses onto a plane",
                        Matrix3::new(1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 2.0),
                    ),
                    ("Zero", "The zero matrix", Matrix3::zeros()),
                ];
                for (name, help, m) in presets {
                    if ui.button(name).on_hover_text(help).clicked() {
                        picked = Some(to_rows(&m));
                    }
                }
                if ui
                    .button("Random")
                    .on_hover_text("A random matrix (entries multiples of 0.1 in [−2, 2])")
                    .clicked()
                {
                    self.seed = self.seed.wrapping_add(1);
                    picked = Some(to_rows(&tf::random::<3>(self.seed)));
                }
            }
        });
        if let Some(rows) = picked {
            self.set_edited(rows);
            // Play the new matrix from the identity.
            self.settings.progress = 0.0;
            self.playing = true;
        }
    }

    fn composition_ui(&mut self, ui: &mut Ui) {
        ui.label(RichText::new("Composition").strong());
        let n = self.settings.mode.n();
        let steps = &mut self.settings.steps;
        if steps.is_empty() {
            ui.label(
                RichText::new("Apply several matrices in turn: each step is animated, and A becomes their product.")
                    .weak()
                    .small(),
            );
            if ui.button("Start a composition with A").clicked() {
                steps.push(self.settings.matrix.clone());
                steps.push(identity_rows(n));
                self.selected_step = 1;
                self.settings.progress = 0.0;
            }
            return;
        }
        ui.label(
            RichText::new("Applied top to bottom (M₁ first).")
                .weak()
                .small(),
        );
        let mut action: Option<(usize, char)> = None;
        for (i, m) in steps.iter().enumerate() {
            ui.horizontal(|ui| {
                let name = format!("M{} = {}", subscript(i + 1), fmt_inline(m));
                if ui
                    .selectable_label(self.selected_step == i, RichText::new(name).monospace())
                    .on_hover_text("Edit this step")
                    .clicked()
                {
                    action = Some((i, 'e'));
                }
                if i > 0
                    && ui
                        .small_button("↑")
                        .on_hover_text(
                            "Swap with the step before: the product changes unless they commute",
                        )
                        .clicked()
                {
                    action = Some((i, 's'));
                }
                if ui
                    .small_button("✕")
                    .on_hover_text("Remove this step")
                    .clicked()
                {
                    action = Some((i, 'r'));
                }
            });
        }
        match action {
            Some((i, 'e')) => self.selected_step = i,
            Some((i, 's')) => {
                steps.swap(i - 1, i);
                self.selected_step = i - 1;
                self.settings.progress = 0.0;
                self.playing = true;
            }
            Some((i, _)) => {
                steps.remove(i);
                if steps.len() < 2 {
                    // One matrix left: it is A.
                    if let Some(m) = steps.pop() {
                        self.settings.matrix = m;
                    }
                }
            }
            None => {}
        }
        ui.horizontal(|ui| {
            if ui.button("Add a step").clicked() {
                self.settings.steps.push(identity_rows(n));
                self.selected_step = self.settings.steps.len() - 1;
            }
            if ui
                .button("Clear")
                .on_hover_text("Keep the product as A")
                .clicked()
            {
                self.settings.steps.clear();
            }
        });
        self.normalize();
        let count = self.settings.steps.len();
        if count >= 2 {
            let order: String = (1..=count)
                .rev()
                .map(|i| format!("M{}", subscript(i)))
                .collect::<Vec<_>>()
                .join("·");
            ui.label(format!("A = {order} ="));
            ui.label(RichText::new(fmt_block(&self.settings.matrix)).monospace());
        }
    }
}

fn subscript(i: usize) -> String {
    i.to_string()
        .chars()
        .map(|c| SUBSCRIPTS[c.to_digit(10).unwrap_or(0) as usize])
        .collect()
}

fn animation_title(a: TransformAnimation) -> &'static str {
    match a {
        TransformAnimation::Linear => "Linear",
        TransformAnimation::Polar => "Polar (turn)",
        TransformAnimation::Svd => "SVD steps",
    }
}

fn animation_help(a: TransformAnimation) -> &'static str {
    match a {
        TransformAnimation::Linear => {
            "(1 − t)·I + t·A: every point moves in a straight line; a rotation shrinks through the middle"
        }
        TransformAnimation::Polar => {
            "A = R·S (rotation · stretch): the rotation turns by a growing angle while the stretch grows"
        }
        TransformAnimation::Svd => {
            "A = U·Σ·Vᵀ: rotate by Vᵀ, stretch by σ₁, σ₂ along the axes, rotate by U"
        }
    }
}

/// The dataset columns the points use: the chosen ones, else the first numeric ones.
fn data_columns(s: &TransformSettings, ds: &Dataset) -> Vec<String> {
    let names = ds.column_names();
    [&s.x, &s.y, &s.z]
        .into_iter()
        .enumerate()
        .take(s.mode.n())
        .filter_map(|(k, c)| c.clone().or_else(|| names.get(k).map(|n| (*n).to_owned())))
        .collect()
}

fn color_label<'a>(s: &TransformSettings, ds: &'a Dataset) -> Option<&'a LabelColumn> {
    match s.color.as_deref() {
        Some("") => None,
        Some(name) => ds.label(name),
        None => ds.labels.first(),
    }
}

fn point_color(label: Option<&LabelColumn>, row: usize, dark: bool) -> Color32 {
    match label {
        Some(l) => category_color(l.codes.get(row).copied().unwrap_or(0) as usize),
        None => neutral_point_color(dark),
    }
}

/// `[[1, 0.5], [0, 1]]`.
fn fmt_inline(rows: &[Vec<f64>]) -> String {
    let inner: Vec<String> = rows
        .iter()
        .map(|r| {
            let cells: Vec<String> = r.iter().map(|x| fmt_num(*x, 3)).collect();
            format!("[{}]", cells.join(", "))
        })
        .collect();
    format!("[{}]", inner.join(", "))
}

/// A matrix as aligned rows, one line each.
fn fmt_block(rows: &[Vec<f64>]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|x| fmt_num(*x, 3)).collect())
        .collect();
    let w = cells
        .iter()
        .flatten()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(1);
    let mut out = String::new();
    for (i, r) in cells.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("[ ");
        for c in r {
            let _ = write!(out, "{c:>w$} ");
        }
        out.push(']');
    }
    out
}

fn fmt_vec(v: &[f64]) -> String {
    let cells: Vec<String> = v.iter().map(|x| fmt_num(*x, 3)).collect();
    format!("({})", cells.join(", "))
}

fn fmt_deg(rad: f64) -> String {
    format!("{}°", fmt_num(rad.to_degrees(), 3))
}

/// det A with what it does to areas (n = 2) or volumes (n = 3), the trace
/// and the rank of an n×n A.
fn determinant_lines(ui: &mut Ui, det: f64, trace: f64, rank: usize, n: usize) {
    let (what, flip, sum) = if n == 2 {
        ("Areas", "the plane flips", "λ₁ + λ₂")
    } else {
        ("Volumes", "space is mirrored", "λ₁ + λ₂ + λ₃")
    };
    ui.label(RichText::new(format!("det A = {}", fmt_num(clean(det), 4))).strong());
    ui.label(
        RichText::new(if rank < n {
            format!("{what} collapse to 0: A is singular.")
        } else if det < 0.0 {
            format!(
                "{what} scale by {} and {flip} (orientation reverses).",
                fmt_num(det.abs(), 4)
            )
        } else {
            format!("{what} scale by {}; orientation is kept.", fmt_num(det, 4))
        })
        .small(),
    );
    ui.label(format!(
        "trace A = {}   (= {sum})",
        fmt_num(clean(trace), 4)
    ));
    ui.label(format!("rank A = {rank}"));
    ui.add_space(4.0);
}

/// What the math says about a 2×2 A.
fn properties_2d(ui: &mut Ui, a: &Matrix2<f64>) {
    let rank = tf::rank(a, None);
    determinant_lines(ui, tf::det(a), tf::trace(a), rank, 2);
    ui.label(RichText::new("Eigenvectors").strong());
    match tf::eigen2(a) {
        Eigen2::Distinct { lambda, v } => {
            for k in 0..2 {
                ui.label(format!(
                    "λ{} = {}   v{} = {}",
                    subscript(k + 1),
                    fmt_num(lambda[k], 4),
                    subscript(k + 1),
                    fmt_vec(v[k].as_slice())
                ));
            }
            ui.label(
                RichText::new("Points on these lines stay on them, scaled by λ.")
                    .weak()
                    .small(),
            );
        }
        Eigen2::Defective { lambda, v } => {
            ui.label(format!(
                "λ = {} (twice)   v = {}",
                fmt_num(lambda, 4),
                fmt_vec(v.as_slice())
            ));
            ui.label(
                RichText::new("Only one line is kept, as in a shear: A is not diagonalizable.")
                    .weak()
                    .small(),
            );
        }
        Eigen2::Scalar { lambda } => {
            ui.label(format!("λ = {} (twice): A = λ·I", fmt_num(lambda, 4)));
            ui.label(
                RichText::new("Every direction is an eigenvector.")
                    .weak()
                    .small(),
            );
        }
        Eigen2::Complex {
            re, im, theta, r, ..
        } => {
            ui.label(format!(
                "λ = {} ± {}i (complex)",
                fmt_num(re, 4),
                fmt_num(im, 4)
            ));
            ui.label(
                RichText::new(format!(
                    "No real direction is kept: A turns by θ = {} and scales by r = |λ| = {} (in the basis of the ellipses it turns along).",
                    fmt_deg(theta),
                    fmt_num(r, 4)
                ))
                .small(),
            );
        }
    }
    inverse_ui(ui, a, rank);
    svd_ui(ui, a);
    if rank < 2 {
        let sub = tf::subspaces(a, None);
        ui.add_space(4.0);
        ui.label(RichText::new("Where the plane goes").strong());
        match sub.column_space.first() {
            Some(c) => ui.label(format!(
                "Everything lands on the line through {}.",
                fmt_vec(c.as_slice())
            )),
            None => ui.label("Everything lands on the origin."),
        };
        let nulls: Vec<String> = sub
            .null_space
            .iter()
            .map(|v| fmt_vec(v.as_slice()))
            .collect();
        ui.label(format!(
            "Null space (sent to 0): {}",
            if nulls.len() == 2 {
                "the whole plane".to_owned()
            } else {
                format!("the line through {}", nulls.join(", "))
            }
        ));
    }
}

fn inverse_ui<const N: usize>(ui: &mut Ui, a: &SMatrix<f64, N, N>, rank: usize)
where
    SMatrix<f64, N, N>: Square,
{
    ui.add_space(4.0);
    ui.label(RichText::new("Inverse").strong());
    if let Ok(inv) = tf::inverse(a) {
        ui.label(RichText::new(format!("A⁻¹ =\n{}", fmt_block(&to_rows(&inv)))).monospace());
        let k = tf::condition_number(a);
        ui.label(
            RichText::new(format!(
                "Undoes A. Condition number κ = σ₁/σ{} = {}{}",
                subscript(N),
                fmt_num(k, 3),
                if k > 1e6 {
                    ": nearly singular, errors grow a lot"
                } else {
                    ""
                }
            ))
            .small(),
        );
    } else {
        let what = match (N, rank) {
            (_, 0) => "A sends everything to the origin",
            (2, _) => "A squashes the plane onto a line",
            (_, 1) => "A squashes space onto a line",
            _ => "A squashes space onto a plane",
        };
        ui.label(
                RichText::new(format!(
                    "None: det A = 0. {what}, so many points land on the same place and no map can tell them apart again."
                ))
                .small(),
            );
    }
}

fn svd_ui<const N: usize>(ui: &mut Ui, a: &SMatrix<f64, N, N>)
where
    SMatrix<f64, N, N>: Square,
{
    let d = tf::svd(a);
    ui.add_space(4.0);
    ui.label(RichText::new("SVD  A = U·Σ·Vᵀ").strong());
    let sig: Vec<String> = (0..N)
        .map(|i| format!("σ{} = {}", subscript(i + 1), fmt_num(d.sigma[i], 4)))
        .collect();
    ui.label(sig.join("   "));
    if N == 2 {
        let (u, _, v_t) = d.rotation_form();
        ui.label(
            RichText::new(format!(
                "Vᵀ turns by {}, Σ stretches the axes, U turns by {}{}.",
                fmt_deg(v_t[(1, 0)].atan2(v_t[(0, 0)])),
                fmt_deg(u[(1, 0)].atan2(u[(0, 0)])),
                if d.flips() {
                    " (with the flip put into σ₂ < 0)"
                } else {
                    ""
                }
            ))
            .small(),
        );
    } else {
        ui.label(RichText::new("Vᵀ turns space, Σ stretches the axes, U turns again.").small());
    }
}

/// What the math says about a 3×3 A.
fn properties_3d(ui: &mut Ui, a: &Matrix3<f64>) {
    let rank = tf::rank(a, None);
    determinant_lines(ui, tf::det(a), tf::trace(a), rank, 3);
    ui.label(RichText::new("Eigenvectors").strong());
    let e = tf::eigen3(a);
    for (k, r) in e.real.iter().enumerate() {
        let vs: Vec<String> = r.vectors.iter().map(|v| fmt_vec(v.as_slice())).collect();
        let space = match r.vectors.len() {
            1 => "line",
            2 => "plane",
            _ => "all of space",
        };
        ui.label(format!(
            "λ{} = {}{}: {space} {}",
            subscript(k + 1),
            fmt_num(r.lambda, 4),
            if r.multiplicity > 1 {
                format!(" (×{})", r.multiplicity)
            } else {
                String::new()
            },
            vs.join(", ")
        ));
    }
    if let Some(c) = &e.complex {
        ui.label(format!(
            "λ = {} ± {}i (complex)",
            fmt_num(c.re, 4),
            fmt_num(c.im, 4)
        ));
        ui.label(
            RichText::new(format!(
                "A turns a plane by θ = {} about the axis {} while scaling it by r = {}.",
                fmt_deg(c.theta),
                fmt_vec(c.axis.as_slice()),
                fmt_num(c.r, 4)
            ))
            .small(),
        );
    }
    inverse_ui(ui, a, rank);
    svd_ui(ui, a);
    if rank < 3 {
        let sub = tf::subspaces(a, None);
        ui.add_space(4.0);
        ui.label(RichText::new("Where space goes").strong());
        ui.label(match sub.column_space.len() {
            0 => "Everything lands on the origin.".to_owned(),
            1 => format!(
                "Everything lands on the line through {}.",
                fmt_vec(sub.column_space[0].as_slice())
            ),
            _ => "Everything lands on a plane (the column space).".to_owned(),
        });
        let nulls: Vec<String> = sub
            .null_space
            .iter()
            .map(|v| fmt_vec(v.as_slice()))
            .collect();
        ui.label(format!(
            "Null space (sent to 0): spanned by {}",
            nulls.join(", ")
        ));
    }
}

/// The caption over the canvas.
fn caption(stage: Stage, animation: TransformAnimation, progress: f32, sigma: &[f64]) -> String {
    let t = fmt_num(f64::from(progress), 2);
    match stage {
        Stage::Svd { step } => {
            if progress <= 0.0 {
                "SVD: A = U·Σ·Vᵀ, read right to left — press Play.".to_owned()
            } else if progress >= 1.0 {
                "A = U·Σ·Vᵀ: the unit circle became an ellipse with semi-axes σ₁ and σ₂.".to_owned()
            } else {
                match step {
                    0 => {
                        "① Rotate by Vᵀ: the right singular vectors turn onto the axes.".to_owned()
                    }
                    1 => format!(
                        "② Stretch by Σ: ×{} along the first axis, ×{} along the second.",
                        fmt_num(sigma.first().copied().unwrap_or(0.0), 3),
                        fmt_num(sigma.get(1).copied().unwrap_or(0.0), 3)
                    ),
                    _ => "③ Rotate by U: the stretched axes turn onto the left singular vectors."
                        .to_owned(),
                }
            }
        }
        Stage::Composition { index, count } => {
            if progress >= 1.0 {
                format!("All {count} steps applied: A is their product.")
            } else {
                format!(
                    "Step {} of {count}: applying M{} to the result so far.",
                    index + 1,
                    subscript(index + 1)
                )
            }
        }
        Stage::Plain => match animation {
            TransformAnimation::Polar => {
                format!("t = {t}: turning by the rotation of A = R·S while stretching by S.")
            }
            _ => format!("t = {t}: (1 − t)·I + t·A"),
        },
    }
}

/// Paints an arrow with a filled head.
fn arrow(painter: &egui::Painter, from: Pos2, to: Pos2, width: f32, color: Color32) {
    let d = to - from;
    let len = d.length();
    let stroke = Stroke::new(width, color);
    if len < 1.0 {
        painter.circle_filled(to, width, color);
        return;
    }
    let dir = d / len;
    let head = (4.0 * width + 4.0).min(len * 0.5);
    let n = vec2(-dir.y, dir.x);
    let base = to - dir * head;
    painter.line_segment([from, base], stroke);
    painter.add(Shape::convex_polygon(
        vec![to, base + n * head * 0.45, base - n * head * 0.45],
        color,
        Stroke::NONE,
    ));
}

/// Text with a translucent backing so it reads over grid lines.
fn label_at(
    painter: &egui::Painter,
    pos: Pos2,
    anchor: Align2,
    text: &str,
    size: f32,
    color: Color32,
    bg: Color32,
) {
    let galley = painter.layout_no_wrap(text.to_owned(), FontId::proportional(size), color);
    let rect = anchor.anchor_size(pos, galley.size());
    painter.rect_filled(rect.expand(2.0), 3.0, bg);
    painter.galley(rect.min, galley, color);
}

/// The 2D canvas. Returns new rows for A when the user dragged a basis tip.
fn canvas_2d(
    ui: &mut Ui,
    size: Vec2,
    s: &TransformSettings,
    nav: &mut Nav2d,
    points: Option<&Points>,
    label: Option<&LabelColumn>,
    editable: bool,
) -> Option<Vec<Vec<f64>>> {
    let a: Matrix2<f64> = from_rows(&s.matrix);
    let steps: Vec<Matrix2<f64>> = s.steps.iter().map(|m| from_rows(m)).collect();
    let (m, stage) = animated(&a, &steps, s.animation, f64::from(s.progress));
    let visuals = ui.visuals().clone();
    let dark = visuals.dark_mode;
    let text = visuals.text_color();
    let bg = visuals.extreme_bg_color;
    let label_bg = bg.gamma_multiply(0.8);

    let (rect, response) = ui.allocate_exact_size(size, Sense::click_and_drag());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 4.0, bg);

    // The view fits the unit square's images along the way (and the data).
    let mut half: f64 = 2.4;
    let mut fit = |mm: &Matrix2<f64>| {
        for c in [
            Vector2::new(1.0, 0.0),
            Vector2::new(0.0, 1.0),
            Vector2::new(1.0, 1.0),
            Vector2::new(1.0, -1.0),
        ] {
            half = half.max((mm * c).amax() * 1.15);
        }
    };
    fit(&a);
    let mut acc = Matrix2::identity();
    for st in &steps {
        acc = st * acc;
        fit(&acc);
    }
    if let Some(p) = points {
        let extent = |mm: &Matrix2<f64>| {
            p.xyz
                .iter()
                .map(|q| (mm * Vector2::new(q[0], q[1])).amax())
                .fold(0.0, f64::max)
        };
        half = half
            .max(extent(&Matrix2::identity()) * 1.05)
            .max(extent(&a) * 1.05);
    }
    let half = half.min(60.0);
    // While a tip is dragged the scale holds still: refitting under the
    // pointer would run away (the tip follows the pointer, the view zooms out).
    let tip_id = |j: usize| ui.scope_id().with(("transform-tip", j));
    let frozen_id = ui.scope_id().with("transform-drag-half");
    let half = if editable && (0..2).any(|j| ui.ctx().is_being_dragged(tip_id(j))) {
        ui.data(|d| d.get_temp::<f64>(frozen_id)).unwrap_or(half)
    } else {
        ui.data_mut(|d| d.insert_temp(frozen_id, half));
        half
    };
    let Nav2d { zoom, pan, handles } = nav;
    if response.double_clicked() {
        *zoom = 1.0;
        *pan = Vec2::ZERO;
    }
    if response.hovered() {
        let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
        *zoom = (*zoom * (scroll * 0.0015).exp() * pinch).clamp(0.1, 20.0);
    }
    let scale = 0.5 * rect.width().min(rect.height()) / half as f32 * *zoom;
    if response.dragged() {
        let d = response.drag_delta() / scale;
        *pan += vec2(d.x, -d.y);
    }
    let c = rect.center();
    let pan = *pan;
    let to_screen = |p: Vector2<f64>| {
        pos2(
            c.x + (p.x as f32 + pan.x) * scale,
            c.y - (p.y as f32 + pan.y) * scale,
        )
    };
    let to_world = |q: Pos2| {
        Vector2::new(
            f64::from((q.x - c.x) / scale - pan.x),
            f64::from(-(q.y - c.y) / scale - pan.y),
        )
    };
    // Grid lines reach past the corners of the visible area.
    let reach = f64::from(0.5 * rect.size().length() / scale + pan.length());
    let g = reach.ceil().clamp(3.0, 80.0);
    let gi = g as i32;

    if s.show_grid {
        let faint = text.gamma_multiply(0.12);
        for i in -gi..=gi {
            let x = f64::from(i);
            let w = if i == 0 { 1.5 } else { 1.0 };
            let col = if i == 0 {
                text.gamma_multiply(0.3)
            } else {
                faint
            };
            painter.line_segment(
                [
                    to_screen(Vector2::new(x, -g)),
                    to_screen(Vector2::new(x, g)),
                ],
                Stroke::new(w, col),
            );
            painter.line_segment(
                [
                    to_screen(Vector2::new(-g, x)),
                    to_screen(Vector2::new(g, x)),
                ],
                Stroke::new(w, col),
            );
        }
        // The transformed grid: images of the same lines under the current matrix.
        let grid = if dark {
            Color32::from_rgba_unmultiplied(86, 180, 233, 90)
        } else {
            Color32::from_rgba_unmultiplied(0, 114, 178, 80)
        };
        let axis = grid.gamma_multiply(2.0);
        for i in -gi..=gi {
            let x = f64::from(i);
            let (w, col) = if i == 0 { (2.0, axis) } else { (1.2, grid) };
            painter.line_segment(
                [
                    to_screen(m * Vector2::new(x, -g)),
                    to_screen(m * Vector2::new(x, g)),
                ],
                Stroke::new(w, col),
            );
            painter.line_segment(
                [
                    to_screen(m * Vector2::new(-g, x)),
                    to_screen(m * Vector2::new(g, x)),
                ],
                Stroke::new(w, col),
            );
        }
    }

    // The unit circle and its image, an ellipse with semi-axes σ₁ σ₂.
    let svd_now = tf::svd(&m);
    if s.show_circle || s.animation == TransformAnimation::Svd {
        let circle: Vec<Vector2<f64>> = (0..96)
            .map(|k| {
                let t = std::f64::consts::TAU * f64::from(k) / 96.0;
                Vector2::new(t.cos(), t.sin())
            })
            .collect();
        let closed = |pts: Vec<Pos2>| {
            let mut pts = pts;
            if let Some(&first) = pts.first() {
                pts.push(first);
            }
            pts
        };
        painter.add(Shape::dashed_line(
            &closed(circle.iter().map(|p| to_screen(*p)).collect()),
            Stroke::new(1.0, text.gamma_multiply(0.4)),
            5.0,
            4.0,
        ));
        let ellipse_col = Color32::from_rgb(204, 121, 167);
        painter.add(Shape::line(
            closed(circle.iter().map(|p| to_screen(m * p)).collect()),
            Stroke::new(2.0, ellipse_col),
        ));
        for i in 0..2 {
            let sigma = svd_now.sigma[i];
            let u = svd_now.u.column(i).into_owned();
            let tip = to_screen(u * sigma);
            painter.line_segment(
                [to_screen(Vector2::zeros()), tip],
                Stroke::new(1.5, ellipse_col),
            );
            if sigma > 1e-9 {
                let dir = (tip - to_screen(Vector2::zeros())).normalized();
                label_at(
                    &painter,
                    tip + dir * 14.0,
                    Align2::CENTER_CENTER,
                    &format!("σ{} = {}", subscript(i + 1), fmt_num(sigma, 3)),
                    13.0,
                    ellipse_col,
                    label_bg,
                );
            }
        }
    }

    // The unit square and its image, shaded by the sign of the determinant.
    let det_now = m.determinant();
    let corners = [
        Vector2::new(0.0, 0.0),
        Vector2::new(1.0, 0.0),
        Vector2::new(1.0, 1.0),
        Vector2::new(0.0, 1.0),
    ];
    let square: Vec<Pos2> = corners.iter().map(|p| to_screen(*p)).collect();
    painter.add(Shape::closed_line(
        square,
        Stroke::new(1.0, text.gamma_multiply(0.35)),
    ));
    let mut image: Vec<Pos2> = corners.iter().map(|p| to_screen(m * p)).collect();
    let flipped = det_now < 0.0;
    let (fill, edge) = if flipped {
        (FLIP_FILL, FLIP_STROKE)
    } else {
        (KEEP_FILL, KEEP_STROKE)
    };
    if flipped {
        image.reverse();
    }
    if det_now.abs() > 1e-12 {
        painter.add(Shape::convex_polygon(image.clone(), fill, Stroke::NONE));
    }
    painter.add(Shape::closed_line(image, Stroke::new(1.5, edge)));
    let centre = to_screen(m * Vector2::new(0.5, 0.5));
    label_at(
        &painter,
        centre,
        Align2::CENTER_CENTER,
        &format!(
            "det = {}{}",
            fmt_num(clean(det_now), 3),
            if flipped { " (flipped)" } else { "" }
        ),
        13.0,
        edge,
        label_bg,
    );

    // Eigenvectors of A: lines through the origin; the arrow A·v slides along them.
    if s.show_eigenvectors && steps.len() < 2 {
        let eig: Vec<(f64, Vector2<f64>)> = match tf::eigen2(&a) {
            Eigen2::Distinct { lambda, v } => vec![(lambda[0], v[0]), (lambda[1], v[1])],
            Eigen2::Defective { lambda, v } => vec![(lambda, v)],
            _ => Vec::new(),
        };
        for (k, (lambda, v)) in eig.iter().enumerate() {
            let col = EIGEN_COLORS[k];
            let far = v * g * 2.0;
            painter.add(Shape::dashed_line(
                &[to_screen(-far), to_screen(far)],
                Stroke::new(1.5, col),
                8.0,
                5.0,
            ));
            let image = m * v;
            arrow(
                &painter,
                to_screen(Vector2::zeros()),
                to_screen(image),
                2.5,
                col,
            );
            // The label sits on the line, inside the visible area.
            let at = v * (f64::from(0.42 * rect.width().min(rect.height()) / scale));
            label_at(
                &painter,
                to_screen(at),
                Align2::LEFT_BOTTOM,
                &format!("λ{} = {}", subscript(k + 1), fmt_num(*lambda, 3)),
                14.0,
                col,
                label_bg,
            );
        }
    }

    // A singular A: the line everything lands on, and the null space.
    let sub = tf::subspaces(&a, None);
    if sub.rank < 2 && s.progress >= 1.0 {
        let warn = Color32::from_rgb(213, 94, 0);
        let far = g * 2.0;
        if let Some(cs) = sub.column_space.first() {
            painter.line_segment(
                [to_screen(-cs * far), to_screen(cs * far)],
                Stroke::new(3.0, warn.gamma_multiply(0.8)),
            );
            let at = cs * f64::from(0.3 * rect.width().min(rect.height()) / scale);
            label_at(
                &painter,
                to_screen(-at),
                Align2::RIGHT_TOP,
                "column space: everything lands here",
                13.0,
                warn,
                label_bg,
            );
        } else {
            painter.circle_filled(to_screen(Vector2::zeros()), 6.0, warn);
            label_at(
                &painter,
                to_screen(Vector2::zeros()) + vec2(10.0, 10.0),
                Align2::LEFT_TOP,
                "everything lands on the origin",
                13.0,
                warn,
                label_bg,
            );
        }
        if sub.null_space.len() == 1 {
            let ns = sub.null_space[0];
            painter.add(Shape::dashed_line(
                &[to_screen(-ns * far), to_screen(ns * far)],
                Stroke::new(2.0, text.gamma_multiply(0.7)),
                3.0,
                4.0,
            ));
            let at = ns * f64::from(0.3 * rect.width().min(rect.height()) / scale);
            label_at(
                &painter,
                to_screen(at),
                Align2::LEFT_BOTTOM,
                "null space: sent to 0",
                13.0,
                text,
                label_bg,
            );
        }
    }

    // The data, moving with the animation.
    if let Some(p) = points {
        let radius = if p.xyz.len() > 5_000 { 1.5 } else { 3.5 };
        let mut shapes = Vec::with_capacity(p.xyz.len());
        for (q, &r) in p.xyz.iter().zip(&p.rows) {
            let pos = to_screen(m * Vector2::new(q[0], q[1]));
            if rect.expand(radius).contains(pos) {
                shapes.push(Shape::circle_filled(
                    pos,
                    radius,
                    point_color(label, r, dark),
                ));
            }
        }
        painter.extend(shapes);
    }

    // î and ĵ: the columns of the current matrix; their tips can be dragged.
    let origin = to_screen(Vector2::zeros());
    *handles = [
        origin,
        to_screen(m.column(0).into_owned()),
        to_screen(m.column(1).into_owned()),
    ];
    let mut edited = None;
    for j in 0..2 {
        let col = m.column(j).into_owned();
        let tip = to_screen(col);
        arrow(&painter, origin, tip, 3.0, BASIS_COLORS[j]);
        let dir = if (tip - origin).length() > 1.0 {
            (tip - origin).normalized()
        } else {
            vec2(1.0, 0.0)
        };
        label_at(
            &painter,
            tip + dir * 18.0,
            Align2::CENTER_CENTER,
            &format!(
                "{} {}",
                BASIS_NAMES[j],
                fmt_vec(&[clean(col.x), clean(col.y)])
            ),
            15.0,
            BASIS_COLORS[j],
            label_bg,
        );
        if editable {
            let handle = ui.interact(
                Rect::from_center_size(tip, vec2(18.0, 18.0)),
                tip_id(j),
                Sense::drag(),
            );
            if handle.hovered() || handle.dragged() {
                painter.circle_stroke(tip, 8.0, Stroke::new(2.0, BASIS_COLORS[j]));
            }
            let handle = handle
                .on_hover_cursor(egui::CursorIcon::Grab)
                .on_hover_text(format!(
                    "Drag to move {}: column {} of A",
                    BASIS_NAMES[j],
                    j + 1
                ));
            if handle.dragged()
                && let Some(ptr) = handle.interact_pointer_pos()
            {
                let w = to_world(ptr);
                // Snap to a twentieth: clean numbers in the editor.
                let snap = |x: f64| (x * 20.0).round() / 20.0;
                let mut rows = s.matrix.clone();
                if let [r0, r1] = rows.as_mut_slice()
                    && r0.len() == 2
                    && r1.len() == 2
                {
                    r0[j] = snap(w.x);
                    r1[j] = snap(w.y);
                    edited = Some(rows);
                }
            }
        }
    }

    // Caption and legend.
    let sigma_a = tf::svd(&a).sigma;
    painter.text(
        rect.left_top() + vec2(10.0, 8.0),
        Align2::LEFT_TOP,
        caption(stage, s.animation, s.progress, sigma_a.as_slice()),
        FontId::proportional(14.0),
        text,
    );
    if let (Some(l), Some(_)) = (label, points) {
        let mut y = rect.bottom() - 10.0 - 18.0 * l.categories.len() as f32;
        for (k, name) in l.categories.iter().enumerate() {
            let p = pos2(rect.right() - 150.0, y);
            painter.circle_filled(p, 5.0, category_color(k));
            painter.text(
                p + vec2(10.0, 0.0),
                Align2::LEFT_CENTER,
                name,
                FontId::proportional(13.0),
                text,
            );
            y += 18.0;
        }
    }
    if let Some(p) = points {
        painter.text(
            rect.left_bottom() + vec2(10.0, -8.0),
            Align2::LEFT_BOTTOM,
            format!("{} points (standardized columns)", fmt_count(p.xyz.len())),
            FontId::proportional(12.0),
            text.gamma_multiply(0.7),
        );
    }
    painter.rect_stroke(
        rect,
        4.0,
        visuals.widgets.noninteractive.bg_stroke,
        egui::StrokeKind::Inside,
    );
    edited
}

fn v3(v: Vector3<f64>, k: f64) -> [f32; 3] {
    [(v.x * k) as f32, (v.y * k) as f32, (v.z * k) as f32]
}

/// The 3D canvas: an orbit view of space bent by the current matrix.
fn canvas_3d(
    ui: &mut Ui,
    size: Vec2,
    s: &mut TransformSettings,
    home: CameraSettings,
    points: Option<&Points>,
    label: Option<&LabelColumn>,
) {
    let a: Matrix3<f64> = from_rows(&s.matrix);
    let steps: Vec<Matrix3<f64>> = s.steps.iter().map(|m| from_rows(m)).collect();
    let (m, stage) = animated(&a, &steps, s.animation, f64::from(s.progress));
    let dark = ui.visuals().dark_mode;
    // World units are divided by `ext` so everything fits the unit sphere.
    let cube: Vec<Vector3<f64>> = (0..8)
        .map(|i| {
            Vector3::new(
                f64::from(i & 1),
                f64::from((i >> 1) & 1),
                f64::from((i >> 2) & 1),
            )
        })
        .collect();
    let mut ext: f64 = 1.8;
    let mut acc = Matrix3::identity();
    for mm in std::iter::once(a).chain(steps.iter().map(|st| {
        acc = st * acc;
        acc
    })) {
        for c in &cube {
            ext = ext.max((mm * c).norm() * 1.1);
        }
    }
    if let Some(p) = points {
        let r = p
            .xyz
            .iter()
            .map(|q| Vector3::new(q[0], q[1], q[2]).norm())
            .fold(0.0, f64::max);
        ext = ext.max(r * a.norm().max(1.0) * 0.6).max(r);
    }
    let k = 1.0 / ext.min(100.0);
    let (show_grid, show_eigen, show_circle, animation, progress) = (
        s.show_grid,
        s.show_eigenvectors,
        s.show_circle,
        s.animation,
        s.progress,
    );
    let eigen = tf::eigen3(&a);
    let sub = tf::subspaces(&a, None);
    let sigma_a = tf::svd(&a).sigma;
    OrbitView::new("transform-orbit", &mut s.camera, home).show(ui, size, |scene| {
        let text = scene.text_color();
        let faint = text.gamma_multiply(0.3);
        let p = |v: Vector3<f64>| v3(v, k);
        // The original axes, faint.
        for i in 0..3 {
            let mut e = Vector3::zeros();
            e[i] = ext;
            scene.dashed(p(-e), p(e), Stroke::new(1.0, faint));
        }
        if show_grid {
            // Images of the grid lines of the three coordinate planes, −2..=2.
            let grid = if dark {
                Color32::from_rgba_unmultiplied(86, 180, 233, 70)
            } else {
                Color32::from_rgba_unmultiplied(0, 114, 178, 60)
            };
            for normal in 0..3 {
                let (u, w) = ((normal + 1) % 3, (normal + 2) % 3);
                for i in -2..=2 {
                    let x = f64::from(i);
                    for (along, across) in [(u, w), (w, u)] {
                        let mut from = Vector3::zeros();
                        let mut to = Vector3::zeros();
                        from[along] = x;
                        to[along] = x;
                        from[across] = -2.0;
                        to[across] = 2.0;
                        scene.line(p(m * from), p(m * to), Stroke::new(1.0, grid));
                    }
                }
            }
        }
        // The unit cube, faint, and its image, the parallelepiped, shaded by sign.
        let edges = [
            (0, 1),
            (2, 3),
            (4, 5),
            (6, 7),
            (0, 2),
            (1, 3),
            (4, 6),
            (5, 7),
            (0, 4),
            (1, 5),
            (2, 6),
            (3, 7),
        ];
        for (i, j) in edges {
            scene.line(p(cube[i]), p(cube[j]), Stroke::new(1.0, faint));
        }
        let det_now = m.determinant();
        let (fill, edge) = if det_now < 0.0 {
            (FLIP_FILL, FLIP_STROKE)
        } else {
            (KEEP_FILL, KEEP_STROKE)
        };
        let faces = [
            [0, 1, 3, 2],
            [4, 5, 7, 6],
            [0, 1, 5, 4],
            [2, 3, 7, 6],
            [0, 2, 6, 4],
            [1, 3, 7, 5],
        ];
        for f in faces {
            let corners: Vec<[f32; 3]> = f.iter().map(|&i| p(m * cube[i])).collect();
            scene.polygon(&corners, fill.gamma_multiply(0.6), Stroke::NONE);
        }
        for (i, j) in edges {
            scene.line(p(m * cube[i]), p(m * cube[j]), Stroke::new(1.5, edge));
        }
        scene.label(
            p(m * Vector3::new(0.5, 0.5, 0.5)),
            &format!(
                "det = {}{}",
                fmt_num(clean(det_now), 3),
                if det_now < 0.0 { " (flipped)" } else { "" }
            ),
            edge,
            14.0,
        );
        // Unit sphere's image: its semi-axes σᵢ·uᵢ.
        if show_circle || animation == TransformAnimation::Svd {
            let d = tf::svd(&m);
            let col = Color32::from_rgb(204, 121, 167);
            for i in 0..3 {
                let u = d.u.column(i).into_owned() * d.sigma[i];
                scene.arrow(
                    [0.0; 3],
                    p(u),
                    2.0,
                    col,
                    Some(&format!(
                        "σ{} = {}",
                        subscript(i + 1),
                        fmt_num(d.sigma[i], 3)
                    )),
                );
            }
        }
        // Eigenvector lines of A.
        if show_eigen && steps.len() < 2 {
            let mut lines: Vec<(f64, Vector3<f64>)> = Vec::new();
            for r in &eigen.real {
                if r.vectors.len() < 3 {
                    lines.extend(r.vectors.iter().map(|v| (r.lambda, *v)));
                }
            }
            for (idx, (lambda, v)) in lines.iter().enumerate() {
                let col = EIGEN_COLORS[idx % 3];
                scene.dashed(p(-v * ext), p(v * ext), Stroke::new(1.5, col));
                scene.arrow([0.0; 3], p(m * v), 2.5, col, None);
                scene.label(
                    p(v * ext * 0.9),
                    &format!("λ = {}", fmt_num(*lambda, 3)),
                    col,
                    13.0,
                );
            }
        }
        // A singular A: the null space, sent to 0.
        if sub.rank < 3 && progress >= 1.0 {
            for v in &sub.null_space {
                scene.dashed(
                    p(-v * ext),
                    p(v * ext),
                    Stroke::new(2.0, text.gamma_multiply(0.7)),
                );
                scene.label(p(v * ext * 0.8), "null space", text, 13.0);
            }
        }
        // The data.
        if let Some(pts) = points {
            let radius = if pts.xyz.len() > 5_000 { 1.5 } else { 3.0 };
            for (q, &r) in pts.xyz.iter().zip(&pts.rows) {
                scene.point(
                    p(m * Vector3::new(q[0], q[1], q[2])),
                    radius,
                    point_color(label, r, dark),
                );
            }
        }
        // î ĵ k̂.
        for j in 0..3 {
            let col = m.column(j).into_owned();
            scene.arrow(
                [0.0; 3],
                p(col),
                3.0,
                BASIS_COLORS[j],
                Some(&format!(
                    "{} {}",
                    BASIS_NAMES[j],
                    fmt_vec(&[clean(col.x), clean(col.y), clean(col.z)])
                )),
            );
        }
        let rect = scene.proj.rect();
        scene.overlay_text(
            rect.left_top() + vec2(10.0, 8.0),
            Align2::LEFT_TOP,
            &caption(stage, animation, progress, sigma_a.as_slice()),
            14.0,
            text,
        );
        if let Some(l) = label.filter(|_| points.is_some()) {
            let mut y = rect.bottom() - 10.0 - 18.0 * l.categories.len() as f32;
            for (c, name) in l.categories.iter().enumerate() {
                let q = pos2(rect.right() - 150.0, y);
                scene.overlay(Shape::circle_filled(q, 5.0, category_color(c)));
                scene.overlay_text(q + vec2(10.0, 0.0), Align2::LEFT_CENTER, name, 13.0, text);
                y += 18.0;
            }
        }
        let _: &mut Scene3d = scene;
    });
}
