//! How the view writes numbers, vectors, matrices and its captions.

use std::fmt::Write as _;

use crate::app::style::fmt_num;
use crate::math::transform::Stage;
use crate::scene::TransformAnimation;

const SUBSCRIPTS: [&str; 10] = ["₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"];

/// `i` in subscript digits: 12 → ₁₂.
pub(super) fn subscript(i: usize) -> String {
    i.to_string()
        .chars()
        .map(|c| SUBSCRIPTS[c.to_digit(10).unwrap_or(0) as usize])
        .collect()
}

pub(super) fn animation_title(a: TransformAnimation) -> &'static str {
    match a {
        TransformAnimation::Linear => "Linear",
        TransformAnimation::Polar => "Polar (turn)",
        TransformAnimation::Svd => "SVD steps",
    }
}

pub(super) fn animation_help(a: TransformAnimation) -> &'static str {
    match a {
        TransformAnimation::Linear => {
            "(1 − t)·I + t·A: every point moves in a straight line; a rotation shrinks through the middle"
        }
        TransformAnimation::Polar => {
            "A = R·S (rotation · stretch): the rotation turns by a growing angle while the stretch grows"
        }
        TransformAnimation::Svd => {
            "A = U·Σ·Vᵀ: rotate by Vᵀ, stretch by σ₁, σ₂ along the axes, rotate by U"
        }
    }
}

/// A matrix as aligned rows, one line each.
pub(super) fn fmt_block(rows: &[Vec<f64>]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|x| fmt_num(*x, 3)).collect())
        .collect();
    let w = cells
        .iter()
        .flatten()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(1);
    let mut out = String::new();
    for (i, r) in cells.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("[ ");
        for c in r {
            let _ = write!(out, "{c:>w$} ");
        }
        out.push(']');
    }
    out
}

pub(super) fn fmt_vec(v: &[f64]) -> String {
    let cells: Vec<String> = v.iter().map(|x| fmt_num(*x, 3)).collect();
    format!("({})", cells.join(", "))
}

pub(super) fn fmt_deg(rad: f64) -> String {
    format!("{}°", fmt_num(rad.to_degrees(), 3))
}

/// The caption over the canvas for a frame at `stage`, whose matrix is at
/// the parameter `t` ([`Frame::t`](crate::math::transform::Frame)): the t
/// named is the one drawn, not the playback's progress (the animation eases).
/// `sigma` are A's singular values; `flips`: det A < 0, which the SVD
/// animation plays as a stretch through zero along the last axis.
pub(super) fn caption(
    stage: Stage,
    t: f64,
    animation: TransformAnimation,
    progress: f32,
    sigma: &[f64],
    flips: bool,
) -> String {
    let t_text = format!("{t:.2}");
    match stage {
        Stage::Svd { .. } => svd_caption(progress, sigma, flips),
        Stage::Composition { index, count } => {
            if progress >= 1.0 {
                format!("All {count} steps applied: A is their product.")
            } else {
                format!(
                    "Step {} of {count}: applying M{} to the result so far (t = {t_text}).",
                    index + 1,
                    subscript(index + 1)
                )
            }
        }
        Stage::Plain => match animation {
            TransformAnimation::Polar => format!(
                "t = {t_text}: turning by t × the rotation of A = R·S while stretching by (1 − t)·I + t·S."
            ),
            _ => format!("t = {t_text}: (1 − t)·I + t·A"),
        },
    }
}

/// The SVD animation's caption at `progress`: the one of the step being
/// played toward (or stopped at) — the same words the view's steps give
/// presentation mode's caption strip, so the two never disagree.
pub(super) fn svd_caption(progress: f32, sigma: &[f64], flips: bool) -> String {
    if progress <= 0.0 {
        "SVD: A = U·Σ·Vᵀ, read right to left — press Play.".to_owned()
    } else if progress >= 1.0 {
        if sigma.len() == 2 {
            "A = U·Σ·Vᵀ: the unit circle became an ellipse with semi-axes σ₁ and σ₂.".to_owned()
        } else {
            "A = U·Σ·Vᵀ: the unit sphere became an ellipsoid with semi-axes σ₁, σ₂, σ₃.".to_owned()
        }
    } else {
        let step = ((progress * 3.0 - 1e-4).ceil() as usize)
            .saturating_sub(1)
            .min(2);
        svd_step_caption(step, sigma, flips)
    }
}

/// The caption of SVD step `step` (0: Vᵀ, 1: Σ, 2: U).
fn svd_step_caption(step: usize, sigma: &[f64], flips: bool) -> String {
    match step {
        0 => "① Rotate by Vᵀ: the right singular vectors turn onto the axes.".to_owned(),
        1 => {
            let by: Vec<String> = sigma
                .iter()
                .map(|s| format!("×{}", fmt_num(*s, 3)))
                .collect();
            let along = if by.len() == 2 {
                format!("{} along the first axis, {} along the second", by[0], by[1])
            } else {
                format!("{} along the axes", by.join(", "))
            };
            if flips {
                format!(
                    "② Stretch by Σ: {along}; the last axis also flips (through zero): det A < 0, and this plays the reflection in U (det U = −1)."
                )
            } else {
                format!("② Stretch by Σ: {along}.")
            }
        }
        _ => {
            if flips {
                "③ Rotate by U (its reflection was played in ②): the stretched axes turn onto the left singular vectors."
                    .to_owned()
            } else {
                "③ Rotate by U: the stretched axes turn onto the left singular vectors.".to_owned()
            }
        }
    }
}

/// The determinant's label on the unit square's image: its value, and
/// "(flipped)" when the orientation turned over.
pub(super) fn det_label(det: f64) -> String {
    format!(
        "det = {}{}",
        fmt_num(super::rows::clean(det), 3),
        if det < 0.0 { " (flipped)" } else { "" }
    )
}
