//! What other tools write: NumPy `.npz` (np.savez, np.savez_compressed,
//! implicit's saved models) and safetensors (Hugging Face), each fixture
//! written by the real tool (tests/fixtures/npz/make_npz.py,
//! tests/fixtures/safetensors/make_safetensors.py), through the library and
//! the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use eigenlens::data::{self, Dataset, LoadError, LoadProgress, load_dataset, load_table};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn table(name: &str, array: Option<&str>) -> Result<Dataset, LoadError> {
    load_table(&fixture(name), array, &LoadProgress::new())
}

fn ok(r: Result<Dataset, LoadError>) -> Dataset {
    r.unwrap_or_else(|e| panic!("expected a dataset, got: {e}"))
}

fn row(ds: &Dataset, i: usize) -> Vec<f64> {
    ds.columns.iter().map(|c| c.values[i]).collect()
}

const WORDS: [&str; 8] = ["dog", "cat", "horse", "cow", "apple", "pear", "plum", "fig"];

// ---------------------------------------------------------------- .npz

/// np.savez and np.savez_compressed of two arrays: neither is preferred, so
/// the error lists both with their shapes; named, each opens as its .npy would.
#[test]
fn npz_of_two_arrays_asks_which() {
    for file in ["npz/arrays.npz", "npz/compressed.npz"] {
        let e = table(file, None).expect_err("two arrays");
        assert!(matches!(e, LoadError::NpzChoose { .. }), "{file}: {e:?}");
        let text = e.to_string();
        assert!(
            text.contains("points (5, 3)") && text.contains("ids (5,)") && text.contains("--array"),
            "{text}"
        );
        let points = ok(table(file, Some("points")));
        assert_eq!((points.n_rows, points.columns.len()), (5, 3), "{file}");
        // np.arange(15).reshape(5, 3) / 4
        assert_eq!(row(&points, 1), [0.75, 1.0, 1.25], "{file}");
        let ids = ok(table(file, Some("ids")));
        assert_eq!(ids.columns[0].values, [101.0, 102.0, 103.0, 104.0, 105.0]);
        let e = table(file, Some("nope")).expect_err("no such array");
        assert!(
            matches!(e, LoadError::Npz { .. }) && e.to_string().contains("no array named \"nope\""),
            "{e}"
        );
    }
}

/// An archive of one array opens without being asked.
#[test]
fn npz_of_one_array_opens() {
    let ds = ok(load_dataset(&fixture("npz/one.npz")));
    assert_eq!((ds.n_rows, ds.columns.len()), (4, 2));
    assert_eq!(row(&ds, 3), [2.0, 0.5]);
    assert!(ds.name.contains("[vectors]"), "{}", ds.name);
}

/// implicit's saved models open as their item factors, an embedding
/// (`dim_j`); BPR's bias column (user factors end in ones) is left out.
#[test]
fn implicit_models_open_as_item_embeddings() {
    let als = ok(load_dataset(&fixture("npz/implicit-als.npz")));
    assert_eq!((als.n_rows, als.columns.len()), (5, 4));
    assert!(data::is_embedding(&als));
    let raw = ok(table("npz/implicit-als.npz", Some("item_factors")));
    assert_eq!(row(&als, 2), row(&raw, 2), "the same numbers");

    let bpr = ok(load_dataset(&fixture("npz/implicit-bpr.npz")));
    let raw = ok(table("npz/implicit-bpr.npz", Some("item_factors")));
    assert_eq!(raw.columns.len(), 5, "factors = 4, plus the bias");
    assert_eq!(bpr.columns.len(), 4);
    assert_eq!(row(&bpr, 0), row(&raw, 0)[..4]);
}

/// A cut archive is an error naming the file, never a panic.
#[test]
fn broken_npz_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(fixture("npz/compressed.npz")).unwrap();
    for cut in [bytes.len() / 2, bytes.len() - 30, 40] {
        let path = dir.path().join("cut.npz");
        std::fs::write(&path, &bytes[..cut]).unwrap();
        let e = load_table(&path, Some("points"), &LoadProgress::new()).expect_err("cut");
        assert!(e.to_string().contains("cut.npz"), "{cut}: {e}");
    }
}

// ---------------------------------------------------------------- safetensors

