//! `eigenlens regress`: the real binary, its JSON against statsmodels, and
//! bad input exiting 2 with one line naming the parameter or column.

#![expect(
    clippy::unreadable_literal,
    reason = "reference values are pasted verbatim from Python's repr"
)]

use std::process::{Command, Output};

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
    for s in must_contain {
        assert!(err.contains(s), "expected {s:?} in: {err}");
    }
}

// statsmodels 0.15.0: sm.OLS(y, sm.add_constant(Z)).fit() on iris with
// y = sepal_length, Z = [petal_length, petal_width] (see tests/regress.rs).
const PARAMS: [f64; 3] = [4.190582428651591, 0.541777153740106, -0.3195505606505614];
const BSE: [f64; 3] = [0.0970458732055481, 0.06928179416273238, 0.16045261709426228];
const T: [f64; 3] = [43.18145934733076, 7.819906517829981, -1.9915571739339888];
// scikit-learn 1.9.1: Ridge(alpha=10.0).fit(Z, y): intercept_, coef_.
const RIDGE10: [f64; 3] = [4.3325442049474, 0.4082618384015055, -0.01955991689293234];

#[test]
fn json_matches_statsmodels() {
    let o = eigenlens(&[
        "regress",
        "builtin:iris",
        "--y",
        "sepal_length",
        "--x",
        "petal_length,petal_width",
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["rows"], 150);
    assert_eq!(
        v["predictors"],
        serde_json::json!(["petal_length", "petal_width"])
    );
    let coefs = v["coefficients"].as_array().expect("coefficients");
    let names: Vec<&str> = coefs
        .iter()
        .map(|c| c["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["intercept", "petal_length", "petal_width"]);
    for (j, c) in coefs.iter().enumerate() {
        let get = |k: &str| c[k].as_f64().expect(k);
        assert!((get("estimate") - PARAMS[j]).abs() < 1e-8);
        assert!((get("std_error") - BSE[j]).abs() < 1e-8);
        assert!((get("t") - T[j]).abs() < 1e-8 * T[j].abs());
    }
    assert!((v["r2"].as_f64().expect("r2") - 0.7662612975425307).abs() < 1e-8);
    assert!((v["adjusted_r2"].as_f64().expect("adj") - 0.7630811791417488).abs() < 1e-8);
    assert!((v["residual_std"].as_f64().expect("s") - 0.4030554532632896).abs() < 1e-8);
    assert!(v["seconds"].as_f64().expect("seconds") >= 0.0);
}

#[test]
fn ridge_json_matches_sklearn() {
    let o = eigenlens(&[
        "regress",
        "builtin:iris",
        "--y",
        "sepal_length",
        "--x",
        "petal_length,petal_width",
        "--ridge",
        "10",
        "--json",
    ]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    for (j, c) in v["coefficients"].as_array().expect("c").iter().enumerate() {
        assert!((c["estimate"].as_f64().expect("e") - RIDGE10[j]).abs() < 1e-8);
        assert!(c["std_error"].is_null());
    }
}

#[test]
fn default_predictors_and_table() {
    let o = eigenlens(&["regress", "builtin:iris", "--y", "sepal_length"]);
    assert!(o.status.success());
    let s = String::from_utf8_lossy(&o.stdout);
    for name in [
        "intercept",
        "sepal_width",
        "petal_length",
        "petal_width",
        "R²",
    ] {
        assert!(s.contains(name), "{s}");
    }
}

#[test]
fn bad_input_exits_2_naming_it() {
    let base = ["regress", "builtin:iris", "--y"];
    let run = |rest: &[&str]| eigenlens(&[&base[..], rest].concat());
    assert_bad_input(&run(&["nope"]), &["--y", "\"nope\""]);
    assert_bad_input(&run(&["species"]), &["--y", "text"]);
    assert_bad_input(
        &run(&["sepal_length", "--x", "petal_lenght"]),
        &["--x", "\"petal_lenght\""],
    );
    assert_bad_input(
        &run(&["sepal_length", "--x", "sepal_length"]),
        &["--x", "also --y"],
    );
    assert_bad_input(
        &run(&["sepal_length", "--x", "petal_length,petal_length"]),
        &["twice"],
    );
    assert_bad_input(&run(&["sepal_length", "--ridge", "-1"]), &["--ridge"]);
    assert_bad_input(&run(&["sepal_length", "--ridge", "nan"]), &["--ridge"]);
    assert_bad_input(
        &eigenlens(&["regress", "no-such-file.csv", "--y", "a"]),
        &["no-such-file.csv"],
    );
}

#[test]
fn collinear_predictor_is_named() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("c.csv");
    std::fs::write(&path, "y,a,b\n1,1,2\n3,2,4\n2,3,6\n5,4,8\n,5,10\n").expect("write");
    let p = path.to_str().expect("utf8");
    let o = eigenlens(&["regress", p, "--y", "y", "--x", "a,b"]);
    assert_bad_input(&o, &["\"b\"", "collinear"]);
    // The empty y in the last row is left out and counted in a note.
    let o = eigenlens(&["regress", p, "--y", "y", "--x", "a", "--json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["rows"], 4);
    assert!(String::from_utf8_lossy(&o.stderr).contains("dropped 1 of 5"));
}
