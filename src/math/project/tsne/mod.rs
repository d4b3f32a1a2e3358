//! t-SNE (van der Maaten & Hinton 2008) with Barnes-Hut forces (van der
//! Maaten 2014), set up as openTSNE sets it up:
//!
//! - P: perplexity-calibrated Gaussian affinities on the k = 3·perplexity
//!   nearest neighbours, symmetrised and normalised ([`affinity`]);
//! - start: the PCA scores scaled so the first column has standard deviation
//!   10⁻⁴ (or a seeded random cloud of the same scale);
//! - gradient ∂KL/∂yᵢ (without the conventional factor 4, as openTSNE):
//!   α Σⱼ pᵢⱼ wᵢⱼ (yᵢ − yⱼ) − (1/Z) Σⱼ w²ᵢⱼ (yᵢ − yⱼ), wᵢⱼ = 1/(1 + ‖yᵢ − yⱼ‖²),
//!   with the repulsion from a quadtree (2D) or octree (3D), θ = 0.5 ([`tree`]);
//! - early exaggeration α = 12 for 250 iterations with momentum 0.5, then
//!   α = 1 with momentum 0.8; learning rate max(n/α, 50) in each phase;
//!   gains +0.2 when the step reverses the gradient, ×0.8 otherwise, at least 0.01;
//! - optionally supervised by labels: P reweighted by label agreement and
//!   renormalised ([`affinity::supervise`]), as the Embedding Projector's
//!   "supervise by".

pub mod affinity;
pub mod tree;

use crate::math::similarity::VectorIndex;

use super::knn::all_knn;
use super::{
    Embedding, Init, Progress, ProjectError, Supervision, check_dims, check_initial, par_rows,
    rows, start, std_of,
};
use affinity::Sparse;
use tree::Tree;

/// KL divergence is computed every this many iterations (it costs a pass
/// over P's entries).
const KL_EVERY: usize = 50;

/// t-SNE's settings; [`Default`] is openTSNE's defaults in 2D.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TsneSettings {
    /// 2 or 3.
    pub dims: usize,
    /// The effective number of neighbours, 1 ≤ perplexity < n/3.
    pub perplexity: f64,
    /// Iterations in all, early exaggeration included.
    pub iterations: usize,
    /// α during the early phase.
    pub exaggeration: f64,
    /// Iterations of the early phase (fewer if `iterations` is smaller).
    pub exaggeration_iterations: usize,
    /// `None`: max(n/α, 50) in each phase (openTSNE's "auto").
    pub learning_rate: Option<f64>,
    /// Barnes-Hut opening angle (0: exact, slow).
    pub theta: f64,
    pub init: Init,
    /// Seeds the random start (and the noise of a PCA start in dimensions the data lacks).
    pub seed: u64,
    /// The observer is called every this many iterations (and at the end).
    pub report_every: usize,
}

impl Default for TsneSettings {
    fn default() -> Self {
        Self {
            dims: 2,
            perplexity: 30.0,
            iterations: 750,
            exaggeration: 12.0,
            exaggeration_iterations: 250,
            learning_rate: None,
            theta: 0.5,
            init: Init::Pca,
            seed: 0,
            report_every: 10,
        }
    }
}

impl TsneSettings {
    /// Checks the settings against n rows.
    ///
    /// # Errors
    /// [`ProjectError`] naming the parameter at fault.
    pub fn check(&self, n: usize) -> Result<(), ProjectError> {
        check_dims(self.dims)?;
        if n < 4 {
            return Err(ProjectError::TooFewRows {
                method: "t-SNE",
                rows: n,
                min: 4,
            });
        }
        if !(self.perplexity >= 1.0 && 3.0 * self.perplexity < n as f64) {
            return Err(ProjectError::Perplexity {
                perplexity: self.perplexity,
                rows: n,
            });
        }
        let positive = |name, v: f64| {
            if v > 0.0 && v.is_finite() {
                Ok(())
            } else {
                Err(ProjectError::NotPositive { name, value: v })
            }
        };
        positive("--iterations", self.iterations as f64)?;
        positive("exaggeration", self.exaggeration)?;
        if let Some(rate) = self.learning_rate {
            positive("learning rate", rate)?;
        }
        if !(self.theta >= 0.0 && self.theta.is_finite()) {
            return Err(ProjectError::NotPositive {
                name: "theta",
                value: self.theta,
            });
        }
        Ok(())
    }
}

