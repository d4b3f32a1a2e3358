//! The data of a `.npy` array → columns, on every core.
//!
//! The columns are allocated once, zeroed (large ones are fresh pages from
//! the system, so zeroing makes no pass over them), and cut into parts of at
//! least 4 MB, a few per thread: in C order a part is a range of rows of
//! every column, in Fortran order a range of the elements in column order.
//! The threads take parts in file order from a queue, read each part's bytes
//! through a positional reader (`read_at`: a file's `pread`, or a slice of
//! bytes in memory) 256 KB at a time, and write them into that part's own
//! slices of the columns: no thread waits for another, and no copy of the
//! whole file is made. A C-order chunk is turned into columns a block of
//! rows at a time, the block small enough to stay in the L1 cache while
//! every column takes its values from it.
//!
//! Every value is converted by the same [`Dtype::fill`] wherever it falls,
//! so the columns are the same bits on any number of threads.
//!
//! Most of a large load's time is the kernel's, not this code's: the first
//! write to each 4 KB page of the columns faults it in (about 2 µs a page
//! measured here, 0.2 s of CPU for 400 MB), which is why the work is spread
//! over the cores.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use super::dtype::Dtype;
use super::{Layout, LoadError, LoadProgress, ReadFn};
use crate::data::{Dataset, NumericColumn};

/// Bytes a thread reads at a time: the chunk stays in its core's L2 cache
/// while it is turned into columns.
const CHUNK_BYTES: usize = 256 * 1024;

/// Bytes of rows turned into columns at a time (a part of the L1 cache).
const BLOCK_BYTES: usize = 16 * 1024;

/// Parts are at least this many bytes (smaller arrays are fewer parts, one
/// below this: no thread is started for a small file) ...
const MIN_PART_BYTES: u64 = 4 * 1024 * 1024;

/// ... and at most this many per thread.
const PARTS_PER_THREAD: usize = 4;

/// Reads the data from byte `offset` (0: the first byte after the header)
/// into `buf`, as far as the input goes, and counts them in the load's
/// progress if it should; returns how many bytes it read.
pub(super) type ReadAt<'a> = dyn Fn(u64, &mut [u8]) -> Result<usize, LoadError> + Sync + 'a;

/// A [`ReadAt`] used on one thread only (the stream's, which is not `Sync`).
type ReadAtHere<'a> = dyn Fn(u64, &mut [u8]) -> Result<usize, LoadError> + 'a;

/// One thread's share: elements `start..end` of the data in file order, and
/// the slices of the columns they become (C order: rows `start / d..end / d`
/// of every column; Fortran order: consecutive pieces of the columns whose
/// concatenation is those elements).
struct Part<'a> {
    start: u64,
    end: u64,
    slices: Vec<&'a mut [f64]>,
}

/// Decodes the data, whose length the caller has checked against the input,
/// into columns, reading it through `read_at`, on up to `threads` threads
/// (at least one; one for an array under 8 MB).
pub(super) fn decode(
    read_at: &ReadAt<'_>,
    layout: &Layout,
    path: &std::path::Path,
    progress: &LoadProgress,
    threads: usize,
) -> Result<Dataset, LoadError> {
    let mut values = zeroed_columns(layout, path)?;
    let parts = usize::try_from(layout.expected / MIN_PART_BYTES)
        .unwrap_or(usize::MAX)
        .clamp(1, threads.max(1) * PARTS_PER_THREAD);
    let workers = threads.clamp(1, parts);
    let parts = split(&mut values, layout, parts);
    let count = parts.len();
    // Parts are taken in file order from a shared queue, so a thread slowed
    // by other processes holds up at most one part at the end.
    let queue = Mutex::new(parts.into_iter().enumerate());
    let results = Mutex::new((0..count).map(|_| Ok(())).collect::<Vec<_>>());
    let stop = AtomicBool::new(false);
    let work = || {
        loop {
            let next = queue.lock().unwrap_or_else(PoisonError::into_inner).next();
            let Some((index, part)) = next else { break };
            let result = decode_part(part, read_at, layout, path, progress, &stop);
            if result.is_err() {
                stop.store(true, Ordering::Relaxed);
            }
            results.lock().unwrap_or_else(PoisonError::into_inner)[index] = result;
        }
    };
    std::thread::scope(|s| {
        for _ in 1..workers {
            // A helper that cannot be spawned is simply missing: the calling
            // thread drains the queue.
            let _ = std::thread::Builder::new().spawn_scoped(s, work);
        }
        work();
    });
    // The first error in file order.
    results
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .into_iter()
        .collect::<Result<Vec<()>, _>>()?;
    Ok(dataset(values, path))
}

/// [`decode`] on this thread, reading the data in order through `read`.
pub(super) fn decode_stream(
    read: &mut ReadFn<'_>,
    layout: &Layout,
    path: &std::path::Path,
    progress: &LoadProgress,
) -> Result<Dataset, LoadError> {
    let mut values = zeroed_columns(layout, path)?;
    let read = RefCell::new(read);
    // The one part reads its chunks in order, each where the last ended.
    let read_at = |_offset: u64, buf: &mut [u8]| (*read.borrow_mut())(buf);
    let stop = AtomicBool::new(false);
    for part in split(&mut values, layout, 1) {
        decode_part(part, &read_at, layout, path, progress, &stop)?;
    }
    Ok(dataset(values, path))
}

