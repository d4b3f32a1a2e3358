//! Matrix factorization of a ratings matrix: R ≈ μ + b_u + b_i + P Qᵀ.
//!
//! The prediction for user u and item i is
//!
//! ```text
//! r̂_ui = μ + b_u + b_i + p_u · q_i
//! ```
//!
//! with μ the mean training rating, p_u and q_i rows of the factor matrices P
//! (users × k) and Q (items × k), and the biases b_u, b_i only when
//! [`FactorizeConfig::biases`] is on (otherwise they stay 0; μ is always there).
//!
//! Both methods minimize the same regularized loss, in which each rating
//! regularizes the parameters it touches (Funk's SGD and scikit-surprise's `SVD`
//! descend it one rating at a time; for ALS it is Zhou et al.'s weighted-λ
//! regularization):
//!
//! ```text
//! L = Σ_(u,i) [ (r_ui − r̂_ui)² + λ (‖p_u‖² + ‖q_i‖² + b_u² + b_i²) ]
//!   = Σ (r − r̂)² + λ [ Σ_u n_u (‖p_u‖² + b_u²) + Σ_i n_i (‖q_i‖² + b_i²) ]
//! ```
//!
//! - **ALS** alternates exact minimizations: with P fixed, each item's
//!   [q_i, b_i] solves the regularized least squares
//!   (Xᵀ X + λ n_i I) w = Xᵀ y, X's rows [p_u, 1], y = r_ui − μ − b_u
//!   (Cholesky); then the same for users with Q fixed. L never rises.
//! - **SGD** visits the training ratings in a seeded shuffled order each epoch;
//!   with e = r − r̂: b_u += γ (e − λ b_u), b_i += γ (e − λ b_i),
//!   p_u += γ (e q_i − λ p_u), q_i += γ (e p_u − λ q_i) — exactly the update of
//!   scikit-surprise's `SVD`.
//!
//! Factors start as N(0, 0.1²) (users and items with no training rating at 0),
//! biases at 0. Reported RMSEs clip predictions to the rating scale, as Surprise
//! does; the loss uses the raw r̂. Users or items with no training rating
//! predict from what is known (μ + b_i, μ + b_u, or μ), as Surprise does.
//!
//! Same seed, same numbers: all randomness comes from one seeded generator and
//! nothing runs in parallel.
//!
//! How a view uses it — train epoch by epoch (on a worker thread: a [`Trainer`]
//! is `Send`), keep a snapshot per epoch for a history scrubber, fold in an
//! edited user and list what to watch next:
//!
//! ```
//! use eigenlens::data::load_builtin_ratings;
//! use eigenlens::math::factorize::{
//!     FactorizeConfig, Trainer, TrainingSet, fold_in_user, recommend,
//! };
//!
//! let ratings = load_builtin_ratings("movie-night")?;
//! let data = TrainingSet::split(&ratings, 0.2, 0)?;
//! let config = FactorizeConfig { rank: 2, biases: true, ..FactorizeConfig::default() };
//! let mut trainer = Trainer::new(config, data)?;
//! let mut snapshots = vec![trainer.model().clone()];
//! while !trainer.is_finished() {
//!     let stats = trainer.epoch()?;
//!     assert!(stats.test_rmse.is_some());
//!     snapshots.push(trainer.model().clone());
//! }
//! // A viewer who loves Toy Story (movieId 1) and dislikes Die Hard (26).
//! let toy_story = ratings.item_index("1").ok_or("no Toy Story")?;
//! let die_hard = ratings.item_index("26").ok_or("no Die Hard")?;
//! let me = fold_in_user(trainer.model(), &[(toy_story, 5.0), (die_hard, 1.0)], 0.1)?;
//! let top = recommend(trainer.model(), &me, &[toy_story, die_hard], 5);
//! assert_eq!(top.len(), 5);
//! println!("watch next: {}", ratings.item_name(top[0].item));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashSet;
use std::fmt;
use std::time::Instant;

use nalgebra::{Cholesky, DMatrix, DMatrixView, DVector, Dyn};

use crate::data::{Rating, Ratings};

/// The share of ratings held out for the test RMSE when none is given
/// (the command line's `--test-fraction`, the view's and scenes' default).
pub const DEFAULT_TEST_FRACTION: f64 = 0.2;

/// Standard deviation of the initial factors (scikit-surprise's `init_std_dev`).
pub const INIT_STD: f64 = 0.1;

/// Largest rank accepted.
pub const MAX_RANK: usize = 1000;

/// Most factors, (users + items) × rank, a model may have (about 4 GB of memory
/// while training).
pub const MAX_FACTORS: usize = 200_000_000;

/// Most epochs accepted in one [`train`] call.
pub const MAX_EPOCHS: usize = 100_000;

/// Training stops as diverged when the loss grows past this many times its
/// value at the start.
pub const EXPLODE_FACTOR: f64 = 100.0;

/// How the factors are fitted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Method {
    /// Alternating least squares: exact, monotone, no learning rate.
    #[default]
    Als,
    /// Stochastic gradient descent (Funk, as scikit-surprise's `SVD`).
    Sgd,
}

