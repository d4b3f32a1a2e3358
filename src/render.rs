//! Headless rendering: a scene → an image, through the same view code as the
//! window, rasterized by egui_kittest's wgpu renderer (no window, no GPU
//! needed: `WGPU_BACKEND=gl` picks Mesa's llvmpipe).

use egui_kittest::Harness;
use egui_kittest::wgpu::WgpuTestRenderer;
use image::RgbaImage;

use crate::app::views::data::DataView;
use crate::app::views::factorize::FactorizeView;
use crate::app::views::pca::PcaView;
use crate::app::views::transform::TransformView;
use crate::app::{DatasetHandle, RatingsHandle, style};
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
}

struct RenderState {
    view: ViewState,
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
    let view = match (scene.view, data) {
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
        (view, _) => return Err(RenderError::WrongData(view.title())),
    };
    let renderer = make_renderer()?;
    let theme = window.theme;
    let state = RenderState { view };
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
                    ViewState::Data(v, h) => v.ui(ui, h),
                    ViewState::Transform(v, h) => v.ui(ui, h.as_ref()),
                    ViewState::Pca(v, h) => v.ui(ui, h),
                    ViewState::Factorize(v, h) => v.ui(ui, h),
                });
            },
            state,
        );
    // Plots settle their bounds over a few frames; run until nothing asks for more.
    harness.run_steps(4);
    let _ = harness.try_run();
    harness.render().map_err(RenderError::Render)
}
