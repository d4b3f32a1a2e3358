//! Ratings loaders: long and wide files, MovieLens layouts with their metadata,
//! the built-ins — good files load with the right users, items, values and
//! titles; every class of bad file is an error naming the file and the line.

use std::path::{Path, PathBuf};

use eigenlens::data::{
    Item, LoadError, RATINGS_BUILTINS, Rating, Ratings, RatingsLayout, builtin_ratings,
    items_beside, load_builtin_ratings, load_ratings, load_ratings_with_items, parse_items,
    parse_ratings, parse_ratings_as,
};

// ---------------------------------------------------------------- helpers

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ratings")
        .join(name)
}

fn parse(text: &str) -> Ratings {
    match parse_ratings(text.as_bytes(), "r.csv") {
        Ok(r) => r,
        Err(e) => panic!("expected {text:?} to load, got: {e}"),
    }
}

fn parse_err(bytes: &[u8]) -> LoadError {
    match parse_ratings(bytes, "r.csv") {
        Ok(r) => panic!(
            "expected an error for {:?}, got {r:#?}",
            String::from_utf8_lossy(bytes)
        ),
        Err(e) => e,
    }
}

/// The ratings as (user id, item id, value), in order, for readable comparisons.
fn triples(r: &Ratings) -> Vec<(String, String, f32)> {
    r.entries
        .iter()
        .map(|e| {
            (
                r.users[e.user as usize].clone(),
                r.items[e.item as usize].id.clone(),
                e.value,
            )
        })
        .collect()
}

fn t(user: &str, item: &str, value: f32) -> (String, String, f32) {
    (user.to_owned(), item.to_owned(), value)
}

/// Asserts that `e`'s message names the file and every one of `parts`.
fn assert_message(e: &LoadError, parts: &[&str]) {
    let shown = e.to_string();
    for part in parts {
        assert!(shown.contains(part), "expected {part:?} in: {shown}");
    }
}

// ---------------------------------------------------------------- long files

/// A MovieLens-style `ratings.csv`: the header is skipped, users and items are
/// numbered in order of first appearance, half stars and the timestamp are fine.
#[test]
fn long_csv_with_header() {
    let r = parse("userId,movieId,rating,timestamp\n1,10,4,100\n1,20,3.5,101\n2,10,5,102\n");
    assert_eq!(r.name, "r.csv");
    assert_eq!(r.users, ["1", "2"]);
    assert_eq!(
        r.items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        ["10", "20"]
    );
    assert_eq!(
        r.entries,
        [
            Rating {
                user: 0,
                item: 0,
                value: 4.0
            },
            Rating {
                user: 0,
                item: 1,
                value: 3.5
            },
            Rating {
                user: 1,
                item: 0,
                value: 5.0
            },
        ]
    );
    assert_eq!(r.scale, (3.5, 5.0));
    assert!((r.observed_fraction() - 0.75).abs() < 1e-12);
}

/// ml-100k's `u.data` layout: tab-separated, no header, a timestamp column.
#[test]
fn long_tsv_without_header() {
    let r = parse("196\t242\t3\t881250949\n186\t302\t3\t891717742\n196\t302\t1\t878887116\n");
    assert_eq!(
        triples(&r),
        [
            t("196", "242", 3.0),
            t("186", "302", 3.0),
            t("196", "302", 1.0)
        ]
    );
}

/// Three fields are enough; semicolons, pipes and ml-1m's `::` are separators too.
#[test]
fn long_other_separators() {
    for text in [
        "a;x;1\nb;y;2\n",
        "a|x|1\nb|y|2\n",
        "a::x::1::978300760\nb::y::2::978300761\n",
    ] {
        let r = parse(text);
        assert_eq!(
            triples(&r),
            [t("a", "x", 1.0), t("b", "y", 2.0)],
            "{text:?}"
        );
    }
}

/// A custom header naming the rating column (`stars`) marks a long file; ids
/// may be words.
#[test]
fn long_with_word_ids() {
    let r = parse("who,what,stars\nann,Alpha,5\nann,Beta,2\nbob,Alpha,4\n");
    assert_eq!(
        triples(&r),
        [
            t("ann", "Alpha", 5.0),
            t("ann", "Beta", 2.0),
            t("bob", "Alpha", 4.0)
        ]
    );
}

// ---------------------------------------------------------------- wide files