impl Method {
    /// `"als"` or `"sgd"`, as on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Als => "als",
            Self::Sgd => "sgd",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Everything that decides a fit. Parameter names in errors are the
/// command line's: `rank`, `lambda`, `learning-rate`, `epochs`.
#[derive(Clone, Debug, PartialEq)]
pub struct FactorizeConfig {
    pub method: Method,
    /// k, the number of latent factors.
    pub rank: usize,
    /// λ, the regularization weight (per rating, see the module docs).
    pub lambda: f64,
    /// γ, the SGD step size (ignored by ALS).
    pub learning_rate: f64,
    /// Epochs run by [`train`] (a [`Trainer`] runs as many as it is asked to).
    pub epochs: usize,
    /// Fit the user and item biases b_u, b_i.
    pub biases: bool,
    /// Seed of the initial factors and of SGD's shuffling.
    pub seed: u64,
}

impl Default for FactorizeConfig {
    /// ALS, rank 10, λ 0.1, learning rate 0.005, 20 epochs, no biases, seed 0.
    fn default() -> Self {
        Self {
            method: Method::Als,
            rank: 10,
            lambda: 0.1,
            learning_rate: 0.005,
            epochs: 20,
            biases: false,
            seed: 0,
        }
    }
}

impl FactorizeConfig {
    /// Checks every parameter.
    ///
    /// # Errors
    /// [`FactorizeError::InvalidParameter`] naming the first bad one.
    pub fn validate(&self) -> Result<(), FactorizeError> {
        if !(1..=MAX_RANK).contains(&self.rank) {
            return Err(invalid("rank", self.rank, "must be between 1 and 1000"));
        }
        if !(self.lambda.is_finite() && self.lambda >= 0.0) {
            return Err(invalid("lambda", self.lambda, "must be a number ≥ 0"));
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(invalid(
                "learning-rate",
                self.learning_rate,
                "must be a number > 0",
            ));
        }
        if !(1..=MAX_EPOCHS).contains(&self.epochs) {
            return Err(invalid(
                "epochs",
                self.epochs,
                "must be between 1 and 100000",
            ));
        }
        Ok(())
    }
}

fn invalid(name: &'static str, value: impl Typed, reason: &'static str) -> FactorizeError {
    FactorizeError::InvalidParameter {
        name,
        value: value.typed(),
        reason,
    }
}

/// A parameter's value as the user would have typed it (`1e300`, not 301 digits).
trait Typed {
    fn typed(self) -> String;
}

impl Typed for f64 {
    fn typed(self) -> String {
        super::fmt_typed(self)
    }
}

impl Typed for usize {
    fn typed(self) -> String {
        self.to_string()
    }
}

/// Why a factorization could not be set up or went wrong.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FactorizeError {
    /// A parameter is out of range. `name` is the command line's (`rank`, `lambda`, ...).
    #[error("{name} = {value}: {reason}")]
    InvalidParameter {
        name: &'static str,
        value: String,
        reason: &'static str,
    },

    /// Nothing to train on.
    #[error("no ratings to train on{detail}")]
    NoTrainingRatings {
        /// Why, e.g. `: the test set took all 3 ratings`.
        detail: String,
    },

    /// A rating names a user or an item that does not exist.
    #[error("{what} {index} does not exist (there are {count})")]
    OutOfRange {
        /// `user` or `item`.
        what: &'static str,
        index: u32,
        count: usize,
    },

    /// A rating is NaN or infinite.
    #[error("the rating {value} of item {item} is not a finite number")]
    NotFinite { item: u32, value: f64 },

    /// The loss became NaN, infinite, or exploded; the trainer keeps the model
    /// of the epoch before.
    #[error(
        "training diverged at epoch {epoch}: the loss rose to {loss:.4e} (from {initial:.4e} at the start); {hint}; the model of epoch {kept} is kept"
    )]
    Diverged {
        epoch: usize,
        loss: f64,
        initial: f64,
        /// The epoch whose model is kept (0: the initial model).
        kept: usize,
        /// What to change, e.g. `try a learning rate smaller than 0.05`.
        hint: String,
    },

    /// A least-squares system had no unique solution (only possible with λ = 0).
    #[error(
        "the least-squares system of {what} {index} is singular (with lambda = 0 it needs at least as many ratings as factors): use a positive lambda"
    )]
    Singular { what: &'static str, index: usize },
}

// ---------------------------------------------------------------- data

/// The ratings a factorization sees: the matrix's size, its rating scale, and
/// the training and test ratings (indices into the same users and items).
#[derive(Clone, Debug, PartialEq)]
pub struct TrainingSet {
    pub n_users: usize,
    pub n_items: usize,
    /// Predictions are clipped to this range when RMSEs are reported.
    pub scale: (f64, f64),
    pub train: Vec<Rating>,
    pub test: Vec<Rating>,
}

impl TrainingSet {
    /// Checks that every rating is finite and indexes an existing user and item,
    /// and that there is something to train on.
    ///
    /// # Errors
    /// [`OutOfRange`](FactorizeError::OutOfRange), [`NotFinite`](FactorizeError::NotFinite)
    /// or [`NoTrainingRatings`](FactorizeError::NoTrainingRatings).
    pub fn new(
        n_users: usize,
        n_items: usize,
        scale: (f64, f64),
        train: Vec<Rating>,
        test: Vec<Rating>,
    ) -> Result<Self, FactorizeError> {
        for r in train.iter().chain(&test) {
            if r.user as usize >= n_users {
                return Err(FactorizeError::OutOfRange {
                    what: "user",
                    index: r.user,
                    count: n_users,
                });
            }
            if r.item as usize >= n_items {
                return Err(FactorizeError::OutOfRange {
                    what: "item",
                    index: r.item,
                    count: n_items,
                });
            }
            if !r.value.is_finite() {
                return Err(FactorizeError::NotFinite {
                    item: r.item,
                    value: f64::from(r.value),
                });
            }
        }
        if train.is_empty() {
            return Err(FactorizeError::NoTrainingRatings {
                detail: String::new(),
            });
        }
        Ok(Self {
            n_users,
            n_items,
            scale,
            train,
            test,
        })
    }

