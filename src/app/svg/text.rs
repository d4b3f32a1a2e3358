//! Text as SVG `<text>`: one element per run of glyphs sharing a font,
//! size and colour, each glyph at the x where egui laid it out, so the
//! words stay selectable and searchable and sit where the PNG has them.
//! Backgrounds, underlines and strike-throughs (the row mesh's non-glyph
//! triangles) are drawn as triangles behind and over them.

use std::fmt::Write as _;

use egui::emath::GuiRounding as _;
use egui::epaint::text::{Glyph, LayoutJob, PlacedRow};
use egui::epaint::{TextShape, Vertex};
use egui::{Color32, Pos2};

use super::document::{Painter, degrees, escape, num, opacity, rgb_alpha};
use super::fonts::css_class;

/// Glyphs drawn as one `<text>`.
struct Run {
    section: usize,
    color: Color32,
    y: f32,
    pieces: Vec<Piece>,
}

/// Characters of a run: each at its own x, or (a cluster: a ligature such
/// as ﬁ, a letter with combining marks such as r̂) all from one x, shaped
/// together by the viewer as egui shaped them together.
struct Piece {
    xs: Vec<f32>,
    chars: String,
    cluster: bool,
}

impl Run {
    /// Adds `c` at `x`; `joined`: it belongs to the previous character's
    /// cluster.
    fn push(&mut self, x: f32, c: char, joined: bool) {
        if joined && let Some(last) = self.pieces.last_mut() {
            if !last.cluster {
                // The previous character starts a cluster: move it to one.
                let (Some(prev), Some(prev_x)) = (last.chars.pop(), last.xs.pop()) else {
                    return;
                };
                if last.chars.is_empty() {
                    self.pieces.pop();
                }
                self.pieces.push(Piece {
                    xs: vec![prev_x],
                    chars: prev.to_string(),
                    cluster: true,
                });
            }
            if let Some(cluster) = self.pieces.last_mut() {
                cluster.chars.push(c);
            }
            return;
        }
        match self.pieces.last_mut() {
            Some(piece) if !piece.cluster => {
                piece.xs.push(x);
                piece.chars.push(c);
            }
            _ => self.pieces.push(Piece {
                xs: vec![x],
                chars: c.to_string(),
                cluster: false,
            }),
        }
    }

    fn is_blank(&self) -> bool {
        self.pieces.iter().all(|p| p.chars.trim().is_empty())
    }
}

/// ` x="x0 x1 …"` for `xs`.
fn x_attr(xs: &[f32]) -> String {
    let list: Vec<String> = xs.iter().map(|&x| num(x)).collect();
    format!(" x=\"{}\"", list.join(" "))
}

