//! UI tests of the Factorize view: snapshots of the shipped factorize scenes
//! through the whole app window, and behaviour (editing a rating folds the
//! user in again, training from the buttons, ratings files opening as ratings).

mod common;

use std::fmt::Write as _;

use common::{app_harness, app_on_scene, fresh_app, step_until, view_harness, write_file};
use egui_kittest::kittest::{NodeT as _, Queryable};
use eigenlens::app::views::factorize::{FactorizeView, no_rating_color, rating_color};
use eigenlens::app::{EigenApp, EntryData, RatingsHandle, style};
use eigenlens::data::{Item, Rating, Ratings};
use eigenlens::math::factorize::{
    FactorizeConfig, Method, Metric, TrainingSet, fold_in_user, recommend, train,
};
use eigenlens::scene::{FactorizeSettings, Theme, ViewKind};

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
    // At the foot of the scrolling matrices column, partly under the
    // status bar at this size: press it as assistive technology does.
    harness.get_by_label("Clear rating").click_accesskit();
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

/// The whole app on `app` at `size` points (light theme, no pictures taken).
fn sized_harness(
    mut app: EigenApp,
    size: egui::Vec2,
    theme: Theme,
) -> egui_kittest::Harness<'static, EigenApp> {
    app.set_native_dialogs(false);
    egui_kittest::Harness::builder()
        .with_size(size)
        .with_pixels_per_point(1.0)
        .with_theme(match theme {
            Theme::Light => egui::Theme::Light,
            Theme::Dark => egui::Theme::Dark,
        })
        .with_context_setup(move |ctx| style::setup(ctx, theme))
        .build_ui_state(|ui, app: &mut EigenApp| app.ui(ui), app)
}

/// Every widget of the window lies inside it left to right: none runs off
/// the right edge (a node's rectangle is its whole widget, clipped or not).
/// Long lists scroll, so the bottom is checked for chosen widgets only.
fn assert_all_inside(harness: &egui_kittest::Harness<'_, EigenApp>, size: egui::Vec2, what: &str) {
    let window = egui::Rect::from_min_max(
        egui::pos2(0.0, f32::NEG_INFINITY),
        egui::pos2(size.x, f32::INFINITY),
    )
    .expand(0.5);
    let mut outside = Vec::new();
    for node in harness.query_all_by(|n| n.bounding_box().is_some()) {
        let n = node.accesskit_node();
        let label = n.label().or_else(|| n.value()).unwrap_or_default();
        let rect = node.rect();
        if rect.is_positive() && !window.contains_rect(rect) {
            outside.push(format!("{label:?} at {rect:?}"));
        }
    }
    assert!(
        outside.is_empty(),
        "{what}: outside the window: {outside:#?}"
    );
}

/// Movie night with k = 8 (the plane is a PCA projection, the longest
/// heading) at 1024 × 700 and 1600 × 1000, in both themes: the heading
/// wraps, the formula under the blocks shows whole, the lists' number
/// columns and titles stay inside the window — every widget does.
#[test]
fn nothing_is_clipped_at_small_and_large_windows() {
    for (size, theme) in [
        (egui::vec2(1024.0, 700.0), Theme::Light),
        (egui::vec2(1024.0, 700.0), Theme::Dark),
        (egui::vec2(1600.0, 1000.0), Theme::Light),
    ] {
        let mut app = app_on_scene("factorize-movie-night");
        app.factorize_view_mut().settings.rank = 8;
        let mut harness = sized_harness(app, size, theme);
        assert!(step_until(&mut harness, 500, |a| {
            a.factorize_view().epochs_done() == 25
        }));
        harness.run_steps(3);
        let what = format!("{size:?} {theme:?}");
        let heading = harness.get_by_label_contains("k = 8: PCA projection of the factors");
        assert!(
            heading.rect().right() <= size.x,
            "{what}: heading {:?}",
            heading.rect()
        );
        let formula = harness.get_by_label_contains("μ = ");
        assert!(
            formula.rect().right() <= size.x && formula.rect().bottom() <= size.y,
            "{what}: formula {:?}",
            formula.rect()
        );
        for header in ["cos θ", "‖q‖", "r̂", "Top 5 for u003"] {
            let nodes: Vec<egui::Rect> = harness
                .query_all_by_label(header)
                .map(|n| n.rect())
                .collect();
            assert!(!nodes.is_empty(), "{what}: {header}");
            for r in nodes {
                assert!(
                    r.right() <= size.x && r.bottom() <= size.y,
                    "{what}: {header} at {r:?}"
                );
            }
        }
        assert_all_inside(&harness, size, &what);
    }
}

