//! The whole-buffer parser this module had before it streamed (commit
//! 9742b16), kept as the oracle the streaming parse is tested against: the
//! same ratings, or the same error, for every input.
//!
//! One change: lines are counted from each record's byte offset
//! ([`physical_line`]), not taken from the csv crate, whose count leaves
//! out the empty lines it skips (so that `1,1,4` `` `` `2,2,x` named line
//! 3 for the bad rating on line 4). The streaming parse names the line the
//! record is on.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use csv::{Reader, StringRecord};

use super::{
    RATING_DELIMITERS, RatingsLayout, SNIFF_ROWS, double_colons_to_tabs, long_has_header,
    rating_value, sniff_layout,
};
use crate::data::delimited::{
    BOM, is_missing, line_of_offset, next_record, reader, sniff_delimiter_among,
};
use crate::data::{Item, LoadError, Rating, Ratings};

/// The old `parse_ratings` / `parse_ratings_as`.
pub(super) fn parse(
    bytes: &[u8],
    name: &str,
    layout: Option<RatingsLayout>,
) -> Result<Ratings, LoadError> {
    let path = PathBuf::from(name);
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| LoadError::NotUtf8 {
        path: path.clone(),
        line: line_of_offset(bytes, e.valid_up_to()),
    })?;
    let text = double_colons_to_tabs(Cow::Borrowed(text));
    if text.trim().is_empty() {
        return Err(LoadError::Empty { path });
    }
    let mut rows = Rows::new(
        &text,
        sniff_delimiter_among(&text, &RATING_DELIMITERS),
        &path,
    )?;
    if rows.head.is_empty() {
        return Err(LoadError::Empty { path });
    }
    let layout = layout.unwrap_or_else(|| sniff_layout(&rows.head));
    let mut ratings = match layout {
        RatingsLayout::Long => parse_long(&mut rows, &path)?,
        RatingsLayout::Wide => parse_wide(&mut rows, &path)?,
    };
    name.clone_into(&mut ratings.name);
    Ok(ratings)
}

/// The records of a file: the first [`SNIFF_ROWS`] kept for sniffing, then the rest.
struct Rows<'a> {
    text: &'a str,
    head: Vec<StringRecord>,
    reader: Reader<&'a [u8]>,
    path: &'a Path,
}

impl<'a> Rows<'a> {
    fn new(text: &'a str, delimiter: u8, path: &'a Path) -> Result<Self, LoadError> {
        let mut reader = reader(text, delimiter);
        let mut record = StringRecord::new();
        let mut head = Vec::with_capacity(SNIFF_ROWS);
        while head.len() < SNIFF_ROWS && next_record(&mut reader, &mut record, path)? {
            head.push(record.clone());
        }
        Ok(Self {
            text,
            head,
            reader,
            path,
        })
    }

    /// Calls `f` on every record after the first `skip`, in order.
    fn for_each(
        &mut self,
        skip: usize,
        mut f: impl FnMut(&StringRecord) -> Result<(), LoadError>,
    ) -> Result<(), LoadError> {
        for record in self.head.iter().skip(skip) {
            f(record)?;
        }
        let mut record = StringRecord::new();
        while next_record(&mut self.reader, &mut record, self.path)? {
            f(&record)?;
        }
        Ok(())
    }
}

/// Interns ids: the index of `id`, adding it on first sight.
struct Interner {
    index: HashMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    fn new() -> Self {
        Self {
            index: HashMap::new(),
            names: Vec::new(),
        }
    }

    fn get_or_insert(&mut self, id: &str) -> u32 {
        if let Some(&i) = self.index.get(id) {
            return i;
        }
        let i = self.names.len() as u32;
        self.index.insert(id.to_owned(), i);
        self.names.push(id.to_owned());
        i
    }
}

