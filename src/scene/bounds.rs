//! Bounds on the lists and strings of a scene or a deck, checked on the
//! parsed TOML document before any setting is built from it (issue 23,
//! class 4): a scene of 100,000 `transform.steps` is refused at once rather
//! than read into memory and animated, and a 10 MB string is refused with a
//! short quote of it rather than echoed back whole.
//!
//! Also [`quote`], which every scene and deck error uses to show a value the
//! user wrote: at most [`MAX_QUOTED_CHARS`] characters, then `…` and the
//! value's full length.

use std::fmt::Write as _;

use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::SceneError;
use super::error::{at, toml_error};

/// Longest value quoted back in an error message, in characters.
pub const MAX_QUOTED_CHARS: usize = 60;
/// Most entries of a list whose key has no bound of its own.
pub const MAX_LIST_LEN: usize = 64;
/// Most characters of a string whose key has no bound of its own (column
/// names, label names, analogy terms, edit ids, titles, enum values).
pub const MAX_TEXT_CHARS: usize = 256;
/// Most characters of a key.
pub const MAX_KEY_CHARS: usize = 64;
/// Most characters of a path (`dataset`, a slide's `scene`).
pub const MAX_PATH_CHARS: usize = 1024;
/// Most matrices in `transform.steps`.
pub const MAX_STEPS: usize = 64;
/// Most column names in `pca.columns` or `embeddings.dims`.
pub const MAX_LISTED_COLUMNS: usize = 10_000;
/// Most entries of `factorize.edits`.
pub const MAX_EDITS: usize = 10_000;
/// Most `[[slide]]` tables in a deck.
pub const MAX_SLIDES: usize = 500;
/// Most captions of one slide.
pub const MAX_CAPTIONS: usize = 64;
/// Most characters of one caption.
pub const MAX_CAPTION_CHARS: usize = 1_000;
/// Most characters of a slide's speaker notes.
pub const MAX_NOTES_CHARS: usize = 20_000;

/// The bounds of one kind of file: (dotted key, bound) pairs for lists and
/// strings; a key not listed takes [`MAX_LIST_LEN`] or [`MAX_TEXT_CHARS`].
/// Keys are written as in the file, `[]` standing for an array's entries
/// (`slide[].captions[]`).
pub(crate) struct Bounds {
    pub lists: &'static [(&'static str, usize)],
    pub strings: &'static [(&'static str, usize)],
}

/// A scene's bounds.
pub(crate) const SCENE_BOUNDS: Bounds = Bounds {
    lists: &[
        ("transform.steps", MAX_STEPS),
        ("pca.columns", MAX_LISTED_COLUMNS),
        ("embeddings.dims", MAX_LISTED_COLUMNS),
        ("factorize.edits", MAX_EDITS),
        ("regress.moved", MAX_EDITS),
        ("regress.added", MAX_EDITS),
        ("regress.removed", MAX_EDITS),
        ("network.features", MAX_LISTED_COLUMNS),
        ("network.added", super::network::MAX_ADDED),
        ("network.removed", MAX_EDITS),
    ],
    strings: &[
        ("dataset", MAX_PATH_CHARS),
        ("image.picture", MAX_PATH_CHARS),
    ],
};

/// A deck's bounds.
pub(crate) const DECK_BOUNDS: Bounds = Bounds {
    lists: &[("slide", MAX_SLIDES), ("slide[].captions", MAX_CAPTIONS)],
    strings: &[
        ("slide[].scene", MAX_PATH_CHARS),
        ("slide[].captions[]", MAX_CAPTION_CHARS),
        ("slide[].notes", MAX_NOTES_CHARS),
    ],
};

impl Bounds {
    fn list(&self, key: &str) -> usize {
        lookup(self.lists, key).unwrap_or(MAX_LIST_LEN)
    }

    fn string(&self, key: &str) -> usize {
        lookup(self.strings, key).unwrap_or(MAX_TEXT_CHARS)
    }
}

fn lookup(table: &[(&str, usize)], key: &str) -> Option<usize> {
    table.iter().find(|(k, _)| *k == key).map(|(_, n)| *n)
}

