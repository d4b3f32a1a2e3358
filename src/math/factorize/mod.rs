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
//!   (Cholesky); then the same for users with Q fixed. L never rises. With
//!   [`Solver::Cg`] each row instead takes [`CG_STEPS`] steps of conjugate
//!   gradient from its current factors: each lowers the row's objective, so L
//!   still never rises, and the fit ends where the exact one does.
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
//! Same seed, same numbers: all randomness comes from one seeded generator,
//! and what runs in parallel (ALS's rows, SGD's statistics beside the next
//! epoch) sums the same numbers in the same order on any number of threads.
//!
//! How a view uses it — train epoch by epoch (on a worker thread: a [`Trainer`]
//! is `Send`), keep a snapshot per epoch for a history scrubber, fold in an
//! edited user and list what to watch next:
//!
//! ```
//! use eigenlens::data::load_builtin_ratings;
//! use eigenlens::math::factorize::{
//!     FactorizeConfig, Metric, Trainer, TrainingSet, fold_in_user, recommend,
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
//! let top = recommend(trainer.model(), &me, &[toy_story, die_hard], 5, Metric::Dot);
//! assert_eq!(top.len(), 5);
//! println!("watch next: {}", ratings.item_name(top[0].item));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod als;
mod cg;
mod config;
mod items;
mod model;
mod rank;
mod sgd;
mod split;
mod train;

pub use als::fold_in_user;
pub use config::{FactorizeConfig, Method, Solver};
pub use items::item_embeddings;
pub use model::{Model, UserVector};
pub use rank::{Scored, cosine, norm, recommend, similar_items};
pub use split::{TrainingSet, check_test_fraction, split};
pub use train::{EpochStats, Fit, Trainer, train};

/// How rankings measure closeness: the crate's one metric (cosine, Euclidean, dot).
pub use crate::math::similarity::Metric;

/// The share of ratings held out for the test RMSE when none is given
/// (the command line's `--test-fraction`, the view's and scenes' default).
pub const DEFAULT_TEST_FRACTION: f64 = 0.2;

/// Standard deviation of the initial factors (scikit-surprise's `init_std_dev`).
pub const INIT_STD: f64 = 0.1;

/// Conjugate-gradient steps per row and half-step of ALS with [`Solver::Cg`].
pub const CG_STEPS: usize = 3;

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

pub(crate) fn invalid(
    name: &'static str,
    value: impl Typed,
    reason: &'static str,
) -> FactorizeError {
    FactorizeError::InvalidParameter {
        name,
        value: value.typed(),
        reason,
    }
}

/// A parameter's value as the user would have typed it (`1e300`, not 301 digits).
pub(crate) trait Typed {
    fn typed(self) -> String;
}

impl Typed for f64 {
    fn typed(self) -> String {
        crate::math::fmt_typed(self)
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
