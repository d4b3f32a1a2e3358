//! The composition panel: steps applied in turn, reordered, removed; A their
//! product.

use egui::{RichText, Ui};

use super::format::{fmt_block, subscript};
use super::rows::identity_rows;
use super::{ENTRY_LIMIT, TransformView};

impl TransformView {
    pub(super) fn composition_ui(&mut self, ui: &mut Ui) {
        ui.label(RichText::new("Composition").strong());
        let n = self.settings.mode.n();
        let steps = &mut self.settings.steps;
        if steps.is_empty() {
            ui.label(
                RichText::new("Apply several matrices in turn: each step is animated, and A becomes their product.")
                    .weak()
                    .small(),
            );
            if ui.button("Start a composition with A").clicked() {
                steps.push(self.settings.matrix.clone());
                steps.push(identity_rows(n));
                self.selected_step = 1;
                self.settings.progress = 0.0;
            }
            return;
        }
        ui.label(
            RichText::new("Applied top to bottom (M₁ first).")
                .weak()
                .small(),
        );
        let mut action: Option<(usize, char)> = None;
        for (i, m) in steps.iter().enumerate() {
            // The matrix as a block, a row a line: a 3×3 written inline is
            // wider than the panel and pushed the step's buttons off screen.
            ui.horizontal(|ui| {
                let name = format!("M{} =\n{}", subscript(i + 1), fmt_block(m));
                if ui
                    .selectable_label(self.selected_step == i, RichText::new(name).monospace())
                    .on_hover_text("Edit this step")
                    .clicked()
                {
                    action = Some((i, 'e'));
                }
                if i > 0
                    && ui
                        .small_button("↑")
                        .on_hover_text(
                            "Swap with the step before: the product changes unless they commute",
                        )
                        .clicked()
                {
                    action = Some((i, 's'));
                }
                if ui
                    .small_button("✕")
                    .on_hover_text("Remove this step")
                    .clicked()
                {
                    action = Some((i, 'r'));
                }
            });
        }
        match action {
            Some((i, 'e')) => self.selected_step = i,
            Some((i, 's')) => {
                steps.swap(i - 1, i);
                self.selected_step = i - 1;
                self.settings.progress = 0.0;
                self.playing = true;
            }
            Some((i, _)) => {
                steps.remove(i);
                if steps.len() < 2 {
                    // One matrix left: it is A.
                    if let Some(m) = steps.pop() {
                        self.settings.matrix = m;
                    }
                }
            }
            None => {}
        }
        ui.horizontal(|ui| {
            let full = self.settings.steps.len() >= crate::scene::MAX_STEPS;
            let add = ui
                .add_enabled(!full, egui::Button::new("Add a step"))
                .on_disabled_hover_text(format!(
                    "A composition has at most {} steps",
                    crate::scene::MAX_STEPS
                ));
            if add.clicked() {
                self.settings.steps.push(identity_rows(n));
                self.selected_step = self.settings.steps.len() - 1;
            }
            // The product becomes A, whose entries a scene keeps within ±ENTRY_LIMIT.
            let fits = self
                .settings
                .matrix
                .iter()
                .flatten()
                .all(|x| x.abs() <= ENTRY_LIMIT);
            let clear = ui
                .add_enabled(fits, egui::Button::new("Clear"))
                .on_hover_text("Keep the product as A")
                .on_disabled_hover_text(format!(
                    "The product has an entry beyond ±{ENTRY_LIMIT}: it cannot become A"
                ));
            if clear.clicked() {
                self.settings.steps.clear();
            }
        });
        self.normalize();
        let count = self.settings.steps.len();
        if count >= 2 {
            let order: String = (1..=count)
                .rev()
                .map(|i| format!("M{}", subscript(i)))
                .collect::<Vec<_>>()
                .join("·");
            ui.label(format!("A = {order} ="));
            ui.label(RichText::new(fmt_block(&self.settings.matrix)).monospace());
        }
    }
}
