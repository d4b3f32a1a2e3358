//! Wide ratings files (a users × items matrix: a header of item ids, then a
//! row per user whose empty cells are missing ratings), a chunk at a time on
//! the reading thread.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use csv::StringRecord;

use super::rating_value;
use super::read::{Checked, Head};
use crate::data::delimited::{
    ChunkSink, Lines, Source, Tuning, is_missing, next_record, parse_in_order, reader, shift_line,
};
use crate::data::{Item, LoadError, Rating, Ratings};

/// Parses the rest of `src` as a wide file whose first rows are `head`.
pub(super) fn read_wide<R: Read>(
    src: &mut Source<'_, R>,
    head: &Head,
    tuning: Tuning,
) -> Result<Ratings, LoadError> {
    let path = src.path;
    let Some(header) = head.records.first() else {
        return Err(LoadError::Empty {
            path: path.to_path_buf(),
        });
    };
    let (item_ids, error) = match item_ids(header, head.first_line, path) {
        Ok(ids) => (ids, None),
        Err(e) => (Vec::new(), Some(e)),
    };
    let lines = head.drop_header(src);
    let mut sink = WideSink {
        path,
        delimiter: head.delimiter,
        width: header.len(),
        item_ids,
        lines,
        users: Vec::new(),
        user_line: HashMap::new(),
        entries: Vec::new(),
        error,
    };
    // Rows are checked against each other (a user twice): one thread.
    let tuning = Tuning {
        workers: 1,
        ..tuning
    };
    parse_in_order(src, head.delimiter, tuning, &mut sink, &|bytes, ()| {
        Checked::new(bytes).text.err()
    })?;
    let WideSink {
        item_ids,
        users,
        entries,
        error,
        ..
    } = sink;
    if let Some(e) = error {
        return Err(e);
    }
    if users.is_empty() {
        return Err(LoadError::HeaderOnly {
            path: path.to_path_buf(),
        });
    }
    if entries.is_empty() {
        return Err(LoadError::NoRatings {
            path: path.to_path_buf(),
        });
    }
    Ok(Ratings::new(
        String::new(),
        users,
        item_ids.into_iter().map(Item::new).collect(),
        entries,
    ))
}

/// The item ids of the header row (on `header_line`): a user column, then at least one item,
/// none empty or twice.
fn item_ids(
    header: &StringRecord,
    header_line: usize,
    path: &Path,
) -> Result<Vec<String>, LoadError> {
    let width = header.len();
    if width < 2 {
        return Err(LoadError::TooFewFields {
            path: path.to_path_buf(),
            line: header_line,
            expected: 2,
            found: width,
            what: "a user column and at least one item",
        });
    }
    let mut item_ids: Vec<String> = Vec::with_capacity(width - 1);
    // Where each id first appeared: a hash, not a scan (a scan made a
    // header of 100,000 items take seconds, of 2,000,000 minutes).
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(width - 1);
    for (j, cell) in header.iter().enumerate().skip(1) {
        let id = cell.trim();
        if id.is_empty() {
            return Err(LoadError::EmptyField {
                path: path.to_path_buf(),
                line: header_line,
                column: j + 1,
                name: "item",
            });
        }
        if let Some(&first) = seen.get(id) {
            return Err(LoadError::DuplicateColumn {
                path: path.to_path_buf(),
                line: header_line,
                name: id.to_owned(),
                first: first + 2,
                second: j + 1,
            });
        }
        seen.insert(id, item_ids.len());
        item_ids.push(id.to_owned());
    }
    Ok(item_ids)
}

/// The matrix so far, as chunks are merged in order.
struct WideSink<'a> {
    path: &'a Path,
    delimiter: u8,
    /// Fields a row has: the user and an item each.
    width: usize,
    item_ids: Vec<String>,
    /// Lines before the next chunk.
    lines: usize,
    users: Vec<String>,
    /// The line of each user's row.
    user_line: HashMap<String, usize>,
    entries: Vec<Rating>,
    /// The first error (the header's or a row's); the rest is only checked for UTF-8.
    error: Option<LoadError>,
}

impl ChunkSink for WideSink<'_> {
    type Context = ();
    /// The chunk's line of its first byte that is not UTF-8.
    type Parsed = Option<usize>;

    fn context(&self) {}

    fn merge(&mut self, bytes: &[u8], (): (), not_utf8: Option<usize>) -> Result<(), LoadError> {
        if let Some(line) = not_utf8 {
            return Err(LoadError::NotUtf8 {
                path: self.path.to_path_buf(),
                line: self.lines + line,
            });
        }
        if self.error.is_none() {
            let text = std::str::from_utf8(bytes).unwrap_or_default();
            let mut reader = reader(text, self.delimiter);
            let mut record = StringRecord::new();
            let mut lines = Lines::new(text);
            loop {
                match next_record(&mut reader, &mut record, self.path) {
                    Ok(false) => break,
                    Ok(true) => {
                        let line = self.lines + lines.of(&record);
                        if let Err(e) = self.row(&record, line) {
                            self.error = Some(e);
                            break;
                        }
                    }
                    Err(e) => {
                        self.error = Some(shift_line(e, self.lines));
                        break;
                    }
                }
            }
        }
        self.lines += memchr::memchr_iter(b'\n', bytes).count();
        Ok(())
    }
}

impl WideSink<'_> {
    /// Adds one user's row, on `line`.
    fn row(&mut self, record: &StringRecord, line: usize) -> Result<(), LoadError> {
        let path = self.path;
        if record.len() != self.width {
            return Err(LoadError::Ragged {
                path: path.to_path_buf(),
                line,
                expected: self.width,
                found: record.len(),
            });
        }
        let user = record.get(0).unwrap_or("").trim();
        if user.is_empty() {
            return Err(LoadError::EmptyField {
                path: path.to_path_buf(),
                line,
                column: 1,
                name: "user",
            });
        }
        if let Some(&first_line) = self.user_line.get(user) {
            return Err(LoadError::DuplicateName {
                path: path.to_path_buf(),
                line,
                first_line,
                kind: "user",
                name: user.to_owned(),
            });
        }
        self.user_line.insert(user.to_owned(), line);
        let u = self.users.len() as u32;
        self.users.push(user.to_owned());
        for (j, cell) in record.iter().enumerate().skip(1) {
            if is_missing(cell.trim()) {
                continue;
            }
            let value = rating_value(cell, path, line, j + 1, &self.item_ids[j - 1])?;
            self.entries.push(Rating {
                user: u,
                item: (j - 1) as u32,
                value,
            });
        }
        Ok(())
    }
}
