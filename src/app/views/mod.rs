//! One module per view. Each view owns its state (its scene table plus caches)
//! and draws itself with `ui(&mut self, ui, dataset)`.

pub mod data;
pub mod factorize;
pub mod pca;
pub mod transform;

use egui_plot::{HoverPosition, PlotPoints, PlotUi, Points};

use crate::app::style::{category_color, neutral_point_color};

use crate::data::LabelColumn;

/// Scatter points split into one series per category of a label column (one
/// series when there is none), so the plot legend names each colour; a hover
/// on the plot maps back to the point.
pub(crate) struct Series {
    /// Legend name of each series: the category, or "rows".
    pub names: Vec<String>,
    /// `members[k]` are the points of series k, in drawing order.
    pub members: Vec<Vec<usize>>,
}

impl Series {
    /// Groups `points` — pairs of (point, dataset row) — by the row's category.
    pub fn by_label(
        label: Option<&LabelColumn>,
        points: impl IntoIterator<Item = (usize, usize)>,
    ) -> Self {
        let n = label.map_or(1, |l| l.categories.len().max(1));
        let mut members = vec![Vec::new(); n];
        for (point, row) in points {
            let k = label.map_or(0, |l| l.codes.get(row).copied().unwrap_or(0) as usize);
            if let Some(m) = members.get_mut(k) {
                m.push(point);
            }
        }
        let names = (0..n)
            .map(|k| {
                label
                    .and_then(|l| l.categories.get(k).cloned())
                    .unwrap_or_else(|| "rows".to_owned())
            })
            .collect();
        Self { names, members }
    }

    /// Draws each series as filled points in its category's colour (the
    /// theme's neutral colour when `coloured` is off); `xy` places a point.
    pub fn show(
        &self,
        plot_ui: &mut PlotUi<'_>,
        coloured: bool,
        dark: bool,
        radius: f32,
        xy: impl Fn(usize) -> [f64; 2],
    ) {
        for (k, members) in self.members.iter().enumerate() {
            let pts: PlotPoints<'_> = members.iter().map(|&i| xy(i)).collect();
            let color = if coloured {
                category_color(k)
            } else {
                neutral_point_color(dark)
            };
            plot_ui.points(
                Points::new(self.names[k].clone(), pts)
                    .color(color)
                    .radius(radius)
                    .filled(true),
            );
        }
    }

    /// The point under an egui_plot hover, if it is one of ours.
    pub fn hovered(&self, pos: &HoverPosition<'_>) -> Option<usize> {
        let HoverPosition::NearDataPoint {
            plot_name, index, ..
        } = pos
        else {
            return None;
        };
        let k = self.names.iter().position(|n| n == plot_name)?;
        self.members.get(k)?.get(*index).copied()
    }
}
