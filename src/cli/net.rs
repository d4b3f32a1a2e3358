//! `eigenlens net DATA [--features x,y] [--label COLUMN] [--layers 8,8]
//! [--activation A] [--optimizer O] [--learning-rate R] [--batch B]
//! [--epochs E] [--l1 A] [--l2 A] [--test-fraction F] [--seed S] [--json]
//! [--save-weights F]`: trains a dense network ([`crate::math::network`])
//! and prints its history as a table or JSON, optionally saving the weights
//! file.
//!
//! A text label column gives classes; a numeric one a regression (classes
//! of its values with `--classify`). Rows with a missing or infinite value
//! in a feature or the label are left out and counted (a note on stderr).

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;

use super::Failure;
use crate::data::{self, Dataset};
use crate::math::network::{
    Activation, EpochStats, Extras, NetConfig, NetError, Optimizer, Problem, Trainer,
};

/// Train a small neural network and report train and test loss and accuracy.
#[derive(Args, Debug)]
pub struct NetArgs {
    /// The dataset: a CSV, TSV or .npy file, or builtin:NAME (circles, xor,
    /// gauss, spiral, moons, plane, bump, digits, iris, ...).
    pub data: PathBuf,
    /// Comma-separated numeric input columns (default: every numeric column but the label).
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    pub features: Option<Vec<String>>,
    /// The column to predict: text for classes, numeric for a regression
    /// (default: the last text column).
    #[arg(long, value_name = "COLUMN")]
    pub label: Option<String>,
    /// Treat a numeric label as classes (one per distinct value).
    #[arg(long)]
    pub classify: bool,
    /// Extra features of two inputs: comma-separated x1^2, x2^2, x1x2, sin_x1, sin_x2.
    #[arg(long, value_name = "LIST", default_value = "")]
    pub extras: String,
    /// Units of each hidden layer, comma-separated (0 to 6 layers of 1 to
    /// 16; `none` for none: logistic or linear regression).
    #[arg(
        long,
        value_name = "U,U",
        default_value = "8,8",
        allow_hyphen_values = true
    )]
    pub layers: String,
    /// Hidden activation: relu, leaky-relu, tanh, sigmoid or linear.
    #[arg(long, value_name = "A", default_value = "tanh")]
    pub activation: String,
    /// sgd, momentum or adam.
    #[arg(long, value_name = "O", default_value = "adam")]
    pub optimizer: String,
    /// Step size η.
    #[arg(
        long,
        value_name = "R",
        default_value_t = 0.01,
        allow_hyphen_values = true
    )]
    pub learning_rate: f64,
    /// Rows per mini-batch (larger than the training set: full batch).
    #[arg(long, value_name = "B", default_value_t = 32)]
    pub batch: usize,
    /// Passes over the training rows.
    #[arg(long, value_name = "E", default_value_t = 200)]
    pub epochs: usize,
    /// L1 penalty λ₁ on the weights.
    #[arg(
        long,
        value_name = "A",
        default_value_t = 0.0,
        allow_hyphen_values = true
    )]
    pub l1: f64,
    /// L2 penalty λ₂ on the weights (λ₂/2 Σ w²).
    #[arg(
        long,
        value_name = "A",
        default_value_t = 0.0,
        allow_hyphen_values = true
    )]
    pub l2: f64,
    /// Share of the rows held out to test, in [0, 1).
    #[arg(
        long,
        value_name = "F",
        default_value_t = 0.2,
        allow_hyphen_values = true
    )]
    pub test_fraction: f64,
    /// Seed of the split, the initial weights and the shuffles.
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,
    /// Do not standardize the features.
    #[arg(long)]
    pub no_standardize: bool,
    /// Points of a generated set (builtin:circles, xor, gauss, spiral, moons, plane, bump).
    #[arg(long, value_name = "N")]
    pub points: Option<usize>,
    /// Noise of a generated set (standard deviation, in the plane's units).
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub noise: Option<f64>,
    /// Seed of a generated set.
    #[arg(long, value_name = "S")]
    pub data_seed: Option<u64>,
    /// Print JSON: samples, features, classes, layers, history (epoch,
    /// train_loss, test_loss, train_accuracy, test_accuracy),
    /// train_accuracy, test_accuracy, fit_seconds, and more.
    #[arg(long)]
    pub json: bool,
    /// Write the trained weights file (JSON) here.
    #[arg(long, value_name = "FILE")]
    pub save_weights: Option<PathBuf>,
    #[command(flatten)]
    pub table: super::table::TableArgs,
}

