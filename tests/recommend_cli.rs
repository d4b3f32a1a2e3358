//! `eigenlens recommend`: the real binary against the rankings the tools
//! that trained the models compute themselves — Spark's
//! `recommendForUserSubset` (tests/fixtures/spark/recommendations.json) and
//! implicit's `recommend` (tests/fixtures/npz/implicit-recommendations.json),
//! both written by the fixture scripts from the saved models — and against
//! the factors `factorize --save-users --save-items` writes.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{repo, write_file};
use serde_json::Value;

fn eigenlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eigenlens"))
        .args(args)
        .output()
        .expect("run eigenlens")
}

fn fixture(rel: &str) -> PathBuf {
    repo().join("tests/fixtures").join(rel)
}

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}, stderr: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

/// Runs `recommend` with `--json` and parses what it prints.
fn recommend_json(args: &[&str]) -> Value {
    let mut all = vec!["recommend"];
    all.extend_from_slice(args);
    all.push("--json");
    serde_json::from_str(&stdout(&eigenlens(&all))).expect("JSON")
}

/// Asserts the contract for bad input: exit 2, one line `error: ...`
/// holding every string of `must_contain`.
fn assert_bad_input(o: &Output, must_contain: &[&str]) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert!(err.starts_with("error: "), "stderr: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    for s in must_contain {
        assert!(err.contains(s), "expected {s:?} in: {err}");
    }
}

/// `(item, score)` pairs of a list of `{item, score}` objects.
fn pairs(list: &Value) -> Vec<(String, f64)> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|x| {
            (
                x["item"].as_str().expect("item id string").to_owned(),
                x["score"].as_f64().expect("score"),
            )
        })
        .collect()
}

/// The same items in the same order, scores within 1e-5 relative to the
/// list's largest: Spark and implicit compute in float32, whose rounding
/// grows with the terms of the dot product, not with a score near 0.
fn assert_same_ranking(ours: &[(String, f64)], theirs: &[(String, f64)], what: &str) {
    let ids = |l: &[(String, f64)]| l.iter().map(|(i, _)| i.clone()).collect::<Vec<_>>();
    assert_eq!(ids(ours), ids(theirs), "{what}: items and order");
    let scale = theirs.iter().map(|(_, s)| s.abs()).fold(1e-6, f64::max);
    for ((item, a), (_, b)) in ours.iter().zip(theirs) {
        assert!(
            (a - b).abs() <= 1e-5 * scale,
            "{what}: item {item}: score {a}, expected {b}"
        );
    }
}

/// Every user of the Spark model gets Spark's own `recommendForUserSubset`
/// list: the same items, in the same order, with Spark's scores.
#[test]
fn spark_model_ranks_as_recommend_for_user_subset() {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("spark/recommendations.json")).unwrap(),
    )
    .unwrap();
    let users = expected["users"].as_object().expect("users");
    assert_eq!(users.len(), 6, "every user of the fixture");
    let model = fixture("spark/als-model");
    for (user, list) in users {
        let ours = recommend_json(&[model.to_str().unwrap(), "--user", user, "-n", "5"]);
        assert_eq!(ours["user"], user.as_str());
        let theirs = pairs(list);
        assert_eq!(theirs.len(), 5);
        assert_same_ranking(
            &pairs(&ours["items"]),
            &theirs,
            &format!("Spark user {user}"),
        );
    }
}

/// implicit's ALS and BPR models: implicit's own `recommend` lists, every
/// user, all five items. BPR's item bias changes the order (for every user of
/// the fixture but one), so leaving it out fails here.
#[test]
fn implicit_models_rank_as_implicit_recommends() {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("npz/implicit-recommendations.json")).unwrap(),
    )
    .unwrap();
    for name in ["implicit-als.npz", "implicit-bpr.npz"] {
        let users = expected[name].as_object().expect(name);
        assert_eq!(users.len(), 6, "{name}");
        let model = fixture(&format!("npz/{name}"));
        for (user, list) in users {
            let ours = recommend_json(&[model.to_str().unwrap(), "--user", user, "-n", "5"]);
            assert_same_ranking(
                &pairs(&ours["items"]),
                &pairs(list),
                &format!("{name} user {user}"),
            );
        }
    }
}

