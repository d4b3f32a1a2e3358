//! Painting helpers of the 2D canvas: arrows and labels on a backing.

use egui::{Align2, Color32, FontId, Pos2, Shape, Stroke, vec2};

/// Paints an arrow with a filled head.
pub(super) fn arrow(painter: &egui::Painter, from: Pos2, to: Pos2, width: f32, color: Color32) {
    let d = to - from;
    let len = d.length();
    let stroke = Stroke::new(width, color);
    if len < 1.0 {
        painter.circle_filled(to, width, color);
        return;
    }
    let dir = d / len;
    let head = (4.0 * width + 4.0).min(len * 0.5);
    let n = vec2(-dir.y, dir.x);
    let base = to - dir * head;
    painter.line_segment([from, base], stroke);
    painter.add(Shape::convex_polygon(
        vec![to, base + n * head * 0.45, base - n * head * 0.45],
        color,
        Stroke::NONE,
    ));
}

/// Text with a translucent backing so it reads over grid lines.
pub(super) fn label_at(
    painter: &egui::Painter,
    pos: Pos2,
    anchor: Align2,
    text: &str,
    size: f32,
    color: Color32,
    bg: Color32,
) {
    let galley = painter.layout_no_wrap(text.to_owned(), FontId::proportional(size), color);
    let rect = anchor.anchor_size(pos, galley.size());
    painter.rect_filled(rect.expand(2.0), 3.0, bg);
    painter.galley(rect.min, galley, color);
}
