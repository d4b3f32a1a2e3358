//! Embeddings → [`Dataset`]: the TensorFlow Embedding Projector pair
//! (`vectors.tsv` + `metadata.tsv`), word2vec/GloVe text, and `.npy` arrays with
//! a labels file.
//!
//! An embedding loads as an ordinary [`Dataset`], so every view can use it:
//! dimension j is the numeric column `dim_j` (0-based, as NumPy indexes), and
//! each metadata column is a [`LabelColumn`]. The first label column names the
//! points (the word, the title); the others (a group, a genre) can colour them.
//!
//! Formats:
//! - **Projector vectors**: one vector per line, values separated by tabs, no
//!   header. Trailing blank lines are ignored; a blank line among the vectors
//!   is a row of the wrong width.
//! - **Metadata / labels**: one row per vector, in the same order. Tab-separated
//!   (any name but `*.csv`) without quoting, as the Projector writes it, or
//!   comma-separated with quotes (`*.csv`). With several columns the first row
//!   is a header. With one column there is no header (the Projector's rule),
//!   unless the file has exactly one row more than there are vectors: then its
//!   first row is the column's name. Labels are trimmed; a blank line is an
//!   empty label. The row count must match the vectors exactly.
//! - **word2vec / GloVe text**: one vector per line, a token then its values,
//!   separated by spaces; optionally a first line `count dim` (word2vec writes
//!   it, GloVe does not). A token may contain spaces when the width is known
//!   (some GloVe vocabularies have them): the last `dim` fields are the values.
//!   Blank lines are skipped. The tokens become the label column `word`.
//! - **`.npy`**: an n × d array (see [`parse_npy`]) plus, optionally, a labels
//!   file in the metadata format above.
//!
//! Values must be finite: NaN or ∞ in an embedding is an error naming the line
//! and column, never a missing cell, since similarities would be meaningless.
//!
//! Which file goes with which: [`metadata_beside`] finds `metadata.tsv` beside
//! `vectors.tsv` (generally: the name with `vectors` replaced by `metadata`);
//! [`labels_beside_npy`] finds `X.labels.txt` (or `.tsv`, `.csv`) beside `X.npy`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use csv::StringRecord;

use super::delimited::{BOM, line_of_offset, next_record, reader, record_line};
use super::error::quote_cell;
use super::{Dataset, LabelColumn, LoadError, NumericColumn, file_label, parse_npy, read_bytes};

/// The name of dimension `j` (0-based): `dim_0`, `dim_1`, ...
#[must_use]
pub fn dim_name(j: usize) -> String {
    format!("dim_{j}")
}

/// The name of the label column made from word2vec tokens, and of a
/// single-column labels file without a header.
pub const WORD_COLUMN: &str = "word";

/// The name of a single-column metadata file's column when it has no header.
pub const LABEL_COLUMN: &str = "label";

/// Whether `ds` was loaded from an embedding format (its first numeric
/// column is `dim_0`): such data opens in the Embeddings view.
#[must_use]
pub fn is_embedding(ds: &Dataset) -> bool {
    ds.columns.len() >= 2 && ds.columns.first().is_some_and(|c| c.name == dim_name(0))
}

// ---------------------------------------------------------------- sniffing

/// Is `path` an Embedding Projector vectors file by name: a `.tsv` whose name
/// contains `vectors` (`vectors.tsv`, `words-vectors.tsv`)?
#[must_use]
pub fn is_projector_vectors_name(path: &Path) -> bool {
    has_extension(path, "tsv") && file_label(path).to_ascii_lowercase().contains("vectors")
}

/// The metadata file that goes with a Projector vectors file, if it exists:
/// the file name with its last `vectors` replaced by `metadata` and the
/// extension `.tsv` (`vectors.tsv` → `metadata.tsv`, `words-vectors.tsv` →
/// `words-metadata.tsv`), in the same folder. Case is kept as written.
#[must_use]
pub fn metadata_beside(path: &Path) -> Option<PathBuf> {
    let file = path.file_name()?.to_string_lossy().into_owned();
    let at = file.to_ascii_lowercase().rfind("vectors")?;
    let stem = Path::new(&file).file_stem()?.to_string_lossy().into_owned();
    if at + "vectors".len() > stem.len() {
        return None;
    }
    let mut name = String::with_capacity(stem.len() + 5);
    name.push_str(stem.get(..at)?);
    name.push_str("metadata");
    name.push_str(stem.get(at + "vectors".len()..)?);
    name.push_str(".tsv");
    let candidate = path.with_file_name(name);
    candidate.is_file().then_some(candidate)
}

