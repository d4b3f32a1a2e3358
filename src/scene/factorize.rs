//! The `[factorize]` table: settings of the Factorize view.

use serde::{Deserialize, Deserializer, Serialize};

use crate::data::Ratings;

use super::bounds::quote;
use super::check::{Misfit, de_f64_in, de_usize_in, name_list};

/// How the Factorize view fits the factors (the command line's `--method`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FactorizeMethod {
    /// Alternating least squares: exact steps, the loss never rises.
    #[default]
    Als,
    /// Stochastic gradient descent, one rating at a time.
    Sgd,
}

/// How the Factorize view ranks movies for a user: the crate's one metric
/// (dot — the predicted rating μ + b_u + b_i + p_u · q_i, the default here —
/// cosine, or Euclidean distance).
pub use crate::math::similarity::Metric;

/// Largest rank the view accepts (the command line takes more).
pub const VIEW_MAX_RANK: usize = 100;
/// Most epochs the view trains.
pub const VIEW_MAX_EPOCHS: usize = 10_000;
/// Longest recommendation or similarity list.
pub const MAX_TOP_N: usize = 100;

/// One edited cell of the ratings matrix: `rating` set, or cleared when absent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingEdit {
    /// The user's id.
    pub user: String,
    /// The item's id or title.
    pub item: String,
    /// The new rating; absent clears the cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<f64>,
}

/// The `[factorize]` table: settings of the Factorize view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FactorizeSettings {
    pub method: FactorizeMethod,
    /// k, the number of latent factors, 1..=100.
    #[serde(deserialize_with = "de_rank")]
    pub rank: usize,
    /// λ, the regularization weight, 0..=100.
    #[serde(deserialize_with = "de_lambda")]
    pub lambda: f64,
    /// γ, the SGD step size, above 0 and at most 1 (ALS ignores it).
    #[serde(deserialize_with = "de_learning_rate")]
    pub learning_rate: f64,
    /// Epochs that Train runs to, 1..=10000.
    #[serde(deserialize_with = "de_epochs")]
    pub epochs: usize,
    /// Fit the user and item biases b_u, b_i.
    pub biases: bool,
    /// Seed of the split, the initial factors and SGD's order.
    pub seed: u64,
    /// Share of the ratings held out for the test RMSE, 0..=0.9.
    #[serde(deserialize_with = "de_test_fraction")]
    pub test_fraction: f64,
    /// Epochs trained when the scene opens (replayed deterministically), 0..=epochs.
    pub epoch: usize,
    /// The epoch the history scrubber shows (default: the latest).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<usize>,
    /// The selected user's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The selected item's id or title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// How recommendations are ranked.
    pub metric: Metric,
    /// Length of the recommendation and similarity lists, 1..=100.
    #[serde(deserialize_with = "de_top_n")]
    pub top_n: usize,
    /// Write names beside the points of the embedding plot.
    pub labels: bool,
    /// Edited cells, applied in order (`[[factorize.edits]]`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub edits: Vec<RatingEdit>,
}

impl Default for FactorizeSettings {
    fn default() -> Self {
        Self {
            method: FactorizeMethod::Als,
            rank: 2,
            lambda: 0.1,
            learning_rate: 0.01,
            epochs: 20,
            biases: false,
            seed: 0,
            test_fraction: crate::math::factorize::DEFAULT_TEST_FRACTION,
            epoch: 0,
            history: None,
            user: None,
            item: None,
            metric: Metric::Dot,
            top_n: 5,
            labels: true,
            edits: Vec::new(),
        }
    }
}

fn de_rank<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    de_usize_in(d, "factorize.rank", 1..=VIEW_MAX_RANK)
}

fn de_epochs<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    de_usize_in(d, "factorize.epochs", 1..=VIEW_MAX_EPOCHS)
}

fn de_top_n<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    de_usize_in(d, "factorize.top_n", 1..=MAX_TOP_N)
}

fn de_lambda<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    de_f64_in(d, "factorize.lambda", 0.0..=100.0, false)
}

fn de_learning_rate<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    de_f64_in(d, "factorize.learning_rate", 0.0..=1.0, true)
}

fn de_test_fraction<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    de_f64_in(d, "factorize.test_fraction", 0.0..=0.9, false)
}

/// The item whose id, or else title, is `name`.
#[must_use]
pub fn find_item(r: &Ratings, name: &str) -> Option<u32> {
    r.item_index(name).or_else(|| {
        r.items
            .iter()
            .position(|it| it.title.as_deref() == Some(name))
            .map(|i| i as u32)
    })
}

impl FactorizeSettings {
    /// Checks the table against the ratings it shows: the selected user and
    /// item and the edited cells exist, edited ratings lie in the rating
    /// scale, and `epoch` and `history` do not pass `epochs`.
    ///
    /// # Errors
    /// The first setting that does not fit `r`.
    pub(super) fn check_against_ratings(&self, r: &Ratings) -> Result<(), Misfit> {
        let fail = |key: &'static str, message: String| Err(Misfit::new("factorize", key, message));
        if self.epoch > self.epochs {
            return fail(
                "epoch",
                format!(
                    "factorize.epoch: must be between 0 and epochs = {}, got {}",
                    self.epochs, self.epoch
                ),
            );
        }
        if let Some(h) = self.history
            && h > self.epoch
        {
            return fail(
                "history",
                format!(
                    "factorize.history: must be between 0 and epoch = {} (the epochs trained), got {h}",
                    self.epoch
                ),
            );
        }
        if let Some(u) = &self.user
            && r.user_index(u).is_none()
        {
            return fail("user", no_user(r, "factorize.user", u));
        }
        if let Some(i) = &self.item
            && find_item(r, i).is_none()
        {
            return fail("item", no_item(r, "factorize.item", i));
        }
        let (lo, hi) = r.scale;
        for e in &self.edits {
            // Arrays of tables have no single span: point at the table itself.
            if r.user_index(&e.user).is_none() {
                return fail("edits", no_user(r, "factorize.edits.user", &e.user));
            }
            if find_item(r, &e.item).is_none() {
                return fail("edits", no_item(r, "factorize.edits.item", &e.item));
            }
            if let Some(v) = e.rating
                && !(v.is_finite() && v >= f64::from(lo) && v <= f64::from(hi))
            {
                return fail(
                    "edits",
                    format!(
                        "factorize.edits.rating: must be within the rating scale {lo} to {hi}, got {}",
                        crate::math::fmt_typed(v)
                    ),
                );
            }
        }
        Ok(())
    }
}

/// `key` names user `id`, which `r` does not have.
fn no_user(r: &Ratings, key: &str, id: &str) -> String {
    let some = name_list(r.users.iter().take(5).map(String::as_str), 5);
    format!(
        "{key}: {} has no user {} (its {} users include {some})",
        quote(&r.name),
        quote(id),
        r.n_users(),
    )
}

/// `key` names item `id`, which `r` has neither as an id nor as a title.
fn no_item(r: &Ratings, key: &str, id: &str) -> String {
    let some = name_list(r.items.iter().take(5).map(|i| i.id.as_str()), 5);
    format!(
        "{key}: {} has no item with id or title {} (its {} items include {some})",
        quote(&r.name),
        quote(id),
        r.n_items(),
    )
}
