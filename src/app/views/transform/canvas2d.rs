//! The 2D canvas: the plane bent by the current matrix, drawn from the
//! prepared math. Each helper paints one layer, in this order: grid, unit
//! circle and its ellipse, unit square and its image, eigenvector lines, the
//! subspaces of a singular A, the data, î and ĵ (draggable), caption and legend.

use egui::{
    Align2, Color32, FontId, Painter, Pos2, Rect, Sense, Shape, Stroke, Ui, Vec2, pos2, vec2,
};
use nalgebra::{Matrix2, Vector2};

use super::format::{caption, fmt_vec, subscript};
use super::paint::{arrow, label_at};
use super::points::{Points, point_color};
use super::prepare::Ready;
use super::rows::clean;
use super::{
    BASIS_COLORS, BASIS_NAMES, EIGEN_COLORS, ENTRY_LIMIT, FLIP_FILL, FLIP_STROKE, KEEP_FILL,
    KEEP_STROKE,
};
use crate::app::style::{category_color, fmt_count, fmt_num};
use crate::data::LabelColumn;
use crate::math::transform::{Eigen2, Subspaces, Svd};
use crate::scene::{TransformAnimation, TransformSettings};

/// Navigation of the 2D canvas, and where it last drew its handles.
#[derive(Clone, Copy, Debug)]
pub(super) struct Nav2d {
    /// 1: the view fits the matrix.
    pub zoom: f32,
    /// In world units.
    pub pan: Vec2,
    /// The origin and the tips of î and ĵ, in points.
    pub handles: [Pos2; 3],
}

/// What the 2D canvas draws.
pub(super) struct Canvas2d<'a> {
    pub settings: &'a TransformSettings,
    pub prepared: Ready<'a, 2>,
    pub points: Option<&'a Points>,
    pub label: Option<&'a LabelColumn>,
    /// Whether î and ĵ can be dragged (not during a composition).
    pub editable: bool,
}

/// The canvas's painter, its mapping from world to screen, and its colours.
struct Frame2d {
    painter: Painter,
    rect: Rect,
    centre: Pos2,
    pan: Vec2,
    /// Points per world unit.
    scale: f32,
    /// Grid lines reach ±g world units.
    g: f64,
    /// The matrix now.
    m: Matrix2<f64>,
    text: Color32,
    label_bg: Color32,
    dark: bool,
}

impl Frame2d {
    fn to_screen(&self, p: Vector2<f64>) -> Pos2 {
        pos2(
            self.centre.x + (p.x as f32 + self.pan.x) * self.scale,
            self.centre.y - (p.y as f32 + self.pan.y) * self.scale,
        )
    }

    fn to_world(&self, q: Pos2) -> Vector2<f64> {
        Vector2::new(
            f64::from((q.x - self.centre.x) / self.scale - self.pan.x),
            f64::from(-(q.y - self.centre.y) / self.scale - self.pan.y),
        )
    }

    /// World length of `fraction` of the canvas's shorter side.
    fn along(&self, fraction: f32) -> f64 {
        f64::from(fraction * self.rect.width().min(self.rect.height()) / self.scale)
    }

    fn label(&self, pos: Pos2, anchor: Align2, text: &str, size: f32, color: Color32) {
        label_at(&self.painter, pos, anchor, text, size, color, self.label_bg);
    }
}

