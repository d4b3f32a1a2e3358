//! `eigenlens render SCENE... -o OUT`: draw scenes without a window, as PNG
//! images, animated GIFs, numbered PNG sequences, or SVG (one file or
//! numbered files).

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;

use clap::Args;
use image::codecs::gif::{GifEncoder, Repeat};
use image::{Delay, RgbaImage};

use super::Failure;
use crate::render::{Gpu, SceneRenderer, SvgOptions, SvgRenderer};
use crate::scene::{self, Theme};

/// Most frames one animation renders.
pub const MAX_FRAMES: u32 = 1000;

/// Draw scenes to PNG or SVG (or an animation to GIF) without a window.
#[derive(Args, Debug)]
#[command(after_help = "Outputs:
  -o out.png                 one scene, one image
  -o out.svg                 one scene as vector graphics (text as text; width and height in points)
  -o DIR/                    several scenes: DIR/<scene name>.png (.gif with --frames)
  -o DIR/ --format svg       … DIR/<scene name>.svg (DIR/<scene name>-000.svg, … with --frames)
  --frames 30 -o out.gif     the view's animation, progress 0 → 1, as an animated GIF
  --frames 30 -o f/%03d.png  … as numbered PNGs (f/000.png, f/001.png, …)
  --frames 30 -o f/%03d.svg  … as numbered SVGs")]
pub struct RenderArgs {
    /// The scene files (TOML); with more than one, -o is a directory.
    #[arg(required = true, num_args = 1.., value_name = "SCENE")]
    pub scenes: Vec<PathBuf>,
    /// Where to write: a .png, a .gif (with --frames), a pattern such as
    /// frames/%03d.png (with --frames), or a directory ending in /.
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
    /// Render the view's animation as N frames, progress 0 → 1 (the
    /// Transform and PCA animations; a trained Factorize scene's epochs).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(2..=i64::from(MAX_FRAMES)))]
    pub frames: Option<u32>,
    /// Frames per second of a GIF.
    #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u32).range(1..=50))]
    pub fps: u32,
    /// Paint nothing behind the view (PNG and SVG output): for slides with
    /// their own background.
    #[arg(long)]
    pub transparent: bool,
    /// Draw the picture alone, without the view's toolbars and buttons
    /// (the scene's `[window] controls = false`).
    #[arg(long)]
    pub no_controls: bool,
    /// What a directory batch writes: png (GIFs with --frames) or svg. A
    /// file's own extension decides otherwise, and must agree.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// SVG: embed the bundled DejaVu Sans (about 1 MB) instead of naming
    /// the fonts, so the text looks the same where it is not installed.
    #[arg(long)]
    pub embed_fonts: bool,
}

/// The kind of image `render` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Pixels (GIF for an animation).
    Png,
    /// Vector graphics.
    Svg,
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

/// What one scene becomes.
#[derive(Clone, Debug, PartialEq)]
enum Output {
    Png(PathBuf),
    Gif(PathBuf),
    /// A printf-style pattern with one `%d` or `%0Nd`.
    Sequence(String),
    Svg(PathBuf),
    /// Numbered SVGs: a pattern as for `Sequence`.
    SvgSequence(String),
}

impl Output {
    fn is_svg(&self) -> bool {
        matches!(self, Self::Svg(_) | Self::SvgSequence(_))
    }
}

