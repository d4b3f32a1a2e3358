//! The `[window]` table: image or window size, theme and pixels per point.

use serde::{Deserialize, Deserializer, Serialize};

use super::check::de_in;

/// Light or dark colours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

impl std::str::FromStr for Theme {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "light" => Ok(Self::Light),
            "dark" => Ok(Self::Dark),
            other => Err(format!(
                "unknown theme {}: expected light or dark",
                super::bounds::quote(other)
            )),
        }
    }
}

/// The `[window]` table: size of the image or window, theme and pixels per point.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WindowSettings {
    /// Width in points (the PNG is `width × scale` pixels wide).
    #[serde(deserialize_with = "de_size")]
    pub width: u32,
    /// Height in points.
    #[serde(deserialize_with = "de_size")]
    pub height: u32,
    pub theme: Theme,
    /// Pixels per point.
    #[serde(deserialize_with = "de_scale")]
    pub scale: f32,
    /// Whether the view draws its controls (toolbars, pickers, buttons);
    /// `false` draws the picture alone, for a figure or a slide.
    #[serde(skip_serializing_if = "is_true")]
    pub controls: bool,
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
fn is_true(b: &bool) -> bool {
    *b
}

impl Default for WindowSettings {
    fn default() -> Self {
        Self {
            width: 1600,
            height: 1000,
            theme: Theme::Light,
            scale: 1.0,
            controls: true,
        }
    }
}

/// Smallest and largest accepted width or height, in points.
pub const SIZE_RANGE: std::ops::RangeInclusive<u32> = 64..=8192;
/// Smallest and largest accepted pixels per point.
pub const SCALE_RANGE: std::ops::RangeInclusive<f32> = 0.25..=4.0;

fn de_size<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let v = i64::deserialize(d)?;
    u32::try_from(v)
        .ok()
        .filter(|v| SIZE_RANGE.contains(v))
        .ok_or_else(|| {
            serde::de::Error::custom(format!(
                "must be between {} and {} points, got {v}",
                SIZE_RANGE.start(),
                SIZE_RANGE.end()
            ))
        })
}

fn de_scale<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
    de_in(d, &SCALE_RANGE)
}