/// The labels file that goes with `X.npy`, if one exists beside it:
/// `X.labels.txt`, `X.labels.tsv` or `X.labels.csv` (first found), or, for a
/// name containing `vectors`, the Projector's metadata file (see [`metadata_beside`]).
#[must_use]
pub fn labels_beside_npy(path: &Path) -> Option<PathBuf> {
    let stem = path.file_stem()?.to_string_lossy().into_owned();
    ["txt", "tsv", "csv"]
        .iter()
        .map(|ext| path.with_file_name(format!("{stem}.labels.{ext}")))
        .find(|p| p.is_file())
        .or_else(|| metadata_beside(path))
}

/// Does this text look like word2vec/GloVe: lines of a token then two or more
/// numbers, separated by spaces (no tabs), optionally after a `count dim` line?
/// A token may be a number (item ids) when the lines have one width. Looks at
/// the first three non-blank lines.
#[must_use]
pub fn looks_like_word2vec(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    // The first few lines are enough; never decode a whole large file for this.
    let head = bytes.get(..bytes.len().min(1 << 16)).unwrap_or(bytes);
    let head = match std::str::from_utf8(head) {
        Ok(s) => s,
        // A multi-byte character cut at the end of the window.
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(head.get(..e.valid_up_to()).unwrap_or_default()).unwrap_or_default()
        }
        Err(_) => return false,
    };
    let mut lines = head.lines().filter(|l| !l.trim().is_empty());
    let Some(first) = lines.next() else {
        return false;
    };
    if first.contains('\t') {
        return false;
    }
    let is_number = |f: &str| f.parse::<f64>().is_ok();
    let fields: Vec<&str> = first.split_ascii_whitespace().collect();
    if let Some(dim) = count_dim_header(&fields) {
        // The header must be followed by a vector of that width.
        return lines.next().is_some_and(|l| {
            let f: Vec<&str> = l.split_ascii_whitespace().collect();
            !l.contains('\t')
                && f.len() > dim
                && dim >= 1
                && f.iter().rev().take(dim).all(|v| is_number(v))
        });
    }
    // The first field is the token even when it is a number (item ids): a
    // space-separated table is not a format the table reader takes, so such
    // lines are vectors when they all have the same width.
    let width = |l: &str| {
        let f: Vec<&str> = l.split_ascii_whitespace().collect();
        (!l.contains('\t') && f.len() >= 3 && f.iter().skip(1).all(|v| is_number(v)))
            .then_some((f.len(), f.first().is_some_and(|t| is_number(t))))
    };
    let Some((w, numeric_token)) = width(first) else {
        return false;
    };
    lines
        .take(2)
        .all(|l| width(l).is_some_and(|(n, _)| !numeric_token || n == w))
}

/// `(count, dim)` if these fields are a word2vec header: two whole numbers.
fn count_dim_header(fields: &[&str]) -> Option<usize> {
    match fields {
        [count, dim] => {
            count.parse::<usize>().ok()?;
            // A vector has at least one value: `3 0` is a token and a value.
            dim.parse::<usize>().ok().filter(|&d| d > 0)
        }
        _ => None,
    }
}

/// Is the first non-blank line of this text all numbers separated by tabs (a
/// Projector vectors file, which has no header)?
fn first_line_is_numeric_tsv(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let line = bytes
        .split(|&b| b == b'\n')
        .find(|l| !l.trim_ascii().is_empty())
        .unwrap_or_default();
    std::str::from_utf8(line).is_ok_and(|l| {
        l.trim_end_matches('\r')
            .split('\t')
            .all(|v| v.trim().parse::<f64>().is_ok())
    })
}

