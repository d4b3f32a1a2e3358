//! Drawing widgets shared by views: an annotated heatmap with a colour bar, a
//! painter-based 3D view with an orbit camera, and label placement.

mod heatmap;
mod labels;
pub mod orbit;

pub use heatmap::Heatmap;
pub use labels::{place_labels, place_labels_where};
pub use orbit::{OrbitView, Projector, Scene3d};
