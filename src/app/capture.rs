//! View → Save screenshot in the window: the options window, starting a
//! capture, and collecting it (copy to the clipboard, ask where to save).

use super::dialogs::DialogPurpose;
use super::screenshot::Shot;
use super::svg::SvgOptions;
use super::{EigenApp, EntryData, screenshot, style};
use crate::scene::SceneData;

impl EigenApp {
    /// Starts taking a screenshot with `options`: `save` asks for a file
    /// name when it is ready, `options.copy` puts it on the clipboard.
    pub fn take_screenshot(
        &mut self,
        ctx: &egui::Context,
        options: screenshot::Options,
        save: bool,
    ) {
        let capture = match options.area {
            screenshot::Area::Window => screenshot::Capture::of_window(ctx, save, options.copy),
            screenshot::Area::View => {
                let Some(data) = self.entries.get(self.current).map(|e| match &e.data {
                    EntryData::Table(h) => SceneData::Table((*h.data).clone()),
                    EntryData::Ratings(h) => SceneData::Ratings((*h.data).clone()),
                }) else {
                    self.set_error("there is no view to take a screenshot of".to_owned());
                    return;
                };
                let ppp = ctx.pixels_per_point();
                let scale = if options.double { 2.0 * ppp } else { ppp };
                let mut scene = self.current_scene(style::theme_of(ctx), ppp, None);
                scene.window.controls = options.controls;
                if options.format == screenshot::Format::Svg {
                    let svg = SvgOptions {
                        embed_fonts: options.embed_fonts,
                    };
                    screenshot::Capture::of_view_svg(ctx, scene, data, scale, svg)
                } else {
                    screenshot::Capture::of_view(ctx, scene, data, scale, save, options.copy)
                }
            }
        };
        if options.area == screenshot::Area::View {
            // (Not for the window: the message would be in the picture.)
            self.set_info("Drawing the view for the screenshot…".to_owned());
        }
        self.capture = Some(capture);
    }

    /// Collects a finished screenshot: copies it, and asks where to save it.
    pub(super) fn poll_capture(&mut self, ctx: &egui::Context) {
        let Some(result) = self.capture.as_mut().and_then(screenshot::Capture::poll) else {
            return;
        };
        let Some(capture) = self.capture.take() else {
            return;
        };
        match result {
            Err(e) => self.set_error(format!("cannot take the screenshot: {e}")),
            Ok(Shot::Svg(svg)) => {
                self.pending_shot = Some(Shot::Svg(svg));
                self.start_dialog(ctx, DialogPurpose::SaveSvg);
            }
            Ok(Shot::Png(image)) => {
                if capture.copy {
                    ctx.copy_image(screenshot::to_color_image(&image));
                    self.set_info(format!(
                        "Copied a {} × {} screenshot to the clipboard.",
                        image.width(),
                        image.height()
                    ));
                }
                if capture.save {
                    self.pending_shot = Some(Shot::Png(image));
                    self.start_dialog(ctx, DialogPurpose::SaveScreenshot);
                }
            }
        }
    }

    /// The Save screenshot window.
    pub(super) fn screenshot_window(&mut self, ctx: &egui::Context) {
        if !self.shot_window {
            return;
        }
        let mut open = true;
        let mut go = None;
        let o = &mut self.shot_options;
        egui::Window::new("Save screenshot")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
            .open(&mut open)
            .show(ctx, |ui| {
                ui.radio_value(&mut o.area, screenshot::Area::View, "The view")
                    .on_hover_text("The view under the tabs, drawn again as `eigenlens render` draws its scene");
                ui.add_enabled_ui(o.area == screenshot::Area::View, |ui| {
                    ui.indent("shot-controls", |ui| {
                        ui.checkbox(&mut o.controls, "with its toolbars and buttons")
                            .on_hover_text("Off: the picture alone, for a paper or a slide");
                    });
                });
                ui.radio_value(&mut o.area, screenshot::Area::Window, "The whole window")
                    .on_hover_text("Everything on screen, menus included, as shown");
                ui.horizontal(|ui| {
                    ui.label("Scale");
                    let view = o.area == screenshot::Area::View;
                    ui.add_enabled_ui(view, |ui| {
                        ui.selectable_value(&mut o.double, false, "1×");
                        ui.selectable_value(&mut o.double, true, "2×")
                            .on_hover_text("Twice the pixels, for print and high-DPI slides");
                    })
                    .response
                    .on_disabled_hover_text("The whole window is captured at the screen's own resolution");
                    if !view {
                        o.double = false;
                    }
                });
                let svg = format_choice(ui, o);
                ui.add_enabled_ui(!svg, |ui| ui.checkbox(&mut o.copy, "Copy to the clipboard too"));
                ui.separator();
                ui.horizontal(|ui| {
                    if ui.button("Save…").clicked() {
                        go = Some(true);
                    }
                    if ui.add_enabled(!svg, egui::Button::new("Copy only")).clicked() {
                        go = Some(false);
                    }
                });
            });
        if let Some(save) = go {
            self.shot_window = false;
            let mut options = self.shot_options;
            if !save {
                options.copy = true;
            }
            self.take_screenshot(ctx, options, save);
        } else if !open {
            self.shot_window = false;
        }
    }
}

/// The PNG / SVG choice (SVG for the view only) and SVG's font option;
/// whether SVG is chosen.
fn format_choice(ui: &mut egui::Ui, o: &mut screenshot::Options) -> bool {
    let view = o.area == screenshot::Area::View;
    if !view {
        o.format = screenshot::Format::Png;
    }
    ui.horizontal(|ui| {
        ui.label("Format");
        ui.selectable_value(&mut o.format, screenshot::Format::Png, "PNG");
        ui.add_enabled_ui(view, |ui| {
            ui.selectable_value(&mut o.format, screenshot::Format::Svg, "SVG")
                .on_hover_text(
                    "Vector graphics for papers and slides: sharp at any zoom, text as text",
                )
        })
        .response
        .on_disabled_hover_text("The whole window is captured as pixels");
    });
    let svg = o.format == screenshot::Format::Svg;
    if svg {
        ui.checkbox(&mut o.embed_fonts, "Embed the font (about 1 MB)")
            .on_hover_text("DejaVu Sans inside the file, for viewers that lack it");
    }
    svg
}
