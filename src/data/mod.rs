//! Datasets and ratings: types, loaders and built-ins. No egui here.

mod builtin;
mod delimited;
mod error;
mod npy;
mod ratings;
mod ratings_load;

pub use builtin::{
    BUILTINS, Builtin, BuiltinRatings, RATINGS_BUILTINS, builtin, builtin_ratings, load_builtin,
    load_builtin_ratings,
};
pub use delimited::parse_delimited;
pub use error::LoadError;
pub use npy::parse_npy;
pub use ratings::{Item, Rating, Ratings};
pub use ratings_load::{
    RatingsLayout, items_beside, load_ratings, load_ratings_with_items, looks_like_ratings,
    parse_items, parse_ratings, parse_ratings_as,
};

use std::path::{Path, PathBuf};

/// A numeric column: one f64 per row; a missing cell is `NaN` and counted as missing.
#[derive(Clone, Debug, PartialEq)]
pub struct NumericColumn {
    pub name: String,
    pub values: Vec<f64>,
}

/// A text column, stored as category codes into a list of distinct values
/// (in order of first appearance), so it can colour points cheaply.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelColumn {
    pub name: String,
    /// Distinct values, in order of first appearance.
    pub categories: Vec<String>,
    /// One index into `categories` per row.
    pub codes: Vec<u32>,
}

impl LabelColumn {
    /// The label of row `row`.
    #[must_use]
    pub fn get(&self, row: usize) -> &str {
        self.codes
            .get(row)
            .and_then(|&c| self.categories.get(c as usize))
            .map_or("", String::as_str)
    }
}

/// n rows × d named numeric columns, plus text columns used as labels.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// Display name (file name or built-in name).
    pub name: String,
    /// Where it came from: a file path, or `None` for built-ins.
    pub source: Option<PathBuf>,
    pub n_rows: usize,
    pub columns: Vec<NumericColumn>,
    pub labels: Vec<LabelColumn>,
}

impl Dataset {
    /// The numeric column called `name`.
    #[must_use]
    pub fn column(&self, name: &str) -> Option<&NumericColumn> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The label column called `name`.
    #[must_use]
    pub fn label(&self, name: &str) -> Option<&LabelColumn> {
        self.labels.iter().find(|c| c.name == name)
    }

    /// Names of the numeric columns, in order.
    #[must_use]
    pub fn column_names(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.name.as_str()).collect()
    }
}

/// The whole file, or an error naming it: I/O, or too large for the memory
/// available ([`files::read_limited`](crate::files::read_limited)).
///
/// # Errors
/// [`LoadError::Io`] or [`LoadError::TooLarge`], naming `path`.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, LoadError> {
    use crate::files::{ReadError, memory_available, read_limited};
    read_limited(path, memory_available()).map_err(|e| match e {
        ReadError::Io(source) => LoadError::Io {
            path: path.to_path_buf(),
            source,
        },
        ReadError::TooLarge { size, available } => LoadError::TooLarge {
            path: path.to_path_buf(),
            size,
            available,
        },
    })
}

/// The last component of `path` (the whole path if it has none): the name a
/// loaded file goes by in the app and in messages.
#[must_use]
pub fn file_label(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Loads a dataset file, sniffing its format: `.npy` by magic bytes or extension,
/// otherwise delimited text (CSV, TSV, ...).
///
/// # Errors
/// A [`LoadError`] naming the file and, where there is one, the line and column.
pub fn load_dataset(path: &Path) -> Result<Dataset, LoadError> {
    let bytes = read_bytes(path)?;
    let name = file_label(path);
    let mut ds = if bytes.starts_with(b"\x93NUMPY")
        || path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("npy"))
    {
        parse_npy(&bytes, &name)
    } else {
        parse_delimited(&bytes, &name)
    }
    .map_err(|e| e.with_path(path))?;
    ds.source = Some(path.to_path_buf());
    Ok(ds)
}
