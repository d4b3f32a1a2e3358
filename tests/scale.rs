//! Loading at scale: files far larger than one parsing chunk load exactly as
//! small ones do (values, labels, the line of a late error), `.npy` streams in
//! either order, progress reaches the file size, a cancel stops a load, and the
//! generated million-point built-in is what it says.

#![expect(
    clippy::float_cmp,
    reason = "the values are small integers and halves, exact in f64"
)]

mod common;

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::Arc;

use eigenlens::data::{
    LoadError, LoadProgress, load_builtin, load_dataset, load_dataset_with, parse_delimited,
};
use eigenlens::math::pca::{Pca, PcaOptions};

/// A CSV of `rows` rows (header `i,half,label,note`), about 40 bytes a row:
/// with 200,000 rows, two parsing chunks and more. Every 1000th note is quoted
/// and holds a comma and a newline, so chunk seams fall near quotes.
fn big_csv(rows: usize) -> String {
    let mut text = String::from("i,half,label,note\n");
    for i in 0..rows {
        let label = ["red", "green", "blue"][i % 3];
        if i % 1000 == 0 {
            writeln!(text, "{i},{},{label},\"a, b\nc\"", i as f64 / 2.0).expect("a String");
        } else {
            writeln!(text, "{i},{},{label},plain", i as f64 / 2.0).expect("a String");
        }
    }
    text
}

fn write_temp(bytes: &[u8], suffix: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new()
        .suffix(suffix)
        .tempfile()
        .expect("a temporary file");
    file.write_all(bytes).expect("written");
    file.flush().expect("flushed");
    file
}

/// Physical lines before the row of `i` in [`big_csv`]: the header, one line
/// per row, and one more per quoted note with a newline before it.
fn line_of_row(i: usize) -> usize {
    2 + i + i.div_ceil(1000)
}

/// A file of many chunks loads every row in order, with labels in order of
/// first appearance and quoted newlines kept.
#[test]
fn a_large_csv_loads_every_row() {
    let rows = 200_000;
    let file = write_temp(big_csv(rows).as_bytes(), ".csv");
    let ds = load_dataset(file.path()).unwrap();
    assert_eq!(ds.n_rows, rows);
    assert_eq!(ds.column_names(), ["i", "half"]);
    let i = &ds.column("i").unwrap().values;
    assert!(i.iter().enumerate().all(|(k, &x)| x == k as f64));
    assert_eq!(ds.column("half").unwrap().values[rows - 1], 99_999.5);
    let label = ds.label("label").unwrap();
    assert_eq!(label.categories, ["red", "green", "blue"]);
    assert_eq!(label.get(rows - 1), "green");
    let note = ds.label("note").unwrap();
    assert_eq!(note.categories, ["a, b\nc", "plain"]);
    assert_eq!(note.get(199_000), "a, b\nc");
}

/// A bad cell deep in a large file, after many quoted newlines, is reported
/// on its physical line, with its column.
#[test]
fn a_late_error_names_its_physical_line() {
    let mut text = big_csv(150_000);
    let bad_row = 150_000;
    text.push_str("150000,oops,red,plain\n");
    let e = parse_delimited(text.as_bytes(), "big.csv").unwrap_err();
    assert_eq!(
        (e.line(), e.column()),
        (Some(line_of_row(bad_row)), Some(2)),
        "{e}"
    );

    let mut text = big_csv(150_000);
    text.push_str("1,2,3\n");
    let e = parse_delimited(text.as_bytes(), "big.csv").unwrap_err();
    assert!(matches!(e, LoadError::Ragged { found: 3, .. }), "{e:?}");
    assert_eq!(e.line(), Some(line_of_row(bad_row)));
}

