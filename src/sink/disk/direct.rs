//! O_DIRECT: the alignment a destination asks of direct writes, and the
//! re-blocking that lets lines and records, whose chunks end wherever the
//! last whole record does, go out in aligned blocks.
//!
//! Direct I/O needs the file offset, the length and the buffer address of
//! every write to be multiples of the destination's alignment. Chunks are
//! page-aligned already and `--chunk` is checked against the alignment, so
//! raw bytes pass through untouched. A chunk of records is re-blocked in
//! place instead of copied: the unaligned tail of one chunk is carried and
//! put in front of the next (the chunk has a block of headroom for it), and
//! the very last partial block is written after O_DIRECT is cleared, so the
//! file holds exactly the bytes asked for.

use std::ffi::CString;
use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::chunk::Chunk;

/// Direct-I/O alignment when nothing better can be learned: the largest
/// logical block size in common use (4Kn drives), so a guess is never too
/// small.
const FALLBACK_ALIGNMENT: u64 = 4096;

/// The file-offset alignment direct writes to `path` need, if it can be
/// learned before opening: statx's STATX_DIOALIGN for an existing file or
/// device (Linux 6.1+), else the logical block size of the block device
/// under the directory a new file would go in.
pub fn alignment(path: &Path) -> Option<u64> {
    if let Some(align) = statx_dio_align(path) {
        return Some(align);
    }
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let (major, minor) = statx_dev(if path.exists() { path } else { dir })?;
    logical_block_size(major, minor)
}

/// The alignment of an open file: statx where the kernel tells, else the
/// fallback, so a write is never misaligned for want of knowing.
pub fn alignment_of(path: &Path) -> u64 {
    alignment(path).unwrap_or(FALLBACK_ALIGNMENT)
}

fn statx(path: &Path, mask: libc::c_uint) -> Option<libc::statx> {
    let path = CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: statx fills the zeroed struct we own; the path is NUL-terminated.
    let mut buf: libc::statx = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::statx(libc::AT_FDCWD, path.as_ptr(), 0, mask, &mut buf) };
    (rc == 0).then_some(buf)
}

fn statx_dio_align(path: &Path) -> Option<u64> {
    let buf = statx(path, libc::STATX_DIOALIGN)?;
    let offset = u64::from(buf.stx_dio_offset_align);
    // Filesystems that answer 0 do not support direct I/O on this file, or
    // did not fill the field: the open will tell.
    (buf.stx_mask & libc::STATX_DIOALIGN != 0 && offset > 0).then_some(offset)
}

fn statx_dev(path: &Path) -> Option<(u32, u32)> {
    let buf = statx(path, libc::STATX_BASIC_STATS)?;
    Some((buf.stx_dev_major, buf.stx_dev_minor))
}

/// A block device's logical block size from sysfs; a partition reads its
/// disk's queue.
fn logical_block_size(major: u32, minor: u32) -> Option<u64> {
    let base = format!("/sys/dev/block/{major}:{minor}");
    ["queue/logical_block_size", "../queue/logical_block_size"]
        .iter()
        .find_map(|leaf| std::fs::read_to_string(format!("{base}/{leaf}")).ok())
        .and_then(|text| text.trim().parse().ok())
}

/// Turns O_DIRECT off on an open file, so a last partial block can be
/// written through the page cache.
pub fn clear_direct(file: &File) -> io::Result<()> {
    let fd = file.as_raw_fd();
    // SAFETY: F_GETFL/F_SETFL only read and set the status flags of an fd we hold.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_DIRECT) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// The carried, unaligned tail of the stream of chunks.
pub struct Reblock {
    alignment: usize,
    carry: Vec<u8>,
}

impl Reblock {
    pub fn new(alignment: u64) -> Reblock {
        let alignment = alignment as usize;
        Reblock {
            alignment,
            carry: Vec::with_capacity(alignment),
        }
    }

    /// Bytes the chunks need beyond `--chunk` to take a carried tail.
    pub fn headroom(&self) -> usize {
        self.alignment
    }

    /// Starts the stream with bytes already in the file (an `--append` to a
    /// file whose size is not aligned): they are written again, in place,
    /// as the front of the first block.
    pub fn carry_from(&mut self, bytes: &[u8]) {
        self.carry.clear();
        self.carry.extend_from_slice(bytes);
    }

    /// Bytes carried: they sit just before the next chunk's data.
    pub fn carried(&self) -> usize {
        self.carry.len()
    }

    /// Puts the carried tail in front of `chunk`'s data, takes the new
    /// unaligned tail off its end, and returns how many bytes at the start
    /// of the chunk now form whole aligned blocks (possibly none).
    pub fn block(&mut self, chunk: &mut Chunk) -> usize {
        let (len, records, carried) = (chunk.len(), chunk.records, self.carry.len());
        let total = carried + len;
        let space = chunk.space();
        assert!(total <= space.len(), "chunks have a block of headroom");
        if carried > 0 {
            space.copy_within(..len, carried);
            space[..carried].copy_from_slice(&self.carry);
        }
        let aligned = total - total % self.alignment;
        self.carry.clear();
        self.carry.extend_from_slice(&space[aligned..total]);
        chunk.set_filled(aligned, records);
        aligned
    }

    /// The last partial block, to write without O_DIRECT; empties the carry.
    pub fn take_tail(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.carry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(bytes: &[u8]) -> Chunk {
        let mut chunk = Chunk::new(64);
        chunk.space()[..bytes.len()].copy_from_slice(bytes);
        chunk.set_filled(bytes.len(), 1);
        chunk
    }

    #[test]
    fn reblocking_keeps_every_byte_in_order() {
        let mut reblock = Reblock::new(8);
        let mut out = Vec::new();
        for piece in [&b"abcdefghijk"[..], b"lmn", b"opqrstuvwxyz0123"] {
            let mut chunk = chunk(piece);
            let aligned = reblock.block(&mut chunk);
            assert_eq!(aligned % 8, 0);
            out.extend_from_slice(&chunk.as_slice()[..aligned]);
        }
        out.extend_from_slice(&reblock.take_tail());
        assert_eq!(out, b"abcdefghijklmnopqrstuvwxyz0123");
    }

    #[test]
    fn a_chunk_smaller_than_a_block_is_all_carried() {
        let mut reblock = Reblock::new(8);
        let mut small = chunk(b"abc");
        assert_eq!(reblock.block(&mut small), 0);
        assert_eq!(reblock.carried(), 3);
    }
}
