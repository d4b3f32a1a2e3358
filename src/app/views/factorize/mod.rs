//! The Factorize view: a ratings matrix with gaps ≈ P·Qᵀ, users × k times
//! k × movies.
//!
//! Left: the shapes as blocks with the current numbers, the ratings matrix
//! (gaps visible, held-out cells ringed) beside the prediction, and an editor
//! for the selected cell. Right: the embedding plot — users and movies in one
//! plane (the factors themselves for k = 2, their PCA projection for k > 2) —
//! with a history scrubber, the train and test RMSE per epoch, and the
//! selected user's recommendations or the selected movie's nearest movies.
//!
//! Files: `training.rs` runs training (small problems and headless rendering
//! on the UI thread in bounded slices, larger ones as a streaming
//! [`Job`](crate::app::job::Job) that sends a model snapshot per epoch);
//! `prepare.rs` computes what is drawn, cached on its inputs (model serial and
//! epoch, edits, selection, metric); `controls.rs`, `matrices.rs`, `plane.rs`
//! and `lists.rs` draw it; `view_impl.rs` is the [`View`](super::view::View)
//! contract. Editing a rating folds that user in again at once.

mod controls;
mod lists;
mod matrices;
mod plane;
mod prepare;
mod text;
mod training;
mod view_impl;

use egui::{Color32, RichText, Ui, vec2};

use crate::app::RatingsHandle;
use crate::app::job::{JobError, Waker};
use crate::data::{Dataset, Ratings};
use crate::math::factorize::{EpochStats, FactorizeConfig, FactorizeError, Method, Solver};

use crate::scene::{FactorizeMethod, FactorizeSettings, RatingEdit, find_item};

use prepare::{Frame, Prepared};
use training::{Run, RunKey};

/// Colours of the two kinds of point (Okabe–Ito): users vermillion, movies blue.
const USER_COLOR: Color32 = Color32::from_rgb(0xD5, 0x5E, 0x00);
const ITEM_COLOR: Color32 = Color32::from_rgb(0x00, 0x72, 0xB2);
const TRAIN_COLOR: Color32 = Color32::from_rgb(0x00, 0x72, 0xB2);
const TEST_COLOR: Color32 = Color32::from_rgb(0xD5, 0x5E, 0x00);

/// Where the ratings colour map starts on viridis in the dark theme: its
/// darkest third is nearly the black of "no rating" there, so 1 star starts
/// at a steel blue instead.
const DARK_MAP_START: f32 = 0.36;

/// The colour of a rating `t` of the way up the scale (0: the lowest, 1: the
/// highest): viridis, its dark end left out in the dark theme so that the
/// lowest rating stays apart from [`no_rating_color`] in both themes.
#[must_use]
pub fn rating_color(t: f32, dark: bool) -> Color32 {
    let t = t.clamp(0.0, 1.0);
    if dark {
        crate::app::style::viridis(DARK_MAP_START + (1.0 - DARK_MAP_START) * t)
    } else {
        crate::app::style::viridis(t)
    }
}

/// The fill of a cell with no rating: the theme's darkest (dark theme) or
/// lightest (light theme) background.
#[must_use]
pub fn no_rating_color(visuals: &egui::Visuals) -> Color32 {
    visuals.extreme_bg_color
}

/// One entry of a recommendation or similarity list.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranked {
    pub item: u32,
    pub title: String,
    /// The predicted rating (recommendations) or the cosine (similar movies).
    pub value: f64,
    /// cos θ between the user's and the movie's vectors (recommendations).
    pub cosine: f64,
    /// ‖q_i‖, the movie vector's length.
    pub length: f64,
}

/// What the pointer is over in one panel, for the others to highlight: a
/// user or a movie (a point of the embedding plot), or both (a heatmap cell).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Linked {
    pub user: Option<u32>,
    pub item: Option<u32>,
}

