//! [`Out`]: the bounded writer every field writes through, straight into
//! the free part of a chunk.
//!
//! It is separate from the fields because the encoders (CSV, TSV, JSON
//! escaping in place) write through it too.

/// A bounded writer over the free part of a chunk. Every `put` returns
/// `None` when the bytes do not fit, which abandons the record being
/// written: records are never torn.
pub struct Out<'a> {
    buf: &'a mut [u8],
    pub len: usize,
}

impl<'a> Out<'a> {
    pub fn new(buf: &'a mut [u8]) -> Out<'a> {
        Out { buf, len: 0 }
    }

    #[inline]
    pub fn put(&mut self, bytes: &[u8]) -> Option<()> {
        let end = self.len + bytes.len();
        copy_short(self.buf.get_mut(self.len..end)?, bytes);
        self.len = end;
        Some(())
    }

    #[inline]
    pub fn byte(&mut self, byte: u8) -> Option<()> {
        *self.buf.get_mut(self.len)? = byte;
        self.len += 1;
        Some(())
    }

    /// Reserves `n` bytes and returns them to be filled in place.
    #[inline]
    pub fn reserve(&mut self, n: usize) -> Option<&mut [u8]> {
        let start = self.len;
        let slot = self.buf.get_mut(start..start + n)?;
        self.len += n;
        Some(slot)
    }

    pub fn bytes_mut(&mut self) -> &mut [u8] {
        self.buf
    }

    /// The next `N` bytes, if there are that many, to write a value of at
    /// most `N` bytes in whole words and then [`Out::advance`] past the
    /// part that counts. What lies beyond `len` is never output: the next
    /// write overwrites it, or the chunk ends before it (as a record that
    /// did not fit leaves its start there).
    #[inline(always)]
    pub fn window<const N: usize>(&mut self) -> Option<&mut [u8; N]> {
        self.buf.get_mut(self.len..self.len + N)?.try_into().ok()
    }

    /// Counts `n` more bytes as written, after [`Out::window`]; at most
    /// the window's size.
    #[inline(always)]
    pub fn advance(&mut self, n: usize) {
        self.len = (self.len + n).min(self.buf.len());
    }

    /// The free part past `len`, as an [`Out`] of its own: for a writer
    /// called out of line, so that this one's `len` can stay in a
    /// register. Add the part's `len` back when it returns.
    #[inline(always)]
    pub fn rest(&mut self) -> Out<'_> {
        Out::new(&mut self.buf[self.len..])
    }

    /// The first `len` bytes of `padded`: one `N`-byte move when there
    /// is room, as [`Out::put`] otherwise.
    #[inline(always)]
    pub fn put_padded<const N: usize>(&mut self, padded: &[u8; N], len: usize) -> Option<()> {
        let len = len.min(N);
        match self.window::<N>() {
            Some(window) => {
                *window = *padded;
                self.len += len;
                Some(())
            }
            None => self.put(&padded[..len]),
        }
    }
}

/// Copies `src` into `dst` (of equal length). Most field text is a word or
/// a few digits; for those, two overlapping word-sized moves beat a call
/// into `memcpy`, which the profile showed as a sixth of record time.
/// Byte by byte loops are no answer for the shortest: LLVM turns them back
/// into a `memcpy` call (the lineitem preset made 8 a record, from its
/// one-letter flags and two-digit decimals, 4 % of its instructions).
#[inline(always)]
fn copy_short(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    match n {
        17..=32 => {
            let head: [u8; 16] = src[..16].try_into().expect("n >= 16");
            let tail: [u8; 16] = src[n - 16..].try_into().expect("n >= 16");
            dst[..16].copy_from_slice(&head);
            dst[n - 16..].copy_from_slice(&tail);
        }
        8..=16 => {
            let head: [u8; 8] = src[..8].try_into().expect("n >= 8");
            let tail: [u8; 8] = src[n - 8..].try_into().expect("n >= 8");
            dst[..8].copy_from_slice(&head);
            dst[n - 8..].copy_from_slice(&tail);
        }
        4..=7 => {
            let head: [u8; 4] = src[..4].try_into().expect("n >= 4");
            let tail: [u8; 4] = src[n - 4..].try_into().expect("n >= 4");
            dst[..4].copy_from_slice(&head);
            dst[n - 4..].copy_from_slice(&tail);
        }
        // Bytes 0, n/2 and n-1 cover every byte of 1 to 3.
        1..=3 => {
            dst[0] = src[0];
            dst[n / 2] = src[n / 2];
            dst[n - 1] = src[n - 1];
        }
        0 => {}
        _ => dst.copy_from_slice(src),
    }
}
