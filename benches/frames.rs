//! One frame harness for every view: each view drawn alone, headless, at
//! 1600 × 1000 points (1 pixel per point, light theme, `WGPU_BACKEND=gl`),
//! through the same `View` contract the window uses; one row per (view,
//! case, points) with the median and 95th percentile of the wall time of a
//! frame — the egui frame (layout, every shape, the view's own rasterizing of
//! large point sets into images, texture uploads) plus its tessellation into
//! triangles, as eframe does before the GPU — and the CPU time per frame of
//! all the process's threads (from `/proc/self/stat`; it does not grow when
//! other processes take the cores). `--paint` adds wgpu painting (llvmpipe
//! here) and readback to each timed frame.
//!
//! Run: `WGPU_BACKEND=gl cargo bench --bench frames` (every view at 10,000,
//! 100,000 and 1,000,000 points); `-- --quick` (10,000 only, 12 frames a
//! case); `-- pca embeddings` (those views only). Prints the machine and its
//! load average before and after: frame figures mean most on an idle machine.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "frames/embeddings.rs"]
mod embeddings;
#[path = "frames/inputs.rs"]
mod inputs;
#[path = "frames/measure.rs"]
mod measure;
#[path = "frames/models.rs"]
mod models;
#[path = "frames/tables.rs"]
mod tables;

use std::time::Instant;

use measure::{Config, Table, load_average};

/// The issue-24 target of a row, in milliseconds of the median frame.
fn target(view: &str, case: &str, points: &str) -> Option<f64> {
    match (view, case, points) {
        ("PCA", "hover", "10,000") => Some(2.0),
        ("PCA", "2D zoom" | "3D turn", "10,000") | ("PCA", "2D zoom", "100,000") => Some(4.0),
        ("PCA", "3D turn", "1,000,000") => Some(12.0),
        ("Embeddings", "2D zoom, names on", p) if p.starts_with("100,000 ") => Some(8.0),
        _ => None,
    }
}

fn main() {
    let cfg = Config::from_args();
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let start = Instant::now();
    let load_start = load_average();
    println!(
        "frames: {cores} cores; load average (1, 5, 15 min) at the start {load_start}; {} timed frames a case after 3 untimed; wall ms: egui frame + tessellation{}",
        cfg.frames(),
        if cfg.paint {
            " + painting (wgpu) and readback"
        } else {
            ""
        }
    );
    let mut table = Table::default();
    tables::run(&cfg, &mut table);
    embeddings::run(&cfg, &mut table);
    models::run(&cfg, &mut table);
    let load_end = load_average();
    println!(
        "\n{cores} cores; load average at the start {load_start}, at the end {load_end}; {:.0} s in all\n",
        start.elapsed().as_secs_f64()
    );
    print!("{}", table.markdown());
}