impl Canvas2d<'_> {
    /// Draws the canvas. Returns new rows for A when the user dragged a basis tip.
    pub(super) fn show(&self, ui: &mut Ui, size: Vec2, nav: &mut Nav2d) -> Option<Vec<Vec<f64>>> {
        let s = self.settings;
        let visuals = ui.visuals().clone();
        let bg = visuals.extreme_bg_color;
        let (rect, response) = ui.allocate_exact_size(size, Sense::click_and_drag());
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 4.0, bg);
        let half = self.held_half(ui);
        let Nav2d { zoom, pan, .. } = nav;
        if response.double_clicked() {
            *zoom = 1.0;
            *pan = Vec2::ZERO;
        }
        if response.hovered() {
            let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
            *zoom = (*zoom * (scroll * 0.0015).exp() * pinch).clamp(0.1, 20.0);
        }
        let scale = 0.5 * rect.width().min(rect.height()) / half as f32 * *zoom;
        if response.dragged() {
            let d = response.drag_delta() / scale;
            *pan += vec2(d.x, -d.y);
        }
        let pan = *pan;
        // Grid lines reach past the corners of the visible area.
        let reach = f64::from(0.5 * rect.size().length() / scale + pan.length());
        let f = Frame2d {
            painter,
            rect,
            centre: rect.center(),
            pan,
            scale,
            g: reach.ceil().clamp(3.0, 80.0),
            m: self.prepared.frame.matrix,
            text: visuals.text_color(),
            label_bg: bg.gamma_multiply(0.8),
            dark: visuals.dark_mode,
        };
        let math = self.prepared.math;
        if s.show_grid {
            grid(&f);
        }
        if s.show_circle || s.animation == TransformAnimation::Svd {
            unit_circle(&f, &self.prepared.frame.svd);
        }
        unit_square(&f, self.prepared.frame.det);
        if s.show_eigenvectors && math.steps.len() < 2 {
            eigenvectors(&f, &math.eigen);
        }
        if math.subspaces.rank < 2 && s.progress >= 1.0 {
            subspaces(&f, &math.subspaces);
        }
        if let Some(p) = self.points {
            points(&f, p, self.label);
        }
        let edited = self.basis(ui, &f, &mut nav.handles);
        self.caption_and_legend(&f);
        f.painter.rect_stroke(
            rect,
            4.0,
            visuals.widgets.noninteractive.bg_stroke,
            egui::StrokeKind::Inside,
        );
        edited
    }

    /// The half width to show: the prepared fit, held still while a tip is
    /// dragged (refitting under the pointer would run away: the tip follows
    /// the pointer, the view zooms out).
    fn held_half(&self, ui: &Ui) -> f64 {
        let half = self.prepared.fit;
        let frozen_id = ui.scope_id().with("transform-drag-half");
        if self.editable && (0..2).any(|j| ui.ctx().is_being_dragged(tip_id(ui, j))) {
            ui.data(|d| d.get_temp::<f64>(frozen_id)).unwrap_or(half)
        } else {
            ui.data_mut(|d| d.insert_temp(frozen_id, half));
            half
        }
    }

    /// î and ĵ: the columns of the current matrix; their tips can be dragged.
    /// Returns new rows for A when one was.
    fn basis(&self, ui: &Ui, f: &Frame2d, handles: &mut [Pos2; 3]) -> Option<Vec<Vec<f64>>> {
        let m = f.m;
        let origin = f.to_screen(Vector2::zeros());
        *handles = [
            origin,
            f.to_screen(m.column(0).into_owned()),
            f.to_screen(m.column(1).into_owned()),
        ];
        let mut edited = None;
        for j in 0..2 {
            let col = m.column(j).into_owned();
            let tip = f.to_screen(col);
            arrow(&f.painter, origin, tip, 3.0, BASIS_COLORS[j]);
            let dir = if (tip - origin).length() > 1.0 {
                (tip - origin).normalized()
            } else {
                vec2(1.0, 0.0)
            };
            f.label(
                tip + dir * 18.0,
                Align2::CENTER_CENTER,
                &format!(
                    "{} {}",
                    BASIS_NAMES[j],
                    fmt_vec(&[clean(col.x), clean(col.y)])
                ),
                15.0,
                BASIS_COLORS[j],
            );
            if self.editable
                && let Some(rows) = self.drag_tip(ui, f, j, tip)
            {
                edited = Some(rows);
            }
        }
        edited
    }

    /// The handle on the tip of basis vector `j`: new rows for A while dragged.
    fn drag_tip(&self, ui: &Ui, f: &Frame2d, j: usize, tip: Pos2) -> Option<Vec<Vec<f64>>> {
        let handle = ui.interact(
            Rect::from_center_size(tip, vec2(18.0, 18.0)),
            tip_id(ui, j),
            Sense::drag(),
        );
        if handle.hovered() || handle.dragged() {
            f.painter
                .circle_stroke(tip, 8.0, Stroke::new(2.0, BASIS_COLORS[j]));
        }
        let handle = handle
            .on_hover_cursor(egui::CursorIcon::Grab)
            .on_hover_text(format!(
                "Drag to move {}: column {} of A",
                BASIS_NAMES[j],
                j + 1
            ));
        if handle.dragged()
            && let Some(ptr) = handle.interact_pointer_pos()
        {
            let w = f.to_world(ptr);
            // Snap to a twentieth: clean numbers in the editor.
            let snap = |x: f64| ((x * 20.0).round() / 20.0).clamp(-ENTRY_LIMIT, ENTRY_LIMIT);
            let mut rows = self.settings.matrix.clone();
            if let [r0, r1] = rows.as_mut_slice()
                && r0.len() == 2
                && r1.len() == 2
            {
                r0[j] = snap(w.x);
                r1[j] = snap(w.y);
                return Some(rows);
            }
        }
        None
    }

    /// The caption, the colour legend and the number of points.
    fn caption_and_legend(&self, f: &Frame2d) {
        let s = self.settings;
        let (painter, rect, text) = (&f.painter, f.rect, f.text);
        painter.text(
            rect.left_top() + vec2(10.0, 8.0),
            Align2::LEFT_TOP,
            caption(
                self.prepared.frame.stage,
                s.animation,
                s.progress,
                self.prepared.math.svd.sigma.as_slice(),
            ),
            FontId::proportional(14.0),
            text,
        );
        if let (Some(l), Some(_)) = (self.label, self.points) {
            let mut y = rect.bottom() - 10.0 - 18.0 * l.categories.len() as f32;
            for (k, name) in l.categories.iter().enumerate() {
                let p = pos2(rect.right() - 150.0, y);
                painter.circle_filled(p, 5.0, category_color(k));
                painter.text(
                    p + vec2(10.0, 0.0),
                    Align2::LEFT_CENTER,
                    name,
                    FontId::proportional(13.0),
                    text,
                );
                y += 18.0;
            }
        }
        if let Some(p) = self.points {
            painter.text(
                rect.left_bottom() + vec2(10.0, -8.0),
                Align2::LEFT_BOTTOM,
                format!("{} points (standardized columns)", fmt_count(p.xyz.len())),
                FontId::proportional(12.0),
                text.gamma_multiply(0.7),
            );
        }
    }
}