/// A users × items matrix: empty cells and `NA` are missing, never 0; every
/// listed user and item exists even with few ratings.
#[test]
fn wide_matrix_with_gaps() {
    let r = load_ratings(&fixture("wide.csv")).unwrap();
    assert_eq!(r.users, ["ann", "bob", "cy"]);
    assert_eq!(
        r.items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        ["Alpha", "Beta", "Gamma", "Delta"]
    );
    assert_eq!(
        triples(&r),
        [
            t("ann", "Alpha", 5.0),
            t("ann", "Gamma", 1.0),
            t("bob", "Beta", 4.0),
            t("bob", "Gamma", 2.0),
            t("bob", "Delta", 3.0),
            t("cy", "Alpha", 1.0),
            t("cy", "Beta", 2.0),
        ]
    );
    assert_eq!(r.scale, (1.0, 5.0));
    assert_eq!(r.source.as_deref(), Some(fixture("wide.csv").as_path()));
}

/// A small matrix with no gaps and three items (the shape of a long file with
/// a header) is still read as a matrix: its users do not repeat.
#[test]
fn wide_without_gaps_is_sniffed() {
    let r = parse("user,A,B,C\nann,1,2,3\nbob,3,4,5\n");
    assert_eq!((r.n_users(), r.n_items(), r.len()), (2, 3, 6));
    assert_eq!(triples(&r)[5], t("bob", "C", 5.0));
}

/// The layout can be forced when sniffing guesses wrong: a matrix whose items
/// are named by numbers looks like a long file without a header.
#[test]
fn layout_can_be_forced() {
    let text = "user,1,2\nann,5,4\nbob,3,1\n";
    let sniffed = parse(text);
    assert_eq!(
        triples(&sniffed)[0],
        t("user", "1", 2.0),
        "the documented wrong guess"
    );
    let long = parse_ratings_as(text.as_bytes(), "r.csv", RatingsLayout::Long).unwrap();
    assert_eq!(long, sniffed);
    let wide = parse_ratings_as(text.as_bytes(), "r.csv", RatingsLayout::Wide).unwrap();
    assert_eq!(
        triples(&wide),
        [
            t("ann", "1", 5.0),
            t("ann", "2", 4.0),
            t("bob", "1", 3.0),
            t("bob", "2", 1.0)
        ]
    );
}

// ---------------------------------------------------------------- metadata

/// A `ratings.csv` with a `movies.csv` beside it picks up titles (quoted commas
/// and all) and genres; metadata for unrated movies is ignored.
#[test]
fn movielens_csv_layout_picks_up_titles() {
    let path = fixture("movielens-style/ratings.csv");
    assert_eq!(
        items_beside(&path),
        Some(fixture("movielens-style/movies.csv"))
    );
    let r = load_ratings(&path).unwrap();
    assert_eq!(r.n_items(), 3);
    assert_eq!(
        r.items[0],
        Item {
            id: "10".into(),
            title: Some("Lantern, The (1994)".into()),
            genres: vec!["Comedy".into(), "Drama".into()],
        }
    );
    assert_eq!(r.item_name(1), "Tiny Giants (2001)");
    assert!(
        r.items[2].genres.is_empty(),
        "(no genres listed) is no genre"
    );
    assert_eq!(
        r.items_source.as_deref(),
        Some(fixture("movielens-style/movies.csv").as_path())
    );
}

/// ml-100k's `u.data` picks up `u.item` beside it: `|`-separated Latin-1
/// titles, genre flags turned into names.
#[test]
fn ml100k_layout_picks_up_u_item() {
    let r = load_ratings(&fixture("ml100k-style/u.data")).unwrap();
    assert_eq!(r.users, ["7", "8"]);
    assert_eq!(r.item_name(0), "Café Noir (1999)");
    assert_eq!(r.items[0].genres, ["Comedy", "Drama"]);
    assert_eq!(r.items[1].genres, ["Action", "Thriller"]);
}

/// An explicit metadata file (here a generic `id, title, genres` TSV) is
/// attached by id; items it does not describe keep their id as their name.
#[test]
fn explicit_items_file() {
    let r = load_ratings_with_items(&fixture("wide.csv"), &fixture("items.tsv")).unwrap();
    assert_eq!(r.item_name(0), "Alpha Movie (2000)");
    assert_eq!(r.item_name(1), "Beta");
    assert_eq!(r.items[2].genres, ["Sci-Fi", "Thriller"]);
}

