//! Edited ratings: what-if changes to a ratings matrix (the Factorize view's
//! cell editor, a scene's `[[factorize.edits]]`), applied as plain data.
//!
//! An edit is a `(user, item, rating)` triple of indices into
//! [`Ratings::users`] and [`Ratings::items`]: `Some(value)` sets or adds the
//! cell, `None` clears it. When several edits name one cell, the last wins.

use std::collections::{HashMap, HashSet};

use super::{Rating, Ratings};

/// The edits as one final value per cell (the last edit of a cell wins).
fn by_cell(edits: &[(u32, u32, Option<f32>)]) -> HashMap<(u32, u32), Option<f32>> {
    edits.iter().map(|&(u, i, v)| ((u, i), v)).collect()
}

impl Rating {
    /// `entries` with `edits` applied: rated cells changed in place, cleared
    /// ones removed, new ones appended in (user, item) order. Nothing else
    /// moves, so the order of the untouched ratings is kept.
    #[must_use]
    pub fn edited(entries: &[Rating], edits: &[(u32, u32, Option<f32>)]) -> Vec<Rating> {
        if edits.is_empty() {
            return entries.to_vec();
        }
        let cells = by_cell(edits);
        let mut seen = HashSet::new();
        let mut out: Vec<Rating> = entries
            .iter()
            .filter_map(|e| {
                let cell = (e.user, e.item);
                match cells.get(&cell) {
                    Some(Some(v)) => {
                        seen.insert(cell);
                        Some(Rating { value: *v, ..*e })
                    }
                    Some(None) => None,
                    None => Some(*e),
                }
            })
            .collect();
        let mut added: Vec<Rating> = cells
            .iter()
            .filter(|(cell, _)| !seen.contains(*cell))
            .filter_map(|(&(user, item), v)| v.map(|value| Rating { user, item, value }))
            .collect();
        added.sort_by_key(|r| (r.user, r.item));
        out.extend(added);
        out
    }
}

impl Ratings {
    /// These ratings with `edits` applied (see [`Rating::edited`]). Users,
    /// items and the rating scale stay as they are.
    ///
    /// # Panics
    /// If an edit that sets a rating indexes past the users or items.
    #[must_use]
    pub fn with_edits(&self, edits: &[(u32, u32, Option<f32>)]) -> Ratings {
        assert!(
            edits.iter().all(|&(u, i, v)| v.is_none()
                || ((u as usize) < self.n_users() && (i as usize) < self.n_items())),
            "an edit indexes past the users or items"
        );
        Ratings {
            entries: Rating::edited(&self.entries, edits),
            ..self.clone()
        }
    }

    /// User `user`'s ratings among `entries` with `edits` applied, as
    /// `(item, value)`: what folding that user in again learns from.
    #[must_use]
    pub fn user_ratings_edited(
        entries: &[Rating],
        user: u32,
        edits: &[(u32, u32, Option<f32>)],
    ) -> Vec<(u32, f64)> {
        let mine: Vec<Rating> = entries.iter().filter(|r| r.user == user).copied().collect();
        let my_edits: Vec<(u32, u32, Option<f32>)> =
            edits.iter().filter(|e| e.0 == user).copied().collect();
        Rating::edited(&mine, &my_edits)
            .into_iter()
            .map(|r| (r.item, f64::from(r.value)))
            .collect()
    }
}
