//! The RMSE curves and the lists: a user's recommendations, a movie's
//! look-alikes (ranked by math's `recommend` and `similar_items`, prepared).

use egui::{Color32, FontId, RichText, Sense, Stroke, Ui, vec2};
use egui_plot::{Line, PlotPoints, VLine};

use super::Drawn;
use super::prepare::Frame;
use super::text::{fit_width, fmt_fixed};
use super::{TEST_COLOR, TRAIN_COLOR};
use crate::scene::{FactorizeSettings, MAX_TOP_N, Metric};

/// Width kept for each number column of the lists (r̂, cos θ, ‖q‖).
const NUMBER_COLUMN: f32 = 40.0;

/// The train and test RMSE per epoch, a line at the epoch shown. The legend
/// sits above the plot, beside its title, where it covers no tick label and
/// no curve.
pub(super) fn curves_ui(ui: &mut Ui, f: &Frame<'_>, epochs: usize, drawn: &mut Drawn) {
    let run = f.run;
    let has_test =
        run.history.iter().any(|s| s.test_rmse.is_some()) || run.initial.test_rmse.is_some();
    ui.set_max_width(ui.available_width());
    if f.saved.is_some() {
        ui.label(RichText::new("RMSE").strong());
        let text = if run.initial.train_rmse.is_finite() {
            format!(
                "{} on the paired ratings. Trained elsewhere: no epochs to plot here (train one with the button above to compare).",
                crate::app::style::fmt_num(run.initial.train_rmse, 4)
            )
        } else {
            "Trained elsewhere, and no ratings to measure it on.".to_owned()
        };
        ui.add(egui::Label::new(text).wrap());
        return;
    }
    ui.label(RichText::new("RMSE per epoch").strong());
    ui.horizontal_wrapped(|ui| {
        let mut entry = |ui: &mut Ui, color: Color32, name: &str| {
            let (rect, _) = ui.allocate_exact_size(vec2(16.0, 10.0), Sense::hover());
            ui.painter().line_segment(
                [rect.left_center(), rect.right_center()],
                Stroke::new(2.0, color),
            );
            let l = ui.label(name);
            drawn.curves_legend.push(rect.union(l.rect));
            ui.add_space(6.0);
        };
        entry(ui, TRAIN_COLOR, "train");
        if has_test {
            entry(ui, TEST_COLOR, "test (held out)");
        }
    });
    let train: Vec<[f64; 2]> = std::iter::once(&run.initial)
        .chain(&run.history)
        .filter(|s| s.train_rmse.is_finite())
        .map(|s| [s.epoch as f64, s.train_rmse])
        .collect();
    let test: Vec<[f64; 2]> = std::iter::once(&run.initial)
        .chain(&run.history)
        .filter_map(|s| s.test_rmse.map(|t| [s.epoch as f64, t]))
        .collect();
    let shown = f.shown;
    let epochs = epochs.max(run.epochs_done());
    let shown_plot = crate::app::views::axes::plot("factorize-curves")
        .x_axis_label("epoch")
        .y_axis_label("RMSE")
        .include_x(0.0)
        .include_x(epochs as f64)
        .include_y(0.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show(ui, |plot_ui| {
            plot_ui.line(
                Line::new("train", PlotPoints::from(train))
                    .color(TRAIN_COLOR)
                    .width(2.0),
            );
            if !test.is_empty() {
                plot_ui.line(
                    Line::new("test (held out)", PlotPoints::from(test))
                        .color(TEST_COLOR)
                        .width(2.0),
                );
            }
            plot_ui.vline(VLine::new("", shown as f64).color(Color32::GRAY).width(1.0));
        });
    drawn.curves_rect = Some(shown_plot.response.rect);
}

/// The selected user's recommendations (dot or cosine), the selected movie's
/// look-alikes, and the list length. Titles are shortened to the column's
/// width (the whole title on hover), so the number columns always show.
pub(super) fn lists_ui(ui: &mut Ui, f: &Frame<'_>, settings: &mut FactorizeSettings) {
    let (r, user, item) = (f.r, f.user, f.item);
    egui::ScrollArea::vertical()
        .id_salt("factorize-lists")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let font = FontId::proportional(ui.style().text_styles[&egui::TextStyle::Body].size);
            match user {
                Some(u) => {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(
                            RichText::new(format!("Top {} for {}", settings.top_n, r.users[u as usize])).strong(),
                        );
                        ui.selectable_value(&mut settings.metric, Metric::Dot, "dot")
                            .on_hover_text("Rank by the predicted rating μ + b_u + b_i + p_u · q_i. p_u · q_i = ‖p_u‖ ‖q_i‖ cos θ: long (popular) movie vectors rank higher.");
                        ui.selectable_value(&mut settings.metric, Metric::Cosine, "cosine")
                            .on_hover_text("Rank by cos θ between p_u and q_i: direction only, so a movie's vector length (popularity) no longer counts.");
                    });
                    // A saved model placed every user itself, rated here or not.
                    let unrated =
                        f.saved.is_none() && f.prep.selection().is_some_and(|s| s.unrated);
                    if unrated {
                        ui.label(
                            RichText::new(format!(
                                "{} has no ratings: nothing places their vector, so this list ranks movies for a stranger (rate a few below to fold them in).",
                                r.users[u as usize]
                            ))
                            .color(ui.visuals().warn_fg_color),
                        );
                    }
                    if f.prep.recommendations().is_empty() {
                        ui.label(RichText::new("Nothing left to recommend: this user rated every movie.").weak());
                    }
                    let title_w = (ui.available_width() - 3.0 * NUMBER_COLUMN - 32.0).max(60.0);
                    egui::Grid::new("factorize-recs").striped(true).num_columns(4).show(ui, |ui| {
                        ui.label(RichText::new("movie").weak());
                        ui.label(RichText::new("r̂").weak());
                        ui.label(RichText::new("cos θ").weak());
                        ui.label(RichText::new("‖q‖").weak());
                        ui.end_row();
                        for (k, x) in f.prep.recommendations().iter().enumerate() {
                            let whole = format!("{}. {}", k + 1, x.title);
                            let title = fit_width(ui, &whole, &font, title_w);
                            let mut resp = ui.selectable_label(item == Some(x.item), &title);
                            if title != whole {
                                resp = resp.on_hover_text(&x.title);
                            }
                            if resp.clicked() {
                                settings.item = r.items.get(x.item as usize).map(|it| it.id.clone());
                            }
                            ui.monospace(fmt_fixed(x.value, 2));
                            ui.monospace(fmt_fixed(x.cosine, 2));
                            ui.monospace(fmt_fixed(x.length, 2));
                            ui.end_row();
                        }
                    });
                    ui.add_space(8.0);
                }
                None => {
                    ui.label(RichText::new("Select a user (click a point or a row of R) to see recommendations.").weak());
                }
            }
            if let Some(i) = item {
                let whole = format!("Most like {}", r.item_name(i));
                let heading = fit_width(ui, &whole, &font, ui.available_width() - 8.0);
                let l = ui.label(RichText::new(&heading).strong());
                if heading != whole {
                    l.on_hover_text(whole);
                }
                let title_w = (ui.available_width() - 2.0 * NUMBER_COLUMN - 24.0).max(60.0);
                egui::Grid::new("factorize-similar").striped(true).num_columns(3).show(ui, |ui| {
                    ui.label(RichText::new("movie").weak());
                    ui.label(RichText::new("cos θ").weak());
                    ui.label(RichText::new("‖q‖").weak());
                    ui.end_row();
                    for x in f.prep.similar() {
                        let title = fit_width(ui, &x.title, &font, title_w);
                        let l = ui.label(&title);
                        if title != x.title {
                            l.on_hover_text(&x.title);
                        }
                        ui.monospace(fmt_fixed(x.value, 2));
                        ui.monospace(fmt_fixed(x.length, 2));
                        ui.end_row();
                    }
                });
            }
            ui.horizontal(|ui| {
                let l = ui.label("list length");
                ui.add(egui::DragValue::new(&mut settings.top_n).range(1..=MAX_TOP_N)).labelled_by(l.id);
            });
        });
}
