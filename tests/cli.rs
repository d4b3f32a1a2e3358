//! CLI tests: the real `eigenlens` binary, as scripts and users run it.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{repo, write_file};

fn eigenlens(args: &[&str]) -> Output {
    eigenlens_in(Path::new("."), args)
}

/// Runs the binary with `cwd` as its working directory.
fn eigenlens_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eigenlens"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run eigenlens")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts the contract for bad input: exit 2, one line starting `error: ` on stderr.
fn assert_bad_input(o: &Output, must_contain: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert!(err.starts_with("error: "), "stderr: {err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected, got: {err}"
    );
    for s in must_contain {
        assert!(err.contains(s), "expected {s:?} in: {err}");
    }
}

/// `render` writes a PNG of exactly width × scale by height × scale pixels.
#[test]
fn render_writes_png_of_requested_size() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("iris.png");
    let scene = repo().join("assets/scenes/data-iris.toml");
    let o = eigenlens(&[
        "render",
        scene.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--width",
        "640",
        "--height",
        "400",
        "--scale",
        "1.5",
    ]);
    assert!(o.status.success(), "stderr: {}", stderr(&o));
    let img = image::open(&out).expect("a PNG").to_rgba8();
    assert_eq!(img.dimensions(), (960, 600));
    // Not blank: the scatter draws species in several colours.
    let first = img.get_pixel(0, 0);
    assert!(img.pixels().filter(|p| *p != first).count() > 10_000);
}

/// The dark theme flag changes the background.
#[test]
fn render_theme_flag_darkens_background() {
    let dir = tempfile::tempdir().unwrap();
    let scene = repo().join("assets/scenes/data-iris.toml");
    let mut lum = Vec::new();
    for theme in ["light", "dark"] {
        let out = dir.path().join(format!("{theme}.png"));
        let o = eigenlens(&[
            "render",
            scene.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--width",
            "320",
            "--height",
            "240",
            "--theme",
            theme,
        ]);
        assert!(o.status.success(), "stderr: {}", stderr(&o));
        let img = image::open(&out).unwrap().to_rgba8();
        let total: u64 = img
            .pixels()
            .map(|p| u64::from(p[0]) + u64::from(p[1]) + u64::from(p[2]))
            .sum();
        lum.push(total / u64::from(img.width() * img.height()));
    }
    assert!(lum[0] > lum[1] + 300, "light {} vs dark {}", lum[0], lum[1]);
}

/// A scene with an unknown key: exit 2, naming the key and its line.
#[test]
fn render_bad_scene_names_key_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let scene = write_file(
        dir.path(),
        "bad.toml",
        b"view = \"data\"\ndataset = \"builtin:iris\"\n[data]\npanel = \"scatter\"\ncolour = \"species\"\n",
    );
    let out = dir.path().join("x.png");
    let o = eigenlens(&[
        "render",
        scene.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_bad_input(&o, &["bad.toml", "line 5", "colour"]);
    assert!(!out.exists());
}

/// A scene whose dataset file is missing: exit 2, naming the `dataset` line and the path.
#[test]
fn render_missing_dataset_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let scene = write_file(
        dir.path(),
        "s.toml",
        b"view = \"data\"\ndataset = \"nowhere.csv\"\n",
    );
    let out = dir.path().join("x.png");
    let o = eigenlens(&[
        "render",
        scene.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_bad_input(&o, &["line 2", "nowhere.csv"]);
}

/// A scene naming a column the dataset lacks: exit 2 with the key, line and the columns it has.
#[test]
fn render_unknown_column_names_key() {
    let dir = tempfile::tempdir().unwrap();
    let scene = write_file(
        dir.path(),
        "s.toml",
        b"view = \"data\"\ndataset = \"builtin:iris\"\n\n[data]\nx = \"petal_area\"\n",
    );
    let o = eigenlens(&[
        "render",
        scene.to_str().unwrap(),
        "-o",
        dir.path().join("x.png").to_str().unwrap(),
    ]);
    assert_bad_input(&o, &["line 5", "data.x", "petal_area", "petal_length"]);
}

/// A relative dataset path is resolved against the scene's folder.
#[test]
fn render_resolves_dataset_relative_to_scene() {
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path(), "pts.csv", b"a,b\n1,2\n2,4\n3,5\n");
    let scene = write_file(
        dir.path(),
        "s.toml",
        b"view = \"data\"\ndataset = \"pts.csv\"\n[window]\nwidth = 300\nheight = 200\n",
    );
    let out = dir.path().join("x.png");
    let o = eigenlens_in(
        &std::env::temp_dir(),
        &[
            "render",
            scene.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "stderr: {}", stderr(&o));
    assert_eq!(image::open(&out).unwrap().width(), 300);
}

/// Bad flags are usage errors: exit 2.
#[test]
fn render_bad_flags_exit_2() {
    let scene = repo().join("assets/scenes/data-iris.toml");
    let o = eigenlens(&[
        "render",
        scene.to_str().unwrap(),
        "-o",
        "x.png",
        "--theme",
        "purple",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = eigenlens(&[
        "render",
        scene.to_str().unwrap(),
        "-o",
        "x.png",
        "--scale",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = eigenlens(&["render", scene.to_str().unwrap(), "-o", "x.jpg"]);
    assert_bad_input(&o, &["x.jpg", ".png"]);
}

/// Opening a broken data file from the command line reports it before any window opens.
#[test]
fn gui_with_bad_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write_file(dir.path(), "ragged.csv", b"a,b\n1,2\n3\n");
    let o = eigenlens(&[bad.to_str().unwrap()]);
    assert_bad_input(&o, &["ragged.csv", "line 3"]);
    let o = eigenlens(&[dir.path().join("missing.csv").to_str().unwrap()]);
    assert_bad_input(&o, &["missing.csv"]);
}

/// Every scene shipped in assets/scenes renders.
#[test]
fn every_shipped_scene_renders() {
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    for entry in std::fs::read_dir(repo().join("assets/scenes")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let out = dir.path().join("out.png");
            let o = eigenlens(&[
                "render",
                path.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
                "--width",
                "400",
                "--height",
                "300",
            ]);
            assert!(o.status.success(), "{}: {}", path.display(), stderr(&o));
            n += 1;
        }
    }
    assert!(n >= 2);
}
