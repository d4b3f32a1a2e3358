//! UI tests of the PCA view: snapshots of the shipped PCA scenes through the
//! whole app window, and behaviour (standardize, export, the animation).

mod common;

use common::{app_harness, app_on_scene};
use egui_kittest::kittest::{NodeT as _, Queryable};
use eigenlens::app::{EigenApp, style};
use eigenlens::scene::ViewKind;

fn snapshot_scene(name: &str) {
    let mut harness = app_harness(app_on_scene(name));
    harness.run_steps(6);
    assert_eq!(harness.state().view(), ViewKind::Pca);
    assert!(
        harness
            .state()
            .pca_view()
            .explained_variance_ratio()
            .is_some(),
        "{name}: no fit"
    );
    harness.snapshot(name.replace('-', "_"));
}

/// Iris in 3D before the animation: the cloud, its mean and principal axes.
#[test]
fn snapshot_pca_iris_3d() {
    snapshot_scene("pca-iris-3d");
}

/// Mid-animation: points sliding onto the PC1–PC2 plane, residual segments visible.
#[test]
fn snapshot_pca_iris_flatten() {
    snapshot_scene("pca-iris-flatten");
}

/// The end of the animation: the plane faces the viewer as the PC1–PC2 scatter.
#[test]
fn snapshot_pca_iris_2d() {
    snapshot_scene("pca-iris-2d");
}

/// The synthetic cloud mid-projection with its covariance heatmap.
#[test]
fn snapshot_pca_cloud() {
    snapshot_scene("pca-cloud");
}

/// Columns in different units, standardized, with the biplot.
#[test]
fn snapshot_pca_standardized() {
    snapshot_scene("pca-standardized");
}

/// Mean absolute difference of two equally sized RGBA images over `rect`.
fn region_difference(a: &image::RgbaImage, b: &image::RgbaImage, rect: egui::Rect) -> f64 {
    let (x0, y0) = (rect.min.x.max(0.0) as u32, rect.min.y.max(0.0) as u32);
    let x1 = (rect.max.x as u32).min(a.width());
    let y1 = (rect.max.y as u32).min(a.height());
    let mut sum = 0u64;
    let mut n = 0u64;
    for y in y0..y1 {
        for x in x0..x1 {
            let (p, q) = (a.get_pixel(x, y), b.get_pixel(x, y));
            sum += (0..3).map(|c| u64::from(p[c].abs_diff(q[c]))).sum::<u64>();
            n += 1;
        }
    }
    sum as f64 / n.max(1) as f64
}

/// Toggling "Standardize" refits PCA on z-scores: the explained variance
/// ratios change (income no longer dominates) and so does the scree plot.
#[test]
fn toggling_standardize_changes_the_scree_plot() {
    let mut app = app_on_scene("pca-standardized");
    app.pca_view_mut().settings.standardize = false;
    let mut harness = app_harness(app);
    harness.run_steps(4);
    let raw = harness
        .state()
        .pca_view()
        .explained_variance_ratio()
        .expect("a fit");
    // Unstandardized, income (variance ~3·10⁸) is almost all the variance.
    assert!(raw[0] > 0.9, "raw ratios: {raw:?}");
    let before = harness.render().expect("render");
    let scree = harness.get_by_label_contains("Scree: variance").rect();
    // The plot sits below its title: look at the area under it.
    let plot_area =
        egui::Rect::from_min_size(scree.left_bottom(), egui::vec2(scree.width(), 250.0));

    harness.get_by_label("Standardize").click();
    harness.run_steps(4);
    let std = harness
        .state()
        .pca_view()
        .explained_variance_ratio()
        .expect("a fit");
    assert!(harness.state().pca_view().settings.standardize);
    assert!(std[0] < 0.6, "standardized ratios: {std:?}");
    let sum: f64 = std.iter().sum();
    assert!((sum - 1.0).abs() < 1e-9);
    let after = harness.render().expect("render");
    let diff = region_difference(&before, &after, plot_area);
    assert!(
        diff > 1.0,
        "the scree plot did not change (mean difference {diff})"
    );
}