/// A trained `factorize` model saved as CSVs: `recommend ITEMS --users USERS`
/// ranks every user's items by b_u + b_i + p·q computed here from the CSVs
/// (best first, ties by file order), with the titles the items CSV holds.
#[test]
fn factorize_csv_pair_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let (users, items) = (dir.path().join("users.csv"), dir.path().join("items.csv"));
    let o = eigenlens(&[
        "factorize",
        "builtin:tiny-movies",
        "--rank",
        "3",
        "--biases",
        "--epochs",
        "8",
        "--test-fraction",
        "0",
        "--save-users",
        users.to_str().unwrap(),
        "--save-items",
        items.to_str().unwrap(),
    ]);
    stdout(&o);
    let read = |p: &Path, lead: usize| -> Vec<(String, String, Vec<f64>)> {
        let mut r = csv::Reader::from_path(p).unwrap();
        r.records()
            .map(|rec| {
                let rec = rec.unwrap();
                let nums = rec
                    .iter()
                    .skip(lead - 1)
                    .map(|x| x.parse().unwrap())
                    .collect();
                let title = if lead == 3 {
                    rec[1].to_owned()
                } else {
                    String::new()
                };
                (rec[0].to_owned(), title, nums)
            })
            .collect()
    };
    let user_rows = read(&users, 2);
    let item_rows = read(&items, 3);
    assert!(user_rows.len() >= 3 && item_rows.len() >= 4);
    for (user, _, u) in &user_rows {
        let mut expected: Vec<(usize, f64)> = item_rows
            .iter()
            .enumerate()
            .map(|(i, (_, _, q))| {
                let dot: f64 = u[1..].iter().zip(&q[1..]).map(|(a, b)| a * b).sum();
                (i, u[0] + q[0] + dot)
            })
            .collect();
        expected.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let expected: Vec<(String, f64)> = expected
            .iter()
            .map(|&(i, s)| (item_rows[i].0.clone(), s))
            .collect();
        let ours = recommend_json(&[
            items.to_str().unwrap(),
            "--users",
            users.to_str().unwrap(),
            "--user",
            user,
            "-n",
            "100",
        ]);
        assert_same_ranking(&pairs(&ours["items"]), &expected, &format!("user {user}"));
        for got in ours["items"].as_array().unwrap() {
            let row = item_rows.iter().find(|r| r.0 == got["item"]).unwrap();
            assert_eq!(got["title"], row.1.as_str(), "titles from the items CSV");
        }
    }
}

/// Writes ratings of the Spark fixture's users and items, with movies.csv
/// beside them naming the items (item 40 rated by nobody: its title comes
/// from movies.csv alone).
fn spark_ratings(dir: &Path) -> PathBuf {
    write_file(
        dir,
        "movies.csv",
        b"movieId,title,genres\n10,Alien (1979),Horror\n20,Aliens (1986),Action\n\
          30,Amelie (2001),Comedy\n40,Chocolat (2000),Drama\n50,Big Fish (2003),Drama\n",
    );
    write_file(
        dir,
        "ratings.csv",
        b"userId,movieId,rating\n1,10,5\n1,30,1\n2,20,5\n3,50,5\n",
    )
}

/// `--ratings` leaves out what the user rated there (Spark's own list less
/// those, in Spark's order), titles the items from movies.csv beside the
/// ratings, and the text says what was left out.
#[test]
fn ratings_leave_out_rated_items_and_title_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let ratings = spark_ratings(dir.path());
    let model = fixture("spark/als-model");
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("spark/recommendations.json")).unwrap(),
    )
    .unwrap();
    let spark: Vec<(String, f64)> = pairs(&expected["users"]["1"])
        .into_iter()
        .filter(|(i, _)| i != "10" && i != "30")
        .collect();
    let args = [
        model.to_str().unwrap(),
        "--user",
        "1",
        "--ratings",
        ratings.to_str().unwrap(),
    ];
    let ours = recommend_json(&args);
    assert_same_ranking(&pairs(&ours["items"]), &spark, "user 1 less 10 and 30");
    let titles: Vec<&str> = ours["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["title"].as_str().expect("a title"))
        .collect();
    assert!(titles.contains(&"Aliens (1986)"), "{titles:?}");
    assert!(titles.contains(&"Chocolat (2000)"), "unrated: {titles:?}");

    let mut all = vec!["recommend"];
    all.extend_from_slice(&args);
    let text = stdout(&eigenlens(&all));
    assert!(text.contains("left out: 2 items user 1 rated in"), "{text}");
    assert!(text.contains("Big Fish (2003)"), "{text}");
    assert!(!text.contains("Alien (1979)"), "{text}");
}

