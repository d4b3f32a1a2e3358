//! The pictures beside the data that are plots: the loss over (β₀, β₁)
//! with the descent path, the ridge path, and Anscombe's quartet.

use egui::{Color32, RichText, Ui, Vec2, vec2};
use egui_plot::{Corner, Heatmap, Legend, Line, MarkerShape, PlotPoint, PlotPoints, Points, VLine};

use super::data_space::{DESCENT_COLOR, FIT_COLOR};
use super::prepare::{Prepared, span};
use crate::app::style::{category_color, fmt_num, neutral_point_color, viridis};
use crate::math::regress::{Ols, anscombe};
use crate::scene::RegressSettings;

/// Bands of the loss map.
const BANDS: f64 = 14.0;

pub(super) fn descent_ui(ui: &mut Ui, s: &RegressSettings, p: &Prepared, size: Vec2) {
    let Ok(m) = &p.model else {
        return;
    };
    let d = &m.descent;
    let last = d.path.len() - 1;
    let step = d.step_at(s.progress);
    let shown: Vec<[f64; 2]> = d.path[..=step].to_vec();
    let (lo, hi) = span(&d.grid);
    let n = d.n;
    let tile = |r: (f64, f64)| (r.1 - r.0) / (n - 1) as f64;
    let (t0, t1) = (tile(d.b0), tile(d.b1));
    let b0_name = if m.centred {
        "β₀ (the fit at x̄)"
    } else {
        "β₀ (intercept)"
    };
    let status = if d.diverged {
        format!(
            "rate {} > 2/L = {}: each step overshoots further, and descent diverges.",
            fmt_num(d.rate, 3),
            fmt_num(2.0 / d.curvature.0, 3)
        )
    } else {
        format!(
            "step {step} of {last}: loss {} (minimum {}); rate {}, diverges above 2/L = {}; L/μ = {}",
            fmt_num(d.losses[step], 4),
            fmt_num(d.min_loss, 4),
            fmt_num(d.rate, 3),
            fmt_num(2.0 / d.curvature.0, 3),
            fmt_num(d.curvature.0 / d.curvature.1.max(f64::MIN_POSITIVE), 3),
        )
    };
    let note = if p.xs.len() > 1 {
        "Slice through the minimum: the other slopes at their least-squares values. "
    } else {
        ""
    };
    crate::app::views::axes::plot("regress-descent")
        .width(size.x)
        .height((size.y - 40.0).max(80.0))
        .custom_x_axes(crate::app::views::sparse_x_axis(b0_name))
        .custom_y_axes(crate::app::views::sparse_y_axis(format!(
            "β₁ ({})",
            p.x_names[0]
        )))
        .legend(Legend::default().position(Corner::RightTop))
        .label_formatter(|_: &egui_plot::HoverPosition<'_>| None)
        .show(ui, |plot_ui| {
            let span = (hi - lo).max(f64::MIN_POSITIVE);
            plot_ui.add(
                Heatmap::new(d.grid.clone(), n)
                    .show_labels(false)
                    .at(PlotPoint::new(d.b0.0 - t0 / 2.0, d.b1.0 - t1 / 2.0))
                    .tile_size(t0 as f32, t1 as f32)
                    .custom_mapping(Box::new(move |v| {
                        // Filled contours: bands evenly spaced in √(loss − min).
                        let t = ((v - lo) / span).clamp(0.0, 1.0).sqrt();
                        let band = (t * BANDS).floor().min(BANDS - 1.0) / (BANDS - 1.0);
                        viridis(0.15 + 0.85 * band as f32).gamma_multiply(0.75)
                    })),
            );
            plot_ui.line(
                Line::new(
                    format!("descent ({step} steps)"),
                    PlotPoints::from(shown.clone()),
                )
                .color(DESCENT_COLOR.gamma_multiply(0.8))
                .width(1.5),
            );
            plot_ui.points(
                Points::new("", PlotPoints::from(shown))
                    .radius(2.0)
                    .color(DESCENT_COLOR)
                    .filled(true),
            );
            plot_ui.points(
                Points::new("least squares", vec![d.minimum])
                    .shape(MarkerShape::Asterisk)
                    .radius(9.0)
                    .color(FIT_COLOR),
            );
        });
    ui.label(RichText::new(format!("{note}{status}")).small());
}

pub(super) fn ridge_ui(ui: &mut Ui, s: &RegressSettings, p: &Prepared, size: Vec2) {
    let Some(path) = p.model.as_ref().ok().and_then(|m| m.ridge_path.as_ref()) else {
        return;
    };
    crate::app::views::axes::plot("regress-ridge")
        .width(size.x)
        .height((size.y - 40.0).max(80.0))
        .custom_x_axes(crate::app::views::sparse_x_axis("log₁₀ λ"))
        .custom_y_axes(crate::app::views::sparse_y_axis("slope"))
        .legend(Legend::default().position(Corner::RightTop))
        .show(ui, |plot_ui| {
            for (j, slopes) in path.slopes.iter().enumerate() {
                let pts: Vec<[f64; 2]> = path
                    .log_lambda
                    .iter()
                    .zip(slopes)
                    .map(|(l, b)| [*l, *b])
                    .collect();
                plot_ui.line(
                    Line::new(format!("β for {}", p.x_names[j]), PlotPoints::from(pts))
                        .color(category_color(j))
                        .width(2.0),
                );
            }
            plot_ui.line(
                Line::new(
                    "",
                    vec![
                        [path.log_lambda[0], 0.0],
                        [*path.log_lambda.last().unwrap_or(&0.0), 0.0],
                    ],
                )
                .color(Color32::GRAY)
                .width(1.0),
            );
            if s.ridge > 0.0 {
                plot_ui.vline(
                    VLine::new("λ now", s.ridge.log10())
                        .color(FIT_COLOR)
                        .width(1.5),
                );
            }
        });
    ui.label(
        RichText::new(
            "Ridge minimises |y − Xβ|² + λ Σβⱼ²: as λ grows every slope shrinks toward 0 (the intercept is not penalised). Left: least squares.",
        )
        .small(),
    );
}

pub(super) fn quartet_ui(ui: &mut Ui, size: Vec2) {
    let dark = ui.visuals().dark_mode;
    let cell = vec2((size.x - 8.0) / 2.0, (size.y - 44.0) / 2.0);
    let numerals = ["I", "II", "III", "IV"];
    egui::Grid::new("regress-quartet")
        .spacing(vec2(4.0, 4.0))
        .show(ui, |ui| {
            for (set, numeral) in numerals.iter().enumerate() {
                let Some((x, y)) = anscombe(set) else {
                    continue;
                };
                let fit = Ols::fit(&y, &[&x], &["x".to_owned()]);
                ui.vertical(|ui| {
                    let title = match &fit {
                        Ok(f) => format!(
                            "{}: ŷ = {} + {}x, R² = {}",
                            numeral,
                            fmt_num(f.coefficients[0], 3),
                            fmt_num(f.coefficients[1], 3),
                            fmt_num(f.r2, 3)
                        ),
                        Err(e) => e.to_string(),
                    };
                    ui.label(RichText::new(title).small());
                    crate::app::views::axes::plot(("regress-anscombe", set))
                        .width(cell.x)
                        .height((cell.y - 18.0).max(40.0))
                        .include_x(2.0)
                        .include_x(20.0)
                        .include_y(2.0)
                        .include_y(14.0)
                        .allow_drag(false)
                        .allow_zoom(false)
                        .allow_scroll(false)
                        .label_formatter(|_: &egui_plot::HoverPosition<'_>| None)
                        .show(ui, |plot_ui| {
                            if let Ok(f) = &fit {
                                let (b0, b1) = (f.coefficients[0], f.coefficients[1]);
                                plot_ui.line(
                                    Line::new(
                                        "",
                                        vec![[2.0, b0 + 2.0 * b1], [20.0, b0 + 20.0 * b1]],
                                    )
                                    .color(FIT_COLOR)
                                    .width(2.0),
                                );
                            }
                            let pts: Vec<[f64; 2]> =
                                x.iter().zip(&y).map(|(a, b)| [*a, *b]).collect();
                            plot_ui.points(
                                Points::new("", PlotPoints::from(pts))
                                    .radius(3.5)
                                    .filled(true)
                                    .color(neutral_point_color(dark)),
                            );
                        });
                });
                if set % 2 == 1 {
                    ui.end_row();
                }
            }
        });
    ui.label(
        RichText::new("Anscombe (1973): the same means, variances, correlation and fitted line in all four — only the picture tells them apart.")
            .small(),
    );
}
