//! Delimited text (CSV, TSV, semicolon- or pipe-separated) → [`Dataset`].
//!
//! Nothing about the file is configured; it is sniffed from its first rows:
//! - the delimiter is the one of `,` `\t` `;` `|` that splits the first
//!   20 rows into the same number (> 1) of fields, quotes respected;
//!   none does → a single column;
//! - the first row is a header when one of its cells is text while the same
//!   column below is numeric, or when all its cells are text (or empty) and the
//!   rows below are not all text; without a header the columns are named `x1`,
//!   `x2`, ...;
//! - a column is numeric when its first non-missing cell parses as an `f64`,
//!   otherwise it holds labels.
//!
//! Cells are trimmed. Empty cells and `NA`, `N/A`, `nan`, `null` (any case) are
//! missing: `NaN` in a numeric column, the label `""` in a label column. Lines
//! that are empty or hold only whitespace are skipped. Lines end at `\n` (a
//! `\r` before it goes with the trimmed cell), so errors name physical lines.
//!
//! Big inputs are never held whole: they are read in chunks of a few
//! megabytes cut at record boundaries (quotes respected), parsed on worker
//! threads — chunks without quotes by a direct splitter, others by the csv
//! crate — and merged in order. Whatever the chunking, the result is the one
//! a single pass gives, and the error reported is the first in the file.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, mpsc};

use csv::{Reader, ReaderBuilder, StringRecord};

use super::{Dataset, LabelColumn, LoadError, LoadProgress, NumericColumn, error::quote_cell};

/// Candidate delimiters, in order of preference when several fit equally well.
const DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];

/// How many rows the delimiter and header sniffing look at.
const SNIFF_ROWS: usize = 20;

/// The UTF-8 byte-order mark some editors put at the start of a file.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Bytes the first look at the input reads for sniffing (more while the
/// sniffed rows do not fit).
const HEAD_BYTES: usize = 64 * 1024;

/// Bytes per chunk handed to a parsing thread.
const CHUNK_BYTES: usize = 4 * 1024 * 1024;

/// Most threads that parse chunks.
const MAX_WORKERS: usize = 4;

/// Parses delimited text into a [`Dataset`] called `name` (`source` is `None`;
/// [`load_dataset`](super::load_dataset) sets it).
///
/// # Errors
/// A [`LoadError`] naming `name` and, where there is one, the line and column:
/// [`Empty`](LoadError::Empty), [`HeaderOnly`](LoadError::HeaderOnly),
/// [`Ragged`](LoadError::Ragged), [`NotANumber`](LoadError::NotANumber),
/// [`NotUtf8`](LoadError::NotUtf8), [`DuplicateColumn`](LoadError::DuplicateColumn),
/// [`NoNumericColumns`](LoadError::NoNumericColumns) or [`Csv`](LoadError::Csv).
pub fn parse_delimited(bytes: &[u8], name: &str) -> Result<Dataset, LoadError> {
    let progress = LoadProgress::new();
    progress.set_total(bytes.len() as u64);
    read_delimited(bytes, name, &progress)
}

/// Reads delimited text from `input` into a [`Dataset`] called `name`, as
/// [`parse_delimited`] does, without holding the whole text in memory: the
/// input is read in chunks cut at record boundaries (quotes respected), and
/// the chunks are parsed on several threads. `progress` counts the bytes read
/// (its total, if known, is the caller's to set) and is checked for a cancel
/// between chunks.
///
/// # Errors
/// As [`parse_delimited`], plus [`Io`](LoadError::Io) if `input` fails and
/// [`Cancelled`](LoadError::Cancelled).
pub fn read_delimited<R: Read>(
    input: R,
    name: &str,
    progress: &LoadProgress,
) -> Result<Dataset, LoadError> {
    read_delimited_tuned(input, name, progress, Tuning::default())
}

/// Chunk sizes and thread count, small in unit tests to exercise every seam.
#[derive(Clone, Copy, Debug)]
struct Tuning {
    head: usize,
    chunk: usize,
    workers: usize,
}

impl Default for Tuning {
    fn default() -> Self {
        Self {
            head: HEAD_BYTES,
            chunk: CHUNK_BYTES,
            workers: std::thread::available_parallelism()
                .map_or(1, std::num::NonZero::get)
                .clamp(1, MAX_WORKERS),
        }
    }
}

