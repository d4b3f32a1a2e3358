//! word2vec's binary format, as `word2vec.c` (`-binary 1`) and gensim's
//! `save_word2vec_format(binary=True)` write it: a text line `count dim`,
//! then per vector its token, one space, and `dim` little-endian 32-bit
//! floats — word2vec.c follows each vector with a newline, gensim does not,
//! so newlines before a token are skipped.
//!
//! The file is streamed: read through a buffer a block of vectors at a time
//! (a 3,000,000 × 300 file, the Google News vectors' shape, is never held
//! whole), with the bytes read reported to a [`LoadProgress`] and a cancel
//! seen at the next block. Nothing is sized by the header: it is checked
//! against what the file holds, and the vectors actually read fill the
//! columns.

use std::io::{BufRead, ErrorKind, Read};
use std::path::PathBuf;

use super::embeddings::{LabelBuilder, WORD_COLUMN, dim_name};
use super::{Dataset, LabelColumn, LoadError, LoadProgress, NumericColumn};

/// The longest token read (bytes); word2vec.c's own limit is 100.
const MAX_TOKEN_BYTES: usize = 1_000;

/// Bytes of values gathered before they are written into the columns (and
/// progress and cancel are looked at): 1,024 vectors of 300 dimensions.
const BLOCK_BYTES: usize = 1024 * 300 * 4;

/// Appends column j of each row of `block` (rows of `dim` raw little-endian
/// f32s, already checked finite) to `columns[j]`.
fn fill(columns: &mut [NumericColumn], block: &[u8]) {
    let row_bytes = columns.len() * 4;
    if row_bytes == 0 {
        return;
    }
    for (j, column) in columns.iter_mut().enumerate() {
        let at = j * 4;
        column
            .values
            .extend(block.chunks_exact(row_bytes).map(|raw| {
                let c = raw.get(at..at + 4).unwrap_or(&[0; 4]);
                f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            }));
    }
}

/// Where blocks of raw vectors go: a dataset's columns (f64), or one
/// row-major f32 matrix as a neighbour index holds it.
trait Sink {
    /// Room for `rows` vectors of `dim` values.
    fn with_rows(dim: usize, rows: usize) -> Self;
    /// Takes whole rows of raw little-endian f32s, already checked finite.
    fn take(&mut self, block: &[u8]);
}

impl Sink for Vec<NumericColumn> {
    fn with_rows(dim: usize, rows: usize) -> Self {
        (0..dim)
            .map(|j| NumericColumn {
                name: dim_name(j),
                values: Vec::with_capacity(rows),
            })
            .collect()
    }

    fn take(&mut self, block: &[u8]) {
        fill(self, block);
    }
}

/// word2vec binary as gensim holds it: the vectors row after row in 32-bit
/// floats (half the memory of a dataset's columns, and the layout of
/// [`VectorIndex::from_rows`](crate::math::similarity::VectorIndex::from_rows)),
/// and the tokens.
#[derive(Clone, Debug)]
pub struct WordVectors {
    /// The tokens, as the label column `word`.
    pub words: LabelColumn,
    /// Values per vector.
    pub dim: usize,
    /// Row i is `rows[i·dim .. (i+1)·dim]`.
    pub rows: Vec<f32>,
}

/// The row-major sink.
struct Rows(Vec<f32>);

impl Sink for Rows {
    fn with_rows(dim: usize, rows: usize) -> Self {
        Self(Vec::with_capacity(dim.saturating_mul(rows)))
    }

    fn take(&mut self, block: &[u8]) {
        self.0.extend(
            block
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])),
        );
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

/// Parses word2vec binary held in memory into a [`Dataset`] called `name`:
/// [`read_word2vec_binary`] over the bytes.
///
/// # Errors
/// As [`read_word2vec_binary`].
pub fn parse_word2vec_binary(bytes: &[u8], name: &str) -> Result<Dataset, LoadError> {
    read_word2vec_binary(bytes, Some(bytes.len() as u64), name, &LoadProgress::new())
}

/// A reader with the offset of the next byte, for error messages.
struct Stream<R> {
    reader: R,
    at: u64,
}

impl<R: BufRead> Stream<R> {
    fn fill(&mut self) -> std::io::Result<&[u8]> {
        loop {
            match self.reader.fill_buf() {
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
                Ok(_) => break,
            }
        }
        // Buffered now: this returns at once.
        self.reader.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        self.reader.consume(n);
        self.at += n as u64;
    }

    /// Skips line breaks; false at the end of the file.
    fn skip_line_breaks(&mut self) -> std::io::Result<bool> {
        loop {
            let buf = self.fill()?;
            if buf.is_empty() {
                return Ok(false);
            }
            let n = buf
                .iter()
                .position(|&b| b != b'\n' && b != b'\r')
                .unwrap_or(buf.len());
            let more = n < buf.len();
            self.consume(n);
            if more {
                return Ok(true);
            }
        }
    }

