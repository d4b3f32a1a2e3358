//! The two number types the passes run in: f64 (prediction, the
//! statistics, the gradient as [`loss_and_gradient`](super::loss_and_gradient)
//! gives it) and f32 (training's forward and backward passes: twice the
//! numbers per vector register, and fused multiply-adds).

#![expect(
    clippy::inline_always,
    reason = "inlined into pulp's dispatch with the kernels, or they stay scalar"
)]

use std::fmt::Debug;
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Sub};

use super::activation::{exp_bounded, tanh};

/// A float the kernels run on.
pub(crate) trait Real:
    Copy
    + Debug
    + Default
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + AddAssign
    + MulAssign
    + DivAssign
    + Send
    + Sync
    + 'static
{
    const ZERO: Self;
    const ONE: Self;
    const NEG_INFINITY: Self;
    /// Points per block of the product kernel: two 256-bit registers' worth.
    const ROWS: usize;

    fn from_f64(v: f64) -> Self;
    fn to_f64(self) -> f64;

    /// acc + a·b. f64: the product rounded, then the sum (what a plain loop
    /// `s += a * b` gives, to the bit); f32: one fused multiply-add (training
    /// only, where the last bit is rounding anyway).
    fn mul_add_to(acc: Self, a: Self, b: Self) -> Self;

    /// e^x within a few ulp, vectorizable (below e^−700 it gives e^−700).
    fn exp_fast(self) -> Self;

    /// tanh, vectorizable (see [`tanh`]).
    fn tanh_fast(self) -> Self;

    fn max(self, other: Self) -> Self;
}

impl Real for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const NEG_INFINITY: Self = f64::NEG_INFINITY;
    const ROWS: usize = 8;

    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline(always)]
    fn mul_add_to(acc: Self, a: Self, b: Self) -> Self {
        acc + a * b
    }
    #[inline(always)]
    fn exp_fast(self) -> Self {
        exp_bounded(if self < -700.0 { -700.0 } else { self })
    }
    #[inline(always)]
    fn tanh_fast(self) -> Self {
        tanh(self)
    }
    #[inline(always)]
    fn max(self, other: Self) -> Self {
        f64::max(self, other)
    }
}

impl Real for f32 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const NEG_INFINITY: Self = f32::NEG_INFINITY;
    const ROWS: usize = 16;

    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    #[inline(always)]
    fn mul_add_to(acc: Self, a: Self, b: Self) -> Self {
        a.mul_add(b, acc)
    }
    /// Through the f64 polynomial (exact to f32's last bit but for rounding).
    #[inline(always)]
    fn exp_fast(self) -> Self {
        f64::from(self).exp_fast() as f32
    }
    #[inline(always)]
    fn tanh_fast(self) -> Self {
        tanh(f64::from(self)) as f32
    }
    #[inline(always)]
    fn max(self, other: Self) -> Self {
        f32::max(self, other)
    }
}
