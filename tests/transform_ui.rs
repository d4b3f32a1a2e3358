//! UI tests of the Transform view: snapshots of the shipped transform scenes
//! through the whole app window, and behaviour (presets, the animation).

mod common;

use common::{app_harness, app_on_scene};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use eigenlens::app::views::view::View as _;
use eigenlens::app::{EigenApp, Opened, PersistedState};
use eigenlens::scene::{self, Theme, ViewKind};

fn snapshot_scene(name: &str) {
    let mut harness = app_harness(app_on_scene(name));
    harness.run_steps(4);
    assert_eq!(harness.state().view(), ViewKind::Transform);
    harness.snapshot(name.replace('-', "_"));
}

/// A shear: the square leans, det = 1, one eigenvector line.
#[test]
fn snapshot_transform_shear() {
    snapshot_scene("transform-shear");
}

/// A 3D rotation halfway, turning through the polar decomposition.
#[test]
fn snapshot_transform_rotation_3d() {
    snapshot_scene("transform-rotation-3d");
}

/// The SVD animation in its stretch step, with the unit circle's ellipse.
#[test]
fn snapshot_transform_svd() {
    snapshot_scene("transform-svd");
}

/// A rank-1 matrix: the column space line and the null space.
#[test]
fn snapshot_transform_singular() {
    snapshot_scene("transform-singular");
}

/// Iris points carried by the matrix, in their species colours.
#[test]
fn snapshot_transform_data() {
    snapshot_scene("transform-data");
}

/// A two-step composition, mid-way through its second step.
#[test]
fn snapshot_transform_composition() {
    snapshot_scene("transform-composition");
}

/// Choosing the shear preset sets the matrix cells to [[1, k], [0, 1]] (k = 1
/// by default) and the determinant label to 1; it was 1.23 before.
#[test]
fn shear_preset_sets_cells_and_determinant() {
    let mut harness = app_harness(app_on_scene("transform-svd"));
    harness.run_steps(2);
    assert!(harness.query_by_label("det A = 1").is_none());
    harness.get_by_label("det A = 1.23");
    harness.get_by_label("Shear x").click();
    harness.run_steps(2);
    harness.get_by_label("det A = 1");
    assert_eq!(
        harness.state().transform_view().matrix(),
        &[vec![1.0, 1.0], vec![0.0, 1.0]]
    );
    // The editor's cells show the new entries, row by row.
    let cells: Vec<String> = harness
        .query_all_by_role(egui::accesskit::Role::SpinButton)
        .filter_map(|n| n.accesskit_node().numeric_value().map(|v| v.to_string()))
        .take(4)
        .collect();
    assert_eq!(cells, ["1", "1", "0", "1"]);
    // The preset plays from the identity.
    assert!(harness.state().transform_view().is_playing());
}

/// Swapping the two steps of a composition changes the product: AB ≠ BA.
#[test]
fn swapping_steps_changes_the_product() {
    let mut harness = app_harness(app_on_scene("transform-composition"));
    harness.run_steps(2);
    let before = harness.state().transform_view().matrix().to_vec();
    harness.get_by_label("↑").click();
    harness.run_steps(2);
    let after = harness.state().transform_view().matrix().to_vec();
    assert_ne!(before, after, "the product did not change");
    let scene = harness
        .state()
        .current_scene(eigenlens::scene::Theme::Light, 1.0, None);
    assert_eq!(scene.transform.matrix, after);
}

