//! `eigenlens project`: the real binary's JSON, the CSV `--save` writes, and
//! bad parameters exiting 2 with one line naming the parameter.

use std::process::{Command, Output};

fn eigenlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eigenlens"))
        .args(args)
        .output()
        .expect("run eigenlens")
}

fn json(args: &[&str]) -> serde_json::Value {
    let o = eigenlens(args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("json")
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

/// t-SNE on the built-in words: the JSON's fields, its settings echoed, and a
/// map that keeps neighbours far better than chance.
#[test]
fn tsne_json_reports_figures_and_settings() {
    let v = json(&[
        "project",
        "builtin:words",
        "--method",
        "tsne",
        "--perplexity",
        "20",
        "--iterations",
        "400",
        "--seed",
        "5",
        "--json",
    ]);
    assert_eq!(v["method"], "tsne");
    assert_eq!(v["rows"], 300);
    assert_eq!(v["columns"], 384);
    assert_eq!(v["dims"], 2);
    assert_eq!(v["iterations"], 400);
    assert_eq!(v["quality_k"], 10);
    assert_eq!(v["quality_points"], 300);
    assert!(v["seconds"].as_f64().expect("seconds") > 0.0);
    let t = v["trustworthiness"].as_f64().expect("trustworthiness");
    assert!(t > 0.9 && t <= 1.0, "trustworthiness {t}");
    let kept = v["kept"].as_f64().expect("kept");
    assert!(kept > 0.3 && kept <= 1.0, "kept {kept}");
    assert!(v["loss"].as_f64().expect("KL") > 0.0);
    let s = &v["settings"];
    assert_eq!(s["perplexity"], 20.0);
    assert_eq!(s["iterations"], 400);
    assert_eq!(s["seed"], 5);
    assert_eq!(s["init"], "pca");
}

/// PCA keeps fewer of the words' neighbours than t-SNE does: the number the
/// view's readout compares.
#[test]
fn pca_keeps_fewer_neighbours_than_tsne() {
    let pca = json(&["project", "builtin:words", "--method", "pca", "--json"]);
    let tsne = json(&[
        "project",
        "builtin:words",
        "--method",
        "tsne",
        "--iterations",
        "400",
        "--json",
    ]);
    assert_eq!(pca["iterations"], 0);
    assert!(pca["loss"].is_null());
    let (p, t) = (
        pca["kept"].as_f64().expect("kept"),
        tsne["kept"].as_f64().expect("kept"),
    );
    assert!(p < t, "PCA kept {p}, t-SNE {t}");
}

/// UMAP in 3D saved as CSV: x,y,z then the label columns, one row per point,
/// the same map for the same seed.
#[test]
fn umap_save_writes_xyz_and_labels() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("map.csv");
    let p = path.to_str().expect("utf-8 path");
    let v = json(&[
        "project",
        "builtin:words",
        "--method",
        "umap",
        "--dims",
        "3",
        "--neighbors",
        "10",
        "--min-dist",
        "0.3",
        "--iterations",
        "100",
        "--save",
        p,
        "--json",
    ]);
    assert_eq!(v["method"], "umap");
    assert_eq!(v["dims"], 3);
    assert_eq!(v["settings"]["neighbors"], 10);
    assert_eq!(v["settings"]["min_dist"], 0.3);
    assert_eq!(v["settings"]["epochs"], 100);
    let text = std::fs::read_to_string(&path).expect("saved CSV");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("x,y,z,word,group"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 300);
    for r in &rows {
        assert_eq!(r.len(), 5, "{r:?}");
        for x in &r[..3] {
            assert!(x.parse::<f64>().expect("a number").is_finite());
        }
    }
    assert_eq!(rows[0][3], "dog");
    // Same seed, same map.
    let again = dir.path().join("again.csv");
    json(&[
        "project",
        "builtin:words",
        "--method",
        "umap",
        "--dims",
        "3",
        "--neighbors",
        "10",
        "--min-dist",
        "0.3",
        "--iterations",
        "100",
        "--save",
        again.to_str().expect("utf-8"),
        "--json",
    ]);
    assert_eq!(text, std::fs::read_to_string(&again).expect("saved CSV"));
}

/// Without --json: two lines for a person.
#[test]
fn text_summary_names_the_figures() {
    let o = eigenlens(&[
        "project",
        "builtin:iris",
        "--method",
        "umap",
        "--iterations",
        "50",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.starts_with("umap: 150 rows × 4 columns → 2D"),
        "{text}"
    );
    assert!(
        text.contains("trustworthiness 0.") && text.contains("kept neighbours"),
        "{text}"
    );
}

/// Bad parameters exit 2 naming the parameter.
#[test]
fn bad_parameters_exit_2() {
    assert_bad_input(
        &eigenlens(&[
            "project",
            "builtin:words",
            "--method",
            "tsne",
            "--perplexity",
            "100",
        ]),
        &["--perplexity", "rows/3 = 100"],
    );
    assert_bad_input(
        &eigenlens(&[
            "project",
            "builtin:words",
            "--method",
            "tsne",
            "--perplexity",
            "0.5",
        ]),
        &["--perplexity"],
    );
    assert_bad_input(
        &eigenlens(&[
            "project",
            "builtin:words",
            "--method",
            "umap",
            "--neighbors",
            "1",
        ]),
        &["--neighbors"],
    );
    assert_bad_input(
        &eigenlens(&[
            "project",
            "builtin:words",
            "--method",
            "umap",
            "--min-dist",
            "1",
        ]),
        &["--min-dist"],
    );
    assert_bad_input(
        &eigenlens(&["project", "builtin:words", "--method", "pca", "--dims", "4"]),
        &["--dims"],
    );
    assert_bad_input(
        &eigenlens(&[
            "project",
            "builtin:words",
            "--method",
            "tsne",
            "--iterations",
            "0",
        ]),
        &["--iterations"],
    );
    let unknown = eigenlens(&["project", "builtin:words", "--method", "isomap"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("isomap"));
    assert_bad_input(
        &eigenlens(&["project", "no-such-file.csv", "--method", "tsne"]),
        &["no-such-file.csv"],
    );
}

/// A missing value exits 2 naming the file, row and column, for every method.
#[test]
fn missing_value_names_row_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("gap.csv");
    let rows: Vec<String> = (0..30)
        .map(|i| {
            if i == 4 {
                format!("{i},")
            } else {
                format!("{i},{}", i * i)
            }
        })
        .collect();
    let text = format!("a,b\n{}\n", rows.join("\n"));
    std::fs::write(&path, text).expect("write CSV");
    let p = path.to_str().expect("utf-8 path");
    assert_bad_input(
        &eigenlens(&["project", p, "--method", "pca"]),
        &["gap.csv", "row 5", "\"b\""],
    );
    for method in ["tsne", "umap"] {
        assert_bad_input(
            &eigenlens(&["project", p, "--method", method, "--perplexity", "5"]),
            &["gap.csv", "row 5"],
        );
    }
}

/// `--supervise LABEL` runs t-SNE and UMAP supervised by that label (the
/// settings say so, and the map differs from the unsupervised one, the same
/// for the same seed); a missing label, a weight outside 0..=1, a weight
/// without a label and supervising PCA are errors naming the parameter.
#[test]
fn supervise_by_a_label_changes_the_map_and_is_checked() {
    let dir = tempfile::tempdir().expect("temp dir");
    for method in ["tsne", "umap"] {
        let plain_csv = dir.path().join(format!("{method}-plain.csv"));
        let sup_csv = dir.path().join(format!("{method}-sup.csv"));
        let again_csv = dir.path().join(format!("{method}-again.csv"));
        let base = ["project", "builtin:iris", "--method", method, "--json"];
        json(&[&base[..], &["--save", plain_csv.to_str().unwrap()]].concat());
        let v = json(
            &[
                &base[..],
                &["--supervise", "species", "--supervise-weight", "0.9"],
                &["--save", sup_csv.to_str().unwrap()],
            ]
            .concat(),
        );
        assert_eq!(v["settings"]["supervise"], "species", "{v}");
        assert_eq!(v["settings"]["supervise_weight"], 0.9, "{v}");
        json(
            &[
                &base[..],
                &["--supervise", "species", "--supervise-weight", "0.9"],
                &["--save", again_csv.to_str().unwrap()],
            ]
            .concat(),
        );
        let read = |p: &std::path::Path| std::fs::read_to_string(p).expect("saved map");
        assert_ne!(read(&plain_csv), read(&sup_csv), "{method}");
        assert_eq!(read(&sup_csv), read(&again_csv), "{method}");
    }
    let o = eigenlens(&[
        "project",
        "builtin:iris",
        "--method",
        "tsne",
        "--supervise",
        "kind",
    ]);
    assert_bad_input(&o, &["--supervise", "\"kind\"", "species"]);
    let o = eigenlens(&[
        "project",
        "builtin:iris",
        "--method",
        "umap",
        "--supervise",
        "species",
        "--supervise-weight",
        "1.5",
    ]);
    assert_bad_input(&o, &["--supervise-weight", "between 0 and 1", "1.5"]);
    let o = eigenlens(&[
        "project",
        "builtin:iris",
        "--method",
        "pca",
        "--supervise",
        "species",
    ]);
    assert_bad_input(&o, &["--supervise", "t-SNE and UMAP"]);
    let o = eigenlens(&[
        "project",
        "builtin:iris",
        "--method",
        "tsne",
        "--supervise-weight",
        "0.5",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--supervise"));
}
