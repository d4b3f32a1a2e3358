//! Built-in datasets, embedded in the binary so the app works with no files.
//!
//! The CSVs live in `assets/datasets/`; each goes through the same parser as a
//! user's file, so a broken embedded file is an error, never a panic.

use std::path::Path;

use super::{Dataset, LoadError, parse_delimited};

/// One embedded dataset.
#[derive(Debug)]
pub struct Builtin {
    /// Short id, as in a scene's `dataset = "builtin:<id>"`; also the dataset's name.
    pub id: &'static str,
    /// Human-readable title for menus.
    pub title: &'static str,
    /// One or two sentences on what the data is and what it shows.
    pub description: &'static str,
    /// The embedded CSV.
    bytes: &'static [u8],
}

impl Builtin {
    /// Parses the embedded file into a [`Dataset`] named after the id.
    ///
    /// # Errors
    /// The parser's [`LoadError`], naming `builtin:<id>`, if the embedded file is broken.
    pub fn load(&self) -> Result<Dataset, LoadError> {
        parse_delimited(self.bytes, self.id)
            .map_err(|e| e.with_path(Path::new(&format!("builtin:{}", self.id))))
    }
}

/// All built-in datasets, in menu order.
pub static BUILTINS: &[Builtin] = &[
    Builtin {
        id: "iris",
        title: "Iris flowers",
        description: "Fisher's 150 iris flowers: sepal and petal length and width in cm, \
                      three species. Two species overlap; PCA separates the third.",
        bytes: include_bytes!("../../assets/datasets/iris.csv"),
    },
    Builtin {
        id: "cloud",
        title: "3D point cloud",
        description: "300 synthetic points in three clusters lying near a tilted plane: \
                      PCA finds two large components and one small.",
        bytes: include_bytes!("../../assets/datasets/cloud.csv"),
    },
    Builtin {
        id: "people",
        title: "People (mixed units)",
        description: "240 synthetic adults: height in cm, weight in kg, age in years, income \
                      in dollars and steps per day. The units differ by orders of magnitude: \
                      compare PCA with and without standardizing.",
        bytes: include_bytes!("../../assets/datasets/people.csv"),
    },
];

/// The built-in dataset with this id.
#[must_use]
pub fn builtin(id: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.id == id)
}

/// Loads the built-in dataset with this id.
///
/// # Errors
/// [`LoadError::UnknownBuiltin`] if there is none, or the parser's error if the
/// embedded file is broken.
pub fn load_builtin(id: &str) -> Result<Dataset, LoadError> {
    let Some(b) = builtin(id) else {
        return Err(LoadError::UnknownBuiltin {
            path: format!("builtin:{id}").into(),
            available: BUILTINS.iter().map(|b| b.id).collect::<Vec<_>>().join(", "),
        });
    };
    b.load()
}
