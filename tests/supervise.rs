//! Supervising t-SNE and UMAP by a label (the Embedding Projector's
//! "supervise by", umap-learn's categorical target): on clusters whose
//! label agrees with the geometry in two clusters and is mixed at random in
//! the third, supervision keeps more of each point's same-label neighbours
//! and gathers same-label points on the map; the same seed gives the same
//! numbers; bad weights and label counts are errors naming the parameter.

use eigenlens::math::project::tsne::{TsneSettings, tsne_with};
use eigenlens::math::project::umap::{UmapSettings, umap_with};
use eigenlens::math::project::{Embedding, Progress, ProjectError, Supervision};

const K: usize = 10;

/// Three Gaussian blobs of 100 points in 5-D, centres 12 apart, spread 1;
/// labels 0 for the first blob, 1 for the second, and 0 or 1 at random in
/// the third (where the label disagrees with the geometry).
fn blobs() -> (Vec<Vec<f64>>, Vec<u32>) {
    let mut rng = fastrand::Rng::with_seed(11);
    let mut columns = vec![Vec::new(); 5];
    let mut labels = Vec::new();
    for c in 0..3 {
        for _ in 0..100 {
            for (j, column) in columns.iter_mut().enumerate() {
                let centre = if j == c { 12.0 } else { 0.0 };
                let (u, v) = (1.0 - rng.f64(), rng.f64());
                column.push(centre + (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos());
            }
            labels.push(match c {
                0 => 0,
                1 => 1,
                _ => u32::from(rng.bool()),
            });
        }
    }
    (columns, labels)
}

/// Indices of the k nearest other rows of row i (points as rows of `dims`).
fn nearest(points: &[f64], dims: usize, i: usize, k: usize) -> Vec<usize> {
    let n = points.len() / dims;
    let p = &points[i * dims..(i + 1) * dims];
    let mut d: Vec<(f64, usize)> = (0..n)
        .filter(|&j| j != i)
        .map(|j| {
            let q = &points[j * dims..(j + 1) * dims];
            (p.iter().zip(q).map(|(a, b)| (a - b) * (a - b)).sum(), j)
        })
        .collect();
    d.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    d.into_iter().take(k).map(|(_, j)| j).collect()
}

/// (same-label neighbours kept, label purity on the map): the share of each
/// point's K nearest in the data that share its label and are among its K
/// nearest on the map; and the share of its K nearest on the map that
/// share its label.
fn label_scores(columns: &[Vec<f64>], labels: &[u32], map: &Embedding) -> (f64, f64) {
    let n = labels.len();
    let data: Vec<f64> = (0..n)
        .flat_map(|i| columns.iter().map(move |c| c[i]))
        .collect();
    let (mut kept, mut same_total, mut pure) = (0usize, 0usize, 0usize);
    for i in 0..n {
        let original = nearest(&data, columns.len(), i, K);
        let on_map = nearest(&map.positions, map.dims, i, K);
        for j in original.iter().filter(|&&j| labels[j] == labels[i]) {
            same_total += 1;
            kept += usize::from(on_map.contains(j));
        }
        pure += on_map.iter().filter(|&&j| labels[j] == labels[i]).count();
    }
    (
        kept as f64 / same_total.max(1) as f64,
        pure as f64 / (n * K) as f64,
    )
}

fn slices(columns: &[Vec<f64>]) -> Vec<&[f64]> {
    columns.iter().map(Vec::as_slice).collect()
}

fn observe() -> impl FnMut(&Progress<'_>) -> bool {
    |_: &Progress<'_>| true
}

fn tsne_map(columns: &[Vec<f64>], labels: &[u32], weight: f64) -> Embedding {
    let s = Supervision { labels, weight };
    let settings = TsneSettings {
        perplexity: 20.0,
        iterations: 500,
        ..TsneSettings::default()
    };
    tsne_with(&slices(columns), &settings, Some(&s), None, &mut observe()).expect("t-SNE runs")
}

fn umap_map(columns: &[Vec<f64>], labels: &[u32], weight: f64) -> Embedding {
    let s = Supervision { labels, weight };
    let settings = UmapSettings {
        neighbors: 15,
        epochs: Some(300),
        ..UmapSettings::default()
    };
    umap_with(&slices(columns), &settings, Some(&s), None, &mut observe()).expect("UMAP runs")
}

/// t-SNE: supervision at weight 0.8 keeps more same-label neighbours and
/// gathers labels on the map; weight 0 is the unsupervised map; the same
/// seed gives the same map.
#[test]
fn supervised_tsne_keeps_more_same_label_neighbours() {
    let (columns, labels) = blobs();
    let plain = tsne_map(&columns, &labels, 0.0);
    let unsupervised = eigenlens::math::project::tsne::tsne(
        &slices(&columns),
        &TsneSettings {
            perplexity: 20.0,
            iterations: 500,
            ..TsneSettings::default()
        },
        &mut observe(),
    )
    .expect("t-SNE runs");
    assert_eq!(plain.positions, unsupervised.positions);
    let supervised = tsne_map(&columns, &labels, 0.8);
    let (kept0, pure0) = label_scores(&columns, &labels, &plain);
    let (kept1, pure1) = label_scores(&columns, &labels, &supervised);
    println!("t-SNE same-label kept {kept0:.3} → {kept1:.3}, purity {pure0:.3} → {pure1:.3}");
    assert!(kept1 > kept0 + 0.02, "kept {kept0} → {kept1}");
    assert!(pure1 > pure0 + 0.1, "purity {pure0} → {pure1}");
    let again = tsne_map(&columns, &labels, 0.8);
    assert_eq!(again.positions, supervised.positions);
    assert_eq!(again.loss, supervised.loss);
}

/// UMAP: the categorical intersection (weight 0.5, far = 5) keeps more
/// same-label neighbours and gathers labels; the same seed, the same map.
#[test]
fn supervised_umap_keeps_more_same_label_neighbours() {
    let (columns, labels) = blobs();
    let plain = umap_map(&columns, &labels, 0.0);
    let supervised = umap_map(&columns, &labels, 0.5);
    let (kept0, pure0) = label_scores(&columns, &labels, &plain);
    let (kept1, pure1) = label_scores(&columns, &labels, &supervised);
    println!("UMAP same-label kept {kept0:.3} → {kept1:.3}, purity {pure0:.3} → {pure1:.3}");
    assert!(kept1 > kept0 + 0.02, "kept {kept0} → {kept1}");
    assert!(pure1 > pure0 + 0.1, "purity {pure0} → {pure1}");
    assert_eq!(
        umap_map(&columns, &labels, 0.5).positions,
        supervised.positions
    );
}

/// A weight outside 0..=1 or a label count that is not the row count is an
/// error naming the parameter, for both methods.
#[test]
fn bad_supervision_is_an_error_naming_the_parameter() {
    let (columns, labels) = blobs();
    let columns = slices(&columns);
    for weight in [-0.1, 1.5, f64::NAN] {
        let s = Supervision {
            labels: &labels,
            weight,
        };
        let e = tsne_with(
            &columns,
            &TsneSettings::default(),
            Some(&s),
            None,
            &mut observe(),
        )
        .expect_err("bad weight");
        assert!(matches!(e, ProjectError::SuperviseWeight(_)), "{e}");
        assert!(e.to_string().starts_with("--supervise-weight:"), "{e}");
        let e = umap_with(
            &columns,
            &UmapSettings::default(),
            Some(&s),
            None,
            &mut observe(),
        )
        .expect_err("bad weight");
        assert!(e.to_string().starts_with("--supervise-weight:"), "{e}");
    }
    let s = Supervision {
        labels: &labels[..10],
        weight: 0.5,
    };
    let e = tsne_with(
        &columns,
        &TsneSettings::default(),
        Some(&s),
        None,
        &mut observe(),
    )
    .expect_err("too few labels");
    assert_eq!(e.to_string(), "--supervise: 10 labels for 300 rows");
}
