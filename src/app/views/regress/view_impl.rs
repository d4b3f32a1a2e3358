//! The Regression view keeps the [`View`] contract.

use egui::Ui;

use super::RegressView;
use crate::app::EntryData;
use crate::app::views::view::{Fit, Step, View};
use crate::scene::{RegressPanel, Scene, ViewKind};

impl View for RegressView {
    fn kind(&self) -> ViewKind {
        ViewKind::Regress
    }

    fn from_scene(scene: &Scene) -> Self {
        Self::new(scene.regress.clone())
    }

    fn write_scene(&self, scene: &mut Scene) {
        scene.regress = self.settings.clone();
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

    fn steps(&self) -> Vec<Step> {
        if self.settings.panel != RegressPanel::Descent {
            return vec![Step::new(
                1.0,
                "Least squares drops y onto the span of the columns of X: the residual is perpendicular to every column (Xᵀr = 0), and R² = cos²θ.",
            )];
        }
        vec![
            Step::new(
                0.0,
                "Gradient descent starts at β = (0, 0), high on the loss surface.",
            ),
            Step::new(
                0.5,
                "Each step moves against the gradient 2Xᵀ(Xβ − y)/n, scaled by the rate.",
            ),
            Step::new(
                1.0,
                "It arrives where the gradient is zero: XᵀXβ = Xᵀy, the closed-form least squares.",
            ),
        ]
    }

    fn animated(&self) -> bool {
        self.settings.panel == RegressPanel::Descent
    }

    fn set_progress(&mut self, progress: f32) {
        self.settings.progress = progress;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{DatasetHandle, RatingsHandle};

    #[test]
    fn the_regression_view_keeps_the_contract() {
        let mut scene = Scene::default();
        scene.regress.panel = RegressPanel::Descent;
        scene.regress.ridge = 2.0;
        let mut view = RegressView::from_scene(&scene);
        assert_eq!(view.kind(), ViewKind::Regress);
        assert!(view.animated());
        View::set_progress(&mut view, 0.25);
        let mut out = Scene::default();
        view.write_scene(&mut out);
        assert!((out.regress.progress - 0.25).abs() < f32::EPSILON);
        assert!((out.regress.ridge - 2.0).abs() < f64::EPSILON);
        assert_eq!(view.steps().len(), 3);
        let iris = crate::data::load_builtin("iris").unwrap();
        let table = EntryData::Table(DatasetHandle::new(iris));
        assert_eq!(view.accepts(&table), Fit::Shows);
        let ratings = crate::data::load_builtin_ratings("tiny-movies").unwrap();
        assert_eq!(
            view.accepts(&EntryData::Ratings(RatingsHandle::new(ratings))),
            Fit::Refuses
        );
    }
}
