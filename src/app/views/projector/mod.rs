//! The projection switch PCA | t-SNE | UMAP that the Embeddings view puts
//! over its points: the map computed in the background and animated while
//! it optimizes ([`run`]), its controls (the method's settings, Pause,
//! Re-run, Perturb, the iteration and the loss), and what it keeps of each
//! point's neighbourhood beside what PCA keeps ([`kept`]).
//!
//! PCA is a change of basis and a drop: it keeps large distances and can
//! crush clusters together. t-SNE and UMAP bend space to keep neighbours and
//! lose the large distances. The numbers are
//! [`crate::math::project`]'s, the ones `eigenlens project` prints.

pub mod kept;
pub mod run;

use std::fmt::Write as _;
use std::sync::Arc;

use egui::{DragValue, Response, RichText, Ui};

use crate::app::job::Waker;
use crate::data::Dataset;
use crate::math::project::Init;
use crate::math::project::quality::Quality;
use crate::math::similarity::projection::EmbeddingSpace;
use crate::scene::{MAX_ITERATIONS, MAX_PERPLEXITY, ProjectionMethod, ProjectionSettings};

use kept::{KEPT_K, KeptJob};
pub use run::{MapFrame, MapKey, MapRun, usable_perplexity};

/// The map, its quality and the quality of PCA's, for one view.
#[derive(Default)]
pub struct Projector {
    run: Option<MapRun>,
    kept_map: KeptJob,
    kept_pca: KeptJob,
    /// The PCA comparison's key: a hash of the data, dimensions and map dims.
    pca_key: u64,
    /// Settings being dragged, applied when the drag ends (a restart per
    /// step of a drag would recompute the neighbours each time).
    draft: Option<ProjectionSettings>,
}

/// Where the data for a map comes from.
pub struct MapSource<'a> {
    pub data: &'a Arc<Dataset>,
    pub data_id: u64,
    pub dims: &'a [String],
    pub space: &'a Arc<EmbeddingSpace>,
    /// 2 or 3.
    pub map_dims: usize,
    /// Compute on this thread (headless rendering, tests).
    pub blocking: bool,
}

