//! Pure numerics on nalgebra: no egui, no files. The only threads are scoped
//! compute threads inside a call (PCA's covariance), joined before it returns.

pub mod factorize;
pub mod pca;
pub mod similarity;
pub mod stats;
pub mod transform;
