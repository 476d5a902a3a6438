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
//! down. As a file it is not synced itself; sent to `gush catch --acks`
//! on another machine (`--ack-log tcp://HOST:PORT`, `acks_remote.rs`) the
//! catcher syncs it and says so, and the run ends only once it has.

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{self, Write as _};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::acks_remote::RemoteJournal;
use crate::net::Endpoint;
use crate::stats::AckLogStats;

/// Bytes of lines kept before they are written out: about a hundred
/// writes, so that a crash loses few `w` lines and one journal write
/// costs little next to a hundred disk writes.
const BUFFER: usize = 4 << 10;

/// The journal's first line: its format.
pub const HEADER: &[u8] = b"gush-acks 1\n";

/// Where `--ack-log` goes, as typed: a file, or a `gush catch --acks`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Journal {
    File(PathBuf),
    /// `tcp://HOST:PORT` or `unix:PATH`, and how to connect to it.
    Remote(Endpoint, Dial),
}

/// How a remote journal is connected to: `--connect-timeout` and
/// `--retry`, as for `-o tcp://`, or these defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dial {
    pub connect_timeout: Duration,
    pub retry: u32,
}

impl Default for Dial {
    fn default() -> Dial {
        Dial {
            connect_timeout: Duration::from_secs(5),
            retry: 3,
        }
    }
}

impl Journal {
    /// `--ack-log`'s value: a socket address if it is one, else a path.
    pub fn parse(arg: &str) -> Result<Journal, String> {
        match Endpoint::parse_destination(arg) {
            Some(endpoint) => Ok(Journal::Remote(endpoint?, Dial::default())),
            None if arg.is_empty() => Err("--ack-log needs a file or tcp://HOST:PORT".into()),
            None => Ok(Journal::File(PathBuf::from(arg))),
        }
    }

    /// The same journal, connected to with `--connect-timeout` and
    /// `--retry` where they were given.
    pub fn dialled(self, connect_timeout: Option<Duration>, retry: Option<u32>) -> Journal {
        match self {
            Journal::Remote(endpoint, dial) => Journal::Remote(
                endpoint,
                Dial {
                    connect_timeout: connect_timeout.unwrap_or(dial.connect_timeout),
                    retry: retry.unwrap_or(dial.retry),
                },
            ),
            file => file,
        }
    }

    pub fn is_remote(&self) -> bool {
        matches!(self, Journal::Remote(..))
    }
}

impl fmt::Display for Journal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Journal::File(path) => write!(f, "{}", path.display()),
            Journal::Remote(endpoint, _) => write!(f, "{endpoint}"),
        }
    }
}

enum Out {
    File(File),
    Remote(RemoteJournal),
}

pub struct AckLog {
    out: Out,
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
    /// Hand-overs that had to wait for the catcher (`acks_remote.rs`).
    pauses: u64,
}

impl AckLog {
    /// Creates the file, or connects to the catcher and has it confirm
    /// the first line: either fails before anything is written.
    pub fn open(journal: &Journal, dsync: bool, stop: Arc<AtomicBool>) -> io::Result<AckLog> {
        let name = journal.to_string();
        let mut buffer = Vec::with_capacity(BUFFER);
        let out = match journal {
            Journal::File(path) => {
                buffer.extend_from_slice(HEADER);
                Out::File(File::create(path).map_err(|err| {
                    io::Error::new(
                        err.kind(),
                        format!("cannot create the --ack-log {name}: {err}"),
                    )
                })?)
            }
            // Its errors name the journal, and what to do.
            Journal::Remote(endpoint, dial) => {
                Out::Remote(RemoteJournal::connect(endpoint, *dial, HEADER, stop)?)
            }
        };
        Ok(AckLog {
            out,
            buffer,
            in_flight: HashMap::new(),
            dsync,
            name,
            writes: 0,
            syncs: 0,
            held_back_s: 0.0,
            pauses: 0,
        })
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
        let kind = if self.dsync { b'W' } else { b'w' };
        self.record(kind, &[offset, end - offset, generation, now_ns()]);
        if self.buffer.len() >= BUFFER {
            self.flush()?;
        }
        Ok(())
    }

    /// A sync completed: every write logged so far is durable.
    pub fn synced(&mut self) -> io::Result<()> {
        self.syncs += 1;
        self.record(b'd', &[now_ns()]);
        self.flush()
    }

    /// One line into the kept buffer: `kind` and `numbers`, spaced. With
    /// itoa, not `write!`: at 4 KiB a write, a buffered run journals some
    /// 100,000 records a second, and in a profile `write!`'s machinery was
    /// half of the journal's own CPU (bench/acks.md).
    fn record(&mut self, kind: u8, numbers: &[u64]) {
        let mut digits = itoa::Buffer::new();
        self.buffer.push(kind);
        for &number in numbers {
            self.buffer.push(b' ');
            self.buffer
                .extend_from_slice(digits.format(number).as_bytes());
        }
        self.buffer.push(b'\n');
    }

    /// Hands the lines kept so far to the file or the catcher. A catcher
    /// that has not confirmed enough of what it was sent makes this wait:
    /// a pause, counted.
    pub fn flush(&mut self) -> io::Result<()> {
        let started = Instant::now();
        let result = match &mut self.out {
            Out::File(file) => file.write_all(&self.buffer),
            Out::Remote(remote) => remote.send(&self.buffer).map(|paused| {
                self.pauses += u64::from(paused);
            }),
        };
        self.held_back_s += started.elapsed().as_secs_f64();
        self.buffer.clear();
        result.map_err(|err| self.failed(err))
    }

    /// The run's last records: flushed, and over TCP, waited for until
    /// the catcher confirms it has synced every byte of the journal.
    pub fn finish(&mut self) -> io::Result<()> {
        self.flush()?;
        let Out::Remote(remote) = &mut self.out else {
            return Ok(());
        };
        let started = Instant::now();
        let settled = remote.settle(None).and_then(|paused| {
            self.pauses += u64::from(paused);
            remote.close()
        });
        self.held_back_s += started.elapsed().as_secs_f64();
        settled.map_err(|err| self.failed(err))
    }

    fn failed(&self, err: io::Error) -> io::Error {
        // Not BrokenPipe, which the writer takes for a reader that left
        // on purpose (`| head`): a journal gone is a failed run.
        let kind = match err.kind() {
            io::ErrorKind::BrokenPipe => io::ErrorKind::ConnectionAborted,
            kind => kind,
        };
        io::Error::new(
            kind,
            format!("cannot write the --ack-log {}: {err}", self.name),
        )
    }

    pub fn stats(&self) -> AckLogStats {
        AckLogStats {
            file: self.name.clone(),
            writes: self.writes,
            syncs: self.syncs,
            held_back_s: self.held_back_s,
            pauses: self.pauses,
            confirmed_bytes: match &self.out {
                Out::File(_) => None,
                Out::Remote(remote) => Some(remote.confirmed()),
            },
        }
    }
}

/// Unix time in nanoseconds (a u64 holds it until 2554).
fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}