/// Regression: the csv crate numbered the lines of a CRLF file one too few
/// after the first record, so errors named the line above the bad one.
#[test]
fn crlf_errors_name_the_right_line() {
    let e = parse_delimited(b"a,b\r\n1,2\r\n3,4\r\n5,x\r\n", "t.csv").unwrap_err();
    assert_eq!((e.line(), e.column()), (Some(4), Some(2)), "{e}");
    // The same through the quote-aware reader (a quoted field in the file).
    let e = parse_delimited(b"a,b\r\n\"1\",2\r\n3,4\r\n5,x\r\n", "t.csv").unwrap_err();
    assert_eq!((e.line(), e.column()), (Some(4), Some(2)), "{e}");
}

/// The first problem in the file is the one reported: a bad number before a
/// byte that is not UTF-8 comes first; alone, the bad byte names its line.
#[test]
fn errors_come_in_file_order() {
    let e = parse_delimited(b"a,b\n1,2\n2,x\n3,\xff\n", "t.csv").unwrap_err();
    assert!(matches!(e, LoadError::NotANumber { line: 3, .. }), "{e:?}");
    let e = parse_delimited(b"a,b\n1,2\n2,\xff\n", "t.csv").unwrap_err();
    assert!(matches!(e, LoadError::NotUtf8 { line: 3, .. }), "{e:?}");
}

/// The bytes of a version-1 `.npy` file of `n` × `d` f64 (C or Fortran order)
/// with element (i, j) = i·d + j.
fn npy_f64(n: usize, d: usize, fortran: bool) -> Vec<u8> {
    let mut bytes = npy_header(&format!("({n}, {d})"), fortran);
    let value = |i: usize, j: usize| (i * d + j) as f64;
    if fortran {
        for j in 0..d {
            bytes.extend((0..n).flat_map(|i| value(i, j).to_le_bytes()));
        }
    } else {
        for i in 0..n {
            bytes.extend((0..d).flat_map(|j| value(i, j).to_le_bytes()));
        }
    }
    bytes
}

/// The magic, version and header of a version-1 `.npy` file of f64.
fn npy_header(shape: &str, fortran: bool) -> Vec<u8> {
    let order = if fortran { "True" } else { "False" };
    let mut header = format!("{{'descr': '<f8', 'fortran_order': {order}, 'shape': {shape}, }}");
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend(
        u16::try_from(header.len())
            .expect("a short header")
            .to_le_bytes(),
    );
    bytes.extend(header.as_bytes());
    bytes
}

/// A `.npy` of several read chunks loads every element into the right
/// column, in C and in Fortran order; progress ends at the file's size.
#[test]
fn a_large_npy_streams_in_either_order() {
    let (n, d) = (70_000, 11);
    for fortran in [false, true] {
        let bytes = npy_f64(n, d, fortran);
        let file = write_temp(&bytes, ".npy");
        let progress = LoadProgress::new();
        let ds = load_dataset_with(file.path(), &progress).unwrap();
        assert_eq!((ds.n_rows, ds.columns.len()), (n, d));
        for (j, column) in ds.columns.iter().enumerate() {
            assert!(
                column
                    .values
                    .iter()
                    .enumerate()
                    .all(|(i, &x)| x == (i * d + j) as f64),
                "column {j}, fortran {fortran}"
            );
        }
        assert_eq!(progress.total(), bytes.len() as u64);
        assert_eq!(progress.done(), progress.total());
        assert_eq!(progress.fraction(), Some(1.0));
    }
}

/// A `.npy` whose header promises more than the file holds fails before
/// allocating the promised array.
#[test]
fn a_npy_promising_too_much_fails_at_once() {
    let mut bytes = npy_header("(9999999999999, 2)", false);
    bytes.extend([0u8; 64]);
    let file = write_temp(&bytes, ".npy");
    let e = load_dataset(file.path()).unwrap_err();
    assert!(matches!(e, LoadError::NpyTruncated { .. }), "{e:?}");
}

