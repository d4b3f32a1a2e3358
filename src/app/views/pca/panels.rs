//! The PCA view's lower right: the scree plot, and the loadings table or
//! the covariance heatmap.

use egui::{Align2, Color32, RichText, Ui, vec2};
use egui_plot::{AxisHints, Bar, BarChart, GridMark, Line, PlotPoint, PlotPoints, Points, Text};

use crate::app::style::{diverging, text_on};
use crate::app::widgets::Heatmap;
use crate::math::pca::Pca;
use crate::scene::PcaPanel;

/// Components shown in the loadings table.
const MAX_LOADINGS: usize = 8;

/// The point hovered in another panel, for the loadings table: its row in
/// the data and its scores on each component.
pub(super) struct PointScores {
    pub row: usize,
    pub scores: Vec<f64>,
}

/// The Loadings / Covariance tabs and the one chosen. With a point hovered
/// in the 3D view or the scores, the loadings table adds its scores as a
/// highlighted row.
pub(super) fn matrix_panel_ui(
    ui: &mut Ui,
    pca: &Pca,
    panel: &mut PcaPanel,
    linked: Option<&PointScores>,
) {
    ui.horizontal(|ui| {
        ui.selectable_value(panel, PcaPanel::Loadings, "Loadings");
        ui.selectable_value(panel, PcaPanel::Covariance, "Covariance");
    });
    match *panel {
        PcaPanel::Loadings => loadings_ui(ui, pca, linked),
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

/// Space inside each cell of the loadings table, left and right of its text.
const CELL_PAD: f32 = 4.0;
/// Text size of the table's numbers.
const NUMBER_SIZE: f32 = 13.0;

/// The loadings table: a row per column, a column per component, then each
/// component's variance and ratio. Numbers are monospace and right-aligned
/// in padded cells, so their decimal points line up down each column.
fn loadings_ui(ui: &mut Ui, pca: &Pca, linked: Option<&PointScores>) {
    let d = pca.n_features();
    let k = d.min(MAX_LOADINGS);
    let loading = |v: f64| format!("{v:+.3}").replace('-', "−");
    // λ with as many decimals as keep four figures of the largest.
    let max_l = pca
        .explained_variance
        .iter()
        .take(k)
        .fold(0.0f64, |m, v| m.max(v.abs()));
    let decimals = if max_l > 0.0 {
        (3 - max_l.log10().floor() as i32).clamp(0, 6) as usize
    } else {
        3
    };
    let lambda = |v: f64| format!("{v:.decimals$}");
    let ratio = |r: f64| format!("{:.1}%", 100.0 * r);
    let font = egui::FontId::monospace(NUMBER_SIZE);
    let widest = (0..k)
        .flat_map(|c| {
            (0..d).map(move |j| loading(pca.components[(c, j)])).chain([
                lambda(pca.explained_variance[c]),
                ratio(pca.explained_variance_ratio[c]),
            ])
        })
        .chain(
            linked
                .iter()
                .flat_map(|p| p.scores.iter().take(k).map(|v| format!("{v:+.2}"))),
        )
        .map(|t| ui.fonts_mut(|f| f.layout_no_wrap(t, font.clone(), Color32::WHITE).size().x))
        .fold(0.0f32, f32::max);
    let width = widest + 2.0 * CELL_PAD;
    egui::ScrollArea::both().show(ui, |ui| {
        egui::Grid::new("pca-loadings")
            .striped(false)
            .spacing(vec2(2.0, 3.0))
            .show(ui, |ui| {
                ui.label("");
                for c in 0..k {
                    number_cell(ui, RichText::new(format!("PC{}", c + 1)).strong(), width, None);
                }
                ui.end_row();
                for (j, name) in pca.columns.iter().enumerate() {
                    row_name(ui, RichText::new(name));
                    for c in 0..k {
                        let v = pca.components[(c, j)];
                        let fill = diverging(v as f32);
                        let text = RichText::new(loading(v)).monospace().size(NUMBER_SIZE).color(text_on(fill));
                        number_cell(ui, text, width, Some(fill));
                    }
                    ui.end_row();
                }
                row_name(ui, RichText::new("variance λ").weak());
                for c in 0..k {
                    let text = RichText::new(lambda(pca.explained_variance[c])).monospace().size(NUMBER_SIZE).weak();
                    number_cell(ui, text, width, None);
                }
                ui.end_row();
                row_name(ui, RichText::new("ratio").weak());
                for c in 0..k {
                    let text = RichText::new(ratio(pca.explained_variance_ratio[c])).monospace().size(NUMBER_SIZE).weak();
                    number_cell(ui, text, width, None);
                }
                ui.end_row();
                if let Some(p) = linked {
                    // The hovered point's scores, in the selection's colours.
                    let sel = ui.visuals().selection;
                    row_name(ui, RichText::new(format!("scores of row {}", p.row)).color(sel.stroke.color));
                    for c in 0..k {
                        let v = p.scores.get(c).copied().unwrap_or(f64::NAN);
                        let text = RichText::new(format!("{v:+.2}").replace('-', "−"))
                            .monospace()
                            .size(NUMBER_SIZE)
                            .color(text_on(sel.bg_fill));
                        number_cell(ui, text, width, Some(sel.bg_fill));
                    }
                    ui.end_row();
                }
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

/// A row's name, with room before the first number.
fn row_name(ui: &mut Ui, text: RichText) {
    ui.horizontal(|ui| {
        ui.label(text);
        ui.add_space(CELL_PAD);
    });
}

/// One cell of `width`: `text` right-aligned, [`CELL_PAD`] from the right
/// edge, on `fill` when given.
fn number_cell(ui: &mut Ui, text: RichText, width: f32, fill: Option<Color32>) {
    let h = ui.spacing().interact_size.y;
    ui.allocate_ui_with_layout(
        vec2(width, h),
        egui::Layout::right_to_left(egui::Align::Center),
        |ui| {
            ui.set_min_size(vec2(width, h));
            if let Some(fill) = fill {
                ui.painter().rect_filled(ui.max_rect(), 2.0, fill);
            }
            ui.add_space(CELL_PAD);
            ui.label(text);
        },
    );
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
