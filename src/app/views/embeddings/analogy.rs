//! The analogy panel: a − b + c ≈ ? typed as three names, the best answer
//! and the next ones (computed by [`VectorIndex::analogy`]).
//!
//! [`VectorIndex::analogy`]: crate::math::similarity::VectorIndex::analogy

use egui::{RichText, Ui};

use super::EmbeddingsView;
use super::lookup::{find_row, fmt_score};
use crate::data::{Dataset, LabelColumn};

impl EmbeddingsView {
    pub(super) fn analogy_ui(&mut self, ui: &mut Ui, ds: &Dataset, names: Option<&LabelColumn>) {
        ui.label(RichText::new("Analogy: a − b + c ≈ ?").strong());
        ui.label(
            RichText::new("king − man + woman: the offset from b to a, carried over to c.")
                .weak()
                .small(),
        );
        self.analogy_inputs(ui, ds, names);
        if self.shown_analogy.is_empty() {
            return;
        }
        let [a, b, c] =
            [0, 1, 2].map(|i| self.settings.analogy.get(i).cloned().unwrap_or_default());
        if let Some((best, score)) = self.shown_analogy.first() {
            ui.label(
                RichText::new(format!("{a} − {b} + {c} ≈ {best}"))
                    .strong()
                    .size(15.0),
            );
            ui.label(
                RichText::new(format!("{} {}", self.settings.metric, fmt_score(*score))).weak(),
            );
        }
        let mut pick = None;
        egui::Grid::new("embeddings-analogy")
            .striped(true)
            .num_columns(2)
            .show(ui, |ui| {
                for (name, score) in self.shown_analogy.iter().skip(1).take(5) {
                    if ui.selectable_label(false, name).clicked() {
                        pick = Some(name.clone());
                    }
                    ui.monospace(fmt_score(*score));
                    ui.end_row();
                }
            });
        if let Some(name) = pick {
            self.settings.selected = Some(name);
        }
        if ui.small_button("Clear analogy").clicked() {
            self.settings.analogy.clear();
            self.analogy_input = Default::default();
        }
    }

    /// The three text fields; the analogy is set when all three name points.
    fn analogy_inputs(&mut self, ui: &mut Ui, ds: &Dataset, names: Option<&LabelColumn>) {
        let mut changed = false;
        ui.horizontal(|ui| {
            for (i, sign) in ["a", "− b", "+ c"].iter().enumerate() {
                let l = ui.label(*sign);
                changed |= ui
                    .add(egui::TextEdit::singleline(&mut self.analogy_input[i]).desired_width(64.0))
                    .labelled_by(l.id)
                    .changed();
            }
        });
        if changed {
            let words: Vec<String> = self
                .analogy_input
                .iter()
                .map(|w| w.trim().to_owned())
                .collect();
            let rows: Vec<Option<usize>> = words.iter().map(|w| find_row(ds, names, w)).collect();
            if rows.iter().all(Option::is_some) {
                self.settings.analogy = words;
            } else {
                self.settings.analogy.clear();
            }
        }
        let unknown: Vec<&str> = self
            .analogy_input
            .iter()
            .map(|w| w.trim())
            .filter(|w| !w.is_empty() && find_row(ds, names, w).is_none())
            .collect();
        if !unknown.is_empty() {
            ui.label(
                RichText::new(format!("no point named {}", unknown.join(", ")))
                    .color(ui.visuals().warn_fg_color),
            );
        }
    }
}
