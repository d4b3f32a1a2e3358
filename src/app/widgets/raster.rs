//! Many points drawn as one image: [`PointRaster`] splats points into an RGBA
//! image at screen resolution (label colours averaged where points overlap,
//! opacity growing with how many do), uploads it as a texture, and keeps a
//! grid over the points' screen positions so hovering finds the exact nearest
//! point among all of them.
//!
//! egui shapes per point stop being fast somewhere near 100,000 points
//! (tessellation dominates); one textured rectangle costs the same at any
//! count. The image is redrawn only when its key changes: the caller hashes
//! what the picture depends on (data, colours, view transform, size, theme).

use std::cell::RefCell;
use std::hash::{Hash, Hasher};

use egui::{Color32, ColorImage, Pos2, Rect, Shape, TextureHandle, TextureOptions, pos2};
use egui_plot::{
    ClosestElem, Cursor, HoverPosition, LabelFormatterFn, PlotBounds, PlotConfig, PlotGeometry,
    PlotItem, PlotItemBase, PlotPoint, PlotTransform,
};

/// Above this many points, scatters are rasterized instead of drawn as shapes.
pub const RASTER_POINTS: usize = 50_000;

/// Screen points per side of a grid cell of the picking index.
const CELL: f32 = 8.0;

/// Opacity of a pixel covered by one point; `k` points give 1 − (1 − a)ᵏ.
const ONE_POINT_ALPHA: f32 = 0.7;

/// A hasher for raster keys (stable within one run, which is all a cache needs).
#[must_use]
pub fn key_hasher() -> std::collections::hash_map::DefaultHasher {
    std::collections::hash_map::DefaultHasher::new()
}

/// Hashes an `f32`/`f64` by its bits (floats are not `Hash`).
pub fn hash_f64(h: &mut impl Hasher, x: f64) {
    x.to_bits().hash(h);
}

/// The picture of a set of points at one screen rectangle, and an index of
/// where each point landed.
pub struct PointRaster {
    key: Option<u64>,
    texture: Option<TextureHandle>,
    /// The screen rectangle (points) the image covers.
    rect: Rect,
    /// Screen position of every point (NaN for one not drawn).
    pos: Vec<Pos2>,
    /// The picking grid, built on the first hover after a redraw.
    grid: Option<Grid>,
}

impl Default for PointRaster {
    fn default() -> Self {
        Self {
            key: None,
            texture: None,
            rect: Rect::NOTHING,
            pos: Vec::new(),
            grid: None,
        }
    }
}

/// Points bucketed by grid cell (a counting sort of their indices).
struct Grid {
    origin: Pos2,
    cols: usize,
    rows: usize,
    /// Cell c holds `order[starts[c]..starts[c + 1]]`.
    starts: Vec<u32>,
    order: Vec<u32>,
}

impl PointRaster {
    /// Is the image drawn for `key`?
    #[must_use]
    pub fn is_current(&self, key: u64) -> bool {
        self.key == Some(key)
    }

    /// Redraws the image for `key` unless it shows it already: `n` points,
    /// point `i` at screen position `position(i)` (points; `None` to leave it
    /// out) in colour `color(i)`, as discs of `radius` screen points, into
    /// `rect` at `pixels_per_point`.
    #[expect(clippy::too_many_arguments, reason = "one call draws the picture")]
    pub fn update(
        &mut self,
        ctx: &egui::Context,
        key: u64,
        rect: Rect,
        pixels_per_point: f32,
        n: usize,
        radius: f32,
        position: impl Fn(usize) -> Option<Pos2>,
        color: impl Fn(usize) -> Color32,
    ) {
        if self.is_current(key) {
            return;
        }
        let ppp = pixels_per_point.max(0.1);
        let w = (rect.width() * ppp).ceil().max(1.0) as usize;
        let h = (rect.height() * ppp).ceil().max(1.0) as usize;
        // Offsets of the pixels a disc of `radius` covers (at least one).
        let r = (radius * ppp).max(0.5);
        let reach = r.floor() as i64;
        let kernel: Vec<(i64, i64)> = (-reach..=reach)
            .flat_map(|dy| (-reach..=reach).map(move |dx| (dx, dy)))
            .filter(|&(dx, dy)| ((dx * dx + dy * dy) as f32) <= r * r)
            .collect();

        // Sum of colours and count per pixel.
        let mut acc = vec![[0u32; 4]; w * h];
        self.pos.clear();
        self.pos.reserve(n);
        let (wi, hi) = (w as i64, h as i64);
        for i in 0..n {
            let Some(p) = position(i).filter(|p| rect.contains(*p)) else {
                self.pos.push(pos2(f32::NAN, f32::NAN));
                continue;
            };
            self.pos.push(p);
            let x = ((p.x - rect.min.x) * ppp) as i64;
            let y = ((p.y - rect.min.y) * ppp) as i64;
            let [r8, g8, b8, _] = color(i).to_array();
            let c = [u32::from(r8), u32::from(g8), u32::from(b8)];
            for &(dx, dy) in &kernel {
                let (px, py) = (x + dx, y + dy);
                if px < 0 || py < 0 || px >= wi || py >= hi {
                    continue;
                }
                if let Some(a) = acc.get_mut((py * wi + px) as usize) {
                    a[0] += c[0];
                    a[1] += c[1];
                    a[2] += c[2];
                    a[3] += 1;
                }
            }
        }
        // Opacity by count: a lookup for small counts, opaque beyond.
        let alpha: Vec<u8> = (0..32)
            .map(|k| ((1.0 - (1.0 - ONE_POINT_ALPHA).powi(k)) * 255.0).round() as u8)
            .collect();
        let pixels: Vec<Color32> = acc
            .iter()
            .map(|&[r, g, b, k]| {
                if k == 0 {
                    return Color32::TRANSPARENT;
                }
                let a = alpha.get(k as usize).copied().unwrap_or(255);
                Color32::from_rgba_unmultiplied((r / k) as u8, (g / k) as u8, (b / k) as u8, a)
            })
            .collect();
        let image = ColorImage::new([w, h], pixels);
        match &mut self.texture {
            Some(t) => t.set(image, TextureOptions::NEAREST),
            None => {
                self.texture =
                    Some(ctx.load_texture("point-raster", image, TextureOptions::NEAREST));
            }
        }
        self.rect = rect;
        self.grid = None;
        self.key = Some(key);
    }

