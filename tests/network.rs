//! The network's math: gradients against finite differences, what training
//! reaches (separable data, two spirals), monotone full-batch descent,
//! reproducibility, the weights file re-evaluated from its JSON alone,
//! divergence, cancel, the layer-flow trace and the data behind it.

use eigenlens::data::{self, LoadProgress, load_builtin};
use eigenlens::math::network::{
    Activation, Extras, HIDDEN_ACTIVATIONS, Layer, NetConfig, NetError, Network, Optimizer,
    Problem, Target, Trainer, grid_points, loss_and_gradient,
};

fn problem(id: &str) -> Problem {
    let ds = load_builtin(id).expect("built-in");
    let label = if ds.labels.is_empty() {
        "target"
    } else {
        "class"
    };
    Problem::from_dataset(&ds, &["x", "y"], label, false).expect("problem")
}

fn trained(config: NetConfig, p: &Problem) -> Trainer {
    let mut t = Trainer::new(config, p).expect("trainer");
    t.run().expect("training");
    t
}

/// Seeded values in [-1, 1).
fn noise(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..n).map(|_| 2.0 * rng.f64() - 1.0).collect()
}

/// A network of the given activation, its first-layer input and targets,
/// with every weight and bias nonzero and random.
fn random_case(activation: Activation, classes: bool, seed: u64) -> (Vec<Layer>, Vec<f64>, Target) {
    let n = 7;
    let p = Problem {
        inputs: vec!["a".into(), "b".into(), "c".into()],
        x: noise(n * 3, seed),
        target: if classes {
            Target::Classes {
                codes: vec![0, 1, 2, 1, 0, 2, 2],
                names: vec!["p".into(), "q".into(), "r".into()],
            }
        } else {
            Target::Values(noise(n, seed + 1))
        },
        target_name: "y".into(),
        rows: (0..n).collect(),
    };
    let config = NetConfig {
        hidden: vec![4, 3],
        activation,
        test_fraction: 0.0,
        standardize: false,
        seed,
        ..NetConfig::default()
    };
    let t = Trainer::new(config, &p).expect("trainer");
    let mut layers = t.network().layers.clone();
    // Biases start at 0; make them random so their gradients are tested too.
    let mut b = noise(20, seed + 2).into_iter();
    for l in &mut layers {
        for v in l.bias.iter_mut() {
            *v = b.next().expect("enough") * 0.5;
        }
    }
    (layers, p.x, p.target)
}

/// Every ∂J/∂θ agrees with the central difference (J(θ+h) − J(θ−h)) / 2h,
/// for each hidden activation, both losses, and with L1 and L2 on.
#[test]
fn every_gradient_agrees_with_finite_differences() {
    let h = 1e-6;
    for (k, &activation) in HIDDEN_ACTIVATIONS.iter().enumerate() {
        for classes in [true, false] {
            for (l1, l2) in [(0.0, 0.0), (0.01, 0.0), (0.0, 0.05), (0.02, 0.03)] {
                let (layers, x, target) = random_case(activation, classes, 10 + k as u64);
                let (_, grad) = loss_and_gradient(&layers, &x, &target, l1, l2);
                let j = |layers: &[Layer]| loss_and_gradient(layers, &x, &target, l1, l2).0;
                let mut checked = 0;
                for l in 0..layers.len() {
                    for idx in 0..layers[l].weights.len() + layers[l].bias.len() {
                        let nw = layers[l].weights.len();
                        let mut plus = layers.clone();
                        let mut minus = layers.clone();
                        let (analytic, p, m) = if idx < nw {
                            (
                                grad.weights[l].as_slice()[idx],
                                &mut plus[l].weights.as_mut_slice()[idx],
                                &mut minus[l].weights.as_mut_slice()[idx],
                            )
                        } else {
                            (
                                grad.bias[l][idx - nw],
                                &mut plus[l].bias.as_mut_slice()[idx - nw],
                                &mut minus[l].bias.as_mut_slice()[idx - nw],
                            )
                        };
                        *p += h;
                        *m -= h;
                        let numeric = (j(&plus) - j(&minus)) / (2.0 * h);
                        assert!(
                            (numeric - analytic).abs() <= 1e-6 * (1.0 + analytic.abs()),
                            "{activation} classes={classes} l1={l1} l2={l2} layer {l} parameter {idx}: analytic {analytic}, numeric {numeric}"
                        );
                        checked += 1;
                    }
                }
                assert_eq!(
                    checked,
                    4 * 3 + 4 + 3 * 4 + 3 + if classes { 3 * 3 + 3 } else { 3 + 1 }
                );
            }
        }
    }
}

