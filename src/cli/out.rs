//! The command line's one checked way to stdout and stderr.
//!
//! `println!` panics when stdout fails ("failed printing to stdout"): a pipe
//! closed early (`| head`) or a full disk (`> /dev/full`). Every command
//! writes through [`Out`] instead:
//!
//! - a closed pipe ends the output quietly: later writes are dropped, the
//!   command finishes its work (files it was asked to save are saved) and
//!   exits with its usual status;
//! - any other error (a full disk) is returned, and [`failure`] turns it into
//!   `error: cannot write to stdout: ...` and exit status 1.
//!
//! Notes and errors go to stderr through [`note`], which never panics (a
//! failing stderr has nowhere left to report to).

use std::io::{self, Write};

use super::Failure;

/// A writer that treats a closed pipe as the end of the output.
pub struct Out<W: Write> {
    inner: W,
    closed: bool,
}

impl<W: Write> Out<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            closed: false,
        }
    }

    /// Whether the reader has gone (a closed pipe): output is being dropped.
    #[must_use]
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    fn checked<T>(&mut self, r: io::Result<T>, dropped: T) -> io::Result<T> {
        match r {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(dropped)
            }
            r => r,
        }
    }
}

impl<W: Write> Write for Out<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let r = self.inner.write(buf);
        self.checked(r, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let r = self.inner.flush();
        self.checked(r, ())
    }
}

/// Standard output (line-buffered by the standard library), checked.
#[must_use]
pub fn stdout() -> Out<io::StdoutLock<'static>> {
    Out::new(io::stdout().lock())
}

/// The failure for an error writing stdout: exit status 1.
#[must_use]
pub fn failure(e: &io::Error) -> Failure {
    Failure::other(format!("cannot write to stdout: {e}"))
}

/// Writes `text` to stdout and flushes it.
///
/// # Errors
/// Stdout cannot be written (not a closed pipe): exit status 1.
pub fn print(text: &str) -> Result<(), Failure> {
    let mut out = stdout();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| failure(&e))
}

/// Writes one line to stderr; a failure to do so is ignored (never a panic).
pub fn note(line: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{line}").and_then(|()| err.flush());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails every write with `kind`.
    struct Failing(io::ErrorKind);

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(self.0))
        }
        fn flush(&mut self) -> io::Result<()> {
            Err(io::Error::from(self.0))
        }
    }

    #[test]
    fn a_closed_pipe_drops_the_rest_quietly() {
        let mut out = Out::new(Failing(io::ErrorKind::BrokenPipe));
        assert!(!out.is_closed());
        writeln!(out, "first").unwrap();
        assert!(out.is_closed());
        writeln!(out, "second").unwrap();
        out.flush().unwrap();
    }

    #[test]
    fn a_full_disk_is_an_error() {
        let mut out = Out::new(Failing(io::ErrorKind::StorageFull));
        assert!(writeln!(out, "x").is_err());
        assert!(!out.is_closed());
        let f = failure(&io::Error::from(io::ErrorKind::StorageFull));
        assert_eq!(f.code, 1);
        assert!(
            f.message.starts_with("cannot write to stdout: "),
            "{}",
            f.message
        );
    }
}