/// Dragging the tip of ĵ moves column 2 of A with the pointer, one grid unit
/// per unit: the view's scale holds still during the drag (it used to refit
/// every frame, so the tip ran away to ~30 units after a short drag).
#[test]
fn dragging_a_tip_moves_its_column_with_the_pointer() {
    let mut harness = app_harness(app_on_scene("transform-shear"));
    harness.run_steps(4);
    let view = harness.state().transform_view();
    let [origin, i_tip, j_tip] = view.handles();
    let before = view.matrix().to_vec();
    // Pixels per unit, from î = (a₁₁, a₂₁).
    let unit = (before[0][0].hypot(before[1][0])) as f32;
    let scale = (i_tip - origin).length() / unit;
    let shift = egui::vec2(150.0, -120.0);
    harness.hover_at(j_tip);
    harness.run_steps(1);
    harness.drag_at(j_tip);
    harness.run_steps(1);
    for k in 1..=10 {
        harness.hover_at(j_tip + shift * (k as f32 / 10.0));
        harness.run_steps(1);
    }
    harness.drop_at(j_tip + shift);
    harness.run_steps(2);
    let after = harness.state().transform_view().matrix().to_vec();
    let expect = [
        before[0][1] + f64::from(shift.x / scale),
        before[1][1] - f64::from(shift.y / scale),
    ];
    assert!(
        (after[0][1] - expect[0]).abs() < 0.1 && (after[1][1] - expect[1]).abs() < 0.1,
        "ĵ went from ({}, {}) to ({}, {}), expected about ({:.2}, {:.2})",
        before[0][1],
        before[1][1],
        after[0][1],
        after[1][1],
        expect[0],
        expect[1]
    );
    // Column 1 is untouched.
    assert_eq!((after[0][0], after[1][0]), (before[0][0], before[1][0]));
}

/// A scene saved from the Transform view loads back to the same settings.
#[test]
fn saved_transform_scene_round_trips() {
    let mut harness = app_harness(app_on_scene("transform-composition"));
    harness.run_steps(2);
    let saved = harness.state().current_scene(Theme::Light, 1.0, None);
    let toml = saved.to_toml();
    let back = scene::Scene::from_toml(&toml, "saved.toml").expect("the saved scene parses");
    assert_eq!(back.view, ViewKind::Transform);
    assert_eq!(back.transform, saved.transform);
    assert!(!back.transform.steps.is_empty());
}

/// A composition at the scene's limit of steps cannot grow in the window
/// either: "Add a step" is disabled at `scene::MAX_STEPS` (a saved scene
/// would otherwise be refused when opened again).
#[test]
fn add_a_step_stops_at_the_scene_limit() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let step = "[[1.0, 0.0], [0.0, 1.0]]";
    let steps = vec![step; scene::MAX_STEPS].join(", ");
    let path = common::write_file(
        dir.path(),
        "many.toml",
        format!(
            "view = \"transform\"\ndataset = \"builtin:cloud\"\n[transform]\nsteps = [{steps}]\n"
        )
        .as_bytes(),
    );
    let loaded = scene::load_scene(&path).expect("a scene at the limit loads");
    let app = eigenlens::app::EigenApp::new(
        eigenlens::app::PersistedState::default(),
        Some((path, eigenlens::app::Opened::Scene(Box::new(loaded)))),
    );
    let mut harness = app_harness(app);
    harness.run_steps(2);
    assert!(
        harness
            .get_by_label("Add a step")
            .accesskit_node()
            .is_disabled()
    );
    assert!(!harness.get_by_label("Clear").accesskit_node().is_disabled());
}

// ---------------------------------------------------------------------------
// Honest pictures, labels, colours and layout (issue 21)
// ---------------------------------------------------------------------------

/// The app on a Transform scene made of `body` (its `[transform]` table) in
/// a window of `size` points, a few frames in. The directory holds the scene.
fn transform_at(body: &str, size: egui::Vec2) -> (tempfile::TempDir, Harness<'static, EigenApp>) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = common::write_file(
        dir.path(),
        "scene.toml",
        format!("view = \"transform\"\ndataset = \"builtin:iris\"\n{body}").as_bytes(),
    );
    let loaded = scene::load_scene(&path).expect("the scene loads");
    let app = EigenApp::new(
        PersistedState::default(),
        Some((path, Opened::Scene(Box::new(loaded)))),
    );
    let mut harness = common::app_harness_at(app, size);
    harness.run_steps(4);
    assert_eq!(harness.state().view(), ViewKind::Transform);
    (dir, harness)
}

const SMALL: egui::Vec2 = egui::vec2(1024.0, 700.0);
const LARGE: egui::Vec2 = egui::vec2(1600.0, 1000.0);

/// Moves the animation to `progress` and draws a frame.
fn show_progress(harness: &mut Harness<'static, EigenApp>, progress: f32) {
    harness
        .state_mut()
        .transform_view_mut()
        .set_progress(progress);
    harness.run_steps(2);
}

