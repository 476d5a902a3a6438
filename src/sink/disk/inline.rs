//! The `sync` engine: one write at a time, on the writer's own thread.
//!
//! Kept apart from the deeper engines because it is the baseline the
//! others are checked against, and the one `--queue-depth 1` uses: no
//! thread, no ring, just `pwrite` timed around the syscall.

use std::fs::File;
use std::io;
use std::sync::Arc;
use std::time::Instant;

use super::{Completion, Engine, EngineKind, Write, write_whole};

/// One write at a time, on the writer's own thread: the engine for
/// `--queue-depth 1`, and the baseline the others are checked against.
pub struct SyncEngine {
    file: Arc<File>,
    /// The one write done and not yet reaped: `submit` has already
    /// carried it out, but the contract hands it back through `reap`.
    done: Option<Completion>,
}

impl SyncEngine {
    pub fn new(file: Arc<File>) -> SyncEngine {
        SyncEngine { file, done: None }
    }
}

impl Engine for SyncEngine {
    fn kind(&self) -> EngineKind {
        EngineKind::Sync
    }

    fn depth(&self) -> usize {
        1
    }

    fn in_flight(&self) -> usize {
        usize::from(self.done.is_some())
    }

    fn submit(&mut self, mut write: Write) -> io::Result<()> {
        write.check()?;
        if self.done.is_some() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the sync engine takes one write at a time: reap it first",
            ));
        }
        // Two clock reads per write, around the syscalls only, as fio's
        // psync times clat.
        let started = Instant::now();
        let result = write_whole(&self.file, &mut write);
        let latency_ns = started.elapsed().as_nanos() as u64;
        self.done = Some(Completion {
            write,
            latency_ns,
            result,
        });
        Ok(())
    }

    fn reap(&mut self, _wait: bool, done: &mut Vec<Completion>) -> io::Result<()> {
        done.extend(self.done.take());
        Ok(())
    }
}
