//! numpy's `.npy` arrays → [`Dataset`].
//!
//! The format is small enough to read by hand, which lets every defect of a file
//! become a [`LoadError`] that says what is wrong (and never a panic): the magic
//! `\x93NUMPY`, a version byte pair, a little-endian header length (2 bytes in
//! version 1, 4 in versions 2 and 3), then a Python dict literal such as
//! `{'descr': '<f8', 'fortran_order': False, 'shape': (150, 4), }`, then the
//! data. A 2-D array of shape `(n, d)` becomes `d` columns `x1..xd` of `n` rows;
//! a 1-D array of shape `(n,)` one column. Floats (`f4`, `f8`) and integers
//! (`i1`..`i8`, `u1`..`u8`) of either byte order load; integers are converted to
//! `f64` (exactly up to 2⁵³).
//!
//! Files: this one (the entry points, the header's checks, the reading),
//! `header` (the header dict's parser), `dtype` (element types and their
//! conversion) and `decode` (the data → columns, on every core).

mod decode;
mod dtype;
mod header;
#[cfg(test)]
mod tests;

use std::io::Read;
use std::path::PathBuf;

use super::{Dataset, LoadError, LoadProgress, NumericColumn};
use dtype::Dtype;
use header::{Header, shape_repr};

/// Every `.npy` file starts with these bytes.
const MAGIC: &[u8] = b"\x93NUMPY";

/// Bytes read at a time from an input whose length is unknown.
const CHUNK_BYTES: usize = 4 * 1024 * 1024;

/// Parses the bytes of a `.npy` file into a [`Dataset`] called `name`
/// (`source` is `None`; [`load_dataset`](super::load_dataset) sets it).
///
/// # Errors
/// [`NpyBadHeader`](LoadError::NpyBadHeader),
/// [`NpyUnsupportedDtype`](LoadError::NpyUnsupportedDtype),
/// [`NpyBadShape`](LoadError::NpyBadShape) or
/// [`NpyTruncated`](LoadError::NpyTruncated), naming `name`.
pub fn parse_npy(bytes: &[u8], name: &str) -> Result<Dataset, LoadError> {
    let progress = LoadProgress::new();
    progress.set_total(bytes.len() as u64);
    let path = PathBuf::from(name);
    let mut rest = bytes;
    let mut read = |buf: &mut [u8]| Ok(read_full(&mut rest, buf).unwrap_or(0));
    let layout = read_header(&mut read, &path, progress.total())?;
    let data = bytes
        .get(usize::try_from(layout.data_at).unwrap_or(usize::MAX)..)
        .unwrap_or_default();
    check_length(&layout, &path, data.len() as u64)?;
    check_memory(&layout, &path, 0)?;
    decode::decode(&slice_reader(data), &layout, &path, &progress, threads())
}

/// Reads a `.npy` file from `input` into a [`Dataset`] called `name`, as
/// [`parse_npy`] does, straight into the columns a few hundred kilobytes at
/// a time (no copy of the whole file). `progress` counts the bytes read; if
/// its total is set, it is taken as the input's length, so a header that
/// promises more data than that fails before anything is allocated. If it is
/// not (a pipe, a device), the header's numbers are only a promise: nothing
/// is sized by them beyond what the bytes read so far can fill — the data is
/// read first (refused up front if it could not fit in a third of the memory
/// available), then decoded.
///
/// # Errors
/// As [`parse_npy`], plus [`Io`](LoadError::Io) if `input` fails and
/// [`Cancelled`](LoadError::Cancelled).
pub fn read_npy<R: Read>(
    input: R,
    name: &str,
    progress: &LoadProgress,
) -> Result<Dataset, LoadError> {
    read_npy_from(input, None, name, progress)
}

