//! File dialogs: the desktop's (rfd, on a thread of its own) where there is
//! one, else a path typed into a small window; and what each purpose does
//! with the path it gets.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use egui::{Key, RichText};

use super::job::{Job, Waker};
use super::{EigenApp, screenshot};

/// What a file dialog (or the typed-path prompt) is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DialogPurpose {
    Open,
    OpenDeck,
    OpenScene,
    SaveScene,
    ExportScores,
    ExportPicture,
    SaveScreenshot,
    /// Save a view screenshot written as SVG.
    SaveSvg,
    /// Write the Network view's weights as JSON.
    ExportWeights,
    /// Read a weights file into the Network view.
    ImportWeights,
}

impl DialogPurpose {
    /// The extension a file saved for this purpose gets when its name has
    /// none; `None` for the purposes that read a file.
    pub(super) fn save_extension(self) -> Option<&'static str> {
        match self {
            Self::Open | Self::OpenDeck | Self::OpenScene | Self::ImportWeights => None,
            Self::SaveScene => Some("toml"),
            Self::ExportScores => Some("csv"),
            Self::ExportPicture | Self::SaveScreenshot => Some("png"),
            Self::SaveSvg => Some("svg"),
            Self::ExportWeights => Some("json"),
        }
    }

    /// The typed-path field's placeholder: a path of the kind asked for.
    pub(super) fn hint(self) -> &'static str {
        match self {
            Self::Open => "/path/to/data.csv",
            Self::OpenDeck => "/path/to/deck.toml",
            Self::OpenScene | Self::SaveScene => "/path/to/scene.toml",
            Self::ExportScores => "/path/to/scores.csv",
            Self::ExportPicture => "/path/to/picture.png",
            Self::SaveScreenshot => "/path/to/screenshot.png",
            Self::SaveSvg => "/path/to/figure.svg",
            Self::ExportWeights | Self::ImportWeights => "/path/to/weights.json",
        }
    }

    /// `path`, with this purpose's extension added to a bare name
    /// (`figure` → `figure.png`); a name with an extension is kept.
    pub(super) fn complete(self, path: PathBuf) -> PathBuf {
        match self.save_extension() {
            Some(ext) if path.extension().is_none() && path.file_name().is_some() => {
                path.with_extension(ext)
            }
            _ => path,
        }
    }
}

/// A native file dialog running on its own thread.
pub(super) struct Dialog {
    job: Job<DialogPurpose, Option<PathBuf>>,
    started: Instant,
}

/// The typed-path fallback for desktops without a file dialog (and File → Open path…).
pub(super) struct PathPrompt {
    pub(super) purpose: DialogPurpose,
    pub(super) text: String,
    pub(super) note: Option<String>,
}

impl PathPrompt {
    /// An empty prompt for `purpose`, with an optional note above the field.
    pub(super) fn new(purpose: DialogPurpose, note: Option<&str>) -> Self {
        Self {
            purpose,
            text: String::new(),
            note: note.map(str::to_owned),
        }
    }
}

const NO_DIALOG: &str = "No file dialog is available on this desktop (no xdg-desktop-portal and no zenity). Type the path instead:";

/// Whether rfd can show a dialog here: on Linux it needs an xdg-desktop-portal
/// (reached over D-Bus) or zenity.
fn file_dialog_available() -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    let zenity = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join("zenity").is_file()));
    zenity || std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
}

