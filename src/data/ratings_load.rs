//! Ratings files → [`Ratings`], and item metadata files → titles and genres.
//!
//! Two layouts of ratings, sniffed from the first rows (or forced with
//! [`parse_ratings_as`]):
//! - **long**: one rating per line, `user,item,rating[,timestamp,...]`, header
//!   optional, delimited by `,` `\t` `;` `|` or `::` (MovieLens `ratings.csv`,
//!   ml-100k `u.data`, ml-1m `ratings.dat`). Fields past the third are ignored.
//!   The first line is a header when its rating is not a number and its user or
//!   item is not a number either (so `1,2,x` is a bad rating, not a header).
//! - **wide**: a users × items matrix with a header row of item ids; the first
//!   column holds user ids; an empty cell (or `NA`, `N/A`, `nan`, `null`) is a
//!   missing rating.
//!
//! A file is long when its header names the third column like a rating
//! (`rating`, `score`, `stars`, ...), when it has no header, or when its first
//! columns repeat ids the way a list of ratings does; it is wide when its rows
//! have five or more fields, its first header cell is empty, or a rating cell is
//! missing.
//!
//! Duplicate policy: a (user, item) pair rated twice is an error
//! ([`LoadError::DuplicateRating`]) naming both lines — ratings are never
//! averaged or silently overwritten.
//!
//! A ratings file is never held whole (MovieLens 25M's is 650 MB): it is read
//! a few megabytes at a time, cut at record ends, and a long file's chunks
//! are parsed on worker threads and merged in order; what stays is the
//! triples (12 bytes a rating), the ids, and the lines where the file is not
//! one rating a line (for errors). Here: the entry points, sniffing and item
//! metadata; `ratings_load/read.rs`: the stream and its first rows;
//! `long.rs`, `wide.rs`: the two layouts; `duplicates.rs`: a pair rated twice.
//!
//! Item metadata (titles and genres) comes from MovieLens `movies.csv`
//! (`movieId,title,genres`, genres `|`-separated), ml-100k `u.item` (`|`-separated,
//! Latin-1, 19 genre flags), ml-1m `movies.dat`, or any `id,title[,genres]` file.
//! [`load_ratings`] picks it up when it sits beside the ratings
//! ([`items_beside`]); [`load_ratings_with_items`] takes it explicitly.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use csv::{Reader, StringRecord};

use super::delimited::{
    BOM, Tuning, is_missing, next_record, reader, record_line, sniff_delimiter_among,
};
use super::error::quote_cell;
use super::{Item, LoadError, LoadProgress, Ratings, file_label, read_bytes};

mod duplicates;
mod long;
mod read;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod whole_buffer;
mod wide;

/// How many rows the layout sniffing looks at.
const SNIFF_ROWS: usize = 20;

/// Delimiters a ratings file may use (`::` is rewritten to a tab first).
const RATING_DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];

/// Delimiters of a generic item file: not `|`, which separates genres.
const ITEM_DELIMITERS: [u8; 3] = [b',', b'\t', b';'];

/// The 19 genres of ml-100k's `u.item` flags, in order (its `u.genre`).
const ML100K_GENRES: [&str; 19] = [
    "unknown",
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
];

/// The two shapes a ratings file can have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RatingsLayout {
    /// One `user,item,rating[,...]` per line.
    Long,
    /// A users × items matrix: header of item ids, one row per user, empty cells missing.
    Wide,
}

/// Parses a ratings file called `name`, sniffing its layout (see the module docs).
///
/// # Errors
/// A [`LoadError`] naming `name` and the line: [`Empty`](LoadError::Empty),
/// [`HeaderOnly`](LoadError::HeaderOnly), [`NotUtf8`](LoadError::NotUtf8),
/// [`TooFewFields`](LoadError::TooFewFields), [`Ragged`](LoadError::Ragged),
/// [`NotANumber`](LoadError::NotANumber), [`EmptyField`](LoadError::EmptyField),
/// [`DuplicateRating`](LoadError::DuplicateRating),
/// [`DuplicateName`](LoadError::DuplicateName),
/// [`DuplicateColumn`](LoadError::DuplicateColumn), [`NoRatings`](LoadError::NoRatings)
/// or [`Csv`](LoadError::Csv).
pub fn parse_ratings(bytes: &[u8], name: &str) -> Result<Ratings, LoadError> {
    parse(bytes, name, None)
}

/// `bytes` read as a stream, as a file is, but on this thread alone (small
/// inputs: built-ins, tests).
fn parse(bytes: &[u8], name: &str, layout: Option<RatingsLayout>) -> Result<Ratings, LoadError> {
    let tuning = Tuning {
        workers: 1,
        ..Tuning::default()
    };
    read::read_ratings(bytes, name, layout, &LoadProgress::new(), tuning)
}

