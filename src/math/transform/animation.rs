//! Interpolation from the identity to A: straight, turning (polar), the
//! three SVD steps, and a composition's maps one after the other. [`Path`]
//! computes what does not depend on the progress once; [`Path::at`] is then a
//! few small matrix products.

use nalgebra::{Matrix2, Matrix3, SMatrix, SVector, Vector3};

use super::sealed::Sealed as _;
use super::{SIGN_TOL, Square, det, first_significant_sign, preset2, preset3, svd};

/// Straight-line interpolation (1 − t)·I + t·A: I at t = 0, A at t = 1.
/// A rotation by 180° passes through the zero matrix on the way.
#[must_use]
pub fn lerp<const N: usize>(a: &SMatrix<f64, N, N>, t: f64) -> SMatrix<f64, N, N> {
    SMatrix::identity() * (1.0 - t) + a * t
}

/// Rᵗ for a proper rotation R (orthogonal, det +1): the rotation by t times
/// R's angle, about the same axis in 3D. The angle taken is the one in
/// [0, π] (2D: (−π, π]); at exactly π the axis is chosen by the sign rule.
/// Other matrices give a rotation of no particular meaning.
#[must_use]
pub fn rotation_pow<const N: usize>(r: &SMatrix<f64, N, N>, t: f64) -> SMatrix<f64, N, N>
where
    SMatrix<f64, N, N>: Square,
{
    r.rotation_power(t)
}

pub(super) fn rotation_pow2(r: &Matrix2<f64>, t: f64) -> Matrix2<f64> {
    preset2::rotation(t * r[(1, 0)].atan2(r[(0, 0)]))
}

pub(super) fn rotation_pow3(r: &Matrix3<f64>, t: f64) -> Matrix3<f64> {
    // R = I + sin θ·[n]ₓ + (1 − cos θ)·[n]ₓ²: the skew part gives sin θ·n, the trace cos θ.
    let w = 0.5
        * Vector3::new(
            r[(2, 1)] - r[(1, 2)],
            r[(0, 2)] - r[(2, 0)],
            r[(1, 0)] - r[(0, 1)],
        );
    let cos = 0.5 * (r.trace() - 1.0);
    let sin = w.norm();
    if sin == 0.0 && cos > 0.0 {
        return Matrix3::identity();
    }
    let theta = sin.atan2(cos);
    let axis = if sin >= 1.0 - cos {
        w / sin
    } else {
        // Near θ = π the skew part vanishes; read the axis from the symmetric
        // part instead: (R + Rᵀ)/2 − cos θ·I = (1 − cos θ)·n·nᵀ.
        let sym = (r + r.transpose()) * 0.5 - Matrix3::identity() * cos;
        let k = (0..3)
            .max_by(|&i, &j| sym[(i, i)].total_cmp(&sym[(j, j)]))
            .unwrap_or(0);
        let n = sym.column(k).normalize();
        let along = n.dot(&w);
        if along < -SIGN_TOL || (along.abs() <= SIGN_TOL && first_significant_sign(&n) < 0.0) {
            -n
        } else {
            n
        }
    };
    preset3::rotation(&axis, t * theta)
}

/// Interpolation that turns rather than shrinks: R(t)·S(t), with R(t) the
/// rotation part of A raised to the power t ([`rotation_pow`]) and
/// S(t) = (1 − t)·I + t·S. I at t = 0, A at t = 1; a rotation keeps |det| = 1
/// all the way.
///
/// When det A < 0 the polar factor R is a reflection, which no rotation
/// reaches continuously; the reflection is moved into S instead
/// ([`Svd::rotation_form`](super::Svd::rotation_form)): R = U·F·Vᵀ and
/// S = V·F·diag(σ)·Vᵀ with F = diag(1, …, 1, −1), so A flips by squashing
/// through zero along the axis it stretches least, while turning.
#[must_use]
pub fn polar_lerp<const N: usize>(a: &SMatrix<f64, N, N>, t: f64) -> SMatrix<f64, N, N>
where
    SMatrix<f64, N, N>: Square,
{
    Turn::of(a).at(t)
}

/// The two factors [`polar_lerp`] interpolates, computed once per matrix.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Turn<const N: usize> {
    /// The rotation R = U·Vᵀ (of the rotation form).
    r: SMatrix<f64, N, N>,
    /// The stretch S = V·diag(σ)·Vᵀ (the last σ signed).
    s: SMatrix<f64, N, N>,
}

