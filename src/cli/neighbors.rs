//! `eigenlens neighbors FILE --query LABEL`: the k nearest neighbours of one
//! point by cosine, Euclidean distance or dot product, exact, in the original
//! space, as an aligned list or as JSON. `--analogy A,B,C` lists the nearest
//! to a − b + c instead. Both are the computations the Embeddings view shows
//! ([`VectorIndex::neighbors`], [`VectorIndex::analogy`]).
//!
//! FILE is anything `load_dataset` reads — an Embedding Projector
//! `vectors.tsv` (its `metadata.tsv` beside it is used), word2vec/GloVe text,
//! a `.npy` array (labels from `--labels` or `X.labels.txt` beside it), a CSV
//! table — or `builtin:words`. Every numeric column is a dimension; the first
//! label column names the points.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use serde::Serialize;

use super::Failure;
use crate::data::{self, Dataset, LabelColumn};
use crate::math::similarity::{Metric, Neighbor, SimilarityError, VectorIndex};
use crate::scene::MAX_NEIGHBORS;

/// List the nearest neighbours of one point (table or JSON).
#[derive(Args, Debug)]
pub struct NeighborsArgs {
    /// The embeddings: a Projector vectors.tsv (with metadata.tsv beside it),
    /// word2vec/GloVe text or binary, a .npy array, an .npz, a safetensors
    /// model (rows named from vocab.txt or tokenizer.json beside it), a
    /// CSV/TSV table, or builtin:words.
    pub file: PathBuf,
    /// The point whose neighbours to list, by its label (the first label column).
    #[arg(
        long,
        value_name = "LABEL",
        required_unless_present_any = ["row", "analogy"],
        conflicts_with_all = ["row", "analogy"]
    )]
    pub query: Option<String>,
    /// The point by row number instead, counted from 0 (for files without labels).
    #[arg(long, value_name = "N", conflicts_with = "analogy")]
    pub row: Option<usize>,
    /// An analogy instead: the nearest to a − b + c (e.g. king,man,woman),
    /// a, b and c left out; for cosine the three are normalized first.
    #[arg(long, value_name = "A,B,C", value_delimiter = ',')]
    pub analogy: Option<Vec<String>>,
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
    /// The array of an .npz, or tensor of a safetensors file (e.g. a
    /// model's `embeddings.word_embeddings.weight`), when it holds several.
    #[arg(long, value_name = "NAME", conflicts_with = "labels")]
    pub array: Option<String>,
    /// Print JSON: query, metric, k, neighbors ([{label, row, score}]),
    /// dimensions, index_seconds, query_seconds.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub table: super::table::TableArgs,
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
    /// Unparseable cells read as missing (with `--bad-cells missing` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    cells_read_as_missing: Option<usize>,
}

/// What to find the neighbours of.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Target {
    /// One row.
    Row(usize),
    /// The analogy a − b + c of three rows.
    Analogy([usize; 3]),
}

