//! Training: a [`Trainer`] runs epochs of mini-batch gradient descent and
//! measures each, so a view can train in bounded slices and keep a history.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use nalgebra::{DMatrix, DVector};

use super::activation::Activation;
use super::backprop::{Backprop, BatchTarget, Narrow};
use super::config::NetConfig;
use super::features::Standardize;
use super::model::{Layer, Network};
use super::optimizer::OptimizerState;
use super::problem::{Problem, Split, Target};
use super::stats::{Evaluator, Measured};
use super::{EXPLODE_FACTOR, NetError, invalid};
use crate::data::LoadProgress;

/// What the network achieved after one epoch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EpochStats {
    /// 1 for the first epoch (0 describes the initial weights).
    pub epoch: usize,
    /// Mean data loss on the training rows (cross-entropy, or ½ squared error).
    pub train_loss: f64,
    /// Mean data loss on the test rows, if there are any.
    pub test_loss: Option<f64>,
    /// Share of training rows classified right (`None` for a regression).
    pub train_accuracy: Option<f64>,
    /// Share of test rows classified right (`None` for a regression or no test rows).
    pub test_accuracy: Option<f64>,
    /// The training loss plus the L1 and L2 penalties: what descent minimizes.
    pub objective: f64,
    /// Seconds the epoch took, statistics included.
    pub seconds: f64,
}

/// Trains a network one epoch at a time. It owns its data and is `Send`: run
/// it on a worker, or a few epochs per frame ([`epochs`](Self::epochs)).
#[derive(Debug)]
pub struct Trainer {
    config: NetConfig,
    network: Network,
    /// The weights before the current epoch, restored if it diverges.
    last_good: Vec<Layer>,
    split: Split,
    /// Every row's prepared features (n × features, row-major).
    x: Vec<f64>,
    /// The same in f32, for training's passes: row-major, and feature by
    /// feature (feature j of row r at j·n + r).
    x32: Vec<f32>,
    x32_columns: Vec<f32>,
    /// The weights in f32, refreshed after every step: what the passes read.
    narrow: Narrow,
    target: Target,
    optimizer: OptimizerState,
    rng: fastrand::Rng,
    /// Training rows in this epoch's order.
    order: Vec<usize>,
    batch_x: Vec<f32>,
    /// The batch unit-major (feature j of its i-th row at j·m + i).
    batch_units: Vec<f32>,
    batch_codes: Vec<u32>,
    batch_values: Vec<f64>,
    backprop: Backprop<f32>,
    /// The statistics' rows and buffers.
    evaluator: Evaluator,
    initial: EpochStats,
    history: Vec<EpochStats>,
    stopped: Option<NetError>,
}

