//! The `[embeddings]` table: settings of the Embeddings view.

use serde::{Deserialize, Deserializer, Serialize};

use crate::data::Dataset;

use super::ViewKind;
use super::bounds::quote;
use super::camera::CameraSettings;
use super::check::{Misfit, de_usize_in, no_label_column};
use super::error::value_span;
use super::projection::ProjectionSettings;

/// Whether the Embeddings view projects onto a plane or into space.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum EmbeddingsMode {
    /// Two principal components, drawn as a 2D scatter.
    #[default]
    #[serde(rename = "2d")]
    Plane,
    /// Three principal components, in the orbit-camera 3D view.
    #[serde(rename = "3d")]
    Space,
}

/// Longest neighbour list the Embeddings view shows.
pub const MAX_NEIGHBORS: usize = 100;

/// The `[embeddings]` table: settings of the Embeddings view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EmbeddingsSettings {
    /// `"2d"` or `"3d"`.
    pub mode: EmbeddingsMode,
    /// The principal components on the x, y (and, in 3D, z) axes, 1-based:
    /// two or three distinct numbers.
    #[serde(deserialize_with = "de_components")]
    pub components: Vec<usize>,
    /// The numeric columns that make up each vector. Empty: all of them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dims: Vec<String>,
    /// Label column colouring the points (default: the first label column with
    /// 2 to 30 distinct values, such as a group; `""`: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Label column naming the points (default: the first label column).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Write names beside the points (where they do not collide).
    pub labels: bool,
    /// The search box's text; matching points are highlighted.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub search: String,
    /// Read the search as a regular expression instead of a substring.
    pub regex: bool,
    /// The name of the selected point, whose neighbours are listed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selected: Option<String>,
    /// How neighbours are ranked: cosine | euclidean | dot.
    pub metric: crate::math::similarity::Metric,
    /// How many neighbours, 1..=100.
    #[serde(deserialize_with = "de_k")]
    pub k: usize,
    /// Show only the selection and its neighbours, with PCA fitted to them.
    pub isolate: bool,
    /// An analogy a − b + c as three names, e.g. `["king", "man", "woman"]`;
    /// empty for none.
    #[serde(deserialize_with = "de_analogy", skip_serializing_if = "Vec::is_empty")]
    pub analogy: Vec<String>,
    /// The 3D mode's orbit camera.
    pub camera: CameraSettings,
    /// PCA, t-SNE or UMAP, with the method's settings and seed.
    #[serde(skip_serializing_if = "ProjectionSettings::is_default")]
    pub projection: ProjectionSettings,
}

impl Default for EmbeddingsSettings {
    fn default() -> Self {
        Self {
            mode: EmbeddingsMode::Plane,
            components: vec![1, 2, 3],
            dims: Vec::new(),
            color: None,
            name: None,
            labels: true,
            search: String::new(),
            regex: false,
            selected: None,
            metric: crate::math::similarity::Metric::Cosine,
            k: 10,
            isolate: false,
            analogy: Vec::new(),
            camera: CameraSettings::default(),
            projection: ProjectionSettings::default(),
        }
    }
}

fn de_k<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    de_usize_in(d, "embeddings.k", 1..=MAX_NEIGHBORS)
}

fn de_components<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<usize>, D::Error> {
    let v = Vec::<i64>::deserialize(d)?;
    let bad = || {
        serde::de::Error::custom(format!(
            "embeddings.components: expected two or three distinct component numbers, 1 or more, such as [1, 2, 3], got {v:?}"
        ))
    };
    if !(2..=3).contains(&v.len()) {
        return Err(bad());
    }
    let c: Vec<usize> = v
        .iter()
        .map(|&x| usize::try_from(x).ok().filter(|&x| x >= 1))
        .collect::<Option<_>>()
        .ok_or_else(bad)?;
    if c.iter().enumerate().any(|(i, x)| c[..i].contains(x)) {
        return Err(bad());
    }
    Ok(c)
}

fn de_analogy<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let v = Vec::<String>::deserialize(d)?;
    if v.is_empty() || v.len() == 3 {
        Ok(v)
    } else {
        Err(serde::de::Error::custom(format!(
            "embeddings.analogy: expected three names [a, b, c] for a − b + c, got {}",
            v.len()
        )))
    }
}

impl EmbeddingsSettings {
    /// Checks, unless the scene shows another view and leaves this table at
    /// its defaults, the dimensions, label columns, components and the names the
    /// table selects against the dataset. `src` is the scene's text: an
    /// impossible component is reported at `components` where that key is
    /// written, else at `mode` (the default's third component is wanted
    /// because of `mode = "3d"`).
    ///
    /// # Errors
    /// The first setting that does not fit `ds`.
    pub(super) fn check_against(
        &self,
        ds: &Dataset,
        view: ViewKind,
        src: &str,
    ) -> Result<(), Misfit> {
        if view != ViewKind::Embeddings && *self == Self::default() {
            return Ok(());
        }
        Misfit::check_supervise("embeddings", &self.projection, ds)?;
        let fail =
            |key: &'static str, message: String| Err(Misfit::new("embeddings", key, message));
        for name in &self.dims {
            if ds.column(name).is_none() {
                return fail(
                    "dims",
                    format!(
                        "embeddings.dims: {} has no numeric column {} ({} columns, the first {})",
                        quote(&ds.name),
                        quote(name),
                        ds.columns.len(),
                        ds.columns
                            .first()
                            .map_or_else(|| "none".to_owned(), |c| quote(&c.name))
                    ),
                );
            }
        }
        let d = if self.dims.is_empty() {
            ds.columns.len()
        } else {
            self.dims.len()
        };
        // 2D shows the first two components; the third matters in 3D only.
        let shown = match self.mode {
            EmbeddingsMode::Plane => 2,
            EmbeddingsMode::Space => 3,
        };
        if let Some(&c) = self.components.iter().take(shown).find(|&&c| c > d) {
            let key = if value_span(src, &["embeddings", "components"]).is_some() {
                "components"
            } else {
                "mode"
            };
            return fail(
                key,
                format!(
                    "embeddings.components: component {c} does not exist: the vectors have {d} dimensions"
                ),
            );
        }
        for (key, value) in [("color", &self.color), ("name", &self.name)] {
            if let Some(name) = value
                && !(key == "color" && name.is_empty())
                && ds.label(name).is_none()
            {
                return fail(key, no_label_column(&format!("embeddings.{key}"), ds, name));
            }
        }
        self.check_names(ds)
    }

    /// The selected point and the analogy's three names are points of `ds`.
    fn check_names(&self, ds: &Dataset) -> Result<(), Misfit> {
        let names = match self.name.as_deref() {
            Some(n) => ds.label(n),
            None => ds.labels.first(),
        };
        // Without a name column the view names points `#row` (0-based).
        let exists = |word: &str| match names {
            Some(l) => l.categories.iter().any(|c| c == word),
            None => word
                .strip_prefix('#')
                .and_then(|r| r.parse::<usize>().ok())
                .is_some_and(|r| r < ds.n_rows),
        };
        if let Some(word) = &self.selected
            && !exists(word)
        {
            return Err(Misfit::new(
                "embeddings",
                "selected",
                format!(
                    "embeddings.selected: {} has no point named {}",
                    quote(&ds.name),
                    quote(word)
                ),
            ));
        }
        if let Some(word) = self.analogy.iter().find(|w| !exists(w)) {
            return Err(Misfit::new(
                "embeddings",
                "analogy",
                format!(
                    "embeddings.analogy: {} has no point named {}",
                    quote(&ds.name),
                    quote(word)
                ),
            ));
        }
        Ok(())
    }
}
