//! The left column: the shapes as blocks, the ratings matrix beside the
//! predictions (both prepared: edits applied, edited users folded in), and
//! the editor of the selected cell.

use std::fmt::Write as _;

use egui::{Align2, Color32, FontId, Rect, RichText, Sense, Stroke, Ui, Vec2, pos2, vec2};

use super::prepare::{CellMark, Frame};
use super::text::short_label;
use super::{Event, ITEM_COLOR, Linked, Out, USER_COLOR, no_rating_color, rating_color};
use crate::app::style::{fmt_count, fmt_num, text_on, viridis};

/// Rows and columns are named once a cell is at least this many points on
/// a side (the names' text fits beside it).
const NAMED_CELL: f32 = 16.0;
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
    /// The user and movie hovered in another panel last frame.
    linked: Linked,
}

/// The heatmaps zoom in at most this far.
const MAX_ZOOM: f32 = 16.0;

/// How far the heatmaps are zoomed, and around which row and column (as
/// shares of those shown, 0 to 1).
#[derive(Clone, Copy, Debug)]
struct HeatmapZoom {
    level: f32,
    center: [f32; 2],
}

impl Default for HeatmapZoom {
    fn default() -> Self {
        Self {
            level: 1.0,
            center: [0.5, 0.5],
        }
    }
}

impl HeatmapZoom {
    /// The rows and columns in view, of `m` × `n`.
    fn window(self, m: usize, n: usize) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
        let span = |len: usize, c: f32| {
            let k = ((len as f32 / self.level).ceil() as usize).clamp(1.min(len), len);
            let start = ((c * len as f32 - k as f32 / 2.0).round().max(0.0) as usize).min(len - k);
            start..start + k
        };
        (span(m, self.center[0]), span(n, self.center[1]))
    }
}

/// What one heatmap hands back: the cell clicked, the cell under the
/// pointer, and the hover highlight it drew.
#[derive(Default)]
struct MatrixOut {
    clicked: Option<(u32, u32)>,
    hovered: Option<(u32, u32)>,
    marked: Linked,
    /// The cells' rectangle.
    cells: Option<Rect>,
    /// Whether rows and columns were named.
    named: bool,
    /// Whether the heatmap was double-clicked (back to all rows and columns).
    double_clicked: bool,
}

