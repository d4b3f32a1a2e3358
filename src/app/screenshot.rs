//! View → Save screenshot: the central view (drawn again headless from the
//! current scene, so it matches `eigenlens render`, at 1× or 2×) or the
//! whole window (captured as it is on screen), saved as PNG and optionally
//! copied to the clipboard.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use egui::{ColorImage, Key, KeyboardShortcut, Modifiers};
use image::RgbaImage;

use super::headless::{Gpu, RenderError, SceneRenderer};
use super::job::{Job, JobError, Waker};
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

/// The options the Save screenshot window edits (kept between uses).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    pub area: Area,
    /// Twice the pixels (the view only: the window is captured as shown).
    pub double: bool,
    /// Put the image on the clipboard too.
    pub copy: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            area: Area::View,
            double: false,
            copy: true,
        }
    }
}

/// Where a capture's picture comes from.
enum Source {
    /// The view, drawn again headless on a background job.
    View(Job<(), Result<RgbaImage, RenderError>>),
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
    pub fn poll(&mut self) -> Option<Result<RgbaImage, ScreenshotError>> {
        match &mut self.source {
            Source::View(job) => job.finished().map(|r| {
                r.map_err(|e| match e {
                    JobError::Failed(e) => ScreenshotError::Render(e),
                    JobError::Cancelled | JobError::Lost => ScreenshotError::NotTaken,
                })
            }),
            Source::Window(rx) => match rx.try_recv() {
                Ok(image) => Some(Ok(image)),
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
