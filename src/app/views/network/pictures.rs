//! What the view draws of one network, computed once per shown snapshot:
//! the decision heatmap over the input plane, a thumbnail of every unit's
//! output over that plane, and the layer-by-layer trace of the points and of
//! a grid of lines (the flow).

use egui::{Color32, ColorImage, Context, TextureHandle, TextureOptions};

use crate::app::style::category_color;

/// A unit's value on Playground's map: orange below 0, blue above, light
/// at 0 (`t` in −1..=1), the colours of the diagram's edges.
pub(super) fn signed_color(t: f32) -> Color32 {
    let t = if t.is_finite() {
        t.clamp(-1.0, 1.0)
    } else {
        0.0
    };
    let mid = Color32::from_rgb(0xF4, 0xF4, 0xF2);
    if t >= 0.0 {
        mid.lerp_to_gamma(super::diagram::POSITIVE, t)
    } else {
        mid.lerp_to_gamma(super::diagram::NEGATIVE, -t)
    }
}
use crate::math::network::{Activation, Network, Problem, Trace};

/// Cells on each side of the decision heatmap.
const HEATMAP_CELLS: usize = 96;
/// Cells on each side of a unit's thumbnail.
const THUMB_CELLS: usize = 40;
/// Lines of the flow's grid in each direction, and points along each.
pub(super) const GRID_LINES: usize = 15;
pub(super) const GRID_SAMPLES: usize = 48;

/// The input plane of a network with two raw inputs: its extent in the
/// inputs' units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Plane {
    pub x: (f64, f64),
    pub y: (f64, f64),
}

impl Plane {
    /// The points' extent, padded by a tenth, as a square in the data's
    /// units when the two spans are close (so circles stay round).
    pub fn around(problem: &Problem) -> Option<Self> {
        if problem.inputs.len() != 2 || problem.is_empty() {
            return None;
        }
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for i in 0..problem.len() {
            let r = problem.row(i);
            for k in 0..2 {
                lo[k] = lo[k].min(r[k]);
                hi[k] = hi[k].max(r[k]);
            }
        }
        let mut span = [hi[0] - lo[0], hi[1] - lo[1]];
        for s in &mut span {
            if *s <= 0.0 || !s.is_finite() {
                *s = 1.0;
            }
        }
        if span[0] / span[1] < 1.5 && span[1] / span[0] < 1.5 {
            let m = span[0].max(span[1]);
            span = [m, m];
        }
        let mid = [f64::midpoint(lo[0], hi[0]), f64::midpoint(lo[1], hi[1])];
        let half = |k: usize| span[k] * 0.6;
        Some(Self {
            x: (mid[0] - half(0), mid[0] + half(0)),
            y: (mid[1] - half(1), mid[1] + half(1)),
        })
    }

    /// Cell centres of an `n` × `n` grid, row by row from the top (image order).
    fn cells(&self, n: usize) -> Vec<f64> {
        let dx = (self.x.1 - self.x.0) / n as f64;
        let dy = (self.y.1 - self.y.0) / n as f64;
        let mut pts = Vec::with_capacity(n * n * 2);
        for row in 0..n {
            let y = self.y.1 - (row as f64 + 0.5) * dy;
            for col in 0..n {
                pts.push(self.x.0 + (col as f64 + 0.5) * dx);
                pts.push(y);
            }
        }
        pts
    }

    /// The flow's grid: `GRID_LINES` vertical then as many horizontal
    /// lines, `GRID_SAMPLES` points each, as raw input rows.
    pub fn grid(&self) -> Vec<f64> {
        let mut pts = Vec::with_capacity(2 * GRID_LINES * GRID_SAMPLES * 2);
        let at = |range: (f64, f64), i: usize, n: usize| {
            range.0 + (range.1 - range.0) * i as f64 / (n - 1) as f64
        };
        for l in 0..GRID_LINES {
            let x = at(self.x, l, GRID_LINES);
            for s in 0..GRID_SAMPLES {
                pts.extend([x, at(self.y, s, GRID_SAMPLES)]);
            }
        }
        for l in 0..GRID_LINES {
            let y = at(self.y, l, GRID_LINES);
            for s in 0..GRID_SAMPLES {
                pts.extend([at(self.x, s, GRID_SAMPLES), y]);
            }
        }
        pts
    }
}

/// Everything drawn of one snapshot.
pub(super) struct Pictures {
    pub plane: Option<Plane>,
    /// P(class) as colour over the plane (or ŷ for a regression).
    pub heatmap: Option<TextureHandle>,
    /// `thumbs[0]` the input features, then one list per layer; empty
    /// without a plane.
    pub thumbs: Vec<Vec<TextureHandle>>,
    /// The problem's points through every layer.
    pub trace: Trace,
    /// The flow's grid through every layer (with a plane).
    pub grid: Option<Trace>,
    /// Accuracy on all points, train and test (classifiers).
    pub predicted: Vec<usize>,
}

