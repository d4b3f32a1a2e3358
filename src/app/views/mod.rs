//! One folder per view, each keeping the [`view::View`] contract and listed
//! once in [`registry`]. Each view owns its state (its scene table plus
//! caches) and follows prepare → draw. The scatter helpers below are shared.

pub(crate) mod axes;
pub mod data;
pub mod embeddings;
pub mod factorize;
pub mod image;
pub mod network;
pub mod pca;
pub mod projector;
pub mod registry;
pub mod regress;
pub mod transform;
pub mod view;

use std::cell::{Cell, RefCell};

use egui::Color32;
use egui_plot::{AxisHints, HoverPosition, PlotBounds, PlotPoints, PlotUi, Points};

use crate::app::style::{category_color, neutral_point_color};
use crate::app::widgets::{PointRaster, RasterPoints, RasterSpec};

use crate::data::LabelColumn;

/// Scatter points split into one series per category of a label column (one
/// series when there is none), so the plot legend names each colour; a hover
/// on the plot maps back to the point.
pub(crate) struct Series {
    /// Legend name of each series: the category, or "rows".
    pub names: Vec<String>,
    /// `members[k]` are the points of series k, in drawing order.
    pub members: Vec<Vec<usize>>,
}

impl Series {
    /// Groups `points` — pairs of (point, dataset row) — by the row's category.
    pub fn by_label(
        label: Option<&LabelColumn>,
        points: impl IntoIterator<Item = (usize, usize)>,
    ) -> Self {
        let n = label.map_or(1, |l| l.categories.len().max(1));
        let mut members = vec![Vec::new(); n];
        for (point, row) in points {
            let k = label.map_or(0, |l| l.codes.get(row).copied().unwrap_or(0) as usize);
            if let Some(m) = members.get_mut(k) {
                m.push(point);
            }
        }
        let names = (0..n)
            .map(|k| {
                label
                    .and_then(|l| l.categories.get(k).cloned())
                    .unwrap_or_else(|| "rows".to_owned())
            })
            .collect();
        Self { names, members }
    }

    /// Draws each series as filled points in its category's colour (the
    /// theme's neutral colour when `coloured` is off); `xy` places a point.
    pub fn show(
        &self,
        plot_ui: &mut PlotUi<'_>,
        coloured: bool,
        dark: bool,
        radius: f32,
        xy: impl Fn(usize) -> [f64; 2],
    ) {
        for (k, members) in self.members.iter().enumerate() {
            let pts: PlotPoints<'_> = members.iter().map(|&i| xy(i)).collect();
            let color = if coloured {
                category_color(k)
            } else {
                neutral_point_color(dark)
            };
            plot_ui.points(
                Points::new(self.names[k].clone(), pts)
                    .color(color)
                    .radius(radius)
                    .filled(true),
            );
        }
    }

    /// The point under an egui_plot hover, if it is one of ours.
    pub fn hovered(&self, pos: &HoverPosition<'_>) -> Option<usize> {
        let HoverPosition::NearDataPoint {
            plot_name, index, ..
        } = pos
        else {
            return None;
        };
        let k = self.names.iter().position(|n| n == plot_name)?;
        self.members.get(k)?.get(*index).copied()
    }
}

/// The y axis titled `label` (see [`axes`]).
pub(crate) fn sparse_y_axis<'a>(label: impl Into<egui::WidgetText>) -> Vec<AxisHints<'a>> {
    vec![axes::y_axis(label)]
}

/// The x axis titled `label` (see [`axes`]).
pub(crate) fn sparse_x_axis<'a>(label: impl Into<egui::WidgetText>) -> Vec<AxisHints<'a>> {
    vec![axes::x_axis(label)]
}

/// Where the context remembers that the views draw their pictures alone.
fn bare_id() -> egui::Id {
    egui::Id::unique("eigenlens-views-bare")
}

/// Whether the views draw their controls (toolbars, pickers, buttons): not
/// while presenting, nor for a picture without them (a screenshot's "the
/// picture alone", `render --no-controls`).
#[must_use]
pub fn controls_shown(ui: &egui::Ui) -> bool {
    !ui.ctx()
        .data(|d| d.get_temp::<bool>(bare_id()).unwrap_or(false))
}

