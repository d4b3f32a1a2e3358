//! Everything egui: the eframe App with its menu bar, dataset list, view tabs
//! and status bar. Views live in [`views`] (one folder each, listed once in
//! [`views::registry`]); shared looks in [`style`]; headless rendering, which
//! draws a scene through the same view code, in [`headless`].

mod capture;
mod choose_array;
mod dialogs;
mod entries;
mod handles;
pub mod headless;
pub mod job;
mod menu;
mod open;
pub mod present;
mod save;
pub mod screenshot;
mod status;
pub mod style;
pub mod svg;
pub mod views;
pub mod widgets;

use std::path::{Path, PathBuf};
use std::time::Duration;

use egui::{Color32, RichText, Ui};
use serde::{Deserialize, Serialize};

pub use handles::{DatasetHandle, EntryData, RatingsHandle, SavedInfo};
pub use open::{OpenError, Opened, open_path, open_path_reading, open_path_with};

use crate::data::{Dataset, Ratings};
use crate::scene::{self, Theme, ViewKind};
use dialogs::{Dialog, PathPrompt};
use entries::Loading;
use handles::Entry;
use status::Status;
use views::data::DataView;
use views::embeddings::EmbeddingsView;
use views::factorize::FactorizeView;
use views::image::ImageView;
use views::pca::PcaView;
use views::registry::Views;
use views::transform::TransformView;
use views::view::{Fit, Request};

/// How many recent files the File menu remembers.
const MAX_RECENT: usize = 10;

/// What survives restarts (eframe persistence).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct PersistedState {
    pub theme: Theme,
    pub view: ViewKind,
    pub recent: Vec<PathBuf>,
}

impl Default for PersistedState {
    fn default() -> Self {
        Self {
            theme: Theme::Light,
            view: ViewKind::Data,
            recent: Vec::new(),
        }
    }
}

impl PersistedState {
    /// Puts `path` first in the recent list.
    pub fn remember(&mut self, path: &Path) {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| p != &path);
        self.recent.insert(0, path);
        self.recent.truncate(MAX_RECENT);
    }
}

/// The eigenlens window.
pub struct EigenApp {
    state: PersistedState,
    entries: Vec<Entry>,
    current: usize,
    /// Every view with its state (the registry).
    views: Views,
    status: Option<Status>,
    /// The Save screenshot window: shown, and its options.
    shot_window: bool,
    shot_options: screenshot::Options,
    /// A screenshot being taken, and one waiting for its file name.
    capture: Option<screenshot::Capture>,
    pending_shot: Option<screenshot::Shot>,
    /// Presentation mode: a deck shown full screen.
    presentation: Option<present::Presentation>,
    dialog: Option<Dialog>,
    prompt: Option<PathPrompt>,
    loading: Vec<Loading>,
    /// An .npz or safetensors file waiting for the user to choose an array.
    array_choice: Option<choose_array::ArrayChoice>,
    /// Size of the central view last frame, in points (saved into scenes).
    view_size: egui::Vec2,
    /// View → Show frame time: CPU milliseconds of the last frames (egui,
    /// tessellation and painting, as eframe measures them), newest last.
    frame_times: Option<std::collections::VecDeque<f32>>,
    /// Whether File → Open… and Save use the desktop's file dialog; off, they
    /// ask for a path in the window (tests: a native dialog would block them).
    native_dialogs: bool,
}

impl EigenApp {
    /// The app on the built-in default scene, or on `opened` if given.
    #[must_use]
    pub fn new(state: PersistedState, opened: Option<(PathBuf, Opened)>) -> Self {
        let mut app = Self {
            state,
            entries: Vec::new(),
            current: 0,
            views: Views::from_scene(&scene::Scene::default()),
            status: None,
            shot_window: false,
            shot_options: screenshot::Options::default(),
            capture: None,
            pending_shot: None,
            presentation: None,
            dialog: None,
            prompt: None,
            loading: Vec::new(),
            array_choice: None,
            view_size: egui::vec2(1200.0, 800.0),
            frame_times: None,
            native_dialogs: true,
        };
        match scene::load_scene_str(scene::DEFAULT_SCENE, "default scene", None) {
            Ok(s) => app.apply_scene(s),
            Err(e) => app.set_error(e.to_string()),
        }
        if let Some((path, opened)) = opened {
            app.apply_opened(&path, opened);
        }
        app
    }

