//! Embeddings: the loaders (Embedding Projector pair, word2vec/GloVe text,
//! `.npy` with labels) on good and bad files, exact nearest neighbours against
//! a brute-force reference for every metric, analogies, and the built-in
//! `words` (real all-MiniLM-L6-v2 vectors with real neighbours).

use std::path::{Path, PathBuf};

use eigenlens::data::{
    Dataset, LoadError, dim_name, labels_beside_npy, load_builtin, load_dataset, load_embeddings,
    load_npy_with_labels, load_projector, load_word2vec, looks_like_word2vec,
    looks_like_word2vec_binary, metadata_beside, parse_labels, parse_projector_vectors,
    parse_word2vec, parse_word2vec_binary,
};
use eigenlens::math::similarity::{Metric, Neighbor, SimilarityError, VectorIndex};

// ---------------------------------------------------------------- helpers

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/embeddings")
        .join(name)
}

fn ok<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("expected success, got: {e}"))
}

fn err<T: std::fmt::Debug>(r: Result<T, LoadError>) -> LoadError {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e,
    }
}

/// The labels of column `name`, one per row.
fn labels(ds: &Dataset, name: &str) -> Vec<String> {
    let column = ds
        .label(name)
        .unwrap_or_else(|| panic!("no label column {name:?} in {:?}", ds.labels));
    (0..ds.n_rows).map(|i| column.get(i).to_owned()).collect()
}

fn label_names(ds: &Dataset) -> Vec<&str> {
    ds.labels.iter().map(|l| l.name.as_str()).collect()
}

/// Row `i` of the numeric columns.
fn row(ds: &Dataset, i: usize) -> Vec<f64> {
    ds.columns.iter().map(|c| c.values[i]).collect()
}

fn index_of(ds: &Dataset) -> VectorIndex {
    let columns: Vec<&[f64]> = ds.columns.iter().map(|c| c.values.as_slice()).collect();
    ok(VectorIndex::from_columns(&columns))
}

/// The row whose first label is `label`.
fn find(ds: &Dataset, label: &str) -> usize {
    let column = &ds.labels[0];
    (0..ds.n_rows)
        .find(|&i| column.get(i) == label)
        .unwrap_or_else(|| panic!("no row labelled {label:?}"))
}

const WORDS: [&str; 8] = ["dog", "cat", "horse", "cow", "apple", "pear", "plum", "fig"];

/// Writes `files` (name, contents) into a fresh temporary folder.
fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = ok(tempfile::tempdir());
    for (name, bytes) in files {
        ok(std::fs::write(dir.path().join(name), bytes));
    }
    dir
}

// ---------------------------------------------------------------- Embedding Projector

/// A real Projector export (written exactly as TensorFlow's tutorial writes
/// it: `str(float32)` values, one word per metadata line) loads through the
/// sniffing `load_dataset`, with the metadata found beside the vectors.
#[test]
fn projector_export_loads_with_metadata_beside() {
    let path = fixture("projector/vectors.tsv");
    let ds = ok(load_dataset(&path));
    assert_eq!(ds.n_rows, 8);
    assert_eq!(ds.columns.len(), 16);
    assert_eq!(ds.columns[0].name, "dim_0");
    assert_eq!(ds.columns[15].name, "dim_15");
    assert_eq!(label_names(&ds), ["label"]);
    assert_eq!(labels(&ds, "label"), WORDS);
    assert_eq!(ds.source.as_deref(), Some(path.as_path()));
    assert_eq!(ds.name, "vectors.tsv");
    // The first value as TensorFlow printed it.
    assert!((ds.columns[0].values[0] - -0.194_473_67).abs() < 1e-12);
    // Explicitly, too.
    let explicit = ok(load_projector(
        &path,
        Some(&fixture("projector/metadata.tsv")),
    ));
    assert_eq!(explicit, ds);
    assert_eq!(
        metadata_beside(&path),
        Some(fixture("projector/metadata.tsv"))
    );
}

/// Multi-column metadata has a header; every column becomes a label column
/// (numbers too: metadata describes, it is not a dimension).
#[test]
fn projector_multi_column_metadata() {
    let ds = ok(load_dataset(&fixture("projector-multi/vectors.tsv")));
    assert_eq!(label_names(&ds), ["word", "group", "letters"]);
    assert_eq!(labels(&ds, "word"), WORDS);
    assert_eq!(labels(&ds, "group")[3..5], ["animal", "fruit"]);
    assert_eq!(labels(&ds, "letters")[0], "3");
    assert_eq!(ds.columns.len(), 16);
}

/// Vectors without metadata load with no labels; `words-vectors.tsv` looks
/// for `words-metadata.tsv`.
#[test]
fn projector_without_metadata_and_prefixed_names() {
    let vectors = b"1\t2\n3\t4\n";
    let dir = folder(&[("vectors.tsv", vectors)]);
    let ds = ok(load_dataset(&dir.path().join("vectors.tsv")));
    assert_eq!(ds.n_rows, 2);
    assert!(ds.labels.is_empty());
    assert_eq!(row(&ds, 1), [3.0, 4.0]);

    let dir = folder(&[
        ("words-vectors.tsv", vectors),
        ("words-metadata.tsv", b"a\nb\n"),
    ]);
    let path = dir.path().join("words-vectors.tsv");
    assert_eq!(
        metadata_beside(&path),
        Some(dir.path().join("words-metadata.tsv"))
    );
    assert_eq!(labels(&ok(load_dataset(&path)), "label"), ["a", "b"]);
}

