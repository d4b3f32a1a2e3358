//! Prepare → draw: what the math says about the current matrix, computed by
//! `math::transform` only when its inputs change, and read by every drawing
//! function.

use nalgebra::{Matrix2, Matrix3, SMatrix, Vector2, Vector3};

use super::points::{Points, PointsKey};
use super::rows::from_rows;
use crate::math::transform::{self as tf, Interpolation, Square};
use crate::scene::{TransformAnimation, TransformSettings};

/// What the prepared math was computed from.
#[derive(Clone, Debug, PartialEq)]
struct Inputs {
    matrix: Vec<Vec<f64>>,
    steps: Vec<Vec<Vec<f64>>>,
    animation: TransformAnimation,
}

impl Inputs {
    fn of(s: &TransformSettings) -> Self {
        Self {
            matrix: s.matrix.clone(),
            steps: s.steps.clone(),
            animation: s.animation,
        }
    }

    fn matches(&self, s: &TransformSettings) -> bool {
        self.matrix == s.matrix && self.steps == s.steps && self.animation == s.animation
    }
}

/// The prepared math of one size, with the last animation frame and the
/// extent of the canvas.
struct Slot<const N: usize>
where
    SMatrix<f64, N, N>: Square,
{
    inputs: Inputs,
    math: tf::Prepared<N>,
    /// The animation's frame at a progress.
    frame: Option<(f32, tf::Frame<N>)>,
    /// How far the canvas reaches, for these points.
    fit: Option<(Option<PointsKey>, f64)>,
}

/// What the drawing reads: the prepared math, the current frame of the
/// animation and the extent the canvas fits.
pub(super) struct Ready<'a, const N: usize>
where
    SMatrix<f64, N, N>: Square,
{
    pub math: &'a tf::Prepared<N>,
    pub frame: tf::Frame<N>,
    /// 2D: half the width shown (world units); 3D: the radius scaled to the
    /// unit sphere.
    pub fit: f64,
}

/// The prepared math of the plane and of space, each kept until its inputs change.
#[derive(Default)]
pub(super) struct Cache {
    plane: Option<Slot<2>>,
    space: Option<Slot<3>>,
}

impl Cache {
    /// The plane's prepared math for `s` (and the extent for `points`).
    pub(super) fn plane(&mut self, s: &TransformSettings, points: Option<&Points>) -> Ready<'_, 2> {
        refresh(&mut self.plane, s, points, fit_2d)
    }

    /// The plane's prepared math for `s`, without frame or extent.
    pub(super) fn plane_math(&mut self, s: &TransformSettings) -> &tf::Prepared<2> {
        &fresh(&mut self.plane, s).math
    }

    /// Space's prepared math for `s`, without frame or extent.
    pub(super) fn space_math(&mut self, s: &TransformSettings) -> &tf::Prepared<3> {
        &fresh(&mut self.space, s).math
    }

    /// Space's prepared math for `s` (and the extent for `points`).
    pub(super) fn space(&mut self, s: &TransformSettings, points: Option<&Points>) -> Ready<'_, 3> {
        refresh(&mut self.space, s, points, fit_3d)
    }
}

/// The interpolation of the math for the scene's animation.
fn interpolation(a: TransformAnimation) -> Interpolation {
    match a {
        TransformAnimation::Linear => Interpolation::Linear,
        TransformAnimation::Polar => Interpolation::Polar,
        TransformAnimation::Svd => Interpolation::Svd,
    }
}

/// `slot` with its math computed from `s`: recomputed when the matrix, the
/// steps or the animation changed.
fn fresh<'a, const N: usize>(
    slot: &'a mut Option<Slot<N>>,
    s: &TransformSettings,
) -> &'a mut Slot<N>
where
    SMatrix<f64, N, N>: Square,
{
    if slot.as_ref().is_some_and(|old| !old.inputs.matches(s)) {
        *slot = None;
    }
    slot.get_or_insert_with(|| {
        let a: SMatrix<f64, N, N> = from_rows(&s.matrix);
        let steps: Vec<SMatrix<f64, N, N>> = s.steps.iter().map(|m| from_rows(m)).collect();
        Slot {
            inputs: Inputs::of(s),
            math: tf::prepare(&a, &steps, interpolation(s.animation)),
            frame: None,
            fit: None,
        }
    })
}

