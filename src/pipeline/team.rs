//! Several generator threads making one stream, byte for byte the stream
//! one thread makes.
//!
//! Every record is a function of (seed, record index), and every byte of
//! `gush bytes` of its offset, so a thread can make any part of the stream
//! on its own source, moved there with [`Source::seek`]. Threads claim
//! *units* in stream order from one atomic counter: a run of records (sized
//! from the last chunk to fill a few chunks) or, for bytes, a few chunks'
//! worth of bytes. Chunks go to the writer in stream order: a thread holds
//! the chunks of its unit until its *turn*, the position where the stream
//! has got to, and sends them then, so the turn changes hands once a unit.
//! So the writer needs no reordering, and the stream's end
//! is decided in order too: `--size` cuts the chunk that crosses it back to
//! its last whole record by making that chunk again into the bytes left,
//! which is what one thread would have made; and a run stopped by Ctrl-C,
//! an error or a writer gone ends at a position, past which chunks made
//! ahead are dropped rather than leave a gap.
//!
//! Memory stays under the high-water mark with chunks made ahead counted:
//! a thread *reserves* a chunk's bytes under the hwm before filling one,
//! and the reservation becomes the chunk's buffered bytes. A thread that
//! cannot reserve pauses until the writer has brought what it holds down to
//! the low-water mark. Reservations made ahead do not drain until the turn
//! reaches them, so they are left out of that test, and the pipeline runs
//! no more threads than the hwm holds chunks, so the thread whose turn it
//! is can always reserve once the writer is empty: no deadlock.
//!
//! A run starts with one generator (today's loop in `generator.rs`), which
//! hands over to the team when `growth.rs` says a second thread should be
//! tried; the first thread then goes on looking, adding threads and parking
//! those that did not pay.
//!
//! Here is what the threads share and the handoff; each thread's own loop
//! is in `team/claims.rs`, adding and parking threads in `team/crew.rs`,
//! reserving under the hwm in `team/gate.rs`, and the turn in
//! `team/turn.rs`.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::Scope;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};

use super::Flow;
use super::generator::{Generated, Handoff};
use crate::chunk::{Chunk, ChunkPool};
use crate::source::{Source, Unit};
use crate::stats::Counters;

mod claims;
mod crew;
mod gate;
mod turn;
use gate::Waiting;
use turn::Order;

/// A unit of records is sized to fill its last chunk to this share, so
/// that one whose records run long still fits, rather than spill a few
/// records into a chunk of their own.
const UNIT_FILL: f64 = 0.9;

/// How often a thread waiting for the writer looks again when no chunk
/// came back to wake it (another thread may have taken the one that did).
const NAP: Duration = Duration::from_millis(1);

/// What every generator thread of the run shares.
pub(super) struct Team<'a> {
    /// Sources for threads not started yet.
    spare: Mutex<Vec<Box<dyn Source>>>,
    order: Mutex<Order>,
    turned: Condvar,
    /// The start of the next unit to claim.
    next_claim: AtomicU64,
    /// What the run covers, set once at the handoff.
    plan: Mutex<Plan>,
    /// Records per unit, as the last full chunk measured them.
    records_per_unit: AtomicU64,
    /// Chunks per unit, and the most a thread holds before its turn: one
    /// turn handed over per unit, not per chunk. Every other thread holding
    /// this many still leaves the one whose turn it is room to reserve.
    unit_chunks: u64,
    /// Bytes reserved or filled by threads whose turn has not come: they
    /// cannot drain yet.
    ahead_bytes: AtomicU64,
    /// Threads waiting for room under the hwm: the first starts a pause,
    /// the last to get room ends it with a drain.
    waiting: Mutex<Waiting>,
    free: Mutex<Vec<Chunk>>,
    pool: Mutex<ChunkPool>,
    results: Mutex<Vec<Generated>>,
    /// Threads started, the first included, and how many of them may run;
    /// the others are parked.
    started_threads: AtomicUsize,
    wanted_threads: AtomicUsize,
    parking: Mutex<()>,
    unparked: Condvar,
    /// The first thread has ended: parked threads leave too.
    over: AtomicBool,
    /// Threads other than the first that may be claiming units: never
    /// fewer than there are (parked threads are not counted), so the
    /// first thread, seeing none, may claim as it goes.
    active_helpers: AtomicUsize,
    pub flow: Flow,
    pub fill_bytes: usize,
    pub stop: &'a std::sync::atomic::AtomicBool,
    pub counters: &'a Counters,
    pub started: Instant,
    pub deadline: Option<Instant>,
    eager: bool,
}

#[derive(Debug, Clone, Copy, Default)]
struct Plan {
    /// What positions count.
    unit: Unit,
    /// Where the claims end: `--count` (or `--size` for bytes).
    claim_end: u64,
    /// For records, the bytes `--size` still allows at the handoff.
    size_left: Option<u64>,
}

