//! The Embeddings view: words (or movies, or any items) as vectors.
//!
//! The vectors live in many dimensions (384 for the built-in words); PCA
//! projects them onto two or three principal components to look at, in a 2D
//! scatter or the orbit-camera 3D view, coloured by a metadata column, with
//! names placed where they do not collide. Everything measured is measured in
//! the original space, never in the projection: pick a point (click it, or
//! search for it) and its k nearest neighbours by cosine, Euclidean distance
//! or dot product are listed with their scores and joined to it by lines.
//! Isolate keeps only the selection and its neighbours and fits PCA to them
//! alone. The analogy panel solves a − b + c ≈ ? and draws the offset b → a
//! carried over to c.
//!
//! The numbers come from [`crate::math::similarity`] (exact kNN over a
//! row-major f32 index) and [`crate::math::pca`]; this module only draws.

use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use egui::{Align2, Color32, FontId, Pos2, Rect, RichText, Shape, Stroke, Ui, pos2, vec2};
use egui_plot::{Arrows, HoverPosition, Line, LineStyle, MarkerShape, Plot, PlotPoint, Points};

use crate::app::DatasetHandle;
use crate::app::style::{category_color, fmt_count, fmt_num, neutral_point_color};
use crate::app::views::{FADED, RasterScatter, Series, faded};
use crate::app::widgets::raster::{hash_camera, hash_rect, key_hasher};
use crate::app::widgets::{OrbitView, PointRaster, RASTER_POINTS, place_labels_where};
use crate::data::{Dataset, LabelColumn, NumericColumn, Ratings};
use crate::math::factorize::Model;
use crate::math::pca::{Pca, PcaOptions};
use crate::math::similarity::{Metric, Neighbor, VectorIndex};
use crate::scene::{CameraSettings, EmbeddingsMode, EmbeddingsSettings, MAX_NEIGHBORS};

/// Indexing and fitting more cells than this (rows × dimensions) runs on a
/// background thread.
const BACKGROUND_CELLS: usize = 2_000_000;
/// A label column with more distinct values than this does not colour points
/// by default (it names them instead).
const MAX_COLOR_CATEGORIES: usize = 30;
/// Rows considered for a name beside them, beyond the highlighted ones.
const MAX_LABEL_CANDIDATES: usize = 3_000;
/// Names drawn at most.
const MAX_LABELS: usize = 300;
/// At most this many points (a regular sample) keep names off themselves;
/// beyond it the picture is crowded everywhere names could go.
const MAX_NAME_OBSTACLES: usize = 20_000;
/// Screen radius of a point in a rasterized scatter.
const RASTER_RADIUS: f32 = 1.2;
/// Search matches listed as buttons.
const MAX_MATCH_BUTTONS: usize = 8;
/// Width of the side panel, in points.
const SIDE_WIDTH: f32 = 330.0;
/// Colour of the analogy's arrows.
const ANALOGY_COLOR: Color32 = Color32::from_rgb(0xD5, 0x5E, 0x00);

/// What the index and the PCA of all rows depend on.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct BaseKey {
    dataset_id: u64,
    dims: Vec<String>,
}

/// The vectors ready for queries, and PCA fitted to all of them.
struct Base {
    index: VectorIndex,
    pca: Result<Pca, String>,
}

/// A finished (or failed) base computation.
struct BaseFit {
    key: BaseKey,
    result: Result<Arc<Base>, String>,
}

/// A base computation on a background thread.
struct Job {
    key: BaseKey,
    rx: Receiver<Result<Arc<Base>, String>>,
}

/// What a projection depends on.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct ProjectionKey {
    base: BaseKey,
    /// `None`: every row, with the base PCA; else the isolated rows, with
    /// PCA fitted to them.
    isolated: Option<Vec<usize>>,
    components: [usize; 3],
}

/// Points placed by PCA: one per shown row.
struct Projection {
    key: ProjectionKey,
    /// Dataset rows shown, in drawing order.
    rows: Vec<usize>,
    /// Their scores on the chosen components (the third is 0 with two).
    points: Vec<[f64; 3]>,
    /// The PCA used (for projecting an analogy's vector).
    pca: Pca,
    /// The explained variance ratio of each chosen component.
    ratios: [f64; 3],
    /// Points are divided by this to fit the 3D view's unit sphere.
    radius: f64,
}

/// A query's cached answer.
struct Cached<K, V> {
    key: K,
    value: V,
}

/// A neighbour list depends on the vectors, the row, k and the metric.
type NeighborsKey = (BaseKey, usize, usize, Metric);
/// An analogy depends on the vectors, a, b, c, k and the metric.
type AnalogyKey = (BaseKey, [usize; 3], usize, Metric);
/// A search depends on the dataset, the name column, the text and regex mode.
type MatchesKey = (u64, String, String, bool);

/// What a search matched: the rows, in order.
struct Matches {
    rows: Vec<usize>,
}

/// The Embeddings view's state: its scene settings and caches.
pub struct EmbeddingsView {
    pub settings: EmbeddingsSettings,
    home_camera: CameraSettings,
    /// Compute on the UI thread whatever the size (headless rendering, tests).
    blocking: bool,
    base: Option<BaseFit>,
    job: Option<Job>,
    projection: Option<Projection>,
    neighbors: Option<Cached<NeighborsKey, Vec<Neighbor>>>,
    analogy: Option<Cached<AnalogyKey, Analogy>>,
    matches: Option<Cached<MatchesKey, Result<Matches, String>>>,
    /// The analogy panel's three text fields.
    analogy_input: [String; 3],
    /// Names and scores of the neighbours listed last frame (tests read them).
    shown_neighbors: Vec<(String, f64)>,
    /// The analogy's answers listed last frame.
    shown_analogy: Vec<(String, f64)>,
    /// A message for the user about the last frame (bad regex, no such name).
    note: Option<String>,
    /// More than [`RASTER_POINTS`] points are drawn as one image.
    raster_2d: RasterScatter,
    raster_3d: PointRaster,
}

/// An analogy's answer with its input rows.
struct Analogy {
    rows: [usize; 3],
    neighbors: Vec<Neighbor>,
}

impl Default for EmbeddingsView {
    fn default() -> Self {
        Self::new(EmbeddingsSettings::default())
    }
}

impl EmbeddingsView {
    /// A view showing `settings`.
    #[must_use]
    pub fn new(settings: EmbeddingsSettings) -> Self {
        let analogy_input = match settings.analogy.as_slice() {
            [a, b, c] => [a.clone(), b.clone(), c.clone()],
            _ => Default::default(),
        };
        Self {
            home_camera: settings.camera,
            settings,
            blocking: false,
            base: None,
            job: None,
            projection: None,
            neighbors: None,
            analogy: None,
            matches: None,
            analogy_input,
            shown_neighbors: Vec::new(),
            shown_analogy: Vec::new(),
            note: None,
            raster_2d: RasterScatter::default(),
            raster_3d: PointRaster::default(),
        }
    }

    /// Compute on the UI thread even for large data (for headless rendering).
    pub fn set_blocking(&mut self, blocking: bool) {
        self.blocking = blocking;
    }

    /// Makes the settings fit `ds`: unknown columns and names fall back to defaults.
    pub fn adapt_to(&mut self, ds: &Dataset) {
        let s = &mut self.settings;
        if s.dims.iter().any(|c| ds.column(c).is_none()) || s.dims.len() == 1 {
            s.dims.clear();
        }
        if s.color
            .as_deref()
            .is_some_and(|c| !c.is_empty() && ds.label(c).is_none())
        {
            s.color = None;
        }
        if s.name.as_deref().is_some_and(|c| ds.label(c).is_none()) {
            s.name = None;
        }
        let d = effective_dims(s, ds).len();
        // 3D needs three dimensions to show.
        if d < 3 {
            s.mode = EmbeddingsMode::Plane;
        }
        let shown = if s.mode == EmbeddingsMode::Space {
            3
        } else {
            2
        };
        fit_components(&mut s.components, d, shown);
        s.k = s.k.clamp(1, MAX_NEIGHBORS);
        let names = name_column(s, ds);
        if s.selected
            .as_deref()
            .is_some_and(|w| find_row(ds, names, w).is_none())
        {
            s.selected = None;
        }
        if s.analogy.iter().any(|w| find_row(ds, names, w).is_none()) {
            s.analogy.clear();
        }
    }

    /// Selects the point named `name` (as the name column spells it).
    pub fn select(&mut self, name: &str) {
        self.settings.selected = Some(name.to_owned());
    }

    /// Whether the vectors are indexed and projected (background work done).
    #[must_use]
    pub fn is_ready(&self) -> bool {
        self.job.is_none() && self.projection.is_some()
    }

