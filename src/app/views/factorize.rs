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
//! Training runs on a background thread that sends a model snapshot per epoch;
//! small problems (and headless rendering) train on the UI thread in bounded
//! slices instead. Editing a rating folds that user in again at once.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

use egui::{Align2, Color32, FontId, Pos2, Rect, RichText, Sense, Stroke, Ui, Vec2, pos2, vec2};
use egui_plot::{
    Arrows, Legend, Line, MarkerShape, Plot, PlotPoint, PlotPoints, Points, Text, VLine,
};
use nalgebra::DMatrix;

use crate::app::RatingsHandle;
use crate::app::style::{fmt_count, fmt_num, text_on, viridis};
use crate::app::views::embeddings::item_embeddings;
use crate::app::widgets::place_labels;
use crate::data::{Dataset, Rating, Ratings};
use crate::math::factorize::{
    EpochStats, FactorizeConfig, Method, Model, Trainer, TrainingSet, UserVector, fold_in_user,
};
use crate::math::pca::{Pca, PcaOptions};
use crate::scene::{
    FactorizeMethod, FactorizeSettings, MAX_TOP_N, Metric, RatingEdit, VIEW_MAX_EPOCHS,
    VIEW_MAX_RANK, find_item,
};

/// Work (training ratings × (k + 1) × epochs) below which training runs on
/// the UI thread; above it a background thread trains.
const LOCAL_WORK: usize = 3_000_000;
/// The UI thread trains at most this long per frame.
const FRAME_BUDGET: Duration = Duration::from_millis(12);
/// Between two live epochs on the UI thread, so small data visibly trains.
const LIVE_PACE: Duration = Duration::from_millis(60);
/// Snapshots kept for the history scrubber: at most this many model numbers in all.
const SNAPSHOT_BUDGET: usize = 40_000_000;
/// The heatmaps show at most this many users and items (the most active).
const MAX_HEATMAP_USERS: usize = 100;
const MAX_HEATMAP_ITEMS: usize = 120;
/// Movies labelled on the embedding plot when there are at most this many.
const MAX_LABELLED_ITEMS: usize = 60;
/// Text size of the names in the embedding plot (the user's is one larger).
const LABEL_SIZE: f32 = 12.0;
/// With more movies and none selected, the longest movie vectors are named.
const MAX_EXTREME_LABELS: usize = 10;
/// Users labelled when there are at most this many.
const MAX_LABELLED_USERS: usize = 12;

/// Colours of the two kinds of point (Okabe–Ito): users vermillion, movies blue.
const USER_COLOR: Color32 = Color32::from_rgb(0xD5, 0x5E, 0x00);
const ITEM_COLOR: Color32 = Color32::from_rgb(0x00, 0x72, 0xB2);
const TRAIN_COLOR: Color32 = Color32::from_rgb(0x00, 0x72, 0xB2);
const TEST_COLOR: Color32 = Color32::from_rgb(0xD5, 0x5E, 0x00);

/// What a training run depends on (the number of epochs is only its goal).
#[derive(Clone, Debug, PartialEq)]
struct RunKey {
    ratings_id: u64,
    config: FactorizeConfig,
    test_fraction: f64,
}

/// The model after `epoch` epochs.
struct Snapshot {
    epoch: usize,
    model: Arc<Model>,
}

/// How a run trains: on the UI thread, or on a thread of its own.
enum Engine {
    Local(Box<Trainer>),
    Thread(Worker),
    /// Nothing more can be trained (set-up failed or training stopped).
    Done,
}

/// What the training thread sends.
enum Message {
    Epoch(EpochStats, Box<Model>),
    Failed(String),
}

/// The training thread's controls: it trains while fewer than `target`
/// epochs are done, and ends when `stop` is set.
struct Control {
    target: AtomicUsize,
    stop: AtomicBool,
}

struct Worker {
    control: Arc<Control>,
    thread: std::thread::Thread,
    rx: Receiver<Message>,
}

/// One training run: the split, the statistics and snapshots so far.
struct Run {
    key: RunKey,
    /// Bumped per run, so caches keyed on it notice a new run.
    serial: u64,
    data: Arc<TrainingSet>,
    /// The held-out (user, item) cells.
    test_cells: std::collections::HashSet<(u32, u32)>,
    initial: EpochStats,
    history: Vec<EpochStats>,
    snapshots: Vec<Snapshot>,
    /// Keep a snapshot every `stride` epochs (1 for small data).
    stride: usize,
    /// Epochs to train to.
    target: usize,
    /// Train steadily, one epoch every [`LIVE_PACE`] on the UI thread.
    live: bool,
    last_epoch_at: Option<Instant>,
    error: Option<String>,
    engine: Engine,
}

impl Drop for Run {
    fn drop(&mut self) {
        if let Engine::Thread(w) = &self.engine {
            w.control.stop.store(true, Ordering::Relaxed);
            w.thread.unpark();
        }
    }
}

impl Run {
    fn epochs_done(&self) -> usize {
        self.history.len()
    }

    fn is_training(&self) -> bool {
        self.epochs_done() < self.target && !matches!(self.engine, Engine::Done)
    }

    /// Sets the epoch to train to, and wakes the thread.
    fn set_target(&mut self, target: usize) {
        self.target = target;
        if let Engine::Thread(w) = &self.engine {
            w.control.target.store(target, Ordering::Relaxed);
            w.thread.unpark();
        }
    }

    fn record(&mut self, stats: EpochStats, model: Model) {
        let epoch = stats.epoch;
        self.history.push(stats);
        if epoch.is_multiple_of(self.stride) || epoch == self.target {
            self.snapshots.push(Snapshot {
                epoch,
                model: Arc::new(model),
            });
        } else if let Some(last) = self.snapshots.last_mut()
            && last.epoch % self.stride != 0
        {
            // Keep the newest epoch on screen without keeping every one.
            *last = Snapshot {
                epoch,
                model: Arc::new(model),
            };
        } else {
            self.snapshots.push(Snapshot {
                epoch,
                model: Arc::new(model),
            });
        }
    }

    /// Trains on the UI thread or collects the thread's epochs.
    fn advance(&mut self, blocking: bool, ctx: &egui::Context) {
        match &mut self.engine {
            Engine::Local(trainer) => {
                let started = Instant::now();
                let mut trained = Vec::new();
                let mut failed = None;
                let mut done = self.history.len();
                while done < self.target {
                    if !blocking {
                        if self.live && self.last_epoch_at.is_some_and(|t| t.elapsed() < LIVE_PACE)
                        {
                            ctx.request_repaint_after(LIVE_PACE);
                            break;
                        }
                        if started.elapsed() > FRAME_BUDGET {
                            ctx.request_repaint();
                            break;
                        }
                    }
                    match trainer.epoch() {
                        Ok(stats) => {
                            trained.push((stats, trainer.model().clone()));
                            done += 1;
                            if self.live && !blocking {
                                self.last_epoch_at = Some(Instant::now());
                                ctx.request_repaint_after(LIVE_PACE);
                                break;
                            }
                        }
                        Err(e) => {
                            failed = Some(e.to_string());
                            break;
                        }
                    }
                }
                for (stats, model) in trained {
                    self.record(stats, model);
                }
                if let Some(e) = failed {
                    self.error = Some(e);
                    self.engine = Engine::Done;
                }
            }
            Engine::Thread(w) => {
                let mut received = Vec::new();
                let mut failed = None;
                loop {
                    match w.rx.try_recv() {
                        Ok(Message::Epoch(stats, model)) => received.push((stats, *model)),
                        Ok(Message::Failed(e)) => failed = Some(e),
                        Err(TryRecvError::Empty) => break,
                        Err(TryRecvError::Disconnected) => {
                            if failed.is_none() && self.history.len() < self.target {
                                failed = Some("training stopped unexpectedly".to_owned());
                            }
                            break;
                        }
                    }
                }
                for (stats, model) in received {
                    self.record(stats, model);
                }
                if let Some(e) = failed {
                    self.error = Some(e);
                    self.engine = Engine::Done;
                } else if self.history.len() < self.target {
                    ctx.request_repaint_after(Duration::from_millis(50));
                }
            }
            Engine::Done => {}
        }
    }

    /// The snapshot at or just before `epoch`.
    fn snapshot(&self, epoch: usize) -> Option<&Snapshot> {
        self.snapshots
            .iter()
            .rev()
            .find(|s| s.epoch <= epoch)
            .or_else(|| self.snapshots.first())
    }

    fn stats(&self, epoch: usize) -> Option<&EpochStats> {
        if epoch == 0 {
            Some(&self.initial)
        } else {
            self.history.get(epoch - 1)
        }
    }
}

