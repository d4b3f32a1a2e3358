//! The command line's subcommands, one module each. `main.rs` parses the
//! arguments with clap and dispatches here; every command returns a
//! [`Failure`] that carries its exit status (2 bad input or usage, 1 other).
//! Output goes through [`out`]: a closed pipe ends it quietly, a full disk
//! is an error (exit 1), never a panic.

pub mod factorize;
pub mod factors_csv;
pub mod neighbors;
pub mod net;
pub mod out;
pub mod pca;
pub mod project;
pub mod recommend;
pub mod regress;
pub mod render;
pub mod svd;
pub mod table;

/// A failure and the exit status it maps to.
#[derive(Debug)]
pub struct Failure {
    /// One line (newlines are flattened when printed).
    pub message: String,
    /// The process exit status.
    pub code: u8,
}

impl Failure {
    /// Bad input or usage: exit status 2.
    pub fn input(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: 2,
        }
    }

    /// Anything else (no GPU adapter, the window cannot open): exit status 1.
    pub fn other(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: 1,
        }
    }
}
