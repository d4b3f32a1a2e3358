//! UI tests of the Factorize view: snapshots of the shipped factorize scenes
//! through the whole app window, and behaviour (editing a rating folds the
//! user in again, training from the buttons, ratings files opening as ratings).

mod common;

use std::fmt::Write as _;

use common::{app_harness, app_on_scene, fresh_app, step_until, write_file};
use egui_kittest::kittest::Queryable;
use eigenlens::app::EigenApp;
use eigenlens::data::Ratings;
use eigenlens::math::factorize::{
    FactorizeConfig, Method, Metric, TrainingSet, fold_in_user, recommend, train,
};
use eigenlens::scene::{FactorizeSettings, ViewKind};

fn snapshot_scene(name: &str, epochs: usize) {
    let mut harness = app_harness(app_on_scene(name));
    harness.run_steps(6);
    assert_eq!(harness.state().view(), ViewKind::Factorize);
    let view = harness.state().factorize_view();
    assert_eq!(view.epochs_done(), epochs, "{name}: epochs trained");
    assert!(!view.is_training(), "{name}: still training");
    assert!(view.error().is_none(), "{name}: {:?}", view.error());
    harness.snapshot(name.replace('-', "_"));
}

/// Tiny movies trained with k = 2, Ana selected: her arrow, shading, the cell editor.
#[test]
fn snapshot_factorize_tiny() {
    snapshot_scene("factorize-tiny", 20);
}

/// Movie night trained, a viewer's recommendations and a movie's nearest movies.
#[test]
fn snapshot_factorize_movie_night() {
    snapshot_scene("factorize-movie-night", 25);
}

/// SGD paused at epoch 12 of 60: the curves part-way down.
#[test]
fn snapshot_factorize_training() {
    snapshot_scene("factorize-training", 12);
}

/// Titles of the recommendation list shown now.
fn titles(app: &EigenApp) -> Vec<String> {
    app.factorize_view()
        .recommendations()
        .iter()
        .map(|r| r.title.clone())
        .collect()
}

/// The list math ranks for `user` of `r` after `edits` (item ids, 5 stars):
/// the scene's model (the unedited ratings, split and trained as the view
/// does), the user folded in again from their training ratings with the
/// edits, and `recommend` by predicted rating — what the view must show.
fn maths_list(r: &Ratings, f: &FactorizeSettings, user: &str, edits: &[&str]) -> Vec<(u32, f64)> {
    let data = TrainingSet::split(r, f.test_fraction, f.seed).expect("the scene's split");
    let config = FactorizeConfig {
        method: Method::Als,
        rank: f.rank,
        lambda: f.lambda,
        epochs: f.epochs,
        biases: f.biases,
        seed: f.seed,
        ..FactorizeConfig::default()
    };
    let u = r.user_index(user).expect("the user");
    let edits: Vec<(u32, u32, Option<f32>)> = edits
        .iter()
        .map(|id| (u, r.item_index(id).expect("the item"), Some(5.0)))
        .collect();
    let ratings = Ratings::user_ratings_edited(&data.train, u, &edits);
    let fit = train(&config, data).expect("the scene trains");
    let folded = fold_in_user(&fit.model, &ratings, f.lambda).expect("the user folds in");
    let rated: Vec<u32> = ratings.iter().map(|&(i, _)| i).collect();
    recommend(&fit.model, &folded, &rated, f.top_n, Metric::Dot)
        .into_iter()
        .map(|s| (s.item, fit.model.clip(s.score)))
        .collect()
}

/// Editing ratings folds the user in again at once, without retraining:
/// after u003 gives four children's films (none in the list) 5 stars, the
/// list is math's ranking for the edited ratings — best first, none of the
/// films u003 has rated — and new films enter it.
#[test]
fn editing_ratings_changes_the_users_recommendations() {
    let mut harness = app_harness(app_on_scene("factorize-movie-night"));
    // A list of eight, so that new films can enter it.
    harness.state_mut().factorize_view_mut().settings.top_n = 8;
    harness.run_steps(4);
    let before = titles(harness.state());
    assert_eq!(before.len(), 8);
    // Toy Story, The Lion King, Finding Nemo, Shrek: all 5 stars.
    let edited = ["1", "2", "3", "4"];
    let r = harness.state().current_ratings().unwrap().clone();
    let settings = harness.state().factorize_view().settings.clone();
    let shown = |app: &EigenApp| -> Vec<(u32, f64)> {
        app.factorize_view()
            .recommendations()
            .iter()
            .map(|x| (x.item, x.value))
            .collect()
    };
    assert_eq!(
        shown(harness.state()),
        maths_list(&r, &settings, "u003", &[])
    );
    for item in edited {
        harness
            .state_mut()
            .factorize_view_mut()
            .edit_rating("u003", item, Some(5.0));
    }
    harness.run_steps(2);
    let after = shown(harness.state());
    assert_eq!(after, maths_list(&r, &settings, "u003", &edited));
    // Best first (the list shows the clipped prediction: ties at the top of
    // the scale keep math's order).
    assert!(after.windows(2).all(|w| w[0].1 >= w[1].1), "{after:?}");
    // None of the films u003 has rated, edits included.
    let u = r.user_index("u003").unwrap();
    let rated: Vec<u32> = r
        .entries
        .iter()
        .filter(|e| e.user == u)
        .map(|e| e.item)
        .chain(edited.iter().map(|id| r.item_index(id).unwrap()))
        .collect();
    assert!(
        after.iter().all(|(i, _)| !rated.contains(i)),
        "rated {rated:?}, listed {after:?}"
    );
    // Not just a film leaving the list: films that were not in it arrive.
    let after_titles = titles(harness.state());
    assert!(
        after_titles.iter().any(|t| !before.contains(t)),
        "before: {before:?}\nafter: {after_titles:?}"
    );
    // Folding in is not training: the epochs stay where they were.
    assert_eq!(harness.state().factorize_view().epochs_done(), 25);
    // The scene records the edits.
    let scene = harness
        .state()
        .current_scene(eigenlens::scene::Theme::Light, 1.0, None);
    assert_eq!(scene.factorize.edits.len(), 4);
}

