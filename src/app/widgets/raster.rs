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

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use egui::{Color32, ColorImage, Pos2, Rect, Shape, TextureHandle, TextureOptions, pos2};

/// Above this many points, scatters are rasterized instead of drawn as shapes.
pub const RASTER_POINTS: usize = 50_000;

/// Screen points per side of a grid cell of the picking index.
const CELL: f32 = 8.0;

/// Opacity of a pixel covered by one point; `k` points give 1 − (1 − a)ᵏ.
const ONE_POINT_ALPHA: f32 = 0.7;

/// The count's unit in a packed pixel: sums of red, green and blue in bits
/// 0–15, 16–31 and 32–47, the count above. Counting stops at [`MAX_COUNT`]
/// points (the average colour is settled by then), so no sum overflows:
/// 256 · 255 < 2¹⁶. Eight bytes a pixel keep the buffer cache-friendly.
const COUNT_ONE: u64 = 1 << 48;
const MAX_COUNT: u64 = 256;

/// A hasher for raster keys (stable within one run, which is all a cache needs).
#[must_use]
pub fn key_hasher() -> std::collections::hash_map::DefaultHasher {
    std::collections::hash_map::DefaultHasher::new()
}

/// Hashes an `f32`/`f64` by its bits (floats are not `Hash`).
pub fn hash_f64(h: &mut impl Hasher, x: f64) {
    x.to_bits().hash(h);
}

/// A hash of a screen rectangle and its pixel density (for raster keys).
#[must_use]
pub fn hash_rect(rect: Rect, pixels_per_point: f32) -> u64 {
    let mut h = key_hasher();
    for x in [
        rect.min.x,
        rect.min.y,
        rect.max.x,
        rect.max.y,
        pixels_per_point,
    ] {
        hash_f64(&mut h, f64::from(x));
    }
    h.finish()
}

/// Hashes everything an orbit camera's picture depends on.
pub fn hash_camera(h: &mut impl Hasher, camera: &crate::scene::CameraSettings) {
    for x in [camera.yaw, camera.pitch, camera.distance] {
        hash_f64(h, f64::from(x));
    }
    for x in camera.target {
        hash_f64(h, f64::from(x));
    }
    (camera.projection == crate::scene::Projection::Perspective).hash(h);
}

/// The picture of a set of points at one screen rectangle, and an index of
/// where each point landed.
pub struct PointRaster {
    /// The points in drawing order, for the data key they were prepared for.
    prepared: Option<(u64, Prepared)>,
    key: Option<u64>,
    texture: Option<TextureHandle>,
    /// The image last uploaded, written in place next time if egui has
    /// let go of it.
    image: Option<Arc<ColorImage>>,
    /// The screen rectangle (points) the image covers.
    rect: Rect,
    /// Screen position of every point in drawing order (NaN for one not drawn).
    pos: Vec<Pos2>,
    /// One accumulation buffer per drawing thread, kept between redraws:
    /// per pixel, the sums of red, green and blue and the count, 16 bits
    /// each (see [`COUNT_ONE`]).
    acc: Vec<Vec<u64>>,
    /// The picking grid, built on the first hover after a redraw.
    grid: Option<Grid>,
    /// The egui frame of the last redraw (a frame may run several passes).
    drawn_frame: Option<u64>,
}

impl Default for PointRaster {
    fn default() -> Self {
        Self {
            prepared: None,
            key: None,
            texture: None,
            image: None,
            rect: Rect::NOTHING,
            pos: Vec::new(),
            acc: Vec::new(),
            grid: None,
            drawn_frame: None,
        }
    }
}

/// The points sorted along a Morton (Z-order) curve through their
/// coordinates, so that points near each other on screen are near each other
/// in memory and splatting them touches the image in cache-friendly order.
#[derive(Default)]
struct Prepared {
    /// `order[k]` is the caller's index of the k-th point drawn.
    order: Vec<u32>,
    /// Coordinates minus `centre`, as f32, in drawing order.
    coords: Vec<[f32; 3]>,
    /// Packed colours (see [`COUNT_ONE`]) in drawing order.
    colors: Vec<u64>,
    centre: [f64; 3],
}

