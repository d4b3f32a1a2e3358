//! What a map keeps: the share of each point's 10 nearest neighbours (in
//! the original space, by Euclidean distance as t-SNE and UMAP measure it)
//! that are among its 10 nearest on the map, and trustworthiness, for the
//! current map and for PCA beside it; and, for one point, which of its
//! neighbours the map kept and which it lost.

use std::sync::Arc;

use crate::app::job::{Latest, Waker};
use crate::math::project::quality::{Quality, quality_sampled};
use crate::math::similarity::projection::{EmbeddingSpace, project};
use crate::math::similarity::{Metric, VectorIndex};

/// Neighbours compared (as `eigenlens project` and scikit-learn's default).
pub const KEPT_K: usize = 10;
/// Above this many points the figures are estimated from a seeded sample
/// of this many (each still ranked against every point).
pub const KEPT_SAMPLE: usize = 1_000;

/// Multiply-adds a measurement may take (n · d per sampled point): a
/// sample of [`KEPT_SAMPLE`] up to 100,000 × 300, fewer beyond, so that
/// 3,000,000 word vectors are measured in seconds, not minutes of both
/// cores (which a software renderer needs too).
pub const KEPT_WORK: usize = 30_000_000_000;

/// The smallest sample, however large the data.
pub const KEPT_MIN_SAMPLE: usize = 100;

/// The points sampled for `n` vectors of `d` dimensions.
#[must_use]
pub fn kept_sample(n: usize, d: usize) -> usize {
    (KEPT_WORK / n.saturating_mul(d).max(1)).clamp(KEPT_MIN_SAMPLE, KEPT_SAMPLE)
}

/// The quality of one map: a background job keyed on the map's generation.
pub type KeptJob = Latest<u64, Quality, String>;

/// Starts measuring the map `key` (its `positions`, row-major, `dims` per
/// point) against the vectors in `space`, unless it is measured, being
/// measured or was cancelled: only then are the positions made (called
/// every frame while a map holds still, this copies nothing).
pub fn measure(
    job: &mut KeptJob,
    key: u64,
    space: &Arc<EmbeddingSpace>,
    positions: impl FnOnce() -> Option<Vec<f64>>,
    dims: usize,
    blocking: bool,
    waker: &Waker,
) {
    if job.result_for(&key).is_some()
        || job.running().is_some_and(|j| *j.key() == key)
        || job.cancelled() == Some(&key)
    {
        return;
    }
    let Some(positions) = positions() else { return };
    let space = Arc::clone(space);
    job.want(key, !blocking, waker, move |_| {
        let sample = kept_sample(space.index.len(), space.index.dim());
        quality_sampled(&space.index, &positions, dims, KEPT_K, sample, 0)
            .map_err(|e| e.to_string())
    });
}

/// PCA's map of every row on its first `dims` components (the comparison).
#[must_use]
pub fn pca_positions(space: &EmbeddingSpace, dims: usize) -> Option<Vec<f64>> {
    let pca = space.pca.as_ref().ok()?;
    let mut out = Vec::with_capacity(space.index.len() * dims);
    for r in 0..space.index.len() {
        let p = project(pca, space.index.row(r), [0, 1, 2]);
        out.extend_from_slice(&p[..dims.min(3)]);
    }
    Some(out)
}

/// A neighbour the map kept near (bluish green, Okabe–Ito).
pub const KEPT_COLOR: egui::Color32 = egui::Color32::from_rgb(0x00, 0x9E, 0x73);
/// A neighbour the map moved away (vermillion, Okabe–Ito).
pub const LOST_COLOR: egui::Color32 = egui::Color32::from_rgb(0xE6, 0x4B, 0x00);

/// Lines from the hovered point `at` to its nearest neighbours in the
/// original space (`list`: each with whether the map kept it near): solid
/// if kept, dashed if lost; `xy` places a point on the plot.
pub fn fate_lines(
    plot_ui: &mut egui_plot::PlotUi<'_>,
    at: usize,
    list: &[(usize, bool)],
    xy: impl Fn(usize) -> [f64; 2],
) {
    for &(nb, kept) in list {
        let line = egui_plot::Line::new("", vec![xy(at), xy(nb)]).allow_hover(false);
        plot_ui.line(if kept {
            line.color(KEPT_COLOR).width(1.6)
        } else {
            line.color(LOST_COLOR)
                .width(1.4)
                .style(egui_plot::LineStyle::dashed_dense())
        });
    }
}

/// The measured quality of `generation`, if done.
#[must_use]
pub fn measured(job: &KeptJob, generation: u64) -> Option<&Quality> {
    job.result_for(&generation)?.as_ref().ok()
}

/// Row `row`'s `k` nearest neighbours in the original space (Euclidean),
/// each with whether it is also among the row's `k` nearest on the map.
#[must_use]
pub fn neighbour_fate(
    index: &VectorIndex,
    map: impl Fn(usize) -> [f64; 3],
    n: usize,
    row: usize,
    k: usize,
) -> Vec<(usize, bool)> {
    let original = index
        .neighbors(row, k, Metric::Euclidean)
        .unwrap_or_default();
    let on_map = map_neighbours(&map, n, row, k);
    original
        .iter()
        .map(|nb| (nb.index, on_map.contains(&nb.index)))
        .collect()
}

/// Row `row`'s `k` nearest other rows on the map (ties to the lower index).
fn map_neighbours(map: &impl Fn(usize) -> [f64; 3], n: usize, row: usize, k: usize) -> Vec<usize> {
    let p = map(row);
    let mut best: Vec<(f64, usize)> = Vec::with_capacity(k + 1);
    for j in (0..n).filter(|&j| j != row) {
        let q = map(j);
        let d = (p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2);
        if best.len() < k || best.last().is_some_and(|&(w, _)| d < w) {
            let at = best.partition_point(|&(w, _)| w <= d);
            best.insert(at, (d, j));
            best.truncate(k);
        }
    }
    best.into_iter().map(|(_, j)| j).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_that_swaps_far_and_near_loses_the_neighbours() {
        // Four points on a line; the map keeps 0's nearest (1) and puts 3
        // next to 0 instead of 2.
        let index = VectorIndex::from_rows(vec![0.0, 0.0, 1.0, 0.0, 2.0, 0.0, 9.0, 0.0], 2)
            .expect("finite rows");
        let map = [
            [0.0, 0.0, 0.0],
            [1.0, 0.0, 0.0],
            [9.0, 0.0, 0.0],
            [2.0, 0.0, 0.0],
        ];
        let fate = neighbour_fate(&index, |i| map[i], 4, 0, 2);
        assert_eq!(fate, vec![(1, true), (2, false)]);
    }

    #[test]
    fn the_sample_shrinks_with_the_work_of_each_point() {
        assert_eq!(kept_sample(100_000, 300), KEPT_SAMPLE);
        assert_eq!(kept_sample(1_000_000, 300), 100);
        assert_eq!(kept_sample(3_000_000, 300), KEPT_MIN_SAMPLE);
        assert_eq!(kept_sample(1_000_000, 50), 600);
    }
}
