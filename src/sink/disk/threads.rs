//! The `threads` engine: N threads each doing one `pwrite` at a time on a
//! shared file, so N writes are in flight without io_uring.
//!
//! It is the fallback where io_uring is refused (container seccomp
//! profiles, `kernel.io_uring_disabled`) and a check on the uring engine:
//! both must leave the same bytes. Writes go to the threads over one
//! channel and come back over another; a failed write is reported in its
//! completion, never by a panic, so one bad write does not lose the rest.

use std::fs::File;
use std::io;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Instant;

use crossbeam_channel::{Receiver, Sender, TrySendError};

use super::{Completion, Engine, EngineKind, Write, write_whole};

pub struct ThreadsEngine {
    depth: usize,
    in_flight: usize,
    /// `None` once dropping: closing the channel is what ends the threads.
    to_threads: Option<Sender<(Write, Instant)>>,
    from_threads: Receiver<Completion>,
    threads: Vec<JoinHandle<()>>,
}

impl ThreadsEngine {
    /// Starts `depth` threads writing to `file`.
    pub fn new(file: Arc<File>, depth: usize) -> io::Result<ThreadsEngine> {
        // Bounded to the depth: the caller never has more in flight, so a
        // send never blocks, and nothing is allocated per write.
        let (to_threads, jobs) = crossbeam_channel::bounded::<(Write, Instant)>(depth);
        let (done, from_threads) = crossbeam_channel::bounded::<Completion>(depth);
        let mut threads = Vec::with_capacity(depth);
        for index in 0..depth {
            let file = Arc::clone(&file);
            let jobs = jobs.clone();
            let done = done.clone();
            let thread = std::thread::Builder::new()
                .name(format!("gush-pwrite-{index}"))
                // A worker holds no more than one Write and a few locals.
                .stack_size(64 * 1024)
                .spawn(move || {
                    for (mut write, submitted) in jobs {
                        let result = write_whole(&file, &mut write);
                        let latency_ns = submitted.elapsed().as_nanos() as u64;
                        let completion = Completion {
                            write,
                            latency_ns,
                            result,
                        };
                        // The engine is gone: nobody wants the chunk back.
                        if done.send(completion).is_err() {
                            break;
                        }
                    }
                })?;
            threads.push(thread);
        }
        Ok(ThreadsEngine {
            depth,
            in_flight: 0,
            to_threads: Some(to_threads),
            from_threads,
            threads,
        })
    }

    fn threads_gone() -> io::Error {
        io::Error::other("the pwrite threads have stopped")
    }
}

impl Engine for ThreadsEngine {
    fn kind(&self) -> EngineKind {
        EngineKind::Threads
    }

    fn depth(&self) -> usize {
        self.depth
    }

    fn in_flight(&self) -> usize {
        self.in_flight
    }

    fn submit(&mut self, write: Write) -> io::Result<()> {
        write.check()?;
        let to_threads = self.to_threads.as_ref().ok_or_else(Self::threads_gone)?;
        // Timed from here, so the wait for a free thread counts, as it
        // does in the kernel's queue for io_uring. The channel holds
        // `depth`, so it is full only when the caller broke the contract;
        // refusing beats blocking forever.
        match to_threads.try_send((write, Instant::now())) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("more than {} writes submitted at once", self.depth),
                ));
            }
            Err(TrySendError::Disconnected(_)) => return Err(Self::threads_gone()),
        }
        self.in_flight += 1;
        Ok(())
    }

    fn reap(&mut self, wait: bool, done: &mut Vec<Completion>) -> io::Result<()> {
        if wait && self.in_flight > 0 {
            let completion = self.from_threads.recv().map_err(|_| Self::threads_gone())?;
            done.push(completion);
            self.in_flight -= 1;
        }
        while let Ok(completion) = self.from_threads.try_recv() {
            done.push(completion);
            self.in_flight -= 1;
        }
        Ok(())
    }
}

impl Drop for ThreadsEngine {
    fn drop(&mut self) {
        // Writes still queued are carried out before the threads see the
        // channel closed: a dropped engine leaves no write half-done.
        drop(self.to_threads.take());
        // The completion channel has room for every write in flight, so
        // no thread blocks on it while we join.
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}
