//! [`LoadError`]: everything that can go wrong while loading a dataset or a
//! ratings file, in words
//! that name the file and, where there is one, the line and column at fault.
//!
//! Parse functions only know a display name (`iris.csv`); [`LoadError::with_path`]
//! swaps in the full path once the caller knows it.

use std::path::{Path, PathBuf};

/// Longest cell value quoted back in an error message, in characters.
const MAX_QUOTED_CHARS: usize = 40;

/// Why a dataset could not be loaded.
///
/// Every variant carries `path`, the file as it is shown to the user (a bare name
/// from the parse functions, the full path after [`with_path`](Self::with_path)).
/// Lines and columns are 1-based, as an editor shows them.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },

    /// The load was cancelled (through its [`LoadProgress`](super::LoadProgress)).
    #[error("{}: loading cancelled", path.display())]
    Cancelled { path: PathBuf },
    /// The file is too large to load into the memory available: refused
    /// before reading, rather than being killed by the operating system.
    #[error(
        "{}: the file is {}, too large to load into the {} of memory available (loading takes about {}× a file's size)",
        path.display(),
        crate::files::fmt_bytes(*size),
        crate::files::fmt_bytes(*available),
        crate::files::LOAD_FACTOR
    )]
    TooLarge {
        path: PathBuf,
        /// The file's size in bytes.
        size: u64,
        /// The memory available, in bytes.
        available: u64,
    },

    /// The file holds no data at all (nothing, or only whitespace).
    #[error("{}: the file is empty", path.display())]
    Empty { path: PathBuf },

    /// The file has a header line but no data rows.
    #[error("{}: the file has a header line but no data rows", path.display())]
    HeaderOnly { path: PathBuf },

    /// A row has a different number of fields than the first row.
    #[error("{}: line {line}: expected {expected} fields, found {found}", path.display())]
    Ragged {
        path: PathBuf,
        line: usize,
        expected: usize,
        found: usize,
    },

    /// A word2vec/GloVe text row whose vector is not as long as the others
    /// (or as the `count dim` header says): the word is not counted.
    #[error(
        "{}: line {line}: expected {expected} numbers after the word, found {found}",
        path.display()
    )]
    VectorLength {
        path: PathBuf,
        line: usize,
        /// The vectors' length.
        expected: usize,
        /// The fields after the row's first (its word).
        found: usize,
    },

    /// A cell of a numeric column is neither a number nor a missing-value marker.
    #[error(
        "{}: line {line}, column {column} ({name:?}): expected a number, found {value:?}",
        path.display()
    )]
    NotANumber {
        path: PathBuf,
        line: usize,
        column: usize,
        /// The column's name (from the header, or `x1`, `x2`, ... without one).
        name: String,
        /// The offending cell, trimmed; long values are cut short with `…`.
        value: String,
        /// Whether the cell is a table's, which loading with
        /// [`BadCells::Missing`](super::BadCells::Missing) reads as missing
        /// (a rating or a vector's value is not).
        readable_as_missing: bool,
    },

    /// The file is not UTF-8 text (and does not start with the `.npy` magic).
    #[error("{}: line {line}: not valid UTF-8 text", path.display())]
    NotUtf8 { path: PathBuf, line: usize },

    /// Two header cells have the same name.
    #[error(
        "{}: line {line}: columns {first} and {second} are both named {name:?}",
        path.display()
    )]
    DuplicateColumn {
        path: PathBuf,
        /// The header's line.
        line: usize,
        name: String,
        /// 1-based column number of the first use of the name.
        first: usize,
        /// 1-based column number of the repeat.
        second: usize,
    },

    /// Every column holds text: there is nothing to compute with.
    #[error("{}: no numeric columns: every column holds text", path.display())]
    NoNumericColumns { path: PathBuf },

    /// Any other error reported by the CSV reader.
    #[error("{}{}: {message}", path.display(), at_line(*line))]
    Csv {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },

    /// A `.npy` file whose magic, version or header dictionary cannot be read.
    #[error("{}: not a valid .npy file: {reason}", path.display())]
    NpyBadHeader { path: PathBuf, reason: String },

    /// A word2vec binary file (`count dim`, then a token and `dim` raw
    /// 32-bit floats per vector) that cannot be read.
    #[error("{}: word2vec binary format: {reason}", path.display())]
    Word2vecBinary { path: PathBuf, reason: String },

    /// A `.npy` array whose element type cannot become numeric columns.
    #[error(
        "{}: unsupported .npy dtype {dtype:?} ({what}); supported are f32, f64 and integer types",
        path.display()
    )]
    NpyUnsupportedDtype {
        path: PathBuf,
        /// The dtype as written in the header, e.g. `<c16` or `|S4`.
        dtype: String,
        /// What that dtype is, in words, e.g. `complex numbers`.
        what: String,
    },

    /// A `.npy` array that is not 1-D or 2-D with at least one column.
    #[error(
        "{}: array of shape {shape}: only 1-D and 2-D arrays with at least one row and one column can be loaded",
        path.display()
    )]
    NpyBadShape {
        path: PathBuf,
        /// The shape as Python prints it, e.g. `(2, 3, 4)`.
        shape: String,
    },

    /// A `.npz` archive that cannot be read, or has no array by that name.
    #[error("{}: .npz archive: {reason}", path.display())]
    Npz { path: PathBuf, reason: String },

    /// `--array` given for a file that holds one table.
    #[error("{}: --array {array:?} applies to .npz and safetensors files, and this is neither", path.display())]
    ArrayNotApplicable { path: PathBuf, array: String },

    /// A Parquet file (or part file) that cannot be read, or whose rows
    /// disagree.
    #[error("{}: Parquet: {reason}", path.display())]
    Parquet { path: PathBuf, reason: String },

    /// A saved model (Spark ALS, implicit) whose parts do not fit together.
    #[error("{}: saved model: {reason}", path.display())]
    SavedModel { path: PathBuf, reason: String },

    /// A safetensors file that cannot be read, or has no usable tensor by
    /// that name.
    #[error("{}: safetensors: {reason}", path.display())]
    Safetensors { path: PathBuf, reason: String },

    /// A PNG or JPEG that cannot be decoded, or one too large to take.
    #[error("{}: picture: {reason}", path.display())]
    Picture { path: PathBuf, reason: String },

    /// A `.npz` or safetensors file holding several arrays, none of which
    /// the rules pick: the caller chooses one.
    #[error("{}: it holds several arrays ({arrays}); choose one with --array NAME", path.display())]
    NpzChoose {
        path: PathBuf,
        /// The arrays with their shapes, comma-separated.
        arrays: String,
        /// The names to choose from (loadable ones only).
        names: Vec<String>,
    },

    /// A file of a binary format eigenlens does not read as a table (an
    /// archive, a compressed file, an image), recognised by its first bytes
    /// rather than reported as undecodable text.
    #[error("{}: {what}; {hint}", path.display())]
    OtherFormat {
        path: PathBuf,
        /// What the file is, e.g. "a NumPy .npz archive".
        what: &'static str,
        /// What to do instead.
        hint: &'static str,
    },

    /// More columns (dimensions) than eigenlens opens: each column is a
    /// dimension with its own name and storage, and past
    /// [`MAX_COLUMNS`](super::MAX_COLUMNS) the overhead, not the values, fills memory.
    #[error(
        "{}: {columns} columns, more than the {} eigenlens opens (each column is a dimension); if the values run along one row, store them one per line (transpose)",
        path.display(),
        super::MAX_COLUMNS
    )]
    TooWide {
        path: PathBuf,
        /// The number of columns the file has (or its header promises).
        columns: u64,
    },

    /// A `.npy` file shorter than its header promises.
    #[error(
        "{}: truncated .npy data: the header promises {expected} bytes of data, found {found}",
        path.display()
    )]
    NpyTruncated {
        path: PathBuf,
        expected: u64,
        found: u64,
    },

    /// No built-in dataset has this id.
    #[error("{}: no such built-in dataset (available: {available})", path.display())]
    UnknownBuiltin {
        /// `builtin:<id>`.
        path: PathBuf,
        /// The ids that do exist, comma-separated.
        available: String,
    },

    /// No built-in ratings set has this id.
    #[error("{}: no such built-in ratings set (available: {available})", path.display())]
    UnknownBuiltinRatings {
        /// `builtin:<id>`.
        path: PathBuf,
        /// The ids that do exist, comma-separated.
        available: String,
    },

    /// A row of a ratings or item file has fewer fields than it needs.
    #[error(
        "{}: line {line}: expected at least {expected} fields ({what}), found {found}",
        path.display()
    )]
    TooFewFields {
        path: PathBuf,
        line: usize,
        expected: usize,
        found: usize,
        /// What the fields are, e.g. `user, item, rating`.
        what: &'static str,
    },

    /// A field that names something (a user, an item) is empty.
    #[error("{}: line {line}, column {column} ({name}): empty, expected {name} id", path.display())]
    EmptyField {
        path: PathBuf,
        line: usize,
        column: usize,
        /// What the field holds: `user` or `item`.
        name: &'static str,
    },

    /// The same (user, item) pair is rated twice. Policy: this is an error —
    /// ratings are never averaged or silently overwritten.
    #[error(
        "{}: line {line}: user {user:?} already rated item {item:?} on line {first_line}; \
         a (user, item) pair may be rated only once (duplicates are an error, never averaged or overwritten)",
        path.display()
    )]
    DuplicateRating {
        path: PathBuf,
        /// The line of the second rating.
        line: usize,
        /// The line of the first.
        first_line: usize,
        user: String,
        item: String,
    },

    /// A user row of a wide matrix, or an item of an item file, appears twice.
    #[error(
        "{}: line {line}: {kind} {name:?} appears again (first on line {first_line}); each {kind} may appear only once",
        path.display()
    )]
    DuplicateName {
        path: PathBuf,
        line: usize,
        first_line: usize,
        /// `user` or `item`.
        kind: &'static str,
        name: String,
    },

    /// A ratings file with rows but not one rating (every cell of a wide matrix empty).
    #[error("{}: no ratings: every rating cell is empty", path.display())]
    NoRatings { path: PathBuf },

    /// A value of an embedding vector that is NaN or infinite: similarities
    /// would be meaningless, so it is an error rather than a missing cell.
    #[error(
        "{}: line {line}, column {column}: {value:?} is not a finite number; every value of an embedding vector must be finite",
        path.display()
    )]
    NotFinite {
        path: PathBuf,
        line: usize,
        column: usize,
        /// The offending cell, as written.
        value: String,
    },

    /// A metadata (labels) file whose rows do not match the vectors one to one.
    #[error("{}: {}", path.display(), metadata_rows_message(*line, *rows, *vectors, vectors_file))]
    MetadataRows {
        /// The metadata file.
        path: PathBuf,
        /// With too many rows, the line of the first row without a vector;
        /// with too few, the last line read (0 if the file had none).
        line: usize,
        /// Rows of labels found (the header not counted).
        rows: usize,
        /// Vectors in the vectors file.
        vectors: usize,
        /// The vectors file, as it is shown to the user.
        vectors_file: String,
    },

    /// A word2vec header (`count dim`) whose count disagrees with the vectors
    /// that follow.
    #[error(
        "{}: line {line}: the header promises {expected} vectors, but the file holds {found}",
        path.display()
    )]
    CountMismatch {
        path: PathBuf,
        /// The header's line.
        line: usize,
        expected: usize,
        found: usize,
    },
}

