//! Parquet, as pandas, polars, DuckDB and Spark write it: one file, or a
//! directory of part files of one schema (Spark's `part-00000-….parquet`,
//! with `_SUCCESS` and `.crc` files beside them), read through the `parquet`
//! crate's record API (no Arrow), compressed with snappy, zstd or gzip.
//!
//! Columns: numbers (integers, floats, decimals) become numeric columns, a
//! null a missing value; strings, categoricals (dictionaries), booleans and
//! dates become labels; a list of numbers of one length on every row
//! (Spark's vector and array columns, e.g. ALS factors' `features`) becomes
//! `dim_0 … dim_{d−1}`, as do Spark ML's dense `VectorUDT` structs.
//! A Spark ALS model directory (`metadata/`, `userFactors/`,
//! `itemFactors/`) opens as its item factors, named by item id.

use std::path::{Path, PathBuf};

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::{Field, Row};

use super::embeddings::LabelBuilder;
use super::{Dataset, LabelColumn, LoadError, LoadProgress, NumericColumn, dim_name};

fn bad(path: &Path, reason: impl Into<String>) -> LoadError {
    LoadError::Parquet {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// Does `bytes` begin like a Parquet file?
#[must_use]
pub fn looks_like_parquet(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PAR1")
}

/// Is `dir` a Spark ALS model (`ALSModel.save`)?
#[must_use]
pub fn is_spark_als_model(dir: &Path) -> bool {
    dir.join("itemFactors").is_dir() && dir.join("userFactors").is_dir()
}

/// Does the directory hold Parquet part files (or is it an ALS model)?
#[must_use]
pub fn is_parquet_dir(dir: &Path) -> bool {
    is_spark_als_model(dir) || part_files(dir).is_ok_and(|f| !f.is_empty())
}

/// The part files of a directory, in name order: files not starting with
/// `_` or `.` and not ending in `.crc`.
fn part_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            p.is_file()
                && !name.starts_with('_')
                && !name.starts_with('.')
                && !p.extension().is_some_and(|e| e.eq_ignore_ascii_case("crc"))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// What a column becomes, fixed by the first row that says.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// Only nulls so far.
    Unknown,
    Number,
    Label,
    /// A list of this many numbers.
    Vector(usize),
}

/// One column of the table being built.
struct Column {
    name: String,
    kind: Kind,
    /// Values of a Number column (rows before the kind was known: NaN).
    numbers: Vec<f64>,
    /// Values of a Vector column, one column per dimension.
    dims: Vec<Vec<f64>>,
    labels: Option<LabelBuilder>,
    /// Rows seen while the kind was unknown (all null).
    nulls_before: usize,
}

/// A field as a number, if it is one.
fn number(f: &Field) -> Option<f64> {
    Some(match *f {
        Field::Byte(x) => f64::from(x),
        Field::Short(x) => f64::from(x),
        Field::Int(x) => f64::from(x),
        Field::Long(x) => x as f64,
        Field::UByte(x) => f64::from(x),
        Field::UShort(x) => f64::from(x),
        Field::UInt(x) => f64::from(x),
        Field::ULong(x) => x as f64,
        Field::Float16(x) => f64::from(x),
        Field::Float(x) => f64::from(x),
        Field::Double(x) => x,
        Field::Decimal(_) => f.to_string().parse().ok()?,
        _ => return None,
    })
}

/// The numbers of a list field, or of a Spark ML dense vector
/// (`{type: 1, size, indices, values}`).
fn numbers_of(f: &Field) -> Option<Vec<f64>> {
    match f {
        Field::ListInternal(list) => list.elements().iter().map(number).collect(),
        Field::Group(row) => {
            let mut values = None;
            let mut dense = false;
            for (name, field) in row.get_column_iter() {
                match name.as_str() {
                    "type" => dense = number(field) == Some(1.0),
                    "values" => values = numbers_of(field),
                    _ => {}
                }
            }
            values.filter(|_| dense)
        }
        _ => None,
    }
}

impl Column {
    fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            kind: Kind::Unknown,
            numbers: Vec::new(),
            dims: Vec::new(),
            labels: None,
            nulls_before: 0,
        }
    }

    /// Adds row `row`'s field (0-based, for messages).
    fn push(&mut self, f: &Field, row: usize, path: &Path) -> Result<(), LoadError> {
        if self.kind == Kind::Unknown {
            if matches!(f, Field::Null) {
                self.nulls_before += 1;
                return Ok(());
            }
            self.kind = if number(f).is_some() {
                Kind::Number
            } else if let Some(v) = numbers_of(f) {
                super::check_width(v.len() as u64, path)?;
                if v.is_empty() {
                    return Err(bad(
                        path,
                        format!("column {:?}, row {}: an empty vector", self.name, row + 1),
                    ));
                }
                Kind::Vector(v.len())
            } else {
                Kind::Label
            };
            let before = self.nulls_before;
            match self.kind {
                Kind::Number => self.numbers = vec![f64::NAN; before],
                Kind::Vector(d) => self.dims = vec![vec![f64::NAN; before]; d],
                _ => {
                    let mut labels = LabelBuilder::new(&self.name);
                    for _ in 0..before {
                        labels.push("");
                    }
                    self.labels = Some(labels);
                }
            }
        }
        match self.kind {
            Kind::Number => self.numbers.push(match f {
                Field::Null => f64::NAN,
                other => number(other).ok_or_else(|| {
                    bad(
                        path,
                        format!(
                            "column {:?}, row {}: {other} is not a number like the rows before",
                            self.name,
                            row + 1
                        ),
                    )
                })?,
            }),
            Kind::Vector(d) => {
                let values = match f {
                    Field::Null => vec![f64::NAN; d],
                    other => numbers_of(other).ok_or_else(|| {
                        bad(
                            path,
                            format!(
                                "column {:?}, row {}: not a list of numbers like the rows before",
                                self.name,
                                row + 1
                            ),
                        )
                    })?,
                };
                if values.len() != d {
                    return Err(bad(
                        path,
                        format!(
                            "column {:?}, row {}: {} values, the rows before have {d}",
                            self.name,
                            row + 1,
                            values.len()
                        ),
                    ));
                }
                for (dim, x) in self.dims.iter_mut().zip(values) {
                    dim.push(x);
                }
            }
            Kind::Label | Kind::Unknown => {
                let text = match f {
                    Field::Null => String::new(),
                    Field::Str(s) => s.clone(),
                    other => other.to_string(),
                };
                if let Some(l) = &mut self.labels {
                    l.push(&text);
                }
            }
        }
        Ok(())
    }
}

