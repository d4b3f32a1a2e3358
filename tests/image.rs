//! The SVD behind the Image view: U Σ Vᵀ rebuilds the matrix, the rank-k error
//! is exactly the Eckart–Young bound, singular values agree with NumPy.

use eigenlens::math::svd::{Channels, Svd, SvdError, channel_matrices, frobenius_error};
use nalgebra::DMatrix;

/// A[i][j] = ((i+1)(j+2) mod 7) + 0.5 i, 4 × 5.
fn small() -> DMatrix<f64> {
    DMatrix::from_fn(4, 5, |i, j| ((i + 1) * (j + 2) % 7) as f64 + 0.5 * i as f64)
}

/// A deterministic "photo-like" matrix: smooth gradient plus texture.
fn photo(rows: usize, cols: usize) -> DMatrix<f64> {
    let mut rng = fastrand::Rng::with_seed(18);
    DMatrix::from_fn(rows, cols, |i, j| {
        128.0 + 60.0 * ((i as f64) / 9.0).sin() * ((j as f64) / 13.0).cos() + 20.0 * rng.f64()
    })
}

#[test]
fn singular_values_agree_with_numpy() {
    // Reference computed once with NumPy 1.x:
    //   a = np.array([[(i+1)*(j+2)%7 + 0.5*i for j in range(5)] for i in range(4)], float)
    //   np.linalg.svd(a, compute_uv=False)
    let numpy = [20.096_019_5, 5.964_044_92, 3.696_537_66, 2.101_375_17];
    let svd = Svd::of(&small()).expect("svd");
    assert_eq!(svd.len(), 4);
    for (s, r) in svd.sigma.iter().zip(numpy) {
        assert!((s - r).abs() < 1e-7, "σ {s} vs NumPy {r}");
    }
}

#[test]
fn u_sigma_vt_reproduces_the_matrix() {
    for (r, c) in [(4, 5), (37, 23), (23, 37), (64, 64)] {
        let a = photo(r, c);
        let svd = Svd::of(&a).expect("svd");
        let back = svd.reconstruct(svd.len());
        let err = frobenius_error(&a, &back) / a.norm();
        assert!(err < 1e-12, "{r}×{c}: relative error {err}");
        assert!(svd.sigma.windows(2).all(|w| w[0] >= w[1]), "descending");
        // U has orthonormal columns, Vᵀ orthonormal rows.
        let utu = svd.u.transpose() * &svd.u;
        let vvt = &svd.v_t * svd.v_t.transpose();
        let eye = DMatrix::<f64>::identity(svd.len(), svd.len());
        assert!(frobenius_error(&utu, &eye) < 1e-10);
        assert!(frobenius_error(&vvt, &eye) < 1e-10);
    }
}

#[test]
fn measured_error_equals_the_eckart_young_bound() {
    let a = photo(60, 40);
    let svd = Svd::of(&a).expect("svd");
    for k in [0, 1, 2, 5, 10, 39, 40] {
        let measured = frobenius_error(&a, &svd.reconstruct(k));
        let bound = svd.bound(k);
        assert!(
            (measured - bound).abs() <= 1e-9 * a.norm(),
            "k={k}: measured {measured}, bound {bound}"
        );
    }
    assert!(svd.bound(40) < 1e-9 * a.norm());
    assert!((svd.bound(0) - a.norm()).abs() < 1e-9 * a.norm());
}

#[test]
fn layers_sum_to_the_rank_k_picture() {
    let a = photo(30, 20);
    let svd = Svd::of(&a).expect("svd");
    let sum = (0..3).fold(DMatrix::zeros(30, 20), |acc, i| acc + svd.layer(i));
    assert!(frobenius_error(&sum, &svd.reconstruct(3)) < 1e-9);
}

#[test]
fn energy_storage_and_rank_needed() {
    // A rank-2 matrix: stripes plus a gradient.
    let a = DMatrix::from_fn(50, 30, |i, j| {
        (if j % 4 < 2 { 200.0 } else { 40.0 }) + i as f64
    });
    let svd = Svd::of(&a).expect("svd");
    assert!(svd.sigma[2] < 1e-9 * svd.sigma[0], "{:?}", &svd.sigma[..4]);
    assert!((svd.energy(2) - 1.0).abs() < 1e-12);
    assert!(svd.energy(1) < 1.0);
    assert!(svd.energy(0).abs() < 1e-15);
    assert!(svd.rank_for_energy(0.999) <= 2);
    assert_eq!(svd.rank_for_energy(0.0), 0);
    assert_eq!(svd.storage(2), 2 * (50 + 30 + 1));
    assert_eq!(svd.storage(1000), 30 * 81);
}

#[test]
fn bad_matrices_are_refused() {
    assert_eq!(
        Svd::of(&DMatrix::zeros(0, 3)).unwrap_err(),
        SvdError::Empty { rows: 0, cols: 3 }
    );
    assert_eq!(
        Svd::of(&DMatrix::zeros(2049, 2)).unwrap_err(),
        SvdError::TooLarge {
            rows: 2049,
            cols: 2
        }
    );
    let mut a = DMatrix::zeros(2, 2);
    a[(1, 1)] = f64::NAN;
    assert_eq!(Svd::of(&a).unwrap_err(), SvdError::NotFinite);
    let zero = Svd::of(&DMatrix::zeros(3, 2)).expect("zero matrix");
    assert!((zero.energy(0) - 1.0).abs() < 1e-15);
}

#[test]
fn channels_split_and_luminance() {
    // 2 × 1 picture: a red pixel and a white one.
    let rgb = [255u8, 0, 0, 255, 255, 255];
    let gray = channel_matrices(&rgb, 2, 1, Channels::Gray);
    assert_eq!(gray.len(), 1);
    assert_eq!(gray[0].shape(), (1, 2));
    assert!((gray[0][(0, 0)] - 0.299 * 255.0).abs() < 1e-9);
    assert!((gray[0][(0, 1)] - 255.0).abs() < 1e-9);
    let rgb3 = channel_matrices(&rgb, 2, 1, Channels::Rgb);
    assert_eq!(rgb3.len(), 3);
    assert!((rgb3[0][(0, 0)] - 255.0).abs() < 1e-12);
    assert!(rgb3[1][(0, 0)].abs() < 1e-12);
    assert!((rgb3[2][(0, 1)] - 255.0).abs() < 1e-12);
}
