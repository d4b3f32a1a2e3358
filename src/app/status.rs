//! The status bar: loads in progress with Cancel, the last message (errors
//! stay until dismissed or replaced) and the frame-time readout.

use std::path::{Path, PathBuf};

use egui::{RichText, Ui};

use super::EigenApp;
use super::open::OpenError;
use crate::data::{self, BadCells};

/// A message in the status bar; errors stay until dismissed or replaced.
pub(super) struct Status {
    pub(super) text: String,
    pub(super) error: bool,
    /// A table that failed on a cell that is not a number: the error offers
    /// to open it again reading such cells as missing.
    pub(super) retry_as_missing: Option<PathBuf>,
}

/// The button of a load error that offers to read unparseable cells as missing.
pub const READ_AS_MISSING: &str = "Read unparseable cells as missing";

/// The width a button saying `text` takes, with the space after it.
fn button_width(ui: &Ui, text: &str) -> f32 {
    let font = egui::TextStyle::Button.resolve(ui.style());
    let galley = ui
        .painter()
        .layout_no_wrap(text.to_owned(), font, egui::Color32::PLACEHOLDER);
    galley.size().x + 2.0 * ui.spacing().button_padding.x + 2.0 * ui.spacing().item_spacing.x
}

/// Frames the frame-time readout averages over.
const FRAME_TIME_WINDOW: usize = 60;

impl EigenApp {
    pub(super) fn set_error(&mut self, text: String) {
        self.status = Some(Status {
            text,
            error: true,
            retry_as_missing: None,
        });
    }

    pub(super) fn set_info(&mut self, text: String) {
        self.status = Some(Status {
            text,
            error: false,
            retry_as_missing: None,
        });
    }

    /// Shows why `path` did not open; a table's cell that is not a number
    /// comes with the offer to open it again reading such cells as missing.
    pub(super) fn set_load_error(&mut self, path: &Path, e: &OpenError) {
        self.status = Some(Status {
            text: e.to_string(),
            error: true,
            retry_as_missing: e.readable_as_missing().then(|| path.to_path_buf()),
        });
    }

    /// Records the CPU time of the previous frame, if the readout is on.
    pub fn record_frame_time(&mut self, seconds: f32) {
        if let Some(times) = &mut self.frame_times {
            if times.len() == FRAME_TIME_WINDOW {
                times.pop_front();
            }
            times.push_back(seconds * 1000.0);
        }
    }

    pub(super) fn status_bar(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            self.status_line(ui);
            self.frame_time_label(ui);
        });
    }

    /// The frame-time readout, right-aligned, when View → Show frame time is on.
    pub(super) fn frame_time_label(&self, ui: &mut Ui) {
        let Some(times) = self.frame_times.as_ref().filter(|t| !t.is_empty()) else {
            return;
        };
        let last = times.back().copied().unwrap_or(0.0);
        let mean = times.iter().sum::<f32>() / times.len() as f32;
        let max = times.iter().copied().fold(0.0, f32::max);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(
                RichText::new(format!(
                    "frame {last:.1} ms · mean {mean:.1} · max {max:.1} (last {})",
                    times.len()
                ))
                .monospace()
                .weak(),
            );
        });
    }

    /// Loads in progress, or the status message.
    pub(super) fn status_line(&mut self, ui: &mut Ui) {
        if !self.loading.is_empty() {
            for l in &self.loading {
                let name = data::file_label(l.key());
                match l.fraction() {
                    Some(f) => {
                        ui.add(
                            egui::ProgressBar::new(f)
                                .desired_width(160.0)
                                .show_percentage(),
                        );
                    }
                    None => {
                        ui.spinner();
                    }
                }
                let text = if l.is_cancelled() {
                    format!("Cancelling {name}…")
                } else {
                    format!("Loading {name}…")
                };
                ui.label(text).on_hover_text(l.key().display().to_string());
                if ui
                    .add_enabled(!l.is_cancelled(), egui::Button::new("Cancel"))
                    .clicked()
                {
                    l.cancel();
                }
                ui.add_space(12.0);
            }
            return;
        }
        let mut dismiss = false;
        let mut retry = None;
        match &self.status {
            Some(Status {
                text,
                error: true,
                retry_as_missing,
            }) => {
                ui.label(
                    RichText::new("⚠")
                        .color(ui.visuals().error_fg_color)
                        .strong(),
                );
                // The message wraps in the room the buttons after it leave, so
                // a long path cannot push them out of the window.
                let mut reserve = button_width(ui, "✕");
                if retry_as_missing.is_some() {
                    reserve += button_width(ui, READ_AS_MISSING);
                }
                ui.scope(|ui| {
                    ui.set_max_width((ui.available_width() - reserve).max(120.0));
                    ui.add(
                        egui::Label::new(RichText::new(text).color(ui.visuals().error_fg_color))
                            .wrap(),
                    );
                });
                if let Some(path) = retry_as_missing
                    && ui
                        .button(READ_AS_MISSING)
                        .on_hover_text(
                            "Open the file again, reading every cell of a numeric column that is not a number as a missing value (as an empty cell is), and count them",
                        )
                        .clicked()
                {
                    retry = Some(path.clone());
                }
                dismiss = ui.small_button("✕").on_hover_text("Dismiss").clicked();
            }
            Some(Status {
                text, error: false, ..
            }) => {
                ui.label(text);
            }
            None => {
                ui.label(RichText::new("Ready.").weak());
            }
        }
        if dismiss {
            self.status = None;
        }
        if let Some(path) = retry {
            self.status = None;
            let ctx = ui.ctx().clone();
            self.open_in_background_reading(&ctx, path, BadCells::Missing);
        }
    }
}
