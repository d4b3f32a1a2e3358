//! The bad-input suite: every kind of broken file a user may throw at
//! eigenlens, checked three ways —
//! 1. the library's error is the exact kind, naming the line, column or key;
//! 2. the real binary exits 2 with one line `error: ...` naming the file;
//! 3. in the window, opening the file keeps the previous dataset, view and
//!    settings, and shows the message once.
//!
//! The loaders' own tests (`loaders.rs`, `ratings.rs`, `scene.rs`) go into
//! the finer points of each error; here every case goes through every door.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{app_harness, fresh_app, write_file};
use egui_kittest::kittest::Queryable;
use eigenlens::data::{self, LoadError};
use eigenlens::scene::{self, SceneError, Theme};

/// The typed error of either loader.
#[derive(Debug)]
enum Error {
    Load(LoadError),
    Scene(SceneError),
}

/// One broken file.
struct Case {
    /// What is wrong with it.
    what: &'static str,
    /// Its file name, which decides how it opens (`.toml`: a scene;
    /// `ratings.csv`: ratings; otherwise a table).
    file: &'static str,
    bytes: Vec<u8>,
    /// Is the library's error the right kind, with the right line/column/key?
    kind: fn(&Error) -> bool,
    /// Words the one-line message must hold (the file name is always checked).
    says: &'static [&'static str],
    /// Files written beside it (an embedding's metadata or labels).
    beside: &'static [(&'static str, &'static [u8])],
}

/// The bytes of a version-1 `.npy` file with header dict `dict` and `data`.
fn npy(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut header = dict.to_owned();
    while !(10 + header.len() + 1).is_multiple_of(64) {
        header.push(' ');
    }
    header.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(
        &u16::try_from(header.len())
            .expect("a short header")
            .to_le_bytes(),
    );
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(data);
    out
}

/// A header of `d` columns, a row of ones, and a row of twos with `bad` in
/// column `at` (1-based; 0 for none).
fn wide_table(d: usize, at: usize, bad: &str) -> Vec<u8> {
    let header: Vec<String> = (1..=d).map(|j| format!("c{j}")).collect();
    let ones = vec!["1"; d];
    let twos: Vec<&str> = (1..=d).map(|j| if j == at { bad } else { "2" }).collect();
    format!(
        "{}\n{}\n{}\n",
        header.join(","),
        ones.join(","),
        twos.join(",")
    )
    .into_bytes()
}

const SCENE_HEAD: &str = "view = \"pca\"\ndataset = \"builtin:iris\"\n";

fn cases() -> Vec<Case> {
    let mut all = table_cases();
    all.extend(npy_cases());
    all.extend(ratings_cases());
    all.extend(embedding_cases());
    all.extend(scene_cases());
    all
}

