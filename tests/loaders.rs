//! Dataset loaders: delimited text, `.npy` and the built-ins — good files load
//! with the right shape, names, labels and missing cells; every class of bad
//! file is an error of the right kind whose message names file, line and column.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use eigenlens::data::{
    BUILTINS, Dataset, LoadError, builtin, load_builtin, load_dataset, parse_delimited, parse_npy,
};

// ---------------------------------------------------------------- helpers

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn parse(text: &str) -> Dataset {
    match parse_delimited(text.as_bytes(), "t.csv") {
        Ok(ds) => ds,
        Err(e) => panic!("expected {text:?} to load, got: {e}"),
    }
}

fn parse_err(bytes: &[u8]) -> LoadError {
    match parse_delimited(bytes, "t.csv") {
        Ok(ds) => panic!("expected an error for {bytes:?}, got {ds:#?}"),
        Err(e) => e,
    }
}

fn values(ds: &Dataset, column: &str) -> Vec<f64> {
    ds.column(column)
        .unwrap_or_else(|| panic!("no column {column:?} in {:?}", ds.column_names()))
        .values
        .clone()
}

/// Asserts two float slices are equal, treating NaN as equal to NaN.
fn assert_same(actual: &[f64], expected: &[f64]) {
    let same = actual.len() == expected.len()
        && actual
            .iter()
            .zip(expected)
            .all(|(a, e)| a.total_cmp(e).is_eq() || (a.is_nan() && e.is_nan()));
    assert!(same, "\n  actual: {actual:?}\nexpected: {expected:?}");
}

/// The bytes of a version-1 `.npy` file: magic, version, header dict padded
/// with spaces and a newline to a multiple of 64 bytes, then `data`.
fn npy(descr: &str, fortran_order: bool, shape: &str, data: &[u8]) -> Vec<u8> {
    let order = if fortran_order { "True" } else { "False" };
    let mut header =
        format!("{{'descr': '{descr}', 'fortran_order': {order}, 'shape': {shape}, }}");
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend((header.len() as u16).to_le_bytes());
    bytes.extend(header.as_bytes());
    bytes.extend(data);
    bytes
}

