//! The Network view: a neural network is the Transform view's matrices
//! alternated with a bend, and training is the search for those matrices.
//!
//! Left: the input plane (the points, test points ringed, over the
//! network's decision regions; click to add a point, shift-click for the
//! next class, right-click to remove one) with the loss and accuracy curves
//! and the history slider under it. Right: the network diagram (a thumbnail
//! per unit, edges by weight) or the layer flow (the plane carried through
//! W x, + b and σ, layer by layer, with W's numbers).
//!
//! Prepare → draw: a [`training::Run`] per (data, edits, settings) trains
//! on a job and keeps a snapshot per epoch; [`pictures::Pictures`] (heatmap,
//! thumbnails, traces) and the flow's [`flow::Stage`]s are computed once
//! per shown snapshot. The files: [`controls`] (toolbar, curves, history),
//! [`plane`], [`diagram`], [`flow`], [`pictures`], [`training`] and
//! [`view_impl`].

mod controls;
mod diagram;
mod flow;
mod pictures;
mod plane;
mod training;
mod view_impl;

use std::sync::Arc;

use egui::{RichText, Ui, vec2};

use crate::app::DatasetHandle;
use crate::app::job::Waker;
use crate::math::network::{Network, Target};
use crate::scene::{CameraSettings, NetworkPanel, NetworkSettings};

use pictures::Pictures;
use training::{Run, RunKey};

/// What the pictures were made of: the network (by address), the theme and
/// the units wide stages are drawn through.
type PicturesKey = (usize, bool, Option<[usize; 2]>);

/// Seconds the flow takes per layer when played.
const SECONDS_PER_LAYER: f32 = 3.0;

/// The Network view's state: its scene settings, the training run and the
/// pictures of the shown snapshot.
pub struct NetworkView {
    pub settings: NetworkSettings,
    run: Option<Result<Run, (RunKey, String)>>,
    /// The shown network (by address), theme and flow units the pictures
    /// are of.
    pictures: Option<(PicturesKey, Pictures, Vec<flow::Stage>)>,
    blocking: bool,
    /// Epochs Train goes to.
    goal: usize,
    /// The history slider follows the newest epoch.
    follow: bool,
    /// The flow is playing.
    playing: bool,
    /// The class a click on the plane adds.
    add_class: usize,
    /// The weight being edited: (layer, out, in) and the value typed.
    editing: Option<([usize; 3], f64)>,
    /// Import, export and edit messages.
    message: Option<String>,
    camera: CameraSettings,
    /// A file dialog the view asks the window for.
    request: Option<crate::app::views::view::Request>,
    /// The input plane's transform in the last frame.
    plane_transform: Option<egui_plot::PlotTransform>,
}

impl Default for NetworkView {
    fn default() -> Self {
        Self::new(NetworkSettings::default())
    }
}

impl NetworkView {
    /// A view showing `settings`.
    #[must_use]
    pub fn new(settings: NetworkSettings) -> Self {
        Self {
            goal: settings.epoch,
            settings,
            run: None,
            pictures: None,
            blocking: false,
            follow: true,
            playing: false,
            add_class: 0,
            editing: None,
            message: None,
            camera: CameraSettings::default(),
            request: None,
            plane_transform: None,
        }
    }

    /// Trains on the calling thread (headless rendering, tests).
    pub fn set_blocking(&mut self, on: bool) {
        self.blocking = on;
    }

    /// Makes the settings fit `ds`: unknown columns are forgotten.
    pub fn adapt_to(&mut self, ds: &crate::data::Dataset) {
        let s = &mut self.settings;
        if !s.label.is_empty() && ds.label(&s.label).is_none() && ds.column(&s.label).is_none() {
            s.label.clear();
        }
        if s.features.iter().any(|f| ds.column(f).is_none()) {
            s.features.clear();
        }
        let n = training::rows_of(ds, s);
        s.removed.retain(|&r| r < n);
    }