impl<const N: usize> Turn<N>
where
    SMatrix<f64, N, N>: Square,
{
    fn of(a: &SMatrix<f64, N, N>) -> Self {
        let (u, sigma, v_t) = svd(a).rotation_form();
        Self {
            r: u * v_t,
            s: v_t.transpose() * SMatrix::from_diagonal(&sigma) * v_t,
        }
    }

    fn at(&self, t: f64) -> SMatrix<f64, N, N> {
        rotation_pow(&self.r, t) * lerp(&self.s, t)
    }
}

/// One frame of the three-step SVD animation: see [`svd_steps`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SvdStep<const N: usize> {
    /// 0: rotate by Vᵀ; 1: stretch by Σ along the axes; 2: rotate by U.
    pub step: usize,
    /// Progress within the step, 0 to 1.
    pub progress: f64,
    /// The matrix to apply to the original points at this moment.
    pub matrix: SMatrix<f64, N, N>,
}

/// The SVD animation A = U·Σ·Vᵀ, read right to left, at time t ∈ [0, 1]
/// (clamped): for t in [0, ⅓] rotate from I to Vᵀ; in [⅓, ⅔] stretch the axes
/// from 1 to σᵢ (Σ·Vᵀ at the end); in [⅔, 1] rotate by U (U·Σ·Vᵀ = A at the
/// end). The rotations are interpolated by angle, so the matrix is continuous
/// in t. Uses [`Svd::rotation_form`](super::Svd::rotation_form): when
/// det A < 0 the last axis stretches through zero to −σₙ instead of U
/// reflecting.
#[must_use]
pub fn svd_steps<const N: usize>(a: &SMatrix<f64, N, N>, t: f64) -> SvdStep<N>
where
    SMatrix<f64, N, N>: Square,
{
    SvdPlan::of(a).at(t)
}

/// The rotation form of A's SVD, computed once per matrix for [`svd_steps`].
#[derive(Clone, Copy, Debug, PartialEq)]
struct SvdPlan<const N: usize> {
    u: SMatrix<f64, N, N>,
    sigma: SVector<f64, N>,
    v_t: SMatrix<f64, N, N>,
}

impl<const N: usize> SvdPlan<N>
where
    SMatrix<f64, N, N>: Square,
{
    fn of(a: &SMatrix<f64, N, N>) -> Self {
        let (u, sigma, v_t) = svd(a).rotation_form();
        Self { u, sigma, v_t }
    }

    fn at(&self, t: f64) -> SvdStep<N> {
        let Self { u, sigma, v_t } = self;
        let scaled = 3.0 * t.clamp(0.0, 1.0);
        let step = (scaled.floor() as usize).min(2);
        let progress = scaled - step as f64;
        let stretch = |s: &SVector<f64, N>| SMatrix::from_diagonal(s);
        let matrix = match step {
            0 => rotation_pow(v_t, progress),
            1 => stretch(&sigma.map(|s| 1.0 - progress + progress * s)) * v_t,
            _ => rotation_pow(u, progress) * stretch(sigma) * v_t,
        };
        SvdStep {
            step,
            progress,
            matrix,
        }
    }
}

/// The single matrix that applies `maps` in list order: `compose(&[A, B, C])`
/// = C·B·A, so A acts first (it is the rightmost factor). The empty list gives I.
#[must_use]
pub fn compose<const N: usize>(maps: &[SMatrix<f64, N, N>]) -> SMatrix<f64, N, N> {
    maps.iter().fold(SMatrix::identity(), |acc, m| m * acc)
}

/// Smooth start and stop: 3t² − 2t³ of t clamped to [0, 1].
#[must_use]
pub fn ease(t: f64) -> f64 {
    let t = t.clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

// ---------------------------------------------------------------------------
// The whole animation I → A: one path, prepared once, read at any progress
// ---------------------------------------------------------------------------

/// How the identity is carried to A.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interpolation {
    /// (1 − t)·I + t·A ([`lerp`]), eased.
    Linear,
    /// Turning by A's rotation while stretching ([`polar_lerp`]), eased.
    Polar,
    /// U·Σ·Vᵀ in three steps ([`svd_steps`]), not eased.
    Svd,
}

/// Where an animation is: what its caption talks about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// One matrix, straight or turning.
    Plain,
    /// Step 0 (Vᵀ), 1 (Σ) or 2 (U) of the SVD animation.
    Svd { step: usize },
    /// Applying step `index` (from 0) of a composition of `count` maps.
    Composition { index: usize, count: usize },
}

