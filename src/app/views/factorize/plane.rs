//! The embedding plot: users and movies in one plane (prepared: the factors
//! for k ≤ 2, their PCA projection for k > 2), the selected user's arrow,
//! movies shaded by that user's predicted rating, names placed so none
//! covers another, the history scrubber, and hover details.

use egui::{Align2, Color32, FontId, Pos2, RichText, Sense, Stroke, Ui, Vec2, vec2};
use egui_plot::{Arrows, MarkerShape, PlotPoint, PlotPoints, PlotUi, Points};

use super::matrices::paint_bar;
use super::prepare::{Frame, MAX_NAMED_MOVIES, N_BINS, Plane};
use super::text::{item_details, short_title, user_details};
use super::{Event, ITEM_COLOR, Linked, Out, USER_COLOR, rating_color};
use crate::app::style::fmt_num;
use crate::app::widgets::place_labels;
use crate::scene::FactorizeSettings;

/// Movies labelled on the embedding plot when there are at most this many
/// (the most rated first, so that a crowded plot names those).
const MAX_LABELLED_ITEMS: usize = 60;
/// Text size of the names in the embedding plot (the user's is one larger).
const LABEL_SIZE: f32 = 12.0;
/// Users labelled when there are at most this many.
const MAX_LABELLED_USERS: usize = 12;

#[derive(Clone, Copy, Debug)]
enum Hit {
    User(u32),
    Item(u32),
}

/// One name to place: text, plot position, colour, strong (the user's), and
/// the movie it names (`None`: a user).
type Name = (String, [f64; 2], Color32, bool, Option<u32>);

/// The heading, the scrubber, the legend and the plot.
pub(super) fn embedding_ui(
    ui: &mut Ui,
    f: &Frame<'_>,
    settings: &mut FactorizeSettings,
    events: &mut Vec<Event>,
    out: &mut Out,
) {
    let Some(plane) = f.prep.plane() else { return };
    heading_ui(ui, f, plane, events);
    scrubber_ui(ui, f, settings);
    legend_ui(ui, f);
    let hit = plot_ui(ui, f, plane, settings.labels, out);
    let Some((h, resp)) = hit else { return };
    out.hover = match h {
        Hit::User(u) => Linked {
            user: Some(u),
            item: None,
        },
        Hit::Item(i) => Linked {
            user: None,
            item: Some(i),
        },
    };
    let (r, model) = (f.r, f.model);
    let predicted = f.prep.selection().and_then(|s| s.predicted.as_ref());
    let text = match h {
        Hit::User(u) => user_details(r, model, u, &f.prep.user_vector(model, u)),
        Hit::Item(i) => item_details(r, model, i, predicted.map(|p| (f.user, p[i as usize]))),
    };
    resp.clone().on_hover_text_at_pointer(text);
    if resp.clicked() {
        match h {
            Hit::User(u) => settings.user = r.users.get(u as usize).cloned(),
            Hit::Item(i) => settings.item = r.items.get(i as usize).map(|it| it.id.clone()),
        }
    }
}

/// "Embeddings", the explore button, and what the plane is (wrapped to the
/// column's width).
fn heading_ui(ui: &mut Ui, f: &Frame<'_>, plane: &Plane, events: &mut Vec<Event>) {
    let k = f.model.rank();
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Embeddings").strong());
        if ui
            .small_button("Explore item embeddings")
            .on_hover_text("Open the movie vectors shown here (all k factors) in the Embeddings view: neighbours by cosine, dot or distance, titles and genres as labels")
            .clicked()
        {
            events.push(Event::Explore(f.shown));
        }
    });
    let text = match &plane.pca {
        None => format!("k = {k}: the plane of the factors (f₁, f₂)"),
        Some(p) => format!(
            "k = {k}: PCA projection of the factors onto PC1 ({:.0}%) and PC2 ({:.0}%); dot products are approximate here",
            100.0 * p.explained_variance_ratio[0],
            100.0 * p.explained_variance_ratio[1]
        ),
    };
    ui.add(egui::Label::new(text).wrap());
}

