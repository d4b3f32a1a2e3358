//! Choosing the array of an `.npz` or the tensor of a safetensors file that
//! holds several, none preferred: a window lists them, and the one clicked
//! opens (in the background, like any file).

use std::path::PathBuf;

use egui::RichText;

use super::EigenApp;
use super::job::{Job, Waker};
use super::open::{OpenError, Opened};
use crate::data::{self, LoadError};

/// A file waiting for the user to pick one of its arrays.
pub(super) struct ArrayChoice {
    path: PathBuf,
    names: Vec<String>,
}

impl EigenApp {
    /// Shows the array picker when `e` says the file holds several arrays;
    /// returns whether it did (else `e` is an error to show).
    pub fn offer_arrays(&mut self, e: &OpenError) -> bool {
        let OpenError::Load(LoadError::NpzChoose { path, names, .. }) = e else {
            return false;
        };
        if names.is_empty() {
            return false;
        }
        self.set_info(format!(
            "{} holds {} arrays: choose one to open.",
            data::file_label(path),
            names.len()
        ));
        self.array_choice = Some(ArrayChoice {
            path: path.clone(),
            names: names.clone(),
        });
        true
    }

    /// The picker window, while a choice is pending.
    pub(super) fn array_window(&mut self, ctx: &egui::Context) {
        let Some(choice) = &self.array_choice else {
            return;
        };
        let mut open = true;
        let mut picked = None;
        egui::Window::new("Choose an array")
            .collapsible(false)
            .resizable(false)
            .open(&mut open)
            .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
            .show(ctx, |ui| {
                ui.label(format!(
                    "{} holds several arrays. Open which?",
                    data::file_label(&choice.path)
                ));
                ui.label(
                    RichText::new("(On the command line: --array NAME.)")
                        .weak()
                        .small(),
                );
                egui::ScrollArea::vertical()
                    .max_height(320.0)
                    .show(ui, |ui| {
                        for name in &choice.names {
                            if ui.button(name).clicked() {
                                picked = Some(name.clone());
                            }
                        }
                    });
            });
        if let Some(name) = picked {
            let path = choice.path.clone();
            self.array_choice = None;
            self.open_array_in_background(ctx, path, name);
        } else if !open {
            self.array_choice = None;
        }
    }

    /// Loads array `name` of `path` on a background thread.
    pub fn open_array_in_background(&mut self, ctx: &egui::Context, path: PathBuf, name: String) {
        let p = path.clone();
        let job = Job::spawn(path, Waker::new(ctx), move |progress| {
            data::load_table(&p, Some(&name), progress)
                .map(|ds| (Opened::Dataset(ds), 0))
                .map_err(OpenError::from)
        });
        self.loading.push(job);
    }

    /// The arrays offered, if a choice is pending (tests).
    #[must_use]
    pub fn arrays_offered(&self) -> Option<&[String]> {
        self.array_choice.as_ref().map(|c| c.names.as_slice())
    }
}
