//! A picture's channels decomposed together: the SVD of each matrix (one of
//! luminance, or R, G and B), and the rank-k picture's numbers summed over
//! them. Shared by the Image view and `eigenlens svd`.

use nalgebra::DMatrix;

use super::{Channels, Svd, SvdError, channel_matrices, frobenius_error};

/// The SVDs of a picture's channel matrices.
#[derive(Clone, Debug)]
pub struct PictureSvd {
    pub width: usize,
    pub height: usize,
    pub channels: Channels,
    /// The channel matrices (height × width, values 0..=255).
    pub matrices: Vec<DMatrix<f64>>,
    /// One SVD per matrix, in the same order.
    pub svds: Vec<Svd>,
}

impl PictureSvd {
    /// Decomposes an RGB8 picture (row-major, `width × height × 3` bytes).
    /// `cancelled` is asked between channels; when it says yes the work
    /// stops and `None` comes back.
    ///
    /// # Errors
    /// The SVD's error (an empty picture, a side over the largest).
    ///
    /// # Panics
    /// If the buffer's length is not `width * height * 3`.
    pub fn of(
        rgb: &[u8],
        width: usize,
        height: usize,
        channels: Channels,
        cancelled: &dyn Fn() -> bool,
    ) -> Result<Option<Self>, SvdError> {
        let matrices = channel_matrices(rgb, width, height, channels);
        let mut svds = Vec::with_capacity(matrices.len());
        for m in &matrices {
            if cancelled() {
                return Ok(None);
            }
            svds.push(Svd::of(m)?);
        }
        Ok(Some(Self {
            width,
            height,
            channels,
            matrices,
            svds,
        }))
    }

    /// min(m, n): the most layers.
    #[must_use]
    pub fn full_rank(&self) -> usize {
        self.width.min(self.height)
    }

    /// Eckart–Young over all channels: `√(Σ_channels Σᵢ>ₖ σᵢ²)`.
    #[must_use]
    pub fn bound(&self, k: usize) -> f64 {
        self.svds
            .iter()
            .map(|s| s.bound(k).powi(2))
            .sum::<f64>()
            .sqrt()
    }

    /// Energy kept over all channels, `Σ Σᵢ≤ₖ σᵢ² / Σ Σ σᵢ²`.
    #[must_use]
    pub fn energy(&self, k: usize) -> f64 {
        let (kept, total) = self.svds.iter().fold((0.0, 0.0), |(kept, total), s| {
            let all: f64 = s.sigma.iter().map(|x| x * x).sum();
            let first: f64 = s.sigma.iter().take(k).map(|x| x * x).sum();
            (kept + first, total + all)
        });
        if total == 0.0 { 1.0 } else { kept / total }
    }

    /// Smallest k whose energy kept is at least `fraction`.
    #[must_use]
    pub fn rank_for_energy(&self, fraction: f64) -> usize {
        (0..=self.full_rank())
            .find(|&k| self.energy(k) >= fraction)
            .unwrap_or(self.full_rank())
    }

    /// Numbers stored for rank k over all channels, `channels × k(m + n + 1)`.
    #[must_use]
    pub fn storage(&self, k: usize) -> usize {
        self.svds.iter().map(|s| s.storage(k)).sum()
    }

    /// Numbers in the picture itself, `channels × m n`.
    #[must_use]
    pub fn size(&self) -> usize {
        self.matrices.len() * self.width * self.height
    }

    /// Frobenius distance over all channels between the picture and
    /// `rebuilt` (one matrix per channel).
    ///
    /// # Panics
    /// If the number or shapes of the matrices differ.
    #[must_use]
    pub fn error_of(&self, rebuilt: &[&DMatrix<f64>]) -> f64 {
        assert_eq!(rebuilt.len(), self.matrices.len(), "channels");
        self.matrices
            .iter()
            .zip(rebuilt)
            .map(|(a, b)| frobenius_error(a, b).powi(2))
            .sum::<f64>()
            .sqrt()
    }
}

/// RGB8 pixels (row-major) of one matrix per channel: one matrix is gray,
/// three are R, G, B. Values are rounded and clamped to 0..=255; `scale`
/// and `offset` map a value v to `offset + scale · v` first (1 and 0 for a
/// picture; a residual is shown amplified around mid-grey).
#[must_use]
pub fn to_rgb8(matrices: &[&DMatrix<f64>], scale: f64, offset: f64) -> Vec<u8> {
    let Some(first) = matrices.first() else {
        return Vec::new();
    };
    let (rows, cols) = first.shape();
    let byte = |v: f64| (offset + scale * v).round().clamp(0.0, 255.0) as u8;
    let mut out = Vec::with_capacity(rows * cols * 3);
    for r in 0..rows {
        for c in 0..cols {
            if matrices.len() >= 3 {
                out.extend((0..3).map(|ch| byte(matrices[ch][(r, c)])));
            } else {
                let v = byte(first[(r, c)]);
                out.extend_from_slice(&[v, v, v]);
            }
        }
    }
    out
}
