//! Words on the picture: the colour column's legend, and names written
//! beside points where they do not collide.

use egui::{Align2, FontId, Pos2, Rect, Stroke, Ui, pos2, vec2};
use egui_plot::MarkerShape;

use super::plot::{Look, Marks, marker, marker_shape};
use crate::app::style::category_color;
use crate::app::widgets::place_labels_where;
use crate::data::LabelColumn;

/// Rows considered for a name beside them, beyond the highlighted ones.
const MAX_LABEL_CANDIDATES: usize = 3_000;
/// Names drawn at most.
const MAX_LABELS: usize = 300;

/// The legend of the colour column: a marker and a name per category,
/// painted over the bottom-right corner of `rect`; returns where it went.
/// `shapes`: each category's marker shape as drawn (off for a scatter drawn
/// as one image, where every point is a dot).
pub(super) fn paint_legend(
    ui: &Ui,
    rect: Rect,
    column: &LabelColumn,
    look: Look,
    shapes: bool,
) -> Option<Rect> {
    let n = column.categories.len();
    if n == 0 || n > crate::app::views::LEGEND_MAX {
        return None;
    }
    let painter = ui.painter_at(rect);
    let font = FontId::proportional(12.5);
    let row_h = 17.0;
    let widest = column
        .categories
        .iter()
        .map(|c| {
            ui.fonts_mut(|f| {
                f.layout_no_wrap(c.clone(), font.clone(), look.text)
                    .size()
                    .x
            })
        })
        .fold(0.0f32, f32::max)
        .max(ui.fonts_mut(|f| {
            f.layout_no_wrap(column.name.clone(), font.clone(), look.text)
                .size()
                .x
        }));
    let size = vec2(widest + 34.0, row_h * (n as f32 + 1.0) + 8.0);
    let box_rect = Rect::from_min_size(rect.right_bottom() - size - vec2(8.0, 8.0), size);
    let fill = ui.visuals().extreme_bg_color.gamma_multiply(0.92);
    painter.rect_filled(box_rect, 4.0, fill);
    painter.rect_stroke(
        box_rect,
        4.0,
        ui.visuals().widgets.noninteractive.bg_stroke,
        egui::StrokeKind::Inside,
    );
    painter.text(
        box_rect.left_top() + vec2(10.0, 4.0),
        Align2::LEFT_TOP,
        &column.name,
        FontId::proportional(13.0),
        look.text,
    );
    for (k, name) in column.categories.iter().enumerate() {
        let y = box_rect.top() + 4.0 + row_h * (k as f32 + 1.5);
        let c = pos2(box_rect.left() + 14.0, y);
        painter.add(marker(
            c,
            if shapes {
                marker_shape(k)
            } else {
                MarkerShape::Circle
            },
            4.5,
            category_color(k),
            Stroke::NONE,
        ));
        painter.text(
            c + vec2(12.0, 0.0),
            Align2::LEFT_CENTER,
            name,
            font.clone(),
            look.text,
        );
    }
    Some(box_rect)
}

/// Side of the cells that bucket points for [`draw_names`], in points.
const CELL: f32 = 24.0;

/// Writes names beside points where they fit (the shared greedy placement,
/// [`place_labels_where`]): in priority order, each name takes the first spot
/// around its point that overlaps no name placed before it nor `keep_clear`
/// (the legend) and, unless it is highlighted, covers at most one other
/// point; a name with no such spot is left out. `points` are every point's
/// screen position (the obstacles).
pub(super) fn draw_names(
    ui: &Ui,
    clip: Rect,
    candidates: &[(Pos2, String, bool)],
    points: &[Pos2],
    keep_clear: &[Rect],
    look: Look,
) {
    let cell = |p: Pos2| ((p.x / CELL).floor() as i32, (p.y / CELL).floor() as i32);
    let mut grid: std::collections::HashMap<(i32, i32), Vec<Pos2>> =
        std::collections::HashMap::new();
    for &p in points.iter().filter(|p| clip.contains(**p)) {
        grid.entry(cell(p)).or_default().push(p);
    }
    // Whether `r` covers at most one point: stops counting at two, so a
    // crowded region costs no more than an empty one.
    let sparse = |r: Rect| -> bool {
        let (x0, y0) = cell(r.min);
        let (x1, y1) = cell(r.max);
        let mut count = 0;
        for x in x0..=x1 {
            for y in y0..=y1 {
                for p in grid.get(&(x, y)).into_iter().flatten() {
                    if r.contains(*p) {
                        count += 1;
                        if count > 1 {
                            return false;
                        }
                    }
                }
            }
        }
        true
    };
    let strong_font = FontId::proportional(13.5);
    let font = FontId::proportional(12.0);
    // A little air around every name.
    let pad = vec2(2.0, 1.0);
    let galleys: Vec<_> = candidates
        .iter()
        .filter(|(pos, _, _)| clip.contains(*pos))
        .map(|(pos, text, strong)| {
            let (f, color) = if *strong {
                (strong_font.clone(), look.text)
            } else {
                (font.clone(), look.weak)
            };
            let galley = ui.fonts_mut(|fonts| fonts.layout_no_wrap(text.clone(), f, color));
            (*pos, galley, color, *strong)
        })
        .collect();
    let sizes: Vec<(Pos2, egui::Vec2)> = galleys
        .iter()
        .map(|(pos, g, _, _)| (*pos, g.size() + 2.0 * pad))
        .collect();
    let placed = place_labels_where(&sizes, clip, 3.0, keep_clear, |i, r| {
        galleys.get(i).is_some_and(|g| g.3) || sparse(r)
    });
    let painter = ui.painter_at(clip);
    let halo = ui.visuals().extreme_bg_color.gamma_multiply(0.8);
    for ((_, galley, color, strong), spot) in galleys
        .into_iter()
        .zip(placed)
        .filter_map(|(g, s)| Some((g, s?)))
        .take(MAX_LABELS)
    {
        if strong {
            // A halo keeps the highlighted names readable over points and lines.
            painter.rect_filled(spot, 2.0, halo);
        }
        painter.galley(spot.min + pad, galley, color);
    }
}

/// Candidates for names: the highlighted points first, then the rest from
/// the outside in (points far from the centre of the picture are the ones
/// with room for a name; the crowded middle gets what is left), at most
/// [`MAX_LABEL_CANDIDATES`] of them.
pub(super) fn label_order(points: &[[f64; 3]], three: bool, marks: &Marks) -> Vec<(usize, bool)> {
    let n = points.len();
    let priority = marks.priority();
    let mut seen = vec![false; n];
    let mut out = Vec::with_capacity(priority.len() + MAX_LABEL_CANDIDATES.min(n));
    for &i in &priority {
        if let Some(s) = seen.get_mut(i)
            && !*s
        {
            *s = true;
            out.push((i, true));
        }
    }
    // With a search, only the matches are named.
    if marks.matches.is_none() {
        let stride = n.div_ceil(MAX_LABEL_CANDIDATES).max(1);
        let spread =
            |p: &[f64; 3]| p[0] * p[0] + p[1] * p[1] + if three { p[2] * p[2] } else { 0.0 };
        let mut rest: Vec<usize> = (0..n).step_by(stride).filter(|&i| !seen[i]).collect();
        rest.sort_by(|&a, &b| spread(&points[b]).total_cmp(&spread(&points[a])));
        out.extend(rest.into_iter().map(|i| (i, false)));
    }
    out
}