    /// The neighbours listed last frame: names and scores, closest first.
    #[must_use]
    pub fn neighbors(&self) -> &[(String, f64)] {
        &self.shown_neighbors
    }

    /// The analogy's answers listed last frame: names and scores.
    #[must_use]
    pub fn analogy_answers(&self) -> &[(String, f64)] {
        &self.shown_analogy
    }

    /// How many points the projection shows, and the explained variance
    /// ratios of its components (isolating changes both).
    #[must_use]
    pub fn projection_summary(&self) -> Option<(usize, [f64; 3])> {
        self.projection.as_ref().map(|p| (p.rows.len(), p.ratios))
    }

    /// How many rows the search matched last frame.
    #[must_use]
    pub fn match_count(&self) -> usize {
        self.matches
            .as_ref()
            .and_then(|m| m.value.as_ref().ok())
            .map_or(0, |m| m.rows.len())
    }

    /// The note shown last frame (a bad regular expression, an unknown name).
    #[must_use]
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// Starts or collects the index and PCA of the current dimensions.
    fn update_base(&mut self, ctx: &egui::Context, handle: &DatasetHandle) {
        let key = BaseKey {
            dataset_id: handle.id,
            dims: effective_dims(&self.settings, &handle.data),
        };
        if let Some(job) = &self.job {
            let finished = match job.rx.try_recv() {
                Ok(result) => Some(result),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => {
                    Some(Err("the computation stopped unexpectedly".to_owned()))
                }
            };
            if let Some(result) = finished {
                let key = job.key.clone();
                self.job = None;
                self.base = Some(BaseFit { key, result });
            }
        }
        if self.base.as_ref().is_some_and(|b| b.key == key)
            || self.job.as_ref().is_some_and(|j| j.key == key)
        {
            return;
        }
        let cells = handle.data.n_rows * key.dims.len();
        if self.blocking || cells <= BACKGROUND_CELLS {
            let result = compute_base(&handle.data, &key.dims).map(Arc::new);
            self.base = Some(BaseFit { key, result });
        } else {
            // The previous picture stays on screen until the new one is ready.
            let (tx, rx) = channel();
            let data = handle.data.clone();
            let dims = key.dims.clone();
            let ctx = ctx.clone();
            std::thread::spawn(move || {
                let _ = tx.send(compute_base(&data, &dims).map(Arc::new));
                ctx.request_repaint();
            });
            self.job = Some(Job { key, rx });
        }
    }

