//! Issue 23, classes 1 and 7: writes never destroy what is not a regular
//! file, and output errors never panic.
//!
//! - A device (`/dev/null`, `/dev/full`) or a FIFO is written into, never
//!   replaced; a symbolic link's target is written and the link stays; an
//!   existing file keeps its mode (and owner, as root); a folder is an error
//!   saying so.
//! - stdout: a closed pipe ends quietly (exit 0, no panic), a full disk is
//!   `error: cannot write to stdout: ...` and exit 1, `--help` included.
//!
//! The real `/dev/null` is only ever written into (harmless) and checked to
//! be a character device afterwards; FIFOs are made with `mkfifo` in a
//! temporary folder.

#![cfg(unix)]

use std::fs;
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use eigenlens::files;

fn eigenlens() -> Command {
    Command::new(env!("CARGO_BIN_EXE_eigenlens"))
}

fn is_char_device(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_char_device())
}

/// The names in `dir`, sorted (a stray temporary file would show here).
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read the folder")
        .map(|e| {
            e.expect("a folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts exit status `code` and one line `error: ...` holding `parts`.
fn assert_error(o: &Output, code: i32, parts: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(code), "stderr: {err}");
    assert!(err.starts_with("error: "), "stderr: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "stderr: {err}");
    for s in parts {
        assert!(err.contains(s), "expected {s:?} in: {err}");
    }
}

#[test]
fn writes_into_a_device_never_replace_it() {
    let null = Path::new("/dev/null");
    let full = Path::new("/dev/full");
    assert!(is_char_device(null) && is_char_device(full));
    files::write_bytes_atomic(null, b"into the void\n").expect("/dev/null takes bytes");
    assert!(is_char_device(null), "/dev/null must stay a device");
    let e = files::write_bytes_atomic(full, b"x\n").expect_err("/dev/full is full");
    assert!(
        e.to_string().starts_with("/dev/full: cannot write: "),
        "{e}"
    );
    assert!(is_char_device(full), "/dev/full must stay a device");

    // Through a symbolic link: the device is written, the link stays a link.
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("sink");
    std::os::unix::fs::symlink(null, &link).unwrap();
    files::write_bytes_atomic(&link, b"x\n").unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(is_char_device(null));
    assert_eq!(listing(dir.path()), ["sink"]);

    // The command line: scores into /dev/null succeed, into /dev/full fail.
    let o = eigenlens()
        .args(["pca", "builtin:iris", "--save-scores", "/dev/null"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(is_char_device(null));
    let o = eigenlens()
        .args(["pca", "builtin:iris", "--save-scores", "/dev/full"])
        .output()
        .unwrap();
    assert_error(&o, 2, &["/dev/full", "cannot write", "No space left"]);
    assert!(is_char_device(full));

    // /dev/stdout is the process's own stdout: into the file the shell
    // redirected to, scores first, then the table after them (not over them).
    let all = dir.path().join("all.txt");
    let o = eigenlens()
        .args(["pca", "builtin:iris", "--save-scores", "/dev/stdout"])
        .stdout(fs::File::create(&all).unwrap())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let text = fs::read_to_string(&all).unwrap();
    assert!(text.starts_with("PC1,PC2,PC3,PC4,species\n"), "{text}");
    assert!(
        text.lines()
            .nth(151)
            .unwrap()
            .starts_with("PCA of builtin:iris"),
        "{text}"
    );
}

#[test]
fn a_symlink_target_is_written_and_the_link_kept() {
    let dir = tempfile::tempdir().unwrap();
    let real_dir = dir.path().join("real");
    fs::create_dir(&real_dir).unwrap();
    let real = real_dir.join("scores.csv");
    fs::write(&real, b"old\n").unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink("real/scores.csv", &link).unwrap();

    files::write_bytes_atomic(&link, b"new\n").unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_link(&link).unwrap(), Path::new("real/scores.csv"));
    assert_eq!(fs::read(&real).unwrap(), b"new\n");
    assert_eq!(fs::metadata(&real).unwrap().mode() & 0o7777, 0o640);
    // The temporary file was made beside the target and renamed: none left.
    assert_eq!(listing(dir.path()), ["link.csv", "real"]);
    assert_eq!(listing(&real_dir), ["scores.csv"]);

    // A dangling link: its target is created, the link stays.
    let dangling = dir.path().join("later.csv");
    std::os::unix::fs::symlink("real/later.csv", &dangling).unwrap();
    files::write_bytes_atomic(&dangling, b"made\n").unwrap();
    assert!(
        fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read(real_dir.join("later.csv")).unwrap(), b"made\n");

    // The command line and a screenshot go the same way.
    let o = eigenlens()
        .args(["pca", "builtin:iris", "--save-scores"])
        .arg(&link)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(fs::read_to_string(&real).unwrap().starts_with("PC1,PC2"));
    let png_link = dir.path().join("shot.png");
    std::os::unix::fs::symlink("real/shot.png", &png_link).unwrap();
    let image = image::RgbaImage::from_pixel(2, 2, image::Rgba([1, 2, 3, 255]));
    eigenlens::app::screenshot::save_png(&image, &png_link).unwrap();
    assert!(
        fs::symlink_metadata(&png_link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        fs::read(real_dir.join("shot.png"))
            .unwrap()
            .starts_with(b"\x89PNG")
    );
}

/// Makes a FIFO with `mkfifo`.
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

/// Reads `path` to its end on a thread (opening a FIFO waits for a writer).
fn read_on_a_thread(path: &Path) -> std::thread::JoinHandle<Vec<u8>> {
    let path: PathBuf = path.to_owned();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        fs::File::open(path)
            .expect("open the FIFO")
            .read_to_end(&mut bytes)
            .expect("read the FIFO");
        bytes
    })
}

fn is_fifo(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_fifo())
}

#[test]
fn a_fifo_is_written_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    let reader = read_on_a_thread(&fifo);
    files::write_bytes_atomic(&fifo, b"through the pipe\n").unwrap();
    // Checked before joining: a replaced FIFO would leave the reader waiting.
    assert!(is_fifo(&fifo), "the FIFO was replaced");
    assert_eq!(reader.join().unwrap(), b"through the pipe\n");
    assert_eq!(listing(dir.path()), ["pipe"]);

    let reader = read_on_a_thread(&fifo);
    let o = eigenlens()
        .args(["pca", "builtin:iris", "--save-scores"])
        .arg(&fifo)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(is_fifo(&fifo), "the FIFO was replaced");
    let scores = String::from_utf8(reader.join().unwrap()).unwrap();
    assert!(scores.starts_with("PC1,PC2,PC3,PC4,species\n"), "{scores}");
    assert_eq!(scores.lines().count(), 151);
}

#[test]
fn an_existing_file_keeps_its_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("users.csv");
    fs::write(&path, b"old\n").unwrap();
    // 0666 is what a umask of 022 would cut to 0644 if the mode were not set exactly.
    for mode in [0o666, 0o600, 0o604] {
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        files::write_bytes_atomic(&path, b"new\n").unwrap();
        assert_eq!(fs::metadata(&path).unwrap().mode() & 0o7777, mode);
    }
    assert_eq!(fs::read(&path).unwrap(), b"new\n");

    // As root, the owner and group are kept too.
    if fs::metadata(dir.path()).unwrap().uid() == 0 {
        std::os::unix::fs::chown(&path, Some(4321), Some(4322)).unwrap();
        let o = eigenlens()
            .args([
                "factorize",
                "builtin:tiny-movies",
                "--epochs",
                "2",
                "--save-users",
            ])
            .arg(&path)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let m = fs::metadata(&path).unwrap();
        assert_eq!((m.uid(), m.gid()), (4321, 4322));
        assert_eq!(m.mode() & 0o7777, 0o604);
        assert!(
            fs::read_to_string(&path)
                .unwrap()
                .starts_with("user,bias,f1")
        );
    }
    assert_eq!(listing(dir.path()), ["users.csv"]);
}

