//! Small 2D datasets for training networks, after TensorFlow Playground's:
//! four classification sets no straight line separates well (two nested
//! circles, XOR, two spirals, two moons), one it does (two Gaussians), and
//! two regression surfaces (a plane and a bump).
//!
//! Every set has columns `x` and `y` in about −6…6 (Playground's plane, so
//! that the features sin x and sin y bend on the data's scale), and either a
//! label column `class` with categories `"0"` and `"1"` or a numeric column
//! `target`. Each is made from a point count, a noise level and a seed, and
//! is the same for the same three: `noise` is the standard deviation of a
//! Gaussian jitter, in the plane's units, added to both coordinates (to the
//! target for the regression sets).

use super::generated::SplitMix64;
use super::{Dataset, LabelColumn, NumericColumn};

/// The most points a generator makes.
pub const MAX_POINTS: usize = 1_000_000;

/// One 2D generator and its defaults (those of `builtin:<id>`).
#[derive(Debug)]
pub struct Generator {
    /// `circles`, `xor`, `gauss`, `spiral`, `moons`, `plane` or `bump`.
    pub id: &'static str,
    /// Whether the set has a numeric `target` instead of a `class`.
    pub regression: bool,
    /// Points of `builtin:<id>`.
    pub default_count: usize,
    /// Noise of `builtin:<id>`.
    pub default_noise: f64,
    make: fn(&mut SplitMix64, usize, f64) -> Sample,
}

/// Seed of every `builtin:<id>` of these sets.
pub const DEFAULT_SEED: u64 = 0;

/// Points and their classes or targets, before they become a [`Dataset`].
struct Sample {
    x: Vec<f64>,
    y: Vec<f64>,
    /// Class codes (0 or 1), or targets.
    out: Out,
}

enum Out {
    Class(Vec<u32>),
    Target(Vec<f64>),
}

/// The generators, in menu order.
pub static GENERATORS: &[Generator] = &[
    Generator {
        id: "circles",
        regression: false,
        default_count: 500,
        default_noise: 0.25,
        make: circles,
    },
    Generator {
        id: "xor",
        regression: false,
        default_count: 500,
        default_noise: 0.25,
        make: xor,
    },
    Generator {
        id: "gauss",
        regression: false,
        default_count: 500,
        default_noise: 1.0,
        make: gauss,
    },
    Generator {
        id: "spiral",
        regression: false,
        default_count: 1000,
        default_noise: 0.15,
        make: spiral,
    },
    Generator {
        id: "moons",
        regression: false,
        default_count: 500,
        default_noise: 0.3,
        make: moons,
    },
    Generator {
        id: "plane",
        regression: true,
        default_count: 500,
        default_noise: 0.05,
        make: plane,
    },
    Generator {
        id: "bump",
        regression: true,
        default_count: 500,
        default_noise: 0.05,
        make: bump,
    },
];

/// The generator with this id.
#[must_use]
pub fn generator(id: &str) -> Option<&'static Generator> {
    GENERATORS.iter().find(|g| g.id == id)
}

impl Generator {
    /// `n` points (at most [`MAX_POINTS`]) with Gaussian jitter of standard
    /// deviation `noise` (negative or non-finite taken as 0), from `seed`.
    /// The dataset is named after the id.
    #[must_use]
    pub fn generate(&self, n: usize, noise: f64, seed: u64) -> Dataset {
        let n = n.min(MAX_POINTS);
        let noise = if noise.is_finite() {
            noise.max(0.0)
        } else {
            0.0
        };
        let mut rng = SplitMix64(seed ^ 0x0A11_CE5E_ED00_0000);
        let sample = (self.make)(&mut rng, n, noise);
        let mut columns = vec![
            NumericColumn {
                name: "x".to_owned(),
                values: sample.x,
            },
            NumericColumn {
                name: "y".to_owned(),
                values: sample.y,
            },
        ];
        let mut labels = Vec::new();
        match sample.out {
            Out::Class(codes) => labels.push(LabelColumn {
                name: "class".to_owned(),
                categories: vec!["0".to_owned(), "1".to_owned()],
                codes,
            }),
            Out::Target(values) => columns.push(NumericColumn {
                name: "target".to_owned(),
                values,
            }),
        }
        Dataset {
            name: self.id.to_owned(),
            source: None,
            n_rows: n,
            columns,
            labels,
        }
    }

    /// The set of `builtin:<id>`: the default count and noise, seed
    /// [`DEFAULT_SEED`].
    #[must_use]
    pub fn generate_default(&self) -> Dataset {
        self.generate(self.default_count, self.default_noise, DEFAULT_SEED)
    }
}

/// Half the points (rounded up) get class 0, the rest class 1.
fn class_of(i: usize, n: usize) -> u32 {
    u32::from(i >= n.div_ceil(2))
}

impl Sample {
    fn with_capacity(n: usize, classes: bool) -> Self {
        Self {
            x: Vec::with_capacity(n),
            y: Vec::with_capacity(n),
            out: if classes {
                Out::Class(Vec::with_capacity(n))
            } else {
                Out::Target(Vec::with_capacity(n))
            },
        }
    }