    /// Draws the view for `handle`'s dataset.
    pub fn ui(&mut self, ui: &mut Ui, handle: &DatasetHandle) {
        let ds = handle.data.clone();
        self.adapt_to(&ds);
        self.update_base(ui.ctx(), handle);
        self.note = None;
        self.toolbar(ui, &ds);

        if self.job.is_some() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!(
                    "Indexing {} vectors and fitting PCA…",
                    fmt_count(ds.n_rows)
                ));
            });
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
        }
        let Some(BaseFit { key, result }) = self.base.as_ref() else {
            return;
        };
        if key.dataset_id != handle.id {
            return;
        }
        let base = match result {
            Ok(b) => b.clone(),
            Err(e) => {
                ui.label(
                    RichText::new(format!("The vectors cannot be used: {e}"))
                        .color(ui.visuals().error_fg_color),
                );
                return;
            }
        };
        let base_key = key.clone();
        let names = name_column(&self.settings, &ds);

        // Queries, each cached until its inputs change.
        let selected = self
            .settings
            .selected
            .as_deref()
            .and_then(|w| find_row(&ds, names, w));
        let neighbors = self.update_neighbors(&base, &base_key, selected);
        self.update_analogy(&ds, names, &base, &base_key);
        self.update_matches(&ds, names, handle.id);
        if let Err(e) = self.update_projection(&base, &base_key, selected, &neighbors) {
            ui.label(
                RichText::new(format!("PCA cannot run: {e}")).color(ui.visuals().error_fg_color),
            );
            return;
        }
        self.shown_neighbors = neighbors
            .iter()
            .map(|n| (name_of(names, n.index), n.score))
            .collect();
        self.shown_analogy = self.analogy.as_ref().map_or_else(Vec::new, |a| {
            a.value
                .neighbors
                .iter()
                .map(|n| (name_of(names, n.index), n.score))
                .collect()
        });

        let avail = ui.available_size();
        let plot_w = (avail.x - SIDE_WIDTH - 12.0).max(200.0);
        ui.horizontal_top(|ui| {
            ui.allocate_ui(vec2(plot_w, avail.y), |ui| {
                ui.vertical(|ui| self.plot_ui(ui, &ds, &base, selected, &neighbors));
            });
            ui.separator();
            ui.vertical(|ui| {
                ui.set_width(SIDE_WIDTH - 8.0);
                self.side_ui(ui, &ds, &base, selected, &neighbors);
            });
        });
    }

    fn toolbar(&mut self, ui: &mut Ui, ds: &Dataset) {
        let s = &mut self.settings;
        ui.horizontal(|ui| {
            ui.heading(&ds.name);
            let d = effective_dims(s, ds).len();
            ui.label(
                RichText::new(format!(
                    "{} {} × {} dimensions",
                    fmt_count(ds.n_rows),
                    if ds.n_rows == 1 { "vector" } else { "vectors" },
                    fmt_count(d)
                ))
                .weak(),
            );
            ui.add_space(12.0);
            ui.selectable_value(&mut s.mode, EmbeddingsMode::Plane, "2D")
                .on_hover_text("Project onto two principal components: a scatter plot");
            if ui
                .add_enabled(
                    d >= 3,
                    egui::Button::selectable(s.mode == EmbeddingsMode::Space, "3D"),
                )
                .on_hover_text("Project onto three principal components: drag to turn")
                .on_disabled_hover_text("3D needs vectors of three or more dimensions")
                .clicked()
            {
                s.mode = EmbeddingsMode::Space;
            }
            ui.add_space(8.0);
            let shown = if s.mode == EmbeddingsMode::Space {
                3
            } else {
                2
            };
            if s.components.len() < shown {
                for c in 1..=d.max(1) {
                    if s.components.len() >= shown {
                        break;
                    }
                    if !s.components.contains(&c) {
                        s.components.push(c);
                    }
                }
            }
            for (axis, slot) in ["x", "y", "z"].iter().zip(0..shown) {
                let Some(current) = s.components.get(slot).copied() else {
                    continue;
                };
                let l = ui.label(*axis);
                let mut chosen = current;
                egui::ComboBox::from_id_salt(("embeddings-axis", slot))
                    .selected_text(format!("PC{current}"))
                    .width(58.0)
                    .show_ui(ui, |ui| {
                        for c in 1..=d.clamp(1, 50) {
                            ui.selectable_value(&mut chosen, c, format!("PC{c}"));
                        }
                    })
                    .response
                    .labelled_by(l.id);
                if chosen != current {
                    // Swap with the axis that had it, so the three stay distinct.
                    if let Some(other) = s.components.iter().position(|&c| c == chosen) {
                        s.components[other] = current;
                    }
                    s.components[slot] = chosen;
                }
            }
            ui.add_space(8.0);
            let colour_label = ui.label("colour by");
            let current = color_column(s, ds)
                .map_or("none", |l| l.name.as_str())
                .to_owned();
            let mut color = current.clone();
            egui::ComboBox::from_id_salt("embeddings-colour")
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
                s.color = Some(if color == "none" {
                    String::new()
                } else {
                    color
                });
            }
            ui.checkbox(&mut s.labels, "names")
                .on_hover_text("Write names beside the points where they do not collide");
        });
    }

    /// The selected row's neighbours, computed when the inputs change.
    fn update_neighbors(
        &mut self,
        base: &Base,
        base_key: &BaseKey,
        selected: Option<usize>,
    ) -> Vec<Neighbor> {
        let Some(row) = selected else {
            return Vec::new();
        };
        let key = (base_key.clone(), row, self.settings.k, self.settings.metric);
        if let Some(c) = &self.neighbors
            && c.key == key
        {
            return c.value.clone();
        }
        let value = base
            .index
            .neighbors(row, self.settings.k, self.settings.metric)
            .unwrap_or_default();
        self.neighbors = Some(Cached {
            key,
            value: value.clone(),
        });
        value
    }

    fn update_analogy(
        &mut self,
        ds: &Dataset,
        names: Option<&LabelColumn>,
        base: &Base,
        base_key: &BaseKey,
    ) {
        let rows: Option<Vec<usize>> = self
            .settings
            .analogy
            .iter()
            .map(|w| find_row(ds, names, w))
            .collect();
        let Some([a, b, c]) = rows.as_deref() else {
            self.analogy = None;
            return;
        };
        let key = (
            base_key.clone(),
            [*a, *b, *c],
            self.settings.k,
            self.settings.metric,
        );
        if self.analogy.as_ref().is_some_and(|x| x.key == key) {
            return;
        }
        self.analogy = base
            .index
            .analogy(*a, *b, *c, self.settings.k, self.settings.metric)
            .ok()
            .map(|r| Cached {
                key,
                value: Analogy {
                    rows: [*a, *b, *c],
                    neighbors: r.neighbors,
                },
            });
    }

    fn update_matches(&mut self, ds: &Dataset, names: Option<&LabelColumn>, id: u64) {
        let query = self.settings.search.trim().to_owned();
        if query.is_empty() {
            self.matches = None;
            return;
        }
        let key = (
            id,
            names.map(|l| l.name.clone()).unwrap_or_default(),
            query.clone(),
            self.settings.regex,
        );
        if self.matches.as_ref().is_some_and(|m| m.key == key) {
            return;
        }
        let value = search(ds, names, &query, self.settings.regex);
        self.matches = Some(Cached { key, value });
    }

    /// Fits the projection for every row, or for the isolated ones.
    fn update_projection(
        &mut self,
        base: &Base,
        base_key: &BaseKey,
        selected: Option<usize>,
        neighbors: &[Neighbor],
    ) -> Result<(), String> {
        let isolated = match selected {
            Some(row) if self.settings.isolate => {
                let mut rows = vec![row];
                rows.extend(neighbors.iter().map(|n| n.index));
                Some(rows)
            }
            _ => None,
        };
        let c = &self.settings.components;
        let key = ProjectionKey {
            base: base_key.clone(),
            isolated,
            components: [
                c.first().copied().unwrap_or(1),
                c.get(1).copied().unwrap_or(2),
                c.get(2).copied().unwrap_or(3),
            ],
        };
        if self.projection.as_ref().is_some_and(|p| p.key == key) {
            return Ok(());
        }
        let (rows, pca) = match &key.isolated {
            None => ((0..base.index.len()).collect::<Vec<_>>(), base.pca.clone()?),
            Some(rows) => {
                let columns: Vec<Vec<f64>> = (0..base.index.dim())
                    .map(|j| {
                        rows.iter()
                            .map(|&r| f64::from(base.index.row(r).get(j).copied().unwrap_or(0.0)))
                            .collect()
                    })
                    .collect();
                let slices: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
                let pca = Pca::fit(&slices, &base_key.dims, &PcaOptions::default())
                    .map_err(|e| e.to_string())?;
                (rows.clone(), pca)
            }
        };
        let comps = key.components.map(|c| c.saturating_sub(1));
        let points: Vec<[f64; 3]> = rows
            .iter()
            .map(|&r| project(&pca, base.index.row(r), comps))
            .collect();
        let ratio = |c: usize| pca.explained_variance_ratio.get(c).copied().unwrap_or(0.0);
        let ratios = comps.map(ratio);
        let three = self.settings.mode == EmbeddingsMode::Space;
        let mut norms: Vec<f64> = points
            .iter()
            .map(|p| (p[0].powi(2) + p[1].powi(2) + if three { p[2].powi(2) } else { 0.0 }).sqrt())
            .collect();
        let radius = if norms.is_empty() {
            1.0
        } else {
            let q = ((norms.len() - 1) as f64 * 0.99).round() as usize;
            let (_, v, _) = norms.select_nth_unstable_by(q, f64::total_cmp);
            v.max(1e-12)
        };
        self.projection = Some(Projection {
            key,
            rows,
            points,
            pca,
            ratios,
            radius,
        });
        Ok(())
    }

    /// The 2D scatter or the 3D view, with names, highlights and lines.
    fn plot_ui(
        &mut self,
        ui: &mut Ui,
        ds: &Dataset,
        base: &Base,
        selected: Option<usize>,
        neighbors: &[Neighbor],
    ) {
        let Some(proj) = &self.projection else { return };
        let s = &self.settings;
        let names = name_column(s, ds);
        let color = color_column(s, ds);
        let matches = self.matches.as_ref().and_then(|m| m.value.as_ref().ok());
        // Where each dataset row is drawn (index into proj.rows), if it is.
        let mut slot = vec![usize::MAX; ds.n_rows];
        for (i, &r) in proj.rows.iter().enumerate() {
            if let Some(x) = slot.get_mut(r) {
                *x = i;
            }
        }
        let at = |row: usize| slot.get(row).copied().filter(|&i| i != usize::MAX);
        let caption = self.caption(base, proj);
        ui.label(RichText::new(caption).weak());
        let analogy = self.analogy.as_ref().map(|a| &a.value);
        let look = Look {
            dark: ui.visuals().dark_mode,
            text: ui.visuals().text_color(),
            weak: ui.visuals().weak_text_color(),
        };
        let marks = Marks {
            selected: selected.and_then(at),
            neighbors: neighbors.iter().filter_map(|n| at(n.index)).collect(),
            matches: matches.map(|m| m.rows.iter().filter_map(|&r| at(r)).collect()),
            analogy: analogy.map(|a| {
                let target = project(
                    &proj.pca,
                    &a.vector_raw(base),
                    proj.key.components.map(|c| c.saturating_sub(1)),
                );
                (
                    a.rows.map(at),
                    target,
                    a.neighbors.first().and_then(|n| at(n.index)),
                )
            }),
        };
        let clicked = match s.mode {
            EmbeddingsMode::Plane => plot_2d(
                ui,
                ds,
                proj,
                (names, color),
                &marks,
                look,
                s.labels,
                &self.raster_2d,
            ),
            EmbeddingsMode::Space => {
                let home = self.home_camera;
                let labels = s.labels;
                let camera = &mut self.settings.camera;
                plot_3d(
                    ui,
                    ds,
                    proj,
                    (names, color),
                    &marks,
                    look,
                    labels,
                    (camera, home),
                    &mut self.raster_3d,
                )
            }
        };
        if let Some(i) = clicked
            && let Some(&row) = proj.rows.get(i)
        {
            let name = name_of(names, row);
            self.settings.selected = Some(name);
        }
    }

    /// One line under the toolbar: what the axes are and where the numbers come from.
    fn caption(&self, base: &Base, proj: &Projection) -> String {
        let c = proj.key.components;
        let pct = |k: usize| 100.0 * proj.ratios[k];
        let mut text = if self.settings.mode == EmbeddingsMode::Space {
            format!(
                "PCA of {} vectors: PC{} {:.1}%, PC{} {:.1}%, PC{} {:.1}% of the variance.",
                fmt_count(proj.rows.len()),
                c[0],
                pct(0),
                c[1],
                pct(1),
                c[2],
                pct(2)
            )
        } else {
            format!(
                "PCA of {} vectors: PC{} and PC{} keep {:.1}% of the variance.",
                fmt_count(proj.rows.len()),
                c[0],
                c[1],
                pct(0) + pct(1)
            )
        };
        if proj.key.isolated.is_some() {
            text.push_str(" Isolated: PCA fitted to the selection and its neighbours alone.");
        }
        let _ = write!(
            text,
            " Neighbours are measured in all {} dimensions, not in this picture.",
            base.index.dim()
        );
        text
    }

    /// Search, selection with its neighbours, isolate, and the analogy panel.
    fn side_ui(
        &mut self,
        ui: &mut Ui,
        ds: &Dataset,
        base: &Base,
        selected: Option<usize>,
        neighbors: &[Neighbor],
    ) {
        let names = name_column(&self.settings, ds);
        egui::ScrollArea::vertical()
            .id_salt("embeddings-side")
            .show(ui, |ui| {
                if names.is_none() {
                    ui.label(RichText::new(no_names_hint(ds)).weak());
                    ui.add_space(4.0);
                }
                // Search.
                ui.label(RichText::new("Search").strong());
                let mut submit = false;
                ui.horizontal(|ui| {
                    let l = ui.label("find");
                    let response = ui
                        .add(
                            egui::TextEdit::singleline(&mut self.settings.search)
                                .hint_text(if self.settings.regex { "regular expression" } else { "part of a name" })
                                .desired_width(170.0),
                        )
                        .labelled_by(l.id);
                    submit = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    ui.checkbox(&mut self.settings.regex, "regex")
                        .on_hover_text("Read the search as a regular expression (case-insensitive), e.g. ^gr|ing$");
                });
                match self.matches.as_ref().map(|m| &m.value) {
                    Some(Ok(m)) => {
                        ui.label(
                            RichText::new(match m.rows.len() {
                                0 => "no match".to_owned(),
                                1 => "1 match, highlighted (Enter selects it)".to_owned(),
                                n => format!("{} matches, highlighted (Enter selects the first)", fmt_count(n)),
                            })
                            .weak(),
                        );
                        let mut pick = None;
                        ui.horizontal_wrapped(|ui| {
                            for &r in m.rows.iter().take(MAX_MATCH_BUTTONS) {
                                let name = name_of(names, r);
                                if ui.selectable_label(selected == Some(r), &name).clicked() {
                                    pick = Some(name);
                                }
                            }
                            if m.rows.len() > MAX_MATCH_BUTTONS {
                                ui.label(RichText::new("…").weak());
                            }
                        });
                        if submit && let Some(r) = best_match(names, &self.settings.search, &m.rows) {
                            pick = Some(name_of(names, r));
                        }
                        if let Some(name) = pick {
                            self.settings.selected = Some(name);
                        }
                    }
                    Some(Err(e)) => {
                        let e = e.clone();
                        ui.label(RichText::new(&e).color(ui.visuals().error_fg_color));
                        self.note = Some(e);
                    }
                    None => {
                        ui.label(RichText::new("Type to highlight points; click a point or press Enter to select one.").weak());
                    }
                }
                ui.separator();
                self.neighbors_ui(ui, ds, base, selected, neighbors);
                ui.separator();
                self.analogy_ui(ui, ds, names);
            });
    }

    fn neighbors_ui(
        &mut self,
        ui: &mut Ui,
        ds: &Dataset,
        base: &Base,
        selected: Option<usize>,
        neighbors: &[Neighbor],
    ) {
        let names = name_column(&self.settings, ds);
        let s = &mut self.settings;
        let Some(row) = selected else {
            ui.label(RichText::new("Nearest neighbours").strong());
            ui.label(RichText::new("Select a point to list its nearest neighbours.").weak());
            if s.isolate {
                s.isolate = false;
            }
            return;
        };
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("Nearest to {}", name_of(names, row))).strong());
            if ui
                .small_button("✕")
                .on_hover_text("Clear the selection")
                .clicked()
            {
                s.selected = None;
                s.isolate = false;
            }
        });
        ui.horizontal(|ui| {
            for m in Metric::ALL {
                ui.selectable_value(&mut s.metric, m, m.name())
                    .on_hover_text(metric_help(m));
            }
            ui.add_space(6.0);
            let l = ui.label("k");
            ui.add(egui::DragValue::new(&mut s.k).range(1..=MAX_NEIGHBORS))
                .labelled_by(l.id);
        });
        let header = match s.metric {
            Metric::Cosine => "cos θ",
            Metric::Euclidean => "‖x − q‖",
            Metric::Dot => "x · q",
        };
        let color = color_column(s, ds);
        let mut pick = None;
        egui::Grid::new("embeddings-neighbors")
            .striped(true)
            .num_columns(3)
            .show(ui, |ui| {
                ui.label(RichText::new("#").weak());
                ui.label(RichText::new("name").weak());
                ui.label(RichText::new(header).weak());
                ui.end_row();
                for (k, n) in neighbors.iter().enumerate() {
                    ui.label(RichText::new(format!("{}", k + 1)).weak());
                    let name = name_of(names, n.index);
                    let text = match color {
                        Some(c) if names.is_none_or(|l| l.name != c.name) => {
                            format!("{name}  ({})", c.get(n.index))
                        }
                        _ => name.clone(),
                    };
                    if ui
                        .selectable_label(false, text)
                        .on_hover_text("Select")
                        .clicked()
                    {
                        pick = Some(name);
                    }
                    ui.monospace(fmt_score(n.score));
                    ui.end_row();
                }
            });
        if let Some(name) = pick {
            s.selected = Some(name);
        }
        if unit_length(&base.index) && s.metric != Metric::Dot {
            ui.label(
                RichText::new("Every vector here has length 1, so cosine, dot and Euclidean rank alike: ‖x − q‖² = 2 − 2 cos θ.")
                    .weak()
                    .small(),
            );
        }
        ui.horizontal(|ui| {
            if s.isolate {
                if ui
                    .button("Show all")
                    .on_hover_text("Back to every point and the PCA of all of them")
                    .clicked()
                {
                    s.isolate = false;
                }
            } else if ui
                .button("Isolate")
                .on_hover_text(
                    "Keep only the selection and its neighbours, and fit PCA to them alone",
                )
                .clicked()
            {
                s.isolate = true;
            }
        });
    }

    fn analogy_ui(&mut self, ui: &mut Ui, ds: &Dataset, names: Option<&LabelColumn>) {
        ui.label(RichText::new("Analogy: a − b + c ≈ ?").strong());
        ui.label(
            RichText::new("king − man + woman: the offset from b to a, carried over to c.")
                .weak()
                .small(),
        );
        let mut changed = false;
        ui.horizontal(|ui| {
            for (i, sign) in ["a", "− b", "+ c"].iter().enumerate() {
                let l = ui.label(*sign);
                changed |= ui
                    .add(egui::TextEdit::singleline(&mut self.analogy_input[i]).desired_width(64.0))
                    .labelled_by(l.id)
                    .changed();
            }
        });
        if changed {
            let words: Vec<String> = self
                .analogy_input
                .iter()
                .map(|w| w.trim().to_owned())
                .collect();
            let rows: Vec<Option<usize>> = words.iter().map(|w| find_row(ds, names, w)).collect();
            if rows.iter().all(Option::is_some) {
                self.settings.analogy = words;
            } else {
                self.settings.analogy.clear();
            }
        }
        let unknown: Vec<&str> = self
            .analogy_input
            .iter()
            .map(|w| w.trim())
            .filter(|w| !w.is_empty() && find_row(ds, names, w).is_none())
            .collect();
        if !unknown.is_empty() {
            ui.label(
                RichText::new(format!("no point named {}", unknown.join(", ")))
                    .color(ui.visuals().warn_fg_color),
            );
        }
        if self.shown_analogy.is_empty() {
            return;
        }
        let [a, b, c] =
            [0, 1, 2].map(|i| self.settings.analogy.get(i).cloned().unwrap_or_default());
        if let Some((best, score)) = self.shown_analogy.first() {
            ui.label(
                RichText::new(format!("{a} − {b} + {c} ≈ {best}"))
                    .strong()
                    .size(15.0),
            );
            ui.label(
                RichText::new(format!("{} {}", self.settings.metric, fmt_score(*score))).weak(),
            );
        }
        let mut pick = None;
        egui::Grid::new("embeddings-analogy")
            .striped(true)
            .num_columns(2)
            .show(ui, |ui| {
                for (name, score) in self.shown_analogy.iter().skip(1).take(5) {
                    if ui.selectable_label(false, name).clicked() {
                        pick = Some(name.clone());
                    }
                    ui.monospace(fmt_score(*score));
                    ui.end_row();
                }
            });
        if let Some(name) = pick {
            self.settings.selected = Some(name);
        }
        if ui.small_button("Clear analogy").clicked() {
            self.settings.analogy.clear();
            self.analogy_input = Default::default();
        }
    }
}

