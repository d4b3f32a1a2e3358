//! The Network view's controls: the toolbar (training, the network's shape
//! and the optimizer, the data), the loss and accuracy curves with the
//! history slider, the flow's bar and the weight editor.

use std::fmt::Write as _;

use egui::{ComboBox, DragValue, RichText, Slider, Ui, Vec2};
use egui_plot::{Line, PlotPoints, VLine};

use super::NetworkView;
use super::training::playground_of;
use crate::app::DatasetHandle;
use crate::app::style::category_color;
use crate::math::network::{MAX_HIDDEN_LAYERS, MAX_UNITS};
use crate::scene::{NetActivation, NetOptimizer, NetworkPanel};

/// The curves' colours: train and test.
const TRAIN: egui::Color32 = egui::Color32::from_rgb(0x00, 0x72, 0xB2);
const TEST: egui::Color32 = egui::Color32::from_rgb(0xD5, 0x5E, 0x00);

/// Playground's learning rates.
const RATES: [f64; 11] = [
    0.000_01, 0.000_1, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0,
];

/// The toolbar: Train/Pause, Step, Reset, the epoch; the layers, σ, the
/// optimizer and its settings; the data's columns and generator.
pub(super) fn toolbar(ui: &mut Ui, v: &mut NetworkView, h: &DatasetHandle) {
    ui.horizontal_wrapped(|ui| {
        let training = v.is_training();
        let can = v.run().is_some_and(super::training::Run::can_train);
        if training {
            if ui.button("‖ Pause").clicked()
                && let Some(run) = v.run_mut()
            {
                run.pause();
                // Stay paused: the goal is where training stopped.
                v.goal = v.epochs_done();
            }
        } else if ui
            .add_enabled(can, egui::Button::new("▶ Train"))
            .on_hover_text("Train to the number of epochs set (again as many if reached)")
            .clicked()
        {
            let done = v.epochs_done();
            v.goal = if done < v.settings.epochs {
                v.settings.epochs
            } else {
                done + v.settings.epochs.max(1)
            };
            v.follow = true;
        }
        if ui
            .add_enabled(can && !training, egui::Button::new("Step"))
            .on_hover_text("Train one epoch")
            .clicked()
            && let Some(run) = v.run_mut()
        {
            run.step();
            v.follow = true;
            v.goal = v.epochs_done();
        }
        if ui
            .button("Reset")
            .on_hover_text("New initial weights from the seed; epoch 0")
            .clicked()
        {
            v.run = None;
            v.settings.epoch = 0;
            v.goal = 0;
        }
        let done = v.epochs_done();
        ui.label(RichText::new(format!("epoch {done}")).monospace().strong());
        ui.label("of");
        ui.add(DragValue::new(&mut v.settings.epochs).range(1..=100_000))
            .on_hover_text("Epochs Train runs to");
        ui.separator();
        ui.selectable_value(&mut v.settings.panel, NetworkPanel::Diagram, "Diagram");
        ui.selectable_value(&mut v.settings.panel, NetworkPanel::Flow, "Layer flow");
        ui.separator();
        if ui
            .button("Export weights…")
            .on_hover_text("The shown network as JSON: features, classes, standardize, layers")
            .clicked()
        {
            v.request = Some(crate::app::views::view::Request::ExportWeights);
        }
        if ui.button("Import weights…").clicked() {
            v.request = Some(crate::app::views::view::Request::ImportWeights);
        }
    });
    shape_bar(ui, v);
    data_bar(ui, v, h);
}