/// Broken tables: CSV and TSV.
fn table_cases() -> Vec<Case> {
    use Error::Load;
    use LoadError as L;
    vec![
        Case {
            // Class 3 (memory per column): 2 rows × 5,000,000 columns (20 MB)
            // once peaked at 1.7 GB.
            what: "a table wider than eigenlens opens",
            file: "wide.csv",
            bytes: wide_table(100_001, 0, ""),
            kind: |e| {
                matches!(
                    e,
                    Load(L::TooWide {
                        columns: 100_001,
                        ..
                    })
                )
            },
            says: &["100001 columns", "more than the 100000"],
            beside: &[],
        },
        Case {
            what: "an empty file",
            file: "empty.csv",
            bytes: Vec::new(),
            kind: |e| matches!(e, Load(L::Empty { .. })),
            says: &["empty"],
            beside: &[],
        },
        Case {
            what: "a header and no rows",
            file: "header.csv",
            bytes: b"a,b,c\n".to_vec(),
            kind: |e| matches!(e, Load(L::HeaderOnly { .. })),
            says: &["header line but no data rows"],
            beside: &[],
        },
        Case {
            what: "a ragged row",
            file: "ragged.csv",
            bytes: b"a,b\n1,2\n3,4,5\n".to_vec(),
            kind: |e| {
                matches!(
                    e,
                    Load(L::Ragged {
                        line: 3,
                        expected: 2,
                        found: 3,
                        ..
                    })
                )
            },
            says: &["line 3", "expected 2 fields, found 3"],
            beside: &[],
        },
        Case {
            what: "a bad number after a quoted field holding the delimiter and a newline",
            file: "quoted.csv",
            bytes: b"name,x\n\"a,\nb\",1\nc,oops\n".to_vec(),
            kind: |e| {
                matches!(e, Load(L::NotANumber { line: 4, column: 2, name, value, .. })
                    if name == "x" && value == "oops")
            },
            says: &["line 4, column 2", "\"oops\""],
            beside: &[],
        },
        Case {
            what: "bytes that are not UTF-8",
            file: "latin.csv",
            bytes: b"a,b\n1,2\n\xe9t\xe9,3\n".to_vec(),
            kind: |e| matches!(e, Load(L::NotUtf8 { line: 3, .. })),
            says: &["line 3", "UTF-8"],
            beside: &[],
        },
        Case {
            what: "a byte-order mark, then a bad cell (the BOM is not part of the name)",
            file: "bom.csv",
            bytes: b"\xef\xbb\xbfa,b\n1,2\n3,x\n".to_vec(),
            kind: |e| matches!(e, Load(L::NotANumber { line: 3, column: 2, name, .. }) if name == "b"),
            says: &["line 3, column 2", "(\"b\")"],
            beside: &[],
        },
        Case {
            what: "NaN, inf, 1e400 and an empty cell are numbers or missing; a word is not",
            file: "specials.csv",
            bytes: b"a,b\nNaN,1\ninf,2\n1e400,3\n,4\nfoo,5\n".to_vec(),
            kind: |e| matches!(e, Load(L::NotANumber { line: 6, column: 1, value, .. }) if value == "foo"),
            says: &["line 6, column 1", "\"foo\""],
            beside: &[],
        },
        Case {
            what: "one row, one column, and a word in it",
            file: "one.csv",
            bytes: b"x\n1\nfour\n".to_vec(),
            kind: |e| {
                matches!(
                    e,
                    Load(L::NotANumber {
                        line: 3,
                        column: 1,
                        ..
                    })
                )
            },
            says: &["line 3, column 1"],
            beside: &[],
        },
        Case {
            what: "duplicate column names",
            file: "dupes.csv",
            bytes: b"a,b,a\n1,2,3\n".to_vec(),
            kind: |e| {
                matches!(e, Load(L::DuplicateColumn { line: 1, first: 1, second: 3, name, .. })
                    if name == "a")
            },
            says: &["line 1", "columns 1 and 3", "\"a\""],
            beside: &[],
        },
        Case {
            what: "only text columns",
            file: "words.csv",
            bytes: b"name,city\nann,paris\nbob,rome\n".to_vec(),
            kind: |e| matches!(e, Load(L::NoNumericColumns { .. })),
            says: &["no numeric columns"],
            beside: &[],
        },
        Case {
            what: "10,000 columns with a word in column 9,999",
            file: "wide.csv",
            bytes: wide_table(10_000, 9_999, "oops"),
            kind: |e| {
                matches!(e, Load(L::NotANumber { line: 3, column: 9_999, name, .. })
                    if name == "c9999")
            },
            says: &["line 3, column 9999"],
            beside: &[],
        },
    ]
}

