//! The generator thread: fill a chunk, wait at the high-water mark if it
//! does not fit, send it, repeat until a limit, a stop or a dead writer.
//!
//! Every run starts with this one generator. Where more threads may help
//! (see `team.rs`), it hands its source and its place in the stream over
//! to the team once the run shows that it is the bottleneck.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};

use super::growth::{Growth, Step};
use super::pace::{Pacer, Rate};
use super::{Flow, Integral, Limits, is_set};
use crate::chunk::{Chunk, ChunkPool};
use crate::source::{Filled, Position, Source};
use crate::stats::{Counters, End};

pub(super) struct Generator<'a> {
    pub source: Box<dyn Source>,
    pub limits: Limits,
    pub flow: Flow,
    /// How much of a chunk to fill: `--chunk`, or less if the sink asked.
    pub fill_bytes: usize,
    /// What a new chunk holds: `--chunk` and the sink's headroom.
    pub chunk_capacity: usize,
    pub stop: &'a AtomicBool,
    pub counters: &'a Counters,
    pub started: Instant,
    /// When to hand over to several threads; `None` runs alone to the end.
    pub growth: Option<Growth>,
}

pub(super) struct Generated {
    pub end: End,
    /// Why the generator could not go on, if it failed: a record too big
    /// for a chunk, or a source that failed (a read error).
    pub error: Option<anyhow::Error>,
    pub paused: Duration,
    pub sent: Integral,
    /// Time spent filling chunks.
    pub busy: Duration,
    /// Where the team takes over, if this generator stopped to let it.
    pub handoff: Option<Handoff>,
}

impl Generated {
    pub fn new(started: Instant) -> Generated {
        Generated {
            end: End::Complete,
            error: None,
            paused: Duration::ZERO,
            sent: Integral::new(started),
            busy: Duration::ZERO,
            handoff: None,
        }
    }
}

/// What the lone generator hands over to the team: its source, where the
/// stream has got to, and what the limits still allow.
pub(super) struct Handoff {
    pub source: Box<dyn Source>,
    pub position: Position,
    pub records_left: u64,
    pub bytes_left: u64,
    /// Records in the last chunk, to size the team's units.
    pub records_per_chunk: u64,
    pub free: Vec<Chunk>,
    /// Judging the trial the handoff starts.
    pub growth: Growth,
}

