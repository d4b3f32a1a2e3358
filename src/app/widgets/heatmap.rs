//! An annotated heatmap with a colour bar.

use egui::{Align2, Color32, FontId, Rect, Sense, Stroke, StrokeKind, Ui, pos2, vec2};
use nalgebra::DMatrix;

use crate::app::style::{diverging, fmt_num, text_on};

/// A square matrix drawn as coloured cells with its row and column names, each
/// cell annotated with its value while cells are large enough to read, and a
/// colour bar. Values are signed, so the map is diverging and centred on zero,
/// symmetric over `±limit`.
pub struct Heatmap<'a> {
    pub title: &'a str,
    pub names: &'a [&'a str],
    pub values: &'a DMatrix<f64>,
    /// The colour scale runs over −limit..=limit.
    pub limit: f64,
    /// What a hovered cell is called, e.g. "cov".
    pub symbol: &'a str,
}

impl Heatmap<'_> {
    /// Draws the heatmap, title and colour bar within `max` points.
    pub fn ui(&self, ui: &mut Ui, max: egui::Vec2) {
        let Self {
            title,
            names,
            values,
            limit,
            symbol,
        } = *self;
        let d = names.len().min(values.nrows()).min(values.ncols());
        ui.vertical(|ui| {
            ui.label(egui::RichText::new(title).strong());
            if d == 0 {
                ui.label("No numeric columns.");
                return;
            }
            let font = FontId::proportional(12.0);
            let label_w = names
                .iter()
                .take(d)
                .map(|n| {
                    ui.fonts_mut(|f| {
                        f.layout_no_wrap((*n).to_owned(), font.clone(), Color32::WHITE)
                            .size()
                            .x
                    })
                })
                .fold(0.0f32, f32::max)
                .min(160.0)
                + 6.0;
            let bar_w = 80.0;
            let title_h = ui.min_rect().height() + ui.spacing().item_spacing.y;
            let grid = (max.x - label_w - bar_w)
                .min(max.y - label_w - title_h - 4.0)
                .max(40.0);
            let cell = grid / d as f32;
            let (rect, response) = ui.allocate_exact_size(
                vec2(label_w + grid + bar_w, label_w + grid + 10.0),
                Sense::hover(),
            );
            let painter = ui.painter_at(rect);
            let text_color = ui.visuals().text_color();
            let origin = pos2(rect.left() + label_w, rect.top() + label_w);
            let annotate = cell >= 34.0;
            let scale = if limit > 0.0 && limit.is_finite() {
                limit
            } else {
                1.0
            };
            for i in 0..d {
                for j in 0..d {
                    let v = values[(i, j)];
                    let r = Rect::from_min_size(
                        origin + vec2(j as f32 * cell, i as f32 * cell),
                        vec2(cell, cell),
                    );
                    let fill = if v.is_finite() {
                        diverging((v / scale) as f32)
                    } else {
                        Color32::from_gray(128)
                    };
                    painter.rect_filled(r.shrink(0.5), 0.0, fill);
                    if annotate {
                        painter.text(
                            r.center(),
                            Align2::CENTER_CENTER,
                            fmt_num(v, 3),
                            FontId::proportional((cell * 0.28).clamp(9.0, 15.0)),
                            text_on(fill),
                        );
                    }
                }
            }
            // Row names on the left, column names rotated above.
            for (k, name) in names.iter().take(d).enumerate() {
                let y = origin.y + (k as f32 + 0.5) * cell;
                painter.text(
                    pos2(origin.x - 4.0, y),
                    Align2::RIGHT_CENTER,
                    *name,
                    font.clone(),
                    text_color,
                );
                let galley = ui
                    .fonts_mut(|f| f.layout_no_wrap((*name).to_owned(), font.clone(), text_color));
                let x = origin.x + (k as f32 + 0.5) * cell;
                let h = galley.size().y;
                let shape = egui::epaint::TextShape::new(
                    pos2(x - h / 2.0, origin.y - 4.0),
                    galley,
                    text_color,
                )
                .with_angle(-std::f32::consts::FRAC_PI_2);
                painter.add(shape);
            }
            painter.rect_stroke(
                Rect::from_min_size(origin, vec2(grid, grid)),
                0.0,
                Stroke::new(1.0, ui.visuals().weak_text_color()),
                StrokeKind::Outside,
            );
            // Colour bar: −limit at the bottom, +limit at the top.
            let bar = Rect::from_min_size(pos2(origin.x + grid + 12.0, origin.y), vec2(14.0, grid));
            let steps = 64;
            for s in 0..steps {
                let t0 = s as f32 / steps as f32;
                let seg = Rect::from_min_max(
                    pos2(
                        bar.left(),
                        bar.bottom() - (t0 + 1.0 / steps as f32) * bar.height(),
                    ),
                    pos2(bar.right(), bar.bottom() - t0 * bar.height()),
                );
                painter.rect_filled(seg, 0.0, diverging(t0 * 2.0 - 1.0));
            }
            for (t, v) in [(0.0, -scale), (0.5, 0.0), (1.0, scale)] {
                painter.text(
                    pos2(bar.right() + 4.0, bar.bottom() - t * bar.height()),
                    Align2::LEFT_CENTER,
                    fmt_num(v, 3),
                    FontId::proportional(11.0),
                    text_color,
                );
            }
            // Hover: name the cell and its exact value.
            if let Some(p) = response.hover_pos() {
                let rel = p - origin;
                if rel.x >= 0.0 && rel.y >= 0.0 {
                    let (j, i) = ((rel.x / cell) as usize, (rel.y / cell) as usize);
                    if i < d && j < d {
                        response.on_hover_text(format!(
                            "{symbol}({}, {}) = {}",
                            names[i],
                            names[j],
                            fmt_num(values[(i, j)], 6)
                        ));
                    }
                }
            }
        });
    }
}
