//! Everything egui: the eframe App with its menu bar, dataset list, view tabs
//! and status bar. Views live in [`views`]; shared looks in [`style`].

pub mod job;
pub mod present;
pub mod screenshot;
pub mod style;
pub mod views;
pub mod widgets;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

use egui::{Color32, Key, KeyboardShortcut, Modifiers, RichText, Ui};
use serde::{Deserialize, Serialize};

use crate::data::{self, BUILTINS, Dataset, RATINGS_BUILTINS, Ratings};
use crate::scene::{
    self, DatasetRef, LoadedScene, Scene, SceneData, Theme, ViewKind, WindowSettings,
};
use views::data::DataView;
use views::embeddings::EmbeddingsView;
use views::factorize::FactorizeView;
use views::pca::PcaView;
use views::transform::TransformView;

/// A dataset shared by the views, with an id that changes whenever the data does
/// (views key their caches on it).
#[derive(Clone, Debug)]
pub struct DatasetHandle {
    pub id: u64,
    pub data: Arc<Dataset>,
}

impl DatasetHandle {
    /// Wraps `data` with a fresh id.
    #[must_use]
    pub fn new(data: Dataset) -> Self {
        Self {
            id: Self::new_id(),
            data: Arc::new(data),
        }
    }

    /// A fresh id, shared by datasets and ratings so the two never collide.
    fn new_id() -> u64 {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        NEXT.fetch_add(1, Ordering::Relaxed)
    }
}

/// A ratings matrix shared by the views, with an id that changes whenever
/// the ratings do.
#[derive(Clone, Debug)]
pub struct RatingsHandle {
    pub id: u64,
    pub data: Arc<Ratings>,
}

impl RatingsHandle {
    /// Wraps `data` with a fresh id.
    #[must_use]
    pub fn new(data: Ratings) -> Self {
        Self {
            id: DatasetHandle::new_id(),
            data: Arc::new(data),
        }
    }
}

/// What an entry of the dataset list holds.
#[derive(Clone, Debug)]
pub enum EntryData {
    Table(DatasetHandle),
    Ratings(RatingsHandle),
}

impl EntryData {
    fn name(&self) -> &str {
        match self {
            Self::Table(h) => &h.data.name,
            Self::Ratings(h) => &h.data.name,
        }
    }
}

/// File menu shortcuts: consumed in `shortcuts` and shown beside the menu items.
const OPEN_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
const SAVE_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
const QUIT_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Q);

/// How many recent files the File menu remembers.
const MAX_RECENT: usize = 10;

/// What survives restarts (eframe persistence).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct PersistedState {
    pub theme: Theme,
    pub view: ViewKind,
    pub recent: Vec<PathBuf>,
}

impl Default for PersistedState {
    fn default() -> Self {
        Self {
            theme: Theme::Light,
            view: ViewKind::Data,
            recent: Vec::new(),
        }
    }
}

impl PersistedState {
    /// Puts `path` first in the recent list.
    pub fn remember(&mut self, path: &Path) {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| p != &path);
        self.recent.insert(0, path);
        self.recent.truncate(MAX_RECENT);
    }
}

/// Something opened from a path: a dataset, ratings, or a scene with its data.
#[derive(Debug)]
pub enum Opened {
    Dataset(Dataset),
    Ratings(Ratings),
    Scene(Box<LoadedScene>),
}

/// Opens `path`: a `.toml` file is a scene; a file that
/// [`looks like ratings`](data::looks_like_ratings) (`u.data`, `ratings*.csv`,
/// or a `user,item,rating` header) is a ratings matrix, with titles from a
/// `u.item` or `movies.csv` beside it; anything else is a table.
///
/// # Errors
/// The loader's message, naming the file and, where there is one, line and column.
pub fn open_path(path: &Path) -> Result<Opened, String> {
    open_path_with(path, &data::LoadProgress::new())
}

/// [`open_path`], reporting a table's load to `progress` (bytes read of the
/// file's size) and stopping when it is cancelled.
///
/// # Errors
/// As [`open_path`]; a cancelled load says so.
pub fn open_path_with(path: &Path, progress: &data::LoadProgress) -> Result<Opened, String> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
    {
        scene::load_scene(path)
            .map(|s| Opened::Scene(Box::new(s)))
            .map_err(|e| e.to_string())
    } else if data::looks_like_ratings(path) {
        data::load_ratings(path)
            .map(Opened::Ratings)
            .map_err(|e| e.to_string())
    } else {
        data::load_dataset_with(path, progress)
            .map(Opened::Dataset)
            .map_err(|e| e.to_string())
    }
}

struct Entry {
    data: EntryData,
    origin: DatasetRef,
}

