//! The inner loops of the forward and backward passes, blocked so that a
//! few outputs and a few points stay in registers, and run with the widest
//! vector instructions the processor has (AVX2 where there is one: chosen at
//! run time through `pulp`, the dispatcher faer uses, so the binary still runs
//! on any x86-64). Each kernel does, for every number, the same additions in
//! the same order as the plain loop its doc gives, so results do not depend
//! on the blocking, the batch size or the instructions chosen. Generic over
//! [`Real`]: in f64 each step is `s += a · b` exactly as written (prediction
//! and the statistics match a plain loop to the bit); in f32 (training) it is
//! one fused multiply-add.

#![expect(
    clippy::inline_always,
    reason = "the kernels must inline into pulp's dispatch to get its instructions"
)]

use std::sync::LazyLock;

use pulp::{Arch, Simd, WithSimd};

use super::activation::Activation;
use super::real::Real;

/// The instruction set, detected once.
static ARCH: LazyLock<Arch> = LazyLock::new(Arch::new);

/// Coefficients packed at a time per block of outputs (on the stack).
const KC: usize = 64;

/// A small matrix read in place: c(row, col) = data[row·row_stride + col·col_stride]
/// (a layer's W, or its transpose, without copying).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Coef<'a, T> {
    pub data: &'a [T],
    pub rows: usize,
    pub cols: usize,
    pub row_stride: usize,
    pub col_stride: usize,
}

impl<T: Real> Coef<'_, T> {
    #[inline(always)]
    fn at(&self, row: usize, col: usize) -> T {
        self.data[row * self.row_stride + col * self.col_stride]
    }
}

/// out_c = Σ_k c(c, k) · input_k for `n` points, unit-major (`input[k·n + r]`,
/// `out[c·n + r]`): for each number, `s = 0; for k in 0..cols { s = s + input_k[r] · c(c, k) }`
/// ([`Real::mul_add_to`]).
pub(crate) fn combine<T: Real>(coef: Coef<'_, T>, input: &[T], n: usize, out: &mut [T]) {
    struct Op<'a, 'b, T> {
        coef: Coef<'a, T>,
        input: &'b [T],
        n: usize,
        out: &'b mut [T],
    }
    impl<T: Real> WithSimd for Op<'_, '_, T> {
        type Output = ();
        #[inline(always)]
        fn with_simd<S: Simd>(self, _: S) {
            let Self {
                coef,
                input,
                n,
                out,
            } = self;
            let mut o = 0;
            while o + 4 <= coef.rows {
                combine_rows::<T, 4>(coef, o, input, n, out);
                o += 4;
            }
            if o + 2 <= coef.rows {
                combine_rows::<T, 2>(coef, o, input, n, out);
                o += 2;
            }
            if o < coef.rows {
                combine_rows::<T, 1>(coef, o, input, n, out);
            }
        }
    }
    assert!(input.len() >= coef.cols * n && out.len() >= coef.rows * n);
    if n == 0 {
        return;
    }
    if coef.cols == 0 {
        out[..coef.rows * n].fill(T::ZERO);
        return;
    }
    ARCH.dispatch(Op {
        coef,
        input,
        n,
        out,
    });
}

/// Outputs o..o + B of [`combine`]: [`Real::ROWS`] points at a time, then
/// eight (f32's remainder), then one by one.
#[inline(always)]
fn combine_rows<T: Real, const B: usize>(
    c: Coef<'_, T>,
    o: usize,
    input: &[T],
    n: usize,
    out: &mut [T],
) {
    let mut done = 0;
    if T::ROWS == 16 {
        done = combine_block::<T, B, 16>(c, o, input, n, out, done);
    }
    done = combine_block::<T, B, 8>(c, o, input, n, out, done);
    combine_block::<T, B, 1>(c, o, input, n, out, done);
}