    /// Adds a point jittered by `noise` in both coordinates.
    fn push(&mut self, rng: &mut SplitMix64, x: f64, y: f64, noise: f64, class: u32) {
        let (gx, gy) = rng.normal_pair();
        self.x.push(x + noise * gx);
        self.y.push(y + noise * gy);
        if let Out::Class(c) = &mut self.out {
            c.push(class);
        }
    }

    /// Adds a point with a target jittered by `noise`.
    fn push_target(&mut self, rng: &mut SplitMix64, x: f64, y: f64, t: f64, noise: f64) {
        let (g, _) = rng.normal_pair();
        self.x.push(x);
        self.y.push(y);
        if let Out::Target(v) = &mut self.out {
            v.push(t + noise * g);
        }
    }
}

/// Class 0 inside radius 2.5, class 1 on the ring 3.5…5 (Playground's circle).
fn circles(rng: &mut SplitMix64, n: usize, noise: f64) -> Sample {
    let mut s = Sample::with_capacity(n, true);
    for i in 0..n {
        let class = class_of(i, n);
        let (r0, r1) = if class == 0 { (0.0, 2.5) } else { (3.5, 5.0) };
        let r = r0 + (r1 - r0) * rng.uniform();
        let t = std::f64::consts::TAU * rng.uniform();
        s.push(rng, r * t.cos(), r * t.sin(), noise, class);
    }
    s
}

/// Uniform in [−5, 5]² kept 0.3 off the axes; class 0 where x·y > 0.
fn xor(rng: &mut SplitMix64, n: usize, noise: f64) -> Sample {
    let mut s = Sample::with_capacity(n, true);
    let away = |v: f64| if v > 0.0 { v + 0.3 } else { v - 0.3 };
    for _ in 0..n {
        let x = away(10.0 * rng.uniform() - 5.0);
        let y = away(10.0 * rng.uniform() - 5.0);
        s.push(rng, x, y, noise, u32::from(x * y < 0.0));
    }
    s
}

/// Two round Gaussians centred at (2, 2) and (−2, −2) whose standard
/// deviation is `noise` (so noise 1 overlaps them a little).
fn gauss(rng: &mut SplitMix64, n: usize, noise: f64) -> Sample {
    let mut s = Sample::with_capacity(n, true);
    for i in 0..n {
        let class = class_of(i, n);
        let c = if class == 0 { 2.0 } else { -2.0 };
        s.push(rng, c, c, noise, class);
    }
    s
}

/// Two interleaved spirals of 1.75 turns out to radius 5, the second the
/// first turned by half a turn.
fn spiral(rng: &mut SplitMix64, n: usize, noise: f64) -> Sample {
    let mut s = Sample::with_capacity(n, true);
    let half = n.div_ceil(2).max(1);
    for i in 0..n {
        let class = class_of(i, n);
        let k = if class == 0 { i } else { i - half };
        let f = k as f64 / half as f64;
        let r = 5.0 * f;
        let t = 1.75 * std::f64::consts::TAU * f
            + if class == 0 {
                0.0
            } else {
                std::f64::consts::PI
            };
        s.push(rng, r * t.sin(), r * t.cos(), noise, class);
    }
    s
}

/// scikit-learn's two moons (upper: (cos t, sin t), lower: (1 − cos t,
/// 0.5 − sin t), t in [0, π]) centred and scaled by 3.
fn moons(rng: &mut SplitMix64, n: usize, noise: f64) -> Sample {
    let mut s = Sample::with_capacity(n, true);
    for i in 0..n {
        let class = class_of(i, n);
        let t = std::f64::consts::PI * rng.uniform();
        let (x, y) = if class == 0 {
            (t.cos(), t.sin())
        } else {
            (1.0 - t.cos(), 0.5 - t.sin())
        };
        s.push(rng, 3.0 * (x - 0.5), 3.0 * (y - 0.25), noise, class);
    }
    s
}

/// Uniform in [−6, 6]²; target (x + y) / 12, in −1…1.
fn plane(rng: &mut SplitMix64, n: usize, noise: f64) -> Sample {
    let mut s = Sample::with_capacity(n, false);
    for _ in 0..n {
        let x = 12.0 * rng.uniform() - 6.0;
        let y = 12.0 * rng.uniform() - 6.0;
        s.push_target(rng, x, y, (x + y) / 12.0, noise);
    }
    s
}

/// Uniform in [−6, 6]²; target exp(−(x² + y²) / 8), a bump of height 1 at
/// the origin.
fn bump(rng: &mut SplitMix64, n: usize, noise: f64) -> Sample {
    let mut s = Sample::with_capacity(n, false);
    for _ in 0..n {
        let x = 12.0 * rng.uniform() - 6.0;
        let y = 12.0 * rng.uniform() - 6.0;
        s.push_target(rng, x, y, (-(x * x + y * y) / 8.0).exp(), noise);
    }
    s
}