fn read_delimited_tuned<R: Read>(
    input: R,
    name: &str,
    progress: &LoadProgress,
    tuning: Tuning,
) -> Result<Dataset, LoadError> {
    let path = PathBuf::from(name);
    let mut src = Source {
        input,
        buf: Vec::new(),
        eof: false,
        progress,
        path: &path,
        consumed: 0,
        spare: Vec::new(),
    };
    src.fill(tuning.head)?;
    if src.buf.starts_with(BOM) {
        src.buf.drain(..BOM.len());
    }

    // Sniff on whole lines of text, reading on until every candidate
    // delimiter sees the whole sniffing window (or the input or its valid
    // UTF-8 ends: a bad byte is reported when parsing reaches its line).
    let (delimiter, head) = loop {
        let end = if src.eof {
            src.buf.len()
        } else {
            memchr::memrchr(b'\n', &src.buf).map_or(0, |i| i + 1)
        };
        let bytes = src.buf.get(..end).unwrap_or_default();
        let (text, bad) = match std::str::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(e) => {
                let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
                let lines = memchr::memrchr(b'\n', valid).map_or(0, |i| i + 1);
                let text = std::str::from_utf8(valid.get(..lines).unwrap_or_default());
                (
                    text.unwrap_or_default(),
                    Some(line_of_offset(bytes, e.valid_up_to())),
                )
            }
        };
        let blank = text.trim().is_empty();
        if blank && (src.eof || bad.is_some()) {
            return Err(match bad {
                Some(line) => LoadError::NotUtf8 { path, line },
                None => LoadError::Empty { path },
            });
        }
        if src.eof || bad.is_some() || (!blank && window_fits(text)) {
            let delimiter = sniff_delimiter(text);
            let mut reader = reader(text, delimiter);
            let mut record = StringRecord::new();
            let mut head = Vec::with_capacity(SNIFF_ROWS);
            while head.len() < SNIFF_ROWS && next_record(&mut reader, &mut record, &path)? {
                head.push(record.clone());
            }
            break (delimiter, head);
        }
        let want = src.buf.len().max(tuning.head) * 2;
        src.fill(want)?;
    };
    let Some(first) = head.first() else {
        return Err(LoadError::Empty { path });
    };
    let width = first.len();
    let has_header = looks_like_header(&head);
    let names = if has_header {
        header_names(first, &path)?
    } else {
        (1..=width).map(|j| format!("x{j}")).collect()
    };
    let ctx = ChunkContext {
        path: &path,
        delimiter,
        width,
        names: &names,
    };

    // The first chunk (what was read for sniffing) settles the column kinds on
    // this thread; the rest are parsed on worker threads with those kinds.
    let mut table = Table {
        columns: vec![ColumnBuilder::Undecided { missing: 0 }; width],
        n_rows: 0,
        lines: 0,
    };
    let Some(first_chunk) = src.next_chunk(delimiter, tuning.head)? else {
        return Err(LoadError::Empty { path });
    };
    let kinds = table.kinds();
    let parsed = parse_chunk(&first_chunk, &ctx, &kinds, has_header);
    table.merge(&first_chunk, &kinds, parsed, &ctx)?;
    table.reserve(progress.total(), src.consumed);
    parse_rest(&mut src, &mut table, &ctx, tuning)?;

    if table.n_rows == 0 {
        return Err(LoadError::HeaderOnly { path });
    }
    let mut columns = Vec::new();
    let mut labels = Vec::new();
    for (name, builder) in names.into_iter().zip(table.columns) {
        match builder {
            ColumnBuilder::Undecided { missing } => columns.push(NumericColumn {
                name,
                values: vec![f64::NAN; missing],
            }),
            ColumnBuilder::Numeric(mut values) => {
                values.shrink_to_fit();
                columns.push(NumericColumn { name, values });
            }
            ColumnBuilder::Text {
                categories, codes, ..
            } => labels.push(LabelColumn {
                name,
                categories,
                codes,
            }),
        }
    }
    if columns.is_empty() {
        return Err(LoadError::NoNumericColumns { path });
    }
    Ok(Dataset {
        name: name.to_owned(),
        source: None,
        n_rows: table.n_rows,
        columns,
        labels,
    })
}

