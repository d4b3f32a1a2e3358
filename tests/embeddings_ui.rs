//! UI tests of the Embeddings view: snapshots of the shipped scenes through
//! the whole app window, and behaviour — typing a word in the search selects
//! it and lists its neighbours, the search highlights matches, switching the
//! metric changes the list, Isolate refits PCA, the analogy panel answers,
//! and Factorize's "Explore item embeddings" opens the movie factors here.

mod common;

use common::{app_harness, app_on_scene, fresh_app, step_until, write_file};
use egui_kittest::kittest::Queryable;
use eigenlens::app::EigenApp;
use eigenlens::scene::ViewKind;

fn ready(app: &EigenApp) -> bool {
    app.embeddings_view().is_ready()
}

fn snapshot_scene(name: &str) {
    let mut harness = app_harness(app_on_scene(name));
    assert!(step_until(&mut harness, 50, ready), "{name}: never ready");
    harness.run_steps(4);
    assert_eq!(harness.state().view(), ViewKind::Embeddings);
    harness.snapshot(name.replace('-', "_"));
}

/// The words in 2D, coloured by group, with the legend and names.
#[test]
fn snapshot_embeddings_words_2d() {
    snapshot_scene("embeddings-words-2d");
}

/// "violin" selected: its neighbours listed and joined by lines.
#[test]
fn snapshot_embeddings_words_neighbors() {
    snapshot_scene("embeddings-words-neighbors");
}

/// The words in 3D with "Paris" selected.
#[test]
fn snapshot_embeddings_words_3d() {
    snapshot_scene("embeddings-words-3d");
}

/// Paris − France + Japan ≈ Tokyo, drawn and listed.
#[test]
fn snapshot_embeddings_analogy() {
    snapshot_scene("embeddings-analogy");
}

/// Names of the neighbours listed now.
fn neighbor_names(app: &EigenApp) -> Vec<String> {
    app.embeddings_view()
        .neighbors()
        .iter()
        .map(|(n, _)| n.clone())
        .collect()
}

/// Typing a word in the search box and pressing Enter selects it and lists
/// its nearest neighbours — animals for "dog" — with their scores on screen.
#[test]
fn typing_a_word_selects_it_and_lists_its_neighbors() {
    let mut harness = app_harness(app_on_scene("embeddings-words-2d"));
    assert!(step_until(&mut harness, 50, ready));
    assert!(harness.state().embeddings_view().neighbors().is_empty());
    harness.get_by_label("find").focus();
    harness.run_steps(2);
    harness.get_by_label("find").type_text("dog");
    harness.run_steps(2);
    harness.key_press(egui::Key::Enter);
    harness.run_steps(3);
    let view = harness.state().embeddings_view();
    assert_eq!(view.settings.selected.as_deref(), Some("dog"));
    let names = neighbor_names(harness.state());
    assert_eq!(names.len(), 10);
    assert_eq!(names[0], "cat", "{names:?}");
    // The list is on screen, with the group of each neighbour and its cosine.
    harness.get_by_label("Nearest to dog");
    harness.get_by_label("cat  (animals)");
    let score = format!("{:.3}", view.neighbors()[0].1);
    harness.get_by_label(&score);
}

/// Mean absolute difference of two equally sized RGBA images over `rect`.
fn region_difference(a: &image::RgbaImage, b: &image::RgbaImage, rect: egui::Rect) -> f64 {
    let (x0, y0) = (rect.min.x.max(0.0) as u32, rect.min.y.max(0.0) as u32);
    let x1 = (rect.max.x as u32).min(a.width());
    let y1 = (rect.max.y as u32).min(a.height());
    let mut sum = 0u64;
    let mut n = 0u64;
    for y in y0..y1 {
        for x in x0..x1 {
            let (p, q) = (a.get_pixel(x, y), b.get_pixel(x, y));
            sum += (0..3).map(|c| u64::from(p[c].abs_diff(q[c]))).sum::<u64>();
            n += 1;
        }
    }
    sum as f64 / n.max(1) as f64
}