/// A message in the status bar; errors stay until dismissed or replaced.
struct Status {
    text: String,
    error: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DialogPurpose {
    Open,
    OpenDeck,
    OpenScene,
    SaveScene,
    ExportScores,
    SaveScreenshot,
}

/// A native file dialog running on its own thread.
struct Dialog {
    purpose: DialogPurpose,
    started: Instant,
    rx: Receiver<Option<PathBuf>>,
}

/// The typed-path fallback for desktops without a file dialog (and File → Open path…).
struct PathPrompt {
    purpose: DialogPurpose,
    text: String,
    note: Option<String>,
}

/// How a background load ended without data.
enum LoadEnd {
    /// Cancelled by the user: said once in the status bar, not as an error.
    Cancelled(String),
    /// The loader's message.
    Failed(String),
}
use LoadEnd::{Cancelled, Failed};

/// A file loading on a background thread.
struct Loading {
    path: PathBuf,
    rx: Receiver<Result<Opened, String>>,
    /// Bytes read of the file's size, and the Cancel button's flag.
    progress: Arc<data::LoadProgress>,
}

/// The eigenlens window.
pub struct EigenApp {
    state: PersistedState,
    entries: Vec<Entry>,
    current: usize,
    data_view: DataView,
    pca_view: PcaView,
    factorize_view: FactorizeView,
    transform_view: TransformView,
    embeddings_view: EmbeddingsView,
    status: Option<Status>,
    /// The Save screenshot window: shown, and its options.
    shot_window: bool,
    shot_options: screenshot::Options,
    /// A screenshot being taken, and one waiting for its file name.
    capture: Option<screenshot::Capture>,
    pending_shot: Option<image::RgbaImage>,
    /// Presentation mode: a deck shown full screen.
    presentation: Option<present::Presentation>,
    dialog: Option<Dialog>,
    prompt: Option<PathPrompt>,
    loading: Vec<Loading>,
    /// Size of the central view last frame, in points (saved into scenes).
    view_size: egui::Vec2,
    /// View → Show frame time: CPU milliseconds of the last frames (egui,
    /// tessellation and painting, as eframe measures them), newest last.
    frame_times: Option<std::collections::VecDeque<f32>>,
    /// Whether File → Open… and Save use the desktop's file dialog; off, they
    /// ask for a path in the window (tests: a native dialog would block them).
    native_dialogs: bool,
}

/// Frames the frame-time readout averages over.
const FRAME_TIME_WINDOW: usize = 60;

impl EigenApp {
    /// The app on the built-in default scene, or on `opened` if given.
    #[must_use]
    pub fn new(state: PersistedState, opened: Option<(PathBuf, Opened)>) -> Self {
        let mut app = Self {
            state,
            entries: Vec::new(),
            current: 0,
            data_view: DataView::default(),
            pca_view: PcaView::default(),
            factorize_view: FactorizeView::default(),
            transform_view: TransformView::default(),
            embeddings_view: EmbeddingsView::default(),
            status: None,
            shot_window: false,
            shot_options: screenshot::Options::default(),
            capture: None,
            pending_shot: None,
            presentation: None,
            dialog: None,
            prompt: None,
            loading: Vec::new(),
            view_size: egui::vec2(1200.0, 800.0),
            frame_times: None,
            native_dialogs: true,
        };
        match scene::load_scene_str(scene::DEFAULT_SCENE, "default scene", None) {
            Ok(s) => app.apply_scene(s),
            Err(e) => app.set_error(e.to_string()),
        }
        if let Some((path, opened)) = opened {
            app.apply_opened(&path, opened);
        }
        app
    }

    /// The app as eframe creates it: fonts and theme set up, state restored.
    #[must_use]
    pub fn from_creation_context(
        cc: &eframe::CreationContext<'_>,
        opened: Option<(PathBuf, Opened)>,
    ) -> Self {
        let state: PersistedState = cc
            .storage
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            .unwrap_or_default();
        style::setup(&cc.egui_ctx, state.theme);
        Self::new(state, opened)
    }

    /// The dataset shown now.
    #[must_use]
    pub fn current_dataset(&self) -> Option<&Dataset> {
        match &self.entries.get(self.current)?.data {
            EntryData::Table(h) => Some(h.data.as_ref()),
            EntryData::Ratings(_) => None,
        }
    }

    /// The ratings shown now, if the current entry is a ratings matrix.
    #[must_use]
    pub fn current_ratings(&self) -> Option<&Ratings> {
        match &self.entries.get(self.current)?.data {
            EntryData::Ratings(h) => Some(h.data.as_ref()),
            EntryData::Table(_) => None,
        }
    }

    /// The status bar's message, if any, and whether it is an error.
    #[must_use]
    pub fn status(&self) -> Option<(&str, bool)> {
        self.status.as_ref().map(|s| (s.text.as_str(), s.error))
    }

    /// The Data view's state.
    #[must_use]
    pub fn data_view(&self) -> &DataView {
        &self.data_view
    }

    /// The PCA view's state.
    #[must_use]
    pub fn pca_view(&self) -> &PcaView {
        &self.pca_view
    }

