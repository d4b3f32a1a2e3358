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

/// Every scene shipped in assets/scenes renders, all in one call into a
/// directory (as scripts/gallery.sh does), one PNG per scene, and draws the
/// picture of the README gallery (assets/screenshots, made by that script):
/// at most 1% of the pixels may differ by more than 48 in a channel (room
/// for another Mesa's antialiasing; a blank, shifted or broken view differs
/// in far more). After a deliberate change of looks, run scripts/gallery.sh.
#[test]
fn every_shipped_scene_renders() {
    let dir = tempfile::tempdir().unwrap();
    let mut scenes: Vec<String> = std::fs::read_dir(repo().join("assets/scenes"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.to_str().unwrap().to_owned())
        .collect();
    scenes.sort();
    assert!(scenes.len() >= 16, "{scenes:?}");
    let out = format!("{}/", dir.path().join("gallery").display());
    let mut args = vec!["render"];
    args.extend(scenes.iter().map(String::as_str));
    args.extend(["-o", &out]);
    let o = eigenlens(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    for scene in &scenes {
        let stem = Path::new(scene).file_stem().unwrap().to_str().unwrap();
        let png = dir.path().join("gallery").join(format!("{stem}.png"));
        let img = image::open(&png)
            .unwrap_or_else(|e| panic!("{}: {e}", png.display()))
            .to_rgba8();
        let gallery = repo()
            .join("assets/screenshots")
            .join(format!("{stem}.png"));
        let want = image::open(&gallery)
            .unwrap_or_else(|e| panic!("{}: {e}", gallery.display()))
            .to_rgba8();
        assert_eq!(img.dimensions(), want.dimensions(), "{stem}");
        let differing = img
            .pixels()
            .zip(want.pixels())
            .filter(|(a, b)| a.0.iter().zip(b.0.iter()).any(|(x, y)| x.abs_diff(*y) > 48))
            .count();
        let total = (img.width() * img.height()) as usize;
        assert!(
            differing * 100 <= total,
            "{stem}: {differing} of {total} pixels differ from {}",
            gallery.display()
        );
    }
}

/// Renders `scene` (a shipped one) with extra arguments, asserting success.
fn render_ok(scene: &str, out: &Path, extra: &[&str]) {
    let scene = repo().join("assets/scenes").join(scene);
    let mut args = vec![
        "render",
        scene.to_str().expect("a UTF-8 path"),
        "-o",
        out.to_str().expect("a UTF-8 path"),
    ];
    args.extend(extra);
    let o = eigenlens(&args);
    assert!(o.status.success(), "stderr: {}", stderr(&o));
}

/// The same scene renders to identical pixels twice, for a view of each kind
/// (the Factorize one trains, the PCA one fits, on every run).
#[test]
fn render_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    for scene in [
        "data-iris.toml",
        "transform-svd.toml",
        "pca-iris-flatten.toml",
        "factorize-training.toml",
    ] {
        let (a, b) = (dir.path().join("a.png"), dir.path().join("b.png"));
        let small = ["--width", "500", "--height", "320"];
        render_ok(scene, &a, &small);
        render_ok(scene, &b, &small);
        let (a, b) = (
            image::open(&a).unwrap().to_rgba8(),
            image::open(&b).unwrap().to_rgba8(),
        );
        assert!(a == b, "{scene}: two renders differ");
    }
}

/// `--frames N -o out.gif` writes an animated GIF of N frames that change
/// from the first to the last (the SVD animation plays).
#[test]
fn render_frames_to_gif() {
    use image::AnimationDecoder;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("svd.gif");
    render_ok(
        "transform-svd.toml",
        &out,
        &["--frames", "4", "--width", "320", "--height", "200"],
    );
    let file = std::io::BufReader::new(std::fs::File::open(&out).unwrap());
    let frames = image::codecs::gif::GifDecoder::new(file)
        .unwrap()
        .into_frames()
        .collect_frames()
        .unwrap();
    assert_eq!(frames.len(), 4);
    assert_eq!(frames[0].buffer().dimensions(), (320, 200));
    assert!(
        frames[0].buffer() != frames[3].buffer(),
        "the animation does not move"
    );
}

/// `--frames N -o dir/%02d.png` writes N numbered PNGs: progress 0 → 1.
#[test]
fn render_frames_to_png_sequence() {
    let dir = tempfile::tempdir().unwrap();
    let pattern = dir.path().join("frames/%02d.png");
    render_ok(
        "pca-iris-flatten.toml",
        &pattern,
        &["--frames", "3", "--width", "400", "--height", "250"],
    );
    let names: Vec<String> = (0..3).map(|i| format!("{i:02}.png")).collect();
    let imgs: Vec<_> = names
        .iter()
        .map(|n| {
            image::open(dir.path().join("frames").join(n))
                .unwrap()
                .to_rgba8()
        })
        .collect();
    assert!(imgs[0] != imgs[2], "first and last frames are the same");
    assert!(!dir.path().join("frames/03.png").exists());
}

/// `--transparent` leaves the background clear; without it the corner is opaque.
#[test]
fn render_transparent_background() {
    let dir = tempfile::tempdir().unwrap();
    let (clear, solid) = (dir.path().join("clear.png"), dir.path().join("solid.png"));
    let small = ["--width", "300", "--height", "200"];
    render_ok(
        "transform-shear.toml",
        &clear,
        &[&small[..], &["--transparent"]].concat(),
    );
    render_ok("transform-shear.toml", &solid, &small);
    let clear = image::open(&clear).unwrap().to_rgba8();
    let solid = image::open(&solid).unwrap().to_rgba8();
    assert_eq!(clear.get_pixel(1, 1)[3], 0);
    assert_eq!(solid.get_pixel(1, 1)[3], 255);
}

/// Output mistakes are bad input, named, before anything is drawn.
#[test]
fn render_output_mistakes_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let scene = |n: &str| {
        repo()
            .join("assets/scenes")
            .join(n)
            .to_str()
            .unwrap()
            .to_owned()
    };
    let out = |n: &str| dir.path().join(n).to_str().unwrap().to_owned();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![scene("transform-svd.toml"), "-o".into(), out("a.gif")],
            "add --frames",
        ),
        (
            vec![
                scene("transform-svd.toml"),
                "-o".into(),
                out("a.png"),
                "--frames".into(),
                "5".into(),
            ],
            "%03d",
        ),
        (
            vec![
                scene("data-iris.toml"),
                "-o".into(),
                out("a.gif"),
                "--frames".into(),
                "5".into(),
            ],
            "no animation",
        ),
        (
            vec![
                scene("data-iris.toml"),
                scene("pca-cloud.toml"),
                "-o".into(),
                out("a.png"),
            ],
            "output directory",
        ),
        (
            vec![
                scene("transform-svd.toml"),
                "-o".into(),
                out("a.gif"),
                "--frames".into(),
                "5".into(),
                "--transparent".into(),
            ],
            "--transparent",
        ),
        (
            vec![scene("data-iris.toml"), "-o".into(), out("a.jpg")],
            ".png, .svg or .gif",
        ),
    ];
    for (args, needle) in cases {
        let mut all = vec!["render".to_owned()];
        all.extend(args);
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        assert_bad_input(&eigenlens(&refs), &[needle]);
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

// ---------------------------------------------------------------------------
// `eigenlens pca`

/// Runs `pca` with `--json` and parses stdout, asserting success.
fn pca_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["pca"];
    all.extend_from_slice(args);
    all.push("--json");
    let o = eigenlens(&all);
    assert!(o.status.success(), "stderr: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("stdout is JSON")
}

fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

fn assert_all_close(what: &str, actual: &[f64], expected: &[f64]) {
    assert_eq!(
        actual.len(),
        expected.len(),
        "{what}: {actual:?} vs {expected:?}"
    );
    for (a, e) in actual.iter().zip(expected) {
        assert!(
            (a - e).abs() < 1e-9,
            "{what}: expected {expected:?}, got {actual:?}"
        );
    }
}

/// `pca --json` on Iris: exactly the contract's keys (plus `load_seconds`, an
/// extra key the benches read, and the rows used and left out), K entries of variance and
/// ratio and K rows of components, with scikit-learn's values (see tests/pca.rs
/// for the Python that produced them).
#[test]
#[expect(
    clippy::unreadable_literal,
    reason = "scikit-learn's values, pasted verbatim from Python's repr"
)]
fn pca_json_iris_matches_sklearn() {
    let v = pca_json(&["builtin:iris", "--components", "2"]);
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "columns",
            "components",
            "explained_variance",
            "explained_variance_ratio",
            "fit_seconds",
            "load_seconds",
            "mean",
            "n_features",
            "n_samples",
            "rows_left_out",
            "rows_used"
        ]
    );
    assert_eq!(v["n_samples"], 150);
    assert_eq!(v["rows_used"], 150);
    assert_eq!(
        v["rows_left_out"],
        serde_json::json!({"missing": 0, "non_finite": 0})
    );
    assert_eq!(v["n_features"], 4);
    assert_eq!(v["columns"][3], "petal_width");
    assert_all_close(
        "mean",
        &floats(&v["mean"]),
        &[
            5.843333333333335,
            3.057333333333334,
            3.7580000000000027,
            1.199333333333334,
        ],
    );
    assert_all_close(
        "explained_variance",
        &floats(&v["explained_variance"]),
        &[4.22824170603484, 0.2426707479286119],
    );
    assert_all_close(
        "explained_variance_ratio",
        &floats(&v["explained_variance_ratio"]),
        &[0.9246187232017341, 0.05306648311706383],
    );
    let components = v["components"].as_array().unwrap();
    assert_eq!(components.len(), 2);
    assert_all_close(
        "component 1",
        &floats(&components[0]),
        &[
            0.36138659178536503,
            -0.08452251406457323,
            0.8566706059498357,
            0.3582891971515514,
        ],
    );
    assert_all_close(
        "component 2",
        &floats(&components[1]),
        &[
            0.6565887712868267,
            0.7301614347850441,
            -0.17337266279585187,
            -0.0754810199174412,
        ],
    );
    assert!(v["fit_seconds"].as_f64().unwrap() >= 0.0);

    // Default K is d; --standardize and --columns pick what is fitted.
    let v = pca_json(&["builtin:iris"]);
    assert_eq!(v["components"].as_array().unwrap().len(), 4);
    let v = pca_json(&[
        "builtin:iris",
        "--standardize",
        "--columns",
        "sepal_length,petal_length",
    ]);
    assert_eq!(
        v["columns"],
        serde_json::json!(["sepal_length", "petal_length"])
    );
    // Two standardized columns: Σ is [[1, ρ], [ρ, 1]], so λ = 1 ± ρ and the ratios sum to 1.
    let ratio = floats(&v["explained_variance_ratio"]);
    assert!(
        (ratio[0] + ratio[1] - 1.0).abs() < 1e-12 && ratio[0] > 0.9,
        "{ratio:?}"
    );
}

