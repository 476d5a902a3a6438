//! The sync policy of a disk (`--sync none|end|every=SIZE|each`,
//! `--sync-call`): when written data is made durable, with which call, and
//! how long each sync took.
//!
//! Kept apart from the disk sink because it is one idea that the sink only
//! consults: after each chunk handed over ("is a sync due?") and at the end.
//! A sync waits for the writes in flight first (the sink does that), so it
//! covers everything handed over before it, as fio's `fdatasync=N` does.

use std::fmt;
use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::time::Instant;

use humansize::{BINARY, format_size};

/// When written data is made durable (`--sync`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncPolicy {
    /// Never: the data sits in the page cache when gush exits.
    None,
    /// Once, after the last write and before the report.
    End,
    /// After each this many bytes, at chunk boundaries.
    Every(u64),
    /// After every write.
    Each,
}

impl fmt::Display for SyncPolicy {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            SyncPolicy::None => f.write_str("none"),
            SyncPolicy::End => f.write_str("end"),
            SyncPolicy::Every(bytes) => {
                // As typed, so the policy can be given back to --sync.
                let size = format_size(*bytes, BINARY).replace(' ', "");
                write!(f, "every={size}")
            }
            SyncPolicy::Each => f.write_str("each"),
        }
    }
}

/// The call a sync makes (`--sync-call`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SyncCall {
    /// The data, and only the metadata needed to read it back.
    #[default]
    Fdatasync,
    /// The data and all metadata.
    Fsync,
}

impl SyncCall {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncCall::Fdatasync => "fdatasync",
            SyncCall::Fsync => "fsync",
        }
    }
}

/// Counts what the policy asks for and makes the calls.
pub struct Syncer {
    policy: SyncPolicy,
    call: SyncCall,
    /// Bytes handed over since the last sync.
    since_sync: u64,
    pub syncs: u64,
    pub sync_s: f64,
}

impl Syncer {
    pub fn new(policy: SyncPolicy, call: SyncCall) -> Syncer {
        Syncer {
            policy,
            call,
            since_sync: 0,
            syncs: 0,
            sync_s: 0.0,
        }
    }

    /// Whether a sync is due now that `bytes` more were handed over.
    /// `every=SIZE` keeps the remainder past each SIZE, so over a run the
    /// syncs number the whole SIZEs written.
    pub fn due(&mut self, bytes: u64) -> bool {
        self.since_sync += bytes;
        match self.policy {
            SyncPolicy::Each => true,
            SyncPolicy::Every(every) if self.since_sync >= every => {
                self.since_sync %= every;
                true
            }
            _ => false,
        }
    }

    /// Whether the run ends with a sync.
    pub fn at_end(&self) -> bool {
        self.policy == SyncPolicy::End
    }

    /// Syncs `file` and returns how long it took, in nanoseconds.
    pub fn sync(&mut self, file: &File) -> io::Result<u64> {
        let fd = file.as_raw_fd();
        let started = Instant::now();
        // SAFETY: both calls only flush the file behind a descriptor we hold.
        let rc = match self.call {
            SyncCall::Fdatasync => unsafe { libc::fdatasync(fd) },
            SyncCall::Fsync => unsafe { libc::fsync(fd) },
        };
        let took = started.elapsed();
        if rc != 0 {
            let err = io::Error::last_os_error();
            return Err(io::Error::new(
                err.kind(),
                format!("{} failed: {err}", self.call.as_str()),
            ));
        }
        self.syncs += 1;
        self.sync_s += took.as_secs_f64();
        Ok(took.as_nanos() as u64)
    }
}