/// Parses `src` as TOML, checks it against `bounds`, then reads a `T` from
/// it: the document is parsed once, and nothing is built from a list or a
/// string that passes its bound.
///
/// # Errors
/// Bad TOML, a list or string over its bound (naming the key, its line and
/// the bound), or `T`'s own errors, all as [`SceneError`]s.
pub(crate) fn from_toml_bounded<T: DeserializeOwned>(
    src: &str,
    file: &str,
    bounds: &Bounds,
) -> Result<T, SceneError> {
    let doc = DeTable::parse(src).map_err(|e| toml_error(src, file, &e))?;
    if let Err((span, message)) = check_table(doc.get_ref(), "", bounds) {
        return Err(at(file, src, span, message));
    }
    T::deserialize(toml::de::Deserializer::from(doc)).map_err(|e| toml_error(src, file, &e))
}

type Overrun = (Range<usize>, String);

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

fn check_table(table: &DeTable<'_>, path: &str, bounds: &Bounds) -> Result<(), Overrun> {
    for (key, value) in table {
        let chars = key.get_ref().chars().count();
        if chars > MAX_KEY_CHARS {
            return Err((
                key.span(),
                format!(
                    "{}: a key of {chars} characters, where keys have at most {MAX_KEY_CHARS}",
                    quote(key.get_ref())
                ),
            ));
        }
        check_value(value, &join(path, key.get_ref()), bounds)?;
    }
    Ok(())
}

fn check_value(value: &Spanned<DeValue<'_>>, path: &str, bounds: &Bounds) -> Result<(), Overrun> {
    match value.get_ref() {
        DeValue::String(s) => {
            let max = bounds.string(path);
            let chars = s.chars().count();
            if chars > max {
                return Err((
                    value.span(),
                    format!(
                        "{path}: at most {max} characters, got {}",
                        quote_with_len(s, chars)
                    ),
                ));
            }
        }
        DeValue::Array(items) => {
            let max = bounds.list(path);
            if items.len() > max {
                return Err((
                    value.span(),
                    format!("{path}: at most {max} entries, got {}", items.len()),
                ));
            }
            let inner = format!("{path}[]");
            for item in items {
                check_value(item, &inner, bounds)?;
            }
        }
        DeValue::Table(t) => check_table(t, path, bounds)?,
        DeValue::Integer(_) | DeValue::Float(_) | DeValue::Boolean(_) | DeValue::Datetime(_) => {}
    }
    Ok(())
}

/// `value` as it is quoted in an error message: in double quotes, escaped as
/// Rust's `{:?}` does, cut to [`MAX_QUOTED_CHARS`] characters with `…` and
/// the full length when it is longer.
#[must_use]
pub fn quote(value: &str) -> String {
    quote_with_len(value, value.chars().count())
}

fn quote_with_len(value: &str, chars: usize) -> String {
    if chars <= MAX_QUOTED_CHARS {
        format!("{value:?}")
    } else {
        let head: String = value.chars().take(MAX_QUOTED_CHARS).collect();
        format!("{head:?}… ({chars} characters)")
    }
}

/// `message` with every run between backquotes or double quotes longer
/// than [`MAX_QUOTED_CHARS`] cut short: for messages made by the TOML parser
/// or serde (`unknown variant \`…\``), which quote values whole.
#[must_use]
pub(crate) fn shorten_quotes(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(1024));
    let mut rest = message;
    while let Some(open) = rest.find(['`', '"']) {
        let mark = rest[open..].chars().next().unwrap_or('"');
        let body_start = open + 1;
        let Some(len) = rest[body_start..].find(mark) else {
            break;
        };
        let body = &rest[body_start..body_start + len];
        out.push_str(&rest[..body_start]);
        let chars = body.chars().count();
        if chars > MAX_QUOTED_CHARS {
            out.extend(body.chars().take(MAX_QUOTED_CHARS));
            out.push('…');
            out.push(mark);
            let _ = write!(out, " ({chars} characters)");
        } else {
            out.push_str(body);
            out.push(mark);
        }
        rest = &rest[body_start + len + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_cuts_long_values() {
        assert_eq!(quote("ab"), "\"ab\"");
        let long = "x".repeat(1000);
        let q = quote(&long);
        assert!(q.len() < 100, "{q}");
        assert!(q.ends_with("… (1000 characters)"), "{q}");
    }

    #[test]
    fn shorten_quotes_cuts_only_long_runs() {
        assert_eq!(shorten_quotes("unknown `a`, \"b\""), "unknown `a`, \"b\"");
        let m = format!("unknown variant `{}`, expected `x`", "y".repeat(500));
        let s = shorten_quotes(&m);
        assert!(s.len() < 120, "{s}");
        assert!(
            s.contains("(500 characters)") && s.ends_with("expected `x`"),
            "{s}"
        );
    }
}
