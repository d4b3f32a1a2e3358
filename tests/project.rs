//! t-SNE, UMAP and the quality measures of `math::project`: the same map for
//! the same seed, well-separated clusters kept apart, trustworthiness equal to
//! scikit-learn's, umap-learn's a/b curve, and an observer that stops a run.

use eigenlens::math::project::knn::all_knn;
use eigenlens::math::project::quality::{quality, quality_sampled};
use eigenlens::math::project::tsne::{TsneSettings, tsne};
use eigenlens::math::project::umap::curve::fit_ab;
use eigenlens::math::project::umap::{UmapSettings, umap};
use eigenlens::math::project::{Embedding, Init, Progress, ProjectError};
use eigenlens::math::similarity::VectorIndex;

/// `clusters` Gaussian clusters of `per` points in `d` dimensions, centres
/// 20 apart on the axes, spread 1 (seeded); columns, and each point's cluster.
fn clusters(clusters: usize, per: usize, d: usize, seed: u64) -> (Vec<Vec<f64>>, Vec<usize>) {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut columns = vec![Vec::new(); d];
    let mut label = Vec::new();
    for c in 0..clusters {
        for _ in 0..per {
            for (j, column) in columns.iter_mut().enumerate() {
                let centre = if j == c % d { 20.0 } else { 0.0 } * (1.0 + (c / d) as f64);
                // Box–Muller.
                let (u, v) = (1.0 - rng.f64(), rng.f64());
                column.push(centre + (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos());
            }
            label.push(c);
        }
    }
    (columns, label)
}

fn slices(columns: &[Vec<f64>]) -> Vec<&[f64]> {
    columns.iter().map(Vec::as_slice).collect()
}

fn run_tsne(columns: &[&[f64]], settings: &TsneSettings) -> Embedding {
    tsne(columns, settings, &mut |_: &Progress<'_>| true).expect("t-SNE runs")
}

fn run_umap(columns: &[&[f64]], settings: &UmapSettings) -> Embedding {
    umap(columns, settings, &mut |_: &Progress<'_>| true).expect("UMAP runs")
}

/// Share of points whose 10 nearest on the map are all in their own cluster.
fn pure_neighborhoods(map: &Embedding, label: &[usize]) -> f64 {
    let index = VectorIndex::from_rows(map.positions.iter().map(|&v| v as f32).collect(), map.dims)
        .expect("finite map");
    let knn = all_knn(&index, 10);
    let pure = (0..label.len())
        .filter(|&i| {
            knn.neighbors(i)
                .iter()
                .all(|&j| label[j as usize] == label[i])
        })
        .count();
    pure as f64 / label.len() as f64
}

/// Checks a map of well-separated clusters: finite, clusters apart, most
/// neighbours kept (a random or collapsed map fails every one of these).
fn assert_keeps_clusters(map: &Embedding, columns: &[&[f64]], label: &[usize], what: &str) {
    assert!(
        map.positions.iter().all(|v| v.is_finite()),
        "{what}: non-finite map"
    );
    let index = VectorIndex::from_columns(columns).expect("finite data");
    let q = quality(&index, &map.positions, map.dims, 10).expect("quality");
    assert!(
        q.trustworthiness > 0.9,
        "{what}: trustworthiness {}",
        q.trustworthiness
    );
    let pure = pure_neighborhoods(map, label);
    assert!(
        pure > 0.98,
        "{what}: only {pure} of points have their own cluster around them"
    );
}

/// t-SNE in 2D and 3D keeps four clusters apart and is the same map twice.
#[test]
fn tsne_keeps_separated_clusters_and_is_deterministic() {
    let (columns, label) = clusters(4, 50, 10, 7);
    let columns = slices(&columns);
    for dims in [2, 3] {
        let settings = TsneSettings {
            dims,
            perplexity: 15.0,
            iterations: 400,
            ..TsneSettings::default()
        };
        let a = run_tsne(&columns, &settings);
        assert_eq!((a.dims, a.len(), a.iterations), (dims, 200, 400));
        assert!(!a.cancelled);
        assert!(
            a.loss.is_some_and(|kl| kl.is_finite() && kl > 0.0),
            "KL {:?}",
            a.loss
        );
        assert_keeps_clusters(&a, &columns, &label, &format!("t-SNE {dims}D"));
        let b = run_tsne(&columns, &settings);
        assert_eq!(a, b, "t-SNE {dims}D: same settings, different maps");
    }
}

/// UMAP in 2D and 3D keeps four clusters apart; the same seed gives the same
/// map, another seed another one.
#[test]
fn umap_keeps_separated_clusters_and_is_deterministic() {
    let (columns, label) = clusters(4, 50, 10, 11);
    let columns = slices(&columns);
    for dims in [2, 3] {
        let settings = UmapSettings {
            dims,
            seed: 3,
            ..UmapSettings::default()
        };
        let a = run_umap(&columns, &settings);
        assert_eq!((a.dims, a.len(), a.iterations), (dims, 200, 500));
        assert_keeps_clusters(&a, &columns, &label, &format!("UMAP {dims}D"));
        assert_eq!(
            a,
            run_umap(&columns, &settings),
            "UMAP {dims}D: same seed, different maps"
        );
        let other = run_umap(
            &columns,
            &UmapSettings {
                seed: 4,
                ..settings
            },
        );
        assert_ne!(
            a.positions, other.positions,
            "UMAP {dims}D: the seed is ignored"
        );
    }
}

/// A random start also separates the clusters, and its seed matters.
#[test]
fn tsne_random_start_depends_on_the_seed() {
    let (columns, label) = clusters(3, 40, 6, 5);
    let columns = slices(&columns);
    let settings = TsneSettings {
        perplexity: 10.0,
        iterations: 400,
        init: Init::Random,
        seed: 1,
        ..TsneSettings::default()
    };
    let a = run_tsne(&columns, &settings);
    assert_keeps_clusters(&a, &columns, &label, "t-SNE random start");
    let b = run_tsne(
        &columns,
        &TsneSettings {
            seed: 2,
            ..settings
        },
    );
    assert_ne!(a.positions, b.positions);
}

/// The data and map of the scikit-learn comparison: 40 points in 5D,
/// x[i][j] = sin(0.7 i + 1.3 j) + 0.1 j cos(0.3 i j), and the linear map
/// (x₀ + 0.5 x₂, x₁ − 0.3 x₃).
fn sklearn_case() -> (Vec<Vec<f64>>, Vec<f64>) {
    let (n, d) = (40, 5);
    let x = |i: usize, j: usize| {
        let (i, j) = (i as f64, j as f64);
        (0.7 * i + 1.3 * j).sin() + 0.1 * j * (0.3 * i * j).cos()
    };
    let columns: Vec<Vec<f64>> = (0..d).map(|j| (0..n).map(|i| x(i, j)).collect()).collect();
    let map = (0..n)
        .flat_map(|i| [x(i, 0) + 0.5 * x(i, 2), x(i, 1) - 0.3 * x(i, 3)])
        .collect();
    (columns, map)
}

/// Trustworthiness equals scikit-learn's on a fixed dataset. The reference
/// values were computed once with scikit-learn 1.9.1:
/// `sklearn.manifold.trustworthiness(X, Y, n_neighbors=k)` for the X and Y
/// of [`sklearn_case`] built with NumPy → 0.94875 (k = 5), 0.8973469387755102 (k = 10).
#[test]
fn trustworthiness_matches_scikit_learn() {
    let (columns, map) = sklearn_case();
    let index = VectorIndex::from_columns(&slices(&columns)).expect("finite");
    for (k, expected) in [(5, 0.94875), (10, 0.897_346_938_775_510_2)] {
        let q = quality(&index, &map, 2, k).expect("quality");
        assert!(
            (q.trustworthiness - expected).abs() < 1e-12,
            "k = {k}: expected {expected}, got {}",
            q.trustworthiness
        );
        assert_eq!(q.points, 40);
        // A sample as large as the data is the data.
        let sampled = quality_sampled(&index, &map, 2, k, 1000, 9).expect("quality");
        assert_eq!(q, sampled);
    }
}

/// The kept share counts original neighbours found on the map: 1 for the
/// identity map, lower after a shuffle, and trustworthiness 1 for the identity.
#[test]
fn kept_share_is_one_for_the_identity_and_drops_for_a_shuffle() {
    let (columns, _) = clusters(2, 30, 2, 9);
    let cols = slices(&columns);
    let index = VectorIndex::from_columns(&cols).expect("finite");
    let identity: Vec<f64> = (0..60)
        .flat_map(|i| [columns[0][i], columns[1][i]])
        .collect();
    let q = quality(&index, &identity, 2, 5).expect("quality");
    assert!(
        (q.kept - 1.0).abs() < 1e-12 && (q.trustworthiness - 1.0).abs() < 1e-12,
        "{q:?}"
    );
    // The same points in a shuffled order: the map's neighbours are strangers.
    let mut order: Vec<usize> = (0..60).collect();
    fastrand::Rng::with_seed(4).shuffle(&mut order);
    let shuffled: Vec<f64> = order
        .iter()
        .flat_map(|&i| [columns[0][i], columns[1][i]])
        .collect();
    let s = quality(&index, &shuffled, 2, 5).expect("quality");
    assert!(s.kept < 0.5 && s.trustworthiness < 0.8, "{s:?}");
    assert!(matches!(
        quality(&index, &identity, 2, 30),
        Err(ProjectError::QualityK { k: 30, rows: 60 })
    ));
}

/// umap-learn 0.5.12's `find_ab_params(spread, min_dist)`:
/// (1.0, 0.1) → (1.5769434602697652, 0.8950608778515733),
/// (1.0, 0.5) → (0.5830300203414425, 1.3341669924314914).
#[test]
fn ab_curve_matches_umap_learn() {
    for (min_dist, a, b) in [
        (0.1, 1.576_943_460_269_765_2, 0.895_060_877_851_573_3),
        (0.5, 0.583_030_020_341_442_5, 1.334_166_992_431_491_4),
    ] {
        let (fa, fb) = fit_ab(min_dist, 1.0);
        assert!(
            (fa - a).abs() < 1e-4 && (fb - b).abs() < 1e-4,
            "min_dist {min_dist}: ({fa}, {fb})"
        );
    }
}

/// An observer returning false stops t-SNE and UMAP at the next report;
/// reports come every `report_every` iterations with the map, and t-SNE's KL
/// appears once 50 iterations have run.
#[test]
fn observer_cancels_and_sees_progress() {
    let (columns, _) = clusters(3, 30, 5, 2);
    let columns = slices(&columns);
    let mut seen = Vec::new();
    let settings = TsneSettings {
        perplexity: 10.0,
        report_every: 25,
        ..TsneSettings::default()
    };
    let e = tsne(&columns, &settings, &mut |p: &Progress<'_>| {
        assert_eq!((p.total, p.dims, p.positions.len()), (750, 2, 180));
        seen.push((p.iteration, p.loss.is_some()));
        p.iteration < 100
    })
    .expect("t-SNE");
    assert!(e.cancelled);
    assert_eq!(e.iterations, 100);
    assert_eq!(seen, [(25, false), (50, true), (75, true), (100, true)]);

    let mut calls = 0;
    let e = umap(&columns, &UmapSettings::default(), &mut |p: &Progress<
        '_,
    >| {
        calls += 1;
        assert_eq!(p.positions.len(), 180);
        p.iteration < 20
    })
    .expect("UMAP");
    assert!(e.cancelled);
    assert_eq!((e.iterations, calls), (20, 4));
}

/// Bad parameters are errors naming the parameter, never panics.
#[test]
fn bad_parameters_are_named() {
    let (columns, _) = clusters(2, 10, 3, 1);
    let columns = slices(&columns);
    let tsne_err = |s: TsneSettings| {
        tsne(&columns, &s, &mut |_: &Progress<'_>| true)
            .expect_err("bad settings")
            .to_string()
    };
    let big = tsne_err(TsneSettings {
        perplexity: 7.0,
        ..TsneSettings::default()
    });
    assert!(
        big.contains("--perplexity") && big.contains("rows/3"),
        "{big}"
    );
    let dims = tsne_err(TsneSettings {
        dims: 4,
        ..TsneSettings::default()
    });
    assert!(dims.contains("--dims"), "{dims}");
    let umap_err = |s: UmapSettings| {
        umap(&columns, &s, &mut |_: &Progress<'_>| true)
            .expect_err("bad settings")
            .to_string()
    };
    let k = umap_err(UmapSettings {
        neighbors: 21,
        ..UmapSettings::default()
    });
    assert!(k.contains("--neighbors"), "{k}");
    let md = umap_err(UmapSettings {
        min_dist: 1.0,
        ..UmapSettings::default()
    });
    assert!(md.contains("--min-dist"), "{md}");
    let nan: Vec<f64> = vec![1.0, f64::NAN, 2.0, 3.0, 4.0];
    let bad = umap(
        &[nan.as_slice()],
        &UmapSettings {
            neighbors: 3,
            ..UmapSettings::default()
        },
        &mut |_| true,
    );
    assert!(matches!(bad, Err(ProjectError::Data(_))), "{bad:?}");
}
