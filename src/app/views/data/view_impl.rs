//! The Data view keeps the [`View`] contract.

use egui::Ui;

use super::DataView;
use crate::app::EntryData;
use crate::app::views::view::{Fit, Step, View};
use crate::scene::{Scene, ViewKind};

impl View for DataView {
    fn kind(&self) -> ViewKind {
        ViewKind::Data
    }

    fn from_scene(scene: &Scene) -> Self {
        Self::new(scene.data.clone())
    }

    fn write_scene(&self, scene: &mut Scene) {
        scene.data = self.settings.clone();
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
        vec![Step::new(
            1.0,
            "A dataset is a matrix X, n × d: each row is a vector x ∈ ℝᵈ, each column a feature.",
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{DatasetHandle, RatingsHandle};
    use crate::scene::DataPanel;

    #[test]
    #[expect(
        clippy::float_cmp,
        reason = "progress values are set and copied, not computed"
    )]
    fn the_data_view_keeps_the_contract() {
        let mut scene = Scene::default();
        scene.data.panel = DataPanel::Scatter;
        scene.data.x = Some("petal_length".to_owned());
        let view = DataView::from_scene(&scene);
        assert_eq!(view.kind(), ViewKind::Data);
        assert!(!view.animated());
        let mut out = Scene::default();
        view.write_scene(&mut out);
        assert_eq!(out.data, scene.data);
        let steps = view.steps();
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].progress, 1.0);
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
