//! The side column: the rank slider and Play, the numbers (error beside the
//! Eckart–Young bound, energy, storage, the rank for 90/99/99.9%), a small
//! spectrum, and what this is the same idea as.

use egui::{Grid, RichText, Slider, Ui, vec2};

use super::panels::spectrum_plot;
use super::pictures::subscript;
use super::prepare::Shown;
use crate::app::style::{fmt_count, fmt_num};
use crate::scene::{ImagePanel, ImageSettings, MAX_GALLERY};

pub(super) fn ui(ui: &mut Ui, s: &mut ImageSettings, playing: &mut bool, shown: &Shown) {
    let svd = &shown.svd;
    let full = svd.full_rank();
    let (m, n) = (svd.height, svd.width);
    ui.label(
        RichText::new(format!(
            "A is {m} × {n}{}: A = U Σ Vᵀ = Σᵢ σᵢ uᵢ vᵢᵀ, {full} layers, largest first.",
            if svd.matrices.len() == 3 {
                " (×3: R, G, B)"
            } else {
                ""
            }
        ))
        .small(),
    );
    if crate::app::views::controls_shown(ui) {
        controls_ui(ui, s, playing, full);
    }
    ui.add_space(6.0);
    let k = shown.rank();
    let error = shown.error();
    let bound = svd.bound(k);
    let storage = svd.storage(k);
    let size = svd.size();
    Grid::new("image-numbers")
        .num_columns(2)
        .spacing(vec2(10.0, 3.0))
        .show(ui, |ui| {
            ui.label("k");
            ui.label(RichText::new(k.to_string()).strong());
            ui.end_row();
            ui.label(format!("error ‖A − A{}‖", subscript(k)));
            ui.label(RichText::new(fmt_num(error, 5)).monospace());
            ui.end_row();
            ui.label("bound √(Σᵢ>ₖ σᵢ²)")
                .on_hover_text("Eckart–Young: the least error of any rank-k matrix");
            ui.label(RichText::new(fmt_num(bound, 5)).monospace());
            ui.end_row();
            ui.label("relative error");
            let norm = svd.bound(0).max(f64::MIN_POSITIVE);
            ui.label(RichText::new(format!("{}%", fmt_num(100.0 * bound / norm, 3))).monospace());
            ui.end_row();
            ui.label("energy kept");
            ui.label(RichText::new(format!("{}%", fmt_num(100.0 * svd.energy(k), 5))).monospace());
            ui.end_row();
            ui.label("stored k(m+n+1)");
            ui.label(RichText::new(fmt_count(storage)).monospace());
            ui.end_row();
            ui.label("the picture m·n");
            ui.label(RichText::new(fmt_count(size)).monospace());
            ui.end_row();
            ui.label("ratio");
            ui.label(
                RichText::new(format!(
                    "{}%",
                    fmt_num(100.0 * storage as f64 / size as f64, 3)
                ))
                .monospace(),
            );
            ui.end_row();
            for f in [0.9, 0.99, 0.999] {
                ui.label(format!("k for {}%", fmt_num(100.0 * f, 3)));
                ui.label(RichText::new(svd.rank_for_energy(f).to_string()).monospace());
                ui.end_row();
            }
        });
    ui.label(
        RichText::new(
            "No rank-k matrix is closer to A than A_k (Eckart–Young): its error is exactly the singular values left out.",
        )
        .small()
        .weak(),
    );
    ui.add_space(6.0);
    let w = ui.available_width();
    spectrum_plot(ui, "image-side-spectrum", shown, k, vec2(w, 170.0), false);
    ui.add_space(6.0);
    ui.label(RichText::new("The same idea elsewhere").strong());
    ui.label(
        RichText::new(
            "Factorize: a ratings matrix ≈ P Qᵀ is a rank-k layer sum too, fitted to the known cells only (there are gaps). PCA: the picture's rows are points in ℝⁿ; the vᵢ are their principal axes (after centring), and uᵢσᵢ their scores.",
        )
        .small(),
    );
}

/// The rank slider, −1 / +1 / Play, and the panel's own settings (hidden on
/// a slide and in a picture without controls).
fn controls_ui(ui: &mut Ui, s: &mut ImageSettings, playing: &mut bool, full: usize) {
    ui.add_space(4.0);
    let mut k = s.shown_rank();
    let label = ui.label("k, layers kept");
    ui.horizontal(|ui| {
        ui.spacing_mut().slider_width = (ui.available_width() - 70.0).max(60.0);
        let changed = ui
            .add(Slider::new(&mut k, 0..=full).clamping(egui::SliderClamping::Always))
            .labelled_by(label.id)
            .changed();
        if changed {
            s.rank = k;
            s.progress = 1.0;
            *playing = false;
        }
    });
    ui.horizontal(|ui| {
        if ui.button("−1").clicked() && s.rank > 0 {
            s.rank = s.shown_rank().saturating_sub(1);
            s.progress = 1.0;
        }
        if ui.button("+1").clicked() {
            s.rank = (s.shown_rank() + 1).min(full);
            s.progress = 1.0;
        }
        let play = if *playing { "Pause" } else { "▶ Play" };
        if ui
            .button(play)
            .on_hover_text("Add the layers one by one, from 0 to k")
            .clicked()
        {
            if !*playing && s.progress >= 1.0 {
                s.progress = 0.0;
            }
            *playing = !*playing;
        }
    });
    match s.panel {
        ImagePanel::Pictures => {
            ui.checkbox(&mut s.residual, "Show the residual A − Aₖ, amplified");
            if s.residual {
                ui.horizontal(|ui| {
                    ui.spacing_mut().slider_width = (ui.available_width() - 90.0).max(60.0);
                    ui.add(
                        Slider::new(&mut s.amplify, 1.0..=64.0)
                            .logarithmic(true)
                            .text("×"),
                    );
                });
            }
        }
        ImagePanel::Layers => {
            let label = ui.label("layers shown");
            ui.horizontal(|ui| {
                ui.spacing_mut().slider_width = (ui.available_width() - 70.0).max(60.0);
                ui.add(Slider::new(&mut s.layers, 1..=MAX_GALLERY))
                    .labelled_by(label.id);
            });
        }
        ImagePanel::Spectrum => {}
    }
}