/// The t a caption "t = 0.11: …" names.
fn caption_t(caption: &str) -> f64 {
    caption
        .strip_prefix("t = ")
        .and_then(|rest| rest.split(':').next())
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("no t in the caption {caption:?}"))
}

/// The caption's "t = …: (1 − t)·I + t·A" is the matrix drawn: î and ĵ are
/// (1 − t)·I + t·A at the t it names. It named the playback's progress while
/// the picture was at the eased progress (t = 0.21 over î = (0.954, −0.0518),
/// which is t ≈ 0.11).
#[test]
fn the_caption_names_the_t_the_picture_is_at() {
    let a = [[1.2, 0.9], [-0.3, 0.8]];
    let (_dir, mut harness) = transform_at(
        "[transform]\nmode = \"2d\"\nmatrix = [[1.2, 0.9], [-0.3, 0.8]]\nprogress = 0.0\n",
        SMALL,
    );
    for progress in [0.21, 0.5, 0.95] {
        show_progress(&mut harness, progress);
        let drawn = harness.state().transform_view().drawn().clone();
        let t = caption_t(&drawn.caption);
        assert!(
            drawn.caption.contains("(1 − t)·I + t·A"),
            "{}",
            drawn.caption
        );
        for (i, row) in a.iter().enumerate() {
            for (j, &aij) in row.iter().enumerate() {
                let id = if i == j { 1.0 } else { 0.0 };
                let want = (1.0 - t) * id + t * aij;
                // The caption writes t to two decimals.
                let tol = 0.005 * (aij - id).abs() + 1e-9;
                assert!(
                    (drawn.matrix[i][j] - want).abs() <= tol,
                    "at progress {progress} the caption says {:?} but entry ({i}, {j}) is drawn at {} (the formula gives {want})",
                    drawn.caption,
                    drawn.matrix[i][j]
                );
            }
        }
    }
}

/// The turning animation's caption names the t it turns by: a rotation by
/// 90° is drawn turned by t × 90°.
#[test]
fn the_turning_caption_names_the_angle_drawn() {
    let (_dir, mut harness) = transform_at(
        "[transform]\nmode = \"2d\"\nmatrix = [[0.0, -1.0], [1.0, 0.0]]\nanimation = \"polar\"\nprogress = 0.0\n",
        SMALL,
    );
    for progress in [0.2, 0.35, 0.8] {
        show_progress(&mut harness, progress);
        let drawn = harness.state().transform_view().drawn().clone();
        let t = caption_t(&drawn.caption);
        let angle = drawn.matrix[1][0].atan2(drawn.matrix[0][0]).to_degrees();
        assert!(
            (angle - t * 90.0).abs() <= 0.5,
            "at progress {progress} the caption says {:?}, the picture is turned by {angle:.2}°",
            drawn.caption
        );
    }
}

/// Eigenvector arrows never leave their dashed lines: while the SVD steps
/// turn space they are hidden (A·v lies on v's line; the turning matrices
/// on the way do not keep it there), and they are back, on their lines, at
/// the end. In 2D and in 3D.
#[test]
fn eigenvector_arrows_stay_on_their_lines() {
    for (body, count) in [
        (
            "[transform]\nmode = \"2d\"\nmatrix = [[1.2, 0.9], [0.3, 0.8]]\nanimation = \"svd\"\nprogress = 0.0\n",
            2,
        ),
        (
            "[transform]\nmode = \"3d\"\nmatrix = [[2.0, 0.5, 0.0], [0.0, 1.0, 0.3], [0.0, 0.0, 0.5]]\nanimation = \"polar\"\nprogress = 0.0\n",
            3,
        ),
    ] {
        let (_dir, mut harness) = transform_at(body, SMALL);
        for k in 1..=20 {
            let progress = k as f32 / 20.0;
            show_progress(&mut harness, progress);
            let drawn = harness.state().transform_view().drawn().clone();
            for (line, tip) in &drawn.eigen_arrows {
                let along: f64 = line.iter().zip(tip).map(|(v, t)| v * t).sum();
                let off: f64 = line
                    .iter()
                    .zip(tip)
                    .map(|(v, t)| (t - along * v).powi(2))
                    .sum::<f64>()
                    .sqrt();
                assert!(
                    off < 1e-6,
                    "at progress {progress} an eigenvector arrow ends {off} off its line ({body})"
                );
            }
            if k == 20 {
                assert_eq!(drawn.eigen_arrows.len(), count, "at the end ({body})");
            }
        }
    }
}

