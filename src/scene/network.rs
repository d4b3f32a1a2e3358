//! The `[network]` table: settings of the Network view.

use serde::{Deserialize, Deserializer, Serialize};

use super::check::{
    Misfit, de_f64_in, de_progress, de_usize_in, no_label_column, no_numeric_column,
};
use crate::data::Dataset;
use crate::math::network::{
    Activation, Extras, MAX_EPOCHS, MAX_HIDDEN_LAYERS, MAX_UNITS, NetConfig, Optimizer,
};

/// Most points added by clicks on the input plane.
pub const MAX_ADDED: usize = 10_000;

/// σ of the hidden layers (a scene's `activation`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NetActivation {
    Relu,
    LeakyRelu,
    #[default]
    Tanh,
    Sigmoid,
    Linear,
}

impl NetActivation {
    /// Every choice, in menu order.
    pub const ALL: [Self; 5] = [
        Self::Relu,
        Self::LeakyRelu,
        Self::Tanh,
        Self::Sigmoid,
        Self::Linear,
    ];

    /// The math's activation.
    #[must_use]
    pub fn activation(self) -> Activation {
        match self {
            Self::Relu => Activation::Relu,
            Self::LeakyRelu => Activation::LeakyRelu,
            Self::Tanh => Activation::Tanh,
            Self::Sigmoid => Activation::Sigmoid,
            Self::Linear => Activation::Linear,
        }
    }
}

/// How the weights step (a scene's `optimizer`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetOptimizer {
    Sgd,
    Momentum,
    #[default]
    Adam,
}

impl NetOptimizer {
    /// Every choice, in menu order.
    pub const ALL: [Self; 3] = [Self::Sgd, Self::Momentum, Self::Adam];

    /// The math's optimizer.
    #[must_use]
    pub fn optimizer(self) -> Optimizer {
        match self {
            Self::Sgd => Optimizer::Sgd,
            Self::Momentum => Optimizer::Momentum,
            Self::Adam => Optimizer::Adam,
        }
    }
}

/// What the Network view's large panel shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkPanel {
    /// One node per unit with a thumbnail of its output, edges by weight.
    #[default]
    Diagram,
    /// The points and the grid carried through the layers: W x, + b, σ.
    Flow,
}