/// Parses every chunk after the first: the reading thread cuts chunks and
/// merges results in order while `tuning.workers` threads parse.
fn parse_rest<R: Read>(
    src: &mut Source<'_, R>,
    table: &mut Table,
    ctx: &ChunkContext<'_>,
    tuning: Tuning,
) -> Result<(), LoadError> {
    let cancelled = || LoadError::Cancelled {
        path: ctx.path.to_path_buf(),
    };
    if tuning.workers <= 1 {
        while let Some(chunk) = src.next_chunk(ctx.delimiter, tuning.chunk)? {
            if src.progress.is_cancelled() {
                return Err(cancelled());
            }
            let kinds = table.kinds();
            let parsed = parse_chunk(&chunk, ctx, &kinds, false);
            table.merge(&chunk, &kinds, parsed, ctx)?;
            src.spare.push(chunk);
        }
        return Ok(());
    }
    let (job_tx, job_rx) = mpsc::sync_channel::<Job>(tuning.workers + 1);
    let job_rx = Mutex::new(job_rx);
    std::thread::scope(|s| {
        let job_tx = job_tx;
        let (done_tx, done_rx) = mpsc::channel::<(Job, Result<Parsed, LoadError>)>();
        for _ in 0..tuning.workers {
            let done_tx = done_tx.clone();
            let job_rx = &job_rx;
            s.spawn(move || {
                loop {
                    let job = match job_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok(job) = job else { return };
                    let parsed = parse_chunk(&job.bytes, ctx, &job.kinds, false);
                    if done_tx.send((job, parsed)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);

        let mut next_sent = 0usize;
        let mut next_merged = 0usize;
        let mut pending = BTreeMap::new();
        let mut exhausted = false;
        loop {
            if src.progress.is_cancelled() {
                return Err(cancelled());
            }
            if !exhausted && next_sent - next_merged - pending.len() <= tuning.workers {
                if let Some(bytes) = src.next_chunk(ctx.delimiter, tuning.chunk)? {
                    let job = Job {
                        index: next_sent,
                        bytes,
                        kinds: table.kinds(),
                    };
                    if job_tx.send(job).is_err() {
                        break;
                    }
                    next_sent += 1;
                    continue;
                }
                exhausted = true;
            }
            if next_merged == next_sent {
                return Ok(());
            }
            // Every worker gone with work outstanding: only a panic does that,
            // and the scope re-raises it.
            let Ok((job, parsed)) = done_rx.recv() else {
                break;
            };
            pending.insert(job.index, (job, parsed));
            while let Some((job, parsed)) = pending.remove(&next_merged) {
                table.merge(&job.bytes, &job.kinds, parsed, ctx)?;
                src.spare.push(job.bytes);
                next_merged += 1;
            }
        }
        Err(LoadError::Csv {
            path: ctx.path.to_path_buf(),
            line: None,
            message: "a parsing thread stopped unexpectedly".to_owned(),
        })
    })
}

/// Chunk `index` of the input and the column kinds it was parsed with.
struct Job {
    index: usize,
    bytes: Vec<u8>,
    kinds: Vec<Kind>,
}

/// What the chunk parsers share.
struct ChunkContext<'a> {
    path: &'a Path,
    delimiter: u8,
    width: usize,
    names: &'a [String],
}

/// The input, read a chunk at a time into `buf`.
struct Source<'a, R> {
    input: R,
    /// Read and not yet handed out.
    buf: Vec<u8>,
    eof: bool,
    progress: &'a LoadProgress,
    path: &'a Path,
    /// Bytes handed out as chunks so far.
    consumed: u64,
    /// Chunk buffers given back after parsing, for reuse.
    spare: Vec<Vec<u8>>,
}

impl<R: Read> Source<'_, R> {
    /// Reads until `buf` holds at least `want` bytes or the input ends.
    fn fill(&mut self, want: usize) -> Result<(), LoadError> {
        while !self.eof && self.buf.len() < want {
            let missing = want - self.buf.len();
            self.buf.reserve_exact(missing);
            let n = (&mut self.input)
                .take(missing as u64)
                .read_to_end(&mut self.buf)
                .map_err(|source| LoadError::Io {
                    path: self.path.to_path_buf(),
                    source,
                })?;
            self.progress.add(n as u64);
            if n < missing {
                self.eof = true;
            }
        }
        Ok(())
    }

    /// The next chunk of about `size` bytes, ending at a record boundary (or
    /// the end of the input); `None` at the end.
    fn next_chunk(&mut self, delimiter: u8, size: usize) -> Result<Option<Vec<u8>>, LoadError> {
        let mut want = size.max(1);
        loop {
            self.fill(want)?;
            let cut = if self.eof {
                Some(self.buf.len())
            } else {
                last_record_end(&self.buf, delimiter)
            };
            match cut {
                Some(0) if self.eof => return Ok(None),
                Some(cut) if cut > 0 => {
                    // The rest moves to a recycled buffer (its pages are
                    // mapped already), and the full one is handed out.
                    let mut rest = self.spare.pop().unwrap_or_default();
                    rest.clear();
                    rest.extend_from_slice(self.buf.get(cut..).unwrap_or_default());
                    self.buf.truncate(cut);
                    self.consumed += cut as u64;
                    return Ok(Some(std::mem::replace(&mut self.buf, rest)));
                }
                // One record longer than the buffer: read more.
                _ => want = self.buf.len().max(want) * 2,
            }
        }
    }
}

/// Where [`last_record_end`] is in a record.
#[derive(Clone, Copy)]
enum State {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// The end (one past its `\n`) of the last complete record in `bytes`, which
/// starts at a record boundary: a newline outside quotes, following the csv
/// crate's rules (a quote opens a quoted field only at the start of a field;
/// `""` inside one is a literal quote).
fn last_record_end(bytes: &[u8], delimiter: u8) -> Option<usize> {
    if memchr::memchr(b'"', bytes).is_none() {
        return memchr::memrchr(b'\n', bytes).map(|i| i + 1);
    }
    let mut state = State::FieldStart;
    let mut last = None;
    for (i, &b) in bytes.iter().enumerate() {
        state = match (state, b) {
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) | (State::QuoteInQuoted, b'"') => State::Quoted,
            (_, b'\n') => {
                last = Some(i + 1);
                State::FieldStart
            }
            (_, b'\r') => State::FieldStart,
            (_, b) if b == delimiter => State::FieldStart,
            (State::FieldStart, b'"') => State::Quoted,
            _ => State::Unquoted,
        };
    }
    last
}

/// Do the first [`SNIFF_ROWS`] records, with every candidate delimiter, end
/// inside `text`? (Then sniffing on `text` sees what it would on the whole input.)
fn window_fits(text: &str) -> bool {
    DELIMITERS.iter().all(|&delimiter| {
        let mut reader = reader(text, delimiter);
        let mut record = StringRecord::new();
        let mut n = 0;
        while n <= SNIFF_ROWS && matches!(reader.read_record(&mut record), Ok(true)) {
            if !is_blank(&record) {
                n += 1;
            }
        }
        n > SNIFF_ROWS
    })
}

/// What a column holds, as far as is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Undecided,
    Numeric,
    Text,
}