/// Outputs o..o + B of [`combine`] for points `start..` in whole blocks of
/// R points; returns where the blocks end. The block's coefficients are
/// packed [`KC`] inputs at a time (contiguous, no bounds checks in the inner
/// loop), each sum carried over from chunk to chunk through `out`, so every
/// number still sums in order of k.
#[inline(always)]
fn combine_block<T: Real, const B: usize, const R: usize>(
    c: Coef<'_, T>,
    o: usize,
    input: &[T],
    n: usize,
    out: &mut [T],
    start: usize,
) -> usize {
    let end = start + (n - start) / R * R;
    if end == start {
        return start;
    }
    let mut packed = [[T::ZERO; B]; KC];
    for k0 in (0..c.cols).step_by(KC) {
        let kn = KC.min(c.cols - k0);
        for (k, w) in packed[..kn].iter_mut().enumerate() {
            for (j, w) in w.iter_mut().enumerate() {
                *w = c.at(o + j, k0 + k);
            }
        }
        let packed = &packed[..kn];
        let input = &input[k0 * n..(k0 + kn) * n];
        for r0 in (start..end).step_by(R) {
            let mut acc = [[T::ZERO; R]; B];
            if k0 > 0 {
                for (j, a) in acc.iter_mut().enumerate() {
                    a.copy_from_slice(&out[(o + j) * n + r0..(o + j) * n + r0 + R]);
                }
            }
            for (w, x) in packed.iter().zip(input.chunks_exact(n)) {
                let x: &[T; R] = x[r0..r0 + R].try_into().expect("R points");
                for (a, &w) in acc.iter_mut().zip(w) {
                    for (s, &v) in a.iter_mut().zip(x) {
                        *s = T::mul_add_to(*s, v, w);
                    }
                }
            }
            for (j, a) in acc.iter().enumerate() {
                out[(o + j) * n + r0..(o + j) * n + r0 + R].copy_from_slice(a);
            }
        }
    }
    end
}

/// z += b (b: one per unit, z: unit-major, `n` points per unit), then
/// a = σ(z) for an element-wise σ (not softmax).
pub(crate) fn bias_activate<T: Real>(
    act: Activation,
    bias: &[T],
    z: &mut [T],
    a: &mut [T],
    n: usize,
) {
    struct Op<'a, T> {
        act: Activation,
        bias: &'a [T],
        z: &'a mut [T],
        a: &'a mut [T],
        n: usize,
    }
    impl<T: Real> WithSimd for Op<'_, T> {
        type Output = ();
        #[inline(always)]
        fn with_simd<S: Simd>(self, _: S) {
            let Self { act, bias, z, a, n } = self;
            let k = bias.len();
            let (z, a) = (&mut z[..n * k], &mut a[..n * k]);
            for ((zo, ao), &b) in z.chunks_exact_mut(n).zip(a.chunks_exact_mut(n)).zip(bias) {
                for v in &mut *zo {
                    *v += b;
                }
                apply(act, zo, ao);
            }
        }
    }
    if n == 0 {
        return;
    }
    ARCH.dispatch(Op { act, bias, z, a, n });
}

/// a = σ(z) element by element (not softmax).
pub(crate) fn activate<T: Real>(act: Activation, z: &[T], a: &mut [T]) {
    struct Op<'a, T> {
        act: Activation,
        z: &'a [T],
        a: &'a mut [T],
    }
    impl<T: Real> WithSimd for Op<'_, T> {
        type Output = ();
        #[inline(always)]
        fn with_simd<S: Simd>(self, _: S) {
            apply(self.act, self.z, self.a);
        }
    }
    ARCH.dispatch(Op { act, z, a });
}

/// a = σ(z), one loop per activation (so each vectorizes). Those without
/// a loop of their own go through f64's `Activation::apply`.
#[inline(always)]
fn apply<T: Real>(act: Activation, z: &[T], a: &mut [T]) {
    let pairs = a.iter_mut().zip(z);
    match act {
        Activation::Relu => pairs.for_each(|(a, &z)| *a = z.max(T::ZERO)),
        Activation::Tanh => pairs.for_each(|(a, &z)| *a = z.tanh_fast()),
        _ => pairs.for_each(|(a, &z)| *a = T::from_f64(act.apply(z.to_f64()))),
    }
}

