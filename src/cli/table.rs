//! What every command that reads a table shares: `--bad-cells error|missing`
//! (what a cell of a numeric column that is not a number does) and the load
//! that honours it, reporting the cells read as missing on stderr.

use std::path::Path;

use clap::{Args, ValueEnum};

use super::Failure;
use crate::data::{self, BadCells, Dataset, LoadError};

/// `--bad-cells`: what a cell of a numeric column that is not a number does.
#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BadCellsArg {
    /// Stop with the file, line, column and cell (exit 2).
    #[default]
    Error,
    /// Read the cell as missing, as an empty cell is, and report how many.
    Missing,
}

/// The options of a command that reads a table.
#[derive(Args, Clone, Copy, Debug, Default)]
pub struct TableArgs {
    /// What a cell of a numeric column that is not a number (a stray `x`)
    /// does: `error` stops with its file, line and column (exit 2);
    /// `missing` reads it as missing, as an empty cell is, and reports how
    /// many on stderr (and as `cells_read_as_missing` with --json).
    #[arg(long, value_enum, default_value_t = BadCellsArg::Error, value_name = "error|missing")]
    pub bad_cells: BadCellsArg,
}

impl TableArgs {
    /// The loaders' policy.
    #[must_use]
    pub fn policy(self) -> BadCells {
        match self.bad_cells {
            BadCellsArg::Error => BadCells::Error,
            BadCellsArg::Missing => BadCells::Missing,
        }
    }
}

/// A table a command loaded, and how many cells it read as missing
/// (`None` unless `--bad-cells missing` was given).
pub struct Loaded {
    pub dataset: Dataset,
    pub read_as_missing: Option<usize>,
}

/// Loads `path` (a file [`data::load_table_with`] reads; `array` as there)
/// with `args`' policy. With `--bad-cells missing` the count of cells read
/// as missing goes to stderr.
///
/// # Errors
/// The file cannot be read or parsed (exit 2); a cell that is not a number
/// says how `--bad-cells missing` would read it.
pub fn load_file(path: &Path, array: Option<&str>, args: TableArgs) -> Result<Loaded, Failure> {
    let (dataset, count) =
        data::load_table_with(path, array, &data::LoadProgress::new(), args.policy())
            .map_err(|e| load_failure(&e))?;
    let read_as_missing = (args.bad_cells == BadCellsArg::Missing).then(|| {
        note_read_as_missing(&path.display().to_string(), count);
        count
    });
    Ok(Loaded {
        dataset,
        read_as_missing,
    })
}

/// A built-in dataset as [`load_file`] gives a file (built-ins have no bad
/// cells: with `--bad-cells missing` the count is 0).
///
/// # Errors
/// An unknown built-in (exit 2).
pub fn load_builtin(id: &str, args: TableArgs) -> Result<Loaded, Failure> {
    let dataset = data::load_builtin(id).map_err(|e| load_failure(&e))?;
    Ok(Loaded {
        dataset,
        read_as_missing: (args.bad_cells == BadCellsArg::Missing).then_some(0),
    })
}

/// Says on stderr how many unparseable cells of `shown` were read as missing.
pub fn note_read_as_missing(shown: &str, count: usize) {
    super::out::note(&format!(
        "note: {shown}: {count} unparseable {} read as missing",
        if count == 1 { "cell" } else { "cells" }
    ));
}

/// `e` as a failure (exit 2); a cell that is not a number says how
/// `--bad-cells missing` would read it.
#[must_use]
pub fn load_failure(e: &LoadError) -> Failure {
    match e {
        LoadError::NotANumber {
            readable_as_missing: true,
            ..
        } => Failure::input(format!(
            "{e} (--bad-cells missing reads unparseable cells as missing)"
        )),
        e => Failure::input(e.to_string()),
    }
}
