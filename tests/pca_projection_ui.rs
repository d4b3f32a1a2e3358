//! UI tests of the PCA view's projection switch (PCA | t-SNE | UMAP) over
//! the scores: switching to t-SNE draws the map's positions instead of the
//! scores and reports more kept neighbours than PCA on a clustered table,
//! and a scene with `[pca.projection]` reproduces the same positions.

mod common;

use common::{app_harness, app_on_scene, step_until, view_harness};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use eigenlens::app::views::pca::PcaView;
use eigenlens::app::views::view::View;
use eigenlens::app::{DatasetHandle, EigenApp, EntryData};
use eigenlens::scene::{PcaSettings, ProjectionMethod, Scene};

type ViewHarness = Harness<'static, (PcaView, EntryData)>;

/// A blocking PCA view of `dataset` on `settings` (the map computes at once).
fn blocking_view(dataset: eigenlens::data::Dataset, settings: PcaSettings) -> ViewHarness {
    let mut view = PcaView::new(settings);
    view.set_blocking(true);
    let data = EntryData::Table(DatasetHandle::new(dataset));
    let mut harness = view_harness(view, data, egui::vec2(1400.0, 900.0));
    harness.run_steps(3);
    harness
}

/// The built-in words (300 × 384, 12 groups) with every dimension analysed:
/// a clustered table whose first two components crush the groups together.
fn words() -> (eigenlens::data::Dataset, PcaSettings) {
    let ds = eigenlens::data::load_builtin("words").expect("built-in words");
    let settings = PcaSettings {
        columns: ds.column_names().iter().map(|&c| c.to_owned()).collect(),
        ..PcaSettings::default()
    };
    (ds, settings)
}

#[test]
fn switching_to_tsne_draws_the_map_and_keeps_more_neighbours_than_pca() {
    let (ds, settings) = words();
    let mut harness = blocking_view(ds, settings);
    let pca = harness.state().0.drawn();
    assert_eq!(pca.len(), 300);
    assert!(harness.state().0.map().is_none());
    assert_eq!(harness.state().0.kept(), (None, None));

    harness.get_by_label("t-SNE").click();
    harness.run_steps(3);
    let view = &harness.state().0;
    assert_eq!(view.settings.projection.method, ProjectionMethod::Tsne);
    let map = view.map().expect("a t-SNE map");
    assert_eq!(map.iteration, 750);
    assert!(!view.map_running());
    let tsne = view.drawn();
    assert_eq!(tsne.len(), 300);
    // The points drawn are the map's, not the scores.
    for (i, p) in tsne.iter().enumerate() {
        assert_eq!(p[..], map.point(i)[..2], "row {i}");
    }
    let moved = pca
        .iter()
        .zip(&tsne)
        .filter(|(a, b)| (a[0] - b[0]).abs() + (a[1] - b[1]).abs() > 1e-6)
        .count();
    assert!(moved > 290, "only {moved} points moved");
    let (kept_map, kept_pca) = view.kept();
    let (kept_map, kept_pca) = (kept_map.expect("measured"), kept_pca.expect("measured"));
    assert!(
        kept_map > kept_pca + 0.15,
        "t-SNE {kept_map} vs PCA {kept_pca}"
    );
    harness.get_by_label_contains("t-SNE keeps");
    harness.get_by_label_contains("iteration 750 / 750");

    // Back to PCA: the scores again, and the component choosers.
    harness
        .query_all_by_label("PCA")
        .last()
        .expect("the PCA switch")
        .click();
    harness.run_steps(3);
    assert_eq!(harness.state().0.drawn(), pca);
    harness.get_by_label("Biplot");
}

#[test]
fn umap_draws_its_own_map_of_the_scores() {
    let (ds, settings) = words();
    let mut harness = blocking_view(ds, settings);
    let pca = harness.state().0.drawn();
    harness.get_by_label("UMAP").click();
    harness.run_steps(3);
    let view = &harness.state().0;
    let map = view.map().expect("a UMAP map");
    assert!(map.converged());
    let umap = view.drawn();
    assert_ne!(umap, pca);
    for (i, p) in umap.iter().enumerate() {
        assert_eq!(p[..], map.point(i)[..2], "row {i}");
    }
    let (kept_map, kept_pca) = view.kept();
    assert!(kept_map.expect("measured") > kept_pca.expect("measured"));
}

