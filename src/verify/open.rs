//! Opening the destination of a read-back check so that the reads reach
//! the device, and saying honestly when they cannot: with O_DIRECT unless
//! the file lives in memory; otherwise after its cached pages are written
//! back and dropped, with the page cache asked whether any stayed. Shared
//! by both checks (`regenerate.rs`, `stamped.rs`), apart from the reading
//! threads in `reader.rs`.

use std::fs::File;
use std::io::{self, Seek};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

use anyhow::{Context, Result};

use crate::chunk::PAGE;

/// A file or block device opened for checking.
pub struct Opened {
    pub file: File,
    /// Its length: the file's size, or the device's capacity.
    pub bytes: u64,
    pub is_device: bool,
}

/// Opens `path` to read it back, with O_DIRECT if `direct`.
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
    // A block device's size is where seeking to its end lands.
    let bytes = match is_device {
        true => (&file)
            .seek(io::SeekFrom::End(0))
            .with_context(|| format!("cannot find the size of {}", path.display()))?,
        false => meta.len(),
    };
    Ok(Opened {
        file,
        bytes,
        is_device,
    })
}

impl Opened {
    /// Makes the reads of the first `len` bytes come from the device, and
    /// says whether they will: O_DIRECT does unless the file lives in
    /// memory; otherwise the cached pages are dropped, and `mincore` tells
    /// whether any stayed (tmpfs keeps them all, another process may hold
    /// some locked). A check that then reads the page cache says so.
    pub fn reads_device(&self, direct: bool, len: u64) -> bool {
        match direct {
            true => !in_memory(&self.file),
            false => drop_cached(&self.file, len),
        }
    }
}

/// Writes back any dirty pages of the first `len` bytes, then asks the
/// kernel to drop them from the page cache. Returns whether none is left
/// resident (`mincore`).
fn drop_cached(file: &File, len: u64) -> bool {
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

/// Whether any page of the first `len` bytes is in the page cache: asked
/// of `cachestat` (Linux 6.5), which counts cached pages in one call; else
/// of `mincore`, page by page (0.6 s over 64 GiB, before the first read).
fn any_resident(file: &File, len: u64) -> Option<bool> {
    cached_pages(file, len)
        .map(|cached| cached > 0)
        .or_else(|| any_resident_by_page(file, len))
}

/// The pages of the first `len` bytes in the page cache, by cachestat(2);
/// None where the kernel lacks it.
fn cached_pages(file: &File, len: u64) -> Option<u64> {
    // cachestat is 451 on every architecture (the unified syscall table);
    // the libc crate names it only for some.
    const SYS_CACHESTAT: libc::c_long = 451;
    #[repr(C)]
    struct Range {
        offset: u64,
        len: u64,
    }
    #[repr(C)]
    #[derive(Default)]
    struct Stat {
        cache: u64,
        dirty: u64,
        writeback: u64,
        evicted: u64,
        recently_evicted: u64,
    }
    let range = Range { offset: 0, len };
    let mut stat = Stat::default();
    // SAFETY: cachestat reads `range` and fills `stat`, both ours and
    // laid out as the kernel's structs.
    let rc = unsafe {
        libc::syscall(
            SYS_CACHESTAT,
            file.as_raw_fd(),
            &range as *const Range,
            &mut stat as *mut Stat,
            0,
        )
    };
    (rc == 0).then_some(stat.cache)
}

fn any_resident_by_page(file: &File, len: u64) -> Option<bool> {
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
    let pages = len.div_ceil(PAGE);
    let mut resident = vec![0u8; pages];
    // SAFETY: `resident` has one byte per page of the mapping.
    let rc = unsafe { libc::mincore(map, len, resident.as_mut_ptr()) };
    unsafe { libc::munmap(map, len) };
    (rc == 0).then(|| resident.iter().any(|page| page & 1 != 0))
}

/// Whether the file lives in memory (tmpfs), where O_DIRECT, if allowed at
/// all, still reads the page cache.
fn in_memory(file: &File) -> bool {
    const TMPFS_MAGIC: libc::c_long = 0x0102_1994;
    // SAFETY: fstatfs fills the zeroed struct we own.
    let mut fs: libc::statfs = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::fstatfs(file.as_raw_fd(), &mut fs) };
    rc == 0 && fs.f_type as libc::c_long == TMPFS_MAGIC
}
