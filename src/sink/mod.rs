//! Sinks: where the bytes go. A sink takes raw writes and knows nothing of
//! chunks, threads or water marks; the writer thread drives it.
//!
//! A new destination is one new file here and one arm in [`open`].

use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;

pub mod compress;
pub mod disk;
pub mod file;
pub mod http;
pub mod net;
pub mod parquet;
pub mod s3;
pub mod series;

pub use disk::{DiskOptions, DiskSink};
pub use file::{FileSink, Target};
pub use http::HttpOptions;
pub use net::{NetSink, Network};

use crate::chunk::Chunk;
use crate::stats::HttpCounters;
pub use crate::stats::{CompressStats, ParquetStats, SinkReport};

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

    /// The source failed before its end, so the output is cut short. A
    /// destination that can leave nothing visible (an S3 upload, aborted)
    /// drops what it holds and returns true; the writer then neither
    /// drains nor finishes it. The default, false, finishes as usual: a
    /// file keeps what was written, as it always has.
    fn abandon(&mut self) -> io::Result<bool> {
        Ok(false)
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

    /// What this destination adds to the summary (connection figures for
    /// a socket, engine and syncs for a disk, statuses for HTTP), read once
    /// the writer is done. The default is a plain stream's: nothing.
    fn report(&self) -> SinkReport {
        SinkReport::Stream
    }

    /// What compressing on the way cost and saved (`--compress`), read
    /// once the writer is done; `None` for a destination written as is.
    fn compression(&self) -> Option<CompressStats> {
        None
    }

    /// What a Parquet writer wrote so far (`--format parquet`): its
    /// bytes, rows and row groups; `None` for any other destination.
    fn parquet(&self) -> Option<ParquetStats> {
        None
    }

    /// Counters the destination bumps as it goes, for the `--interval`
    /// lines to read while the run lasts; `None` for one with nothing to
    /// show before the end.
    fn live(&self) -> Option<Live> {
        None
    }
}

/// A destination's live counters (see [`Sink::live`]).
#[derive(Debug, Clone)]
pub enum Live {
    /// Requests, statuses and the server's pauses so far.
    Http(Arc<HttpCounters>),
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
    sleep_unless_stopping(|| stop.load(Ordering::Relaxed), wait)
}

