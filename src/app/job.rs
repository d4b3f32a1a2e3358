//! One background job type for everything long the window does: loading a
//! file, a PCA fit, an embeddings index, training a model.
//!
//! A [`Job`] is a thread with a [`Progress`] (work done of a total, and a
//! cancel flag) and a channel of messages back to the UI thread. A one-shot
//! job sends one `Result`; a streaming job (training) sends one message per
//! step. [`Latest`] keeps the newest finished result of a keyed computation
//! on screen while the next one runs, so the UI never shows a blank while it
//! waits and never freezes.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

pub use crate::data::LoadProgress as Progress;

/// Why a job ended without its result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError<E> {
    /// The work itself failed.
    #[error("{0}")]
    Failed(E),
    /// The user cancelled it.
    #[error("cancelled")]
    Cancelled,
    /// The thread ended without sending a result (it panicked).
    #[error("the background work stopped unexpectedly")]
    Lost,
}

/// Asks the window for a new frame when a job has news (a no-op headless).
#[derive(Clone, Default)]
pub struct Waker(Option<egui::Context>);

impl Waker {
    /// Repaints `ctx` when woken.
    #[must_use]
    pub fn new(ctx: &egui::Context) -> Self {
        Self(Some(ctx.clone()))
    }

    /// Requests a repaint, if there is a window.
    pub fn wake(&self) {
        if let Some(ctx) = &self.0 {
            ctx.request_repaint();
        }
    }
}

/// Work on a background thread, identified by `key` (what it computes), with
/// progress, Cancel and a channel of messages of type `M`.
pub struct Job<K, M> {
    key: K,
    rx: Receiver<M>,
    progress: Arc<Progress>,
    thread: std::thread::Thread,
    /// The sender is gone: every message has been received.
    ended: bool,
}

impl<K, M: Send + 'static> Job<K, M> {
    /// Runs `work` on a new thread; it sends messages through its `Sender`
    /// (a send error means nobody listens any more: stop) and should check
    /// [`Progress::is_cancelled`] between steps. Each message wakes `waker`.
    pub fn stream<F>(key: K, waker: Waker, work: F) -> Self
    where
        F: FnOnce(&Progress, &Emit<M>) + Send + 'static,
    {
        let (tx, rx) = channel();
        let progress = Arc::new(Progress::new());
        let shared = Arc::clone(&progress);
        let handle = std::thread::spawn(move || {
            let emit = Emit { tx, waker };
            work(&shared, &emit);
            emit.waker.wake();
        });
        Self {
            key,
            rx,
            progress,
            thread: handle.thread().clone(),
            ended: false,
        }
    }

    /// What the job computes.
    #[must_use]
    pub fn key(&self) -> &K {
        &self.key
    }

    /// Its progress (read it each frame; [`Progress::set_total`] also steers
    /// a streaming job that works up to a target, such as epochs to train).
    #[must_use]
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Done / total in 0..=1, `None` while the total is unknown.
    #[must_use]
    pub fn fraction(&self) -> Option<f32> {
        self.progress.fraction()
    }

    /// Asks the work to stop (it sees the flag at its next check).
    pub fn cancel(&self) {
        self.progress.cancel();
        self.thread.unpark();
    }

    /// Whether [`cancel`](Self::cancel) was called.
    #[must_use]
    pub fn is_cancelled(&self) -> bool {
        self.progress.is_cancelled()
    }

    /// Wakes a streaming job parked waiting for more work.
    pub fn unpark(&self) {
        self.thread.unpark();
    }

    /// Every message that has arrived since the last call, oldest first.
    pub fn drain(&mut self) -> Vec<M> {
        let mut out = Vec::new();
        loop {
            match self.rx.try_recv() {
                Ok(m) => out.push(m),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    self.ended = true;
                    break;
                }
            }
        }
        out
    }

    /// Whether the thread has ended and every message has been drained.
    #[must_use]
    pub fn ended(&self) -> bool {
        self.ended
    }
}