fn has_ext(p: &Path, ext: &str) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// Fills the `%d` / `%0Nd` of `pattern` with `i`, or says what is wrong
/// with the pattern.
fn fill_pattern(pattern: &str, i: u32) -> Result<String, String> {
    let Some(at) = pattern.find('%') else {
        return Err(format!("{pattern}: a frame pattern needs %d or %03d"));
    };
    let rest = &pattern[at + 1..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let after = &rest[digits.len()..];
    let Some(tail) = after.strip_prefix('d') else {
        return Err(format!(
            "{pattern}: the frame pattern must be %d or %0Nd (such as %03d)"
        ));
    };
    if tail.contains('%') {
        return Err(format!("{pattern}: the frame pattern has more than one %"));
    }
    let width: usize = if digits.is_empty() {
        0
    } else {
        digits.trim_start_matches('0').parse().unwrap_or(0).min(9)
    };
    Ok(format!("{}{i:0width$}{tail}", &pattern[..at]))
}

/// Decides what each scene is written to.
fn plan(args: &RenderArgs) -> Result<Vec<(PathBuf, Output)>, Failure> {
    let out = &args.output;
    let out_str = out.to_string_lossy();
    let is_dir =
        out.is_dir() || out_str.ends_with('/') || out_str.ends_with(std::path::MAIN_SEPARATOR);
    let svg = args.format == Some(Format::Svg);
    if args.transparent && (has_ext(out, "gif") || (is_dir && args.frames.is_some() && !svg)) {
        return Err(Failure::input(
            "--transparent: only PNG output has a transparent background (not GIF)",
        ));
    }
    if is_dir {
        if args.frames.is_some() && out_str.contains('%') {
            return Err(Failure::input(format!(
                "{out_str}: a directory cannot be a frame pattern"
            )));
        }
        let mut seen = std::collections::HashSet::new();
        return args
            .scenes
            .iter()
            .map(|s| {
                let stem = s
                    .file_stem()
                    .map_or_else(|| "scene".to_owned(), |n| n.to_string_lossy().into_owned());
                if !seen.insert(stem.clone()) {
                    return Err(Failure::input(format!(
                        "{}: another scene is also called {stem:?}, so both would write {stem}.png",
                        s.display()
                    )));
                }
                let pattern = || format!("{}", out.join(format!("{stem}-%03d.svg")).display());
                Ok((
                    s.clone(),
                    match (args.frames.is_some(), svg) {
                        (true, false) => Output::Gif(out.join(format!("{stem}.gif"))),
                        (false, false) => Output::Png(out.join(format!("{stem}.png"))),
                        (true, true) => Output::SvgSequence(pattern()),
                        (false, true) => Output::Svg(out.join(format!("{stem}.svg"))),
                    },
                ))
            })
            .collect();
    }
    if args.scenes.len() > 1 {
        return Err(Failure::input(format!(
            "{out_str}: {} scenes need an output directory (end it with /)",
            args.scenes.len()
        )));
    }
    let scene = args.scenes[0].clone();
    let output = file_output(args, out)?;
    Ok(vec![(scene, output)])
}

/// What a single scene's `-o FILE` becomes, by its extension (which
/// `--format`, if given, must agree with).
fn file_output(args: &RenderArgs, out: &Path) -> Result<Output, Failure> {
    let out_str = out.to_string_lossy();
    let format = if has_ext(out, "svg") {
        Format::Svg
    } else {
        Format::Png
    };
    if let Some(asked) = args.format
        && asked != format
        && (has_ext(out, "svg") || has_ext(out, "png") || has_ext(out, "gif"))
    {
        return Err(Failure::input(format!(
            "{out_str}: --format {} disagrees with the file's extension",
            if asked == Format::Svg { "svg" } else { "png" }
        )));
    }
    if has_ext(out, "svg") {
        return match (args.frames, out_str.contains('%')) {
            (Some(_), true) => {
                fill_pattern(&out_str, 0).map_err(Failure::input)?;
                Ok(Output::SvgSequence(out_str.into_owned()))
            }
            (Some(_), false) => Err(Failure::input(format!(
                "{out_str}: --frames writes numbered SVGs such as frames/%03d.svg"
            ))),
            (None, true) => Err(Failure::input(format!(
                "{out_str}: a frame pattern needs --frames N"
            ))),
            (None, false) => Ok(Output::Svg(out.to_path_buf())),
        };
    }
    let output = match (args.frames, has_ext(out, "gif"), has_ext(out, "png")) {
        (Some(_), true, _) => Output::Gif(out.to_path_buf()),
        (None, true, _) => {
            return Err(Failure::input(format!(
                "{out_str}: a GIF is an animation: add --frames N"
            )));
        }
        (Some(_), _, true) if out_str.contains('%') => {
            fill_pattern(&out_str, 0).map_err(Failure::input)?;
            Output::Sequence(out_str.into_owned())
        }
        (Some(_), _, true) => {
            return Err(Failure::input(format!(
                "{out_str}: --frames writes a .gif or numbered PNGs such as frames/%03d.png"
            )));
        }
        (None, _, true) if out_str.contains('%') => {
            return Err(Failure::input(format!(
                "{out_str}: a frame pattern needs --frames N"
            )));
        }
        (None, _, true) => Output::Png(out.to_path_buf()),
        _ => {
            return Err(Failure::input(format!(
                "{out_str}: the output must be a .png, .svg or .gif file, or a directory ending in /"
            )));
        }
    };
    Ok(output)
}

/// Creates the folder `path` will be written in.
fn make_parent(path: &Path) -> Result<(), Failure> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => std::fs::create_dir_all(dir)
            .map_err(|e| {
                Failure::input(format!(
                    "{}: cannot write it: cannot create its folder {}: {e}",
                    path.display(),
                    dir.display()
                ))
            }),
        _ => Ok(()),
    }
}