/// No metadata file beside an ordinary ratings file: nothing is guessed.
#[test]
fn no_metadata_beside_other_files() {
    assert_eq!(items_beside(&fixture("wide.csv")), None);
    assert_eq!(items_beside(&fixture("bad-rating.csv")), None);
}

/// A metadata row without a title, or an item described twice, is an error
/// naming the metadata file's line.
#[test]
fn bad_metadata() {
    let e = parse_items(b"movieId,title\n1,One\n2\n", "m.csv").unwrap_err();
    assert!(
        matches!(e, LoadError::TooFewFields { line: 3, .. }),
        "{e:?}"
    );
    let e = parse_items(b"movieId,title\n1,One\n1,Again\n", "m.csv").unwrap_err();
    assert!(
        matches!(
            e,
            LoadError::DuplicateName {
                line: 3,
                first_line: 2,
                ..
            }
        ),
        "{e:?}"
    );
    assert_message(&e, &["m.csv", "line 3", "\"1\"", "line 2"]);
}

// ---------------------------------------------------------------- bad files

/// A rating that is not a number names the line, the column and the value.
#[test]
fn rating_not_a_number() {
    let e = load_ratings(&fixture("bad-rating.csv")).unwrap_err();
    assert!(
        matches!(&e, LoadError::NotANumber { line: 3, column: 3, value, .. } if value == "four"),
        "{e:?}"
    );
    assert_message(&e, &["bad-rating.csv", "line 3", "four"]);
    // The full path, not just the name.
    assert!(
        e.to_string()
            .starts_with(&fixture("bad-rating.csv").display().to_string())
    );
}

/// Infinite and NaN ratings are not ratings.
#[test]
fn non_finite_rating() {
    for bad in ["inf", "NaN", "-infinity"] {
        let e = parse_err(format!("u,i,3\nv,i,{bad}\n").as_bytes());
        assert!(
            matches!(e, LoadError::NotANumber { line: 2, .. }),
            "{bad}: {e:?}"
        );
    }
}

/// A bad rating on the first line is reported, not mistaken for a header,
/// when the ids are numbers.
#[test]
fn bad_first_line_is_not_a_header() {
    let e = parse_err(b"1,2,x\n1,3,4\n");
    assert!(matches!(e, LoadError::NotANumber { line: 1, .. }), "{e:?}");
}

/// A row with too few fields names its line and what was expected.
#[test]
fn too_few_fields() {
    let e = parse_err(b"u1,i1,4\nu2,i2,5\nu3,i3\n");
    assert!(
        matches!(
            e,
            LoadError::TooFewFields {
                line: 3,
                expected: 3,
                found: 2,
                ..
            }
        ),
        "{e:?}"
    );
    assert_message(&e, &["r.csv", "line 3", "user, item, rating"]);
    // A file of two columns is not ratings at all.
    let e = parse_err(b"user,item\na,b\n");
    assert!(
        matches!(e, LoadError::TooFewFields { line: 1, .. }),
        "{e:?}"
    );
}

/// An empty user or item id names its line and column.
#[test]
fn empty_id() {
    let e = parse_err(b"u1,i1,4\n,i2,5\n");
    assert!(
        matches!(
            e,
            LoadError::EmptyField {
                line: 2,
                column: 1,
                name: "user",
                ..
            }
        ),
        "{e:?}"
    );
}

/// A (user, item) pair rated twice is an error naming both lines and the
/// policy (never averaged or overwritten).
#[test]
fn duplicate_pair() {
    let e = load_ratings(&fixture("duplicate.csv")).unwrap_err();
    match &e {
        LoadError::DuplicateRating {
            line,
            first_line,
            user,
            item,
            ..
        } => assert_eq!(
            (*line, *first_line, user.as_str(), item.as_str()),
            (4, 1, "u1", "i1")
        ),
        other => panic!("expected DuplicateRating, got {other:?}"),
    }
    assert_message(
        &e,
        &[
            "duplicate.csv",
            "line 4",
            "line 1",
            "\"u1\"",
            "\"i1\"",
            "duplicates are an error",
        ],
    );
}