/// The rows of one chunk, as column builders, and how many `\n` it held.
struct Parsed {
    columns: Vec<ColumnBuilder>,
    rows: usize,
    newlines: usize,
}

/// Parses one chunk whose first line is line 1 (the caller shifts lines),
/// starting each column as `kinds` says; `skip_header` skips its first record.
fn parse_chunk(
    bytes: &[u8],
    ctx: &ChunkContext<'_>,
    kinds: &[Kind],
    skip_header: bool,
) -> Result<Parsed, LoadError> {
    let newlines = memchr::memchr_iter(b'\n', bytes).count();
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            // Errors in the records before the bad byte come first.
            let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
            let before = last_record_end(valid, ctx.delimiter).unwrap_or(0);
            parse_chunk(
                bytes.get(..before).unwrap_or_default(),
                ctx,
                kinds,
                skip_header,
            )?;
            return Err(LoadError::NotUtf8 {
                path: ctx.path.to_path_buf(),
                line: line_of_offset(bytes, e.valid_up_to()),
            });
        }
    };
    if memchr::memchr(b'"', bytes).is_none() {
        return parse_plain_chunk(text, ctx, kinds, skip_header, newlines).map(
            |(columns, rows)| Parsed {
                columns,
                rows,
                newlines,
            },
        );
    }
    let mut columns: Vec<ColumnBuilder> = kinds.iter().map(|&k| ColumnBuilder::new(k)).collect();
    let mut reader = reader(text, ctx.delimiter);
    let mut record = StringRecord::new();
    let mut rows = 0usize;
    let mut skip = skip_header;
    while next_record(&mut reader, &mut record, ctx.path)? {
        if std::mem::take(&mut skip) {
            continue;
        }
        let line = checked_width(&record, ctx.width, ctx.path)?;
        push_row(&mut columns, record.iter(), line, ctx)?;
        rows += 1;
    }
    Ok(Parsed {
        columns,
        rows,
        newlines,
    })
}

/// Adds one record's cells (already checked to be `ctx.width`) to `columns`.
fn push_row<'a>(
    columns: &mut [ColumnBuilder],
    cells: impl Iterator<Item = &'a str>,
    line: usize,
    ctx: &ChunkContext<'_>,
) -> Result<(), LoadError> {
    for (j, (cell, builder)) in cells.zip(columns).enumerate() {
        builder.push(cell.trim()).map_err(|bad| match bad {
            CellError::NotANumber => LoadError::NotANumber {
                path: ctx.path.to_path_buf(),
                line,
                column: j + 1,
                name: ctx.names.get(j).cloned().unwrap_or_default(),
                value: quote_cell(cell.trim()),
            },
            CellError::TooManyLabels => too_many_labels(ctx.path, Some(line), j),
        })?;
    }
    Ok(())
}

/// [`parse_chunk`] for a chunk without quotes, splitting lines and fields
/// directly (several times faster than the csv crate's reader), with the
/// same results: lines of one blank field are skipped; a `\r` before `\n`
/// is trimmed with its cell.
fn parse_plain_chunk(
    text: &str,
    ctx: &ChunkContext<'_>,
    kinds: &[Kind],
    skip_header: bool,
    newlines: usize,
) -> Result<(Vec<ColumnBuilder>, usize), LoadError> {
    let bytes = text.as_bytes();
    let mut columns: Vec<ColumnBuilder> = kinds.iter().map(|&k| ColumnBuilder::new(k)).collect();
    // At most one row a line: no regrowing the numeric columns.
    for c in &mut columns {
        if let ColumnBuilder::Numeric(values) = c {
            values.reserve_exact(newlines + 1);
        }
    }
    // Byte ranges of the current line's fields.
    let mut fields: Vec<(usize, usize)> = Vec::with_capacity(ctx.width);
    let mut rows = 0usize;
    let mut skip = skip_header;
    let mut line = 1usize;
    let mut start = 0usize;
    let mut end_line = |fields: &mut Vec<(usize, usize)>, line: usize| -> Result<(), LoadError> {
        let cell = |&(a, b): &(usize, usize)| text.get(a..b).unwrap_or_default();
        let blank = match fields.as_slice() {
            [only] => cell(only).trim().is_empty(),
            _ => false,
        };
        if !blank && !std::mem::take(&mut skip) {
            if fields.len() != ctx.width {
                return Err(LoadError::Ragged {
                    path: ctx.path.to_path_buf(),
                    line,
                    expected: ctx.width,
                    found: fields.len(),
                });
            }
            push_row(&mut columns, fields.iter().map(cell), line, ctx)?;
            rows += 1;
        }
        fields.clear();
        Ok(())
    };
    for i in memchr::memchr2_iter(ctx.delimiter, b'\n', bytes) {
        fields.push((start, i));
        start = i + 1;
        if bytes.get(i) == Some(&b'\n') {
            end_line(&mut fields, line)?;
            line += 1;
        }
    }
    if start < bytes.len() || !fields.is_empty() {
        fields.push((start, bytes.len()));
        end_line(&mut fields, line)?;
    }
    Ok((columns, rows))
}

