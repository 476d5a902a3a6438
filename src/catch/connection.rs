//! One connection of `gush catch`, on its own thread: read into one
//! bounded buffer, count bytes and records (lines, or octet-counted
//! frames), optionally save, optionally read slowly.
//!
//! Saving writes whole records only, so lines from connections served at
//! once do not interleave mid-line in the output: the part of a read after
//! its last whole record waits at the front of the buffer for the rest. A
//! record longer than the whole buffer is saved in pieces.
//!
//! Octet-counted frames are kept whole: a frame cut off by the end of the
//! connection, or bytes after a malformed length, are not saved, and the
//! connection's `bytes` are what was stored (or would have been, when
//! discarding), so the report and the file agree. Only a frame longer than
//! the buffer, saved in pieces, can leave a part behind; it is counted.

use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::Serialize;
use socket2::Socket;

use super::frames::OctetCounting;
use crate::net::describe;
use crate::pipeline::pace::{Pacer, Rate};
use crate::sink::Sink;
use crate::source::framing::Framing;

/// The most a connection holds: one read buffer.
pub const BUFFER: usize = 64 * 1024;

/// How often a connection with nothing to read looks at the stop flags.
pub(super) const STOP_CHECK: Duration = Duration::from_millis(100);

/// Counters every connection adds to, read by the interval reports.
#[derive(Debug, Default)]
pub struct Live {
    pub bytes: AtomicU64,
    pub records: AtomicU64,
    pub open: AtomicU64,
}

/// Where saved bytes go, shared by the connections.
pub struct Output {
    pub sink: Mutex<Box<dyn Sink>>,
    /// Set when the reader of stdout went away: a normal end, as for
    /// `gush catch -o - | head`.
    pub closed: AtomicBool,
}

/// What every connection shares.
pub struct Shared {
    pub live: Live,
    pub output: Option<Output>,
    /// Set by Ctrl-C (or SIGTERM): stop reading now.
    pub stop: Arc<AtomicBool>,
    /// Set when saving failed or stdout's reader left: stop everything.
    pub halt: AtomicBool,
    pub framing: Framing,
    pub read_delay: Option<Duration>,
    pub read_rate: Option<Rate>,
    /// `--http`: serve HTTP/1.1 rather than read raw bytes.
    pub http: Option<super::http::HttpServe>,
    /// `--acks`: store an `--ack-log` journal, synced (`acks.rs`).
    pub journal: Option<super::acks::JournalFile>,
}

impl Shared {
    /// Saves `bytes`, if saving. A failure stops the whole catch: an
    /// error, or a normal end if stdout's reader went away.
    pub fn save(&self, bytes: &[u8]) -> Result<()> {
        let Some(output) = &self.output else {
            return Ok(());
        };
        if bytes.is_empty() || output.closed.load(Ordering::Relaxed) {
            return Ok(());
        }
        let mut sink = output
            .sink
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        match write_all(sink.as_mut(), bytes) {
            Ok(()) => Ok(()),
            Err(err) => {
                self.halt.store(true, Ordering::Relaxed);
                if err.kind() == io::ErrorKind::BrokenPipe && sink.reader_may_leave() {
                    output.closed.store(true, Ordering::Relaxed);
                    return Ok(());
                }
                Err(err).with_context(|| format!("cannot write to {}", sink.name()))
            }
        }
    }

    pub(super) fn stopping(&self) -> bool {
        self.stop.load(Ordering::Relaxed) || self.halt.load(Ordering::Relaxed)
    }

    /// Stopping for a signal, or because stdout's reader left: not a
    /// failure, unlike a halt for an output that failed.
    pub(super) fn stopped_on_purpose(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
            || self
                .output
                .as_ref()
                .is_some_and(|output| output.closed.load(Ordering::Relaxed))
    }
}

/// How a connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Ending {
    /// The peer closed it (end of stream).
    Closed,
    /// The peer reset it.
    Reset,
    /// Catch stopped it (Ctrl-C, or the output failed).
    Interrupted,
    /// A malformed frame, a read error, or saving failed.
    Error,
}

