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

use std::io::Read;
use std::path::PathBuf;

use super::{Dataset, LoadError, LoadProgress, NumericColumn};

/// Every `.npy` file starts with these bytes.
const MAGIC: &[u8] = b"\x93NUMPY";

/// How deeply the header's literals may nest (numpy's own headers nest 2 deep).
const MAX_DEPTH: usize = 16;

/// Bytes read at a time; rows are decoded in blocks of about [`BLOCK_BYTES`].
const CHUNK_BYTES: usize = 4 * 1024 * 1024;

/// Bytes of rows decoded column by column while they sit in cache.
const BLOCK_BYTES: usize = 128 * 1024;

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
    read_npy(bytes, name, &progress)
}

/// Reads a `.npy` file from `input` into a [`Dataset`] called `name`, as
/// [`parse_npy`] does, straight into the columns a few megabytes at a time
/// (no copy of the whole file). `progress` counts the bytes read; if its total
/// is set, it is taken as the input's length, so a header that promises more
/// data than that fails before anything is allocated. If it is not (a pipe, a
/// device), the header's numbers are only a promise: nothing is sized by them
/// beyond what the bytes read so far can fill — the data is read first
/// (refused up front if it could not fit in a third of the memory available),
/// then decoded.
///
/// # Errors
/// As [`parse_npy`], plus [`Io`](LoadError::Io) if `input` fails and
/// [`Cancelled`](LoadError::Cancelled).
pub fn read_npy<R: Read>(
    mut input: R,
    name: &str,
    progress: &LoadProgress,
) -> Result<Dataset, LoadError> {
    let path = PathBuf::from(name);
    let mut read = |buf: &mut [u8]| -> Result<usize, LoadError> {
        let n = read_full(&mut input, buf).map_err(|source| LoadError::Io {
            path: PathBuf::from(name),
            source,
        })?;
        progress.add(n as u64);
        Ok(n)
    };
    let known = progress.total();
    let layout = read_header(&mut read, &path, known)?;
    if known > 0 {
        if known.saturating_sub(layout.data_at) < layout.expected {
            return Err(layout.truncated(&path, known.saturating_sub(layout.data_at)));
        }
        check_memory(&layout, &path, 0)?;
        return decode(&mut read, &layout, &path, progress);
    }
    // Unknown length: the data is held while it is decoded.
    check_memory(&layout, &path, layout.expected)?;
    let data = read_body(&mut read, &layout, &path, progress)?;
    let mut rest = data.as_slice();
    decode(
        &mut |buf: &mut [u8]| Ok(read_full(&mut rest, buf).unwrap_or(0)),
        &layout,
        &path,
        progress,
    )
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

/// Decodes the data, whose length the caller has checked, into columns.
fn decode(
    read: &mut ReadFn<'_>,
    layout: &Layout,
    path: &std::path::Path,
    progress: &LoadProgress,
) -> Result<Dataset, LoadError> {
    let (Ok(n), Ok(d)) = (usize::try_from(layout.n), usize::try_from(layout.d)) else {
        return Err(layout.truncated(path, 0));
    };
    let dtype = layout.dtype;
    let expected = layout.expected;
    let mut columns: Vec<NumericColumn> = (1..=d)
        .map(|j| NumericColumn {
            name: format!("x{j}"),
            values: Vec::with_capacity(n),
        })
        .collect();
    let size = dtype.size;
    let row_bytes = d * size;
    // C order: whole rows per chunk; Fortran order: any whole elements.
    let unit = if layout.fortran_order {
        size
    } else {
        row_bytes
    };
    let mut buf = vec![0u8; (CHUNK_BYTES / unit).max(1) * unit];
    let mut done: u64 = 0;
    let mut element = 0usize;
    while done < expected {
        if progress.is_cancelled() {
            return Err(LoadError::Cancelled {
                path: path.to_path_buf(),
            });
        }
        let want = usize::try_from(expected - done)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let chunk = buf.get_mut(..want).unwrap_or_default();
        let got = read(chunk)?;
        done += got as u64;
        if got < want {
            return Err(layout.truncated(path, done));
        }
        if layout.fortran_order {
            // Elements k.. run down column k / n from row k % n.
            let mut rest = &chunk[..];
            while !rest.is_empty() {
                let j = element / n;
                let take = ((n - element % n) * size).min(rest.len());
                let (part, tail) = rest.split_at(take);
                if let Some(column) = columns.get_mut(j) {
                    dtype.extend(part, size, 0, &mut column.values);
                }
                element += take / size;
                rest = tail;
            }
        } else {
            // Rows → columns, a cache-sized block of rows at a time. (One
            // thread: splitting a chunk's columns between threads lost more
            // to scheduling on a busy machine than it gained.)
            for block in chunk.chunks(((BLOCK_BYTES / row_bytes).max(1)) * row_bytes) {
                for (j, column) in columns.iter_mut().enumerate() {
                    dtype.extend(block, row_bytes, j * size, &mut column.values);
                }
            }
        }
    }
    Ok(Dataset {
        name: path.display().to_string(),
        source: None,
        n_rows: n,
        columns,
        labels: Vec::new(),
    })
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

/// A shape as Python prints it: `(3,)`, `(2, 3, 4)`.
fn shape_repr(shape: &[u64]) -> String {
    if let [n] = shape {
        format!("({n},)")
    } else {
        let dims: Vec<String> = shape.iter().map(u64::to_string).collect();
        format!("({})", dims.join(", "))
    }
}

/// The three entries of a `.npy` header dict.
struct Header {
    descr: String,
    fortran_order: bool,
    shape: Vec<u64>,
}

impl Header {
    /// Reads the header dict; the error says what is wrong with it.
    fn parse(text: &str) -> Result<Self, String> {
        let mut parser = Parser {
            s: text.as_bytes(),
            i: 0,
        };
        let Literal::Dict(entries) = parser.literal(0)? else {
            return Err("the header is not a dict".to_owned());
        };
        let get = |key: &str| {
            entries
                .iter()
                .find(|(k, _)| matches!(k, Literal::Str(s) if s == key))
                .map(|(_, v)| v)
                .ok_or_else(|| format!("the header has no '{key}' entry"))
        };
        let descr = match get("descr")? {
            Literal::Str(s) => s.clone(),
            // A list of fields: a structured (record) array.
            Literal::List => "[...]".to_owned(),
            _ => return Err("'descr' is not a string".to_owned()),
        };
        let Literal::Bool(fortran_order) = *get("fortran_order")? else {
            return Err("'fortran_order' is not True or False".to_owned());
        };
        let Literal::Tuple(dims) = get("shape")? else {
            return Err("'shape' is not a tuple".to_owned());
        };
        let shape = dims
            .iter()
            .map(|dim| match dim {
                Literal::Int(n) => Ok(*n),
                _ => Err("'shape' holds something other than whole numbers".to_owned()),
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            descr,
            fortran_order,
            shape,
        })
    }
}

/// The Python literals a `.npy` header can hold.
enum Literal {
    Str(String),
    Int(u64),
    Bool(bool),
    None,
    Tuple(Vec<Literal>),
    /// A list; its items are not needed (a list `descr` means a structured array).
    List,
    Dict(Vec<(Literal, Literal)>),
}

/// A recursive-descent reader of Python literals, depth-limited.
struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&mut self) -> Option<u8> {
        while self.s.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
        self.s.get(self.i).copied()
    }

    fn expect(&mut self, c: u8) -> Result<(), String> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(format!(
                "expected '{}' at byte {} of the header",
                char::from(c),
                self.i
            ))
        }
    }

    fn literal(&mut self, depth: usize) -> Result<Literal, String> {
        if depth > MAX_DEPTH {
            return Err("the header nests too deeply".to_owned());
        }
        match self.peek() {
            Some(b'{') => {
                self.i += 1;
                let mut entries = Vec::new();
                while self.peek() != Some(b'}') {
                    let key = self.literal(depth + 1)?;
                    self.expect(b':')?;
                    let value = self.literal(depth + 1)?;
                    entries.push((key, value));
                    if self.peek() != Some(b'}') {
                        self.expect(b',')?;
                    }
                }
                self.i += 1;
                Ok(Literal::Dict(entries))
            }
            Some(open @ (b'(' | b'[')) => {
                self.i += 1;
                let close = if open == b'(' { b')' } else { b']' };
                let mut items = Vec::new();
                while self.peek() != Some(close) {
                    items.push(self.literal(depth + 1)?);
                    if self.peek() != Some(close) {
                        self.expect(b',')?;
                    }
                }
                self.i += 1;
                Ok(if open == b'(' {
                    Literal::Tuple(items)
                } else {
                    Literal::List
                })
            }
            Some(quote @ (b'\'' | b'"')) => {
                self.i += 1;
                let mut bytes = Vec::new();
                loop {
                    match self.s.get(self.i) {
                        None => return Err("a string in the header is not closed".to_owned()),
                        Some(&c) if c == quote => break,
                        Some(b'\\') => {
                            self.i += 1;
                            bytes.extend(self.s.get(self.i));
                        }
                        Some(&c) => bytes.push(c),
                    }
                    self.i += 1;
                }
                self.i += 1;
                Ok(Literal::Str(String::from_utf8_lossy(&bytes).into_owned()))
            }
            Some(c) if c.is_ascii_digit() => {
                let start = self.i;
                while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
                    self.i += 1;
                }
                let digits = self.s.get(start..self.i).unwrap_or_default();
                let n = std::str::from_utf8(digits)
                    .ok()
                    .and_then(|d| d.parse::<u64>().ok())
                    .ok_or_else(|| "a number in the header is too large".to_owned())?;
                // Python 2 wrote long integers as `3L`.
                if self.s.get(self.i) == Some(&b'L') {
                    self.i += 1;
                }
                Ok(Literal::Int(n))
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let start = self.i;
                while self.s.get(self.i).is_some_and(u8::is_ascii_alphanumeric) {
                    self.i += 1;
                }
                match self.s.get(start..self.i).unwrap_or_default() {
                    b"True" => Ok(Literal::Bool(true)),
                    b"False" => Ok(Literal::Bool(false)),
                    b"None" => Ok(Literal::None),
                    word => Err(format!(
                        "unexpected '{}' in the header",
                        String::from_utf8_lossy(word)
                    )),
                }
            }
            Some(c) => Err(format!(
                "unexpected '{}' at byte {} of the header",
                char::from(c).escape_default(),
                self.i
            )),
            None => Err("the header ends too early".to_owned()),
        }
    }
}

