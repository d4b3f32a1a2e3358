//! The dataset's chosen columns as standardized points, and their colours.

use egui::Color32;

use super::{MAX_POINTS, TransformView};
use crate::app::DatasetHandle;
use crate::app::style::{category_color, neutral_point_color};
use crate::data::{Dataset, LabelColumn};
use crate::scene::TransformSettings;

/// Which dataset and columns the points come from.
pub(super) type PointsKey = (u64, Vec<String>);

/// The dataset's chosen columns as standardized points (z-scores).
pub(super) struct Points {
    pub key: PointsKey,
    /// One point per used row, 3 coordinates (the third 0 in 2D).
    pub xyz: Vec<[f64; 3]>,
    /// Dataset row of each point.
    pub rows: Vec<usize>,
}

impl TransformView {
    pub(super) fn update_points(&mut self, handle: &DatasetHandle) {
        let ds = &handle.data;
        let names = data_columns(&self.settings, ds);
        let key = (handle.id, names.clone());
        if self.points.as_ref().is_some_and(|p| p.key == key) {
            return;
        }
        let cols: Vec<&[f64]> = names
            .iter()
            .filter_map(|n| ds.column(n).map(|c| c.values.as_slice()))
            .collect();
        let rows: Vec<usize> = (0..ds.n_rows)
            .filter(|&r| cols.iter().all(|c| c.get(r).is_some_and(|v| v.is_finite())))
            .collect();
        // z-scores: each column centred and divided by its standard deviation (n − 1).
        let stats: Vec<(f64, f64)> = cols
            .iter()
            .map(|c| {
                let n = rows.len().max(1) as f64;
                let mean = rows.iter().map(|&r| c[r]).sum::<f64>() / n;
                let var =
                    rows.iter().map(|&r| (c[r] - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
                (mean, if var > 0.0 { var.sqrt() } else { 1.0 })
            })
            .collect();
        let stride = rows.len().div_ceil(MAX_POINTS).max(1);
        let rows: Vec<usize> = rows.into_iter().step_by(stride).collect();
        let xyz = rows
            .iter()
            .map(|&r| {
                let mut p = [0.0; 3];
                for (k, (c, (mean, sd))) in cols.iter().zip(&stats).enumerate().take(3) {
                    p[k] = (c[r] - mean) / sd;
                }
                p
            })
            .collect();
        self.points = Some(Points { key, xyz, rows });
    }
}

/// The dataset columns the points use: the chosen ones, else the first numeric ones.
pub(super) fn data_columns(s: &TransformSettings, ds: &Dataset) -> Vec<String> {
    let names = ds.column_names();
    [&s.x, &s.y, &s.z]
        .into_iter()
        .enumerate()
        .take(s.mode.n())
        .filter_map(|(k, c)| c.clone().or_else(|| names.get(k).map(|n| (*n).to_owned())))
        .collect()
}

pub(super) fn color_label<'a>(s: &TransformSettings, ds: &'a Dataset) -> Option<&'a LabelColumn> {
    ds.color_label(s.color.as_deref())
}

pub(super) fn point_color(label: Option<&LabelColumn>, row: usize, dark: bool) -> Color32 {
    match label {
        Some(l) => category_color(l.codes.get(row).copied().unwrap_or(0) as usize),
        None => neutral_point_color(dark),
    }
}
