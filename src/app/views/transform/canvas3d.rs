//! The 3D canvas: an orbit view of space bent by the current matrix, drawn
//! from the prepared math. Each helper draws one layer, in this order: axes,
//! grid, unit cube and its image, the unit sphere's semi-axes, eigenvector
//! lines, the null space of a singular A, the data, î ĵ k̂, caption and legend.

use egui::{Align2, Color32, FontId, Pos2, Rect, Shape, Stroke, Ui, Vec2, pos2, vec2};
use nalgebra::{Matrix3, Vector3};

use super::canvas2d::on_line;
use super::format::{caption, fmt_vec, subscript};
use super::paint::{Labels, Rank};
use super::points::{Points, point_color};
use super::prepare::{Ready, cube};
use super::rows::{clean, to_rows};
use super::{BASIS_NAMES, Drawn, Palette};
use crate::app::style::{category_color, fmt_num};
use crate::app::widgets::{OrbitView, Scene3d};
use crate::data::LabelColumn;
use crate::math::transform::{Eigen3, Subspaces, Svd};
use crate::scene::{CameraSettings, TransformAnimation, TransformSettings};

/// The edges of the unit cube, as pairs of corners of [`cube`].
const EDGES: [(usize, usize); 12] = [
    (0, 1),
    (2, 3),
    (4, 5),
    (6, 7),
    (0, 2),
    (1, 3),
    (4, 6),
    (5, 7),
    (0, 4),
    (1, 5),
    (2, 6),
    (3, 7),
];

/// The faces of the unit cube, as corners of [`cube`].
const FACES: [[usize; 4]; 6] = [
    [0, 1, 3, 2],
    [4, 5, 7, 6],
    [0, 1, 5, 4],
    [2, 3, 7, 6],
    [0, 2, 6, 4],
    [1, 3, 7, 5],
];

/// What the 3D canvas draws.
pub(super) struct Canvas3d<'a> {
    pub prepared: Ready<'a, 3>,
    pub points: Option<&'a Points>,
    pub label: Option<&'a LabelColumn>,
    /// Where Home puts the camera.
    pub home: CameraSettings,
}

/// The world's scale and the colours, shared by the layers.
struct Space {
    /// The radius of the world; everything is divided by it (at most 100).
    ext: f64,
    k: f64,
    /// The matrix now.
    m: Matrix3<f64>,
    dark: bool,
    text: Color32,
    pal: Palette,
}

impl Space {
    fn p(&self, v: Vector3<f64>) -> [f32; 3] {
        [
            (v.x * self.k) as f32,
            (v.y * self.k) as f32,
            (v.z * self.k) as f32,
        ]
    }

    /// Where the world point `v` lands on screen, if in front of the camera.
    fn screen(&self, scene: &Scene3d, v: Vector3<f64>) -> Option<Pos2> {
        scene.proj.project(self.p(v)).map(|q| q.pos)
    }

    /// An arrow from the origin to `v`, kept clear of labels.
    fn arrow(
        &self,
        scene: &mut Scene3d,
        labels: &mut Labels,
        v: Vector3<f64>,
        width: f32,
        col: Color32,
    ) {
        scene.arrow([0.0; 3], self.p(v), width, col, None);
        if let (Some(a), Some(b)) = (self.screen(scene, Vector3::zeros()), self.screen(scene, v)) {
            labels.keep_segment_clear(a, b, width);
        }
    }
}

