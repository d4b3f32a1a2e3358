//! The harness's measuring: options, one timed frame (egui frame +
//! tessellation, and llvmpipe painting with `--paint`), the statistics of a
//! case and the table they make.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use egui_kittest::Harness;
use eigenlens::app::EntryData;
use eigenlens::app::views::view::View;

/// Window of every case, in points (1 pixel per point).
pub const SIZE: egui::Vec2 = egui::vec2(1600.0, 1000.0);

/// The command line's options.
pub struct Config {
    /// `--quick`: 10,000 points only, fewer frames.
    pub quick: bool,
    /// `--paint`: each timed frame also paints with wgpu (llvmpipe) and reads back.
    pub paint: bool,
    /// `--shots=DIR`: after each case, its last frame painted to
    /// `DIR/NN.png`, NN the row's number in the table (to see that the
    /// interaction does what its name says).
    pub shots: Option<PathBuf>,
    /// `--points=N` (repeatable): those sizes instead of the usual ones.
    pub points: Vec<usize>,
    /// View names to run (empty: every view).
    filter: Vec<String>,
}

impl Config {
    /// Reads `--quick`, `--paint` and view names from the arguments (cargo
    /// bench's own `--bench` is ignored).
    pub fn from_args() -> Self {
        let mut c = Self {
            quick: false,
            paint: false,
            shots: None,
            points: Vec::new(),
            filter: Vec::new(),
        };
        for a in std::env::args().skip(1) {
            match a.as_str() {
                "--quick" => c.quick = true,
                "--paint" => c.paint = true,
                s if s.starts_with("--shots=") => c.shots = Some(PathBuf::from(&s[8..])),
                s if s.starts_with("--points=") => {
                    let n = s[9..].replace(['_', ','], "");
                    match n.parse() {
                        Ok(n) if n > 0 => c.points.push(n),
                        _ => {
                            eprintln!("frames: --points wants a positive count, not {:?}", &s[9..]);
                            std::process::exit(2);
                        }
                    }
                }
                s if s.starts_with('-') => {}
                s => c.filter.push(s.to_lowercase()),
            }
        }
        c
    }

    /// Whether the view named `view` runs.
    pub fn wants(&self, view: &str) -> bool {
        let view = view.to_lowercase();
        self.filter.is_empty() || self.filter.iter().any(|f| view.starts_with(f.as_str()))
    }

    /// The numbers of points a view that takes points runs at.
    pub fn sizes(&self) -> Vec<usize> {
        if !self.points.is_empty() {
            self.points.clone()
        } else if self.quick {
            vec![10_000]
        } else {
            vec![10_000, 100_000, 1_000_000]
        }
    }

    /// Timed frames per case.
    pub fn frames(&self) -> usize {
        if self.quick { 12 } else { 60 }
    }
}

/// CPU time of this process so far (user + system, all threads), in ms:
/// unlike wall time, it does not grow when other processes take the cores.
pub fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime is the
    // 12th and stime the 13th of them, in clock ticks (100 per second).
    let after = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |k: usize| {
        fields
            .get(k)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) * 10.0
}

/// The 1-, 5- and 15-minute load averages.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map_or_else(
        |_| "unknown".to_owned(),
        |l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
    )
}

/// A harness drawing `view` alone on `data` at [`SIZE`], computing on the
/// UI thread (the fit, index or training that the app runs in the
/// background is done before timing), after its first frames.
pub fn settled<V: View + 'static>(
    mut view: V,
    data: EntryData,
) -> Harness<'static, (V, EntryData)> {
    view.set_blocking(true);
    let mut h = crate::common::view_harness(view, data, SIZE);
    h.run_steps(3);
    h
}

/// One measured case: wall milliseconds of each frame and CPU per frame.
pub struct Stats {
    pub median: f64,
    pub p95: f64,
    pub cpu: f64,
}

