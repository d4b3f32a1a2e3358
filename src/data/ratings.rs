//! [`Ratings`]: a sparse users × items matrix of ratings, with user and item
//! names and item metadata (title, genres). The loaders are in `ratings_load.rs`;
//! what-if edits ([`Ratings::with_edits`]) in `ratings/edits.rs`.

use std::collections::HashMap;
use std::path::PathBuf;

mod edits;

/// One observed rating: user `user` gave item `item` the value `value`.
/// `user` and `item` index [`Ratings::users`] and [`Ratings::items`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rating {
    pub user: u32,
    pub item: u32,
    pub value: f32,
}

/// An item (a movie, say): its id as written in the ratings file, and what the
/// metadata file says about it, if there is one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Item {
    /// The id as written in the ratings file (`"242"`, or a title in a wide matrix).
    pub id: String,
    /// A human-readable title, from item metadata.
    pub title: Option<String>,
    /// Genres or tags, from item metadata (MovieLens: `Comedy`, `Children's`, ...).
    pub genres: Vec<String>,
}

impl Item {
    /// An item known only by its id.
    #[must_use]
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            title: None,
            genres: Vec::new(),
        }
    }

    /// The title if there is one, else the id.
    #[must_use]
    pub fn name(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.id)
    }
}

/// A sparse users × items matrix of ratings.
///
/// Users and items are numbered in order of first appearance in the file (a
/// wide matrix: its rows and columns in order). Each (user, item) pair is rated
/// at most once: the loaders treat a duplicate as an error.
#[derive(Clone, Debug, PartialEq)]
pub struct Ratings {
    /// Display name (file name or built-in id).
    pub name: String,
    /// The ratings file, or `None` for built-ins and data made in memory.
    pub source: Option<PathBuf>,
    /// The item metadata file the titles came from, if any.
    pub items_source: Option<PathBuf>,
    /// User ids as written in the file.
    pub users: Vec<String>,
    pub items: Vec<Item>,
    /// The observed ratings, in file order.
    pub entries: Vec<Rating>,
    /// The rating scale: the smallest and largest rating seen. Predictions are
    /// clipped to it, as scikit-surprise clips to its `rating_scale`.
    pub scale: (f32, f32),
}

impl Ratings {
    /// Ratings of `users` for `items` from `entries`; the scale is the range of
    /// the values (`(0, 0)` when there are none).
    ///
    /// # Panics
    /// If an entry indexes past `users` or `items`.
    #[must_use]
    pub fn new(
        name: impl Into<String>,
        users: Vec<String>,
        items: Vec<Item>,
        entries: Vec<Rating>,
    ) -> Self {
        assert!(
            entries
                .iter()
                .all(|r| (r.user as usize) < users.len() && (r.item as usize) < items.len()),
            "a rating indexes past the users or items"
        );
        let scale = value_range(&entries).unwrap_or((0.0, 0.0));
        Self {
            name: name.into(),
            source: None,
            items_source: None,
            users,
            items,
            entries,
            scale,
        }
    }

    #[must_use]
    pub fn n_users(&self) -> usize {
        self.users.len()
    }

    #[must_use]
    pub fn n_items(&self) -> usize {
        self.items.len()
    }

    /// Number of observed ratings.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Observed share of the users × items matrix, in 0..=1.
    #[must_use]
    pub fn observed_fraction(&self) -> f64 {
        let cells = self.n_users() as f64 * self.n_items() as f64;
        if cells > 0.0 {
            self.len() as f64 / cells
        } else {
            0.0
        }
    }

    /// Item `item`'s title, or its id when it has none.
    #[must_use]
    pub fn item_name(&self, item: u32) -> &str {
        self.items.get(item as usize).map_or("", Item::name)
    }

    /// The index of the user with this id.
    #[must_use]
    pub fn user_index(&self, id: &str) -> Option<u32> {
        self.users.iter().position(|u| u == id).map(|i| i as u32)
    }

    /// The index of the item with this id.
    #[must_use]
    pub fn item_index(&self, id: &str) -> Option<u32> {
        self.items
            .iter()
            .position(|it| it.id == id)
            .map(|i| i as u32)
    }

    /// Each user's ratings as `(item, value)`, in file order.
    #[must_use]
    pub fn by_user(&self) -> Vec<Vec<(u32, f32)>> {
        let mut rows = vec![Vec::new(); self.n_users()];
        for r in &self.entries {
            rows[r.user as usize].push((r.item, r.value));
        }
        rows
    }

    /// Each item's ratings as `(user, value)`, in file order.
    #[must_use]
    pub fn by_item(&self) -> Vec<Vec<(u32, f32)>> {
        let mut columns = vec![Vec::new(); self.n_items()];
        for r in &self.entries {
            columns[r.item as usize].push((r.user, r.value));
        }
        columns
    }

    /// Re-indexes `other`'s ratings (a test file, say) into this set's users and
    /// items, matching them by id. Users and items that this set lacks are
    /// appended to it (with `other`'s metadata), so they exist with no ratings
    /// here; the scale widens to cover both. `self.entries` is unchanged.
    pub fn align(&mut self, other: &Ratings) -> Vec<Rating> {
        let mut user_of: HashMap<&str, u32> = self
            .users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.as_str(), i as u32))
            .collect();
        let mut item_of: HashMap<&str, u32> = self
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| (it.id.as_str(), i as u32))
            .collect();
        let mut new_users = Vec::new();
        let user_map: Vec<u32> = other
            .users
            .iter()
            .map(|u| {
                *user_of.entry(u.as_str()).or_insert_with(|| {
                    new_users.push(u.clone());
                    (self.users.len() + new_users.len() - 1) as u32
                })
            })
            .collect();
        let mut new_items = Vec::new();
        let item_map: Vec<u32> = other
            .items
            .iter()
            .map(|it| {
                *item_of.entry(it.id.as_str()).or_insert_with(|| {
                    new_items.push(it.clone());
                    (self.items.len() + new_items.len() - 1) as u32
                })
            })
            .collect();
        self.users.extend(new_users);
        self.items.extend(new_items);
        if let Some((lo, hi)) = value_range(&other.entries) {
            self.scale = if self.entries.is_empty() {
                (lo, hi)
            } else {
                (self.scale.0.min(lo), self.scale.1.max(hi))
            };
        }
        other
            .entries
            .iter()
            .map(|r| Rating {
                user: user_map[r.user as usize],
                item: item_map[r.item as usize],
                value: r.value,
            })
            .collect()
    }

    /// Copies titles and genres from `metadata` onto the items with the same id;
    /// metadata for items that have no ratings here is ignored. Returns how many
    /// items were described.
    pub fn attach_items(&mut self, metadata: Vec<Item>) -> usize {
        let mut by_id: HashMap<String, Item> =
            metadata.into_iter().map(|it| (it.id.clone(), it)).collect();
        let mut described = 0;
        for item in &mut self.items {
            if let Some(meta) = by_id.remove(&item.id) {
                item.title = meta.title;
                item.genres = meta.genres;
                described += 1;
            }
        }
        described
    }
}

/// The smallest and largest value, or `None` with no entries.
pub(crate) fn value_range(entries: &[Rating]) -> Option<(f32, f32)> {
    entries.iter().fold(None, |acc, r| {
        Some(acc.map_or((r.value, r.value), |(lo, hi): (f32, f32)| {
            (lo.min(r.value), hi.max(r.value))
        }))
    })
}
