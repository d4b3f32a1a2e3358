//! Shared test helpers: the one place every UI harness is built (fixed size,
//! pixels per point, theme and snapshot tolerance), and small file helpers.

#![allow(
    dead_code,
    reason = "each test binary uses a different subset of the helpers"
)]

use std::path::{Path, PathBuf};

use egui_kittest::{Harness, SnapshotOptions};
use eigenlens::app::views::view::View;
use eigenlens::app::{EigenApp, EntryData, PersistedState, style};
use eigenlens::render::{Gpu, PatientRenderer};
use eigenlens::scene::Theme;

/// Size of every UI harness, in points.
pub const SIZE: egui::Vec2 = egui::vec2(1280.0, 800.0);

/// A harness driving the whole app window, light theme, 1 pixel per point.
/// The app's native file dialogs are off: File → Open… asks for a path in
/// the window instead of waiting for a person at a desktop dialog.
pub fn app_harness(app: EigenApp) -> Harness<'static, EigenApp> {
    app_harness_at(app, SIZE)
}

/// [`app_harness`] with a window of `size` points.
pub fn app_harness_at(mut app: EigenApp, size: egui::Vec2) -> Harness<'static, EigenApp> {
    app.set_native_dialogs(false);
    Harness::builder()
        .with_size(size)
        .with_pixels_per_point(1.0)
        .with_theme(egui::Theme::Light)
        // llvmpipe is deterministic on one machine; allow for small
        // antialiasing differences between Mesa versions.
        .with_options(SnapshotOptions::new().threshold(2.0).max_failed_pixels(400))
        .with_context_setup(|ctx| style::setup(ctx, Theme::Light))
        .renderer(patient_renderer())
        .build_ui_state(|ui, app: &mut EigenApp| app.ui(ui), app)
}

/// A harness drawing one view alone, through the [`View`] contract, on
/// `data` at `size` points (light theme, 1 pixel per point, wgpu): the UI
/// tests and the frame benches that need no window around the view.
pub fn view_harness<V: View + 'static>(
    view: V,
    data: EntryData,
    size: egui::Vec2,
) -> Harness<'static, (V, EntryData)> {
    Harness::builder()
        .with_size(size)
        .with_pixels_per_point(1.0)
        .with_theme(egui::Theme::Light)
        .with_options(SnapshotOptions::new().threshold(2.0).max_failed_pixels(400))
        .with_context_setup(|ctx| style::setup(ctx, Theme::Light))
        .renderer(patient_renderer())
        .build_ui_state(
            |ui, (view, data): &mut (V, EntryData)| {
                egui::CentralPanel::default().show(ui, |ui| view.ui(ui, data));
            },
            (view, data),
        )
}

/// kittest's wgpu renderer (llvmpipe with `WGPU_BACKEND=gl`), but waiting
/// for the device as long as a loaded machine needs instead of failing after
/// wgpu's GL backend's 4.3 s.
fn patient_renderer() -> PatientRenderer {
    PatientRenderer::new(
        &Gpu::new().expect("a graphics adapter (WGPU_BACKEND=gl: Mesa's llvmpipe)"),
    )
}

/// The app as a first start shows it: default scene, nothing remembered.
pub fn fresh_app() -> EigenApp {
    EigenApp::new(PersistedState::default(), None)
}

/// The app showing the shipped scene `assets/scenes/<name>.toml`.
pub fn app_on_scene(name: &str) -> EigenApp {
    let path = repo().join("assets/scenes").join(format!("{name}.toml"));
    let loaded = eigenlens::scene::load_scene(&path).expect("the shipped scene loads");
    EigenApp::new(
        PersistedState::default(),
        Some((path, eigenlens::app::Opened::Scene(Box::new(loaded)))),
    )
}

/// Steps the harness until `done` holds (background work finishing), at most `max` frames.
pub fn step_until(
    harness: &mut Harness<'_, EigenApp>,
    max: usize,
    done: impl Fn(&EigenApp) -> bool,
) -> bool {
    for _ in 0..max {
        harness.step();
        if done(harness.state()) {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    false
}

/// Writes `contents` to `name` inside `dir` and returns the path.
pub fn write_file(dir: &Path, name: &str, contents: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write test file");
    path
}

/// The repository's root (for assets/).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A harness driving the whole app window at `size` points in `theme`
/// (otherwise as [`app_harness`]).
pub fn app_harness_sized(
    mut app: EigenApp,
    size: egui::Vec2,
    theme: Theme,
) -> Harness<'static, EigenApp> {
    app.set_native_dialogs(false);
    Harness::builder()
        .with_size(size)
        .with_pixels_per_point(1.0)
        .with_theme(match theme {
            Theme::Light => egui::Theme::Light,
            Theme::Dark => egui::Theme::Dark,
        })
        .with_options(SnapshotOptions::new().threshold(2.0).max_failed_pixels(400))
        .with_context_setup(move |ctx| style::setup(ctx, theme))
        .renderer(patient_renderer())
        .build_ui_state(|ui, app: &mut EigenApp| app.ui(ui), app)
}
