//! The centred cross products of a block of rows, Σ (x_i − c_i)(x_j − c_j)
//! for every pair of columns: the inner loop of the PCA fit, register-tiled
//! and run with AVX2 and FMA where the processor has them (chosen at run
//! time through `pulp`, as the network's kernels are).
//!
//! The columns are read where they lie (a few KiB of each, which the pass
//! summing them has just brought into cache); nothing is packed or copied.
//! Entries are computed a tile of 3 × 3 at a time (narrower at the edges):
//! each step loads [`LANES`] rows of the tile's 3 + 3 columns, subtracts
//! their centres and adds the 9 products to 9 vector accumulators (13 of the
//! 16 AVX2 registers; a 3 × 4 tile needs all 16, and spilled a sum to the
//! stack, which halved the speed). Only tiles on or above the diagonal are
//! computed. On this project's machine the kernel runs at about 16–18
//! billion multiply-adds a second on one core, near the 8 per cycle the
//! core can issue.
//!
//! Every entry is summed in the same order whatever the tile or the number
//! of threads: lane l of its accumulator adds the products of rows
//! r ≡ l (mod [`LANES`]) in order, the lanes are added as
//! (l₀ + l₁) + (l₂ + l₃), then the rows past the last full step in order.

#![expect(
    clippy::inline_always,
    reason = "the kernel must inline into pulp's dispatch to get its instructions"
)]

use std::sync::LazyLock;

use nalgebra::DMatrix;
use pulp::{Simd, WithSimd};

/// Rows per step: one AVX2 register of f64.
const LANES: usize = 4;

/// Columns on each side of a full tile: a tile is at most TILE × TILE entries.
const TILE: usize = 3;

/// M2[i, j] += Σ_r (x_i[r] − centre_i)(x_j[r] − centre_j) on and above the
/// diagonal (entries of diagonal tiles below it get their sums too), x_j =
/// `columns[j]`, all m long, d = the order of `m2`.
///
/// # Panics
/// If there are not d columns and d centres, or the columns differ in length.
pub(super) fn add_centred_gram(m2: &mut DMatrix<f64>, columns: &[&[f64]], centre: &[f64]) {
    let d = m2.nrows();
    assert_eq!(d, m2.ncols(), "add_centred_gram: M2 is not square");
    assert!(
        columns.len() == d && centre.len() == d,
        "add_centred_gram: not d columns"
    );
    let m = columns.first().map_or(0, |c| c.len());
    assert!(
        columns.iter().all(|c| c.len() == m),
        "add_centred_gram: columns differ in length"
    );
    if m == 0 {
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if let Some(v3) = *V3 {
        struct Op<'a> {
            v3: pulp::x86::V3,
            m2: &'a mut DMatrix<f64>,
            columns: &'a [&'a [f64]],
            centre: &'a [f64],
        }
        impl WithSimd for Op<'_> {
            type Output = ();
            #[inline(always)]
            fn with_simd<S: Simd>(self, _: S) {
                let Self {
                    v3,
                    m2,
                    columns,
                    centre,
                } = self;
                tiles(v3, m2, columns, centre);
            }
        }
        pulp::Simd::vectorize(
            v3,
            Op {
                v3,
                m2,
                columns,
                centre,
            },
        );
        return;
    }
    tiles(Plain, m2, columns, centre);
}

/// AVX2 and FMA, if the processor has them (detected once).
#[cfg(target_arch = "x86_64")]
static V3: LazyLock<Option<pulp::x86::V3>> = LazyLock::new(pulp::x86::V3::try_new);

