//! The 3D canvas: an orbit view of space bent by the current matrix, drawn
//! from the prepared math. Each helper draws one layer, in this order: axes,
//! grid, unit cube and its image, the unit sphere's semi-axes, eigenvector
//! lines, the null space of a singular A, the data, î ĵ k̂, caption and legend.

use egui::{Align2, Color32, Shape, Stroke, Ui, Vec2, pos2, vec2};
use nalgebra::{Matrix3, Vector3};

use super::format::{caption, fmt_vec, subscript};
use super::points::{Points, point_color};
use super::prepare::{Ready, cube};
use super::rows::clean;
use super::{
    BASIS_COLORS, BASIS_NAMES, EIGEN_COLORS, FLIP_FILL, FLIP_STROKE, KEEP_FILL, KEEP_STROKE,
};
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
}

impl Space {
    fn p(&self, v: Vector3<f64>) -> [f32; 3] {
        [
            (v.x * self.k) as f32,
            (v.y * self.k) as f32,
            (v.z * self.k) as f32,
        ]
    }
}

impl Canvas3d<'_> {
    /// Draws the canvas; the camera lives in `s`.
    pub(super) fn show(&self, ui: &mut Ui, size: Vec2, s: &mut TransformSettings) {
        let ext = self.prepared.fit;
        let (show_grid, show_eigen, show_circle, animation, progress) = (
            s.show_grid,
            s.show_eigenvectors,
            s.show_circle,
            s.animation,
            s.progress,
        );
        let dark = ui.visuals().dark_mode;
        let math = self.prepared.math;
        let frame = &self.prepared.frame;
        OrbitView::new("transform-orbit", &mut s.camera, self.home).show(ui, size, |scene| {
            let w = Space {
                ext,
                k: 1.0 / ext.min(100.0),
                m: frame.matrix,
                dark,
                text: scene.text_color(),
            };
            axes(scene, &w);
            if show_grid {
                grid(scene, &w);
            }
            unit_cube(scene, &w, frame.det);
            if show_circle || animation == TransformAnimation::Svd {
                semi_axes(scene, &w, &frame.svd);
            }
            if show_eigen && math.steps.len() < 2 {
                eigenvectors(scene, &w, &math.eigen);
            }
            if math.subspaces.rank < 3 && progress >= 1.0 {
                null_space(scene, &w, &math.subspaces);
            }
            if let Some(pts) = self.points {
                data(scene, &w, pts, self.label);
            }
            basis(scene, &w);
            let rect = scene.proj.rect();
            scene.overlay_text(
                rect.left_top() + vec2(10.0, 8.0),
                Align2::LEFT_TOP,
                &caption(frame.stage, animation, progress, math.svd.sigma.as_slice()),
                14.0,
                w.text,
            );
            if let Some(l) = self.label.filter(|_| self.points.is_some()) {
                legend(scene, &w, l);
            }
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
    let grid = if w.dark {
        Color32::from_rgba_unmultiplied(86, 180, 233, 70)
    } else {
        Color32::from_rgba_unmultiplied(0, 114, 178, 60)
    };
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
/// sign of the determinant `det_now` of the current matrix.
fn unit_cube(scene: &mut Scene3d, w: &Space, det_now: f64) {
    let cube = cube();
    let faint = w.text.gamma_multiply(0.3);
    for (i, j) in EDGES {
        scene.line(w.p(cube[i]), w.p(cube[j]), Stroke::new(1.0, faint));
    }
    let (fill, edge) = if det_now < 0.0 {
        (FLIP_FILL, FLIP_STROKE)
    } else {
        (KEEP_FILL, KEEP_STROKE)
    };
    for f in FACES {
        let corners: Vec<[f32; 3]> = f.iter().map(|&i| w.p(w.m * cube[i])).collect();
        scene.polygon(&corners, fill.gamma_multiply(0.6), Stroke::NONE);
    }
    for (i, j) in EDGES {
        scene.line(
            w.p(w.m * cube[i]),
            w.p(w.m * cube[j]),
            Stroke::new(1.5, edge),
        );
    }
    scene.label(
        w.p(w.m * Vector3::new(0.5, 0.5, 0.5)),
        &format!(
            "det = {}{}",
            fmt_num(clean(det_now), 3),
            if det_now < 0.0 { " (flipped)" } else { "" }
        ),
        edge,
        14.0,
    );
}

/// The unit sphere's image: its semi-axes σᵢ·uᵢ (`d` is the SVD of the
/// current matrix).
fn semi_axes(scene: &mut Scene3d, w: &Space, d: &Svd<3>) {
    let col = Color32::from_rgb(204, 121, 167);
    for i in 0..3 {
        let u = d.u.column(i).into_owned() * d.sigma[i];
        scene.arrow(
            [0.0; 3],
            w.p(u),
            2.0,
            col,
            Some(&format!(
                "σ{} = {}",
                subscript(i + 1),
                fmt_num(d.sigma[i], 3)
            )),
        );
    }
}

/// Eigenvector lines of A, with the arrow A·v on each.
fn eigenvectors(scene: &mut Scene3d, w: &Space, eigen: &Eigen3) {
    let mut lines: Vec<(f64, Vector3<f64>)> = Vec::new();
    for r in &eigen.real {
        if r.vectors.len() < 3 {
            lines.extend(r.vectors.iter().map(|v| (r.lambda, *v)));
        }
    }
    for (idx, (lambda, v)) in lines.iter().enumerate() {
        let col = EIGEN_COLORS[idx % 3];
        scene.dashed(w.p(-v * w.ext), w.p(v * w.ext), Stroke::new(1.5, col));
        scene.arrow([0.0; 3], w.p(w.m * v), 2.5, col, None);
        scene.label(
            w.p(v * w.ext * 0.9),
            &format!("λ = {}", fmt_num(*lambda, 3)),
            col,
            13.0,
        );
    }
}

/// A singular A: the null space, sent to 0.
fn null_space(scene: &mut Scene3d, w: &Space, sub: &Subspaces<3>) {
    for v in &sub.null_space {
        scene.dashed(
            w.p(-v * w.ext),
            w.p(v * w.ext),
            Stroke::new(2.0, w.text.gamma_multiply(0.7)),
        );
        scene.label(w.p(v * w.ext * 0.8), "null space", w.text, 13.0);
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
fn basis(scene: &mut Scene3d, w: &Space) {
    for j in 0..3 {
        let col = w.m.column(j).into_owned();
        scene.arrow(
            [0.0; 3],
            w.p(col),
            3.0,
            BASIS_COLORS[j],
            Some(&format!(
                "{} {}",
                BASIS_NAMES[j],
                fmt_vec(&[clean(col.x), clean(col.y), clean(col.z)])
            )),
        );
    }
}

/// The colour legend of the points, bottom right.
fn legend(scene: &mut Scene3d, w: &Space, l: &LabelColumn) {
    let rect = scene.proj.rect();
    let mut y = rect.bottom() - 10.0 - 18.0 * l.categories.len() as f32;
    for (c, name) in l.categories.iter().enumerate() {
        let q = pos2(rect.right() - 150.0, y);
        scene.overlay(Shape::circle_filled(q, 5.0, category_color(c)));
        scene.overlay_text(q + vec2(10.0, 0.0), Align2::LEFT_CENTER, name, 13.0, w.text);
        y += 18.0;
    }
}