    /// The app as eframe creates it: fonts and theme set up, state restored.
    #[must_use]
    pub fn from_creation_context(
        cc: &eframe::CreationContext<'_>,
        opened: Option<(PathBuf, Opened)>,
    ) -> Self {
        let state: PersistedState = cc
            .storage
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            .unwrap_or_default();
        style::setup(&cc.egui_ctx, state.theme);
        Self::new(state, opened)
    }

    /// The dataset shown now.
    #[must_use]
    pub fn current_dataset(&self) -> Option<&Dataset> {
        match &self.entries.get(self.current)?.data {
            EntryData::Table(h) => Some(h.data.as_ref()),
            EntryData::Ratings(_) => None,
        }
    }

    /// The ratings shown now, if the current entry is a ratings matrix.
    #[must_use]
    pub fn current_ratings(&self) -> Option<&Ratings> {
        match &self.entries.get(self.current)?.data {
            EntryData::Ratings(h) => Some(h.data.as_ref()),
            EntryData::Table(_) => None,
        }
    }

    /// The status bar's message, if any, and whether it is an error.
    #[must_use]
    pub fn status(&self) -> Option<(&str, bool)> {
        self.status.as_ref().map(|s| (s.text.as_str(), s.error))
    }

    /// The Data view's state.
    #[must_use]
    pub fn data_view(&self) -> &DataView {
        &self.views.data
    }

    /// The PCA view's state.
    #[must_use]
    pub fn pca_view(&self) -> &PcaView {
        &self.views.pca
    }

    /// The PCA view's state, to change (tests, scripting).
    pub fn pca_view_mut(&mut self) -> &mut PcaView {
        &mut self.views.pca
    }

    /// The Factorize view's state.
    #[must_use]
    pub fn factorize_view(&self) -> &FactorizeView {
        &self.views.factorize
    }

    /// The Factorize view's state, to change (tests, scripting).
    pub fn factorize_view_mut(&mut self) -> &mut FactorizeView {
        &mut self.views.factorize
    }

    /// Turns the desktop's file dialogs on or off; off, File → Open…, Save
    /// scene… and Export ask for a path in the window instead (the UI tests
    /// turn them off: a native dialog would wait for a person).
    pub fn set_native_dialogs(&mut self, on: bool) {
        self.native_dialogs = on;
    }

    /// Shows view `view`.
    pub fn set_view(&mut self, view: ViewKind) {
        self.state.view = view;
    }

    /// The Transform view's state.
    #[must_use]
    pub fn transform_view(&self) -> &TransformView {
        &self.views.transform
    }

    /// The Transform view's state, to change (tests, scripting).
    pub fn transform_view_mut(&mut self) -> &mut TransformView {
        &mut self.views.transform
    }

    /// The Embeddings view's state.
    #[must_use]
    pub fn embeddings_view(&self) -> &EmbeddingsView {
        &self.views.embeddings
    }

    /// The Embeddings view's state, to change (tests, scripting).
    pub fn embeddings_view_mut(&mut self) -> &mut EmbeddingsView {
        &mut self.views.embeddings
    }

    /// The Image view's state.
    #[must_use]
    pub fn image_view(&self) -> &ImageView {
        &self.views.image
    }

    /// The Network view's state.
    #[must_use]
    pub fn network_view(&self) -> &views::network::NetworkView {
        &self.views.network
    }

    /// The view shown now.
    #[must_use]
    pub fn view(&self) -> ViewKind {
        self.state.view
    }

