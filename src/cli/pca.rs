//! `eigenlens pca DATA`: fit a PCA and print it as an aligned table or as JSON,
//! optionally with the scores of every row, or save the scores as CSV.
//!
//! Rows with a missing (`NaN`) or infinite (±∞) value in a chosen column are
//! left out of the fit and counted: a note on stderr says how many of each,
//! and `--json` reports `rows_used` and `rows_left_out`. The PCA view uses the
//! same rows ([`crate::math::pca::fit_table`]). Fewer than two usable rows is
//! an error naming the columns. Rows are counted from 1, not counting a
//! header line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};

use super::Failure;
use crate::data::Dataset;
use crate::math::pca::{Pca, PcaOptions, RowSelection, TableFit, fit_table};

/// Fit a PCA and print it (table or JSON).
#[derive(Args, Debug)]
pub struct PcaArgs {
    /// The dataset: a CSV, TSV, .npy, .npz or safetensors file, an
    /// embedding file, or builtin:NAME (e.g. builtin:iris).
    pub data: PathBuf,
    /// The array of an .npz (or tensor of a safetensors file) to analyse,
    /// when the file holds several.
    #[arg(long, value_name = "NAME")]
    pub array: Option<String>,
    /// Comma-separated numeric columns to use (default: every numeric column).
    #[arg(long, value_delimiter = ',', value_name = "A,B,C")]
    pub columns: Option<Vec<String>>,
    /// Scale every column to unit variance (n − 1) first: PCA of the correlation matrix.
    #[arg(long)]
    pub standardize: bool,
    /// Components to report, 1..=d (default: all d).
    #[arg(long, value_name = "K")]
    pub components: Option<usize>,
    /// Print JSON: n_samples, n_features, columns, mean, explained_variance,
    /// explained_variance_ratio (K each), components (K rows of d), fit_seconds,
    /// rows_used, rows_left_out ({"missing": m, "non_finite": k}).
    #[arg(long)]
    pub json: bool,
    /// Also print the K scores of every row used (JSON key `scores`).
    #[arg(long)]
    pub scores: bool,
    /// Write the scores as CSV (PC1..PCk, then the dataset's label columns),
    /// one line per input row; rows left out for a missing or infinite value
    /// have empty scores.
    #[arg(long, value_name = "FILE")]
    pub save_scores: Option<PathBuf>,
    #[command(flatten)]
    pub table: super::table::TableArgs,
}

