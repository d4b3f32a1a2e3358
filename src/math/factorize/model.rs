//! A fitted factorization: its parameters and its predictions.

use nalgebra::{DMatrix, DMatrixView, Dyn};

use crate::data::Rating;

/// A fitted (or partly fitted) factorization. Cheap enough to clone once per
/// epoch for a history scrubber.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub(super) rank: usize,
    pub(super) biases: bool,
    pub(super) mu: f64,
    pub(super) scale: (f64, f64),
    pub(super) user_bias: Vec<f64>,
    pub(super) item_bias: Vec<f64>,
    /// P, users × rank, row-major: user u's factors are `p[u·k .. u·k + k]`.
    pub(super) p: Vec<f64>,
    /// Q, items × rank, row-major.
    pub(super) q: Vec<f64>,
}

/// One user's side of the model: factors p_u and bias b_u. From
/// [`Model::user`] for a trained user, or [`fold_in_user`] for a new or edited one.
#[derive(Clone, Debug, PartialEq)]
pub struct UserVector {
    pub factors: Vec<f64>,
    /// b_u (0 when the model has no biases).
    pub bias: f64,
}

impl Model {
    /// A model trained elsewhere (Spark's ALS, implicit): r̂_ui = p_u · q_i
    /// (+ b_i where `saved` has item biases), μ = 0 and no user bias, as its
    /// tool scores; predictions are not clipped (Spark's are not), so its
    /// RMSE is the one Spark's `RegressionEvaluator` reports.
    #[must_use]
    pub fn from_saved(saved: &crate::data::SavedModel) -> Self {
        let n_users = saved.users.len();
        let n_items = saved.items.len();
        Self {
            rank: saved.rank,
            biases: saved.item_bias.is_some(),
            mu: 0.0,
            scale: (f64::NEG_INFINITY, f64::INFINITY),
            user_bias: vec![0.0; n_users],
            item_bias: saved
                .item_bias
                .clone()
                .unwrap_or_else(|| vec![0.0; n_items]),
            p: saved.user_factors.clone(),
            q: saved.item_factors.clone(),
        }
    }

    /// A model from the factors and biases `factorize --save-users
    /// --save-items` writes (P and Q row-major, `rank` per row): r̂_ui =
    /// b_u + b_i + p_u · q_i, unclipped. μ is not saved with them, so it is
    /// 0 here: every prediction is the trained one less the constant μ,
    /// ranked the same.
    ///
    /// # Panics
    /// If P or Q is not `rank` numbers per user or item.
    #[must_use]
    pub fn from_factors(
        rank: usize,
        user_bias: Vec<f64>,
        item_bias: Vec<f64>,
        p: Vec<f64>,
        q: Vec<f64>,
    ) -> Self {
        assert_eq!(p.len(), user_bias.len() * rank, "P is users × rank");
        assert_eq!(q.len(), item_bias.len() * rank, "Q is items × rank");
        Self {
            rank,
            biases: true,
            mu: 0.0,
            scale: (f64::NEG_INFINITY, f64::INFINITY),
            user_bias,
            item_bias,
            p,
            q,
        }
    }

    #[must_use]
    pub fn n_users(&self) -> usize {
        self.user_bias.len()
    }

    #[must_use]
    pub fn n_items(&self) -> usize {
        self.item_bias.len()
    }

    /// k, the number of factors.
    #[must_use]
    pub fn rank(&self) -> usize {
        self.rank
    }

    /// Whether b_u and b_i are fitted.
    #[must_use]
    pub fn has_biases(&self) -> bool {
        self.biases
    }

    /// μ, the mean training rating.
    #[must_use]
    pub fn mu(&self) -> f64 {
        self.mu
    }

    /// The rating scale predictions are clipped to by [`predict`](Self::predict).
    #[must_use]
    pub fn scale(&self) -> (f64, f64) {
        self.scale
    }

    /// b_u for every user.
    #[must_use]
    pub fn user_biases(&self) -> &[f64] {
        &self.user_bias
    }

    /// b_i for every item.
    #[must_use]
    pub fn item_biases(&self) -> &[f64] {
        &self.item_bias
    }

    /// p_u, user `u`'s factors.
    #[must_use]
    pub fn user_factors(&self, u: usize) -> &[f64] {
        &self.p[u * self.rank..(u + 1) * self.rank]
    }

    /// q_i, item `i`'s factors.
    #[must_use]
    pub fn item_factors(&self, i: usize) -> &[f64] {
        &self.q[i * self.rank..(i + 1) * self.rank]
    }