/// The element types that load.
#[derive(Clone, Copy)]
enum Kind {
    Float,
    Signed,
    Unsigned,
}

/// An element type: kind, size in bytes and byte order.
#[derive(Clone, Copy)]
struct Dtype {
    kind: Kind,
    size: usize,
    big_endian: bool,
}

impl Dtype {
    /// Reads a dtype string such as `<f8`, `>i4` or `|u1`; the error says in
    /// words what an unsupported one is.
    fn parse(descr: &str) -> Result<Self, String> {
        let (order, rest) = match descr.as_bytes().first() {
            Some(&c @ (b'<' | b'>' | b'|' | b'=')) => (c, descr.get(1..).unwrap_or_default()),
            _ => (b'=', descr),
        };
        let big_endian = match order {
            b'>' => true,
            b'=' => cfg!(target_endian = "big"),
            _ => false,
        };
        let mut chars = rest.chars();
        let code = chars.next().unwrap_or(' ');
        let size: Option<usize> = chars.as_str().parse().ok();
        let kind = match (code, size) {
            ('f', Some(4 | 8)) => Kind::Float,
            ('i', Some(1 | 2 | 4 | 8)) => Kind::Signed,
            ('u', Some(1 | 2 | 4 | 8)) => Kind::Unsigned,
            ('f', Some(2)) => return Err("16-bit floats".to_owned()),
            ('f', _) => return Err("extended-precision floats".to_owned()),
            ('b' | '?', _) => return Err("booleans".to_owned()),
            ('c', _) => return Err("complex numbers".to_owned()),
            ('S' | 'a', _) => return Err("byte strings".to_owned()),
            ('U', _) => return Err("Unicode strings".to_owned()),
            ('O', _) => return Err("Python objects".to_owned()),
            ('M', _) => return Err("datetimes".to_owned()),
            ('m', _) => return Err("timedeltas".to_owned()),
            ('V', _) => return Err("raw bytes".to_owned()),
            ('[', _) => return Err("a structured (record) array".to_owned()),
            _ => return Err("an unknown type".to_owned()),
        };
        Ok(Self {
            kind,
            size: size.unwrap_or(8),
            big_endian,
        })
    }