fn converged(app: &EigenApp) -> bool {
    let v = app.pca_view();
    !v.map_running()
        && v.map()
            .is_some_and(eigenlens::app::views::projector::MapFrame::converged)
        && v.kept().0.is_some()
}

/// The scene's map, run in the window's background job until it converges.
fn scene_positions() -> Vec<[f64; 2]> {
    let mut harness = app_harness(app_on_scene("pca-iris-tsne"));
    assert!(
        step_until(&mut harness, 3000, converged),
        "the map never converged"
    );
    harness.run_steps(2);
    harness.state().pca_view().drawn()
}

#[test]
fn the_scene_reproduces_the_same_positions() {
    let first = scene_positions();
    assert_eq!(first.len(), 150);
    assert_eq!(first, scene_positions());

    // The same settings switched to t-SNE by hand, on this thread, give the
    // same positions: the scene stores everything the map depends on.
    let path = common::repo().join("assets/scenes/pca-iris-tsne.toml");
    let scene: Scene = eigenlens::scene::load_scene(&path)
        .expect("the shipped scene loads")
        .scene;
    assert_eq!(scene.pca.projection.method, ProjectionMethod::Tsne);
    let mut settings = scene.pca.clone();
    settings.projection.method = ProjectionMethod::Pca;
    let ds = eigenlens::data::load_builtin("iris").expect("built-in iris");
    let mut harness = blocking_view(ds, settings);
    assert_ne!(harness.state().0.drawn(), first);
    harness.get_by_label("t-SNE").click();
    harness.run_steps(3);
    assert_eq!(harness.state().0.drawn(), first);

    // Saved back, the scene keeps the method and its settings.
    let mut out = Scene::default();
    harness.state().0.write_scene(&mut out);
    assert_eq!(out.pca.projection, scene.pca.projection);
}

/// Supervising the scores' t-SNE by the species (weight 0.8) moves the map
/// away from the unsupervised one, and the choice is shown and saved.
#[test]
fn supervising_by_a_label_changes_the_map() {
    let iris = || eigenlens::data::load_builtin("iris").expect("built-in iris");
    let mut settings = PcaSettings::default();
    settings.projection.method = ProjectionMethod::Tsne;
    let plain = blocking_view(iris(), settings.clone());
    let unsupervised = plain.state().0.drawn();
    assert!(plain.state().0.map().is_some());
    settings.projection.supervise = "species".to_owned();
    settings.projection.supervise_weight = 0.8;
    let harness = blocking_view(iris(), settings);
    let supervised = harness.state().0.drawn();
    assert_eq!(supervised.len(), 150);
    assert_ne!(supervised, unsupervised);
    harness.get_by_label("supervise by");
    let mut out = Scene::default();
    harness.state().0.write_scene(&mut out);
    assert_eq!(out.pca.projection.supervise, "species");
}

/// Hovering a point of the t-SNE map draws lines to its 10 nearest
/// neighbours in the original space, each marked kept or lost by whether it
/// is among the point's 10 nearest on the map; off the map, none.
#[test]
fn hovering_a_map_point_shows_which_neighbours_it_kept() {
    let (ds, settings) = words();
    let mut harness = blocking_view(ds, settings);
    harness.get_by_label("t-SNE").click();
    harness.run_steps(3);
    let at = harness.state().0.screen_of(17).expect("drawn");
    harness.hover_at(at);
    harness.run_steps(3);
    let view = &harness.state().0;
    let (row, list) = view.neighbour_fate().expect("lines for the hovered point");
    assert_eq!(list.len(), 10);
    assert!(list.iter().all(|&(nb, _)| nb != row));
    // Kept means: among the row's 10 nearest on the map.
    let drawn = view.drawn();
    let d = |a: [f64; 2], b: [f64; 2]| (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2);
    let mut by_map: Vec<usize> = (0..drawn.len()).filter(|&j| j != row).collect();
    by_map.sort_by(|&a, &b| d(drawn[row], drawn[a]).total_cmp(&d(drawn[row], drawn[b])));
    for &(nb, kept) in list {
        assert_eq!(kept, by_map[..10].contains(&nb), "neighbour {nb}");
    }
    assert!(list.iter().any(|&(_, k)| k), "t-SNE keeps some neighbours");
    // Away from every point: no lines.
    harness.hover_at(egui::pos2(2.0, 2.0));
    harness.run_steps(3);
    assert!(harness.state().0.neighbour_fate().is_none());
}
