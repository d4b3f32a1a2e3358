//! Scene files: the serializable state of one view (TOML), as DESIGN.md
//! describes. A scene names a view, a dataset, optional window settings and
//! the view's own table; unknown keys and wrong types are errors naming the
//! key, line and column.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize};

use crate::data::{self, Dataset, LoadError, Ratings};

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
}

impl ViewKind {
    /// Every view, in tab order.
    pub const ALL: [Self; 5] = [
        Self::Data,
        Self::Transform,
        Self::Pca,
        Self::Factorize,
        Self::Embeddings,
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
        }
    }

    /// Whether the view shows a ratings matrix (else a table of numbers).
    #[must_use]
    pub fn wants_ratings(self) -> bool {
        self == Self::Factorize
    }
}

/// Light or dark colours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

impl std::str::FromStr for Theme {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "light" => Ok(Self::Light),
            "dark" => Ok(Self::Dark),
            other => Err(format!("unknown theme {other:?}: expected light or dark")),
        }
    }
}

/// The `[window]` table: size of the image or window, theme and pixels per point.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WindowSettings {
    /// Width in points (the PNG is `width × scale` pixels wide).
    #[serde(deserialize_with = "de_size")]
    pub width: u32,
    /// Height in points.
    #[serde(deserialize_with = "de_size")]
    pub height: u32,
    pub theme: Theme,
    /// Pixels per point.
    #[serde(deserialize_with = "de_scale")]
    pub scale: f32,
}

impl Default for WindowSettings {
    fn default() -> Self {
        Self {
            width: 1600,
            height: 1000,
            theme: Theme::Light,
            scale: 1.0,
        }
    }
}

/// Smallest and largest accepted width or height, in points.
pub const SIZE_RANGE: std::ops::RangeInclusive<u32> = 64..=8192;
/// Smallest and largest accepted pixels per point.
pub const SCALE_RANGE: std::ops::RangeInclusive<f32> = 0.25..=4.0;

fn de_size<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let v = i64::deserialize(d)?;
    u32::try_from(v)
        .ok()
        .filter(|v| SIZE_RANGE.contains(v))
        .ok_or_else(|| {
            serde::de::Error::custom(format!(
                "must be between {} and {} points, got {v}",
                SIZE_RANGE.start(),
                SIZE_RANGE.end()
            ))
        })
}

fn de_scale<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
    de_in(d, &SCALE_RANGE)
}

/// How the 3D views project space onto the screen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Projection {
    /// Far things look smaller, as to the eye.
    #[default]
    Perspective,
    /// Parallel lines stay parallel; sizes do not depend on depth.
    Orthographic,
}

/// Accepted camera pitch, in degrees (±90 looks straight down or up).
pub const PITCH_RANGE: std::ops::RangeInclusive<f32> = -90.0..=90.0;
/// Accepted camera distance, in units of the view's data radius.
pub const DISTANCE_RANGE: std::ops::RangeInclusive<f32> = 0.2..=50.0;

/// An orbit camera: it looks at `target` from `distance` away, turned `yaw`
/// degrees about the vertical (z) axis and raised `pitch` degrees above the
/// horizontal plane. Views scale their data to fit a sphere of radius 1 about
/// the origin, so these numbers mean the same for every dataset.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CameraSettings {
    /// Degrees about the vertical axis; −90 looks along +y with x to the right.
    #[serde(deserialize_with = "de_finite")]
    pub yaw: f32,
    /// Degrees above the horizontal plane, −90..=90.
    #[serde(deserialize_with = "de_pitch")]
    pub pitch: f32,
    /// Distance from the target, 0.2..=50 (the data fit a sphere of radius 1).
    #[serde(deserialize_with = "de_distance")]
    pub distance: f32,
    /// The point the camera orbits and looks at.
    #[serde(deserialize_with = "de_target")]
    pub target: [f32; 3],
    pub projection: Projection,
}

impl Default for CameraSettings {
    fn default() -> Self {
        Self {
            yaw: -60.0,
            pitch: 22.0,
            distance: 4.5,
            target: [0.0; 3],
            projection: Projection::Perspective,
        }
    }
}

