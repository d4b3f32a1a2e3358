//! Descriptive statistics of a dataset: per-column summaries and the
//! covariance and correlation matrices.
//!
//! Missing values are `NaN` and are never treated as 0: a column summary skips
//! them and counts them; the matrices use the rows where every chosen column is
//! present (listwise deletion) and say how many rows that was.

use nalgebra::DMatrix;

/// Summary of one numeric column. `std` uses the n−1 denominator, as NumPy's
/// `ddof=1` and pandas' `describe()` do.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ColumnStats {
    /// Present (non-missing) values.
    pub count: usize,
    /// Missing (`NaN`) cells.
    pub missing: usize,
    pub mean: f64,
    pub std: f64,
    pub min: f64,
    pub max: f64,
}

/// Summarizes `values`, skipping missing (`NaN`) cells.
///
/// With no present values, mean, std, min and max are `NaN`; with one, std is `NaN`.
#[must_use]
pub fn column_stats(values: &[f64]) -> ColumnStats {
    // Welford's online algorithm: numerically stable mean and sum of squared deviations.
    let (mut count, mut mean, mut m2) = (0usize, 0.0f64, 0.0f64);
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    for &x in values.iter().filter(|x| !x.is_nan()) {
        count += 1;
        let delta = x - mean;
        mean += delta / count as f64;
        m2 += delta * (x - mean);
        min = min.min(x);
        max = max.max(x);
    }
    let missing = values.len() - count;
    if count == 0 {
        return ColumnStats {
            count,
            missing,
            mean: f64::NAN,
            std: f64::NAN,
            min: f64::NAN,
            max: f64::NAN,
        };
    }
    let std = if count > 1 {
        (m2 / (count - 1) as f64).sqrt()
    } else {
        f64::NAN
    };
    ColumnStats {
        count,
        missing,
        mean,
        std,
        min,
        max,
    }
}

/// The covariance and correlation matrices of some columns.
#[derive(Clone, Debug, PartialEq)]
pub struct Covariance {
    /// Σ = XcᵀXc / (n − 1), where Xc is the centred data (d × d).
    pub cov: DMatrix<f64>,
    /// ρᵢⱼ = Σᵢⱼ / (σᵢ σⱼ); `NaN` where a column has zero variance.
    pub corr: DMatrix<f64>,
    /// Rows used: those where every column is present and finite.
    pub n_used: usize,
}

/// Covariance and correlation of `columns` (each a column of the same length),
/// over the rows where all of them are present and finite.
///
/// With fewer than two usable rows every entry is `NaN`.
#[must_use]
pub fn covariance(columns: &[&[f64]]) -> Covariance {
    let d = columns.len();
    let n = columns.iter().map(|c| c.len()).min().unwrap_or(0);
    let usable = |row: usize| columns.iter().all(|c| c[row].is_finite());

    // Two passes (mean, then centred cross products) for accuracy.
    let mut mean = vec![0.0; d];
    let mut n_used = 0usize;
    for row in (0..n).filter(|&r| usable(r)) {
        n_used += 1;
        for (m, c) in mean.iter_mut().zip(columns) {
            *m += c[row];
        }
    }
    if n_used < 2 {
        return Covariance {
            cov: DMatrix::from_element(d, d, f64::NAN),
            corr: DMatrix::from_element(d, d, f64::NAN),
            n_used,
        };
    }
    for m in &mut mean {
        *m /= n_used as f64;
    }
    let mut cov: DMatrix<f64> = DMatrix::zeros(d, d);
    let mut centred = vec![0.0; d];
    for row in (0..n).filter(|&r| usable(r)) {
        for ((x, c), m) in centred.iter_mut().zip(columns).zip(&mean) {
            *x = c[row] - m;
        }
        for i in 0..d {
            for j in i..d {
                cov[(i, j)] += centred[i] * centred[j];
            }
        }
    }
    let denom = (n_used - 1) as f64;
    for i in 0..d {
        for j in i..d {
            cov[(i, j)] /= denom;
            cov[(j, i)] = cov[(i, j)];
        }
    }
    let corr = DMatrix::from_fn(d, d, |i, j| {
        let s = (cov[(i, i)] * cov[(j, j)]).sqrt();
        if s > 0.0 {
            (cov[(i, j)] / s).clamp(-1.0, 1.0)
        } else {
            f64::NAN
        }
    });
    Covariance { cov, corr, n_used }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Mean, std (n−1), min, max and the missing count agree with hand-computed values.
    #[test]
    fn column_stats_skips_missing() {
        let s = column_stats(&[1.0, f64::NAN, 3.0, 5.0]);
        assert_eq!(s.count, 3);
        assert_eq!(s.missing, 1);
        assert!((s.mean - 3.0).abs() < 1e-12);
        assert!((s.std - 2.0).abs() < 1e-12);
        assert_eq!((s.min, s.max), (1.0, 5.0));
    }

    /// Covariance uses n−1 and correlation is ±1 for exactly linear columns.
    #[test]
    fn covariance_of_linear_columns() {
        let x = [1.0, 2.0, 3.0, 4.0];
        let y = [8.0, 6.0, 4.0, 2.0];
        let c = covariance(&[&x, &y]);
        assert_eq!(c.n_used, 4);
        assert!((c.cov[(0, 0)] - 5.0 / 3.0).abs() < 1e-12);
        assert!((c.cov[(0, 1)] + 10.0 / 3.0).abs() < 1e-12);
        assert!((c.corr[(0, 1)] + 1.0).abs() < 1e-12);
        assert!((c.corr[(1, 1)] - 1.0).abs() < 1e-12);
    }

    /// Rows with a missing value in any column are left out of every entry.
    #[test]
    fn covariance_listwise_deletion() {
        let x = [1.0, 2.0, f64::NAN, 3.0];
        let y = [1.0, 2.0, 100.0, 3.0];
        let c = covariance(&[&x, &y]);
        assert_eq!(c.n_used, 3);
        assert!((c.cov[(1, 1)] - 1.0).abs() < 1e-12);
    }
}
