//! Drawing widgets shared by views: an annotated heatmap with a colour bar and
//! a painter-based 3D view with an orbit camera.

mod heatmap;
pub mod orbit;

pub use heatmap::Heatmap;
pub use orbit::{OrbitView, Projector, Scene3d};
