//! Finding a (user, item) pair rated twice, without a copy of the ratings.

use crate::data::Rating;

/// The duplicate (user, item) pair whose second rating comes first in
/// `entries`: `(first, second)`, their indices. `n_users` and `n_items`
/// bound the users and items.
///
/// Each user's ratings are visited together, in file order, marking the
/// items seen: an item marked by the same user is rated twice. A file that
/// lists each user's ratings together (MovieLens's, sorted by user, does;
/// then user numbers, given in order of first appearance, never decrease)
/// is visited as it is; any other through its indices grouped by user (a
/// counting sort, stable: 4 bytes a rating while `u32` indices suffice).
pub(super) fn first_duplicate(
    entries: &[Rating],
    n_users: usize,
    n_items: usize,
) -> Option<(usize, usize)> {
    let mut marks = Marks::new(n_items);
    if entries.is_sorted_by_key(|r| r.user) {
        for (k, r) in entries.iter().enumerate() {
            marks.visit(r, k);
        }
    } else if u32::try_from(entries.len()).is_ok() {
        for k in by_user::<u32>(entries, n_users) {
            let k = k as usize;
            marks.visit(&entries[k], k);
        }
    } else {
        for k in by_user::<usize>(entries, n_users) {
            marks.visit(&entries[k], k);
        }
    }
    marks.found
}

/// Items marked by the user who rated them last, and the duplicate found so far.
struct Marks {
    /// Per item: the last user who rated it and the index of that rating.
    seen: Vec<Option<(u32, usize)>>,
    found: Option<(usize, usize)>,
}

impl Marks {
    fn new(n_items: usize) -> Self {
        Self {
            seen: vec![None; n_items],
            found: None,
        }
    }

    /// Visits rating `k`, `r`: every rating of a user is visited before
    /// the next user's, each user's in file order.
    fn visit(&mut self, r: &Rating, k: usize) {
        let Some(seen) = self.seen.get_mut(r.item as usize) else {
            return;
        };
        match *seen {
            Some((user, first)) if user == r.user => {
                if self.found.is_none_or(|(_, second)| k < second) {
                    self.found = Some((first, k));
                }
            }
            _ => *seen = Some((r.user, k)),
        }
    }
}

/// The indices of `entries` grouped by user, each user's in file order:
/// a counting sort, with indices of type `I` (which holds every index).
fn by_user<I>(entries: &[Rating], n_users: usize) -> Vec<I>
where
    I: Copy + Default + TryFrom<usize>,
{
    let mut next = vec![0usize; n_users + 1];
    for r in entries {
        next[r.user as usize + 1] += 1;
    }
    for u in 0..n_users {
        next[u + 1] += next[u];
    }
    let mut order = vec![I::default(); entries.len()];
    for (k, r) in entries.iter().enumerate() {
        let slot = &mut next[r.user as usize];
        order[*slot] = I::try_from(k).unwrap_or_default();
        *slot += 1;
    }
    order
}
