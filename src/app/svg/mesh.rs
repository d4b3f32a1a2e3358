//! Meshes as SVG: textured quads (raster layers, pictures) as PNG images
//! placed by an affine transform, everything else as flat triangles merged
//! by colour into one path each.

use std::fmt::Write as _;

use egui::epaint::{Mesh, Shape, TessellationOptions, Tessellator, TextureId, Vertex};
use egui::{Color32, Pos2, Rect, Rgba};

use super::document::{Painter, fill_attr, num};
use super::textures::{ImageKey, png_data_uri, texels};

impl Painter<'_> {
    /// Writes `mesh`, moved by `offset`.
    pub(super) fn mesh(&mut self, mesh: &Mesh, offset: Pos2) {
        if mesh.texture_id == TextureId::default() {
            // The font atlas: its white texel, so plain coloured triangles.
            self.triangles(&mesh.vertices, &mesh.indices, offset, None);
            return;
        }
        let mut loose = Vec::new();
        for six in mesh.indices.chunks(6) {
            match quad(&mesh.vertices, six) {
                Some(corners) => self.textured_quad(mesh.texture_id, corners, offset),
                None => loose.extend_from_slice(six),
            }
        }
        self.triangles(&mesh.vertices, &loose, offset, Some(mesh.texture_id));
    }

    /// A rectangle filled with the texture `id` over `uv`, tinted.
    pub(super) fn textured_rect(
        &mut self,
        rect: Rect,
        id: TextureId,
        uv: Rect,
        tint: Color32,
        transform: &str,
    ) {
        let corner = |pos: Pos2, uv: Pos2| Vertex {
            pos,
            uv,
            color: tint,
        };
        let corners = [
            corner(rect.left_top(), uv.left_top()),
            corner(rect.right_top(), uv.right_top()),
            corner(rect.left_bottom(), uv.left_bottom()),
        ];
        if transform.is_empty() {
            self.textured_quad(id, corners, Pos2::ZERO);
        } else {
            let _ = writeln!(self.body, "<g{transform}>");
            self.textured_quad(id, corners, Pos2::ZERO);
            self.body.push_str("</g>\n");
        }
    }

    /// The part of texture `id` between the corners' uvs, as an image
    /// mapped onto the parallelogram through the corners (left top, right
    /// top, left bottom).
    fn textured_quad(&mut self, id: TextureId, [a, b, c]: [Vertex; 3], offset: Pos2) {
        let Some((texture, _)) = self.textures.get(id) else {
            return;
        };
        let size = texture.size;
        let uv_bounds = Rect::from_points(&[a.uv, b.uv, c.uv, b.uv + (c.uv - a.uv)]);
        let Some(texels) = texels(size, uv_bounds) else {
            return;
        };
        // The affine map uv → position: p = a.pos + M (uv − a.uv).
        let (du1, du2) = (b.uv - a.uv, c.uv - a.uv);
        let (dp1, dp2) = (b.pos - a.pos, c.pos - a.pos);
        let det = du1.x * du2.y - du2.x * du1.y;
        if det.abs() < f32::EPSILON || a.color.a() == 0 {
            return;
        }
        // M = [dp1 dp2] · [du1 du2]⁻¹
        let inv = [du2.y / det, -du2.x / det, -du1.y / det, du1.x / det];
        let m = [
            dp1.x * inv[0] + dp2.x * inv[2],
            dp1.x * inv[1] + dp2.x * inv[3],
            dp1.y * inv[0] + dp2.y * inv[2],
            dp1.y * inv[1] + dp2.y * inv[3],
        ];
        // Image pixel (x, y) is uv ((x0 + x) / w, (y0 + y) / h).
        let (w, h) = (size[0] as f32, size[1] as f32);
        let (u0, v0) = (texels[0] as f32 / w - a.uv.x, texels[1] as f32 / h - a.uv.y);
        let e = a.pos.x + offset.x + m[0] * u0 + m[1] * v0;
        let f = a.pos.y + offset.y + m[2] * u0 + m[3] * v0;
        let key = ImageKey {
            id,
            texels,
            tint: a.color,
        };
        let Some(image_id) = self.image_id(key) else {
            return;
        };
        let _ = writeln!(
            self.body,
            "<use xlink:href=\"#i{image_id}\" transform=\"matrix({} {} {} {} {} {})\"/>",
            matrix_num(m[0] / w),
            matrix_num(m[2] / w),
            matrix_num(m[1] / h),
            matrix_num(m[3] / h),
            num(e),
            num(f)
        );
    }

    /// The id of the `<image>` in `defs` that shows `key`, written there
    /// the first time.
    fn image_id(&mut self, key: ImageKey) -> Option<usize> {
        if let Some(&id) = self.image_ids.get(&key) {
            return Some(id);
        }
        let (uri, nearest) = png_data_uri(self.textures, key)?;
        let id = self.next_id();
        let [x0, y0, x1, y1] = key.texels;
        let rendering = if nearest {
            " image-rendering=\"pixelated\""
        } else {
            ""
        };
        self.define(&format!(
            "<image id=\"i{id}\" width=\"{}\" height=\"{}\" preserveAspectRatio=\"none\"{rendering} xlink:href=\"{uri}\"/>",
            x1 - x0,
            y1 - y0
        ));
        self.image_ids.insert(key, id);
        Some(id)
    }

    /// Triangles `indices` of `vertices`, each in the average of its corner
    /// colours (times the texture at its centre, for a texture other than
    /// the font atlas); runs of one colour share a path.
    pub(super) fn triangles(
        &mut self,
        vertices: &[Vertex],
        indices: &[u32],
        offset: Pos2,
        texture: Option<TextureId>,
    ) {
        let mut run: Option<(Color32, String)> = None;
        for tri in indices.chunks_exact(3) {
            let Some(v) = tri
                .iter()
                .map(|&i| vertices.get(i as usize).copied())
                .collect::<Option<Vec<Vertex>>>()
            else {
                continue;
            };
            let mut color = average([v[0].color, v[1].color, v[2].color]);
            if let Some(id) = texture {
                let centre =
                    ((v[0].uv.to_vec2() + v[1].uv.to_vec2() + v[2].uv.to_vec2()) / 3.0).to_pos2();
                color = color * self.sample(id, centre);
            }
            if color.a() == 0 {
                continue;
            }
            let [p, q, r] = [v[0].pos, v[1].pos, v[2].pos].map(|p| p + offset.to_vec2());
            // One winding for all, so the nonzero rule fills their union
            // without seams between neighbours.
            let cross = (q - p).x * (r - p).y - (q - p).y * (r - p).x;
            let (q, r) = if cross < 0.0 { (r, q) } else { (q, r) };
            if run.as_ref().is_some_and(|(c, _)| *c != color) {
                self.flush_run(run.take());
            }
            let d = &mut run.get_or_insert_with(|| (color, String::new())).1;
            let _ = write!(
                d,
                "M{} {}L{} {}L{} {}Z",
                num(p.x),
                num(p.y),
                num(q.x),
                num(q.y),
                num(r.x),
                num(r.y)
            );
        }
        self.flush_run(run);
    }

    fn flush_run(&mut self, run: Option<(Color32, String)>) {
        if let Some((color, d)) = run {
            let _ = writeln!(self.body, "<path d=\"{d}\"{}/>", fill_attr(color));
        }
    }

    /// The texel of texture `id` at `uv` (white if there is none).
    fn sample(&self, id: TextureId, uv: Pos2) -> Color32 {
        let Some((texture, _)) = self.textures.get(id) else {
            return Color32::WHITE;
        };
        let [w, h] = texture.size;
        let x = ((uv.x.clamp(0.0, 1.0) * w as f32) as usize).min(w.saturating_sub(1));
        let y = ((uv.y.clamp(0.0, 1.0) * h as f32) as usize).min(h.saturating_sub(1));
        texture
            .pixels
            .get(y * w + x)
            .copied()
            .unwrap_or(Color32::WHITE)
    }

    /// `shape` as egui tessellates it (without feathering), as triangles:
    /// for the few shapes SVG has no element for (soft shadows).
    pub(super) fn tessellated(&mut self, shape: &Shape) {
        let options = TessellationOptions {
            feathering: false,
            ..TessellationOptions::default()
        };
        let mut tessellator = Tessellator::new(
            self.pixels_per_point,
            options,
            self.textures.font_atlas_size(),
            Vec::new(),
        );
        let mut mesh = Mesh::default();
        tessellator.tessellate_shape(shape.clone(), &mut mesh);
        self.triangles(&mesh.vertices, &mesh.indices, Pos2::ZERO, None);
    }
}

