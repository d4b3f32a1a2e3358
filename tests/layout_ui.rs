//! Nothing clipped: every shipped scene, opened in the window at the
//! smallest supported size (1024 × 700) and at 1600 × 1000, lays out every
//! widget that shows text inside the window and inside its panel — long
//! text wraps or is shortened, side columns scroll.

mod common;

use common::{app_harness_sized, app_on_scene, repo};
use egui::accesskit::Role;
use egui::{Rect, Vec2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable, by};
use eigenlens::app::EigenApp;
use eigenlens::scene::Theme;

/// How far (points) a widget may stick out before it counts as clipped:
/// anti-aliasing and rounding of wrapped text.
const SLACK: f32 = 1.5;

/// Every shipped scene's name (assets/scenes/*.toml), sorted.
fn scenes() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo().join("assets/scenes"))
        .expect("assets/scenes")
        .filter_map(|e| {
            let p = e.ok()?.path();
            let stem = p.file_stem()?.to_string_lossy().into_owned();
            (p.extension()? == "toml").then_some(stem)
        })
        .collect();
    names.sort();
    names
}

/// Runs the window until background work has had time to finish and the
/// plots have settled.
fn settle(harness: &mut Harness<'_, EigenApp>) {
    for _ in 0..40 {
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(15));
    }
    harness.run_steps(4);
}

/// What is clipped in the window as it stands: one line per widget.
fn clipped(harness: &Harness<'_, EigenApp>, size: Vec2) -> Vec<String> {
    let window = Rect::from_min_size(egui::Pos2::ZERO, size);
    let widgets: std::collections::HashMap<u64, (Rect, Rect)> = harness.ctx.viewport(|vp| {
        vp.prev_pass
            .widgets
            .layers()
            .flat_map(|(_, ws)| ws.iter().map(|w| (w.id.value(), (w.rect, w.interact_rect))))
            .collect()
    });
    let mut found = Vec::new();
    for node in harness.query_all(by().predicate(|n| n.bounding_box().is_some())) {
        let ak = node.accesskit_node();
        if matches!(
            ak.role(),
            Role::Window | Role::GenericContainer | Role::ScrollView | Role::Pane | Role::Unknown
        ) {
            continue;
        }
        let text = ak.label().or_else(|| ak.value()).unwrap_or_default();
        if text.trim().is_empty() {
            continue;
        }
        let r = node.rect();
        if !r.is_finite() || r.width() <= 0.0 {
            continue;
        }
        // Scrolled out of sight in a vertical scroll area: not clipped.
        if r.min.y >= window.max.y || r.max.y <= window.min.y {
            continue;
        }
        if in_scroll_area(&ak, &widgets) {
            continue;
        }
        let what = format!("{:?} {:?} at {r:?}", ak.role(), shorten(&text));
        if r.max.x > window.max.x + SLACK || r.min.x < window.min.x - SLACK {
            found.push(format!("{what}: runs past the window's side"));
            continue;
        }
        if let Some((full, shown)) = widgets.get(&ak.locate().0.0)
            && shown.width() > 0.0
            && shown.width() + SLACK < full.width()
        {
            found.push(format!(
                "{what}: cut by its panel ({:.0} of {:.0} points wide shown)",
                shown.width(),
                full.width()
            ));
        }
    }
    found
}

/// Whether the widget is content of a scroll area (scrolled, or to be
/// scrolled, into view): an enclosing `Ui` shown only in part (its clip
/// smaller than its rect) inside one shown whole. Content that overflows
/// its panel instead clips every enclosing `Ui` up to the panel.
fn in_scroll_area(
    node: &egui_kittest::kittest::AccessKitNode<'_>,
    widgets: &std::collections::HashMap<u64, (Rect, Rect)>,
) -> bool {
    let clipped = |(full, shown): &(Rect, Rect)| shown.width() + SLACK < full.width();
    let mut at = node.parent();
    while let Some(p) = at {
        let parent = p.parent();
        if let Some(w) = widgets.get(&p.locate().0.0)
            && clipped(w)
            && let Some(pp) = &parent
            && let Some(pw) = widgets.get(&pp.locate().0.0)
            && !clipped(pw)
            && pp.role() == Role::GenericContainer
        {
            return true;
        }
        at = parent;
    }
    false
}

fn shorten(text: &str) -> String {
    let t: String = text.chars().take(60).collect();
    if t.len() < text.len() {
        format!("{t}…")
    } else {
        t
    }
}

fn check_all(size: Vec2, theme: Theme) {
    let mut failures = Vec::new();
    for name in scenes() {
        let mut harness = app_harness_sized(app_on_scene(&name), size, theme);
        settle(&mut harness);
        for line in clipped(&harness, size) {
            failures.push(format!("{name} at {}×{}: {line}", size.x, size.y));
        }
    }
    assert!(
        failures.is_empty(),
        "{} clipped widgets:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_scene_fits_1024_by_700() {
    check_all(vec2(1024.0, 700.0), Theme::Light);
}

#[test]
fn every_scene_fits_1600_by_1000() {
    check_all(vec2(1600.0, 1000.0), Theme::Dark);
}
