//! The PCA view's 3D story: the cloud, its mean, principal axes and PC1–PC2
//! plane in an orbit view, animated by [`crate::math::pca::Story`] (centre
//! and rotate, project, turn to face the viewer), with its playback controls
//! and caption. Each frame places the prepared scores; nothing is refitted.

use std::hash::{Hash as _, Hasher as _};

use egui::{Align2, Color32, FontId, Pos2, Rect, RichText, Stroke, Ui, pos2, vec2};
use nalgebra::Vector3;

use super::Draw;
use super::scores::{point_color, point_details};
use crate::app::style::{category_color, fmt_count};
use crate::app::widgets::raster::{hash_camera, hash_f64, hash_rect, key_hasher};
use crate::app::widgets::{
    OrbitView, PointRaster, Projector, RASTER_POINTS, Scene3d, place_labels,
};
use crate::data::LabelColumn;
use crate::math::pca::{Pca, PreparedFit, Story, StoryFrame};
use crate::scene::{CameraSettings, PcaSettings};

/// The 3D view draws at most this many points as shapes (every k-th row
/// above it); above RASTER_POINTS it draws them all as one image instead.
const MAX_3D_POINTS: usize = 20_000;
/// Residual segments drawn at most, when the points are one image.
const MAX_3D_SEGMENTS: usize = 2_000;
/// Seconds the whole animation takes at 1× speed.
const ANIMATION_SECONDS: f32 = 9.0;

/// Where the story's steps stop: the data, then the end of each stage.
pub(super) const STOPS: [f32; 4] = [0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0];

/// The caption for the animation at `progress`: the one of the step being
/// played toward (or stopped at), so the view and presentation mode's
/// caption strip say the same at every step. With the fit, the last says
/// how much of the variance the scores keep.
pub(super) fn caption(progress: f32, pca: Option<&Pca>) -> String {
    let step = STOPS
        .iter()
        .position(|&s| progress <= s + 1e-6)
        .unwrap_or(STOPS.len() - 1);
    match step {
        0 => "The data: each row is a point in 3D. Arrows: the principal axes, each as long as √λ (its standard deviation); Σ = XᵀX / (n − 1) for centred X.".to_owned(),
        1 => "① Centre and rotate: subtract the mean μ and turn the cloud so that PC1, PC2 and PC3 line up with the axes (X·V).".to_owned(),
        2 => "② Project: every point slides along PC3 onto the PC1–PC2 plane; its segment is what is lost (the reconstruction error).".to_owned(),
        _ => match pca {
            Some(pca) => {
                let ratio = &pca.explained_variance_ratio;
                let kept = 100.0 * (ratio[0] + ratio.get(1).copied().unwrap_or(0.0));
                format!("③ Turn the plane to face us: its coordinates are the scores on PC1 and PC2, which keep (λ₁ + λ₂) / Σλ = {kept:.1}% of the variance.")
            }
            None => "③ Turn the plane to face us: its coordinates are the scores on PC1 and PC2, which keep (λ₁ + λ₂) / Σλ of the variance.".to_owned(),
        },
    }
}

/// The story's state, borrowed from the view for one frame.
pub(super) struct Story3d<'a> {
    pub settings: &'a mut PcaSettings,
    /// Where Reset puts the camera.
    pub home: CameraSettings,
    pub playing: &'a mut bool,
    pub speed: &'a mut f32,
    /// The points as one image, above RASTER_POINTS.
    pub raster: &'a mut PointRaster,
    /// The point hovered last frame in another panel (a used row), ringed here.
    pub linked: Option<usize>,
}

/// What the 3D view drew in one frame, for the other panels and for tests.
#[derive(Clone, Debug, Default)]
pub struct StoryDrawn {
    /// The used row under the pointer.
    pub hovered: Option<usize>,
    /// The used row ringed because another panel has it under the pointer.
    pub marked: Option<usize>,
    /// The axis names and where they were written, in screen points.
    pub labels: Vec<(String, Rect)>,
    /// Where each used row was drawn (`None`: not drawn as a shape).
    pub points: Vec<Option<Pos2>>,
}

/// A name to write beside a point of the scene, placed with the others so
/// that none covers another.
struct Label3d {
    text: String,
    at: [f32; 3],
    color: Color32,
    size: f32,
}

/// What one frame of the 3D scene draws.
struct Frame<'a> {
    fit: &'a PreparedFit,
    label: Option<&'a LabelColumn>,
    progress: f32,
    /// Three columns (else the first three scores of more).
    three: bool,
    dark: bool,
    pointer: Option<egui::Pos2>,
    ctx: &'a egui::Context,
    /// What the raster's points depend on.
    data_key: u64,
    /// What their picture depends on besides (the rectangle is added later).
    story_key: u64,
    /// The used row to ring for another panel.
    linked: Option<usize>,
}