/// A network error in the command line's words (`--layers 20: ...`).
fn failure(e: &NetError) -> Failure {
    match e {
        NetError::InvalidParameter {
            name,
            value,
            reason,
        } => Failure::input(format!("--{name} {value}: {reason}")),
        NetError::Column { what, message } => Failure::input(format!("--{what}: {message}")),
        other => Failure::input(other.to_string()),
    }
}

/// `--layers`: `8,8`, or `none` / empty for no hidden layer.
fn parse_layers(s: &str) -> Result<Vec<usize>, Failure> {
    let t = s.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("none") || t == "0" {
        return Ok(Vec::new());
    }
    t.split(',')
        .map(|u| {
            u.trim().parse::<usize>().map_err(|_| {
                Failure::input(format!(
                    "--layers {s}: expected comma-separated unit counts such as 8,8 (or none), found {:?}",
                    u.trim()
                ))
            })
        })
        .collect()
}

/// The configuration from the arguments, checked before any data is loaded.
fn config(args: &NetArgs) -> Result<NetConfig, Failure> {
    let activation: Activation = args
        .activation
        .parse()
        .map_err(|e| Failure::input(format!("--activation: {e}")))?;
    let optimizer: Optimizer = args
        .optimizer
        .parse()
        .map_err(|e| Failure::input(format!("--optimizer: {e}")))?;
    let extras: Extras = args
        .extras
        .parse()
        .map_err(|e| Failure::input(format!("--extras: {e}")))?;
    let config = NetConfig {
        hidden: parse_layers(&args.layers)?,
        activation,
        optimizer,
        learning_rate: args.learning_rate,
        batch_size: args.batch,
        epochs: args.epochs,
        l1: args.l1,
        l2: args.l2,
        test_fraction: args.test_fraction,
        seed: args.seed,
        standardize: !args.no_standardize,
        extras,
    };
    config.validate().map_err(|e| failure(&e))?;
    Ok(config)
}

/// DATA: a generated set (with --points, --noise, --data-seed), another
/// built-in, or a file.
fn load(args: &NetArgs) -> Result<super::table::Loaded, Failure> {
    let id = args.data.to_str().and_then(|s| s.strip_prefix("builtin:"));
    let generated = id.and_then(data::generator);
    let tuned = args.points.is_some() || args.noise.is_some() || args.data_seed.is_some();
    if let Some(g) = generated {
        if args.points == Some(0) || args.points.is_some_and(|n| n > data::MAX_POINTS) {
            return Err(Failure::input(format!(
                "--points: must be between 1 and {}",
                data::MAX_POINTS
            )));
        }
        if let Some(x) = args.noise
            && !(x.is_finite() && x >= 0.0)
        {
            return Err(Failure::input(format!("--noise {x}: must be a number ≥ 0")));
        }
        let dataset = g.generate(
            args.points.unwrap_or(g.default_count),
            args.noise.unwrap_or(g.default_noise),
            args.data_seed.unwrap_or(data::DEFAULT_SEED),
        );
        return Ok(super::table::Loaded {
            dataset,
            read_as_missing: (args.table.bad_cells == super::table::BadCellsArg::Missing)
                .then_some(0),
        });
    }
    if tuned {
        let ids: Vec<&str> = data::GENERATORS.iter().map(|g| g.id).collect();
        return Err(Failure::input(format!(
            "--points, --noise and --data-seed are for the generated sets only (builtin:{})",
            ids.join(", builtin:")
        )));
    }
    match id {
        Some(id) => super::table::load_builtin(id, args.table),
        None => super::table::load_file(&args.data, None, args.table),
    }
}

