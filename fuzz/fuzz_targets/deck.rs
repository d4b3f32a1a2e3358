//! Deck TOML: any text either parses into a deck with slides or gives an
//! error naming the file (and, for bad TOML, the line).
#![no_main]

use eigenlens::deck::parse_deck;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(src) = std::str::from_utf8(bytes) else {
        return;
    };
    match parse_deck(src, "fuzz-deck.toml") {
        Ok(deck) => assert!(!deck.slides.is_empty()),
        Err(e) => {
            let message = e.to_string();
            assert!(message.contains("fuzz-deck.toml"), "{message}");
        }
    }
});