fn parse_long(rows: &mut Rows<'_>, path: &Path) -> Result<Ratings, LoadError> {
    let text = rows.text;
    let has_header = rows.head.first().is_some_and(long_has_header);
    let rating_name = if has_header {
        rows.head
            .first()
            .and_then(|h| h.get(2))
            .map_or("rating", str::trim)
            .to_owned()
    } else {
        "rating".to_owned()
    };
    let mut users = Interner::new();
    let mut items = Interner::new();
    let mut entries = Vec::new();
    let mut lines = Vec::new();
    rows.for_each(usize::from(has_header), |record| {
        let line = physical_line(text, record);
        if record.len() < 3 {
            return Err(LoadError::TooFewFields {
                path: path.to_path_buf(),
                line,
                expected: 3,
                found: record.len(),
                what: "user, item, rating",
            });
        }
        let field = |j: usize| record.get(j).unwrap_or("").trim();
        for (j, name) in [(0, "user"), (1, "item")] {
            if field(j).is_empty() {
                return Err(LoadError::EmptyField {
                    path: path.to_path_buf(),
                    line,
                    column: j + 1,
                    name,
                });
            }
        }
        let value = rating_value(field(2), path, line, 3, &rating_name)?;
        entries.push(Rating {
            user: users.get_or_insert(field(0)),
            item: items.get_or_insert(field(1)),
            value,
        });
        lines.push(line);
        Ok(())
    })?;
    if entries.is_empty() {
        return Err(LoadError::HeaderOnly {
            path: path.to_path_buf(),
        });
    }
    if let Some((first_line, line, r)) = first_duplicate(&entries, &lines) {
        return Err(LoadError::DuplicateRating {
            path: path.to_path_buf(),
            line,
            first_line,
            user: users.names[r.user as usize].clone(),
            item: items.names[r.item as usize].clone(),
        });
    }
    Ok(Ratings::new(
        String::new(),
        users.names,
        items.names.into_iter().map(Item::new).collect(),
        entries,
    ))
}

/// The duplicate (user, item) pair whose second rating comes first in the file:
/// `(first line, second line, rating)`.
fn first_duplicate(entries: &[Rating], lines: &[usize]) -> Option<(usize, usize, Rating)> {
    let mut keys: Vec<(u64, usize, usize)> = entries
        .iter()
        .zip(lines)
        .enumerate()
        .map(|(k, (r, &line))| ((u64::from(r.user) << 32) | u64::from(r.item), line, k))
        .collect();
    keys.sort_unstable();
    keys.windows(2)
        .filter(|w| w[0].0 == w[1].0)
        .min_by_key(|w| w[1].1)
        .map(|w| (w[0].1, w[1].1, entries[w[1].2]))
}

fn parse_wide(rows: &mut Rows<'_>, path: &Path) -> Result<Ratings, LoadError> {
    let text = rows.text;
    let Some(header) = rows.head.first().cloned() else {
        return Err(LoadError::Empty {
            path: path.to_path_buf(),
        });
    };
    let header_line = physical_line(text, &header);
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
    let mut users: Vec<String> = Vec::new();
    let mut user_line: HashMap<String, usize> = HashMap::new();
    let mut entries = Vec::new();
    rows.for_each(1, |record| {
        let line = physical_line(text, record);
        if record.len() != width {
            return Err(LoadError::Ragged {
                path: path.to_path_buf(),
                line,
                expected: width,
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
        if let Some(&first_line) = user_line.get(user) {
            return Err(LoadError::DuplicateName {
                path: path.to_path_buf(),
                line,
                first_line,
                kind: "user",
                name: user.to_owned(),
            });
        }
        user_line.insert(user.to_owned(), line);
        let u = users.len() as u32;
        users.push(user.to_owned());
        for (j, cell) in record.iter().enumerate().skip(1) {
            if is_missing(cell.trim()) {
                continue;
            }
            let value = rating_value(cell, path, line, j + 1, &item_ids[j - 1])?;
            entries.push(Rating {
                user: u,
                item: (j - 1) as u32,
                value,
            });
        }
        Ok(())
    })?;
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

/// The line `record` of `text` starts on: one more than the `\n`s before
/// its first byte (the csv crate's position is where it was before the
/// empty lines it skipped).
fn physical_line(text: &str, record: &StringRecord) -> usize {
    let bytes = text.as_bytes();
    let mut byte = record
        .position()
        .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX))
        .min(bytes.len());
    while bytes.get(byte) == Some(&b'\n') {
        byte += 1;
    }
    1 + memchr::memchr_iter(b'\n', &bytes[..byte]).count()
}