/// The history scrubber and the names switch.
fn scrubber_ui(ui: &mut Ui, f: &Frame<'_>, settings: &mut FactorizeSettings) {
    let (done, shown) = (f.done, f.shown);
    if f.saved.is_some() {
        ui.checkbox(&mut settings.labels, "names");
        return;
    }
    ui.horizontal_wrapped(|ui| {
        let l = ui.label("history");
        let mut e = shown;
        let slider = ui.add_enabled(
            done > 0,
            egui::Slider::new(&mut e, 0..=done.max(1))
                .text("epoch")
                .clamping(egui::SliderClamping::Always),
        );
        let slider = slider.labelled_by(l.id);
        if slider.changed() {
            settings.history = if e >= done { None } else { Some(e) };
        }
        if settings.history.is_some() {
            if ui.button("Latest").clicked() {
                settings.history = None;
            }
        } else {
            ui.label(RichText::new("showing the latest epoch").weak());
        }
        ui.add_space(12.0);
        ui.checkbox(&mut settings.labels, "names");
    });
}

/// What the markers and the shading mean.
fn legend_ui(ui: &mut Ui, f: &Frame<'_>) {
    let r = f.r;
    ui.horizontal_wrapped(|ui| {
        legend_marker(ui, USER_COLOR, true);
        ui.label("users");
        legend_marker(ui, ITEM_COLOR, false);
        ui.label("movies");
        if let Some(u) = f.user {
            ui.add_space(8.0);
            ui.label(
                RichText::new(format!(
                    "shaded by {}'s predicted rating",
                    r.users[u as usize]
                ))
                .weak(),
            );
            small_color_bar(ui, (f64::from(r.scale.0), f64::from(r.scale.1)));
        }
    });
}

