//! Headless rendering for callers outside the app (the `render` command,
//! tests, benches): a thin door to [`crate::app::headless`], which draws a
//! scene through the same view code as the window, and to
//! [`crate::app::svg`], which writes the same frame as SVG.

pub use crate::app::headless::{Gpu, PatientRenderer, RenderError, SceneRenderer, render_scene};
pub use crate::app::svg::{SvgOptions, SvgRenderer, write_svg};
