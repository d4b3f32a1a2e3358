//! Presentation mode: a deck of scenes shown full screen with larger text,
//! stepped with the keyboard through each scene's animation stages, a caption
//! strip explaining each step with its formula, and speaker notes on N.

use std::time::Instant;

use egui::{Key, RichText};

use super::EigenApp;
use crate::deck::LoadedDeck;
use crate::scene::Scene;

/// Seconds the animation from one step to the next takes.
const STEP_SECONDS: f32 = 2.0;
/// How much larger everything is drawn while presenting.
const ZOOM: f32 = 1.25;

pub use super::views::view::Step;

/// The steps of `scene`: its view's animation stages, each with a caption
/// (the view's own, through the [`View`](super::views::view::View) contract).
#[must_use]
pub fn steps(scene: &Scene) -> Vec<Step> {
    super::views::registry::boxed(scene.view, scene).steps()
}

/// A deck being presented.
pub struct Presentation {
    deck: LoadedDeck,
    slide: usize,
    step: usize,
    /// An animation toward the current step: from, to, started.
    moving: Option<(f32, f32, Instant)>,
    notes: bool,
    /// The zoom factor to restore on leaving.
    zoom_before: f32,
}

impl Presentation {
    /// The slide and step shown (0-based).
    #[must_use]
    pub fn position(&self) -> (usize, usize) {
        (self.slide, self.step)
    }

    fn steps(&self) -> Vec<Step> {
        let mut s = steps(&self.deck.scenes[self.slide].scene);
        for (st, c) in s
            .iter_mut()
            .zip(&self.deck.deck.slides[self.slide].captions)
        {
            c.clone_into(&mut st.caption);
        }
        s
    }
}

impl EigenApp {
    /// Starts presenting `deck` from its first slide: full screen, larger text.
    pub fn start_presentation(&mut self, ctx: &egui::Context, deck: LoadedDeck) {
        if deck.scenes.is_empty() {
            return;
        }
        let zoom_before = ctx.zoom_factor();
        ctx.set_zoom_factor(zoom_before * ZOOM);
        ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(true));
        self.presentation = Some(Presentation {
            deck,
            slide: 0,
            step: 0,
            moving: None,
            notes: false,
            zoom_before,
        });
        self.show_slide(0, false);
    }

    /// Leaves presentation mode.
    pub fn stop_presentation(&mut self, ctx: &egui::Context) {
        if let Some(p) = self.presentation.take() {
            ctx.set_zoom_factor(p.zoom_before);
            ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(false));
        }
    }

    /// The presentation under way, if any.
    #[must_use]
    pub fn presentation(&self) -> Option<&Presentation> {
        self.presentation.as_ref()
    }

    /// Opens slide `i` at its first step (or its last, going back).
    fn show_slide(&mut self, i: usize, at_end: bool) {
        let Some(p) = &mut self.presentation else {
            return;
        };
        let Some(loaded) = p.deck.scenes.get(i).cloned() else {
            return;
        };
        p.slide = i;
        p.moving = None;
        let n = p.steps().len();
        p.step = if at_end { n.saturating_sub(1) } else { 0 };
        let progress = p.steps()[p.step].progress;
        self.apply_scene(loaded);
        self.set_progress(progress);
    }

    /// Puts the current view's animation at `progress`.
    fn set_progress(&mut self, progress: f32) {
        self.views
            .get_mut(self.state.view)
            .set_progress(progress.clamp(0.0, 1.0));
    }

    /// Next step, or the next slide after the last step.
    pub fn present_next(&mut self) {
        let Some(p) = &mut self.presentation else {
            return;
        };
        let steps = p.steps();
        if p.step + 1 < steps.len() {
            let from = steps[p.step].progress;
            p.step += 1;
            p.moving = Some((from, steps[p.step].progress, Instant::now()));
        } else if p.slide + 1 < p.deck.scenes.len() {
            let next = p.slide + 1;
            self.show_slide(next, false);
        }
    }

    /// The previous step (at once, no animation), or the previous slide's end.
    pub fn present_previous(&mut self) {
        let Some(p) = &mut self.presentation else {
            return;
        };
        if p.step > 0 {
            p.step -= 1;
            p.moving = None;
            let progress = p.steps()[p.step].progress;
            self.set_progress(progress);
        } else if p.slide > 0 {
            let prev = p.slide - 1;
            self.show_slide(prev, true);
        }
    }

    /// Keys, the running animation and the caption strip (before the view).
    pub(super) fn presentation_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let (next, prev, leave, notes, first) = ctx.input_mut(|i| {
            let mut any = |keys: &[Key]| {
                keys.iter()
                    .any(|k| i.consume_key(egui::Modifiers::NONE, *k))
            };
            (
                any(&[Key::PageDown, Key::ArrowRight, Key::Space]),
                any(&[Key::PageUp, Key::ArrowLeft]),
                any(&[Key::Escape]),
                any(&[Key::N]),
                any(&[Key::Home]),
            )
        });
        if leave {
            self.stop_presentation(&ctx);
            return;
        }
        if next {
            self.present_next();
        }
        if prev {
            self.present_previous();
        }
        if first {
            self.show_slide(0, false);
        }
        let Some(p) = &mut self.presentation else {
            return;
        };
        if notes {
            p.notes = !p.notes;
        }
        if let Some((from, to, started)) = p.moving {
            let t = if (to - from).abs() > 0.0 {
                (started.elapsed().as_secs_f32() / STEP_SECONDS).min(1.0)
            } else {
                1.0
            };
            if t >= 1.0 {
                p.moving = None;
            }
            ctx.request_repaint();
            self.set_progress(from + (to - from) * t);
        }
        let Some(p) = &self.presentation else { return };
        let steps = p.steps();
        let slide = &p.deck.deck.slides[p.slide];
        let caption = steps.get(p.step).map_or("", |s| s.caption.as_str());
        let (n_slides, n_steps) = (p.deck.scenes.len(), steps.len());
        let (slide_i, step_i, show_notes) = (p.slide, p.step, p.notes);
        let deck_title = p.deck.deck.title.clone();
        egui::Panel::bottom("presentation-caption").show(ui, |ui| {
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                ui.label(RichText::new(&slide.title).size(22.0).strong());
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.label(
                        RichText::new(format!(
                            "{deck_title} · slide {} of {n_slides} · step {} of {n_steps}",
                            slide_i + 1,
                            step_i + 1
                        ))
                        .weak(),
                    );
                });
            });
            ui.label(RichText::new(caption).size(18.0));
            ui.label(
                RichText::new(
                    "PageDown / → / Space: next   PageUp / ←: back   N: notes   Esc: leave",
                )
                .small()
                .weak(),
            );
            ui.add_space(4.0);
        });
        if show_notes {
            egui::Window::new("Speaker notes")
                .default_width(420.0)
                .anchor(egui::Align2::RIGHT_TOP, egui::vec2(-12.0, 12.0))
                .show(&ctx, |ui| {
                    ui.label(if slide.notes.trim().is_empty() {
                        "(no notes for this slide)"
                    } else {
                        slide.notes.trim()
                    });
                });
        }
    }
}
