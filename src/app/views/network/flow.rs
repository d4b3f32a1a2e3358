//! Layer flow: the points and the input plane's grid carried through the
//! network one stage at a time — x ↦ W x, + b, σ(·) — for one layer or the
//! whole network.
//!
//! Each stage is a cloud in ℝ^width. A width-2 stage is drawn as the plane
//! itself, a width-3 stage in 3D (the orbit widget), a width-1 stage on a
//! line, and a wider one through the PCA of the points at that stage (the
//! view says so, with the share of variance the picture keeps) or through
//! two units the user chose (then + b is a plain shift and σ bends each
//! axis on its own, as in the plane, and the other units are not drawn).
//! Between two
//! stages the picture moves in a straight line from one to the other, at
//! the flow's own t (no easing: the caption's stage is the drawn one).

use std::fmt::Write as _;

use egui::{Color32, RichText, Stroke, Ui, Vec2};
use egui_plot::{Line, PlotBounds, PlotPoints, Points};
use nalgebra::{DMatrix, Matrix2, SymmetricEigen};

use crate::app::style::{category_color, fmt_num};
use crate::app::widgets::orbit::OrbitView;
use crate::math::network::{Network, Target, Trace};
use crate::scene::CameraSettings;

use super::pictures::{GRID_LINES, GRID_SAMPLES};

/// One stage of the flow, ready to draw.
pub(super) struct Stage {
    /// 2 or 3: how it is drawn.
    pub dims: usize,
    /// Units at this stage.
    pub width: usize,
    pub points: Vec<[f64; 3]>,
    pub grid: Vec<[f64; 3]>,
    /// How ℝ^width is drawn: "the plane itself", "PCA of 8 units (71%)".
    pub how: String,
}

/// Every stage: the input, then for each layer W x, W x + b and σ(W x + b);
/// stages wider than 3 through `units` (1-based) if given, else their PCA.
pub(super) fn stages(trace: &Trace, grid: Option<&Trace>, units: Option<[usize; 2]>) -> Vec<Stage> {
    let mut out = Vec::with_capacity(1 + 3 * trace.layers.len());
    out.push(stage(&trace.input, grid.map(|g| &g.input), units));
    for (l, layer) in trace.layers.iter().enumerate() {
        let g = grid.and_then(|g| g.layers.get(l));
        out.push(stage(&layer.linear, g.map(|g| &g.linear), units));
        out.push(stage(&layer.pre, g.map(|g| &g.pre), units));
        out.push(stage(&layer.post, g.map(|g| &g.post), units));
    }
    out
}

/// The two units (0-based) a stage of `width` units is drawn through, for
/// the chosen 1-based `units`: each at most the last unit, and two different
/// ones.
#[must_use]
fn chosen_units(units: [usize; 2], width: usize) -> [usize; 2] {
    let last = width.saturating_sub(1);
    let a = units[0].saturating_sub(1).min(last);
    let mut b = units[1].saturating_sub(1).min(last);
    if b == a {
        b = if a == last {
            a.saturating_sub(1)
        } else {
            a + 1
        };
    }
    [a, b]
}

fn stage(points: &DMatrix<f64>, grid: Option<&DMatrix<f64>>, units: Option<[usize; 2]>) -> Stage {
    let width = points.ncols();
    let rows = |m: &DMatrix<f64>, f: &dyn Fn(&[f64]) -> [f64; 3]| -> Vec<[f64; 3]> {
        let mut buf = vec![0.0; m.ncols()];
        (0..m.nrows())
            .map(|i| {
                for (j, b) in buf.iter_mut().enumerate() {
                    *b = m[(i, j)];
                }
                f(&buf)
            })
            .collect()
    };
    let (dims, how, project): (usize, String, Projection) = match (width, units) {
        (0, _) => (2, String::new(), Box::new(|_| [0.0; 3])),
        (1, _) => (
            2,
            "one unit, on a line".to_owned(),
            Box::new(|r| [r[0], 0.0, 0.0]),
        ),
        (2, _) => (
            2,
            "the plane itself".to_owned(),
            Box::new(|r| [r[0], r[1], 0.0]),
        ),
        (3, _) => (
            3,
            "3 units: space itself (drag to turn)".to_owned(),
            Box::new(|r| [r[0], r[1], r[2]]),
        ),
        (_, Some(units)) => {
            let [a, b] = chosen_units(units, width);
            (
                2,
                format!(
                    "{width} units, through units {} (across) and {} (up); the other {} not drawn",
                    a + 1,
                    b + 1,
                    width - 2
                ),
                Box::new(move |r| [r[a], r[b], 0.0]),
            )
        }
        _ => {
            let (mean, axes, share) = pca2(points);
            let how = format!(
                "{width} units, through their PCA (PC1 and PC2 keep {:.0}% of the variance)",
                share * 100.0
            );
            (
                2,
                how,
                Box::new(move |r| {
                    let mut p = [0.0; 3];
                    for (k, axis) in axes.iter().enumerate() {
                        p[k] = r
                            .iter()
                            .zip(&mean)
                            .zip(axis)
                            .map(|((v, m), a)| (v - m) * a)
                            .sum();
                    }
                    p
                }),
            )
        }
    };
    Stage {
        dims,
        width,
        points: rows(points, &*project),
        grid: grid.map(|g| rows(g, &*project)).unwrap_or_default(),
        how,
    }
}

