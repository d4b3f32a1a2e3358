//! Frame time of the Embeddings view with 100,000 points of 384 dimensions
//! (the Embedding Projector's browser limit, at the width of all-MiniLM-L6-v2):
//! one headless egui frame (layout and every shape: points, names placed
//! greedily, the selection's neighbour lines), the same tessellated, and the
//! same while the 2D plot zooms or the 3D view turns every frame, and the
//! same rasterized by the wgpu renderer; in 2D and in 3D, a point selected,
//! names on and off. Above 50,000 points the points are one image, redrawn
//! only when the view moves. Prints milliseconds per frame. The index and the PCA are built
//! once before timing (the app does that on a background thread).
//!
//! Run: `WGPU_BACKEND=gl cargo bench --bench embeddings_frame`
//! (or `... -- 20000` for another number of points).

use std::time::Instant;

use egui_kittest::Harness;
use eigenlens::app::views::embeddings::EmbeddingsView;
use eigenlens::app::{DatasetHandle, style};
use eigenlens::data::{Dataset, LabelColumn, NumericColumn, dim_name};
use eigenlens::scene::{EmbeddingsMode, EmbeddingsSettings, Theme};

const D: usize = 384;
const GROUPS: usize = 12;

/// Seeded clustered vectors: 12 groups, each a random centre plus noise.
fn dataset(n: usize) -> Dataset {
    let mut rng = fastrand::Rng::with_seed(7);
    let centres: Vec<f64> = (0..GROUPS * D).map(|_| rng.f64() * 2.0 - 1.0).collect();
    let group: Vec<u32> = (0..n).map(|_| rng.u32(0..GROUPS as u32)).collect();
    let columns = (0..D)
        .map(|j| NumericColumn {
            name: dim_name(j),
            values: group
                .iter()
                .map(|&g| centres[g as usize * D + j] + (rng.f64() - 0.5) * 1.5)
                .collect(),
        })
        .collect();
    Dataset {
        name: "bench".to_owned(),
        source: None,
        n_rows: n,
        columns,
        labels: vec![
            LabelColumn {
                name: "word".to_owned(),
                categories: (0..n).map(|i| format!("word{i}")).collect(),
                codes: (0..n as u32).collect(),
            },
            LabelColumn {
                name: "group".to_owned(),
                categories: (0..GROUPS).map(|g| format!("group {g}")).collect(),
                codes: group,
            },
        ],
    }
}

struct State {
    view: EmbeddingsView,
    data: DatasetHandle,
}

fn bench(data: &DatasetHandle, mode: EmbeddingsMode, labels: bool) {
    let n = data.data.n_rows;
    let settings = EmbeddingsSettings {
        mode,
        labels,
        selected: Some("word17".to_owned()),
        ..EmbeddingsSettings::default()
    };
    let mut view = EmbeddingsView::new(settings);
    view.set_blocking(true);
    let state = State {
        view,
        data: data.clone(),
    };
    let start = Instant::now();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .with_context_setup(|ctx| style::setup(ctx, Theme::Light))
        .wgpu()
        .build_ui_state(
            |ui, s: &mut State| {
                egui::CentralPanel::default().show(ui, |ui| {
                    s.view.ui(ui, &s.data);
                });
            },
            state,
        );
    harness.run_steps(3);
    let setup = start.elapsed().as_secs_f64();
    let view = &harness.state().view;
    assert!(
        view.is_ready() && view.neighbors().len() == 10,
        "the view is not showing the points: {:?}",
        view.note()
    );
    let frames = 20;
    let start = Instant::now();
    for _ in 0..frames {
        harness.step();
    }
    let cpu = start.elapsed().as_secs_f64() * 1000.0 / f64::from(frames);
    let start = Instant::now();
    for _ in 0..frames {
        harness.step();
        let out = harness.output();
        let _ = harness
            .ctx
            .tessellate(out.shapes.clone(), out.pixels_per_point);
    }
    let tess = start.elapsed().as_secs_f64() * 1000.0 / f64::from(frames);
    // Moving: the 2D plot zooms in and out every frame under the pointer, the
    // 3D view turns; the picture of the points is redrawn each time.
    harness.hover_at(egui::pos2(500.0, 450.0));
    harness.step();
    let start = Instant::now();
    for f in 0..frames {
        match mode {
            EmbeddingsMode::Plane => {
                let factor = if f % 2 == 0 { 1.02 } else { 1.0 / 1.02 };
                harness.event(egui::Event::Zoom(factor));
            }
            EmbeddingsMode::Space => harness.state_mut().view.settings.camera.yaw += 0.5,
        }
        harness.step();
        let out = harness.output();
        let _ = harness
            .ctx
            .tessellate(out.shapes.clone(), out.pixels_per_point);
    }
    let moving = start.elapsed().as_secs_f64() * 1000.0 / f64::from(frames);
    let renders = 5;
    let start = Instant::now();
    for _ in 0..renders {
        harness.step();
        let _ = harness.render();
    }
    let full = start.elapsed().as_secs_f64() * 1000.0 / f64::from(renders);
    println!(
        "embeddings {mode:?}{}, {n} × {D}: {cpu:.1} ms per UI frame (egui layout and shapes), {tess:.1} ms with tessellation, {moving:.1} ms {} (with tessellation), {full:.1} ms with llvmpipe (software) rasterization and readback; first frames (index + PCA, blocking) {setup:.1} s",
        if labels { "" } else { " (names off)" },
        if mode == EmbeddingsMode::Plane {
            "zooming"
        } else {
            "turning"
        }
    );
}

fn main() {
    let n = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let data = DatasetHandle::new(dataset(n));
    bench(&data, EmbeddingsMode::Plane, true);
    bench(&data, EmbeddingsMode::Plane, false);
    bench(&data, EmbeddingsMode::Space, true);
    bench(&data, EmbeddingsMode::Space, false);
}
