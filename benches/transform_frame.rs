//! Frame time of the Transform view animating 10,000 data points: one
//! headless egui frame (layout, tessellation input, all shapes), then the same
//! frame rasterized by the wgpu renderer. Prints milliseconds per frame.
//!
//! Run: `WGPU_BACKEND=gl cargo bench --bench transform_frame`

use std::time::Instant;

#[path = "../tests/common/mod.rs"]
mod common;

use eigenlens::app::views::transform::TransformView;
use eigenlens::app::{DatasetHandle, EntryData};
use eigenlens::data::{Dataset, LabelColumn, NumericColumn};
use eigenlens::scene::{TransformAnimation, TransformMode, TransformSettings};

const N: usize = 10_000;

fn dataset() -> Dataset {
    let mut rng = fastrand::Rng::with_seed(7);
    let col = |name: &str, rng: &mut fastrand::Rng| NumericColumn {
        name: name.to_owned(),
        values: (0..N).map(|_| rng.f64() * 4.0 - 2.0).collect(),
    };
    Dataset {
        name: "bench".to_owned(),
        source: None,
        n_rows: N,
        columns: vec![col("a", &mut rng), col("b", &mut rng), col("c", &mut rng)],
        labels: vec![LabelColumn {
            name: "group".to_owned(),
            categories: vec!["p".into(), "q".into(), "r".into()],
            codes: (0..N as u32).map(|i| i % 3).collect(),
        }],
    }
}

fn bench(mode: TransformMode) {
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
    let data = EntryData::Table(DatasetHandle::new(dataset()));
    let mut harness = common::view_harness(
        TransformView::new(settings),
        data,
        egui::vec2(1600.0, 1000.0),
    );
    // Every frame advances the animation a little, as playing does.
    let advance = |harness: &mut egui_kittest::Harness<'_, (TransformView, EntryData)>| {
        let view = &mut harness.state_mut().0;
        view.settings.progress = (view.settings.progress + 0.01) % 1.0;
        harness.step();
    };
    for _ in 0..3 {
        advance(&mut harness);
    }
    let frames = 100;
    let start = Instant::now();
    for _ in 0..frames {
        advance(&mut harness);
    }
    let cpu = start.elapsed().as_secs_f64() * 1000.0 / f64::from(frames);
    // The same frames tessellated into triangles, as eframe does before the GPU.
    let start = Instant::now();
    for _ in 0..frames {
        advance(&mut harness);
        let out = harness.output();
        let _ = harness
            .ctx
            .tessellate(out.shapes.clone(), out.pixels_per_point);
    }
    let tess = start.elapsed().as_secs_f64() * 1000.0 / f64::from(frames);
    let renders = 10;
    let start = Instant::now();
    for _ in 0..renders {
        advance(&mut harness);
        let _ = harness.render();
    }
    let full = start.elapsed().as_secs_f64() * 1000.0 / f64::from(renders);
    println!(
        "transform {mode:?}, {N} points: {cpu:.2} ms per UI frame (egui layout and shapes), {tess:.2} ms with tessellation, {full:.2} ms with llvmpipe (software) rasterization and readback"
    );
}

fn main() {
    bench(TransformMode::Plane);
    bench(TransformMode::Space);
}
