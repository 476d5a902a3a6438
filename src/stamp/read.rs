//! Reading a file or device for `gush verify`: a reader thread hands large
//! windows (page-aligned chunks, so O_DIRECT works) to the checking thread
//! through a bounded channel, and takes them back empty, so memory stays at
//! a few windows and reading overlaps checking.
//!
//! A window whose read fails is read again block by block: a block that
//! fails with EIO is skipped and named, and the rest of the window is still
//! checked (a bad sector costs one block, not a megabyte).

use std::fs::File;
use std::io;
use std::os::unix::fs::{FileExt, FileTypeExt, OpenOptionsExt};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use anyhow::{Context, Result};
use crossbeam_channel::{Receiver, Sender, bounded};

use crate::pipeline::chunk::{Chunk, PAGE};

/// Bytes per read: large enough for disk speed, small enough that a few in
/// flight cost little.
pub const WINDOW: usize = 4 << 20;
/// Windows that may wait between the reader and the checker.
const WINDOWS_IN_FLIGHT: usize = 3;

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
    pub windows: Receiver<Result<Window>>,
    pub recycle: Sender<Chunk>,
    pub thread: JoinHandle<()>,
}

/// Starts the reader over `[0, end)` in blocks of `block` bytes; it stops
/// early when `stop` is set.
pub fn spawn(file: Arc<File>, end: u64, block: usize, stop: Arc<AtomicBool>) -> Reading {
    let (send, windows) = bounded(WINDOWS_IN_FLIGHT);
    let (recycle, empties) = bounded::<Chunk>(WINDOWS_IN_FLIGHT + 2);
    let window = WINDOW.max(block);
    let thread = std::thread::spawn(move || {
        let mut offset = 0u64;
        while offset < end && !stop.load(Ordering::Relaxed) {
            let mut chunk = empties.try_recv().unwrap_or_else(|_| Chunk::new(window));
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
            let short = message.as_ref().is_ok_and(|w| w.chunk.len() < wanted);
            if send.send(message).is_err() || failed || short {
                break;
            }
            offset += wanted as u64;
        }
    });
    Reading {
        windows,
        recycle,
        thread,
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