fn too_many_labels(path: &Path, line: Option<usize>, j: usize) -> LoadError {
    LoadError::Csv {
        path: path.to_path_buf(),
        line,
        message: format!("column {} has too many distinct labels", j + 1),
    }
}

/// `e` with its line moved down by `lines` (a chunk's error, placed in the file).
fn shift_line(mut e: LoadError, lines: usize) -> LoadError {
    match &mut e {
        LoadError::Ragged { line, .. }
        | LoadError::NotANumber { line, .. }
        | LoadError::NotUtf8 { line, .. }
        | LoadError::Csv {
            line: Some(line), ..
        } => *line += lines,
        _ => {}
    }
    e
}

/// The columns read so far, merged chunk by chunk in file order.
struct Table {
    columns: Vec<ColumnBuilder>,
    n_rows: usize,
    /// `\n` bytes before the next chunk: its line 1 is line `lines + 1`.
    lines: usize,
}

impl Table {
    fn kinds(&self) -> Vec<Kind> {
        self.columns.iter().map(ColumnBuilder::kind).collect()
    }

    /// Adds the next chunk, parsed with `kinds`. A chunk parsed before an
    /// earlier one settled a column's kind is parsed again if that could
    /// change its result: if its kinds clash with the table's, or if it failed
    /// (its first error might not be the file's first).
    fn merge(
        &mut self,
        bytes: &[u8],
        kinds: &[Kind],
        parsed: Result<Parsed, LoadError>,
        ctx: &ChunkContext<'_>,
    ) -> Result<(), LoadError> {
        let now = self.kinds();
        let stale = kinds != now.as_slice();
        let clash = |p: &Parsed| {
            p.columns
                .iter()
                .zip(&now)
                .any(|(c, &k)| c.kind() != k && c.kind() != Kind::Undecided && k != Kind::Undecided)
        };
        let parsed = match parsed {
            Err(_) if stale => parse_chunk(bytes, ctx, &now, false),
            Ok(p) if clash(&p) => parse_chunk(bytes, ctx, &now, false),
            other => other,
        }
        .map_err(|e| shift_line(e, self.lines))?;
        for (j, (column, part)) in self.columns.iter_mut().zip(parsed.columns).enumerate() {
            column
                .append(part)
                .map_err(|_| too_many_labels(ctx.path, None, j))?;
        }
        self.n_rows += parsed.rows;
        self.lines += parsed.newlines;
        Ok(())
    }

    /// Reserves room in the numeric columns for the rows a `total`-byte input
    /// probably holds, judging by the first `seen` bytes (reserved memory that
    /// is never written costs address space, not RAM).
    fn reserve(&mut self, total: u64, seen: u64) {
        if total <= seen || seen == 0 || self.n_rows == 0 {
            return;
        }
        let estimate = (self.n_rows as f64 * total as f64 / seen as f64 * 1.05) as usize;
        let estimate = estimate.min(usize::try_from(total).unwrap_or(usize::MAX));
        for column in &mut self.columns {
            if let ColumnBuilder::Numeric(values) = column {
                values.reserve_exact(estimate.saturating_sub(values.len()));
            }
        }
    }
}

/// A CSV reader over `text` that leaves headers, field counts and trimming to us.
pub(crate) fn reader(text: &str, delimiter: u8) -> Reader<&[u8]> {
    ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        // Records end at `\n` only: with the default (CR, LF or CRLF) the csv
        // crate reports the line of a record after a CRLF one line too early.
        // A `\r` before the `\n` stays in the last cell, and trimming drops it.
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(text.as_bytes())
}

/// Reads the next record that is not blank into `record`; `false` at the end.
pub(crate) fn next_record(
    reader: &mut Reader<&[u8]>,
    record: &mut StringRecord,
    path: &Path,
) -> Result<bool, LoadError> {
    loop {
        match reader.read_record(record) {
            Ok(false) => return Ok(false),
            Ok(true) if is_blank(record) => {}
            Ok(true) => return Ok(true),
            Err(e) => {
                let line = e
                    .position()
                    .map(|p| usize::try_from(p.line()).unwrap_or(usize::MAX));
                return Err(match (e.kind(), line) {
                    (csv::ErrorKind::Utf8 { .. }, Some(line)) => LoadError::NotUtf8 {
                        path: path.to_path_buf(),
                        line,
                    },
                    _ => LoadError::Csv {
                        path: path.to_path_buf(),
                        line,
                        message: e.to_string(),
                    },
                });
            }
        }
    }
}

