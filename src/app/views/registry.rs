//! The one list of views. Adding a view is a folder under `app/views/`, a
//! table in the scene (`scene/<view>.rs` and a field of `Scene`), a variant
//! of `ViewKind` and one line in [`views!`] below; the window's tabs, its
//! dispatch, headless rendering, presentation mode, screenshots and scene
//! save/open then reach it through [`Views`] and the [`View`] contract.
//!
//! Each dataset keeps its own views while the app runs: switching datasets
//! puts the views of the one shown until then aside in a [`Stash`] (the
//! window keeps it with that dataset's entry) and brings back the other's,
//! so nothing a view holds about one dataset (a trained model, a selection
//! by id, a camera) is shown on another.

use super::data::DataView;
use super::embeddings::EmbeddingsView;
use super::factorize::FactorizeView;
use super::image::ImageView;
use super::network::NetworkView;
use super::pca::PcaView;
use super::regress::RegressView;
use super::transform::TransformView;
use super::view::{Fit, View};
use crate::app::EntryData;
use crate::scene::{Scene, ViewKind};

/// Declares [`Views`]: one field per view, and the one place `ViewKind` is
/// matched to a view.
macro_rules! views {
    ($($kind:ident => $field:ident: $ty:ty),* $(,)?) => {
        /// One of each view, with its state, in tab order.
        pub struct Views {
            $(pub $field: $ty,)*
        }

        /// The view of `kind` alone, with the settings of `scene`'s table
        /// (headless rendering, a slide's steps).
        #[must_use]
        pub fn boxed(kind: ViewKind, scene: &Scene) -> Box<dyn View> {
            match kind { $(ViewKind::$kind => Box::new(<$ty as View>::from_scene(scene)),)* }
        }

        impl Views {
            /// Every view with the settings of `scene`'s tables.
            #[must_use]
            pub fn from_scene(scene: &Scene) -> Self {
                Self { $($field: <$ty as View>::from_scene(scene),)* }
            }

            /// The view of `kind`.
            #[must_use]
            pub fn get(&self, kind: ViewKind) -> &dyn View {
                match kind { $(ViewKind::$kind => &self.$field,)* }
            }

            /// The view of `kind`, to change.
            pub fn get_mut(&mut self, kind: ViewKind) -> &mut dyn View {
                match kind { $(ViewKind::$kind => &mut self.$field,)* }
            }

            /// Every view, in tab order.
            pub fn all_mut(&mut self) -> Vec<&mut dyn View> {
                vec![$(&mut self.$field as &mut dyn View,)*]
            }

            /// Every view, in tab order.
            #[must_use]
            pub fn all(&self) -> Vec<&dyn View> {
                vec![$(&self.$field as &dyn View,)*]
            }

            /// Takes out every view that keeps its state per dataset
            /// ([`View::per_dataset`]), leaving in its place a fresh one
            /// with the default scene's settings.
            pub fn stash(&mut self) -> Stash {
                let fresh = Scene::default();
                Stash {
                    $($field: self.$field.per_dataset().then(|| {
                        std::mem::replace(&mut self.$field, <$ty as View>::from_scene(&fresh))
                    }),)*
                }
            }

            /// The views that keep their state per dataset, the others dropped.
            #[must_use]
            pub fn into_stash(self) -> Stash {
                Stash {
                    $($field: self.$field.per_dataset().then_some(self.$field),)*
                }
            }

            /// Puts back the views [`stash`](Self::stash) took out.
            pub fn restore(&mut self, stash: Stash) {
                $(if let Some(v) = stash.$field {
                    self.$field = v;
                })*
            }
        }

        /// The views of one dataset, kept while another is shown: each view
        /// that keeps its state per dataset (model, selection, camera).
        pub struct Stash {
            $($field: Option<$ty>,)*
        }
    };
}

views! {
    Data => data: DataView,
    Transform => transform: TransformView,
    Pca => pca: PcaView,
    Factorize => factorize: FactorizeView,
    Embeddings => embeddings: EmbeddingsView,
    Regress => regress: RegressView,
    Image => image: ImageView,
    Network => network: NetworkView,
}

impl Views {
    /// Writes every view's table into `scene`.
    pub fn write_scene(&self, scene: &mut Scene) {
        for v in self.all() {
            v.write_scene(scene);
        }
    }

    /// Makes every view's settings fit `data` (views that refuse it skip it).
    pub fn adapt_to(&mut self, data: &EntryData) {
        for v in self.all_mut() {
            if v.accepts(data) != Fit::Refuses {
                v.adapt_to(data);
            }
        }
    }

    /// `kind` if that view takes `data`, else the first view (in tab order)
    /// that shows it.
    #[must_use]
    pub fn fit(&self, kind: ViewKind, data: &EntryData) -> ViewKind {
        if self.get(kind).accepts(data) != Fit::Refuses {
            return kind;
        }
        self.all()
            .into_iter()
            .find(|v| v.accepts(data) == Fit::Shows)
            .map_or(kind, super::view::View::kind)
    }
}
