//! The weights file (a contract: tests and outside tools read it):
//!
//! ```json
//! {"features": ["x", "y", "x^2"],
//!  "classes": ["0", "1"],
//!  "standardize": {"mean": [..], "std": [..]},
//!  "layers": [{"weights": [[..], ..], "bias": [..], "activation": "tanh"}, ..],
//!  "inputs": ["x", "y"], "target": "class"}
//! ```
//!
//! `features` are computed from a raw row (a column's name, `a^2`, `a*b`,
//! `sin(a)`), standardized by `standardize` (z = (v − mean) / std; `null`:
//! not standardized), then each layer maps x to act(W·x + b), W given as
//! `out` rows of `in` numbers; the last layer is `softmax` over `classes`
//! (`classes` is `null` for a regression, whose last layer is one `linear`
//! unit). `inputs` (the raw columns) and `target` are extra, optional on reading.

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

use super::activation::Activation;
use super::features::{Feature, Standardize};
use super::model::{Layer, Network};

/// Why a weights file cannot become a network. Messages say where (which
/// layer, which key) and what was expected.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum WeightsError {
    /// Not JSON of the expected shape (serde's message, with line and column).
    #[error("not a weights file: {0}")]
    Json(String),
    /// JSON of the right shape whose contents do not fit together.
    #[error("{0}")]
    Invalid(String),
}

