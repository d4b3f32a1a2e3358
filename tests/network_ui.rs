//! UI tests of the Network view: snapshots of the shipped scenes, and the
//! behaviour a learner relies on — Train moves the test accuracy well above
//! chance while the window keeps drawing, stepping the flow carries the
//! drawn points by the layer's own W, a weights file round-trips and a
//! foreign one is refused, and clicks on the plane add and remove points.

mod common;

use common::{repo, view_harness};
use egui::vec2;
use egui_kittest::kittest::Queryable;
use eigenlens::app::views::network::NetworkView;
use eigenlens::app::views::view::View;
use eigenlens::app::{DatasetHandle, EntryData};
use eigenlens::scene::{NetworkPanel, NetworkSettings};

fn data(id: &str) -> EntryData {
    EntryData::Table(DatasetHandle::new(
        eigenlens::data::load_builtin(id).expect("built-in"),
    ))
}

fn scene_view(name: &str) -> (NetworkView, EntryData) {
    let path = repo().join("assets/scenes").join(format!("{name}.toml"));
    let loaded = eigenlens::scene::load_scene(&path).expect("the shipped scene loads");
    let id = loaded
        .scene
        .dataset
        .strip_prefix("builtin:")
        .expect("a built-in")
        .to_owned();
    let mut view = NetworkView::from_scene(&loaded.scene);
    view.set_blocking(true);
    (view, data(&id))
}

fn snapshot_scene(name: &str) {
    let (view, data) = scene_view(name);
    let mut harness = view_harness(view, data, vec2(1280.0, 800.0));
    harness.run_steps(3);
    harness.snapshot(name.replace('-', "_"));
}

#[test]
fn snapshot_network_spiral() {
    snapshot_scene("network-spiral");
}

#[test]
fn snapshot_network_circles_flow() {
    snapshot_scene("network-circles-flow");
}

#[test]
fn snapshot_network_digits() {
    snapshot_scene("network-digits");
}

/// The spiral scene trains to the accuracy the math reaches for it (the
/// scene is not a picture of an untrained network).
#[test]
fn the_spiral_scene_shows_a_trained_network() {
    let (view, data) = scene_view("network-spiral");
    let mut harness = view_harness(view, data, vec2(1280.0, 800.0));
    harness.run_steps(2);
    let v = &harness.state().0;
    assert_eq!(v.epochs_done(), 300);
    let acc = v.test_accuracy().expect("a test set");
    assert!(acc >= 0.95, "test accuracy {acc}");
}

#[test]
fn training_moves_the_test_accuracy_above_chance() {
    let settings = NetworkSettings {
        layers: vec![6],
        epochs: 60,
        learning_rate: 0.03,
        ..NetworkSettings::default()
    };
    let view = NetworkView::new(settings);
    let mut harness = view_harness(view, data("circles"), vec2(1280.0, 800.0));
    harness.run_steps(2);
    assert_eq!(harness.state().0.epochs_done(), 0);
    let before = harness.state().0.test_accuracy().expect("a test set");
    harness.get_by_label("▶ Train").click();
    let mut frames_while_training = 0;
    for _ in 0..3000 {
        harness.step();
        if harness.state().0.is_training() {
            frames_while_training += 1;
        }
        if harness.state().0.epochs_done() >= 60 && !harness.state().0.is_training() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let v = &harness.state().0;
    assert_eq!(v.epochs_done(), 60, "Train runs to the epochs set");
    // The window kept drawing while the job trained.
    assert!(frames_while_training > 5, "{frames_while_training} frames");
    let after = v.test_accuracy().expect("a test set");
    assert!(after > 0.9, "test accuracy {before} → {after}");
    assert!(after > before);
}

/// Circles, one hidden layer of `units` trained 20 epochs, the layer flow
/// of that layer at its input stage, drawn.
fn flow_of_one_layer(units: usize) -> egui_kittest::Harness<'static, (NetworkView, EntryData)> {
    let settings = NetworkSettings {
        layers: vec![units],
        epoch: 20,
        panel: NetworkPanel::Flow,
        layer: 1,
        progress: 0.0,
        ..NetworkSettings::default()
    };
    let mut view = NetworkView::new(settings);
    view.set_blocking(true);
    let mut harness = view_harness(view, data("circles"), vec2(1280.0, 800.0));
    harness.run_steps(2);
    harness
}

