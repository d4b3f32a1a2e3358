//! eigenlens: the linear algebra behind machine learning, made visible.
//!
//! The crate is split as DESIGN.md describes: [`math`] and [`data`] are pure
//! (no egui, no threads), [`files`] reads and writes the user's files safely, [`scene`] is the serializable state of one view,
//! [`app`] is everything egui (the window and, in [`app::headless`], the same
//! views drawn without one); [`render`] is the door to headless drawing.

pub mod app;
pub mod cli;
pub mod data;
pub mod deck;
pub mod files;
pub mod math;
pub mod render;
pub mod scene;