/// The plot itself; returns the point under the pointer, if any, and the
/// plot's response.
fn plot_ui(
    ui: &mut Ui,
    f: &Frame<'_>,
    plane: &Plane,
    labels: bool,
    out: &mut Out,
) -> Option<(Hit, egui::Response)> {
    let text_color = ui.visuals().text_color();
    let item_color = if ui.visuals().dark_mode {
        Color32::from_rgb(0x56, 0xB4, 0xE9)
    } else {
        ITEM_COLOR
    };
    // A folded-in (edited) user sits where their new vector puts them.
    let selection = f.prep.selection();
    let mut users_pts = plane.users.clone();
    if let (Some(u), Some(p)) = (f.user, selection.and_then(|s| s.user_point)) {
        users_pts[u as usize] = p;
    }
    let names = names(f, plane, &users_pts, labels, item_color);
    let (x_label, y_label) = if plane.pca.is_some() {
        ("PC1 of the factors", "PC2 of the factors")
    } else {
        ("factor 1", "factor 2")
    };
    let mut placed = Vec::new();
    let response = crate::app::views::axes::plot("factorize-embedding")
        .data_aspect(1.0)
        .x_axis_label(x_label)
        .custom_y_axes(super::super::sparse_y_axis(y_label))
        .show_x(false)
        .show_y(false)
        .label_formatter(|_: &egui_plot::HoverPosition<'_>| None)
        .show(ui, |plot_ui| {
            draw_points(plot_ui, f, plane, &users_pts, text_color);
            out.drawn.plane_marked = draw_linked(plot_ui, f.linked, plane, &users_pts, text_color);
            placed = place_names(plot_ui, &names);
            let screen = |p: &[f64; 2]| plot_ui.screen_from_plot(PlotPoint::new(p[0], p[1]));
            out.drawn.users_on_screen = users_pts.iter().map(screen).collect();
            out.drawn.items_on_screen = plane.items.iter().map(screen).collect();
            nearest(plot_ui, plane, &users_pts)
        });
    out.drawn.plane_rect = Some(response.response.rect);
    out.drawn.names = paint_names(ui, &names, &placed);
    response.inner.map(|h| (h, response.response))
}

/// More points than shapes can draw at display rate (a MovieLens-25M model:
/// 59,000 movies and 162,000 users): movies, then users, splatted into one
/// image, redrawn only when the plot's transform or the colours change.
fn raster_points<'a>(
    plot_ui: &mut PlotUi<'a>,
    f: &Frame<'a>,
    plane: &'a Plane,
    users_pts: &'a [[f64; 2]],
) {
    use std::hash::{Hash as _, Hasher as _};
    let n_items = plane.items.len();
    let n = n_items + users_pts.len();
    let dark = plot_ui.ctx().global_style().visuals.dark_mode;
    let predicted = f.prep.selection().and_then(|s| s.predicted.as_deref());
    let scale = (f64::from(f.r.scale.0), f64::from(f.r.scale.1));
    let user_color = USER_COLOR.gamma_multiply(if f.user.is_some() { 0.45 } else { 1.0 });
    let mut h = crate::app::widgets::raster::key_hasher();
    (
        std::ptr::from_ref(f.model) as usize,
        f.run.serial,
        f.shown,
        f.user,
        predicted.map(<[f64]>::as_ptr).map(|p| p as usize),
        dark,
        n,
    )
        .hash(&mut h);
    if let Some(u) = f.user.and_then(|u| users_pts.get(u as usize)) {
        crate::app::widgets::raster::hash_f64(&mut h, u[0]);
        crate::app::widgets::raster::hash_f64(&mut h, u[1]);
    }
    let (mut min, mut max) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for p in plane.items.iter().chain(users_pts) {
        if p[0].is_finite() && p[1].is_finite() {
            min = [min[0].min(p[0]), min[1].min(p[1])];
            max = [max[0].max(p[0]), max[1].max(p[1])];
        }
    }
    let bounds = if min[0] <= max[0] {
        egui_plot::PlotBounds::from_min_max(min, max)
    } else {
        egui_plot::PlotBounds::NOTHING
    };
    let spec = crate::app::widgets::RasterSpec {
        data_key: h.finish(),
        n,
        radius: 1.5,
        bounds,
    };
    let ctx = plot_ui.ctx().clone();
    plot_ui.add(crate::app::widgets::RasterPoints::new(
        &ctx,
        &f.prep.raster,
        spec,
        move |i| {
            let p = if i < n_items {
                plane.items[i]
            } else {
                users_pts[i - n_items]
            };
            if p[0].is_finite() && p[1].is_finite() {
                p
            } else {
                [f64::NAN, f64::NAN]
            }
        },
        move |i| {
            if i >= n_items {
                user_color
            } else if let Some(pr) = predicted {
                rating_color(
                    (super::prepare::bin_of(pr[i], scale) as f32 + 0.5) / N_BINS as f32,
                    dark,
                )
            } else {
                ITEM_COLOR
            }
        },
    ));
}

/// Rings on the user and the movie the pointer is over in the other panel
/// (a heatmap cell) or on this plot; returns what it marked.
fn draw_linked(
    plot_ui: &mut PlotUi<'_>,
    linked: Linked,
    plane: &Plane,
    users_pts: &[[f64; 2]],
    color: Color32,
) -> Linked {
    let mut marked = Linked::default();
    if let Some(p) = linked.user.and_then(|u| users_pts.get(u as usize)) {
        plot_ui.points(
            Points::new("", vec![*p])
                .shape(MarkerShape::Circle)
                .color(color)
                .radius(9.0)
                .filled(false)
                .allow_hover(false),
        );
        marked.user = linked.user;
    }
    if let Some(p) = linked.item.and_then(|i| plane.items.get(i as usize)) {
        plot_ui.points(
            Points::new("", vec![*p])
                .shape(MarkerShape::Square)
                .color(color)
                .radius(9.0)
                .filled(false)
                .allow_hover(false),
        );
        marked.item = linked.item;
    }
    marked
}

