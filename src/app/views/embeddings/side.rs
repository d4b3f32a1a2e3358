//! The side panel: search, the selection with its nearest neighbours and
//! Isolate, then the analogy panel.

use egui::{RichText, Ui};

use super::EmbeddingsView;
use super::lookup::{
    best_match, color_column, fmt_score, metric_help, name_column, name_of, no_names_hint,
};
use crate::app::style::fmt_count;
use crate::data::{Dataset, LabelColumn};
use crate::math::similarity::Metric;
use crate::math::similarity::projection::EmbeddingSpace;
use crate::scene::MAX_NEIGHBORS;

/// Search matches listed as buttons.
const MAX_MATCH_BUTTONS: usize = 8;

impl EmbeddingsView {
    /// Search, selection with its neighbours, isolate, and the analogy panel.
    pub(super) fn side_ui(
        &mut self,
        ui: &mut Ui,
        ds: &Dataset,
        space: &EmbeddingSpace,
        selected: Option<usize>,
    ) {
        let names = name_column(&self.settings, ds);
        egui::ScrollArea::vertical()
            .id_salt("embeddings-side")
            .show(ui, |ui| {
                if names.is_none() {
                    ui.label(RichText::new(no_names_hint(ds)).weak());
                    ui.add_space(4.0);
                }
                self.search_ui(ui, names, selected);
                ui.separator();
                self.neighbors_ui(ui, ds, space, selected);
                ui.separator();
                self.analogy_ui(ui, ds, names);
            });
    }

    /// The search box, what it matched, and buttons to select a match.
    fn search_ui(&mut self, ui: &mut Ui, names: Option<&LabelColumn>, selected: Option<usize>) {
        ui.label(RichText::new("Search").strong());
        let mut submit = false;
        ui.horizontal(|ui| {
            let l = ui.label("find");
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut self.settings.search)
                        .hint_text(if self.settings.regex {
                            "regular expression"
                        } else {
                            "part of a name"
                        })
                        .desired_width(170.0),
                )
                .labelled_by(l.id);
            submit = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.checkbox(&mut self.settings.regex, "regex")
                .on_hover_text(
                    "Read the search as a regular expression (case-insensitive), e.g. ^gr|ing$",
                );
        });
        match self.queries.matches() {
            Some(Ok(m)) => {
                ui.label(
                    RichText::new(match m.rows.len() {
                        0 => "no match".to_owned(),
                        1 => "1 match, highlighted (Enter selects it)".to_owned(),
                        n if n > super::plot::MAX_RINGED => format!(
                            "{} matches, the first {} ringed (Enter selects the first)",
                            fmt_count(n),
                            fmt_count(super::plot::MAX_RINGED)
                        ),
                        n => format!(
                            "{} matches, highlighted (Enter selects the first)",
                            fmt_count(n)
                        ),
                    })
                    .weak(),
                );
                let mut pick = None;
                ui.horizontal_wrapped(|ui| {
                    for &r in m.rows.iter().take(MAX_MATCH_BUTTONS) {
                        let name = name_of(names, r);
                        if ui.selectable_label(selected == Some(r), &name).clicked() {
                            pick = Some(name);
                        }
                    }
                    if m.rows.len() > MAX_MATCH_BUTTONS {
                        ui.label(RichText::new("…").weak());
                    }
                });
                if submit && let Some(r) = best_match(names, &self.settings.search, &m.rows) {
                    pick = Some(name_of(names, r));
                }
                if let Some(name) = pick {
                    self.settings.selected = Some(name);
                }
            }
            Some(Err(e)) => {
                let e = e.clone();
                ui.label(RichText::new(&e).color(ui.visuals().error_fg_color));
                self.note = Some(e);
            }
            None => {
                ui.label(
                    RichText::new(
                        "Type to highlight points; click a point or press Enter to select one.",
                    )
                    .weak(),
                );
            }
        }
    }

    /// The selection's neighbours: metric, k, the list, and Isolate.
    fn neighbors_ui(
        &mut self,
        ui: &mut Ui,
        ds: &Dataset,
        space: &EmbeddingSpace,
        selected: Option<usize>,
    ) {
        let names = name_column(&self.settings, ds);
        let s = &mut self.settings;
        let Some(row) = selected else {
            ui.label(RichText::new("Nearest neighbours").strong());
            ui.label(RichText::new("Select a point to list its nearest neighbours.").weak());
            if s.isolate {
                s.isolate = false;
            }
            return;
        };
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("Nearest to {}", name_of(names, row))).strong());
            if ui
                .small_button("✕")
                .on_hover_text("Clear the selection")
                .clicked()
            {
                s.selected = None;
                s.isolate = false;
            }
        });
        ui.horizontal(|ui| {
            for m in Metric::ALL {
                ui.selectable_value(&mut s.metric, m, m.name())
                    .on_hover_text(metric_help(m));
            }
            ui.add_space(6.0);
            let l = ui.label("k");
            ui.add(egui::DragValue::new(&mut s.k).range(1..=MAX_NEIGHBORS))
                .labelled_by(l.id);
        });
        let color = color_column(s, ds);
        let mut pick = None;
        egui::Grid::new("embeddings-neighbors")
            .striped(true)
            .num_columns(3)
            .show(ui, |ui| {
                ui.label(RichText::new("#").weak());
                ui.label(RichText::new("name").weak());
                ui.label(RichText::new(s.metric.symbol()).weak());
                ui.end_row();
                for (k, n) in self.queries.neighbors().iter().enumerate() {
                    ui.label(RichText::new(format!("{}", k + 1)).weak());
                    let name = name_of(names, n.index);
                    let text = match color {
                        Some(c) if names.is_none_or(|l| l.name != c.name) => {
                            format!("{name}  ({})", c.get(n.index))
                        }
                        _ => name.clone(),
                    };
                    if ui
                        .selectable_label(false, text)
                        .on_hover_text("Select")
                        .clicked()
                    {
                        pick = Some(name);
                    }
                    ui.monospace(fmt_score(n.score));
                    ui.end_row();
                }
            });
        if let Some(name) = pick {
            s.selected = Some(name);
        }
        if space.unit_length && s.metric != Metric::Dot {
            ui.label(
                RichText::new("Every vector here has length 1, so cosine, dot and Euclidean rank alike: ‖x − q‖² = 2 − 2 cos θ.")
                    .weak()
                    .small(),
            );
        }
        isolate_button(ui, &mut s.isolate);
    }
}

/// Isolate, or Show all while isolated.
fn isolate_button(ui: &mut Ui, isolate: &mut bool) {
    ui.horizontal(|ui| {
        if *isolate {
            if ui
                .button("Show all")
                .on_hover_text("Back to every point and the PCA of all of them")
                .clicked()
            {
                *isolate = false;
            }
        } else if ui
            .button("Isolate")
            .on_hover_text("Keep only the selection and its neighbours, and fit PCA to them alone")
            .clicked()
        {
            *isolate = true;
        }
    });
}
