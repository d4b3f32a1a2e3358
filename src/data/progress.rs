//! [`LoadProgress`]: how far a load (or any long job) has got, and a way to
//! cancel it, shared between the thread doing the work and the one showing it.
//!
//! Plain atomics, no egui: the loader adds the bytes it has read, the UI reads
//! [`fraction`](LoadProgress::fraction) each frame and may call
//! [`cancel`](LoadProgress::cancel); the loader sees the flag at its next chunk
//! and returns [`LoadError::Cancelled`](super::LoadError::Cancelled).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Work done out of a total, plus a cancel flag. Share it through an `Arc`.
#[derive(Debug, Default)]
pub struct LoadProgress {
    done: AtomicU64,
    total: AtomicU64,
    cancelled: AtomicBool,
}

impl LoadProgress {
    /// Nothing done, total unknown (0), not cancelled.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the total amount of work (bytes for a load); 0 means unknown.
    pub fn set_total(&self, total: u64) {
        self.total.store(total, Ordering::Relaxed);
    }

    /// Sets the work done so far.
    pub fn set_done(&self, done: u64) {
        self.done.store(done, Ordering::Relaxed);
    }

    /// Adds `amount` to the work done.
    pub fn add(&self, amount: u64) {
        self.done.fetch_add(amount, Ordering::Relaxed);
    }

    /// Work done so far.
    #[must_use]
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    /// The total, 0 if unknown.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }

    /// Done / total in 0..=1, or `None` while the total is unknown.
    #[must_use]
    pub fn fraction(&self) -> Option<f32> {
        let total = self.total();
        (total > 0).then(|| (self.done() as f64 / total as f64).clamp(0.0, 1.0) as f32)
    }

    /// Asks the work to stop; it returns `Cancelled` at its next check.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Has [`cancel`](Self::cancel) been called?
    #[must_use]
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
}