/// Runs `eigenlens neighbors`.
///
/// # Errors
/// Bad input or usage (exit 2): an unreadable file, an unknown label or row,
/// k out of range, non-finite values. Exit 1 if stdout cannot be written.
pub fn run(args: &NeighborsArgs) -> Result<(), Failure> {
    let shown = args.file.display().to_string();
    // word2vec binary goes straight into the index's 32-bit rows, as gensim
    // holds it: a 3,000,000 × 300 file takes 3.6 GB, not 7.2 + 3.6.
    let plain_file = args.labels.is_none()
        && args.array.is_none()
        && !args
            .file
            .to_str()
            .is_some_and(|s| s.starts_with("builtin:"));
    let word_vectors = if plain_file {
        data::load_word2vec_rows(&args.file, &data::LoadProgress::new())
            .map_err(|e| super::table::load_failure(&e))?
    } else {
        None
    };
    let (ds, read_as_missing, rows) = if let Some(wv) = word_vectors {
        let ds = Dataset {
            name: data::file_label(&args.file),
            source: Some(args.file.clone()),
            n_rows: wv.words.codes.len(),
            columns: Vec::new(),
            labels: vec![wv.words],
        };
        (ds, None, Some((wv.rows, wv.dim)))
    } else {
        let loaded = load(
            &args.file,
            args.labels.as_deref(),
            args.array.as_deref(),
            args.table,
        )?;
        (loaded.dataset, loaded.read_as_missing, None)
    };
    if !(1..=MAX_NEIGHBORS).contains(&args.k) {
        return Err(Failure::input(format!(
            "-k: must be between 1 and {MAX_NEIGHBORS}, got {}",
            args.k
        )));
    }
    let metric = Metric::from_name(&args.metric).unwrap_or_default();
    let names = ds.labels.first();
    let target = target(args, &ds, names, &shown)?;

    let start = Instant::now();
    let index = if let Some((x, d)) = rows {
        VectorIndex::from_rows(x, d)
    } else {
        let columns: Vec<&[f64]> = ds.columns.iter().map(|c| c.values.as_slice()).collect();
        VectorIndex::from_columns(&columns)
    }
    .map_err(|e| {
        Failure::input(format!(
            "{shown}: {e} (every value of an embedding must be a finite number)"
        ))
    })?;
    let index_seconds = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let found = nearest(&index, &target, args.k, metric)
        .map_err(|e| Failure::input(format!("{shown}: {e}")))?;
    let query_seconds = start.elapsed().as_secs_f64();

    let label = |r: usize| names.map_or_else(|| format!("#{r}"), |l| l.get(r).to_owned());
    let query = match target {
        Target::Row(row) => label(row),
        Target::Analogy([a, b, c]) => format!("{} − {} + {}", label(a), label(b), label(c)),
    };
    let labels: Vec<String> = found.iter().map(|n| label(n.index)).collect();
    let answer = Answer {
        query: &query,
        metric,
        k: args.k,
        found: &found,
        labels: &labels,
        rows: ds.n_rows,
        dimensions: index.dim(),
        index_seconds,
        query_seconds,
        read_as_missing,
    };
    let mut out = super::out::stdout();
    let written = if args.json {
        serde_json::to_writer_pretty(&mut out, &answer.json())
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(out))
    } else {
        out.write_all(answer.text().as_bytes())
    };
    written
        .and_then(|()| out.flush())
        .map_err(|e| super::out::failure(&e))
}

/// Loads FILE as `neighbors` (and `project`) take it: `builtin:NAME`, an
/// embeddings file with a labels file, or anything `load_table` reads.
///
/// `table` is `--bad-cells` (a table's cells; embeddings have none).
///
/// # Errors
/// The file cannot be read or parsed (exit 2).
pub(crate) fn load(
    file: &Path,
    labels: Option<&Path>,
    array: Option<&str>,
    table: super::table::TableArgs,
) -> Result<super::table::Loaded, Failure> {
    match file.to_str().and_then(|s| s.strip_prefix("builtin:")) {
        Some(id) => super::table::load_builtin(id, table),
        None => match labels {
            Some(labels) => data::load_embeddings(file, Some(labels))
                .map(|dataset| super::table::Loaded {
                    dataset,
                    read_as_missing: None,
                })
                .map_err(|e| super::table::load_failure(&e)),
            None => super::table::load_file(file, array, table),
        },
    }
}

/// The row, or the analogy's three rows, the arguments name.
fn target(
    args: &NeighborsArgs,
    ds: &Dataset,
    names: Option<&LabelColumn>,
    shown: &str,
) -> Result<Target, Failure> {
    if let Some(words) = &args.analogy {
        let rows: Vec<usize> = words
            .iter()
            .map(|w| {
                find(ds, names, w.trim(), "--analogy")
                    .map_err(|m| Failure::input(format!("{shown}: {m}")))
            })
            .collect::<Result<_, _>>()?;
        return match rows.as_slice() {
            &[a, b, c] => Ok(Target::Analogy([a, b, c])),
            _ => Err(Failure::input("--analogy: give three labels, A,B,C")),
        };
    }
    match (&args.query, args.row) {
        (_, Some(r)) if r < ds.n_rows => Ok(Target::Row(r)),
        (_, Some(r)) => Err(Failure::input(format!(
            "--row: {shown} has {} rows (0 to {}), got {r}",
            ds.n_rows,
            ds.n_rows.saturating_sub(1)
        ))),
        (Some(q), None) => find(ds, names, q, "--query")
            .map(Target::Row)
            .map_err(|m| Failure::input(format!("{shown}: {m}"))),
        (None, None) => Err(Failure::input("give --query LABEL or --row N")),
    }
}