/// The search highlights its matches: the count is every word containing
/// the text, the plot changes (matches ringed, the rest dimmed), a regular
/// expression works too, and a broken one says so.
#[test]
fn search_highlights_matches() {
    let mut harness = app_harness(app_on_scene("embeddings-words-2d"));
    assert!(step_until(&mut harness, 50, ready));
    let before = harness.render().expect("render");
    harness.state_mut().embeddings_view_mut().settings.search = "berry".to_owned();
    harness.run_steps(3);
    // strawberry, raspberry, blueberry, blackberry.
    assert_eq!(harness.state().embeddings_view().match_count(), 4);
    harness.get_by_label_contains("4 matches");
    let after = harness.render().expect("render");
    let plot = egui::Rect::from_min_max(egui::pos2(230.0, 120.0), egui::pos2(900.0, 760.0));
    let diff = region_difference(&before, &after, plot);
    assert!(
        diff > 2.0,
        "the plot did not change (mean difference {diff})"
    );

    let view = harness.state_mut().embeddings_view_mut();
    view.settings.regex = true;
    view.settings.search = "^(one|two|three)$".to_owned();
    harness.run_steps(2);
    assert_eq!(harness.state().embeddings_view().match_count(), 3);
    harness.state_mut().embeddings_view_mut().settings.search = "(".to_owned();
    harness.run_steps(2);
    let note = harness.state().embeddings_view().note().unwrap_or_default();
    assert!(note.starts_with("not a valid regular expression"), "{note}");
}

/// Vectors where the metrics disagree: seen from q = (1, 0), "short" points
/// the same way but is short (best cosine), "long" is long and 45° off (best
/// dot product), "near" is nearest (best Euclidean distance).
const VECTORS: &str = "1\t0\n0.1\t0\n5\t5\n0.8\t0.5\n-1\t0.2\n0.3\t-0.9\n";
const METADATA: &str = "q\nshort\nlong\nnear\nback\ndown\n";

/// Switching the metric re-ranks the neighbours and the list on screen follows.
#[test]
fn switching_the_metric_changes_the_list() {
    let dir = tempfile::tempdir().expect("temp dir");
    let vectors = write_file(dir.path(), "vectors.tsv", VECTORS.as_bytes());
    write_file(dir.path(), "metadata.tsv", METADATA.as_bytes());
    let mut app = fresh_app();
    app.open_now(&vectors);
    assert_eq!(app.view(), ViewKind::Embeddings, "{:?}", app.status());
    app.embeddings_view_mut().select("q");
    app.embeddings_view_mut().settings.k = 3;
    let mut harness = app_harness(app);
    assert!(step_until(&mut harness, 50, ready));
    harness.run_steps(2);
    let cosine = neighbor_names(harness.state());
    assert_eq!(cosine[0], "short", "{cosine:?}");
    harness.get_by_label("1.000");

    harness.get_by_label("dot").click();
    harness.run_steps(3);
    let dot = neighbor_names(harness.state());
    assert_eq!(dot[0], "long", "{dot:?}");
    harness.get_by_label("5.000");

    harness.get_by_label("euclidean").click();
    harness.run_steps(3);
    let euclidean = neighbor_names(harness.state());
    assert_eq!(euclidean[0], "near", "{euclidean:?}");
    assert_ne!(cosine, dot);
    assert_ne!(dot, euclidean);
}

/// Isolate keeps the selection and its neighbours and fits PCA to them (the
/// explained variance changes); Show all goes back.
#[test]
fn isolate_refits_pca_on_the_neighbors() {
    let mut harness = app_harness(app_on_scene("embeddings-words-neighbors"));
    assert!(step_until(&mut harness, 50, ready));
    let (n_all, ratios_all) = harness
        .state()
        .embeddings_view()
        .projection_summary()
        .expect("a projection");
    assert_eq!(n_all, 300);
    harness.get_by_label("Isolate").click();
    harness.run_steps(3);
    let (n, ratios) = harness
        .state()
        .embeddings_view()
        .projection_summary()
        .expect("a projection");
    assert_eq!(n, 11, "violin and its 10 neighbours");
    assert!(
        (ratios[0] - ratios_all[0]).abs() > 0.05,
        "{ratios:?} vs {ratios_all:?}"
    );
    harness.get_by_label_contains("Isolated: PCA fitted");
    harness.get_by_label("Show all").click();
    harness.run_steps(3);
    let (n, _) = harness
        .state()
        .embeddings_view()
        .projection_summary()
        .expect("a projection");
    assert_eq!(n, 300);
}

/// Clicking a neighbour in the list selects it.
#[test]
fn clicking_a_neighbor_selects_it() {
    let mut harness = app_harness(app_on_scene("embeddings-words-neighbors"));
    assert!(step_until(&mut harness, 50, ready));
    harness.get_by_label("cello  (instruments)").click();
    harness.run_steps(3);
    let view = harness.state().embeddings_view();
    assert_eq!(view.settings.selected.as_deref(), Some("cello"));
    assert!(!neighbor_names(harness.state()).contains(&"cello".to_owned()));
    harness.get_by_label("Nearest to cello");
}

