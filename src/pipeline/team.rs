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

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::Scope;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};

use super::generator::{Generated, Handoff};
use super::growth::Step;
use super::{Flow, is_set};
use crate::chunk::{Chunk, ChunkPool};
use crate::source::{Filled, Source, Unit};
use crate::stats::{Counters, End};

mod gate;
mod turn;
use gate::Waiting;
use turn::{Order, Sent};

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

    /// Whether another thread can still be started or unparked.
    pub fn can_grow(&self) -> bool {
        self.wanted_threads.load(Ordering::SeqCst) < self.started_threads.load(Ordering::SeqCst)
            || !lock(&self.spare).is_empty()
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

    /// Lets one more thread run: a parked one, or a new one if a source is
    /// left for it.
    fn grow<'scope>(
        &'scope self,
        scope: &'scope Scope<'scope, '_>,
        full: &Sender<Chunk>,
        empty: &Receiver<Chunk>,
    ) {
        if self.wanted_threads.load(Ordering::SeqCst) < self.started_threads.load(Ordering::SeqCst)
        {
            let _parking = lock(&self.parking);
            // Counted active before it wakes, so the first thread never
            // claims as if alone while it does.
            self.active_helpers.fetch_add(1, Ordering::SeqCst);
            self.wanted_threads.fetch_add(1, Ordering::SeqCst);
            self.unparked.notify_all();
            return;
        }
        let Some(source) = lock(&self.spare).pop() else {
            return;
        };
        self.active_helpers.fetch_add(1, Ordering::SeqCst);
        let index = self.started_threads.fetch_add(1, Ordering::SeqCst);
        self.wanted_threads.fetch_add(1, Ordering::SeqCst);
        let (full, empty) = (full.clone(), empty.clone());
        scope.spawn(move || {
            let generated = self.work(source, index, None, full, empty);
            lock(&self.results).push(generated);
        });
    }

    /// Parks the thread that came last, once it has finished its unit.
    fn shrink(&self) {
        let _parking = lock(&self.parking);
        let wanted = self.wanted_threads.load(Ordering::SeqCst);
        self.wanted_threads
            .store(wanted.max(2) - 1, Ordering::SeqCst);
    }

    /// Waits while thread `index` is parked; false if the run is over.
    fn parked(&self, index: usize) -> bool {
        let mut parking = lock(&self.parking);
        if index >= self.wanted_threads.load(Ordering::SeqCst) {
            // Woken only by `grow`, which counts it active again.
            self.active_helpers.fetch_sub(1, Ordering::SeqCst);
        }
        while index >= self.wanted_threads.load(Ordering::SeqCst) {
            if self.over.load(Ordering::SeqCst) || is_set(self.stop) {
                return false;
            }
            // Timed, to see a stop (which notifies no one) soon.
            parking = self
                .unparked
                .wait_timeout(parking, Duration::from_millis(20))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        true
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

    /// Whether the stream has got to `at`.
    fn turn_is(&self, at: u64) -> bool {
        lock(&self.order).turn == at
    }

    /// Sends the held chunks, each in its turn. False if the stream ended
    /// (the rest are dropped).
    fn flush(
        &self,
        held: &mut VecDeque<(u64, Chunk)>,
        source: &mut dyn Source,
        plan: &Plan,
        full: &Sender<Chunk>,
        generated: &mut Generated,
    ) -> bool {
        while let Some((at, chunk)) = held.pop_front() {
            if let Sent::Ended = self.send_in_turn(at, chunk, source, plan, full, generated) {
                for (_, chunk) in held.drain(..) {
                    self.drop_chunk(chunk);
                }
                return false;
            }
        }
        true
    }

    /// One thread's loop: claim a unit, make its chunks, send each in its
    /// turn. The leading thread (with `scope`) also adds threads.
    fn work<'scope>(
        &'scope self,
        mut source: Box<dyn Source>,
        index: usize,
        mut lead: Option<Lead<'scope, '_>>,
        full: Sender<Chunk>,
        empty: Receiver<Chunk>,
    ) -> Generated {
        let plan = *lock(&self.plan);
        let mut generated = Generated::new(self.started);
        // Chunks made and not yet sent, in stream order.
        let mut held: VecDeque<(u64, Chunk)> = VecDeque::new();
        // Every position a thread claims is sent, or the stream is ended at
        // or before it (`end_at`): the threads waiting for a later turn
        // depend on it. So a thread leaves its claims only between units,
        // holding nothing, or through `end_at`.
        generated.end = 'claims: loop {
            debug_assert!(held.is_empty(), "a claim starts holding nothing");
            if is_set(self.stop) {
                break End::Interrupted;
            }
            if index > 0 && !self.parked(index) {
                break End::Complete;
            }
            if self.deadline.is_some_and(|d| Instant::now() >= d) {
                break End::Complete;
            }
            // The first thread with every other parked claims as it goes,
            // filling whole chunks as the lone generator does.
            let alone = lead.is_some() && self.active_helpers.load(Ordering::SeqCst) == 0;
            let (first, last) = if alone {
                (self.next_claim.load(Ordering::SeqCst), plan.claim_end)
            } else {
                let unit = match plan.unit {
                    Unit::Bytes => self.fill_bytes as u64 * self.unit_chunks,
                    Unit::Records => self.records_per_unit.load(Ordering::Relaxed),
                };
                let first = self.next_claim.fetch_add(unit, Ordering::SeqCst);
                (first, first.saturating_add(unit).min(plan.claim_end))
            };
            if first >= plan.claim_end {
                break End::Complete;
            }
            if source.position().map(|p| p.at) != Some(first) {
                source.seek(first);
            }
            let mut at = first;
            while at < last {
                if is_set(self.stop) {
                    // Mid-unit: the stream ends here, with no gap; what
                    // this thread holds before it still goes in its turn.
                    self.end_at(at, None);
                    self.flush(&mut held, &mut *source, &plan, &full, &mut generated);
                    break 'claims End::Interrupted;
                }
                if !self.reserve(at, &empty) {
                    // The stream ended before `at`, or the writer is gone.
                    // Either way nothing from `at` on will be sent, so the
                    // stream ends here: threads holding chunks past this
                    // unit would otherwise wait for a turn that never
                    // comes (issue 16: `| head` hung 1 run in 8).
                    self.end_at(at, None);
                    self.flush(&mut held, &mut *source, &plan, &full, &mut generated);
                    break 'claims generated.end;
                }
                let mut chunk = self.take_chunk(&empty);
                let busy = Instant::now();
                let filled = self.fill(&mut *source, &mut chunk, last - at, plan.unit);
                generated.busy += busy.elapsed();
                let reserved = self.flow.chunk_bytes as u64;
                // The reservation shrinks to what the chunk holds.
                self.counters
                    .buffered_bytes
                    .fetch_sub(reserved - filled.bytes as u64, Ordering::SeqCst);
                self.ahead_bytes
                    .fetch_sub(reserved - filled.bytes as u64, Ordering::SeqCst);
                chunk.set_filled(filled.bytes, filled.records);
                held.push_back((at, chunk));
                at += match plan.unit {
                    Unit::Bytes => filled.bytes as u64,
                    Unit::Records => filled.records,
                };
                // Held chunks go out once the turn is theirs, the unit is
                // made, or this thread holds its share of the hwm; an empty
                // one (nothing fits) ends the stream in its turn.
                let due = filled.bytes == 0
                    || at >= last
                    || held.len() as u64 >= self.unit_chunks
                    || self.turn_is(held[0].0);
                if due && !self.flush(&mut held, &mut *source, &plan, &full, &mut generated) {
                    break 'claims generated.end;
                }
                if filled.bytes == 0 {
                    break 'claims generated.end;
                }
                if alone {
                    self.next_claim.store(at, Ordering::SeqCst);
                }
                if plan.unit == Unit::Records && filled.records > 0 && (alone || at < last) {
                    // Units sized to fill chunks, as the last one measured.
                    let per_chunk =
                        self.fill_bytes as u64 * filled.records / (filled.bytes as u64).max(1);
                    self.records_per_unit
                        .store(self.unit_for(per_chunk), Ordering::Relaxed);
                }
                if let Some(lead) = &mut lead {
                    match lead
                        .growth
                        .look(Instant::now(), self.counters, self.can_grow())
                    {
                        Step::Grow => {
                            self.grow(lead.scope, &full, &empty);
                            if alone {
                                // No longer alone: claim in units again,
                                // holding nothing, as every claim starts.
                                if !self.flush(
                                    &mut held,
                                    &mut *source,
                                    &plan,
                                    &full,
                                    &mut generated,
                                ) {
                                    break 'claims generated.end;
                                }
                                continue 'claims;
                            }
                        }
                        Step::Shrink => self.shrink(),
                        Step::Hold => {}
                    }
                }
                if alone && self.deadline.is_some_and(|d| Instant::now() >= d) {
                    self.end_at(at, None);
                    self.flush(&mut held, &mut *source, &plan, &full, &mut generated);
                    break 'claims End::Complete;
                }
            }
        };
        generated
    }

    /// Fills `chunk` with the unit's records from the source's position,
    /// at most `left` of them (or `left` bytes).
    fn fill(&self, source: &mut dyn Source, chunk: &mut Chunk, left: u64, unit: Unit) -> Filled {
        let capacity = self.flow.chunk_bytes;
        if unit == Unit::Bytes {
            let room = (self.fill_bytes as u64).min(left) as usize;
            return source.fill(&mut chunk.space()[..room], u64::MAX);
        }
        // At most `--batch` records a chunk, as with one thread.
        let left = left.min(self.flow.records_per_chunk.unwrap_or(u64::MAX));
        let filled = source.fill(&mut chunk.space()[..self.fill_bytes], left);
        if filled.bytes == 0 && self.fill_bytes < capacity {
            // As with one thread: a record too big for the size the sink
            // fitted chunks to, but not for a chunk, goes out alone.
            return source.fill(&mut chunk.space()[..capacity], left.min(1));
        }
        filled
    }
}
