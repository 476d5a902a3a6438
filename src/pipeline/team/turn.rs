//! The order chunks go out in: each waits for its turn, the position the
//! stream has got to, and the stream ends at a position too, past which
//! chunks made ahead are dropped: `--size` (the crossing chunk cut back to
//! its last whole record), a record too big, Ctrl-C or a writer gone.

use std::sync::PoisonError;
use std::sync::atomic::Ordering;
use std::time::Instant;

use crossbeam_channel::Sender;

use super::{Plan, Team, lock};
use crate::chunk::Chunk;
use crate::pipeline::generator::{Generated, RecordTooBig, measure_record};
use crate::source::{Source, Unit};
use crate::stats::End;

/// Where the stream has got to. Changed only by the thread whose turn it
/// is, and where the stream ends.
#[derive(Debug)]
pub(super) struct Order {
    /// The position of the next chunk to send.
    pub turn: u64,
    /// Nothing at or past this position is sent.
    pub end: u64,
    /// Bytes sent since the handoff, for `--size`.
    pub sent_bytes: u64,
    pub error: Option<anyhow::Error>,
    /// Threads waiting for their turn: a send with none skips the wake-up.
    pub waiters: u32,
}

/// How a chunk's turn went.
pub(super) enum Sent {
    /// It went out; the stream goes on.
    Next,
    /// The stream ended at or before it.
    Ended,
}

impl Team<'_> {
    /// Whether the stream has got to `at`.
    pub(super) fn turn_is(&self, at: u64) -> bool {
        lock(&self.order).turn == at
    }

    /// Ends the stream at `at` (if not already ended sooner), and wakes
    /// every thread waiting for a turn that will not come.
    pub(super) fn end_at(&self, at: u64, error: Option<anyhow::Error>) {
        let mut order = lock(&self.order);
        order.end = order.end.min(at);
        if error.is_some() {
            self.counters.source_failed.store(true, Ordering::SeqCst);
        }
        if error.is_some() && order.error.is_none() {
            order.error = error;
        }
        self.turned.notify_all();
    }

    /// Waits for the turn of the chunk at `at`, then sends it: cut back to
    /// `--size` if it crosses it, or, if it is empty, ends the stream as
    /// one thread would (the size is reached, or a record is too big).
    pub(super) fn send_in_turn(
        &self,
        at: u64,
        mut chunk: Chunk,
        source: &mut dyn Source,
        plan: &Plan,
        full: &Sender<Chunk>,
        generated: &mut Generated,
    ) -> Sent {
        let sent_bytes = {
            let mut order = lock(&self.order);
            while order.turn != at && at < order.end {
                order.waiters += 1;
                order = self
                    .turned
                    .wait(order)
                    .unwrap_or_else(PoisonError::into_inner);
                order.waiters -= 1;
            }
            if at >= order.end {
                drop(order);
                self.drop_chunk(chunk);
                return Sent::Ended;
            }
            order.sent_bytes
        };
        // This chunk's turn: nothing else moves the stream until it is done.
        let size_left = plan.size_left.map(|size| size - sent_bytes);
        let mut last = false;
        if let Some(left) = size_left
            && chunk.len() as u64 > left
        {
            // Made again into the bytes left: the last whole records that
            // fit, as one thread would have stopped.
            let records = chunk.records;
            source.seek(at);
            let left = left as usize;
            let filled = source.fill(&mut chunk.space()[..left], records);
            let cut = (chunk.len() - filled.bytes) as u64;
            self.counters
                .buffered_bytes
                .fetch_sub(cut, Ordering::SeqCst);
            self.ahead_bytes.fetch_sub(cut, Ordering::SeqCst);
            chunk.set_filled(filled.bytes, filled.records);
            last = true;
        }
        if chunk.is_empty() {
            let room = size_left.map_or(u64::MAX, |left| left);
            let error = if last || room < self.flow.chunk_bytes as u64 {
                // --size has no room for one more whole record.
                None
            } else {
                source.seek(at);
                Some(anyhow::Error::new(RecordTooBig {
                    chunk_bytes: self.flow.chunk_bytes,
                    record_bytes: measure_record(source, self.flow.chunk_bytes),
                }))
            };
            generated.end = if error.is_some() {
                End::Error
            } else {
                End::Complete
            };
            self.drop_chunk(chunk);
            self.end_at(at, error);
            return Sent::Ended;
        }
        let (len, advance) = match plan.unit {
            Unit::Bytes => (chunk.len() as u64, chunk.len() as u64),
            Unit::Records => (chunk.len() as u64, chunk.records),
        };
        self.ahead_bytes.fetch_sub(len, Ordering::SeqCst);
        generated.sent.add(len, Instant::now());
        if full.send(chunk).is_err() {
            // The writer has stopped; it reports why.
            generated.end = End::Error;
            self.end_at(at, None);
            return Sent::Ended;
        }
        let next = at + advance;
        let mut order = lock(&self.order);
        order.turn = next;
        order.sent_bytes += len;
        if last {
            order.end = order.end.min(next);
        }
        if order.waiters > 0 {
            self.turned.notify_all();
        }
        drop(order);
        if last {
            generated.end = End::Complete;
            return Sent::Ended;
        }
        Sent::Next
    }
}
