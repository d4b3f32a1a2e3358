//! Files written and read safely: every file eigenlens writes goes through a
//! temporary file renamed into place, so a failed write leaves the old file
//! whole and no stray temporary; a write error is reported naming the path
//! (the CLI exits 2, the window says so); and a file too large for the memory
//! available is refused up front with both sizes. Tests run as root, where
//! permission bits do not stop writes, so "cannot write" is a path whose
//! parent is a regular file.

mod common;

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output};

use common::{app_harness, fresh_app, repo, write_file};
use egui_kittest::kittest::Queryable;
use eigenlens::data::{self, LoadError};
use eigenlens::files::{self, ReadError};

/// The names in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list the folder")
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

/// A successful write replaces the old content and leaves no temporary file.
#[test]
fn atomic_write_replaces_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "out.csv", b"old\n");
    files::write_bytes_atomic(&path, b"new\n").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"new\n");
    assert_eq!(listing(dir.path()), ["out.csv"]);
}

/// A write that fails half-way leaves the old file whole and no temporary file.
#[test]
fn failed_write_keeps_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "out.csv", b"precious\n");
    let e = files::write_atomic(&path, |w| {
        w.write_all(b"half a fi")?;
        Err(std::io::Error::other("disk full"))
    })
    .expect_err("the write fails");
    assert_eq!(
        e.to_string(),
        format!("{}: cannot write: disk full", path.display())
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"precious\n");
    assert_eq!(listing(dir.path()), ["out.csv"]);
}

/// A new file gets the permissions a plain write gives (0666 less the
/// umask), not the temporary file's 0600; a replaced file keeps its own.
#[cfg(unix)]
#[test]
fn written_files_get_the_usual_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let plain = write_file(dir.path(), "plain.toml", b"x");
    let path = dir.path().join("scene.toml");
    files::write_bytes_atomic(&path, b"x").unwrap();
    assert_eq!(mode(&path), mode(&plain));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    files::write_bytes_atomic(&path, b"y").unwrap();
    assert_eq!(mode(&path), 0o640);
}

/// A folder that cannot hold files (its "parent" is a regular file) is an
/// error naming the path, not a panic.
#[test]
fn unwritable_folder_is_an_error_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = write_file(dir.path(), "blocker", b"");
    let path = blocker.join("out.csv");
    let e = files::write_bytes_atomic(&path, b"x").expect_err("cannot write");
    let msg = e.to_string();
    assert!(
        msg.starts_with(&format!("{}: cannot write: ", path.display())),
        "{msg}"
    );
}

fn eigenlens(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eigenlens"))
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("run eigenlens")
}

/// Asserts exit status 2 and one line `error: ...` holding `parts`.
fn assert_bad_input(o: &Output, parts: &[&str]) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert!(err.starts_with("error: "), "stderr: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "stderr: {err}");
    for s in parts {
        assert!(err.contains(s), "expected {s:?} in: {err}");
    }
}

/// Every file the command line writes — PCA scores, factor CSVs, a PNG —
/// reports an unwritable path with exit 2, and an old file survives.
#[test]
fn cli_write_errors_exit_2_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = write_file(dir.path(), "blocker", b"");
    let bad = blocker.join("out.csv");
    let bad = bad.to_str().unwrap();
    let o = eigenlens(&["pca", "builtin:iris", "--save-scores", bad], &[]);
    assert_bad_input(&o, &[bad, "cannot write"]);
    for flag in ["--save-users", "--save-items"] {
        let o = eigenlens(
            &[
                "factorize",
                "builtin:tiny-movies",
                "--epochs",
                "2",
                flag,
                bad,
            ],
            &[],
        );
        assert_bad_input(&o, &[bad, "cannot write"]);
    }
    let png = blocker.join("out.png");
    let png = png.to_str().unwrap();
    let scene = repo().join("assets/scenes/data-iris.toml");
    let o = eigenlens(
        &[
            "render",
            scene.to_str().unwrap(),
            "-o",
            png,
            "--width",
            "64",
            "--height",
            "64",
        ],
        &[],
    );
    assert_bad_input(&o, &[png, "cannot write"]);
    // A good write over an old file replaces it, leaving nothing else behind.
    let old = write_file(dir.path(), "users.csv", b"old");
    let o = eigenlens(
        &[
            "factorize",
            "builtin:tiny-movies",
            "--epochs",
            "2",
            "--save-users",
            old.to_str().unwrap(),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        std::fs::read_to_string(&old)
            .unwrap()
            .starts_with("user,bias,f1")
    );
    assert_eq!(listing(dir.path()), ["blocker", "users.csv"]);
}