/// Whether [`load_dataset`](super::load_dataset) should read this file as
/// embeddings, and as which kind. `None`: a plain table or array.
pub(crate) fn sniff(path: &Path, bytes: &[u8]) -> Option<EmbeddingKind> {
    if bytes.starts_with(b"\x93NUMPY") || has_extension(path, "npy") {
        return labels_beside_npy(path).map(|_| EmbeddingKind::Npy);
    }
    if super::word2vec_bin::looks_like_binary(bytes) {
        return Some(EmbeddingKind::Word2vecBinary);
    }
    if is_projector_vectors_name(path) && first_line_is_numeric_tsv(bytes) {
        return Some(EmbeddingKind::Projector);
    }
    if !has_extension(path, "csv") && !has_extension(path, "tsv") && looks_like_word2vec(bytes) {
        return Some(EmbeddingKind::Word2vec);
    }
    None
}

/// The embedding formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmbeddingKind {
    /// Embedding Projector `vectors.tsv` (+ `metadata.tsv`).
    Projector,
    /// word2vec / GloVe text.
    Word2vec,
    /// word2vec's binary format (`count dim`, then tokens and raw floats).
    Word2vecBinary,
    /// A NumPy `.npy` array (+ a labels file).
    Npy,
}

fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

// ---------------------------------------------------------------- loading

/// Loads an embedding file of any of the three formats, sniffed: `.npy` by
/// magic bytes or extension, word2vec text by its content, anything else as
/// Projector vectors. `labels` is the metadata or labels file; without it, one
/// beside the file is used if there is one ([`metadata_beside`],
/// [`labels_beside_npy`]). A labels file given for word2vec text (whose tokens
/// are already labels) adds its columns after `word`.
///
/// # Errors
/// A [`LoadError`] naming the file at fault and, where there is one, its line
/// and column.
pub fn load_embeddings(path: &Path, labels: Option<&Path>) -> Result<Dataset, LoadError> {
    let bytes = read_bytes(path)?;
    let kind = if bytes.starts_with(b"\x93NUMPY") || has_extension(path, "npy") {
        EmbeddingKind::Npy
    } else if super::word2vec_bin::looks_like_binary(&bytes) {
        EmbeddingKind::Word2vecBinary
    } else if looks_like_word2vec(&bytes) {
        EmbeddingKind::Word2vec
    } else {
        EmbeddingKind::Projector
    };
    load_kind(path, bytes, kind, labels)
}

/// Loads `path` (already read into `bytes`) as `kind`, with `labels` or the
/// labels file found beside it.
pub(crate) fn load_kind(
    path: &Path,
    bytes: Vec<u8>,
    kind: EmbeddingKind,
    labels: Option<&Path>,
) -> Result<Dataset, LoadError> {
    let name = file_label(path);
    let beside = match kind {
        EmbeddingKind::Projector => metadata_beside(path),
        EmbeddingKind::Npy => labels_beside_npy(path),
        EmbeddingKind::Word2vec | EmbeddingKind::Word2vecBinary => None,
    };
    let labels_path = labels.map(Path::to_path_buf).or(beside);
    let mut ds = match kind {
        EmbeddingKind::Projector => parse_projector_vectors(&bytes, &name),
        EmbeddingKind::Word2vec => parse_word2vec(&bytes, &name),
        EmbeddingKind::Word2vecBinary => super::word2vec_bin::parse_word2vec_binary(&bytes, &name),
        EmbeddingKind::Npy => parse_npy(&bytes, &name).map(|mut ds| {
            for (j, c) in ds.columns.iter_mut().enumerate() {
                c.name = dim_name(j);
            }
            ds
        }),
    }
    .map_err(|e| e.with_path(path))?;
    if kind == EmbeddingKind::Npy {
        check_finite_columns(&ds, path)?;
    }
    drop(bytes);
    if let Some(labels_path) = labels_path {
        let label_bytes = read_bytes(&labels_path)?;
        let columns = parse_labels(&label_bytes, &file_label(&labels_path), ds.n_rows, &name)
            .map_err(|e| e.with_path(&labels_path))?;
        ds.labels.extend(columns);
    }
    ds.source = Some(path.to_path_buf());
    Ok(ds)
}

/// A `.npy` array has no lines: a non-finite value is reported by row and column.
fn check_finite_columns(ds: &Dataset, path: &Path) -> Result<(), LoadError> {
    for (j, c) in ds.columns.iter().enumerate() {
        if let Some(i) = c.values.iter().position(|v| !v.is_finite()) {
            return Err(LoadError::NotFinite {
                path: path.to_path_buf(),
                // Row i of the array, counted from 1 like a line.
                line: i + 1,
                column: j + 1,
                value: c.values.get(i).map_or_else(String::new, f64::to_string),
            });
        }
    }
    Ok(())
}