/// A line holding only whitespace (the csv crate already skips empty ones).
fn is_blank(record: &StringRecord) -> bool {
    record.len() == 1 && record.get(0).is_some_and(|cell| cell.trim().is_empty())
}

/// The 1-based line on which `record` starts.
pub(crate) fn record_line(record: &StringRecord) -> usize {
    record
        .position()
        .map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX))
}

/// The record's 1-based line, or [`LoadError::Ragged`] if it does not have
/// `width` fields.
pub(crate) fn checked_width(
    record: &StringRecord,
    width: usize,
    path: &Path,
) -> Result<usize, LoadError> {
    let line = record_line(record);
    if record.len() == width {
        Ok(line)
    } else {
        Err(LoadError::Ragged {
            path: path.to_path_buf(),
            line,
            expected: width,
            found: record.len(),
        })
    }
}

/// The 1-based line holding byte `offset` of `bytes`.
pub(crate) fn line_of_offset(bytes: &[u8], offset: usize) -> usize {
    let before = bytes.get(..offset).unwrap_or(bytes);
    before.split(|&b| b == b'\n').count()
}

/// What a cell looks like, for sniffing.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CellKind {
    Missing,
    Number,
    Text,
}

/// Is this (trimmed) cell a missing-value marker?
pub(crate) fn is_missing(cell: &str) -> bool {
    cell.is_empty()
        || (cell.len() <= 4
            && ["na", "n/a", "nan", "null"]
                .iter()
                .any(|m| cell.eq_ignore_ascii_case(m)))
}

fn cell_kind(cell: Option<&str>) -> CellKind {
    let cell = cell.unwrap_or("").trim();
    if is_missing(cell) {
        CellKind::Missing
    } else if cell.parse::<f64>().is_ok() {
        CellKind::Number
    } else {
        CellKind::Text
    }
}

/// Picks the delimiter among [`DELIMITERS`]; see [`sniff_delimiter_among`].
fn sniff_delimiter(text: &str) -> u8 {
    sniff_delimiter_among(text, &DELIMITERS)
}

/// Picks the delimiter: among `candidates` that split the first rows into a
/// constant number (> 1) of fields, the one giving the largest share of numeric
/// cells; if none is constant (a ragged row early on), the one most often giving
/// its usual count; if no candidate ever splits a row, `,` (a single column).
pub(crate) fn sniff_delimiter_among(text: &str, candidates: &[u8]) -> u8 {
    let mut best_consistent: Option<(u8, f64)> = None;
    let mut best_ragged: Option<(u8, usize)> = None;
    for &delimiter in candidates {
        let mut reader = reader(text, delimiter);
        let mut record = StringRecord::new();
        let mut rows = Vec::with_capacity(SNIFF_ROWS);
        while rows.len() < SNIFF_ROWS && matches!(reader.read_record(&mut record), Ok(true)) {
            if !is_blank(&record) {
                rows.push(record.clone());
            }
        }
        let Some(first) = rows.first() else { continue };
        if first.len() > 1 && rows.iter().all(|r| r.len() == first.len()) {
            let body = rows.get(1..).filter(|b| !b.is_empty()).unwrap_or(&rows);
            let cells = body.iter().map(StringRecord::len).sum::<usize>().max(1);
            let numeric = body
                .iter()
                .flat_map(StringRecord::iter)
                .filter(|c| cell_kind(Some(c)) == CellKind::Number)
                .count();
            let share = numeric as f64 / cells as f64;
            if best_consistent.is_none_or(|(_, s)| share > s) {
                best_consistent = Some((delimiter, share));
            }
        } else {
            // The most common field count, and how many rows have it.
            let mut counts: HashMap<usize, usize> = HashMap::new();
            for r in &rows {
                *counts.entry(r.len()).or_default() += 1;
            }
            let mode = counts
                .into_iter()
                .filter(|&(width, _)| width > 1)
                .max_by_key(|&(width, n)| (n, width));
            if let Some((_, n)) = mode
                && best_ragged.is_none_or(|(_, m)| n > m)
            {
                best_ragged = Some((delimiter, n));
            }
        }
    }
    best_consistent
        .map(|(d, _)| d)
        .or(best_ragged.map(|(d, _)| d))
        .unwrap_or(b',')
}

