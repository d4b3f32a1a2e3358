//! UI tests, through the whole window, of working with one's own data: a
//! table with a stray word in a numeric column (the error offers to read
//! such cells as missing), the status bar across a dataset switch, and each
//! dataset keeping its own views (selection, trained model) while another
//! is shown.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use common::{app_harness, app_on_scene, fresh_app, step_until, write_file};
use egui_kittest::kittest::Queryable;
use eigenlens::scene::ViewKind;

/// Whether some widget's label contains `text`.
fn shows(harness: &egui_kittest::Harness<'_, eigenlens::app::EigenApp>, text: &str) -> bool {
    harness.query_all_by_label_contains(text).next().is_some()
}

/// A table of 6 rows with "x" on line 3 (column b) and "?" on line 5 (column c).
fn stray_table(dir: &Path) -> PathBuf {
    write_file(
        dir,
        "stray.csv",
        b"a,b,c\n1,2,3\n4,x,6\n7,8,9\n10,11,?\n13,14,15\n16,18,17\n",
    )
}

/// Opening a table with unparseable cells shows the error (file, line,
/// column, cell) with the offer, inside a 1024 × 700 window however long
/// the path; pressing it opens the table with those cells missing, and the
/// status bar counts them.
#[test]
fn the_error_offers_to_read_bad_cells_as_missing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let deep = dir
        .path()
        .join("a-project-with-a-long-name/data/experiments/2026-12-06/measured");
    std::fs::create_dir_all(&deep).expect("mkdir");
    let path = stray_table(&deep);
    let mut harness = app_harness(fresh_app());
    harness.set_size(egui::vec2(1024.0, 700.0));
    harness.run_steps(2);
    harness.state_mut().open_now(&path);
    harness.run_steps(2);
    let (text, error) = harness.state().status().expect("a status");
    assert!(error, "{text}");
    assert!(
        text.contains("stray.csv") && text.contains("line 3, column 2") && text.contains("\"x\""),
        "{text}"
    );
    assert!(shows(&harness, "line 3, column 2"));
    assert_ne!(
        harness.state().current_dataset().map(|d| d.name.as_str()),
        Some("stray.csv")
    );

    let button = harness.get_by_label("Read unparseable cells as missing");
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1024.0, 700.0));
    assert!(window.contains_rect(button.rect()), "{:?}", button.rect());
    button.click();
    assert!(step_until(&mut harness, 2_000, |app| {
        app.current_dataset().is_some_and(|d| d.name == "stray.csv")
    }));
    harness.run_steps(2);
    let (text, error) = harness.state().status().expect("a status");
    assert!(!error, "{text}");
    assert!(
        text.contains("2 unparseable cells read as missing"),
        "{text}"
    );
    assert!(shows(&harness, "2 unparseable cells read as missing"));
    assert!(
        harness
            .query_all_by_label("Read unparseable cells as missing")
            .next()
            .is_none()
    );
    let ds = harness.state().current_dataset().expect("the table");
    assert_eq!(ds.n_rows, 6);
    assert!(ds.column("b").expect("b").values[1].is_nan());
    assert!(ds.column("c").expect("c").values[3].is_nan());
}

/// A cell that is not a rating offers nothing: reading it as missing would
/// not open the file.
#[test]
fn a_bad_rating_offers_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_file(
        dir.path(),
        "ratings.csv",
        b"user,item,rating\n1,1,4\n1,2,x\n",
    );
    let mut harness = app_harness(fresh_app());
    harness.run_steps(2);
    harness.state_mut().open_now(&path);
    harness.run_steps(2);
    let (text, error) = harness.state().status().expect("a status");
    assert!(error && text.contains("line 3"), "{text}");
    assert!(
        harness
            .query_all_by_label("Read unparseable cells as missing")
            .next()
            .is_none()
    );
}

/// The status bar's message is about the dataset it came with: switching
/// to another dataset clears it.
#[test]
fn switching_datasets_clears_the_status_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_file(dir.path(), "mine.csv", b"p,q\n1,2\n3,5\n4,4\n");
    let mut harness = app_harness(fresh_app());
    harness.run_steps(2);
    harness.state_mut().open_now(&path);
    harness.run_steps(2);
    assert!(shows(&harness, "Opened mine.csv"));
    harness.get_by_label("Iris flowers").click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().current_dataset().map(|d| d.name.as_str()),
        Some("iris")
    );
    assert!(
        !shows(&harness, "mine.csv: 3 rows"),
        "{:?}",
        harness.state().status()
    );
    assert!(
        !shows(&harness, "Opened mine.csv"),
        "{:?}",
        harness.state().status()
    );
    assert_eq!(harness.state().status(), None);
}

