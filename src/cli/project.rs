//! `eigenlens project FILE --method pca|tsne|umap`: place every point of a
//! dataset or embedding on a 2D or 3D map and say how much of each point's
//! neighbourhood the map kept (trustworthiness and the kept-neighbour share,
//! k = 10, in the original space). `--save` writes the map as CSV (`x,y[,z]`
//! then the label columns); `--json` prints the figures and the settings.
//!
//! FILE is anything `eigenlens neighbors` reads. The projections are
//! [`crate::math::project`]'s, the ones the views run.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use serde::Serialize;

use super::Failure;
use crate::data::Dataset;
use crate::math::project::quality::{Quality, quality_sampled};
use crate::math::project::tsne::{TsneSettings, tsne_with};
use crate::math::project::umap::{UmapSettings, umap_with};
use crate::math::project::{Embedding, Init, Progress, Supervision, pca_scores, supervision_codes};
use crate::math::similarity::VectorIndex;

/// Neighbours compared by the quality figures.
const QUALITY_K: usize = 10;
/// Above this many points the quality figures are summed over a seeded
/// sample of this many (each still ranked against every point).
const QUALITY_SAMPLE: usize = 20_000;

/// Project a dataset onto a 2D or 3D map (PCA, t-SNE or UMAP).
#[derive(Args, Debug)]
pub struct ProjectArgs {
    /// The data: anything `eigenlens neighbors` reads (a Projector
    /// vectors.tsv, word2vec/GloVe, .npy, .npz, safetensors, CSV/TSV), or builtin:NAME.
    pub file: PathBuf,
    /// pca (linear: keeps large distances), tsne or umap (keep neighbours).
    #[arg(long, value_parser = ["pca", "tsne", "umap"])]
    pub method: String,
    /// Coordinates on the map: 2 or 3.
    #[arg(long, default_value_t = 2)]
    pub dims: usize,
    /// t-SNE: the effective number of neighbours, 1 ≤ P < rows/3.
    #[arg(long, default_value_t = 30.0)]
    pub perplexity: f64,
    /// UMAP: neighbourhood size (the point itself counted), 2 ≤ K ≤ rows.
    #[arg(long, default_value_t = 15)]
    pub neighbors: usize,
    /// UMAP: how tightly points may pack, 0 ≤ D < 1.
    #[arg(long, default_value_t = 0.1)]
    pub min_dist: f64,
    /// t-SNE iterations (default 750, the first 250 exaggerated) or UMAP
    /// epochs (default 500 up to 10,000 rows, 200 above).
    #[arg(long)]
    pub iterations: Option<usize>,
    /// Seeds the random parts (UMAP's sampling; the start with --init random).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Where the map starts: pca (the PCA scores) or random.
    #[arg(long, default_value = "pca", value_parser = ["pca", "random"])]
    pub init: String,
    /// Write the map as CSV: x,y[,z] then the label columns.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// A labels file for the points (as `neighbors --labels`).
    #[arg(long, value_name = "FILE")]
    pub labels: Option<PathBuf>,
    /// The array of an .npz, or tensor of a safetensors file.
    #[arg(long, value_name = "NAME", conflicts_with = "labels")]
    pub array: Option<String>,
    /// t-SNE, UMAP: supervise the map by this label column (same labels
    /// drawn together, different ones pushed apart).
    #[arg(long, value_name = "LABEL")]
    pub supervise: Option<String>,
    /// How strongly --supervise acts, 0 (off) to 1 (default 0.5).
    #[arg(long, value_name = "W", requires = "supervise")]
    pub supervise_weight: Option<f64>,
    /// Print JSON: method, rows, dims, seconds, trustworthiness, kept,
    /// quality_k, quality_points, iterations, loss, settings.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub table: super::table::TableArgs,
}

