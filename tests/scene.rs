//! Scene files: round trip, defaults, and bad scenes naming key and line.

use eigenlens::scene::{
    DataPanel, PcaPanel, Projection, Scene, SceneError, Theme, ViewKind, load_scene_str,
};

/// Saving a scene and reading it back gives the same scene.
#[test]
fn round_trip() {
    let mut scene = Scene::default();
    scene.window.theme = Theme::Dark;
    scene.window.scale = 2.0;
    scene.data.panel = DataPanel::Matrices;
    scene.data.x = Some("sepal_width".into());
    scene.data.color = Some(String::new());
    let text = scene.to_toml();
    let back = Scene::from_toml(&text, "t.toml").unwrap();
    assert_eq!(back, scene, "TOML was:\n{text}");
}

/// Omitted tables take their documented defaults.
#[test]
fn defaults() {
    let s = Scene::from_toml("view = \"data\"\ndataset = \"builtin:iris\"\n", "t.toml").unwrap();
    assert_eq!(s.window.width, 1600);
    assert_eq!(s.window.height, 1000);
    assert_eq!(s.window.theme, Theme::Light);
    assert!((s.window.scale - 1.0).abs() < f32::EPSILON);
    assert_eq!(s.data.panel, DataPanel::Scatter);
}

fn err(src: &str) -> SceneError {
    Scene::from_toml(src, "t.toml").expect_err("the scene should be rejected")
}

/// An unknown key is an error naming the key and its line.
#[test]
fn unknown_key() {
    let e = err("view = \"data\"\ndataset = \"builtin:iris\"\n[window]\nwidht = 3\n");
    assert_eq!(e.line(), Some(4));
    assert!(e.to_string().contains("widht"), "{e}");
}

/// A wrong type names the line.
#[test]
fn wrong_type() {
    let e = err("view = \"data\"\ndataset = \"builtin:iris\"\n[window]\nwidth = \"wide\"\n");
    assert_eq!(e.line(), Some(4));
    assert!(e.to_string().starts_with("t.toml: line 4"), "{e}");
}

/// Values out of range are errors naming the line, not clamped silently.
#[test]
fn out_of_range() {
    let e = err("view = \"data\"\ndataset = \"builtin:iris\"\n[window]\nscale = 7\n");
    assert_eq!(e.line(), Some(4));
    assert!(e.to_string().contains("between"), "{e}");
    let e = err("view = \"data\"\ndataset = \"builtin:iris\"\n[window]\nwidth = 0\n");
    assert_eq!(e.line(), Some(4));
}

/// An unknown view and a missing `dataset` key are errors.
#[test]
fn unknown_view_and_missing_dataset() {
    let e = err("view = \"tesseract\"\ndataset = \"builtin:iris\"\n");
    assert_eq!(e.line(), Some(1));
    let e = err("view = \"data\"\n");
    assert!(e.to_string().contains("dataset"), "{e}");
}

/// An unknown built-in is reported at the `dataset` line.
#[test]
fn unknown_builtin() {
    let e = load_scene_str(
        "view = \"data\"\n\ndataset = \"builtin:nope\"\n",
        "t.toml",
        None,
    )
    .unwrap_err();
    assert_eq!(e.line(), Some(3));
    assert!(e.to_string().contains("nope"), "{e}");
}

/// A colour column that is not a label column is an error naming `data.color`.
#[test]
fn unknown_color_column() {
    let e = load_scene_str(
        "view = \"data\"\ndataset = \"builtin:iris\"\n[data]\ncolor = \"sepal_length\"\n",
        "t.toml",
        None,
    )
    .unwrap_err();
    assert_eq!(e.line(), Some(4));
    assert!(e.to_string().contains("data.color"), "{e}");
}

/// The shipped default scene loads.
#[test]
fn default_scene_loads() {
    let s = load_scene_str(eigenlens::scene::DEFAULT_SCENE, "default", None).unwrap();
    assert_eq!(s.data.table().expect("a table").n_rows, 150);
}

/// Every scene shipped in assets/scenes/ loads with its dataset.
#[test]
fn shipped_scenes_load() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/scenes");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            eigenlens::scene::load_scene(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            n += 1;
        }
    }
    assert!(n >= 7, "only {n} scenes found");
}

/// The `[pca]` table round-trips, camera included.
#[test]
fn pca_round_trip() {
    let mut scene = Scene {
        view: ViewKind::Pca,
        ..Scene::default()
    };
    scene.pca.columns = vec!["sepal_length".into(), "petal_width".into()];
    scene.pca.standardize = true;
    scene.pca.progress = 0.25;
    scene.pca.y_component = 1;
    scene.pca.biplot = true;
    scene.pca.panel = PcaPanel::Covariance;
    scene.pca.camera.yaw = 12.5;
    scene.pca.camera.projection = Projection::Orthographic;
    let text = scene.to_toml();
    let back = Scene::from_toml(&text, "t.toml").unwrap();
    assert_eq!(back, scene, "TOML was:\n{text}");
}

const PCA_HEAD: &str = "view = \"pca\"\ndataset = \"builtin:iris\"\n[pca]\n";

