//! The contract every view keeps. The window, headless rendering,
//! presentation mode, screenshots and scene save/open reach a view only
//! through [`View`]; the registry ([`super::registry`]) lists the views.
//!
//! A view owns its state and follows prepare → draw: when its inputs change
//! it computes a plain prepared struct (cached, from `math/` functions the
//! command line also calls); each frame only draws it. Long work runs as a
//! [`Job`](crate::app::job::Job).

use egui::Ui;

use crate::app::EntryData;
use crate::data::Dataset;
use crate::scene::{Scene, ViewKind};

/// Something a view asks the window to do.
#[derive(Debug)]
pub enum Request {
    /// Open a dataset made in the view (a model's item embeddings) as a new
    /// entry, in the Embeddings view.
    OpenDataset(Dataset),
    /// Ask for a file and write the Network view's weights to it.
    ExportWeights,
    /// Ask for a weights file and show it in the Network view.
    ImportWeights,
}

/// How a view takes a kind of data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    /// The view shows it.
    Shows,
    /// The view works without it (the Transform view on a ratings matrix:
    /// the matrix alone, no points).
    Ignores,
    /// The view cannot show it: the window switches to a view that can.
    Refuses,
}

impl Fit {
    /// How a view of tables takes `data`: shows a table, refuses ratings.
    #[must_use]
    pub fn tables(data: &EntryData) -> Self {
        match data {
            EntryData::Table(_) => Self::Shows,
            EntryData::Ratings(_) => Self::Refuses,
        }
    }

    /// How a view of ratings takes `data`: shows ratings, refuses a table.
    #[must_use]
    pub fn ratings(data: &EntryData) -> Self {
        match data {
            EntryData::Ratings(_) => Self::Shows,
            EntryData::Table(_) => Self::Refuses,
        }
    }
}

/// One stop of a view's animation, with what it says (presentation mode's
/// caption strip).
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Where the animation stops, 0..=1.
    pub progress: f32,
    pub caption: String,
}

impl Step {
    /// A step at `progress` saying `caption`.
    #[must_use]
    pub fn new(progress: f32, caption: impl Into<String>) -> Self {
        Self {
            progress,
            caption: caption.into(),
        }
    }
}

/// What every view is.
pub trait View {
    /// Which view this is: its tab and its scene table.
    fn kind(&self) -> ViewKind;

    /// The view with the settings of `scene`'s table for it.
    fn from_scene(scene: &Scene) -> Self
    where
        Self: Sized;

    /// Writes the view's settings into its table of `scene`.
    fn write_scene(&self, scene: &mut Scene);

    /// How the view takes `data`.
    fn accepts(&self, data: &EntryData) -> Fit;

    /// Makes the settings fit `data` (columns that exist, components within
    /// its dimensions, ...). Called when data is opened or selected.
    fn adapt_to(&mut self, data: &EntryData);

    /// Draws the view for `data` (one the view does not refuse).
    fn ui(&mut self, ui: &mut Ui, data: &EntryData);

    /// The stops of its animation, each with a caption; one step at 1.0 for
    /// a view without animation.
    fn steps(&self) -> Vec<Step>;

    /// Whether [`set_progress`](Self::set_progress) moves anything.
    fn animated(&self) -> bool {
        false
    }

    /// Puts the animation at `progress` (0..=1).
    fn set_progress(&mut self, _progress: f32) {}

    /// Computes on the calling thread whatever the size (headless rendering
    /// and tests), instead of in a background job.
    fn set_blocking(&mut self, _on: bool) {}

    /// A request the view made while drawing, taken once.
    fn take_request(&mut self) -> Option<Request> {
        None
    }

    /// Whether the view's state belongs to the dataset shown (its columns,
    /// selection, trained model, camera): each dataset then keeps its own
    /// view, put aside while another is shown. A view that ignores the
    /// datasets (the Image view's picture) says no and is one for all.
    fn per_dataset(&self) -> bool {
        true
    }
}
