//! Item metadata files (movies.csv, u.item, id,title[,genres]): any bytes
//! either give items with distinct, non-empty ids or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(items) = eigenlens::data::parse_items(bytes, "movies.csv") {
        assert!(!items.is_empty());
        let mut ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
        assert!(ids.iter().all(|id| !id.is_empty()));
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), items.len());
    }
});
