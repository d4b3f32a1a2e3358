//! Exact k nearest neighbours of every point, by Euclidean distance: a full
//! pass over a [`VectorIndex`]'s rows (f32, SIMD) for each block of points,
//! the blocks split across threads. O(n² d); there is no approximation, so
//! recall is 1.

use crate::math::similarity::VectorIndex;

use super::par_rows;

/// Each point's k nearest other points, closest first (ties to the lower
/// index), with their Euclidean distances.
#[derive(Clone, Debug, PartialEq)]
pub struct Knn {
    /// Neighbours per point.
    pub k: usize,
    /// Row i's neighbours are `index[i·k .. (i+1)·k]`.
    pub index: Vec<u32>,
    /// ‖xᵢ − xⱼ‖, in the same layout.
    pub distance: Vec<f32>,
}

impl Knn {
    /// Number of points.
    #[must_use]
    pub fn len(&self) -> usize {
        self.index.len() / self.k.max(1)
    }

    /// Whether there are no points.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Point i's neighbours (empty if out of range).
    #[must_use]
    pub fn neighbors(&self, i: usize) -> &[u32] {
        self.index
            .get(i * self.k..(i + 1) * self.k)
            .unwrap_or_default()
    }

    /// Their distances.
    #[must_use]
    pub fn distances(&self, i: usize) -> &[f32] {
        self.distance
            .get(i * self.k..(i + 1) * self.k)
            .unwrap_or_default()
    }
}

/// Queries answered together: each candidate row is read once for all of
/// them (its values stay in L1 while they are compared), which divides the
/// memory traffic of the pass by this much.
const BLOCK: usize = 8;

/// The k nearest neighbours of every row of `index` (itself excluded). `k`
/// above n − 1 is taken as n − 1. Ties go to the lower index.
#[must_use]
pub fn all_knn(index: &VectorIndex, k: usize) -> Knn {
    let n = index.len();
    let k = k.min(n.saturating_sub(1));
    let mut pairs = vec![(0u32, 0.0f32); n * k];
    if k > 0 {
        par_rows(&mut pairs, k * BLOCK, |first, out| {
            for (b, rows) in out.chunks_mut(k * BLOCK).enumerate() {
                block(index, (first + b) * BLOCK, k, rows);
            }
        });
    }
    let (index, distance) = pairs.into_iter().unzip();
    Knn { k, index, distance }
}

/// The neighbours of rows `first..first + out.len()/k` in one pass over all rows.
fn block(index: &VectorIndex, first: usize, k: usize, out: &mut [(u32, f32)]) {
    let queries: Vec<usize> = (first..first + out.len() / k).collect();
    // Per query: the k best so far as (squared distance, row), unsorted, and
    // the worst of them (the bar a candidate must beat once k are kept).
    let mut best: Vec<Vec<(f32, u32)>> = queries.iter().map(|_| Vec::with_capacity(k)).collect();
    let mut bar = vec![f32::INFINITY; queries.len()];
    for j in 0..index.len() {
        let xj = index.row(j);
        for ((&q, kept), worst) in queries.iter().zip(&mut best).zip(&mut bar) {
            if q == j {
                continue;
            }
            let d = squared_distance(index.row(q), xj);
            // Rows come in increasing order, so on a tie the kept row wins.
            if d < *worst || kept.len() < k {
                push(kept, worst, k, (d, j as u32));
            }
        }
    }
    for (kept, row) in best.iter_mut().zip(out.chunks_exact_mut(k)) {
        kept.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (slot, &(d, j)) in row.iter_mut().zip(kept.iter()) {
            *slot = (j, d.max(0.0).sqrt());
        }
    }
}

/// Keeps `c` among the k best: appends while there is room, else replaces
/// the worst; then refreshes the bar. O(k) per accepted candidate, which
/// is rare after the first rows.
fn push(kept: &mut Vec<(f32, u32)>, bar: &mut f32, k: usize, c: (f32, u32)) {
    let worse = |a: &(f32, u32), b: &(f32, u32)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
    if kept.len() < k {
        kept.push(c);
    } else if let Some((w, _)) = kept.iter().enumerate().max_by(|a, b| worse(a.1, b.1)) {
        kept[w] = c;
    }
    if kept.len() == k {
        *bar = kept.iter().map(|e| e.0).fold(f32::NEG_INFINITY, f32::max);
    }
}

/// Σ (xⱼ − yⱼ)² over eight independent partial sums (vectorizes), computed
/// directly rather than as ‖x‖² + ‖y‖² − 2x·y, which loses near neighbours'
/// small distances to cancellation.
pub(crate) fn squared_distance(x: &[f32], y: &[f32]) -> f32 {
    let (xc, xr) = x.as_chunks::<8>();
    let (yc, yr) = y.as_chunks::<8>();
    let mut acc = [0.0f32; 8];
    for (a, b) in xc.iter().zip(yc) {
        for ((s, &a), &b) in acc.iter_mut().zip(a).zip(b) {
            let diff = a - b;
            *s += diff * diff;
        }
    }
    let tail: f32 = xr.iter().zip(yr).map(|(a, b)| (a - b) * (a - b)).sum();
    acc.iter().sum::<f32>() + tail
}

/// The index of a row-major map (2 or 3 coordinates per point), for
/// neighbour queries on it.
///
/// # Errors
/// As [`VectorIndex::from_rows`] (non-finite coordinates).
pub fn map_index(
    positions: &[f64],
    dims: usize,
) -> Result<VectorIndex, crate::math::similarity::SimilarityError> {
    VectorIndex::from_rows(positions.iter().map(|&v| v as f32).collect(), dims)
}
