//! Embedding Projector pairs: the input is `vectors.tsv`, then a NUL byte and
//! the metadata file. Any bytes either load into vectors and label columns of
//! one height or give an error naming the file at fault and a real line.
#![no_main]

use eigenlens::data::{LoadError, dim_name, parse_labels, parse_projector_vectors};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Some((&flag, rest)) = bytes.split_first() else {
        return;
    };
    let (vectors, metadata) = match rest.iter().position(|&b| b == 0) {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };
    let ds = match parse_projector_vectors(vectors, "vectors.tsv") {
        Ok(ds) => ds,
        Err(e) => return check_error(&e, "vectors.tsv", vectors),
    };
    assert!(ds.n_rows > 0 && !ds.columns.is_empty());
    for (j, c) in ds.columns.iter().enumerate() {
        assert_eq!(c.name, dim_name(j));
        assert_eq!(c.values.len(), ds.n_rows);
        assert!(c.values.iter().all(|v| v.is_finite()), "{}", c.name);
    }
    let Some(metadata) = metadata else {
        return;
    };
    // The metadata's name decides its dialect: tabs unquoted, or quoted CSV.
    let name = if flag & 1 == 0 {
        "metadata.tsv"
    } else {
        "metadata.csv"
    };
    match parse_labels(metadata, name, ds.n_rows, "vectors.tsv") {
        Ok(columns) => {
            for c in &columns {
                assert_eq!(c.codes.len(), ds.n_rows, "label column {}", c.name);
                assert!(c.codes.iter().all(|&k| (k as usize) < c.categories.len()));
            }
        }
        Err(e) => check_error(&e, name, metadata),
    }
});

/// An error names the file it is about and a line that exists.
fn check_error(e: &LoadError, name: &str, bytes: &[u8]) {
    assert_eq!(e.path().to_str(), Some(name), "{e}");
    let message = e.to_string();
    assert!(message.contains(name), "{message}");
    if let Some(line) = e.line() {
        let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
        assert!(
            line >= 1 && line <= lines,
            "line {line} of {lines}: {message}"
        );
    }
}
