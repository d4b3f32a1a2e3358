//! Training runs: one per (data, edits, settings), trained epoch by epoch
//! toward a goal, keeping the statistics and a snapshot of the network per
//! epoch (every `stride`-th on long runs) for the history slider.
//!
//! A run trains on a streaming [`Job`] that owns the [`Trainer`] while it
//! works and hands it back when it stops (goal reached, Pause, divergence),
//! so the window never waits on an epoch; small data is paced to at most one
//! epoch per [`PACE`] so that a learner sees it train. Headless rendering and
//! tests train on the calling thread ([`Run::train_blocking`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::app::job::{Job, Waker};
use crate::data::{Dataset, LabelColumn, NumericColumn};
use crate::math::network::{EpochStats, NetConfig, NetError, Network, Problem, Trainer};
use crate::scene::NetworkSettings;

/// Between two epochs of a live run: at most 100 epochs a second, so that
/// the heatmap visibly moves.
const PACE: Duration = Duration::from_millis(10);
/// Snapshots kept: at most this many weights in all (every other epoch is
/// dropped past it, then every fourth, ...).
const SNAPSHOT_BUDGET: usize = 4_000_000;

/// What a run depends on (the epochs to train are only its goal).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct RunKey {
    pub data_id: u64,
    pub config: NetConfig,
    pub features: Vec<String>,
    pub label: String,
    pub points: usize,
    pub noise: f64,
    pub data_seed: u64,
    pub added: Vec<[f64; 3]>,
    pub removed: Vec<usize>,
}

impl RunKey {
    pub fn new(data_id: u64, ds: &Dataset, s: &NetworkSettings) -> Self {
        let mut config = s.config();
        config.epochs = 0;
        Self {
            data_id,
            config,
            features: s.feature_columns(ds),
            label: s.label_column(ds).unwrap_or_default().to_owned(),
            points: s.points,
            noise: s.noise,
            data_seed: s.data_seed,
            added: s.added.clone(),
            removed: s.removed.clone(),
        }
    }
}

/// The network after `epoch` epochs.
pub(super) struct Snapshot {
    pub epoch: usize,
    pub net: Arc<Network>,
}

enum Message {
    Epoch(EpochStats, Arc<Network>),
    Stopped(Box<Trainer>, Option<NetError>),
}

/// One training run and everything it has produced so far.
pub(super) struct Run {
    pub key: RunKey,
    /// The table trained on: the dataset (or the 2D set regenerated with the
    /// view's count, noise and seed) after the plane's edits.
    pub data: Arc<Dataset>,
    pub problem: Arc<Problem>,
    /// Whether problem row i is held out for testing.
    pub is_test: Vec<bool>,
    /// Epoch 0 (the initial weights) first.
    pub history: Vec<EpochStats>,
    pub snapshots: Vec<Snapshot>,
    /// Keep every `stride`-th epoch's snapshot.
    stride: usize,
    trainer: Option<Box<Trainer>>,
    job: Option<Job<(), Message>>,
    /// Why training stopped early (divergence), as shown.
    pub stopped: Option<String>,
    /// The weights file the network was imported from (no trainer then).
    pub imported: Option<String>,
    /// Counts changes of what is drawn (new snapshots), for the caches.
    pub serial: u64,
}

/// The table a run trains on, for `ds` and the view's settings: a built-in
/// 2D set regenerated with the view's count, noise and seed; then the
/// removed rows taken out and the added points put in.
///
/// # Errors
/// An added point needs exactly two input columns and a text label.
pub(super) fn edited_dataset(ds: &Dataset, s: &NetworkSettings) -> Result<Dataset, String> {
    let regenerated = generated(ds, s);
    let ds = regenerated.as_ref().unwrap_or(ds);
    if s.added.is_empty() && s.removed.is_empty() {
        return Ok(ds.clone());
    }
    let features = s.feature_columns(ds);
    let label = s.label_column(ds).unwrap_or_default();
    let (Some(lab), [fx, fy]) = (ds.label(label), features.as_slice()) else {
        return Err(
            "points can be added and removed on the plane only with two input columns and a text label"
                .to_owned(),
        );
    };
    let (Some(cx), Some(cy)) = (ds.column(fx), ds.column(fy)) else {
        return Err(format!("no numeric columns {fx:?} and {fy:?}"));
    };
    let keep: Vec<usize> = (0..ds.n_rows).filter(|r| !s.removed.contains(r)).collect();
    let mut xs: Vec<f64> = keep.iter().map(|&r| cx.values[r]).collect();
    let mut ys: Vec<f64> = keep.iter().map(|&r| cy.values[r]).collect();
    let mut codes: Vec<u32> = keep.iter().map(|&r| lab.codes[r]).collect();
    let mut categories = lab.categories.clone();
    for &[x, y, c] in &s.added {
        let c = c as usize;
        while categories.len() <= c {
            categories.push(categories.len().to_string());
        }
        xs.push(x);
        ys.push(y);
        codes.push(c as u32);
    }
    Ok(Dataset {
        name: ds.name.clone(),
        source: ds.source.clone(),
        n_rows: xs.len(),
        columns: vec![
            NumericColumn {
                name: fx.clone(),
                values: xs,
            },
            NumericColumn {
                name: fy.clone(),
                values: ys,
            },
        ],
        labels: vec![LabelColumn {
            name: label.to_owned(),
            categories,
            codes,
        }],
    })
}