    /// All of `ratings` for training, and `test` (already re-indexed into
    /// `ratings` by [`Ratings::align`]) for testing.
    ///
    /// # Errors
    /// As [`new`](Self::new).
    pub fn with_test(ratings: &Ratings, test: Vec<Rating>) -> Result<Self, FactorizeError> {
        Self::new(
            ratings.n_users(),
            ratings.n_items(),
            (f64::from(ratings.scale.0), f64::from(ratings.scale.1)),
            ratings.entries.clone(),
            test,
        )
    }

    /// `ratings` split at random (seeded) into training and test ratings, a
    /// share `test_fraction` of them (rounded) for testing; see [`split`].
    ///
    /// # Errors
    /// As [`split`] and [`new`](Self::new).
    pub fn split(ratings: &Ratings, test_fraction: f64, seed: u64) -> Result<Self, FactorizeError> {
        let (train, test) = split(&ratings.entries, test_fraction, seed)?;
        if train.is_empty() {
            return Err(FactorizeError::NoTrainingRatings {
                detail: format!(
                    ": a test fraction of {} takes all {} ratings",
                    super::fmt_typed(test_fraction),
                    ratings.len()
                ),
            });
        }
        Self::new(
            ratings.n_users(),
            ratings.n_items(),
            (f64::from(ratings.scale.0), f64::from(ratings.scale.1)),
            train,
            test,
        )
    }
}

/// Checks that 0 ≤ `test_fraction` < 1.
///
/// # Errors
/// [`InvalidParameter`](FactorizeError::InvalidParameter) `test-fraction`.
pub fn check_test_fraction(test_fraction: f64) -> Result<(), FactorizeError> {
    if test_fraction.is_finite() && (0.0..1.0).contains(&test_fraction) {
        Ok(())
    } else {
        Err(invalid(
            "test-fraction",
            test_fraction,
            "must be at least 0 and below 1",
        ))
    }
}

/// Splits `entries` into (train, test): round(`test_fraction` · n) ratings,
/// chosen by a seeded shuffle, go to test. Both keep the input order.
///
/// # Errors
/// [`InvalidParameter`](FactorizeError::InvalidParameter) `test-fraction` unless
/// 0 ≤ `test_fraction` < 1.
pub fn split(
    entries: &[Rating],
    test_fraction: f64,
    seed: u64,
) -> Result<(Vec<Rating>, Vec<Rating>), FactorizeError> {
    check_test_fraction(test_fraction)?;
    let n = entries.len();
    let n_test = ((test_fraction * n as f64).round() as usize).min(n);
    let mut order: Vec<usize> = (0..n).collect();
    fastrand::Rng::with_seed(seed).shuffle(&mut order);
    let mut is_test = vec![false; n];
    for &k in &order[..n_test] {
        is_test[k] = true;
    }
    let (test, train): (Vec<_>, Vec<_>) = entries
        .iter()
        .zip(&is_test)
        .partition(|&(_, &in_test)| in_test);
    Ok((
        train.into_iter().map(|(r, _)| *r).collect(),
        test.into_iter().map(|(r, _)| *r).collect(),
    ))
}

// ---------------------------------------------------------------- model

/// A fitted (or partly fitted) factorization. Cheap enough to clone once per
/// epoch for a history scrubber.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    rank: usize,
    biases: bool,
    mu: f64,
    scale: (f64, f64),
    user_bias: Vec<f64>,
    item_bias: Vec<f64>,
    /// P, users × rank, row-major: user u's factors are `p[u·k .. u·k + k]`.
    p: Vec<f64>,
    /// Q, items × rank, row-major.
    q: Vec<f64>,
}

/// One user's side of the model: factors p_u and bias b_u. From
/// [`Model::user`] for a trained user, or [`fold_in_user`] for a new or edited one.
#[derive(Clone, Debug, PartialEq)]
pub struct UserVector {
    pub factors: Vec<f64>,
    /// b_u (0 when the model has no biases).
    pub bias: f64,
}

impl Model {
    #[must_use]
    pub fn n_users(&self) -> usize {
        self.user_bias.len()
    }

    #[must_use]
    pub fn n_items(&self) -> usize {
        self.item_bias.len()
    }

    /// k, the number of factors.
    #[must_use]
    pub fn rank(&self) -> usize {
        self.rank
    }

    /// Whether b_u and b_i are fitted.
    #[must_use]
    pub fn has_biases(&self) -> bool {
        self.biases
    }

    /// μ, the mean training rating.
    #[must_use]
    pub fn mu(&self) -> f64 {
        self.mu
    }

    /// The rating scale predictions are clipped to by [`predict`](Self::predict).
    #[must_use]
    pub fn scale(&self) -> (f64, f64) {
        self.scale
    }

    /// b_u for every user.
    #[must_use]
    pub fn user_biases(&self) -> &[f64] {
        &self.user_bias
    }

    /// b_i for every item.
    #[must_use]
    pub fn item_biases(&self) -> &[f64] {
        &self.item_bias
    }

    /// p_u, user `u`'s factors.
    #[must_use]
    pub fn user_factors(&self, u: usize) -> &[f64] {
        &self.p[u * self.rank..(u + 1) * self.rank]
    }

