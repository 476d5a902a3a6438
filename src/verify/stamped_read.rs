//! Reading a file or device for `gush verify`: reader threads hand large
//! windows (page-aligned chunks, so O_DIRECT works) to the checking thread,
//! and take them back empty. The chunks are a fixed set, and a reader takes
//! one before it claims the next window, so memory stays at a few windows
//! and reading overlaps checking. Several readers keep a device busy while one
//! waits (with O_DIRECT one sequential reader left it idle between reads:
//! 0.7-0.9x fio's depth-16 read; see [`READERS`]); [`Reading::next`] puts
//! their windows back in file order.
//!
//! A window whose read fails is read again block by block: a block that
//! fails with EIO is skipped and named, and the rest of the window is still
//! checked (a bad sector costs one block, not a megabyte).

use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::os::unix::fs::{FileExt, FileTypeExt, OpenOptionsExt};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;

use anyhow::{Context, Result};
use crossbeam_channel::{Receiver, Sender, bounded};

use crate::chunk::{Chunk, PAGE};

/// Bytes per read: large enough for disk speed, small enough that a few in
/// flight cost little.
pub const WINDOW: usize = 1 << 20;
/// Reader threads: reads in flight. Measured on this VM's virtio disk with
/// --direct on a 2 GiB file (GB/s, two rounds): 2 x 4 MiB 1.11/1.23,
/// 4 x 1 MiB 1.44/1.35, 8 x 256 KiB 1.45/1.43; fio --bs=64k --iodepth=16
/// 1.60/1.47.
const READERS: usize = 4;
/// Windows in all: one being read per reader, the rest read ahead or
/// being checked.
const WINDOWS: usize = READERS + 2;

/// A file or block device opened for checking.
pub struct Opened {
    pub file: File,
    /// Its length: the file's size, or the device's capacity.
    pub bytes: u64,
    pub is_device: bool,
}

pub fn open(path: &Path, direct: bool) -> Result<Opened> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    if direct {
        options.custom_flags(libc::O_DIRECT);
    }
    let file = options.open(path).with_context(|| {
        format!(
            "cannot open {} to verify it; check the path and your permission to read it{}",
            path.display(),
            if direct {
                " (and that it allows --direct)"
            } else {
                ""
            }
        )
    })?;
    let meta = file
        .metadata()
        .with_context(|| format!("cannot stat {}", path.display()))?;
    let is_device = meta.file_type().is_block_device();
    let bytes = if is_device {
        // A block device's size is where seeking to its end lands.
        use std::io::Seek;
        (&file)
            .seek(io::SeekFrom::End(0))
            .with_context(|| format!("cannot find the size of {}", path.display()))?
    } else {
        meta.len()
    };
    Ok(Opened {
        file,
        bytes,
        is_device,
    })
}

/// Reads at `offset` into `buf` until it is full or the file ends; the
/// bytes read.
pub fn read_full(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        match file.read_at(&mut buf[done..], offset + done as u64) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        }
    }
    Ok(done)
}

/// One window read: `chunk` holds the bytes from `offset`, and the blocks
/// whose read failed are named in `unreadable`.
pub struct Window {
    pub offset: u64,
    pub chunk: Chunk,
    pub unreadable: Vec<u64>,
}

pub struct Reading {
    windows: Receiver<Result<Window>>,
    recycle: Sender<Chunk>,
    threads: Vec<JoinHandle<()>>,
    /// Windows that came before their turn, by offset.
    early: BTreeMap<u64, Window>,
    next_offset: u64,
    window: u64,
    end: u64,
}

impl Reading {
    /// The next window in file order, or `None` at the end (or once the
    /// readers stopped).
    pub fn next(&mut self) -> Option<Result<Window>> {
        if self.next_offset >= self.end {
            return None;
        }
        loop {
            if let Some(window) = self.early.remove(&self.next_offset) {
                let short = (window.chunk.len() as u64) < self.window;
                self.next_offset = match short {
                    // The file ended early (it shrank while read): stop.
                    true => self.end,
                    false => self.next_offset + self.window,
                };
                return Some(Ok(window));
            }
            match self.windows.recv().ok()? {
                Ok(window) => {
                    self.early.insert(window.offset, window);
                }
                Err(err) => return Some(Err(err)),
            }
        }
    }

