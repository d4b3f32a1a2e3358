//! The 2D scatter: the prepared points on two components (one image above
//! [`RASTER_POINTS`] points, a series per colour below), the highlights, the
//! legend and the names.

use std::hash::{Hash, Hasher};

use egui::{Pos2, Rect, Ui};
use egui_plot::{
    Arrows, HoverPosition, Line, LineStyle, MarkerShape, PlotPoint, PlotTransform, PlotUi, Points,
};

use super::names::{draw_names, label_order, paint_legend};
use super::plot::{
    ANALOGY_COLOR, Look, Marks, RASTER_RADIUS, Scatter, marker_shape, nearest, obstacle_stride,
    point_radius,
};
use crate::app::style::{category_color, neutral_point_color};
use crate::app::views::{FADED, RasterScatter, ScatterLook, Series};
use crate::app::widgets::RASTER_POINTS;
use crate::app::widgets::raster::key_hasher;

/// The 2D scatter. Returns the point clicked and, on a t-SNE or UMAP map,
/// the point under the pointer.
pub(super) fn plot_2d(
    ui: &mut Ui,
    sc: &Scatter<'_>,
    raster: &RasterScatter,
) -> (Option<usize>, Option<usize>) {
    let n = sc.len();
    let proj = &sc.prepared.proj;
    // Above RASTER_POINTS the points are one image; below, a series per colour.
    let series = (n <= RASTER_POINTS)
        .then(|| Series::by_label(sc.color, proj.rows.iter().enumerate().map(|(i, &r)| (i, r))));
    let c = sc.components();
    let radius = point_radius(n);
    let series_ref = series.as_ref();
    let hover = move |pos: &HoverPosition<'_>| -> Option<String> {
        let i = match series_ref {
            Some(series) => series.hovered(pos)?,
            None => RasterScatter::hovered(pos)?,
        };
        Some(sc.details(i))
    };
    let response = crate::app::views::axes::plot("embeddings-2d")
        .custom_x_axes(vec![crate::app::views::axes::x_axis("").label(
            if sc.map().is_some() {
                sc.axis_name(0)
            } else {
                format!(
                    "PC{} ({:.1}% of the variance)",
                    c[0],
                    100.0 * proj.ratios[0]
                )
            },
        )])
        .custom_y_axes(vec![crate::app::views::axes::y_axis("").label(
            if sc.map().is_some() {
                sc.axis_name(1)
            } else {
                format!("PC{} ({:.1}%)", c[1], 100.0 * proj.ratios[1])
            },
        )])
        .label_formatter(hover)
        .data_aspect(1.0)
        // No crosshair; show_x/show_y stay on: egui_plot 0.38 calls the
        // label formatter (the hover text) only with one of them.
        .show_crosshair(false)
        // The axes' numbers mean little here; grid lines would only crowd the names.
        .show_grid(false)
        .show(ui, |plot_ui| {
            match &series {
                Some(series) => draw_series(plot_ui, sc, series, radius),
                None => draw_raster(plot_ui, sc, raster),
            }
            highlights_2d(plot_ui, sc, radius);
        });
    let transform = response.transform;
    let frame = *transform.frame();
    let screen = |i: usize| {
        let p = sc.point(i);
        transform.position_from_point(&PlotPoint::new(p[0], p[1]))
    };
    let legend = sc
        .color
        .and_then(|column| paint_legend(ui, frame, column, sc.look, series.is_some()));
    if sc.labels {
        names_2d(ui, sc, &transform, legend);
    }
    let resp = response.response;
    let hovered = if sc.map().is_some() {
        resp.hover_pos()
            .filter(|p| frame.contains(*p))
            .and_then(|p| nearest(n, p, 10.0, screen))
    } else {
        None
    };
    let clicked = if resp.clicked() {
        resp.interact_pointer_pos()
            .and_then(|pointer| nearest(n, pointer, 10.0, screen))
    } else {
        None
    };
    (clicked, hovered)
}

/// Every point as one image (more than [`RASTER_POINTS`]).
fn draw_raster<'a>(plot_ui: &mut PlotUi<'a>, sc: &Scatter<'a>, raster: &'a RasterScatter) {
    let mut h = key_hasher();
    (&sc.prepared.key, sc.color.map(|l| &l.name)).hash(&mut h);
    let prepared: &'a super::prepare::Prepared = sc.prepared;
    let proj = &prepared.proj;
    let rows = &proj.rows;
    let color = sc.color;
    raster.show(
        plot_ui,
        h.finish(),
        sc.len(),
        &ScatterLook {
            legend: &[],
            coloured: color.is_some(),
            faded: sc.marks.dimmed(),
            dark: sc.look.dark,
            radius: RASTER_RADIUS,
        },
        move |i| {
            let p = proj.points[i];
            [p[0], p[1]]
        },
        move |i| color.map_or(0, |l| l.codes.get(rows[i]).copied().unwrap_or(0) as usize),
    );
}