#[derive(Serialize)]
struct JsonOut {
    method: &'static str,
    rows: usize,
    /// Dimensions of the data.
    columns: usize,
    dims: usize,
    /// The projection itself (nearest neighbours included), not loading.
    seconds: f64,
    /// sklearn.manifold.trustworthiness at k = quality_k; null with too few rows.
    trustworthiness: Option<f64>,
    /// Mean share of each point's k nearest neighbours kept on the map.
    kept: Option<f64>,
    quality_k: usize,
    /// Points the quality sums ran over (all, or a seeded sample).
    quality_points: usize,
    quality_seconds: f64,
    /// Iterations (t-SNE) or epochs (UMAP) run; 0 for PCA.
    iterations: usize,
    /// t-SNE's final KL divergence; null otherwise.
    loss: Option<f64>,
    settings: serde_json::Value,
    /// Unparseable cells read as missing (with `--bad-cells missing` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    cells_read_as_missing: Option<usize>,
}

/// Runs `eigenlens project`.
///
/// # Errors
/// Bad input or usage (exit 2): an unreadable file, a parameter out of range
/// (named), non-finite values; the CSV cannot be written. Exit 1 if stdout
/// cannot be written.
pub fn run(args: &ProjectArgs) -> Result<(), Failure> {
    let shown = args.file.display().to_string();
    let loaded = super::neighbors::load(
        &args.file,
        args.labels.as_deref(),
        args.array.as_deref(),
        args.table,
    )?;
    let read_as_missing = loaded.read_as_missing;
    let ds = loaded.dataset;
    let columns: Vec<&[f64]> = ds.columns.iter().map(|c| c.values.as_slice()).collect();
    let names: Vec<String> = ds.columns.iter().map(|c| c.name.clone()).collect();
    let init = if args.init == "random" {
        Init::Random
    } else {
        Init::Pca
    };
    let bad = |e: crate::math::project::ProjectError| {
        let text = e.to_string();
        if text.starts_with("--") {
            Failure::input(text)
        } else {
            Failure::input(format!("{shown}: {text}"))
        }
    };
    let labels = supervise_labels(args, &ds, &shown)?;
    let supervision = labels.as_deref().map(|labels| Supervision {
        labels,
        weight: args.supervise_weight.unwrap_or(0.5),
    });
    let supervision = supervision.as_ref();
    let mut keep_going = |_: &Progress<'_>| true;
    let start = Instant::now();
    let (method, embedding, settings) = match args.method.as_str() {
        "tsne" => {
            let settings = TsneSettings {
                dims: args.dims,
                perplexity: args.perplexity,
                iterations: args.iterations.unwrap_or(750),
                init,
                seed: args.seed,
                ..TsneSettings::default()
            };
            let e =
                tsne_with(&columns, &settings, supervision, None, &mut keep_going).map_err(bad)?;
            ("tsne", e, serde_json::to_value(&settings))
        }
        "umap" => {
            let settings = UmapSettings {
                dims: args.dims,
                neighbors: args.neighbors,
                min_dist: args.min_dist,
                epochs: args.iterations,
                init,
                seed: args.seed,
                ..UmapSettings::default()
            };
            let e =
                umap_with(&columns, &settings, supervision, None, &mut keep_going).map_err(bad)?;
            let mut value = serde_json::to_value(&settings);
            if let Ok(v) = &mut value {
                v["epochs"] = settings.epochs_for(ds.n_rows).into();
            }
            ("umap", e, value)
        }
        _ => (
            "pca",
            pca(&columns, &names, args.dims).map_err(bad)?,
            Ok(serde_json::json!({"dims": args.dims})),
        ),
    };
    let seconds = start.elapsed().as_secs_f64();
    let mut settings = settings.map_err(|e| Failure::other(e.to_string()))?;
    if let Some(sup) = supervision {
        settings["supervise"] = args.supervise.clone().into();
        settings["supervise_weight"] = sup.weight.into();
    }

    let start = Instant::now();
    let quality = measure(&columns, &embedding, args.seed).map_err(bad)?;
    let quality_seconds = start.elapsed().as_secs_f64();
    if let Some(path) = &args.save {
        save(path, &ds, &embedding)?;
    }
    let out = JsonOut {
        method,
        rows: ds.n_rows,
        columns: columns.len(),
        dims: embedding.dims,
        seconds,
        trustworthiness: quality.map(|q| q.trustworthiness),
        kept: quality.map(|q| q.kept),
        quality_k: QUALITY_K,
        quality_points: quality.map_or(0, |q| q.points),
        quality_seconds,
        iterations: embedding.iterations,
        loss: embedding.loss,
        settings,
        cells_read_as_missing: read_as_missing,
    };
    let text = if args.json {
        serde_json::to_string_pretty(&out).map_err(|e| Failure::other(e.to_string()))? + "\n"
    } else {
        summary(&out)
    };
    let mut stdout = super::out::stdout();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| super::out::failure(&e))
}

