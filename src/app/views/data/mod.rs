//! The Data view: the dataset as a table of row vectors, per-column
//! statistics, the covariance and correlation matrices, and a scatter plot of
//! two columns coloured by a label.

mod scatter;
mod view_impl;

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

use crate::app::DatasetHandle;
use crate::app::style::{fmt_count, fmt_num};
use crate::app::views::RasterScatter;
use crate::app::widgets::Heatmap;
use crate::math::stats::{ColumnStats, Covariance, column_stats, covariance};
use crate::scene::{DataPanel, DataSettings};

/// Matrices are computed and drawn for at most this many columns.
const MAX_MATRIX_COLUMNS: usize = 60;

/// What the view computed for one dataset; recomputed only when the dataset changes.
struct Cache {
    dataset_id: u64,
    stats: Vec<ColumnStats>,
    cov: Covariance,
}

/// The Data view's state: its scene settings plus caches.
#[derive(Default)]
pub struct DataView {
    pub settings: DataSettings,
    cache: Option<Cache>,
    /// The scatter as one image, above RASTER_POINTS points (boxed: the view
    /// is moved around by value).
    scatter_raster: Box<RasterScatter>,
}

impl DataView {
    /// A view showing `settings`.
    #[must_use]
    pub fn new(settings: DataSettings) -> Self {
        Self {
            settings,
            cache: None,
            scatter_raster: Box::default(),
        }
    }

    /// Makes the settings fit `ds`: unknown columns fall back to the defaults.
    pub fn adapt_to(&mut self, ds: &crate::data::Dataset) {
        let s = &mut self.settings;
        if s.x.as_deref().is_some_and(|x| ds.column(x).is_none()) {
            s.x = None;
        }
        if s.y.as_deref().is_some_and(|y| ds.column(y).is_none()) {
            s.y = None;
        }
        if s.color
            .as_deref()
            .is_some_and(|c| !c.is_empty() && ds.label(c).is_none())
        {
            s.color = None;
        }
    }

    fn cache(&mut self, handle: &DatasetHandle) -> &Cache {
        if self
            .cache
            .as_ref()
            .is_some_and(|c| c.dataset_id != handle.id)
        {
            self.cache = None;
        }
        self.cache.get_or_insert_with(|| Cache::compute(handle))
    }

    /// Draws the view for `handle`'s dataset.
    pub fn ui(&mut self, ui: &mut Ui, handle: &DatasetHandle) {
        let ds = &handle.data;
        ui.horizontal(|ui| {
            ui.heading(&ds.name);
            ui.label(
                RichText::new(format!(
                    "{} rows × {} numeric columns{}",
                    fmt_count(ds.n_rows),
                    ds.columns.len(),
                    match ds.labels.len() {
                        0 => String::new(),
                        1 => " + 1 label column".to_owned(),
                        k => format!(" + {k} label columns"),
                    }
                ))
                .weak(),
            );
        });
        if super::controls_shown(ui) {
            ui.horizontal(|ui| {
                for panel in DataPanel::ALL {
                    ui.selectable_value(&mut self.settings.panel, panel, panel.title());
                }
            });
        }
        ui.separator();
        match self.settings.panel {
            DataPanel::Table => table_ui(ui, ds),
            DataPanel::Statistics => {
                let cache = self.cache(handle);
                stats_ui(ui, ds, &cache.stats);
            }
            DataPanel::Matrices => {
                let cache = self.cache(handle);
                matrices_ui(ui, ds, &cache.cov);
            }
            DataPanel::Scatter => {
                scatter::scatter_ui(ui, handle, &mut self.settings, &self.scatter_raster);
            }
        }
    }
}

impl Cache {
    fn compute(handle: &DatasetHandle) -> Self {
        let ds = &handle.data;
        let cols: Vec<&[f64]> = ds
            .columns
            .iter()
            .take(MAX_MATRIX_COLUMNS)
            .map(|c| c.values.as_slice())
            .collect();
        Self {
            dataset_id: handle.id,
            stats: ds.columns.iter().map(|c| column_stats(&c.values)).collect(),
            cov: covariance(&cols),
        }
    }
}