    /// The PCA view's state, to change (tests, scripting).
    pub fn pca_view_mut(&mut self) -> &mut PcaView {
        &mut self.pca_view
    }

    /// The Factorize view's state.
    #[must_use]
    pub fn factorize_view(&self) -> &FactorizeView {
        &self.factorize_view
    }

    /// The Factorize view's state, to change (tests, scripting).
    pub fn factorize_view_mut(&mut self) -> &mut FactorizeView {
        &mut self.factorize_view
    }

    /// Turns the desktop's file dialogs on or off; off, File → Open…, Save
    /// scene… and Export ask for a path in the window instead (the UI tests
    /// turn them off: a native dialog would wait for a person).
    pub fn set_native_dialogs(&mut self, on: bool) {
        self.native_dialogs = on;
    }

    /// Shows view `view`.
    pub fn set_view(&mut self, view: ViewKind) {
        self.state.view = view;
    }

    /// The Transform view's state.
    #[must_use]
    pub fn transform_view(&self) -> &TransformView {
        &self.transform_view
    }

    /// The Transform view's state, to change (tests, scripting).
    pub fn transform_view_mut(&mut self) -> &mut TransformView {
        &mut self.transform_view
    }

    /// The Embeddings view's state.
    #[must_use]
    pub fn embeddings_view(&self) -> &EmbeddingsView {
        &self.embeddings_view
    }

    /// The Embeddings view's state, to change (tests, scripting).
    pub fn embeddings_view_mut(&mut self) -> &mut EmbeddingsView {
        &mut self.embeddings_view
    }

    /// The view shown now.
    #[must_use]
    pub fn view(&self) -> ViewKind {
        self.state.view
    }

    /// Starts loading `path` on a background thread; the result arrives in a later frame.
    pub fn open_in_background(&mut self, ctx: &egui::Context, path: PathBuf) {
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        let p = path.clone();
        let progress = Arc::new(data::LoadProgress::new());
        let shared = Arc::clone(&progress);
        std::thread::spawn(move || {
            // A send error means the app is gone: nothing left to tell.
            let _ = tx.send(open_path_with(&p, &shared));
            ctx.request_repaint();
        });
        self.loading.push(Loading { path, rx, progress });
    }

    /// Loads the deck at `path` and starts presenting it; a bad deck (or a
    /// slide whose scene fails) is shown as an error and changes nothing.
    pub fn present_file(&mut self, ctx: &egui::Context, path: &Path) {
        match crate::deck::load_deck(path) {
            Ok(deck) => self.start_presentation(ctx, deck),
            Err(e) => self.set_error(e.to_string()),
        }
    }

    /// Opens `path` now, on this thread (tests and small files).
    pub fn open_now(&mut self, path: &Path) {
        match open_path(path) {
            Ok(opened) => self.apply_opened(path, opened),
            Err(e) => self.set_error(e),
        }
    }

    fn apply_opened(&mut self, path: &Path, opened: Opened) {
        self.state.remember(path);
        match opened {
            Opened::Dataset(ds) => {
                let origin = DatasetRef::File(path.to_path_buf());
                let text = format!(
                    "Opened {}: {} rows × {} numeric columns.",
                    data::file_label(path),
                    style::fmt_count(ds.n_rows),
                    ds.columns.len()
                );
                let embedding = data::is_embedding(&ds);
                self.add_entry(EntryData::Table(DatasetHandle::new(ds)), origin);
                if embedding && self.state.view != ViewKind::Transform {
                    self.state.view = ViewKind::Embeddings;
                }
                self.set_info(text);
            }
            Opened::Ratings(r) => {
                let origin = DatasetRef::File(path.to_path_buf());
                let titles = r.items.iter().filter(|i| i.title.is_some()).count();
                let text = format!(
                    "Opened {}: {} users × {} items, {} ratings{}.",
                    data::file_label(path),
                    style::fmt_count(r.n_users()),
                    style::fmt_count(r.n_items()),
                    style::fmt_count(r.len()),
                    if titles > 0 {
                        format!(", {} titles", style::fmt_count(titles))
                    } else {
                        String::new()
                    }
                );
                self.add_entry(EntryData::Ratings(RatingsHandle::new(r)), origin);
                self.set_info(text);
            }
            Opened::Scene(s) => {
                let text = format!("Opened scene {}.", data::file_label(path));
                self.apply_scene(*s);
                self.set_info(text);
            }
        }
    }

    fn apply_scene(&mut self, loaded: LoadedScene) {
        let LoadedScene {
            scene,
            data,
            dataset_ref,
        } = loaded;
        self.state.view = scene.view;
        self.data_view = DataView::new(scene.data);
        self.pca_view = PcaView::new(scene.pca);
        self.factorize_view = FactorizeView::new(scene.factorize);
        self.transform_view = TransformView::new(scene.transform);
        self.embeddings_view = EmbeddingsView::new(scene.embeddings);
        let data = match data {
            SceneData::Table(ds) => EntryData::Table(DatasetHandle::new(ds)),
            SceneData::Ratings(r) => EntryData::Ratings(RatingsHandle::new(r)),
        };
        self.add_entry(data, dataset_ref);
    }