impl Generator<'_> {
    pub fn run(mut self, full: Sender<Chunk>, empty: Receiver<Chunk>) -> Generated {
        let deadline = self.limits.duration.map(|d| self.started + d);
        let past_deadline = || deadline.is_some_and(|d| Instant::now() >= d);
        let mut records_left = self.limits.records.unwrap_or(u64::MAX);
        let mut bytes_left = self.limits.bytes.unwrap_or(u64::MAX);
        let mut pacer = self.flow.rate.map(|rate| {
            let burst = self.flow.burst.map(|b| b as f64);
            Pacer::new(
                rate.per_second(),
                burst,
                self.flow.chunk_bytes as f64,
                self.started,
            )
        });
        // Chunks are made only when none is free, so there are never more
        // than the channel holds plus the two in hand.
        let mut pool = ChunkPool::new(self.chunk_capacity);
        let mut free: Vec<Chunk> = Vec::new();
        let mut paused = Duration::ZERO;
        let mut sent = Integral::new(self.started);
        let mut busy = Duration::ZERO;
        let mut error = None;
        let mut handoff = None;

        let end = loop {
            if is_set(self.stop) {
                break End::Interrupted;
            }
            if records_left == 0 || bytes_left == 0 || past_deadline() {
                break End::Complete;
            }
            free.extend(empty.try_iter());
            let mut chunk = free.pop().unwrap_or_else(|| pool.take());
            // Filled to `--chunk`, not the page-rounded capacity (the water
            // marks are checked against --chunk), or to what the sink
            // fitted it to.
            let capacity = (self.flow.chunk_bytes as u64).min(bytes_left) as usize;
            let room = capacity.min(self.fill_bytes);
            let filling = Instant::now();
            let chunk_records = records_left.min(self.flow.records_per_chunk.unwrap_or(u64::MAX));
            let filled = match (&mut pacer, self.flow.rate) {
                (Some(pacer), Some(rate)) => {
                    let Some(credit) = pacer.wait(|| is_set(self.stop) || past_deadline()) else {
                        free.push(chunk);
                        continue;
                    };
                    let filled = self.fill_paced(&mut chunk, room, chunk_records, rate, credit);
                    pacer.sent(units(rate, filled));
                    filled
                }
                _ => self.source.fill(&mut chunk.space()[..room], chunk_records),
            };
            let filled = if filled.bytes == 0 && room < capacity {
                // A record too big for the fitted size but not for the
                // chunk (which --chunk guarantees) goes out alone.
                let alone = self
                    .source
                    .fill(&mut chunk.space()[..capacity], records_left.min(1));
                if let (Some(pacer), Some(rate)) = (&mut pacer, self.flow.rate) {
                    pacer.sent(units(rate, alone));
                }
                alone
            } else {
                filled
            };
            busy += filling.elapsed();
            if filled.bytes == 0 {
                // Nothing fit: either --size has no room for one more whole
                // record (a normal end), or a record is larger than a chunk,
                // or a source that read from somewhere failed.
                error = self.source.take_error();
                if error.is_none()
                    && capacity == self.flow.chunk_bytes
                    && self.source.never_runs_dry()
                {
                    error = Some(anyhow::Error::new(RecordTooBig {
                        chunk_bytes: self.flow.chunk_bytes,
                        record_bytes: measure_record(&mut *self.source, self.flow.chunk_bytes),
                    }));
                }
                break if error.is_some() {
                    self.counters.source_failed.store(true, Ordering::SeqCst);
                    End::Error
                } else {
                    End::Complete
                };
            }
            chunk.set_filled(filled.bytes, filled.records);
            records_left = records_left.saturating_sub(filled.records);
            bytes_left -= filled.bytes as u64;

            let len = chunk.len() as u64;
            if !self.fits(len, &full) {
                let waited = Instant::now();
                self.counters.pauses.fetch_add(1, Ordering::Relaxed);
                self.counters.paused.store(true, Ordering::Relaxed);
                let writer_alive = self.wait_for_drain(len, &full, &empty, &mut free);
                self.counters.paused.store(false, Ordering::Relaxed);
                let waited = waited.elapsed();
                paused += waited;
                self.counters.add_time(&self.counters.paused_ns, waited);
                if !writer_alive {
                    break End::Error;
                }
                self.counters.drains.fetch_add(1, Ordering::Relaxed);
            }
            self.counters.add_buffered(len);
            let now = Instant::now();
            sent.add(len, now);
            let records_per_chunk = chunk.records;
            if full.send(chunk).is_err() {
                // The writer has stopped; it reports why.
                break End::Error;
            }
            if let Some(growth) = &mut self.growth
                && growth.look(now, self.counters, true) == Step::Grow
                && records_left > 0
                && bytes_left > 0
                && let Some(position) = self.source.position()
            {
                handoff = Some((position, records_left, bytes_left, records_per_chunk));
                break End::Complete;
            }
        };
        let handoff =
            handoff.map(
                |(position, records_left, bytes_left, records_per_chunk)| Handoff {
                    source: self.source,
                    position,
                    records_left,
                    bytes_left,
                    records_per_chunk,
                    free,
                    growth: self.growth.expect("a handoff comes of growth"),
                },
            );
        Generated {
            end,
            error,
            paused,
            sent,
            busy,
            handoff,
        }
    }

    /// Fills a chunk with no more than the pacer's `credit`. A record larger
    /// than the byte credit still goes out, alone, on credit: the pacer
    /// counts the debt and waits it off, so the long-run rate holds.
    fn fill_paced(
        &mut self,
        chunk: &mut Chunk,
        room: usize,
        records_left: u64,
        rate: Rate,
        credit: u64,
    ) -> Filled {
        match rate {
            Rate::Records(_) => self
                .source
                .fill(&mut chunk.space()[..room], records_left.min(credit)),
            Rate::Bytes(_) => {
                let budget = room.min(credit.try_into().unwrap_or(usize::MAX));
                let filled = self.source.fill(&mut chunk.space()[..budget], records_left);
                if filled.bytes == 0 && budget < room {
                    return self
                        .source
                        .fill(&mut chunk.space()[..room], records_left.min(1));
                }
                filled
            }
        }
    }

    /// Whether a chunk of `len` bytes may be sent without passing the hwm,
    /// and without blocking on a full channel (tiny chunks can fill its
    /// slots first; blocking there unseen would hide a pause).
    fn fits(&self, len: u64, full: &Sender<Chunk>) -> bool {
        self.counters.buffered_bytes.load(Ordering::SeqCst) + len <= self.flow.hwm_bytes
            && !full.is_full()
    }

    /// Blocks until the buffered bytes are down to the low-water mark (and
    /// the chunk fits). A chunk handed back is the wake-up: the writer
    /// lowers the count before handing it back, and while `paused` is set
    /// it holds the chunks until the count is at the mark, so this wakes
    /// about once per drain rather than once per chunk. Returns false if
    /// the writer is gone.
    fn wait_for_drain(
        &self,
        len: u64,
        full: &Sender<Chunk>,
        empty: &Receiver<Chunk>,
        free: &mut Vec<Chunk>,
    ) -> bool {
        loop {
            let buffered = self.counters.buffered_bytes.load(Ordering::SeqCst);
            if buffered <= self.flow.lwm_bytes && self.fits(len, full) {
                return true;
            }
            match empty.recv() {
                Ok(chunk) => free.push(chunk),
                Err(_) => return false,
            }
        }
    }
}

