//! The `[image]` table: settings of the Image view.

use serde::{Deserialize, Deserializer, Serialize};

use super::check::{de_f64_in, de_progress, de_usize_in};
use crate::math::svd::{Channels, MAX_SIDE};

/// Largest zoom of the pictures.
pub const MAX_ZOOM: f32 = 512.0;

/// Most rank-1 layers the gallery shows.
pub const MAX_GALLERY: usize = 32;

/// What the Image view shows below its pictures, in its large panel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImagePanel {
    /// The original and the rank-k picture side by side (and the residual).
    #[default]
    Pictures,
    /// The first rank-1 layers σᵢ uᵢ vᵢᵀ and their running sum.
    Layers,
    /// The singular values on a log scale with the cut at k, and the energy kept.
    Spectrum,
}

/// Which matrices a colour picture becomes (a scene's `channels`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageChannels {
    /// One matrix of luminance.
    #[default]
    Gray,
    /// R, G and B, each its own matrix.
    Rgb,
}

impl From<ImageChannels> for Channels {
    fn from(c: ImageChannels) -> Self {
        match c {
            ImageChannels::Gray => Self::Gray,
            ImageChannels::Rgb => Self::Rgb,
        }
    }
}

/// The `[image]` table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImageSettings {
    /// `builtin:NAME` (astronaut, lowrank, noise) or a PNG or JPEG path,
    /// relative to the scene file.
    pub picture: String,
    /// Layers kept, k (clamped to the picture's smaller side).
    #[serde(deserialize_with = "de_rank")]
    pub rank: usize,
    /// gray: one matrix of luminance; rgb: one matrix per channel.
    pub channels: ImageChannels,
    /// The large panel.
    pub panel: ImagePanel,
    /// Show the residual A − A_k beside the pictures, amplified.
    pub residual: bool,
    /// How much the residual is amplified (1..=64).
    #[serde(deserialize_with = "de_amplify")]
    pub amplify: f64,
    /// Layers in the gallery.
    #[serde(deserialize_with = "de_gallery")]
    pub layers: usize,
    /// The pictures' zoom: 1 shows the whole picture; from about 30 on, each
    /// pixel is a cell with the matrix's number written in it.
    #[serde(deserialize_with = "de_zoom")]
    pub zoom: f32,
    /// The point of the picture at the centre of the zoomed pictures, as
    /// (column, row) in pixels.
    #[serde(deserialize_with = "de_focus")]
    pub focus: [f32; 2],
    /// The animation: the rank shown is `progress × rank` (Play adds the
    /// layers one by one).
    #[serde(deserialize_with = "de_progress")]
    pub progress: f32,
}

impl Default for ImageSettings {
    fn default() -> Self {
        Self {
            picture: "builtin:astronaut".to_owned(),
            rank: 20,
            channels: ImageChannels::Gray,
            panel: ImagePanel::Pictures,
            residual: false,
            amplify: 4.0,
            layers: 8,
            zoom: 1.0,
            focus: [256.0, 256.0],
            progress: 1.0,
        }
    }
}

impl ImageSettings {
    /// The rank shown now: `progress × rank`, rounded.
    #[must_use]
    pub fn shown_rank(&self) -> usize {
        (f64::from(self.progress) * self.rank as f64).round() as usize
    }
}

fn de_rank<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    de_usize_in(d, "image.rank", 0..=MAX_SIDE)
}

fn de_gallery<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    de_usize_in(d, "image.layers", 1..=MAX_GALLERY)
}

fn de_zoom<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
    super::check::de_in(d, &(1.0..=MAX_ZOOM))
}

fn de_focus<'de, D: Deserializer<'de>>(d: D) -> Result<[f32; 2], D::Error> {
    let [x, y]: [f64; 2] = super::check::exact(d)?;
    let side = MAX_SIDE as f64 * 16.0;
    if [x, y].iter().all(|v| (0.0..=side).contains(v)) {
        Ok([x as f32, y as f32])
    } else {
        Err(serde::de::Error::custom(format!(
            "image.focus: (column, row) must each be between 0 and {side}, got ({x}, {y})"
        )))
    }
}

fn de_amplify<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    de_f64_in(d, "image.amplify", 1.0..=64.0, false)
}
