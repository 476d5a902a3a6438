//! The one reader of both read-back checks (`--verify` in `regenerate.rs`,
//! `gush verify FILE` in `stamped.rs`): threads that read the destination
//! (opened by `open.rs`) in windows and hand them, in file order, to the
//! checking thread.
//!
//! Through the page cache one thread reads and the kernel's readahead
//! keeps the device busy. O_DIRECT has no readahead, so there N threads
//! read at once, thread i taking windows i, i+N, i+2N…, each over its own
//! bounded channel; the checker takes from them in turn, which puts the
//! windows back in order without a reorder buffer. Every thread owns a
//! fixed set of chunks (one being read, `slots` waiting), so memory stays
//! bounded whatever the file's size, and reading overlaps checking.
//!
//! A window whose read fails with EIO can be read again block by block
//! (`salvage_block`): the blocks that fail are skipped and named, and the
//! rest of the window is still checked (a bad sector costs one block, not
//! a megabyte).

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use anyhow::{Context, Result};
use crossbeam_channel::{Receiver, Sender, bounded, unbounded};

use super::decompress;
use crate::chunk::{Chunk, ChunkPool, PAGE};
use crate::sink::compress::Codec;

/// What the reader reads from: a file or device, or an object in S3
/// (ranged GETs). Positioned reads, so threads share one.
pub trait ReadAt: Send + Sync {
    /// As [`FileExt::read_at`]: the bytes read, 0 at the end.
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize>;
}

impl ReadAt for File {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        FileExt::read_at(self, buf, offset)
    }
}

impl ReadAt for crate::sink::s3::read::ObjectReader {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        crate::sink::s3::read::ObjectReader::read_at(self, buf, offset)
    }
}

/// Where and how to read.
pub struct ReadPlan {
    pub file: Arc<dyn ReadAt>,
    /// Bytes per window: a multiple of the direct-I/O alignment.
    pub window_bytes: usize,
    /// Reading threads, each with its own windows in flight.
    pub threads: usize,
    /// Windows each thread may have read and waiting for the checker.
    pub slots: usize,
    /// Read no further than this (a block device's written part).
    pub limit: Option<u64>,
    /// O_DIRECT: reads are whole pages, and a short one is the end.
    pub direct: bool,
    /// Re-read a window that fails with EIO in blocks of this size,
    /// skipping the ones that fail; `None`: the error ends the check.
    pub salvage_block: Option<usize>,
    pub stop: Arc<AtomicBool>,
    /// The file is a compressed stream (`--compress`): one thread reads it
    /// from the start through the decoder, and the windows are of the
    /// decompressed bytes (see `decompress.rs`).
    pub compressed: Option<Codec>,
}

/// One window read: `chunk` holds the bytes from `offset`, and the blocks
/// whose read failed (zeros in the chunk) are named in `unreadable`.
pub struct Window {
    pub offset: u64,
    pub chunk: Chunk,
    pub unreadable: Vec<u64>,
}

pub struct Reader {
    lanes: Vec<Lane>,
    window_bytes: usize,
    /// The lane the next window comes from.
    next: usize,
    /// The lane the window in the checker's hands came from.
    held: Option<usize>,
    ended: bool,
    /// A compressed stream's lane ends by closing its channel: a short
    /// window may be followed by the error that cut it short.
    compressed: bool,
    handles: Vec<JoinHandle<()>>,
}

/// One reading thread's two channels: windows read, chunks to read into.
struct Lane {
    filled: Receiver<Result<Window>>,
    empty: Sender<Chunk>,
}

impl Reader {
    pub fn start(plan: ReadPlan) -> Reader {
        let plan = Arc::new(plan);
        let mut lanes = Vec::new();
        let mut handles = Vec::new();
        // A stream is read in order from its start: one lane.
        let threads = match plan.compressed {
            Some(_) => 1,
            None => plan.threads,
        };
        for lane in 0..threads {
            let (filled_tx, filled) = bounded(plan.slots);
            let (empty, empty_rx) = unbounded();
            let plan = Arc::clone(&plan);
            handles.push(std::thread::spawn(move || match plan.compressed {
                Some(codec) => decompress::read_lane(&plan, codec, &filled_tx, &empty_rx),
                None => read_lane(&plan, lane, &filled_tx, &empty_rx),
            }));
            lanes.push(Lane { filled, empty });
        }
        Reader {
            lanes,
            window_bytes: plan.window_bytes,
            next: 0,
            held: None,
            ended: false,
            compressed: plan.compressed.is_some(),
            handles,
        }
    }

    /// The next window in file order; None at the end of the file (or once
    /// the readers were stopped). A failed read comes once, in its place.
    pub fn next_window(&mut self) -> Option<Result<Window>> {
        if self.ended {
            return None;
        }
        let lane = self.next;
        let Ok(read) = self.lanes[lane].filled.recv() else {
            // The lane ended: the file ends before its next window, and
            // so before every later one.
            self.ended = true;
            return None;
        };
        self.next = (lane + 1) % self.lanes.len();
        match &read {
            Ok(window) => {
                self.held = Some(lane);
                // A short window is the end: a later lane may have read
                // past it if the file grew meanwhile, and that would leave
                // a gap.
                self.ended = window.chunk.len() < self.window_bytes && !self.compressed;
            }
            Err(_) => self.ended = true,
        }
        Some(read)
    }