/// Broken .npy arrays.
fn npy_cases() -> Vec<Case> {
    use Error::Load;
    use LoadError as L;
    vec![
        Case {
            what: "a truncated .npy",
            file: "short.npy",
            bytes: npy(
                "{'descr': '<f8', 'fortran_order': False, 'shape': (4, 4), }",
                &[0; 24],
            ),
            kind: |e| {
                matches!(
                    e,
                    Load(L::NpyTruncated {
                        expected: 128,
                        found: 24,
                        ..
                    })
                )
            },
            says: &["truncated", "128 bytes", "found 24"],
            beside: &[],
        },
        Case {
            what: "a .npy of complex numbers",
            file: "complex.npy",
            bytes: npy(
                "{'descr': '<c16', 'fortran_order': False, 'shape': (1, 1), }",
                &[0; 16],
            ),
            kind: |e| matches!(e, Load(L::NpyUnsupportedDtype { dtype, .. }) if dtype == "<c16"),
            says: &["<c16", "complex numbers"],
            beside: &[],
        },
        Case {
            what: "a .npy of strings",
            file: "strings.npy",
            bytes: npy(
                "{'descr': '|S4', 'fortran_order': False, 'shape': (2,), }",
                b"abcdefgh",
            ),
            kind: |e| matches!(e, Load(L::NpyUnsupportedDtype { dtype, .. }) if dtype == "|S4"),
            says: &["|S4", "byte strings"],
            beside: &[],
        },
        Case {
            what: "a zip archive that is not a NumPy archive",
            file: "table.csv",
            bytes: b"PK\x03\x04\x14\x00\x00\x00".to_vec(),
            kind: |e| matches!(e, Load(L::OtherFormat { .. })),
            says: &["a zip archive", "unzip it"],
            beside: &[],
        },
        Case {
            // Class 3 (memory per column): 30 MB of int8 in one row once
            // peaked at 3.97 GB, 130 bytes a column.
            what: "a .npy of one row of 30,000,000 columns",
            file: "row.npy",
            bytes: npy(
                "{'descr': '|i1', 'fortran_order': False, 'shape': (1, 30000000), }",
                &[1; 64],
            ),
            kind: |e| {
                matches!(
                    e,
                    Load(L::TooWide {
                        columns: 30_000_000,
                        ..
                    })
                )
            },
            says: &["30000000 columns", "100000", "transpose"],
            beside: &[],
        },
    ]
}

/// Broken ratings, long and wide.
fn ratings_cases() -> Vec<Case> {
    use Error::Load;
    use LoadError as L;
    vec![
        Case {
            what: "a (user, item) pair rated twice",
            file: "ratings.csv",
            bytes: b"userId,movieId,rating\n1,10,4\n2,10,3\n1,10,5\n".to_vec(),
            kind: |e| {
                matches!(
                    e,
                    Load(L::DuplicateRating {
                        line: 4,
                        first_line: 2,
                        ..
                    })
                )
            },
            says: &["line 4", "line 2", "never averaged"],
            beside: &[],
        },
        Case {
            what: "a rating too large to be a number (outside any scale)",
            file: "ratings.csv",
            bytes: b"userId,movieId,rating\n1,10,4\n2,10,1e39\n".to_vec(),
            kind: |e| {
                matches!(
                    e,
                    Load(L::NotANumber {
                        line: 3,
                        column: 3,
                        ..
                    })
                )
            },
            says: &["line 3, column 3", "1e39"],
            beside: &[],
        },
        Case {
            what: "a rating that is a word",
            file: "ratings.csv",
            bytes: b"userId,movieId,rating\n1,10,four\n".to_vec(),
            kind: |e| matches!(e, Load(L::NotANumber { line: 2, column: 3, name, .. }) if name == "rating"),
            says: &["line 2, column 3", "\"four\""],
            beside: &[],
        },
        Case {
            what: "an empty user id",
            file: "ratings.csv",
            bytes: b"userId,movieId,rating\n1,10,4\n,11,3\n".to_vec(),
            kind: |e| {
                matches!(
                    e,
                    Load(L::EmptyField {
                        line: 3,
                        column: 1,
                        ..
                    })
                )
            },
            says: &["line 3, column 1", "user"],
            beside: &[],
        },
        Case {
            what: "a ratings row with two fields",
            file: "ratings.csv",
            bytes: b"userId,movieId,rating\n1,10,4\n2,11\n".to_vec(),
            kind: |e| {
                matches!(
                    e,
                    Load(L::TooFewFields {
                        line: 3,
                        found: 2,
                        ..
                    })
                )
            },
            says: &["line 3", "expected at least 3 fields"],
            beside: &[],
        },
        Case {
            what: "a ratings header and no ratings",
            file: "ratings.csv",
            bytes: b"userId,movieId,rating\n".to_vec(),
            kind: |e| matches!(e, Load(L::HeaderOnly { .. })),
            says: &["no data rows"],
            beside: &[],
        },
        Case {
            what: "a wide ratings matrix with a ragged row",
            file: "ratings.csv",
            bytes: b",Jaws,Heat,Up\nana,5,,3\nbob,4\n".to_vec(),
            kind: |e| {
                matches!(
                    e,
                    Load(L::Ragged {
                        line: 3,
                        expected: 4,
                        found: 2,
                        ..
                    })
                )
            },
            says: &["line 3", "expected 4 fields, found 2"],
            beside: &[],
        },
        Case {
            what: "a wide ratings matrix with a user twice",
            file: "ratings.csv",
            bytes: b",Jaws,Heat,Up\nana,5,,3\nbob,4,2,\nana,1,1,1\n".to_vec(),
            kind: |e| {
                matches!(
                    e,
                    Load(L::DuplicateName {
                        line: 4,
                        first_line: 2,
                        ..
                    })
                )
            },
            says: &["line 4", "\"ana\""],
            beside: &[],
        },
    ]
}

