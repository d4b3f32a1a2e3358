//! Drawing widgets shared by views: an annotated heatmap with a colour bar, a
//! painter-based 3D view with an orbit camera, label placement, and many
//! points drawn as one image.

mod heatmap;
mod labels;
pub mod orbit;
pub mod raster;
mod raster_plot;
mod together;

pub use heatmap::Heatmap;
pub use labels::{place_labels, place_labels_where};
pub use orbit::{OrbitView, Projector, Scene3d};
pub use raster::{PointRaster, RASTER_POINTS};
pub use raster_plot::{RasterPoints, RasterSpec};
pub use together::together;
