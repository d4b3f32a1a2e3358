//! One t-SNE or UMAP map being computed: a streaming [`Job`] that sends the
//! positions every few iterations (or, headless, the whole run on this
//! thread), with Pause, Resume, Re-run and Perturb.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use crate::app::job::{Job, Waker};
use crate::data::Dataset;
use crate::math::project::tsne::{TsneSettings, tsne_with};
use crate::math::project::umap::{UmapSettings, umap_with};
use crate::math::project::{Embedding, Progress, ProjectError, Supervision, supervision_codes};
use crate::scene::{ProjectionMethod, ProjectionSettings};

/// Iterations a Perturb runs (t-SNE without exaggeration; UMAP epochs).
const PERTURB_ITERATIONS: usize = 250;
/// A parked worker looks at its flags this often.
const PARK: Duration = Duration::from_millis(50);

/// A new number for every map drawn, so caches keyed on it never mix maps.
static GENERATION: AtomicU64 = AtomicU64::new(1);

fn next_generation() -> u64 {
    GENERATION.fetch_add(1, Ordering::Relaxed)
}

/// What a map depends on.
#[derive(Clone, Debug, PartialEq)]
pub struct MapKey {
    /// The dataset's id.
    pub data_id: u64,
    /// Its numeric columns making up each vector.
    pub dims: Vec<String>,
    /// 2 or 3.
    pub map_dims: usize,
    /// The method and its settings (without where it stopped).
    pub settings: ProjectionSettings,
}

impl MapKey {
    /// Whether this is the key of the map `src` and `settings` ask for
    /// (compared in place: no key is built each frame).
    #[must_use]
    pub fn is_for(&self, src: &super::MapSource<'_>, settings: &ProjectionSettings) -> bool {
        self.data_id == src.data_id
            && self.map_dims == src.map_dims
            && self.dims == src.dims
            && self.settings == settings.run_settings()
    }
}

/// The newest positions of a map.
#[derive(Clone, Debug)]
pub struct MapFrame {
    /// Row-major: row i is `positions[i·dims .. (i+1)·dims]`.
    pub positions: Vec<f64>,
    pub dims: usize,
    /// Iterations (t-SNE) or epochs (UMAP) done.
    pub iteration: usize,
    /// Planned in all.
    pub total: usize,
    /// t-SNE's KL divergence at the last computation.
    pub loss: Option<f64>,
    /// Unique to these positions.
    pub generation: u64,
}

impl MapFrame {
    fn new(p: &Progress<'_>) -> Self {
        Self {
            positions: p.positions.to_vec(),
            dims: p.dims,
            iteration: p.iteration,
            total: p.total,
            loss: p.loss,
            generation: next_generation(),
        }
    }

    fn from_embedding(e: Embedding, total: usize) -> Self {
        Self {
            positions: e.positions,
            dims: e.dims,
            iteration: e.iterations,
            total,
            loss: e.loss,
            generation: next_generation(),
        }
    }

    /// Row i's coordinates, 0 past the map's dimensions.
    #[must_use]
    pub fn point(&self, i: usize) -> [f64; 3] {
        let mut p = [0.0; 3];
        if let Some(row) = self.positions.get(i * self.dims..(i + 1) * self.dims) {
            for (slot, &v) in p.iter_mut().zip(row) {
                *slot = v;
            }
        }
        p
    }

    /// Whether it ran to its planned end.
    #[must_use]
    pub fn converged(&self) -> bool {
        self.iteration >= self.total
    }
}

/// What the worker sends.
enum Message {
    Frame(MapFrame),
    Failed(ProjectError),
}

/// A map being computed or computed.
pub struct MapRun {
    pub key: MapKey,
    job: Option<Job<(), Message>>,
    paused: Arc<AtomicBool>,
    /// The newest positions, once the first arrive.
    pub frame: Option<MapFrame>,
    /// Why the run failed (bad settings for this data, say).
    pub error: Option<String>,
    /// Perturbs since the start (a perturbed map is not the seed's).
    pub perturbed: u32,
}

