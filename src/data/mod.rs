//! Datasets and ratings: types, loaders and built-ins. No egui here.

mod builtin;
mod delimited;
mod digits;
mod embeddings;
mod error;
mod generated;
mod npy;
mod npz;
mod parquet_load;
mod picture;
mod playground;
mod progress;
mod ratings;
mod ratings_load;
mod saved_model;
mod tensors;
mod word2vec_bin;

pub use builtin::{
    BUILTINS, Builtin, BuiltinRatings, RATINGS_BUILTINS, builtin, builtin_ratings, load_builtin,
    load_builtin_ratings,
};
pub use delimited::{parse_delimited, read_delimited, read_delimited_with};
pub use digits::{DIGIT_PIXELS, digits};
pub use embeddings::{
    EmbeddingKind, LABEL_COLUMN, WORD_COLUMN, dim_name, is_embedding, is_projector_vectors_name,
    labels_beside_npy, load_embeddings, load_npy_with_labels, load_projector, load_word2vec,
    looks_like_word2vec, metadata_beside, parse_labels, parse_projector_vectors, parse_word2vec,
    write_projector,
};
pub use error::LoadError;
pub use npy::{parse_npy, read_npy};
pub use npz::{NpzArray, load_npz, looks_like_zip, npz_arrays, parse_npz};
pub use parquet_load::{is_parquet_dir, is_spark_als_model, load_parquet, looks_like_parquet};
pub use picture::{
    BuiltinPicture, MAX_DECODE_SIDE, MAX_FILE_BYTES, PICTURE_BUILTINS, Picture, builtin_picture,
    load_picture, load_picture_ref, looks_like_picture, parse_picture, save_picture,
};
pub use playground::{DEFAULT_SEED, GENERATORS, Generator, MAX_POINTS, generator};
pub use progress::LoadProgress;
pub use ratings::{Item, Rating, Ratings};
pub use ratings_load::{
    RatingsLayout, items_beside, load_ratings, load_ratings_with, load_ratings_with_items,
    looks_like_ratings, parse_items, parse_ratings, parse_ratings_as,
};
pub use saved_model::{
    ModelRatings, SavedFormat, SavedModel, is_saved_model, load_saved_model, ratings_beside,
};
pub use tensors::{TOKEN_COLUMN, looks_like_safetensors, parse_safetensors};
pub use word2vec_bin::{
    WordVectors, looks_like_binary as looks_like_word2vec_binary, parse_word2vec_binary,
    read_word2vec_binary, read_word2vec_rows,
};

use std::io::Read;
use std::path::{Path, PathBuf};

/// The most columns (dimensions) a table, array or embedding may have. Each
/// column costs a name and a vector besides its values, so a file of one
/// very long row costs far more than its size; and every view works on
/// d × d matrices (PCA's covariance), which past this width no longer fit.
pub const MAX_COLUMNS: usize = 100_000;

/// Refuses `columns` beyond [`MAX_COLUMNS`], before anything is sized by it.
pub(crate) fn check_width(columns: u64, path: &Path) -> Result<(), LoadError> {
    if columns > MAX_COLUMNS as u64 {
        return Err(LoadError::TooWide {
            path: path.to_path_buf(),
            columns,
        });
    }
    Ok(())
}

/// What a cell of a table's numeric column that is not a number (a stray
/// `x` among numbers) does when the table is loaded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BadCells {
    /// The load stops with [`LoadError::NotANumber`], naming the file, line,
    /// column and cell.
    #[default]
    Error,
    /// The cell is read as missing (`NaN`, as an empty cell is) and counted.
    Missing,
}

/// A numeric column: one f64 per row; a missing cell is `NaN` and counted as missing.
#[derive(Clone, Debug, PartialEq)]
pub struct NumericColumn {
    pub name: String,
    pub values: Vec<f64>,
}

