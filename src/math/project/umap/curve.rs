//! UMAP's output kernel 1 / (1 + a d^(2b)), with a and b fitted by least
//! squares to the curve min-dist and spread describe (umap-learn's
//! `find_ab_params`): 1 for d < min_dist, exp(−(d − min_dist)/spread) beyond,
//! on 300 points of [0, 3·spread]. Levenberg–Marquardt from a = b = 1.

/// (a, b) for `min_dist` and `spread` (0 ≤ min_dist < spread).
#[must_use]
pub fn fit_ab(min_dist: f64, spread: f64) -> (f64, f64) {
    let xs: Vec<f64> = (0..300)
        .map(|i| 3.0 * spread * f64::from(i) / 299.0)
        .collect();
    let ys: Vec<f64> = xs
        .iter()
        .map(|&x| {
            if x < min_dist {
                1.0
            } else {
                (-(x - min_dist) / spread).exp()
            }
        })
        .collect();
    let cost = |a: f64, b: f64| -> f64 {
        xs.iter()
            .zip(&ys)
            .map(|(&x, &y)| (model(a, b, x) - y).powi(2))
            .sum()
    };
    let (mut a, mut b) = (1.0f64, 1.0f64);
    let mut lambda = 1e-3;
    let mut current = cost(a, b);
    for _ in 0..500 {
        // Normal equations JᵀJ δ = −Jᵀr for r = f − y.
        let (mut jaa, mut jab, mut jbb, mut ga, mut gb) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for (&x, &y) in xs.iter().zip(&ys) {
            let (da, db) = partials(a, b, x);
            let r = model(a, b, x) - y;
            jaa += da * da;
            jab += da * db;
            jbb += db * db;
            ga += da * r;
            gb += db * r;
        }
        let (maa, mbb) = (jaa * (1.0 + lambda), jbb * (1.0 + lambda));
        let det = maa * mbb - jab * jab;
        if det.abs() < f64::MIN_POSITIVE {
            break;
        }
        let step_a = -(mbb * ga - jab * gb) / det;
        let step_b = -(maa * gb - jab * ga) / det;
        let (na, nb) = (a + step_a, b + step_b);
        let next = if na > 0.0 && nb > 0.0 {
            cost(na, nb)
        } else {
            f64::INFINITY
        };
        if next < current {
            let gain = current - next;
            (a, b, current) = (na, nb, next);
            lambda = (lambda / 10.0).max(1e-12);
            if gain < 1e-15 * current.max(1e-300) && step_a.abs() + step_b.abs() < 1e-12 {
                break;
            }
        } else {
            lambda *= 10.0;
            if lambda > 1e12 {
                break;
            }
        }
    }
    (a, b)
}

/// 1 / (1 + a x^(2b)).
fn model(a: f64, b: f64, x: f64) -> f64 {
    1.0 / (1.0 + a * x.powf(2.0 * b))
}

/// (∂/∂a, ∂/∂b) of the model at x.
fn partials(a: f64, b: f64, x: f64) -> (f64, f64) {
    if x <= 0.0 {
        return (0.0, 0.0);
    }
    let t = x.powf(2.0 * b);
    let denominator = (1.0 + a * t).powi(2);
    (-t / denominator, -a * t * 2.0 * x.ln() / denominator)
}
