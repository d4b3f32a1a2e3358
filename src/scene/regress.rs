//! The `[regress]` table: settings of the Regression view.

use serde::{Deserialize, Deserializer, Serialize};

use crate::data::Dataset;

use super::camera::CameraSettings;
use super::check::{Misfit, de_f64_in, de_progress, de_usize_in, no_numeric_column};

/// Largest ridge λ the view's slider and a scene accept.
pub const MAX_RIDGE: f64 = 1e6;
/// Most gradient-descent steps.
pub const MAX_DESCENT_STEPS: usize = 100_000;

/// What the Regression view shows beside the data-space picture.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegressPanel {
    /// Observation space: y dropped onto the plane spanned by 1 and x.
    #[default]
    Projection,
    /// The loss over (β₀, β₁) with the gradient-descent path.
    Descent,
    /// The ridge path: coefficients against λ.
    Ridge,
    /// Anscombe's quartet: four sets, one fitted line.
    Quartet,
}

/// A point moved by dragging: row `row` (0-based, of the dataset) now has
/// these values of the first predictor and y.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointEdit {
    pub row: usize,
    #[serde(deserialize_with = "de_finite_f64")]
    pub x: f64,
    #[serde(deserialize_with = "de_finite_f64")]
    pub y: f64,
}

/// The `[regress]` table: settings of the Regression view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegressSettings {
    /// The numeric column to predict (default: the dataset's second numeric
    /// column, or its only one).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub y: String,
    /// The predictors (default: the first numeric column other than y). The
    /// data-space picture shows the first (2D) or the first two (3D plane).
    pub x: Vec<String>,
    /// Draw each residual as a square: their total area is the loss.
    pub squares: bool,
    /// Draw the residuals as vertical segments.
    pub residuals: bool,
    /// The picture beside the data space.
    pub panel: RegressPanel,
    /// Ridge penalty λ on the slopes (0: ordinary least squares).
    #[serde(deserialize_with = "de_ridge")]
    pub ridge: f64,
    /// Gradient descent's step size; unset: 2 / (L + μ), the fastest fixed
    /// rate for this loss (L, μ: the largest and smallest curvature).
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "de_rate")]
    pub rate: Option<f64>,
    /// Gradient-descent steps from (β₀, β₁) = (0, 0).
    #[serde(deserialize_with = "de_steps")]
    pub steps: usize,
    /// Descend on x − x̄ (β₀ is then the fitted value at x̄): β₀ and β₁
    /// decouple and descent is much faster.
    pub centre: bool,
    /// How much of the descent path is shown, 0..=1 (the animation).
    #[serde(deserialize_with = "de_progress")]
    pub progress: f32,
    /// Three rows (0-based) for the observation-space picture; empty: chosen
    /// by the view.
    pub rows: Vec<usize>,
    /// Points moved by dragging.
    pub moved: Vec<PointEdit>,
    /// Points added, as (first predictor, y); only with one predictor.
    #[serde(deserialize_with = "super::check::exact_each")]
    pub added: Vec<[f64; 2]>,
    /// Rows taken out (0-based).
    pub removed: Vec<usize>,
    /// The 3D pictures' camera.
    pub camera: CameraSettings,
}

impl Default for RegressSettings {
    fn default() -> Self {
        Self {
            y: String::new(),
            x: Vec::new(),
            squares: false,
            residuals: true,
            panel: RegressPanel::Projection,
            ridge: 0.0,
            rate: None,
            steps: 200,
            centre: false,
            progress: 1.0,
            rows: Vec::new(),
            moved: Vec::new(),
            added: Vec::new(),
            removed: Vec::new(),
            camera: CameraSettings {
                yaw: -50.0,
                pitch: 20.0,
                distance: 4.0,
                ..CameraSettings::default()
            },
        }
    }
}

fn de_finite_f64<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    de_f64_in(d, "value", -f64::MAX..=f64::MAX, false)
}

fn de_ridge<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    de_f64_in(d, "regress.ridge", 0.0..=MAX_RIDGE, false)
}

fn de_rate<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    de_f64_in(d, "regress.rate", 0.0..=1e6, true).map(Some)
}

fn de_steps<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    de_usize_in(d, "regress.steps", 1..=MAX_DESCENT_STEPS)
}

impl RegressSettings {
    /// The y column the view fits for `ds`: the setting, or the default.
    #[must_use]
    pub fn y_column<'a>(&'a self, ds: &'a Dataset) -> Option<&'a str> {
        if !self.y.is_empty() {
            return Some(self.y.as_str());
        }
        let names = ds.column_names();
        names.get(1).or(names.first()).copied()
    }

    /// The predictors the view fits for `ds`: the setting, or the first
    /// numeric column other than y.
    #[must_use]
    pub fn x_columns<'a>(&'a self, ds: &'a Dataset) -> Vec<&'a str> {
        if !self.x.is_empty() {
            return self.x.iter().map(String::as_str).collect();
        }
        let y = self.y_column(ds);
        ds.column_names()
            .into_iter()
            .find(|c| Some(*c) != y)
            .into_iter()
            .collect()
    }

    /// Checks the columns (present, numeric, y not a predictor, none twice),
    /// the rows named and the edits against the dataset.
    ///
    /// # Errors
    /// The first setting that does not fit `ds`.
    pub(super) fn check_against(&self, ds: &Dataset) -> Result<(), Misfit> {
        let bad = |key: &'static str, message: String| Err(Misfit::new("regress", key, message));
        if !self.y.is_empty() && ds.column(&self.y).is_none() {
            return bad("y", no_numeric_column("regress.y", ds, &self.y));
        }
        for name in &self.x {
            if ds.column(name).is_none() {
                return bad("x", no_numeric_column("regress.x", ds, name));
            }
        }
        let y = self.y_column(ds).unwrap_or_default();
        if self.x.iter().any(|x| x == y) {
            return bad(
                "x",
                format!("regress.x: {y:?} is y; a column cannot predict itself"),
            );
        }
        let mut distinct = self.x.clone();
        distinct.sort();
        distinct.dedup();
        if distinct.len() != self.x.len() {
            return bad("x", "regress.x: a column is listed twice".to_owned());
        }
        let n = ds.n_rows;
        let out_of_range = |r: usize| {
            format!(
                "row {r} does not exist: {:?} has rows 0 to {}",
                ds.name,
                n.saturating_sub(1)
            )
        };
        if !self.rows.is_empty() {
            if self.rows.len() != 3 {
                return bad(
                    "rows",
                    format!(
                        "regress.rows: the observation-space picture takes exactly 3 rows, got {}",
                        self.rows.len()
                    ),
                );
            }
            if let Some(&r) = self.rows.iter().find(|&&r| r >= n) {
                return bad("rows", format!("regress.rows: {}", out_of_range(r)));
            }
        }
        if let Some(e) = self.moved.iter().find(|e| e.row >= n) {
            return bad("moved", format!("regress.moved: {}", out_of_range(e.row)));
        }
        if let Some(&r) = self.removed.iter().find(|&&r| r >= n) {
            return bad("removed", format!("regress.removed: {}", out_of_range(r)));
        }
        if !self.added.is_empty() && self.x_columns(ds).len() > 1 {
            return bad(
                "added",
                "regress.added: points can be added only with one predictor (x has one value per point)"
                    .to_owned(),
            );
        }
        if self.added.iter().flatten().any(|v| !v.is_finite()) {
            return bad(
                "added",
                "regress.added: every value must be a finite number".to_owned(),
            );
        }
        Ok(())
    }
}
