//! Generates the built-in `cloud` dataset: 300 points in three labelled clusters
//! lying near a tilted plane in 3D, so that PCA shows two large components (the
//! plane) and one small one (the noise along its normal).
//!
//! Regenerate with:
//!
//! ```text
//! cargo run --example make_cloud > assets/datasets/cloud.csv
//! ```
//!
//! The output depends only on [`SEED`]: a tiny self-contained PRNG (splitmix64)
//! feeds Box–Muller normals, so no dependency can change the numbers.

use std::io::{self, Write};

/// Seed of the generator; change it for a different (but similar) cloud.
const SEED: u64 = 0x5EED_C10D;

/// Points per cluster.
const PER_CLUSTER: usize = 100;

/// Standard deviation of the noise along the plane's normal.
const NORMAL_SIGMA: f64 = 0.15;

/// A cluster in plane coordinates (s, t): centre, spread along s and t, label.
struct Cluster {
    name: &'static str,
    centre: [f64; 2],
    sigma: [f64; 2],
}

const CLUSTERS: [Cluster; 3] = [
    Cluster {
        name: "alpha",
        centre: [-3.0, -0.5],
        sigma: [0.9, 0.6],
    },
    Cluster {
        name: "beta",
        centre: [1.5, 2.5],
        sigma: [0.7, 1.0],
    },
    Cluster {
        name: "gamma",
        centre: [2.0, -2.0],
        sigma: [1.1, 0.5],
    },
];

/// splitmix64 (Steele, Lea & Flood 2014): a 64-bit state stepped by a constant,
/// then mixed.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1]: the top 53 bits, shifted off zero so `ln` is finite.
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal by Box–Muller: √(−2 ln u₁) · cos(2π u₂).
    fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.uniform(), self.uniform());
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

fn normalize(v: [f64; 3]) -> [f64; 3] {
    let len = v.iter().map(|x| x * x).sum::<f64>().sqrt();
    v.map(|x| x / len)
}

fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

fn main() -> io::Result<()> {
    // The plane: through `origin`, with unit normal `n` tilted away from every
    // axis, spanned by the orthonormal pair u = n × e_z / |n × e_z|, v = n × u.
    let origin = [1.0, 2.0, 0.5];
    let n = normalize([0.4, -0.5, 0.77]);
    let u = normalize(cross(n, [0.0, 0.0, 1.0]));
    let v = cross(n, u);

    let mut rng = SplitMix64(SEED);
    let mut out = io::stdout().lock();
    writeln!(out, "x,y,z,cluster")?;
    for cluster in &CLUSTERS {
        for _ in 0..PER_CLUSTER {
            // A point = origin + s·u + t·v + h·n, with (s, t) from the cluster
            // and h small normal noise off the plane.
            let s = cluster.centre[0] + cluster.sigma[0] * rng.normal();
            let t = cluster.centre[1] + cluster.sigma[1] * rng.normal();
            let h = NORMAL_SIGMA * rng.normal();
            let p: [f64; 3] = std::array::from_fn(|i| origin[i] + s * u[i] + t * v[i] + h * n[i]);
            writeln!(out, "{:.3},{:.3},{:.3},{}", p[0], p[1], p[2], cluster.name)?;
        }
    }
    out.flush()
}
