//! Headless rendering: a scene → an image, through the same view code as the
//! window, rasterized by egui_kittest's wgpu renderer (no window, no GPU
//! needed: `WGPU_BACKEND=gl` picks Mesa's llvmpipe).

use egui_kittest::Harness;
use egui_kittest::wgpu::WgpuTestRenderer;
use image::RgbaImage;

use super::views::registry;
use super::views::view::{Fit, View};
use super::{DatasetHandle, EntryData, RatingsHandle, style};
use crate::scene::{Scene, SceneData, Theme, WindowSettings};

/// Why a scene could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// No wgpu adapter: neither a GPU nor a software rasterizer was found.
    #[error(
        "no graphics adapter found for rendering ({0}); install Mesa (e.g. Debian's libegl1 and libgl1-mesa-dri) and set WGPU_BACKEND=gl"
    )]
    NoAdapter(String),
    /// The scene's view cannot show its data (a table in the Factorize view, say).
    #[error("the {0} view cannot show this data")]
    WrongData(&'static str),
    /// The renderer failed while drawing.
    #[error("rendering failed: {0}")]
    Render(String),
}

/// The scene's view (from the registry) and its data.
struct RenderState {
    view: Box<dyn View>,
    data: EntryData,
    transparent: bool,
}

/// A graphics device shared by every scene a command renders (creating one
/// costs most of a render's start-up).
pub struct Gpu(egui_wgpu::RenderState);

impl Gpu {
    /// The default adapter (`WGPU_BACKEND=gl`: Mesa's llvmpipe).
    ///
    /// # Errors
    /// No graphics adapter.
    pub fn new() -> Result<Self, RenderError> {
        let setup = egui_kittest::wgpu::default_wgpu_setup();
        let instance = pollster::block_on(setup.new_instance());
        let config = egui_wgpu::WgpuConfiguration {
            wgpu_setup: setup,
            ..Default::default()
        };
        let render_state = pollster::block_on(egui_wgpu::RenderState::create(
            &config,
            &instance,
            None,
            egui_wgpu::RendererOptions::default(),
        ))
        .map_err(|e| RenderError::NoAdapter(e.to_string()))?;
        Ok(Self(render_state))
    }

    /// The device with a renderer of its own (each harness needs a fresh one).
    fn fresh(&self) -> egui_wgpu::RenderState {
        let mut rs = self.0.clone();
        rs.renderer = std::sync::Arc::new(egui::mutex::RwLock::new(egui_wgpu::Renderer::new(
            &rs.device,
            rs.target_format,
            egui_wgpu::RendererOptions::default(),
        )));
        rs
    }
}

/// One scene set up for drawing: draw it once, or frame by frame along its
/// animation.
pub struct SceneRenderer {
    harness: Harness<'static, RenderState>,
}

impl SceneRenderer {
    /// Sets up `scene` with its data at the size, scale and theme of
    /// `window`; with `transparent`, nothing is painted behind the view.
    ///
    /// # Errors
    /// The scene's view cannot show its data.
    pub fn new(
        gpu: &Gpu,
        scene: &Scene,
        data: SceneData,
        window: &WindowSettings,
        transparent: bool,
    ) -> Result<Self, RenderError> {
        let (view, data) = view_state(scene, data)?;
        let theme = window.theme;
        let state = RenderState {
            view,
            data,
            transparent,
        };
        let harness = Harness::builder()
            .with_size(egui::vec2(window.width as f32, window.height as f32))
            .with_pixels_per_point(window.scale)
            .with_theme(match theme {
                Theme::Light => egui::Theme::Light,
                Theme::Dark => egui::Theme::Dark,
            })
            // User data may hold characters no bundled font has: draw a box, never panic.
            .allow_missing_glyphs()
            // Accessibility is checked by the UI tests; a render must not fail on it.
            .with_accessibility_check(false)
            .with_context_setup(move |ctx| style::setup(ctx, theme))
            .renderer(WgpuTestRenderer::from_render_state(gpu.fresh()))
            .build_ui_state(
                |ui, state: &mut RenderState| {
                    let ctx = ui.ctx().clone();
                    let mut frame = egui::Frame::central_panel(&ctx.global_style());
                    if state.transparent {
                        frame = frame.fill(egui::Color32::TRANSPARENT);
                    } else {
                        // Paint the whole image, margins included, in the theme's panel colour.
                        ctx.layer_painter(egui::LayerId::background()).rect_filled(
                            ctx.content_rect(),
                            0.0,
                            ui.visuals().panel_fill,
                        );
                    }
                    egui::CentralPanel::default().frame(frame).show(ui, |ui| {
                        state.view.ui(ui, &state.data);
                    });
                },
                state,
            );
        Ok(Self { harness })
    }

    /// Whether the scene's view has an animation (`--frames` needs one).
    #[must_use]
    pub fn animated(&self) -> bool {
        self.harness.state().view.animated()
    }

    /// Draws the scene, at animation position `progress` when given (else
    /// where the scene put it).
    ///
    /// # Errors
    /// A failure inside the renderer.
    pub fn frame(&mut self, progress: Option<f32>) -> Result<RgbaImage, RenderError> {
        if let Some(p) = progress {
            self.harness
                .state_mut()
                .view
                .set_progress(p.clamp(0.0, 1.0));
        }
        // Plots settle their bounds over a few frames; run until nothing asks for more.
        self.harness.run_steps(4);
        let _ = self.harness.try_run();
        self.harness.render().map_err(RenderError::Render)
    }
}

/// The scene's view with its settings, computing on this thread, fitted to
/// its data — or why it cannot show that data.
fn view_state(scene: &Scene, data: SceneData) -> Result<(Box<dyn View>, EntryData), RenderError> {
    let data = match data {
        SceneData::Table(ds) => EntryData::Table(DatasetHandle::new(ds)),
        SceneData::Ratings(r) => EntryData::Ratings(RatingsHandle::new(r)),
    };
    let mut view = registry::boxed(scene.view, scene);
    if view.accepts(&data) == Fit::Refuses {
        return Err(RenderError::WrongData(scene.view.title()));
    }
    view.set_blocking(true);
    view.adapt_to(&data);
    Ok((view, data))
}

/// Draws `scene` with its data into an image of `window.width × window.scale`
/// by `window.height × window.scale` pixels.
///
/// # Errors
/// No graphics adapter, or a failure inside the renderer.
pub fn render_scene(
    scene: &Scene,
    data: SceneData,
    window: &WindowSettings,
) -> Result<RgbaImage, RenderError> {
    let gpu = Gpu::new()?;
    SceneRenderer::new(&gpu, scene, data, window, false)?.frame(None)
}
