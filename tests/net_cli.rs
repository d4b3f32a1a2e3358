//! `eigenlens net`: the real binary, its JSON, the weights file re-evaluated
//! against the reported accuracies, divergence, and bad input exiting 2
//! with one line naming the parameter or column.

use std::process::{Command, Output};

use eigenlens::data::load_builtin;
use eigenlens::math::network::Network;

fn eigenlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eigenlens"))
        .args(args)
        .output()
        .expect("run eigenlens")
}

fn assert_bad_input(o: &Output, must_contain: &[&str]) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert!(err.starts_with("error: "), "stderr: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    for s in must_contain {
        assert!(err.contains(s), "expected {s:?} in: {err}");
    }
}

fn json_of(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("json")
}

/// The JSON has the contract's keys, one history entry per epoch, and a
/// network that learned the circles; the weights file, evaluated on every
/// row, classifies exactly as many right as the reported accuracies say.
#[test]
fn json_and_weights_file_agree() {
    let dir = tempfile::tempdir().expect("tempdir");
    let weights = dir.path().join("w.json");
    let w = weights.to_str().expect("utf-8 path");
    let o = eigenlens(&[
        "net",
        "builtin:circles",
        "--layers",
        "6,4",
        "--epochs",
        "40",
        "--seed",
        "3",
        "--json",
        "--save-weights",
        w,
    ]);
    let v = json_of(&o);
    for key in [
        "samples",
        "features",
        "classes",
        "layers",
        "history",
        "train_accuracy",
        "test_accuracy",
        "fit_seconds",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["samples"], 500);
    assert_eq!(v["features"], serde_json::json!(["x", "y"]));
    assert_eq!(v["classes"], serde_json::json!(["0", "1"]));
    assert_eq!(v["layers"], serde_json::json!([6, 4]));
    let history = v["history"].as_array().expect("history");
    assert_eq!(history.len(), 40);
    for (i, h) in history.iter().enumerate() {
        assert_eq!(h["epoch"], i + 1);
        for key in ["train_loss", "test_loss", "train_accuracy", "test_accuracy"] {
            assert!(h[key].as_f64().is_some(), "epoch {} {key}", i + 1);
        }
    }
    let train_acc = v["train_accuracy"].as_f64().expect("train accuracy");
    let test_acc = v["test_accuracy"].as_f64().expect("test accuracy");
    assert!(test_acc > 0.9, "test accuracy {test_acc}");
    assert!(v["fit_seconds"].as_f64().expect("seconds") > 0.0);

    let text = std::fs::read_to_string(&weights).expect("weights written");
    let net = Network::from_json(&text).expect("weights read");
    let ds = load_builtin("circles").expect("circles");
    let raw: Vec<f64> = (0..ds.n_rows)
        .flat_map(|i| [ds.columns[0].values[i], ds.columns[1].values[i]])
        .collect();
    let predicted = net.classify(&raw).expect("classify");
    let truth = &ds.label("class").expect("class").codes;
    let right = predicted
        .iter()
        .zip(truth)
        .filter(|(p, t)| **p == **t as usize)
        .count();
    let n_train = v["train_samples"].as_f64().expect("train samples");
    let n_test = v["test_samples"].as_f64().expect("test samples");
    let reported = train_acc * n_train + test_acc * n_test;
    assert_eq!(right, reported.round() as usize);

    // Same seed, same numbers.
    let again = json_of(&eigenlens(&[
        "net",
        "builtin:circles",
        "--layers",
        "6,4",
        "--epochs",
        "40",
        "--seed",
        "3",
        "--json",
    ]));
    assert_eq!(again["history"], v["history"]);
}

/// A numeric label is a regression: no classes, accuracies null, and the
/// generated set's size and noise follow --points and --noise.
#[test]
fn regression_and_generated_set_options() {
    let v = json_of(&eigenlens(&[
        "net",
        "builtin:plane",
        "--label",
        "target",
        "--layers",
        "none",
        "--epochs",
        "100",
        "--learning-rate",
        "0.05",
        "--points",
        "200",
        "--noise",
        "0",
        "--json",
    ]));
    assert_eq!(v["samples"], 200);
    assert!(v["classes"].is_null());
    assert!(v["train_accuracy"].is_null());
    assert_eq!(v["layers"], serde_json::json!([]));
    // A noiseless plane is fitted by linear regression almost exactly.
    let loss = v["train_loss"].as_f64().expect("loss");
    assert!(loss < 1e-6, "train loss {loss}");
}

