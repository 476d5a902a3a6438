//! The `uring` engine: up to `depth` writes in flight through one
//! io_uring, submitted and reaped from the writer's own thread.
//!
//! Each write goes to the kernel as soon as it is queued, one
//! `io_uring_enter` per write, so the device always has every write the
//! writer has (holding entries back to batch them let the device's queue
//! run down to half the depth: see bench/randwrite.md). Only the write
//! that fills the ring waits, for the `reap` that must follow, whose one
//! call submits it and waits. The ring is set up as fio's own
//! (`DEFER_TASKRUN`): completions are posted by those same calls rather
//! than by interrupting the writer's thread.
//!
//! The kernel reads each chunk after `submit` has returned, so every
//! write in flight lives in a slot table until its last completion is
//! reaped, and dropping the engine waits for the kernel to finish with
//! all of them before any buffer is freed. A short write is sent again
//! for its remainder, so the caller sees one completion per write, as
//! with the `pwrite` engines.

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::time::Instant;

use io_uring::{IoUring, cqueue, opcode, squeue, types};

use super::{Completion, Engine, EngineKind, Write};

pub struct UringEngine {
    ring: IoUring,
    /// Held so the descriptor the ring writes to stays open.
    file: Arc<File>,
    /// Whether the file is registered with the ring (index 0), which
    /// spares the kernel a descriptor lookup per write.
    registered: bool,
    /// Writes in flight, indexed by the `user_data` of their entries.
    slots: Vec<Option<Slot>>,
    free_slots: Vec<usize>,
    /// Completion entries copied out of the ring, kept to reuse.
    reaped: Vec<(u64, i32)>,
    /// Slots with an entry queued in the ring and not yet taken by the
    /// kernel, oldest first: a write's latency clock starts when the
    /// kernel takes its first entry (see `enter`).
    unsubmitted: Vec<usize>,
    /// Set up with `DEFER_TASKRUN`: the kernel posts completions only
    /// when this thread enters with `GETEVENTS`, which every enter does.
    deferred: bool,
    /// Set up disabled (`R_DISABLED`), and enabled by the first enter:
    /// the thread that writes, not the one that opened the sink (each
    /// `--jobs` writer has its own thread), is then the single issuer.
    enabled: bool,
    /// When the engine was made: a slot's clock until the kernel takes
    /// its write, so queueing one reads no clock.
    opened: Instant,
}

struct Slot {
    write: Write,
    /// Bytes the kernel has written so far, over short writes.
    written: usize,
    submitted: Instant,
}

impl UringEngine {
    /// A ring of `depth` entries writing to `file`. The error is
    /// `io_uring_setup`'s own, so a caller can tell a refusal (ENOSYS,
    /// EPERM, EACCES) from other failures.
    pub fn new(file: Arc<File>, depth: usize) -> io::Result<UringEngine> {
        UringEngine::with_registered_file(file, depth, false)
    }