/// Parses a ratings file called `name` in the given layout.
///
/// # Errors
/// As [`parse_ratings`].
pub fn parse_ratings_as(
    bytes: &[u8],
    name: &str,
    layout: RatingsLayout,
) -> Result<Ratings, LoadError> {
    parse(bytes, name, Some(layout))
}

/// Loads a ratings file (layout sniffed) and, when a metadata file sits beside
/// it ([`items_beside`]), the item titles and genres from that.
///
/// The file is never held whole: it is read a few megabytes at a time, long
/// files parsed on worker threads, into the triples and the ids (see
/// [`load_ratings_with`]).
///
/// # Errors
/// A [`LoadError`] naming the ratings file or the metadata file, and the line.
pub fn load_ratings(path: &Path) -> Result<Ratings, LoadError> {
    load_ratings_with(path, &LoadProgress::new())
}

/// [`load_ratings`], reporting to `progress`: its total is set to the
/// file's size, bytes read are added as they come, and a cancel stops the
/// load (checked between chunks) with [`LoadError::Cancelled`]. Whatever the
/// chunking, the result is the one a single pass over the whole file gives,
/// and an error is the one it gives: bytes that are not UTF-8 anywhere in
/// the file first, then the first bad line, then a duplicate rating.
///
/// # Errors
/// As [`load_ratings`], plus [`LoadError::Cancelled`].
pub fn load_ratings_with(path: &Path, progress: &LoadProgress) -> Result<Ratings, LoadError> {
    let mut ratings = read_ratings(path, progress)?;
    if let Some(items) = items_beside(path) {
        attach(&mut ratings, &items)?;
    }
    Ok(ratings)
}

/// Loads a ratings file and the item metadata in `items_path`.
///
/// # Errors
/// A [`LoadError`] naming the ratings file or the metadata file, and the line.
pub fn load_ratings_with_items(path: &Path, items_path: &Path) -> Result<Ratings, LoadError> {
    let mut ratings = read_ratings(path, &LoadProgress::new())?;
    attach(&mut ratings, items_path)?;
    Ok(ratings)
}

/// Whether `path` should open as ratings rather than as a table of numbers
/// (the GUI's File → Open, drag and drop, and the command line's PATH):
/// - by name: MovieLens's `u.data`, `u1.base` … `ub.test`, or any file whose
///   name starts with `ratings` (`ratings.csv`, `ratings.dat`, `ratings_small.csv`);
/// - by header: a first line of at least three fields whose first names a user
///   (`user`, `userId`, `user_id`, `uid`, `reviewer`, `customer`) and whose
///   third names a rating (`rating`, `score`, `stars`, ...), e.g. `user,movie,rating`.
///
/// Anything else is a table. A file that cannot be read is a table too (its
/// loader then reports the error).
#[must_use]
pub fn looks_like_ratings(path: &Path) -> bool {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let ext = Path::new(&file)
        .extension()
        .map_or_else(String::new, |e| e.to_string_lossy().into_owned());
    if file == "u.data"
        || (file.starts_with('u') && (ext == "base" || ext == "test") && file.len() <= 8)
        || file.starts_with("ratings")
    {
        return true;
    }
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = [0u8; 4096];
    let Ok(n) = std::io::Read::read(&mut f, &mut head) else {
        return false;
    };
    let text = String::from_utf8_lossy(&head[..n]);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let first = first.replace("::", "\t");
    let Some(&delim) = RATING_DELIMITERS
        .iter()
        .max_by_key(|&&d| first.matches(char::from(d)).count())
    else {
        return false;
    };
    let cells: Vec<&str> = first
        .split(char::from(delim))
        .map(|c| c.trim().trim_matches('"'))
        .collect();
    cells.len() >= 3
        && is_rating_name(cells[2])
        && matches!(
            normalized(cells[0]).as_str(),
            "user"
                | "userid"
                | "users"
                | "uid"
                | "reviewer"
                | "reviewerid"
                | "customer"
                | "customerid"
        )
}

/// The metadata file that belongs beside a ratings file, if it exists:
/// `u.item` for ml-100k's `u.data`, `u1.base`, `ua.test`, ...; `movies.csv`
/// (`.dat`, `.tsv`) for a MovieLens `ratings.csv` (`.dat`, `.tsv`).
#[must_use]
pub fn items_beside(path: &Path) -> Option<PathBuf> {
    let file = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let ext = Path::new(&file)
        .extension()
        .map_or_else(String::new, |e| e.to_string_lossy().into_owned());
    let dir = path.parent()?;
    let candidate = if file == "u.data"
        || (file.starts_with('u') && (ext == "base" || ext == "test") && file.len() <= 8)
    {
        "u.item".to_owned()
    } else if file.starts_with("ratings") && !ext.is_empty() {
        format!("movies.{ext}")
    } else {
        return None;
    };
    let candidate = dir.join(candidate);
    candidate.is_file().then_some(candidate)
}

