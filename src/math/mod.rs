//! Pure numerics on nalgebra: no egui, no files, no threads.

pub mod factorize;
pub mod stats;
