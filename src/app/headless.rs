//! Headless rendering: a scene → an image, through the same view code as the
//! window, rasterized by egui_kittest's wgpu renderer (no window, no GPU
//! needed: `WGPU_BACKEND=gl` picks Mesa's llvmpipe).

use egui_kittest::Harness;
use egui_kittest::wgpu::WgpuTestRenderer;
use image::RgbaImage;

use super::views::data::DataView;
use super::views::embeddings::EmbeddingsView;
use super::views::factorize::FactorizeView;
use super::views::pca::PcaView;
use super::views::transform::TransformView;
use super::{DatasetHandle, RatingsHandle, style};
use crate::scene::{Scene, SceneData, Theme, ViewKind, WindowSettings};

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

/// What the views draw: one per [`ViewKind`].
enum ViewState {
    Data(DataView, DatasetHandle),
    Transform(Box<TransformView>, Option<DatasetHandle>),
    Pca(Box<PcaView>, DatasetHandle),
    Factorize(Box<FactorizeView>, RatingsHandle),
    Embeddings(Box<EmbeddingsView>, DatasetHandle),
}

struct RenderState {
    view: ViewState,
    transparent: bool,
}

impl ViewState {
    /// Whether the view has an animation that `set_progress` moves.
    fn animated(&self) -> bool {
        match self {
            Self::Data(..) | Self::Embeddings(..) => false,
            Self::Transform(..) | Self::Pca(..) => true,
            Self::Factorize(v, _) => v.settings.epoch > 0,
        }
    }

    /// Puts the view's animation at `progress` (0..=1): the matrix from I to
    /// A, the PCA story, or the trained epochs shown by the history slider.
    fn set_progress(&mut self, progress: f32) {
        let p = progress.clamp(0.0, 1.0);
        match self {
            Self::Data(..) | Self::Embeddings(..) => {}
            Self::Transform(v, _) => v.settings.progress = p,
            Self::Pca(v, _) => v.settings.progress = p,
            Self::Factorize(v, _) => {
                let epoch = v.settings.epoch;
                v.settings.history = Some((p * epoch as f32).round() as usize);
            }
        }
    }
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
        let view = view_state(scene, data)?;
        let theme = window.theme;
        let state = RenderState { view, transparent };
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
                        match &mut state.view {
                            ViewState::Data(v, h) => v.ui(ui, h),
                            ViewState::Transform(v, h) => v.ui(ui, h.as_ref()),
                            ViewState::Pca(v, h) => v.ui(ui, h),
                            ViewState::Factorize(v, h) => v.ui(ui, h),
                            ViewState::Embeddings(v, h) => v.ui(ui, h),
                        }
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
            self.harness.state_mut().view.set_progress(p);
        }
        // Plots settle their bounds over a few frames; run until nothing asks for more.
        self.harness.run_steps(4);
        let _ = self.harness.try_run();
        self.harness.render().map_err(RenderError::Render)
    }
}

fn view_state(scene: &Scene, data: SceneData) -> Result<ViewState, RenderError> {
    Ok(match (scene.view, data) {
        (ViewKind::Data, SceneData::Table(ds)) => {
            let mut v = DataView::new(scene.data.clone());
            v.adapt_to(&ds);
            ViewState::Data(v, DatasetHandle::new(ds))
        }
        (ViewKind::Transform, SceneData::Table(ds)) => {
            let mut v = TransformView::new(scene.transform.clone());
            v.adapt_to(&ds);
            ViewState::Transform(Box::new(v), Some(DatasetHandle::new(ds)))
        }
        (ViewKind::Transform, SceneData::Ratings(_)) => {
            ViewState::Transform(Box::new(TransformView::new(scene.transform.clone())), None)
        }
        (ViewKind::Pca, SceneData::Table(ds)) => {
            let mut v = PcaView::new(scene.pca.clone());
            v.set_blocking(true);
            v.adapt_to(&ds);
            ViewState::Pca(Box::new(v), DatasetHandle::new(ds))
        }
        (ViewKind::Factorize, SceneData::Ratings(r)) => {
            let mut v = FactorizeView::new(scene.factorize.clone());
            v.set_blocking(true);
            v.adapt_to(&r);
            ViewState::Factorize(Box::new(v), RatingsHandle::new(r))
        }
        (ViewKind::Embeddings, SceneData::Table(ds)) => {
            let mut v = EmbeddingsView::new(scene.embeddings.clone());
            v.set_blocking(true);
            v.adapt_to(&ds);
            ViewState::Embeddings(Box::new(v), DatasetHandle::new(ds))
        }
        (view, _) => return Err(RenderError::WrongData(view.title())),
    })
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
