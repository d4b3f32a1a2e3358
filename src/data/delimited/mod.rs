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
//!
//! Here: the entry points and the pass over the input. sniff.rs: the
//! delimiter, the header and the column names; chunks.rs: cutting the input
//! at record boundaries and the worker threads; parse.rs: one chunk into
//! column builders; columns.rs: the builders and the table they are merged
//! into; records.rs: csv records and cells, shared with the other loaders.

mod chunks;
mod columns;
mod parse;
mod records;
mod sniff;

use std::io::Read;
use std::path::PathBuf;

use super::{BadCells, Dataset, LoadError, LoadProgress};
pub(crate) use chunks::{ChunkSink, Source, parse_in_order};
use columns::{Kind, Table};
pub(crate) use parse::shift_line;
use parse::{ChunkContext, Parsed, parse_chunk};
pub(crate) use records::{Lines, is_missing, line_of_offset, next_record, reader, record_line};
use sniff::{header_names, looks_like_header, sniff_head};
pub(crate) use sniff::{sniff_delimiter_among, window_fits};

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
    read_delimited_tuned(input, name, progress, BadCells::Error, Tuning::default())
        .map(|(ds, _)| ds)
}

/// [`read_delimited`], where `bad_cells` says what a cell of a numeric
/// column that is not a number does: with [`BadCells::Missing`] it is read
/// as missing (`NaN`, like an empty cell) and counted. Returns the dataset
/// and that count.
///
/// # Errors
/// As [`read_delimited`]; with [`BadCells::Missing`] never
/// [`NotANumber`](LoadError::NotANumber).
pub fn read_delimited_with<R: Read>(
    input: R,
    name: &str,
    progress: &LoadProgress,
    bad_cells: BadCells,
) -> Result<(Dataset, usize), LoadError> {
    read_delimited_tuned(input, name, progress, bad_cells, Tuning::default())
}

/// Chunk sizes and thread count, small in unit tests to exercise every seam.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tuning {
    /// Bytes of the first read (sniffing).
    pub(crate) head: usize,
    /// Bytes per chunk.
    pub(crate) chunk: usize,
    /// Threads that parse chunks.
    pub(crate) workers: usize,
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
    bad_cells: BadCells,
    tuning: Tuning,
) -> Result<(Dataset, usize), LoadError> {
    let path = PathBuf::from(name);
    let mut src = Source::new(input, progress, &path);
    src.fill(tuning.head)?;
    if src.buf.starts_with(BOM) {
        src.buf.drain(..BOM.len());
    }
    let (delimiter, head) = sniff_head(&mut src, tuning.head)?;
    let Some(first) = head.first() else {
        return Err(LoadError::Empty { path });
    };
    let width = first.len();
    super::check_width(width as u64, &path)?;
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
        bad_cells,
    };

    // The first chunk (what was read for sniffing) settles the column kinds on
    // this thread; the rest are parsed on worker threads with those kinds.
    let mut table = Table::new(width);
    let Some(first_chunk) = src.next_chunk(delimiter, tuning.head)? else {
        return Err(LoadError::Empty { path });
    };
    let kinds = table.kinds();
    let parsed = parse_chunk(&first_chunk, &ctx, &kinds, has_header);
    table.merge(&first_chunk, &kinds, parsed, &ctx)?;
    table.reserve(progress.total(), src.consumed);
    parse_in_order(
        &mut src,
        delimiter,
        tuning,
        &mut TableSink {
            table: &mut table,
            ctx: &ctx,
        },
        &|bytes, kinds| parse_chunk(bytes, &ctx, kinds, false),
    )?;

    if table.n_rows == 0 {
        return Err(LoadError::HeaderOnly { path });
    }
    let n_rows = table.n_rows;
    let bad = table.bad;
    let (columns, labels) = table.into_columns(names);
    if columns.is_empty() {
        return Err(LoadError::NoNumericColumns { path });
    }
    let ds = Dataset {
        name: name.to_owned(),
        source: None,
        n_rows,
        columns,
        labels,
    };
    Ok((ds, bad))
}

/// The table as [`parse_in_order`] fills it: chunks are parsed with the
/// column kinds known when they are handed out.
struct TableSink<'t, 'c> {
    table: &'t mut Table,
    ctx: &'t ChunkContext<'c>,
}

impl ChunkSink for TableSink<'_, '_> {
    type Context = Vec<Kind>;
    type Parsed = Result<Parsed, LoadError>;

    fn context(&self) -> Vec<Kind> {
        self.table.kinds()
    }

    fn merge(
        &mut self,
        bytes: &[u8],
        kinds: Vec<Kind>,
        parsed: Result<Parsed, LoadError>,
    ) -> Result<(), LoadError> {
        self.table.merge(bytes, &kinds, parsed, self.ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::{BadCells, LoadProgress, Tuning, read_delimited_tuned};

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

    fn load(bytes: &[u8], bad_cells: BadCells, tuning: Tuning) -> String {
        match read_delimited_tuned(bytes, "t.csv", &LoadProgress::new(), bad_cells, tuning) {
            Ok((ds, bad)) => format!("{ds:?}, {bad} read as missing"),
            Err(e) => format!("error: {e} ({e:?})"),
        }
    }

    /// Cutting the input into chunks (of any size, parsed on any number of
    /// threads) gives exactly what one chunk gives: the same dataset (and,
    /// reading unparseable cells as missing, the same count of them), or the
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
            for bad_cells in [BadCells::Error, BadCells::Missing] {
                let expected = load(&bytes, bad_cells, whole);
                for (head, chunk, workers) in [(1, 1, 1), (7, 13, 2), (16, 5, 3), (64, 40, 2)] {
                    let tuning = Tuning {
                        head,
                        chunk,
                        workers,
                    };
                    assert_eq!(
                        load(&bytes, bad_cells, tuning),
                        expected,
                        "case {case}, {bad_cells:?}, {tuning:?}, file {:?}",
                        String::from_utf8_lossy(&bytes)
                    );
                }
            }
        }
    }
}
