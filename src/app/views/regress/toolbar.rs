//! The Regression view's toolbar: y and the predictors, the picture beside
//! the data, residuals and squares, ridge λ, and the descent's settings.

use egui::{ComboBox, RichText, Slider, Ui};

use super::RegressView;
use crate::app::widgets::together;
use crate::data::Dataset;
use crate::scene::{MAX_DESCENT_STEPS, MAX_RIDGE, RegressPanel};

pub(super) fn ui(ui: &mut Ui, view: &mut RegressView, ds: &Dataset) {
    let s = &mut view.settings;
    ui.horizontal_wrapped(|ui| {
        let names = ds.column_names();
        let y = s.y_column(ds).unwrap_or("—").to_owned();
        together(ui, "y", |ui| {
        let y_label = ui.label("y");
        ComboBox::from_id_salt("regress-y")
            .selected_text(&y)
            .show_ui(ui, |ui| {
                for n in &names {
                    if ui.selectable_label(*n == y, *n).clicked() {
                        (*n).clone_into(&mut s.y);
                        s.x.retain(|x| x != n);
                        s.moved.clear();
                        s.added.clear();
                    }
                }
            })
            .response
            .labelled_by(y_label.id);
        });
        ui.label("on");
        let xs: Vec<String> = s.x_columns(ds).into_iter().map(str::to_owned).collect();
        let shown = if xs.len() > 2 {
            format!("{}, … ({} predictors)", xs[0], xs.len())
        } else {
            xs.join(", ")
        };
        ui.menu_button(shown, |ui| {
            ui.label(RichText::new("Predictors (the first is drawn)").weak());
            egui::ScrollArea::vertical().max_height(300.0).show(ui, |ui| {
                for n in &names {
                    if *n == y {
                        continue;
                    }
                    let mut on = xs.iter().any(|x| x == n);
                    if ui.checkbox(&mut on, *n).changed() {
                        let mut next = xs.clone();
                        if on {
                            next.push((*n).to_owned());
                        } else if next.len() > 1 {
                            next.retain(|x| x != n);
                        }
                        if next.first() != xs.first() {
                            s.moved.clear();
                        }
                        if next.len() > 1 {
                            s.added.clear();
                        }
                        s.x = next;
                    }
                }
            });
        });
        ui.separator();
        for (panel, label, tip) in [
            (RegressPanel::Projection, "Projection", "Observation space: y dropped onto the plane spanned by the columns 1 and x."),
            (RegressPanel::Descent, "Descent", "The loss over (β₀, β₁) and gradient descent walking down it to the least-squares minimum."),
            (RegressPanel::Ridge, "Ridge", "Ridge regression: the slopes shrink toward zero as λ grows."),
            (RegressPanel::Quartet, "Anscombe", "Anscombe's quartet: four datasets, one fitted line, one R²."),
        ] {
            ui.selectable_value(&mut s.panel, panel, label).on_hover_text(tip);
        }
        ui.separator();
        ui.checkbox(&mut s.residuals, "residuals");
        ui.checkbox(&mut s.squares, "squares")
            .on_hover_text("Draw each residual as a square: their total area is the loss |r|², which least squares makes as small as it can be.");
        if !(s.moved.is_empty() && s.added.is_empty() && s.removed.is_empty())
            && ui.button("Reset points").on_hover_text("Undo every drag, added and removed point.").clicked()
        {
            s.moved.clear();
            s.added.clear();
            s.removed.clear();
        }
        match s.panel {
            RegressPanel::Ridge => {
                ui.separator();
                together(ui, "ridge", |ui| {
                    ui.label("λ");
                    ui.add(Slider::new(&mut s.ridge, 0.0..=MAX_RIDGE).logarithmic(true).smallest_positive(1e-3))
                        .on_hover_text("Ridge penalty on the slopes: minimise |y − Xβ|² + λ Σβⱼ². 0 is ordinary least squares.");
                });
            }
            RegressPanel::Descent => {
                ui.separator();
                let mut auto = s.rate.is_none();
                if ui.checkbox(&mut auto, "rate 1/L")
                    .on_hover_text("1/L, L the loss's largest curvature: no direction overshoots. Rates above 2/L diverge; between 1/L and 2/L descent zigzags.")
                    .changed()
                {
                    s.rate = if auto { None } else { Some(rate_now(view.prepared.as_ref())) };
                }
                if let Some(rate) = s.rate.as_mut() {
                    let speed = *rate * 0.01;
                    ui.add(egui::DragValue::new(rate).speed(speed).range(1e-9..=1e6).prefix("rate "));
                }
                together(ui, "steps", |ui| {
                    ui.add(Slider::new(&mut s.steps, 1..=MAX_DESCENT_STEPS).logarithmic(true).text("steps"))
                });
                ui.checkbox(&mut s.centre, "centre x")
                    .on_hover_text("Descend on x − x̄: β₀ and β₁ stop pulling on each other (the valley's axes line up with them) and descent is much faster. β₀ is then the fitted value at x̄.");
                let label = if view.playing { "‖ Pause" } else { "▶ Play" };
                if ui.button(label).clicked() {
                    if !view.playing && s.progress >= 1.0 {
                        s.progress = 0.0;
                    }
                    view.playing = !view.playing;
                }
                ui.add(Slider::new(&mut s.progress, 0.0..=1.0).show_value(false))
                    .on_hover_text("How much of the descent path is shown.");
            }
            _ => {}
        }
    });
}

/// The rate the descent uses now (where a manual rate starts from).
fn rate_now(prepared: Option<&(super::Key, super::Prepared)>) -> f64 {
    prepared
        .and_then(|(_, p)| p.model.as_ref().ok().map(|m| m.descent.rate))
        .filter(|r| r.is_finite() && *r > 0.0)
        .unwrap_or(0.01)
}