/// `--scores` adds the n × K scores: centred, and each the projection of the
/// centred row onto the components.
#[test]
fn pca_json_scores() {
    let v = pca_json(&["builtin:iris", "--components", "2", "--scores"]);
    let scores = v["scores"].as_array().unwrap();
    assert_eq!(scores.len(), 150);
    let first = floats(&scores[0]);
    assert_eq!(first.len(), 2);
    // Row 1 of iris.csv: 5.1,3.5,1.4,0.2.
    let x = [5.1, 3.5, 1.4, 0.2];
    let mean = floats(&v["mean"]);
    for (i, c) in v["components"].as_array().unwrap().iter().enumerate() {
        let t: f64 = floats(c)
            .iter()
            .zip(x.iter().zip(&mean))
            .map(|(v, (x, m))| v * (x - m))
            .sum();
        assert!(
            (first[i] - t).abs() < 1e-12,
            "score {i}: {} vs {t}",
            first[i]
        );
    }
    let pc1_mean: f64 = scores.iter().map(|r| r[0].as_f64().unwrap()).sum::<f64>() / 150.0;
    assert!(pc1_mean.abs() < 1e-12);
}

/// The readable table names every component and column, with the ratios.
#[test]
fn pca_table_output() {
    let o = eigenlens(&["pca", "builtin:iris"]);
    assert!(o.status.success(), "stderr: {}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    for s in [
        "PC1",
        "PC4",
        "sepal_length",
        "petal_width",
        "0.9246",
        "0.9777",
        "mean",
        "150 rows",
    ] {
        assert!(out.contains(s), "expected {s:?} in:\n{out}");
    }
}

