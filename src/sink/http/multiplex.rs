//! Plain-http batches sent from the writer thread itself, up to
//! `--queue-depth` at once over as many kept-alive connections, with
//! `poll` to hear which answered: no worker threads, so a request costs no
//! hand-off between threads (a quarter of the time went to switching
//! threads when each batch went writer → worker → writer; bench/http.md).
//!
//! Each batch follows the same [`Course`] as over ureq; a wait the server
//! asks for (429, 503) or a retry's backoff is a time at which the batch
//! is sent again, not a sleeping thread, so other batches go on meanwhile.

use std::io::{self, IoSlice};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use super::HttpOptions;
use super::batch::{Finished, Job};
use super::retry::{Attempt, Course, Next};
use super::send::{connect_failed, no_response};
use super::wire::{Connection, Target};
use crate::sink::{STOP_SLICE, interrupted};
use crate::stats::HttpCounters;

/// One batch on its way.
struct Batch {
    job: Job,
    course: Course,
    /// When its request went out (for the latency and the timeout).
    sent: Instant,
    /// Waiting to go again at this time, since the second: the server's
    /// pause (with its status) or a retry's backoff (status 0).
    again: Option<(Instant, Instant, u16)>,
    /// It was sent again at once on a new connection after a kept-alive
    /// one failed under it (allowed once, and not counted as a failure).
    fresh_tried: bool,
}

/// One connection and the batch it carries, if any.
#[derive(Default)]
struct Slot {
    connection: Option<Connection>,
    /// The connection has carried a whole exchange: a server may have
    /// closed it since, while it sat idle.
    reused: bool,
    batch: Option<Batch>,
}

pub(super) struct Multiplex {
    target: Arc<Target>,
    options: Arc<HttpOptions>,
    counters: Arc<HttpCounters>,
    stop: Arc<AtomicBool>,
    /// Set once a batch failed: batches waiting to go again give up.
    abort: Arc<AtomicBool>,
    slots: Vec<Slot>,
    /// The request head, rewritten for each request.
    head: Vec<u8>,
}

impl Multiplex {
    pub fn new(
        target: Arc<Target>,
        options: Arc<HttpOptions>,
        counters: Arc<HttpCounters>,
        stop: Arc<AtomicBool>,
        abort: Arc<AtomicBool>,
    ) -> Multiplex {
        let depth = options.queue_depth.max(1);
        Multiplex {
            target,
            options,
            counters,
            stop,
            abort,
            slots: (0..depth).map(|_| Slot::default()).collect(),
            head: Vec::new(),
        }
    }

    /// Sends `job` on a free connection; the caller made sure one is.
    pub fn start(&mut self, job: Job, finished: &mut Vec<Finished>) {
        let index = self
            .slots
            .iter()
            .position(|slot| slot.batch.is_none())
            .expect("the queue keeps a connection free for each batch");
        let course = Course::new(self.options.retry, self.options.max_pause);
        let now = Instant::now();
        self.slots[index].batch = Some(Batch {
            job,
            course,
            sent: now,
            again: None,
            fresh_tried: false,
        });
        self.send(index, finished);
    }

    /// Sends the batch of slot `index` (again); a failure to send is
    /// weighed at once.
    fn send(&mut self, index: usize, finished: &mut Vec<Finished>) {
        let slot = &mut self.slots[index];
        let batch = slot.batch.as_mut().expect("a batch to send");
        batch.sent = Instant::now();
        let connection = match slot.connection.as_mut() {
            Some(connection) => connection,
            None => match self.target.connect() {
                Ok(connection) => {
                    slot.reused = false;
                    slot.connection.insert(connection)
                }
                Err(err) => {
                    let attempt = connect_failed(&err, &self.options);
                    return self.weigh(index, attempt, finished);
                }
            },
        };
        let header = batch.job.header.as_deref().unwrap_or_default();
        let body = batch.job.chunk.as_slice();
        self.target.batch_head(
            &mut self.head,
            batch.job.sequence,
            header.len() + body.len(),
        );
        let mut parts = [
            IoSlice::new(&self.head),
            IoSlice::new(header),
            IoSlice::new(body),
        ];
        if let Err(err) = connection.send(&mut parts) {
            let answer = connection.last_word();
            slot.connection = None;
            if let Some(answer) = answer {
                self.counters.status(answer.status);
                return self.weigh(index, answer.attempt(), finished);
            }
            if self.stale(index) {
                return;
            }
            let attempt = match err.kind() {
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => no_response(&self.options),
                _ => Attempt::Failed(crate::net::describe(&err)),
            };
            self.weigh(index, attempt, finished);
        }
    }