/// The d columns of n zeros the data is written into. Zeroed, not merely
/// reserved, so that threads can write their own parts; large columns come
/// straight from the system already zero (no pass over them), and each
/// thread then faults in only the pages it writes.
fn zeroed_columns(layout: &Layout, path: &std::path::Path) -> Result<Vec<Vec<f64>>, LoadError> {
    let (Ok(n), Ok(d)) = (usize::try_from(layout.n), usize::try_from(layout.d)) else {
        return Err(layout.truncated(path, 0));
    };
    Ok((0..d).map(|_| vec![0.0; n]).collect())
}

/// The columns `x1..xd` of a decoded array.
fn dataset(values: Vec<Vec<f64>>, path: &std::path::Path) -> Dataset {
    Dataset {
        name: path.display().to_string(),
        source: None,
        n_rows: values.first().map_or(0, Vec::len),
        columns: values
            .into_iter()
            .enumerate()
            .map(|(j, values)| NumericColumn {
                name: format!("x{}", j + 1),
                values,
            })
            .collect(),
        labels: Vec::new(),
    }
}

/// Cuts the columns into `count` parts of (nearly) equal numbers of
/// elements: whole rows in C order, whole elements in Fortran order. Empty
/// parts are left out.
fn split<'a>(values: &'a mut [Vec<f64>], layout: &Layout, count: usize) -> Vec<Part<'a>> {
    let (n, d) = (layout.n, layout.d);
    let total = n * d;
    let t = count as u64;
    // Part p covers elements bounds[p]..bounds[p + 1].
    let bounds: Vec<u64> = (0..=t)
        .map(|p| {
            if layout.fortran_order {
                (u128::from(total) * u128::from(p) / u128::from(t)) as u64
            } else {
                (u128::from(n) * u128::from(p) / u128::from(t)) as u64 * d
            }
        })
        .collect();
    let mut parts: Vec<Part<'a>> = bounds
        .windows(2)
        .map(|w| Part {
            start: w[0],
            end: w[1],
            slices: Vec::new(),
        })
        .collect();
    for (j, column) in values.iter_mut().enumerate() {
        let mut rest: &'a mut [f64] = column;
        // The row of this column where each part begins.
        let mut taken = 0u64;
        for part in &mut parts {
            let row_end = if layout.fortran_order {
                part.end.saturating_sub(j as u64 * n).min(n)
            } else {
                part.end / d
            };
            let len = usize::try_from(row_end.saturating_sub(taken)).unwrap_or(0);
            let (head, tail) = rest.split_at_mut(len.min(rest.len()));
            rest = tail;
            taken = row_end.max(taken);
            if !layout.fortran_order || !head.is_empty() {
                part.slices.push(head);
            }
        }
    }
    parts.retain(|p| p.end > p.start);
    parts
}

/// Reads one part's bytes a chunk at a time and writes them into its slices.
fn decode_part(
    mut part: Part<'_>,
    read_at: &ReadAtHere<'_>,
    layout: &Layout,
    path: &std::path::Path,
    progress: &LoadProgress,
    stop: &AtomicBool,
) -> Result<(), LoadError> {
    let dtype = layout.dtype;
    let size = dtype.size as u64;
    let row_bytes = layout.d * size;
    // C order: whole rows per chunk; Fortran order: any whole elements.
    let unit = if layout.fortran_order {
        size
    } else {
        row_bytes
    };
    let unit = usize::try_from(unit).unwrap_or(usize::MAX);
    let mut buf = vec![0u8; (CHUNK_BYTES / unit).max(1) * unit];
    let (start, end) = (part.start * size, part.end * size);
    let mut at = start;
    // Fortran order: the slice being filled and how far.
    let (mut slice, mut filled) = (0usize, 0usize);
    while at < end {
        if progress.is_cancelled() {
            return Err(LoadError::Cancelled {
                path: path.to_path_buf(),
            });
        }
        if stop.load(Ordering::Relaxed) {
            // Another part failed; its error is the one reported.
            return Ok(());
        }
        let want = usize::try_from(end - at)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let chunk = buf.get_mut(..want).unwrap_or_default();
        let got = read_at(at, chunk)?;
        if got < want {
            return Err(layout.truncated(path, at + got as u64));
        }
        if layout.fortran_order {
            let mut rest = &chunk[..];
            while let Some(out) = part.slices.get_mut(slice).filter(|_| !rest.is_empty()) {
                let take = (out.len() - filled).min(rest.len() / dtype.size);
                let (bytes, tail) = rest.split_at(take * dtype.size);
                dtype.fill(bytes, dtype.size, 0, &mut out[filled..filled + take]);
                filled += take;
                rest = tail;
                if filled == out.len() {
                    (slice, filled) = (slice + 1, 0);
                }
            }
        } else {
            let row = usize::try_from((at - start) / row_bytes).unwrap_or(0);
            transpose(chunk, dtype, &mut part.slices, row);
        }
        at += want as u64;
    }
    Ok(())
}

/// Writes the whole rows in `chunk` into rows `row..` of `columns` (one
/// slice per column), a block of rows at a time: the block sits in the L1
/// cache while each column gathers its values from it.
pub(super) fn transpose(chunk: &[u8], dtype: Dtype, columns: &mut [&mut [f64]], row: usize) {
    let size = dtype.size;
    let row_bytes = columns.len() * size;
    if row_bytes == 0 {
        return;
    }
    let block_rows = (BLOCK_BYTES / row_bytes).max(1);
    for (b, block) in chunk.chunks(block_rows * row_bytes).enumerate() {
        let first = row + b * block_rows;
        let rows = block.len() / row_bytes;
        for (j, column) in columns.iter_mut().enumerate() {
            if let Some(out) = column.get_mut(first..first + rows) {
                dtype.fill(block, row_bytes, j * size, out);
            }
        }
    }
}
