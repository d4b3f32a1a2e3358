//! The 2D canvas: the plane bent by the current matrix, drawn from the
//! prepared math. Each helper paints one layer, in this order: grid, unit
//! circle and its ellipse, unit square and its image, eigenvector lines, the
//! subspaces of a singular A, the data, î and ĵ (draggable), caption and legend.

use egui::{
    Align2, Color32, FontId, Painter, Pos2, Rect, Sense, Shape, Stroke, Ui, Vec2, pos2, vec2,
};
use nalgebra::{Matrix2, Vector2};

use super::format::{caption, fmt_vec, subscript};
use super::paint::{Labels, Rank, arrow};
use super::points::{Points, point_color};
use super::prepare::Ready;
use super::rows::{clean, to_rows};
use super::{BASIS_NAMES, Drawn, ENTRY_LIMIT, Palette};
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
    pal: Palette,
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

    /// Screen points along the line through the origin in direction `v`, at
    /// these fractions of the canvas's shorter side (negative: the other way).
    fn along_line(&self, v: Vector2<f64>, fractions: &[f32]) -> Vec<Pos2> {
        fractions
            .iter()
            .map(|&k| self.to_screen(v * self.along(k)))
            .collect()
    }
}

/// Where on a line through the origin its label may go, in order.
const LINE_SPOTS: [f32; 10] = [0.42, 0.3, 0.55, 0.2, 0.7, -0.42, -0.3, -0.55, -0.2, -0.7];