/// `--save-scores` writes a CSV with PC1..PCk and the label column, one line
/// per row, and leaves no temporary file behind.
#[test]
fn pca_save_scores_csv() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("scores.csv");
    let o = eigenlens(&[
        "pca",
        "builtin:iris",
        "--components",
        "3",
        "--save-scores",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "stderr: {}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "PC1,PC2,PC3,species");
    assert_eq!(lines.len(), 151);
    assert!(lines[1].ends_with(",setosa") && lines[150].ends_with(",virginica"));
    let pc1: f64 = lines[1].split(',').next().unwrap().parse().unwrap();
    // Setosa sits far on the negative side of the first component.
    assert!(pc1 < -2.0, "{pc1}");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["scores.csv"]);

    // An unwritable destination is bad input naming the path.
    let bad = dir.path().join("no/such/dir/s.csv");
    let o = eigenlens(&[
        "pca",
        "builtin:iris",
        "--save-scores",
        bad.to_str().unwrap(),
    ]);
    assert_bad_input(&o, &["s.csv", "cannot write"]);
}

/// Unknown, text and repeated columns: exit 2 naming the parameter and the
/// columns that exist.
#[test]
fn pca_bad_columns_name_available_ones() {
    let o = eigenlens(&[
        "pca",
        "builtin:iris",
        "--columns",
        "sepal_length,petal_area",
    ]);
    assert_bad_input(
        &o,
        &[
            "--columns",
            "petal_area",
            "sepal_length, sepal_width, petal_length",
        ],
    );
    let o = eigenlens(&["pca", "builtin:iris", "--columns", "species"]);
    assert_bad_input(&o, &["--columns", "species", "text"]);
    let o = eigenlens(&[
        "pca",
        "builtin:iris",
        "--columns",
        "sepal_length,sepal_length",
    ]);
    assert_bad_input(&o, &["--columns", "twice"]);
}