    /// Makes the views' settings fit `data`.
    fn adapt_views(&mut self, data: &EntryData) {
        match data {
            EntryData::Table(h) => {
                self.data_view.adapt_to(&h.data);
                self.transform_view.adapt_to(&h.data);
                self.pca_view.adapt_to(&h.data);
                self.embeddings_view.adapt_to(&h.data);
            }
            EntryData::Ratings(h) => self.factorize_view.adapt_to(&h.data),
        }
    }

    /// Ratings belong to the Factorize view, tables to the others: switch if needed.
    fn fit_view_to(&mut self, data: &EntryData) {
        match (data, self.state.view) {
            (EntryData::Ratings(_), ViewKind::Data | ViewKind::Pca | ViewKind::Embeddings) => {
                self.state.view = ViewKind::Factorize;
            }
            (EntryData::Table(_), ViewKind::Factorize) => self.state.view = ViewKind::Data,
            _ => {}
        }
    }

    /// Adds a dataset or ratings (replacing one from the same origin) and shows it.
    fn add_entry(&mut self, data: EntryData, origin: DatasetRef) {
        self.adapt_views(&data);
        self.fit_view_to(&data);
        let entry = Entry { data, origin };
        if let Some(i) = self.entries.iter().position(|e| e.origin == entry.origin) {
            self.entries[i] = entry;
            self.current = i;
        } else {
            self.entries.push(entry);
            self.current = self.entries.len() - 1;
        }
    }

    fn select_entry(&mut self, i: usize) {
        if let Some(e) = self.entries.get(i) {
            let data = e.data.clone();
            self.adapt_views(&data);
            self.fit_view_to(&data);
            self.current = i;
        }
    }

    fn select_builtin(&mut self, id: &str) {
        let origin = DatasetRef::Builtin(id.to_owned());
        if let Some(i) = self.entries.iter().position(|e| e.origin == origin) {
            self.select_entry(i);
            return;
        }
        let loaded = if data::builtin_ratings(id).is_some() {
            data::load_builtin_ratings(id).map(|r| EntryData::Ratings(RatingsHandle::new(r)))
        } else {
            data::load_builtin(id).map(|ds| EntryData::Table(DatasetHandle::new(ds)))
        };
        match loaded {
            Ok(data) => {
                let embedding = matches!(&data, EntryData::Table(h) if data::is_embedding(&h.data));
                self.add_entry(data, origin);
                if embedding && self.state.view != ViewKind::Transform {
                    self.state.view = ViewKind::Embeddings;
                }
            }
            Err(e) => self.set_error(e.to_string()),
        }
    }

    /// Opens a dataset made in the app (a model's movie factors) as a new
    /// entry, in the Embeddings view.
    fn open_derived(&mut self, ds: Dataset) {
        let text = format!(
            "Opened {}: {} vectors × {} dimensions.",
            ds.name,
            style::fmt_count(ds.n_rows),
            ds.columns.len()
        );
        let origin = DatasetRef::Derived(ds.name.clone());
        self.embeddings_view = EmbeddingsView::default();
        self.add_entry(EntryData::Table(DatasetHandle::new(ds)), origin);
        self.state.view = ViewKind::Embeddings;
        self.set_info(text);
    }

    fn set_error(&mut self, text: String) {
        self.status = Some(Status { text, error: true });
    }

    fn set_info(&mut self, text: String) {
        self.status = Some(Status { text, error: false });
    }

    /// The current view as a scene (what File → Save scene writes). A view
    /// that cannot show the current data (the PCA tab on a ratings matrix)
    /// is saved as the view that can, so the scene always loads back.
    #[must_use]
    pub fn current_scene(&self, theme: Theme, scale: f32, scene_dir: Option<&Path>) -> Scene {
        let view = match (
            self.entries.get(self.current).map(|e| &e.data),
            self.state.view,
        ) {
            (
                Some(EntryData::Ratings(_)),
                ViewKind::Data | ViewKind::Pca | ViewKind::Embeddings,
            ) => ViewKind::Factorize,
            (Some(EntryData::Table(_)), ViewKind::Factorize) => ViewKind::Data,
            (_, view) => view,
        };
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
        Scene {
            view,
            dataset,
            window: WindowSettings {
                width: (self.view_size.x.round() as u32)
                    .clamp(*scene::SIZE_RANGE.start(), *scene::SIZE_RANGE.end()),
                height: (self.view_size.y.round() as u32)
                    .clamp(*scene::SIZE_RANGE.start(), *scene::SIZE_RANGE.end()),
                theme,
                scale: scale.clamp(*scene::SCALE_RANGE.start(), *scene::SCALE_RANGE.end()),
            },
            data: self.data_view.settings.clone(),
            pca: self.pca_view.settings.clone(),
            factorize: self.factorize_view.settings.clone(),
            transform: self.transform_view.settings.clone(),
            embeddings: self.embeddings_view.settings.clone(),
        }
    }

