//! Pure numerics on nalgebra: no egui, no files. The only threads are scoped
//! compute threads inside a call (PCA's covariance), joined before it returns.

pub mod factorize;
pub mod network;
pub mod pca;
pub mod project;
pub mod regress;
pub mod similarity;
pub mod stats;
pub mod svd;
pub mod transform;

/// A number as a person would type it: `0.005` as such, `1e308` rather than
/// 309 digits (for messages that quote a value back).
#[must_use]
pub fn fmt_typed(x: f64) -> String {
    if x == 0.0 || !x.is_finite() || (1e-4..1e6).contains(&x.abs()) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}