/// Logistic regression (no hidden layer) separates two far-apart Gaussians
/// completely.
#[test]
fn zero_hidden_layers_separate_separable_data() {
    let ds = data::generator("gauss")
        .expect("gauss")
        .generate(400, 0.5, 3);
    let p = Problem::from_dataset(&ds, &["x", "y"], "class", false).expect("problem");
    let config = NetConfig {
        hidden: vec![],
        epochs: 50,
        ..NetConfig::default()
    };
    let t = trained(config, &p);
    assert_eq!(t.network().layers.len(), 1);
    let last = t.last();
    assert_eq!(last.train_accuracy, Some(1.0), "{last:?}");
    assert_eq!(last.test_accuracy, Some(1.0), "{last:?}");
}

/// Two hidden layers unroll the two spirals: test accuracy at least 95%
/// (and a network without hidden layers cannot: near chance).
#[test]
fn two_spirals_reach_95_percent_with_two_hidden_layers() {
    let p = problem("spiral");
    let config = NetConfig {
        hidden: vec![16, 16],
        epochs: 300,
        ..NetConfig::default()
    };
    let t = trained(config.clone(), &p);
    let acc = t.last().test_accuracy.expect("test rows");
    assert!(acc >= 0.95, "test accuracy {acc}");
    let linear = trained(
        NetConfig {
            hidden: vec![],
            epochs: 50,
            ..config
        },
        &p,
    );
    let chance = linear.last().test_accuracy.expect("test rows");
    assert!(chance < 0.75, "a linear model on spirals got {chance}");
}

/// Full-batch gradient descent with a small rate never raises the objective
/// (loss plus penalties), for every hidden activation, classes and regression.
#[test]
fn full_batch_descent_with_a_small_rate_never_rises() {
    for &activation in &HIDDEN_ACTIVATIONS {
        for id in ["moons", "bump"] {
            let p = problem(id);
            let config = NetConfig {
                hidden: vec![6, 4],
                activation,
                optimizer: Optimizer::Sgd,
                learning_rate: 0.05,
                batch_size: 100_000,
                epochs: 150,
                l2: 0.001,
                l1: 0.0005,
                ..NetConfig::default()
            };
            let t = trained(config, &p);
            let mut before = t.initial().objective;
            for s in t.history() {
                assert!(
                    s.objective <= before + 1e-12,
                    "{activation} on {id}: epoch {} objective {} after {before}",
                    s.epoch,
                    s.objective
                );
                before = s.objective;
            }
            assert!(
                before < t.initial().objective,
                "{activation} on {id} did not descend"
            );
        }
    }
}

/// The same seed gives the same split, weights and history to the bit; another seed differs.
#[test]
fn same_seed_same_numbers() {
    let p = problem("xor");
    let config = NetConfig {
        epochs: 20,
        optimizer: Optimizer::Momentum,
        learning_rate: 0.02,
        ..NetConfig::default()
    };
    let a = trained(config.clone(), &p);
    let b = trained(config.clone(), &p);
    assert_eq!(a.network(), b.network());
    assert_eq!(a.split(), b.split());
    let strip = |t: &Trainer| -> Vec<(f64, Option<f64>, Option<f64>)> {
        t.history()
            .iter()
            .map(|s| (s.train_loss, s.test_loss, s.test_accuracy))
            .collect()
    };
    assert_eq!(strip(&a), strip(&b));
    let c = trained(NetConfig { seed: 1, ..config }, &p);
    assert_ne!(a.network().layers, c.network().layers);
    assert_ne!(a.split(), c.split());
}

