//! Training: a [`Trainer`] runs epochs of ALS or SGD and measures each.

use std::time::Instant;

use super::als::{HalfStep, als_half_step};
use super::model::fill_normal;
use super::sgd::{Params, Real, SgdState};
use super::{
    EXPLODE_FACTOR, FactorizeConfig, FactorizeError, INIT_STD, MAX_FACTORS, Method, Model,
    TrainingSet, invalid,
};
use crate::data::Rating;

/// From this many multiply-adds (training ratings × k) on, an epoch's
/// statistics use two threads.
const STATS_PARALLEL_WORK: usize = 200_000;

/// What one epoch achieved.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EpochStats {
    /// 1 for the first epoch (0 describes the initial model).
    pub epoch: usize,
    /// RMSE on the training ratings (clipped predictions).
    pub train_rmse: f64,
    /// RMSE on the test ratings, if there are any.
    pub test_rmse: Option<f64>,
    /// The regularized loss L of the module docs.
    pub loss: f64,
    /// Seconds the epoch took, statistics included: the wall time of its
    /// [`Trainer::epoch`] call. With SGD that call also trains the next
    /// epoch beside the statistics (until the last configured epoch), and
    /// the next call only measures, so the sum over epochs is still the
    /// training's wall time.
    pub seconds: f64,
}

impl EpochStats {
    /// Epoch 0 before anything is measured: errors and loss are NaN.
    #[must_use]
    pub fn unmeasured() -> Self {
        Self {
            epoch: 0,
            train_rmse: f64::NAN,
            test_rmse: None,
            loss: f64::NAN,
            seconds: 0.0,
        }
    }
}

/// Compressed rows: row r's entries are `entries[start[r]..start[r + 1]]`,
/// each `(column, rating)`, in the order of the training ratings: 8 bytes a
/// rating (the rating is the f32 it was loaded as; it widens to f64 exactly
/// where it is used).
#[derive(Debug, Default)]
pub(super) struct Csr {
    start: Vec<usize>,
    entries: Vec<(u32, f32)>,
}

impl Csr {
    /// The rows of `entries` by user (or by item), by a counting sort.
    pub(super) fn new(n_rows: usize, entries: &[Rating], by_item: bool) -> Self {
        let start = row_starts(n_rows, entries, by_item);
        let mut next = start.clone();
        let mut rows = vec![(0u32, 0f32); entries.len()];
        for r in entries {
            let (row, col) = if by_item {
                (r.item, r.user)
            } else {
                (r.user, r.item)
            };
            let slot = &mut next[row as usize];
            rows[*slot] = (col, r.value);
            *slot += 1;
        }
        Self {
            start,
            entries: rows,
        }
    }

    /// ALS's two orientations of `entries`, by user and by item, taking
    /// `entries` (each row in the order of `entries`, as [`new`](Self::new)
    /// makes them). Where the ratings are sorted by user already (MovieLens
    /// files are), the 12-byte triples become the 8-byte (item, rating)
    /// rows by user in the same memory, and the rows by item are read off
    /// those: 16 bytes a rating at the most, never the triples beside both.
    pub(super) fn both(n_users: usize, n_items: usize, entries: Vec<Rating>) -> (Self, Self) {
        if !entries.is_sorted_by_key(|r| r.user) {
            let by_item = Self::new(n_items, &entries, true);
            return (Self::new(n_users, &entries, false), by_item);
        }
        let start = row_starts(n_users, &entries, false);
        // A map from a Vec into a Vec of no larger items reuses its allocation.
        let mut rows: Vec<(u32, f32)> = entries.into_iter().map(|r| (r.item, r.value)).collect();
        rows.shrink_to_fit();
        let by_user = Self {
            start,
            entries: rows,
        };
        // Row by row, the ratings come in their order: a counting sort of
        // them by item, as `new` does.
        let mut start = vec![0usize; n_items + 1];
        for &(i, _) in &by_user.entries {
            start[i as usize + 1] += 1;
        }
        for i in 0..n_items {
            start[i + 1] += start[i];
        }
        let mut next = start.clone();
        let mut rows = vec![(0u32, 0f32); by_user.nnz()];
        for u in 0..n_users {
            for &(i, value) in by_user.row(u) {
                let slot = &mut next[i as usize];
                rows[*slot] = (u as u32, value);
                *slot += 1;
            }
        }
        let by_item = Self {
            start,
            entries: rows,
        };
        (by_user, by_item)
    }

