//! The Factorize view as a [`View`]: ratings only; its animation replays the
//! trained epochs through the history scrubber.

use egui::Ui;

use super::FactorizeView;
use crate::app::EntryData;
use crate::app::views::view::{Fit, Request, Step, View};
use crate::scene::{Scene, ViewKind};

/// The caption of the model's shape (the first step).
const SHAPE: &str = "R ≈ P·Qᵀ: users × k times k × movies, fitted to the observed cells only.";
/// The caption of the trained model (the last step).
const TRAINED: &str =
    "r̂ = μ + b_u + b_i + p_u·q_i: each epoch lowers the error on the ratings it trains on.";

impl View for FactorizeView {
    fn kind(&self) -> ViewKind {
        ViewKind::Factorize
    }

    fn from_scene(scene: &Scene) -> Self {
        Self::new(scene.factorize.clone())
    }

    fn write_scene(&self, scene: &mut Scene) {
        scene.factorize = self.settings.clone();
    }

    fn accepts(&self, data: &EntryData) -> Fit {
        Fit::ratings(data)
    }

    fn adapt_to(&mut self, data: &EntryData) {
        if let Some(h) = data.ratings() {
            FactorizeView::adapt_to(self, &h.data);
        }
    }

    fn ui(&mut self, ui: &mut Ui, data: &EntryData) {
        if let Some(h) = data.ratings() {
            FactorizeView::ui(self, ui, h);
        }
    }

    fn steps(&self) -> Vec<Step> {
        if self.settings.epoch == 0 {
            vec![Step::new(1.0, SHAPE)]
        } else {
            vec![Step::new(0.0, SHAPE), Step::new(1.0, TRAINED)]
        }
    }

    fn animated(&self) -> bool {
        self.settings.epoch > 0
    }

    /// Shows the epoch `progress` of the way through those trained.
    fn set_progress(&mut self, progress: f32) {
        let p = progress.clamp(0.0, 1.0);
        let epoch = self.settings.epoch;
        self.settings.history = Some((p * epoch as f32).round() as usize);
    }

    fn set_blocking(&mut self, on: bool) {
        FactorizeView::set_blocking(self, on);
    }

    /// "Explore item embeddings": the model's item factors as a dataset.
    fn take_request(&mut self) -> Option<Request> {
        self.take_explore_request().map(Request::OpenDataset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Item, Rating, Ratings};

    fn ratings() -> EntryData {
        let r = Ratings::new(
            "t",
            vec!["a".into()],
            vec![Item::new("x")],
            vec![Rating {
                user: 0,
                item: 0,
                value: 4.0,
            }],
        );
        EntryData::Ratings(crate::app::RatingsHandle::new(r))
    }

    /// Ratings are shown; the scene's table goes in and out unchanged; the
    /// animation replays the trained epochs.
    #[test]
    fn the_view_contract() {
        let mut scene = Scene::default();
        scene.factorize.epoch = 10;
        scene.factorize.rank = 3;
        let mut view = <FactorizeView as View>::from_scene(&scene);
        assert_eq!(view.kind(), ViewKind::Factorize);
        assert_eq!(view.accepts(&ratings()), Fit::Shows);
        assert!(view.animated());
        assert_eq!(view.steps().len(), 2);
        view.set_progress(0.5);
        assert_eq!(view.settings.history, Some(5));
        let mut out = Scene::default();
        view.write_scene(&mut out);
        assert_eq!(out.factorize.rank, 3);
        view.settings.epoch = 0;
        assert!(!view.animated());
        assert_eq!(view.steps(), vec![Step::new(1.0, SHAPE)]);
    }
}
