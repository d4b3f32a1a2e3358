//! File → Save scene and Export: the current view as a scene, written
//! atomically; a dataset made in the app is written beside it first.

use std::path::Path;

use super::{EigenApp, EntryData, style};
use crate::data;
use crate::scene::{self, DatasetRef, Scene, Theme, WindowSettings};

impl EigenApp {
    /// The current view as a scene (what File → Save scene writes). A view
    /// that cannot show the current data (the PCA tab on a ratings matrix)
    /// is saved as the view that can, so the scene always loads back.
    #[must_use]
    pub fn current_scene(&self, theme: Theme, scale: f32, scene_dir: Option<&Path>) -> Scene {
        let view = self.entries.get(self.current).map_or(self.state.view, |e| {
            self.views.fit(self.state.view, &e.data)
        });
        let dataset = self.entries.get(self.current).map_or_else(
            || "builtin:iris".to_owned(),
            |e| match &e.origin {
                DatasetRef::Builtin(id) => format!("builtin:{id}"),
                // Made in the app: there is no file to name, only its name.
                DatasetRef::Derived(name) => name.clone(),
                DatasetRef::File(p) => {
                    let abs = std::path::absolute(p).unwrap_or_else(|_| p.clone());
                    scene_dir
                        .and_then(|d| {
                            abs.strip_prefix(std::path::absolute(d).ok()?)
                                .ok()
                                .map(Path::to_path_buf)
                        })
                        .unwrap_or(abs)
                        .display()
                        .to_string()
                }
            },
        );
        let mut out = Scene {
            view,
            dataset,
            window: WindowSettings {
                width: (self.view_size.x.round() as u32)
                    .clamp(*scene::SIZE_RANGE.start(), *scene::SIZE_RANGE.end()),
                height: (self.view_size.y.round() as u32)
                    .clamp(*scene::SIZE_RANGE.start(), *scene::SIZE_RANGE.end()),
                theme,
                scale: scale.clamp(*scene::SCALE_RANGE.start(), *scene::SCALE_RANGE.end()),
                controls: true,
            },
            ..Scene::default()
        };
        self.views.write_scene(&mut out);
        out
    }

    pub(super) fn save_scene(&mut self, ctx: &egui::Context, path: &Path) {
        self.save_scene_as(path, style::theme_of(ctx), ctx.pixels_per_point());
    }

    /// Writes the current view as a scene to `path` (File → Save scene). A
    /// dataset made in the app (a model's movie factors) has no file to name:
    /// it is written first beside the scene, as the Embedding Projector pair
    /// `NAME-vectors.tsv` + `NAME-metadata.tsv`, and from then on the entry
    /// is that file — so the scene opens again. Errors go to the status bar.
    pub fn save_scene_as(&mut self, path: &Path, theme: Theme, scale: f32) {
        if let Some(entry) = self.entries.get(self.current)
            && matches!(entry.origin, DatasetRef::Derived(_))
            && let EntryData::Table(handle) = &entry.data
        {
            let stem = path
                .file_stem()
                .map_or_else(|| "scene".to_owned(), |s| s.to_string_lossy().into_owned());
            let vectors = path.with_file_name(format!("{stem}-vectors.tsv"));
            if let Err(e) = data::write_projector(&handle.data, &vectors) {
                self.set_error(format!(
                    "{}: not saved: its dataset, made in the app, could not be written beside it: {e}",
                    path.display()
                ));
                return;
            }
            if let Some(entry) = self.entries.get_mut(self.current) {
                entry.origin = DatasetRef::File(vectors);
            }
        }
        let scene = self.current_scene(theme, scale, path.parent());
        let text = match scene.try_to_toml() {
            Ok(text) => text,
            Err(e) => {
                self.set_error(format!("{}: cannot save the scene: {e}", path.display()));
                return;
            }
        };
        match crate::files::write_bytes_atomic(path, text.as_bytes()) {
            Ok(()) => self.set_info(format!("Saved scene {}.", path.display())),
            Err(e) => self.set_error(e.to_string()),
        }
    }

    /// Writes the PCA view's scores to `path` as CSV.
    pub fn export_scores(&mut self, path: &Path) {
        let Some(entry) = self.entries.get(self.current) else {
            self.set_error("there is no dataset to export scores of".to_owned());
            return;
        };
        let EntryData::Table(handle) = &entry.data else {
            self.set_error("a ratings matrix has no PCA scores to export".to_owned());
            return;
        };
        match self.views.pca.export_scores(handle, path) {
            Ok(n) => self.set_info(format!(
                "Exported the PCA scores of {} rows to {}.",
                style::fmt_count(n),
                path.display()
            )),
            Err(e) => self.set_error(e.to_string()),
        }
    }

    /// File → Export → Rank-k picture: the Image view's rank-k picture.
    pub fn export_picture(&mut self, path: &Path) {
        match self.views.image.export(path) {
            Ok(()) => self.set_info(format!(
                "Exported the rank-{} picture to {}.",
                self.views.image.settings.shown_rank(),
                path.display()
            )),
            Err(e) => self.set_error(e),
        }
    }
}

impl EigenApp {
    /// The Network view's Export weights: the shown network as JSON.
    pub fn export_weights(&mut self, path: &Path) {
        let Some(json) = self.views.network.weights_json() else {
            self.set_error("there is no network to export: open the Network view first".to_owned());
            return;
        };
        match crate::files::write_bytes_atomic(path, json.as_bytes()) {
            Ok(()) => self.set_info(format!(
                "Exported the network's weights to {}.",
                path.display()
            )),
            Err(e) => self.set_error(e.to_string()),
        }
    }

    /// The Network view's Import weights: a weights file shown instead of training.
    pub fn import_weights(&mut self, path: &Path) {
        let bytes = match crate::files::read_limited(path, crate::files::memory_available()) {
            Ok(b) => b,
            Err(e) => return self.set_error(e.to_string()),
        };
        let text = String::from_utf8_lossy(&bytes);
        let name = path.display().to_string();
        match self.views.network.import_weights(&text, &name) {
            Ok(()) => self.set_info(format!("Imported the network's weights from {name}.")),
            Err(e) => self.set_error(e),
        }
    }
}
