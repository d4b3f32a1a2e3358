//! Long ratings files (`user,item,rating[,...]`, one rating a record), a
//! chunk at a time: a worker thread parses a chunk into ratings whose users
//! and items are numbered within the chunk, and the reading thread, merging
//! chunks in file order, numbers them file-wide in order of first appearance
//! (a chunk's ids are in order of first appearance within it) and appends
//! the ratings. Only the triples, the ids and a few chunks are held.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use csv::StringRecord;
use rustc_hash::FxBuildHasher;

use super::duplicates::first_duplicate;
use super::read::{Checked, Head};
use super::{long_has_header, rating_value};
use crate::data::delimited::{
    ChunkSink, Lines, Source, Tuning, next_record, parse_in_order, reader, shift_line,
};
use crate::data::{Item, LoadError, Rating, Ratings};

/// Parses the rest of `src` as a long file whose first rows are `head`.
pub(super) fn read_long<R: Read>(
    src: &mut Source<'_, R>,
    head: &Head,
    tuning: Tuning,
) -> Result<Ratings, LoadError> {
    let path = src.path;
    let header = head.records.first().filter(|h| long_has_header(h));
    let rating_name = header.and_then(|h| h.get(2)).map_or("rating", str::trim);
    let lines = if header.is_some() {
        head.drop_header(src)
    } else {
        0
    };
    let ctx = Context {
        path,
        delimiter: head.delimiter,
        rating_name,
    };
    let mut sink = LongSink {
        path,
        lines,
        users: Ids::default(),
        items: Ids::default(),
        entries: Vec::new(),
        line_starts: Vec::new(),
        error: None,
    };
    parse_in_order(
        src,
        head.delimiter,
        tuning,
        &mut sink,
        &|bytes, &check_only| parse_chunk(bytes, check_only, &ctx),
    )?;
    let LongSink {
        users,
        items,
        mut entries,
        line_starts,
        error,
        ..
    } = sink;
    if let Some(e) = error {
        return Err(e);
    }
    if entries.is_empty() {
        return Err(LoadError::HeaderOnly {
            path: path.to_path_buf(),
        });
    }
    if let Some((first, second)) = first_duplicate(&entries, users.len(), items.len()) {
        let r = entries[second];
        let name = |ids: &Ids, i: u32| ids.keys.get(i as usize).map(Key::name);
        return Err(LoadError::DuplicateRating {
            path: path.to_path_buf(),
            line: line_of(&line_starts, second),
            first_line: line_of(&line_starts, first),
            user: name(&users, r.user).unwrap_or_default(),
            item: name(&items, r.item).unwrap_or_default(),
        });
    }
    entries.shrink_to_fit();
    Ok(Ratings::new(
        String::new(),
        users.into_names(),
        items.into_names().into_iter().map(Item::new).collect(),
        entries,
    ))
}

/// What every chunk is parsed with.
struct Context<'a> {
    path: &'a Path,
    delimiter: u8,
    /// The rating column's name, for errors.
    rating_name: &'a str,
}

/// A chunk as a worker leaves it.
struct Chunk {
    /// `\n`s in the chunk.
    newlines: usize,
    /// The chunk's line of its first byte that is not UTF-8.
    not_utf8: Option<usize>,
    /// The chunk's users and items in order of first appearance in it.
    users: Vec<Key>,
    items: Vec<Key>,
    /// Its ratings, indexing `users` and `items`.
    entries: Vec<Rating>,
    /// `(rating, line)` for each rating whose line does not follow the
    /// previous rating's (the first, and any after blank or multi-line
    /// records), lines counted from the chunk's start.
    line_starts: Vec<(usize, usize)>,
    /// Its first bad record's error, lines counted from the chunk's start.
    error: Option<LoadError>,
}

