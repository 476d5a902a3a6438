//! `--http batch`: each chunk of whole records is one request, with up to
//! `--queue-depth` requests in flight, each on its own kept-alive
//! connection: for plain http all sent from the writer thread
//! (`multiplex.rs`), for https each on a worker thread of its own, as
//! ureq blocks.
//!
//! It is a [`Queue`], as a disk is: a chunk stays with the sink until its
//! request was answered 2xx, so batches in flight (and batches the server
//! asked to wait with 429) count under the high-water mark, and a server
//! that pushes back pauses the generator the ordinary way. Answers may come
//! in any order; chunks are handed back in sequence, so `bytes` and
//! `records` always count a prefix of the output that the server has.

use std::collections::VecDeque;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Instant;

use anyhow::{Context, Result};
use crossbeam_channel::{Receiver, Sender as Channel};
use ureq::Agent;

use super::multiplex::Multiplex;
use super::send::Sender;
use super::{HttpCounters, HttpOptions};
use crate::chunk::Chunk;
use crate::sink::{Done, Live, Queue, Sink, SinkReport};
use crate::stats::HttpMode;

/// One batch to send.
pub(super) struct Job {
    pub sequence: u64,
    pub chunk: Chunk,
    /// The header row to put in front (`--header-each`), after the first.
    pub header: Option<Arc<[u8]>>,
}

/// One batch answered, or given up on.
pub(super) struct Finished {
    pub sequence: u64,
    pub chunk: Chunk,
    pub latency_ns: u64,
    pub result: io::Result<()>,
}

pub struct HttpBatch {
    name: String,
    options: Arc<HttpOptions>,
    counters: Arc<HttpCounters>,
    /// `None` once dropping: closing the channel ends the workers.
    to_workers: Option<Channel<Job>>,
    from_workers: Receiver<Finished>,
    workers: Vec<JoinHandle<()>>,
    in_flight: usize,
    next_sequence: u64,
    /// The sequence of the oldest chunk still held.
    first_held: u64,
    /// Chunks in sequence from `first_held`: `Some` once answered 2xx.
    held: VecDeque<Option<Chunk>>,
    /// The CSV or TSV header row, taken from the first batch.
    header: Option<Arc<[u8]>>,
    /// The first failure, waiting to be reported.
    error: Option<io::Error>,
    /// Set on the first failure: workers waiting to retry give up.
    abort: Arc<AtomicBool>,
    /// At depth 1 the writer thread sends each batch itself: two thread
    /// hand-offs per request fewer (see bench/http.md).
    inline: Option<(Sender, Vec<u8>)>,
    /// Plain http: every batch sent from the writer thread.
    multiplex: Option<Multiplex>,
    /// Batches the multiplex has finished, not yet taken.
    heard: Vec<Finished>,
}

impl HttpBatch {
    pub fn start(options: &HttpOptions, agent: Agent, stop: Arc<AtomicBool>) -> Result<HttpBatch> {
        let depth = options.queue_depth.max(1);
        let options = Arc::new(options.clone());
        let counters = Arc::new(HttpCounters::new(HttpMode::Batch, options.queue_depth));
        let abort = Arc::new(AtomicBool::new(false));
        // Bounded to the depth: no more are ever in flight, so a send
        // never blocks.
        let (to_workers, jobs) = crossbeam_channel::bounded::<Job>(depth);
        let (finished, from_workers) = crossbeam_channel::bounded::<Finished>(depth);
        let mut workers = Vec::with_capacity(depth);
        // Plain http is written by hand from the writer thread; https
        // goes through ureq on worker threads (one inline at depth 1).
        let target = super::wire::Target::new(&options)
            .with_context(|| format!("cannot resolve the host of {}", options.shown_url()))?;
        let sender = || Sender {
            agent: agent.clone(),
            options: Arc::clone(&options),
            counters: Arc::clone(&counters),
            stop: Arc::clone(&stop),
            abort: Arc::clone(&abort),
        };
        let multiplex = target.map(|target| {
            Multiplex::new(
                Arc::new(target),
                Arc::clone(&options),
                Arc::clone(&counters),
                Arc::clone(&stop),
                Arc::clone(&abort),
            )
        });
        let inline = (depth == 1 && multiplex.is_none()).then(|| (sender(), Vec::new()));
        let threads = match multiplex.is_some() || inline.is_some() {
            true => 0,
            false => depth,
        };
        for index in 0..threads {
            let sender = sender();
            let jobs = jobs.clone();
            let finished = finished.clone();
            let worker = std::thread::Builder::new()
                .name(format!("gush-http-{index}"))
                .spawn(move || work(&sender, &jobs, &finished))
                .context("cannot start an HTTP worker thread")?;
            workers.push(worker);
        }
        Ok(HttpBatch {
            name: options.shown_url(),
            options,
            counters,
            to_workers: Some(to_workers),
            from_workers,
            workers,
            in_flight: 0,
            next_sequence: 0,
            first_held: 0,
            held: VecDeque::new(),
            header: None,
            error: None,
            abort,
            inline,
            multiplex,
            heard: Vec::new(),
        })
    }

