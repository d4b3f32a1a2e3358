//! The panels that are not the pictures: the gallery of rank-1 layers with
//! their running sums, and the spectrum (σᵢ on a log scale, the cut at k)
//! with the energy kept.

use egui::{Color32, Image, RichText, Ui, Vec2, vec2};
use egui_plot::{AxisHints, Corner, HLine, Legend, Line, PlotPoints, Points, VLine};

use super::pictures::subscript;
use super::prepare::Shown;
use crate::app::style::fmt_num;
use crate::scene::ImageSettings;

/// The kept part of the spectrum.
const KEPT: Color32 = Color32::from_rgb(31, 119, 180);
/// The cut at k.
const CUT: Color32 = Color32::from_rgb(214, 39, 40);

pub(super) fn layers_ui(ui: &mut Ui, s: &ImageSettings, shown: &mut Shown) {
    let ctx = ui.ctx().clone();
    let (w, h) = (shown.svd.width as f32, shown.svd.height as f32);
    let sigma: Vec<f64> = shown.svd.svds[0].sigma.clone();
    let rgb = shown.svd.matrices.len() == 3;
    let gallery = shown.gallery(&ctx, s.layers);
    let count = gallery.count.max(1);
    ui.label(
        RichText::new(
            "Each layer σᵢ uᵢ vᵢᵀ is one column pattern times one row pattern (grey is 0, lighter positive, darker negative; each scaled to its own range). Adding them, largest first, rebuilds the picture.",
        )
        .small(),
    );
    let avail = ui.available_size();
    let gap = 8.0;
    let spacing = ui.spacing().item_spacing.x;
    // As many per row as draws them largest (each layer above its sum).
    let fit = |per_row: usize| {
        let bands = count.div_ceil(per_row);
        let tile_w =
            ((avail.x - 16.0 - (gap + spacing) * per_row as f32) / per_row as f32).max(24.0);
        let tile_h = ((avail.y - 40.0) / (2 * bands) as f32 - 34.0).max(24.0);
        ((tile_w / w).min(tile_h / h), per_row, bands)
    };
    let (scale, per_row, rows_of_tiles) = (1..=count.min(8))
        .map(fit)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .unwrap_or_else(|| fit(1));
    let tile = vec2(w * scale, h * scale);
    egui::ScrollArea::vertical().show(ui, |ui| {
        for band in 0..rows_of_tiles {
            let range = band * per_row..((band + 1) * per_row).min(gallery.count);
            ui.horizontal_top(|ui| {
                for i in range.clone() {
                    ui.vertical(|ui| {
                        ui.set_width(tile.x + gap);
                        let caption = if rgb {
                            format!("layer {}", i + 1)
                        } else {
                            format!("σ{} = {}", subscript(i + 1), fmt_num(sigma[i], 4))
                        };
                        ui.label(RichText::new(caption).small());
                        ui.add(Image::new(&gallery.layers[i]).fit_to_exact_size(tile));
                    });
                }
            });
            ui.horizontal_top(|ui| {
                for i in range {
                    ui.vertical(|ui| {
                        ui.set_width(tile.x + gap);
                        ui.label(
                            RichText::new(format!("A{} = sum of {}", subscript(i + 1), i + 1))
                                .small(),
                        );
                        ui.add(Image::new(&gallery.sums[i]).fit_to_exact_size(tile));
                    });
                }
            });
            ui.add_space(6.0);
        }
    });
}

pub(super) fn spectrum_ui(ui: &mut Ui, shown: &Shown) {
    let avail = ui.available_size();
    let k = shown.rank();
    let half = vec2(avail.x, ((avail.y - 30.0) / 2.0).max(80.0));
    spectrum_plot(ui, "image-spectrum", shown, k, half, true);
    energy_plot(ui, shown, k, half);
}

