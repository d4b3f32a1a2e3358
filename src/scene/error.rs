//! Scene errors, and where in the TOML text they point.

use std::ops::Range;

/// A scene that cannot be read or used. Displays as one line:
/// `FILE: line L, column C: what is wrong`.
#[derive(Debug, thiserror::Error)]
pub enum SceneError {
    #[error("{file}: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: line {line}, column {column}: {message}")]
    At {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
}

impl SceneError {
    /// The 1-based line the error points at, if any.
    #[must_use]
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::At { line, .. } => Some(*line),
            _ => None,
        }
    }
}

/// 1-based line and column of byte offset `at` in `src`.
fn line_col(src: &str, at: usize) -> (usize, usize) {
    let at = at.min(src.len());
    let before = src.get(..at).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// A TOML parse error as a [`SceneError`] naming the line and column.
pub(crate) fn toml_error(src: &str, file: &str, e: &toml::de::Error) -> SceneError {
    let message = e.message().trim();
    // Name the key at fault when the parser's message does not, in full
    // when it names the key's tail (a table used in two places, such as
    // `projection.perplexity` under `[embeddings]` and `[pca]`).
    let message = match error_key(e) {
        Some(key) => match message.split_once(": ") {
            Some((head, rest)) if key == head || key.ends_with(&format!(".{head}")) => {
                format!("{key}: {rest}")
            }
            _ => format!("{key}: {message}"),
        },
        None => message.to_owned(),
    };
    // The parser and serde quote values whole: cut long ones short.
    let message = super::bounds::shorten_quotes(&message);
    match e.span() {
        Some(span) => at(file, src, span, message),
        None => SceneError::Invalid {
            file: file.to_owned(),
            message,
        },
    }
}

pub(super) fn at(file: &str, src: &str, span: Range<usize>, message: String) -> SceneError {
    let (line, column) = line_col(src, span.start);
    SceneError::At {
        file: file.to_owned(),
        line,
        column,
        message,
    }
}

/// The dotted key a TOML error is about (`pca.progress`), if it names one.
/// The toml crate keeps the key path private but prints it, as "in `a.b`",
/// when the error is shown without its source text.
fn error_key(e: &toml::de::Error) -> Option<String> {
    let mut bare = e.clone();
    bare.set_input(None);
    let shown = bare.to_string();
    let key = shown
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("in `")?.strip_suffix('`'))?;
    (!key.is_empty()).then(|| key.to_owned())
}

/// The span of the value at `path` (e.g. `["data", "x"]`) in the TOML `src`.
pub(super) fn value_span(src: &str, path: &[&str]) -> Option<Range<usize>> {
    let table = toml::de::DeTable::parse(src).ok()?;
    let mut current = table.get_ref();
    let (last, parents) = path.split_last()?;
    for key in parents {
        let v = current.get(*key)?;
        match v.get_ref() {
            toml::de::DeValue::Table(t) => current = t,
            _ => return None,
        }
    }
    current.get(*last).map(toml::Spanned::span)
}

/// A [`SceneError`] at the value of `path`, or naming only the file when the
/// key is not written in `src` (a default that does not fit).
pub(super) fn spanned_error(src: &str, file: &str, path: &[&str], message: String) -> SceneError {
    match value_span(src, path) {
        Some(span) => at(file, src, span, message),
        None => SceneError::Invalid {
            file: file.to_owned(),
            message,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Line and column are 1-based and count characters, not bytes.
    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("a\nbc", 3), (2, 2));
        assert_eq!(line_col("λ = 1", 3), (1, 3));
    }
}
