//! What the regression pictures draw, computed here (no egui): Anscombe's
//! quartet, the observation-space numbers (|y|, |ŷ|, |r|, the angle,
//! cos²θ = R²), the ridge coefficient path and the loss over (β₀, β₁).

use nalgebra::DVector;

use super::{Ols, RegressError, ridge};

/// x of Anscombe's sets I–III (Anscombe 1973, "Graphs in Statistical
/// Analysis", The American Statistician 27(1); public domain).
const ANSCOMBE_X: [f64; 11] = [10., 8., 13., 9., 11., 14., 6., 4., 12., 7., 5.];
const ANSCOMBE_X4: [f64; 11] = [8., 8., 8., 8., 8., 8., 8., 19., 8., 8., 8.];
const ANSCOMBE_Y: [[f64; 11]; 4] = [
    [
        8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68,
    ],
    [
        9.14, 8.14, 8.74, 8.77, 9.26, 8.10, 6.13, 3.10, 9.13, 7.26, 4.74,
    ],
    [
        7.46, 6.77, 12.74, 7.11, 7.81, 8.84, 6.08, 5.39, 8.15, 6.42, 5.73,
    ],
    [
        6.58, 5.76, 7.71, 8.84, 8.47, 7.04, 5.25, 12.50, 5.56, 7.91, 6.89,
    ],
];

/// Anscombe's set `set` (0–3) as (x, y); `None` beyond 3.
#[must_use]
pub fn anscombe(set: usize) -> Option<(Vec<f64>, Vec<f64>)> {
    let y = ANSCOMBE_Y.get(set)?;
    let x = if set == 3 { ANSCOMBE_X4 } else { ANSCOMBE_X };
    Some((x.to_vec(), y.to_vec()))
}

/// The observation-space picture by its numbers, on the centred vectors
/// (the intercept's direction taken out): |y − ȳ|, |ŷ − ȳ|, |r|, the angle θ
/// between y − ȳ and ŷ − ȳ, and cos²θ, which is R².
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Projection {
    pub y_norm: f64,
    pub fitted_norm: f64,
    pub residual_norm: f64,
    /// Radians; `NaN` when y or ŷ is constant.
    pub angle: f64,
    pub cos2: f64,
}

/// The [`Projection`] numbers of a fit of `y`.
#[must_use]
pub fn projection(fit: &Ols, y: &[f64]) -> Projection {
    let n = y.len() as f64;
    let mean = y.iter().sum::<f64>() / n;
    let yc = DVector::from_iterator(y.len(), y.iter().map(|v| v - mean));
    let fc = fit.fitted.map(|v| v - mean);
    let (a, b) = (yc.norm(), fc.norm());
    let cos = (yc.dot(&fc) / (a * b)).clamp(-1.0, 1.0);
    Projection {
        y_norm: a,
        fitted_norm: b,
        residual_norm: fit.residuals.norm(),
        angle: cos.acos(),
        cos2: cos * cos,
    }
}

/// Ridge coefficients (intercept first) for each λ in `lambdas`.
///
/// # Errors
/// Those of [`ridge`].
pub fn ridge_path(
    y: &[f64],
    xs: &[&[f64]],
    names: &[String],
    lambdas: &[f64],
) -> Result<Vec<DVector<f64>>, RegressError> {
    lambdas.iter().map(|&l| ridge(y, xs, names, l)).collect()
}

/// The mean squared error of y ≈ β₀ + β₁x on an `nx` × `ny` grid over
/// `b0` × `b1` (inclusive ranges), row-major with β₀ varying fastest: for a
/// contour map.
#[must_use]
pub fn loss_grid(
    y: &[f64],
    x: &[f64],
    b0: (f64, f64),
    b1: (f64, f64),
    nx: usize,
    ny: usize,
) -> Vec<f64> {
    // Expand (1/n)Σ(y − β₀ − β₁x)² in the sums once: O(1) per grid point.
    let n = y.len() as f64;
    let (sy, sx) = (y.iter().sum::<f64>(), x.iter().sum::<f64>());
    let syy = y.iter().map(|v| v * v).sum::<f64>();
    let sxx = x.iter().map(|v| v * v).sum::<f64>();
    let sxy = x.iter().zip(y).map(|(a, b)| a * b).sum::<f64>();
    let at = |lo: f64, hi: f64, i: usize, m: usize| {
        if m < 2 {
            lo
        } else {
            lo + (hi - lo) * i as f64 / (m - 1) as f64
        }
    };
    let mut out = Vec::with_capacity(nx * ny);
    for j in 0..ny {
        let c1 = at(b1.0, b1.1, j, ny);
        for i in 0..nx {
            let c0 = at(b0.0, b0.1, i, nx);
            let sse = syy - 2.0 * c0 * sy - 2.0 * c1 * sxy
                + n * c0 * c0
                + 2.0 * c0 * c1 * sx
                + c1 * c1 * sxx;
            out.push(sse / n);
        }
    }
    out
}
