//! The rank-k picture kept up to date as k moves: a slider step from k to
//! k ± d adds or takes away d layers instead of multiplying k of them again.

use nalgebra::DMatrix;

use super::Svd;

/// The rank-k picture of one [`Svd`], updated in place when k changes.
#[derive(Clone, Debug)]
pub struct Rebuild {
    k: usize,
    picture: DMatrix<f64>,
}

impl Rebuild {
    /// The rank-0 picture (all zeros) of `svd`'s shape.
    #[must_use]
    pub fn new(svd: &Svd) -> Self {
        Self {
            k: 0,
            picture: DMatrix::zeros(svd.rows(), svd.cols()),
        }
    }

    /// The rank the picture holds now.
    #[must_use]
    pub fn rank(&self) -> usize {
        self.k
    }

    /// The rank-k picture.
    #[must_use]
    pub fn picture(&self) -> &DMatrix<f64> {
        &self.picture
    }

    /// Moves the picture to rank `k` (clamped to min(m, n)) by the cheapest
    /// of three routes, each a product of (number of layers) × m × n:
    /// from the current picture (|k − now| layers), from zero (k layers), or
    /// down from `original` (min(m, n) − k layers, taken away) when given.
    ///
    /// # Panics
    /// If `svd` or `original` is not of the shape this was made for.
    pub fn set(&mut self, svd: &Svd, original: Option<&DMatrix<f64>>, k: usize) {
        assert_eq!(self.picture.shape(), (svd.rows(), svd.cols()), "shape");
        let k = k.min(svd.len());
        let step = self.k.abs_diff(k);
        let from_zero = k;
        let from_full = original.map_or(usize::MAX, |_| svd.len() - k);
        if step == 0 {
            return;
        }
        if step <= from_zero && step <= from_full {
            if k > self.k {
                svd.add_layers(&mut self.picture, self.k..k, 1.0);
            } else {
                svd.add_layers(&mut self.picture, k..self.k, -1.0);
            }
        } else if from_zero <= from_full {
            self.picture.fill(0.0);
            svd.add_layers(&mut self.picture, 0..k, 1.0);
        } else if let Some(a) = original {
            assert_eq!(a.shape(), self.picture.shape(), "shape");
            self.picture.copy_from(a);
            svd.add_layers(&mut self.picture, k..svd.len(), -1.0);
        }
        self.k = k;
    }
}