    pub(super) fn row(&self, r: usize) -> &[(u32, f32)] {
        &self.entries[self.start[r]..self.start[r + 1]]
    }

    /// The number of entries.
    pub(super) fn nnz(&self) -> usize {
        self.entries.len()
    }

    pub(super) fn len(&self, r: usize) -> usize {
        self.start[r + 1] - self.start[r]
    }
}

/// Where each row of `entries` (by user, or by item) starts, and their end.
fn row_starts(n_rows: usize, entries: &[Rating], by_item: bool) -> Vec<usize> {
    let mut start = vec![0usize; n_rows + 1];
    for r in entries {
        start[if by_item { r.item } else { r.user } as usize + 1] += 1;
    }
    for j in 0..n_rows {
        start[j + 1] += start[j];
    }
    start
}

/// What only one method needs.
#[derive(Debug)]
enum Engine {
    /// ALS's item rows (its user rows are [`Trainer::by_user`]).
    Als { by_item: Csr },
    /// SGD's working state, which owns the training ratings as its visiting order.
    Sgd(SgdState),
}

/// Trains a factorization one epoch at a time, so a GUI can run it off the UI
/// thread, show progress and keep a snapshot ([`model`](Self::model)`.clone()`)
/// per epoch. It owns its data and is `Send`.
///
/// It holds the training ratings once, as compactly as the method allows:
/// ALS as rows by user and by item (8 bytes a rating each, the triples
/// themselves given up), SGD as its visiting order (12 bytes a rating) and
/// rows by user (8) for the statistics.
#[derive(Debug)]
pub struct Trainer {
    config: FactorizeConfig,
    /// The training ratings by user: ALS's user rows, and the statistics'.
    by_user: Csr,
    /// n_i: each item's number of training ratings (the penalty's weights).
    item_counts: Vec<usize>,
    engine: Engine,
    /// The test ratings sorted by user, so statistics read P in order.
    test_by_user: Vec<Rating>,
    model: Model,
    /// The model before the current epoch, restored if it diverges.
    last_good: Model,
    rng: fastrand::Rng,
    initial: EpochStats,
    history: Vec<EpochStats>,
    /// Set once training diverged: every later epoch returns it again.
    stopped: Option<FactorizeError>,
}

impl Trainer {
    /// A trainer with a freshly initialized model (epoch 0).
    ///
    /// # Errors
    /// [`InvalidParameter`](FactorizeError::InvalidParameter) for a bad `config`.
    pub fn new(config: FactorizeConfig, data: TrainingSet) -> Result<Self, FactorizeError> {
        config.validate()?;
        if data.train.is_empty() {
            return Err(FactorizeError::NoTrainingRatings {
                detail: String::new(),
            });
        }
        // The model, its backup and SGD's copy hold about 20 bytes per factor.
        if (data.n_users + data.n_items).saturating_mul(config.rank) > MAX_FACTORS {
            return Err(invalid(
                "rank",
                config.rank,
                "too large for this many users and items: (users + items) × rank must stay below 200 million",
            ));
        }
        let started = Instant::now();
        let TrainingSet {
            n_users,
            n_items,
            scale,
            train,
            test: mut test_by_user,
        } = data;
        let k = config.rank;
        let mu = train.iter().map(|r| f64::from(r.value)).sum::<f64>() / train.len() as f64;
        let mut item_counts = vec![0usize; n_items];
        for r in &train {
            item_counts[r.item as usize] += 1;
        }
        // ALS: rows by user and by item, made out of the triples themselves.
        // SGD: rows by user, and the triples kept as its visiting order.
        let (by_user, rest) = match config.method {
            Method::Als => {
                let (by_user, by_item) = Csr::both(n_users, n_items, train);
                (by_user, Ok(by_item))
            }
            Method::Sgd => (Csr::new(n_users, &train, false), Err(train)),
        };
        let mut rng = fastrand::Rng::with_seed(config.seed);
        // Factors ~ N(0, INIT_STD²) for rows with training ratings, 0 for the others
        // (so that an unknown user or item predicts from what is known).
        let mut init = |n: usize, rated: &dyn Fn(usize) -> bool| -> Vec<f64> {
            let mut m = vec![0.0; n * k];
            for r in 0..n {
                if rated(r) {
                    let row = &mut m[r * k..(r + 1) * k];
                    fill_normal(&mut rng, row);
                    for x in row {
                        *x *= INIT_STD;
                    }
                }
            }
            m
        };
        let p = init(n_users, &|u| by_user.len(u) > 0);
        let q = init(n_items, &|i| item_counts[i] > 0);
        let mut model = Model {
            rank: k,
            biases: config.biases,
            mu,
            scale,
            user_bias: vec![0.0; n_users],
            item_bias: vec![0.0; n_items],
            p,
            q,
        };
        let engine = match rest {
            Ok(by_item) => Engine::Als { by_item },
            Err(train) => Engine::Sgd(SgdState::new(&mut model, train)),
        };
        test_by_user.sort_by_key(|r| (r.user, r.item));
        let mut trainer = Self {
            last_good: model.clone(),
            model,
            config,
            by_user,
            item_counts,
            engine,
            test_by_user,
            rng,
            initial: EpochStats::unmeasured(),
            history: Vec::new(),
            stopped: None,
        };
        trainer.initial = trainer.stats(0, started);
        Ok(trainer)
    }