/// The words of [`LoadError::MetadataRows`] after the file name.
fn metadata_rows_message(line: usize, rows: usize, vectors: usize, vectors_file: &str) -> String {
    if rows > vectors {
        format!(
            "line {line}: this row of labels has no vector: {vectors_file} holds {vectors} vectors \
             but the metadata has {rows} rows; they must match one to one"
        )
    } else {
        format!(
            "{rows} rows of labels (the last on line {line}) for the {vectors} vectors in \
             {vectors_file}; they must match one to one"
        )
    }
}

/// `", line N"`-style suffix for errors whose line is optional.
fn at_line(line: Option<usize>) -> String {
    line.map_or_else(String::new, |l| format!(": line {l}"))
}

impl LoadError {
    /// The same error, naming `path` (usually the full path) instead of the
    /// display name the parser was given.
    #[must_use]
    pub fn with_path(mut self, path: &Path) -> Self {
        *self.path_mut() = path.to_path_buf();
        self
    }

    /// The file this error is about, as it will be displayed.
    #[must_use]
    pub fn path(&self) -> &Path {
        match self {
            Self::Io { path, .. }
            | Self::Cancelled { path }
            | Self::TooLarge { path, .. }
            | Self::Empty { path }
            | Self::HeaderOnly { path }
            | Self::Ragged { path, .. }
            | Self::VectorLength { path, .. }
            | Self::NotANumber { path, .. }
            | Self::NotUtf8 { path, .. }
            | Self::DuplicateColumn { path, .. }
            | Self::NoNumericColumns { path }
            | Self::Csv { path, .. }
            | Self::NpyBadHeader { path, .. }
            | Self::Word2vecBinary { path, .. }
            | Self::NpyUnsupportedDtype { path, .. }
            | Self::NpyBadShape { path, .. }
            | Self::TooWide { path, .. }
            | Self::OtherFormat { path, .. }
            | Self::Npz { path, .. }
            | Self::NpzChoose { path, .. }
            | Self::Safetensors { path, .. }
            | Self::Picture { path, .. }
            | Self::Parquet { path, .. }
            | Self::SavedModel { path, .. }
            | Self::ArrayNotApplicable { path, .. }
            | Self::NpyTruncated { path, .. }
            | Self::UnknownBuiltin { path, .. }
            | Self::UnknownBuiltinRatings { path, .. }
            | Self::TooFewFields { path, .. }
            | Self::EmptyField { path, .. }
            | Self::DuplicateRating { path, .. }
            | Self::DuplicateName { path, .. }
            | Self::NoRatings { path }
            | Self::NotFinite { path, .. }
            | Self::MetadataRows { path, .. }
            | Self::CountMismatch { path, .. } => path,
        }
    }

