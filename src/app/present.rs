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
    /// Whether the presenter window (notes, now and next, a clock) is open.
    presenter: bool,
    /// When the presentation started (the presenter window's timer).
    started: Instant,
    /// The zoom factor and style to restore on leaving.
    zoom_before: f32,
    style_before: std::sync::Arc<egui::Style>,
}

impl Presentation {
    /// The slide and step shown (0-based).
    #[must_use]
    pub fn position(&self) -> (usize, usize) {
        (self.slide, self.step)
    }

    /// Whether an animation toward the current step is running.
    #[must_use]
    pub fn animating(&self) -> bool {
        self.moving.is_some()
    }

    /// Whether the current step is its slide's last.
    #[must_use]
    pub fn at_last_step(&self) -> bool {
        self.step + 1 >= self.steps().len()
    }

    /// Whether the presenter window is open.
    #[must_use]
    pub fn presenter_open(&self) -> bool {
        self.presenter
    }

    fn steps(&self) -> Vec<Step> {
        self.steps_of(self.slide)
    }

    /// Slide `slide`'s steps, with the deck's captions where it gives them.
    fn steps_of(&self, slide: usize) -> Vec<Step> {
        let Some(loaded) = self.deck.scenes.get(slide) else {
            return Vec::new();
        };
        self.with_captions(slide, steps(&loaded.scene))
    }

    /// `steps` of slide `slide`, with the deck's captions where it gives them.
    fn with_captions(&self, slide: usize, mut steps: Vec<Step>) -> Vec<Step> {
        if let Some(s) = self.deck.deck.slides.get(slide) {
            for (st, c) in steps.iter_mut().zip(&s.captions) {
                c.clone_into(&mut st.caption);
            }
        }
        steps
    }