/// Writes `image` as PNG through a temporary file renamed into place.
fn write_png(image: &RgbaImage, path: &Path) -> Result<(), Failure> {
    make_parent(path)?;
    // Encoded in memory first: the PNG encoder wants a seekable writer, and a
    // FIFO or device that `-o` names is written into, not replaced.
    let mut png = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut png, image::ImageFormat::Png)
        .map_err(|e| Failure::input(format!("{}: cannot write: {e}", path.display())))?;
    crate::files::write_bytes_atomic(path, png.get_ref()).map_err(|e| Failure::input(e.to_string()))
}

/// Encodes GIF frames on a second thread while the next frame renders.
struct GifWriter {
    frames: mpsc::SyncSender<RgbaImage>,
    done: thread::JoinHandle<Result<(), String>>,
    path: PathBuf,
}

impl GifWriter {
    fn create(path: &Path, fps: u32) -> Result<Self, Failure> {
        make_parent(path)?;
        let (frames, rx) = mpsc::sync_channel::<RgbaImage>(2);
        let target = path.to_owned();
        let done = thread::spawn(move || {
            // Written to a temporary file renamed into place when complete.
            crate::files::write_atomic(&target, |w| {
                // NeuQuant at its fastest sampling (30 of 1..=30): views are flat
                // colours, the palette still looks right, and encoding keeps pace
                // with rendering (speed 10 added ~60% to a 30-frame GIF).
                let mut encoder = GifEncoder::new_with_speed(w, 30);
                encoder
                    .set_repeat(Repeat::Infinite)
                    .map_err(std::io::Error::other)?;
                let delay = Delay::from_numer_denom_ms(1000, fps);
                for img in rx {
                    encoder
                        .encode_frame(image::Frame::from_parts(img, 0, 0, delay))
                        .map_err(std::io::Error::other)?;
                }
                Ok(())
            })
            .map_err(|e| e.to_string())
        });
        Ok(Self {
            frames,
            done,
            path: path.to_owned(),
        })
    }

    fn push(&self, img: RgbaImage) {
        // A closed channel means the encoder failed: `finish` reports why.
        let _ = self.frames.send(img);
    }

    fn finish(self) -> Result<(), Failure> {
        drop(self.frames);
        let fail = |e: String| {
            Failure::input(format!(
                "{}: cannot write the GIF: {e}",
                self.path.display()
            ))
        };
        match self.done.join() {
            Ok(r) => r.map_err(Failure::input),
            Err(_) => Err(fail("the encoder stopped".to_owned())),
        }
    }
}

