//! Chunks: the reusable, page-aligned buffers that travel from the
//! generator to the writer and back.
//!
//! They are page-aligned (not a `Vec<u8>`, whose alignment is 1) so that a
//! later O_DIRECT mode can hand them to the kernel as they are. They are
//! allocated zeroed once and then recycled, so the steady state allocates
//! nothing and a source may be given the whole capacity to write into.

use std::alloc::{self, Layout};
use std::ptr::NonNull;

/// The alignment of chunks of a page or more: the usual page size.
pub const PAGE: usize = 4096;

/// The alignment of smaller chunks.
const CACHE_LINE: usize = 64;

pub struct Chunk {
    ptr: NonNull<u8>,
    capacity: usize,
    len: usize,
    /// Whole records in `as_slice()`.
    pub records: u64,
}

// SAFETY: a Chunk owns its allocation outright, like a Box<[u8]>.
unsafe impl Send for Chunk {}

impl Chunk {
    /// A zeroed chunk of `capacity` bytes: whole pages, page-aligned, from
    /// a page up; below that, whole cache lines, so that many tiny chunks
    /// do not each cost a page and memory stays near the hwm.
    pub fn new(capacity: usize) -> Chunk {
        let capacity = capacity.max(1).next_multiple_of(Self::alignment(capacity));
        let layout = Self::layout(capacity);
        // SAFETY: the layout has a non-zero size.
        let ptr = unsafe { alloc::alloc_zeroed(layout) };
        let Some(ptr) = NonNull::new(ptr) else {
            alloc::handle_alloc_error(layout)
        };
        Chunk {
            ptr,
            capacity,
            len: 0,
            records: 0,
        }
    }

    fn alignment(capacity: usize) -> usize {
        if capacity >= PAGE { PAGE } else { CACHE_LINE }
    }

    fn layout(capacity: usize) -> Layout {
        Layout::from_size_align(capacity, Self::alignment(capacity))
            .expect("chunk size fits in isize")
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The filled part.
    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: the allocation is `capacity` initialised bytes and len <= capacity.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }

    /// The whole buffer, for a source to write into; then [`Chunk::set_filled`].
    pub fn space(&mut self) -> &mut [u8] {
        // SAFETY: as above, and `&mut self` makes the borrow unique.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.capacity) }
    }

    pub fn set_filled(&mut self, len: usize, records: u64) {
        assert!(len <= self.capacity);
        self.len = len;
        self.records = records;
    }
}

impl Drop for Chunk {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this very layout.
        unsafe { alloc::dealloc(self.ptr.as_ptr(), Self::layout(self.capacity)) }
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
}
