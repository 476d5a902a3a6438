//! Each write's bytes made on the writer's own thread, just before it is
//! submitted: the pipeline of a region run (`--pattern`), one thread, as
//! fio's job is.
//!
//! Why not the generator thread: a region's writes are one small chunk
//! each (4 KiB random writes), so the generator refilled the channel in
//! bursts of a hundred chunks at the low-water mark, and a write whose
//! completion came during a burst waited for the CPU the burst held
//! (bench/randwrite.md, 2026-12-05 08:57: the 2 % of depth-1 writes that
//! overlapped a burst made 30 % of the slowest 1 %). Made here, a chunk
//! costs one fill (`source/scattered.rs` makes the bytes for its offset)
//! and no hand-off; nothing is made ahead, so the bytes buffered are the
//! writes in flight, still held under the high-water mark.
//!
//! At every depth, not only at depth 1: deeper, the second CPU a
//! generator thread would use is worth less than the hand-off costs. Quiet,
//! 4 KiB at depth 32, one thread made 196k, 195k and 180k IOPS against two
//! threads' 165k, 190k and 182k, in interleaved rounds (fio: 211k, 192k,
//! 200k; bench/randwrite.md, 2026-12-05 16:28), and 175k and 198k against
//! 146k and 158k in an earlier pair of rounds.
//!
//! The flow figures stay what they mean: a pause is a chunk that had to
//! wait for a write to complete before it could be made without passing
//! the hwm; the writer is idle while it makes bytes (the destination is
//! given nothing new then), and that time is also the generator's busy
//! time.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, TryRecvError};

use super::generator::{Generated, RecordTooBig, measure_record};
use super::{Flow, Limits, is_set};
use crate::chunk::{Chunk, ChunkPool};
use crate::source::Source;
use crate::stats::{Counters, End};

pub(super) struct Maker<'a> {
    pub source: Box<dyn Source>,
    pub flow: Flow,
    pub fill_bytes: usize,
    pub pool: ChunkPool,
    /// Written chunks, handed back by the writer's `Returns`.
    pub empty: Receiver<Chunk>,
    pub free: Vec<Chunk>,
    pub stop: &'a std::sync::atomic::AtomicBool,
    pub counters: &'a Counters,
    pub deadline: Option<Instant>,
    pub records_left: u64,
    pub bytes_left: u64,
    /// When the chunk that waits at the hwm started waiting.
    pub paused_since: Option<Instant>,
    pub generated: Generated,
    /// Set once no more chunks will be made.
    pub ended: bool,
}

impl<'a> Maker<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        source: Box<dyn Source>,
        limits: Limits,
        flow: Flow,
        fill_bytes: usize,
        chunk_capacity: usize,
        empty: Receiver<Chunk>,
        stop: &'a std::sync::atomic::AtomicBool,
        counters: &'a Counters,
        started: Instant,
    ) -> Maker<'a> {
        Maker {
            source,
            flow,
            fill_bytes,
            pool: ChunkPool::new(chunk_capacity),
            empty,
            free: Vec::new(),
            stop,
            counters,
            deadline: limits.duration.map(|d| started + d),
            records_left: limits.records.unwrap_or(u64::MAX),
            bytes_left: limits.bytes.unwrap_or(u64::MAX),
            paused_since: None,
            generated: Generated::new(started),
            ended: false,
        }
    }

    /// The next chunk to write: `Empty` while the writes in flight hold the
    /// hwm (`busy`: some are in flight, so one completing makes room),
    /// `Disconnected` once the run has nothing more to write.
    pub fn next(&mut self, busy: bool) -> Result<Chunk, TryRecvError> {
        if self.ended {
            return Err(TryRecvError::Disconnected);
        }
        if let Some(end) = self.end() {
            return Err(self.finish(end));
        }
        let want = (self.flow.chunk_bytes as u64).min(self.bytes_left);
        let buffered = self.counters.buffered_bytes.load(Ordering::Relaxed);
        if busy && buffered + want > self.flow.hwm_bytes {
            if self.paused_since.is_none() {
                self.paused_since = Some(Instant::now());
                self.counters.pauses.fetch_add(1, Ordering::Relaxed);
                self.counters.paused.store(true, Ordering::Relaxed);
            }
            return Err(TryRecvError::Empty);
        }
        if let Some(since) = self.paused_since.take() {
            self.generated.paused += since.elapsed();
            self.counters.paused.store(false, Ordering::Relaxed);
            self.counters.drains.fetch_add(1, Ordering::Relaxed);
        }
        self.free.extend(self.empty.try_iter());
        let mut chunk = self.free.pop().unwrap_or_else(|| self.pool.take());
        let capacity = want as usize;
        let room = capacity.min(self.fill_bytes);
        let records = self
            .records_left
            .min(self.flow.records_per_chunk.unwrap_or(u64::MAX));
        let filling = Instant::now();
        let mut filled = self.source.fill(&mut chunk.space()[..room], records);
        if filled.bytes == 0 && room < capacity {
            filled = self
                .source
                .fill(&mut chunk.space()[..capacity], self.records_left.min(1));
        }
        let now = Instant::now();
        self.generated.busy += now.duration_since(filling);
        if filled.bytes == 0 {
            self.free.push(chunk);
            let end = self.failed(capacity);
            return Err(self.finish(end));
        }
        chunk.set_filled(filled.bytes, filled.records);
        self.records_left = self.records_left.saturating_sub(filled.records);
        self.bytes_left -= filled.bytes as u64;
        let len = filled.bytes as u64;
        self.counters.add_buffered(len);
        self.generated.sent.add(len, now);
        Ok(chunk)
    }

    /// Why no more chunks are to be made, if that is so.
    fn end(&self) -> Option<End> {
        if is_set(self.stop) {
            return Some(End::Interrupted);
        }
        let past = self.deadline.is_some_and(|d| Instant::now() >= d);
        (self.records_left == 0 || self.bytes_left == 0 || past).then_some(End::Complete)
    }

    /// A fill that made nothing: the end of `--size`, or a source that
    /// failed, as the generator thread tells them apart.
    fn failed(&mut self, capacity: usize) -> End {
        let mut error = self.source.take_error();
        if error.is_none() && capacity == self.flow.chunk_bytes && self.source.never_runs_dry() {
            error = Some(anyhow::Error::new(RecordTooBig {
                chunk_bytes: self.flow.chunk_bytes,
                record_bytes: measure_record(&mut *self.source, self.flow.chunk_bytes),
            }));
        }
        match error {
            Some(error) => {
                self.generated.error = Some(error);
                self.counters.source_failed.store(true, Ordering::SeqCst);
                End::Error
            }
            None => End::Complete,
        }
    }

    fn finish(&mut self, end: End) -> TryRecvError {
        self.ended = true;
        self.generated.end = end;
        if let Some(since) = self.paused_since.take() {
            self.generated.paused += since.elapsed();
            self.counters.paused.store(false, Ordering::Relaxed);
        }
        TryRecvError::Disconnected
    }

    /// What the generator thread would have reported.
    pub fn into_generated(self) -> Generated {
        self.generated
    }
}

/// The time a run's writer spent making bytes, which is its idle time:
/// the destination was given nothing new meanwhile.
pub(super) fn idle(generated: &Generated) -> Duration {
    generated.busy
}