/// The built-in 2D set `ds` is, made again with the view's count, noise and
/// seed (when any differs from the set's defaults).
pub(super) fn generated(ds: &Dataset, s: &NetworkSettings) -> Option<Dataset> {
    let g = playground_of(ds)?;
    let n = if s.points == 0 {
        g.default_count
    } else {
        s.points
    };
    let noise = if s.noise < 0.0 {
        g.default_noise
    } else {
        s.noise
    };
    let default_noise = noise.to_bits() == g.default_noise.to_bits();
    if n == g.default_count && default_noise && s.data_seed == crate::data::DEFAULT_SEED {
        return None;
    }
    Some(g.generate(n, noise, s.data_seed))
}

/// Rows of the table a run starts from, before the plane's edits: the
/// view's point count for a built-in 2D set, else the table's (without
/// making the set).
pub(super) fn rows_of(ds: &Dataset, s: &NetworkSettings) -> usize {
    match playground_of(ds) {
        Some(_) if s.points != 0 => s.points.min(crate::data::MAX_POINTS),
        Some(g) => g.default_count,
        None => ds.n_rows,
    }
}

/// The generator of a built-in 2D set.
pub(super) fn playground_of(ds: &Dataset) -> Option<&'static crate::data::Generator> {
    if ds.source.is_some() {
        return None;
    }
    crate::data::generator(&ds.name)
}

impl Run {
    /// A run of `key` on `ds` (the dataset shown), its network at epoch 0.
    ///
    /// # Errors
    /// The columns do not make a problem, or the settings are out of range.
    pub fn new(key: RunKey, ds: &Dataset, s: &NetworkSettings) -> Result<Self, String> {
        let data = edited_dataset(ds, s)?;
        let features: Vec<&str> = key.features.iter().map(String::as_str).collect();
        let problem = Problem::from_dataset(&data, &features, &key.label, false)
            .map_err(|e| e.to_string())?;
        let mut config = key.config.clone();
        config.epochs = 1;
        let trainer = Trainer::new(config, &problem).map_err(|e| e.to_string())?;
        let is_test = (0..problem.len())
            .map(|i| trainer.split().is_test(i))
            .collect();
        let history = vec![*trainer.initial()];
        let snapshots = vec![Snapshot {
            epoch: 0,
            net: Arc::new(trainer.network().clone()),
        }];
        Ok(Self {
            key,
            data: Arc::new(data),
            problem: Arc::new(problem),
            is_test,
            history,
            snapshots,
            stride: 1,
            trainer: Some(Box::new(trainer)),
            job: None,
            stopped: None,
            imported: None,
            serial: 0,
        })
    }

    /// Epochs trained.
    pub fn epochs_done(&self) -> usize {
        self.history.len() - 1
    }

    /// Whether a job is training.
    pub fn is_training(&self) -> bool {
        self.job.is_some()
    }

    /// Whether Train and Step can go on (not imported, not diverged).
    pub fn can_train(&self) -> bool {
        self.imported.is_none() && self.stopped.is_none()
    }

    /// The snapshot closest to `epoch` (at or before it).
    pub fn snapshot_at(&self, epoch: usize) -> &Snapshot {
        let i = self.snapshots.partition_point(|s| s.epoch <= epoch);
        &self.snapshots[i.saturating_sub(1)]
    }

    /// The newest network.
    pub fn latest(&self) -> &Snapshot {
        self.snapshots
            .last()
            .unwrap_or_else(|| unreachable!("a run has epoch 0"))
    }

