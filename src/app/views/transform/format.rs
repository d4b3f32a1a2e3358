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

/// `[[1, 0.5], [0, 1]]`.
pub(super) fn fmt_inline(rows: &[Vec<f64>]) -> String {
    let inner: Vec<String> = rows
        .iter()
        .map(|r| {
            let cells: Vec<String> = r.iter().map(|x| fmt_num(*x, 3)).collect();
            format!("[{}]", cells.join(", "))
        })
        .collect();
    format!("[{}]", inner.join(", "))
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

/// The caption over the canvas.
pub(super) fn caption(
    stage: Stage,
    animation: TransformAnimation,
    progress: f32,
    sigma: &[f64],
) -> String {
    let t = fmt_num(f64::from(progress), 2);
    match stage {
        Stage::Svd { step } => {
            if progress <= 0.0 {
                "SVD: A = U·Σ·Vᵀ, read right to left — press Play.".to_owned()
            } else if progress >= 1.0 {
                "A = U·Σ·Vᵀ: the unit circle became an ellipse with semi-axes σ₁ and σ₂.".to_owned()
            } else {
                match step {
                    0 => {
                        "① Rotate by Vᵀ: the right singular vectors turn onto the axes.".to_owned()
                    }
                    1 => format!(
                        "② Stretch by Σ: ×{} along the first axis, ×{} along the second.",
                        fmt_num(sigma.first().copied().unwrap_or(0.0), 3),
                        fmt_num(sigma.get(1).copied().unwrap_or(0.0), 3)
                    ),
                    _ => "③ Rotate by U: the stretched axes turn onto the left singular vectors."
                        .to_owned(),
                }
            }
        }
        Stage::Composition { index, count } => {
            if progress >= 1.0 {
                format!("All {count} steps applied: A is their product.")
            } else {
                format!(
                    "Step {} of {count}: applying M{} to the result so far.",
                    index + 1,
                    subscript(index + 1)
                )
            }
        }
        Stage::Plain => match animation {
            TransformAnimation::Polar => {
                format!("t = {t}: turning by the rotation of A = R·S while stretching by S.")
            }
            _ => format!("t = {t}: (1 − t)·I + t·A"),
        },
    }
}