impl Projector {
    /// Starts, restarts or polls the map `settings` ask for, and the
    /// measurements of it and of PCA. Nothing runs for PCA.
    pub fn update(&mut self, ctx: &egui::Context, s: &mut ProjectionSettings, src: &MapSource<'_>) {
        let waker = Waker::new(ctx);
        if s.method == ProjectionMethod::Pca {
            self.run = None;
        } else {
            // Headless, a run is redone when asked to stop elsewhere (an
            // animation's frames each stop at their own iteration).
            let elsewhere = |r: &MapRun| {
                src.blocking
                    && r.frame.as_ref().is_some_and(|f| match s.stop_at {
                        Some(stop) => f.iteration != stop.min(f.total),
                        None => !f.converged(),
                    })
            };
            if self
                .run
                .as_ref()
                .is_none_or(|r| !r.key.is_for(src, s) || elsewhere(r))
            {
                let key = MapKey {
                    data_id: src.data_id,
                    dims: src.dims.to_vec(),
                    map_dims: src.map_dims,
                    settings: s.run_settings(),
                };
                self.run = Some(MapRun::start(
                    key,
                    src.data,
                    s.stop_at,
                    src.blocking,
                    &waker,
                ));
            }
        }
        if let Some(run) = &mut self.run {
            run.poll();
            if run.running() {
                ctx.request_repaint_after(std::time::Duration::from_millis(30));
            }
            if let Some(f) = &run.frame
                && f.converged()
                && run.perturbed == 0
            {
                s.stop_at = None;
            }
            // Measure the map once it holds still (done, or paused).
            if !run.running()
                && let Some(f) = &run.frame
            {
                kept::measure(
                    &mut self.kept_map,
                    f.generation,
                    src.space,
                    || Some(f.positions.clone()),
                    f.dims,
                    src.blocking,
                    &waker,
                );
            }
        }
        let pca_key = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (src.data_id, src.dims, src.map_dims).hash(&mut h);
            h.finish()
        };
        self.pca_key = pca_key;
        kept::measure(
            &mut self.kept_pca,
            pca_key,
            src.space,
            || kept::pca_positions(src.space, src.map_dims),
            src.map_dims,
            src.blocking,
            &waker,
        );
        self.kept_map.poll();
        self.kept_pca.poll();
    }

    /// The map to draw, once positions have arrived (PCA: `None`).
    #[must_use]
    pub fn frame(&self) -> Option<&MapFrame> {
        self.run.as_ref().and_then(|r| r.frame.as_ref())
    }

    /// Why the map could not be computed.
    #[must_use]
    pub fn error(&self) -> Option<&str> {
        self.run.as_ref().and_then(|r| r.error.as_deref())
    }

    /// Whether a kept-neighbour figure is being measured.
    #[must_use]
    pub fn measuring(&self) -> bool {
        self.kept_map.running().is_some() || self.kept_pca.running().is_some()
    }

    /// Whether the map is still moving.
    #[must_use]
    pub fn running(&self) -> bool {
        self.run.as_ref().is_some_and(MapRun::running)
    }

    /// The kept-neighbour figures of the current map and of PCA's, when measured.
    #[must_use]
    pub fn kept(&self) -> (Option<&Quality>, Option<&Quality>) {
        let map = self
            .frame()
            .and_then(|f| kept::measured(&self.kept_map, f.generation));
        (map, kept::measured(&self.kept_pca, self.pca_key))
    }

    /// The switch PCA | t-SNE | UMAP.
    pub fn switch_ui(ui: &mut Ui, s: &mut ProjectionSettings) {
        for (method, hover) in [
            (
                ProjectionMethod::Pca,
                "PCA: a change of basis and a drop. Keeps large distances; can crush clusters together.",
            ),
            (
                ProjectionMethod::Tsne,
                "t-SNE: bends space to keep each point's neighbours; distances between clusters mean little.",
            ),
            (
                ProjectionMethod::Umap,
                "UMAP: keeps neighbours through a fuzzy graph; faster than t-SNE, keeps a little more of the large-scale layout.",
            ),
        ] {
            if ui
                .selectable_label(s.method == method, method.label())
                .on_hover_text(hover)
                .clicked()
                && s.method != method
            {
                s.method = method;
                s.stop_at = None;
            }
        }
    }

    /// The method's settings, Pause/Resume, Re-run, Perturb and progress (t-SNE and UMAP).
    pub fn controls_ui(
        &mut self,
        ui: &mut Ui,
        s: &mut ProjectionSettings,
        data: &Arc<Dataset>,
        n: usize,
    ) {
        if s.method == ProjectionMethod::Pca {
            return;
        }
        let mut draft = self.draft.take().unwrap_or_else(|| s.clone());
        let mut edits = Edits::default();
        ui.horizontal_wrapped(|ui| {
            match s.method {
                ProjectionMethod::Umap => umap_fields(ui, &mut draft, &mut edits),
                _ => tsne_fields(ui, &mut draft, n, &mut edits),
            }
            let l = ui.label("seed");
            edits.add(
                &ui.add(DragValue::new(&mut draft.seed).range(0..=u64::from(u32::MAX)))
                    .labelled_by(l.id)
                    .on_hover_text(
                        "Seeds the random start and UMAP's sampling: the same seed, the same map",
                    ),
            );
            supervise_fields(ui, &mut draft, data, &mut edits);
            ui.separator();
            self.buttons_ui(ui, s, data);
        });
        if edits.commit && !edits.dragging {
            if draft.run_settings() != s.run_settings() {
                *s = ProjectionSettings {
                    method: s.method,
                    stop_at: None,
                    ..draft
                };
            }
        } else if edits.dragging {
            self.draft = Some(draft);
        }
    }

    fn buttons_ui(&mut self, ui: &mut Ui, s: &mut ProjectionSettings, data: &Arc<Dataset>) {
        let Some(run) = &mut self.run else { return };
        let waker = Waker::new(ui.ctx());
        if run.paused() {
            if ui
                .button("▶ Resume")
                .on_hover_text("Go on optimizing from here")
                .clicked()
            {
                run.set_paused(false);
                s.stop_at = None;
            }
        } else if run.running() {
            if ui
                .button("‖ Pause")
                .on_hover_text("Hold the map still (a saved scene stops at this iteration)")
                .clicked()
            {
                run.set_paused(true);
                s.stop_at = run.frame.as_ref().map(|f| f.iteration);
            }
        } else {
            ui.add_enabled(false, egui::Button::new("‖ Pause"))
                .on_disabled_hover_text("The map has converged");
        }
        if ui
            .button("⟲ Re-run")
            .on_hover_text(
                "Start again from a random cloud with the next seed: another local optimum",
            )
            .clicked()
        {
            s.init = Init::Random;
            s.seed = s.seed.wrapping_add(1);
            s.stop_at = None;
        }
        if ui
            .add_enabled(run.frame.is_some(), egui::Button::new("↯ Perturb"))
            .on_hover_text(format!(
                "Shake the map a little and optimize {} more steps without exaggeration (not saved in scenes)",
                250
            ))
            .clicked()
        {
            s.stop_at = None;
            run.perturb(data, &waker);
        }
        progress_ui(ui, run, s.method);
    }

    /// One line: what the map keeps of the neighbourhoods, beside PCA.
    pub fn kept_ui(&self, ui: &mut Ui, method: ProjectionMethod, n: usize) {
        let (map, pca) = self.kept();
        let pct = |q: &Quality| format!("{:.0}%", 100.0 * q.kept);
        let mut text = format!("Kept neighbours (k = {KEPT_K}): ");
        match (method, map, pca) {
            (ProjectionMethod::Pca, _, Some(p)) => {
                let _ = write!(
                    text,
                    "PCA keeps {} of each point's {KEPT_K} nearest, trustworthiness {:.3}.",
                    pct(p),
                    p.trustworthiness
                );
            }
            (m, Some(q), p) => {
                let _ = write!(
                    text,
                    "{} keeps {} (trustworthiness {:.3})",
                    m.label(),
                    pct(q),
                    q.trustworthiness
                );
                if let Some(p) = p {
                    let _ = write!(text, ", PCA {} ({:.3}).", pct(p), p.trustworthiness);
                }
            }
            (_, None, _) if self.running() => text.push_str("measured when the map holds still."),
            _ => text.push_str("measuring…"),
        }
        if let Some(points) = map.or(pca).map(|q| q.points).filter(|&p| p < n) {
            let _ = write!(
                text,
                " Estimated from {} points.",
                crate::app::style::fmt_count(points)
            );
        }
        ui.label(RichText::new(text).weak()).on_hover_text(
            "The share of each point's 10 nearest neighbours in the original space that are among its 10 nearest on the map. Hover a point for lines to its neighbours: solid if the map kept them, dashed if it lost them.",
        );
    }
}

