//! UI tests of the Transform view: snapshots of the shipped transform scenes
//! through the whole app window, and behaviour (presets, the animation).

mod common;

use common::{app_harness, app_on_scene};
use egui_kittest::kittest::{NodeT, Queryable};
use eigenlens::scene::{self, Theme, ViewKind};

fn snapshot_scene(name: &str) {
    let mut harness = app_harness(app_on_scene(name));
    harness.run_steps(4);
    assert_eq!(harness.state().view(), ViewKind::Transform);
    harness.snapshot(name.replace('-', "_"));
}

/// A shear: the square leans, det = 1, one eigenvector line.
#[test]
fn snapshot_transform_shear() {
    snapshot_scene("transform-shear");
}

/// A 3D rotation halfway, turning through the polar decomposition.
#[test]
fn snapshot_transform_rotation_3d() {
    snapshot_scene("transform-rotation-3d");
}

/// The SVD animation in its stretch step, with the unit circle's ellipse.
#[test]
fn snapshot_transform_svd() {
    snapshot_scene("transform-svd");
}

/// A rank-1 matrix: the column space line and the null space.
#[test]
fn snapshot_transform_singular() {
    snapshot_scene("transform-singular");
}

/// Iris points carried by the matrix, in their species colours.
#[test]
fn snapshot_transform_data() {
    snapshot_scene("transform-data");
}

/// A two-step composition, mid-way through its second step.
#[test]
fn snapshot_transform_composition() {
    snapshot_scene("transform-composition");
}

/// Choosing the shear preset sets the matrix cells to [[1, k], [0, 1]] (k = 1
/// by default) and the determinant label to 1; it was 1.23 before.
#[test]
fn shear_preset_sets_cells_and_determinant() {
    let mut harness = app_harness(app_on_scene("transform-svd"));
    harness.run_steps(2);
    assert!(harness.query_by_label("det A = 1").is_none());
    harness.get_by_label("det A = 1.23");
    harness.get_by_label("Shear x").click();
    harness.run_steps(2);
    harness.get_by_label("det A = 1");
    assert_eq!(
        harness.state().transform_view().matrix(),
        &[vec![1.0, 1.0], vec![0.0, 1.0]]
    );
    // The editor's cells show the new entries, row by row.
    let cells: Vec<String> = harness
        .query_all_by_role(egui::accesskit::Role::SpinButton)
        .filter_map(|n| n.accesskit_node().numeric_value().map(|v| v.to_string()))
        .take(4)
        .collect();
    assert_eq!(cells, ["1", "1", "0", "1"]);
    // The preset plays from the identity.
    assert!(harness.state().transform_view().is_playing());
}

/// Swapping the two steps of a composition changes the product: AB ≠ BA.
#[test]
fn swapping_steps_changes_the_product() {
    let mut harness = app_harness(app_on_scene("transform-composition"));
    harness.run_steps(2);
    let before = harness.state().transform_view().matrix().to_vec();
    harness.get_by_label("↑").click();
    harness.run_steps(2);
    let after = harness.state().transform_view().matrix().to_vec();
    assert_ne!(before, after, "the product did not change");
    let scene = harness
        .state()
        .current_scene(eigenlens::scene::Theme::Light, 1.0, None);
    assert_eq!(scene.transform.matrix, after);
}

/// Dragging the tip of ĵ moves column 2 of A with the pointer, one grid unit
/// per unit: the view's scale holds still during the drag (it used to refit
/// every frame, so the tip ran away to ~30 units after a short drag).
#[test]
fn dragging_a_tip_moves_its_column_with_the_pointer() {
    let mut harness = app_harness(app_on_scene("transform-shear"));
    harness.run_steps(4);
    let view = harness.state().transform_view();
    let [origin, i_tip, j_tip] = view.handles();
    let before = view.matrix().to_vec();
    // Pixels per unit, from î = (a₁₁, a₂₁).
    let unit = (before[0][0].hypot(before[1][0])) as f32;
    let scale = (i_tip - origin).length() / unit;
    let shift = egui::vec2(150.0, -120.0);
    harness.hover_at(j_tip);
    harness.run_steps(1);
    harness.drag_at(j_tip);
    harness.run_steps(1);
    for k in 1..=10 {
        harness.hover_at(j_tip + shift * (k as f32 / 10.0));
        harness.run_steps(1);
    }
    harness.drop_at(j_tip + shift);
    harness.run_steps(2);
    let after = harness.state().transform_view().matrix().to_vec();
    let expect = [
        before[0][1] + f64::from(shift.x / scale),
        before[1][1] - f64::from(shift.y / scale),
    ];
    assert!(
        (after[0][1] - expect[0]).abs() < 0.1 && (after[1][1] - expect[1]).abs() < 0.1,
        "ĵ went from ({}, {}) to ({}, {}), expected about ({:.2}, {:.2})",
        before[0][1],
        before[1][1],
        after[0][1],
        after[1][1],
        expect[0],
        expect[1]
    );
    // Column 1 is untouched.
    assert_eq!((after[0][0], after[1][0]), (before[0][0], before[1][0]));
}

/// A scene saved from the Transform view loads back to the same settings.
#[test]
fn saved_transform_scene_round_trips() {
    let mut harness = app_harness(app_on_scene("transform-composition"));
    harness.run_steps(2);
    let saved = harness.state().current_scene(Theme::Light, 1.0, None);
    let toml = saved.to_toml();
    let back = scene::Scene::from_toml(&toml, "saved.toml").expect("the saved scene parses");
    assert_eq!(back.view, ViewKind::Transform);
    assert_eq!(back.transform, saved.transform);
    assert!(!back.transform.steps.is_empty());
}

/// A composition at the scene's limit of steps cannot grow in the window
/// either: "Add a step" is disabled at `scene::MAX_STEPS` (a saved scene
/// would otherwise be refused when opened again).
#[test]
fn add_a_step_stops_at_the_scene_limit() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let step = "[[1.0, 0.0], [0.0, 1.0]]";
    let steps = vec![step; scene::MAX_STEPS].join(", ");
    let path = common::write_file(
        dir.path(),
        "many.toml",
        format!(
            "view = \"transform\"\ndataset = \"builtin:cloud\"\n[transform]\nsteps = [{steps}]\n"
        )
        .as_bytes(),
    );
    let loaded = scene::load_scene(&path).expect("a scene at the limit loads");
    let app = eigenlens::app::EigenApp::new(
        eigenlens::app::PersistedState::default(),
        Some((path, eigenlens::app::Opened::Scene(Box::new(loaded)))),
    );
    let mut harness = app_harness(app);
    harness.run_steps(2);
    assert!(
        harness
            .get_by_label("Add a step")
            .accesskit_node()
            .is_disabled()
    );
    assert!(!harness.get_by_label("Clear").accesskit_node().is_disabled());
}
