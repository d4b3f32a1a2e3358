//! Pure numerics on nalgebra: no egui, no files, no threads.

pub mod stats;
pub mod transform;
