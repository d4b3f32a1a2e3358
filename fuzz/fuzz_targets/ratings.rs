//! Ratings files, layout sniffed: any bytes either load into consistent ratings or give an error.
#![no_main]

#[path = "shared/ratings_check.rs"]
mod ratings_check;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(r) = eigenlens::data::parse_ratings(bytes, "fuzz.csv") {
        ratings_check::check(&r);
    }
});
