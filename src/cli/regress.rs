//! `eigenlens regress DATA --y COLUMN [--x a,b,...] [--ridge L] [--json]`:
//! least squares with an intercept ([`crate::math::regress`]), printed as a
//! table or as JSON.
//!
//! Rows with a missing or infinite value in y or a chosen predictor are left
//! out and counted (a note on stderr), the crate's one row policy. With
//! `--ridge L` (L > 0) the coefficients are ridge's; standard errors and t are
//! then not defined and printed as `null`, R² is that of the ridge fit.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use serde::Serialize;

use super::Failure;
use crate::data::Dataset;
use crate::math::regress::{fit_table, ridge};

/// Fit least squares and print it (table or JSON).
#[derive(Args, Debug)]
pub struct RegressArgs {
    /// The dataset: a CSV, TSV or .npy file, or builtin:NAME (e.g. builtin:iris).
    pub data: PathBuf,
    /// The numeric column to predict.
    #[arg(long, value_name = "COLUMN")]
    pub y: String,
    /// Comma-separated numeric predictors (default: every other numeric column).
    #[arg(long, value_delimiter = ',', value_name = "A,B,C")]
    pub x: Option<Vec<String>>,
    /// Ridge penalty λ ≥ 0 on the slopes (the intercept is not penalised).
    #[arg(long, value_name = "L", allow_hyphen_values = true)]
    pub ridge: Option<f64>,
    /// Print JSON: rows, predictors, coefficients ([{name, estimate,
    /// std_error, t}], intercept first), r2, adjusted_r2, residual_std, seconds.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub table: super::table::TableArgs,
}

#[derive(Serialize)]
struct Coefficient {
    name: String,
    estimate: f64,
    std_error: Option<f64>,
    t: Option<f64>,
}

#[derive(Serialize)]
struct Report {
    rows: usize,
    predictors: Vec<String>,
    coefficients: Vec<Coefficient>,
    r2: f64,
    adjusted_r2: f64,
    residual_std: f64,
    seconds: f64,
    /// Unparseable cells read as missing (with `--bad-cells missing` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    cells_read_as_missing: Option<usize>,
}

fn column_index(ds: &Dataset, name: &str, flag: &str) -> Result<usize, String> {
    let name = name.trim();
    match ds.columns.iter().position(|c| c.name == name) {
        Some(j) => Ok(j),
        None if ds.label(name).is_some() => Err(format!(
            "{flag}: column {name:?} is text, not numeric; numeric columns: {}",
            ds.column_names().join(", ")
        )),
        None => Err(format!(
            "{flag}: no column {name:?}; numeric columns: {}",
            ds.column_names().join(", ")
        )),
    }
}