/// The codes of the --supervise label column (an empty label: unlabelled),
/// or `None` without --supervise.
fn supervise_labels(
    args: &ProjectArgs,
    ds: &Dataset,
    shown: &str,
) -> Result<Option<Vec<u32>>, Failure> {
    let Some(name) = &args.supervise else {
        return Ok(None);
    };
    if args.method == "pca" {
        return Err(Failure::input(
            "--supervise: only t-SNE and UMAP maps are supervised (use --method tsne or umap)",
        ));
    }
    let Some(l) = ds.label(name) else {
        let have: Vec<&str> = ds.labels.iter().map(|l| l.name.as_str()).collect();
        return Err(Failure::input(format!(
            "--supervise: {shown} has no label column {name:?} (it has: {})",
            if have.is_empty() {
                "none".to_owned()
            } else {
                have.join(", ")
            }
        )));
    };
    Ok(Some(supervision_codes(l)))
}

/// The PCA map: the first `dims` scores.
fn pca(
    columns: &[&[f64]],
    names: &[String],
    dims: usize,
) -> Result<Embedding, crate::math::project::ProjectError> {
    crate::math::project::check_dims(dims)?;
    Ok(Embedding {
        dims,
        positions: pca_scores(columns, names, dims)?,
        iterations: 0,
        cancelled: false,
        loss: None,
    })
}

/// Trustworthiness and kept share at k = 10; `None` with fewer than 21 rows.
fn measure(
    columns: &[&[f64]],
    e: &Embedding,
    seed: u64,
) -> Result<Option<Quality>, crate::math::project::ProjectError> {
    if 2 * QUALITY_K >= e.len() {
        return Ok(None);
    }
    let index = VectorIndex::from_columns(columns)?;
    quality_sampled(
        &index,
        &e.positions,
        e.dims,
        QUALITY_K,
        QUALITY_SAMPLE,
        seed,
    )
    .map(Some)
}

/// One paragraph for a person.
fn summary(o: &JsonOut) -> String {
    let mut s = format!(
        "{}: {} rows × {} columns → {}D in {:.2} s",
        o.method, o.rows, o.columns, o.dims, o.seconds
    );
    if o.iterations > 0 {
        let _ = write!(s, ", {} iterations", o.iterations);
    }
    if let Some(loss) = o.loss {
        let _ = write!(s, ", KL divergence {loss:.4}");
    }
    s.push('\n');
    match (o.trustworthiness, o.kept) {
        (Some(t), Some(k)) => {
            let _ = writeln!(
                s,
                "trustworthiness {t:.4}, kept neighbours {:.1}% (k = {})",
                100.0 * k,
                o.quality_k
            );
        }
        _ => s.push_str("too few rows to measure what the map keeps (k = 10 needs 21)\n"),
    }
    s
}

/// Writes x,y[,z] then the label columns.
fn save(path: &Path, ds: &Dataset, e: &Embedding) -> Result<(), Failure> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let axes = ["x", "y", "z"];
    let mut header: Vec<&str> = axes.iter().take(e.dims).copied().collect();
    header.extend(ds.labels.iter().map(|l| l.name.as_str()));
    let mut written = w.write_record(&header);
    for i in 0..e.len() {
        if written.is_err() {
            break;
        }
        let mut record: Vec<String> = e.point(i).iter().map(|v| format!("{v}")).collect();
        record.extend(ds.labels.iter().map(|l| l.get(i).to_owned()));
        written = w.write_record(&record);
    }
    let bytes = written.and_then(|()| w.into_inner().map_err(|e| csv::Error::from(e.into_error())));
    let bytes =
        bytes.map_err(|e| Failure::input(format!("{}: cannot write: {e}", path.display())))?;
    crate::files::write_bytes_atomic(path, &bytes).map_err(|e| Failure::input(e.to_string()))
}
