//! Training runs: one per (ratings, parameters, split), trained epoch by
//! epoch toward a target, with the statistics and a model snapshot per epoch
//! (every `stride` epochs on big data) for the history scrubber.
//!
//! Small problems (and headless rendering) train on the UI thread in slices
//! of at most [`FRAME_BUDGET`] — live ones one epoch every [`LIVE_PACE`], so
//! that small data visibly trains. Larger ones train in a streaming
//! [`Job`]: its [`Progress`](crate::app::job::Progress) total is the epoch to
//! train to (raised, then the job unparked, by Train and Step; lowered by
//! Pause), it sends the statistics and model of each epoch, and it stops when
//! cancelled (a new run, or the view dropped). The old run's snapshots stay
//! on screen until the new run replaces them.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::app::RatingsHandle;
use crate::app::job::{Job, JobError, Waker};
use crate::data::Ratings;
use crate::math::factorize::{
    EpochStats, FactorizeConfig, FactorizeError, Model, Trainer, TrainingSet,
};

use super::FactorizeView;

/// Work (training ratings × (k + 1) × epochs) below which training runs on
/// the UI thread; above it a background job trains.
const LOCAL_WORK: usize = 3_000_000;
/// The UI thread trains at most this long per frame.
const FRAME_BUDGET: Duration = Duration::from_millis(12);
/// Between two live epochs on the UI thread, so small data visibly trains.
const LIVE_PACE: Duration = Duration::from_millis(60);
/// Snapshots kept for the history scrubber: at most this many model numbers
/// in all (16 M numbers, 128 MB; every `stride`-th epoch past it).
const SNAPSHOT_BUDGET: usize = 16_000_000;
/// How long the training job waits for a new target before looking again.
const PARK: Duration = Duration::from_millis(200);

/// What a training run depends on (the number of epochs is only its goal).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct RunKey {
    pub ratings_id: u64,
    /// Shows the model the ratings came with (trained elsewhere) instead of
    /// training one.
    pub saved: bool,
    pub config: FactorizeConfig,
    pub test_fraction: f64,
}

/// The model after `epoch` epochs.
pub(super) struct Snapshot {
    pub epoch: usize,
    pub model: Arc<Model>,
}

/// Why a run stopped training: the typed error, and its message as shown.
pub(super) struct Stopped {
    pub error: JobError<FactorizeError>,
    pub message: String,
}

impl Stopped {
    fn new(error: JobError<FactorizeError>) -> Self {
        Self {
            message: error.to_string(),
            error,
        }
    }
}

/// What the training job sends, once per epoch: the model only on epochs
/// the history keeps (every `stride`-th), so a window that draws rarely
/// (minimised, busy) never queues one model per epoch; and the model of the
/// epoch it stops at when it waits (paused, or at the goal).
enum Message {
    Epoch(EpochStats, Option<Box<Model>>),
    Model(usize, Box<Model>),
    Failed(FactorizeError),
}

/// How a run trains: on the UI thread, or in a job of its own.
enum Engine {
    Local(Box<Trainer>),
    Job(Job<(), Message>),
    /// Nothing more can be trained (set-up failed or training stopped).
    Done,
}

/// One training run: the split, the statistics and snapshots so far.
pub(super) struct Run {
    pub key: RunKey,
    /// Bumped per run, so caches keyed on it notice a new run.
    pub serial: u64,
    pub data: Arc<TrainingSet>,
    /// The held-out (user, item) cells.
    pub test_cells: HashSet<(u32, u32)>,
    pub initial: EpochStats,
    pub history: Vec<EpochStats>,
    snapshots: Vec<Snapshot>,
    /// Keep a snapshot every `stride` epochs (1 for small data).
    stride: usize,
    /// Epochs to train to.
    target: usize,
    /// Train steadily, one epoch every [`LIVE_PACE`] on the UI thread.
    live: bool,
    last_epoch_at: Option<Instant>,
    pub error: Option<Stopped>,
    engine: Engine,
}