/// The id of the drag handle on the tip of basis vector `j`.
fn tip_id(ui: &Ui, j: usize) -> egui::Id {
    ui.scope_id().with(("transform-tip", j))
}

/// The grid, faint, and its image under the current matrix, bold.
fn grid(f: &Frame2d) {
    let (g, m, text) = (f.g, f.m, f.text);
    let gi = g as i32;
    let faint = text.gamma_multiply(0.12);
    for i in -gi..=gi {
        let x = f64::from(i);
        let w = if i == 0 { 1.5 } else { 1.0 };
        let col = if i == 0 {
            text.gamma_multiply(0.3)
        } else {
            faint
        };
        f.painter.line_segment(
            [
                f.to_screen(Vector2::new(x, -g)),
                f.to_screen(Vector2::new(x, g)),
            ],
            Stroke::new(w, col),
        );
        f.painter.line_segment(
            [
                f.to_screen(Vector2::new(-g, x)),
                f.to_screen(Vector2::new(g, x)),
            ],
            Stroke::new(w, col),
        );
    }
    // The transformed grid: images of the same lines under the current matrix.
    let grid = if f.dark {
        Color32::from_rgba_unmultiplied(86, 180, 233, 90)
    } else {
        Color32::from_rgba_unmultiplied(0, 114, 178, 80)
    };
    let axis = grid.gamma_multiply(2.0);
    for i in -gi..=gi {
        let x = f64::from(i);
        let (w, col) = if i == 0 { (2.0, axis) } else { (1.2, grid) };
        f.painter.line_segment(
            [
                f.to_screen(m * Vector2::new(x, -g)),
                f.to_screen(m * Vector2::new(x, g)),
            ],
            Stroke::new(w, col),
        );
        f.painter.line_segment(
            [
                f.to_screen(m * Vector2::new(-g, x)),
                f.to_screen(m * Vector2::new(g, x)),
            ],
            Stroke::new(w, col),
        );
    }
}

