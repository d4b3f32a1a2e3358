//! Numerical edge cases, explained in the window: singular and nearly
//! singular matrices, zero-variance columns, fewer rows than columns,
//! duplicate and infinite points, users and items with no ratings, a
//! learning rate that diverges, and a rank larger than the data allow. Each
//! opens a scene on a small file and checks what the view says — and that
//! nothing it keeps is NaN.

mod common;

use std::path::Path;

use common::{app_harness, fresh_app, step_until, write_file};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use eigenlens::app::EigenApp;

/// The app with the scene `toml` (and `files`, written beside it) opened.
fn open_scene(dir: &Path, toml: &str, files: &[(&str, &str)]) -> Harness<'static, EigenApp> {
    for (name, text) in files {
        write_file(dir, name, text.as_bytes());
    }
    let scene = write_file(dir, "scene.toml", toml.as_bytes());
    let mut app = fresh_app();
    app.open_now(&scene);
    let status = app.status().map(|(s, _)| s.to_owned());
    assert!(
        app.status().is_some_and(|(_, error)| !error),
        "the scene did not open: {status:?}"
    );
    app_harness(app)
}

/// Steps until the PCA view has a fit or an error on screen.
fn settle(harness: &mut Harness<'_, EigenApp>) {
    harness.run_steps(2);
    step_until(harness, 500, |app| {
        app.pca_view().explained_variance_ratio().is_some() || !app.pca_view().is_computing()
    });
    harness.run_steps(2);
}

fn shows(harness: &Harness<'_, EigenApp>, text: &str) -> bool {
    harness.query_all_by_label_contains(text).next().is_some()
}

/// A nearly singular matrix has an inverse, with a warning that its condition
/// number makes errors grow; a singular one has none, and the view says why.
#[test]
fn near_singular_and_singular_matrices_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = open_scene(
        dir.path(),
        "view = \"transform\"\ndataset = \"builtin:iris\"\n[transform]\nmatrix = [[1.0, 1.0], [1.0, 1.0000001]]\n",
        &[],
    );
    harness.run_steps(3);
    assert!(
        shows(&harness, "nearly singular, errors grow a lot"),
        "no condition-number warning"
    );
    assert!(shows(&harness, "A⁻¹ ="));

    let mut harness = open_scene(
        dir.path(),
        "view = \"transform\"\ndataset = \"builtin:iris\"\n[transform]\nmatrix = [[1.0, 2.0], [2.0, 4.0]]\n",
        &[],
    );
    harness.run_steps(3);
    assert!(shows(&harness, "None: det A = 0"), "no word on the inverse");
    assert!(!shows(&harness, "A⁻¹ ="));
}

/// Standardizing a constant column is impossible, and the PCA view says which
/// column and what to do; without standardizing it is a component of variance 0.
#[test]
fn zero_variance_column() {
    let dir = tempfile::tempdir().unwrap();
    let csv = ("flat.csv", "a,b,c\n1,2,5\n2,1,5\n3,5,5\n4,3,5\n");
    let mut harness = open_scene(
        dir.path(),
        "view = \"pca\"\ndataset = \"flat.csv\"\n[pca]\ncolumns = [\"a\", \"b\", \"c\"]\nstandardize = true\n",
        &[csv],
    );
    settle(&mut harness);
    assert!(
        shows(&harness, "column \"c\" is constant (zero variance)"),
        "no zero-variance message"
    );
    harness.state_mut().pca_view_mut().settings.standardize = false;
    settle(&mut harness);
    let ratios = harness
        .state()
        .pca_view()
        .explained_variance_ratio()
        .expect("a fit without standardizing");
    assert_eq!(ratios.len(), 3);
    assert!(ratios.iter().all(|r| r.is_finite()), "{ratios:?}");
    assert!(ratios[2].abs() < 1e-12, "{ratios:?}");
}

/// Two rows in three columns: PCA runs; only one direction has variance.
#[test]
fn fewer_rows_than_columns() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = open_scene(
        dir.path(),
        "view = \"pca\"\ndataset = \"two.csv\"\n",
        &[("two.csv", "a,b,c\n1,2,3\n4,0,1\n")],
    );
    settle(&mut harness);
    let ratios = harness
        .state()
        .pca_view()
        .explained_variance_ratio()
        .expect("a fit");
    assert!((ratios[0] - 1.0).abs() < 1e-9, "{ratios:?}");
    assert!(ratios.iter().all(|r| r.is_finite()), "{ratios:?}");
}