/// A number that is finite as the f32 it is stored in (1e300 is a finite
/// f64 but an infinite f32).
fn de_finite<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
    let v = f64::deserialize(d)?;
    if (v as f32).is_finite() {
        Ok(v as f32)
    } else {
        Err(serde::de::Error::custom(format!(
            "must be a finite number no larger than {:e}, got {}",
            f32::MAX,
            crate::math::fmt_typed(v)
        )))
    }
}

fn de_in<'de, D: Deserializer<'de>>(
    d: D,
    range: &std::ops::RangeInclusive<f32>,
) -> Result<f32, D::Error> {
    let v = f64::deserialize(d)?;
    let f = v as f32;
    if range.contains(&f) {
        Ok(f)
    } else {
        Err(serde::de::Error::custom(format!(
            "must be between {} and {}, got {}",
            range.start(),
            range.end(),
            crate::math::fmt_typed(v)
        )))
    }
}

fn de_pitch<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
    de_in(d, &PITCH_RANGE)
}

fn de_distance<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
    de_in(d, &DISTANCE_RANGE)
}

fn de_target<'de, D: Deserializer<'de>>(d: D) -> Result<[f32; 3], D::Error> {
    let v = <[f64; 3]>::deserialize(d)?;
    if v.iter().all(|&x| (x as f32).is_finite()) {
        Ok(v.map(|x| x as f32))
    } else {
        Err(serde::de::Error::custom(format!(
            "must be three finite numbers no larger than {:e}",
            f32::MAX
        )))
    }
}

/// A fraction 0..=1: the position of a view's animation.
fn de_progress<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
    de_in(d, &(0.0..=1.0))
}

/// Which part of the Data view is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DataPanel {
    /// The rows, virtualized.
    Table,
    /// Count, mean, std, min, max and missing per column.
    Statistics,
    /// Covariance and correlation heatmaps.
    Matrices,
    /// A scatter plot of two columns coloured by a label.
    #[default]
    Scatter,
}

impl DataPanel {
    /// Every panel, in tab order.
    pub const ALL: [Self; 4] = [Self::Table, Self::Statistics, Self::Matrices, Self::Scatter];

    /// The panel's tab title.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::Table => "Table",
            Self::Statistics => "Statistics",
            Self::Matrices => "Covariance",
            Self::Scatter => "Scatter",
        }
    }
}

/// The `[data]` table: settings of the Data view.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DataSettings {
    pub panel: DataPanel,
    /// Numeric column on the scatter's horizontal axis (default: the first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// Numeric column on the vertical axis (default: the second).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    /// Label column colouring the points (default: the first label column, if any).
    /// `""` means no colouring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
}

/// What the PCA view shows below its scree plot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PcaPanel {
    /// The components' loadings per column.
    #[default]
    Loadings,
    /// The covariance matrix the components diagonalize.
    Covariance,
}

/// The `[pca]` table: settings of the PCA view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PcaSettings {
    /// Numeric columns to analyse, at least two (default: the first three).
    pub columns: Vec<String>,
    /// Scale every column to unit variance (z-scores) before PCA.
    pub standardize: bool,
    /// Position of the 3D animation, 0..=1: centre and rotate (to ⅓), project
    /// onto the PC1–PC2 plane (to ⅔), turn the plane to face the viewer (to 1).
    #[serde(deserialize_with = "de_progress")]
    pub progress: f32,
    /// Component on the scores scatter's horizontal axis, 1-based.
    pub x_component: usize,
    /// Component on the vertical axis, 1-based.
    pub y_component: usize,
    /// Draw the columns' loading vectors on the scores scatter.
    pub biplot: bool,
    /// Label column colouring the points (default: the first; `""`: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Loadings table or covariance heatmap.
    pub panel: PcaPanel,
    /// The 3D view's camera.
    pub camera: CameraSettings,
}

impl Default for PcaSettings {
    fn default() -> Self {
        Self {
            columns: Vec::new(),
            standardize: false,
            progress: 0.0,
            x_component: 1,
            y_component: 2,
            biplot: false,
            color: None,
            panel: PcaPanel::Loadings,
            camera: CameraSettings::default(),
        }
    }
}

