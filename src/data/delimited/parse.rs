//! Parsing one chunk into column builders: by a direct splitter when the
//! chunk holds no quotes, else by the csv crate.

use std::path::Path;

use csv::StringRecord;

use super::chunks::last_record_end;
use super::columns::{CellError, ColumnBuilder, Kind};
use super::records::{checked_width, line_of_offset, next_record, reader};
use crate::data::error::quote_cell;
use crate::data::{BadCells, LoadError};

/// What the chunk parsers share.
pub(super) struct ChunkContext<'a> {
    pub path: &'a Path,
    pub delimiter: u8,
    pub width: usize,
    pub names: &'a [String],
    /// What a cell of a numeric column that is not a number does.
    pub bad_cells: BadCells,
}

/// The rows of one chunk, as column builders, how many `\n` it held and
/// how many unparseable cells were read as missing.
pub(super) struct Parsed {
    pub columns: Vec<ColumnBuilder>,
    pub rows: usize,
    pub newlines: usize,
    pub bad: usize,
}

/// Parses one chunk whose first line is line 1 (the caller shifts lines),
/// starting each column as `kinds` says; `skip_header` skips its first record.
pub(super) fn parse_chunk(
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
            |(columns, rows, bad)| Parsed {
                columns,
                rows,
                newlines,
                bad,
            },
        );
    }
    let mut columns: Vec<ColumnBuilder> = kinds.iter().map(|&k| ColumnBuilder::new(k)).collect();
    let mut reader = reader(text, ctx.delimiter);
    let mut record = StringRecord::new();
    let mut rows = 0usize;
    let mut bad = 0usize;
    let mut skip = skip_header;
    while next_record(&mut reader, &mut record, ctx.path)? {
        if std::mem::take(&mut skip) {
            continue;
        }
        let line = checked_width(&record, ctx.width, ctx.path)?;
        bad += push_row(&mut columns, record.iter(), line, ctx)?;
        rows += 1;
    }
    Ok(Parsed {
        columns,
        rows,
        newlines,
        bad,
    })
}

/// Adds one record's cells (already checked to be `ctx.width`) to
/// `columns`; returns how many unparseable cells it read as missing (with
/// [`BadCells::Missing`]; with [`BadCells::Error`] the first is an error).
fn push_row<'a>(
    columns: &mut [ColumnBuilder],
    cells: impl Iterator<Item = &'a str>,
    line: usize,
    ctx: &ChunkContext<'_>,
) -> Result<usize, LoadError> {
    let mut bad = 0;
    for (j, (cell, builder)) in cells.zip(columns).enumerate() {
        let cell = cell.trim();
        match builder.push(cell) {
            Ok(()) => {}
            Err(CellError::NotANumber) if ctx.bad_cells == BadCells::Missing => {
                // An empty cell is a missing one: NaN in a numeric column.
                builder
                    .push("")
                    .map_err(|_| too_many_labels(ctx.path, Some(line), j))?;
                bad += 1;
            }
            Err(CellError::NotANumber) => {
                return Err(LoadError::NotANumber {
                    path: ctx.path.to_path_buf(),
                    line,
                    column: j + 1,
                    name: ctx.names.get(j).cloned().unwrap_or_default(),
                    value: quote_cell(cell),
                    readable_as_missing: true,
                });
            }
            Err(CellError::TooManyLabels) => return Err(too_many_labels(ctx.path, Some(line), j)),
        }
    }
    Ok(bad)
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
) -> Result<(Vec<ColumnBuilder>, usize, usize), LoadError> {
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
    let mut bad = 0usize;
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
            bad += push_row(&mut columns, fields.iter().map(cell), line, ctx)?;
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
    Ok((columns, rows, bad))
}

pub(super) fn too_many_labels(path: &Path, line: Option<usize>, j: usize) -> LoadError {
    LoadError::Csv {
        path: path.to_path_buf(),
        line,
        message: format!("column {} has too many distinct labels", j + 1),
    }
}

/// `e` with its line moved down by `lines` (a chunk's error, placed in the file).
pub(crate) fn shift_line(mut e: LoadError, lines: usize) -> LoadError {
    match &mut e {
        LoadError::Ragged { line, .. }
        | LoadError::NotANumber { line, .. }
        | LoadError::NotUtf8 { line, .. }
        | LoadError::TooFewFields { line, .. }
        | LoadError::EmptyField { line, .. }
        | LoadError::Csv {
            line: Some(line), ..
        } => *line += lines,
        _ => {}
    }
    e
}