/// The RMSE legend sits outside the plot: it covers no tick label and no
/// curve.
#[test]
fn the_rmse_legend_covers_nothing_in_the_plot() {
    let size = egui::vec2(1024.0, 700.0);
    let mut harness = sized_harness(app_on_scene("factorize-movie-night"), size, Theme::Light);
    harness.run_steps(6);
    let drawn = harness.state().factorize_view().drawn().clone();
    let plot = drawn.curves_rect.expect("the RMSE plot is drawn");
    assert_eq!(drawn.curves_legend.len(), 2, "train and test");
    for entry in &drawn.curves_legend {
        assert!(
            !entry.intersects(plot),
            "legend {entry:?} over the plot {plot:?}"
        );
    }
    harness.get_by_label("train");
    harness.get_by_label("test (held out)");
}

/// Contrast ratio (WCAG) of two colours.
fn contrast(a: egui::Color32, b: egui::Color32) -> f32 {
    let lum = |c: egui::Color32| {
        let lin = |v: u8| {
            let v = f32::from(v) / 255.0;
            if v <= 0.040_45 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
    };
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// The lowest rating (1 star) stands apart from "no rating" in both
/// themes: a contrast ratio of at least 3 (in the dark theme viridis' dark
/// end was nearly the black of a gap).
#[test]
fn one_star_stands_apart_from_no_rating_in_both_themes() {
    for (visuals, dark) in [
        (egui::Visuals::light(), false),
        (egui::Visuals::dark(), true),
    ] {
        let gap = no_rating_color(&visuals);
        let low = rating_color(0.0, dark);
        let c = contrast(low, gap);
        assert!(
            c >= 3.0,
            "dark = {dark}: 1 star {low:?} vs no rating {gap:?}: {c:.2}"
        );
        // The map still runs from dark to light.
        assert!(
            contrast(rating_color(1.0, dark), low) >= 3.0,
            "dark = {dark}"
        );
    }
}

/// Ratings of 30 users on 70 movies: movie j is rated by the first
/// 30 − j/3 users; the last movie, an outlier, by one user only.
fn crowd_with_an_outlier() -> Ratings {
    let users: Vec<String> = (0..30).map(|u| format!("u{u:02}")).collect();
    let items: Vec<Item> = (0..70).map(|j| Item::new(format!("m{j:02}"))).collect();
    let mut entries = Vec::new();
    for j in 0..70u32 {
        let raters = if j == 69 { 1 } else { 30 - j / 3 };
        for u in 0..raters {
            let value = if j == 69 {
                5.0
            } else {
                1.0 + ((u * 7 + j * 3) % 5) as f32
            };
            entries.push(Rating {
                user: u,
                item: j,
                value,
            });
        }
    }
    Ratings::new("crowd", users, items, entries)
}

/// With more movies than can be named and none selected, the names go to
/// the most-rated movies, not to a movie rated once; they lie inside the
/// plot and cover one another nowhere.
#[test]
fn the_factor_plane_names_the_most_rated_movies() {
    let r = crowd_with_an_outlier();
    let mut counts = vec![0usize; r.n_items()];
    for e in &r.entries {
        counts[e.item as usize] += 1;
    }
    let settings = FactorizeSettings {
        rank: 2,
        epochs: 20,
        epoch: 20,
        lambda: 0.01,
        user: None,
        item: None,
        ..FactorizeSettings::default()
    };
    let mut view = FactorizeView::new(settings);
    view.set_blocking(true);
    let data = EntryData::Ratings(RatingsHandle::new(r));
    let mut harness = view_harness(view, data, egui::vec2(1280.0, 800.0));
    harness.run_steps(4);
    let drawn = harness.state().0.drawn().clone();
    let plot = drawn.plane_rect.expect("the plane is drawn");
    let named: Vec<u32> = drawn.names.iter().map(|(i, _)| *i).collect();
    assert!(named.len() >= 6, "names: {named:?}");
    assert!(
        !named.contains(&69),
        "the movie rated once is named: {named:?}"
    );
    let mut sorted = counts.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    let twelfth = sorted[11];
    for &i in &named {
        assert!(
            counts[i as usize] >= twelfth,
            "m{i:02} has {} ratings",
            counts[i as usize]
        );
    }
    for (k, (_, a)) in drawn.names.iter().enumerate() {
        assert!(plot.contains_rect(*a), "{a:?} outside {plot:?}");
        for (_, b) in &drawn.names[k + 1..] {
            assert!(!a.intersects(*b), "{a:?} covers {b:?}");
        }
    }
}

/// Hovering a movie on the factor plane outlines its column in the
/// heatmaps; hovering a heatmap cell rings its user and movie on the plane
/// and says who rated what.
#[test]
fn hovering_links_the_factor_plane_and_the_heatmaps() {
    let mut harness = app_harness(app_on_scene("factorize-movie-night"));
    harness.run_steps(6);
    // A movie away from every other point (no other within 12 points).
    let drawn = harness.state().factorize_view().drawn().clone();
    let all: Vec<egui::Pos2> = drawn
        .items_on_screen
        .iter()
        .chain(&drawn.users_on_screen)
        .copied()
        .collect();
    let (movie, at) = drawn
        .items_on_screen
        .iter()
        .enumerate()
        .find(|(_, p)| all.iter().filter(|q| q.distance(**p) < 12.0).count() == 1)
        .map(|(i, p)| (i as u32, *p))
        .expect("a movie standing alone");
    harness.hover_at(at);
    harness.run_steps(3);
    let view = harness.state().factorize_view();
    assert_eq!(view.linked().item, Some(movie));
    assert_eq!(view.drawn().heatmap_marked.item, Some(movie));
    assert_eq!(view.drawn().plane_marked.item, Some(movie));
    // A cell of the ratings heatmap.
    let cells = view.drawn().heatmap_rect.expect("the heatmap");
    harness.hover_at(cells.center());
    harness.run_steps(3);
    let view = harness.state().factorize_view();
    let linked = view.linked();
    assert!(linked.user.is_some() && linked.item.is_some(), "{linked:?}");
    assert_eq!(view.drawn().plane_marked, linked);
    let r = harness.state().current_ratings().expect("ratings");
    let user = &r.users[linked.user.unwrap() as usize];
    let title = r.item_name(linked.item.unwrap()).to_owned();
    let tip = format!("user {user} × {title}: ");
    harness.get_by_label_contains(&tip);
}

/// `users` × `items` ratings, every third cell empty.
fn grid_ratings(users: usize, items: usize) -> Ratings {
    let names: Vec<String> = (0..users).map(|u| format!("user{u}")).collect();
    let movies: Vec<Item> = (0..items).map(|j| Item::new(format!("film{j}"))).collect();
    let mut entries = Vec::new();
    for u in 0..users as u32 {
        for j in 0..items as u32 {
            if (u + 2 * j) % 3 != 0 {
                let value = 1.0 + ((u * 5 + j * 3) % 5) as f32;
                entries.push(Rating {
                    user: u,
                    item: j,
                    value,
                });
            }
        }
    }
    Ratings::new("grid", names, movies, entries)
}

/// The heatmaps name their rows and columns whenever the cells are big
/// enough for the names (20 × 10 in a large window, not only up to 12 × 12),
/// and not when they are too small (100 × 40 in a small one).
#[test]
fn heatmap_rows_and_columns_are_named_when_the_names_fit() {
    for (users, items, size, named) in [
        (20, 10, egui::vec2(1600.0, 1000.0), true),
        (100, 40, egui::vec2(1024.0, 700.0), false),
    ] {
        let settings = FactorizeSettings {
            rank: 2,
            epochs: 5,
            epoch: 5,
            user: None,
            item: None,
            ..FactorizeSettings::default()
        };
        let mut view = FactorizeView::new(settings);
        view.set_blocking(true);
        let data = EntryData::Ratings(RatingsHandle::new(grid_ratings(users, items)));
        let mut harness = view_harness(view, data, size);
        harness.run_steps(4);
        let drawn = harness.state().0.drawn();
        assert_eq!(drawn.heatmap_named, named, "{users} × {items} at {size:?}");
    }
}

/// Zooming the heatmaps (ctrl + scroll, here a pinch's zoom events) over
/// a cell shows fewer rows and columns around it, big enough to be named;
/// "Show all" shows them all again.
#[test]
fn zooming_the_heatmaps_names_rows_and_columns() {
    let mut harness = app_harness(app_on_scene("factorize-movie-night"));
    harness.run_steps(6);
    let drawn = harness.state().factorize_view().drawn().clone();
    assert!(!drawn.heatmap_named, "100 × 40 cells are too small to name");
    let at = drawn.heatmap_rect.expect("the heatmap").center();
    harness.hover_at(at);
    harness.run_steps(2);
    for _ in 0..6 {
        harness.event(egui::Event::Zoom(1.5));
        harness.run_steps(2);
        let at = harness
            .state()
            .factorize_view()
            .drawn()
            .heatmap_rect
            .expect("the heatmap");
        harness.hover_at(at.center());
        harness.run_steps(1);
    }
    let drawn = harness.state().factorize_view().drawn().clone();
    assert!(drawn.heatmap_zoom > 4.0, "zoom {}", drawn.heatmap_zoom);
    assert!(drawn.heatmap_named, "zoomed in, the names fit");
    harness.get_by_label_contains("Zoomed ×");
    harness.get_by_label("Show all").click();
    harness.run_steps(3);
    let drawn = harness.state().factorize_view().drawn().clone();
    assert!(
        (drawn.heatmap_zoom - 1.0).abs() < 1e-6,
        "zoom {}",
        drawn.heatmap_zoom
    );
    assert!(!drawn.heatmap_named);
}

/// A model of MovieLens-25M's order (here 45,000 users × 15,000 movies, more
/// points than shapes can draw at display rate) draws its factor plane as
/// one image: the frame holds fewer shapes than there are points (the two
/// heatmaps' 24,000 cells are most of them), and every user and movie still
/// has its place on screen.
#[test]
fn a_plane_of_many_points_is_drawn_as_one_image() {
    let (users, items) = (45_000usize, 15_000usize);
    let names: Vec<String> = (0..users).map(|u| format!("u{u}")).collect();
    let movies: Vec<Item> = (0..items).map(|j| Item::new(format!("m{j}"))).collect();
    let entries: Vec<Rating> = (0..users as u32)
        .flat_map(|u| {
            (0..3u32).map(move |k| Rating {
                user: u,
                item: (u * 7 + k * 4_999) % items as u32,
                value: 1.0 + ((u + k) % 5) as f32,
            })
        })
        .collect();
    let r = Ratings::new("many", names, movies, entries);
    let settings = FactorizeSettings {
        rank: 2,
        epochs: 2,
        epoch: 2,
        test_fraction: 0.0,
        user: None,
        item: None,
        ..FactorizeSettings::default()
    };
    let mut view = FactorizeView::new(settings);
    view.set_blocking(true);
    let data = EntryData::Ratings(RatingsHandle::new(r));
    let mut harness = view_harness(view, data, egui::vec2(1600.0, 1000.0));
    harness.run_steps(3);
    let drawn = harness.state().0.drawn().clone();
    assert_eq!(drawn.users_on_screen.len(), users);
    assert_eq!(drawn.items_on_screen.len(), items);
    let shapes = harness.output().shapes.len();
    assert!(
        shapes < usize::midpoint(users, items),
        "{shapes} shapes for {} points: drawn one by one",
        users + items
    );
}
