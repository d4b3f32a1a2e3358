//! The loss of a batch and its gradient by backpropagation, with the
//! buffers reused from batch to batch (no allocation per sample or per batch).
//!
//! With δ_L = ∂J/∂z_L at the output (softmax and cross-entropy: (p − onehot(y)) / B;
//! identity and ½ squared error: (ŷ − y) / B), each layer, output side first:
//!
//! ```text
//! ∂J/∂W_l = δ_lᵀ a_{l−1} + λ₂ W_l + λ₁ sign(W_l)     ∂J/∂b_l = Σ_rows δ_l
//! δ_{l−1} = (δ_l W_l) ⊙ σ'_{l−1}(z_{l−1})
//! ```
//!
//! The passes run in f64 ([`loss_and_gradient`]) or in f32 (training: the
//! trainer keeps f64 weights and an f32 copy of them, [`Narrow`], refreshed
//! after every step); the gradient handed to the optimizer, and the
//! penalties, are f64 either way.

use nalgebra::{DMatrix, DVector};

use super::activation::Activation;
use super::kernels::{self, Coef};
use super::model::Layer;
use super::problem::Target;
use super::real::Real;

/// ∂J/∂W and ∂J/∂b for every layer, shaped like the layers.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradient {
    pub weights: Vec<DMatrix<f64>>,
    pub bias: Vec<DVector<f64>>,
}

impl Gradient {
    pub(crate) fn zeros_like(layers: &[Layer]) -> Self {
        Self {
            weights: layers
                .iter()
                .map(|l| DMatrix::zeros(l.outputs(), l.inputs()))
                .collect(),
            bias: layers.iter().map(|l| DVector::zeros(l.outputs())).collect(),
        }
    }
}

/// A batch's targets.
#[derive(Clone, Copy, Debug)]
pub(crate) enum BatchTarget<'a> {
    Classes(&'a [u32]),
    Values(&'a [f64]),
}

/// Each layer's W (column-major: W_oi at o + i·out, as nalgebra stores it)
/// and b, in the type the passes run in.
pub(crate) trait Params<T> {
    fn weights(&self, l: usize) -> &[T];
    fn bias(&self, l: usize) -> &[T];
}

impl Params<f64> for [Layer] {
    fn weights(&self, l: usize) -> &[f64] {
        self[l].weights.as_slice()
    }
    fn bias(&self, l: usize) -> &[f64] {
        self[l].bias.as_slice()
    }
}

/// An f32 copy of the layers' weights and biases, for training's passes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Narrow {
    weights: Vec<Vec<f32>>,
    bias: Vec<Vec<f32>>,
}

impl Narrow {
    pub(crate) fn new(layers: &[Layer]) -> Self {
        let mut n = Self {
            weights: layers.iter().map(|l| vec![0.0; l.weights.len()]).collect(),
            bias: layers.iter().map(|l| vec![0.0; l.bias.len()]).collect(),
        };
        n.refresh(layers);
        n
    }

    /// Every number rounded from `layers` (the same shapes as at `new`).
    pub(crate) fn refresh(&mut self, layers: &[Layer]) {
        kernels::vectorized(
            #[inline(always)]
            || {
                for ((w, b), l) in self.weights.iter_mut().zip(&mut self.bias).zip(layers) {
                    for (w, &v) in w.iter_mut().zip(l.weights.as_slice()) {
                        *w = v as f32;
                    }
                    for (b, &v) in b.iter_mut().zip(l.bias.as_slice()) {
                        *b = v as f32;
                    }
                }
            },
        );
    }
}

impl Params<f32> for Narrow {
    fn weights(&self, l: usize) -> &[f32] {
        &self.weights[l]
    }
    fn bias(&self, l: usize) -> &[f32] {
        &self.bias[l]
    }
}

