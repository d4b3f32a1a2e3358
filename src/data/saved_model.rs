//! Factorization models trained elsewhere, opened as models: a Spark MLlib
//! ALS model directory (`ALSModel.save(path)`: `metadata/`, `userFactors/`
//! and `itemFactors/`, Parquet tables of `id` and `features`) and an
//! [implicit](https://github.com/benfred/implicit) model saved as `.npz`
//! (`user_factors`, `item_factors`; BPR's item bias is the item factors'
//! last column, matched by a column of ones in the user factors).
//!
//! [`SavedModel`] holds the factors as read; [`SavedModel::ratings`] pairs
//! it with a ratings file (the one beside it, or one given) whose users and
//! items are matched to the model's by id, for the Factorize view and the
//! `recommend` command.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{Dataset, Item, LoadError, LoadProgress, Rating, Ratings};

/// Which tool wrote a [`SavedModel`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SavedFormat {
    /// Spark MLlib's `ALSModel.save`.
    SparkAls,
    /// implicit's `model.save(…npz)` (ALS, or BPR with its item bias column).
    Implicit,
}

impl SavedFormat {
    /// What to call the model in the window and the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::SparkAls => "Spark ALS model",
            Self::Implicit => "implicit model",
        }
    }
}

/// A trained factorization read from disk: user and item ids with their
/// factors (row-major, `rank` numbers per row), and an item bias where the
/// model has one (implicit's BPR). Scores are `p_u · q_i (+ b_i)`, as the
/// tool that trained it ranks items.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedModel {
    /// Display name (the directory's or file's name).
    pub name: String,
    pub source: PathBuf,
    pub format: SavedFormat,
    pub rank: usize,
    /// User ids, as the model names them (Spark: the integer ids; implicit:
    /// the row numbers).
    pub users: Vec<String>,
    pub items: Vec<String>,
    /// Users × rank, row-major.
    pub user_factors: Vec<f64>,
    /// Items × rank, row-major.
    pub item_factors: Vec<f64>,
    /// b_i per item (BPR), else `None`.
    pub item_bias: Option<Vec<f64>>,
}

