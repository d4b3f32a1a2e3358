//! Opening a path: a scene, a picture, a ratings file or a table, sniffed from its name
//! and first line, with a typed error that names the file (and line).

use std::path::Path;

use crate::data::{self, BadCells, Dataset, LoadError, LoadProgress, Ratings};
use crate::scene::{self, LoadedScene, SceneError};

/// Something opened from a path: a dataset, ratings, or a scene with its data.
#[derive(Debug)]
pub enum Opened {
    Dataset(Dataset),
    Ratings(Ratings),
    Scene(Box<LoadedScene>),
    /// A PNG or JPEG, for the Image view.
    Picture(Box<crate::data::Picture>),
    /// A model trained elsewhere (Spark ALS, implicit), for the Factorize view.
    Model(Box<OpenedModel>),
}

/// A saved model and the ratings file found beside it.
#[derive(Debug)]
pub struct OpenedModel {
    pub model: data::SavedModel,
    /// The ratings beside the model, and their file.
    pub ratings: Option<(Ratings, std::path::PathBuf)>,
    /// Why the ratings beside it did not open, if they did not (the model
    /// opens without them).
    pub ratings_error: Option<LoadError>,
}

/// Why a path could not be opened (each names the file, and the line where
/// there is one).
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// A table or ratings file that does not read.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A scene file (or its dataset) that does not read.
    #[error(transparent)]
    Scene(#[from] SceneError),
}

/// Opens `path`: a `.toml` file is a scene; a `.png`, `.jpg` or `.jpeg`
/// a picture (the Image view's); a file that
/// [`looks like ratings`](data::looks_like_ratings) (`u.data`, `ratings*.csv`,
/// or a `user,item,rating` header) is a ratings matrix, with titles from a
/// `u.item` or `movies.csv` beside it; anything else is a table.
///
/// # Errors
/// The loader's error, naming the file and, where there is one, line and column.
pub fn open_path(path: &Path) -> Result<Opened, OpenError> {
    open_path_with(path, &LoadProgress::new())
}

/// [`open_path`], reporting a table's or a ratings file's load to
/// `progress` (bytes read of the file's size) and stopping when it is
/// cancelled.
///
/// # Errors
/// As [`open_path`]; a cancelled load says so.
pub fn open_path_with(path: &Path, progress: &LoadProgress) -> Result<Opened, OpenError> {
    open_path_reading(path, progress, BadCells::Error).map(|(opened, _)| opened)
}

/// [`open_path_with`], where `bad_cells` says what a cell of a table's
/// numeric column that is not a number does ([`BadCells::Missing`]: read as
/// missing). Returns what was opened and how many cells were read as missing.
///
/// # Errors
/// As [`open_path`].
pub fn open_path_reading(
    path: &Path,
    progress: &LoadProgress,
    bad_cells: BadCells,
) -> Result<(Opened, usize), OpenError> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
    {
        Ok((Opened::Scene(Box::new(scene::load_scene(path)?)), 0))
    } else if data::is_saved_model(path) {
        Ok((Opened::Model(Box::new(open_model(path, progress)?)), 0))
    } else if data::looks_like_picture(path) {
        Ok((Opened::Picture(Box::new(data::load_picture(path)?)), 0))
    } else if data::looks_like_ratings(path) {
        Ok((Opened::Ratings(data::load_ratings_with(path, progress)?), 0))
    } else {
        let (ds, bad) = data::load_table_with(path, None, progress, bad_cells)?;
        Ok((Opened::Dataset(ds), bad))
    }
}

/// The saved model at `path`, with the ratings file beside it
/// ([`data::ratings_beside`]) when there is one that opens.
///
/// # Errors
/// The model's loader's error, naming the file.
pub fn open_model(path: &Path, progress: &LoadProgress) -> Result<OpenedModel, OpenError> {
    let model = data::load_saved_model(path, progress)?;
    let (ratings, ratings_error) = match data::ratings_beside(path) {
        Some(file) => match data::load_ratings(&file) {
            Ok(r) => (Some((r, file)), None),
            Err(e) => (None, Some(e)),
        },
        None => (None, None),
    };
    Ok(OpenedModel {
        model,
        ratings,
        ratings_error,
    })
}

impl OpenError {
    /// Whether opening again with [`BadCells::Missing`] would read the cell
    /// at fault as missing (a table's cell that is not a number).
    #[must_use]
    pub fn readable_as_missing(&self) -> bool {
        matches!(
            self,
            Self::Load(LoadError::NotANumber {
                readable_as_missing: true,
                ..
            })
        )
    }
}
