//! egui's shapes as SVG elements: circles, ellipses, line segments, paths,
//! bands, rectangles (with their corner radii and stroke kinds), Bézier
//! curves; text and meshes have their own modules.

use std::fmt::Write as _;

use egui::emath::GuiRounding as _;
use egui::epaint::{
    BandShape, ColorMode, CubicBezierShape, PathShape, PathStroke, QuadraticBezierShape, RectShape,
    Shape, StrokeKind,
};
use egui::{Color32, Pos2, Rect, Stroke};

use super::document::{Painter, degrees, fill_attr, num, stroke_attr};

impl Painter<'_> {
    /// Writes `shape` (and what it contains) into the body.
    pub(super) fn shape(&mut self, shape: &Shape) {
        match shape {
            Shape::Noop | Shape::Callback(_) => {}
            Shape::Vec(shapes) => {
                for s in shapes {
                    self.shape(s);
                }
            }
            Shape::Circle(c) => {
                if c.radius > 0.0 {
                    self.element(&format!(
                        "<circle cx=\"{}\" cy=\"{}\" r=\"{}\"{}{}/>",
                        num(c.center.x),
                        num(c.center.y),
                        num(c.radius),
                        fill_attr(c.fill),
                        stroke_attr(c.stroke)
                    ));
                }
            }
            Shape::Ellipse(e) => {
                let rotate = if e.angle == 0.0 {
                    String::new()
                } else {
                    let (cx, cy) = (num(e.center.x), num(e.center.y));
                    format!(" transform=\"rotate({} {cx} {cy})\"", degrees(e.angle))
                };
                self.element(&format!(
                    "<ellipse cx=\"{}\" cy=\"{}\" rx=\"{}\" ry=\"{}\"{}{}{rotate}/>",
                    num(e.center.x),
                    num(e.center.y),
                    num(e.radius.x),
                    num(e.radius.y),
                    fill_attr(e.fill),
                    stroke_attr(e.stroke)
                ));
            }
            Shape::LineSegment { points, stroke } => {
                self.path(&polyline(points, false), Color32::TRANSPARENT, *stroke, "");
            }
            Shape::Path(p) => self.path_shape(p),
            Shape::Band(b) => self.band(b),
            Shape::Rect(r) => self.rect(r),
            Shape::Text(t) => self.text(t),
            Shape::Mesh(m) => self.mesh(m, Pos2::ZERO),
            Shape::QuadraticBezier(q) => self.quadratic(q),
            Shape::CubicBezier(c) => self.cubic(c),
        }
    }

    /// Adds one element line to the body.
    pub(super) fn element(&mut self, element: &str) {
        self.body.push_str(element);
        self.body.push('\n');
    }

    /// A `<path>` with outline `d`, filled and stroked; `extra` adds attributes.
    fn path(&mut self, d: &str, fill: Color32, stroke: Stroke, extra: &str) {
        let stroke = stroke_attr(stroke);
        if fill.a() == 0 && stroke.is_empty() || d.is_empty() {
            return;
        }
        let _ = writeln!(
            self.body,
            "<path d=\"{d}\"{}{stroke}{extra}/>",
            fill_attr(fill)
        );
    }

    fn path_shape(&mut self, p: &PathShape) {
        if p.points.len() < 2 {
            return;
        }
        // egui fills only closed paths.
        let fill = if p.closed {
            p.fill
        } else {
            Color32::TRANSPARENT
        };
        let stroke = solid(&p.stroke, Rect::from_points(&p.points));
        let joins = if p.closed {
            ""
        } else {
            " stroke-linejoin=\"round\""
        };
        self.path(&polyline(&p.points, p.closed), fill, stroke, joins);
    }

    fn band(&mut self, b: &BandShape) {
        if b.points.is_empty() {
            return;
        }
        // The upper edge left to right, then the lower edge back.
        let outline: Vec<Pos2> = b
            .points
            .iter()
            .map(|p| Pos2::new(p.x, p.y.min))
            .chain(b.points.iter().rev().map(|p| Pos2::new(p.x, p.y.max)))
            .collect();
        // Except outside it, egui paints the stroke's colour over the fill.
        let (fill, stroke) = if b.stroke.is_empty() || b.stroke_kind == StrokeKind::Outside {
            (b.fill, b.stroke)
        } else {
            (b.stroke.color, Stroke::new(b.stroke.width, b.stroke.color))
        };
        let rotate = if b.angle == 0.0 {
            String::new()
        } else {
            format!(" transform=\"rotate({})\"", degrees(b.angle))
        };
        self.path(&polyline(&outline, true), fill, stroke, &rotate);
    }

    fn rect(&mut self, r: &RectShape) {
        if r.blur_width > 0.0 {
            // Soft shadows: egui's own tessellation, as triangles.
            self.tessellated(&Shape::Rect(r.clone()));
            return;
        }
        let mut r = r.clone();
        if r.round_to_pixels.unwrap_or(true) && r.angle == 0.0 {
            // As egui's tessellator snaps rectangles (crisp edges, tiles
            // without seams): the outer edge for inside and outside
            // strokes, the stroke's centre for middle ones.
            let ppp = self.pixels_per_point;
            match r.stroke_kind {
                StrokeKind::Inside | StrokeKind::Outside => {
                    r.rect = r.rect.round_to_pixels(ppp);
                }
                StrokeKind::Middle => {
                    // Odd-pixel strokes centred on pixel centres (epaint's
                    // `Stroke::round_rect_to_pixel`).
                    let px = r.stroke.width * ppp;
                    let odd = r.stroke.width > 0.0 && (px <= 1.0 || px.round() as i64 % 2 == 1);
                    r.rect = if odd {
                        r.rect.round_to_pixel_center(ppp)
                    } else {
                        r.rect.round_to_pixels(ppp)
                    };
                }
            }
        }
        let r = &r;
        let rotate = if r.angle == 0.0 {
            String::new()
        } else {
            let c = r.rect.center();
            format!(
                " transform=\"rotate({} {} {})\"",
                degrees(r.angle),
                num(c.x),
                num(c.y)
            )
        };
        if let Some(brush) = &r.brush {
            self.textured_rect(r.rect, brush.fill_texture_id, brush.uv, r.fill, &rotate);
        } else if r.fill.a() > 0 {
            let stroke = if r.stroke_kind == StrokeKind::Middle {
                r.stroke
            } else {
                Stroke::NONE
            };
            if r.corner_radius == egui::CornerRadius::ZERO {
                // Heatmap cells and panels: the shortest element.
                let _ = writeln!(
                    self.body,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"{}{}{rotate}/>",
                    num(r.rect.min.x),
                    num(r.rect.min.y),
                    num(r.rect.width().max(0.0)),
                    num(r.rect.height().max(0.0)),
                    fill_attr(r.fill),
                    stroke_attr(stroke)
                );
            } else {
                self.path(
                    &rounded_rect(r.rect, r.corner_radius),
                    r.fill,
                    stroke,
                    &rotate,
                );
            }
            if r.stroke_kind == StrokeKind::Middle {
                return;
            }
        }
        if r.stroke.is_empty() {
            return;
        }
        // Inside and outside strokes: the centre line moves by half a width.
        let half = r.stroke.width / 2.0;
        let offset = match r.stroke_kind {
            StrokeKind::Inside => -half,
            StrokeKind::Middle => 0.0,
            StrokeKind::Outside => half,
        };
        let outline = r.rect.expand(offset);
        if outline.width() < 0.0 || outline.height() < 0.0 {
            return;
        }
        let mut radius = r.corner_radius;
        if offset != 0.0 {
            let shift = |c: u8| (f32::from(c) + offset).clamp(0.0, 255.0) as u8;
            radius = egui::CornerRadius {
                nw: shift(radius.nw),
                ne: shift(radius.ne),
                sw: shift(radius.sw),
                se: shift(radius.se),
            };
        }
        self.path(
            &rounded_rect(outline, radius),
            Color32::TRANSPARENT,
            r.stroke,
            &rotate,
        );
    }

    fn quadratic(&mut self, q: &QuadraticBezierShape) {
        let [a, b, c] = q.points;
        let close = if q.closed { " Z" } else { "" };
        let d = format!(
            "M{} {} Q{} {} {} {}{close}",
            num(a.x),
            num(a.y),
            num(b.x),
            num(b.y),
            num(c.x),
            num(c.y)
        );
        let fill = if q.closed {
            q.fill
        } else {
            Color32::TRANSPARENT
        };
        self.path(&d, fill, solid(&q.stroke, Rect::from_points(&q.points)), "");
    }

    fn cubic(&mut self, c: &CubicBezierShape) {
        let [a, b, p, q] = c.points;
        let close = if c.closed { " Z" } else { "" };
        let d = format!(
            "M{} {} C{} {} {} {} {} {}{close}",
            num(a.x),
            num(a.y),
            num(b.x),
            num(b.y),
            num(p.x),
            num(p.y),
            num(q.x),
            num(q.y)
        );
        let fill = if c.closed {
            c.fill
        } else {
            Color32::TRANSPARENT
        };
        self.path(&d, fill, solid(&c.stroke, Rect::from_points(&c.points)), "");
    }
}