/// Of several duplicates, the one whose repeat comes first in the file is reported.
#[test]
fn earliest_duplicate_is_reported() {
    let e = parse_err(b"b,y,1\na,x,1\na,x,2\nb,y,3\n");
    assert!(
        matches!(
            e,
            LoadError::DuplicateRating {
                line: 3,
                first_line: 2,
                ..
            }
        ),
        "{e:?}"
    );
}

/// An empty file, one of only blank lines, and a header alone are errors.
#[test]
fn empty_and_header_only() {
    for empty in [&b""[..], b"   \n\n \t\n"] {
        assert!(matches!(parse_err(empty), LoadError::Empty { .. }));
    }
    let e = parse_err(b"userId,movieId,rating\n");
    assert!(matches!(e, LoadError::HeaderOnly { .. }), "{e:?}");
    assert_message(&e, &["r.csv", "header"]);
}

/// Bytes that are not UTF-8 in a ratings file name their line.
#[test]
fn not_utf8() {
    let e = parse_err(b"u,i,1\nv,\xff,2\n");
    assert!(matches!(e, LoadError::NotUtf8 { line: 2, .. }), "{e:?}");
}

/// Wide matrices: a short row, a repeated user, a word in a cell, and no
/// ratings at all are errors that name the line (and the item's column).
#[test]
fn bad_wide_matrices() {
    let e = parse_err(b",A,B,C,D\nann,1,2,3,4\nbob,1,2\n");
    assert!(
        matches!(
            e,
            LoadError::Ragged {
                line: 3,
                expected: 5,
                found: 3,
                ..
            }
        ),
        "{e:?}"
    );
    let e = parse_err(b"user,A,B,C,D\nann,1,,,\nann,,2,,\n");
    assert!(
        matches!(
            e,
            LoadError::DuplicateName {
                line: 3,
                first_line: 2,
                kind: "user",
                ..
            }
        ),
        "{e:?}"
    );
    let e = parse_err(b"user,A,B,C,D\nann,1,,good,\n");
    assert!(
        matches!(&e, LoadError::NotANumber { line: 2, column: 4, name, .. } if name == "C"),
        "{e:?}"
    );
    let e = parse_err(b"user,A,B,C,D\nann,,,,\n");
    assert!(matches!(e, LoadError::NoRatings { .. }), "{e:?}");
    let e = parse_err(b"user,A,B,A,D\nann,1,,,\n");
    assert!(matches!(e, LoadError::DuplicateColumn { .. }), "{e:?}");
}

/// A missing file is an I/O error naming it; a broken metadata file beside the
/// ratings is reported with its own name and line.
#[test]
fn io_and_metadata_errors_name_their_file() {
    let e = load_ratings(&fixture("nowhere.csv")).unwrap_err();
    assert!(matches!(e, LoadError::Io { .. }), "{e:?}");
    assert_message(&e, &["nowhere.csv"]);

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ratings.csv"), "u,i,3\n").unwrap();
    std::fs::write(
        dir.path().join("movies.csv"),
        "movieId,title\ni,One\ni,Two\n",
    )
    .unwrap();
    let e = load_ratings(&dir.path().join("ratings.csv")).unwrap_err();
    assert_message(&e, &["movies.csv", "line 3"]);
}

// ---------------------------------------------------------------- align

/// A test file is re-indexed into the training set's users and items; users
/// and items it adds are appended, with no training ratings.
#[test]
fn align_reindexes_and_appends() {
    let mut train = parse("a,x,1\nb,y,2\n");
    let test = parse("b,x,3\nc,y,4\nb,z,5\n");
    let aligned = train.align(&test);
    assert_eq!(train.users, ["a", "b", "c"]);
    assert_eq!(
        train
            .items
            .iter()
            .map(|i| i.id.as_str())
            .collect::<Vec<_>>(),
        ["x", "y", "z"]
    );
    assert_eq!(
        aligned,
        [
            Rating {
                user: 1,
                item: 0,
                value: 3.0
            },
            Rating {
                user: 2,
                item: 1,
                value: 4.0
            },
            Rating {
                user: 1,
                item: 2,
                value: 5.0
            },
        ]
    );
    assert_eq!(train.len(), 2, "training entries are unchanged");
    assert_eq!(train.scale, (1.0, 5.0), "the scale covers both");
}