/// The objective J (mean data loss of the rows plus the penalties) of the
/// prepared rows `x` (row-major, n × features) with targets `target`, and
/// its gradient (`x` row-major, as [`Network::prepare`](super::Network::prepare)
/// gives it), in f64. For checking the gradient from outside; training
/// reuses buffers, and runs in f32, instead.
#[must_use]
pub fn loss_and_gradient(
    layers: &[Layer],
    x: &[f64],
    target: &Target,
    l1: f64,
    l2: f64,
) -> (f64, Gradient) {
    let mut b = Backprop::<f64>::new(layers, target.len());
    let j = b.run(
        layers,
        layers,
        (x, None),
        target.len(),
        batch_target(target),
        l1,
        l2,
    );
    (j, b.grad)
}

/// [`loss_and_gradient`] with the passes in f32, as training runs them
/// (`x` rounded to f32; the weights rounded too).
#[cfg(test)]
pub(crate) fn loss_and_gradient_f32(
    layers: &[Layer],
    x: &[f64],
    target: &Target,
    l1: f64,
    l2: f64,
) -> (f64, Gradient) {
    let mut b = Backprop::<f32>::new(layers, target.len());
    let x: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    let narrow = Narrow::new(layers);
    let j = b.run(
        layers,
        &narrow,
        (&x, None),
        target.len(),
        batch_target(target),
        l1,
        l2,
    );
    (j, b.grad)
}

fn batch_target(target: &Target) -> BatchTarget<'_> {
    match target {
        Target::Classes { codes, .. } => BatchTarget::Classes(codes),
        Target::Values(v) => BatchTarget::Values(v),
    }
}

/// Buffers for the forward and backward passes of batches of up to
/// `capacity` rows, in `T`.
#[derive(Debug)]
pub(crate) struct Backprop<T> {
    /// Pre-activations per layer, capacity × units.
    z: Vec<Vec<T>>,
    /// Activations per layer, capacity × units.
    a: Vec<Vec<T>>,
    delta: Vec<T>,
    delta_prev: Vec<T>,
    /// log Σ e^z per point of a softmax output (for the loss).
    lse: Vec<T>,
    /// The batch unit-major (features × capacity: each feature's values
    /// for the points, one after the other), for the forward pass.
    x: Vec<T>,
    /// A hidden layer's input point by point (capacity × its inputs), and
    /// δ xᵀ row-major (units × inputs): the gradient's scratch.
    scratch: [Vec<T>; 2],
    /// A layer's bias gradient in `T`.
    bias_sums: Vec<T>,
    pub(crate) grad: Gradient,
}

impl<T: Real> Backprop<T> {
    pub(crate) fn new(layers: &[Layer], capacity: usize) -> Self {
        let widest = layers.iter().map(Layer::outputs).max().unwrap_or(1);
        let zeros = |n: usize| vec![T::ZERO; n];
        Self {
            z: layers
                .iter()
                .map(|l| zeros(capacity * l.outputs()))
                .collect(),
            a: layers
                .iter()
                .map(|l| zeros(capacity * l.outputs()))
                .collect(),
            delta: zeros(capacity * widest),
            delta_prev: zeros(capacity * widest),
            lse: zeros(capacity),
            x: zeros(capacity * layers.first().map_or(1, Layer::inputs)),
            scratch: [
                zeros(capacity * layers.iter().map(Layer::inputs).max().unwrap_or(1)),
                zeros(layers.iter().map(|l| l.weights.len()).max().unwrap_or(1)),
            ],
            bias_sums: zeros(widest),
            grad: Gradient::zeros_like(layers),
        }
    }

