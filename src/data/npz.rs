//! NumPy `.npz` archives, as `np.savez` (stored) and `np.savez_compressed`
//! (deflated) write them: a zip of `.npy` members, one per array, named
//! `NAME.npy`. One array opens as a table, as a `.npy` would: the one the
//! caller names, else the only 1-D or 2-D array, else the item factors of a
//! saved [implicit](https://github.com/benfred/implicit) model
//! (`user_factors`, `item_factors`). Anything else is an error listing the
//! arrays, so the caller can choose.
//!
//! Nothing is sized by the zip's own size fields: each member is read as a
//! stream of unknown length, so memory follows the bytes actually inflated.

use std::io::{Read, Seek};
use std::path::Path;

use super::npy::{npy_shape, read_npy};
use super::{Dataset, LoadError, LoadProgress};

/// The arrays of an implicit model, as `model.save("m.npz")` writes them.
const IMPLICIT_ITEMS: &str = "item_factors";
const IMPLICIT_USERS: &str = "user_factors";

/// One array in an archive: its name (the member without `.npy`) and its
/// shape, or why it cannot be loaded.
#[derive(Clone, Debug, PartialEq)]
pub struct NpzArray {
    pub name: String,
    pub shape: Result<String, String>,
}

impl std::fmt::Display for NpzArray {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.shape {
            Ok(shape) => write!(f, "{} {shape}", self.name),
            Err(why) => write!(f, "{} (cannot be loaded: {why})", self.name),
        }
    }
}

/// Does `bytes` begin like a zip archive?
#[must_use]
pub fn looks_like_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

fn bad(path: &Path, reason: impl Into<String>) -> LoadError {
    LoadError::Npz {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

fn archive<R: Read + Seek>(input: R, path: &Path) -> Result<zip::ZipArchive<R>, LoadError> {
    zip::ZipArchive::new(input).map_err(|e| bad(path, format!("not a readable zip archive: {e}")))
}

/// The arrays in the archive, in the archive's order, with their shapes read
/// from each member's header.
///
/// # Errors
/// [`LoadError::Npz`] if the archive cannot be read.
pub fn npz_arrays<R: Read + Seek>(input: R, path: &Path) -> Result<Vec<NpzArray>, LoadError> {
    let mut zip = archive(input, path)?;
    let mut arrays = Vec::new();
    for i in 0..zip.len() {
        let member = zip
            .by_index(i)
            .map_err(|e| bad(path, format!("member {}: {e}", i + 1)))?;
        let full = member
            .name()
            .map_err(|e| bad(path, format!("member {}: {e}", i + 1)))?
            .into_owned();
        let Some(name) = full.strip_suffix(".npy").map(str::to_owned) else {
            continue;
        };
        let shape = npy_shape(member, &name).map_err(|e| reason_of(&e));
        arrays.push(NpzArray { name, shape });
    }
    Ok(arrays)
}

/// An error's text without the member name it starts with.
fn reason_of(e: &LoadError) -> String {
    let text = e.to_string();
    text.split_once(": ")
        .map_or(text.clone(), |(_, rest)| rest.to_owned())
}

/// Which array to open: `wanted`, else the only loadable one, else an
/// implicit model's item factors.
fn choose(arrays: &[NpzArray], wanted: Option<&str>, path: &Path) -> Result<String, LoadError> {
    let listing = || {
        arrays
            .iter()
            .take(20)
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(w) = wanted {
        return if arrays.iter().any(|a| a.name == w) {
            Ok(w.to_owned())
        } else {
            Err(bad(
                path,
                format!("no array named {w:?}; it holds {}", listing()),
            ))
        };
    }
    let loadable: Vec<&NpzArray> = arrays.iter().filter(|a| a.shape.is_ok()).collect();
    match loadable.as_slice() {
        [] if arrays.is_empty() => Err(bad(path, "it holds no .npy arrays")),
        [] => Err(bad(
            path,
            format!("none of its arrays can be loaded: {}", listing()),
        )),
        [one] => Ok(one.name.clone()),
        _ if arrays.iter().any(|a| a.name == IMPLICIT_ITEMS)
            && arrays.iter().any(|a| a.name == IMPLICIT_USERS) =>
        {
            Ok(IMPLICIT_ITEMS.to_owned())
        }
        _ => Err(LoadError::NpzChoose {
            path: path.to_path_buf(),
            arrays: listing(),
            names: loadable.iter().map(|a| a.name.clone()).collect(),
        }),
    }
}

/// Opens one array of the `.npz` at `path` as a table (`x1..xd`, as a
/// `.npy`); `array` names it (see the module's rule when `None`). An
/// implicit model's item factors are named `dim_0..`, so they open as an
/// embedding, and a BPR model's bias column (its user factors end in a
/// column of ones) is left out.
///
/// # Errors
/// [`LoadError::Npz`] for an unreadable archive or an unknown name,
/// [`LoadError::NpzChoose`] when several arrays could be meant, and the
/// `.npy` errors of the chosen member.
pub fn load_npz(
    path: &Path,
    array: Option<&str>,
    progress: &LoadProgress,
) -> Result<Dataset, LoadError> {
    let open = || {
        std::fs::File::open(path)
            .map(std::io::BufReader::new)
            .map_err(|source| LoadError::Io {
                path: path.to_path_buf(),
                source,
            })
    };
    load_from(&open, path, array, progress)
}

/// [`load_npz`] of an archive held in memory (fuzzing, tests), called `name`.
///
/// # Errors
/// As [`load_npz`].
pub fn parse_npz(bytes: &[u8], name: &str, array: Option<&str>) -> Result<Dataset, LoadError> {
    let open = || Ok(std::io::Cursor::new(bytes));
    load_from(&open, Path::new(name), array, &LoadProgress::new())
}

fn load_from<R: Read + Seek>(
    open: &dyn Fn() -> Result<R, LoadError>,
    path: &Path,
    array: Option<&str>,
    progress: &LoadProgress,
) -> Result<Dataset, LoadError> {
    let arrays = npz_arrays(open()?, path)?;
    let name = choose(&arrays, array, path)?;
    let mut ds = read_member(open()?, path, &name, progress)?;
    if name == IMPLICIT_ITEMS && array.is_none() {
        let users = read_member(open()?, path, IMPLICIT_USERS, progress)?;
        let bpr = users.columns.last().is_some_and(|c| {
            users.columns.len() == ds.columns.len()
                && c.values.iter().all(|&v| (v - 1.0).abs() < 1e-6)
        });
        if bpr {
            ds.columns.pop();
        }
        for (j, c) in ds.columns.iter_mut().enumerate() {
            c.name = super::dim_name(j);
        }
    }
    ds.name = format!("{}[{name}]", super::file_label(path));
    ds.source = Some(path.to_path_buf());
    Ok(ds)
}

/// The member `name.npy` read as an `.npy` of unknown length.
fn read_member<R: Read + Seek>(
    input: R,
    path: &Path,
    name: &str,
    progress: &LoadProgress,
) -> Result<Dataset, LoadError> {
    let mut zip = archive(input, path)?;
    let member = zip
        .by_name(&format!("{name}.npy"))
        .map_err(|e| bad(path, format!("array {name:?}: {e}")))?;
    if progress.is_cancelled() {
        return Err(LoadError::Cancelled {
            path: path.to_path_buf(),
        });
    }
    // The zip's size fields are promises too: read as a stream.
    let label = format!("{}[{name}]", path.display());
    read_npy(member, &label, &LoadProgress::new()).map_err(|e| match e {
        LoadError::Io { source, .. } => bad(path, format!("array {name:?}: {source}")),
        other => other,
    })
}
