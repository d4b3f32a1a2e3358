//! CSV/TSV datasets: any bytes either load into a consistent dataset or give an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(ds) = eigenlens::data::parse_delimited(bytes, "fuzz.csv") {
        assert!(ds.n_rows > 0 && !ds.columns.is_empty());
        for c in &ds.columns {
            assert_eq!(c.values.len(), ds.n_rows, "column {}", c.name);
        }
        for l in &ds.labels {
            assert_eq!(l.codes.len(), ds.n_rows, "labels {}", l.name);
            assert!(l.codes.iter().all(|&c| (c as usize) < l.categories.len()));
        }
    }
});
