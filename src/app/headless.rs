//! Headless rendering: a scene → an image, through the same view code as the
//! window, rasterized by egui_kittest's wgpu renderer (no window, no GPU
//! needed: `WGPU_BACKEND=gl` picks Mesa's llvmpipe).

use egui_kittest::Harness;
use egui_wgpu::wgpu;
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
    /// The image would be wider or taller than the graphics adapter can draw.
    #[error(
        "the image would be {} × {} pixels ({} × {} points at scale {}), but the graphics adapter draws at most {max_side} pixels a side; lower the width, height or scale",
        size.pixels.0, size.pixels.1, size.points.0, size.points.1, size.scale
    )]
    TooLarge {
        size: ImageSize,
        /// The adapter's `max_texture_dimension_2d`.
        max_side: u32,
    },
    /// An SVG's raster layers (drawn at its pixel size) would be too large.
    #[error(
        "the SVG would be {} × {} pixels ({} × {} points at scale {}) for its raster layers, but at most {max_side} pixels a side are drawn; lower the width, height or scale",
        size.pixels.0, size.pixels.1, size.points.0, size.points.1, size.scale
    )]
    SvgTooLarge { size: ImageSize, max_side: u64 },
    /// The image would need more memory than one graphics buffer may hold.
    #[error(
        "the image would be {} × {} pixels ({} × {} points at scale {}), {} to read back, but the graphics adapter's buffers hold at most {}; lower the width, height or scale",
        size.pixels.0, size.pixels.1, size.points.0, size.points.1, size.scale,
        crate::files::fmt_bytes(*bytes), crate::files::fmt_bytes(*max_bytes)
    )]
    TooManyBytes {
        size: ImageSize,
        bytes: u64,
        /// The adapter's `max_buffer_size`.
        max_bytes: u64,
    },
}

/// The size of an image: in points, the pixels per point, and in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ImageSize {
    pub points: (u32, u32),
    pub scale: f32,
    pub pixels: (u64, u64),
}

impl ImageSize {
    /// The pixels `window` draws: points × scale, rounded as egui does.
    #[must_use]
    pub fn of(window: &WindowSettings) -> Self {
        let px = |points: u32| (points as f32 * window.scale).round().max(0.0) as u64;
        Self {
            points: (window.width, window.height),
            scale: window.scale,
            pixels: (px(window.width), px(window.height)),
        }
    }
}

/// How long a render waits for the graphics device, all told, before giving
/// up. egui_kittest's own renderer waits 10 s, which a software rasterizer
/// (llvmpipe) on a loaded machine overruns on large images.
const WAIT_LIMIT: std::time::Duration = std::time::Duration::from_mins(5);

/// The scene's view (from the registry) and its data.
pub(crate) struct RenderState {
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

    /// Refuses an image the adapter cannot draw: a side longer than its
    /// `max_texture_dimension_2d`, or more bytes than its `max_buffer_size`
    /// (the image is read back through one buffer).
    ///
    /// # Errors
    /// [`RenderError::TooLarge`] or [`RenderError::TooManyBytes`].
    pub fn check_size(&self, window: &WindowSettings) -> Result<(), RenderError> {
        let size = ImageSize::of(window);
        let limits = self.0.device.limits();
        let max_side = limits.max_texture_dimension_2d;
        let (w, h) = size.pixels;
        if w > u64::from(max_side) || h > u64::from(max_side) {
            return Err(RenderError::TooLarge { size, max_side });
        }
        let bytes = padded_row(w) * h;
        if bytes > limits.max_buffer_size {
            return Err(RenderError::TooManyBytes {
                size,
                bytes,
                max_bytes: limits.max_buffer_size,
            });
        }
        Ok(())
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
        gpu.check_size(window)?;
        let harness = scene_harness(scene, data, window, transparent, PatientRenderer::new(gpu))?;
        Ok(Self { harness })
    }

    /// Whether the scene's view has an animation (`--frames` needs one).
    #[must_use]
    pub fn animated(&self) -> bool {
        animated(&self.harness)
    }