    /// The run for `h` under the current settings, made anew when they changed.
    fn ensure_run(&mut self, h: &DatasetHandle, waker: &Waker) {
        let key = RunKey::new(h.id, &h.data, &self.settings);
        let same = match &self.run {
            Some(Ok(r)) => r.key == key,
            Some(Err((k, _))) => *k == key,
            None => false,
        };
        if !same {
            self.run = Some(Run::new(key.clone(), &h.data, &self.settings).map_err(|e| (key, e)));
            self.pictures = None;
            self.editing = None;
            self.goal = self.settings.epoch;
            self.follow = true;
        }
        let goal = self.goal;
        let blocking = self.blocking;
        if let Some(Ok(run)) = &mut self.run {
            run.poll();
            if blocking {
                if run.epochs_done() < goal {
                    run.train_blocking(goal);
                }
            } else if run.epochs_done() < goal && !run.is_training() && run.can_train() {
                run.train(goal, waker.clone());
            }
            if self.follow {
                self.settings.epoch = run.epochs_done();
            }
        }
    }

    /// The run, if its settings make one.
    fn run(&self) -> Option<&Run> {
        self.run.as_ref().and_then(|r| r.as_ref().ok())
    }

    fn run_mut(&mut self) -> Option<&mut Run> {
        self.run.as_mut().and_then(|r| r.as_mut().ok())
    }

    /// The network shown: the snapshot at the history slider's epoch.
    #[must_use]
    pub fn shown_network(&self) -> Option<Arc<Network>> {
        let run = self.run()?;
        Some(Arc::clone(&run.snapshot_at(self.settings.epoch).net))
    }

    /// Epochs trained so far.
    #[must_use]
    pub fn epochs_done(&self) -> usize {
        self.run().map_or(0, Run::epochs_done)
    }

    /// The test accuracy at the shown epoch (classifiers with a test set).
    #[must_use]
    pub fn test_accuracy(&self) -> Option<f64> {
        let run = self.run()?;
        let e = self.settings.epoch.min(run.epochs_done());
        run.history.get(e)?.test_accuracy
    }

    /// Points the network trains and tests on.
    #[must_use]
    pub fn problem_rows(&self) -> usize {
        self.run().map_or(0, |r| r.problem.len())
    }

    /// Where the input plane drew the point (x, y) in the last frame.
    #[must_use]
    pub fn plane_screen(&self, xy: [f64; 2]) -> Option<egui::Pos2> {
        let t = self.plane_transform.as_ref()?;
        Some(t.position_from_point(&egui_plot::PlotPoint::new(xy[0], xy[1])))
    }

    /// Whether training is running on a job.
    #[must_use]
    pub fn is_training(&self) -> bool {
        self.run().is_some_and(Run::is_training)
    }

    /// The drawn positions of the flow's points now (tests compare frames).
    #[must_use]
    pub fn flow_points(&self) -> Option<Vec<[f64; 3]>> {
        let (_, _, stages) = self.pictures.as_ref()?;
        let run = self.run()?;
        let layers = run.snapshot_at(self.settings.epoch).net.layers.len();
        let at = flow::at(self.settings.progress, layers, self.settings.layer);
        flow::positions(stages, at).map(|(p, g, _)| p.into_iter().chain(g).collect())
    }

    /// The weights file of the shown network (File format: see README).
    #[must_use]
    pub fn weights_json(&self) -> Option<String> {
        self.shown_network().map(|n| n.to_json())
    }

