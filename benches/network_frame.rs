//! Frame time of the Network view while it trains a network of two hidden
//! layers of 8 units on 1,000 points (two spirals): each measured frame
//! takes a new epoch's network from the training thread and recomputes the
//! decision heatmap (96 × 96 cells), every unit's thumbnail and the traces,
//! then lays out and tessellates the view. Also the layer flow while it
//! plays. Prints the median and 95th percentile in milliseconds.
//!
//! Run: `WGPU_BACKEND=gl cargo bench --bench network_frame`

use std::time::{Duration, Instant};

#[path = "../tests/common/mod.rs"]
mod common;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use eigenlens::app::views::network::NetworkView;
use eigenlens::app::{DatasetHandle, EntryData};
use eigenlens::scene::{NetworkPanel, NetworkSettings};

fn percentiles(mut ms: Vec<f64>) -> (f64, f64) {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.95))
}

fn frame(harness: &mut Harness<'_, (NetworkView, EntryData)>, tessellate: bool) -> f64 {
    let start = Instant::now();
    harness.step();
    if tessellate {
        let out = harness.output();
        let _ = harness
            .ctx
            .tessellate(out.shapes.clone(), out.pixels_per_point);
    }
    start.elapsed().as_secs_f64() * 1000.0
}

fn bench(panel: NetworkPanel) {
    let settings = NetworkSettings {
        layers: vec![8, 8],
        learning_rate: 0.01,
        epochs: 100_000,
        panel,
        ..NetworkSettings::default()
    };
    let spiral = eigenlens::data::load_builtin("spiral").expect("spiral");
    assert_eq!(spiral.n_rows, 1000);
    let data = EntryData::Table(DatasetHandle::new(spiral));
    let mut harness =
        common::view_harness(NetworkView::new(settings), data, egui::vec2(1600.0, 1000.0));
    harness.run_steps(2);
    harness.get_by_label("▶ Train").click();
    let mut ui_ms = Vec::new();
    let mut tess_ms = Vec::new();
    for k in 0..240 {
        // Leave the training thread time for a new epoch, as a 60 Hz
        // display does between frames.
        std::thread::sleep(Duration::from_millis(12));
        if panel == NetworkPanel::Flow {
            let v = &mut harness.state_mut().0;
            v.settings.progress = (v.settings.progress + 0.01) % 1.0;
        }
        if k % 2 == 0 {
            ui_ms.push(frame(&mut harness, false));
        } else {
            tess_ms.push(frame(&mut harness, true));
        }
    }
    let epochs = harness.state().0.epochs_done();
    let (ui50, ui95) = percentiles(ui_ms);
    let (t50, t95) = percentiles(tess_ms);
    println!(
        "network {panel:?}, 1,000 points, 2×8 tanh, training ({epochs} epochs in the run): UI frame {ui50:.2} ms median / {ui95:.2} ms p95; with tessellation {t50:.2} / {t95:.2} ms"
    );
}

fn main() {
    bench(NetworkPanel::Diagram);
    bench(NetworkPanel::Flow);
}