    /// Forward and backward over the `n` points of `x_rows` (row-major:
    /// a point's features together, as the gradient of the first layer
    /// reads them; copied unit-major, see [`Layer::linear`], for the forward
    /// pass, unless `x_units` gives them so already) with the numbers of `params` (`layers` gives the shapes, the
    /// activations and the f64 weights of the penalties); returns J and
    /// leaves the gradient in `self.grad`.
    #[expect(clippy::too_many_arguments, reason = "a batch and its settings")]
    pub(crate) fn run<P: Params<T> + ?Sized>(
        &mut self,
        layers: &[Layer],
        params: &P,
        (x_rows, x_units): (&[T], Option<&[T]>),
        n: usize,
        target: BatchTarget<'_>,
        l1: f64,
        l2: f64,
    ) -> f64 {
        let last = layers.len() - 1;
        let f = layers[0].inputs();
        let x = if let Some(units) = x_units {
            &units[..f * n]
        } else {
            let x = &mut self.x[..f * n];
            // Unit-major, written in order (each feature's values read a
            // stride apart, from the few cache lines the batch fills).
            for (j, column) in x.chunks_exact_mut(n.max(1)).enumerate() {
                for (i, v) in column.iter_mut().enumerate() {
                    *v = x_rows[i * f + j];
                }
            }
            &self.x[..f * n]
        };
        for (l, layer) in layers.iter().enumerate() {
            let (done, rest) = self.a.split_at_mut(l);
            let input = if l == 0 { x } else { &done[l - 1][..] };
            let (w, b) = (params.weights(l), params.bias(l));
            let classes = l == last && matches!(target, BatchTarget::Classes(_));
            let lse = classes.then_some(&mut self.lse[..]);
            forward(layer, w, b, input, n, &mut self.z[l], &mut rest[0], lse);
        }
        let k = layers[last].outputs();
        let loss = output_delta(
            &self.lse,
            &self.z[last],
            &self.a[last],
            k,
            n,
            target,
            &mut self.delta,
        );
        for l in (0..layers.len()).rev() {
            let layer = &layers[l];
            let (din, dout) = (layer.inputs(), layer.outputs());
            let delta = &self.delta[..n * dout];
            let [rows, gt] = &mut self.scratch;
            // The layer's input point by point: the batch as given, or the
            // activations below copied so.
            let rows: &[T] = if l == 0 {
                &x_rows[..n * din]
            } else {
                let below = &self.a[l - 1];
                let rows = &mut rows[..n * din];
                for (r, row) in rows.chunks_exact_mut(din.max(1)).enumerate() {
                    for (i, v) in row.iter_mut().enumerate() {
                        *v = below[i * n + r];
                    }
                }
                rows
            };
            let sums = &mut self.bias_sums[..dout];
            accumulate(
                layer,
                rows,
                delta,
                n,
                [gt, sums],
                &mut self.grad,
                l,
                (l1, l2),
            );
            if l > 0 {
                // δ_{l−1} = Wᵀ δ_l (Wᵀ_io = W_oi at o + i·out), summed in
                // order of o, then ⊙ σ'(z_{l−1}).
                let wt = Coef {
                    data: params.weights(l),
                    rows: din,
                    cols: dout,
                    row_stride: dout,
                    col_stride: 1,
                };
                let prev = &mut self.delta_prev[..n * din];
                kernels::combine(wt, delta, n, prev);
                let below = layers[l - 1].activation;
                kernels::times_derivative(
                    below,
                    prev,
                    &self.z[l - 1][..n * din],
                    &self.a[l - 1][..n * din],
                );
                std::mem::swap(&mut self.delta, &mut self.delta_prev);
            }
        }
        loss + penalty(layers, l1, l2)
    }
}

/// A layer's forward pass in training for `n` points (unit-major):
/// z = W x + b, a = σ(z) with W and b from `w` and `b`; with `lse` (a
/// classifier's output), also log Σ e^z per point. A softmax's e^x is the
/// polynomial's ([`Real::exp_fast`]); otherwise the same steps as [`Layer::forward`].
#[expect(
    clippy::too_many_arguments,
    reason = "a layer's numbers and its buffers"
)]
fn forward<T: Real>(
    layer: &Layer,
    w: &[T],
    b: &[T],
    x: &[T],
    n: usize,
    z: &mut [T],
    a: &mut [T],
    lse: Option<&mut [T]>,
) {
    let (din, dout) = (layer.inputs(), layer.outputs());
    let coef = Coef {
        data: w,
        rows: dout,
        cols: din,
        row_stride: 1,
        col_stride: dout,
    };
    kernels::combine(coef, x, n, z);
    if layer.activation == Activation::Softmax {
        for (zo, &b) in z[..n * dout].chunks_exact_mut(n.max(1)).zip(b) {
            for v in zo {
                *v += b;
            }
        }
        kernels::softmax(z, a, n, dout, lse, false);
    } else {
        kernels::bias_activate(layer.activation, b, z, a, n);
        if let Some(lse) = lse {
            for (r, l) in lse[..n].iter_mut().enumerate() {
                let z: Vec<f64> = (0..dout).map(|o| z[o * n + r].to_f64()).collect();
                *l = T::from_f64(log_sum_exp(&z, 1, dout, 0));
            }
        }
    }
}

