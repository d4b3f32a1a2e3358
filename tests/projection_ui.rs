//! UI tests of the projection switch (PCA | t-SNE | UMAP) in the Embeddings
//! view: switching runs the map and moves the points, a scene's method, seed
//! and iteration reproduce the same coordinates, a scene stopped mid-way
//! holds there until Resume, and hovering a point on the map lists which of
//! its neighbours the map kept.

mod common;

use common::{app_harness, app_on_scene, step_until};
use egui_kittest::kittest::Queryable;
use eigenlens::app::EigenApp;
use eigenlens::scene::ProjectionMethod;

fn ready(app: &EigenApp) -> bool {
    app.embeddings_view().is_ready()
}

/// The map has run to its end and holds still.
fn converged(app: &EigenApp) -> bool {
    let v = app.embeddings_view();
    !v.map_running()
        && v.map()
            .is_some_and(eigenlens::app::views::projector::MapFrame::converged)
}

/// The coordinates drawn, by row.
fn drawn(app: &EigenApp) -> Vec<[f64; 3]> {
    let mut d = app.embeddings_view().drawn();
    d.sort_by_key(|(row, _)| *row);
    d.into_iter().map(|(_, p)| p).collect()
}

#[test]
fn switching_to_tsne_runs_and_moves_the_points_and_keeps_more_neighbours_than_pca() {
    let mut harness = app_harness(app_on_scene("embeddings-words-2d"));
    assert!(step_until(&mut harness, 100, ready));
    harness.run_steps(2);
    let pca = drawn(harness.state());
    assert_eq!(pca.len(), 300);
    assert!(harness.state().embeddings_view().map().is_none());

    harness.get_by_label("t-SNE").click();
    assert!(
        step_until(&mut harness, 3000, |a| converged(a)
            && a.embeddings_view().kept().0.is_some()),
        "t-SNE never converged"
    );
    harness.run_steps(2);
    let view = harness.state().embeddings_view();
    assert_eq!(view.settings.projection.method, ProjectionMethod::Tsne);
    let map = view.map().expect("a map");
    assert_eq!(map.iteration, 750);
    let tsne = drawn(harness.state());
    assert_eq!(tsne.len(), 300);
    // The points drawn are the map's, not PCA's.
    for (row, p) in tsne.iter().enumerate() {
        assert_eq!(p[..2], map.point(row)[..2], "row {row}");
    }
    let moved = pca
        .iter()
        .zip(&tsne)
        .filter(|(a, b)| (a[0] - b[0]).abs() + (a[1] - b[1]).abs() > 1e-6)
        .count();
    assert!(moved > 290, "only {moved} points moved");
    // What each keeps: t-SNE keeps far more of each word's neighbours.
    let (kept_map, kept_pca) = harness.state().embeddings_view().kept();
    let (kept_map, kept_pca) = (kept_map.expect("measured"), kept_pca.expect("measured"));
    assert!(
        kept_map > kept_pca + 0.15,
        "t-SNE {kept_map} vs PCA {kept_pca}"
    );
    harness.get_by_label_contains("t-SNE keeps");
    harness.get_by_label_contains("iteration 750 / 750");

    // Back to PCA: the PCA coordinates again.
    // (The last "PCA": the switch, after the view's tab.)
    harness
        .query_all_by_label("PCA")
        .last()
        .expect("the PCA switch")
        .click();
    harness.run_steps(3);
    assert_eq!(drawn(harness.state()), pca);
}

/// Runs a shipped scene in a fresh app until its map converges.
fn converged_scene(name: &str) -> Vec<[f64; 3]> {
    let mut harness = app_harness(app_on_scene(name));
    assert!(
        step_until(&mut harness, 3000, converged),
        "{name}: the map never converged"
    );
    harness.run_steps(2);
    drawn(harness.state())
}

#[test]
fn a_scene_with_a_seed_reproduces_the_same_coordinates() {
    for name in ["embeddings-words-tsne", "embeddings-words-umap"] {
        let first = converged_scene(name);
        let second = converged_scene(name);
        assert_eq!(first.len(), 300);
        assert_eq!(first, second, "{name}");
    }
}