    /// Appends to `out` the element at byte `offset` of every `stride`-byte
    /// record of `bytes`, as `f64`.
    fn extend(self, bytes: &[u8], stride: usize, offset: usize, out: &mut Vec<f64>) {
        match (self.kind, self.size, self.big_endian) {
            (Kind::Float, 4, false) => gather(bytes, stride, offset, out, |b| {
                f64::from(f32::from_le_bytes(b))
            }),
            (Kind::Float, 4, true) => gather(bytes, stride, offset, out, |b| {
                f64::from(f32::from_be_bytes(b))
            }),
            (Kind::Float, _, false) => gather(bytes, stride, offset, out, f64::from_le_bytes),
            (Kind::Float, _, true) => gather(bytes, stride, offset, out, f64::from_be_bytes),
            (Kind::Signed, 1, _) => gather(bytes, stride, offset, out, |b| {
                f64::from(i8::from_le_bytes(b))
            }),
            (Kind::Signed, 2, false) => gather(bytes, stride, offset, out, |b| {
                f64::from(i16::from_le_bytes(b))
            }),
            (Kind::Signed, 2, true) => gather(bytes, stride, offset, out, |b| {
                f64::from(i16::from_be_bytes(b))
            }),
            (Kind::Signed, 4, false) => gather(bytes, stride, offset, out, |b| {
                f64::from(i32::from_le_bytes(b))
            }),
            (Kind::Signed, 4, true) => gather(bytes, stride, offset, out, |b| {
                f64::from(i32::from_be_bytes(b))
            }),
            (Kind::Signed, _, false) => {
                gather(bytes, stride, offset, out, |b| i64::from_le_bytes(b) as f64);
            }
            (Kind::Signed, _, true) => {
                gather(bytes, stride, offset, out, |b| i64::from_be_bytes(b) as f64);
            }
            (Kind::Unsigned, 1, _) => gather(bytes, stride, offset, out, |b| {
                f64::from(u8::from_le_bytes(b))
            }),
            (Kind::Unsigned, 2, false) => gather(bytes, stride, offset, out, |b| {
                f64::from(u16::from_le_bytes(b))
            }),
            (Kind::Unsigned, 2, true) => gather(bytes, stride, offset, out, |b| {
                f64::from(u16::from_be_bytes(b))
            }),
            (Kind::Unsigned, 4, false) => gather(bytes, stride, offset, out, |b| {
                f64::from(u32::from_le_bytes(b))
            }),
            (Kind::Unsigned, 4, true) => gather(bytes, stride, offset, out, |b| {
                f64::from(u32::from_be_bytes(b))
            }),
            (Kind::Unsigned, _, false) => {
                gather(bytes, stride, offset, out, |b| u64::from_le_bytes(b) as f64);
            }
            (Kind::Unsigned, _, true) => {
                gather(bytes, stride, offset, out, |b| u64::from_be_bytes(b) as f64);
            }
        }
    }
}

/// Appends `convert` of the `N` bytes at `offset` of every `stride`-byte record
/// of `bytes` to `out` (one loop per element type, so it compiles tight).
fn gather<const N: usize>(
    bytes: &[u8],
    stride: usize,
    offset: usize,
    out: &mut Vec<f64>,
    convert: impl Fn([u8; N]) -> f64,
) {
    out.extend(bytes.chunks_exact(stride).map(|record| {
        record
            .get(offset..offset + N)
            .and_then(|b| <[u8; N]>::try_from(b).ok())
            .map_or(f64::NAN, &convert)
    }));
}
