//! What the 2D and 3D pictures share: the caption, what is highlighted, the
//! markers, the hover text and finding the point under the pointer.

use std::fmt::Write as _;

use egui::{Color32, Pos2, RichText, Shape, Stroke, Ui, vec2};
use egui_plot::MarkerShape;

use super::EmbeddingsView;
use super::lookup::{color_column, name_column, name_of};
use super::plot2d::plot_2d;
use super::plot3d::plot_3d;
use super::prepare::Prepared;
use crate::app::style::{fmt_count, fmt_num};
use crate::app::views::projector::kept::{KEPT_K, neighbour_fate};
use crate::data::{Dataset, LabelColumn};
use crate::math::similarity::projection::EmbeddingSpace;
use crate::scene::{EmbeddingsMode, ProjectionMethod};

/// Screen radius of a point in a rasterized scatter.
pub(super) const RASTER_RADIUS: f32 = 1.2;
/// Colour of the analogy's arrows.
pub(super) const ANALOGY_COLOR: Color32 = Color32::from_rgb(0xD5, 0x5E, 0x00);
pub(super) use crate::app::views::projector::kept::{KEPT_COLOR, LOST_COLOR};
/// At most this many points (a regular sample) keep names off themselves;
/// beyond it the picture is crowded everywhere names could go.
const MAX_NAME_OBSTACLES: usize = 20_000;

/// The theme's colours, for drawing.
#[derive(Clone, Copy)]
pub(super) struct Look {
    pub dark: bool,
    pub text: Color32,
    pub weak: Color32,
}

/// What is highlighted, as indices into the projection's points.
pub(super) struct Marks {
    pub selected: Option<usize>,
    pub neighbors: Vec<usize>,
    /// `None` without a search; else the matching points.
    pub matches: Option<Vec<usize>>,
    /// The analogy, when there is one.
    pub analogy: Option<AnalogyMarks>,
    /// On a t-SNE or UMAP map: the hovered point and its nearest neighbours
    /// in the original space, each with whether the map kept it.
    pub fate: Option<(usize, Vec<(usize, bool)>)>,
}

impl Marks {
    /// Points that get a name first, most important first.
    pub fn priority(&self) -> Vec<usize> {
        let mut out: Vec<usize> = self.selected.into_iter().collect();
        if let Some((abc, _, best)) = &self.analogy {
            out.extend(abc.iter().flatten());
            out.extend(best);
        }
        out.extend(&self.neighbors);
        if let Some(m) = &self.matches {
            out.extend(m.iter().take(200));
        }
        out
    }

    /// Whether the other points are faded (something is highlighted).
    pub fn dimmed(&self) -> bool {
        self.matches.is_some() || self.selected.is_some()
    }
}

/// At most this many search matches are ringed (a ring is a shape drawn
/// every frame: 111,111 matches among 3,000,000 words took 300 ms a frame).
pub const MAX_RINGED: usize = 5_000;

/// The analogy's a, b, c points (if shown), the projected a − b + c, and
/// its best answer (if shown).
pub(super) type AnalogyMarks = ([Option<usize>; 3], [f64; 3], Option<usize>);

/// Everything a picture draws, prepared: the same for 2D and 3D.
pub(super) struct Scatter<'a> {
    pub ds: &'a Dataset,
    pub prepared: &'a Prepared,
    pub names: Option<&'a LabelColumn>,
    pub color: Option<&'a LabelColumn>,
    pub marks: &'a Marks,
    pub look: Look,
    /// Write names beside the points.
    pub labels: bool,
}