/// Play runs the animation to the end and stops; the scene keeps the position.
#[test]
fn play_runs_the_animation() {
    let mut harness = app_harness(app_on_scene("pca-iris-3d"));
    harness.run_steps(2);
    harness.get_by_label("▶ Play").click();
    harness.run_steps(2);
    assert!(harness.state().pca_view().is_playing());
    let p = harness.state().pca_view().settings.progress;
    assert!(p > 0.0, "progress {p}");
    // kittest advances time by a fixed step per frame; run to the end.
    for _ in 0..2_000 {
        harness.step();
        if !harness.state().pca_view().is_playing() {
            break;
        }
    }
    assert!(!harness.state().pca_view().is_playing());
    assert!((harness.state().pca_view().settings.progress - 1.0).abs() < 1e-6);
    let scene = harness
        .state()
        .current_scene(eigenlens::scene::Theme::Light, 1.0, None);
    assert_eq!(scene.view, ViewKind::Pca);
    assert!((scene.pca.progress - 1.0).abs() < 1e-6);
}

/// Exporting scores writes PC1..PCd and the label column for every row, and the
/// scores match a fresh fit.
#[test]
fn export_scores_writes_csv() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("scores.csv");
    let mut harness = app_harness(app_on_scene("pca-iris-3d"));
    harness.run_steps(2);
    harness.state_mut().export_scores(&out);
    let (msg, is_error) = harness.state().status().expect("a message");
    assert!(!is_error, "{msg}");
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("PC1,PC2,PC3,species"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 150);
    let ds = eigenlens::data::load_builtin("iris").unwrap();
    let names = ["sepal_length", "petal_length", "petal_width"].map(String::from);
    let cols: Vec<&[f64]> = names
        .iter()
        .map(|n| ds.column(n).unwrap().values.as_slice())
        .collect();
    let pca =
        eigenlens::math::pca::Pca::fit(&cols, &names, &eigenlens::math::pca::PcaOptions::default())
            .unwrap();
    let scores = pca.scores(&cols, 3);
    for (i, row) in rows.iter().enumerate() {
        for k in 0..3 {
            let v: f64 = row[k].parse().unwrap();
            assert!((v - scores[(i, k)]).abs() < 1e-9, "row {i} PC{}", k + 1);
        }
        assert_eq!(row[3], ds.label("species").unwrap().get(i));
    }
}

/// Exporting into a folder that does not exist reports an error and writes nothing.
#[test]
fn export_scores_reports_write_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("missing-folder").join("scores.csv");
    let mut harness = app_harness(app_on_scene("pca-iris-3d"));
    harness.run_steps(2);
    harness.state_mut().export_scores(&out);
    let (msg, is_error) = harness.state().status().expect("a message");
    assert!(is_error);
    assert!(msg.contains("scores.csv"), "{msg}");
    assert!(!out.exists());
}