/// A MovieLens-style ratings file whose item ids (1..=40) are movie night's,
/// titled "Film N (1995)"; returns the `u.data` path.
fn ratings_with_the_same_ids(dir: &Path) -> PathBuf {
    let mut data = String::new();
    for u in 1..=12 {
        for i in 1..=40 {
            if (u * 7 + i) % 3 != 0 {
                let _ = writeln!(data, "{u}\t{i}\t{}\t881250949", 1 + (u * i) % 5);
            }
        }
    }
    let path = write_file(dir, "u.data", data.as_bytes());
    let mut items = String::new();
    for i in 1..=40 {
        let _ = writeln!(
            items,
            "{i}|Film {i} (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0"
        );
    }
    write_file(dir, "u.item", items.as_bytes());
    path
}

/// Skyfall (id 28) selected in movie night: another ratings set whose item
/// 28 is another film shows no selection; back in movie night, Skyfall is
/// still selected and the trained model is the one left there.
#[test]
fn a_selection_stays_with_its_dataset() {
    let dir = tempfile::tempdir().expect("tempdir");
    let other = ratings_with_the_same_ids(dir.path());
    let mut harness = app_harness(app_on_scene("factorize-movie-night"));
    harness.run_steps(4);
    harness.state_mut().factorize_view_mut().settings.item = Some("28".to_owned());
    harness.run_steps(3);
    assert!(shows(&harness, "Most like Skyfall (2012)"));
    let trained = harness.state().factorize_view().history();
    assert_eq!(trained.len(), 25);

    harness.state_mut().open_now(&other);
    harness.run_steps(4);
    let app = harness.state();
    assert_eq!(app.view(), ViewKind::Factorize);
    let r = app.current_ratings().expect("the other ratings");
    let item_28 = r.item_index("28").expect("item 28");
    assert_eq!(r.item_name(item_28), "Film 28 (1995)");
    assert_eq!(app.factorize_view().settings.item, None);
    assert_eq!(app.factorize_view().settings.user, None);
    assert!(!shows(&harness, "Most like"));

    harness.get_by_label("Movie night (100 × 40)").click();
    harness.run_steps(4);
    assert!(shows(&harness, "Most like Skyfall (2012)"));
    let view = harness.state().factorize_view();
    assert_eq!(view.settings.user.as_deref(), Some("u003"));
    assert_eq!(view.epochs_done(), 25);
    let back = view.history();
    assert_eq!(back.len(), trained.len());
    for (a, b) in back.iter().zip(&trained) {
        assert_eq!(a.train_rmse.to_bits(), b.train_rmse.to_bits());
        assert_eq!(a.test_rmse.map(f64::to_bits), b.test_rmse.map(f64::to_bits));
    }
}

/// A model trained with ▶ Train in tiny movies survives a visit to movie
/// night (which starts untrained, not with tiny movies' model) and back.
#[test]
fn a_trained_model_stays_with_its_dataset() {
    let mut harness = app_harness(fresh_app());
    harness.run_steps(2);
    harness.get_by_label("Tiny movies (4 × 5)").click();
    harness.run_steps(3);
    assert_eq!(harness.state().view(), ViewKind::Factorize);
    assert_eq!(harness.state().factorize_view().epochs_done(), 0);
    harness.get_by_label("▶ Train").click();
    let epochs = harness.state().factorize_view().settings.epochs;
    assert!(step_until(&mut harness, 5_000, |app| {
        let v = app.factorize_view();
        v.epochs_done() == epochs && !v.is_training()
    }));
    let trained = harness.state().factorize_view().history();
    assert_eq!(trained.len(), epochs);

    harness.get_by_label("Movie night (100 × 40)").click();
    harness.run_steps(3);
    assert_eq!(
        harness
            .state()
            .current_ratings()
            .map(eigenlens::data::Ratings::n_items),
        Some(40)
    );
    assert_eq!(harness.state().factorize_view().epochs_done(), 0);

    harness.get_by_label("Tiny movies (4 × 5)").click();
    harness.run_steps(3);
    let view = harness.state().factorize_view();
    assert_eq!(view.epochs_done(), epochs);
    let back = view.history();
    assert_eq!(back.len(), trained.len());
    for (a, b) in back.iter().zip(&trained) {
        assert_eq!(a.train_rmse.to_bits(), b.train_rmse.to_bits());
    }
}