/// A training thread: trains while fewer than `control.target` epochs are done.
fn spawn_worker(mut trainer: Trainer, target: usize, ctx: egui::Context) -> Worker {
    let control = Arc::new(Control {
        target: AtomicUsize::new(target),
        stop: AtomicBool::new(false),
    });
    let (tx, rx) = channel();
    let c = control.clone();
    let handle = std::thread::spawn(move || {
        loop {
            if c.stop.load(Ordering::Relaxed) {
                return;
            }
            if trainer.epochs_done() < c.target.load(Ordering::Relaxed) {
                let message = match trainer.epoch() {
                    Ok(stats) => Message::Epoch(stats, Box::new(trainer.model().clone())),
                    Err(e) => Message::Failed(e.to_string()),
                };
                let failed = matches!(message, Message::Failed(_));
                if tx.send(message).is_err() || failed {
                    ctx.request_repaint();
                    return;
                }
                ctx.request_repaint();
            } else {
                std::thread::park_timeout(Duration::from_millis(200));
            }
        }
    });
    Worker {
        control,
        thread: handle.thread().clone(),
        rx,
    }
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

/// Users and items shown in the heatmaps, and the order of the rest.
struct Layout {
    ratings_id: u64,
    users: Vec<u32>,
    items: Vec<u32>,
    /// The step between ratings on this scale: 1 for stars, 0.5 for half
    /// stars, 0 when ratings are not on a grid.
    step: f32,
}

/// Plane coordinates of the embedding plot for one snapshot.
struct Plane {
    key: (u64, usize, u64),
    users: Vec<[f64; 2]>,
    items: Vec<[f64; 2]>,
    /// The PCA used for k > 2 (None: the factors are the plane).
    pca: Option<Pca>,
}

/// Users folded in again after an edit, keyed by (run, epoch, edits).
type Folded = ((u64, usize, u64), HashMap<u32, Result<UserVector, String>>);

/// The Factorize view's state: scene settings, the training run and caches.
pub struct FactorizeView {
    pub settings: FactorizeSettings,
    run: Option<Run>,
    next_serial: u64,
    /// Bumped by every edit: folded-in users depend on it.
    edits_serial: u64,
    /// Train everything on the UI thread, at once (headless rendering).
    blocking: bool,
    layout: Option<Layout>,
    plane: Option<Plane>,
    /// Users folded in again after an edit, for (run, epoch, edits).
    folded: Option<Folded>,
    /// The lists shown last frame (tests read them).
    recommendations: Vec<Ranked>,
    similar: Vec<Ranked>,
    /// Whether `settings.epoch` still has to be trained (a scene just opened).
    replay: bool,
    /// The movie factors the user asked to explore in the Embeddings view,
    /// waiting for the app to open them.
    explore: Option<Dataset>,
    /// How many ratings each user and item has, for the ratings shown.
    counts: Option<RatingCounts>,
}

/// How many ratings each user and item has (edits aside), to explain those
/// with none: nothing pulls their vectors, so they say little.
struct RatingCounts {
    ratings_id: u64,
    per_user: Vec<u32>,
    unrated_users: usize,
    unrated_items: usize,
}

impl RatingCounts {
    fn new(ratings_id: u64, r: &Ratings) -> Self {
        let mut per_user = vec![0u32; r.n_users()];
        let mut per_item = vec![0u32; r.n_items()];
        for e in &r.entries {
            if let Some(n) = per_user.get_mut(e.user as usize) {
                *n += 1;
            }
            if let Some(n) = per_item.get_mut(e.item as usize) {
                *n += 1;
            }
        }
        Self {
            ratings_id,
            unrated_users: per_user.iter().filter(|&&n| n == 0).count(),
            unrated_items: per_item.iter().filter(|&&n| n == 0).count(),
            per_user,
        }
    }

    /// The note under the header, when some users or movies have no ratings.
    fn note(&self) -> Option<String> {
        let count = |n: usize, one: &str, many: &str| {
            format!("{} {}", fmt_count(n), if n == 1 { one } else { many })
        };
        let who = match (self.unrated_users, self.unrated_items) {
            (0, 0) => return None,
            (u, 0) => format!("{} no ratings", count(u, "user has", "users have")),
            (0, i) => format!("{} no ratings", count(i, "movie has", "movies have")),
            (u, i) => format!(
                "{} and {} have no ratings",
                count(u, "user", "users"),
                count(i, "movie", "movies")
            ),
        };
        Some(format!(
            "{who}: nothing pulls their vectors from where training starts them, so their predictions fall back on the mean (and the biases)."
        ))
    }
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
            layout: None,
            plane: None,
            folded: None,
            recommendations: Vec::new(),
            similar: Vec::new(),
            replay: true,
            explore: None,
            counts: None,
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
        self.run.as_ref().and_then(|r| r.error.as_deref())
    }

    /// The selected user's recommendations as drawn last frame.
    #[must_use]
    pub fn recommendations(&self) -> &[Ranked] {
        &self.recommendations
    }

    /// The selected movie's most similar movies as drawn last frame.
    #[must_use]
    pub fn similar(&self) -> &[Ranked] {
        &self.similar
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
        }
    }

    fn key(&self, handle: &RatingsHandle) -> RunKey {
        RunKey {
            ratings_id: handle.id,
            config: FactorizeConfig {
                // The number of epochs is a goal, not part of the model.
                epochs: 1,
                ..self.config()
            },
            test_fraction: self.settings.test_fraction,
        }
    }

    /// The edits as a map (user, item) → rating (None: cleared).
    fn edit_map(&self, r: &Ratings) -> HashMap<(u32, u32), Option<f32>> {
        self.settings
            .edits
            .iter()
            .filter_map(|e| {
                Some((
                    (r.user_index(&e.user)?, find_item(r, &e.item)?),
                    e.rating.map(|v| v as f32),
                ))
            })
            .collect()
    }

    /// A new run on the (edited) ratings, trained to `target` epochs.
    fn start_run(&mut self, ctx: &egui::Context, handle: &RatingsHandle, target: usize) {
        // Stop the old thread before starting another.
        self.run = None;
        let r = &handle.data;
        let key = self.key(handle);
        let serial = self.next_serial;
        self.next_serial += 1;
        let config = FactorizeConfig {
            epochs: self.settings.epochs,
            ..key.config.clone()
        };
        let mut ratings = (**r).clone();
        apply_edits(&mut ratings, &self.edit_map(r));
        let target = target.min(self.settings.epochs);
        let failed = |e: String| Run {
            key: key.clone(),
            serial,
            data: Arc::new(TrainingSet {
                n_users: r.n_users(),
                n_items: r.n_items(),
                scale: (f64::from(r.scale.0), f64::from(r.scale.1)),
                train: Vec::new(),
                test: Vec::new(),
            }),
            test_cells: std::collections::HashSet::new(),
            initial: EpochStats::unmeasured(),
            history: Vec::new(),
            snapshots: Vec::new(),
            stride: 1,
            target: 0,
            live: false,
            last_epoch_at: None,
            error: Some(e),
            engine: Engine::Done,
        };
        let data =
            match TrainingSet::split(&ratings, self.settings.test_fraction, self.settings.seed) {
                Ok(d) => d,
                Err(e) => {
                    self.run = Some(failed(e.to_string()));
                    return;
                }
            };
        let trainer = match Trainer::new(config.clone(), data.clone()) {
            Ok(t) => t,
            Err(e) => {
                self.run = Some(failed(e.to_string()));
                return;
            }
        };
        let params = (r.n_users() + r.n_items()) * (config.rank + 1);
        let stride = (params * config.epochs).div_ceil(SNAPSHOT_BUDGET).max(1);
        let work = data.train.len() * (config.rank + 1) * config.epochs.max(1);
        let initial = *trainer.initial();
        let model = trainer.model().clone();
        let engine = if self.blocking || work <= LOCAL_WORK {
            Engine::Local(Box::new(trainer))
        } else {
            Engine::Thread(spawn_worker(trainer, target, ctx.clone()))
        };
        let test_cells = data.test.iter().map(|t| (t.user, t.item)).collect();
        self.run = Some(Run {
            key,
            serial,
            data: Arc::new(data),
            test_cells,
            initial,
            history: Vec::new(),
            snapshots: vec![Snapshot {
                epoch: 0,
                model: Arc::new(model),
            }],
            stride,
            target,
            live: false,
            last_epoch_at: None,
            error: None,
            engine,
        });
        self.settings.history = None;
        self.folded = None;
    }

    /// Starts or continues training toward `settings.epochs` (a new run if
    /// the parameters changed).
    fn train(&mut self, ctx: &egui::Context, handle: &RatingsHandle) {
        let stale = self.run.as_ref().is_none_or(|r| r.key != self.key(handle));
        if stale {
            self.start_run(ctx, handle, 0);
        }
        let epochs = self.settings.epochs;
        if let Some(run) = &mut self.run {
            run.live = true;
            run.set_target(epochs);
        }
        self.settings.history = None;
    }

    fn pause(&mut self) {
        if let Some(run) = &mut self.run {
            let done = run.epochs_done();
            run.set_target(done);
        }
    }

    fn step(&mut self, ctx: &egui::Context, handle: &RatingsHandle) {
        let stale = self.run.as_ref().is_none_or(|r| r.key != self.key(handle));
        if stale {
            self.start_run(ctx, handle, 0);
        }
        let epochs = self.settings.epochs;
        if let Some(run) = &mut self.run {
            let next = (run.epochs_done() + 1).min(epochs.max(run.epochs_done()));
            run.live = false;
            run.set_target(next);
        }
        self.settings.history = None;
    }

    /// The epoch on screen: the scrubber's, else the latest.
    fn shown_epoch(&self) -> usize {
        let done = self.epochs_done();
        self.settings.history.map_or(done, |h| h.min(done))
    }

    /// Draws the view for `handle`'s ratings.
    pub fn ui(&mut self, ui: &mut Ui, handle: &RatingsHandle) {
        let ctx = ui.ctx().clone();
        let r = handle.data.clone();
        self.adapt_to(&r);
        if self.replay
            || self
                .run
                .as_ref()
                .is_none_or(|run| run.key.ratings_id != handle.id)
        {
            let target = if self.replay { self.settings.epoch } else { 0 };
            self.replay = false;
            self.start_run(&ctx, handle, target);
        }
        let blocking = self.blocking;
        if let Some(run) = &mut self.run {
            run.advance(blocking, &ctx);
        }
        // The scene records how far training got.
        self.settings.epoch = self.epochs_done().min(self.settings.epochs);

        Self::header(ui, &r);
        if self
            .counts
            .as_ref()
            .is_none_or(|c| c.ratings_id != handle.id)
        {
            self.counts = Some(RatingCounts::new(handle.id, &r));
        }
        if let Some(note) = self.counts.as_ref().and_then(RatingCounts::note) {
            ui.label(RichText::new(note).color(ui.visuals().warn_fg_color));
        }
        self.controls(ui, handle);
        let max_rank = r.n_users().min(r.n_items());
        if self.settings.rank > max_rank {
            ui.label(
                RichText::new(format!(
                    "k = {} is more than the data allow: a {} × {} matrix has rank at most {max_rank}, so factors past the {max_rank}th can only fit noise (λ keeps them small). Try k ≤ {max_rank}.",
                    self.settings.rank,
                    r.n_users(),
                    r.n_items()
                ))
                .color(ui.visuals().warn_fg_color),
            );
        }
        ui.separator();

        let Some(run) = self.run.as_ref() else {
            return;
        };
        if let Some(e) = &run.error {
            ui.label(
                RichText::new(format!("Training stopped: {e}")).color(ui.visuals().error_fg_color),
            );
        }
        let shown = self.shown_epoch();
        let Some(snapshot) = run.snapshot(shown) else {
            return;
        };
        let model = snapshot.model.clone();
        let shown = snapshot.epoch;
        let serial = run.serial;

        let user = self.settings.user.as_deref().and_then(|u| r.user_index(u));
        let item = self.settings.item.as_deref().and_then(|i| find_item(&r, i));
        let edits = self.edit_map(&r);
        self.update_folded(&r, &model, serial, shown, &edits);
        let user_vec = user.map(|u| self.user_vector(&model, u));
        self.update_lists(&r, &model, user, user_vec.as_ref(), item, &edits);
        self.update_layout(handle.id, &r);
        self.update_plane(&model, serial, shown);

        let avail = ui.available_size();
        let left_w = (avail.x * 0.42).floor();
        ui.horizontal_top(|ui| {
            ui.allocate_ui(vec2(left_w, avail.y), |ui| {
                ui.vertical(|ui| {
                    self.matrices_ui(ui, &r, &model, user, item, &edits);
                });
            });
            ui.separator();
            ui.vertical(|ui| {
                let right = ui.available_size();
                let top_h = (right.y * 0.58).floor();
                ui.allocate_ui(vec2(right.x, top_h), |ui| {
                    ui.vertical(|ui| {
                        self.embedding_ui(ui, &r, &model, user, user_vec.as_ref(), item);
                    });
                });
                ui.separator();
                let bottom = ui.available_size();
                ui.horizontal_top(|ui| {
                    let curves_w = (bottom.x * 0.4).floor();
                    ui.allocate_ui(vec2(curves_w, bottom.y), |ui| {
                        ui.vertical(|ui| self.curves_ui(ui));
                    });
                    ui.separator();
                    // Long lists scroll rather than run off the window.
                    egui::ScrollArea::both()
                        .id_salt("factorize-lists")
                        .max_height(bottom.y)
                        .show(ui, |ui| {
                            ui.vertical(|ui| self.lists_ui(ui, &r, user, item));
                        });
                });
            });
        });
    }

    fn header(ui: &mut Ui, r: &Ratings) {
        ui.horizontal(|ui| {
            ui.heading(&r.name);
            ui.label(
                RichText::new(format!(
                    "{} users × {} movies, {} ratings ({:.1}% observed), scale {} to {}",
                    fmt_count(r.n_users()),
                    fmt_count(r.n_items()),
                    fmt_count(r.len()),
                    100.0 * r.observed_fraction(),
                    fmt_num(f64::from(r.scale.0), 3),
                    fmt_num(f64::from(r.scale.1), 3),
                ))
                .weak(),
            );
        });
    }

    fn controls(&mut self, ui: &mut Ui, handle: &RatingsHandle) {
        let ctx = ui.ctx().clone();
        let mut action = None;
        ui.horizontal_wrapped(|ui| {
            let s = &mut self.settings;
            let l = ui.label("method");
            egui::ComboBox::from_id_salt("factorize-method")
                .selected_text(match s.method {
                    FactorizeMethod::Als => "ALS",
                    FactorizeMethod::Sgd => "SGD",
                })
                .width(64.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut s.method, FactorizeMethod::Als, "ALS")
                        .on_hover_text("Alternating least squares: solve for all users, then all movies, exactly. The loss never rises.");
                    ui.selectable_value(&mut s.method, FactorizeMethod::Sgd, "SGD")
                        .on_hover_text("Stochastic gradient descent: nudge p_u and q_i after every rating.");
                })
                .response
                .labelled_by(l.id);
            let l = ui.label("k");
            ui.add(egui::DragValue::new(&mut s.rank).range(1..=VIEW_MAX_RANK))
                .labelled_by(l.id)
                .on_hover_text("Latent factors per user and movie. With k = 2 the factors are the plane of the embedding plot.");
            let l = ui.label("λ");
            ui.add(
                egui::DragValue::new(&mut s.lambda)
                    .range(0.0..=100.0)
                    .speed(0.01)
                    .max_decimals(3),
            )
            .labelled_by(l.id)
            .on_hover_text("Regularization: pulls every vector toward 0, per rating it touches.");
            let l = ui.label("γ");
            ui.add_enabled(
                s.method == FactorizeMethod::Sgd,
                egui::DragValue::new(&mut s.learning_rate)
                    .range(0.0001..=1.0)
                    .speed(0.001)
                    .max_decimals(4),
            )
            .labelled_by(l.id)
            .on_hover_text("SGD's learning rate (ALS has none).");
            let l = ui.label("epochs");
            ui.add(egui::DragValue::new(&mut s.epochs).range(1..=VIEW_MAX_EPOCHS))
                .labelled_by(l.id);
            ui.checkbox(&mut s.biases, "biases")
                .on_hover_text("Fit a bias per user (generous or harsh) and per movie (loved or not): r̂ = μ + b_u + b_i + p_u · q_i.");
            let l = ui.label("seed");
            ui.add(egui::DragValue::new(&mut s.seed)).labelled_by(l.id);
            let l = ui.label("test");
            let mut percent = s.test_fraction * 100.0;
            if ui
                .add(
                    egui::DragValue::new(&mut percent)
                        .range(0.0..=90.0)
                        .speed(1.0)
                        .suffix("%")
                        .max_decimals(0),
                )
                .labelled_by(l.id)
                .on_hover_text("Share of the ratings held out to measure the test RMSE.")
                .changed()
            {
                s.test_fraction = (percent / 100.0).clamp(0.0, 0.9);
            }
        });
        let training = self.is_training();
        let done = self.epochs_done();
        let stale = self.run.as_ref().is_some_and(|r| r.key != self.key(handle));
        ui.horizontal(|ui| {
            if training {
                if ui.button("‖ Pause").clicked() {
                    action = Some(Action::Pause);
                }
            } else if ui
                .button("▶ Train")
                .on_hover_text("Train to the number of epochs set")
                .clicked()
            {
                action = Some(Action::Train);
            }
            if ui
                .add_enabled(!training, egui::Button::new("Step"))
                .on_hover_text("Train one more epoch")
                .clicked()
            {
                action = Some(Action::Step);
            }
            if ui
                .button("Reset")
                .on_hover_text("Start again from random factors (with the edited ratings)")
                .clicked()
            {
                action = Some(Action::Reset);
            }
            let epochs = self.settings.epochs.max(1);
            let progress = (done as f32 / epochs as f32).min(1.0);
            ui.add(
                egui::ProgressBar::new(progress)
                    .desired_width(220.0)
                    .text(format!("epoch {done} of {epochs}")),
            );
            if let Some(run) = &self.run
                && let Some(last) = run.history.last()
            {
                let mut text = format!("train RMSE {}", fmt_num(last.train_rmse, 4));
                if let Some(t) = last.test_rmse {
                    let _ = write!(text, " · test RMSE {}", fmt_num(t, 4));
                }
                ui.label(text);
            }
            if stale {
                ui.label(
                    RichText::new("Parameters changed: Train or Reset starts again.")
                        .color(ui.visuals().warn_fg_color),
                );
            }
        });
        match action {
            Some(Action::Train) => self.train(&ctx, handle),
            Some(Action::Pause) => self.pause(),
            Some(Action::Step) => self.step(&ctx, handle),
            Some(Action::Reset) => self.start_run(&ctx, handle, 0),
            None => {}
        }
    }

    /// Folds in again every user with an edited rating, once per snapshot.
    fn update_folded(
        &mut self,
        r: &Ratings,
        model: &Model,
        serial: u64,
        epoch: usize,
        edits: &HashMap<(u32, u32), Option<f32>>,
    ) {
        let key = (serial, epoch, self.edits_serial);
        if self.folded.as_ref().is_some_and(|(k, _)| *k == key) {
            return;
        }
        let mut folded = HashMap::new();
        if let Some(run) = &self.run {
            let mut users: Vec<u32> = edits.keys().map(|&(u, _)| u).collect();
            users.sort_unstable();
            users.dedup();
            for u in users {
                let ratings = user_ratings(&run.data.train, u, edits);
                let v = fold_in_user(model, &ratings, self.settings.lambda.max(0.0))
                    .map_err(|e| e.to_string());
                folded.insert(u, v);
            }
        }
        let _ = r;
        self.folded = Some((key, folded));
    }

    /// User `u`'s vector: folded in again if edited, else the model's.
    fn user_vector(&self, model: &Model, u: u32) -> UserVector {
        self.folded
            .as_ref()
            .and_then(|(_, f)| f.get(&u))
            .and_then(|v| v.as_ref().ok())
            .cloned()
            .unwrap_or_else(|| model.user(u as usize))
    }

    fn update_lists(
        &mut self,
        r: &Ratings,
        model: &Model,
        user: Option<u32>,
        user_vec: Option<&UserVector>,
        item: Option<u32>,
        edits: &HashMap<(u32, u32), Option<f32>>,
    ) {
        let n = self.settings.top_n.clamp(1, MAX_TOP_N);
        self.recommendations = match (user, user_vec, &self.run) {
            (Some(u), Some(v), Some(run)) => {
                let rated: std::collections::HashSet<u32> = user_ratings(&run.data.train, u, edits)
                    .iter()
                    .map(|&(i, _)| i)
                    .collect();
                recommend(r, model, v, &rated, self.settings.metric, n)
            }
            _ => Vec::new(),
        };
        self.similar = item.map_or_else(Vec::new, |i| similar_items(r, model, i, n));
    }

    fn update_layout(&mut self, id: u64, r: &Ratings) {
        if self.layout.as_ref().is_some_and(|l| l.ratings_id == id) {
            return;
        }
        let (mut user_counts, mut item_counts) =
            (vec![0usize; r.n_users()], vec![0usize; r.n_items()]);
        for e in &r.entries {
            user_counts[e.user as usize] += 1;
            item_counts[e.item as usize] += 1;
        }
        let pick = |counts: &[usize], max: usize| -> Vec<u32> {
            let mut idx: Vec<u32> = (0..counts.len() as u32).collect();
            if counts.len() > max {
                // The most active, in their original order.
                idx.sort_by_key(|&i| std::cmp::Reverse(counts[i as usize]));
                idx.truncate(max);
                idx.sort_unstable();
            }
            idx
        };
        self.layout = Some(Layout {
            ratings_id: id,
            users: pick(&user_counts, MAX_HEATMAP_USERS),
            items: pick(&item_counts, MAX_HEATMAP_ITEMS),
            step: rating_step(r),
        });
    }

    /// Plane coordinates: the factors for k ≤ 2, else their PCA projection.
    fn update_plane(&mut self, model: &Model, serial: u64, epoch: usize) {
        let key = (serial, epoch, 0);
        if self.plane.as_ref().is_some_and(|p| p.key == key) {
            return;
        }
        let k = model.rank();
        let (nu, ni) = (model.n_users(), model.n_items());
        let plane = if k <= 2 {
            let coord = |f: &[f64]| {
                [
                    f.first().copied().unwrap_or(0.0),
                    f.get(1).copied().unwrap_or(0.0),
                ]
            };
            Plane {
                key,
                users: (0..nu).map(|u| coord(model.user_factors(u))).collect(),
                items: (0..ni).map(|i| coord(model.item_factors(i))).collect(),
                pca: None,
            }
        } else {
            // Users and movies together, so both land in the same plane.
            let x = DMatrix::from_fn(nu + ni, k, |row, f| {
                if row < nu {
                    model.user_factors(row)[f]
                } else {
                    model.item_factors(row - nu)[f]
                }
            });
            let names: Vec<String> = (1..=k).map(|f| format!("f{f}")).collect();
            match Pca::fit_matrix(&x, &names, &PcaOptions::default()) {
                Ok(pca) => {
                    // Project without centring, so the origin (the zero vector) stays put
                    // and the user's arrow starts there: t = Vᵀ x.
                    let project = |f: &[f64]| -> [f64; 2] {
                        let mut t = [0.0; 2];
                        for (c, tc) in t.iter_mut().enumerate() {
                            *tc = (0..k).map(|j| pca.components[(c, j)] * f[j]).sum();
                        }
                        t
                    };
                    Plane {
                        key,
                        users: (0..nu).map(|u| project(model.user_factors(u))).collect(),
                        items: (0..ni).map(|i| project(model.item_factors(i))).collect(),
                        pca: Some(pca),
                    }
                }
                Err(_) => Plane {
                    key,
                    users: (0..nu)
                        .map(|u| {
                            let f = model.user_factors(u);
                            [f[0], f[1]]
                        })
                        .collect(),
                    items: (0..ni)
                        .map(|i| {
                            let f = model.item_factors(i);
                            [f[0], f[1]]
                        })
                        .collect(),
                    pca: None,
                },
            }
        };
        self.plane = Some(plane);
    }

    fn matrices_ui(
        &mut self,
        ui: &mut Ui,
        r: &Ratings,
        model: &Model,
        user: Option<u32>,
        item: Option<u32>,
        edits: &HashMap<(u32, u32), Option<f32>>,
    ) {
        let Some(run) = &self.run else { return };
        let Some(layout) = &self.layout else { return };
        blocks_ui(ui, r, model, run.data.train.len(), run.data.test.len());
        ui.add_space(4.0);
        let (lo, hi) = (f64::from(r.scale.0), f64::from(r.scale.1));
        let partial = layout.users.len() < r.n_users() || layout.items.len() < r.n_items();
        if partial {
            ui.label(
                RichText::new(format!(
                    "Showing the {} most active users × {} most rated movies.",
                    layout.users.len(),
                    layout.items.len()
                ))
                .weak(),
            );
        }
        let avail = ui.available_size();
        let editor_h = 64.0;
        let legend_h = 34.0;
        // Side by side unless stacking makes the cells much larger.
        let (m, n) = (
            layout.users.len().max(1) as f32,
            layout.items.len().max(1) as f32,
        );
        let (left, top, right) = name_margins(r, &layout.users, &layout.items);
        let h = avail.y - editor_h - legend_h - 40.0;
        let side = ((avail.x / 2.0 - left - right) / n).min((h - top) / m);
        let stacked = ((avail.x - left - right) / n).min((h / 2.0 - top) / m);
        let two_wide = side * 1.3 >= stacked;
        let size = if two_wide {
            vec2((avail.x - 12.0) / 2.0, avail.y - editor_h - legend_h)
        } else {
            vec2(avail.x, (avail.y - editor_h - legend_h - 12.0) / 2.0)
        }
        .max(vec2(80.0, 60.0));

        // Ratings with the edits applied; predictions with edited users folded in.
        let observed: HashMap<(u32, u32), f32> = {
            let mut m: HashMap<(u32, u32), f32> = r
                .entries
                .iter()
                .map(|e| ((e.user, e.item), e.value))
                .collect();
            for (&cell, v) in edits {
                match v {
                    Some(v) => {
                        m.insert(cell, *v);
                    }
                    None => {
                        m.remove(&cell);
                    }
                }
            }
            m
        };
        let user_vecs: HashMap<u32, UserVector> = layout
            .users
            .iter()
            .filter(|u| edits.keys().any(|(eu, _)| eu == *u))
            .map(|&u| (u, self.user_vector(model, u)))
            .collect();
        let test_cells = &run.test_cells;
        let mut clicked = None;
        let draw = |ui: &mut Ui, clicked: &mut Option<(u32, u32)>| {
            let rows = &layout.users;
            let cols = &layout.items;
            ui.vertical(|ui| {
                ui.label(RichText::new("R: ratings (gaps unknown)").strong());
                let res = matrix_ui(ui, size, r, rows, cols, (lo, hi), user, item, |u, i| {
                    let v = observed.get(&(u, i)).map(|&v| f64::from(v));
                    let mark = if edits.contains_key(&(u, i)) {
                        CellMark::Edited
                    } else if test_cells.contains(&(u, i)) {
                        CellMark::Test
                    } else {
                        CellMark::None
                    };
                    (v, mark)
                });
                if res.is_some() {
                    *clicked = res;
                }
            });
            ui.vertical(|ui| {
                ui.label(
                    RichText::new(if model.has_biases() {
                        "μ + b + P·Qᵀ: predictions r̂"
                    } else {
                        "μ + P·Qᵀ: predictions r̂"
                    })
                    .strong(),
                );
                let res = matrix_ui(ui, size, r, rows, cols, (lo, hi), user, item, |u, i| {
                    let v = match user_vecs.get(&u) {
                        Some(v) => model.clip(model.predict_for(v, i as usize)),
                        None => model.predict(u as usize, i as usize),
                    };
                    (Some(v), CellMark::None)
                });
                if res.is_some() {
                    *clicked = res;
                }
            });
        };
        if two_wide {
            ui.horizontal_top(|ui| draw(ui, &mut clicked));
        } else {
            draw(ui, &mut clicked);
        }
        color_bar(ui, (lo, hi), "rating");
        ui.label(
            RichText::new("○ held out for the test RMSE   □ edited   click a cell to select its user and movie")
                .weak()
                .small(),
        );
        if let Some((u, i)) = clicked {
            self.settings.user = r.users.get(u as usize).cloned();
            self.settings.item = r.items.get(i as usize).map(|it| it.id.clone());
        }
        self.cell_editor(ui, r, &observed);
    }

    /// Rate, re-rate or clear the selected user's rating of the selected movie.
    fn cell_editor(&mut self, ui: &mut Ui, r: &Ratings, observed: &HashMap<(u32, u32), f32>) {
        let user = self.settings.user.clone();
        let item = self.settings.item.clone();
        let (Some(user), Some(item)) = (user, item) else {
            ui.label(
                RichText::new("Select a user and a movie (click a cell) to edit a rating.").weak(),
            );
            return;
        };
        let (Some(u), Some(i)) = (r.user_index(&user), find_item(r, &item)) else {
            return;
        };
        let current = observed.get(&(u, i)).copied();
        let (lo, hi) = r.scale;
        let mut edit = None;
        ui.horizontal_wrapped(|ui| {
            ui.label(format!(
                "{user} × {}: {}",
                r.item_name(i),
                current.map_or_else(|| "not rated".to_owned(), |v| fmt_num(f64::from(v), 3))
            ));
            ui.label(RichText::new("rate").weak());
            let step = self.layout.as_ref().map_or(1.0, |l| l.step);
            let count = if step > 0.0 {
                ((hi - lo) / step).round() as usize + 1
            } else {
                usize::MAX
            };
            if count <= 11 {
                // One button per value of the scale: 1 … 5, or 0.5 … 5 by halves.
                for k in 0..count {
                    let v = lo + step * k as f32;
                    let on = current.is_some_and(|c| (c - v).abs() < 1e-4);
                    if ui.selectable_label(on, fmt_num(f64::from(v), 3)).clicked() {
                        edit = Some(Some(f64::from(v)));
                    }
                }
            } else {
                // A fine or continuous scale: drag or type the value.
                let id = ui.scope_id().with(("factorize-rating-value", u, i));
                let mut v: f32 = ui
                    .data(|d| d.get_temp(id))
                    .or(current)
                    .unwrap_or(f32::midpoint(lo, hi));
                ui.add(
                    egui::DragValue::new(&mut v)
                        .range(lo..=hi)
                        .speed(f64::from(hi - lo) / 200.0),
                );
                ui.data_mut(|d| d.insert_temp(id, v));
                if ui.button("Set").clicked() {
                    edit = Some(Some(f64::from(v)));
                }
            }
            if ui
                .add_enabled(current.is_some(), egui::Button::new("Clear rating"))
                .clicked()
            {
                edit = Some(None);
            }
        });
        if let Some(v) = edit {
            self.edit_rating(&user, &item, v);
        }
    }

    fn embedding_ui(
        &mut self,
        ui: &mut Ui,
        r: &Ratings,
        model: &Model,
        user: Option<u32>,
        user_vec: Option<&UserVector>,
        item: Option<u32>,
    ) {
        let Some(plane) = &self.plane else { return };
        let done = self.epochs_done();
        let shown = self.shown_epoch();
        let k = model.rank();
        ui.horizontal(|ui| {
            ui.label(RichText::new("Embeddings").strong());
            if ui
                .small_button("Explore item embeddings")
                .on_hover_text("Open the movie vectors shown here (all k factors) in the Embeddings view: neighbours by cosine, dot or distance, titles and genres as labels")
                .clicked()
            {
                self.explore = Some(item_embeddings(r, model, shown));
            }
            match &plane.pca {
                None => ui.label(format!("k = {k}: the plane of the factors (f₁, f₂)")),
                Some(p) => ui.label(format!(
                    "k = {k}: PCA projection of the factors onto PC1 ({:.0}%) and PC2 ({:.0}%); dot products are approximate here",
                    100.0 * p.explained_variance_ratio[0],
                    100.0 * p.explained_variance_ratio[1]
                )),
            };
        });
        // The history scrubber.
        ui.horizontal(|ui| {
            let l = ui.label("history");
            let mut e = shown;
            let slider = ui.add_enabled(
                done > 0,
                egui::Slider::new(&mut e, 0..=done.max(1))
                    .text("epoch")
                    .clamping(egui::SliderClamping::Always),
            );
            let slider = slider.labelled_by(l.id);
            if slider.changed() {
                self.settings.history = if e >= done { None } else { Some(e) };
            }
            if self.settings.history.is_some() {
                if ui.button("Latest").clicked() {
                    self.settings.history = None;
                }
            } else {
                ui.label(RichText::new("showing the latest epoch").weak());
            }
            ui.add_space(12.0);
            ui.checkbox(&mut self.settings.labels, "names");
        });
        let dark = ui.visuals().dark_mode;
        let text_color = ui.visuals().text_color();
        // Legend line: what the markers and the shading mean.
        ui.horizontal(|ui| {
            legend_marker(ui, USER_COLOR, true);
            ui.label("users");
            legend_marker(ui, ITEM_COLOR, false);
            ui.label("movies");
            if let Some(u) = user {
                ui.add_space(8.0);
                ui.label(
                    RichText::new(format!(
                        "shaded by {}'s predicted rating",
                        r.users[u as usize]
                    ))
                    .weak(),
                );
                let (lo, hi) = (f64::from(r.scale.0), f64::from(r.scale.1));
                small_color_bar(ui, (lo, hi));
            }
        });
        let predicted: Option<Vec<f64>> = user_vec.map(|v| {
            (0..r.n_items())
                .map(|i| model.clip(model.predict_for(v, i)))
                .collect()
        });
        // A folded-in (edited) user sits where their new vector puts them.
        let user_point = |u: u32| -> [f64; 2] {
            match (user, user_vec, &plane.pca) {
                (Some(s), Some(v), None) if s == u => [
                    v.factors.first().copied().unwrap_or(0.0),
                    v.factors.get(1).copied().unwrap_or(0.0),
                ],
                (Some(s), Some(v), Some(p)) if s == u => {
                    let mut t = [0.0; 2];
                    for (c, tc) in t.iter_mut().enumerate() {
                        *tc = (0..k).map(|j| p.components[(c, j)] * v.factors[j]).sum();
                    }
                    t
                }
                _ => plane.users[u as usize],
            }
        };
        let (lo, hi) = (f64::from(r.scale.0), f64::from(r.scale.1));
        let n_bins = 10;
        let mut item_bins: Vec<Vec<[f64; 2]>> = vec![Vec::new(); n_bins];
        for (i, p) in plane.items.iter().enumerate() {
            let b = predicted.as_ref().map_or(0, |pr| {
                (((pr[i] - lo) / (hi - lo).max(1e-9)) * n_bins as f64)
                    .floor()
                    .clamp(0.0, (n_bins - 1) as f64) as usize
            });
            item_bins[b].push(*p);
        }
        let users_pts: Vec<[f64; 2]> = (0..r.n_users() as u32).map(user_point).collect();
        let labels = self.settings.labels;
        let recs: Vec<u32> = self.recommendations.iter().map(|x| x.item).collect();
        let sims: Vec<u32> = self.similar.iter().map(|x| x.item).collect();
        let label_items: Vec<u32> = if !labels {
            Vec::new()
        } else if r.n_items() <= MAX_LABELLED_ITEMS {
            (0..r.n_items() as u32).collect()
        } else if recs.is_empty() && sims.is_empty() {
            // Nothing selected: name the longest vectors, which span the plane.
            let mut by_length: Vec<u32> = (0..r.n_items() as u32).collect();
            by_length.sort_by(|&a, &b| {
                norm(model.item_factors(b as usize))
                    .total_cmp(&norm(model.item_factors(a as usize)))
            });
            by_length.truncate(MAX_EXTREME_LABELS);
            by_length
        } else {
            recs.iter().chain(&sims).copied().chain(item).collect()
        };
        let label_users: Vec<u32> = if !labels {
            Vec::new()
        } else if r.n_users() <= MAX_LABELLED_USERS {
            (0..r.n_users() as u32).collect()
        } else {
            user.into_iter().collect()
        };
        let big = r.n_items() + r.n_users() > 2000;
        let response = Plot::new("factorize-embedding")
            .data_aspect(1.0)
            .x_axis_label(if plane.pca.is_some() {
                "PC1 of the factors"
            } else {
                "factor 1"
            })
            .custom_y_axes(super::sparse_y_axis(if plane.pca.is_some() {
                "PC2 of the factors"
            } else {
                "factor 2"
            }))
            .show_x(false)
            .show_y(false)
            .label_formatter(|_: &egui_plot::HoverPosition<'_>| None)
            .show(ui, |plot_ui| {
                for (b, pts) in item_bins.into_iter().enumerate() {
                    if pts.is_empty() {
                        continue;
                    }
                    let color = if predicted.is_some() {
                        viridis((b as f32 + 0.5) / n_bins as f32)
                    } else {
                        ITEM_COLOR
                    };
                    plot_ui.points(
                        Points::new("", PlotPoints::from(pts))
                            .shape(MarkerShape::Diamond)
                            .color(color)
                            .radius(if big { 2.5 } else { 5.0 })
                            .filled(true)
                            .allow_hover(false),
                    );
                }
                plot_ui.points(
                    Points::new("", PlotPoints::from(users_pts.clone()))
                        .shape(MarkerShape::Circle)
                        .color(USER_COLOR.gamma_multiply(if user.is_some() { 0.45 } else { 1.0 }))
                        .radius(if big { 2.0 } else { 4.5 })
                        .filled(true)
                        .allow_hover(false),
                );
                if let Some(u) = user {
                    let tip = users_pts[u as usize];
                    plot_ui.arrows(
                        Arrows::new("", vec![[0.0, 0.0]], vec![tip])
                            .color(USER_COLOR)
                            .tip_length(12.0)
                            .allow_hover(false),
                    );
                    plot_ui.points(
                        Points::new("", vec![tip])
                            .shape(MarkerShape::Circle)
                            .color(USER_COLOR)
                            .radius(7.0)
                            .filled(true)
                            .allow_hover(false),
                    );
                }
                if let Some(i) = item {
                    plot_ui.points(
                        Points::new("", vec![plane.items[i as usize]])
                            .shape(MarkerShape::Diamond)
                            .color(text_color)
                            .radius(9.0)
                            .filled(false)
                            .allow_hover(false),
                    );
                }
                // The origin: where a vector of zeros (no taste, no features) sits.
                plot_ui.points(
                    Points::new("", vec![[0.0, 0.0]])
                        .shape(MarkerShape::Plus)
                        .color(text_color)
                        .radius(6.0)
                        .allow_hover(false),
                );
                // Names, most important first (the user, the selected movie,
                // the recommendations, the look-alikes), placed so that none
                // covers another; a name with no free spot is left out.
                let item_color = if dark {
                    Color32::from_rgb(0x56, 0xB4, 0xE9)
                } else {
                    ITEM_COLOR
                };
                let mut order: Vec<u32> = Vec::with_capacity(label_items.len());
                for &i in item.iter().chain(&recs).chain(&sims).chain(&label_items) {
                    if label_items.contains(&i) && !order.contains(&i) {
                        order.push(i);
                    }
                }
                let names: Vec<(String, [f64; 2], Color32, bool)> = label_users
                    .iter()
                    .map(|&u| {
                        (
                            r.users[u as usize].clone(),
                            users_pts[u as usize],
                            USER_COLOR,
                            true,
                        )
                    })
                    .chain(order.iter().map(|&i| {
                        (
                            short_title(r.item_name(i)),
                            plane.items[i as usize],
                            item_color,
                            false,
                        )
                    }))
                    .collect();
                let ctx = plot_ui.ctx().clone();
                let size_of = |text: &str, strong: bool| {
                    let font = if strong {
                        FontId::proportional(LABEL_SIZE + 1.0)
                    } else {
                        FontId::proportional(LABEL_SIZE)
                    };
                    ctx.fonts_mut(|f| f.layout_no_wrap(text.to_owned(), font, Color32::WHITE))
                        .size()
                };
                let candidates: Vec<(Pos2, Vec2)> = names
                    .iter()
                    .map(|(text, p, _, strong)| {
                        (
                            plot_ui.screen_from_plot(PlotPoint::new(p[0], p[1])),
                            size_of(text, *strong),
                        )
                    })
                    .collect();
                let bounds = plot_ui.response().rect.shrink(2.0);
                let placed = place_labels(&candidates, bounds, 6.0, &[]);
                for ((text, _, color, strong), spot) in names.iter().zip(placed) {
                    let Some(spot) = spot else { continue };
                    let at = plot_ui.plot_from_screen(spot.min);
                    let rich = if *strong {
                        RichText::new(text).size(LABEL_SIZE + 1.0).strong()
                    } else {
                        RichText::new(text).size(LABEL_SIZE)
                    };
                    plot_ui.text(
                        Text::new("", at, rich)
                            .anchor(Align2::LEFT_TOP)
                            .color(*color)
                            .allow_hover(false),
                    );
                }
                // Nearest point to the pointer, in screen space.
                let pointer = plot_ui.response().hover_pos()?;
                let mut best: Option<(f32, Hit)> = None;
                let mut consider = |p: [f64; 2], hit: Hit| {
                    let s = plot_ui.screen_from_plot(PlotPoint::new(p[0], p[1]));
                    let d = s.distance(pointer);
                    if d < 10.0 && best.as_ref().is_none_or(|(bd, _)| d < *bd) {
                        best = Some((d, hit));
                    }
                };
                for (i, p) in plane.items.iter().enumerate() {
                    consider(*p, Hit::Item(i as u32));
                }
                for (u, p) in users_pts.iter().enumerate() {
                    consider(*p, Hit::User(u as u32));
                }
                best.map(|(_, h)| h)
            });
        let hit = response.inner;
        let resp = response.response;
        if let Some(h) = hit {
            let text = match h {
                Hit::User(u) => user_details(r, model, u, &self.user_vector(model, u)),
                Hit::Item(i) => item_details(
                    r,
                    model,
                    i,
                    predicted.as_ref().map(|p| (user, p[i as usize])),
                ),
            };
            resp.clone().on_hover_text_at_pointer(text);
            if resp.clicked() {
                match h {
                    Hit::User(u) => self.settings.user = r.users.get(u as usize).cloned(),
                    Hit::Item(i) => {
                        self.settings.item = r.items.get(i as usize).map(|it| it.id.clone());
                    }
                }
            }
        }
    }

    fn curves_ui(&mut self, ui: &mut Ui) {
        ui.label(RichText::new("RMSE per epoch").strong());
        let Some(run) = &self.run else { return };
        let train: Vec<[f64; 2]> = std::iter::once(&run.initial)
            .chain(&run.history)
            .filter(|s| s.train_rmse.is_finite())
            .map(|s| [s.epoch as f64, s.train_rmse])
            .collect();
        let test: Vec<[f64; 2]> = std::iter::once(&run.initial)
            .chain(&run.history)
            .filter_map(|s| s.test_rmse.map(|t| [s.epoch as f64, t]))
            .collect();
        let shown = self.shown_epoch();
        let epochs = self.settings.epochs.max(run.epochs_done());
        let shown_stats = run.stats(shown).copied();
        Plot::new("factorize-curves")
            .x_axis_label("epoch")
            .y_axis_label("RMSE")
            .legend(Legend::default().position(egui_plot::Corner::RightTop))
            .include_x(0.0)
            .include_x(epochs as f64)
            .include_y(0.0)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .show(ui, |plot_ui| {
                plot_ui.line(
                    Line::new("train", PlotPoints::from(train))
                        .color(TRAIN_COLOR)
                        .width(2.0),
                );
                if !test.is_empty() {
                    plot_ui.line(
                        Line::new("test (held out)", PlotPoints::from(test))
                            .color(TEST_COLOR)
                            .width(2.0),
                    );
                }
                plot_ui.vline(VLine::new("", shown as f64).color(Color32::GRAY).width(1.0));
            });
        let _ = shown_stats;
    }

    fn lists_ui(&mut self, ui: &mut Ui, r: &Ratings, user: Option<u32>, item: Option<u32>) {
        egui::ScrollArea::vertical().id_salt("factorize-lists").show(ui, |ui| {
            match user {
                Some(u) => {
                    ui.horizontal(|ui| {
                        ui.label(
                            RichText::new(format!("Top {} for {}", self.settings.top_n, r.users[u as usize])).strong(),
                        );
                        ui.selectable_value(&mut self.settings.metric, Metric::Dot, "dot")
                            .on_hover_text("Rank by the predicted rating μ + b_u + b_i + p_u · q_i. p_u · q_i = ‖p_u‖ ‖q_i‖ cos θ: long (popular) movie vectors rank higher.");
                        ui.selectable_value(&mut self.settings.metric, Metric::Cosine, "cosine")
                            .on_hover_text("Rank by cos θ between p_u and q_i: direction only, so a movie's vector length (popularity) no longer counts.");
                    });
                    let unrated = self
                        .counts
                        .as_ref()
                        .and_then(|c| c.per_user.get(u as usize))
                        .is_some_and(|&n| n == 0)
                        && !self.settings.edits.iter().any(|e| {
                            e.rating.is_some() && r.user_index(&e.user) == Some(u)
                        });
                    if unrated {
                        ui.label(
                            RichText::new(format!(
                                "{} has no ratings: nothing places their vector, so this list ranks movies for a stranger (rate a few below to fold them in).",
                                r.users[u as usize]
                            ))
                            .color(ui.visuals().warn_fg_color),
                        );
                    }
                    if self.recommendations.is_empty() {
                        ui.label(RichText::new("Nothing left to recommend: this user rated every movie.").weak());
                    }
                    egui::Grid::new("factorize-recs").striped(true).num_columns(4).show(ui, |ui| {
                        ui.label(RichText::new("movie").weak());
                        ui.label(RichText::new("r̂").weak());
                        ui.label(RichText::new("cos θ").weak());
                        ui.label(RichText::new("‖q‖").weak());
                        ui.end_row();
                        for (k, x) in self.recommendations.iter().enumerate() {
                            let title = format!("{}. {}", k + 1, short_title(&x.title));
                            if ui.selectable_label(item == Some(x.item), title).clicked() {
                                self.settings.item = r.items.get(x.item as usize).map(|it| it.id.clone());
                            }
                            ui.monospace(fmt_fixed(x.value, 2));
                            ui.monospace(fmt_fixed(x.cosine, 2));
                            ui.monospace(fmt_fixed(x.length, 2));
                            ui.end_row();
                        }
                    });
                    ui.add_space(8.0);
                }
                None => {
                    ui.label(RichText::new("Select a user (click a point or a row of R) to see recommendations.").weak());
                }
            }
            if let Some(i) = item {
                ui.label(RichText::new(format!("Most like {}", short_title(r.item_name(i)))).strong());
                egui::Grid::new("factorize-similar").striped(true).num_columns(3).show(ui, |ui| {
                    ui.label(RichText::new("movie").weak());
                    ui.label(RichText::new("cos θ").weak());
                    ui.label(RichText::new("‖q‖").weak());
                    ui.end_row();
                    for x in &self.similar {
                        ui.label(short_title(&x.title));
                        ui.monospace(fmt_fixed(x.value, 2));
                        ui.monospace(fmt_fixed(x.length, 2));
                        ui.end_row();
                    }
                });
            }
            ui.horizontal(|ui| {
                let l = ui.label("list length");
                ui.add(egui::DragValue::new(&mut self.settings.top_n).range(1..=MAX_TOP_N)).labelled_by(l.id);
            });
        });
    }
}

