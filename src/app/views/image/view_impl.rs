//! The Image view keeps the [`View`] contract.

use egui::Ui;

use super::ImageView;
use crate::app::EntryData;
use crate::app::views::view::{Fit, Step, View};
use crate::scene::{Scene, ViewKind};

impl View for ImageView {
    fn kind(&self) -> ViewKind {
        ViewKind::Image
    }

    fn from_scene(scene: &Scene) -> Self {
        Self::new(scene.image.clone())
    }

    fn write_scene(&self, scene: &mut Scene) {
        scene.image = self.settings.clone();
    }

    /// The view shows its own picture: a dataset neither helps nor hinders.
    fn accepts(&self, _data: &EntryData) -> Fit {
        Fit::Ignores
    }

    fn adapt_to(&mut self, _data: &EntryData) {}

    fn per_dataset(&self) -> bool {
        false
    }

    fn ui(&mut self, ui: &mut Ui, _data: &EntryData) {
        Self::ui(self, ui);
    }

    fn steps(&self) -> Vec<Step> {
        let k = self.settings.rank;
        let at = |j: usize| {
            if k == 0 {
                1.0
            } else {
                (j as f32 / k as f32).min(1.0)
            }
        };
        let mut steps = vec![Step::new(
            at(1.min(k)),
            "One layer σ₁u₁v₁ᵀ: one column pattern times one row pattern, the best rank-1 picture.",
        )];
        if k >= 5 {
            steps.push(Step::new(
                at(5),
                "Five layers: the large shapes. Each new layer corrects what the sum so far got wrong.",
            ));
        }
        steps.push(Step::new(
            1.0,
            format!(
                "{k} layers: k(m + n + 1) numbers instead of mn, and no rank-{k} picture is closer (Eckart–Young)."
            ),
        ));
        steps
    }

    fn animated(&self) -> bool {
        true
    }

    fn set_progress(&mut self, progress: f32) {
        self.settings.progress = progress.clamp(0.0, 1.0);
    }

    fn set_blocking(&mut self, on: bool) {
        Self::set_blocking(self, on);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::DatasetHandle;

    #[test]
    fn the_image_view_keeps_the_contract() {
        let mut scene = Scene::default();
        scene.image.rank = 30;
        scene.image.picture = "builtin:lowrank".into();
        let mut view = ImageView::from_scene(&scene);
        assert_eq!(view.kind(), ViewKind::Image);
        assert!(view.picture().is_some_and(|p| p.width == 384));
        assert!(view.animated());
        View::set_progress(&mut view, 0.5);
        assert_eq!(view.settings.shown_rank(), 15);
        let mut out = Scene::default();
        view.write_scene(&mut out);
        assert_eq!(out.image, view.settings);
        assert_eq!(view.steps().len(), 3);
        let iris = crate::data::load_builtin("iris").expect("iris");
        assert_eq!(
            view.accepts(&EntryData::Table(DatasetHandle::new(iris))),
            Fit::Ignores
        );
    }
}