    /// Returns the chunk of the window last taken, to be read into again.
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

fn read_lane(
    plan: &ReadPlan,
    lane: usize,
    filled: &Sender<Result<Window>>,
    empty: &Receiver<Chunk>,
) {
    let mut pool = ChunkPool::new(plan.window_bytes);
    let mut made = 0;
    let step = (plan.window_bytes * plan.threads) as u64;
    let mut offset = (plan.window_bytes * lane) as u64;
    loop {
        if plan.stop.load(Ordering::Relaxed) {
            return;
        }
        let want = match plan.limit {
            Some(limit) if offset >= limit => return,
            Some(limit) => (limit - offset).min(plan.window_bytes as u64) as usize,
            None => plan.window_bytes,
        };
        let Some(mut chunk) = next_chunk(empty, &mut pool, &mut made, plan.slots) else {
            return;
        };
        let (got, unreadable) = match read_window(plan, &mut chunk, offset, want) {
            Ok(read) => read,
            Err(err) => {
                let _ = filled.send(Err(err));
                return;
            }
        };
        if got == 0 {
            return;
        }
        chunk.set_filled(got, 0);
        let window = Window {
            offset,
            chunk,
            unreadable,
        };
        if filled.send(Ok(window)).is_err() || got < want {
            return;
        }
        offset += step;
    }
}

/// Fills `chunk` with up to `want` bytes from `offset` (fewer only at the
/// end of the file), in one read if it succeeds; else, if the plan says
/// so, block by block, skipping the blocks that fail with EIO.
/// The chunk a lane reads into next: a returned one, else a new one while
/// the lane has made no more than `slots`, else the next the checker
/// returns; `None` once the checker has gone. Each lane owns one chunk
/// more than its channel holds, the one it reads into; past that it waits
/// for the checker's returns, so memory stays bounded.
pub(super) fn next_chunk(
    empty: &Receiver<Chunk>,
    pool: &mut ChunkPool,
    made: &mut usize,
    slots: usize,
) -> Option<Chunk> {
    match empty.try_recv() {
        Ok(chunk) => Some(chunk),
        Err(_) if *made <= slots => {
            *made += 1;
            Some(pool.take())
        }
        Err(_) => empty.recv().ok(),
    }
}

fn read_window(
    plan: &ReadPlan,
    chunk: &mut Chunk,
    offset: u64,
    want: usize,
) -> Result<(usize, Vec<u64>)> {
    // O_DIRECT reads whole pages: the chunk's capacity is page-rounded,
    // so a last partial block still fits, and is cut back after.
    let asked = match plan.direct {
        true => want.next_multiple_of(PAGE).min(chunk.capacity()),
        false => want,
    };
    let space = &mut chunk.space()[..asked];
    let failed = match read_full(&*plan.file, space, offset, plan.direct) {
        Ok(got) => return Ok((got.min(want), Vec::new())),
        Err(err) => err,
    };
    match plan.salvage_block {
        Some(block) if failed.raw_os_error() == Some(libc::EIO) => {
            let (got, unreadable) = salvage(plan, space, offset, block)?;
            Ok((got.min(want), unreadable))
        }
        _ => Err(failed).with_context(|| format!("cannot read at byte {offset}")),
    }
}

/// Reads `buf` from `offset` a block at a time, zeroing and naming the
/// blocks that fail with EIO.
fn salvage(
    plan: &ReadPlan,
    buf: &mut [u8],
    offset: u64,
    block: usize,
) -> Result<(usize, Vec<u64>)> {
    let mut unreadable = Vec::new();
    let mut got = 0;
    for (i, piece) in buf.chunks_mut(block).enumerate() {
        let at = offset + (i * block) as u64;
        match read_full(&*plan.file, piece, at, plan.direct) {
            Ok(n) => {
                got = i * block + n;
                if n < piece.len() {
                    break;
                }
            }
            Err(err) if err.raw_os_error() == Some(libc::EIO) => {
                piece.fill(0);
                unreadable.push(at);
                got = (i + 1) * block;
            }
            Err(err) => return Err(err).with_context(|| format!("cannot read at byte {at}")),
        }
    }
    Ok((got, unreadable))
}

/// Reads at `offset` into `buf` until it is full or the file ends; the
/// bytes read.
pub fn read_full(
    file: &dyn ReadAt,
    buf: &mut [u8],
    offset: u64,
    direct: bool,
) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read_at(&mut buf[got..], offset + got as u64) {
            Ok(0) => break,
            Ok(n) => {
                got += n;
                // A short direct read is the end: the next offset would
                // be unaligned.
                if direct && n % PAGE != 0 {
                    break;
                }
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(got)
}
