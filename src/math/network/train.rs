//! Training: a [`Trainer`] runs epochs of mini-batch gradient descent and
//! measures each, so a view can train in bounded slices and keep a history.

use std::time::Instant;

use nalgebra::{DMatrix, DVector};

use super::activation::Activation;
use super::backprop::{Backprop, BatchTarget, output_forward, penalty};
use super::config::NetConfig;
use super::features::Standardize;
use super::model::{Layer, Network};
use super::optimizer::OptimizerState;
use super::problem::{Problem, Split, Target};
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

/// Rows evaluated at a time for the statistics.
const EVAL_CHUNK: usize = 256;

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
    target: Target,
    optimizer: OptimizerState,
    rng: fastrand::Rng,
    /// Training rows in this epoch's order.
    order: Vec<usize>,
    batch_x: Vec<f64>,
    batch_codes: Vec<u32>,
    batch_values: Vec<f64>,
    backprop: Backprop,
    /// The training rows' and the test rows' features, in chunks of
    /// [`EVAL_CHUNK`] rows, each unit-major: the statistics' input, gathered once.
    eval_x: [Vec<f64>; 2],
    /// Forward buffers for the statistics: activations, z, a, log Σ e^z.
    eval: [Vec<f64>; 4],
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
            batch_codes: Vec::with_capacity(batch),
            batch_values: Vec::with_capacity(batch),
            eval_x: [chunked(&x, f, &split.train), chunked(&x, f, &split.test)],
            eval: [
                vec![0.0; EVAL_CHUNK * widest],
                vec![0.0; EVAL_CHUNK * widest],
                vec![0.0; EVAL_CHUNK * widest],
                vec![0.0; EVAL_CHUNK],
            ],
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
        let stats = self.stats(epoch, started);
        let limit = EXPLODE_FACTOR * self.initial.objective.max(1.0);
        if finite && stats.objective.is_finite() && stats.objective <= limit {
            self.history.push(stats);
            return Ok(stats);
        }
        for (layer, keep) in self.network.layers.iter_mut().zip(&self.last_good) {
            layer.weights.copy_from(&keep.weights);
            layer.bias.copy_from(&keep.bias);
        }
        let e = NetError::Diverged {
            epoch,
            loss: if finite { stats.objective } else { f64::NAN },
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
            x,
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
        rng.shuffle(order);
        for rows in order.chunks(config.batch_size) {
            let m = rows.len();
            for (dest, &r) in batch_x.chunks_exact_mut(f.max(1)).zip(rows) {
                dest.copy_from_slice(&x[r * f..(r + 1) * f]);
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
            let j = backprop.run(&network.layers, batch_x, m, t, config.l1, config.l2);
            if !j.is_finite() {
                return false;
            }
            optimizer.step(&mut network.layers, &backprop.grad);
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
        for _ in 0..n {
            self.epoch()?;
        }
        Ok(())
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
        while self.history.len() < self.config.epochs {
            if progress.is_cancelled() {
                return Err(NetError::Cancelled(self.history.len()));
            }
            self.epoch()?;
            progress.set_done(self.history.len() as u64);
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
        let train = std::mem::take(&mut self.split.train);
        let test = std::mem::take(&mut self.split.test);
        let (train_loss, train_right) = self.evaluate(0, &train);
        let (test_loss, test_right) = self.evaluate(1, &test);
        let classifier = self.network.is_classifier();
        let share = |right: usize, rows: &[usize]| right as f64 / rows.len() as f64;
        let stats = EpochStats {
            epoch,
            train_loss,
            test_loss: (!test.is_empty()).then_some(test_loss),
            train_accuracy: classifier.then(|| share(train_right, &train)),
            test_accuracy: (classifier && !test.is_empty()).then(|| share(test_right, &test)),
            objective: train_loss + penalty(&self.network.layers, self.config.l1, self.config.l2),
            seconds: started.elapsed().as_secs_f64(),
        };
        self.split.train = train;
        self.split.test = test;
        stats
    }

    /// Mean data loss over `rows` (the training rows for `set` 0, the test
    /// rows for 1) and how many are classified right.
    fn evaluate(&mut self, set: usize, rows: &[usize]) -> (f64, usize) {
        let f = self.network.features.len();
        let k = self.network.outputs();
        let classifier = self.network.is_classifier();
        let [current, z, a, lse] = &mut self.eval;
        let layers = &self.network.layers;
        let last = layers.len() - 1;
        let mut loss = 0.0;
        let mut right = 0;
        for (c, chunk) in rows.chunks(EVAL_CHUNK).enumerate() {
            let m = chunk.len();
            let x = &self.eval_x[set][c * EVAL_CHUNK * f..c * EVAL_CHUNK * f + m * f];
            for (l, layer) in layers.iter().enumerate() {
                let input = if l == 0 { x } else { &current[..] };
                if l == last {
                    output_forward(layer, input, m, [z, a, lse], classifier, true);
                } else {
                    layer.forward(input, m, z, a);
                }
                std::mem::swap(current, a);
            }
            // `current` holds the output activations, `z` the last pre-activations.
            // Unit-major: output o of point i at o·m + i.
            for (i, &r) in chunk.iter().enumerate() {
                match &self.target {
                    Target::Classes { codes, .. } => {
                        let y = codes[r] as usize;
                        // −log p_y = log Σ e^z − z_y.
                        loss += lse[i] - z[y * m + i];
                        let best = (1..k).fold(0, |b, o| {
                            if current[o * m + i] > current[b * m + i] {
                                o
                            } else {
                                b
                            }
                        });
                        right += usize::from(best == y);
                    }
                    Target::Values(v) => {
                        let e = current[i] - v[r];
                        loss += 0.5 * e * e;
                    }
                }
            }
        }
        (loss / rows.len().max(1) as f64, right)
    }
}

/// `rows` of row-major `x` (f columns) in chunks of [`EVAL_CHUNK`] rows, each
/// gathered unit-major (see [`gather`]) and stored one after the other.
fn chunked(x: &[f64], f: usize, rows: &[usize]) -> Vec<f64> {
    let mut out = vec![0.0; rows.len() * f];
    for (chunk, dest) in rows.chunks(EVAL_CHUNK).zip(out.chunks_mut(EVAL_CHUNK * f)) {
        gather(x, f, chunk, dest);
    }
    out
}

/// Rows `rows` of row-major `x` (f columns) into `out`, unit-major
/// (feature j of the i-th chosen row at j·rows.len() + i).
fn gather(x: &[f64], f: usize, rows: &[usize], out: &mut [f64]) {
    let m = rows.len();
    for (i, &r) in rows.iter().enumerate() {
        for (j, &v) in x[r * f..(r + 1) * f].iter().enumerate() {
            out[j * m + i] = v;
        }
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
