//! The Embeddings view: seeded clustered vectors, 10,000 and 100,000 of 384
//! dimensions (the width of all-MiniLM-L6-v2) and 1,000,000 of 64 (384 would
//! be 3 GB of f64 columns and 1.5 GB of f32 index), a point selected with its
//! 10 neighbours: hover, 2D zoom with names on and off, 3D turn.

use egui::pos2;
use eigenlens::app::views::embeddings::EmbeddingsView;
use eigenlens::app::{DatasetHandle, EntryData};
use eigenlens::scene::{EmbeddingsMode, EmbeddingsSettings};

use crate::inputs::vectors;
use crate::measure::{Config, Table, count, measure, settled};
use crate::tables::{wiggle, zoom};

/// Dimensions of `n` vectors: 384, or 64 from a million on.
fn dims(n: usize) -> usize {
    if n >= 1_000_000 { 64 } else { 384 }
}

/// Every case at every size.
pub fn run(cfg: &Config, table: &mut Table) {
    if !cfg.wants("embeddings") {
        return;
    }
    for &n in &cfg.sizes() {
        let d = dims(n);
        let points = format!("{} × {d}", count(n));
        let settings = EmbeddingsSettings {
            mode: EmbeddingsMode::Plane,
            labels: true,
            selected: Some("word17".to_owned()),
            ..EmbeddingsSettings::default()
        };
        let data = EntryData::Table(DatasetHandle::new(vectors(n, d)));
        let mut h = settled(EmbeddingsView::new(settings), data);
        let view = &h.state().0;
        assert!(
            view.is_ready() && view.neighbors().len() == 10,
            "the view is not showing the points: {:?}",
            view.note()
        );
        let at = pos2(500.0, 450.0);
        h.hover_at(at);
        let s = measure(&mut h, cfg, |h, f| h.hover_at(wiggle(at, f)));
        table.add("Embeddings", "hover, names on", &points, s);
        let s = measure(&mut h, cfg, |h, f| h.event(zoom(f)));
        table.add("Embeddings", "2D zoom, names on", &points, s);
        h.state_mut().0.settings.labels = false;
        let s = measure(&mut h, cfg, |h, f| h.event(zoom(f)));
        table.add("Embeddings", "2D zoom, names off", &points, s);
        h.state_mut().0.settings.labels = true;
        h.state_mut().0.settings.mode = EmbeddingsMode::Space;
        let s = measure(&mut h, cfg, |h, _| {
            h.state_mut().0.settings.camera.yaw += 0.5;
        });
        table.add("Embeddings", "3D turn, names on", &points, s);
    }
}
