//! The 3D view: the prepared points on three components under the orbit
//! camera (one image above [`RASTER_POINTS`] points, a marker each below),
//! the highlights, the legend and the names.

use std::hash::{Hash, Hasher};

use egui::{Color32, Pos2, Rect, Response, Stroke, Ui, pos2, vec2};
use egui_plot::MarkerShape;

use super::names::{draw_names, label_order, paint_legend};
use super::plot::{
    ANALOGY_COLOR, KEPT_COLOR, LOST_COLOR, RASTER_RADIUS, Scatter, marker, marker_shape, nearest,
    obstacle_stride, point_radius,
};
use crate::app::style::{category_color, neutral_point_color};
use crate::app::views::faded;
use crate::app::widgets::raster::{hash_camera, hash_rect, key_hasher};
use crate::app::widgets::{OrbitView, PointRaster, Projector, RASTER_POINTS, Scene3d};
use crate::scene::CameraSettings;

/// What drawing one frame of the 3D view found out: where points landed on
/// screen, for names, hover and clicks.
struct Drawn {
    /// Screen position of each point drawn (a sample of them for an image).
    screen: Vec<Option<Pos2>>,
    /// Where a − b + c landed.
    target: Option<Pos2>,
    /// The camera's projection this frame.
    projector: Option<Projector>,
    /// The point under the pointer in the image, if any.
    raster_hover: Option<usize>,
}

/// Point `p` scaled into the unit sphere of the 3D view.
fn world(sc: &Scatter<'_>, p: [f64; 3]) -> [f32; 3] {
    let r = sc.prepared.proj.radius;
    [(p[0] / r) as f32, (p[1] / r) as f32, (p[2] / r) as f32]
}

/// The 3D view. Returns the point clicked, if any.
pub(super) fn plot_3d(
    ui: &mut Ui,
    sc: &Scatter<'_>,
    (camera, home): (&mut CameraSettings, CameraSettings),
    raster: &mut PointRaster,
) -> (Option<usize>, Option<usize>) {
    let n = sc.len();
    let c = sc.components();
    let _ = c;
    let axis_names = [0, 1, 2].map(|k| sc.axis_name(k));
    // Above RASTER_POINTS the points are one image, redrawn when what it
    // shows changes; only a sample and the highlighted points are placed.
    let big = n > RASTER_POINTS;
    let background = ui.visuals().extreme_bg_color;
    let mut h = key_hasher();
    (
        &sc.prepared.key,
        sc.color.map(|l| &l.name),
        sc.marks.dimmed(),
        sc.look.dark,
        background,
    )
        .hash(&mut h);
    let data_key = h.finish();
    let mut h = key_hasher();
    hash_camera(&mut h, camera);
    let camera_key = h.finish();
    let pointer = ui.ctx().pointer_hover_pos();
    let ctx = ui.ctx().clone();
    let avail = ui.available_size();
    let mut drawn = Drawn {
        screen: vec![None; n],
        target: None,
        projector: None,
        raster_hover: None,
    };
    let response = OrbitView::new("embeddings-orbit", camera, home)
        .axis_names([&axis_names[0], &axis_names[1], &axis_names[2]])
        .show(ui, avail, |scene| {
            drawn.projector = Some(scene.proj);
            if big {
                let image = Image {
                    ctx: &ctx,
                    data_key,
                    view_key: camera_key,
                    background,
                    pointer,
                };
                draw_image(scene, sc, raster, &image, &mut drawn);
            } else {
                draw_markers(scene, sc, &mut drawn.screen);
            }
            drawn.target = highlights_3d(scene, sc);
        });
    let rect = response.rect;
    let legend = sc
        .color
        .and_then(|column| paint_legend(ui, rect.shrink2(vec2(0.0, 24.0)), column, sc.look, !big));
    if sc.labels {
        names_3d(ui, sc, &drawn, big, rect, legend);
    }
    hover_and_click(sc, &response, &drawn, big, raster, pointer)
}

/// What the image of many points depends on, and where the pointer is.
struct Image<'a> {
    ctx: &'a egui::Context,
    data_key: u64,
    view_key: u64,
    background: Color32,
    pointer: Option<Pos2>,
}

/// Every point as one image under the scene, redrawn when the camera or the
/// points change; a sample of the points is placed for names.
fn draw_image(
    scene: &mut Scene3d,
    sc: &Scatter<'_>,
    raster: &mut PointRaster,
    image: &Image<'_>,
    drawn: &mut Drawn,
) {
    let place = scene.proj;
    let (dimmed, dark) = (sc.marks.dimmed(), sc.look.dark);
    let proj = &sc.prepared.proj;
    let color_of = |i: usize| {
        let c = sc.color.map_or(neutral_point_color(dark), |l| {
            category_color(l.codes.get(proj.rows[i]).copied().unwrap_or(0) as usize)
        });
        if dimmed {
            faded(c, image.background)
        } else {
            c
        }
    };
    let n = sc.len();
    raster.prepare(image.data_key, n, |i| Some(proj.points[i]), color_of);
    let rect = place.rect();
    let ppp = image.ctx.pixels_per_point();
    raster.update(
        image.ctx,
        image.view_key ^ hash_rect(rect, ppp),
        rect,
        ppp,
        RASTER_RADIUS,
        |p| place.project(world(sc, p)).map(|q| q.pos),
    );
    if let Some(shape) = raster.shape() {
        scene.underlay(shape);
    }
    if let Some(ptr) = image.pointer.filter(|p| rect.contains(*p))
        && !raster.redrawn_now(image.ctx)
    {
        drawn.raster_hover = raster.nearest(ptr, 8.0).map(|(i, _)| i);
    }
    for i in (0..n).step_by(obstacle_stride(n)) {
        drawn.screen[i] = place.project(world(sc, proj.points[i])).map(|q| q.pos);
    }
}