impl Prepared {
    fn new(
        n: usize,
        coords: impl Fn(usize) -> Option<[f64; 3]>,
        color: impl Fn(usize) -> Color32,
    ) -> Self {
        let all: Vec<Option<[f64; 3]>> = (0..n)
            .map(|i| coords(i).filter(|c| c.iter().all(|x| x.is_finite())))
            .collect();
        let (mut lo, mut hi) = ([f64::INFINITY; 3], [f64::NEG_INFINITY; 3]);
        for c in all.iter().flatten() {
            for a in 0..3 {
                lo[a] = lo[a].min(c[a]);
                hi[a] = hi[a].max(c[a]);
            }
        }
        let centre: [f64; 3] = std::array::from_fn(|a| {
            if lo[a] <= hi[a] {
                0.5 * (lo[a] + hi[a])
            } else {
                0.0
            }
        });
        // 10 bits per axis, interleaved: a 30-bit Morton code.
        let cell = |a: usize, x: f64| -> u64 {
            let span = hi[a] - lo[a];
            if span > 0.0 {
                (((x - lo[a]) / span) * 1023.0) as u64
            } else {
                0
            }
        };
        let mut keyed: Vec<u64> = all
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let c = (*c)?;
                let code =
                    spread(cell(0, c[0])) | spread(cell(1, c[1])) << 1 | spread(cell(2, c[2])) << 2;
                Some(code << 32 | i as u64)
            })
            .collect();
        keyed.sort_unstable();
        let order: Vec<u32> = keyed.iter().map(|&k| k as u32).collect();
        let coords = order
            .iter()
            .map(|&i| {
                let c = all.get(i as usize).copied().flatten().unwrap_or(centre);
                std::array::from_fn(|a| (c[a] - centre[a]) as f32)
            })
            .collect();
        let colors = order
            .iter()
            .map(|&i| {
                let [r, g, b, _] = color(i as usize).to_array();
                u64::from(r) | u64::from(g) << 16 | u64::from(b) << 32 | COUNT_ONE
            })
            .collect();
        Self {
            order,
            coords,
            colors,
            centre,
        }
    }
}

/// The 10 low bits of `x` spread out to every third bit (for Morton codes).
fn spread(x: u64) -> u64 {
    let mut x = x & 0x3FF;
    x = (x | x << 16) & 0x0300_00FF;
    x = (x | x << 8) & 0x0300_F00F;
    x = (x | x << 4) & 0x030C_30C3;
    (x | x << 2) & 0x0924_9249
}

/// Where a redraw splats points.
#[derive(Clone, Copy)]
struct Canvas<'a> {
    rect: Rect,
    ppp: f32,
    w: usize,
    h: usize,
    kernel: &'a [(i64, i64)],
}