    /// Runs one more epoch and returns its statistics (also appended to
    /// [`history`](Self::history)).
    ///
    /// # Errors
    /// [`Diverged`](FactorizeError::Diverged) when the loss becomes NaN or
    /// infinite or grows past [`EXPLODE_FACTOR`] × its initial value, or
    /// [`Singular`](FactorizeError::Singular) (ALS with λ = 0): the model of the
    /// previous epoch is kept, and every later call returns the same error.
    pub fn epoch(&mut self) -> Result<EpochStats, FactorizeError> {
        if let Some(e) = &self.stopped {
            return Err(e.clone());
        }
        let started = Instant::now();
        self.last_good.copy_from(&self.model);
        let epoch = self.history.len() + 1;
        let stats = match self.config.method {
            Method::Als => self.als_epoch().map(|()| self.stats(epoch, started)),
            Method::Sgd => Ok(self.sgd_epoch(epoch, started)),
        };
        let failure = match stats {
            Ok(s) if acceptable(s.loss, self.initial.loss) => {
                self.history.push(s);
                return Ok(s);
            }
            Ok(s) => diverged(&self.config, epoch, s.loss, self.initial.loss),
            Err(e) => e,
        };
        self.model.copy_from(&self.last_good);
        self.stopped = Some(failure.clone());
        Err(failure)
    }

    /// Runs epochs until [`FactorizeConfig::epochs`] have been run in all.
    ///
    /// # Errors
    /// As [`epoch`](Self::epoch).
    pub fn run(&mut self) -> Result<(), FactorizeError> {
        while self.history.len() < self.config.epochs {
            self.epoch()?;
        }
        Ok(())
    }

    /// The current model: after the last successful epoch.
    #[must_use]
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Statistics of every epoch run so far.
    #[must_use]
    pub fn history(&self) -> &[EpochStats] {
        &self.history
    }

    /// Statistics of the initial model (epoch 0).
    #[must_use]
    pub fn initial(&self) -> &EpochStats {
        &self.initial
    }

    /// Epochs run so far.
    #[must_use]
    pub fn epochs_done(&self) -> usize {
        self.history.len()
    }

    /// Whether [`FactorizeConfig::epochs`] have been run, or training stopped.
    #[must_use]
    pub fn is_finished(&self) -> bool {
        self.stopped.is_some() || self.history.len() >= self.config.epochs
    }

    /// Why training stopped early, if it did.
    #[must_use]
    pub fn stopped(&self) -> Option<&FactorizeError> {
        self.stopped.as_ref()
    }

    #[must_use]
    pub fn config(&self) -> &FactorizeConfig {
        &self.config
    }

    /// The number of training ratings.
    #[must_use]
    pub fn train_len(&self) -> usize {
        self.by_user.nnz()
    }

    /// The number of test ratings.
    #[must_use]
    pub fn test_len(&self) -> usize {
        self.test_by_user.len()
    }

    /// Consumes the trainer, returning the model and the history.
    #[must_use]
    pub fn into_parts(self) -> (Model, Vec<EpochStats>) {
        (self.model, self.history)
    }