fn f64_le(xs: &[f64]) -> Vec<u8> {
    xs.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn npy_err(bytes: &[u8]) -> LoadError {
    match parse_npy(bytes, "a.npy") {
        Ok(ds) => panic!("expected an error, got {ds:#?}"),
        Err(e) => e,
    }
}

// ---------------------------------------------------------------- delimited: good files

/// A comma-separated file with a header splits numbers into numeric columns and
/// text into a label column whose categories keep first-appearance order.
#[test]
fn comma_with_header_and_labels() {
    let ds = parse("a,b,kind\n1,2,y\n3,4.5,x\n-5,6e2,y\n");
    assert_eq!(ds.name, "t.csv");
    assert_eq!(ds.source, None);
    assert_eq!(ds.n_rows, 3);
    assert_eq!(ds.column_names(), ["a", "b"]);
    assert_same(&values(&ds, "a"), &[1.0, 3.0, -5.0]);
    assert_same(&values(&ds, "b"), &[2.0, 4.5, 600.0]);
    let kind = ds.label("kind").unwrap();
    assert_eq!(kind.categories, ["y", "x"]);
    assert_eq!(kind.codes, [0, 1, 0]);
    assert_eq!(kind.get(1), "x");
}

/// Tab, semicolon and pipe delimiters are sniffed, not just commas.
#[test]
fn other_delimiters_are_sniffed() {
    for sep in ["\t", ";", "|"] {
        let text = format!("p{sep}q\n1.5{sep}2\n3{sep}4\n");
        let ds = parse(&text);
        assert_eq!(ds.column_names(), ["p", "q"], "delimiter {sep:?}");
        assert_same(&values(&ds, "q"), &[2.0, 4.0]);
    }
}

/// A tab-separated file whose text contains commas is still split on tabs.
#[test]
fn tabs_win_over_commas_inside_text() {
    let ds = parse("id\ttitle\n1\tToy Story, The\n2\tJumanji\n3\tHeat, and more, commas\n");
    assert_eq!(ds.column_names(), ["id"]);
    assert_eq!(
        ds.label("title").unwrap().categories,
        ["Toy Story, The", "Jumanji", "Heat, and more, commas"]
    );
}

/// Without a header row the columns are named x1, x2, ... and the first row is data.
#[test]
fn no_header_names_columns_x1_x2() {
    let ds = parse("1,2,3\n4,5,6\n");
    assert_eq!(ds.column_names(), ["x1", "x2", "x3"]);
    assert_eq!(ds.n_rows, 2);
    assert_same(&values(&ds, "x1"), &[1.0, 4.0]);
}

/// Without a header, a text column still becomes a label column named xj.
#[test]
fn no_header_with_label_column() {
    let ds = parse("setosa,5.1\nvirginica,6.3\n");
    assert_eq!(ds.n_rows, 2);
    assert_eq!(ds.column_names(), ["x2"]);
    assert_eq!(ds.label("x1").unwrap().categories, ["setosa", "virginica"]);
}

/// A header is recognized even when one of its names looks like a number,
/// because another header cell is text above numbers.
#[test]
fn header_with_a_numeric_looking_name() {
    let ds = parse("a,2020\n1,2\n3,4\n");
    assert_eq!(ds.column_names(), ["a", "2020"]);
    assert_eq!(ds.n_rows, 2);
}

/// A header of words is recognized even when the numeric column below starts
/// with empty cells, and an empty header cell (a pandas index) is named xj.
#[test]
fn header_detection_edge_cases() {
    let ds = parse("name,score\nbob,\nann,\n");
    assert_eq!(ds.n_rows, 2);
    assert_same(&values(&ds, "score"), &[f64::NAN, f64::NAN]);
    assert_eq!(ds.label("name").unwrap().categories, ["bob", "ann"]);

    let ds = parse(",a,b\n0,1.5,x\n1,2.5,y\n");
    assert_eq!(ds.column_names(), ["x1", "a"]);
    assert_eq!(ds.label("b").unwrap().categories, ["x", "y"]);
}

/// A UTF-8 byte-order mark is stripped: the first column is "a", not "\u{feff}a".
#[test]
fn bom_is_stripped() {
    let ds = parse_delimited(b"\xEF\xBB\xBFa,b\n1,2\n", "t.csv").unwrap();
    assert_eq!(ds.column_names(), ["a", "b"]);
}

/// Quoted fields may hold the delimiter and newlines; the header may be quoted too.
#[test]
fn quoted_fields_with_comma_and_newline() {
    let ds = parse(
        "\"x, the first\",note\n1,\"hello, world\"\n2,\"two\nlines\"\n3,\"say \"\"hi\"\"\"\n",
    );
    assert_eq!(ds.column_names(), ["x, the first"]);
    assert_eq!(ds.n_rows, 3);
    assert_eq!(
        ds.label("note").unwrap().categories,
        ["hello, world", "two\nlines", "say \"hi\""]
    );
}

/// Empty, NA, N/A, nan, NaN and null (any case, any padding) are missing: NaN
/// in numeric columns, never 0; an all-missing column is a NaN column.
#[test]
fn missing_cells_become_nan() {
    let ds = parse("a,b,c\n1,,\n NA ,2,\nnan,null,\nN/A,3,\nNaN,NULL,\n");
    assert_same(
        &values(&ds, "a"),
        &[1.0, f64::NAN, f64::NAN, f64::NAN, f64::NAN],
    );
    assert_same(&values(&ds, "b"), &[f64::NAN, 2.0, f64::NAN, 3.0, f64::NAN]);
    assert_same(&values(&ds, "c"), &[f64::NAN; 5]);
}

/// A column that starts with missing cells is typed by its first real cell, and
/// missing cells in a label column become the empty label.
#[test]
fn leading_missing_cells_then_a_type() {
    let ds = parse("n,kind\n,\n,\n7,b\n8,NA\n");
    assert_same(&values(&ds, "n"), &[f64::NAN, f64::NAN, 7.0, 8.0]);
    let kind = ds.label("kind").unwrap();
    assert_eq!(kind.categories, ["", "b"]);
    assert_eq!(kind.codes, [0, 0, 1, 0]);
}

/// Whitespace around cells and names is trimmed; CRLF line ends work.
#[test]
fn whitespace_and_crlf() {
    let ds = parse(" a , b \r\n 1 ,\t2 \r\n3,4\r\n");
    assert_eq!(ds.column_names(), ["a", "b"]);
    assert_same(&values(&ds, "b"), &[2.0, 4.0]);
}

/// `inf` and numbers too large for f64 are numbers (infinite), kept as Rust parses them.
#[test]
fn infinities_are_numbers() {
    let ds = parse("a\n1\ninf\n-Infinity\n1e400\n");
    assert_same(
        &values(&ds, "a"),
        &[1.0, f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY],
    );
}

/// A file with one column has no delimiter to find and still loads.
#[test]
fn single_column() {
    let ds = parse("v\n1\n2\n3\n");
    assert_eq!(ds.column_names(), ["v"]);
    assert_eq!(ds.n_rows, 3);
}

/// Blank and whitespace-only lines are skipped, not read as ragged rows.
#[test]
fn blank_lines_are_skipped() {
    let ds = parse("a,b\n\n1,2\n   \n3,4\n\n");
    assert_eq!(ds.n_rows, 2);
}

/// A fixture file through `load_dataset`: header with a quoted comma, a label
/// column with a quoted newline, NA and an empty trailing cell; `source` is set.
#[test]
fn load_dataset_reads_a_real_file() {
    let path = fixture("measurements.csv");
    let ds = load_dataset(&path).unwrap();
    assert_eq!(ds.name, "measurements.csv");
    assert_eq!(ds.source.as_deref(), Some(path.as_path()));
    assert_eq!(ds.column_names(), ["depth_m", "temp, °C", "salinity"]);
    assert_same(&values(&ds, "temp, °C"), &[12.25, f64::NAN, 11.5, 10.75]);
    assert_same(&values(&ds, "salinity"), &[35.1, 34.8, f64::NAN, 35.4]);
    assert_eq!(
        ds.label("site").unwrap().categories,
        ["north", "south", "east\nbay", "west"]
    );
}

/// A larger file (far past the sniffing window) loads every row.
#[test]
fn many_rows() {
    let mut text = String::from("i,sq,parity\n");
    for i in 0..5000 {
        let parity = if i % 2 == 0 { "even" } else { "odd" };
        writeln!(text, "{i},{},{parity}", i * i).unwrap();
    }
    let ds = parse(&text);
    assert_eq!(ds.n_rows, 5000);
    assert_same(&values(&ds, "sq")[4999..], &[4999.0 * 4999.0]);
    assert_eq!(ds.label("parity").unwrap().codes.len(), 5000);
}

// ---------------------------------------------------------------- delimited: bad files

/// An empty file, or one of only whitespace, is `Empty`, naming the file.
#[test]
fn empty_file() {
    for text in [&b""[..], b"   \n\n\t \r\n", b"\xEF\xBB\xBF"] {
        let e = parse_err(text);
        assert!(matches!(e, LoadError::Empty { .. }), "{e:?}");
        assert_eq!(e.to_string(), "t.csv: the file is empty");
    }
}

/// A header with no rows below is `HeaderOnly`.
#[test]
fn header_only() {
    let e = parse_err(b"a,b,c\n");
    assert!(matches!(e, LoadError::HeaderOnly { .. }), "{e:?}");
    assert!(e.to_string().starts_with("t.csv: "), "{e}");
}

/// A row with too few fields is `Ragged`, naming its line and both counts.
#[test]
fn ragged_row() {
    let e = parse_err(b"a,b\n1,2\n3\n4,5\n");
    assert!(
        matches!(
            e,
            LoadError::Ragged {
                line: 3,
                expected: 2,
                found: 1,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.line(), Some(3));
    assert_eq!(e.to_string(), "t.csv: line 3: expected 2 fields, found 1");
}

/// A ragged row far past the sniffing window is caught too, with its line.
#[test]
fn ragged_row_late_in_the_file() {
    let mut text = String::from("a,b\n");
    for i in 0..40 {
        writeln!(text, "{i},{i}").unwrap();
    }
    text.push_str("1,2,3\n");
    let e = parse_err(text.as_bytes());
    assert!(
        matches!(
            e,
            LoadError::Ragged {
                line: 42,
                expected: 2,
                found: 3,
                ..
            }
        ),
        "{e:?}"
    );
}

/// A word in a numeric column is `NotANumber`, naming line, column number,
/// column name and the value.
#[test]
fn non_numeric_cell() {
    let e = parse_err(b"a,b\n1,2\n3, abc \n");
    assert!(
        matches!(&e, LoadError::NotANumber { line: 3, column: 2, name, value, .. }
            if name == "b" && value == "abc"),
        "{e:?}"
    );
    assert_eq!((e.line(), e.column()), (Some(3), Some(2)));
    assert_eq!(
        e.to_string(),
        r#"t.csv: line 3, column 2 ("b"): expected a number, found "abc""#
    );
}

/// Line numbers count physical lines, so they stay right after a quoted field
/// that spans two lines.
#[test]
fn line_numbers_after_a_quoted_newline() {
    let e = parse_err(b"a,note\n1,\"two\nlines\"\noops,x\n");
    assert!(
        matches!(
            e,
            LoadError::NotANumber {
                line: 4,
                column: 1,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("line 4, column 1 (\"a\")"), "{e}");
}

/// A huge bad cell is quoted back cut short, not in full.
#[test]
fn long_bad_value_is_cut_short() {
    let text = format!("a\n1\n{}\n", "z".repeat(10_000));
    let e = parse_err(text.as_bytes());
    let shown = e.to_string();
    assert!(shown.len() < 200 && shown.contains("zzz…"), "{shown}");
}

/// Bytes that are not UTF-8 are `NotUtf8`, naming the line they are on.
#[test]
fn not_utf8() {
    let e = parse_err(b"a,b\n1,2\n\xff,3\n");
    assert!(matches!(e, LoadError::NotUtf8 { line: 3, .. }), "{e:?}");
    assert_eq!(e.to_string(), "t.csv: line 3: not valid UTF-8 text");

    let e = load_dataset(&fixture("latin1.csv")).unwrap_err();
    assert!(matches!(e, LoadError::NotUtf8 { line: 2, .. }), "{e:?}");
}

/// Two columns with the same name are `DuplicateColumn`, naming both columns.
#[test]
fn duplicate_column_names() {
    let e = parse_err(b"a,b, a\n1,2,3\n");
    assert!(
        matches!(&e, LoadError::DuplicateColumn { name, first: 1, second: 3, line: 1, .. }
            if name == "a"),
        "{e:?}"
    );
    assert_eq!(e.column(), Some(3));
    assert_eq!(
        e.to_string(),
        r#"t.csv: line 1: columns 1 and 3 are both named "a""#
    );
}

/// A file of only text columns is `NoNumericColumns`.
#[test]
fn only_text_columns() {
    let e = parse_err(b"name,city\nbob,paris\nann,oslo\n");
    assert!(matches!(e, LoadError::NoNumericColumns { .. }), "{e:?}");
    assert!(
        e.to_string().starts_with("t.csv: no numeric columns"),
        "{e}"
    );
}

/// `load_dataset` puts the full path, not just the file name, in the error.
#[test]
fn load_dataset_error_names_the_full_path() {
    let path = fixture("bad_cell.csv");
    let e = load_dataset(&path).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            r#"{}: line 4, column 3 ("c"): expected a number, found "9.5.1""#,
            path.display()
        )
    );
    assert_eq!(e.path(), path);
}

/// A file that cannot be read is `Io`, naming the path.
#[test]
fn missing_file_is_io_error() {
    let path = fixture("no-such-file.csv");
    let e = load_dataset(&path).unwrap_err();
    assert!(matches!(e, LoadError::Io { .. }), "{e:?}");
    assert!(
        e.to_string().starts_with(&path.display().to_string()),
        "{e}"
    );
}

/// No input makes the parsers panic: thousands of random byte strings built
/// from CSV-ish pieces, and every prefix and many corruptions of a valid `.npy`.
#[test]
fn no_input_panics() {
    const PIECES: [&[u8]; 16] = [
        b",",
        b";",
        b"\t",
        b"|",
        b"\"",
        b"\n",
        b"\r\n",
        b" ",
        b"1",
        b"2.5e3",
        b"NA",
        b"abc",
        b"\xff",
        b"\xEF\xBB\xBF",
        b"-inf",
        b"",
    ];
    let mut state = 0x1234_5678_u64;
    let mut next = move || {
        // splitmix64
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) as usize
    };
    for _ in 0..3000 {
        let len = next() % 40;
        let bytes: Vec<u8> = (0..len)
            .flat_map(|_| PIECES[next() % PIECES.len()].to_vec())
            .collect();
        let _ = parse_delimited(&bytes, "fuzz.csv");
        let _ = parse_npy(&bytes, "fuzz.npy");
    }

    let good = npy("<f8", false, "(2, 2)", &f64_le(&[1.0, 2.0, 3.0, 4.0]));
    for cut in 0..good.len() {
        let _ = parse_npy(&good[..cut], "cut.npy");
    }
    for _ in 0..3000 {
        let mut bad = good.clone();
        for _ in 0..3 {
            let i = next() % bad.len();
            bad[i] = PIECES[next() % PIECES.len()]
                .first()
                .copied()
                .unwrap_or(b'9');
        }
        let _ = parse_npy(&bad, "bad.npy");
    }
}

// ---------------------------------------------------------------- npy

/// A little-endian f64 array in C order becomes columns x1..xd, row by row.
#[test]
fn npy_f64_c_order() {
    let bytes = npy(
        "<f8",
        false,
        "(3, 2)",
        &f64_le(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
    );
    let ds = parse_npy(&bytes, "a.npy").unwrap();
    assert_eq!(ds.name, "a.npy");
    assert_eq!(ds.n_rows, 3);
    assert_eq!(ds.column_names(), ["x1", "x2"]);
    assert_same(&values(&ds, "x1"), &[1.0, 3.0, 5.0]);
    assert_same(&values(&ds, "x2"), &[2.0, 4.0, 6.0]);
    assert!(ds.labels.is_empty());
}

/// An f32 array in Fortran order is read column by column.
#[test]
fn npy_f32_fortran_order() {
    // The 2×3 matrix [[1, 2, 3], [4, 5, 6]], stored column-major: 1 4 2 5 3 6.
    let data: Vec<u8> = [1.0f32, 4.0, 2.0, 5.0, 3.0, 6.0]
        .iter()
        .flat_map(|x| x.to_le_bytes())
        .collect();
    let ds = parse_npy(&npy("<f4", true, "(2, 3)", &data), "a.npy").unwrap();
    assert_eq!(ds.n_rows, 2);
    assert_same(&values(&ds, "x1"), &[1.0, 4.0]);
    assert_same(&values(&ds, "x2"), &[2.0, 5.0]);
    assert_same(&values(&ds, "x3"), &[3.0, 6.0]);
}

/// A 1-D big-endian integer array becomes one column; integers are converted.
#[test]
fn npy_1d_big_endian_integers() {
    let data: Vec<u8> = [-7i32, 0, 70_000]
        .iter()
        .flat_map(|x| x.to_be_bytes())
        .collect();
    let ds = parse_npy(&npy(">i4", false, "(3,)", &data), "a.npy").unwrap();
    assert_eq!(ds.n_rows, 3);
    assert_same(&values(&ds, "x1"), &[-7.0, 0.0, 70_000.0]);

    let ds = parse_npy(&npy("|u1", false, "(2, 1)", &[255, 3]), "a.npy").unwrap();
    assert_same(&values(&ds, "x1"), &[255.0, 3.0]);
}

/// A version-2 header (4-byte length) loads as well.
#[test]
fn npy_version_2() {
    let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), }\n";
    let mut bytes = b"\x93NUMPY\x02\x00".to_vec();
    bytes.extend(u32::try_from(header.len()).unwrap().to_le_bytes());
    bytes.extend(header.as_bytes());
    bytes.extend(2.5f64.to_le_bytes());
    let ds = parse_npy(&bytes, "a.npy").unwrap();
    assert_same(&values(&ds, "x1"), &[2.5]);
}

/// Data shorter than the header promises is `NpyTruncated`, with both sizes.
#[test]
fn npy_truncated() {
    let bytes = npy("<f8", false, "(3, 2)", &f64_le(&[1.0, 2.0, 3.0, 4.0, 5.0]));
    let e = npy_err(&bytes);
    assert!(
        matches!(
            e,
            LoadError::NpyTruncated {
                expected: 48,
                found: 40,
                ..
            }
        ),
        "{e:?}"
    );
    let shown = e.to_string();
    assert!(
        shown.starts_with("a.npy: ") && shown.contains("48") && shown.contains("40"),
        "{shown}"
    );
}

/// A shape whose byte size overflows u64 is an error, not a panic or a huge allocation.
#[test]
fn npy_absurd_shape() {
    let e = npy_err(&npy("<f8", false, "(4611686018427387904, 4)", &[]));
    assert!(matches!(e, LoadError::NpyBadHeader { .. }), "{e:?}");
    // Too wide is said before anything else.
    let e = npy_err(&npy("<f8", false, "(4294967296, 4294967296)", &[]));
    assert!(
        matches!(
            e,
            LoadError::TooWide {
                columns: 4_294_967_296,
                ..
            }
        ),
        "{e:?}"
    );
    let e = npy_err(&npy("<f8", false, "(4294967296, 3)", &[0; 16]));
    assert!(matches!(e, LoadError::NpyTruncated { .. }), "{e:?}");
}

/// Complex numbers, byte strings and booleans are `NpyUnsupportedDtype`, naming
/// the dtype and what is supported.
#[test]
fn npy_unsupported_dtypes() {
    for (descr, what) in [
        ("<c16", "complex"),
        ("|S4", "byte strings"),
        ("|b1", "booleans"),
    ] {
        let e = npy_err(&npy(descr, false, "(1, 1)", &[0; 16]));
        assert!(
            matches!(&e, LoadError::NpyUnsupportedDtype { dtype, .. } if dtype == descr),
            "{e:?}"
        );
        let shown = e.to_string();
        assert!(
            shown.contains(descr) && shown.contains(what) && shown.contains("f32, f64 and integer"),
            "{shown}"
        );
    }
}

/// A 3-D array is `NpyBadShape`, showing the shape.
#[test]
fn npy_3d_is_bad_shape() {
    let e = npy_err(&npy("<f8", false, "(2, 2, 2)", &f64_le(&[0.0; 8])));
    assert!(matches!(e, LoadError::NpyBadShape { .. }), "{e:?}");
    assert!(e.to_string().contains("(2, 2, 2)"), "{e}");
}

/// A file without the magic, or with a broken header dict, is `NpyBadHeader`.
#[test]
fn npy_bad_header() {
    let e = npy_err(b"not numpy at all");
    assert!(matches!(e, LoadError::NpyBadHeader { .. }), "{e:?}");
    let e = npy_err(&npy("<f8", false, "(2, 'x')", &[]));
    assert!(matches!(e, LoadError::NpyBadHeader { .. }), "{e:?}");
    assert!(
        e.to_string().starts_with("a.npy: not a valid .npy file"),
        "{e}"
    );
}

/// `load_dataset` recognizes a `.npy` file and sets its source; its errors name the full path.
#[test]
fn load_dataset_npy_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("emb.npy");
    std::fs::write(&path, npy("<f8", false, "(1, 2)", &f64_le(&[1.0, 2.0]))).unwrap();
    let ds = load_dataset(&path).unwrap();
    assert_eq!((ds.name.as_str(), ds.n_rows), ("emb.npy", 1));
    assert_eq!(ds.source.as_deref(), Some(path.as_path()));

    std::fs::write(&path, npy("<c8", false, "(1, 2)", &[0; 16])).unwrap();
    let e = load_dataset(&path).unwrap_err();
    assert!(
        e.to_string().starts_with(&path.display().to_string()),
        "{e}"
    );
}

