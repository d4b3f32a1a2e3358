//! ALS's inexact solver: a few steps of conjugate gradient per row, started
//! from the row's current factors (as the `implicit` library does).

#![expect(
    clippy::inline_always,
    reason = "the solver must inline into pulp's dispatch to get its instructions"
)]

use std::sync::LazyLock;

use pulp::{Simd, WithSimd};

/// AVX2 and FMA, if the processor has them (detected once).
#[cfg(target_arch = "x86_64")]
static V3: LazyLock<Option<pulp::x86::V3>> = LazyLock::new(pulp::x86::V3::try_new);

/// Reused buffers for [`cg_row`].
#[derive(Debug, Default)]
pub(super) struct CgScratch {
    r: Vec<f64>,
    z: Vec<f64>,
    p: Vec<f64>,
    ap: Vec<f64>,
    diag: Vec<f64>,
}

/// Improves `w` (k factors, then the bias when `biases`) towards the solution
/// of one row's regularized least squares
///
/// ```text
/// (Xᵀ X + λ n I) w = Xᵀ y,   X's rows x_j = [q_j, 1],  y_j = r_j − μ − b_j
/// ```
///
/// by `steps` steps of conjugate gradient preconditioned by A's diagonal
/// (Jacobi), started from `w` itself. Each step costs two passes over the
/// row's n ratings (x_j · p, then Σ x_j (x_j · p)): O(n k), against the exact
/// solve's O(n k² + k³). Conjugate gradient lowers the row's objective
/// ‖y − X w‖² + λ n ‖w‖² at every step, so ALS's loss still never rises.
/// `rows` yields (x_j's factors, y_j). Needs λ n > 0 (A positive definite).
pub(super) fn cg_row<'a, I>(
    k: usize,
    biases: bool,
    ridge: f64,
    rows: I,
    w: &mut [f64],
    steps: usize,
    scratch: &mut CgScratch,
) where
    I: Iterator<Item = (&'a [f64], f64)> + Clone,
{
    #[cfg(target_arch = "x86_64")]
    struct Op<'s, I> {
        v3: pulp::x86::V3,
        k: usize,
        biases: bool,
        ridge: f64,
        rows: I,
        w: &'s mut [f64],
        steps: usize,
        scratch: &'s mut CgScratch,
    }
    #[cfg(target_arch = "x86_64")]
    impl<'a, I> WithSimd for Op<'_, I>
    where
        I: Iterator<Item = (&'a [f64], f64)> + Clone,
    {
        type Output = ();
        #[inline(always)]
        fn with_simd<S: Simd>(self, _: S) {
            let Self {
                v3,
                k,
                biases,
                ridge,
                rows,
                w,
                steps,
                scratch,
            } = self;
            cg_steps(v3, k, biases, ridge, &rows, w, steps, scratch);
        }
    }
    #[cfg(target_arch = "x86_64")]
    if let Some(v3) = *V3 {
        pulp::Simd::vectorize(
            v3,
            Op {
                v3,
                k,
                biases,
                ridge,
                rows,
                w,
                steps,
                scratch,
            },
        );
        return;
    }
    cg_steps(Plain, k, biases, ridge, &rows, w, steps, scratch);
}

/// [`cg_row`]'s body, inlined into the dispatch.
#[inline(always)]
#[expect(
    clippy::too_many_arguments,
    reason = "cg_row's arguments and the lanes"
)]
fn cg_steps<'a, Q: Quad>(
    lanes: Q,
    k: usize,
    biases: bool,
    ridge: f64,
    rows: &(impl Iterator<Item = (&'a [f64], f64)> + Clone),
    w: &mut [f64],
    steps: usize,
    scratch: &mut CgScratch,
) {
    let d = k + usize::from(biases);
    let CgScratch { r, z, p, ap, diag } = scratch;
    for v in [&mut *r, &mut *z, &mut *p, &mut *ap, &mut *diag] {
        v.clear();
        v.resize(d, 0.0);
    }
    let dot = |a: &[f64], b: &[f64]| dot(lanes, a, b);
    // r = Xᵀ (y − X w) − λ n w, and A's diagonal Σ_j x_jf² + λ n.
    pass(
        lanes,
        k,
        biases,
        rows.clone(),
        (r, true, 1.0, w),
        Some(diag),
    );
    for ((rf, g), &wf) in r.iter_mut().zip(diag.iter_mut()).zip(w.iter()) {
        *rf -= ridge * wf;
        *g += ridge;
    }
    for ((zf, &rf), &g) in z.iter_mut().zip(r.iter()).zip(diag.iter()) {
        *zf = rf / g;
    }
    p.copy_from_slice(z);
    let mut rz = dot(r, z);
    for _ in 0..steps {
        if rz <= 0.0 || !rz.is_finite() {
            break;
        }
        // A p = Xᵀ (X p) + λ n p.
        for (a, &pf) in ap.iter_mut().zip(p.iter()) {
            *a = ridge * pf;
        }
        pass(lanes, k, biases, rows.clone(), (ap, false, -1.0, p), None);
        let pap = dot(p, ap);
        if pap <= 0.0 || !pap.is_finite() {
            break;
        }
        let alpha = rz / pap;
        for (wf, &pf) in w.iter_mut().zip(p.iter()) {
            *wf += alpha * pf;
        }
        for (rf, &a) in r.iter_mut().zip(ap.iter()) {
            *rf -= alpha * a;
        }
        for ((zf, &rf), &g) in z.iter_mut().zip(r.iter()).zip(diag.iter()) {
            *zf = rf / g;
        }
        let rz_next = dot(r, z);
        let beta = rz_next / rz;
        for (pf, &zf) in p.iter_mut().zip(z.iter()) {
            *pf = zf + beta * *pf;
        }
        rz = rz_next;
    }
}

/// Σ a_f b_f with four running sums of four lanes, so that the additions of
/// one sum do not wait on each other: chunk c of four entries goes to sum
/// c mod 4. The sums are added as (0 + 1) + (2 + 3), then the lanes as
/// (0 + 1) + (2 + 3), then the last k mod 4 products in order.
#[inline(always)]
fn dot<Q: Quad>(q: Q, a: &[f64], b: &[f64]) -> f64 {
    let (a4, a_rest) = a.as_chunks::<4>();
    let (b4, b_rest) = b.as_chunks::<4>();
    let zero = q.splat(0.0);
    let mut acc = [zero; 4];
    let mut chunks = a4.chunks_exact(4).zip(b4.chunks_exact(4));
    for (x, y) in chunks.by_ref() {
        for f in 0..4 {
            acc[f] = q.mul_add(q.load(&x[f]), q.load(&y[f]), acc[f]);
        }
    }
    let full = a4.len() - a4.len() % 4;
    for (f, (x, y)) in a4[full..].iter().zip(&b4[full..]).enumerate() {
        acc[f] = q.mul_add(q.load(x), q.load(y), acc[f]);
    }
    let l = q.lanes(q.add(q.add(acc[0], acc[1]), q.add(acc[2], acc[3])));
    let mut s = (l[0] + l[1]) + (l[2] + l[3]);
    for (x, y) in a_rest.iter().zip(b_rest) {
        s = q.mul_add_one(*x, *y, s);
    }
    s
}

/// out += Σ_j (c_j − s x_j · v) x_j over the ratings (c_j = y_j when
/// `with_y`, else 0), two ratings at a time, and diag += x_j² (entry-wise)
/// when `diag` is given.
#[inline(always)]
fn pass<'a, Q: Quad>(
    lanes: Q,
    k: usize,
    biases: bool,
    rows: impl Iterator<Item = (&'a [f64], f64)>,
    (out, with_y, s, v): (&mut [f64], bool, f64, &[f64]),
    mut diag: Option<&mut [f64]>,
) {
    let mut it = rows;
    while let Some((q1, y1)) = it.next() {
        let y1 = if with_y { y1 } else { 0.0 };
        if let Some((q2, y2)) = it.next() {
            let y2 = if with_y { y2 } else { 0.0 };
            let (d1, d2) = xdot2(lanes, k, biases, q1, q2, v);
            axpy2(lanes, k, biases, out, (y1 - s * d1, q1), (y2 - s * d2, q2));
            if let Some(g) = diag.as_deref_mut() {
                add_squares(k, biases, g, q1);
                add_squares(k, biases, g, q2);
            }
        } else {
            let d1 = xdot(lanes, k, biases, q1, v);
            axpy(lanes, k, biases, out, y1 - s * d1, q1);
            if let Some(g) = diag.as_deref_mut() {
                add_squares(k, biases, g, q1);
            }
        }
    }
}

/// (x₁ · v, x₂ · v), v read once for both: as [`xdot`] computes each.
#[inline(always)]
fn xdot2<Q: Quad>(
    lanes: Q,
    k: usize,
    biases: bool,
    q1: &[f64],
    q2: &[f64],
    v: &[f64],
) -> (f64, f64) {
    let (s1, s2) = dot2(lanes, q1, q2, &v[..k]);
    if biases {
        (s1 + v[k], s2 + v[k])
    } else {
        (s1, s2)
    }
}

/// (a₁ · b, a₂ · b), each summed as [`dot`] sums it.
#[inline(always)]
fn dot2<Q: Quad>(q: Q, a1: &[f64], a2: &[f64], b: &[f64]) -> (f64, f64) {
    let (x4, x_rest) = a1.as_chunks::<4>();
    let (y4, y_rest) = a2.as_chunks::<4>();
    let (b4, b_rest) = b.as_chunks::<4>();
    let zero = q.splat(0.0);
    let (mut acc1, mut acc2) = ([zero; 4], [zero; 4]);
    let full = b4.len() - b4.len() % 4;
    for c in (0..full).step_by(4) {
        for f in 0..4 {
            let v = q.load(&b4[c + f]);
            acc1[f] = q.mul_add(q.load(&x4[c + f]), v, acc1[f]);
            acc2[f] = q.mul_add(q.load(&y4[c + f]), v, acc2[f]);
        }
    }
    for (f, c) in (full..b4.len()).enumerate() {
        let v = q.load(&b4[c]);
        acc1[f] = q.mul_add(q.load(&x4[c]), v, acc1[f]);
        acc2[f] = q.mul_add(q.load(&y4[c]), v, acc2[f]);
    }
    let finish = |acc: [Q::V; 4], rest: &[f64]| {
        let l = q.lanes(q.add(q.add(acc[0], acc[1]), q.add(acc[2], acc[3])));
        let mut s = (l[0] + l[1]) + (l[2] + l[3]);
        for (x, y) in rest.iter().zip(b_rest) {
            s = q.mul_add_one(*x, *y, s);
        }
        s
    };
    (finish(acc1, x_rest), finish(acc2, y_rest))
}

/// out += a₁ x₁ + a₂ x₂, x = [q, 1], as (out + a₁ x₁) + a₂ x₂ with each
/// product fused.
#[inline(always)]
fn axpy2<Q: Quad>(
    lanes: Q,
    k: usize,
    biases: bool,
    out: &mut [f64],
    (a1, q1): (f64, &[f64]),
    (a2, q2): (f64, &[f64]),
) {
    let (o4, o_rest) = out[..k].as_chunks_mut::<4>();
    let (x4, x_rest) = q1.as_chunks::<4>();
    let (y4, y_rest) = q2.as_chunks::<4>();
    let (s1, s2) = (lanes.splat(a1), lanes.splat(a2));
    for ((o, x), y) in o4.iter_mut().zip(x4).zip(y4) {
        let t = lanes.mul_add(s1, lanes.load(x), lanes.load(o));
        *o = lanes.lanes(lanes.mul_add(s2, lanes.load(y), t));
    }
    for ((o, &x), &y) in o_rest.iter_mut().zip(x_rest).zip(y_rest) {
        *o = lanes.mul_add_one(a2, y, lanes.mul_add_one(a1, x, *o));
    }
    if biases {
        out[k] += a1;
        out[k] += a2;
    }
}

/// g += x², entry-wise, x = [q, 1].
#[inline(always)]
fn add_squares(k: usize, biases: bool, g: &mut [f64], q: &[f64]) {
    for (g, &x) in g[..k].iter_mut().zip(q) {
        *g += x * x;
    }
    if biases {
        g[k] += 1.0;
    }
}

/// x · v for a d-vector v, x = [q, 1]: q · v[..k] (+ v[k] when `biases`).
#[inline(always)]
fn xdot<Q: Quad>(lanes: Q, k: usize, biases: bool, q: &[f64], v: &[f64]) -> f64 {
    let s = dot(lanes, q, &v[..k]);
    if biases { s + v[k] } else { s }
}

/// out += a x, x = [q, 1].
#[inline(always)]
fn axpy<Q: Quad>(lanes: Q, k: usize, biases: bool, out: &mut [f64], a: f64, q: &[f64]) {
    let (o4, o_rest) = out[..k].as_chunks_mut::<4>();
    let (q4, q_rest) = q.as_chunks::<4>();
    let a4 = lanes.splat(a);
    for (o, x) in o4.iter_mut().zip(q4) {
        *o = lanes.lanes(lanes.mul_add(a4, lanes.load(x), lanes.load(o)));
    }
    for (o, &x) in o_rest.iter_mut().zip(q_rest) {
        *o = lanes.mul_add_one(a, x, *o);
    }
    if biases {
        out[k] += a;
    }
}

/// Four lanes of f64: AVX2 registers and fused multiply-adds (one rounding)
/// where the processor has them, plain arrays and a multiply then an add
/// elsewhere (as the PCA kernel does). On one machine the results are always
/// the same bits; between the two kinds of machine they can differ in the
/// last bits.
trait Quad: Copy {
    type V: Copy;
    fn load(self, x: &[f64; 4]) -> Self::V;
    fn splat(self, c: f64) -> Self::V;
    fn add(self, a: Self::V, b: Self::V) -> Self::V;
    /// a · b + c, lane by lane.
    fn mul_add(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    /// a · b + c of single numbers, rounded as [`mul_add`](Self::mul_add) rounds.
    fn mul_add_one(self, a: f64, b: f64, c: f64) -> f64;
    fn lanes(self, v: Self::V) -> [f64; 4];
}

#[cfg(target_arch = "x86_64")]
impl Quad for pulp::x86::V3 {
    type V = pulp::f64x4;
    #[inline(always)]
    fn load(self, x: &[f64; 4]) -> Self::V {
        pulp::cast(*x)
    }
    #[inline(always)]
    fn splat(self, c: f64) -> Self::V {
        self.splat_f64s(c)
    }
    #[inline(always)]
    fn add(self, a: Self::V, b: Self::V) -> Self::V {
        self.add_f64s(a, b)
    }
    #[inline(always)]
    fn mul_add(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V {
        self.mul_add_f64s(a, b, c)
    }
    #[inline(always)]
    fn mul_add_one(self, a: f64, b: f64, c: f64) -> f64 {
        // Compiled with FMA enabled: one instruction.
        a.mul_add(b, c)
    }
    #[inline(always)]
    fn lanes(self, v: Self::V) -> [f64; 4] {
        pulp::cast(v)
    }
}

/// [`Quad`] without vector instructions.
#[derive(Clone, Copy)]
struct Plain;

impl Quad for Plain {
    type V = [f64; 4];
    #[inline(always)]
    fn load(self, x: &[f64; 4]) -> Self::V {
        *x
    }
    #[inline(always)]
    fn splat(self, c: f64) -> Self::V {
        [c; 4]
    }
    #[inline(always)]
    fn add(self, a: Self::V, b: Self::V) -> Self::V {
        std::array::from_fn(|l| a[l] + b[l])
    }
    #[inline(always)]
    fn mul_add(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V {
        std::array::from_fn(|l| a[l] * b[l] + c[l])
    }
    #[inline(always)]
    fn mul_add_one(self, a: f64, b: f64, c: f64) -> f64 {
        a * b + c
    }
    #[inline(always)]
    fn lanes(self, v: Self::V) -> [f64; 4] {
        v
    }
}
