//! `eigenlens render SCENE -o OUT.png`: draw a scene without a window.

use std::path::PathBuf;

use clap::Args;

use super::Failure;
use crate::render;
use crate::scene::{self, Theme};

/// Draw a scene to a PNG without a window.
#[derive(Args, Debug)]
pub struct RenderArgs {
    /// The scene file (TOML).
    pub scene: PathBuf,
    /// Where to write the PNG.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Width in points (overrides the scene's [window] width).
    #[arg(long, value_parser = clap::value_parser!(u32).range(i64::from(*scene::SIZE_RANGE.start())..=i64::from(*scene::SIZE_RANGE.end())))]
    pub width: Option<u32>,
    /// Height in points.
    #[arg(long, value_parser = clap::value_parser!(u32).range(i64::from(*scene::SIZE_RANGE.start())..=i64::from(*scene::SIZE_RANGE.end())))]
    pub height: Option<u32>,
    /// Pixels per point: 2 doubles the resolution.
    #[arg(long, value_parser = parse_scale)]
    pub scale: Option<f32>,
    /// light or dark.
    #[arg(long)]
    pub theme: Option<Theme>,
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

/// Runs `eigenlens render`.
///
/// # Errors
/// A bad scene or output path (exit 2), or no usable renderer (exit 1).
pub fn run(args: &RenderArgs) -> Result<(), Failure> {
    let (scene_path, output) = (args.scene.as_path(), args.output.as_path());
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
    window.width = args.width.unwrap_or(window.width);
    window.height = args.height.unwrap_or(window.height);
    window.scale = args.scale.unwrap_or(window.scale);
    window.theme = args.theme.unwrap_or(window.theme);
    let image = render::render_scene(&loaded.scene, loaded.data, &window)
        .map_err(|e| Failure::other(e.to_string()))?;
    crate::files::write_atomic(output, |w| {
        image
            .write_to(w, image::ImageFormat::Png)
            .map_err(std::io::Error::other)
    })
    .map_err(|e| Failure::input(e.to_string()))?;
    Ok(())
}