/// Broken embeddings: Projector pairs, word2vec, .npy with labels.
fn embedding_cases() -> Vec<Case> {
    use Error::Load;
    use LoadError as L;
    vec![
        Case {
            what: "Projector metadata with fewer rows than there are vectors",
            file: "vectors.tsv",
            bytes: b"1\t2\n3\t4\n5\t6\n".to_vec(),
            kind: |e| {
                matches!(e, Load(L::MetadataRows { rows: 2, vectors: 3, path, .. })
                    if path.ends_with("metadata.tsv"))
            },
            says: &["metadata.tsv", "2 rows of labels", "3 vectors"],
            beside: &[("metadata.tsv", b"dog\ncat\n")],
        },
        Case {
            what: "Projector metadata with more rows than there are vectors",
            file: "vectors.tsv",
            bytes: b"1\t2\n3\t4\n".to_vec(),
            kind: |e| {
                matches!(
                    e,
                    Load(L::MetadataRows {
                        line: 4,
                        rows: 3,
                        vectors: 2,
                        ..
                    })
                )
            },
            says: &["metadata.tsv", "line 4", "has no vector"],
            beside: &[(
                "metadata.tsv",
                b"word\tgroup\ndog\tanimal\ncat\tanimal\nfig\tfruit\n",
            )],
        },
        Case {
            what: "ragged Projector vectors",
            file: "vectors.tsv",
            bytes: b"1\t2\t3\n4\t5\n".to_vec(),
            kind: |e| {
                matches!(
                    e,
                    Load(L::Ragged {
                        line: 2,
                        expected: 3,
                        found: 2,
                        ..
                    })
                )
            },
            says: &["line 2", "expected 3 fields, found 2"],
            beside: &[],
        },
        Case {
            what: "a word in Projector vectors",
            file: "vectors.tsv",
            bytes: b"1\t2\n3\toops\n".to_vec(),
            kind: |e| {
                matches!(
                    e,
                    Load(L::NotANumber {
                        line: 2,
                        column: 2,
                        ..
                    })
                )
            },
            says: &["line 2, column 2", "\"oops\""],
            beside: &[],
        },
        Case {
            what: "NaN in an embedding (a similarity would be meaningless)",
            file: "vectors.tsv",
            bytes: b"1\t2\nNaN\t4\n".to_vec(),
            kind: |e| {
                matches!(
                    e,
                    Load(L::NotFinite {
                        line: 2,
                        column: 1,
                        ..
                    })
                )
            },
            says: &["line 2, column 1", "NaN"],
            beside: &[],
        },
        Case {
            what: "a word2vec header whose count is not the number of vectors",
            file: "vectors.txt",
            bytes: b"3 2\nking 0.1 0.2\nqueen 0.3 0.4\n".to_vec(),
            kind: |e| matches!(e, Load(L::CountMismatch { line: 1, .. })),
            says: &["line 1", "promises 3 vectors", "holds 2"],
            beside: &[],
        },
        Case {
            what: "a word2vec vector shorter than the others",
            file: "vectors.txt",
            bytes: b"king 0.1 0.2 0.3\nqueen 0.3 0.4 0.5\nman 0.5 0.6\n".to_vec(),
            kind: |e| matches!(e, Load(L::VectorLength { line: 3, .. })),
            says: &["line 3", "expected 3 numbers after the word, found 2"],
            beside: &[],
        },
        Case {
            what: "a word2vec binary file cut off inside its last vector",
            file: "vectors.bin",
            bytes: {
                let mut b = b"2 2\nking ".to_vec();
                b.extend_from_slice(&1f32.to_le_bytes());
                b.extend_from_slice(&2f32.to_le_bytes());
                b.extend_from_slice(b"queen ");
                b.extend_from_slice(&3f32.to_le_bytes());
                b
            },
            kind: |e| matches!(e, Load(L::Word2vecBinary { path, .. }) if path.ends_with("vectors.bin")),
            says: &["vectors.bin", "vector 2 of 2", "\"queen\"", "cut off"],
            beside: &[],
        },
        Case {
            what: "an .npy embedding whose labels file has the wrong row count",
            file: "X.npy",
            bytes: npy(
                "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }",
                &[0u8; 48],
            ),
            kind: |e| {
                matches!(e, Load(L::MetadataRows { rows: 2, vectors: 3, path, .. })
                    if path.ends_with("X.labels.txt"))
            },
            says: &["X.labels.txt", "2 rows of labels", "3 vectors"],
            beside: &[("X.labels.txt", b"a\nb\n")],
        },
    ]
}

