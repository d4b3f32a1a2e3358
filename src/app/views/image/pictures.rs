//! The original beside the rank-k picture (and the residual): one zoom and
//! one centre for all of them. Scroll zooms under the pointer, drag pans,
//! double-click shows the whole picture; once a pixel is large enough, it is
//! drawn as a cell with the matrix's number written in it.

use egui::{Align2, Color32, FontId, Rect, RichText, Sense, TextureHandle, Ui, pos2, vec2};
use nalgebra::DMatrix;

use super::prepare::Shown;
use crate::app::style::{fmt_count, fmt_num, text_on};
use crate::scene::{ImageSettings, MAX_ZOOM};

/// On-screen size of one pixel (points) from which cells carry their numbers.
const NUMBERS_FROM: f32 = 30.0;

/// One picture of the row: its texture, the matrices it shows (for the
/// numbers in the cells), how a value maps to grey, and its caption.
struct Tile<'a> {
    texture: &'a TextureHandle,
    values: Vec<&'a DMatrix<f64>>,
    /// grey = offset + scale · value
    scale: f64,
    offset: f64,
    title: String,
    caption: String,
}

pub(super) fn ui(ui: &mut Ui, s: &mut ImageSettings, shown: &mut Shown) {
    pictures_ui(ui, s, shown);
    let room = ui.available_height();
    if room > 110.0 && shown.rank() > 0 {
        equation_ui(ui, shown, (room - 40.0).min(150.0));
    }
}

/// The row of pictures.
fn pictures_ui(ui: &mut Ui, s: &mut ImageSettings, shown: &Shown) {
    let svd = &shown.svd;
    let (m, n) = (svd.height, svd.width);
    let k = shown.rank();
    let channels = svd.matrices.len();
    let storage = svd.storage(k);
    let size = svd.size();
    let mut tiles = vec![
        Tile {
            texture: &shown.original,
            values: svd.matrices.iter().collect(),
            scale: 1.0,
            offset: 0.0,
            title: "A, the picture".to_owned(),
            caption: format!(
                "{m} × {n}{}: {} numbers",
                if channels == 3 { " × 3 (R, G, B)" } else { "" },
                fmt_count(size)
            ),
        },
        Tile {
            texture: &shown.rebuilt,
            values: shown.rebuilt_matrices(),
            scale: 1.0,
            offset: 0.0,
            title: format!("A{}: the first {k} layers", subscript(k)),
            caption: format!(
                "{k} × ({m} + {n} + 1){}: {} numbers, {}%",
                if channels == 3 { " × 3" } else { "" },
                fmt_count(storage),
                fmt_num(100.0 * storage as f64 / size as f64, 3)
            ),
        },
    ];
    if let Some((tex, diff)) = shown.residual().filter(|_| s.residual) {
        tiles.push(Tile {
            texture: tex,
            values: diff.iter().collect(),
            scale: s.amplify,
            offset: 128.0,
            title: format!(
                "A − A{}, × {} around grey",
                subscript(k),
                fmt_num(s.amplify, 3)
            ),
            caption: format!("‖A − A{}‖ = {}", subscript(k), fmt_num(shown.error(), 4)),
        });
    }
    let gap = 12.0;
    let avail = ui.available_size();
    let count = tiles.len();
    let text_h = 44.0;
    // Room below for the layers that sum to A_k, when there is room at all.
    let reserve = if avail.y > 480.0 { 175.0 } else { 0.0 };
    // Side by side, or in rows (a wide picture in a tall window): whichever
    // draws the picture larger. The whole picture fits one cell at zoom 1.
    let layout = |columns: usize| {
        let rows = count.div_ceil(columns);
        let cell_w = ((avail.x - gap * (columns as f32 - 1.0)) / columns as f32).max(40.0);
        let cell_h = ((avail.y - 28.0 - reserve) / rows as f32 - text_h).max(40.0);
        let fit = (cell_w / n as f32).min(cell_h / m as f32);
        (fit, columns, cell_w, cell_h)
    };
    let (fit, columns, cell_w, cell_h) = (1..=count)
        .map(layout)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .unwrap_or_else(|| layout(count));
    let cell = vec2(
        (n as f32 * fit).min(cell_w).max(40.0),
        (m as f32 * fit).min(cell_h).max(40.0),
    );
    clamp_focus(s, n, m);
    let mut hovered_pixel = None;
    for (row, band) in tiles.chunks(columns).enumerate() {
        if row > 0 {
            ui.add_space(4.0);
        }
        ui.horizontal_top(|ui| {
            for (i, tile) in band.iter().enumerate() {
                if i > 0 {
                    ui.add_space(gap - ui.spacing().item_spacing.x);
                }
                ui.vertical(|ui| {
                    ui.set_width(cell.x);
                    ui.label(RichText::new(&tile.title).strong());
                    let (rect, response) = ui.allocate_exact_size(cell, Sense::click_and_drag());
                    let px = fit * s.zoom;
                    interact(ui, s, &response, rect, px, n, m);
                    if let Some(p) = response.hover_pos() {
                        let (c, r) = to_picture(s, rect, px, p);
                        if c >= 0.0 && r >= 0.0 && (c as usize) < n && (r as usize) < m {
                            hovered_pixel = Some((c as usize, r as usize));
                        }
                    }
                    draw(ui, tile, rect, px, s);
                    ui.label(RichText::new(&tile.caption).small());
                });
            }
        });
    }
    let hint = match hovered_pixel {
        Some((c, r)) => {
            let a: Vec<String> = svd.matrices.iter().map(|a| fmt_num(a[(r, c)], 4)).collect();
            let b: Vec<String> = shown
                .rebuilt_matrices()
                .iter()
                .map(|a| fmt_num(a[(r, c)], 4))
                .collect();
            format!(
                "row {r}, column {c}: A = {}, A{} = {}",
                a.join(" "),
                subscript(k),
                b.join(" ")
            )
        }
        None => format!(
            "zoom × {}: scroll to zoom under the pointer, drag to pan, double-click for the whole picture; from × {} the numbers are written in the cells",
            fmt_num(f64::from(s.zoom), 3),
            fmt_num(f64::from((NUMBERS_FROM / fit).max(1.0)), 2)
        ),
    };
    ui.label(RichText::new(hint).small().weak());
}

