//! `eigenlens recommend MODEL --user ID`: a user's top-N items by the
//! model's own score, from a model saved elsewhere — a Spark ALS model
//! directory, an implicit `.npz` — or the factors `factorize --save-users
//! --save-items` wrote, as a table or JSON.
//!
//! Every item is ranked, as Spark's `recommendForUserSubset` and implicit's
//! `recommend(…, filter_already_liked_items=False)` rank them, unless
//! `--ratings FILE` names ratings whose items this user rated: those are left
//! out. The ranking is [`recommend`] by [`Metric::Dot`]: the unclipped score,
//! best first, ties by item order in the model.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Serialize;

use super::Failure;
use super::factors_csv::{self, Side};
use crate::data::{self, LoadProgress, Ratings, SavedFormat};
use crate::math::factorize::{Metric, Model, Scored, recommend};

/// A user's top-N items from a saved model (table or JSON).
#[derive(Args, Debug)]
#[command(
    after_help = "Scores: Spark ALS and implicit ALS p·q; implicit BPR p·q + b_i; \
factorize's CSVs b_u + b_i + p·q, the model's prediction less the training mean μ (not saved; \
the same ranking). Every item is ranked, as Spark's recommendForUserSubset does, unless \
--ratings leaves out the items the user rated there; ties go to the item listed first in the model."
)]
pub struct RecommendArgs {
    /// The model: a Spark ALS model directory (`ALSModel.save`: userFactors/,
    /// itemFactors/), an implicit `.npz` (`model.save`: user_factors,
    /// item_factors; BPR's item bias included), or the items CSV of
    /// `factorize --save-items` (with `--users`, the `--save-users` CSV).
    pub model: PathBuf,
    /// The user, by id as the model names them: Spark's user column, implicit's
    /// row number (from 0), the `user` column of the `--save-users` CSV.
    #[arg(long, value_name = "ID")]
    pub user: String,
    /// How many items, best first (at least 1; all items when there are fewer).
    #[arg(short = 'n', long = "top", value_name = "N", default_value_t = 10)]
    pub top: usize,
    /// With MODEL the `factorize --save-items` CSV: the `--save-users` CSV
    /// (user,bias,f1..fk) of the same run.
    #[arg(long, value_name = "USERS.csv")]
    pub users: Option<PathBuf>,
    /// Ratings (any ratings file eigenlens reads; titles from movies.csv or
    /// u.item beside it, or `--items`): items the user rated there are left
    /// out, and the items are titled. Without it every item is ranked, titled
    /// from a ratings file beside the model if there is one.
    #[arg(long, value_name = "FILE")]
    pub ratings: Option<PathBuf>,
    /// Item titles for `--ratings` (movies.csv, u.item, id,title[,genres]).
    #[arg(long, value_name = "FILE", requires = "ratings")]
    pub items: Option<PathBuf>,
    /// Print JSON: user, items ([{item, title (when known), score}], best first).
    #[arg(long)]
    pub json: bool,
}

/// A model to rank with, whatever wrote it.
struct Loaded {
    /// "Spark ALS model als-model", for the header and errors.
    what: String,
    /// What the score is, e.g. "p·q + b_i".
    score: &'static str,
    /// What a user id is in this model, for the unknown-user error.
    user_ids: &'static str,
    users: Vec<String>,
    items: Vec<String>,
    titles: Vec<Option<String>>,
    model: Model,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    item: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    /// f32, the precision the tools that train these models score in.
    score: f32,
}

#[derive(Serialize)]
struct JsonOut<'a> {
    user: &'a str,
    items: Vec<JsonItem<'a>>,
}

