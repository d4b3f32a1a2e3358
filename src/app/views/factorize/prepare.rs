//! Prepare → draw: everything the view shows that takes more than a
//! transform of points is computed here when its inputs change (ratings,
//! model serial and epoch, edits, selection, metric, list length) and kept
//! until they change again. The drawing files read it every frame.

use std::collections::HashMap;

use nalgebra::DMatrix;

use super::Ranked;
use super::training::Run;
use crate::app::RatingsHandle;
use crate::app::style::fmt_count;
use crate::data::Ratings;
use crate::math::factorize::{
    FactorizeError, Model, UserVector, cosine, fold_in_user, norm, recommend, similar_items,
};
use crate::math::pca::{Pca, PcaOptions};
use crate::math::similarity;
use crate::scene::{FactorizeSettings, MAX_TOP_N, Metric, find_item};

/// The heatmaps show at most this many users and items (the most active).
const MAX_HEATMAP_USERS: usize = 100;
const MAX_HEATMAP_ITEMS: usize = 120;
/// With more movies and none selected, this many of the most-rated movies
/// are named (their places are the best estimated; a movie rated once can
/// land anywhere).
pub(super) const MAX_NAMED_MOVIES: usize = 12;
/// Colour bins of the movies shaded by the selected user's prediction.
pub(super) const N_BINS: usize = 10;

/// A value computed for a key, recomputed only when the key changes.
pub(super) struct Cached<K, T>(Option<(K, T)>);

impl<K, T> Default for Cached<K, T> {
    fn default() -> Self {
        Self(None)
    }
}

impl<K: PartialEq, T> Cached<K, T> {
    /// The value for `key`: the kept one, or `compute()` when the key changed.
    pub(super) fn update(&mut self, key: K, compute: impl FnOnce() -> T) -> &T {
        if self.0.as_ref().is_none_or(|(k, _)| *k != key) {
            self.0 = Some((key, compute()));
        }
        &self.0.as_ref().expect("just set").1
    }

    /// The value last computed, whatever its key.
    pub(super) fn get(&self) -> Option<&T> {
        self.0.as_ref().map(|(_, v)| v)
    }
}

/// What the preparation reads.
pub(super) struct Inputs<'a> {
    pub handle: &'a RatingsHandle,
    pub run: &'a Run,
    /// The model shown (the snapshot at `epoch`).
    pub model: &'a Model,
    pub epoch: usize,
    pub edits_serial: u64,
    pub settings: &'a FactorizeSettings,
}

/// What one frame draws from: the data, the model shown, and what was prepared.
pub(super) struct Frame<'a> {
    pub r: &'a Ratings,
    pub model: &'a Model,
    pub run: &'a Run,
    pub prep: &'a Prepared,
    pub user: Option<u32>,
    pub item: Option<u32>,
    /// The epoch shown and the epochs trained.
    pub shown: usize,
    pub done: usize,
    /// What the pointer was over last frame, in either panel: the others
    /// highlight it.
    pub linked: super::Linked,
    /// The model trained elsewhere that is shown, if it is one.
    pub saved: Option<&'a crate::app::SavedInfo>,
}

/// How many ratings each user and item has (edits aside), to explain those
/// with none: nothing pulls their vectors, so they say little.
pub(super) struct RatingCounts {
    pub per_user: Vec<u32>,
    unrated_users: usize,
    unrated_items: usize,
}

impl RatingCounts {
    fn new(r: &Ratings) -> Self {
        let mut per_user = vec![0u32; r.n_users()];
        let mut per_item = vec![0u32; r.n_items()];
        for e in &r.entries {
            if let Some(n) = per_user.get_mut(e.user as usize) {
                *n += 1;
            }
            if let Some(n) = per_item.get_mut(e.item as usize) {
                *n += 1;
            }
        }
        Self {
            unrated_users: per_user.iter().filter(|&&n| n == 0).count(),
            unrated_items: per_item.iter().filter(|&&n| n == 0).count(),
            per_user,
        }
    }

    /// The note under the header, when some users or movies have no ratings.
    pub(super) fn note(&self) -> Option<String> {
        let count = |n: usize, one: &str, many: &str| {
            format!("{} {}", fmt_count(n), if n == 1 { one } else { many })
        };
        let who = match (self.unrated_users, self.unrated_items) {
            (0, 0) => return None,
            (u, 0) => format!("{} no ratings", count(u, "user has", "users have")),
            (0, i) => format!("{} no ratings", count(i, "movie has", "movies have")),
            (u, i) => format!(
                "{} and {} have no ratings",
                count(u, "user", "users"),
                count(i, "movie", "movies")
            ),
        };
        Some(format!(
            "{who}: nothing pulls their vectors from where training starts them, so their predictions fall back on the mean (and the biases)."
        ))
    }
}

