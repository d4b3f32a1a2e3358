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

/// The physical (1-based) lines on which the records of a text start,
/// counted from their byte offsets. The csv crate's own count
/// ([`record_line`]) is that of where it stood before the empty lines it
/// skips, which it leaves out of later counts too: after `a\n\nb` it puts
/// `b` on line 2.
pub(crate) struct Lines<'t> {
    text: &'t [u8],
    /// A byte offset and its line: where the last count ended.
    byte: usize,
    line: usize,
}

impl<'t> Lines<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        Self {
            text: text.as_bytes(),
            byte: 0,
            line: 1,
        }
    }

    /// The line `record`, read from the text (after any asked about
    /// before, for a count in one pass), starts on.
    pub(crate) fn of(&mut self, record: &StringRecord) -> usize {
        let mut byte = record
            .position()
            .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX))
            .min(self.text.len());
        // Its position is before the empty lines the reader skipped.
        while self.text.get(byte) == Some(&b'\n') {
            byte += 1;
        }
        if byte < self.byte {
            self.byte = 0;
            self.line = 1;
        }
        let between = self.text.get(self.byte..byte).unwrap_or_default();
        self.line += memchr::memchr_iter(b'\n', between).count();
        self.byte = byte;
        self.line
    }
}

/// The 1-based line on which `record` starts, as the csv crate counts
/// (see [`Lines`] for the physical line).
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