impl Story3d<'_> {
    /// The orbit view, then Play, the progress slider and the speed.
    pub fn ui(&mut self, ui: &mut Ui, draw: &Draw<'_>) -> StoryDrawn {
        let &Draw {
            ds,
            fit,
            fit_key,
            label,
        } = draw;
        let pca = &fit.pca;
        let d = pca.n_features();
        if d < 3 {
            ui.label(
                RichText::new(
                    "Choose three columns (Columns menu) to see PCA turn and flatten a 3D cloud.",
                )
                .weak(),
            );
            return StoryDrawn::default();
        }
        let settings = &mut *self.settings;
        // Playback controls.
        let dt = ui.input(|i| i.stable_dt).min(0.1);
        if *self.playing {
            settings.progress += dt * *self.speed / ANIMATION_SECONDS;
            if settings.progress >= 1.0 {
                settings.progress = 1.0;
                *self.playing = false;
            }
            ui.ctx().request_repaint();
        }
        let ctrl_h = 30.0;
        let avail = ui.available_size();
        let size = vec2(avail.x, (avail.y - ctrl_h - 8.0).max(120.0));
        let three = d == 3;
        let axis_names: [&str; 3] = if settings.progress > 0.0 || !three {
            ["PC1", "PC2", "PC3"]
        } else {
            [
                pca.columns[0].as_str(),
                pca.columns[1].as_str(),
                pca.columns[2].as_str(),
            ]
        };
        let progress = settings.progress;
        let dark = ui.visuals().dark_mode;
        let mut h = key_hasher();
        (fit_key, label.map(|l| &l.name), dark).hash(&mut h);
        let data_key = h.finish();
        let mut h = key_hasher();
        three.hash(&mut h);
        hash_f64(&mut h, f64::from(progress));
        hash_camera(&mut h, &settings.camera);
        let story_key = h.finish();
        let ctx = ui.ctx().clone();
        let frame = Frame {
            fit,
            label,
            progress,
            three,
            dark,
            pointer: ui.ctx().pointer_hover_pos(),
            ctx: &ctx,
            data_key,
            story_key,
            linked: self.linked,
        };
        let raster = &mut *self.raster;
        let mut drawn = StoryDrawn::default();
        let mut hovered: Option<(f32, usize)> = None;
        let response = OrbitView::new("pca-orbit", &mut settings.camera, self.home)
            .axis_names(axis_names)
            .show(ui, size, |scene| {
                hovered = draw_story(scene, &frame, raster, &mut drawn);
            });
        if let Some((_, i)) = hovered
            && response.hovered()
        {
            drawn.hovered = Some(i);
            response.on_hover_text_at_pointer(point_details(ds, fit, i));
        }
        self.controls(ui);
        drawn
    }

    /// Play / Pause, the progress slider and the speed.
    fn controls(&mut self, ui: &mut Ui) {
        let (settings, playing, speed) =
            (&mut *self.settings, &mut *self.playing, &mut *self.speed);
        ui.horizontal(|ui| {
            let play_label = if *playing { "‖ Pause" } else { "▶ Play" };
            if ui.button(play_label).clicked() {
                if !*playing && settings.progress >= 1.0 {
                    settings.progress = 0.0;
                }
                *playing = !*playing;
            }
            ui.spacing_mut().slider_width = (ui.available_width() - 200.0).max(80.0);
            let slider = ui.add(
                egui::Slider::new(&mut settings.progress, 0.0..=1.0)
                    .show_value(false)
                    .text("progress"),
            );
            if slider.dragged() {
                *playing = false;
            }
            let speed_label = ui.label("speed");
            egui::ComboBox::from_id_salt("pca-speed")
                .selected_text(format!("{speed}×"))
                .width(60.0)
                .show_ui(ui, |ui| {
                    for s in [0.25, 0.5, 1.0, 2.0, 4.0] {
                        ui.selectable_value(speed, s, format!("{s}×"));
                    }
                })
                .response
                .labelled_by(speed_label.id);
        });
    }
}