/// The blocks, the two heatmaps, their colour bar and the cell editor.
pub(super) fn matrices_ui(
    ui: &mut Ui,
    f: &Frame<'_>,
    settings: &mut FactorizeSettings,
    events: &mut Vec<Event>,
    out: &mut Out,
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
    // Ctrl + scroll (or a pinch) over a heatmap zooms both into a window of
    // rows and columns around the pointer; a double click shows all again.
    let zoom_id = ui.scope_id().with("factorize-heatmap-zoom");
    let mut zoom: HeatmapZoom = ui.data(|d| d.get_temp(zoom_id)).unwrap_or_default();
    if zoom.level > 1.0 {
        let (rw, cw) = zoom.window(layout.users.len(), layout.items.len());
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(format!(
                    "Zoomed ×{:.1}: users {}–{} × movies {}–{} of those shown",
                    zoom.level,
                    rw.start + 1,
                    rw.end,
                    cw.start + 1,
                    cw.end
                ))
                .weak(),
            );
            if ui
                .small_button("Show all")
                .on_hover_text("Back to every row and column (or double-click a heatmap)")
                .clicked()
            {
                zoom = HeatmapZoom::default();
                ui.data_mut(|d| d.insert_temp(zoom_id, zoom));
            }
        });
    }
    let (rw, cw) = zoom.window(layout.users.len(), layout.items.len());
    let (rows, cols) = (&layout.users[rw.clone()], &layout.items[cw.clone()]);
    let n_full = layout.items.len();
    let full =
        |k: usize| (rw.start + k / cols.len().max(1)) * n_full + cw.start + k % cols.len().max(1);
    let (two_wide, size) = heatmap_size(ui.available_size(), r, rows, cols);
    let grid = Grid {
        size,
        r,
        rows,
        cols,
        range,
        user: f.user,
        item: f.item,
        linked: f.linked,
    };
    let mut result = MatrixOut::default();
    let draw = |ui: &mut Ui, result: &mut MatrixOut| {
        let merge = |result: &mut MatrixOut, o: MatrixOut| {
            result.clicked = result.clicked.or(o.clicked);
            result.double_clicked |= o.double_clicked;
            result.hovered = result.hovered.or(o.hovered);
            result.marked.user = result.marked.user.or(o.marked.user);
            result.marked.item = result.marked.item.or(o.marked.item);
        };
        ui.vertical(|ui| {
            ui.label(RichText::new("R: ratings (gaps unknown)").strong());
            let o = matrix_ui(ui, &grid, "rating", |k| cells.observed[full(k)]);
            result.cells = o.cells;
            result.named = o.named;
            merge(result, o);
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
            let o = matrix_ui(ui, &grid, "r̂", |k| {
                (Some(cells.predicted[full(k)]), CellMark::None)
            });
            merge(result, o);
        });
    };
    if two_wide {
        ui.horizontal_top(|ui| draw(ui, &mut result));
    } else {
        draw(ui, &mut result);
    }
    out.drawn.heatmap_marked = result.marked;
    out.drawn.heatmap_rect = result.cells;
    out.drawn.heatmap_named = result.named;
    out.drawn.heatmap_zoom = zoom.level;
    let zoomed = if result.double_clicked {
        Some(HeatmapZoom::default())
    } else {
        result.hovered.and_then(|(u, i)| {
            let delta = ui.input(egui::InputState::zoom_delta);
            let a = rows.iter().position(|&x| x == u)?;
            let b = cols.iter().position(|&x| x == i)?;
            ((delta - 1.0).abs() > 1e-6).then(|| HeatmapZoom {
                level: (zoom.level * delta).clamp(1.0, MAX_ZOOM),
                center: [
                    (rw.start + a) as f32 / layout.users.len() as f32,
                    (cw.start + b) as f32 / n_full as f32,
                ],
            })
        })
    };
    if let Some(z) = zoomed {
        ui.data_mut(|d| d.insert_temp(zoom_id, z));
        ui.ctx().request_repaint();
    }
    if let Some((u, i)) = result.hovered {
        out.hover = Linked {
            user: Some(u),
            item: Some(i),
        };
    }
    let clicked = result.clicked;
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
    let h = avail.y - editor_h - legend_h - 40.0;
    let (left, top, right) = name_margins(r, users, items, vec2(avail.x / 2.0, h));
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
    let weak = ui.visuals().weak_text_color();
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
    let width = 4.0 + s_r + 4.0 + 22.0 + s_p + 6.0 + 14.0 + s_q + 12.0;
    let lines = block_notes(r, model, n_train, n_test);
    // The numbers beside the blocks, wrapped to the room left; below them
    // when little is left.
    let beside = ui.available_width() - width >= 170.0;
    let layout = if beside {
        egui::Layout::left_to_right(egui::Align::Min)
    } else {
        egui::Layout::top_down(egui::Align::Min)
    };
    ui.with_layout(layout, |ui| {
        let (rect, _) = ui.allocate_exact_size(vec2(width, height), Sense::hover());
        draw_blocks(
            ui,
            rect,
            [(r_w, r_h), (p_w, q_h)],
            [s_r, s_p, s_q],
            [&r_label, &p_label, &q_label],
        );
        ui.add(egui::Label::new(RichText::new(lines).size(12.0).color(weak)).wrap());
    });
}

/// The blocks R ≈ P · Qᵀ in `rect`: R's and the thin sides' sizes, each
/// block's slot width and size label.
fn draw_blocks(
    ui: &Ui,
    rect: Rect,
    [(r_w, r_h), (p_w, q_h)]: [(f32, f32); 2],
    [s_r, s_p, s_q]: [f32; 3],
    [r_label, p_label, q_label]: [&str; 3],
) {
    let big = 64.0f32;
    let text = ui.visuals().text_color();
    let font = FontId::proportional(13.0);
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
    block(x, s_r, vec2(r_w, r_h), viridis(0.55), "R", r_label);
    x += s_r + 4.0;
    painter.text(
        pos2(x + 9.0, mid),
        Align2::CENTER_CENTER,
        "≈",
        FontId::proportional(22.0),
        text,
    );
    x += 22.0;
    block(x, s_p, vec2(p_w, r_h), USER_COLOR, "P", p_label);
    x += s_p + 6.0;
    painter.text(
        pos2(x + 5.0, mid),
        Align2::CENTER_CENTER,
        "·",
        FontId::proportional(22.0),
        text,
    );
    x += 14.0;
    block(x, s_q, vec2(r_w, q_h), ITEM_COLOR, "Qᵀ", q_label);
}

/// What the blocks hold: cells, observed, train and test, the numbers in P
/// and Q, and the prediction formula with μ.
fn block_notes(r: &Ratings, model: &Model, n_train: usize, n_test: usize) -> String {
    let (m, n, k) = (r.n_users(), r.n_items(), model.rank());
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
    lines
}