impl Pictures {
    /// Computes the pictures of `net` for `problem`.
    pub fn new(ctx: &Context, net: &Network, problem: &Problem, dark: bool) -> Self {
        let plane = Plane::around(problem);
        let empty = || Trace {
            input: nalgebra::DMatrix::zeros(0, 0),
            layers: Vec::new(),
        };
        let trace = net.trace(&problem.x).unwrap_or_else(|_| empty());
        let predicted = trace
            .layers
            .last()
            .map(|l| {
                (0..l.post.nrows())
                    .map(|i| {
                        let row = l.post.row(i);
                        row.iter()
                            .enumerate()
                            .fold((0, f64::NEG_INFINITY), |(bi, bv), (k, &v)| {
                                if v > bv { (k, v) } else { (bi, bv) }
                            })
                            .0
                    })
                    .collect()
            })
            .unwrap_or_default();
        let bg = if dark {
            Color32::from_gray(27)
        } else {
            Color32::from_gray(248)
        };
        let mut heatmap = None;
        let mut thumbs = Vec::new();
        let mut grid = None;
        if let Some(plane) = plane {
            let cells = plane.cells(HEATMAP_CELLS);
            if let Ok(p) = net.predict(&cells) {
                let img = decision_image(net, &p, HEATMAP_CELLS, bg);
                heatmap = Some(ctx.load_texture("network-heatmap", img, TextureOptions::LINEAR));
            }
            let cells = plane.cells(THUMB_CELLS);
            if let Ok(t) = net.trace(&cells) {
                thumbs = thumbnails(ctx, net, &t, bg);
            }
            grid = net.trace(&plane.grid()).ok();
        }
        Self {
            plane,
            heatmap,
            thumbs,
            trace,
            grid,
            predicted,
        }
    }
}

/// The decision image: each cell the classes' colours mixed by their
/// probabilities, faded toward the background where the network is unsure;
/// for a regression, ŷ on the diverging map.
fn decision_image(net: &Network, p: &[f64], n: usize, bg: Color32) -> ColorImage {
    let k = net.outputs().max(1);
    let pixels: Vec<Color32> = if net.is_classifier() {
        p.chunks(k).map(|probs| class_mix(probs, bg, 0.7)).collect()
    } else {
        let scale = p.iter().fold(0.0_f64, |m, v| m.max(v.abs())).max(1e-12);
        p.iter()
            .map(|&v| signed_color((v / scale) as f32).lerp_to_gamma(bg, 0.3))
            .collect()
    };
    ColorImage::new([n, n], pixels)
}

/// The classes' colours mixed by `probs`, toward `bg` as the largest
/// probability falls to chance; `strength` is how far a sure cell goes.
pub(super) fn class_mix(probs: &[f64], bg: Color32, strength: f32) -> Color32 {
    let k = probs.len().max(1);
    let (mut r, mut g, mut b) = (0.0_f32, 0.0_f32, 0.0_f32);
    let mut top = 0.0_f64;
    for (c, &p) in probs.iter().enumerate() {
        let col = category_color(c);
        let p32 = p as f32;
        r += p32 * f32::from(col.r());
        g += p32 * f32::from(col.g());
        b += p32 * f32::from(col.b());
        top = top.max(p);
    }
    let chance = 1.0 / k as f64;
    let sure = if k > 1 {
        ((top - chance) / (1.0 - chance)).clamp(0.0, 1.0) as f32
    } else {
        1.0
    };
    let mixed = Color32::from_rgb(r.round() as u8, g.round() as u8, b.round() as u8);
    bg.lerp_to_gamma(mixed, strength * (0.25 + 0.75 * sure))
}

/// One texture per unit: the input features first, then every layer's
/// outputs (σ applied) over the thumbnail grid.
fn thumbnails(ctx: &Context, net: &Network, t: &Trace, bg: Color32) -> Vec<Vec<TextureHandle>> {
    let n = THUMB_CELLS;
    // One unit's values over the grid, coloured by `color`.
    let texture =
        |m: &nalgebra::DMatrix<f64>, j: usize, name: String, color: &dyn Fn(f64) -> Color32| {
            let px: Vec<Color32> = m.column(j).iter().map(|&v| color(v)).collect();
            ctx.load_texture(name, ColorImage::new([n, n], px), TextureOptions::LINEAR)
        };
    // Scaled by the unit's largest |value| over the grid.
    let signed = |m: &nalgebra::DMatrix<f64>, j: usize, name: String| {
        let scale = m
            .column(j)
            .iter()
            .fold(0.0_f64, |a, v| a.max(v.abs()))
            .max(1e-12);
        texture(m, j, name, &|v| signed_color((v / scale) as f32))
    };
    let mut out = Vec::with_capacity(t.layers.len() + 1);
    out.push(
        (0..t.input.ncols())
            .map(|j| signed(&t.input, j, format!("net-in-{j}")))
            .collect(),
    );
    let last = t.layers.len().saturating_sub(1);
    for (l, layer) in t.layers.iter().enumerate() {
        let act = net.layers.get(l).map(|x| x.activation);
        let units = (0..layer.post.ncols())
            .map(|j| {
                let name = format!("net-{l}-{j}");
                let post = &layer.post;
                if l == last && net.is_classifier() {
                    texture(post, j, name, &|p| {
                        bg.lerp_to_gamma(category_color(j), p as f32 * 0.9)
                    })
                } else if matches!(act, Some(Activation::Tanh)) {
                    texture(post, j, name, &|v| signed_color(v as f32))
                } else if matches!(act, Some(Activation::Sigmoid)) {
                    texture(post, j, name, &|v| signed_color(2.0 * v as f32 - 1.0))
                } else {
                    signed(post, j, name)
                }
            })
            .collect();
        out.push(units);
    }
    out
}
