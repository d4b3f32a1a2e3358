//! Vector output: a frame's shapes, as egui produced them for the screen,
//! written as SVG. Strokes and fills keep their colours and alpha, clip
//! rectangles become `<clipPath>`s, text becomes selectable `<text>` placed
//! glyph by glyph where egui laid it out, meshes become triangles, and
//! textures (raster scatter layers, pictures) become PNG `<image>`s at
//! their pixel size.
//!
//! [`SvgRenderer`] draws a scene this way through the same view code as the
//! PNG output ([`super::headless::scene_harness`]); [`write_svg`] is the
//! translation alone.

mod document;
mod fonts;
mod mesh;
mod scene;
mod shapes;
mod text;
mod textures;

pub use scene::SvgRenderer;
pub use textures::{TextureRecorder, TextureStore};

/// How the SVG is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SvgOptions {
    /// Embed the bundled DejaVu Sans (about 1 MB as base64) so the text
    /// looks the same where it is not installed; otherwise the fonts are
    /// named and the viewer finds them (or a fallback with the glyphs).
    pub embed_fonts: bool,
}

/// The SVG document for `shapes` (one frame's output, in points) drawn on
/// a canvas of `size` points at `pixels_per_point`, with the textures they
/// show taken from `textures`. The document's width and height are in
/// typographic points, one per egui point.
#[must_use]
pub fn write_svg(
    shapes: &[egui::epaint::ClippedShape],
    textures: &TextureStore,
    size: egui::Vec2,
    pixels_per_point: f32,
    options: SvgOptions,
) -> String {
    let mut painter = document::Painter::new(size, pixels_per_point, textures);
    for clipped in shapes {
        let clip = clipped.clip_rect.intersect(painter.canvas());
        if !clip.is_positive() {
            continue;
        }
        painter.set_clip(clip);
        painter.shape(&clipped.shape);
    }
    painter.finish(options)
}