    /// q_i, item `i`'s factors.
    #[must_use]
    pub fn item_factors(&self, i: usize) -> &[f64] {
        &self.q[i * self.rank..(i + 1) * self.rank]
    }

    /// P, users × k, as a view (no copy).
    #[must_use]
    pub fn p(&self) -> DMatrixView<'_, f64, Dyn, Dyn> {
        DMatrixView::from_slice_with_strides(&self.p, self.n_users(), self.rank, self.rank, 1)
    }

    /// Q, items × k, as a view (no copy).
    #[must_use]
    pub fn q(&self) -> DMatrixView<'_, f64, Dyn, Dyn> {
        DMatrixView::from_slice_with_strides(&self.q, self.n_items(), self.rank, self.rank, 1)
    }

    /// User `u`'s factors and bias.
    #[must_use]
    pub fn user(&self, u: usize) -> UserVector {
        UserVector {
            factors: self.user_factors(u).to_vec(),
            bias: self.user_bias[u],
        }
    }

    /// r̂_ui = μ + b_u + b_i + p_u · q_i, unclipped.
    #[must_use]
    pub fn predict_raw(&self, u: usize, i: usize) -> f64 {
        self.mu
            + self.user_bias[u]
            + self.item_bias[i]
            + dot(self.user_factors(u), self.item_factors(i))
    }

    /// r̂_ui clipped to the rating scale: what a user is shown and what RMSEs use.
    #[must_use]
    pub fn predict(&self, u: usize, i: usize) -> f64 {
        self.clip(self.predict_raw(u, i))
    }

    /// r̂ for a user given by its vector (a folded-in user, say) and item `i`, unclipped.
    #[must_use]
    pub fn predict_for(&self, user: &UserVector, i: usize) -> f64 {
        self.mu + user.bias + self.item_bias[i] + dot(&user.factors, self.item_factors(i))
    }

    /// `x` clipped to the rating scale.
    #[must_use]
    pub fn clip(&self, x: f64) -> f64 {
        x.clamp(self.scale.0, self.scale.1)
    }

    /// The root mean squared error of the clipped predictions on `ratings`;
    /// `None` when there are none.
    #[must_use]
    pub fn rmse(&self, ratings: &[Rating]) -> Option<f64> {
        if ratings.is_empty() {
            return None;
        }
        let sse: f64 = ratings
            .iter()
            .map(|r| {
                let e = f64::from(r.value) - self.predict(r.user as usize, r.item as usize);
                e * e
            })
            .sum();
        Some((sse / ratings.len() as f64).sqrt())
    }

    /// The full users × items matrix of clipped predictions (for small data).
    #[must_use]
    pub fn predictions(&self) -> DMatrix<f64> {
        DMatrix::from_fn(self.n_users(), self.n_items(), |u, i| self.predict(u, i))
    }

    /// Copies `other` into `self`, reusing the allocations.
    fn copy_from(&mut self, other: &Self) {
        self.rank = other.rank;
        self.biases = other.biases;
        self.mu = other.mu;
        self.scale = other.scale;
        self.user_bias.clone_from(&other.user_bias);
        self.item_bias.clone_from(&other.item_bias);
        self.p.clone_from(&other.p);
        self.q.clone_from(&other.q);
    }
}

/// Σ a_f b_f, with four running sums so the compiler can vectorize it.
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let (a4, a_rest) = a.as_chunks::<4>();
    let (b4, b_rest) = b.as_chunks::<4>();
    let mut acc = [0.0f64; 4];
    for (x, y) in a4.iter().zip(b4) {
        for f in 0..4 {
            acc[f] += x[f] * y[f];
        }
    }
    let tail: f64 = a_rest.iter().zip(b_rest).map(|(x, y)| x * y).sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// Fills `out` with standard normal draws by Box–Muller: each pair of uniforms
/// gives two, √(−2 ln u₁) · cos(2π u₂) and √(−2 ln u₁) · sin(2π u₂).
fn fill_normal(rng: &mut fastrand::Rng, out: &mut [f64]) {
    for pair in out.chunks_mut(2) {
        let u1 = 1.0 - rng.f64(); // in (0, 1], so ln is finite
        let u2 = rng.f64();
        let radius = (-2.0 * u1.ln()).sqrt();
        let (sin, cos) = (std::f64::consts::TAU * u2).sin_cos();
        pair[0] = radius * cos;
        if let Some(second) = pair.get_mut(1) {
            *second = radius * sin;
        }
    }
}

// ---------------------------------------------------------------- training

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
    /// Seconds the epoch took, statistics included.
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

/// Compressed rows: row r's entries are `col[start[r]..start[r + 1]]` with
/// values `value[..]`, in the order of the training ratings.
#[derive(Debug, Default)]
struct Csr {
    start: Vec<usize>,
    col: Vec<u32>,
    value: Vec<f64>,
}

impl Csr {
    fn new(n_rows: usize, entries: &[Rating], by_item: bool) -> Self {
        let key = |r: &Rating| {
            if by_item {
                (r.item, r.user)
            } else {
                (r.user, r.item)
            }
        };
        let mut start = vec![0usize; n_rows + 1];
        for r in entries {
            start[key(r).0 as usize + 1] += 1;
        }
        for j in 0..n_rows {
            start[j + 1] += start[j];
        }
        let mut next = start.clone();
        let mut col = vec![0u32; entries.len()];
        let mut value = vec![0f64; entries.len()];
        for r in entries {
            let (row, c) = key(r);
            let k = next[row as usize];
            col[k] = c;
            value[k] = f64::from(r.value);
            next[row as usize] += 1;
        }
        Self { start, col, value }
    }

