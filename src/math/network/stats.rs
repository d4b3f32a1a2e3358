//! The statistics after an epoch: loss and accuracy of the training rows
//! and of the test rows under the current weights, in f64, with the
//! classes that [`Network::classify`](super::Network::classify) gives. A
//! pure function of the weights, so it can run on a second thread while
//! the next epoch trains, and give the same numbers.

use super::backprop::{output_forward, penalty};
use super::model::{Layer, argmax};
use super::problem::{Split, Target};

/// Rows evaluated at a time: few enough that a chunk's features (32 rows ×
/// 64 features × 8 bytes for the digits) stay in the L1 cache while each
/// block of units reads them again.
const EVAL_CHUNK: usize = 32;

/// What one measurement gives (the epoch and its time are the trainer's).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Measured {
    pub train_loss: f64,
    pub test_loss: Option<f64>,
    pub train_accuracy: Option<f64>,
    pub test_accuracy: Option<f64>,
    pub objective: f64,
}

/// The rows, targets and buffers of the statistics; owns copies, so it is
/// `Send` apart from the trainer.
#[derive(Debug)]
pub(crate) struct Evaluator {
    split: Split,
    target: Target,
    features: usize,
    classifier: bool,
    l1: f64,
    l2: f64,
    /// The training rows' and the test rows' features, in chunks of
    /// [`EVAL_CHUNK`] rows, each unit-major: gathered once.
    x: [Vec<f64>; 2],
    /// Forward buffers: activations, z, a, log Σ e^z.
    buffers: [Vec<f64>; 4],
    /// Per point of a chunk: the largest z so far, its unit, and whether
    /// another unit comes near it.
    best: (Vec<f64>, Vec<usize>, Vec<bool>),
}

/// An empty one, to hold a trainer's place while its own is on a thread.
impl Default for Evaluator {
    fn default() -> Self {
        Self {
            split: Split::default(),
            target: Target::Values(Vec::new()),
            features: 0,
            classifier: false,
            l1: 0.0,
            l2: 0.0,
            x: [Vec::new(), Vec::new()],
            buffers: [Vec::new(), Vec::new(), Vec::new(), Vec::new()],
            best: (Vec::new(), Vec::new(), Vec::new()),
        }
    }
}

impl Evaluator {
    /// For the prepared rows `x` (row-major, `features` columns) split by
    /// `split`, and layers of widths up to `widest`.
    pub(crate) fn new(
        x: &[f64],
        features: usize,
        split: &Split,
        target: &Target,
        classifier: bool,
        widest: usize,
        (l1, l2): (f64, f64),
    ) -> Self {
        Self {
            x: [
                chunked(x, features, &split.train),
                chunked(x, features, &split.test),
            ],
            buffers: [
                vec![0.0; EVAL_CHUNK * widest],
                vec![0.0; EVAL_CHUNK * widest],
                vec![0.0; EVAL_CHUNK * widest],
                vec![0.0; EVAL_CHUNK],
            ],
            best: (
                vec![0.0; EVAL_CHUNK],
                vec![0; EVAL_CHUNK],
                vec![false; EVAL_CHUNK],
            ),
            split: split.clone(),
            target: target.clone(),
            features,
            classifier,
            l1,
            l2,
        }
    }

    /// Loss, accuracy and objective of `layers` on both sets.
    pub(crate) fn measure(&mut self, layers: &[Layer]) -> Measured {
        let train = std::mem::take(&mut self.split.train);
        let test = std::mem::take(&mut self.split.test);
        let (train_loss, train_right) = self.evaluate(layers, 0, &train);
        let (test_loss, test_right) = self.evaluate(layers, 1, &test);
        let share = |right: usize, rows: &[usize]| right as f64 / rows.len() as f64;
        let classifier = self.classifier;
        let m = Measured {
            train_loss,
            test_loss: (!test.is_empty()).then_some(test_loss),
            train_accuracy: classifier.then(|| share(train_right, &train)),
            test_accuracy: (classifier && !test.is_empty()).then(|| share(test_right, &test)),
            objective: train_loss + penalty(layers, self.l1, self.l2),
        };
        self.split.train = train;
        self.split.test = test;
        m
    }