/// `by_user` and `by_item` group the ratings in file order.
#[test]
fn by_user_and_by_item() {
    let r = parse("a,x,1\nb,y,2\na,y,3\n");
    assert_eq!(r.by_user(), [vec![(0, 1.0), (1, 3.0)], vec![(1, 2.0)]]);
    assert_eq!(r.by_item(), [vec![(0, 1.0)], vec![(1, 2.0), (0, 3.0)]]);
    assert_eq!(
        (r.user_index("b"), r.item_index("y"), r.item_index("q")),
        (Some(1), Some(1), None)
    );
}

// ---------------------------------------------------------------- built-ins

/// tiny-movies: 4 viewers × 5 films, a few gaps, titled films with genres.
#[test]
fn builtin_tiny_movies() {
    let r = load_builtin_ratings("tiny-movies").unwrap();
    assert_eq!(r.name, "tiny-movies");
    assert_eq!((r.n_users(), r.n_items()), (4, 5));
    assert!(r.len() < 20 && r.len() >= 12, "{} ratings", r.len());
    assert_eq!(r.scale, (1.0, 5.0));
    let titles: Vec<&str> = (0..5).map(|i| r.item_name(i)).collect();
    for film in [
        "Harry Potter",
        "Shrek",
        "Triplets of Belleville",
        "Memento",
        "Dark Knight Rises",
    ] {
        assert!(
            titles.iter().any(|t| t.contains(film)),
            "{film} missing from {titles:?}"
        );
    }
    assert!(r.items.iter().all(|i| !i.genres.is_empty()));
}

/// movie-night: about 100 viewers × 40 titled films, about 30% observed, 1–5 stars.
#[test]
fn builtin_movie_night() {
    let r = load_builtin_ratings("movie-night").unwrap();
    assert_eq!((r.n_users(), r.n_items()), (100, 40));
    let observed = r.observed_fraction();
    assert!((0.25..0.35).contains(&observed), "{observed}");
    assert_eq!(r.scale, (1.0, 5.0));
    assert!(
        r.items
            .iter()
            .all(|i| i.title.is_some() && !i.genres.is_empty())
    );
    assert!(
        r.by_user().iter().all(|row| row.len() >= 5),
        "every viewer rates at least 5 films"
    );
}

/// Every built-in ratings set loads and is found by its id; an unknown id is
/// an error listing those that exist.
#[test]
fn builtin_ratings_lookup() {
    for b in RATINGS_BUILTINS {
        assert_eq!(builtin_ratings(b.id).map(|found| found.id), Some(b.id));
        assert_eq!(b.load().unwrap().name, b.id);
    }
    let e = load_builtin_ratings("nope").unwrap_err();
    assert_eq!(
        e.to_string(),
        "builtin:nope: no such built-in ratings set (available: tiny-movies, movie-night)"
    );
}

/// No input panics: random bytes from an alphabet rich in separators, quotes,
/// numbers and broken UTF-8 either load or give an error, in every parser.
#[test]
fn random_input_never_panics() {
    const ALPHABET: &[u8] = b"0123456789.-eEinfa, \t;|:\n\r\"NA\xff\xc3";
    let mut rng = fastrand::Rng::with_seed(7);
    for _ in 0..3000 {
        let len = rng.usize(0..160);
        let bytes: Vec<u8> = (0..len)
            .map(|_| ALPHABET[rng.usize(0..ALPHABET.len())])
            .collect();
        let loaded = [
            parse_ratings(&bytes, "fuzz.csv"),
            parse_ratings_as(&bytes, "fuzz.csv", RatingsLayout::Wide),
            parse_ratings_as(&bytes, "fuzz.csv", RatingsLayout::Long),
        ];
        for r in loaded.iter().flatten() {
            assert!(!r.is_empty());
            assert!(r.entries.iter().all(|e| e.value.is_finite()
                && (e.user as usize) < r.n_users()
                && (e.item as usize) < r.n_items()));
        }
        let _ = parse_items(&bytes, "fuzz.csv");
    }
}

