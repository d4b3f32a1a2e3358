//! `eigenlens factorize RATINGS`: fit R ≈ μ + b_u + b_i + P Qᵀ, report the
//! training and test RMSE per epoch, optionally save the factors.

use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, ValueEnum};

use super::Failure;
use crate::data::{self, Ratings};
use crate::math::factorize::{
    DEFAULT_TEST_FRACTION, EpochStats, FactorizeConfig, FactorizeError, Method, Model, Solver,
    Trainer, TrainingSet, check_test_fraction,
};

/// Factorize a ratings matrix (ALS or SGD) and report train and test RMSE.
#[derive(Args, Debug)]
pub struct FactorizeArgs {
    /// The ratings: a long `user,item,rating[,timestamp]` CSV/TSV (MovieLens
    /// `ratings.csv`, `u.data`), a wide users × items matrix, or
    /// `builtin:tiny-movies` / `builtin:movie-night`.
    pub ratings: PathBuf,
    /// Item titles and genres (`movies.csv`, `u.item`, or `id,title[,genres]`);
    /// by default picked up when `movies.csv` or `u.item` sits beside RATINGS.
    #[arg(long, value_name = "FILE")]
    pub items: Option<PathBuf>,
    /// A file of test ratings (same users and items), instead of a random split.
    #[arg(long, value_name = "TEST", conflicts_with = "test_fraction")]
    pub test: Option<PathBuf>,
    /// Share of RATINGS held out at random for testing; 0 trains on all
    /// [default: 0.2]
    #[arg(long, value_name = "F", allow_negative_numbers = true)]
    pub test_fraction: Option<f64>,
    /// Seed of the split, the initial factors and SGD's order.
    #[arg(long, value_name = "S", default_value_t = FactorizeConfig::default().seed)]
    pub seed: u64,
    /// Number of latent factors k.
    #[arg(long, value_name = "K", default_value_t = FactorizeConfig::default().rank)]
    pub rank: usize,
    /// Alternating least squares or stochastic gradient descent.
    #[arg(long, value_enum, default_value_t = MethodArg::Als)]
    pub method: MethodArg,
    /// ALS's solver for each user's and item's least squares: exact
    /// (Cholesky) or a few conjugate-gradient steps from the current factors
    /// (ignored by SGD).
    #[arg(long, value_enum, default_value_t = SolverArg::Exact)]
    pub solver: SolverArg,
    /// Passes over the training ratings.
    #[arg(long, value_name = "E", default_value_t = FactorizeConfig::default().epochs)]
    pub epochs: usize,
    /// Regularization λ, applied per rating to the factors and biases it touches.
    #[arg(long, value_name = "L", allow_negative_numbers = true, default_value_t = FactorizeConfig::default().lambda)]
    pub lambda: f64,
    /// SGD step size γ (ignored by ALS).
    #[arg(long, value_name = "R", allow_negative_numbers = true, default_value_t = FactorizeConfig::default().learning_rate)]
    pub learning_rate: f64,
    /// Fit user and item biases b_u, b_i.
    #[arg(long)]
    pub biases: bool,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Write the user factors as CSV: user, bias, f1..fk.
    #[arg(long, value_name = "F")]
    pub save_users: Option<PathBuf>,
    /// Write the item factors as CSV: item, title, bias, f1..fk.
    #[arg(long, value_name = "F")]
    pub save_items: Option<PathBuf>,
}

/// `--method`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MethodArg {
    Als,
    Sgd,
}

/// `--solver`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SolverArg {
    Exact,
    Cg,
}

impl From<SolverArg> for Solver {
    fn from(s: SolverArg) -> Self {
        match s {
            SolverArg::Exact => Self::Exact,
            SolverArg::Cg => Self::Cg,
        }
    }
}

impl From<MethodArg> for Method {
    fn from(m: MethodArg) -> Self {
        match m {
            MethodArg::Als => Self::Als,
            MethodArg::Sgd => Self::Sgd,
        }
    }
}

/// A factorization error in the command line's words (`--rank 0: ...`).
fn failure(e: &FactorizeError) -> Failure {
    match e {
        FactorizeError::InvalidParameter {
            name,
            value,
            reason,
        } => Failure::input(format!("--{name} {value}: {reason}")),
        other => Failure::input(other.to_string()),
    }
}

/// Loads RATINGS: a built-in or a file, with `--items` if given.
fn load(arg: &Path, items: Option<&Path>) -> Result<Ratings, Failure> {
    let loaded = match arg.to_str().and_then(|s| s.strip_prefix("builtin:")) {
        Some(id) => data::load_builtin_ratings(id).and_then(|mut r| {
            if let Some(items) = items {
                let bytes = data::read_bytes(items)?;
                let meta = data::parse_items(&bytes, &items.display().to_string())?;
                r.attach_items(meta);
                r.items_source = Some(items.to_path_buf());
            }
            Ok(r)
        }),
        None => match items {
            Some(items) => data::load_ratings_with_items(arg, items),
            None => data::load_ratings(arg),
        },
    };
    loaded.map_err(|e| Failure::input(e.to_string()))
}