/// The network's shape and the optimizer's settings.
fn shape_bar(ui: &mut Ui, v: &mut NetworkView) {
    ui.horizontal_wrapped(|ui| {
        let s = &mut v.settings;
        ui.label("Hidden layers");
        let mut remove = None;
        for (i, units) in s.layers.iter_mut().enumerate() {
            ui.add(DragValue::new(units).range(1..=MAX_UNITS).suffix(" units"))
                .on_hover_text(format!("Units of hidden layer {} (1–{MAX_UNITS})", i + 1));
            if ui
                .small_button("−")
                .on_hover_text("Remove this layer")
                .clicked()
            {
                remove = Some(i);
            }
        }
        if let Some(i) = remove {
            s.layers.remove(i);
        }
        if s.layers.len() < MAX_HIDDEN_LAYERS
            && ui
                .small_button("+")
                .on_hover_text("Add a hidden layer")
                .clicked()
        {
            let units = s.layers.last().copied().unwrap_or(4);
            s.layers.push(units);
        }
        ui.separator();
        let name = ui.label("σ =");
        ComboBox::from_id_salt("net-activation")
            .selected_text(s.activation.activation().name())
            .show_ui(ui, |ui| {
                for a in NetActivation::ALL {
                    ui.selectable_value(&mut s.activation, a, a.activation().name());
                }
            })
            .response
            .labelled_by(name.id);
        let name = ui.label("optimizer");
        ComboBox::from_id_salt("net-optimizer")
            .selected_text(s.optimizer.optimizer().name())
            .show_ui(ui, |ui| {
                for o in NetOptimizer::ALL {
                    ui.selectable_value(&mut s.optimizer, o, o.optimizer().name());
                }
            })
            .response
            .labelled_by(name.id);
        let name = ui.label("rate");
        ComboBox::from_id_salt("net-rate")
            .selected_text(s.learning_rate.to_string())
            .show_ui(ui, |ui| {
                for r in RATES {
                    ui.selectable_value(&mut s.learning_rate, r, r.to_string());
                }
            })
            .response
            .labelled_by(name.id);
        ui.add(
            DragValue::new(&mut s.batch)
                .range(1..=100_000)
                .prefix("batch "),
        );
        ui.add(
            DragValue::new(&mut s.l1)
                .range(0.0..=1.0)
                .speed(0.0005)
                .max_decimals(4)
                .prefix("L1 "),
        );
        ui.add(
            DragValue::new(&mut s.l2)
                .range(0.0..=1.0)
                .speed(0.0005)
                .max_decimals(4)
                .prefix("L2 "),
        );
        ui.add(
            DragValue::new(&mut s.test_fraction)
                .range(0.0..=0.9)
                .speed(0.01)
                .custom_formatter(|f, _| format!("test {:.0}%", f * 100.0))
                .custom_parser(|t| {
                    t.trim_start_matches("test")
                        .trim_end_matches('%')
                        .trim()
                        .parse::<f64>()
                        .ok()
                        .map(|p| p / 100.0)
                }),
        )
        .on_hover_text("Share of the points held out to test on");
        ui.add(DragValue::new(&mut s.seed).prefix("seed "));
    });
}