impl<K, T: Send + 'static, E: Send + 'static> Job<K, Result<T, E>> {
    /// Runs `work` once on a new thread; its result arrives through
    /// [`finished`](Self::finished).
    pub fn spawn<F>(key: K, waker: Waker, work: F) -> Self
    where
        F: FnOnce(&Progress) -> Result<T, E> + Send + 'static,
    {
        Self::stream(key, waker, move |progress, emit| {
            let result = work(progress);
            if !progress.is_cancelled() {
                emit.send(result);
            }
        })
    }

    /// The result, once the work has ended: its value or error, `Cancelled`
    /// if it was cancelled, `Lost` if the thread died without a word.
    pub fn finished(&mut self) -> Option<Result<T, JobError<E>>> {
        if let Some(result) = self.drain().pop() {
            return Some(result.map_err(JobError::Failed));
        }
        self.ended.then(|| {
            Err(if self.is_cancelled() {
                JobError::Cancelled
            } else {
                JobError::Lost
            })
        })
    }
}

impl<K, M> Drop for Job<K, M> {
    /// A job nobody will read stops.
    fn drop(&mut self) {
        self.progress.cancel();
        self.thread.unpark();
    }
}

/// A streaming job's way to send a message back (and wake the window).
pub struct Emit<M> {
    tx: Sender<M>,
    waker: Waker,
}

impl<M> Emit<M> {
    /// Sends `message`; false when nobody listens any more (stop working).
    pub fn send(&self, message: M) -> bool {
        let sent = self.tx.send(message).is_ok();
        self.waker.wake();
        sent
    }
}

/// The newest result of a keyed computation, and the job computing the next:
/// the old result stays until the new one is complete.
pub struct Latest<K, T, E> {
    result: Option<(K, Result<T, JobError<E>>)>,
    job: Option<Job<K, Result<T, E>>>,
    /// A computation the user cancelled: not restarted until asked, or until
    /// another key is wanted.
    cancelled: Option<K>,
}

impl<K, T, E> Default for Latest<K, T, E> {
    fn default() -> Self {
        Self {
            result: None,
            job: None,
            cancelled: None,
        }
    }
}

