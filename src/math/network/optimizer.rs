//! The update rules: SGD, momentum and Adam, over the weights and biases of
//! every layer.

use super::backprop::Gradient;
use super::config::Optimizer;
use super::kernels;
use super::model::Layer;

const MOMENTUM: f64 = 0.9;
const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;
const EPSILON: f64 = 1e-8;

/// An optimizer's memory: velocities (momentum) or moment estimates (Adam),
/// one per parameter, laid out like the layers (each layer's W column-major, then b).
#[derive(Clone, Debug)]
pub(crate) struct OptimizerState {
    kind: Optimizer,
    rate: f64,
    /// Momentum's v, or Adam's first moment m.
    first: Vec<f64>,
    /// Adam's second moment.
    second: Vec<f64>,
    /// Adam's step count t.
    steps: i32,
}

impl OptimizerState {
    pub(crate) fn new(kind: Optimizer, rate: f64, layers: &[Layer]) -> Self {
        let n: usize = layers.iter().map(|l| l.weights.len() + l.bias.len()).sum();
        let memory = |on: bool| if on { vec![0.0; n] } else { Vec::new() };
        Self {
            kind,
            rate,
            first: memory(kind != Optimizer::Sgd),
            second: memory(kind == Optimizer::Adam),
            steps: 0,
        }
    }

    /// One step of the rule on every parameter.
    pub(crate) fn step(&mut self, layers: &mut [Layer], grad: &Gradient) {
        kernels::vectorized(
            #[inline(always)]
            || self.step_scalar(layers, grad),
        );
    }

    #[expect(
        clippy::inline_always,
        reason = "inlined into pulp's dispatch, or it stays scalar"
    )]
    #[inline(always)]
    fn step_scalar(&mut self, layers: &mut [Layer], grad: &Gradient) {
        self.steps = self.steps.saturating_add(1);
        let eta = self.rate;
        // scikit-learn's Adam: η_t = η √(1 − β₂ᵗ) / (1 − β₁ᵗ), θ −= η_t m / (√v + ε).
        let eta_t = eta * (1.0 - BETA2.powi(self.steps)).sqrt() / (1.0 - BETA1.powi(self.steps));
        let mut at = 0;
        for (l, layer) in layers.iter_mut().enumerate() {
            let pairs = [
                (layer.weights.as_mut_slice(), grad.weights[l].as_slice()),
                (layer.bias.as_mut_slice(), grad.bias[l].as_slice()),
            ];
            for (theta, g) in pairs {
                let range = at..at + theta.len();
                at += theta.len();
                match self.kind {
                    Optimizer::Sgd => {
                        for (t, g) in theta.iter_mut().zip(g) {
                            *t -= eta * g;
                        }
                    }
                    Optimizer::Momentum => {
                        for ((t, g), v) in theta.iter_mut().zip(g).zip(&mut self.first[range]) {
                            *v = MOMENTUM * *v - eta * g;
                            *t += *v;
                        }
                    }
                    Optimizer::Adam => {
                        let (m, v) = (&mut self.first[range.clone()], &mut self.second[range]);
                        for (((t, g), m), v) in theta.iter_mut().zip(g).zip(m).zip(v) {
                            *m = BETA1 * *m + (1.0 - BETA1) * g;
                            *v = BETA2 * *v + (1.0 - BETA2) * g * g;
                            *t -= eta_t * *m / (v.sqrt() + EPSILON);
                        }
                    }
                }
            }
        }
    }
}
