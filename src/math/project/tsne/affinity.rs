//! t-SNE's input affinities P on the k nearest neighbours (van der Maaten
//! 2014, as openTSNE computes them):
//!
//! p_{j|i} = exp(−βᵢ ‖xᵢ − xⱼ‖²) / Σ_l exp(−βᵢ ‖xᵢ − x_l‖²) over i's k = 3·perplexity
//! nearest neighbours, with βᵢ found by bisection so that the entropy of
//! p_{·|i} is ln(perplexity); then P = (P_cond + P_condᵀ), normalised to sum 1.

use crate::math::project::knn::Knn;
use crate::math::project::{Supervision, UNLABELLED, par_rows};

/// What a supervised pair with different labels keeps of its affinity at
/// weight 1 (a little, so no point loses every neighbour).
const DIFFERENT_AT_FULL_WEIGHT: f64 = 0.01;

/// Bisection steps and the tolerance on the entropy (nats).
const MAX_STEPS: usize = 200;
const TOLERANCE: f64 = 1e-8;

/// A sparse symmetric matrix in compressed rows: row i holds
/// `col[row_start[i]..row_start[i+1]]` and `val[..]` alike, columns ascending.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sparse {
    /// n + 1 offsets.
    pub row_start: Vec<usize>,
    pub col: Vec<u32>,
    pub val: Vec<f64>,
}

impl Sparse {
    /// Row i's (columns, values).
    #[must_use]
    pub fn row(&self, i: usize) -> (&[u32], &[f64]) {
        let (a, b) = (
            self.row_start.get(i).copied().unwrap_or(0),
            self.row_start.get(i + 1).copied().unwrap_or(0),
        );
        (
            self.col.get(a..b).unwrap_or_default(),
            self.val.get(a..b).unwrap_or_default(),
        )
    }

    /// Number of rows.
    #[must_use]
    pub fn rows(&self) -> usize {
        self.row_start.len().saturating_sub(1)
    }

    /// Builds rows from (i, j, v) triplets, adding duplicates.
    #[must_use]
    pub fn from_triplets(n: usize, mut t: Vec<(u32, u32, f64)>) -> Self {
        t.sort_unstable_by_key(|a| (a.0, a.1));
        let mut row_start = vec![0usize; n + 1];
        let mut col = Vec::with_capacity(t.len());
        let mut val: Vec<f64> = Vec::with_capacity(t.len());
        let mut last: Option<(u32, u32)> = None;
        for (i, j, v) in t {
            if last == Some((i, j)) {
                if let Some(x) = val.last_mut() {
                    *x += v;
                }
                continue;
            }
            last = Some((i, j));
            col.push(j);
            val.push(v);
            if let Some(c) = row_start.get_mut(i as usize + 1) {
                *c += 1;
            }
        }
        for i in 0..n {
            row_start[i + 1] += row_start[i];
        }
        Self {
            row_start,
            col,
            val,
        }
    }
}

/// The symmetric joint probabilities P (sum 1) from the neighbours.
#[must_use]
pub fn joint_probabilities(knn: &Knn, perplexity: f64) -> Sparse {
    let (n, k) = (knn.len(), knn.k);
    let mut conditional = vec![0.0f64; n * k];
    par_rows(&mut conditional, k, |first, out| {
        for (r, p) in out.chunks_exact_mut(k).enumerate() {
            conditional_row(knn.distances(first + r), perplexity, p);
        }
    });
    let mut triplets = Vec::with_capacity(2 * n * k);
    for i in 0..n {
        let p = conditional.get(i * k..(i + 1) * k).unwrap_or_default();
        for (&j, &v) in knn.neighbors(i).iter().zip(p) {
            triplets.push((i as u32, j, v));
            triplets.push((j, i as u32, v));
        }
    }
    let mut sparse = Sparse::from_triplets(n, triplets);
    let total: f64 = sparse.val.iter().sum();
    if total > 0.0 {
        for v in &mut sparse.val {
            *v /= total;
        }
    }
    sparse
}

/// p_{j|i} for one point's neighbour distances, by bisection on β.
fn conditional_row(distances: &[f32], perplexity: f64, p: &mut [f64]) {
    let target = perplexity.ln();
    // Squared distances less the smallest: the same p, no underflow.
    let d2: Vec<f64> = distances.iter().map(|&d| f64::from(d).powi(2)).collect();
    let min = d2.iter().copied().fold(f64::INFINITY, f64::min);
    let d2: Vec<f64> = d2.iter().map(|d| d - min).collect();
    let (mut beta, mut lo, mut hi) = (1.0f64, 0.0f64, f64::INFINITY);
    for _ in 0..MAX_STEPS {
        let mut sum = 0.0;
        let mut weighted = 0.0;
        for (pj, &d) in p.iter_mut().zip(&d2) {
            *pj = (-d * beta).exp();
            sum += *pj;
            weighted += d * *pj;
        }
        // H = ln Σ exp(−βd) + β Σ d exp(−βd) / Σ exp(−βd)
        let entropy = sum.ln() + beta * weighted / sum;
        if (entropy - target).abs() < TOLERANCE {
            break;
        }
        if entropy > target {
            lo = beta;
            beta = if hi.is_finite() {
                f64::midpoint(beta, hi)
            } else {
                beta * 2.0
            };
        } else {
            hi = beta;
            beta = f64::midpoint(beta, lo);
        }
    }
    let sum: f64 = p.iter().sum();
    if sum > 0.0 {
        for pj in p.iter_mut() {
            *pj /= sum;
        }
    }
}

/// Reweights P by labels and renormalises it to sum 1 (the Embedding
/// Projector's "supervise by" for t-SNE, in this form):
///
/// p′ᵢⱼ ∝ pᵢⱼ · fᵢⱼ,  fᵢⱼ = 1 + w             if ℓᵢ = ℓⱼ,
///                    fᵢⱼ = 1 − w (1 − ε)     if ℓᵢ ≠ ℓⱼ,
///                    fᵢⱼ = 1                 if either is unlabelled,
///
/// with w the weight in 0..=1 and ε = 0.01: at w = 1 a same-label pair
/// weighs 200 times a different-label pair of equal affinity. P stays
/// symmetric (f is); only the pairs among the k nearest neighbours carry
/// affinity, so labels regroup neighbourhoods, they do not join far points.
pub fn supervise(p: &mut Sparse, s: &Supervision<'_>) {
    let w = s.weight;
    if !s.active() {
        return;
    }
    let (same, different) = (1.0 + w, 1.0 - w * (1.0 - DIFFERENT_AT_FULL_WEIGHT));
    for i in 0..p.rows() {
        let (a, b) = (p.row_start[i], p.row_start[i + 1]);
        let li = s.labels.get(i).copied().unwrap_or(UNLABELLED);
        for e in a..b {
            let lj = s
                .labels
                .get(p.col[e] as usize)
                .copied()
                .unwrap_or(UNLABELLED);
            if li == UNLABELLED || lj == UNLABELLED {
                continue;
            }
            p.val[e] *= if li == lj { same } else { different };
        }
    }
    let total: f64 = p.val.iter().sum();
    if total > 0.0 {
        for v in &mut p.val {
            *v /= total;
        }
    }
}
