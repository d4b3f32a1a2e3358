//! UMAP (McInnes, Healy & Melville 2018), as umap-learn computes it:
//!
//! - the fuzzy simplicial set: on each point's k − 1 nearest other points
//!   (k = n_neighbors counts the point itself, as umap-learn does),
//!   ρᵢ = the distance to the nearest, σᵢ by bisection so that
//!   Σⱼ exp(−max(0, dᵢⱼ − ρᵢ)/σᵢ) = log₂ k, membership wᵢⱼ = exp(−max(0, dᵢⱼ − ρᵢ)/σᵢ);
//!   symmetrised by the fuzzy union w + wᵀ − w ∘ wᵀ;
//! - the start: PCA scores (or a seeded random cloud), each axis scaled to [0, 10];
//! - stochastic gradient descent on the cross-entropy with the kernel
//!   1/(1 + a d^(2b)) ([`curve::fit_ab`] from min-dist and spread 1): each edge
//!   is sampled in proportion to its weight (every max w / w epochs), pulls its
//!   two ends together and pushes its head away from 5 random points; steps
//!   clipped to ±4, learning rate 1 falling linearly to 0; 500 epochs up to
//!   10,000 points, 200 above. One thread, so a seed gives one map;
//! - optionally supervised by labels, as umap-learn's categorical target
//!   ([`supervise`]).

pub mod curve;
pub mod supervise;

use crate::math::similarity::VectorIndex;

use super::knn::{Knn, all_knn};
use super::{
    Embedding, Init, Progress, ProjectError, Supervision, check_dims, check_initial, rows, start,
};

/// σ's floor, relative to the mean neighbour distance (umap-learn's MIN_K_DIST_SCALE).
const MIN_K_DIST_SCALE: f64 = 1e-3;
/// Negative samples per positive one.
const NEGATIVE_RATE: usize = 5;

/// UMAP's settings; [`Default`] is umap-learn's defaults in 2D (with a PCA start).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct UmapSettings {
    /// 2 or 3.
    pub dims: usize,
    /// Neighbourhood size k, the point itself counted: 2 ≤ k ≤ n.
    pub neighbors: usize,
    /// How tightly points may pack, 0 ≤ min_dist < spread.
    pub min_dist: f64,
    /// The scale of the map's clusters.
    pub spread: f64,
    /// `None`: 500 up to 10,000 points, 200 above.
    pub epochs: Option<usize>,
    pub init: Init,
    pub seed: u64,
    /// The observer is called every this many epochs (and at the end).
    pub report_every: usize,
}

impl Default for UmapSettings {
    fn default() -> Self {
        Self {
            dims: 2,
            neighbors: 15,
            min_dist: 0.1,
            spread: 1.0,
            epochs: None,
            init: Init::Pca,
            seed: 0,
            report_every: 5,
        }
    }
}

impl UmapSettings {
    /// Checks the settings against n rows.
    ///
    /// # Errors
    /// [`ProjectError`] naming the parameter at fault.
    pub fn check(&self, n: usize) -> Result<(), ProjectError> {
        check_dims(self.dims)?;
        if n < 3 {
            return Err(ProjectError::TooFewRows {
                method: "UMAP",
                rows: n,
                min: 3,
            });
        }
        if !(2..=n).contains(&self.neighbors) {
            return Err(ProjectError::Neighbors {
                k: self.neighbors,
                min: 2,
                max: n,
            });
        }
        if !(self.spread > 0.0 && self.spread.is_finite()) {
            return Err(ProjectError::NotPositive {
                name: "spread",
                value: self.spread,
            });
        }
        if !(self.min_dist >= 0.0 && self.min_dist < self.spread) {
            return Err(ProjectError::MinDist {
                min_dist: self.min_dist,
                spread: self.spread,
            });
        }
        if self.epochs == Some(0) {
            return Err(ProjectError::NotPositive {
                name: "--iterations",
                value: 0.0,
            });
        }
        Ok(())
    }

