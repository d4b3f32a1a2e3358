//! Gradient descent on the loss over (β₀, β₁), as the Regression view draws
//! it: the slice through the least-squares minimum along the intercept and
//! the first slope (any other slopes held at their least-squares values), the
//! step size that descends fastest, the path, and the loss on a grid.

use super::{gradient_descent, loss, loss_grid};

/// A descent on y ≈ β₀ + β₁x (x optionally centred) and the loss grid
/// around it.
#[derive(Clone, Debug)]
pub struct Descent {
    /// The iterates (β₀, β₁), (0, 0) first.
    pub path: Vec<[f64; 2]>,
    /// The mean squared error at each iterate.
    pub losses: Vec<f64>,
    /// The closed-form minimum and its loss.
    pub minimum: [f64; 2],
    pub min_loss: f64,
    /// The step size used.
    pub rate: f64,
    /// Largest and smallest curvature (eigenvalues of the loss's Hessian
    /// (2/n)·XᵀX): descent diverges for rates above 2 / `curvature.0`.
    pub curvature: (f64, f64),
    /// Whether the last step left the finite numbers or grew the loss
    /// without bound (the rate was too large).
    pub diverged: bool,
    /// The grid's ranges along β₀ and β₁.
    pub b0: (f64, f64),
    pub b1: (f64, f64),
    /// Mean squared error on an `n` × `n` grid, β₀ varying fastest.
    pub grid: Vec<f64>,
    pub n: usize,
}

impl Descent {
    /// The index of the iterate `fraction` (0..=1) of the way along the path.
    #[must_use]
    pub fn step_at(&self, fraction: f32) -> usize {
        let last = self.path.len().saturating_sub(1);
        ((fraction.clamp(0.0, 1.0) * last as f32).round() as usize).min(last)
    }
}

/// Eigenvalues (largest, smallest) of the Hessian of the mean squared error
/// of y ≈ β₀ + β₁x: (2/n)·[[n, Σx], [Σx, Σx²]].
#[must_use]
pub fn curvature(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let sx = x.iter().sum::<f64>() / n;
    let sxx = x.iter().map(|v| v * v).sum::<f64>() / n;
    // 2·[[1, sx], [sx, sxx]]
    let (a, b, d) = (2.0, 2.0 * sx, 2.0 * sxx);
    let mean = f64::midpoint(a, d);
    let disc = (((a - d) / 2.0).powi(2) + b * b).sqrt();
    (mean + disc, (mean - disc).max(0.0))
}

/// The step 1/L: the steepest direction is settled in one step and no
/// direction overshoots (2 / (L + μ) is faster in theory but zigzags across
/// a long valley, and every rate above 2/L diverges).
#[must_use]
pub fn safe_rate(curvature: (f64, f64)) -> f64 {
    1.0 / curvature.0
}

/// Descends from (0, 0) on the mean squared error of y ≈ β₀ + β₁x with
/// `rate` (or [`safe_rate`]) for `steps` steps, and samples the loss on an
/// `n` × `n` grid that holds the start, the minimum and most of the path.
/// `y` and `x` must be finite, with at least two distinct x values.
#[must_use]
pub fn descend(y: &[f64], x: &[f64], rate: Option<f64>, steps: usize, n: usize) -> Descent {
    let curv = curvature(x);
    let rate = rate.unwrap_or_else(|| safe_rate(curv));
    let path: Vec<[f64; 2]> = gradient_descent(y, &[x], &[0.0, 0.0], rate, steps)
        .into_iter()
        .map(|b| [b[0], b[1]])
        .collect();
    let minimum = closed_form(y, x);
    let losses = path.iter().map(|b| loss(y, &[x], b)).collect();
    let min_loss = loss(y, &[x], &minimum);
    let diverged = path.len() < steps + 1 && !converged(&path, minimum) || rate > 2.0 / curv.0;
    // The grid holds the start and the minimum with a margin; a diverging
    // path runs off it.
    let span = |a: f64, b: f64| {
        let (lo, hi) = (a.min(b), a.max(b));
        let pad = ((hi - lo) * 0.15).max(hi.abs().max(1.0) * 0.1);
        (lo - pad, hi + pad)
    };
    // A path that stays bounded is shown whole.
    let reach = |k: usize, m: f64| {
        let far = if diverged {
            (0.0_f64.min(m), 0.0_f64.max(m))
        } else {
            path.iter()
                .fold((0.0_f64.min(m), 0.0_f64.max(m)), |(a, b), p| {
                    (a.min(p[k]), b.max(p[k]))
                })
        };
        span(far.0, far.1)
    };
    let b0 = reach(0, minimum[0]);
    let b1 = reach(1, minimum[1]);
    let grid = loss_grid(y, x, b0, b1, n, n);
    Descent {
        path,
        losses,
        minimum,
        min_loss,
        rate,
        curvature: curv,
        diverged,
        b0,
        b1,
        grid,
        n,
    }
}

fn converged(path: &[[f64; 2]], minimum: [f64; 2]) -> bool {
    path.last().is_some_and(|p| {
        let d = (p[0] - minimum[0]).hypot(p[1] - minimum[1]);
        d <= 1e-6 * minimum[0].hypot(minimum[1]).max(1.0)
    })
}

/// Least squares for one predictor in closed form: (β₀, β₁).
#[must_use]
pub fn closed_form(y: &[f64], x: &[f64]) -> [f64; 2] {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxy = x
        .iter()
        .zip(y)
        .map(|(a, b)| (a - mx) * (b - my))
        .sum::<f64>();
    let sxx = x.iter().map(|a| (a - mx).powi(2)).sum::<f64>();
    let b1 = sxy / sxx;
    [my - b1 * mx, b1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descent_at_rate_one_over_l_reaches_the_closed_form() {
        let (x, y) = super::super::anscombe(0).unwrap();
        let d = descend(&y, &x, None, 40_000, 20);
        let last = d.path.last().unwrap();
        assert!((last[0] - 3.000_090_909).abs() < 1e-6, "{last:?}");
        assert!((last[1] - 0.500_090_909).abs() < 1e-7, "{last:?}");
        assert!(!d.diverged);
        assert_eq!(d.grid.len(), 400);
    }

    #[test]
    fn a_rate_above_two_over_l_diverges() {
        let (x, y) = super::super::anscombe(0).unwrap();
        let l = curvature(&x).0;
        let d = descend(&y, &x, Some(2.2 / l), 200, 10);
        assert!(d.diverged);
        let first = d.path[1];
        let last = d.path.last().unwrap();
        assert!(last[1].abs() > 100.0 * first[1].abs());
    }
}
