//! Ratings files read as a wide users × items matrix: any bytes either load into consistent ratings or give an error.
#![no_main]

use eigenlens::data::RatingsLayout;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(r) = eigenlens::data::parse_ratings_as(bytes, "fuzz.csv", RatingsLayout::Wide) {
        assert!(!r.is_empty());
        let (lo, hi) = r.scale;
        assert!(lo.is_finite() && hi.is_finite() && lo <= hi);
        for e in &r.entries {
            assert!((e.user as usize) < r.n_users() && (e.item as usize) < r.n_items());
            assert!(e.value.is_finite());
        }
        // Each (user, item) pair at most once.
        let mut pairs: Vec<(u32, u32)> = r.entries.iter().map(|e| (e.user, e.item)).collect();
        pairs.sort_unstable();
        pairs.dedup();
        assert_eq!(pairs.len(), r.len());
    }
});
