//! The side panel: the matrix editor, the presets, what the math says about
//! A (from the prepared math) and the composition.

use egui::{RichText, Ui, vec2};
use nalgebra::SMatrix;

use super::format::{fmt_block, fmt_deg, fmt_vec, subscript};
use super::rows::{clean, to_rows};
use super::{BASIS_NAMES, ENTRY_LIMIT, Target, TransformView};
use crate::app::style::fmt_num;
use crate::math::transform::{self as tf, Eigen2, Square};
use crate::scene::TransformMode;

impl TransformView {
    pub(super) fn side_panel(&mut self, ui: &mut Ui) {
        let n = self.settings.mode.n();
        let target = self.target();
        // The editor.
        let title = match target {
            Target::Matrix => "Matrix A".to_owned(),
            Target::Step(i) => format!("Step M{} (editing)", subscript(i + 1)),
        };
        ui.label(RichText::new(title).strong());
        let mut rows = match target {
            Target::Matrix => self.settings.matrix.clone(),
            Target::Step(i) => self.settings.steps.get(i).cloned().unwrap_or_default(),
        };
        let rows_before = rows.clone();
        let numbers = ui.style().number_formatter.clone();
        egui::Grid::new("transform-editor")
            .spacing(vec2(6.0, 4.0))
            .show(ui, |ui| {
                for (i, row) in rows.iter_mut().enumerate().take(n) {
                    for (j, v) in row.iter_mut().enumerate().take(n) {
                        ui.add(
                            egui::DragValue::new(v)
                                .speed(0.01)
                                .max_decimals(3)
                                .range(-ENTRY_LIMIT..=ENTRY_LIMIT)
                                // Shown with a true minus, as the rest of the
                                // app; typing accepts "-" and "−" alike.
                                .custom_formatter(|x, decimals| {
                                    true_minus(&numbers.format(x, decimals))
                                }),
                        )
                        .on_hover_text(format!(
                            "a{}{}: row {}, column {} — the {} coordinate of where {} lands",
                            subscript(i + 1),
                            subscript(j + 1),
                            i + 1,
                            j + 1,
                            ["x", "y", "z"][i],
                            BASIS_NAMES[j]
                        ));
                    }
                    ui.end_row();
                }
            });
        ui.label(
            RichText::new(match n {
                2 => "Columns: where î and ĵ land. Drag a value, click to type, or drag the arrow tips.",
                _ => "Columns: where î, ĵ and k̂ land. Drag a value or click to type.",
            })
            .weak()
            .small(),
        );
        if rows != rows_before {
            self.playing = false;
            self.settings.progress = 1.0;
            self.set_edited(rows);
        }
        ui.add_space(6.0);
        // On a slide (and in a picture without controls) the matrix's
        // properties stay; the presets and the composition editor go.
        let controls = crate::app::views::controls_shown(ui);
        if controls {
            self.presets_ui(ui);
            ui.separator();
        }
        match self.settings.mode {
            TransformMode::Plane => properties_2d(ui, self.cache.plane_math(&self.settings)),
            TransformMode::Space => properties_3d(ui, self.cache.space_math(&self.settings)),
        }
        if controls {
            ui.separator();
            self.composition_ui(ui);
        }
    }
}

/// `text` with its hyphen-minus written as the minus sign U+2212.
pub(super) fn true_minus(text: &str) -> String {
    text.replace('-', "−")
}

/// det A with what it does to areas (n = 2) or volumes (n = 3), the trace
/// and the rank of an n×n A.
fn determinant_lines(ui: &mut Ui, det: f64, trace: f64, rank: usize, n: usize) {
    let (what, flip, sum) = if n == 2 {
        ("Areas", "the plane flips", "λ₁ + λ₂")
    } else {
        ("Volumes", "space is mirrored", "λ₁ + λ₂ + λ₃")
    };
    ui.label(RichText::new(format!("det A = {}", fmt_num(clean(det), 4))).strong());
    ui.label(
        RichText::new(if rank < n {
            format!("{what} collapse to 0: A is singular.")
        } else if det < 0.0 {
            format!(
                "{what} scale by {} and {flip} (orientation reverses).",
                fmt_num(det.abs(), 4)
            )
        } else {
            format!("{what} scale by {}; orientation is kept.", fmt_num(det, 4))
        })
        .small(),
    );
    ui.label(format!(
        "trace A = {}   (= {sum})",
        fmt_num(clean(trace), 4)
    ));
    ui.label(format!("rank A = {rank}"));
    ui.add_space(4.0);
}

