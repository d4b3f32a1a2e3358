//! The Data view's scatter plot of two columns, coloured by a label.

use std::fmt::Write as _;
use std::hash::{Hash as _, Hasher as _};

use egui::{RichText, Ui};
use egui_plot::HoverPosition;

use crate::app::DatasetHandle;
use crate::app::style::{fmt_count, fmt_num};
use crate::app::views::{RasterScatter, ScatterLook, Series};
use crate::app::widgets::RASTER_POINTS;
use crate::app::widgets::raster::key_hasher;
use crate::data::{Dataset, LabelColumn, NumericColumn};
use crate::scene::DataSettings;

/// Without the raster (see RASTER_POINTS) the scatter would draw every k-th
/// row above this many (and say so).
const MAX_SCATTER_POINTS: usize = 100_000;

/// Picks the column shown on an axis: the named one, else the `fallback`-th.
fn axis_column<'a>(
    ds: &'a Dataset,
    chosen: Option<&str>,
    fallback: usize,
) -> Option<&'a NumericColumn> {
    chosen.and_then(|n| ds.column(n)).or_else(|| {
        ds.columns
            .get(fallback.min(ds.columns.len().saturating_sub(1)))
    })
}

/// The scatter of two columns, with its controls and notes.
pub(super) fn scatter_ui(
    ui: &mut Ui,
    handle: &DatasetHandle,
    settings: &mut DataSettings,
    raster: &RasterScatter,
) {
    let ds = handle.data.as_ref();
    let (Some(xc), Some(yc)) = (
        axis_column(ds, settings.x.as_deref(), 0),
        axis_column(ds, settings.y.as_deref(), 1),
    ) else {
        ui.label("This dataset has no numeric columns to plot.");
        return;
    };
    let label = ds.color_label(settings.color.as_deref());

    if super::super::controls_shown(ui) {
        scatter_controls(ui, ds, [&xc.name, &yc.name], label, settings);
    }

    // One series per category, so the legend names each colour; above
    // RASTER_POINTS rows, every row in one image instead.
    let big = ds.n_rows > RASTER_POINTS;
    let xy = |r: usize| -> [f64; 2] {
        [
            xc.values.get(r).copied().unwrap_or(f64::NAN),
            yc.values.get(r).copied().unwrap_or(f64::NAN),
        ]
    };
    let mut h = key_hasher();
    (handle.id, &xc.name, &yc.name, label.map(|l| &l.name)).hash(&mut h);
    let key = h.finish();
    let mut skipped = 0usize;
    let stride = if big {
        1
    } else {
        ds.n_rows.div_ceil(MAX_SCATTER_POINTS).max(1)
    };
    let series = if big {
        skipped = raster.extent(key, ds.n_rows, xy).1;
        Series::by_label(label, std::iter::empty())
    } else {
        let shown = (0..ds.n_rows).step_by(stride).filter(|&r| {
            let finite = xc.values.get(r).is_some_and(|x| x.is_finite())
                && yc.values.get(r).is_some_and(|y| y.is_finite());
            skipped += usize::from(!finite);
            finite
        });
        Series::by_label(label, shown.map(|r| (r, r)))
    };
    if stride > 1 {
        ui.label(
            RichText::new(format!(
                "Showing every {} row: {} of {} rows.",
                ordinal(stride),
                fmt_count(ds.n_rows.div_ceil(stride)),
                fmt_count(ds.n_rows)
            ))
            .weak(),
        );
    }
    if skipped > 0 {
        ui.label(
            RichText::new(format!(
                "{skipped} {} with a missing or infinite value in {} or {} not shown.",
                if skipped == 1 { "row" } else { "rows" },
                xc.name,
                yc.name
            ))
            .color(ui.visuals().warn_fg_color),
        );
    }

    super::super::legend_note(ui, label);
    let dark = ui.visuals().dark_mode;
    let series_ref = &series;
    let hover_text = move |pos: &HoverPosition<'_>| -> Option<String> {
        let r = if big {
            RasterScatter::hovered(pos)?
        } else {
            series_ref.hovered(pos)?
        };
        Some(row_details(ds, r))
    };

    let radius = if ds.n_rows > 20_000 { 1.2 } else { 3.0 };
    let mut plot = crate::app::views::axes::plot("data-scatter")
        .x_axis_label(xc.name.clone())
        .y_axis_label(yc.name.clone())
        .label_formatter(hover_text)
        // No crosshair; show_x/show_y stay on: egui_plot hovers only with one of them.
        .show_crosshair(false);
    if let Some(legend) = super::super::scatter_legend(label, (0..ds.n_rows).map(xy)) {
        plot = plot.legend(legend);
    }
    plot.show(ui, |plot_ui| {
        if big {
            raster.show(
                plot_ui,
                key,
                ds.n_rows,
                &ScatterLook {
                    legend: &series.names,
                    coloured: label.is_some(),
                    faded: false,
                    dark,
                    radius: if ds.n_rows > 400_000 { 0.6 } else { 1.2 },
                },
                xy,
                move |r| label.map_or(0, |l| l.codes.get(r).copied().unwrap_or(0) as usize),
            );
        } else {
            series.show(plot_ui, label.is_some(), dark, radius, |r| {
                [xc.values[r], yc.values[r]]
            });
        }
    });
}

/// The x and y columns and the label that colours the points.
fn scatter_controls(
    ui: &mut Ui,
    ds: &Dataset,
    [x_name, y_name]: [&String; 2],
    label: Option<&LabelColumn>,
    settings: &mut DataSettings,
) {
    ui.horizontal(|ui| {
        let mut x = x_name.clone();
        let mut y = y_name.clone();
        column_combo(ui, "x", &mut x, &ds.column_names());
        ui.add_space(8.0);
        column_combo(ui, "y", &mut y, &ds.column_names());
        ui.add_space(8.0);
        if x != *x_name {
            settings.x = Some(x);
        }
        if y != *y_name {
            settings.y = Some(y);
        }
        let mut color = label.map_or_else(String::new, |l| l.name.clone());
        let before = color.clone();
        let colour_label = ui.label("colour by");
        egui::ComboBox::from_id_salt("data-colour")
            .selected_text(if color.is_empty() {
                "none"
            } else {
                color.as_str()
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut color, String::new(), "none");
                for l in &ds.labels {
                    ui.selectable_value(&mut color, l.name.clone(), &l.name);
                }
            })
            .response
            .labelled_by(colour_label.id);
        if color != before {
            settings.color = Some(color);
        }
    });
}

/// Hover text for dataset row `r`: its labels and values.
fn row_details(ds: &Dataset, r: usize) -> String {
    let mut text = format!("row {r}");
    for l in &ds.labels {
        let _ = write!(text, "\n{} = {}", l.name, l.get(r));
    }
    for c in &ds.columns {
        let v = c.values.get(r).copied().unwrap_or(f64::NAN);
        let _ = write!(text, "\n{} = {}", c.name, fmt_num(v, 6));
    }
    text
}

fn column_combo(ui: &mut Ui, axis: &str, selected: &mut String, names: &[&str]) {
    let label = ui.label(axis);
    egui::ComboBox::from_id_salt(("data-axis", axis))
        .selected_text(selected.as_str())
        .show_ui(ui, |ui| {
            for n in names {
                ui.selectable_value(selected, (*n).to_owned(), *n);
            }
        })
        .response
        .labelled_by(label.id);
}

/// "2nd", "3rd", "10th", …
fn ordinal(k: usize) -> String {
    let suffix = match (k % 10, k % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{k}{suffix}")
}