impl MapRun {
    /// Starts a run of `key` on `data`; it pauses (or, when `blocking`, stops)
    /// at iteration `stop_at`. Blocking runs on this thread and returns done.
    #[must_use]
    pub fn start(
        key: MapKey,
        data: &Arc<Dataset>,
        stop_at: Option<usize>,
        blocking: bool,
        waker: &Waker,
    ) -> Self {
        let mut run = Self {
            key,
            job: None,
            paused: Arc::new(AtomicBool::new(false)),
            frame: None,
            error: None,
            perturbed: 0,
        };
        if blocking {
            let mut observe = |p: &Progress<'_>| stop_at.is_none_or(|s| p.iteration < s);
            match compute(data, &run.key, None, &mut observe) {
                Ok((e, total)) => run.frame = Some(MapFrame::from_embedding(e, total)),
                Err(e) => run.error = Some(e.to_string()),
            }
        } else {
            run.spawn(data, None, stop_at, waker);
        }
        run
    }

    fn spawn(
        &mut self,
        data: &Arc<Dataset>,
        initial: Option<Vec<f64>>,
        stop_at: Option<usize>,
        waker: &Waker,
    ) {
        let (data, key) = (Arc::clone(data), self.key.clone());
        let paused = Arc::clone(&self.paused);
        paused.store(false, Ordering::Relaxed);
        self.job = Some(Job::stream((), waker.clone(), move |progress, emit| {
            // Pause once on reaching it; Resume goes on to the end.
            let mut stop_at = stop_at;
            let mut observe = |p: &Progress<'_>| {
                progress.set_total(p.total as u64);
                progress.set_done(p.iteration as u64);
                if !emit.send(Message::Frame(MapFrame::new(p))) {
                    return false;
                }
                if stop_at.is_some_and(|s| p.iteration >= s) {
                    stop_at = None;
                    paused.store(true, Ordering::Relaxed);
                }
                while paused.load(Ordering::Relaxed) && !progress.is_cancelled() {
                    std::thread::park_timeout(PARK);
                }
                !progress.is_cancelled()
            };
            if let Err(e) = compute(&data, &key, initial, &mut observe) {
                emit.send(Message::Failed(e));
            }
        }));
    }

    /// Takes in what the worker sent.
    pub fn poll(&mut self) {
        let Some(job) = &mut self.job else { return };
        for message in job.drain() {
            match message {
                Message::Frame(f) => self.frame = Some(f),
                Message::Failed(e) => self.error = Some(e.to_string()),
            }
        }
        if job.ended() {
            self.job = None;
        }
    }

    /// Whether the worker is optimizing now (not paused, not done).
    #[must_use]
    pub fn running(&self) -> bool {
        self.job.is_some() && !self.paused()
    }

    /// Whether the worker waits, paused, to go on.
    #[must_use]
    pub fn paused(&self) -> bool {
        self.job.is_some() && self.paused.load(Ordering::Relaxed)
    }

    /// Pauses (true) or resumes (false) the optimization.
    pub fn set_paused(&self, paused: bool) {
        self.paused.store(paused, Ordering::Relaxed);
        if let Some(job) = &self.job {
            job.unpark();
        }
    }

    /// Done / total of the running optimization.
    #[must_use]
    pub fn fraction(&self) -> Option<f32> {
        self.job.as_ref().and_then(Job::fraction)
    }

    /// Goes on from the current map with a little noise (t-SNE without the
    /// early exaggeration): clusters that settled in a poor arrangement can
    /// move. The noise is seeded by the seed and the count of perturbs.
    pub fn perturb(&mut self, data: &Arc<Dataset>, waker: &Waker) {
        let Some(frame) = &self.frame else { return };
        self.perturbed += 1;
        let mut rng = fastrand::Rng::with_seed(self.key.settings.seed ^ u64::from(self.perturbed));
        let d = frame.dims.max(1);
        let spread: Vec<f64> = (0..d)
            .map(|k| crate::math::project::std_of(&frame.positions, d, k))
            .collect();
        let mut y = frame.positions.clone();
        for (i, v) in y.iter_mut().enumerate() {
            let s = spread.get(i % d).copied().unwrap_or(1.0);
            *v += 0.05 * s * (2.0 * rng.f64() - 1.0);
        }
        self.job = None;
        self.error = None;
        self.spawn(data, Some(y), None, waker);
    }
}

