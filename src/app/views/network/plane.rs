//! The input plane: the points coloured by class (test points ringed) over
//! the network's decision regions. Click adds a point of the chosen class,
//! shift-click one of the next class, right-click removes the nearest.
//! Without two inputs (digits' 64 pixels) it shows the inputs through their
//! PCA instead, and an 8 × 8 input as a small picture under the pointer.

use egui::{Color32, ColorImage, RichText, TextureOptions, Ui, Vec2};
use egui_plot::{PlotImage, PlotPoint, PlotPoints, Points};

use super::NetworkView;
use crate::app::style::category_color;
use crate::math::network::Target;

pub(super) fn ui(ui: &mut Ui, v: &mut NetworkView, size: Vec2) {
    let Some(run) = v.run() else { return };
    let Some((_, pics, stages)) = &v.pictures else {
        return;
    };
    let problem = &run.problem;
    let is_test = &run.is_test;
    let names: Vec<String> = match &problem.target {
        Target::Classes { names, .. } => names.clone(),
        Target::Values(_) => vec![problem.target_name.clone()],
    };
    let class = |i: usize| match &problem.target {
        Target::Classes { codes, .. } => codes[i] as usize,
        Target::Values(_) => 0,
    };
    let ring = ui.visuals().text_color();
    let heading = heading(problem, pics.plane.is_some());
    ui.add(egui::Label::new(RichText::new(heading).small()).wrap());
    let mut click: Option<(PlotPoint, bool, bool)> = None;
    let mut hovered: Option<usize> = None;
    let plane = pics.plane;
    let heat = pics.heatmap.clone();
    let xy: Vec<[f64; 2]> = if plane.is_some() {
        (0..problem.len())
            .map(|i| {
                let r = problem.row(i);
                [r[0], r[1]]
            })
            .collect()
    } else {
        stages
            .first()
            .map(|s| s.points.iter().map(|p| [p[0], p[1]]).collect())
            .unwrap_or_default()
    };
    let radius = if xy.len() > 3000 { 1.6 } else { 3.0 };
    let resp = crate::app::views::axes::plot("network-plane")
        .width(size.x)
        .height(size.y)
        .data_aspect(1.0)
        .allow_double_click_reset(true)
        .include_x(plane.map_or(0.0, |p| p.x.0))
        .include_x(plane.map_or(0.0, |p| p.x.1))
        .include_y(plane.map_or(0.0, |p| p.y.0))
        .include_y(plane.map_or(0.0, |p| p.y.1))
        .allow_boxed_zoom(false)
        .legend(
            egui_plot::Legend::default()
                .position(egui_plot::Corner::LeftTop)
                .text_style(egui::TextStyle::Small)
                .follow_insertion_order(true),
        )
        .custom_x_axes(crate::app::views::sparse_x_axis(
            plane.map_or("PC1".to_owned(), |_| problem.inputs[0].clone()),
        ))
        .custom_y_axes(crate::app::views::sparse_y_axis(
            plane.map_or("PC2".to_owned(), |_| problem.inputs[1].clone()),
        ))
        .show(ui, |p| {
            if let (Some(plane), Some(tex)) = (plane, &heat) {
                let c = PlotPoint::new(
                    f64::midpoint(plane.x.0, plane.x.1),
                    f64::midpoint(plane.y.0, plane.y.1),
                );
                let size = egui::vec2(
                    (plane.x.1 - plane.x.0) as f32,
                    (plane.y.1 - plane.y.0) as f32,
                );
                p.image(PlotImage::new("", tex.id(), c, size));
            }
            if let Target::Values(values) = &problem.target {
                value_points(p, &xy, values, radius);
            } else {
                for (k, name) in names.iter().enumerate() {
                    let pts: PlotPoints<'_> = (0..xy.len())
                        .filter(|&i| class(i) == k)
                        .map(|i| xy[i])
                        .collect();
                    p.points(
                        Points::new(name.clone(), pts)
                            .color(category_color(k))
                            .radius(radius)
                            .filled(true),
                    );
                }
            }
            let test: PlotPoints<'_> = (0..xy.len())
                .filter(|&i| is_test[i])
                .map(|i| xy[i])
                .collect();
            p.points(
                Points::new("test (ringed)", test)
                    .color(ring)
                    .radius(radius + 1.4)
                    .filled(false),
            );
            let r = p.response();
            let (clicked, secondary) = (r.clicked(), r.secondary_clicked());
            let shift = p.ctx().input(|i| i.modifiers.shift);
            if let Some(at) = p.pointer_coordinate() {
                if clicked || secondary {
                    click = Some((at, secondary, shift));
                }
                let t = p.transform();
                let here = t.position_from_point(&at);
                hovered = (0..xy.len())
                    .map(|i| {
                        let q = t.position_from_point(&PlotPoint::new(xy[i][0], xy[i][1]));
                        (i, q.distance(here))
                    })
                    .filter(|&(_, d)| d < 8.0)
                    .min_by(|a, b| a.1.total_cmp(&b.1))
                    .map(|(i, _)| i);
            }
        });
    let transform = resp.transform;
    let summary = summary(problem, is_test, &pics.predicted);
    ui.add(egui::Label::new(RichText::new(summary).small()).wrap());
    if let Some(i) = hovered {
        let said = pics.predicted.get(i).and_then(|&p| names.get(p)).cloned();
        let truth = names.get(class(i)).cloned().unwrap_or_default();
        row_tip(ui, &resp.response, problem, i, &truth, said, is_test[i]);
    }
    if let Some((at, remove, shift)) = click
        && plane.is_some()
    {
        let n_classes = names.len();
        let edited_row = hovered.and_then(|i| problem.rows.get(i).copied());
        let classes = matches!(problem.target, Target::Classes { .. });
        let base_rows = run.data.n_rows - v.settings.added.len();
        let add = (!remove && classes).then(|| {
            let c = if shift {
                (v.add_class + 1) % (n_classes + 1).max(1)
            } else {
                v.add_class
            };
            [at.x, at.y, c as f64]
        });
        edit(
            &mut v.settings,
            add,
            remove.then_some(edited_row).flatten(),
            base_rows,
        );
    }
    v.plane_transform = Some(transform);
}