impl Trainer {
    /// Splits `problem`, makes and standardizes the features, and draws the
    /// initial weights (epoch 0, measured).
    ///
    /// # Errors
    /// [`NetError::InvalidParameter`] for a bad `config` (extras need exactly
    /// two inputs), [`NetError::NotEnoughData`] for a bad `problem`.
    pub fn new(config: NetConfig, problem: &Problem) -> Result<Self, NetError> {
        let started = Instant::now();
        config.validate()?;
        problem.check()?;
        let d = problem.inputs.len();
        if config.extras.any() && d != 2 {
            return Err(invalid(
                "features",
                problem.inputs.join(","),
                format!(
                    "the extra features (x², y², x·y, sin) need exactly 2 input columns, not {d}"
                ),
            ));
        }
        let n = problem.len();
        let mut rng = fastrand::Rng::with_seed(config.seed);
        let split = Split::new(n, config.test_fraction, &mut rng);
        let features = config.extras.features(d);
        let f = features.len();
        let mut x = vec![0.0; n * f];
        for (row, out) in problem.x.chunks_exact(d).zip(x.chunks_exact_mut(f)) {
            for (o, feature) in out.iter_mut().zip(&features) {
                *o = feature.eval(row);
            }
        }
        let standardize = config
            .standardize
            .then(|| Standardize::fit(&x, f, &split.train));
        if let Some(s) = &standardize {
            for row in x.chunks_exact_mut(f) {
                s.apply(row);
            }
        }
        let (classes, outputs, out_activation) = match &problem.target {
            Target::Classes { names, .. } => {
                (Some(names.clone()), names.len(), Activation::Softmax)
            }
            Target::Values(_) => (None, 1, Activation::Linear),
        };
        let mut widths = vec![f];
        widths.extend(&config.hidden);
        widths.push(outputs);
        let layers: Vec<Layer> = widths
            .windows(2)
            .enumerate()
            .map(|(l, w)| {
                let activation = if l + 1 == widths.len() - 1 {
                    out_activation
                } else {
                    config.activation
                };
                init_layer(w[0], w[1], activation, &mut rng)
            })
            .collect();
        let batch = config.batch_size.min(split.train.len()).max(1);
        let network = Network {
            inputs: problem.inputs.clone(),
            features,
            standardize,
            layers,
            classes,
            target: problem.target_name.clone(),
        };
        let widest = widths.iter().copied().max().unwrap_or(1);
        let mut trainer = Self {
            optimizer: OptimizerState::new(config.optimizer, config.learning_rate, &network.layers),
            backprop: Backprop::new(&network.layers, batch),
            last_good: network.layers.clone(),
            order: split.train.clone(),
            batch_x: vec![0.0; batch * f],
            batch_units: vec![0.0; batch * f],
            narrow: Narrow::new(&network.layers),
            x32: x.iter().map(|&v| v as f32).collect(),
            x32_columns: (0..f)
                .flat_map(|j| x.iter().skip(j).step_by(f.max(1)).map(|&v| v as f32))
                .collect(),
            batch_codes: Vec::with_capacity(batch),
            batch_values: Vec::with_capacity(batch),
            evaluator: Evaluator::new(
                &x,
                f,
                &split,
                &problem.target,
                matches!(problem.target, Target::Classes { .. }),
                widest,
                (config.l1, config.l2),
            ),
            network,
            split,
            x,
            target: problem.target.clone(),
            rng,
            config,
            initial: unmeasured(),
            history: Vec::new(),
            stopped: None,
        };
        trainer.initial = trainer.stats(0, started);
        Ok(trainer)
    }

    /// Runs one more epoch (a pass over the training rows in a fresh seeded
    /// order, one step per mini-batch) and returns its statistics (also
    /// appended to [`history`](Self::history)).
    ///
    /// # Errors
    /// [`NetError::Diverged`] when the loss becomes NaN or infinite or
    /// passes [`EXPLODE_FACTOR`] × its initial value (or 1): the weights of
    /// the epoch before are kept, and every later call returns the same error.
    pub fn epoch(&mut self) -> Result<EpochStats, NetError> {
        if let Some(e) = &self.stopped {
            return Err(e.clone());
        }
        let started = Instant::now();
        for (keep, layer) in self.last_good.iter_mut().zip(&self.network.layers) {
            keep.weights.copy_from(&layer.weights);
            keep.bias.copy_from(&layer.bias);
        }
        let epoch = self.history.len() + 1;
        let finite = self.descend();
        let measured = self.evaluator.measure(&self.network.layers);
        let recorded = self.record(epoch, finite, measured, started.elapsed());
        if recorded.is_err() {
            for (layer, keep) in self.network.layers.iter_mut().zip(&self.last_good) {
                layer.weights.copy_from(&keep.weights);
                layer.bias.copy_from(&keep.bias);
            }
        }
        recorded
    }