/// The k nearest rows to `target`, closest first: the Embeddings view's
/// neighbour list and analogy answers.
fn nearest(
    index: &VectorIndex,
    target: &Target,
    k: usize,
    metric: Metric,
) -> Result<Vec<Neighbor>, SimilarityError> {
    match *target {
        Target::Row(row) => index.neighbors(row, k, metric),
        Target::Analogy([a, b, c]) => index.analogy(a, b, c, k, metric).map(|x| x.neighbors),
    }
}

/// What `neighbors` prints.
struct Answer<'a> {
    query: &'a str,
    metric: Metric,
    k: usize,
    found: &'a [Neighbor],
    labels: &'a [String],
    rows: usize,
    dimensions: usize,
    index_seconds: f64,
    query_seconds: f64,
    read_as_missing: Option<usize>,
}

impl Answer<'_> {
    fn json(&self) -> JsonOut<'_> {
        JsonOut {
            query: self.query,
            metric: self.metric.name(),
            k: self.k,
            neighbors: self
                .found
                .iter()
                .zip(self.labels)
                .map(|(n, l)| JsonNeighbor {
                    label: l,
                    row: n.index,
                    score: n.score as f32,
                })
                .collect(),
            rows: self.rows,
            dimensions: self.dimensions,
            index_seconds: self.index_seconds,
            query_seconds: self.query_seconds,
            cells_read_as_missing: self.read_as_missing,
        }
    }

    fn text(&self) -> String {
        let width = self
            .labels
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(4)
            .max(4);
        let mut text = format!(
            "{} nearest to {:?} by {} among {} vectors of {} dimensions ({:.1} ms):\n",
            self.found.len(),
            self.query,
            self.metric.name(),
            self.rows,
            self.dimensions,
            self.query_seconds * 1e3
        );
        for (k, (n, l)) in self.found.iter().zip(self.labels).enumerate() {
            let _ = writeln!(text, "{:>4}  {l:<width$}  {:.6}", k + 1, n.score);
        }
        text
    }
}