/// Runs `eigenlens pca`.
///
/// # Errors
/// Bad input or usage (exit 2): an unreadable dataset, an unknown or text
/// column, K out of range, fewer than two rows with a finite value in every
/// chosen column, a scores file that cannot be written. Exit 1 if stdout
/// cannot be written.
pub fn run(args: &PcaArgs) -> Result<(), Failure> {
    let started = Instant::now();
    let (loaded, shown) = load(&args.data, args.array.as_deref(), args.table)?;
    let read_as_missing = loaded.read_as_missing;
    let ds = loaded.dataset;
    let load_seconds = started.elapsed().as_secs_f64();
    let at = |msg: &dyn std::fmt::Display| Failure::input(format!("{shown}: {msg}"));
    let chosen = choose_columns(&ds, args.columns.as_deref()).map_err(|m| at(&m))?;
    let d = chosen.len();
    if d > MAX_COLUMNS {
        return Err(at(&format!(
            "{} numeric columns are too many for PCA here: its {d} × {d} covariance matrix would take {} and its eigenvectors minutes to hours; choose at most {MAX_COLUMNS} with --columns",
            d,
            crate::files::fmt_bytes((d as u64).saturating_mul(d as u64).saturating_mul(8))
        )));
    }
    let k = args.components.unwrap_or(d);
    if !(1..=d).contains(&k) {
        return Err(Failure::input(format!(
            "--components: must be between 1 and {d} (the number of columns), got {k}"
        )));
    }

    let columns: Vec<&[f64]> = chosen
        .iter()
        .map(|&j| ds.columns[j].values.as_slice())
        .collect();
    let names: Vec<String> = chosen.iter().map(|&j| ds.columns[j].name.clone()).collect();
    let opts = PcaOptions {
        standardize: args.standardize,
    };
    // Rows with a missing or infinite value are left out, and counted.
    let started = Instant::now();
    let fitted = fit_table(&columns, &names, &opts);
    let fit_seconds = started.elapsed().as_secs_f64();
    let fit = fitted.map_err(|e| at(&e))?;
    if fit.selection.left_out() > 0 {
        super::out::note(&format!("note: {shown}: {}", left_out_note(&fit.selection)));
    }
    let (pca, kept) = (&fit.pca, &fit.selection.rows);

    let scores = (args.scores || args.save_scores.is_some()).then(|| fit.scores(&columns, k));
    if let (Some(path), Some(t)) = (&args.save_scores, &scores) {
        save_scores(path, &ds, kept, t)?;
    }

    let printed_scores = if args.scores { scores.as_ref() } else { None };
    let mut out = std::io::BufWriter::new(super::out::stdout());
    let written = if args.json {
        write_json(
            &mut out,
            &fit,
            k,
            Seconds {
                load: load_seconds,
                fit: fit_seconds,
            },
            printed_scores,
            read_as_missing,
        )
    } else {
        let table = Table {
            pca,
            k,
            shown: &shown,
            fit_seconds,
            kept,
            scores: printed_scores,
        };
        table.write(&mut out)
    };
    written
        .and_then(|()| out.flush())
        .map_err(|e| super::out::failure(&e))
}

/// The stderr note for rows left out: how many, of how many, and why.
fn left_out_note(selection: &RowSelection) -> String {
    format!(
        "dropped {} of {} rows with a missing or infinite value in the chosen columns ({} missing, {} infinite)",
        selection.left_out(),
        selection.total(),
        selection.missing,
        selection.non_finite
    )
}

/// Loads `DATA`: `builtin:NAME` or a file. Returns the dataset and how to name it.
fn load(
    data: &Path,
    array: Option<&str>,
    table: super::table::TableArgs,
) -> Result<(super::table::Loaded, String), Failure> {
    let shown = data.display().to_string();
    let loaded = match data.to_str().and_then(|s| s.strip_prefix("builtin:")) {
        Some(_) if array.is_some() => {
            return Err(Failure::input(
                "--array applies to .npz and safetensors files, not to built-in datasets",
            ));
        }
        Some(id) => super::table::load_builtin(id, table)?,
        None => super::table::load_file(data, array, table)?,
    };
    Ok((loaded, shown))
}

/// Most columns `pca` analyses: the d × d covariance and its eigenvectors
/// take O(d²) memory and O(d³) time (2,048 columns: 34 MB and seconds;
/// 10,000: 800 MB and far too long to wait for).
pub const MAX_COLUMNS: usize = 2048;

/// Indices of the numeric columns `wanted` names (all of them by default).
fn choose_columns(ds: &Dataset, wanted: Option<&[String]>) -> Result<Vec<usize>, String> {
    let Some(wanted) = wanted else {
        return Ok((0..ds.columns.len()).collect());
    };
    let available = || ds.column_names().join(", ");
    let mut chosen = Vec::with_capacity(wanted.len());
    for name in wanted {
        let name = name.trim();
        match ds.columns.iter().position(|c| c.name == name) {
            Some(j) if chosen.contains(&j) => {
                return Err(format!("--columns: column {name:?} is named twice"));
            }
            Some(j) => chosen.push(j),
            None if ds.label(name).is_some() => {
                return Err(format!(
                    "--columns: column {name:?} holds text, not numbers (numeric columns: {})",
                    available()
                ));
            }
            None => {
                return Err(format!(
                    "--columns: no column {name:?} (numeric columns: {})",
                    available()
                ));
            }
        }
    }
    Ok(chosen)
}