/// The 3D scene at `frame.progress`; returns the point nearest the pointer
/// (its distance on screen and its index among the used rows).
fn draw_story(
    scene: &mut Scene3d,
    frame: &Frame<'_>,
    raster: &mut PointRaster,
    drawn: &mut StoryDrawn,
) -> Option<(f32, usize)> {
    let fit = frame.fit;
    let pca = &fit.pca;
    let story = Story::new(pca, fit.radius);
    // Stage 3 turns the PC frame to face the viewer: x → right, y → up, z → towards us.
    let proj = scene.proj;
    let at = story.at(frame.progress, proj_axis(&proj, 0), proj_axis(&proj, 1));
    if frame.progress > 0.0 || !frame.three {
        // Once the animation starts, the gizmo names the principal axes and
        // follows them as they turn.
        scene.set_gizmo_axes([at.axis(0), at.axis(1), at.axis(2)]);
    }
    let [_, _, t3] = at.stages;
    let s = fit.radius;
    let faint = scene.text_color().gamma_multiply(0.35);

    // The original column axes, attached to the data (only for three columns).
    let mut column_labels = Vec::new();
    if frame.three && t3 < 1.0 {
        let fade = 1.0 - t3;
        let comps = &pca.components;
        for j in 0..3 {
            // e_j in the principal frame: rows of the components times e_j.
            let a = Vector3::new(comps[(0, j)], comps[(1, j)], comps[(2, j)]) * (1.15 * s);
            let tip = at.place(a, 0.0);
            let tail = at.place(-a, 0.0);
            scene.dashed(tail, tip, Stroke::new(1.0, faint.gamma_multiply(fade)));
            column_labels.push(Label3d {
                text: pca.columns[j].clone(),
                at: tip,
                color: faint.gamma_multiply(fade * 2.0),
                size: 12.0,
            });
        }
    }

    // The PC1–PC2 plane.
    let [l1, l2] = fit.extent.map(|l| l * 1.08);
    let plane_fill = if frame.dark {
        Color32::from_rgba_unmultiplied(120, 160, 255, 26)
    } else {
        Color32::from_rgba_unmultiplied(60, 110, 220, 24)
    };
    let corners = [(l1, l2), (-l1, l2), (-l1, -l2), (l1, -l2)]
        .map(|(x, y)| at.place(Vector3::new(x, y, 0.0), 0.0));
    scene.polygon(
        &corners,
        plane_fill,
        Stroke::new(1.0, Color32::from_rgba_unmultiplied(60, 110, 220, 90)),
    );

    let hovered = draw_points(scene, frame, &at, raster, drawn);
    let mut labels = draw_axes_and_notes(scene, frame, &at);
    // The principal axes' names first: they matter most.
    labels.extend(column_labels);
    drawn.labels = place_scene_labels(scene, frame, &labels);
    hovered
}

/// Writes `labels` beside their points, in order, each where it covers no
/// other name, the caption or the legend, inside the view (the shared label
/// placement); a name with no free spot is left out. Returns the names
/// written and where.
fn place_scene_labels(
    scene: &mut Scene3d,
    frame: &Frame<'_>,
    labels: &[Label3d],
) -> Vec<(String, Rect)> {
    let rect = scene.proj.rect();
    let size_of = |l: &Label3d| {
        frame
            .ctx
            .fonts_mut(|f| f.layout_no_wrap(l.text.clone(), FontId::proportional(l.size), l.color))
            .size()
    };
    let mut shown = Vec::new();
    let mut candidates = Vec::new();
    for l in labels {
        if let Some(q) = scene.proj.project(l.at) {
            candidates.push((q.pos, size_of(l)));
            shown.push(l);
        }
    }
    // The caption (top left, three lines at most), the legend (bottom right)
    // and the axis gizmo (bottom left) stay clear.
    let n_legend = frame.label.map_or(0, |l| l.categories.len()) as f32;
    let keep_clear = [
        Rect::from_min_size(rect.left_top(), vec2(rect.width() - 130.0, 62.0)),
        Rect::from_min_max(
            pos2(rect.right() - 160.0, rect.bottom() - 14.0 - 18.0 * n_legend),
            rect.right_bottom(),
        ),
        Rect::from_min_size(rect.left_bottom() - vec2(0.0, 90.0), vec2(110.0, 90.0)),
    ];
    let placed = place_labels(&candidates, rect.shrink(4.0), 4.0, &keep_clear);
    // A translucent backing keeps a name legible over the points.
    let backing = frame
        .ctx
        .global_style()
        .visuals
        .extreme_bg_color
        .gamma_multiply(0.7);
    let mut out = Vec::new();
    for (l, spot) in shown.into_iter().zip(placed) {
        if let Some(r) = spot {
            scene.overlay(egui::Shape::rect_filled(r.expand(1.0), 2.0, backing));
            scene.overlay_text(r.min, Align2::LEFT_TOP, &l.text, l.size, l.color);
            out.push((l.text.clone(), r));
        }
    }
    out
}