/// The mean, the first two principal axes (each with its largest entry
/// positive, so the picture does not flip between epochs) and the share of
/// variance they keep.
fn pca2(m: &DMatrix<f64>) -> (Vec<f64>, [Vec<f64>; 2], f64) {
    let (n, d) = (m.nrows(), m.ncols());
    let mean: Vec<f64> = (0..d).map(|j| m.column(j).mean()).collect();
    let mut cov = DMatrix::<f64>::zeros(d, d);
    for i in 0..n {
        for a in 0..d {
            let va = m[(i, a)] - mean[a];
            for b in a..d {
                cov[(a, b)] += va * (m[(i, b)] - mean[b]);
            }
        }
    }
    for a in 0..d {
        for b in 0..a {
            cov[(a, b)] = cov[(b, a)];
        }
    }
    let eig = SymmetricEigen::new(cov);
    let mut order: Vec<usize> = (0..d).collect();
    order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
    let total: f64 = eig.eigenvalues.iter().map(|v| v.max(0.0)).sum();
    let axis = |k: usize| -> Vec<f64> {
        let Some(&j) = order.get(k) else {
            return vec![0.0; d];
        };
        let mut v: Vec<f64> = eig.eigenvectors.column(j).iter().copied().collect();
        let big = v
            .iter()
            .copied()
            .fold(0.0_f64, |a, x| if x.abs() > a.abs() { x } else { a });
        if big < 0.0 {
            for x in &mut v {
                *x = -*x;
            }
        }
        v
    };
    let kept: f64 = order
        .iter()
        .take(2)
        .map(|&j| eig.eigenvalues[j].max(0.0))
        .sum();
    let share = if total > 0.0 { kept / total } else { 1.0 };
    (mean, [axis(0), axis(1)], share)
}

/// Where the flow is: the stage it leaves, the one it goes to and how far
/// between them, for `progress` over `layer` (0: the whole network).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct At {
    pub from: usize,
    pub to: usize,
    pub t: f64,
}

/// The stages the flow of `layer` (0: all `layers`) passes: the first
/// transition's index and how many there are (3 a layer).
pub(super) fn span(layers: usize, layer: usize) -> (usize, usize) {
    if layer == 0 || layer > layers {
        (0, 3 * layers)
    } else {
        (3 * (layer - 1), 3)
    }
}

/// The transition at `progress` (0..=1) through `layers` layers, for
/// `layer` (0: all of them, 1..: one).
pub(super) fn at(progress: f32, layers: usize, layer: usize) -> At {
    let (first, count) = span(layers, layer);
    if count == 0 {
        return At {
            from: 0,
            to: 0,
            t: 0.0,
        };
    }
    let mut x = f64::from(progress.clamp(0.0, 1.0)) * count as f64;
    // A stop stored as an f32 fraction (1/3) lands on its stage exactly.
    if (x - x.round()).abs() < 1e-4 {
        x = x.round();
    }
    let i = (x.floor() as usize).min(count - 1);
    At {
        from: first + i,
        to: first + i + 1,
        t: x - i as f64,
    }
}

