//! A stray word in a numeric column: by default a clear error naming the
//! file, line, column and cell; with `--bad-cells missing` (the command
//! line) or the loaders' `BadCells::Missing`, the cell is read as missing and
//! counted. The real binary, as scripts run it, and the loader beneath it.

mod common;

use std::process::{Command, Output};

use common::write_file;
use eigenlens::data::{BadCells, LoadError, LoadProgress, load_table_with, read_delimited_with};

fn eigenlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eigenlens"))
        .args(args)
        .output()
        .expect("run eigenlens")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Eight rows of three numeric columns and a label, with "x" on line 3
/// (column 2) and "n/a?" on line 6 (column 3).
const TABLE: &str = "a,b,c,kind\n\
    1,2,3,p\n\
    4,x,6,q\n\
    7,8,9,p\n\
    10,11.5,12,q\n\
    13,14,n/a?,p\n\
    16,17,19,q\n\
    19,21,20,p\n\
    22,22,25,q\n";

/// Every command that reads a table stops at the first unparseable cell by
/// default: exit 2, one line naming the file, line, column and cell, and the
/// way to read such cells as missing.
#[test]
fn by_default_every_table_command_names_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_file(dir.path(), "stray.csv", TABLE.as_bytes());
    let file = path.to_str().expect("utf-8 path");
    for args in [
        // The window's PATH: refused before a window opens.
        vec![file],
        vec!["pca", file],
        vec!["regress", file, "--y", "a"],
        vec!["neighbors", file, "--row", "0"],
        vec!["project", file, "--method", "pca"],
        vec!["net", file, "--label", "kind", "--epochs", "1"],
    ] {
        let o = eigenlens(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        for part in [
            "stray.csv",
            "line 3, column 2 (\"b\")",
            "found \"x\"",
            "--bad-cells missing",
        ] {
            assert!(err.contains(part), "{args:?}: {part:?} not in {err}");
        }
    }
}

/// `--bad-cells missing` reads the two bad cells as missing: the commands
/// run, say how many on stderr and in their JSON, and the rows holding them
/// are left out as rows with a missing value are.
#[test]
fn missing_reads_them_and_reports_the_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_file(dir.path(), "stray.csv", TABLE.as_bytes());
    let file = path.to_str().expect("utf-8 path");

    let o = eigenlens(&["pca", file, "--bad-cells", "missing", "--json"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("stray.csv: 2 unparseable cells read as missing"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["cells_read_as_missing"], 2, "{v}");
    assert_eq!(v["rows_used"], 6, "{v}");
    assert_eq!(v["rows_left_out"]["missing"], 2, "{v}");

    let o = eigenlens(&[
        "regress",
        file,
        "--y",
        "a",
        "--bad-cells",
        "missing",
        "--json",
    ]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("2 unparseable cells read as missing"), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["cells_read_as_missing"], 2, "{v}");
    assert_eq!(v["rows"], 6, "{v}");

    // The text output (no --json) reports on stderr alone.
    let o = eigenlens(&["pca", file, "--bad-cells", "missing"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("2 unparseable cells read as missing"));
    assert!(!String::from_utf8_lossy(&o.stdout).contains("unparseable"));

    // The other table commands take the flag too and report the count
    // (neighbors then refuses the missing values, in its own words).
    for args in [
        vec!["neighbors", file, "--row", "0"],
        vec!["project", file, "--method", "pca"],
        vec!["net", file, "--label", "kind", "--epochs", "1"],
    ] {
        let mut all = args.clone();
        all.extend(["--bad-cells", "missing"]);
        let o = eigenlens(&all);
        let err = stderr(&o);
        assert!(
            err.contains("2 unparseable cells read as missing"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("column 2 (\"b\")"), "{args:?}: {err}");
    }

    // A value the flag does not know is a usage error (exit 2).
    let o = eigenlens(&["pca", file, "--bad-cells", "skip"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

/// A clean file with `--bad-cells missing` reports 0 and changes nothing.
#[test]
fn a_clean_file_reports_none() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_file(dir.path(), "clean.csv", b"a,b\n1,2\n3,5\n4,4\n");
    let file = path.to_str().expect("utf-8 path");
    let with = eigenlens(&["pca", file, "--json", "--bad-cells", "missing"]);
    let without = eigenlens(&["pca", file, "--json"]);
    assert!(with.status.success() && without.status.success());
    let with: serde_json::Value = serde_json::from_slice(&with.stdout).expect("JSON");
    let without: serde_json::Value = serde_json::from_slice(&without.stdout).expect("JSON");
    assert_eq!(with["cells_read_as_missing"], 0);
    assert!(without.get("cells_read_as_missing").is_none(), "{without}");
    assert_eq!(with["components"], without["components"]);
}

/// The loader: `BadCells::Missing` reads each unparseable cell as NaN, as
/// an empty cell is, counts them, and leaves everything else as the
/// default reads it; `BadCells::Error` stops at the first.
#[test]
fn the_loader_reads_bad_cells_as_nan_and_counts_them() {
    let progress = LoadProgress::new();
    let (ds, bad) = read_delimited_with(TABLE.as_bytes(), "t.csv", &progress, BadCells::Missing)
        .expect("reads with bad cells as missing");
    assert_eq!(bad, 2);
    assert_eq!(ds.n_rows, 8);
    let b = &ds.column("b").expect("b is numeric").values;
    assert!(b[1].is_nan(), "{b:?}");
    assert_eq!(b[3].to_bits(), 11.5_f64.to_bits());
    let c = &ds.column("c").expect("c is numeric").values;
    assert!(c[4].is_nan(), "{c:?}");
    assert_eq!(
        ds.columns
            .iter()
            .map(|c| c.values.iter().filter(|v| v.is_nan()).count())
            .sum::<usize>(),
        2
    );
    assert_eq!(ds.label("kind").expect("kind holds labels").get(1), "q");

    // The same file with the bad cells emptied reads the same.
    let emptied = TABLE.replace(",x,", ",,").replace("n/a?", "");
    let (clean, none) =
        read_delimited_with(emptied.as_bytes(), "t.csv", &progress, BadCells::Missing)
            .expect("reads");
    assert_eq!(none, 0);
    assert_eq!(format!("{clean:?}"), format!("{ds:?}"));

    let e = read_delimited_with(TABLE.as_bytes(), "t.csv", &progress, BadCells::Error)
        .expect_err("stops at the first bad cell");
    assert!(
        matches!(
            &e,
            LoadError::NotANumber {
                line: 3,
                column: 2,
                readable_as_missing: true,
                ..
            }
        ),
        "{e:?}"
    );

    // Through the file loader the count comes back the same way.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_file(dir.path(), "stray.csv", TABLE.as_bytes());
    let (_, bad) = load_table_with(&path, None, &progress, BadCells::Missing).expect("loads");
    assert_eq!(bad, 2);
}
