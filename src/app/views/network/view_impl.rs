//! The Network view keeps the [`View`] contract.

use egui::Ui;

use super::NetworkView;
use crate::app::EntryData;
use crate::app::views::view::{Fit, Request, Step, View};
use crate::scene::{NetworkPanel, Scene, ViewKind};

impl View for NetworkView {
    fn kind(&self) -> ViewKind {
        ViewKind::Network
    }

    fn from_scene(scene: &Scene) -> Self {
        Self::new(scene.network.clone())
    }

    fn write_scene(&self, scene: &mut Scene) {
        scene.network = self.settings.clone();
    }

    fn accepts(&self, data: &EntryData) -> Fit {
        Fit::tables(data)
    }

    fn adapt_to(&mut self, data: &EntryData) {
        if let Some(h) = data.table() {
            Self::adapt_to(self, &h.data);
        }
    }

    fn ui(&mut self, ui: &mut Ui, data: &EntryData) {
        if let Some(h) = data.table() {
            Self::ui(self, ui, h);
        }
    }

    /// With the flow panel: one stop per stage (W x, + b, σ) of the layer
    /// shown, or of every layer; else one picture.
    fn steps(&self) -> Vec<Step> {
        if self.settings.panel != NetworkPanel::Flow {
            return vec![Step::new(
                1.0,
                "A network is matrices alternated with bends: each unit's picture is σ(w · x + b) of the one before, and training is the search for the matrices.",
            )];
        }
        // From the scene alone (a slide's steps) when nothing has trained yet.
        let net = self.shown_network();
        let layers = net
            .as_ref()
            .map_or(self.settings.layers.len() + 1, |n| n.layers.len());
        let (first, count) = super::flow::span(layers, self.settings.layer);
        let mut steps = vec![Step::new(
            0.0,
            "The inputs: the grid is the input plane, the points the data.",
        )];
        for k in 0..count {
            let at = super::flow::At {
                from: first + k,
                to: first + k + 1,
                t: 1.0,
            };
            let caption = net.as_ref().map_or_else(
                || super::flow::generic_caption(at, layers),
                |n| super::flow::caption(n, at),
            );
            steps.push(Step::new((k + 1) as f32 / count.max(1) as f32, caption));
        }
        steps
    }

    fn animated(&self) -> bool {
        self.settings.panel == NetworkPanel::Flow
    }

    fn set_progress(&mut self, progress: f32) {
        self.settings.progress = progress.clamp(0.0, 1.0);
        self.playing = false;
    }

    fn set_blocking(&mut self, on: bool) {
        Self::set_blocking(self, on);
    }

    fn take_request(&mut self) -> Option<Request> {
        self.request.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::DatasetHandle;

    #[test]
    fn the_network_view_keeps_the_contract() {
        let mut scene = Scene::default();
        scene.network.layers = vec![3];
        scene.network.epoch = 5;
        scene.network.panel = NetworkPanel::Flow;
        let mut view = NetworkView::from_scene(&scene);
        assert_eq!(view.kind(), ViewKind::Network);
        let mut out = Scene::default();
        view.write_scene(&mut out);
        assert_eq!(out.network, view.settings);
        let circles = crate::data::load_builtin("circles").expect("circles");
        let data = EntryData::Table(DatasetHandle::new(circles));
        assert_eq!(view.accepts(&data), Fit::Shows);
        View::set_progress(&mut view, 0.5);
        assert!((view.settings.progress - 0.5).abs() < 1e-6);
        assert!(view.animated());
    }
}