/// The problem of DATA: the label and features chosen or defaulted.
fn problem(ds: &Dataset, args: &NetArgs, shown: &str) -> Result<Problem, Failure> {
    let label = match &args.label {
        Some(l) => l.trim().to_owned(),
        None => ds.labels.last().map(|l| l.name.clone()).ok_or_else(|| {
            Failure::input(format!(
                "--label: {shown} has no text column to use as classes; name the column to predict (numeric columns: {})",
                ds.column_names().join(", ")
            ))
        })?,
    };
    let features: Vec<&str> = match &args.features {
        Some(f) => f.iter().map(String::as_str).collect(),
        None => ds
            .column_names()
            .into_iter()
            .filter(|&c| c != label)
            .collect(),
    };
    let p = Problem::from_dataset(ds, &features, &label, args.classify)
        .map_err(|e| at(shown, &failure(&e)))?;
    let left = p.left_out(ds.n_rows);
    if left > 0 {
        super::out::note(&format!(
            "note: {shown}: left out {left} of {} rows with a missing or infinite value in a feature or the label",
            ds.n_rows
        ));
    }
    Ok(p)
}

fn at(shown: &str, f: &Failure) -> Failure {
    Failure::input(format!("{shown}: {}", f.message))
}

/// Runs `eigenlens net`.
///
/// # Errors
/// Bad input (exit 2): a bad parameter (named), an unreadable dataset, an
/// unknown or text feature, an unknown label, too few rows or classes, a
/// diverged fit (the weights of the epoch before are still saved with
/// `--save-weights`), an unwritable weights file. Exit 1 if stdout cannot
/// be written.
pub fn run(args: &NetArgs) -> Result<(), Failure> {
    let config = config(args)?;
    let shown = args.data.display().to_string();
    let loaded = load(args)?;
    let read_as_missing = loaded.read_as_missing;
    let ds = loaded.dataset;
    let problem = problem(&ds, args, &shown)?;
    let started = Instant::now();
    let mut trainer = Trainer::new(config, &problem).map_err(|e| at(&shown, &failure(&e)))?;
    let mut fit_seconds = started.elapsed().as_secs_f64();
    let mut out = super::out::stdout();
    let printed = |r: io::Result<()>| r.map_err(|e| super::out::failure(&e));
    if !args.json {
        printed(print_setup(&mut out, &trainer, &shown))?;
    }
    let total = trainer.config().epochs;
    let every = total.div_ceil(20).max(1);
    let mut shown_epochs = Ok(());
    // Epoch e's statistics are measured while epoch e + 1 trains (two cores).
    let left = total.saturating_sub(trainer.epochs_done());
    let diverged = trainer
        .epochs_with(left, None, |s| {
            fit_seconds += s.seconds;
            let due = s.epoch % every == 0 || s.epoch == total || s.epoch == 1;
            if !args.json && due && shown_epochs.is_ok() {
                shown_epochs = print_epoch(&mut out, s);
            }
        })
        .err();
    printed(shown_epochs)?;
    if let Some(path) = &args.save_weights {
        save(path, &trainer.network().to_json())?;
    }
    if let Some(e) = diverged {
        return Err(failure(&e));
    }
    printed(if args.json {
        json(
            &mut out,
            &trainer,
            problem.len(),
            fit_seconds,
            read_as_missing,
        )
    } else {
        last_line(&mut out, &trainer, fit_seconds)
    })
}

fn save(path: &Path, text: &str) -> Result<(), Failure> {
    crate::files::write_bytes_atomic(path, text.as_bytes())
        .map_err(|e| Failure::input(format!("--save-weights: {e}")))
}

