//! One generator thread of a team, from its first claim to its end: claim
//! a unit, make its chunks, and send them in their turn. Apart from
//! `team.rs`, which holds what the threads share, because this is what each
//! thread does alone, step by step: whether it may claim, what it claims,
//! each chunk it makes, when it sends what it holds, and (for the first
//! thread) whether to add or park a thread.
//!
//! Every position a thread claims is sent, or the stream is ended at or
//! before it (`end_at`): the threads waiting for a later turn depend on it.
//! So a thread leaves its claims only between units, holding nothing, or
//! through `end_at` ([`Worker::end_here`]).

use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::time::Instant;

use crossbeam_channel::{Receiver, Sender};

use super::turn::Sent;
use super::{Lead, Plan, Team, lock};
use crate::chunk::Chunk;
use crate::pipeline::generator::Generated;
use crate::pipeline::growth::Step;
use crate::pipeline::is_set;
use crate::source::{Filled, Source, Unit};
use crate::stats::End;

/// One thread's own state: its source, the chunks it made and has not
/// sent yet, and what it did.
struct Worker<'scope, 'env, 'a> {
    team: &'scope Team<'a>,
    source: Box<dyn Source>,
    index: usize,
    /// The first thread's: it also adds and parks threads.
    lead: Option<Lead<'scope, 'env>>,
    full: Sender<Chunk>,
    empty: Receiver<Chunk>,
    plan: Plan,
    /// Chunks made and not yet sent, in stream order.
    held: VecDeque<(u64, Chunk)>,
    generated: Generated,
}

/// How making a claimed unit went.
enum Made {
    /// Made and sent (or handed on, held nothing): claim the next one.
    Next,
    /// The stream ended, or this thread leaves it.
    Ended(End),
}