#[derive(Serialize, Deserialize)]
struct File {
    features: Vec<String>,
    classes: Option<Vec<String>>,
    standardize: Option<StandardizeFile>,
    layers: Vec<LayerFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    inputs: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct StandardizeFile {
    mean: Vec<f64>,
    std: Vec<f64>,
}

#[derive(Serialize, Deserialize)]
struct LayerFile {
    weights: Vec<Vec<f64>>,
    bias: Vec<f64>,
    activation: String,
}

impl Network {
    /// The weights file of this network (pretty-printed JSON). Numbers are
    /// written so that they read back to the same bits.
    #[must_use]
    pub fn to_json(&self) -> String {
        let file = File {
            features: self.feature_names(),
            classes: self.classes.clone(),
            standardize: self.standardize.as_ref().map(|s| StandardizeFile {
                mean: s.mean.clone(),
                std: s.std.clone(),
            }),
            layers: self
                .layers
                .iter()
                .map(|l| LayerFile {
                    weights: l
                        .weights
                        .row_iter()
                        .map(|r| r.iter().copied().collect())
                        .collect(),
                    bias: l.bias.iter().copied().collect(),
                    activation: l.activation.name().to_owned(),
                })
                .collect(),
            inputs: Some(self.inputs.clone()),
            target: Some(self.target.clone()),
        };
        let mut s = serde_json::to_string_pretty(&file).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Reads a weights file.
    ///
    /// # Errors
    /// [`WeightsError::Json`] for text that is not JSON of the shape above;
    /// [`WeightsError::Invalid`] naming the key or layer for sizes that do
    /// not chain, an unknown activation or feature, a non-finite number, a
    /// std ≤ 0, or outputs that do not match `classes`.
    pub fn from_json(text: &str) -> Result<Self, WeightsError> {
        let file: File =
            serde_json::from_str(text).map_err(|e| WeightsError::Json(e.to_string()))?;
        let bad = |m: String| Err(WeightsError::Invalid(m));
        if file.features.is_empty() {
            return bad("\"features\" is empty: the network needs at least one input".to_owned());
        }
        let inputs = file
            .inputs
            .clone()
            .unwrap_or_else(|| raw_inputs(&file.features));
        let mut features = Vec::with_capacity(file.features.len());
        for name in &file.features {
            let Some(f) = Feature::parse(name, &inputs) else {
                return bad(format!(
                    "\"features\": {name:?} is neither an input column ({}) nor x^2, x*y or sin(x) of them",
                    inputs.join(", ")
                ));
            };
            features.push(f);
        }
        let standardize = match file.standardize {
            None => None,
            Some(s) => {
                let f = features.len();
                if s.mean.len() != f || s.std.len() != f {
                    return bad(format!(
                        "\"standardize\": {} means and {} stds for {f} features",
                        s.mean.len(),
                        s.std.len()
                    ));
                }
                if s.mean.iter().any(|m| !m.is_finite()) {
                    return bad("\"standardize\": a mean is not a finite number".to_owned());
                }
                if s.std.iter().any(|d| !(d.is_finite() && *d > 0.0)) {
                    return bad("\"standardize\": every std must be a finite number > 0".to_owned());
                }
                Some(Standardize {
                    mean: s.mean,
                    std: s.std,
                })
            }
        };
        let layers = read_layers(&file.layers, features.len())?;
        check_output(&layers, file.classes.as_deref())?;
        Ok(Self {
            inputs,
            features,
            standardize,
            layers,
            classes: file.classes,
            target: file.target.unwrap_or_default(),
        })
    }
}

/// Without an `inputs` key: the features that are not made from others.
fn raw_inputs(features: &[String]) -> Vec<String> {
    features
        .iter()
        .filter(|name| derived_from(name, features).is_none())
        .cloned()
        .collect()
}

/// The feature `name` as made from other features of the list, if it is.
fn derived_from(name: &str, all: &[String]) -> Option<Feature> {
    let others: Vec<String> = all.iter().filter(|n| *n != name).cloned().collect();
    Feature::parse(name, &others).filter(|f| !matches!(f, Feature::Raw(_)))
}

fn read_layers(files: &[LayerFile], features: usize) -> Result<Vec<Layer>, WeightsError> {
    let bad = |m: String| Err(WeightsError::Invalid(m));
    if files.is_empty() {
        return bad("\"layers\" is empty: the network needs at least its output layer".to_owned());
    }
    let mut width = features;
    let mut layers = Vec::with_capacity(files.len());
    for (l, file) in files.iter().enumerate() {
        let at = format!("layer {} of {}", l + 1, files.len());
        let out = file.weights.len();
        if out == 0 {
            return bad(format!("{at}: \"weights\" has no rows"));
        }
        if let Some((o, row)) = file
            .weights
            .iter()
            .enumerate()
            .find(|(_, r)| r.len() != width)
        {
            return bad(format!(
                "{at}: row {} of \"weights\" has {} numbers, expected {width} (the {})",
                o + 1,
                row.len(),
                if l == 0 {
                    "features"
                } else {
                    "units of the layer before"
                }
            ));
        }
        if file.bias.len() != out {
            return bad(format!(
                "{at}: \"bias\" has {} numbers for {out} rows of weights",
                file.bias.len()
            ));
        }
        if file
            .weights
            .iter()
            .flatten()
            .chain(&file.bias)
            .any(|v| !v.is_finite())
        {
            return bad(format!("{at}: a weight or bias is not a finite number"));
        }
        let activation: Activation = file
            .activation
            .parse()
            .map_err(|e: String| WeightsError::Invalid(format!("{at}: {e}")))?;
        if activation == Activation::Softmax && l + 1 != files.len() {
            return bad(format!("{at}: softmax is only for the output layer"));
        }
        layers.push(Layer {
            weights: DMatrix::from_row_iterator(out, width, file.weights.iter().flatten().copied()),
            bias: DVector::from_column_slice(&file.bias),
            activation,
        });
        width = out;
    }
    Ok(layers)
}

fn check_output(layers: &[Layer], classes: Option<&[String]>) -> Result<(), WeightsError> {
    let Some(last) = layers.last() else {
        return Ok(());
    };
    let out = last.outputs();
    match classes {
        Some(names) if names.len() != out => Err(WeightsError::Invalid(format!(
            "\"classes\" has {} names but the last layer has {out} units",
            names.len()
        ))),
        Some(_) if last.activation != Activation::Softmax => Err(WeightsError::Invalid(format!(
            "the last layer of a classifier must be softmax, not {}",
            last.activation
        ))),
        None if out != 1 || last.activation != Activation::Linear => {
            Err(WeightsError::Invalid(format!(
                "\"classes\" is null (a regression), so the last layer must be 1 linear unit, not {out} {}",
                last.activation
            )))
        }
        _ => Ok(()),
    }
}
