//! Scene files: round trip, defaults, and bad scenes naming key and line.

use eigenlens::scene::{DataPanel, Scene, SceneError, Theme, load_scene_str};

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
    assert_eq!(s.dataset.n_rows, 150);
}
