//! `eigenlens svd`, the real binary: JSON fields and their values, the
//! rank-K picture written, and bad input refused with exit status 2.

use std::process::Command;

fn eigenlens() -> Command {
    Command::new(env!("CARGO_BIN_EXE_eigenlens"))
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = eigenlens().args(args).output().expect("run eigenlens");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn json_reports_the_decomposition() {
    let v = json(&["svd", "builtin:astronaut", "--rank", "50", "--json"]);
    assert_eq!(v["rows"], 512);
    assert_eq!(v["cols"], 512);
    assert_eq!(v["channels"], "gray");
    assert_eq!(v["rank"], 50);
    let sigma: Vec<f64> = v["singular_values"][0]
        .as_array()
        .expect("one list")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect();
    assert_eq!(sigma.len(), 512);
    assert!(sigma.windows(2).all(|w| w[0] >= w[1]));
    let bound = sigma[50..].iter().map(|s| s * s).sum::<f64>().sqrt();
    let (error, b) = (
        v["error"].as_f64().expect("error"),
        v["bound"].as_f64().expect("bound"),
    );
    assert!((b - bound).abs() < 1e-9 * bound, "{b} vs {bound}");
    assert!(
        (error - bound).abs() < 1e-6 * bound,
        "measured {error} vs bound {bound}"
    );
    assert_eq!(v["storage"], 50 * (512 + 512 + 1));
    let energy = v["energy"].as_f64().expect("energy");
    let total: f64 = sigma.iter().map(|s| s * s).sum();
    let kept: f64 = sigma[..50].iter().map(|s| s * s).sum();
    assert!((energy - kept / total).abs() < 1e-12);
    assert!(v["seconds"].as_f64().expect("seconds") >= 0.0);
}

#[test]
fn rgb_gives_three_spectra_and_full_rank_by_default() {
    let v = json(&["svd", "builtin:lowrank", "--channels", "rgb", "--json"]);
    assert_eq!(v["channels"], "rgb");
    assert_eq!(v["singular_values"].as_array().expect("lists").len(), 3);
    assert_eq!(v["rank"], 256);
    assert!(v["error"].as_f64().expect("error") < 1e-6);
}

#[test]
fn output_writes_the_rank_k_picture() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("k3.png");
    let status = eigenlens()
        .args(["svd", "builtin:lowrank", "--rank", "3", "-o"])
        .arg(&out)
        .status()
        .expect("run");
    assert!(status.success());
    let img = image::open(&out).expect("a PNG").into_luma8();
    assert_eq!(img.dimensions(), (384, 256));
    // Rank 3 rebuilds the rank-3 picture exactly.
    let original = eigenlens::data::load_picture_ref("builtin:lowrank").expect("lowrank");
    for (i, px) in img.pixels().enumerate() {
        assert_eq!(px.0[0], original.rgb[i * 3], "pixel {i}");
    }
    // Rank 1 is not the picture.
    let out1 = dir.path().join("k1.png");
    let status = eigenlens()
        .args(["svd", "builtin:lowrank", "--rank", "1", "-o"])
        .arg(&out1)
        .status()
        .expect("run");
    assert!(status.success());
    let img1 = image::open(&out1).expect("a PNG").into_luma8();
    assert!(
        img1.pixels()
            .enumerate()
            .any(|(i, px)| px.0[0] != original.rgb[i * 3])
    );
}

#[test]
fn bad_input_exits_2_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = dir.path().join("notes.png");
    std::fs::write(&text, "not a picture").expect("write");
    for (args, words) in [
        (vec!["svd", "builtin:lowrank", "--rank", "300"], "--rank"),
        (vec!["svd", text.to_str().expect("utf-8")], "notes.png"),
        (vec!["svd", "builtin:nope"], "astronaut"),
        (vec!["svd", "/no/such/file.png"], "/no/such/file.png"),
    ] {
        let out = eigenlens().args(&args).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(words), "{args:?}: {err}");
    }
}
