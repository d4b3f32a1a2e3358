//! UI tests of the Image view: snapshots of the shipped scenes, and the
//! behaviour a teacher relies on — moving the rank slider puts the measured
//! error at the Eckart–Young bound for that k (on screen, not only in the
//! state), scrolling zooms under the pointer, and a PNG opened from disk
//! lands in the view while a broken one changes nothing.

mod common;

use common::{app_harness, app_on_scene, fresh_app, repo, view_harness};
use egui::accesskit::Role;
use egui::vec2;
use egui_kittest::kittest::Queryable;
use eigenlens::app::style::fmt_num;
use eigenlens::app::views::image::ImageView;
use eigenlens::app::{DatasetHandle, EntryData};
use eigenlens::scene::{ImageSettings, ViewKind};

fn snapshot_scene(name: &str) {
    let mut harness = app_harness(app_on_scene(name));
    harness.run_steps(4);
    harness.snapshot(name.replace('-', "_"));
}

#[test]
fn snapshot_image_rank_5() {
    snapshot_scene("image-rank-5");
}

#[test]
fn snapshot_image_layers() {
    snapshot_scene("image-layers");
}

#[test]
fn snapshot_image_spectrum() {
    snapshot_scene("image-spectrum");
}

#[test]
fn snapshot_image_pixels() {
    snapshot_scene("image-pixels");
}

fn astronaut_view(rank: usize) -> egui_kittest::Harness<'static, (ImageView, EntryData)> {
    let mut view = ImageView::new(ImageSettings {
        rank,
        ..ImageSettings::default()
    });
    eigenlens::app::views::view::View::set_blocking(&mut view, true);
    let iris = eigenlens::data::load_builtin("iris").expect("iris");
    let data = EntryData::Table(DatasetHandle::new(iris));
    let mut harness = view_harness(view, data, vec2(1280.0, 800.0));
    harness.run_steps(3);
    harness
}

#[test]
fn moving_the_slider_puts_the_error_at_the_bound_for_that_k() {
    let mut harness = astronaut_view(20);
    let (k0, e0, b0) = harness.state().0.readout().expect("decomposed");
    assert_eq!(k0, 20);
    assert!((e0 - b0).abs() <= 1e-9 * b0, "{e0} vs {b0}");
    // Drag the slider's handle a fifth of the way along: k = 20 of 512 sits
    // near the left end, so this moves it to about 100.
    let rect = harness
        .get_by_role_and_label(Role::Slider, "k, layers kept")
        .rect();
    let from = egui::pos2(rect.left() + rect.width() * 20.0 / 512.0, rect.center().y);
    let to = egui::pos2(rect.left() + rect.width() * 0.2, rect.center().y);
    harness.drag_at(from);
    harness.run_steps(1);
    harness.hover_at(to);
    harness.run_steps(1);
    harness.drop_at(to);
    harness.run_steps(2);
    let (k, error, bound) = harness.state().0.readout().expect("decomposed");
    assert!((80..=120).contains(&k), "dragged to k = {k}");
    assert!(bound < b0, "more layers, less error: {bound} vs {b0}");
    assert!(
        (error - bound).abs() <= 1e-9 * bound,
        "measured {error}, bound {bound}"
    );
    // The readout on screen says so: the bound for the new k, twice
    // (measured and Eckart–Young), and no longer the k = 20 value.
    let shown = fmt_num(bound, 5);
    // One more layer with the "+1" button: the readout follows.
    harness.get_by_label("+1").click();
    harness.run_steps(2);
    let (k1, e1, b1) = harness.state().0.readout().expect("decomposed");
    assert_eq!(k1, k + 1);
    assert!((e1 - b1).abs() <= 1e-9 * b1 && b1 < bound);
    harness.get_by_label("−1").click();
    harness.run_steps(2);
    let found = harness.get_all_by_label(&shown).count();
    assert_eq!(found, 2, "{shown} shown as error and as bound");
    assert_eq!(harness.query_all_by_label(&fmt_num(b0, 5)).count(), 0);
}

#[test]
fn scrolling_zooms_under_the_pointer() {
    let mut harness = astronaut_view(10);
    assert!((harness.state().0.settings.zoom - 1.0).abs() < f32::EPSILON);
    // The left picture's centre is the picture's centre at zoom 1.
    let before = harness.state().0.settings.focus;
    let at = harness.get_by_label("A, the picture").rect().left_bottom() + vec2(120.0, 150.0);
    harness.hover_at(at);
    harness.run_steps(1);
    harness.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: vec2(0.0, 400.0),
        modifiers: egui::Modifiers::NONE,
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
    });
    harness.run_steps(3);
    let s = &harness.state().0.settings;
    assert!(s.zoom > 1.5, "zoom {}", s.zoom);
    // The pointer is left of and above the picture's centre (120, 150
    // points into a picture about 460 points square): zooming in towards it
    // moves the focus that way, keeping the point under the pointer.
    assert!(
        s.focus[0] < before[0] && s.focus[1] < before[1],
        "{:?} → {:?}",
        before,
        s.focus
    );
}

#[test]
fn a_png_opens_in_the_image_view_and_a_broken_one_changes_nothing() {
    let mut harness = app_harness(fresh_app());
    harness.run_steps(2);
    let png = repo().join("tests/fixtures/pictures/gradient-rgb.png");
    harness.state_mut().open_now(&png);
    harness.run_steps(3);
    assert_eq!(harness.state().view(), ViewKind::Image);
    let p = harness.state().image_view().picture().expect("a picture");
    assert_eq!((p.width, p.height), (40, 30));
    assert!(harness.state().image_view().readout().is_some());
    let broken = repo().join("tests/fixtures/pictures/truncated.png");
    harness.state_mut().open_now(&broken);
    harness.run_steps(2);
    let (text, is_error) = harness.state().status().expect("a message");
    assert!(is_error && text.contains("truncated.png"), "{text}");
    let p = harness
        .state()
        .image_view()
        .picture()
        .expect("still a picture");
    assert_eq!((p.width, p.height), (40, 30));
}
