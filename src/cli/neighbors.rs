//! `eigenlens neighbors FILE --query LABEL`: the k nearest neighbours of one
//! point by cosine, Euclidean distance or dot product, exact, in the original
//! space, as an aligned list or as JSON.
//!
//! FILE is anything `load_dataset` reads — an Embedding Projector
//! `vectors.tsv` (its `metadata.tsv` beside it is used), word2vec/GloVe text,
//! a `.npy` array (labels from `--labels` or `X.labels.txt` beside it), a CSV
//! table — or `builtin:words`. Every numeric column is a dimension; the first
//! label column names the points.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use serde::Serialize;

use super::Failure;
use crate::data::{self, Dataset, LabelColumn};
use crate::math::similarity::{Metric, VectorIndex};
use crate::scene::MAX_NEIGHBORS;

/// List the nearest neighbours of one point (table or JSON).
#[derive(Args, Debug)]
pub struct NeighborsArgs {
    /// The embeddings: a Projector vectors.tsv (with metadata.tsv beside it),
    /// word2vec/GloVe text, a .npy array, a CSV/TSV table, or builtin:words.
    pub file: PathBuf,
    /// The point whose neighbours to list, by its label (the first label column).
    #[arg(
        long,
        value_name = "LABEL",
        required_unless_present = "row",
        conflicts_with = "row"
    )]
    pub query: Option<String>,
    /// The point by row number instead, counted from 0 (for files without labels).
    #[arg(long, value_name = "N")]
    pub row: Option<usize>,
    /// How many neighbours, 1..=100.
    #[arg(short, long, default_value_t = 10)]
    pub k: usize,
    /// cosine (direction), euclidean (distance) or dot (direction and length).
    #[arg(long, default_value = "cosine", value_parser = ["cosine", "euclidean", "dot"])]
    pub metric: String,
    /// A labels file for the points: one label per line, a TSV with a header,
    /// or a CSV with a header (default: the metadata beside FILE, if any).
    #[arg(long, value_name = "FILE")]
    pub labels: Option<PathBuf>,
    /// Print JSON: query, metric, k, neighbors ([{label, row, score}]),
    /// dimensions, index_seconds, query_seconds.
    #[arg(long)]
    pub json: bool,
}

/// One neighbour in the JSON output.
#[derive(Serialize)]
struct JsonNeighbor<'a> {
    label: &'a str,
    row: usize,
    /// f32, the precision the index computes in (no spurious digits).
    score: f32,
}

#[derive(Serialize)]
struct JsonOut<'a> {
    query: &'a str,
    metric: &'static str,
    k: usize,
    neighbors: Vec<JsonNeighbor<'a>>,
    /// Rows and dimensions searched.
    rows: usize,
    dimensions: usize,
    /// Building the index (f64 columns → row-major f32 with norms).
    index_seconds: f64,
    /// The query alone: one exact pass over every row.
    query_seconds: f64,
}

/// Runs `eigenlens neighbors`.
///
/// # Errors
/// Bad input or usage (exit 2): an unreadable file, an unknown label or row,
/// k out of range, non-finite values. Exit 1 if stdout cannot be written.
pub fn run(args: &NeighborsArgs) -> Result<(), Failure> {
    let shown = args.file.display().to_string();
    let loaded = match args.file.to_str().and_then(|s| s.strip_prefix("builtin:")) {
        Some(id) => data::load_builtin(id),
        None => match &args.labels {
            Some(labels) => data::load_embeddings(&args.file, Some(labels)),
            None => data::load_dataset(&args.file),
        },
    };
    let ds = loaded.map_err(|e| Failure::input(e.to_string()))?;
    if !(1..=MAX_NEIGHBORS).contains(&args.k) {
        return Err(Failure::input(format!(
            "-k: must be between 1 and {MAX_NEIGHBORS}, got {}",
            args.k
        )));
    }
    let metric = Metric::from_name(&args.metric).unwrap_or_default();
    let names = ds.labels.first();
    let row = match (&args.query, args.row) {
        (_, Some(r)) if r < ds.n_rows => r,
        (_, Some(r)) => {
            return Err(Failure::input(format!(
                "--row: {shown} has {} rows (0 to {}), got {r}",
                ds.n_rows,
                ds.n_rows.saturating_sub(1)
            )));
        }
        (Some(q), None) => {
            find(&ds, names, q).map_err(|m| Failure::input(format!("{shown}: {m}")))?
        }
        (None, None) => return Err(Failure::input("give --query LABEL or --row N")),
    };

    let columns: Vec<&[f64]> = ds.columns.iter().map(|c| c.values.as_slice()).collect();
    let start = Instant::now();
    let index = VectorIndex::from_columns(&columns).map_err(|e| {
        Failure::input(format!(
            "{shown}: {e} (every value of an embedding must be a finite number)"
        ))
    })?;
    let index_seconds = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let found = index
        .neighbors(row, args.k, metric)
        .map_err(|e| Failure::input(format!("{shown}: {e}")))?;
    let query_seconds = start.elapsed().as_secs_f64();

    let label = |r: usize| names.map_or_else(|| format!("#{r}"), |l| l.get(r).to_owned());
    let query = label(row);
    let labels: Vec<String> = found.iter().map(|n| label(n.index)).collect();
    let mut out = std::io::stdout().lock();
    let written = if args.json {
        let json = JsonOut {
            query: &query,
            metric: metric.name(),
            k: args.k,
            neighbors: found
                .iter()
                .zip(&labels)
                .map(|(n, l)| JsonNeighbor {
                    label: l,
                    row: n.index,
                    score: n.score as f32,
                })
                .collect(),
            rows: ds.n_rows,
            dimensions: ds.columns.len(),
            index_seconds,
            query_seconds,
        };
        serde_json::to_writer_pretty(&mut out, &json)
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(out))
    } else {
        let width = labels
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(4)
            .max(4);
        let mut text = format!(
            "{} nearest to {query:?} by {} among {} vectors of {} dimensions ({:.1} ms):\n",
            found.len(),
            metric.name(),
            ds.n_rows,
            ds.columns.len(),
            query_seconds * 1e3
        );
        for (k, (n, l)) in found.iter().zip(&labels).enumerate() {
            let _ = writeln!(text, "{:>4}  {l:<width$}  {:.6}", k + 1, n.score);
        }
        out.write_all(text.as_bytes())
    };
    written.map_err(|e| Failure::other(format!("cannot write the output: {e}")))
}

/// The first row labelled `query`, or an error naming the column and, where
/// some exist, labels that differ only in case.
fn find(ds: &Dataset, names: Option<&LabelColumn>, query: &str) -> Result<usize, String> {
    let Some(l) = names else {
        return Err(format!(
            "--query: the points have no labels (give --labels FILE, or --row N); {} rows",
            ds.n_rows
        ));
    };
    if let Some(code) = l.categories.iter().position(|c| c == query)
        && let Some(row) = l.codes.iter().position(|&c| c as usize == code)
    {
        return Ok(row);
    }
    let close: Vec<&str> = l
        .categories
        .iter()
        .filter(|c| c.eq_ignore_ascii_case(query))
        .take(3)
        .map(String::as_str)
        .collect();
    let hint = if close.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", close.join(", "))
    };
    Err(format!(
        "--query: no point labelled {query:?} in column {:?} ({} points){hint}",
        l.name, ds.n_rows
    ))
}