/// The row under the pointer: its class, what the network says and, for an
/// 8 × 8 (or any square) input, the picture it is.
fn row_tip(
    ui: &Ui,
    response: &egui::Response,
    problem: &crate::math::network::Problem,
    i: usize,
    truth: &str,
    said: Option<String>,
    test: bool,
) {
    let side = (problem.inputs.len() as f64).sqrt() as usize;
    let row = problem.row(i);
    let table_row = problem.rows.get(i).copied().unwrap_or(i);
    let picture = (side * side == row.len() && side >= 4).then(|| {
        let max = row.iter().fold(1e-9_f64, |a, v| a.max(v.abs()));
        let px: Vec<Color32> = row
            .iter()
            .map(|&v| Color32::from_gray((255.0 - 255.0 * (v / max).clamp(0.0, 1.0)) as u8))
            .collect();
        ui.ctx().load_texture(
            "network-row",
            ColorImage::new([side, side], px),
            TextureOptions::NEAREST,
        )
    });
    response.clone().on_hover_ui_at_pointer(|ui| {
        ui.label(format!(
            "row {}: {truth}{}{}",
            table_row + 1,
            said.map(|s| format!(", the network says {s}"))
                .unwrap_or_default(),
            if test { " (test)" } else { "" }
        ));
        if let Some(tex) = &picture {
            ui.image((tex.id(), egui::vec2(96.0, 96.0)));
        }
    });
}

/// Adds the point `add`, or takes out the edited set's row `remove`: an
/// added point leaves `added`, a table row joins `removed`. `base_rows` is
/// how many rows of the table are kept.
fn edit(
    s: &mut crate::scene::NetworkSettings,
    add: Option<[f64; 3]>,
    remove: Option<usize>,
    base_rows: usize,
) {
    if let Some(p) = add
        && s.added.len() < crate::scene::MAX_ADDED
    {
        s.added.push(p);
    }
    let Some(edited) = remove else { return };
    if edited >= base_rows {
        let k = edited - base_rows;
        if k < s.added.len() {
            s.added.remove(k);
        }
    } else {
        let mut keep = (0..base_rows + s.removed.len()).filter(|r| !s.removed.contains(r));
        if let Some(orig) = keep.nth(edited) {
            s.removed.push(orig);
        }
    }
}

/// "N points (T test), W misclassified now".
fn summary(
    problem: &crate::math::network::Problem,
    is_test: &[bool],
    predicted: &[usize],
) -> String {
    let Target::Classes { codes, .. } = &problem.target else {
        return format!("{} points", problem.len());
    };
    let wrong = predicted
        .iter()
        .zip(codes)
        .filter(|&(&p, &c)| p != c as usize)
        .count();
    format!(
        "{} points ({} test), {wrong} misclassified now",
        problem.len(),
        is_test.iter().filter(|&&t| t).count(),
    )
}

/// A regression's points coloured by their target on the heatmap's map (in
/// nine bands, symmetric about 0), outlined so they stand out from it.
fn value_points(p: &mut egui_plot::PlotUi<'_>, xy: &[[f64; 2]], values: &[f64], radius: f32) {
    const BANDS: usize = 9;
    let scale = values.iter().fold(1e-12_f64, |m, v| m.max(v.abs()));
    let band = |v: f64| ((f64::midpoint(v / scale, 1.0) * BANDS as f64) as usize).min(BANDS - 1);
    for b in 0..BANDS {
        let pts: PlotPoints<'_> = (0..xy.len())
            .filter(|&i| band(values[i]) == b)
            .map(|i| xy[i])
            .collect();
        let t = (b as f32 + 0.5) / BANDS as f32 * 2.0 - 1.0;
        p.points(
            Points::new("", pts)
                .color(super::pictures::signed_color(t))
                .radius(radius)
                .filled(true),
        );
    }
}

/// What the plane shows, in a line.
fn heading(problem: &crate::math::network::Problem, plane: bool) -> String {
    if !plane {
        return format!(
            "{} inputs, seen through their PCA (no plane to colour)",
            problem.inputs.len()
        );
    }
    if matches!(problem.target, Target::Classes { .. }) {
        format!(
            "Input plane: {} and {}; the regions are where the network says each class",
            problem.inputs[0], problem.inputs[1]
        )
    } else {
        format!(
            "Input plane: {} and {}; the colour is the network's prediction of {} (blue above 0, orange below), the points' their true value",
            problem.inputs[0], problem.inputs[1], problem.target_name
        )
    }
}
