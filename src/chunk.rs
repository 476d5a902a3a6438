//! Chunks: the reusable, page-aligned buffers that travel from the
//! generator to the writer and back, and the pool they are carved from.
//!
//! They are page-aligned (not a `Vec<u8>`, whose alignment is 1) so that an
//! O_DIRECT mode can hand them to the kernel as they are. They are made
//! once and then recycled, so the steady state allocates nothing and a
//! source may be given the whole capacity to write into.
//!
//! They are carved from slabs mapped straight from the kernel, not
//! allocated one by one: glibc gives each page-aligned allocation about a
//! page of its own besides, so with 4 KiB chunks a 64 MiB hwm cost 133 MiB
//! of memory. A slab costs nothing beyond its pages, and only the pages a
//! source writes into are ever resident.

use std::ptr::NonNull;
use std::sync::Arc;

/// The alignment of chunks of a page or more: the usual page size.
pub const PAGE: usize = 4096;

/// The alignment of smaller chunks.
const CACHE_LINE: usize = 64;

/// How much one slab maps: small enough that a short run maps little
/// more than it uses, large enough that a 64 MiB hwm needs few mappings.
const SLAB_BYTES: usize = 4 << 20;

/// One anonymous mapping that chunks are views into. It is unmapped when
/// the pool and every chunk carved from it have gone.
struct Slab {
    ptr: NonNull<u8>,
    len: usize,
    /// The capacity of every chunk carved from it, kept here rather than in
    /// each chunk: with 1 KiB chunks under a 64 MiB hwm the channel holds
    /// 65537 of them, and every byte of a chunk's handle costs 64 KiB (so
    /// too the 32-bit offset and length).
    chunk_capacity: usize,
}

// SAFETY: the mapping is plain memory; chunks carved from it never overlap,
// and the slab itself is only unmapped once nothing points into it.
unsafe impl Send for Slab {}
unsafe impl Sync for Slab {}

impl Slab {
    fn map(len: usize, chunk_capacity: usize) -> Slab {
        // SAFETY: a fresh private anonymous mapping; the kernel gives it
        // zeroed and page-aligned.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            // As the global allocator does when memory runs out.
            let layout = std::alloc::Layout::from_size_align(len, PAGE).expect("a valid layout");
            std::alloc::handle_alloc_error(layout)
        }
        Slab {
            ptr: NonNull::new(ptr.cast()).expect("mmap does not return null"),
            len,
            chunk_capacity,
        }
    }
}

impl Drop for Slab {
    fn drop(&mut self) {
        // SAFETY: mapped in `map` with this length; nothing points into it.
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.len) };
    }
}

/// Hands out chunks of one capacity, carving them from slabs as needed.
pub struct ChunkPool {
    capacity: usize,
    slab: Option<Arc<Slab>>,
    /// Where in the current slab the next chunk starts.
    next: usize,
}

impl ChunkPool {
    /// A pool of chunks of `capacity` bytes, rounded up to whole pages from
    /// a page up (page-aligned), to whole cache lines below that.
    ///
    /// # Panics
    /// If `capacity` is 4 GiB or more (`--chunk` allows up to 1 GiB).
    pub fn new(capacity: usize) -> ChunkPool {
        assert!(capacity < 1 << 32, "a chunk is smaller than 4 GiB");
        let align = if capacity >= PAGE { PAGE } else { CACHE_LINE };
        ChunkPool {
            capacity: capacity.max(1).next_multiple_of(align),
            slab: None,
            next: 0,
        }
    }

    /// A new zeroed chunk.
    pub fn take(&mut self) -> Chunk {
        let slab = match &self.slab {
            Some(slab) if self.next + self.capacity <= slab.len => Arc::clone(slab),
            _ => {
                // Every chunk's offset in its slab fits in a u32.
                let len = (SLAB_BYTES / self.capacity).max(1) * self.capacity;
                let slab = Arc::new(Slab::map(len.next_multiple_of(PAGE), self.capacity));
                self.slab = Some(Arc::clone(&slab));
                self.next = 0;
                slab
            }
        };
        // `next + capacity` is within the slab, and no other chunk was
        // given this range.
        let offset = self.next as u32;
        self.next += self.capacity;
        Chunk {
            offset,
            len: 0,
            records: 0,
            slab,
        }
    }
}

pub struct Chunk {
    /// Where in the slab the chunk starts.
    offset: u32,
    len: u32,
    /// Whole records in `as_slice()`.
    pub records: u64,
    /// Keeps the memory mapped while the chunk lives, and knows its size.
    slab: Arc<Slab>,
}

// Send by way of Arc<Slab>: a Chunk is the only user of its range of the
// slab, like a Box<[u8]>.
const _: () = assert!(std::mem::size_of::<Chunk>() == 24);

impl Chunk {
    /// A zeroed chunk of `capacity` bytes, rounded as [`ChunkPool::new`]
    /// says, from a pool of its own; a pipeline takes its chunks from one
    /// shared pool instead.
    pub fn new(capacity: usize) -> Chunk {
        ChunkPool::new(capacity).take()
    }

    pub fn capacity(&self) -> usize {
        self.slab.chunk_capacity
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }

    fn start(&self) -> *mut u8 {
        // SAFETY: the offset was carved from this slab, inside its length.
        unsafe { self.slab.ptr.as_ptr().add(self.offset as usize) }
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The filled part.
    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: the range is `capacity` initialised (zero-mapped) bytes
        // owned by this chunk, and len <= capacity.
        unsafe { std::slice::from_raw_parts(self.start(), self.len()) }
    }

    /// The whole buffer, for a source to write into; then [`Chunk::set_filled`].
    pub fn space(&mut self) -> &mut [u8] {
        // SAFETY: as above, and `&mut self` makes the borrow unique.
        unsafe { std::slice::from_raw_parts_mut(self.start(), self.capacity()) }
    }

    pub fn set_filled(&mut self, len: usize, records: u64) {
        assert!(len <= self.capacity());
        // Below 4 GiB, as the capacity is.
        self.len = len as u32;
        self.records = records;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_page_aligned_and_zeroed() {
        assert_eq!(Chunk::new(100).capacity(), 128);
        let mut chunk = Chunk::new(10_000);
        assert_eq!(chunk.capacity(), 3 * PAGE);
        assert_eq!(chunk.space().as_ptr() as usize % PAGE, 0);
        assert!(chunk.space().iter().all(|&b| b == 0));
        chunk.space()[..3].copy_from_slice(b"abc");
        chunk.set_filled(3, 1);
        assert_eq!(chunk.as_slice(), b"abc");
    }

    #[test]
    fn a_pool_carves_aligned_chunks_that_do_not_overlap() {
        let mut pool = ChunkPool::new(PAGE);
        let mut chunks: Vec<Chunk> = (0..2000).map(|_| pool.take()).collect();
        for (i, chunk) in chunks.iter_mut().enumerate() {
            assert_eq!(chunk.space().as_ptr() as usize % PAGE, 0);
            chunk.space().fill(i as u8);
        }
        for (i, chunk) in chunks.iter_mut().enumerate() {
            assert!(chunk.space().iter().all(|&b| b == i as u8));
        }
        drop(pool);
        let mut small = ChunkPool::new(1000);
        let a = small.take().space().as_ptr() as usize;
        let b = small.take().space().as_ptr() as usize;
        assert_eq!(a % CACHE_LINE, 0);
        assert!(b.abs_diff(a) >= 1024);
    }
}
