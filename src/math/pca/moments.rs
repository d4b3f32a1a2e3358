//! The one pass over the data: count, mean and centred cross products
//! (M2) of the rows, in chunks on every core, merged in chunk order; and the
//! scores of many rows, the same way.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Mutex;

use nalgebra::{DMatrix, DVector};

use super::gram::add_centred_gram;
use super::{BLOCK_CELLS, CHUNK_ROWS, PARALLEL_MIN_CELLS, SPAN_CELLS, SPAN_MAX_ROWS};
/// Count, mean and M2 = Σ (x − μ)(x − μ)ᵀ of a set of rows (upper triangle of
/// `m2` maintained; the lower may hold anything).
#[derive(Clone, Debug)]
pub(super) struct Moments {
    pub(super) n: usize,
    pub(super) mean: DVector<f64>,
    pub(super) m2: DMatrix<f64>,
}

impl Moments {
    fn zeros(d: usize) -> Self {
        Self {
            n: 0,
            mean: DVector::zeros(d),
            m2: DMatrix::zeros(d, d),
        }
    }

    /// Adds the moments of `nb` more rows with mean `mean_b` whose centred
    /// cross products have already been added to `self.m2`. Chan, Golub and
    /// LeVeque's pairwise update: δ = μ_b − μ_a, μ = μ_a + δ n_b / n,
    /// M2 = M2_a + M2_b + δδᵀ n_a n_b / n.
    fn absorb(&mut self, nb: usize, mean_b: &DVector<f64>) {
        let na = self.n;
        let n = na + nb;
        if nb == 0 {
            return;
        }
        let delta = mean_b - &self.mean;
        self.mean.axpy(nb as f64 / n as f64, &delta, 1.0);
        self.m2
            .ger(na as f64 * nb as f64 / n as f64, &delta, &delta, 1.0);
        self.n = n;
    }

    /// Merges the moments of a disjoint set of rows into these.
    fn merge(&mut self, other: &Self) {
        self.m2 += &other.m2;
        self.absorb(other.n, &other.mean);
    }
}

/// Chunk results of [`moments`], merged strictly in chunk order whatever order
/// they finish in, so the sum is the same on any number of threads.
struct Merge {
    /// The chunk to merge next.
    next: usize,
    total: Moments,
    /// Finished chunks waiting for an earlier one.
    pending: BTreeMap<usize, Result<Moments, (usize, usize)>>,
    /// The first bad value, in chunk order.
    error: Option<(usize, usize)>,
}

/// The moments of all rows of `columns` (same length, at least one column),
/// or the (row, column) of the first non-finite value.
pub(super) fn moments(columns: &[&[f64]]) -> Result<Moments, (usize, usize)> {
    let d = columns.len();
    let n = columns[0].len();
    // Work with x − c, c a rough mean from the first rows. Block means are then
    // of the size of the spread, not of the data: far from the origin (values
    // near 10⁹ varying by 1) their differences in the pairwise update would
    // otherwise carry the rounding of 10⁹.
    let shift: Vec<f64> = columns
        .iter()
        .map(|c| {
            let head = c.iter().take(256).filter(|x| x.is_finite());
            let (sum, count) = head.fold((0.0, 0usize), |(s, k), x| (s + x, k + 1));
            if count > 0 && (sum / count as f64).is_finite() {
                sum / count as f64
            } else {
                0.0
            }
        })
        .collect();
    let chunk = if n * d < PARALLEL_MIN_CELLS {
        n.max(1)
    } else {
        CHUNK_ROWS
    };
    let chunks: Vec<(usize, Range<usize>)> = (0..n)
        .step_by(chunk)
        .map(|start| start..(start + chunk).min(n))
        .enumerate()
        .collect();
    let merge = Mutex::new(Merge {
        next: 0,
        total: Moments::zeros(d),
        pending: BTreeMap::new(),
        error: None,
    });
    let lock = || {
        merge
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };

    for_each_parallel(chunks, |(index, rows)| {
        // Once a chunk has failed, all before it were clean: it holds the first bad value.
        if lock().error.is_some() {
            return;
        }
        let result = chunk_moments(columns, &shift, rows);
        let mut guard = lock();
        let m = &mut *guard;
        m.pending.insert(index, result);
        while let Some(result) = m.pending.remove(&m.next) {
            m.next += 1;
            match result {
                Ok(chunk) if m.error.is_none() => m.total.merge(&chunk),
                Ok(_) => {}
                Err(at) => {
                    m.error.get_or_insert(at);
                }
            }
        }
    });
    let m = merge
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(at) = m.error {
        return Err(at);
    }
    let mut total = m.total;
    for (mu, c) in total.mean.iter_mut().zip(&shift) {
        *mu += c;
    }
    Ok(total)
}

