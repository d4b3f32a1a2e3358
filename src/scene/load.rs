//! Reading a scene file and loading the dataset it names.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::data::{self, Dataset, LoadError, Ratings};

use super::error::{at, spanned_error};
use super::{Scene, SceneError, ViewKind};

/// What a scene's `dataset` key points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatasetRef {
    Builtin(String),
    File(PathBuf),
    /// Made in the app (a model's movie factors): it has a name but no file.
    Derived(String),
}

impl DatasetRef {
    /// Parses `builtin:NAME` or a path resolved against `base` (the scene's folder).
    #[must_use]
    pub fn parse(s: &str, base: Option<&Path>) -> Self {
        if let Some(id) = s.strip_prefix("builtin:") {
            Self::Builtin(id.to_owned())
        } else {
            let p = Path::new(s);
            match base {
                Some(base) if p.is_relative() => Self::File(base.join(p)),
                _ => Self::File(p.to_path_buf()),
            }
        }
    }

    /// Loads what this points at. A built-in is a table or ratings by its id;
    /// a file is read as ratings when `ratings` is set (the Factorize view),
    /// else as a table.
    ///
    /// # Errors
    /// The loader's error, or an unknown built-in.
    pub fn load(&self, ratings: bool) -> Result<SceneData, LoadError> {
        match self {
            Self::Builtin(id) => {
                if data::builtin(id).is_some() {
                    data::load_builtin(id).map(SceneData::Table)
                } else if data::builtin_ratings(id).is_some() || ratings {
                    data::load_builtin_ratings(id).map(SceneData::Ratings)
                } else {
                    data::load_builtin(id).map(SceneData::Table)
                }
            }
            Self::File(p) if ratings => data::load_ratings(p).map(SceneData::Ratings),
            Self::File(p) => data::load_dataset(p).map(SceneData::Table),
            Self::Derived(name) => Err(LoadError::Io {
                path: PathBuf::from(name),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "made in the app, it has no file to load",
                ),
            }),
        }
    }
}

/// What a scene's `dataset` key loads: a table of numbers or a ratings matrix.
#[derive(Clone, Debug)]
pub enum SceneData {
    Table(Dataset),
    Ratings(Ratings),
}

impl SceneData {
    /// The table, if this is one.
    #[must_use]
    pub fn table(&self) -> Option<&Dataset> {
        match self {
            Self::Table(ds) => Some(ds),
            Self::Ratings(_) => None,
        }
    }

    /// The ratings, if these are.
    #[must_use]
    pub fn ratings(&self) -> Option<&Ratings> {
        match self {
            Self::Ratings(r) => Some(r),
            Self::Table(_) => None,
        }
    }
}

impl fmt::Display for DatasetRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Builtin(id) => write!(f, "builtin:{id}"),
            Self::File(p) => write!(f, "{}", p.display()),
            Self::Derived(name) => write!(f, "{name}"),
        }
    }
}

/// A scene read from disk together with the dataset or ratings it shows.
#[derive(Clone, Debug)]
pub struct LoadedScene {
    pub scene: Scene,
    pub data: SceneData,
    pub dataset_ref: DatasetRef,
}

/// Reads a scene file, loads its dataset and checks the two fit together.
///
/// # Errors
/// Any [`SceneError`]; a dataset that cannot be loaded is reported at the
/// `dataset` key's line, with the loader's own message.
pub fn load_scene(path: &Path) -> Result<LoadedScene, SceneError> {
    let file = path.display().to_string();
    let src = read_toml_text(path, "a scene")?;
    load_scene_str(&src, &file, path.parent())
}

