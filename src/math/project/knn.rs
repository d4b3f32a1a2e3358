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
    if k > 0
        && n >= GEMM_ROWS
        && let Some(screen) = Screen::new(index)
    {
        par_rows(&mut pairs, k * QUERY_BLOCK, |first, out| {
            let mut scratch = Scratch::default();
            for (b, rows) in out.chunks_mut(k * QUERY_BLOCK).enumerate() {
                gemm_block(
                    index,
                    &screen,
                    (first + b) * QUERY_BLOCK,
                    k,
                    rows,
                    &mut scratch,
                );
            }
        });
    } else if k > 0 {
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

/// From this many rows on, candidates are screened with matrix products.
const GEMM_ROWS: usize = 4_096;
/// Queries per matrix product.
const QUERY_BLOCK: usize = 256;
/// Candidate rows per matrix product.
const CANDIDATE_BLOCK: usize = 2_048;
/// Candidates kept per query beyond k by the screening, re-ranked by exact
/// distances: room for the rounding of ‖x‖² + ‖y‖² − 2x·y.
const SCREEN_EXTRA: usize = 8;

/// The rows centred (distances do not change; ‖x‖² shrinks, and with it
/// the rounding of ‖q‖² + ‖x‖² − 2q·x), with the bound on that rounding.
struct Screen {
    centred: VectorIndex,
    /// ‖x‖² of each centred row.
    sq: Vec<f32>,
    /// The largest ‖x‖ of a centred row.
    max_norm: f32,
}

impl Screen {
    fn new(index: &VectorIndex) -> Option<Self> {
        let (n, d) = (index.len(), index.dim());
        let mut mean = vec![0.0f64; d];
        for i in 0..n {
            for (m, &v) in mean.iter_mut().zip(index.row(i)) {
                *m += f64::from(v);
            }
        }
        let mean: Vec<f32> = mean.iter().map(|m| (m / n as f64) as f32).collect();
        let mut x = Vec::with_capacity(n * d);
        for i in 0..n {
            x.extend(index.row(i).iter().zip(&mean).map(|(v, m)| v - m));
        }
        let centred = VectorIndex::from_rows(x, d).ok()?;
        let sq: Vec<f32> = (0..n)
            .map(|i| (centred.norm(i) * centred.norm(i)) as f32)
            .collect();
        let max_norm = (0..n).map(|i| centred.norm(i) as f32).fold(0.0, f32::max);
        Some(Self {
            centred,
            sq,
            max_norm,
        })
    }

    /// A bound on |screened − true| squared distance for query row i: the
    /// rounding of a d-term dot product and of the sum, (d + 4)·u·(‖q‖ + max‖x‖)².
    fn tolerance(&self, i: usize) -> f32 {
        let d = self.centred.dim() as f32;
        let q = self.sq.get(i).copied().unwrap_or(0.0).sqrt();
        (d + 4.0) * f32::EPSILON * (q + self.max_norm).powi(2)
    }
}

/// Buffers reused across a thread's blocks.
#[derive(Default)]
struct Scratch {
    products: Vec<f32>,
    best: Vec<Vec<(f32, u32)>>,
    bar: Vec<f32>,
}

/// The neighbours of rows `first..first + out.len()/k`: candidates screened
/// by ‖q‖² + ‖x‖² − 2 q·x on the centred rows, the dot products one matrix
/// product per block of rows (faer, vectorized, one thread: the blocks are
/// split across threads already); the k + [`SCREEN_EXTRA`] best re-ranked
/// by the distance computed directly. The answer is certified: when the
/// screen's rounding could have hidden a closer row (the worst candidate's
/// screened distance, less the rounding bound, does not clear the k-th
/// exact distance), that query is answered by [`block`]'s full pass. So
/// the result is always [`block`]'s.
fn gemm_block(
    index: &VectorIndex,
    screen: &Screen,
    first: usize,
    k: usize,
    out: &mut [(u32, f32)],
    s: &mut Scratch,
) {
    use faer::linalg::matmul::matmul;
    use faer::{Accum, MatMut, MatRef, Par};
    let (n, d) = (index.len(), index.dim());
    let q = out.len() / k;
    let keep = (k + SCREEN_EXTRA).min(n - 1);
    let queries = MatRef::from_row_major_slice(screen.centred.rows(first, q), q, d);
    let sq = |i: usize| screen.sq.get(i).copied().unwrap_or(0.0);
    s.best.resize_with(q, Vec::new);
    for kept in &mut s.best {
        kept.clear();
        kept.reserve(keep);
    }
    s.bar.clear();
    s.bar.resize(q, f32::INFINITY);
    let mut start = 0;
    while start < n {
        let c = CANDIDATE_BLOCK.min(n - start);
        let candidates = MatRef::from_row_major_slice(screen.centred.rows(start, c), c, d);
        s.products.clear();
        s.products.resize(q * c, 0.0);
        let dst = MatMut::from_column_major_slice_mut(&mut s.products, q, c);
        matmul(
            dst,
            Accum::Replace,
            queries,
            candidates.transpose(),
            1.0f32,
            Par::Seq,
        );
        for j in 0..c {
            let row = start + j;
            let sj = sq(row);
            let column = &s.products[j * q..(j + 1) * q];
            for (i, ((&dot, kept), worst)) in
                column.iter().zip(&mut s.best).zip(&mut s.bar).enumerate()
            {
                let qi = first + i;
                if qi == row {
                    continue;
                }
                let dist = sq(qi) + sj - 2.0 * dot;
                if dist < *worst || kept.len() < keep {
                    push(kept, worst, keep, (dist, row as u32));
                }
            }
        }
        start += c;
    }
    for (i, ((kept, slots), &bar)) in s
        .best
        .iter_mut()
        .zip(out.chunks_exact_mut(k))
        .zip(&s.bar)
        .enumerate()
    {
        let qi = first + i;
        let x = index.row(qi);
        for e in kept.iter_mut() {
            e.0 = squared_distance(x, index.row(e.1 as usize));
        }
        kept.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let kth = kept.get(k - 1).map_or(f32::INFINITY, |e| e.0);
        // Rows left out scored at least `bar` on the screen, so at least
        // bar − 2·tolerance exactly (both roundings counted).
        let certified = kept.len() == n - 1 || bar - 2.0 * screen.tolerance(qi) > kth;
        if certified {
            for (slot, &(dist, j)) in slots.iter_mut().zip(kept.iter()) {
                *slot = (j, dist.max(0.0).sqrt());
            }
        } else {
            block(index, qi, k, slots);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row's neighbours by scoring every other row directly.
    fn direct(index: &VectorIndex, k: usize) -> Knn {
        let n = index.len();
        let mut pairs = vec![(0u32, 0.0f32); n * k];
        for (b, rows) in pairs.chunks_mut(k * BLOCK).enumerate() {
            block(index, b * BLOCK, k, rows);
        }
        let (index, distance) = pairs.into_iter().unzip();
        Knn { k, index, distance }
    }

    #[test]
    fn the_screened_neighbours_of_a_large_set_are_the_exact_ones() {
        // 5,000 points in 24 dimensions: tight clusters far from the origin
        // (where ‖x‖² + ‖y‖² − 2x·y cancels most), and exact duplicates.
        let (n, d) = (5_000, 24);
        let mut rng = fastrand::Rng::with_seed(7);
        let centres: Vec<f32> = (0..20 * d).map(|_| 50.0 + 10.0 * rng.f32()).collect();
        let mut x = Vec::with_capacity(n * d);
        for i in 0..n {
            if i % 97 == 1 {
                let copy: Vec<f32> = x[(i - 1) * d..i * d].to_vec();
                x.extend(copy);
                continue;
            }
            let c = rng.usize(0..20);
            x.extend((0..d).map(|j| centres[c * d + j] + 0.05 * (rng.f32() - 0.5)));
        }
        let index = VectorIndex::from_rows(x, d).expect("finite");
        assert!(index.len() >= GEMM_ROWS);
        let screened = all_knn(&index, 15);
        let exact = direct(&index, 15);
        assert_eq!(screened.index, exact.index);
        assert_eq!(screened.distance, exact.distance);
    }

    #[test]
    fn where_the_screen_cannot_tell_neighbours_apart_the_full_pass_answers() {
        // Two clusters 2,000 apart, each 10⁻³ wide: centring leaves
        // ‖x‖² ≈ 10⁶, whose rounding dwarfs the distances inside a cluster.
        let (n, d) = (4_200, 8);
        let mut rng = fastrand::Rng::with_seed(3);
        let mut x = Vec::with_capacity(n * d);
        for i in 0..n {
            let side = if i % 2 == 0 { 1_000.0 } else { -1_000.0 };
            x.push(side);
            x.extend((1..d).map(|_| 1e-3 * rng.f32()));
        }
        let index = VectorIndex::from_rows(x, d).expect("finite");
        let screened = all_knn(&index, 5);
        let exact = direct(&index, 5);
        assert_eq!(screened.index, exact.index);
        assert_eq!(screened.distance, exact.distance);
    }
}