/// Loads an Embedding Projector pair: `vectors` and the metadata file
/// `metadata`, or the one beside `vectors` ([`metadata_beside`]) if `None`.
///
/// # Errors
/// As [`parse_projector_vectors`] and [`parse_labels`], naming the file at
/// fault; [`LoadError::Io`] if a file cannot be read.
pub fn load_projector(vectors: &Path, metadata: Option<&Path>) -> Result<Dataset, LoadError> {
    let bytes = read_bytes(vectors)?;
    load_kind(vectors, bytes, EmbeddingKind::Projector, metadata)
}

/// Loads word2vec/GloVe text, or word2vec's binary format when the file is
/// in it.
///
/// # Errors
/// As [`parse_word2vec`], naming the file; [`LoadError::Io`] if it cannot be read.
pub fn load_word2vec(path: &Path) -> Result<Dataset, LoadError> {
    let bytes = read_bytes(path)?;
    let kind = if super::word2vec_bin::looks_like_binary(&bytes) {
        EmbeddingKind::Word2vecBinary
    } else {
        EmbeddingKind::Word2vec
    };
    load_kind(path, bytes, kind, None)
}

/// Loads an n × d `.npy` array with the labels file `labels`, or the one
/// beside it ([`labels_beside_npy`]) if `None`; dimensions are named `dim_j`.
///
/// # Errors
/// As [`parse_npy`] and [`parse_labels`], naming the file at fault;
/// [`LoadError::NotFinite`] (line = row) for NaN or ∞.
pub fn load_npy_with_labels(path: &Path, labels: Option<&Path>) -> Result<Dataset, LoadError> {
    let bytes = read_bytes(path)?;
    load_kind(path, bytes, EmbeddingKind::Npy, labels)
}

// ---------------------------------------------------------------- writing

/// Writes `ds` as an Embedding Projector pair: its numeric columns to
/// `vectors` (tab-separated, one vector per line, every digit kept) and its
/// label columns to the metadata file beside it (see [`metadata_beside`]:
/// `X-vectors.tsv` → `X-metadata.tsv`), with a header row so that column
/// names survive. Both are written atomically. Tabs and line breaks inside a
/// label become spaces (the format has no quoting). Returns the metadata
/// file's path, or `None` when `ds` has no labels (and none is written).
///
/// # Errors
/// A [`WriteError`](crate::files::WriteError) naming the file that could not
/// be written.
pub fn write_projector(
    ds: &Dataset,
    vectors: &Path,
) -> Result<Option<PathBuf>, crate::files::WriteError> {
    use std::io::Write as _;
    crate::files::write_atomic(vectors, |w| {
        for i in 0..ds.n_rows {
            for (j, c) in ds.columns.iter().enumerate() {
                if j > 0 {
                    w.write_all(b"\t")?;
                }
                write!(w, "{}", c.values.get(i).copied().unwrap_or(f64::NAN))?;
            }
            w.write_all(b"\n")?;
        }
        Ok(())
    })?;
    if ds.labels.is_empty() {
        return Ok(None);
    }
    let metadata = metadata_path_for(vectors);
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    crate::files::write_atomic(&metadata, |w| {
        let header: Vec<String> = ds.labels.iter().map(|l| clean(&l.name)).collect();
        writeln!(w, "{}", header.join("\t"))?;
        for i in 0..ds.n_rows {
            let row: Vec<String> = ds.labels.iter().map(|l| clean(l.get(i))).collect();
            writeln!(w, "{}", row.join("\t"))?;
        }
        Ok(())
    })?;
    Ok(Some(metadata))
}

/// Where [`metadata_beside`] looks for the metadata of `vectors` (whether or
/// not it exists): its last `vectors` replaced by `metadata`, or, for a name
/// without `vectors`, `NAME.metadata.tsv`.
fn metadata_path_for(vectors: &Path) -> PathBuf {
    let file = vectors
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match file.to_ascii_lowercase().rfind("vectors") {
        Some(at) => format!(
            "{}metadata{}.tsv",
            file.get(..at).unwrap_or_default(),
            file.get(at + "vectors".len()..).unwrap_or_default()
        ),
        None => format!("{file}.metadata.tsv"),
    };
    vectors.with_file_name(name)
}

