//! A colour picture as matrices: one per channel (R, G, B) or one of luminance.

use nalgebra::DMatrix;

/// Which matrices a colour picture becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Channels {
    /// One matrix: luminance 0.299 R + 0.587 G + 0.114 B (Rec. 601).
    #[default]
    Gray,
    /// Three matrices, R, G and B, each decomposed on its own.
    Rgb,
}

impl Channels {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Gray => "gray",
            Self::Rgb => "rgb",
        }
    }
}

/// Luminance of an RGB8 buffer (row-major, `width × height × 3`) as a
/// `height × width` matrix of values 0..=255.
///
/// # Panics
/// If the buffer length is not `width * height * 3`.
#[must_use]
pub fn luminance(rgb: &[u8], width: usize, height: usize) -> DMatrix<f64> {
    assert_eq!(rgb.len(), width * height * 3, "RGB buffer size");
    DMatrix::from_fn(height, width, |r, c| {
        let p = &rgb[(r * width + c) * 3..][..3];
        0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2])
    })
}

/// The matrices of an RGB8 buffer for the chosen channels.
///
/// # Panics
/// If the buffer length is not `width * height * 3`.
#[must_use]
pub fn channel_matrices(
    rgb: &[u8],
    width: usize,
    height: usize,
    channels: Channels,
) -> Vec<DMatrix<f64>> {
    match channels {
        Channels::Gray => vec![luminance(rgb, width, height)],
        Channels::Rgb => {
            assert_eq!(rgb.len(), width * height * 3, "RGB buffer size");
            (0..3)
                .map(|ch| {
                    DMatrix::from_fn(height, width, |r, c| {
                        f64::from(rgb[(r * width + c) * 3 + ch])
                    })
                })
                .collect()
        }
    }
}
