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
//! row-major f32 index, analogies) and its [`projection`] (PCA placement),
//! the functions `eigenlens neighbors` also calls. Prepare → draw:
//! [`prepare`] recomputes the index, the projection and the queries when
//! their inputs change (the index as a background [`Latest`] job for large
//! data); the drawing modules only transform the prepared points each frame.
//!
//! Files: [`prepare`] (what is computed and cached), [`toolbar`], [`side`]
//! (search and neighbours), [`analogy`], [`plot`] (what both plots share),
//! [`plot2d`], [`plot3d`], [`names`] (legend and names beside points),
//! [`lookup`] (columns, names, search), [`view_impl`] (the [`View`](super::view::View) contract).
//!
//! [`projection`]: crate::math::similarity::projection
//! [`Latest`]: crate::app::job::Latest

mod analogy;
mod lookup;
mod names;
mod plot;
mod plot2d;
mod plot3d;
mod prepare;
mod side;
mod toolbar;
mod view_impl;

use egui::{RichText, Ui, vec2};

use crate::app::DatasetHandle;
use crate::app::style::fmt_count;
use crate::app::views::RasterScatter;
use crate::app::views::projector::{MapSource, Projector};
use crate::app::widgets::PointRaster;
use crate::data::Dataset;
use crate::scene::{CameraSettings, EmbeddingsMode, EmbeddingsSettings, MAX_NEIGHBORS};

use lookup::{effective_dims, find_row, fit_components, name_column, name_of};
use prepare::{Prepared, Queries, SpaceJob};

/// A hovered point's neighbours on a map: (map generation, row, [(row, kept)]).
type Fate = (u64, usize, Vec<(usize, bool)>);

/// Indexing and fitting more cells than this (rows × dimensions) runs on a
/// background thread.
const BACKGROUND_CELLS: usize = 2_000_000;
/// Width of the side panel, in points.
const SIDE_WIDTH: f32 = 330.0;

/// The Embeddings view's state: its scene settings and caches.
pub struct EmbeddingsView {
    pub settings: EmbeddingsSettings,
    home_camera: CameraSettings,
    /// Compute on the UI thread whatever the size (headless rendering, tests).
    blocking: bool,
    /// The index and PCA of every row, kept until the next is complete.
    space: SpaceJob,
    /// The projection drawn, with what it was computed for.
    prepared: Option<Prepared>,
    /// Neighbours, analogy and search matches, each cached on its inputs.
    queries: Queries,
    /// The analogy panel's three text fields.
    analogy_input: [String; 3],
    /// Names and scores of the neighbours listed last frame (tests read them).
    shown_neighbors: Vec<(String, f64)>,
    /// The analogy's answers listed last frame.
    shown_analogy: Vec<(String, f64)>,
    /// A message for the user about the last frame (bad regex, no such name).
    note: Option<String>,
    /// More than [`RASTER_POINTS`](crate::app::widgets::RASTER_POINTS)
    /// points are drawn as one image.
    raster_2d: RasterScatter,
    raster_3d: PointRaster,
    /// t-SNE or UMAP in the background, and what each map keeps.
    projector: Projector,
    /// The hovered point's neighbours in the original space, each with
    /// whether the map kept it: (map generation, row, fate).
    fate: Option<Fate>,
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
            space: SpaceJob::default(),
            prepared: None,
            queries: Queries::default(),
            analogy_input,
            shown_neighbors: Vec::new(),
            shown_analogy: Vec::new(),
            note: None,
            raster_2d: RasterScatter::default(),
            raster_3d: PointRaster::default(),
            projector: Projector::default(),
            fate: None,
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

    /// Whether the vectors are indexed and projected and the kept-neighbour
    /// figures measured (background work done; a t-SNE or UMAP map may
    /// still be moving: see [`map_running`](Self::map_running)).
    #[must_use]
    pub fn is_ready(&self) -> bool {
        self.space.running().is_none() && self.prepared.is_some() && !self.projector.measuring()
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
        self.prepared
            .as_ref()
            .map(|p| (p.proj.rows.len(), p.proj.ratios))
    }

    /// The t-SNE or UMAP map's newest positions (`None` for PCA, or before
    /// the first arrive).
    #[must_use]
    pub fn map(&self) -> Option<&crate::app::views::projector::MapFrame> {
        self.projector.frame()
    }

    /// Iterations (t-SNE) or epochs (UMAP) the map runs in all.
    fn map_total(&self) -> usize {
        let s = &self.settings.projection;
        self.projector.frame().map_or(
            if s.method == crate::scene::ProjectionMethod::Umap {
                s.epochs.unwrap_or(500)
            } else {
                s.iterations
            },
            |f| f.total,
        )
    }

