//! UI tests: the real app window driven by egui_kittest and drawn by its wgpu
//! renderer (`WGPU_BACKEND=gl` → Mesa llvmpipe, no GPU).

mod common;

use common::{app_harness, fresh_app, step_until, write_file};
use egui_kittest::kittest::Queryable;

/// The app starts on the default scene: iris in the Data view's scatter of petal length × width.
#[test]
fn starts_on_default_scene() {
    let mut harness = app_harness(fresh_app());
    harness.run_steps(3);
    let app = harness.state();
    assert_eq!(app.current_dataset().map(|d| d.name.as_str()), Some("iris"));
    let s = &app.data_view().settings;
    assert_eq!(s.x.as_deref(), Some("petal_length"));
    assert_eq!(s.y.as_deref(), Some("petal_width"));
    // The plot's axis titles and the legend are on screen.
    harness.get_by_label("Datasets");
    assert!(
        harness
            .query_by_label_contains("150 rows × 4 numeric columns")
            .is_some()
    );
}

/// Clicking a built-in in the dataset list shows it.
#[test]
fn clicking_a_dataset_shows_it() {
    let mut harness = app_harness(fresh_app());
    harness.run_steps(2);
    harness.get_by_label("3D point cloud").click();
    harness.run_steps(3);
    assert_eq!(
        harness.state().current_dataset().map(|d| d.name.as_str()),
        Some("cloud")
    );
    assert!(
        harness
            .query_by_label_contains("300 rows × 3 numeric columns")
            .is_some()
    );
}

/// Switching the Data view's panel to the table, statistics and covariance shows each.
#[test]
fn data_panels_switch() {
    let mut harness = app_harness(fresh_app());
    harness.run_steps(2);
    harness.get_by_label("Statistics").click();
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label_contains("n − 1 denominator")
            .is_some()
    );
    harness.get_by_label("Covariance").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("Covariance Σ").is_some());
    assert!(harness.query_by_label("Correlation ρ").is_some());
    harness.get_by_label("Table").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("sepal_width").is_some());
}

/// A snapshot of the Data view: iris petals coloured by species, with legend and axis titles.
#[test]
fn snapshot_data_view() {
    let mut harness = app_harness(fresh_app());
    harness.run_steps(5);
    harness.snapshot("data_view_iris");
}

/// A snapshot of the covariance and correlation heatmaps (math glyphs must render).
#[test]
fn snapshot_covariance() {
    let mut harness = app_harness(fresh_app());
    harness.run_steps(2);
    harness.get_by_label("Covariance").click();
    harness.run_steps(4);
    harness.snapshot("data_view_covariance");
}

/// A bad file shows one message naming the file and line, and the previous dataset stays.
#[test]
fn bad_file_keeps_previous_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write_file(dir.path(), "bad.csv", b"a,b\n1,2\n3,oops\n");
    let mut harness = app_harness(fresh_app());
    harness.run_steps(2);
    harness.state_mut().open_now(&bad);
    harness.run_steps(2);
    let app = harness.state();
    assert_eq!(app.current_dataset().map(|d| d.name.as_str()), Some("iris"));
    let (msg, is_error) = app.status().expect("an error message");
    assert!(is_error);
    assert!(
        msg.contains("bad.csv") && msg.contains("line 3"),
        "message: {msg}"
    );
    // Shown once, in the window.
    assert_eq!(harness.query_all_by_label_contains("line 3").count(), 1);
}

/// A file dropped by the test, as winit would hand it to egui.
#[derive(Debug)]
struct TestDrop(std::path::PathBuf);

impl egui::DroppedFile for TestDrop {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

/// Dropping a CSV file on the window loads it (off the UI thread) and shows it.
#[test]
fn drag_and_drop_opens_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = write_file(
        dir.path(),
        "dropped.csv",
        b"u,v,kind\n1,2,a\n2,3,b\n4,1,a\n",
    );
    let mut harness = app_harness(fresh_app());
    harness.run_steps(2);
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(TestDrop(good.clone())));
    let loaded = step_until(&mut harness, 300, |app| {
        app.current_dataset()
            .is_some_and(|d| d.name == "dropped.csv")
    });
    assert!(loaded, "the dropped file was not opened");
    harness.run_steps(2);
    assert!(
        harness
            .query_all_by_label_contains("3 rows × 2 numeric columns")
            .count()
            >= 1
    );
    assert_eq!(
        harness.state().data_view().settings.x,
        None,
        "settings adapt to the new columns"
    );
}

/// A file opened from the command line or a dialog goes to the top of the recent list.
#[test]
fn opened_files_are_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_file(dir.path(), "a.csv", b"x,y\n1,2\n3,4\n");
    let mut app = fresh_app();
    app.open_now(&a);
    let scene = app.current_scene(eigenlens::scene::Theme::Dark, 1.0, None);
    assert!(scene.dataset.ends_with("a.csv"));
    let mut harness = app_harness(app);
    harness.run_steps(2);
    // Shown in the dataset panel and the view's heading; the recent menu adds one more.
    let before = harness.query_all_by_label("a.csv").count();
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label("Open recent").hover();
    harness.run_steps(2);
    assert_eq!(harness.query_all_by_label("a.csv").count(), before + 1);
}

/// A scene saved from the window loads back to the same view, dataset and settings.
#[test]
fn saved_scene_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app_harness(fresh_app());
    harness.run_steps(2);
    harness.get_by_label("Covariance").click();
    harness.run_steps(2);
    let scene = harness
        .state()
        .current_scene(eigenlens::scene::Theme::Dark, 2.0, Some(dir.path()));
    let path = write_file(dir.path(), "saved.toml", scene.to_toml().as_bytes());
    let loaded = eigenlens::scene::load_scene(&path).unwrap();
    assert_eq!(loaded.scene, scene);
    assert_eq!(
        loaded.scene.data.panel,
        eigenlens::scene::DataPanel::Matrices
    );
    assert_eq!(loaded.data.table().expect("a table").name, "iris");
}