/// A prediction recomputed from the weights file alone, read as generic
/// JSON: features from their names, standardized, then act(W·x + b) layer
/// after layer, as an outside tool would.
fn reevaluate(json: &serde_json::Value, inputs: &[&str], raw: &[f64]) -> Vec<f64> {
    let f64s = |v: &serde_json::Value| -> Vec<f64> {
        v.as_array()
            .expect("array")
            .iter()
            .map(|x| x.as_f64().expect("number"))
            .collect()
    };
    let col = |name: &str| inputs.iter().position(|&i| i == name).expect("input");
    let mut x: Vec<f64> = json["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| {
            let name = f.as_str().expect("name");
            if let Some(base) = name.strip_suffix("^2") {
                raw[col(base)] * raw[col(base)]
            } else if let Some(inner) = name.strip_prefix("sin(").and_then(|s| s.strip_suffix(')'))
            {
                raw[col(inner)].sin()
            } else if let Some((a, b)) = name.split_once('*') {
                raw[col(a)] * raw[col(b)]
            } else {
                raw[col(name)]
            }
        })
        .collect();
    if !json["standardize"].is_null() {
        let mean = f64s(&json["standardize"]["mean"]);
        let std = f64s(&json["standardize"]["std"]);
        for ((v, m), s) in x.iter_mut().zip(mean).zip(std) {
            *v = (*v - m) / s;
        }
    }
    for layer in json["layers"].as_array().expect("layers") {
        let bias = f64s(&layer["bias"]);
        let mut z: Vec<f64> = layer["weights"]
            .as_array()
            .expect("weights")
            .iter()
            .zip(&bias)
            .map(|(row, b)| {
                let mut s = 0.0;
                for (w, xi) in f64s(row).iter().zip(&x) {
                    s += w * xi;
                }
                s + b
            })
            .collect();
        match layer["activation"].as_str().expect("activation") {
            "tanh" => z.iter_mut().for_each(|v| *v = v.tanh()),
            "relu" => z.iter_mut().for_each(|v| *v = v.max(0.0)),
            "leaky-relu" => z
                .iter_mut()
                .for_each(|v| *v = if *v > 0.0 { *v } else { 0.01 * *v }),
            "sigmoid" => z.iter_mut().for_each(|v| *v = 1.0 / (1.0 + (-*v).exp())),
            "linear" => {}
            "softmax" => {
                let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let mut sum = 0.0;
                for v in &mut z {
                    *v = (*v - m).exp();
                    sum += *v;
                }
                for v in &mut z {
                    *v /= sum;
                }
            }
            other => panic!("unknown activation {other}"),
        }
        x = z;
    }
    x
}

/// The weights file reads back to the same network, and re-evaluating its
/// JSON without the crate gives the network's predictions (to the bit
/// without tanh, within 1e-14 with it), with every extra feature and for a
/// regression.
#[test]
fn weights_file_round_trips_and_reproduces_predictions() {
    let all = Extras {
        x_squared: true,
        y_squared: true,
        product: true,
        sin_x: true,
        sin_y: true,
    };
    for (id, activation) in [
        ("circles", Activation::Tanh),
        ("bump", Activation::Sigmoid),
        ("moons", Activation::LeakyRelu),
    ] {
        let p = problem(id);
        let config = NetConfig {
            hidden: vec![5, 3],
            activation,
            epochs: 5,
            extras: all,
            ..NetConfig::default()
        };
        let t = trained(config, &p);
        let net = t.network();
        let text = net.to_json();
        let back = Network::from_json(&text).expect("reads back");
        assert_eq!(&back, net);
        let json: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(json["features"].as_array().expect("features").len(), 7);
        assert_eq!(json["features"][4], "x*y");
        assert_eq!(json["classes"].is_null(), id == "bump");
        let predicted = net.predict(&p.x).expect("predict");
        let k = net.outputs();
        for i in (0..p.len()).step_by(7) {
            let again = reevaluate(&json, &["x", "y"], p.row(i));
            let ours = &predicted[i * k..(i + 1) * k];
            // To the last bits: eigenlens's tanh is within 3e-16 of libm's.
            for (a, b) in again.iter().zip(ours) {
                assert!(
                    (a - b).abs() <= 1e-14,
                    "{id} row {i}: {again:?} vs {ours:?}"
                );
            }
            if activation != Activation::Tanh {
                assert_eq!(again, ours, "{id} row {i}: bit for bit without tanh");
            }
        }
        // Without the optional "inputs" key the raw columns are inferred.
        let mut bare = json.clone();
        bare.as_object_mut().expect("object").remove("inputs");
        let inferred = Network::from_json(&bare.to_string()).expect("reads without inputs");
        assert_eq!(inferred.inputs, ["x", "y"]);
        assert_eq!(inferred.predict(&p.x).expect("predict"), predicted);
    }
}