/// The scene's edits as indices: the triples the data layer applies, and
/// the final value of each edited cell.
#[derive(Default)]
pub(super) struct Edits {
    pub list: Vec<(u32, u32, Option<f32>)>,
    pub cells: HashMap<(u32, u32), Option<f32>>,
}

impl Edits {
    /// The scene's edits of users and items that `r` has.
    pub(super) fn new(r: &Ratings, settings: &FactorizeSettings) -> Self {
        let list: Vec<(u32, u32, Option<f32>)> = settings
            .edits
            .iter()
            .filter_map(|e| {
                Some((
                    r.user_index(&e.user)?,
                    find_item(r, &e.item)?,
                    e.rating.map(|v| v as f32),
                ))
            })
            .collect();
        let cells = list.iter().map(|&(u, i, v)| ((u, i), v)).collect();
        Self { list, cells }
    }

    /// The users with an edited rating, in order.
    fn users(&self) -> Vec<u32> {
        let mut users: Vec<u32> = self.cells.keys().map(|&(u, _)| u).collect();
        users.sort_unstable();
        users.dedup();
        users
    }
}

/// Users and items shown in the heatmaps, and the order of the rest.
pub(super) struct Layout {
    pub users: Vec<u32>,
    pub items: Vec<u32>,
    /// The step between ratings on this scale: 1 for stars, 0.5 for half
    /// stars, 0 when ratings are not on a grid.
    pub step: f32,
    /// Every item, the most rated first (ties in id order): the order in
    /// which the embedding plot names movies.
    pub by_count: Vec<u32>,
}

impl Layout {
    fn new(r: &Ratings) -> Self {
        let (mut user_counts, mut item_counts) =
            (vec![0usize; r.n_users()], vec![0usize; r.n_items()]);
        for e in &r.entries {
            user_counts[e.user as usize] += 1;
            item_counts[e.item as usize] += 1;
        }
        let pick = |counts: &[usize], max: usize| -> Vec<u32> {
            let mut idx: Vec<u32> = (0..counts.len() as u32).collect();
            if counts.len() > max {
                // The most active, in their original order.
                idx.sort_by_key(|&i| std::cmp::Reverse(counts[i as usize]));
                idx.truncate(max);
                idx.sort_unstable();
            }
            idx
        };
        let mut by_count: Vec<u32> = (0..item_counts.len() as u32).collect();
        by_count.sort_by_key(|&i| std::cmp::Reverse(item_counts[i as usize]));
        Self {
            users: pick(&user_counts, MAX_HEATMAP_USERS),
            items: pick(&item_counts, MAX_HEATMAP_ITEMS),
            step: rating_step(r),
            by_count,
        }
    }
}

/// How a cell of the ratings heatmap is marked.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum CellMark {
    None,
    Test,
    Edited,
}

/// The two heatmaps' cells (the layout's users × items, row-major): the
/// ratings with the edits applied, and the predictions with edited users
/// folded in.
#[derive(Default)]
pub(super) struct Cells {
    pub observed: Vec<(Option<f64>, CellMark)>,
    pub predicted: Vec<f64>,
}

/// Plane coordinates of the embedding plot for one snapshot.
pub(super) struct Plane {
    pub users: Vec<[f64; 2]>,
    pub items: Vec<[f64; 2]>,
    /// The PCA used for k > 2 (None: the factors are the plane).
    pub pca: Option<Pca>,
}

impl Plane {
    /// Where factors `f` land: themselves for k ≤ 2, else t = Vᵀ f (no
    /// centring, so the origin — the zero vector — stays put).
    pub(super) fn project(&self, f: &[f64]) -> [f64; 2] {
        match &self.pca {
            None => [
                f.first().copied().unwrap_or(0.0),
                f.get(1).copied().unwrap_or(0.0),
            ],
            Some(p) => {
                let mut t = [0.0; 2];
                for (c, tc) in t.iter_mut().enumerate() {
                    *tc = (0..f.len()).map(|j| p.components[(c, j)] * f[j]).sum();
                }
                t
            }
        }
    }
}