    /// Appends epoch `epoch`'s statistics to the history, or, if its
    /// training was not `finite` or its objective is not finite or passes
    /// the limit, stops training with [`NetError::Diverged`] (the caller
    /// restores the weights of the epoch before).
    fn record(
        &mut self,
        epoch: usize,
        finite: bool,
        m: Measured,
        took: Duration,
    ) -> Result<EpochStats, NetError> {
        let limit = EXPLODE_FACTOR * self.initial.objective.max(1.0);
        if finite && m.objective.is_finite() && m.objective <= limit {
            let stats = epoch_stats(epoch, m, took);
            self.history.push(stats);
            return Ok(stats);
        }
        let e = NetError::Diverged {
            epoch,
            loss: if finite { m.objective } else { f64::NAN },
            initial: self.initial.objective,
            rate: crate::math::fmt_typed(self.config.learning_rate),
            kept: epoch - 1,
        };
        self.stopped = Some(e.clone());
        Err(e)
    }

    /// One pass over the training rows; false if a batch's loss was not finite.
    fn descend(&mut self) -> bool {
        let Self {
            config,
            network,
            x32: x,
            x32_columns,
            batch_units,
            narrow,
            target,
            optimizer,
            rng,
            order,
            batch_x,
            batch_codes,
            batch_values,
            backprop,
            ..
        } = self;
        let f = network.features.len();
        let all = x.len() / f.max(1);
        // The weights may have moved since the last step (an edited weight, a
        // divergence's restore).
        narrow.refresh(&network.layers);
        rng.shuffle(order);
        for rows in order.chunks(config.batch_size) {
            let m = rows.len();
            for (dest, &r) in batch_x.chunks_exact_mut(f.max(1)).zip(rows) {
                dest.copy_from_slice(&x[r * f..(r + 1) * f]);
            }
            // Unit-major for the forward pass, feature by feature.
            let units = &mut batch_units[..m * f];
            for (dest, column) in units.chunks_exact_mut(m).zip(x32_columns.chunks_exact(all)) {
                for (d, &r) in dest.iter_mut().zip(rows) {
                    *d = column[r];
                }
            }
            let t = match target {
                Target::Classes { codes, .. } => {
                    batch_codes.clear();
                    batch_codes.extend(rows.iter().map(|&r| codes[r]));
                    BatchTarget::Classes(batch_codes)
                }
                Target::Values(v) => {
                    batch_values.clear();
                    batch_values.extend(rows.iter().map(|&r| v[r]));
                    BatchTarget::Values(batch_values)
                }
            };
            let layers = &network.layers;
            let batch = (&batch_x[..m * f], Some(&batch_units[..m * f]));
            let j = backprop.run(layers, &*narrow, batch, m, t, config.l1, config.l2);
            if !j.is_finite() {
                return false;
            }
            optimizer.step(&mut network.layers, &backprop.grad);
            narrow.refresh(&network.layers);
        }
        network
            .layers
            .iter()
            .all(|l| l.weights.iter().chain(l.bias.iter()).all(|w| w.is_finite()))
    }

    /// Runs up to `n` more epochs (a bounded slice of training), stopping
    /// early at a divergence.
    ///
    /// # Errors
    /// As [`epoch`](Self::epoch).
    pub fn epochs(&mut self, n: usize) -> Result<(), NetError> {
        self.epochs_with(n, None, |_| {})
    }

    /// Runs epochs until [`NetConfig::epochs`] have been run in all.
    ///
    /// # Errors
    /// As [`epoch`](Self::epoch).
    pub fn run(&mut self) -> Result<(), NetError> {
        self.run_with(&LoadProgress::new())
    }

    /// [`run`](Self::run), reporting epochs done out of [`NetConfig::epochs`]
    /// to `progress` and stopping after the current epoch when it is
    /// cancelled (the trainer can go on later).
    ///
    /// # Errors
    /// As [`epoch`](Self::epoch); [`NetError::Cancelled`] when cancelled.
    pub fn run_with(&mut self, progress: &LoadProgress) -> Result<(), NetError> {
        progress.set_total(self.config.epochs as u64);
        let n = self.config.epochs.saturating_sub(self.history.len());
        self.epochs_with(n, Some(progress), |s| progress.set_done(s.epoch as u64))
    }

