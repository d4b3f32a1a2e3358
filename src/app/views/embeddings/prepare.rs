//! What the view computes, and when: the index and PCA of every row (a
//! background job for large data), the projection drawn, and the queries
//! (neighbours, analogy, search), each cached on the inputs it depends on.
//! Every number comes from [`crate::math::similarity`].

use std::sync::Arc;

use super::lookup::{Matches, effective_dims, find_row, name_column, search};
use super::{BACKGROUND_CELLS, EmbeddingsView, named};
use crate::app::DatasetHandle;
use crate::app::job::{Latest, Waker};
use crate::data::{Dataset, LabelColumn};
use crate::math::pca::PcaError;
use crate::math::similarity::projection::{
    EmbeddingError, EmbeddingSpace, Projection, ProjectionSpec,
};
use crate::math::similarity::{Metric, Neighbor};
use crate::scene::{EmbeddingsMode, EmbeddingsSettings, ProjectionMethod};

/// What the index and the PCA of all rows depend on.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct SpaceKey {
    pub dataset_id: u64,
    pub dims: Vec<String>,
}

/// The index and PCA of all rows: the newest, and the job computing the next.
pub(super) type SpaceJob = Latest<SpaceKey, Arc<EmbeddingSpace>, EmbeddingError>;

/// What a projection depends on.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct ProjectionKey {
    pub space: SpaceKey,
    pub spec: ProjectionSpec,
    /// The t-SNE or UMAP map placing the points (its method and frame
    /// generation); `None`: PCA.
    pub map: Option<(ProjectionMethod, u64)>,
}

/// The projection drawn, prepared once per change of its inputs.
pub(super) struct Prepared {
    pub key: ProjectionKey,
    pub proj: Projection,
    /// Where each dataset row is drawn (an index into `proj.rows`), if it is.
    slot: Vec<Option<usize>>,
}

impl Prepared {
    /// The point drawing dataset row `row`, if it is drawn.
    pub fn at(&self, row: usize) -> Option<usize> {
        self.slot.get(row).copied().flatten()
    }
}

/// A query's cached answer.
struct Cached<K, V> {
    key: K,
    value: V,
}

/// A neighbour list depends on the vectors, the row, k and the metric.
type NeighborsKey = (SpaceKey, usize, usize, Metric);
/// An analogy depends on the vectors, a, b, c, k and the metric.
type AnalogyKey = (SpaceKey, [usize; 3], usize, Metric);
/// A search depends on the dataset, the name column, the text and regex mode.
type MatchesKey = (u64, String, String, bool);

/// An analogy's answer with its input rows.
pub(super) struct Analogy {
    pub rows: [usize; 3],
    pub neighbors: Vec<Neighbor>,
}

/// The queries' answers, each with what it was computed for.
#[derive(Default)]
pub(super) struct Queries {
    neighbors: Option<Cached<NeighborsKey, Vec<Neighbor>>>,
    analogy: Option<Cached<AnalogyKey, Analogy>>,
    matches: Option<Cached<MatchesKey, Result<Matches, String>>>,
}

impl Queries {
    /// Recomputes whichever answer's inputs changed.
    pub fn update(
        &mut self,
        s: &EmbeddingsSettings,
        ds: &Dataset,
        id: u64,
        space: &EmbeddingSpace,
        space_key: &SpaceKey,
        selected: Option<usize>,
    ) {
        let names = name_column(s, ds);
        self.update_neighbors(s, space, space_key, selected);
        self.update_analogy(s, ds, names, space, space_key);
        self.update_matches(s, ds, names, id);
    }

    /// The selected row's neighbours (empty without a selection).
    pub fn neighbors(&self) -> &[Neighbor] {
        self.neighbors.as_ref().map_or(&[], |c| c.value.as_slice())
    }

    /// The analogy's answer, if there is one.
    pub fn analogy(&self) -> Option<&Analogy> {
        self.analogy.as_ref().map(|c| &c.value)
    }

    /// The search's matches (or why the search is not valid); `None` without one.
    pub fn matches(&self) -> Option<&Result<Matches, String>> {
        self.matches.as_ref().map(|c| &c.value)
    }

    /// How many rows the search matched.
    pub fn match_count(&self) -> usize {
        self.matches()
            .and_then(|m| m.as_ref().ok())
            .map_or(0, |m| m.rows.len())
    }

    /// The neighbours' names and scores.
    pub fn named_neighbors(&self, names: Option<&LabelColumn>) -> Vec<(String, f64)> {
        named(names, self.neighbors())
    }

    /// The analogy's answers' names and scores.
    pub fn named_analogy(&self, names: Option<&LabelColumn>) -> Vec<(String, f64)> {
        self.analogy()
            .map_or_else(Vec::new, |a| named(names, &a.neighbors))
    }

