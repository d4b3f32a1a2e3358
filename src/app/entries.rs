//! The dataset list's entries: opening files (in the background), built-ins,
//! scenes and datasets made in the app, and fitting the views to them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::handles::Entry;
use super::job::{Job, JobError, Waker};
use super::open::{OpenError, Opened, open_path, open_path_reading};
use super::views::registry::Views;
use super::{DatasetHandle, EigenApp, EntryData, RatingsHandle, style};
use crate::data::{self, BadCells, Dataset};
use crate::scene::{DatasetRef, LoadedScene, SceneData, ViewKind};

/// A file loading on a background thread (its progress is bytes read of
/// the file's size; Cancel stops it).
pub(super) type Loading = Job<PathBuf, Result<(Opened, usize), OpenError>>;

impl EigenApp {
    /// Starts loading `path` on a background thread; the result arrives in a later frame.
    pub fn open_in_background(&mut self, ctx: &egui::Context, path: PathBuf) {
        self.open_in_background_reading(ctx, path, BadCells::Error);
    }

    /// [`open_in_background`](Self::open_in_background), reading a table's
    /// unparseable cells as `bad_cells` says (the status bar counts those
    /// read as missing).
    pub fn open_in_background_reading(
        &mut self,
        ctx: &egui::Context,
        path: PathBuf,
        bad_cells: BadCells,
    ) {
        let p = path.clone();
        let job = Job::spawn(path, Waker::new(ctx), move |progress| {
            open_path_reading(&p, progress, bad_cells)
        });
        self.loading.push(job);
    }