/// A users × items matrix as coloured cells, its rows and columns named when
/// the cells are big enough, the hovered cell's user, movie and `what`
/// (rating or r̂) in a tooltip, and the user and movie hovered elsewhere
/// outlined.
fn matrix_ui(
    ui: &mut Ui,
    grid: &Grid<'_>,
    what: &str,
    value: impl Fn(usize) -> (Option<f64>, CellMark),
) -> MatrixOut {
    let Grid {
        size,
        r,
        rows,
        cols,
        range: (lo, hi),
        ..
    } = *grid;
    let (m, n) = (rows.len().max(1), cols.len().max(1));
    // Room for names when the cells are big enough to be named.
    let (left, top, right) = name_margins(r, rows, cols, size);
    let named = top > 0.0;
    let cell = ((size.x - left - right) / n as f32)
        .min((size.y - top) / m as f32)
        .max(1.0);
    let grid_size = vec2(cell * n as f32, cell * m as f32);
    let (rect, response) = ui.allocate_exact_size(
        vec2(left + grid_size.x + right, top + grid_size.y),
        Sense::click(),
    );
    // Column names may run past the grid: clip to the panel, not the grid.
    let painter = ui.painter().clone();
    let origin = rect.min + vec2(left, top);
    let visuals = ui.visuals();
    let dark = visuals.dark_mode;
    let gap_fill = no_rating_color(visuals);
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
            let fill = v.map_or(gap_fill, |v| rating_color(((v - lo) / span) as f32, dark));
            painter.rect_filled(if cell > 6.0 { c.shrink(0.5) } else { c }, 0.0, fill);
            if cell >= 22.0 {
                let (t, color) = match v {
                    Some(v) => (fmt_num(v, 2), text_on(fill)),
                    None => ("?".to_owned(), visuals.weak_text_color()),
                };
                painter.text(
                    c.center(),
                    Align2::CENTER_CENTER,
                    t,
                    FontId::proportional((cell * 0.32).min(14.0)),
                    color,
                );
            }
            mark_cell(&painter, c, cell, mark, text_on(fill));
        }
    }
    painter.rect_stroke(
        Rect::from_min_size(origin, grid_size),
        0.0,
        stroke,
        egui::StrokeKind::Outside,
    );
    let mut out = MatrixOut {
        marked: outline_rows_cols(&painter, grid, origin, cell, visuals),
        cells: Some(Rect::from_min_size(origin, grid_size)),
        named,
        ..MatrixOut::default()
    };
    if named {
        name_rows_cols(&painter, r, rows, cols, origin, cell, text);
    }
    let cell_at = |pos: egui::Pos2| -> Option<(usize, usize)> {
        let d = pos - origin;
        if d.x < 0.0 || d.y < 0.0 {
            return None;
        }
        let (a, b) = ((d.y / cell) as usize, (d.x / cell) as usize);
        (a < rows.len() && b < cols.len()).then_some((a, b))
    };
    if let Some((a, b)) = response.hover_pos().and_then(cell_at) {
        let (u, i) = (rows[a], cols[b]);
        out.hovered = Some((u, i));
        let (v, mark) = value(a * cols.len() + b);
        let shown = v.map_or_else(
            || "no rating".to_owned(),
            |v| format!("{what} {}", fmt_num(v, 3)),
        );
        let note = match mark {
            CellMark::Test => " (held out for the test RMSE)",
            CellMark::Edited => " (edited)",
            CellMark::None => "",
        };
        response.clone().on_hover_text_at_pointer(format!(
            "user {} × {}: {shown}{note}",
            r.users[u as usize],
            r.item_name(i)
        ));
    }
    out.double_clicked = response.double_clicked();
    if response.clicked()
        && let Some((a, b)) = response.interact_pointer_pos().and_then(cell_at)
    {
        out.clicked = Some((rows[a], cols[b]));
    }
    out
}

/// A held-out cell's ring or an edited cell's box.
fn mark_cell(painter: &egui::Painter, c: Rect, cell: f32, mark: CellMark, color: Color32) {
    match mark {
        CellMark::Test => {
            painter.circle_stroke(
                c.center(),
                (cell * 0.42).max(1.5),
                Stroke::new(if cell > 10.0 { 1.5 } else { 0.8 }, color),
            );
        }
        CellMark::Edited => {
            painter.rect_stroke(
                c.shrink(1.5),
                0.0,
                Stroke::new(2.0, color),
                egui::StrokeKind::Inside,
            );
        }
        CellMark::None => {}
    }
}

