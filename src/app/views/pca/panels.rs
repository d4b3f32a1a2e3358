//! The PCA view's lower right: the scree plot, and the loadings table or
//! the covariance heatmap.

use egui::{Align2, Color32, RichText, Ui, vec2};
use egui_plot::{AxisHints, Bar, BarChart, GridMark, Line, PlotPoint, PlotPoints, Points, Text};

use crate::app::style::{diverging, fmt_num, text_on};
use crate::app::widgets::Heatmap;
use crate::math::pca::Pca;
use crate::scene::PcaPanel;

/// Components shown in the loadings table.
const MAX_LOADINGS: usize = 8;

/// The Loadings / Covariance tabs and the one chosen.
pub(super) fn matrix_panel_ui(ui: &mut Ui, pca: &Pca, panel: &mut PcaPanel) {
    ui.horizontal(|ui| {
        ui.selectable_value(panel, PcaPanel::Loadings, "Loadings");
        ui.selectable_value(panel, PcaPanel::Covariance, "Covariance");
    });
    match *panel {
        PcaPanel::Loadings => loadings_ui(ui, pca),
        PcaPanel::Covariance => covariance_ui(ui, pca),
    }
}

pub(super) fn scree_ui(ui: &mut Ui, pca: &Pca) {
    ui.label(RichText::new("Scree: variance per component").strong());
    let d = pca.n_features();
    let ratio = &pca.explained_variance_ratio;
    let bars: Vec<Bar> = (0..d)
        .map(|k| {
            Bar::new((k + 1) as f64, ratio[k])
                .width(0.6)
                .fill(Color32::from_rgba_unmultiplied(0, 114, 178, 150))
                .name(format!("PC{}: {:.1}%", k + 1, 100.0 * ratio[k]))
        })
        .collect();
    let cumulative = pca.cumulative_ratio();
    let line_pts: Vec<[f64; 2]> = cumulative
        .iter()
        .enumerate()
        .map(|(k, c)| [(k + 1) as f64, *c])
        .collect();
    let accent = Color32::from_rgb(0, 114, 178);
    let text_color = ui.visuals().text_color();
    crate::app::views::axes::plot("pca-scree")
        .y_axis_label("ratio of variance")
        .include_y(0.0)
        .include_y(1.08)
        .include_x(0.4)
        .include_x(d as f64 + 0.6)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show_x(false)
        .show_y(false)
        .x_grid_spacer(move |_| {
            (1..=d)
                .map(|k| GridMark {
                    value: k as f64,
                    step_size: 1.0,
                })
                .collect()
        })
        // Bars may be closer than egui_plot's default label spacing allows.
        .custom_x_axes(vec![
            AxisHints::new_x()
                .label("component")
                .label_spacing(18.0..=24.0)
                .formatter(|m: GridMark, _| {
                    let k = m.value.round();
                    if (m.value - k).abs() < 1e-6 && k >= 1.0 {
                        format!("PC{k}")
                    } else {
                        String::new()
                    }
                }),
        ])
        .y_axis_formatter(|m: GridMark, _| format!("{:.0}%", m.value * 100.0))
        .show(ui, |plot_ui| {
            plot_ui.bar_chart(
                BarChart::new("per component", bars)
                    .color(accent)
                    .element_formatter(Box::new(|bar, _| bar.name.clone())),
            );
            plot_ui.line(
                Line::new("cumulative", PlotPoints::from(line_pts.clone()))
                    .color(text_color)
                    .width(1.5),
            );
            plot_ui.points(
                Points::new("cumulative", PlotPoints::from(line_pts))
                    .color(text_color)
                    .radius(3.0),
            );
            for k in 0..d.min(12) {
                plot_ui.text(
                    Text::new(
                        "",
                        PlotPoint::new((k + 1) as f64, ratio[k]),
                        format!("{:.1}%", 100.0 * ratio[k]),
                    )
                    .anchor(Align2::CENTER_BOTTOM)
                    .color(text_color)
                    .allow_hover(false),
                );
            }
        });
}

fn loadings_ui(ui: &mut Ui, pca: &Pca) {
    let d = pca.n_features();
    let k = d.min(MAX_LOADINGS);
    egui::ScrollArea::both().show(ui, |ui| {
        egui::Grid::new("pca-loadings")
            .striped(false)
            .spacing(vec2(2.0, 2.0))
            .show(ui, |ui| {
                ui.label("");
                for c in 0..k {
                    ui.label(RichText::new(format!("PC{}", c + 1)).strong());
                }
                ui.end_row();
                for (j, name) in pca.columns.iter().enumerate() {
                    ui.label(name);
                    for c in 0..k {
                        let v = pca.components[(c, j)];
                        let fill = diverging(v as f32);
                        let text = RichText::new(format!("{v:+.3}").replace('-', "−"))
                            .monospace()
                            .color(text_on(fill))
                            .background_color(fill);
                        ui.label(text);
                    }
                    ui.end_row();
                }
                ui.label(RichText::new("variance λ").weak());
                for c in 0..k {
                    ui.label(RichText::new(fmt_num(pca.explained_variance[c], 4)).weak());
                }
                ui.end_row();
                ui.label(RichText::new("ratio").weak());
                for c in 0..k {
                    ui.label(
                        RichText::new(format!("{:.1}%", 100.0 * pca.explained_variance_ratio[c]))
                            .weak(),
                    );
                }
                ui.end_row();
            });
        if d > k {
            ui.label(RichText::new(format!("First {k} of {d} components.")).weak());
        }
        ui.label(
            RichText::new("Each column of the table is a unit vector: a principal axis in terms of the original columns.")
                .weak()
                .small(),
        );
    });
}

fn covariance_ui(ui: &mut Ui, pca: &Pca) {
    let names: Vec<&str> = pca.columns.iter().map(String::as_str).collect();
    let limit = pca.covariance.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let title = if pca.standardized {
        "Σ of the z-scores (the correlation matrix)"
    } else {
        "Σ = XᵀX / (n − 1), X centred"
    };
    Heatmap {
        title,
        names: &names,
        values: &pca.covariance,
        limit,
        symbol: "Σ",
    }
    .ui(ui, ui.available_size());
}
