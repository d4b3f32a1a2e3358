//! Opening a path: a scene, a picture, a ratings file or a table, sniffed from its name
//! and first line, with a typed error that names the file (and line).

use std::path::Path;

use crate::data::{self, Dataset, LoadError, LoadProgress, Ratings};
use crate::scene::{self, LoadedScene, SceneError};

/// Something opened from a path: a dataset, ratings, or a scene with its data.
#[derive(Debug)]
pub enum Opened {
    Dataset(Dataset),
    Ratings(Ratings),
    Scene(Box<LoadedScene>),
    /// A PNG or JPEG, for the Image view.
    Picture(Box<crate::data::Picture>),
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

/// [`open_path`], reporting a table's load to `progress` (bytes read of the
/// file's size) and stopping when it is cancelled.
///
/// # Errors
/// As [`open_path`]; a cancelled load says so.
pub fn open_path_with(path: &Path, progress: &LoadProgress) -> Result<Opened, OpenError> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
    {
        Ok(Opened::Scene(Box::new(scene::load_scene(path)?)))
    } else if data::looks_like_picture(path) {
        Ok(Opened::Picture(Box::new(data::load_picture(path)?)))
    } else if data::looks_like_ratings(path) {
        Ok(Opened::Ratings(data::load_ratings(path)?))
    } else {
        Ok(Opened::Dataset(data::load_dataset_with(path, progress)?))
    }
}