impl Ending {
    pub fn as_str(self) -> &'static str {
        match self {
            Ending::Closed => "closed",
            Ending::Reset => "reset",
            Ending::Interrupted => "interrupted",
            Ending::Error => "error",
        }
    }
}

/// One connection's totals: an entry of `per_connection` in the JSON.
#[derive(Debug, Clone, Serialize)]
pub struct ConnectionReport {
    /// 1 for the first connection accepted.
    pub number: u64,
    pub peer: String,
    pub bytes: u64,
    pub records: u64,
    pub elapsed_s: f64,
    pub bytes_per_s: f64,
    pub end: Ending,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip)]
    pub started: Instant,
    #[serde(skip)]
    pub ended: Instant,
}

pub struct Connection {
    pub number: u64,
    pub peer: String,
    pub socket: Socket,
    pub started: Instant,
}

/// Per-connection reading state.
struct Reader<'a> {
    shared: &'a Shared,
    buffer: Box<[u8]>,
    /// Bytes at the front of `buffer` not yet saved: a record's beginning.
    kept: usize,
    frames: Option<OctetCounting>,
    /// Bytes received.
    bytes: u64,
    /// Bytes saved, or that would have been when discarding.
    stored: u64,
    records: u64,
}

impl Connection {
    pub fn serve(self, shared: &Shared) -> ConnectionReport {
        let mut reader = Reader {
            shared,
            buffer: vec![0; BUFFER].into_boxed_slice(),
            kept: 0,
            frames: (shared.framing == Framing::OctetCounted).then(OctetCounting::default),
            bytes: 0,
            stored: 0,
            records: 0,
        };
        let served = match (&shared.http, &shared.journal) {
            (Some(http), _) => {
                let (served, received) = super::http::serve_connection(&self.socket, shared, http);
                reader.bytes = received.bytes;
                reader.records = received.records;
                served.map(|()| Ending::Closed)
            }
            (None, Some(journal)) => {
                let (served, received) =
                    super::acks::serve(&self.socket, shared, journal, self.started);
                reader.bytes = received.bytes;
                reader.records = received.records;
                served
            }
            (None, None) => reader.run(&self.socket, self.started),
        };
        let (end, error) = match served {
            Ok(end) => (end, None),
            // A read cut short because catch is stopping: on purpose, or
            // for another connection's failed save, which reports it.
            Err(err) if shared.stopped_on_purpose() || (shared.stopping() && cut_short(&err)) => {
                (Ending::Interrupted, None)
            }
            Err(err) => (Ending::Error, Some(format!("{err:#}"))),
        };
        // Framed, what was stored: the frames kept whole.
        if reader.frames.is_some() {
            reader.bytes = reader.stored;
        }
        let ended = Instant::now();
        let elapsed_s = ended.duration_since(self.started).as_secs_f64();
        ConnectionReport {
            number: self.number,
            peer: self.peer,
            bytes: reader.bytes,
            records: reader.records,
            elapsed_s,
            bytes_per_s: if elapsed_s > 0.0 {
                reader.bytes as f64 / elapsed_s
            } else {
                0.0
            },
            end,
            error,
            started: self.started,
            ended,
        }
    }
}

