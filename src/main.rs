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
    /// user,item,rating CSV), a picture (PNG, JPEG) or a scene (.toml) to open; without it the
    /// default built-in scene opens.
    path: Option<PathBuf>,
    #[command(flatten)]
    table: cli::table::TableArgs,
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
    /// A user's top-N items from a saved model (Spark ALS, implicit .npz, factorize's CSVs), by its own score.
    Recommend(cli::recommend::RecommendArgs),
    /// Place every point on a 2D or 3D map (PCA, t-SNE or UMAP) and measure the neighbours it keeps.
    Project(cli::project::ProjectArgs),
    /// Fit least squares (OLS with intercept, or ridge) and print coefficients, SEs, t, R².
    Regress(cli::regress::RegressArgs),
    /// The SVD of a PNG or JPEG: rank-K picture, its error beside the Eckart–Young bound, energy, storage.
    Svd(cli::svd::SvdArgs),
    /// Train a small neural network (dense layers, SGD/momentum/Adam) and report loss and accuracy.
    Net(cli::net::NetArgs),
    /// Present a deck of scenes full screen (PageDown/→/Space: next, PageUp/←: back, N: notes, Esc: leave).
    Present(PresentArgs),
}

#[derive(clap::Args, Debug)]
struct PresentArgs {
    /// The deck (TOML: a title and [[slide]] tables with title, scene, captions, notes),
    /// or `builtin` for the shipped linear-algebra-for-ml deck.
    deck: PathBuf,
    /// Open the presenter window too (notes, this step and the next, the
    /// slide number and a clock), for the speaker's screen; P toggles it.
    #[arg(long)]
    presenter: bool,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage(&e),
    };
    let result = match cli.command {
        Some(Command::Render(args)) => cli::render::run(&args),
        Some(Command::Pca(args)) => cli::pca::run(&args),
        Some(Command::Factorize(args)) => cli::factorize::run(&args),
        Some(Command::Neighbors(args)) => cli::neighbors::run(&args),
        Some(Command::Project(args)) => cli::project::run(&args),
        Some(Command::Recommend(args)) => cli::recommend::run(&args),
        Some(Command::Regress(args)) => cli::regress::run(&args),
        Some(Command::Svd(args)) => cli::svd::run(&args),
        Some(Command::Net(args)) => cli::net::run(&args),
        Some(Command::Present(args)) => present(&args),
        None => run_gui(cli.path, cli.table, None),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => fail(&f),
    }
}

/// Reports `f` in one line, as the contract promises, and its exit status.
fn fail(f: &Failure) -> ExitCode {
    let line = f.message.replace('\n', " ");
    cli::out::note(&format!("error: {line}"));
    ExitCode::from(f.code)
}

/// Help and version (stdout, exit 0) and usage errors (stderr, exit 2), as
/// clap formats them; through the checked output, so `--help > /dev/full` is
/// an error (exit 1) and `--help | head -c 10` ends quietly.
fn usage(e: &clap::Error) -> ExitCode {
    use std::io::IsTerminal;
    if !e.use_stderr() {
        if std::io::stdout().is_terminal() {
            // In colour; a terminal does not fill up.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        return match cli::out::print(&e.render().to_string()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(f) => fail(&f),
        };
    }
    if std::io::stderr().is_terminal() {
        let _ = e.print();
    } else {
        let text = e.render().to_string();
        cli::out::note(text.trim_end_matches('\n'));
    }
    ExitCode::from(2)
}

fn present(args: &PresentArgs) -> Result<(), Failure> {
    // Every slide's scene loads before the window opens: a broken deck exits 2.
    let deck = if args.deck.as_os_str() == "builtin" {
        eigenlens::deck::load_builtin_deck()
    } else {
        eigenlens::deck::load_deck(&args.deck)
    }
    .map_err(|e| Failure::input(e.to_string()))?;
    run_gui(
        None,
        cli::table::TableArgs::default(),
        Some((deck, args.presenter)),
    )
}

/// Files at least this large, named on the command line, load in the
/// window (with progress and Cancel) rather than before it opens.
const LOAD_IN_WINDOW_BYTES: u64 = 256 * 1024 * 1024;

/// Whether `path` is a regular file (not a scene or deck) of at least
/// [`LOAD_IN_WINDOW_BYTES`].
fn loads_in_window(path: &std::path::Path) -> bool {
    let scene = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    !scene && std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() >= LOAD_IN_WINDOW_BYTES)
}

fn run_gui(
    path: Option<PathBuf>,
    table: cli::table::TableArgs,
    deck: Option<(eigenlens::deck::LoadedDeck, bool)>,
) -> Result<(), Failure> {
    // A file named on the command line must load before a window opens: a bad
    // one is reported here, with exit status 2, like every other bad input.
    // An archive of several arrays is not an error: the window asks which.
    //
    // Except a big file (a 3.6 GB word2vec binary takes half a minute): the
    // window opens at once and loads it with its progress bar and Cancel,
    // showing what went wrong there if it is bad.
    let progress = eigenlens::data::LoadProgress::new();
    let (path, in_window) = match path {
        Some(p) if loads_in_window(&p) => (None, Some(p)),
        p => (p, None),
    };
    let policy = table.policy();
    let (opened, choose) = match path {
        Some(p) => match app::open_path_reading(&p, &progress, table.policy()) {
            Ok((opened, bad)) => {
                if table.bad_cells == cli::table::BadCellsArg::Missing {
                    cli::table::note_read_as_missing(&p.display().to_string(), bad);
                }
                (Some((p, opened)), None)
            }
            Err(e @ app::OpenError::Load(eigenlens::data::LoadError::NpzChoose { .. })) => {
                (None, Some(e))
            }
            Err(app::OpenError::Load(e)) => return Err(cli::table::load_failure(&e)),
            Err(e) => return Err(Failure::input(e.to_string())),
        },
        None => (None, None),
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
        Box::new(move |cc| {
            let mut app = EigenApp::from_creation_context(cc, opened);
            if let Some(p) = in_window {
                app.open_in_background_reading(&cc.egui_ctx, p, policy);
            }
            if let Some(e) = &choose {
                app.offer_arrays(e);
            }
            if let Some((deck, presenter)) = deck {
                app.start_presentation(&cc.egui_ctx, deck);
                app.set_presenter_window(presenter);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| Failure::other(format!("cannot open the window: {e}")))
}
