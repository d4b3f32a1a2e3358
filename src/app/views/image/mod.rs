//! The Image view: a picture is a matrix, and the SVD rebuilds it rank by
//! rank.
//!
//! The picture (a built-in or a PNG/JPEG the user opened) becomes one matrix
//! of luminance or three of R, G, B; each is decomposed once (in the
//! background for large pictures, with progress and Cancel). The rank slider
//! then only moves [`Rebuild`]s — adding or taking away layers — and uploads
//! one texture. Panels: the original beside the rank-k picture (and the
//! residual, amplified), zoomable until the matrix's numbers are written in
//! the cells; the gallery of rank-1 layers; the spectrum and the energy kept.
//! The side column has the slider and the numbers.
//!
//! Files: [`prepare`] (the decomposition job and the shown state),
//! [`pictures`] (the zoomable pictures), [`panels`] (layers and spectrum),
//! [`side`] (slider and numbers), [`view_impl`].

mod panels;
mod pictures;
mod prepare;
mod side;
mod view_impl;

use std::path::Path;
use std::sync::Arc;

use egui::{ComboBox, RichText, Ui};

use crate::app::job::{Latest, Waker};
use crate::data::{PICTURE_BUILTINS, Picture};
use crate::math::svd::{Channels, PictureSvd};
use crate::scene::{ImageChannels, ImagePanel, ImageSettings};

use prepare::{FitKey, Shown};

/// Pictures with more pixels than this are decomposed in the background.
const BACKGROUND_PIXELS: usize = 300_000;

/// Seconds Play takes to add the layers up to k.
const PLAY_SECONDS: f32 = 8.0;

/// The Image view's state.
pub struct ImageView {
    pub settings: ImageSettings,
    /// The picture shown, or why it could not be read.
    picture: Result<Arc<Picture>, String>,
    /// Changes whenever another picture is set.
    generation: u64,
    fits: Latest<FitKey, Arc<PictureSvd>, String>,
    shown: Option<Shown>,
    blocking: bool,
    playing: bool,
}

impl Default for ImageView {
    fn default() -> Self {
        Self::new(ImageSettings::default())
    }
}

impl ImageView {
    /// A view showing `settings`, its picture read now.
    #[must_use]
    pub fn new(settings: ImageSettings) -> Self {
        let picture = crate::data::load_picture_ref(&settings.picture)
            .map(Arc::new)
            .map_err(|e| e.to_string());
        Self {
            settings,
            picture,
            generation: 0,
            fits: Latest::default(),
            shown: None,
            blocking: false,
            playing: false,
        }
    }

    /// Shows `picture`, opened from `source` (a path or `builtin:NAME`).
    pub fn set_picture(&mut self, picture: Picture, source: &str) {
        source.clone_into(&mut self.settings.picture);
        let full = picture.width.min(picture.height);
        self.settings.rank = self.settings.rank.min(full);
        self.settings.focus = [picture.width as f32 / 2.0, picture.height as f32 / 2.0];
        self.settings.zoom = 1.0;
        self.picture = Ok(Arc::new(picture));
        self.generation += 1;
        self.shown = None;
        self.playing = false;
    }

    /// The picture shown, if one is.
    #[must_use]
    pub fn picture(&self) -> Option<&Picture> {
        self.picture.as_deref().ok()
    }

    /// The numbers shown now: (k, measured error, Eckart–Young bound), once
    /// the decomposition is there (tests read the readout through this).
    #[must_use]
    pub fn readout(&self) -> Option<(usize, f64, f64)> {
        let s = self.shown.as_ref()?;
        Some((s.rank(), s.error(), s.svd.bound(s.rank())))
    }

    /// Writes the rank-k picture shown as PNG (JPEG for .jpg/.jpeg names).
    ///
    /// # Errors
    /// No decomposition yet, or the file cannot be written.
    pub fn export(&self, path: &Path) -> Result<(), String> {
        let s = self
            .shown
            .as_ref()
            .ok_or("there is no rank-k picture yet (the SVD is still running)")?;
        s.export(path)
    }

    pub(crate) fn set_blocking(&mut self, on: bool) {
        self.blocking = on;
    }

