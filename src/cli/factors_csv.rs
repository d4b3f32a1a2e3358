//! Reads back the factors `eigenlens factorize --save-users F --save-items F`
//! writes: `user,bias,f1..fk` and `item,title,bias,f1..fk`, one row each.
//! Every error names the file and, where there is one, its line.

use std::collections::HashMap;
use std::path::Path;

use super::Failure;

/// One side of a saved factorization: ids, titles (items only), biases and
/// the factors, row-major.
#[derive(Debug)]
pub struct FactorsCsv {
    pub ids: Vec<String>,
    /// An empty title is `None`; the users file has none.
    pub titles: Vec<Option<String>>,
    pub biases: Vec<f64>,
    /// `ids.len() × rank`, row-major.
    pub factors: Vec<f64>,
    pub rank: usize,
}

/// Which of the two files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// `user,bias,f1..fk` (`--save-users`).
    Users,
    /// `item,title,bias,f1..fk` (`--save-items`).
    Items,
}

impl Side {
    /// The columns before the factors.
    fn leading(self) -> &'static [&'static str] {
        match self {
            Self::Users => &["user", "bias"],
            Self::Items => &["item", "title", "bias"],
        }
    }

    fn option(self) -> &'static str {
        match self {
            Self::Users => "--save-users",
            Self::Items => "--save-items",
        }
    }
}

/// The header of `path` if it is a CSV that `factorize` wrote for `side`.
#[must_use]
pub fn looks_like(path: &Path, side: Side) -> bool {
    if !path.is_file() {
        return false;
    }
    let Ok(mut reader) = csv::Reader::from_path(path) else {
        return false;
    };
    reader
        .headers()
        .is_ok_and(|h| header_rank(h, side).is_some())
}

/// k when `header` is `side`'s leading columns then `f1..fk` (k ≥ 1).
fn header_rank(header: &csv::StringRecord, side: Side) -> Option<usize> {
    let leading = side.leading();
    if header.len() <= leading.len()
        || header
            .iter()
            .zip(leading)
            .any(|(h, want)| h.trim() != *want)
    {
        return None;
    }
    let factors = header.iter().skip(leading.len());
    factors
        .enumerate()
        .all(|(j, h)| h.trim() == format!("f{}", j + 1))
        .then(|| header.len() - leading.len())
}

/// Reads `path` as `side`'s file.
///
/// # Errors
/// Exit 2, naming the file: it cannot be read, its header is not
/// `side`'s, a row has the wrong number of cells, a bias or factor is not a
/// finite number (with its line and column), an id appears twice, or it has
/// no rows.
pub fn read(path: &Path, side: Side) -> Result<FactorsCsv, Failure> {
    let shown = path.display();
    let bytes = crate::data::read_bytes(path).map_err(|e| Failure::input(e.to_string()))?;
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
    let header = reader
        .headers()
        .map_err(|e| Failure::input(format!("{shown}: {e}")))?
        .clone();
    let rank = header_rank(&header, side).ok_or_else(|| {
        Failure::input(format!(
            "{shown}: line 1: expected the header {},f1..fk that `factorize {}` writes, found {:?}",
            side.leading().join(","),
            side.option(),
            header.iter().collect::<Vec<_>>().join(",")
        ))
    })?;
    let lead = side.leading().len();
    let mut out = FactorsCsv {
        ids: Vec::new(),
        titles: Vec::new(),
        biases: Vec::new(),
        factors: Vec::new(),
        rank,
    };
    let mut seen: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| Failure::input(format!("{shown}: {}", csv_error(&e))))?;
        let line = record.position().map_or(0, csv::Position::line);
        let id = record[0].trim().to_owned();
        if id.is_empty() {
            return Err(Failure::input(format!(
                "{shown}: line {line}: the {} id is empty",
                header[0].trim()
            )));
        }
        if let Some(first) = seen.insert(id.clone(), line) {
            return Err(Failure::input(format!(
                "{shown}: line {line}: {} {id:?} appears twice (lines {first} and {line})",
                header[0].trim()
            )));
        }
        if side == Side::Items {
            let title = record[1].trim();
            out.titles
                .push((!title.is_empty()).then(|| title.to_owned()));
        }
        for (column, cell) in record.iter().enumerate().skip(lead - 1) {
            let x = number(cell).ok_or_else(|| {
                Failure::input(format!(
                    "{shown}: line {line}, column {} ({:?}): expected a finite number, found {cell:?}",
                    column + 1,
                    header[column].trim()
                ))
            })?;
            if column == lead - 1 {
                out.biases.push(x);
            } else {
                out.factors.push(x);
            }
        }
        out.ids.push(id);
    }
    if out.ids.is_empty() {
        return Err(Failure::input(format!("{shown}: no rows below the header")));
    }
    Ok(out)
}

/// A finite number, or `None`.
fn number(cell: &str) -> Option<f64> {
    cell.trim().parse::<f64>().ok().filter(|x| x.is_finite())
}

/// The csv crate's error with the line first (`line 4: found 3 cells where
/// the header has 5`).
fn csv_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => format!(
            "line {}: found {len} cells where the header has {expected_len}",
            pos.as_ref().map_or(0, csv::Position::line)
        ),
        _ => e.to_string(),
    }
}
