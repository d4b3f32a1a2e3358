//! Matrices as the scene stores them: rows of numbers, sized by the mode.

use nalgebra::{Matrix2, Matrix3, SMatrix};

use crate::math::transform::compose;
use crate::scene::TransformMode;

/// The matrix a mode shows when the scene gives none.
pub(super) fn example(mode: TransformMode) -> Vec<Vec<f64>> {
    match mode {
        TransformMode::Plane => vec![vec![1.5, 0.5], vec![0.25, 1.0]],
        TransformMode::Space => vec![
            vec![1.2, 0.3, 0.0],
            vec![0.1, 0.9, 0.4],
            vec![0.0, 0.2, 1.1],
        ],
    }
}

pub(super) fn identity_rows(n: usize) -> Vec<Vec<f64>> {
    (0..n)
        .map(|i| (0..n).map(|j| f64::from(u8::from(i == j))).collect())
        .collect()
}

/// `rows` resized to n×n: cut, or padded with the identity's entries.
pub(super) fn resize(rows: &[Vec<f64>], n: usize) -> Vec<Vec<f64>> {
    (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    rows.get(i)
                        .and_then(|r| r.get(j))
                        .copied()
                        .filter(|x| x.is_finite())
                        .unwrap_or(f64::from(u8::from(i == j)))
                })
                .collect()
        })
        .collect()
}

/// The matrix of `rows`; a missing or non-finite entry is the identity's.
pub(super) fn from_rows<const N: usize>(rows: &[Vec<f64>]) -> SMatrix<f64, N, N> {
    SMatrix::from_fn(|i, j| {
        rows.get(i)
            .and_then(|r| r.get(j))
            .copied()
            .filter(|x| x.is_finite())
            .unwrap_or(f64::from(u8::from(i == j)))
    })
}

pub(super) fn to_rows<const N: usize>(m: &SMatrix<f64, N, N>) -> Vec<Vec<f64>> {
    (0..N)
        .map(|i| (0..N).map(|j| clean(m[(i, j)])).collect())
        .collect()
}

/// The product of a composition's `steps` (the first acts first), as rows.
pub(super) fn product(mode: TransformMode, steps: &[Vec<Vec<f64>>]) -> Vec<Vec<f64>> {
    match mode {
        TransformMode::Plane => {
            let ms: Vec<Matrix2<f64>> = steps.iter().map(|m| from_rows(m)).collect();
            to_rows(&compose(&ms))
        }
        TransformMode::Space => {
            let ms: Vec<Matrix3<f64>> = steps.iter().map(|m| from_rows(m)).collect();
            to_rows(&compose(&ms))
        }
    }
}

/// Rounds away float noise (1e-17 → 0, 0.30000000000000004 → 0.3) for display and saving.
pub(super) fn clean(x: f64) -> f64 {
    let r = (x * 1e9).round() / 1e9;
    if r == 0.0 { 0.0 } else { r }
}
