//! The bends: σ applied after W x + b, and their derivatives.

use std::fmt;
use std::str::FromStr;

use super::LEAKY_SLOPE;

/// A layer's activation σ.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Activation {
    /// max(0, z).
    Relu,
    /// z for z > 0, 0.01 z otherwise.
    LeakyRelu,
    /// tanh z.
    #[default]
    Tanh,
    /// 1 / (1 + e^−z).
    Sigmoid,
    /// z: the layer is the affine map alone.
    Linear,
    /// e^{z_k} / Σ_j e^{z_j} over the layer's units (a classifier's output).
    Softmax,
}

/// The activations a hidden layer may have (every one but softmax).
pub const HIDDEN_ACTIVATIONS: [Activation; 5] = [
    Activation::Relu,
    Activation::LeakyRelu,
    Activation::Tanh,
    Activation::Sigmoid,
    Activation::Linear,
];

impl Activation {
    /// The name used on the command line and in the weights file.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Relu => "relu",
            Self::LeakyRelu => "leaky-relu",
            Self::Tanh => "tanh",
            Self::Sigmoid => "sigmoid",
            Self::Linear => "linear",
            Self::Softmax => "softmax",
        }
    }

    /// Whether weights into this activation start He-scaled (ReLU and
    /// leaky ReLU) rather than Glorot-scaled.
    #[must_use]
    pub fn he_init(self) -> bool {
        matches!(self, Self::Relu | Self::LeakyRelu)
    }

    /// σ(z) for an element-wise activation (softmax: use [`softmax`]).
    #[inline]
    #[must_use]
    pub fn apply(self, z: f64) -> f64 {
        match self {
            Self::Relu => z.max(0.0),
            Self::LeakyRelu => {
                if z > 0.0 {
                    z
                } else {
                    LEAKY_SLOPE * z
                }
            }
            Self::Tanh => tanh(z),
            Self::Sigmoid => 1.0 / (1.0 + (-z).exp()),
            Self::Linear | Self::Softmax => z,
        }
    }

    /// σ'(z), given z and a = σ(z) (element-wise activations only).
    #[inline]
    #[must_use]
    pub fn derivative(self, z: f64, a: f64) -> f64 {
        match self {
            Self::Relu => {
                if z > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Self::LeakyRelu => {
                if z > 0.0 {
                    1.0
                } else {
                    LEAKY_SLOPE
                }
            }
            Self::Tanh => 1.0 - a * a,
            Self::Sigmoid => a * (1.0 - a),
            Self::Linear | Self::Softmax => 1.0,
        }
    }
}

/// tanh z = 1 − 2 / (e^{2z} + 1): one exp, about three times faster than
/// libm's tanh here (which dominated an epoch). Within 3e-16 of tanh z
/// everywhere: near 0 (|z| < 0.005), where the subtraction would lose
/// relative precision, its series z − z³/3 + 2z⁵/15 instead; 1 past z = 20.
#[inline]
#[must_use]
pub fn tanh(z: f64) -> f64 {
    if z.abs() < 0.005 {
        let z2 = z * z;
        z * (1.0 - z2 * (1.0 / 3.0 - z2 * (2.0 / 15.0)))
    } else if z > 20.0 {
        1.0
    } else {
        1.0 - 2.0 / ((2.0 * z).exp() + 1.0)
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Activation {
    type Err = String;

    /// Parses a name of [`name`](Self::name) (`leaky_relu`, `identity` and
    /// `logistic` too, as Keras and scikit-learn spell them).
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "relu" => Self::Relu,
            "leaky-relu" | "leaky_relu" | "leakyrelu" => Self::LeakyRelu,
            "tanh" => Self::Tanh,
            "sigmoid" | "logistic" => Self::Sigmoid,
            "linear" | "identity" => Self::Linear,
            "softmax" => Self::Softmax,
            other => {
                return Err(format!(
                    "unknown activation {other:?}: expected relu, leaky-relu, tanh, sigmoid, linear or softmax"
                ));
            }
        })
    }
}