/// Parses one chunk (its first line is line 1); with `check_only` (an error
/// is known already) only counts its lines and checks that it is UTF-8.
fn parse_chunk(bytes: &[u8], check_only: bool, ctx: &Context<'_>) -> Chunk {
    let checked = Checked::new(bytes);
    let mut chunk = Chunk {
        newlines: checked.newlines,
        not_utf8: checked.text.err(),
        users: Vec::new(),
        items: Vec::new(),
        entries: Vec::new(),
        line_starts: Vec::new(),
        error: None,
    };
    let Ok(text) = checked.text else {
        return chunk;
    };
    if check_only {
        return chunk;
    }
    let mut parser = ChunkParser {
        ctx,
        users: Ids::default(),
        items: Ids::default(),
        entries: Vec::with_capacity(checked.newlines + 1),
        line_starts: Vec::new(),
        last_line: None,
    };
    let parsed = if memchr::memchr(b'"', bytes).is_none() {
        parser.plain_records(text)
    } else {
        parser.csv_records(text)
    };
    chunk.error = parsed.err();
    chunk.users = parser.users.keys;
    chunk.items = parser.items.keys;
    chunk.entries = parser.entries;
    chunk.line_starts = parser.line_starts;
    chunk
}

/// One chunk's parse in progress.
struct ChunkParser<'c> {
    ctx: &'c Context<'c>,
    users: Ids,
    items: Ids,
    entries: Vec<Rating>,
    line_starts: Vec<(usize, usize)>,
    last_line: Option<usize>,
}

impl ChunkParser<'_> {
    /// A chunk without quotes, split directly at delimiters and newlines
    /// (several times faster than the csv crate, with the same records): a
    /// line of one blank field is skipped; a `\r` before `\n` stays in the
    /// last field and is trimmed with it.
    fn plain_records(&mut self, text: &str) -> Result<(), LoadError> {
        let delimiter = self.ctx.delimiter;
        let mut start = 0;
        let mut line = 1;
        while start < text.len() {
            let rest = text.get(start..).unwrap_or_default();
            let end = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
            let record = rest.get(..end).unwrap_or_default();
            let mut fields = record.split(char::from(delimiter));
            let first = [fields.next(), fields.next(), fields.next()];
            match first {
                [Some(user), Some(item), Some(rating)] => {
                    self.push(line, user, item, rating)?;
                }
                [Some(only), None, None] if only.trim().is_empty() => {}
                _ => {
                    let found = first.iter().flatten().count();
                    return Err(self.too_few(line, found));
                }
            }
            start += end + 1;
            line += 1;
        }
        Ok(())
    }

    /// A chunk with quotes, through the csv crate.
    fn csv_records(&mut self, text: &str) -> Result<(), LoadError> {
        let mut reader = reader(text, self.ctx.delimiter);
        let mut record = StringRecord::new();
        let mut lines = Lines::new(text);
        while next_record(&mut reader, &mut record, self.ctx.path)? {
            let line = lines.of(&record);
            if record.len() < 3 {
                return Err(self.too_few(line, record.len()));
            }
            let field = |j| record.get(j).unwrap_or("");
            self.push(line, field(0), field(1), field(2))?;
        }
        Ok(())
    }

    fn too_few(&self, line: usize, found: usize) -> LoadError {
        LoadError::TooFewFields {
            path: self.ctx.path.to_path_buf(),
            line,
            expected: 3,
            found,
            what: "user, item, rating",
        }
    }

    /// Adds the rating of one record on `line` (untrimmed fields).
    fn push(&mut self, line: usize, user: &str, item: &str, rating: &str) -> Result<(), LoadError> {
        let (user, item) = (user.trim(), item.trim());
        for (j, id, name) in [(0, user, "user"), (1, item, "item")] {
            if id.is_empty() {
                return Err(LoadError::EmptyField {
                    path: self.ctx.path.to_path_buf(),
                    line,
                    column: j + 1,
                    name,
                });
            }
        }
        let value = rating_value(rating, self.ctx.path, line, 3, self.ctx.rating_name)?;
        if self.last_line.is_none_or(|last| last + 1 != line) {
            self.line_starts.push((self.entries.len(), line));
        }
        self.last_line = Some(line);
        self.entries.push(Rating {
            user: self.users.id(user),
            item: self.items.id(item),
            value,
        });
        Ok(())
    }
}

/// An id: a decimal number in its one canonical spelling (no sign, no
/// leading zero, at most 19 digits: MovieLens's ids) as that number, which
/// hashes and compares faster than text; any other id as its text.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Key {
    Number(u64),
    Text(Box<str>),
}

impl Key {
    /// The id as written in the file.
    fn name(&self) -> String {
        match self {
            Self::Number(x) => x.to_string(),
            Self::Text(text) => text.to_string(),
        }
    }
}

