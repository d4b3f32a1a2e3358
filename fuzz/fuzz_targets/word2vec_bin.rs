//! word2vec binary (`count dim`, then token, space, `dim` float32): any bytes
//! either load into finite vectors with one token each, no more than the
//! bytes can hold, or give an error naming the file.
#![no_main]

use eigenlens::data::{WORD_COLUMN, dim_name, parse_word2vec_binary};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    match parse_word2vec_binary(bytes, "vectors.bin") {
        Ok(ds) => {
            assert!(ds.n_rows > 0 && !ds.columns.is_empty());
            // Each vector takes at least 4 bytes a dimension and a token.
            assert!(ds.n_rows * (ds.columns.len() * 4 + 2) <= bytes.len());
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
            assert!(message.contains("vectors.bin"), "{message}");
        }
    }
});