#[derive(Clone, Copy)]
enum Action {
    Train,
    Pause,
    Step,
    Reset,
}

#[derive(Clone, Copy, Debug)]
enum Hit {
    User(u32),
    Item(u32),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CellMark {
    None,
    Test,
    Edited,
}

/// `ratings` with `edits` applied: ratings changed or added, cleared ones removed.
/// The step between the ratings of `r`: the largest of 1 and ½ that every
/// rating is a whole number of steps from the scale's bottom, else 0.
fn rating_step(r: &Ratings) -> f32 {
    let lo = r.scale.0;
    [1.0_f32, 0.5]
        .into_iter()
        .find(|step| {
            r.entries.iter().all(|e| {
                let k = (e.value - lo) / step;
                (k - k.round()).abs() < 1e-4
            })
        })
        .unwrap_or(0.0)
}

fn apply_edits(ratings: &mut Ratings, edits: &HashMap<(u32, u32), Option<f32>>) {
    if edits.is_empty() {
        return;
    }
    let mut seen = std::collections::HashSet::new();
    ratings.entries.retain_mut(|e| {
        let cell = (e.user, e.item);
        match edits.get(&cell) {
            Some(Some(v)) => {
                e.value = *v;
                seen.insert(cell);
                true
            }
            Some(None) => false,
            None => true,
        }
    });
    let mut added: Vec<Rating> = edits
        .iter()
        .filter(|(cell, v)| v.is_some() && !seen.contains(*cell))
        .filter_map(|(&(user, item), v)| v.map(|value| Rating { user, item, value }))
        .collect();
    added.sort_by_key(|r| (r.user, r.item));
    ratings.entries.extend(added);
}

/// User `u`'s training ratings with the edits applied, as `(item, value)`.
fn user_ratings(
    train: &[Rating],
    u: u32,
    edits: &HashMap<(u32, u32), Option<f32>>,
) -> Vec<(u32, f64)> {
    let mut out: Vec<(u32, f64)> = train
        .iter()
        .filter(|r| r.user == u)
        .filter_map(|r| match edits.get(&(u, r.item)) {
            Some(Some(v)) => Some((r.item, f64::from(*v))),
            Some(None) => None,
            None => Some((r.item, f64::from(r.value))),
        })
        .collect();
    let mut extra: Vec<(u32, f64)> = edits
        .iter()
        .filter(|((eu, ei), v)| *eu == u && v.is_some() && !out.iter().any(|(i, _)| i == ei))
        .filter_map(|(&(_, i), v)| v.map(|v| (i, f64::from(v))))
        .collect();
    extra.sort_by_key(|&(i, _)| i);
    out.extend(extra);
    out
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let d: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let n = norm(a) * norm(b);
    if n > 0.0 { d / n } else { 0.0 }
}

/// The `n` best movies `user` has not rated, by predicted rating or by cosine.
fn recommend(
    r: &Ratings,
    model: &Model,
    user: &UserVector,
    rated: &std::collections::HashSet<u32>,
    metric: Metric,
    n: usize,
) -> Vec<Ranked> {
    let mut all: Vec<Ranked> = (0..r.n_items() as u32)
        .filter(|i| !rated.contains(i))
        .map(|i| {
            let q = model.item_factors(i as usize);
            Ranked {
                item: i,
                title: r.item_name(i).to_owned(),
                value: model.clip(model.predict_for(user, i as usize)),
                cosine: cosine(&user.factors, q),
                length: norm(q),
            }
        })
        .collect();
    let score = |x: &Ranked| match metric {
        // Rank by the raw prediction: clipping would tie the top.
        Metric::Dot => model.predict_for(user, x.item as usize),
        Metric::Cosine => x.cosine,
    };
    all.sort_by(|a, b| score(b).total_cmp(&score(a)).then(a.item.cmp(&b.item)));
    all.truncate(n);
    all
}

/// The `n` movies whose vectors point most nearly the way `item`'s does.
fn similar_items(r: &Ratings, model: &Model, item: u32, n: usize) -> Vec<Ranked> {
    let q = model.item_factors(item as usize);
    if norm(q) == 0.0 {
        return Vec::new();
    }
    let mut all: Vec<Ranked> = (0..r.n_items() as u32)
        .filter(|&i| i != item)
        .map(|i| {
            let qi = model.item_factors(i as usize);
            let c = cosine(q, qi);
            Ranked {
                item: i,
                title: r.item_name(i).to_owned(),
                value: c,
                cosine: c,
                length: norm(qi),
            }
        })
        .filter(|x| x.length > 0.0)
        .collect();
    all.sort_by(|a, b| b.value.total_cmp(&a.value).then(a.item.cmp(&b.item)));
    all.truncate(n);
    all
}

/// A fixed number of decimals, with a true minus sign.
fn fmt_fixed(x: f64, decimals: usize) -> String {
    format!("{x:.decimals$}").replacen('-', "−", 1)
}

/// Column names over small matrices: at most 14 characters.
fn short_label(t: &str) -> String {
    if t.chars().count() > 14 {
        let cut: String = t.chars().take(13).collect();
        format!("{cut}…")
    } else {
        t.to_owned()
    }
}

/// Titles longer than 34 characters are cut with "…".
fn short_title(t: &str) -> String {
    if t.chars().count() > 34 {
        let cut: String = t.chars().take(33).collect();
        format!("{cut}…")
    } else {
        t.to_owned()
    }
}

fn user_details(r: &Ratings, model: &Model, u: u32, v: &UserVector) -> String {
    let mut text = format!("user {}", r.users[u as usize]);
    let _ = write!(
        text,
        "\np_u = ({})",
        v.factors
            .iter()
            .take(6)
            .map(|x| fmt_num(*x, 3))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if v.factors.len() > 6 {
        text.push_str(", …");
    }
    let _ = write!(text, "\n‖p_u‖ = {}", fmt_num(norm(&v.factors), 3));
    if model.has_biases() {
        let _ = write!(text, "\nb_u = {}", fmt_num(v.bias, 3));
    }
    text.push_str("\nclick to select");
    text
}

fn item_details(
    r: &Ratings,
    model: &Model,
    i: u32,
    predicted: Option<(Option<u32>, f64)>,
) -> String {
    let it = &r.items[i as usize];
    let mut text = it.name().to_owned();
    if !it.genres.is_empty() {
        let _ = write!(text, "\n{}", it.genres.join(", "));
    }
    let q = model.item_factors(i as usize);
    let _ = write!(
        text,
        "\nq_i = ({})",
        q.iter()
            .take(6)
            .map(|x| fmt_num(*x, 3))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = write!(text, "\n‖q_i‖ = {}", fmt_num(norm(q), 3));
    if model.has_biases() {
        let _ = write!(
            text,
            "\nb_i = {}",
            fmt_num(model.item_biases()[i as usize], 3)
        );
    }
    if let Some((Some(u), p)) = predicted {
        let _ = write!(text, "\nr̂ for {} = {}", r.users[u as usize], fmt_num(p, 3));
    }
    text.push_str("\nclick to select");
    text
}

/// The shapes as blocks: m × n ≈ (m × k)(k × n), with the current numbers.
fn blocks_ui(ui: &mut Ui, r: &Ratings, model: &Model, n_train: usize, n_test: usize) {
    let (m, n, k) = (r.n_users(), r.n_items(), model.rank());
    let text = ui.visuals().text_color();
    let weak = ui.visuals().weak_text_color();
    let font = FontId::proportional(13.0);
    // Block sizes: R's longer side is 64 points; P and Qᵀ keep R's height and
    // width, their thin side as k is to m (or n), within limits that keep
    // each block visible.
    let big = 64.0f32;
    let (r_h, r_w) = if m >= n {
        (big, (big * n as f32 / m as f32).max(10.0))
    } else {
        ((big * m as f32 / n as f32).max(10.0), big)
    };
    let p_w = (r_w * k as f32 / n.max(1) as f32).clamp(5.0, 28.0);
    let q_h = (r_h * k as f32 / m.max(1) as f32).clamp(5.0, 28.0);
    // Each block sits in a slot wide enough for its size label.
    let slot = |w: f32, label: &str| w.max(8.0 * label.chars().count() as f32);
    let r_label = format!("{} × {}", fmt_count(m), fmt_count(n));
    let p_label = format!("{} × {k}", fmt_count(m));
    let q_label = format!("{k} × {}", fmt_count(n));
    let (s_r, s_p, s_q) = (
        slot(r_w, &r_label),
        slot(p_w, &p_label),
        slot(r_w, &q_label),
    );
    let height = big + 26.0;
    let (rect, _) = ui.allocate_exact_size(vec2(ui.available_width(), height), Sense::hover());
    let painter = ui.painter_at(rect);
    let mid = rect.top() + 4.0 + big / 2.0;
    let mut x = rect.left() + 4.0;
    let block = |x: f32, slot_w: f32, size: egui::Vec2, fill: Color32, name: &str, label: &str| {
        let b = Rect::from_center_size(pos2(x + slot_w / 2.0, mid), size);
        painter.rect_filled(b, 2.0, fill);
        if size.x >= 14.0 && size.y >= 14.0 {
            painter.text(
                b.center(),
                Align2::CENTER_CENTER,
                name,
                FontId::proportional(15.0),
                text_on(fill),
            );
        } else {
            // Too thin to write in: name it beside.
            let at = if size.x < size.y {
                b.right_center() + vec2(3.0, 0.0)
            } else {
                b.center_top() - vec2(0.0, 2.0)
            };
            let align = if size.x < size.y {
                Align2::LEFT_CENTER
            } else {
                Align2::CENTER_BOTTOM
            };
            painter.text(at, align, name, FontId::proportional(13.0), text);
        }
        painter.text(
            pos2(x + slot_w / 2.0, rect.top() + 8.0 + big),
            Align2::CENTER_TOP,
            label,
            font.clone(),
            text,
        );
    };
    block(x, s_r, vec2(r_w, r_h), viridis(0.55), "R", &r_label);
    x += s_r + 4.0;
    painter.text(
        pos2(x + 9.0, mid),
        Align2::CENTER_CENTER,
        "≈",
        FontId::proportional(22.0),
        text,
    );
    x += 22.0;
    block(x, s_p, vec2(p_w, r_h), USER_COLOR, "P", &p_label);
    x += s_p + 6.0;
    painter.text(
        pos2(x + 5.0, mid),
        Align2::CENTER_CENTER,
        "·",
        FontId::proportional(22.0),
        text,
    );
    x += 14.0;
    block(x, s_q, vec2(r_w, q_h), ITEM_COLOR, "Qᵀ", &q_label);
    x += s_q + 16.0;
    let cells = m as f64 * n as f64;
    let numbers = (m + n) * k;
    let mut lines = format!(
        "{} cells; {} observed: {} to train on, {} held out\n{} numbers in P and Q",
        fmt_count(cells as usize),
        fmt_count(n_train + n_test),
        fmt_count(n_train),
        fmt_count(n_test),
        fmt_count(numbers),
    );
    let ratio = cells / numbers.max(1) as f64;
    if ratio >= 2.0 {
        let _ = write!(lines, ", {}× fewer than cells", fmt_num(ratio, 2));
    }
    let _ = write!(
        lines,
        "\nr̂ = μ{} + (row of P) · (column of Qᵀ), μ = {}",
        if model.has_biases() {
            " + b_user + b_movie"
        } else {
            ""
        },
        fmt_num(model.mu(), 3)
    );
    if x < rect.right() - 160.0 {
        let galley = painter.layout(lines, FontId::proportional(12.0), weak, rect.right() - x);
        painter.galley(pos2(x, rect.top() + 2.0), galley, weak);
    }
}

/// A users × items matrix as coloured cells; returns the clicked cell.
#[expect(
    clippy::too_many_arguments,
    reason = "one call per matrix, each argument distinct"
)]
fn matrix_ui(
    ui: &mut Ui,
    size: egui::Vec2,
    r: &Ratings,
    rows: &[u32],
    cols: &[u32],
    (lo, hi): (f64, f64),
    user: Option<u32>,
    item: Option<u32>,
    value: impl Fn(u32, u32) -> (Option<f64>, CellMark),
) -> Option<(u32, u32)> {
    let (m, n) = (rows.len().max(1), cols.len().max(1));
    let small = m <= 12 && n <= 12;
    // Room for names on small matrices.
    let (left, top, right) = name_margins(r, rows, cols);
    let cell = ((size.x - left - right) / n as f32)
        .min((size.y - top) / m as f32)
        .max(1.0);
    let grid = vec2(cell * n as f32, cell * m as f32);
    let (rect, response) =
        ui.allocate_exact_size(vec2(left + grid.x + right, top + grid.y), Sense::click());
    // Column names may run past the grid: clip to the panel, not the grid.
    let painter = ui.painter().clone();
    let origin = rect.min + vec2(left, top);
    let visuals = ui.visuals();
    let gap_fill = visuals.extreme_bg_color;
    let text = visuals.text_color();
    let stroke = visuals.widgets.noninteractive.bg_stroke;
    let span = (hi - lo).max(1e-9);
    for (a, &u) in rows.iter().enumerate() {
        for (b, &i) in cols.iter().enumerate() {
            let c = Rect::from_min_size(
                origin + vec2(b as f32 * cell, a as f32 * cell),
                vec2(cell, cell),
            );
            let (v, mark) = value(u, i);
            let fill = v.map_or(gap_fill, |v| viridis(((v - lo) / span) as f32));
            painter.rect_filled(if cell > 6.0 { c.shrink(0.5) } else { c }, 0.0, fill);
            if cell >= 22.0 {
                if let Some(v) = v {
                    painter.text(
                        c.center(),
                        Align2::CENTER_CENTER,
                        fmt_num(v, 2),
                        FontId::proportional((cell * 0.32).min(14.0)),
                        text_on(fill),
                    );
                } else {
                    painter.text(
                        c.center(),
                        Align2::CENTER_CENTER,
                        "?",
                        FontId::proportional((cell * 0.32).min(14.0)),
                        visuals.weak_text_color(),
                    );
                }
            }
            match mark {
                CellMark::Test => {
                    painter.circle_stroke(
                        c.center(),
                        (cell * 0.42).max(1.5),
                        Stroke::new(if cell > 10.0 { 1.5 } else { 0.8 }, text_on(fill)),
                    );
                }
                CellMark::Edited => {
                    painter.rect_stroke(
                        c.shrink(1.5),
                        0.0,
                        Stroke::new(2.0, text_on(fill)),
                        egui::StrokeKind::Inside,
                    );
                }
                CellMark::None => {}
            }
        }
    }
    painter.rect_stroke(
        Rect::from_min_size(origin, grid),
        0.0,
        stroke,
        egui::StrokeKind::Outside,
    );
    let highlight = Stroke::new(2.0, visuals.selection.stroke.color);
    if let Some(a) = user.and_then(|u| rows.iter().position(|&x| x == u)) {
        let row = Rect::from_min_size(origin + vec2(0.0, a as f32 * cell), vec2(grid.x, cell));
        painter.rect_stroke(row, 0.0, highlight, egui::StrokeKind::Outside);
    }
    if let Some(b) = item.and_then(|i| cols.iter().position(|&x| x == i)) {
        let col = Rect::from_min_size(origin + vec2(b as f32 * cell, 0.0), vec2(cell, grid.y));
        painter.rect_stroke(col, 0.0, highlight, egui::StrokeKind::Outside);
    }
    if small {
        let font = FontId::proportional(12.0);
        for (a, &u) in rows.iter().enumerate() {
            painter.text(
                origin + vec2(-6.0, (a as f32 + 0.5) * cell),
                Align2::RIGHT_CENTER,
                &r.users[u as usize],
                font.clone(),
                text,
            );
        }
        for (b, &i) in cols.iter().enumerate() {
            let p = origin + vec2((b as f32 + 0.5) * cell, -4.0);
            let name = short_label(&r.items[i as usize].id);
            let galley = painter.layout_no_wrap(name, font.clone(), text);
            // Names run up at an angle so long titles fit over narrow columns.
            let angle = -std::f32::consts::FRAC_PI_4;
            painter.add(egui::epaint::TextShape::new(p, galley, text).with_angle(angle));
        }
    }
    let pos = response
        .interact_pointer_pos()
        .filter(|_| response.clicked())?;
    let d = pos - origin;
    if d.x < 0.0 || d.y < 0.0 {
        return None;
    }
    let (a, b) = ((d.y / cell) as usize, (d.x / cell) as usize);
    Some((*rows.get(a)?, *cols.get(b)?))
}

/// Room for row and column names around a small matrix (left, top, right):
/// column names run up and right at 45°.
fn name_margins(r: &Ratings, rows: &[u32], cols: &[u32]) -> (f32, f32, f32) {
    if rows.len() > 12 || cols.len() > 12 {
        return (0.0, 0.0, 0.0);
    }
    let longest = cols
        .iter()
        .map(|&i| short_label(&r.items[i as usize].id).chars().count())
        .max()
        .unwrap_or(0);
    let t = (longest as f32 * 6.2 * std::f32::consts::FRAC_1_SQRT_2 + 14.0).min(120.0);
    (52.0, t, t - 14.0)
}

/// A horizontal viridis colour bar from `lo` to `hi`.
fn color_bar(ui: &mut Ui, (lo, hi): (f64, f64), title: &str) {
    ui.horizontal(|ui| {
        ui.label(RichText::new(title).weak());
        ui.label(fmt_num(lo, 3));
        let (rect, _) = ui.allocate_exact_size(vec2(160.0, 12.0), Sense::hover());
        paint_bar(ui, rect);
        ui.label(fmt_num(hi, 3));
        let (gap, _) = ui.allocate_exact_size(vec2(12.0, 12.0), Sense::hover());
        ui.painter()
            .rect_filled(gap, 0.0, ui.visuals().extreme_bg_color);
        ui.painter().rect_stroke(
            gap,
            0.0,
            ui.visuals().widgets.noninteractive.bg_stroke,
            egui::StrokeKind::Inside,
        );
        ui.label("no rating");
    });
}

fn small_color_bar(ui: &mut Ui, (lo, hi): (f64, f64)) {
    ui.label(fmt_num(lo, 3));
    let (rect, _) = ui.allocate_exact_size(vec2(90.0, 10.0), Sense::hover());
    paint_bar(ui, rect);
    ui.label(fmt_num(hi, 3));
}

fn paint_bar(ui: &Ui, rect: Rect) {
    let steps = 32;
    let w = rect.width() / steps as f32;
    for s in 0..steps {
        let r = Rect::from_min_size(
            rect.min + vec2(s as f32 * w, 0.0),
            vec2(w + 0.5, rect.height()),
        );
        ui.painter()
            .rect_filled(r, 0.0, viridis((s as f32 + 0.5) / steps as f32));
    }
}

/// A marker like the plot's: a circle (users) or a diamond (movies).
fn legend_marker(ui: &mut Ui, color: Color32, circle: bool) {
    let (rect, _) = ui.allocate_exact_size(vec2(12.0, 12.0), Sense::hover());
    let c = rect.center();
    if circle {
        ui.painter().circle_filled(c, 5.0, color);
    } else {
        let pts = vec![
            c + vec2(0.0, -6.0),
            c + vec2(6.0, 0.0),
            c + vec2(0.0, 6.0),
            c + vec2(-6.0, 0.0),
        ];
        ui.painter()
            .add(egui::Shape::convex_polygon(pts, color, Stroke::NONE));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Item;

    fn tiny() -> Ratings {
        Ratings::new(
            "t",
            vec!["a".into(), "b".into()],
            vec![Item::new("x"), Item::new("y")],
            vec![
                Rating {
                    user: 0,
                    item: 0,
                    value: 5.0,
                },
                Rating {
                    user: 1,
                    item: 1,
                    value: 2.0,
                },
            ],
        )
    }

    /// Whole stars step by 1, MovieLens's half stars by ½, anything else is
    /// continuous (the editor offers a drag value instead of buttons).
    #[test]
    fn rating_step_follows_the_data() {
        let mut r = tiny();
        assert!((rating_step(&r) - 1.0).abs() < 1e-6);
        r.entries[1].value = 3.5;
        assert!((rating_step(&r) - 0.5).abs() < 1e-6);
        r.entries[1].value = 3.25;
        assert!(rating_step(&r).abs() < 1e-6);
    }

    /// Edits change, add and clear cells; nothing else moves.
    #[test]
    fn edits_apply_to_the_ratings() {
        let mut r = tiny();
        let edits: HashMap<(u32, u32), Option<f32>> =
            [((0, 0), Some(1.0)), ((0, 1), Some(4.0)), ((1, 1), None)]
                .into_iter()
                .collect();
        apply_edits(&mut r, &edits);
        let mut cells: Vec<(u32, u32, f32)> = r
            .entries
            .iter()
            .map(|e| (e.user, e.item, e.value))
            .collect();
        cells.sort_by_key(|c| (c.0, c.1));
        assert_eq!(cells, vec![(0, 0, 1.0), (0, 1, 4.0)]);
    }

    /// A user's ratings for folding in carry the edits, cleared cells gone.
    #[test]
    fn user_ratings_carry_edits() {
        let r = tiny();
        let edits: HashMap<(u32, u32), Option<f32>> =
            [((0, 1), Some(3.0)), ((0, 0), None)].into_iter().collect();
        assert_eq!(user_ratings(&r.entries, 0, &edits), vec![(1, 3.0)]);
        assert_eq!(user_ratings(&r.entries, 1, &edits), vec![(1, 2.0)]);
    }
}
