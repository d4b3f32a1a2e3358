//! Data space: y against the first predictor with the fitted line and the
//! residuals (as segments and, optionally, squares); points are dragged,
//! added (double-click) and removed (right-click), and everything refits.
//! With two predictors, the 3D cloud and the fitted plane; with more, y
//! against ŷ.

use egui::{Align2, Color32, Stroke, Ui, Vec2};
use egui_plot::{
    Corner, Legend, Line, LineStyle, MarkerShape, PlotPoint, PlotPoints, Points, Polygon, Text,
};

use super::RegressView;
use super::prepare::{Model, Prepared, Source};
use crate::app::style::{category_color, fmt_num, neutral_point_color};
use crate::app::widgets::OrbitView;
use crate::scene::{PointEdit, RegressPanel, RegressSettings};

/// Most points (and residuals) drawn; more are sampled evenly.
const MAX_DRAWN: usize = 2000;
/// How near (in points of the screen) the pointer must be to grab a point.
const GRAB: f32 = 9.0;

pub(crate) const FIT_COLOR: Color32 = Color32::from_rgb(230, 85, 13);
pub(crate) const RESIDUAL_COLOR: Color32 = Color32::from_rgb(214, 39, 40);
pub(crate) const RIDGE_COLOR: Color32 = Color32::from_rgb(44, 160, 44);
pub(crate) const DESCENT_COLOR: Color32 = Color32::from_rgb(148, 103, 189);

/// A change to the points made in the picture.
#[derive(Clone, Copy, Debug)]
pub(super) enum Edit {
    Move(Source, f64, f64),
    Add(f64, f64),
    Remove(Source),
}

/// Applies an edit to the settings.
pub(super) fn apply(s: &mut RegressSettings, e: Edit) {
    match e {
        Edit::Move(Source::Row(row), x, y) => {
            s.moved.retain(|m| m.row != row);
            s.moved.push(PointEdit { row, x, y });
        }
        Edit::Move(Source::Added(i), x, y) => {
            if let Some(p) = s.added.get_mut(i) {
                *p = [x, y];
            }
        }
        Edit::Add(x, y) => s.added.push([x, y]),
        Edit::Remove(Source::Row(row)) => {
            s.moved.retain(|m| m.row != row);
            if !s.removed.contains(&row) {
                s.removed.push(row);
            }
        }
        Edit::Remove(Source::Added(i)) => {
            if i < s.added.len() {
                s.added.remove(i);
            }
        }
    }
}

/// The indices of the observations drawn: all, or an even sample.
fn drawn(n: usize) -> Vec<usize> {
    if n <= MAX_DRAWN {
        (0..n).collect()
    } else {
        (0..MAX_DRAWN).map(|i| i * n / MAX_DRAWN).collect()
    }
}

pub(super) fn ui(ui: &mut Ui, view: &mut RegressView, p: &Prepared, size: Vec2) -> Option<Edit> {
    let Ok(m) = &p.model else {
        return None;
    };
    match p.xs.len() {
        1 => line_ui(ui, view, p, m, size),
        2 => {
            plane_ui(ui, view, p, m, size);
            None
        }
        _ => {
            fitted_ui(ui, p, m, size);
            None
        }
    }
}