/// Runs t-SNE on d columns of n values. `observe` sees the map every
/// `report_every` iterations and at the end; returning `false` stops it
/// (the map so far is returned, `cancelled` set).
///
/// # Errors
/// Bad settings for n ([`TsneSettings::check`]), non-finite data.
pub fn tsne(
    columns: &[&[f64]],
    settings: &TsneSettings,
    observe: &mut dyn FnMut(&Progress<'_>) -> bool,
) -> Result<Embedding, ProjectError> {
    tsne_with(columns, settings, None, None, observe)
}

/// Runs t-SNE from the map `initial` (row-major, `settings.dims` per point)
/// instead of settings.init's start, unscaled: to go on from a map with
/// some noise added (the Projector's Perturb). Set
/// `exaggeration_iterations` to 0 to skip the early phase.
///
/// # Errors
/// As [`tsne`]; [`ProjectError::MapMismatch`] when `initial` does not hold
/// n · dims finite values.
pub fn tsne_from(
    columns: &[&[f64]],
    settings: &TsneSettings,
    initial: Vec<f64>,
    observe: &mut dyn FnMut(&Progress<'_>) -> bool,
) -> Result<Embedding, ProjectError> {
    tsne_with(columns, settings, None, Some(initial), observe)
}

/// Runs t-SNE supervised by labels ([`affinity::supervise`] reweights P)
/// when `supervision` is given, from `initial` when given (as
/// [`tsne_from`]).
///
/// # Errors
/// As [`tsne_from`]; the supervision's ([`Supervision::check`]).
pub fn tsne_with(
    columns: &[&[f64]],
    settings: &TsneSettings,
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
    let k = ((3.0 * settings.perplexity) as usize).clamp(1, n - 1);
    let knn = all_knn(&index, k);
    let mut p = affinity::joint_probabilities(&knn, settings.perplexity);
    if let Some(s) = supervision {
        affinity::supervise(&mut p, s);
    }
    drop(knn);
    let y = if let Some(y) = initial {
        y
    } else {
        let mut y = start(columns, settings.dims, settings.init, settings.seed)?;
        // openTSNE: y / std(y[:, 0]) · 1e-4.
        let s = std_of(&y, settings.dims, 0);
        let scale = if s > 0.0 { 1e-4 / s } else { 1e-4 };
        for v in &mut y {
            *v *= scale;
        }
        y
    };
    Ok(match settings.dims {
        3 => optimize::<3>(&p, y, settings, observe),
        _ => optimize::<2>(&p, y, settings, observe),
    })
}

/// The gradient descent.
fn optimize<const D: usize>(
    p: &Sparse,
    mut y: Vec<f64>,
    settings: &TsneSettings,
    observe: &mut dyn FnMut(&Progress<'_>) -> bool,
) -> Embedding {
    let n = p.rows();
    let total = settings.iterations;
    let early = settings.exaggeration_iterations.min(total);
    let p_log_p: f64 = p
        .val
        .iter()
        .filter(|&&v| v > 0.0)
        .map(|&v| v * v.ln())
        .sum();
    let mut update = vec![0.0f64; y.len()];
    let mut gains = vec![1.0f64; y.len()];
    let mut gradient = vec![0.0; y.len()];
    let mut loss = None;
    let every = settings.report_every.max(1);
    for it in 0..total {
        let (alpha, momentum) = if it < early {
            (settings.exaggeration, 0.5)
        } else {
            (1.0, 0.8)
        };
        let rate = settings
            .learning_rate
            .unwrap_or((n as f64 / alpha).max(50.0));
        let want_kl = (it + 1) % KL_EVERY == 0 || it + 1 == total;
        let kl = gradient_into::<D>(p, &y, alpha, settings.theta, &mut gradient, want_kl);
        if let Some(kl) = kl {
            loss = Some(kl + p_log_p);
        }
        for ((yv, (u, g)), &grad) in y
            .iter_mut()
            .zip(update.iter_mut().zip(gains.iter_mut()))
            .zip(&gradient)
        {
            *g = if *u * grad < 0.0 { *g + 0.2 } else { *g * 0.8 }.max(0.01);
            *u = momentum * *u - rate * *g * grad;
            *yv += *u;
        }
        center::<D>(&mut y);
        let done = it + 1;
        if done % every == 0 || done == total {
            let progress = Progress {
                iteration: done,
                total,
                loss,
                positions: &y,
                dims: D,
            };
            if !observe(&progress) && done < total {
                return Embedding {
                    dims: D,
                    positions: y,
                    iterations: done,
                    cancelled: true,
                    loss,
                };
            }
        }
    }
    Embedding {
        dims: D,
        positions: y,
        iterations: total,
        cancelled: false,
        loss,
    }
}

/// Writes ∂KL/∂y into `gradient`; with `want_kl`, also returns
/// −Σ pᵢⱼ ln wᵢⱼ + ln Z (KL less Σ p ln p), computed on the unexaggerated P.
fn gradient_into<const D: usize>(
    p: &Sparse,
    y: &[f64],
    alpha: f64,
    theta: f64,
    gradient: &mut [f64],
    want_kl: bool,
) -> Option<f64> {
    let tree = Tree::<D>::new(y);
    let theta2 = theta * theta;
    // Per point: D repulsion terms, D attraction terms, its share of Z and of Σ p ln w.
    let width = 2 * D + 2;
    // Slot r is for point order[r]: points near on the map are computed
    // one after the other, so the nodes they visit stay in cache.
    let order = tree.order();
    let mut parts = vec![0.0f64; (y.len() / D) * width];
    par_rows(&mut parts, width, |first, out| {
        let mut stack = Vec::with_capacity(64);
        for (r, slot) in out.chunks_exact_mut(width).enumerate() {
            let i = order.get(first + r).map_or(0, |&i| i as usize);
            let (rep, z) = tree.repulsion(i, theta2, &mut stack);
            let yi = y.get(i * D..(i + 1) * D).unwrap_or_default();
            let (cols, vals) = p.row(i);
            let mut attr = [0.0; D];
            let mut p_log_w = 0.0;
            for (&j, &pij) in cols.iter().zip(vals) {
                let yj = y
                    .get(j as usize * D..(j as usize + 1) * D)
                    .unwrap_or_default();
                let mut d2 = 0.0;
                for (a, b) in yi.iter().zip(yj) {
                    d2 += (a - b) * (a - b);
                }
                let w = 1.0 / (1.0 + d2);
                for ((f, a), b) in attr.iter_mut().zip(yi).zip(yj) {
                    *f += pij * w * (a - b);
                }
                if want_kl {
                    p_log_w += pij * w.ln();
                }
            }
            slot[..D].copy_from_slice(&rep);
            slot[D..2 * D].copy_from_slice(&attr);
            slot[2 * D] = z;
            slot[2 * D + 1] = p_log_w;
        }
    });
    // Z summed in tree order: the same for any number of threads.
    let z: f64 = parts
        .chunks_exact(width)
        .map(|s| s[2 * D])
        .sum::<f64>()
        .max(f64::MIN_POSITIVE);
    for (&i, s) in order.iter().zip(parts.chunks_exact(width)) {
        let i = i as usize;
        if let Some(g) = gradient.get_mut(i * D..(i + 1) * D) {
            for d in 0..D {
                g[d] = alpha * s[D + d] - s[d] / z;
            }
        }
    }
    want_kl.then(|| {
        let p_log_w: f64 = parts.chunks_exact(width).map(|s| s[2 * D + 1]).sum();
        z.ln() - p_log_w
    })
}

/// Moves the map's centroid to the origin (t-SNE is translation invariant;
/// this keeps the tree's box and the numbers small).
fn center<const D: usize>(y: &mut [f64]) {
    let n = (y.len() / D).max(1) as f64;
    let mut mean = [0.0; D];
    for p in y.chunks_exact(D) {
        for (m, v) in mean.iter_mut().zip(p) {
            *m += v;
        }
    }
    for p in y.chunks_exact_mut(D) {
        for (v, m) in p.iter_mut().zip(&mean) {
            *v -= m / n;
        }
    }
}