/// The straight path keeps every eigenvector on its line, so its arrows
/// are drawn all the way.
#[test]
fn the_straight_path_shows_eigenvector_arrows_throughout() {
    let (_dir, mut harness) = transform_at(
        "[transform]\nmode = \"2d\"\nmatrix = [[1.2, 0.9], [0.3, 0.8]]\nprogress = 0.0\n",
        SMALL,
    );
    for progress in [0.1, 0.5, 0.9] {
        show_progress(&mut harness, progress);
        assert_eq!(
            harness.state().transform_view().drawn().eigen_arrows.len(),
            2,
            "at progress {progress}"
        );
    }
}

/// Whether the "Unit circle" box is ticked.
fn circle_ticked(harness: &Harness<'static, EigenApp>) -> bool {
    harness
        .get_by_label("Unit circle")
        .accesskit_node()
        .toggled()
        == Some(egui::accesskit::Toggled::True)
}

/// The "Unit circle" box shows what is drawn: the SVD steps always draw the
/// circle, so there it is ticked (and cannot be unticked) even when the
/// scene's setting is off; with another animation it follows the setting.
#[test]
fn the_unit_circle_box_shows_what_is_drawn() {
    let (_dir, harness) = transform_at(
        "[transform]\nmode = \"2d\"\nmatrix = [[1.2, 0.9], [-0.3, 0.8]]\nanimation = \"svd\"\nprogress = 0.5\nshow_circle = false\n",
        SMALL,
    );
    assert!(circle_ticked(&harness), "the SVD steps draw the circle");
    assert!(
        harness
            .get_by_label("Unit circle")
            .accesskit_node()
            .is_disabled()
    );
    let (_dir, harness) = transform_at(
        "[transform]\nmode = \"2d\"\nmatrix = [[1.2, 0.9], [-0.3, 0.8]]\nprogress = 0.5\nshow_circle = false\n",
        SMALL,
    );
    assert!(!circle_ticked(&harness));
}

/// With det A < 0 the SVD's text says where the flip is: in U, a reflection
/// (singular values are never negative), not "σ₂ < 0" beside a positive σ₂.
/// The animation's caption says that its stretch plays that reflection.
#[test]
fn a_negative_determinant_puts_the_flip_in_u() {
    let (_dir, mut harness) = transform_at(
        "[transform]\nmode = \"2d\"\nmatrix = [[1.2, 0.9], [0.8, -0.3]]\nanimation = \"svd\"\nprogress = 0.5\n",
        SMALL,
    );
    harness.get_by_label("σ₁ = 1.586   σ₂ = 0.6808");
    assert!(harness.query_by_label_contains("σ₂ < 0").is_none());
    harness.get_by_label_contains("U reflects across the line");
    harness.get_by_label_contains("det U = −1");
    show_progress(&mut harness, 0.5);
    let caption = harness.state().transform_view().drawn().caption.clone();
    assert!(caption.starts_with("② Stretch"), "{caption}");
    assert!(caption.contains("det U = −1"), "{caption}");
}

/// Checks that every label lies inside the plot and that no two overlap.
fn assert_labels_placed(drawn: &eigenlens::app::views::transform::Drawn, what: &str) {
    assert!(!drawn.labels.is_empty(), "{what}: no labels");
    for (text, r) in &drawn.labels {
        assert!(
            drawn.plot.contains_rect(*r),
            "{what}: {text:?} at {r:?} runs past the plot {:?}",
            drawn.plot
        );
    }
    for (i, (a, ra)) in drawn.labels.iter().enumerate() {
        for (b, rb) in &drawn.labels[i + 1..] {
            assert!(!ra.intersects(*rb), "{what}: {a:?} and {b:?} overlap");
        }
    }
}

