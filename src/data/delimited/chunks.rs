//! The input cut into chunks at record boundaries (quotes respected), and
//! the chunks parsed on worker threads and merged in order: the tables'
//! loader and the ratings loader share it ([`parse_in_order`]).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::{Mutex, mpsc};

use super::Tuning;
use crate::data::{LoadError, LoadProgress};

/// The reading thread's side of [`parse_in_order`]: what each chunk is
/// parsed with (the table's column kinds so far), fixed when the chunk is
/// handed out, and the merge of each parsed chunk, in input order.
pub(crate) trait ChunkSink {
    /// What a chunk is parsed with.
    type Context: Send;
    /// What parsing a chunk gives.
    type Parsed: Send;
    /// The context for the next chunk handed out.
    fn context(&self) -> Self::Context;
    /// Merges chunk `bytes`, parsed with `context` into `parsed`; an error
    /// ends the parse.
    ///
    /// # Errors
    /// The sink's, returned by [`parse_in_order`] as it is.
    fn merge(
        &mut self,
        bytes: &[u8],
        context: Self::Context,
        parsed: Self::Parsed,
    ) -> Result<(), LoadError>;
}

/// How a worker parses a chunk with its context.
pub(crate) type ParseChunk<'f, C, P> = dyn Fn(&[u8], &C) -> P + Sync + 'f;

