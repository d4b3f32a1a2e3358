//! The ratings a factorization sees, and the seeded train/test split.

use super::{FactorizeError, invalid};
use crate::data::{Rating, Ratings};

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
                    crate::math::fmt_typed(test_fraction),
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