/// The `[network]` table.
#[expect(
    clippy::struct_excessive_bools,
    reason = "the extra inputs are five independent switches, each a scene key"
)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkSettings {
    /// Input columns; empty: `x` and `y` if the table has them, else every
    /// numeric column but the label.
    pub features: Vec<String>,
    /// The label column (a text column: classes; a numeric one: a
    /// regression); empty: the first text column, else `target`.
    pub label: String,
    /// Units of each hidden layer, input side first (0 to 6 layers of 1 to 16).
    #[serde(deserialize_with = "de_layers")]
    pub layers: Vec<usize>,
    pub activation: NetActivation,
    pub optimizer: NetOptimizer,
    #[serde(deserialize_with = "de_rate")]
    pub learning_rate: f64,
    #[serde(deserialize_with = "de_batch")]
    pub batch: usize,
    #[serde(deserialize_with = "de_l1")]
    pub l1: f64,
    #[serde(deserialize_with = "de_l2")]
    pub l2: f64,
    /// Share of the points held out as the test set.
    #[serde(deserialize_with = "de_test_fraction")]
    pub test_fraction: f64,
    /// Seed of the split, the initial weights and the shuffles.
    pub seed: u64,
    /// Epochs Train runs to.
    #[serde(deserialize_with = "de_epochs")]
    pub epochs: usize,
    /// Epochs trained when the scene opens (the same numbers every time, for
    /// the same seed); also the epoch the history slider shows.
    #[serde(deserialize_with = "de_epochs")]
    pub epoch: usize,
    /// Extra inputs made from two columns: x², y², x·y, sin x, sin y.
    pub x_squared: bool,
    pub y_squared: bool,
    pub product: bool,
    pub sin_x: bool,
    pub sin_y: bool,
    /// The large panel.
    pub panel: NetworkPanel,
    /// The flow's layer: 0 plays the whole network, 1.. one layer.
    #[serde(deserialize_with = "de_layer")]
    pub layer: usize,
    /// Where the flow is, 0..=1 (each layer: W x, + b, σ in equal thirds).
    #[serde(deserialize_with = "de_progress")]
    pub progress: f32,
    /// The node shown large in the diagram, as (layer, unit); layer 0 is
    /// the inputs.
    #[serde(deserialize_with = "super::check::exact_some")]
    pub node: Option<[usize; 2]>,
    /// The flow draws a stage wider than 3 units through these two units
    /// (1-based: horizontal, vertical) instead of through its PCA; a stage
    /// narrower than a number uses its last unit.
    #[serde(deserialize_with = "de_units")]
    pub units: Option<[usize; 2]>,
    /// For a built-in 2D set (circles, xor, gauss, spiral, moons, plane,
    /// bump): its point count (0: the set's default), noise (negative: the
    /// default) and seed.
    #[serde(deserialize_with = "de_points")]
    pub points: usize,
    #[serde(deserialize_with = "de_noise")]
    pub noise: f64,
    pub data_seed: u64,
    /// Points added on the input plane, as (x, y, class code).
    #[serde(deserialize_with = "de_added")]
    pub added: Vec<[f64; 3]>,
    /// Rows taken out (0-based, of the table or generated set).
    pub removed: Vec<usize>,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        Self {
            features: Vec::new(),
            label: String::new(),
            layers: vec![4, 2],
            activation: NetActivation::Tanh,
            optimizer: NetOptimizer::Adam,
            learning_rate: 0.03,
            batch: 10,
            l1: 0.0,
            l2: 0.0,
            test_fraction: 0.3,
            seed: 0,
            epochs: 300,
            epoch: 0,
            x_squared: false,
            y_squared: false,
            product: false,
            sin_x: false,
            sin_y: false,
            panel: NetworkPanel::Diagram,
            layer: 0,
            progress: 1.0,
            node: None,
            units: None,
            points: 0,
            noise: -1.0,
            data_seed: 0,
            added: Vec::new(),
            removed: Vec::new(),
        }
    }
}

impl NetworkSettings {
    /// The extra inputs.
    #[must_use]
    pub fn extras(&self) -> Extras {
        Extras {
            x_squared: self.x_squared,
            y_squared: self.y_squared,
            product: self.product,
            sin_x: self.sin_x,
            sin_y: self.sin_y,
        }
    }

    /// The math's configuration (the epochs of a run are Train's goal).
    #[must_use]
    pub fn config(&self) -> NetConfig {
        NetConfig {
            hidden: self.layers.clone(),
            activation: self.activation.activation(),
            optimizer: self.optimizer.optimizer(),
            learning_rate: self.learning_rate,
            batch_size: self.batch,
            epochs: self.epochs.max(self.epoch),
            l1: self.l1,
            l2: self.l2,
            test_fraction: self.test_fraction,
            seed: self.seed,
            standardize: true,
            extras: self.extras(),
        }
    }

    /// The label column for `ds`: the setting, else the first text column,
    /// else a numeric `target`.
    #[must_use]
    pub fn label_column<'a>(&'a self, ds: &'a Dataset) -> Option<&'a str> {
        if !self.label.is_empty() {
            return Some(&self.label);
        }
        ds.labels
            .first()
            .map(|l| l.name.as_str())
            .or_else(|| ds.column("target").map(|c| c.name.as_str()))
    }

