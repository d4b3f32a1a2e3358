//! Reading and writing the user's files without losing anything.
//!
//! - Reading: a file is read whole, so one larger than the memory can hold is
//!   refused up front, with its size and the memory available, instead of the
//!   operating system killing the process half-way ([`read_limited`]). What
//!   cannot be sized up front (a FIFO, a device, a file that grows) is counted
//!   as it is read and cut off at the same limit ([`LimitedReader`]).
//! - Writing: everything eigenlens writes (scenes, CSV exports, PNGs, factor
//!   files) goes to a temporary file in the target's folder, is flushed to disk
//!   and then renamed over the target ([`write_atomic`]), so a failure (a
//!   read-only folder, a full disk) never leaves half a file or destroys the
//!   old one; the error names the path. What is not a regular file is never
//!   replaced: a device or FIFO is written into, a symbolic link's target is
//!   written (the link stays), a folder is an error saying so.
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
    let limit = read_limit(available);
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

/// The most bytes one load may read with `available` bytes of memory: a
/// [`LOAD_FACTOR`]th of it (loading takes about that many times a file's size).
#[must_use]
pub fn read_limit(available: u64) -> u64 {
    available / LOAD_FACTOR
}

/// A reader that counts the bytes it passes on and fails once more than
/// [`read_limit`] of the memory `available` has been read, so that an input
/// whose size is unknown (a FIFO, a character device such as `/dev/zero`, a
/// file growing while it is read) is cut off instead of filling the memory.
/// The error is an [`io::Error`] holding [`ReadError::TooLarge`] (its `size`:
/// the bytes read so far, at least the limit); [`too_large_in`] finds it.
#[derive(Debug)]
pub struct LimitedReader<R> {
    inner: R,
    read: u64,
    available: Option<u64>,
}

impl<R> LimitedReader<R> {
    /// Wraps `inner`; `available` is the memory available in bytes (`None`: no limit).
    pub fn new(inner: R, available: Option<u64>) -> Self {
        Self {
            inner,
            read: 0,
            available,
        }
    }

    /// Bytes read so far.
    #[must_use]
    pub fn bytes_read(&self) -> u64 {
        self.read
    }

    /// The reader inside (reading from it directly bypasses the count).
    #[must_use]
    pub fn get_ref(&self) -> &R {
        &self.inner
    }
}

impl<R: Read> Read for LimitedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(available) = self.available else {
            return self.inner.read(buf);
        };
        let limit = read_limit(available);
        let too_large = |size| io::Error::other(ReadError::TooLarge { size, available });
        if self.read > limit {
            return Err(too_large(self.read));
        }
        // Never more than one byte past the limit: enough to know it is passed.
        let room = usize::try_from(limit - self.read + 1).unwrap_or(usize::MAX);
        let end = room.min(buf.len());
        let n = self.inner.read(buf.get_mut(..end).unwrap_or_default())?;
        self.read += n as u64;
        if self.read > limit {
            return Err(too_large(self.read));
        }
        Ok(n)
    }
}

/// The `(size, available)` of a [`ReadError::TooLarge`] that a
/// [`LimitedReader`] put inside `e`, if it is one.
#[must_use]
pub fn too_large_in(e: &io::Error) -> Option<(u64, u64)> {
    match e.get_ref()?.downcast_ref::<ReadError>()? {
        ReadError::TooLarge { size, available } => Some((*size, *available)),
        ReadError::Io(_) => None,
    }
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

/// Where a write goes, once the path is looked at.
enum Target {
    /// A regular file (or none yet): replaced atomically. The path is the
    /// symbolic link's target where the path was a link, so the link stays.
    File {
        path: PathBuf,
        /// The old file's metadata, for its mode and owner.
        old: Option<std::fs::Metadata>,
    },
    /// Something that is not a regular file and takes bytes (a character
    /// device such as `/dev/null`, a FIFO, `/dev/stdout`): written into,
    /// never replaced.
    Stream {
        /// Open for appending (`/dev/stdout` and its kin: the shell's file).
        append: bool,
    },
}

/// Most symbolic links followed to find a missing link's target (as Linux).
const MAX_LINKS: usize = 40;

/// Writes a file through `write`, never destroying what is there:
///
/// - a regular file (or a new one) is written atomically: into a temporary
///   file in the same folder, flushed and synced, then renamed over it. On any
///   error the temporary file is removed and the old file is left as it was.
///   A new file gets the usual permissions (0666 less the umask); an existing
///   one keeps its mode, and its owner and group where the process may set
///   them (as root);
/// - a symbolic link is followed: its target is written (atomically, in the
///   target's folder) and the link stays a link;
/// - a character device (`/dev/null`, `/dev/full`), a FIFO or `/dev/stdout`
///   is written into, never replaced;
/// - a folder (or a path ending in `/`), a block device or a socket is an
///   error saying what it is.
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
    match target(path).map_err(fail)? {
        Target::Stream { append } => write_into(path, append, write).map_err(fail),
        Target::File { path: real, old } => replace_file(&real, old.as_ref(), write).map_err(fail),
    }
}

/// [`write_atomic`] of a byte string.
///
/// # Errors
/// A [`WriteError`] naming `path`.
pub fn write_bytes_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_atomic(path, |w| w.write_all(bytes))
}

fn refuse(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, what.to_owned())
}

