//! word2vec binary (`count dim`, then token, space, `dim` float32): any bytes
//! either load into finite vectors with one token each, no more than the
//! bytes can hold, or give an error naming the file.
#![no_main]

#[path = "shared/word_vectors_check.rs"]
mod word_vectors_check;

use eigenlens::data::parse_word2vec_binary;
use libfuzzer_sys::fuzz_target;
use word_vectors_check::check;

fuzz_target!(|bytes: &[u8]| {
    match parse_word2vec_binary(bytes, "vectors.bin") {
        Ok(ds) => {
            check(&ds);
            // Each vector takes at least 4 bytes a dimension and a token.
            assert!(ds.n_rows * (ds.columns.len() * 4 + 2) <= bytes.len());
        }
        Err(e) => {
            let message = e.to_string();
            assert!(message.contains("vectors.bin"), "{message}");
        }
    }
});