/// Runs `eigenlens recommend`.
///
/// # Errors
/// Bad input or usage (exit 2): MODEL is not a model, a CSV factors file is
/// malformed (file and line), the user is unknown, `-n 0`, an unreadable
/// `--ratings`. Exit 1 if stdout cannot be written.
pub fn run(args: &RecommendArgs) -> Result<(), Failure> {
    if args.top == 0 {
        return Err(Failure::input(
            "--top 0: give at least 1 (-n N: how many items to list)",
        ));
    }
    let mut loaded = load(&args.model, args.users.as_deref())?;
    let Some(u) = loaded.users.iter().position(|id| *id == args.user) else {
        return Err(unknown_user(&loaded, &args.user));
    };
    let mut notes = Vec::new();
    let mut rated = Vec::new();
    if let Some(path) = &args.ratings {
        let given = match &args.items {
            Some(items) => data::load_ratings_with_items(path, items),
            None => data::load_ratings(path),
        }
        .map_err(|e| Failure::input(e.to_string()))?;
        rated = rated_by(&given, &loaded.items, &args.user);
        name_items(&mut loaded.titles, &loaded.items, &given);
        notes.push(format!(
            "left out: {} item{} user {} rated in {}",
            rated.len(),
            if rated.len() == 1 { "" } else { "s" },
            args.user,
            path.display()
        ));
    } else if loaded.titles.iter().all(Option::is_none)
        && let Some(beside) = data::ratings_beside(&args.model)
    {
        match data::load_ratings(&beside) {
            Ok(given) => {
                name_items(&mut loaded.titles, &loaded.items, &given);
                let from = given
                    .items_source
                    .as_ref()
                    .map_or_else(String::new, |s| format!(" ({})", s.display()));
                notes.push(format!(
                    "titles: from {}{from}, beside the model",
                    beside.display()
                ));
            }
            Err(e) => super::out::note(&format!("note: no titles: {e}")),
        }
    }
    let found = recommend(
        &loaded.model,
        &loaded.model.user(u),
        &rated,
        args.top,
        Metric::Dot,
    );
    let mut out = super::out::stdout();
    let written = if args.json {
        serde_json::to_writer_pretty(&mut out, &json(&loaded, &args.user, &found))
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(out))
    } else {
        out.write_all(text(&loaded, &args.user, &found, &notes).as_bytes())
    };
    written
        .and_then(|()| out.flush())
        .map_err(|e| super::out::failure(&e))
}

/// Opens MODEL: a saved Spark or implicit model, or the `factorize` CSVs.
fn load(path: &Path, users: Option<&Path>) -> Result<Loaded, Failure> {
    let npz = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("npz"));
    if path.is_dir() || npz {
        if let Some(u) = users {
            return Err(Failure::input(format!(
                "--users {}: only with MODEL the items CSV of `factorize --save-items`; {} holds its own users",
                u.display(),
                path.display()
            )));
        }
        let saved = data::load_saved_model(path, &LoadProgress::new())
            .map_err(|e| Failure::input(e.to_string()))?;
        let (score, user_ids) = match (saved.format, saved.item_bias.is_some()) {
            (SavedFormat::SparkAls, _) => ("p·q", "the ids of its userFactors"),
            (SavedFormat::Implicit, false) => ("p·q", "row numbers"),
            (SavedFormat::Implicit, true) => ("p·q + b_i", "row numbers"),
        };
        return Ok(Loaded {
            what: format!("{} {}", saved.format.name(), saved.name),
            score,
            user_ids,
            titles: vec![None; saved.items.len()],
            model: Model::from_saved(&saved),
            users: saved.users,
            items: saved.items,
        });
    }
    if factors_csv::looks_like(path, Side::Items) {
        let Some(users) = users else {
            return Err(Failure::input(format!(
                "{}: the items of `factorize --save-items`; give the users with --users USERS.csv (`--save-users`)",
                path.display()
            )));
        };
        return load_csv_pair(path, users);
    }
    if factors_csv::looks_like(path, Side::Users) {
        return Err(Failure::input(format!(
            "{}: the users of `factorize --save-users`; give the items CSV (`--save-items`) as MODEL and this one as --users",
            path.display()
        )));
    }
    let why = if path.exists() {
        "not a saved model"
    } else {
        "no such file or directory"
    };
    Err(Failure::input(format!(
        "{}: {why}; MODEL is a Spark ALS model directory (userFactors/, itemFactors/), an implicit .npz (user_factors, item_factors), or the items CSV of `factorize --save-items` with --users",
        path.display()
    )))
}

/// The `factorize --save-items` and `--save-users` CSVs as one model.
fn load_csv_pair(items_path: &Path, users_path: &Path) -> Result<Loaded, Failure> {
    let items = factors_csv::read(items_path, Side::Items)?;
    let users = factors_csv::read(users_path, Side::Users)?;
    if users.rank != items.rank {
        return Err(Failure::input(format!(
            "--users {}: {} factors per user but {} has {} per item: not one model",
            users_path.display(),
            users.rank,
            items_path.display(),
            items.rank
        )));
    }
    Ok(Loaded {
        what: format!(
            "factorize model {} + {}",
            data::file_label(items_path),
            data::file_label(users_path)
        ),
        score: "b_u + b_i + p·q (the prediction less μ, which is not saved)",
        user_ids: "its user column",
        model: Model::from_factors(
            items.rank,
            users.biases,
            items.biases,
            users.factors,
            items.factors,
        ),
        users: users.ids,
        items: items.ids,
        titles: items.titles,
    })
}