    /// Draws the view.
    pub fn ui(&mut self, ui: &mut Ui) {
        if super::controls_shown(ui) {
            self.toolbar(ui);
        }
        let picture = match &self.picture {
            Ok(p) => Arc::clone(p),
            Err(e) => {
                ui.colored_label(ui.visuals().error_fg_color, e);
                return;
            }
        };
        if let Some(note) = &picture.note {
            ui.label(
                RichText::new(note)
                    .small()
                    .color(ui.visuals().warn_fg_color),
            );
        }
        self.update(ui, &picture);
        self.animate(ui);
        let Some(shown) = self.shown.as_mut() else {
            prepare::waiting(ui, &mut self.fits, &picture);
            return;
        };
        let k = self.settings.shown_rank();
        shown.set_rank(ui.ctx(), k, &self.settings);
        let side_width = (ui.available_width() * 0.28).clamp(230.0, 330.0);
        egui::Panel::right("image-side")
            .resizable(false)
            .exact_size(side_width)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    side::ui(ui, &mut self.settings, &mut self.playing, shown);
                });
            });
        match self.settings.panel {
            ImagePanel::Pictures => pictures::ui(ui, &mut self.settings, shown),
            ImagePanel::Layers => panels::layers_ui(ui, &self.settings, shown),
            ImagePanel::Spectrum => panels::spectrum_ui(ui, shown),
        }
    }

    fn toolbar(&mut self, ui: &mut Ui) {
        let s = &mut self.settings;
        let mut chosen = None;
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Picture");
            let shown = PICTURE_BUILTINS
                .iter()
                .find(|b| s.picture == format!("builtin:{}", b.id))
                .map_or_else(
                    || crate::data::file_label(Path::new(&s.picture)),
                    |b| b.title.to_owned(),
                );
            ComboBox::from_id_salt("image-picture")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    for b in PICTURE_BUILTINS {
                        let id = format!("builtin:{}", b.id);
                        if ui
                            .selectable_label(s.picture == id, b.title)
                            .on_hover_text(b.description)
                            .clicked()
                        {
                            chosen = Some(id);
                        }
                    }
                    ui.label(RichText::new("File → Open… takes a PNG or JPEG").weak());
                })
                .response
                .labelled_by(label.id);
            ui.separator();
            let label = ui.label("Matrices");
            ComboBox::from_id_salt("image-channels")
                .selected_text(match s.channels {
                    ImageChannels::Gray => "one: luminance",
                    ImageChannels::Rgb => "three: R, G, B",
                })
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut s.channels, ImageChannels::Gray, "one: luminance");
                    ui.selectable_value(&mut s.channels, ImageChannels::Rgb, "three: R, G, B");
                })
                .response
                .labelled_by(label.id);
            ui.separator();
            for (panel, name) in [
                (ImagePanel::Pictures, "Pictures"),
                (ImagePanel::Layers, "Rank-1 layers"),
                (ImagePanel::Spectrum, "Spectrum"),
            ] {
                ui.selectable_value(&mut s.panel, panel, name);
            }
        });
        if let Some(id) = chosen {
            match crate::data::load_picture_ref(&id) {
                Ok(p) => self.set_picture(p, &id),
                Err(e) => self.picture = Err(e.to_string()),
            }
        }
    }

    /// Play: the rank shown climbs from 0 to k over [`PLAY_SECONDS`].
    fn animate(&mut self, ui: &Ui) {
        if !self.playing {
            return;
        }
        let dt = ui.input(|i| i.stable_dt).min(0.1);
        let p = &mut self.settings.progress;
        *p = (*p + dt / PLAY_SECONDS).min(1.0);
        if *p >= 1.0 {
            self.playing = false;
        } else {
            ui.ctx().request_repaint();
        }
    }

    /// Starts the decomposition for the current picture and channels, or
    /// takes a finished one into the shown state.
    fn update(&mut self, ui: &Ui, picture: &Arc<Picture>) {
        let key = FitKey {
            generation: self.generation,
            channels: self.settings.channels,
        };
        let background = !self.blocking && picture.width * picture.height > BACKGROUND_PIXELS;
        let p = Arc::clone(picture);
        let channels: Channels = self.settings.channels.into();
        self.fits.want(
            key.clone(),
            background,
            &Waker::new(ui.ctx()),
            move |progress| {
                // Progress counts matrices decomposed (1, or 3 for R, G, B).
                let done = std::cell::Cell::new(0_u64);
                progress.set_total(if channels == Channels::Rgb { 3 } else { 1 });
                let step = || {
                    progress.set_done(done.get());
                    done.set(done.get() + 1);
                    progress.is_cancelled()
                };
                PictureSvd::of(&p.rgb, p.width, p.height, channels, &step)
                    .map_err(|e| e.to_string())?
                    .map(Arc::new)
                    .ok_or_else(|| "cancelled".to_owned())
            },
        );
        if self.shown.as_ref().is_some_and(|s| s.key == key) {
            return;
        }
        if let Some(Ok(svd)) = self.fits.result_for(&key) {
            self.shown = Some(Shown::new(ui.ctx(), key, Arc::clone(svd)));
        }
    }
}
