//! The toolbar: the dataset's size, 2D or 3D, the components on the axes,
//! the colour column and names on or off.

use egui::{RichText, Ui};

use super::EmbeddingsView;
use super::lookup::{color_column, effective_dims};
use crate::app::style::fmt_count;
use crate::app::views::projector::Projector;
use crate::data::Dataset;
use crate::scene::{EmbeddingsMode, EmbeddingsSettings, ProjectionMethod};

impl EmbeddingsView {
    pub(super) fn toolbar(&mut self, ui: &mut Ui, ds: &Dataset) {
        let s = &mut self.settings;
        ui.horizontal_wrapped(|ui| {
            ui.heading(&ds.name);
            let d = effective_dims(s, ds).len();
            ui.label(
                RichText::new(format!(
                    "{} {} × {} dimensions",
                    fmt_count(ds.n_rows),
                    if ds.n_rows == 1 { "vector" } else { "vectors" },
                    fmt_count(d)
                ))
                .weak(),
            );
            ui.add_space(12.0);
            ui.selectable_value(&mut s.mode, EmbeddingsMode::Plane, "2D")
                .on_hover_text("A map in two dimensions: a scatter plot");
            if ui
                .add_enabled(
                    d >= 3,
                    egui::Button::selectable(s.mode == EmbeddingsMode::Space, "3D"),
                )
                .on_hover_text("A map in three dimensions: drag to turn")
                .on_disabled_hover_text("3D needs vectors of three or more dimensions")
                .clicked()
            {
                s.mode = EmbeddingsMode::Space;
            }
            ui.add_space(8.0);
            ui.separator();
            Projector::switch_ui(ui, &mut s.projection);
            ui.separator();
            if s.projection.method == ProjectionMethod::Pca {
                axis_choosers(ui, s, d);
            }
            ui.add_space(8.0);
            colour_chooser(ui, s, ds);
            ui.checkbox(&mut s.labels, "names")
                .on_hover_text("Write names beside the points where they do not collide");
        });
    }
}

/// A PC chooser per shown axis; choosing one another axis has swaps them.
fn axis_choosers(ui: &mut Ui, s: &mut EmbeddingsSettings, d: usize) {
    let shown = if s.mode == EmbeddingsMode::Space {
        3
    } else {
        2
    };
    if s.components.len() < shown {
        for c in 1..=d.max(1) {
            if s.components.len() >= shown {
                break;
            }
            if !s.components.contains(&c) {
                s.components.push(c);
            }
        }
    }
    for (axis, slot) in ["x", "y", "z"].iter().zip(0..shown) {
        let Some(current) = s.components.get(slot).copied() else {
            continue;
        };
        let l = ui.label(*axis);
        let mut chosen = current;
        egui::ComboBox::from_id_salt(("embeddings-axis", slot))
            .selected_text(format!("PC{current}"))
            .width(58.0)
            .show_ui(ui, |ui| {
                for c in 1..=d.clamp(1, 50) {
                    ui.selectable_value(&mut chosen, c, format!("PC{c}"));
                }
            })
            .response
            .labelled_by(l.id);
        if chosen != current {
            // Swap with the axis that had it, so the three stay distinct.
            if let Some(other) = s.components.iter().position(|&c| c == chosen) {
                s.components[other] = current;
            }
            s.components[slot] = chosen;
        }
    }
}

/// The colour column chooser ("none" switches colouring off).
fn colour_chooser(ui: &mut Ui, s: &mut EmbeddingsSettings, ds: &Dataset) {
    let colour_label = ui.label("colour by");
    let current = color_column(s, ds)
        .map_or("none", |l| l.name.as_str())
        .to_owned();
    let mut color = current.clone();
    egui::ComboBox::from_id_salt("embeddings-colour")
        .selected_text(&color)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut color, "none".to_owned(), "none");
            for l in &ds.labels {
                ui.selectable_value(&mut color, l.name.clone(), &l.name);
            }
        })
        .response
        .labelled_by(colour_label.id);
    if color != current {
        s.color = Some(if color == "none" {
            String::new()
        } else {
            color
        });
    }
}