impl Analogy {
    /// a − b + c of the raw vectors, for drawing (the projection is affine,
    /// so this lands at pa − pb + pc).
    fn vector_raw(&self, base: &Base) -> Vec<f32> {
        let [a, b, c] = self.rows;
        base.index
            .row(a)
            .iter()
            .zip(base.index.row(b))
            .zip(base.index.row(c))
            .map(|((&x, &y), &z)| x - y + z)
            .collect()
    }
}

/// The theme's colours, for drawing.
#[derive(Clone, Copy)]
struct Look {
    dark: bool,
    text: Color32,
    weak: Color32,
}

/// What is highlighted, as indices into the projection's points.
struct Marks {
    selected: Option<usize>,
    neighbors: Vec<usize>,
    /// `None` without a search; else the matching points.
    matches: Option<Vec<usize>>,
    /// The analogy, when there is one.
    analogy: Option<AnalogyMarks>,
}

impl Marks {
    /// Points that get a name first, most important first.
    fn priority(&self) -> Vec<usize> {
        let mut out: Vec<usize> = self.selected.into_iter().collect();
        if let Some((abc, _, best)) = &self.analogy {
            out.extend(abc.iter().flatten());
            out.extend(best);
        }
        out.extend(&self.neighbors);
        if let Some(m) = &self.matches {
            out.extend(m.iter().take(200));
        }
        out
    }
}

/// The analogy's a, b, c points (if shown), the projected a − b + c, and
/// its best answer (if shown).
type AnalogyMarks = ([Option<usize>; 3], [f64; 3], Option<usize>);

/// The marker shape of category `k`: the colour cycles through the palette,
/// the shape changes each time it wraps, so no two of the first 28 look alike.
fn marker_shape(k: usize) -> MarkerShape {
    match (k / 7) % 4 {
        0 => MarkerShape::Circle,
        1 => MarkerShape::Square,
        2 => MarkerShape::Diamond,
        _ => MarkerShape::Up,
    }
}