/// K outside 1..=d: exit 2 naming --components and the range.
#[test]
fn pca_bad_components() {
    for k in ["0", "5"] {
        let o = eigenlens(&["pca", "builtin:iris", "--components", k]);
        assert_bad_input(&o, &["--components", "between 1 and 4", k]);
    }
    let o = eigenlens(&[
        "pca",
        "builtin:iris",
        "--columns",
        "sepal_length,sepal_width",
        "--components",
        "3",
    ]);
    assert_bad_input(&o, &["--components", "between 1 and 2"]);
    let o = eigenlens(&["pca", "builtin:iris", "--components", "two"]);
    assert_eq!(o.status.code(), Some(2));
}

/// A missing cell drops its row with a note on stderr; the saved scores keep
/// one line per input row, with empty scores for the dropped one.
#[test]
fn pca_missing_values_drop_rows_with_note() {
    let dir = tempfile::tempdir().unwrap();
    let data = write_file(
        dir.path(),
        "gaps.csv",
        b"a,b,kind\n1,2,p\n2,NA,q\n3,5,r\n4,3,s\n5,6,t\n",
    );
    let out = dir.path().join("s.csv");
    let o = eigenlens(&[
        "pca",
        data.to_str().unwrap(),
        "--json",
        "--save-scores",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "stderr: {}", stderr(&o));
    assert!(stderr(&o).contains("dropped 1 of 5 rows"), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["n_samples"], 4);
    assert_eq!(v["rows_used"], 4);
    assert_eq!(
        v["rows_left_out"],
        serde_json::json!({"missing": 1, "non_finite": 0})
    );
    assert_all_close("mean", &floats(&v["mean"]), &[13.0 / 4.0, 4.0]);
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[2], ",,q");
    assert!(lines[1].ends_with(",p") && !lines[1].starts_with(','));

    // Too few complete rows: the error names the columns and says why.
    let data = write_file(dir.path(), "sparse.csv", b"a,b\n1,\n,2\n3,4\n");
    let o = eigenlens(&["pca", data.to_str().unwrap()]);
    assert_bad_input(
        &o,
        &[
            "sparse.csv",
            "at least 2 rows",
            "(\"a\", \"b\")",
            "2 of the 3 rows have a missing or infinite value (2 missing, 0 infinite)",
        ],
    );
}

/// An infinite value leaves its row out like a missing one (the PCA view's
/// rule too): counted on stderr and in the JSON, empty scores in the CSV.
#[test]
fn pca_infinite_values_drop_rows_with_note() {
    let dir = tempfile::tempdir().unwrap();
    let data = write_file(
        dir.path(),
        "inf.csv",
        b"a,b\n1,2\n,1\n3,inf\n4,3\n-inf,5\n6,8\n",
    );
    let out = dir.path().join("s.csv");
    let o = eigenlens(&[
        "pca",
        data.to_str().unwrap(),
        "--json",
        "--save-scores",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "stderr: {}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "dropped 3 of 6 rows with a missing or infinite value in the chosen columns (1 missing, 2 infinite)"
        ),
        "{}",
        stderr(&o)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["n_samples"], 3);
    assert_eq!(v["rows_used"], 3);
    assert_eq!(
        v["rows_left_out"],
        serde_json::json!({"missing": 1, "non_finite": 2})
    );
    assert_all_close("mean", &floats(&v["mean"]), &[11.0 / 3.0, 13.0 / 3.0]);
    let text = std::fs::read_to_string(&out).unwrap();
    let empty: Vec<usize> = text
        .lines()
        .skip(1)
        .enumerate()
        .filter(|(_, l)| l.starts_with(','))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(empty, [2, 3, 5], "{text}");

    // Nothing usable left: exit 2 naming the columns.
    let data = write_file(dir.path(), "allinf.csv", b"a,b\n1,inf\n2,inf\n3,4\n");
    let o = eigenlens(&["pca", data.to_str().unwrap()]);
    assert_bad_input(
        &o,
        &["allinf.csv", "(\"a\", \"b\")", "(0 missing, 2 infinite)"],
    );
}

