//! Figures from the window: View → Save screenshot (Ctrl+Shift+S) takes the
//! view at 1× or 2× (drawn again headless from the current scene, as
//! `eigenlens render` would) or the whole window, and copies it.

mod common;

use common::{app_harness, app_on_scene, step_until};
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use eigenlens::app::screenshot;
use eigenlens::scene::{SceneData, Theme};

/// "Copied a W × H screenshot" → (W, H).
fn copied_size(status: &str) -> Option<(u32, u32)> {
    let rest = status.strip_prefix("Copied a ")?;
    let mut it = rest.split(' ');
    let w = it.next()?.parse().ok()?;
    let _times = it.next()?;
    let h = it.next()?.parse().ok()?;
    Some((w, h))
}

/// Ctrl+Shift+S opens the options; "2×" and "Copy only" copy the view at
/// twice the pixels of its size on screen.
#[test]
fn shortcut_copies_the_view_at_2x() {
    let mut harness = app_harness(app_on_scene("transform-shear"));
    harness.run_steps(2);
    assert!(harness.query_by_label("Copy only").is_none());
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    harness.run_steps(2);
    harness.get_by_label("2×").click();
    harness.run_steps(1);
    harness.get_by_label("Copy only").click();
    harness.run_steps(2);
    assert!(
        harness.query_by_label("Copy only").is_none(),
        "the options close"
    );
    let done = step_until(&mut harness, 600, |app| {
        app.status().is_some_and(|(t, _)| t.starts_with("Copied a"))
    });
    let (status, error) = harness.state().status().expect("a status");
    assert!(done && !error, "status: {status}");
    let window = harness
        .state()
        .current_scene(Theme::Light, 1.0, None)
        .window;
    assert_eq!(
        copied_size(status),
        Some((2 * window.width, 2 * window.height)),
        "status: {status}"
    );
}

/// The view screenshot is what File → Save scene reproduces: the pixels of
/// the screenshot (the current scene drawn headless) equal those of the saved
/// scene file read back and rendered as `eigenlens render` does, after the
/// user has changed the view; and 2× has twice the pixels.
#[test]
fn view_screenshot_matches_the_saved_scene() {
    let mut harness = app_harness(app_on_scene("pca-iris-flatten"));
    harness.run_steps(3);
    // A change the saved scene must carry: another point of the animation.
    harness.state_mut().pca_view_mut().settings.progress = 0.25;
    harness.run_steps(2);
    let scene = harness.state().current_scene(Theme::Light, 1.0, None);
    let data = || SceneData::Table(eigenlens::data::load_builtin("iris").expect("iris"));
    let shot = screenshot::render_view(&scene, data(), 1.0).expect("1×");

    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("saved.toml");
    harness.state_mut().save_scene_as(&path, Theme::Light, 1.0);
    let (status, error) = harness.state().status().expect("a status");
    assert!(!error, "status: {status}");
    let loaded = eigenlens::scene::load_scene(&path).expect("the saved scene loads");
    assert!((loaded.scene.pca.progress - 0.25).abs() < 1e-6);
    let rendered =
        eigenlens::render::render_scene(&loaded.scene, loaded.data, &loaded.scene.window)
            .expect("the saved scene renders");
    assert_eq!(shot.dimensions(), (scene.window.width, scene.window.height));
    assert!(
        shot == rendered,
        "the screenshot differs from the saved scene's render"
    );

    // And the screenshot is not the scene's untouched state.
    let original =
        eigenlens::scene::load_scene(&common::repo().join("assets/scenes/pca-iris-flatten.toml"))
            .expect("the shipped scene");
    let mut window = original.scene.window;
    window.width = scene.window.width;
    window.height = scene.window.height;
    let untouched =
        eigenlens::render::render_scene(&original.scene, original.data, &window).expect("renders");
    assert!(
        shot != untouched,
        "the change of progress shows in the screenshot"
    );

    let two = screenshot::render_view(&scene, data(), 2.0).expect("2×");
    assert_eq!(two.dimensions(), (2 * shot.width(), 2 * shot.height()));
}

/// View → Save screenshot → SVG → Save… writes the view as SVG (text as
/// `<text>`), the same document `render_view_svg` (and `eigenlens render -o
/// out.svg`) makes of the current scene; "Copy only" is off for SVG.
#[test]
fn view_screenshot_saves_as_svg() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    // A bare name: the file gets the format's extension.
    let typed = dir.path().join("view");
    let path = dir.path().join("view.svg");
    let mut harness = app_harness(app_on_scene("transform-shear"));
    harness.run_steps(2);
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    harness.run_steps(2);
    harness.get_by_label("SVG").click();
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label("Embed the font (about 1 MB)")
            .is_some()
    );
    harness.get_by_label("Save…").click();
    // The path prompt opens once the SVG is written (native dialogs are off).
    let mut steps = 0;
    while harness
        .query_by_label("Save the SVG screenshot to path")
        .is_none()
    {
        steps += 1;
        assert!(steps < 600, "status: {:?}", harness.state().status());
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    harness
        .get_by_role(egui::accesskit::Role::TextInput)
        .type_text(typed.to_str().expect("utf-8"));
    harness.run_steps(1);
    harness.get_by_label("OK").click();
    harness.run_steps(3);
    let (status, error) = harness.state().status().expect("a status");
    assert!(!typed.exists(), "no file without the extension");
    assert!(
        !error && status.starts_with("Saved the view as SVG"),
        "status: {status}"
    );
    let saved = std::fs::read_to_string(&path).expect("the SVG");
    assert!(
        saved.starts_with("<svg") && saved.contains("<text"),
        "{}",
        &saved[..200]
    );
    // The picture alone (the window's default), as `render --no-controls`.
    let mut scene = harness.state().current_scene(Theme::Light, 1.0, None);
    scene.window.controls = false;
    let data = SceneData::Table(eigenlens::data::load_builtin("iris").expect("iris"));
    let direct =
        screenshot::render_view_svg(&scene, data, 1.0, eigenlens::render::SvgOptions::default())
            .expect("renders");
    assert!(saved == direct, "the saved SVG differs from the scene's");
}