/// The analogy panel: typing a − b + c solves it and shows the answer.
#[test]
fn analogy_panel_answers() {
    let mut harness = app_harness(app_on_scene("embeddings-words-2d"));
    assert!(step_until(&mut harness, 50, ready));
    for (label, word) in [("a", "king"), ("− b", "man"), ("+ c", "woman")] {
        harness.get_by_label(label).focus();
        harness.run_steps(1);
        harness.get_by_label(label).type_text(word);
        harness.run_steps(1);
    }
    harness.run_steps(3);
    let answers = harness.state().embeddings_view().analogy_answers();
    assert_eq!(
        answers.first().map(|a| a.0.as_str()),
        Some("queen"),
        "{answers:?}"
    );
    harness.get_by_label("king − man + woman ≈ queen");
}

/// "Explore item embeddings" in the Factorize view opens the model's movie
/// factors in the Embeddings view, named by title and coloured by genre.
#[test]
fn explore_item_embeddings_from_factorize() {
    let mut harness = app_harness(app_on_scene("factorize-movie-night"));
    harness.run_steps(4);
    harness.get_by_label("Explore item embeddings").click();
    harness.run_steps(2);
    let ok = step_until(&mut harness, 50, ready);
    assert!(
        ok,
        "view {:?}, status {:?}, dataset {:?}, note {:?}",
        harness.state().view(),
        harness.state().status(),
        harness.state().current_dataset().map(|d| d.name.clone()),
        harness.state().embeddings_view().note()
    );
    let app = harness.state();
    assert_eq!(app.view(), ViewKind::Embeddings);
    let ds = app.current_dataset().expect("a table");
    assert!(ds.name.contains("movie factors"), "{}", ds.name);
    assert_eq!(ds.n_rows, 40);
    let names: Vec<&str> = ds.labels.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["title", "genre", "genres"]);
    let rank = ds.columns.len();
    assert!(rank >= 2);
    // Its name is in the dataset list, the heading and the status bar.
    assert!(harness.query_all_by_label_contains("movie factors").count() >= 2);

    // Saving a scene of it writes the factors beside the scene as an
    // Embedding Projector pair, and the scene opens again with the same
    // vectors, names and settings.
    let before = ds.clone();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("factors.toml");
    let first = before.labels[0].get(0).to_owned();
    harness.state_mut().embeddings_view_mut().settings.selected = Some(first.clone());
    harness.run_steps(2);
    harness
        .state_mut()
        .save_scene_as(&path, eigenlens::scene::Theme::Light, 1.0);
    let (msg, is_error) = harness.state().status().expect("a message");
    assert!(!is_error, "{msg}");
    assert!(dir.path().join("factors-vectors.tsv").is_file());
    assert!(dir.path().join("factors-metadata.tsv").is_file());
    let loaded = eigenlens::scene::load_scene(&path).expect("the saved scene opens again");
    assert_eq!(loaded.scene.view, ViewKind::Embeddings);
    assert_eq!(loaded.scene.dataset, "factors-vectors.tsv");
    assert_eq!(loaded.scene.embeddings.selected, Some(first));
    let again = loaded.data.table().expect("a table");
    assert_eq!(again.n_rows, before.n_rows);
    for (a, b) in again.columns.iter().zip(&before.columns) {
        assert_eq!(a.name, b.name);
        assert_eq!(a.values, b.values, "every digit of {} kept", a.name);
    }
    for (a, b) in again.labels.iter().zip(&before.labels) {
        assert_eq!(a.name, b.name);
        assert!(
            (0..before.n_rows).all(|i| a.get(i) == b.get(i)),
            "{}",
            a.name
        );
    }
    // The same entry saved again names the file it now has.
    harness
        .state_mut()
        .save_scene_as(&path, eigenlens::scene::Theme::Light, 1.0);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("dataset = \"factors-vectors.tsv\""), "{text}");
}

