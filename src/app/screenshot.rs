//! View → Save screenshot: the central view (drawn again headless from the
//! current scene, so it matches `eigenlens render`, at 1× or 2×, as PNG or
//! SVG) or the whole window (captured as it is on screen), saved and
//! optionally copied to the clipboard (pictures only).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use egui::{ColorImage, Key, KeyboardShortcut, Modifiers};
use image::RgbaImage;

use super::headless::{Gpu, RenderError, SceneRenderer};
use super::job::{Job, JobError, Waker};
use super::svg::{SvgOptions, SvgRenderer};
use crate::scene::{Scene, SceneData};

/// Why a screenshot was not taken or saved.
#[derive(Debug, thiserror::Error)]
pub enum ScreenshotError {
    /// Drawing the view headless failed.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The window never delivered its picture (or the drawing thread died).
    #[error("the screenshot was not taken")]
    NotTaken,
    /// The PNG could not be encoded or written.
    #[error("{}: cannot write the screenshot: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Ctrl+Shift+S (Cmd on macOS).
pub const SHORTCUT: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::S);

/// What the screenshot shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Area {
    /// The view under the tabs, without menus and panels.
    #[default]
    View,
    /// Everything on screen, menus included.
    Window,
}

/// What the screenshot is saved as.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// Pixels.
    #[default]
    Png,
    /// Vector graphics, text as text (the view only).
    Svg,
}

/// The options the Save screenshot window edits (kept between uses).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent on/off choices of the Save screenshot window"
)]
pub struct Options {
    pub area: Area,
    /// Twice the pixels (the view only: the window is captured as shown).
    pub double: bool,
    /// Put the image on the clipboard too (PNG only).
    pub copy: bool,
    pub format: Format,
    /// SVG: embed DejaVu Sans (about 1 MB) instead of naming it.
    pub embed_fonts: bool,
    /// The view with its toolbars and buttons (else the picture alone).
    pub controls: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            area: Area::View,
            double: false,
            copy: true,
            format: Format::Png,
            embed_fonts: false,
            controls: false,
        }
    }
}

/// A finished screenshot.
pub enum Shot {
    Png(RgbaImage),
    /// An SVG document.
    Svg(String),
}

/// Where a capture's picture comes from.
enum Source {
    /// The view, drawn again headless on a background job.
    View(Job<(), Result<RgbaImage, RenderError>>),
    /// The view as SVG, written on a background job.
    Svg(Job<(), Result<String, RenderError>>),
    /// The window's next frame.
    Window(Receiver<RgbaImage>),
}

/// A screenshot on its way: rendering on a thread, or waiting for the
/// window's next frame.
pub struct Capture {
    source: Source,
    /// Also ask where to save it (else only copy it).
    pub save: bool,
    pub copy: bool,
}

impl Capture {
    /// Draws `scene` with `data` headless at `scale` pixels per point, on a
    /// background thread.
    #[must_use]
    pub fn of_view(
        ctx: &egui::Context,
        scene: Scene,
        data: SceneData,
        scale: f32,
        save: bool,
        copy: bool,
    ) -> Self {
        let job = Job::spawn((), Waker::new(ctx), move |_| {
            render_view(&scene, data, scale)
        });
        Self {
            source: Source::View(job),
            save,
            copy,
        }
    }

    /// Writes `scene` with `data` as SVG (at `scale` for its raster
    /// layers), on a background thread; it is only saved, never copied.
    #[must_use]
    pub fn of_view_svg(
        ctx: &egui::Context,
        scene: Scene,
        data: SceneData,
        scale: f32,
        options: SvgOptions,
    ) -> Self {
        let job = Job::spawn((), Waker::new(ctx), move |_| {
            render_view_svg(&scene, data, scale, options)
        });
        Self {
            source: Source::Svg(job),
            save: true,
            copy: false,
        }
    }

