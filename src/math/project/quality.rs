//! What a map keeps of each point's neighbourhood.
//!
//! - Trustworthiness (Venna & Kaski), as `sklearn.manifold.trustworthiness`
//!   computes it: T(k) = 1 − 2 / (n k (2n − 3k − 1)) · Σᵢ Σ_{j ∈ Uₖ(i)} (r(i, j) − k),
//!   where Uₖ(i) are the points among i's k nearest on the map that are not
//!   among its k nearest in the original space, and r(i, j) is j's rank among
//!   i's neighbours in the original space (1 = nearest). 1 means no point on
//!   the map has a neighbour that is not one in the data.
//! - Kept neighbours: the mean share of each point's k nearest neighbours in
//!   the original space that are among its k nearest on the map.
//!
//! Both need, for every point, its rank order in the original space: a pass
//! over all n points per point, O(n² d), split across threads. For large n,
//! [`quality_sampled`] takes the sum over a seeded sample of points i (each
//! still ranked against all n), an unbiased estimate of the same number.

use crate::math::similarity::{Metric, VectorIndex};

use super::ProjectError;
use super::knn::{map_index, squared_distance};

/// Trustworthiness and the kept-neighbour share of one map.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Quality {
    /// Neighbours compared per point.
    pub k: usize,
    /// sklearn's trustworthiness, 0..=1 (1: no false neighbours on the map).
    pub trustworthiness: f64,
    /// Mean share of the k original nearest neighbours that are among the k
    /// nearest on the map, 0..=1.
    pub kept: f64,
    /// Points i the sums ran over (n, or the sample size).
    pub points: usize,
}

/// [`Quality`] of `map` (row-major, `dims` per point) for the data in
/// `index`, over every point.
///
/// # Errors
/// [`QualityK`](ProjectError::QualityK) unless 1 ≤ k < n/2,
/// [`MapMismatch`](ProjectError::MapMismatch), or a non-finite map.
pub fn quality(
    index: &VectorIndex,
    map: &[f64],
    dims: usize,
    k: usize,
) -> Result<Quality, ProjectError> {
    let all: Vec<usize> = (0..index.len()).collect();
    quality_of(index, map, dims, k, &all)
}

/// [`quality`] over at most `sample` points drawn without replacement with
/// `seed` (all of them when n ≤ sample).
///
/// # Errors
/// As [`quality`].
pub fn quality_sampled(
    index: &VectorIndex,
    map: &[f64],
    dims: usize,
    k: usize,
    sample: usize,
    seed: u64,
) -> Result<Quality, ProjectError> {
    let n = index.len();
    let mut points: Vec<usize> = (0..n).collect();
    if n > sample {
        fastrand::Rng::with_seed(seed).shuffle(&mut points);
        points.truncate(sample);
        points.sort_unstable();
    }
    quality_of(index, map, dims, k, &points)
}

fn quality_of(
    index: &VectorIndex,
    map: &[f64],
    dims: usize,
    k: usize,
    points: &[usize],
) -> Result<Quality, ProjectError> {
    let n = index.len();
    if map.len() != n * dims.max(1) {
        return Err(ProjectError::MapMismatch {
            map: map.len() / dims.max(1),
            data: n,
        });
    }
    if k == 0 || 2 * k >= n {
        return Err(ProjectError::QualityK { k, rows: n });
    }
    let on_map = map_index(map, dims)?;
    // Per point: (Σ_{j ∈ Uₖ(i)} (r(i, j) − k), neighbours kept).
    let mut sums = vec![(0u64, 0u64); points.len()];
    super::par_rows(&mut sums, 1, |first, out| {
        let mut dist = vec![0.0f32; n];
        for (slot, &i) in out.iter_mut().zip(points.get(first..).unwrap_or_default()) {
            *slot = point_sums(index, &on_map, i, k, &mut dist);
        }
    });
    let (penalty, kept) = sums
        .iter()
        .fold((0u64, 0u64), |(p, c), &(a, b)| (p + a, c + b));
    let (m, nf, kf) = (points.len().max(1) as f64, n as f64, k as f64);
    // sklearn's normalisation is for all n points; a sample scales the sum up.
    let penalty = penalty as f64 * nf / m;
    let trustworthiness = 1.0 - penalty * 2.0 / (nf * kf * (2.0 * nf - 3.0 * kf - 1.0));
    Ok(Quality {
        k,
        trustworthiness,
        kept: kept as f64 / (m * kf),
        points: points.len(),
    })
}

/// One point's rank penalty and kept count.
fn point_sums(
    index: &VectorIndex,
    on_map: &VectorIndex,
    i: usize,
    k: usize,
    dist: &mut [f32],
) -> (u64, u64) {
    let xi = index.row(i);
    for (m, d) in dist.iter_mut().enumerate() {
        *d = if m == i {
            f32::INFINITY
        } else {
            squared_distance(xi, index.row(m))
        };
    }
    let near = on_map
        .neighbors(i, k, Metric::Euclidean)
        .unwrap_or_default();
    // The map neighbours' original distances, sorted: r(i, j) − 1 is the
    // number of points strictly closer than j.
    let mut thresholds: Vec<f32> = near
        .iter()
        .map(|nb| dist.get(nb.index).copied().unwrap_or(f32::INFINITY))
        .collect();
    thresholds.sort_unstable_by(f32::total_cmp);
    // closer[t]: points closer than thresholds[t] (counted by the first
    // threshold each point is below, then summed).
    let mut below = vec![0u64; thresholds.len() + 1];
    for &d in dist.iter() {
        let t = thresholds.partition_point(|&th| th <= d);
        if let Some(b) = below.get_mut(t) {
            *b += 1;
        }
    }
    let (mut penalty, mut kept, mut closer) = (0u64, 0u64, 0u64);
    for (t, _) in thresholds.iter().enumerate() {
        closer += below.get(t).copied().unwrap_or(0);
        let rank = closer + 1;
        if rank > k as u64 {
            penalty += rank - k as u64;
        } else {
            kept += 1;
        }
    }
    (penalty, kept)
}
