//! The records' internal framing for a typed destination (Parquet): each
//! column's text after its length, a little-endian `u32`, and a null as the
//! length `u32::MAX` with no text. Nothing separates records: a reader that
//! knows the column count knows where each ends.
//!
//! The generator writes records this way instead of CSV so that the sink
//! needs no unescaping and no search for separators: any byte can appear in
//! a value, and finding a field costs one 4-byte read. The text is what the
//! CSV of the same seed holds, before escaping, so a typed sink parses the
//! very value a text format would carry. It lives in the language, beside
//! the escaping of the text formats, so both ends (`source/record.rs`
//! writing, `sink/parquet` reading) share one definition.

use super::out::Out;

/// Bytes of a field's length prefix.
pub const PREFIX: usize = 4;

/// The prefix that marks a null value (no text follows). A null-writing
/// field (`?5%`) writes this instead of a length and its text.
pub const NULL: [u8; PREFIX] = u32::MAX.to_le_bytes();

/// Writes one field: a length prefix, then what `text` writes, whose
/// length is filled in after. `None` if it does not fit.
#[inline]
pub fn write_field(out: &mut Out, text: impl FnOnce(&mut Out) -> Option<()>) -> Option<()> {
    let at = out.len;
    out.reserve(PREFIX)?;
    text(out)?;
    let len = (out.len - at - PREFIX) as u32;
    // A value of 4 GiB or more cannot be framed (nor fit in a chunk).
    if len == u32::MAX {
        return None;
    }
    out.bytes_mut()[at..at + PREFIX].copy_from_slice(&len.to_le_bytes());
    Some(())
}

/// Writes a null field.
#[inline]
pub fn write_null(out: &mut Out) -> Option<()> {
    out.put(&NULL)
}

/// One field read from the start of `bytes`: its text, or `None` for a
/// null, and the bytes it took. `None` if `bytes` ends inside it.
#[inline]
pub fn read_field(bytes: &[u8]) -> Option<(Option<&[u8]>, usize)> {
    let prefix: [u8; PREFIX] = bytes.get(..PREFIX)?.try_into().expect("4 bytes");
    if prefix == NULL {
        return Some((None, PREFIX));
    }
    let end = PREFIX + u32::from_le_bytes(prefix) as usize;
    let text = bytes.get(PREFIX..end)?;
    Some((Some(text), end))
}

/// The length of the whole record of `columns` fields at the start of
/// `bytes`, or `None` if it is cut short.
pub fn record_len(bytes: &[u8], columns: usize) -> Option<usize> {
    let mut at = 0;
    for _ in 0..columns {
        let (_, took) = read_field(&bytes[at..])?;
        at += took;
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_nulls_read_back() {
        let mut buf = [0u8; 64];
        let mut out = Out::new(&mut buf);
        write_field(&mut out, |out| out.put(b"a,\"b\"\n")).unwrap();
        write_null(&mut out).unwrap();
        write_field(&mut out, |_| Some(())).unwrap();
        let len = out.len;
        let bytes = &buf[..len];
        assert_eq!(record_len(bytes, 3), Some(len));
        assert_eq!(record_len(&bytes[..len - 1], 3), None);
        let (first, took) = read_field(bytes).unwrap();
        assert_eq!(first, Some(&b"a,\"b\"\n"[..]));
        let (second, took2) = read_field(&bytes[took..]).unwrap();
        assert_eq!((second, took2), (None, 4));
        assert_eq!(read_field(&bytes[took + 4..]), Some((Some(&b""[..]), 4)));
    }
}
