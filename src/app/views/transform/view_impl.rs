//! The Transform view under the [`View`] contract.

use egui::Ui;

use super::TransformView;
use crate::app::EntryData;
use crate::app::views::view::{Fit, Step, View};
use crate::scene::{Scene, TransformAnimation, ViewKind};

impl View for TransformView {
    fn kind(&self) -> ViewKind {
        ViewKind::Transform
    }

    fn from_scene(scene: &Scene) -> Self {
        Self::new(scene.transform.clone())
    }

    fn write_scene(&self, scene: &mut Scene) {
        scene.transform = self.settings.clone();
    }

    /// A table's points move with the matrix; a ratings matrix is ignored:
    /// the view shows the matrix alone.
    fn accepts(&self, data: &EntryData) -> Fit {
        match data {
            EntryData::Table(_) => Fit::Shows,
            EntryData::Ratings(_) => Fit::Ignores,
        }
    }

    fn adapt_to(&mut self, data: &EntryData) {
        if let Some(h) = data.table() {
            TransformView::adapt_to(self, &h.data);
        }
    }

    fn ui(&mut self, ui: &mut Ui, data: &EntryData) {
        TransformView::ui(self, ui, data.table());
    }

    fn steps(&self) -> Vec<Step> {
        let t = &self.settings;
        let n = t.mode.n();
        if t.animation == TransformAnimation::Svd {
            // One source for each step's words: the canvas's own caption.
            let (sigma, flips) = super::prepare::singular_values(t);
            [0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0]
                .into_iter()
                .map(|p| Step::new(p, super::format::svd_caption(p, &sigma, flips)))
                .collect()
        } else if !t.steps.is_empty() {
            let k = t.steps.len();
            let mut out = vec![Step::new(
                0.0,
                "A composition applies M₁, then M₂, …: A = Mₖ⋯M₂·M₁ (the first acts first).",
            )];
            out.extend((1..=k).map(|i| Step {
                progress: i as f32 / k as f32,
                caption: if i == k {
                    "All steps applied: A is their product, and the order matters: AB ≠ BA."
                        .to_owned()
                } else {
                    format!("Step {i} of {k}: M{i} acts on the result so far.")
                },
            }));
            out
        } else {
            vec![
                Step::new(
                    0.0,
                    format!(
                        "A {n}×{n} matrix A sends every vector x to A·x: its columns are where the basis vectors land."
                    ),
                ),
                Step::new(
                    1.0,
                    if n == 2 {
                        "det A is the signed area of the unit square's image; eigenvectors keep their line: A·v = λ·v."
                    } else {
                        "det A is the signed volume of the unit cube's image; eigenvectors keep their line: A·v = λ·v."
                    },
                ),
            ]
        }
    }

    fn animated(&self) -> bool {
        true
    }

    fn set_progress(&mut self, progress: f32) {
        self.settings.progress = progress;
    }
}