/// What depends on the selected user and movie.
#[derive(Default)]
pub(super) struct Selection {
    pub recommendations: Vec<Ranked>,
    pub similar: Vec<Ranked>,
    /// Where the selected user sits in the plane.
    pub user_point: Option<[f64; 2]>,
    /// The selected user's clipped prediction of every movie.
    pub predicted: Option<Vec<f64>>,
    /// The movies' plane points by colour bin (one bin when no user).
    pub item_bins: Vec<Vec<[f64; 2]>>,
    /// The selected cell's rating, edits applied.
    pub current: Option<f32>,
    /// The selected user has no ratings, even after the edits.
    pub unrated: bool,
}

/// Users folded in again after an edit (an error when λ = 0 leaves one singular).
type Folded = HashMap<u32, Result<UserVector, FactorizeError>>;

type SelectionKey = (
    u64,
    u64,
    usize,
    u64,
    Option<u32>,
    Option<u32>,
    Metric,
    usize,
);

/// The colour bin (0..[`N_BINS`]) of a predicted rating on the scale `(lo, hi)`.
pub(super) fn bin_of(predicted: f64, (lo, hi): (f64, f64)) -> usize {
    (((predicted - lo) / (hi - lo).max(1e-9)) * N_BINS as f64)
        .floor()
        .clamp(0.0, (N_BINS - 1) as f64) as usize
}

/// Everything prepared, each part cached on its own inputs.
#[derive(Default)]
pub(super) struct Prepared {
    counts: Cached<u64, RatingCounts>,
    edits: Cached<(u64, u64), Edits>,
    layout: Cached<u64, Layout>,
    folded: Cached<(u64, usize, u64), Folded>,
    cells: Cached<(u64, u64, usize, u64), Cells>,
    plane: Cached<(u64, usize), Plane>,
    selection: Cached<SelectionKey, Selection>,
    /// The plane's points as one image when there are more than
    /// [`RASTER_POINTS`](crate::app::widgets::RASTER_POINTS).
    pub raster: std::cell::RefCell<crate::app::widgets::PointRaster>,
}

impl Prepared {
    /// Rating counts of `r` (ratings `id`).
    pub(super) fn counts(&mut self, id: u64, r: &Ratings) -> &RatingCounts {
        self.counts.update(id, || RatingCounts::new(r))
    }

    /// Brings every part up to date with `inputs`.
    pub(super) fn update(&mut self, inputs: &Inputs<'_>) {
        let Inputs {
            handle,
            run,
            model,
            epoch,
            edits_serial,
            settings,
        } = *inputs;
        let r = &*handle.data;
        let id = handle.id;
        let edits = self
            .edits
            .update((id, edits_serial), || Edits::new(r, settings));
        let folded = self.folded.update((run.serial, epoch, edits_serial), || {
            fold_edited(run, model, edits, settings.lambda)
        });
        let layout = self.layout.update(id, || Layout::new(r));
        self.cells
            .update((id, run.serial, epoch, edits_serial), || {
                cells(r, model, run, layout, edits, folded)
            });
        let plane = self.plane.update((run.serial, epoch), || plane(model));
        let user = settings.user.as_deref().and_then(|u| r.user_index(u));
        let item = settings.item.as_deref().and_then(|i| find_item(r, i));
        let n = settings.top_n.clamp(1, MAX_TOP_N);
        let key = (
            id,
            run.serial,
            epoch,
            edits_serial,
            user,
            item,
            settings.metric,
            n,
        );
        let counts = self.counts.update(id, || RatingCounts::new(r));
        let picked = Picked {
            r,
            model,
            run,
            edits,
            folded,
            plane,
            counts,
        };
        self.selection
            .update(key, || picked.selection(user, item, settings.metric, n));
    }

    pub(super) fn recommendations(&self) -> &[Ranked] {
        self.selection
            .get()
            .map_or(&[], |s| s.recommendations.as_slice())
    }

    pub(super) fn similar(&self) -> &[Ranked] {
        self.selection.get().map_or(&[], |s| s.similar.as_slice())
    }

    pub(super) fn selection(&self) -> Option<&Selection> {
        self.selection.get()
    }

    pub(super) fn layout(&self) -> Option<&Layout> {
        self.layout.get()
    }

    pub(super) fn cells(&self) -> Option<&Cells> {
        self.cells.get()
    }

    pub(super) fn plane(&self) -> Option<&Plane> {
        self.plane.get()
    }