fn print_setup(out: &mut impl Write, t: &Trainer, shown: &str) -> io::Result<()> {
    let net = t.network();
    let c = t.config();
    let mut widths: Vec<String> = vec![net.features.len().to_string()];
    widths.extend(net.layers.iter().map(|l| l.outputs().to_string()));
    let task = match &net.classes {
        Some(names) => format!("{} classes of {:?}", names.len(), net.target),
        None => format!("regression of {:?}", net.target),
    };
    writeln!(
        out,
        "network {} on {shown}: {task}; features {}",
        widths.join("→"),
        net.feature_names().join(", ")
    )?;
    writeln!(
        out,
        "{} train rows, {} test rows; {} hidden, {} rate {}, batch {}, L1 {}, L2 {}, seed {}; {} parameters",
        t.split().train.len(),
        t.split().test.len(),
        c.activation,
        c.optimizer,
        c.learning_rate,
        c.batch_size,
        c.l1,
        c.l2,
        c.seed,
        net.parameter_count()
    )?;
    writeln!(
        out,
        "{:>7}  {:>11}  {:>11}  {:>9}  {:>9}",
        "epoch", "train loss", "test loss", "train acc", "test acc"
    )?;
    print_epoch(out, t.initial())
}

fn print_epoch(out: &mut impl Write, s: &EpochStats) -> io::Result<()> {
    let f = |v: Option<f64>, p: usize| v.map_or_else(|| "—".to_owned(), |v| format!("{v:.p$}"));
    writeln!(
        out,
        "{:>7}  {:>11.6}  {:>11}  {:>9}  {:>9}",
        s.epoch,
        s.train_loss,
        f(s.test_loss, 6),
        f(s.train_accuracy, 4),
        f(s.test_accuracy, 4)
    )
}

fn last_line(out: &mut impl Write, t: &Trainer, fit_seconds: f64) -> io::Result<()> {
    let s = t.last();
    let epochs = t.epochs_done().max(1) as f64;
    match (s.train_accuracy, s.test_accuracy) {
        (Some(a), Some(b)) => write!(out, "train accuracy {a:.4}, test accuracy {b:.4}")?,
        (Some(a), None) => write!(out, "train accuracy {a:.4}")?,
        _ => write!(out, "train loss {:.6}", s.train_loss)?,
    }
    writeln!(
        out,
        "; fit {:.3} s ({:.1} µs per epoch)",
        fit_seconds,
        fit_seconds / epochs * 1e6
    )
}

/// The JSON document of the command-line contract.
fn json(
    out: &mut impl Write,
    t: &Trainer,
    samples: usize,
    fit_seconds: f64,
    read_as_missing: Option<usize>,
) -> io::Result<()> {
    let net = t.network();
    let c = t.config();
    let s = t.last();
    let history: Vec<serde_json::Value> = t
        .history()
        .iter()
        .map(|s| {
            serde_json::json!({
                "epoch": s.epoch,
                "train_loss": s.train_loss,
                "test_loss": s.test_loss,
                "train_accuracy": s.train_accuracy,
                "test_accuracy": s.test_accuracy,
            })
        })
        .collect();
    let mut doc = serde_json::json!({
        "samples": samples,
        "train_samples": t.split().train.len(),
        "test_samples": t.split().test.len(),
        "features": net.feature_names(),
        "classes": net.classes,
        "target": net.target,
        "layers": c.hidden,
        "activation": c.activation.name(),
        "optimizer": c.optimizer.name(),
        "learning_rate": c.learning_rate,
        "batch": c.batch_size,
        "epochs": t.epochs_done(),
        "l1": c.l1,
        "l2": c.l2,
        "seed": c.seed,
        "parameters": net.parameter_count(),
        "history": history,
        "train_loss": s.train_loss,
        "test_loss": s.test_loss,
        "train_accuracy": s.train_accuracy,
        "test_accuracy": s.test_accuracy,
        "fit_seconds": fit_seconds,
    });
    if let (Some(count), Some(map)) = (read_as_missing, doc.as_object_mut()) {
        map.insert("cells_read_as_missing".to_owned(), count.into());
    }
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}