/// Every row, virtualized: only the visible rows are laid out, so a million rows scroll smoothly.
fn table_ui(ui: &mut Ui, ds: &crate::data::Dataset) {
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    let weak = ui.visuals().weak_text_color();
    egui::ScrollArea::horizontal().show(ui, |ui| {
        TableBuilder::new(ui)
            .striped(true)
            .resizable(true)
            .column(Column::auto().at_least(48.0))
            .columns(
                Column::auto().at_least(80.0),
                ds.columns.len() + ds.labels.len(),
            )
            .header(row_height + 4.0, |mut header| {
                header.col(|ui| {
                    ui.label(RichText::new("row").weak());
                });
                for c in &ds.columns {
                    header.col(|ui| {
                        ui.strong(&c.name);
                    });
                }
                for l in &ds.labels {
                    header.col(|ui| {
                        ui.label(RichText::new(&l.name).strong().italics());
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, ds.n_rows, |mut row| {
                    let i = row.index();
                    row.col(|ui| {
                        ui.label(RichText::new(i.to_string()).color(weak));
                    });
                    for c in &ds.columns {
                        row.col(|ui| {
                            let v = c.values.get(i).copied().unwrap_or(f64::NAN);
                            if v.is_nan() {
                                ui.label(RichText::new("—").color(weak))
                                    .on_hover_text("missing");
                            } else {
                                ui.with_layout(
                                    egui::Layout::right_to_left(egui::Align::Center),
                                    |ui| {
                                        ui.monospace(fmt_num(v, 6));
                                    },
                                );
                            }
                        });
                    }
                    for l in &ds.labels {
                        row.col(|ui| {
                            ui.label(l.get(i));
                        });
                    }
                });
            });
    });
}

fn stats_ui(ui: &mut Ui, ds: &crate::data::Dataset, stats: &[ColumnStats]) {
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    let headers = ["column", "count", "missing", "mean", "std", "min", "max"];
    TableBuilder::new(ui)
        .id_salt("stats")
        .striped(true)
        .column(Column::auto().at_least(140.0))
        .columns(Column::auto().at_least(80.0), headers.len() - 1)
        .header(row_height, |mut header| {
            for h in headers {
                header.col(|ui| {
                    ui.strong(h);
                });
            }
        })
        .body(|body| {
            body.rows(row_height, stats.len(), |mut row| {
                let i = row.index();
                let (Some(c), Some(s)) = (ds.columns.get(i), stats.get(i)) else {
                    return;
                };
                row.col(|ui| {
                    ui.label(&c.name);
                });
                let cells = [
                    s.count.to_string(),
                    s.missing.to_string(),
                    fmt_num(s.mean, 4),
                    fmt_num(s.std, 4),
                    fmt_num(s.min, 4),
                    fmt_num(s.max, 4),
                ];
                for (k, text) in cells.into_iter().enumerate() {
                    row.col(|ui| {
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            let missing = k == 1 && s.missing > 0;
                            let t = RichText::new(text).monospace();
                            ui.label(if missing {
                                t.color(ui.visuals().warn_fg_color)
                            } else {
                                t
                            });
                        });
                    });
                }
            });
        });
    ui.add_space(8.0);
    ui.label(
        RichText::new(
            "std uses the n − 1 denominator; missing cells are skipped, never read as 0.",
        )
        .weak(),
    );
    if !ds.labels.is_empty() {
        ui.add_space(8.0);
        ui.strong("Label columns");
        for l in &ds.labels {
            let shown: Vec<&str> = l.categories.iter().take(8).map(String::as_str).collect();
            let more = l.categories.len().saturating_sub(shown.len());
            ui.label(format!(
                "{}: {} categories ({}{})",
                l.name,
                l.categories.len(),
                shown.join(", "),
                if more > 0 {
                    format!(", … {more} more")
                } else {
                    String::new()
                }
            ));
        }
    }
}

fn matrices_ui(ui: &mut Ui, ds: &crate::data::Dataset, cov: &Covariance) {
    let names: Vec<&str> = ds
        .columns
        .iter()
        .take(MAX_MATRIX_COLUMNS)
        .map(|c| c.name.as_str())
        .collect();
    ui.label(format!(
        "Over the {} rows where every column is present. Σ = XᵀX / (n − 1), with X the centred data; ρᵢⱼ = Σᵢⱼ / (σᵢ σⱼ).",
        cov.n_used
    ));
    if ds.columns.len() > MAX_MATRIX_COLUMNS {
        ui.label(
            RichText::new(format!(
                "Showing the first {MAX_MATRIX_COLUMNS} of {} columns.",
                ds.columns.len()
            ))
            .color(ui.visuals().warn_fg_color),
        );
    }
    ui.add_space(6.0);
    let max_abs = cov
        .cov
        .iter()
        .filter(|v| v.is_finite())
        .fold(0.0f64, |m, v| m.max(v.abs()));
    let avail = ui.available_size();
    let two_wide = avail.x >= avail.y * 1.4;
    let size = if two_wide {
        egui::vec2(avail.x / 2.0 - 16.0, avail.y)
    } else {
        egui::vec2(avail.x, avail.y / 2.0 - 16.0)
    }
    .max(egui::vec2(160.0, 160.0));
    let draw = |ui: &mut Ui| {
        Heatmap {
            title: "Covariance Σ",
            names: &names,
            values: &cov.cov,
            limit: max_abs,
            symbol: "cov",
        }
        .ui(ui, size);
        ui.add_space(16.0);
        Heatmap {
            title: "Correlation ρ",
            names: &names,
            values: &cov.corr,
            limit: 1.0,
            symbol: "ρ",
        }
        .ui(ui, size);
    };
    if two_wide {
        ui.horizontal_top(draw);
    } else {
        egui::ScrollArea::vertical().show(ui, |ui| ui.vertical(draw));
    }
}