/// `n` points of 8 dimensions in 12 groups, named `w0`, `w1`, ...
fn many_vectors(n: usize) -> eigenlens::data::Dataset {
    use eigenlens::data::{Dataset, LabelColumn, NumericColumn, dim_name};
    let mut rng = fastrand::Rng::with_seed(3);
    let group: Vec<u32> = (0..n).map(|_| rng.u32(0..12)).collect();
    Dataset {
        name: "many".to_owned(),
        source: None,
        n_rows: n,
        columns: (0..8u32)
            .map(|j| NumericColumn {
                name: dim_name(j as usize),
                values: group
                    .iter()
                    .map(|&g| f64::from((g * 7 + j) % 5) + rng.f64())
                    .collect(),
            })
            .collect(),
        labels: vec![
            LabelColumn {
                name: "word".to_owned(),
                categories: (0..n).map(|i| format!("w{i}")).collect(),
                codes: (0..n as u32).collect(),
            },
            LabelColumn {
                name: "group".to_owned(),
                categories: (0..12).map(|g| format!("g{g}")).collect(),
                codes: group,
            },
        ],
    }
}

/// Hovering a point names it and clicking selects it, in 2D and in 3D, for
/// few points (a shape each) and for many: above the raster threshold the
/// points are one image — a frame holds far fewer shapes than points — yet
/// the hover still finds the exact point under the pointer.
#[test]
fn hover_names_and_click_selects_a_point_few_or_many() {
    for n in [2_000, 60_000] {
        hover_and_click(n);
    }
}

fn hover_and_click(n: usize) {
    use egui_kittest::kittest::NodeT as _;
    use eigenlens::app::views::embeddings::EmbeddingsView;
    use eigenlens::app::{DatasetHandle, EntryData};
    use eigenlens::scene::{EmbeddingsMode, EmbeddingsSettings};

    let mut view = EmbeddingsView::new(EmbeddingsSettings::default());
    view.set_blocking(true);
    let data = DatasetHandle::new(many_vectors(n));
    let mut harness = common::view_harness(view, EntryData::Table(data), egui::vec2(1280.0, 800.0));
    for mode in [EmbeddingsMode::Plane, EmbeddingsMode::Space] {
        harness.state_mut().0.settings.mode = mode;
        harness.state_mut().0.settings.selected = None;
        harness.run_steps(3);
        assert!(harness.state().0.is_ready(), "{n} {mode:?}");
        if n > eigenlens::app::widgets::RASTER_POINTS {
            let shapes = harness.output().shapes.len();
            assert!(shapes < 5_000, "{mode:?}: {shapes} shapes for {n} points");
        }
        // Find a point by hovering over the plot (left of the side panel).
        let mut found = None;
        'search: for y in (150..700).step_by(15) {
            for x in (100..900).step_by(15) {
                let at = egui::pos2(x as f32, y as f32);
                harness.hover_at(at);
                harness.run_steps(2);
                if let Some(node) = harness.query_by_label_contains("click to select") {
                    let node = node.accesskit_node();
                    let text = node.label().or_else(|| node.value()).unwrap_or_default();
                    found = Some((at, text));
                    break 'search;
                }
            }
        }
        let (at, text) = found.unwrap_or_else(|| panic!("{n} {mode:?}: no hover names a point"));
        let name = text.lines().next().unwrap_or_default().to_owned();
        assert!(name.starts_with('w'), "{n} {mode:?}: {text}");
        assert!(text.contains("group = g"), "{n} {mode:?}: {text}");
        for pressed in [true, false] {
            harness.event(egui::Event::PointerButton {
                pos: at,
                button: egui::PointerButton::Primary,
                pressed,
                modifiers: egui::Modifiers::NONE,
            });
            harness.run_steps(1);
        }
        harness.run_steps(3);
        assert_eq!(
            harness.state().0.settings.selected.as_deref(),
            Some(name.as_str()),
            "{n} {mode:?}: the click selects the hovered point"
        );
        assert_eq!(harness.state().0.neighbors().len(), 10, "{n} {mode:?}");
    }
}

/// An `.npy` opened without a labels file beside it: the Embeddings view says
/// its points have only row numbers, and which file would name them.
#[test]
fn npy_without_labels_says_how_to_name_the_points() {
    let dir = tempfile::tempdir().unwrap();
    let npy = dir.path().join("vectors64.npy");
    std::fs::copy(
        common::repo().join("tests/fixtures/embeddings/items.npy"),
        &npy,
    )
    .unwrap();
    let mut harness = app_harness(fresh_app());
    harness.run_steps(2);
    harness.state_mut().open_now(&npy);
    harness.run_steps(2);
    harness.get_by_label("Embeddings").click();
    assert!(step_until(&mut harness, 50, ready), "never ready");
    harness.run_steps(2);
    harness.get_by_label_contains("put vectors64.labels.txt");
}