// ---------------------------------------------------------------- built-ins

/// Iris is Fisher's data: 150 rows, 4 measurements with the well-known means,
/// and 3 species of 50 each.
#[test]
fn builtin_iris() {
    let ds = load_builtin("iris").unwrap();
    assert_eq!(ds.name, "iris");
    assert_eq!(ds.source, None);
    assert_eq!(ds.n_rows, 150);
    assert_eq!(
        ds.column_names(),
        ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    );
    for (column, mean) in ds.columns.iter().zip([5.843, 3.057, 3.758, 1.199]) {
        let actual = column.values.iter().sum::<f64>() / 150.0;
        assert!(
            (actual - mean).abs() < 1e-3,
            "{}: mean {actual}, expected {mean}",
            column.name
        );
    }
    let species = ds.label("species").unwrap();
    assert_eq!(species.categories, ["setosa", "versicolor", "virginica"]);
    for code in 0..3 {
        assert_eq!(species.codes.iter().filter(|&&c| c == code).count(), 50);
    }
}

/// The cloud has 3 numeric columns and 3 labelled clusters.
#[test]
fn builtin_cloud() {
    let ds = load_builtin("cloud").unwrap();
    assert_eq!(ds.name, "cloud");
    assert_eq!(ds.column_names(), ["x", "y", "z"]);
    assert_eq!(ds.n_rows, 300);
    assert_eq!(ds.label("cluster").unwrap().categories.len(), 3);
    assert!(
        ds.columns
            .iter()
            .flat_map(|c| &c.values)
            .all(|x| x.is_finite())
    );
}

/// Every listed built-in loads and is found by its id; an unknown id is an error
/// that lists the ids that exist.
#[test]
fn builtin_lookup() {
    for b in BUILTINS {
        assert_eq!(builtin(b.id).map(|found| found.id), Some(b.id));
        assert_eq!(b.load().unwrap().name, b.id);
    }
    let e = load_builtin("nope").unwrap_err();
    assert!(matches!(e, LoadError::UnknownBuiltin { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "builtin:nope: no such built-in dataset (available: iris, cloud, people, anscombe, words, cloud-1m, digits, circles, xor, gauss, spiral, moons, plane, bump)"
    );
}
