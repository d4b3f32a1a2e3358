//! Plot axes every view shares: tick steps of 1, 2 or 5 × 10ᵏ chosen from the
//! plot's size in points, so that an axis labels at least three ticks
//! wherever it is long enough to hold them (egui_plot's default steps by
//! powers of ten, which can leave a 350-point axis from 2.5 to 15 with only
//! "10"), and tick labels written with the app's minus sign.

use egui_plot::{AxisHints, GridInput, GridMark, Plot};

/// Points between two labelled ticks on an x axis, at least.
pub(crate) const X_LABEL_GAP: f64 = 44.0;
/// Points between two labelled ticks on a y axis, at least.
pub(crate) const Y_LABEL_GAP: f64 = 24.0;
/// egui_plot's smallest grid spacing in points ([`Plot::grid_spacing`]'s
/// default): the spacer's `base_step_size` is this many points in data units.
const GRID_MIN_POINTS: f64 = 8.0;
/// Width of one digit of a tick label, in points (body text).
const DIGIT_POINTS: f64 = 7.5;
/// Below this spacing (points) egui_plot labels no tick: the spacer alone
/// decides which ticks are labelled, its finest lines stay below it.
const X_LABEL_MIN: f32 = 20.0;
const Y_LABEL_MIN: f32 = 14.0;

/// A plot with the app's axes: [`ticks`] on both, labels every
/// [`X_LABEL_GAP`] / [`Y_LABEL_GAP`] points or more, the app's minus sign.
/// Every plot in the app starts here.
pub(crate) fn plot<'a>(id: impl egui::AsIdSalt) -> Plot<'a> {
    Plot::new(id)
        .custom_x_axes(vec![x_axis("")])
        .custom_y_axes(vec![y_axis("")])
        .x_grid_spacer(ticks(true))
        .y_grid_spacer(ticks(false))
}

/// The x axis titled `label`.
pub(crate) fn x_axis<'a>(label: impl Into<egui::WidgetText>) -> AxisHints<'a> {
    AxisHints::new_x()
        .label(label)
        .formatter(tick_label)
        .label_spacing(X_LABEL_MIN..=X_LABEL_MIN + 1.0)
}

/// The y axis titled `label`.
pub(crate) fn y_axis<'a>(label: impl Into<egui::WidgetText>) -> AxisHints<'a> {
    AxisHints::new_y()
        .label(label)
        .formatter(tick_label)
        .label_spacing(Y_LABEL_MIN..=Y_LABEL_MIN + 1.0)
}

/// Decimals that write every multiple of `step` exactly (0.5 → 1, 0.05 → 2,
/// 20 → 0).
fn decimals(step: f64) -> usize {
    if !(step.is_finite() && step > 0.0) {
        return 0;
    }
    (-step.log10() - 1e-9).ceil().max(0.0) as usize
}

/// A tick's label: as many decimals as its step needs and no trailing
/// zeros, "−" for minus, and no "−0".
pub(crate) fn tick_label(mark: GridMark, _range: &std::ops::RangeInclusive<f64>) -> String {
    let d = decimals(mark.step_size).min(12);
    let mut s = format!("{:.d$}", mark.value);
    // Thick lines (multiples of a larger step) print as the thin ones do:
    // 4.5, 5, 5.5, not 4.5, 5, 5.5 … 11.0.
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_owned();
    }
    let zero = s
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.');
    if zero {
        "0".to_owned()
    } else {
        s.replace('-', "−")
    }
}