    fn update_neighbors(
        &mut self,
        s: &EmbeddingsSettings,
        space: &EmbeddingSpace,
        space_key: &SpaceKey,
        selected: Option<usize>,
    ) {
        let Some(row) = selected else {
            self.neighbors = None;
            return;
        };
        let key = (space_key.clone(), row, s.k, s.metric);
        if self.neighbors.as_ref().is_some_and(|c| c.key == key) {
            return;
        }
        let value = space
            .index
            .neighbors(row, s.k, s.metric)
            .unwrap_or_default();
        self.neighbors = Some(Cached { key, value });
    }

    fn update_analogy(
        &mut self,
        s: &EmbeddingsSettings,
        ds: &Dataset,
        names: Option<&LabelColumn>,
        space: &EmbeddingSpace,
        space_key: &SpaceKey,
    ) {
        let rows: Option<Vec<usize>> = s.analogy.iter().map(|w| find_row(ds, names, w)).collect();
        let Some(&[a, b, c]) = rows.as_deref() else {
            self.analogy = None;
            return;
        };
        let key = (space_key.clone(), [a, b, c], s.k, s.metric);
        if self.analogy.as_ref().is_some_and(|x| x.key == key) {
            return;
        }
        self.analogy = space
            .index
            .analogy(a, b, c, s.k, s.metric)
            .ok()
            .map(|r| Cached {
                key,
                value: Analogy {
                    rows: [a, b, c],
                    neighbors: r.neighbors,
                },
            });
    }

    fn update_matches(
        &mut self,
        s: &EmbeddingsSettings,
        ds: &Dataset,
        names: Option<&LabelColumn>,
        id: u64,
    ) {
        let query = s.search.trim().to_owned();
        if query.is_empty() {
            self.matches = None;
            return;
        }
        let key = (
            id,
            names.map(|l| l.name.clone()).unwrap_or_default(),
            query.clone(),
            s.regex,
        );
        if self.matches.as_ref().is_some_and(|m| m.key == key) {
            return;
        }
        let value = search(ds, names, &query, s.regex);
        self.matches = Some(Cached { key, value });
    }
}

impl EmbeddingsView {
    /// Starts or collects the index and PCA of the current dimensions: on
    /// this thread when blocking or small, else as a background job (the
    /// previous picture stays on screen until the new one is ready).
    pub(super) fn update_space(&mut self, ctx: &egui::Context, handle: &DatasetHandle) {
        let key = SpaceKey {
            dataset_id: handle.id,
            dims: effective_dims(&self.settings, &handle.data),
        };
        let cells = handle.data.n_rows * key.dims.len();
        let background = !self.blocking && cells > BACKGROUND_CELLS;
        let data = handle.data.clone();
        let dims = key.dims.clone();
        self.space
            .want(key, background, &Waker::new(ctx), move |_| {
                EmbeddingSpace::from_dataset(&data, &dims).map(Arc::new)
            });
    }

    /// Projects every row, or the isolated ones, when what is shown changes.
    pub(super) fn update_projection(
        &mut self,
        ds: &Dataset,
        space: &EmbeddingSpace,
        space_key: &SpaceKey,
        selected: Option<usize>,
    ) -> Result<(), PcaError> {
        let s = &self.settings;
        let isolated = match selected {
            Some(row) if s.isolate => {
                let mut rows = vec![row];
                rows.extend(self.queries.neighbors().iter().map(|n| n.index));
                Some(rows)
            }
            _ => None,
        };
        let c = &s.components;
        let key = ProjectionKey {
            space: space_key.clone(),
            spec: ProjectionSpec {
                isolated,
                components: [
                    c.first().copied().unwrap_or(1),
                    c.get(1).copied().unwrap_or(2),
                    c.get(2).copied().unwrap_or(3),
                ],
                three: s.mode == EmbeddingsMode::Space,
            },
            map: self
                .projector
                .frame()
                .filter(|_| s.projection.method != ProjectionMethod::Pca)
                .map(|f| (s.projection.method, f.generation)),
        };
        if self.prepared.as_ref().is_some_and(|p| p.key == key) {
            return Ok(());
        }
        // t-SNE or UMAP: the same rows where the map puts them.
        let proj = match self.projector.frame().filter(|_| key.map.is_some()) {
            Some(frame) => Projection::placed(space, &key.spec, |r| frame.point(r))?,
            None => Projection::compute(space, &key.spec)?,
        };
        let mut slot = vec![None; ds.n_rows];
        for (i, &r) in proj.rows.iter().enumerate() {
            if let Some(x) = slot.get_mut(r) {
                *x = Some(i);
            }
        }
        self.prepared = Some(Prepared { key, proj, slot });
        Ok(())
    }
}