    /// What comes of an attempt at slot `index`'s batch.
    fn weigh(&mut self, index: usize, attempt: Attempt, finished: &mut Vec<Finished>) {
        let status = match &attempt {
            Attempt::Answered { status, .. } => *status,
            _ => 0,
        };
        let batch = self.slots[index].batch.as_mut().expect("a batch to weigh");
        let now = Instant::now();
        match batch.course.next(attempt, SystemTime::now()) {
            Next::Done => {
                let latency_ns = now.duration_since(batch.sent).as_nanos() as u64;
                self.finish(index, latency_ns, Ok(()), finished);
            }
            Next::Pause(wait) => {
                self.counters.server_pauses.fetch_add(1, Ordering::Relaxed);
                batch.again = Some((now + wait, now, status));
            }
            Next::Retry(wait) => batch.again = Some((now + wait, now, 0)),
            Next::GiveUp(why) => {
                let latency_ns = now.duration_since(batch.sent).as_nanos() as u64;
                self.finish(index, latency_ns, Err(io::Error::other(why)), finished);
            }
        }
    }

    fn finish(
        &mut self,
        index: usize,
        latency_ns: u64,
        result: io::Result<()>,
        finished: &mut Vec<Finished>,
    ) {
        let batch = self.slots[index].batch.take().expect("a batch to finish");
        finished.push(Finished {
            sequence: batch.job.sequence,
            chunk: batch.job.chunk,
            latency_ns,
            result,
        });
    }

    /// Sends again the batches whose wait is over, and ends the waits a
    /// stop or another batch's failure cut short.
    fn resend_due(&mut self, finished: &mut Vec<Finished>) {
        let now = Instant::now();
        for index in 0..self.slots.len() {
            let Some((at, since, status)) = self.slots[index].batch.as_ref().and_then(|b| b.again)
            else {
                continue;
            };
            let stopped = self.stop.load(Ordering::Relaxed);
            let aborted = self.abort.load(Ordering::Relaxed);
            if !stopped && !aborted && at > now {
                continue;
            }
            let waited = now.duration_since(since).as_nanos() as u64;
            if status != 0 {
                self.counters
                    .server_paused_ns
                    .fetch_add(waited, Ordering::Relaxed);
            }
            let what = match status {
                0 => "while waiting to retry a failed request".to_string(),
                status => format!("while waiting to retry after the server answered {status}"),
            };
            if stopped {
                self.finish(index, waited, Err(interrupted(&what)), finished);
                continue;
            }
            if aborted {
                let gave_up = io::Error::other(format!("gave up {what}"));
                self.finish(index, waited, Err(gave_up), finished);
                continue;
            }
            let batch = self.slots[index].batch.as_mut().expect("checked");
            batch.again = None;
            self.counters.retries.fetch_add(1, Ordering::Relaxed);
            let length = batch.job.chunk.len() + batch.job.header.as_ref().map_or(0, |h| h.len());
            self.counters
                .retried_bytes
                .fetch_add(length as u64, Ordering::Relaxed);
            self.send(index, finished);
        }
    }

