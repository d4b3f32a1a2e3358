//! word2vec's binary format, as `word2vec.c` (`-binary 1`) and gensim's
//! `save_word2vec_format(binary=True)` write it: a text line `count dim`,
//! then per vector its token, one space, and `dim` little-endian 32-bit
//! floats — word2vec.c follows each vector with a newline, gensim does not,
//! so newlines before a token are skipped.
//!
//! Nothing is sized by the header: it is checked against what the file
//! holds, and the vectors actually read fill the columns.

use std::path::PathBuf;

use super::embeddings::{LabelBuilder, WORD_COLUMN, dim_name};
use super::{Dataset, LoadError, NumericColumn};

/// The longest token read (bytes); word2vec.c's own limit is 100.
const MAX_TOKEN_BYTES: usize = 1_000;

/// Rows gathered before they are written into the columns.
const BLOCK_ROWS: usize = 1024;

/// Appends column j of each row of `block` (raw little-endian f32s, checked
/// finite) to `columns[j]`.
fn fill(columns: &mut [NumericColumn], block: &[&[u8]]) {
    for (j, column) in columns.iter_mut().enumerate() {
        let at = j * 4;
        column.values.extend(block.iter().map(|raw| {
            let c = raw.get(at..at + 4).unwrap_or(&[0; 4]);
            f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        }));
    }
}

/// `(count, dim, header length)` if `bytes` begins with a `count dim` line.
fn header(bytes: &[u8]) -> Option<(usize, usize, usize)> {
    let end = bytes.iter().take(64).position(|&b| b == b'\n')?;
    let line = std::str::from_utf8(bytes.get(..end)?).ok()?;
    let mut fields = line.split_ascii_whitespace();
    let count = fields.next()?.parse::<usize>().ok()?;
    let dim = fields.next()?.parse::<usize>().ok().filter(|&d| d > 0)?;
    fields.next().is_none().then_some((count, dim, end + 1))
}

/// The token starting at `at` (after any newlines) and the offset of its
/// values, or why there is none.
fn token(bytes: &[u8], mut at: usize) -> Result<(String, usize), String> {
    while bytes.get(at).is_some_and(|&b| b == b'\n' || b == b'\r') {
        at += 1;
    }
    let rest = bytes.get(at..).unwrap_or_default();
    let Some(len) = rest
        .iter()
        .take(MAX_TOKEN_BYTES + 1)
        .position(|&b| b == b' ')
    else {
        return Err(if rest.len() <= MAX_TOKEN_BYTES {
            "the file ends inside a token".to_owned()
        } else {
            format!("no space within {MAX_TOKEN_BYTES} bytes after byte {at}: not a token")
        });
    };
    let raw = rest.get(..len).unwrap_or_default();
    if raw.is_empty() || raw.contains(&b'\n') {
        return Err(format!(
            "byte {at}: an empty token or a line break inside one"
        ));
    }
    Ok((String::from_utf8_lossy(raw).into_owned(), at + len + 1))
}

/// Does `bytes` look like word2vec's binary format: a `count dim` line, then
/// a token, a space and `dim` 32-bit floats that are not text?
#[must_use]
pub fn looks_like_binary(bytes: &[u8]) -> bool {
    let Some((_, dim, start)) = header(bytes) else {
        return false;
    };
    let Ok((_, values)) = token(bytes, start) else {
        return false;
    };
    let Some(raw) = dim
        .checked_mul(4)
        .and_then(|n| bytes.get(values..values.checked_add(n)?))
    else {
        return false;
    };
    // Text vectors are printable ASCII numbers; raw floats are not.
    raw.iter()
        .any(|&b| !(b.is_ascii_digit() || b" .-+eE\t\r\n".contains(&b)))
}