// ---------------------------------------------------------------- parsing

/// Text from bytes: the BOM stripped, or [`LoadError::NotUtf8`] naming the line.
fn utf8<'a>(bytes: &'a [u8], path: &Path) -> Result<&'a str, LoadError> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| LoadError::NotUtf8 {
        path: path.to_path_buf(),
        line: line_of_offset(bytes, e.valid_up_to()),
    })
}

/// The lines of `text` with their 1-based numbers, `\r` stripped, trailing
/// blank lines (nothing but spaces) left out. A tab is a cell separator, not
/// blank: the last row's empty last cell (`Up\tanimation\t`) stays a cell.
fn numbered_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let blank = |l: &str| l.trim_matches([' ', '\r']).is_empty();
    let mut body = text;
    while let Some(at) = body.rfind('\n') {
        if !blank(body.get(at + 1..).unwrap_or_default()) {
            break;
        }
        body = body.get(..at).unwrap_or_default();
    }
    if blank(body) {
        body = "";
    }
    body.split('\n')
        .filter(move |_| !body.is_empty())
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .enumerate()
        .map(|(i, l)| (i + 1, l))
}

/// Parses one value of a vector. `column` is 1-based, `dim` 0-based.
fn parse_value(
    cell: &str,
    path: &Path,
    line: usize,
    column: usize,
    dim: usize,
) -> Result<f64, LoadError> {
    let cell = cell.trim();
    match cell.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(_) => Err(LoadError::NotFinite {
            path: path.to_path_buf(),
            line,
            column,
            value: quote_cell(cell),
        }),
        Err(_) => Err(LoadError::NotANumber {
            path: path.to_path_buf(),
            line,
            column,
            name: dim_name(dim),
            value: quote_cell(cell),
            readable_as_missing: false,
        }),
    }
}

/// About how many rows a text of `text_len` bytes holds if they are like its
/// first (of `first_len` bytes): room to reserve, never more than the text
/// could hold whatever it claims.
fn rows_estimate(text_len: usize, first_len: usize) -> usize {
    text_len / (first_len + 1) + 1
}

/// Numeric columns `dim_0..dim_{d-1}`, each with room for `rows` values.
fn dim_columns(d: usize, rows: usize) -> Vec<NumericColumn> {
    (0..d)
        .map(|j| NumericColumn {
            name: dim_name(j),
            values: Vec::with_capacity(rows),
        })
        .collect()
}

/// Parses Embedding Projector vectors (tab-separated numbers, one vector per
/// line, no header) into a [`Dataset`] called `name` with columns `dim_j` and
/// no labels.
///
/// # Errors
/// [`Empty`](LoadError::Empty), [`NotUtf8`](LoadError::NotUtf8),
/// [`Ragged`](LoadError::Ragged) (a row of another width than the first, or a
/// blank line among the rows), [`NotANumber`](LoadError::NotANumber) or
/// [`NotFinite`](LoadError::NotFinite), naming `name`, the line and the column.
pub fn parse_projector_vectors(bytes: &[u8], name: &str) -> Result<Dataset, LoadError> {
    let path = PathBuf::from(name);
    let text = utf8(bytes, &path)?;
    if text.trim().is_empty() {
        return Err(LoadError::Empty { path });
    }
    let mut columns: Vec<NumericColumn> = Vec::new();
    let mut n_rows = 0usize;
    for (line, row) in numbered_lines(text) {
        let width = if row.trim().is_empty() {
            0
        } else {
            row.split('\t').count()
        };
        if n_rows == 0 {
            super::check_width(width as u64, &path)?;
            columns = dim_columns(width, rows_estimate(text.len(), row.len()));
        }
        if width != columns.len() || width == 0 {
            return Err(LoadError::Ragged {
                path,
                line,
                expected: columns.len(),
                found: width,
            });
        }
        for (j, (cell, column)) in row.split('\t').zip(&mut columns).enumerate() {
            column
                .values
                .push(parse_value(cell, &path, line, j + 1, j)?);
        }
        n_rows += 1;
    }
    Ok(Dataset {
        name: name.to_owned(),
        source: None,
        n_rows,
        columns,
        labels: Vec::new(),
    })
}