    pub(super) fn edits(&self) -> Option<&Edits> {
        self.edits.get()
    }

    /// User `u`'s vector: folded in again if edited, else the model's.
    pub(super) fn user_vector(&self, model: &Model, u: u32) -> UserVector {
        user_vector(self.folded.get(), model, u)
    }
}

fn user_vector(folded: Option<&Folded>, model: &Model, u: u32) -> UserVector {
    folded
        .and_then(|f| f.get(&u))
        .and_then(|v| v.as_ref().ok())
        .cloned()
        .unwrap_or_else(|| model.user(u as usize))
}

/// Every user with an edited rating, folded in again from their training
/// ratings with the edits applied.
fn fold_edited(run: &Run, model: &Model, edits: &Edits, lambda: f64) -> Folded {
    edits
        .users()
        .into_iter()
        .map(|u| {
            let ratings = Ratings::user_ratings_edited(&run.data.train, u, &edits.list);
            (u, fold_in_user(model, &ratings, lambda.max(0.0)))
        })
        .collect()
}

/// The heatmaps' cells for the layout's users and items.
fn cells(
    r: &Ratings,
    model: &Model,
    run: &Run,
    layout: &Layout,
    edits: &Edits,
    folded: &Folded,
) -> Cells {
    let shown: std::collections::HashSet<(u32, u32)> = layout
        .users
        .iter()
        .flat_map(|&u| layout.items.iter().map(move |&i| (u, i)))
        .collect();
    let mut observed_map: HashMap<(u32, u32), f32> = r
        .entries
        .iter()
        .filter(|e| shown.contains(&(e.user, e.item)))
        .map(|e| ((e.user, e.item), e.value))
        .collect();
    for (&cell, v) in &edits.cells {
        match v {
            Some(v) => observed_map.insert(cell, *v),
            None => observed_map.remove(&cell),
        };
    }
    let mut out = Cells::default();
    for &u in &layout.users {
        let edited_user = folded.contains_key(&u);
        let v = edited_user.then(|| user_vector(Some(folded), model, u));
        for &i in &layout.items {
            let mark = if edits.cells.contains_key(&(u, i)) {
                CellMark::Edited
            } else if run.test_cells.contains(&(u, i)) {
                CellMark::Test
            } else {
                CellMark::None
            };
            let value = observed_map.get(&(u, i)).map(|&v| f64::from(v));
            out.observed.push((value, mark));
            out.predicted.push(match &v {
                Some(v) => model.clip(model.predict_for(v, i as usize)),
                None => model.predict(u as usize, i as usize),
            });
        }
    }
    out
}

/// Plane coordinates: the factors for k ≤ 2, else their PCA projection.
fn plane(model: &Model) -> Plane {
    let k = model.rank();
    let (nu, ni) = (model.n_users(), model.n_items());
    let pca = (k > 2)
        .then(|| {
            // Users and movies together, so both land in the same plane.
            let x = DMatrix::from_fn(nu + ni, k, |row, f| {
                if row < nu {
                    model.user_factors(row)[f]
                } else {
                    model.item_factors(row - nu)[f]
                }
            });
            let names: Vec<String> = (1..=k).map(|f| format!("f{f}")).collect();
            Pca::fit_matrix(&x, &names, &PcaOptions::default()).ok()
        })
        .flatten();
    let mut plane = Plane {
        users: Vec::new(),
        items: Vec::new(),
        pca,
    };
    plane.users = (0..nu)
        .map(|u| plane.project(model.user_factors(u)))
        .collect();
    plane.items = (0..ni)
        .map(|i| plane.project(model.item_factors(i)))
        .collect();
    plane
}

/// What the selection is computed from.
struct Picked<'a> {
    r: &'a Ratings,
    model: &'a Model,
    run: &'a Run,
    edits: &'a Edits,
    folded: &'a Folded,
    plane: &'a Plane,
    counts: &'a RatingCounts,
}