impl Run {
    /// A run that could not start: `error` says why.
    fn failed(key: RunKey, serial: u64, data: TrainingSet, error: FactorizeError) -> Self {
        Self {
            key,
            serial,
            data: Arc::new(data),
            test_cells: HashSet::new(),
            initial: EpochStats::unmeasured(),
            history: Vec::new(),
            snapshots: Vec::new(),
            stride: 1,
            target: 0,
            live: false,
            last_epoch_at: None,
            error: Some(Stopped::new(JobError::Failed(error))),
            engine: Engine::Done,
        }
    }

    /// A model trained elsewhere, shown as it is: its ratings (those the
    /// model knows, from the file paired with it) as the training set, its
    /// RMSE on them measured, nothing more to train.
    fn saved(key: RunKey, serial: u64, r: &Ratings, model: Arc<Model>) -> Self {
        let data = TrainingSet {
            n_users: r.n_users(),
            n_items: r.n_items(),
            scale: (f64::from(r.scale.0), f64::from(r.scale.1)),
            train: r.entries.clone(),
            test: Vec::new(),
        };
        let initial = EpochStats {
            train_rmse: model.rmse(&data.train).unwrap_or(f64::NAN),
            ..EpochStats::unmeasured()
        };
        Self {
            key,
            serial,
            data: Arc::new(data),
            test_cells: HashSet::new(),
            initial,
            history: Vec::new(),
            snapshots: vec![Snapshot { epoch: 0, model }],
            stride: 1,
            target: 0,
            live: false,
            last_epoch_at: None,
            error: None,
            engine: Engine::Done,
        }
    }

    pub(super) fn epochs_done(&self) -> usize {
        self.history.len()
    }

    pub(super) fn is_training(&self) -> bool {
        self.epochs_done() < self.target && !matches!(self.engine, Engine::Done)
    }

    /// Sets the epoch to train to, and wakes the job.
    fn set_target(&mut self, target: usize) {
        self.target = target;
        if let Engine::Job(job) = &self.engine {
            job.progress().set_total(target as u64);
            job.unpark();
        }
    }

