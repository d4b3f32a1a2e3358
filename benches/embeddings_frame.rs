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

#[path = "../tests/common/mod.rs"]
mod common;

use eigenlens::app::views::embeddings::EmbeddingsView;
use eigenlens::app::{DatasetHandle, EntryData};
use eigenlens::data::{Dataset, LabelColumn, NumericColumn, dim_name};
use eigenlens::scene::{EmbeddingsMode, EmbeddingsSettings};

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
    let start = Instant::now();
    let mut harness = common::view_harness(
        view,
        EntryData::Table(data.clone()),
        egui::vec2(1600.0, 1000.0),
    );
    harness.run_steps(3);
    let setup = start.elapsed().as_secs_f64();
    let view = &harness.state().0;
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
            EmbeddingsMode::Space => harness.state_mut().0.settings.camera.yaw += 0.5,
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
