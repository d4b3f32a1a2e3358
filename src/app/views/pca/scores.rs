//! The PCA view's scores scatter: any two components, coloured by a label,
//! with an optional biplot; and the hover text of a point.

use std::fmt::Write as _;
use std::hash::{Hash as _, Hasher as _};

use crate::app::widgets::together;
use egui::{Color32, RichText, Ui};
use egui_plot::{Arrows, HoverPosition, MarkerShape, PlotPoint, Points, Text};

use super::Draw;
use crate::app::style::{category_color, fmt_num, neutral_point_color};
use crate::app::views::projector::kept::fate_lines;
use crate::app::views::projector::{MapFrame, Projector};
use crate::app::views::{RasterScatter, ScatterLook, Series};
use crate::app::widgets::RASTER_POINTS;
use crate::app::widgets::raster::key_hasher;
use crate::data::{Dataset, LabelColumn};
use crate::math::pca::{Pca, PreparedFit};
use crate::scene::{PcaSettings, ProjectionMethod};

use super::map::ScoresMap;

/// The scores scatter draws at most this many points.
const MAX_SCATTER_POINTS: usize = 100_000;

/// A point's colour: its category's, or the theme's neutral one.
pub(super) fn point_color(label: Option<&LabelColumn>, row: usize, dark: bool) -> Color32 {
    match label {
        Some(l) => category_color(l.codes.get(row).copied().unwrap_or(0) as usize),
        None => neutral_point_color(dark),
    }
}

/// Hover text for the i-th used row: its row, values, scores and error.
pub(super) fn point_details(ds: &Dataset, fit: &PreparedFit, i: usize) -> String {
    let r = fit.selection.rows[i];
    let pca = &fit.pca;
    let mut text = format!("row {r}");
    for l in &ds.labels {
        let _ = write!(text, "\n{} = {}", l.name, l.get(r));
    }
    for c in &pca.columns {
        let v = ds
            .column(c)
            .and_then(|c| c.values.get(r))
            .copied()
            .unwrap_or(f64::NAN);
        let _ = write!(text, "\n{c} = {}", fmt_num(v, 6));
    }
    for k in 0..fit.scores.ncols().min(4) {
        let _ = write!(
            text,
            "\nPC{} score = {}",
            k + 1,
            fmt_num(fit.scores[(i, k)], 4)
        );
    }
    let _ = write!(
        text,
        "\nreconstruction error with 2 PCs = {}",
        fmt_num(fit.errors2[i], 4)
    );
    text
}

/// "Scores", the PCA / t-SNE / UMAP switch, and with PCA the components on
/// each axis and the biplot switch.
fn toolbar_ui(ui: &mut Ui, settings: &mut PcaSettings, d: usize) {
    // Wraps at a narrow window (each picker with its name kept together)
    // rather than pushing the panel past the window's edge.
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Scores").strong());
        ui.add_space(8.0);
        together(ui, "switch", |ui| Projector::switch_ui(ui, &mut settings.projection));
        ui.separator();
        if settings.projection.method != ProjectionMethod::Pca {
            return;
        }
        for (axis, k) in [("x", &mut settings.x_component), ("y", &mut settings.y_component)] {
            together(ui, axis, |ui| {
                let l = ui.label(axis);
                egui::ComboBox::from_id_salt(("pca-axis", axis))
                    .selected_text(format!("PC{k}"))
                    .width(64.0)
                    .show_ui(ui, |ui| {
                        for c in 1..=d {
                            ui.selectable_value(k, c, format!("PC{c}"));
                        }
                    })
                    .response
                    .labelled_by(l.id);
            });
        }
        ui.checkbox(&mut settings.biplot, "Biplot")
            .on_hover_text("Draw each column's loading vector: where a unit step in that column moves a point on these two components.");
    });
}

/// Where the scatter draws used row i: on the map when there is one, else
/// at its scores on components `kx` and `ky` (0-based).
pub(super) fn drawn_xy(
    fit: &PreparedFit,
    frame: Option<&MapFrame>,
    kx: usize,
    ky: usize,
    i: usize,
) -> [f64; 2] {
    match frame {
        Some(f) => {
            let p = f.point(i);
            [p[0], p[1]]
        }
        None => [fit.scores[(i, kx)], fit.scores[(i, ky)]],
    }
}