/// The next step of the 1–2–5 sequence at or above `x` (> 0).
fn nice_at_least(x: f64) -> f64 {
    let power = 10f64.powf(x.log10().floor());
    let m = x / power;
    let nice = if m <= 1.0 + 1e-9 {
        1.0
    } else if m <= 2.0 + 1e-9 {
        2.0
    } else if m <= 5.0 + 1e-9 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// The step before `step` in the 1–2–5 sequence.
fn nice_below(step: f64) -> f64 {
    nice_at_least(step / 2.6)
}

/// Points a tick label needs between its tick and the next: its width
/// and a margin on an x axis, a line's height on a y axis.
fn label_room(bounds: (f64, f64), step: f64, x_axis: bool) -> f64 {
    if !x_axis {
        return 16.0;
    }
    let widest = bounds.0.abs().max(bounds.1.abs()).max(step);
    let int_digits = widest.log10().floor().max(0.0) + 1.0;
    let d = decimals(step) as f64;
    let point = if d > 0.0 { 4.0 } else { 0.0 };
    let minus = if bounds.0 < 0.0 { DIGIT_POINTS } else { 0.0 };
    (int_digits + d) * DIGIT_POINTS + point + minus + 6.0
}

/// How many multiples of `step` lie in `bounds`.
fn count(bounds: (f64, f64), step: f64) -> f64 {
    (bounds.1 / step).floor() - (bounds.0 / step).ceil() + 1.0
}

/// The labelled step of the 1–2–5 sequence, given `per_point` data units per
/// point: the first whose ticks are the label gap apart and have room for
/// their labels; a finer one (labels still with room) where that would label
/// fewer than three ticks.
fn label_step(bounds: (f64, f64), per_point: f64, x_axis: bool) -> f64 {
    // A long x axis spaces its labels out (about eight across), a short one
    // keeps them at the least gap. (Not y: its labels' width sets the
    // plot's width, which with a fixed aspect sets the bounds — a step
    // that followed the length could feed back on itself frame to frame.)
    let length = (bounds.1 - bounds.0).abs() / per_point;
    let gap = if x_axis {
        (length / 8.0).clamp(X_LABEL_GAP, 90.0)
    } else {
        Y_LABEL_GAP
    };
    let mut step = nice_at_least(gap * per_point);
    for _ in 0..8 {
        let need = label_room(bounds, step, x_axis);
        if step / per_point >= need {
            break;
        }
        step = nice_at_least(step * 1.01 * need * per_point / step);
    }
    while count(bounds, step) < 3.0 {
        let finer = nice_below(step);
        if finer / per_point < label_room(bounds, finer, x_axis) {
            break;
        }
        step = finer;
    }
    step
}

/// The grid of an x (`x_axis`) or y axis: lines at the label step, at a
/// tenth of it (thin, too close for labels) and at 5 or 10 × it (thick).
pub(crate) fn ticks(x_axis: bool) -> impl Fn(GridInput) -> Vec<GridMark> {
    move |input: GridInput| {
        let (lo, hi) = (
            input.bounds.0.min(input.bounds.1),
            input.bounds.0.max(input.bounds.1),
        );
        let per_point = input.base_step_size / GRID_MIN_POINTS;
        if !(per_point.is_finite() && per_point > 0.0 && lo.is_finite() && hi.is_finite()) {
            return Vec::new();
        }
        let step = label_step((lo, hi), per_point, x_axis);
        let steps = [
            nice_below(nice_below(nice_below(step))),
            step,
            nice_at_least(step * 4.9),
        ];
        marks(steps, (lo, hi))
    }
}

/// Every multiple of each step inside `bounds`, once, with the largest step
/// it is a multiple of.
fn marks(steps: [f64; 3], (lo, hi): (f64, f64)) -> Vec<GridMark> {
    let mut out: Vec<GridMark> = Vec::new();
    let fine = steps[0];
    // Too many lines (a degenerate range): draw none rather than millions.
    if (hi - lo) / fine > 10_000.0 {
        return out;
    }
    let first = (lo / fine).ceil() as i64;
    let last = (hi / fine).floor() as i64;
    for i in first..=last {
        let value = i as f64 * fine;
        let step_size = steps
            .iter()
            .rev()
            .copied()
            .find(|s| {
                let k = value / s;
                (k - k.round()).abs() < 1e-6
            })
            .unwrap_or(fine);
        out.push(GridMark { value, step_size });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Labelled ticks (as egui_plot decides: at least the gap apart, and for
    /// x wide enough for the label) on an axis `points` long over `bounds`.
    fn labelled(ctx: &egui::Context, points: f64, bounds: (f64, f64), x_axis: bool) -> Vec<String> {
        let per_point = (bounds.1 - bounds.0) / points;
        let input = GridInput {
            bounds,
            base_step_size: per_point * GRID_MIN_POINTS,
        };
        let min = f64::from(if x_axis { X_LABEL_MIN } else { Y_LABEL_MIN });
        ticks(x_axis)(input)
            .into_iter()
            .filter(|m| {
                let spacing = m.step_size / per_point;
                let text = tick_label(*m, &(bounds.0..=bounds.1));
                let width = f64::from(ctx.fonts_mut(|f| {
                    f.layout_no_wrap(text, egui::FontId::proportional(13.0), egui::Color32::WHITE)
                        .size()
                        .x
                }));
                spacing > min && (!x_axis || spacing >= width)
            })
            .map(|m| tick_label(m, &(bounds.0..=bounds.1)))
            .collect()
    }

    /// A context with egui's fonts loaded (body text: 13 points).
    fn fonts() -> egui::Context {
        let ctx = egui::Context::default();
        let _ = ctx.run_ui(egui::RawInput::default(), |_| {});
        ctx
    }

    #[test]
    fn every_axis_long_enough_labels_three_ticks() {
        let ctx = fonts();
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..5_000 {
            let x_axis = rng.bool();
            // Axes from a small side panel's plot (x axes hold wider
            // labels) to a full-screen one; values whose labels have at
            // most 6 characters.
            let points = if x_axis { 250.0 } else { 160.0 } + rng.f64() * 1_600.0;
            let scale = 10f64.powf(rng.f64() * 6.0 - 3.0);
            let centre = (rng.f64() - 0.5) * 20.0 * scale;
            let span = scale * (0.5 + rng.f64() * 9.5);
            let bounds = (centre - span / 2.0, centre + span / 2.0);
            let labels = labelled(&ctx, points, bounds, x_axis);
            assert!(
                labels.len() >= 3,
                "{points:.0} points over {bounds:?} ({}): labels {labels:?}",
                if x_axis { "x" } else { "y" }
            );
            let mut unique = labels.clone();
            unique.dedup();
            assert_eq!(unique, labels, "two ticks share a label");
        }
    }

    #[test]
    fn the_case_the_issue_found_labels_several_ticks() {
        // The Regression view at 1024 × 700: 350 points from 2.5 to 15
        // labelled only "10" with egui_plot's powers of ten.
        let labels = labelled(&fonts(), 350.0, (2.5, 15.0), true);
        assert!(labels.len() >= 3, "{labels:?}");
    }

    #[test]
    fn labels_use_the_minus_sign_and_enough_decimals() {
        let m = |value, step_size| tick_label(GridMark { value, step_size }, &(0.0..=1.0));
        assert_eq!(m(-0.5, 0.5), "−0.5");
        assert_eq!(m(0.05, 0.05), "0.05");
        assert_eq!(m(20.0, 20.0), "20");
        assert_eq!(m(11.0, 0.5), "11");
        assert_eq!(m(-1e-17, 0.1), "0");
        assert_eq!(m(-0.0, 1.0), "0");
    }
}
