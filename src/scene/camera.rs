//! The orbit camera of the 3D views (`[pca.camera]`, `[transform.camera]`,
//! `[embeddings.camera]`).

use serde::{Deserialize, Deserializer, Serialize};

use super::check::{de_finite, de_in};

/// How the 3D views project space onto the screen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Projection {
    /// Far things look smaller, as to the eye.
    #[default]
    Perspective,
    /// Parallel lines stay parallel; sizes do not depend on depth.
    Orthographic,
}

/// Accepted camera pitch, in degrees (±90 looks straight down or up).
pub const PITCH_RANGE: std::ops::RangeInclusive<f32> = -90.0..=90.0;
/// Accepted camera distance, in units of the view's data radius.
pub const DISTANCE_RANGE: std::ops::RangeInclusive<f32> = 0.2..=50.0;

/// An orbit camera: it looks at `target` from `distance` away, turned `yaw`
/// degrees about the vertical (z) axis and raised `pitch` degrees above the
/// horizontal plane. Views scale their data to fit a sphere of radius 1 about
/// the origin, so these numbers mean the same for every dataset.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CameraSettings {
    /// Degrees about the vertical axis; −90 looks along +y with x to the right.
    #[serde(deserialize_with = "de_finite")]
    pub yaw: f32,
    /// Degrees above the horizontal plane, −90..=90.
    #[serde(deserialize_with = "de_pitch")]
    pub pitch: f32,
    /// Distance from the target, 0.2..=50 (the data fit a sphere of radius 1).
    #[serde(deserialize_with = "de_distance")]
    pub distance: f32,
    /// The point the camera orbits and looks at.
    #[serde(deserialize_with = "de_target")]
    pub target: [f32; 3],
    pub projection: Projection,
}

impl Default for CameraSettings {
    fn default() -> Self {
        Self {
            yaw: -60.0,
            pitch: 22.0,
            distance: 4.5,
            target: [0.0; 3],
            projection: Projection::Perspective,
        }
    }
}

fn de_pitch<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
    de_in(d, &PITCH_RANGE)
}

fn de_distance<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
    de_in(d, &DISTANCE_RANGE)
}

fn de_target<'de, D: Deserializer<'de>>(d: D) -> Result<[f32; 3], D::Error> {
    let v: [f64; 3] = super::check::exact(d)?;
    if v.iter().all(|&x| (x as f32).is_finite()) {
        Ok(v.map(|x| x as f32))
    } else {
        Err(serde::de::Error::custom(format!(
            "must be three finite numbers no larger than {:e}",
            f32::MAX
        )))
    }
}