#[test]
fn a_scene_stopped_mid_way_holds_there_until_resume() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text =
        std::fs::read_to_string(common::repo().join("assets/scenes/embeddings-words-tsne.toml"))
            .expect("scene")
            + "iteration = 200\n";
    let path = common::write_file(dir.path(), "stopped.toml", text.as_bytes());
    let loaded = eigenlens::scene::load_scene(&path).expect("loads");
    assert_eq!(loaded.scene.embeddings.projection.stop_at, Some(200));
    let app = EigenApp::new(
        eigenlens::app::PersistedState::default(),
        Some((path, eigenlens::app::Opened::Scene(Box::new(loaded)))),
    );
    let mut harness = app_harness(app);
    let at_200 = |a: &EigenApp| {
        a.embeddings_view()
            .map()
            .is_some_and(|m| m.iteration == 200)
            && !a.embeddings_view().map_running()
    };
    assert!(
        step_until(&mut harness, 3000, at_200),
        "never paused at 200"
    );
    // It stays there: the scene says where it stopped.
    harness.run_steps(20);
    std::thread::sleep(std::time::Duration::from_millis(200));
    harness.run_steps(2);
    let view = harness.state().embeddings_view();
    assert_eq!(view.map().map(|m| m.iteration), Some(200));
    assert_eq!(view.settings.projection.stop_at, Some(200));
    let stopped = drawn(harness.state());

    harness.get_by_label("▶ Resume").click();
    assert!(step_until(&mut harness, 3000, converged));
    harness.run_steps(2);
    let view = harness.state().embeddings_view();
    assert_eq!(view.settings.projection.stop_at, None);
    assert_ne!(drawn(harness.state()), stopped);
    // A run to the end from the same scene lands where the resumed one did.
    assert_eq!(
        drawn(harness.state()),
        converged_scene("embeddings-words-tsne")
    );
}

#[test]
fn hovering_a_point_on_the_map_shows_which_neighbours_it_kept() {
    let mut harness = app_harness(app_on_scene("embeddings-words-tsne"));
    assert!(step_until(&mut harness, 3000, converged));
    harness.run_steps(2);
    // Sweep the pointer over the plot until it rests on a point.
    let mut found = None;
    'sweep: for y in (150..950).step_by(12) {
        for x in (80..1200).step_by(12) {
            harness.hover_at(egui::pos2(x as f32, y as f32));
            harness.run_steps(2);
            if let Some((row, list)) = harness.state().embeddings_view().neighbour_fate() {
                found = Some((row, list.to_vec()));
                break 'sweep;
            }
        }
    }
    let (row, list) = found.expect("no point found under the pointer");
    assert_eq!(list.len(), 10);
    assert!(list.iter().all(|&(nb, _)| nb != row));
    // Each flag agrees with the map: kept ⇔ among the row's 10 nearest on it.
    let map = harness
        .state()
        .embeddings_view()
        .map()
        .expect("map")
        .clone();
    let p = map.point(row);
    let mut by_distance: Vec<(f64, usize)> = (0..300)
        .filter(|&j| j != row)
        .map(|j| {
            let q = map.point(j);
            ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2), j)
        })
        .collect();
    by_distance.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let nearest: Vec<usize> = by_distance.iter().take(10).map(|&(_, j)| j).collect();
    for (nb, kept) in list {
        assert_eq!(kept, nearest.contains(&nb), "neighbour {nb}");
    }
}

/// The same lines in 3D: hovering a point of a 3D t-SNE map marks which of
/// its original neighbours the map kept (among its 10 nearest in 3D).
#[test]
fn hovering_a_point_on_a_3d_map_shows_which_neighbours_it_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src =
        std::fs::read_to_string(common::repo().join("assets/scenes/embeddings-words-tsne.toml"))
            .expect("scene")
            .replace("[embeddings]\n", "[embeddings]\nmode = \"3d\"\n");
    let path = common::write_file(dir.path(), "tsne3d.toml", src.as_bytes());
    let loaded = eigenlens::scene::load_scene(&path).expect("loads");
    let app = EigenApp::new(
        eigenlens::app::PersistedState::default(),
        Some((path, eigenlens::app::Opened::Scene(Box::new(loaded)))),
    );
    let mut harness = app_harness(app);
    assert!(step_until(&mut harness, 3000, converged));
    harness.run_steps(2);
    let map = harness
        .state()
        .embeddings_view()
        .map()
        .expect("map")
        .clone();
    assert!(map.point(0)[2] != 0.0, "a 3D map");
    let mut found = None;
    'sweep: for y in (150..780).step_by(10) {
        for x in (250..1250).step_by(10) {
            harness.hover_at(egui::pos2(x as f32, y as f32));
            harness.run_steps(2);
            if let Some((row, list)) = harness.state().embeddings_view().neighbour_fate() {
                found = Some((row, list.to_vec()));
                break 'sweep;
            }
        }
    }
    let (row, list) = found.expect("no point found under the pointer in 3D");
    assert_eq!(list.len(), 10);
    let p = map.point(row);
    let mut by_distance: Vec<(f64, usize)> = (0..300)
        .filter(|&j| j != row)
        .map(|j| {
            let q = map.point(j);
            (
                (p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2),
                j,
            )
        })
        .collect();
    by_distance.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let nearest: Vec<usize> = by_distance.iter().take(10).map(|&(_, j)| j).collect();
    for (nb, kept) in list {
        assert_eq!(kept, nearest.contains(&nb), "neighbour {nb}");
    }
}