fn data_bar(ui: &mut Ui, v: &mut NetworkView, h: &DatasetHandle) {
    let ds = &h.data;
    ui.horizontal_wrapped(|ui| {
        let s = &mut v.settings;
        let label = s.label_column(ds).unwrap_or_default().to_owned();
        let features = s.feature_columns(ds);
        ui.menu_button(format!("Inputs: {}", short_list(&features)), |ui| {
            ui.set_max_height(360.0);
            egui::ScrollArea::vertical().show(ui, |ui| {
                for c in &ds.columns {
                    if c.name == label {
                        continue;
                    }
                    let mut on = features.contains(&c.name);
                    if ui.checkbox(&mut on, &c.name).changed() {
                        let mut f = features.clone();
                        if on {
                            f.push(c.name.clone());
                        } else {
                            f.retain(|x| *x != c.name);
                        }
                        if !f.is_empty() {
                            s.features = f;
                        }
                    }
                }
            });
        });
        if features.len() == 2 {
            ui.label("extra inputs");
            let [a, b] = [&features[0], &features[1]];
            ui.checkbox(&mut s.x_squared, format!("{a}²"));
            ui.checkbox(&mut s.y_squared, format!("{b}²"));
            ui.checkbox(&mut s.product, format!("{a}·{b}"));
            ui.checkbox(&mut s.sin_x, format!("sin {a}"));
            ui.checkbox(&mut s.sin_y, format!("sin {b}"));
        }
        let name = ui.label("predict");
        ComboBox::from_id_salt("net-label")
            .selected_text(label.clone())
            .show_ui(ui, |ui| {
                for l in &ds.labels {
                    if ui.selectable_label(label == l.name, &l.name).clicked() {
                        s.label.clone_from(&l.name);
                        s.features.retain(|f| *f != l.name);
                    }
                }
                for c in &ds.columns {
                    if ui
                        .selectable_label(label == c.name, format!("{} (regression)", c.name))
                        .clicked()
                    {
                        s.label.clone_from(&c.name);
                        s.features.retain(|f| *f != c.name);
                    }
                }
            })
            .response
            .labelled_by(name.id);
        if let Some(g) = playground_of(ds) {
            ui.separator();
            let mut n = if s.points == 0 { g.default_count } else { s.points };
            if ui
                .add(DragValue::new(&mut n).range(10..=100_000).prefix("points "))
                .changed()
            {
                s.points = n;
                s.removed.clear();
            }
            let mut noise = if s.noise < 0.0 { g.default_noise } else { s.noise };
            if ui
                .add(
                    DragValue::new(&mut noise)
                        .range(0.0..=3.0)
                        .speed(0.01)
                        .max_decimals(2)
                        .prefix("noise "),
                )
                .changed()
            {
                s.noise = noise;
            }
            ui.add(DragValue::new(&mut s.data_seed).prefix("data seed "));
        }
        let classes = v
            .run()
            .and_then(|r| match &r.problem.target {
                crate::math::network::Target::Classes { names, .. } => Some(names.clone()),
                crate::math::network::Target::Values(_) => None,
            })
            .unwrap_or_default();
        if v.settings.feature_columns(ds).len() == 2 && !classes.is_empty() {
            ui.separator();
            let name = ui.label("click adds").on_hover_text(
                "Click on the plane to add a point of this class, shift-click for the next class, right-click to remove the nearest point",
            );
            v.add_class = v.add_class.min(classes.len());
            ComboBox::from_id_salt("net-add-class")
                .selected_text(
                    RichText::new(
                        classes
                            .get(v.add_class)
                            .cloned()
                            .unwrap_or_else(|| "a new class".to_owned()),
                    )
                    .color(category_color(v.add_class)),
                )
                .show_ui(ui, |ui| {
                    for (k, name) in classes.iter().enumerate() {
                        ui.selectable_value(
                            &mut v.add_class,
                            k,
                            RichText::new(name).color(category_color(k)),
                        );
                    }
                    ui.selectable_value(&mut v.add_class, classes.len(), "a new class");
                })
                .response
                .labelled_by(name.id);
            if (!v.settings.added.is_empty() || !v.settings.removed.is_empty())
                && ui.small_button("Undo edits").clicked()
            {
                v.settings.added.clear();
                v.settings.removed.clear();
            }
        }
    });
}

fn short_list(names: &[String]) -> String {
    if names.len() <= 3 {
        names.join(", ")
    } else {
        format!("{} columns", names.len())
    }
}

