//! UI tests of the Regression view: snapshots of the shipped scenes, and
//! the behaviour that makes it a teaching tool — dragging a point refits at
//! once and the normal equations Xᵀr = 0 still hold in the shown numbers;
//! right-click removes a point, double-click adds one.

mod common;

use common::{app_harness, app_on_scene, view_harness};
use egui::{Event, Modifiers, PointerButton, Pos2, vec2};
use eigenlens::app::views::regress::RegressView;
use eigenlens::app::{DatasetHandle, EntryData};
use eigenlens::math::regress::Ols;
use eigenlens::scene::{RegressSettings, Scene};

fn snapshot_scene(name: &str) {
    let mut harness = app_harness(app_on_scene(name));
    harness.run_steps(4);
    harness.snapshot(name.replace('-', "_"));
}

#[test]
fn snapshot_regression_line() {
    snapshot_scene("regression-line");
}

#[test]
fn snapshot_regression_projection() {
    snapshot_scene("regression-projection");
}

#[test]
fn snapshot_regression_descent() {
    snapshot_scene("regression-descent");
}

#[test]
fn snapshot_regression_anscombe() {
    snapshot_scene("regression-anscombe");
}

/// Weight on height of the built-in people, in a view harness.
fn people_view() -> (
    egui_kittest::Harness<'static, (RegressView, EntryData)>,
    eigenlens::data::Dataset,
) {
    let ds = eigenlens::data::load_builtin("people").expect("the built-in people");
    let settings = RegressSettings {
        y: "weight_kg".to_owned(),
        x: vec!["height_cm".to_owned()],
        ..RegressSettings::default()
    };
    let data = EntryData::Table(DatasetHandle::new(ds.clone()));
    let mut harness = view_harness(RegressView::new(settings), data, vec2(1280.0, 800.0));
    harness.run_steps(3);
    (harness, ds)
}

fn column<'a>(ds: &'a eigenlens::data::Dataset, name: &str) -> &'a [f64] {
    &ds.column(name).expect("the column exists").values
}

#[test]
fn dragging_a_point_refits_and_keeps_the_residual_perpendicular() {
    let (mut harness, ds) = people_view();
    let (height, weight) = (column(&ds, "height_cm"), column(&ds, "weight_kg"));
    let (before, _) = harness.state().0.shown_fit().expect("a fit is shown");
    // The tallest person: pulling their point down flattens the line.
    let row = (0..height.len())
        .max_by(|&a, &b| height[a].total_cmp(&height[b]))
        .unwrap();
    let at = harness
        .state()
        .0
        .screen_of(row)
        .expect("the point is drawn");
    harness.hover_at(at);
    harness.run_steps(2);
    harness.drag_at(at);
    harness.run_steps(1);
    let shift = vec2(0.0, 300.0);
    for k in 1..=10 {
        harness.hover_at(at + shift * (k as f32 / 10.0));
        harness.run_steps(1);
    }
    harness.drop_at(at + shift);
    harness.run_steps(2);
    let view = &harness.state().0;
    let moved = &view.settings.moved;
    assert_eq!(moved.len(), 1, "one point moved: {moved:?}");
    assert_eq!(moved[0].row, row);
    assert!(
        moved[0].y < weight[row] - 10.0,
        "the point went down: {} → {}",
        weight[row],
        moved[0].y
    );
    let (after, xtr) = view.shown_fit().unwrap();
    assert!(
        after[1] < before[1] - 0.02,
        "the slope fell: {} → {}",
        before[1],
        after[1]
    );
    // The shown fit is least squares of the edited data, computed here
    // independently of the view.
    let mut y = weight.to_vec();
    let mut x = height.to_vec();
    y[row] = moved[0].y;
    x[row] = moved[0].x;
    let ols = Ols::fit(&y, &[&x], &["height_cm".to_owned()]).unwrap();
    for (shown, want) in after.iter().zip(ols.coefficients.iter()) {
        assert!(
            (shown - want).abs() <= 1e-9 * want.abs().max(1.0),
            "{shown} vs {want}"
        );
    }
    // Xᵀr = 0: the residual is perpendicular to 1 and to x.
    let r_norm = ols.residuals.norm();
    let x_norm = x.iter().map(|v| v * v).sum::<f64>().sqrt();
    assert!(
        xtr[0].abs() <= 1e-9 * (y.len() as f64).sqrt() * r_norm,
        "{xtr:?}"
    );
    assert!(xtr[1].abs() <= 1e-9 * x_norm * r_norm, "{xtr:?}");
}

#[test]
fn right_click_removes_a_point_and_double_click_adds_one() {
    let (mut harness, ds) = people_view();
    let n = ds.n_rows;
    let at = harness.state().0.screen_of(5).expect("row 5 is drawn");
    harness.hover_at(at);
    harness.run_steps(2);
    for pressed in [true, false] {
        harness.event(Event::PointerButton {
            pos: at,
            button: PointerButton::Secondary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    harness.run_steps(2);
    assert_eq!(harness.state().0.settings.removed, vec![5]);
    assert!(harness.state().0.screen_of(5).is_none(), "row 5 is gone");
    // An empty spot near the plot's top-left corner.
    let empty = harness.state().0.screen_of(0).unwrap();
    let spot = Pos2::new(200.0, 120.0);
    assert!(spot.distance(empty) > 20.0);
    harness.hover_at(spot);
    // A second later: the right click is no longer part of a multi-click.
    harness.run_steps(60);
    for k in 0..2 {
        // Two clicks 0.1 s apart (kittest's frames are 0.25 s or more).
        harness.input_mut().time = Some(1000.0 + 0.1 * f64::from(k));
        for pressed in [true, false] {
            harness.event(Event::PointerButton {
                pos: spot,
                button: PointerButton::Primary,
                pressed,
                modifiers: Modifiers::NONE,
            });
        }
        harness.step();
    }
    harness.run_steps(2);
    let s = &harness.state().0.settings;
    assert_eq!(s.added.len(), 1, "{s:?}");
    let (beta, _) = harness.state().0.shown_fit().unwrap();
    // The fit now has n − 1 + 1 points: recompute it.
    let mut y = column(&ds, "weight_kg").to_vec();
    let mut x = column(&ds, "height_cm").to_vec();
    y.remove(5);
    x.remove(5);
    y.push(s.added[0][1]);
    x.push(s.added[0][0]);
    assert_eq!(y.len(), n);
    let ols = Ols::fit(&y, &[&x], &["h".to_owned()]).unwrap();
    assert!((beta[1] - ols.coefficients[1]).abs() < 1e-9);
}

/// The edits are part of the scene: saved and loaded, the same points.
#[test]
fn a_saved_regression_scene_keeps_the_edits() {
    let mut scene = Scene {
        view: eigenlens::scene::ViewKind::Regress,
        dataset: "builtin:anscombe".to_owned(),
        ..Scene::default()
    };
    scene.regress.y = "y1".to_owned();
    scene.regress.x = vec!["x1".to_owned()];
    scene.regress.moved.push(eigenlens::scene::PointEdit {
        row: 2,
        x: 13.0,
        y: 3.5,
    });
    scene.regress.removed.push(7);
    scene.regress.added.push([16.0, 12.0]);
    let toml = scene.to_toml();
    let back = Scene::from_toml(&toml, "saved.toml").unwrap();
    assert_eq!(back.regress, scene.regress);
}