    fn record(&mut self, stats: EpochStats, net: Arc<Network>) {
        let epoch = stats.epoch;
        self.history.push(stats);
        if epoch.is_multiple_of(self.stride) {
            self.snapshots.push(Snapshot { epoch, net });
        } else if let Some(last) = self.snapshots.last_mut()
            && !last.epoch.is_multiple_of(self.stride)
        {
            // Keep the newest epoch on screen between strides.
            *last = Snapshot { epoch, net };
        } else {
            self.snapshots.push(Snapshot { epoch, net });
        }
        let per = self.latest().net.parameter_count().max(1);
        if self.snapshots.len() * per > SNAPSHOT_BUDGET {
            self.stride *= 2;
            let stride = self.stride;
            let newest = self.snapshots.len() - 1;
            let mut i = 0;
            self.snapshots.retain(|s| {
                let keep = s.epoch.is_multiple_of(stride) || i == newest;
                i += 1;
                keep
            });
        }
        self.serial += 1;
    }

    /// Trains on the calling thread up to `goal` epochs.
    pub fn train_blocking(&mut self, goal: usize) {
        self.pause();
        let Some(mut t) = self.trainer.take() else {
            return;
        };
        while self.epochs_done() < goal && self.can_train() {
            match t.epoch() {
                Ok(stats) => self.record(stats, Arc::new(t.network().clone())),
                Err(e) => self.stopped = Some(e.to_string()),
            }
        }
        self.trainer = Some(t);
    }

    /// One epoch on the calling thread (Step).
    pub fn step(&mut self) {
        let goal = self.epochs_done() + 1;
        self.train_blocking(goal);
    }

    /// Starts (or steers) training on a job toward `goal` epochs.
    pub fn train(&mut self, goal: usize, waker: Waker) {
        if let Some(job) = &self.job {
            job.progress().set_total(goal as u64);
            return;
        }
        if !self.can_train() || self.epochs_done() >= goal {
            return;
        }
        let Some(mut t) = self.trainer.take() else {
            return;
        };
        self.job = Some(Job::stream((), waker, move |progress, emit| {
            progress.set_total(goal as u64);
            let mut error = None;
            while (t.epochs_done() as u64) < progress.total() && !progress.is_cancelled() {
                let started = Instant::now();
                match t.epoch() {
                    Ok(stats) => {
                        progress.set_done(stats.epoch as u64);
                        if !emit.send(Message::Epoch(stats, Arc::new(t.network().clone()))) {
                            return;
                        }
                    }
                    Err(e) => {
                        error = Some(e);
                        break;
                    }
                }
                if let Some(rest) = PACE.checked_sub(started.elapsed()) {
                    std::thread::sleep(rest);
                }
            }
            emit.send(Message::Stopped(t, error));
        }));
    }

    /// Takes what the job sent; true when something new arrived.
    pub fn poll(&mut self) -> bool {
        let Some(job) = &mut self.job else {
            return false;
        };
        let messages = job.drain();
        let ended = job.ended();
        let mut news = false;
        for m in messages {
            news = true;
            match m {
                Message::Epoch(stats, net) => self.record(stats, net),
                Message::Stopped(t, error) => {
                    self.trainer = Some(t);
                    self.job = None;
                    if let Some(e) = error {
                        self.stopped = Some(e.to_string());
                    }
                }
            }
        }
        if ended && self.job.is_some() {
            // The thread ended without handing the trainer back.
            self.job = None;
            self.stopped = Some("training stopped unexpectedly; Reset starts again".to_owned());
        }
        news
    }

    /// Stops the job after its current epoch and waits for the trainer.
    pub fn pause(&mut self) {
        let Some(job) = &self.job else {
            return;
        };
        job.cancel();
        while self.job.is_some() {
            if !self.poll() {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    }

    /// Sets weight W_{out,in} of layer `layer` (an edited edge) and shows it
    /// as a new snapshot of the same epoch.
    pub fn set_weight(&mut self, layer: usize, out: usize, input: usize, value: f64) -> bool {
        self.pause();
        let Some(t) = &mut self.trainer else {
            return false;
        };
        if !t.set_weight(layer, out, input, value) {
            return false;
        }
        let net = Arc::new(t.network().clone());
        if let Some(last) = self.snapshots.last_mut() {
            last.net = net;
        }
        // Later history no longer belongs to these weights.
        self.serial += 1;
        true
    }

    /// Shows `net` (read from a weights file) instead of training.
    pub fn import(&mut self, net: Network, file: String) {
        self.pause();
        self.trainer = None;
        self.history.truncate(1);
        self.snapshots = vec![Snapshot {
            epoch: 0,
            net: Arc::new(net),
        }];
        self.imported = Some(file);
        self.serial += 1;
    }
}