/// What the math says about a 2×2 A.
fn properties_2d(ui: &mut Ui, p: &tf::Prepared<2>) {
    let rank = p.rank;
    determinant_lines(ui, p.det, p.trace, rank, 2);
    ui.label(RichText::new("Eigenvectors").strong());
    match p.eigen {
        Eigen2::Distinct { lambda, v } => {
            for k in 0..2 {
                ui.label(format!(
                    "λ{} = {}   v{} = {}",
                    subscript(k + 1),
                    fmt_num(lambda[k], 4),
                    subscript(k + 1),
                    fmt_vec(v[k].as_slice())
                ));
            }
            ui.label(
                RichText::new("Points on these lines stay on them, scaled by λ.")
                    .weak()
                    .small(),
            );
        }
        Eigen2::Defective { lambda, v } => {
            ui.label(format!(
                "λ = {} (twice)   v = {}",
                fmt_num(lambda, 4),
                fmt_vec(v.as_slice())
            ));
            ui.label(
                RichText::new("Only one line is kept, as in a shear: A is not diagonalizable.")
                    .weak()
                    .small(),
            );
        }
        Eigen2::Scalar { lambda } => {
            ui.label(format!("λ = {} (twice): A = λ·I", fmt_num(lambda, 4)));
            ui.label(
                RichText::new("Every direction is an eigenvector.")
                    .weak()
                    .small(),
            );
        }
        Eigen2::Complex {
            re, im, theta, r, ..
        } => {
            ui.label(format!(
                "λ = {} ± {}i (complex)",
                fmt_num(re, 4),
                fmt_num(im, 4)
            ));
            ui.label(
                RichText::new(format!(
                    "No real direction is kept: A turns by θ = {} and scales by r = |λ| = {} (in the basis of the ellipses it turns along).",
                    fmt_deg(theta),
                    fmt_num(r, 4)
                ))
                .small(),
            );
        }
    }
    inverse_ui(ui, p);
    svd_ui(ui, &p.svd);
    if rank < 2 {
        let sub = &p.subspaces;
        ui.add_space(4.0);
        ui.label(RichText::new("Where the plane goes").strong());
        match sub.column_space.first() {
            Some(c) => ui.label(format!(
                "Everything lands on the line through {}.",
                fmt_vec(c.as_slice())
            )),
            None => ui.label("Everything lands on the origin."),
        };
        let nulls: Vec<String> = sub
            .null_space
            .iter()
            .map(|v| fmt_vec(v.as_slice()))
            .collect();
        ui.label(format!(
            "Null space (sent to 0): {}",
            if nulls.len() == 2 {
                "the whole plane".to_owned()
            } else {
                format!("the line through {}", nulls.join(", "))
            }
        ));
    }
}

fn inverse_ui<const N: usize>(ui: &mut Ui, p: &tf::Prepared<N>)
where
    SMatrix<f64, N, N>: Square,
{
    let rank = p.rank;
    ui.add_space(4.0);
    ui.label(RichText::new("Inverse").strong());
    if let Ok(inv) = &p.inverse {
        ui.label(RichText::new(format!("A⁻¹ =\n{}", fmt_block(&to_rows(inv)))).monospace());
        let k = p.condition;
        ui.label(
            RichText::new(format!(
                "Undoes A. Condition number κ = σ₁/σ{} = {}{}",
                subscript(N),
                fmt_num(k, 3),
                if k > 1e6 {
                    ": nearly singular, errors grow a lot"
                } else {
                    ""
                }
            ))
            .small(),
        );
    } else {
        let what = match (N, rank) {
            (_, 0) => "A sends everything to the origin",
            (2, _) => "A squashes the plane onto a line",
            (_, 1) => "A squashes space onto a line",
            _ => "A squashes space onto a plane",
        };
        ui.label(
                RichText::new(format!(
                    "None: det A = 0. {what}, so many points land on the same place and no map can tell them apart again."
                ))
                .small(),
            );
    }
}

