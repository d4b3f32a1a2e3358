//! UMAP supervised by a label column, as umap-learn's `fit(X, y)` with
//! `target_metric = "categorical"` does it: the fuzzy graph is intersected
//! with the labels' graph, then its local connectivity restored
//! (`discrete_metric_simplicial_set_intersection` and
//! `reset_local_connectivity` in umap-learn's `umap_.py`):
//!
//! 1. each edge's membership wᵢⱼ is multiplied by exp(−far) when ℓᵢ ≠ ℓⱼ,
//!    by exp(−1) when either point is unlabelled (umap-learn's
//!    `unknown_dist = 1`), and kept when the labels agree; with the target
//!    weight t in (0, 1), far = 2.5 / (1 − t) (so far = 5 at umap-learn's
//!    default t = 0.5), and at t = 1 far = 10¹² (different labels cut);
//! 2. each point's memberships are divided by its largest (umap-learn's
//!    `normalize(norm="max")`), then symmetrised again by the fuzzy union
//!    a + aᵀ − a ∘ aᵀ.
//!
//! A weight of 0 leaves the graph as it is (no supervision; umap-learn's
//! t = 0 would still scale different-label edges by exp(−2.5)).

use crate::math::project::{Supervision, UNLABELLED};

/// umap-learn's distance for a pair with an unknown label.
const UNKNOWN_DIST: f64 = 1.0;

/// The graph (directed triplets, both directions of every pair, sorted by
/// head then tail) intersected with the labels' graph and reset.
#[must_use]
pub fn supervise_graph(graph: &[(u32, u32, f64)], s: &Supervision<'_>) -> Vec<(u32, u32, f64)> {
    if !s.active() {
        return graph.to_vec();
    }
    let far = if s.weight < 1.0 {
        2.5 / (1.0 - s.weight)
    } else {
        1e12
    };
    let label = |i: u32| s.labels.get(i as usize).copied().unwrap_or(UNLABELLED);
    let scaled: Vec<(u32, u32, f64)> = graph
        .iter()
        .map(|&(i, j, w)| {
            let (li, lj) = (label(i), label(j));
            let factor = if li == UNLABELLED || lj == UNLABELLED {
                (-UNKNOWN_DIST).exp()
            } else if li == lj {
                1.0
            } else {
                (-far).exp()
            };
            (i, j, w * factor)
        })
        .collect();
    // Each row divided by its largest membership.
    let n = scaled.iter().map(|e| e.0 as usize + 1).max().unwrap_or(0);
    let mut row_max = vec![0.0f64; n];
    for &(i, _, w) in &scaled {
        if let Some(m) = row_max.get_mut(i as usize) {
            *m = m.max(w);
        }
    }
    let a: Vec<(u32, u32, f64)> = scaled
        .iter()
        .map(|&(i, j, w)| {
            let m = row_max.get(i as usize).copied().unwrap_or(0.0);
            (i, j, if m > 0.0 { w / m } else { 0.0 })
        })
        .collect();
    // The fuzzy union with the transpose: the graph holds both directions,
    // sorted, so (j, i) is found by binary search.
    a.iter()
        .map(|&(i, j, aij)| {
            let aji = a
                .binary_search_by_key(&(j, i), |e| (e.0, e.1))
                .ok()
                .and_then(|at| a.get(at))
                .map_or(0.0, |e| e.2);
            (i, j, aij + aji - aij * aji)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Four points, every pair joined with membership 1, labels 0, 0, 1, 1:
    /// at weight 0.5 (far = 5) a different-label pair keeps
    /// 2e⁻⁵ − e⁻¹⁰ after the reset's union, a same-label pair 1; weight 0
    /// changes nothing.
    #[test]
    fn different_labels_weaken_edges_and_the_graph_stays_symmetric() {
        let mut graph = Vec::new();
        for i in 0..4u32 {
            for j in (0..4).filter(|&j| j != i) {
                graph.push((i, j, 1.0));
            }
        }
        let labels = [0, 0, 1, 1];
        let s = Supervision {
            labels: &labels,
            weight: 0.5,
        };
        let out = supervise_graph(&graph, &s);
        let w = |i, j| {
            out.iter()
                .find(|e| (e.0, e.1) == (i, j))
                .map_or(f64::NAN, |e| e.2)
        };
        for &(i, j, _) in &out {
            assert!((w(i, j) - w(j, i)).abs() < 1e-12);
        }
        assert!((w(0, 1) - 1.0).abs() < 1e-12);
        assert!((w(2, 3) - 1.0).abs() < 1e-12);
        let e5 = (-5.0f64).exp();
        assert!(
            (w(0, 2) - (2.0 * e5 - e5 * e5)).abs() < 1e-12,
            "{}",
            w(0, 2)
        );
        let off = Supervision {
            labels: &labels,
            weight: 0.0,
        };
        assert_eq!(supervise_graph(&graph, &off), graph);
    }
}
