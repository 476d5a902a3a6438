//! Escaping for the record formats, done in place in the chunk: CSV quoting
//! (RFC 4180 §2), TSV's backslash escapes, and JSON string escapes (RFC 8259
//! §7). Text is written first and grown backwards only when it holds a byte
//! that needs it, so clean text costs one scan, or none for columns known
//! to be clean.

use super::out::Out;
use clap::ValueEnum;

/// How record fields are encoded, and so what escaping they need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Comma-separated, quoted per RFC 4180 where needed, with a header row.
    Csv,
    /// Tab-separated; tab, newline, carriage return and backslash escaped
    /// as `\t`, `\n`, `\r`, `\\`.
    Tsv,
    /// One JSON object per line.
    Jsonl,
    /// Apache Parquet: a typed column for each column that is one field
    /// (`--describe` shows them), text for the rest. The generator frames
    /// the records for the Parquet writer (`framed.rs`) and escapes
    /// nothing.
    Parquet,
}

impl Format {
    /// How a null cell is written, decided by the format as escaping is:
    /// an empty unquoted CSV field (what PostgreSQL's and DuckDB's CSV
    /// readers take for NULL), TSV's `\N` (PostgreSQL's text format), a
    /// bare JSON `null`. A typed format (Parquet) writes a real null.
    pub fn null(self) -> &'static [u8] {
        match self {
            Format::Csv => b"",
            Format::Tsv => b"\\N",
            Format::Jsonl => b"null",
            // Never written as bytes: the framing has a null marker of its
            // own (`framed::write_null`).
            Format::Parquet => b"",
        }
    }
}

/// Escapes the bytes written since `start` as `format` requires, growing
/// them in place; `None` if the grown text does not fit.
pub fn escape_in_place(out: &mut Out, start: usize, format: Format) -> Option<()> {
    if format == Format::Parquet {
        // Framed by length: any byte may stand as it is.
        return Some(());
    }
    let end = out.len;
    let text = &out.bytes_mut()[start..end];
    let extra: usize = match format {
        Format::Csv
            if !text
                .iter()
                .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n')) =>
        {
            return Some(());
        }
        Format::Csv => 2 + text.iter().filter(|&&b| b == b'"').count(),
        Format::Tsv => text
            .iter()
            .filter(|&&b| matches!(b, b'\t' | b'\n' | b'\r' | b'\\'))
            .count(),
        Format::Jsonl => text
            .iter()
            .map(|&b| json_escape(b).len().saturating_sub(1))
            .sum(),
        Format::Parquet => 0,
    };
    if extra == 0 {
        return Some(());
    }
    out.reserve(extra)?;
    let buf = out.bytes_mut();
    // Walk backwards so each byte moves once, into space already free.
    let mut to = end + extra;
    if format == Format::Csv {
        to -= 1;
        buf[to] = b'"';
    }
    for from in (start..end).rev() {
        let byte = buf[from];
        let escaped: &[u8] = match format {
            Format::Csv if byte == b'"' => b"\"\"",
            Format::Csv => &[byte],
            Format::Tsv => tsv_escape(byte),
            Format::Jsonl => &json_escape(byte),
            Format::Parquet => unreachable!("returned above"),
        };
        to -= escaped.len();
        buf[to..to + escaped.len()].copy_from_slice(escaped);
    }
    if format == Format::Csv {
        buf[start] = b'"';
    }
    Some(())
}

fn tsv_escape(byte: u8) -> &'static [u8] {
    match byte {
        b'\t' => b"\\t",
        b'\n' => b"\\n",
        b'\r' => b"\\r",
        b'\\' => b"\\\\",
        _ => &BYTES[byte as usize..byte as usize + 1],
    }
}

/// Every byte value, so a byte can be returned as a `'static` slice.
static BYTES: [u8; 256] = {
    let mut all = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        all[i] = i as u8;
        i += 1;
    }
    all
};

/// A byte as JSON string text (RFC 8259 §7): short escapes where JSON has
/// them, `\u00XX` for other control bytes.
fn json_escape(byte: u8) -> JsonEscape {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let (bytes, len): ([u8; 6], usize) = match byte {
        b'"' => (*b"\\\"    ", 2),
        b'\\' => (*b"\\\\    ", 2),
        b'\n' => (*b"\\n    ", 2),
        b'\r' => (*b"\\r    ", 2),
        b'\t' => (*b"\\t    ", 2),
        0x08 => (*b"\\b    ", 2),
        0x0c => (*b"\\f    ", 2),
        0..0x20 => (
            [
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(byte >> 4) as usize],
                HEX[(byte & 15) as usize],
            ],
            6,
        ),
        _ => ([byte, 0, 0, 0, 0, 0], 1),
    };
    JsonEscape { bytes, len }
}

struct JsonEscape {
    bytes: [u8; 6],
    len: usize,
}

impl std::ops::Deref for JsonEscape {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// Escapes `row[start..]` in place, for header cells and JSON keys, which
/// are built once rather than per record.
pub fn escape_vec(row: &mut Vec<u8>, start: usize, format: Format) {
    let text = row.split_off(start);
    let mut buf = vec![0u8; text.len() * 6 + 2];
    buf[..text.len()].copy_from_slice(&text);
    let mut out = Out::new(&mut buf);
    out.len = text.len();
    escape_in_place(&mut out, 0, format).expect("room for the worst case");
    let len = out.len;
    row.extend_from_slice(&buf[..len]);
}