#[test]
fn a_directory_target_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("out");
    fs::create_dir(&sub).unwrap();
    let with_slash = format!("{}/", sub.display());
    for p in [sub.to_str().unwrap(), with_slash.as_str()] {
        let e = files::write_bytes_atomic(Path::new(p), b"x").expect_err("a directory");
        let msg = e.to_string();
        assert!(msg.starts_with(&format!("{p}: cannot write: ")), "{msg}");
        assert!(msg.contains("is a directory"), "{msg}");
        let o = eigenlens()
            .args(["pca", "builtin:iris", "--save-scores", p])
            .output()
            .unwrap();
        assert_error(&o, 2, &[p, "is a directory"]);
        assert!(!stderr(&o).contains("Not a directory"));
    }
    // A path ending in '/' that does not exist yet is no file name either.
    let missing = format!("{}/new/", dir.path().display());
    let e = files::write_bytes_atomic(Path::new(&missing), b"x").expect_err("a directory");
    assert!(e.to_string().contains("is a directory"), "{e}");
    assert!(sub.is_dir());
    assert_eq!(listing(dir.path()), ["out"]);
    assert!(listing(&sub).is_empty());
}

/// The commands whose stdout is checked.
const COMMANDS: &[&[&str]] = &[
    &["pca", "builtin:iris", "--json"],
    &["pca", "builtin:iris", "--scores"],
    &["factorize", "builtin:tiny-movies", "--json"],
    &["factorize", "builtin:tiny-movies", "--epochs", "5"],
    &["neighbors", "builtin:iris", "--row", "0"],
    &["neighbors", "builtin:iris", "--row", "0", "--json"],
    &["--help"],
    &["pca", "--help"],
    &["--version"],
];

fn no_panic(o: &Output) {
    let err = stderr(o);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(o.status.code(), Some(101), "{err}");
}

#[test]
fn stdout_closed_pipe_is_quiet() {
    for args in COMMANDS {
        // The reading end is closed before the command starts: its first
        // write meets a closed pipe.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = eigenlens()
            .args(*args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        no_panic(&o);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(o.stderr.is_empty(), "{args:?}: {}", stderr(&o));
    }
    // The work asked for is still done: the factors are saved.
    let dir = tempfile::tempdir().unwrap();
    let users = dir.path().join("users.csv");
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let o = eigenlens()
        .args(["factorize", "builtin:tiny-movies", "--save-users"])
        .arg(&users)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(fs::read_to_string(&users).unwrap().starts_with("user,bias"));
}

#[test]
fn stdout_full_disk_is_exit_1() {
    for args in COMMANDS {
        let full = fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = eigenlens()
            .args(*args)
            .stdout(full)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        no_panic(&o);
        assert_error(&o, 1, &["cannot write to stdout", "No space left"]);
    }
}
