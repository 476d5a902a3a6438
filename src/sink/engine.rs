//! Disk engines: how chunks reach a regular file or a block device, with
//! up to `depth` writes in flight, each at its own offset.
//!
//! The disk sink (`disk.rs`) decides what is written where (the sync
//! policy, O_DIRECT's aligned blocks and unaligned tail); an engine only
//! carries out positioned writes and reports when each one is done. That
//! split keeps each engine small: `sync` writes on the writer's own thread,
//! `threads` hands writes to N `pwrite` threads, `uring` submits them to an
//! io_uring. A chunk stays with the engine until its write completes, so
//! chunks in flight still count under the high-water mark.

use std::io;

use crate::pipeline::Chunk;

/// One positioned write: the first `len` bytes of `chunk`, at `offset`.
pub struct Write {
    pub chunk: Chunk,
    pub len: usize,
    pub offset: u64,
}

/// A write that is over, one way or the other.
pub struct Completion {
    pub write: Write,
    /// Submission to completion, in nanoseconds (for `sync`, the syscall).
    pub latency_ns: u64,
    /// `Ok` when all `len` bytes were written: an engine retries short
    /// writes itself, so a short write ends as the error that cut it short.
    pub result: io::Result<()>,
}

/// The engines, as `--engine` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    Sync,
    Threads,
    Uring,
}

impl EngineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EngineKind::Sync => "sync",
            EngineKind::Threads => "threads",
            EngineKind::Uring => "uring",
        }
    }
}

/// Carries out positioned writes, up to [`Engine::depth`] at once.
pub trait Engine: Send {
    fn kind(&self) -> EngineKind;

    /// The most writes in flight at once.
    fn depth(&self) -> usize;

    /// Writes submitted and not yet handed back by [`Engine::reap`].
    fn in_flight(&self) -> usize;

    /// Starts a write. The caller submits only while
    /// `in_flight() < depth()`.
    fn submit(&mut self, write: Write) -> io::Result<()>;

    /// Moves the writes that have completed into `done`, in any order.
    /// With `wait`, blocks until at least one has (when any is in flight).
    /// An `Err` is a failure of the engine itself, not of a write.
    fn reap(&mut self, wait: bool, done: &mut Vec<Completion>) -> io::Result<()>;
}

// TEMPORARY until the engines branch lands: a sync-only factory.
pub fn open(
    kind: Option<EngineKind>,
    file: std::sync::Arc<std::fs::File>,
    depth: usize,
) -> io::Result<Box<dyn Engine>> {
    match kind {
        None | Some(EngineKind::Sync) if depth == 1 => Ok(Box::new(SyncEngine {
            file,
            done: Vec::new(),
        })),
        _ => Err(io::Error::from(io::ErrorKind::Unsupported)),
    }
}

pub struct SyncEngine {
    file: std::sync::Arc<std::fs::File>,
    done: Vec<Completion>,
}

impl Engine for SyncEngine {
    fn kind(&self) -> EngineKind {
        EngineKind::Sync
    }
    fn depth(&self) -> usize {
        1
    }
    fn in_flight(&self) -> usize {
        self.done.len()
    }
    fn submit(&mut self, write: Write) -> io::Result<()> {
        use std::os::unix::fs::FileExt;
        let started = std::time::Instant::now();
        let result = self
            .file
            .write_all_at(&write.chunk.as_slice()[..write.len], write.offset);
        self.done.push(Completion {
            write,
            latency_ns: started.elapsed().as_nanos() as u64,
            result,
        });
        Ok(())
    }
    fn reap(&mut self, _wait: bool, done: &mut Vec<Completion>) -> io::Result<()> {
        done.append(&mut self.done);
        Ok(())
    }
}
