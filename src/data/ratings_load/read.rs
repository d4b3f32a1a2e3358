//! A ratings file read as a stream, never held whole: the first line decides
//! whether `::` separates fields (ml-1m), the first rows are sniffed (the
//! delimiter, the layout, a header), then the rest is cut into chunks at
//! record ends and parsed by [`long`](super::long) or [`wide`](super::wide).
//!
//! Errors are those of one pass over the whole text, in its order: bytes
//! that are not UTF-8 (anywhere in the file: the whole file is checked even
//! after a bad line), then the first bad line, then what only the end can
//! tell (no ratings, a duplicate rating).

use std::io::{self, Cursor, Read};
use std::path::{Path, PathBuf};

use csv::StringRecord;

use super::{RATING_DELIMITERS, RatingsLayout, SNIFF_ROWS, sniff_layout};
use crate::data::delimited::{
    BOM, Lines, Source, Tuning, line_of_offset, next_record, reader, sniff_delimiter_among,
    window_fits,
};
use crate::data::{LoadError, LoadProgress, Ratings};

/// Bytes read at a time while looking for the first line.
const FIRST_LINE_READ: usize = 64 * 1024;

/// Reads ratings called `name` from `input`, in `layout` or the sniffed one.
/// `progress` counts the bytes read (its total is the caller's to set) and
/// is checked for a cancel between chunks.
pub(super) fn read_ratings<R: Read>(
    mut input: R,
    name: &str,
    layout: Option<RatingsLayout>,
    progress: &LoadProgress,
    tuning: Tuning,
) -> Result<Ratings, LoadError> {
    let path = PathBuf::from(name);
    let (prefix, double) = first_line(&mut input, &path)?;
    let stream = DoubleColons::new(Cursor::new(prefix).chain(input), double);
    let mut src = Source::new(stream, progress, &path);
    src.fill(tuning.head)?;
    let head = sniff(&mut src, tuning.head)?;
    let layout = layout.unwrap_or_else(|| sniff_layout(&head.records));
    // All of a small input is read already: no threads for it.
    let tuning = if src.eof {
        Tuning {
            workers: 1,
            ..tuning
        }
    } else {
        tuning
    };
    let mut ratings = match layout {
        RatingsLayout::Long => super::long::read_long(&mut src, &head, tuning)?,
        RatingsLayout::Wide => super::wide::read_wide(&mut src, &head, tuning)?,
    };
    name.clone_into(&mut ratings.name);
    Ok(ratings)
}

/// Reads `input` to the end of its first line that is not blank (or to its
/// end), without a byte-order mark; says whether that line holds `::` (then
/// every `::` of the file is a field separator, as in ml-1m's `ratings.dat`).
fn first_line<R: Read>(input: &mut R, path: &Path) -> Result<(Vec<u8>, bool), LoadError> {
    let io = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut buf = Vec::new();
    let mut bom_checked = false;
    // Where the first line not yet looked at starts.
    let mut scanned = 0;
    let mut eof = false;
    loop {
        if !bom_checked && (buf.len() >= BOM.len() || eof) {
            if buf.starts_with(BOM) {
                buf.drain(..BOM.len());
            }
            bom_checked = true;
        }
        if bom_checked {
            loop {
                let rest = buf.get(scanned..).unwrap_or_default();
                let end = match memchr::memchr(b'\n', rest) {
                    Some(nl) => nl,
                    None if eof => rest.len(),
                    None => break,
                };
                let line = rest.get(..end).unwrap_or_default();
                match std::str::from_utf8(line) {
                    // The first bad byte of the file: the lines before are text.
                    Err(e) => {
                        return Err(LoadError::NotUtf8 {
                            path: path.to_path_buf(),
                            line: line_of_offset(&buf, scanned + e.valid_up_to()),
                        });
                    }
                    Ok(text) if !text.trim().is_empty() => {
                        let double = text.contains("::");
                        return Ok((buf, double));
                    }
                    Ok(_) if end == rest.len() => return Ok((buf, false)),
                    Ok(_) => scanned += end + 1,
                }
            }
        }
        let n = input
            .by_ref()
            .take(FIRST_LINE_READ as u64)
            .read_to_end(&mut buf)
            .map_err(io)?;
        eof = n == 0;
    }
}

/// The first rows of the input, as sniffing saw them.
pub(super) struct Head {
    /// The delimiter sniffed from them.
    pub(super) delimiter: u8,
    /// The first [`SNIFF_ROWS`] records that are not blank.
    pub(super) records: Vec<StringRecord>,
    /// The line the first record is on.
    pub(super) first_line: usize,
    /// Where the first record (a header, if there is one) ends in the
    /// source's buffer.
    header_end: usize,
}

