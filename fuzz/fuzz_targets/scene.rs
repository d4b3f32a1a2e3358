//! Scene TOML: any text either parses or gives an error naming a line; a
//! parsed scene is checked against built-in tables and ratings without
//! panicking, and what it saves reads back as the same scene.
#![no_main]

use std::sync::OnceLock;

use eigenlens::data::{Dataset, Ratings};
use eigenlens::scene::{Scene, load_scene_str};
use libfuzzer_sys::fuzz_target;

fn tables() -> &'static [Dataset] {
    static T: OnceLock<Vec<Dataset>> = OnceLock::new();
    T.get_or_init(|| {
        ["iris", "cloud", "people"]
            .iter()
            .filter_map(|id| eigenlens::data::load_builtin(id).ok())
            .collect()
    })
}

fn ratings() -> &'static [Ratings] {
    static R: OnceLock<Vec<Ratings>> = OnceLock::new();
    R.get_or_init(|| {
        ["tiny-movies", "movie-night"]
            .iter()
            .filter_map(|id| eigenlens::data::load_builtin_ratings(id).ok())
            .collect()
    })
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(src) = std::str::from_utf8(bytes) else {
        return;
    };
    let Ok(scene) = Scene::from_toml(src, "fuzz.toml") else {
        return;
    };
    for ds in tables() {
        let _ = scene.check_against(ds, src, "fuzz.toml");
    }
    for r in ratings() {
        let _ = scene.check_against_ratings(r, src, "fuzz.toml");
    }
    // Built-in datasets only: a path would make the fuzzer read files.
    if scene.dataset.starts_with("builtin:") {
        let _ = load_scene_str(src, "fuzz.toml", None);
    }
    // What the app would save reads back as the same scene.
    if scene.transform.check().is_ok() && !has_nan(&scene) {
        let text = scene.to_toml();
        let back = Scene::from_toml(&text, "saved.toml")
            .unwrap_or_else(|e| panic!("a saved scene does not load: {e}\n{text}"));
        assert_eq!(back, scene, "saved as:\n{text}");
    }
});

/// NaN ratings in edits compare unequal to themselves.
fn has_nan(scene: &Scene) -> bool {
    scene
        .factorize
        .edits
        .iter()
        .any(|e| e.rating.is_some_and(f64::is_nan))
}
