//! Greedy placement of point labels so that they do not overlap: labels are
//! placed in priority order, each in the first free spot beside its point,
//! and a label with no free spot is left out rather than drawn over another.

use egui::{Pos2, Rect, Vec2, vec2};

/// Places labels of `size` beside their points `at` (screen positions), in
/// the order given (most important first). Each tries right-above,
/// right-below, left-above and left-below its point, `gap` points away; a
/// spot must lie inside `bounds` and clear every label placed before it and
/// every rectangle in `keep_clear`.
///
/// Returns the rectangle of each label, or `None` for one left out.
#[must_use]
pub fn place_labels(
    labels: &[(Pos2, Vec2)],
    bounds: Rect,
    gap: f32,
    keep_clear: &[Rect],
) -> Vec<Option<Rect>> {
    place_labels_where(labels, bounds, gap, keep_clear, |_, _| true)
}

/// [`place_labels`] with one more test: label `i` takes a spot only if
/// `accept(i, spot)` also holds (say, the spot covers few other points).
#[must_use]
pub fn place_labels_where(
    labels: &[(Pos2, Vec2)],
    bounds: Rect,
    gap: f32,
    keep_clear: &[Rect],
    mut accept: impl FnMut(usize, Rect) -> bool,
) -> Vec<Option<Rect>> {
    let mut placed: Vec<Rect> = keep_clear.to_vec();
    labels
        .iter()
        .enumerate()
        .map(|(i, &(at, size))| {
            let spots = [
                Rect::from_min_size(at + vec2(gap, -gap - size.y), size),
                Rect::from_min_size(at + vec2(gap, gap), size),
                Rect::from_min_size(at + vec2(-gap - size.x, -gap - size.y), size),
                Rect::from_min_size(at + vec2(-gap - size.x, gap), size),
            ];
            let spot = spots.into_iter().find(|r| {
                bounds.contains_rect(*r)
                    && placed.iter().all(|p| !p.intersects(*r))
                    && accept(i, *r)
            });
            if let Some(r) = spot {
                placed.push(r);
            }
            spot
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::pos2;

    const BOUNDS: Rect = Rect::from_min_max(pos2(0.0, 0.0), pos2(400.0, 300.0));

    fn no_overlaps(rects: &[Option<Rect>]) -> bool {
        let r: Vec<Rect> = rects.iter().flatten().copied().collect();
        r.iter()
            .enumerate()
            .all(|(i, a)| r[i + 1..].iter().all(|b| !a.intersects(*b)))
    }

    #[test]
    fn crowded_labels_move_aside_then_drop_out() {
        let size = vec2(60.0, 12.0);
        // Five labels on one point: four spots, the fifth is left out.
        let labels = vec![(pos2(200.0, 150.0), size); 5];
        let placed = place_labels(&labels, BOUNDS, 4.0, &[]);
        assert_eq!(placed.iter().flatten().count(), 4);
        assert!(placed[4].is_none(), "the least important label goes");
        assert!(no_overlaps(&placed));
    }

    #[test]
    fn labels_stay_inside_and_clear_of_kept_areas() {
        let size = vec2(80.0, 14.0);
        // Near the right edge a label flips to the left of its point.
        let placed = place_labels(&[(pos2(390.0, 150.0), size)], BOUNDS, 4.0, &[]);
        let r = placed[0].expect("placed");
        assert!(BOUNDS.contains_rect(r) && r.max.x <= 390.0);
        // A kept-clear rectangle over the right side pushes it left too.
        let legend = Rect::from_min_max(pos2(200.0, 0.0), pos2(400.0, 300.0));
        let placed = place_labels(&[(pos2(200.0, 150.0), size)], BOUNDS, 4.0, &[legend]);
        assert!(placed[0].expect("placed").max.x <= 200.0);
    }
}