    /// Runs up to `n` more epochs, handing each epoch's statistics to
    /// `each` as they come, and stopping after the current epoch when
    /// `cancel` is cancelled. With two cores or more, an epoch's statistics
    /// are measured on a second thread while the next epoch trains: the
    /// same numbers as epoch after epoch (the statistics are a function of
    /// the weights alone), and a divergence still keeps the weights of the
    /// epoch before it (the epoch trained meanwhile is dropped). An epoch's
    /// `seconds` is then the time since the statistics before it came in.
    ///
    /// # Errors
    /// As [`epoch`](Self::epoch); [`NetError::Cancelled`] when cancelled.
    pub fn epochs_with(
        &mut self,
        n: usize,
        cancel: Option<&LoadProgress>,
        mut each: impl FnMut(&EpochStats),
    ) -> Result<(), NetError> {
        if let Some(e) = &self.stopped {
            return Err(e.clone());
        }
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        if n < 2 || cores < 2 {
            for _ in 0..n {
                if cancel.is_some_and(LoadProgress::is_cancelled) {
                    return Err(NetError::Cancelled(self.history.len()));
                }
                each(&self.epoch()?);
            }
            return Ok(());
        }
        let mark = Instant::now();
        let mut evaluator = std::mem::take(&mut self.evaluator);
        let (jobs, to_measure) = mpsc::channel::<Vec<Layer>>();
        let (measured, results) = mpsc::channel::<Measured>();
        std::thread::scope(|scope| {
            let worker = scope.spawn(move || {
                for layers in to_measure {
                    if measured.send(evaluator.measure(&layers)).is_err() {
                        break;
                    }
                }
                evaluator
            });
            let outcome = self.pipeline(n, (cancel, mark), &mut each, &jobs, &results);
            drop(jobs);
            // The worker only measures; a panic there is a bug, shown as one.
            self.evaluator = worker.join().expect("the statistics thread");
            outcome
        })
    }

    /// The body of [`epochs_with`](Self::epochs_with) on two threads: this
    /// one trains epoch e + 1 while `jobs` has epoch e's weights measured.
    fn pipeline(
        &mut self,
        n: usize,
        (cancel, mut mark): (Option<&LoadProgress>, Instant),
        each: &mut impl FnMut(&EpochStats),
        jobs: &mpsc::Sender<Vec<Layer>>,
        results: &mpsc::Receiver<Measured>,
    ) -> Result<(), NetError> {
        // The epoch being measured and the weights before it.
        let mut pending: Option<(usize, Vec<Layer>)> = None;
        let mut trained = 0;
        loop {
            let go_on = trained < n && !cancel.is_some_and(LoadProgress::is_cancelled);
            let before = go_on.then(|| self.network.layers.clone());
            let finite = !go_on || self.descend();
            trained += usize::from(go_on);
            if let Some((epoch, kept)) = pending.take() {
                let m = results.recv().expect("the statistics thread answers");
                let took = mark.elapsed();
                mark = Instant::now();
                match self.record(epoch, true, m, took) {
                    Ok(s) => each(&s),
                    Err(e) => {
                        self.network.layers = kept;
                        return Err(e);
                    }
                }
            }
            let Some(before) = before else {
                break;
            };
            let epoch = self.history.len() + 1;
            if !finite {
                let e = self.record(epoch, false, unmeasured_m(), mark.elapsed());
                self.network.layers = before;
                return e.map(|_| ());
            }
            jobs.send(self.network.layers.clone())
                .expect("the statistics thread listens");
            pending = Some((epoch, before));
        }
        if cancel.is_some_and(LoadProgress::is_cancelled) && trained < n {
            return Err(NetError::Cancelled(self.history.len()));
        }
        Ok(())
    }

    /// The network: after the last successful epoch.
    #[must_use]
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// Sets W_{out,in} of layer `layer` (a view's edited edge); false, and
    /// nothing changes, if there is no such weight or `value` is not finite.
    pub fn set_weight(&mut self, layer: usize, out: usize, input: usize, value: f64) -> bool {
        let Some(w) = self
            .network
            .layers
            .get_mut(layer)
            .and_then(|l| l.weights.get_mut((out, input)))
        else {
            return false;
        };
        if !value.is_finite() {
            return false;
        }
        *w = value;
        true
    }

