//! The `[embeddings.projection]` and `[pca.projection]` tables: which map places the points (PCA,
//! t-SNE or UMAP), that method's settings, its seed, and the iteration the
//! picture was taken at, so a scene reproduces the same coordinates.

use serde::{Deserialize, Deserializer, Serialize};

use super::check::{de_f64_in, de_usize_in};
use crate::math::project::Init;

/// How vectors are placed on the map.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProjectionMethod {
    /// A change of basis and a drop: keeps large distances.
    #[default]
    Pca,
    /// t-SNE: keeps each point's neighbours, loses large distances.
    Tsne,
    /// UMAP: keeps neighbours through a fuzzy graph, faster than t-SNE.
    Umap,
}

impl ProjectionMethod {
    /// The name shown on the switch and the axes.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Pca => "PCA",
            Self::Tsne => "t-SNE",
            Self::Umap => "UMAP",
        }
    }
}

/// Largest perplexity a scene may ask for (the Projector allows 2–100).
pub const MAX_PERPLEXITY: f64 = 500.0;
/// Most t-SNE iterations or UMAP epochs a scene may ask for.
pub const MAX_ITERATIONS: usize = 100_000;

/// The `[embeddings.projection]` table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProjectionSettings {
    /// `"pca"`, `"tsne"` or `"umap"`.
    pub method: ProjectionMethod,
    /// t-SNE: the effective number of neighbours (lowered to below rows/3 on small data).
    #[serde(deserialize_with = "de_perplexity")]
    pub perplexity: f64,
    /// t-SNE: iterations in all, the first 250 exaggerated.
    #[serde(deserialize_with = "de_iterations")]
    pub iterations: usize,
    /// t-SNE: the early exaggeration α.
    #[serde(deserialize_with = "de_exaggeration")]
    pub exaggeration: f64,
    /// t-SNE: the learning rate; absent: max(n/α, 50) (openTSNE's "auto").
    #[serde(
        deserialize_with = "de_learning_rate",
        skip_serializing_if = "Option::is_none"
    )]
    pub learning_rate: Option<f64>,
    /// UMAP: neighbourhood size, the point itself counted.
    #[serde(deserialize_with = "de_neighbors")]
    pub neighbors: usize,
    /// UMAP: how tightly points may pack, 0 ≤ min_dist < 1.
    #[serde(deserialize_with = "de_min_dist")]
    pub min_dist: f64,
    /// UMAP: epochs; absent: 500 up to 10,000 rows, 200 above.
    #[serde(
        deserialize_with = "de_epochs",
        skip_serializing_if = "Option::is_none"
    )]
    pub epochs: Option<usize>,
    /// Where the map starts: `"pca"` (the PCA scores, the same for every
    /// seed) or `"random"` (a seeded cloud; Re-run picks it with the next seed).
    pub init: Init,
    /// Seeds the random parts (the random start, UMAP's sampling).
    pub seed: u64,
    /// The label column supervising the map (the Embedding Projector's
    /// "supervise by"); `""`: none.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub supervise: String,
    /// How strongly the label supervises, 0 (off) ..= 1.
    #[serde(
        deserialize_with = "de_supervise_weight",
        skip_serializing_if = "is_zero"
    )]
    pub supervise_weight: f64,
    /// The iteration (t-SNE) or epoch (UMAP) the map stopped at; absent:
    /// it ran to the end.
    #[serde(rename = "iteration", skip_serializing_if = "Option::is_none")]
    pub stop_at: Option<usize>,
}

impl Default for ProjectionSettings {
    fn default() -> Self {
        Self {
            method: ProjectionMethod::Pca,
            perplexity: 30.0,
            iterations: 750,
            exaggeration: 12.0,
            learning_rate: None,
            neighbors: 15,
            min_dist: 0.1,
            epochs: None,
            init: Init::Pca,
            seed: 0,
            supervise: String::new(),
            supervise_weight: 0.0,
            stop_at: None,
        }
    }
}

impl ProjectionSettings {
    /// Whether this is the default (PCA, default settings): not written to scenes.
    #[must_use]
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// The settings the map depends on: everything but where it stopped.
    #[must_use]
    pub fn run_settings(&self) -> Self {
        Self {
            stop_at: None,
            ..self.clone()
        }
    }
}

fn de_perplexity<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    de_f64_in(d, "projection.perplexity", 1.0..=MAX_PERPLEXITY, false)
}

fn de_iterations<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    de_usize_in(d, "projection.iterations", 1..=MAX_ITERATIONS)
}

fn de_exaggeration<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    de_f64_in(d, "projection.exaggeration", 1.0..=100.0, false)
}

fn de_learning_rate<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    de_f64_in(d, "projection.learning_rate", 0.0..=1e7, true).map(Some)
}

fn de_neighbors<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    de_usize_in(d, "projection.neighbors", 2..=200)
}

fn de_min_dist<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    de_f64_in(d, "projection.min_dist", 0.0..=0.99, false)
}

fn de_epochs<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    de_usize_in(d, "projection.epochs", 1..=MAX_ITERATIONS).map(Some)
}

fn de_supervise_weight<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    de_f64_in(d, "projection.supervise_weight", 0.0..=1.0, false)
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
fn is_zero(v: &f64) -> bool {
    *v == 0.0
}
