//! Stochastic gradient descent: Funk's update, on an f32 working copy.

use std::sync::{Mutex, PoisonError};

use super::Model;
use super::model::dot;
use crate::data::Rating;

/// SGD's working copy of the model, in f32: half the memory traffic and twice
/// the SIMD lanes of f64, with ample precision for steps of size γ·e ≈ 10⁻³.
/// The f64 [`Model`] is refreshed from it after every epoch (exactly: f32 → f64
/// is lossless), so statistics and snapshots see the same numbers.
#[derive(Debug)]
pub(super) struct SgdState {
    /// The parameters being trained.
    weights: Weights32,
    /// The visiting order, reshuffled every epoch.
    order: Vec<Rating>,
    /// Whether the parameters are one epoch ahead of the model, trained by
    /// [`advance`](Self::advance) beside the statistics of the epoch before,
    /// which [`snapshot`](Self::snapshot) holds.
    ahead: bool,
    /// The parameters of the epoch before, while `ahead`.
    snapshot: Weights32,
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
            weights: Weights32 {
                mu,
                user_bias: narrow(&mut model.user_bias),
                item_bias: narrow(&mut model.item_bias),
                p: narrow(&mut model.p),
                q: narrow(&mut model.q),
            },
            order: train,
            ahead: false,
            snapshot: Weights32::default(),
        }
    }

    /// Moves to the next epoch and returns `stats` of it, having written its
    /// parameters into `model`. An epoch is a fresh shuffle of the visiting
    /// order, then [`pass`]. With `train_ahead`, the epoch after
    /// it is trained at once, on this thread, while another computes `stats`
    /// (given `false`: one thread) from an exact copy of the epoch's
    /// parameters; the next call then only measures. The numbers are the
    /// same either way: the draws of the shuffles come in the same order.
    pub(super) fn advance<R: Send>(
        &mut self,
        rng: &mut fastrand::Rng,
        settings: (usize, f32, f32, bool),
        train_ahead: bool,
        model: &mut Model,
        stats: impl Fn(&Params<'_, f32>, bool) -> R + Sync,
    ) -> R {
        let k = settings.0;
        if self.ahead {
            self.ahead = false;
        } else {
            self.shuffle_and_pass(rng, settings);
        }
        if !train_ahead {
            self.write_to(model);
            return stats(&self.params(k), true);
        }
        let mut snapshot = std::mem::take(&mut self.snapshot);
        snapshot.copy_from(&self.weights);
        snapshot.write_to(model);
        self.ahead = true;
        let out = self.shuffle_and_pass_beside(rng, settings, || stats(&snapshot.params(k), false));
        self.snapshot = snapshot;
        out
    }

    /// A fresh shuffle of the visiting order, then [`pass`].
    pub(super) fn shuffle_and_pass(
        &mut self,
        rng: &mut fastrand::Rng,
        (k, lr, reg, biases): (usize, f32, f32, bool),
    ) {
        rng.shuffle(&mut self.order);
        let Weights32 {
            mu,
            user_bias,
            item_bias,
            p,
            q,
        } = &mut self.weights;
        pass(
            &self.order,
            (*mu, user_bias, item_bias, p, q),
            (k, lr, reg, biases),
        );
    }

    /// [`shuffle_and_pass`](Self::shuffle_and_pass) while another thread
    /// runs `beside`, whose result it returns (without a second thread, in
    /// turn).
    fn shuffle_and_pass_beside<R: Send>(
        &mut self,
        rng: &mut fastrand::Rng,
        settings: (usize, f32, f32, bool),
        beside: impl FnOnce() -> R + Send,
    ) -> R {
        // The helper's work, taken by the thread that runs it: the spawned
        // one, or this one if no thread could be spawned.
        let job = Mutex::new(Some(beside));
        let take = || job.lock().unwrap_or_else(PoisonError::into_inner).take();
        let out = std::thread::scope(|s| {
            let spawned = std::thread::Builder::new()
                .spawn_scoped(s, || take().map(|beside| beside()))
                .ok();
            self.shuffle_and_pass(rng, settings);
            let done =
                spawned.and_then(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
            done.or_else(|| take().map(|beside| beside()))
        });
        let Some(out) = out else {
            unreachable!("the work beside runs on one thread or the other")
        };
        out
    }

    /// The working parameters, borrowed.
    pub(super) fn params(&self, k: usize) -> Params<'_, f32> {
        self.weights.params(k)
    }

    /// Copies the working state into `model`.
    pub(super) fn write_to(&self, model: &mut Model) {
        self.weights.write_to(model);
    }
}

/// One pass over `order`: for each rating, e = r − r̂, then
/// b_u += γ (e − λ b_u), b_i += γ (e − λ b_i),
/// p_u += γ (e q_i − λ p_u), q_i += γ (e p_u − λ q_i) (old values on the right), on the
/// parameters (μ, b_u, b_i, P, Q) with the settings (k, γ, λ, biases).
fn pass(
    order: &[Rating],
    (mu, user_bias, item_bias, p, q): (f32, &mut [f32], &mut [f32], &mut [f32], &mut [f32]),
    (k, lr, reg, biases): (usize, f32, f32, bool),
) {
    for r in order {
        let (u, i) = (r.user as usize, r.item as usize);
        let pu = &mut p[u * k..(u + 1) * k];
        let qi = &mut q[i * k..(i + 1) * k];
        let err = r.value - (mu + user_bias[u] + item_bias[i] + dot32(pu, qi));
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

/// SGD's parameters in f32 (μ, b_u, b_i, P, Q): the ones being trained, and
/// a copy of them after an epoch, for statistics computed while the next
/// epoch trains.
#[derive(Debug, Default)]
struct Weights32 {
    mu: f32,
    user_bias: Vec<f32>,
    item_bias: Vec<f32>,
    p: Vec<f32>,
    q: Vec<f32>,
}

impl Weights32 {
    /// Makes this a copy of `state`.
    fn copy_from(&mut self, state: &Self) {
        let copy = |dst: &mut Vec<f32>, src: &[f32]| {
            dst.clear();
            dst.extend_from_slice(src);
        };
        self.mu = state.mu;
        copy(&mut self.user_bias, &state.user_bias);
        copy(&mut self.item_bias, &state.item_bias);
        copy(&mut self.p, &state.p);
        copy(&mut self.q, &state.q);
    }

    /// The parameters, borrowed.
    fn params(&self, k: usize) -> Params<'_, f32> {
        Params {
            k,
            mu: f64::from(self.mu),
            user_bias: &self.user_bias,
            item_bias: &self.item_bias,
            p: &self.p,
            q: &self.q,
        }
    }

    /// Copies the parameters into `model` (exactly: f32 → f64 is lossless).
    fn write_to(&self, model: &mut Model) {
        widen(&mut model.user_bias, &self.user_bias);
        widen(&mut model.item_bias, &self.item_bias);
        widen(&mut model.p, &self.p);
        widen(&mut model.q, &self.q);
    }
}

/// dst = src, widened to f64.
fn widen(dst: &mut [f64], src: &[f32]) {
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = f64::from(s);
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