/// What the transition does, for the caption.
pub(super) fn caption(net: &Network, at: At) -> String {
    if at.to == 0 {
        return "The inputs.".to_owned();
    }
    let layer = (at.to - 1) / 3;
    let Some(l) = net.layers.get(layer) else {
        return String::new();
    };
    let last = layer + 1 == net.layers.len();
    let name = if last {
        "the output layer".to_owned()
    } else {
        format!("hidden layer {}", layer + 1)
    };
    let (out, inp) = (l.outputs(), l.inputs());
    match (at.to - 1) % 3 {
        0 => format!(
            "Layer {} ({name}): x ↦ W x, a linear map from ℝ{} to ℝ{} — the grid's lines stay straight and parallel.",
            layer + 1,
            sup(inp),
            sup(out)
        ),
        1 => format!(
            "Layer {}: + b, a shift of the whole picture (no bending).",
            layer + 1
        ),
        _ if last && net.is_classifier() => format!(
            "Layer {}: softmax turns scores into probabilities; before it, the classes were split by a straight line (a hyperplane) in the last layer's space.",
            layer + 1
        ),
        _ => format!(
            "Layer {}: σ = {} bends each coordinate on its own — the only non-linear step.",
            layer + 1,
            l.activation.name()
        ),
    }
}

/// What the transition does, before a network exists (a slide's steps).
pub(super) fn generic_caption(at: At, layers: usize) -> String {
    if at.to == 0 {
        return "The inputs.".to_owned();
    }
    let layer = (at.to - 1) / 3 + 1;
    let last = layer == layers;
    match (at.to - 1) % 3 {
        0 => format!(
            "Layer {layer}: x ↦ W x, a linear map — the grid's lines stay straight and parallel."
        ),
        1 => format!("Layer {layer}: + b, a shift of the whole picture."),
        _ if last => {
            format!("Layer {layer}: the output (softmax turns scores into probabilities).")
        }
        _ => {
            format!("Layer {layer}: σ bends each coordinate on its own — the only non-linear step.")
        }
    }
}

fn sup(n: usize) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    n.to_string()
        .chars()
        .map(|c| c.to_digit(10).map_or(c, |d| DIGITS[d as usize]))
        .collect()
}

fn lerp(a: &[[f64; 3]], b: &[[f64; 3]], t: f64) -> Vec<[f64; 3]> {
    a.iter()
        .zip(b)
        .map(|(p, q)| {
            [
                p[0] + (q[0] - p[0]) * t,
                p[1] + (q[1] - p[1]) * t,
                p[2] + (q[2] - p[2]) * t,
            ]
        })
        .collect()
}

/// Points, grid and whether they are drawn in 3D.
pub(super) type Drawn = (Vec<[f64; 3]>, Vec<[f64; 3]>, bool);

/// A stage's way from ℝ^width to the drawn coordinates.
type Projection = Box<dyn Fn(&[f64]) -> [f64; 3]>;

/// The drawn positions at `at`: points, grid and whether in 3D.
pub(super) fn positions(st: &[Stage], at: At) -> Option<Drawn> {
    let a = st.get(at.from)?;
    let b = st.get(at.to).unwrap_or(a);
    let points = lerp(&a.points, &b.points, at.t);
    let grid = lerp(&a.grid, &b.grid, at.t);
    let three = (a.dims == 3 && at.t < 1.0) || (b.dims == 3 && at.t > 0.0);
    Some((points, grid, three))
}

