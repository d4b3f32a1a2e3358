//! CSV records and cells, shared with the ratings and embeddings loaders:
//! the reader, blank lines, line numbers, ragged rows and missing cells.

use std::path::Path;

use csv::{Reader, ReaderBuilder, StringRecord};

use crate::data::LoadError;

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
pub(super) fn is_blank(record: &StringRecord) -> bool {
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

/// Is this (trimmed) cell a missing-value marker?
pub(crate) fn is_missing(cell: &str) -> bool {
    cell.is_empty()
        || (cell.len() <= 4
            && ["na", "n/a", "nan", "null"]
                .iter()
                .any(|m| cell.eq_ignore_ascii_case(m)))
}