/// Outlines the selected user's row and movie's column, and (dashed, in the
/// text colour) those hovered in another panel; returns the hovered ones
/// outlined.
fn outline_rows_cols(
    painter: &egui::Painter,
    grid: &Grid<'_>,
    origin: egui::Pos2,
    cell: f32,
    visuals: &egui::Visuals,
) -> Linked {
    let (rows, cols) = (grid.rows, grid.cols);
    let size = vec2(cell * cols.len() as f32, cell * rows.len() as f32);
    let row_rect =
        |a: usize| Rect::from_min_size(origin + vec2(0.0, a as f32 * cell), vec2(size.x, cell));
    let col_rect =
        |b: usize| Rect::from_min_size(origin + vec2(b as f32 * cell, 0.0), vec2(cell, size.y));
    let highlight = Stroke::new(2.0, visuals.selection.stroke.color);
    if let Some(a) = grid.user.and_then(|u| rows.iter().position(|&x| x == u)) {
        painter.rect_stroke(row_rect(a), 0.0, highlight, egui::StrokeKind::Outside);
    }
    if let Some(b) = grid.item.and_then(|i| cols.iter().position(|&x| x == i)) {
        painter.rect_stroke(col_rect(b), 0.0, highlight, egui::StrokeKind::Outside);
    }
    let hover = Stroke::new(1.5, visuals.text_color());
    let mut marked = Linked::default();
    let dashed = |r: Rect| {
        let c = [
            r.left_top(),
            r.right_top(),
            r.right_bottom(),
            r.left_bottom(),
            r.left_top(),
        ];
        painter.extend(egui::Shape::dashed_line(&c, hover, 4.0, 3.0));
    };
    if let Some(a) = grid
        .linked
        .user
        .and_then(|u| rows.iter().position(|&x| x == u))
    {
        dashed(row_rect(a).expand(1.0));
        marked.user = grid.linked.user;
    }
    if let Some(b) = grid
        .linked
        .item
        .and_then(|i| cols.iter().position(|&x| x == i))
    {
        dashed(col_rect(b).expand(1.0));
        marked.item = grid.linked.item;
    }
    marked
}

/// Row (user) names on the left, column (movie) names running up at 45°.
fn name_rows_cols(
    painter: &egui::Painter,
    r: &Ratings,
    rows: &[u32],
    cols: &[u32],
    origin: egui::Pos2,
    cell: f32,
    text: Color32,
) {
    let font = FontId::proportional(12.0);
    let col_font = FontId::proportional(11.0);
    for (a, &u) in rows.iter().enumerate() {
        painter.text(
            origin + vec2(-6.0, (a as f32 + 0.5) * cell),
            Align2::RIGHT_CENTER,
            short_label(&r.users[u as usize]),
            font.clone(),
            text,
        );
    }
    for (b, &i) in cols.iter().enumerate() {
        let p = origin + vec2((b as f32 + 0.5) * cell, -4.0);
        let name = short_label(r.item_name(i));
        let galley = painter.layout_no_wrap(name, col_font.clone(), text);
        // Names run up at an angle so long titles fit over narrow columns.
        let angle = -std::f32::consts::FRAC_PI_4;
        painter.add(egui::epaint::TextShape::new(p, galley, text).with_angle(angle));
    }
}

/// Room for row and column names around a matrix (left, top, right) when
/// its cells, in `size`, are at least [`NAMED_CELL`] on a side; nothing
/// otherwise. Column names run up and right at 45°.
fn name_margins(r: &Ratings, rows: &[u32], cols: &[u32], size: Vec2) -> (f32, f32, f32) {
    let longest = cols
        .iter()
        .map(|&i| short_label(r.item_name(i)).chars().count())
        .max()
        .unwrap_or(0);
    let t = (longest as f32 * 6.2 * std::f32::consts::FRAC_1_SQRT_2 + 14.0).min(120.0);
    let margins = (52.0, t, t - 14.0);
    let (m, n) = (rows.len().max(1) as f32, cols.len().max(1) as f32);
    let cell = ((size.x - margins.0 - margins.2) / n).min((size.y - margins.1) / m);
    if cell >= NAMED_CELL {
        margins
    } else {
        (0.0, 0.0, 0.0)
    }
}

/// A horizontal colour bar of the ratings map from `lo` to `hi`.
fn color_bar(ui: &mut Ui, (lo, hi): (f64, f64), title: &str) {
    ui.horizontal(|ui| {
        ui.label(RichText::new(title).weak());
        ui.label(fmt_num(lo, 3));
        let (rect, _) = ui.allocate_exact_size(vec2(160.0, 12.0), Sense::hover());
        paint_bar(ui, rect);
        ui.label(fmt_num(hi, 3));
        let (gap, _) = ui.allocate_exact_size(vec2(12.0, 12.0), Sense::hover());
        ui.painter()
            .rect_filled(gap, 0.0, no_rating_color(ui.visuals()));
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
    let dark = ui.visuals().dark_mode;
    let w = rect.width() / steps as f32;
    for s in 0..steps {
        let r = Rect::from_min_size(
            rect.min + vec2(s as f32 * w, 0.0),
            vec2(w + 0.5, rect.height()),
        );
        ui.painter()
            .rect_filled(r, 0.0, rating_color((s as f32 + 0.5) / steps as f32, dark));
    }
}