/// How the Factorize view fits the factors (the command line's `--method`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FactorizeMethod {
    /// Alternating least squares: exact steps, the loss never rises.
    #[default]
    Als,
    /// Stochastic gradient descent, one rating at a time.
    Sgd,
}

/// How the Factorize view ranks movies for a user.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Metric {
    /// The predicted rating μ + b_u + b_i + p_u · q_i: long (popular) movie
    /// vectors score higher.
    #[default]
    Dot,
    /// cos θ between p_u and q_i: direction only, length ignored.
    Cosine,
}

/// Largest rank the view accepts (the command line takes more).
pub const VIEW_MAX_RANK: usize = 100;
/// Most epochs the view trains.
pub const VIEW_MAX_EPOCHS: usize = 10_000;
/// Longest recommendation or similarity list.
pub const MAX_TOP_N: usize = 100;

/// One edited cell of the ratings matrix: `rating` set, or cleared when absent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingEdit {
    /// The user's id.
    pub user: String,
    /// The item's id or title.
    pub item: String,
    /// The new rating; absent clears the cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<f64>,
}

/// The `[factorize]` table: settings of the Factorize view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FactorizeSettings {
    pub method: FactorizeMethod,
    /// k, the number of latent factors, 1..=100.
    #[serde(deserialize_with = "de_rank")]
    pub rank: usize,
    /// λ, the regularization weight, 0..=100.
    #[serde(deserialize_with = "de_lambda")]
    pub lambda: f64,
    /// γ, the SGD step size, above 0 and at most 1 (ALS ignores it).
    #[serde(deserialize_with = "de_learning_rate")]
    pub learning_rate: f64,
    /// Epochs that Train runs to, 1..=10000.
    #[serde(deserialize_with = "de_epochs")]
    pub epochs: usize,
    /// Fit the user and item biases b_u, b_i.
    pub biases: bool,
    /// Seed of the split, the initial factors and SGD's order.
    pub seed: u64,
    /// Share of the ratings held out for the test RMSE, 0..=0.9.
    #[serde(deserialize_with = "de_test_fraction")]
    pub test_fraction: f64,
    /// Epochs trained when the scene opens (replayed deterministically), 0..=epochs.
    pub epoch: usize,
    /// The epoch the history scrubber shows (default: the latest).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<usize>,
    /// The selected user's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The selected item's id or title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// How recommendations are ranked.
    pub metric: Metric,
    /// Length of the recommendation and similarity lists, 1..=100.
    #[serde(deserialize_with = "de_top_n")]
    pub top_n: usize,
    /// Write names beside the points of the embedding plot.
    pub labels: bool,
    /// Edited cells, applied in order (`[[factorize.edits]]`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub edits: Vec<RatingEdit>,
}

impl Default for FactorizeSettings {
    fn default() -> Self {
        Self {
            method: FactorizeMethod::Als,
            rank: 2,
            lambda: 0.1,
            learning_rate: 0.01,
            epochs: 20,
            biases: false,
            seed: 0,
            test_fraction: crate::math::factorize::DEFAULT_TEST_FRACTION,
            epoch: 0,
            history: None,
            user: None,
            item: None,
            metric: Metric::Dot,
            top_n: 5,
            labels: true,
            edits: Vec::new(),
        }
    }
}

/// Whether the Transform view shows the plane (2×2) or space (3×3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransformMode {
    /// A 2×2 matrix acting on the plane.
    #[default]
    #[serde(rename = "2d")]
    Plane,
    /// A 3×3 matrix acting on space.
    #[serde(rename = "3d")]
    Space,
}

impl TransformMode {
    /// The size of the matrix: 2 or 3.
    #[must_use]
    pub fn n(self) -> usize {
        match self {
            Self::Plane => 2,
            Self::Space => 3,
        }
    }

    /// The name used in scene files.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Self::Plane => "2d",
            Self::Space => "3d",
        }
    }
}

fn de_usize_in<'de, D: Deserializer<'de>>(
    d: D,
    key: &str,
    range: std::ops::RangeInclusive<usize>,
) -> Result<usize, D::Error> {
    let v = i64::deserialize(d)?;
    usize::try_from(v)
        .ok()
        .filter(|v| range.contains(v))
        .ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{key}: must be between {} and {}, got {v}",
                range.start(),
                range.end()
            ))
        })
}