/// At the end of a layer's W x stage the drawn points are W times the drawn
/// input points (a 2 → 2 layer is drawn as the plane itself).
#[test]
fn stepping_the_flow_carries_the_points_by_w() {
    let mut harness = flow_of_one_layer(2);
    let input = harness.state().0.flow_points().expect("drawn");
    harness.get_by_label("W x").click();
    harness.run_steps(2);
    let v = &harness.state().0;
    assert!((v.settings.progress - 1.0 / 3.0).abs() < 1e-6);
    let moved = v.flow_points().expect("drawn");
    assert_eq!(input.len(), moved.len());
    assert_ne!(input, moved, "stepping the flow changes the drawn grid");
    let net = v.shown_network().expect("a network");
    let w = &net.layers[0].weights;
    for (p, q) in input.iter().zip(&moved) {
        let wx = [
            w[(0, 0)] * p[0] + w[(0, 1)] * p[1],
            w[(1, 0)] * p[0] + w[(1, 1)] * p[1],
        ];
        assert!(
            (wx[0] - q[0]).abs() < 1e-9 && (wx[1] - q[1]).abs() < 1e-9,
            "{p:?} ↦ {q:?}, W p = {wx:?}"
        );
    }
    // σ: tanh of W x + b, each coordinate on its own.
    harness.get_by_label("σ").click();
    harness.run_steps(2);
    let bent = harness.state().0.flow_points().expect("drawn");
    let b = &net.layers[0].bias;
    for (q, r) in moved.iter().zip(&bent) {
        for k in 0..2 {
            assert!((r[k] - (q[k] + b[k]).tanh()).abs() < 1e-9);
        }
    }
}

/// A stage wider than 3 units drawn through two chosen units: the W x stage
/// shows exactly those rows of W p, and σ bends each of the two axes on its
/// own (tanh of W p + b); choosing "two units" in the flow bar switches from
/// the PCA to units 1 and 2.
#[test]
fn a_wide_layer_is_drawn_through_two_chosen_units() {
    let mut harness = flow_of_one_layer(8);
    let input = harness.state().0.flow_points().expect("drawn");
    harness.get_by_label("W x").click();
    harness.run_steps(2);
    let through_pca = harness.state().0.flow_points().expect("drawn");
    harness.get_by_label("two units").click();
    harness.run_steps(2);
    assert_eq!(harness.state().0.settings.units, Some([1, 2]));
    harness.state_mut().0.settings.units = Some([3, 7]);
    harness.run_steps(2);
    let v = &harness.state().0;
    let moved = v.flow_points().expect("drawn");
    assert_ne!(moved, through_pca, "the units are not the PCA");
    let net = v.shown_network().expect("a network");
    let w = &net.layers[0].weights;
    let wp = |p: &[f64; 3], k: usize| w[(k, 0)] * p[0] + w[(k, 1)] * p[1];
    for (p, q) in input.iter().zip(&moved) {
        assert!(
            (q[0] - wp(p, 2)).abs() < 1e-9 && (q[1] - wp(p, 6)).abs() < 1e-9,
            "{p:?} ↦ {q:?}"
        );
    }
    harness.get_by_label("σ").click();
    harness.run_steps(2);
    let bent = harness.state().0.flow_points().expect("drawn");
    let b = &net.layers[0].bias;
    for (p, r) in input.iter().zip(&bent) {
        assert!((r[0] - (wp(p, 2) + b[2]).tanh()).abs() < 1e-9);
        assert!((r[1] - (wp(p, 6) + b[6]).tanh()).abs() < 1e-9);
    }
}

