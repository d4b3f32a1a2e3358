//! Nearest-neighbour query time of `math::similarity` on 100,000 × 384 f32
//! vectors (the size the Embedding Projector's browser stops at, and the
//! width of all-MiniLM-L6-v2), for each metric, plus building the index from
//! f64 columns (what the app does when a dataset opens) and an analogy.
//!
//!     cargo bench --bench similarity                 # 100,000 × 384
//!     cargo bench --bench similarity -- 1000000 384  # any n × d
//!
//! Prints the median and best of 31 queries (different query rows), in ms.
//! Single-threaded, exact: every row is scored. Benchmarks print figures;
//! tests never assert on time.

use std::hint::black_box;
use std::time::{Duration, Instant};

use eigenlens::math::similarity::{Metric, VectorIndex};

const QUERIES: usize = 31;
const K: usize = 10;

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(100_000);
    let d = args.get(1).copied().unwrap_or(384);

    // Seeded clustered data: 50 random centres, each row a centre plus noise,
    // so neighbours are meaningful and the heap sees realistic traffic.
    let mut rng = fastrand::Rng::with_seed(20_240_601);
    let centres: Vec<f32> = (0..50 * d).map(|_| rng.f32() * 2.0 - 1.0).collect();
    let mut columns = vec![vec![0.0f64; n]; d];
    for i in 0..n {
        let c = rng.usize(..50);
        for (j, column) in columns.iter_mut().enumerate() {
            column[i] = f64::from(centres[c * d + j] + (rng.f32() - 0.5) * 0.8);
        }
    }
    let refs: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();

    let start = Instant::now();
    let index = match VectorIndex::from_columns(&refs) {
        Ok(index) => index,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let build = start.elapsed();
    drop(columns);
    println!(
        "similarity: {n} × {d} f32 ({:.0} MB), k = {K}, {QUERIES} queries each, one thread",
        (n * d * 4) as f64 / 1e6
    );
    println!("  build index from f64 columns: {:8.1} ms", ms(build));

    let rows: Vec<usize> = (0..QUERIES).map(|q| (q * 7919) % n).collect();
    for metric in Metric::ALL {
        let times = time(&rows, |row| {
            black_box(index.neighbors(row, K, metric).map_or(0, |v| v.len()));
        });
        report(&format!("neighbours, {metric}"), &times);
    }
    let times = time(&rows, |row| {
        let (a, b, c) = (row, (row + 1) % n, (row + 2) % n);
        black_box(
            index
                .analogy(a, b, c, K, Metric::Cosine)
                .map_or(0, |r| r.neighbors.len()),
        );
    });
    report("analogy a − b + c, cosine", &times);
}

fn time(rows: &[usize], mut f: impl FnMut(usize)) -> Vec<Duration> {
    // One warm-up query so the first timing does not pay for page faults.
    if let Some(&r) = rows.first() {
        f(r);
    }
    rows.iter()
        .map(|&r| {
            let start = Instant::now();
            f(r);
            start.elapsed()
        })
        .collect()
}

fn report(what: &str, times: &[Duration]) {
    let mut sorted = times.to_vec();
    sorted.sort();
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or_default();
    let best = sorted.first().copied().unwrap_or_default();
    println!(
        "  {what:<30} median {:6.1} ms   best {:6.1} ms",
        ms(median),
        ms(best)
    );
}

fn ms(t: Duration) -> f64 {
    t.as_secs_f64() * 1e3
}