fn line_ui(
    ui: &mut Ui,
    view: &mut RegressView,
    p: &Prepared,
    m: &Model,
    size: Vec2,
) -> Option<Edit> {
    let s = &view.settings;
    let dark = ui.visuals().dark_mode;
    let point_color = neutral_point_color(dark);
    let b = &m.ols.coefficients;
    let (b0, b1) = (b[0], b[1]);
    let x = &p.xs[0];
    let idx = drawn(p.y.len());
    let hover_id = ui.scope_id().with("regress-hover");
    let hovering: bool = ui.ctx().data(|d| d.get_temp(hover_id)).unwrap_or(false);
    let dragging = view.dragging;
    let descent_line = (s.panel == RegressPanel::Descent)
        .then(|| descent_line(m, s.progress))
        .flatten();
    let (x_min, x_max) = p.spans[1];
    let pad = ((x_max - x_min) * 0.08).max(1e-9);
    let response = crate::app::views::axes::plot("regress-data")
        .width(size.x)
        .height(size.y)
        .custom_x_axes(crate::app::views::sparse_x_axis(p.x_names[0].as_str()))
        .custom_y_axes(crate::app::views::sparse_y_axis(p.y_name.as_str()))
        .legend(Legend::default().position(Corner::LeftTop))
        .allow_drag(!hovering && dragging.is_none())
        .allow_double_click_reset(false)
        .label_formatter(|_: &egui_plot::HoverPosition<'_>| None)
        .show(ui, |plot_ui| {
            let (lo, hi) = (x_min - pad, x_max + pad);
            draw_residuals(plot_ui, p, m, &idx, s.squares, s.residuals);
            plot_ui.line(
                Line::new(
                    // The equation where the legend has room for it (the
                    // numbers beside say it too).
                    if size.x >= 380.0 {
                        format!(
                            "least squares  ŷ = {} + {}·x",
                            fmt_num(b0, 4),
                            fmt_num(b1, 4)
                        )
                    } else {
                        "least squares".to_owned()
                    },
                    vec![[lo, b0 + b1 * lo], [hi, b0 + b1 * hi]],
                )
                .color(FIT_COLOR)
                .width(2.5),
            );
            if let Some(r) = &m.ridge {
                plot_ui.line(
                    Line::new(
                        format!("ridge λ = {}", fmt_num(s.ridge, 3)),
                        vec![[lo, r[0] + r[1] * lo], [hi, r[0] + r[1] * hi]],
                    )
                    .color(RIDGE_COLOR)
                    .style(LineStyle::dashed_loose())
                    .width(2.0),
                );
            }
            if let Some((step, c0, c1)) = descent_line {
                plot_ui.line(
                    Line::new(
                        format!("descent, step {step}"),
                        vec![[lo, c0 + c1 * lo], [hi, c0 + c1 * hi]],
                    )
                    .color(DESCENT_COLOR)
                    .style(LineStyle::dashed_dense())
                    .width(2.0),
                );
            }
            let pts: Vec<[f64; 2]> = idx.iter().map(|&i| [x[i], p.y[i]]).collect();
            plot_ui.points(
                Points::new("", PlotPoints::from(pts))
                    .shape(MarkerShape::Circle)
                    .radius(if idx.len() > 500 { 2.0 } else { 4.0 })
                    .filled(true)
                    .color(point_color)
                    .allow_hover(false),
            );
            let added: Vec<[f64; 2]> = p
                .sources
                .iter()
                .enumerate()
                .filter(|(_, s)| matches!(s, Source::Added(_)))
                .map(|(i, _)| [x[i], p.y[i]])
                .collect();
            if !added.is_empty() {
                plot_ui.points(
                    Points::new("added", PlotPoints::from(added))
                        .shape(MarkerShape::Diamond)
                        .radius(5.0)
                        .filled(true)
                        .color(category_color(0))
                        .allow_hover(false),
                );
            }
            // The point under the pointer, in screen distance.
            let pointer = plot_ui.response().hover_pos();
            let near = pointer.and_then(|at| {
                idx.iter()
                    .map(|&i| {
                        (
                            i,
                            plot_ui
                                .screen_from_plot(PlotPoint::new(x[i], p.y[i]))
                                .distance(at),
                        )
                    })
                    .filter(|(_, d)| *d <= GRAB)
                    .min_by(|a, b| a.1.total_cmp(&b.1))
                    .map(|(i, _)| i)
            });
            let held = dragging.and_then(|src| p.index_of(src)).or(near);
            if let Some(i) = held {
                plot_ui.points(
                    Points::new("", vec![[x[i], p.y[i]]])
                        .shape(MarkerShape::Circle)
                        .radius(7.0)
                        .filled(false)
                        .color(FIT_COLOR)
                        .allow_hover(false),
                );
                let name = match p.sources[i] {
                    Source::Row(r) => format!("row {r}"),
                    Source::Added(_) => "added".to_owned(),
                };
                plot_ui.text(
                    Text::new(
                        "",
                        PlotPoint::new(x[i], p.y[i]),
                        format!(
                            "  {name}: ({}, {}), r = {}",
                            fmt_num(x[i], 4),
                            fmt_num(p.y[i], 4),
                            fmt_num(m.ols.residuals[i], 3)
                        ),
                    )
                    .anchor(Align2::LEFT_BOTTOM),
                );
            }
            (near.map(|i| p.sources[i]), plot_ui.pointer_coordinate())
        });
    let (near, at) = response.inner;
    view.data_transform = Some(response.transform);
    ui.ctx()
        .data_mut(|d| d.insert_temp(hover_id, near.is_some()));
    interact(ui, view, &response.response, near, at)
}

/// The residuals of the drawn points `idx`: as squares (side |r| on the
/// screen, so their total area is the loss) and as vertical segments.
fn draw_residuals(
    plot_ui: &mut egui_plot::PlotUi<'_>,
    p: &Prepared,
    m: &Model,
    idx: &[usize],
    squares: bool,
    residuals: bool,
) {
    let x = &p.xs[0];
    let [dx, dy] = plot_ui.transform().dpos_dvalue();
    if squares {
        for &i in idx {
            let r = m.ols.residuals[i];
            // A square on screen: |r| along y, the same length of screen
            // along x.
            let w = r.abs() * dy.abs() / dx.abs().max(f64::MIN_POSITIVE);
            let (x0, y0, y1) = (x[i], p.y[i], m.ols.fitted[i]);
            let x1 = x0 + if r > 0.0 { -w } else { w };
            plot_ui.polygon(
                Polygon::new("", vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
                    .fill_color(RESIDUAL_COLOR.gamma_multiply(0.12))
                    .stroke(Stroke::new(0.5, RESIDUAL_COLOR.gamma_multiply(0.5)))
                    .allow_hover(false),
            );
        }
    }
    if residuals {
        for &i in idx {
            plot_ui.line(
                Line::new("", vec![[x[i], p.y[i]], [x[i], m.ols.fitted[i]]])
                    .color(RESIDUAL_COLOR.gamma_multiply(0.8))
                    .width(1.0)
                    .allow_hover(false),
            );
        }
    }
}

/// What the pointer did to the points: a drag moves the point grabbed at
/// the press, a right-click on a point removes it, a double-click on empty
/// space adds one.
fn interact(
    ui: &Ui,
    view: &mut RegressView,
    r: &egui::Response,
    near: Option<Source>,
    at: Option<PlotPoint>,
) -> Option<Edit> {
    let mut edit = None;
    // The drag starts a few points after the press: grab what was under
    // the pointer when it went down.
    let press_id = ui.scope_id().with("regress-pressed");
    if ui.input(|i| i.pointer.primary_pressed()) && r.hovered() {
        ui.ctx().data_mut(|d| d.insert_temp(press_id, near));
    }
    if r.drag_started() {
        view.dragging = ui
            .ctx()
            .data(|d| d.get_temp::<Option<Source>>(press_id))
            .flatten();
    }
    if let (Some(src), Some(at)) = (view.dragging, at)
        && r.dragged()
    {
        edit = Some(Edit::Move(src, at.x, at.y));
    }
    if r.drag_stopped() || !r.is_pointer_button_down_on() && !r.dragged() {
        view.dragging = None;
    }
    if r.secondary_clicked()
        && let Some(src) = near
    {
        edit = Some(Edit::Remove(src));
    }
    if r.double_clicked()
        && near.is_none()
        && let Some(at) = at
    {
        edit = Some(Edit::Add(at.x, at.y));
    }
    if near.is_some() || view.dragging.is_some() {
        ui.ctx().set_cursor_icon(egui::CursorIcon::Grab);
    }
    edit
}

/// The line of the descent's iterate at `progress`: (step, β₀, β₁), β₀ the
/// intercept at x = 0 even when the descent ran on centred x.
fn descent_line(m: &Model, progress: f32) -> Option<(usize, f64, f64)> {
    let d = &m.descent;
    let step = d.step_at(progress);
    let [c0, c1] = *d.path.get(step)?;
    let shift = if m.centred { m.x_mean } else { 0.0 };
    Some((step, c0 - c1 * shift, c1))
}

/// Two predictors: the points in 3D, the fitted plane and the residuals.
fn plane_ui(ui: &mut Ui, view: &mut RegressView, p: &Prepared, m: &Model, size: Vec2) {
    let idx = drawn(p.y.len());
    let range = |(lo, hi): (f64, f64)| {
        let mid = 0.5 * (lo + hi);
        let half = (0.5 * (hi - lo)).max(1e-12);
        (lo, hi, mid, half)
    };
    let (x1, x2) = (&p.xs[0], &p.xs[1]);
    let (r1, r2, ry) = (range(p.spans[1]), range(p.spans[2]), range(p.spans[0]));
    let to = |a: f64, b: f64, y: f64| {
        [
            ((a - r1.2) / r1.3) as f32,
            ((b - r2.2) / r2.3) as f32,
            ((y - ry.2) / ry.3) as f32,
        ]
    };
    let beta = &m.ols.coefficients;
    let plane = |a: f64, b: f64| beta[0] + beta[1] * a + beta[2] * b;
    let dark = ui.visuals().dark_mode;
    let names = [
        p.x_names[0].as_str(),
        p.x_names[1].as_str(),
        p.y_name.as_str(),
    ];
    let s = &view.settings;
    let (residuals, home) = (s.residuals, view.home_camera);
    OrbitView::new("regress-plane", &mut view.settings.camera, home)
        .axis_names(names)
        .show(ui, size, |sc| {
            let corners: Vec<[f32; 3]> = [(r1.0, r2.0), (r1.1, r2.0), (r1.1, r2.1), (r1.0, r2.1)]
                .iter()
                .map(|&(a, b)| to(a, b, plane(a, b)))
                .collect();
            sc.polygon(
                &corners,
                FIT_COLOR.gamma_multiply(0.25),
                Stroke::new(1.0, FIT_COLOR),
            );
            for &i in &idx {
                let at = to(x1[i], x2[i], p.y[i]);
                if residuals {
                    sc.line(
                        at,
                        to(x1[i], x2[i], m.ols.fitted[i]),
                        Stroke::new(1.0, RESIDUAL_COLOR),
                    );
                }
                sc.point(at, 3.0, neutral_point_color(dark));
            }
            let caption = format!(
                "ŷ = {} + {}·{} + {}·{}",
                fmt_num(beta[0], 4),
                fmt_num(beta[1], 4),
                names[0],
                fmt_num(beta[2], 4),
                names[1]
            );
            let top = sc.proj.rect().left_top() + egui::vec2(8.0, 8.0);
            sc.overlay_text(top, Align2::LEFT_TOP, &caption, 13.0, sc.text_color());
        });
}

/// Three or more predictors: y against ŷ, the line y = ŷ, the residuals.
fn fitted_ui(ui: &mut Ui, p: &Prepared, m: &Model, size: Vec2) {
    let idx = drawn(p.y.len());
    let dark = ui.visuals().dark_mode;
    let f = &m.ols.fitted;
    let (lo, hi) = (
        m.fitted_span.0.min(p.spans[0].0),
        m.fitted_span.1.max(p.spans[0].1),
    );
    crate::app::views::axes::plot("regress-fitted")
        .width(size.x)
        .height(size.y)
        .custom_x_axes(crate::app::views::sparse_x_axis(format!(
            "ŷ, fitted from {} predictors",
            p.xs.len()
        )))
        .custom_y_axes(crate::app::views::sparse_y_axis(p.y_name.as_str()))
        .legend(Legend::default().position(Corner::LeftTop))
        .show(ui, |plot_ui| {
            for &i in &idx {
                plot_ui.line(
                    Line::new("", vec![[f[i], p.y[i]], [f[i], f[i]]])
                        .color(RESIDUAL_COLOR.gamma_multiply(0.8))
                        .width(1.0)
                        .allow_hover(false),
                );
            }
            plot_ui.line(
                Line::new("y = ŷ", vec![[lo, lo], [hi, hi]])
                    .color(FIT_COLOR)
                    .width(2.0),
            );
            let pts: Vec<[f64; 2]> = idx.iter().map(|&i| [f[i], p.y[i]]).collect();
            plot_ui.points(
                Points::new("", PlotPoints::from(pts))
                    .radius(3.0)
                    .filled(true)
                    .color(neutral_point_color(dark))
                    .allow_hover(false),
            );
        });
}
