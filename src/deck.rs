//! Decks for presentation mode: a TOML list of slides, each a scene with a
//! title, optional captions for its steps and speaker notes. No egui here.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::scene::{self, LoadedScene, SceneError};

/// The deck that tells the whole story, shipped in the binary.
pub const BUILTIN_DECK: &str = include_str!("../assets/decks/linear-algebra-for-ml.toml");
/// Where the built-in deck lives in the repository (its scene paths are
/// relative to it).
pub const BUILTIN_DECK_NAME: &str = "assets/decks/linear-algebra-for-ml.toml";

/// The shipped scenes the built-in deck can use without the files.
const EMBEDDED_SCENES: &[(&str, &str)] = &[
    (
        "../scenes/data-iris.toml",
        include_str!("../assets/scenes/data-iris.toml"),
    ),
    (
        "../scenes/transform-shear.toml",
        include_str!("../assets/scenes/transform-shear.toml"),
    ),
    (
        "../scenes/transform-singular.toml",
        include_str!("../assets/scenes/transform-singular.toml"),
    ),
    (
        "../scenes/transform-svd.toml",
        include_str!("../assets/scenes/transform-svd.toml"),
    ),
    (
        "../scenes/pca-iris-flatten.toml",
        include_str!("../assets/scenes/pca-iris-flatten.toml"),
    ),
    (
        "../scenes/image-rank-50.toml",
        include_str!("../assets/scenes/image-rank-50.toml"),
    ),
    (
        "../scenes/regression-projection.toml",
        include_str!("../assets/scenes/regression-projection.toml"),
    ),
    (
        "../scenes/regression-descent.toml",
        include_str!("../assets/scenes/regression-descent.toml"),
    ),
    (
        "../scenes/factorize-training.toml",
        include_str!("../assets/scenes/factorize-training.toml"),
    ),
    (
        "../scenes/factorize-movie-night.toml",
        include_str!("../assets/scenes/factorize-movie-night.toml"),
    ),
    (
        "../scenes/network-spiral.toml",
        include_str!("../assets/scenes/network-spiral.toml"),
    ),
    (
        "../scenes/network-circles-flow.toml",
        include_str!("../assets/scenes/network-circles-flow.toml"),
    ),
];

/// A deck file.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deck {
    /// Shown on the first slide's caption strip and the window title.
    pub title: String,
    /// The slides, in order (`[[slide]]` tables).
    #[serde(rename = "slide", default)]
    pub slides: Vec<Slide>,
}

/// One slide: a scene and what to say about it.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slide {
    pub title: String,
    /// The scene file, relative to the deck.
    pub scene: String,
    /// Captions for the scene's steps, in order; missing ones use the view's
    /// own caption (with its formula).
    #[serde(default)]
    pub captions: Vec<String>,
    /// Speaker notes (N shows them).
    #[serde(default)]
    pub notes: String,
}

/// A deck with every slide's scene loaded.
#[derive(Clone, Debug)]
pub struct LoadedDeck {
    pub deck: Deck,
    pub scenes: Vec<LoadedScene>,
}

/// Parses a deck's TOML; errors name the line and column.
///
/// # Errors
/// Bad TOML, an unknown key, a wrong type, a list or string over its bound
/// (at most [`MAX_SLIDES`](scene::MAX_SLIDES) slides, for one), or a deck
/// without slides.
pub fn parse_deck(src: &str, file: &str) -> Result<Deck, SceneError> {
    let deck: Deck = scene::from_toml_bounded(src, file, &scene::DECK_BOUNDS)?;
    if deck.slides.is_empty() {
        return Err(SceneError::Invalid {
            file: file.to_owned(),
            message: "the deck has no slides: add [[slide]] tables with a title and a scene"
                .to_owned(),
        });
    }
    Ok(deck)
}

/// Reads the deck at `path` and loads every slide's scene (relative to it).
///
/// # Errors
/// The deck cannot be read (or is not UTF-8) or parsed, or a scene fails to load (the error
/// names the slide and the scene's own file and line).
pub fn load_deck(path: &Path) -> Result<LoadedDeck, SceneError> {
    let file = path.display().to_string();
    let src = scene::read_toml_text(path, "a deck")?;
    let deck = parse_deck(&src, &file)?;
    let base = path.parent().map_or_else(PathBuf::new, Path::to_path_buf);
    let scenes = deck
        .slides
        .iter()
        .enumerate()
        .map(|(i, slide)| {
            scene::load_scene(&base.join(&slide.scene))
                .map_err(|e| slide_error(&file, i, slide, &e))
        })
        .collect::<Result<_, _>>()?;
    Ok(LoadedDeck { deck, scenes })
}

/// The built-in deck, its scenes taken from the binary.
///
/// # Errors
/// Only if the shipped files are broken (a test guards against it).
pub fn load_builtin_deck() -> Result<LoadedDeck, SceneError> {
    let deck = parse_deck(BUILTIN_DECK, BUILTIN_DECK_NAME)?;
    let scenes = deck
        .slides
        .iter()
        .enumerate()
        .map(|(i, slide)| {
            let src = EMBEDDED_SCENES
                .iter()
                .find(|(name, _)| *name == slide.scene)
                .map(|(_, src)| *src)
                .ok_or_else(|| SceneError::Invalid {
                    file: BUILTIN_DECK_NAME.to_owned(),
                    message: format!(
                        "slide {}: {} is not embedded",
                        i + 1,
                        scene::quote(&slide.scene)
                    ),
                })?;
            scene::load_scene_str(src, &slide.scene, None)
                .map_err(|e| slide_error(BUILTIN_DECK_NAME, i, slide, &e))
        })
        .collect::<Result<_, _>>()?;
    Ok(LoadedDeck { deck, scenes })
}

fn slide_error(file: &str, i: usize, slide: &Slide, e: &SceneError) -> SceneError {
    SceneError::Invalid {
        file: file.to_owned(),
        message: format!("slide {} ({}): {e}", i + 1, scene::quote(&slide.title)),
    }
}
