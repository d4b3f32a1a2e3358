//! Painting helpers of the canvases: arrows, and the labels, which are
//! collected while a canvas draws and then placed together with the shared
//! [`place_labels`]: inside the canvas, clear of each other, of the caption
//! and legend and of the arrows, in order of importance (a label with no free
//! spot is left out rather than drawn over another).

use egui::{Color32, FontId, Pos2, Rect, Shape, Stroke, vec2};

use crate::app::widgets::place_labels;

/// Gap between a label and the point it names, in points.
const GAP: f32 = 5.0;
/// Padding of a label's backing, in points.
const PAD: f32 = 2.0;

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

/// Which labels are placed first (a later one gives way when crowded).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Rank {
    /// î, ĵ, k̂.
    Basis,
    /// The det of the unit square's (cube's) image.
    Det,
    /// The eigenvector lines.
    Eigen,
    /// The semi-axes σᵢ.
    Sigma,
    /// Column and null space.
    Subspace,
}

/// One label waiting for its place.
struct Pending {
    rank: Rank,
    /// Points it may name, in order of preference: it sits beside the first
    /// one that has a free spot.
    at: Vec<Pos2>,
    text: String,
    size: f32,
    color: Color32,
}

/// The labels of one frame of a canvas, placed and painted together.
#[derive(Default)]
pub(super) struct Labels {
    pending: Vec<Pending>,
    keep_clear: Vec<Rect>,
}

impl Labels {
    /// A label beside one of the points `at` (the first with room), placed
    /// after the labels of a higher `rank` and those of its rank added before it.
    pub(super) fn add(
        &mut self,
        rank: Rank,
        at: impl IntoIterator<Item = Pos2>,
        text: String,
        size: f32,
        color: Color32,
    ) {
        self.pending.push(Pending {
            rank,
            at: at.into_iter().filter(|p| p.is_finite()).collect(),
            text,
            size,
            color,
        });
    }

    /// No label may cover `rect` (the caption, the legend, a button).
    pub(super) fn keep_clear(&mut self, rect: Rect) {
        self.keep_clear.push(rect);
    }

    /// No label may cover the segment from `a` to `b` (an arrow), `width`
    /// points wide: kept clear as a chain of small squares.
    pub(super) fn keep_segment_clear(&mut self, a: Pos2, b: Pos2, width: f32) {
        let len = (b - a).length();
        if !len.is_finite() {
            return;
        }
        let n = (len / 6.0).ceil().clamp(1.0, 400.0) as usize;
        for k in 0..=n {
            let p = a + (b - a) * (k as f32 / n as f32);
            self.keep_clear
                .push(Rect::from_center_size(p, vec2(width + 4.0, width + 4.0)));
        }
    }

    /// Places every label inside `bounds` and returns the shapes to paint
    /// (text on a translucent `bg` backing so it reads over grid lines) and
    /// each placed label with its backing's rectangle.
    pub(super) fn place(
        self,
        ctx: &egui::Context,
        bounds: Rect,
        bg: Color32,
    ) -> (Vec<Shape>, Vec<(String, Rect)>) {
        let mut taken = self.keep_clear;
        let mut pending = self.pending;
        pending.sort_by_key(|p| p.rank);
        let mut shapes = Vec::new();
        let mut placed = Vec::new();
        let inner = bounds.shrink(1.0);
        for label in pending {
            let galley = ctx.fonts_mut(|f| {
                f.layout_no_wrap(
                    label.text.clone(),
                    FontId::proportional(label.size),
                    label.color,
                )
            });
            let size = galley.size() + vec2(2.0 * PAD, 2.0 * PAD);
            let spot = label.at.iter().find_map(|&at| {
                place_labels(&[(at, size)], inner, GAP, &taken)
                    .into_iter()
                    .next()
                    .flatten()
            });
            if let Some(rect) = spot {
                taken.push(rect);
                shapes.push(Shape::rect_filled(rect, 3.0, bg));
                shapes.push(Shape::galley(
                    rect.min + vec2(PAD, PAD),
                    galley,
                    label.color,
                ));
                placed.push((label.text, rect));
            }
        }
        (shapes, placed)
    }
}