/// The three corners of `six` indices if they are one quad as
/// [`Mesh::add_rect_with_uv`] writes it (left top, right top, left bottom,
/// right bottom: triangles 0 1 2 and 2 1 3), with one colour.
fn quad(vertices: &[Vertex], six: &[u32]) -> Option<[Vertex; 3]> {
    let &[i0, i1, i2, j2, j1, i3] = six else {
        return None;
    };
    if !(i1 == i0 + 1 && i2 == i0 + 2 && i3 == i0 + 3 && j2 == i2 && j1 == i1) {
        return None;
    }
    let v = |i: u32| vertices.get(i as usize).copied();
    let [a, b, c, d] = [v(i0)?, v(i1)?, v(i2)?, v(i3)?];
    // A parallelogram with one colour (else: triangles).
    let fourth = b.pos + (c.pos - a.pos);
    let same = [b.color, c.color, d.color].iter().all(|&x| x == a.color);
    (same && (fourth - d.pos).length() < 0.01).then_some([a, b, c])
}

/// The mean of premultiplied colours (egui interpolates them so).
fn average(colors: [Color32; 3]) -> Color32 {
    if colors[0] == colors[1] && colors[1] == colors[2] {
        return colors[0];
    }
    let sum = colors
        .iter()
        .map(|&c| Rgba::from(c))
        .fold(Rgba::TRANSPARENT, |s, c| s + c);
    Color32::from(sum * (1.0 / 3.0))
}

/// A transform coefficient: more digits than a coordinate (it scales pixels).
fn matrix_num(v: f32) -> String {
    let s = format!("{:.6}", if v.is_finite() { v } else { 0.0 });
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" || s.is_empty() {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}