impl<K, T, E> Latest<K, T, E>
where
    K: Clone + PartialEq + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    /// Makes sure `key` is computed: nothing when it is the result shown, the
    /// job running or a computation the user cancelled; else the running job
    /// (for another key) is cancelled and `work` starts — on this thread when
    /// `background` is false, so the result is there on return.
    pub fn want<F>(&mut self, key: K, background: bool, waker: &Waker, work: F)
    where
        F: FnOnce(&Progress) -> Result<T, E> + Send + 'static,
    {
        self.poll();
        if self.result.as_ref().is_some_and(|(k, _)| *k == key)
            || self.job.as_ref().is_some_and(|j| *j.key() == key)
            || self.cancelled.as_ref() == Some(&key)
        {
            return;
        }
        self.cancelled = None;
        if let Some(old) = self.job.take() {
            old.cancel();
        }
        if background {
            self.job = Some(Job::spawn(key, waker.clone(), work));
        } else {
            let result = work(&Progress::new()).map_err(JobError::Failed);
            self.result = Some((key, result));
        }
    }

    /// Moves a finished job's result into place.
    pub fn poll(&mut self) {
        let Some(job) = &mut self.job else { return };
        if let Some(result) = job.finished() {
            let key = job.key().clone();
            self.job = None;
            if !matches!(result, Err(JobError::Cancelled)) {
                self.result = Some((key, result));
            }
        }
    }

    /// The newest finished result and the key it is for.
    #[must_use]
    pub fn result(&self) -> Option<(&K, &Result<T, JobError<E>>)> {
        self.result.as_ref().map(|(k, r)| (k, r))
    }

    /// The newest result if it is for `key`.
    #[must_use]
    pub fn result_for(&self, key: &K) -> Option<&Result<T, JobError<E>>> {
        self.result
            .as_ref()
            .filter(|(k, _)| k == key)
            .map(|(_, r)| r)
    }

    /// The job running now, if any.
    #[must_use]
    pub fn running(&self) -> Option<&Job<K, Result<T, E>>> {
        self.job.as_ref()
    }

    /// Cancels the running job; its key is not computed again until
    /// [`retry`](Self::retry) or another key is wanted.
    pub fn cancel(&mut self) {
        if let Some(job) = self.job.take() {
            job.cancel();
            self.cancelled = Some(job.key().clone());
        }
    }

    /// The key the user cancelled, if any.
    #[must_use]
    pub fn cancelled(&self) -> Option<&K> {
        self.cancelled.as_ref()
    }

    /// Forgets a cancellation so the next [`want`](Self::want) computes again.
    pub fn retry(&mut self) {
        self.cancelled = None;
    }

    /// Drops the result and any running job.
    pub fn clear(&mut self) {
        self.result = None;
        self.job = None;
        self.cancelled = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn wait<K, T, E>(latest: &mut Latest<K, T, E>) -> bool
    where
        K: Clone + PartialEq + Send + 'static,
        T: Send + 'static,
        E: Send + 'static,
    {
        let start = Instant::now();
        while latest.running().is_some() {
            latest.poll();
            if start.elapsed() > Duration::from_secs(20) {
                return false;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        true
    }

    #[test]
    fn a_background_result_arrives_and_the_old_one_stays_until_then() {
        let mut latest: Latest<u32, u32, String> = Latest::default();
        latest.want(1, false, &Waker::default(), |_| Ok(10));
        assert_eq!(latest.result_for(&1), Some(&Ok(10)));
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        latest.want(2, true, &Waker::default(), move |_| {
            rx.recv().ok();
            Ok(20)
        });
        latest.poll();
        assert!(latest.running().is_some());
        assert_eq!(latest.result().map(|(k, _)| *k), Some(1), "old result kept");
        tx.send(()).unwrap();
        assert!(wait(&mut latest));
        assert_eq!(latest.result_for(&2), Some(&Ok(20)));
    }

    #[test]
    fn errors_stay_typed_and_a_cancelled_key_is_not_restarted() {
        let mut latest: Latest<u32, u32, String> = Latest::default();
        latest.want(1, true, &Waker::default(), |_| Err("bad".to_owned()));
        assert!(wait(&mut latest));
        assert_eq!(
            latest.result_for(&1),
            Some(&Err(JobError::Failed("bad".to_owned())))
        );
        latest.want(2, true, &Waker::default(), |p| {
            while !p.is_cancelled() {
                std::thread::sleep(Duration::from_millis(1));
            }
            Ok(0)
        });
        latest.cancel();
        assert_eq!(latest.cancelled(), Some(&2));
        latest.want(2, true, &Waker::default(), |_| Ok(5));
        assert!(
            latest.running().is_none(),
            "a cancelled key waits for retry"
        );
        latest.retry();
        latest.want(2, true, &Waker::default(), |_| Ok(5));
        assert!(wait(&mut latest));
        assert_eq!(latest.result_for(&2), Some(&Ok(5)));
    }

    #[test]
    fn a_panicking_job_is_lost_not_hung() {
        let mut job: Job<(), Result<u32, String>> =
            Job::spawn((), Waker::default(), |_| panic!("boom"));
        let start = Instant::now();
        let result = loop {
            if let Some(r) = job.finished() {
                break r;
            }
            assert!(start.elapsed() < Duration::from_secs(20));
            std::thread::sleep(Duration::from_millis(2));
        };
        assert_eq!(result, Err(JobError::Lost));
    }

    #[test]
    fn a_stream_sends_every_step_in_order() {
        let mut job: Job<(), usize> = Job::stream((), Waker::default(), |p, emit| {
            p.set_total(3);
            for i in 0..3 {
                p.add(1);
                if !emit.send(i) {
                    return;
                }
            }
        });
        let start = Instant::now();
        let mut got = Vec::new();
        while !job.ended() {
            got.extend(job.drain());
            assert!(start.elapsed() < Duration::from_secs(20));
        }
        assert_eq!(got, vec![0, 1, 2]);
        assert_eq!(job.fraction(), Some(1.0));
    }
}