/// A marker per point, in its category's colour and shape.
fn draw_markers(scene: &mut Scene3d, sc: &Scatter<'_>, screen: &mut [Option<Pos2>]) {
    let radius = point_radius(sc.len());
    let dimmed = sc.marks.dimmed();
    let proj = &sc.prepared.proj;
    for (i, &row) in proj.rows.iter().enumerate() {
        let (fill, shape) = match sc.color {
            Some(l) => {
                let k = l.codes.get(row).copied().unwrap_or(0) as usize;
                (category_color(k), marker_shape(k))
            }
            None => (neutral_point_color(sc.look.dark), MarkerShape::Circle),
        };
        let fill = if dimmed {
            fill.gamma_multiply(0.35)
        } else {
            fill
        };
        screen[i] = scene.shape_at(world(sc, proj.points[i]), |pos| {
            marker(pos, shape, radius, fill, Stroke::NONE)
        });
    }
}

/// Search matches ringed, lines from the selection to its neighbours, the
/// analogy's arrows. Returns where a − b + c landed.
fn highlights_3d(scene: &mut Scene3d, sc: &Scatter<'_>) -> Option<Pos2> {
    let radius = point_radius(sc.len());
    let (marks, text) = (sc.marks, sc.look.text);
    let at = |i: usize| world(sc, sc.point(i));
    if let Some(m) = &marks.matches {
        for &i in m.iter().take(super::plot::MAX_RINGED) {
            scene.point_outlined(
                at(i),
                radius + 2.5,
                Color32::TRANSPARENT,
                Stroke::new(1.2, text),
            );
        }
    }
    if let Some(sel) = marks.selected {
        let p = at(sel);
        for &nb in &marks.neighbors {
            scene.line(p, at(nb), Stroke::new(1.2, text.gamma_multiply(0.45)));
            scene.point_outlined(
                at(nb),
                radius + 2.0,
                Color32::TRANSPARENT,
                Stroke::new(1.2, text),
            );
        }
        scene.point_outlined(
            p,
            radius + 4.0,
            Color32::TRANSPARENT,
            Stroke::new(2.0, text),
        );
    }
    // On a map: the hovered point's neighbours in the original space,
    // solid if the map kept them near, dashed if it lost them.
    if let Some((hovered, list)) = &marks.fate {
        for &(nb, kept) in list {
            if kept {
                scene.line(at(*hovered), at(nb), Stroke::new(1.6, KEPT_COLOR));
            } else {
                scene.dashed(at(*hovered), at(nb), Stroke::new(1.4, LOST_COLOR));
            }
        }
    }
    let (abc, target, best) = marks.analogy.as_ref()?;
    let [Some(a), Some(b), Some(c)] = *abc else {
        return None;
    };
    let t = world(sc, *target);
    scene.arrow(at(b), at(a), 2.0, ANALOGY_COLOR, None);
    scene.arrow(at(c), t, 2.0, ANALOGY_COLOR, None);
    let target_screen = scene.point(t, 4.0, ANALOGY_COLOR);
    if let Some(d) = best {
        scene.dashed(t, at(*d), Stroke::new(1.5, ANALOGY_COLOR));
    }
    target_screen
}

/// Names beside the points (the analogy's target first), clear of the legend.
fn names_3d(ui: &Ui, sc: &Scatter<'_>, drawn: &Drawn, big: bool, rect: Rect, legend: Option<Rect>) {
    let at = |i: usize| {
        drawn.screen[i].or_else(|| {
            drawn
                .projector
                .filter(|_| big)?
                .project(world(sc, sc.point(i)))
                .map(|q| q.pos)
        })
    };
    let mut candidates: Vec<(Pos2, String, bool)> =
        label_order(&sc.prepared.proj.points, true, sc.marks)
            .into_iter()
            .filter_map(|(i, strong)| Some((at(i)?, sc.name(i), strong)))
            .collect();
    if let Some(t) = drawn.target {
        candidates.insert(0, (t, "a − b + c".to_owned(), true));
    }
    let all: Vec<Pos2> = drawn.screen.iter().flatten().copied().collect();
    let keep_clear: Vec<Rect> = legend.into_iter().collect();
    draw_names(
        ui,
        rect.shrink(2.0),
        &candidates,
        &all,
        &keep_clear,
        sc.look,
    );
}

/// The hovered point's details at the pointer; the point clicked, if any.
fn hover_and_click(
    sc: &Scatter<'_>,
    response: &Response,
    drawn: &Drawn,
    big: bool,
    raster: &mut PointRaster,
    pointer: Option<Pos2>,
) -> (Option<usize>, Option<usize>) {
    let n = sc.len();
    let on_screen = |i: usize| drawn.screen[i].unwrap_or(pos2(f32::NAN, f32::NAN));
    let hovered = if big {
        drawn.raster_hover
    } else {
        pointer.and_then(|p| nearest(n, p, 8.0, on_screen))
    };
    if let Some(i) = hovered
        && response.hovered()
    {
        response.clone().on_hover_text_at_pointer(sc.details(i));
    }
    let hovered = hovered.filter(|_| response.hovered());
    if response.clicked()
        && let Some(pointer) = response.interact_pointer_pos()
    {
        if big {
            return (raster.nearest(pointer, 10.0).map(|(i, _)| i), hovered);
        }
        return (nearest(n, pointer, 10.0, on_screen), hovered);
    }
    (None, hovered)
}