/// A progress outside 0..=1 is an error at its line.
#[test]
fn pca_progress_out_of_range() {
    let e = err(&format!("{PCA_HEAD}progress = 7\n"));
    assert_eq!(e.line(), Some(4));
    assert!(e.to_string().contains("between 0 and 1"), "{e}");
}

/// Camera values are range-checked: pitch within ±90°, distance 0.2..=50.
#[test]
fn pca_camera_out_of_range() {
    let e = err(&format!("{PCA_HEAD}[pca.camera]\npitch = 120\n"));
    assert_eq!(e.line(), Some(5));
    let e = err(&format!("{PCA_HEAD}[pca.camera]\ndistance = 0\n"));
    assert_eq!(e.line(), Some(5));
    let e = err(&format!(
        "{PCA_HEAD}[pca.camera]\nprojection = \"fisheye\"\n"
    ));
    assert_eq!(e.line(), Some(5));
}

/// A PCA column the dataset lacks, a single column, or a component beyond the
/// columns analysed are errors naming the key and line.
#[test]
fn pca_columns_checked_against_dataset() {
    let check = |body: &str| {
        load_scene_str(&format!("{PCA_HEAD}{body}"), "t.toml", None)
            .expect_err("the scene should be rejected")
    };
    let e = check("columns = [\"sepal_length\", \"petal_size\"]\n");
    assert_eq!(e.line(), Some(4));
    assert!(
        e.to_string().contains("petal_size") && e.to_string().contains("sepal_width"),
        "{e}"
    );
    let e = check("columns = [\"sepal_length\"]\n");
    assert!(e.to_string().contains("at least two"), "{e}");
    let e = check("columns = [\"sepal_length\", \"sepal_length\"]\n");
    assert!(e.to_string().contains("twice"), "{e}");
    let e = check("x_component = 4\n");
    assert_eq!(e.line(), Some(4));
    assert!(e.to_string().contains("between 1 and 3"), "{e}");
    let e = check(
        "columns = [\"sepal_length\", \"sepal_width\", \"petal_length\", \"petal_width\"]\ny_component = 0\n",
    );
    assert_eq!(e.line(), Some(5));
}

/// The [factorize] table: values out of range and names the ratings lack are
/// errors naming the key and its line; a table given to the Factorize view is
/// refused at the dataset line.
#[test]
fn factorize_table_is_checked() {
    let cases = [
        ("[factorize]\nrank = 0\n", 5, "factorize.rank"),
        ("[factorize]\nlambda = -1\n", 5, "factorize.lambda"),
        (
            "[factorize]\nlearning_rate = 0\n",
            5,
            "factorize.learning_rate",
        ),
        (
            "[factorize]\ntest_fraction = 0.95\n",
            5,
            "factorize.test_fraction",
        ),
        ("[factorize]\nepochs = 5\nepoch = 6\n", 6, "factorize.epoch"),
        (
            "[factorize]\nepoch = 3\nhistory = 4\n",
            6,
            "factorize.history",
        ),
        ("[factorize]\nuser = \"Zed\"\n", 5, "no user \"Zed\""),
        (
            "[factorize]\nitem = \"Jaws\"\n",
            5,
            "no item with id or title \"Jaws\"",
        ),
        (
            "[factorize]\nmetric = \"l2\"\n",
            5,
            "expected one of `cosine`, `euclidean`, `dot`",
        ),
        ("[factorize]\nbogus = 1\n", 5, "bogus"),
    ];
    for (table, line, needle) in cases {
        let src = format!("view = \"factorize\"\ndataset = \"builtin:tiny-movies\"\n\n{table}");
        let e = load_scene_str(&src, "s.toml", None).expect_err(table);
        assert_eq!(e.line(), Some(line), "{table}: {e}");
        assert!(e.to_string().contains(needle), "{table}: {e}");
    }
    let e = load_scene_str(
        "view = \"factorize\"\ndataset = \"builtin:iris\"\n",
        "s.toml",
        None,
    )
    .expect_err("a table");
    assert_eq!(e.line(), Some(2));
    assert!(e.to_string().contains("needs a ratings matrix"), "{e}");
    let e = load_scene_str(
        "view = \"pca\"\ndataset = \"builtin:tiny-movies\"\n",
        "s.toml",
        None,
    )
    .expect_err("ratings");
    assert!(e.to_string().contains("is a ratings matrix"), "{e}");
    // Titles name items too, and edits load.
    let ok = "view = \"factorize\"\ndataset = \"builtin:movie-night\"\n[factorize]\nuser = \"u003\"\nitem = \"Toy Story (1995)\"\n[[factorize.edits]]\nuser = \"u003\"\nitem = \"1\"\nrating = 5\n";
    let s = load_scene_str(ok, "s.toml", None).expect("loads");
    assert_eq!(s.scene.factorize.edits.len(), 1);
    assert!(s.data.ratings().is_some());
}

// ---------------------------------------------------------------- [embeddings]

fn words_scene(table: &str) -> String {
    format!("view = \"embeddings\"\ndataset = \"builtin:words\"\n[embeddings]\n{table}")
}

