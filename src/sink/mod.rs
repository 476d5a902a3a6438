//! Sinks: where the bytes go. A sink takes raw writes and knows nothing of
//! chunks, threads or water marks; the writer thread drives it.
//!
//! A new destination is one new file here and one arm in [`open`].

use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::Result;

pub mod disk;
pub mod file;
pub mod http;
pub mod net;

pub use disk::{DiskOptions, DiskSink};
pub use file::{FileSink, Target};
pub use net::{NetSink, Network};

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::chunk::Chunk;
use crate::stats::{DiskStats, HttpCounters, HttpStats, NetStats};

/// A destination for the writer thread, in the manner of Node's
/// `Writable._write`: implement [`Sink::name`] and [`Sink::write`] and the
/// pipeline does the rest (see `examples/custom_sink.rs`).
pub trait Sink: Send {
    /// Where the bytes go, for messages and the report.
    fn name(&self) -> &str;

    /// One write, as [`io::Write::write`]: returns how many bytes of `buf`
    /// were accepted. The writer loops until a chunk is written whole.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize>;

    /// A write failed after `torn` bytes of a chunk had gone out: remove
    /// them if the destination allows it, so it never ends mid-record.
    /// Returns how many of them remain.
    fn rewind(&mut self, torn: usize) -> io::Result<usize> {
        Ok(torn)
    }

    /// All chunks are written.
    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// Whether a reader going away (`EPIPE`) is a normal end, as for
    /// `gush | head`, rather than an error.
    fn reader_may_leave(&self) -> bool {
        false
    }

    /// A write failed with `err`, with `unsent` bytes of the chunk still
    /// to go. A sink that can carry on (a socket with `--reconnect` whose
    /// peer dropped the connection) gets ready for more and returns true;
    /// the writer then drops those bytes and goes on with the next chunk,
    /// so the new start is on a whole record. The default, false, lets the
    /// failure stand; an error says why carrying on failed.
    fn recover(&mut self, _err: &io::Error, _unsent: usize) -> io::Result<bool> {
        Ok(false)
    }

    /// How much of each chunk the generator should fill, given `--chunk`:
    /// no more than `chunk_bytes`, less if the destination writes better
    /// in other sizes (a TCP socket: whole segments). A record larger than
    /// this but within `--chunk` still goes out, alone.
    fn fit_chunk(&self, chunk_bytes: usize) -> usize {
        chunk_bytes
    }

    /// Connection figures for the summary, for a socket destination.
    fn network(&self) -> Option<NetStats> {
        None
    }

    /// Bytes each chunk needs beyond `--chunk` (O_DIRECT's re-blocking
    /// puts a carried tail in front of the next chunk's data).
    fn headroom(&self) -> usize {
        0
    }

    /// A sink that takes chunks whole and writes several at once (files
    /// and block devices) returns its [`Queue`]; the writer then drives it
    /// through that instead of [`Sink::write`].
    fn queue(&mut self) -> Option<&mut dyn Queue> {
        None
    }

    /// Engine, depth and sync figures for the summary, for a disk.
    fn disk(&self) -> Option<DiskStats> {
        None
    }

    /// Requests, statuses and the server's pauses, for an HTTP destination.
    fn http(&self) -> Option<HttpStats> {
        None
    }

    /// The same, live, for the `--interval` lines.
    fn http_counters(&self) -> Option<Arc<HttpCounters>> {
        None
    }
}

/// Whole chunks in, written chunks back: how the writer drives a disk. A
/// chunk stays with the queue until every byte up to its end is written,
/// so chunks in flight still count under the high-water mark.
pub trait Queue {
    /// Takes the next chunk, to write after the previous ones; waits for
    /// room while the queue is full. On an error the destination has been
    /// cut back to the chunks already handed back.
    fn submit(&mut self, chunk: Chunk, done: &mut Done) -> io::Result<()>;

    /// Waits for every write, then finishes (the last partial block, the
    /// final sync).
    fn drain(&mut self, done: &mut Done) -> io::Result<()>;

    /// Whether writes are in flight.
    fn busy(&self) -> bool;

    /// Waits for at least one write in flight to finish. The writer calls
    /// it instead of waiting for the next chunk while writes are in flight:
    /// the generator may be paused for the very chunks they hold.
    fn wait(&mut self, done: &mut Done) -> io::Result<()>;
}

/// What a [`Queue`] hands back to the writer, to count and recycle.
#[derive(Default)]
pub struct Done {
    /// Written chunks, oldest first, each with its own bytes (before any
    /// re-blocking moved them).
    pub chunks: Vec<(Chunk, usize)>,
    /// How long each write took, in nanoseconds.
    pub write_ns: Vec<u64>,
    /// How long each sync took, in nanoseconds.
    pub sync_ns: Vec<u64>,
}

/// How long a wait sleeps before looking at the stop flag again: well
/// inside the 100 ms within which Ctrl-C should be seen to work.
pub const STOP_SLICE: Duration = Duration::from_millis(20);

/// Sleeps for `wait`, in slices, unless `stop` is set first. Returns false
/// if it was cut short by a stop.
pub fn sleep_unless(stop: &AtomicBool, wait: Duration) -> bool {
    let until = Instant::now() + wait;
    loop {
        if stop.load(Ordering::Relaxed) {
            return false;
        }
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return true;
        }
        std::thread::sleep(left.min(STOP_SLICE));
    }
}

/// What may be done to a destination that already holds data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Refuse to touch an existing regular file or a block device.
    Refuse,
    /// Replace an existing file; write over a block device.
    Overwrite,
    /// Add to the end of an existing file.
    Append,
    /// Write over an existing file where the writes fall, keeping the rest
    /// and its size, as fio does: a region's passes (`--pattern`) measure
    /// overwrites, not a file growing again from nothing.
    InPlace,
}

/// Opens the destination named on the command line: `-` is stdout; a
/// network address (already parsed by the configuration) is a socket; a
/// regular file or block device (for which the configuration made disk
/// options) is a disk; anything else, a FIFO or a character device, is
/// written as a stream.
///
/// Opening can wait (connecting and its retries, a FIFO without a reader);
/// once `stop` is set the wait ends with an [`io::ErrorKind::Interrupted`]
/// error, and a socket keeps the flag for its reconnections.
pub fn open(
    dest: &Path,
    existing: Existing,
    network: Option<&Network>,
    disk: Option<&DiskOptions>,
    stop: Arc<AtomicBool>,
) -> Result<Box<dyn Sink>> {
    if let Some(network) = network {
        return Ok(Box::new(NetSink::connect(network, stop)?));
    }
    if dest == Path::new("-") {
        return Ok(Box::new(FileSink::stdout()?));
    }
    if let Some(disk) = disk {
        let Some(region) = &disk.region else {
            return Ok(Box::new(DiskSink::open(dest, existing, disk)?));
        };
        let existing = match existing {
            Existing::Overwrite => Existing::InPlace,
            other => other,
        };
        let sink = DiskSink::open(dest, existing, disk)?;
        return Ok(Box::new(disk::RegionSink::new(sink, region.clone())));
    }
    Ok(Box::new(FileSink::open(dest, existing, &stop)?))
}

/// The error a wait cut short by the stop flag ends in.
pub(crate) fn interrupted(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::Interrupted, format!("interrupted {what}"))
}