/// The unknown-user error: how many users the model has and a few ids.
fn unknown_user(loaded: &Loaded, user: &str) -> Failure {
    let n = loaded.users.len();
    let shown: Vec<&str> = loaded.users.iter().take(5).map(String::as_str).collect();
    let more = if n > 5 { ", …" } else { "" };
    Failure::input(format!(
        "--user {user}: {} has no such user; its {n} user{} ({}) are {}{more}",
        loaded.what,
        if n == 1 { "" } else { "s" },
        loaded.user_ids,
        shown.join(", ")
    ))
}

/// The model's item indices that `user` rated in `given`, matched by id.
fn rated_by(given: &Ratings, items: &[String], user: &str) -> Vec<u32> {
    let Some(g) = given.users.iter().position(|u| u == user) else {
        return Vec::new();
    };
    let index: HashMap<&str, u32> = items
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i as u32))
        .collect();
    let rated: HashSet<u32> = given
        .entries
        .iter()
        .filter(|r| r.user as usize == g)
        .filter_map(|r| index.get(given.items[r.item as usize].id.as_str()).copied())
        .collect();
    let mut rated: Vec<u32> = rated.into_iter().collect();
    rated.sort_unstable();
    rated
}

/// Titles from `given`'s items file, matched by id, where the model has
/// none: every item of that file, rated in `given` or not (a ratings file
/// keeps only the titles of the items it rates).
fn name_items(titles: &mut [Option<String>], items: &[String], given: &Ratings) {
    let mut by_id: HashMap<String, String> = given
        .items
        .iter()
        .filter_map(|it| Some((it.id.clone(), it.title.clone()?)))
        .collect();
    // Read once already, without error, when `given` was loaded.
    let all = given.items_source.as_deref().and_then(|p| {
        let bytes = data::read_bytes(p).ok()?;
        data::parse_items(&bytes, &p.display().to_string()).ok()
    });
    for it in all.unwrap_or_default() {
        if let Some(title) = it.title {
            by_id.entry(it.id).or_insert(title);
        }
    }
    for (title, id) in titles.iter_mut().zip(items) {
        if title.is_none() {
            title.clone_from(&by_id.get(id).cloned());
        }
    }
}

fn json<'a>(loaded: &'a Loaded, user: &'a str, found: &[Scored]) -> JsonOut<'a> {
    JsonOut {
        user,
        items: found
            .iter()
            .map(|s| JsonItem {
                item: &loaded.items[s.item as usize],
                title: loaded.titles[s.item as usize].as_deref(),
                score: s.score as f32,
            })
            .collect(),
    }
}

fn text(loaded: &Loaded, user: &str, found: &[Scored], notes: &[String]) -> String {
    let mut text = format!(
        "user {user}: top {} of {} items by {} ({}: {} users, rank {})\n",
        found.len(),
        loaded.items.len(),
        loaded.score,
        loaded.what,
        loaded.users.len(),
        loaded.model.rank()
    );
    for note in notes {
        let _ = writeln!(text, "{note}");
    }
    let id = |s: &Scored| loaded.items[s.item as usize].as_str();
    let title = |s: &Scored| loaded.titles[s.item as usize].as_deref().unwrap_or("");
    let iw = found
        .iter()
        .map(|s| id(s).chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    let tw = found
        .iter()
        .map(|s| title(s).chars().count())
        .max()
        .unwrap_or(0);
    let header = if tw > 0 {
        format!(
            "{:>4}  {:<iw$}  {:<tw$}  {:>12}",
            "rank", "item", "title", "score"
        )
    } else {
        format!("{:>4}  {:<iw$}  {:>12}", "rank", "item", "score")
    };
    let _ = writeln!(text, "{}", header.trim_end());
    for (k, s) in found.iter().enumerate() {
        let line = if tw > 0 {
            format!(
                "{:>4}  {:<iw$}  {:<tw$}  {:>12.6}",
                k + 1,
                id(s),
                title(s),
                s.score
            )
        } else {
            format!("{:>4}  {:<iw$}  {:>12.6}", k + 1, id(s), s.score)
        };
        let _ = writeln!(text, "{line}");
    }
    text
}