fn de_f64_in<'de, D: Deserializer<'de>>(
    d: D,
    key: &str,
    range: std::ops::RangeInclusive<f64>,
    open_start: bool,
) -> Result<f64, D::Error> {
    let v = f64::deserialize(d)?;
    let ok = range.contains(&v) && !(open_start && v <= *range.start());
    if ok {
        Ok(v)
    } else {
        let lower = if open_start { "above" } else { "at least" };
        Err(serde::de::Error::custom(format!(
            "{key}: must be {lower} {} and at most {}, got {}",
            range.start(),
            range.end(),
            crate::math::fmt_typed(v)
        )))
    }
}

fn de_rank<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    de_usize_in(d, "factorize.rank", 1..=VIEW_MAX_RANK)
}

fn de_epochs<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    de_usize_in(d, "factorize.epochs", 1..=VIEW_MAX_EPOCHS)
}

fn de_top_n<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    de_usize_in(d, "factorize.top_n", 1..=MAX_TOP_N)
}

fn de_lambda<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    de_f64_in(d, "factorize.lambda", 0.0..=100.0, false)
}

fn de_learning_rate<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    de_f64_in(d, "factorize.learning_rate", 0.0..=1.0, true)
}

fn de_test_fraction<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    de_f64_in(d, "factorize.test_fraction", 0.0..=0.9, false)
}

/// How the Transform view's animation carries the identity to the matrix.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TransformAnimation {
    /// (1 − t)·I + t·A: straight lines; a rotation shrinks on the way.
    #[default]
    Linear,
    /// Through the polar decomposition A = R·S: rotations turn.
    Polar,
    /// A = U·Σ·Vᵀ in three steps: rotate by Vᵀ, stretch by Σ, rotate by U.
    Svd,
}

/// The `[transform]` table: settings of the Transform view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent show toggles, each one scene key"
)]
pub struct TransformSettings {
    /// `"2d"` (a 2×2 matrix) or `"3d"` (3×3).
    pub mode: TransformMode,
    /// The matrix as rows, 2×2 or 3×3 to match `mode`. Empty: the mode's
    /// example matrix. With `steps`, the view sets it to their product.
    pub matrix: Vec<Vec<f64>>,
    /// A composition: matrices applied in list order (the first acts first),
    /// each animated in turn. Empty: no composition.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Vec<Vec<f64>>>,
    /// Position of the animation from the identity (0) to the matrix (1).
    #[serde(deserialize_with = "de_progress")]
    pub progress: f32,
    /// How the animation interpolates.
    pub animation: TransformAnimation,
    /// Dataset column on the x axis of the data points (default: the first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// … on the y axis (default: the second).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    /// … on the z axis in 3D (default: the third).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub z: Option<String>,
    /// Label column colouring the points (default: the first; `""`: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Apply the matrix to the dataset's points (standardized) too.
    pub show_data: bool,
    /// Draw the original and transformed grids.
    pub show_grid: bool,
    /// Draw the real eigenvectors' lines.
    pub show_eigenvectors: bool,
    /// Draw the unit circle and its image, the ellipse of the singular values
    /// (always drawn by the SVD animation).
    pub show_circle: bool,
    /// The 3D mode's orbit camera.
    pub camera: CameraSettings,
}

impl Default for TransformSettings {
    fn default() -> Self {
        Self {
            mode: TransformMode::Plane,
            matrix: Vec::new(),
            steps: Vec::new(),
            progress: 1.0,
            animation: TransformAnimation::Linear,
            x: None,
            y: None,
            z: None,
            color: None,
            show_data: false,
            show_grid: true,
            show_eigenvectors: true,
            show_circle: false,
            camera: CameraSettings::default(),
        }
    }
}

