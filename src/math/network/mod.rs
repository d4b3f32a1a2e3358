//! A small dense neural network, trained by backpropagation: the Transform
//! view's matrices alternated with a bend.
//!
//! Each layer maps its input x (a column of `in` numbers) to
//!
//! ```text
//! y = σ(W x + b)        W: out × in, b: out
//! ```
//!
//! with σ the layer's [`Activation`]: ReLU, leaky ReLU (slope 0.01 below 0),
//! tanh, the logistic sigmoid or the identity for hidden layers; softmax for
//! the output layer of a classifier (one unit per class; loss: the mean
//! cross-entropy −(1/B) Σ log p_{y}) and the identity for a regression (one
//! unit; loss: half the mean squared error (1/2B) Σ (ŷ − y)², as
//! scikit-learn's). With zero hidden layers the network is multinomial
//! logistic regression, or linear regression.
//!
//! Inputs: the chosen columns, then for two columns x, y optionally x², y²,
//! x·y, sin x and sin y ([`Extras`]); every feature is then standardized
//! (z = (v − mean) / std, mean and population std of the training rows; a
//! constant feature keeps std 1) unless switched off.
//!
//! The objective minimized is the data loss of a mini-batch plus
//! λ₂/2 Σ w² + λ₁ Σ |w| over the weights (not the biases); the reported
//! train and test losses are the data loss alone, over all rows of each set.
//! Optimizers: plain SGD θ ← θ − η g; momentum v ← 0.9 v − η g, θ ← θ + v;
//! Adam (β₁ 0.9, β₂ 0.999, ε 1e−8, bias-corrected as in scikit-learn).
//! Initialisation (seeded): He uniform ±√(6/in) before ReLU and leaky ReLU,
//! Glorot uniform ±√(6/(in + out)) otherwise; biases 0.
//!
//! Training's forward and backward passes run in f32 on a copy of the
//! weights refreshed after every step; the weights, the optimizer and the
//! gradient it is given are f64, and so are prediction and the statistics.
//!
//! Same seed, same numbers: the train/test split, the initial weights and
//! each epoch's shuffle come from one seeded generator, and sums run in a
//! fixed order; the only second thread measures an epoch's statistics (a
//! function of its weights alone) while the next one trains.
//!
//! How a view uses it — train in bounded slices, watch the plane flow:
//!
//! ```
//! use eigenlens::data::load_builtin;
//! use eigenlens::math::network::{NetConfig, Problem, Trainer, grid_points};
//!
//! let ds = load_builtin("circles")?;
//! let problem = Problem::from_dataset(&ds, &["x", "y"], "class", false)?;
//! let config = NetConfig { hidden: vec![4, 2], epochs: 30, ..NetConfig::default() };
//! let mut trainer = Trainer::new(config, &problem)?;
//! while !trainer.is_finished() {
//!     trainer.epochs(10)?; // a slice per frame, or all of it on a worker
//! }
//! let net = trainer.network();
//! // The decision heatmap: P(class 1) on a 32 × 32 grid over the plane.
//! let points = grid_points((-6.0, 6.0), (-6.0, 6.0), 32, 32);
//! let p = net.predict(&points)?;
//! assert_eq!(p.len(), 32 * 32 * 2);
//! // Layer flow: each layer's W x, W x + b and σ(W x + b) for the points.
//! let trace = net.trace(&problem.x)?;
//! assert_eq!(trace.layers.len(), 3);
//! assert_eq!(trace.layers[1].post.ncols(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod activation;
mod backprop;
mod config;
mod features;
mod kernels;
mod model;
mod optimizer;
mod problem;
mod real;
mod stats;
mod train;
mod weights;

pub use activation::{Activation, HIDDEN_ACTIVATIONS};
pub use backprop::{Gradient, loss_and_gradient};
pub use config::{NetConfig, Optimizer};
pub use features::{Extras, Feature, Standardize};
pub use model::{Layer, LayerTrace, Network, Trace, grid_points};
pub use problem::{Problem, Split, Target};
pub use train::{EpochStats, Trainer};
pub use weights::WeightsError;

/// Most hidden layers.
pub const MAX_HIDDEN_LAYERS: usize = 6;

/// Most units in a hidden layer.
pub const MAX_UNITS: usize = 16;

/// Most epochs in one run.
pub const MAX_EPOCHS: usize = 1_000_000;

/// The slope of leaky ReLU below 0.
pub const LEAKY_SLOPE: f64 = 0.01;

/// Training stops as diverged when the training loss passes this many times
/// its value at the start (or at 1, if that is larger).
pub const EXPLODE_FACTOR: f64 = 100.0;

/// Why a network could not be set up or trained.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum NetError {
    /// A parameter is out of range. `name` is the command line's
    /// (`layers`, `learning-rate`, `batch`, ...).
    #[error("{name} = {value}: {reason}")]
    InvalidParameter {
        name: &'static str,
        value: String,
        reason: String,
    },

    /// A column named as a feature or label is not in the table, or is
    /// of the wrong kind. `what` says which parameter named it.
    #[error("{what}: {message}")]
    Column { what: &'static str, message: String },

    /// Too few usable rows (or classes) to train on.
    #[error("{0}")]
    NotEnoughData(String),

    /// Points given to a trained network do not have its input width.
    #[error(
        "expected points of {expected} coordinates (the network's inputs), got {found} numbers"
    )]
    InputWidth { expected: usize, found: usize },

    /// The loss became NaN, infinite or exploded; the weights of the epoch
    /// before are kept.
    #[error(
        "training diverged at epoch {epoch}: the training loss rose to {loss:.4e} (from {initial:.4e} at the start); try a learning rate smaller than {rate}; the weights of epoch {kept} are kept"
    )]
    Diverged {
        epoch: usize,
        loss: f64,
        initial: f64,
        /// The learning rate used, as typed.
        rate: String,
        /// The epoch whose weights are kept (0: the initial weights).
        kept: usize,
    },

    /// Training was cancelled; the weights of the last whole epoch are kept.
    #[error("training cancelled after epoch {0}")]
    Cancelled(usize),
}

pub(crate) fn invalid(name: &'static str, value: String, reason: impl Into<String>) -> NetError {
    NetError::InvalidParameter {
        name,
        value,
        reason: reason.into(),
    }
}
