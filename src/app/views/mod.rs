//! One module per view. Each view owns its state (its scene table plus caches)
//! and draws itself with `ui(&mut self, ui, dataset)`.

pub mod data;
pub mod pca;
pub mod transform;