impl Reader<'_> {
    fn run(&mut self, socket: &Socket, started: Instant) -> Result<Ending> {
        socket
            .set_read_timeout(Some(STOP_CHECK))
            .context("cannot set up the connection")?;
        let mut pacer = self
            .shared
            .read_rate
            .map(|rate| Pacer::new(rate.per_second(), None, BUFFER as f64, started));
        loop {
            if self.shared.stopping() {
                return Ok(Ending::Interrupted);
            }
            if let Some(delay) = self.shared.read_delay {
                crate::sink::sleep_unless_stopping(|| self.shared.stopping(), delay);
            }
            let mut room = BUFFER - self.kept;
            if let Some(pacer) = pacer.as_mut() {
                let Some(credit) = pacer.wait(|| self.shared.stopping()) else {
                    return Ok(Ending::Interrupted);
                };
                room = room.min(credit.try_into().unwrap_or(usize::MAX));
            }
            let read = (&*socket).read(&mut self.buffer[self.kept..self.kept + room]);
            match read {
                Ok(0) => {
                    self.save_rest()?;
                    if let Some(frames) = &self.frames {
                        frames.finish()?;
                    }
                    return Ok(Ending::Closed);
                }
                Ok(n) => {
                    if let Some(pacer) = pacer.as_mut() {
                        pacer.sent(n as u64);
                    }
                    self.count(n)?;
                }
                Err(err) if quiet(&err) => {}
                Err(err) if err.kind() == io::ErrorKind::ConnectionReset => {
                    self.save_rest()?;
                    return Ok(Ending::Reset);
                }
                Err(err) => bail!("cannot read: {}", describe(&err)),
            }
        }
    }

    /// Counts `n` new bytes after the kept ones, then saves the whole
    /// records and keeps the rest.
    fn count(&mut self, n: usize) -> Result<()> {
        let fresh = &self.buffer[self.kept..self.kept + n];
        let mut malformed = None;
        let (records, last_end) = match &mut self.frames {
            Some(frames) => {
                let decoded = frames.decode(fresh);
                malformed = decoded.malformed;
                (decoded.messages, decoded.last_end)
            }
            None => (
                memchr::memchr_iter(b'\n', fresh).count() as u64,
                memchr::memrchr(b'\n', fresh).map(|at| at + 1),
            ),
        };
        self.bytes += n as u64;
        self.records += records;
        let live = &self.shared.live;
        live.bytes.fetch_add(n as u64, Ordering::Relaxed);
        live.records.fetch_add(records, Ordering::Relaxed);
        let filled = self.kept + n;
        if let Some(malformed) = malformed {
            // Save the whole frames before it; nothing after it can be read.
            self.store(last_end.map_or(0, |end| self.kept + end))?;
            return Err(malformed.into());
        }
        if self.shared.output.is_none() && self.frames.is_none() {
            self.kept = 0;
            return Ok(());
        }
        let whole = match last_end {
            Some(end) => self.kept + end,
            // A record longer than the buffer: saved in pieces.
            None if filled == BUFFER => filled,
            None => {
                self.kept = filled;
                return Ok(());
            }
        };
        self.store(whole)?;
        if self.shared.output.is_some() {
            self.buffer.copy_within(whole..filled, 0);
        }
        self.kept = filled - whole;
        Ok(())
    }

    /// Saves the first `length` bytes of the buffer, if saving, and counts
    /// them stored either way.
    fn store(&mut self, length: usize) -> Result<()> {
        self.stored += length as u64;
        self.shared.save(&self.buffer[..length])
    }

    /// At the end of the stream: saves what is left of a torn line, with
    /// a newline, so the next connection's first line is not glued onto it
    /// in the saved output. A torn frame is dropped: a reader of the file
    /// would take the next connection's bytes for its missing end.
    fn save_rest(&mut self) -> Result<()> {
        if self.frames.is_some() {
            self.kept = 0;
            return Ok(());
        }
        self.store(self.kept)?;
        if self.kept > 0 && self.buffer[self.kept - 1] != b'\n' {
            self.shared.save(b"\n")?;
        }
        self.kept = 0;
        Ok(())
    }
}

/// An error from a read that a stop cut short.
fn cut_short(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|cause| cause.downcast_ref::<io::Error>())
        .any(|err| err.kind() == io::ErrorKind::Interrupted)
}

fn write_all(sink: &mut dyn Sink, mut data: &[u8]) -> io::Result<()> {
    while !data.is_empty() {
        match sink.write(data) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => data = &data[n..],
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

/// A read that found nothing yet: the socket's read timeout, which lets
/// the loop look at the stop flag, or a signal. Not an end.
pub(super) fn quiet(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}
