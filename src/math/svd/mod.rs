//! A picture is a matrix: its singular value decomposition, the rank-k
//! pictures it rebuilds, and the numbers that go with them (Eckart–Young bound,
//! energy kept, storage). Pure numerics: faer decomposes and multiplies,
//! nalgebra holds the matrices at the boundary. No egui, no files.

pub mod channels;
mod picture;
mod rebuild;

use std::ops::Range;

use faer::linalg::matmul::matmul;
use faer::{Accum, MatMut, MatRef, Par};
use nalgebra::DMatrix;

pub use channels::{Channels, channel_matrices, luminance};
pub use picture::{PictureSvd, to_rgb8};
pub use rebuild::Rebuild;

/// Largest side accepted for a full decomposition.
pub const MAX_SIDE: usize = 2048;

/// The SVD `A = U Σ Vᵀ` of an m × n matrix, singular values in descending order.
#[derive(Clone, Debug)]
pub struct Svd {
    /// m × r, r = min(m, n): left singular vectors as columns.
    pub u: DMatrix<f64>,
    /// r singular values, largest first.
    pub sigma: Vec<f64>,
    /// r × n: right singular vectors as rows.
    pub v_t: DMatrix<f64>,
}

/// Why a matrix was not decomposed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SvdError {
    #[error("the matrix is empty ({rows} × {cols})")]
    Empty { rows: usize, cols: usize },
    #[error("the matrix is {rows} × {cols}; the largest side decomposed is {MAX_SIDE}")]
    TooLarge { rows: usize, cols: usize },
    #[error("the matrix has a value that is not a finite number")]
    NotFinite,
    #[error("the SVD did not converge")]
    NoConvergence,
}

impl Svd {
    /// Full (thin) SVD of `a`.
    ///
    /// # Errors
    /// An empty matrix, a side over [`MAX_SIDE`], or a non-finite entry.
    pub fn of(a: &DMatrix<f64>) -> Result<Self, SvdError> {
        let (rows, cols) = a.shape();
        if rows == 0 || cols == 0 {
            return Err(SvdError::Empty { rows, cols });
        }
        if rows > MAX_SIDE || cols > MAX_SIDE {
            return Err(SvdError::TooLarge { rows, cols });
        }
        if a.iter().any(|x| !x.is_finite()) {
            return Err(SvdError::NotFinite);
        }
        // nalgebra stores column-major, as faer reads it: no copy.
        let view = MatRef::from_column_major_slice(a.as_slice(), rows, cols);
        let svd = view.thin_svd().map_err(|_| SvdError::NoConvergence)?;
        let s: Vec<f64> = svd.S().column_vector().iter().copied().collect();
        let mut order: Vec<usize> = (0..s.len()).collect();
        // faer returns them descending already; sorting keeps that a
        // property of this type rather than of the library's version.
        order.sort_by(|&i, &j| s[j].total_cmp(&s[i]));
        let sigma = order.iter().map(|&i| s[i].max(0.0)).collect();
        let (u, v) = (svd.U(), svd.V());
        let u = DMatrix::from_fn(rows, order.len(), |r, c| u[(r, order[c])]);
        let v_t = DMatrix::from_fn(order.len(), cols, |r, c| v[(c, order[r])]);
        Ok(Self { u, sigma, v_t })
    }

    #[must_use]
    pub fn rows(&self) -> usize {
        self.u.nrows()
    }

    #[must_use]
    pub fn cols(&self) -> usize {
        self.v_t.ncols()
    }

    /// Number of singular values, min(m, n).
    #[must_use]
    pub fn len(&self) -> usize {
        self.sigma.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.sigma.is_empty()
    }

    /// The rank-k picture `Σᵢ≤ₖ σᵢ uᵢ vᵢᵀ` (k clamped to min(m, n)).
    #[must_use]
    pub fn reconstruct(&self, k: usize) -> DMatrix<f64> {
        let mut out = DMatrix::zeros(self.rows(), self.cols());
        self.add_layers(&mut out, 0..k.min(self.len()), 1.0);
        out
    }

    /// Adds `sign ×` the layers in `range` to `out` (m × n): one matrix
    /// product `(U Σ)[:, range] · Vᵀ[range, :]`, on both cores.
    pub(crate) fn add_layers(&self, out: &mut DMatrix<f64>, range: Range<usize>, sign: f64) {
        let (m, n) = (self.rows(), self.cols());
        let k = range.len();
        if k == 0 {
            return;
        }
        let mut us = self.u.columns(range.start, k).into_owned();
        for (i, mut col) in us.column_iter_mut().enumerate() {
            col *= self.sigma[range.start + i];
        }
        let lhs = MatRef::from_column_major_slice(us.as_slice(), m, k);
        let rhs = MatRef::from_column_major_slice(self.v_t.as_slice(), self.len(), n)
            .subrows(range.start, k);
        let dst = MatMut::from_column_major_slice_mut(out.as_mut_slice(), m, n);
        matmul(dst, Accum::Add, lhs, rhs, sign, Par::rayon(0));
    }

    /// The i-th rank-1 layer `σᵢ uᵢ vᵢᵀ` (0-based).
    #[must_use]
    pub fn layer(&self, i: usize) -> DMatrix<f64> {
        self.u.column(i) * self.sigma[i] * self.v_t.row(i)
    }

    /// Eckart–Young: the smallest Frobenius error of any rank-k matrix,
    /// `√(Σᵢ>ₖ σᵢ²)`.
    #[must_use]
    pub fn bound(&self, k: usize) -> f64 {
        self.sigma.iter().skip(k).map(|s| s * s).sum::<f64>().sqrt()
    }

    /// Energy kept by the first k layers, `Σᵢ≤ₖ σᵢ² / Σ σᵢ²` (1 for a zero matrix).
    #[must_use]
    pub fn energy(&self, k: usize) -> f64 {
        let total: f64 = self.sigma.iter().map(|s| s * s).sum();
        if total == 0.0 {
            return 1.0;
        }
        self.sigma.iter().take(k).map(|s| s * s).sum::<f64>() / total
    }

    /// Smallest k whose energy kept is at least `fraction`.
    #[must_use]
    pub fn rank_for_energy(&self, fraction: f64) -> usize {
        (0..=self.len())
            .find(|&k| self.energy(k) >= fraction)
            .unwrap_or(self.len())
    }

    /// Numbers stored for rank k, `k(m + n + 1)`.
    #[must_use]
    pub fn storage(&self, k: usize) -> usize {
        k.min(self.len()) * (self.rows() + self.cols() + 1)
    }
}

/// Frobenius norm of `a − b`.
///
/// # Panics
/// If the shapes differ.
#[must_use]
pub fn frobenius_error(a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
    assert_eq!(a.shape(), b.shape(), "shapes differ");
    a.iter()
        .zip(b.iter())
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt()
}