    /// Statistics of every epoch run so far.
    #[must_use]
    pub fn history(&self) -> &[EpochStats] {
        &self.history
    }

    /// Statistics of the initial weights (epoch 0).
    #[must_use]
    pub fn initial(&self) -> &EpochStats {
        &self.initial
    }

    /// Statistics of the current weights (the last epoch's, or epoch 0's).
    #[must_use]
    pub fn last(&self) -> &EpochStats {
        self.history.last().unwrap_or(&self.initial)
    }

    /// Epochs run so far.
    #[must_use]
    pub fn epochs_done(&self) -> usize {
        self.history.len()
    }

    /// Whether [`NetConfig::epochs`] have been run, or training stopped.
    #[must_use]
    pub fn is_finished(&self) -> bool {
        self.stopped.is_some() || self.history.len() >= self.config.epochs
    }

    /// Why training stopped early, if it did.
    #[must_use]
    pub fn stopped(&self) -> Option<&NetError> {
        self.stopped.as_ref()
    }

    /// Which of the problem's rows train and which test.
    #[must_use]
    pub fn split(&self) -> &Split {
        &self.split
    }

    #[must_use]
    pub fn config(&self) -> &NetConfig {
        &self.config
    }

    /// Every row's prepared features (the first layer's input), row-major.
    #[must_use]
    pub fn prepared(&self) -> &[f64] {
        &self.x
    }

    /// Consumes the trainer, returning the network and the history.
    #[must_use]
    pub fn into_parts(self) -> (Network, Vec<EpochStats>) {
        (self.network, self.history)
    }

    /// Statistics of the current weights after `epoch`, timed from `started`.
    fn stats(&mut self, epoch: usize, started: Instant) -> EpochStats {
        let m = self.evaluator.measure(&self.network.layers);
        epoch_stats(epoch, m, started.elapsed())
    }
}

/// An epoch's statistics from its measurement and time.
fn epoch_stats(epoch: usize, m: Measured, took: Duration) -> EpochStats {
    EpochStats {
        epoch,
        train_loss: m.train_loss,
        test_loss: m.test_loss,
        train_accuracy: m.train_accuracy,
        test_accuracy: m.test_accuracy,
        objective: m.objective,
        seconds: took.as_secs_f64(),
    }
}

/// The measurement of weights that are not finite.
fn unmeasured_m() -> Measured {
    Measured {
        train_loss: f64::NAN,
        test_loss: None,
        train_accuracy: None,
        test_accuracy: None,
        objective: f64::NAN,
    }
}

/// Epoch 0 before it is measured.
fn unmeasured() -> EpochStats {
    EpochStats {
        epoch: 0,
        train_loss: f64::NAN,
        test_loss: None,
        train_accuracy: None,
        test_accuracy: None,
        objective: f64::NAN,
        seconds: 0.0,
    }
}

/// A layer `inputs` → `outputs` into `activation`: W uniform in ±√(6/in)
/// (He) before ReLU and leaky ReLU, ±√(6/(in + out)) (Glorot) otherwise; b = 0.
fn init_layer(
    inputs: usize,
    outputs: usize,
    activation: Activation,
    rng: &mut fastrand::Rng,
) -> Layer {
    let fan = if activation.he_init() {
        inputs
    } else {
        inputs + outputs
    };
    let bound = (6.0 / fan as f64).sqrt();
    // Drawn row by row (unit by unit), so W's numbers do not depend on storage order.
    let weights = DMatrix::from_row_iterator(
        outputs,
        inputs,
        (0..outputs * inputs).map(|_| bound * (2.0 * rng.f64() - 1.0)),
    );
    Layer {
        weights,
        bias: DVector::zeros(outputs),
        activation,
    }
}