    /// Hears the answers that have come (waiting for at least one batch to
    /// finish with `wait`), into `finished`.
    pub fn progress(&mut self, wait: bool, finished: &mut Vec<Finished>) {
        let before = finished.len();
        loop {
            self.resend_due(finished);
            let now = Instant::now();
            let mut polled = Vec::with_capacity(self.slots.len());
            let mut fds = Vec::with_capacity(self.slots.len());
            // How long poll may sleep: until the next resend or timeout.
            let mut timeout = None::<Duration>;
            let mut shorten = |limit: Duration| {
                timeout = Some(timeout.map_or(limit, |t: Duration| t.min(limit)));
            };
            for (index, slot) in self.slots.iter().enumerate() {
                let Some(batch) = &slot.batch else { continue };
                match (batch.again, &slot.connection) {
                    (Some((at, _, _)), _) => {
                        shorten(at.saturating_duration_since(now).min(STOP_SLICE));
                    }
                    (None, Some(connection)) => {
                        polled.push(index);
                        fds.push(libc::pollfd {
                            fd: connection.as_raw_fd(),
                            events: libc::POLLIN,
                            revents: 0,
                        });
                        if let Some(limit) = self.options.request_timeout {
                            shorten((batch.sent + limit).saturating_duration_since(now));
                        }
                    }
                    (None, None) => {}
                }
            }
            let idle = polled.is_empty() && timeout.is_none();
            if idle || (!wait && finished.len() > before) {
                return;
            }
            let timeout_ms = match (wait && finished.len() == before, timeout) {
                (false, _) => 0,
                (true, None) => -1,
                // Rounded up, so a wait of 0.4 ms does not spin.
                (true, Some(limit)) => {
                    limit.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32
                }
            };
            // SAFETY: `fds` is a live, properly sized array of pollfd.
            let ready =
                unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout_ms) };
            if ready < 0 {
                let err = io::Error::last_os_error();
                if err.kind() != io::ErrorKind::Interrupted {
                    // Not expected of poll on sockets; fail the oldest.
                    if let Some(&index) = polled.first() {
                        self.slots[index].connection = None;
                        let attempt = Attempt::Failed(format!("poll failed: {err}"));
                        self.weigh(index, attempt, finished);
                    }
                }
            }
            let now = Instant::now();
            for (&index, fd) in polled.iter().zip(&fds) {
                if fd.revents != 0 {
                    self.hear(index, finished);
                    continue;
                }
                let sent = self.slots[index].batch.as_ref().map(|b| b.sent);
                if let (Some(sent), Some(limit)) = (sent, self.options.request_timeout)
                    && now.duration_since(sent) >= limit
                {
                    self.slots[index].connection = None;
                    self.weigh(index, no_response(&self.options), finished);
                }
            }
            if !wait || finished.len() > before {
                return;
            }
        }
    }

    /// Reads the answer that has come on slot `index`'s connection.
    fn hear(&mut self, index: usize, finished: &mut Vec<Finished>) {
        let slot = &mut self.slots[index];
        let connection = slot.connection.as_mut().expect("polled");
        match connection.response() {
            Ok((answer, keep)) => {
                match keep {
                    true => slot.reused = true,
                    false => slot.connection = None,
                }
                self.counters.status(answer.status);
                self.weigh(index, answer.attempt(), finished);
            }
            Err(err) => {
                slot.connection = None;
                let attempt = match err.kind() {
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
                        no_response(&self.options)
                    }
                    _ if self.stale(index) => return,
                    _ => Attempt::Failed(crate::net::describe(&err)),
                };
                self.weigh(index, attempt, finished);
            }
        }
    }

    /// A kept-alive connection failed under slot `index`'s batch: most
    /// likely the server closed it while idle (its keep-alive timeout), so
    /// the batch goes again at once on a new connection, once, without
    /// counting against `--retry` or waiting a backoff. True if so.
    fn stale(&mut self, index: usize) -> bool {
        let slot = &mut self.slots[index];
        let Some(batch) = slot.batch.as_mut() else {
            return false;
        };
        if !std::mem::take(&mut slot.reused) || batch.fresh_tried {
            return false;
        }
        batch.fresh_tried = true;
        let now = Instant::now();
        batch.again = Some((now, now, 0));
        true
    }
}