impl TransformSettings {
    /// Checks the matrices' sizes against `mode` and that every entry is
    /// finite: the message names the key and what is wrong.
    ///
    /// # Errors
    /// The key at fault (`matrix` or `steps`) and the message.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        let n = self.mode.n();
        let mode = self.mode.key();
        let check = |m: &[Vec<f64>], what: &str| -> Result<(), String> {
            if m.len() != n || m.iter().any(|r| r.len() != n) {
                let got: Vec<String> = m.iter().map(|r| r.len().to_string()).collect();
                return Err(format!(
                    "{what}: mode \"{mode}\" needs a {n}×{n} matrix ({n} rows of {n} numbers), got {} rows of [{}] numbers",
                    m.len(),
                    got.join(", ")
                ));
            }
            if m.iter().flatten().any(|x| !x.is_finite()) {
                return Err(format!("{what}: every entry must be a finite number"));
            }
            Ok(())
        };
        if !self.matrix.is_empty() {
            check(&self.matrix, "transform.matrix").map_err(|e| ("matrix", e))?;
        }
        for (i, m) in self.steps.iter().enumerate() {
            check(m, &format!("transform.steps[{i}]")).map_err(|e| ("steps", e))?;
        }
        Ok(())
    }
}

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

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// One view's full state, as stored in a scene file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scene {
    pub view: ViewKind,
    /// `builtin:NAME` or a path, relative to the scene file.
    pub dataset: String,
    #[serde(default)]
    pub window: WindowSettings,
    #[serde(default, skip_serializing_if = "is_default")]
    pub data: DataSettings,
    #[serde(default, skip_serializing_if = "is_default")]
    pub pca: PcaSettings,
    #[serde(default, skip_serializing_if = "is_default")]
    pub factorize: FactorizeSettings,
    #[serde(default, skip_serializing_if = "is_default")]
    pub transform: TransformSettings,
    #[serde(default, skip_serializing_if = "is_default")]
    pub embeddings: EmbeddingsSettings,
}

impl Default for Scene {
    fn default() -> Self {
        Self {
            view: ViewKind::Data,
            dataset: "builtin:iris".to_owned(),
            window: WindowSettings::default(),
            data: DataSettings::default(),
            pca: PcaSettings::default(),
            factorize: FactorizeSettings::default(),
            transform: TransformSettings::default(),
            embeddings: EmbeddingsSettings::default(),
        }
    }
}

/// The scene the app opens when started without a path.
pub const DEFAULT_SCENE: &str = include_str!("../assets/scenes/data-iris.toml");

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

/// A scene that cannot be read or used. Displays as one line:
/// `FILE: line L, column C: what is wrong`.
#[derive(Debug, thiserror::Error)]
pub enum SceneError {
    #[error("{file}: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: line {line}, column {column}: {message}")]
    At {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
}

impl SceneError {
    /// The 1-based line the error points at, if any.
    #[must_use]
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::At { line, .. } => Some(*line),
            _ => None,
        }
    }
}

/// 1-based line and column of byte offset `at` in `src`.
fn line_col(src: &str, at: usize) -> (usize, usize) {
    let at = at.min(src.len());
    let before = src.get(..at).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// A TOML parse error as a [`SceneError`] naming the line and column.
pub(crate) fn toml_error(src: &str, file: &str, e: &toml::de::Error) -> SceneError {
    let message = e.message().trim();
    // Name the key at fault when the parser's message does not.
    let message = match error_key(e) {
        Some(key) if !message.starts_with(&format!("{key}:")) => format!("{key}: {message}"),
        _ => message.to_owned(),
    };
    match e.span() {
        Some(span) => at(file, src, span, message),
        None => SceneError::Invalid {
            file: file.to_owned(),
            message,
        },
    }
}

fn at(file: &str, src: &str, span: Range<usize>, message: String) -> SceneError {
    let (line, column) = line_col(src, span.start);
    SceneError::At {
        file: file.to_owned(),
        line,
        column,
        message,
    }
}

/// The dotted key a TOML error is about (`pca.progress`), if it names one.
/// The toml crate keeps the key path private but prints it, as "in `a.b`",
/// when the error is shown without its source text.
fn error_key(e: &toml::de::Error) -> Option<String> {
    let mut bare = e.clone();
    bare.set_input(None);
    let shown = bare.to_string();
    let key = shown
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("in `")?.strip_suffix('`'))?;
    (!key.is_empty()).then(|| key.to_owned())
}

