//! The toolbar (mode, animation, what is shown, data columns) and the
//! playback row under the canvas.

use egui::Ui;

use super::TransformView;
use super::format::{animation_help, animation_title};
use super::points::data_columns;
use super::rows::resize;
use crate::data::Dataset;
use crate::scene::{TransformAnimation, TransformMode};

impl TransformView {
    pub(super) fn toolbar(&mut self, ui: &mut Ui, ds: &Dataset) {
        let s = &mut self.settings;
        // Wrapped: at 1024 points wide with the data's column pickers the
        // row is wider than the window, and nothing may be cut off.
        ui.horizontal_wrapped(|ui| {
            ui.heading("Matrix as a map");
            ui.add_space(12.0);
            let mut mode = s.mode;
            ui.selectable_value(&mut mode, TransformMode::Plane, "2D")
                .on_hover_text("A 2×2 matrix acting on the plane");
            ui.selectable_value(&mut mode, TransformMode::Space, "3D")
                .on_hover_text("A 3×3 matrix acting on space");
            if mode != s.mode {
                s.mode = mode;
                let n = mode.n();
                s.matrix = resize(&s.matrix, n);
                for m in &mut s.steps {
                    *m = resize(m, n);
                }
            }
            ui.add_space(8.0);
            let anim_label = ui.label("animation");
            egui::ComboBox::from_id_salt("transform-animation")
                .selected_text(animation_title(s.animation))
                .show_ui(ui, |ui| {
                    for a in [
                        TransformAnimation::Linear,
                        TransformAnimation::Polar,
                        TransformAnimation::Svd,
                    ] {
                        ui.selectable_value(&mut s.animation, a, animation_title(a))
                            .on_hover_text(animation_help(a));
                    }
                })
                .response
                .labelled_by(anim_label.id);
            ui.add_space(8.0);
            ui.checkbox(&mut s.show_grid, "Grid");
            ui.checkbox(&mut s.show_eigenvectors, "Eigenvectors");
            // The SVD steps always draw the circle (it is what they turn and
            // stretch): the box then shows ticked, and is kept as set.
            let svd = s.animation == TransformAnimation::Svd;
            let mut circle = s.show_circle || svd;
            let circle_box = ui.add_enabled(!svd, egui::Checkbox::new(&mut circle, "Unit circle"));
            if !svd {
                s.show_circle = circle;
            }
            circle_box
                .on_hover_text("The unit circle (sphere) and its image: an ellipse whose semi-axes are the singular values")
                .on_disabled_hover_text("The SVD steps always show the unit circle: it is what they turn and stretch");
            let has_points = ds.columns.len() >= s.mode.n();
            // Without points the box shows unticked; the setting is kept.
            let mut shown = s.show_data && has_points;
            let data_box = ui.add_enabled(has_points, egui::Checkbox::new(&mut shown, "Data"));
            if has_points {
                s.show_data = shown;
            }
            data_box
                .on_hover_text("Apply the matrix to the dataset's points (standardized columns)")
                .on_disabled_hover_text(format!(
                    "Choose a table with at least {} numeric columns on the left to move its points",
                    s.mode.n()
                ));
            if s.show_data && has_points {
                let names = ds.column_names();
                let chosen = data_columns(s, ds);
                let n = s.mode.n();
                for (k, key) in ["x", "y", "z"].into_iter().enumerate().take(n) {
                    let current = chosen.get(k).cloned().unwrap_or_default();
                    let mut pick = current.clone();
                    let l = ui.label(key);
                    egui::ComboBox::from_id_salt(("transform-col", key))
                        .selected_text(&pick)
                        .width(110.0)
                        .show_ui(ui, |ui| {
                            for c in &names {
                                ui.selectable_value(&mut pick, (*c).to_owned(), *c);
                            }
                        })
                        .response
                        .labelled_by(l.id);
                    if pick != current {
                        let slot = match k {
                            0 => &mut s.x,
                            1 => &mut s.y,
                            _ => &mut s.z,
                        };
                        *slot = Some(pick);
                    }
                }
            }
        });
    }

    pub(super) fn playback(&mut self, ui: &mut Ui) {
        let s = &mut self.settings;
        ui.horizontal(|ui| {
            let play_label = if self.playing {
                "‖ Pause"
            } else {
                "▶ Play"
            };
            if ui.button(play_label).clicked() {
                if !self.playing && s.progress >= 1.0 {
                    s.progress = 0.0;
                }
                self.playing = !self.playing;
            }
            ui.spacing_mut().slider_width = (ui.available_width() - 220.0).max(80.0);
            let slider = ui.add(
                egui::Slider::new(&mut s.progress, 0.0..=1.0)
                    .show_value(false)
                    .text("I → A"),
            );
            if slider.dragged() {
                self.playing = false;
            }
            let speed_label = ui.label("speed");
            egui::ComboBox::from_id_salt("transform-speed")
                .selected_text(format!("{}×", self.speed))
                .width(60.0)
                .show_ui(ui, |ui| {
                    for v in [0.25, 0.5, 1.0, 2.0, 4.0] {
                        ui.selectable_value(&mut self.speed, v, format!("{v}×"));
                    }
                })
                .response
                .labelled_by(speed_label.id);
        });
    }
}
