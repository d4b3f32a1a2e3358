//! The scores scatter's projection switch PCA | t-SNE | UMAP: the table the
//! map is computed from (the analysed columns of the rows the fit used,
//! centred and, when the fit standardizes, scaled: z = (x − μ) / s, the
//! very values PCA rotates), and the [`Projector`] that runs the map on it
//! and measures what it keeps beside PCA.

use std::hash::{Hash as _, Hasher as _};
use std::sync::Arc;

use super::fit::FitKey;
use crate::app::views::projector::kept::{KEPT_K, neighbour_fate};
use crate::app::views::projector::{MapFrame, MapSource, Projector};
use crate::data::{Dataset, LabelColumn, NumericColumn};
use crate::math::pca::PreparedFit;
use crate::math::similarity::projection::{EmbeddingError, EmbeddingSpace};
use crate::scene::{ProjectionMethod, ProjectionSettings};

/// What a map of the scores is computed from, for one fit.
pub(super) struct MapInput {
    /// The fit it was made from.
    key: FitKey,
    /// A number unique to the fit's key (the map's `data_id`).
    id: u64,
    /// The used rows' z values, one column per analysed column, and the
    /// table's label columns restricted to those rows (row i is the fit's
    /// `selection.rows[i]`, as the scores' row i).
    data: Arc<Dataset>,
    /// The same values indexed for neighbours, with PCA of them (the
    /// comparison); or why they cannot be.
    space: Result<Arc<EmbeddingSpace>, EmbeddingError>,
}

/// A hovered point's neighbours: (map generation, row, each neighbour and
/// whether the map kept it).
type Fate = (u64, usize, Vec<(usize, bool)>);

/// The map of the scores: the input it was made from and the projector.
#[derive(Default)]
pub(super) struct ScoresMap {
    input: Option<MapInput>,
    pub projector: Projector,
    /// The point under the pointer in the last frame (set while drawing).
    pub hovered: std::cell::Cell<Option<usize>>,
    /// Its nearest neighbours in the original space and whether the map
    /// kept each: (map generation, row, fate).
    fate: Option<Fate>,
    /// The scores plot's transform in the last frame.
    pub transform: Option<egui_plot::PlotTransform>,
}

impl ScoresMap {
    /// Starts, restarts or polls the map `s` asks for on `fit` (of `key`,
    /// of `ds`). With PCA chosen nothing is built or run.
    pub fn update(
        &mut self,
        ctx: &egui::Context,
        s: &mut ProjectionSettings,
        ds: &Dataset,
        fit: &PreparedFit,
        key: &FitKey,
        blocking: bool,
    ) {
        if s.method == ProjectionMethod::Pca {
            return;
        }
        if self.input.as_ref().is_none_or(|i| i.key != *key) {
            self.input = Some(map_input(ds, fit, key));
        }
        let Some(input) = &self.input else { return };
        let Ok(space) = &input.space else { return };
        self.projector.update(
            ctx,
            s,
            &MapSource {
                data: &input.data,
                data_id: input.id,
                dims: &space.dims,
                space,
                map_dims: 2,
                blocking,
            },
        );
    }

    /// The neighbours of the point hovered in the last frame, each with
    /// whether the map kept it near (computed once per point and map frame);
    /// `None` without a map or a hovered point.
    pub fn fate(
        &mut self,
        s: &ProjectionSettings,
        key: &FitKey,
    ) -> Option<(usize, &[(usize, bool)])> {
        let row = self.hovered.take();
        let (Some(row), Some(frame)) = (row, self.frame(s, key)) else {
            self.fate = None;
            return None;
        };
        let generation = frame.generation;
        let stale = self
            .fate
            .as_ref()
            .is_none_or(|(g, r, _)| *g != generation || *r != row);
        if stale {
            let input = self.input.as_ref()?;
            let space = input.space.as_ref().ok()?;
            let frame = self.projector.frame()?;
            let n = input.data.n_rows;
            let list = neighbour_fate(&space.index, |r| frame.point(r), n, row, KEPT_K);
            self.fate = Some((generation, row, list));
        }
        self.fate.as_ref().map(|(_, r, l)| (*r, l.as_slice()))
    }

    /// The fate lines drawn now: (row, its neighbours, kept or not).
    pub fn shown_fate(&self) -> Option<(usize, &[(usize, bool)])> {
        self.fate.as_ref().map(|(_, r, l)| (*r, l.as_slice()))
    }

    /// Why no map can be made of these columns.
    pub fn input_error(&self) -> Option<String> {
        let input = self.input.as_ref()?;
        input.space.as_ref().err().map(ToString::to_string)
    }

    /// The map to draw: `s` asks for one, it is of `key` and has positions.
    pub fn frame(&self, s: &ProjectionSettings, key: &FitKey) -> Option<&MapFrame> {
        if s.method == ProjectionMethod::Pca || self.input.as_ref().is_none_or(|i| i.key != *key) {
            return None;
        }
        self.projector.frame()
    }

    /// The map's table (the used rows), to size the controls.
    pub fn data(&self) -> Option<&Arc<Dataset>> {
        self.input.as_ref().map(|i| &i.data)
    }
}

/// The used rows' z values of `fit`'s columns and the label columns.
fn map_input(ds: &Dataset, fit: &PreparedFit, key: &FitKey) -> MapInput {
    let pca = &fit.pca;
    let rows = &fit.selection.rows;
    let columns: Vec<NumericColumn> = pca
        .columns
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let x = ds.column(name).map_or(&[][..], |c| c.values.as_slice());
            let (mu, s) = (pca.mean[j], pca.scale[j]);
            NumericColumn {
                name: name.clone(),
                values: rows
                    .iter()
                    .map(|&r| x.get(r).map_or(f64::NAN, |v| (v - mu) / s))
                    .collect(),
            }
        })
        .collect();
    let labels = ds
        .labels
        .iter()
        .map(|l| LabelColumn {
            name: l.name.clone(),
            categories: l.categories.clone(),
            codes: rows
                .iter()
                .map(|&r| l.codes.get(r).copied().unwrap_or(0))
                .collect(),
        })
        .collect();
    let data = Dataset {
        name: ds.name.clone(),
        source: None,
        n_rows: rows.len(),
        columns,
        labels,
    };
    let space = EmbeddingSpace::from_dataset(&data, &pca.columns).map(Arc::new);
    let mut h = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut h);
    MapInput {
        key: key.clone(),
        id: h.finish(),
        data: Arc::new(data),
        space,
    }
}
