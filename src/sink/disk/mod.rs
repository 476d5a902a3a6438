//! Disks: regular files and block devices, written with up to
//! `--queue-depth` positioned writes in flight. This folder holds the
//! engine contract (here), the engines that carry it out (`inline` on the
//! writer's thread, `threads` with N `pwrite` threads, `uring` through an
//! io_uring), and the disk sink that decides what is written where:
//! `target` opens a file or device (O_DIRECT, preallocation), `queue`
//! drives the engine chunk by chunk, `sync` is the durability policy and
//! `direct` O_DIRECT's alignment and re-blocking. A region (`--pattern`,
//! `--bs`, `--distribution`) is walked by `plan` (with `offsets`, the
//! seeded permutation a random pass follows) and written by `region`,
//! which places each chunk at its own offset through the same queue, and
//! journals each completion and sync to `--ack-log` (`acks`, and
//! `acks_remote` for a journal sent to `gush catch --acks`).
//!
//! The split keeps each engine small: an engine only carries out
//! positioned writes and reports when each one is done. A chunk stays with
//! the engine until its write completes, so chunks in flight still count
//! under the high-water mark.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::sync::Arc;

use crate::chunk::Chunk;

mod acks;
mod acks_remote;
pub mod direct;
mod inline;
mod queue;
mod region;
pub mod sync;
mod target;
mod threads;
mod uring;

pub use acks::Journal;
pub use inline::SyncEngine;
pub use queue::{DiskOptions, DiskSink};
pub use region::RegionSink;
pub use target::{Preallocate, Preallocation};
pub use threads::ThreadsEngine;
pub use uring::UringEngine;

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

impl Write {
    /// The bytes to write. `len` may reach past the filled part of the
    /// chunk (up to its capacity) so that an O_DIRECT tail can be padded
    /// to a whole block without copying; `check` has made sure it fits.
    pub(crate) fn bytes(&mut self) -> &[u8] {
        &self.chunk.space()[..self.len]
    }

    /// Refuses a write that does not fit its chunk: past the capacity
    /// the bytes are not ours, and the engines hand raw pointers on.
    pub(crate) fn check(&self) -> io::Result<()> {
        if self.len > self.chunk.capacity() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "a write of {} bytes from a chunk of {}",
                    self.len,
                    self.chunk.capacity()
                ),
            ));
        }
        Ok(())
    }
}

/// Writes all of `write` at its offset on the calling thread. std's
/// `write_all_at` is the `pwrite` loop every engine but io_uring needs: it
/// retries EINTR, goes on after a short write at the advanced offset, and
/// turns a write of 0 bytes into `WriteZero` rather than spinning.
pub(crate) fn write_whole(file: &File, write: &mut Write) -> io::Result<()> {
    let offset = write.offset;
    file.write_all_at(write.bytes(), offset)
}

/// Opens the engine for `--engine` (`kind`) and `--queue-depth`.
///
/// With no engine named, depth 1 is `sync` and a deeper queue is `uring`,
/// or `threads` where io_uring is refused: containers' seccomp profiles
/// and `kernel.io_uring_disabled` answer `io_uring_setup` with ENOSYS,
/// EPERM or EACCES. A named `uring` that is refused is an error, and so
/// is `sync` deeper than 1. Errors are the kernel's own, without context,
/// so the caller can both test `raw_os_error` and say which file it was.
pub fn open(
    kind: Option<EngineKind>,
    file: Arc<File>,
    depth: usize,
) -> io::Result<Box<dyn Engine>> {
    if depth == 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "an engine needs a queue depth of at least 1",
        ));
    }
    match kind {
        Some(EngineKind::Sync) if depth > 1 => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("the sync engine has a queue depth of 1, not {depth}"),
        )),
        Some(EngineKind::Sync) => Ok(Box::new(SyncEngine::new(file))),
        Some(EngineKind::Threads) => Ok(Box::new(ThreadsEngine::new(file, depth)?)),
        Some(EngineKind::Uring) => Ok(Box::new(UringEngine::new(file, depth)?)),
        None if depth == 1 => Ok(Box::new(SyncEngine::new(file))),
        None => match UringEngine::new(Arc::clone(&file), depth) {
            Ok(engine) => Ok(Box::new(engine)),
            Err(err) if is_refusal(&err) => Ok(Box::new(ThreadsEngine::new(file, depth)?)),
            Err(err) => Err(err),
        },
    }
}

/// Whether `io_uring_setup` failed because io_uring is not allowed here,
/// rather than because something is wrong that threads would also hit.
pub(crate) fn is_refusal(err: &io::Error) -> bool {
    matches!(
        err.raw_os_error(),
        Some(libc::ENOSYS | libc::EPERM | libc::EACCES)
    )
}
