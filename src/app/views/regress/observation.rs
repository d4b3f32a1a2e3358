//! Observation space: each column of the table is a vector with one entry
//! per row. For three rows that is ℝ³, where the view draws y, the columns
//! 1 and x, the plane they span, the projection ŷ of y onto it and the
//! residual r = y − ŷ, perpendicular to the plane.

use egui::{Align2, Color32, Stroke, Ui, Vec2, vec2};

use super::RegressView;
use super::data_space::{FIT_COLOR, RESIDUAL_COLOR};
use super::prepare::{Prepared, Source, Three};
use crate::app::style::fmt_num;
use crate::app::widgets::OrbitView;

pub(crate) const Y_COLOR: Color32 = Color32::from_rgb(31, 119, 180);
const COLUMN_COLOR: Color32 = Color32::from_rgb(127, 127, 127);

type V3 = [f32; 3];

fn norm(v: [f64; 3]) -> f64 {
    v.iter().map(|a| a * a).sum::<f64>().sqrt()
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn row_name(s: Source) -> String {
    match s {
        Source::Row(r) => format!("row {r}"),
        Source::Added(i) => format!("added {}", i + 1),
    }
}

pub(super) fn ui(ui: &mut Ui, view: &mut RegressView, p: &Prepared, size: Vec2) {
    let Some(t) = p.model.as_ref().ok().and_then(|m| m.three.as_ref()) else {
        ui.label(
            "The observation-space picture needs three rows with at least two different x values.",
        );
        return;
    };
    let names = t.sources.map(row_name);
    let home = view.home_camera;
    let r = t.residual;
    let one = [1.0; 3];
    let lines = [
        format!(
            "Three rows ({}, {}, {}) as vectors of ℝ³: ŷ = {}·1 + {}·x is the point of the plane nearest y.",
            names[0],
            names[1],
            names[2],
            fmt_num(t.beta[0], 4),
            fmt_num(t.beta[1], 4)
        ),
        format!(
            "r · 1 = {}   r · x = {}   (r is perpendicular to the plane: the normal equations)",
            fmt_num(dot(r, one), 3),
            fmt_num(dot(r, t.x), 3)
        ),
    ];
    // The text below the picture wraps at the picture's width: leave it the
    // room it takes.
    let font = egui::TextStyle::Body.resolve(ui.style());
    let text_h: f32 = lines
        .iter()
        .map(|l| {
            ui.fonts_mut(|f| {
                f.layout(l.clone(), font.clone(), Color32::WHITE, size.x)
                    .size()
                    .y
            }) + ui.spacing().item_spacing.y
        })
        .sum::<f32>()
        + 4.0;
    OrbitView::new("regress-observation", &mut view.settings.camera, home)
        .axis_names([names[0].as_str(), names[1].as_str(), names[2].as_str()])
        .show(ui, vec2(size.x, (size.y - text_h).max(80.0)), |sc| {
            draw(sc, t, &p.x_names[0]);
        });
    for l in lines {
        ui.label(l);
    }
}

fn draw(sc: &mut crate::app::widgets::Scene3d, t: &Three, x_name: &str) {
    let one = [1.0; 3];
    // Sized by y and ŷ, what the picture is about; a column much longer or
    // shorter is drawn at a comparable length, and says by how much.
    let scale = norm(t.y).max(norm(t.fitted)).max(f64::MIN_POSITIVE);
    // The picture is centred on ŷ/2, where the camera orbits.
    let c = t.fitted.map(|a| a / 2.0);
    let w = |v: [f64; 3], k: f64| -> V3 { [0, 1, 2].map(|i| ((v[i] * k - c[i]) / scale) as f32) };
    let shown = |v: [f64; 3]| -> f64 {
        let f = norm(v) / scale;
        if f > 0.0 && !(0.3..=1.3).contains(&f) {
            0.8 / f
        } else {
            1.0
        }
    };
    let column_label = |name: &str, k: f64| {
        if (k - 1.0).abs() < 1e-12 {
            name.to_owned()
        } else {
            format!("{name} (×{})", fmt_num(k, 2))
        }
    };
    // The plane spanned by 1 and x: an orthonormal pair (e1 along 1).
    let e1 = one.map(|a| a / 3f64.sqrt());
    let xe = dot(t.x, e1);
    let mut e2 = [
        t.x[0] - xe * e1[0],
        t.x[1] - xe * e1[1],
        t.x[2] - xe * e1[2],
    ];
    let n2 = norm(e2).max(f64::MIN_POSITIVE);
    e2 = e2.map(|a| a / n2);
    let h = 0.8 * scale;
    let corners: Vec<V3> = [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)]
        .iter()
        .map(|&(a, b): &(f64, f64)| {
            let v = [0, 1, 2].map(|k| c[k] + h * (a * e1[k] + b * e2[k]));
            w(v, 1.0)
        })
        .collect();
    let text = sc.text_color();
    sc.polygon(
        &corners,
        FIT_COLOR.gamma_multiply(0.12),
        Stroke::new(1.0, FIT_COLOR.gamma_multiply(0.6)),
    );
    let o = w([0.0; 3], 1.0);
    let k1 = shown(one);
    let label1 = column_label("1", k1);
    sc.arrow(o, w(one, k1), 2.0, COLUMN_COLOR, Some(&label1));
    let kx = shown(t.x);
    let labelx = column_label(x_name, kx);
    sc.arrow(o, w(t.x, kx), 2.0, COLUMN_COLOR, Some(&labelx));
    sc.arrow(o, w(t.y, 1.0), 2.5, Y_COLOR, Some("y"));
    sc.arrow(o, w(t.fitted, 1.0), 2.5, FIT_COLOR, Some("ŷ"));
    sc.arrow(
        w(t.fitted, 1.0),
        w(t.y, 1.0),
        2.0,
        RESIDUAL_COLOR,
        Some("r"),
    );
    // The right angle at ŷ, between r and the plane.
    let rn = norm(t.residual);
    let fnorm = norm(t.fitted);
    if rn > 0.0 && fnorm > 0.0 {
        let eps = 0.07 * scale;
        let ur = t.residual.map(|a| a / rn * eps);
        let uf = t.fitted.map(|a| -a / fnorm * eps);
        let a = [0, 1, 2].map(|k| t.fitted[k] + ur[k]);
        let b = [0, 1, 2].map(|k| t.fitted[k] + ur[k] + uf[k]);
        let c = [0, 1, 2].map(|k| t.fitted[k] + uf[k]);
        let stroke = Stroke::new(1.5, text.gamma_multiply(0.8));
        sc.line(w(a, 1.0), w(b, 1.0), stroke);
        sc.line(w(b, 1.0), w(c, 1.0), stroke);
    }
    // Below the projection button's row (top right), which a narrow
    // picture brings over the top left.
    let top = sc.proj.rect().left_top() + vec2(8.0, 32.0);
    sc.overlay_text(
        top,
        Align2::LEFT_TOP,
        "the plane: every b₀·1 + b₁·x",
        12.0,
        FIT_COLOR,
    );
}