impl Head {
    /// Drops the first record (the header) from what `src` holds, and
    /// returns how many lines it dropped.
    pub(super) fn drop_header<R: Read>(&self, src: &mut Source<'_, R>) -> usize {
        let end = self.header_end.min(src.buf.len());
        let lines = memchr::memchr_iter(b'\n', src.buf.get(..end).unwrap_or_default()).count();
        src.buf.drain(..end);
        src.consumed += end as u64;
        lines
    }
}

/// Reads on from what `src` holds until the first [`SNIFF_ROWS`] records
/// (with every candidate delimiter) are in, or the input ends; sniffs the
/// delimiter and returns those records. Sniffing works on whole lines.
///
/// # Errors
/// [`NotUtf8`](LoadError::NotUtf8) for a bad byte among those lines (the
/// first of the file), [`Empty`](LoadError::Empty) for an input of blank
/// lines, or an I/O error.
fn sniff<R: Read>(src: &mut Source<'_, R>, head: usize) -> Result<Head, LoadError> {
    let path = src.path;
    loop {
        let end = if src.eof {
            src.buf.len()
        } else {
            memchr::memrchr(b'\n', &src.buf).map_or(0, |i| i + 1)
        };
        let bytes = src.buf.get(..end).unwrap_or_default();
        let text = std::str::from_utf8(bytes).map_err(|e| LoadError::NotUtf8 {
            path: path.to_path_buf(),
            line: line_of_offset(bytes, e.valid_up_to()),
        })?;
        if src.eof || window_fits(text) {
            let empty = || LoadError::Empty {
                path: path.to_path_buf(),
            };
            if text.trim().is_empty() {
                return Err(empty());
            }
            let delimiter = sniff_delimiter_among(text, &RATING_DELIMITERS);
            let mut reader = reader(text, delimiter);
            let mut record = StringRecord::new();
            let mut records = Vec::with_capacity(SNIFF_ROWS);
            let mut header_end = 0;
            let mut first_line = 0;
            while records.len() < SNIFF_ROWS && next_record(&mut reader, &mut record, path)? {
                if records.is_empty() {
                    header_end = usize::try_from(reader.position().byte()).unwrap_or(usize::MAX);
                    first_line = Lines::new(text).of(&record);
                }
                records.push(record.clone());
            }
            if records.is_empty() {
                return Err(empty());
            }
            return Ok(Head {
                delimiter,
                records,
                first_line,
                header_end,
            });
        }
        let want = src.buf.len().max(head) * 2;
        src.fill(want)?;
    }
}

/// What a worker first checks in a chunk: its newlines and where it stops
/// being UTF-8.
pub(super) struct Checked<'a> {
    /// `\n`s in the chunk.
    pub(super) newlines: usize,
    /// The chunk as text, or the chunk's (1-based) line of its first byte
    /// that is not UTF-8.
    pub(super) text: Result<&'a str, usize>,
}

impl<'a> Checked<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Self {
            newlines: memchr::memchr_iter(b'\n', bytes).count(),
            text: std::str::from_utf8(bytes).map_err(|e| line_of_offset(bytes, e.valid_up_to())),
        }
    }
}

/// `input` with every `::` read as a tab (ml-1m's separator) when `on`, as
/// `str::replace("::", "\t")` would turn the whole text: left to right,
/// pairs not overlapping. Lines are unchanged.
struct DoubleColons<R> {
    input: R,
    on: bool,
    raw: Vec<u8>,
    ready: Vec<u8>,
    /// Bytes of `ready` already handed out.
    pos: usize,
    /// A `:` read but not handed out: the next byte says what it is.
    colon: bool,
    eof: bool,
}

impl<R: Read> DoubleColons<R> {
    fn new(input: R, on: bool) -> Self {
        Self {
            input,
            on,
            raw: Vec::new(),
            ready: Vec::new(),
            pos: 0,
            colon: false,
            eof: false,
        }
    }
}

impl<R: Read> Read for DoubleColons<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if !self.on {
            return self.input.read(out);
        }
        while self.pos == self.ready.len() {
            if self.eof {
                return Ok(0);
            }
            self.ready.clear();
            self.pos = 0;
            self.raw.resize(FIRST_LINE_READ, 0);
            let n = self.input.read(&mut self.raw)?;
            if n == 0 {
                self.eof = true;
                if std::mem::take(&mut self.colon) {
                    self.ready.push(b':');
                }
            }
            for &b in self.raw.get(..n).unwrap_or_default() {
                if std::mem::take(&mut self.colon) {
                    if b == b':' {
                        self.ready.push(b'\t');
                        continue;
                    }
                    self.ready.push(b':');
                }
                if b == b':' {
                    self.colon = true;
                } else {
                    self.ready.push(b);
                }
            }
        }
        let ready = self.ready.get(self.pos..).unwrap_or_default();
        let k = ready.len().min(out.len());
        out.get_mut(..k)
            .unwrap_or_default()
            .copy_from_slice(ready.get(..k).unwrap_or_default());
        self.pos += k;
        Ok(k)
    }
}