impl Picked<'_> {
    fn selection(
        &self,
        user: Option<u32>,
        item: Option<u32>,
        metric: similarity::Metric,
        n: usize,
    ) -> Selection {
        let (r, model) = (self.r, self.model);
        let user_vec = user.map(|u| user_vector(Some(self.folded), model, u));
        let recommendations = match (user, &user_vec) {
            (Some(u), Some(v)) => self.recommendations(u, v, metric, n),
            _ => Vec::new(),
        };
        let similar = item.map_or_else(Vec::new, |i| {
            similar_items(model, i, n, similarity::Metric::Cosine)
                .into_iter()
                .map(|s| Ranked {
                    item: s.item,
                    title: r.item_name(s.item).to_owned(),
                    value: s.score,
                    cosine: s.score,
                    length: norm(model.item_factors(s.item as usize)),
                })
                .collect()
        });
        let predicted: Option<Vec<f64>> = user_vec.as_ref().map(|v| {
            (0..r.n_items())
                .map(|i| model.clip(model.predict_for(v, i)))
                .collect()
        });
        let scale = (f64::from(r.scale.0), f64::from(r.scale.1));
        let mut item_bins: Vec<Vec<[f64; 2]>> = vec![Vec::new(); N_BINS];
        for (i, p) in self.plane.items.iter().enumerate() {
            let b = predicted.as_ref().map_or(0, |pr| bin_of(pr[i], scale));
            item_bins[b].push(*p);
        }
        let current = match (user, item) {
            (Some(u), Some(i)) => match self.edits.cells.get(&(u, i)) {
                Some(v) => *v,
                None => r
                    .entries
                    .iter()
                    .find(|e| e.user == u && e.item == i)
                    .map(|e| e.value),
            },
            _ => None,
        };
        let unrated = user.is_some_and(|u| {
            self.counts
                .per_user
                .get(u as usize)
                .is_some_and(|&n| n == 0)
                && !self.edits.list.iter().any(|e| e.0 == u && e.2.is_some())
        });
        Selection {
            recommendations,
            similar,
            user_point: user_vec.as_ref().map(|v| self.plane.project(&v.factors)),
            predicted,
            item_bins,
            current,
            unrated,
        }
    }

    /// The user's list, ranked by math's [`recommend`], with what the list
    /// shows beside each movie.
    fn recommendations(
        &self,
        u: u32,
        v: &UserVector,
        metric: similarity::Metric,
        n: usize,
    ) -> Vec<Ranked> {
        let model = self.model;
        let rated: Vec<u32> =
            Ratings::user_ratings_edited(&self.run.data.train, u, &self.edits.list)
                .iter()
                .map(|&(i, _)| i)
                .collect();
        recommend(model, v, &rated, n, metric)
            .into_iter()
            .map(|s| {
                let q = model.item_factors(s.item as usize);
                Ranked {
                    item: s.item,
                    title: self.r.item_name(s.item).to_owned(),
                    value: model.clip(model.predict_for(v, s.item as usize)),
                    cosine: cosine(&v.factors, q),
                    length: norm(q),
                }
            })
            .collect()
    }
}

/// The step between the ratings of `r`: the largest of 1 and ½ that every
/// rating is a whole number of steps from the scale's bottom, else 0.
pub(super) fn rating_step(r: &Ratings) -> f32 {
    let lo = r.scale.0;
    [1.0_f32, 0.5]
        .into_iter()
        .find(|step| {
            r.entries.iter().all(|e| {
                let k = (e.value - lo) / step;
                (k - k.round()).abs() < 1e-4
            })
        })
        .unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Item, Rating};

    fn tiny() -> Ratings {
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

    /// Whole stars step by 1, MovieLens's half stars by ½, anything else is
    /// continuous (the editor offers a drag value instead of buttons).
    #[test]
    fn rating_step_follows_the_data() {
        let mut r = tiny();
        assert!((rating_step(&r) - 1.0).abs() < 1e-6);
        r.entries[1].value = 3.5;
        assert!((rating_step(&r) - 0.5).abs() < 1e-6);
        r.entries[1].value = 3.25;
        assert!(rating_step(&r).abs() < 1e-6);
    }

    /// The scene's edits become index triples; a later edit of a cell wins.
    #[test]
    fn edits_become_index_triples() {
        let r = tiny();
        let mut s = FactorizeSettings::default();
        for (user, item, rating) in [("a", "y", Some(4.0)), ("b", "zz", None), ("a", "y", None)] {
            s.edits.push(crate::scene::RatingEdit {
                user: user.into(),
                item: item.into(),
                rating,
            });
        }
        let e = Edits::new(&r, &s);
        assert_eq!(e.list, vec![(0, 1, Some(4.0)), (0, 1, None)]);
        assert_eq!(e.cells.get(&(0, 1)), Some(&None));
        assert_eq!(e.users(), vec![0]);
    }
}
