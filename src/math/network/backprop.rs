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
    let n = target.len();
    let f = layers.first().map_or(1, Layer::inputs);
    let xt = super::model::transpose(x, n, f);
    let j = b.run(layers, &xt, n, t, l1, l2);
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
            grad: Gradient::zeros_like(layers),
        }
    }

    /// Forward and backward over `n` points of `x` (unit-major, see
    /// [`Layer::linear`]); returns J and leaves the gradient in `self.grad`.
    pub(crate) fn run(
        &mut self,
        layers: &[Layer],
        x: &[f64],
        n: usize,
        target: BatchTarget<'_>,
        l1: f64,
        l2: f64,
    ) -> f64 {
        for (l, layer) in layers.iter().enumerate() {
            let (done, rest) = self.a.split_at_mut(l);
            let input = if l == 0 { x } else { &done[l - 1][..] };
            layer.forward(input, n, &mut self.z[l], &mut rest[0]);
        }
        let last = layers.len() - 1;
        let k = layers[last].outputs();
        let loss = output_delta(&self.z[last], &self.a[last], k, n, target, &mut self.delta);
        for l in (0..layers.len()).rev() {
            let layer = &layers[l];
            let (din, dout) = (layer.inputs(), layer.outputs());
            let input = if l == 0 { x } else { &self.a[l - 1][..] };
            let delta = &self.delta[..n * dout];
            accumulate(layer, input, delta, n, &mut self.grad, l, l1, l2);
            if l > 0 {
                let below = layers[l - 1].activation;
                let prev = &mut self.delta_prev[..n * din];
                for i in 0..din {
                    let dp = &mut prev[i * n..(i + 1) * n];
                    dp.fill(0.0);
                    for o in 0..dout {
                        let w = layer.weights[(o, i)];
                        for (p, d) in dp.iter_mut().zip(&delta[o * n..(o + 1) * n]) {
                            *p += w * d;
                        }
                    }
                    let zi = &self.z[l - 1][i * n..(i + 1) * n];
                    let ai = &self.a[l - 1][i * n..(i + 1) * n];
                    for ((p, &z), &a) in dp.iter_mut().zip(zi).zip(ai) {
                        *p *= below.derivative(z, a);
                    }
                }
                std::mem::swap(&mut self.delta, &mut self.delta_prev);
            }
        }
        loss + penalty(layers, l1, l2)
    }
}

/// The mean data loss of the output (z, a: k × n, unit-major) and
/// δ = ∂loss/∂z into `delta`.
fn output_delta(
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
            for (r, &y) in codes.iter().enumerate().take(n) {
                let y = y as usize;
                loss += cross_entropy(z, n, k, r, y);
                for o in 0..k {
                    let t = if o == y { 1.0 } else { 0.0 };
                    delta[o * n + r] = (a[o * n + r] - t) * scale;
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

/// −log softmax(z)_y = log Σ e^{z_j} − z_y for point r of unit-major `z`
/// (k units, stride n), computed stably.
#[inline]
pub(crate) fn cross_entropy(z: &[f64], n: usize, k: usize, r: usize, y: usize) -> f64 {
    let mut m = f64::NEG_INFINITY;
    for o in 0..k {
        m = m.max(z[o * n + r]);
    }
    let mut s = 0.0;
    for o in 0..k {
        s += (z[o * n + r] - m).exp();
    }
    m + s.ln() - z[y * n + r]
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

/// Σ_r a_r b_r with four running sums (the order is fixed, so the result is
/// the same every time).
#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut s = [0.0; 4];
    let (ac, bc) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ar, br) = (ac.remainder(), bc.remainder());
    for (x, y) in ac.zip(bc) {
        for j in 0..4 {
            s[j] += x[j] * y[j];
        }
    }
    let tail: f64 = ar.iter().zip(br).map(|(x, y)| x * y).sum();
    (s[0] + s[1]) + (s[2] + s[3]) + tail
}

/// ∂J/∂W = δ inputᵀ + λ₂ W + λ₁ sign W and ∂J/∂b = Σ δ for layer `l`
/// (δ: out × n, input: in × n, unit-major).
#[expect(clippy::too_many_arguments, reason = "one kernel's buffers and sizes")]
fn accumulate(
    layer: &Layer,
    input: &[f64],
    delta: &[f64],
    n: usize,
    grad: &mut Gradient,
    l: usize,
    l1: f64,
    l2: f64,
) {
    let (din, dout) = (layer.inputs(), layer.outputs());
    let gw = &mut grad.weights[l];
    for i in 0..din {
        let xi = &input[i * n..(i + 1) * n];
        for o in 0..dout {
            let w = layer.weights[(o, i)];
            let sign = if w > 0.0 {
                l1
            } else if w < 0.0 {
                -l1
            } else {
                0.0
            };
            gw[(o, i)] = l2 * w + sign + dot(&delta[o * n..(o + 1) * n], xi);
        }
    }
    for (o, gb) in grad.bias[l].iter_mut().enumerate() {
        *gb = delta[o * n..(o + 1) * n].iter().sum();
    }
}