/// Standardizing a constant column: exit 2 naming it.
#[test]
fn pca_standardize_constant_column() {
    let dir = tempfile::tempdir().unwrap();
    let data = write_file(dir.path(), "flat.csv", b"a,flat\n1,7\n2,7\n3,7\n");
    let o = eigenlens(&["pca", data.to_str().unwrap(), "--standardize"]);
    assert_bad_input(&o, &["flat.csv", "\"flat\"", "standardize"]);
    let o = eigenlens(&["pca", data.to_str().unwrap()]);
    assert!(o.status.success(), "stderr: {}", stderr(&o));
}

/// A missing or broken dataset is bad input naming the file.
#[test]
fn pca_bad_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let o = eigenlens(&["pca", dir.path().join("none.csv").to_str().unwrap()]);
    assert_bad_input(&o, &["none.csv"]);
    let bad = write_file(dir.path(), "ragged.csv", b"a,b\n1,2\n3\n");
    let o = eigenlens(&["pca", bad.to_str().unwrap()]);
    assert_bad_input(&o, &["ragged.csv", "line 3"]);
    let o = eigenlens(&["pca", "builtin:nope"]);
    assert_bad_input(&o, &["builtin:nope", "iris"]);
}

// ---------------------------------------------------------------- factorize

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Runs `eigenlens factorize ... --json` and parses its output.
fn factorize_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["factorize"];
    all.extend_from_slice(args);
    all.push("--json");
    let o = eigenlens(&all);
    assert!(o.status.success(), "stderr: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&o)))
}

/// The JSON has every key of the contract, with the sizes of the data, one
/// history entry per epoch, and RMSEs that fall as training goes on.
#[test]
fn factorize_json_has_the_contract_keys() {
    let v = factorize_json(&[
        "builtin:movie-night",
        "--rank",
        "3",
        "--epochs",
        "7",
        "--biases",
    ]);
    for key in [
        "users",
        "items",
        "ratings",
        "train_rmse",
        "test_rmse",
        "history",
        "fit_seconds",
    ] {
        assert!(v.get(key).is_some(), "missing {key} in {v}");
    }
    assert_eq!(
        (v["users"].as_u64(), v["items"].as_u64()),
        (Some(100), Some(40))
    );
    let n = v["ratings"].as_u64().unwrap();
    assert_eq!(
        v["train_ratings"].as_u64().unwrap() + v["test_ratings"].as_u64().unwrap(),
        n
    );
    assert_eq!(
        v["test_ratings"].as_u64(),
        Some((n as f64 * 0.2).round() as u64),
        "default test fraction 0.2"
    );
    let history = v["history"].as_array().unwrap();
    assert_eq!(history.len(), 7);
    for (k, h) in history.iter().enumerate() {
        assert_eq!(h["epoch"].as_u64(), Some(k as u64 + 1));
        assert!(h["train_rmse"].as_f64().is_some() && h["test_rmse"].as_f64().is_some());
    }
    assert_eq!(v["train_rmse"], history[6]["train_rmse"]);
    assert_eq!(v["test_rmse"], history[6]["test_rmse"]);
    assert!(history[6]["train_rmse"].as_f64() < history[0]["train_rmse"].as_f64());
    assert!(v["fit_seconds"].as_f64().unwrap() >= 0.0);
}

/// Same seed, same numbers, run after run; another seed, another split.
#[test]
fn factorize_same_seed_same_numbers() {
    let args = [
        "builtin:movie-night",
        "--method",
        "sgd",
        "--epochs",
        "3",
        "--seed",
        "5",
    ];
    let (a, b) = (factorize_json(&args), factorize_json(&args));
    assert_eq!(a["history"], b["history"]);
    let mut other = args.to_vec();
    other[6] = "6";
    assert_ne!(factorize_json(&other)["test_rmse"], a["test_rmse"]);
}

