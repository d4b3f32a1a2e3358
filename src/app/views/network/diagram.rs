//! The network diagram: a column of nodes per layer, each node a thumbnail
//! of that unit's output over the input plane, edges coloured by the
//! weight's sign and as thick as its size. Hover a node or an edge for its
//! number; click a node to see it large, click an edge to edit its weight.

use egui::{
    Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, TextureHandle, Ui, Vec2, pos2, vec2,
};

use crate::math::network::{Layer, Network};

/// Positive weights: blue; negative: orange (Playground's convention).
pub(super) const POSITIVE: Color32 = Color32::from_rgb(0x00, 0x72, 0xB2);
pub(super) const NEGATIVE: Color32 = Color32::from_rgb(0xE6, 0x7E, 0x22);

/// What a click in the diagram asks for.
pub(super) enum Clicked {
    /// A node, as (layer, unit); layer 0 is the inputs.
    Node([usize; 2]),
    /// An edge: (layer, out, in) of W.
    Edge([usize; 3]),
    /// The background (closes a large node).
    Nothing,
}

/// Where every node is drawn: `nodes[layer][unit]` (layer 0: inputs).
struct Layout {
    nodes: Vec<Vec<Rect>>,
}

fn layout(rect: Rect, widths: &[usize]) -> Layout {
    let columns = widths.len().max(1);
    let tallest = widths.iter().copied().max().unwrap_or(1).max(1);
    let label_room = 64.0;
    let inner = Rect::from_min_max(
        pos2(rect.left() + label_room, rect.top() + 22.0),
        pos2(rect.right() - label_room, rect.bottom() - 8.0),
    );
    let col_gap = inner.width() / columns as f32;
    let size = (inner.height() / tallest as f32 * 0.8)
        .min(col_gap * 0.45)
        .clamp(4.0, 64.0);
    let nodes = widths
        .iter()
        .enumerate()
        .map(|(c, &n)| {
            let x = inner.left() + col_gap * (c as f32 + 0.5);
            let step = (inner.height() / n.max(1) as f32).min(size * 1.25);
            let top = inner.center().y - step * n as f32 / 2.0;
            (0..n)
                .map(|u| {
                    Rect::from_center_size(
                        pos2(x, top + step * (u as f32 + 0.5)),
                        Vec2::splat(size.min(step * 0.9)),
                    )
                })
                .collect()
        })
        .collect();
    Layout { nodes }
}

fn distance_to_segment(p: Pos2, a: Pos2, b: Pos2) -> f32 {
    let ab = b - a;
    let t = ((p - a).dot(ab) / ab.length_sq().max(1e-6)).clamp(0.0, 1.0);
    (a + ab * t).distance(p)
}

/// Draws the diagram of `net` in `size`, with `thumbs` (may be empty) and
/// the feature and class names; returns what was clicked.
pub(super) fn ui(
    ui: &mut Ui,
    size: Vec2,
    net: &Network,
    thumbs: &[Vec<TextureHandle>],
    large: Option<[usize; 2]>,
) -> Option<Clicked> {
    let (response, painter) = ui.allocate_painter(size, Sense::click());
    let rect = response.rect;
    let visuals = ui.visuals().clone();
    let text = visuals.text_color();
    let mut widths = vec![net.layers.first().map_or(0, Layer::inputs)];
    widths.extend(net.layers.iter().map(Layer::outputs));
    let lay = layout(rect, &widths);
    let features = net.feature_names();
    let classes = net.classes.clone();
    // Column titles.
    let last = widths.len() - 1;
    for (c, col) in lay.nodes.iter().enumerate() {
        let Some(first) = col.first() else { continue };
        let title = if c == 0 {
            format!("{} inputs", widths[0])
        } else if c == last {
            if net.is_classifier() {
                "softmax".to_owned()
            } else {
                "output".to_owned()
            }
        } else {
            format!("{} {}", widths[c], net.layers[c - 1].activation.name())
        };
        painter.text(
            pos2(first.center().x, rect.top() + 4.0),
            Align2::CENTER_TOP,
            title,
            FontId::proportional(11.5),
            visuals.weak_text_color(),
        );
    }
    // Edges, and the one under the pointer.
    let pointer = response.hover_pos();
    let hovered_edge = draw_edges(&painter, &lay, net, pointer);
    // Nodes.
    let mut hovered_node = None;
    for (c, col) in lay.nodes.iter().enumerate() {
        for (u, r) in col.iter().enumerate() {
            if let Some(tex) = thumbs.get(c).and_then(|t| t.get(u)) {
                painter.image(
                    tex.id(),
                    *r,
                    Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)),
                    Color32::WHITE,
                );
            } else {
                painter.rect_filled(*r, 2.0, visuals.faint_bg_color);
            }
            let selected = large == Some([c, u]);
            painter.rect_stroke(
                *r,
                2.0,
                Stroke::new(
                    if selected { 2.0 } else { 1.0 },
                    if selected {
                        text
                    } else {
                        visuals.weak_text_color()
                    },
                ),
                egui::StrokeKind::Outside,
            );
            if pointer.is_some_and(|p| r.expand(2.0).contains(p)) {
                hovered_node = Some([c, u]);
            }
            let small = r.height() < 14.0;
            if c == 0 && !small {
                painter.text(
                    r.left_center() - vec2(6.0, 0.0),
                    Align2::RIGHT_CENTER,
                    features.get(u).cloned().unwrap_or_default(),
                    FontId::proportional(12.0),
                    text,
                );
            }
            if c == last && !small {
                let name = classes
                    .as_ref()
                    .and_then(|cl| cl.get(u).cloned())
                    .unwrap_or_else(|| net.target.clone());
                painter.text(
                    r.right_center() + vec2(6.0, 0.0),
                    Align2::LEFT_CENTER,
                    name,
                    FontId::proportional(12.0),
                    text,
                );
            }
        }
    }
    if let Some(node) = hovered_node {
        response
            .clone()
            .on_hover_ui_at_pointer(|ui| node_tip(ui, net, node));
    } else if let Some(([l, o, i], w, _)) = hovered_edge {
        if let (Some(a), Some(b)) = (lay.nodes[l].get(i), lay.nodes[l + 1].get(o)) {
            painter.line_segment([a.right_center(), b.left_center()], Stroke::new(2.5, text));
        }
        let from = if l == 0 {
            features.get(i).cloned().unwrap_or_default()
        } else {
            format!("unit {} of layer {l}", i + 1)
        };
        response.clone().on_hover_ui_at_pointer(|ui| {
            ui.label(format!(
                "W{}[{}, {}] = {:.4}: from {from} to unit {} of layer {} (click to edit)",
                l + 1,
                o + 1,
                i + 1,
                w,
                o + 1,
                l + 1
            ));
        });
    }
    if let Some([c, u]) = large
        && let Some(tex) = thumbs.get(c).and_then(|t| t.get(u))
    {
        draw_large(&painter, rect, tex, [c, u], &features, &visuals);
    }
    if response.clicked() {
        if large.is_some() {
            return Some(Clicked::Nothing);
        }
        if let Some(node) = hovered_node {
            return Some(Clicked::Node(node));
        }
        if let Some((edge, _, _)) = hovered_edge {
            return Some(Clicked::Edge(edge));
        }
        return Some(Clicked::Nothing);
    }
    None
}