/// Runs `eigenlens render`.
///
/// # Errors
/// A bad scene or output path (exit 2), or no usable renderer (exit 1).
pub fn run(args: &RenderArgs) -> Result<(), Failure> {
    let jobs = plan(args)?;
    // Every scene is read and checked before anything is drawn or written.
    let loaded = jobs
        .iter()
        .map(|(path, _)| scene::load_scene(path).map_err(|e| Failure::input(e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    // SVG needs no graphics adapter: open one only for pixels.
    let gpu = if jobs.iter().any(|(_, o)| !o.is_svg()) {
        Some(Gpu::new().map_err(|e| Failure::other(e.to_string()))?)
    } else {
        None
    };
    for ((path, output), loaded) in jobs.into_iter().zip(loaded) {
        let mut window = loaded.scene.window;
        window.width = args.width.unwrap_or(window.width);
        window.height = args.height.unwrap_or(window.height);
        window.scale = args.scale.unwrap_or(window.scale);
        window.theme = args.theme.unwrap_or(window.theme);
        window.controls &= !args.no_controls;
        let view = loaded.scene.view.title();
        let no_animation = || {
            Failure::input(format!(
                "{}: the {view} view has no animation to render as frames (the Transform and PCA views do, and a Factorize scene with epoch > 0)",
                path.display(),
            ))
        };
        let bad_scene =
            |e: crate::render::RenderError| Failure::input(format!("{}: {e}", path.display()));
        if output.is_svg() {
            let options = SvgOptions {
                embed_fonts: args.embed_fonts,
            };
            let mut renderer = SvgRenderer::new(
                &loaded.scene,
                loaded.data,
                &window,
                args.transparent,
                options,
            )
            .map_err(bad_scene)?;
            if args.frames.is_some() && !renderer.animated() {
                return Err(no_animation());
            }
            write_svgs(&mut renderer, &output, args.frames)?;
            continue;
        }
        let Some(gpu) = &gpu else {
            return Err(Failure::other("render: no graphics device for a PNG"));
        };
        let mut renderer =
            SceneRenderer::new(gpu, &loaded.scene, loaded.data, &window, args.transparent)
                .map_err(bad_scene)?;
        if args.frames.is_some() && !renderer.animated() {
            return Err(no_animation());
        }
        write_pixels(&mut renderer, &output, args, &path)?;
    }
    Ok(())
}

/// Draws `renderer`'s scene into `output`: a PNG, a GIF or numbered PNGs.
fn write_pixels(
    renderer: &mut SceneRenderer,
    output: &Output,
    args: &RenderArgs,
    path: &Path,
) -> Result<(), Failure> {
    let draw = |r: &mut SceneRenderer, p: Option<f32>| {
        r.frame(p)
            .map_err(|e| Failure::other(format!("{}: {e}", path.display())))
    };
    let n = match (args.frames, output) {
        (None, Output::Png(out)) => return write_png(&draw(renderer, None)?, out),
        (Some(n), Output::Gif(_) | Output::Sequence(_)) => n,
        _ => return Err(Failure::other("render: output and --frames disagree")),
    };
    let progress = |i: u32| i as f32 / (n - 1) as f32;
    if let Output::Gif(out) = output {
        let gif = GifWriter::create(out, args.fps)?;
        for i in 0..n {
            gif.push(draw(renderer, Some(progress(i)))?);
        }
        gif.finish()?;
    } else if let Output::Sequence(pattern) = output {
        for i in 0..n {
            let file = fill_pattern(pattern, i).map_err(Failure::input)?;
            write_png(&draw(renderer, Some(progress(i)))?, Path::new(&file))?;
        }
    }
    Ok(())
}

/// Draws `renderer`'s scene into `output`: one SVG, or `frames` numbered
/// SVGs along its animation.
fn write_svgs(
    renderer: &mut SvgRenderer,
    output: &Output,
    frames: Option<u32>,
) -> Result<(), Failure> {
    match (output, frames) {
        (Output::Svg(out), None) => write_text(&renderer.frame(None), out),
        (Output::SvgSequence(pattern), Some(n)) => {
            for i in 0..n {
                let file = fill_pattern(pattern, i).map_err(Failure::input)?;
                let svg = renderer.frame(Some(i as f32 / (n - 1) as f32));
                write_text(&svg, Path::new(&file))?;
            }
            Ok(())
        }
        _ => Err(Failure::other("render: output and --frames disagree")),
    }
}

/// Writes `text` through a temporary file renamed into place.
fn write_text(text: &str, path: &Path) -> Result<(), Failure> {
    make_parent(path)?;
    crate::files::write_bytes_atomic(path, text.as_bytes())
        .map_err(|e| Failure::input(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_patterns_fill_and_reject() {
        assert_eq!(fill_pattern("f/%03d.png", 7).as_deref(), Ok("f/007.png"));
        assert_eq!(fill_pattern("f%d.png", 12).as_deref(), Ok("f12.png"));
        assert!(fill_pattern("f.png", 1).is_err());
        assert!(fill_pattern("f%s.png", 1).is_err());
        assert!(fill_pattern("%d-%d.png", 1).is_err());
    }
}