impl<'a> Team<'a> {
    /// One thread's loop: claim a unit, make its chunks, send each in its
    /// turn. The leading thread (with `lead`) also adds threads.
    pub(super) fn work<'scope>(
        &'scope self,
        source: Box<dyn Source>,
        index: usize,
        lead: Option<Lead<'scope, '_>>,
        full: Sender<Chunk>,
        empty: Receiver<Chunk>,
    ) -> Generated {
        // Read apart, in a statement of its own: a guard made inside the
        // tail expression below lives until `run` returns, and the first
        // thread held the plan's lock for the whole run, so every other
        // thread waited on it and one thread made every chunk.
        let plan = *lock(&self.plan);
        Worker {
            team: self,
            source,
            index,
            lead,
            full,
            empty,
            plan,
            held: VecDeque::new(),
            generated: Generated::new(self.started),
        }
        .run()
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

impl Worker<'_, '_, '_> {
    fn run(mut self) -> Generated {
        self.generated.end = loop {
            debug_assert!(self.held.is_empty(), "a claim starts holding nothing");
            if let Some(end) = self.no_more_claims() {
                break end;
            }
            // The first thread with every other parked claims as it goes,
            // filling whole chunks as the lone generator does.
            let alone = self.lead.is_some() && self.team.active_helpers.load(Ordering::SeqCst) == 0;
            let (first, last) = self.claim(alone);
            if first >= self.plan.claim_end {
                break End::Complete;
            }
            if let Made::Ended(end) = self.make(first, last, alone) {
                break end;
            }
        };
        self.generated
    }

    /// Why this thread claims no more, if it does not: a stop, parked
    /// until the run ended, or `--time` up.
    fn no_more_claims(&self) -> Option<End> {
        let team = self.team;
        if is_set(team.stop) {
            return Some(End::Interrupted);
        }
        if self.index > 0 && !team.parked(self.index) {
            return Some(End::Complete);
        }
        if team.deadline.is_some_and(|d| Instant::now() >= d) {
            return Some(End::Complete);
        }
        None
    }

    /// The positions `first..last` this thread makes next: one unit, or,
    /// alone, the rest of the run (it marks its progress as it goes).
    fn claim(&self, alone: bool) -> (u64, u64) {
        let team = self.team;
        if alone {
            return (team.next_claim.load(Ordering::SeqCst), self.plan.claim_end);
        }
        let unit = match self.plan.unit {
            Unit::Bytes => team.fill_bytes as u64 * team.unit_chunks,
            Unit::Records => team.records_per_unit.load(Ordering::Relaxed),
        };
        let first = team.next_claim.fetch_add(unit, Ordering::SeqCst);
        (first, first.saturating_add(unit).min(self.plan.claim_end))
    }

    /// Makes the chunks of `first..last`, sending them as they fall due.
    fn make(&mut self, first: u64, last: u64, alone: bool) -> Made {
        let team = self.team;
        if self.source.position().map(|p| p.at) != Some(first) {
            self.source.seek(first);
        }
        let mut at = first;
        while at < last {
            if is_set(team.stop) {
                // Mid-unit: the stream ends here, with no gap.
                self.end_here(at);
                return Made::Ended(End::Interrupted);
            }
            if !team.reserve(at, &self.empty) {
                // The stream ended before `at`, or the writer is gone.
                // Either way nothing from `at` on will be sent, so the
                // stream ends here: threads holding chunks past this
                // unit would otherwise wait for a turn that never
                // comes (issue 16: `| head` hung 1 run in 8).
                self.end_here(at);
                return Made::Ended(self.generated.end);
            }
            let filled = self.make_chunk(at, last);
            at += match self.plan.unit {
                Unit::Bytes => filled.bytes as u64,
                Unit::Records => filled.records,
            };
            // Held chunks go out once the turn is theirs, the unit is
            // made, or this thread holds its share of the hwm; an empty
            // one (nothing fits) ends the stream in its turn.
            let due = filled.bytes == 0
                || at >= last
                || self.held.len() as u64 >= team.unit_chunks
                || team.turn_is(self.held[0].0);
            if due && !self.flush() {
                return Made::Ended(self.generated.end);
            }
            if filled.bytes == 0 {
                return Made::Ended(self.generated.end);
            }
            if alone {
                team.next_claim.store(at, Ordering::SeqCst);
            }
            if self.plan.unit == Unit::Records && filled.records > 0 && (alone || at < last) {
                self.measure(&filled);
            }
            if let Some(made) = self.look(alone) {
                return made;
            }
            if alone && team.deadline.is_some_and(|d| Instant::now() >= d) {
                self.end_here(at);
                return Made::Ended(End::Complete);
            }
        }
        Made::Next
    }

    /// Fills a chunk at `at` under the reservation just made, and holds it
    /// for its turn.
    fn make_chunk(&mut self, at: u64, last: u64) -> Filled {
        let team = self.team;
        let mut chunk = team.take_chunk(&self.empty);
        let busy = Instant::now();
        let filled = team.fill(&mut *self.source, &mut chunk, last - at, self.plan.unit);
        self.generated.busy += busy.elapsed();
        let reserved = team.flow.chunk_bytes as u64;
        // The reservation shrinks to what the chunk holds.
        let unused = reserved - filled.bytes as u64;
        team.counters
            .buffered_bytes
            .fetch_sub(unused, Ordering::SeqCst);
        team.ahead_bytes.fetch_sub(unused, Ordering::SeqCst);
        chunk.set_filled(filled.bytes, filled.records);
        self.held.push_back((at, chunk));
        filled
    }

    /// Units sized to fill chunks, as the last one measured.
    fn measure(&self, filled: &Filled) {
        let team = self.team;
        let per_chunk = team.fill_bytes as u64 * filled.records / (filled.bytes as u64).max(1);
        team.records_per_unit
            .store(team.unit_for(per_chunk), Ordering::Relaxed);
    }

    /// The first thread's look at whether to add or park a thread; what
    /// the unit comes to if adding one ends its claiming alone.
    fn look(&mut self, alone: bool) -> Option<Made> {
        let team = self.team;
        let lead = self.lead.as_mut()?;
        let scope = lead.scope;
        match lead
            .growth
            .look(Instant::now(), team.counters, team.can_grow())
        {
            Step::Grow => {
                team.grow(scope, &self.full, &self.empty);
                if alone {
                    // No longer alone: claim in units again, holding
                    // nothing, as every claim starts.
                    if !self.flush() {
                        return Some(Made::Ended(self.generated.end));
                    }
                    return Some(Made::Next);
                }
            }
            Step::Shrink => team.shrink(),
            Step::Hold => {}
        }
        None
    }

    /// Ends the stream at `at`, mid-unit, with no gap: what this thread
    /// holds before it still goes in its turn.
    fn end_here(&mut self, at: u64) {
        self.team.end_at(at, None);
        self.flush();
    }

    /// Sends the held chunks, each in its turn. False if the stream ended
    /// (the rest are dropped).
    fn flush(&mut self) -> bool {
        while let Some((at, chunk)) = self.held.pop_front() {
            let sent = self.team.send_in_turn(
                at,
                chunk,
                &mut *self.source,
                &self.plan,
                &self.full,
                &mut self.generated,
            );
            if let Sent::Ended = sent {
                for (_, chunk) in self.held.drain(..) {
                    self.team.drop_chunk(chunk);
                }
                return false;
            }
        }
        true
    }
}
