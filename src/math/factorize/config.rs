//! What decides a fit: the method and its parameters.

use std::fmt;

use super::{FactorizeError, MAX_EPOCHS, MAX_RANK, invalid};

/// How the factors are fitted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Method {
    /// Alternating least squares: monotone, no learning rate; each row
    /// solved exactly or by conjugate gradient ([`Solver`]).
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

/// How ALS solves each row's regularized least squares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Solver {
    /// Cholesky of the row's k × k system: the exact minimizer.
    #[default]
    Exact,
    /// A few steps of conjugate gradient started from the row's current
    /// factors ([`CG_STEPS`](super::CG_STEPS)), as the `implicit` library
    /// does: each row's objective falls but is not minimized exactly.
    Cg,
}

impl Solver {
    /// `"exact"` or `"cg"`, as on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::Cg => "cg",
        }
    }
}

impl fmt::Display for Solver {
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
    /// ALS's solver for each row (ignored by SGD).
    pub solver: Solver,
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
            solver: Solver::default(),
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
