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
//! that are empty or hold only whitespace are skipped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use csv::{Reader, ReaderBuilder, StringRecord};

use super::{Dataset, LabelColumn, LoadError, NumericColumn, error::quote_cell};

/// Candidate delimiters, in order of preference when several fit equally well.
const DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];

/// How many rows the delimiter and header sniffing look at.
const SNIFF_ROWS: usize = 20;

/// The UTF-8 byte-order mark some editors put at the start of a file.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

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
    let path = PathBuf::from(name);
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| LoadError::NotUtf8 {
        path: path.clone(),
        line: line_of_offset(bytes, e.valid_up_to()),
    })?;
    if text.trim().is_empty() {
        return Err(LoadError::Empty { path });
    }

    let mut reader = reader(text, sniff_delimiter(text));
    let mut record = StringRecord::new();
    let mut head = Vec::with_capacity(SNIFF_ROWS);
    while head.len() < SNIFF_ROWS && next_record(&mut reader, &mut record, &path)? {
        head.push(record.clone());
    }
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

    let mut builders: Vec<ColumnBuilder> = (0..width)
        .map(|_| ColumnBuilder::Undecided { missing: 0 })
        .collect();
    let mut n_rows = 0usize;
    let mut add_row = |record: &StringRecord| -> Result<(), LoadError> {
        let line = checked_width(record, width, &path)?;
        for (j, (cell, builder)) in record.iter().zip(&mut builders).enumerate() {
            builder.push(cell.trim()).map_err(|bad| match bad {
                CellError::NotANumber => LoadError::NotANumber {
                    path: path.clone(),
                    line,
                    column: j + 1,
                    name: names.get(j).cloned().unwrap_or_default(),
                    value: quote_cell(cell.trim()),
                },
                CellError::TooManyLabels => LoadError::Csv {
                    path: path.clone(),
                    line: Some(line),
                    message: format!("column {} has too many distinct labels", j + 1),
                },
            })?;
        }
        n_rows += 1;
        Ok(())
    };
    for record in head.iter().skip(usize::from(has_header)) {
        add_row(record)?;
    }
    while next_record(&mut reader, &mut record, &path)? {
        add_row(&record)?;
    }

    if n_rows == 0 {
        return Err(LoadError::HeaderOnly { path });
    }
    let mut columns = Vec::new();
    let mut labels = Vec::new();
    for (name, builder) in names.into_iter().zip(builders) {
        match builder {
            ColumnBuilder::Undecided { missing } => columns.push(NumericColumn {
                name,
                values: vec![f64::NAN; missing],
            }),
            ColumnBuilder::Numeric(values) => columns.push(NumericColumn { name, values }),
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
        n_rows,
        columns,
        labels,
    })
}

/// A CSV reader over `text` that leaves headers, field counts and trimming to us.
pub(crate) fn reader(text: &str, delimiter: u8) -> Reader<&[u8]> {
    ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
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
