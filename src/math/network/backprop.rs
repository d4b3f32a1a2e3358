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
/// its gradient. For checking the gradient from outside; training reuses
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

    /// Forward and backward over `n` rows of `x`; returns J and leaves the
    /// gradient in `self.grad`.
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
            accumulate(layer, input, delta, din, dout, &mut self.grad, l, l1, l2);
            if l > 0 {
                let below = &layers[l - 1];
                let w = layer.weights.as_slice();
                let prev = &mut self.delta_prev[..n * din];
                for r in 0..n {
                    let dr = &delta[r * dout..(r + 1) * dout];
                    let zr = &self.z[l - 1][r * din..(r + 1) * din];
                    let ar = &self.a[l - 1][r * din..(r + 1) * din];
                    for i in 0..din {
                        let col = &w[i * dout..(i + 1) * dout];
                        let s: f64 = col.iter().zip(dr).map(|(w, d)| w * d).sum();
                        prev[r * din + i] = s * below.activation.derivative(zr[i], ar[i]);
                    }
                }
                std::mem::swap(&mut self.delta, &mut self.delta_prev);
            }
        }
        loss + penalty(layers, l1, l2)
    }
}

/// The mean data loss of the output (z, a: n × k) and δ = ∂loss/∂z into `delta`.
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
            for r in 0..n {
                let zr = &z[r * k..(r + 1) * k];
                let y = codes[r] as usize;
                loss += cross_entropy(zr, y);
                let dr = &mut delta[r * k..(r + 1) * k];
                for (j, (d, p)) in dr.iter_mut().zip(&a[r * k..(r + 1) * k]).enumerate() {
                    *d = (p - if j == y { 1.0 } else { 0.0 }) * scale;
                }
            }
        }
        BatchTarget::Values(v) => {
            for r in 0..n {
                let e = a[r * k] - v[r];
                loss += 0.5 * e * e;
                delta[r * k] = e * scale;
            }
        }
    }
    loss * scale
}

/// −log softmax(z)_y = log Σ e^{z_j} − z_y, computed stably.
#[inline]
pub(crate) fn cross_entropy(z: &[f64], y: usize) -> f64 {
    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let s: f64 = z.iter().map(|&v| (v - m).exp()).sum();
    m + s.ln() - z[y]
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

/// ∂J/∂W = δᵀ input + λ₂ W + λ₁ sign W and ∂J/∂b = Σ δ for layer `l`.
#[expect(clippy::too_many_arguments, reason = "one kernel's buffers and sizes")]
fn accumulate(
    layer: &Layer,
    input: &[f64],
    delta: &[f64],
    din: usize,
    dout: usize,
    grad: &mut Gradient,
    l: usize,
    l1: f64,
    l2: f64,
) {
    let gw = grad.weights[l].as_mut_slice();
    let gb = grad.bias[l].as_mut_slice();
    let w = layer.weights.as_slice();
    for (g, &w) in gw.iter_mut().zip(w) {
        *g = l2 * w
            + if w > 0.0 {
                l1
            } else if w < 0.0 {
                -l1
            } else {
                0.0
            };
    }
    gb.fill(0.0);
    for (xr, dr) in input.chunks_exact(din).zip(delta.chunks_exact(dout)) {
        for (&xi, gcol) in xr.iter().zip(gw.chunks_exact_mut(dout)) {
            if xi != 0.0 {
                for (g, d) in gcol.iter_mut().zip(dr) {
                    *g += xi * d;
                }
            }
        }
        for (g, d) in gb.iter_mut().zip(dr) {
            *g += d;
        }
    }
}
