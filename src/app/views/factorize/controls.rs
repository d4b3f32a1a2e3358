//! The header and the training controls: parameters, Train / Pause / Step /
//! Reset, the progress bar and the latest RMSE.

use std::fmt::Write as _;

use egui::{RichText, Ui};

use super::FactorizeView;
use crate::app::style::{fmt_count, fmt_num};
use crate::app::{RatingsHandle, SavedInfo};
use crate::data::{Ratings, file_label};
use crate::scene::{FactorizeMethod, FactorizeSettings, VIEW_MAX_EPOCHS, VIEW_MAX_RANK};

#[derive(Clone, Copy)]
enum Action {
    Train,
    Pause,
    Step,
    Reset,
}

/// The data's name and shape.
pub(super) fn header(ui: &mut Ui, r: &Ratings) {
    ui.horizontal(|ui| {
        ui.heading(&r.name);
        ui.label(
            RichText::new(format!(
                "{} users × {} movies, {} ratings ({:.1}% observed), scale {} to {}",
                fmt_count(r.n_users()),
                fmt_count(r.n_items()),
                fmt_count(r.len()),
                100.0 * r.observed_fraction(),
                fmt_num(f64::from(r.scale.0), 3),
                fmt_num(f64::from(r.scale.1), 3),
            ))
            .weak(),
        );
    });
}

/// Says when k is more than a matrix of this shape can use.
pub(super) fn rank_warning(ui: &mut Ui, r: &Ratings, rank: usize) {
    let max_rank = r.n_users().min(r.n_items());
    if rank > max_rank {
        ui.label(
                RichText::new(format!(
                    "k = {} is more than the data allow: a {} × {} matrix has rank at most {max_rank}, so factors past the {max_rank}th can only fit noise (λ keeps them small). Try k ≤ {max_rank}.",
                    rank,
                    r.n_users(),
                    r.n_items()
                ))
                .color(ui.visuals().warn_fg_color),
            );
    }
}

/// The training parameters: method, k, λ, γ, epochs, biases, seed, test share.
fn parameters_ui(ui: &mut Ui, s: &mut FactorizeSettings) {
    ui.horizontal_wrapped(|ui| {
            let l = ui.label("method");
            egui::ComboBox::from_id_salt("factorize-method")
                .selected_text(match s.method {
                    FactorizeMethod::Als => "ALS",
                    FactorizeMethod::Sgd => "SGD",
                })
                .width(64.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut s.method, FactorizeMethod::Als, "ALS")
                        .on_hover_text("Alternating least squares: solve for all users, then all movies, exactly. The loss never rises.");
                    ui.selectable_value(&mut s.method, FactorizeMethod::Sgd, "SGD")
                        .on_hover_text("Stochastic gradient descent: nudge p_u and q_i after every rating.");
                })
                .response
                .labelled_by(l.id);
            let l = ui.label("k");
            ui.add(egui::DragValue::new(&mut s.rank).range(1..=VIEW_MAX_RANK))
                .labelled_by(l.id)
                .on_hover_text("Latent factors per user and movie. With k = 2 the factors are the plane of the embedding plot.");
            let l = ui.label("λ");
            ui.add(
                egui::DragValue::new(&mut s.lambda)
                    .range(0.0..=100.0)
                    .speed(0.01)
                    .max_decimals(3),
            )
            .labelled_by(l.id)
            .on_hover_text("Regularization: pulls every vector toward 0, per rating it touches.");
            let l = ui.label("γ");
            ui.add_enabled(
                s.method == FactorizeMethod::Sgd,
                egui::DragValue::new(&mut s.learning_rate)
                    .range(0.0001..=1.0)
                    .speed(0.001)
                    .max_decimals(4),
            )
            .labelled_by(l.id)
            .on_hover_text("SGD's learning rate (ALS has none).");
            let l = ui.label("epochs");
            ui.add(egui::DragValue::new(&mut s.epochs).range(1..=VIEW_MAX_EPOCHS))
                .labelled_by(l.id);
            ui.checkbox(&mut s.biases, "biases")
                .on_hover_text("Fit a bias per user (generous or harsh) and per movie (loved or not): r̂ = μ + b_u + b_i + p_u · q_i.");
            let l = ui.label("seed");
            ui.add(egui::DragValue::new(&mut s.seed)).labelled_by(l.id);
            let l = ui.label("test");
            let mut percent = s.test_fraction * 100.0;
            if ui
                .add(
                    egui::DragValue::new(&mut percent)
                        .range(0.0..=90.0)
                        .speed(1.0)
                        .suffix("%")
                        .max_decimals(0),
                )
                .labelled_by(l.id)
                .on_hover_text("Share of the ratings held out to measure the test RMSE.")
                .changed()
            {
                s.test_fraction = (percent / 100.0).clamp(0.0, 0.9);
            }
        });
}