/// Whether a field changed and whether one is being dragged.
#[derive(Default)]
struct Edits {
    commit: bool,
    dragging: bool,
}

impl Edits {
    fn add(&mut self, r: &Response) {
        self.dragging |= r.dragged();
        self.commit |= r.changed() || r.drag_stopped();
    }
}

fn tsne_fields(ui: &mut Ui, d: &mut ProjectionSettings, n: usize, edits: &mut Edits) {
    let l = ui.label("perplexity");
    let usable = usable_perplexity(d.perplexity, n);
    let hover = if usable < d.perplexity {
        format!(
            "The effective number of neighbours (2–100 in the Projector). {n} points allow at most {usable:.1}, which is used."
        )
    } else {
        "The effective number of neighbours each point keeps close (2–100 in the Projector)"
            .to_owned()
    };
    edits.add(
        &ui.add(
            DragValue::new(&mut d.perplexity)
                .range(1.0..=MAX_PERPLEXITY)
                .speed(0.5)
                .max_decimals(1),
        )
        .labelled_by(l.id)
        .on_hover_text(hover),
    );
    let l = ui.label("exaggeration");
    edits.add(
        &ui.add(
            DragValue::new(&mut d.exaggeration)
                .range(1.0..=100.0)
                .speed(0.1)
                .max_decimals(1),
        )
        .labelled_by(l.id)
        .on_hover_text(
            "α for the first 250 iterations: pulls neighbours together so clusters form",
        ),
    );
    let mut auto = d.learning_rate.is_none();
    let r = ui
        .checkbox(&mut auto, "auto rate")
        .on_hover_text("Learning rate max(n/α, 50), as openTSNE");
    if r.changed() {
        d.learning_rate = if auto {
            None
        } else {
            Some((n as f64 / d.exaggeration).max(50.0).round())
        };
    }
    edits.add(&r);
    if let Some(rate) = &mut d.learning_rate {
        edits.add(
            &ui.add(
                DragValue::new(rate)
                    .range(1.0..=1e7)
                    .speed(5.0)
                    .max_decimals(0),
            )
            .on_hover_text("Learning rate"),
        );
    }
    let l = ui.label("iterations");
    edits.add(
        &ui.add(
            DragValue::new(&mut d.iterations)
                .range(1..=MAX_ITERATIONS)
                .speed(5.0),
        )
        .labelled_by(l.id)
        .on_hover_text("Iterations in all, the first 250 exaggerated"),
    );
}