    /// Draws the scene, at animation position `progress` when given (else
    /// where the scene put it).
    ///
    /// # Errors
    /// A failure inside the renderer.
    pub fn frame(&mut self, progress: Option<f32>) -> Result<RgbaImage, RenderError> {
        settle(&mut self.harness, progress);
        self.harness.render().map_err(RenderError::Render)
    }
}

/// A harness drawing `scene`'s view with its data at the size, scale and
/// theme of `window` (nothing painted behind it with `transparent`), handing
/// its textures and frames to `renderer`: the one scene → frame step that
/// the PNG and the SVG output share.
pub(crate) fn scene_harness(
    scene: &Scene,
    data: SceneData,
    window: &WindowSettings,
    transparent: bool,
    renderer: impl egui_kittest::TestRenderer + 'static,
) -> Result<SceneHarness, RenderError> {
    let (view, data) = view_state(scene, data)?;
    let theme = window.theme;
    let controls = window.controls;
    let state = RenderState {
        view,
        data,
        transparent,
    };
    Ok(Harness::builder()
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
        .with_context_setup(move |ctx| {
            style::setup(ctx, theme);
            super::views::show_controls(ctx, controls);
        })
        .renderer(renderer)
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
        ))
}

/// A harness showing one scene (see [`scene_harness`]).
pub(crate) type SceneHarness = Harness<'static, RenderState>;

/// Runs `harness` until its view has settled, at animation position
/// `progress` when given (else where the scene put it).
pub(crate) fn settle(harness: &mut SceneHarness, progress: Option<f32>) {
    if let Some(p) = progress {
        harness.state_mut().view.set_progress(p.clamp(0.0, 1.0));
    }
    // Plots settle their bounds over a few frames; run until nothing asks for more.
    harness.run_steps(4);
    let _ = harness.try_run();
}

/// Whether the harness's view has an animation (`--frames` needs one).
pub(crate) fn animated(harness: &SceneHarness) -> bool {
    harness.state().view.animated()
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
/// No graphics adapter, an image larger than it can draw, or a failure
/// inside the renderer.
pub fn render_scene(
    scene: &Scene,
    data: SceneData,
    window: &WindowSettings,
) -> Result<RgbaImage, RenderError> {
    let gpu = Gpu::new()?;
    SceneRenderer::new(&gpu, scene, data, window, false)?.frame(None)
}

/// Bytes of one row of `width` RGBA pixels in a readback buffer (rows are
/// padded to wgpu's copy alignment).
fn padded_row(width: u64) -> u64 {
    let align = u64::from(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT);
    (width * 4).div_ceil(align) * align
}

/// egui_kittest's wgpu renderer, waiting for the device up to [`WAIT_LIMIT`]
/// instead of its fixed 10 s, and returning an error where it would panic
/// (a failed readback). The UI tests' harnesses use it too, so a loaded
/// machine slows them down instead of failing them.
pub struct PatientRenderer(egui_wgpu::RenderState);

impl PatientRenderer {
    /// A renderer of its own on `gpu`'s device.
    #[must_use]
    pub fn new(gpu: &Gpu) -> Self {
        Self(gpu.fresh())
    }

    /// Waits for `index` (or everything submitted) to finish, up to
    /// [`WAIT_LIMIT`]: in steps, since a backend may cap one wait (wgpu's GL
    /// backend waits at most 2³² ns, about 4.3 s, whatever it is asked).
    fn wait(&self, index: Option<&wgpu::SubmissionIndex>) -> Result<(), String> {
        let start = std::time::Instant::now();
        loop {
            let step = self.0.device.poll(wgpu::PollType::Wait {
                submission_index: index.cloned(),
                timeout: Some(WAIT_LIMIT.saturating_sub(start.elapsed())),
            });
            match step {
                Ok(_) => return Ok(()),
                Err(wgpu::PollError::Timeout) if start.elapsed() < WAIT_LIMIT => {}
                Err(e) => {
                    return Err(format!(
                        "the graphics device did not finish within {} s ({e})",
                        WAIT_LIMIT.as_secs()
                    ));
                }
            }
        }
    }

    /// The texture's pixels, copied back through a buffer.
    fn read_back(&self, texture: &wgpu::Texture) -> Result<RgbaImage, String> {
        let (device, queue) = (&self.0.device, &self.0.queue);
        let (width, height) = (texture.width(), texture.height());
        let padded = padded_row(u64::from(width));
        let unpadded = usize::try_from(u64::from(width) * 4).map_err(|e| e.to_string())?;
        let buffer = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("eigenlens readback"),
            size: padded * u64::from(height),
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("eigenlens readback"),
        });
        encoder.copy_texture_to_buffer(
            texture.as_image_copy(),
            wgpu::TexelCopyBufferInfo {
                buffer: &buffer,
                layout: wgpu::TexelCopyBufferLayout {
                    offset: 0,
                    bytes_per_row: Some(u32::try_from(padded).map_err(|e| e.to_string())?),
                    rows_per_image: None,
                },
            },
            texture.size(),
        );
        let index = queue.submit(std::iter::once(encoder.finish()));
        let slice = buffer.slice(..);
        let (tx, rx) = std::sync::mpsc::channel();
        slice.map_async(wgpu::MapMode::Read, move |r| drop(tx.send(r)));
        self.wait(Some(&index))?;
        rx.recv()
            .map_err(|e| e.to_string())?
            .map_err(|e| format!("reading the image back failed: {e}"))?;
        let mapped = slice
            .get_mapped_range()
            .map_err(|e| format!("reading the image back failed: {e}"))?;
        let row = usize::try_from(padded).map_err(|e| e.to_string())?;
        let data: Vec<u8> = mapped
            .chunks_exact(row)
            .flat_map(|r| r.iter().take(unpadded))
            .copied()
            .collect();
        RgbaImage::from_raw(width, height, data)
            .ok_or_else(|| "the image read back has the wrong size".to_owned())
    }
}

