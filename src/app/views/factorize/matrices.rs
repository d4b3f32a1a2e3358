//! The left column: the shapes as blocks, the ratings matrix beside the
//! predictions (both prepared: edits applied, edited users folded in), and
//! the editor of the selected cell.

use std::fmt::Write as _;

use egui::{Align2, Color32, FontId, Rect, RichText, Sense, Stroke, Ui, Vec2, pos2, vec2};

use super::prepare::{CellMark, Frame};
use super::text::short_label;
use super::{Event, ITEM_COLOR, USER_COLOR};
use crate::app::style::{fmt_count, fmt_num, text_on, viridis};
use crate::data::Ratings;
use crate::math::factorize::Model;
use crate::scene::{FactorizeSettings, find_item};

/// One heatmap: its size, the users (rows) and movies (columns) shown, the
/// colour range, and the selection to outline.
#[derive(Clone, Copy)]
struct Grid<'a> {
    size: Vec2,
    r: &'a Ratings,
    rows: &'a [u32],
    cols: &'a [u32],
    range: (f64, f64),
    user: Option<u32>,
    item: Option<u32>,
}

/// The blocks, the two heatmaps, their colour bar and the cell editor.
pub(super) fn matrices_ui(
    ui: &mut Ui,
    f: &Frame<'_>,
    settings: &mut FactorizeSettings,
    events: &mut Vec<Event>,
) {
    let (r, model, run) = (f.r, f.model, f.run);
    let (Some(layout), Some(cells)) = (f.prep.layout(), f.prep.cells()) else {
        return;
    };
    blocks_ui(ui, r, model, run.data.train.len(), run.data.test.len());
    ui.add_space(4.0);
    let range = (f64::from(r.scale.0), f64::from(r.scale.1));
    let partial = layout.users.len() < r.n_users() || layout.items.len() < r.n_items();
    if partial {
        ui.label(
            RichText::new(format!(
                "Showing the {} most active users × {} most rated movies.",
                layout.users.len(),
                layout.items.len()
            ))
            .weak(),
        );
    }
    let (two_wide, size) = heatmap_size(ui.available_size(), r, &layout.users, &layout.items);
    let grid = Grid {
        size,
        r,
        rows: &layout.users,
        cols: &layout.items,
        range,
        user: f.user,
        item: f.item,
    };
    let mut clicked = None;
    let draw = |ui: &mut Ui, clicked: &mut Option<(u32, u32)>| {
        ui.vertical(|ui| {
            ui.label(RichText::new("R: ratings (gaps unknown)").strong());
            if let Some(c) = matrix_ui(ui, &grid, |k| cells.observed[k]) {
                *clicked = Some(c);
            }
        });
        ui.vertical(|ui| {
            ui.label(
                RichText::new(if model.has_biases() {
                    "μ + b + P·Qᵀ: predictions r̂"
                } else {
                    "μ + P·Qᵀ: predictions r̂"
                })
                .strong(),
            );
            if let Some(c) = matrix_ui(ui, &grid, |k| (Some(cells.predicted[k]), CellMark::None)) {
                *clicked = Some(c);
            }
        });
    };
    if two_wide {
        ui.horizontal_top(|ui| draw(ui, &mut clicked));
    } else {
        draw(ui, &mut clicked);
    }
    color_bar(ui, range, "rating");
    ui.label(
        RichText::new(
            "○ held out for the test RMSE   □ edited   click a cell to select its user and movie",
        )
        .weak()
        .small(),
    );
    if let Some((u, i)) = clicked {
        settings.user = r.users.get(u as usize).cloned();
        settings.item = r.items.get(i as usize).map(|it| it.id.clone());
    }
    cell_editor(ui, f, settings, layout.step, events);
}

