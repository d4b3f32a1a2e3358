//! Stochastic gradient descent: Funk's update, on an f32 working copy.

use super::Model;
use super::model::dot;
use crate::data::Rating;

/// SGD's working copy of the model, in f32: half the memory traffic and twice
/// the SIMD lanes of f64, with ample precision for steps of size γ·e ≈ 10⁻³.
/// The f64 [`Model`] is refreshed from it after every epoch (exactly: f32 → f64
/// is lossless), so statistics and snapshots see the same numbers.
#[derive(Debug)]
pub(super) struct SgdState {
    pub(super) mu: f32,
    pub(super) user_bias: Vec<f32>,
    pub(super) item_bias: Vec<f32>,
    pub(super) p: Vec<f32>,
    pub(super) q: Vec<f32>,
    /// The visiting order, reshuffled every epoch.
    order: Vec<Rating>,
}

impl SgdState {
    /// The working copy of `model`, which is rounded to f32 precision so the
    /// two agree; `train`, in its order, is the first epoch's order before
    /// the shuffle.
    pub(super) fn new(model: &mut Model, train: Vec<Rating>) -> Self {
        let narrow = |v: &mut Vec<f64>| -> Vec<f32> {
            let out: Vec<f32> = v.iter().map(|&x| x as f32).collect();
            for (x, &y) in v.iter_mut().zip(&out) {
                *x = f64::from(y);
            }
            out
        };
        let mu = model.mu as f32;
        model.mu = f64::from(mu);
        Self {
            mu,
            user_bias: narrow(&mut model.user_bias),
            item_bias: narrow(&mut model.item_bias),
            p: narrow(&mut model.p),
            q: narrow(&mut model.q),
            order: train,
        }
    }

    /// One pass: for each rating, e = r − r̂, then
    /// b_u += γ (e − λ b_u), b_i += γ (e − λ b_i),
    /// p_u += γ (e q_i − λ p_u), q_i += γ (e p_u − λ q_i) (old values on the right).
    pub(super) fn epoch(
        &mut self,
        rng: &mut fastrand::Rng,
        k: usize,
        lr: f32,
        reg: f32,
        biases: bool,
    ) {
        rng.shuffle(&mut self.order);
        let Self {
            mu,
            user_bias,
            item_bias,
            p,
            q,
            order,
        } = self;
        for r in order.iter() {
            let (u, i) = (r.user as usize, r.item as usize);
            let pu = &mut p[u * k..(u + 1) * k];
            let qi = &mut q[i * k..(i + 1) * k];
            let err = r.value - (*mu + user_bias[u] + item_bias[i] + dot32(pu, qi));
            if biases {
                user_bias[u] += lr * (err - reg * user_bias[u]);
                item_bias[i] += lr * (err - reg * item_bias[i]);
            }
            // p + γ (e q − λ p) = (1 − γλ) p + γe q: the same step in fewer operations.
            let (shrink, step) = (1.0 - lr * reg, lr * err);
            for (pf, qf) in pu.iter_mut().zip(qi.iter_mut()) {
                let (a, b) = (*pf, *qf);
                *pf = shrink * a + step * b;
                *qf = shrink * b + step * a;
            }
        }
    }

    /// Copies the working state into `model`.
    pub(super) fn write_to(&self, model: &mut Model) {
        let widen = |dst: &mut [f64], src: &[f32]| {
            for (d, &s) in dst.iter_mut().zip(src) {
                *d = f64::from(s);
            }
        };
        widen(&mut model.user_bias, &self.user_bias);
        widen(&mut model.item_bias, &self.item_bias);
        widen(&mut model.p, &self.p);
        widen(&mut model.q, &self.q);
    }
}

/// f32 or f64, for code that reads either the model or SGD's working copy.
pub(super) trait Real: Copy + Into<f64> {
    /// Σ a_f b_f.
    fn dot(a: &[Self], b: &[Self]) -> Self;
}

impl Real for f32 {
    fn dot(a: &[Self], b: &[Self]) -> Self {
        dot32(a, b)
    }
}

impl Real for f64 {
    fn dot(a: &[Self], b: &[Self]) -> Self {
        dot(a, b)
    }
}

/// A model's parameters, borrowed: the [`Model`]'s (f64) or SGD's working copy (f32).
pub(super) struct Params<'a, T> {
    pub(super) k: usize,
    pub(super) mu: f64,
    pub(super) user_bias: &'a [T],
    pub(super) item_bias: &'a [T],
    pub(super) p: &'a [T],
    pub(super) q: &'a [T],
}

impl<T: Real> Params<'_, T> {
    /// r̂_ui = μ + b_u + b_i + p_u · q_i, unclipped, summed in f64.
    pub(super) fn predict_raw(&self, u: usize, i: usize) -> f64 {
        let k = self.k;
        let d = T::dot(&self.p[u * k..(u + 1) * k], &self.q[i * k..(i + 1) * k]);
        self.mu + self.user_bias[u].into() + self.item_bias[i].into() + d.into()
    }
}

/// Σ a_f b_f in f32, with eight running sums so the compiler can vectorize it.
#[inline]
fn dot32(a: &[f32], b: &[f32]) -> f32 {
    let (a8, a_rest) = a.as_chunks::<8>();
    let (b8, b_rest) = b.as_chunks::<8>();
    // Two groups of four lanes, summed lane-wise and then (0 + 1) + (2 + 3):
    // a shape LLVM's SLP vectorizer turns into full 4-wide SSE operations
    // (other orders of the final sum give it 2-wide ones).
    let (mut lo, mut hi) = ([0.0f32; 4], [0.0f32; 4]);
    for (x, y) in a8.iter().zip(b8) {
        for f in 0..4 {
            lo[f] += x[f] * y[f];
            hi[f] += x[f + 4] * y[f + 4];
        }
    }
    let tail: f32 = a_rest.iter().zip(b_rest).map(|(x, y)| x * y).sum();
    let h: [f32; 4] = std::array::from_fn(|f| lo[f] + hi[f]);
    (h[0] + h[1]) + (h[2] + h[3]) + tail
}