    /// Collects finished loads: a cancelled one says so once (what was on
    /// screen stays), a failed one shows its error.
    pub(super) fn poll_loads(&mut self) {
        let mut done = Vec::new();
        self.loading.retain_mut(|job| {
            let cancelled = job.is_cancelled();
            match job.finished() {
                None => true,
                Some(result) => {
                    done.push((job.key().clone(), cancelled, result));
                    false
                }
            }
        });
        for (path, cancelled, result) in done {
            match result {
                // Whatever arrives after Cancel (the error, or a load that
                // finished first) is dropped.
                _ if cancelled => {
                    self.set_info(format!("Cancelled loading {}.", data::file_label(&path)));
                }
                Ok((opened, bad)) => self.apply_opened_counting(&path, opened, bad),
                Err(JobError::Failed(e)) => {
                    if !self.offer_arrays(&e) {
                        self.set_load_error(&path, &e);
                    }
                }
                Err(JobError::Cancelled) => {
                    self.set_info(format!("Cancelled loading {}.", data::file_label(&path)));
                }
                Err(JobError::Lost) => {
                    self.set_error(format!("{}: loading stopped unexpectedly", path.display()));
                }
            }
        }
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
            Err(e) if self.offer_arrays(&e) => {}
            Err(e) => self.set_load_error(path, &e),
        }
    }

    pub(super) fn apply_opened(&mut self, path: &Path, opened: Opened) {
        self.apply_opened_counting(path, opened, 0);
    }

    /// [`apply_opened`](Self::apply_opened) for a table whose `bad`
    /// unparseable cells were read as missing (said in the status bar).
    fn apply_opened_counting(&mut self, path: &Path, opened: Opened, bad: usize) {
        self.state.remember(path);
        match opened {
            Opened::Dataset(ds) => {
                let origin = DatasetRef::File(path.to_path_buf());
                let text = format!(
                    "Opened {}: {} rows × {} numeric columns{}.",
                    data::file_label(path),
                    style::fmt_count(ds.n_rows),
                    ds.columns.len(),
                    match bad {
                        0 => String::new(),
                        1 => "; 1 unparseable cell read as missing".to_owned(),
                        n => format!(
                            "; {} unparseable cells read as missing",
                            style::fmt_count(n)
                        ),
                    }
                );
                let embedding = data::is_embedding(&ds);
                self.add_entry(EntryData::Table(DatasetHandle::new(ds)), origin);
                if embedding && self.state.view != ViewKind::Transform {
                    self.state.view = ViewKind::Embeddings;
                } else if self.state.view == ViewKind::Image {
                    // A table opened from the Image view is shown, not hidden behind it.
                    self.state.view = ViewKind::Data;
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
            Opened::Model(m) => self.add_saved_model(path, *m),
            Opened::Picture(p) => {
                let text = format!(
                    "Opened {}: {} × {} pixels{}.",
                    data::file_label(path),
                    p.width,
                    p.height,
                    p.note.as_ref().map_or(String::new(), |n| format!(" ({n})"))
                );
                self.views
                    .image
                    .set_picture(*p, &path.display().to_string());
                self.state.view = ViewKind::Image;
                self.set_info(text);
            }
            Opened::Scene(s) => {
                let text = format!("Opened scene {}.", data::file_label(path));
                self.apply_scene(*s);
                self.set_info(text);
            }
        }
    }

    /// A saved model: a ratings entry of its users and items (with the
    /// ratings beside it, matched by id) shown in the Factorize view.
    fn add_saved_model(&mut self, path: &Path, opened: super::open::OpenedModel) {
        let super::open::OpenedModel {
            model,
            ratings,
            ratings_error,
        } = opened;
        let handle =
            RatingsHandle::from_saved(&model, ratings.as_ref().map(|(r, f)| (r, f.clone())));
        let info = handle.saved.clone();
        let mut text = format!(
            "Opened {} ({}): {} users × {} items, k = {}",
            data::file_label(path),
            model.format.name(),
            style::fmt_count(model.users.len()),
            style::fmt_count(model.items.len()),
            model.rank
        );
        if let (Some((_, file)), Some(info)) = (&ratings, &info) {
            let _ = write!(
                text,
                "; {} ratings of {} matched by id",
                style::fmt_count(handle.data.len()),
                data::file_label(file),
            );
            if info.unknown > 0 {
                let _ = write!(
                    text,
                    " ({} of users or items the model does not know left out)",
                    style::fmt_count(info.unknown)
                );
            }
        }
        text.push('.');
        self.add_entry(
            EntryData::Ratings(handle),
            DatasetRef::File(path.to_path_buf()),
        );
        self.state.view = ViewKind::Factorize;
        match ratings_error {
            Some(e) => self.set_error(format!("{text} The ratings beside it did not open: {e}")),
            None => self.set_info(text),
        }
    }

    pub(super) fn apply_scene(&mut self, loaded: LoadedScene) {
        let LoadedScene {
            scene,
            data,
            dataset_ref,
        } = loaded;
        self.state.view = scene.view;
        // The scene's views are its dataset's; the dataset shown until now
        // keeps its own.
        let before = std::mem::replace(&mut self.views, Views::from_scene(&scene));
        if let Some(e) = self.entries.get_mut(self.current) {
            e.views = Some(before.into_stash());
        }
        let data = match data {
            SceneData::Table(ds) => EntryData::Table(DatasetHandle::new(ds)),
            SceneData::Ratings(r) => EntryData::Ratings(RatingsHandle::new(r)),
        };
        self.place_entry(data, dataset_ref);
    }

    /// Makes the views' settings fit `data`.
    pub(super) fn adapt_views(&mut self, data: &EntryData) {
        self.views.adapt_to(data);
    }

    /// Shows a view that takes `data` (the current one if it does).
    pub(super) fn fit_view_to(&mut self, data: &EntryData) {
        self.state.view = self.views.fit(self.state.view, data);
    }

    /// Adds a dataset or ratings (replacing one from the same origin) and
    /// shows it: the entry shown until now keeps its views, and the new data
    /// gets fresh ones (reloading the entry shown keeps its views, fitted
    /// to the new data).
    pub(super) fn add_entry(&mut self, data: EntryData, origin: DatasetRef) {
        let reloads_current = self
            .entries
            .get(self.current)
            .is_some_and(|e| e.origin == origin);
        if !reloads_current {
            self.put_views_aside();
        }
        self.place_entry(data, origin);
    }

    /// Puts the views of the entry shown now aside with it, leaving fresh
    /// ones (the default scene's settings) for the next.
    fn put_views_aside(&mut self) {
        if let Some(e) = self.entries.get_mut(self.current) {
            e.views = Some(self.views.stash());
        }
    }

    /// Puts `data` in the list (in place of the entry from the same origin)
    /// and shows it with the views as they are, fitted to it. The status
    /// bar's message was about what was shown before: it goes.
    fn place_entry(&mut self, data: EntryData, origin: DatasetRef) {
        self.adapt_views(&data);
        self.fit_view_to(&data);
        let entry = Entry {
            data,
            origin,
            views: None,
        };
        if let Some(i) = self.entries.iter().position(|e| e.origin == entry.origin) {
            self.entries[i] = entry;
            self.current = i;
        } else {
            self.entries.push(entry);
            self.current = self.entries.len() - 1;
        }
        self.status = None;
    }

    /// Shows entry `i` with its own views (as it was left); the entry shown
    /// until now keeps its views, and the status bar's message about it goes.
    pub(super) fn select_entry(&mut self, i: usize) {
        if i >= self.entries.len() {
            return;
        }
        if i != self.current {
            self.put_views_aside();
            if let Some(views) = self.entries.get_mut(i).and_then(|e| e.views.take()) {
                self.views.restore(views);
            }
            self.status = None;
        }
        if let Some(e) = self.entries.get(i) {
            let data = e.data.clone();
            self.adapt_views(&data);
            self.fit_view_to(&data);
            self.current = i;
        }
    }

    pub(super) fn select_builtin(&mut self, id: &str) {
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
    pub(super) fn open_derived(&mut self, ds: Dataset) {
        let text = format!(
            "Opened {}: {} vectors × {} dimensions.",
            ds.name,
            style::fmt_count(ds.n_rows),
            ds.columns.len()
        );
        let origin = DatasetRef::Derived(ds.name.clone());
        self.add_entry(EntryData::Table(DatasetHandle::new(ds)), origin);
        self.state.view = ViewKind::Embeddings;
        self.set_info(text);
    }
}