    /// P, users × k, as a view (no copy).
    #[must_use]
    pub fn p(&self) -> DMatrixView<'_, f64, Dyn, Dyn> {
        DMatrixView::from_slice_with_strides(&self.p, self.n_users(), self.rank, self.rank, 1)
    }

    /// Q, items × k, as a view (no copy).
    #[must_use]
    pub fn q(&self) -> DMatrixView<'_, f64, Dyn, Dyn> {
        DMatrixView::from_slice_with_strides(&self.q, self.n_items(), self.rank, self.rank, 1)
    }

    /// User `u`'s factors and bias.
    #[must_use]
    pub fn user(&self, u: usize) -> UserVector {
        UserVector {
            factors: self.user_factors(u).to_vec(),
            bias: self.user_bias[u],
        }
    }

    /// r̂_ui = μ + b_u + b_i + p_u · q_i, unclipped.
    #[must_use]
    pub fn predict_raw(&self, u: usize, i: usize) -> f64 {
        self.mu
            + self.user_bias[u]
            + self.item_bias[i]
            + dot(self.user_factors(u), self.item_factors(i))
    }

    /// r̂_ui clipped to the rating scale: what a user is shown and what RMSEs use.
    #[must_use]
    pub fn predict(&self, u: usize, i: usize) -> f64 {
        self.clip(self.predict_raw(u, i))
    }

    /// r̂ for a user given by its vector (a folded-in user, say) and item `i`, unclipped.
    #[must_use]
    pub fn predict_for(&self, user: &UserVector, i: usize) -> f64 {
        self.mu + user.bias + self.item_bias[i] + dot(&user.factors, self.item_factors(i))
    }

    /// `x` clipped to the rating scale.
    #[must_use]
    pub fn clip(&self, x: f64) -> f64 {
        x.clamp(self.scale.0, self.scale.1)
    }

    /// The root mean squared error of the clipped predictions on `ratings`;
    /// `None` when there are none.
    #[must_use]
    pub fn rmse(&self, ratings: &[Rating]) -> Option<f64> {
        if ratings.is_empty() {
            return None;
        }
        let sse: f64 = ratings
            .iter()
            .map(|r| {
                let e = f64::from(r.value) - self.predict(r.user as usize, r.item as usize);
                e * e
            })
            .sum();
        Some((sse / ratings.len() as f64).sqrt())
    }

    /// The full users × items matrix of clipped predictions (for small data).
    #[must_use]
    pub fn predictions(&self) -> DMatrix<f64> {
        DMatrix::from_fn(self.n_users(), self.n_items(), |u, i| self.predict(u, i))
    }

    /// Copies `other` into `self`, reusing the allocations.
    pub(super) fn copy_from(&mut self, other: &Self) {
        self.rank = other.rank;
        self.biases = other.biases;
        self.mu = other.mu;
        self.scale = other.scale;
        self.user_bias.clone_from(&other.user_bias);
        self.item_bias.clone_from(&other.item_bias);
        self.p.clone_from(&other.p);
        self.q.clone_from(&other.q);
    }
}

/// Σ a_f b_f, with four running sums so the compiler can vectorize it.
pub(super) fn dot(a: &[f64], b: &[f64]) -> f64 {
    let (a4, a_rest) = a.as_chunks::<4>();
    let (b4, b_rest) = b.as_chunks::<4>();
    let mut acc = [0.0f64; 4];
    for (x, y) in a4.iter().zip(b4) {
        for f in 0..4 {
            acc[f] += x[f] * y[f];
        }
    }
    let tail: f64 = a_rest.iter().zip(b_rest).map(|(x, y)| x * y).sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// Fills `out` with standard normal draws by Box–Muller: each pair of uniforms
/// gives two, √(−2 ln u₁) · cos(2π u₂) and √(−2 ln u₁) · sin(2π u₂).
pub(super) fn fill_normal(rng: &mut fastrand::Rng, out: &mut [f64]) {
    for pair in out.chunks_mut(2) {
        let u1 = 1.0 - rng.f64(); // in (0, 1], so ln is finite
        let u2 = rng.f64();
        let radius = (-2.0 * u1.ln()).sqrt();
        let (sin, cos) = (std::f64::consts::TAU * u2).sin_cos();
        pair[0] = radius * cos;
        if let Some(second) = pair.get_mut(1) {
            *second = radius * sin;
        }
    }
}