/// Most distinct values a label column colouring points by default has
/// (the palette keeps 21 colours apart).
pub const MAX_COLOR_CATEGORIES: usize = 21;

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

    /// The label column that colours points: `chosen` (`Some("")` for
    /// none), or by default the first with a few distinct values (2 to
    /// [`MAX_COLOR_CATEGORIES`], fewer than the rows) — a genre or a
    /// species, not a title that names nearly every row.
    #[must_use]
    pub fn color_label(&self, chosen: Option<&str>) -> Option<&LabelColumn> {
        match chosen {
            Some("") => None,
            Some(name) => self.label(name),
            None => self.labels.iter().find(|l| {
                let k = l.categories.len();
                (2..=MAX_COLOR_CATEGORIES).contains(&k) && k < self.n_rows
            }),
        }
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

/// How much of a file is read to tell its format.
const SNIFF_BYTES: usize = 256 * 1024;

/// Loads a dataset file, sniffing its format:
/// - `.npy` (by magic bytes or extension): an array; with a labels file beside
///   it (`X.labels.txt`, see [`labels_beside_npy`]) an embedding with labels;
/// - a `.tsv` named like an Embedding Projector export (`vectors.tsv`,
///   `words-vectors.tsv`) whose first line is all numbers: Projector vectors,
///   with the metadata file beside it if there is one ([`metadata_beside`]);
/// - text whose lines are a token and then numbers separated by spaces
///   (optionally after a `count dim` line), unless named `.csv` or `.tsv`:
///   word2vec/GloVe ([`looks_like_word2vec`]);
/// - otherwise delimited text (CSV, TSV, ...).
///
/// # Errors
/// A [`LoadError`] naming the file and, where there is one, the line and column.
pub fn load_dataset(path: &Path) -> Result<Dataset, LoadError> {
    load_dataset_with(path, &LoadProgress::new())
}

/// [`load_dataset`], reading the file a chunk at a time (never all of it at
/// once) and reporting to `progress`: its total is set to the file's size,
/// bytes read are added as they come, and a cancel stops the load with
/// [`LoadError::Cancelled`]. Meant for a background thread.
///
/// # Errors
/// As [`load_dataset`], plus [`LoadError::Cancelled`].
pub fn load_dataset_with(path: &Path, progress: &LoadProgress) -> Result<Dataset, LoadError> {
    load_table(path, None, progress)
}

/// [`load_dataset_with`], where `array` names the array of an `.npz` or
/// the tensor of a safetensors file to open (`None`: the file's rule picks
/// one, see [`load_npz`] and [`parse_safetensors`]).
///
/// # Errors
/// As [`load_dataset`]; [`LoadError::ArrayNotApplicable`] if `array` is
/// given for a file that holds one table.
pub fn load_table(
    path: &Path,
    array: Option<&str>,
    progress: &LoadProgress,
) -> Result<Dataset, LoadError> {
    load_table_with(path, array, progress, BadCells::Error).map(|(ds, _)| ds)
}

/// [`load_table`], where `bad_cells` says what a cell of a delimited
/// table's numeric column that is not a number does (arrays, embeddings and
/// other binary formats have no such cells). Returns the dataset and how
/// many cells were read as missing.
///
/// # Errors
/// As [`load_table`].
pub fn load_table_with(
    path: &Path,
    array: Option<&str>,
    progress: &LoadProgress,
    bad_cells: BadCells,
) -> Result<(Dataset, usize), LoadError> {
    let plain = |r: Result<Dataset, LoadError>| r.map(|ds| (ds, 0));
    let io = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    if path.is_dir() && is_parquet_dir(path) {
        return match array {
            Some(array) => Err(LoadError::ArrayNotApplicable {
                path: path.to_path_buf(),
                array: array.to_owned(),
            }),
            None => plain(load_parquet(path, progress)),
        };
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let (file, size, head) = open_limited(path, file, progress)?;
    // The rest through the same reader, for formats read whole: opened
    // once (a FIFO cannot be read twice) and counted against the same limit.
    let read_rest = |mut bytes: Vec<u8>, mut file: crate::files::LimitedReader<std::fs::File>| {
        bytes.reserve(
            usize::try_from(size)
                .unwrap_or(0)
                .saturating_sub(bytes.len()),
        );
        file.read_to_end(&mut bytes)
            .map(|_| bytes)
            .map_err(|e| limit_reached(io(e)))
    };
    if looks_like_zip(&head) && has_extension(path, "npz") {
        return plain(load_npz(path, array, progress));
    }
    if looks_like_parquet(&head) && array.is_none() {
        drop(file);
        return plain(load_parquet(path, progress));
    }
    if looks_like_safetensors(&head) {
        return plain(parse_safetensors(&read_rest(head, file)?, path, array));
    }
    if let Some(array) = array {
        return Err(LoadError::ArrayNotApplicable {
            path: path.to_path_buf(),
            array: array.to_owned(),
        });
    }
    if let Some(kind) = embeddings::sniff(path, &head) {
        if kind == embeddings::EmbeddingKind::Word2vecBinary {
            // Streamed: a file of millions of vectors is never held whole.
            let reader =
                std::io::BufReader::with_capacity(1 << 20, std::io::Cursor::new(head).chain(file));
            let known = Some(size).filter(|&s| s > 0);
            return plain(
                read_word2vec_binary(reader, known, &file_label(path), progress)
                    .map(|mut ds| {
                        ds.source = Some(path.to_path_buf());
                        ds
                    })
                    .map_err(|e| limit_reached(e.with_path(path))),
            );
        }
        return plain(embeddings::load_kind(
            path,
            read_rest(head, file)?,
            kind,
            None,
        ));
    }
    if let Some((what, hint)) = other_format(path, &head) {
        return Err(LoadError::OtherFormat {
            path: path.to_path_buf(),
            what,
            hint,
        });
    }
    let head = head.as_slice();
    let name = file_label(path);
    let is_npy = head.starts_with(b"\x93NUMPY") || has_extension(path, "npy");
    // A regular file's array is read at its offsets, on every core, through
    // a second handle (the first is read in order, for the header).
    let positional = (is_npy && size > 0 && file.get_ref().metadata().is_ok_and(|m| m.is_file()))
        .then(|| file.get_ref().try_clone().ok())
        .flatten();
    let input = head.chain(file);
    let (mut ds, bad) = if is_npy {
        match &positional {
            Some(data) => npy::read_npy_file(input, data, &name, progress),
            None => read_npy(input, &name, progress),
        }
        .map(|ds| (ds, 0))
    } else {
        read_delimited_with(input, &name, progress, bad_cells)
    }
    .map_err(|e| limit_reached(e.with_path(path)))?;
    ds.source = Some(path.to_path_buf());
    Ok((ds, bad))
}

fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// What a file is, with what to do instead, when its first bytes are a
/// binary format that is not a table (so the user is not told "line 1: not
/// valid UTF-8").
fn other_format(path: &Path, head: &[u8]) -> Option<(&'static str, &'static str)> {
    Some(if has_extension(path, "npz") {
        (
            "named .npz but not a zip archive",
            "np.savez and np.savez_compressed write zip archives; check the file",
        )
    } else if looks_like_zip(head) {
        (
            "a zip archive",
            "unzip it and open a file inside (a NumPy archive opens when named .npz)",
        )
    } else if head.starts_with(b"\x1f\x8b") {
        (
            "gzip-compressed",
            "decompress it (gunzip) and open the result",
        )
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") || head.starts_with(b"\xff\xd8\xff") {
        ("an image", "eigenlens opens tables, arrays and embeddings")
    } else {
        return None;
    })
}

/// `file` (opened from `path`) behind a [`LimitedReader`](crate::files::LimitedReader),
/// its size (0 for a pipe or device) and its first [`SNIFF_BYTES`] bytes,
/// which decide the format: embeddings (by name and first lines) and
/// word2vec binary stream or load whole, tables stream in chunks. The
/// progress's total is set to the size.
///
/// # Errors
/// [`LoadError::TooLarge`] for a file larger than the memory allows (refused
/// up front rather than killed by the system half-way); [`LoadError::Io`].
fn open_limited(
    path: &Path,
    file: std::fs::File,
    progress: &LoadProgress,
) -> Result<(crate::files::LimitedReader<std::fs::File>, u64, Vec<u8>), LoadError> {
    let io = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let size = file.metadata().map_err(io)?.len();
    let available = crate::files::memory_available();
    if let Some(available) = available
        && size > crate::files::read_limit(available)
    {
        return Err(LoadError::TooLarge {
            path: path.to_path_buf(),
            size,
            available,
        });
    }
    progress.set_total(size);
    // A size of 0 may be a FIFO or a device without end (`/dev/zero`), and a
    // file may grow: every byte is counted, and reading stops at the limit.
    let mut file = crate::files::LimitedReader::new(file, available);
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    std::io::Read::by_ref(&mut file)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|e| limit_reached(io(e)))?;
    Ok((file, size, head))
}

/// Opens `path` as word2vec binary straight into 32-bit rows
/// ([`WordVectors`]: the layout of a neighbour index, at half the memory of
/// a dataset's columns), streamed like [`load_table_with`]; `None` when the
/// file is not in that format or not a regular file (read it with
/// [`load_table_with`] then).
///
/// # Errors
/// As [`read_word2vec_binary`], naming the file; [`LoadError::TooLarge`].
pub fn load_word2vec_rows(
    path: &Path,
    progress: &LoadProgress,
) -> Result<Option<WordVectors>, LoadError> {
    let io = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    if !file.metadata().map_err(io)?.is_file() {
        return Ok(None);
    }
    let (file, size, head) = open_limited(path, file, progress)?;
    if !word2vec_bin::looks_like_binary(&head) {
        return Ok(None);
    }
    let reader = std::io::BufReader::with_capacity(1 << 20, std::io::Cursor::new(head).chain(file));
    read_word2vec_rows(reader, Some(size), &file_label(path), progress)
        .map(Some)
        .map_err(|e| limit_reached(e.with_path(path)))
}

/// `e`, or [`LoadError::TooLarge`] where it is the I/O error of a
/// [`LimitedReader`](crate::files::LimitedReader) that reached its limit.
fn limit_reached(e: LoadError) -> LoadError {
    match e {
        LoadError::Io { path, source } => match crate::files::too_large_in(&source) {
            Some((size, available)) => LoadError::TooLarge {
                path,
                size,
                available,
            },
            None => LoadError::Io { path, source },
        },
        e => e,
    }
}