/// The span of the value at `path` (e.g. `["data", "x"]`) in the TOML `src`.
fn value_span(src: &str, path: &[&str]) -> Option<Range<usize>> {
    let table = toml::de::DeTable::parse(src).ok()?;
    let mut current = table.get_ref();
    let (last, parents) = path.split_last()?;
    for key in parents {
        let v = current.get(*key)?;
        match v.get_ref() {
            toml::de::DeValue::Table(t) => current = t,
            _ => return None,
        }
    }
    current.get(*last).map(toml::Spanned::span)
}

impl Scene {
    /// Parses a scene from TOML text; `file` names it in errors.
    ///
    /// # Errors
    /// Syntax errors, unknown keys, wrong types and out-of-range values, each
    /// naming the line and column.
    pub fn from_toml(src: &str, file: &str) -> Result<Self, SceneError> {
        toml::from_str(src).map_err(|e| toml_error(src, file, &e))
    }

    /// Writes the scene as TOML; empty if it cannot be written (see
    /// [`try_to_toml`](Self::try_to_toml)).
    #[must_use]
    pub fn to_toml(&self) -> String {
        self.try_to_toml().unwrap_or_default()
    }

    /// Writes the scene as TOML, or says why it cannot be (File → Save scene
    /// reports that rather than writing an empty file).
    ///
    /// # Errors
    /// The serializer's message.
    pub fn try_to_toml(&self) -> Result<String, String> {
        toml::to_string_pretty(self).map_err(|e| e.to_string())
    }

    /// Checks the scene's column names against the dataset it shows.
    ///
    /// # Errors
    /// A column that the dataset does not have, or a setting that cannot work
    /// with it, naming the key and its line.
    pub fn check_against(&self, ds: &Dataset, src: &str, file: &str) -> Result<(), SceneError> {
        let fail = |path: &[&str], message: String| Err(spanned_error(src, file, path, message));
        let numeric = ds.column_names();
        let no_column = |key: &str, name: &str| {
            format!(
                "{key}: {:?} has no numeric column {name:?} (it has: {})",
                ds.name,
                numeric.join(", ")
            )
        };
        for (key, value) in [("x", &self.data.x), ("y", &self.data.y)] {
            if let Some(name) = value
                && ds.column(name).is_none()
            {
                return fail(&["data", key], no_column(&format!("data.{key}"), name));
            }
        }
        self.check_transform(ds, src, file)?;
        self.check_embeddings(ds, src, file)?;
        for (table, color) in [("data", &self.data.color), ("pca", &self.pca.color)] {
            if let Some(name) = color
                && !name.is_empty()
                && ds.label(name).is_none()
            {
                let labels: Vec<&str> = ds.labels.iter().map(|l| l.name.as_str()).collect();
                let message = format!(
                    "{table}.color: {:?} has no label column {name:?} (it has: {})",
                    ds.name,
                    if labels.is_empty() {
                        "none".to_owned()
                    } else {
                        labels.join(", ")
                    }
                );
                return fail(&[table, "color"], message);
            }
        }
        let pca = &self.pca;
        for name in &pca.columns {
            if ds.column(name).is_none() {
                return fail(&["pca", "columns"], no_column("pca.columns", name));
            }
        }
        let mut distinct = pca.columns.clone();
        distinct.sort();
        distinct.dedup();
        if distinct.len() != pca.columns.len() {
            return fail(
                &["pca", "columns"],
                "pca.columns: a column is listed twice".to_owned(),
            );
        }
        if pca.columns.len() == 1 {
            return fail(
                &["pca", "columns"],
                "pca.columns: PCA needs at least two columns".to_owned(),
            );
        }
        let d = if pca.columns.is_empty() {
            numeric.len().min(3)
        } else {
            pca.columns.len()
        };
        for (key, k) in [
            ("x_component", pca.x_component),
            ("y_component", pca.y_component),
        ] {
            if k == 0 || k > d.max(1) {
                return fail(
                    &["pca", key],
                    format!(
                        "pca.{key}: must be between 1 and {d} (the number of columns analysed), got {k}"
                    ),
                );
            }
        }
        Ok(())
    }
}