/// Broken scenes.
fn scene_cases() -> Vec<Case> {
    use Error::Scene;
    vec![
        Case {
            what: "a scene with an unknown key",
            file: "unknown.toml",
            bytes: format!("{SCENE_HEAD}[pca]\nprogres = 0.5\n").into_bytes(),
            kind: |e| matches!(e, Scene(SceneError::At { line: 4, column: 1, .. })),
            says: &["line 4, column 1", "progres"],
            beside: &[],
        },
        Case {
            what: "a scene with a wrong type",
            file: "wrongtype.toml",
            bytes: format!("{SCENE_HEAD}[pca]\nstandardize = \"yes\"\n").into_bytes(),
            kind: |e| matches!(e, Scene(SceneError::At { line: 4, column: 15, .. })),
            says: &["line 4, column 15", "pca.standardize", "boolean"],
            beside: &[],
        },
        Case {
            what: "a scene with a progress of 7",
            file: "progress.toml",
            bytes: format!("{SCENE_HEAD}[pca]\nprogress = 7\n").into_bytes(),
            kind: |e| matches!(e, Scene(SceneError::At { line: 4, column: 12, .. })),
            says: &["line 4, column 12", "pca.progress", "between 0 and 1"],
            beside: &[],
        },
        Case {
            what: "a scene whose dataset file is missing",
            file: "missing.toml",
            bytes: b"view = \"data\"\ndataset = \"no-such-file.csv\"\n".to_vec(),
            kind: |e| matches!(e, Scene(SceneError::At { line: 2, .. })),
            says: &["line 2", "no-such-file.csv"],
            beside: &[],
        },
        Case {
            what: "a scene whose dataset is broken",
            file: "broken-data.toml",
            bytes: b"view = \"data\"\ndataset = \"ragged.csv\"\n".to_vec(),
            kind: |e| matches!(e, Scene(SceneError::At { line: 2, .. })),
            says: &["line 2", "ragged.csv", "line 3"],
            beside: &[],
        },
        Case {
            what: "a scene whose edit is outside the rating scale",
            file: "edit.toml",
            bytes: b"view = \"factorize\"\ndataset = \"builtin:tiny-movies\"\n[[factorize.edits]]\nuser = \"Ana\"\nitem = \"Memento\"\nrating = 9\n".to_vec(),
            kind: |e| matches!(e, Scene(SceneError::At { line: 3, .. })),
            says: &["factorize.edits.rating", "rating scale"],
            beside: &[],
        },
        Case {
            what: "a scene that is not UTF-8",
            file: "latin.toml",
            bytes: b"view = \"data\"\n# caf\xe9\ndataset = \"builtin:iris\"\n".to_vec(),
            kind: |e| matches!(e, Scene(SceneError::At { line: 2, column: 6, .. })),
            says: &["line 2, column 6", "UTF-8"],
            beside: &[],
        },
    ]
}

fn is_scene(file: &str) -> bool {
    Path::new(file)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
}

/// Embedding files by name (`eigenlens neighbors` is their subcommand).
fn is_embedding(file: &str) -> bool {
    ["vectors.tsv", "vectors.txt", "X.npy"].contains(&file)
}

