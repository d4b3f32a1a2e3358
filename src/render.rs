//! Headless rendering for callers outside the app (the `render` command,
//! tests, benches): a thin door to [`crate::app::headless`], which draws a
//! scene through the same view code as the window.

pub use crate::app::headless::{Gpu, PatientRenderer, RenderError, SceneRenderer, render_scene};