#[test]
fn a_weights_file_round_trips_and_a_foreign_one_is_refused() {
    let settings = NetworkSettings {
        layers: vec![5, 3],
        epoch: 15,
        ..NetworkSettings::default()
    };
    let mut view = NetworkView::new(settings.clone());
    view.set_blocking(true);
    let mut harness = view_harness(view, data("moons"), vec2(1280.0, 800.0));
    harness.run_steps(2);
    let json = harness.state().0.weights_json().expect("weights");
    let trained = harness.state().0.shown_network().expect("a network");
    let grid = eigenlens::math::network::grid_points((-3.0, 3.0), (-3.0, 3.0), 9, 9);
    let expected = trained.predict(&grid).expect("predict");

    // A fresh view (epoch 0, other weights) shows the file's network.
    let mut fresh = NetworkView::new(NetworkSettings {
        epoch: 0,
        ..settings
    });
    fresh.set_blocking(true);
    let mut h2 = view_harness(fresh, data("moons"), vec2(1280.0, 800.0));
    h2.run_steps(2);
    let untrained = h2.state().0.shown_network().expect("a network");
    assert_ne!(untrained.predict(&grid).expect("predict"), expected);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("weights.json");
    std::fs::write(&file, &json).expect("write");
    let text = std::fs::read_to_string(&file).expect("read");
    h2.state_mut()
        .0
        .import_weights(&text, "weights.json")
        .expect("imports");
    h2.run_steps(2);
    let imported = h2.state().0.shown_network().expect("a network");
    assert_eq!(imported.predict(&grid).expect("predict"), expected);
    assert_eq!(h2.state().0.weights_json().expect("weights"), json);

    // Weights of a network that reads other inputs change nothing.
    let foreign = json.replace("\"x\"", "\"petal\"");
    let err = h2
        .state_mut()
        .0
        .import_weights(&foreign, "other.json")
        .expect_err("other inputs are refused");
    assert!(err.contains("other.json") && err.contains("petal"), "{err}");
    let still = h2.state().0.shown_network().expect("a network");
    assert_eq!(still.predict(&grid).expect("predict"), expected);
    let broken = h2
        .state_mut()
        .0
        .import_weights("{\"layers\": 3", "broken.json");
    assert!(broken.expect_err("broken").contains("broken.json"));
}

#[test]
fn clicks_on_the_plane_add_and_remove_points() {
    let settings = NetworkSettings {
        layers: vec![3],
        ..NetworkSettings::default()
    };
    let mut view = NetworkView::new(settings);
    view.set_blocking(true);
    let mut harness = view_harness(view, data("xor"), vec2(1280.0, 800.0));
    harness.run_steps(3);
    let rows = |h: &egui_kittest::Harness<'_, (NetworkView, EntryData)>| h.state().0.problem_rows();
    let n = rows(&harness);
    let at = harness
        .state()
        .0
        .plane_screen([0.05, 0.05])
        .expect("a plane");
    harness.hover_at(at);
    harness.run_steps(1);
    harness.event(egui::Event::PointerButton {
        pos: at,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::default(),
    });
    harness.event(egui::Event::PointerButton {
        pos: at,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::default(),
    });
    harness.run_steps(3);
    let added = harness.state().0.settings.added.clone();
    assert_eq!(added.len(), 1, "a click adds a point");
    assert!((added[0][0] - 0.05).abs() < 0.2 && (added[0][1] - 0.05).abs() < 0.2);
    assert_eq!(rows(&harness), n + 1, "and the network trains on it");
    harness.event(egui::Event::PointerButton {
        pos: at,
        button: egui::PointerButton::Secondary,
        pressed: true,
        modifiers: egui::Modifiers::default(),
    });
    harness.event(egui::Event::PointerButton {
        pos: at,
        button: egui::PointerButton::Secondary,
        pressed: false,
        modifiers: egui::Modifiers::default(),
    });
    harness.run_steps(3);
    assert!(
        harness.state().0.settings.added.is_empty(),
        "right-click removes it"
    );
    assert_eq!(rows(&harness), n);
}

/// The window's Export weights… and Import weights… (what the dialogs call):
/// the file written is the weights contract, and a file that is not one
/// changes nothing and says why.
#[test]
fn the_window_exports_and_imports_the_weights_file() {
    let mut harness = common::app_harness(common::app_on_scene("network-circles-flow"));
    let trained = |app: &eigenlens::app::EigenApp| app.network_view().epochs_done() >= 5;
    assert!(common::step_until(&mut harness, 3000, trained), "trains");
    harness.get_by_label("‖ Pause").click();
    harness.run_steps(2);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("w.json");
    harness.state_mut().export_weights(&file);
    let text = std::fs::read_to_string(&file).expect("written");
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(json["features"], serde_json::json!(["x", "y"]));
    assert_eq!(json["layers"].as_array().map(Vec::len), Some(3));
    let shown = harness.state().network_view().weights_json();
    assert_eq!(shown.as_deref(), Some(text.as_str()));

    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, b"not json").expect("write");
    harness.state_mut().import_weights(&bad);
    harness.run_steps(2);
    assert_eq!(
        harness.state().network_view().weights_json().as_deref(),
        Some(text.as_str()),
        "a broken file changes nothing"
    );
    assert!(
        harness.query_by_label_contains("bad.json").is_some(),
        "and is named"
    );
    harness.state_mut().import_weights(&file);
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label_contains("Imported the network's weights")
            .is_some()
    );
}