    /// The epochs that will run for n points.
    #[must_use]
    pub fn epochs_for(&self, n: usize) -> usize {
        self.epochs.unwrap_or(if n <= 10_000 { 500 } else { 200 })
    }
}

/// One directed edge of the graph with its sampling schedule.
#[derive(Clone, Copy, Debug)]
struct Edge {
    head: u32,
    tail: u32,
    /// Epochs between positive samples (max w / w).
    every: f64,
    next: f64,
    next_negative: f64,
}

/// Runs UMAP on d columns of n values. `observe` sees the map every
/// `report_every` epochs and at the end; returning `false` stops it.
///
/// # Errors
/// Bad settings for n ([`UmapSettings::check`]), non-finite data.
pub fn umap(
    columns: &[&[f64]],
    settings: &UmapSettings,
    observe: &mut dyn FnMut(&Progress<'_>) -> bool,
) -> Result<Embedding, ProjectError> {
    umap_with(columns, settings, None, None, observe)
}

/// Runs UMAP from the map `initial` (row-major, `settings.dims` per point,
/// on UMAP's own scale) instead of settings.init's start: to go on from a
/// map with some noise added (Perturb).
///
/// # Errors
/// As [`umap`]; [`ProjectError::MapMismatch`] when `initial` does not hold
/// n · dims finite values.
pub fn umap_from(
    columns: &[&[f64]],
    settings: &UmapSettings,
    initial: Vec<f64>,
    observe: &mut dyn FnMut(&Progress<'_>) -> bool,
) -> Result<Embedding, ProjectError> {
    umap_with(columns, settings, None, Some(initial), observe)
}

/// Runs UMAP supervised by labels ([`supervise::supervise_graph`]
/// intersects the fuzzy graph with theirs) when `supervision` is given,
/// from `initial` when given (as [`umap_from`]).
///
/// # Errors
/// As [`umap_from`]; the supervision's ([`Supervision::check`]).
pub fn umap_with(
    columns: &[&[f64]],
    settings: &UmapSettings,
    supervision: Option<&Supervision<'_>>,
    initial: Option<Vec<f64>>,
    observe: &mut dyn FnMut(&Progress<'_>) -> bool,
) -> Result<Embedding, ProjectError> {
    let n = rows(columns)?;
    check_initial(initial.as_deref(), n, settings.dims)?;
    settings.check(n)?;
    if let Some(s) = supervision {
        s.check(n)?;
    }
    let index = VectorIndex::from_columns(columns)?;
    let knn = all_knn(&index, settings.neighbors - 1);
    let epochs = settings.epochs_for(n);
    let mut graph = fuzzy_union(&knn, &fuzzy_memberships(&knn, settings.neighbors));
    if let Some(s) = supervision {
        graph = supervise::supervise_graph(&graph, s);
    }
    let mut edges = schedule(&graph, epochs);
    let dims = settings.dims;
    let y = if let Some(y) = initial {
        y
    } else {
        let mut y = start(columns, dims, settings.init, settings.seed)?;
        scale_to_box(&mut y, dims);
        y
    };
    let mut y: Vec<f32> = y.iter().map(|&v| v as f32).collect();
    let (a, b) = curve::fit_ab(settings.min_dist, settings.spread);
    let (a, b) = (a as f32, b as f32);
    let mut rng = fastrand::Rng::with_seed(settings.seed ^ 0x005e_ed0f_u64);
    let every = settings.report_every.max(1);
    let mut shown: Vec<f64> = Vec::new();
    for epoch in 0..epochs {
        let alpha = 1.0 - epoch as f32 / epochs as f32;
        sgd_epoch(
            &mut y,
            dims,
            &mut edges,
            epoch as f64,
            (a, b, alpha),
            &mut rng,
        );
        let done = epoch + 1;
        if done % every == 0 || done == epochs {
            shown.clear();
            shown.extend(y.iter().map(|&v| f64::from(v)));
            let progress = Progress {
                iteration: done,
                total: epochs,
                loss: None,
                positions: &shown,
                dims,
            };
            if !observe(&progress) && done < epochs {
                return Ok(finish(&y, dims, done, true));
            }
        }
    }
    Ok(finish(&y, dims, epochs, false))
}

fn finish(y: &[f32], dims: usize, iterations: usize, cancelled: bool) -> Embedding {
    Embedding {
        dims,
        positions: y.iter().map(|&v| f64::from(v)).collect(),
        iterations,
        cancelled,
        loss: None,
    }
}

/// The directed memberships wᵢⱼ (row i: its k − 1 neighbours, as in `knn`).
fn fuzzy_memberships(knn: &Knn, k: usize) -> Vec<f64> {
    let target = (k as f64).log2();
    let n = knn.len();
    let mean_all = knn.distance.iter().map(|&d| f64::from(d)).sum::<f64>()
        / (knn.distance.len() + n).max(1) as f64;
    let mut w = vec![0.0; knn.distance.len()];
    for (i, row) in w.chunks_exact_mut(knn.k.max(1)).enumerate() {
        let d: Vec<f64> = knn.distances(i).iter().map(|&v| f64::from(v)).collect();
        let rho = d.iter().copied().find(|&v| v > 0.0).unwrap_or(0.0);
        let (mut lo, mut hi, mut sigma) = (0.0f64, f64::INFINITY, 1.0f64);
        for _ in 0..64 {
            let psum: f64 = d
                .iter()
                .map(|&dj| {
                    if dj > rho {
                        (-(dj - rho) / sigma).exp()
                    } else {
                        1.0
                    }
                })
                .sum();
            if (psum - target).abs() < 1e-5 {
                break;
            }
            if psum > target {
                hi = sigma;
                sigma = f64::midpoint(lo, hi);
            } else {
                lo = sigma;
                sigma = if hi.is_finite() {
                    f64::midpoint(lo, hi)
                } else {
                    sigma * 2.0
                };
            }
        }
        // The floor: the mean distance including the point itself (0), as umap-learn.
        let floor = if rho > 0.0 {
            MIN_K_DIST_SCALE * d.iter().sum::<f64>() / (d.len() + 1) as f64
        } else {
            MIN_K_DIST_SCALE * mean_all
        };
        let sigma = sigma.max(floor);
        for (wj, &dj) in row.iter_mut().zip(&d) {
            *wj = if dj - rho <= 0.0 || sigma <= 0.0 {
                1.0
            } else {
                (-(dj - rho) / sigma).exp()
            };
        }
    }
    w
}

/// w + wᵀ − w ∘ wᵀ as directed (head, tail, weight) triplets, both
/// directions of every pair, sorted by head then tail (`w` in `knn`'s layout).
fn fuzzy_union(knn: &Knn, w: &[f64]) -> Vec<(u32, u32, f64)> {
    // Each directed membership under its unordered pair (low, high), with
    // which way it points; a pair then has one or two entries.
    let mut pairs: Vec<(u32, u32, bool, f64)> = Vec::with_capacity(w.len());
    for i in 0..knn.len() {
        let row = w.get(i * knn.k..(i + 1) * knn.k).unwrap_or_default();
        for (&j, &v) in knn.neighbors(i).iter().zip(row) {
            let i = i as u32;
            pairs.push((i.min(j), i.max(j), i < j, v));
        }
    }
    pairs.sort_unstable_by_key(|x| (x.0, x.1, x.2));
    let mut graph = Vec::with_capacity(2 * pairs.len());
    let mut e = 0;
    while let Some(&(lo, hi, _, v)) = pairs.get(e) {
        let mut union = v;
        e += 1;
        if let Some(&(lo2, hi2, _, v2)) = pairs.get(e)
            && (lo2, hi2) == (lo, hi)
        {
            union = v + v2 - v * v2;
            e += 1;
        }
        graph.push((lo, hi, union));
        graph.push((hi, lo, union));
    }
    graph.sort_unstable_by_key(|x| (x.0, x.1));
    graph
}

/// The edges with their sampling schedule; edges too weak to be sampled
/// once in `epochs` (w < max w / epochs) are dropped, as umap-learn does.
fn schedule(graph: &[(u32, u32, f64)], epochs: usize) -> Vec<Edge> {
    let max = graph.iter().map(|e| e.2).fold(0.0f64, f64::max);
    graph
        .iter()
        .filter(|e| e.2 > 0.0 && e.2 >= max / epochs as f64)
        .map(|&(head, tail, w)| {
            let every = max / w;
            Edge {
                head,
                tail,
                every,
                next: every,
                next_negative: every / NEGATIVE_RATE as f64,
            }
        })
        .collect()
}

/// Min-max scales each axis to [0, 10] (umap-learn does this to every start).
fn scale_to_box(y: &mut [f64], dims: usize) {
    for k in 0..dims {
        let column = || y.iter().skip(k).step_by(dims);
        let lo = column().copied().fold(f64::INFINITY, f64::min);
        let hi = column().copied().fold(f64::NEG_INFINITY, f64::max);
        let span = if hi > lo { hi - lo } else { 1.0 };
        for v in y.iter_mut().skip(k).step_by(dims) {
            *v = 10.0 * (*v - lo) / span;
        }
    }
}

/// One epoch of umap-learn's `optimize_layout_euclidean` (single thread).
fn sgd_epoch(
    y: &mut [f32],
    dims: usize,
    edges: &mut [Edge],
    epoch: f64,
    (a, b, alpha): (f32, f32, f32),
    rng: &mut fastrand::Rng,
) {
    let n = y.len() / dims;
    let mut current = [0.0f32; 3];
    let mut other = [0.0f32; 3];
    for edge in edges.iter_mut() {
        if edge.next > epoch {
            continue;
        }
        let (j, t) = (edge.head as usize, edge.tail as usize);
        copy(y, j, dims, &mut current);
        copy(y, t, dims, &mut other);
        let d2 = dist2(&current, &other, dims);
        let coeff = if d2 > 0.0 {
            // d^(2(b−1)) = d^(2b) / d²: one power, not two.
            let pow_b = d2.powf(b);
            -2.0 * a * b * (pow_b / d2) / (a * pow_b + 1.0)
        } else {
            0.0
        };
        for d in 0..dims {
            let g = clip(coeff * (current[d] - other[d])) * alpha;
            current[d] += g;
            other[d] -= g;
        }
        paste(y, t, dims, &other);
        edge.next += edge.every;
        let per_negative = edge.every / NEGATIVE_RATE as f64;
        let samples = ((epoch - edge.next_negative) / per_negative).max(0.0) as usize;
        for _ in 0..samples {
            let r = rng.usize(..n);
            if r == j {
                continue;
            }
            copy(y, r, dims, &mut other);
            let d2 = dist2(&current, &other, dims);
            let coeff = if d2 > 0.0 {
                2.0 * b / ((0.001 + d2) * (a * d2.powf(b) + 1.0))
            } else {
                0.0
            };
            if coeff > 0.0 {
                for d in 0..dims {
                    current[d] += clip(coeff * (current[d] - other[d])) * alpha;
                }
            }
        }
        edge.next_negative += samples as f64 * per_negative;
        paste(y, j, dims, &current);
    }
}

fn copy(y: &[f32], i: usize, dims: usize, out: &mut [f32; 3]) {
    for (o, v) in out
        .iter_mut()
        .zip(y.get(i * dims..(i + 1) * dims).unwrap_or_default())
    {
        *o = *v;
    }
}

fn paste(y: &mut [f32], i: usize, dims: usize, v: &[f32; 3]) {
    for (o, x) in y
        .get_mut(i * dims..(i + 1) * dims)
        .unwrap_or_default()
        .iter_mut()
        .zip(v)
    {
        *o = *x;
    }
}

fn dist2(p: &[f32; 3], q: &[f32; 3], dims: usize) -> f32 {
    p.iter()
        .zip(q)
        .take(dims)
        .map(|(a, b)| (a - b) * (a - b))
        .sum()
}

/// umap-learn's clip to ±4.
fn clip(v: f32) -> f32 {
    v.clamp(-4.0, 4.0)
}