/// Parses word2vec/GloVe text into a [`Dataset`] called `name`: the tokens
/// as the label column `word`, the values as columns `dim_j`.
///
/// # Errors
/// [`Empty`](LoadError::Empty), [`NotUtf8`](LoadError::NotUtf8),
/// [`TooFewFields`](LoadError::TooFewFields) (a token without values),
/// [`VectorLength`](LoadError::VectorLength) (a vector of another length), [`NotANumber`](LoadError::NotANumber),
/// [`NotFinite`](LoadError::NotFinite) or
/// [`CountMismatch`](LoadError::CountMismatch) (the header's count is not the
/// number of vectors), naming `name` and the line.
pub fn parse_word2vec(bytes: &[u8], name: &str) -> Result<Dataset, LoadError> {
    let path = PathBuf::from(name);
    let text = utf8(bytes, &path)?;
    if text.trim().is_empty() {
        return Err(LoadError::Empty { path });
    }
    let mut lines = numbered_lines(text)
        .filter(|(_, l)| !l.trim().is_empty())
        .peekable();
    // The optional `count dim` header.
    let mut header: Option<(usize, usize)> = None;
    let mut dim: Option<usize> = None;
    if let Some(&(line, first)) = lines.peek() {
        let fields: Vec<&str> = first.split_ascii_whitespace().collect();
        if let Some(d) = count_dim_header(&fields) {
            let count = fields.first().and_then(|c| c.parse().ok()).unwrap_or(0);
            header = Some((line, count));
            dim = Some(d);
            lines.next();
        }
    }
    // Columns are made at the first vector, once its width is checked: a
    // header's numbers are promises, not sizes to allocate.
    let mut columns: Vec<NumericColumn> = Vec::new();
    let mut words = LabelBuilder::new(WORD_COLUMN);
    let mut n_rows = 0usize;
    let mut fields: Vec<&str> = Vec::new();
    for (line, row) in lines {
        fields.clear();
        fields.extend(row.split_ascii_whitespace());
        let d = if let Some(d) = dim {
            d
        } else {
            // No header: the first row sets the width.
            let d = fields.len().saturating_sub(1);
            if d == 0 {
                return Err(LoadError::TooFewFields {
                    path,
                    line,
                    expected: 2,
                    found: fields.len(),
                    what: "a token, then its vector",
                });
            }
            dim = Some(d);
            d
        };
        // A token may hold spaces: the last d fields are the values. Extra
        // fields count as part of the token only if the first of them is not
        // a number (else the row is simply too wide).
        let n_token = fields.len().saturating_sub(d);
        let too_wide = n_token > 1 && fields.get(1).is_some_and(|f| f.parse::<f64>().is_ok());
        if n_token == 0 || too_wide {
            return Err(LoadError::VectorLength {
                path,
                line,
                expected: d,
                found: fields.len().saturating_sub(1),
            });
        }
        if columns.is_empty() {
            super::check_width(d as u64, &path)?;
            let rows = rows_estimate(text.len(), row.len());
            columns = dim_columns(d, header.map_or(rows, |(_, count)| count.min(rows)));
        }
        let (token, values) = fields.split_at(n_token);
        for (j, (cell, column)) in values.iter().zip(&mut columns).enumerate() {
            column
                .values
                .push(parse_value(cell, &path, line, n_token + j + 1, j)?);
        }
        words.push(&token.join(" "));
        n_rows += 1;
    }
    if let Some((line, count)) = header
        && count != n_rows
    {
        return Err(LoadError::CountMismatch {
            path,
            line,
            expected: count,
            found: n_rows,
        });
    }
    if n_rows == 0 {
        return Err(LoadError::HeaderOnly { path });
    }
    Ok(Dataset {
        name: name.to_owned(),
        source: None,
        n_rows,
        columns,
        labels: vec![words.finish()],
    })
}