/// A single-column metadata file has no header, unless it has exactly one row
/// more than there are vectors: then the first row names the column.
#[test]
fn single_column_metadata_header_rule() {
    let cols = ok(parse_labels(b"dog\ncat\n", "m.tsv", 2, "v.tsv"));
    assert_eq!(cols.len(), 1);
    assert_eq!(cols[0].name, "label");
    assert_eq!(cols[0].categories, ["dog", "cat"]);

    let cols = ok(parse_labels(b"word\ndog\ncat\n", "m.tsv", 2, "v.tsv"));
    assert_eq!(cols[0].name, "word");
    assert_eq!(cols[0].categories, ["dog", "cat"]);
}

/// Labels are trimmed and kept as text (`NA` is a word, not a missing cell);
/// a blank line in a single-column file is an empty label; CRLF and a BOM are fine.
#[test]
fn metadata_cells_are_text() {
    let cols = ok(parse_labels(
        b"\xEF\xBB\xBF NA \r\n\r\n1.5\r\n",
        "m.tsv",
        3,
        "v.tsv",
    ));
    assert_eq!(cols[0].categories, ["NA", "", "1.5"]);
    assert_eq!(cols[0].codes, [0, 1, 2]);
}

/// A `vectors.tsv` that is really a table with a header still loads as a
/// table: the Projector route needs a numeric first line.
#[test]
fn a_table_named_vectors_tsv_is_still_a_table() {
    let dir = folder(&[("vectors.tsv", b"x\ty\tname\n1\t2\ta\n3\t4\tb\n")]);
    let ds = ok(load_dataset(&dir.path().join("vectors.tsv")));
    assert_eq!(ds.column_names(), ["x", "y"]);
    assert_eq!(label_names(&ds), ["name"]);
}

