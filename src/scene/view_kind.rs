//! Which view a scene shows: the `view` key.

use serde::{Deserialize, Serialize};

/// Which view a scene shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ViewKind {
    /// The Data view: table, statistics, covariance and a scatter plot.
    #[default]
    Data,
    /// The Transform view: a 2×2 or 3×3 matrix bending the plane or space.
    Transform,
    /// The PCA view: principal axes, the flattening animation, scree and scores.
    Pca,
    /// The Factorize view: a ratings matrix ≈ P·Qᵀ, trained live, with
    /// embeddings and recommendations.
    Factorize,
    /// The Embeddings view: word or item vectors projected by PCA, nearest
    /// neighbours by cosine, Euclidean distance or dot product, analogies.
    Embeddings,
    /// The Regression view: least squares as a projection, with the
    /// observation-space picture, the loss surface and ridge.
    Regress,
    /// The Image view: a picture is a matrix, rebuilt rank by rank from its SVD.
    Image,
    /// The Network view: a neural network is matrices alternated with
    /// bends; trained live, the plane flowing through it layer by layer.
    Network,
}

impl ViewKind {
    /// Every view, in tab order.
    pub const ALL: [Self; 8] = [
        Self::Data,
        Self::Transform,
        Self::Pca,
        Self::Factorize,
        Self::Embeddings,
        Self::Regress,
        Self::Image,
        Self::Network,
    ];

    /// The name shown on the view's tab.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::Data => "Data",
            Self::Transform => "Transform",
            Self::Pca => "PCA",
            Self::Factorize => "Factorize",
            Self::Embeddings => "Embeddings",
            Self::Regress => "Regression",
            Self::Image => "Image",
            Self::Network => "Network",
        }
    }

    /// Whether the view shows a ratings matrix (else a table of numbers).
    #[must_use]
    pub fn wants_ratings(self) -> bool {
        self == Self::Factorize
    }

    /// Whether the view works on a table and on ratings alike (the
    /// Transform view: the matrix alone; the Image view: its own picture),
    /// so a scene's dataset is read as File → Open would read it.
    #[must_use]
    pub fn takes_any_data(self) -> bool {
        matches!(self, Self::Transform | Self::Image)
    }
}