impl Scatter<'_> {
    /// Number of points.
    pub fn len(&self) -> usize {
        self.prepared.proj.points.len()
    }

    /// Point i's scores.
    pub fn point(&self, i: usize) -> [f64; 3] {
        self.prepared.proj.points[i]
    }

    /// Point i's name.
    pub fn name(&self, i: usize) -> String {
        name_of(self.names, self.prepared.proj.rows[i])
    }

    /// The components shown, 1-based.
    pub fn components(&self) -> [usize; 3] {
        self.prepared.key.spec.components
    }

    /// The t-SNE or UMAP map placing the points; `None`: PCA.
    pub fn map(&self) -> Option<ProjectionMethod> {
        self.prepared.key.map.map(|(m, _)| m)
    }

    /// The name of axis `k` (0-based): "PC3" or "t-SNE 1".
    pub fn axis_name(&self, k: usize) -> String {
        match self.map() {
            Some(m) => format!("{} {}", m.label(), k + 1),
            None => format!("PC{}", self.components()[k]),
        }
    }

    /// Hover text for point `i`.
    pub fn details(&self, i: usize) -> String {
        let row = self.prepared.proj.rows[i];
        let mut text = name_of(self.names, row);
        for l in &self.ds.labels {
            if self.names.is_some_and(|n| std::ptr::eq(n, l)) {
                continue;
            }
            let _ = write!(text, "\n{} = {}", l.name, l.get(row));
        }
        let shown = if self.prepared.key.spec.three { 3 } else { 2 };
        for (k, x) in self.point(i).into_iter().enumerate().take(shown) {
            let _ = write!(text, "\n{} = {}", self.axis_name(k), fmt_num(x, 4));
        }
        let _ = write!(text, "\nrow {row} · click to select");
        text
    }
}

impl EmbeddingsView {
    /// The 2D scatter or the 3D view, with names, highlights and lines.
    pub(super) fn plot_ui(
        &mut self,
        ui: &mut Ui,
        ds: &Dataset,
        space: &EmbeddingSpace,
        selected: Option<usize>,
    ) {
        let Some(prepared) = &self.prepared else {
            return;
        };
        let (mode, labels) = (self.settings.mode, self.settings.labels);
        let names = name_column(&self.settings, ds);
        let color = color_column(&self.settings, ds);
        ui.label(RichText::new(caption(mode, space, prepared)).weak());
        self.projector
            .kept_ui(ui, self.settings.projection.method, ds.n_rows);
        let at = |row: usize| prepared.at(row);
        let marks = Marks {
            selected: selected.and_then(at),
            neighbors: self
                .queries
                .neighbors()
                .iter()
                .filter_map(|n| at(n.index))
                .collect(),
            matches: self
                .queries
                .matches()
                .and_then(|m| m.as_ref().ok())
                .map(|m| m.rows.iter().filter_map(|&r| at(r)).collect()),
            // a − b + c has no place on a t-SNE or UMAP map: they have no
            // formula for new points (the answers are still listed).
            analogy: self
                .queries
                .analogy()
                .filter(|_| prepared.key.map.is_none())
                .map(|a| {
                    let [ra, rb, rc] = a.rows;
                    let target = prepared.proj.place(&space.index.offset(ra, rb, rc));
                    let best = a.neighbors.first().and_then(|n| at(n.index));
                    (a.rows.map(at), target, best)
                }),
            fate: self
                .fate
                .as_ref()
                .filter(|(g, _, _)| prepared.key.map.is_some_and(|(_, m)| m == *g))
                .and_then(|(_, row, list)| {
                    Some((
                        at(*row)?,
                        list.iter()
                            .filter_map(|&(r, kept)| Some((at(r)?, kept)))
                            .collect(),
                    ))
                }),
        };
        let scatter = Scatter {
            ds,
            prepared,
            names,
            color,
            marks: &marks,
            look: Look {
                dark: ui.visuals().dark_mode,
                text: ui.visuals().text_color(),
                weak: ui.visuals().weak_text_color(),
            },
            labels,
        };
        let (clicked, hovered) = match mode {
            EmbeddingsMode::Plane => plot_2d(ui, &scatter, &self.raster_2d),
            EmbeddingsMode::Space => plot_3d(
                ui,
                &scatter,
                (&mut self.settings.camera, self.home_camera),
                &mut self.raster_3d,
            ),
        };
        // On a map, the hovered point's neighbours: kept or lost.
        let map = prepared.key.map;
        let hovered_row = hovered.and_then(|i| prepared.proj.rows.get(i).copied());
        match (map, hovered_row, self.projector.frame()) {
            (Some((_, generation)), Some(row), Some(frame)) => {
                if self
                    .fate
                    .as_ref()
                    .is_none_or(|(g, r, _)| *g != generation || *r != row)
                {
                    let list =
                        neighbour_fate(&space.index, |r| frame.point(r), ds.n_rows, row, KEPT_K);
                    self.fate = Some((generation, row, list));
                    ui.ctx().request_repaint();
                }
            }
            _ => {
                if self.fate.take().is_some() {
                    ui.ctx().request_repaint();
                }
            }
        }
        if let Some(i) = clicked
            && i < scatter.len()
        {
            self.settings.selected = Some(scatter.name(i));
        }
    }
}