/// Runs `eigenlens factorize`.
///
/// # Errors
/// Bad input or parameters, a diverged fit, or an unwritable output file
/// (exit 2); stdout that cannot be written (exit 1; a closed pipe is not an
/// error).
pub fn run(args: &FactorizeArgs) -> Result<(), Failure> {
    let config = FactorizeConfig {
        method: args.method.into(),
        rank: args.rank,
        lambda: args.lambda,
        learning_rate: args.learning_rate,
        epochs: args.epochs,
        biases: args.biases,
        seed: args.seed,
        solver: args.solver.into(),
    };
    config.validate().map_err(|e| failure(&e))?;
    let test_fraction = args.test_fraction.unwrap_or(if args.test.is_some() {
        0.0
    } else {
        DEFAULT_TEST_FRACTION
    });
    // Parameters are checked before a large file is loaded.
    check_test_fraction(test_fraction).map_err(|e| failure(&e))?;

    let mut ratings = load(&args.ratings, args.items.as_deref())?;
    let n_ratings = ratings.len();
    let mut out = super::out::stdout();
    let printed = |r: std::io::Result<()>| r.map_err(|e| super::out::failure(&e));
    if !args.json {
        // Before a test file may add users and items.
        printed(print_ratings(&mut out, &ratings))?;
    }
    // The training set takes the triples (only the ids are needed after),
    // and the trainer keeps them once, in its rows.
    let data = match &args.test {
        Some(test_path) => {
            let test = data::load_ratings(test_path).map_err(|e| Failure::input(e.to_string()))?;
            let test = ratings.align(&test);
            TrainingSet::with_test_taking(&mut ratings, test)
        }
        None => TrainingSet::split_taking(&mut ratings, test_fraction, args.seed),
    }
    .map_err(|e| failure(&e))?;

    if !args.json {
        printed(print_setup(&mut out, &data, &config, args, test_fraction))?;
    }
    let started = Instant::now();
    let mut trainer = Trainer::new(config.clone(), data).map_err(|e| failure(&e))?;
    let mut fit_seconds = started.elapsed().as_secs_f64();
    if !args.json {
        printed(
            writeln!(
                out,
                "{:>5}  {:>10}  {:>10}  {:>12}  {:>8}",
                "epoch", "train RMSE", "test RMSE", "loss", "seconds"
            )
            .and_then(|()| print_epoch(&mut out, trainer.initial())),
        )?;
    }
    let saves = args.save_users.is_some() || args.save_items.is_some();
    while !trainer.is_finished() {
        if out.is_closed() && !saves {
            // Nobody reads the rest and nothing is to be saved.
            return Ok(());
        }
        let stats = trainer.epoch().map_err(|e| failure(&e))?;
        fit_seconds += stats.seconds;
        if !args.json {
            printed(print_epoch(&mut out, &stats))?;
        }
    }

    if let Some(path) = &args.save_users {
        save_csv(path, &users_csv(&ratings, trainer.model()))?;
    }
    if let Some(path) = &args.save_items {
        save_csv(path, &items_csv(&ratings, trainer.model()))?;
    }
    let report = Report {
        trainer: &trainer,
        config: &config,
        n_ratings,
        fit_seconds,
    };
    printed(if args.json {
        report.json(&mut out)
    } else {
        report.last_line(&mut out)
    })
}

/// What is known once training ends.
struct Report<'a> {
    trainer: &'a Trainer,
    config: &'a FactorizeConfig,
    n_ratings: usize,
    fit_seconds: f64,
}

impl Report<'_> {
    /// The JSON document of the CLI contract.
    fn json(&self, out: &mut impl io::Write) -> io::Result<()> {
        let Self {
            trainer,
            config,
            n_ratings,
            fit_seconds,
        } = *self;
        let model = trainer.model();
        let last = trainer.history().last();
        let history: Vec<serde_json::Value> = trainer
            .history()
            .iter()
            .map(|s| {
                serde_json::json!({
                    "epoch": s.epoch,
                    "train_rmse": s.train_rmse,
                    "test_rmse": s.test_rmse,
                    "loss": s.loss,
                })
            })
            .collect();
        let doc = serde_json::json!({
            "users": model.n_users(),
            "items": model.n_items(),
            "ratings": n_ratings,
            "train_ratings": trainer.train_len(),
            "test_ratings": trainer.test_len(),
            "method": config.method.name(),
            "rank": config.rank,
            "epochs": config.epochs,
            "lambda": config.lambda,
            "learning_rate": config.learning_rate,
            "solver": config.solver.name(),
            "biases": config.biases,
            "seed": config.seed,
            "train_rmse": last.map(|s| s.train_rmse),
            "test_rmse": last.and_then(|s| s.test_rmse),
            "history": history,
            "fit_seconds": fit_seconds,
        });
        writeln!(out, "{doc}")?;
        out.flush()
    }

    /// `final: train RMSE …, test RMSE …, fit … s`.
    fn last_line(&self, out: &mut impl io::Write) -> io::Result<()> {
        let last = self.trainer.history().last();
        let mut line = String::from("final:");
        if let Some(r) = last.map(|s| s.train_rmse) {
            let _ = write!(line, " train RMSE {r:.4}");
        }
        if let Some(r) = last.and_then(|s| s.test_rmse) {
            let _ = write!(line, ", test RMSE {r:.4}");
        }
        let _ = write!(line, ", fit {:.3} s", self.fit_seconds);
        writeln!(out, "{line}")?;
        out.flush()
    }
}