    fn row(&self, r: usize) -> (&[u32], &[f64]) {
        let range = self.start[r]..self.start[r + 1];
        (&self.col[range.clone()], &self.value[range])
    }

    fn len(&self, r: usize) -> usize {
        self.start[r + 1] - self.start[r]
    }
}

/// Trains a factorization one epoch at a time, so a GUI can run it off the UI
/// thread, show progress and keep a snapshot ([`model`](Self::model)`.clone()`)
/// per epoch. It owns its data and is `Send`.
#[derive(Debug)]
pub struct Trainer {
    config: FactorizeConfig,
    data: TrainingSet,
    by_user: Csr,
    by_item: Csr,
    /// SGD's working state (`None` for ALS).
    sgd: Option<SgdState>,
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
    /// Scratch space for ALS's least-squares rows.
    scratch: Scratch,
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
        let by_user = Csr::new(data.n_users, &data.train, false);
        let by_item = Csr::new(data.n_items, &data.train, true);
        let k = config.rank;
        let mu =
            data.train.iter().map(|r| f64::from(r.value)).sum::<f64>() / data.train.len() as f64;
        let mut rng = fastrand::Rng::with_seed(config.seed);
        // Factors ~ N(0, INIT_STD²) for rows with training ratings, 0 for the others
        // (so that an unknown user or item predicts from what is known).
        let mut init = |csr: &Csr, n: usize| -> Vec<f64> {
            let mut m = vec![0.0; n * k];
            for r in 0..n {
                if csr.len(r) > 0 {
                    let row = &mut m[r * k..(r + 1) * k];
                    fill_normal(&mut rng, row);
                    for x in row {
                        *x *= INIT_STD;
                    }
                }
            }
            m
        };
        let p = init(&by_user, data.n_users);
        let q = init(&by_item, data.n_items);
        let model = Model {
            rank: k,
            biases: config.biases,
            mu,
            scale: data.scale,
            user_bias: vec![0.0; data.n_users],
            item_bias: vec![0.0; data.n_items],
            p,
            q,
        };
        let mut model = model;
        let sgd = (config.method == Method::Sgd).then(|| SgdState::new(&mut model, &data.train));
        let mut test_by_user = data.test.clone();
        test_by_user.sort_by_key(|r| (r.user, r.item));
        let mut trainer = Self {
            last_good: model.clone(),
            model,
            config,
            data,
            by_user,
            by_item,
            sgd,
            test_by_user,
            rng,
            initial: EpochStats::unmeasured(),
            history: Vec::new(),
            stopped: None,
            scratch: Scratch::default(),
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
        let stepped = match self.config.method {
            Method::Als => self.als_epoch(),
            Method::Sgd => {
                self.sgd_epoch();
                Ok(())
            }
        };
        let stats = stepped.map(|()| self.stats(epoch, started));
        let failure = match stats {
            Ok(s) if s.loss.is_finite() && s.loss <= EXPLODE_FACTOR * self.initial.loss => {
                self.history.push(s);
                return Ok(s);
            }
            Ok(s) => FactorizeError::Diverged {
                epoch,
                loss: s.loss,
                initial: self.initial.loss,
                kept: epoch - 1,
                hint: match self.config.method {
                    Method::Sgd => format!(
                        "try a learning rate smaller than {}",
                        super::fmt_typed(self.config.learning_rate)
                    ),
                    Method::Als => format!(
                        "try a lambda larger than {}",
                        super::fmt_typed(self.config.lambda)
                    ),
                },
            },
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

    #[must_use]
    pub fn data(&self) -> &TrainingSet {
        &self.data
    }

    /// Consumes the trainer, returning the model and the history.
    #[must_use]
    pub fn into_parts(self) -> (Model, Vec<EpochStats>) {
        (self.model, self.history)
    }

    /// Statistics of the current model after `epoch`, timed from `started`.
    fn stats(&self, epoch: usize, started: Instant) -> EpochStats {
        let (train_rmse, test_rmse, loss) = match &self.sgd {
            // SGD's f32 working copy holds the same numbers as the model, and
            // reading it is twice as fast.
            Some(state) => self.stats_of(&Params {
                k: self.model.rank,
                mu: f64::from(state.mu),
                user_bias: &state.user_bias,
                item_bias: &state.item_bias,
                p: &state.p,
                q: &state.q,
            }),
            None => self.stats_of(&Params {
                k: self.model.rank,
                mu: self.model.mu,
                user_bias: &self.model.user_bias,
                item_bias: &self.model.item_bias,
                p: &self.model.p,
                q: &self.model.q,
            }),
        };
        EpochStats {
            epoch,
            train_rmse,
            test_rmse,
            loss,
            seconds: started.elapsed().as_secs_f64(),
        }
    }

    /// (train RMSE, test RMSE, loss) of `m`.
    fn stats_of<T: Real>(&self, m: &Params<'_, T>) -> (f64, Option<f64>, f64) {
        let clip = |x: f64| x.clamp(self.model.scale.0, self.model.scale.1);
        let (mut sse_raw, mut sse_clipped) = (0.0, 0.0);
        // User by user, so that p_u stays in cache.
        for u in 0..self.by_user.start.len() - 1 {
            let (items, values) = self.by_user.row(u);
            for (&i, &y) in items.iter().zip(values) {
                let raw = m.predict_raw(u, i as usize);
                sse_raw += (y - raw) * (y - raw);
                sse_clipped += (y - clip(raw)) * (y - clip(raw));
            }
        }
        let n_train = self.data.train.len() as f64;
        let test_rmse = (!self.test_by_user.is_empty()).then(|| {
            let sse: f64 = self
                .test_by_user
                .iter()
                .map(|r| {
                    let e =
                        f64::from(r.value) - clip(m.predict_raw(r.user as usize, r.item as usize));
                    e * e
                })
                .sum();
            (sse / self.test_by_user.len() as f64).sqrt()
        });
        // λ Σ_u n_u (‖p_u‖² + b_u²) + λ Σ_i n_i (‖q_i‖² + b_i²)
        let k = m.k;
        let penalty = |csr: &Csr, factors: &[T], bias: &[T]| -> f64 {
            bias.iter()
                .enumerate()
                .map(|(r, &b)| {
                    let f = &factors[r * k..(r + 1) * k];
                    let b: f64 = b.into();
                    csr.len(r) as f64 * (T::dot(f, f).into() + b * b)
                })
                .sum()
        };
        let reg =
            penalty(&self.by_user, m.p, m.user_bias) + penalty(&self.by_item, m.q, m.item_bias);
        (
            (sse_clipped / n_train).sqrt(),
            test_rmse,
            sse_raw + self.config.lambda * reg,
        )
    }

    /// One SGD pass over the training ratings in a fresh shuffled order.
    fn sgd_epoch(&mut self) {
        let Some(state) = &mut self.sgd else {
            return;
        };
        state.epoch(
            &mut self.rng,
            self.config.rank,
            self.config.learning_rate as f32,
            self.config.lambda as f32,
            self.config.biases,
        );
        state.write_to(&mut self.model);
    }

    /// One ALS epoch: every item with P fixed, then every user with Q fixed.
    fn als_epoch(&mut self) -> Result<(), FactorizeError> {
        let (lambda, biases) = (self.config.lambda, self.config.biases);
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
        als_half_step(
            &self.by_item,
            (&mut q[..], &mut item_bias[..]),
            (&p[..], &user_bias[..]),
            k,
            mu,
            lambda,
            biases,
            "item",
            &mut self.scratch,
        )?;
        als_half_step(
            &self.by_user,
            (&mut p[..], &mut user_bias[..]),
            (&q[..], &item_bias[..]),
            k,
            mu,
            lambda,
            biases,
            "user",
            &mut self.scratch,
        )
    }
}

/// SGD's working copy of the model, in f32: half the memory traffic and twice
/// the SIMD lanes of f64, with ample precision for steps of size γ·e ≈ 10⁻³.
/// The f64 [`Model`] is refreshed from it after every epoch (exactly: f32 → f64
/// is lossless), so statistics and snapshots see the same numbers.
#[derive(Debug)]
struct SgdState {
    mu: f32,
    user_bias: Vec<f32>,
    item_bias: Vec<f32>,
    p: Vec<f32>,
    q: Vec<f32>,
    /// The visiting order, reshuffled every epoch.
    order: Vec<Rating>,
}

impl SgdState {
    /// The working copy of `model`, which is rounded to f32 precision so the two agree.
    fn new(model: &mut Model, train: &[Rating]) -> Self {
        let narrow = |v: &mut Vec<f64>| -> Vec<f32> {
            let out: Vec<f32> = v.iter().map(|&x| x as f32).collect();
            for (x, &y) in v.iter_mut().zip(&out) {
                *x = f64::from(y);
            }
            out
        };
        let mu = model.mu as f32;
        model.mu = f64::from(mu);
        Self {
            mu,
            user_bias: narrow(&mut model.user_bias),
            item_bias: narrow(&mut model.item_bias),
            p: narrow(&mut model.p),
            q: narrow(&mut model.q),
            order: train.to_vec(),
        }
    }

    /// One pass: for each rating, e = r − r̂, then
    /// b_u += γ (e − λ b_u), b_i += γ (e − λ b_i),
    /// p_u += γ (e q_i − λ p_u), q_i += γ (e p_u − λ q_i) (old values on the right).
    fn epoch(&mut self, rng: &mut fastrand::Rng, k: usize, lr: f32, reg: f32, biases: bool) {
        rng.shuffle(&mut self.order);
        let Self {
            mu,
            user_bias,
            item_bias,
            p,
            q,
            order,
        } = self;
        for r in order.iter() {
            let (u, i) = (r.user as usize, r.item as usize);
            let pu = &mut p[u * k..(u + 1) * k];
            let qi = &mut q[i * k..(i + 1) * k];
            let err = r.value - (*mu + user_bias[u] + item_bias[i] + dot32(pu, qi));
            if biases {
                user_bias[u] += lr * (err - reg * user_bias[u]);
                item_bias[i] += lr * (err - reg * item_bias[i]);
            }
            // p + γ (e q − λ p) = (1 − γλ) p + γe q: the same step in fewer operations.
            let (shrink, step) = (1.0 - lr * reg, lr * err);
            for (pf, qf) in pu.iter_mut().zip(qi.iter_mut()) {
                let (a, b) = (*pf, *qf);
                *pf = shrink * a + step * b;
                *qf = shrink * b + step * a;
            }
        }
    }

    /// Copies the working state into `model`.
    fn write_to(&self, model: &mut Model) {
        let widen = |dst: &mut [f64], src: &[f32]| {
            for (d, &s) in dst.iter_mut().zip(src) {
                *d = f64::from(s);
            }
        };
        widen(&mut model.user_bias, &self.user_bias);
        widen(&mut model.item_bias, &self.item_bias);
        widen(&mut model.p, &self.p);
        widen(&mut model.q, &self.q);
    }
}

/// f32 or f64, for code that reads either the model or SGD's working copy.
trait Real: Copy + Into<f64> {
    /// Σ a_f b_f.
    fn dot(a: &[Self], b: &[Self]) -> Self;
}

impl Real for f32 {
    fn dot(a: &[Self], b: &[Self]) -> Self {
        dot32(a, b)
    }
}

impl Real for f64 {
    fn dot(a: &[Self], b: &[Self]) -> Self {
        dot(a, b)
    }
}

/// A model's parameters, borrowed: the [`Model`]'s (f64) or SGD's working copy (f32).
struct Params<'a, T> {
    k: usize,
    mu: f64,
    user_bias: &'a [T],
    item_bias: &'a [T],
    p: &'a [T],
    q: &'a [T],
}

impl<T: Real> Params<'_, T> {
    /// r̂_ui = μ + b_u + b_i + p_u · q_i, unclipped, summed in f64.
    fn predict_raw(&self, u: usize, i: usize) -> f64 {
        let k = self.k;
        let d = T::dot(&self.p[u * k..(u + 1) * k], &self.q[i * k..(i + 1) * k]);
        self.mu + self.user_bias[u].into() + self.item_bias[i].into() + d.into()
    }
}