/// Parses a metadata or labels file called `name` that must hold one row per
/// vector (`n_vectors` of them, in `vectors_file`): see the module docs for the
/// layout. `*.csv` is comma-separated with quotes; anything else tab-separated
/// without quoting.
///
/// # Errors
/// [`Empty`](LoadError::Empty) (with vectors to label), [`NotUtf8`](LoadError::NotUtf8),
/// [`Ragged`](LoadError::Ragged), [`DuplicateColumn`](LoadError::DuplicateColumn),
/// [`Csv`](LoadError::Csv), or [`MetadataRows`](LoadError::MetadataRows) when the
/// rows and the vectors do not match one to one, naming `name` and the line.
pub fn parse_labels(
    bytes: &[u8],
    name: &str,
    n_vectors: usize,
    vectors_file: &str,
) -> Result<Vec<LabelColumn>, LoadError> {
    let path = PathBuf::from(name);
    let text = utf8(bytes, &path)?;
    // Rows as (line, cells).
    let rows: Vec<(usize, Vec<String>)> = if has_extension(&path, "csv") {
        let mut reader = reader(text, b',');
        let mut record = StringRecord::new();
        let mut rows = Vec::new();
        while next_record(&mut reader, &mut record, &path)? {
            rows.push((
                record_line(&record),
                record.iter().map(|c| c.trim().to_owned()).collect(),
            ));
        }
        rows
    } else {
        numbered_lines(text)
            .map(|(line, l)| (line, l.split('\t').map(|c| c.trim().to_owned()).collect()))
            .collect()
    };
    let Some((_, first)) = rows.first() else {
        if n_vectors == 0 {
            return Ok(Vec::new());
        }
        return Err(LoadError::Empty { path });
    };
    let width = first.len();
    let has_header = width > 1 || rows.len() == n_vectors + 1;
    let names: Vec<String> = if has_header {
        header_names(first, rows.first().map_or(1, |r| r.0), &path)?
    } else {
        vec![LABEL_COLUMN.to_owned()]
    };
    let body = rows.get(usize::from(has_header)..).unwrap_or_default();
    if body.len() != n_vectors {
        let line = if body.len() > n_vectors {
            body.get(n_vectors).map_or(0, |r| r.0)
        } else {
            rows.last().map_or(0, |r| r.0)
        };
        return Err(LoadError::MetadataRows {
            path,
            line,
            rows: body.len(),
            vectors: n_vectors,
            vectors_file: vectors_file.to_owned(),
        });
    }
    let mut builders: Vec<LabelBuilder> = names.iter().map(|n| LabelBuilder::new(n)).collect();
    for (line, cells) in body {
        // A blank line splits into one empty cell: an empty label in a
        // single-column file, a short row in a wider one.
        if cells.len() != width {
            return Err(LoadError::Ragged {
                path,
                line: *line,
                expected: width,
                found: cells.len(),
            });
        }
        for (cell, b) in cells.iter().zip(&mut builders) {
            b.push(cell);
        }
    }
    Ok(builders.into_iter().map(LabelBuilder::finish).collect())
}

/// Column names from a metadata header: an empty cell becomes `label_<j>`; a
/// name used twice is an error.
fn header_names(header: &[String], line: usize, path: &Path) -> Result<Vec<String>, LoadError> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut names = Vec::with_capacity(header.len());
    for (j, cell) in header.iter().enumerate() {
        let name = if cell.is_empty() {
            format!("label_{}", j + 1)
        } else {
            cell.clone()
        };
        if let Some(&first) = seen.get(cell.as_str()) {
            return Err(LoadError::DuplicateColumn {
                path: path.to_path_buf(),
                line,
                name,
                first,
                second: j + 1,
            });
        }
        if !cell.is_empty() {
            seen.insert(cell, j + 1);
        }
        names.push(name);
    }
    Ok(names)
}

/// A label column being filled: distinct values in order of first appearance.
pub(super) struct LabelBuilder {
    name: String,
    index: HashMap<String, u32>,
    categories: Vec<String>,
    codes: Vec<u32>,
}

impl LabelBuilder {
    pub(super) fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            index: HashMap::new(),
            categories: Vec::new(),
            codes: Vec::new(),
        }
    }

    pub(super) fn push(&mut self, label: &str) {
        let code = if let Some(&code) = self.index.get(label) {
            code
        } else {
            // More than 2³² distinct labels cannot fit in memory anyway.
            let code = u32::try_from(self.categories.len()).unwrap_or(u32::MAX);
            self.index.insert(label.to_owned(), code);
            self.categories.push(label.to_owned());
            code
        };
        self.codes.push(code);
    }

    pub(super) fn finish(self) -> LabelColumn {
        LabelColumn {
            name: self.name,
            categories: self.categories,
            codes: self.codes,
        }
    }
}
