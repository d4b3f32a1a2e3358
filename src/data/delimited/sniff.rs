//! Sniffing: the delimiter, whether the first row is a header, and the
//! column names, from the first rows of the input.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use csv::StringRecord;

use super::chunks::Source;
use super::records::{is_blank, is_missing, line_of_offset, next_record, reader, record_line};
use crate::data::LoadError;

/// Candidate delimiters, in order of preference when several fit equally well.
const DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];

/// How many rows the delimiter and header sniffing look at.
pub(super) const SNIFF_ROWS: usize = 20;

/// Reads on from what `src` holds until the delimiter can be sniffed, and
/// returns it with the first [`SNIFF_ROWS`] records. Sniffing works on whole
/// lines of text, reading on until every candidate delimiter sees the whole
/// sniffing window (or the input or its valid UTF-8 ends: a bad byte is
/// reported when parsing reaches its line). `head` is the first read's size.
pub(super) fn sniff_head<R: Read>(
    src: &mut Source<'_, R>,
    head: usize,
) -> Result<(u8, Vec<StringRecord>), LoadError> {
    loop {
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
        let path = src.path.to_path_buf();
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
            let mut rows = Vec::with_capacity(SNIFF_ROWS);
            while rows.len() < SNIFF_ROWS && next_record(&mut reader, &mut record, &path)? {
                rows.push(record.clone());
            }
            return Ok((delimiter, rows));
        }
        let want = src.buf.len().max(head) * 2;
        src.fill(want)?;
    }
}

/// Do the first [`SNIFF_ROWS`] records, with every candidate delimiter, end
/// inside `text`? (Then sniffing on `text` sees what it would on the whole input.)
pub(crate) fn window_fits(text: &str) -> bool {
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

/// What a cell looks like, for sniffing.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CellKind {
    Missing,
    Number,
    Text,
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
pub(super) fn looks_like_header(head: &[StringRecord]) -> bool {
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
pub(super) fn header_names(header: &StringRecord, path: &Path) -> Result<Vec<String>, LoadError> {
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
    // Names made for empty cells, hashed (a scan of `names` was quadratic).
    let mut made: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (j, cell) in header.iter().enumerate() {
        let cell = cell.trim();
        if cell.is_empty() {
            let mut name = format!("x{}", j + 1);
            while seen.contains_key(name.as_str()) || made.contains(&name) {
                name.push('_');
            }
            made.insert(name.clone());
            names.push(name);
        } else {
            names.push(cell.to_owned());
        }
    }
    Ok(names)
}