    /// The image as a shape covering its rectangle, if there is one.
    #[must_use]
    pub fn shape(&self) -> Option<Shape> {
        let texture = self.texture.as_ref()?;
        // The image has whole pixels; scale its uv so pixels stay square.
        Some(Shape::image(
            texture.id(),
            self.rect,
            Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)),
            Color32::WHITE,
        ))
    }

    /// Where point `i` was drawn, if it was.
    #[must_use]
    pub fn position(&self, i: usize) -> Option<Pos2> {
        self.pos.get(i).copied().filter(|p| p.x.is_finite())
    }

    /// The point drawn nearest to `at` within `max_dist` screen points, and
    /// its distance (exact: every drawn point is considered).
    pub fn nearest(&mut self, at: Pos2, max_dist: f32) -> Option<(usize, f32)> {
        self.key?;
        let grid = self
            .grid
            .get_or_insert_with(|| Grid::build(self.rect, &self.pos));
        let reach = (max_dist / CELL).ceil() as i64;
        let cx = ((at.x - grid.origin.x) / CELL).floor() as i64;
        let cy = ((at.y - grid.origin.y) / CELL).floor() as i64;
        let mut best: Option<(usize, f32)> = None;
        for gy in (cy - reach).max(0)..=(cy + reach).min(grid.rows as i64 - 1) {
            for gx in (cx - reach).max(0)..=(cx + reach).min(grid.cols as i64 - 1) {
                let c = (gy as usize) * grid.cols + gx as usize;
                let (Some(&a), Some(&b)) = (grid.starts.get(c), grid.starts.get(c + 1)) else {
                    continue;
                };
                for &i in grid.order.get(a as usize..b as usize).unwrap_or_default() {
                    let Some(p) = self.pos.get(i as usize) else {
                        continue;
                    };
                    let d = p.distance(at);
                    // Ties go to the lower index, as a plain scan would.
                    if d <= max_dist
                        && best
                            .is_none_or(|(j, e)| d.total_cmp(&e).then((i as usize).cmp(&j)).is_lt())
                    {
                        best = Some((i as usize, d));
                    }
                }
            }
        }
        best
    }
}

impl Grid {
    fn build(rect: Rect, pos: &[Pos2]) -> Self {
        let cols = ((rect.width() / CELL).ceil() as usize).max(1);
        let rows = ((rect.height() / CELL).ceil() as usize).max(1);
        let cell_of = |p: &Pos2| -> Option<usize> {
            if !p.x.is_finite() {
                return None;
            }
            let gx = (((p.x - rect.min.x) / CELL) as usize).min(cols - 1);
            let gy = (((p.y - rect.min.y) / CELL) as usize).min(rows - 1);
            Some(gy * cols + gx)
        };
        let mut starts = vec![0u32; cols * rows + 1];
        for p in pos {
            if let Some(c) = cell_of(p) {
                starts[c + 1] += 1;
            }
        }
        for c in 0..cols * rows {
            starts[c + 1] += starts[c];
        }
        let mut next = starts.clone();
        let mut order = vec![0u32; starts[cols * rows] as usize];
        for (i, p) in pos.iter().enumerate() {
            if let Some(c) = cell_of(p) {
                order[next[c] as usize] = i as u32;
                next[c] += 1;
            }
        }
        Self {
            origin: rect.min,
            cols,
            rows,
            starts,
            order,
        }
    }
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
    P: Fn(usize) -> [f64; 2],
    C: Fn(usize) -> Color32,
{
    /// `n` points at `xy(i)` coloured `color(i)`, drawn as discs of `radius`
    /// points; `data_key` must change whenever positions or colours do.
    /// `bounds` are the points' extent (for the plot's automatic bounds).
    #[expect(clippy::too_many_arguments, reason = "a plot item's inputs")]
    pub fn new(
        ctx: &egui::Context,
        raster: &'a RefCell<PointRaster>,
        data_key: u64,
        n: usize,
        radius: f32,
        bounds: PlotBounds,
        xy: P,
        color: C,
    ) -> Self {
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
        if raster.is_current(key) {
            return;
        }
        // The plot maps x and y independently: two affine maps.
        let o = transform.position_from_point(&PlotPoint::new(0.0, 0.0));
        let [sx, sy] = transform.dpos_dvalue();
        raster.update(
            &self.ctx,
            key,
            rect,
            ppp,
            self.n,
            self.radius,
            |i| {
                let [x, y] = (self.xy)(i);
                Some(pos2(
                    (f64::from(o.x) + x * sx) as f32,
                    (f64::from(o.y) + y * sy) as f32,
                ))
            },
            &self.color,
        );
    }
}

impl<P, C> PlotItem for RasterPoints<'_, P, C>
where
    P: Fn(usize) -> [f64; 2],
    C: Fn(usize) -> Color32,
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
        self.ensure(transform);
        let (i, d) = self.raster.try_borrow_mut().ok()?.nearest(point, 12.0)?;
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