/// What the last frame drew, for tests and for the next frame.
#[derive(Clone, Debug, Default)]
pub struct Drawn {
    /// The hover highlight the embedding plot drew (rings on these points).
    pub plane_marked: Linked,
    /// The hover highlight the heatmaps drew (this row and column outlined).
    pub heatmap_marked: Linked,
    /// The movies named on the embedding plot and where, in screen points.
    pub names: Vec<(u32, egui::Rect)>,
    /// The embedding plot's frame on screen.
    pub plane_rect: Option<egui::Rect>,
    /// The RMSE plot's frame on screen.
    pub curves_rect: Option<egui::Rect>,
    /// The legend entries of the RMSE plot on screen.
    pub curves_legend: Vec<egui::Rect>,
    /// Where the embedding plot drew each user and each movie.
    pub users_on_screen: Vec<egui::Pos2>,
    pub items_on_screen: Vec<egui::Pos2>,
    /// The ratings heatmap's cells on screen (the grid, without names).
    pub heatmap_rect: Option<egui::Rect>,
    /// Whether the heatmaps' rows and columns were named (cells big enough).
    pub heatmap_named: bool,
    /// How far the heatmaps are zoomed in (1: every row and column shown).
    pub heatmap_zoom: f32,
}

/// What the user did while the view was drawn, applied after drawing.
#[derive(Clone, Debug, PartialEq)]
enum Event {
    /// Set (`Some`) or clear (`None`) a rating: user id, item id, value.
    Edit(String, String, Option<f64>),
    /// "Explore item embeddings" at this epoch.
    Explore(usize),
}

/// The Factorize view's state: scene settings, the training run and caches.
pub struct FactorizeView {
    pub settings: FactorizeSettings,
    run: Option<Run>,
    next_serial: u64,
    /// Bumped by every edit: folded-in users depend on it.
    edits_serial: u64,
    /// Train everything on the UI thread, at once (headless rendering).
    blocking: bool,
    /// Wakes the window when a training job has news.
    waker: Waker,
    /// What is drawn, computed when its inputs change.
    prepared: Prepared,
    /// Whether `settings.epoch` still has to be trained (a scene just opened).
    replay: bool,
    /// The movie factors the user asked to explore in the Embeddings view,
    /// waiting for the app to open them.
    explore: Option<Dataset>,
    /// What the pointer was over last frame (highlighted in the other panels).
    linked: Linked,
    /// What the last frame drew.
    drawn: Drawn,
    /// Train a model here even though the ratings came with a saved one.
    own: bool,
}

impl Default for FactorizeView {
    fn default() -> Self {
        Self::new(FactorizeSettings::default())
    }
}

impl FactorizeView {
    /// A view showing `settings`; the first frame trains `settings.epoch` epochs.
    #[must_use]
    pub fn new(settings: FactorizeSettings) -> Self {
        Self {
            settings,
            run: None,
            next_serial: 1,
            edits_serial: 0,
            blocking: false,
            waker: Waker::default(),
            prepared: Prepared::default(),
            replay: true,
            explore: None,
            linked: Linked::default(),
            drawn: Drawn::default(),
            own: false,
        }
    }

    /// The movie factors "Explore item embeddings" asked for, once: the app
    /// opens them as a new dataset in the Embeddings view.
    pub fn take_explore_request(&mut self) -> Option<Dataset> {
        self.explore.take()
    }

    /// Train on the UI thread, all at once (for headless rendering).
    pub fn set_blocking(&mut self, blocking: bool) {
        self.blocking = blocking;
    }

    /// Makes the settings fit `r`: unknown users, items and edits are dropped.
    pub fn adapt_to(&mut self, r: &Ratings) {
        let s = &mut self.settings;
        if s.user.as_deref().is_some_and(|u| r.user_index(u).is_none()) {
            s.user = None;
        }
        if s.item.as_deref().is_some_and(|i| find_item(r, i).is_none()) {
            s.item = None;
        }
        let before = s.edits.len();
        s.edits
            .retain(|e| r.user_index(&e.user).is_some() && find_item(r, &e.item).is_some());
        if s.edits.len() != before {
            self.edits_serial += 1;
        }
    }

    /// Epochs trained so far (0 before training).
    #[must_use]
    pub fn epochs_done(&self) -> usize {
        self.run.as_ref().map_or(0, Run::epochs_done)
    }