/// Train and test loss and accuracy by epoch, a line at the shown epoch,
/// and the history slider.
pub(super) fn curves(ui: &mut Ui, v: &mut NetworkView, size: Vec2) {
    let Some(run) = v.run() else { return };
    let hist = &run.history;
    let shown = v.settings.epoch as f64;
    let classifier = hist.first().is_some_and(|h| h.train_accuracy.is_some());
    let plot_w = if classifier {
        size.x / 2.0 - 4.0
    } else {
        size.x
    };
    let plot_h = (size.y - 64.0).max(60.0);
    let line = |f: &dyn Fn(&crate::math::network::EpochStats) -> Option<f64>| -> Vec<[f64; 2]> {
        hist.iter()
            .filter_map(|h| f(h).filter(|v| v.is_finite()).map(|v| [h.epoch as f64, v]))
            .collect()
    };
    let train_loss = line(&|h| Some(h.train_loss));
    let test_loss = line(&|h| h.test_loss);
    let train_acc = line(&|h| h.train_accuracy.map(|a| a * 100.0));
    let test_acc = line(&|h| h.test_accuracy.map(|a| a * 100.0));
    let now = hist.get(v.settings.epoch.min(hist.len() - 1));
    let weak = ui.visuals().weak_text_color();
    ui.horizontal(|ui| {
        ui.label(RichText::new("— train").color(TRAIN).small());
        ui.label(RichText::new("— test").color(TEST).small());
        ui.label(RichText::new("(the line: the epoch shown)").small().weak());
    });
    ui.horizontal(|ui| {
        let size = egui::vec2(plot_w, plot_h);
        let curve = Curve { size, shown, weak };
        curve.ui(
            ui,
            "net-loss",
            "loss",
            None,
            [("train loss", train_loss), ("test loss", test_loss)],
        );
        if classifier {
            curve.ui(
                ui,
                "net-accuracy",
                "accuracy %",
                Some(100.0),
                [("train", train_acc), ("test", test_acc)],
            );
        }
    });
    let summary = now.map(|h| {
        let mut s = format!("epoch {}: train loss {:.4}", h.epoch, h.train_loss);
        if let Some(t) = h.test_loss {
            let _ = write!(s, ", test loss {t:.4}");
        }
        if let Some(a) = h.train_accuracy {
            let _ = write!(s, ", train {:.1}%", a * 100.0);
        }
        if let Some(a) = h.test_accuracy {
            let _ = write!(s, ", test {:.1}%", a * 100.0);
        }
        s
    });
    let stopped = run.stopped.clone();
    let imported = run.imported.clone();
    let done = run.epochs_done();
    ui.horizontal(|ui| {
        ui.label("history");
        ui.spacing_mut().slider_width = (ui.available_width() - 70.0).clamp(80.0, 400.0);
        let mut e = v.settings.epoch.min(done);
        if ui
            .add_enabled(
                done > 0,
                Slider::new(&mut e, 0..=done.max(1)).show_value(false),
            )
            .on_hover_text("Move the heatmap, the thumbnails and the flow back through the epochs")
            .changed()
        {
            v.settings.epoch = e;
            v.follow = e == done;
        }
    });
    if let Some(s) = summary {
        ui.add(egui::Label::new(RichText::new(s).small()).wrap());
    }
    if let Some(s) = stopped {
        ui.label(RichText::new(s).small().color(ui.visuals().warn_fg_color));
    }
    if let Some(f) = imported {
        ui.label(RichText::new(format!("Weights imported from {f}; Reset trains anew.")).small());
    }
}

/// One plot of the curves: a train and a test line by epoch (the test one
/// only where there is a test set), from 0 up, with a line at the epoch
/// shown.
struct Curve {
    size: Vec2,
    shown: f64,
    weak: egui::Color32,
}

impl Curve {
    fn ui(
        &self,
        ui: &mut Ui,
        id: &str,
        label: &str,
        top: Option<f64>,
        [(train_name, train), (test_name, test)]: [(&str, Vec<[f64; 2]>); 2],
    ) {
        let mut plot = crate::app::views::axes::plot(id)
            .width(self.size.x)
            .height(self.size.y)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .include_y(0.0)
            .include_x(0.0)
            .include_x(1.0)
            .custom_x_axes(crate::app::views::sparse_x_axis("epoch"))
            .custom_y_axes(crate::app::views::sparse_y_axis(label));
        if let Some(top) = top {
            plot = plot.include_y(top);
        }
        plot.show(ui, |p| {
            p.line(
                Line::new(train_name, PlotPoints::new(train))
                    .color(TRAIN)
                    .width(1.6),
            );
            if !test.is_empty() {
                p.line(
                    Line::new(test_name, PlotPoints::new(test))
                        .color(TEST)
                        .width(1.6),
                );
            }
            p.vline(VLine::new("", self.shown).color(self.weak));
        });
    }
}