    fn path_mut(&mut self) -> &mut PathBuf {
        match self {
            Self::Io { path, .. }
            | Self::Cancelled { path }
            | Self::TooLarge { path, .. }
            | Self::Empty { path }
            | Self::HeaderOnly { path }
            | Self::Ragged { path, .. }
            | Self::VectorLength { path, .. }
            | Self::NotANumber { path, .. }
            | Self::NotUtf8 { path, .. }
            | Self::DuplicateColumn { path, .. }
            | Self::NoNumericColumns { path }
            | Self::Csv { path, .. }
            | Self::NpyBadHeader { path, .. }
            | Self::Word2vecBinary { path, .. }
            | Self::NpyUnsupportedDtype { path, .. }
            | Self::NpyBadShape { path, .. }
            | Self::TooWide { path, .. }
            | Self::OtherFormat { path, .. }
            | Self::Npz { path, .. }
            | Self::NpzChoose { path, .. }
            | Self::Safetensors { path, .. }
            | Self::Picture { path, .. }
            | Self::Parquet { path, .. }
            | Self::SavedModel { path, .. }
            | Self::ArrayNotApplicable { path, .. }
            | Self::NpyTruncated { path, .. }
            | Self::UnknownBuiltin { path, .. }
            | Self::UnknownBuiltinRatings { path, .. }
            | Self::TooFewFields { path, .. }
            | Self::EmptyField { path, .. }
            | Self::DuplicateRating { path, .. }
            | Self::DuplicateName { path, .. }
            | Self::NoRatings { path }
            | Self::NotFinite { path, .. }
            | Self::MetadataRows { path, .. }
            | Self::CountMismatch { path, .. } => path,
        }
    }