/// [`read_npy`] of a regular file whose length is `progress`'s total:
/// `input` yields its bytes from the start (the header is read from it), and
/// `file` is the same file, from which the data is read at its offsets by
/// every core at once (`pread`). Elsewhere than on Unix, as [`read_npy`].
///
/// # Errors
/// As [`read_npy`].
pub(crate) fn read_npy_file<R: Read>(
    input: R,
    file: &std::fs::File,
    name: &str,
    progress: &LoadProgress,
) -> Result<Dataset, LoadError> {
    read_npy_from(input, Some(file), name, progress)
}

/// [`read_npy`], reading the data from `file` at its offsets where there is one.
fn read_npy_from<R: Read>(
    mut input: R,
    file: Option<&std::fs::File>,
    name: &str,
    progress: &LoadProgress,
) -> Result<Dataset, LoadError> {
    let path = PathBuf::from(name);
    let io = |source| LoadError::Io {
        path: PathBuf::from(name),
        source,
    };
    let mut read = |buf: &mut [u8]| -> Result<usize, LoadError> {
        let n = read_full(&mut input, buf).map_err(io)?;
        progress.add(n as u64);
        Ok(n)
    };
    let known = progress.total();
    let layout = read_header(&mut read, &path, known)?;
    if known > 0 {
        check_length(&layout, &path, known.saturating_sub(layout.data_at))?;
        check_memory(&layout, &path, 0)?;
        #[cfg(unix)]
        if let Some(file) = file {
            use std::os::unix::fs::FileExt;
            let read_at = |offset: u64, buf: &mut [u8]| {
                let at = layout.data_at.saturating_add(offset);
                let n = read_full_at(buf, |b, k| file.read_at(b, at + k)).map_err(io)?;
                progress.add(n as u64);
                Ok(n)
            };
            return decode::decode(&read_at, &layout, &path, progress, threads());
        }
        #[cfg(not(unix))]
        let _ = file;
        return decode::decode_stream(&mut read, &layout, &path, progress);
    }
    // Unknown length: the data is held while it is decoded.
    check_memory(&layout, &path, layout.expected)?;
    let data = read_body(&mut read, &layout, &path, progress)?;
    // (Its bytes were counted as they were read: the slice reader counts nothing.)
    decode::decode(&slice_reader(&data), &layout, &path, progress, threads())
}

/// Refuses data of `found` bytes that is shorter than the header promises,
/// before anything is sized by the promise.
fn check_length(layout: &Layout, path: &std::path::Path, found: u64) -> Result<(), LoadError> {
    if found < layout.expected {
        return Err(layout.truncated(path, found));
    }
    Ok(())
}

/// Threads to decode on: every core.
fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// A positional reader of `data` (the bytes after the header), which counts
/// no progress.
fn slice_reader(data: &[u8]) -> impl Fn(u64, &mut [u8]) -> Result<usize, LoadError> + Sync + '_ {
    |offset, buf| {
        let from = data
            .get(usize::try_from(offset).unwrap_or(usize::MAX)..)
            .unwrap_or_default();
        let n = buf.len().min(from.len());
        buf[..n].copy_from_slice(&from[..n]);
        Ok(n)
    }
}