/// A path stroke as one colour: a gradient (colour by position) is taken
/// at the middle of `bounds`.
fn solid(stroke: &PathStroke, bounds: Rect) -> Stroke {
    let color = match &stroke.color {
        ColorMode::Solid(c) => *c,
        ColorMode::UV(f) => f(bounds, bounds.center()),
    };
    Stroke::new(stroke.width, color)
}

/// `M x y L x y …` through `points`, closed with `Z`.
pub(super) fn polyline(points: &[Pos2], closed: bool) -> String {
    let mut d = String::with_capacity(points.len() * 12);
    for (i, p) in points.iter().enumerate() {
        d.push(if i == 0 { 'M' } else { 'L' });
        d.push_str(&num(p.x));
        d.push(' ');
        d.push_str(&num(p.y));
    }
    if closed && !points.is_empty() {
        d.push('Z');
    }
    d
}

/// The outline of `rect` with egui's per-corner radii (clamped to half
/// the shorter side, as egui does).
fn rounded_rect(rect: Rect, radius: egui::CornerRadius) -> String {
    let limit = rect.width().min(rect.height()) / 2.0;
    let r = |c: u8| f32::from(c).min(limit).max(0.0);
    let (nw, ne, sw, se) = (r(radius.nw), r(radius.ne), r(radius.sw), r(radius.se));
    let (x0, y0, x1, y1) = (rect.min.x, rect.min.y, rect.max.x, rect.max.y);
    let mut d = format!("M{} {}", num(x0 + nw), num(y0));
    let mut line_arc = |x: f32, y: f32, radius: f32, ex: f32, ey: f32| {
        let _ = write!(d, "L{} {}", num(x), num(y));
        if radius > 0.0 {
            let _ = write!(
                d,
                "A{} {} 0 0 1 {} {}",
                num(radius),
                num(radius),
                num(ex),
                num(ey)
            );
        }
    };
    line_arc(x1 - ne, y0, ne, x1, y0 + ne);
    line_arc(x1, y1 - se, se, x1 - se, y1);
    line_arc(x0 + sw, y1, sw, x0, y1 - sw);
    line_arc(x0, y0 + nw, nw, x0 + nw, y0);
    d.push('Z');
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn square_corners_make_a_plain_outline() {
        let r = Rect::from_min_max(Pos2::new(0.0, 0.0), Pos2::new(10.0, 5.0));
        assert_eq!(
            rounded_rect(r, egui::CornerRadius::ZERO),
            "M0 0L10 0L10 5L0 5L0 0Z"
        );
        assert!(rounded_rect(r, egui::CornerRadius::same(4)).contains("A2.5 2.5"));
    }
}