/// A screen-space marker like egui_plot draws it.
fn marker(center: Pos2, shape: MarkerShape, radius: f32, fill: Color32, stroke: Stroke) -> Shape {
    let r = radius;
    let poly = |pts: Vec<Pos2>| Shape::convex_polygon(pts, fill, stroke);
    match shape {
        MarkerShape::Square => poly(vec![
            center + vec2(-r, -r),
            center + vec2(r, -r),
            center + vec2(r, r),
            center + vec2(-r, r),
        ]),
        MarkerShape::Diamond => poly(vec![
            center + vec2(0.0, -r * 1.3),
            center + vec2(r * 1.3, 0.0),
            center + vec2(0.0, r * 1.3),
            center + vec2(-r * 1.3, 0.0),
        ]),
        MarkerShape::Up => poly(vec![
            center + vec2(0.0, -r * 1.3),
            center + vec2(r * 1.2, r * 0.8),
            center + vec2(-r * 1.2, r * 0.8),
        ]),
        _ => Shape::Circle(egui::epaint::CircleShape {
            center,
            radius: r,
            fill,
            stroke,
        }),
    }
}

/// The legend of the colour column: a marker and a name per category,
/// painted over the bottom-right corner of `rect`; returns where it went.
/// `shapes`: each category's marker shape as drawn (off for a scatter drawn
/// as one image, where every point is a dot).
fn paint_legend(
    ui: &Ui,
    rect: Rect,
    column: &LabelColumn,
    look: Look,
    shapes: bool,
) -> Option<Rect> {
    let n = column.categories.len();
    if n == 0 || n > MAX_COLOR_CATEGORIES {
        return None;
    }
    let painter = ui.painter_at(rect);
    let font = FontId::proportional(12.5);
    let row_h = 17.0;
    let widest = column
        .categories
        .iter()
        .map(|c| {
            ui.fonts_mut(|f| {
                f.layout_no_wrap(c.clone(), font.clone(), look.text)
                    .size()
                    .x
            })
        })
        .fold(0.0f32, f32::max)
        .max(ui.fonts_mut(|f| {
            f.layout_no_wrap(column.name.clone(), font.clone(), look.text)
                .size()
                .x
        }));
    let size = vec2(widest + 34.0, row_h * (n as f32 + 1.0) + 8.0);
    let box_rect = Rect::from_min_size(rect.right_bottom() - size - vec2(8.0, 8.0), size);
    let fill = ui.visuals().extreme_bg_color.gamma_multiply(0.92);
    painter.rect_filled(box_rect, 4.0, fill);
    painter.rect_stroke(
        box_rect,
        4.0,
        ui.visuals().widgets.noninteractive.bg_stroke,
        egui::StrokeKind::Inside,
    );
    painter.text(
        box_rect.left_top() + vec2(10.0, 4.0),
        Align2::LEFT_TOP,
        &column.name,
        FontId::proportional(13.0),
        look.text,
    );
    for (k, name) in column.categories.iter().enumerate() {
        let y = box_rect.top() + 4.0 + row_h * (k as f32 + 1.5);
        let c = pos2(box_rect.left() + 14.0, y);
        painter.add(marker(
            c,
            if shapes {
                marker_shape(k)
            } else {
                MarkerShape::Circle
            },
            4.5,
            category_color(k),
            Stroke::NONE,
        ));
        painter.text(
            c + vec2(12.0, 0.0),
            Align2::LEFT_CENTER,
            name,
            font.clone(),
            look.text,
        );
    }
    Some(box_rect)
}

/// Side of the cells that bucket points for [`draw_names`], in points.
const CELL: f32 = 24.0;

/// Writes names beside points where they fit (the shared greedy placement,
/// [`place_labels_where`]): in priority order, each name takes the first spot
/// around its point that overlaps no name placed before it nor `keep_clear`
/// (the legend) and, unless it is highlighted, covers at most one other
/// point; a name with no such spot is left out. `points` are every point's
/// screen position (the obstacles).
fn draw_names(
    ui: &Ui,
    clip: Rect,
    candidates: &[(Pos2, String, bool)],
    points: &[Pos2],
    keep_clear: &[Rect],
    look: Look,
) {
    let cell = |p: Pos2| ((p.x / CELL).floor() as i32, (p.y / CELL).floor() as i32);
    let mut grid: std::collections::HashMap<(i32, i32), Vec<Pos2>> =
        std::collections::HashMap::new();
    for &p in points.iter().filter(|p| clip.contains(**p)) {
        grid.entry(cell(p)).or_default().push(p);
    }
    // Whether `r` covers at most one point: stops counting at two, so a
    // crowded region costs no more than an empty one.
    let sparse = |r: Rect| -> bool {
        let (x0, y0) = cell(r.min);
        let (x1, y1) = cell(r.max);
        let mut count = 0;
        for x in x0..=x1 {
            for y in y0..=y1 {
                for p in grid.get(&(x, y)).into_iter().flatten() {
                    if r.contains(*p) {
                        count += 1;
                        if count > 1 {
                            return false;
                        }
                    }
                }
            }
        }
        true
    };
    let strong_font = FontId::proportional(13.5);
    let font = FontId::proportional(12.0);
    // A little air around every name.
    let pad = vec2(2.0, 1.0);
    let galleys: Vec<_> = candidates
        .iter()
        .filter(|(pos, _, _)| clip.contains(*pos))
        .map(|(pos, text, strong)| {
            let (f, color) = if *strong {
                (strong_font.clone(), look.text)
            } else {
                (font.clone(), look.weak)
            };
            let galley = ui.fonts_mut(|fonts| fonts.layout_no_wrap(text.clone(), f, color));
            (*pos, galley, color, *strong)
        })
        .collect();
    let sizes: Vec<(Pos2, egui::Vec2)> = galleys
        .iter()
        .map(|(pos, g, _, _)| (*pos, g.size() + 2.0 * pad))
        .collect();
    let placed = place_labels_where(&sizes, clip, 3.0, keep_clear, |i, r| {
        galleys.get(i).is_some_and(|g| g.3) || sparse(r)
    });
    let painter = ui.painter_at(clip);
    let halo = ui.visuals().extreme_bg_color.gamma_multiply(0.8);
    for ((_, galley, color, strong), spot) in galleys
        .into_iter()
        .zip(placed)
        .filter_map(|(g, s)| Some((g, s?)))
        .take(MAX_LABELS)
    {
        if strong {
            // A halo keeps the highlighted names readable over points and lines.
            painter.rect_filled(spot, 2.0, halo);
        }
        painter.galley(spot.min + pad, galley, color);
    }
}

/// Candidates for names: the highlighted points first, then the rest from
/// the outside in (points far from the centre of the picture are the ones
/// with room for a name; the crowded middle gets what is left), at most
/// [`MAX_LABEL_CANDIDATES`] of them.
fn label_order(points: &[[f64; 3]], three: bool, marks: &Marks) -> Vec<(usize, bool)> {
    let n = points.len();
    let priority = marks.priority();
    let mut seen = vec![false; n];
    let mut out = Vec::with_capacity(priority.len() + MAX_LABEL_CANDIDATES.min(n));
    for &i in &priority {
        if let Some(s) = seen.get_mut(i)
            && !*s
        {
            *s = true;
            out.push((i, true));
        }
    }
    // With a search, only the matches are named.
    if marks.matches.is_none() {
        let stride = n.div_ceil(MAX_LABEL_CANDIDATES).max(1);
        let spread =
            |p: &[f64; 3]| p[0] * p[0] + p[1] * p[1] + if three { p[2] * p[2] } else { 0.0 };
        let mut rest: Vec<usize> = (0..n).step_by(stride).filter(|&i| !seen[i]).collect();
        rest.sort_by(|&a, &b| spread(&points[b]).total_cmp(&spread(&points[a])));
        out.extend(rest.into_iter().map(|i| (i, false)));
    }
    out
}

