//! Regression tests for crashes the fuzzers and the UI monkey found, one per
//! bug, each named after what broke.

mod common;

use egui_kittest::kittest::Queryable;
use eigenlens::math::pca::{Pca, PcaOptions};
use eigenlens::math::stats;

/// Monkey, seeds 7 and 8 (the Factorize view's embedding PCA at k = 18): a
/// PCA of 18, 20 or 21 columns split its BᵀB update so that one gemm had at
/// most 5 columns; nalgebra 0.35 sends such a gemm down its small-matrix path,
/// which writes past a strided view: heap corruption ("free(): invalid next
/// size"), or a wrong covariance.
#[test]
fn pca_with_a_narrow_last_gemm_block_keeps_the_heap_whole() {
    let mut rng = fastrand::Rng::with_seed(18);
    for d in 6..=72 {
        for n in [6, 40, 700] {
            let columns: Vec<Vec<f64>> = (0..d)
                .map(|_| (0..n).map(|_| rng.f64() * 10.0 - 5.0).collect())
                .collect();
            let slices: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
            let names: Vec<String> = (1..=d).map(|j| format!("x{j}")).collect();
            let pca = Pca::fit(&slices, &names, &PcaOptions::default()).expect("a fit");
            let expected = stats::covariance(&slices).cov;
            for i in 0..d {
                for j in 0..d {
                    let (a, e) = (pca.covariance[(i, j)], expected[(i, j)]);
                    assert!(
                        (a - e).abs() <= 1e-9 * (1.0 + e.abs()),
                        "d = {d}, n = {n}: covariance[{i}][{j}] = {a}, expected {e}"
                    );
                }
            }
        }
    }
}

/// Monkey, seed 1 with files: the Transform view on an opened ratings file
/// saved a scene that read the file back as a table, whose one numeric column
/// then failed the scene's own PCA settings — a saved scene that would not
/// load. A transform scene now reads a ratings file as File → Open does.
#[test]
fn transform_scene_on_a_ratings_file_loads_back() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let ratings = dir.path().join("ratings.csv");
    std::fs::write(
        &ratings,
        "user,item,rating\nana,Jaws,5\nbob,Jaws,1\nbob,Up,4\n",
    )
    .expect("write ratings");
    let mut app = eigenlens::app::EigenApp::new(eigenlens::app::PersistedState::default(), None);
    app.open_now(&ratings);
    app.set_view(eigenlens::scene::ViewKind::Transform);
    let scene = app.current_scene(eigenlens::scene::Theme::Light, 1.0, Some(dir.path()));
    assert_eq!(scene.view, eigenlens::scene::ViewKind::Transform);
    let path = dir.path().join("saved.toml");
    std::fs::write(&path, scene.to_toml()).expect("write the scene");
    let loaded = eigenlens::scene::load_scene(&path).expect("the saved scene loads");
    assert!(loaded.data.ratings().is_some(), "read back as a table");
}

/// Fuzzer (scene): `yaw = -5.5e46` is a finite f64 but an infinite f32; the
/// camera took it as −∞ (NaN in the view's rotation), and the scene it saved
/// would not load. Numbers stored as f32 must be finite as f32.
#[test]
fn camera_numbers_too_large_for_f32_are_errors() {
    for (key, value) in [
        ("yaw", "-55555555555555555555555555555555555555555555555.5"),
        ("target", "[0.0, 1e39, 0.0]"),
    ] {
        let src = format!(
            "view = \"transform\"\ndataset = \"builtin:iris\"\n[transform]\nmode = \"3d\"\n[transform.camera]\n{key} = {value}\n"
        );
        let e = eigenlens::scene::Scene::from_toml(&src, "s.toml").expect_err(key);
        assert_eq!(e.line(), Some(6), "{key}: {e}");
        assert!(
            e.to_string().contains(&format!("transform.camera.{key}")),
            "{e}"
        );
        assert!(e.to_string().contains("finite"), "{e}");
    }
}

/// Monkey, seed 1 once it visited Embeddings: the 3D view on PC1–PC3 of the
/// words, then an opened embedding of two dimensions; each component was
/// clamped to the dimensions, giving PC1, PC2, PC2, and the scene it saved
/// would not load. Components now stay distinct.
#[test]
fn embedding_components_stay_distinct_on_fewer_dimensions() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let vectors = common::write_file(dir.path(), "vectors.tsv", b"1\t0\n0\t1\n1\t1\n");
    let mut harness = common::app_harness(common::fresh_app());
    harness.run_steps(2);
    harness.get_by_label("Word embeddings").click();
    harness.run_steps(2);
    let settings = &mut harness.state_mut().embeddings_view_mut().settings;
    settings.mode = eigenlens::scene::EmbeddingsMode::Space;
    settings.components = vec![1, 2, 3];
    harness.run_steps(2);
    harness.state_mut().open_now(&vectors);
    harness.run_steps(2);
    let app = harness.state();
    assert_eq!(app.view(), eigenlens::scene::ViewKind::Embeddings);
    let scene = app.current_scene(eigenlens::scene::Theme::Light, 1.0, Some(dir.path()));
    let text = scene.to_toml();
    let path = dir.path().join("saved.toml");
    std::fs::write(&path, &text).expect("write the scene");
    eigenlens::scene::load_scene(&path)
        .unwrap_or_else(|e| panic!("the saved scene does not load: {e}\n{text}"));
}