/// Σ a_f b_f in f32, with eight running sums so the compiler can vectorize it.
fn dot32(a: &[f32], b: &[f32]) -> f32 {
    let (a8, a_rest) = a.as_chunks::<8>();
    let (b8, b_rest) = b.as_chunks::<8>();
    // Two groups of four lanes, summed lane-wise and then (0 + 1) + (2 + 3):
    // a shape LLVM's SLP vectorizer turns into full 4-wide SSE operations
    // (other orders of the final sum give it 2-wide ones).
    let (mut lo, mut hi) = ([0.0f32; 4], [0.0f32; 4]);
    for (x, y) in a8.iter().zip(b8) {
        for f in 0..4 {
            lo[f] += x[f] * y[f];
            hi[f] += x[f + 4] * y[f + 4];
        }
    }
    let tail: f32 = a_rest.iter().zip(b_rest).map(|(x, y)| x * y).sum();
    let h: [f32; 4] = std::array::from_fn(|f| lo[f] + hi[f]);
    (h[0] + h[1]) + (h[2] + h[3]) + tail
}

/// Solves every row of `rows` (items or users) with the other side fixed,
/// writing factors and bias into `solved`.
#[expect(
    clippy::too_many_arguments,
    reason = "the two sides of one ALS half-step, passed apart to borrow them separately"
)]
fn als_half_step(
    rows: &Csr,
    solved: (&mut [f64], &mut [f64]),
    fixed: (&[f64], &[f64]),
    k: usize,
    mu: f64,
    lambda: f64,
    biases: bool,
    what: &'static str,
    scratch: &mut Scratch,
) -> Result<(), FactorizeError> {
    let (factors, bias) = solved;
    let (other_factors, other_bias) = fixed;
    for r in 0..bias.len() {
        let (cols, values) = rows.row(r);
        let targets = cols.iter().zip(values).map(|(&c, &v)| {
            let c = c as usize;
            (&other_factors[c * k..(c + 1) * k], v - mu - other_bias[c])
        });
        let w = solve_row(k, biases, lambda, targets, scratch)
            .ok_or(FactorizeError::Singular { what, index: r })?;
        factors[r * k..(r + 1) * k].copy_from_slice(&w.as_slice()[..k]);
        bias[r] = if biases { w[k] } else { 0.0 };
    }
    Ok(())
}