/// The unit circle and its image, an ellipse with semi-axes σ₁ σ₂ (`svd_now`
/// is the SVD of the current matrix).
fn unit_circle(f: &Frame2d, svd_now: &Svd<2>) {
    let circle: Vec<Vector2<f64>> = (0..96)
        .map(|k| {
            let t = std::f64::consts::TAU * f64::from(k) / 96.0;
            Vector2::new(t.cos(), t.sin())
        })
        .collect();
    let closed = |pts: Vec<Pos2>| {
        let mut pts = pts;
        if let Some(&first) = pts.first() {
            pts.push(first);
        }
        pts
    };
    f.painter.add(Shape::dashed_line(
        &closed(circle.iter().map(|p| f.to_screen(*p)).collect()),
        Stroke::new(1.0, f.text.gamma_multiply(0.4)),
        5.0,
        4.0,
    ));
    let ellipse_col = Color32::from_rgb(204, 121, 167);
    f.painter.add(Shape::line(
        closed(circle.iter().map(|p| f.to_screen(f.m * p)).collect()),
        Stroke::new(2.0, ellipse_col),
    ));
    for i in 0..2 {
        let sigma = svd_now.sigma[i];
        let u = svd_now.u.column(i).into_owned();
        let tip = f.to_screen(u * sigma);
        f.painter.line_segment(
            [f.to_screen(Vector2::zeros()), tip],
            Stroke::new(1.5, ellipse_col),
        );
        if sigma > 1e-9 {
            let dir = (tip - f.to_screen(Vector2::zeros())).normalized();
            f.label(
                tip + dir * 14.0,
                Align2::CENTER_CENTER,
                &format!("σ{} = {}", subscript(i + 1), fmt_num(sigma, 3)),
                13.0,
                ellipse_col,
            );
        }
    }
}

/// The unit square and its image, shaded by the sign of the determinant
/// `det_now` of the current matrix.
fn unit_square(f: &Frame2d, det_now: f64) {
    let corners = [
        Vector2::new(0.0, 0.0),
        Vector2::new(1.0, 0.0),
        Vector2::new(1.0, 1.0),
        Vector2::new(0.0, 1.0),
    ];
    let square: Vec<Pos2> = corners.iter().map(|p| f.to_screen(*p)).collect();
    f.painter.add(Shape::closed_line(
        square,
        Stroke::new(1.0, f.text.gamma_multiply(0.35)),
    ));
    let mut image: Vec<Pos2> = corners.iter().map(|p| f.to_screen(f.m * p)).collect();
    let flipped = det_now < 0.0;
    let (fill, edge) = if flipped {
        (FLIP_FILL, FLIP_STROKE)
    } else {
        (KEEP_FILL, KEEP_STROKE)
    };
    if flipped {
        image.reverse();
    }
    if det_now.abs() > 1e-12 {
        f.painter
            .add(Shape::convex_polygon(image.clone(), fill, Stroke::NONE));
    }
    f.painter
        .add(Shape::closed_line(image, Stroke::new(1.5, edge)));
    let centre = f.to_screen(f.m * Vector2::new(0.5, 0.5));
    f.label(
        centre,
        Align2::CENTER_CENTER,
        &format!(
            "det = {}{}",
            fmt_num(clean(det_now), 3),
            if flipped { " (flipped)" } else { "" }
        ),
        13.0,
        edge,
    );
}