/// The text of a TOML file (`what`: "a scene", "a deck"), refused up front
/// if it is too large for memory.
///
/// # Errors
/// [`SceneError::Io`] when it cannot be read, [`SceneError::Invalid`] when it
/// is too large, and [`SceneError::At`] naming the line and column of the
/// first byte that is not UTF-8.
pub(crate) fn read_toml_text(path: &Path, what: &str) -> Result<String, SceneError> {
    let file = path.display().to_string();
    let bytes = crate::files::read_limited(path, crate::files::memory_available()).map_err(
        |e| match e {
            crate::files::ReadError::Io(source) => SceneError::Io {
                file: file.clone(),
                source,
            },
            too_large @ crate::files::ReadError::TooLarge { .. } => SceneError::Invalid {
                file: file.clone(),
                message: too_large.to_string(),
            },
        },
    )?;
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let valid_up_to = e.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&bytes[..valid_up_to]).unwrap_or_default();
        at(
            &file,
            valid,
            valid.len()..valid.len(),
            format!("not valid UTF-8 text ({what} is a TOML text file)"),
        )
    })
}

/// Like [`load_scene`] for text already in memory; relative dataset paths are
/// resolved against `base`.
///
/// # Errors
/// As [`load_scene`].
pub fn load_scene_str(
    src: &str,
    file: &str,
    base: Option<&Path>,
) -> Result<LoadedScene, SceneError> {
    let mut scene = Scene::from_toml(src, file)?;
    if scene.view == ViewKind::Image {
        check_picture(&mut scene, src, file, base)?;
    }
    let dataset_ref = DatasetRef::parse(&scene.dataset, base);
    let wants_ratings = scene.view.wants_ratings();
    // The Transform and Image views show either kind: a file is read as the app's
    // File → Open would read it, so a scene saved on a ratings file loads.
    let read_as_ratings = wants_ratings
        || (scene.view.takes_any_data()
            && matches!(&dataset_ref, DatasetRef::File(p) if data::looks_like_ratings(p)));
    let data = dataset_ref
        .load(read_as_ratings)
        .map_err(|e| spanned_error(src, file, &["dataset"], format!("dataset: {e}")))?;
    match &data {
        SceneData::Table(ds) if wants_ratings => {
            let available: Vec<&str> = data::RATINGS_BUILTINS.iter().map(|b| b.id).collect();
            return Err(spanned_error(
                src,
                file,
                &["dataset"],
                format!(
                    "dataset: the {} view needs a ratings matrix, and {} is a table (ratings built-ins: {})",
                    scene.view.title(),
                    super::quote(&ds.name),
                    available.join(", ")
                ),
            ));
        }
        SceneData::Ratings(r) if !wants_ratings && !scene.view.takes_any_data() => {
            return Err(spanned_error(
                src,
                file,
                &["dataset"],
                format!(
                    "dataset: {} is a ratings matrix, which the {} view cannot show: use view = \"factorize\"",
                    super::quote(&r.name),
                    scene.view.title()
                ),
            ));
        }
        SceneData::Table(ds) => scene.check_against(ds, src, file)?,
        SceneData::Ratings(r) => scene.check_against_ratings(r, src, file)?,
    }
    Ok(LoadedScene {
        scene,
        data,
        dataset_ref,
    })
}

/// Resolves the Image view's `picture` against the scene's folder and checks
/// that it opens and that `rank` fits it.
fn check_picture(
    scene: &mut Scene,
    src: &str,
    file: &str,
    base: Option<&Path>,
) -> Result<(), SceneError> {
    let at_key = |key: &str, message: String| spanned_error(src, file, &["image", key], message);
    if let DatasetRef::File(p) = DatasetRef::parse(&scene.image.picture, base) {
        scene.image.picture = p.display().to_string();
    }
    let picture = data::load_picture_ref(&scene.image.picture)
        .map_err(|e| at_key("picture", format!("image.picture: {e}")))?;
    let full = picture.width.min(picture.height);
    if scene.image.rank > full {
        return Err(at_key(
            "rank",
            format!(
                "image.rank: {} is more than the picture's smaller side ({} × {} pixels: at most {full} layers)",
                scene.image.rank, picture.width, picture.height
            ),
        ));
    }
    Ok(())
}