/// Movies (shaded by the selected user's prediction), users, the user's
/// arrow, the selected movie and the origin.
fn draw_points<'a>(
    plot_ui: &mut PlotUi<'a>,
    f: &Frame<'a>,
    plane: &'a Plane,
    users_pts: &'a [[f64; 2]],
    text_color: Color32,
) {
    let big = f.r.n_items() + f.r.n_users() > 2000;
    let selection = f.prep.selection();
    let shaded = selection.is_some_and(|s| s.predicted.is_some());
    if f.r.n_items() + f.r.n_users() > crate::app::widgets::RASTER_POINTS {
        raster_points(plot_ui, f, plane, users_pts);
    } else {
        let bins = selection
            .map(|s| s.item_bins.as_slice())
            .unwrap_or_default();
        for (b, pts) in bins.iter().enumerate() {
            if pts.is_empty() {
                continue;
            }
            let color = if shaded {
                rating_color(
                    (b as f32 + 0.5) / N_BINS as f32,
                    plot_ui.ctx().global_style().visuals.dark_mode,
                )
            } else {
                ITEM_COLOR
            };
            plot_ui.points(
                Points::new("", PlotPoints::from(pts.clone()))
                    .shape(MarkerShape::Diamond)
                    .color(color)
                    .radius(if big { 2.5 } else { 5.0 })
                    .filled(true)
                    .allow_hover(false),
            );
        }
        plot_ui.points(
            Points::new("", PlotPoints::from(users_pts.to_vec()))
                .shape(MarkerShape::Circle)
                .color(USER_COLOR.gamma_multiply(if f.user.is_some() { 0.45 } else { 1.0 }))
                .radius(if big { 2.0 } else { 4.5 })
                .filled(true)
                .allow_hover(false),
        );
    }
    if let Some(u) = f.user {
        let tip = users_pts[u as usize];
        plot_ui.arrows(
            Arrows::new("", vec![[0.0, 0.0]], vec![tip])
                .color(USER_COLOR)
                .tip_length(12.0)
                .allow_hover(false),
        );
        plot_ui.points(
            Points::new("", vec![tip])
                .shape(MarkerShape::Circle)
                .color(USER_COLOR)
                .radius(7.0)
                .filled(true)
                .allow_hover(false),
        );
    }
    if let Some(i) = f.item {
        plot_ui.points(
            Points::new("", vec![plane.items[i as usize]])
                .shape(MarkerShape::Diamond)
                .color(text_color)
                .radius(9.0)
                .filled(false)
                .allow_hover(false),
        );
    }
    // The origin: where a vector of zeros (no taste, no features) sits.
    plot_ui.points(
        Points::new("", vec![[0.0, 0.0]])
            .shape(MarkerShape::Plus)
            .color(text_color)
            .radius(6.0)
            .allow_hover(false),
    );
}

/// The names to write, most important first: the users, then the selected
/// movie, the recommendations, the look-alikes and the other named movies.
fn names(
    f: &Frame<'_>,
    plane: &Plane,
    users_pts: &[[f64; 2]],
    labels: bool,
    item_color: Color32,
) -> Vec<Name> {
    let r = f.r;
    if !labels {
        return Vec::new();
    }
    let recs: Vec<u32> = f.prep.recommendations().iter().map(|x| x.item).collect();
    let sims: Vec<u32> = f.prep.similar().iter().map(|x| x.item).collect();
    // The most rated first: their places are the best estimated, where a
    // movie rated once (often far out) says little.
    let by_count: &[u32] = f.prep.layout().map_or(&[], |l| l.by_count.as_slice());
    let label_items: Vec<u32> = if r.n_items() <= MAX_LABELLED_ITEMS {
        by_count.to_vec()
    } else if recs.is_empty() && sims.is_empty() {
        by_count.iter().take(MAX_NAMED_MOVIES).copied().collect()
    } else {
        recs.iter().chain(&sims).copied().chain(f.item).collect()
    };
    let label_users: Vec<u32> = if r.n_users() <= MAX_LABELLED_USERS {
        (0..r.n_users() as u32).collect()
    } else {
        f.user.into_iter().collect()
    };
    let mut order: Vec<u32> = Vec::with_capacity(label_items.len());
    for &i in f.item.iter().chain(&recs).chain(&sims).chain(&label_items) {
        if label_items.contains(&i) && !order.contains(&i) {
            order.push(i);
        }
    }
    label_users
        .iter()
        .map(|&u| {
            (
                r.users[u as usize].clone(),
                users_pts[u as usize],
                USER_COLOR,
                true,
                None,
            )
        })
        .chain(order.iter().map(|&i| {
            (
                short_title(r.item_name(i)),
                plane.items[i as usize],
                item_color,
                false,
                Some(i),
            )
        }))
        .collect()
}