/// Is the first of `head` a header row? Yes when one of its cells is text while
/// the same column below is numeric (some numbers, no text), or when none of its
/// cells is a number, some are text, and the rows below are not all text (or
/// there are none: a lone row of words is a header without data).
fn looks_like_header(head: &[StringRecord]) -> bool {
    let Some((first, rest)) = head.split_first() else {
        return false;
    };
    let kinds: Vec<CellKind> = first.iter().map(|c| cell_kind(Some(c))).collect();
    let text_over_numbers = kinds.iter().enumerate().any(|(j, &kind)| {
        kind == CellKind::Text
            && rest.iter().any(|r| cell_kind(r.get(j)) == CellKind::Number)
            && rest.iter().all(|r| cell_kind(r.get(j)) != CellKind::Text)
    });
    let all_words = kinds.contains(&CellKind::Text) && !kinds.contains(&CellKind::Number);
    let rest_not_all_text = rest
        .iter()
        .flat_map(StringRecord::iter)
        .any(|c| cell_kind(Some(c)) != CellKind::Text);
    text_over_numbers || (all_words && (rest.is_empty() || rest_not_all_text))
}

/// Column names from a header row: trimmed; an empty cell becomes `x<j>`
/// (made unique); a name used twice is an error.
fn header_names(header: &StringRecord, path: &Path) -> Result<Vec<String>, LoadError> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (j, cell) in header.iter().enumerate() {
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        if let Some(&first) = seen.get(cell) {
            return Err(LoadError::DuplicateColumn {
                path: path.to_path_buf(),
                line: record_line(header),
                name: cell.to_owned(),
                first,
                second: j + 1,
            });
        }
        seen.insert(cell, j + 1);
    }
    let mut names: Vec<String> = Vec::with_capacity(header.len());
    for (j, cell) in header.iter().enumerate() {
        let cell = cell.trim();
        if cell.is_empty() {
            let mut name = format!("x{}", j + 1);
            while seen.contains_key(name.as_str()) || names.contains(&name) {
                name.push('_');
            }
            names.push(name);
        } else {
            names.push(cell.to_owned());
        }
    }
    Ok(names)
}

/// Why a cell could not be added to its column.
enum CellError {
    NotANumber,
    TooManyLabels,
}

/// One column being filled while the file is read. Its kind is settled by its
/// first non-missing cell.
#[derive(Clone)]
enum ColumnBuilder {
    /// Only missing cells so far: this many.
    Undecided {
        missing: usize,
    },
    Numeric(Vec<f64>),
    Text {
        index: HashMap<String, u32>,
        categories: Vec<String>,
        codes: Vec<u32>,
    },
}

impl ColumnBuilder {
    /// An empty column of kind `kind`.
    fn new(kind: Kind) -> Self {
        match kind {
            Kind::Undecided => Self::Undecided { missing: 0 },
            Kind::Numeric => Self::Numeric(Vec::new()),
            Kind::Text => Self::Text {
                index: HashMap::new(),
                categories: Vec::new(),
                codes: Vec::new(),
            },
        }
    }

    fn kind(&self) -> Kind {
        match self {
            Self::Undecided { .. } => Kind::Undecided,
            Self::Numeric(_) => Kind::Numeric,
            Self::Text { .. } => Kind::Text,
        }
    }

    /// Appends the rows of `next`, the same column of the next chunk, whose
    /// kind is `self`'s or undecided, or `self` is undecided.
    fn append(&mut self, next: Self) -> Result<(), CellError> {
        match (&mut *self, next) {
            (Self::Undecided { missing }, Self::Undecided { missing: more }) => *missing += more,
            (Self::Undecided { missing }, next) => {
                let n = *missing;
                *self = Self::new(next.kind());
                for _ in 0..n {
                    self.push("")?;
                }
                self.append(next)?;
            }
            (Self::Numeric(values), Self::Undecided { missing }) => {
                values.resize(values.len() + missing, f64::NAN);
            }
            (Self::Numeric(values), Self::Numeric(more)) => values.extend_from_slice(&more),
            (Self::Text { .. }, Self::Undecided { missing }) => {
                for _ in 0..missing {
                    self.push("")?;
                }
            }
            (
                Self::Text {
                    index,
                    categories,
                    codes,
                },
                Self::Text {
                    categories: theirs,
                    codes: their_codes,
                    ..
                },
            ) => {
                let mut remap = Vec::with_capacity(theirs.len());
                for label in theirs {
                    let code = if let Some(&code) = index.get(&label) {
                        code
                    } else {
                        let code = u32::try_from(categories.len())
                            .map_err(|_| CellError::TooManyLabels)?;
                        index.insert(label.clone(), code);
                        categories.push(label);
                        code
                    };
                    remap.push(code);
                }
                codes.extend(
                    their_codes
                        .iter()
                        .map(|&c| remap.get(c as usize).copied().unwrap_or(0)),
                );
            }
            // Kinds that clash never reach here: the chunk is parsed again first.
            (Self::Numeric(_), Self::Text { .. }) | (Self::Text { .. }, Self::Numeric(_)) => {}
        }
        Ok(())
    }

