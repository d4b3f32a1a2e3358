//! What decides a fit: the architecture, the optimizer and its parameters.

use std::fmt;
use std::str::FromStr;

use super::activation::Activation;
use super::features::Extras;
use super::{MAX_EPOCHS, MAX_HIDDEN_LAYERS, MAX_UNITS, NetError, invalid};

/// How the weights move each mini-batch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Optimizer {
    /// θ ← θ − η g.
    Sgd,
    /// v ← 0.9 v − η g, θ ← θ + v.
    Momentum,
    /// Adam (Kingma & Ba 2015): β₁ 0.9, β₂ 0.999, ε 1e−8.
    #[default]
    Adam,
}

impl Optimizer {
    /// `"sgd"`, `"momentum"` or `"adam"`, as on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Sgd => "sgd",
            Self::Momentum => "momentum",
            Self::Adam => "adam",
        }
    }
}

impl fmt::Display for Optimizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Optimizer {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sgd" => Ok(Self::Sgd),
            "momentum" => Ok(Self::Momentum),
            "adam" => Ok(Self::Adam),
            other => Err(format!(
                "unknown optimizer {other:?}: expected sgd, momentum or adam"
            )),
        }
    }
}

/// Everything that decides a fit. Parameter names in errors are the command
/// line's: `layers`, `activation`, `learning-rate`, `batch`, `epochs`, `l1`,
/// `l2`, `test-fraction`.
#[derive(Clone, Debug, PartialEq)]
pub struct NetConfig {
    /// Units of each hidden layer, input side first (0 to 6 layers of 1 to 16).
    pub hidden: Vec<usize>,
    /// σ of every hidden layer.
    pub activation: Activation,
    pub optimizer: Optimizer,
    /// η, the step size.
    pub learning_rate: f64,
    /// Rows per mini-batch (a batch larger than the training set is the
    /// whole set: full-batch gradient descent).
    pub batch_size: usize,
    /// Epochs [`Trainer::run`](super::Trainer::run) trains for.
    pub epochs: usize,
    /// λ₁, the weight of Σ |w|.
    pub l1: f64,
    /// λ₂, the weight of ½ Σ w².
    pub l2: f64,
    /// Share of the rows held out as the test set, in [0, 1).
    pub test_fraction: f64,
    /// Seed of the split, the initial weights and the shuffles.
    pub seed: u64,
    /// Standardize every feature by the training rows' mean and std.
    pub standardize: bool,
    /// Features made from two input columns (x², y², x·y, sin x, sin y).
    pub extras: Extras,
}

impl Default for NetConfig {
    /// Two hidden layers of 8 tanh units, Adam at rate 0.01, batches of 32,
    /// 200 epochs, no regularization, 20% test, seed 0, standardized inputs.
    fn default() -> Self {
        Self {
            hidden: vec![8, 8],
            activation: Activation::Tanh,
            optimizer: Optimizer::Adam,
            learning_rate: 0.01,
            batch_size: 32,
            epochs: 200,
            l1: 0.0,
            l2: 0.0,
            test_fraction: 0.2,
            seed: 0,
            standardize: true,
            extras: Extras::default(),
        }
    }
}

impl NetConfig {
    /// Checks every parameter.
    ///
    /// # Errors
    /// [`NetError::InvalidParameter`] naming the first bad one.
    pub fn validate(&self) -> Result<(), NetError> {
        let layers = || {
            self.hidden
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",")
        };
        if self.hidden.len() > MAX_HIDDEN_LAYERS {
            return Err(invalid(
                "layers",
                layers(),
                format!("at most {MAX_HIDDEN_LAYERS} hidden layers"),
            ));
        }
        if self.hidden.iter().any(|&u| !(1..=MAX_UNITS).contains(&u)) {
            return Err(invalid(
                "layers",
                layers(),
                format!("each hidden layer has 1 to {MAX_UNITS} units"),
            ));
        }
        if self.activation == Activation::Softmax {
            return Err(invalid(
                "activation",
                "softmax".to_owned(),
                "softmax is the output of a classifier, not a hidden activation: use relu, leaky-relu, tanh, sigmoid or linear",
            ));
        }
        let rate = self.learning_rate;
        if !(rate.is_finite() && rate > 0.0) {
            return Err(invalid(
                "learning-rate",
                fmt_f(rate),
                "must be a number > 0",
            ));
        }
        if self.batch_size == 0 {
            return Err(invalid("batch", "0".to_owned(), "must be at least 1"));
        }
        if !(1..=MAX_EPOCHS).contains(&self.epochs) {
            return Err(invalid(
                "epochs",
                self.epochs.to_string(),
                format!("must be between 1 and {MAX_EPOCHS}"),
            ));
        }
        for (name, v) in [("l1", self.l1), ("l2", self.l2)] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(invalid(name, fmt_f(v), "must be a number ≥ 0"));
            }
        }
        let f = self.test_fraction;
        if !(f.is_finite() && (0.0..1.0).contains(&f)) {
            return Err(invalid(
                "test-fraction",
                fmt_f(f),
                "must be at least 0 and less than 1",
            ));
        }
        Ok(())
    }
}

fn fmt_f(x: f64) -> String {
    crate::math::fmt_typed(x)
}