fn bad(path: &Path, reason: impl Into<String>) -> LoadError {
    LoadError::SavedModel {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// Is `path` a model [`load_saved_model`] opens: a Spark ALS model
/// directory, or an `.npz` holding `user_factors` and `item_factors`?
#[must_use]
pub fn is_saved_model(path: &Path) -> bool {
    if path.is_dir() {
        return super::is_spark_als_model(path);
    }
    if !path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("npz"))
    {
        return false;
    }
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    super::npz_arrays(std::io::BufReader::new(file), path).is_ok_and(|arrays| {
        ["user_factors", "item_factors"]
            .iter()
            .all(|name| arrays.iter().any(|a| a.name == *name))
    })
}

/// Opens the model at `path` (see [`is_saved_model`]).
///
/// # Errors
/// The Parquet or npz loader's errors, naming the file; a model whose users
/// and items have different numbers of factors, a factor that is missing or
/// not finite, or a repeated id: [`LoadError::SavedModel`].
pub fn load_saved_model(path: &Path, progress: &LoadProgress) -> Result<SavedModel, LoadError> {
    let name = super::file_label(path);
    if path.is_dir() {
        if !super::is_spark_als_model(path) {
            return Err(bad(
                path,
                "not a Spark ALS model: it needs userFactors/ and itemFactors/ directories",
            ));
        }
        let users = super::load_parquet(&path.join("userFactors"), progress)?;
        let items = super::load_parquet(&path.join("itemFactors"), progress)?;
        let (users, user_factors) = factors_with_ids(&users, &path.join("userFactors"))?;
        let (items, item_factors) = factors_with_ids(&items, &path.join("itemFactors"))?;
        let rank = rank_of(&users, &user_factors, &items, &item_factors, path)?;
        return Ok(SavedModel {
            name,
            source: path.to_path_buf(),
            format: SavedFormat::SparkAls,
            rank,
            users,
            items,
            user_factors,
            item_factors,
            item_bias: None,
        });
    }
    let users = super::load_npz(path, Some("user_factors"), progress)?;
    let items = super::load_npz(path, Some("item_factors"), progress)?;
    let mut user_factors = row_major(&users, path, "user_factors")?;
    let mut item_factors = row_major(&items, path, "item_factors")?;
    let (mut ku, ki) = (users.columns.len(), items.columns.len());
    if ku != ki {
        return Err(bad(
            path,
            format!("user_factors has {ku} columns but item_factors {ki}: not one model"),
        ));
    }
    // BPR: a column of ones in the users meets the item bias.
    let bpr = ku > 1
        && users.columns[ku - 1]
            .values
            .iter()
            .all(|&v| (v - 1.0).abs() < 1e-6);
    let mut item_bias = None;
    if bpr {
        item_bias = Some(items.columns[ki - 1].values.clone());
        user_factors = drop_last_column(&user_factors, ku);
        item_factors = drop_last_column(&item_factors, ki);
        ku -= 1;
    }
    Ok(SavedModel {
        name,
        source: path.to_path_buf(),
        format: SavedFormat::Implicit,
        rank: ku,
        users: (0..users.n_rows).map(|i| i.to_string()).collect(),
        items: (0..items.n_rows).map(|i| i.to_string()).collect(),
        user_factors,
        item_factors,
        item_bias,
    })
}

/// Spark factors: the `id` label and the `dim_*` columns, row-major.
fn factors_with_ids(ds: &Dataset, path: &Path) -> Result<(Vec<String>, Vec<f64>), LoadError> {
    let ids = ds
        .label("id")
        .ok_or_else(|| bad(path, "no id column beside the features"))?;
    let ids: Vec<String> = (0..ds.n_rows).map(|r| ids.get(r).to_owned()).collect();
    let mut seen = HashMap::with_capacity(ids.len());
    for (row, id) in ids.iter().enumerate() {
        if let Some(first) = seen.insert(id.as_str(), row) {
            return Err(bad(
                path,
                format!("id {id} appears twice (rows {} and {})", first + 1, row + 1),
            ));
        }
    }
    Ok((ids, row_major(ds, path, "features")?))
}

/// The table's numeric columns as one row-major array; a missing or
/// infinite value is an error naming its row.
fn row_major(ds: &Dataset, path: &Path, what: &str) -> Result<Vec<f64>, LoadError> {
    let k = ds.columns.len();
    if k == 0 {
        return Err(bad(path, format!("{what}: no factors")));
    }
    let mut out = Vec::with_capacity(ds.n_rows * k);
    for r in 0..ds.n_rows {
        for c in &ds.columns {
            let x = c.values[r];
            if !x.is_finite() {
                return Err(bad(
                    path,
                    format!("{what}, row {}: factor {} is {x}", r + 1, c.name),
                ));
            }
            out.push(x);
        }
    }
    Ok(out)
}

fn drop_last_column(values: &[f64], k: usize) -> Vec<f64> {
    values
        .chunks_exact(k)
        .flat_map(|row| row[..k - 1].iter().copied())
        .collect()
}

/// The rank both sides agree on.
fn rank_of(
    users: &[String],
    user_factors: &[f64],
    items: &[String],
    item_factors: &[f64],
    path: &Path,
) -> Result<usize, LoadError> {
    let ku = user_factors.len() / users.len().max(1);
    let ki = item_factors.len() / items.len().max(1);
    if ku != ki {
        return Err(bad(
            path,
            format!("users have {ku} factors but items {ki}: not one model"),
        ));
    }
    Ok(ku)
}

/// A ratings file that belongs with the model at `model`: in the directory
/// that holds it (or, for an `.npz`, beside it), a file that
/// [looks like ratings](super::looks_like_ratings); one whose name says
/// `test` first, else the first in name order.
#[must_use]
pub fn ratings_beside(model: &Path) -> Option<PathBuf> {
    let dir = model.parent()?;
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && super::looks_like_ratings(p))
        .collect();
    found.sort();
    let is_test = |p: &PathBuf| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().to_ascii_lowercase().contains("test"))
    };
    found
        .iter()
        .find(|p| is_test(p))
        .or_else(|| found.first())
        .cloned()
}