/// A series of points per category, in its colour and marker shape.
fn draw_series(plot_ui: &mut PlotUi<'_>, sc: &Scatter<'_>, series: &Series, radius: f32) {
    let dimmed = sc.marks.dimmed();
    for (k, members) in series.members.iter().enumerate() {
        let base_color = if sc.color.is_some() {
            category_color(k)
        } else {
            neutral_point_color(sc.look.dark)
        };
        let fill = if dimmed {
            base_color.gamma_multiply(FADED)
        } else {
            base_color
        };
        plot_ui.points(
            Points::new(
                series.names[k].clone(),
                members.iter().map(|&i| xy(sc, i)).collect::<Vec<_>>(),
            )
            .color(fill)
            .shape(if sc.color.is_some() {
                marker_shape(k)
            } else {
                MarkerShape::Circle
            })
            .radius(radius)
            .filled(true),
        );
    }
}

/// Point i on the plot's two axes.
fn xy(sc: &Scatter<'_>, i: usize) -> [f64; 2] {
    let p = sc.point(i);
    [p[0], p[1]]
}

/// Names beside the points (the analogy's target first), clear of the legend.
fn names_2d(ui: &Ui, sc: &Scatter<'_>, transform: &PlotTransform, legend: Option<Rect>) {
    let n = sc.len();
    let screen = |i: usize| {
        let p = sc.point(i);
        transform.position_from_point(&PlotPoint::new(p[0], p[1]))
    };
    let mut candidates: Vec<(Pos2, String, bool)> =
        label_order(&sc.prepared.proj.points, false, sc.marks)
            .into_iter()
            .map(|(i, strong)| (screen(i), sc.name(i), strong))
            .collect();
    if let Some((abc, target, _)) = &sc.marks.analogy
        && abc.iter().all(Option::is_some)
    {
        let t = transform.position_from_point(&PlotPoint::new(target[0], target[1]));
        candidates.insert(0, (t, "a − b + c".to_owned(), true));
    }
    let all: Vec<Pos2> = (0..n).step_by(obstacle_stride(n)).map(screen).collect();
    let keep_clear: Vec<Rect> = legend.into_iter().collect();
    draw_names(
        ui,
        *transform.frame(),
        &candidates,
        &all,
        &keep_clear,
        sc.look,
    );
}

/// What is drawn over the 2D points: search matches ringed, lines from the
/// selection to its neighbours, and the analogy's arrows.
fn highlights_2d(plot_ui: &mut PlotUi<'_>, sc: &Scatter<'_>, radius: f32) {
    let (marks, look): (&Marks, Look) = (sc.marks, sc.look);
    let xy = |i: usize| xy(sc, i);
    // Search matches: full colour again, ringed.
    if let Some(m) = &marks.matches {
        let ring: Vec<[f64; 2]> = m
            .iter()
            .take(super::plot::MAX_RINGED)
            .map(|&i| xy(i))
            .collect();
        plot_ui.points(
            Points::new("", ring)
                .color(look.text)
                .radius(radius + 2.5)
                .filled(false)
                .allow_hover(false),
        );
    }
    // Lines from the selection to its neighbours.
    if let Some(sel) = marks.selected {
        for &nb in &marks.neighbors {
            plot_ui.line(
                Line::new("", vec![xy(sel), xy(nb)])
                    .color(look.text.gamma_multiply(0.45))
                    .width(1.2)
                    .allow_hover(false),
            );
        }
        let nbs: Vec<[f64; 2]> = marks.neighbors.iter().map(|&i| xy(i)).collect();
        plot_ui.points(
            Points::new("", nbs)
                .color(look.text)
                .radius(radius + 2.0)
                .filled(false)
                .allow_hover(false),
        );
        plot_ui.points(
            Points::new("", vec![xy(sel)])
                .color(look.text)
                .radius(radius + 4.0)
                .filled(false)
                .allow_hover(false),
        );
    }
    // On a map: lines from the hovered point to its nearest neighbours in
    // the original space, solid if the map kept them near, dashed if not.
    if let Some((at, list)) = &marks.fate {
        crate::app::views::projector::kept::fate_lines(plot_ui, *at, list, xy);
    }
    // The analogy: b → a, carried over to c → a − b + c.
    if let Some((abc, target, best)) = &marks.analogy
        && let [Some(a), Some(b), Some(c)] = *abc
    {
        let t = [target[0], target[1]];
        plot_ui.arrows(
            Arrows::new("", vec![xy(b), xy(c)], vec![xy(a), t])
                .color(ANALOGY_COLOR)
                .tip_length(12.0)
                .allow_hover(false),
        );
        plot_ui.points(
            Points::new("", vec![t])
                .shape(MarkerShape::Asterisk)
                .color(ANALOGY_COLOR)
                .radius(7.0)
                .allow_hover(false),
        );
        if let Some(d) = best {
            plot_ui.line(
                Line::new("", vec![t, xy(*d)])
                    .color(ANALOGY_COLOR)
                    .style(LineStyle::dashed_dense())
                    .allow_hover(false),
            );
        }
    }
}