    /// Whether training is under way.
    #[must_use]
    pub fn is_training(&self) -> bool {
        self.run.as_ref().is_some_and(Run::is_training)
    }

    /// The training and test RMSE of every epoch trained so far.
    #[must_use]
    pub fn history(&self) -> Vec<EpochStats> {
        self.run
            .as_ref()
            .map_or_else(Vec::new, |r| r.history.clone())
    }

    /// Why training stopped, if it failed.
    #[must_use]
    pub fn error(&self) -> Option<&str> {
        self.run
            .as_ref()
            .and_then(|r| r.error.as_ref())
            .map(|e| e.message.as_str())
    }

    /// Why training stopped, typed: the model's error, or the job lost.
    #[must_use]
    pub fn stop_reason(&self) -> Option<&JobError<FactorizeError>> {
        self.run
            .as_ref()
            .and_then(|r| r.error.as_ref())
            .map(|e| &e.error)
    }

    /// The selected user's recommendations as drawn last frame.
    #[must_use]
    pub fn recommendations(&self) -> &[Ranked] {
        self.prepared.recommendations()
    }

    /// What the pointer was over last frame, in either panel.
    #[must_use]
    pub fn linked(&self) -> Linked {
        self.linked
    }

    /// What the last frame drew: hover highlights, named movies, plot frames.
    #[must_use]
    pub fn drawn(&self) -> &Drawn {
        &self.drawn
    }

    /// The selected movie's most similar movies as drawn last frame.
    #[must_use]
    pub fn similar(&self) -> &[Ranked] {
        self.prepared.similar()
    }

    /// Sets (`Some`) or clears (`None`) the rating `user` gave `item` (ids, or
    /// the item's title). The user is folded in again on the next frame.
    pub fn edit_rating(&mut self, user: &str, item: &str, rating: Option<f64>) {
        let edits = &mut self.settings.edits;
        edits.retain(|e| !(e.user == user && e.item == item));
        edits.push(RatingEdit {
            user: user.to_owned(),
            item: item.to_owned(),
            rating,
        });
        self.edits_serial += 1;
    }

    /// The settings a new run would use.
    fn config(&self) -> FactorizeConfig {
        let s = &self.settings;
        FactorizeConfig {
            method: match s.method {
                FactorizeMethod::Als => Method::Als,
                FactorizeMethod::Sgd => Method::Sgd,
            },
            rank: s.rank,
            lambda: s.lambda,
            learning_rate: s.learning_rate,
            epochs: s.epochs,
            biases: s.biases,
            seed: s.seed,
            solver: Solver::default(),
        }
    }

    fn key(&self, handle: &RatingsHandle) -> RunKey {
        RunKey {
            ratings_id: handle.id,
            saved: handle.saved.is_some() && !self.own,
            config: FactorizeConfig {
                // The number of epochs is a goal, not part of the model.
                epochs: 1,
                ..self.config()
            },
            test_fraction: self.settings.test_fraction,
        }
    }

    /// The epoch on screen: the scrubber's, else the latest.
    #[must_use]
    pub fn shown_epoch(&self) -> usize {
        let done = self.epochs_done();
        self.settings.history.map_or(done, |h| h.min(done))
    }