/// What a model trained elsewhere is, and how well it fits the ratings
/// paired with it.
pub(super) fn saved_summary(r: &Ratings, saved: &SavedInfo, rmse: f64) -> String {
    let mut text = format!(
        "{} from {}, k = {}: r̂ = p_u · q_i{}, as it scores.",
        saved.format.name(),
        file_label(&saved.source),
        saved.model.rank(),
        if saved.model.has_biases() {
            " + b_i"
        } else {
            ""
        }
    );
    match &saved.ratings_file {
        Some(file) if !r.is_empty() => {
            let _ = write!(
                text,
                " RMSE on the {} ratings of {} it knows: {}",
                fmt_count(r.len()),
                file_label(file),
                fmt_num(rmse, 4)
            );
            if saved.unknown > 0 {
                let _ = write!(
                    text,
                    " ({} more of users or items it does not know left out)",
                    fmt_count(saved.unknown)
                );
            }
            text.push('.');
        }
        Some(file) => {
            let _ = write!(
                text,
                " None of the ratings of {} are of its users and items.",
                file_label(file)
            );
        }
        None => text.push_str(
            " No ratings file beside it (ratings.csv, u.data, …): put the ratings it was tested on beside the model to measure its RMSE.",
        ),
    }
    text
}

impl FactorizeView {
    /// For a model trained elsewhere: what it is and its RMSE, and a button
    /// to train one here on the same ratings (or to go back to it).
    /// Returns whether the saved model is shown (then there is nothing to
    /// train).
    fn saved_controls(&mut self, ui: &mut Ui, handle: &RatingsHandle) -> bool {
        let Some(saved) = handle.saved.as_deref() else {
            return false;
        };
        let r = &handle.data;
        if self.shows_saved() {
            let rmse = self
                .run
                .as_ref()
                .map_or(f64::NAN, |run| run.initial.train_rmse);
            ui.add(egui::Label::new(saved_summary(r, saved, rmse)).wrap());
            if ui
                .add_enabled(
                    !r.is_empty(),
                    egui::Button::new("Train eigenlens's own model on these ratings"),
                )
                .on_hover_text("Factorize the same ratings here (same k, no biases, as Spark's ALS), to compare; the saved model stays one click away")
                .on_disabled_hover_text("There are no ratings to train on: put the ratings file beside the model")
                .clicked()
            {
                self.own = true;
                self.start_run(handle, 0);
                self.train(handle);
            }
            return true;
        }
        if ui
            .button(format!("Back to the {}", saved.format.name()))
            .on_hover_text(format!(
                "Show the model from {} again",
                file_label(&saved.source)
            ))
            .clicked()
        {
            self.own = false;
            self.start_run(handle, 0);
            return true;
        }
        false
    }

    /// The parameters, then the buttons and the progress of training.
    pub(super) fn controls(&mut self, ui: &mut Ui, handle: &RatingsHandle) {
        if self.saved_controls(ui, handle) {
            return;
        }
        parameters_ui(ui, &mut self.settings);
        let mut action = None;
        let training = self.is_training();
        let done = self.epochs_done();
        let stale = self.run.as_ref().is_some_and(|r| r.key != self.key(handle));
        ui.horizontal(|ui| {
            if training {
                if ui.button("‖ Pause").clicked() {
                    action = Some(Action::Pause);
                }
            } else if ui
                .button("▶ Train")
                .on_hover_text("Train to the number of epochs set")
                .clicked()
            {
                action = Some(Action::Train);
            }
            if ui
                .add_enabled(!training, egui::Button::new("Step"))
                .on_hover_text("Train one more epoch")
                .clicked()
            {
                action = Some(Action::Step);
            }
            if ui
                .button("Reset")
                .on_hover_text("Start again from random factors (with the edited ratings)")
                .clicked()
            {
                action = Some(Action::Reset);
            }
            let epochs = self.settings.epochs.max(1);
            let progress = (done as f32 / epochs as f32).min(1.0);
            ui.add(
                egui::ProgressBar::new(progress)
                    .desired_width(220.0)
                    .text(format!("epoch {done} of {epochs}")),
            );
            if let Some(run) = &self.run
                && let Some(last) = run.history.last()
            {
                let mut text = format!("train RMSE {}", fmt_num(last.train_rmse, 4));
                if let Some(t) = last.test_rmse {
                    let _ = write!(text, " · test RMSE {}", fmt_num(t, 4));
                }
                ui.label(text);
            }
            if stale {
                ui.label(
                    RichText::new("Parameters changed: Train or Reset starts again.")
                        .color(ui.visuals().warn_fg_color),
                );
            }
        });
        match action {
            Some(Action::Train) => self.train(handle),
            Some(Action::Pause) => self.pause(),
            Some(Action::Step) => self.step(handle),
            Some(Action::Reset) => self.start_run(handle, 0),
            None => {}
        }
    }
}