/// Reused buffers for [`solve_row`].
#[derive(Debug, Default)]
struct Scratch {
    x: Vec<f64>,
    y: Vec<f64>,
}

/// The regularized least squares of one row:
///
/// ```text
/// w = argmin Σ_j (y_j − x_j · w)² + λ n ‖w‖²   ⇔   (Xᵀ X + λ n I) w = Xᵀ y
/// ```
///
/// with x_j = the fixed side's factors, followed by a 1 when `biases` (so that
/// w's last entry is the bias), and n the number of rows. Solved by Cholesky of
/// the d × d system — or, when there are fewer rows than unknowns (n < d) and
/// λ > 0, of the smaller n × n one with the same solution,
/// w = Xᵀ (X Xᵀ + λ n I)⁻¹ y (the push-through identity). `None` if the system
/// is singular (possible only with λ = 0). No rows: w = 0.
fn solve_row<'a>(
    k: usize,
    biases: bool,
    lambda: f64,
    rows: impl Iterator<Item = (&'a [f64], f64)>,
    scratch: &mut Scratch,
) -> Option<DVector<f64>> {
    let d = k + usize::from(biases);
    let Scratch { x, y } = scratch;
    x.clear();
    y.clear();
    for (factors, target) in rows {
        x.extend_from_slice(factors);
        if biases {
            x.push(1.0);
        }
        y.push(target);
    }
    let n = y.len();
    if n == 0 {
        return Some(DVector::zeros(d));
    }
    // X is n × d row-major; the same buffer read column-major is Xᵀ (whose
    // columns, the rows x_j, are contiguous).
    let xt = DMatrixView::from_slice_with_strides(x, d, n, 1, d);
    let xm = DMatrixView::from_slice_with_strides(x, n, d, d, 1);
    let ridge = lambda * n as f64;
    let y = DVector::from_column_slice(y);
    let w = if n < d && ridge > 0.0 {
        // (X Xᵀ + λ n I) α = y, then w = Xᵀ α. The left factor of a gemm must
        // have contiguous columns: nalgebra 0.35's small-matrix gemm path reads
        // past a row-strided view's data (its `axcpy` takes the slice length for
        // the vector length), so X is copied column-major here.
        let x_cols = DMatrix::from_row_slice(n, d, x);
        let mut g = DMatrix::zeros(n, n);
        g.gemm(1.0, &x_cols, &xt, 0.0);
        for j in 0..n {
            g[(j, j)] += ridge;
        }
        let mut alpha = y;
        Cholesky::new(g)?.solve_mut(&mut alpha);
        let mut w = DVector::zeros(d);
        w.gemv(1.0, &xt, &alpha, 0.0);
        w
    } else {
        let mut a = DMatrix::zeros(d, d);
        a.gemm(1.0, &xt, &xm, 0.0);
        for f in 0..d {
            a[(f, f)] += ridge;
        }
        let mut w = DVector::zeros(d);
        w.gemv(1.0, &xt, &y, 0.0);
        Cholesky::new(a)?.solve_mut(&mut w);
        w
    };
    w.iter().all(|v| v.is_finite()).then_some(w)
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

// ---------------------------------------------------------------- using a model

/// Folds in one user: their factors (and bias) solved by regularized least
/// squares with the item side fixed — exactly one ALS user step — from
/// `ratings` as `(item, value)`. Instant for a what-if: edit a rating, fold in,
/// see the predictions move. No ratings: the zero vector (predictions μ + b_i).
///
/// # Errors
/// [`OutOfRange`](FactorizeError::OutOfRange) for an unknown item,
/// [`NotFinite`](FactorizeError::NotFinite) for a NaN rating,
/// [`InvalidParameter`](FactorizeError::InvalidParameter) for a bad `lambda`, or
/// [`Singular`](FactorizeError::Singular) (λ = 0 with too few ratings).
pub fn fold_in_user(
    model: &Model,
    ratings: &[(u32, f64)],
    lambda: f64,
) -> Result<UserVector, FactorizeError> {
    if !(lambda.is_finite() && lambda >= 0.0) {
        return Err(invalid("lambda", lambda, "must be a number ≥ 0"));
    }
    for &(item, value) in ratings {
        if item as usize >= model.n_items() {
            return Err(FactorizeError::OutOfRange {
                what: "item",
                index: item,
                count: model.n_items(),
            });
        }
        if !value.is_finite() {
            return Err(FactorizeError::NotFinite { item, value });
        }
    }
    let k = model.rank;
    let rows = ratings.iter().map(|&(i, v)| {
        let i = i as usize;
        (model.item_factors(i), v - model.mu - model.item_bias[i])
    });
    let w = solve_row(k, model.biases, lambda, rows, &mut Scratch::default()).ok_or(
        FactorizeError::Singular {
            what: "the folded-in user",
            index: 0,
        },
    )?;
    Ok(UserVector {
        factors: w.as_slice()[..k].to_vec(),
        bias: if model.biases { w[k] } else { 0.0 },
    })
}

/// An item and its score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scored {
    pub item: u32,
    pub score: f64,
}

