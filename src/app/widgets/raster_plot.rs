//! Many points as one egui_plot item: [`RasterPoints`] draws them through a
//! [`PointRaster`] redrawn for the plot's transform, and hovering finds the
//! nearest of all of them through the raster's grid.

use std::cell::RefCell;
use std::hash::{Hash, Hasher};

use egui::{Color32, Pos2, Shape, pos2};
use egui_plot::{
    ClosestElem, Cursor, HoverPosition, LabelFormatterFn, PlotBounds, PlotConfig, PlotGeometry,
    PlotItem, PlotItemBase, PlotPoint, PlotTransform,
};

use super::raster::{PointRaster, hash_f64, key_hasher};

/// What a [`RasterPoints`] item draws: `n` points as discs of `radius`
/// points, whose positions and colours change exactly when `data_key` does,
/// within `bounds` (their extent, for the plot's automatic bounds).
#[derive(Clone, Copy, Debug)]
pub struct RasterSpec {
    pub data_key: u64,
    pub n: usize,
    pub radius: f32,
    pub bounds: PlotBounds,
}

/// An egui_plot item that draws `n` points through a [`PointRaster`]: the
/// image is redrawn for the plot's transform when it (or `data_key`)
/// changes, and hovering finds the nearest of all points through the raster's
/// grid. The hover index is the point index `i`.
pub struct RasterPoints<'a, P, C> {
    base: PlotItemBase,
    raster: &'a RefCell<PointRaster>,
    data_key: u64,
    n: usize,
    radius: f32,
    bounds: PlotBounds,
    xy: P,
    color: C,
    ctx: egui::Context,
}

impl<'a, P, C> RasterPoints<'a, P, C>
where
    P: Fn(usize) -> [f64; 2] + Sync,
    C: Fn(usize) -> Color32 + Sync,
{
    /// `n` points at `xy(i)` coloured `color(i)`, drawn as discs of `radius`
    /// points; `data_key` must change whenever positions or colours do.
    /// `bounds` are the points' extent (for the plot's automatic bounds).
    pub fn new(
        ctx: &egui::Context,
        raster: &'a RefCell<PointRaster>,
        spec: RasterSpec,
        xy: P,
        color: C,
    ) -> Self {
        let RasterSpec {
            data_key,
            n,
            radius,
            bounds,
        } = spec;
        Self {
            // Unnamed: stays out of the legend (the caller adds one entry per colour).
            base: PlotItemBase::new(String::new()),
            raster,
            data_key,
            n,
            radius,
            bounds,
            xy,
            color,
            ctx: ctx.clone(),
        }
    }

    fn ensure(&self, transform: &PlotTransform) {
        let rect = *transform.frame();
        let ppp = self.ctx.pixels_per_point();
        let mut h = key_hasher();
        self.data_key.hash(&mut h);
        for x in [
            transform.bounds().min()[0],
            transform.bounds().min()[1],
            transform.bounds().max()[0],
            transform.bounds().max()[1],
        ] {
            hash_f64(&mut h, x);
        }
        for x in [rect.min.x, rect.min.y, rect.max.x, rect.max.y, ppp] {
            hash_f64(&mut h, f64::from(x));
        }
        let key = h.finish();
        let Ok(mut raster) = self.raster.try_borrow_mut() else {
            return;
        };
        let xy = &self.xy;
        raster.prepare(
            self.data_key,
            self.n,
            |i| {
                let [x, y] = xy(i);
                Some([x, y, 0.0])
            },
            &self.color,
        );
        // The plot maps x and y independently: two affine maps.
        let o = transform.position_from_point(&PlotPoint::new(0.0, 0.0));
        let [sx, sy] = transform.dpos_dvalue();
        raster.update(&self.ctx, key, rect, ppp, self.radius, |[x, y, _]| {
            Some(pos2(
                (f64::from(o.x) + x * sx) as f32,
                (f64::from(o.y) + y * sy) as f32,
            ))
        });
    }
}

impl<P, C> PlotItem for RasterPoints<'_, P, C>
where
    P: Fn(usize) -> [f64; 2] + Sync,
    C: Fn(usize) -> Color32 + Sync,
{
    fn shapes(&self, _ui: &egui::Ui, transform: &PlotTransform, shapes: &mut Vec<Shape>) {
        self.ensure(transform);
        if let Some(shape) = self.raster.borrow().shape() {
            shapes.push(shape);
        }
    }

    fn initialize(&mut self, _x_range: std::ops::RangeInclusive<f64>) {}

    fn color(&self) -> Color32 {
        Color32::TRANSPARENT
    }

    fn geometry(&self) -> PlotGeometry<'_> {
        // Hovering is answered by find_closest and on_hover below.
        PlotGeometry::None
    }

    fn bounds(&self) -> PlotBounds {
        self.bounds
    }

    fn base(&self) -> &PlotItemBase {
        &self.base
    }

    fn base_mut(&mut self) -> &mut PlotItemBase {
        &mut self.base
    }

    fn find_closest(&self, point: Pos2, transform: &PlotTransform) -> Option<ClosestElem> {
        // While the view moves (drag, zoom, scroll) there is nothing to point at.
        let moving = self.ctx.input(|i| {
            i.pointer.any_down()
                || (i.zoom_delta() - 1.0).abs() > f32::EPSILON
                || i.smooth_scroll_delta != egui::Vec2::ZERO
        });
        if moving {
            return None;
        }
        self.ensure(transform);
        let mut raster = self.raster.try_borrow_mut().ok()?;
        if raster.redrawn_now(&self.ctx) {
            return None;
        }
        let (i, d) = raster.nearest(point, 12.0)?;
        Some(ClosestElem {
            index: i,
            dist_sq: d * d,
        })
    }

    fn on_hover(
        &self,
        plot_area_response: &egui::Response,
        elem: ClosestElem,
        shapes: &mut Vec<Shape>,
        _cursors: &mut Vec<Cursor>,
        plot: &PlotConfig<'_>,
        label_formatter: Option<&LabelFormatterFn<'_>>,
    ) {
        let [x, y] = (self.xy)(elem.index);
        let value = PlotPoint::new(x, y);
        let at = plot.transform.position_from_point(&value);
        let ring = plot.ui.visuals().text_color();
        shapes.push(Shape::circle_stroke(
            at,
            self.radius + 3.0,
            egui::Stroke::new(1.5, ring),
        ));
        // The tooltip as egui_plot shows it for its own points.
        let Some(text) = label_formatter.and_then(|f| {
            f(&HoverPosition::NearDataPoint {
                plot_name: self.name(),
                position: value,
                index: elem.index,
            })
        }) else {
            return;
        };
        let mut tooltip = egui::Tooltip::always_open(
            plot_area_response.ctx.clone(),
            plot_area_response.layer_id,
            plot_area_response.id,
            egui::PopupAnchor::Pointer,
        );
        let width = plot_area_response.ctx.global_style().spacing.tooltip_width;
        tooltip.popup = tooltip.popup.width(width);
        tooltip.gap(12.0).show(|ui| {
            ui.set_max_width(width);
            ui.label(text);
        });
    }
}