/// The JSON document of the CLI contract.
#[derive(Serialize)]
struct Report<'a> {
    n_samples: usize,
    n_features: usize,
    columns: &'a [String],
    mean: &'a [f64],
    explained_variance: &'a [f64],
    explained_variance_ratio: &'a [f64],
    components: Rows<'a>,
    fit_seconds: f64,
    /// Rows the fit used (= n_samples).
    rows_used: usize,
    /// Rows left out, by reason.
    rows_left_out: LeftOut,
    /// Reading and parsing the dataset (an extra key: benches compare it with
    /// pandas and NumPy).
    load_seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    scores: Option<Rows<'a>>,
    /// Unparseable cells read as missing (with `--bad-cells missing` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    cells_read_as_missing: Option<usize>,
}

/// `rows_left_out` in the JSON: rows with a missing value, and rows with an
/// infinite value (and no missing one).
#[derive(Serialize)]
struct LeftOut {
    missing: usize,
    non_finite: usize,
}

/// How long loading and fitting took.
#[derive(Clone, Copy)]
struct Seconds {
    load: f64,
    fit: f64,
}

/// The first `k` rows of a matrix, serialized as a list of rows (without
/// copying a million scores into nested vectors first).
struct Rows<'a> {
    m: &'a nalgebra::DMatrix<f64>,
    k: usize,
}

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.k))?;
        for row in self.m.row_iter().take(self.k) {
            let row: Vec<f64> = row.iter().copied().collect();
            seq.serialize_element(&row)?;
        }
        seq.end()
    }
}

fn write_json(
    out: &mut impl Write,
    fit: &TableFit,
    k: usize,
    seconds: Seconds,
    scores: Option<&nalgebra::DMatrix<f64>>,
    cells_read_as_missing: Option<usize>,
) -> std::io::Result<()> {
    let TableFit { pca, selection } = fit;
    let report = Report {
        n_samples: pca.n_samples,
        n_features: pca.n_features(),
        columns: &pca.columns,
        mean: pca.mean.as_slice(),
        explained_variance: &pca.explained_variance.as_slice()[..k],
        explained_variance_ratio: &pca.explained_variance_ratio.as_slice()[..k],
        components: Rows {
            m: &pca.components,
            k,
        },
        fit_seconds: seconds.fit,
        rows_used: selection.rows.len(),
        rows_left_out: LeftOut {
            missing: selection.missing,
            non_finite: selection.non_finite,
        },
        load_seconds: seconds.load,
        scores: scores.map(|m| Rows { m, k: m.nrows() }),
        cells_read_as_missing,
    };
    serde_json::to_writer(&mut *out, &report)?;
    writeln!(out)
}

/// The readable report: one line per component with its variance, ratio,
/// cumulative ratio and loadings, columns aligned; then the mean (and std when
/// standardized), the fit time, and with `--scores` the scores of every row.
struct Table<'a> {
    pca: &'a Pca,
    k: usize,
    /// The dataset as named on the command line.
    shown: &'a str,
    fit_seconds: f64,
    /// The input rows (0-based) the fit used, for numbering the scores.
    kept: &'a [usize],
    scores: Option<&'a nalgebra::DMatrix<f64>>,
}