/// The animation from I to A (or through a composition's steps), with
/// everything that does not depend on the progress computed once: the SVD
/// or polar factors, and the products of the steps so far.
#[derive(Clone, Debug, PartialEq)]
pub struct Path<const N: usize> {
    a: SMatrix<f64, N, N>,
    how: Interpolation,
    /// The composition's maps, in order (animated one by one when 2 or more).
    steps: Vec<SMatrix<f64, N, N>>,
    /// `before[i]` = [`compose`]`(&steps[..i])`: what the earlier steps did.
    before: Vec<SMatrix<f64, N, N>>,
    plan: Plan<N>,
}

/// The per-matrix factors a [`Path`] needs, by interpolation.
#[derive(Clone, Debug, PartialEq)]
enum Plan<const N: usize> {
    Linear,
    /// The turn of A, and of each step.
    Polar {
        a: Turn<N>,
        steps: Vec<Turn<N>>,
    },
    Svd(SvdPlan<N>),
}

/// The matrix at one moment of a [`Path`], with what is drawn from it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame<const N: usize> {
    /// The matrix to apply to the original points now.
    pub matrix: SMatrix<f64, N, N>,
    pub stage: Stage,
    /// The parameter the matrix is at ([`Path::at_t`]): what a caption calls t.
    pub t: f64,
    /// Its determinant: the signed area (volume) of the unit square's (cube's) image.
    pub det: f64,
    /// Its SVD: the semi-axes of the unit circle's (sphere's) image.
    pub svd: super::Svd<N>,
}

impl<const N: usize> Path<N>
where
    SMatrix<f64, N, N>: Square,
{
    /// The path to `a`; with two or more `steps` (a composition, `a` their
    /// product) each step is played in turn, except by the SVD animation,
    /// which decomposes `a` itself.
    #[must_use]
    pub fn new(a: &SMatrix<f64, N, N>, steps: &[SMatrix<f64, N, N>], how: Interpolation) -> Self {
        let before = (0..steps.len()).map(|i| compose(&steps[..i])).collect();
        let plan = match how {
            Interpolation::Linear => Plan::Linear,
            Interpolation::Polar => Plan::Polar {
                a: Turn::of(a),
                steps: if steps.len() >= 2 {
                    steps.iter().map(Turn::of).collect()
                } else {
                    Vec::new()
                },
            },
            Interpolation::Svd => Plan::Svd(SvdPlan::of(a)),
        };
        Self {
            a: *a,
            how,
            steps: steps.to_vec(),
            before,
            plan,
        }
    }

    /// How this path interpolates.
    #[must_use]
    pub fn interpolation(&self) -> Interpolation {
        self.how
    }

    /// The matrix at `progress` (clamped to [0, 1]): I at 0, A at 1. A
    /// composition of k maps plays map i (eased) during [i/k, (i+1)/k].
    #[must_use]
    pub fn at(&self, progress: f64) -> (SMatrix<f64, N, N>, Stage) {
        let (matrix, stage, _) = self.at_t(progress);
        (matrix, stage)
    }

    /// [`at`](Self::at) with the parameter t the matrix is at: the eased
    /// progress of a straight or turning path (the matrix is
    /// [`lerp`]`(A, t)` or [`polar_lerp`]`(A, t)`), the eased progress
    /// within the current map of a composition, or the progress within the
    /// current SVD step. What a caption names as "t" must be this, not the
    /// progress.
    #[must_use]
    pub fn at_t(&self, progress: f64) -> (SMatrix<f64, N, N>, Stage, f64) {
        let t = progress.clamp(0.0, 1.0);
        let one = |i: Option<usize>, m: &SMatrix<f64, N, N>, t: f64| match &self.plan {
            Plan::Polar { a, steps } => match i {
                Some(i) => steps[i].at(t),
                None => a.at(t),
            },
            _ => lerp(m, t),
        };
        if let Plan::Svd(plan) = &self.plan {
            let s = plan.at(t);
            return (s.matrix, Stage::Svd { step: s.step }, s.progress);
        }
        if self.steps.len() >= 2 {
            let count = self.steps.len();
            let scaled = t * count as f64;
            let index = (scaled.floor() as usize).min(count - 1);
            let local = ease(scaled - index as f64);
            return (
                one(Some(index), &self.steps[index], local) * self.before[index],
                Stage::Composition { index, count },
                local,
            );
        }
        let eased = ease(t);
        (one(None, &self.a, eased), Stage::Plain, eased)
    }

    /// [`at`](Self::at) with the determinant and SVD of the matrix.
    #[must_use]
    pub fn frame(&self, progress: f64) -> Frame<N> {
        let (matrix, stage, t) = self.at_t(progress);
        Frame {
            matrix,
            stage,
            t,
            det: det(&matrix),
            svd: svd(&matrix),
        }
    }
}