/// The first row labelled `query`, or an error naming the option, the column
/// and, where some exist, labels that differ only in case.
fn find(
    ds: &Dataset,
    names: Option<&LabelColumn>,
    query: &str,
    option: &str,
) -> Result<usize, String> {
    // `#N` names a row by number where no label is exactly `#N`.
    let by_row = || {
        query
            .strip_prefix('#')
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&r| r < ds.n_rows)
    };
    let Some(l) = names else {
        return by_row().ok_or_else(|| {
            format!(
                "{option}: the points have no labels (give --labels FILE, or --row N, or #N); {} rows",
                ds.n_rows
            )
        });
    };
    if let Some(code) = l.categories.iter().position(|c| c == query) {
        let rows: Vec<usize> = l
            .codes
            .iter()
            .enumerate()
            .filter(|&(_, &c)| c as usize == code)
            .map(|(r, _)| r)
            .collect();
        match rows.as_slice() {
            [row] => return Ok(*row),
            [] => {}
            many => {
                let shown: Vec<String> = many.iter().take(5).map(ToString::to_string).collect();
                let more = if many.len() > 5 { ", …" } else { "" };
                let how = if option == "--analogy" {
                    format!("write #{} for row {}", many[0], many[0])
                } else {
                    format!("choose one with --row {}", many[0])
                };
                return Err(format!(
                    "{option}: {} points are labelled {query:?} in column {:?} (rows {}{more}); {how}",
                    many.len(),
                    l.name,
                    shown.join(", ")
                ));
            }
        }
    }
    if let Some(row) = by_row() {
        return Ok(row);
    }
    let folded = query.to_lowercase();
    let close: Vec<&str> = l
        .categories
        .iter()
        .filter(|c| c.to_lowercase() == folded)
        .take(3)
        .map(String::as_str)
        .collect();
    let hint = if close.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", close.join(", "))
    };
    Err(format!(
        "{option}: no point labelled {query:?} in column {:?} ({} points){hint}",
        l.name, ds.n_rows
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::NumericColumn;

    /// Four words on two axes: royal and male.
    fn words() -> Dataset {
        let names = ["king", "man", "woman", "queen"];
        let col = |name: &str, values: [f64; 4]| NumericColumn {
            name: name.to_owned(),
            values: values.to_vec(),
        };
        Dataset {
            name: "words".to_owned(),
            source: None,
            n_rows: 4,
            columns: vec![
                col("royal", [1.0, 0.1, 0.1, 1.0]),
                col("male", [1.0, 1.0, -1.0, -1.0]),
            ],
            labels: vec![LabelColumn {
                name: "word".to_owned(),
                categories: names.iter().map(|&n| n.to_owned()).collect(),
                codes: vec![0, 1, 2, 3],
            }],
        }
    }

    fn args(extra: &[&str]) -> NeighborsArgs {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            args: NeighborsArgs,
        }
        let mut all = vec!["neighbors", "x.tsv"];
        all.extend_from_slice(extra);
        Cli::try_parse_from(all).unwrap().args
    }

    #[test]
    fn an_analogy_is_the_index_analogy_of_the_named_rows() {
        let ds = words();
        let names = ds.labels.first();
        let target = target(&args(&["--analogy", "king,man,woman"]), &ds, names, "x").unwrap();
        assert_eq!(target, Target::Analogy([0, 1, 2]));
        let columns: Vec<&[f64]> = ds.columns.iter().map(|c| c.values.as_slice()).collect();
        let index = VectorIndex::from_columns(&columns).unwrap();
        let found = nearest(&index, &target, 1, Metric::Cosine).unwrap();
        assert_eq!(found[0].index, 3, "king − man + woman ≈ queen");
        assert_eq!(
            found,
            index.analogy(0, 1, 2, 1, Metric::Cosine).unwrap().neighbors
        );
        let row = target_of(&args(&["--query", "queen"]), &ds);
        assert_eq!(row, Target::Row(3));
        assert!(super::target(&args(&["--analogy", "king,man,nobody"]), &ds, names, "x").is_err());
        // Rows by number where a label is ambiguous or absent.
        let by_rows = super::target(&args(&["--analogy", "#0,#1,woman"]), &ds, names, "x");
        assert_eq!(by_rows.unwrap(), Target::Analogy([0, 1, 2]));
    }

    /// Found by the reliability pass: with two points labelled alike the
    /// first was taken silently, and "did you mean" folded ASCII case only.
    #[test]
    fn ambiguous_labels_are_refused_and_unicode_case_is_suggested() {
        let mut ds = words();
        ds.labels[0].categories = vec!["café".into(), "man".into(), "woman".into()];
        ds.labels[0].codes = vec![0, 1, 2, 0];
        let names = ds.labels.first();
        let e = find(&ds, names, "café", "--query").unwrap_err();
        assert!(
            e.contains("2 points are labelled") && e.contains("rows 0, 3"),
            "{e}"
        );
        assert!(e.contains("--row 0"), "{e}");
        let e = find(&ds, names, "café", "--analogy").unwrap_err();
        assert!(e.contains("#0"), "{e}");
        assert_eq!(find(&ds, names, "#3", "--analogy"), Ok(3));
        let e = find(&ds, names, "CAFÉ", "--query").unwrap_err();
        assert!(e.contains("did you mean café?"), "{e}");
        assert!(find(&ds, names, "#4", "--query").is_err());
    }

    fn target_of(args: &NeighborsArgs, ds: &Dataset) -> Target {
        target(args, ds, ds.labels.first(), "x").unwrap()
    }
}
