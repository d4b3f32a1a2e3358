//! word2vec / GloVe text, with or without the `count dim` line: any bytes
//! either load into finite vectors with one token each or give an error naming
//! the file and a real line.
#![no_main]

use eigenlens::data::{WORD_COLUMN, dim_name, parse_word2vec};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    match parse_word2vec(bytes, "vectors.txt") {
        Ok(ds) => {
            assert!(ds.n_rows > 0 && !ds.columns.is_empty());
            for (j, c) in ds.columns.iter().enumerate() {
                assert_eq!(c.name, dim_name(j));
                assert_eq!(c.values.len(), ds.n_rows);
                assert!(c.values.iter().all(|v| v.is_finite()), "{}", c.name);
            }
            let words = ds.labels.first().expect("a word column");
            assert_eq!(words.name, WORD_COLUMN);
            assert_eq!(words.codes.len(), ds.n_rows);
            assert!(
                words
                    .codes
                    .iter()
                    .all(|&k| (k as usize) < words.categories.len())
            );
        }
        Err(e) => {
            let message = e.to_string();
            assert!(message.contains("vectors.txt"), "{message}");
            if let Some(line) = e.line() {
                let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
                assert!(
                    line >= 1 && line <= lines,
                    "line {line} of {lines}: {message}"
                );
            }
        }
    }
});