/// Every point the same: no variance at all, said in words, nothing NaN.
#[test]
fn duplicate_points() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = open_scene(
        dir.path(),
        "view = \"pca\"\ndataset = \"same.csv\"\n",
        &[("same.csv", "a,b,c\n1,2,3\n1,2,3\n1,2,3\n")],
    );
    settle(&mut harness);
    let ratios = harness.state().pca_view().explained_variance_ratio();
    assert!(
        ratios
            .as_ref()
            .is_none_or(|r| r.iter().all(|x| x.is_finite())),
        "{ratios:?}"
    );
    assert!(
        shows(&harness, "no variance"),
        "identical points are not explained"
    );
}

/// One row is too few; rows with an infinite value are left out, and said so.
#[test]
fn one_row_and_infinite_values() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = open_scene(
        dir.path(),
        "view = \"pca\"\ndataset = \"one.csv\"\n",
        &[("one.csv", "a,b\n1,2\n")],
    );
    settle(&mut harness);
    assert!(shows(&harness, "PCA needs at least 2 rows, found 1"));

    let mut harness = open_scene(
        dir.path(),
        "view = \"pca\"\ndataset = \"inf.csv\"\n",
        &[("inf.csv", "a,b\n1,2\ninf,3\n2,1e400\n3,3\n4,1\nNA,1\n")],
    );
    settle(&mut harness);
    assert!(
        shows(
            &harness,
            "1 row with a missing value and 2 rows with an infinite value in the chosen columns left out."
        ),
        "dropped rows are not explained"
    );

    let mut harness = open_scene(
        dir.path(),
        "view = \"pca\"\ndataset = \"allinf.csv\"\n",
        &[("allinf.csv", "a,b\n1,inf\n2,inf\n3,4\n")],
    );
    settle(&mut harness);
    assert!(shows(
        &harness,
        "2 of the 3 rows have a missing or infinite value"
    ));
}

/// Steps until the Factorize view has trained `epochs` epochs or stopped.
fn train(harness: &mut Harness<'_, EigenApp>, epochs: usize) {
    step_until(harness, 2_000, |app| {
        let v = app.factorize_view();
        !v.is_training() && (v.epochs_done() >= epochs || v.error().is_some())
    });
    harness.run_steps(2);
}

/// SGD with a learning rate of 1 diverges: training stops with a message that
/// suggests a smaller rate, shown once, and every kept epoch is finite.
#[test]
fn diverging_learning_rate_stops_training() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = open_scene(
        dir.path(),
        "view = \"factorize\"\ndataset = \"builtin:movie-night\"\n[factorize]\nmethod = \"sgd\"\nrank = 8\nlambda = 0\nlearning_rate = 1.0\nepochs = 30\nepoch = 30\n",
        &[],
    );
    train(&mut harness, 30);
    let view = harness.state().factorize_view();
    let error = view.error().expect("training should diverge").to_owned();
    assert!(error.contains("smaller"), "{error}");
    assert!(view.epochs_done() < 30, "{} epochs", view.epochs_done());
    for s in view.history().iter().filter(|s| s.epoch > 0) {
        assert!(s.train_rmse.is_finite() && s.loss.is_finite(), "{s:?}");
    }
    assert_eq!(
        harness
            .query_all_by_label_contains("Training stopped:")
            .count(),
        1
    );
}

/// A user with no ratings and a movie nobody rated train without NaN, and the
/// view says what their vectors mean.
#[test]
fn users_and_items_with_no_ratings() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = open_scene(
        dir.path(),
        "view = \"factorize\"\ndataset = \"ratings.csv\"\n[factorize]\ntest_fraction = 0\nepoch = 10\nepochs = 10\nuser = \"zoe\"\n",
        &[(
            "ratings.csv",
            ",Jaws,Heat,Up,Nobody\nana,5,1,4,\nbob,4,2,5,\ncal,1,5,2,\nzoe,,,,\n",
        )],
    );
    train(&mut harness, 10);
    let view = harness.state().factorize_view();
    assert!(view.error().is_none(), "{:?}", view.error());
    for s in view.history().iter().filter(|s| s.epoch > 0) {
        assert!(s.train_rmse.is_finite(), "{s:?}");
    }
    assert!(
        view.recommendations()
            .iter()
            .all(|r| r.value.is_finite() && r.cosine.is_finite()),
        "a NaN score"
    );
    assert!(shows(&harness, "zoe has no ratings"), "not explained");
    assert!(
        shows(&harness, "1 user and 1 movie have no ratings"),
        "not explained"
    );
}

/// A rank above min(users, items) trains, with a note that the data cannot
/// support it.
#[test]
fn rank_larger_than_the_data_allow() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = open_scene(
        dir.path(),
        "view = \"factorize\"\ndataset = \"builtin:tiny-movies\"\n[factorize]\nrank = 10\nepochs = 5\nepoch = 5\n",
        &[],
    );
    train(&mut harness, 5);
    assert!(harness.state().factorize_view().error().is_none());
    assert!(shows(&harness, "k = 10 is more than the data allow"));
    assert!(shows(&harness, "Try k ≤ 4"));
}
