//! The data the cases run on: the first rows of `builtin:cloud-1m`, seeded
//! clustered embedding vectors and a seeded ratings matrix with planted tastes.

use eigenlens::data::{
    Dataset, Item, LabelColumn, NumericColumn, Rating, Ratings, dim_name, load_builtin,
};

/// The first `n` rows of the generated million-point cloud.
pub fn cloud(n: usize) -> Dataset {
    let mut ds = load_builtin("cloud-1m").expect("the generated built-in");
    for c in &mut ds.columns {
        c.values.truncate(n);
    }
    for l in &mut ds.labels {
        l.codes.truncate(n);
    }
    ds.n_rows = n;
    ds
}

/// Groups of the embedding vectors.
const GROUPS: usize = 12;

/// `n` seeded vectors of `d` dimensions in 12 groups (a random centre each,
/// plus noise), with a name column `word0`, `word1`, ... and the group.
pub fn vectors(n: usize, d: usize) -> Dataset {
    let mut rng = fastrand::Rng::with_seed(7);
    let centres: Vec<f64> = (0..GROUPS * d).map(|_| rng.f64() * 2.0 - 1.0).collect();
    let group: Vec<u32> = (0..n).map(|_| rng.u32(0..GROUPS as u32)).collect();
    let columns = (0..d)
        .map(|j| NumericColumn {
            name: dim_name(j),
            values: group
                .iter()
                .map(|&g| centres[g as usize * d + j] + (rng.f64() - 0.5) * 1.5)
                .collect(),
        })
        .collect();
    Dataset {
        name: "bench".to_owned(),
        source: None,
        n_rows: n,
        columns,
        labels: vec![
            LabelColumn {
                name: "word".to_owned(),
                categories: (0..n).map(|i| format!("word{i}")).collect(),
                codes: (0..n as u32).collect(),
            },
            LabelColumn {
                name: "group".to_owned(),
                categories: (0..GROUPS).map(|g| format!("group {g}")).collect(),
                codes: group,
            },
        ],
    }
}

/// `users` × `items` ratings, each cell observed with probability
/// `observed`: 1 to 5 stars from two planted tastes plus noise.
pub fn ratings(users: usize, items: usize, observed: f64) -> Ratings {
    let mut rng = fastrand::Rng::with_seed(11);
    let taste = |rng: &mut fastrand::Rng| [rng.f64() * 2.0 - 1.0, rng.f64() * 2.0 - 1.0];
    let u: Vec<[f64; 2]> = (0..users).map(|_| taste(&mut rng)).collect();
    let m: Vec<[f64; 2]> = (0..items).map(|_| taste(&mut rng)).collect();
    let mut entries = Vec::new();
    for (ui, a) in u.iter().enumerate() {
        for (mi, b) in m.iter().enumerate() {
            if rng.f64() < observed {
                let score = 3.0 + 1.5 * (a[0] * b[0] + a[1] * b[1]) + (rng.f64() - 0.5);
                #[expect(
                    clippy::cast_possible_truncation,
                    reason = "a star count of 1 to 5 after rounding and clamping"
                )]
                let value = score.round().clamp(1.0, 5.0) as f32;
                entries.push(Rating {
                    user: u32::try_from(ui).expect("users fit u32"),
                    item: u32::try_from(mi).expect("items fit u32"),
                    value,
                });
            }
        }
    }
    Ratings::new(
        "generated",
        (0..users).map(|i| format!("u{i}")).collect(),
        (0..items).map(|i| Item::new(format!("m{i}"))).collect(),
        entries,
    )
}