    /// Collects answered batches (waiting for one with `wait`), then hands
    /// back every chunk whose predecessors are all answered too.
    fn reap(&mut self, wait: bool, done: &mut Done) -> io::Result<()> {
        if let Some(multiplex) = self.multiplex.as_mut() {
            multiplex.progress(wait && self.in_flight > 0, &mut self.heard);
            let heard = std::mem::take(&mut self.heard);
            for finished in heard {
                self.take(finished, done);
            }
        } else {
            if wait && self.in_flight > 0 {
                let finished = self.from_workers.recv().map_err(|_| workers_gone())?;
                self.take(finished, done);
            }
            while let Ok(finished) = self.from_workers.try_recv() {
                self.take(finished, done);
            }
        }
        while self.held.front().is_some_and(Option::is_some) {
            let chunk = self.held.pop_front().flatten().expect("checked");
            self.first_held += 1;
            let bytes = chunk.len();
            done.chunks.push((chunk, bytes));
        }
        Ok(())
    }

    fn take(&mut self, finished: Finished, done: &mut Done) {
        self.in_flight -= 1;
        match finished.result {
            Ok(()) => {
                done.write_ns.push(finished.latency_ns);
                let index = (finished.sequence - self.first_held) as usize;
                if let Some(slot) = self.held.get_mut(index) {
                    *slot = Some(finished.chunk);
                }
            }
            Err(err) => {
                self.abort.store(true, Ordering::Relaxed);
                self.error.get_or_insert(err);
            }
        }
    }

    /// Surfaces a failure once every request in flight is over: the chunks
    /// after the last contiguous success are dropped, uncounted.
    fn check(&mut self, done: &mut Done) -> io::Result<()> {
        if self.error.is_none() {
            return Ok(());
        }
        while self.in_flight > 0 {
            self.reap(true, done)?;
        }
        self.held.clear();
        Err(self.error.take().expect("checked"))
    }
}

/// A worker: sends each batch it is given until the server takes it.
fn work(sender: &Sender, jobs: &Receiver<Job>, finished: &Channel<Finished>) {
    let mut body = Vec::new();
    for job in jobs {
        if finished.send(carry(sender, job, &mut body)).is_err() {
            break;
        }
    }
}

/// Sends one batch until the server takes it (or it fails); `body` is
/// room for ureq to put the header row in front, reused from batch to
/// batch (by hand, the two go out in one writev).
fn carry(sender: &Sender, job: Job, body: &mut Vec<u8>) -> Finished {
    let header = job.header.as_deref().unwrap_or_default();
    let started = Instant::now();
    let (latency_ns, result) = match sender.send(header, job.chunk.as_slice(), job.sequence, body) {
        Ok(ns) => (ns, Ok(())),
        Err(err) => (started.elapsed().as_nanos() as u64, Err(err)),
    };
    Finished {
        sequence: job.sequence,
        chunk: job.chunk,
        latency_ns,
        result,
    }
}

fn workers_gone() -> io::Error {
    io::Error::other("the HTTP worker threads have stopped")
}

impl Queue for HttpBatch {
    fn submit(&mut self, chunk: Chunk, done: &mut Done) -> io::Result<()> {
        while self.in_flight >= self.options.queue_depth.max(1) {
            self.reap(true, done)?;
            self.check(done)?;
        }
        let header = match self.next_sequence {
            0 => {
                if self.options.header_each {
                    let data = chunk.as_slice();
                    let end = memchr::memchr(b'\n', data).map_or(data.len(), |at| at + 1);
                    self.header = Some(Arc::from(&data[..end]));
                }
                None
            }
            _ => self.header.clone(),
        };
        let job = Job {
            sequence: self.next_sequence,
            chunk,
            header,
        };
        if let Some(multiplex) = self.multiplex.as_mut() {
            self.held.push_back(None);
            self.next_sequence += 1;
            self.in_flight += 1;
            multiplex.start(job, &mut self.heard);
            self.reap(false, done)?;
            return self.check(done);
        }
        if let Some((sender, body)) = self.inline.as_mut() {
            let finished = carry(sender, job, body);
            self.held.push_back(None);
            self.next_sequence += 1;
            self.in_flight += 1;
            self.take(finished, done);
            self.reap(false, done)?;
            return self.check(done);
        }
        self.to_workers
            .as_ref()
            .ok_or_else(workers_gone)?
            .send(job)
            .map_err(|_| workers_gone())?;
        self.held.push_back(None);
        self.next_sequence += 1;
        self.in_flight += 1;
        self.reap(false, done)?;
        self.check(done)
    }

    fn drain(&mut self, done: &mut Done) -> io::Result<()> {
        while self.in_flight > 0 {
            self.reap(true, done)?;
        }
        self.check(done)
    }

    fn busy(&self) -> bool {
        self.in_flight > 0
    }

    fn wait(&mut self, done: &mut Done) -> io::Result<()> {
        self.reap(true, done)?;
        self.check(done)
    }
}

impl Sink for HttpBatch {
    fn name(&self) -> &str {
        &self.name
    }

    /// Batches are whole chunks, through [`Queue`]; a plain write has no
    /// record boundaries to make a request of.
    fn write(&mut self, _buf: &[u8]) -> io::Result<usize> {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "an HTTP batch sink takes whole chunks (Queue::submit)",
        ))
    }

    fn queue(&mut self) -> Option<&mut dyn Queue> {
        Some(self)
    }

    fn live(&self) -> Option<Live> {
        Some(Live::Http(Arc::clone(&self.counters)))
    }

    fn report(&self) -> SinkReport {
        SinkReport::Http(self.counters.snapshot())
    }
}

impl Drop for HttpBatch {
    fn drop(&mut self) {
        drop(self.to_workers.take());
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}
