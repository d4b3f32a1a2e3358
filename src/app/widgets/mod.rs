//! Drawing widgets shared by views: an annotated heatmap with a colour bar and
//! a painter-based 3D view with an orbit camera, and many points as one image.

mod heatmap;
pub mod orbit;
pub mod raster;

pub use heatmap::Heatmap;
pub use orbit::{OrbitView, Projector, Scene3d};
pub use raster::{PointRaster, RASTER_POINTS, RasterPoints};
