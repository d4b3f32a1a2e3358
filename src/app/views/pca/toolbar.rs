//! The PCA view's toolbar: the dataset's name, the columns analysed,
//! Standardize and the label that colours the points.

use egui::{RichText, Ui};

use super::{PcaView, color_label, effective_columns};
use crate::data::Dataset;

impl PcaView {
    pub(super) fn toolbar(&mut self, ui: &mut Ui, ds: &Dataset) {
        let s = &mut self.settings;
        ui.horizontal(|ui| {
            ui.heading(&ds.name);
            ui.add_space(12.0);
            let chosen = effective_columns(s, ds);
            let names = ds.column_names();
            let title = format!("Columns ({} of {})", chosen.len(), names.len());
            ui.menu_button(title, |ui| {
                ui.label(RichText::new("Three columns tell the 3D story; any two or more work.").weak());
                let mut picked = chosen.clone();
                for n in &names {
                    let mut on = picked.iter().any(|c| c == n);
                    let can_turn_off = picked.len() > 2;
                    let response = ui.add_enabled(
                        !on || can_turn_off,
                        egui::Checkbox::new(&mut on, *n),
                    );
                    if response.changed() {
                        if on {
                            picked.push((*n).to_owned());
                        } else {
                            picked.retain(|c| c != n);
                        }
                    }
                }
                if picked != chosen {
                    // Keep the dataset's column order.
                    s.columns = names
                        .iter()
                        .filter(|n| picked.iter().any(|c| c == *n))
                        .map(|n| (*n).to_owned())
                        .collect();
                }
            })
            .response
            .on_hover_text(chosen.join(", "));
            ui.checkbox(&mut s.standardize, "Standardize")
                .on_hover_text("Divide every column by its standard deviation first (z-scores): PCA of the correlation matrix. Use it when columns have different units or scales.");
            ui.add_space(8.0);
            let colour_label = ui.label("colour by");
            let current = color_label(s, ds).map_or("none", |l| l.name.as_str()).to_owned();
            let mut color = current.clone();
            egui::ComboBox::from_id_salt("pca-colour")
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
                s.color = Some(if color == "none" { String::new() } else { color });
            }
        });
    }
}