/// `id` as a number, if it is one in canonical spelling (see [`Key`]).
fn number(id: &str) -> Option<u64> {
    let digits = id.as_bytes();
    let canonical = (1..=19).contains(&digits.len())
        && digits.iter().all(u8::is_ascii_digit)
        && (digits.len() == 1 || digits[0] != b'0');
    canonical.then(|| {
        digits
            .iter()
            .fold(0u64, |x, &d| x * 10 + u64::from(d - b'0'))
    })
}

/// Ids numbered in order of first appearance: a chunk's (on a worker), or
/// the file's (as chunks are merged).
#[derive(Default)]
struct Ids {
    numbers: HashMap<u64, u32, FxBuildHasher>,
    texts: HashMap<Box<str>, u32>,
    /// Every id, in the order of its number.
    keys: Vec<Key>,
}

impl Ids {
    /// The number of the id written `id`, adding it on first sight.
    fn id(&mut self, id: &str) -> u32 {
        let next = self.keys.len() as u32;
        if let Some(x) = number(id) {
            return *self.numbers.entry(x).or_insert_with(|| {
                self.keys.push(Key::Number(x));
                next
            });
        }
        if let Some(&i) = self.texts.get(id) {
            return i;
        }
        self.texts.insert(id.into(), next);
        self.keys.push(Key::Text(id.into()));
        next
    }

    /// The number of `key`, adding it on first sight.
    fn key(&mut self, key: Key) -> u32 {
        let next = self.keys.len() as u32;
        let i = match &key {
            Key::Number(x) => *self.numbers.entry(*x).or_insert(next),
            Key::Text(text) => {
                if let Some(&i) = self.texts.get(text) {
                    i
                } else {
                    self.texts.insert(text.clone(), next);
                    next
                }
            }
        };
        if i == next {
            self.keys.push(key);
        }
        i
    }

    fn len(&self) -> usize {
        self.keys.len()
    }

    /// The ids as written, in the order of their numbers.
    fn into_names(self) -> Vec<String> {
        self.keys.iter().map(Key::name).collect()
    }
}

/// The file so far, as chunks are merged in order.
struct LongSink<'a> {
    path: &'a Path,
    /// Lines before the next chunk.
    lines: usize,
    users: Ids,
    items: Ids,
    entries: Vec<Rating>,
    /// `(rating, line)` where a rating's line does not follow the previous
    /// one's: the line of every rating, in a few numbers.
    line_starts: Vec<(usize, usize)>,
    /// The first bad record's error; the rest is only checked for UTF-8.
    error: Option<LoadError>,
}

impl ChunkSink for LongSink<'_> {
    /// Whether an error is known (then a chunk is only checked for UTF-8).
    type Context = bool;
    type Parsed = Chunk;

    fn context(&self) -> bool {
        self.error.is_some()
    }

    fn merge(&mut self, _bytes: &[u8], _: bool, chunk: Chunk) -> Result<(), LoadError> {
        if let Some(line) = chunk.not_utf8 {
            return Err(LoadError::NotUtf8 {
                path: self.path.to_path_buf(),
                line: self.lines + line,
            });
        }
        if self.error.is_none() {
            let users: Vec<u32> = chunk.users.into_iter().map(|u| self.users.key(u)).collect();
            let items: Vec<u32> = chunk.items.into_iter().map(|i| self.items.key(i)).collect();
            let offset = self.entries.len();
            self.line_starts.extend(
                chunk
                    .line_starts
                    .iter()
                    .map(|&(k, line)| (offset + k, self.lines + line)),
            );
            self.entries.extend(chunk.entries.iter().map(|r| Rating {
                user: users[r.user as usize],
                item: items[r.item as usize],
                value: r.value,
            }));
            self.error = chunk.error.map(|e| shift_line(e, self.lines));
        }
        self.lines += chunk.newlines;
        Ok(())
    }
}

/// The line of rating `k`, from [`LongSink::line_starts`].
fn line_of(line_starts: &[(usize, usize)], k: usize) -> usize {
    let i = line_starts.partition_point(|&(start, _)| start <= k);
    i.checked_sub(1)
        .and_then(|i| line_starts.get(i))
        .map_or(0, |&(start, line)| line + (k - start))
}