/// The 2D scatter. Returns the point clicked, if any.
#[allow(clippy::too_many_arguments)]
fn plot_2d(
    ui: &mut Ui,
    ds: &Dataset,
    proj: &Projection,
    (names, color): (Option<&LabelColumn>, Option<&LabelColumn>),
    marks: &Marks,
    look: Look,
    labels: bool,
    raster: &RasterScatter,
) -> Option<usize> {
    let n = proj.points.len();
    // Above RASTER_POINTS the points are one image; below, a series per colour.
    let series = (n <= RASTER_POINTS)
        .then(|| Series::by_label(color, proj.rows.iter().enumerate().map(|(i, &r)| (i, r))));
    let c = proj.key.components;
    let radius = point_radius(n);
    let dimmed = marks.matches.is_some() || marks.selected.is_some();
    let series_ref = series.as_ref();
    let hover = move |pos: &HoverPosition<'_>| -> Option<String> {
        let i = match series_ref {
            Some(series) => series.hovered(pos)?,
            None => RasterScatter::hovered(pos)?,
        };
        Some(point_details(ds, proj, names, i))
    };
    let response = Plot::new("embeddings-2d")
        .x_axis_label(format!(
            "PC{} ({:.1}% of the variance)",
            c[0],
            100.0 * proj.ratios[0]
        ))
        .custom_y_axes(super::sparse_y_axis(format!(
            "PC{} ({:.1}%)",
            c[1],
            100.0 * proj.ratios[1]
        )))
        .label_formatter(hover)
        .data_aspect(1.0)
        // No crosshair; show_x/show_y stay on: egui_plot 0.38 calls the
        // label formatter (the hover text) only with one of them.
        .show_crosshair(false)
        // The axes' numbers mean little here; grid lines would only crowd the names.
        .show_grid(false)
        .show(ui, |plot_ui| {
            let xy = |i: usize| {
                let p = proj.points[i];
                [p[0], p[1]]
            };
            let Some(series) = &series else {
                let mut h = key_hasher();
                (&proj.key, color.map(|l| &l.name)).hash(&mut h);
                let rows = &proj.rows;
                raster.show(
                    plot_ui,
                    h.finish(),
                    n,
                    &[],
                    color.is_some(),
                    dimmed,
                    look.dark,
                    RASTER_RADIUS,
                    move |i| {
                        let p = proj.points[i];
                        [p[0], p[1]]
                    },
                    move |i| {
                        color.map_or(0, |l| l.codes.get(rows[i]).copied().unwrap_or(0) as usize)
                    },
                );
                highlights_2d(plot_ui, proj, marks, look, radius);
                return;
            };
            for (k, members) in series.members.iter().enumerate() {
                let base_color = if color.is_some() {
                    category_color(k)
                } else {
                    neutral_point_color(look.dark)
                };
                let fill = if dimmed {
                    base_color.gamma_multiply(FADED)
                } else {
                    base_color
                };
                plot_ui.points(
                    Points::new(
                        series.names[k].clone(),
                        members.iter().map(|&i| xy(i)).collect::<Vec<_>>(),
                    )
                    .color(fill)
                    .shape(if color.is_some() {
                        marker_shape(k)
                    } else {
                        MarkerShape::Circle
                    })
                    .radius(radius)
                    .filled(true),
                );
            }
            highlights_2d(plot_ui, proj, marks, look, radius);
        });
    let frame = *response.transform.frame();
    let screen = |i: usize| {
        let p = proj.points[i];
        response
            .transform
            .position_from_point(&PlotPoint::new(p[0], p[1]))
    };
    let legend = color.and_then(|column| paint_legend(ui, frame, column, look, series.is_some()));
    if labels {
        let mut candidates: Vec<(Pos2, String, bool)> = label_order(&proj.points, false, marks)
            .into_iter()
            .map(|(i, strong)| (screen(i), name_of(names, proj.rows[i]), strong))
            .collect();
        if let Some((abc, target, _)) = &marks.analogy
            && abc.iter().all(Option::is_some)
        {
            let t = response
                .transform
                .position_from_point(&PlotPoint::new(target[0], target[1]));
            candidates.insert(0, (t, "a − b + c".to_owned(), true));
        }
        let all: Vec<Pos2> = (0..n).step_by(obstacle_stride(n)).map(screen).collect();
        let keep_clear: Vec<Rect> = legend.into_iter().collect();
        draw_names(ui, frame, &candidates, &all, &keep_clear, look);
    }
    let resp = response.response;
    if resp.clicked() {
        let pointer = resp.interact_pointer_pos()?;
        return nearest(n, pointer, 10.0, screen);
    }
    None
}

/// What is drawn over the 2D points: search matches ringed, lines from the
/// selection to its neighbours, and the analogy's arrows.
fn highlights_2d(
    plot_ui: &mut egui_plot::PlotUi<'_>,
    proj: &Projection,
    marks: &Marks,
    look: Look,
    radius: f32,
) {
    let xy = |i: usize| {
        let p = proj.points[i];
        [p[0], p[1]]
    };
    // Search matches: full colour again, ringed.
    if let Some(m) = &marks.matches {
        let ring: Vec<[f64; 2]> = m.iter().map(|&i| xy(i)).collect();
        plot_ui.points(
            Points::new("", ring)
                .color(look.text)
                .radius(radius + 2.5)
                .filled(false)
                .allow_hover(false),
        );
    }
    // Lines from the selection to its neighbours.
    if let Some(sel) = marks.selected {
        for &nb in &marks.neighbors {
            plot_ui.line(
                Line::new("", vec![xy(sel), xy(nb)])
                    .color(look.text.gamma_multiply(0.45))
                    .width(1.2)
                    .allow_hover(false),
            );
        }
        let nbs: Vec<[f64; 2]> = marks.neighbors.iter().map(|&i| xy(i)).collect();
        plot_ui.points(
            Points::new("", nbs)
                .color(look.text)
                .radius(radius + 2.0)
                .filled(false)
                .allow_hover(false),
        );
        plot_ui.points(
            Points::new("", vec![xy(sel)])
                .color(look.text)
                .radius(radius + 4.0)
                .filled(false)
                .allow_hover(false),
        );
    }
    // The analogy: b → a, carried over to c → a − b + c.
    if let Some((abc, target, best)) = &marks.analogy
        && let [Some(a), Some(b), Some(c)] = *abc
    {
        let t = [target[0], target[1]];
        plot_ui.arrows(
            Arrows::new("", vec![xy(b), xy(c)], vec![xy(a), t])
                .color(ANALOGY_COLOR)
                .tip_length(12.0)
                .allow_hover(false),
        );
        plot_ui.points(
            Points::new("", vec![t])
                .shape(MarkerShape::Asterisk)
                .color(ANALOGY_COLOR)
                .radius(7.0)
                .allow_hover(false),
        );
        if let Some(d) = best {
            plot_ui.line(
                Line::new("", vec![t, xy(*d)])
                    .color(ANALOGY_COLOR)
                    .style(LineStyle::dashed_dense())
                    .allow_hover(false),
            );
        }
    }
}