/// At 1024 × 700 and 1600 × 1000 every label of the shipped transform
/// scenes (and of a 3D matrix with three eigenvector lines) lies inside the
/// plot and clear of the others; the names that matter are all there. The
/// singular scene's "column space: everything lands here" was cut at the
/// plot's left edge and "det = 0" sat on the arrows.
#[test]
fn labels_stay_inside_the_plot_and_apart() {
    let three = "[transform]\nmode = \"3d\"\nmatrix = [[2.0, 0.5, 0.0], [0.0, 1.0, 0.3], [0.0, 0.0, 0.5]]\nprogress = 1.0\n";
    for size in [SMALL, LARGE] {
        for name in [
            "transform-singular",
            "transform-shear",
            "transform-svd",
            "transform-data",
            "transform-rotation-3d",
            "transform-composition",
        ] {
            let body =
                std::fs::read_to_string(common::repo().join(format!("assets/scenes/{name}.toml")))
                    .expect("the shipped scene");
            let table = &body[body.find("[transform]").expect("a [transform] table")..];
            let (_dir, harness) = transform_at(table, size);
            let drawn = harness.state().transform_view().drawn().clone();
            assert_labels_placed(&drawn, &format!("{name} at {size:?}"));
            if name == "transform-singular" {
                let texts: Vec<&str> = drawn.labels.iter().map(|(t, _)| t.as_str()).collect();
                for want in [
                    "column space: everything lands here",
                    "null space: sent to 0",
                    "λ₁ = 2",
                    "λ₂ = 0",
                    "î (1, 0.5)",
                    "ĵ (2, 1)",
                    "det = 0",
                ] {
                    assert!(
                        texts.contains(&want),
                        "{want:?} missing at {size:?}: {texts:?}"
                    );
                }
            }
        }
        let (_dir, harness) = transform_at(three, size);
        let drawn = harness.state().transform_view().drawn().clone();
        assert_labels_placed(&drawn, &format!("three eigenvector lines at {size:?}"));
        let texts: Vec<&str> = drawn.labels.iter().map(|(t, _)| t.as_str()).collect();
        for want in ["λ₁ = 2", "λ₂ = 1", "λ₃ = 0.5", "î (2, 0, 0)", "det = 1"] {
            assert!(
                texts.contains(&want),
                "{want:?} missing at {size:?}: {texts:?}"
            );
        }
    }
}

/// CIELAB (D65) of an sRGB colour.
fn lab(c: egui::Color32) -> [f64; 3] {
    let lin = |u: u8| {
        let c = f64::from(u) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let (r, g, b) = (lin(c.r()), lin(c.g()), lin(c.b()));
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f64| {
        if t > 0.008_856 {
            t.cbrt()
        } else {
            7.787 * t + 16.0 / 116.0
        }
    };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// Each meaning has its own colour in both themes: λ₃ is no longer orange
/// like î, λ₂ blue like k̂, or the σ ellipse pink like λ₁. Any two meanings
/// differ by at least ΔE*ab 25 (a plainly different colour); each reads on
/// its theme's background (contrast ratio at least 3).
#[test]
fn each_meaning_has_its_own_colour_in_both_themes() {
    use eigenlens::app::views::transform::Palette;
    let luminance = |c: egui::Color32| {
        let lin = |u: u8| {
            let c = f64::from(u) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
    };
    for (dark, bg) in [
        (false, egui::Color32::WHITE),
        (true, egui::Color32::from_gray(10)),
    ] {
        let meanings = Palette::of(dark).meanings();
        for (i, (a, ca)) in meanings.iter().enumerate() {
            let (la, lb) = (luminance(*ca), luminance(bg));
            let contrast = (la.max(lb) + 0.05) / (la.min(lb) + 0.05);
            assert!(
                contrast >= 3.0,
                "{a} is faint on the {} theme: {contrast:.2}",
                if dark { "dark" } else { "light" }
            );
            for (b, cb) in &meanings[i + 1..] {
                let (p, q) = (lab(*ca), lab(*cb));
                let d =
                    ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2)).sqrt();
                assert!(
                    d >= 25.0,
                    "{a} and {b} look alike in the {} theme: ΔE = {d:.1}",
                    if dark { "dark" } else { "light" }
                );
            }
        }
    }
}

/// In 3D with a composition at 1024 × 700, every step's ↑ and ✕ buttons lie
/// inside the window, right of the canvas (the side panel): the M₂ row ran
/// past the panel and its buttons were off screen.
#[test]
fn composition_buttons_fit_the_side_panel_in_3d() {
    let (_dir, mut harness) = transform_at(
        "[transform]\nmode = \"3d\"\nsteps = [\n  [[0.5, -0.8660254037844386, 0.0], [0.8660254037844386, 0.5, 0.0], [0.0, 0.0, 1.0]],\n  [[1.8, 0.0, -0.5], [0.0, 0.6, 0.0], [0.0, 0.0, 1.0]],\n]\nprogress = 0.75\n",
        SMALL,
    );
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, SMALL);
    let plot = harness.state().transform_view().drawn().plot;
    for label in ["↑", "✕"] {
        let last = harness.get_all_by_label(label).count();
        assert!(last >= 1, "no {label} button");
        harness
            .get_all_by_label(label)
            .last()
            .expect("a button")
            .scroll_to_me();
        harness.run_steps(3);
        let rects: Vec<egui::Rect> = harness.get_all_by_label(label).map(|n| n.rect()).collect();
        let r = *rects.last().expect("a button");
        assert!(
            window.contains_rect(r) && r.left() > plot.right(),
            "the last {label} button is at {r:?}, outside the side panel (window {window:?}, canvas {plot:?})"
        );
    }
}