/// The mean data loss of the output (z, a: k × n, unit-major; `lse`: log
/// Σ e^z per point of a softmax output) and δ = ∂loss/∂z into `delta`.
/// The loss sums in f64.
fn output_delta<T: Real>(
    lse: &[T],
    z: &[T],
    a: &[T],
    k: usize,
    n: usize,
    target: BatchTarget<'_>,
    delta: &mut [T],
) -> f64 {
    let scale = 1.0 / n as f64;
    let mut loss = 0.0;
    match target {
        BatchTarget::Classes(codes) => {
            let codes = &codes[..n];
            for (r, &y) in codes.iter().enumerate() {
                // −log p_y = log Σ e^z − z_y.
                loss += (lse[r] - z[y as usize * n + r]).to_f64();
            }
            // Unit by unit, along the batch.
            let scale = T::from_f64(scale);
            for o in 0..k {
                let (d, p) = (&mut delta[o * n..(o + 1) * n], &a[o * n..(o + 1) * n]);
                for ((d, &p), &y) in d.iter_mut().zip(p).zip(codes) {
                    let t = if y as usize == o { T::ONE } else { T::ZERO };
                    *d = (p - t) * scale;
                }
            }
        }
        BatchTarget::Values(v) => {
            for r in 0..n {
                let e = a[r].to_f64() - v[r];
                loss += 0.5 * e * e;
                delta[r] = T::from_f64(e * scale);
            }
        }
    }
    loss * scale
}

/// log Σ_o e^{z_o} = m + log Σ e^{z_o − m} (m = max z) for point r of
/// unit-major `z` (k units, stride n), summed in order of o: what the
/// softmax computes on the way.
pub(crate) fn log_sum_exp(z: &[f64], n: usize, k: usize, r: usize) -> f64 {
    let mut m = f64::NEG_INFINITY;
    for o in 0..k {
        m = m.max(z[o * n + r]);
    }
    let mut s = 0.0;
    for o in 0..k {
        s += (z[o * n + r] - m).exp();
    }
    m + s.ln()
}

/// The output layer's forward pass for `n` points as the statistics and
/// prediction run it (f64, libm's e^x in the softmax when `exact`); for a
/// classifier also log Σ e^z per point into `lse` (from the softmax's own sums).
pub(crate) fn output_forward(
    layer: &Layer,
    x: &[f64],
    n: usize,
    [z, a, lse]: [&mut [f64]; 3],
    classes: bool,
    exact: bool,
) {
    if layer.activation == Activation::Softmax {
        layer.forward_softmax(x, n, [z, a, lse], exact);
    } else {
        layer.forward(x, n, z, a);
        if classes {
            for (r, l) in lse[..n].iter_mut().enumerate() {
                *l = log_sum_exp(z, n, layer.outputs(), r);
            }
        }
    }
}

/// λ₁ Σ |w| + λ₂/2 Σ w² over every weight (not the biases).
#[must_use]
pub(crate) fn penalty(layers: &[Layer], l1: f64, l2: f64) -> f64 {
    if l1 == 0.0 && l2 == 0.0 {
        return 0.0;
    }
    layers
        .iter()
        .flat_map(|l| l.weights.iter())
        .map(|w| l1 * w.abs() + 0.5 * l2 * w * w)
        .sum()
}