/// Shows the desktop's dialog for `purpose` (blocks: call it on a thread).
fn pick(purpose: DialogPurpose) -> Option<PathBuf> {
    match purpose {
        DialogPurpose::Open => rfd::FileDialog::new()
            .set_title("Open a dataset, picture or scene")
            .add_filter(
                "Datasets, ratings, pictures and scenes",
                &[
                    "csv",
                    "tsv",
                    "txt",
                    "tab",
                    "npy",
                    "npz",
                    "vec",
                    "bin",
                    "parquet",
                    "safetensors",
                    "toml",
                    "data",
                    "dat",
                    "base",
                    "test",
                    "png",
                    "jpg",
                    "jpeg",
                ],
            )
            .add_filter("Pictures (Image view)", &["png", "jpg", "jpeg"])
            .add_filter("All files", &["*"])
            .pick_file(),
        DialogPurpose::OpenDeck => rfd::FileDialog::new()
            .set_title("Present a deck")
            .add_filter("Deck", &["toml"])
            .pick_file(),
        DialogPurpose::OpenScene => rfd::FileDialog::new()
            .set_title("Open a scene")
            .add_filter("Scene", &["toml"])
            .pick_file(),
        DialogPurpose::SaveScreenshot => rfd::FileDialog::new()
            .set_title("Save screenshot")
            .add_filter("PNG image", &["png"])
            .set_file_name("eigenlens.png")
            .save_file(),
        DialogPurpose::SaveSvg => rfd::FileDialog::new()
            .set_title("Save screenshot as SVG")
            .add_filter("SVG image", &["svg"])
            .set_file_name("eigenlens.svg")
            .save_file(),
        DialogPurpose::SaveScene => rfd::FileDialog::new()
            .set_title("Save scene")
            .add_filter("Scene", &["toml"])
            .set_file_name("scene.toml")
            .save_file(),
        DialogPurpose::ExportScores => rfd::FileDialog::new()
            .set_title("Export PCA scores")
            .add_filter("CSV", &["csv"])
            .set_file_name("pca-scores.csv")
            .save_file(),
        DialogPurpose::ExportPicture => rfd::FileDialog::new()
            .set_title("Export the rank-k picture")
            .add_filter("PNG", &["png"])
            .add_filter("JPEG", &["jpg", "jpeg"])
            .set_file_name("rank-k.png")
            .save_file(),
        DialogPurpose::ExportWeights => rfd::FileDialog::new()
            .set_title("Export the network's weights")
            .add_filter("JSON", &["json"])
            .set_file_name("weights.json")
            .save_file(),
        DialogPurpose::ImportWeights => rfd::FileDialog::new()
            .set_title("Import network weights")
            .add_filter("JSON", &["json"])
            .pick_file(),
    }
}

impl EigenApp {
    pub(super) fn start_dialog(&mut self, ctx: &egui::Context, purpose: DialogPurpose) {
        if self.dialog.is_some() {
            return;
        }
        if !self.native_dialogs {
            self.prompt = Some(PathPrompt::new(purpose, None));
            return;
        }
        if !file_dialog_available() {
            self.prompt = Some(PathPrompt::new(purpose, Some(NO_DIALOG)));
            return;
        }
        let job = Job::stream(purpose, Waker::new(ctx), move |_, emit| {
            emit.send(pick(purpose));
        });
        self.dialog = Some(Dialog {
            job,
            started: Instant::now(),
        });
    }

    pub(super) fn finish_path(
        &mut self,
        ctx: &egui::Context,
        purpose: DialogPurpose,
        path: PathBuf,
    ) {
        let path = purpose.complete(path);
        match purpose {
            DialogPurpose::Open | DialogPurpose::OpenScene => self.open_in_background(ctx, path),
            DialogPurpose::OpenDeck => self.present_file(ctx, &path),
            DialogPurpose::SaveScreenshot | DialogPurpose::SaveSvg => self.save_shot(&path),
            DialogPurpose::SaveScene => self.save_scene(ctx, &path),
            DialogPurpose::ExportScores => self.export_scores(&path),
            DialogPurpose::ExportPicture => self.export_picture(&path),
            DialogPurpose::ExportWeights => self.export_weights(&path),
            DialogPurpose::ImportWeights => self.import_weights(&path),
        }
    }

    /// Writes the screenshot waiting for a file name to `path`.
    fn save_shot(&mut self, path: &std::path::Path) {
        let result = match self.pending_shot.take() {
            None => return,
            Some(screenshot::Shot::Png(image)) => screenshot::save_png(&image, path).map(|()| {
                format!(
                    "Saved a {} × {} screenshot to {}.",
                    image.width(),
                    image.height(),
                    path.display()
                )
            }),
            Some(screenshot::Shot::Svg(svg)) => screenshot::save_svg(&svg, path)
                .map(|()| format!("Saved the view as SVG to {}.", path.display())),
        };
        match result {
            Ok(info) => self.set_info(info),
            Err(e) => self.set_error(e.to_string()),
        }
    }