    /// The bytes up to the next space (consumed with it) into `token`, or why
    /// there is no token there.
    fn token(&mut self, token: &mut Vec<u8>) -> Result<(), Failure> {
        token.clear();
        let start = self.at;
        loop {
            let buf = self.fill()?;
            if buf.is_empty() {
                return Err(Failure::Bad("the file ends inside a token".to_owned()));
            }
            let space = buf.iter().position(|&b| b == b' ');
            let take = space.unwrap_or(buf.len());
            token.extend_from_slice(buf.get(..take).unwrap_or_default());
            self.consume(take + usize::from(space.is_some()));
            if token.len() > MAX_TOKEN_BYTES {
                return Err(Failure::Bad(format!(
                    "no space within {MAX_TOKEN_BYTES} bytes after byte {start}: not a token"
                )));
            }
            if space.is_some() {
                break;
            }
        }
        if token.is_empty() || token.contains(&b'\n') {
            return Err(Failure::Bad(format!(
                "byte {start}: an empty token or a line break inside one"
            )));
        }
        Ok(())
    }

    /// Fills as much of `out` as the file holds; the number of bytes read.
    fn read_up_to(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let mut got = 0;
        while got < out.len() {
            match self.reader.read(out.get_mut(got..).unwrap_or_default()) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.at += got as u64;
        Ok(got)
    }
}

/// Why a read stopped: the file's content, or the reading itself.
enum Failure {
    Bad(String),
    Io(std::io::Error),
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

/// Reads word2vec binary from `reader` into a [`Dataset`] called `name`:
/// tokens as the label column `word`, values as `dim_j`. `size` is the
/// file's size if known (it bounds the rows reserved; `None` for a pipe).
/// Bytes read are added to `progress`, and a cancel stops the read at the
/// next block.
///
/// # Errors
/// [`LoadError::Word2vecBinary`] for a missing header, a truncated vector, a
/// count that is not the number of vectors, or NaN or ∞ (naming the vector
/// and its dimension); [`LoadError::HeaderOnly`] for a count of 0;
/// [`LoadError::Io`] if reading fails; [`LoadError::Cancelled`].
pub fn read_word2vec_binary<R: BufRead>(
    reader: R,
    size: Option<u64>,
    name: &str,
    progress: &LoadProgress,
) -> Result<Dataset, LoadError> {
    let (columns, words, count): (Vec<NumericColumn>, _, _) = read(reader, size, name, progress)?;
    Ok(Dataset {
        name: name.to_owned(),
        source: None,
        n_rows: count,
        columns,
        labels: vec![words],
    })
}

/// [`read_word2vec_binary`] into one row-major f32 matrix ([`WordVectors`]).
///
/// # Errors
/// As [`read_word2vec_binary`].
pub fn read_word2vec_rows<R: BufRead>(
    reader: R,
    size: Option<u64>,
    name: &str,
    progress: &LoadProgress,
) -> Result<WordVectors, LoadError> {
    let (rows, words, _): (Rows, _, _) = read(reader, size, name, progress)?;
    let dim = rows.0.len() / words.codes.len().max(1);
    Ok(WordVectors {
        words,
        dim,
        rows: rows.0,
    })
}

/// The reading itself: the vectors into a sink, the tokens, and the count.
fn read<R: BufRead, S: Sink>(
    reader: R,
    size: Option<u64>,
    name: &str,
    progress: &LoadProgress,
) -> Result<(S, LabelColumn, usize), LoadError> {
    let path = PathBuf::from(name);
    let fail = |reason: String| LoadError::Word2vecBinary {
        path: path.clone(),
        reason,
    };
    let from = |f: Failure| match f {
        Failure::Bad(reason) => fail(reason),
        Failure::Io(source) => LoadError::Io {
            path: path.clone(),
            source,
        },
    };
    let mut s = Stream { reader, at: 0 };
    let mut first = Vec::with_capacity(64);
    s.reader
        .by_ref()
        .take(64)
        .read_until(b'\n', &mut first)
        .map_err(|e| from(e.into()))?;
    let (count, dim, start) =
        header(&first).ok_or_else(|| fail("the first line is not `count dim`".to_owned()))?;
    s.at = start as u64;
    super::check_width(dim as u64, &path)?;
    let row_bytes = dim.saturating_mul(4);
    let record = row_bytes.saturating_add(2);
    let after_header = size.map(|size| size.saturating_sub(start as u64));
    if let Some(after) = after_header
        && count > 0
        && record as u64 > after
    {
        return Err(fail(format!(
            "the header promises {dim} dimensions ({row_bytes} bytes a vector), the file holds {after} bytes after it"
        )));
    }
    // What the file can hold, whatever the header says; without a size, a
    // start that grows.
    let rows = match after_header {
        Some(after) => count.min(usize::try_from(after / record as u64).unwrap_or(usize::MAX) + 1),
        None => count.min(1 << 16),
    };
    let mut sink = S::with_rows(dim, rows);
    let mut words = LabelBuilder::new(WORD_COLUMN);
    // Vectors are gathered a block of rows at a time and then written
    // column by column: a row's values scattered over d columns at once
    // touched d cache lines per row.
    let block_rows = (BLOCK_BYTES / row_bytes.max(1)).clamp(1, rows.max(1));
    let mut block = vec![0u8; block_rows * row_bytes];
    let mut in_block = 0;
    let mut token = Vec::with_capacity(64);
    let mut reported = 0;
    for n in 0..count {
        if !s.skip_line_breaks().map_err(|e| from(e.into()))? {
            return Err(fail(format!(
                "the header promises {count} vectors, the file holds {n}"
            )));
        }
        s.token(&mut token).map_err(|f| match f {
            Failure::Bad(e) => fail(format!("vector {} of {count}: {e}", n + 1)),
            io @ Failure::Io(_) => from(io),
        })?;
        let word = String::from_utf8_lossy(&token);
        let raw = block
            .get_mut(in_block * row_bytes..(in_block + 1) * row_bytes)
            .unwrap_or_default();
        let got = s.read_up_to(raw).map_err(|e| from(e.into()))?;
        if got < row_bytes {
            return Err(fail(format!(
                "vector {} of {count} ({word:?}) is cut off: the file ends {got} bytes into its {row_bytes} bytes of values",
                n + 1
            )));
        }
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
        words.push(&word);
        in_block += 1;
        if in_block == block_rows {
            sink.take(&block);
            in_block = 0;
            progress.add(s.at - reported);
            reported = s.at;
            if progress.is_cancelled() {
                return Err(LoadError::Cancelled { path });
            }
        }
    }
    sink.take(block.get(..in_block * row_bytes).unwrap_or_default());
    drop(block);
    // Only whitespace may follow the last vector.
    let (mut extra, mut stray) = (0u64, false);
    loop {
        let buf = s.fill().map_err(|e| from(e.into()))?;
        if buf.is_empty() {
            break;
        }
        let n = buf.len();
        stray |= !buf.iter().all(u8::is_ascii_whitespace);
        extra += n as u64;
        s.consume(n);
    }
    progress.add(s.at - reported);
    if stray {
        return Err(fail(format!(
            "the header promises {count} vectors, but more bytes follow the last ({extra} of them)"
        )));
    }
    if count == 0 {
        return Err(LoadError::HeaderOnly { path });
    }
    Ok((sink, words.finish(), count))
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
    #[test]
    fn a_stream_read_through_a_tiny_buffer_gives_the_same_vectors() {
        // gensim's layout: no newline after a vector.
        let mut bytes = b"3 2\n".to_vec();
        for (w, v) in [
            ("a", [1.0f32, 2.0]),
            ("bb", [-3.5, 0.0]),
            ("ccc", [7.0, 8.0]),
        ] {
            bytes.extend_from_slice(w.as_bytes());
            bytes.push(b' ');
            for x in v {
                bytes.extend_from_slice(&x.to_le_bytes());
            }
        }
        let whole = parse_word2vec_binary(&bytes, "v.bin").expect("valid");
        let reader = std::io::BufReader::with_capacity(3, bytes.as_slice());
        let progress = LoadProgress::new();
        let streamed = read_word2vec_binary(reader, None, "v.bin", &progress).expect("valid");
        assert_eq!(streamed.columns[0].values, vec![1.0, -3.5, 7.0]);
        assert_eq!(streamed.columns[1].values, whole.columns[1].values);
        assert_eq!(streamed.labels[0].categories, vec!["a", "bb", "ccc"]);
        assert_eq!(progress.done(), bytes.len() as u64, "every byte reported");
    }

    #[test]
    fn a_cancelled_read_stops() {
        let vectors: Vec<(String, [f32; 300])> = (0..2_000)
            .map(|i| (format!("w{i}"), [i as f32; 300]))
            .collect();
        let refs: Vec<(&str, &[f32])> = vectors.iter().map(|(w, v)| (w.as_str(), &v[..])).collect();
        let bytes = file(vectors.len(), &refs);
        let progress = LoadProgress::new();
        progress.cancel();
        let e = read_word2vec_binary(bytes.as_slice(), None, "v.bin", &progress)
            .expect_err("cancelled");
        assert!(matches!(e, LoadError::Cancelled { .. }), "{e}");
    }

    #[test]
    fn stray_bytes_after_the_last_vector_are_counted() {
        let mut bytes = file(1, &[("king", &[1.0, 2.0])]);
        bytes.extend_from_slice(b"\nqueen");
        let e = parse_word2vec_binary(&bytes, "v.bin").expect_err("extra");
        assert!(
            e.to_string()
                .contains("more bytes follow the last (7 of them)"),
            "{e}"
        );
    }
}