    /// Statistics of the current model after `epoch`, timed from `started`.
    fn stats(&self, epoch: usize, started: Instant) -> EpochStats {
        let data = self.stats_data();
        let (train_rmse, test_rmse, loss) = match &self.engine {
            // SGD's f32 working copy holds the same numbers as the model (it
            // is never ahead here: only `sgd_epoch` trains ahead, and measures
            // through the copy), and reading it is twice as fast.
            Engine::Sgd(state) => stats_of(&data, &state.params(self.model.rank), true),
            Engine::Als { .. } => stats_of(
                &data,
                &Params {
                    k: self.model.rank,
                    mu: self.model.mu,
                    user_bias: &self.model.user_bias,
                    item_bias: &self.model.item_bias,
                    p: &self.model.p,
                    q: &self.model.q,
                },
                true,
            ),
        };
        EpochStats {
            epoch,
            train_rmse,
            test_rmse,
            loss,
            seconds: started.elapsed().as_secs_f64(),
        }
    }

    /// What the statistics read besides the model.
    fn stats_data(&self) -> StatsData<'_> {
        StatsData {
            by_user: &self.by_user,
            test_by_user: &self.test_by_user,
            item_counts: &self.item_counts,
            scale: self.model.scale,
            lambda: self.config.lambda,
        }
    }

    /// One SGD pass over the training ratings in a fresh shuffled order, and
    /// its statistics. Until the last of [`FactorizeConfig::epochs`], the
    /// next epoch's pass runs beside the statistics, on this thread, while a
    /// second computes them from a copy of the parameters: the statistics'
    /// cost hidden, the numbers the same.
    fn sgd_epoch(&mut self, epoch: usize, started: Instant) -> EpochStats {
        let settings = (
            self.config.rank,
            self.config.learning_rate as f32,
            self.config.lambda as f32,
            self.config.biases,
        );
        let train_ahead = epoch < self.config.epochs;
        let data = StatsData {
            by_user: &self.by_user,
            test_by_user: &self.test_by_user,
            item_counts: &self.item_counts,
            scale: self.model.scale,
            lambda: self.config.lambda,
        };
        let Engine::Sgd(state) = &mut self.engine else {
            return self.stats(epoch, started);
        };
        let (train_rmse, test_rmse, loss) = state.advance(
            &mut self.rng,
            settings,
            train_ahead,
            &mut self.model,
            |m, threads| stats_of(&data, m, threads),
        );
        EpochStats {
            epoch,
            train_rmse,
            test_rmse,
            loss,
            seconds: started.elapsed().as_secs_f64(),
        }
    }

    /// One ALS epoch: every item with P fixed, then every user with Q fixed.
    fn als_epoch(&mut self) -> Result<(), FactorizeError> {
        let (lambda, biases, solver) = (self.config.lambda, self.config.biases, self.config.solver);
        let Engine::Als { by_item } = &self.engine else {
            return Ok(());
        };
        let Model {
            rank: k,
            mu,
            user_bias,
            item_bias,
            p,
            q,
            ..
        } = &mut self.model;
        let (k, mu) = (*k, *mu);
        let step = |what| HalfStep {
            k,
            mu,
            lambda,
            biases,
            what,
            solver,
        };
        als_half_step(
            by_item,
            (&mut q[..], &mut item_bias[..]),
            (&p[..], &user_bias[..]),
            &step("item"),
        )?;
        als_half_step(
            &self.by_user,
            (&mut p[..], &mut user_bias[..]),
            (&q[..], &item_bias[..]),
            &step("user"),
        )
    }
}

/// Whether an epoch's loss lets training go on: finite, and at most
/// [`EXPLODE_FACTOR`] × the initial loss.
fn acceptable(loss: f64, initial: f64) -> bool {
    loss.is_finite() && loss <= EXPLODE_FACTOR * initial
}

/// The error of a fit whose loss became `loss` at `epoch`, with a hint.
fn diverged(config: &FactorizeConfig, epoch: usize, loss: f64, initial: f64) -> FactorizeError {
    FactorizeError::Diverged {
        epoch,
        loss,
        initial,
        kept: epoch - 1,
        hint: match config.method {
            Method::Sgd => format!(
                "try a learning rate smaller than {}",
                crate::math::fmt_typed(config.learning_rate)
            ),
            Method::Als => format!(
                "try a lambda larger than {}",
                crate::math::fmt_typed(config.lambda)
            ),
        },
    }
}