/// An explicit test file: its ratings are the test set (unseen users counted),
/// and `--test-fraction 0` trains on everything with no test RMSE.
#[test]
fn factorize_with_a_test_file_and_without_a_test_set() {
    let dir = tempfile::tempdir().unwrap();
    let train = write_file(
        dir.path(),
        "train.csv",
        b"a,x,5\na,y,1\nb,x,4\nb,z,2\nc,y,2\nc,z,5\n",
    );
    let test = write_file(dir.path(), "test.csv", b"a,z,3\nd,x,4\n");
    let v = factorize_json(&[
        train.to_str().unwrap(),
        "--test",
        test.to_str().unwrap(),
        "--rank",
        "2",
    ]);
    assert_eq!(
        (v["users"].as_u64(), v["ratings"].as_u64()),
        (Some(4), Some(6))
    );
    assert_eq!(
        (v["train_ratings"].as_u64(), v["test_ratings"].as_u64()),
        (Some(6), Some(2))
    );
    assert!(v["test_rmse"].as_f64().is_some());

    let v = factorize_json(&[train.to_str().unwrap(), "--test-fraction", "0"]);
    assert!(v["test_rmse"].is_null(), "{v}");
    assert!(v["history"][0]["test_rmse"].is_null());
}

/// Without --json: a readable summary with sizes, a per-epoch table and the final RMSEs.
#[test]
fn factorize_prints_a_summary() {
    let o = eigenlens(&[
        "factorize",
        "builtin:tiny-movies",
        "--rank",
        "2",
        "--epochs",
        "4",
    ]);
    assert!(o.status.success(), "stderr: {}", stderr(&o));
    let out = stdout(&o);
    for part in [
        "4 users × 5 items",
        "titles: 5 of 5",
        "ALS, rank 2",
        "train RMSE",
        "final: train RMSE",
    ] {
        assert!(out.contains(part), "expected {part:?} in:\n{out}");
    }
    assert_eq!(
        out.lines()
            .filter(|l| l.trim_start().starts_with(char::is_numeric))
            .count(),
        5,
        "epochs 0..=4:\n{out}"
    );
}

