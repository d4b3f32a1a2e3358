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

/// tanh z = 1 − 2 / (e^{2z} + 1), with e^{2z} by [`exp_bounded`]: no call
/// and no branch, so a loop of it vectorizes (tanh dominated an epoch; libm's
/// tanh and exp are calls, one number at a time). Within 5e-16 of libm's
/// tanh everywhere (a unit test sweeps it): near 0 (|z| < 0.005), where the
/// subtraction would lose relative precision, its series z − z³/3 + 2z⁵/15
/// instead; ±1 past ±20 (|z| is clamped there; NaN stays NaN). Odd by
/// construction: computed for |z|, given z's sign.
#[expect(
    clippy::inline_always,
    reason = "inlined into the vectorized loops, or they stay scalar"
)]
#[inline(always)]
#[must_use]
pub fn tanh(z: f64) -> f64 {
    let a = z.abs();
    let a = if a > 20.0 { 20.0 } else { a }; // NaN stays NaN (f64::min would not)
    let e = exp_bounded(2.0 * a);
    let far = (1.0 - 2.0 / (e + 1.0)).copysign(z);
    let z2 = z * z;
    let near = z * (1.0 - z2 * (1.0 / 3.0 - z2 * (2.0 / 15.0)));
    if z.abs() < 0.005 { near } else { far }
}

/// e^x for |x| ≤ 700 (callers clamp), within 2 ulp: x = k ln 2 + r with
/// k = round(x / ln 2) (the 1.5·2⁵² rounding trick, whose bits also give 2ᵏ),
/// |r| ≤ ln 2 / 2 (ln 2 in two parts, exact products), e^r by its Taylor
/// series to r¹³ (truncation below 1e-17), times 2ᵏ built from bits.
#[inline(always)]
#[must_use]
pub(crate) fn exp_bounded(x: f64) -> f64 {
    // Σ r^j / j! by Estrin's scheme (pairs, then pairs of pairs): shorter
    // chains of dependent operations than Horner's, so a third faster here.
    const C: [f64; 14] = [
        1.0,
        1.0,
        0.5,
        1.0 / 6.0,
        1.0 / 24.0,
        1.0 / 120.0,
        1.0 / 720.0,
        1.0 / 5_040.0,
        1.0 / 40_320.0,
        1.0 / 362_880.0,
        1.0 / 3_628_800.0,
        1.0 / 39_916_800.0,
        1.0 / 479_001_600.0,
        1.0 / 6_227_020_800.0,
    ];
    const SHIFT: f64 = 6_755_399_441_055_744.0; // 1.5 · 2⁵²
    const LN2_HI: f64 = 6.931_471_803_691_238e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    let t = x * std::f64::consts::LOG2_E + SHIFT;
    let k = t - SHIFT;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let q0 = (C[0] + C[1] * r) + (C[2] + C[3] * r) * r2;
    let q1 = (C[4] + C[5] * r) + (C[6] + C[7] * r) * r2;
    let q2 = (C[8] + C[9] * r) + (C[10] + C[11] * r) * r2;
    let q3 = C[12] + C[13] * r;
    let p = (q0 + q1 * r4) + (q2 + q3 * r4) * r8;
    // t's low bits hold k (two's complement); 2ᵏ has exponent field k + 1023.
    let scale = f64::from_bits(t.to_bits().wrapping_add(1023) << 52);
    p * scale
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

#[cfg(test)]
mod tests {
    use super::{exp_bounded, tanh};

    /// e^x by the polynomial is within 2 ulp of libm's over the range tanh
    /// uses (and beyond), and exact at 0.
    #[test]
    fn exp_bounded_is_within_two_ulp_of_libm() {
        assert_eq!(exp_bounded(0.0).to_bits(), 1.0_f64.to_bits());
        let mut worst = 0.0_f64;
        for i in -400_000..=400_000 {
            let x = f64::from(i) * 1e-4 + 1e-7;
            let (ours, libm) = (exp_bounded(x), x.exp());
            let ulp = (libm.to_bits() as i64 - ours.to_bits() as i64).unsigned_abs();
            assert!(ulp <= 2, "e^{x}: {ours} vs {libm}");
            worst = worst.max(ulp as f64);
        }
        assert!(
            worst >= 1.0,
            "a sweep that never rounds differently checks nothing"
        );
    }

    /// tanh within 5e-16 of libm's everywhere, odd, ±1 far out, NaN kept.
    #[test]
    fn tanh_is_within_5e16_of_libm() {
        for i in -300_000..=300_000 {
            let z = f64::from(i) * 1e-4 + 3e-9;
            assert!(
                (tanh(z) - z.tanh()).abs() <= 5e-16,
                "tanh {z}: {} vs {}",
                tanh(z),
                z.tanh()
            );
        }
        for z in [0.0, 1e-300, 0.004_999, 0.005, 0.3, 7.0, 19.99] {
            assert_eq!(tanh(-z).to_bits(), (-tanh(z)).to_bits(), "{z}");
        }
        assert_eq!(tanh(25.0).to_bits(), 1.0_f64.to_bits());
        assert_eq!(tanh(-1e300).to_bits(), (-1.0_f64).to_bits());
        assert_eq!(tanh(f64::INFINITY).to_bits(), 1.0_f64.to_bits());
        assert!(tanh(f64::NAN).is_nan());
    }
}