/// `slot` brought up to date with `s` and `points`: the math as [`fresh`]
/// does, the frame when the progress changed, the extent when the points did.
fn refresh<'a, const N: usize>(
    slot: &'a mut Option<Slot<N>>,
    s: &TransformSettings,
    points: Option<&Points>,
    fit: fn(&tf::Prepared<N>, Option<&Points>) -> f64,
) -> Ready<'a, N>
where
    SMatrix<f64, N, N>: Square,
{
    let slot = fresh(slot, s);
    let progress = s.progress;
    let frame = match slot.frame {
        Some((p, frame)) if p.to_bits() == progress.to_bits() => frame,
        _ => {
            let frame = slot.math.path.frame(f64::from(progress));
            slot.frame = Some((progress, frame));
            frame
        }
    };
    let key = points.map(|p| &p.key);
    let extent = match &slot.fit {
        Some((k, extent)) if k.as_ref() == key => *extent,
        _ => {
            let extent = fit(&slot.math, points);
            slot.fit = Some((key.cloned(), extent));
            extent
        }
    };
    Ready {
        math: &slot.math,
        frame,
        fit: extent,
    }
}

/// Half the width the 2D canvas shows: the unit square's images along the
/// way fit (and the data, before and after), at most 60.
fn fit_2d(math: &tf::Prepared<2>, points: Option<&Points>) -> f64 {
    let a = math.a;
    let mut half: f64 = 2.4;
    let mut fit = |mm: &Matrix2<f64>| {
        for c in [
            Vector2::new(1.0, 0.0),
            Vector2::new(0.0, 1.0),
            Vector2::new(1.0, 1.0),
            Vector2::new(1.0, -1.0),
        ] {
            half = half.max((mm * c).amax() * 1.15);
        }
    };
    fit(&a);
    let mut acc = Matrix2::identity();
    for st in &math.steps {
        acc = st * acc;
        fit(&acc);
    }
    if let Some(p) = points {
        let extent = |mm: &Matrix2<f64>| {
            p.xyz
                .iter()
                .map(|q| (mm * Vector2::new(q[0], q[1])).amax())
                .fold(0.0, f64::max)
        };
        half = half
            .max(extent(&Matrix2::identity()) * 1.05)
            .max(extent(&a) * 1.05);
    }
    half.min(60.0)
}

/// The corners of the unit cube.
pub(super) fn cube() -> [Vector3<f64>; 8] {
    std::array::from_fn(|i| {
        Vector3::new(
            f64::from(i as u8 & 1),
            f64::from((i as u8 >> 1) & 1),
            f64::from((i as u8 >> 2) & 1),
        )
    })
}

/// The radius of the 3D scene in world units: the unit cube's images along
/// the way fit (and the data), at least 1.8. The canvas divides by it (at
/// most 100) so everything fits the unit sphere.
fn fit_3d(math: &tf::Prepared<3>, points: Option<&Points>) -> f64 {
    let a = math.a;
    let cube = cube();
    let mut ext: f64 = 1.8;
    let mut acc = Matrix3::identity();
    for mm in std::iter::once(a).chain(math.steps.iter().map(|st| {
        acc = st * acc;
        acc
    })) {
        for c in &cube {
            ext = ext.max((mm * c).norm() * 1.1);
        }
    }
    if let Some(p) = points {
        let r = p
            .xyz
            .iter()
            .map(|q| Vector3::new(q[0], q[1], q[2]).norm())
            .fold(0.0, f64::max);
        ext = ext.max(r * a.norm().max(1.0) * 0.6).max(r);
    }
    ext
}

/// A's singular values and whether det A < 0: the words of the SVD
/// animation's steps (the same the canvas's caption says).
pub(super) fn singular_values(s: &TransformSettings) -> (Vec<f64>, bool) {
    fn of<const N: usize>(s: &TransformSettings) -> (Vec<f64>, bool)
    where
        SMatrix<f64, N, N>: Square,
    {
        let a: SMatrix<f64, N, N> = from_rows(&s.matrix);
        let svd = tf::svd(&a);
        (svd.sigma.as_slice().to_vec(), svd.flips())
    }
    if s.mode.n() == 3 {
        of::<3>(s)
    } else {
        of::<2>(s)
    }
}
