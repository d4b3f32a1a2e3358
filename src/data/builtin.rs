//! Built-in datasets and ratings sets, embedded in the binary so the app works
//! with no files.
//!
//! The files live in `assets/datasets/`; each goes through the same parser as a
//! user's file, so a broken embedded file is an error, never a panic.

use std::path::Path;

use super::{
    Dataset, LoadError, Ratings, parse_delimited, parse_items, parse_labels,
    parse_projector_vectors, parse_ratings,
};

/// One embedded dataset.
#[derive(Debug)]
pub struct Builtin {
    /// Short id, as in a scene's `dataset = "builtin:<id>"`; also the dataset's name.
    pub id: &'static str,
    /// Human-readable title for menus.
    pub title: &'static str,
    /// One or two sentences on what the data is and what it shows.
    pub description: &'static str,
    /// The embedded file(s).
    files: Files,
}

/// What a built-in dataset is made of.
#[derive(Debug)]
enum Files {
    /// A CSV table.
    Delimited(&'static [u8]),
    /// An Embedding Projector pair: vectors, then metadata with a header.
    Projector {
        vectors: &'static [u8],
        metadata: &'static [u8],
    },
    /// Made when opened (always the same), not stored.
    Generated(fn() -> Dataset),
    /// Decoded when opened from an embedded file in its own format.
    Decoded(fn() -> Result<Dataset, LoadError>),
    /// A 2D set of [`playground`](super::playground) at its defaults.
    Playground(&'static str),
}

impl Builtin {
    /// Parses the embedded file(s) into a [`Dataset`] named after the id.
    ///
    /// # Errors
    /// The parser's [`LoadError`], naming `builtin:<id>`, if an embedded file is broken.
    pub fn load(&self) -> Result<Dataset, LoadError> {
        let path = format!("builtin:{}", self.id);
        match self.files {
            Files::Delimited(bytes) => {
                parse_delimited(bytes, self.id).map_err(|e| e.with_path(Path::new(&path)))
            }
            Files::Projector { vectors, metadata } => {
                let mut ds = parse_projector_vectors(vectors, self.id)
                    .map_err(|e| e.with_path(Path::new(&path)))?;
                let labels = parse_labels(metadata, self.id, ds.n_rows, &path)
                    .map_err(|e| e.with_path(Path::new(&format!("{path} (metadata)"))))?;
                ds.labels = labels;
                Ok(ds)
            }
            Files::Generated(make) => Ok(make()),
            Files::Decoded(decode) => decode(),
            Files::Playground(id) => super::playground::generator(id)
                .map(super::playground::Generator::generate_default)
                .ok_or_else(|| LoadError::UnknownBuiltin {
                    path: path.into(),
                    available: String::new(),
                }),
        }
    }

    /// Whether this dataset is an embedding (vectors with labels), best seen
    /// in the Embeddings view.
    #[must_use]
    pub fn is_embedding(&self) -> bool {
        matches!(self.files, Files::Projector { .. })
    }
}

/// All built-in datasets, in menu order.
pub static BUILTINS: &[Builtin] = &[
    Builtin {
        id: "iris",
        title: "Iris flowers",
        description: "Fisher's 150 iris flowers: sepal and petal length and width in cm, \
                      three species. Two species overlap; PCA separates the third.",
        files: Files::Delimited(include_bytes!("../../assets/datasets/iris.csv")),
    },
    Builtin {
        id: "cloud",
        title: "3D point cloud",
        description: "300 synthetic points in three clusters lying near a tilted plane: \
                      PCA finds two large components and one small.",
        files: Files::Delimited(include_bytes!("../../assets/datasets/cloud.csv")),
    },
    Builtin {
        id: "people",
        title: "People (mixed units)",
        description: "240 synthetic adults: height in cm, weight in kg, age in years, income \
                      in dollars and steps per day. The units differ by orders of magnitude: \
                      compare PCA with and without standardizing.",
        files: Files::Delimited(include_bytes!("../../assets/datasets/people.csv")),
    },
    Builtin {
        id: "anscombe",
        title: "Anscombe's quartet",
        description: "Anscombe's four datasets (1973), as R's `anscombe`: x1..x4 and y1..y4. \
                      Each pair has the same means, variances, correlation and fitted line \
                      y ≈ 3 + 0.5x, and looks nothing like the others.",
        files: Files::Delimited(include_bytes!("../../assets/datasets/anscombe.csv")),
    },
    Builtin {
        id: "words",
        title: "Word embeddings",
        description: "300 common English words in 12 groups (animals, countries, capitals, \
                      colours, emotions, ...), embedded in 384 dimensions by the \
                      all-MiniLM-L6-v2 sentence model: similar meanings point in similar \
                      directions. Made by scripts/make_words.py.",
        files: Files::Projector {
            vectors: include_bytes!("../../assets/datasets/words-vectors.tsv"),
            metadata: include_bytes!("../../assets/datasets/words-metadata.tsv"),
        },
    },
    Builtin {
        id: "cloud-1m",
        title: "1M-point cloud",
        description: "A million points in six clusters near a tilted plane, generated \
                      (always the same) when opened: PCA, the scatter and the 3D view at scale.",
        files: Files::Generated(super::generated::cloud_1m),
    },
    Builtin {
        id: "digits",
        title: "Digits (8×8 pixels)",
        description: "1,797 handwritten digits as 8×8 pixel counts 0–16 (columns pix_0 … pix_63, \
                      row by row) and their label: UCI's optdigits test set as scikit-learn \
                      ships it (CC BY 4.0).",
        files: Files::Decoded(super::digits::digits),
    },
    Builtin {
        id: "circles",
        title: "Circles (2D)",
        description: "500 points: a disc inside a ring. No straight line separates them; \
                      a network with a hidden layer, or the feature x², does.",
        files: Files::Playground("circles"),
    },
    Builtin {
        id: "xor",
        title: "XOR (2D)",
        description: "500 points in four quadrants, the class the sign of x·y: the problem a \
                      single layer cannot learn.",
        files: Files::Playground("xor"),
    },
    Builtin {
        id: "gauss",
        title: "Gaussians (2D)",
        description: "500 points in two round clusters at (2, 2) and (−2, −2): a straight \
                      line separates them (logistic regression is enough).",
        files: Files::Playground("gauss"),
    },
    Builtin {
        id: "spiral",
        title: "Spirals (2D)",
        description: "1,000 points on two interleaved spirals of 1¾ turns: a network needs \
                      two hidden layers to unroll them.",
        files: Files::Playground("spiral"),
    },
    Builtin {
        id: "moons",
        title: "Moons (2D)",
        description: "500 points on two interlocking half circles (scikit-learn's \
                      make_moons, scaled by 3).",
        files: Files::Playground("moons"),
    },
    Builtin {
        id: "plane",
        title: "Plane (2D regression)",
        description: "500 points uniform in [−6, 6]² with target (x + y)/12 plus noise: \
                      linear regression fits it.",
        files: Files::Playground("plane"),
    },
    Builtin {
        id: "bump",
        title: "Bump (2D regression)",
        description: "500 points uniform in [−6, 6]² with target exp(−(x² + y²)/8) plus \
                      noise: a smooth hill a hidden layer can learn.",
        files: Files::Playground("bump"),
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

/// One embedded ratings set: ratings and, optionally, item metadata (titles, genres).
#[derive(Debug)]
pub struct BuiltinRatings {
    /// Short id, as in `builtin:<id>`; also the ratings set's name.
    pub id: &'static str,
    /// Human-readable title for menus.
    pub title: &'static str,
    /// One or two sentences on what the data is and what it shows.
    pub description: &'static str,
    /// The embedded ratings file (long or wide layout).
    ratings: &'static [u8],
    /// The embedded item metadata file, if any.
    items: Option<&'static [u8]>,
}

impl BuiltinRatings {
    /// Parses the embedded files into [`Ratings`] named after the id.
    ///
    /// # Errors
    /// The parser's [`LoadError`], naming `builtin:<id>`, if an embedded file is broken.
    pub fn load(&self) -> Result<Ratings, LoadError> {
        let path = format!("builtin:{}", self.id);
        let mut ratings =
            parse_ratings(self.ratings, self.id).map_err(|e| e.with_path(Path::new(&path)))?;
        if let Some(items) = self.items {
            let items = parse_items(items, self.id)
                .map_err(|e| e.with_path(Path::new(&format!("{path} (items)"))))?;
            ratings.attach_items(items);
        }
        Ok(ratings)
    }
}

/// All built-in ratings sets, in menu order.
pub static RATINGS_BUILTINS: &[BuiltinRatings] = &[
    BuiltinRatings {
        id: "tiny-movies",
        title: "Tiny movies (4 × 5)",
        description: "The classic small example: 4 viewers rate 5 films, children's and \
                      adult, blockbuster and art-house, with a few gaps to predict.",
        ratings: include_bytes!("../../assets/datasets/tiny-movies.csv"),
        items: Some(include_bytes!(
            "../../assets/datasets/tiny-movies-items.csv"
        )),
    },
    BuiltinRatings {
        id: "movie-night",
        title: "Movie night (100 × 40)",
        description: "100 synthetic viewers rate 40 real films, about 30% observed. Tastes \
                      were planted along two axes, children ↔ adult and blockbuster ↔ \
                      art-house: a rank-2 factorization finds them.",
        ratings: include_bytes!("../../assets/datasets/movie-night.csv"),
        items: Some(include_bytes!(
            "../../assets/datasets/movie-night-movies.csv"
        )),
    },
];

/// The built-in ratings set with this id.
#[must_use]
pub fn builtin_ratings(id: &str) -> Option<&'static BuiltinRatings> {
    RATINGS_BUILTINS.iter().find(|b| b.id == id)
}

/// Loads the built-in ratings set with this id.
///
/// # Errors
/// [`LoadError::UnknownBuiltinRatings`] if there is none, or the parser's error
/// if an embedded file is broken.
pub fn load_builtin_ratings(id: &str) -> Result<Ratings, LoadError> {
    let Some(b) = builtin_ratings(id) else {
        return Err(LoadError::UnknownBuiltinRatings {
            path: format!("builtin:{id}").into(),
            available: RATINGS_BUILTINS
                .iter()
                .map(|b| b.id)
                .collect::<Vec<_>>()
                .join(", "),
        });
    };
    b.load()
}