/// A [`SavedModel`]'s users and items as a ratings matrix, with the ratings
/// of `given` whose user and item the model knows; titles and genres from
/// `given`'s items.
pub struct ModelRatings {
    pub ratings: Ratings,
    /// Ratings of `given` left out: their user or item is not in the model.
    pub unknown: usize,
}

impl SavedModel {
    /// Users × items of the model, holding `given`'s ratings where the model
    /// knows both the user and the item (matched by id). Without `given`,
    /// no ratings, and the scale is the range of the scores of up to 200
    /// users × 200 items.
    #[must_use]
    pub fn ratings(&self, given: Option<&Ratings>) -> ModelRatings {
        let user_of: HashMap<&str, u32> = self
            .users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.as_str(), i as u32))
            .collect();
        let item_of: HashMap<&str, u32> = self
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| (it.as_str(), i as u32))
            .collect();
        let mut items: Vec<Item> = self.items.iter().map(Item::new).collect();
        let mut entries = Vec::new();
        let mut unknown = 0;
        if let Some(g) = given {
            for meta in &g.items {
                if let Some(&i) = item_of.get(meta.id.as_str()) {
                    items[i as usize].title.clone_from(&meta.title);
                    items[i as usize].genres.clone_from(&meta.genres);
                }
            }
            entries.reserve(g.entries.len());
            for r in &g.entries {
                let user = user_of.get(g.users[r.user as usize].as_str());
                let item = item_of.get(g.items[r.item as usize].id.as_str());
                match (user, item) {
                    (Some(&user), Some(&item)) => entries.push(Rating {
                        user,
                        item,
                        value: r.value,
                    }),
                    _ => unknown += 1,
                }
            }
        }
        let name = match given {
            Some(g) => format!("{} with {}", self.name, g.name),
            None => self.name.clone(),
        };
        let mut ratings = Ratings::new(name, self.users.clone(), items, entries);
        ratings.source = Some(self.source.clone());
        if let Some(g) = given {
            ratings.items_source.clone_from(&g.items_source);
            if !g.is_empty() {
                ratings.scale = g.scale;
            }
        }
        if ratings.is_empty() {
            ratings.scale = self.score_range();
        }
        ModelRatings { ratings, unknown }
    }

    /// User `u`'s score for item `i`: p_u · q_i (+ b_i).
    #[must_use]
    pub fn score(&self, u: usize, i: usize) -> f64 {
        let k = self.rank;
        let p = &self.user_factors[u * k..(u + 1) * k];
        let q = &self.item_factors[i * k..(i + 1) * k];
        let dot: f64 = p.iter().zip(q).map(|(a, b)| a * b).sum();
        dot + self.item_bias.as_ref().map_or(0.0, |b| b[i])
    }

    /// The range of the scores of up to 200 users × 200 items (spread over
    /// both), as f32; (0, 1) when there are none or all are equal.
    fn score_range(&self) -> (f32, f32) {
        let pick = |n: usize| -> Vec<usize> {
            let step = n.div_ceil(200).max(1);
            (0..n).step_by(step).collect()
        };
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for u in pick(self.users.len()) {
            for i in pick(self.items.len()) {
                let s = self.score(u, i);
                lo = lo.min(s);
                hi = hi.max(s);
            }
        }
        if lo.is_finite() && hi > lo {
            (lo as f32, hi as f32)
        } else {
            (0.0, 1.0)
        }
    }
}
