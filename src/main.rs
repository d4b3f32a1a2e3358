//! The `eigenlens` command: no subcommand opens the window; `render` draws a
//! scene to PNG without one. Exit status: 0 success, 2 bad input or usage
//! (one line `error: ...` on stderr), 1 any other failure.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use eigenlens::app::{self, EigenApp};
use eigenlens::render;
use eigenlens::scene::{self, Theme};

#[derive(Parser, Debug)]
#[command(
    name = "eigenlens",
    version,
    about = "See the linear algebra behind machine learning."
)]
struct Cli {
    /// A dataset (CSV, TSV, .npy) or a scene (.toml) to open; without it the
    /// default built-in scene opens.
    path: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Draw a scene to a PNG without a window.
    Render {
        /// The scene file (TOML).
        scene: PathBuf,
        /// Where to write the PNG.
        #[arg(short, long)]
        output: PathBuf,
        /// Width in points (overrides the scene's [window] width).
        #[arg(long, value_parser = clap::value_parser!(u32).range(i64::from(*scene::SIZE_RANGE.start())..=i64::from(*scene::SIZE_RANGE.end())))]
        width: Option<u32>,
        /// Height in points.
        #[arg(long, value_parser = clap::value_parser!(u32).range(i64::from(*scene::SIZE_RANGE.start())..=i64::from(*scene::SIZE_RANGE.end())))]
        height: Option<u32>,
        /// Pixels per point: 2 doubles the resolution.
        #[arg(long, value_parser = parse_scale)]
        scale: Option<f32>,
        /// light or dark.
        #[arg(long)]
        theme: Option<Theme>,
    },
}

fn parse_scale(s: &str) -> Result<f32, String> {
    let v: f32 = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    if scene::SCALE_RANGE.contains(&v) {
        Ok(v)
    } else {
        Err(format!(
            "must be between {} and {}",
            scene::SCALE_RANGE.start(),
            scene::SCALE_RANGE.end()
        ))
    }
}

/// A failure and the exit status it maps to.
struct Failure {
    message: String,
    code: u8,
}

impl Failure {
    fn input(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: 2,
        }
    }
    fn other(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: 1,
        }
    }
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
        Some(Command::Render {
            scene,
            output,
            width,
            height,
            scale,
            theme,
        }) => render_cmd(&scene, &output, width, height, scale, theme),
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

fn render_cmd(
    scene_path: &Path,
    output: &Path,
    width: Option<u32>,
    height: Option<u32>,
    scale: Option<f32>,
    theme: Option<Theme>,
) -> Result<(), Failure> {
    let is_png = output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("png"));
    if !is_png {
        return Err(Failure::input(format!(
            "{}: the output must be a .png file",
            output.display()
        )));
    }
    let loaded = scene::load_scene(scene_path).map_err(|e| Failure::input(e.to_string()))?;
    let mut window = loaded.scene.window;
    window.width = width.unwrap_or(window.width);
    window.height = height.unwrap_or(window.height);
    window.scale = scale.unwrap_or(window.scale);
    window.theme = theme.unwrap_or(window.theme);
    let image = render::render_scene(&loaded.scene, loaded.dataset, &window)
        .map_err(|e| Failure::other(e.to_string()))?;
    image
        .save_with_format(output, image::ImageFormat::Png)
        .map_err(|e| Failure::input(format!("{}: cannot write the PNG: {e}", output.display())))?;
    Ok(())
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
