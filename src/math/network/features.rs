//! Input features: the chosen columns and, for two columns x and y, the
//! optional x², y², x·y, sin x and sin y (TensorFlow Playground's), then
//! standardization.
//!
//! A feature's name says how to compute it from the raw columns, so that an
//! outside tool reading a weights file can: a column's own name, `x^2`,
//! `x*y` or `sin(x)` with x and y the column names.

use std::str::FromStr;

/// Which extra features to make from two input columns x and y.
#[expect(
    clippy::struct_excessive_bools,
    reason = "five independent toggles, as Playground's checkboxes"
)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Extras {
    pub x_squared: bool,
    pub y_squared: bool,
    pub product: bool,
    pub sin_x: bool,
    pub sin_y: bool,
}

impl Extras {
    /// Whether any extra is on.
    #[must_use]
    pub fn any(self) -> bool {
        self.x_squared || self.y_squared || self.product || self.sin_x || self.sin_y
    }

    /// The features for `d` input columns: the columns, then the extras in
    /// the order x², y², x·y, sin x, sin y. Extras need `d == 2`; the caller
    /// checks.
    #[must_use]
    pub fn features(self, d: usize) -> Vec<Feature> {
        let mut f: Vec<Feature> = (0..d).map(Feature::Raw).collect();
        if d == 2 {
            let on = [
                (self.x_squared, Feature::Square(0)),
                (self.y_squared, Feature::Square(1)),
                (self.product, Feature::Product(0, 1)),
                (self.sin_x, Feature::Sin(0)),
                (self.sin_y, Feature::Sin(1)),
            ];
            f.extend(on.into_iter().filter(|(on, _)| *on).map(|(_, f)| f));
        }
        f
    }
}

impl FromStr for Extras {
    type Err = String;

    /// A comma-separated list of `x1^2`, `x2^2`, `x1x2`, `sin_x1`, `sin_x2`
    /// (empty or `none`: no extras).
    fn from_str(s: &str) -> Result<Self, String> {
        let mut e = Self::default();
        for token in s.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            match token.to_ascii_lowercase().as_str() {
                "none" => {}
                "x1^2" | "x1sq" => e.x_squared = true,
                "x2^2" | "x2sq" => e.y_squared = true,
                "x1x2" | "x1*x2" => e.product = true,
                "sin_x1" | "sin(x1)" | "sinx1" => e.sin_x = true,
                "sin_x2" | "sin(x2)" | "sinx2" => e.sin_y = true,
                other => {
                    return Err(format!(
                        "unknown extra feature {other:?}: expected x1^2, x2^2, x1x2, sin_x1 or sin_x2"
                    ));
                }
            }
        }
        Ok(e)
    }
}

/// One input feature, computed from a raw row (indices into the input columns).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Feature {
    /// The column itself.
    Raw(usize),
    /// Its square.
    Square(usize),
    /// The product of two columns.
    Product(usize, usize),
    /// Its sine.
    Sin(usize),
}

impl Feature {
    /// The value for one raw row.
    #[inline]
    #[must_use]
    pub fn eval(self, row: &[f64]) -> f64 {
        match self {
            Self::Raw(j) => row[j],
            Self::Square(j) => row[j] * row[j],
            Self::Product(j, k) => row[j] * row[k],
            Self::Sin(j) => row[j].sin(),
        }
    }

    /// The name, from the input columns' names: `x`, `x^2`, `x*y`, `sin(x)`.
    #[must_use]
    pub fn name(self, inputs: &[String]) -> String {
        let n = |j: usize| inputs.get(j).map_or("?", String::as_str);
        match self {
            Self::Raw(j) => n(j).to_owned(),
            Self::Square(j) => format!("{}^2", n(j)),
            Self::Product(j, k) => format!("{}*{}", n(j), n(k)),
            Self::Sin(j) => format!("sin({})", n(j)),
        }
    }

    /// The largest input column index it reads.
    #[must_use]
    pub fn max_input(self) -> usize {
        match self {
            Self::Raw(j) | Self::Square(j) | Self::Sin(j) => j,
            Self::Product(j, k) => j.max(k),
        }
    }

    /// The feature called `name` over input columns `inputs` (a column's
    /// own name is that column, whatever it looks like).
    #[must_use]
    pub fn parse(name: &str, inputs: &[String]) -> Option<Self> {
        let index = |n: &str| inputs.iter().position(|i| i == n);
        if let Some(j) = index(name) {
            return Some(Self::Raw(j));
        }
        if let Some(base) = name.strip_suffix("^2") {
            return index(base).map(Self::Square);
        }
        if let Some(inner) = name.strip_prefix("sin(").and_then(|s| s.strip_suffix(')')) {
            return index(inner).map(Self::Sin);
        }
        // x*y: the split whose two sides are both columns.
        name.match_indices('*')
            .find_map(|(at, _)| Some(Self::Product(index(&name[..at])?, index(&name[at + 1..])?)))
    }
}

/// z = (v − mean) / std per feature.
#[derive(Clone, Debug, PartialEq)]
pub struct Standardize {
    pub mean: Vec<f64>,
    pub std: Vec<f64>,
}

impl Standardize {
    /// Means and population standard deviations of the columns of `x`
    /// (`n` rows × `d`, row-major) over `rows`; a constant column gets std 1.
    #[must_use]
    pub fn fit(x: &[f64], d: usize, rows: &[usize]) -> Self {
        let n = rows.len().max(1) as f64;
        let mut mean = vec![0.0; d];
        for &r in rows {
            for (m, v) in mean.iter_mut().zip(&x[r * d..(r + 1) * d]) {
                *m += v;
            }
        }
        for m in &mut mean {
            *m /= n;
        }
        let mut var = vec![0.0; d];
        for &r in rows {
            for ((s, v), m) in var.iter_mut().zip(&x[r * d..(r + 1) * d]).zip(&mean) {
                *s += (v - m) * (v - m);
            }
        }
        // A column constant up to rounding keeps std 1 (it stays constant).
        let std = var
            .into_iter()
            .zip(&mean)
            .map(|(s, m)| {
                let sd = (s / n).sqrt();
                if sd.is_finite() && sd > 1e-12 * m.abs().max(1.0) {
                    sd
                } else {
                    1.0
                }
            })
            .collect();
        Self { mean, std }
    }

    /// Standardizes one row in place.
    #[inline]
    pub fn apply(&self, row: &mut [f64]) {
        for ((v, m), s) in row.iter_mut().zip(&self.mean).zip(&self.std) {
            *v = (*v - m) / s;
        }
    }
}