/// `A_k = σ₁u₁v₁ᵀ + σ₂u₂v₂ᵀ + …`: the first layers (up to 8) as pictures.
fn equation_ui(ui: &mut Ui, shown: &mut Shown, height: f32) {
    let k = shown.rank();
    let shown_layers = k.min(8);
    let (w, h) = (shown.svd.width as f32, shown.svd.height as f32);
    let ctx = ui.ctx().clone();
    let gallery = shown.gallery(&ctx, shown_layers);
    ui.add_space(8.0);
    let avail_w = ui.available_width();
    // Room for "Aₖ =", a "+" between thumbnails (with spacing), and the
    // closing "+ … (N more)".
    let fixed = 80.0 + if k > shown_layers { 180.0 } else { 0.0 };
    let per_plus = 24.0 + 2.0 * ui.spacing().item_spacing.x;
    let n = shown_layers.max(1) as f32;
    let thumb_w =
        ((avail_w - fixed - per_plus * (n - 1.0)) / n - ui.spacing().item_spacing.x).max(16.0);
    let thumb_h = height.min(thumb_w * h / w).max(16.0);
    let size = vec2(thumb_h * w / h, thumb_h);
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("A{} =", subscript(k))).size(18.0));
        for (i, tex) in gallery.layers.iter().enumerate() {
            if i > 0 {
                ui.label(RichText::new("+").size(18.0));
            }
            ui.add(egui::Image::new(tex).fit_to_exact_size(size))
                .on_hover_text(format!("σ{0} u{0} v{0}ᵀ", subscript(i + 1)));
        }
        if k > shown_layers {
            ui.label(RichText::new(format!("+ … ({} more)", k - shown_layers)).size(18.0));
        }
    });
    ui.label(
        RichText::new("each layer σᵢ uᵢ vᵢᵀ: a column pattern times a row pattern (grey 0, each scaled to its own range)")
            .small()
            .weak(),
    );
}

/// The subscript digits of `k`: 20 → ₂₀.
pub(super) fn subscript(k: usize) -> String {
    k.to_string()
        .chars()
        .map(|c| char::from_u32(0x2080 + c.to_digit(10).unwrap_or(0)).unwrap_or(c))
        .collect()
}

fn clamp_focus(s: &mut ImageSettings, n: usize, m: usize) {
    let [x, y] = s.focus;
    let ok = |v: f32, side: usize| {
        if v.is_finite() {
            v.clamp(0.0, side as f32)
        } else {
            side as f32 / 2.0
        }
    };
    if !s.zoom.is_finite() {
        s.zoom = 1.0;
    }
    s.zoom = s.zoom.clamp(1.0, MAX_ZOOM);
    // At zoom 1 the whole picture shows, centred, whatever the focus said.
    s.focus = if s.zoom <= 1.0 {
        [n as f32 / 2.0, m as f32 / 2.0]
    } else {
        [ok(x, n), ok(y, m)]
    };
}