/// Sorts best first; ties by item index, so the order is always the same.
fn best_first(scored: &mut [Scored]) {
    scored.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.item.cmp(&b.item)));
}

/// The `n` items `user` has not rated (not in `rated`) with the highest
/// predicted rating r̂ (unclipped, so that items past the top of the scale still
/// rank; [`Model::clip`] it for display).
#[must_use]
pub fn recommend(model: &Model, user: &UserVector, rated: &[u32], n: usize) -> Vec<Scored> {
    let rated: HashSet<u32> = rated.iter().copied().collect();
    let mut scored: Vec<Scored> = (0..model.n_items())
        .filter(|&i| !rated.contains(&(i as u32)))
        .map(|i| Scored {
            item: i as u32,
            score: model.predict_for(user, i),
        })
        .collect();
    best_first(&mut scored);
    scored.truncate(n);
    scored
}

/// How two items' factor vectors are compared.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Similarity {
    /// q_i · q_j / (‖q_i‖ ‖q_j‖), in −1..=1 (0 when either vector is zero).
    #[default]
    Cosine,
    /// q_i · q_j: also grows with how strongly each item is placed.
    Dot,
}

/// The `n` items most similar to `item`, best first, `item` itself left out.
///
/// # Panics
/// If `item` is not an item of `model`.
#[must_use]
pub fn similar_items(model: &Model, item: u32, n: usize, metric: Similarity) -> Vec<Scored> {
    let qi = model.item_factors(item as usize);
    let norm_i = dot(qi, qi).sqrt();
    let mut scored: Vec<Scored> = (0..model.n_items())
        .filter(|&j| j != item as usize)
        .map(|j| {
            let qj = model.item_factors(j);
            let d = dot(qi, qj);
            let score = match metric {
                Similarity::Dot => d,
                Similarity::Cosine => {
                    let norms = norm_i * dot(qj, qj).sqrt();
                    if norms > 0.0 { d / norms } else { 0.0 }
                }
            };
            Scored {
                item: j as u32,
                score,
            }
        })
        .collect();
    best_first(&mut scored);
    scored.truncate(n);
    scored
}