/// User `u`'s rating of item `i`, edits applied.
fn current_rating(f: &Frame<'_>, u: u32, i: u32) -> Option<f32> {
    match f.prep.edits().and_then(|e| e.cells.get(&(u, i))) {
        Some(v) => *v,
        None => {
            f.r.entries
                .iter()
                .find(|e| e.user == u && e.item == i)
                .map(|e| e.value)
        }
    }
}

/// Each heatmap's size, and whether the two sit side by side (unless
/// stacking makes the cells much larger).
fn heatmap_size(avail: Vec2, r: &Ratings, users: &[u32], items: &[u32]) -> (bool, Vec2) {
    let editor_h = 64.0;
    let legend_h = 34.0;
    let (m, n) = (users.len().max(1) as f32, items.len().max(1) as f32);
    let (left, top, right) = name_margins(r, users, items);
    let h = avail.y - editor_h - legend_h - 40.0;
    let side = ((avail.x / 2.0 - left - right) / n).min((h - top) / m);
    let stacked = ((avail.x - left - right) / n).min((h / 2.0 - top) / m);
    let two_wide = side * 1.3 >= stacked;
    let size = if two_wide {
        vec2((avail.x - 12.0) / 2.0, avail.y - editor_h - legend_h)
    } else {
        vec2(avail.x, (avail.y - editor_h - legend_h - 12.0) / 2.0)
    }
    .max(vec2(80.0, 60.0));
    (two_wide, size)
}

/// Rate, re-rate or clear the selected user's rating of the selected movie.
/// `step` is the scale's step (0: continuous).
fn cell_editor(
    ui: &mut Ui,
    f: &Frame<'_>,
    settings: &FactorizeSettings,
    step: f32,
    events: &mut Vec<Event>,
) {
    let r = f.r;
    let (Some(user), Some(item)) = (settings.user.clone(), settings.item.clone()) else {
        ui.label(
            RichText::new("Select a user and a movie (click a cell) to edit a rating.").weak(),
        );
        return;
    };
    let (Some(u), Some(i)) = (r.user_index(&user), find_item(r, &item)) else {
        return;
    };
    let current = if (f.user, f.item) == (Some(u), Some(i)) {
        f.prep.selection().and_then(|s| s.current)
    } else {
        // Selected by a click this frame: prepared on the next.
        current_rating(f, u, i)
    };
    let (lo, hi) = r.scale;
    let mut edit = None;
    ui.horizontal_wrapped(|ui| {
        ui.label(format!(
            "{user} × {}: {}",
            r.item_name(i),
            current.map_or_else(|| "not rated".to_owned(), |v| fmt_num(f64::from(v), 3))
        ));
        ui.label(RichText::new("rate").weak());
        let count = if step > 0.0 {
            ((hi - lo) / step).round() as usize + 1
        } else {
            usize::MAX
        };
        if count <= 11 {
            // One button per value of the scale: 1 … 5, or 0.5 … 5 by halves.
            for k in 0..count {
                let v = lo + step * k as f32;
                let on = current.is_some_and(|c| (c - v).abs() < 1e-4);
                if ui.selectable_label(on, fmt_num(f64::from(v), 3)).clicked() {
                    edit = Some(Some(f64::from(v)));
                }
            }
        } else {
            // A fine or continuous scale: drag or type the value.
            let id = ui.scope_id().with(("factorize-rating-value", u, i));
            let mut v: f32 = ui
                .data(|d| d.get_temp(id))
                .or(current)
                .unwrap_or(f32::midpoint(lo, hi));
            ui.add(
                egui::DragValue::new(&mut v)
                    .range(lo..=hi)
                    .speed(f64::from(hi - lo) / 200.0),
            );
            ui.data_mut(|d| d.insert_temp(id, v));
            if ui.button("Set").clicked() {
                edit = Some(Some(f64::from(v)));
            }
        }
        if ui
            .add_enabled(current.is_some(), egui::Button::new("Clear rating"))
            .clicked()
        {
            edit = Some(None);
        }
    });
    if let Some(v) = edit {
        events.push(Event::Edit(user, item, v));
    }
}