/// Writes every case into `dir` (cases that share a name each get a folder).
fn write_cases(dir: &Path) -> Vec<(Case, PathBuf)> {
    // Scenes point at this broken file by a relative path.
    write_file(dir, "ragged.csv", b"a,b\n1,2\n3,4,5\n");
    cases()
        .into_iter()
        .enumerate()
        .map(|(i, case)| {
            let sub = dir.join(format!("case{i:02}"));
            std::fs::create_dir(&sub).expect("a folder per case");
            if is_scene(case.file) {
                std::fs::copy(dir.join("ragged.csv"), sub.join("ragged.csv"))
                    .expect("copy the scene's data");
            }
            let path = write_file(&sub, case.file, &case.bytes);
            for (name, bytes) in case.beside {
                write_file(&sub, name, bytes);
            }
            (case, path)
        })
        .collect()
}

/// Opens `path` the way the app and the command line decide: a scene, ratings
/// or a table — with the typed error.
fn open(path: &Path) -> Result<(), Error> {
    if path.extension().is_some_and(|e| e == "toml") {
        scene::load_scene(path).map(drop).map_err(Error::Scene)
    } else if data::looks_like_ratings(path) {
        data::load_ratings(path).map(drop).map_err(Error::Load)
    } else {
        data::load_dataset(path).map(drop).map_err(Error::Load)
    }
}

fn message(e: &Error) -> String {
    match e {
        Error::Load(e) => e.to_string(),
        Error::Scene(e) => e.to_string(),
    }
}

/// 1. Each broken file gives the exact kind of error, and its message names
///    the file and the line, column or key.
#[test]
fn library_errors_are_exact() {
    let dir = tempfile::tempdir().unwrap();
    for (case, path) in write_cases(dir.path()) {
        let e = open(&path).expect_err(case.what);
        assert!((case.kind)(&e), "{}: wrong error: {e:?}", case.what);
        let msg = message(&e);
        assert!(msg.contains(case.file), "{}: {msg}", case.what);
        assert!(!msg.contains('\n'), "{}: not one line: {msg}", case.what);
        for s in case.says {
            assert!(msg.contains(s), "{}: expected {s:?} in: {msg}", case.what);
        }
    }
}

fn eigenlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eigenlens"))
        .args(args)
        .output()
        .expect("run eigenlens")
}

/// Asserts exit status 2 and one line `error: ...` holding `parts`.
fn assert_bad_input(what: &str, o: &Output, parts: &[&str]) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{what}: stderr: {err}");
    assert!(err.starts_with("error: "), "{what}: stderr: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{what}: stderr: {err}");
    for s in parts {
        assert!(err.contains(s), "{what}: expected {s:?} in: {err}");
    }
}

/// 2. The command line: `eigenlens FILE` (checked before any window opens)
///    and the subcommand for the file's kind (`pca`, `factorize`, `neighbors`,
///    `render`)
///    exit 2 with one line `error: ...` naming the file and the place.
#[test]
fn cli_exits_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("out.png");
    for (case, path) in write_cases(dir.path()) {
        let p = path.to_str().unwrap();
        let mut parts = vec![case.file];
        parts.extend(case.says);
        assert_bad_input(case.what, &eigenlens(&[p]), &parts);
        let sub = if is_scene(case.file) {
            eigenlens(&["render", p, "-o", png.to_str().unwrap()])
        } else if data::looks_like_ratings(&path) {
            eigenlens(&["factorize", p])
        } else if is_embedding(case.file) {
            eigenlens(&["neighbors", p, "--row", "1"])
        } else {
            eigenlens(&["pca", p])
        };
        assert_bad_input(case.what, &sub, &parts);
        assert!(!png.exists(), "{}: a PNG was written", case.what);
    }
}