/// What `path` is, and so how to write it.
fn target(path: &Path) -> io::Result<Target> {
    if path.as_os_str().as_encoded_bytes().last() == Some(&b'/') {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a directory (the path ends in '/'); give a file name",
        ));
    }
    if is_stream_alias(path) {
        return Ok(Target::Stream { append: true });
    }
    match std::fs::metadata(path) {
        Ok(m) => {
            let kind = m.file_type();
            if kind.is_dir() {
                return Err(io::Error::new(
                    io::ErrorKind::IsADirectory,
                    "it is a directory; give a file name",
                ));
            }
            if kind.is_file() {
                let is_link = std::fs::symlink_metadata(path)?.file_type().is_symlink();
                let real = if is_link {
                    std::fs::canonicalize(path)?
                } else {
                    path.to_path_buf()
                };
                return Ok(Target::File {
                    path: real,
                    old: Some(m),
                });
            }
            special(kind)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Target::File {
            path: dangling_target(path)?,
            old: None,
        }),
        Err(e) => Err(e),
    }
}

/// A file that exists and is neither a regular file nor a folder.
fn special(kind: std::fs::FileType) -> io::Result<Target> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_block_device() {
            return Err(refuse(
                "it is a block device (a disk); eigenlens does not write into disks",
            ));
        }
        if kind.is_socket() {
            return Err(refuse("it is a socket, not a file"));
        }
    }
    #[cfg(not(unix))]
    let _ = kind;
    // A character device or a FIFO: bytes go into it.
    Ok(Target::Stream { append: false })
}

/// `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`: the
/// process's own open files, whatever they lead to (a pipe, the terminal, the
/// file the shell redirected to), are written into, never replaced.
fn is_stream_alias(path: &Path) -> bool {
    alias_fd(path).is_some()
}

/// The file descriptor a stream alias names (`/dev/stdout`: 1).
fn alias_fd(path: &Path) -> Option<u32> {
    let s = path.to_str()?;
    match s {
        "/dev/stdin" => Some(0),
        "/dev/stdout" => Some(1),
        "/dev/stderr" => Some(2),
        _ => ["/dev/fd/", "/proc/self/fd/"]
            .iter()
            .find_map(|p| s.strip_prefix(p)?.parse().ok()),
    }
}

/// Stdout or stderr where `path` names them: a duplicate of the process's
/// own descriptor, sharing its position, so that bytes written here and
/// those printed later follow each other in a file the shell redirected to
/// (`--save-scores /dev/stdout > all.txt`) instead of overwriting them.
#[cfg(unix)]
fn own_stream(path: &Path) -> io::Result<Option<std::fs::File>> {
    use std::os::fd::AsFd;
    let owned = match alias_fd(path) {
        Some(1) => {
            io::stdout().flush()?;
            io::stdout().as_fd().try_clone_to_owned()?
        }
        Some(2) => io::stderr().as_fd().try_clone_to_owned()?,
        _ => return Ok(None),
    };
    Ok(Some(std::fs::File::from(owned)))
}

#[cfg(not(unix))]
fn own_stream(_: &Path) -> io::Result<Option<std::fs::File>> {
    Ok(None)
}

/// The file a path names that does not exist: the path itself, or where a
/// dangling symbolic link points (the link stays, its target is created).
fn dangling_target(path: &Path) -> io::Result<PathBuf> {
    let mut at = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&at)?;
                at = match at.parent() {
                    Some(dir) if to.is_relative() => dir.join(to),
                    _ => to,
                };
            }
            _ => return Ok(at),
        }
    }
    Err(refuse("too many levels of symbolic links"))
}

/// Writes into an existing device or FIFO (no truncation, no rename).
fn write_into(
    path: &Path,
    append: bool,
    write: impl FnOnce(&mut BufWriter<std::fs::File>) -> io::Result<()>,
) -> io::Result<()> {
    let file = match own_stream(path)? {
        Some(file) => file,
        None => std::fs::OpenOptions::new()
            .write(true)
            .append(append)
            .open(path)?,
    };
    let mut w = BufWriter::new(file);
    write(&mut w)?;
    w.flush()
}

/// Replaces the regular file `path` (or creates it) through a temporary file
/// beside it, keeping the old file's mode and owner.
fn replace_file(
    path: &Path,
    old: Option<&std::fs::Metadata>,
    write: impl FnOnce(&mut BufWriter<std::fs::File>) -> io::Result<()>,
) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| refuse("not a file name"))?
        .to_string_lossy();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Less the umask: the usual permissions of a new file.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = builder.tempfile_in(dir)?;
    let (file, tmp_path) = tmp.into_parts();
    if let Some(old) = old {
        keep_owner_and_mode(&file, old)?;
    }
    let mut w = BufWriter::new(file);
    write(&mut w)?;
    let file = w.into_inner().map_err(io::IntoInnerError::into_error)?;
    file.sync_all()?;
    drop(file);
    // Dropping `tmp_path` on an error removes the temporary file.
    tmp_path.persist(path).map_err(|e| e.error)
}

/// Gives the new file the old one's owner and group (where allowed: as root,
/// or a group the user belongs to) and then its mode (exactly, not less the
/// umask; after the owner, which clears set-user-ID bits).
#[cfg(unix)]
fn keep_owner_and_mode(file: &std::fs::File, old: &std::fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt, fchown};
    let new = file.metadata()?;
    if new.uid() != old.uid() && fchown(file, Some(old.uid()), Some(old.gid())).is_ok() {
        // Owner and group kept.
    } else if new.gid() != old.gid() {
        // Not allowed to give the file away: at least its group, if ours.
        let _ = fchown(file, None, Some(old.gid()));
    }
    file.set_permissions(std::fs::Permissions::from_mode(
        old.permissions().mode() & 0o7777,
    ))
}

#[cfg(not(unix))]
fn keep_owner_and_mode(file: &std::fs::File, old: &std::fs::Metadata) -> io::Result<()> {
    file.set_permissions(old.permissions())
}
