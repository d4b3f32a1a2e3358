//! word2vec / GloVe text, with or without the `count dim` line: any bytes
//! either load into finite vectors with one token each or give an error naming
//! the file and a real line.
#![no_main]

#[path = "shared/word_vectors_check.rs"]
mod word_vectors_check;

use eigenlens::data::parse_word2vec;
use libfuzzer_sys::fuzz_target;
use word_vectors_check::check;

fuzz_target!(|bytes: &[u8]| {
    match parse_word2vec(bytes, "vectors.txt") {
        Ok(ds) => check(&ds),
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