/// --save-users and --save-items write CSVs of the factors, with titles.
#[test]
fn factorize_saves_factors() {
    let dir = tempfile::tempdir().unwrap();
    let (users, items) = (dir.path().join("users.csv"), dir.path().join("items.csv"));
    let o = eigenlens(&[
        "factorize",
        "builtin:tiny-movies",
        "--rank",
        "2",
        "--biases",
        "--save-users",
        users.to_str().unwrap(),
        "--save-items",
        items.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "stderr: {}", stderr(&o));
    let users = std::fs::read_to_string(users).unwrap();
    let lines: Vec<&str> = users.lines().collect();
    assert_eq!(lines[0], "user,bias,f1,f2");
    assert_eq!(lines.len(), 5);
    assert!(lines[1].starts_with("Ana,"));
    assert_eq!(lines[1].split(',').count(), 4);
    let items = std::fs::read_to_string(items).unwrap();
    assert!(items.starts_with("item,title,bias,f1,f2\n"), "{items}");
    assert!(
        items.contains("\"Harry Potter and the Sorcerer's Stone (2001)\"")
            || items.contains("Harry Potter,Harry Potter and the Sorcerer's Stone (2001),"),
        "{items}"
    );
    assert_eq!(items.lines().count(), 6);
    // No temporary files left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

/// A bad ratings file: exit 2, one line naming the file and the line.
#[test]
fn factorize_bad_file_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write_file(dir.path(), "r.csv", b"u,i,4\nv,i,lots\n");
    let o = eigenlens(&["factorize", bad.to_str().unwrap()]);
    assert_bad_input(&o, &["r.csv", "line 2", "lots"]);
    let dup = write_file(dir.path(), "d.csv", b"u,i,4\nu,i,5\n");
    let o = eigenlens(&["factorize", dup.to_str().unwrap()]);
    assert_bad_input(&o, &["d.csv", "line 2", "line 1"]);
    let o = eigenlens(&["factorize", "builtin:nope"]);
    assert_bad_input(&o, &["builtin:nope", "tiny-movies", "movie-night"]);
    let o = eigenlens(&[
        "factorize",
        dir.path().join("missing.csv").to_str().unwrap(),
    ]);
    assert_bad_input(&o, &["missing.csv"]);
}

/// Bad parameters: exit 2, one line naming the flag.
#[test]
fn factorize_bad_parameters_name_the_flag() {
    for (flag, value) in [
        ("--rank", "0"),
        ("--lambda", "-1"),
        ("--learning-rate", "0"),
        ("--epochs", "0"),
        ("--test-fraction", "1"),
    ] {
        let o = eigenlens(&["factorize", "builtin:tiny-movies", flag, value]);
        assert_bad_input(&o, &[flag]);
    }
    let o = eigenlens(&["factorize", "builtin:tiny-movies", "--method", "newton"]);
    assert_eq!(o.status.code(), Some(2));
}

/// SGD with a far too large learning rate diverges: exit 2 with a one-line
/// message that suggests a smaller learning rate.
#[test]
fn factorize_divergence_suggests_a_smaller_learning_rate() {
    let o = eigenlens(&[
        "factorize",
        "builtin:movie-night",
        "--method",
        "sgd",
        "--learning-rate",
        "5",
        "--json",
    ]);
    assert_bad_input(&o, &["diverged", "learning rate smaller than 5"]);
    // A rate at the edge of f64 is written as typed, not as 309 digits.
    let o = eigenlens(&[
        "factorize",
        "builtin:movie-night",
        "--method",
        "sgd",
        "--learning-rate",
        "1e308",
        "--json",
    ]);
    assert_bad_input(&o, &["diverged", "learning rate smaller than 1e308;"]);
}

// ---------------------------------------------------------------- neighbors

fn neighbors_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["neighbors"];
    all.extend_from_slice(args);
    all.push("--json");
    let o = eigenlens(&all);
    assert!(o.status.success(), "stderr: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

/// `neighbors --json` has the contract keys `query, metric, neighbors: [{label,
/// score}]`; the words' nearest to "dog" are animals, closest first.
#[test]
fn neighbors_json_has_the_contract_keys() {
    let v = neighbors_json(&["builtin:words", "--query", "dog", "-k", "5"]);
    assert_eq!(v["query"], "dog");
    assert_eq!(v["metric"], "cosine");
    let list = v["neighbors"].as_array().expect("a list");
    assert_eq!(list.len(), 5);
    assert_eq!(list[0]["label"], "cat");
    let scores: Vec<f64> = list.iter().map(|n| n["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert!(v["query_seconds"].as_f64().is_some());
}

/// A Projector export with its metadata beside it, a .npy with --labels, and
/// each metric; Euclidean lists the smallest distances first.
#[test]
fn neighbors_of_files_and_metrics() {
    let tsv = repo().join("tests/fixtures/embeddings/projector/vectors.tsv");
    let v = neighbors_json(&[tsv.to_str().unwrap(), "--query", "apple", "-k", "3"]);
    let labels: Vec<&str> = v["neighbors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.iter().all(|l| ["pear", "plum", "fig"].contains(l)),
        "{labels:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let npy = repo().join("tests/fixtures/embeddings/items.npy");
    let names = write_file(
        dir.path(),
        "names.txt",
        b"dog\ncat\nhorse\ncow\napple\npear\nplum\nfig\n",
    );
    let v = neighbors_json(&[
        npy.to_str().unwrap(),
        "--labels",
        names.to_str().unwrap(),
        "--query",
        "cat",
        "--metric",
        "euclidean",
        "-k",
        "7",
    ]);
    assert_eq!(v["metric"], "euclidean");
    let scores: Vec<f64> = v["neighbors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["score"].as_f64().unwrap())
        .collect();
    assert_eq!(scores.len(), 7);
    assert!(scores.windows(2).all(|w| w[0] <= w[1]), "{scores:?}");
}

/// The plain output lists rank, label and score.
#[test]
fn neighbors_table_output() {
    let o = eigenlens(&["neighbors", "builtin:words", "--query", "Paris", "-k", "1"]);
    assert!(o.status.success(), "stderr: {}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("1 nearest to \"Paris\" by cosine among 300 vectors of 384 dimensions"),
        "{out}"
    );
    assert!(out.contains("   1  France"), "{out}");
}

/// Unknown labels, bad k and broken files are bad input naming what is wrong.
#[test]
fn neighbors_bad_input() {
    let o = eigenlens(&["neighbors", "builtin:words", "--query", "Dog"]);
    assert_bad_input(&o, &["no point labelled \"Dog\"", "did you mean dog?"]);
    let o = eigenlens(&["neighbors", "builtin:words", "--query", "dog", "-k", "0"]);
    assert_bad_input(&o, &["-k: must be between 1 and 100"]);
    let o = eigenlens(&["neighbors", "builtin:words", "--row", "300"]);
    assert_bad_input(&o, &["--row", "300"]);
    let dir = tempfile::tempdir().unwrap();
    let bad = write_file(dir.path(), "vectors.tsv", b"1\t2\n3\tx\n");
    let o = eigenlens(&["neighbors", bad.to_str().unwrap(), "--row", "0"]);
    assert_bad_input(&o, &["vectors.tsv", "line 2, column 2"]);
    let o = eigenlens(&["neighbors", "builtin:words"]);
    assert_eq!(o.status.code(), Some(2));
}

/// word2vec binary as gensim writes it opens in `neighbors`; a label that
/// names two points is refused (no silent first pick) with the rows and how
/// to choose; case is folded for suggestions beyond ASCII ("CAFÉ" → café).
#[test]
fn neighbors_word2vec_binary_and_ambiguous_labels() {
    let bin = repo().join("tests/fixtures/embeddings/word2vec.bin");
    let bin = bin.to_str().unwrap();
    let v = neighbors_json(&[bin, "--query", "café", "-k", "4"]);
    let labels: Vec<&str> = v["neighbors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["label"].as_str().unwrap())
        .collect();
    assert!(
        labels
            .iter()
            .all(|l| ["apple", "pear", "plum", "fig"].contains(l)),
        "the mean of the fruits is nearest the fruits: {labels:?}"
    );
    let o = eigenlens(&["neighbors", bin, "--query", "CAFÉ"]);
    assert_bad_input(&o, &["no point labelled \"CAFÉ\"", "did you mean café?"]);

    let dir = tempfile::tempdir().unwrap();
    let twice = write_file(
        dir.path(),
        "twice.txt",
        b"bank 1 0\nriver 0.9 0.1\nbank 0 1\nmoney 0.1 0.9\n",
    );
    let twice = twice.to_str().unwrap();
    let o = eigenlens(&["neighbors", twice, "--query", "bank"]);
    assert_bad_input(
        &o,
        &["2 points are labelled \"bank\"", "rows 0, 2", "--row 0"],
    );
    let v = neighbors_json(&[twice, "--row", "2", "-k", "1"]);
    assert_eq!(v["neighbors"][0]["label"], "money");
    let v = neighbors_json(&[twice, "--analogy", "#0,river,money", "-k", "1"]);
    assert_eq!(v["neighbors"][0]["label"], "bank");
}

/// `present` checks the deck and every slide's scene before a window opens:
/// a missing deck or a broken one exits 2 naming the file and line.
#[test]
fn present_bad_deck_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.toml");
    assert_bad_input(
        &eigenlens(&["present", missing.to_str().unwrap()]),
        &["nope.toml"],
    );
    let bad = write_file(
        dir.path(),
        "deck.toml",
        b"title = \"t\"\n[[slide]]\ntitle = 3\nscene = \"x.toml\"\n",
    );
    assert_bad_input(
        &eigenlens(&["present", bad.to_str().unwrap()]),
        &["deck.toml", "line 3"],
    );
}

/// A value at the edge of f64 is quoted back as typed (`1e300`), not as 301
/// digits, by the command line's checks and by a scene's.
#[test]
fn huge_values_are_quoted_as_typed() {
    let o = eigenlens(&["factorize", "builtin:tiny-movies", "--lambda", "-1e300"]);
    assert_bad_input(&o, &["--lambda -1e300: must be a number ≥ 0"]);
    let o = eigenlens(&[
        "factorize",
        "builtin:tiny-movies",
        "--test-fraction",
        "1e300",
    ]);
    assert_bad_input(&o, &["--test-fraction 1e300:"]);
    let dir = tempfile::tempdir().unwrap();
    let scene = write_file(
        dir.path(),
        "s.toml",
        b"view = \"pca\"\ndataset = \"builtin:iris\"\n[pca]\nprogress = 1e300\n",
    );
    let png = dir.path().join("s.png");
    let o = eigenlens(&[
        "render",
        scene.to_str().unwrap(),
        "-o",
        png.to_str().unwrap(),
    ]);
    assert_bad_input(&o, &["pca.progress: must be between 0 and 1, got 1e300"]);
    assert!(stderr(&o).len() < 200, "{}", stderr(&o));
}
