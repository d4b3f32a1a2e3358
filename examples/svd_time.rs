//! Times eigenlens's full SVD (math::svd) on the matrices of
//! benches/svd_vs_numpy.sh and the rank-k reconstruction per slider change.
//! Usage: svd_time N... ; prints "N seconds_svd seconds_reconstruct".

use eigenlens::math::svd::Svd;
use nalgebra::DMatrix;
use std::time::Instant;

/// Same matrix as the NumPy side of benches/svd_vs_numpy.sh.
fn matrix(n: usize) -> DMatrix<f64> {
    DMatrix::from_fn(n, n, |i, j| {
        let (x, y) = (i as f64, j as f64);
        128.0
            + 60.0 * (x / 9.0).sin() * (y / 13.0).cos()
            + 20.0 * ((i * 7919 + j * 104_729) % 1000) as f64 / 1000.0
    })
}

fn main() {
    for arg in std::env::args().skip(1) {
        let Ok(n) = arg.parse::<usize>() else {
            eprintln!("svd_time: '{arg}' is not a size");
            std::process::exit(2);
        };
        let a = matrix(n);
        let t = Instant::now();
        let svd = match Svd::of(&a) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("svd_time: {e}");
                std::process::exit(2);
            }
        };
        let secs = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let back = svd.reconstruct(n / 10);
        let rec = t.elapsed().as_secs_f64();
        println!(
            "{n} {secs:.3} {rec:.4} (σ₁ {:.1}, {})",
            svd.sigma[0],
            back.nrows()
        );
    }
}