/// What the statistics read besides the model.
struct StatsData<'a> {
    by_user: &'a Csr,
    test_by_user: &'a [Rating],
    item_counts: &'a [usize],
    scale: (f64, f64),
    lambda: f64,
}

/// (train RMSE, test RMSE, loss) of `m`. The training ratings' errors are
/// summed in two halves (users split where half the ratings lie), the
/// second with the test errors and the penalty: on two threads when there
/// is enough work and `threads`, the same sums in the same order either way.
fn stats_of<T: Real + Sync>(
    data: &StatsData<'_>,
    m: &Params<'_, T>,
    threads: bool,
) -> (f64, Option<f64>, f64) {
    let (lo, hi) = data.scale;
    let clip = |x: f64| x.clamp(lo, hi);
    let by_user = data.by_user;
    let n_users = by_user.start.len() - 1;
    let half = by_user
        .start
        .partition_point(|&s| s < by_user.nnz() / 2)
        .min(n_users);
    // (Σ raw squared errors, Σ clipped squared errors) over `users`, user by
    // user so that p_u stays in cache.
    let train_sse = |users: std::ops::Range<usize>| -> (f64, f64) {
        let (mut sse_raw, mut sse_clipped) = (0.0, 0.0);
        for u in users {
            for &(i, y) in by_user.row(u) {
                let y = f64::from(y);
                let raw = m.predict_raw(u, i as usize);
                sse_raw += (y - raw) * (y - raw);
                sse_clipped += (y - clip(raw)) * (y - clip(raw));
            }
        }
        (sse_raw, sse_clipped)
    };
    let rest = || {
        let second = train_sse(half..n_users);
        let test_rmse = (!data.test_by_user.is_empty()).then(|| {
            let sse: f64 = data
                .test_by_user
                .iter()
                .map(|r| {
                    let e =
                        f64::from(r.value) - clip(m.predict_raw(r.user as usize, r.item as usize));
                    e * e
                })
                .sum();
            (sse / data.test_by_user.len() as f64).sqrt()
        });
        // λ Σ_u n_u (‖p_u‖² + b_u²) + λ Σ_i n_i (‖q_i‖² + b_i²)
        let k = m.k;
        let penalty = |n: &dyn Fn(usize) -> usize, factors: &[T], bias: &[T]| -> f64 {
            bias.iter()
                .enumerate()
                .map(|(r, &b)| {
                    let f = &factors[r * k..(r + 1) * k];
                    let b: f64 = b.into();
                    n(r) as f64 * (T::dot(f, f).into() + b * b)
                })
                .sum()
        };
        let reg = penalty(&|u| by_user.len(u), m.p, m.user_bias)
            + penalty(&|i| data.item_counts[i], m.q, m.item_bias);
        (second, test_rmse, reg)
    };
    let parallel = threads && by_user.nnz().saturating_mul(m.k) >= STATS_PARALLEL_WORK;
    let (first, (second, test_rmse, reg)) = std::thread::scope(|s| {
        let helper = parallel
            .then(|| {
                std::thread::Builder::new()
                    .spawn_scoped(s, || train_sse(0..half))
                    .ok()
            })
            .flatten();
        let rest = rest();
        let first = match helper {
            Some(h) => h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
            None => train_sse(0..half),
        };
        (first, rest)
    });
    let n_train = by_user.nnz() as f64;
    (
        ((first.1 + second.1) / n_train).sqrt(),
        test_rmse,
        (first.0 + second.0) + data.lambda * reg,
    )
}

/// The result of [`train`].
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    pub model: Model,
    pub history: Vec<EpochStats>,
    /// Seconds from setting up to the last epoch, statistics included.
    pub seconds: f64,
}

/// Trains `config.epochs` epochs on `data`.
///
/// # Errors
/// As [`Trainer::new`] and [`Trainer::epoch`].
pub fn train(config: &FactorizeConfig, data: TrainingSet) -> Result<Fit, FactorizeError> {
    let started = Instant::now();
    let mut trainer = Trainer::new(config.clone(), data)?;
    trainer.run()?;
    let (model, history) = trainer.into_parts();
    Ok(Fit {
        model,
        history,
        seconds: started.elapsed().as_secs_f64(),
    })
}
