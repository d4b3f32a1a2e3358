//! A model trained elsewhere (the Spark ALS model PySpark saved in
//! tests/fixtures/spark/als-model) opens in the Factorize view as that
//! model: its users and items in the factor plane, recommendations by its
//! own scores, its RMSE on the ratings beside it, "Explore item
//! embeddings" with its item factors; and one can train eigenlens's own on
//! the same ratings and go back.

mod common;

use std::path::{Path, PathBuf};

use common::{app_harness, repo, step_until};
use egui_kittest::kittest::{NodeT as _, Queryable};
use eigenlens::app::{EigenApp, Opened, PersistedState, open_path};
use eigenlens::data::{LoadProgress, SavedModel, load_saved_model};
use eigenlens::scene::ViewKind;

/// User 7 and item 60 are not in the model: their ratings are left out.
const RATINGS: &str = "user,item,rating\n1,10,5\n1,20,4\n1,30,1\n2,10,4\n2,20,5\n2,40,1\n3,30,5\n3,40,4\n3,50,5\n4,30,4\n4,50,4\n4,10,1\n5,10,5\n5,20,5\n6,40,5\n6,50,4\n7,10,3\n1,60,2\n";

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a temporary directory");
    for e in std::fs::read_dir(from).expect("the fixture directory") {
        let e = e.expect("a directory entry");
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).expect("a fixture file copied");
        }
    }
}

/// The fixture model copied into a fresh directory, with `ratings` beside
/// it as ratings.csv (none when `None`).
fn model_dir(ratings: Option<&str>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("test setup");
    let model = dir.path().join("als-model");
    copy_dir(&repo().join("tests/fixtures/spark/als-model"), &model);
    if let Some(text) = ratings {
        std::fs::write(dir.path().join("ratings.csv"), text).expect("test setup");
    }
    (dir, model)
}

fn app_on(path: &Path) -> EigenApp {
    let opened = open_path(path).expect("the model opens");
    assert!(matches!(opened, Opened::Model(_)), "{opened:?}");
    EigenApp::new(
        PersistedState::default(),
        Some((path.to_path_buf(), opened)),
    )
}

/// p_u · q_i from the factors, by ids, computed here.
fn score(m: &SavedModel, user: &str, item: &str) -> f64 {
    let u = m
        .users
        .iter()
        .position(|x| x == user)
        .expect("a known user");
    let i = m
        .items
        .iter()
        .position(|x| x == item)
        .expect("a known item");
    let k = m.rank;
    (0..k)
        .map(|f| m.user_factors[u * k + f] * m.item_factors[i * k + f])
        .sum()
}

/// The model's users and items, its RMSE on the ratings it knows, and the
/// selected user's recommendations ranked by its own scores, unclipped.
#[test]
fn a_spark_model_opens_in_factorize_with_its_rmse_and_recommendations() {
    let (_dir, path) = model_dir(Some(RATINGS));
    let saved = load_saved_model(&path, &LoadProgress::new()).expect("the fixture model loads");
    let mut harness = app_harness(app_on(&path));
    harness.run_steps(3);
    let app = harness.state();
    assert_eq!(app.view(), ViewKind::Factorize);
    let r = app.current_ratings().expect("a ratings entry");
    assert_eq!((r.n_users(), r.n_items(), r.len()), (6, 5, 16));
    let view = app.factorize_view();
    assert!(view.shows_saved());
    assert_eq!(view.epochs_done(), 0);

    // The RMSE of Spark's raw predictions on the 16 ratings it knows.
    let known: Vec<(&str, &str, f64)> = RATINGS
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[0], c[1], c[2].parse().expect("a number"))
        })
        .filter(|(u, i, _)| *u != "7" && *i != "60")
        .collect();
    assert_eq!(known.len(), 16);
    let rmse = (known
        .iter()
        .map(|(u, i, v)| (v - score(&saved, u, i)).powi(2))
        .sum::<f64>()
        / 16.0)
        .sqrt();
    let shown = format!("{rmse:.4}");
    let node = harness
        .query_all_by_label_contains("RMSE on the 16 ratings of ratings.csv")
        .next()
        .expect("the model's summary");
    let node = node.accesskit_node();
    let summary = node.label().or_else(|| node.value()).unwrap_or_default();
    assert!(
        summary.contains(&shown.trim_end_matches('0').to_owned()),
        "{summary} lacks {shown}"
    );
    assert!(
        summary.contains("2 more of users or items it does not know left out"),
        "{summary}"
    );

    // User 6 rated items 40 and 50: the others, by p_u · q_i, highest first.
    harness.state_mut().factorize_view_mut().settings.user = Some("6".into());
    harness.run_steps(3);
    let recs: Vec<(String, f64)> = harness
        .state()
        .factorize_view()
        .recommendations()
        .iter()
        .map(|r| (r.title.clone(), r.value))
        .collect();
    let mut expected: Vec<(String, f64)> = ["10", "20", "30"]
        .iter()
        .map(|i| ((*i).to_owned(), score(&saved, "6", i)))
        .collect();
    expected.sort_by(|a, b| b.1.total_cmp(&a.1));
    assert_eq!(recs.len(), 3, "{recs:?}");
    for ((title, value), (id, s)) in recs.iter().zip(&expected) {
        assert_eq!(title, id);
        assert!((value - s).abs() < 1e-9, "{title}: {value} vs {s}");
    }
}