/// Draws every edge; returns the one under `pointer`: (layer, out, in), W
/// and the distance.
fn draw_edges(
    painter: &egui::Painter,
    lay: &Layout,
    net: &Network,
    pointer: Option<Pos2>,
) -> Option<([usize; 3], f64, f32)> {
    let max_w = net
        .layers
        .iter()
        .flat_map(|l| l.weights.iter())
        .fold(1e-9_f64, |a, w| a.max(w.abs()));
    let mut hovered_edge: Option<([usize; 3], f64, f32)> = None;
    for (l, layer) in net.layers.iter().enumerate() {
        let many = layer.weights.len() > 400;
        for o in 0..layer.outputs() {
            for i in 0..layer.inputs() {
                let w = layer.weights[(o, i)];
                let (Some(a), Some(b)) = (lay.nodes[l].get(i), lay.nodes[l + 1].get(o)) else {
                    continue;
                };
                let (pa, pb) = (a.right_center(), b.left_center());
                let share = (w.abs() / max_w) as f32;
                let width = if many {
                    0.4 + 1.2 * share
                } else {
                    0.5 + 4.5 * share
                };
                let color = if w >= 0.0 { POSITIVE } else { NEGATIVE };
                let alpha = if many {
                    0.25 + 0.5 * share
                } else {
                    0.35 + 0.65 * share
                };
                painter.line_segment([pa, pb], Stroke::new(width, color.gamma_multiply(alpha)));
                if let Some(p) = pointer {
                    let d = distance_to_segment(p, pa, pb);
                    if d < 5.0 && hovered_edge.is_none_or(|(_, _, best)| d < best) {
                        hovered_edge = Some(([l, o, i], w, d));
                    }
                }
            }
        }
    }
    hovered_edge
}

/// The node `[c, u]`'s thumbnail drawn large over the diagram.
fn draw_large(
    painter: &egui::Painter,
    rect: Rect,
    tex: &TextureHandle,
    [c, u]: [usize; 2],
    features: &[String],
    visuals: &egui::Visuals,
) {
    let text = visuals.text_color();
    let side = rect.height().min(rect.width()) * 0.62;
    let big = Rect::from_center_size(rect.center(), Vec2::splat(side));
    painter.rect_filled(big.expand(8.0), 4.0, visuals.window_fill);
    painter.image(
        tex.id(),
        big,
        Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)),
        Color32::WHITE,
    );
    painter.rect_stroke(big, 2.0, Stroke::new(1.0, text), egui::StrokeKind::Outside);
    let title = if c == 0 {
        format!(
            "input {} over the plane",
            features.get(u).cloned().unwrap_or_default()
        )
    } else {
        format!(
            "unit {} of layer {c} over the input plane (click to close)",
            u + 1
        )
    };
    painter.text(
        big.center_top() - vec2(0.0, 10.0),
        Align2::CENTER_BOTTOM,
        title,
        FontId::proportional(13.0),
        text,
    );
}

fn node_tip(ui: &mut Ui, net: &Network, [c, u]: [usize; 2]) {
    if c == 0 {
        ui.label(format!(
            "input {}: {} (standardized)",
            u + 1,
            net.feature_names().get(u).cloned().unwrap_or_default()
        ));
        return;
    }
    let Some(l) = net.layers.get(c - 1) else {
        return;
    };
    let b = l.bias.get(u).copied().unwrap_or(0.0);
    let act = if c == net.layers.len() && net.is_classifier() {
        "softmax".to_owned()
    } else {
        l.activation.name().to_owned()
    };
    ui.label(format!(
        "layer {c}, unit {}: {act}(w · x + b), b = {b:.4}; {} weights in (click for a large picture)",
        u + 1,
        l.inputs()
    ));
}