/// The shapes as blocks: m × n ≈ (m × k)(k × n), with the current numbers.
fn blocks_ui(ui: &mut Ui, r: &Ratings, model: &Model, n_train: usize, n_test: usize) {
    let (m, n, k) = (r.n_users(), r.n_items(), model.rank());
    let text = ui.visuals().text_color();
    let weak = ui.visuals().weak_text_color();
    let font = FontId::proportional(13.0);
    // Block sizes: R's longer side is 64 points; P and Qᵀ keep R's height and
    // width, their thin side as k is to m (or n), within limits that keep
    // each block visible.
    let big = 64.0f32;
    let (r_h, r_w) = if m >= n {
        (big, (big * n as f32 / m as f32).max(10.0))
    } else {
        ((big * m as f32 / n as f32).max(10.0), big)
    };
    let p_w = (r_w * k as f32 / n.max(1) as f32).clamp(5.0, 28.0);
    let q_h = (r_h * k as f32 / m.max(1) as f32).clamp(5.0, 28.0);
    // Each block sits in a slot wide enough for its size label.
    let slot = |w: f32, label: &str| w.max(8.0 * label.chars().count() as f32);
    let r_label = format!("{} × {}", fmt_count(m), fmt_count(n));
    let p_label = format!("{} × {k}", fmt_count(m));
    let q_label = format!("{k} × {}", fmt_count(n));
    let (s_r, s_p, s_q) = (
        slot(r_w, &r_label),
        slot(p_w, &p_label),
        slot(r_w, &q_label),
    );
    let height = big + 26.0;
    let (rect, _) = ui.allocate_exact_size(vec2(ui.available_width(), height), Sense::hover());
    let painter = ui.painter_at(rect);
    let mid = rect.top() + 4.0 + big / 2.0;
    let mut x = rect.left() + 4.0;
    let block = |x: f32, slot_w: f32, size: egui::Vec2, fill: Color32, name: &str, label: &str| {
        let b = Rect::from_center_size(pos2(x + slot_w / 2.0, mid), size);
        painter.rect_filled(b, 2.0, fill);
        if size.x >= 14.0 && size.y >= 14.0 {
            painter.text(
                b.center(),
                Align2::CENTER_CENTER,
                name,
                FontId::proportional(15.0),
                text_on(fill),
            );
        } else {
            // Too thin to write in: name it beside.
            let at = if size.x < size.y {
                b.right_center() + vec2(3.0, 0.0)
            } else {
                b.center_top() - vec2(0.0, 2.0)
            };
            let align = if size.x < size.y {
                Align2::LEFT_CENTER
            } else {
                Align2::CENTER_BOTTOM
            };
            painter.text(at, align, name, FontId::proportional(13.0), text);
        }
        painter.text(
            pos2(x + slot_w / 2.0, rect.top() + 8.0 + big),
            Align2::CENTER_TOP,
            label,
            font.clone(),
            text,
        );
    };
    block(x, s_r, vec2(r_w, r_h), viridis(0.55), "R", &r_label);
    x += s_r + 4.0;
    painter.text(
        pos2(x + 9.0, mid),
        Align2::CENTER_CENTER,
        "≈",
        FontId::proportional(22.0),
        text,
    );
    x += 22.0;
    block(x, s_p, vec2(p_w, r_h), USER_COLOR, "P", &p_label);
    x += s_p + 6.0;
    painter.text(
        pos2(x + 5.0, mid),
        Align2::CENTER_CENTER,
        "·",
        FontId::proportional(22.0),
        text,
    );
    x += 14.0;
    block(x, s_q, vec2(r_w, q_h), ITEM_COLOR, "Qᵀ", &q_label);
    x += s_q + 16.0;
    let cells = m as f64 * n as f64;
    let numbers = (m + n) * k;
    let mut lines = format!(
        "{} cells; {} observed: {} to train on, {} held out\n{} numbers in P and Q",
        fmt_count(cells as usize),
        fmt_count(n_train + n_test),
        fmt_count(n_train),
        fmt_count(n_test),
        fmt_count(numbers),
    );
    let ratio = cells / numbers.max(1) as f64;
    if ratio >= 2.0 {
        let _ = write!(lines, ", {}× fewer than cells", fmt_num(ratio, 2));
    }
    let _ = write!(
        lines,
        "\nr̂ = μ{} + (row of P) · (column of Qᵀ), μ = {}",
        if model.has_biases() {
            " + b_user + b_movie"
        } else {
            ""
        },
        fmt_num(model.mu(), 3)
    );
    if x < rect.right() - 160.0 {
        let galley = painter.layout(lines, FontId::proportional(12.0), weak, rect.right() - x);
        painter.galley(pos2(x, rect.top() + 2.0), galley, weak);
    }
}