/// Parses an item metadata file called `name` into items with titles and genres.
/// UTF-8 is expected; a file that is not UTF-8 is read as Latin-1 (ml-100k's
/// `u.item` is).
///
/// # Errors
/// [`Empty`](LoadError::Empty), [`TooFewFields`](LoadError::TooFewFields),
/// [`EmptyField`](LoadError::EmptyField), [`DuplicateName`](LoadError::DuplicateName)
/// or [`Csv`](LoadError::Csv), naming `name` and the line.
pub fn parse_items(bytes: &[u8], name: &str) -> Result<Vec<Item>, LoadError> {
    let path = PathBuf::from(name);
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        // Latin-1: every byte is the code point of the same value.
        Err(_) => Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()),
    };
    let text = double_colons_to_tabs(text);
    if text.trim().is_empty() {
        return Err(LoadError::Empty { path });
    }
    let items = if looks_like_u_item(&text) {
        parse_u_item(&text, &path)?
    } else {
        parse_item_table(&text, &path)?
    };
    if items.is_empty() {
        return Err(LoadError::HeaderOnly { path });
    }
    Ok(items)
}

// ---------------------------------------------------------------- ratings

fn read_ratings(path: &Path, progress: &LoadProgress) -> Result<Ratings, LoadError> {
    let file = std::fs::File::open(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let (file, _, head) = super::open_limited(path, file, progress)?;
    let input = std::io::Cursor::new(head).chain(file);
    let mut ratings =
        read::read_ratings(input, &file_label(path), None, progress, Tuning::default())
            .map_err(|e| super::limit_reached(e.with_path(path)))?;
    ratings.source = Some(path.to_path_buf());
    Ok(ratings)
}

fn attach(ratings: &mut Ratings, items_path: &Path) -> Result<(), LoadError> {
    let bytes = read_bytes(items_path)?;
    let items = parse_items(&bytes, &items_path.display().to_string())
        .map_err(|e| e.with_path(items_path))?;
    ratings.attach_items(items);
    ratings.items_source = Some(items_path.to_path_buf());
    Ok(())
}

/// ml-1m's `::` separator → a tab, when the first line uses it.
fn double_colons_to_tabs(text: Cow<'_, str>) -> Cow<'_, str> {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.contains("::") {
        Cow::Owned(text.replace("::", "\t"))
    } else {
        text
    }
}

/// The records of a file: the first [`SNIFF_ROWS`] kept for sniffing, then the rest.
struct Rows<'a> {
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
        Ok(Self { head, reader, path })
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

fn is_number(cell: &str) -> bool {
    cell.trim().parse::<f64>().is_ok()
}

/// Lower case without spaces, `_` or `-`: `"User_ID"` → `"userid"`.
fn normalized(cell: &str) -> String {
    cell.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Does this header cell name a rating column?
fn is_rating_name(cell: &str) -> bool {
    matches!(
        normalized(cell).as_str(),
        "rating" | "ratings" | "score" | "stars" | "value" | "rate" | "grade" | "r"
    )
}

/// Is the first of `head` a header of a long file? (See the module docs.)
fn long_has_header(first: &StringRecord) -> bool {
    let cell = |j| first.get(j).unwrap_or("");
    first.len() >= 3 && !is_number(cell(2)) && (!is_number(cell(0)) || !is_number(cell(1)))
}

/// Long or wide? (See the module docs.)
fn sniff_layout(head: &[StringRecord]) -> RatingsLayout {
    let Some((first, rest)) = head.split_first() else {
        return RatingsLayout::Long;
    };
    let width = first.len();
    if width < 3 || is_rating_name(first.get(2).unwrap_or("")) {
        // Too few fields for a long file is reported as such, naming what is needed.
        return RatingsLayout::Long;
    }
    if width >= 5 {
        return RatingsLayout::Wide;
    }
    let has_header = long_has_header(first) || first.get(0).is_some_and(|c| c.trim().is_empty());
    if !has_header {
        return RatingsLayout::Long;
    }
    if first.get(0).is_some_and(|c| c.trim().is_empty()) {
        return RatingsLayout::Wide;
    }
    // A missing rating among the first columns only happens in a matrix.
    let gap = rest
        .iter()
        .any(|r| (1..r.len().min(3)).any(|j| is_missing(r.get(j).unwrap_or("").trim())));
    if gap {
        return RatingsLayout::Wide;
    }
    // A list of ratings repeats users or items; a matrix has one row per user
    // and numbers (not ids) in the second column.
    let repeats = |j: usize| {
        let mut seen = std::collections::HashSet::new();
        rest.iter()
            .any(|r| !seen.insert(r.get(j).unwrap_or("").trim().to_owned()))
    };
    if repeats(0) || repeats(1) {
        RatingsLayout::Long
    } else {
        RatingsLayout::Wide
    }
}

/// Parses a rating cell: a finite number, or a `NotANumber` error naming the cell.
fn rating_value(
    cell: &str,
    path: &Path,
    line: usize,
    column: usize,
    name: &str,
) -> Result<f32, LoadError> {
    let cell = cell.trim();
    match cell.parse::<f32>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(LoadError::NotANumber {
            path: path.to_path_buf(),
            line,
            column,
            name: name.to_owned(),
            value: quote_cell(cell),
            readable_as_missing: false,
        }),
    }
}

// ---------------------------------------------------------------- item metadata

/// ml-100k `u.item`: `|`-separated, with genre flags (0/1) from the sixth field on.
fn looks_like_u_item(text: &str) -> bool {
    let Some(first) = text.lines().find(|l| !l.trim().is_empty()) else {
        return false;
    };
    let fields: Vec<&str> = first.split('|').collect();
    fields.len() >= 6 && fields[5..].iter().all(|f| matches!(f.trim(), "0" | "1"))
}

fn parse_u_item(text: &str, path: &Path) -> Result<Vec<Item>, LoadError> {
    let mut items = Vec::new();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for (k, raw) in text.lines().enumerate() {
        let line = k + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = raw.split('|').map(str::trim).collect();
        if fields.len() < 2 {
            return Err(LoadError::TooFewFields {
                path: path.to_path_buf(),
                line,
                expected: 2,
                found: fields.len(),
                what: "item id, title",
            });
        }
        let flags = fields.get(5..).unwrap_or(&[]);
        let genres = flags
            .iter()
            .enumerate()
            .filter(|(_, f)| **f == "1")
            .map(|(g, _)| {
                ML100K_GENRES
                    .get(g)
                    .map_or_else(|| format!("genre {}", g + 1), |s| (*s).to_owned())
            })
            .collect();
        push_item(
            &mut items,
            &mut first_line,
            path,
            line,
            fields[0],
            fields[1],
            genres,
        )?;
    }
    Ok(items)
}

/// Does this first row of an item file look like a header?
fn items_header(first: &StringRecord) -> bool {
    let c0 = normalized(first.get(0).unwrap_or(""));
    let c1 = normalized(first.get(1).unwrap_or(""));
    matches!(
        c1.as_str(),
        "title" | "name" | "movietitle" | "itemname" | "moviename"
    ) || matches!(c0.as_str(), "id" | "item" | "itemid" | "movie" | "movieid")
}

fn parse_item_table(text: &str, path: &Path) -> Result<Vec<Item>, LoadError> {
    let mut rows = Rows::new(text, sniff_delimiter_among(text, &ITEM_DELIMITERS), path)?;
    let has_header = rows.head.first().is_some_and(items_header);
    let mut items = Vec::new();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    rows.for_each(usize::from(has_header), |record| {
        let line = record_line(record);
        if record.len() < 2 {
            return Err(LoadError::TooFewFields {
                path: path.to_path_buf(),
                line,
                expected: 2,
                found: record.len(),
                what: "item id, title",
            });
        }
        let field = |j: usize| record.get(j).unwrap_or("").trim();
        let genres = field(2)
            .split('|')
            .map(str::trim)
            .filter(|g| !g.is_empty() && *g != "(no genres listed)")
            .map(str::to_owned)
            .collect();
        push_item(
            &mut items,
            &mut first_line,
            path,
            line,
            field(0),
            field(1),
            genres,
        )
    })?;
    Ok(items)
}

fn push_item(
    items: &mut Vec<Item>,
    first_line: &mut HashMap<String, usize>,
    path: &Path,
    line: usize,
    id: &str,
    title: &str,
    genres: Vec<String>,
) -> Result<(), LoadError> {
    if id.is_empty() {
        return Err(LoadError::EmptyField {
            path: path.to_path_buf(),
            line,
            column: 1,
            name: "item",
        });
    }
    if let Some(&first) = first_line.get(id) {
        return Err(LoadError::DuplicateName {
            path: path.to_path_buf(),
            line,
            first_line: first,
            kind: "item",
            name: id.to_owned(),
        });
    }
    first_line.insert(id.to_owned(), line);
    items.push(Item {
        id: id.to_owned(),
        title: (!title.is_empty()).then(|| title.to_owned()),
        genres,
    });
    Ok(())
}
