//! Scene files: the serializable state of one view (TOML), as DESIGN.md
//! describes. A scene names a view, a dataset, optional window settings and
//! the view's own table; unknown keys and wrong types are errors naming the
//! key, line and column.
//!
//! One file per view holds its table (struct, enums, defaults and checks):
//! data.rs, transform.rs, pca.rs, factorize.rs, embeddings.rs, regress.rs,
//! image.rs, network.rs. Adding a view
//! means adding one such file and one field in [`Scene`]. Shared parts:
//! window.rs (`[window]`), camera.rs (the 3D views' orbit camera), check.rs
//! (range checks and column messages), error.rs ([`SceneError`] and where it
//! points), load.rs (reading a scene and its dataset).

mod bounds;
mod camera;
mod check;
mod data;
mod embeddings;
mod error;
mod factorize;
mod image;
mod load;
mod network;
mod pca;
mod projection;
mod regress;
mod transform;
mod view_kind;
mod window;

use serde::{Deserialize, Serialize};

use crate::data::{Dataset, Ratings};

pub(crate) use bounds::{DECK_BOUNDS, from_toml_bounded};
pub use bounds::{
    MAX_CAPTION_CHARS, MAX_CAPTIONS, MAX_EDITS, MAX_KEY_CHARS, MAX_LIST_LEN, MAX_LISTED_COLUMNS,
    MAX_NOTES_CHARS, MAX_PATH_CHARS, MAX_QUOTED_CHARS, MAX_SLIDES, MAX_STEPS, MAX_TEXT_CHARS,
    quote,
};
pub use camera::{CameraSettings, DISTANCE_RANGE, PITCH_RANGE, Projection};
pub use data::{DataPanel, DataSettings};
pub use embeddings::{EmbeddingsMode, EmbeddingsSettings, MAX_NEIGHBORS};
pub use error::SceneError;
pub use factorize::{
    FactorizeMethod, FactorizeSettings, MAX_TOP_N, Metric, RatingEdit, VIEW_MAX_EPOCHS,
    VIEW_MAX_RANK, find_item,
};
pub use image::{ImageChannels, ImagePanel, ImageSettings, MAX_GALLERY, MAX_ZOOM};
pub(crate) use load::read_toml_text;
pub use load::{DatasetRef, LoadedScene, SceneData, load_scene, load_scene_str};
pub use network::{MAX_ADDED, NetActivation, NetOptimizer, NetworkPanel, NetworkSettings};
pub use pca::{PcaPanel, PcaSettings};
pub use projection::{MAX_ITERATIONS, MAX_PERPLEXITY, ProjectionMethod, ProjectionSettings};
pub use regress::{MAX_DESCENT_STEPS, MAX_RIDGE, PointEdit, RegressPanel, RegressSettings};
pub use transform::{MATRIX_ENTRY_LIMIT, TransformAnimation, TransformMode, TransformSettings};
pub use view_kind::ViewKind;
pub use window::{SCALE_RANGE, SIZE_RANGE, Theme, WindowSettings};

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// One view's full state, as stored in a scene file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scene {
    pub view: ViewKind,
    /// `builtin:NAME` or a path, relative to the scene file. Required, but
    /// for the Image view (which shows its own picture): there it defaults
    /// to the Iris table, which the other tabs then show.
    #[serde(default)]
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
    #[serde(default, skip_serializing_if = "is_default")]
    pub regress: RegressSettings,
    #[serde(default, skip_serializing_if = "is_default")]
    pub image: ImageSettings,
    #[serde(default, skip_serializing_if = "is_default")]
    pub network: NetworkSettings,
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
            regress: RegressSettings::default(),
            image: ImageSettings::default(),
            network: NetworkSettings::default(),
        }
    }
}

/// The scene the app opens when started without a path.
pub const DEFAULT_SCENE: &str = include_str!("../../assets/scenes/data-iris.toml");

impl Scene {
    /// Parses a scene from TOML text; `file` names it in errors.
    ///
    /// # Errors
    /// Syntax errors, unknown keys, wrong types, out-of-range values and
    /// lists or strings over their bounds (checked before anything is built
    /// from them), each naming the line and column.
    pub fn from_toml(src: &str, file: &str) -> Result<Self, SceneError> {
        let mut scene: Self = bounds::from_toml_bounded(src, file, &bounds::SCENE_BOUNDS)?;
        if scene.dataset.is_empty() {
            if scene.view != ViewKind::Image {
                return Err(error::spanned_error(
                    src,
                    file,
                    &["view"],
                    format!(
                        "missing key `dataset`: the {} view shows a dataset (dataset = \"builtin:NAME\" or a path)",
                        scene.view.title()
                    ),
                ));
            }
            "builtin:iris".clone_into(&mut scene.dataset);
        }
        Ok(scene)
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
    pub fn try_to_toml(&self) -> Result<String, toml::ser::Error> {
        toml::to_string_pretty(self)
    }

    /// Checks the scene's column names against the dataset it shows.
    ///
    /// # Errors
    /// A column that the dataset does not have, or a setting that cannot work
    /// with it, naming the key and its line.
    pub fn check_against(&self, ds: &Dataset, src: &str, file: &str) -> Result<(), SceneError> {
        self.misfit_against(ds, src)
            .map_err(|misfit| misfit.locate(src, file))
    }

    /// [`check_against`](Self::check_against), table by table.
    fn misfit_against(&self, ds: &Dataset, src: &str) -> Result<(), check::Misfit> {
        self.data.check_against(ds)?;
        self.transform.check_against(ds)?;
        self.embeddings.check_against(ds, self.view, src)?;
        self.regress.check_against(ds)?;
        self.network.check_against(ds)?;
        self.pca.check_against(ds)
    }

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
        self.factorize
            .check_against_ratings(r)
            .map_err(|misfit| misfit.locate(src, file))
    }
}