/// File → Save scene… into a folder that cannot hold files says so once,
/// naming the path; the window goes on with nothing lost.
#[test]
fn gui_save_error_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = write_file(dir.path(), "blocker", b"");
    let path = blocker.join("scene.toml");
    let mut harness = app_harness(fresh_app());
    harness.run_steps(2);
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label_contains("Save scene").click();
    harness.run_steps(2);
    // The app's own path prompt (native dialogs are off in tests).
    harness
        .get_by_role(egui::accesskit::Role::TextInput)
        .type_text(path.to_str().unwrap());
    harness.run_steps(1);
    harness.get_by_label("OK").click();
    harness.run_steps(3);
    let (msg, is_error) = harness.state().status().expect("a message");
    assert!(is_error, "{msg}");
    assert!(
        msg.starts_with(&format!("{}: cannot write: ", path.display())),
        "{msg}"
    );
    let msg = msg.to_owned();
    assert_eq!(harness.query_all_by_label(&msg).count(), 1);
    assert_eq!(
        harness.state().current_dataset().map(|d| d.name.as_str()),
        Some("iris")
    );
}

/// `MemAvailable` is read from /proc/meminfo's text, in bytes.
#[test]
fn mem_available_is_parsed() {
    let meminfo =
        "MemTotal:       16318412 kB\nMemFree:         1022908 kB\nMemAvailable:    8159206 kB\n";
    assert_eq!(files::mem_available_from(meminfo), Some(8_159_206 * 1024));
    assert_eq!(files::mem_available_from("MemTotal: 1 kB\n"), None);
    if cfg!(target_os = "linux") && std::env::var_os(files::MEMORY_ENV).is_none() {
        assert!(files::memory_available().is_some_and(|m| m > 0));
    }
}

/// A file larger than a third of the memory available is refused before it is
/// read, with its size and the memory available; one within it loads.
#[test]
fn too_large_file_is_refused_up_front() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "big.csv", &b"1,2\n".repeat(1000));
    match files::read_limited(&path, Some(3_000)) {
        Err(ReadError::TooLarge { size, available }) => {
            assert_eq!((size, available), (4_000, 3_000));
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    assert_eq!(
        files::read_limited(&path, Some(12_000)).unwrap().len(),
        4_000
    );
    assert_eq!(files::read_limited(&path, None).unwrap().len(), 4_000);
    let e = files::read_limited(&path, Some(3_000)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the file is 4.0 KB, too large to load into the 3.0 KB of memory available (loading takes about 3× a file's size)"
    );
}

/// A device without end (or a file growing while read) is cut off at the
/// limit rather than read until memory runs out.
#[cfg(target_os = "linux")]
#[test]
fn endless_file_is_refused_at_the_limit() {
    match files::read_limited(Path::new("/dev/zero"), Some(30_000)) {
        Err(ReadError::TooLarge { size, .. }) => assert_eq!(size, 10_001),
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

/// Through the real binary, with the memory available set low by
/// `EIGENLENS_MEMORY_AVAILABLE`: datasets, ratings and scenes too large are
/// refused with exit 2, naming the file and both sizes.
#[test]
fn cli_refuses_files_too_large_for_memory() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write_file(dir.path(), "big.csv", &b"1,2\n".repeat(1000));
    let ratings = write_file(dir.path(), "ratings.csv", &b"1,2,3\n".repeat(1000));
    let scene = write_file(
        dir.path(),
        "big.toml",
        format!(
            "view = \"data\"\ndataset = \"builtin:iris\"\n{}",
            "# pad\n".repeat(1000)
        )
        .as_bytes(),
    );
    let env = [(files::MEMORY_ENV, "6000")];
    for (args, file) in [
        (vec!["pca", csv.to_str().unwrap()], &csv),
        (vec![csv.to_str().unwrap()], &csv),
        (vec!["factorize", ratings.to_str().unwrap()], &ratings),
        (
            vec!["render", scene.to_str().unwrap(), "-o", "x.png"],
            &scene,
        ),
    ] {
        let o = eigenlens(&args, &env);
        assert_bad_input(
            &o,
            &[
                file.to_str().unwrap(),
                "too large to load into the 6.0 KB of memory available",
            ],
        );
    }
    // The same file loads when there is room.
    let o = eigenlens(
        &["pca", csv.to_str().unwrap()],
        &[(files::MEMORY_ENV, "1000000")],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The loaders' error for a file too large: `LoadError::TooLarge`, naming the path.
#[test]
fn load_error_names_the_path_and_sizes() {
    let e = LoadError::TooLarge {
        path: "/data/huge.csv".into(),
        size: 12_300_000_000,
        available: 8_000_000_000,
    };
    assert_eq!(
        e.to_string(),
        "/data/huge.csv: the file is 12.3 GB, too large to load into the 8.0 GB of memory available (loading takes about 3× a file's size)"
    );
    // And an ordinary file loads through the same path.
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "ok.csv", b"a,b\n1,2\n");
    assert_eq!(data::read_bytes(&path).unwrap(), b"a,b\n1,2\n");
}

/// Enter in the path prompt did nothing (the field asked for focus again
/// before the app looked for the Enter that had taken it away): now it is OK.
#[test]
fn path_prompt_takes_enter() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("saved.toml");
    let mut harness = app_harness(fresh_app());
    harness.run_steps(2);
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label_contains("Save scene").click();
    harness.run_steps(2);
    let input = harness.get_by_role(egui::accesskit::Role::TextInput);
    input.type_text(path.to_str().unwrap());
    harness.run_steps(1);
    harness.key_press(egui::Key::Enter);
    harness.run_steps(3);
    assert!(path.exists(), "status: {:?}", harness.state().status());
}