/// Digits: 64 pixel features, ten classes, learned well by one hidden layer.
#[test]
fn digits_learn() {
    let v = json_of(&eigenlens(&[
        "net",
        "builtin:digits",
        "--layers",
        "16",
        "--epochs",
        "30",
        "--json",
    ]));
    assert_eq!(v["features"].as_array().expect("features").len(), 64);
    assert_eq!(v["classes"].as_array().expect("classes").len(), 10);
    let acc = v["test_accuracy"].as_f64().expect("accuracy");
    assert!(acc > 0.9, "digits test accuracy {acc}");
}

/// A rate far too large: exit 2 with a message suggesting a smaller rate,
/// and the saved weights are finite.
#[test]
fn divergence_exits_2_and_saves_finite_weights() {
    let dir = tempfile::tempdir().expect("tempdir");
    let weights = dir.path().join("w.json");
    let o = eigenlens(&[
        "net",
        "builtin:plane",
        "--label",
        "target",
        "--activation",
        "relu",
        "--optimizer",
        "sgd",
        "--learning-rate",
        "50",
        "--batch",
        "8",
        "--no-standardize",
        "--save-weights",
        weights.to_str().expect("utf-8"),
    ]);
    assert_bad_input(&o, &["diverged", "try a learning rate smaller than 50"]);
    let net = Network::from_json(&std::fs::read_to_string(&weights).expect("saved"))
        .expect("finite weights read back");
    assert!(
        net.layers
            .iter()
            .all(|l| l.weights.iter().all(|w| w.is_finite()))
    );
}

/// Bad parameters, columns and files exit 2 naming what is wrong.
#[test]
fn bad_input_exits_2_naming_the_parameter() {
    let cases: &[(&[&str], &[&str])] = &[
        (&["--layers", "20"], &["--layers 20", "1 to 16"]),
        (&["--layers", "1,1,1,1,1,1,1"], &["--layers", "at most 6"]),
        (&["--layers", "8,x"], &["--layers 8,x"]),
        (&["--activation", "swish"], &["--activation", "swish"]),
        (&["--optimizer", "lbfgs"], &["--optimizer", "lbfgs"]),
        (&["--learning-rate", "-1"], &["--learning-rate -1"]),
        (&["--batch", "0"], &["--batch 0"]),
        (&["--epochs", "0"], &["--epochs 0"]),
        (&["--l2", "-0.5"], &["--l2 -0.5"]),
        (&["--test-fraction", "1"], &["--test-fraction 1"]),
        (&["--features", "x,nope"], &["--features", "\"nope\""]),
        (&["--label", "colour"], &["--label", "\"colour\""]),
        (&["--extras", "cos_x1"], &["--extras", "cos_x1"]),
        (&["--points", "0"], &["--points"]),
    ];
    for (extra, expected) in cases {
        let mut args = vec!["net", "builtin:circles"];
        args.extend_from_slice(extra);
        assert_bad_input(&eigenlens(&args), expected);
    }
    assert_bad_input(
        &eigenlens(&["net", "builtin:iris", "--extras", "x1^2"]),
        &["--features", "exactly 2 input columns"],
    );
    assert_bad_input(
        &eigenlens(&["net", "builtin:iris", "--points", "10"]),
        &["--points"],
    );
    assert_bad_input(
        &eigenlens(&["net", "/no/such/table.csv"]),
        &["/no/such/table.csv"],
    );
    assert_bad_input(&eigenlens(&["net", "builtin:nope"]), &["builtin:nope"]);
    assert_bad_input(
        &eigenlens(&["net", "builtin:plane"]),
        &["--label", "no text column"],
    );
}

/// The table output ends with the accuracies and the time per epoch.
#[test]
fn table_output() {
    let o = eigenlens(&["net", "builtin:xor", "--epochs", "5"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with("network 2→8→8→2 on builtin:xor"), "{text}");
    assert!(
        text.contains("train accuracy") && text.contains("per epoch"),
        "{text}"
    );
}