    /// The input columns for `ds`: the setting, else `x` and `y`, else
    /// every numeric column but the label.
    #[must_use]
    pub fn feature_columns(&self, ds: &Dataset) -> Vec<String> {
        if !self.features.is_empty() {
            return self.features.clone();
        }
        if ds.column("x").is_some() && ds.column("y").is_some() {
            return vec!["x".to_owned(), "y".to_owned()];
        }
        let label = self.label_column(ds).unwrap_or_default();
        ds.columns
            .iter()
            .filter(|c| c.name != label)
            .map(|c| c.name.clone())
            .collect()
    }

    /// Checks the column names against `ds`.
    pub(super) fn check_against(&self, ds: &Dataset) -> Result<(), Misfit> {
        let bad = |key: &'static str, message: String| Err(Misfit::new("network", key, message));
        for name in &self.features {
            if ds.column(name).is_none() {
                return bad("features", no_numeric_column("network.features", ds, name));
            }
        }
        if !self.label.is_empty()
            && ds.label(&self.label).is_none()
            && ds.column(&self.label).is_none()
        {
            return bad("label", no_label_column("network.label", ds, &self.label));
        }
        if self.features.contains(&self.label) {
            return bad(
                "features",
                format!(
                    "network.features: {:?} is the label; a column cannot predict itself",
                    self.label
                ),
            );
        }
        Ok(())
    }
}

fn de_layers<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<usize>, D::Error> {
    let v = Vec::<i64>::deserialize(d)?;
    if v.len() > MAX_HIDDEN_LAYERS {
        return Err(serde::de::Error::custom(format!(
            "network.layers: at most {MAX_HIDDEN_LAYERS} hidden layers, got {}",
            v.len()
        )));
    }
    v.into_iter()
        .map(|u| {
            usize::try_from(u)
                .ok()
                .filter(|u| (1..=MAX_UNITS).contains(u))
                .ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "network.layers: each layer has 1 to {MAX_UNITS} units, got {u}"
                    ))
                })
        })
        .collect()
}

fn de_rate<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    de_f64_in(d, "network.learning_rate", 0.0..=10.0, true)
}

fn de_batch<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    de_usize_in(d, "network.batch", 1..=1_000_000)
}

fn de_l1<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    de_f64_in(d, "network.l1", 0.0..=10.0, false)
}

fn de_l2<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    de_f64_in(d, "network.l2", 0.0..=10.0, false)
}

fn de_test_fraction<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    de_f64_in(d, "network.test_fraction", 0.0..=0.9, false)
}

fn de_epochs<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    de_usize_in(d, "network epochs", 0..=MAX_EPOCHS)
}

fn de_layer<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    de_usize_in(d, "network.layer", 0..=MAX_HIDDEN_LAYERS + 1)
}

fn de_units<'de, D: Deserializer<'de>>(d: D) -> Result<Option<[usize; 2]>, D::Error> {
    let [a, b]: [usize; 2] = super::check::exact(d)?;
    if a != 0 && b != 0 && a != b {
        Ok(Some([a, b]))
    } else {
        Err(serde::de::Error::custom(format!(
            "network.units: two different unit numbers, counted from 1, got [{a}, {b}]"
        )))
    }
}

fn de_points<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    de_usize_in(d, "network.points", 0..=crate::data::MAX_POINTS)
}

fn de_noise<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let v = f64::deserialize(d)?;
    if v.is_finite() && v <= 10.0 {
        Ok(v)
    } else {
        Err(serde::de::Error::custom(format!(
            "network.noise: must be at most 10 (negative: the set's default), got {}",
            crate::math::fmt_typed(v)
        )))
    }
}

fn de_added<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<[f64; 3]>, D::Error> {
    let v: Vec<[f64; 3]> = super::check::exact_each(d)?;
    if let Some(p) = v.iter().find(|p| {
        !p.iter().all(|c| c.is_finite()) || p[2] < 0.0 || p[2].fract() != 0.0 || p[2] > 1e6
    }) {
        return Err(serde::de::Error::custom(format!(
            "network.added: each point is [x, y, class] with finite x, y and a class number 0, 1, …; got {p:?}"
        )));
    }
    Ok(v)
}