    /// Shows the network of a weights file instead of training; the file
    /// must name the same inputs as the data's.
    ///
    /// # Errors
    /// The file does not parse or does not fit the data.
    pub fn import_weights(&mut self, text: &str, file: &str) -> Result<(), String> {
        let net = Network::from_json(text).map_err(|e| format!("{file}: {e}"))?;
        let Some(run) = self.run_mut() else {
            return Err("no data to apply the weights to".to_owned());
        };
        if net.inputs != run.problem.inputs {
            return Err(format!(
                "{file}: the network reads {:?}, the data has {:?}",
                net.inputs, run.problem.inputs
            ));
        }
        let classes = match &run.problem.target {
            Target::Classes { names, .. } => Some(names.clone()),
            Target::Values(_) => None,
        };
        if net.classes.as_ref().map(Vec::len) != classes.as_ref().map(Vec::len) {
            return Err(format!(
                "{file}: the network has {} outputs, the data {}",
                net.classes.as_ref().map_or(1, Vec::len),
                classes.as_ref().map_or(1, Vec::len)
            ));
        }
        run.import(net, file.to_owned());
        self.settings.epoch = 0;
        self.pictures = None;
        Ok(())
    }

    /// The pictures of the shown network, computed when it changed.
    fn ensure_pictures(&mut self, ctx: &egui::Context, dark: bool) {
        let Some(run) = self.run() else {
            self.pictures = None;
            return;
        };
        let net = Arc::clone(&run.snapshot_at(self.settings.epoch).net);
        let problem = Arc::clone(&run.problem);
        let units = self.settings.units;
        let key = (Arc::as_ptr(&net) as usize, dark, units);
        match &mut self.pictures {
            Some((k, _, _)) if *k == key => {}
            Some((k, pics, stages)) if (k.0, k.1) == (key.0, key.1) => {
                *stages = flow::stages(&pics.trace, pics.grid.as_ref(), units);
                *k = key;
            }
            _ => {
                let pics = Pictures::new(ctx, &net, &problem, dark);
                let stages = flow::stages(&pics.trace, pics.grid.as_ref(), units);
                self.pictures = Some((key, pics, stages));
            }
        }
    }

    /// Moves the flow on while playing.
    fn advance(&mut self, ui: &Ui) {
        if !self.playing {
            return;
        }
        let layers = self.shown_network().map_or(1, |n| n.layers.len()).max(1);
        let (_, transitions) = flow::span(layers, self.settings.layer);
        let dt = ui.input(|i| i.stable_dt).min(0.1);
        self.settings.progress += dt * 3.0 / (SECONDS_PER_LAYER * transitions as f32);
        if self.settings.progress >= 1.0 {
            self.settings.progress = 1.0;
            self.playing = false;
        }
        ui.ctx().request_repaint();
    }

    /// Draws the view for `h`.
    pub fn ui(&mut self, ui: &mut Ui, h: &DatasetHandle) {
        let waker = Waker::new(ui.ctx());
        self.ensure_run(h, &waker);
        self.advance(ui);
        if self.is_training() {
            ui.ctx().request_repaint();
        }
        if super::controls_shown(ui) {
            controls::toolbar(ui, self, h);
            ui.separator();
        }
        let error = match &self.run {
            Some(Err((_, e))) => Some(e.clone()),
            _ => None,
        };
        if let Some(e) = error {
            ui.label(RichText::new(e).color(ui.visuals().warn_fg_color));
            return;
        }
        let dark = ui.visuals().dark_mode;
        self.ensure_pictures(ui.ctx(), dark);
        if let Some(m) = &self.message {
            ui.label(RichText::new(m).small());
        }
        let avail = ui.available_size();
        let left_w = (avail.x * 0.42).clamp(280.0, 620.0);
        let right_w = (avail.x - left_w - 12.0).max(200.0);
        let h_all = (avail.y - 4.0).max(200.0);
        let down = egui::Layout::top_down(egui::Align::Min);
        ui.horizontal_top(|ui| {
            ui.allocate_ui_with_layout(vec2(left_w, h_all), down, |ui| {
                ui.set_min_size(vec2(left_w, h_all));
                let plane_side = (h_all - 240.0).min(left_w).max(140.0);
                let curves_h = (h_all - plane_side - 64.0).max(130.0);
                plane::ui(ui, self, vec2(left_w, plane_side));
                controls::curves(ui, self, vec2(left_w, curves_h));
            });
            ui.allocate_ui_with_layout(vec2(right_w, h_all), down, |ui| {
                ui.set_min_size(vec2(right_w, h_all));
                match self.settings.panel {
                    NetworkPanel::Diagram => self.diagram_ui(ui, vec2(right_w, h_all)),
                    NetworkPanel::Flow => self.flow_ui(ui, vec2(right_w, h_all)),
                }
            });
        });
    }