    fn save_scene(&mut self, ctx: &egui::Context, path: &Path) {
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
        match self.pca_view.export_scores(handle, path) {
            Ok(n) => self.set_info(format!(
                "Exported the PCA scores of {} rows to {}.",
                style::fmt_count(n),
                path.display()
            )),
            Err(e) => self.set_error(e),
        }
    }

    fn start_dialog(&mut self, ctx: &egui::Context, purpose: DialogPurpose) {
        if self.dialog.is_some() {
            return;
        }
        if !self.native_dialogs {
            self.prompt = Some(PathPrompt {
                purpose,
                text: String::new(),
                note: None,
            });
            return;
        }
        if !file_dialog_available() {
            self.prompt = Some(PathPrompt {
                purpose,
                text: String::new(),
                note: Some(NO_DIALOG.to_owned()),
            });
            return;
        }
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let picked = match purpose {
                DialogPurpose::Open => rfd::FileDialog::new()
                    .set_title("Open a dataset or scene")
                    .add_filter(
                        "Datasets, ratings and scenes",
                        &[
                            "csv", "tsv", "txt", "tab", "npy", "vec", "toml", "data", "dat",
                            "base", "test",
                        ],
                    )
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
            };
            let _ = tx.send(picked);
            ctx.request_repaint();
        });
        self.dialog = Some(Dialog {
            purpose,
            started: Instant::now(),
            rx,
        });
    }

    fn finish_path(&mut self, ctx: &egui::Context, purpose: DialogPurpose, path: PathBuf) {
        match purpose {
            DialogPurpose::Open | DialogPurpose::OpenScene => self.open_in_background(ctx, path),
            DialogPurpose::OpenDeck => self.present_file(ctx, &path),
            DialogPurpose::SaveScreenshot => {
                if let Some(image) = self.pending_shot.take() {
                    match screenshot::save_png(&image, &path) {
                        Ok(()) => self.set_info(format!(
                            "Saved a {} × {} screenshot to {}.",
                            image.width(),
                            image.height(),
                            path.display()
                        )),
                        Err(e) => self.set_error(e),
                    }
                }
            }
            DialogPurpose::SaveScene => self.save_scene(ctx, &path),
            DialogPurpose::ExportScores => self.export_scores(&path),
        }
    }

    /// Collects finished dialogs, loads and dropped files.
    fn poll(&mut self, ctx: &egui::Context) {
        if let Some(d) = &self.dialog {
            match d.rx.try_recv() {
                Ok(Some(path)) => {
                    let purpose = d.purpose;
                    self.dialog = None;
                    self.finish_path(ctx, purpose, path);
                }
                Ok(None) => {
                    // A dialog that "returns" at once never showed: there is no portal.
                    if d.started.elapsed() < Duration::from_millis(400) {
                        self.prompt = Some(PathPrompt {
                            purpose: d.purpose,
                            text: String::new(),
                            note: Some(NO_DIALOG.to_owned()),
                        });
                    }
                    self.dialog = None;
                }
                Err(TryRecvError::Disconnected) => self.dialog = None,
                Err(TryRecvError::Empty) => {}
            }
        }
        let mut done = Vec::new();
        self.loading.retain(|l| match l.rx.try_recv() {
            // Cancelled: whatever arrives (the error, or a load that finished
            // first) is dropped, and what was on screen stays.
            Ok(_) if l.progress.is_cancelled() => {
                done.push((
                    l.path.clone(),
                    Err(Cancelled(format!(
                        "Cancelled loading {}.",
                        data::file_label(&l.path)
                    ))),
                ));
                false
            }
            Ok(r) => {
                done.push((l.path.clone(), r.map_err(Failed)));
                false
            }
            Err(TryRecvError::Empty) => true,
            Err(TryRecvError::Disconnected) => {
                done.push((
                    l.path.clone(),
                    Err(Failed(format!(
                        "{}: loading stopped unexpectedly",
                        l.path.display()
                    ))),
                ));
                false
            }
        });
        for (path, result) in done {
            match result {
                Ok(opened) => self.apply_opened(&path, opened),
                Err(Cancelled(text)) => self.set_info(text),
                Err(Failed(e)) => self.set_error(e),
            }
        }
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

    fn shortcuts(&mut self, ctx: &egui::Context) {
        // Before Ctrl+S, which would also match Ctrl+Shift+S.
        if ctx.input_mut(|i| i.consume_shortcut(&screenshot::SHORTCUT)) {
            self.shot_window = true;
        }
        if ctx.input_mut(|i| i.consume_shortcut(&OPEN_SHORTCUT)) {
            self.start_dialog(ctx, DialogPurpose::Open);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&SAVE_SHORTCUT)) {
            self.start_dialog(ctx, DialogPurpose::SaveScene);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&QUIT_SHORTCUT)) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

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
                let scene = self.current_scene(style::theme_of(ctx), ppp, None);
                screenshot::Capture::of_view(ctx, scene, data, scale, save, options.copy)
            }
        };
        if options.area == screenshot::Area::View {
            // (Not for the window: the message would be in the picture.)
            self.set_info("Drawing the view for the screenshot…".to_owned());
        }
        self.capture = Some(capture);
    }

    /// Collects a finished screenshot: copies it, and asks where to save it.
    fn poll_capture(&mut self, ctx: &egui::Context) {
        let Some(result) = self.capture.as_ref().and_then(screenshot::Capture::poll) else {
            return;
        };
        let Some(capture) = self.capture.take() else {
            return;
        };
        match result {
            Err(e) => self.set_error(format!("cannot take the screenshot: {e}")),
            Ok(image) => {
                if capture.copy {
                    ctx.copy_image(screenshot::to_color_image(&image));
                    self.set_info(format!(
                        "Copied a {} × {} screenshot to the clipboard.",
                        image.width(),
                        image.height()
                    ));
                }
                if capture.save {
                    self.pending_shot = Some(image);
                    self.start_dialog(ctx, DialogPurpose::SaveScreenshot);
                }
            }
        }
    }

    /// The Save screenshot window.
    fn screenshot_window(&mut self, ctx: &egui::Context) {
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
                ui.checkbox(&mut o.copy, "Copy to the clipboard too");
                ui.separator();
                ui.horizontal(|ui| {
                    if ui.button("Save…").clicked() {
                        go = Some(true);
                    }
                    if ui.button("Copy only").clicked() {
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

    /// Draws the whole window into `ui` (eframe and the UI tests both call this).
    pub fn ui(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.poll(&ctx);
        self.poll_capture(&ctx);
        if self.presentation.is_some() {
            // Only the view and the caption strip: the keys step the deck.
            self.presentation_ui(ui);
        } else {
            self.shortcuts(&ctx);
            self.screenshot_window(&ctx);
            egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui));
            egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
            egui::Panel::left("datasets")
                .resizable(true)
                .default_size(210.0)
                .show(ui, |ui| self.dataset_list(ui));
        }
        let presenting = self.presentation.is_some();
        egui::CentralPanel::default().show(ui, |ui| {
            if !presenting {
                ui.horizontal(|ui| {
                    for v in ViewKind::ALL {
                        ui.selectable_value(
                            &mut self.state.view,
                            v,
                            RichText::new(v.title()).size(16.0),
                        );
                    }
                });
                ui.separator();
            }
            self.view_size = ui.available_size();
            if let Some(entry) = self.entries.get(self.current) {
                let data = entry.data.clone();
                match (self.state.view, &data) {
                    (ViewKind::Data, EntryData::Table(h)) => self.data_view.ui(ui, h),
                    (ViewKind::Transform, EntryData::Table(h)) => {
                        self.transform_view.ui(ui, Some(h));
                    }
                    (ViewKind::Transform, EntryData::Ratings(_)) => {
                        self.transform_view.ui(ui, None);
                    }
                    (ViewKind::Pca, EntryData::Table(h)) => self.pca_view.ui(ui, h),
                    (ViewKind::Factorize, EntryData::Ratings(h)) => {
                        self.factorize_view.ui(ui, h);
                        if let Some(ds) = self.factorize_view.take_explore_request() {
                            self.open_derived(ds);
                        }
                    }
                    (ViewKind::Embeddings, EntryData::Table(h)) => self.embeddings_view.ui(ui, h),
                    (
                        ViewKind::Data | ViewKind::Pca | ViewKind::Embeddings,
                        EntryData::Ratings(h),
                    ) => {
                        self.wrong_kind(ui, &h.data.name, true);
                    }
                    (ViewKind::Factorize, EntryData::Table(h)) => {
                        self.wrong_kind(ui, &h.data.name, false);
                    }
                }
            } else {
                ui.label("No dataset: open one with File → Open… or pick a built-in.");
            }
        });
        self.prompt_window(&ctx);
        drop_overlay(&ctx);
        if !self.loading.is_empty() || self.dialog.is_some() {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
    }

    /// What a view says when the current entry is the other kind of data.
    fn wrong_kind(&mut self, ui: &mut Ui, name: &str, is_ratings: bool) {
        ui.add_space(24.0);
        ui.vertical_centered(|ui| {
            if is_ratings {
                ui.heading(format!("{name} is a ratings matrix"));
                ui.label("Users rate movies, with gaps: see it break into user and movie vectors in the Factorize view.");
                if ui.button("Open the Factorize view").clicked() {
                    self.state.view = ViewKind::Factorize;
                }
            } else {
                ui.heading(format!("{name} is a table of numbers"));
                ui.label("The Factorize view needs a ratings matrix: pick a built-in ratings set on the left, or open a ratings file (u.data, ratings.csv, or a user,item,rating CSV).");
                if ui.button("Open the Data view").clicked() {
                    self.state.view = ViewKind::Data;
                }
            }
        });
    }

    fn menu_bar(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui
                    .add(
                        egui::Button::new("Open…")
                            .shortcut_text(ctx.format_shortcut(&OPEN_SHORTCUT)),
                    )
                    .clicked()
                {
                    self.start_dialog(&ctx, DialogPurpose::Open);
                }
                if ui.button("Open path…").clicked() {
                    self.prompt = Some(PathPrompt {
                        purpose: DialogPurpose::Open,
                        text: String::new(),
                        note: None,
                    });
                }
                ui.menu_button("Open recent", |ui| {
                    if self.state.recent.is_empty() {
                        ui.label(RichText::new("Nothing yet").weak());
                    }
                    let mut chosen = None;
                    for p in &self.state.recent {
                        if ui
                            .button(data::file_label(p))
                            .on_hover_text(p.display().to_string())
                            .clicked()
                        {
                            chosen = Some(p.clone());
                        }
                    }
                    if !self.state.recent.is_empty() {
                        ui.separator();
                        if ui.button("Clear recent files").clicked() {
                            self.state.recent.clear();
                        }
                    }
                    if let Some(p) = chosen {
                        if p.exists() {
                            self.open_in_background(&ctx, p);
                        } else {
                            self.state.recent.retain(|r| r != &p);
                            self.set_error(format!(
                                "{}: file not found (removed from recent files)",
                                p.display()
                            ));
                        }
                    }
                });
                if ui.button("Open scene…").clicked() {
                    self.start_dialog(&ctx, DialogPurpose::OpenScene);
                }
                ui.menu_button("Present", |ui| {
                    if ui
                        .button("The linear algebra for ML deck")
                        .on_hover_text("Full screen; PageDown, → or Space steps, Esc leaves")
                        .clicked()
                    {
                        match crate::deck::load_builtin_deck() {
                            Ok(deck) => self.start_presentation(&ctx, deck),
                            Err(e) => self.set_error(e.to_string()),
                        }
                    }
                    if ui.button("A deck file…").clicked() {
                        self.start_dialog(&ctx, DialogPurpose::OpenDeck);
                    }
                });
                ui.separator();
                if ui
                    .add(
                        egui::Button::new("Save scene…")
                            .shortcut_text(ctx.format_shortcut(&SAVE_SHORTCUT)),
                    )
                    .clicked()
                {
                    self.start_dialog(&ctx, DialogPurpose::SaveScene);
                }
                ui.menu_button("Export", |ui| {
                    let pca = self.state.view == ViewKind::Pca;
                    if ui
                        .add_enabled(pca, egui::Button::new("PCA scores as CSV…"))
                        .on_disabled_hover_text("Open the PCA view first")
                        .clicked()
                    {
                        self.start_dialog(&ctx, DialogPurpose::ExportScores);
                    }
                });
                ui.separator();
                if ui
                    .add(
                        egui::Button::new("Quit")
                            .shortcut_text(ctx.format_shortcut(&QUIT_SHORTCUT)),
                    )
                    .clicked()
                {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            ui.menu_button("View", |ui| {
                let mut theme = self.state.theme;
                ui.radio_value(&mut theme, Theme::Light, "Light theme");
                ui.radio_value(&mut theme, Theme::Dark, "Dark theme");
                if theme != self.state.theme {
                    self.state.theme = theme;
                    style::set_theme(&ctx, theme);
                }
                ui.separator();
                if ui
                    .add(
                        egui::Button::new("Save screenshot…")
                            .shortcut_text(ctx.format_shortcut(&screenshot::SHORTCUT)),
                    )
                    .clicked()
                {
                    self.shot_window = true;
                }
                ui.separator();
                egui::gui_zoom::zoom_menu_buttons(ui);
                ui.separator();
                let mut show = self.frame_times.is_some();
                if ui
                    .checkbox(&mut show, "Show frame time")
                    .on_hover_text(
                        "CPU time of each frame (egui, tessellation, painting) in the status bar",
                    )
                    .changed()
                {
                    self.frame_times = show.then(std::collections::VecDeque::new);
                }
            });
        });
    }

    fn dataset_list(&mut self, ui: &mut Ui) {
        ui.add_space(4.0);
        ui.heading("Datasets");
        ui.add_space(4.0);
        ui.label(RichText::new("Built-in").weak());
        let current_origin = self.entries.get(self.current).map(|e| e.origin.clone());
        let mut pick_builtin = None;
        for b in BUILTINS {
            let selected = current_origin == Some(DatasetRef::Builtin(b.id.to_owned()));
            if ui
                .selectable_label(selected, b.title)
                .on_hover_text(b.description)
                .clicked()
            {
                pick_builtin = Some(b.id);
            }
        }
        ui.add_space(8.0);
        ui.label(RichText::new("Built-in ratings").weak());
        for b in RATINGS_BUILTINS {
            let selected = current_origin == Some(DatasetRef::Builtin(b.id.to_owned()));
            if ui
                .selectable_label(selected, b.title)
                .on_hover_text(b.description)
                .clicked()
            {
                pick_builtin = Some(b.id);
            }
        }
        if let Some(id) = pick_builtin {
            self.select_builtin(id);
        }
        let files: Vec<(usize, String, String)> = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| match &e.origin {
                DatasetRef::File(p) => Some((
                    i,
                    match &e.data {
                        EntryData::Table(_) => e.data.name().to_owned(),
                        EntryData::Ratings(_) => format!("{} (ratings)", e.data.name()),
                    },
                    p.display().to_string(),
                )),
                DatasetRef::Derived(name) => Some((i, name.clone(), "made in the app".to_owned())),
                DatasetRef::Builtin(_) => None,
            })
            .collect();
        if !files.is_empty() {
            ui.add_space(8.0);
            ui.label(RichText::new("Opened").weak());
            let mut pick = None;
            for (i, name, path) in files {
                if ui
                    .selectable_label(i == self.current, name)
                    .on_hover_text(path)
                    .clicked()
                {
                    pick = Some(i);
                }
            }
            if let Some(i) = pick {
                self.select_entry(i);
            }
        }
        ui.add_space(8.0);
        if ui.button("Open…").clicked() {
            self.start_dialog(&ui.ctx().clone(), DialogPurpose::Open);
        }
        ui.label(
            RichText::new("or drop a CSV, TSV, .npy, ratings or scene file on the window")
                .weak()
                .small(),
        );
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

    fn status_bar(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            self.status_line(ui);
            self.frame_time_label(ui);
        });
    }

    /// The frame-time readout, right-aligned, when View → Show frame time is on.
    fn frame_time_label(&self, ui: &mut Ui) {
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
    fn status_line(&mut self, ui: &mut Ui) {
        if !self.loading.is_empty() {
            for l in &self.loading {
                let name = data::file_label(&l.path);
                match l.progress.fraction() {
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
                let text = if l.progress.is_cancelled() {
                    format!("Cancelling {name}…")
                } else {
                    format!("Loading {name}…")
                };
                ui.label(text).on_hover_text(l.path.display().to_string());
                if ui
                    .add_enabled(!l.progress.is_cancelled(), egui::Button::new("Cancel"))
                    .clicked()
                {
                    l.progress.cancel();
                }
                ui.add_space(12.0);
            }
            return;
        }
        let mut dismiss = false;
        match &self.status {
            Some(Status { text, error: true }) => {
                ui.label(
                    RichText::new("⚠")
                        .color(ui.visuals().error_fg_color)
                        .strong(),
                );
                ui.label(RichText::new(text).color(ui.visuals().error_fg_color));
                dismiss = ui.small_button("✕").on_hover_text("Dismiss").clicked();
            }
            Some(Status { text, error: false }) => {
                ui.label(text);
            }
            None => {
                ui.label(RichText::new("Ready.").weak());
            }
        }
        if dismiss {
            self.status = None;
        }
    }

    fn prompt_window(&mut self, ctx: &egui::Context) {
        let Some(prompt) = &mut self.prompt else {
            return;
        };
        let title = match prompt.purpose {
            DialogPurpose::Open => "Open a file by path",
            DialogPurpose::OpenScene => "Open a scene by path",
            DialogPurpose::OpenDeck => "Present a deck by path",
            DialogPurpose::SaveScreenshot => "Save screenshot to path",
            DialogPurpose::SaveScene => "Save scene to path",
            DialogPurpose::ExportScores => "Export PCA scores to path",
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
                        .hint_text("/path/to/file.csv")
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

/// While files are dragged over the window, say what dropping does.
fn drop_overlay(ctx: &egui::Context) {
    if ctx.input(|i| i.raw.hovered_files.is_empty()) {
        return;
    }
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("eigenlens-drop-overlay"),
    ));
    let rect = ctx.content_rect();
    painter.rect_filled(rect, 0.0, Color32::from_black_alpha(160));
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        "Drop to open",
        egui::FontId::proportional(32.0),
        Color32::WHITE,
    );
}

impl eframe::App for EigenApp {
    fn ui(&mut self, ui: &mut Ui, frame: &mut eframe::Frame) {
        if let Some(seconds) = frame.info().cpu_usage {
            self.record_frame_time(seconds);
        }
        EigenApp::ui(self, ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.state);
    }
}
