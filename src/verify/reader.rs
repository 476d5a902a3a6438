//! The reading half of a verify: threads that read the destination into
//! chunks and hand them, in file order, to the comparing thread; and the
//! preparation that makes those reads reach the device.
//!
//! One thread reads sequentially and lets the kernel's readahead keep the
//! device busy. With O_DIRECT there is no readahead, so `--queue-depth N`
//! starts N threads, thread i reading chunks i, i+N, i+2N…, each with its
//! own bounded channel; the comparer takes from them in turn, which puts
//! the chunks back in order without a reorder buffer. Every thread owns a
//! fixed number of chunks, so memory stays under the high-water mark.

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::FileExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};

use crate::chunk::{Chunk, ChunkPool};

/// A chunk read from `offset`, or why it could not be.
pub type Read = io::Result<Chunk>;

/// Where and how to read.
pub struct ReadPlan {
    pub file: Arc<File>,
    pub chunk_bytes: usize,
    /// Reading threads (1 unless O_DIRECT asks for a queue).
    pub threads: usize,
    /// Chunks each thread may have filled and waiting.
    pub slots: usize,
    /// Read no further than this (a block device's written part).
    pub limit: Option<u64>,
    /// O_DIRECT: a short read is the end of the file.
    pub direct: bool,
    pub stop: Arc<AtomicBool>,
}

pub struct Reader {
    lanes: Vec<Lane>,
    /// The lane the next chunk comes from.
    next: usize,
    /// The lane the chunk in the comparer's hands came from.
    held: Option<usize>,
    ended: bool,
    handles: Vec<JoinHandle<()>>,
}

struct Lane {
    filled: Receiver<Read>,
    empty: Sender<Chunk>,
}

impl Reader {
    pub fn start(plan: ReadPlan) -> Reader {
        let plan = Arc::new(plan);
        let mut lanes = Vec::new();
        let mut handles = Vec::new();
        for lane in 0..plan.threads {
            let (filled_tx, filled) = bounded(plan.slots);
            let (empty, empty_rx) = unbounded();
            let plan = Arc::clone(&plan);
            handles.push(std::thread::spawn(move || {
                read_lane(&plan, lane, &filled_tx, &empty_rx)
            }));
            lanes.push(Lane { filled, empty });
        }
        Reader {
            lanes,
            next: 0,
            held: None,
            ended: false,
            handles,
        }
    }

    /// The next chunk in file order; None at the end of the file.
    pub fn next_chunk(&mut self) -> Option<Read> {
        if self.ended {
            return None;
        }
        let lane = self.next;
        match self.lanes[lane].filled.recv() {
            Ok(read) => {
                self.next = (lane + 1) % self.lanes.len();
                self.held = Some(lane);
                Some(read)
            }
            Err(_) => {
                // The lane ended: the file ends before its next chunk,
                // and so before every later one.
                self.ended = true;
                None
            }
        }
    }

    /// Returns the chunk last taken, to be read into again.
    pub fn give_back(&mut self, chunk: Chunk) {
        if let Some(lane) = self.held.take() {
            let _ = self.lanes[lane].empty.send(chunk);
        }
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        // Closing the channels ends every thread at its next hand-over.
        self.lanes.clear();
        for handle in self.handles.drain(..) {
            let _ = handle.join();
        }
    }
}