/// log₁₀ σᵢ against i, per channel, the kept part solid and the cut at k.
pub(super) fn spectrum_plot(
    ui: &mut Ui,
    id: &str,
    shown: &Shown,
    k: usize,
    size: Vec2,
    legend: bool,
) {
    let svd = &shown.svd;
    let floor = svd
        .svds
        .iter()
        .filter_map(|s| s.sigma.first())
        .fold(0.0_f64, |m, &v| m.max(v))
        * 1e-12;
    let log = |v: f64| v.max(floor.max(f64::MIN_POSITIVE)).log10();
    let names = ["R", "G", "B"];
    let mut plot = crate::app::views::axes::plot(id)
        .width(size.x)
        .height(size.y)
        .allow_scroll(false)
        .custom_x_axes(crate::app::views::sparse_x_axis("i (layer)"))
        .custom_y_axes(vec![
            AxisHints::new_y()
                .label("σᵢ (log scale)")
                .label_spacing(14.0..=40.0)
                .formatter(|mark, _| format!("1e{}", mark.value.round())),
        ])
        // Whole powers of ten only.
        .y_grid_spacer(egui_plot::log_grid_spacer(10))
        .label_formatter(|_: &egui_plot::HoverPosition<'_>| None);
    if legend {
        plot = plot.legend(Legend::default().position(Corner::RightTop));
    }
    plot.show(ui, |plot_ui| {
        for (c, s) in svd.svds.iter().enumerate() {
            let color = if svd.svds.len() == 3 {
                [
                    Color32::from_rgb(214, 39, 40),
                    Color32::from_rgb(44, 160, 44),
                    KEPT,
                ][c]
            } else {
                KEPT
            };
            let pts: Vec<[f64; 2]> = s
                .sigma
                .iter()
                .enumerate()
                .map(|(i, &v)| [(i + 1) as f64, log(v)])
                .collect();
            let kept = pts[..k.min(pts.len())].to_vec();
            let name = if svd.svds.len() == 3 {
                format!("σᵢ of {}", names[c])
            } else {
                "σᵢ".to_owned()
            };
            plot_ui.line(
                Line::new(name, PlotPoints::from(pts))
                    .color(color.gamma_multiply(0.45))
                    .width(1.5),
            );
            plot_ui.points(
                Points::new("", PlotPoints::from(kept))
                    .color(color)
                    .radius(1.8)
                    .filled(true),
            );
        }
        plot_ui.vline(
            VLine::new(format!("k = {k}"), k as f64 + 0.5)
                .color(CUT)
                .width(1.5),
        );
    });
}

/// The energy kept Σᵢ≤ₖ σᵢ² / Σ σᵢ² against k, with 90%, 99% and 99.9%.
fn energy_plot(ui: &mut Ui, shown: &Shown, k: usize, size: Vec2) {
    let svd = &shown.svd;
    let full = svd.full_rank();
    let pts: Vec<[f64; 2]> = (0..=full).map(|j| [j as f64, svd.energy(j)]).collect();
    crate::app::views::axes::plot("image-energy")
        .width(size.x)
        .height(size.y)
        .allow_scroll(false)
        .include_y(0.0)
        .include_y(1.0)
        .custom_x_axes(crate::app::views::sparse_x_axis("k (layers kept)"))
        .custom_y_axes(crate::app::views::sparse_y_axis("energy kept"))
        .legend(Legend::default().position(Corner::RightBottom))
        .label_formatter(|_: &egui_plot::HoverPosition<'_>| None)
        .show(ui, |plot_ui| {
            plot_ui.line(
                Line::new("Σᵢ≤ₖ σᵢ² / Σ σᵢ²", PlotPoints::from(pts))
                    .color(KEPT)
                    .width(2.0),
            );
            let marks = [
                Color32::from_rgb(44, 160, 44),
                Color32::from_rgb(255, 127, 14),
                Color32::from_rgb(148, 103, 189),
            ];
            for (f, c) in [0.9, 0.99, 0.999].into_iter().zip(marks) {
                let r = svd.rank_for_energy(f);
                plot_ui.hline(HLine::new("", f).color(c.gamma_multiply(0.5)));
                plot_ui.points(
                    Points::new(
                        format!("{}% at k = {r}", fmt_num(100.0 * f, 3)),
                        vec![[r as f64, f]],
                    )
                    .color(c)
                    .radius(4.0),
                );
            }
            plot_ui.vline(
                VLine::new(
                    format!("k = {k}: {}%", fmt_num(100.0 * svd.energy(k), 4)),
                    k as f64,
                )
                .color(CUT)
                .width(1.5),
            );
        });
}
