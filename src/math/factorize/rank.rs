//! Using a model: what to watch next for a user, and which items are alike,
//! by the crate's one [`Metric`] (cosine, Euclidean distance or dot).
//!
//! The window's lists and the tests call these same functions.

use std::collections::HashSet;

use super::model::dot;
use super::{Model, UserVector};
use crate::math::similarity::Metric;

/// An item and its score (what the score means depends on the [`Metric`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scored {
    pub item: u32,
    pub score: f64,
}

/// ‖v‖.
#[must_use]
pub fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// cos θ = a · b / (‖a‖ ‖b‖), in −1..=1; 0 when either vector is zero.
#[must_use]
pub fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let d: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let n = norm(a) * norm(b);
    if n > 0.0 { d / n } else { 0.0 }
}

/// ‖a − b‖.
fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt()
}

/// Sorts closest first (highest score, or lowest for a distance); ties by
/// item index, so the order is always the same.
fn best_first(scored: &mut [Scored], metric: Metric) {
    if metric.higher_is_closer() {
        scored.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.item.cmp(&b.item)));
    } else {
        scored.sort_by(|a, b| a.score.total_cmp(&b.score).then(a.item.cmp(&b.item)));
    }
}

/// The `n` items `user` has not rated (not in `rated`) that suit them best:
///
/// - [`Metric::Dot`]: the highest predicted rating r̂ = μ + b_u + b_i + p_u · q_i
///   (unclipped, so that items past the top of the scale still rank;
///   [`Model::clip`] it for display);
/// - [`Metric::Cosine`]: the highest cos θ between p_u and q_i (direction
///   only: an item's vector length, its popularity, no longer counts);
/// - [`Metric::Euclidean`]: the smallest distance ‖p_u − q_i‖.
#[must_use]
pub fn recommend(
    model: &Model,
    user: &UserVector,
    rated: &[u32],
    n: usize,
    metric: Metric,
) -> Vec<Scored> {
    let rated: HashSet<u32> = rated.iter().copied().collect();
    let mut scored: Vec<Scored> = (0..model.n_items())
        .filter(|&i| !rated.contains(&(i as u32)))
        .map(|i| {
            let q = model.item_factors(i);
            let score = match metric {
                Metric::Dot => model.predict_for(user, i),
                Metric::Cosine => cosine(&user.factors, q),
                Metric::Euclidean => distance(&user.factors, q),
            };
            Scored {
                item: i as u32,
                score,
            }
        })
        .collect();
    best_first(&mut scored, metric);
    scored.truncate(n);
    scored
}

/// The `n` items closest to `item`, best first, `item` itself left out:
/// by cos θ, by the dot product q_i · q_j (which also grows with how strongly
/// each item is placed), or by the distance ‖q_i − q_j‖ (lowest first).
///
/// cos θ is undefined for a zero vector: by cosine, items whose vector is
/// zero (never rated in training) are left out, and a zero `item` has no
/// similar items (an empty list).
///
/// # Panics
/// If `item` is not an item of `model`.
#[must_use]
pub fn similar_items(model: &Model, item: u32, n: usize, metric: Metric) -> Vec<Scored> {
    let qi = model.item_factors(item as usize);
    if metric == Metric::Cosine && norm(qi) == 0.0 {
        return Vec::new();
    }
    let mut scored: Vec<Scored> = (0..model.n_items())
        .filter(|&j| j != item as usize)
        .filter_map(|j| {
            let qj = model.item_factors(j);
            let score = match metric {
                Metric::Dot => dot(qi, qj),
                Metric::Cosine if norm(qj) == 0.0 => return None,
                Metric::Cosine => cosine(qi, qj),
                Metric::Euclidean => distance(qi, qj),
            };
            Some(Scored {
                item: j as u32,
                score,
            })
        })
        .collect();
    best_first(&mut scored, metric);
    scored.truncate(n);
    scored
}
