//! The textures egui uploads (raster scatter layers, heatmaps, pictures,
//! the font atlas), kept as images so the SVG can embed what its shapes
//! show, and the PNG data URIs they become.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use egui::epaint::{ImageData, TextureId};
use egui::{Color32, ColorImage, TextureFilter, TextureOptions, TexturesDelta};

/// Every texture egui has set and not yet freed, with its options.
#[derive(Default)]
pub struct TextureStore {
    images: HashMap<TextureId, (ColorImage, TextureOptions)>,
}

impl TextureStore {
    /// Applies one frame's texture changes: whole images, patches (the
    /// font atlas grows by patches) and frees.
    pub fn apply(&mut self, delta: &TexturesDelta) {
        for (id, deltas) in &delta.set {
            for image_delta in deltas {
                self.apply_one(*id, image_delta);
            }
        }
        for id in &delta.free {
            self.images.remove(id);
        }
    }

    fn apply_one(&mut self, id: TextureId, image_delta: &egui::epaint::ImageDelta) {
        let ImageData::Color(image) = &image_delta.image;
        let Some([x0, y0]) = image_delta.pos else {
            self.images
                .insert(id, ((**image).clone(), image_delta.options));
            return;
        };
        let Some((whole, _)) = self.images.get_mut(&id) else {
            return;
        };
        let [w, h] = whole.size;
        for y in 0..image.size[1] {
            for x in 0..image.size[0] {
                let (tx, ty) = (x0 + x, y0 + y);
                if tx < w && ty < h {
                    whole.pixels[ty * w + tx] = image.pixels[y * image.size[0] + x];
                }
            }
        }
    }

    /// The texture `id` and its options.
    #[must_use]
    pub fn get(&self, id: TextureId) -> Option<(&ColorImage, TextureOptions)> {
        self.images
            .get(&id)
            .map(|(image, options)| (image, *options))
    }

    /// The size of the font atlas (texture 0), for tessellating.
    #[must_use]
    pub fn font_atlas_size(&self) -> [usize; 2] {
        self.get(TextureId::default())
            .map_or([1, 1], |(t, _)| t.size)
    }
}

/// The harness's renderer for SVG output: it keeps the textures and draws
/// no pixels (no graphics adapter needed).
pub struct TextureRecorder(pub Arc<Mutex<TextureStore>>);

impl egui_kittest::TestRenderer for TextureRecorder {
    fn handle_delta(&mut self, delta: &mut TexturesDelta) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .apply(delta);
    }

    fn render(
        &mut self,
        _ctx: &egui::Context,
        _output: &egui::FullOutput,
    ) -> Result<image::RgbaImage, String> {
        Err("the SVG output draws no pixels".to_owned())
    }
}

/// What one embedded image shows: a texture's texel rectangle, tinted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct ImageKey {
    pub id: TextureId,
    /// Texel columns and rows `[x0, y0, x1, y1)`.
    pub texels: [usize; 4],
    pub tint: Color32,
}

/// The texel rectangle `[x0, y0, x1, y1)` that `uv` (0..1) covers in a
/// texture of `size`, at least one texel; None if empty.
pub(super) fn texels(size: [usize; 2], uv: egui::Rect) -> Option<[usize; 4]> {
    let [w, h] = size;
    let at = |u: f32, n: usize| ((u.clamp(0.0, 1.0) * n as f32).round() as usize).min(n);
    let (x0, x1) = (at(uv.min.x.min(uv.max.x), w), at(uv.max.x.max(uv.min.x), w));
    let (y0, y1) = (at(uv.min.y.min(uv.max.y), h), at(uv.max.y.max(uv.min.y), h));
    let (x1, y1) = (x1.max(x0 + 1).min(w), y1.max(y0 + 1).min(h));
    (x1 > x0 && y1 > y0).then_some([x0, y0, x1, y1])
}

/// The PNG of `key`'s texels (tint multiplied in, alpha unpremultiplied)
/// as a data URI, and whether the texture is magnified by nearest texel.
pub(super) fn png_data_uri(store: &TextureStore, key: ImageKey) -> Option<(String, bool)> {
    let (texture, options) = store.get(key.id)?;
    let [x0, y0, x1, y1] = key.texels;
    let (w, h) = (x1 - x0, y1 - y0);
    let mut rgba = Vec::with_capacity(w * h * 4);
    for y in y0..y1 {
        for x in x0..x1 {
            let c = texture.pixels.get(y * texture.size[0] + x).copied()?;
            let c = if key.tint == Color32::WHITE {
                c
            } else {
                // Multiplied in gamma space, as egui's shaders do.
                c * key.tint
            };
            rgba.extend_from_slice(&c.to_srgba_unmultiplied());
        }
    }
    let png = encode_png(&rgba, w as u32, h as u32)?;
    let nearest = options.magnification == TextureFilter::Nearest;
    Some((format!("data:image/png;base64,{}", base64(&png)), nearest))
}

/// `rgba` (unpremultiplied, `w × h`) as a PNG, in the fewest channels that
/// hold it (grey, RGB or RGBA: the pictures of the Image view are grey),
/// at the default compression (Best saves 4% for three times the time).
fn encode_png(rgba: &[u8], w: u32, h: u32) -> Option<Vec<u8>> {
    use image::ImageEncoder as _;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let opaque = rgba.chunks_exact(4).all(|p| p[3] == 255);
    let grey = opaque && rgba.chunks_exact(4).all(|p| p[0] == p[1] && p[1] == p[2]);
    let (bytes, color): (Vec<u8>, image::ExtendedColorType) = if grey {
        (
            rgba.chunks_exact(4).map(|p| p[0]).collect(),
            image::ExtendedColorType::L8,
        )
    } else if opaque {
        (
            rgba.chunks_exact(4)
                .flat_map(|p| [p[0], p[1], p[2]])
                .collect(),
            image::ExtendedColorType::Rgb8,
        )
    } else {
        (rgba.to_vec(), image::ExtendedColorType::Rgba8)
    };
    let mut png = Vec::new();
    PngEncoder::new_with_quality(&mut png, CompressionType::Default, FilterType::Adaptive)
        .write_image(&bytes, w, h, color)
        .ok()?;
    Some(png)
}

/// Standard base64 with padding (RFC 4648), for data URIs.
pub(super) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn patches_land_where_egui_puts_them() {
        let mut store = TextureStore::default();
        let id = TextureId::Managed(7);
        let mut delta = TexturesDelta::default();
        let whole = ColorImage::new([4, 4], vec![Color32::BLACK; 16]);
        let patch = ColorImage::new([2, 1], vec![Color32::RED; 2]);
        delta.set.insert(
            id,
            [
                egui::epaint::ImageDelta::full(whole, TextureOptions::NEAREST),
                egui::epaint::ImageDelta::partial([1, 2], patch, TextureOptions::NEAREST),
            ]
            .into_iter()
            .collect(),
        );
        store.apply(&delta);
        let (image, _) = store.get(id).expect("set");
        assert_eq!(image.pixels[2 * 4 + 1], Color32::RED);
        assert_eq!(image.pixels[2 * 4 + 2], Color32::RED);
        assert_eq!(image.pixels[2 * 4 + 3], Color32::BLACK);
        assert_eq!(
            texels(
                [4, 4],
                egui::Rect::from_min_max(egui::pos2(0.25, 0.0), egui::pos2(1.0, 0.5))
            ),
            Some([1, 0, 4, 2])
        );
    }
}
