//! Frame time of the PCA view (its 3D view and its scores scatter) at 10,000,
//! 100,000 and 1,000,000 points: one headless egui frame (layout, shapes, the
//! points rasterized into a texture when the view changes) plus its
//! tessellation into triangles, as eframe does before handing them to the GPU.
//! Three cases, each the median of its frames:
//!
//! - hover: the pointer moves over the scores scatter, nothing else changes
//!   (the images are reused; the nearest point comes from the grid);
//! - 2D: the scores scatter zooms in or out every frame (its image is redrawn);
//! - 3D: the 3D view's camera turns every frame (its image is redrawn).
//!
//! Run: `WGPU_BACKEND=gl cargo bench --bench scatter_frame` (the points are
//! the generated `builtin:cloud-1m`, or its first rows); `SCATTER_POINTS=100000`
//! runs one size.

use std::fmt::Write as _;
use std::time::Instant;

#[path = "../tests/common/mod.rs"]
mod common;

use eigenlens::app::views::pca::PcaView;
use eigenlens::app::{DatasetHandle, EntryData};
use eigenlens::data::{Dataset, load_builtin};
use eigenlens::scene::PcaSettings;

const FRAMES: usize = 30;

/// The first `n` rows of the generated million-point cloud.
fn cloud(n: usize) -> Dataset {
    let mut ds = load_builtin("cloud-1m").expect("the generated built-in");
    for c in &mut ds.columns {
        c.values.truncate(n);
    }
    for l in &mut ds.labels {
        l.codes.truncate(n);
    }
    ds.n_rows = n;
    ds
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Case {
    Hover,
    Zoom2d,
    Turn3d,
}

/// CPU time of this process so far (user + system, all threads), in ms:
/// unlike wall time, it does not grow when other processes take the cores.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime is the
    // 12th and stime the 13th of them, in clock ticks (100 per second).
    let after = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |k: usize| {
        fields
            .get(k)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) * 10.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn bench(n: usize) {
    let mut view = PcaView::new(PcaSettings::default());
    view.set_blocking(true);
    let data = EntryData::Table(DatasetHandle::new(cloud(n)));
    let mut harness = common::view_harness(view, data, egui::vec2(1600.0, 1000.0));
    // The fit and the first images.
    harness.run_steps(3);
    let mut line = format!("{n:>9} points:");
    for case in [Case::Hover, Case::Zoom2d, Case::Turn3d] {
        let mut times = Vec::with_capacity(FRAMES);
        // The pointer rests over the scores scatter (right half, upper part
        // of the window); in the hover case it moves a little every frame.
        // (Each queued event is a frame of its own: one event a frame.)
        harness.hover_at(egui::pos2(1150.0, 260.0));
        harness.step();
        let cpu_start = cpu_ms();
        for f in 0..FRAMES {
            match case {
                Case::Hover => {
                    let wiggle = if f % 2 == 0 { 0.0 } else { 3.0 };
                    harness.hover_at(egui::pos2(1150.0 + wiggle, 260.0));
                }
                Case::Zoom2d => {
                    let factor = if f % 2 == 0 { 1.02 } else { 1.0 / 1.02 };
                    harness.event(egui::Event::Zoom(factor));
                }
                Case::Turn3d => harness.state_mut().0.settings.camera.yaw += 0.5,
            }
            let start = Instant::now();
            harness.step();
            let out = harness.output();
            let _ = harness
                .ctx
                .tessellate(out.shapes.clone(), out.pixels_per_point);
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        let label = match case {
            Case::Hover => "hover",
            Case::Zoom2d => "2D zoom",
            Case::Turn3d => "3D turn",
        };
        let cpu = (cpu_ms() - cpu_start) / FRAMES as f64;
        let _ = write!(line, "  {label} {:6.2} ms (cpu {cpu:5.1})", median(times));
    }
    println!("{line}");
}

fn main() {
    println!(
        "PCA view, 1600 × 1000 points at 1 pixel per point: median wall ms per frame (egui frame + tessellation), {FRAMES} frames each; cpu: mean CPU ms per frame, all threads"
    );
    // SCATTER_POINTS=100000 (comma-separated) runs only those sizes.
    let sizes: Vec<usize> = std::env::var("SCATTER_POINTS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .filter(|v: &Vec<usize>| !v.is_empty())
        .unwrap_or_else(|| vec![10_000, 100_000, 1_000_000]);
    for n in sizes {
        bench(n);
    }
}