fn read_lane(plan: &ReadPlan, lane: usize, filled: &Sender<Read>, empty: &Receiver<Chunk>) {
    let mut pool = ChunkPool::new(plan.chunk_bytes);
    let mut made = 0;
    let step = (plan.chunk_bytes * plan.threads) as u64;
    let mut offset = (plan.chunk_bytes * lane) as u64;
    loop {
        if plan.stop.load(Ordering::Relaxed) {
            return;
        }
        let want = match plan.limit {
            Some(limit) if offset >= limit => return,
            Some(limit) => (limit - offset).min(plan.chunk_bytes as u64) as usize,
            None => plan.chunk_bytes,
        };
        // Each lane owns one chunk more than its channel holds: the one
        // it reads into. Past that it waits for the comparer's returns.
        let mut chunk = match empty.try_recv() {
            Ok(chunk) => chunk,
            Err(_) if made <= plan.slots => {
                made += 1;
                pool.take()
            }
            Err(_) => match empty.recv() {
                Ok(chunk) => chunk,
                Err(_) => return,
            },
        };
        let read = read_at(plan, &mut chunk, offset, want);
        let got = match read {
            Ok(got) => got,
            Err(err) => {
                let _ = filled.send(Err(err));
                return;
            }
        };
        if got == 0 {
            return;
        }
        chunk.set_filled(got, 0);
        if filled.send(Ok(chunk)).is_err() || got < want {
            return;
        }
        offset += step;
    }
}

/// Fills `chunk` with up to `want` bytes from `offset`; fewer only at the
/// end of the file.
fn read_at(plan: &ReadPlan, chunk: &mut Chunk, offset: u64, want: usize) -> io::Result<usize> {
    // O_DIRECT reads whole blocks: the chunk's capacity is page-rounded,
    // so a last partial block still fits, and is cut back after.
    let asked = match plan.direct {
        true => want
            .next_multiple_of(crate::chunk::PAGE)
            .min(chunk.capacity()),
        false => want,
    };
    let space = &mut chunk.space()[..asked];
    let mut got = 0;
    while got < asked {
        match plan.file.read_at(&mut space[got..], offset + got as u64) {
            Ok(0) => break,
            Ok(n) => {
                got += n;
                // A short direct read is the end: the next offset would
                // be unaligned.
                if plan.direct && n % crate::chunk::PAGE != 0 {
                    break;
                }
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(got.min(want))
}

/// Makes the next reads come from the device: writes back any dirty pages
/// of the first `len` bytes, then asks the kernel to drop them from the
/// page cache. Returns whether none is left resident (`mincore`): a
/// filesystem that keeps its pages (tmpfs) or pages another process holds
/// locked stay, and the check then honestly reads the page cache.
pub fn drop_cached(file: &File, len: u64) -> bool {
    let fd = file.as_raw_fd();
    // SAFETY: plain calls on a file descriptor we hold.
    unsafe {
        libc::fdatasync(fd);
        libc::posix_fadvise(fd, 0, len as libc::off_t, libc::POSIX_FADV_DONTNEED);
        // One pass from start to end: Linux doubles its readahead window.
        libc::posix_fadvise(fd, 0, 0, libc::POSIX_FADV_SEQUENTIAL);
    }
    if len == 0 {
        return true;
    }
    !any_resident(file, len).unwrap_or(true)
}

/// Whether any page of the first `len` bytes is in the page cache.
fn any_resident(file: &File, len: u64) -> Option<bool> {
    let len = usize::try_from(len).ok()?;
    // SAFETY: a shared read-only mapping of our file, only passed to
    // mincore (never read) and unmapped before returning.
    let map = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ,
            libc::MAP_SHARED,
            file.as_raw_fd(),
            0,
        )
    };
    if map == libc::MAP_FAILED {
        return None;
    }
    let pages = len.div_ceil(crate::chunk::PAGE);
    let mut resident = vec![0u8; pages];
    // SAFETY: `resident` has one byte per page of the mapping.
    let rc = unsafe { libc::mincore(map, len, resident.as_mut_ptr()) };
    unsafe { libc::munmap(map, len) };
    (rc == 0).then(|| resident.iter().any(|page| page & 1 != 0))
}

/// Whether the file lives in memory (tmpfs), where O_DIRECT, if allowed at
/// all, still reads the page cache.
pub fn in_memory(file: &File) -> bool {
    const TMPFS_MAGIC: libc::c_long = 0x0102_1994;
    // SAFETY: fstatfs fills the zeroed struct we own.
    let mut fs: libc::statfs = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::fstatfs(file.as_raw_fd(), &mut fs) };
    rc == 0 && fs.f_type as libc::c_long == TMPFS_MAGIC
}