/// ∂J/∂W = δ inputᵀ + λ₂ W + λ₁ sign W and ∂J/∂b = Σ δ for layer `l`
/// (δ: out × n, unit-major; `rows`: the input point by point, n × in;
/// W the f64 weights of `layer`). δ inputᵀ_oi = Σ_r δ_o[r] x_i[r], summed
/// in order of r: W x's kernel with the points as the summed index and the
/// inputs along the vector registers, into `gt` row-major.
#[expect(clippy::too_many_arguments, reason = "one kernel's buffers and sizes")]
fn accumulate<T: Real>(
    layer: &Layer,
    rows: &[T],
    delta: &[T],
    n: usize,
    [gt, sums]: [&mut [T]; 2],
    grad: &mut Gradient,
    l: usize,
    (l1, l2): (f64, f64),
) {
    let (din, dout) = (layer.inputs(), layer.outputs());
    let d = Coef {
        data: delta,
        rows: dout,
        cols: n,
        row_stride: n,
        col_stride: 1,
    };
    let gt = &mut gt[..dout * din];
    kernels::combine(d, rows, din, gt);
    // W and the gradient are column-major: (o, i) at o + i·out.
    let gw = grad.weights[l].as_mut_slice();
    if l1 == 0.0 && l2 == 0.0 {
        for (i, g) in gw.chunks_exact_mut(dout).enumerate() {
            for (o, g) in g.iter_mut().enumerate() {
                *g = gt[o * din + i].to_f64();
            }
        }
    } else {
        penalized(gw, layer.weights.as_slice(), gt, (dout, din), (l1, l2));
    }
    kernels::row_sums(delta, n, sums);
    for (g, s) in grad.bias[l].iter_mut().zip(sums.iter()) {
        *g = s.to_f64();
    }
}

/// g = λ₂ w + λ₁ sign w + gt (gt row-major out × in; g and w column-major).
fn penalized<T: Real>(
    gw: &mut [f64],
    w: &[f64],
    gt: &[T],
    (dout, din): (usize, usize),
    (l1, l2): (f64, f64),
) {
    for (i, (g, w)) in gw
        .chunks_exact_mut(dout)
        .zip(w.chunks_exact(dout))
        .enumerate()
    {
        for (o, (g, &w)) in g.iter_mut().zip(w).enumerate() {
            let sign = if w > 0.0 {
                l1
            } else if w < 0.0 {
                -l1
            } else {
                0.0
            };
            *g = l2 * w + sign + gt[o * din + i].to_f64();
        }
    }
}

#[cfg(test)]
mod tests {
    use nalgebra::{DMatrix, DVector};

    use super::super::activation::{Activation, HIDDEN_ACTIVATIONS};
    use super::super::model::Layer;
    use super::super::problem::Target;
    use super::{loss_and_gradient, loss_and_gradient_f32};

    fn noise(n: usize, rng: &mut fastrand::Rng) -> Vec<f64> {
        (0..n).map(|_| 2.0 * rng.f64() - 1.0).collect()
    }

    /// Layers 5 → 7 → 6 → `out` (the blocked kernels' remainders in every
    /// direction) with random weights and biases.
    fn layers(
        hidden: Activation,
        out: usize,
        last: Activation,
        rng: &mut fastrand::Rng,
    ) -> Vec<Layer> {
        [(5, 7, hidden), (7, 6, hidden), (6, out, last)]
            .into_iter()
            .map(|(i, o, activation)| Layer {
                weights: DMatrix::from_vec(o, i, noise(o * i, rng)),
                bias: DVector::from_vec(noise(o, rng)),
                activation,
            })
            .collect()
    }