/// Draws the flow at `at` in `size`.
pub(super) fn draw(
    ui: &mut Ui,
    size: Vec2,
    st: &[Stage],
    at: At,
    net: &Network,
    target: &Target,
    camera: &mut CameraSettings,
) {
    let Some((points, grid, three)) = positions(st, at) else {
        return;
    };
    let dark = ui.visuals().dark_mode;
    let grid_color = if dark {
        Color32::from_gray(110)
    } else {
        Color32::from_gray(150)
    };
    let class = |i: usize| match target {
        Target::Classes { codes, .. } => codes.get(i).map_or(0, |&c| c as usize),
        Target::Values(_) => 0,
    };
    if three {
        let scale = points
            .iter()
            .chain(&grid)
            .flat_map(|p| p.iter().map(|v| v.abs()))
            .fold(1e-9_f64, f64::max);
        let s = |p: &[f64; 3]| {
            [
                (p[0] / scale) as f32,
                (p[1] / scale) as f32,
                (p[2] / scale) as f32,
            ]
        };
        let home = CameraSettings::default();
        OrbitView::new("network-flow-3d", camera, home).show(ui, size, |scene| {
            let stroke = Stroke::new(0.8, grid_color);
            for line in grid.chunks(GRID_SAMPLES) {
                for w in line.windows(2) {
                    scene.line(s(&w[0]), s(&w[1]), stroke);
                }
            }
            for (i, p) in points.iter().enumerate() {
                scene.point(s(p), 2.5, category_color(class(i)));
            }
        });
        return;
    }
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for p in points.iter().chain(&grid) {
        for k in 0..2 {
            if p[k].is_finite() {
                lo[k] = lo[k].min(p[k]);
                hi[k] = hi[k].max(p[k]);
            }
        }
    }
    if !lo[0].is_finite() {
        lo = [-1.0; 2];
        hi = [1.0; 2];
    }
    let pad = |a: f64, b: f64| ((b - a) * 0.06).max(0.05);
    let bounds = PlotBounds::from_min_max(
        [lo[0] - pad(lo[0], hi[0]), lo[1] - pad(lo[1], hi[1])],
        [hi[0] + pad(lo[0], hi[0]), hi[1] + pad(lo[1], hi[1])],
    );
    let n_classes = match target {
        Target::Classes { names, .. } => names.len(),
        Target::Values(_) => 1,
    };
    let arrows = columns_arrows(net, st, at);
    let boundary = boundary(net, st, at);
    let text_color = ui.visuals().text_color();
    crate::app::views::axes::plot("network-flow")
        .width(size.x)
        .height(size.y)
        .data_aspect(1.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_double_click_reset(false)
        .show_axes([true, true])
        .show(ui, |plot_ui| {
            plot_ui.set_plot_bounds(bounds);
            for (k, line) in grid.chunks(GRID_SAMPLES).enumerate() {
                let pts: PlotPoints<'_> = line.iter().map(|p| [p[0], p[1]]).collect();
                let w = if k == GRID_LINES / 2 || k == GRID_LINES + GRID_LINES / 2 {
                    1.4
                } else {
                    0.7
                };
                plot_ui.line(Line::new("", pts).color(grid_color).width(w));
            }
            for c in 0..n_classes {
                let pts: PlotPoints<'_> = points
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| class(i) == c)
                    .map(|(_, p)| [p[0], p[1]])
                    .collect();
                plot_ui.points(
                    Points::new(format!("class {c}"), pts)
                        .color(category_color(c))
                        .radius(2.2)
                        .filled(true),
                );
            }
            if let Some([a, b, c]) = boundary {
                // a x + b y + c = 0 across the bounds.
                let (x0, x1) = (bounds.min()[0], bounds.max()[0]);
                let (y0, y1) = (bounds.min()[1], bounds.max()[1]);
                let pts: Vec<[f64; 2]> = if b.abs() > a.abs() {
                    vec![[x0, -(a * x0 + c) / b], [x1, -(a * x1 + c) / b]]
                } else {
                    vec![[-(b * y0 + c) / a, y0], [-(b * y1 + c) / a, y1]]
                };
                plot_ui.line(
                    Line::new("the output's straight line: P = ½", PlotPoints::new(pts))
                        .color(text_color)
                        .width(2.0)
                        .style(egui_plot::LineStyle::dashed_loose()),
                );
            }
            for (k, (tip, color)) in arrows.into_iter().enumerate() {
                let name = if k == 0 { "W e₁" } else { "W e₂" };
                plot_ui.arrows(
                    egui_plot::Arrows::new(name, vec![[0.0, 0.0]], vec![tip])
                        .color(color)
                        .tip_length(9.0),
                );
            }
        });
}

/// For a W x stage between two planes: where the unit vectors e₁, e₂ have
/// got to (the Transform view's î and ĵ).
fn columns_arrows(net: &Network, st: &[Stage], at: At) -> Vec<([f64; 2], Color32)> {
    if at.to == 0 || !(at.to - 1).is_multiple_of(3) {
        return Vec::new();
    }
    let (Some(a), Some(b)) = (st.get(at.from), st.get(at.to)) else {
        return Vec::new();
    };
    let Some(l) = net.layers.get((at.to - 1) / 3) else {
        return Vec::new();
    };
    if a.width != 2 || b.width != 2 || l.weights.shape() != (2, 2) {
        return Vec::new();
    }
    let w = &l.weights;
    let t = at.t;
    [
        (0, Color32::from_rgb(0xD5, 0x5E, 0x00)),
        (1, Color32::from_rgb(0x00, 0x9E, 0x73)),
    ]
    .into_iter()
    .map(|(k, color)| {
        let e = if k == 0 { [1.0, 0.0] } else { [0.0, 1.0] };
        let we = [w[(0, k)], w[(1, k)]];
        (
            [e[0] + (we[0] - e[0]) * t, e[1] + (we[1] - e[1]) * t],
            color,
        )
    })
    .collect()
}