/// Fuzzer (word2vec): the header `2 1131211111` was taken at its word and a
/// billion columns were allocated before a single vector was read — the
/// process aborted out of memory. A header's numbers are now only checked
/// against the vectors; columns are made once the first vector's width is
/// known, and room is reserved by the text's size, not by the header's count.
#[test]
fn word2vec_header_cannot_allocate_what_the_file_does_not_hold() {
    let e =
        eigenlens::data::parse_word2vec(b"\xef\xbb\xbf2 1131211111\n11 2 6\r\nb 2 5\r\n", "v.txt")
            .expect_err("a row narrower than the header's width");
    assert!(
        matches!(
            e,
            eigenlens::data::LoadError::VectorLength {
                line: 2,
                expected: 1_131_211_111,
                found: 2,
                ..
            }
        ),
        "{e:?}"
    );
    let e = eigenlens::data::parse_word2vec(b"99999999999999 2\na 1 2\n", "v.txt")
        .expect_err("a count the file does not hold");
    assert!(
        matches!(
            e,
            eigenlens::data::LoadError::CountMismatch {
                line: 1,
                found: 1,
                ..
            }
        ),
        "{e:?}"
    );
}

/// Fuzzer (word2vec): `3 0` was read as a header promising vectors of no
/// values; every following line then became a token without a vector, and
/// the file loaded as three words with no dimensions. A header's dimension
/// must be at least 1; `3 0` is the token "3" with the value 0.
#[test]
fn word2vec_header_of_dimension_zero_is_a_vector() {
    let e = eigenlens::data::parse_word2vec(b"3 0\n5\xef\xbb\xbf\n{1 3\n5 1\n", "v.txt")
        .expect_err("rows of other widths");
    assert!(
        matches!(
            e,
            eigenlens::data::LoadError::VectorLength {
                line: 2,
                expected: 1,
                found: 0,
                ..
            }
        ),
        "{e:?}"
    );
    let ds = eigenlens::data::parse_word2vec(b"3 0\nfour 4\n", "v.txt").expect("two vectors");
    assert_eq!((ds.n_rows, ds.columns.len()), (2, 1));
}

/// Fuzzer (word2vec): a header promising vectors of 2⁶⁴ − 1 values made the
/// "expected d + 1 fields" of the error overflow (a panic in debug builds, a
/// wrong number in release). The error now counts the d numbers after the
/// word.
#[test]
fn word2vec_header_of_the_largest_dimension_is_an_error() {
    let e = eigenlens::data::parse_word2vec(b"1 18446744073709551615\na 1\n", "v.txt")
        .expect_err("a row narrower than the header's width");
    assert!(
        matches!(
            e,
            eigenlens::data::LoadError::VectorLength {
                line: 2,
                expected: usize::MAX,
                found: 1,
                ..
            }
        ),
        "{e:?}"
    );
}

/// Monkey, seed 3: a saved scene of movie factors wrote metadata whose last
/// movie had no genres (`Up\tanimation\t`); the loader trimmed the file's end
/// as whitespace, tab included, so the last row had a field too few and the
/// scene would not load. Only trailing lines of spaces are blank now.
#[test]
fn metadata_whose_last_cell_is_empty_keeps_it() {
    let columns = eigenlens::data::parse_labels(
        b"title\tgenre\tgenres\nJaws\tthriller\tthriller\nUp\tanimation\t\n\n  \n",
        "metadata.tsv",
        2,
        "vectors.tsv",
    )
    .expect("two rows of three labels");
    let genres = &columns[2];
    assert_eq!((genres.get(0), genres.get(1)), ("thriller", ""));
    let vectors = eigenlens::data::parse_projector_vectors(b"1\t2\n3\t4\n \n", "vectors.tsv")
        .expect("a trailing blank line is not a row");
    assert_eq!(vectors.n_rows, 2);
}

/// Issue 20: the ratings loader took line numbers from the csv crate, whose
/// count leaves out the empty lines it skips: a bad rating on line 4 after
/// an empty line 3 was reported on line 3 (and a duplicate's lines were off
/// the same way). Lines are now counted where the record starts, quoted
/// fields or not.
#[test]
fn a_bad_rating_after_an_empty_line_names_its_own_line() {
    use eigenlens::data::{LoadError, parse_ratings};
    for text in [
        "user,item,rating\n1,1,4\n\n2,2,x\n",
        "user,item,rating\n\"1\",1,4\n\n2,2,x\n",
        "\n\nuser,item,rating\n1,1,4\n\n\n2,\"2\",x\n",
    ] {
        let line = text.lines().position(|l| l.ends_with(",x")).map(|i| i + 1);
        match parse_ratings(text.as_bytes(), "r.csv") {
            Err(LoadError::NotANumber { line: at, .. }) => assert_eq!(Some(at), line, "{text:?}"),
            other => panic!("{text:?}: expected a bad rating, got {other:?}"),
        }
    }
    let e = parse_ratings(b"u,i,rating\n\n1,1,4\n\n\"2\",2,3\n\n1,1,5\n", "r.csv");
    assert!(
        matches!(
            e,
            Err(LoadError::DuplicateRating {
                line: 7,
                first_line: 3,
                ..
            })
        ),
        "{e:?}"
    );
}