/// "supervise by" a label column (or none) and the weight, as the
/// Embedding Projector offers for t-SNE.
fn supervise_fields(ui: &mut Ui, d: &mut ProjectionSettings, data: &Dataset, edits: &mut Edits) {
    if data.labels.is_empty() {
        return;
    }
    let l = ui.label("supervise by");
    let before = d.supervise.clone();
    let shown = if d.supervise.is_empty() {
        "none"
    } else {
        d.supervise.as_str()
    };
    egui::ComboBox::from_id_salt("projection-supervise")
        .selected_text(shown)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut d.supervise, String::new(), "none");
            for label in &data.labels {
                ui.selectable_value(&mut d.supervise, label.name.clone(), &label.name);
            }
        })
        .response
        .labelled_by(l.id)
        .on_hover_text("Pull points with the same label together and push different labels apart");
    if d.supervise != before {
        edits.commit = true;
        // Choosing a label with the weight at 0 would change nothing.
        if !d.supervise.is_empty() && d.supervise_weight == 0.0 {
            d.supervise_weight = 0.5;
        }
    }
    if !d.supervise.is_empty() {
        let l = ui.label("weight");
        edits.add(
            &ui.add(
                DragValue::new(&mut d.supervise_weight)
                    .range(0.0..=1.0)
                    .speed(0.01)
                    .max_decimals(2),
            )
            .labelled_by(l.id)
            .on_hover_text("How strongly the label supervises: 0 off, 1 strongest"),
        );
    }
}

fn umap_fields(ui: &mut Ui, d: &mut ProjectionSettings, edits: &mut Edits) {
    let l = ui.label("neighbours");
    edits.add(
        &ui.add(DragValue::new(&mut d.neighbors).range(2..=200))
            .labelled_by(l.id)
            .on_hover_text("Neighbourhood size, the point itself counted (5–50 in the Projector)"),
    );
    let l = ui.label("min-dist");
    edits.add(
        &ui.add(
            DragValue::new(&mut d.min_dist)
                .range(0.0..=0.99)
                .speed(0.01)
                .max_decimals(2),
        )
        .labelled_by(l.id)
        .on_hover_text("How tightly points may pack: small values, tight clusters"),
    );
    let mut auto = d.epochs.is_none();
    let r = ui
        .checkbox(&mut auto, "auto epochs")
        .on_hover_text("500 epochs up to 10,000 points, 200 above (umap-learn's choice)");
    if r.changed() {
        d.epochs = if auto { None } else { Some(500) };
    }
    edits.add(&r);
    if let Some(epochs) = &mut d.epochs {
        edits.add(
            &ui.add(DragValue::new(epochs).range(1..=MAX_ITERATIONS).speed(5.0))
                .on_hover_text("Epochs"),
        );
    }
}

/// The iteration count and the loss (or the error), with a bar while it runs.
fn progress_ui(ui: &mut Ui, run: &MapRun, method: ProjectionMethod) {
    if let Some(e) = &run.error {
        ui.label(RichText::new(e).color(ui.visuals().error_fg_color));
        return;
    }
    let Some(f) = &run.frame else {
        ui.spinner();
        ui.label("finding every point's nearest neighbours…");
        return;
    };
    let unit = if method == ProjectionMethod::Umap {
        "epoch"
    } else {
        "iteration"
    };
    let mut text = format!("{unit} {} / {}", f.iteration, f.total);
    if let Some(kl) = f.loss {
        let _ = write!(text, " · KL {kl:.3}");
    }
    if run.perturbed > 0 {
        text.push_str(" · perturbed");
    }
    if run.running() {
        ui.add(
            egui::ProgressBar::new(f.iteration as f32 / f.total.max(1) as f32).desired_width(90.0),
        );
    }
    ui.label(text);
}