/// The moments of `rows` of x − `shift`, a span of rows at a time.
///
/// Each span is centred on its own mean (the two-pass formula within the
/// span) and merged into the chunk's moments by Chan et al.'s update. A span
/// is read twice: first each column's stretch from memory to sum it (long
/// stretches, which the hardware prefetcher streams at full speed), then,
/// from cache, a block of rows at a time for the centred cross products.
/// The centre of column j is c_j + μ_j (shift plus the span's mean of
/// x − c): rounding it moves the centre by at most half an ulp of the data,
/// which changes M2 by m·ε², far below its own rounding.
fn chunk_moments(
    columns: &[&[f64]],
    shift: &[f64],
    rows: Range<usize>,
) -> Result<Moments, (usize, usize)> {
    let d = columns.len();
    let block = (BLOCK_CELLS / d).clamp(64, 4096);
    let span_rows = (SPAN_CELLS / d).clamp(block, SPAN_MAX_ROWS);
    let mut acc = Moments::zeros(d);
    let mut centre = vec![0.0; d];
    let mut block_columns: Vec<&[f64]> = Vec::with_capacity(d);
    let mut span_mean = DVector::zeros(d);
    for span in rows.clone().step_by(span_rows) {
        let span = span..(span + span_rows).min(rows.end);
        let len = span.len() as f64;
        for (j, (column, &c)) in columns.iter().zip(shift).enumerate() {
            let sum = shifted_sum(&column[span.clone()], c);
            // Any NaN or ±∞ makes the sum non-finite (so does overflow, which
            // the covariance check reports later).
            if !sum.is_finite()
                && let Some(at) = first_not_finite(columns, span.clone())
            {
                return Err(at);
            }
            span_mean[j] = sum / len;
        }
        for (j, (&c, mu)) in shift.iter().zip(span_mean.iter()).enumerate() {
            centre[j] = c + mu;
        }
        // Blocks of equal length (no short one at the end of a span).
        let block = span.len().div_ceil(span.len().div_ceil(block));
        for start in span.clone().step_by(block) {
            let end = (start + block).min(span.end);
            block_columns.clear();
            block_columns.extend(columns.iter().map(|c| &c[start..end]));
            add_centred_gram(&mut acc.m2, &block_columns, &centre);
        }
        acc.absorb(span.len(), &span_mean);
    }
    Ok(acc)
}

/// The (row, column) of the first non-finite value in `rows`, scanning row by row.
fn first_not_finite(columns: &[&[f64]], rows: Range<usize>) -> Option<(usize, usize)> {
    rows.into_iter().find_map(|r| {
        columns
            .iter()
            .position(|c| !c[r].is_finite())
            .map(|j| (r, j))
    })
}

/// Σ (x − c) with eight independent accumulators: vectorizes, and rounds like
/// a shallow pairwise sum.
fn shifted_sum(x: &[f64], c: f64) -> f64 {
    let mut acc = [0.0f64; 8];
    let chunks = x.chunks_exact(8);
    let tail: f64 = chunks.remainder().iter().map(|x| x - c).sum();
    for x8 in chunks {
        for (a, x) in acc.iter_mut().zip(x8) {
            *a += x - c;
        }
    }
    acc.iter().sum::<f64>() + tail
}

/// Scores of the rows `start..start + parts[0].len()` into `parts` (one slice per
/// component), a block of rows at a time so the inputs stay in cache.
pub(super) fn score_rows(
    columns: &[&[f64]],
    mean: &[f64],
    w: &DMatrix<f64>,
    start: usize,
    parts: &mut [&mut [f64]],
) {
    const BLOCK: usize = 1024;
    let len = parts.first().map_or(0, |p| p.len());
    for offset in (0..len).step_by(BLOCK) {
        let end = (offset + BLOCK).min(len);
        for (i, out) in parts.iter_mut().enumerate() {
            let out = &mut out[offset..end];
            for (j, (column, mu)) in columns.iter().zip(mean).enumerate() {
                let wij = w[(i, j)];
                let x = &column[start + offset..start + end];
                for (t, x) in out.iter_mut().zip(x) {
                    *t += wij * (x - mu);
                }
            }
        }
    }
}