/// The size of the record that did not fit in a chunk, found by filling
/// ever larger scratch buffers with it; `None` past [`MEASURE_LIMIT`].
/// A fill that writes nothing leaves the source where it was, so this
/// is the very record that did not fit.
pub(super) fn measure_record(source: &mut dyn Source, chunk_bytes: usize) -> Option<usize> {
    let mut size = chunk_bytes.saturating_mul(2).max(64);
    while size <= MEASURE_LIMIT {
        let mut scratch = vec![0u8; size];
        let filled = source.fill(&mut scratch, 1);
        if filled.bytes > 0 {
            return Some(filled.bytes);
        }
        size *= 2;
    }
    None
}

/// The largest record [`measure_record`] looks for: `--chunk`
/// goes up to 1 GiB, but a record past this is a template gone wrong.
const MEASURE_LIMIT: usize = 64 << 20;

/// A record larger than `--chunk`. It is found only when the first one is
/// made (a template's records vary in size, and this is where their size
/// is known), but it is a usage error: the fix is a larger `--chunk`, so
/// the command line turns it into one, with exit code 2.
#[derive(Debug)]
pub struct RecordTooBig {
    pub chunk_bytes: usize,
    /// The record's size, if it was within [`MEASURE_LIMIT`].
    pub record_bytes: Option<usize>,
}

impl std::fmt::Display for RecordTooBig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.record_bytes {
            Some(needed) => write!(
                f,
                "a record of {needed} bytes does not fit in --chunk {}: use --chunk {needed} or more",
                self.chunk_bytes
            ),
            None => write!(
                f,
                "a record of more than {MEASURE_LIMIT} bytes does not fit in --chunk {}: shorten the template",
                self.chunk_bytes
            ),
        }
    }
}

impl std::error::Error for RecordTooBig {}

/// What a fill counts for against a rate: records or bytes.
fn units(rate: Rate, filled: Filled) -> u64 {
    match rate {
        Rate::Records(_) => filled.records,
        Rate::Bytes(_) => filled.bytes as u64,
    }
}