/// 3. The window: with the PCA view showing people, standardized, every
///    broken file in turn leaves the dataset, the view and every setting as
///    they were, and shows its message once.
#[test]
fn gui_keeps_state_and_shows_message_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app_harness(fresh_app());
    harness.run_steps(2);
    harness.get_by_label("People (mixed units)").click();
    harness.run_steps(2);
    harness.get_by_label("PCA").click();
    harness.run_steps(2);
    harness.state_mut().pca_view_mut().settings.standardize = true;
    harness.run_steps(2);
    let before = harness.state().current_scene(Theme::Light, 1.0, None);
    assert_eq!(before.dataset, "builtin:people");
    for (case, path) in write_cases(dir.path()) {
        harness.state_mut().open_now(&path);
        harness.run_steps(2);
        let app = harness.state();
        let mut after = app.current_scene(Theme::Light, 1.0, None);
        // A long message wraps onto a second line of the status bar, which
        // leaves the view a line less: its size is layout, not state.
        after.window = before.window;
        assert_eq!(after, before, "{}: the state changed", case.what);
        let (msg, is_error) = app.status().expect("a message");
        assert!(is_error, "{}: {msg}", case.what);
        for s in case.says {
            assert!(msg.contains(s), "{}: expected {s:?} in: {msg}", case.what);
        }
        let msg = msg.to_owned();
        assert_eq!(
            harness.query_all_by_label(&msg).count(),
            1,
            "{}: the message {msg:?} is not shown exactly once",
            case.what
        );
    }
}

/// Awkward files that are not errors: each loads, `eigenlens pca` (or
/// `factorize`) either fits it or refuses it with one line and exit 2, and
/// every view and panel of the window draws it without panicking.
#[test]
fn awkward_but_valid_files_work_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("bom.csv", b"\xef\xbb\xbfa,b\n1,2\n3,5\n4,4\n".to_vec()),
        (
            "quoted.csv",
            b"name,x,y\n\"Smith, J.\",1,2\n\"two\nlines\",3,1\nplain,2,2\n".to_vec(),
        ),
        ("one-row.csv", b"a,b,c\n1,2,3\n".to_vec()),
        ("one-column.csv", b"x\n1\n2\n4\n".to_vec()),
        (
            "specials.csv",
            b"a,b,c\nNaN,1,\ninf,2,\n1e400,3,\n-inf,4,\n,5,\n2,6,\n3,8,\n".to_vec(),
        ),
        ("wide.csv", wide_table(10_000, 0, "")),
        (
            "ratings.csv",
            b"user,item,rating\nana,Jaws,-3\nana,Up,2.25\nbob,Jaws,10\nbob,Heat,-10\ncal,Up,0\n"
                .to_vec(),
        ),
    ];
    let mut harness = app_harness(fresh_app());
    harness.run_steps(2);
    for (name, bytes) in &files {
        let path = write_file(dir.path(), name, bytes);
        let p = path.to_str().unwrap();
        let ratings = data::looks_like_ratings(&path);
        let o = if ratings {
            eigenlens(&["factorize", p, "--epochs", "3"])
        } else {
            eigenlens(&["pca", p, "--components", "1"])
        };
        if !o.status.success() {
            assert_bad_input(name, &o, &[name]);
        }

        harness.state_mut().open_now(&path);
        harness.run_steps(2);
        let (msg, is_error) = harness.state().status().expect("a message");
        assert!(!is_error, "{name}: {msg}");
        let tabs: &[&str] = if ratings {
            &["Factorize", "Transform"]
        } else {
            &["Data", "Transform", "PCA"]
        };
        for tab in tabs {
            harness.get_by_label(tab).click();
            harness.run_steps(3);
            if *tab == "Data" {
                for panel in ["Table", "Statistics", "Covariance", "Scatter"] {
                    harness.get_by_label(panel).click();
                    harness.run_steps(2);
                }
            }
            if *tab == "Transform" && !ratings {
                harness.state_mut().transform_view_mut().settings.show_data = true;
                harness.run_steps(2);
            }
            if *tab == "PCA" {
                common::step_until(&mut harness, 300, |app| !app.pca_view().is_computing());
                harness.run_steps(2);
            }
            if *tab == "Factorize" {
                common::step_until(&mut harness, 300, |app| !app.factorize_view().is_training());
                harness.run_steps(2);
            }
        }
    }
}

/// One broken deck, with what its one-line message must hold.
struct DeckCase {
    what: &'static str,
    bytes: &'static [u8],
    /// The deck line at fault, when the mistake is in the deck itself.
    line: Option<usize>,
    says: &'static [&'static str],
}

