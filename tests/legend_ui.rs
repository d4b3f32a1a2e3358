//! Legends that survive real data: the default colour column is one with a
//! few values (a genre, not a title naming every row), a column with more
//! values than a legend can list colours the points without one (a line
//! says why), and a legend sits in the corner the points leave empty.

mod common;

use std::fmt::Write as _;

use common::{app_harness, write_file};
use egui_kittest::kittest::Queryable;
use eigenlens::app::{EigenApp, PersistedState, open_path};
use eigenlens::scene::ViewKind;

const GENRES: [&str; 3] = ["Comedy", "Drama", "Horror"];

/// 40 movies with two numbers, a title each and one of three genres; the
/// points crowd the bottom left and top right, leaving the top left empty.
fn movies(dir: &std::path::Path) -> std::path::PathBuf {
    let mut csv = String::from("title,genre,x,y\n");
    for i in 0..40 {
        let (x, y) = if i % 2 == 0 {
            (f64::from(i) * 0.01, f64::from(i) * 0.01)
        } else {
            (10.0 - f64::from(i) * 0.01, 10.0 - f64::from(i) * 0.01)
        };
        let _ = writeln!(csv, "Movie {i},{},{x},{y}", GENRES[i as usize % 3]);
    }
    write_file(dir, "movies.csv", csv.as_bytes())
}

fn app_on(path: &std::path::Path, view: ViewKind) -> EigenApp {
    let opened = open_path(path).expect("the CSV opens");
    let mut app = EigenApp::new(PersistedState::default(), Some((path.to_owned(), opened)));
    app.set_view(view);
    app
}

#[test]
fn default_colour_is_the_column_with_few_values() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = movies(dir.path());
    for view in [ViewKind::Data, ViewKind::Pca] {
        let mut harness = app_harness(app_on(&path, view));
        harness.run_steps(30);
        for g in GENRES {
            assert!(
                harness.query_by_label(g).is_some(),
                "{view:?}: the legend lists the genre {g}"
            );
        }
        assert!(
            harness.query_by_label("Movie 7").is_none(),
            "{view:?}: no legend of titles"
        );
    }
}

#[test]
fn a_column_with_many_values_colours_without_a_legend() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = movies(dir.path());
    let mut harness = app_harness(app_on(&path, ViewKind::Data));
    harness.run_steps(5);
    harness.get_by_label("colour by").click();
    harness.run_steps(2);
    harness.get_by_label("title").click();
    harness.run_steps(5);
    assert!(
        harness
            .query_by_label_contains("40 values of title: too many for a legend")
            .is_some(),
        "the note says why there is no legend"
    );
    assert!(
        harness.query_by_label("Movie 7").is_none(),
        "no legend entries"
    );
    assert!(harness.query_by_label("Comedy").is_none());
}

#[test]
fn the_legend_goes_where_the_points_are_not() {
    use egui_plot::Corner;
    use eigenlens::app::views::emptiest_corner;
    // Points along the diagonal from bottom left to top right.
    let diagonal = (0..100).map(|i| [f64::from(i), f64::from(i)]);
    let c = emptiest_corner(diagonal);
    assert!(matches!(c, Corner::LeftTop | Corner::RightBottom), "{c:?}");
    // Points everywhere but the bottom left.
    let mut pts = Vec::new();
    for i in 0..20 {
        for j in 0..20 {
            if i >= 8 || j >= 8 {
                pts.push([f64::from(i), f64::from(j)]);
            }
        }
    }
    pts.push([0.0, 0.0]);
    assert!(matches!(
        emptiest_corner(pts.into_iter()),
        Corner::LeftBottom
    ));
}