/// d *= σ'(z) given z and a = σ(z), element by element.
pub(crate) fn times_derivative<T: Real>(act: Activation, d: &mut [T], z: &[T], a: &[T]) {
    struct Op<'a, T> {
        act: Activation,
        d: &'a mut [T],
        z: &'a [T],
        a: &'a [T],
    }
    impl<T: Real> WithSimd for Op<'_, T> {
        type Output = ();
        #[inline(always)]
        fn with_simd<S: Simd>(self, _: S) {
            let Self { act, d, z, a } = self;
            let all = d.iter_mut().zip(z).zip(a);
            match act {
                Activation::Relu => all.for_each(|((d, &z), _)| {
                    *d *= if z > T::ZERO { T::ONE } else { T::ZERO };
                }),
                Activation::Tanh => all.for_each(|((d, _), &a)| *d *= T::ONE - a * a),
                _ => all.for_each(|((d, &z), &a)| {
                    *d *= T::from_f64(act.derivative(z.to_f64(), a.to_f64()));
                }),
            }
        }
    }
    ARCH.dispatch(Op { act, d, z, a });
}

/// Softmax over the k units of each of `n` points (unit-major z and a):
/// p_o = e^{z_o − m} / Σ e^{z_j − m} with m = max z (no overflow), summed in
/// order of o; with `lse`, also log Σ e^z = m + ln Σ e^{z_j − m} per point.
/// Eight points at a time, so the max, the sums and the divisions run
/// along the batch. `exact`: libm's e^x (one number at a time), so that a
/// network's probabilities (prediction, the statistics) match a plain loop's
/// to the bit; otherwise (training's forward pass) e^x by a polynomial
/// ([`Real::exp_fast`]), in vector registers.
pub(crate) fn softmax<T: Real>(
    z: &[T],
    a: &mut [T],
    n: usize,
    k: usize,
    lse: Option<&mut [T]>,
    exact: bool,
) {
    struct Op<'a, T> {
        z: &'a [T],
        a: &'a mut [T],
        n: usize,
        k: usize,
        lse: Option<&'a mut [T]>,
        exact: bool,
    }
    impl<T: Real> WithSimd for Op<'_, T> {
        type Output = ();
        #[inline(always)]
        fn with_simd<S: Simd>(self, _: S) {
            let Self {
                z,
                a,
                n,
                k,
                lse,
                exact,
            } = self;
            if exact {
                softmax_rows::<T, true>(z, a, n, k, lse);
            } else {
                softmax_rows::<T, false>(z, a, n, k, lse);
            }
        }
    }
    assert!(z.len() >= n * k && a.len() >= n * k && lse.as_ref().is_none_or(|l| l.len() >= n));
    ARCH.dispatch(Op {
        z,
        a,
        n,
        k,
        lse,
        exact,
    });
}

/// e^x: libm's if `EXACT`, else the polynomial's.
#[inline(always)]
fn exp<T: Real, const EXACT: bool>(x: T) -> T {
    if EXACT {
        T::from_f64(x.to_f64().exp())
    } else {
        x.exp_fast()
    }
}

/// Points at a time in [`softmax`].
const SOFTMAX_ROWS: usize = 8;

/// The body of [`softmax`].
#[inline(always)]
fn softmax_rows<T: Real, const EXACT: bool>(
    z: &[T],
    a: &mut [T],
    n: usize,
    k: usize,
    mut lse: Option<&mut [T]>,
) {
    const R: usize = SOFTMAX_ROWS;
    let full = n - n % R;
    for r0 in (0..full).step_by(R) {
        let mut m = [T::NEG_INFINITY; R];
        for o in 0..k {
            for (m, &v) in m.iter_mut().zip(&z[o * n + r0..o * n + r0 + R]) {
                *m = m.max(v);
            }
        }
        let mut sum = [T::ZERO; R];
        for o in 0..k {
            // Fixed-size arrays: the polynomial e^x runs in vector registers.
            let zo: &[T; R] = z[o * n + r0..o * n + r0 + R].try_into().expect("R");
            let e: [T; R] = std::array::from_fn(|j| exp::<T, EXACT>(zo[j] - m[j]));
            for (s, e) in sum.iter_mut().zip(&e) {
                *s += *e;
            }
            a[o * n + r0..o * n + r0 + R].copy_from_slice(&e);
        }
        for o in 0..k {
            for (p, &s) in a[o * n + r0..o * n + r0 + R].iter_mut().zip(&sum) {
                *p /= s;
            }
        }
        if let Some(lse) = lse.as_deref_mut() {
            for ((l, &m), &s) in lse[r0..r0 + R].iter_mut().zip(&m).zip(&sum) {
                *l = m + T::from_f64(s.to_f64().ln());
            }
        }
    }
    for r in full..n {
        let mut m = T::NEG_INFINITY;
        for o in 0..k {
            m = m.max(z[o * n + r]);
        }
        let mut sum = T::ZERO;
        for o in 0..k {
            let e = exp::<T, EXACT>(z[o * n + r] - m);
            a[o * n + r] = e;
            sum += e;
        }
        for o in 0..k {
            a[o * n + r] /= sum;
        }
        if let Some(lse) = lse.as_deref_mut() {
            lse[r] = m + T::from_f64(sum.to_f64().ln());
        }
    }
}