/// Fills `buf` by `read(rest of buf, bytes so far)` calls until it is full
/// or a call reads nothing (the end of the file); how many bytes it read.
#[cfg(unix)]
fn read_full_at(
    buf: &mut [u8],
    read: impl Fn(&mut [u8], u64) -> std::io::Result<usize>,
) -> std::io::Result<usize> {
    let mut filled = 0;
    while let Some(rest) = buf.get_mut(filled..).filter(|r| !r.is_empty()) {
        match read(rest, filled as u64) {
            Ok(0) => break,
            Ok(k) => filled += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// The shape of the `.npy` array `input` begins with, as Python prints it
/// (`(5, 3)`), read from its header alone; or why it cannot be loaded.
///
/// # Errors
/// As [`read_npy`]'s header checks.
pub(crate) fn npy_shape<R: Read>(mut input: R, name: &str) -> Result<String, LoadError> {
    let mut read = |buf: &mut [u8]| -> Result<usize, LoadError> {
        read_full(&mut input, buf).map_err(|source| LoadError::Io {
            path: PathBuf::from(name),
            source,
        })
    };
    read_header(&mut read, &PathBuf::from(name), 0).map(|layout| layout.shape)
}

/// A reader of the input: fills the buffer as far as the input goes and
/// returns how many bytes it read.
type ReadFn<'a> = dyn FnMut(&mut [u8]) -> Result<usize, LoadError> + 'a;

/// What the header says about the data that follows it.
struct Layout {
    dtype: Dtype,
    fortran_order: bool,
    /// Rows and columns.
    n: u64,
    d: u64,
    /// The shape as Python prints it.
    shape: String,
    /// Bytes of data promised.
    expected: u64,
    /// Where the data starts in the file.
    data_at: u64,
}

impl Layout {
    fn truncated(&self, path: &std::path::Path, found: u64) -> LoadError {
        LoadError::NpyTruncated {
            path: path.to_path_buf(),
            expected: self.expected,
            found,
        }
    }
}

/// Reads the magic, version and header dict; `known` is the input's length
/// (0: unknown), which bounds the header's buffer.
fn read_header(
    read: &mut ReadFn<'_>,
    path: &std::path::Path,
    known: u64,
) -> Result<Layout, LoadError> {
    let bad = |reason: &str| LoadError::NpyBadHeader {
        path: path.to_path_buf(),
        reason: reason.to_owned(),
    };
    let mut start = [0u8; 12];
    let got = read(&mut start[..8])?;
    let prefix = start.get(..got).unwrap_or_default();
    let version = prefix
        .strip_prefix(MAGIC)
        .ok_or_else(|| bad("it does not start with the \\x93NUMPY magic"))?;
    let Some(&[major, _minor]) = version.first_chunk::<2>() else {
        return Err(bad("the version is missing"));
    };
    let header_len = match major {
        1 => {
            let mut len = [0u8; 2];
            if read(&mut len)? < 2 {
                return Err(bad("the header length is missing"));
            }
            usize::from(u16::from_le_bytes(len))
        }
        2 | 3 => {
            let mut len = [0u8; 4];
            if read(&mut len)? < 4 {
                return Err(bad("the header length is missing"));
            }
            usize::try_from(u32::from_le_bytes(len)).unwrap_or(usize::MAX)
        }
        v => return Err(bad(&format!("format version {v} is not supported"))),
    };
    let prefix_len = if major == 1 { 10 } else { 12 };
    // A header can be at most 4 GiB; do not believe more than the input holds:
    // the buffer grows (doubling) only as the bytes arrive.
    let first = if known > 0 {
        usize::try_from(known).unwrap_or(usize::MAX)
    } else {
        1 << 20
    };
    let mut header = vec![0u8; header_len.min(first)];
    let mut got = read(&mut header)?;
    while got == header.len() && header.len() < header_len {
        let old = header.len();
        header.resize((old * 2).min(header_len), 0);
        got = old + read(header.get_mut(old..).unwrap_or_default())?;
    }
    if got < header_len {
        return Err(bad(&format!(
            "the header should be {header_len} bytes long, but the file ends after {got}"
        )));
    }
    let header = std::str::from_utf8(&header).map_err(|_| bad("the header is not text"))?;
    let header = Header::parse(header).map_err(|reason| bad(&reason))?;

    let dtype = Dtype::parse(&header.descr).map_err(|what| LoadError::NpyUnsupportedDtype {
        path: path.to_path_buf(),
        dtype: header.descr.clone(),
        what,
    })?;
    let shape = shape_repr(&header.shape);
    let bad_shape = || LoadError::NpyBadShape {
        path: path.to_path_buf(),
        shape: shape.clone(),
    };
    let (n, d) = match header.shape[..] {
        [n] => (n, 1),
        [n, d] => (n, d),
        _ => return Err(bad_shape()),
    };
    if n == 0 || d == 0 {
        return Err(bad_shape());
    }
    super::check_width(d, path)?;
    let expected = n
        .checked_mul(d)
        .and_then(|len| len.checked_mul(dtype.size as u64))
        .ok_or_else(|| bad(&format!("shape {shape} is too large")))?;
    Ok(Layout {
        dtype,
        fortran_order: header.fortran_order,
        n,
        d,
        shape,
        expected,
        data_at: (prefix_len + header_len) as u64,
    })
}

/// Bytes a column costs besides its values: the struct and its name.
const COLUMN_BYTES: u64 = std::mem::size_of::<NumericColumn>() as u64 + 16;

/// Refuses a shape whose columns (8 bytes a value, plus [`COLUMN_BYTES`] a
/// column) and `buffered` bytes of data would not fit in the memory
/// available — before anything is sized by it. A wide shape such as
/// `(1, 1000000000)` costs far more than its data: 10⁹ columns.
fn check_memory(layout: &Layout, path: &std::path::Path, buffered: u64) -> Result<(), LoadError> {
    let Some(available) = crate::files::memory_available() else {
        return Ok(());
    };
    let needed = layout
        .n
        .saturating_mul(layout.d)
        .saturating_mul(8)
        .saturating_add(layout.d.saturating_mul(COLUMN_BYTES))
        .saturating_add(buffered);
    if needed <= available {
        return Ok(());
    }
    let fmt = crate::files::fmt_bytes;
    Err(LoadError::NpyBadHeader {
        path: path.to_path_buf(),
        reason: format!(
            "its shape {} ({} rows × {} columns) needs about {} of memory once loaded, more than the {} available",
            layout.shape,
            layout.n,
            layout.d,
            fmt(needed),
            fmt(available)
        ),
    })
}

/// The data of an input whose length is unknown, read whole: refused up
/// front when the header promises more than a load may read, then grown only
/// as bytes arrive (never sized by the header's promise), and cut short with
/// [`NpyTruncated`](LoadError::NpyTruncated) when the input ends early.
fn read_body(
    read: &mut ReadFn<'_>,
    layout: &Layout,
    path: &std::path::Path,
    progress: &LoadProgress,
) -> Result<Vec<u8>, LoadError> {
    if let Some(available) = crate::files::memory_available() {
        let limit = crate::files::read_limit(available);
        if layout.expected > limit {
            let fmt = crate::files::fmt_bytes;
            return Err(LoadError::NpyBadHeader {
                path: path.to_path_buf(),
                reason: format!(
                    "its shape {} of {}-byte elements promises {} of data, more than the {} a load may read (a third of the {} of memory available)",
                    layout.shape,
                    layout.dtype.size,
                    fmt(layout.expected),
                    fmt(limit),
                    fmt(available)
                ),
            });
        }
    }
    let mut data = Vec::new();
    while (data.len() as u64) < layout.expected {
        if progress.is_cancelled() {
            return Err(LoadError::Cancelled {
                path: path.to_path_buf(),
            });
        }
        let old = data.len();
        let want = usize::try_from(layout.expected - old as u64)
            .unwrap_or(usize::MAX)
            .min(CHUNK_BYTES);
        data.resize(old + want, 0);
        let got = read(data.get_mut(old..).unwrap_or_default())?;
        data.truncate(old + got);
        if got < want {
            return Err(layout.truncated(path, data.len() as u64));
        }
    }
    Ok(data)
}

/// Reads until `buf` is full or the input ends; how many bytes were read.
fn read_full<R: Read>(input: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while let Some(rest) = buf.get_mut(filled..).filter(|r| !r.is_empty()) {
        match input.read(rest) {
            Ok(0) => break,
            Ok(k) => filled += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}