fn axis_title(pca: &Pca, k: usize) -> String {
    format!(
        "PC{} ({:.1}%)",
        k + 1,
        100.0 * pca.explained_variance_ratio[k]
    )
}

/// The scores of two components (chosen above the plot), one point per used
/// row, with the biplot's loading arrows on top; or, with t-SNE or UMAP
/// switched on, the map of the same rows with its controls and what it keeps.
/// The point `linked` (hovered in the 3D view last frame) gets a ring.
/// Returns the point under the pointer and the one ringed.
pub(super) fn scores_ui(
    ui: &mut Ui,
    draw: &Draw<'_>,
    settings: &mut PcaSettings,
    (raster, map): (&RasterScatter, &mut ScoresMap),
    linked: Option<usize>,
) -> (Option<usize>, Option<usize>) {
    let &Draw {
        ds,
        fit,
        fit_key,
        label,
    } = draw;
    let pca = &fit.pca;
    let d = pca.n_features();
    toolbar_ui(ui, settings, d);
    let method = settings.projection.method;
    if method != ProjectionMethod::Pca {
        map_controls_ui(ui, settings, map, fit.scores.nrows());
    }
    // Lines to the neighbours of the point hovered last frame (a map only).
    let fate: Option<(usize, Vec<(usize, bool)>)> = map
        .fate(&settings.projection, fit_key)
        .map(|(r, l)| (r, l.to_vec()));
    let frame = map.frame(&settings.projection, fit_key);
    let hovered_cell = &map.hovered;
    let fate_row = fate.as_ref().map(|(r, _)| *r);
    let (kx, ky) = (settings.x_component - 1, settings.y_component - 1);
    let n = fit.scores.nrows();
    let big = n > RASTER_POINTS;
    let stride = n.div_ceil(MAX_SCATTER_POINTS).max(1);
    let series = if big {
        Series::by_label(label, std::iter::empty())
    } else {
        Series::by_label(
            label,
            (0..n).step_by(stride).map(|i| (i, fit.selection.rows[i])),
        )
    };
    crate::app::views::legend_note(ui, label);
    let dark = ui.visuals().dark_mode;
    let series_ref = &series;
    let hover = move |pos: &HoverPosition<'_>| -> Option<String> {
        let i = if big {
            RasterScatter::hovered(pos)?
        } else {
            series_ref.hovered(pos)?
        };
        hovered_cell.set(Some(i));
        Some(point_details(ds, fit, i))
    };
    let (x_title, y_title) = match frame {
        Some(_) => (
            format!("{} 1", method.label()),
            format!("{} 2", method.label()),
        ),
        None => (axis_title(pca, kx), axis_title(pca, ky)),
    };
    // A plot per method: each keeps its own bounds.
    let mut plot = crate::app::views::axes::plot(("pca-scores", frame.is_some().then_some(method)))
        .x_axis_label(x_title)
        .custom_y_axes(crate::app::views::sparse_y_axis(y_title))
        .label_formatter(hover)
        .data_aspect(1.0)
        // No crosshair; show_x/show_y stay on: egui_plot hovers only with one of them.
        .show_crosshair(false);
    if let Some(legend) = crate::app::views::scatter_legend(
        label,
        (0..n)
            .step_by(stride)
            .map(|i| drawn_xy(fit, frame, kx, ky, i)),
    ) {
        plot = plot.legend(legend);
    }
    let text_color = ui.visuals().text_color();
    let selection_color = ui.visuals().selection.stroke.color;
    let mut h = key_hasher();
    (
        fit_key,
        kx,
        ky,
        label.map(|l| &l.name),
        frame.map(|f| f.generation),
    )
        .hash(&mut h);
    let key = h.finish();
    let shown = plot.show(ui, |plot_ui| {
        if big {
            let xy = move |i: usize| drawn_xy(fit, frame, kx, ky, i);
            raster.show(
                plot_ui,
                key,
                n,
                &ScatterLook {
                    legend: &series.names,
                    coloured: label.is_some(),
                    faded: false,
                    dark,
                    radius: if n > 400_000 { 0.6 } else { 1.2 },
                },
                xy,
                move |i| {
                    label.map_or(0, |l| {
                        l.codes.get(fit.selection.rows[i]).copied().unwrap_or(0) as usize
                    })
                },
            );
        } else {
            series.show(
                plot_ui,
                label.is_some(),
                dark,
                if n > 20_000 { 1.2 } else { 3.0 },
                |i| drawn_xy(fit, frame, kx, ky, i),
            );
        }
        if let (Some((at, list)), Some(_)) = (&fate, frame) {
            fate_lines(plot_ui, *at, list, |i| drawn_xy(fit, frame, kx, ky, i));
        }
        if settings.biplot && frame.is_none() {
            biplot(plot_ui, fit, (kx, ky), text_color);
        }
        let marked = linked.filter(|&i| i < n);
        if let Some(i) = marked {
            plot_ui.points(
                Points::new("", vec![drawn_xy(fit, frame, kx, ky, i)])
                    .shape(MarkerShape::Circle)
                    .radius(8.0)
                    .filled(false)
                    .color(selection_color)
                    .allow_hover(false),
            );
        }
        marked
    });
    // A newly hovered point's lines are computed next frame: ask for it.
    if frame.is_some() && hovered_cell.get().is_some() && hovered_cell.get() != fate_row {
        ui.ctx().request_repaint();
    }
    map.transform = Some(shown.transform);
    let hovered = if shown.response.hovered() {
        map.hovered.get()
    } else {
        None
    };
    (hovered, shown.inner)
}