/// Runs the map of `key` on `data` (from `initial` if given, for Perturb),
/// returning it and the iterations planned.
fn compute(
    data: &Dataset,
    key: &MapKey,
    initial: Option<Vec<f64>>,
    observe: &mut dyn FnMut(&Progress<'_>) -> bool,
) -> Result<(Embedding, usize), ProjectError> {
    let columns: Vec<&[f64]> = key
        .dims
        .iter()
        .filter_map(|d| data.column(d))
        .map(|c| c.values.as_slice())
        .collect();
    let n = data.n_rows;
    let s = &key.settings;
    let labels = supervision_labels(data, s);
    let supervision = labels.as_deref().map(|labels| Supervision {
        labels,
        weight: s.supervise_weight,
    });
    let supervision = supervision.as_ref();
    if s.method == ProjectionMethod::Umap {
        let mut settings = umap_settings(s, key.map_dims, n);
        if let Some(y) = initial {
            settings.epochs = Some(PERTURB_ITERATIONS);
            let e = umap_with(&columns, &settings, supervision, Some(y), observe)?;
            Ok((e, PERTURB_ITERATIONS))
        } else {
            let total = settings.epochs_for(n);
            Ok((
                umap_with(&columns, &settings, supervision, None, observe)?,
                total,
            ))
        }
    } else {
        let mut settings = tsne_settings(s, key.map_dims, n);
        if let Some(y) = initial {
            settings.iterations = PERTURB_ITERATIONS;
            settings.exaggeration_iterations = 0;
            Ok((
                tsne_with(&columns, &settings, supervision, Some(y), observe)?,
                PERTURB_ITERATIONS,
            ))
        } else {
            let total = settings.iterations;
            Ok((
                tsne_with(&columns, &settings, supervision, None, observe)?,
                total,
            ))
        }
    }
}

/// The codes of the label column supervising the map (an empty label:
/// [`UNLABELLED`](crate::math::project::UNLABELLED)), when one is chosen with a positive weight and exists.
#[must_use]
pub fn supervision_labels(data: &Dataset, s: &ProjectionSettings) -> Option<Vec<u32>> {
    if s.supervise.is_empty() || s.supervise_weight <= 0.0 {
        return None;
    }
    data.label(&s.supervise).map(supervision_codes)
}

/// The perplexity t-SNE can use on n rows: at most just under n/3.
#[must_use]
pub fn usable_perplexity(perplexity: f64, n: usize) -> f64 {
    let most = (n.saturating_sub(1) as f64 / 3.0).max(1.0);
    perplexity.min(most)
}

/// The math's t-SNE settings for the scene's.
#[must_use]
pub fn tsne_settings(s: &ProjectionSettings, dims: usize, n: usize) -> TsneSettings {
    TsneSettings {
        dims,
        perplexity: usable_perplexity(s.perplexity, n),
        iterations: s.iterations,
        exaggeration: s.exaggeration,
        learning_rate: s.learning_rate,
        init: s.init,
        seed: s.seed,
        report_every: 5,
        ..TsneSettings::default()
    }
}

/// The math's UMAP settings for the scene's (neighbours at most n).
#[must_use]
pub fn umap_settings(s: &ProjectionSettings, dims: usize, n: usize) -> UmapSettings {
    UmapSettings {
        dims,
        neighbors: s.neighbors.min(n).max(2),
        min_dist: s.min_dist,
        epochs: s.epochs,
        init: s.init,
        seed: s.seed,
        report_every: 2,
        ..UmapSettings::default()
    }
}