/// One row policy: the view and `eigenlens pca` leave out the same rows (a
/// missing or an infinite value in a chosen column), say so, and give the
/// same scores.
#[test]
fn the_view_and_the_cli_use_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let data = common::write_file(
        dir.path(),
        "gaps.csv",
        b"a,b,c,kind\n1,2,3,p\nNA,1,2,q\n3,inf,1,r\n4,3,5,s\n5,6,2,t\n7,1,-inf,u\n2,2,9,v\n",
    );
    let scene = common::write_file(
        dir.path(),
        "scene.toml",
        b"view = \"pca\"\ndataset = \"gaps.csv\"\n[pca]\ncolumns = [\"a\", \"b\", \"c\"]\n",
    );
    let mut app = common::fresh_app();
    app.open_now(&scene);
    let mut harness = app_harness(app);
    harness.run_steps(3);
    assert!(
        harness
            .query_all_by_label_contains(
                "1 row with a missing value and 2 rows with an infinite value in the chosen columns left out."
            )
            .next()
            .is_some(),
        "the rows left out are not said"
    );
    let out = dir.path().join("scores.csv");
    harness.state_mut().export_scores(&out);
    let text = std::fs::read_to_string(&out).unwrap();
    let view: Vec<Vec<String>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    let kinds: Vec<&str> = view.iter().map(|r| r[3].as_str()).collect();
    assert_eq!(kinds, ["p", "s", "t", "v"]);

    let o = std::process::Command::new(env!("CARGO_BIN_EXE_eigenlens"))
        .args(["pca", data.to_str().unwrap(), "--json", "--scores"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("dropped 3 of 7 rows") && stderr.contains("(1 missing, 2 infinite)"),
        "{stderr}"
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["rows_used"], 4);
    assert_eq!(
        v["rows_left_out"],
        serde_json::json!({"missing": 1, "non_finite": 2})
    );
    let cli = v["scores"].as_array().unwrap();
    assert_eq!(cli.len(), view.len());
    for (row, cli_row) in view.iter().zip(cli) {
        for k in 0..3 {
            let a: f64 = row[k].parse().unwrap();
            let b = cli_row[k].as_f64().unwrap();
            assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        }
    }
}

/// The app on the shipped scene `name` at `size` points, light theme.
fn sized_harness(name: &str, size: egui::Vec2) -> egui_kittest::Harness<'static, EigenApp> {
    let mut app = app_on_scene(name);
    app.set_native_dialogs(false);
    egui_kittest::Harness::builder()
        .with_size(size)
        .with_pixels_per_point(1.0)
        .with_theme(egui::Theme::Light)
        .with_context_setup(|ctx| style::setup(ctx, eigenlens::scene::Theme::Light))
        .build_ui_state(|ui, app: &mut EigenApp| app.ui(ui), app)
}

/// The 3D view's axis names ("PC1 95.8%", …, and the columns' names) are
/// placed so that none covers another ("PC3 1.5%" was written over "PC2
/// 6.0%" at the origin), all inside the view.
#[test]
fn the_3d_axis_names_do_not_collide() {
    for name in [
        "pca-iris-3d",
        "pca-iris-flatten",
        "pca-cloud",
        "pca-standardized",
    ] {
        for size in [egui::vec2(1024.0, 700.0), egui::vec2(1600.0, 1000.0)] {
            let mut harness = sized_harness(name, size);
            harness.run_steps(6);
            let labels = harness.state().pca_view().last_frame().story.labels.clone();
            for pc in ["PC1 ", "PC2 "] {
                assert!(
                    labels.iter().any(|(t, _)| t.starts_with(pc)),
                    "{name} {size:?}: {pc} missing from {labels:?}"
                );
            }
            let window = egui::Rect::from_min_size(egui::Pos2::ZERO, size);
            for (k, (ta, a)) in labels.iter().enumerate() {
                assert!(window.contains_rect(*a), "{name}: {ta} at {a:?}");
                for (tb, b) in &labels[k + 1..] {
                    assert!(
                        !a.intersects(*b),
                        "{name} {size:?}: {ta} {a:?} over {tb} {b:?}"
                    );
                }
            }
        }
    }
}

/// A label's text (egui puts it in the value; its text run child, left
/// out, repeats it).
fn text_of(n: &egui_kittest::kittest::AccessKitNode<'_>) -> Option<String> {
    (n.role() == egui::accesskit::Role::Label)
        .then(|| n.label().or_else(|| n.value()))
        .flatten()
}

/// Whether `text` is a loading as the table writes it: "+0.364", "−0.276".
fn is_loading(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(chars.next(), Some('+' | '−'))
        && chars.as_str().len() == 5
        && chars.as_str().chars().nth(1) == Some('.')
}