/// A row of another width names its line and both widths.
#[test]
fn projector_ragged_row_names_the_line() {
    let e = err(parse_projector_vectors(
        b"1\t2\t3\n4\t5\t6\n7\t8\n",
        "vectors.tsv",
    ));
    assert!(
        matches!(
            e,
            LoadError::Ragged {
                line: 3,
                expected: 3,
                found: 2,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "vectors.tsv: line 3: expected 3 fields, found 2"
    );
}

/// A blank line among the vectors is a row of width 0 (it would shift every
/// label after it); blank lines at the end are ignored.
#[test]
fn projector_blank_line_in_the_middle() {
    let ds = ok(parse_projector_vectors(b"1\t2\n3\t4\n\n\n", "v.tsv"));
    assert_eq!(ds.n_rows, 2);
    let e = err(parse_projector_vectors(b"1\t2\n\n3\t4\n", "v.tsv"));
    assert!(
        matches!(
            e,
            LoadError::Ragged {
                line: 2,
                found: 0,
                ..
            }
        ),
        "{e:?}"
    );
}

/// A non-numeric value names line, column and dimension; NaN and ∞ are not
/// allowed either.
#[test]
fn projector_bad_values_name_line_and_column() {
    let e = err(parse_projector_vectors(
        b"1\t2\t3\n4\t5\tsix\n",
        "vectors.tsv",
    ));
    assert!(
        matches!(
            &e,
            LoadError::NotANumber { line: 2, column: 3, name, value, .. }
                if name == "dim_2" && value == "six"
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "vectors.tsv: line 2, column 3 (\"dim_2\"): expected a number, found \"six\""
    );
    let e = err(parse_projector_vectors(b"1\t2\nNaN\t4\n", "vectors.tsv"));
    assert!(
        matches!(
            e,
            LoadError::NotFinite {
                line: 2,
                column: 1,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .starts_with("vectors.tsv: line 2, column 1: \"NaN\" is not a finite number")
    );
    let e = err(parse_projector_vectors(b"1\tinf\n", "vectors.tsv"));
    assert_eq!((e.line(), e.column()), (Some(1), Some(2)));
}

/// Metadata with fewer rows than vectors is an error naming both files and
/// the last line; with more, the first line that has no vector.
#[test]
fn metadata_with_a_different_row_count() {
    let dir = folder(&[
        ("vectors.tsv", b"1\t2\n3\t4\n5\t6\n"),
        ("metadata.tsv", b"a\nb\n"),
    ]);
    let vectors = dir.path().join("vectors.tsv");
    let e = err(load_dataset(&vectors));
    assert!(
        matches!(
            e,
            LoadError::MetadataRows {
                line: 2,
                rows: 2,
                vectors: 3,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.path(), dir.path().join("metadata.tsv"));
    assert_eq!(
        e.to_string(),
        format!(
            "{}: 2 rows of labels (the last on line 2) for the 3 vectors in vectors.tsv; they must match one to one",
            dir.path().join("metadata.tsv").display()
        )
    );

    // Multi-column: the header does not count; line 5 is the 4th row.
    let e = err(parse_labels(
        b"w\tg\na\tx\nb\tx\nc\ty\nd\ty\n",
        "metadata.tsv",
        3,
        "vectors.tsv",
    ));
    assert!(
        matches!(
            e,
            LoadError::MetadataRows {
                line: 5,
                rows: 4,
                vectors: 3,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .starts_with("metadata.tsv: line 5: this row of labels has no vector"),
        "{e}"
    );
}

/// A multi-column metadata row of the wrong width names its line; a repeated
/// header name names both columns.
#[test]
fn metadata_ragged_and_duplicate_columns() {
    let e = err(parse_labels(b"w\tg\na\tx\nb\n", "m.tsv", 2, "v.tsv"));
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
    let e = err(parse_labels(b"w\tw\na\tx\n", "m.tsv", 1, "v.tsv"));
    assert!(
        matches!(
            e,
            LoadError::DuplicateColumn {
                line: 1,
                first: 1,
                second: 2,
                ..
            }
        ),
        "{e:?}"
    );
}

// ---------------------------------------------------------------- word2vec / GloVe

/// The word2vec C tool's format (a `count dim` line, trailing spaces) and
/// GloVe's (no first line) load the same words and vectors as the Projector
/// export of the same weights.
#[test]
fn word2vec_and_glove_text() {
    let projector = ok(load_dataset(&fixture("projector/vectors.tsv")));
    for (file, digits) in [("word2vec.txt", 1e-6), ("glove.txt", 1e-5)] {
        let path = fixture(file);
        let ds = ok(load_dataset(&path));
        assert_eq!(ds.n_rows, 8, "{file}");
        assert_eq!(ds.columns.len(), 16, "{file}");
        assert_eq!(label_names(&ds), ["word"], "{file}");
        assert_eq!(labels(&ds, "word"), WORDS, "{file}");
        for i in 0..8 {
            for (a, b) in row(&ds, i).iter().zip(row(&projector, i)) {
                assert!((a - b).abs() <= digits, "{file} row {i}: {a} vs {b}");
            }
        }
        assert_eq!(ok(load_word2vec(&path)), ds);
        assert!(looks_like_word2vec(&ok(std::fs::read(&path))), "{file}");
    }
}

/// With the width known from the header, a token may contain spaces (as in
/// some GloVe vocabularies).
#[test]
fn word2vec_tokens_with_spaces() {
    let ds = ok(parse_word2vec(
        b"2 2\nnew york 0.5 1\nparis 1 0.5\n",
        "w.txt",
    ));
    assert_eq!(labels(&ds, "word"), ["new york", "paris"]);
    assert_eq!(row(&ds, 0), [0.5, 1.0]);
}

/// The header's count must match; rows must have the header's width.
#[test]
fn word2vec_errors_name_the_line() {
    let e = err(parse_word2vec(b"3 2\na 1 2\nb 3 4\n", "w.txt"));
    assert!(
        matches!(
            e,
            LoadError::CountMismatch {
                line: 1,
                expected: 3,
                found: 2,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "w.txt: line 1: the header promises 3 vectors, but the file holds 2"
    );

    // A vector's length counts the numbers after the word, not the word.
    let e = err(parse_word2vec(b"a 1 2 3\nb 1 2\n", "w.txt"));
    assert!(
        matches!(
            e,
            LoadError::VectorLength {
                line: 2,
                expected: 3,
                found: 2,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "w.txt: line 2: expected 3 numbers after the word, found 2"
    );
    let e = err(parse_word2vec(b"a 1 2\n\nb 1 2 3\n", "w.txt"));
    assert!(
        matches!(e, LoadError::VectorLength { line: 3, .. }),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "w.txt: line 3: expected 2 numbers after the word, found 3"
    );
    // With a `count dim` header: 50 numbers promised, 51 found.
    let values = |n: usize| vec!["0.5"; n].join(" ");
    let text = format!("2 50\nking {}\nqueen {}\n", values(50), values(51));
    let e = err(parse_word2vec(text.as_bytes(), "glove.txt"));
    assert_eq!(
        e.to_string(),
        "glove.txt: line 3: expected 50 numbers after the word, found 51"
    );

    let e = err(parse_word2vec(b"2 3\na 1 2 3\nb 1 x 3\n", "w.txt"));
    assert!(
        matches!(&e, LoadError::NotANumber { line: 3, column: 3, name, .. } if name == "dim_1"),
        "{e:?}"
    );
    let e = err(parse_word2vec(b"lonely\n", "w.txt"));
    assert!(
        matches!(e, LoadError::TooFewFields { line: 1, .. }),
        "{e:?}"
    );
}

/// Word2vec sniffing takes token-then-numbers lines separated by spaces and
/// nothing else, so CSV and TSV sniffing is untouched.
#[test]
fn word2vec_sniffing() {
    assert!(looks_like_word2vec(b"the 0.1 0.2\nof 0.3 0.4\n"));
    assert!(looks_like_word2vec(b"2 2\n1 0.1 0.2\n2 0.3 0.4\n"));
    assert!(!looks_like_word2vec(b"a\t1\t2\nb\t3\t4\n"));
    assert!(!looks_like_word2vec(b"name,x,y\na,1,2\n"));
    // Numeric tokens (item ids) are tokens too when every line has one width.
    assert!(looks_like_word2vec(b"1 2 3\n4 5 6\n"));
    assert!(!looks_like_word2vec(b"1 2 3\n4 5\n"));
    assert!(!looks_like_word2vec(b"the 0.1\n"));
    assert!(!looks_like_word2vec(b"hello world foo\n"));

    // A `.txt` CSV still loads as a table.
    let dir = folder(&[("t.txt", b"x,y\n1,2\n3,4\n")]);
    let ds = ok(load_dataset(&dir.path().join("t.txt")));
    assert_eq!(ds.column_names(), ["x", "y"]);
}

/// gensim's `save_word2vec_format(binary=True)` (no newline between vectors,
/// a non-ASCII token) loads through the sniffing `load_dataset` with the same
/// vectors as the Projector export, "café" being the mean of the fruits.
#[test]
fn word2vec_binary_written_by_gensim() {
    let path = fixture("word2vec.bin");
    let bytes = ok(std::fs::read(&path));
    assert!(looks_like_word2vec_binary(&bytes));
    assert!(!looks_like_word2vec(&bytes));
    let ds = ok(load_dataset(&path));
    assert_eq!(ds.n_rows, 9);
    assert_eq!(ds.columns.len(), 16);
    let words = labels(&ds, "word");
    assert_eq!(words[..8], WORDS);
    assert_eq!(words[8], "café");
    let projector = ok(load_dataset(&fixture("projector/vectors.tsv")));
    for i in 0..8 {
        for (a, b) in row(&ds, i).iter().zip(row(&projector, i)) {
            assert!((a - b).abs() <= 1e-6, "row {i}: {a} vs {b}");
        }
    }
    for d in 0..16 {
        let mean = (4..8).map(|i| row(&projector, i)[d]).sum::<f64>() / 4.0;
        assert!((row(&ds, 8)[d] - mean).abs() <= 1e-5, "café dim {d}");
    }
    assert_eq!(ok(load_word2vec(&path)), ds);
    assert_eq!(ok(load_embeddings(&path, None)), ds);
}

/// A binary file cut short, or whose header promises more than it holds,
/// is refused with the file and the vector named, never sized by the header.
#[test]
fn word2vec_binary_errors() {
    let bytes = ok(std::fs::read(fixture("word2vec.bin")));
    let cut = &bytes[..bytes.len() - 10];
    let e = err(parse_word2vec_binary(cut, "w.bin"));
    let text = e.to_string();
    assert!(matches!(e, LoadError::Word2vecBinary { .. }), "{e:?}");
    assert!(
        text.contains("w.bin") && text.contains("vector 9 of 9"),
        "{text}"
    );
    // A header promising a billion vectors of a million dimensions.
    let mut huge = b"1000000000 1000000\n".to_vec();
    huge.extend_from_slice(b"a ");
    huge.extend_from_slice(&[0u8; 64]);
    let e = err(parse_word2vec_binary(&huge, "huge.bin"));
    assert!(e.to_string().contains("huge.bin"), "{e}");
}

/// GloVe-style text whose tokens are item ids (as a recommender exports its
/// item embeddings) loads with the ids as labels, not as a table of numbers.
#[test]
fn glove_text_with_numeric_tokens() {
    let path = fixture("glove-ids.txt");
    let ds = ok(load_dataset(&path));
    assert_eq!(ds.n_rows, 8);
    assert_eq!(ds.columns.len(), 16);
    assert_eq!(
        labels(&ds, "word"),
        ["101", "102", "103", "104", "105", "106", "107", "108"]
    );
    let projector = ok(load_dataset(&fixture("projector/vectors.tsv")));
    for (a, b) in row(&ds, 3).iter().zip(row(&projector, 3)) {
        assert!((a - b).abs() <= 1e-6, "{a} vs {b}");
    }
}

// ---------------------------------------------------------------- .npy + labels

/// An `.npy` array with a labels CSV (header, quoted commas) beside it loads
/// as an embedding; the same without labels stays a plain array.
#[test]
fn npy_with_labels_csv_beside() {
    let path = fixture("items.npy");
    assert_eq!(labels_beside_npy(&path), Some(fixture("items.labels.csv")));
    let ds = ok(load_dataset(&path));
    assert_eq!(ds.columns[0].name, "dim_0");
    assert_eq!(label_names(&ds), ["title", "genre"]);
    assert_eq!(labels(&ds, "title")[0], "Dog, The");
    assert_eq!(labels(&ds, "genre")[4], "fruit");
    let projector = ok(load_dataset(&fixture("projector/vectors.tsv")));
    for i in 0..8 {
        // float32 in both; str(x) round-trips float32 exactly.
        for (a, b) in row(&ds, i).iter().zip(row(&projector, i)) {
            assert!((a - b).abs() <= 1e-7 * b.abs().max(1.0), "{a} vs {b}");
        }
    }
    assert_eq!(ok(load_embeddings(&path, None)), ds);

    let bare = folder(&[("x.npy", &ok(std::fs::read(&path)))]);
    let ds = ok(load_dataset(&bare.path().join("x.npy")));
    assert!(ds.labels.is_empty());
    assert_eq!(ds.columns[0].name, "x1");
}

/// One label per line, given explicitly.
#[test]
fn npy_with_explicit_labels_per_line() {
    let dir = folder(&[
        ("a.npy", &ok(std::fs::read(fixture("items.npy")))),
        ("names.txt", WORDS.join("\n").as_bytes()),
    ]);
    let ds = ok(load_npy_with_labels(
        &dir.path().join("a.npy"),
        Some(&dir.path().join("names.txt")),
    ));
    assert_eq!(labels(&ds, "label"), WORDS);

    // Seven labels for eight vectors: the labels file is at fault.
    let dir = folder(&[
        ("a.npy", &ok(std::fs::read(fixture("items.npy")))),
        ("names.txt", WORDS[..7].join("\n").as_bytes()),
    ]);
    let e = err(load_npy_with_labels(
        &dir.path().join("a.npy"),
        Some(&dir.path().join("names.txt")),
    ));
    assert!(
        matches!(
            e,
            LoadError::MetadataRows {
                line: 7,
                rows: 7,
                vectors: 8,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.path(), dir.path().join("names.txt"));
    assert!(e.to_string().contains("for the 8 vectors in a.npy"), "{e}");
}

/// A NaN in an `.npy` embedding names its row (as the line) and column.
#[test]
fn npy_embedding_with_nan() {
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    let mut header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }".to_owned();
    while !(10 + header.len() + 1).is_multiple_of(64) {
        header.push(' ');
    }
    header.push('\n');
    bytes.extend((header.len() as u16).to_le_bytes());
    bytes.extend(header.as_bytes());
    for x in [1.0f64, 2.0, 3.0, f64::NAN] {
        bytes.extend(x.to_le_bytes());
    }
    let dir = folder(&[("e.npy", &bytes), ("e.labels.txt", b"a\nb\n")]);
    let e = err(load_dataset(&dir.path().join("e.npy")));
    assert!(
        matches!(
            e,
            LoadError::NotFinite {
                line: 2,
                column: 2,
                ..
            }
        ),
        "{e:?}"
    );
}

/// Broken bytes of every format give errors, never panics.
#[test]
fn no_input_panics() {
    let seeds: [&[u8]; 4] = [
        include_bytes!("fixtures/embeddings/projector/vectors.tsv"),
        include_bytes!("fixtures/embeddings/word2vec.txt"),
        include_bytes!("fixtures/embeddings/projector-multi/metadata.tsv"),
        b"\xff\xfe\x00 1 2\n\t\t\n",
    ];
    let mut rng = fastrand::Rng::with_seed(6);
    for seed in seeds {
        for _ in 0..300 {
            let mut bytes = seed.to_vec();
            let cut = rng.usize(..=bytes.len());
            bytes.truncate(cut);
            for _ in 0..rng.usize(0..4) {
                if !bytes.is_empty() {
                    let i = rng.usize(..bytes.len());
                    bytes[i] = rng.u8(..);
                }
            }
            let _ = parse_projector_vectors(&bytes, "v.tsv");
            let _ = parse_word2vec(&bytes, "w.txt");
            let _ = parse_labels(&bytes, "m.tsv", 8, "v.tsv");
            let _ = parse_labels(&bytes, "m.csv", 3, "v.tsv");
            let _ = looks_like_word2vec(&bytes);
        }
    }
    assert!(matches!(
        err(parse_projector_vectors(b" \n", "v.tsv")),
        LoadError::Empty { .. }
    ));
    assert!(matches!(
        err(parse_word2vec(b"", "w.txt")),
        LoadError::Empty { .. }
    ));
    assert!(matches!(
        err(parse_projector_vectors(b"1\t2\n\xff\n", "v.tsv")),
        LoadError::NotUtf8 { line: 2, .. }
    ));
}

// ---------------------------------------------------------------- similarity

/// Seeded random n × d data as columns.
fn random_columns(n: usize, d: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..d)
        .map(|_| (0..n).map(|_| rng.f64() * 2.0 - 1.0 + 0.3).collect())
        .collect()
}

/// The k best rows for `q` by brute force in f64, excluding `exclude`:
/// (index, score), closest first.
fn brute_force(
    columns: &[Vec<f64>],
    q: &[f64],
    k: usize,
    metric: Metric,
    exclude: &[usize],
) -> Vec<(usize, f64)> {
    let n = columns[0].len();
    let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
    let mut all: Vec<(usize, f64)> = (0..n)
        .filter(|i| !exclude.contains(i))
        .map(|i| {
            let x: Vec<f64> = columns.iter().map(|c| c[i]).collect();
            let dot: f64 = x.iter().zip(q).map(|(a, b)| a * b).sum();
            let score = match metric {
                Metric::Cosine => dot / (norm(&x) * norm(q)),
                Metric::Dot => dot,
                Metric::Euclidean => x
                    .iter()
                    .zip(q)
                    .map(|(a, b)| (a - b) * (a - b))
                    .sum::<f64>()
                    .sqrt(),
            };
            (i, score)
        })
        .collect();
    all.sort_by(|a, b| {
        let order = a.1.total_cmp(&b.1);
        if metric.higher_is_closer() {
            order.reverse()
        } else {
            order
        }
    });
    all.truncate(k);
    all
}

fn assert_same_neighbors(actual: &[Neighbor], expected: &[(usize, f64)], what: &str) {
    let actual: Vec<(usize, f64)> = actual.iter().map(|n| (n.index, n.score)).collect();
    let same = actual.len() == expected.len()
        && actual
            .iter()
            .zip(expected)
            .all(|(a, e)| a.0 == e.0 && (a.1 - e.1).abs() <= 1e-4 * e.1.abs().max(1.0));
    assert!(same, "{what}\n  actual: {actual:?}\nexpected: {expected:?}");
}

/// For every metric, the k nearest neighbours of a row (itself excluded) are
/// exactly brute force's, in order, with the same scores, on seeded random data.
#[test]
fn knn_matches_brute_force_for_every_metric() {
    let columns = random_columns(700, 37, 11);
    let refs: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
    let index = ok(VectorIndex::from_columns(&refs));
    assert_eq!((index.len(), index.dim()), (700, 37));
    for metric in Metric::ALL {
        for row in [0, 1, 350, 699] {
            let q: Vec<f64> = columns.iter().map(|c| c[row]).collect();
            let expected = brute_force(&columns, &q, 12, metric, &[row]);
            let actual = ok(index.neighbors(row, 12, metric));
            assert!(actual.iter().all(|n| n.index != row));
            assert_same_neighbors(&actual, &expected, &format!("{metric}, row {row}"));
            // The pair score agrees with the list.
            let first = &actual[0];
            let pair = index.score(row, first.index, metric);
            assert!(pair.is_some_and(|s| (s - first.score).abs() < 1e-6));
        }
    }
}

/// The three metrics rank differently: dot favours long vectors, Euclidean
/// near ones, cosine aligned ones.
#[test]
fn metrics_disagree_where_they_should() {
    // Query (1, 0). Row 1: aligned but short; row 2: long, 45° off; row 3: near, 32° off.
    let x = [1.0, 0.1, 5.0, 0.8];
    let y = [0.0, 0.0, 5.0, 0.5];
    let index = ok(VectorIndex::from_columns(&[&x, &y]));
    let best = |metric| ok(index.neighbors(0, 1, metric))[0].index;
    assert_eq!(best(Metric::Cosine), 1);
    assert_eq!(best(Metric::Dot), 2);
    assert_eq!(best(Metric::Euclidean), 3);
}

/// Neighbours of an arbitrary vector leave out what is excluded; k larger than
/// the data gives every row; k = 0 gives none.
#[test]
fn neighbors_of_a_vector() {
    let columns = random_columns(200, 8, 3);
    let refs: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
    let index = ok(VectorIndex::from_columns(&refs));
    let q: Vec<f32> = (0..8).map(|j| j as f32 * 0.1 - 0.2).collect();
    let q64: Vec<f64> = q.iter().map(|&v| f64::from(v)).collect();
    for metric in Metric::ALL {
        let expected = brute_force(&columns, &q64, 5, metric, &[7, 9]);
        let actual = ok(index.neighbors_of(&q, 5, metric, &[7, 9]));
        assert_same_neighbors(&actual, &expected, metric.name());
    }
    assert_eq!(ok(index.neighbors(3, 1000, Metric::Cosine)).len(), 199);
    assert!(ok(index.neighbors(3, 0, Metric::Cosine)).is_empty());
    assert_eq!(
        index.neighbors_of(&[1.0], 3, Metric::Dot, &[]),
        Err(SimilarityError::DimensionMismatch {
            expected: 8,
            found: 1
        })
    );
    assert_eq!(
        index.neighbors(200, 3, Metric::Dot),
        Err(SimilarityError::RowOutOfRange { row: 200, n: 200 })
    );
}

/// Ties are broken by the lower row; a zero vector has cosine 0 with anything.
#[test]
fn ties_and_zero_vectors() {
    let x = [1.0, 1.0, 1.0, 0.0];
    let y = [0.0, 0.0, 0.0, 0.0];
    let index = ok(VectorIndex::from_columns(&[&x, &y]));
    let found = ok(index.neighbors(0, 3, Metric::Cosine));
    assert_eq!(
        found,
        [
            Neighbor {
                index: 1,
                score: 1.0
            },
            Neighbor {
                index: 2,
                score: 1.0
            },
            Neighbor {
                index: 3,
                score: 0.0
            },
        ]
    );
}

/// Bad input to the index is an error naming row and dimension.
#[test]
fn index_errors() {
    let a = [1.0, f64::NAN];
    let b = [1.0, 2.0];
    assert!(matches!(
        VectorIndex::from_columns(&[&b, &a]),
        Err(SimilarityError::NotFinite {
            row: 1,
            dim: 1,
            value
        }) if value.is_nan()
    ));
    let e = VectorIndex::from_columns(&[&b, &a]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "row 2, dimension 1: NaN is not a finite number"
    );
    assert_eq!(
        VectorIndex::from_columns(&[&b, &[1.0]]),
        Err(SimilarityError::LengthMismatch {
            dim: 1,
            expected: 2,
            found: 1
        })
    );
    assert_eq!(
        VectorIndex::from_columns(&[]),
        Err(SimilarityError::NoDimensions)
    );
    assert_eq!(
        VectorIndex::from_columns(&[&[]]),
        Err(SimilarityError::Empty)
    );
}

/// A constructed analogy: king − man + woman lands on queen (cosine, on unit
/// vectors, as word2vec does), the inputs are excluded (king itself would be
/// nearest otherwise), and the vector is â − b̂ + ĉ.
#[test]
fn analogy_on_a_constructed_example() {
    // Dimensions: royalty, maleness, "is a word".
    let words = ["man", "woman", "king", "queen", "girl", "apple"];
    let royal = [0.0, 0.0, 1.0, 1.0, 0.1, 0.0];
    let male = [1.0, -1.0, 1.0, -1.0, -1.0, 0.0];
    let word = [0.2, 0.2, 0.2, 0.2, 0.3, 1.0];
    let index = ok(VectorIndex::from_columns(&[&royal, &male, &word]));
    let (man, woman, king, queen) = (0, 1, 2, 3);
    let result = ok(index.analogy(king, man, woman, 3, Metric::Cosine));
    assert_eq!(result.neighbors[0].index, queen, "{result:?} ({words:?})");
    assert!(
        result
            .neighbors
            .iter()
            .all(|n| ![king, man, woman].contains(&n.index))
    );
    let unit = |r: usize| {
        let v: Vec<f32> = index.row(r).to_vec();
        let norm = index.norm(r) as f32;
        v.into_iter().map(move |x| x / norm)
    };
    let expected: Vec<f32> = unit(king)
        .zip(unit(man))
        .zip(unit(woman))
        .map(|((a, b), c)| a - b + c)
        .collect();
    for (a, e) in result.vector.iter().zip(&expected) {
        assert!((a - e).abs() < 1e-6);
    }
    // With raw vectors (dot), a − b + c is exactly queen's vector here.
    let dot = ok(index.analogy(king, man, woman, 1, Metric::Dot));
    assert_eq!(dot.vector, index.row(queen));
    assert_eq!(dot.neighbors[0].index, queen);
}

/// Metric names round-trip (scenes and the command line use them).
#[test]
fn metric_names() {
    for m in Metric::ALL {
        assert_eq!(Metric::from_name(m.name()), Some(m));
    }
    assert_eq!(Metric::from_name("manhattan"), None);
}

/// A subset keeps the chosen rows in the given order.
#[test]
fn subset_index() {
    let x = [1.0, 2.0, 3.0];
    let index = ok(VectorIndex::from_columns(&[&x]));
    let sub = index.subset(&[2, 0, 9]);
    assert_eq!(sub.len(), 2);
    assert_eq!(sub.row(0), [3.0]);
    assert_eq!(sub.row(1), [1.0]);
}

// ---------------------------------------------------------------- the built-in words

/// The built-in words: 300 all-MiniLM-L6-v2 vectors of 384 dimensions, unit
/// length, labelled by word and group.
#[test]
fn builtin_words_loads() {
    let ds = ok(load_builtin("words"));
    assert_eq!(ds.name, "words");
    assert_eq!(ds.n_rows, 300);
    assert_eq!(ds.columns.len(), 384);
    assert_eq!(ds.columns[383].name, dim_name(383));
    assert_eq!(label_names(&ds), ["word", "group"]);
    assert_eq!(ds.label("word").map(|l| l.categories.len()), Some(300));
    let groups = &ds
        .label("group")
        .map(|l| l.categories.clone())
        .unwrap_or_default();
    assert_eq!(groups.len(), 12);
    assert!(groups.iter().any(|g| g == "animals"));
    let index = index_of(&ds);
    for i in 0..ds.n_rows {
        assert!(
            (index.norm(i) - 1.0).abs() < 1e-3,
            "row {i}: {}",
            index.norm(i)
        );
    }
}

/// Real properties of the real embedding: the nearest word to "dog" by cosine
/// is an animal, "Paris" is nearest to "France", and most words' nearest
/// neighbour shares their group.
#[test]
fn builtin_words_neighbors_make_sense() {
    let ds = ok(load_builtin("words"));
    let index = index_of(&ds);
    let group = |i: usize| ds.label("group").map_or("", |g| g.get(i));
    let dog = find(&ds, "dog");
    let nearest = ok(index.neighbors(dog, 5, Metric::Cosine));
    assert!(
        nearest.iter().all(|n| group(n.index) == "animals"),
        "{:?}",
        nearest
            .iter()
            .map(|n| ds.labels[0].get(n.index))
            .collect::<Vec<_>>()
    );
    let paris = find(&ds, "Paris");
    let nearest = ok(index.neighbors(paris, 1, Metric::Cosine));
    assert_eq!(ds.labels[0].get(nearest[0].index), "France");
    let same_group = (0..ds.n_rows)
        .filter(|&i| {
            ok(index.neighbors(i, 1, Metric::Cosine))
                .first()
                .is_some_and(|n| group(n.index) == group(i))
        })
        .count();
    assert!(same_group > 220, "{same_group}/300");
}

/// Analogies work on the real embedding: Paris − France + Japan = Tokyo and
/// king − man + woman = queen.
#[test]
fn builtin_words_analogies() {
    let ds = ok(load_builtin("words"));
    let index = index_of(&ds);
    for ([a, b, c], expected) in [
        (["Paris", "France", "Japan"], "Tokyo"),
        (["king", "man", "woman"], "queen"),
    ] {
        let result = ok(index.analogy(find(&ds, a), find(&ds, b), find(&ds, c), 1, Metric::Cosine));
        assert_eq!(
            ds.labels[0].get(result.neighbors[0].index),
            expected,
            "{a} − {b} + {c}"
        );
    }
}

/// `write_projector` writes what the loader reads back exactly: every digit
/// of every value, label columns by name (a single column too, through its
/// header row), empty labels (the last one included), Unicode; a tab or line
/// break inside a label becomes a space.
#[test]
fn projector_pair_round_trips() {
    use eigenlens::data::{Dataset, LabelColumn, NumericColumn, write_projector};
    let values = [1.0 / 3.0, -0.0, 1e-300, 123_456_789.123_456_79, -2.5e17];
    let ds = |labels: Vec<LabelColumn>| Dataset {
        name: "x".to_owned(),
        source: None,
        n_rows: 5,
        columns: (0..3)
            .map(|j| NumericColumn {
                name: dim_name(j),
                values: values.iter().map(|v| v * (j + 1) as f64).collect(),
            })
            .collect(),
        labels,
    };
    let column = |name: &str, cells: [&str; 5]| LabelColumn {
        name: name.to_owned(),
        categories: cells.iter().map(|c| (*c).to_owned()).collect(),
        codes: (0..5).collect(),
    };
    let dir = tempfile::tempdir().unwrap();
    for labels in [
        vec![
            column("title", ["Amélie", "a\tb", "two\nlines", "", "λ"]),
            column("genre", ["x", "y", "z", "w", ""]),
        ],
        vec![column("word", ["king", "queen", "man", "woman", "child"])],
    ] {
        let before = ds(labels);
        let path = dir.path().join("out-vectors.tsv");
        let meta = ok(write_projector(&before, &path)).expect("a metadata file");
        assert_eq!(meta, dir.path().join("out-metadata.tsv"));
        let after = ok(load_projector(&path, None));
        assert_eq!(after.n_rows, 5);
        for (a, b) in after.columns.iter().zip(&before.columns) {
            assert_eq!(a.name, b.name);
            let same = a
                .values
                .iter()
                .zip(&b.values)
                .all(|(x, y)| x.to_bits() == y.to_bits());
            assert!(same, "{}: {:?} vs {:?}", a.name, a.values, b.values);
        }
        assert_eq!(after.labels.len(), before.labels.len());
        for (a, b) in after.labels.iter().zip(&before.labels) {
            assert_eq!(a.name, b.name);
            for i in 0..5 {
                let expected = b.get(i).replace(['\t', '\n'], " ");
                assert_eq!(a.get(i), expected, "{} row {i}", a.name);
            }
        }
    }
}

// ------------------------------------------------- one metric, one projection

/// Exactly equal (bit for bit: the same computation, not a tolerance).
fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits()
}

/// `Metric::score` on two f64 slices is the index's f32 score, and
/// `closest_first` sorts scores the way each metric ranks.
#[test]
fn metric_score_on_slices_agrees_with_the_index() {
    let columns = random_columns(40, 9, 5);
    let refs: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
    let index = ok(VectorIndex::from_columns(&refs));
    let row = |i: usize| -> Vec<f64> { columns.iter().map(|c| c[i]).collect() };
    for metric in Metric::ALL {
        for (i, j) in [(0, 1), (3, 17), (39, 2), (5, 5)] {
            let exact = metric.score(&row(i), &row(j));
            let fast = index.score(i, j, metric).unwrap();
            assert!(
                (exact - fast).abs() <= 1e-5 * exact.abs().max(1.0),
                "{metric} {i} {j}: {exact} vs {fast}"
            );
        }
        let mut scores = [0.5, f64::NAN, -1.0, 2.0];
        scores.sort_by(|a, b| metric.closest_first(*a, *b));
        let expected = if metric.higher_is_closer() {
            [2.0, 0.5, -1.0]
        } else {
            [-1.0, 0.5, 2.0]
        };
        assert_eq!(&scores[..3], &expected, "{metric}");
        assert!(scores[3].is_nan(), "NaN last");
    }
    assert!(same(Metric::Cosine.score(&[0.0, 0.0], &[1.0, 2.0]), 0.0));
    assert!(same(Metric::Euclidean.score(&[0.0, 0.0], &[3.0, 4.0]), 5.0));
    assert!(same(Metric::Dot.score(&[1.0, 2.0], &[3.0, 4.0]), 11.0));
    assert_eq!(Metric::Dot.symbol(), "x · q");
    // The scene and command-line names still round-trip through serde.
    assert_eq!(
        serde_json::to_string(&Metric::Euclidean).unwrap(),
        "\"euclidean\""
    );
}

/// Unit-length detection and the raw analogy offset a − b + c.
#[test]
fn unit_length_and_offset() {
    let index = ok(VectorIndex::from_rows(
        vec![1.0, 0.0, 0.0, 1.0, 0.6, 0.8],
        2,
    ));
    assert!(index.is_unit_length());
    let offset = index.offset(0, 1, 2);
    assert_eq!(offset.len(), 2);
    assert!((offset[0] - 1.6).abs() < 1e-6 && (offset[1] + 0.2).abs() < 1e-6);
    assert!(index.offset(0, 1, 9).is_empty());
    let long = ok(VectorIndex::from_rows(vec![2.0, 0.0, 0.0, 1.0], 2));
    assert!(!long.is_unit_length());
}

/// The view's projection: `project` gives the entries of
/// `Pca::transform_point` for the chosen components, every row is placed,
/// isolating refits PCA to the chosen rows, and the radius is the 99th
/// percentile of the distances from the origin.
#[test]
fn projection_places_rows_like_pca() {
    use eigenlens::math::pca::{Pca, PcaOptions};
    use eigenlens::math::similarity::projection::{
        EmbeddingError, EmbeddingSpace, Projection, ProjectionSpec, display_radius, project,
    };
    let columns = random_columns(120, 6, 9);
    let refs: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
    let dims: Vec<String> = (0..6).map(|j| format!("d{j}")).collect();
    let space = ok(EmbeddingSpace::from_columns(&refs, &dims));
    let spec = ProjectionSpec {
        isolated: None,
        components: [2, 5, 1],
        three: true,
    };
    let proj = ok(Projection::compute(&space, &spec));
    assert_eq!(proj.rows, (0..120).collect::<Vec<_>>());
    let pca = ok(space.pca.clone());
    for i in [0, 7, 119] {
        let x: Vec<f64> = columns.iter().map(|c| c[i]).collect();
        let t = pca.transform_point(&x, 6);
        for (axis, c) in [1, 4, 0].into_iter().enumerate() {
            assert!(
                (proj.points[i][axis] - t[c]).abs() < 1e-5,
                "row {i} PC{}",
                c + 1
            );
        }
    }
    assert!(same(proj.ratios[0], pca.explained_variance_ratio[1]));
    // A component past the last scores 0.
    let x32: Vec<f32> = columns.iter().map(|c| c[3] as f32).collect();
    assert!(same(project(&pca, &x32, [0, 1, 6])[2], 0.0));

    let rows = vec![4, 9, 30, 31, 77];
    let isolated = ok(Projection::compute(
        &space,
        &ProjectionSpec {
            isolated: Some(rows.clone()),
            ..spec.clone()
        },
    ));
    assert_eq!(isolated.rows, rows);
    let sub: Vec<Vec<f64>> = columns
        .iter()
        .map(|c| rows.iter().map(|&r| f64::from(c[r] as f32)).collect())
        .collect();
    let sub_refs: Vec<&[f64]> = sub.iter().map(Vec::as_slice).collect();
    let refit = ok(Pca::fit(&sub_refs, &dims, &PcaOptions::default()));
    assert_eq!(
        isolated.pca.explained_variance_ratio,
        refit.explained_variance_ratio
    );
    // Isolating one row cannot fit PCA.
    assert!(
        Projection::compute(
            &space,
            &ProjectionSpec {
                isolated: Some(vec![3]),
                ..spec
            }
        )
        .is_err()
    );

    // The radius: 99th percentile, z counted only in 3D.
    let points: Vec<[f64; 3]> = (1..=101).map(|i| [f64::from(i), 0.0, 1e6]).collect();
    assert!(same(display_radius(&points, false), 100.0));
    assert!(display_radius(&points, true) > 1e5);
    assert!(same(display_radius(&[], true), 1.0));

    // Errors name what is wrong, in the order the view reports them.
    let ds = Dataset {
        name: "t".to_owned(),
        source: None,
        n_rows: 2,
        columns: vec![
            eigenlens::data::NumericColumn {
                name: "a".to_owned(),
                values: vec![1.0, f64::NAN],
            },
            eigenlens::data::NumericColumn {
                name: "b".to_owned(),
                values: vec![1.0, 2.0],
            },
        ],
        labels: Vec::new(),
    };
    let names = |v: &[&str]| v.iter().map(|&s| s.to_owned()).collect::<Vec<_>>();
    assert!(matches!(
        EmbeddingSpace::from_dataset(&ds, &names(&["a", "zz"])),
        Err(EmbeddingError::NoColumn(c)) if c == "zz"
    ));
    assert!(matches!(
        EmbeddingSpace::from_dataset(&ds, &names(&["b"])),
        Err(EmbeddingError::TooFewDimensions)
    ));
    assert!(matches!(
        EmbeddingSpace::from_dataset(&ds, &names(&["a", "b"])),
        Err(EmbeddingError::Index(SimilarityError::NotFinite {
            row: 1,
            ..
        }))
    ));
}
