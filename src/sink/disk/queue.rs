//! The disk sink's write queue: chunks in, positioned writes through an
//! engine with up to `--queue-depth` in flight, the sync policy applied
//! between them, written chunks back (opening the target is `target.rs`).
//!
//! The disk sink takes whole chunks (see [`Queue`]) rather than bytes, so a
//! chunk stays out of the pool until its write is over and chunks in flight
//! count under the high-water mark. Writes may complete in any order; a
//! chunk is handed back, and counted as written, only once every byte up to
//! its end is in the destination. When a write fails, the writes still in
//! flight are waited for and a regular file is cut back to the end of the
//! last such chunk, so nothing past a hole survives and the report equals
//! the file.

use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::sync::Arc;
use std::time::Instant;

use super::direct::{self, Reblock};
use super::sync::{SyncCall, SyncPolicy, Syncer};
use super::target::{Preallocate, Preallocation};
use super::{Completion, Engine, EngineKind, Write};
use crate::chunk::Chunk;
use crate::region::Region;
use crate::sink::{Done, Queue, Sink, SinkReport};
use crate::stats::DiskStats;

/// How a file or block device is written; checked by the configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct DiskOptions {
    pub sync: SyncPolicy,
    pub sync_call: SyncCall,
    pub dsync: bool,
    pub direct: bool,
    pub queue_depth: usize,
    /// `None` lets the factory choose (see [`engine::open`]).
    pub engine: Option<EngineKind>,
    /// How and how many bytes to reserve before writing (`--preallocate`,
    /// by default native for a new file of a known `--size`).
    pub preallocate: Option<(Preallocate, u64)>,
    /// `--chunk`, checked against the direct-I/O alignment on opening.
    pub chunk_bytes: usize,
    /// Write each chunk where a region's plan says (`--pattern` and its
    /// kin) rather than one after another: see `region.rs`.
    pub region: Option<Region>,
    /// `--ack-log`: journal each completed write and sync (`acks.rs`).
    pub ack_log: Option<super::Journal>,
}

/// One chunk handed to the sink, oldest first.
pub(super) struct Slot {
    /// Back from the engine (or never sent to it): free to recycle.
    chunk: Option<Chunk>,
    /// Where its write starts; `None` if it made no write (all of it was
    /// carried into the next one).
    write_offset: Option<u64>,
    /// The offset just past the chunk's own bytes.
    end: u64,
    /// The chunk's own bytes, before any re-blocking.
    bytes: usize,
}

pub struct DiskSink {
    pub(super) file: Arc<File>,
    pub(super) name: String,
    /// Only a regular file can be cut back after a failure.
    pub(super) regular: bool,
    pub(super) engine: Box<dyn Engine>,
    pub(super) options: DiskOptions,
    /// Re-blocking for O_DIRECT.
    pub(super) reblock: Option<Reblock>,
    /// Where the next write starts.
    pub(super) next_write: u64,
    /// Just past the last byte handed over.
    pub(super) taken_end: u64,
    /// Every byte before this is written.
    pub(super) written_to: u64,
    /// Writes completed beyond `written_to`: start to end.
    pub(super) completed: BTreeMap<u64, u64>,
    pub(super) slots: VecDeque<Slot>,
    pub(super) syncer: Syncer,
    /// The file was grown to its full size up front: it is cut back to
    /// what was written at the end.
    pub(super) preallocated: bool,
    /// What `--preallocate` asked for and got, for the summary.
    pub(super) preallocation: Preallocation,
    /// The first write error, waiting to be reported.
    pub(super) error: Option<io::Error>,
    pub(super) reaped: Vec<Completion>,
}