    /// The 1-based line at fault, where there is one.
    #[must_use]
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::Ragged { line, .. }
            | Self::VectorLength { line, .. }
            | Self::NotANumber { line, .. }
            | Self::NotUtf8 { line, .. }
            | Self::DuplicateColumn { line, .. }
            | Self::TooFewFields { line, .. }
            | Self::EmptyField { line, .. }
            | Self::DuplicateRating { line, .. }
            | Self::DuplicateName { line, .. }
            | Self::NotFinite { line, .. }
            | Self::CountMismatch { line, .. } => Some(*line),
            Self::MetadataRows { line, .. } => (*line > 0).then_some(*line),
            Self::Csv { line, .. } => *line,
            _ => None,
        }
    }

    /// The 1-based column at fault, where there is one (for a duplicate
    /// column name, the repeat).
    #[must_use]
    pub fn column(&self) -> Option<usize> {
        match self {
            Self::NotANumber { column, .. }
            | Self::EmptyField { column, .. }
            | Self::NotFinite { column, .. } => Some(*column),
            Self::DuplicateColumn { second, .. } => Some(*second),
            _ => None,
        }
    }
}

/// `value`, cut to at most [`MAX_QUOTED_CHARS`] characters (plus `…`) so that a
/// stray megabyte-long cell cannot flood an error message.
pub(crate) fn quote_cell(value: &str) -> String {
    let mut chars = value.chars();
    let mut out: String = chars.by_ref().take(MAX_QUOTED_CHARS).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}