/// Four lanes of f64 and the operations the kernel needs: AVX2 registers
/// and fused multiply-adds (one rounding) where the processor has them,
/// plain arrays and a multiply then an add (two roundings: a software
/// fused multiply-add is many times slower) elsewhere. On one machine the
/// sums are always the same bits; between the two kinds of machine they can
/// differ in the last bits.
trait Quad: Copy {
    type V: Copy;
    fn load(self, x: &[f64; LANES]) -> Self::V;
    fn splat(self, c: f64) -> Self::V;
    fn sub(self, a: Self::V, b: Self::V) -> Self::V;
    /// a · b + c, lane by lane.
    fn mul_add(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    /// a · b + c of single numbers, rounded as [`mul_add`](Self::mul_add) rounds.
    fn mul_add_one(self, a: f64, b: f64, c: f64) -> f64;
    fn lanes(self, v: Self::V) -> [f64; LANES];
}

#[cfg(target_arch = "x86_64")]
impl Quad for pulp::x86::V3 {
    type V = pulp::f64x4;
    #[inline(always)]
    fn load(self, x: &[f64; LANES]) -> Self::V {
        pulp::cast(*x)
    }
    #[inline(always)]
    fn splat(self, c: f64) -> Self::V {
        self.splat_f64s(c)
    }
    #[inline(always)]
    fn sub(self, a: Self::V, b: Self::V) -> Self::V {
        self.sub_f64s(a, b)
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
    fn lanes(self, v: Self::V) -> [f64; LANES] {
        pulp::cast(v)
    }
}

/// [`Quad`] without vector instructions.
#[derive(Clone, Copy)]
struct Plain;

impl Quad for Plain {
    type V = [f64; LANES];
    #[inline(always)]
    fn load(self, x: &[f64; LANES]) -> Self::V {
        *x
    }
    #[inline(always)]
    fn splat(self, c: f64) -> Self::V {
        [c; LANES]
    }
    #[inline(always)]
    fn sub(self, a: Self::V, b: Self::V) -> Self::V {
        std::array::from_fn(|l| a[l] - b[l])
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
    fn lanes(self, v: Self::V) -> [f64; LANES] {
        v
    }
}

/// Every tile on and above the diagonal: 3 × 3 where the columns allow,
/// narrower at the right and bottom edges.
#[inline(always)]
fn tiles<Q: Quad>(q: Q, m2: &mut DMatrix<f64>, columns: &[&[f64]], centre: &[f64]) {
    let d = m2.nrows();
    for i in (0..d).step_by(TILE) {
        for j in (i..d).step_by(TILE) {
            // j ≥ i, so the tile is at least as tall as it is wide.
            match ((d - i).min(TILE), (d - j).min(TILE)) {
                (3, 3) => tile::<Q, 3, 3>(q, m2, columns, centre, i, j),
                (3, 2) => tile::<Q, 3, 2>(q, m2, columns, centre, i, j),
                (3, _) => tile::<Q, 3, 1>(q, m2, columns, centre, i, j),
                (2, 2) => tile::<Q, 2, 2>(q, m2, columns, centre, i, j),
                (2, _) => tile::<Q, 2, 1>(q, m2, columns, centre, i, j),
                _ => tile::<Q, 1, 1>(q, m2, columns, centre, i, j),
            }
        }
    }
}

/// M2[i + p, j + q] += Σ_r (x_{i+p}[r] − c_{i+p})(x_{j+q}[r] − c_{j+q}) for
/// p < A, q < B, in the order the module's doc gives.
#[inline(always)]
fn tile<Q: Quad, const A: usize, const B: usize>(
    simd: Q,
    m2: &mut DMatrix<f64>,
    columns: &[&[f64]],
    centre: &[f64],
    i: usize,
    j: usize,
) {
    let x: [&[f64]; A] = std::array::from_fn(|p| columns[i + p]);
    let y: [&[f64]; B] = std::array::from_fn(|q| columns[j + q]);
    let m = x[0].len();
    let steps = m / LANES;
    let xs: [&[[f64; LANES]]; A] = std::array::from_fn(|p| &x[p].as_chunks::<LANES>().0[..steps]);
    let ys: [&[[f64; LANES]]; B] = std::array::from_fn(|q| &y[q].as_chunks::<LANES>().0[..steps]);
    let cx: [Q::V; A] = std::array::from_fn(|p| simd.splat(centre[i + p]));
    let cy: [Q::V; B] = std::array::from_fn(|q| simd.splat(centre[j + q]));
    let mut acc = [[simd.splat(0.0); B]; A];
    for t in 0..steps {
        let xv: [Q::V; A] = std::array::from_fn(|p| simd.sub(simd.load(&xs[p][t]), cx[p]));
        for q in 0..B {
            let yv = simd.sub(simd.load(&ys[q][t]), cy[q]);
            for p in 0..A {
                acc[p][q] = simd.mul_add(xv[p], yv, acc[p][q]);
            }
        }
    }
    for p in 0..A {
        for q in 0..B {
            let a = simd.lanes(acc[p][q]);
            let mut s = (a[0] + a[1]) + (a[2] + a[3]);
            for r in steps * LANES..m {
                s = simd.mul_add_one(x[p][r] - centre[i + p], y[q][r] - centre[j + q], s);
            }
            m2[(i + p, j + q)] += s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every entry on and above the diagonal equals the plain centred dot
    /// product of its two columns, summed in the kernel's order, to the bit,
    /// on the vector path (fused multiply-adds) and the plain one (a multiply
    /// then an add) — for widths that leave every remainder of the 3 × 3
    /// tiles (1 to 13 columns, and 50) and heights that leave every
    /// remainder of a 4-row step.
    #[test]
    fn gram_equals_plain_dot_products_to_the_bit() {
        let mut rng = fastrand::Rng::with_seed(3);
        #[cfg(target_arch = "x86_64")]
        let vector = V3.is_some();
        #[cfg(not(target_arch = "x86_64"))]
        let vector = false;
        for d in (1..=13).chain([50]) {
            for m in [1, 2, 3, 4, 5, 7, 8, 61, 64, 515] {
                let data: Vec<Vec<f64>> = (0..d)
                    .map(|j| (0..m).map(|_| j as f64 + rng.f64() - 0.5).collect())
                    .collect();
                let columns: Vec<&[f64]> = data.iter().map(Vec::as_slice).collect();
                let centre: Vec<f64> = (0..d).map(|j| j as f64 + 0.01).collect();
                let mut dispatched = DMatrix::from_element(d, d, 0.25);
                add_centred_gram(&mut dispatched, &columns, &centre);
                let mut plain = DMatrix::from_element(d, d, 0.25);
                tiles(Plain, &mut plain, &columns, &centre);
                for i in 0..d {
                    for j in i..d {
                        let x: Vec<f64> = columns[i].iter().map(|v| v - centre[i]).collect();
                        let y: Vec<f64> = columns[j].iter().map(|v| v - centre[j]).collect();
                        let want = |fused: bool| {
                            let madd = |a: f64, b: f64, c: f64| {
                                if fused { a.mul_add(b, c) } else { a * b + c }
                            };
                            let steps = m / LANES;
                            let lane = |l: usize| {
                                (0..steps)
                                    .fold(0.0, |s, t| madd(x[t * LANES + l], y[t * LANES + l], s))
                            };
                            let mut s = (lane(0) + lane(1)) + (lane(2) + lane(3));
                            for r in steps * LANES..m {
                                s = madd(x[r], y[r], s);
                            }
                            0.25 + s
                        };
                        for (how, got, want) in [
                            ("dispatched", dispatched[(i, j)], want(vector)),
                            ("plain", plain[(i, j)], want(false)),
                        ] {
                            assert_eq!(
                                got.to_bits(),
                                want.to_bits(),
                                "d = {d}, m = {m}, {how}: entry ({i}, {j}) is {got}, expected {want}"
                            );
                        }
                    }
                }
            }
        }
    }
}
