//! The preset buttons: rotations, scales, shears, reflections, projections,
//! singular and random matrices.

use egui::{RichText, Ui};
use nalgebra::{Matrix2, Matrix3, Vector3};

use super::TransformView;
use super::rows::to_rows;
use crate::math::transform::{self as tf, preset2, preset3};
use crate::scene::TransformMode;

/// A preset: its button, its tooltip and its matrix.
type Preset<M> = (&'static str, &'static str, M);

impl TransformView {
    pub(super) fn presets_ui(&mut self, ui: &mut Ui) {
        ui.label(RichText::new("Presets").strong());
        ui.horizontal(|ui| {
            let l = ui.label("θ");
            ui.add(
                egui::DragValue::new(&mut self.theta_deg)
                    .speed(1.0)
                    .range(-360.0..=360.0)
                    .suffix("°"),
            )
            .labelled_by(l.id)
            .on_hover_text(
                "Angle of the rotation, or of the line reflected across or projected onto",
            );
            let l = ui.label("k");
            ui.add(
                egui::DragValue::new(&mut self.k)
                    .speed(0.05)
                    .range(-10.0..=10.0)
                    .max_decimals(2),
            )
            .labelled_by(l.id)
            .on_hover_text("Amount of the shear");
        });
        let theta = self.theta_deg.to_radians();
        let k = self.k;
        let mut picked: Option<Vec<Vec<f64>>> = None;
        ui.horizontal_wrapped(|ui| match self.settings.mode {
            TransformMode::Plane => {
                let presets = presets_2d(theta, k);
                for (name, help, m) in presets {
                    if ui.button(name).on_hover_text(help).clicked() {
                        picked = Some(to_rows(&m));
                    }
                }
                if ui
                    .button("Random")
                    .on_hover_text("A random matrix (entries multiples of 0.1 in [−2, 2])")
                    .clicked()
                {
                    self.seed = self.seed.wrapping_add(1);
                    picked = Some(to_rows(&tf::random::<2>(self.seed)));
                }
            }
            TransformMode::Space => {
                let presets = presets_3d(theta, k);
                for (name, help, m) in presets {
                    if ui.button(name).on_hover_text(help).clicked() {
                        picked = Some(to_rows(&m));
                    }
                }
                if ui
                    .button("Random")
                    .on_hover_text("A random matrix (entries multiples of 0.1 in [−2, 2])")
                    .clicked()
                {
                    self.seed = self.seed.wrapping_add(1);
                    picked = Some(to_rows(&tf::random::<3>(self.seed)));
                }
            }
        });
        if let Some(rows) = picked {
            self.set_edited(rows);
            // Play the new matrix from the identity.
            self.settings.progress = 0.0;
            self.playing = true;
        }
    }
}

/// The plane's presets for the angle `theta` (radians) and shear `k`.
fn presets_2d(theta: f64, k: f64) -> [Preset<Matrix2<f64>>; 9] {
    [
        ("Rotation", "Rotation by θ", preset2::rotation(theta)),
        ("Scale", "Uniform scale by 1.5", preset2::scale(1.5, 1.5)),
        (
            "Stretch",
            "Non-uniform scale: 1.5 along x, 0.5 along y",
            preset2::scale(1.5, 0.5),
        ),
        (
            "Shear x",
            "Horizontal shear [[1, k], [0, 1]]",
            preset2::shear_x(k),
        ),
        (
            "Shear y",
            "Vertical shear [[1, 0], [k, 1]]",
            preset2::shear_y(k),
        ),
        (
            "Reflection",
            "Reflection across the line at angle θ",
            preset2::reflection(theta),
        ),
        (
            "Projection",
            "Projection onto the line at angle θ",
            preset2::projection(theta),
        ),
        (
            "Singular",
            "A rank-1 matrix: the plane collapses onto a line",
            Matrix2::new(1.0, 2.0, 0.5, 1.0),
        ),
        (
            "Zero",
            "The zero matrix: everything goes to the origin",
            Matrix2::zeros(),
        ),
    ]
}

/// Space's presets for the angle `theta` (radians) and shear `k`.
fn presets_3d(theta: f64, k: f64) -> [Preset<Matrix3<f64>>; 10] {
    use preset3::Axis;
    [
        (
            "Rotate x",
            "Rotation by θ about the x-axis",
            preset3::rotation_x(theta),
        ),
        (
            "Rotate y",
            "Rotation by θ about the y-axis",
            preset3::rotation_y(theta),
        ),
        (
            "Rotate z",
            "Rotation by θ about the z-axis",
            preset3::rotation_z(theta),
        ),
        (
            "Scale",
            "Scale by 1.5, 1 and 0.5 along x, y, z",
            preset3::scale(1.5, 1.0, 0.5),
        ),
        (
            "Shear",
            "x gains k·y: [[1, k, 0], [0, 1, 0], [0, 0, 1]]",
            preset3::shear(Axis::X, Axis::Y, k),
        ),
        (
            "Reflection",
            "Reflection across the plane z = 0",
            preset3::reflection(&Vector3::z()),
        ),
        (
            "Project on plane",
            "Projection onto the plane x + y + z = 0",
            preset3::projection_onto_plane(&Vector3::new(1.0, 1.0, 1.0)),
        ),
        (
            "Project on line",
            "Projection onto the line along (1, 1, 1)",
            preset3::projection_onto_line(&Vector3::new(1.0, 1.0, 1.0)),
        ),
        (
            "Singular",
            "A rank-2 matrix: space collapses onto a plane",
            Matrix3::new(1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 2.0),
        ),
        ("Zero", "The zero matrix", Matrix3::zeros()),
    ]
}