/// A BERT-shaped safetensors file opens as its token embeddings (chosen by
/// name among three tensors), rows named from vocab.txt beside it, the
/// numbers those the safetensors package wrote.
#[test]
fn safetensors_token_embeddings_with_vocab() {
    let ds = ok(load_dataset(&fixture(
        "safetensors/model/model.safetensors",
    )));
    assert_eq!((ds.n_rows, ds.columns.len()), (8, 16));
    let tokens = ds.label(data::TOKEN_COLUMN).expect("tokens from vocab.txt");
    let names: Vec<&str> = (0..8).map(|i| tokens.get(i)).collect();
    assert_eq!(names, WORDS);
    let projector = ok(load_dataset(&fixture("embeddings/projector/vectors.tsv")));
    // float32 in the file: the same float32 as the Projector's text.
    for i in 0..8 {
        let f32s = |r: Vec<f64>| r.iter().map(|&x| x as f32).collect::<Vec<_>>();
        assert_eq!(f32s(row(&ds, i)), f32s(row(&projector, i)), "row {i}");
    }
    // Another tensor, by name: 16 rows, so the 8-word vocabulary names none.
    let q = ok(table(
        "safetensors/model/model.safetensors",
        Some("encoder.layer.0.attention.self.query.weight"),
    ));
    assert_eq!((q.n_rows, q.columns.len()), (16, 16));
    assert!(q.labels.is_empty());
    let norm = ok(table(
        "safetensors/model/model.safetensors",
        Some("embeddings.LayerNorm.weight"),
    ));
    assert_eq!((norm.n_rows, norm.columns.len()), (16, 1));
}

/// Two 2-D tensors, neither token embeddings: the error lists them; float16
/// and float64 decode exactly.
#[test]
fn safetensors_of_two_tensors_asks_which() {
    let e = table("safetensors/mixed.safetensors", None).expect_err("two tensors");
    assert!(
        e.to_string().contains("a (3, 2)") && e.to_string().contains("b (4, 2)"),
        "{e}"
    );
    let a = ok(table("safetensors/mixed.safetensors", Some("a")));
    assert_eq!(row(&a, 0), [0.5, -1.0]);
    assert_eq!(row(&a, 2), [1.5, 3.0]);
    let b = ok(table("safetensors/mixed.safetensors", Some("b")));
    assert_eq!(row(&b, 3), [7.0, 8.0]);
}

/// A header promising more than the file holds, and a cut file, are errors
/// naming the file; `--array` on a plain table says it does not apply.
#[test]
fn broken_safetensors_and_misplaced_array() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(fixture("safetensors/mixed.safetensors")).unwrap();
    let cut = dir.path().join("cut.safetensors");
    std::fs::write(&cut, &bytes[..bytes.len() - 4]).unwrap();
    let e = load_dataset(&cut).expect_err("cut");
    assert!(matches!(e, LoadError::Safetensors { .. }), "{e:?}");
    assert!(e.to_string().contains("cut.safetensors"), "{e}");

    let mut huge = (1u64 << 40).to_le_bytes().to_vec();
    huge.extend_from_slice(b"{\"a\":{}}");
    let path = dir.path().join("huge.safetensors");
    std::fs::write(&path, &huge).unwrap();
    let e = load_dataset(&path).expect_err("a promise");
    assert!(e.to_string().contains("huge.safetensors"), "{e}");

    let e = load_table(
        &fixture("measurements.csv"),
        Some("x"),
        &LoadProgress::new(),
    )
    .expect_err("not an archive");
    assert!(matches!(e, LoadError::ArrayNotApplicable { .. }), "{e:?}");
}

// ---------------------------------------------------------------- the window

mod common;

/// In the window, an .npz of several arrays offers them (no error); the one
/// clicked opens; what was shown stays until then.
#[test]
fn window_offers_the_arrays_and_opens_the_one_clicked() {
    use egui_kittest::kittest::Queryable;
    let mut harness = common::app_harness(common::fresh_app());
    harness.run_steps(2);
    let before = harness.state().current_dataset().map(|d| d.name.clone());
    harness.state_mut().open_now(&fixture("npz/compressed.npz"));
    harness.run_steps(2);
    let (msg, is_error) = harness.state().status().expect("a message");
    assert!(!is_error, "{msg}");
    assert_eq!(
        harness.state().arrays_offered(),
        Some(&["points".to_owned(), "ids".to_owned()][..])
    );
    assert_eq!(
        harness.state().current_dataset().map(|d| d.name.clone()),
        before,
        "nothing replaced yet"
    );
    harness.get_by_label("points").click();
    common::step_until(&mut harness, 300, |app| {
        app.current_dataset()
            .is_some_and(|d| d.name.contains("[points]"))
    });
    let ds = harness.state().current_dataset().expect("opened");
    assert_eq!((ds.n_rows, ds.columns.len()), (5, 3));
    assert!(harness.state().arrays_offered().is_none());
}

// ---------------------------------------------------------------- the binary