impl Canvas2d<'_> {
    /// Draws the canvas and records in `drawn` what it drew. Returns new
    /// rows for A when the user dragged a basis tip.
    pub(super) fn show(
        &self,
        ui: &mut Ui,
        size: Vec2,
        nav: &mut Nav2d,
        drawn: &mut Drawn,
    ) -> Option<Vec<Vec<f64>>> {
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
            pal: Palette::of(visuals.dark_mode),
        };
        let math = self.prepared.math;
        let mut labels = Labels::default();
        drawn.plot = rect;
        drawn.matrix = to_rows(&f.m);
        drawn.eigen_arrows.clear();
        drawn.caption = self.caption_and_legend(&f, &mut labels);
        if s.show_grid {
            grid(&f);
        }
        if s.show_circle || s.animation == TransformAnimation::Svd {
            unit_circle(&f, &self.prepared.frame.svd, &mut labels);
        }
        let det_at = unit_square(&f, self.prepared.frame.det);
        if s.show_eigenvectors && math.steps.len() < 2 {
            drawn.eigen_arrows = eigenvectors(&f, &math.eigen, &mut labels);
        }
        if math.subspaces.rank < 2 && s.progress >= 1.0 {
            subspaces(&f, &math.subspaces, &mut labels);
        }
        if let Some(p) = self.points {
            points(&f, p, self.label);
        }
        let edited = self.basis(ui, &f, &mut nav.handles, &mut labels);
        // The det label after the basis labels: the arrows' names come first.
        let det_now = self.prepared.frame.det;
        labels.add(
            Rank::Det,
            det_at,
            super::format::det_label(det_now),
            13.0,
            if det_now < 0.0 {
                f.pal.flip
            } else {
                f.pal.keep
            },
        );
        let (shapes, placed) = labels.place(ui.ctx(), rect, f.label_bg);
        f.painter.extend(shapes);
        drawn.labels = placed;
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
    fn basis(
        &self,
        ui: &Ui,
        f: &Frame2d,
        handles: &mut [Pos2; 3],
        labels: &mut Labels,
    ) -> Option<Vec<Vec<f64>>> {
        let m = f.m;
        let origin = f.to_screen(Vector2::zeros());
        *handles = [
            origin,
            f.to_screen(m.column(0).into_owned()),
            f.to_screen(m.column(1).into_owned()),
        ];
        let mut edited = None;
        for (j, name) in BASIS_NAMES.iter().enumerate().take(2) {
            let col = m.column(j).into_owned();
            let tip = f.to_screen(col);
            let color = f.pal.basis[j];
            arrow(&f.painter, origin, tip, 3.0, color);
            labels.keep_segment_clear(origin, tip, 3.0);
            let dir = if (tip - origin).length() > 1.0 {
                (tip - origin).normalized()
            } else {
                vec2(1.0, 0.0)
            };
            labels.add(
                Rank::Basis,
                [tip, tip + dir * 16.0, tip - dir * 24.0],
                format!("{name} {}", fmt_vec(&[clean(col.x), clean(col.y)])),
                15.0,
                color,
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
                .circle_stroke(tip, 8.0, Stroke::new(2.0, f.pal.basis[j]));
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

    /// The caption (wrapped to the canvas), the colour legend and the
    /// number of points, kept clear of labels. Returns the caption.
    fn caption_and_legend(&self, f: &Frame2d, labels: &mut Labels) -> String {
        let s = self.settings;
        let (painter, rect, text) = (&f.painter, f.rect, f.text);
        let frame = &self.prepared.frame;
        let svd = &self.prepared.math.svd;
        let words = caption(
            frame.stage,
            frame.t,
            s.animation,
            s.progress,
            svd.sigma.as_slice(),
            svd.flips(),
        );
        let galley = painter.layout(
            words.clone(),
            FontId::proportional(14.0),
            text,
            (rect.width() - 20.0).max(40.0),
        );
        let at = rect.left_top() + vec2(10.0, 8.0);
        labels.keep_clear(Rect::from_min_size(at, galley.size()).expand(2.0));
        painter.add(Shape::rect_filled(
            Rect::from_min_size(at, galley.size()).expand(2.0),
            3.0,
            f.label_bg,
        ));
        painter.galley(at, galley, text);
        if let (Some(l), Some(_)) = (self.label, self.points) {
            let top = rect.bottom() - 10.0 - 18.0 * l.categories.len() as f32;
            let mut y = top;
            let mut right = rect.right() - 150.0;
            for (k, name) in l.categories.iter().enumerate() {
                let p = pos2(rect.right() - 150.0, y);
                painter.circle_filled(p, 5.0, category_color(k));
                let r = painter.text(
                    p + vec2(10.0, 0.0),
                    Align2::LEFT_CENTER,
                    name,
                    FontId::proportional(13.0),
                    text,
                );
                right = right.max(r.right());
                y += 18.0;
            }
            labels.keep_clear(Rect::from_min_max(
                pos2(rect.right() - 160.0, top - 10.0),
                pos2(right, rect.bottom()),
            ));
        }
        if let Some(p) = self.points {
            let r = painter.text(
                rect.left_bottom() + vec2(10.0, -8.0),
                Align2::LEFT_BOTTOM,
                format!("{} points (standardized columns)", fmt_count(p.xyz.len())),
                FontId::proportional(12.0),
                text.gamma_multiply(0.7),
            );
            labels.keep_clear(r.expand(2.0));
        }
        words
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
    let grid = f.pal.grid;
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
fn unit_circle(f: &Frame2d, svd_now: &Svd<2>, labels: &mut Labels) {
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
    let ellipse_col = f.pal.sigma;
    f.painter.add(Shape::line(
        closed(circle.iter().map(|p| f.to_screen(f.m * p)).collect()),
        Stroke::new(2.0, ellipse_col),
    ));
    let origin = f.to_screen(Vector2::zeros());
    for i in 0..2 {
        let sigma = svd_now.sigma[i];
        let u = svd_now.u.column(i).into_owned();
        let tip = f.to_screen(u * sigma);
        f.painter
            .line_segment([origin, tip], Stroke::new(1.5, ellipse_col));
        if sigma > 1e-9 {
            let dir = (tip - origin).normalized();
            labels.add(
                Rank::Sigma,
                [
                    tip,
                    tip + dir * 14.0,
                    origin + (tip - origin) * 0.5,
                    tip - (tip - origin) * 2.0,
                ],
                format!("σ{} = {}", subscript(i + 1), fmt_num(sigma, 3)),
                13.0,
                ellipse_col,
            );
        }
    }
}

/// The unit square and its image, shaded by the sign of the determinant
/// `det_now` of the current matrix. Returns where its det label may go.
fn unit_square(f: &Frame2d, det_now: f64) -> Vec<Pos2> {
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
    let edge = if flipped { f.pal.flip } else { f.pal.keep };
    if flipped {
        image.reverse();
    }
    if f64::from(f.scale).powi(2) * det_now.abs() > 1.0 {
        f.painter.add(Shape::convex_polygon(
            image.clone(),
            f.pal.fill(flipped),
            Stroke::NONE,
        ));
    }
    // Edge by edge: a square squashed flat folds back on itself, where a
    // closed line's mitred joins would spike across the canvas.
    for k in 0..4 {
        f.painter
            .line_segment([image[k], image[(k + 1) % 4]], Stroke::new(1.5, edge));
    }
    [
        Vector2::new(0.5, 0.5),
        Vector2::new(0.75, 0.25),
        Vector2::new(0.25, 0.75),
        Vector2::new(0.9, 0.9),
        Vector2::new(0.1, 0.1),
    ]
    .iter()
    .map(|p| f.to_screen(f.m * p))
    .collect()
}

/// Eigenvectors of A: lines through the origin, each with the arrow M·v of
/// the current matrix M while that arrow lies on its line (always for the
/// straight path (1 − t)·I + t·A; a turning path turns it off the line, and
/// then only the line, which is A's, is drawn). Returns the arrows drawn, as
/// (the line's direction, the tip).
fn eigenvectors(f: &Frame2d, eigen: &Eigen2, labels: &mut Labels) -> Vec<(Vec<f64>, Vec<f64>)> {
    let eig: Vec<(f64, Vector2<f64>)> = match *eigen {
        Eigen2::Distinct { lambda, v } => vec![(lambda[0], v[0]), (lambda[1], v[1])],
        Eigen2::Defective { lambda, v } => vec![(lambda, v)],
        _ => Vec::new(),
    };
    let mut arrows = Vec::new();
    for (k, (lambda, v)) in eig.iter().enumerate() {
        let col = f.pal.eigen[k];
        let far = v * f.g * 2.0;
        f.painter.add(Shape::dashed_line(
            &[f.to_screen(-far), f.to_screen(far)],
            Stroke::new(1.5, col),
            8.0,
            5.0,
        ));
        let image = f.m * v;
        if on_line(&image, v) {
            let (from, to) = (f.to_screen(Vector2::zeros()), f.to_screen(image));
            arrow(&f.painter, from, to, 2.5, col);
            labels.keep_segment_clear(from, to, 2.5);
            arrows.push((vec![v.x, v.y], vec![image.x, image.y]));
        }
        labels.add(
            Rank::Eigen,
            f.along_line(*v, &LINE_SPOTS),
            format!("λ{} = {}", subscript(k + 1), fmt_num(*lambda, 3)),
            14.0,
            col,
        );
    }
    arrows
}

/// Whether `image` lies on the line through the origin along the unit vector `v`.
pub(super) fn on_line<const N: usize>(
    image: &nalgebra::SVector<f64, N>,
    v: &nalgebra::SVector<f64, N>,
) -> bool {
    let off = image - v * image.dot(v);
    off.norm() <= 1e-9 * image.norm().max(1.0)
}

/// A singular A: the line everything lands on, and the null space.
fn subspaces(f: &Frame2d, sub: &Subspaces<2>, labels: &mut Labels) {
    let warn = f.pal.column_space;
    let far = f.g * 2.0;
    if let Some(cs) = sub.column_space.first() {
        f.painter.line_segment(
            [f.to_screen(-cs * far), f.to_screen(cs * far)],
            Stroke::new(3.0, warn.gamma_multiply(0.8)),
        );
        labels.add(
            Rank::Subspace,
            f.along_line(-cs, &LINE_SPOTS),
            "column space: everything lands here".to_owned(),
            13.0,
            warn,
        );
    } else {
        let origin = f.to_screen(Vector2::zeros());
        f.painter.circle_filled(origin, 6.0, warn);
        labels.add(
            Rank::Subspace,
            [origin],
            "everything lands on the origin".to_owned(),
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
        labels.add(
            Rank::Subspace,
            f.along_line(ns, &LINE_SPOTS),
            "null space: sent to 0".to_owned(),
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