impl egui_kittest::TestRenderer for PatientRenderer {
    fn handle_delta(&mut self, delta: &mut egui::TexturesDelta) {
        let rs = &self.0;
        let mut renderer = rs.renderer.write();
        for (id, images) in delta.set.drain() {
            for image in images {
                renderer.update_texture(&rs.device, &rs.queue, id, &image);
            }
        }
        for id in delta.free.drain() {
            renderer.free_texture(&id);
        }
    }

    fn render(
        &mut self,
        ctx: &egui::Context,
        output: &egui::FullOutput,
    ) -> Result<RgbaImage, String> {
        let rs = &self.0;
        let mut renderer = rs.renderer.write();
        let mut encoder = rs
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("eigenlens render"),
            });
        let ppp = ctx.pixels_per_point();
        let size = ctx.content_rect().size() * ppp;
        let screen = egui_wgpu::ScreenDescriptor {
            pixels_per_point: ppp,
            size_in_pixels: [size.x.round() as u32, size.y.round() as u32],
        };
        let tessellated = ctx.tessellate(output.shapes.clone(), ppp);
        let user_buffers =
            renderer.update_buffers(&rs.device, &rs.queue, &mut encoder, &tessellated, &screen);
        let texture = rs.device.create_texture(&wgpu::TextureDescriptor {
            label: Some("eigenlens image"),
            size: wgpu::Extent3d {
                width: screen.size_in_pixels[0],
                height: screen.size_in_pixels[1],
                depth_or_array_layers: 1,
            },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: rs.target_format,
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
            view_formats: &[],
        });
        let view = texture.create_view(&wgpu::TextureViewDescriptor::default());
        {
            let mut pass = encoder
                .begin_render_pass(&wgpu::RenderPassDescriptor {
                    label: Some("eigenlens render"),
                    color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                        view: &view,
                        resolve_target: None,
                        ops: wgpu::Operations {
                            load: wgpu::LoadOp::Clear(wgpu::Color::TRANSPARENT),
                            store: wgpu::StoreOp::Store,
                        },
                        depth_slice: None,
                    })],
                    ..Default::default()
                })
                .forget_lifetime();
            renderer.render(&mut pass, &tessellated, &screen);
        }
        rs.queue.submit(
            user_buffers
                .into_iter()
                .chain(std::iter::once(encoder.finish())),
        );
        drop(renderer);
        self.wait(None)?;
        self.read_back(&texture)
    }
}
