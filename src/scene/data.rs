//! The `[data]` table: settings of the Data view.

use serde::{Deserialize, Serialize};

use crate::data::Dataset;

use super::check::{Misfit, check_color, no_numeric_column};

/// Which part of the Data view is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DataPanel {
    /// The rows, virtualized.
    Table,
    /// Count, mean, std, min, max and missing per column.
    Statistics,
    /// Covariance and correlation heatmaps.
    Matrices,
    /// A scatter plot of two columns coloured by a label.
    #[default]
    Scatter,
}

impl DataPanel {
    /// Every panel, in tab order.
    pub const ALL: [Self; 4] = [Self::Table, Self::Statistics, Self::Matrices, Self::Scatter];

    /// The panel's tab title.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::Table => "Table",
            Self::Statistics => "Statistics",
            Self::Matrices => "Covariance",
            Self::Scatter => "Scatter",
        }
    }
}

/// The `[data]` table: settings of the Data view.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DataSettings {
    pub panel: DataPanel,
    /// Numeric column on the scatter's horizontal axis (default: the first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// Numeric column on the vertical axis (default: the second).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    /// Label column colouring the points (default: the first label column, if any).
    /// `""` means no colouring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
}

impl DataSettings {
    /// Checks the scatter's columns and the colouring label against the
    /// dataset.
    ///
    /// # Errors
    /// The first setting that names a column `ds` does not have.
    pub(super) fn check_against(&self, ds: &Dataset) -> Result<(), Misfit> {
        for (key, value) in [("x", &self.x), ("y", &self.y)] {
            if let Some(name) = value
                && ds.column(name).is_none()
            {
                let message = no_numeric_column(&format!("data.{key}"), ds, name);
                return Err(Misfit::new("data", key, message));
            }
        }
        check_color("data", self.color.as_deref(), ds)
    }
}