fn deck_cases() -> Vec<DeckCase> {
    vec![
        DeckCase {
            what: "an empty deck",
            bytes: b"",
            line: Some(1),
            says: &["title"],
        },
        DeckCase {
            what: "a deck without slides",
            bytes: b"title = \"t\"\n",
            line: None,
            says: &["no slides"],
        },
        DeckCase {
            what: "a slide with an unknown key",
            bytes: b"title = \"t\"\n[[slide]]\ntitle = \"First\"\nscene = \"ok.toml\"\nspeed = 3\n",
            line: Some(5),
            says: &["line 5", "speed"],
        },
        DeckCase {
            what: "captions of the wrong type",
            bytes: b"title = \"t\"\n[[slide]]\ntitle = \"First\"\nscene = \"ok.toml\"\ncaptions = \"one\"\n",
            line: Some(5),
            says: &["line 5", "captions"],
        },
        DeckCase {
            what: "a deck that is not UTF-8",
            bytes: b"title = \"caf\xe9\"\n[[slide]]\ntitle = \"First\"\nscene = \"ok.toml\"\n",
            line: Some(1),
            says: &["line 1, column 13", "UTF-8", "a deck"],
        },
        DeckCase {
            what: "a slide whose scene file is missing",
            bytes: b"title = \"t\"\n[[slide]]\ntitle = \"First\"\nscene = \"ok.toml\"\n[[slide]]\ntitle = \"Gone\"\nscene = \"missing.toml\"\n",
            line: None,
            says: &["slide 2", "\"Gone\"", "missing.toml"],
        },
        DeckCase {
            what: "a slide whose scene has a progress of 7",
            bytes: b"title = \"t\"\n[[slide]]\ntitle = \"First\"\nscene = \"seven.toml\"\n",
            line: None,
            says: &["slide 1", "seven.toml", "line 4, column 12", "between 0 and 1"],
        },
    ]
}

/// Writes each deck in a folder of its own, beside a good and a bad scene.
fn write_deck_cases(dir: &Path) -> Vec<(DeckCase, PathBuf)> {
    deck_cases()
        .into_iter()
        .enumerate()
        .map(|(i, case)| {
            let sub = dir.join(format!("deck{i:02}"));
            std::fs::create_dir(&sub).expect("a folder per deck");
            write_file(&sub, "ok.toml", SCENE_HEAD.as_bytes());
            write_file(
                &sub,
                "seven.toml",
                format!("{SCENE_HEAD}[pca]\nprogress = 7\n").as_bytes(),
            );
            let path = write_file(&sub, "deck.toml", case.bytes);
            (case, path)
        })
        .collect()
}

/// Broken decks, through every door: the library names the line (or the
/// slide and its scene's own line), `eigenlens present` exits 2 with one
/// line, and File → Present in the window keeps everything as it was,
/// starts no presentation and shows the message once.
#[test]
fn bad_decks_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app_harness(fresh_app());
    harness.run_steps(2);
    harness.get_by_label("PCA").click();
    harness.run_steps(2);
    let before = harness.state().current_scene(Theme::Light, 1.0, None);
    let ctx = harness.ctx.clone();
    for (case, path) in write_deck_cases(dir.path()) {
        let e = eigenlens::deck::load_deck(&path).expect_err(case.what);
        let msg = e.to_string();
        assert_eq!(e.line(), case.line, "{}: {msg}", case.what);
        assert!(msg.contains("deck.toml"), "{}: {msg}", case.what);
        assert!(!msg.contains('\n'), "{}: not one line: {msg}", case.what);
        for s in case.says {
            assert!(msg.contains(s), "{}: expected {s:?} in: {msg}", case.what);
        }

        let o = eigenlens(&["present", path.to_str().unwrap()]);
        let mut parts = vec!["deck.toml"];
        parts.extend(case.says);
        assert_bad_input(case.what, &o, &parts);

        harness.state_mut().present_file(&ctx, &path);
        harness.run_steps(2);
        let app = harness.state();
        assert!(app.presentation().is_none(), "{}: presenting", case.what);
        let after = app.current_scene(Theme::Light, 1.0, None);
        assert_eq!(after, before, "{}: the state changed", case.what);
        let (msg, is_error) = app.status().expect("a message");
        assert!(is_error, "{}: {msg}", case.what);
        let msg = msg.to_owned();
        assert_eq!(
            harness.query_all_by_label(&msg).count(),
            1,
            "{}: the message {msg:?} is not shown exactly once",
            case.what
        );
    }
}
