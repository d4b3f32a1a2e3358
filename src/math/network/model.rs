//! A trained network: its layers, its inputs, and the forward pass (for
//! prediction, for training and for the layer-by-layer trace a view plays).

use nalgebra::{DMatrix, DVector};

use super::NetError;
use super::activation::Activation;
use super::features::{Feature, Standardize};
use super::kernels::{self, Coef};

/// One layer: y = σ(W x + b).
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    /// W, out × in.
    pub weights: DMatrix<f64>,
    /// b, one per output unit.
    pub bias: DVector<f64>,
    /// σ.
    pub activation: Activation,
}

impl Layer {
    /// Width of the layer's input.
    #[must_use]
    pub fn inputs(&self) -> usize {
        self.weights.ncols()
    }

    /// Units (width of its output).
    #[must_use]
    pub fn outputs(&self) -> usize {
        self.weights.nrows()
    }

    /// Wx for `n` points into `z`. Batches are stored unit-major: `x[i·n + r]`
    /// is input i of point r, and `z[o·n + r]` output o of point r, so every
    /// inner loop runs along the batch (long, contiguous, vectorized).
    /// z_o = Σ_i x_i W_oi summed in order of i from 0: the same kernel
    /// serves prediction, training and the trace, so all three agree to the
    /// last bit, and so does a plain loop over a weights file.
    pub(crate) fn linear(&self, x: &[f64], n: usize, z: &mut [f64]) {
        let (din, dout) = (self.inputs(), self.outputs());
        // W is column-major: W_oi at o + i·out.
        let w = Coef {
            data: self.weights.as_slice(),
            rows: dout,
            cols: din,
            row_stride: 1,
            col_stride: dout,
        };
        kernels::combine(w, x, n, z);
    }

    /// z += b for `n` points (unit-major).
    pub(crate) fn add_bias(&self, z: &mut [f64], n: usize) {
        for (zo, b) in z.chunks_exact_mut(n.max(1)).zip(self.bias.iter()) {
            for v in zo {
                *v += b;
            }
        }
    }

    /// a = σ(z) for `n` points (unit-major).
    pub(crate) fn activate(&self, z: &[f64], a: &mut [f64], n: usize) {
        let k = self.outputs();
        if self.activation == Activation::Softmax {
            kernels::softmax(z, a, n, k, None, true);
        } else {
            kernels::activate(self.activation, &z[..n * k], &mut a[..n * k]);
        }
    }

    /// z = W x + b and a = σ(z) for `n` points (unit-major).
    pub(crate) fn forward(&self, x: &[f64], n: usize, z: &mut [f64], a: &mut [f64]) {
        self.linear(x, n, z);
        if self.activation == Activation::Softmax {
            self.add_bias(&mut z[..n * self.outputs()], n);
            self.activate(z, a, n);
        } else {
            kernels::bias_activate(self.activation, self.bias.as_slice(), z, a, n);
        }
    }

    /// [`forward`](Self::forward) of a softmax layer that also keeps, per
    /// point, log Σ_o e^{z_o} (in `lse`, computed as `log_sum_exp` does:
    /// m + ln Σ e^{z_o − m}) for the loss. Not `exact`: e^x by a polynomial
    /// within 2 ulp of libm's (training's forward pass; see `kernels::softmax`).
    pub(crate) fn forward_softmax(
        &self,
        x: &[f64],
        n: usize,
        [z, a, lse]: [&mut [f64]; 3],
        exact: bool,
    ) {
        let k = self.outputs();
        self.linear(x, n, z);
        self.add_bias(&mut z[..n * k], n);
        kernels::softmax(z, a, n, k, Some(lse), exact);
    }
}

/// Row-major n × d into unit-major (d × n), or back with the sizes swapped.
pub(crate) fn transpose(x: &[f64], rows: usize, cols: usize) -> Vec<f64> {
    let mut t = vec![0.0; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            t[c * rows + r] = x[r * cols + c];
        }
    }
    t
}

/// A network with what it needs to read raw rows: the input columns, the
/// features made from them and their standardization, and the meaning of
/// its outputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    /// The raw input columns, in order.
    pub inputs: Vec<String>,
    /// The features computed from a raw row, in order (the first layer's
    /// inputs before standardizing).
    pub features: Vec<Feature>,
    /// Applied to the features, if on.
    pub standardize: Option<Standardize>,
    /// Hidden layers, then the output layer (softmax for a classifier,
    /// linear for a regression).
    pub layers: Vec<Layer>,
    /// Class names, one per output unit; `None` for a regression.
    pub classes: Option<Vec<String>>,
    /// The label or target column's name.
    pub target: String,
}

/// What every layer made of a batch of points: the stages of layer flow.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    /// The first layer's input: features after standardizing, n × features.
    pub input: DMatrix<f64>,
    /// One per layer, input side first.
    pub layers: Vec<LayerTrace>,
}

/// One layer's stages for n points, each n × units (row i: point i).
#[derive(Clone, Debug, PartialEq)]
pub struct LayerTrace {
    /// W x: the linear map alone.
    pub linear: DMatrix<f64>,
    /// W x + b: after the shift (the pre-activations).
    pub pre: DMatrix<f64>,
    /// σ(W x + b): after the bend (the activations; probabilities at a
    /// classifier's output).
    pub post: DMatrix<f64>,
}