/// Sizes, scale and titles of the ratings.
fn print_ratings(out: &mut impl io::Write, ratings: &Ratings) -> io::Result<()> {
    let (lo, hi) = ratings.scale;
    writeln!(
        out,
        "ratings: {}: {} users × {} items, {} ratings ({:.1}% observed), scale {lo}–{hi}",
        ratings.name,
        ratings.n_users(),
        ratings.n_items(),
        ratings.len(),
        100.0 * ratings.observed_fraction(),
    )?;
    let titled = ratings.items.iter().filter(|i| i.title.is_some()).count();
    if titled > 0 {
        let from = ratings
            .items_source
            .as_ref()
            .map_or_else(String::new, |p| format!(" (from {})", p.display()));
        writeln!(out, "titles: {titled} of {} items{from}", ratings.n_items())?;
    }
    Ok(())
}

/// The split and the model's settings.
fn print_setup(
    out: &mut impl io::Write,
    data: &TrainingSet,
    config: &FactorizeConfig,
    args: &FactorizeArgs,
    test_fraction: f64,
) -> io::Result<()> {
    let mut known_user = vec![false; data.n_users];
    let mut known_item = vec![false; data.n_items];
    for r in &data.train {
        known_user[r.user as usize] = true;
        known_item[r.item as usize] = true;
    }
    let cold = data
        .test
        .iter()
        .filter(|r| !known_user[r.user as usize] || !known_item[r.item as usize])
        .count();
    let source = match &args.test {
        Some(path) => format!("test ratings from {}", path.display()),
        None => format!("test fraction {test_fraction}, seed {}", config.seed),
    };
    let mut line = format!(
        "split: {} training, {} test ratings ({source})",
        data.train.len(),
        data.test.len()
    );
    if cold > 0 {
        let _ = write!(
            line,
            "; {cold} test ratings have a user or item with no training rating"
        );
    }
    writeln!(out, "{line}")?;
    let mut model = format!(
        "model: {}, rank {}, λ {}, ",
        config.method.name().to_uppercase(),
        config.rank,
        config.lambda
    );
    match config.method {
        Method::Sgd => {
            let _ = write!(model, "learning rate {}, ", config.learning_rate);
        }
        Method::Als => {
            let _ = write!(model, "solver {}, ", config.solver);
        }
    }
    let _ = write!(
        model,
        "biases {}, {} epoch{}, seed {}",
        if config.biases { "on" } else { "off" },
        config.epochs,
        if config.epochs == 1 { "" } else { "s" },
        config.seed
    );
    writeln!(out, "{model}")
}

fn print_epoch(out: &mut impl io::Write, s: &EpochStats) -> io::Result<()> {
    let test = s
        .test_rmse
        .map_or_else(|| "—".to_owned(), |r| format!("{r:.4}"));
    writeln!(
        out,
        "{:>5}  {:>10.4}  {:>10}  {:>12.3}  {:>8.3}",
        s.epoch, s.train_rmse, test, s.loss, s.seconds
    )
}

/// `user,bias,f1..fk`, one row per user.
fn users_csv(ratings: &Ratings, model: &Model) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["user".to_owned(), "bias".to_owned()];
    header.extend((1..=model.rank()).map(|f| format!("f{f}")));
    w.write_record(&header)?;
    for (u, id) in ratings.users.iter().enumerate() {
        let mut row = vec![id.clone(), model.user_biases()[u].to_string()];
        row.extend(model.user_factors(u).iter().map(f64::to_string));
        w.write_record(&row)?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// `item,title,bias,f1..fk`, one row per item.
fn items_csv(ratings: &Ratings, model: &Model) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["item".to_owned(), "title".to_owned(), "bias".to_owned()];
    header.extend((1..=model.rank()).map(|f| format!("f{f}")));
    w.write_record(&header)?;
    for (i, item) in ratings.items.iter().enumerate() {
        let mut row = vec![
            item.id.clone(),
            item.title.clone().unwrap_or_default(),
            model.item_biases()[i].to_string(),
        ];
        row.extend(model.item_factors(i).iter().map(f64::to_string));
        w.write_record(&row)?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// Writes `bytes` to `path` through a temporary file beside it, renamed into
/// place, so that a reader never sees half a file.
fn save_csv(path: &Path, bytes: &Result<Vec<u8>, csv::Error>) -> Result<(), Failure> {
    let bytes = bytes
        .as_ref()
        .map_err(|e| Failure::input(format!("{}: cannot write: {e}", path.display())))?;
    crate::files::write_bytes_atomic(path, bytes).map_err(|e| Failure::input(e.to_string()))
}