impl Canvas3d<'_> {
    /// Draws the canvas and records in `drawn` what it drew; the camera
    /// lives in `s`.
    pub(super) fn show(
        &self,
        ui: &mut Ui,
        size: Vec2,
        s: &mut TransformSettings,
        drawn: &mut Drawn,
    ) {
        let ext = self.prepared.fit;
        let (show_grid, show_eigen, show_circle, animation, progress) = (
            s.show_grid,
            s.show_eigenvectors,
            s.show_circle,
            s.animation,
            s.progress,
        );
        let dark = ui.visuals().dark_mode;
        let label_bg = ui.visuals().extreme_bg_color.gamma_multiply(0.8);
        let ctx = ui.ctx().clone();
        let math = self.prepared.math;
        let frame = &self.prepared.frame;
        drawn.matrix = to_rows(&frame.matrix);
        drawn.eigen_arrows.clear();
        OrbitView::new("transform-orbit", &mut s.camera, self.home).show(ui, size, |scene| {
            let w = Space {
                ext,
                k: 1.0 / ext.min(100.0),
                m: frame.matrix,
                dark,
                text: scene.text_color(),
                pal: Palette::of(dark),
            };
            let rect = scene.proj.rect();
            let mut labels = Labels::default();
            // The projection switch (top right) and the gizmo (bottom left).
            labels.keep_clear(Rect::from_min_size(
                rect.right_top() + vec2(-122.0, 2.0),
                vec2(120.0, 28.0),
            ));
            labels.keep_clear(Rect::from_min_size(
                rect.left_bottom() + vec2(0.0, -90.0),
                vec2(90.0, 90.0),
            ));
            let svd = &math.svd;
            let words = caption(
                frame.stage,
                frame.t,
                animation,
                progress,
                svd.sigma.as_slice(),
                svd.flips(),
            );
            let galley = ctx.fonts_mut(|f| {
                f.layout(
                    words.clone(),
                    FontId::proportional(14.0),
                    w.text,
                    (rect.width() - 150.0).max(40.0),
                )
            });
            let at = rect.left_top() + vec2(10.0, 8.0);
            let backing = Rect::from_min_size(at, galley.size()).expand(2.0);
            labels.keep_clear(backing);
            scene.overlay(Shape::rect_filled(backing, 3.0, label_bg));
            scene.overlay(Shape::galley(at, galley, w.text));
            drawn.caption = words;
            axes(scene, &w);
            if show_grid {
                grid(scene, &w);
            }
            let det_at = unit_cube(scene, &w, frame.det);
            if show_circle || animation == TransformAnimation::Svd {
                semi_axes(scene, &w, &frame.svd, &mut labels);
            }
            if show_eigen && math.steps.len() < 2 {
                drawn.eigen_arrows = eigenvectors(scene, &w, &math.eigen, &mut labels);
            }
            if math.subspaces.rank < 3 && progress >= 1.0 {
                null_space(scene, &w, &math.subspaces, &mut labels);
            }
            if let Some(pts) = self.points {
                data(scene, &w, pts, self.label);
            }
            if let Some(l) = self.label.filter(|_| self.points.is_some()) {
                labels.keep_clear(legend(scene, &w, l));
            }
            basis(scene, &w, &mut labels);
            let det_now = frame.det;
            labels.add(
                Rank::Det,
                det_at,
                super::format::det_label(det_now),
                14.0,
                if det_now < 0.0 {
                    w.pal.flip
                } else {
                    w.pal.keep
                },
            );
            let (shapes, placed) = labels.place(&ctx, rect, label_bg);
            for shape in shapes {
                scene.overlay(shape);
            }
            drawn.plot = rect;
            drawn.labels = placed;
        });
    }
}

/// The original axes, faint.
fn axes(scene: &mut Scene3d, w: &Space) {
    let faint = w.text.gamma_multiply(0.3);
    for i in 0..3 {
        let mut e = Vector3::zeros();
        e[i] = w.ext;
        scene.dashed(w.p(-e), w.p(e), Stroke::new(1.0, faint));
    }
}

/// Images of the grid lines of the three coordinate planes, −2..=2.
fn grid(scene: &mut Scene3d, w: &Space) {
    let grid = w.pal.grid;
    for normal in 0..3 {
        let (u, v) = ((normal + 1) % 3, (normal + 2) % 3);
        for i in -2..=2 {
            let x = f64::from(i);
            for (along, across) in [(u, v), (v, u)] {
                let mut from = Vector3::zeros();
                let mut to = Vector3::zeros();
                from[along] = x;
                to[along] = x;
                from[across] = -2.0;
                to[across] = 2.0;
                scene.line(w.p(w.m * from), w.p(w.m * to), Stroke::new(1.0, grid));
            }
        }
    }
}

/// The unit cube, faint, and its image, the parallelepiped, shaded by the
/// sign of the determinant `det_now` of the current matrix. Returns where
/// its det label may go.
fn unit_cube(scene: &mut Scene3d, w: &Space, det_now: f64) -> Vec<Pos2> {
    let cube = cube();
    let faint = w.text.gamma_multiply(0.3);
    for (i, j) in EDGES {
        scene.line(w.p(cube[i]), w.p(cube[j]), Stroke::new(1.0, faint));
    }
    let flipped = det_now < 0.0;
    let (fill, edge) = (
        w.pal.fill(flipped),
        if flipped { w.pal.flip } else { w.pal.keep },
    );
    for f in FACES {
        let corners: Vec<[f32; 3]> = f.iter().map(|&i| w.p(w.m * cube[i])).collect();
        scene.polygon(&corners, fill, Stroke::NONE);
    }
    for (i, j) in EDGES {
        scene.line(
            w.p(w.m * cube[i]),
            w.p(w.m * cube[j]),
            Stroke::new(1.5, edge),
        );
    }
    [
        Vector3::new(0.5, 0.5, 0.5),
        Vector3::new(0.8, 0.2, 0.5),
        Vector3::new(0.2, 0.8, 0.5),
        Vector3::new(0.5, 0.5, 0.9),
        Vector3::new(1.0, 1.0, 1.0),
    ]
    .iter()
    .filter_map(|p| w.screen(scene, w.m * p))
    .collect()
}