/// Cuts the rest of `src` into chunks of about `tuning.chunk` bytes ending
/// at record ends (`delimiter`'s quotes respected), parses them with
/// `parse` on `tuning.workers` threads (on this one when it is 1) and
/// merges them into `sink` in input order, at most `workers + 1` chunks
/// ahead of the merge. A cancel (checked between chunks) stops it.
///
/// # Errors
/// [`Io`](LoadError::Io) from the input, [`Cancelled`](LoadError::Cancelled),
/// or the sink's.
pub(crate) fn parse_in_order<R: Read, S: ChunkSink>(
    src: &mut Source<'_, R>,
    delimiter: u8,
    tuning: Tuning,
    sink: &mut S,
    parse: &ParseChunk<'_, S::Context, S::Parsed>,
) -> Result<(), LoadError> {
    let cancelled = |path: &Path| LoadError::Cancelled {
        path: path.to_path_buf(),
    };
    if tuning.workers <= 1 {
        while let Some(chunk) = src.next_chunk(delimiter, tuning.chunk)? {
            if src.progress.is_cancelled() {
                return Err(cancelled(src.path));
            }
            let context = sink.context();
            let parsed = parse(&chunk, &context);
            sink.merge(&chunk, context, parsed)?;
            src.spare.push(chunk);
        }
        return Ok(());
    }
    let (job_tx, job_rx) = mpsc::sync_channel::<Job<S::Context>>(tuning.workers + 1);
    let job_rx = Mutex::new(job_rx);
    std::thread::scope(|s| {
        let job_tx = job_tx;
        let (done_tx, done_rx) = mpsc::channel::<(Job<S::Context>, S::Parsed)>();
        for _ in 0..tuning.workers {
            let done_tx = done_tx.clone();
            let job_rx = &job_rx;
            s.spawn(move || {
                loop {
                    let job = match job_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok(job) = job else { return };
                    let parsed = parse(&job.bytes, &job.context);
                    if done_tx.send((job, parsed)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);

        let mut next_sent = 0usize;
        let mut next_merged = 0usize;
        let mut pending = BTreeMap::new();
        let mut exhausted = false;
        loop {
            if src.progress.is_cancelled() {
                return Err(cancelled(src.path));
            }
            if !exhausted && next_sent - next_merged - pending.len() <= tuning.workers {
                if let Some(bytes) = src.next_chunk(delimiter, tuning.chunk)? {
                    let job = Job {
                        index: next_sent,
                        bytes,
                        context: sink.context(),
                    };
                    if job_tx.send(job).is_err() {
                        break;
                    }
                    next_sent += 1;
                    continue;
                }
                exhausted = true;
            }
            if next_merged == next_sent {
                return Ok(());
            }
            // Every worker gone with work outstanding: only a panic does that,
            // and the scope re-raises it.
            let Ok((job, parsed)) = done_rx.recv() else {
                break;
            };
            pending.insert(job.index, (job, parsed));
            while let Some((job, parsed)) = pending.remove(&next_merged) {
                sink.merge(&job.bytes, job.context, parsed)?;
                src.spare.push(job.bytes);
                next_merged += 1;
            }
        }
        Err(LoadError::Csv {
            path: src.path.to_path_buf(),
            line: None,
            message: "a parsing thread stopped unexpectedly".to_owned(),
        })
    })
}

/// Chunk `index` of the input and the context it is parsed with.
struct Job<C> {
    index: usize,
    bytes: Vec<u8>,
    context: C,
}

/// The input, read a chunk at a time into `buf`.
pub(crate) struct Source<'a, R> {
    input: R,
    /// Read and not yet handed out.
    pub(crate) buf: Vec<u8>,
    pub(crate) eof: bool,
    progress: &'a LoadProgress,
    pub(crate) path: &'a Path,
    /// Bytes handed out as chunks so far.
    pub(crate) consumed: u64,
    /// Chunk buffers given back after parsing, for reuse.
    spare: Vec<Vec<u8>>,
}

impl<'a, R: Read> Source<'a, R> {
    /// Nothing read yet from `input`; `progress` counts the bytes read.
    pub(crate) fn new(input: R, progress: &'a LoadProgress, path: &'a Path) -> Self {
        Self {
            input,
            buf: Vec::new(),
            eof: false,
            progress,
            path,
            consumed: 0,
            spare: Vec::new(),
        }
    }

    /// Reads until `buf` holds at least `want` bytes or the input ends.
    pub(crate) fn fill(&mut self, want: usize) -> Result<(), LoadError> {
        while !self.eof && self.buf.len() < want {
            let missing = want - self.buf.len();
            self.buf.reserve_exact(missing);
            let n = (&mut self.input)
                .take(missing as u64)
                .read_to_end(&mut self.buf)
                .map_err(|source| LoadError::Io {
                    path: self.path.to_path_buf(),
                    source,
                })?;
            self.progress.add(n as u64);
            if n < missing {
                self.eof = true;
            }
        }
        Ok(())
    }

    /// The next chunk of about `size` bytes, ending at a record boundary (or
    /// the end of the input); `None` at the end.
    pub(crate) fn next_chunk(
        &mut self,
        delimiter: u8,
        size: usize,
    ) -> Result<Option<Vec<u8>>, LoadError> {
        let mut want = size.max(1);
        loop {
            self.fill(want)?;
            let cut = if self.eof {
                Some(self.buf.len())
            } else {
                last_record_end(&self.buf, delimiter)
            };
            match cut {
                Some(0) if self.eof => return Ok(None),
                Some(cut) if cut > 0 => {
                    // The rest moves to a recycled buffer (its pages are
                    // mapped already), and the full one is handed out.
                    let mut rest = self.spare.pop().unwrap_or_default();
                    rest.clear();
                    rest.extend_from_slice(self.buf.get(cut..).unwrap_or_default());
                    self.buf.truncate(cut);
                    self.consumed += cut as u64;
                    return Ok(Some(std::mem::replace(&mut self.buf, rest)));
                }
                // One record longer than the buffer: read more.
                _ => want = self.buf.len().max(want) * 2,
            }
        }
    }
}

/// Where [`last_record_end`] is in a record.
#[derive(Clone, Copy)]
enum State {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// The end (one past its `\n`) of the last complete record in `bytes`, which
/// starts at a record boundary: a newline outside quotes, following the csv
/// crate's rules (a quote opens a quoted field only at the start of a field;
/// `""` inside one is a literal quote).
pub(crate) fn last_record_end(bytes: &[u8], delimiter: u8) -> Option<usize> {
    if memchr::memchr(b'"', bytes).is_none() {
        return memchr::memrchr(b'\n', bytes).map(|i| i + 1);
    }
    let mut state = State::FieldStart;
    let mut last = None;
    for (i, &b) in bytes.iter().enumerate() {
        state = match (state, b) {
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) | (State::QuoteInQuoted, b'"') => State::Quoted,
            (_, b'\n') => {
                last = Some(i + 1);
                State::FieldStart
            }
            (_, b'\r') => State::FieldStart,
            (_, b) if b == delimiter => State::FieldStart,
            (State::FieldStart, b'"') => State::Quoted,
            _ => State::Unquoted,
        };
    }
    last
}