/// The points (as shapes, or as one image above RASTER_POINTS), their
/// residual segments and the hovered one's ring; returns the hovered one.
fn draw_points(
    scene: &mut Scene3d,
    frame: &Frame<'_>,
    at: &StoryFrame,
    raster: &mut PointRaster,
    drawn: &mut StoryDrawn,
) -> Option<(f32, usize)> {
    let Frame {
        fit,
        label,
        dark,
        pointer,
        ctx,
        ..
    } = *frame;
    let [_, t2, t3] = at.stages;
    let mut hovered: Option<(f32, usize)> = None;
    let n = fit.scores.nrows();
    let big = n > RASTER_POINTS;
    let stride = story_stride(n);
    let radius = if n > 5_000 { 2.0 } else { 3.5 };
    let seg_alpha = (t2.min(1.0) * (1.0 - t3 * 0.6)).clamp(0.0, 1.0);
    drawn.points = vec![None; if big { 0 } else { n }];
    if big {
        // `place` as one linear map of the scores: world = M·a.
        let m = at.linear_map();
        let proj = scene.proj;
        let rect = proj.rect();
        let (c0, c1, c2) = (
            fit.scores.column(0),
            fit.scores.column(1),
            fit.scores.column(2),
        );
        let raster_radius = if n > 400_000 { 0.5 } else { 1.2 };
        raster.prepare(
            frame.data_key,
            n,
            |i| Some([c0[i], c1[i], c2[i]]),
            |i| point_color(label, fit.selection.rows[i], dark),
        );
        raster.update(
            ctx,
            frame.story_key ^ hash_rect(rect, ctx.pixels_per_point()),
            rect,
            ctx.pixels_per_point(),
            raster_radius,
            |a| {
                let w = m * Vector3::new(a[0] as f32, a[1] as f32, a[2] as f32);
                proj.project([w.x, w.y, w.z]).map(|q| q.pos)
            },
        );
        if let Some(shape) = raster.shape() {
            scene.underlay(shape);
        }
        if let Some(ptr) = pointer.filter(|p| rect.contains(*p))
            && !raster.redrawn_now(ctx)
            && let Some((i, dist)) = raster.nearest(ptr, 8.0)
        {
            hovered = Some((dist, i));
        }
    }
    for i in (0..n).step_by(stride) {
        let color = point_color(label, fit.selection.rows[i], dark);
        let p = at.point(&fit.scores, i);
        if t2 > 0.0 && seg_alpha > 0.0 {
            let from = at.place(score3(fit, i), 0.0);
            scene.line(
                from,
                p,
                Stroke::new(1.0, color.gamma_multiply(0.75 * seg_alpha)),
            );
        }
        if big {
            continue;
        }
        let pos = scene.point(p, radius, color);
        if let Some(slot) = drawn.points.get_mut(i) {
            *slot = pos;
        }
        if let Some(pos) = pos
            && let Some(ptr) = pointer
        {
            let dist = pos.distance(ptr);
            if dist < 8.0 && hovered.is_none_or(|(best, _)| dist < best) {
                hovered = Some((dist, i));
            }
        }
    }
    if let Some((_, i)) = hovered {
        let text = scene.text_color();
        scene.point_outlined(
            at.point(&fit.scores, i),
            radius + 2.5,
            Color32::TRANSPARENT,
            Stroke::new(2.0, text),
        );
    }
    // The point hovered in the scores scatter: a ring in the selection colour.
    if let Some(i) = frame.linked.filter(|&i| i < n) {
        scene.point_outlined(
            at.point(&fit.scores, i),
            radius + 4.0,
            Color32::TRANSPARENT,
            Stroke::new(2.5, ctx.global_style().visuals.selection.stroke.color),
        );
        drawn.marked = Some(i);
    }
    hovered
}

/// Every how many points the 3D view draws one (shape, or residual segment
/// when the points are one image).
fn story_stride(n: usize) -> usize {
    if n > RASTER_POINTS {
        // Every point goes into the image; segments for a sample of them.
        n.div_ceil(MAX_3D_SEGMENTS).max(1)
    } else {
        n.div_ceil(MAX_3D_POINTS).max(1)
    }
}

/// The first three scores of used row `i`.
fn score3(fit: &PreparedFit, i: usize) -> Vector3<f64> {
    Vector3::new(fit.scores[(i, 0)], fit.scores[(i, 1)], fit.scores[(i, 2)])
}