    /// As [`UringEngine::new`], optionally registering the file with the
    /// ring. Measured on 64 KiB O_DIRECT writes it made no difference
    /// (see `examples/engine_bench.rs`), so `new` does not.
    pub fn with_registered_file(
        file: Arc<File>,
        depth: usize,
        register: bool,
    ) -> io::Result<UringEngine> {
        let entries = u32::try_from(depth).map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("a queue depth of {depth} is too deep for io_uring"),
            )
        })?;
        let (ring, deferred) = setup(entries)?;
        if register {
            ring.submitter().register_files(&[file.as_raw_fd()])?;
        }
        Ok(UringEngine {
            ring,
            file,
            registered: register,
            slots: (0..depth).map(|_| None).collect(),
            // Popped from the end: slot 0 first, which keeps the table's
            // hot end small at low load.
            free_slots: (0..depth).rev().collect(),
            reaped: Vec::with_capacity(depth),
            unsubmitted: Vec::with_capacity(depth),
            deferred,
            enabled: !deferred,
            opened: Instant::now(),
        })
    }

    /// Queues the rest of the write in `slot`: all of it at first, the
    /// remainder after a short write. The entry is not submitted yet.
    fn queue(&mut self, slot: usize) -> io::Result<()> {
        let state = self.slots[slot].as_mut().expect("queued slot is in use");
        let remaining = state.write.len - state.written;
        let len = u32::try_from(remaining).map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("a write of {remaining} bytes is too long for io_uring"),
            )
        })?;
        // SAFETY of the pointer: the chunk's allocation does not move when
        // the Chunk does, and the slot keeps it alive until this entry's
        // completion has been reaped (see Drop).
        let buf = state.write.chunk.space()[state.written..].as_ptr();
        let offset = state.write.offset + state.written as u64;
        let entry = if self.registered {
            opcode::Write::new(types::Fixed(0), buf, len)
        } else {
            opcode::Write::new(types::Fd(self.file.as_raw_fd()), buf, len)
        }
        .offset(offset)
        .build()
        .user_data(slot as u64);
        self.push(&entry)?;
        self.unsubmitted.push(slot);
        Ok(())
    }

    fn push(&mut self, entry: &squeue::Entry) -> io::Result<()> {
        // The queue has `depth` entries and at most `depth` writes are in
        // flight, so it is full only if an earlier submit left entries
        // behind; submitting makes room.
        for _ in 0..2 {
            // SAFETY: the buffer stays valid until completion (see queue).
            if unsafe { self.ring.submission().push(entry) }.is_ok() {
                return Ok(());
            }
            self.enter(0)?;
        }
        Err(io::Error::other("the io_uring submission queue stays full"))
    }

    fn in_use(&self) -> usize {
        self.slots.len() - self.free_slots.len()
    }

    /// Copies the completions ready in the ring into `self.reaped`.
    fn take_completions(&mut self) {
        self.reaped.clear();
        let completions: cqueue::CompletionQueue<'_> = self.ring.completion();
        self.reaped
            .extend(completions.map(|cqe| (cqe.user_data(), cqe.result())));
    }

    /// One `io_uring_enter`: submits every queued entry and waits for
    /// `want` completions (0 or 1), with EINTR (a signal, say SIGINT being
    /// handled) retried: it only means the wait was cut short.
    ///
    /// The writes the kernel took start their latency clock here, as
    /// fio's `clat` does (its io_uring engine stamps each I/O once the
    /// submitting call has returned): a plain submit stamps them on its
    /// return, and one that also waits stamps them as it is called, so
    /// the wait is not taken off.
    fn enter(&mut self, want: usize) -> io::Result<()> {
        if !self.enabled {
            self.ring.submitter().register_enable_rings()?;
            self.enabled = true;
        }
        let queued = self.ring.submission().len();
        let called = (want > 0).then(Instant::now);
        let result = loop {
            let entered = if self.deferred {
                // SAFETY: no argument is passed; the flag only asks the
                // kernel to run the completions deferred for this thread.
                unsafe {
                    self.ring.submitter().enter::<libc::sigset_t>(
                        queued as u32,
                        want as u32,
                        IORING_ENTER_GETEVENTS,
                        None,
                    )
                }
            } else {
                self.ring.submit_and_wait(want)
            };
            match entered {
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        let taken = (queued - self.ring.submission().len()).min(self.unsubmitted.len());
        if taken > 0 {
            let started = called.unwrap_or_else(Instant::now);
            for slot in self.unsubmitted.drain(..taken) {
                let state = self.slots[slot].as_mut().expect("a queued slot is in use");
                // A short write's remainder keeps its first clock.
                if state.written == 0 {
                    state.submitted = started;
                }
            }
        }
        result.map(drop)
    }
}

/// `IORING_ENTER_GETEVENTS`, which the io-uring crate keeps private.
const IORING_ENTER_GETEVENTS: u32 = 1;

/// A ring of `entries` set up as fio's io_uring engine sets its own
/// (`COOP_TASKRUN`, `SINGLE_ISSUER`, `DEFER_TASKRUN`): a completion is not
/// an interrupt of the writer's thread (task work run at its next return
/// from the kernel), but waits for the writer's next enter, which it makes
/// once per write anyway. `R_DISABLED` lets the first enter name the
/// issuing thread. A kernel older than 6.1 refuses the flags with EINVAL:
/// then a plain ring. Returns the ring and whether it defers.
fn setup(entries: u32) -> io::Result<(IoUring, bool)> {
    let deferred = IoUring::builder()
        .setup_coop_taskrun()
        .setup_single_issuer()
        .setup_defer_taskrun()
        .setup_r_disabled()
        .build(entries);
    match deferred {
        Ok(ring) => Ok((ring, true)),
        Err(err) if err.raw_os_error() == Some(libc::EINVAL) => Ok((IoUring::new(entries)?, false)),
        Err(err) => Err(err),
    }
}

impl Engine for UringEngine {
    fn kind(&self) -> EngineKind {
        EngineKind::Uring
    }

    fn depth(&self) -> usize {
        self.slots.len()
    }

    fn in_flight(&self) -> usize {
        self.in_use()
    }

    fn submit(&mut self, write: Write) -> io::Result<()> {
        write.check()?;
        let Some(slot) = self.free_slots.pop() else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("more than {} writes submitted at once", self.slots.len()),
            ));
        };
        self.slots[slot] = Some(Slot {
            write,
            written: 0,
            submitted: self.opened,
        });
        if let Err(err) = self.queue(slot) {
            // Never reached the ring: the write is the caller's again, as
            // far as it can be; the error says what went wrong.
            self.slots[slot] = None;
            self.free_slots.push(slot);
            return Err(err);
        }
        // Submitted now, unless this write fills the ring: then the caller
        // cannot submit again before a `reap` that waits, whose one call
        // submits it too, saving a call per wait. The disk queue makes that
        // reap on its next chunk, or at once when none is ready, so the
        // write waits for the writer's next turn (a `--sink-rate` pause
        // included); its latency clock starts only when it is submitted.
        if self.in_use() < self.slots.len() {
            self.enter(0)?;
        }
        Ok(())
    }

    fn reap(&mut self, wait: bool, done: &mut Vec<Completion>) -> io::Result<()> {
        let before = done.len();
        loop {
            self.take_completions();
            // The completions taken together were posted by the same call
            // into the kernel: one clock read times them all.
            let now = match self.reaped.is_empty() {
                true => self.opened,
                false => Instant::now(),
            };
            let mut resubmit = false;
            for index in 0..self.reaped.len() {
                let (user_data, res) = self.reaped[index];
                let slot = user_data as usize;
                let state = self.slots[slot]
                    .as_mut()
                    .expect("completion for a live slot");
                let result = match res {
                    res if res < 0 => Err(io::Error::from_raw_os_error(-res)),
                    0 => Err(io::Error::from(io::ErrorKind::WriteZero)),
                    res => {
                        state.written += res as usize;
                        if state.written < state.write.len {
                            // A short write (a full disk, a signal): the
                            // rest goes again from where the kernel stopped.
                            // If it cannot be queued the kernel holds no
                            // entry for it, so it ends here, as failed:
                            // returning early would strand the slot and
                            // the completions after it.
                            match self.queue(slot) {
                                Ok(()) => {
                                    resubmit = true;
                                    continue;
                                }
                                Err(err) => Err(err),
                            }
                        } else {
                            Ok(())
                        }
                    }
                };
                let state = self.slots[slot].take().expect("slot is in use");
                self.free_slots.push(slot);
                done.push(Completion {
                    latency_ns: now.saturating_duration_since(state.submitted).as_nanos() as u64,
                    write: state.write,
                    result,
                });
            }
            if !wait || done.len() > before || self.in_use() == 0 {
                if resubmit || (wait && !self.ring.submission().is_empty()) {
                    // Entries queued and not yet submitted (see `submit`)
                    // go now, before the caller sleeps elsewhere.
                    self.enter(0)?;
                }
                return Ok(());
            }
            // Submits what is queued and waits for one completion; every
            // completion ready by then is taken on the next turn.
            self.enter(1)?;
        }
    }
}

impl Drop for UringEngine {
    fn drop(&mut self) {
        // The kernel may still be reading chunks in flight: freeing them
        // now would let it write freed (or reused) memory to the file. So
        // wait for every outstanding entry; a short write is not sent
        // again, as nobody will see its completion.
        while self.in_use() > 0 {
            self.take_completions();
            for index in 0..self.reaped.len() {
                let slot = self.reaped[index].0 as usize;
                self.slots[slot] = None;
                self.free_slots.push(slot);
            }
            if self.in_use() > 0 && self.enter(1).is_err() {
                // The ring cannot be waited on; the chunks left are leaked
                // rather than freed under the kernel's feet.
                for slot in self.slots.iter_mut() {
                    if let Some(state) = slot.take() {
                        std::mem::forget(state);
                    }
                }
                break;
            }
        }
    }
}