    /// Whether the t-SNE or UMAP map is still optimizing.
    #[must_use]
    pub fn map_running(&self) -> bool {
        self.projector.running()
    }

    /// The kept-neighbour share (k = 10) of the current map and of PCA's,
    /// once measured.
    #[must_use]
    pub fn kept(&self) -> (Option<f64>, Option<f64>) {
        let (map, pca) = self.projector.kept();
        (map.map(|q| q.kept), pca.map(|q| q.kept))
    }

    /// Where each drawn point is, in drawing order, with its dataset row.
    #[must_use]
    pub fn drawn(&self) -> Vec<(usize, [f64; 3])> {
        self.prepared.as_ref().map_or_else(Vec::new, |p| {
            p.proj
                .rows
                .iter()
                .copied()
                .zip(p.proj.points.iter().copied())
                .collect()
        })
    }

    /// The hovered point's neighbours on a map, each with whether the map
    /// kept it near: (row, [(neighbour row, kept)]).
    #[must_use]
    pub fn neighbour_fate(&self) -> Option<(usize, &[(usize, bool)])> {
        self.fate
            .as_ref()
            .map(|(_, row, list)| (*row, list.as_slice()))
    }

    /// How many rows the search matched last frame.
    #[must_use]
    pub fn match_count(&self) -> usize {
        self.queries.match_count()
    }

    /// The note shown last frame (a bad regular expression, an unknown name).
    #[must_use]
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// Draws the view for `handle`'s dataset.
    pub fn ui(&mut self, ui: &mut Ui, handle: &DatasetHandle) {
        let ds = handle.data.clone();
        self.adapt_to(&ds);
        self.update_space(ui.ctx(), handle);
        self.note = None;
        if super::controls_shown(ui) {
            self.toolbar(ui, &ds);
        }

        if self.space.running().is_some() {
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
        let Some((key, result)) = self.space.result() else {
            return;
        };
        if key.dataset_id != handle.id {
            return;
        }
        let space = match result {
            Ok(space) => space.clone(),
            Err(e) => {
                ui.label(
                    RichText::new(format!("The vectors cannot be used: {e}"))
                        .color(ui.visuals().error_fg_color),
                );
                return;
            }
        };
        let space_key = key.clone();
        let names = name_column(&self.settings, &ds);
        let map_dims = if self.settings.mode == EmbeddingsMode::Space {
            3
        } else {
            2
        };
        self.projector.update(
            ui.ctx(),
            &mut self.settings.projection,
            &MapSource {
                data: &ds,
                data_id: handle.id,
                dims: &space_key.dims,
                space: &space,
                map_dims,
                blocking: self.blocking,
            },
        );
        self.projector
            .controls_ui(ui, &mut self.settings.projection, &ds, ds.n_rows);
        if let Some(e) = self.projector.error() {
            ui.label(
                RichText::new(format!("The map cannot be computed: {e}"))
                    .color(ui.visuals().error_fg_color),
            );
        }

        // Queries, each cached until its inputs change; then the projection.
        let selected = self
            .settings
            .selected
            .as_deref()
            .and_then(|w| find_row(&ds, names, w));
        self.queries
            .update(&self.settings, &ds, handle.id, &space, &space_key, selected);
        if let Err(e) = self.update_projection(&ds, &space, &space_key, selected) {
            ui.label(
                RichText::new(format!("PCA cannot run: {e}")).color(ui.visuals().error_fg_color),
            );
            return;
        }
        self.shown_neighbors = self.queries.named_neighbors(names);
        self.shown_analogy = self.queries.named_analogy(names);

        let avail = ui.available_size();
        let plot_w = (avail.x - SIDE_WIDTH - 12.0).max(200.0);
        ui.horizontal_top(|ui| {
            ui.allocate_ui(vec2(plot_w, avail.y), |ui| {
                ui.vertical(|ui| self.plot_ui(ui, &ds, &space, selected));
            });
            ui.separator();
            ui.vertical(|ui| {
                ui.set_width(SIDE_WIDTH - 8.0);
                self.side_ui(ui, &ds, &space, selected);
            });
        });
    }
}

/// The names (see [`lookup::name_of`]) and scores of a list of neighbours.
fn named(
    names: Option<&crate::data::LabelColumn>,
    list: &[crate::math::similarity::Neighbor],
) -> Vec<(String, f64)> {
    list.iter()
        .map(|n| (name_of(names, n.index), n.score))
        .collect()
}