impl Canvas<'_> {
    /// Splats the points at `coords` (coloured `colors`) into `acc`,
    /// recording where each landed in `pos`.
    fn splat(
        self,
        acc: &mut [u64],
        pos: &mut [Pos2],
        coords: &[[f32; 3]],
        colors: &[u64],
        position: impl Fn(&[f32; 3]) -> Option<Pos2>,
    ) {
        let (wi, hi) = (self.w as i64, self.h as i64);
        let single = self.kernel.len() == 1;
        for ((slot, c), &color) in pos.iter_mut().zip(coords).zip(colors) {
            let Some(p) = position(c).filter(|p| self.rect.contains(*p)) else {
                continue;
            };
            *slot = p;
            let x = ((p.x - self.rect.min.x) * self.ppp) as i64;
            let y = ((p.y - self.rect.min.y) * self.ppp) as i64;
            let mut add = |px: i64, py: i64| {
                if px >= 0
                    && py >= 0
                    && px < wi
                    && py < hi
                    && let Some(a) = acc.get_mut((py * wi + px) as usize)
                    && *a >> 48 < MAX_COUNT
                {
                    *a += color;
                }
            };
            if single {
                add(x, y);
            } else {
                for &(dx, dy) in self.kernel {
                    add(x + dx, y + dy);
                }
            }
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

    /// Makes `n` points the ones drawn (unless they are, for `data_key`):
    /// point `i` at `coords(i)` (`None` or not finite: never drawn) in colour
    /// `color(i)`. Sorting them for drawing costs a little once per data key.
    pub fn prepare(
        &mut self,
        data_key: u64,
        n: usize,
        coords: impl Fn(usize) -> Option<[f64; 3]>,
        color: impl Fn(usize) -> Color32,
    ) {
        if self.prepared.as_ref().is_some_and(|(k, _)| *k == data_key) {
            return;
        }
        self.prepared = Some((data_key, Prepared::new(n, coords, color)));
        self.key = None;
    }

    /// Redraws the image of the prepared points for `view_key` unless it
    /// shows it already: `project` takes a point's coordinates to the screen
    /// (points; `None` to leave it out); each is a disc of `radius` screen
    /// points, into `rect` at `pixels_per_point`. The points are shared out
    /// between threads.
    pub fn update(
        &mut self,
        ctx: &egui::Context,
        view_key: u64,
        rect: Rect,
        pixels_per_point: f32,
        radius: f32,
        project: impl Fn([f64; 3]) -> Option<Pos2> + Sync,
    ) {
        let Some((data_key, prepared)) = &self.prepared else {
            return;
        };
        let key = view_key ^ data_key.rotate_left(17);
        if self.is_current(key) {
            return;
        }
        let n = prepared.order.len();
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
        let canvas = Canvas {
            rect,
            ppp,
            w,
            h,
            kernel: &kernel,
        };

        // Each thread splats its share of the points into its own buffer;
        // the buffers are kept between redraws so their pages stay mapped.
        let threads = if n < 500_000 {
            1
        } else {
            std::thread::available_parallelism()
                .map_or(1, std::num::NonZero::get)
                .clamp(1, 4)
        };
        self.acc.resize_with(threads, Vec::new);
        for acc in &mut self.acc {
            acc.clear();
            acc.resize(w * h, 0);
        }
        self.pos.clear();
        self.pos.resize(n, pos2(f32::NAN, f32::NAN));
        let per = n.div_ceil(threads).max(1);
        let centre = prepared.centre;
        let position = |c: &[f32; 3]| project(std::array::from_fn(|a| centre[a] + f64::from(c[a])));
        let position = &position;
        std::thread::scope(|s| {
            let mut pos = self.pos.as_mut_slice();
            let mut coords = prepared.coords.as_slice();
            let mut colors = prepared.colors.as_slice();
            for acc in &mut self.acc {
                let take = per.min(pos.len());
                let (mine, rest) = pos.split_at_mut(take);
                pos = rest;
                let (my_coords, rest) = coords.split_at(take.min(coords.len()));
                coords = rest;
                let (my_colors, rest) = colors.split_at(take.min(colors.len()));
                colors = rest;
                if threads == 1 {
                    canvas.splat(acc, mine, my_coords, my_colors, position);
                } else {
                    s.spawn(move || canvas.splat(acc, mine, my_coords, my_colors, position));
                }
            }
        });

        // Opacity by count, and 2¹⁶/count to average without dividing.
        let alpha: Vec<u64> = (0..=MAX_COUNT)
            .map(|k| ((1.0 - (1.0 - ONE_POINT_ALPHA).powi(k as i32)) * 255.0).round() as u64)
            .collect();
        let inverse: Vec<u64> = (0..=MAX_COUNT).map(|k| (1 << 16) / k.max(1) + 1).collect();
        let shade = |v: u64| -> Color32 {
            let k = (v >> 48) as usize;
            if k == 0 {
                return Color32::TRANSPARENT;
            }
            let (a, inv) = (alpha[k], inverse[k]);
            // Average of each channel, then premultiplied by the opacity.
            let channel =
                |shift: u32| (((((v >> shift) & 0xFFFF) * inv) >> 16).min(255) * a / 255) as u8;
            Color32::from_rgba_premultiplied(channel(0), channel(16), channel(32), a as u8)
        };
        let empty = Vec::new();
        let (first, others) = self.acc.split_first().unwrap_or((&empty, &[]));
        let pixel = |p: usize| -> Color32 {
            let mut v = first.get(p).copied().unwrap_or_default();
            for other in others {
                let o = other.get(p).copied().unwrap_or_default();
                // Add two packed pixels, within the cap.
                if o != 0 && (v >> 48) + (o >> 48) <= MAX_COUNT {
                    v += o;
                } else if v == 0 {
                    v = o;
                }
            }
            shade(v)
        };
        // Write into last redraw's image if the renderer is done with it (no
        // fresh pages to fault in), else into a new one.
        let reused = self
            .image
            .as_mut()
            .and_then(Arc::get_mut)
            .filter(|im| im.size == [w, h]);
        if let Some(image) = reused {
            for (p, out) in image.pixels.iter_mut().enumerate() {
                *out = pixel(p);
            }
        } else {
            let pixels = (0..w * h).map(pixel).collect();
            self.image = Some(Arc::new(ColorImage::new([w, h], pixels)));
        }
        let Some(image) = self.image.clone() else {
            return;
        };
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
        self.drawn_frame = Some(ctx.cumulative_frame_nr());
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

    /// Was the image redrawn in this egui frame? (Then the view is moving, and
    /// hovering can wait: the picking grid is built once it settles.)
    #[must_use]
    pub fn redrawn_now(&self, ctx: &egui::Context) -> bool {
        self.drawn_frame == Some(ctx.cumulative_frame_nr())
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
                for &k in grid.order.get(a as usize..b as usize).unwrap_or_default() {
                    let (Some(p), Some(&i)) = (
                        self.pos.get(k as usize),
                        self.prepared
                            .as_ref()
                            .and_then(|(_, pr)| pr.order.get(k as usize)),
                    ) else {
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

#[cfg(test)]
mod tests {
    use super::PointRaster;
    use egui::{Color32, Pos2, Rect, pos2};

    /// Picking through the grid finds the point a scan of every point finds
    /// (nearest within the radius), for points inside, on the edge of and
    /// outside the image.
    #[test]
    fn nearest_matches_a_full_scan() {
        let ctx = egui::Context::default();
        let mut rng = fastrand::Rng::with_seed(3);
        let n = 20_000;
        let coords: Vec<[f64; 3]> = (0..n)
            .map(|_| [rng.f64() * 120.0 - 10.0, rng.f64() * 90.0 - 5.0, 0.0])
            .collect();
        let rect = Rect::from_min_max(pos2(0.0, 0.0), pos2(100.0, 80.0));
        let project = |c: [f64; 3]| Some(pos2(c[0] as f32, c[1] as f32));
        let mut raster = PointRaster::default();
        raster.prepare(7, n, |i| Some(coords[i]), |_| Color32::RED);
        raster.update(&ctx, 1, rect, 1.0, 1.0, project);
        let scan = |at: Pos2, max: f32| -> Option<(usize, f32)> {
            let mut best: Option<(usize, f32)> = None;
            for (i, c) in coords.iter().enumerate() {
                let Some(p) = project(*c).filter(|p| rect.contains(*p)) else {
                    continue;
                };
                let d = p.distance(at);
                if d <= max && best.is_none_or(|(_, e)| d < e) {
                    best = Some((i, d));
                }
            }
            best
        };
        for _ in 0..500 {
            let at = pos2(rng.f32() * 110.0 - 5.0, rng.f32() * 90.0 - 5.0);
            let max = rng.f32() * 12.0;
            let found = raster.nearest(at, max);
            let expected = scan(at, max);
            // The raster keeps coordinates as f32: distances agree to well
            // under a pixel, and the point is the same unless two tie.
            let same = match (found, expected) {
                (None, None) => true,
                (Some((i, d)), Some((j, e))) => i == j || (d - e).abs() < 1e-3,
                _ => false,
            };
            assert!(same, "at {at:?}, within {max}: {found:?} vs {expected:?}");
        }
    }

    /// The image counts every point inside the rectangle once: with one
    /// pixel per point, the opaque and translucent pixels hold them all.
    #[test]
    fn every_point_inside_is_drawn() {
        let ctx = egui::Context::default();
        let mut raster = PointRaster::default();
        let pts = [
            [1.5, 1.5, 0.0],
            [1.2, 1.7, 0.0],
            [8.5, 3.5, 0.0],
            [20.0, 1.0, 0.0],
        ];
        raster.prepare(1, pts.len(), |i| Some(pts[i]), |_| Color32::WHITE);
        let rect = Rect::from_min_max(pos2(0.0, 0.0), pos2(10.0, 5.0));
        raster.update(&ctx, 1, rect, 1.0, 0.5, |c| {
            Some(pos2(c[0] as f32, c[1] as f32))
        });
        let drawn = raster.pos.iter().filter(|p| p.x.is_finite()).count();
        assert_eq!(drawn, 3);
        let counts: Vec<u64> = raster.acc[0]
            .iter()
            .map(|v| v >> 48)
            .filter(|&k| k > 0)
            .collect();
        assert_eq!(counts.iter().sum::<u64>(), 3);
        assert_eq!(counts.iter().max(), Some(&2));
    }
}