    /// Asks the window for its next frame as an image.
    #[must_use]
    pub fn of_window(ctx: &egui::Context, save: bool, copy: bool) -> Self {
        let (tx, rx) = channel();
        let repaint = ctx.clone();
        ctx.request_screenshot(move |image: std::sync::Arc<ColorImage>| {
            let _ = tx.send(to_rgba(&image));
            repaint.request_repaint();
        });
        ctx.request_repaint();
        Self {
            source: Source::Window(rx),
            save,
            copy,
        }
    }

    /// The image once it is ready; `Some(Err)` if it failed.
    #[must_use]
    pub fn poll(&mut self) -> Option<Result<Shot, ScreenshotError>> {
        let failed = |e| match e {
            JobError::Failed(e) => ScreenshotError::Render(e),
            JobError::Cancelled | JobError::Lost => ScreenshotError::NotTaken,
        };
        match &mut self.source {
            Source::View(job) => job.finished().map(|r| r.map(Shot::Png).map_err(failed)),
            Source::Svg(job) => job.finished().map(|r| r.map(Shot::Svg).map_err(failed)),
            Source::Window(rx) => match rx.try_recv() {
                Ok(image) => Some(Ok(Shot::Png(image))),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => Some(Err(ScreenshotError::NotTaken)),
            },
        }
    }
}

/// Draws the scene's view the way `eigenlens render` does, at `scale`.
///
/// # Errors
/// No graphics adapter, or the renderer failed.
pub fn render_view(scene: &Scene, data: SceneData, scale: f32) -> Result<RgbaImage, RenderError> {
    let mut window = scene.window;
    window.scale = scale;
    let gpu = Gpu::new()?;
    SceneRenderer::new(&gpu, scene, data, &window, false)?.frame(None)
}

/// Writes the scene's view as SVG the way `eigenlens render -o out.svg`
/// does, with raster layers at `scale` pixels per point.
///
/// # Errors
/// The scene's view cannot show its data.
pub fn render_view_svg(
    scene: &Scene,
    data: SceneData,
    scale: f32,
    options: SvgOptions,
) -> Result<String, RenderError> {
    let mut window = scene.window;
    window.scale = scale;
    Ok(SvgRenderer::new(scene, data, &window, false, options)?.frame(None))
}

fn to_rgba(image: &ColorImage) -> RgbaImage {
    let [w, h] = image.size;
    let bytes: Vec<u8> = image
        .pixels
        .iter()
        .flat_map(egui::Color32::to_srgba_unmultiplied)
        .collect();
    RgbaImage::from_raw(w as u32, h as u32, bytes).unwrap_or_default()
}

/// The image as egui's, for the clipboard.
#[must_use]
pub fn to_color_image(image: &RgbaImage) -> ColorImage {
    ColorImage::from_rgba_unmultiplied(
        [image.width() as usize, image.height() as usize],
        image.as_raw(),
    )
}

/// Writes the SVG document `svg` to `path` (through a temporary file).
///
/// # Errors
/// The file cannot be written, naming it.
pub fn save_svg(svg: &str, path: &Path) -> Result<(), ScreenshotError> {
    crate::files::write_bytes_atomic(path, svg.as_bytes()).map_err(|e| ScreenshotError::Write {
        path: e.path,
        source: e.source,
    })
}

/// Writes `image` to `path` as PNG: encoded in memory, then written through
/// [`crate::files::write_bytes_atomic`] (a temporary file renamed into place;
/// a device, FIFO or symbolic link is written into, never replaced).
///
/// # Errors
/// The image cannot be encoded or the file written, naming it.
pub fn save_png(image: &RgbaImage, path: &Path) -> Result<(), ScreenshotError> {
    let mut png = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut png, image::ImageFormat::Png)
        .map_err(|e| ScreenshotError::Write {
            path: path.to_path_buf(),
            source: std::io::Error::other(e),
        })?;
    crate::files::write_bytes_atomic(path, png.get_ref()).map_err(|e| ScreenshotError::Write {
        path: e.path,
        source: e.source,
    })
}