/// One line under the toolbar: what the axes are and where the numbers come from.
fn caption(mode: EmbeddingsMode, space: &EmbeddingSpace, prepared: &Prepared) -> String {
    let proj = &prepared.proj;
    if let Some((method, _)) = prepared.key.map {
        let mut text = format!(
            "{} of {} vectors: it keeps each point's neighbours and bends the rest, so distances between clusters and cluster sizes mean little.",
            method.label(),
            fmt_count(proj.rows.len())
        );
        if prepared.key.spec.isolated.is_some() {
            text.push_str(" Isolated: the selection and its neighbours where the map put them.");
        }
        let _ = write!(
            text,
            " Neighbours are measured in all {} dimensions.",
            space.index.dim()
        );
        return text;
    }
    let c = prepared.key.spec.components;
    let pct = |k: usize| 100.0 * proj.ratios[k];
    let mut text = if mode == EmbeddingsMode::Space {
        format!(
            "PCA of {} vectors: PC{} {:.1}%, PC{} {:.1}%, PC{} {:.1}% of the variance.",
            fmt_count(proj.rows.len()),
            c[0],
            pct(0),
            c[1],
            pct(1),
            c[2],
            pct(2)
        )
    } else {
        format!(
            "PCA of {} vectors: PC{} and PC{} keep {:.1}% of the variance.",
            fmt_count(proj.rows.len()),
            c[0],
            c[1],
            pct(0) + pct(1)
        )
    };
    if prepared.key.spec.isolated.is_some() {
        text.push_str(" Isolated: PCA fitted to the selection and its neighbours alone.");
    } else if space.pca_rows < space.index.len() {
        let _ = write!(
            text,
            " PCA fitted to {} of them, evenly spaced.",
            fmt_count(space.pca_rows)
        );
    }
    let _ = write!(
        text,
        " Neighbours are measured in all {} dimensions, not in this picture.",
        space.index.dim()
    );
    text
}

/// The marker shape of category `k`: the colour cycles through the palette,
/// the shape changes each time it wraps, so no two of the first 28 look alike.
pub(super) fn marker_shape(k: usize) -> MarkerShape {
    match (k / 7) % 4 {
        0 => MarkerShape::Circle,
        1 => MarkerShape::Square,
        2 => MarkerShape::Diamond,
        _ => MarkerShape::Up,
    }
}

/// A screen-space marker like egui_plot draws it.
pub(super) fn marker(
    center: Pos2,
    shape: MarkerShape,
    radius: f32,
    fill: Color32,
    stroke: Stroke,
) -> Shape {
    let r = radius;
    let poly = |pts: Vec<Pos2>| Shape::convex_polygon(pts, fill, stroke);
    match shape {
        MarkerShape::Square => poly(vec![
            center + vec2(-r, -r),
            center + vec2(r, -r),
            center + vec2(r, r),
            center + vec2(-r, r),
        ]),
        MarkerShape::Diamond => poly(vec![
            center + vec2(0.0, -r * 1.3),
            center + vec2(r * 1.3, 0.0),
            center + vec2(0.0, r * 1.3),
            center + vec2(-r * 1.3, 0.0),
        ]),
        MarkerShape::Up => poly(vec![
            center + vec2(0.0, -r * 1.3),
            center + vec2(r * 1.2, r * 0.8),
            center + vec2(-r * 1.2, r * 0.8),
        ]),
        _ => Shape::Circle(egui::epaint::CircleShape {
            center,
            radius: r,
            fill,
            stroke,
        }),
    }
}

/// The point nearest `pointer` on screen, within `within` points.
pub(super) fn nearest(
    n: usize,
    pointer: Pos2,
    within: f32,
    screen: impl Fn(usize) -> Pos2,
) -> Option<usize> {
    let mut best: Option<(f32, usize)> = None;
    for i in 0..n {
        let d = screen(i).distance(pointer);
        if d < within && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, i));
        }
    }
    best.map(|(_, i)| i)
}

/// Every how many points one keeps names off itself (see [`MAX_NAME_OBSTACLES`]).
pub(super) fn obstacle_stride(n: usize) -> usize {
    n.div_ceil(MAX_NAME_OBSTACLES).max(1)
}

/// A point's radius on screen: smaller the more points there are.
pub(super) fn point_radius(n: usize) -> f32 {
    if n <= 2_000 {
        4.0
    } else if n <= 20_000 {
        2.5
    } else {
        1.3
    }
}