/// "Clear rating" removes the selected cell's rating (u003 × Toy Story) and
/// the editor says so.
#[test]
fn clear_rating_button_clears_the_cell() {
    let mut harness = app_harness(app_on_scene("factorize-movie-night"));
    harness.run_steps(4);
    harness.get_by_label_contains("u003 × Toy Story (1995): 2");
    harness.get_by_label("Clear rating").click();
    harness.run_steps(3);
    let edits = &harness.state().factorize_view().settings.edits;
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].rating, None);
    harness.get_by_label_contains("u003 × Toy Story (1995): not rated");
}

/// Train from the buttons: Reset, then Train runs to the epochs set, and the
/// train RMSE falls.
#[test]
fn train_button_trains_to_the_end() {
    let mut harness = app_harness(app_on_scene("factorize-training"));
    harness.run_steps(2);
    harness.get_by_label("Reset").click();
    harness.run_steps(2);
    assert_eq!(harness.state().factorize_view().epochs_done(), 0);
    harness.get_by_label("▶ Train").click();
    assert!(step_until(&mut harness, 5_000, |app| {
        app.factorize_view().epochs_done() == 60
    }));
    let history = harness.state().factorize_view().history();
    assert!(history[59].train_rmse < history[0].train_rmse);
    assert!(history[59].test_rmse.is_some());
}

/// A big run (rank 20, 1000 epochs) trains in a background job: Train
/// starts it, epochs arrive while the window stays live, and Pause stops it.
#[test]
fn a_big_run_trains_in_the_background_and_pauses() {
    let mut harness = app_harness(app_on_scene("factorize-movie-night"));
    harness.run_steps(2);
    {
        let s = &mut harness.state_mut().factorize_view_mut().settings;
        s.rank = 20;
        s.epochs = 1000;
    }
    harness.run_steps(1);
    harness.get_by_label("▶ Train").click();
    assert!(step_until(&mut harness, 3_000, |app| {
        app.factorize_view().epochs_done() >= 3
    }));
    assert!(harness.state().factorize_view().is_training());
    harness.get_by_label("‖ Pause").click();
    harness.run_steps(3);
    let view = harness.state().factorize_view();
    assert!(!view.is_training());
    assert!(view.error().is_none(), "{:?}", view.error());
    let paused = view.epochs_done();
    std::thread::sleep(std::time::Duration::from_millis(300));
    harness.run_steps(3);
    assert_eq!(harness.state().factorize_view().epochs_done(), paused);
    let history = harness.state().factorize_view().history();
    assert!(history.iter().all(|s| s.train_rmse.is_finite()));
}

/// A MovieLens-style file opens as ratings, in the Factorize view, with titles
/// from the `u.item` beside it; the Data view then says what it is.
#[test]
fn ratings_file_opens_in_the_factorize_view() {
    let dir = tempfile::tempdir().unwrap();
    let mut data = String::new();
    for u in 1..=6 {
        for i in 1..=5 {
            if (u + i) % 3 != 0 {
                let _ = writeln!(data, "{u}\t{i}\t{}\t881250949", 1 + (u * i) % 5);
            }
        }
    }
    let path = write_file(dir.path(), "u.data", data.as_bytes());
    let mut items = String::new();
    for i in 1..=5 {
        let _ = writeln!(
            items,
            "{i}|Film {i} (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0"
        );
    }
    write_file(dir.path(), "u.item", items.as_bytes());
    let mut harness = app_harness(fresh_app());
    harness.run_steps(2);
    harness.state_mut().open_now(&path);
    harness.run_steps(3);
    let app = harness.state();
    assert_eq!(app.view(), ViewKind::Factorize, "{:?}", app.status());
    let r = app.current_ratings().expect("ratings");
    assert_eq!((r.n_users(), r.n_items()), (6, 5));
    assert_eq!(r.item_name(0), "Film 1 (1995)");
    harness.get_by_label("Data").click();
    harness.run_steps(2);
    harness.get_by_label_contains("is a ratings matrix");
}
