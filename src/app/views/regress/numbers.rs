//! The numbers beside the pictures: β with standard errors and t, R², the
//! normal equations XᵀXβ = Xᵀy with their matrices, Xᵀr = 0, and the
//! observation-space numbers for all rows (|y − ȳ|, |ŷ − ȳ|, |r|, θ and
//! cos²θ = R²).

use std::fmt::Write as _;

use egui::{Grid, RichText, Ui};

use super::prepare::Prepared;
use crate::app::style::{fmt_count, fmt_num};
use crate::scene::RegressSettings;

/// Most rows and columns of XᵀX written out.
const MAX_MATRIX: usize = 6;

pub(super) fn ui(ui: &mut Ui, s: &RegressSettings, p: &Prepared) {
    let Ok(m) = &p.model else {
        return;
    };
    let o = &m.ols;
    let n = p.y.len();
    ui.label(
        RichText::new(format!(
            "Least squares: {} on {}",
            p.y_name,
            p.x_names.join(", ")
        ))
        .strong(),
    );
    let mut rows = format!("{} rows", fmt_count(n));
    let left = p.missing + p.non_finite;
    if left > 0 {
        let _ = write!(
            rows,
            "; {} left out ({} missing, {} infinite)",
            fmt_count(left),
            fmt_count(p.missing),
            fmt_count(p.non_finite)
        );
    }
    let edited = s.moved.len() + s.added.len() + s.removed.len();
    if edited > 0 {
        let _ = write!(rows, "; {edited} edited by hand");
    }
    ui.label(RichText::new(rows).weak());
    Grid::new("regress-beta")
        .striped(true)
        .num_columns(5)
        .show(ui, |ui| {
            for h in ["", "β", "SE", "t"] {
                ui.label(RichText::new(h).weak());
            }
            if m.ridge.is_some() {
                ui.label(RichText::new(format!("ridge λ = {}", fmt_num(s.ridge, 3))).weak());
            }
            ui.end_row();
            for j in 0..o.names.len() {
                ui.label(&o.names[j]);
                ui.monospace(fmt_num(o.coefficients[j], 5));
                ui.monospace(fmt_num(o.std_errors[j], 3));
                ui.monospace(fmt_num(o.t[j], 3));
                if let Some(r) = &m.ridge {
                    ui.monospace(fmt_num(r[j], 5));
                }
                ui.end_row();
            }
        });
    ui.label(format!(
        "R² = {}   adjusted {}   residual SD {}",
        fmt_num(o.r2, 4),
        fmt_num(o.adjusted_r2, 4),
        fmt_num(o.residual_std, 4)
    ));
    if p.xs.len() == 1 {
        ui.label(format!(
            "correlation r = cos∠(x − x̄, y − ȳ) = {}   r² = {}",
            fmt_num(m.correlation, 4),
            fmt_num(m.correlation * m.correlation, 4)
        ))
        .on_hover_text("The correlation is the cosine of the angle between the centred columns; with one predictor, R² = r².");
    }
    ui.add_space(6.0);
    ui.label(RichText::new("Normal equations  XᵀX β = Xᵀy").strong())
        .on_hover_text("Least squares makes the residual r = y − Xβ perpendicular to every column of X: Xᵀr = 0, which is XᵀXβ = Xᵀy. The view solves it by QR, never by inverting XᵀX.");
    let k = m.xtx.nrows();
    if k > MAX_MATRIX {
        ui.label(
            RichText::new(format!(
                "XᵀX is {k} × {k}; the first {MAX_MATRIX} rows and columns:"
            ))
            .weak(),
        );
    }
    let shown = k.min(MAX_MATRIX);
    Grid::new("regress-xtx")
        .striped(true)
        .num_columns(shown + 3)
        .show(ui, |ui| {
            for _ in 0..shown {
                ui.label("");
            }
            ui.label(RichText::new("Xᵀy").weak());
            ui.label(RichText::new("Xᵀr").weak());
            ui.end_row();
            for i in 0..shown {
                for j in 0..shown {
                    ui.monospace(fmt_num(m.xtx[(i, j)], 4));
                }
                ui.monospace(fmt_num(m.xty[i], 4));
                ui.monospace(fmt_num(m.xtr[i], 2)).on_hover_text(
                    "The residual's dot product with this column: 0 up to rounding.",
                );
                ui.end_row();
            }
        });
    let pr = &m.projection;
    ui.add_space(6.0);
    ui.label(RichText::new(format!("Observation space, all {} rows", fmt_count(n))).strong())
        .on_hover_text("Each column is a vector with one entry per row. Centred, ŷ − ȳ is y − ȳ projected onto the columns' span; the residual is what is left, at a right angle.");
    Grid::new("regress-projection")
        .num_columns(2)
        .show(ui, |ui| {
            for (name, v) in [
                ("|y − ȳ|", pr.y_norm),
                ("|ŷ − ȳ|", pr.fitted_norm),
                ("|r|", pr.residual_norm),
            ] {
                ui.label(name);
                ui.monospace(fmt_num(v, 5));
                ui.end_row();
            }
            ui.label("θ between them");
            ui.monospace(format!("{}°", fmt_num(pr.angle.to_degrees(), 4)));
            ui.end_row();
            ui.label("cos²θ = R²");
            ui.monospace(fmt_num(pr.cos2, 5));
            ui.end_row();
        });
    ui.label(
        RichText::new(format!(
            "Pythagoras: |y − ȳ|² = |ŷ − ȳ|² + |r|²  ({} = {} + {})",
            fmt_num(pr.y_norm.powi(2), 5),
            fmt_num(pr.fitted_norm.powi(2), 5),
            fmt_num(pr.residual_norm.powi(2), 5)
        ))
        .weak(),
    );
}