/// Training one here on the same ratings, then going back, shows the saved
/// model again; "Explore item embeddings" opens its item factors.
#[test]
fn train_own_then_back_and_explore_the_saved_factors() {
    let (_dir, path) = model_dir(Some(RATINGS));
    let saved = load_saved_model(&path, &LoadProgress::new()).expect("the fixture model loads");
    let mut harness = app_harness(app_on(&path));
    harness.run_steps(3);
    harness
        .get_by_label("Train eigenlens's own model on these ratings")
        .click();
    assert!(step_until(&mut harness, 3_000, |app| {
        let v = app.factorize_view();
        !v.shows_saved() && v.epochs_done() >= 3
    }));
    assert_eq!(harness.state().factorize_view().settings.rank, saved.rank);
    harness.get_by_label("Back to the Spark ALS model").click();
    harness.run_steps(3);
    assert!(harness.state().factorize_view().shows_saved());
    assert_eq!(harness.state().factorize_view().epochs_done(), 0);

    harness.get_by_label("Explore item embeddings").click();
    assert!(step_until(&mut harness, 100, |app| {
        app.view() == ViewKind::Embeddings && app.embeddings_view().is_ready()
    }));
    let ds = harness.state().current_dataset().expect("the item factors");
    assert!(
        ds.name.contains("als-model item factors (k = 3)"),
        "{}",
        ds.name
    );
    assert_eq!((ds.n_rows, ds.columns.len()), (5, 3));
    for (i, id) in saved.items.iter().enumerate() {
        assert_eq!(ds.labels[0].get(i), id);
        for f in 0..3 {
            assert_eq!(
                ds.columns[f].values[i].to_bits(),
                saved.item_factors[i * 3 + f].to_bits()
            );
        }
    }
}

/// Without ratings beside it the model still opens: its plane and
/// recommendations over every item, and a line saying how to measure it.
#[test]
fn a_model_without_ratings_opens_and_says_how_to_measure_it() {
    let (_dir, path) = model_dir(None);
    let saved = load_saved_model(&path, &LoadProgress::new()).expect("the fixture model loads");
    let mut harness = app_harness(app_on(&path));
    harness.run_steps(3);
    harness.get_by_label_contains("No ratings file beside it");
    assert!(
        harness
            .query_by_label("Train eigenlens's own model on these ratings")
            .is_none_or(|b| b.accesskit_node().is_disabled()),
        "training with no ratings is offered"
    );
    harness.state_mut().factorize_view_mut().settings.user = Some("1".into());
    harness.run_steps(3);
    let recs = harness.state().factorize_view().recommendations().to_vec();
    assert_eq!(
        recs.len(),
        5.min(harness.state().factorize_view().settings.top_n)
    );
    let best = saved
        .items
        .iter()
        .max_by(|a, b| score(&saved, "1", a).total_cmp(&score(&saved, "1", b)))
        .expect("the model has items");
    assert_eq!(&recs[0].title, best);
    assert!(
        harness
            .state()
            .factorize_view()
            .drawn()
            .plane_rect
            .is_some()
    );
}

/// implicit's BPR model (tests/fixtures/npz/make_npz.py) opens as a model
/// whose scores are the full dot products of its saved rows: the factors
/// plus the item bias (the users' column of ones meets it).
#[test]
fn an_implicit_bpr_model_ranks_by_its_full_rows() {
    let path = repo().join("tests/fixtures/npz/implicit-bpr.npz");
    let raw = |name: &str| {
        eigenlens::data::load_npz(&path, Some(name), &LoadProgress::new()).expect("the array")
    };
    let (users, items) = (raw("user_factors"), raw("item_factors"));
    let full = |u: usize, i: usize| -> f64 {
        users
            .columns
            .iter()
            .zip(&items.columns)
            .map(|(a, b)| a.values[u] * b.values[i])
            .sum()
    };
    let mut harness = app_harness(app_on(&path));
    harness.run_steps(3);
    assert!(harness.state().factorize_view().shows_saved());
    harness.state_mut().factorize_view_mut().settings.user = Some("1".into());
    harness.run_steps(3);
    let recs = harness.state().factorize_view().recommendations().to_vec();
    let mut expected: Vec<(usize, f64)> = (0..items.n_rows).map(|i| (i, full(1, i))).collect();
    expected.sort_by(|a, b| b.1.total_cmp(&a.1));
    assert!(!recs.is_empty());
    for (r, (i, s)) in recs.iter().zip(&expected) {
        assert_eq!(r.title, i.to_string());
        assert!((r.value - s).abs() < 1e-9, "item {i}: {} vs {s}", r.value);
    }
}