impl Table<'_> {
    fn write(&self, out: &mut impl Write) -> std::io::Result<()> {
        let Self {
            pca,
            k,
            shown,
            fit_seconds,
            kept,
            scores,
        } = *self;
        let d = pca.n_features();
        let what = if pca.standardized {
            "correlation matrix (standardized columns)"
        } else {
            "covariance matrix (n − 1)"
        };
        writeln!(
            out,
            "PCA of {shown}: {} rows × {d} columns, eigenvectors of the {what}",
            pca.n_samples
        )?;
        writeln!(out)?;
        let widths: Vec<usize> = pca
            .columns
            .iter()
            .map(|c| c.chars().count().max(9))
            .collect();
        write!(
            out,
            "{:<9} {:>12} {:>8} {:>10}",
            "component", "variance", "ratio", "cumulative"
        )?;
        for (name, w) in pca.columns.iter().zip(&widths) {
            write!(out, "  {name:>w$}")?;
        }
        writeln!(out)?;
        for (i, cumulative) in pca.cumulative_ratio().into_iter().take(k).enumerate() {
            write!(
                out,
                "{:<9} {:>12} {:>8.4} {:>10.4}",
                format!("PC{}", i + 1),
                significant(pca.explained_variance[i], 6),
                pca.explained_variance_ratio[i],
                cumulative
            )?;
            for (j, w) in widths.iter().enumerate() {
                write!(out, "  {:>w$.4}", pca.components[(i, j)])?;
            }
            writeln!(out)?;
        }
        let mut vector_line = |label: &str, v: &nalgebra::DVector<f64>| -> std::io::Result<()> {
            write!(out, "{label:<9} {:>12} {:>8} {:>10}", "", "", "")?;
            for (x, w) in v.iter().zip(&widths) {
                write!(out, "  {:>w$}", significant(*x, 5))?;
            }
            writeln!(out)
        };
        vector_line("mean", &pca.mean)?;
        if pca.standardized {
            vector_line("std", &pca.scale)?;
        }
        writeln!(out)?;
        writeln!(out, "fit: {fit_seconds:.6} s")?;
        if let Some(t) = scores {
            writeln!(out)?;
            write!(out, "{:>9}", "row")?;
            for i in 0..t.ncols() {
                write!(out, " {:>12}", format!("PC{}", i + 1))?;
            }
            writeln!(out)?;
            for (row, r) in t.row_iter().zip(kept) {
                write!(out, "{:>9}", r + 1)?;
                for x in &row {
                    write!(out, " {:>12}", significant(*x, 6))?;
                }
                writeln!(out)?;
            }
        }
        Ok(())
    }
}

/// `x` with about `digits` significant digits, in plain notation where that
/// stays short and in scientific notation otherwise.
fn significant(x: f64, digits: usize) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let magnitude = x.abs().log10().floor() as i64;
    if (-4..9).contains(&magnitude) {
        let decimals = (digits as i64 - 1 - magnitude).clamp(0, 12) as usize;
        format!("{x:.decimals$}")
    } else {
        format!("{x:.prec$e}", prec = digits.saturating_sub(1))
    }
}

/// Writes the scores as CSV, one line per input row (empty cells for dropped
/// rows), then the dataset's label columns; to a temporary file renamed into
/// place, so a failed write never leaves half a file.
fn save_scores(
    path: &Path,
    ds: &Dataset,
    kept: &[usize],
    t: &nalgebra::DMatrix<f64>,
) -> Result<(), Failure> {
    crate::files::write_atomic(path, |out| {
        let mut w = csv::Writer::from_writer(out);
        let k = t.ncols();
        let mut header: Vec<String> = (1..=k).map(|i| format!("PC{i}")).collect();
        header.extend(ds.labels.iter().map(|l| l.name.clone()));
        w.write_record(&header)?;
        let mut next_kept = kept.iter().enumerate().peekable();
        let mut record: Vec<String> = Vec::with_capacity(header.len());
        for r in 0..ds.n_rows {
            record.clear();
            match next_kept.peek() {
                Some(&(i, &kr)) if kr == r => {
                    record.extend(t.row(i).iter().map(f64::to_string));
                    next_kept.next();
                }
                _ => record.extend(std::iter::repeat_n(String::new(), k)),
            }
            record.extend(ds.labels.iter().map(|l| l.get(r).to_owned()));
            w.write_record(&record)?;
        }
        w.flush()
    })
    .map_err(|e| Failure::input(e.to_string()))
}
