//! Headless rendering: a scene → an image, through the same view code as the
//! window, rasterized by egui_kittest's wgpu renderer (no window, no GPU
//! needed: `WGPU_BACKEND=gl` picks Mesa's llvmpipe).

use egui_kittest::Harness;
use egui_kittest::wgpu::WgpuTestRenderer;
use image::RgbaImage;

use crate::app::views::data::DataView;
use crate::app::views::pca::PcaView;
use crate::app::views::transform::TransformView;
use crate::app::{DatasetHandle, style};
use crate::data::Dataset;
use crate::scene::{Scene, Theme, ViewKind, WindowSettings};

/// Why a scene could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// No wgpu adapter: neither a GPU nor a software rasterizer was found.
    #[error(
        "no graphics adapter found for rendering ({0}); install Mesa (e.g. Debian's libegl1 and libgl1-mesa-dri) and set WGPU_BACKEND=gl"
    )]
    NoAdapter(String),
    /// The renderer failed while drawing.
    #[error("rendering failed: {0}")]
    Render(String),
}

/// What the views draw: one per [`ViewKind`].
enum ViewState {
    Data(DataView),
    Pca(Box<PcaView>),
    Transform(Box<TransformView>),
}

struct RenderState {
    view: ViewState,
    dataset: DatasetHandle,
}

fn make_renderer() -> Result<WgpuTestRenderer, RenderError> {
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
    Ok(WgpuTestRenderer::from_render_state(render_state))
}

/// Draws `scene` with `dataset` into an image of `window.width × window.scale`
/// by `window.height × window.scale` pixels.
///
/// # Errors
/// No graphics adapter, or a failure inside the renderer.
pub fn render_scene(
    scene: &Scene,
    dataset: Dataset,
    window: &WindowSettings,
) -> Result<RgbaImage, RenderError> {
    let renderer = make_renderer()?;
    let theme = window.theme;
    let state = RenderState {
        view: match scene.view {
            ViewKind::Data => {
                let mut v = DataView::new(scene.data.clone());
                v.adapt_to(&dataset);
                ViewState::Data(v)
            }
            ViewKind::Pca => {
                let mut v = PcaView::new(scene.pca.clone());
                v.set_blocking(true);
                v.adapt_to(&dataset);
                ViewState::Pca(Box::new(v))
            }
            ViewKind::Transform => {
                let mut v = TransformView::new(scene.transform.clone());
                v.adapt_to(&dataset);
                ViewState::Transform(Box::new(v))
            }
        },
        dataset: DatasetHandle::new(dataset),
    };
    let mut harness = Harness::builder()
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
        .renderer(renderer)
        .build_ui_state(
            |ui, state: &mut RenderState| {
                // Paint the whole image, margins included, in the theme's panel colour.
                let ctx = ui.ctx().clone();
                ctx.layer_painter(egui::LayerId::background()).rect_filled(
                    ctx.content_rect(),
                    0.0,
                    ui.visuals().panel_fill,
                );
                egui::CentralPanel::default().show(ui, |ui| match &mut state.view {
                    ViewState::Data(v) => v.ui(ui, &state.dataset),
                    ViewState::Pca(v) => v.ui(ui, &state.dataset),
                    ViewState::Transform(v) => v.ui(ui, &state.dataset),
                });
            },
            state,
        );
    // Plots settle their bounds over a few frames; run until nothing asks for more.
    harness.run_steps(4);
    let _ = harness.try_run();
    harness.render().map_err(RenderError::Render)
}