/// The `[embeddings]` table round-trips, and its defaults are the documented ones.
#[test]
fn embeddings_round_trip_and_defaults() {
    use eigenlens::math::similarity::Metric;
    use eigenlens::scene::{EmbeddingsMode, EmbeddingsSettings};
    let d = EmbeddingsSettings::default();
    assert_eq!(d.mode, EmbeddingsMode::Plane);
    assert_eq!(d.components, [1, 2, 3]);
    assert!(d.dims.is_empty() && d.color.is_none() && d.name.is_none());
    assert!(d.labels && !d.regex && !d.isolate);
    assert_eq!((d.metric, d.k), (Metric::Cosine, 10));
    assert!(d.selected.is_none() && d.analogy.is_empty() && d.search.is_empty());

    let mut scene = Scene {
        view: ViewKind::Embeddings,
        dataset: "builtin:words".into(),
        ..Scene::default()
    };
    let e = &mut scene.embeddings;
    e.mode = EmbeddingsMode::Space;
    e.components = vec![2, 3, 1];
    e.color = Some(String::new());
    e.search = "^gr".into();
    e.regex = true;
    e.selected = Some("dog".into());
    e.metric = Metric::Euclidean;
    e.k = 25;
    e.isolate = true;
    e.analogy = vec!["king".into(), "man".into(), "woman".into()];
    e.camera.yaw = 10.0;
    let text = scene.to_toml();
    let back = Scene::from_toml(&text, "t.toml").unwrap();
    assert_eq!(back, scene, "TOML was:\n{text}");
    load_scene_str(&text, "t.toml", None).unwrap();
}

/// Out-of-range and malformed values name the key and its line.
#[test]
fn embeddings_bad_values_name_key_and_line() {
    for (table, key) in [
        ("k = 0\n", "embeddings.k"),
        ("k = 101\n", "embeddings.k"),
        ("components = [1]\n", "embeddings.components"),
        ("components = [1, 1]\n", "embeddings.components"),
        ("components = [0, 2]\n", "embeddings.components"),
        ("analogy = [\"king\", \"man\"]\n", "embeddings.analogy"),
    ] {
        let e = err(&words_scene(table));
        assert_eq!(e.line(), Some(4), "{table}: {e}");
        assert!(e.to_string().contains(key), "{table}: {e}");
    }
    let e = err(&words_scene("metric = \"manhattan\"\n"));
    assert_eq!(e.line(), Some(4), "{e}");
    let e = err(&words_scene("mode = \"4d\"\n"));
    assert_eq!(e.line(), Some(4), "{e}");
}

/// Names, columns and components are checked against the dataset.
#[test]
fn embeddings_checked_against_dataset() {
    for (table, message) in [
        (
            "selected = \"unicorn\"\n",
            "embeddings.selected: \"words\" has no point named \"unicorn\"",
        ),
        (
            "analogy = [\"king\", \"man\", \"unicorn\"]\n",
            "embeddings.analogy: \"words\" has no point named \"unicorn\"",
        ),
        (
            "dims = [\"dim_0\", \"dim_999\"]\n",
            "embeddings.dims: \"words\" has no numeric column \"dim_999\"",
        ),
        (
            "color = \"colour\"\n",
            "embeddings.color: \"words\" has no label column \"colour\" (it has: word, group)",
        ),
        ("name = \"dim_0\"\n", "embeddings.name"),
        (
            "dims = [\"dim_0\", \"dim_1\"]\ncomponents = [1, 3]\n",
            "component 3 does not exist: the vectors have 2 dimensions",
        ),
        (
            "dims = [\"dim_0\", \"dim_1\"]\nmode = \"3d\"\n",
            "component 3 does not exist: the vectors have 2 dimensions",
        ),
    ] {
        let e = load_scene_str(&words_scene(table), "t.toml", None).unwrap_err();
        assert!(e.line().is_some_and(|l| l >= 4), "{table}: {e}");
        assert!(e.to_string().contains(message), "{table}: {e}");
    }
    // Two dimensions are enough in 2D (the default third component is unused).
    load_scene_str(
        &words_scene("dims = [\"dim_0\", \"dim_1\"]\n"),
        "t.toml",
        None,
    )
    .unwrap();
    // A name known to the first label column is fine; so is an empty colour.
    load_scene_str(
        &words_scene("selected = \"Paris\"\ncolor = \"\"\n"),
        "t.toml",
        None,
    )
    .unwrap();
}

/// A point of a table without a name column is selected as `#row`, as the
/// Embeddings view names it; a saved selection of one loads back (found by
/// the monkey test), and a row the table does not have is refused.
#[test]
fn an_unnamed_point_is_selected_by_its_row() {
    let scene = |row: usize| {
        format!(
            "view = \"embeddings\"\ndataset = \"builtin:plane\"\n[embeddings]\nselected = \"#{row}\"\n"
        )
    };
    load_scene_str(&scene(43), "t.toml", None).expect("#43 is a row of plane");
    let err = load_scene_str(&scene(100_000), "t.toml", None).expect_err("no such row");
    assert!(err.to_string().contains("#100000"), "{err}");
}