/// Where a two-class network's output is ½, as a x + b y + c = 0 in the
/// drawn plane: in the last hidden layer's plane (when it is 2 wide) the
/// output layer's straight line, and in the output's scores z₀ = z₁.
fn boundary(net: &Network, st: &[Stage], at: At) -> Option<[f64; 3]> {
    if !net.is_classifier() || net.outputs() != 2 {
        return None;
    }
    let last = net.layers.len().checked_sub(1)?;
    let shown = if at.t <= 1e-6 {
        at.from
    } else if at.t >= 1.0 - 1e-6 {
        at.to
    } else {
        return None;
    };
    let hidden = 3 * last;
    let width = st.get(shown)?.width;
    if shown == hidden && width == 2 && st.get(shown)?.how == "the plane itself" {
        let l = &net.layers[last];
        let w = &l.weights;
        return Some([
            w[(0, 0)] - w[(1, 0)],
            w[(0, 1)] - w[(1, 1)],
            l.bias[0] - l.bias[1],
        ]);
    }
    if shown == hidden + 2 {
        return Some([1.0, -1.0, 0.0]);
    }
    None
}

/// The numbers of layer `layer`'s W: its size, singular values and, for a
/// 2 × 2 W, det W and its eigenvalues — and what they mean for the plane.
pub(super) fn numbers_ui(ui: &mut Ui, net: &Network, layer: usize) {
    let Some(l) = net.layers.get(layer) else {
        return;
    };
    let w = &l.weights;
    let svd = w.clone().svd(false, false);
    let mut sv: Vec<f64> = svd.singular_values.iter().copied().collect();
    sv.sort_by(|a, b| b.total_cmp(a));
    let shown: Vec<String> = sv.iter().take(4).map(|v| fmt_num(*v, 3)).collect();
    let more = if sv.len() > 4 { ", …" } else { "" };
    let mut line = format!(
        "Layer {}: W is {} × {}, σ(W) = {}{more}",
        layer + 1,
        w.nrows(),
        w.ncols(),
        shown.join(", ")
    );
    if w.nrows() == 2 && w.ncols() == 2 {
        let m = Matrix2::new(w[(0, 0)], w[(0, 1)], w[(1, 0)], w[(1, 1)]);
        let det = m.determinant();
        let tr = m.trace();
        let disc = tr * tr - 4.0 * det;
        let eig = if disc >= 0.0 {
            format!(
                "λ = {}, {}",
                fmt_num(f64::midpoint(tr, disc.sqrt()), 3),
                fmt_num(f64::midpoint(tr, -disc.sqrt()), 3)
            )
        } else {
            format!(
                "λ = {} ± {}i (a turn)",
                fmt_num(tr / 2.0, 3),
                fmt_num((-disc).sqrt() / 2.0, 3)
            )
        };
        let _ = write!(line, ", det W = {}, {eig}", fmt_num(det, 3));
        ui.label(RichText::new(line).small());
        let smallest = sv.last().copied().unwrap_or(0.0);
        let largest = sv.first().copied().unwrap_or(0.0);
        if largest > 0.0 && smallest / largest < 0.02 {
            ui.label(
                RichText::new(
                    "det W ≈ 0: this layer folds the plane onto a line — points on either side land together and no later layer can pull them apart.",
                )
                .small()
                .color(ui.visuals().warn_fg_color),
            );
        } else if det < 0.0 {
            ui.label(RichText::new("det W < 0: the map flips the plane over (a mirror image); it does not tear it.").small());
        }
    } else {
        let rank = sv
            .iter()
            .filter(|&&v| v > 1e-9 * sv.first().copied().unwrap_or(1.0))
            .count();
        let _ = write!(line, ", rank {rank}");
        ui.label(RichText::new(line).small());
    }
}
