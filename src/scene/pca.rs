//! The `[pca]` table: settings of the PCA view.

use serde::{Deserialize, Serialize};

use crate::data::Dataset;

use super::camera::CameraSettings;
use super::check::{Misfit, check_color, de_progress, no_numeric_column};
use super::projection::ProjectionSettings;

/// What the PCA view shows below its scree plot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PcaPanel {
    /// The components' loadings per column.
    #[default]
    Loadings,
    /// The covariance matrix the components diagonalize.
    Covariance,
}

/// The `[pca]` table: settings of the PCA view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PcaSettings {
    /// Numeric columns to analyse, at least two (default: the first three).
    pub columns: Vec<String>,
    /// Scale every column to unit variance (z-scores) before PCA.
    pub standardize: bool,
    /// Position of the 3D animation, 0..=1: centre and rotate (to ⅓), project
    /// onto the PC1–PC2 plane (to ⅔), turn the plane to face the viewer (to 1).
    #[serde(deserialize_with = "de_progress")]
    pub progress: f32,
    /// Component on the scores scatter's horizontal axis, 1-based.
    pub x_component: usize,
    /// Component on the vertical axis, 1-based.
    pub y_component: usize,
    /// Draw the columns' loading vectors on the scores scatter.
    pub biplot: bool,
    /// Label column colouring the points (default: the first; `""`: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Loadings table or covariance heatmap.
    pub panel: PcaPanel,
    /// The 3D view's camera.
    pub camera: CameraSettings,
    /// What places the scores scatter's points: PCA (the chosen two
    /// components), or t-SNE or UMAP of the analysed (centred, and
    /// standardized if chosen) columns, with the method's settings and seed.
    #[serde(skip_serializing_if = "ProjectionSettings::is_default")]
    pub projection: ProjectionSettings,
}

impl Default for PcaSettings {
    fn default() -> Self {
        Self {
            columns: Vec::new(),
            standardize: false,
            progress: 0.0,
            x_component: 1,
            y_component: 2,
            biplot: false,
            color: None,
            panel: PcaPanel::Loadings,
            camera: CameraSettings::default(),
            projection: ProjectionSettings::default(),
        }
    }
}

impl PcaSettings {
    /// Checks the colouring label, the analysed columns (present, distinct,
    /// at least two) and the scatter's components against the dataset.
    ///
    /// # Errors
    /// The first setting that does not fit `ds`.
    pub(super) fn check_against(&self, ds: &Dataset) -> Result<(), Misfit> {
        check_color("pca", self.color.as_deref(), ds)?;
        Misfit::check_supervise("pca", &self.projection, ds)?;
        for name in &self.columns {
            if ds.column(name).is_none() {
                let message = no_numeric_column("pca.columns", ds, name);
                return Err(Misfit::new("pca", "columns", message));
            }
        }
        let mut distinct = self.columns.clone();
        distinct.sort();
        distinct.dedup();
        if distinct.len() != self.columns.len() {
            return Err(Misfit::new(
                "pca",
                "columns",
                "pca.columns: a column is listed twice".to_owned(),
            ));
        }
        if self.columns.len() == 1 {
            return Err(Misfit::new(
                "pca",
                "columns",
                "pca.columns: PCA needs at least two columns".to_owned(),
            ));
        }
        let d = if self.columns.is_empty() {
            ds.column_names().len().min(3)
        } else {
            self.columns.len()
        };
        for (key, k) in [
            ("x_component", self.x_component),
            ("y_component", self.y_component),
        ] {
            if k == 0 || k > d.max(1) {
                return Err(Misfit::new(
                    "pca",
                    key,
                    format!(
                        "pca.{key}: must be between 1 and {d} (the number of columns analysed), got {k}"
                    ),
                ));
            }
        }
        Ok(())
    }
}