    /// Adds one trimmed cell.
    fn push(&mut self, cell: &str) -> Result<(), CellError> {
        let missing = is_missing(cell);
        match self {
            Self::Undecided { missing: n } if missing => *n += 1,
            Self::Undecided { missing: n } => {
                let n = *n;
                *self = if let Ok(x) = cell.parse::<f64>() {
                    let mut values = vec![f64::NAN; n];
                    values.push(x);
                    Self::Numeric(values)
                } else {
                    let mut text = Self::Text {
                        index: HashMap::new(),
                        categories: Vec::new(),
                        codes: Vec::new(),
                    };
                    for _ in 0..n {
                        text.push("")?;
                    }
                    text.push(cell)?;
                    text
                };
            }
            Self::Numeric(values) if missing => values.push(f64::NAN),
            Self::Numeric(values) => values.push(cell.parse().map_err(|_| CellError::NotANumber)?),
            Self::Text {
                index,
                categories,
                codes,
            } => {
                // A missing label is the empty label.
                let cell = if missing { "" } else { cell };
                let code = if let Some(&code) = index.get(cell) {
                    code
                } else {
                    let code =
                        u32::try_from(categories.len()).map_err(|_| CellError::TooManyLabels)?;
                    index.insert(cell.to_owned(), code);
                    categories.push(cell.to_owned());
                    code
                };
                codes.push(code);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{LoadProgress, Tuning, read_delimited_tuned};

    /// A random small delimited file with every feature that could straddle a
    /// chunk seam: quoted delimiters, newlines and quotes, stray quotes, CRLF,
    /// blank lines, leading missing cells, text after numbers, ragged rows and
    /// (rarely) a byte that is not UTF-8.
    fn random_file(rng: &mut fastrand::Rng) -> Vec<u8> {
        let delimiter = rng.choice([",", ";", "\t"]).unwrap_or(",");
        let width = rng.usize(1..5);
        let eol = if rng.bool() { "\n" } else { "\r\n" };
        let kinds: Vec<u8> = (0..width).map(|_| rng.u8(0..4)).collect();
        let leading_missing: Vec<usize> = (0..width).map(|_| rng.usize(0..30)).collect();
        let mut out = String::new();
        if rng.bool() {
            let names: Vec<String> = (0..width).map(|j| format!("c{j}")).collect();
            out.push_str(&names.join(delimiter));
            out.push_str(eol);
        }
        for row in 0..rng.usize(0..60) {
            match rng.u8(0..40) {
                0 => out.push_str(eol),
                1 => {
                    out.push_str("  ");
                    out.push_str(eol);
                }
                _ => {}
            }
            let mut cells: Vec<String> = (0..width)
                .map(|j| {
                    if row < leading_missing[j] && rng.u8(0..4) > 0 {
                        return rng.choice(["", "NA", " nan "]).unwrap_or("").to_owned();
                    }
                    let number = format!("{}", rng.i32(-999..999));
                    match (kinds[j], rng.u8(0..12)) {
                        (_, 0) => String::new(),
                        (_, 1) => "\"two\nlines\"".to_owned(),
                        (_, 2) => format!("\"a{delimiter}b\""),
                        (_, 3) => "\"say \"\"hi\"\"\"".to_owned(),
                        (_, 4) if rng.u8(0..4) == 0 => "ab\"c".to_owned(),
                        (0 | 1, _) => number,
                        (2, k) if k < 6 => "1.5e3".to_owned(),
                        (2, _) => "word".to_owned(),
                        _ => rng
                            .choice(["x", "y z", "NA", "7"])
                            .unwrap_or("x")
                            .to_owned(),
                    }
                })
                .collect();
            if rng.u8(0..50) == 0 {
                cells.pop();
            }
            out.push_str(&cells.join(delimiter));
            out.push_str(eol);
        }
        let mut bytes = out.into_bytes();
        if rng.u8(0..30) == 0 && !bytes.is_empty() {
            let at = rng.usize(0..bytes.len());
            bytes.insert(at, 0xff);
        }
        bytes
    }

    fn load(bytes: &[u8], tuning: Tuning) -> String {
        match read_delimited_tuned(bytes, "t.csv", &LoadProgress::new(), tuning) {
            Ok(ds) => format!("{ds:?}"),
            Err(e) => format!("error: {e} ({e:?})"),
        }
    }

    /// Cutting the input into chunks (of any size, parsed on any number of
    /// threads) gives exactly what one chunk gives: the same dataset, or the
    /// same first error with the same line and column.
    #[test]
    fn chunking_never_changes_the_result() {
        let whole = Tuning {
            head: 1 << 30,
            chunk: 1 << 30,
            workers: 1,
        };
        let mut rng = fastrand::Rng::with_seed(8);
        for case in 0..400 {
            let bytes = random_file(&mut rng);
            let expected = load(&bytes, whole);
            for (head, chunk, workers) in [(1, 1, 1), (7, 13, 2), (16, 5, 3), (64, 40, 2)] {
                let tuning = Tuning {
                    head,
                    chunk,
                    workers,
                };
                assert_eq!(
                    load(&bytes, tuning),
                    expected,
                    "case {case}, {tuning:?}, file {:?}",
                    String::from_utf8_lossy(&bytes)
                );
            }
        }
    }
}