/// Runs `eigenlens regress`.
///
/// # Errors
/// Bad input (exit 2): an unreadable dataset, an unknown, text or repeated
/// column, y among the predictors, a bad λ, collinear predictors, too few
/// usable rows. Exit 1 if stdout cannot be written.
pub fn run(args: &RegressArgs) -> Result<(), Failure> {
    let shown = args.data.display().to_string();
    let loaded = match args.data.to_str().and_then(|s| s.strip_prefix("builtin:")) {
        Some(id) => super::table::load_builtin(id, args.table),
        None => super::table::load_file(&args.data, None, args.table),
    }?;
    let read_as_missing = loaded.read_as_missing;
    let ds = loaded.dataset;
    let at = |msg: &dyn std::fmt::Display| Failure::input(format!("{shown}: {msg}"));
    let yj = column_index(&ds, &args.y, "--y").map_err(|m| at(&m))?;
    let xj: Vec<usize> = match &args.x {
        Some(names) => {
            let mut chosen = Vec::new();
            for n in names {
                let j = column_index(&ds, n, "--x").map_err(|m| at(&m))?;
                if j == yj {
                    return Err(at(&format!("--x: column {:?} is also --y", n.trim())));
                }
                if chosen.contains(&j) {
                    return Err(at(&format!("--x: column {:?} is named twice", n.trim())));
                }
                chosen.push(j);
            }
            chosen
        }
        None => (0..ds.columns.len()).filter(|&j| j != yj).collect(),
    };
    if let Some(l) = args.ridge
        && (!l.is_finite() || l < 0.0)
    {
        return Err(Failure::input(format!(
            "--ridge: must be a finite number ≥ 0, got {l}"
        )));
    }
    let started = Instant::now();
    let y = ds.columns[yj].values.as_slice();
    let xs: Vec<&[f64]> = xj
        .iter()
        .map(|&j| ds.columns[j].values.as_slice())
        .collect();
    let names: Vec<String> = xj.iter().map(|&j| ds.columns[j].name.clone()).collect();
    let fit = fit_table(y, &xs, &names).map_err(|e| at(&e))?;
    let sel = &fit.selection;
    if sel.left_out() > 0 {
        super::out::note(&format!(
            "note: {shown}: dropped {} of {} rows with a missing or infinite value in y or a predictor ({} missing, {} infinite)",
            sel.left_out(),
            sel.total(),
            sel.missing,
            sel.non_finite
        ));
    }
    let ols = &fit.ols;
    let mut report = Report {
        rows: sel.rows.len(),
        predictors: names.clone(),
        coefficients: (0..ols.names.len())
            .map(|j| Coefficient {
                name: ols.names[j].clone(),
                estimate: ols.coefficients[j],
                std_error: Some(ols.std_errors[j]),
                t: Some(ols.t[j]),
            })
            .collect(),
        r2: ols.r2,
        adjusted_r2: ols.adjusted_r2,
        residual_std: ols.residual_std,
        seconds: 0.0,
        cells_read_as_missing: read_as_missing,
    };
    if let Some(lambda) = args.ridge.filter(|&l| l > 0.0) {
        let used = sel.gather(
            &std::iter::once(y)
                .chain(xs.iter().copied())
                .collect::<Vec<_>>(),
        );
        let yu: &[f64] = &used[0];
        let xu: Vec<&[f64]> = used[1..].iter().map(AsRef::as_ref).collect();
        let beta = ridge(yu, &xu, &names, lambda).map_err(|e| at(&e))?;
        let n = yu.len();
        let rss: f64 = (0..n)
            .map(|i| {
                let pred = beta[0]
                    + xu.iter()
                        .zip(beta.iter().skip(1))
                        .map(|(c, b)| c[i] * b)
                        .sum::<f64>();
                (yu[i] - pred).powi(2)
            })
            .sum();
        let p = names.len() + 1;
        report.r2 = 1.0 - rss / ols.tss;
        report.adjusted_r2 = 1.0 - (1.0 - report.r2) * (n as f64 - 1.0) / (n - p) as f64;
        report.residual_std = (rss / (n - p) as f64).sqrt();
        for (c, b) in report.coefficients.iter_mut().zip(beta.iter()) {
            c.estimate = *b;
            c.std_error = None;
            c.t = None;
        }
    }
    report.seconds = started.elapsed().as_secs_f64();
    let mut out = std::io::BufWriter::new(super::out::stdout());
    let written = if args.json {
        serde_json::to_writer_pretty(&mut out, &report)
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(out))
    } else {
        write_table(&mut out, &report, &ds.columns[yj].name, args.ridge)
    };
    written
        .and_then(|()| out.flush())
        .map_err(|e| super::out::failure(&e))
}

fn write_table(
    out: &mut impl Write,
    r: &Report,
    y: &str,
    lambda: Option<f64>,
) -> std::io::Result<()> {
    match lambda.filter(|&l| l > 0.0) {
        Some(l) => writeln!(out, "ridge (λ = {l}) of {y} on {} rows", r.rows)?,
        None => writeln!(out, "least squares of {y} on {} rows", r.rows)?,
    }
    writeln!(
        out,
        "{:<20} {:>14} {:>14} {:>10}",
        "", "estimate", "std error", "t"
    )?;
    let f = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| format!("{v:.6}"));
    for c in &r.coefficients {
        writeln!(
            out,
            "{:<20} {:>14.6} {:>14} {:>10}",
            c.name,
            c.estimate,
            f(c.std_error),
            f(c.t)
        )?;
    }
    writeln!(
        out,
        "R² {:.6}   adjusted R² {:.6}   residual std {:.6}   ({:.3} ms)",
        r.r2,
        r.adjusted_r2,
        r.residual_std,
        r.seconds * 1e3
    )
}