    /// Draws the whole window into `ui` (eframe and the UI tests both call this).
    pub fn ui(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.poll(&ctx);
        self.poll_capture(&ctx);
        if self.presentation.is_some() {
            // Only the view and the caption strip: the keys step the deck.
            self.presentation_ui(ui);
        } else {
            self.shortcuts(&ctx);
            self.screenshot_window(&ctx);
            egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui));
            egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
            egui::Panel::left("datasets")
                .resizable(true)
                .default_size(210.0)
                .show(ui, |ui| self.dataset_list(ui));
        }
        let presenting = self.presentation.is_some();
        egui::CentralPanel::default().show(ui, |ui| {
            if !presenting {
                ui.horizontal(|ui| {
                    for v in ViewKind::ALL {
                        ui.selectable_value(
                            &mut self.state.view,
                            v,
                            RichText::new(v.title()).size(16.0),
                        );
                    }
                });
                ui.separator();
            }
            self.view_size = ui.available_size();
            if let Some(entry) = self.entries.get(self.current) {
                let data = entry.data.clone();
                let view = self.views.get_mut(self.state.view);
                if view.accepts(&data) == Fit::Refuses {
                    self.wrong_kind(ui, &data);
                } else {
                    view.ui(ui, &data);
                }
                let requests: Vec<Request> = self
                    .views
                    .all_mut()
                    .into_iter()
                    .filter_map(views::view::View::take_request)
                    .collect();
                for request in requests {
                    match request {
                        Request::OpenDataset(ds) => self.open_derived(ds),
                        Request::ExportWeights => {
                            self.start_dialog(&ctx, dialogs::DialogPurpose::ExportWeights);
                        }
                        Request::ImportWeights => {
                            self.start_dialog(&ctx, dialogs::DialogPurpose::ImportWeights);
                        }
                    }
                }
            } else {
                ui.label("No dataset: open one with File → Open… or pick a built-in.");
            }
        });
        self.prompt_window(&ctx);
        self.array_window(&ctx);
        drop_overlay(&ctx);
        if !self.loading.is_empty() || self.dialog.is_some() {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
    }

    /// What a view says when the current entry is data it cannot show, with
    /// a button to the view that shows it.
    fn wrong_kind(&mut self, ui: &mut Ui, data: &EntryData) {
        let target = self.views.fit(self.state.view, data);
        let name = data.name();
        ui.add_space(24.0);
        ui.vertical_centered(|ui| {
            match data {
                EntryData::Ratings(_) => {
                    ui.heading(format!("{name} is a ratings matrix"));
                    ui.label("Users rate movies, with gaps: see it break into user and movie vectors in the Factorize view.");
                }
                EntryData::Table(_) => {
                    ui.heading(format!("{name} is a table of numbers"));
                    ui.label("The Factorize view needs a ratings matrix: pick a built-in ratings set on the left, or open a ratings file (u.data, ratings.csv, or a user,item,rating CSV).");
                }
            }
            if ui.button(format!("Open the {} view", target.title())).clicked() {
                self.state.view = target;
            }
        });
    }
}

/// While files are dragged over the window, say what dropping does.
fn drop_overlay(ctx: &egui::Context) {
    if ctx.input(|i| i.raw.hovered_files.is_empty()) {
        return;
    }
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("eigenlens-drop-overlay"),
    ));
    let rect = ctx.content_rect();
    painter.rect_filled(rect, 0.0, Color32::from_black_alpha(160));
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        "Drop to open",
        egui::FontId::proportional(32.0),
        Color32::WHITE,
    );
}

impl eframe::App for EigenApp {
    fn ui(&mut self, ui: &mut Ui, frame: &mut eframe::Frame) {
        if let Some(seconds) = frame.info().cpu_usage {
            self.record_frame_time(seconds);
        }
        EigenApp::ui(self, ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.state);
    }
}