impl Network {
    /// The features' names (`x`, `x^2`, `x*y`, `sin(x)`), as in the weights file.
    #[must_use]
    pub fn feature_names(&self) -> Vec<String> {
        self.features.iter().map(|f| f.name(&self.inputs)).collect()
    }

    /// Outputs: classes, or 1 for a regression.
    #[must_use]
    pub fn outputs(&self) -> usize {
        self.layers.last().map_or(0, Layer::outputs)
    }

    /// Whether it classifies (softmax output) rather than regresses.
    #[must_use]
    pub fn is_classifier(&self) -> bool {
        self.classes.is_some()
    }

    /// Weights and biases in all.
    #[must_use]
    pub fn parameter_count(&self) -> usize {
        self.layers
            .iter()
            .map(|l| l.weights.len() + l.bias.len())
            .sum()
    }

    /// The first layer's input for raw rows (row-major, n × inputs):
    /// features, standardized; row-major n × features.
    ///
    /// # Errors
    /// [`NetError::InputWidth`] if `raw`'s length is not a multiple of the inputs.
    pub fn prepare(&self, raw: &[f64]) -> Result<Vec<f64>, NetError> {
        let d = self.inputs.len();
        if d == 0 || !raw.len().is_multiple_of(d) {
            return Err(NetError::InputWidth {
                expected: d,
                found: raw.len(),
            });
        }
        let f = self.features.len();
        let mut x = vec![0.0; raw.len() / d * f];
        for (row, out) in raw.chunks_exact(d).zip(x.chunks_exact_mut(f.max(1))) {
            for (o, feature) in out.iter_mut().zip(&self.features) {
                *o = feature.eval(row);
            }
            if let Some(s) = &self.standardize {
                s.apply(out);
            }
        }
        Ok(x)
    }

    /// The outputs for raw rows (row-major, n × inputs): class probabilities
    /// or the regression's prediction, row-major n × outputs.
    ///
    /// # Errors
    /// As [`prepare`](Self::prepare).
    pub fn predict(&self, raw: &[f64]) -> Result<Vec<f64>, NetError> {
        let x = self.prepare(raw)?;
        Ok(self.predict_prepared(&x))
    }

    /// The outputs for already prepared rows (row-major n × features),
    /// row-major n × outputs.
    #[must_use]
    pub fn predict_prepared(&self, x: &[f64]) -> Vec<f64> {
        let f = self.features.len().max(1);
        let n = x.len() / f;
        let mut input = transpose(x, n, f);
        let mut z = Vec::new();
        let mut a = Vec::new();
        for layer in &self.layers {
            let k = n * layer.outputs();
            z.resize(k, 0.0);
            a.resize(k, 0.0);
            layer.forward(&input, n, &mut z, &mut a);
            std::mem::swap(&mut input, &mut a);
        }
        transpose(&input, self.outputs(), n)
    }

    /// The predicted class of each raw row (the most probable; for a
    /// regression, 0 for every row).
    ///
    /// # Errors
    /// As [`prepare`](Self::prepare).
    pub fn classify(&self, raw: &[f64]) -> Result<Vec<usize>, NetError> {
        let p = self.predict(raw)?;
        Ok(p.chunks_exact(self.outputs().max(1)).map(argmax).collect())
    }

    /// Every layer's W x, W x + b and σ(W x + b) for raw rows (row-major,
    /// n × inputs): what layer flow draws.
    ///
    /// # Errors
    /// As [`prepare`](Self::prepare).
    pub fn trace(&self, raw: &[f64]) -> Result<Trace, NetError> {
        let x = self.prepare(raw)?;
        let f = self.features.len().max(1);
        let n = x.len() / f;
        let input = DMatrix::from_row_slice(n, self.features.len(), &x);
        let mut layers = Vec::with_capacity(self.layers.len());
        let mut current = transpose(&x, n, f);
        for layer in &self.layers {
            let out = layer.outputs();
            let mut z = vec![0.0; n * out];
            layer.linear(&current, n, &mut z);
            // Unit-major is column-major for an n × out matrix.
            let linear = DMatrix::from_column_slice(n, out, &z);
            layer.add_bias(&mut z, n);
            let mut a = vec![0.0; n * out];
            layer.activate(&z, &mut a, n);
            layers.push(LayerTrace {
                linear,
                pre: DMatrix::from_column_slice(n, out, &z),
                post: DMatrix::from_column_slice(n, out, &a),
            });
            current = a;
        }
        Ok(Trace { input, layers })
    }
}

/// Index of the largest value (the first of ties; 0 for an empty slice).
#[must_use]
pub(crate) fn argmax(v: &[f64]) -> usize {
    let mut best = 0;
    for (k, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = k;
        }
    }
    best
}

/// The centres of an `nx` × `ny` grid of cells over [x₀, x₁] × [y₀, y₁],
/// row-major n × 2: point (i, j) (column i from x₀, row j from y₀) at index
/// j·nx + i. For a heatmap of [`Network::predict`].
#[must_use]
pub fn grid_points(x: (f64, f64), y: (f64, f64), nx: usize, ny: usize) -> Vec<f64> {
    let mut p = Vec::with_capacity(2 * nx * ny);
    for j in 0..ny {
        let yj = y.0 + (y.1 - y.0) * (j as f64 + 0.5) / ny as f64;
        for i in 0..nx {
            p.push(x.0 + (x.1 - x.0) * (i as f64 + 0.5) / nx as f64);
            p.push(yj);
        }
    }
    p
}