impl DiskSink {
    /// Collects finished writes (waiting for one with `wait`), then hands
    /// back every chunk whose bytes are all written.
    fn reap(&mut self, wait: bool, done: &mut Done) -> io::Result<()> {
        self.engine.reap(wait, &mut self.reaped)?;
        if let Some(region) = &self.options.region {
            // Writes at their own offsets are whole on their own: each
            // chunk goes back as soon as its write is done, with no slot to
            // look up; a failed one is not counted and its chunk goes. The
            // completed offsets are kept (`take_completed`) only where they
            // are asked for: a skewed region's coverage, and `--ack-log`,
            // which journals each one (a uniform pass without a journal
            // writes each block once and needs neither).
            let track = !region.covers_each_pass() || self.options.ack_log.is_some();
            for completion in self.reaped.drain(..) {
                let Write { chunk, len, offset } = completion.write;
                done.write_ns.push(completion.latency_ns);
                match completion.result {
                    Ok(()) => {
                        done.chunks.push((chunk, len));
                        if track {
                            self.completed.insert(offset, offset + len as u64);
                        }
                    }
                    Err(err) => {
                        self.error.get_or_insert(err);
                    }
                }
            }
            return Ok(());
        }
        for completion in self.reaped.drain(..) {
            let Write { chunk, len, offset } = completion.write;
            done.write_ns.push(completion.latency_ns);
            // The first slot still waiting for this offset; failed or not,
            // the chunk is back (`check` drops what lies past a failure).
            let slot = self
                .slots
                .iter()
                .position(|slot| slot.write_offset == Some(offset) && slot.chunk.is_none());
            if let Some(index) = slot {
                self.slots[index].chunk = Some(chunk);
            }
            match completion.result {
                Ok(()) => {
                    self.completed.insert(offset, offset + len as u64);
                }
                Err(err) => {
                    self.error.get_or_insert(err);
                }
            }
        }
        while let Some(end) = self.completed.remove(&self.written_to) {
            self.written_to = end;
        }
        while self
            .slots
            .front()
            .is_some_and(|slot| slot.chunk.is_some() && slot.end <= self.written_to)
        {
            let slot = self.slots.pop_front().expect("a front slot");
            done.chunks.push((slot.chunk.expect("checked"), slot.bytes));
        }
        Ok(())
    }

    /// The writes completed since the last call, start to end (placed
    /// writes only: the sequential queue keeps its own).
    pub(super) fn take_completed(&mut self) -> BTreeMap<u64, u64> {
        std::mem::take(&mut self.completed)
    }

    /// Writes `chunk` whole at `offset`, as a region's plan says: no
    /// re-blocking (the plan's sizes are whole direct-I/O blocks) and no
    /// order among the writes.
    pub(super) fn submit_at(
        &mut self,
        chunk: Chunk,
        offset: u64,
        done: &mut Done,
    ) -> io::Result<()> {
        let bytes = chunk.len();
        self.taken_end += bytes as u64;
        while self.engine.in_flight() >= self.engine.depth() {
            self.reap(true, done)?;
        }
        // No slot: `reap` hands a placed write's chunk back on its own.
        self.engine.submit(Write {
            chunk,
            len: bytes,
            offset,
        })?;
        self.reap(false, done)?;
        self.check(done)?;
        self.sync_due(bytes, done)
    }

    /// Waits for every write in flight.
    fn wait_all(&mut self, done: &mut Done) -> io::Result<()> {
        while self.engine.in_flight() > 0 {
            self.reap(true, done)?;
        }
        Ok(())
    }

    /// Surfaces a write error: waits for the rest of the writes, cuts a
    /// regular file back to the end of the last whole chunk written, and
    /// drops the chunks past it.
    fn check(&mut self, done: &mut Done) -> io::Result<()> {
        let Some(err) = self.error.take() else {
            return Ok(());
        };
        // Later failures are the same story; the first one is told.
        let _ = self.wait_all(done);
        self.error = None;
        if self.options.region.is_some() {
            // Placed writes leave no tail to cut: what completed is
            // counted and stays, what failed was never counted.
            self.slots.clear();
            return Err(err);
        }
        let kept = self.slot_start();
        self.slots.clear();
        if self.regular
            && let Err(cut) = self.file.set_len(kept)
        {
            return Err(io::Error::new(
                err.kind(),
                format!("{err}, and cutting back the chunks after it failed too: {cut}"),
            ));
        }
        Err(err)
    }

    /// Where the oldest chunk still held begins: just past the last one
    /// handed back as written.
    fn slot_start(&self) -> u64 {
        self.slots
            .front()
            .map_or(self.taken_end, |slot| slot.end - slot.bytes as u64)
    }

    /// Makes what is written durable: waits for the writes in flight, then
    /// syncs.
    fn sync_now(&mut self, done: &mut Done) -> io::Result<()> {
        self.wait_all(done)?;
        self.check(done)?;
        done.sync_ns.push(self.syncer.sync(&self.file)?);
        Ok(())
    }