    /// Collects finished dialogs, loads and dropped files.
    pub(super) fn poll(&mut self, ctx: &egui::Context) {
        if let Some(d) = &mut self.dialog {
            let purpose = *d.job.key();
            match d.job.drain().pop() {
                Some(Some(path)) => {
                    self.dialog = None;
                    self.finish_path(ctx, purpose, path);
                }
                Some(None) => {
                    // A dialog that "returns" at once never showed: there is no portal.
                    if d.started.elapsed() < Duration::from_millis(400) {
                        self.prompt = Some(PathPrompt::new(purpose, Some(NO_DIALOG)));
                    }
                    self.dialog = None;
                }
                None if d.job.ended() => self.dialog = None,
                None => {}
            }
        }
        self.poll_loads();
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        for path in dropped {
            self.open_in_background(ctx, path);
        }
    }

    pub(super) fn prompt_window(&mut self, ctx: &egui::Context) {
        let Some(prompt) = &mut self.prompt else {
            return;
        };
        let title = match prompt.purpose {
            DialogPurpose::Open => "Open a file by path",
            DialogPurpose::OpenScene => "Open a scene by path",
            DialogPurpose::OpenDeck => "Present a deck by path",
            DialogPurpose::SaveScreenshot => "Save screenshot to path",
            DialogPurpose::SaveSvg => "Save the SVG screenshot to path",
            DialogPurpose::SaveScene => "Save scene to path",
            DialogPurpose::ExportScores => "Export PCA scores to path",
            DialogPurpose::ExportPicture => "Export the rank-k picture to path",
            DialogPurpose::ExportWeights => "Export the network's weights to path",
            DialogPurpose::ImportWeights => "Import network weights from path",
        };
        let mut open = true;
        let mut submit = None;
        egui::Window::new(title)
            .collapsible(false)
            .resizable(false)
            .open(&mut open)
            .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
            .show(ctx, |ui| {
                if let Some(note) = &prompt.note {
                    ui.label(RichText::new(note).color(ui.visuals().warn_fg_color));
                }
                let response = ui.add(
                    egui::TextEdit::singleline(&mut prompt.text)
                        .hint_text(prompt.purpose.hint())
                        .desired_width(420.0),
                );
                // Enter makes a single-line field give up focus; check for it
                // before asking for focus again (which would hide the loss).
                let enter = (response.lost_focus() || response.has_focus())
                    && ui.input(|i| i.key_pressed(Key::Enter));
                response.request_focus();
                ui.horizontal(|ui| {
                    if (ui.button("OK").clicked() || enter) && !prompt.text.trim().is_empty() {
                        submit = Some((prompt.purpose, PathBuf::from(prompt.text.trim())));
                    }
                });
            });
        if let Some((purpose, path)) = submit {
            self.prompt = None;
            self.finish_path(ctx, purpose, path);
        } else if !open {
            self.prompt = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_name_gets_the_extension_of_what_is_saved() {
        let c = |p: DialogPurpose, s: &str| p.complete(PathBuf::from(s));
        assert_eq!(
            c(DialogPurpose::SaveScreenshot, "/tmp/figure"),
            PathBuf::from("/tmp/figure.png")
        );
        assert_eq!(
            c(DialogPurpose::SaveSvg, "figure"),
            PathBuf::from("figure.svg")
        );
        assert_eq!(
            c(DialogPurpose::SaveScene, "talk"),
            PathBuf::from("talk.toml")
        );
        assert_eq!(
            c(DialogPurpose::ExportWeights, "w"),
            PathBuf::from("w.json")
        );
        // A name with an extension, and files being opened, are kept.
        assert_eq!(
            c(DialogPurpose::SaveScreenshot, "a.jpeg.png"),
            PathBuf::from("a.jpeg.png")
        );
        assert_eq!(
            c(DialogPurpose::Open, "/data/ratings"),
            PathBuf::from("/data/ratings")
        );
        assert_eq!(
            DialogPurpose::SaveScreenshot.hint(),
            "/path/to/screenshot.png"
        );
        assert_eq!(DialogPurpose::SaveSvg.hint(), "/path/to/figure.svg");
    }
}