    /// Stops at the epochs recorded so far. A job inside an epoch finishes
    /// it: Pause waits (at most 2 s) until the job says it waits, recording
    /// what it sent, so no epoch arrives after Pause.
    pub(super) fn pause(&mut self) {
        let done = self.epochs_done();
        self.set_target(done);
        let deadline = std::time::Instant::now() + Duration::from_secs(2);
        loop {
            let Engine::Job(job) = &mut self.engine else {
                return;
            };
            let messages = job.drain();
            let ended = job.ended();
            let (idle, failed) = self.absorb(messages);
            if let Some(e) = failed {
                self.error = Some(Stopped::new(e));
                self.engine = Engine::Done;
                return;
            }
            if idle || ended || std::time::Instant::now() > deadline {
                self.target = self.target.max(self.history.len());
                return;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Records what the job sent: epochs and models. Returns whether it said
    /// it waits at the last recorded epoch, and its failure, if any.
    fn absorb(&mut self, messages: Vec<Message>) -> (bool, Option<JobError<FactorizeError>>) {
        let mut idle = false;
        let mut failed = None;
        for message in messages {
            match message {
                Message::Epoch(stats, model) => self.record(stats, model.map(|m| *m)),
                Message::Model(epoch, model) => {
                    idle |= epoch == self.history.len();
                    self.keep(epoch, *model);
                }
                Message::Failed(e) => failed = Some(JobError::Failed(e)),
            }
        }
        (idle, failed)
    }

    /// Adds an epoch's statistics, and its model to the snapshots when it
    /// has one (the job sends only those the history keeps).
    fn record(&mut self, stats: EpochStats, model: Option<Model>) {
        let epoch = stats.epoch;
        self.history.push(stats);
        if let Some(model) = model {
            self.keep(epoch, model);
        }
    }

    /// Keeps the model after `epoch` epochs: every `stride`-th and the
    /// target's for good, any other only until a newer one comes.
    fn keep(&mut self, epoch: usize, model: Model) {
        if self.snapshots.last().is_some_and(|s| s.epoch >= epoch) {
            return;
        }
        let snapshot = Snapshot {
            epoch,
            model: Arc::new(model),
        };
        if epoch.is_multiple_of(self.stride) || epoch == self.target {
            self.snapshots.push(snapshot);
        } else if let Some(last) = self.snapshots.last_mut()
            && last.epoch % self.stride != 0
        {
            // Keep the newest epoch on screen without keeping every one.
            *last = snapshot;
        } else {
            self.snapshots.push(snapshot);
        }
    }

    /// Trains on the UI thread or collects the job's epochs.
    fn advance(&mut self, blocking: bool, ctx: &egui::Context) {
        match &mut self.engine {
            Engine::Local(_) => self.advance_local(blocking, ctx),
            Engine::Job(_) => self.advance_job(ctx),
            Engine::Done => {}
        }
    }

    /// Trains on this thread: everything when `blocking`, else until the
    /// frame's budget is spent (one epoch per [`LIVE_PACE`] when live). Each
    /// epoch is recorded as it is trained, so memory holds the snapshots
    /// kept and no more (a blocking render of 10,000 epochs used to hold
    /// every epoch's model until the end).
    fn advance_local(&mut self, blocking: bool, ctx: &egui::Context) {
        let Engine::Local(mut trainer) = std::mem::replace(&mut self.engine, Engine::Done) else {
            return;
        };
        let started = Instant::now();
        while self.history.len() < self.target {
            if !blocking {
                if self.live && self.last_epoch_at.is_some_and(|t| t.elapsed() < LIVE_PACE) {
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
                    self.record(stats, Some(trainer.model().clone()));
                    if self.live && !blocking {
                        self.last_epoch_at = Some(Instant::now());
                        ctx.request_repaint_after(LIVE_PACE);
                        break;
                    }
                }
                Err(e) => {
                    self.error = Some(Stopped::new(JobError::Failed(e)));
                    return;
                }
            }
        }
        self.engine = Engine::Local(trainer);
    }

    /// Records the epochs the job has sent.
    fn advance_job(&mut self, ctx: &egui::Context) {
        let Engine::Job(job) = &mut self.engine else {
            return;
        };
        let messages = job.drain();
        let ended = job.ended();
        let (_, mut failed) = self.absorb(messages);
        if failed.is_none() && ended && self.history.len() < self.target {
            failed = Some(JobError::Lost);
        }
        if let Some(e) = failed {
            self.error = Some(Stopped::new(e));
            self.engine = Engine::Done;
        } else if self.history.len() < self.target {
            ctx.request_repaint_after(Duration::from_millis(50));
        }
    }

    /// The snapshot at or just before `epoch`.
    pub(super) fn snapshot(&self, epoch: usize) -> Option<&Snapshot> {
        self.snapshots
            .iter()
            .rev()
            .find(|s| s.epoch <= epoch)
            .or_else(|| self.snapshots.first())
    }
}

/// A streaming job that trains while fewer epochs than its progress total
/// are done, sending each epoch's statistics, and its model every `stride`
/// epochs and before it waits.
fn training_job(
    mut trainer: Trainer,
    target: usize,
    stride: usize,
    waker: Waker,
) -> Job<(), Message> {
    let job = Job::stream((), waker, move |progress, emit| {
        // Whether the model was sent since the last epoch: on entering the
        // wait, once (the window shows this epoch, and Pause waits for it).
        let mut idle_sent = false;
        while !progress.is_cancelled() {
            let done = trainer.epochs_done();
            if done as u64 >= progress.total() {
                if !idle_sent {
                    idle_sent = true;
                    if !emit.send(Message::Model(done, Box::new(trainer.model().clone()))) {
                        return;
                    }
                }
                std::thread::park_timeout(PARK);
                continue;
            }
            match trainer.epoch() {
                Ok(stats) => {
                    let done = trainer.epochs_done();
                    progress.set_done(done as u64);
                    idle_sent = false;
                    let model = done
                        .is_multiple_of(stride)
                        .then(|| Box::new(trainer.model().clone()));
                    if !emit.send(Message::Epoch(stats, model)) {
                        return;
                    }
                }
                Err(e) => {
                    emit.send(Message::Failed(e));
                    return;
                }
            }
        }
    });
    job.progress().set_total(target as u64);
    job.unpark();
    job
}

impl FactorizeView {
    /// Starts the first run (or replays the scene's epochs), trains or
    /// collects what was trained, and records in the scene how far it got.
    pub(super) fn advance_training(&mut self, ctx: &egui::Context, handle: &RatingsHandle) {
        if self.replay
            || self
                .run
                .as_ref()
                .is_none_or(|run| run.key.ratings_id != handle.id)
        {
            let target = if self.replay { self.settings.epoch } else { 0 };
            self.replay = false;
            self.start_run(handle, target);
        }
        let blocking = self.blocking;
        if let Some(run) = &mut self.run {
            run.advance(blocking, ctx);
        }
        self.settings.epoch = self.epochs_done().min(self.settings.epochs);
    }

    /// A new run on the (edited) ratings, trained to `target` epochs.
    pub(super) fn start_run(&mut self, handle: &RatingsHandle, target: usize) {
        // Stop the old job before starting another.
        self.run = None;
        let r = &handle.data;
        let key = self.key(handle);
        let serial = self.next_serial;
        self.next_serial += 1;
        if let (true, Some(saved)) = (key.saved, &handle.saved) {
            self.settings.rank = saved.model.rank().clamp(1, crate::scene::VIEW_MAX_RANK);
            self.settings.biases = false;
            self.run = Some(Run::saved(self.key(handle), serial, r, saved.model.clone()));
            self.settings.history = None;
            return;
        }
        let config = FactorizeConfig {
            epochs: self.settings.epochs,
            ..key.config.clone()
        };
        let edits = super::prepare::Edits::new(r, &self.settings);
        let mut ratings = r.with_edits(&edits.list);
        let target = target.min(self.settings.epochs);
        let empty = || TrainingSet {
            n_users: r.n_users(),
            n_items: r.n_items(),
            scale: (f64::from(r.scale.0), f64::from(r.scale.1)),
            train: Vec::new(),
            test: Vec::new(),
        };
        // The edited copy's triples become the training set (not copied again).
        let split = TrainingSet::split_taking(
            &mut ratings,
            self.settings.test_fraction,
            self.settings.seed,
        );
        let (data, trainer) = match split
            .and_then(|data| Trainer::new(config.clone(), data.clone()).map(|t| (data, t)))
        {
            Ok(pair) => pair,
            Err(e) => {
                self.run = Some(Run::failed(key, serial, empty(), e));
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
            Engine::Job(training_job(trainer, target, stride, self.waker.clone()))
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
    }

    /// A new run if the parameters changed since this one started.
    fn restart_if_stale(&mut self, handle: &RatingsHandle) {
        if self.run.as_ref().is_none_or(|r| r.key != self.key(handle)) {
            self.start_run(handle, 0);
        }
    }

    /// Starts or continues training toward `settings.epochs` (a new run if
    /// the parameters changed).
    pub(super) fn train(&mut self, handle: &RatingsHandle) {
        self.restart_if_stale(handle);
        let epochs = self.settings.epochs;
        if let Some(run) = &mut self.run {
            run.live = true;
            run.set_target(epochs);
        }
        self.settings.history = None;
    }

    pub(super) fn pause(&mut self) {
        if let Some(run) = &mut self.run {
            run.pause();
        }
    }

    /// One more epoch.
    pub(super) fn step(&mut self, handle: &RatingsHandle) {
        self.restart_if_stale(handle);
        let epochs = self.settings.epochs;
        if let Some(run) = &mut self.run {
            let next = (run.epochs_done() + 1).min(epochs.max(run.epochs_done()));
            run.live = false;
            run.set_target(next);
        }
        self.settings.history = None;
    }
}