    /// Gives a checked window's chunk back to the readers.
    pub fn recycle(&self, chunk: Chunk) {
        let _ = self.recycle.try_send(chunk);
    }

    /// Stops the readers and waits for them.
    pub fn finish(self) {
        let Reading {
            windows,
            recycle,
            threads,
            ..
        } = self;
        drop(windows);
        drop(recycle);
        for thread in threads {
            let _ = thread.join();
        }
    }
}

/// Starts the readers over `[0, end)` in blocks of `block` bytes; they
/// stop early when `stop` is set.
pub fn spawn(file: Arc<File>, end: u64, block: usize, stop: Arc<AtomicBool>) -> Reading {
    let (send, windows) = bounded(WINDOWS);
    let (recycle, empties) = bounded::<Chunk>(WINDOWS);
    let window = WINDOW.max(block);
    for _ in 0..WINDOWS {
        let _ = recycle.try_send(Chunk::new(window));
    }
    let claimed = Arc::new(AtomicU64::new(0));
    // Set by a reader whose read failed: the run ends with that error, so
    // later windows need not be read.
    let halt = Arc::new(AtomicBool::new(false));
    let threads = (0..READERS)
        .map(|_| {
            let (file, stop, claimed) =
                (Arc::clone(&file), Arc::clone(&stop), Arc::clone(&claimed));
            let (send, empties) = (send.clone(), empties.clone());
            let halt = Arc::clone(&halt);
            std::thread::spawn(move || {
                // A chunk first, then a window: whoever holds a window
                // holds the chunk to read it into, so the checker's wait
                // for the next window in order always ends.
                while let Ok(mut chunk) = empties.recv() {
                    let offset = claimed.fetch_add(window as u64, Ordering::Relaxed);
                    if offset >= end || stop.load(Ordering::Relaxed) || halt.load(Ordering::Relaxed)
                    {
                        break;
                    }
                    let wanted = (end - offset).min(window as u64) as usize;
                    // O_DIRECT reads whole pages; what lies past `end` is ignored.
                    let asked = wanted.next_multiple_of(PAGE).min(chunk.capacity());
                    let result = read_window(&file, &mut chunk.space()[..asked], offset, block);
                    let message = result.map(|(read, unreadable)| {
                        chunk.set_filled(read.min(wanted), 0);
                        Window {
                            offset,
                            chunk,
                            unreadable,
                        }
                    });
                    let failed = message.is_err();
                    if send.send(message).is_err() || failed {
                        halt.store(true, Ordering::Relaxed);
                        break;
                    }
                }
            })
        })
        .collect();
    Reading {
        windows,
        recycle,
        threads,
        early: BTreeMap::new(),
        next_offset: 0,
        window: window as u64,
        end,
    }
}

/// One window, in one read if it succeeds; else block by block, skipping
/// the blocks that fail with EIO.
fn read_window(
    file: &File,
    buf: &mut [u8],
    offset: u64,
    block: usize,
) -> Result<(usize, Vec<u64>)> {
    match read_full(file, buf, offset) {
        Ok(read) => return Ok((read, Vec::new())),
        Err(err) if err.raw_os_error() != Some(libc::EIO) => {
            return Err(err).with_context(|| format!("cannot read at byte {offset}"));
        }
        Err(_) => {}
    }
    let mut unreadable = Vec::new();
    let mut read = 0;
    for (i, piece) in buf.chunks_mut(block).enumerate() {
        let at = offset + (i * block) as u64;
        match read_full(file, piece, at) {
            Ok(n) => {
                read = i * block + n;
                if n < piece.len() {
                    break;
                }
            }
            Err(err) if err.raw_os_error() == Some(libc::EIO) => {
                unreadable.push(at);
                read = (i + 1) * block;
            }
            Err(err) => return Err(err).with_context(|| format!("cannot read at byte {at}")),
        }
    }
    Ok((read, unreadable))
}
