//! The one pass over the data: count, mean and centred cross products
//! (M2) of the rows, in chunks on every core, merged in chunk order; and the
//! scores of many rows, the same way.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Mutex;

use nalgebra::{DMatrix, DMatrixView, DVector};

use super::{BLOCK_CELLS, CHUNK_ROWS, GEMM_MIN_COLUMNS, GEMM_MIN_ROWS, PARALLEL_MIN_CELLS};
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
        let mut buffer = Vec::new();
        let result = chunk_moments(columns, &shift, rows, &mut buffer);
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

/// The moments of `rows` of x − `shift`, a block of rows at a time, using
/// `buffer` as scratch.
fn chunk_moments(
    columns: &[&[f64]],
    shift: &[f64],
    rows: Range<usize>,
    buffer: &mut Vec<f64>,
) -> Result<Moments, (usize, usize)> {
    let d = columns.len();
    let block = (BLOCK_CELLS / d).clamp(64, 4096);
    let mut acc = Moments::zeros(d);
    let mut block_mean = DVector::zeros(d);
    for start in rows.clone().step_by(block) {
        let end = (start + block).min(rows.end);
        let m = end - start;
        buffer.resize(m * d, 0.0);
        // B: the block, column-major m × d, centred on its own mean. Two
        // passes over each column's few KiB: the sum of x − c, then the
        // centred copy (reading the source again, now from L1).
        for (j, (column, &c)) in columns.iter().zip(shift).enumerate() {
            let x = &column[start..end];
            let sum = shifted_sum(x, c);
            // Any NaN or ±∞ makes the sum non-finite (so does overflow, which
            // the covariance check reports later).
            if !sum.is_finite()
                && let Some(at) = first_not_finite(columns, start..end)
            {
                return Err(at);
            }
            let mu = sum / m as f64;
            for (b, x) in buffer[j * m..(j + 1) * m].iter_mut().zip(x) {
                *b = (x - c) - mu;
            }
            block_mean[j] = mu;
        }
        let b = &buffer[..m * d];
        // nalgebra's gemm hands blocks of at most 5 rows to its gemv fallback,
        // which with Bᵀ's strides writes past the output (nalgebra 0.35
        // `axcpy_uninit` iterates the strided slice's length): heap corruption.
        // Such short blocks (the last of a chunk) take the dot products instead.
        if d >= GEMM_MIN_COLUMNS && m > GEMM_MIN_ROWS {
            add_syrk(&mut acc.m2, b, m);
        } else {
            for i in 0..d {
                let bi = &b[i * m..(i + 1) * m];
                for j in i..d {
                    acc.m2[(i, j)] += dot(bi, &b[j * m..(j + 1) * m]);
                }
            }
        }
        acc.absorb(m, &block_mean);
    }
    Ok(acc)
}

/// M2 += BᵀB on the upper triangle (and some of the lower), B the m × d
/// column-major block in `b`, through matrixmultiply's gemm.
///
/// A symmetric rank-k update done as one gemm computes every off-diagonal
/// entry twice. Instead, with B = [B₁ B₂] split at a multiple of the gemm
/// kernel's 8 columns, the columns of M2 over B₂ get [B₁ B₂]ᵀB₂ in one gemm
/// and the top-left block B₁ᵀB₁ recurses. For d = 50 that is two thirds of
/// the multiply-adds for half again as much packing: ~15% less time in all.
/// Bᵀ is the same buffer read with swapped strides.
fn add_syrk(m2: &mut DMatrix<f64>, b: &[f64], m: usize) {
    /// Blocks this narrow are one gemm: splitting them costs more packing
    /// than it saves (measured: 8 and 32 are both slower for d = 50).
    const MAX_DIRECT: usize = 16;
    let mut width = b.len() / m.max(1);
    while width > 0 {
        // Columns 0..width of B remain; split them at h.
        let h = if width <= MAX_DIRECT {
            0
        } else {
            (width / 2).next_multiple_of(8)
        };
        // Every side of every gemm must exceed GEMM_MIN_ROWS (see
        // `chunk_moments`): a right part of ≤ 5 columns (d = 18, 20, 21)
        // would take nalgebra's unsound small path; do the width in one gemm.
        let h = if width - h <= GEMM_MIN_ROWS { 0 } else { h };
        let bt = DMatrixView::from_slice_with_strides(b, width, m, m, 1);
        let right = DMatrixView::from_slice(&b[h * m..width * m], m, width - h);
        m2.view_mut((0, h), (width, width - h))
            .gemm(1.0, &bt, &right, 1.0);
        width = h;
    }
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

/// x · y with eight independent accumulators (see [`shifted_sum`]).
fn dot(x: &[f64], y: &[f64]) -> f64 {
    let mut acc = [0.0f64; 8];
    let (xc, yc) = (x.chunks_exact(8), y.chunks_exact(8));
    let tail: f64 = xc
        .remainder()
        .iter()
        .zip(yc.remainder())
        .map(|(a, b)| a * b)
        .sum();
    for (a8, b8) in xc.zip(yc) {
        for ((acc, a), b) in acc.iter_mut().zip(a8).zip(b8) {
            *acc += a * b;
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
