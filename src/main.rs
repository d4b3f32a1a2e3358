//! The `eigenlens` command: no subcommand opens the window; the subcommands
//! (`render`, `pca`, `factorize`, ...) live in [`eigenlens::cli`], one module each. Exit status: 0 success, 2 bad input or usage
//! (one line `error: ...` on stderr), 1 any other failure.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use eigenlens::app::{self, EigenApp};
use eigenlens::cli::{self, Failure};

#[derive(Parser, Debug)]
#[command(
    name = "eigenlens",
    version,
    about = "See the linear algebra behind machine learning."
)]
struct Cli {
    /// A dataset (CSV, TSV, .npy, embeddings), a ratings file (u.data, ratings.csv, a
    /// user,item,rating CSV) or a scene (.toml) to open; without it the
    /// default built-in scene opens.
    path: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Draw a scene to a PNG without a window.
    Render(cli::render::RenderArgs),
    /// Fit a PCA to a dataset and print it (table or JSON).
    Pca(cli::pca::PcaArgs),
    /// Factorize a ratings matrix (ALS or SGD) and report train and test RMSE.
    Factorize(cli::factorize::FactorizeArgs),
    /// List the nearest neighbours of one point of an embedding (cosine, Euclidean, dot).
    Neighbors(cli::neighbors::NeighborsArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            // clap formats help, version and usage errors itself.
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Some(Command::Render(args)) => cli::render::run(&args),
        Some(Command::Pca(args)) => cli::pca::run(&args),
        Some(Command::Factorize(args)) => cli::factorize::run(&args),
        Some(Command::Neighbors(args)) => cli::neighbors::run(&args),
        None => run_gui(cli.path),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            // One line, as the contract promises.
            let line = f.message.replace('\n', " ");
            eprintln!("error: {line}");
            ExitCode::from(f.code)
        }
    }
}

fn run_gui(path: Option<PathBuf>) -> Result<(), Failure> {
    // A file named on the command line must load before a window opens: a bad
    // one is reported here, with exit status 2, like every other bad input.
    let opened = match path {
        Some(p) => {
            let opened = app::open_path(&p).map_err(Failure::input)?;
            Some((p, opened))
        }
        None => None,
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("eigenlens")
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([640.0, 400.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "eigenlens",
        options,
        Box::new(move |cc| Ok(Box::new(EigenApp::from_creation_context(cc, opened)))),
    )
    .map_err(|e| Failure::other(format!("cannot open the window: {e}")))
}
