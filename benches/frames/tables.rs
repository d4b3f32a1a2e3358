//! The views of a table of points, at 10,000 / 100,000 / 1,000,000 rows of
//! `builtin:cloud-1m`: Data (table scrolling, scatter hover, zoom and pan),
//! Transform (2D and 3D animation playing, 3D turn) and PCA (hover, 2D zoom
//! and pan, 3D turn, the story playing).

use egui::{Event, Modifiers, MouseWheelSource, MouseWheelUnit, TouchPhase, pos2, vec2};
use egui_kittest::Harness;
use eigenlens::app::views::data::DataView;
use eigenlens::app::views::pca::PcaView;
use eigenlens::app::views::transform::TransformView;
use eigenlens::app::{DatasetHandle, EntryData};
use eigenlens::scene::{
    DataPanel, DataSettings, PcaSettings, TransformAnimation, TransformMode, TransformSettings,
};

use crate::inputs::cloud;
use crate::measure::{Config, Stats, Table, count, measure, settled};

/// Zoom in on even frames, out on odd ones: the view stays near where it was.
pub fn zoom(f: usize) -> Event {
    Event::Zoom(if f.is_multiple_of(2) {
        1.02
    } else {
        1.0 / 1.02
    })
}

/// `base` on even frames, 3 points to the right on odd ones.
pub fn wiggle(base: egui::Pos2, f: usize) -> egui::Pos2 {
    if f.is_multiple_of(2) {
        base
    } else {
        base + vec2(3.0, 0.0)
    }
}

/// Drags from `at` back and forth, 4 points a frame (the press on the first
/// frame, which is untimed), then lets go: the plot pans every frame.
pub fn pan<S>(h: &mut Harness<'_, S>, cfg: &Config, at: egui::Pos2) -> Stats {
    let s = measure(h, cfg, |h, f| {
        if f == 0 {
            h.drag_at(at);
        } else {
            let back_and_forth = (f % 20).abs_diff(10) as f32;
            h.hover_at(at + vec2(4.0 * back_and_forth, 0.0));
        }
    });
    h.drop_at(at);
    h.step();
    s
}

/// One notch of a mouse wheel scrolling the content up (reading down).
fn wheel_down() -> Event {
    Event::MouseWheel {
        unit: MouseWheelUnit::Point,
        delta: vec2(0.0, -120.0),
        phase: TouchPhase::Move,
        source: MouseWheelSource::Unknown,
        modifiers: Modifiers::NONE,
    }
}

/// Every case of the three views at every size.
pub fn run(cfg: &Config, table: &mut Table) {
    for &n in &cfg.sizes() {
        let wants = ["data", "transform", "pca"].map(|v| cfg.wants(v));
        if !wants.iter().any(|w| *w) {
            return;
        }
        let data = EntryData::Table(DatasetHandle::new(cloud(n)));
        let points = count(n);
        if wants[0] {
            data_view(cfg, table, &data, &points);
        }
        if wants[1] {
            transform(cfg, table, &data, &points);
        }
        if wants[2] {
            pca(cfg, table, &data, &points);
        }
    }
}

fn data_view(cfg: &Config, table: &mut Table, data: &EntryData, points: &str) {
    let settings = DataSettings {
        panel: DataPanel::Table,
        ..DataSettings::default()
    };
    let mut h = settled(DataView::new(settings), data.clone());
    h.hover_at(pos2(200.0, 500.0));
    let s = measure(&mut h, cfg, |h, _| h.event(wheel_down()));
    table.add("Data", "table scroll", points, s);

    let mut h = settled(DataView::new(DataSettings::default()), data.clone());
    let at = pos2(800.0, 500.0);
    let s = measure(&mut h, cfg, |h, f| h.hover_at(wiggle(at, f)));
    table.add("Data", "scatter hover", points, s);
    let s = measure(&mut h, cfg, |h, f| h.event(zoom(f)));
    table.add("Data", "scatter zoom", points, s);
    let s = pan(&mut h, cfg, at);
    table.add("Data", "scatter pan", points, s);
}

fn transform(cfg: &Config, table: &mut Table, data: &EntryData, points: &str) {
    for mode in [TransformMode::Plane, TransformMode::Space] {
        let settings = TransformSettings {
            mode,
            matrix: match mode {
                TransformMode::Plane => vec![vec![1.2, 0.6], vec![-0.4, 0.9]],
                TransformMode::Space => vec![
                    vec![1.2, 0.3, 0.0],
                    vec![0.1, 0.9, 0.4],
                    vec![0.0, 0.2, 1.1],
                ],
            },
            progress: 0.0,
            animation: TransformAnimation::Polar,
            show_data: true,
            ..TransformSettings::default()
        };
        let mut h = settled(TransformView::new(settings), data.clone());
        // Playing: every frame advances the animation a little.
        let s = measure(&mut h, cfg, |h, _| {
            let v = &mut h.state_mut().0;
            v.settings.progress = (v.settings.progress + 0.01) % 1.0;
        });
        let (play, dims) = match mode {
            TransformMode::Plane => ("2D play", "2D"),
            TransformMode::Space => ("3D play", "3D"),
        };
        table.add("Transform", play, points, s);
        if dims == "3D" {
            let s = measure(&mut h, cfg, |h, _| {
                h.state_mut().0.settings.camera.yaw += 0.5;
            });
            table.add("Transform", "3D turn", points, s);
        }
    }
}

fn pca(cfg: &Config, table: &mut Table, data: &EntryData, points: &str) {
    let mut h = settled(PcaView::new(PcaSettings::default()), data.clone());
    // The pointer rests over the scores scatter (right half, upper part).
    let at = pos2(1150.0, 260.0);
    h.hover_at(at);
    let s = measure(&mut h, cfg, |h, f| h.hover_at(wiggle(at, f)));
    table.add("PCA", "hover", points, s);
    let s = measure(&mut h, cfg, |h, f| h.event(zoom(f)));
    table.add("PCA", "2D zoom", points, s);
    let s = pan(&mut h, cfg, at);
    table.add("PCA", "2D pan", points, s);
    let s = measure(&mut h, cfg, |h, _| {
        h.state_mut().0.settings.camera.yaw += 0.5;
    });
    table.add("PCA", "3D turn", points, s);
    // The story playing: centre and rotate, project, face the viewer.
    let s = measure(&mut h, cfg, |h, _| {
        let v = &mut h.state_mut().0;
        v.settings.progress = (v.settings.progress + 0.01) % 1.0;
    });
    table.add("PCA", "story play", points, s);
}