/// Broken weights files are refused with a message naming what is wrong.
#[test]
fn bad_weights_files_say_what_is_wrong() {
    let p = problem("circles");
    let t = trained(
        NetConfig {
            epochs: 1,
            ..NetConfig::default()
        },
        &p,
    );
    let good: serde_json::Value = serde_json::from_str(&t.network().to_json()).expect("json");
    let with = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut v = good.clone();
        edit(&mut v);
        Network::from_json(&v.to_string())
            .expect_err("refused")
            .to_string()
    };
    let e = Network::from_json("{not json")
        .expect_err("refused")
        .to_string();
    assert!(e.starts_with("not a weights file"), "{e}");
    let e = with(&|v| {
        v.as_object_mut().expect("object").remove("layers");
    });
    assert!(e.contains("missing field `layers`"), "{e}");
    let e = with(&|v| v["layers"][1]["weights"][0] = serde_json::json!([1.0]));
    assert!(
        e.contains("layer 2 of 3") && e.contains("expected 8"),
        "{e}"
    );
    let e = with(&|v| v["layers"][0]["activation"] = serde_json::json!("swish"));
    assert!(
        e.contains("layer 1 of 3") && e.contains("unknown activation"),
        "{e}"
    );
    let e = with(&|v| v["classes"] = serde_json::json!(["a", "b", "c"]));
    assert!(e.contains("\"classes\" has 3 names"), "{e}");
    let e = with(&|v| v["standardize"]["std"][0] = serde_json::json!(0.0));
    assert!(e.contains("std"), "{e}");
    let e = with(&|v| v["features"][0] = serde_json::json!("cos(y)"));
    assert!(e.contains("cos(y)"), "{e}");
    let e = with(&|v| v["layers"][0]["bias"] = serde_json::json!([1.0]));
    assert!(e.contains("\"bias\" has 1 numbers for 8"), "{e}");
}

/// A rate far too large diverges: the error says so and suggests a smaller
/// rate, the weights are those of the epoch before and finite, and every
/// later epoch returns the same error.
#[test]
fn divergence_is_reported_and_weights_stay_finite() {
    let p = problem("plane");
    let config = NetConfig {
        hidden: vec![8],
        activation: Activation::Relu,
        optimizer: Optimizer::Sgd,
        learning_rate: 50.0,
        batch_size: 8,
        epochs: 100,
        standardize: false,
        ..NetConfig::default()
    };
    let mut t = Trainer::new(config, &p).expect("trainer");
    let before = t.network().clone();
    let e = t.run().expect_err("diverges");
    let NetError::Diverged { epoch, kept, .. } = &e else {
        panic!("expected divergence, got {e}");
    };
    assert_eq!(*kept, epoch - 1);
    assert_eq!(t.history().len(), *kept);
    let message = e.to_string();
    assert!(
        message.contains("try a learning rate smaller than 50"),
        "{message}"
    );
    let net = t.network();
    assert!(
        net.layers
            .iter()
            .all(|l| l.weights.iter().chain(l.bias.iter()).all(|w| w.is_finite()))
    );
    if *kept == 0 {
        assert_eq!(net, &before);
    }
    assert_eq!(t.epoch().expect_err("stays stopped").to_string(), message);
    assert!(t.is_finished());
}

