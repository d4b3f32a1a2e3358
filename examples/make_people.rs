//! Generates the built-in `people` dataset: 240 synthetic adults measured in
//! very different units (centimetres, kilograms, years, dollars, steps), so
//! that PCA without standardizing is just "income" and PCA of z-scores finds
//! the real structure (body size; activity against age).
//!
//! Regenerate with:
//!
//! ```text
//! cargo run --example make_people > assets/datasets/people.csv
//! ```
//!
//! The output depends only on [`SEED`] (and the fastrand version in Cargo.lock).

use std::io::{self, Write};

/// Seed of the generator.
const SEED: u64 = 0x09E0_91E5;

/// People per activity group.
const PER_GROUP: usize = 80;

/// An activity group: mean steps per day and mean age.
struct Group {
    name: &'static str,
    steps: f64,
    age: f64,
}

const GROUPS: [Group; 3] = [
    Group {
        name: "sedentary",
        steps: 3500.0,
        age: 55.0,
    },
    Group {
        name: "moderate",
        steps: 7500.0,
        age: 42.0,
    },
    Group {
        name: "active",
        steps: 12500.0,
        age: 31.0,
    },
];

/// Standard normal by Box–Muller.
fn normal(rng: &mut fastrand::Rng) -> f64 {
    let u1 = 1.0 - rng.f64(); // (0, 1]: ln is finite
    let u2 = rng.f64();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn main() -> io::Result<()> {
    let mut rng = fastrand::Rng::with_seed(SEED);
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "height_cm,weight_kg,age_years,income_usd,steps_per_day,activity"
    )?;
    for g in &GROUPS {
        for _ in 0..PER_GROUP {
            let height = 171.0 + 9.0 * normal(&mut rng);
            let age = (g.age + 11.0 * normal(&mut rng)).clamp(18.0, 90.0);
            let steps = (g.steps + 1800.0 * normal(&mut rng) - 40.0 * (age - 45.0)).max(300.0);
            // Heavier with height, lighter with activity.
            let weight =
                72.0 + 0.85 * (height - 171.0) - 0.0012 * (steps - 7500.0) + 7.0 * normal(&mut rng);
            // Income rises with age until the late fifties.
            let income = (38_000.0 + 900.0 * (age.min(58.0) - 18.0) + 16_000.0 * normal(&mut rng))
                .max(9_000.0);
            writeln!(
                out,
                "{height:.1},{weight:.1},{age:.0},{income:.0},{steps:.0},{}",
                g.name
            )?;
        }
    }
    out.flush()
}