fn eigenlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eigenlens"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// `pca` and `neighbors` open both formats; `--array` chooses; a file that
/// needs a choice exits 2 listing the arrays.
#[test]
fn cli_opens_npz_and_safetensors() {
    let npz = fixture("npz/arrays.npz");
    let npz = npz.to_str().unwrap();
    let o = eigenlens(&["pca", npz]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("points (5, 3)") && err.contains("--array"),
        "{err}"
    );
    let o = eigenlens(&["pca", npz, "--array", "points", "--json"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["n_samples"], 5);

    let model = fixture("safetensors/model/model.safetensors");
    let o = eigenlens(&[
        "neighbors",
        model.to_str().unwrap(),
        "--query",
        "apple",
        "-k",
        "3",
        "--json",
    ]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    for n in v["neighbors"].as_array().unwrap() {
        let label = n["label"].as_str().unwrap();
        assert!(["pear", "plum", "fig"].contains(&label), "{label}");
    }
}

// ---------------------------------------------------------------- Parquet

/// pandas' to_parquet with each compression Spark and pandas use: the same
/// table (four numeric columns, species as labels).
#[test]
fn parquet_from_pandas_with_each_compression() {
    for codec in ["snappy", "zstd", "gzip"] {
        let ds = ok(load_dataset(&fixture(&format!(
            "parquet/iris-{codec}.parquet"
        ))));
        assert_eq!(ds.n_rows, 12, "{codec}");
        assert_eq!(
            ds.column_names(),
            ["sepal_length", "sepal_width", "petal_length", "petal_width"],
            "{codec}"
        );
        assert_eq!(row(&ds, 5), [7.0, 3.2, 4.7, 1.4], "{codec}");
        let species = ds.label("species").expect("species");
        assert_eq!(species.get(0), "setosa");
        assert_eq!(species.get(11), "virginica");
    }
}

/// Integers and floats are numbers (a null is missing, not 0); a pandas
/// categorical and booleans are labels.
#[test]
fn parquet_column_kinds() {
    let ds = ok(load_dataset(&fixture("parquet/mixed.parquet")));
    assert_eq!(ds.column_names(), ["count", "score"]);
    assert_eq!(ds.columns[0].values, [3.0, 1.0, 4.0, 1.0, 5.0]);
    assert!(ds.columns[1].values[1].is_nan(), "a null is missing");
    assert!((ds.columns[1].values[2] - 2.25).abs() < 1e-12);
    assert_eq!(ds.label("city").expect("city").get(3), "Pune");
    assert_eq!(ds.label("flag").expect("flag").get(1), "false");
}

/// A list<float> column (Spark's factors) becomes dim_j, the id names the
/// rows; a directory of part files reads as one table, in part order.
#[test]
fn parquet_vectors_and_part_directories() {
    let one = ok(load_dataset(&fixture("parquet/vectors.parquet")));
    let parts = ok(load_dataset(&fixture("parquet/parts")));
    for ds in [&one, &parts] {
        assert_eq!(ds.n_rows, 4);
        assert_eq!(ds.column_names(), ["dim_0", "dim_1", "dim_2"]);
        assert!(data::is_embedding(ds));
        assert_eq!(row(ds, 2), [0.0, 1.0, -0.5]);
        let ids = ds.labels.first().expect("ids");
        assert_eq!((ids.name.as_str(), ids.get(3)), ("id", "40"));
    }
}

/// A cut Parquet file, and part files of different columns, are errors
/// naming the file.
#[test]
fn broken_parquet_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(fixture("parquet/iris-snappy.parquet")).unwrap();
    let cut = dir.path().join("cut.parquet");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let e = load_dataset(&cut).expect_err("cut");
    assert!(matches!(e, LoadError::Parquet { .. }), "{e:?}");
    assert!(e.to_string().contains("cut.parquet"), "{e}");

    let parts = dir.path().join("parts");
    std::fs::create_dir(&parts).unwrap();
    std::fs::copy(
        fixture("parquet/vectors.parquet"),
        parts.join("part-0.parquet"),
    )
    .unwrap();
    std::fs::copy(
        fixture("parquet/mixed.parquet"),
        parts.join("part-1.parquet"),
    )
    .unwrap();
    std::fs::write(parts.join("_SUCCESS"), b"").unwrap();
    let e = load_dataset(&parts).expect_err("two schemas");
    assert!(
        e.to_string().contains("part-1.parquet") && e.to_string().contains("differ"),
        "{e}"
    );
}

/// A model saved by PySpark's `ALSModel.save` (make_spark_als.py) opens as
/// its item factors, named by item id: the numbers Spark wrote (read back
/// once with `pyarrow.parquet.read_table(".../itemFactors")`), and item 10's
/// nearest is 20, the other item of its taste block.
#[test]
fn spark_als_model_opens_as_item_factors() {
    let ds = ok(load_dataset(&fixture("spark/als-model")));
    assert_eq!((ds.n_rows, ds.columns.len()), (5, 3));
    let ids = ds.labels.first().expect("ids");
    let names: Vec<&str> = (0..5).map(|i| ids.get(i)).collect();
    assert_eq!(names, ["10", "20", "30", "40", "50"]);
    let spark: [f32; 3] = [-1.849_352_4, -2.857_093_3, 0.301_015_05];
    let ours: Vec<f32> = row(&ds, 0).iter().map(|&x| x as f32).collect();
    assert_eq!(ours, spark);
    let o = eigenlens(&[
        "neighbors",
        fixture("spark/als-model").to_str().unwrap(),
        "--query",
        "10",
        "-k",
        "1",
        "--json",
    ]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["neighbors"][0]["label"], "20");
}