    /// What comes next: the next step's caption, or the next slide's title
    /// and first caption, or the end.
    #[must_use]
    pub fn next_text(&self) -> String {
        let steps = self.steps();
        if let Some(next) = steps.get(self.step + 1) {
            return next.caption.clone();
        }
        match self.deck.deck.slides.get(self.slide + 1) {
            Some(slide) => {
                let first = self
                    .steps_of(self.slide + 1)
                    .first()
                    .map(|s| s.caption.clone())
                    .unwrap_or_default();
                format!("Slide {}: {}. {first}", self.slide + 2, slide.title)
            }
            None => "The end of the deck.".to_owned(),
        }
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
        // The picture alone, and no text smaller than the body's: the back
        // of the room reads it.
        super::views::show_controls(ctx, false);
        let style_before = ctx.global_style();
        ctx.global_style_mut(|style| {
            let body = style
                .text_styles
                .get(&egui::TextStyle::Body)
                .map_or(13.0, |f| f.size);
            if let Some(small) = style.text_styles.get_mut(&egui::TextStyle::Small) {
                small.size = small.size.max(body);
            }
        });
        ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(true));
        self.presentation = Some(Presentation {
            deck,
            slide: 0,
            step: 0,
            moving: None,
            notes: false,
            presenter: false,
            started: Instant::now(),
            zoom_before,
            style_before,
        });
        self.show_slide(0, false);
    }

    /// Leaves presentation mode.
    pub fn stop_presentation(&mut self, ctx: &egui::Context) {
        if let Some(p) = self.presentation.take() {
            ctx.set_zoom_factor(p.zoom_before);
            ctx.set_global_style(p.style_before);
            super::views::show_controls(ctx, true);
            ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(false));
        }
    }

    /// Opens or closes the presenter window of the presentation under way.
    pub fn set_presenter_window(&mut self, on: bool) {
        if let Some(p) = &mut self.presentation {
            p.presenter = on;
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

    /// The current slide's steps as its view, open in the window, words
    /// them (with what it has computed, e.g. the variance PCA keeps), with
    /// the deck's captions where it gives them.
    fn live_steps(&self) -> Vec<Step> {
        let Some(p) = &self.presentation else {
            return Vec::new();
        };
        p.with_captions(p.slide, self.views.get(self.state.view).steps())
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
        let (next, prev, leave, notes, first, presenter) = ctx.input_mut(|i| {
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
                any(&[Key::P]),
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
        if presenter {
            p.presenter = !p.presenter;
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
        let steps = self.live_steps();
        let Some(p) = &self.presentation else { return };
        let slide = &p.deck.deck.slides[p.slide];
        let caption = steps.get(p.step).map_or("", |s| s.caption.as_str());
        let (n_slides, n_steps) = (p.deck.scenes.len(), steps.len());
        let (slide_i, step_i, show_notes, presenter) = (p.slide, p.step, p.notes, p.presenter);
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
            // The keys are the speaker's business: with the presenter
            // window open they are said there, not to the room.
            if !presenter {
                ui.label(
                    RichText::new(
                        "PageDown / → / Space: next   PageUp / ←: back   N: notes   P: presenter window   Esc: leave",
                    )
                    .small()
                    .weak(),
                );
            }
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
        if presenter {
            self.presenter_window(&ctx);
        }
    }

    /// The presenter window, on the speaker's screen: the slide and step,
    /// a clock and the time since the start, this step's caption, what
    /// comes next, and the notes, large; its keys and buttons step the
    /// slides like the audience window's. Where the system shows one window
    /// only (and in tests) it is a window inside the slide.
    fn presenter_window(&mut self, ctx: &egui::Context) {
        let steps = self.live_steps();
        let Some(p) = &self.presentation else { return };
        let slide = &p.deck.deck.slides[p.slide];
        let now = steps
            .get(p.step)
            .map_or("", |s| s.caption.as_str())
            .to_owned();
        let next = p.next_text();
        let header = format!(
            "Slide {} of {} · step {} of {} — {}",
            p.slide + 1,
            p.deck.scenes.len(),
            p.step + 1,
            steps.len(),
            slide.title
        );
        let notes = slide.notes.trim().to_owned();
        let elapsed = p.started.elapsed().as_secs();
        let clock = format!(
            "{}   ·   {:02}:{:02}:{:02} since the start",
            chrono::Local::now().format("%H:%M"),
            elapsed / 3600,
            elapsed / 60 % 60,
            elapsed % 60
        );
        let builder = egui::ViewportBuilder::default()
            .with_title("eigenlens — presenter")
            .with_inner_size([760.0, 560.0]);
        let action = ctx.show_viewport_immediate(
            egui::ViewportId::from_hash_of("eigenlens-presenter"),
            builder,
            |ui, class| {
                let mut action = PresenterAction::None;
                let body = |ui: &mut egui::Ui, action: &mut PresenterAction| {
                    ui.label(RichText::new(&clock).size(20.0).monospace());
                    ui.label(RichText::new(&header).size(22.0).strong());
                    ui.add_space(8.0);
                    ui.label(RichText::new("Now").weak());
                    ui.label(RichText::new(&now).size(20.0));
                    ui.add_space(6.0);
                    ui.label(RichText::new("Next").weak());
                    ui.label(RichText::new(&next).size(17.0).weak());
                    ui.add_space(6.0);
                    ui.horizontal(|ui| {
                        if ui.button(RichText::new("◀ Back").size(18.0)).clicked() {
                            *action = PresenterAction::Previous;
                        }
                        if ui.button(RichText::new("Next ▶").size(18.0)).clicked() {
                            *action = PresenterAction::Next;
                        }
                    });
                    ui.separator();
                    ui.label(RichText::new("Notes").weak());
                    egui::ScrollArea::vertical().show(ui, |ui| {
                        ui.label(
                            RichText::new(if notes.is_empty() {
                                "(no notes for this slide)"
                            } else {
                                notes.as_str()
                            })
                            .size(20.0),
                        );
                    });
                };
                if class == egui::ViewportClass::EmbeddedWindow {
                    egui::Window::new("Presenter")
                        .default_width(460.0)
                        .anchor(egui::Align2::RIGHT_TOP, egui::vec2(-12.0, 12.0))
                        .show(ui.ctx(), |ui| body(ui, &mut action));
                } else {
                    // Its own window: its keys step the slides too.
                    let (next, prev, close) = ui.ctx().input_mut(|i| {
                        let closing = i.viewport().close_requested();
                        let mut any = |keys: &[Key]| {
                            keys.iter()
                                .any(|k| i.consume_key(egui::Modifiers::NONE, *k))
                        };
                        (
                            any(&[Key::PageDown, Key::ArrowRight, Key::Space]),
                            any(&[Key::PageUp, Key::ArrowLeft]),
                            closing || any(&[Key::P]),
                        )
                    });
                    egui::CentralPanel::default().show(ui, |ui| body(ui, &mut action));
                    if next {
                        action = PresenterAction::Next;
                    } else if prev {
                        action = PresenterAction::Previous;
                    } else if close {
                        action = PresenterAction::Close;
                    }
                }
                action
            },
        );
        // The clock ticks.
        ctx.request_repaint_after(std::time::Duration::from_secs(1));
        match action {
            PresenterAction::None => {}
            PresenterAction::Next => self.present_next(),
            PresenterAction::Previous => self.present_previous(),
            PresenterAction::Close => self.set_presenter_window(false),
        }
    }
}

/// What the presenter window asked for.
enum PresenterAction {
    None,
    Next,
    Previous,
    Close,
}
