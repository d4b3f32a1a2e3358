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

use nalgebra::{DMatrix, DVector};

use super::activation::Activation;
use super::kernels::{self, Coef};
use super::model::Layer;
use super::problem::Target;

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

/// The objective J (mean data loss of the rows plus the penalties) of the
/// prepared rows `x` (row-major, n × features) with targets `target`, and
/// its gradient (`x` row-major, as [`Network::prepare`](super::Network::prepare)
/// gives it). For checking the gradient from outside; training reuses
/// buffers instead.
#[must_use]
pub fn loss_and_gradient(
    layers: &[Layer],
    x: &[f64],
    target: &Target,
    l1: f64,
    l2: f64,
) -> (f64, Gradient) {
    let mut b = Backprop::new(layers, target.len());
    let t = match target {
        Target::Classes { codes, .. } => BatchTarget::Classes(codes),
        Target::Values(v) => BatchTarget::Values(v),
    };
    let j = b.run(layers, x, target.len(), t, l1, l2);
    (j, b.grad)
}

/// Buffers for the forward and backward passes of batches of up to
/// `capacity` rows.
#[derive(Debug)]
pub(crate) struct Backprop {
    /// Pre-activations per layer, capacity × units.
    z: Vec<Vec<f64>>,
    /// Activations per layer, capacity × units.
    a: Vec<Vec<f64>>,
    delta: Vec<f64>,
    delta_prev: Vec<f64>,
    /// log Σ e^z per point of a softmax output (for the loss).
    lse: Vec<f64>,
    /// The batch unit-major (features × capacity: each feature's values
    /// for the points, one after the other), for the forward pass.
    x: Vec<f64>,
    /// A hidden layer's input point by point (capacity × its inputs), and
    /// δ xᵀ row-major (units × inputs): the gradient's scratch.
    scratch: [Vec<f64>; 2],
    pub(crate) grad: Gradient,
}

impl Backprop {
    pub(crate) fn new(layers: &[Layer], capacity: usize) -> Self {
        let widest = layers.iter().map(Layer::outputs).max().unwrap_or(1);
        Self {
            z: layers
                .iter()
                .map(|l| vec![0.0; capacity * l.outputs()])
                .collect(),
            a: layers
                .iter()
                .map(|l| vec![0.0; capacity * l.outputs()])
                .collect(),
            delta: vec![0.0; capacity * widest],
            delta_prev: vec![0.0; capacity * widest],
            lse: vec![0.0; capacity],
            x: vec![0.0; capacity * layers.first().map_or(1, Layer::inputs)],
            scratch: [
                vec![0.0; capacity * layers.iter().map(Layer::inputs).max().unwrap_or(1)],
                vec![0.0; layers.iter().map(|l| l.weights.len()).max().unwrap_or(1)],
            ],
            grad: Gradient::zeros_like(layers),
        }
    }

    /// Forward and backward over the `n` points of `x_rows` (row-major:
    /// a point's features together, as the gradient of the first layer
    /// reads them; copied unit-major, see [`Layer::linear`], for the forward
    /// pass); returns J and leaves the gradient in `self.grad`.
    pub(crate) fn run(
        &mut self,
        layers: &[Layer],
        x_rows: &[f64],
        n: usize,
        target: BatchTarget<'_>,
        l1: f64,
        l2: f64,
    ) -> f64 {
        let last = layers.len() - 1;
        let f = layers[0].inputs();
        let x = &mut self.x[..f * n];
        // Unit-major, written in order (each feature's values read a
        // stride apart, from the few cache lines the batch fills).
        for (j, column) in x.chunks_exact_mut(n.max(1)).enumerate() {
            for (i, v) in column.iter_mut().enumerate() {
                *v = x_rows[i * f + j];
            }
        }
        let x = &self.x[..f * n];
        for (l, layer) in layers.iter().enumerate() {
            let (done, rest) = self.a.split_at_mut(l);
            let input = if l == 0 { x } else { &done[l - 1][..] };
            if l == last {
                let classes = matches!(target, BatchTarget::Classes(_));
                let bufs = [&mut self.z[l][..], &mut rest[0][..], &mut self.lse[..]];
                output_forward(layer, input, n, bufs, classes, false);
            } else {
                layer.forward(input, n, &mut self.z[l], &mut rest[0]);
            }
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
            let rows: &[f64] = if l == 0 {
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
            accumulate(layer, rows, delta, n, gt, &mut self.grad, l, (l1, l2));
            if l > 0 {
                // δ_{l−1} = Wᵀ δ_l (Wᵀ_io = W_oi at o + i·out), summed in
                // order of o, then ⊙ σ'(z_{l−1}).
                let wt = Coef {
                    data: layer.weights.as_slice(),
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

/// The mean data loss of the output (z, a: k × n, unit-major; `lse`: log
/// Σ e^z per point of a softmax output) and δ = ∂loss/∂z into `delta`.
fn output_delta(
    lse: &[f64],
    z: &[f64],
    a: &[f64],
    k: usize,
    n: usize,
    target: BatchTarget<'_>,
    delta: &mut [f64],
) -> f64 {
    let scale = 1.0 / n as f64;
    let mut loss = 0.0;
    match target {
        BatchTarget::Classes(codes) => {
            let codes = &codes[..n];
            for (r, &y) in codes.iter().enumerate() {
                // −log p_y = log Σ e^z − z_y.
                loss += lse[r] - z[y as usize * n + r];
            }
            // Unit by unit, along the batch.
            for o in 0..k {
                let (d, p) = (&mut delta[o * n..(o + 1) * n], &a[o * n..(o + 1) * n]);
                for ((d, &p), &y) in d.iter_mut().zip(p).zip(codes) {
                    let t = if y as usize == o { 1.0 } else { 0.0 };
                    *d = (p - t) * scale;
                }
            }
        }
        BatchTarget::Values(v) => {
            for r in 0..n {
                let e = a[r] - v[r];
                loss += 0.5 * e * e;
                delta[r] = e * scale;
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

/// The output layer's forward pass for `n` points; for a classifier also
/// log Σ e^z per point into `lse` (from the softmax's own sums). `exact`:
/// libm's e^x in the softmax, as prediction has it (else a polynomial's,
/// within 2 ulp, for training).
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
/// (δ: out × n, unit-major; `rows`: the input point by point, n × in).
/// δ inputᵀ_oi = Σ_r δ_o[r] x_i[r], summed in order of r: W x's kernel with
/// the points as the summed index and the inputs along the vector
/// registers, into `gt` row-major.
#[expect(clippy::too_many_arguments, reason = "one kernel's buffers and sizes")]
fn accumulate(
    layer: &Layer,
    rows: &[f64],
    delta: &[f64],
    n: usize,
    gt: &mut [f64],
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
    for (i, (g, w)) in gw
        .chunks_exact_mut(dout)
        .zip(layer.weights.as_slice().chunks_exact(dout))
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
            *g = l2 * w + sign + gt[o * din + i];
        }
    }
    kernels::row_sums(delta, n, grad.bias[l].as_mut_slice());
}

#[cfg(test)]
mod tests {
    use nalgebra::{DMatrix, DVector};

    use super::super::activation::{Activation, HIDDEN_ACTIVATIONS};
    use super::super::model::Layer;
    use super::super::problem::Target;
    use super::loss_and_gradient;

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
}