/// Makes the views in `ctx` draw their controls (`true`) or their pictures
/// alone.
pub fn show_controls(ctx: &egui::Context, on: bool) {
    ctx.data_mut(|d| d.insert_temp(bare_id(), !on));
}

/// Most entries a plot legend lists. A label column with more values still
/// colours the points, without a legend that would cover them:
/// [`legend_note`] says so above the plot.
pub(crate) const LEGEND_MAX: usize = 12;

/// The legend of a scatter coloured by `label`, titled with the column's
/// name, in the corner where the fewest of `points` lie; `None` without a
/// label or when it has more than [`LEGEND_MAX`] values.
pub(crate) fn scatter_legend(
    label: Option<&LabelColumn>,
    points: impl Iterator<Item = [f64; 2]>,
) -> Option<egui_plot::Legend> {
    let l = label.filter(|l| l.categories.len() <= LEGEND_MAX)?;
    Some(
        egui_plot::Legend::default()
            .title(&l.name)
            .position(emptiest_corner(points)),
    )
}

/// The corner of the points' bounding box (a box 40 % of its width and
/// height) holding the fewest of them; the top right on a tie.
pub fn emptiest_corner(points: impl Iterator<Item = [f64; 2]>) -> egui_plot::Corner {
    use egui_plot::Corner;
    // A sample is plenty to find an empty corner.
    let pts: Vec<[f64; 2]> = points
        .filter(|p| p[0].is_finite() && p[1].is_finite())
        .take(200_000)
        .collect();
    let stride = (pts.len() / 20_000).max(1);
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for p in &pts {
        for k in 0..2 {
            lo[k] = lo[k].min(p[k]);
            hi[k] = hi[k].max(p[k]);
        }
    }
    let corners = [
        Corner::RightTop,
        Corner::LeftTop,
        Corner::RightBottom,
        Corner::LeftBottom,
    ];
    if pts.is_empty() {
        return Corner::RightTop;
    }
    let frac = |v: f64, k: usize| {
        let span = hi[k] - lo[k];
        if span > 0.0 { (v - lo[k]) / span } else { 0.5 }
    };
    let mut counts = [0usize; 4];
    for p in pts.iter().step_by(stride) {
        let (fx, fy) = (frac(p[0], 0), frac(p[1], 1));
        let (right, left, top, bottom) = (fx >= 0.6, fx <= 0.4, fy >= 0.6, fy <= 0.4);
        for (i, inside) in [right && top, left && top, right && bottom, left && bottom]
            .into_iter()
            .enumerate()
        {
            counts[i] += usize::from(inside);
        }
    }
    let best = (0..4).min_by_key(|&i| counts[i]).unwrap_or(0);
    corners[best]
}

/// Above a scatter coloured by `label`: why it has no legend, when the
/// column has too many values for one.
pub(crate) fn legend_note(ui: &mut egui::Ui, label: Option<&LabelColumn>) {
    if let Some(l) = label.filter(|l| l.categories.len() > LEGEND_MAX) {
        ui.label(
            egui::RichText::new(format!(
                "{} values of {}: too many for a legend (hover a point for its {}).",
                crate::app::style::fmt_count(l.categories.len()),
                l.name,
                l.name
            ))
            .weak(),
        );
    }
}

/// How much of its colour a point keeps when highlights are drawn over it.
pub(crate) const FADED: f32 = 0.35;

/// A point's colour behind highlights, for a picture of many points: most of
/// the way to the `background`, and opaque, so that a dense crowd of faded
/// points stays light instead of adding up to a dark blot.
pub(crate) fn faded(c: Color32, background: Color32) -> Color32 {
    c.lerp_to_gamma(background, 1.0 - FADED)
}

/// How a [`RasterScatter`] looks: its legend (one name per category
/// colour), whether points take their category's colour (else the theme's
/// neutral one, and no legend), whether every point is faded behind
/// highlights, the theme, and the disc radius in points.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ScatterLook<'l> {
    pub legend: &'l [String],
    pub coloured: bool,
    pub faded: bool,
    pub dark: bool,
    pub radius: f32,
}