/// Without `--ratings`, a ratings file beside the model titles the items
/// but leaves nothing out: all five, in Spark's order.
#[test]
fn ratings_beside_the_model_only_title_it() {
    let dir = tempfile::tempdir().unwrap();
    spark_ratings(dir.path());
    let copy = dir.path().join("als-model");
    copy_dir(&fixture("spark/als-model"), &copy);
    let ours = recommend_json(&[copy.to_str().unwrap(), "--user", "1"]);
    let items = ours["items"].as_array().unwrap();
    assert_eq!(items.len(), 5, "nothing left out");
    assert!(items.iter().all(|x| x["title"].is_string()), "{ours}");
    let text = stdout(&eigenlens(&[
        "recommend",
        copy.to_str().unwrap(),
        "--user",
        "1",
    ]));
    assert!(text.contains("titles: from"), "{text}");
    assert!(!text.contains("left out"), "{text}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("make the copy's folder");
    for entry in std::fs::read_dir(from).expect("read the fixture") {
        let entry = entry.expect("a fixture entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("its type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy a fixture file");
        }
    }
}

/// The JSON is exactly `{user, items: [{item, title?, score}]}`: no other
/// keys, `title` left out where there is none, ids as strings, `-n` items.
#[test]
fn json_has_the_documented_shape() {
    let model = fixture("npz/implicit-als.npz");
    let v = recommend_json(&[model.to_str().unwrap(), "--user", "2", "-n", "3"]);
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["items", "user"]);
    assert_eq!(v["user"], "2");
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    for x in items {
        let keys: Vec<&String> = x.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["item", "score"], "no title without one: {x}");
        assert!(x["item"].is_string() && x["score"].is_f64(), "{x}");
    }
    // Best first.
    let scores: Vec<f64> = items.iter().map(|x| x["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

/// The text table: a header line saying what ranks, then rank, item and
/// score, best first.
#[test]
fn text_lists_rank_item_and_score() {
    let model = fixture("spark/als-model");
    let text = stdout(&eigenlens(&[
        "recommend",
        model.to_str().unwrap(),
        "--user",
        "3",
        "-n",
        "2",
    ]));
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("user 3: top 2 of 5 items by p·q"),
        "{text}"
    );
    assert!(lines[0].contains("6 users"), "{text}");
    assert_eq!(lines.len(), 4, "{text}");
    let row: Vec<&str> = lines[2].split_whitespace().collect();
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("spark/recommendations.json")).unwrap(),
    )
    .unwrap();
    let best = &expected["users"]["3"][0];
    assert_eq!(row[..2], ["1", best["item"].as_str().unwrap()], "{text}");
    let score: f64 = row[2].parse().unwrap();
    assert!(
        (score - best["score"].as_f64().unwrap()).abs() < 1e-5,
        "{text}"
    );
}

/// Each bad input exits 2 with one line naming the file or the parameter.
#[test]
fn bad_input_names_the_file_or_parameter() {
    let spark = fixture("spark/als-model");
    let spark = spark.to_str().unwrap();
    let o = eigenlens(&["recommend", spark, "--user", "99"]);
    assert_bad_input(&o, &["--user 99", "als-model", "6 users", "1, 2, 3"]);
    let o = eigenlens(&["recommend", spark, "--user", "1", "-n", "0"]);
    assert_bad_input(&o, &["--top 0", "at least 1"]);
    let readme = repo().join("README.md");
    let o = eigenlens(&["recommend", readme.to_str().unwrap(), "--user", "1"]);
    assert_bad_input(
        &o,
        &[
            "README.md",
            "Spark ALS model directory",
            ".npz",
            "--save-items",
        ],
    );
    let not_model = tempfile::tempdir().unwrap();
    let o = eigenlens(&[
        "recommend",
        not_model.path().to_str().unwrap(),
        "--user",
        "1",
    ]);
    assert_bad_input(&o, &["not a Spark ALS model"]);
    let o = eigenlens(&["recommend", spark, "--user", "1", "--users", "u.csv"]);
    assert_bad_input(&o, &["--users u.csv"]);
}

/// Broken `factorize` CSVs: the file and line are named.
#[test]
fn bad_factor_csvs_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let items = write_file(
        d,
        "items.csv",
        b"item,title,bias,f1,f2\na,A,0.1,1,2\nb,B,0.2,3,x\n",
    );
    let users = write_file(d, "users.csv", b"user,bias,f1,f2\nu,0.5,1,1\n");
    let (items, users) = (items.to_str().unwrap(), users.to_str().unwrap());
    let o = eigenlens(&["recommend", items, "--users", users, "--user", "u"]);
    assert_bad_input(&o, &["items.csv", "line 3", "\"f2\"", "\"x\""]);

    let items = write_file(
        d,
        "items2.csv",
        b"item,title,bias,f1,f2\na,A,0.1,1,2\na,B,0.2,3,4\n",
    );
    let items = items.to_str().unwrap();
    let o = eigenlens(&["recommend", items, "--users", users, "--user", "u"]);
    assert_bad_input(&o, &["items2.csv", "line 3", "twice"]);

    let short = write_file(d, "items3.csv", b"item,title,bias,f1,f2\na,A,0.1,1\n");
    let o = eigenlens(&[
        "recommend",
        short.to_str().unwrap(),
        "--users",
        users,
        "--user",
        "u",
    ]);
    assert_bad_input(&o, &["items3.csv", "line 2"]);

    let good = write_file(d, "items4.csv", b"item,title,bias,f1\na,A,0.1,1\n");
    let good = good.to_str().unwrap();
    let o = eigenlens(&["recommend", good, "--users", users, "--user", "u"]);
    assert_bad_input(&o, &["--users", "users.csv", "not one model"]);
    let o = eigenlens(&["recommend", good, "--user", "u"]);
    assert_bad_input(&o, &["items4.csv", "--users"]);
    let o = eigenlens(&["recommend", users, "--user", "u"]);
    assert_bad_input(&o, &["users.csv", "--save-users", "as --users"]);
    let bad_users = write_file(d, "users2.csv", b"user,bias,g1\nu,0.5,1\n");
    let o = eigenlens(&[
        "recommend",
        good,
        "--users",
        bad_users.to_str().unwrap(),
        "--user",
        "u",
    ]);
    assert_bad_input(&o, &["users2.csv", "line 1", "user,bias,f1..fk"]);
}