/// As [`sleep_unless`], for a caller with more than one reason to stop
/// (`gush catch` also halts when its output fails): the wait ends as soon
/// as `stopping` says so.
pub fn sleep_unless_stopping(stopping: impl Fn() -> bool, wait: Duration) -> bool {
    // A wait past what an Instant holds (`--sink-delay 1e12y`) is forever:
    // only a stop ends it, and adding it would panic.
    let until = Instant::now().checked_add(wait);
    loop {
        if stopping() {
            return false;
        }
        let left = until.map_or(STOP_SLICE, |until| {
            until.saturating_duration_since(Instant::now())
        });
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

impl Existing {
    /// From `--force` and `--append`: `--force` wins.
    pub fn from_flags(force: bool, append: bool) -> Existing {
        match (force, append) {
            (true, _) => Existing::Overwrite,
            (false, true) => Existing::Append,
            (false, false) => Existing::Refuse,
        }
    }
}

/// Where `-o` points, as the configuration checked it: everything
/// [`open`] needs to choose and open the destination. One arm per kind,
/// so a new destination is one new arm here and in [`open`].
#[derive(Debug, Clone, Copy)]
pub enum Destination<'a> {
    /// `-o -`.
    Stdout,
    /// Anything written as a stream: a FIFO, a character device, or a
    /// file gush catch saves to.
    File(&'a Path),
    /// A regular file or block device, with the options the configuration
    /// made for it (positioned writes, an engine, a sync policy).
    Disk(&'a Path, &'a DiskOptions),
    /// A socket: `tcp://`, `unix:`.
    Network(&'a Network),
    /// `http://` or `https://`.
    Http(&'a HttpOptions),
    /// `s3://BUCKET/KEY`: one object.
    S3(&'a s3::S3Options),
    /// `s3://BUCKET/KEY-{k}`: a series of objects, each opened as an
    /// upload of its own (`sink/s3/series.rs`).
    S3Series(&'a series::SeriesPlan, &'a s3::S3Options),
    /// A series of files: `-o part-{k}.csv` with `--file-size` and kin.
    Series(&'a series::SeriesPlan),
}

impl<'a> Destination<'a> {
    /// A path written as a stream: `-` is stdout.
    pub fn stream(path: &'a Path) -> Destination<'a> {
        match path == Path::new("-") {
            true => Destination::Stdout,
            false => Destination::File(path),
        }
    }
}

/// Opens a destination: the one factory for every kind.
///
/// Opening can wait (connecting and its retries, a FIFO without a reader);
/// once `stop` is set the wait ends with an [`io::ErrorKind::Interrupted`]
/// error, and a socket or an HTTP destination keeps the flag for its
/// reconnections and retries. `existing` matters to files and disks only.
///
/// With `compress`, a file (or stdout, or an S3 object) is opened as a
/// plain stream and wrapped in a [`compress::Compressed`]: compressed
/// bytes have no place for positioned writes, and a regular file it made
/// is removed if a write fails (`compress/mod.rs`).
pub fn open(
    dest: Destination,
    existing: Existing,
    stop: Arc<AtomicBool>,
    compress: Option<compress::Plan>,
) -> Result<Box<dyn Sink>> {
    if let (Destination::Series(series), Some(_)) = (&dest, compress) {
        // Each file of a series is a whole compressed stream of its own.
        return series::open(series, existing, stop, compress);
    }
    if let (Destination::S3Series(series, options), Some(_)) = (&dest, compress) {
        // So is each object of one.
        return s3::series::open(series, options, existing, stop, compress);
    }
    if let Some(plan) = compress {
        let (inner, path): (Box<dyn Sink>, _) = match dest {
            Destination::Stdout => (Box::new(FileSink::stdout()?), None),
            Destination::File(path) | Destination::Disk(path, _) => {
                // Only a regular file gush made or replaced is removed:
                // never one it was appending to, with older data in it.
                let regular = match Target::of(path)? {
                    Target::New => true,
                    Target::Regular => existing == Existing::Overwrite,
                    _ => false,
                };
                let sink = FileSink::open(path, existing, &stop)?;
                (Box::new(sink), regular.then(|| path.to_path_buf()))
            }
            Destination::S3(options) => return s3::open_compressed(options, stop, plan),
            Destination::Network(_)
            | Destination::Http(_)
            | Destination::S3Series(..)
            | Destination::Series(_) => {
                anyhow::bail!("--compress writes files, stdout and S3, not sockets or HTTP")
            }
        };
        return compress::wrap(inner, plan, path);
    }
    Ok(match dest {
        Destination::Stdout => Box::new(FileSink::stdout()?),
        Destination::File(path) => Box::new(FileSink::open(path, existing, &stop)?),
        Destination::Disk(path, disk) => match &disk.region {
            None => Box::new(DiskSink::open(path, existing, disk)?),
            Some(region) => {
                // A region is written in place under --force (fio's
                // overwrite), not a file regrown from nothing.
                let existing = match existing {
                    Existing::Overwrite => Existing::InPlace,
                    other => other,
                };
                Box::new(disk::RegionSink::open(
                    path,
                    existing,
                    disk,
                    region.clone(),
                    stop,
                )?)
            }
        },
        Destination::Network(network) => Box::new(NetSink::connect(network, stop)?),
        Destination::Http(options) => http::open(options, stop)?,
        Destination::S3(options) => s3::open(options, stop)?,
        Destination::Series(plan) => series::open(plan, existing, stop, None)?,
        Destination::S3Series(plan, options) => {
            s3::series::open(plan, options, existing, stop, None)?
        }
    })
}

/// The error a wait cut short by the stop flag ends in.
pub(crate) fn interrupted(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::Interrupted, format!("interrupted {what}"))
}
