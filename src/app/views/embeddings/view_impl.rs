//! The Embeddings view keeps the [`View`] contract: it shows tables (the
//! vectors and their labels) and refuses ratings.

use egui::Ui;

use super::EmbeddingsView;
use crate::app::EntryData;
use crate::app::views::view::{Fit, Step, View};
use crate::scene::{ProjectionMethod, Scene, ViewKind};

impl View for EmbeddingsView {
    fn kind(&self) -> ViewKind {
        ViewKind::Embeddings
    }

    fn from_scene(scene: &Scene) -> Self {
        Self::new(scene.embeddings.clone())
    }

    fn write_scene(&self, scene: &mut Scene) {
        scene.embeddings = self.settings.clone();
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
        let method = self.settings.projection.method;
        if method != ProjectionMethod::Pca {
            return vec![
                Step::new(
                    0.0,
                    format!(
                        "{} starts from the PCA scores: the large-scale layout, clusters crushed together.",
                        method.label()
                    ),
                ),
                Step::new(
                    0.58,
                    if method == ProjectionMethod::Tsne {
                        "Early exaggeration pulls each point's neighbours together: the clusters form."
                    } else {
                        "Each step pulls neighbours together and pushes a few random points away."
                    },
                ),
                Step::new(
                    1.0,
                    "Converged: each point sits among its neighbours, and the distances between clusters mean little.",
                ),
            ];
        }
        let caption = if self.settings.analogy.is_empty() {
            "Words are vectors: similar meanings point alike, cos θ = x·q / (‖x‖ ‖q‖) measures it, and PCA shows 384 dimensions in 2."
        } else {
            "Analogies are vector arithmetic: a − b + c lands near the answer, e.g. Paris − France + Japan ≈ Tokyo."
        };
        vec![Step::new(1.0, caption)]
    }

    fn animated(&self) -> bool {
        self.settings.projection.method != ProjectionMethod::Pca
    }

    /// Stops the map at an iteration: progress² of the run, so half the
    /// frames show the first quarter, where the clusters form.
    fn set_progress(&mut self, progress: f32) {
        let total = self.map_total();
        let p = f64::from(progress.clamp(0.0, 1.0));
        self.settings.projection.stop_at = if p >= 1.0 {
            None
        } else {
            Some(((p * p * total as f64).round() as usize).max(1))
        };
    }

    fn set_blocking(&mut self, on: bool) {
        Self::set_blocking(self, on);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::DatasetHandle;
    use crate::data::{Dataset, LabelColumn, NumericColumn};
    use crate::scene::Scene;

    fn table() -> EntryData {
        let col = |name: &str, values: Vec<f64>| NumericColumn {
            name: name.to_owned(),
            values,
        };
        EntryData::Table(DatasetHandle::new(Dataset {
            name: "t".to_owned(),
            source: None,
            n_rows: 3,
            columns: vec![col("a", vec![1.0, 0.0, 1.0]), col("b", vec![0.0, 1.0, 1.0])],
            labels: vec![LabelColumn {
                name: "word".to_owned(),
                categories: vec!["x".to_owned(), "y".to_owned(), "z".to_owned()],
                codes: vec![0, 1, 2],
            }],
        }))
    }

    #[test]
    fn the_contract_round_trips_the_scene_and_takes_tables_only() {
        let mut scene = Scene::default();
        scene.embeddings.selected = Some("y".to_owned());
        scene.embeddings.analogy = vec!["x".to_owned(), "y".to_owned(), "z".to_owned()];
        let mut view = <EmbeddingsView as View>::from_scene(&scene);
        assert_eq!(view.kind(), ViewKind::Embeddings);
        let data = table();
        assert_eq!(view.accepts(&data), Fit::Shows);
        View::adapt_to(&mut view, &data);
        assert_eq!(view.settings.selected.as_deref(), Some("y"));
        let mut out = Scene::default();
        view.write_scene(&mut out);
        assert_eq!(out.embeddings, view.settings);
        let steps = view.steps();
        assert_eq!(steps.len(), 1);
        assert!(steps[0].caption.starts_with("Analogies"));
        assert!(!view.animated());
    }
}
