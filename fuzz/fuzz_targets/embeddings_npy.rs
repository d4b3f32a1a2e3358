//! An `.npy` array with a labels file: the first two bytes give the labels
//! file's length (little-endian), then come the labels, then the array. Any
//! bytes either load into a dataset whose labels have one row per vector or
//! give an error naming the file at fault.
#![no_main]

use eigenlens::data::{parse_labels, parse_npy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Some((len, rest)) = bytes.split_first_chunk::<2>() else {
        return;
    };
    let len = usize::from(u16::from_le_bytes(*len)).min(rest.len());
    let (labels, npy) = rest.split_at(len);
    let ds = match parse_npy(npy, "X.npy") {
        Ok(ds) => ds,
        Err(e) => {
            assert!(e.to_string().contains("X.npy"), "{e}");
            return;
        }
    };
    assert!(ds.n_rows > 0 && !ds.columns.is_empty());
    for c in &ds.columns {
        assert_eq!(c.values.len(), ds.n_rows, "column {}", c.name);
    }
    match parse_labels(labels, "X.labels.txt", ds.n_rows, "X.npy") {
        Ok(columns) => {
            for c in &columns {
                assert_eq!(c.codes.len(), ds.n_rows, "label column {}", c.name);
            }
        }
        Err(e) => assert!(e.to_string().contains("X.labels.txt"), "{e}"),
    }
});
