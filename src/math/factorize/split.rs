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

    /// [`with_test`](Self::with_test), taking the triples out of `ratings`
    /// (its `entries` are left empty) instead of copying them: for a caller
    /// that needs only the ids afterwards, as the command line does.
    ///
    /// # Errors
    /// As [`new`](Self::new).
    pub fn with_test_taking(
        ratings: &mut Ratings,
        test: Vec<Rating>,
    ) -> Result<Self, FactorizeError> {
        let train = std::mem::take(&mut ratings.entries);
        Self::new(
            ratings.n_users(),
            ratings.n_items(),
            (f64::from(ratings.scale.0), f64::from(ratings.scale.1)),
            train,
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
        Self::from_split(ratings, train, test, test_fraction)
    }

    /// [`split`](Self::split), taking the triples out of `ratings` (its
    /// `entries` are left empty): the training ratings stay in their
    /// memory, only the test ones are copied out.
    ///
    /// # Errors
    /// As [`split`](Self::split).
    pub fn split_taking(
        ratings: &mut Ratings,
        test_fraction: f64,
        seed: u64,
    ) -> Result<Self, FactorizeError> {
        let mut train = std::mem::take(&mut ratings.entries);
        let n = train.len();
        let is_test = test_mask(n, test_fraction, seed)?;
        let test = train
            .iter()
            .zip(&is_test)
            .filter(|&(_, &in_test)| in_test)
            .map(|(r, _)| *r)
            .collect();
        // `retain` visits every rating once, in order.
        let mut in_test = is_test.iter();
        train.retain(|_| !in_test.next().copied().unwrap_or(false));
        drop(is_test);
        Self::from_split(ratings, train, test, test_fraction)
    }

    fn from_split(
        ratings: &Ratings,
        train: Vec<Rating>,
        test: Vec<Rating>,
        test_fraction: f64,
    ) -> Result<Self, FactorizeError> {
        if train.is_empty() {
            return Err(FactorizeError::NoTrainingRatings {
                detail: format!(
                    ": a test fraction of {} takes all {} ratings",
                    crate::math::fmt_typed(test_fraction),
                    train.len() + test.len()
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
    let is_test = test_mask(entries.len(), test_fraction, seed)?;
    let mut train = Vec::new();
    let mut test = Vec::new();
    for (r, &in_test) in entries.iter().zip(&is_test) {
        if in_test {
            test.push(*r);
        } else {
            train.push(*r);
        }
    }
    Ok((train, test))
}

/// Which of `n` ratings are test ratings: round(`test_fraction` · n) of
/// them, the first of a seeded shuffle of 0..n.
fn test_mask(n: usize, test_fraction: f64, seed: u64) -> Result<Vec<bool>, FactorizeError> {
    check_test_fraction(test_fraction)?;
    let n_test = ((test_fraction * n as f64).round() as usize).min(n);
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut is_test = vec![false; n];
    // The shuffle's swaps depend only on the length: u32 indices (half the
    // memory of usize ones) give the same permutation.
    if let Ok(n) = u32::try_from(n) {
        let mut order: Vec<u32> = (0..n).collect();
        rng.shuffle(&mut order);
        for &k in &order[..n_test] {
            is_test[k as usize] = true;
        }
    } else {
        let mut order: Vec<usize> = (0..n).collect();
        rng.shuffle(&mut order);
        for &k in &order[..n_test] {
            is_test[k] = true;
        }
    }
    Ok(is_test)
}