/// The unit sphere's image: its semi-axes σᵢ·uᵢ (`d` is the SVD of the
/// current matrix).
fn semi_axes(scene: &mut Scene3d, w: &Space, d: &Svd<3>, labels: &mut Labels) {
    let col = w.pal.sigma;
    for i in 0..3 {
        let u = d.u.column(i).into_owned() * d.sigma[i];
        w.arrow(scene, labels, u, 2.0, col);
        if d.sigma[i] > 1e-9
            && let Some(tip) = w.screen(scene, u)
        {
            labels.add(
                Rank::Sigma,
                [tip],
                format!("σ{} = {}", subscript(i + 1), fmt_num(d.sigma[i], 3)),
                13.0,
                col,
            );
        }
    }
}

/// Eigenvector lines of A, each with the arrow M·v of the current matrix M
/// while it lies on its line (as in 2D). Returns the arrows drawn, as (the
/// line's direction, the tip).
fn eigenvectors(
    scene: &mut Scene3d,
    w: &Space,
    eigen: &Eigen3,
    labels: &mut Labels,
) -> Vec<(Vec<f64>, Vec<f64>)> {
    let mut lines: Vec<(usize, f64, Vector3<f64>)> = Vec::new();
    for (k, r) in eigen.real.iter().enumerate() {
        if r.vectors.len() < 3 {
            lines.extend(r.vectors.iter().map(|v| (k, r.lambda, *v)));
        }
    }
    let mut arrows = Vec::new();
    for (k, lambda, v) in &lines {
        let col = w.pal.eigen[k % 3];
        scene.dashed(w.p(-v * w.ext), w.p(v * w.ext), Stroke::new(1.5, col));
        let image = w.m * v;
        if on_line(&image, v) {
            w.arrow(scene, labels, image, 2.5, col);
            arrows.push((v.as_slice().to_vec(), image.as_slice().to_vec()));
        }
        let spots: Vec<Pos2> = [0.9, 0.7, 0.5, -0.9, -0.7, -0.5, 0.3, -0.3]
            .iter()
            .filter_map(|&f| w.screen(scene, v * w.ext * f))
            .collect();
        labels.add(
            Rank::Eigen,
            spots,
            format!("λ{} = {}", subscript(k + 1), fmt_num(*lambda, 3)),
            13.0,
            col,
        );
    }
    arrows
}

/// A singular A: the null space, sent to 0.
fn null_space(scene: &mut Scene3d, w: &Space, sub: &Subspaces<3>, labels: &mut Labels) {
    for v in &sub.null_space {
        scene.dashed(
            w.p(-v * w.ext),
            w.p(v * w.ext),
            Stroke::new(2.0, w.text.gamma_multiply(0.7)),
        );
        let spots: Vec<Pos2> = [0.8, 0.6, -0.8, -0.6, 0.4, -0.4]
            .iter()
            .filter_map(|&f| w.screen(scene, v * w.ext * f))
            .collect();
        labels.add(Rank::Subspace, spots, "null space".to_owned(), 13.0, w.text);
    }
}

/// The data, moving with the animation.
fn data(scene: &mut Scene3d, w: &Space, pts: &Points, label: Option<&LabelColumn>) {
    let radius = if pts.xyz.len() > 5_000 { 1.5 } else { 3.0 };
    for (q, &r) in pts.xyz.iter().zip(&pts.rows) {
        scene.point(
            w.p(w.m * Vector3::new(q[0], q[1], q[2])),
            radius,
            point_color(label, r, w.dark),
        );
    }
}

/// î ĵ k̂: the columns of the current matrix.
fn basis(scene: &mut Scene3d, w: &Space, labels: &mut Labels) {
    let origin = w.screen(scene, Vector3::zeros());
    for (j, name) in BASIS_NAMES.iter().enumerate() {
        let col = w.m.column(j).into_owned();
        let color = w.pal.basis[j];
        w.arrow(scene, labels, col, 3.0, color);
        if let (Some(o), Some(tip)) = (origin, w.screen(scene, col)) {
            let dir = if (tip - o).length() > 1.0 {
                (tip - o).normalized()
            } else {
                vec2(1.0, 0.0)
            };
            labels.add(
                Rank::Basis,
                [tip, tip + dir * 16.0, tip - dir * 24.0],
                format!(
                    "{name} {}",
                    fmt_vec(&[clean(col.x), clean(col.y), clean(col.z)])
                ),
                14.0,
                color,
            );
        }
    }
}

/// The colour legend of the points, bottom right. Returns the area it covers.
fn legend(scene: &mut Scene3d, w: &Space, l: &LabelColumn) -> Rect {
    let rect = scene.proj.rect();
    let top = rect.bottom() - 10.0 - 18.0 * l.categories.len() as f32;
    let mut y = top;
    for (c, name) in l.categories.iter().enumerate() {
        let q = pos2(rect.right() - 150.0, y);
        scene.overlay(Shape::circle_filled(q, 5.0, category_color(c)));
        scene.overlay_text(q + vec2(10.0, 0.0), Align2::LEFT_CENTER, name, 13.0, w.text);
        y += 18.0;
    }
    Rect::from_min_max(pos2(rect.right() - 160.0, top - 10.0), rect.right_bottom())
}