fn svd_ui<const N: usize>(ui: &mut Ui, d: &tf::Svd<N>)
where
    SMatrix<f64, N, N>: Square,
{
    ui.add_space(4.0);
    ui.label(RichText::new("SVD  A = U·Σ·Vᵀ").strong());
    let sig: Vec<String> = (0..N)
        .map(|i| format!("σ{} = {}", subscript(i + 1), fmt_num(d.sigma[i], 4)))
        .collect();
    ui.label(sig.join("   "));
    ui.label(RichText::new(svd_words(d)).small());
}

/// What the factors of the SVD do. Singular values are never negative, so
/// when det A < 0 the flip is in U, a reflection (det U = −1; V is always a
/// rotation): that is what is said, with the mirror's line in 2D.
fn svd_words<const N: usize>(d: &tf::Svd<N>) -> String
where
    SMatrix<f64, N, N>: Square,
{
    let turn = |m: &SMatrix<f64, N, N>| fmt_deg(m[(1, 0)].atan2(m[(0, 0)]));
    match (N, d.flips()) {
        (2, false) => format!(
            "Vᵀ turns by {}, Σ stretches the axes, U turns by {}.",
            turn(&d.v_t),
            turn(&d.u)
        ),
        (2, true) => {
            // U = [[cos φ, sin φ], [sin φ, −cos φ]] mirrors across the line at φ/2.
            let phi = d.u[(1, 0)].atan2(d.u[(0, 0)]);
            let mut line = 0.5 * phi;
            if line <= -std::f64::consts::FRAC_PI_2 {
                line += std::f64::consts::PI;
            }
            format!(
                "Vᵀ turns by {}, Σ stretches the axes (σ ≥ 0), and U reflects across the line at {} (det U = −1, det V = +1): the flip is in U.",
                turn(&d.v_t),
                fmt_deg(line)
            )
        }
        (_, false) => "Vᵀ turns space, Σ stretches the axes, U turns again.".to_owned(),
        (_, true) => "Vᵀ turns space, Σ stretches the axes (σ ≥ 0), and U turns and mirrors it (det U = −1, det V = +1): the flip is in U.".to_owned(),
    }
}

/// What the math says about a 3×3 A.
fn properties_3d(ui: &mut Ui, p: &tf::Prepared<3>) {
    let rank = p.rank;
    determinant_lines(ui, p.det, p.trace, rank, 3);
    ui.label(RichText::new("Eigenvectors").strong());
    let e = &p.eigen;
    for (k, r) in e.real.iter().enumerate() {
        let vs: Vec<String> = r.vectors.iter().map(|v| fmt_vec(v.as_slice())).collect();
        let space = match r.vectors.len() {
            1 => "line",
            2 => "plane",
            _ => "all of space",
        };
        ui.label(format!(
            "λ{} = {}{}: {space} {}",
            subscript(k + 1),
            fmt_num(r.lambda, 4),
            if r.multiplicity > 1 {
                format!(" (×{})", r.multiplicity)
            } else {
                String::new()
            },
            vs.join(", ")
        ));
    }
    if let Some(c) = &e.complex {
        ui.label(format!(
            "λ = {} ± {}i (complex)",
            fmt_num(c.re, 4),
            fmt_num(c.im, 4)
        ));
        ui.label(
            RichText::new(format!(
                "A turns a plane by θ = {} about the axis {} while scaling it by r = {}.",
                fmt_deg(c.theta),
                fmt_vec(c.axis.as_slice()),
                fmt_num(c.r, 4)
            ))
            .small(),
        );
    }
    inverse_ui(ui, p);
    svd_ui(ui, &p.svd);
    if rank < 3 {
        let sub = &p.subspaces;
        ui.add_space(4.0);
        ui.label(RichText::new("Where space goes").strong());
        ui.label(match sub.column_space.len() {
            0 => "Everything lands on the origin.".to_owned(),
            1 => format!(
                "Everything lands on the line through {}.",
                fmt_vec(sub.column_space[0].as_slice())
            ),
            _ => "Everything lands on a plane (the column space).".to_owned(),
        });
        let nulls: Vec<String> = sub
            .null_space
            .iter()
            .map(|v| fmt_vec(v.as_slice()))
            .collect();
        ui.label(format!(
            "Null space (sent to 0): spanned by {}",
            nulls.join(", ")
        ));
    }
}