    /// Mean data loss over `rows` (the training rows for `set` 0, the test
    /// rows for 1) and how many are classified right.
    fn evaluate(&mut self, layers: &[Layer], set: usize, rows: &[usize]) -> (f64, usize) {
        let f = self.features;
        let k = layers.last().map_or(0, Layer::outputs);
        let classifier = self.classifier;
        let [current, z, a, lse] = &mut self.buffers;
        let last = layers.len() - 1;
        let mut loss = 0.0;
        let mut right = 0;
        for (c, chunk) in rows.chunks(EVAL_CHUNK).enumerate() {
            let m = chunk.len();
            let x = &self.x[set][c * EVAL_CHUNK * f..c * EVAL_CHUNK * f + m * f];
            for (l, layer) in layers.iter().enumerate() {
                let input = if l == 0 { x } else { &current[..] };
                if l == last {
                    // The softmax's e^x by the polynomial: only log Σ e^z is
                    // kept (for the loss); the classes come from z.
                    output_forward(layer, input, m, [z, a, lse], classifier, false);
                } else {
                    layer.forward(input, m, z, a);
                }
                std::mem::swap(current, a);
            }
            // `current` holds the output activations, `z` the last pre-activations.
            // Unit-major: output o of point i at o·m + i.
            match &self.target {
                Target::Classes { codes, .. } => {
                    for (i, &r) in chunk.iter().enumerate() {
                        // −log p_y = log Σ e^z − z_y.
                        loss += lse[i] - z[codes[r] as usize * m + i];
                    }
                    let classes = predicted_classes(z, m, k, &mut self.best);
                    right += chunk
                        .iter()
                        .zip(classes)
                        .filter(|&(&r, &c)| codes[r] as usize == c)
                        .count();
                }
                Target::Values(v) => {
                    for (i, &r) in chunk.iter().enumerate() {
                        let e = current[i] - v[r];
                        loss += 0.5 * e * e;
                    }
                }
            }
        }
        (loss / rows.len().max(1) as f64, right)
    }
}

/// The classes [`Network::classify`](super::Network::classify) gives the
/// `m` points of unit-major output pre-activations `z` (k units): for each,
/// the first most probable under its softmax (libm's e^x). That is the
/// first largest z_o, unless another z_o comes within 1e-12 (relative) of
/// it: only then can the rounded probabilities tie (e^x and the division by
/// Σ are monotone), and the probabilities are computed as prediction does.
/// Unit by unit along the points, so the comparisons vectorize.
fn predicted_classes<'a>(
    z: &[f64],
    m: usize,
    k: usize,
    (top, best, near): &'a mut (Vec<f64>, Vec<usize>, Vec<bool>),
) -> &'a [usize] {
    let (top, best, near) = (&mut top[..m], &mut best[..m], &mut near[..m]);
    top.copy_from_slice(&z[..m]);
    best.fill(0);
    for o in 1..k {
        for ((t, b), &v) in top
            .iter_mut()
            .zip(best.iter_mut())
            .zip(&z[o * m..(o + 1) * m])
        {
            if v > *t {
                *t = v;
                *b = o;
            }
        }
    }
    near.fill(false);
    for o in 0..k {
        for (((n, &t), &b), &v) in near
            .iter_mut()
            .zip(&*top)
            .zip(&*best)
            .zip(&z[o * m..(o + 1) * m])
        {
            *n |= o != b && t - v <= 1e-12 * t.abs().max(1.0);
        }
    }
    for i in 0..m {
        if near[i] || top[i].is_nan() {
            let e: Vec<f64> = (0..k).map(|o| (z[o * m + i] - top[i]).exp()).collect();
            let mut sum = 0.0;
            for v in &e {
                sum += v;
            }
            let p: Vec<f64> = e.iter().map(|v| v / sum).collect();
            best[i] = argmax(&p);
        }
    }
    best
}

/// `rows` of row-major `x` (f columns) in chunks of [`EVAL_CHUNK`] rows, each
/// gathered unit-major (feature j of the i-th chosen row at j·chunk + i) and
/// stored one after the other.
fn chunked(x: &[f64], f: usize, rows: &[usize]) -> Vec<f64> {
    let mut out = vec![0.0; rows.len() * f];
    for (chunk, dest) in rows.chunks(EVAL_CHUNK).zip(out.chunks_mut(EVAL_CHUNK * f)) {
        let m = chunk.len();
        for (i, &r) in chunk.iter().enumerate() {
            for (j, &v) in x[r * f..(r + 1) * f].iter().enumerate() {
                dest[j * m + i] = v;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::predicted_classes;
    use crate::math::network::model::argmax;

    /// The classes from z equal argmax of the probabilities computed as
    /// prediction does, near ties and exact ties included (where the first
    /// unit wins).
    #[test]
    fn classes_from_z_are_the_predictions() {
        let mut rng = fastrand::Rng::with_seed(9);
        let (m, k) = (300, 4);
        let mut z: Vec<f64> = (0..m * k).map(|_| 4.0 * rng.f64() - 2.0).collect();
        // Ties and near ties between units 1 and 3, and 0 and 2.
        for i in 0..m / 3 {
            z[3 * m + i] = z[m + i] + f64::from(i as u32 % 3) * 1e-17;
            z[2 * m + i + m / 3] = z[i + m / 3] * (1.0 - 1e-16);
        }
        let mut bufs = (vec![0.0; m], vec![0; m], vec![false; m]);
        let got = predicted_classes(&z, m, k, &mut bufs).to_vec();
        for (i, &c) in got.iter().enumerate() {
            let col: Vec<f64> = (0..k).map(|o| z[o * m + i]).collect();
            let top = col.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let e: Vec<f64> = col.iter().map(|v| (v - top).exp()).collect();
            let sum: f64 = e.iter().fold(0.0, |s, v| s + v);
            let p: Vec<f64> = e.iter().map(|v| v / sum).collect();
            assert_eq!(c, argmax(&p), "point {i}: z {col:?}, p {p:?}");
        }
    }
}
