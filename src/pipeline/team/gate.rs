//! The team's side of the high-water mark: a thread reserves a chunk's
//! bytes before it fills one, so chunks made ahead of their turn count as
//! buffered and memory stays under the hwm; a thread that cannot reserve
//! pauses until the writer has drained to the low-water mark. Pauses are
//! counted once however many threads wait in them, and drains exactly.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError};

use super::{NAP, Team, lock};
use crate::chunk::Chunk;

#[derive(Debug, Default)]
pub(super) struct Waiting {
    pub threads: u32,
    pub since: Option<Instant>,
    pub paused: Duration,
}

impl Team<'_> {
    /// Reserves a chunk's bytes under the hwm for the chunk at `at`,
    /// pausing until there is room. False if the stream ended before `at`
    /// or the writer is gone.
    pub(super) fn reserve(&self, at: u64, empty: &Receiver<Chunk>) -> bool {
        let len = self.flow.chunk_bytes as u64;
        let buffered = &self.counters.buffered_bytes;
        let fits = || buffered.load(Ordering::SeqCst) + len <= self.flow.hwm_bytes;
        if !fits() {
            self.start_waiting();
            let drained = loop {
                let drainable = buffered
                    .load(Ordering::SeqCst)
                    .saturating_sub(self.ahead_bytes.load(Ordering::SeqCst));
                if drainable <= self.flow.lwm_bytes && fits() {
                    break true;
                }
                if lock(&self.order).end <= at {
                    break false;
                }
                match empty.recv_timeout(NAP) {
                    Ok(chunk) => lock(&self.free).push(chunk),
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => break false,
                }
            };
            self.stop_waiting(drained);
            if !drained {
                return false;
            }
        }
        self.ahead_bytes.fetch_add(len, Ordering::SeqCst);
        self.counters.add_buffered(len);
        true
    }

    pub(super) fn start_waiting(&self) {
        let mut waiting = lock(&self.waiting);
        waiting.threads += 1;
        if waiting.threads == 1 {
            self.counters.pauses.fetch_add(1, Ordering::Relaxed);
            self.counters.paused.store(true, Ordering::Relaxed);
            waiting.since = Some(Instant::now());
        }
    }

    /// The last waiting thread to go ends the pause, with a drain if it
    /// got room (not if the stream ended under it).
    pub(super) fn stop_waiting(&self, drained: bool) {
        let mut waiting = lock(&self.waiting);
        waiting.threads -= 1;
        if waiting.threads == 0 {
            if let Some(since) = waiting.since.take() {
                let waited = since.elapsed();
                waiting.paused += waited;
                self.counters.add_time(&self.counters.paused_ns, waited);
            }
            self.counters.paused.store(false, Ordering::Relaxed);
            if drained {
                self.counters.drains.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// A free chunk: one the writer handed back, one kept from a pause, or
    /// a new one. Shared, so no thread hoards what another then makes anew.
    pub(super) fn take_chunk(&self, empty: &Receiver<Chunk>) -> Chunk {
        if let Ok(chunk) = empty.try_recv() {
            return chunk;
        }
        if let Some(chunk) = lock(&self.free).pop() {
            return chunk;
        }
        lock(&self.pool).take()
    }

    /// Gives back a chunk that will not be sent, and its reservation.
    pub(super) fn drop_chunk(&self, chunk: Chunk) {
        let len = chunk.len() as u64;
        self.counters
            .buffered_bytes
            .fetch_sub(len, Ordering::SeqCst);
        self.ahead_bytes.fetch_sub(len, Ordering::SeqCst);
        lock(&self.free).push(chunk);
    }
}