/// The 3D view. Returns the point clicked, if any.
#[allow(clippy::too_many_arguments)]
fn plot_3d(
    ui: &mut Ui,
    ds: &Dataset,
    proj: &Projection,
    (names, color): (Option<&LabelColumn>, Option<&LabelColumn>),
    marks: &Marks,
    look: Look,
    labels: bool,
    (camera, home): (&mut CameraSettings, CameraSettings),
    raster: &mut PointRaster,
) -> Option<usize> {
    let n = proj.points.len();
    let c = proj.key.components;
    let axis_names = [
        format!("PC{}", c[0]),
        format!("PC{}", c[1]),
        format!("PC{}", c[2]),
    ];
    let world = |p: [f64; 3]| -> [f32; 3] {
        [
            (p[0] / proj.radius) as f32,
            (p[1] / proj.radius) as f32,
            (p[2] / proj.radius) as f32,
        ]
    };
    let radius = point_radius(n);
    let dimmed = marks.matches.is_some() || marks.selected.is_some();
    let mut screen: Vec<Option<Pos2>> = vec![None; n];
    let mut target_screen: Option<Pos2> = None;
    let pointer = ui.ctx().pointer_hover_pos();
    let avail = ui.available_size();
    // Above RASTER_POINTS the points are one image, redrawn when what it
    // shows changes; only a sample and the highlighted points are placed.
    let big = n > RASTER_POINTS;
    let ctx = ui.ctx().clone();
    let background = ui.visuals().extreme_bg_color;
    let mut h = key_hasher();
    (
        &proj.key,
        color.map(|l| &l.name),
        dimmed,
        look.dark,
        background,
    )
        .hash(&mut h);
    let data_key = h.finish();
    let mut h = key_hasher();
    hash_camera(&mut h, camera);
    let camera_key = h.finish();
    let mut projector = None;
    let mut raster_hover = None;
    let response = OrbitView::new("embeddings-orbit", camera, home)
        .axis_names([&axis_names[0], &axis_names[1], &axis_names[2]])
        .show(ui, avail, |scene| {
            let place = scene.proj;
            projector = Some(place);
            if big {
                let color_of = |i: usize| {
                    let c = color.map_or(neutral_point_color(look.dark), |l| {
                        category_color(l.codes.get(proj.rows[i]).copied().unwrap_or(0) as usize)
                    });
                    if dimmed { faded(c, background) } else { c }
                };
                raster.prepare(data_key, n, |i| Some(proj.points[i]), color_of);
                let rect = place.rect();
                let ppp = ctx.pixels_per_point();
                raster.update(
                    &ctx,
                    camera_key ^ hash_rect(rect, ppp),
                    rect,
                    ppp,
                    RASTER_RADIUS,
                    |p| place.project(world(p)).map(|q| q.pos),
                );
                if let Some(shape) = raster.shape() {
                    scene.underlay(shape);
                }
                if let Some(ptr) = pointer.filter(|p| rect.contains(*p))
                    && !raster.redrawn_now(&ctx)
                {
                    raster_hover = raster.nearest(ptr, 8.0).map(|(i, _)| i);
                }
                for i in (0..n).step_by(obstacle_stride(n)) {
                    screen[i] = place.project(world(proj.points[i])).map(|q| q.pos);
                }
            }
            for (i, &row) in proj.rows.iter().enumerate().filter(|_| !big) {
                let (fill, shape) = match color {
                    Some(l) => {
                        let k = l.codes.get(row).copied().unwrap_or(0) as usize;
                        (category_color(k), marker_shape(k))
                    }
                    None => (neutral_point_color(look.dark), MarkerShape::Circle),
                };
                let fill = if dimmed {
                    fill.gamma_multiply(0.35)
                } else {
                    fill
                };
                screen[i] = scene.shape_at(world(proj.points[i]), |pos| {
                    marker(pos, shape, radius, fill, Stroke::NONE)
                });
            }
            if let Some(m) = &marks.matches {
                for &i in m {
                    scene.point_outlined(
                        world(proj.points[i]),
                        radius + 2.5,
                        Color32::TRANSPARENT,
                        Stroke::new(1.2, look.text),
                    );
                }
            }
            if let Some(sel) = marks.selected {
                let p = world(proj.points[sel]);
                for &nb in &marks.neighbors {
                    scene.line(
                        p,
                        world(proj.points[nb]),
                        Stroke::new(1.2, look.text.gamma_multiply(0.45)),
                    );
                    scene.point_outlined(
                        world(proj.points[nb]),
                        radius + 2.0,
                        Color32::TRANSPARENT,
                        Stroke::new(1.2, look.text),
                    );
                }
                scene.point_outlined(
                    p,
                    radius + 4.0,
                    Color32::TRANSPARENT,
                    Stroke::new(2.0, look.text),
                );
            }
            if let Some((abc, target, best)) = &marks.analogy
                && let [Some(a), Some(b), Some(c)] = *abc
            {
                let t = world(*target);
                scene.arrow(
                    world(proj.points[b]),
                    world(proj.points[a]),
                    2.0,
                    ANALOGY_COLOR,
                    None,
                );
                scene.arrow(world(proj.points[c]), t, 2.0, ANALOGY_COLOR, None);
                target_screen = scene.point(t, 4.0, ANALOGY_COLOR);
                if let Some(d) = best {
                    scene.dashed(t, world(proj.points[*d]), Stroke::new(1.5, ANALOGY_COLOR));
                }
            }
        });
    let rect = response.rect;
    let legend = color
        .and_then(|column| paint_legend(ui, rect.shrink2(vec2(0.0, 24.0)), column, look, !big));
    if labels {
        let at = |i: usize| {
            screen[i].or_else(|| {
                projector
                    .filter(|_| big)?
                    .project(world(proj.points[i]))
                    .map(|q| q.pos)
            })
        };
        let mut candidates: Vec<(Pos2, String, bool)> = label_order(&proj.points, true, marks)
            .into_iter()
            .filter_map(|(i, strong)| Some((at(i)?, name_of(names, proj.rows[i]), strong)))
            .collect();
        if let Some(t) = target_screen {
            candidates.insert(0, (t, "a − b + c".to_owned(), true));
        }
        let all: Vec<Pos2> = screen.iter().flatten().copied().collect();
        let keep_clear: Vec<Rect> = legend.into_iter().collect();
        draw_names(ui, rect.shrink(2.0), &candidates, &all, &keep_clear, look);
    }
    let hovered = if big {
        raster_hover
    } else {
        pointer.and_then(|p| nearest(n, p, 8.0, |i| screen[i].unwrap_or(pos2(f32::NAN, f32::NAN))))
    };
    if let Some(i) = hovered
        && response.hovered()
    {
        response
            .clone()
            .on_hover_text_at_pointer(point_details(ds, proj, names, i));
    }
    if response.clicked() {
        let pointer = response.interact_pointer_pos()?;
        if big {
            return raster.nearest(pointer, 10.0).map(|(i, _)| i);
        }
        return nearest(n, pointer, 10.0, |i| {
            screen[i].unwrap_or(pos2(f32::NAN, f32::NAN))
        });
    }
    None
}

/// The point nearest `pointer` on screen, within `within` points.
fn nearest(n: usize, pointer: Pos2, within: f32, screen: impl Fn(usize) -> Pos2) -> Option<usize> {
    let mut best: Option<(f32, usize)> = None;
    for i in 0..n {
        let d = screen(i).distance(pointer);
        if d < within && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, i));
        }
    }
    best.map(|(_, i)| i)
}

/// Every how many points one keeps names off itself (see [`MAX_NAME_OBSTACLES`]).
fn obstacle_stride(n: usize) -> usize {
    n.div_ceil(MAX_NAME_OBSTACLES).max(1)
}

fn point_radius(n: usize) -> f32 {
    if n <= 2_000 {
        4.0
    } else if n <= 20_000 {
        2.5
    } else {
        1.3
    }
}

/// Hover text for point `i` of the projection.
fn point_details(ds: &Dataset, proj: &Projection, names: Option<&LabelColumn>, i: usize) -> String {
    let row = proj.rows[i];
    let mut text = name_of(names, row);
    for l in &ds.labels {
        if names.is_some_and(|n| std::ptr::eq(n, l)) {
            continue;
        }
        let _ = write!(text, "\n{} = {}", l.name, l.get(row));
    }
    let c = proj.key.components;
    for (c, x) in c.iter().zip(proj.points[i]) {
        let _ = write!(text, "\nPC{c} = {}", fmt_num(x, 4));
    }
    let _ = write!(text, "\nrow {row} · click to select");
    text
}

fn metric_help(m: Metric) -> &'static str {
    match m {
        Metric::Cosine => {
            "cos θ = x·q / (‖x‖ ‖q‖): the angle between the vectors only; higher is nearer"
        }
        Metric::Euclidean => "‖x − q‖: the straight-line distance; lower is nearer",
        Metric::Dot => "x·q = ‖x‖ ‖q‖ cos θ: long vectors score higher; higher is nearer",
    }
}

/// A score with sensible precision.
fn fmt_score(x: f64) -> String {
    format!("{x:.3}").replace('-', "−")
}

/// Whether every vector has length 1 (to 0.5%): then the three metrics rank alike.
fn unit_length(index: &VectorIndex) -> bool {
    (0..index.len()).all(|i| (index.norm(i) - 1.0).abs() < 5e-3)
}

/// The scores of vector `x` on components `comps` (0-based) of `pca`.
fn project(pca: &Pca, x: &[f32], comps: [usize; 3]) -> [f64; 3] {
    let d = pca.n_features();
    comps.map(|c| {
        if c >= pca.components.nrows() {
            return 0.0;
        }
        (0..d)
            .map(|j| {
                let z = (f64::from(x.get(j).copied().unwrap_or(0.0)) - pca.mean[j]) / pca.scale[j];
                z * pca.components[(c, j)]
            })
            .sum()
    })
}

/// The dimensions used: the chosen ones, or every numeric column.
/// Keeps the chosen components distinct, the `shown` ones (two in 2D, three
/// in 3D) within the `d` dimensions the data has: a shown component out of
/// range or repeated becomes the lowest one unused among the shown, and a
/// hidden one (the third, in 2D) any other unused.
fn fit_components(components: &mut [usize], d: usize, shown: usize) {
    let shown = shown.min(components.len());
    let limit = d.max(shown);
    for i in 0..shown {
        let c = components[i];
        if c < 1 || c > limit || components[..i].contains(&c) {
            components[i] = 0;
        }
    }
    for i in 0..shown {
        if components[i] == 0 {
            let used = &components[..shown];
            components[i] = (1..=limit).find(|x| !used.contains(x)).unwrap_or(1);
        }
    }
    for i in shown..components.len() {
        if components[..i].contains(&components[i]) || components[i] < 1 {
            let used = &components[..i];
            components[i] = (1..=limit + components.len())
                .find(|x| !used.contains(x))
                .unwrap_or(1);
        }
    }
}