    /// Draws the view for `handle`'s ratings.
    pub fn ui(&mut self, ui: &mut Ui, handle: &RatingsHandle) {
        self.waker = Waker::new(ui.ctx());
        let r = handle.data.clone();
        self.adapt_to(&r);
        self.advance_training(ui.ctx(), handle);
        controls::header(ui, &r);
        let counts = self.prepared.counts(handle.id, &r);
        if let Some(note) = counts.note().filter(|_| !self.shows_saved()) {
            ui.label(RichText::new(note).color(ui.visuals().warn_fg_color));
        }
        if super::controls_shown(ui) {
            self.controls(ui, handle);
        }
        if !self.shows_saved() {
            controls::rank_warning(ui, &r, self.settings.rank);
        }
        ui.separator();

        let Some(run) = self.run.as_ref() else {
            return;
        };
        if let Some(e) = &run.error {
            ui.label(
                RichText::new(format!("Training stopped: {}", e.message))
                    .color(ui.visuals().error_fg_color),
            );
        }
        let shown = self.shown_epoch();
        let Some(snapshot) = run.snapshot(shown) else {
            return;
        };
        let model = snapshot.model.clone();
        let inputs = prepare::Inputs {
            handle,
            run,
            model: &model,
            epoch: snapshot.epoch,
            edits_serial: self.edits_serial,
            settings: &self.settings,
        };
        self.prepared.update(&inputs);
        let frame = Frame {
            r: &r,
            model: &model,
            run,
            prep: &self.prepared,
            user: self.settings.user.as_deref().and_then(|u| r.user_index(u)),
            item: self.settings.item.as_deref().and_then(|i| find_item(&r, i)),
            shown,
            done: run.epochs_done(),
            linked: self.linked,
            saved: handle.saved.as_deref().filter(|_| run.key.saved),
        };
        let mut events = Vec::new();
        let mut out = Out::default();
        draw(ui, &frame, &mut self.settings, &mut events, &mut out);
        self.linked = out.hover;
        self.drawn = out.drawn;
        let saved = handle.saved.clone();
        for event in events {
            self.apply(event, &r, &model, saved.as_deref());
        }
    }

    /// Whether the model shown is one trained elsewhere (a saved model the
    /// ratings came with), not one trained here.
    #[must_use]
    pub fn shows_saved(&self) -> bool {
        self.run.as_ref().is_some_and(|r| r.key.saved)
    }

    /// Applies what the user did this frame.
    fn apply(
        &mut self,
        event: Event,
        r: &Ratings,
        model: &crate::math::factorize::Model,
        saved: Option<&crate::app::SavedInfo>,
    ) {
        match event {
            Event::Edit(user, item, rating) => self.edit_rating(&user, &item, rating),
            Event::Explore(epoch) => {
                let mut ds = crate::math::factorize::item_embeddings(r, model, epoch);
                if let Some(saved) = saved.filter(|_| self.shows_saved()) {
                    ds.name = format!(
                        "{} item factors (k = {})",
                        crate::data::file_label(&saved.source),
                        model.rank()
                    );
                }
                self.explore = Some(ds);
            }
        }
    }
}

/// What one frame's drawing hands back besides events: what the pointer is
/// over and what was drawn.
#[derive(Default)]
struct Out {
    hover: Linked,
    drawn: Drawn,
}

/// The view's body below the controls: matrices on the left; the embedding
/// plot, the curves and the lists on the right. Each column keeps to its
/// width: long text wraps or is shortened (whole on hover), and the left
/// column and the lists scroll when they are taller than the window.
fn draw(
    ui: &mut Ui,
    f: &Frame<'_>,
    settings: &mut FactorizeSettings,
    events: &mut Vec<Event>,
    out: &mut Out,
) {
    let avail = ui.available_size();
    let left_w = (avail.x * 0.42).floor();
    ui.horizontal_top(|ui| {
        ui.allocate_ui(vec2(left_w, avail.y), |ui| {
            ui.set_max_width(left_w);
            egui::ScrollArea::vertical()
                .id_salt("factorize-left")
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    ui.vertical(|ui| matrices::matrices_ui(ui, f, settings, events, out));
                });
        });
        ui.separator();
        ui.vertical(|ui| {
            let right = ui.available_size();
            ui.set_max_width(right.x);
            let top_h = (right.y * 0.58).floor();
            ui.allocate_ui(vec2(right.x, top_h), |ui| {
                ui.vertical(|ui| plane::embedding_ui(ui, f, settings, events, out));
            });
            ui.separator();
            let bottom = ui.available_size();
            ui.horizontal_top(|ui| {
                let curves_w = (bottom.x * 0.4).floor();
                ui.allocate_ui(vec2(curves_w, bottom.y), |ui| {
                    ui.vertical(|ui| lists::curves_ui(ui, f, settings.epochs, &mut out.drawn));
                });
                ui.separator();
                let lists_w = ui.available_width();
                ui.allocate_ui(vec2(lists_w, bottom.y), |ui| {
                    ui.set_max_width(lists_w);
                    ui.vertical(|ui| lists::lists_ui(ui, f, settings));
                });
            });
        });
    });
}
