//! The input cut into chunks at record boundaries (quotes respected), and
//! the chunks after the first parsed on worker threads and merged in order.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::{Mutex, mpsc};

use super::Tuning;
use super::columns::{Kind, Table};
use super::parse::{ChunkContext, Parsed, parse_chunk};
use crate::data::{LoadError, LoadProgress};

/// Parses every chunk after the first: the reading thread cuts chunks and
/// merges results in order while `tuning.workers` threads parse.
pub(super) fn parse_rest<R: Read>(
    src: &mut Source<'_, R>,
    table: &mut Table,
    ctx: &ChunkContext<'_>,
    tuning: Tuning,
) -> Result<(), LoadError> {
    let cancelled = || LoadError::Cancelled {
        path: ctx.path.to_path_buf(),
    };
    if tuning.workers <= 1 {
        while let Some(chunk) = src.next_chunk(ctx.delimiter, tuning.chunk)? {
            if src.progress.is_cancelled() {
                return Err(cancelled());
            }
            let kinds = table.kinds();
            let parsed = parse_chunk(&chunk, ctx, &kinds, false);
            table.merge(&chunk, &kinds, parsed, ctx)?;
            src.spare.push(chunk);
        }
        return Ok(());
    }
    let (job_tx, job_rx) = mpsc::sync_channel::<Job>(tuning.workers + 1);
    let job_rx = Mutex::new(job_rx);
    std::thread::scope(|s| {
        let job_tx = job_tx;
        let (done_tx, done_rx) = mpsc::channel::<(Job, Result<Parsed, LoadError>)>();
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
                    let parsed = parse_chunk(&job.bytes, ctx, &job.kinds, false);
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
                return Err(cancelled());
            }
            if !exhausted && next_sent - next_merged - pending.len() <= tuning.workers {
                if let Some(bytes) = src.next_chunk(ctx.delimiter, tuning.chunk)? {
                    let job = Job {
                        index: next_sent,
                        bytes,
                        kinds: table.kinds(),
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
                table.merge(&job.bytes, &job.kinds, parsed, ctx)?;
                src.spare.push(job.bytes);
                next_merged += 1;
            }
        }
        Err(LoadError::Csv {
            path: ctx.path.to_path_buf(),
            line: None,
            message: "a parsing thread stopped unexpectedly".to_owned(),
        })
    })
}

/// Chunk `index` of the input and the column kinds it was parsed with.
struct Job {
    index: usize,
    bytes: Vec<u8>,
    kinds: Vec<Kind>,
}

/// The input, read a chunk at a time into `buf`.
pub(super) struct Source<'a, R> {
    input: R,
    /// Read and not yet handed out.
    pub buf: Vec<u8>,
    pub eof: bool,
    progress: &'a LoadProgress,
    pub path: &'a Path,
    /// Bytes handed out as chunks so far.
    pub consumed: u64,
    /// Chunk buffers given back after parsing, for reuse.
    spare: Vec<Vec<u8>>,
}

impl<'a, R: Read> Source<'a, R> {
    /// Nothing read yet from `input`; `progress` counts the bytes read.
    pub(super) fn new(input: R, progress: &'a LoadProgress, path: &'a Path) -> Self {
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
    pub(super) fn fill(&mut self, want: usize) -> Result<(), LoadError> {
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
    pub(super) fn next_chunk(
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
pub(super) fn last_record_end(bytes: &[u8], delimiter: u8) -> Option<usize> {
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
