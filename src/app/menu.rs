//! The menu bar, the keyboard shortcuts and the dataset list on the left.

use egui::{Key, KeyboardShortcut, Modifiers, RichText, Ui};

use super::dialogs::{DialogPurpose, PathPrompt};
use super::{EigenApp, EntryData, screenshot, style};
use crate::data::{self, BUILTINS, RATINGS_BUILTINS};
use crate::scene::{DatasetRef, Theme, ViewKind};

/// File menu shortcuts: consumed in `shortcuts` and shown beside the menu items.
const OPEN_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
const SAVE_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
const QUIT_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Q);

impl EigenApp {
    pub(super) fn shortcuts(&mut self, ctx: &egui::Context) {
        // Before Ctrl+S, which would also match Ctrl+Shift+S.
        if ctx.input_mut(|i| i.consume_shortcut(&screenshot::SHORTCUT)) {
            self.shot_window = true;
        }
        if ctx.input_mut(|i| i.consume_shortcut(&OPEN_SHORTCUT)) {
            self.start_dialog(ctx, DialogPurpose::Open);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&SAVE_SHORTCUT)) {
            self.start_dialog(ctx, DialogPurpose::SaveScene);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&QUIT_SHORTCUT)) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    pub(super) fn menu_bar(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui
                    .add(
                        egui::Button::new("Open…")
                            .shortcut_text(ctx.format_shortcut(&OPEN_SHORTCUT)),
                    )
                    .clicked()
                {
                    self.start_dialog(&ctx, DialogPurpose::Open);
                }
                if ui.button("Open path…").clicked() {
                    self.prompt = Some(PathPrompt::new(DialogPurpose::Open, None));
                }
                ui.menu_button("Open recent", |ui| {
                    if self.state.recent.is_empty() {
                        ui.label(RichText::new("Nothing yet").weak());
                    }
                    let mut chosen = None;
                    for p in &self.state.recent {
                        if ui
                            .button(data::file_label(p))
                            .on_hover_text(p.display().to_string())
                            .clicked()
                        {
                            chosen = Some(p.clone());
                        }
                    }
                    if !self.state.recent.is_empty() {
                        ui.separator();
                        if ui.button("Clear recent files").clicked() {
                            self.state.recent.clear();
                        }
                    }
                    if let Some(p) = chosen {
                        if p.exists() {
                            self.open_in_background(&ctx, p);
                        } else {
                            self.state.recent.retain(|r| r != &p);
                            self.set_error(format!(
                                "{}: file not found (removed from recent files)",
                                p.display()
                            ));
                        }
                    }
                });
                if ui.button("Open scene…").clicked() {
                    self.start_dialog(&ctx, DialogPurpose::OpenScene);
                }
                ui.menu_button("Present", |ui| {
                    if ui
                        .button("The linear algebra for ML deck")
                        .on_hover_text("Full screen; PageDown, → or Space steps, Esc leaves")
                        .clicked()
                    {
                        match crate::deck::load_builtin_deck() {
                            Ok(deck) => self.start_presentation(&ctx, deck),
                            Err(e) => self.set_error(e.to_string()),
                        }
                    }
                    if ui.button("A deck file…").clicked() {
                        self.start_dialog(&ctx, DialogPurpose::OpenDeck);
                    }
                });
                ui.separator();
                if ui
                    .add(
                        egui::Button::new("Save scene…")
                            .shortcut_text(ctx.format_shortcut(&SAVE_SHORTCUT)),
                    )
                    .clicked()
                {
                    self.start_dialog(&ctx, DialogPurpose::SaveScene);
                }
                ui.menu_button("Export", |ui| {
                    let pca = self.state.view == ViewKind::Pca;
                    if ui
                        .add_enabled(pca, egui::Button::new("PCA scores as CSV…"))
                        .on_disabled_hover_text("Open the PCA view first")
                        .clicked()
                    {
                        self.start_dialog(&ctx, DialogPurpose::ExportScores);
                    }
                    let image = self.state.view == ViewKind::Image;
                    if ui
                        .add_enabled(image, egui::Button::new("Rank-k picture as PNG…"))
                        .on_disabled_hover_text("Open the Image view first")
                        .clicked()
                    {
                        self.start_dialog(&ctx, DialogPurpose::ExportPicture);
                    }
                });
                ui.separator();
                if ui
                    .add(
                        egui::Button::new("Quit")
                            .shortcut_text(ctx.format_shortcut(&QUIT_SHORTCUT)),
                    )
                    .clicked()
                {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            ui.menu_button("View", |ui| {
                let mut theme = self.state.theme;
                ui.radio_value(&mut theme, Theme::Light, "Light theme");
                ui.radio_value(&mut theme, Theme::Dark, "Dark theme");
                if theme != self.state.theme {
                    self.state.theme = theme;
                    style::set_theme(&ctx, theme);
                }
                ui.separator();
                if ui
                    .add(
                        egui::Button::new("Save screenshot…")
                            .shortcut_text(ctx.format_shortcut(&screenshot::SHORTCUT)),
                    )
                    .clicked()
                {
                    self.shot_window = true;
                }
                ui.separator();
                egui::gui_zoom::zoom_menu_buttons(ui);
                ui.separator();
                let mut show = self.frame_times.is_some();
                if ui
                    .checkbox(&mut show, "Show frame time")
                    .on_hover_text(
                        "CPU time of each frame (egui, tessellation, painting) in the status bar",
                    )
                    .changed()
                {
                    self.frame_times = show.then(std::collections::VecDeque::new);
                }
            });
        });
    }

    pub(super) fn dataset_list(&mut self, ui: &mut Ui) {
        ui.add_space(4.0);
        ui.heading("Datasets");
        ui.add_space(4.0);
        ui.label(RichText::new("Built-in").weak());
        let current_origin = self.entries.get(self.current).map(|e| e.origin.clone());
        let mut pick_builtin = None;
        for b in BUILTINS {
            let selected = current_origin == Some(DatasetRef::Builtin(b.id.to_owned()));
            if ui
                .selectable_label(selected, b.title)
                .on_hover_text(b.description)
                .clicked()
            {
                pick_builtin = Some(b.id);
            }
        }
        ui.add_space(8.0);
        ui.label(RichText::new("Built-in ratings").weak());
        for b in RATINGS_BUILTINS {
            let selected = current_origin == Some(DatasetRef::Builtin(b.id.to_owned()));
            if ui
                .selectable_label(selected, b.title)
                .on_hover_text(b.description)
                .clicked()
            {
                pick_builtin = Some(b.id);
            }
        }
        if let Some(id) = pick_builtin {
            self.select_builtin(id);
        }
        let files: Vec<(usize, String, String)> = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| match &e.origin {
                DatasetRef::File(p) => Some((
                    i,
                    match &e.data {
                        EntryData::Table(_) => e.data.name().to_owned(),
                        EntryData::Ratings(_) => format!("{} (ratings)", e.data.name()),
                    },
                    p.display().to_string(),
                )),
                DatasetRef::Derived(name) => Some((i, name.clone(), "made in the app".to_owned())),
                DatasetRef::Builtin(_) => None,
            })
            .collect();
        if !files.is_empty() {
            ui.add_space(8.0);
            ui.label(RichText::new("Opened").weak());
            let mut pick = None;
            for (i, name, path) in files {
                if ui
                    .selectable_label(i == self.current, name)
                    .on_hover_text(path)
                    .clicked()
                {
                    pick = Some(i);
                }
            }
            if let Some(i) = pick {
                self.select_entry(i);
            }
        }
        ui.add_space(8.0);
        if ui.button("Open…").clicked() {
            self.start_dialog(&ui.ctx().clone(), DialogPurpose::Open);
        }
        ui.label(
            RichText::new("or drop a CSV, TSV, .npy, ratings or scene file on the window")
                .weak()
                .small(),
        );
    }
}