impl Scene {
    /// Checks the `[factorize]` table against the ratings it shows: the
    /// selected user and item and the edited cells exist, edited ratings lie
    /// in the rating scale, and `epoch` and `history` do not pass `epochs`.
    ///
    /// # Errors
    /// The first setting that does not fit, naming the key and its line.
    pub fn check_against_ratings(
        &self,
        r: &Ratings,
        src: &str,
        file: &str,
    ) -> Result<(), SceneError> {
        let fail = |path: &[&str], message: String| Err(spanned_error(src, file, path, message));
        let f = &self.factorize;
        if f.epoch > f.epochs {
            return fail(
                &["factorize", "epoch"],
                format!(
                    "factorize.epoch: must be between 0 and epochs = {}, got {}",
                    f.epochs, f.epoch
                ),
            );
        }
        if let Some(h) = f.history
            && h > f.epoch
        {
            return fail(
                &["factorize", "history"],
                format!(
                    "factorize.history: must be between 0 and epoch = {} (the epochs trained), got {h}",
                    f.epoch
                ),
            );
        }
        let no_user = |key: &str, id: &str| {
            let some: Vec<&str> = r.users.iter().take(5).map(String::as_str).collect();
            format!(
                "{key}: {:?} has no user {id:?} (its {} users include {})",
                r.name,
                r.n_users(),
                some.join(", ")
            )
        };
        let no_item = |key: &str, id: &str| {
            let some: Vec<&str> = r.items.iter().take(5).map(|i| i.id.as_str()).collect();
            format!(
                "{key}: {:?} has no item with id or title {id:?} (its {} items include {})",
                r.name,
                r.n_items(),
                some.join(", ")
            )
        };
        if let Some(u) = &f.user
            && r.user_index(u).is_none()
        {
            return fail(&["factorize", "user"], no_user("factorize.user", u));
        }
        if let Some(i) = &f.item
            && find_item(r, i).is_none()
        {
            return fail(&["factorize", "item"], no_item("factorize.item", i));
        }
        let (lo, hi) = r.scale;
        for e in &f.edits {
            // Arrays of tables have no single span: point at the table itself.
            let at_edits = &["factorize", "edits"];
            if r.user_index(&e.user).is_none() {
                return fail(at_edits, no_user("factorize.edits.user", &e.user));
            }
            if find_item(r, &e.item).is_none() {
                return fail(at_edits, no_item("factorize.edits.item", &e.item));
            }
            if let Some(v) = e.rating
                && !(v.is_finite() && v >= f64::from(lo) && v <= f64::from(hi))
            {
                return fail(
                    at_edits,
                    format!(
                        "factorize.edits.rating: must be within the rating scale {lo} to {hi}, got {}",
                        crate::math::fmt_typed(v)
                    ),
                );
            }
        }
        Ok(())
    }