/// Runs `work` on every item, on up to all cores: the calling thread and
/// helpers it spawns take items in order from a shared queue. One item runs
/// on the calling thread alone; a helper that cannot be spawned is simply
/// missing (the calling thread does its share).
pub(super) fn for_each_parallel<T: Send>(items: Vec<T>, work: impl Fn(T) + Sync) {
    let helpers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(items.len())
        .saturating_sub(1);
    let queue = Mutex::new(items.into_iter());
    let next = || {
        queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .next()
    };
    let run = || {
        while let Some(item) = next() {
            work(item);
        }
    };
    std::thread::scope(|s| {
        for _ in 0..helpers {
            // Ignoring a failed spawn is safe: the calling thread drains the queue.
            let _ = std::thread::Builder::new().spawn_scoped(s, run);
        }
        run();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// x + y exactly, as a rounded sum and its error (Knuth's two-sum).
    fn two_sum(x: f64, y: f64) -> (f64, f64) {
        let s = x + y;
        let z = s - x;
        (s, (x - (s - z)) + (y - z))
    }

    /// Σ terms with the rounding errors carried along (compensated: within
    /// an ulp or two of the exact sum here).
    fn sum(terms: impl Iterator<Item = f64>) -> f64 {
        let (s, e) = terms.fold((0.0, 0.0), |(s, e), t| {
            let (s, err) = two_sum(s, t);
            (s, e + err)
        });
        s + e
    }

    /// The blocked, tiled, threaded pass gives the plain two-pass mean and
    /// M2 = Σ (x − μ)(y − μ) (here with compensated sums) to 1e-13 of
    /// √(M2ᵢᵢ M2ⱼⱼ), on shapes whose rows are no multiple of a step, a
    /// block, a span or a chunk — one column, a few, a tile and one more,
    /// and fifty — with means far from zero and columns of unequal scale.
    #[test]
    fn blocked_moments_equal_the_two_pass_formula() {
        let mut rng = fastrand::Rng::with_seed(24);
        for (n, d) in [(3, 1), (100_003, 1), (9_999, 4), (40_961, 7), (70_001, 50)] {
            let columns: Vec<Vec<f64>> = (0..d)
                .map(|j| {
                    let (offset, scale) = (1e3 * (j as f64 - 2.0), 0.1 + j as f64);
                    (0..n).map(|_| offset + scale * (rng.f64() - 0.5)).collect()
                })
                .collect();
            // Correlated: column j also carries a share of column 0.
            let columns: Vec<Vec<f64>> = columns
                .iter()
                .map(|c| {
                    c.iter()
                        .zip(&columns[0])
                        .map(|(x, x0)| x + 0.3 * x0)
                        .collect()
                })
                .collect();
            let slices: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
            let got = moments(&slices).expect("finite data");
            assert_eq!(got.n, n);
            let mean: Vec<f64> = columns
                .iter()
                .map(|c| sum(c.iter().copied()) / n as f64)
                .collect();
            let centred: Vec<Vec<f64>> = columns
                .iter()
                .zip(&mean)
                .map(|(c, mu)| c.iter().map(|x| x - mu).collect())
                .collect();
            let m2 =
                |i: usize, j: usize| sum(centred[i].iter().zip(&centred[j]).map(|(x, y)| x * y));
            let diagonal: Vec<f64> = (0..d).map(|i| m2(i, i)).collect();
            for i in 0..d {
                assert!(
                    (got.mean[i] - mean[i]).abs() <= 1e-14 * mean[i].abs().max(1.0),
                    "({n}, {d}): mean {i} is {}, expected {}",
                    got.mean[i],
                    mean[i]
                );
                for j in i..d {
                    let want = if i == j { diagonal[i] } else { m2(i, j) };
                    let tol = 1e-13 * (diagonal[i] * diagonal[j]).sqrt();
                    assert!(
                        (got.m2[(i, j)] - want).abs() <= tol,
                        "({n}, {d}): M2[{i}, {j}] is {}, expected {want} (tolerance {tol:e})",
                        got.m2[(i, j)]
                    );
                }
            }
        }
    }
}