/// Opens the Parquet file or directory at `path` as a table.
///
/// # Errors
/// [`LoadError::Parquet`] for a file the crate cannot read (naming it), a
/// column whose rows disagree in kind or vector length (naming column and
/// row), part files of different columns; [`LoadError::HeaderOnly`] for no
/// rows; [`LoadError::Cancelled`].
pub fn load_parquet(path: &Path, progress: &LoadProgress) -> Result<Dataset, LoadError> {
    let (files, source) = if is_spark_als_model(path) {
        let items = path.join("itemFactors");
        (
            part_files(&items).map_err(|e| bad(&items, e.to_string()))?,
            items,
        )
    } else if path.is_dir() {
        (
            part_files(path).map_err(|e| bad(path, e.to_string()))?,
            path.to_path_buf(),
        )
    } else {
        (vec![path.to_path_buf()], path.to_path_buf())
    };
    if files.is_empty() {
        return Err(bad(&source, "the directory holds no part files"));
    }
    let mut columns: Vec<Column> = Vec::new();
    let mut n_rows = 0usize;
    for (k, file) in files.iter().enumerate() {
        let reader = std::fs::File::open(file)
            .map_err(|e| bad(file, e.to_string()))
            .and_then(|f| SerializedFileReader::new(f).map_err(|e| bad(file, e.to_string())))?;
        let names: Vec<String> = reader
            .metadata()
            .file_metadata()
            .schema_descr()
            .root_schema()
            .get_fields()
            .iter()
            .map(|f| f.name().to_owned())
            .collect();
        super::check_width(names.len() as u64, file)?;
        // Progress counts rows; the total grows as part files open.
        let promised = u64::try_from(reader.metadata().file_metadata().num_rows()).unwrap_or(0);
        if k == 0 {
            progress.set_total(0);
            progress.set_done(0);
        }
        progress.set_total(progress.total().saturating_add(promised));
        if k == 0 {
            columns = names.iter().map(|n| Column::new(n)).collect();
        } else if names.iter().ne(columns.iter().map(|c| &c.name)) {
            return Err(bad(
                file,
                format!(
                    "its columns ({}) differ from the first part file's",
                    names.join(", ")
                ),
            ));
        }
        let rows = reader
            .get_row_iter(None)
            .map_err(|e| bad(file, e.to_string()))?;
        for row in rows {
            let row: Row = row.map_err(|e| bad(file, e.to_string()))?;
            for (column, (_, field)) in columns.iter_mut().zip(row.get_column_iter()) {
                column.push(field, n_rows, file)?;
            }
            n_rows += 1;
            if n_rows.is_multiple_of(4096) {
                progress.add(4096);
                if progress.is_cancelled() {
                    return Err(LoadError::Cancelled {
                        path: path.to_path_buf(),
                    });
                }
            }
        }
    }
    if n_rows == 0 {
        return Err(LoadError::HeaderOnly {
            path: path.to_path_buf(),
        });
    }
    finish(columns, n_rows, path)
}

/// The table from its built columns: numbers, then each vector's dims, then
/// labels; a column that was null on every row is left out.
fn finish(columns: Vec<Column>, n_rows: usize, path: &Path) -> Result<Dataset, LoadError> {
    let vectors = columns
        .iter()
        .filter(|c| matches!(c.kind, Kind::Vector(_)))
        .count();
    let mut numeric: Vec<NumericColumn> = Vec::new();
    let mut labels: Vec<LabelColumn> = Vec::new();
    let mut ids: Option<LabelColumn> = None;
    for c in columns {
        match c.kind {
            Kind::Number if vectors > 0 && c.name == "id" => {
                // Spark factors: the id names the row.
                let mut l = LabelBuilder::new("id");
                for x in &c.numbers {
                    l.push(&x.to_string());
                }
                ids = Some(l.finish());
            }
            Kind::Number => numeric.push(NumericColumn {
                name: c.name,
                values: c.numbers,
            }),
            Kind::Vector(_) => {
                let single = vectors == 1;
                for (j, values) in c.dims.into_iter().enumerate() {
                    let name = if single {
                        dim_name(j)
                    } else {
                        format!("{}_{j}", c.name)
                    };
                    numeric.push(NumericColumn { name, values });
                }
            }
            Kind::Label => {
                if let Some(l) = c.labels {
                    labels.push(l.finish());
                }
            }
            Kind::Unknown => {}
        }
    }
    super::check_width(numeric.len() as u64, path)?;
    if let Some(ids) = ids {
        labels.insert(0, ids);
    }
    Ok(Dataset {
        name: super::file_label(path),
        source: Some(path.to_path_buf()),
        n_rows,
        columns: numeric,
        labels,
    })
}