/// A cancelled run stops before the next epoch and can go on later.
#[test]
fn cancel_stops_training_and_it_can_resume() {
    let p = problem("circles");
    let mut t = Trainer::new(
        NetConfig {
            epochs: 5,
            ..NetConfig::default()
        },
        &p,
    )
    .expect("trainer");
    t.epochs(2).expect("two epochs");
    let progress = LoadProgress::new();
    progress.cancel();
    assert_eq!(t.run_with(&progress), Err(NetError::Cancelled(2)));
    assert_eq!(t.epochs_done(), 2);
    t.run_with(&LoadProgress::new()).expect("resumes");
    assert_eq!(t.epochs_done(), 5);
}

/// Layer flow: for every layer, pre = linear + b and post = σ(pre); the
/// input is the standardized features; the last layer's post is predict's
/// output; and a grid of the plane traces too.
#[test]
fn trace_gives_each_stage_of_every_layer() {
    let p = problem("circles");
    let t = trained(
        NetConfig {
            hidden: vec![3, 2],
            epochs: 3,
            ..NetConfig::default()
        },
        &p,
    );
    let net = t.network();
    let trace = net.trace(&p.x).expect("trace");
    assert_eq!(trace.input.nrows(), p.len());
    assert_eq!(
        trace.input.row(4).iter().copied().collect::<Vec<_>>(),
        t.prepared()[8..10]
    );
    for (l, (layer, stage)) in net.layers.iter().zip(&trace.layers).enumerate() {
        let x = if l == 0 {
            &trace.input
        } else {
            &trace.layers[l - 1].post
        };
        let wx = x * layer.weights.transpose();
        assert!((&wx - &stage.linear).amax() < 1e-12, "layer {l}");
        for i in 0..p.len() {
            for o in 0..layer.outputs() {
                assert_eq!(
                    stage.pre[(i, o)].to_bits(),
                    (stage.linear[(i, o)] + layer.bias[o]).to_bits()
                );
            }
        }
        if layer.activation != Activation::Softmax {
            assert_eq!(stage.post, stage.pre.map(|z| layer.activation.apply(z)));
        }
    }
    let last = &trace.layers[2].post;
    let predicted = net.predict(&p.x).expect("predict");
    assert_eq!(
        last.row(10).iter().copied().collect::<Vec<_>>(),
        predicted[20..22]
    );
    let grid = grid_points((-6.0, 6.0), (-6.0, 6.0), 16, 8);
    assert_eq!(grid.len(), 2 * 16 * 8);
    assert_eq!(grid[..4], [-5.625, -5.25, -4.875, -5.25]);
    let g = net.trace(&grid).expect("grid");
    assert_eq!(g.layers[1].post.shape(), (128, 2));
    assert!(net.predict(&[1.0, 2.0, 3.0]).is_err());
}

/// Problems from tables: classes from a text label, a regression from a
/// numeric one, classes from a numeric one with `classify`, and errors that
/// name the column.
#[test]
fn problems_from_tables() {
    let iris = load_builtin("iris").expect("iris");
    let cols = ["sepal_length", "sepal_width", "petal_length", "petal_width"];
    let p = Problem::from_dataset(&iris, &cols, "species", false).expect("iris");
    assert!(matches!(&p.target, Target::Classes { names, .. } if names.len() == 3));
    let r = Problem::from_dataset(&iris, &cols[..3], "petal_width", false).expect("regression");
    assert!(matches!(r.target, Target::Values(_)));
    let c = Problem::from_dataset(&iris, &cols[..3], "petal_width", true).expect("classes");
    assert!(matches!(&c.target, Target::Classes { names, .. } if names.len() == 22));
    let e = Problem::from_dataset(&iris, &["nope"], "species", false).expect_err("unknown");
    assert!(
        e.to_string()
            .starts_with("features: column \"nope\" does not exist"),
        "{e}"
    );
    let e = Problem::from_dataset(&iris, &cols, "colour", false).expect_err("unknown label");
    assert!(
        e.to_string().starts_with("label: no column \"colour\""),
        "{e}"
    );
    let e = Problem::from_dataset(&iris, &["species"], "petal_width", false).expect_err("text");
    assert!(e.to_string().contains("is text"), "{e}");
    // Extras need two inputs.
    let config = NetConfig {
        extras: "x1^2".parse().expect("extras"),
        ..NetConfig::default()
    };
    let e = Trainer::new(config, &p).expect_err("four inputs");
    assert!(e.to_string().starts_with("features = "), "{e}");
}

