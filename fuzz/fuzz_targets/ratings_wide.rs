//! Ratings files read as a wide users × items matrix: any bytes either load into consistent ratings or give an error.
#![no_main]

#[path = "shared/ratings_check.rs"]
mod ratings_check;

use eigenlens::data::RatingsLayout;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(r) = eigenlens::data::parse_ratings_as(bytes, "fuzz.csv", RatingsLayout::Wide) {
        ratings_check::check(&r);
    }
});