/// out_o = Σ_r v_o[r] (v: out.len() × n, unit-major), each summed in order
/// of r from −0.0 as `Iterator::sum` does; eight units side by side, so
/// the additions of one do not wait for each other's.
pub(crate) fn row_sums<T: Real>(v: &[T], n: usize, out: &mut [T]) {
    const UNITS: usize = 8;
    for (o0, chunk) in (0..).step_by(UNITS).zip(out.chunks_mut(UNITS)) {
        let mut s = [T::from_f64(-0.0); UNITS];
        for r in 0..n {
            for (j, s) in s.iter_mut().enumerate().take(chunk.len()) {
                *s += v[(o0 + j) * n + r];
            }
        }
        chunk.copy_from_slice(&s[..chunk.len()]);
    }
}

/// Runs `f` with the processor's widest vector instructions enabled for
/// what it inlines (the optimizer's update loop).
pub(crate) fn vectorized<R>(f: impl FnOnce() -> R) -> R {
    struct Op<F>(F);
    impl<R, F: FnOnce() -> R> WithSimd for Op<F> {
        type Output = R;
        #[inline(always)]
        fn with_simd<S: Simd>(self, _: S) -> R {
            (self.0)()
        }
    }
    ARCH.dispatch(Op(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noise(n: usize, seed: u64) -> Vec<f64> {
        let mut rng = fastrand::Rng::with_seed(seed);
        (0..n).map(|_| 2.0 * rng.f64() - 1.0).collect()
    }

    /// Every size around the blocks (points, outputs and inputs not
    /// multiples of 8 or 4) gives, to the bit, the plain loops' sums, for
    /// W x, Wᵀ δ and δ xᵀ.
    #[test]
    fn blocked_products_equal_the_plain_loops_to_the_bit() {
        for n in [1, 3, 4, 7, 8, 9, 16, 29, 64] {
            for outs in [1, 2, 3, 4, 5, 9] {
                for ins in [1, 2, 3, 5, 64] {
                    let w = noise(outs * ins, 1); // column-major outs × ins
                    let x = noise(ins * n, 2);
                    let d = noise(outs * n, 3);
                    // Forward: W x, and backward: Wᵀ δ.
                    let fwd = Coef {
                        data: &w,
                        rows: outs,
                        cols: ins,
                        row_stride: 1,
                        col_stride: outs,
                    };
                    let mut z = vec![f64::NAN; outs * n];
                    combine(fwd, &x, n, &mut z);
                    for o in 0..outs {
                        for r in 0..n {
                            let mut s = 0.0;
                            for i in 0..ins {
                                s += x[i * n + r] * w[i * outs + o];
                            }
                            assert_eq!(z[o * n + r].to_bits(), s.to_bits(), "{n} {outs} {ins}");
                        }
                    }
                    let back = Coef {
                        data: &w,
                        rows: ins,
                        cols: outs,
                        row_stride: outs,
                        col_stride: 1,
                    };
                    let mut p = vec![f64::NAN; ins * n];
                    combine(back, &d, n, &mut p);
                    for i in 0..ins {
                        for r in 0..n {
                            let mut s = 0.0;
                            for o in 0..outs {
                                s += w[i * outs + o] * d[o * n + r];
                            }
                            assert_eq!(p[i * n + r].to_bits(), s.to_bits(), "{n} {outs} {ins}");
                        }
                    }
                    // The gradient: δ xᵀ, the points summed (x point by point).
                    let by_point: Vec<f64> =
                        (0..n * ins).map(|j| x[(j % ins) * n + j / ins]).collect();
                    let deltas = Coef {
                        data: &d,
                        rows: outs,
                        cols: n,
                        row_stride: n,
                        col_stride: 1,
                    };
                    let mut g = vec![f64::NAN; outs * ins];
                    combine(deltas, &by_point, ins, &mut g);
                    for o in 0..outs {
                        for i in 0..ins {
                            let mut s = 0.0;
                            for r in 0..n {
                                s += x[i * n + r] * d[o * n + r];
                            }
                            assert_eq!(g[o * ins + i].to_bits(), s.to_bits(), "{n} {outs} {ins}");
                        }
                    }
                }
            }
        }
    }

    /// The vectorized activations and derivatives give what the scalar
    /// `Activation::apply` and `derivative` give, to the bit.
    #[test]
    fn vectorized_activations_equal_the_scalar_ones() {
        let z: Vec<f64> = noise(1001, 4).iter().map(|v| 30.0 * v).collect();
        for act in super::super::HIDDEN_ACTIVATIONS {
            let mut a = vec![0.0; z.len()];
            activate(act, &z, &mut a);
            let mut d = vec![1.5; z.len()];
            times_derivative(act, &mut d, &z, &a);
            for ((&z, &a), &d) in z.iter().zip(&a).zip(&d) {
                assert_eq!(a.to_bits(), act.apply(z).to_bits(), "{act} {z}");
                assert_eq!(
                    d.to_bits(),
                    (1.5 * act.derivative(z, a)).to_bits(),
                    "{act} {z}"
                );
            }
        }
    }
    /// The batched softmax gives, to the bit, each point's plain softmax
    /// and log Σ e^z (the loss's), for batch sizes around the block; the
    /// training's, by the polynomial e^x, within 1e-15 of them.
    #[test]
    fn batched_softmax_equals_the_plain_one_to_the_bit() {
        for n in [1, 7, 8, 9, 23] {
            let k = 10;
            let z: Vec<f64> = noise(n * k, 5).iter().map(|v| 40.0 * v).collect();
            let mut a = vec![f64::NAN; n * k];
            let mut lse = vec![f64::NAN; n];
            softmax(&z, &mut a, n, k, Some(&mut lse), true);
            let mut fast = vec![f64::NAN; n * k];
            let mut fast_lse = vec![f64::NAN; n];
            softmax(&z, &mut fast, n, k, Some(&mut fast_lse), false);
            for (f, e) in fast.iter().zip(&a).chain(fast_lse.iter().zip(&lse)) {
                assert!((f - e).abs() <= 1e-15 * e.abs().max(1e-300), "{f} vs {e}");
            }
            for r in 0..n {
                let col: Vec<f64> = (0..k).map(|o| z[o * n + r]).collect();
                let m = col.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let e: Vec<f64> = col.iter().map(|v| (v - m).exp()).collect();
                let mut sum = 0.0;
                for v in &e {
                    sum += v;
                }
                for o in 0..k {
                    assert_eq!(a[o * n + r].to_bits(), (e[o] / sum).to_bits());
                }
                let direct = super::super::backprop::log_sum_exp(&z, n, k, r);
                assert_eq!(lse[r].to_bits(), direct.to_bits());
            }
        }
    }
    /// Bias gradients: each unit's sum along the batch equals the plain
    /// `Iterator::sum`, to the bit, for any number of units.
    #[test]
    fn row_sums_equal_iterator_sums_to_the_bit() {
        for (units, n) in [(1, 5), (7, 33), (8, 64), (10, 29), (17, 3), (3, 0)] {
            let v = noise(units * n, 6);
            let mut out = vec![f64::NAN; units];
            row_sums(&v, n, &mut out);
            for (o, &s) in out.iter().enumerate() {
                let want: f64 = v[o * n..(o + 1) * n].iter().sum();
                assert_eq!(s.to_bits(), want.to_bits(), "{units} units, {n} points");
            }
        }
    }
}