/// The mean and the principal axes (√λ long), the caption, what is drawn
/// and how, and the legend; returns the axes' names to place.
fn draw_axes_and_notes(scene: &mut Scene3d, frame: &Frame<'_>, at: &StoryFrame) -> Vec<Label3d> {
    let pca = &frame.fit.pca;
    let [_, t2, t3] = at.stages;
    let text = scene.text_color();
    let faint = text.gamma_multiply(0.35);
    scene.point_outlined([0.0; 3], 4.0, text, Stroke::new(1.5, scene.text_color()));
    if t3 < 0.5 {
        scene.label(
            at.place(Vector3::zeros(), 0.0),
            "   μ",
            text.gamma_multiply(1.0 - 2.0 * t3),
            14.0,
        );
    }
    let axis_colors = [
        Color32::from_rgb(213, 94, 0),
        Color32::from_rgb(0, 158, 115),
        // Okabe–Ito blue is dim on black: sky blue in the dark theme.
        if frame.dark {
            Color32::from_rgb(86, 180, 233)
        } else {
            Color32::from_rgb(0, 114, 178)
        },
    ];
    let ratio = &pca.explained_variance_ratio;
    let mut labels = Vec::new();
    for k in 0..3 {
        let len = pca.explained_variance[k].max(0.0).sqrt() * 2.0;
        let mut a = Vector3::zeros();
        a[k] = len;
        let fade = if k == 2 { 1.0 - t3 } else { 1.0 };
        if fade <= 0.01 {
            continue;
        }
        let tip = at.place(a, if k == 2 { f64::from(t2) } else { 0.0 });
        scene.arrow(
            [0.0; 3],
            tip,
            3.0,
            axis_colors[k].gamma_multiply(fade),
            None,
        );
        labels.push(Label3d {
            text: format!("PC{} {:.1}%", k + 1, 100.0 * ratio[k]),
            at: tip,
            color: axis_colors[k].gamma_multiply(fade),
            size: 14.0,
        });
    }

    let rect = scene.proj.rect();
    let caption_text = wrap_caption(&caption(frame.progress, Some(pca)), rect.width() - 140.0);
    // The note about the columns goes below the caption, however many
    // lines it wrapped to (about 17 points a line at 14 points).
    let caption_lines = caption_text.lines().count().max(1) as f32;
    scene.overlay_text(
        rect.left_top() + vec2(10.0, 8.0),
        Align2::LEFT_TOP,
        &caption_text,
        14.0,
        text,
    );
    let n = frame.fit.scores.nrows();
    let stride = story_stride(n);
    let note = if n > RASTER_POINTS {
        Some(format!(
            "{} points as one image (residual segments: every {})",
            fmt_count(n),
            stride
        ))
    } else {
        (stride > 1).then(|| {
            format!(
                "drawing every {}th point: {} of {}",
                stride,
                fmt_count(n.div_ceil(stride)),
                fmt_count(n)
            )
        })
    };
    if let Some(note) = note {
        scene.overlay_text(
            rect.left_bottom() + vec2(70.0, -10.0),
            Align2::LEFT_BOTTOM,
            &note,
            12.0,
            faint,
        );
    }
    if !frame.three {
        scene.overlay_text(
            rect.left_top() + vec2(10.0, 14.0 + 17.0 * caption_lines),
            Align2::LEFT_TOP,
            &format!(
                "{} columns: showing their first three principal component scores",
                pca.n_features()
            ),
            12.0,
            faint,
        );
    }
    if let Some(l) = frame.label {
        // A compact legend, bottom right.
        let mut y = rect.bottom() - 10.0 - 18.0 * l.categories.len() as f32;
        for (k, name) in l.categories.iter().enumerate() {
            let p = pos2(rect.right() - 150.0, y);
            scene.overlay(egui::Shape::circle_filled(p, 5.0, category_color(k)));
            scene.overlay_text(p + vec2(10.0, 0.0), Align2::LEFT_CENTER, name, 13.0, text);
            y += 18.0;
        }
    }
    labels
}

/// The world direction that appears as screen right (0) or up (1).
fn proj_axis(proj: &Projector, which: usize) -> Vector3<f64> {
    let mut v = Vector3::zeros();
    for i in 0..3 {
        let mut e = [0.0f32; 3];
        e[i] = 1.0;
        let s = proj.screen_direction(e);
        v[i] = f64::from(if which == 0 { s.x } else { -s.y });
    }
    v.normalize()
}

/// Breaks `text` into lines of roughly `width` points (13.5 px per ~2 chars).
fn wrap_caption(text: &str, width: f32) -> String {
    let max_chars = ((width / 7.5) as usize).max(20);
    let mut out = String::new();
    let mut line = 0;
    for word in text.split(' ') {
        let len = word.chars().count();
        if line > 0 && line + 1 + len > max_chars {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += len;
    }
    out
}