/// The loadings table pads its cells and right-aligns its numbers (in
/// monospace, with a fixed number of decimals), so decimal points line up
/// down a column and neighbours never touch ("+0.390+0.639",
/// "variance λ1.688").
#[test]
fn the_loadings_table_is_padded_and_aligned() {
    let mut harness = sized_harness("pca-iris-3d", egui::vec2(1280.0, 800.0));
    harness.run_steps(6);
    let cells: Vec<(String, egui::Rect)> = harness
        .query_all_by(|n| text_of(n).is_some_and(|l| is_loading(&l)))
        .map(|n| (text_of(&n.accesskit_node()).unwrap_or_default(), n.rect()))
        .collect();
    assert_eq!(cells.len(), 9, "3 columns × 3 components: {cells:?}");
    // Three columns, each with one right edge.
    let mut rights: Vec<f32> = cells.iter().map(|(_, r)| r.right()).collect();
    rights.sort_by(f32::total_cmp);
    rights.dedup_by(|a, b| (*a - *b).abs() < 0.5);
    assert_eq!(rights.len(), 3, "right edges {rights:?} of {cells:?}");
    // Neighbours in a row stand apart.
    for (ta, a) in &cells {
        for (tb, b) in &cells {
            let same_row = (a.center().y - b.center().y).abs() < 2.0;
            if same_row && b.left() > a.right() - 0.5 {
                assert!(b.left() - a.right() >= 6.0, "{ta} {a:?} touches {tb} {b:?}");
            }
        }
    }
    // λ: aligned with the loadings above it, clear of its row's name.
    let name = harness
        .get_by(|n| text_of(n).is_some_and(|t| t == "variance λ"))
        .rect();
    let lambdas: Vec<egui::Rect> = harness
        .query_all_by(|n| {
            text_of(n).is_some_and(|l| {
                l.contains('.') && l.chars().all(|c| c.is_ascii_digit() || c == '.')
            })
        })
        .map(|n| n.rect())
        .filter(|r| (r.center().y - name.center().y).abs() < 2.0)
        .collect();
    assert_eq!(lambdas.len(), 3, "{lambdas:?}");
    for l in &lambdas {
        assert!(
            l.left() - name.right() >= 6.0,
            "variance λ {name:?} touches {l:?}"
        );
        assert!(
            rights.iter().any(|r| (r - l.right()).abs() < 0.5),
            "λ {l:?} not aligned with {rights:?}"
        );
    }
}

/// A point with no other within 12 points of it among `points`.
fn lone_point(points: &[Option<egui::Pos2>]) -> usize {
    (0..points.len())
        .find(|&i| {
            points[i].is_some_and(|p| {
                points
                    .iter()
                    .enumerate()
                    .all(|(j, q)| j == i || q.is_none_or(|q| q.distance(p) >= 12.0))
            })
        })
        .expect("a point standing alone")
}

/// Hovering a point of the scores scatter rings it in the 3D view, and
/// hovering one in the 3D view rings it in the scatter.
#[test]
fn hovering_a_point_highlights_it_in_the_other_panel() {
    let mut harness = sized_harness("pca-iris-3d", egui::vec2(1280.0, 800.0));
    harness.run_steps(6);
    let view = harness.state().pca_view();
    let n = view.drawn().len();
    let scores: Vec<Option<egui::Pos2>> = (0..n).map(|i| view.screen_of(i)).collect();
    let i = lone_point(&scores);
    harness.hover_at(scores[i].expect("drawn"));
    harness.run_steps(3);
    let view = harness.state().pca_view();
    assert_eq!(view.last_frame().scores_hovered, Some(i));
    assert_eq!(view.linked(), Some(i));
    assert_eq!(view.last_frame().story.marked, Some(i), "ringed in 3D");
    // The table shows the point's scores, in its own row.
    harness.get_by(|n| text_of(n).is_some_and(|t| t == format!("scores of row {i}")));
    // And back: a point of the 3D view.
    let points = view.last_frame().story.points.clone();
    let j = lone_point(&points);
    harness.hover_at(points[j].expect("drawn"));
    harness.run_steps(3);
    let view = harness.state().pca_view();
    assert_eq!(view.last_frame().story.hovered, Some(j));
    assert_eq!(
        view.last_frame().scores_marked,
        Some(j),
        "ringed in the scores"
    );
}
