//! The `[transform]` table: settings of the Transform view.

use serde::{Deserialize, Serialize};

use crate::data::Dataset;

use super::camera::CameraSettings;
use super::check::{Misfit, check_color, de_progress, no_numeric_column};

/// Every matrix entry (of `matrix` and of each of `steps`) lies within
/// ±this: the range of the view's matrix editor. A scene's entry outside it
/// is an error, never clamped.
pub const MATRIX_ENTRY_LIMIT: f64 = 100.0;

/// Whether the Transform view shows the plane (2×2) or space (3×3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransformMode {
    /// A 2×2 matrix acting on the plane.
    #[default]
    #[serde(rename = "2d")]
    Plane,
    /// A 3×3 matrix acting on space.
    #[serde(rename = "3d")]
    Space,
}

impl TransformMode {
    /// The size of the matrix: 2 or 3.
    #[must_use]
    pub fn n(self) -> usize {
        match self {
            Self::Plane => 2,
            Self::Space => 3,
        }
    }

    /// The name used in scene files.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Self::Plane => "2d",
            Self::Space => "3d",
        }
    }
}

/// How the Transform view's animation carries the identity to the matrix.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TransformAnimation {
    /// (1 − t)·I + t·A: straight lines; a rotation shrinks on the way.
    #[default]
    Linear,
    /// Through the polar decomposition A = R·S: rotations turn.
    Polar,
    /// A = U·Σ·Vᵀ in three steps: rotate by Vᵀ, stretch by Σ, rotate by U.
    Svd,
}

/// The `[transform]` table: settings of the Transform view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent show toggles, each one scene key"
)]
pub struct TransformSettings {
    /// `"2d"` (a 2×2 matrix) or `"3d"` (3×3).
    pub mode: TransformMode,
    /// The matrix as rows, 2×2 or 3×3 to match `mode`. Empty: the mode's
    /// example matrix. With `steps`, the view sets it to their product.
    pub matrix: Vec<Vec<f64>>,
    /// A composition: matrices applied in list order (the first acts first),
    /// each animated in turn. Empty: no composition.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Vec<Vec<f64>>>,
    /// Position of the animation from the identity (0) to the matrix (1).
    #[serde(deserialize_with = "de_progress")]
    pub progress: f32,
    /// How the animation interpolates.
    pub animation: TransformAnimation,
    /// Dataset column on the x axis of the data points (default: the first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// … on the y axis (default: the second).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    /// … on the z axis in 3D (default: the third).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub z: Option<String>,
    /// Label column colouring the points (default: the first; `""`: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Apply the matrix to the dataset's points (standardized) too.
    pub show_data: bool,
    /// Draw the original and transformed grids.
    pub show_grid: bool,
    /// Draw the real eigenvectors' lines.
    pub show_eigenvectors: bool,
    /// Draw the unit circle and its image, the ellipse of the singular values
    /// (always drawn by the SVD animation).
    pub show_circle: bool,
    /// The 3D mode's orbit camera.
    pub camera: CameraSettings,
}

impl Default for TransformSettings {
    fn default() -> Self {
        Self {
            mode: TransformMode::Plane,
            matrix: Vec::new(),
            steps: Vec::new(),
            progress: 1.0,
            animation: TransformAnimation::Linear,
            x: None,
            y: None,
            z: None,
            color: None,
            show_data: false,
            show_grid: true,
            show_eigenvectors: true,
            show_circle: false,
            camera: CameraSettings::default(),
        }
    }
}

impl TransformSettings {
    /// Checks the matrices' sizes against `mode`, that there are at most
    /// [`MAX_STEPS`](super::MAX_STEPS) steps and that every entry is a finite
    /// number within ±[`MATRIX_ENTRY_LIMIT`]: the message names the key,
    /// the entry and what is wrong.
    ///
    /// # Errors
    /// The key at fault (`matrix` or `steps`) and the message.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        let n = self.mode.n();
        let mode = self.mode.key();
        let check = |m: &[Vec<f64>], what: &str, limit: f64| -> Result<(), String> {
            if m.len() != n || m.iter().any(|r| r.len() != n) {
                let got: Vec<String> = m.iter().map(|r| r.len().to_string()).collect();
                return Err(format!(
                    "{what}: mode \"{mode}\" needs a {n}×{n} matrix ({n} rows of {n} numbers), got {} rows of [{}] numbers",
                    m.len(),
                    got.join(", ")
                ));
            }
            for (r, row) in m.iter().enumerate() {
                for (c, &x) in row.iter().enumerate() {
                    if !(x.is_finite() && x.abs() <= limit) {
                        let range = if limit < f64::MAX {
                            format!("a number between {} and {limit}", -limit)
                        } else {
                            "a finite number".to_owned()
                        };
                        return Err(format!(
                            "{what}[{r}][{c}]: every entry must be {range}, got {}",
                            crate::math::fmt_typed(x)
                        ));
                    }
                }
            }
            Ok(())
        };
        if !self.matrix.is_empty() {
            // With steps the matrix is their product, which may pass the
            // editor's range: it is ignored on loading, so only its size and
            // finiteness are checked.
            let limit = if self.steps.is_empty() {
                MATRIX_ENTRY_LIMIT
            } else {
                f64::MAX
            };
            check(&self.matrix, "transform.matrix", limit).map_err(|e| ("matrix", e))?;
        }
        if self.steps.len() > super::MAX_STEPS {
            return Err((
                "steps",
                format!(
                    "transform.steps: at most {} entries, got {}",
                    super::MAX_STEPS,
                    self.steps.len()
                ),
            ));
        }
        for (i, m) in self.steps.iter().enumerate() {
            check(m, &format!("transform.steps[{i}]"), MATRIX_ENTRY_LIMIT)
                .map_err(|e| ("steps", e))?;
        }
        Ok(())
    }
}

impl TransformSettings {
    /// Checks the matrices (see [`check`](Self::check)), the data columns and
    /// the colouring label against the dataset.
    ///
    /// # Errors
    /// The first setting that does not fit `ds`.
    pub(super) fn check_against(&self, ds: &Dataset) -> Result<(), Misfit> {
        if let Err((key, message)) = self.check() {
            return Err(Misfit::new("transform", key, message));
        }
        for (key, value) in [("x", &self.x), ("y", &self.y), ("z", &self.z)] {
            if let Some(name) = value
                && ds.column(name).is_none()
            {
                let message = no_numeric_column(&format!("transform.{key}"), ds, name);
                return Err(Misfit::new("transform", key, message));
            }
        }
        check_color("transform", self.color.as_deref(), ds)
    }
}
