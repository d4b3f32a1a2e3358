//! A 3D view drawn with egui's painter, seen through an orbit camera.
//!
//! Drag to rotate, scroll (or pinch) to zoom, right- or middle-drag to pan,
//! double-click to go back to the view's home camera. The camera state is a
//! [`CameraSettings`] owned by the view (and saved in its scene); views draw
//! into a [`Scene3d`], which sorts what they add back to front before painting,
//! and the widget adds an axis gizmo in the corner.

use egui::{
    Align2, Color32, FontId, Pos2, Rect, Response, Sense, Shape, Stroke, Ui, Vec2, pos2, vec2,
};

use crate::scene::{CameraSettings, DISTANCE_RANGE, PITCH_RANGE, Projection};

/// Vertical field of view of the perspective camera, in degrees.
const FOV_DEGREES: f32 = 38.0;
/// Nothing closer to the eye than this (in world units) is drawn.
const NEAR: f32 = 0.05;
/// Degrees of rotation per point dragged.
const ROTATE_PER_POINT: f32 = 0.35;

type V3 = [f32; 3];

fn sub(a: V3, b: V3) -> V3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

fn dot(a: V3, b: V3) -> f32 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn lerp3(a: V3, b: V3, t: f32) -> V3 {
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

/// Maps world points to the screen for one camera and one rectangle.
#[derive(Clone, Copy, Debug)]
pub struct Projector {
    rect: Rect,
    eye: V3,
    right: V3,
    up: V3,
    forward: V3,
    /// Pixels per world unit at distance 1 (perspective) or everywhere (orthographic).
    focal: f32,
    perspective: bool,
    distance: f32,
}

/// A projected point: where it lands and how far it is from the eye.
#[derive(Clone, Copy, Debug)]
pub struct Projected {
    pub pos: Pos2,
    /// Distance along the viewing direction; larger is farther.
    pub depth: f32,
}

impl Projector {
    /// The projection of `camera` into `rect`.
    #[must_use]
    pub fn new(camera: &CameraSettings, rect: Rect) -> Self {
        let (yaw, pitch) = (camera.yaw.to_radians(), camera.pitch.to_radians());
        // From the target towards the eye.
        let back = [
            pitch.cos() * yaw.cos(),
            pitch.cos() * yaw.sin(),
            pitch.sin(),
        ];
        let right = [-yaw.sin(), yaw.cos(), 0.0];
        // up = back × right: z up when level, well defined even looking straight down.
        let up = [
            back[1] * right[2] - back[2] * right[1],
            back[2] * right[0] - back[0] * right[2],
            back[0] * right[1] - back[1] * right[0],
        ];
        let t = camera.target;
        let eye = [
            t[0] + back[0] * camera.distance,
            t[1] + back[1] * camera.distance,
            t[2] + back[2] * camera.distance,
        ];
        let half = 0.5 * rect.width().min(rect.height());
        let f = half / (0.5 * FOV_DEGREES.to_radians()).tan();
        let perspective = camera.projection == Projection::Perspective;
        Self {
            rect,
            eye,
            right,
            up,
            forward: [-back[0], -back[1], -back[2]],
            focal: if perspective { f } else { f / camera.distance },
            perspective,
            distance: camera.distance,
        }
    }

    /// The rectangle drawn into.
    #[must_use]
    pub fn rect(&self) -> Rect {
        self.rect
    }

    /// Where `p` lands on screen, or `None` if it is behind the camera.
    #[must_use]
    pub fn project(&self, p: V3) -> Option<Projected> {
        let rel = sub(p, self.eye);
        let depth = dot(rel, self.forward);
        let (x, y) = (dot(rel, self.right), dot(rel, self.up));
        let c = self.rect.center();
        if self.perspective {
            if depth < NEAR {
                return None;
            }
            let k = self.focal / depth;
            Some(Projected {
                pos: pos2(c.x + x * k, c.y - y * k),
                depth,
            })
        } else {
            Some(Projected {
                pos: pos2(c.x + x * self.focal, c.y - y * self.focal),
                depth,
            })
        }
    }

    /// The segment a–b clipped to what lies in front of the camera.
    fn clip(&self, a: V3, b: V3) -> Option<(Projected, Projected)> {
        if !self.perspective {
            return Some((self.project(a)?, self.project(b)?));
        }
        let da = dot(sub(a, self.eye), self.forward);
        let db = dot(sub(b, self.eye), self.forward);
        if da < NEAR && db < NEAR {
            return None;
        }
        // Cut a hair in front of the near plane so rounding cannot push the end behind it.
        let cut =
            |from: V3, to: V3, df: f32, dt: f32| lerp3(from, to, (NEAR * 1.01 - df) / (dt - df));
        let a2 = if da < NEAR { cut(a, b, da, db) } else { a };
        let b2 = if db < NEAR { cut(b, a, db, da) } else { b };
        Some((self.project(a2)?, self.project(b2)?))
    }

    /// Screen direction (unit-free) of the world direction `v`, ignoring
    /// perspective: what the axis gizmo draws.
    #[must_use]
    pub fn screen_direction(&self, v: V3) -> Vec2 {
        vec2(dot(v, self.right), -dot(v, self.up))
    }

    /// World units per screen point at the target's depth (for panning).
    #[must_use]
    pub fn world_per_point(&self) -> f32 {
        if self.perspective {
            self.distance / self.focal
        } else {
            1.0 / self.focal
        }
    }
}

/// One thing to paint, with the depth it is sorted by.
struct Item {
    depth: f32,
    shape: Shape,
}

/// What a view draws in 3D: points, lines, arrows, polygons and labels, painted
/// back to front.
pub struct Scene3d {
    pub proj: Projector,
    items: Vec<Item>,
    /// Shapes painted before (below) every depth-sorted one, e.g. points
    /// drawn as one image.
    underlay: Vec<Shape>,
    /// Shapes painted after (above) every depth-sorted one, e.g. captions.
    overlay: Vec<Shape>,
    text_color: Color32,
    ctx: egui::Context,
    /// World directions of the gizmo's three named axes.
    gizmo_axes: [V3; 3],
}

impl Scene3d {
    fn push(&mut self, depth: f32, shape: Shape) {
        self.items.push(Item { depth, shape });
    }

    /// A dot of `radius` points; returns where it landed, if in front of the camera.
    pub fn point(&mut self, p: V3, radius: f32, color: Color32) -> Option<Pos2> {
        let q = self.proj.project(p)?;
        self.push(q.depth, Shape::circle_filled(q.pos, radius, color));
        Some(q.pos)
    }

    /// Any screen-space shape anchored at a world point and depth-sorted
    /// with the rest (a square or diamond marker, say): `make` builds it
    /// around the point's screen position, which is returned.
    pub fn shape_at(&mut self, p: V3, make: impl FnOnce(Pos2) -> Shape) -> Option<Pos2> {
        let q = self.proj.project(p)?;
        self.push(q.depth, make(q.pos));
        Some(q.pos)
    }

    /// A dot with an outline.
    pub fn point_outlined(&mut self, p: V3, radius: f32, fill: Color32, stroke: Stroke) {
        if let Some(q) = self.proj.project(p) {
            self.push(
                q.depth,
                Shape::Circle(egui::epaint::CircleShape {
                    center: q.pos,
                    radius,
                    fill,
                    stroke,
                }),
            );
        }
    }

    /// A straight segment.
    pub fn line(&mut self, a: V3, b: V3, stroke: Stroke) {
        if let Some((pa, pb)) = self.proj.clip(a, b) {
            let depth = 0.5 * (pa.depth + pb.depth);
            self.push(depth, Shape::line_segment([pa.pos, pb.pos], stroke));
        }
    }

    /// A dashed segment.
    pub fn dashed(&mut self, a: V3, b: V3, stroke: Stroke) {
        if let Some((pa, pb)) = self.proj.clip(a, b) {
            let depth = 0.5 * (pa.depth + pb.depth);
            for s in Shape::dashed_line(&[pa.pos, pb.pos], stroke, 6.0, 4.0) {
                self.push(depth, s);
            }
        }
    }

    /// An arrow from `a` to `b` with a head in screen space and an optional label
    /// beyond its tip.
    pub fn arrow(&mut self, a: V3, b: V3, width: f32, color: Color32, label: Option<&str>) {
        let Some((pa, pb)) = self.proj.clip(a, b) else {
            return;
        };
        let depth = 0.5 * (pa.depth + pb.depth) - 1e-3;
        let stroke = Stroke::new(width, color);
        let d = pb.pos - pa.pos;
        let len = d.length();
        self.push(depth, Shape::line_segment([pa.pos, pb.pos], stroke));
        if len > 1.0 {
            let dir = d / len;
            let head = (4.0 * width + 4.0).min(len * 0.5);
            let n = vec2(-dir.y, dir.x);
            let base = pb.pos - dir * head;
            self.push(
                depth,
                Shape::convex_polygon(
                    vec![pb.pos, base + n * head * 0.45, base - n * head * 0.45],
                    color,
                    Stroke::NONE,
                ),
            );
        }
        if let Some(text) = label {
            let dir = if len > 1.0 { d / len } else { vec2(1.0, 0.0) };
            self.text_at(
                pb.pos + dir * 12.0,
                text,
                color,
                14.0,
                Some(pb.depth - 2e-3),
            );
        }
    }

    /// A filled polygon with an outline (e.g. a translucent plane).
    pub fn polygon(&mut self, corners: &[V3], fill: Color32, stroke: Stroke) {
        let projected: Option<Vec<Projected>> =
            corners.iter().map(|c| self.proj.project(*c)).collect();
        let Some(projected) = projected else {
            return;
        };
        if projected.len() < 3 {
            return;
        }
        let depth = projected.iter().map(|p| p.depth).sum::<f32>() / projected.len() as f32;
        let pts: Vec<Pos2> = projected.iter().map(|p| p.pos).collect();
        // A quad seen edge-on or from behind may not be convex on screen: draw
        // it as a fan of triangles, which always is.
        for i in 1..pts.len() - 1 {
            self.push(
                depth,
                Shape::convex_polygon(vec![pts[0], pts[i], pts[i + 1]], fill, Stroke::NONE),
            );
        }
        if stroke.width > 0.0 {
            let mut closed = pts.clone();
            closed.push(pts[0]);
            self.push(depth, Shape::line(closed, stroke));
        }
    }

    /// A label at a world point, centred on it.
    pub fn label(&mut self, p: V3, text: &str, color: Color32, size: f32) {
        if let Some(q) = self.proj.project(p) {
            self.text_at(q.pos, text, color, size, Some(q.depth));
        }
    }

    fn galley(&self, pos: Pos2, anchor: Align2, text: &str, size: f32, color: Color32) -> Shape {
        let galley = self
            .ctx
            .fonts_mut(|f| f.layout_no_wrap(text.to_owned(), FontId::proportional(size), color));
        let rect = anchor.anchor_size(pos, galley.size());
        Shape::galley(rect.min, galley, color)
    }

    fn text_at(&mut self, pos: Pos2, text: &str, color: Color32, size: f32, depth: Option<f32>) {
        let shape = self.galley(pos, Align2::CENTER_CENTER, text, size, color);
        match depth {
            Some(d) => self.push(d, shape),
            None => self.overlay.push(shape),
        }
    }

    /// A caption in screen space, above everything else.
    pub fn overlay_text(
        &mut self,
        pos: Pos2,
        anchor: Align2,
        text: &str,
        size: f32,
        color: Color32,
    ) {
        let shape = self.galley(pos, anchor, text, size, color);
        self.overlay.push(shape);
    }

    /// A screen-space shape above everything else.
    pub fn overlay(&mut self, shape: Shape) {
        self.overlay.push(shape);
    }

    /// A screen-space shape below everything else (above the background).
    pub fn underlay(&mut self, shape: Shape) {
        self.underlay.push(shape);
    }

    /// Points the corner gizmo's axes along these world directions (default:
    /// the world axes), for views that turn their data rather than the camera.
    pub fn set_gizmo_axes(&mut self, axes: [V3; 3]) {
        self.gizmo_axes = axes;
    }

    /// The theme's text colour.
    #[must_use]
    pub fn text_color(&self) -> Color32 {
        self.text_color
    }
}

/// The orbit-camera widget: owns no state but the camera it is given.
pub struct OrbitView<'a> {
    camera: &'a mut CameraSettings,
    home: CameraSettings,
    axis_names: [&'a str; 3],
    id_salt: &'a str,
}

impl<'a> OrbitView<'a> {
    /// A view through `camera`; double-click returns it to `home`.
    pub fn new(id_salt: &'a str, camera: &'a mut CameraSettings, home: CameraSettings) -> Self {
        Self {
            camera,
            home,
            axis_names: ["x", "y", "z"],
            id_salt,
        }
    }

    /// Names of the world axes in the corner gizmo.
    #[must_use]
    pub fn axis_names(mut self, names: [&'a str; 3]) -> Self {
        self.axis_names = names;
        self
    }

    /// Takes `size` of the layout, handles the camera gestures, lets `draw`
    /// add the scene's shapes and paints them back to front.
    pub fn show(self, ui: &mut Ui, size: Vec2, draw: impl FnOnce(&mut Scene3d)) -> Response {
        let Self {
            camera,
            home,
            axis_names,
            id_salt,
        } = self;
        let (rect, response) = ui.allocate_exact_size(size, Sense::click_and_drag());
        let response = response.on_hover_cursor(egui::CursorIcon::Grab);
        handle_input(ui, &response, camera, home, rect);

        let visuals = ui.visuals().clone();
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 4.0, visuals.extreme_bg_color);

        let mut scene = Scene3d {
            proj: Projector::new(camera, rect),
            items: Vec::new(),
            underlay: Vec::new(),
            overlay: Vec::new(),
            text_color: visuals.text_color(),
            ctx: ui.ctx().clone(),
            gizmo_axes: [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
        };
        draw(&mut scene);
        let Scene3d {
            proj,
            mut items,
            underlay,
            overlay,
            gizmo_axes,
            ..
        } = scene;
        // Back to front; a stable sort keeps the draw order of equal depths.
        items.sort_by(|a, b| b.depth.total_cmp(&a.depth));
        painter.extend(underlay);
        painter.extend(items.into_iter().map(|i| i.shape));
        painter.extend(overlay);
        paint_gizmo(
            &painter,
            &proj,
            gizmo_axes,
            axis_names,
            visuals.text_color(),
        );
        painter.rect_stroke(
            rect,
            4.0,
            visuals.widgets.noninteractive.bg_stroke,
            egui::StrokeKind::Inside,
        );

        // The projection switch, top right.
        let label = match camera.projection {
            Projection::Perspective => "Perspective",
            Projection::Orthographic => "Orthographic",
        };
        let button_rect =
            Rect::from_min_size(rect.right_top() + vec2(-118.0, 6.0), vec2(112.0, 20.0));
        let button = ui
            .push_id(id_salt, |ui| {
                ui.put(button_rect, egui::Button::new(label).small())
            })
            .inner
            .on_hover_text("Switch between perspective and orthographic projection");
        if button.clicked() {
            camera.projection = match camera.projection {
                Projection::Perspective => Projection::Orthographic,
                Projection::Orthographic => Projection::Perspective,
            };
        }
        if response.hovered() {
            // The whole hint where it fits, else the gist.
            let font = FontId::proportional(11.0);
            let full = "drag: rotate · right-drag: pan · scroll: zoom · double-click: reset";
            let fits = painter
                .layout_no_wrap(full.to_owned(), font.clone(), visuals.weak_text_color())
                .size()
                .x
                <= rect.width() - 16.0;
            painter.text(
                rect.right_bottom() + vec2(-8.0, -6.0),
                Align2::RIGHT_BOTTOM,
                if fits {
                    full
                } else {
                    "drag: rotate · scroll: zoom"
                },
                font,
                visuals.weak_text_color(),
            );
        }
        response
    }
}

fn handle_input(
    ui: &Ui,
    response: &Response,
    camera: &mut CameraSettings,
    home: CameraSettings,
    rect: Rect,
) {
    if response.double_clicked() {
        *camera = home;
        return;
    }
    if response.dragged_by(egui::PointerButton::Primary) {
        let d = response.drag_delta();
        camera.yaw = (camera.yaw - d.x * ROTATE_PER_POINT).rem_euclid(360.0);
        if camera.yaw > 180.0 {
            camera.yaw -= 360.0;
        }
        camera.pitch =
            (camera.pitch + d.y * ROTATE_PER_POINT).clamp(*PITCH_RANGE.start(), *PITCH_RANGE.end());
    }
    if response.dragged_by(egui::PointerButton::Secondary)
        || response.dragged_by(egui::PointerButton::Middle)
    {
        let d = response.drag_delta();
        let proj = Projector::new(camera, rect);
        let k = proj.world_per_point();
        for (i, t) in camera.target.iter_mut().enumerate() {
            *t += (-proj.right[i] * d.x + proj.up[i] * d.y) * k;
        }
    }
    if response.hovered() {
        let (scroll, zoom) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
        let factor = (-scroll * 0.0015).exp() / zoom;
        if (factor - 1.0).abs() > 1e-6 {
            camera.distance =
                (camera.distance * factor).clamp(*DISTANCE_RANGE.start(), *DISTANCE_RANGE.end());
        }
    }
}

/// Three short axes in the bottom-left corner showing how the world is turned.
fn paint_gizmo(
    painter: &egui::Painter,
    proj: &Projector,
    axes: [V3; 3],
    names: [&str; 3],
    text: Color32,
) {
    let rect = proj.rect();
    let centre = rect.left_bottom() + vec2(42.0, -42.0);
    let len = 28.0;
    let colors = [
        Color32::from_rgb(213, 94, 0),
        Color32::from_rgb(0, 158, 115),
        Color32::from_rgb(0, 114, 178),
    ];
    let mut order: Vec<(f32, usize)> = (0..3).map(|i| (dot(axes[i], proj.forward), i)).collect();
    // Farthest first, so the nearest axis is drawn on top.
    order.sort_by(|a, b| b.0.total_cmp(&a.0));
    painter.circle_filled(centre, 3.0, text);
    let dirs = axes.map(|a| proj.screen_direction(a));
    let at = gizmo_label_positions(centre, dirs, len);
    for (_, i) in order {
        let tip = centre + dirs[i] * len;
        painter.line_segment([centre, tip], Stroke::new(2.0, colors[i]));
        painter.text(
            at[i],
            Align2::CENTER_CENTER,
            names[i],
            FontId::proportional(12.0),
            colors[i],
        );
    }
}

/// Where the gizmo names its axes: past each axis's tip; an axis seen end
/// on (pointing at or away from the viewer, its tip near the centre) is
/// named beside the centre instead, and names that would overlap move
/// apart, so that "PC3" never sits on "PC1".
fn gizmo_label_positions(centre: Pos2, dirs: [Vec2; 3], len: f32) -> [Pos2; 3] {
    // A name is about 26 × 14 points.
    let apart = |a: Pos2, b: Pos2| (a.x - b.x).abs() > 28.0 || (a.y - b.y).abs() > 15.0;
    let mut at = [centre; 3];
    let mut placed: Vec<Pos2> = Vec::new();
    // Longest axes first: their names are where the eye looks for them.
    let mut order = [0, 1, 2];
    order.sort_by(|&a, &b| dirs[b].length().total_cmp(&dirs[a].length()));
    for i in order {
        let d = dirs[i];
        let mut p = if d.length() * len > 10.0 {
            centre + d * len + d.normalized() * 11.0
        } else {
            // End on: below the centre dot.
            centre + vec2(0.0, 16.0)
        };
        let step = if d.length() * len > 10.0 {
            d.normalized() * 8.0
        } else {
            vec2(0.0, 8.0)
        };
        for _ in 0..6 {
            if placed.iter().all(|&q| apart(p, q)) {
                break;
            }
            p += step;
        }
        placed.push(p);
        at[i] = p;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The gizmo's names stay apart when an axis points at the viewer (the
    /// PCA story's PC3 at the start): the "PC3" over "PC1".
    #[test]
    fn gizmo_names_do_not_overlap() {
        let centre = pos2(42.0, 158.0);
        let cases = [
            // x right, y up, z at the viewer.
            [vec2(1.0, 0.0), vec2(0.0, -1.0), vec2(0.0, 0.0)],
            // z nearly at the viewer, a little to the right (onto x's name).
            [vec2(1.0, 0.0), vec2(0.0, -1.0), vec2(0.15, 0.0)],
            // Two axes nearly along each other.
            [vec2(1.0, 0.0), vec2(0.97, 0.1), vec2(0.0, -1.0)],
        ];
        for dirs in cases {
            let at = gizmo_label_positions(centre, dirs, 28.0);
            for a in 0..3 {
                for b in a + 1..3 {
                    let (p, q) = (at[a], at[b]);
                    assert!(
                        (p.x - q.x).abs() > 28.0 || (p.y - q.y).abs() > 15.0,
                        "{dirs:?}: names {a} at {p:?} and {b} at {q:?} overlap"
                    );
                }
            }
        }
    }

    fn rect() -> Rect {
        Rect::from_min_size(Pos2::ZERO, vec2(200.0, 200.0))
    }

    /// The target lands in the middle of the view, whatever the camera angle.
    #[test]
    fn target_projects_to_the_centre() {
        for (yaw, pitch) in [(0.0, 0.0), (-60.0, 22.0), (135.0, -40.0), (-90.0, 90.0)] {
            let cam = CameraSettings {
                yaw,
                pitch,
                target: [0.3, -0.2, 0.5],
                ..CameraSettings::default()
            };
            let p = Projector::new(&cam, rect()).project(cam.target).unwrap();
            assert!(
                (p.pos - rect().center()).length() < 1e-3,
                "{yaw} {pitch}: {p:?}"
            );
            assert!((p.depth - cam.distance).abs() < 1e-4);
        }
    }

    /// Looking straight down with yaw −90°, x points right and y up on screen.
    #[test]
    fn top_down_view_has_x_right_and_y_up() {
        let cam = CameraSettings {
            yaw: -90.0,
            pitch: 90.0,
            ..CameraSettings::default()
        };
        let proj = Projector::new(&cam, rect());
        let c = rect().center();
        let px = proj.project([0.5, 0.0, 0.0]).unwrap().pos;
        let py = proj.project([0.0, 0.5, 0.0]).unwrap().pos;
        assert!(px.x > c.x + 1.0 && (px.y - c.y).abs() < 1e-3);
        assert!(py.y < c.y - 1.0 && (py.x - c.x).abs() < 1e-3);
    }

    /// A level camera sees z pointing up the screen, and nearer things larger
    /// only in perspective.
    #[test]
    fn z_is_up_and_perspective_shrinks_distance() {
        let mut cam = CameraSettings {
            yaw: -90.0,
            pitch: 0.0,
            ..CameraSettings::default()
        };
        let proj = Projector::new(&cam, rect());
        let up = proj.project([0.0, 0.0, 0.5]).unwrap().pos;
        assert!(up.y < rect().center().y - 1.0);
        let near = proj.project([0.5, -1.0, 0.0]).unwrap().pos.x;
        let far = proj.project([0.5, 1.0, 0.0]).unwrap().pos.x;
        assert!(near > far);
        cam.projection = Projection::Orthographic;
        let proj = Projector::new(&cam, rect());
        let near = proj.project([0.5, -1.0, 0.0]).unwrap().pos.x;
        let far = proj.project([0.5, 1.0, 0.0]).unwrap().pos.x;
        assert!((near - far).abs() < 1e-3);
    }

    /// Points behind a perspective camera are not drawn; segments through it are clipped.
    #[test]
    fn behind_the_camera_is_clipped() {
        let cam = CameraSettings {
            yaw: 0.0,
            pitch: 0.0,
            distance: 1.0,
            ..CameraSettings::default()
        };
        let proj = Projector::new(&cam, rect());
        assert!(proj.project([2.0, 0.0, 0.0]).is_none());
        let (a, b) = proj.clip([2.0, 0.0, 0.0], [-1.0, 0.0, 0.0]).unwrap();
        assert!(a.depth >= NEAR - 1e-5 && b.depth > a.depth);
    }
}
