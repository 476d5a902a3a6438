//! The acknowledgement journal (`--ack-log FILE`, issue 18): after each
//! write of a region completes, and after each sync that covers it
//! completes, a line goes to FILE, so that after a crash `gush verify
//! TARGET --acks FILE` knows which generation of each block the device
//! promised to keep (diskchecker.pl's model; vdbench journals the same).
//!
//! The journal is lines of text, one per event, in the order they
//! happened:
//!
//! ```text
//! gush-acks 1                         the format
//! w OFFSET LENGTH GENERATION UNIX_NS  a write completed (in the cache)
//! W OFFSET LENGTH GENERATION UNIX_NS  a write completed durable (--dsync)
//! d UNIX_NS                           a sync completed: every write
//!                                     above is durable
//! ```
//!
//! A sync waits for every write in flight before it starts (`queue.rs`),
//! so one `d` covers every `w` before it and nothing need be kept per
//! write: the writer's memory is one buffer, however long the run. A line
//! is formatted only after the completion it describes was reaped, and
//! the buffer is handed to the kernel at every `d` (the promises that
//! matter) and whenever it fills; a journal that cannot keep up blocks
//! that hand-over, and with it the writer (backpressure). The journal
//! belongs on a machine, or at least a disk, that the crash does not take
//! down: it is not synced itself.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Write as _};
use std::path::Path;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::stats::AckLogStats;

/// Bytes of lines kept before they are written out: about a hundred
/// writes, so that a crash loses few `w` lines and one journal write
/// costs little next to a hundred disk writes.
const BUFFER: usize = 4 << 10;

pub struct AckLog {
    file: File,
    buffer: Vec<u8>,
    /// Writes in flight: offset to generation (at most the queue depth).
    in_flight: HashMap<u64, u64>,
    /// `--dsync`: a completed write is already durable.
    dsync: bool,
    name: String,
    writes: u64,
    syncs: u64,
    /// Time spent in the journal's writes: the writer waits on them.
    held_back_s: f64,
}

impl AckLog {
    pub fn create(path: &Path, dsync: bool) -> io::Result<AckLog> {
        let file = File::create(path).map_err(|err| {
            io::Error::new(
                err.kind(),
                format!("cannot create the --ack-log {}: {err}", path.display()),
            )
        })?;
        let mut log = AckLog {
            file,
            buffer: Vec::with_capacity(BUFFER),
            in_flight: HashMap::new(),
            dsync,
            name: path.display().to_string(),
            writes: 0,
            syncs: 0,
            held_back_s: 0.0,
        };
        log.buffer.extend_from_slice(b"gush-acks 1\n");
        Ok(log)
    }

    /// A write of `generation` was handed to the engine at `offset`.
    pub fn submitted(&mut self, offset: u64, generation: u64) {
        // A tiny region can have one offset in flight on two passes: the
        // newer generation is the one to claim (a later `w` of it is
        // harmless, an older one would be a false `lost`).
        let held = self.in_flight.entry(offset).or_insert(generation);
        *held = (*held).max(generation);
    }

    /// The write at `offset` to `end` completed.
    pub fn completed(&mut self, offset: u64, end: u64) -> io::Result<()> {
        let generation = self.in_flight.remove(&offset).unwrap_or(0);
        self.writes += 1;
        let kind = if self.dsync { 'W' } else { 'w' };
        let line = format!(
            "{kind} {offset} {} {generation} {}\n",
            end - offset,
            now_ns()
        );
        self.buffer.extend_from_slice(line.as_bytes());
        if self.buffer.len() >= BUFFER {
            self.flush()?;
        }
        Ok(())
    }

    /// A sync completed: every write logged so far is durable.
    pub fn synced(&mut self) -> io::Result<()> {
        self.syncs += 1;
        let line = format!("d {}\n", now_ns());
        self.buffer.extend_from_slice(line.as_bytes());
        self.flush()
    }

    pub fn flush(&mut self) -> io::Result<()> {
        let started = Instant::now();
        let result = self.file.write_all(&self.buffer);
        self.held_back_s += started.elapsed().as_secs_f64();
        self.buffer.clear();
        result.map_err(|err| {
            io::Error::new(
                err.kind(),
                format!("cannot write the --ack-log {}: {err}", self.name),
            )
        })
    }
}

impl AckLog {
    pub fn stats(&self) -> AckLogStats {
        AckLogStats {
            file: self.name.clone(),
            writes: self.writes,
            syncs: self.syncs,
            held_back_s: self.held_back_s,
        }
    }
}

fn now_ns() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}