/// A scatter of many points drawn as one image ([`PointRaster`]) instead of
/// a shape per point, for more than [`RASTER_POINTS`](crate::app::widgets::RASTER_POINTS)
/// points. Owned by a view beside its state; everything per point is
/// recomputed only when the caller's data key (or the plot's transform) changes.
#[derive(Default)]
pub(crate) struct RasterScatter {
    raster: RefCell<PointRaster>,
    /// For a data key: the finite points' bounds and how many are not finite.
    extent: Cell<Option<(u64, PlotBounds, usize)>>,
}

impl RasterScatter {
    /// The bounds of the points `xy(0..n)` with finite coordinates, and how
    /// many are left out for a missing or infinite one (cached for `key`).
    pub fn extent(
        &self,
        key: u64,
        n: usize,
        xy: impl Fn(usize) -> [f64; 2],
    ) -> (PlotBounds, usize) {
        if let Some((k, bounds, skipped)) = self.extent.get()
            && k == key
        {
            return (bounds, skipped);
        }
        let (mut min, mut max) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        let mut skipped = 0;
        for i in 0..n {
            let [x, y] = xy(i);
            if x.is_finite() && y.is_finite() {
                min = [min[0].min(x), min[1].min(y)];
                max = [max[0].max(x), max[1].max(y)];
            } else {
                skipped += 1;
            }
        }
        let bounds = if skipped < n {
            PlotBounds::from_min_max(min, max)
        } else {
            PlotBounds::NOTHING
        };
        self.extent.set(Some((key, bounds, skipped)));
        (bounds, skipped)
    }

    /// Adds the points to `plot_ui`: the image (hovering reports point `i`
    /// as index `i` of an unnamed item) and one legend entry per name in
    /// `legend`, coloured as `category` colours the points (`coloured` off:
    /// the theme's neutral colour, no legend); `faded` dims every point (so
    /// that highlights drawn over them stand out).
    pub fn show<'a>(
        &'a self,
        plot_ui: &mut PlotUi<'a>,
        key: u64,
        n: usize,
        look: &ScatterLook<'_>,
        xy: impl Fn(usize) -> [f64; 2] + Sync + 'a,
        category: impl Fn(usize) -> usize + Sync + 'a,
    ) {
        let ScatterLook {
            legend,
            coloured,
            faded,
            dark,
            radius,
        } = *look;
        let (bounds, _) = self.extent(key, n, &xy);
        let ctx = plot_ui.ctx().clone();
        let neutral = neutral_point_color(dark);
        let background = ctx.global_style().visuals.extreme_bg_color;
        let color = move |i: usize| -> Color32 {
            let c = if coloured {
                category_color(category(i))
            } else {
                neutral
            };
            if faded { self::faded(c, background) } else { c }
        };
        let mut h = crate::app::widgets::raster::key_hasher();
        std::hash::Hash::hash(&(key, coloured, faded, dark, background), &mut h);
        let key = std::hash::Hasher::finish(&h);
        let spec = RasterSpec {
            data_key: key,
            n,
            radius,
            bounds,
        };
        plot_ui.add(RasterPoints::new(
            &ctx,
            &self.raster,
            spec,
            move |i| {
                let [x, y] = xy(i);
                if x.is_finite() && y.is_finite() {
                    [x, y]
                } else {
                    [f64::NAN, f64::NAN]
                }
            },
            color,
        ));
        if coloured {
            for (k, name) in legend.iter().enumerate() {
                // `add`, not `points`: the latter drops an empty series,
                // and this one is only a legend entry.
                plot_ui.add(
                    Points::new(name.clone(), PlotPoints::new(Vec::new()))
                        .color(category_color(k))
                        .filled(true),
                );
            }
        }
    }

    /// The point under an egui_plot hover of the raster, if any.
    pub fn hovered(pos: &HoverPosition<'_>) -> Option<usize> {
        match pos {
            HoverPosition::NearDataPoint {
                plot_name: "",
                index,
                ..
            } => Some(*index),
            _ => None,
        }
    }
}