/// The generators: same seed same points, another seed others; balanced
/// classes; digits as scikit-learn ships them.
#[test]
fn generated_sets_and_digits() {
    for g in data::GENERATORS {
        let a = g.generate(101, 0.2, 5);
        assert_eq!(a, g.generate(101, 0.2, 5), "{}", g.id);
        assert_ne!(a, g.generate(101, 0.2, 6), "{}", g.id);
        assert_eq!(a.n_rows, 101);
        assert!(
            a.columns.iter().all(|c| c.values.len() == 101
                && c.values.iter().all(|v| v.is_finite() && v.abs() < 10.0))
        );
        if let Some(l) = a.labels.first() {
            let ones = l.codes.iter().filter(|&&c| c == 1).count();
            assert!((40..=61).contains(&ones), "{}: {ones} of class 1", g.id);
        }
        assert_eq!(g.regression, a.labels.is_empty());
        assert_eq!(load_builtin(g.id).expect("builtin"), g.generate_default());
    }
    let d = load_builtin("digits").expect("digits");
    assert_eq!((d.n_rows, d.columns.len()), (1797, 64));
    assert_eq!(d.columns[63].name, "pix_63");
    let first: Vec<f64> = d.columns[..8].iter().map(|c| c.values[0]).collect();
    assert_eq!(first, [0.0, 0.0, 5.0, 13.0, 9.0, 1.0, 0.0, 0.0]);
    let label = d.label("label").expect("label");
    assert_eq!(label.categories.len(), 10);
    let zeros = label.codes.iter().filter(|&&c| c == 0).count();
    assert_eq!(zeros, 178);
}

/// Epochs run with the statistics on a second thread (`epochs`, `run`) give
/// the same history and weights, to the bit, as `epoch` after `epoch`; and
/// a divergence keeps the same weights and says the same either way.
#[test]
fn pipelined_epochs_equal_epoch_after_epoch() {
    let strip = |t: &Trainer| -> Vec<_> {
        t.history()
            .iter()
            .map(|s| {
                let (a, b, c, d) = (s.train_loss, s.test_loss, s.train_accuracy, s.test_accuracy);
                (s.epoch, a, b, c, d, s.objective)
            })
            .collect()
    };
    let calm = NetConfig {
        epochs: 12,
        ..NetConfig::default()
    };
    let wild = NetConfig {
        hidden: vec![8],
        activation: Activation::Relu,
        optimizer: Optimizer::Sgd,
        learning_rate: 50.0,
        batch_size: 8,
        epochs: 100,
        standardize: false,
        ..NetConfig::default()
    };
    // Rate 50 diverges in the first epoch; "blown" has a weight set huge
    // after 5 calm epochs, so epoch 6 diverges while epoch 7 is training.
    for (id, config, blown) in [
        ("xor", calm.clone(), false),
        ("plane", wild, false),
        ("xor", calm, true),
    ] {
        let p = problem(id);
        let mut piped = Trainer::new(config.clone(), &p).expect("trainer");
        let mut plain = Trainer::new(config, &p).expect("trainer");
        if blown {
            for t in [&mut piped, &mut plain] {
                t.epochs(5).expect("calm");
                let last = t.network().layers.len() - 1;
                assert!(t.set_weight(last, 0, 0, 1e9));
            }
        }
        let piped_end = piped.run().err().map(|e| e.to_string());
        let mut plain_end = None;
        while !plain.is_finished() {
            if let Err(e) = plain.epoch() {
                plain_end = Some(e.to_string());
            }
        }
        if blown {
            let e = plain_end.as_deref().unwrap_or_default();
            assert!(e.contains("diverged at epoch 6"), "{e}");
        }
        assert_eq!(piped_end, plain_end, "{id}");
        assert_eq!(strip(&piped), strip(&plain), "{id}");
        assert_eq!(piped.network(), plain.network(), "{id}");
    }
}