    /// Syncs if the policy says one is due after `bytes` more were handed over.
    fn sync_due(&mut self, bytes: usize, done: &mut Done) -> io::Result<()> {
        match self.syncer.due(bytes as u64) {
            true => self.sync_now(done),
            false => Ok(()),
        }
    }

    /// Writes the last partial block of a direct run through the page
    /// cache, so the file ends exactly where the data does.
    fn write_tail(&mut self, done: &mut Done) -> io::Result<()> {
        let Some(tail) = self.reblock.as_mut().map(Reblock::take_tail) else {
            return Ok(());
        };
        if tail.is_empty() {
            return Ok(());
        }
        direct::clear_direct(&self.file)?;
        let started = Instant::now();
        self.file.write_all_at(&tail, self.next_write)?;
        done.write_ns.push(started.elapsed().as_nanos() as u64);
        let end = self.next_write + tail.len() as u64;
        self.completed.insert(self.next_write, end);
        self.next_write = end;
        self.reap(false, done)?;
        // Its bytes were counted with their chunk; `each` still owes this
        // write its own sync.
        self.sync_due(0, done)
    }
}

impl Queue for DiskSink {
    fn submit(&mut self, mut chunk: Chunk, done: &mut Done) -> io::Result<()> {
        let bytes = chunk.len();
        self.taken_end += bytes as u64;
        let len = match &mut self.reblock {
            Some(reblock) => reblock.block(&mut chunk),
            None => bytes,
        };
        if len == 0 {
            self.slots.push_back(Slot {
                chunk: Some(chunk),
                write_offset: None,
                end: self.taken_end,
                bytes,
            });
        } else {
            while self.engine.in_flight() >= self.engine.depth() {
                self.reap(true, done)?;
            }
            let offset = self.next_write;
            self.next_write += len as u64;
            self.slots.push_back(Slot {
                chunk: None,
                write_offset: Some(offset),
                end: self.taken_end,
                bytes,
            });
            self.engine.submit(Write { chunk, len, offset })?;
        }
        self.reap(false, done)?;
        self.check(done)?;
        self.sync_due(bytes, done)
    }

    fn busy(&self) -> bool {
        self.engine.in_flight() > 0
    }

    fn wait(&mut self, done: &mut Done) -> io::Result<()> {
        self.reap(true, done)?;
        self.check(done)
    }

    fn drain(&mut self, done: &mut Done) -> io::Result<()> {
        self.wait_all(done)?;
        self.check(done)?;
        self.write_tail(done)?;
        if self.preallocated && self.options.region.is_none() {
            // A region keeps its whole size. Before the final sync, so the size it makes durable is right.
            self.file.set_len(self.taken_end)?;
        }
        if self.syncer.at_end() {
            self.sync_now(done)?;
        }
        Ok(())
    }
}

impl Sink for DiskSink {
    fn name(&self) -> &str {
        &self.name
    }

    /// A plain write at the end, for a caller that drives the sink by hand
    /// (the pipeline hands it whole chunks through [`Queue`] instead).
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.reblock.is_some() || self.engine.in_flight() > 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a direct or queued disk sink takes whole chunks (Queue::submit)",
            ));
        }
        let n = self.file.write_at(buf, self.next_write)?;
        self.next_write += n as u64;
        self.taken_end = self.next_write;
        self.written_to = self.next_write;
        Ok(n)
    }

    fn headroom(&self) -> usize {
        self.reblock.as_ref().map_or(0, Reblock::headroom)
    }

    fn queue(&mut self) -> Option<&mut dyn Queue> {
        Some(self)
    }

    fn report(&self) -> SinkReport {
        SinkReport::Disk(DiskStats {
            engine: self.engine.kind().as_str(),
            queue_depth: self.engine.depth() as u64,
            direct: self.options.direct,
            dsync: self.options.dsync,
            sync: self.options.sync.to_string(),
            sync_call: self.options.sync_call.as_str(),
            syncs: self.syncer.syncs,
            sync_s: self.syncer.sync_s,
            preallocate: self.preallocation.done.as_str(),
            preallocate_asked: self.preallocation.asked.as_str(),
            preallocated_bytes: match self.preallocation.done {
                Preallocate::None => 0,
                _ => self.preallocation.bytes,
            },
            region: None,
            passes: None,
            coverage_pct: None,
            ack_log: None,
        })
    }
}
