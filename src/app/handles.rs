//! The data the views share: a table or a ratings matrix, each behind an
//! `Arc` with an id that changes whenever the data does (views key their
//! caches on it).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::data::{Dataset, Ratings};
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
