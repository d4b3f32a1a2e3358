//! The views of a model: Factorize (trained on `builtin:movie-night` and on a
//! generated 2,000 × 1,000 matrix: heatmap hover and zoom, plane hover),
//! Network (training live on 1,000 points, 2 × 8; the layer flow playing),
//! Regression (hover, the descent playing; on `builtin:people` and on the
//! cloud's rows) and Image (the rank slider dragged).

use std::time::Duration;

use egui::pos2;
use egui_kittest::kittest::Queryable;
use eigenlens::app::views::factorize::FactorizeView;
use eigenlens::app::views::image::ImageView;
use eigenlens::app::views::network::NetworkView;
use eigenlens::app::views::regress::RegressView;
use eigenlens::app::{DatasetHandle, EntryData, RatingsHandle};
use eigenlens::data::{load_builtin, load_builtin_ratings};
use eigenlens::scene::{
    FactorizeSettings, ImageChannels, ImageSettings, NetworkPanel, NetworkSettings, RegressPanel,
    RegressSettings,
};

use crate::inputs::{cloud, ratings};
use crate::measure::{Config, SIZE, Table, count, measure, settled};
use crate::tables::wiggle;

/// Every case of the four views.
pub fn run(cfg: &Config, table: &mut Table) {
    if cfg.wants("factorize") {
        factorize(cfg, table);
    }
    if cfg.wants("network") {
        network(cfg, table, NetworkPanel::Diagram, "training (diagram)");
        network(
            cfg,
            table,
            NetworkPanel::Flow,
            "training, layer flow playing",
        );
    }
    if cfg.wants("regression") {
        let people = load_builtin("people").expect("people");
        let n = people.n_rows;
        regression(cfg, table, people, &count(n));
        for &n in &cfg.sizes() {
            regression(cfg, table, cloud(n), &count(n));
        }
    }
    if cfg.wants("image") {
        image(cfg, table, ImageChannels::Gray, "rank drag (gray)");
        image(cfg, table, ImageChannels::Rgb, "rank drag (RGB)");
    }
}

fn factorize(cfg: &Config, table: &mut Table) {
    let movie_night = load_builtin_ratings("movie-night").expect("movie-night");
    let generated = ratings(2000, 1000, 0.05);
    for (r, rank, epochs, user, item) in [
        (movie_night, 2, 25, "u003", "1"),
        (generated, 8, 10, "u3", "m1"),
    ] {
        let points = format!(
            "{} × {}, {} ratings",
            count(r.n_users()),
            count(r.n_items()),
            count(r.entries.len())
        );
        let settings = FactorizeSettings {
            rank,
            epochs,
            epoch: epochs,
            seed: 7,
            user: Some(user.to_owned()),
            item: Some(item.to_owned()),
            ..FactorizeSettings::default()
        };
        let data = EntryData::Ratings(RatingsHandle::new(r));
        let mut h = settled(FactorizeView::new(settings), data);
        assert_eq!(h.state().0.epochs_done(), epochs, "the model is trained");
        // The ratings heatmap (left), then the plane of the factors (right).
        let heatmap = pos2(150.0, 500.0);
        let s = measure(&mut h, cfg, |h, f| h.hover_at(wiggle(heatmap, f)));
        table.add("Factorize", "heatmap hover", &points, s);
        // Fifteen frames zooming in by 10% each, fifteen out: the window of
        // rows and columns shown changes every frame.
        let s = measure(&mut h, cfg, |h, f| {
            h.hover_at(heatmap);
            h.event(egui::Event::Zoom(if (f / 15) % 2 == 0 {
                1.1
            } else {
                1.0 / 1.1
            }));
        });
        table.add("Factorize", "heatmap zoom", &points, s);
        let plane = pos2(1150.0, 345.0);
        let s = measure(&mut h, cfg, |h, f| h.hover_at(wiggle(plane, f)));
        table.add("Factorize", "plane hover", &points, s);
    }
}

fn network(cfg: &Config, table: &mut Table, panel: NetworkPanel, case: &str) {
    let settings = NetworkSettings {
        layers: vec![8, 8],
        learning_rate: 0.01,
        epochs: 100_000,
        panel,
        ..NetworkSettings::default()
    };
    let spiral = load_builtin("spiral").expect("spiral");
    let points = count(spiral.n_rows);
    let data = EntryData::Table(DatasetHandle::new(spiral));
    // Not blocking: the network trains on its background thread, as in the app.
    let mut h = crate::common::view_harness(NetworkView::new(settings), data, SIZE);
    h.run_steps(2);
    h.get_by_label("▶ Train").click();
    let s = measure(&mut h, cfg, |h, _| {
        // Leave the training thread time for a new epoch, as a 60 Hz
        // display does between frames (not timed).
        std::thread::sleep(Duration::from_millis(12));
        if panel == NetworkPanel::Flow {
            let v = &mut h.state_mut().0;
            v.settings.progress = (v.settings.progress + 0.01) % 1.0;
        }
    });
    assert!(h.state().0.epochs_done() > 0, "the network trains");
    table.add("Network", case, &points, s);
}

fn regression(cfg: &Config, table: &mut Table, ds: eigenlens::data::Dataset, points: &str) {
    let settings = RegressSettings {
        panel: RegressPanel::Descent,
        centre: true,
        steps: 500,
        ..RegressSettings::default()
    };
    let data = EntryData::Table(DatasetHandle::new(ds));
    let mut h = settled(RegressView::new(settings), data);
    let at = pos2(345.0, 460.0);
    let s = measure(&mut h, cfg, |h, f| h.hover_at(wiggle(at, f)));
    table.add("Regression", "data hover", points, s);
    let s = measure(&mut h, cfg, |h, _| {
        let v = &mut h.state_mut().0;
        v.settings.progress = (v.settings.progress + 0.01) % 1.0;
    });
    table.add("Regression", "descent play", points, s);
}

fn image(cfg: &Config, table: &mut Table, channels: ImageChannels, case: &str) {
    let settings = ImageSettings {
        channels,
        ..ImageSettings::default()
    };
    // The view ignores the dataset; any table will do.
    let iris = load_builtin("iris").expect("iris");
    let mut h = settled(
        ImageView::new(settings),
        EntryData::Table(DatasetHandle::new(iris)),
    );
    let side = h
        .state()
        .0
        .picture()
        .map(|p| format!("{} × {} px", p.width, p.height));
    // The slider dragged: a new rank every frame, 1 to 100 and back.
    let s = measure(&mut h, cfg, |h, f| {
        let k = 1 + (f * 7) % 100;
        h.state_mut().0.settings.rank = k;
    });
    table.add("Image", case, &side.unwrap_or_default(), s);
}
