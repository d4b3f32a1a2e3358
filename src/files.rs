//! Reading and writing the user's files without losing anything.
//!
//! - Reading: a file is read whole, so one larger than the memory can hold is
//!   refused up front, with its size and the memory available, instead of the
//!   operating system killing the process half-way ([`read_limited`]).
//! - Writing: everything eigenlens writes (scenes, CSV exports, PNGs, factor
//!   files) goes to a temporary file in the target's folder, is flushed to disk
//!   and then renamed over the target ([`write_atomic`]), so a failure (a
//!   read-only folder, a full disk) never leaves half a file or destroys the
//!   old one; the error names the path.
//!
//! No egui here: the loaders in `data` use it too.

use std::fmt;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// Environment variable that overrides the memory available, in bytes (tests
/// use it to exercise the limit without a huge file).
pub const MEMORY_ENV: &str = "EIGENLENS_MEMORY_AVAILABLE";

/// Loading needs about this many times a file's size: its bytes, plus the
/// parsed columns (a short number such as `5.1,` becomes an 8-byte f64).
pub const LOAD_FACTOR: u64 = 3;

/// The memory available to load a file, in bytes: [`MEMORY_ENV`] if set,
/// else Linux's `MemAvailable` from `/proc/meminfo`; `None` where neither is
/// known (other systems: no check).
#[must_use]
pub fn memory_available() -> Option<u64> {
    if let Some(v) = std::env::var_os(MEMORY_ENV) {
        return v.to_str().and_then(|s| s.trim().parse().ok());
    }
    if cfg!(target_os = "linux") {
        let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
        return mem_available_from(&meminfo);
    }
    None
}

/// `MemAvailable` in bytes from the text of `/proc/meminfo` (`MemAvailable:  123456 kB`).
#[must_use]
pub fn mem_available_from(meminfo: &str) -> Option<u64> {
    let line = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemAvailable:"))?;
    let kib: u64 = line.trim().trim_end_matches("kB").trim().parse().ok()?;
    kib.checked_mul(1024)
}

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The operating system's error.
    Io(io::Error),
    /// The file is too large to load into the memory available.
    TooLarge {
        /// The file's size in bytes (at least this much, for a file that grows
        /// or a device such as `/dev/zero`).
        size: u64,
        /// The memory available, in bytes.
        available: u64,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => write!(f, "{e}"),
            Self::TooLarge { size, available } => write!(
                f,
                "the file is {}, too large to load into the {} of memory available (loading takes about {LOAD_FACTOR}× a file's size)",
                fmt_bytes(*size),
                fmt_bytes(*available)
            ),
        }
    }
}

impl std::error::Error for ReadError {}

/// Reads the whole file, refusing it up front when loading it would need more
/// than the memory available (`available`, in bytes; `None`: no limit).
/// Reads at most the limit, so a file that grows while it is read, or a device
/// without end, is refused too.
///
/// # Errors
/// [`ReadError::Io`] or [`ReadError::TooLarge`].
pub fn read_limited(path: &Path, available: Option<u64>) -> Result<Vec<u8>, ReadError> {
    let mut file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let size = file.metadata().map_err(ReadError::Io)?.len();
    let Some(available) = available else {
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(ReadError::Io)?;
        return Ok(bytes);
    };
    let limit = available / LOAD_FACTOR;
    if size > limit {
        return Err(ReadError::TooLarge { size, available });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    Read::by_ref(&mut file)
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            available,
        });
    }
    Ok(bytes)
}

/// A byte count for people: `812 bytes`, `3.4 KB`, `1.2 GB` (powers of 1000).
#[must_use]
pub fn fmt_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["KB", "MB", "GB", "TB", "PB"];
    if n < 1000 {
        return format!("{n} bytes");
    }
    let mut x = n as f64 / 1000.0;
    let mut unit = 0;
    while x >= 999.95 && unit + 1 < UNITS.len() {
        x /= 1000.0;
        unit += 1;
    }
    format!("{x:.1} {}", UNITS[unit])
}

/// A file that could not be written: displays as `PATH: cannot write: REASON`.
#[derive(Debug, thiserror::Error)]
#[error("{}: cannot write: {source}", path.display())]
pub struct WriteError {
    pub path: PathBuf,
    pub source: io::Error,
}

/// Writes a file through `write`, atomically: into a temporary file in the
/// same folder, flushed and synced, then renamed over `path`. On any error the
/// temporary file is removed and `path` is left as it was. The new file gets
/// the old one's permissions, or the usual ones (0666 less the umask).
///
/// # Errors
/// A [`WriteError`] naming `path`.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<std::fs::File>) -> io::Result<()>,
) -> Result<(), WriteError> {
    let fail = |source: io::Error| WriteError {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| {
            fail(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a file name",
            ))
        })?
        .to_string_lossy();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o666, |m| m.permissions().mode() & 0o7777);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let tmp = builder.tempfile_in(dir).map_err(fail)?;
    let (file, tmp_path) = tmp.into_parts();
    let mut w = BufWriter::new(file);
    write(&mut w).map_err(fail)?;
    let file = w.into_inner().map_err(|e| fail(e.into_error()))?;
    file.sync_all().map_err(fail)?;
    drop(file);
    // Dropping `tmp_path` on an error removes the temporary file.
    tmp_path.persist(path).map_err(|e| fail(e.error))
}

/// [`write_atomic`] of a byte string.
///
/// # Errors
/// A [`WriteError`] naming `path`.
pub fn write_bytes_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_atomic(path, |w| w.write_all(bytes))
}