/// What the first thread has that the others do not: the scope to start
/// threads in, and the judgement of when to.
struct Lead<'scope, 'env> {
    scope: &'scope Scope<'scope, 'env>,
    growth: super::growth::Growth,
}

/// The most chunks a unit spans.
const MAX_UNIT_CHUNKS: u64 = 8;

/// Chunks per unit for `threads` threads: together they hold at most half
/// the hwm's chunks, so the writer has the other half to work through.
fn unit_chunks(flow: &Flow, threads: usize) -> u64 {
    let chunks = flow.hwm_bytes / flow.chunk_bytes as u64;
    (chunks / (2 * threads as u64)).clamp(1, MAX_UNIT_CHUNKS)
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A thread that panicked ends the run anyway (the scope re-raises it);
    // its state is plain numbers, still fit to read.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<'a> Team<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        spare: Vec<Box<dyn Source>>,
        flow: Flow,
        fill_bytes: usize,
        chunk_capacity: usize,
        stop: &'a std::sync::atomic::AtomicBool,
        counters: &'a Counters,
        started: Instant,
        deadline: Option<Instant>,
    ) -> Team<'a> {
        let threads = spare.len() + 1;
        Team {
            spare: Mutex::new(spare),
            order: Mutex::new(Order {
                turn: 0,
                end: u64::MAX,
                sent_bytes: 0,
                error: None,
                waiters: 0,
            }),
            turned: Condvar::new(),
            next_claim: AtomicU64::new(0),
            plan: Mutex::new(Plan::default()),
            records_per_unit: AtomicU64::new(1),
            unit_chunks: unit_chunks(&flow, threads),
            ahead_bytes: AtomicU64::new(0),
            waiting: Mutex::default(),
            free: Mutex::default(),
            pool: Mutex::new(ChunkPool::new(chunk_capacity)),
            results: Mutex::default(),
            started_threads: AtomicUsize::new(1),
            wanted_threads: AtomicUsize::new(1),
            parking: Mutex::new(()),
            unparked: Condvar::new(),
            over: AtomicBool::new(false),
            active_helpers: AtomicUsize::new(0),
            flow,
            fill_bytes,
            stop,
            counters,
            started,
            deadline,
            eager: flow.eager_threads,
        }
    }

    /// Takes over from the lone generator where it stopped, starts a second
    /// thread, and goes on as the first; returns what this thread did.
    pub fn lead<'scope>(
        &'scope self,
        handoff: Handoff,
        scope: &'scope Scope<'scope, '_>,
        full: &Sender<Chunk>,
        empty: &Receiver<Chunk>,
    ) -> Generated {
        let Handoff {
            source,
            position,
            records_left,
            bytes_left,
            records_per_chunk,
            free,
            growth,
        } = handoff;
        let span = match position.unit {
            Unit::Bytes => bytes_left,
            Unit::Records => records_left,
        };
        *lock(&self.plan) = Plan {
            unit: position.unit,
            claim_end: position.at.saturating_add(span),
            size_left: (position.unit == Unit::Records && bytes_left != u64::MAX)
                .then_some(bytes_left),
        };
        lock(&self.order).turn = position.at;
        self.next_claim.store(position.at, Ordering::SeqCst);
        self.records_per_unit
            .store(self.unit_for(records_per_chunk), Ordering::Relaxed);
        lock(&self.free).extend(free);
        self.grow(scope, full, empty);
        if self.eager {
            while self.can_grow() {
                self.grow(scope, full, empty);
            }
        }
        let lead = Lead { scope, growth };
        let generated = self.work(source, 0, Some(lead), full.clone(), empty.clone());
        self.over.store(true, Ordering::SeqCst);
        let _parking = lock(&self.parking);
        self.unparked.notify_all();
        generated
    }

    /// What the helper threads did, once they have all ended.
    pub fn results(&self) -> Vec<Generated> {
        std::mem::take(&mut *lock(&self.results))
    }

    /// The time some generator waited for room, in all.
    pub fn paused(&self) -> Duration {
        lock(&self.waiting).paused
    }

    /// Why the stream ended early, if it failed.
    pub fn take_error(&self) -> Option<anyhow::Error> {
        lock(&self.order).error.take()
    }

    /// Records for a unit of [`Team::unit_chunks`] chunks, the last of
    /// them filled to [`UNIT_FILL`].
    fn unit_for(&self, records_per_chunk: u64) -> u64 {
        // Chunks full at `--batch` records (an HTTP request each) are full
        // by count, not size: a unit is whole batches, none cut short.
        if let Some(batch) = self.flow.records_per_chunk
            && records_per_chunk >= batch
        {
            return batch.saturating_mul(self.unit_chunks);
        }
        let short = (records_per_chunk as f64 * (1.0 - UNIT_FILL)) as u64;
        (records_per_chunk * self.unit_chunks - short).max(1)
    }
}