/// The GUI's rule for opening a file as ratings: MovieLens names, or a
/// `user…,item…,rating…` header; anything else (iris, a plain table) is a table.
#[test]
fn looks_like_ratings_follows_the_documented_rule() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let yes = [
        write("u.data", "1\t2\t3\t4\n"),
        write("u1.base", "1\t2\t3\t4\n"),
        write("ratings_small.csv", "a,b,c\n"),
        write("mine.csv", "userId,movieId,rating\n1,2,3\n"),
        write("mine.tsv", "user_id\titem\tscore\n1\t2\t3\n"),
        write(
            "ml1m.dat",
            "UserID::MovieID::Rating::Timestamp\n1::2::3::4\n",
        ),
    ];
    let no = [
        write(
            "iris.csv",
            "sepal_length,sepal_width,petal_length,species\n5.1,3.5,1.4,setosa\n",
        ),
        write("table.csv", "user,height,weight\nann,170,60\n"),
        write("pairs.csv", "item,user,rating\n1,2,3\n"),
    ];
    for p in &yes {
        assert!(eigenlens::data::looks_like_ratings(p), "{}", p.display());
    }
    for p in &no {
        assert!(!eigenlens::data::looks_like_ratings(p), "{}", p.display());
    }
}

// ---------------------------------------------------------------- edits

fn two_by_two() -> Ratings {
    Ratings::new(
        "t",
        vec!["a".into(), "b".into()],
        vec![Item::new("x"), Item::new("y")],
        vec![
            Rating {
                user: 0,
                item: 0,
                value: 5.0,
            },
            Rating {
                user: 1,
                item: 1,
                value: 2.0,
            },
        ],
    )
}

fn cells(r: &Ratings) -> Vec<(u32, u32, f32)> {
    r.entries
        .iter()
        .map(|e| (e.user, e.item, e.value))
        .collect()
}

/// Edits change, add and clear cells; nothing else moves: users, items, the
/// scale and the order of the untouched ratings stay.
#[test]
fn edits_change_add_and_clear_cells() {
    let r = two_by_two();
    let edited = r.with_edits(&[(0, 0, Some(1.0)), (0, 1, Some(4.0)), (1, 1, None)]);
    assert_eq!(cells(&edited), vec![(0, 0, 1.0), (0, 1, 4.0)]);
    assert_eq!(edited.users, r.users);
    assert_eq!(edited.items, r.items);
    assert_eq!(edited.scale, r.scale);
    // The original is untouched.
    assert_eq!(cells(&r), vec![(0, 0, 5.0), (1, 1, 2.0)]);
    // No edits: the same ratings.
    assert_eq!(r.with_edits(&[]), r);
}

/// When several edits name one cell, the last wins; new cells arrive after
/// the old ones, in (user, item) order, whatever the order of the edits.
#[test]
fn the_last_edit_of_a_cell_wins() {
    let r = two_by_two();
    let edited = r.with_edits(&[
        (1, 0, Some(3.0)),
        (0, 1, Some(2.0)),
        (0, 0, None),
        (0, 0, Some(4.0)),
        (1, 0, None),
    ]);
    assert_eq!(cells(&edited), vec![(0, 0, 4.0), (1, 1, 2.0), (0, 1, 2.0)]);
    // Clearing a cell that has no rating changes nothing.
    assert_eq!(r.with_edits(&[(0, 1, None)]), r);
}

/// A user's ratings for folding in carry that user's edits, cleared cells
/// gone, and nobody else's.
#[test]
fn user_ratings_carry_the_users_edits() {
    let r = two_by_two();
    let edits = [(0, 1, Some(3.0)), (0, 0, None), (1, 0, Some(1.0))];
    assert_eq!(
        Ratings::user_ratings_edited(&r.entries, 0, &edits),
        vec![(1, 3.0)]
    );
    assert_eq!(
        Ratings::user_ratings_edited(&r.entries, 1, &edits),
        vec![(1, 2.0), (0, 1.0)]
    );
    assert_eq!(
        Ratings::user_ratings_edited(&r.entries, 1, &[]),
        vec![(1, 2.0)]
    );
}

/// `Rating::edited` is the same edit on a bare list of ratings.
#[test]
fn edited_entries_match_edited_ratings() {
    let r = two_by_two();
    let edits = [(1, 1, Some(5.0)), (0, 1, Some(1.0))];
    assert_eq!(
        Rating::edited(&r.entries, &edits),
        r.with_edits(&edits).entries
    );
}

/// An edit that sets a rating must name an existing user and item.
#[test]
#[should_panic(expected = "an edit indexes past the users or items")]
fn an_edit_past_the_matrix_panics() {
    let _ = two_by_two().with_edits(&[(2, 0, Some(3.0))]);
}
