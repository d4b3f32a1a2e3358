//! The PCA view keeps the [`View`] contract.

use egui::Ui;

use super::PcaView;
use crate::app::EntryData;
use crate::app::views::view::{Fit, Step, View};
use crate::scene::{Scene, ViewKind};

impl View for PcaView {
    fn kind(&self) -> ViewKind {
        ViewKind::Pca
    }

    fn from_scene(scene: &Scene) -> Self {
        Self::new(scene.pca.clone())
    }

    fn write_scene(&self, scene: &mut Scene) {
        scene.pca = self.settings.clone();
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
        // One source for each step's words: the view's own caption.
        let fit = self.fits.result().and_then(|(_, r)| r.as_ref().ok());
        super::story3d::STOPS
            .iter()
            .map(|&p| Step::new(p, super::story3d::caption(p, fit.map(|f| &f.pca))))
            .collect()
    }

    fn animated(&self) -> bool {
        true
    }

    fn set_progress(&mut self, progress: f32) {
        self.settings.progress = progress;
    }

    fn set_blocking(&mut self, on: bool) {
        Self::set_blocking(self, on);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{DatasetHandle, RatingsHandle};

    #[test]
    #[expect(
        clippy::float_cmp,
        reason = "progress values are set and copied, not computed"
    )]
    fn the_pca_view_keeps_the_contract() {
        let mut scene = Scene::default();
        scene.pca.progress = 0.5;
        scene.pca.standardize = true;
        let mut view = PcaView::from_scene(&scene);
        assert_eq!(view.kind(), ViewKind::Pca);
        assert!(view.animated());
        View::set_progress(&mut view, 0.25);
        let mut out = Scene::default();
        view.write_scene(&mut out);
        assert_eq!(out.pca.progress, 0.25);
        assert!(out.pca.standardize);
        let steps = view.steps();
        assert_eq!(
            steps.iter().map(|s| s.progress).collect::<Vec<_>>(),
            [0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0]
        );
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
