//! The PCA view's 3D story as pure geometry: where every point is at each
//! moment of the animation.
//!
//! As `progress` goes 0 → 1/3 → 2/3 → 1, in three eased stages:
//! ① the cloud is centred and turned so that PC1, PC2 and PC3 lie along the
//! x, y and z axes; ② every point slides along PC3 onto the PC1–PC2 plane;
//! ③ that plane turns to face the viewer, where its coordinates are the PC1
//! and PC2 scores. Points are given by their scores a (principal frame) and
//! placed in a world where the cloud fits a sphere of radius 1.

use nalgebra::{DMatrix, Matrix3, Rotation3, Vector3};

use super::Pca;

/// The animation's three stage positions at `progress` (0..=1), each 0..=1
/// and eased (smoothstep): stage k runs while progress goes k/3 → (k+1)/3.
#[must_use]
pub fn stages(progress: f32) -> [f32; 3] {
    let ease = |t: f32| {
        let t = t.clamp(0.0, 1.0);
        t * t * (3.0 - 2.0 * t)
    };
    let p = progress.clamp(0.0, 1.0) * 3.0;
    [ease(p), ease(p - 1.0), ease(p - 2.0)]
}

/// A fit's story: the rotation onto its principal axes and the scale.
#[derive(Clone, Copy, Debug)]
pub struct Story {
    /// Data frame → principal frame: rows PC1..PC3 (a proper rotation, PC3
    /// flipped if needed). The identity when the scores are already in the
    /// principal frame (more than three columns).
    r1: Rotation3<f64>,
    /// −1 when PC3 was flipped to make `r1` proper.
    pc3_sign: f64,
    /// Data are divided by this (see [`PreparedFit::radius`](super::PreparedFit::radius)).
    radius: f64,
    /// Three columns: the story starts from the data's own axes.
    three: bool,
}

impl Story {
    /// The story of `pca` (at least three components), scaled by `radius`.
    ///
    /// # Panics
    /// If `pca` has fewer than three components.
    #[must_use]
    pub fn new(pca: &Pca, radius: f64) -> Self {
        let three = pca.n_features() == 3;
        let comps = &pca.components;
        assert!(comps.nrows() >= 3, "the 3D story needs three components");
        let mut rf = Matrix3::from_fn(|i, j| {
            if three {
                comps[(i, j)]
            } else {
                f64::from(u8::from(i == j))
            }
        });
        if rf.determinant() < 0.0 {
            for j in 0..3 {
                rf[(2, j)] = -rf[(2, j)];
            }
        }
        let pc3_sign = if three {
            // Component 3 as drawn: +1 unless flipped above.
            let dot: f64 = (0..3).map(|j| rf[(2, j)] * comps[(2, j)]).sum();
            dot.signum()
        } else {
            1.0
        };
        Self {
            r1: Rotation3::from_matrix_unchecked(rf),
            pc3_sign,
            radius,
            three,
        }
    }

    /// Whether the story starts from three data columns (else from the first
    /// three scores, already in the principal frame).
    #[must_use]
    pub fn three(&self) -> bool {
        self.three
    }

    /// The story at `progress`, for a viewer whose screen right and up are
    /// the world directions `right` and `up` (unit, orthogonal): stage ③ turns
    /// PC1 to `right`, PC2 to `up` and PC3 towards the viewer.
    #[must_use]
    pub fn at(&self, progress: f32, right: Vector3<f64>, up: Vector3<f64>) -> StoryFrame {
        let stages = if self.three {
            stages(progress)
        } else {
            // The scores are already in the principal frame.
            let [_, b, c] = stages(progress);
            [1.0, b, c]
        };
        let [t1, _, t3] = stages;
        let rot = Rotation3::identity().slerp(&self.r1, f64::from(t1));
        let back = right.cross(&up);
        let q = Rotation3::from_matrix_unchecked(Matrix3::from_columns(&[right, up, back]));
        let turn = Rotation3::identity().slerp(&q, f64::from(t3));
        StoryFrame {
            stages,
            r1_inv: self.r1.inverse(),
            rot,
            turn,
            pc3_sign: self.pc3_sign,
            radius: self.radius,
        }
    }
}

/// The story at one moment: where it puts a point.
#[derive(Clone, Copy, Debug)]
pub struct StoryFrame {
    /// The three stage positions (see [`stages`]); ① is complete from the
    /// start with more than three columns.
    pub stages: [f32; 3],
    r1_inv: Rotation3<f64>,
    /// Part of ①: the turn from the data frame towards the principal frame.
    rot: Rotation3<f64>,
    /// Part of ③: the turn of the principal frame towards the viewer.
    turn: Rotation3<f64>,
    pc3_sign: f64,
    radius: f64,
}

impl StoryFrame {
    /// The world position of the point with principal-frame coordinates `a`
    /// (scores), slid `flatten` (0..=1) of the way onto the PC1–PC2 plane.
    #[must_use]
    pub fn place(&self, a: Vector3<f64>, flatten: f64) -> [f32; 3] {
        // Principal frame → data frame (Rᵀ), then turned part of the way back (rot).
        let mut w = self.rot * (self.r1_inv * Vector3::new(a.x, a.y, a.z * self.pc3_sign));
        w.z *= 1.0 - flatten;
        let w = self.turn * (w / self.radius);
        [w.x as f32, w.y as f32, w.z as f32]
    }

    /// Where row `i` of `scores` (at least three columns) is now: slid as far
    /// onto the plane as stage ② has gone.
    #[must_use]
    pub fn point(&self, scores: &DMatrix<f64>, i: usize) -> [f32; 3] {
        let a = Vector3::new(scores[(i, 0)], scores[(i, 1)], scores[(i, 2)]);
        self.place(a, f64::from(self.stages[1]))
    }

    /// Every row of `scores` (at least three columns) now.
    #[must_use]
    pub fn points(&self, scores: &DMatrix<f64>) -> Vec<[f32; 3]> {
        (0..scores.nrows()).map(|i| self.point(scores, i)).collect()
    }

    /// [`point`](Self::point) as one linear map of the scores (world = M·a),
    /// in f32: for drawing a million points.
    #[must_use]
    pub fn linear_map(&self) -> Matrix3<f32> {
        let flatten =
            Matrix3::from_diagonal(&Vector3::new(1.0, 1.0, 1.0 - f64::from(self.stages[1])));
        let m = (self.turn.matrix()
            * flatten
            * self.rot.matrix()
            * self.r1_inv.matrix()
            * Matrix3::from_diagonal(&Vector3::new(1.0, 1.0, self.pc3_sign)))
            / self.radius;
        m.map(|x| x as f32)
    }

    /// The world direction of principal axis `k` (0..3) now, unscaled: the
    /// 3D gizmo follows the axes as they turn.
    #[must_use]
    pub fn axis(&self, k: usize) -> [f32; 3] {
        let mut e = Vector3::zeros();
        e[k] = if k == 2 { self.pc3_sign } else { 1.0 };
        let w = self.turn * (self.rot * (self.r1_inv * e));
        [w.x as f32, w.y as f32, w.z as f32]
    }
}
