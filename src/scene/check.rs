//! Checks shared by the scene's tables: range and type checks run while the
//! TOML is read (each names its key), and the messages for a setting that
//! names a column the dataset does not have.

use std::fmt::Write as _;

use serde::{Deserialize, Deserializer};

use crate::data::Dataset;

use super::SceneError;
use super::bounds::{MAX_QUOTED_CHARS, quote};
use super::error::spanned_error;

/// A list of exactly `N` values. Deserializing `[T; N]` straight from TOML
/// keeps the first `N` entries of a longer list and drops the rest without
/// a word; this reads the whole list and refuses any other length.
#[derive(Clone, Copy, Debug)]
pub(super) struct Exact<T, const N: usize>(pub [T; N]);

impl<'de, T: Deserialize<'de>, const N: usize> Deserialize<'de> for Exact<T, N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Vec::<T>::deserialize(d)?;
        let len = v.len();
        let expected = format!("a list of {N} values");
        v.try_into()
            .map(Exact)
            .map_err(|_| serde::de::Error::invalid_length(len, &expected.as_str()))
    }
}

/// `[T; N]` with exactly `N` entries (see [`Exact`]).
pub(super) fn exact<'de, D: Deserializer<'de>, T: Deserialize<'de>, const N: usize>(
    d: D,
) -> Result<[T; N], D::Error> {
    Exact::<T, N>::deserialize(d).map(|e| e.0)
}

/// `Option<[T; N]>` with exactly `N` entries when given.
pub(super) fn exact_some<'de, D: Deserializer<'de>, T: Deserialize<'de>, const N: usize>(
    d: D,
) -> Result<Option<[T; N]>, D::Error> {
    exact(d).map(Some)
}

/// A list of `[T; N]`, each with exactly `N` entries.
pub(super) fn exact_each<'de, D: Deserializer<'de>, T: Deserialize<'de>, const N: usize>(
    d: D,
) -> Result<Vec<[T; N]>, D::Error> {
    Vec::<Exact<T, N>>::deserialize(d).map(|v| v.into_iter().map(|e| e.0).collect())
}

/// A number that is finite as the f32 it is stored in (1e300 is a finite
/// f64 but an infinite f32).
pub(super) fn de_finite<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
    let v = f64::deserialize(d)?;
    if (v as f32).is_finite() {
        Ok(v as f32)
    } else {
        Err(serde::de::Error::custom(format!(
            "must be a finite number no larger than {:e}, got {}",
            f32::MAX,
            crate::math::fmt_typed(v)
        )))
    }
}

pub(super) fn de_in<'de, D: Deserializer<'de>>(
    d: D,
    range: &std::ops::RangeInclusive<f32>,
) -> Result<f32, D::Error> {
    let v = f64::deserialize(d)?;
    let f = v as f32;
    if range.contains(&f) {
        Ok(f)
    } else {
        Err(serde::de::Error::custom(format!(
            "must be between {} and {}, got {}",
            range.start(),
            range.end(),
            crate::math::fmt_typed(v)
        )))
    }
}

/// A fraction 0..=1: the position of a view's animation.
pub(super) fn de_progress<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
    de_in(d, &(0.0..=1.0))
}

pub(super) fn de_usize_in<'de, D: Deserializer<'de>>(
    d: D,
    key: &str,
    range: std::ops::RangeInclusive<usize>,
) -> Result<usize, D::Error> {
    let v = i64::deserialize(d)?;
    usize::try_from(v)
        .ok()
        .filter(|v| range.contains(v))
        .ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{key}: must be between {} and {}, got {v}",
                range.start(),
                range.end()
            ))
        })
}

pub(super) fn de_f64_in<'de, D: Deserializer<'de>>(
    d: D,
    key: &str,
    range: std::ops::RangeInclusive<f64>,
    open_start: bool,
) -> Result<f64, D::Error> {
    let v = f64::deserialize(d)?;
    let ok = range.contains(&v) && !(open_start && v <= *range.start());
    if ok {
        Ok(v)
    } else {
        let lower = if open_start { "above" } else { "at least" };
        Err(serde::de::Error::custom(format!(
            "{key}: must be {lower} {} and at most {}, got {}",
            range.start(),
            range.end(),
            crate::math::fmt_typed(v)
        )))
    }
}

/// A setting that does not fit the data it is shown with: the key it is
/// about (`["pca", "columns"]`) and what is wrong.
#[derive(Debug)]
pub(super) struct Misfit {
    pub path: Vec<&'static str>,
    pub message: String,
}

impl Misfit {
    pub(super) fn new(table: &'static str, key: &'static str, message: String) -> Self {
        Self {
            path: vec![table, key],
            message,
        }
    }

    /// A misfit of `[table.projection]`'s supervising label: it must be
    /// one of the dataset's label columns.
    pub(super) fn check_supervise(
        table: &'static str,
        projection: &super::projection::ProjectionSettings,
        ds: &Dataset,
    ) -> Result<(), Self> {
        let name = projection.supervise.as_str();
        if name.is_empty() || ds.label(name).is_some() {
            return Ok(());
        }
        Err(Self {
            path: vec![table, "projection", "supervise"],
            message: no_label_column(&format!("{table}.projection.supervise"), ds, name),
        })
    }

    /// The error, pointing at the key's value in the scene text `src`.
    pub(super) fn locate(self, src: &str, file: &str) -> SceneError {
        spanned_error(src, file, &self.path, self.message)
    }
}

/// `"{key}: "iris" has no numeric column "x" (it has: a, b)"`.
pub(super) fn no_numeric_column(key: &str, ds: &Dataset, name: &str) -> String {
    format!(
        "{key}: {} has no numeric column {} (it has: {})",
        quote(&ds.name),
        quote(name),
        name_list(ds.column_names().into_iter(), ds.columns.len())
    )
}

/// `"{key}: "iris" has no label column "x" (it has: species)"`, or `none`.
pub(super) fn no_label_column(key: &str, ds: &Dataset, name: &str) -> String {
    let labels: Vec<&str> = ds.labels.iter().map(|l| l.name.as_str()).collect();
    format!(
        "{key}: {} has no label column {} (it has: {})",
        quote(&ds.name),
        quote(name),
        if labels.is_empty() {
            "none".to_owned()
        } else {
            name_list(labels.iter().copied(), labels.len())
        }
    )
}

/// Names listed in an error message: the first [`MAX_LISTED_NAMES`], each
/// cut to [`MAX_QUOTED_CHARS`] characters, then how many there are in all.
pub(super) fn name_list<'a>(names: impl Iterator<Item = &'a str>, total: usize) -> String {
    let shown: Vec<String> = names
        .take(MAX_LISTED_NAMES)
        .map(|n| {
            let mut chars = n.chars();
            let mut s: String = chars.by_ref().take(MAX_QUOTED_CHARS).collect();
            if chars.next().is_some() {
                s.push('…');
            }
            s
        })
        .collect();
    let mut out = shown.join(", ");
    if total > shown.len() {
        let _ = write!(out, ", … ({total} in all)");
    }
    out
}

/// Most names listed in an error message.
const MAX_LISTED_NAMES: usize = 20;

/// A `color` setting of `table`: unset, `""` (no colouring) or a label column.
pub(super) fn check_color(
    table: &'static str,
    color: Option<&str>,
    ds: &Dataset,
) -> Result<(), Misfit> {
    match color {
        Some(name) if !name.is_empty() && ds.label(name).is_none() => Err(Misfit::new(
            table,
            "color",
            no_label_column(&format!("{table}.color"), ds, name),
        )),
        _ => Ok(()),
    }
}
