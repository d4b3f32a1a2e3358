//! A scene drawn as SVG: the harness the PNG output uses, with a renderer
//! that keeps textures instead of drawing pixels.

use std::sync::{Arc, Mutex, PoisonError};

use super::textures::{TextureRecorder, TextureStore};
use super::{SvgOptions, write_svg};
use crate::app::headless::{self, ImageSize, RenderError, SceneHarness};
use crate::scene::{Scene, SceneData, WindowSettings};

/// The longest side, in pixels, of an SVG's canvas: the views draw their
/// raster layers (large scatters, heatmaps) at its pixel size, and a
/// graphics adapter would refuse the PNG beyond this too.
pub const MAX_SIDE: u64 = 16_384;

/// One scene set up for drawing as SVG: once, or frame by frame along its
/// animation. Needs no graphics adapter.
pub struct SvgRenderer {
    harness: SceneHarness,
    textures: Arc<Mutex<TextureStore>>,
    size: egui::Vec2,
    scale: f32,
    options: SvgOptions,
}

impl SvgRenderer {
    /// Sets up `scene` with its data at the size, scale and theme of
    /// `window`; with `transparent`, nothing is painted behind the view.
    ///
    /// # Errors
    /// The scene's view cannot show its data, or the canvas is more than
    /// [`MAX_SIDE`] pixels a side.
    pub fn new(
        scene: &Scene,
        data: SceneData,
        window: &WindowSettings,
        transparent: bool,
        options: SvgOptions,
    ) -> Result<Self, RenderError> {
        let size = ImageSize::of(window);
        if size.pixels.0 > MAX_SIDE || size.pixels.1 > MAX_SIDE {
            return Err(RenderError::SvgTooLarge {
                size,
                max_side: MAX_SIDE,
            });
        }
        let textures = Arc::new(Mutex::new(TextureStore::default()));
        let recorder = TextureRecorder(Arc::clone(&textures));
        let harness = headless::scene_harness(scene, data, window, transparent, recorder)?;
        Ok(Self {
            harness,
            textures,
            size: egui::vec2(window.width as f32, window.height as f32),
            scale: window.scale,
            options,
        })
    }

    /// Whether the scene's view has an animation (`--frames` needs one).
    #[must_use]
    pub fn animated(&self) -> bool {
        headless::animated(&self.harness)
    }

    /// Draws the scene as an SVG document, at animation position `progress`
    /// when given (else where the scene put it).
    pub fn frame(&mut self, progress: Option<f32>) -> String {
        headless::settle(&mut self.harness, progress);
        let textures = self.textures.lock().unwrap_or_else(PoisonError::into_inner);
        write_svg(
            &self.harness.output().shapes,
            &textures,
            self.size,
            self.scale,
            self.options,
        )
    }
}