/// Runs `frames` frames of `h`, each after `act` (the interaction: an event
/// queued, a setting moved), after three untimed ones; times `step` (one
/// egui frame per queued event: `act` queues at most one) and tessellation.
pub fn measure<S>(
    h: &mut Harness<'_, S>,
    cfg: &Config,
    mut act: impl FnMut(&mut Harness<'_, S>, usize),
) -> Stats {
    let frames = cfg.frames();
    for f in 0..3 {
        act(h, f);
        frame(h, cfg.paint);
    }
    let cpu_start = cpu_ms();
    let mut ms: Vec<f64> = (3..frames + 3)
        .map(|f| {
            act(h, f);
            frame(h, cfg.paint)
        })
        .collect();
    let cpu = (cpu_ms() - cpu_start) / frames as f64;
    if let Some(dir) = &cfg.shots {
        shot(h, dir);
    }
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    Stats {
        median: at(0.5),
        p95: at(0.95),
        cpu,
    }
}

/// Cases measured so far: the number of the next shot.
static SHOTS: AtomicUsize = AtomicUsize::new(0);

/// Paints the last frame of `h` into the next `NN.png` of `dir`.
fn shot<S>(h: &mut Harness<'_, S>, dir: &std::path::Path) {
    let k = SHOTS.fetch_add(1, Ordering::Relaxed);
    let path = dir.join(format!("{k:02}.png"));
    let saved = std::fs::create_dir_all(dir)
        .map_err(|e| e.to_string())
        .and_then(|()| h.render())
        .and_then(|img| img.save(&path).map_err(|e| e.to_string()));
    if let Err(e) = saved {
        eprintln!("{}: {e}", path.display());
    }
}

/// One frame's wall milliseconds: egui frame (with the view's own
/// rasterizing and texture uploads) + tessellation (+ painting).
fn frame<S>(h: &mut Harness<'_, S>, paint: bool) -> f64 {
    let start = Instant::now();
    h.step();
    let out = h.output();
    let _ = h.ctx.tessellate(out.shapes.clone(), out.pixels_per_point);
    if paint {
        let _ = h.render();
    }
    start.elapsed().as_secs_f64() * 1000.0
}

/// A row of the table.
pub struct Row {
    pub view: &'static str,
    pub case: String,
    pub points: String,
    pub stats: Stats,
    /// An issue-24 target for this row, in ms of the median: met or missed.
    pub target: Option<f64>,
}

/// The rows measured so far; each is printed as it comes.
#[derive(Default)]
pub struct Table {
    rows: Vec<Row>,
}

/// `n` with thousands separators.
pub fn count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Table {
    /// Adds a row and prints it.
    pub fn add(&mut self, view: &'static str, case: &str, points: &str, stats: Stats) {
        let row = Row {
            view,
            case: case.to_owned(),
            points: points.to_owned(),
            target: crate::target(view, case, points),
            stats,
        };
        println!("{}", line(&row));
        self.rows.push(row);
    }

    /// The table in Markdown.
    pub fn markdown(&self) -> String {
        let mut s = String::from(
            "| view | case | points | median ms | p95 ms | CPU ms/frame | issue-24 target |\n|---|---|---:|---:|---:|---:|---|\n",
        );
        for r in &self.rows {
            let _ = writeln!(s, "{}", line(r));
        }
        s
    }
}

fn line(r: &Row) -> String {
    // Met or missed by the median wall time; where it misses, whether the
    // CPU time per frame (what the frame costs without waiting for a core
    // that other processes hold) meets it.
    let target = match r.target {
        Some(t) if r.stats.median <= t => format!("≤ {t} ms: met"),
        Some(t) if r.stats.cpu <= t => format!("≤ {t} ms: **missed** (CPU per frame meets it)"),
        Some(t) => format!("≤ {t} ms: **missed** (CPU per frame too)"),
        None => String::new(),
    };
    format!(
        "| {} | {} | {} | {:.2} | {:.2} | {:.1} | {target} |",
        r.view, r.case, r.points, r.stats.median, r.stats.p95, r.stats.cpu
    )
}