/// A users × items matrix as coloured cells; returns the clicked cell.
fn matrix_ui(
    ui: &mut Ui,
    grid: &Grid<'_>,
    value: impl Fn(usize) -> (Option<f64>, CellMark),
) -> Option<(u32, u32)> {
    let Grid {
        size,
        r,
        rows,
        cols,
        range: (lo, hi),
        user,
        item,
    } = *grid;
    let (m, n) = (rows.len().max(1), cols.len().max(1));
    let small = m <= 12 && n <= 12;
    // Room for names on small matrices.
    let (left, top, right) = name_margins(r, rows, cols);
    let cell = ((size.x - left - right) / n as f32)
        .min((size.y - top) / m as f32)
        .max(1.0);
    let grid = vec2(cell * n as f32, cell * m as f32);
    let (rect, response) =
        ui.allocate_exact_size(vec2(left + grid.x + right, top + grid.y), Sense::click());
    // Column names may run past the grid: clip to the panel, not the grid.
    let painter = ui.painter().clone();
    let origin = rect.min + vec2(left, top);
    let visuals = ui.visuals();
    let gap_fill = visuals.extreme_bg_color;
    let text = visuals.text_color();
    let stroke = visuals.widgets.noninteractive.bg_stroke;
    let span = (hi - lo).max(1e-9);
    for a in 0..rows.len() {
        for b in 0..cols.len() {
            let c = Rect::from_min_size(
                origin + vec2(b as f32 * cell, a as f32 * cell),
                vec2(cell, cell),
            );
            let (v, mark) = value(a * cols.len() + b);
            let fill = v.map_or(gap_fill, |v| viridis(((v - lo) / span) as f32));
            painter.rect_filled(if cell > 6.0 { c.shrink(0.5) } else { c }, 0.0, fill);
            if cell >= 22.0 {
                if let Some(v) = v {
                    painter.text(
                        c.center(),
                        Align2::CENTER_CENTER,
                        fmt_num(v, 2),
                        FontId::proportional((cell * 0.32).min(14.0)),
                        text_on(fill),
                    );
                } else {
                    painter.text(
                        c.center(),
                        Align2::CENTER_CENTER,
                        "?",
                        FontId::proportional((cell * 0.32).min(14.0)),
                        visuals.weak_text_color(),
                    );
                }
            }
            match mark {
                CellMark::Test => {
                    painter.circle_stroke(
                        c.center(),
                        (cell * 0.42).max(1.5),
                        Stroke::new(if cell > 10.0 { 1.5 } else { 0.8 }, text_on(fill)),
                    );
                }
                CellMark::Edited => {
                    painter.rect_stroke(
                        c.shrink(1.5),
                        0.0,
                        Stroke::new(2.0, text_on(fill)),
                        egui::StrokeKind::Inside,
                    );
                }
                CellMark::None => {}
            }
        }
    }
    painter.rect_stroke(
        Rect::from_min_size(origin, grid),
        0.0,
        stroke,
        egui::StrokeKind::Outside,
    );
    let highlight = Stroke::new(2.0, visuals.selection.stroke.color);
    if let Some(a) = user.and_then(|u| rows.iter().position(|&x| x == u)) {
        let row = Rect::from_min_size(origin + vec2(0.0, a as f32 * cell), vec2(grid.x, cell));
        painter.rect_stroke(row, 0.0, highlight, egui::StrokeKind::Outside);
    }
    if let Some(b) = item.and_then(|i| cols.iter().position(|&x| x == i)) {
        let col = Rect::from_min_size(origin + vec2(b as f32 * cell, 0.0), vec2(cell, grid.y));
        painter.rect_stroke(col, 0.0, highlight, egui::StrokeKind::Outside);
    }
    if small {
        let font = FontId::proportional(12.0);
        for (a, &u) in rows.iter().enumerate() {
            painter.text(
                origin + vec2(-6.0, (a as f32 + 0.5) * cell),
                Align2::RIGHT_CENTER,
                &r.users[u as usize],
                font.clone(),
                text,
            );
        }
        for (b, &i) in cols.iter().enumerate() {
            let p = origin + vec2((b as f32 + 0.5) * cell, -4.0);
            let name = short_label(&r.items[i as usize].id);
            let galley = painter.layout_no_wrap(name, font.clone(), text);
            // Names run up at an angle so long titles fit over narrow columns.
            let angle = -std::f32::consts::FRAC_PI_4;
            painter.add(egui::epaint::TextShape::new(p, galley, text).with_angle(angle));
        }
    }
    let pos = response
        .interact_pointer_pos()
        .filter(|_| response.clicked())?;
    let d = pos - origin;
    if d.x < 0.0 || d.y < 0.0 {
        return None;
    }
    let (a, b) = ((d.y / cell) as usize, (d.x / cell) as usize);
    Some((*rows.get(a)?, *cols.get(b)?))
}