/// Eigenvectors of A: lines through the origin; the arrow A·v slides along them.
fn eigenvectors(f: &Frame2d, eigen: &Eigen2) {
    let eig: Vec<(f64, Vector2<f64>)> = match *eigen {
        Eigen2::Distinct { lambda, v } => vec![(lambda[0], v[0]), (lambda[1], v[1])],
        Eigen2::Defective { lambda, v } => vec![(lambda, v)],
        _ => Vec::new(),
    };
    for (k, (lambda, v)) in eig.iter().enumerate() {
        let col = EIGEN_COLORS[k];
        let far = v * f.g * 2.0;
        f.painter.add(Shape::dashed_line(
            &[f.to_screen(-far), f.to_screen(far)],
            Stroke::new(1.5, col),
            8.0,
            5.0,
        ));
        let image = f.m * v;
        arrow(
            &f.painter,
            f.to_screen(Vector2::zeros()),
            f.to_screen(image),
            2.5,
            col,
        );
        // The label sits on the line, inside the visible area.
        let at = v * f.along(0.42);
        f.label(
            f.to_screen(at),
            Align2::LEFT_BOTTOM,
            &format!("λ{} = {}", subscript(k + 1), fmt_num(*lambda, 3)),
            14.0,
            col,
        );
    }
}

/// A singular A: the line everything lands on, and the null space.
fn subspaces(f: &Frame2d, sub: &Subspaces<2>) {
    let warn = Color32::from_rgb(213, 94, 0);
    let far = f.g * 2.0;
    if let Some(cs) = sub.column_space.first() {
        f.painter.line_segment(
            [f.to_screen(-cs * far), f.to_screen(cs * far)],
            Stroke::new(3.0, warn.gamma_multiply(0.8)),
        );
        let at = cs * f.along(0.3);
        f.label(
            f.to_screen(-at),
            Align2::RIGHT_TOP,
            "column space: everything lands here",
            13.0,
            warn,
        );
    } else {
        f.painter
            .circle_filled(f.to_screen(Vector2::zeros()), 6.0, warn);
        f.label(
            f.to_screen(Vector2::zeros()) + vec2(10.0, 10.0),
            Align2::LEFT_TOP,
            "everything lands on the origin",
            13.0,
            warn,
        );
    }
    if sub.null_space.len() == 1 {
        let ns = sub.null_space[0];
        f.painter.add(Shape::dashed_line(
            &[f.to_screen(-ns * far), f.to_screen(ns * far)],
            Stroke::new(2.0, f.text.gamma_multiply(0.7)),
            3.0,
            4.0,
        ));
        let at = ns * f.along(0.3);
        f.label(
            f.to_screen(at),
            Align2::LEFT_BOTTOM,
            "null space: sent to 0",
            13.0,
            f.text,
        );
    }
}

/// The data, moving with the animation.
fn points(f: &Frame2d, p: &Points, label: Option<&LabelColumn>) {
    let radius = if p.xyz.len() > 5_000 { 1.5 } else { 3.5 };
    let mut shapes = Vec::with_capacity(p.xyz.len());
    for (q, &r) in p.xyz.iter().zip(&p.rows) {
        let pos = f.to_screen(f.m * Vector2::new(q[0], q[1]));
        if f.rect.expand(radius).contains(pos) {
            shapes.push(Shape::circle_filled(
                pos,
                radius,
                point_color(label, r, f.dark),
            ));
        }
    }
    f.painter.extend(shapes);
}
