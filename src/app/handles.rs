//! The data the views share: a table or a ratings matrix, each behind an
//! `Arc` with an id that changes whenever the data does (views key their
//! caches on it).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use std::path::PathBuf;

use crate::data::{Dataset, ModelRatings, Ratings, SavedFormat, SavedModel};
use crate::math::factorize::Model;
use crate::scene::DatasetRef;

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
/// the ratings do, and the model trained elsewhere that came with it (a
/// Spark ALS or implicit model opened from disk), if any.
#[derive(Clone, Debug)]
pub struct RatingsHandle {
    pub id: u64,
    pub data: Arc<Ratings>,
    pub saved: Option<Arc<SavedInfo>>,
}

/// A model trained elsewhere, shown by the Factorize view instead of one it
/// trains: the model, what wrote it, and the ratings file paired with it.
#[derive(Debug)]
pub struct SavedInfo {
    pub model: Arc<Model>,
    pub format: SavedFormat,
    /// The model's directory or file.
    pub source: PathBuf,
    /// The ratings file whose ratings the model is measured on, if any.
    pub ratings_file: Option<PathBuf>,
    /// Ratings of that file left out: the model does not know their user or item.
    pub unknown: usize,
}

impl RatingsHandle {
    /// Wraps `data` with a fresh id.
    #[must_use]
    pub fn new(data: Ratings) -> Self {
        Self {
            id: DatasetHandle::new_id(),
            data: Arc::new(data),
            saved: None,
        }
    }

    /// `saved`'s users and items, holding the ratings of `given` (matched by
    /// id) that the model knows, with the model to show.
    #[must_use]
    pub fn from_saved(saved: &SavedModel, given: Option<(&Ratings, PathBuf)>) -> Self {
        let ModelRatings { ratings, unknown } = saved.ratings(given.as_ref().map(|g| g.0));
        let model = Model::from_saved(saved);
        Self {
            id: DatasetHandle::new_id(),
            data: Arc::new(ratings),
            saved: Some(Arc::new(SavedInfo {
                model: Arc::new(model),
                format: saved.format,
                source: saved.source.clone(),
                ratings_file: given.map(|g| g.1),
                unknown,
            })),
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
    /// The table, if this is one.
    #[must_use]
    pub fn table(&self) -> Option<&DatasetHandle> {
        match self {
            Self::Table(h) => Some(h),
            Self::Ratings(_) => None,
        }
    }

    /// The ratings matrix, if this is one.
    #[must_use]
    pub fn ratings(&self) -> Option<&RatingsHandle> {
        match self {
            Self::Ratings(h) => Some(h),
            Self::Table(_) => None,
        }
    }

    /// The data's name.
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Self::Table(h) => &h.data.name,
            Self::Ratings(h) => &h.data.name,
        }
    }
}

/// An entry of the dataset list: its data, where it came from and, while
/// another entry is shown, its views (model, selection, camera).
pub(super) struct Entry {
    pub(super) data: EntryData,
    pub(super) origin: DatasetRef,
    /// Its views, put aside while another entry is shown (`None` while it is
    /// shown, or before it ever was).
    pub(super) views: Option<super::views::registry::Stash>,
}