/// The map's settings, buttons and progress, why it cannot run, and what it
/// keeps of each point's neighbours beside PCA.
fn map_controls_ui(ui: &mut Ui, settings: &mut PcaSettings, map: &mut ScoresMap, n: usize) {
    let s = &mut settings.projection;
    if let Some(e) = map.input_error() {
        ui.label(
            RichText::new(format!("The map cannot be computed: {e}"))
                .color(ui.visuals().error_fg_color),
        );
        return;
    }
    if let Some(data) = map.data().cloned() {
        map.projector.controls_ui(ui, s, &data, n);
    }
    if let Some(e) = map.projector.error() {
        ui.label(
            RichText::new(format!("The map cannot be computed: {e}"))
                .color(ui.visuals().error_fg_color),
        );
    } else {
        map.projector.kept_ui(ui, s.method, n);
    }
}

/// The biplot: each column's loading vector on components `kx`, `ky`,
/// scaled to the scores' extent, with its name.
fn biplot(
    plot_ui: &mut egui_plot::PlotUi<'_>,
    fit: &PreparedFit,
    (kx, ky): (usize, usize),
    text_color: Color32,
) {
    let pca = &fit.pca;
    let (n, d) = (fit.scores.nrows(), pca.n_features());
    let comps = &pca.components;
    let max_score = (0..n)
        .map(|i| fit.scores[(i, kx)].hypot(fit.scores[(i, ky)]))
        .fold(0.0, f64::max);
    let max_load = (0..d)
        .map(|j| comps[(kx, j)].hypot(comps[(ky, j)]))
        .fold(0.0, f64::max)
        .max(1e-12);
    let k = 0.8 * max_score / max_load;
    let origins: Vec<[f64; 2]> = vec![[0.0, 0.0]; d];
    let tips: Vec<[f64; 2]> = (0..d)
        .map(|j| [comps[(kx, j)] * k, comps[(ky, j)] * k])
        .collect();
    plot_ui.arrows(
        // Unnamed items stay out of the legend.
        Arrows::new("", origins, tips.clone())
            .color(text_color)
            .tip_length(10.0)
            .allow_hover(false),
    );
    for (j, tip) in tips.iter().enumerate() {
        plot_ui.text(
            Text::new(
                "",
                PlotPoint::new(tip[0] * 1.08, tip[1] * 1.08),
                RichText::new(&pca.columns[j]).strong(),
            )
            .color(text_color)
            .allow_hover(false),
        );
    }
}
