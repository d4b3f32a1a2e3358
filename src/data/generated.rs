//! Datasets made at load time instead of shipped: large, deterministic, and
//! free to embed because they are a few lines of code, not megabytes of CSV.

use super::{Dataset, LabelColumn, NumericColumn};

/// Rows of [`cloud_1m`].
pub const CLOUD_1M_ROWS: usize = 1_000_000;

/// A cluster in plane coordinates (s, t): centre, spread along s and t, label,
/// and its share of the points (weights sum to 1).
struct Cluster {
    name: &'static str,
    centre: [f64; 2],
    sigma: [f64; 2],
    weight: f64,
}

const CLUSTERS: [Cluster; 6] = [
    Cluster {
        name: "alpha",
        centre: [-4.0, -1.0],
        sigma: [0.9, 0.6],
        weight: 0.25,
    },
    Cluster {
        name: "beta",
        centre: [1.5, 3.0],
        sigma: [0.7, 1.0],
        weight: 0.2,
    },
    Cluster {
        name: "gamma",
        centre: [2.5, -2.5],
        sigma: [1.2, 0.5],
        weight: 0.2,
    },
    Cluster {
        name: "delta",
        centre: [-1.0, 4.5],
        sigma: [0.5, 0.5],
        weight: 0.1,
    },
    Cluster {
        name: "epsilon",
        centre: [5.5, 1.0],
        sigma: [0.6, 1.3],
        weight: 0.15,
    },
    Cluster {
        name: "zeta",
        centre: [-2.0, -5.0],
        sigma: [1.0, 0.4],
        weight: 0.1,
    },
];

/// Standard deviation of the noise along the plane's normal.
const NORMAL_SIGMA: f64 = 0.35;

/// A million points in six labelled Gaussian clusters near a tilted plane in
/// 3D (columns `x`, `y`, `z`, labels `cluster`): PCA finds two large
/// components and a small one, and the scatter shows six blobs. The same
/// every time (a fixed seed of a self-contained generator).
#[must_use]
pub fn cloud_1m() -> Dataset {
    cloud(CLOUD_1M_ROWS, 0x5EED_0001)
}

/// `n` points of the cloud of [`cloud_1m`] from `seed`.
fn cloud(n: usize, seed: u64) -> Dataset {
    let mut rng = SplitMix64(seed);
    // An orthonormal frame: the plane spanned by u and v, tilted about two
    // axes, and its normal w = u × v.
    let u = normalize([1.0, 0.35, 0.45]);
    let v = normalize(reject([-0.3, 1.0, 0.6], u));
    let w = cross(u, v);
    let offset = [10.0, -3.0, 4.0];
    let mut columns: Vec<Vec<f64>> = (0..3).map(|_| Vec::with_capacity(n)).collect();
    let mut codes = Vec::with_capacity(n);
    for _ in 0..n {
        let pick = rng.uniform();
        let mut acc = 0.0;
        let (k, c) = CLUSTERS
            .iter()
            .enumerate()
            .find(|(_, c)| {
                acc += c.weight;
                pick < acc
            })
            .unwrap_or((CLUSTERS.len() - 1, &CLUSTERS[CLUSTERS.len() - 1]));
        let (g1, g2) = rng.normal_pair();
        let (g3, _) = rng.normal_pair();
        let s = c.centre[0] + c.sigma[0] * g1;
        let t = c.centre[1] + c.sigma[1] * g2;
        let h = NORMAL_SIGMA * g3;
        for (i, column) in columns.iter_mut().enumerate() {
            column.push(offset[i] + s * u[i] + t * v[i] + h * w[i]);
        }
        codes.push(k as u32);
    }
    let names = ["x", "y", "z"];
    Dataset {
        name: "cloud-1m".to_owned(),
        source: None,
        n_rows: n,
        columns: names
            .iter()
            .zip(columns)
            .map(|(name, values)| NumericColumn {
                name: (*name).to_owned(),
                values,
            })
            .collect(),
        labels: vec![LabelColumn {
            name: "cluster".to_owned(),
            categories: CLUSTERS.iter().map(|c| c.name.to_owned()).collect(),
            codes,
        }],
    }
}

fn normalize(a: [f64; 3]) -> [f64; 3] {
    let norm = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    a.map(|x| x / norm)
}

/// `a` minus its component along the unit vector `u`.
fn reject(a: [f64; 3], u: [f64; 3]) -> [f64; 3] {
    let dot: f64 = a.iter().zip(u).map(|(x, y)| x * y).sum();
    [a[0] - dot * u[0], a[1] - dot * u[1], a[2] - dot * u[2]]
}

fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

/// splitmix64 (Steele, Lea & Flood 2014): self-contained, so no dependency
/// update can change the generated numbers.
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1), 53 random bits.
    pub(crate) fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Two independent standard normals (Box–Muller).
    pub(crate) fn normal_pair(&mut self) -> (f64, f64) {
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        let r = (-2.0 * u1.ln()).sqrt();
        let theta = std::f64::consts::TAU * u2;
        (r * theta.cos(), r * theta.sin())
    }
}