/// Parses word2vec binary into a [`Dataset`] called `name`: tokens as the
/// label column `word`, values as `dim_j`.
///
/// # Errors
/// [`LoadError::Word2vecBinary`] for a missing header, a truncated vector, a
/// count that is not the number of vectors, or NaN or ∞ (naming the vector
/// and its dimension); [`LoadError::HeaderOnly`] for a count of 0.
pub fn parse_word2vec_binary(bytes: &[u8], name: &str) -> Result<Dataset, LoadError> {
    let path = PathBuf::from(name);
    let fail = |reason: String| LoadError::Word2vecBinary {
        path: path.clone(),
        reason,
    };
    let (count, dim, start) =
        header(bytes).ok_or_else(|| fail("the first line is not `count dim`".to_owned()))?;
    super::check_width(dim as u64, &path)?;
    let record = dim.saturating_mul(4).saturating_add(2);
    if count > 0 && record > bytes.len().saturating_sub(start) {
        return Err(fail(format!(
            "the header promises {dim} dimensions ({} bytes a vector), the file holds {} bytes after it",
            dim.saturating_mul(4),
            bytes.len().saturating_sub(start)
        )));
    }
    // What the file can hold, whatever the header says.
    let rows = count.min(bytes.len() / record + 1);
    let mut columns: Vec<NumericColumn> = (0..dim)
        .map(|j| NumericColumn {
            name: dim_name(j),
            values: Vec::with_capacity(rows),
        })
        .collect();
    let mut words = LabelBuilder::new(WORD_COLUMN);
    let mut at = start;
    // Vectors are gathered a block of rows at a time and then written
    // column by column: a row's values scattered over d columns at once
    // touched d cache lines per row.
    let mut block: Vec<&[u8]> = Vec::with_capacity(BLOCK_ROWS);
    for n in 0..count {
        if bytes
            .get(at..)
            .unwrap_or_default()
            .iter()
            .all(u8::is_ascii_whitespace)
        {
            return Err(fail(format!(
                "the header promises {count} vectors, the file holds {n}"
            )));
        }
        let (word, values) =
            token(bytes, at).map_err(|e| fail(format!("vector {} of {count}: {e}", n + 1)))?;
        let end = values.saturating_add(dim * 4);
        let raw = bytes.get(values..end).ok_or_else(|| {
            fail(format!(
                "vector {} of {count} ({word:?}) is cut off: the file ends {} bytes into its {} bytes of values",
                n + 1,
                bytes.len().saturating_sub(values),
                dim * 4
            ))
        })?;
        if let Some(j) = raw.chunks_exact(4).position(|c| {
            let bits = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
            bits & 0x7f80_0000 == 0x7f80_0000
        }) {
            let c = raw.get(j * 4..j * 4 + 4).unwrap_or(&[0; 4]);
            let x = f32::from_le_bytes([c[0], c[1], c[2], c[3]]);
            return Err(fail(format!(
                "vector {} ({word:?}), dim_{j}: {x}; values must be finite",
                n + 1
            )));
        }
        block.push(raw);
        if block.len() == BLOCK_ROWS {
            fill(&mut columns, &block);
            block.clear();
        }
        words.push(&word);
        at = end;
    }
    fill(&mut columns, &block);
    let rest = bytes.get(at..).unwrap_or_default();
    if !rest.iter().all(u8::is_ascii_whitespace) {
        return Err(fail(format!(
            "the header promises {count} vectors, but more bytes follow the last ({} of them)",
            rest.len()
        )));
    }
    if count == 0 {
        return Err(LoadError::HeaderOnly { path });
    }
    Ok(Dataset {
        name: name.to_owned(),
        source: None,
        n_rows: count,
        columns,
        labels: vec![words.finish()],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `count dim`, then each vector as word2vec.c writes it (token, space,
    /// floats, newline).
    fn file(count: usize, vectors: &[(&str, &[f32])]) -> Vec<u8> {
        let dim = vectors.first().map_or(1, |v| v.1.len());
        let mut b = format!("{count} {dim}\n").into_bytes();
        for (word, values) in vectors {
            b.extend_from_slice(word.as_bytes());
            b.push(b' ');
            for x in *values {
                b.extend_from_slice(&x.to_le_bytes());
            }
            b.push(b'\n');
        }
        b
    }

    #[test]
    fn reads_tokens_and_values() {
        let bytes = file(2, &[("king", &[1.0, -0.5]), ("café", &[0.25, 3.0])]);
        assert!(looks_like_binary(&bytes));
        let ds = parse_word2vec_binary(&bytes, "v.bin").expect("a valid file");
        assert_eq!(ds.n_rows, 2);
        assert_eq!(ds.columns[0].values, vec![1.0, 0.25]);
        assert_eq!(ds.columns[1].values, vec![-0.5, 3.0]);
        assert_eq!(ds.labels[0].categories, vec!["king", "café"]);
    }

    #[test]
    fn text_vectors_are_not_binary() {
        assert!(!looks_like_binary(b"2 2\nking 1.0 -0.5\nqueen 0.25 3.0\n"));
    }

    #[test]
    fn a_promise_beyond_the_file_is_an_error_not_an_allocation() {
        let mut bytes = file(1, &[("king", &[1.0, 2.0])]);
        bytes.splice(..1, b"4000000000".iter().copied());
        let e = parse_word2vec_binary(&bytes, "v.bin").expect_err("too few vectors");
        assert!(
            e.to_string()
                .contains("promises 4000000000 vectors, the file holds 1"),
            "{e}"
        );
    }

    #[test]
    fn a_truncated_vector_names_its_token() {
        let mut bytes = file(1, &[("king", &[1.0, 2.0])]);
        bytes.truncate(bytes.len() - 3);
        let e = parse_word2vec_binary(&bytes, "v.bin").expect_err("cut off");
        assert!(e.to_string().contains("(\"king\") is cut off"), "{e}");
    }
}