fn effective_dims(s: &EmbeddingsSettings, ds: &Dataset) -> Vec<String> {
    if s.dims.len() >= 2 && s.dims.iter().all(|c| ds.column(c).is_some()) {
        s.dims.clone()
    } else {
        ds.columns.iter().map(|c| c.name.clone()).collect()
    }
}

/// The label column naming points: the chosen one, or the first.
fn name_column<'a>(s: &EmbeddingsSettings, ds: &'a Dataset) -> Option<&'a LabelColumn> {
    match s.name.as_deref() {
        Some(name) => ds.label(name),
        None => ds.labels.first(),
    }
}

/// The label column colouring points: the chosen one, or the first with
/// 2..=MAX_COLOR_CATEGORIES distinct values.
fn color_column<'a>(s: &EmbeddingsSettings, ds: &'a Dataset) -> Option<&'a LabelColumn> {
    match s.color.as_deref() {
        Some("") => None,
        Some(name) => ds.label(name),
        None => ds
            .labels
            .iter()
            .find(|l| (2..=MAX_COLOR_CATEGORIES).contains(&l.categories.len())),
    }
}

/// A row's name: its label in the name column, or `#row` without one.
fn name_of(names: Option<&LabelColumn>, row: usize) -> String {
    match names {
        Some(l) => l.get(row).to_owned(),
        None => format!("#{row}"),
    }
}

/// What to do about points without names (they are `#row`): where the
/// loader looks for them beside the file they came from.
fn no_names_hint(ds: &Dataset) -> String {
    let file = ds
        .source
        .as_deref()
        .and_then(|p| p.file_name())
        .map(|f| f.to_string_lossy().into_owned());
    match file {
        Some(f) if f.to_ascii_lowercase().ends_with(".npy") => {
            let stem = f.get(..f.len() - 4).unwrap_or_default();
            format!(
                "The points have no names, only #row numbers. To name them, put {stem}.labels.txt \
                 (one name per line, in row order) beside {f} and open it again."
            )
        }
        Some(f) if f.to_ascii_lowercase().contains("vectors") => format!(
            "The points have no names, only #row numbers. To name them, put the Projector's \
             metadata file beside {f} (vectors → metadata in its name) and open it again."
        ),
        _ => "The points have no names, only #row numbers: a label column names them.".to_owned(),
    }
}

/// The first row named `word` (or `#row` without a name column).
fn find_row(ds: &Dataset, names: Option<&LabelColumn>, word: &str) -> Option<usize> {
    match names {
        Some(l) => {
            let code = l.categories.iter().position(|c| c == word)?;
            let code = u32::try_from(code).ok()?;
            l.codes.iter().position(|&c| c == code)
        }
        None => word
            .strip_prefix('#')
            .and_then(|r| r.parse::<usize>().ok())
            .filter(|&r| r < ds.n_rows),
    }
}

/// Rows whose name contains `query` (case-insensitive), or matches it as a
/// regular expression.
fn search(
    ds: &Dataset,
    names: Option<&LabelColumn>,
    query: &str,
    regex: bool,
) -> Result<Matches, String> {
    let matcher: Box<dyn Fn(&str) -> bool> = if regex {
        let re = regex::RegexBuilder::new(query)
            .case_insensitive(true)
            .size_limit(1 << 22)
            .build()
            .map_err(|e| {
                let first = e.to_string();
                format!(
                    "not a valid regular expression: {}",
                    first.lines().last().unwrap_or(&first).trim()
                )
            })?;
        Box::new(move |s: &str| re.is_match(s))
    } else {
        let q = query.to_lowercase();
        Box::new(move |s: &str| s.to_lowercase().contains(&q))
    };
    let mut rows = Vec::new();
    match names {
        Some(l) => {
            // Match each distinct name once.
            let hit: Vec<bool> = l.categories.iter().map(|c| matcher(c)).collect();
            for (r, &code) in l.codes.iter().enumerate() {
                if hit.get(code as usize).copied().unwrap_or(false) {
                    rows.push(r);
                }
            }
        }
        None => {
            for r in 0..ds.n_rows {
                if matcher(&format!("#{r}")) {
                    rows.push(r);
                }
            }
        }
    }
    Ok(Matches { rows })
}

/// The match Enter selects: one named exactly so (ignoring case), else the first.
fn best_match(names: Option<&LabelColumn>, query: &str, rows: &[usize]) -> Option<usize> {
    let q = query.trim();
    rows.iter()
        .copied()
        .find(|&r| name_of(names, r).eq_ignore_ascii_case(q))
        .or_else(|| rows.first().copied())
}

/// The index over the chosen dimensions, and PCA of every row.
fn compute_base(ds: &Dataset, dims: &[String]) -> Result<Base, String> {
    let columns: Vec<&[f64]> = dims
        .iter()
        .map(|c| {
            ds.column(c)
                .map(|c| c.values.as_slice())
                .ok_or_else(|| format!("no column {c:?}"))
        })
        .collect::<Result<_, _>>()?;
    if columns.len() < 2 {
        return Err("embeddings need at least two numeric columns".to_owned());
    }
    let index = VectorIndex::from_columns(&columns).map_err(|e| e.to_string())?;
    let pca = Pca::fit(&columns, dims, &PcaOptions::default()).map_err(|e| e.to_string());
    Ok(Base { index, pca })
}

/// A factorization's movie (item) factors as an embedding: one row per movie,
/// the k factors as columns `f1..fk`, and the title, first genre and all
/// genres as labels (so the Embeddings view can name and colour them).
#[must_use]
pub fn item_embeddings(r: &Ratings, model: &Model, epoch: usize) -> Dataset {
    let k = model.rank();
    let n = r.n_items();
    let columns = (0..k)
        .map(|f| NumericColumn {
            // As every embedding names its dimensions (and as the Projector
            // file a saved scene writes them to reads back).
            name: crate::data::dim_name(f),
            values: (0..n)
                .map(|i| model.item_factors(i).get(f).copied().unwrap_or(f64::NAN))
                .collect(),
        })
        .collect();
    let mut title = LabelBuilder::new("title");
    let mut genre = LabelBuilder::new("genre");
    let mut genres = LabelBuilder::new("genres");
    for (i, item) in r.items.iter().enumerate() {
        title.push(r.item_name(i as u32));
        genre.push(item.genres.first().map_or("(none)", String::as_str));
        genres.push(&item.genres.join("|"));
    }
    Dataset {
        name: format!("{} movie factors (k = {k}, epoch {epoch})", r.name),
        source: None,
        n_rows: n,
        columns,
        labels: vec![title.finish(), genre.finish(), genres.finish()],
    }
}

/// A label column being filled, distinct values in order of first appearance.
struct LabelBuilder {
    column: LabelColumn,
    index: std::collections::HashMap<String, u32>,
}

impl LabelBuilder {
    fn new(name: &str) -> Self {
        Self {
            column: LabelColumn {
                name: name.to_owned(),
                categories: Vec::new(),
                codes: Vec::new(),
            },
            index: std::collections::HashMap::new(),
        }
    }

    fn push(&mut self, value: &str) {
        let code = if let Some(&c) = self.index.get(value) {
            c
        } else {
            let c = u32::try_from(self.column.categories.len()).unwrap_or(u32::MAX);
            self.index.insert(value.to_owned(), c);
            self.column.categories.push(value.to_owned());
            c
        };
        self.column.codes.push(code);
    }

    fn finish(self) -> LabelColumn {
        self.column
    }
}

#[cfg(test)]
mod tests {
    use super::fit_components;

    fn fitted(mut c: Vec<usize>, d: usize, shown: usize) -> Vec<usize> {
        fit_components(&mut c, d, shown);
        c
    }

    /// Found by the UI monkey: PC3 on a dataset of two dimensions was clamped
    /// to PC2 beside another PC2, and the saved scene would not load.
    #[test]
    fn components_stay_distinct_when_the_data_has_fewer_dimensions() {
        // 2D on two dimensions: the hidden third may lie beyond them.
        assert_eq!(fitted(vec![1, 2, 3], 2, 2), vec![1, 2, 3]);
        assert_eq!(fitted(vec![3, 1, 2], 2, 2), vec![2, 1, 3]);
        assert_eq!(fitted(vec![1, 2, 5], 3, 3), vec![1, 2, 3]);
        assert_eq!(fitted(vec![4, 5], 3, 2), vec![1, 2]);
        assert_eq!(fitted(vec![2, 9, 1], 384, 3), vec![2, 9, 1]);
        assert_eq!(fitted(vec![3, 3, 0], 10, 3), vec![3, 1, 2]);
        assert_eq!(fitted(vec![7, 1], 3, 2), vec![2, 1]);
    }
}
