//! What every ratings target asserts of ratings that loaded.

use eigenlens::data::Ratings;

/// Loaded ratings are consistent: not empty, a finite scale, every entry's
/// user and item in range with a finite value, and each (user, item) pair
/// at most once.
pub fn check(r: &Ratings) {
    assert!(!r.is_empty());
    let (lo, hi) = r.scale;
    assert!(lo.is_finite() && hi.is_finite() && lo <= hi);
    for e in &r.entries {
        assert!((e.user as usize) < r.n_users() && (e.item as usize) < r.n_items());
        assert!(e.value.is_finite());
    }
    let mut pairs: Vec<(u32, u32)> = r.entries.iter().map(|e| (e.user, e.item)).collect();
    pairs.sort_unstable();
    pairs.dedup();
    assert_eq!(pairs.len(), r.len());
}