/// Every text painted in the last frame.
fn painted_texts(harness: &Harness<'static, EigenApp>) -> Vec<String> {
    fn walk(shape: &egui::Shape, out: &mut Vec<String>) {
        match shape {
            egui::Shape::Text(t) => out.push(t.galley.text().to_owned()),
            egui::Shape::Vec(v) => v.iter().for_each(|s| walk(s, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for clipped in &harness.output().shapes {
        walk(&clipped.shape, &mut out);
    }
    out
}

/// The matrix editor's cells write a negative entry with the minus sign
/// (U+2212), as the rest of the app does, not "-0.30" (only the display:
/// the cells parse typed text with egui's parser, which takes both).
#[test]
fn matrix_cells_write_a_true_minus() {
    let (_dir, harness) = transform_at(
        "[transform]\nmode = \"2d\"\nmatrix = [[1.2, 0.9], [-0.3, 0.8]]\nprogress = 1.0\n",
        SMALL,
    );
    let texts = painted_texts(&harness);
    assert!(texts.iter().any(|t| t == "−0.30"), "{texts:?}");
    assert!(!texts.iter().any(|t| t == "-0.30"), "{texts:?}");
}

/// A singular A squashes the unit square flat: its image is drawn as the
/// segment it became. Drawn as a closed outline it folded back on itself and
/// the outline's mitred joins spiked into a band of the square's colour
/// across the whole canvas (the singular scene at 700 points high).
#[test]
fn a_flattened_square_is_a_segment_not_a_band() {
    use eigenlens::app::views::transform::Palette;
    let (_dir, mut harness) = transform_at(
        "[transform]\nmode = \"2d\"\nmatrix = [[1.0, 2.0], [0.5, 1.0]]\nprogress = 1.0\n",
        SMALL,
    );
    let plot = harness.state().transform_view().drawn().plot;
    let image = harness.render().expect("the frame renders");
    let keep = Palette::of(false).keep;
    let mut near = 0usize;
    for y in plot.top() as u32..plot.bottom() as u32 {
        for x in plot.left() as u32..plot.right() as u32 {
            let p = image.get_pixel(x, y).0;
            let d: i32 = [keep.r(), keep.g(), keep.b()]
                .iter()
                .zip(p)
                .map(|(&c, q)| (i32::from(c) - i32::from(q)).abs())
                .sum();
            if d < 60 {
                near += 1;
            }
        }
    }
    let area = (plot.width() * plot.height()) as usize;
    assert!(
        near * 100 < area,
        "{near} of {area} pixels of the canvas have the unit square's colour"
    );
}