    /// The batch's gradient, from the blocked kernels over all its rows at
    /// once, is the mean of the rows' own gradients (each a batch of one),
    /// penalties included, for 37 rows (not a multiple of any block).
    #[test]
    fn batched_gradient_is_the_mean_of_the_rows_gradients() {
        let mut rng = fastrand::Rng::with_seed(7);
        let n = 37;
        for hidden in HIDDEN_ACTIVATIONS {
            for classes in [true, false] {
                let (out, last) = if classes {
                    (3, Activation::Softmax)
                } else {
                    (1, Activation::Linear)
                };
                let net = layers(hidden, out, last, &mut rng);
                let x: Vec<f64> = noise(n * 5, &mut rng).iter().map(|v| 2.0 * v).collect();
                let target = if classes {
                    Target::Classes {
                        codes: (0..n).map(|_| rng.u32(0..3)).collect(),
                        names: vec!["a".into(), "b".into(), "c".into()],
                    }
                } else {
                    Target::Values(noise(n, &mut rng))
                };
                let one = |r: usize| match &target {
                    Target::Classes { codes, names } => Target::Classes {
                        codes: vec![codes[r]],
                        names: names.clone(),
                    },
                    Target::Values(v) => Target::Values(vec![v[r]]),
                };
                let (l1, l2) = (0.01, 0.02);
                let (j, batch) = loss_and_gradient(&net, &x, &target, l1, l2);
                let rows: Vec<_> = (0..n)
                    .map(|r| loss_and_gradient(&net, &x[r * 5..(r + 1) * 5], &one(r), l1, l2))
                    .collect();
                let mean_j = rows.iter().map(|(j, _)| j).sum::<f64>() / n as f64;
                assert!(
                    (j - mean_j).abs() <= 1e-12 * (1.0 + j.abs()),
                    "{hidden}: {j} vs {mean_j}"
                );
                for l in 0..net.len() {
                    let mut w = vec![0.0; batch.weights[l].len()];
                    let mut b = vec![0.0; batch.bias[l].len()];
                    for (_, g) in &rows {
                        for (s, v) in w.iter_mut().zip(g.weights[l].iter()) {
                            *s += v / n as f64;
                        }
                        for (s, v) in b.iter_mut().zip(g.bias[l].iter()) {
                            *s += v / n as f64;
                        }
                    }
                    for (got, want) in batch.weights[l]
                        .iter()
                        .zip(&w)
                        .chain(batch.bias[l].iter().zip(&b))
                    {
                        assert!(
                            (got - want).abs() <= 1e-12 * (1.0 + want.abs()),
                            "{hidden} classes={classes} layer {l}: {got} vs {want}"
                        );
                    }
                }
            }
        }
    }

    /// Training's f32 passes give the f64 gradient (itself checked against
    /// finite differences in tests/network.rs) to f32's precision: within
    /// 1e-5 (relative to the gradient's largest entry) for every
    /// activation, both losses and penalties on, and the same objective
    /// within 1e-6.
    #[test]
    fn f32_gradient_matches_the_f64_one() {
        let mut rng = fastrand::Rng::with_seed(11);
        let n = 45;
        for hidden in HIDDEN_ACTIVATIONS {
            for classes in [true, false] {
                let (out, last) = if classes {
                    (4, Activation::Softmax)
                } else {
                    (1, Activation::Linear)
                };
                let net = layers(hidden, out, last, &mut rng);
                let x: Vec<f64> = noise(n * 5, &mut rng).iter().map(|v| 2.0 * v).collect();
                let target = if classes {
                    Target::Classes {
                        codes: (0..n).map(|_| rng.u32(0..4)).collect(),
                        names: ["a", "b", "c", "d"].map(String::from).to_vec(),
                    }
                } else {
                    Target::Values(noise(n, &mut rng))
                };
                let (j64, g64) = loss_and_gradient(&net, &x, &target, 0.01, 0.02);
                let (j32, g32) = loss_and_gradient_f32(&net, &x, &target, 0.01, 0.02);
                assert!(
                    (j32 - j64).abs() <= 1e-6 * (1.0 + j64.abs()),
                    "{hidden}: {j32} vs {j64}"
                );
                let all = |g: &super::Gradient| -> Vec<f64> {
                    g.weights
                        .iter()
                        .flat_map(|w| w.iter().copied())
                        .chain(g.bias.iter().flat_map(|b| b.iter().copied()))
                        .collect()
                };
                let (a, b) = (all(&g32), all(&g64));
                let scale = b.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
                assert!(scale > 1e-3, "a gradient of zeros checks nothing");
                for (k, (got, want)) in a.iter().zip(&b).enumerate() {
                    assert!(
                        (got - want).abs() <= 1e-5 * scale,
                        "{hidden} classes={classes} parameter {k}: f32 {got} vs f64 {want}"
                    );
                }
            }
        }
    }
}