/// A cancelled load stops with `Cancelled`, naming the file; a CSV load's
/// progress reaches the file's size.
#[test]
fn cancel_and_progress() {
    let file = write_temp(big_csv(200_000).as_bytes(), ".csv");
    let progress = Arc::new(LoadProgress::new());
    progress.cancel();
    let e = load_dataset_with(file.path(), &progress).unwrap_err();
    assert!(matches!(e, LoadError::Cancelled { .. }), "{e:?}");
    assert!(e.to_string().contains("cancelled"), "{e}");
    assert_eq!(e.path(), file.path());

    let npy = write_temp(&npy_f64(70_000, 11, false), ".npy");
    let e = load_dataset_with(npy.path(), &progress).unwrap_err();
    assert!(matches!(e, LoadError::Cancelled { .. }), "{e:?}");

    let progress = LoadProgress::new();
    assert_eq!(progress.fraction(), None);
    load_dataset_with(file.path(), &progress).unwrap();
    let size = std::fs::metadata(file.path()).unwrap().len();
    assert_eq!((progress.done(), progress.total()), (size, size));
}

/// `builtin:cloud-1m` is a million labelled points in 3D, the same each time,
/// whose PCA has two large components and a small one (points near a plane).
#[test]
fn builtin_cloud_1m() {
    let ds = load_builtin("cloud-1m").unwrap();
    assert_eq!(ds.n_rows, 1_000_000);
    assert_eq!(ds.column_names(), ["x", "y", "z"]);
    let cluster = ds.label("cluster").unwrap();
    assert_eq!(cluster.categories.len(), 6);
    assert_eq!(cluster.codes.len(), 1_000_000);
    assert!(
        ds.columns
            .iter()
            .all(|c| c.values.iter().all(|x| x.is_finite()))
    );
    let again = load_builtin("cloud-1m").unwrap();
    assert!(ds.columns[2].values == again.columns[2].values);

    let columns: Vec<&[f64]> = ds.columns.iter().map(|c| c.values.as_slice()).collect();
    let names: Vec<String> = ds.column_names().iter().map(|s| (*s).to_owned()).collect();
    let pca = Pca::fit(&columns, &names, &PcaOptions::default()).unwrap();
    let ratio = &pca.explained_variance_ratio;
    assert!(ratio[0] + ratio[1] > 0.98, "{ratio:?}");
    assert!(ratio[2] < 0.02, "{ratio:?}");
}

/// The line helper agrees with the file it describes.
#[test]
fn line_of_row_matches_the_file() {
    let text = big_csv(2500);
    let row_2000 = text.find("\n2000,").unwrap() + 1;
    let line = text[..row_2000].matches('\n').count() + 1;
    assert_eq!(line, line_of_row(2000));
}

/// The PCA view on 60,000 points (above the raster threshold): the scores
/// scatter is one image, and hovering over it still names a point (its row,
/// scores and reconstruction error), found through the raster's grid.
#[test]
fn hovering_the_rasterized_scores_names_a_point() {
    use egui_kittest::kittest::{NodeT as _, Queryable as _};
    use eigenlens::app::views::pca::PcaView;
    use eigenlens::app::{DatasetHandle, EntryData};
    use eigenlens::scene::PcaSettings;

    let n = 60_000;
    let mut ds = load_builtin("cloud-1m").unwrap();
    for c in &mut ds.columns {
        c.values.truncate(n);
    }
    for l in &mut ds.labels {
        l.codes.truncate(n);
    }
    ds.n_rows = n;
    let mut view = PcaView::new(PcaSettings::default());
    view.set_blocking(true);
    let data = DatasetHandle::new(ds);
    let mut harness = common::view_harness(view, EntryData::Table(data), egui::vec2(1280.0, 800.0));
    harness.run_steps(3);
    // The scores scatter fills the upper right; the clusters cover much of it.
    let mut named = None;
    'search: for y in (120..400).step_by(20) {
        for x in (700..1250).step_by(20) {
            harness.hover_at(egui::pos2(x as f32, y as f32));
            harness.run_steps(2);
            if let Some(node) = harness.query_by_label_contains("reconstruction error") {
                let node = node.accesskit_node();
                named = node.label().or_else(|| node.value());
                break 'search;
            }
        }
    }
    let text = named.expect("a hover over the scores scatter shows a point");
    assert!(text.starts_with("row "), "{text}");
    assert!(text.contains("PC1 score"), "{text}");
}