/// Where each of `names` fits inside the plot without covering another
/// (the shared label placement, in order); `None` for a name with no free
/// spot, which is left out.
fn place_names(plot_ui: &PlotUi<'_>, names: &[Name]) -> Vec<Option<egui::Rect>> {
    let ctx = plot_ui.ctx().clone();
    let candidates: Vec<(Pos2, Vec2)> = names
        .iter()
        .map(|(text, p, _, strong, _)| {
            let size = ctx
                .fonts_mut(|f| f.layout_no_wrap(text.clone(), name_font(*strong), Color32::WHITE))
                .size();
            (plot_ui.screen_from_plot(PlotPoint::new(p[0], p[1])), size)
        })
        .collect();
    let bounds = plot_ui.response().rect.shrink(2.0);
    place_labels(&candidates, bounds, 6.0, &[])
}

fn name_font(strong: bool) -> FontId {
    FontId::proportional(if strong { LABEL_SIZE + 1.0 } else { LABEL_SIZE })
}

/// Writes the placed names over the plot, each on a translucent backing so
/// that it stays legible over dense points; returns the movies named and
/// where.
fn paint_names(ui: &Ui, names: &[Name], placed: &[Option<egui::Rect>]) -> Vec<(u32, egui::Rect)> {
    let painter = ui.painter();
    let backing = ui.visuals().extreme_bg_color.gamma_multiply(0.75);
    let mut named = Vec::new();
    for ((text, _, color, strong, item), spot) in names.iter().zip(placed) {
        let Some(spot) = *spot else { continue };
        if let Some(i) = item {
            named.push((*i, spot));
        }
        painter.rect_filled(spot.expand(1.0), 2.0, backing);
        painter.text(spot.min, Align2::LEFT_TOP, text, name_font(*strong), *color);
    }
    named
}

/// The point nearest the pointer (within 10 points on screen).
fn nearest(plot_ui: &PlotUi<'_>, plane: &Plane, users_pts: &[[f64; 2]]) -> Option<Hit> {
    let pointer = plot_ui.response().hover_pos()?;
    let mut best: Option<(f32, Hit)> = None;
    let mut consider = |p: [f64; 2], hit: Hit| {
        let s = plot_ui.screen_from_plot(PlotPoint::new(p[0], p[1]));
        let d = s.distance(pointer);
        if d < 10.0 && best.as_ref().is_none_or(|(bd, _)| d < *bd) {
            best = Some((d, hit));
        }
    };
    for (i, p) in plane.items.iter().enumerate() {
        consider(*p, Hit::Item(i as u32));
    }
    for (u, p) in users_pts.iter().enumerate() {
        consider(*p, Hit::User(u as u32));
    }
    best.map(|(_, h)| h)
}

pub(super) fn small_color_bar(ui: &mut Ui, (lo, hi): (f64, f64)) {
    ui.label(fmt_num(lo, 3));
    let (rect, _) = ui.allocate_exact_size(vec2(90.0, 10.0), Sense::hover());
    paint_bar(ui, rect);
    ui.label(fmt_num(hi, 3));
}

/// A marker like the plot's: a circle (users) or a diamond (movies).
pub(super) fn legend_marker(ui: &mut Ui, color: Color32, circle: bool) {
    let (rect, _) = ui.allocate_exact_size(vec2(12.0, 12.0), Sense::hover());
    let c = rect.center();
    if circle {
        ui.painter().circle_filled(c, 5.0, color);
    } else {
        let pts = vec![
            c + vec2(0.0, -6.0),
            c + vec2(6.0, 0.0),
            c + vec2(0.0, 6.0),
            c + vec2(-6.0, 0.0),
        ];
        ui.painter()
            .add(egui::Shape::convex_polygon(pts, color, Stroke::NONE));
    }
}