/// The picture point (column, row) under screen point `p`.
fn to_picture(s: &ImageSettings, rect: Rect, px: f32, p: egui::Pos2) -> (f32, f32) {
    let c = rect.center();
    (s.focus[0] + (p.x - c.x) / px, s.focus[1] + (p.y - c.y) / px)
}

fn interact(
    ui: &Ui,
    s: &mut ImageSettings,
    response: &egui::Response,
    rect: Rect,
    px: f32,
    n: usize,
    m: usize,
) {
    if response.double_clicked() {
        s.zoom = 1.0;
        s.focus = [n as f32 / 2.0, m as f32 / 2.0];
        return;
    }
    if response.dragged() {
        let d = response.drag_delta();
        s.focus[0] -= d.x / px;
        s.focus[1] -= d.y / px;
    }
    if let Some(p) = response.hover_pos() {
        let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
        let factor = pinch * (scroll * 0.004).exp();
        if (factor - 1.0).abs() > 1e-4 {
            let new_zoom = (s.zoom * factor).clamp(1.0, MAX_ZOOM);
            let (c, r) = to_picture(s, rect, px, p);
            let ratio = s.zoom / new_zoom;
            // Keep the point under the pointer where it is.
            s.focus = [c + (s.focus[0] - c) * ratio, r + (s.focus[1] - r) * ratio];
            s.zoom = new_zoom;
        }
    }
    clamp_focus(s, n, m);
}

fn draw(ui: &Ui, tile: &Tile<'_>, rect: Rect, px: f32, s: &ImageSettings) {
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, ui.visuals().extreme_bg_color);
    let [w, h] = tile.texture.size();
    let (w, h) = (w as f32, h as f32);
    let c = rect.center();
    // The picture's rectangle on screen.
    let pic = Rect::from_min_size(
        pos2(c.x - s.focus[0] * px, c.y - s.focus[1] * px),
        vec2(w * px, h * px),
    );
    if px < NUMBERS_FROM {
        painter.image(
            tile.texture.id(),
            pic,
            Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)),
            Color32::WHITE,
        );
        return;
    }
    // Cells: each visible pixel a square with its number(s).
    let first_c = ((rect.left() - pic.left()) / px).floor().max(0.0) as usize;
    let first_r = ((rect.top() - pic.top()) / px).floor().max(0.0) as usize;
    let last_c = (((rect.right() - pic.left()) / px).ceil() as usize).min(w as usize);
    let last_r = (((rect.bottom() - pic.top()) / px).ceil() as usize).min(h as usize);
    let font = FontId::proportional((px / 3.2).clamp(8.0, 15.0));
    let small = FontId::proportional((px / 4.6).clamp(7.0, 12.0));
    let byte = |v: f64| (tile.offset + tile.scale * v).round().clamp(0.0, 255.0) as u8;
    for r in first_r..last_r {
        for col in first_c..last_c {
            let cell = Rect::from_min_size(
                pos2(pic.left() + col as f32 * px, pic.top() + r as f32 * px),
                vec2(px, px),
            );
            let vals: Vec<f64> = tile.values.iter().map(|a| a[(r, col)]).collect();
            let fill = if vals.len() >= 3 {
                Color32::from_rgb(byte(vals[0]), byte(vals[1]), byte(vals[2]))
            } else {
                let g = byte(vals[0]);
                Color32::from_gray(g)
            };
            painter.rect_filled(cell.shrink(0.5), 0.0, fill);
            let ink = text_on(fill);
            if vals.len() == 1 {
                painter.text(
                    cell.center(),
                    Align2::CENTER_CENTER,
                    cell_text(vals[0]),
                    font.clone(),
                    ink,
                );
            } else {
                for (i, v) in vals.iter().take(3).enumerate() {
                    let y = cell.top() + cell.height() * (i as f32 + 0.5) / 3.0;
                    painter.text(
                        pos2(cell.center().x, y),
                        Align2::CENTER_CENTER,
                        cell_text(*v),
                        small.clone(),
                        ink,
                    );
                }
            }
        }
    }
}

/// A cell's number: whole grey levels as integers, others with one decimal.
fn cell_text(v: f64) -> String {
    if (v - v.round()).abs() < 0.05 {
        fmt_num(v.round(), 4)
    } else {
        format!("{v:.1}").replacen('-', "−", 1)
    }
}