/// Room for row and column names around a small matrix (left, top, right):
/// column names run up and right at 45°.
fn name_margins(r: &Ratings, rows: &[u32], cols: &[u32]) -> (f32, f32, f32) {
    if rows.len() > 12 || cols.len() > 12 {
        return (0.0, 0.0, 0.0);
    }
    let longest = cols
        .iter()
        .map(|&i| short_label(&r.items[i as usize].id).chars().count())
        .max()
        .unwrap_or(0);
    let t = (longest as f32 * 6.2 * std::f32::consts::FRAC_1_SQRT_2 + 14.0).min(120.0);
    (52.0, t, t - 14.0)
}

/// A horizontal viridis colour bar from `lo` to `hi`.
fn color_bar(ui: &mut Ui, (lo, hi): (f64, f64), title: &str) {
    ui.horizontal(|ui| {
        ui.label(RichText::new(title).weak());
        ui.label(fmt_num(lo, 3));
        let (rect, _) = ui.allocate_exact_size(vec2(160.0, 12.0), Sense::hover());
        paint_bar(ui, rect);
        ui.label(fmt_num(hi, 3));
        let (gap, _) = ui.allocate_exact_size(vec2(12.0, 12.0), Sense::hover());
        ui.painter()
            .rect_filled(gap, 0.0, ui.visuals().extreme_bg_color);
        ui.painter().rect_stroke(
            gap,
            0.0,
            ui.visuals().widgets.noninteractive.bg_stroke,
            egui::StrokeKind::Inside,
        );
        ui.label("no rating");
    });
}

pub(super) fn paint_bar(ui: &Ui, rect: Rect) {
    let steps = 32;
    let w = rect.width() / steps as f32;
    for s in 0..steps {
        let r = Rect::from_min_size(
            rect.min + vec2(s as f32 * w, 0.0),
            vec2(w + 0.5, rect.height()),
        );
        ui.painter()
            .rect_filled(r, 0.0, viridis((s as f32 + 0.5) / steps as f32));
    }
}