impl Painter<'_> {
    /// Writes `t`'s galley, row by row.
    pub(super) fn text(&mut self, t: &TextShape) {
        if t.opacity_factor <= 0.0 || t.galley.rows.is_empty() {
            return;
        }
        // egui puts text on whole pixels.
        let pos = t.pos.round_to_pixels(self.pixels_per_point);
        if t.angle != 0.0 {
            let _ = writeln!(
                self.body,
                "<g transform=\"rotate({} {} {})\">",
                degrees(t.angle),
                num(pos.x),
                num(pos.y)
            );
        }
        let job = &t.galley.job;
        let mut chars = job.text.char_indices().map(|(at, _)| at);
        for row in &t.galley.rows {
            let origin = pos + row.pos.to_vec2();
            self.row_decorations(row, origin, t, false);
            let byte_at: Vec<Option<usize>> = row.glyphs.iter().map(|_| chars.next()).collect();
            if row.ends_with_newline {
                chars.next();
            }
            self.row_glyphs(row, origin, t, &byte_at);
            self.row_decorations(row, origin, t, true);
            if !t.underline.is_empty() {
                let rect = row.rect().translate(pos.to_vec2());
                let d = super::shapes::polyline(&[rect.left_bottom(), rect.right_bottom()], false);
                let _ = writeln!(
                    self.body,
                    "<path d=\"{d}\" fill=\"none\"{}/>",
                    super::document::stroke_attr(t.underline)
                );
            }
        }
        if t.angle != 0.0 {
            self.body.push_str("</g>\n");
        }
    }

    /// The row's backgrounds (`over` false: the triangles before its
    /// glyphs) or underlines and strike-throughs (`over`: after them).
    fn row_decorations(&mut self, row: &PlacedRow, origin: Pos2, t: &TextShape, over: bool) {
        let visuals = &row.visuals;
        let glyphs = &visuals.glyph_vertex_range;
        let indices: Vec<u32> = visuals
            .mesh
            .indices
            .chunks_exact(3)
            .filter(|tri| {
                tri.iter().all(|&i| {
                    let i = i as usize;
                    if over {
                        i >= glyphs.end
                    } else {
                        i < glyphs.start
                    }
                })
            })
            .flatten()
            .copied()
            .collect();
        if indices.is_empty() {
            return;
        }
        let vertices: Vec<Vertex> = visuals
            .mesh
            .vertices
            .iter()
            .map(|v| Vertex {
                color: shown_color(v.color, t, None),
                ..*v
            })
            .collect();
        self.triangles(&vertices, &indices, origin, None);
    }

    /// The row's glyphs as `<text>` runs; `byte_at` holds each glyph's byte
    /// offset in the job's text (None past its end: an elision mark).
    fn row_glyphs(
        &mut self,
        row: &PlacedRow,
        origin: Pos2,
        t: &TextShape,
        byte_at: &[Option<usize>],
    ) {
        let job = &t.galley.job;
        let mut run: Option<Run> = None;
        for (i, (glyph, at)) in row.glyphs.iter().zip(byte_at).enumerate() {
            // The text's own character: in a cluster egui may give every
            // glyph the cluster's first one (r̂ has glyphs r and r).
            let chr = at
                .and_then(|at| job.text.get(at..))
                .and_then(|rest| rest.chars().next())
                .unwrap_or(glyph.chr);
            let joined = i > 0 && joins_previous(glyph, chr);
            let section = section_of(job, *at);
            let y = origin.y + glyph.pos.y;
            let color = glyph_color(row, glyph, t).or(run.as_ref().map(|r| r.color));
            let Some(color) = color else {
                // Leading white space: nothing to see, but keep its place.
                continue;
            };
            let joins = run.as_ref().is_some_and(|r| {
                r.section == section && r.color == color && r.y.to_bits() == y.to_bits()
            });
            if !joins {
                self.flush_text(job, run.take());
            }
            let r = run.get_or_insert_with(|| Run {
                section,
                color,
                y,
                pieces: Vec::new(),
            });
            r.push(origin.x + glyph.pos.x, chr, joined && joins);
        }
        self.flush_text(job, run);
    }

    fn flush_text(&mut self, job: &LayoutJob, run: Option<Run>) {
        let Some(run) = run else {
            return;
        };
        if run.is_blank() {
            return;
        }
        let Some((rgb, alpha)) = rgb_alpha(run.color) else {
            return;
        };
        let Some(format) = job.sections.get(run.section).map(|s| &s.format) else {
            return;
        };
        let class = css_class(&format.font_id.family, &mut self.families);
        let mut attrs = format!(
            "{class} font-size=\"{}\" fill=\"{rgb}\"",
            num(format.font_id.size)
        );
        if alpha < 1.0 {
            let _ = write!(attrs, " fill-opacity=\"{}\"", opacity(alpha));
        }
        if format.italics {
            attrs.push_str(" font-style=\"italic\"");
        }
        let y = num(run.y);
        if let [piece] = &run.pieces[..] {
            let x = x_attr(&piece.xs);
            let text = escape(&piece.chars);
            let _ = writeln!(self.body, "<text{x} y=\"{y}\"{attrs}>{text}</text>");
            return;
        }
        // Clusters: one text (selectable as one), a tspan per piece.
        let _ = write!(self.body, "<text y=\"{y}\"{attrs}>");
        for piece in &run.pieces {
            let x = x_attr(&piece.xs);
            let _ = write!(self.body, "<tspan{x}>{}</tspan>", escape(&piece.chars));
        }
        self.body.push_str("</text>\n");
    }
}

/// Whether `glyph` is shaped together with the glyph before it: a
/// combining mark, or a character with no advance of its own (the rest of
/// a ligature: egui's ﬁ is an `f` glyph as wide as both, then an `i` glyph
/// of width 0).
fn joins_previous(glyph: &Glyph, chr: char) -> bool {
    let combining = matches!(
        u32::from(chr),
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F
    );
    combining || (glyph.advance_width.abs() < 0.01 && !chr.is_whitespace())
}

/// The section of `job` that the byte at `at` belongs to (the last one for
/// an elision mark past the end).
fn section_of(job: &LayoutJob, at: Option<usize>) -> usize {
    let last = job.sections.len().saturating_sub(1);
    at.and_then(|at| {
        job.sections
            .iter()
            .position(|s| s.byte_range.contains(&egui::epaint::text::ByteIndex(at)))
    })
    .unwrap_or(last)
}

/// The colour egui paints `glyph` in (its mesh vertex's colour, after the
/// shape's override, fallback and opacity), or None for a glyph with no
/// pixels (white space).
fn glyph_color(row: &PlacedRow, glyph: &Glyph, t: &TextShape) -> Option<Color32> {
    if glyph.uv_rect.is_nothing() || glyph.chr.is_whitespace() {
        return None;
    }
    let first = glyph.first_vertex as usize;
    if !row.visuals.glyph_vertex_range.contains(&first) {
        return None;
    }
    let color = row.visuals.mesh.vertices.get(first)?.color;
    Some(shown_color(color, t, Some(glyph.is_color)))
}

/// `color` as the tessellator turns it for `t` (see epaint's
/// `tessellate_text`): the override for glyphs, the fallback for the
/// placeholder, colour glyphs untinted, times the opacity. `glyph` is
/// None for a background or underline, else whether the glyph has colours.
fn shown_color(color: Color32, t: &TextShape, glyph: Option<bool>) -> Color32 {
    let mut color = match (t.override_text_color, glyph) {
        (Some(c), Some(_)) => c,
        (None, _) if color == Color32::PLACEHOLDER => t.fallback_color,
        _ => color,
    };
    if glyph == Some(true) {
        color = Color32::from_white_alpha(color.a());
    }
    if t.opacity_factor < 1.0 {
        color = color.gamma_multiply(t.opacity_factor);
    }
    color
}