    fn diagram_ui(&mut self, ui: &mut Ui, size: egui::Vec2) {
        let Some(net) = self.shown_network() else {
            return;
        };
        let hidden = net.layers.len().saturating_sub(1);
        let what = if hidden == 0 {
            if net.is_classifier() {
                "No hidden layer: this network is (multinomial) logistic regression — one matrix and a softmax; its decision boundaries are straight lines."
            } else {
                "No hidden layer: this network is linear regression — one matrix, no bend."
            }
        } else {
            "Each square is what one unit computes over the input plane (blue above 0, orange below; the output: each class's probability). Edges: blue W > 0, orange W < 0, thickness |W|."
        };
        ui.label(RichText::new(what).small());
        if let Some(note) = controls::olah_note(self) {
            ui.label(RichText::new(note).small().italics());
        }
        let thumbs = self
            .pictures
            .as_ref()
            .map(|(_, p, _)| p.thumbs.clone())
            .unwrap_or_default();
        let size = vec2(size.x, (ui.available_height() - 40.0).max(120.0));
        let clicked = diagram::ui(ui, size, &net, &thumbs, self.settings.node);
        match clicked {
            Some(diagram::Clicked::Node(n)) => self.settings.node = Some(n),
            Some(diagram::Clicked::Edge(e)) => {
                let [l, o, i] = e;
                self.editing = Some((e, net.layers[l].weights[(o, i)]));
            }
            Some(diagram::Clicked::Nothing) => self.settings.node = None,
            None => {}
        }
        controls::weight_editor(ui, self);
    }

    fn flow_ui(&mut self, ui: &mut Ui, size: egui::Vec2) {
        let Some(net) = self.shown_network() else {
            return;
        };
        let layers = net.layers.len();
        let widest = net
            .layers
            .iter()
            .map(crate::math::network::Layer::outputs)
            .chain(std::iter::once(net.inputs.len()))
            .max()
            .unwrap_or(0);
        controls::flow_bar(ui, self, layers, widest);
        let at = flow::at(self.settings.progress, layers, self.settings.layer);
        ui.label(RichText::new(flow::caption(&net, at)).strong());
        if let Some(note) = controls::olah_note(self) {
            ui.add(egui::Label::new(RichText::new(note).small().italics()).wrap());
        }
        let Some(run) = self.run() else { return };
        let problem = Arc::clone(&run.problem);
        let Some((_, _, stages)) = &self.pictures else {
            return;
        };
        let how = stages.get(at.to).map(|s| s.how.clone()).unwrap_or_default();
        let from_how = stages
            .get(at.from)
            .map(|s| s.how.clone())
            .unwrap_or_default();
        let shown = if how == from_how || at.t >= 0.5 {
            how
        } else {
            from_how
        };
        if !shown.is_empty() {
            ui.label(RichText::new(format!("Drawn: {shown}.")).small());
        }
        let layer_of = if at.to == 0 { 0 } else { (at.to - 1) / 3 };
        let size = vec2(size.x, (ui.available_height() - 50.0).max(120.0));
        let mut camera = self.camera;
        if let Some((_, _, stages)) = &self.pictures {
            flow::draw(ui, size, stages, at, &net, &problem.target, &mut camera);
        }
        self.camera = camera;
        flow::numbers_ui(ui, &net, layer_of);
    }
}