/// The flow's bar: which layer, Play, the stage slider and, when a stage
/// is wider than 3 units (`widest`), how such stages are drawn.
pub(super) fn flow_bar(ui: &mut Ui, v: &mut NetworkView, layers: usize, widest: usize) {
    ui.horizontal_wrapped(|ui| {
        let name = ui.label("flow of");
        ComboBox::from_id_salt("net-flow-layer")
            .selected_text(if v.settings.layer == 0 {
                "the whole network".to_owned()
            } else {
                format!("layer {}", v.settings.layer)
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut v.settings.layer, 0, "the whole network");
                for l in 1..=layers {
                    ui.selectable_value(&mut v.settings.layer, l, format!("layer {l}"));
                }
            })
            .response
            .labelled_by(name.id);
        v.settings.layer = v.settings.layer.min(layers);
        let label = if v.playing { "‖ Pause" } else { "▶ Play" };
        if ui.button(label).clicked() {
            if !v.playing && v.settings.progress >= 1.0 {
                v.settings.progress = 0.0;
            }
            v.playing = !v.playing;
        }
        for (k, name) in ["x", "W x", "+ b", "σ"].iter().enumerate() {
            if v.settings.layer != 0 && ui.small_button(*name).clicked() {
                v.settings.progress = k as f32 / 3.0;
                v.playing = false;
            }
        }
    });
    ui.horizontal(|ui| {
        let (_, stages) = super::flow::span(layers, v.settings.layer);
        let mut p = v.settings.progress;
        ui.spacing_mut().slider_width = (ui.available_width() - 12.0).clamp(80.0, 640.0);
        if ui
            .add(
                Slider::new(&mut p, 0.0..=1.0)
                    .show_value(false)
                    .step_by(1.0 / (stages.max(1) as f64 * 12.0)),
            )
            .on_hover_text("Each layer: W x, then + b, then σ")
            .changed()
        {
            v.settings.progress = p;
            v.playing = false;
        }
    });
    if widest > 3 {
        wide_stages_ui(ui, v, widest);
    }
}

/// Wider stages through their PCA, or through two chosen units.
fn wide_stages_ui(ui: &mut Ui, v: &mut NetworkView, widest: usize) {
    let chosen = v.settings.units;
    ui.horizontal_wrapped(|ui| {
        let name = ui.label("wider than 3 units: draw");
        let mut pca = chosen.is_none();
        let r = ui
            .radio_value(&mut pca, true, "their PCA")
            .on_hover_text("The two directions along which the points at that stage spread most")
            .labelled_by(name.id);
        let r2 = ui
            .radio_value(&mut pca, false, "two units")
            .on_hover_text(
                "Two units' own values as the axes: + b is then a plain shift and σ bends each axis on its own, as in the plane",
            );
        if r.changed() || r2.changed() {
            v.settings.units = if pca { None } else { Some(chosen.unwrap_or([1, 2])) };
        }
        if let Some([mut a, mut b]) = v.settings.units {
            let across = ui.label("across");
            ui.add(DragValue::new(&mut a).range(1..=widest).speed(0.05))
                .labelled_by(across.id);
            let up = ui.label("up");
            ui.add(DragValue::new(&mut b).range(1..=widest).speed(0.05))
                .labelled_by(up.id);
            if a != b {
                v.settings.units = Some([a, b]);
            }
        }
    });
}

/// The weight being edited (after a click on an edge).
pub(super) fn weight_editor(ui: &mut Ui, v: &mut NetworkView) {
    let Some(([l, o, i], mut value)) = v.editing else {
        return;
    };
    let mut close = false;
    let mut set = None;
    ui.horizontal(|ui| {
        ui.label(format!("W{}[{}, {}] =", l + 1, o + 1, i + 1));
        if ui
            .add(DragValue::new(&mut value).speed(0.01).max_decimals(4))
            .changed()
        {
            set = Some(value);
        }
        if ui.button("Done").clicked() {
            close = true;
        }
    });
    if let Some(x) = set
        && let Some(run) = v.run_mut()
        && run.set_weight(l, o, i, x)
    {
        let done = run.epochs_done();
        v.follow = true;
        v.settings.epoch = done;
    }
    v.editing = if close {
        None
    } else {
        Some(([l, o, i], value))
    };
}

/// Why a narrow tanh network cannot separate nested circles (Olah), when
/// that is what is on screen.
pub(super) fn olah_note(v: &NetworkView) -> Option<&'static str> {
    let run = v.run()?;
    let narrow = !v.settings.layers.is_empty() && v.settings.layers.iter().all(|&u| u <= 2);
    let smooth = matches!(
        v.settings.activation,
        NetActivation::Tanh | NetActivation::Sigmoid | NetActivation::LeakyRelu
    );
    let inputs = run.problem.inputs.len() == 2 && !v.settings.extras().any();
    (narrow && smooth && inputs).then_some(
        "Every layer here is 2 wide: W (det ≠ 0) stretches and turns the plane, + b shifts it, σ squeezes it — none can tear it. The inner disc of two nested circles stays enclosed by the ring, so no straight line at the end can separate them: add a third unit (a dimension to lift the disc out), or x² and y² as inputs.",
    )
}