    /// The `[embeddings]` table: dimensions, label columns, components and
    /// the names it selects exist in the dataset.
    fn check_embeddings(&self, ds: &Dataset, src: &str, file: &str) -> Result<(), SceneError> {
        let e = &self.embeddings;
        if self.view != ViewKind::Embeddings && *e == EmbeddingsSettings::default() {
            return Ok(());
        }
        let fail = |key: &str, message: String| {
            Err(spanned_error(src, file, &["embeddings", key], message))
        };
        for name in &e.dims {
            if ds.column(name).is_none() {
                return fail(
                    "dims",
                    format!(
                        "embeddings.dims: {:?} has no numeric column {name:?} ({} columns, the first {})",
                        ds.name,
                        ds.columns.len(),
                        ds.columns.first().map_or("none", |c| c.name.as_str())
                    ),
                );
            }
        }
        let d = if e.dims.is_empty() {
            ds.columns.len()
        } else {
            e.dims.len()
        };
        // 2D shows the first two components; the third matters in 3D only.
        let shown = match e.mode {
            EmbeddingsMode::Plane => 2,
            EmbeddingsMode::Space => 3,
        };
        if let Some(&c) = e.components.iter().take(shown).find(|&&c| c > d) {
            // Without a `components` key, the default's third component is
            // wanted because of `mode = "3d"`: point there.
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
        let labels: Vec<&str> = ds.labels.iter().map(|l| l.name.as_str()).collect();
        for (key, value) in [("color", &e.color), ("name", &e.name)] {
            if let Some(name) = value
                && !(key == "color" && name.is_empty())
                && ds.label(name).is_none()
            {
                return fail(
                    key,
                    format!(
                        "embeddings.{key}: {:?} has no label column {name:?} (it has: {})",
                        ds.name,
                        if labels.is_empty() {
                            "none".to_owned()
                        } else {
                            labels.join(", ")
                        }
                    ),
                );
            }
        }
        let names = match e.name.as_deref() {
            Some(n) => ds.label(n),
            None => ds.labels.first(),
        };
        let exists = |word: &str| names.is_some_and(|l| l.categories.iter().any(|c| c == word));
        if let Some(word) = &e.selected
            && !exists(word)
        {
            return fail(
                "selected",
                format!(
                    "embeddings.selected: {:?} has no point named {word:?}",
                    ds.name
                ),
            );
        }
        if let Some(word) = e.analogy.iter().find(|w| !exists(w)) {
            return fail(
                "analogy",
                format!(
                    "embeddings.analogy: {:?} has no point named {word:?}",
                    ds.name
                ),
            );
        }
        Ok(())
    }

    /// The `[transform]` table: matrix sizes and the data columns.
    fn check_transform(&self, ds: &Dataset, src: &str, file: &str) -> Result<(), SceneError> {
        let t = &self.transform;
        if let Err((key, message)) = t.check() {
            return Err(spanned_error(src, file, &["transform", key], message));
        }
        let numeric = ds.column_names();
        for (key, value) in [("x", &t.x), ("y", &t.y), ("z", &t.z)] {
            if let Some(name) = value
                && ds.column(name).is_none()
            {
                let message = format!(
                    "transform.{key}: {:?} has no numeric column {name:?} (it has: {})",
                    ds.name,
                    numeric.join(", ")
                );
                return Err(spanned_error(src, file, &["transform", key], message));
            }
        }
        if let Some(name) = &t.color
            && !name.is_empty()
            && ds.label(name).is_none()
        {
            let labels: Vec<&str> = ds.labels.iter().map(|l| l.name.as_str()).collect();
            let message = format!(
                "transform.color: {:?} has no label column {name:?} (it has: {})",
                ds.name,
                if labels.is_empty() {
                    "none".to_owned()
                } else {
                    labels.join(", ")
                }
            );
            return Err(spanned_error(src, file, &["transform", "color"], message));
        }
        Ok(())
    }
}

/// The item whose id, or else title, is `name`.
#[must_use]
pub fn find_item(r: &Ratings, name: &str) -> Option<u32> {
    r.item_index(name).or_else(|| {
        r.items
            .iter()
            .position(|it| it.title.as_deref() == Some(name))
            .map(|i| i as u32)
    })
}

fn spanned_error(src: &str, file: &str, path: &[&str], message: String) -> SceneError {
    match value_span(src, path) {
        Some(span) => at(file, src, span, message),
        None => SceneError::Invalid {
            file: file.to_owned(),
            message,
        },
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
    let scene = Scene::from_toml(src, file)?;
    let dataset_ref = DatasetRef::parse(&scene.dataset, base);
    let wants_ratings = scene.view.wants_ratings();
    // The Transform view shows either kind: a file is read as the app's
    // File → Open would read it, so a scene saved on a ratings file loads.
    let read_as_ratings = wants_ratings
        || (scene.view == ViewKind::Transform
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
                    "dataset: the {} view needs a ratings matrix, and {:?} is a table (ratings built-ins: {})",
                    scene.view.title(),
                    ds.name,
                    available.join(", ")
                ),
            ));
        }
        SceneData::Ratings(r) if !wants_ratings && scene.view != ViewKind::Transform => {
            return Err(spanned_error(
                src,
                file,
                &["dataset"],
                format!(
                    "dataset: {:?} is a ratings matrix, which the {} view cannot show: use view = \"factorize\"",
                    r.name,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Line and column are 1-based and count characters, not bytes.
    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("a\nbc", 3), (2, 2));
        assert_eq!(line_col("λ = 1", 3), (1, 3));
    }
}
