//! Comparing what was read with what should be there: the hot loop of a
//! verify, and the bookkeeping of where the differences are.
//!
//! Read chunks and regenerated chunks do not line up (a source fills a
//! chunk with whole records, a reader with whole blocks), so the driver
//! hands over stretches that both sides hold, each side as its whole chunk
//! and where that chunk starts in the stream. Equal stretches, the usual
//! case, cost one `memcmp`; only a stretch that differs is walked byte by
//! byte, to count the bad bytes and name the first few places.

use crate::source::RecordShape;
use crate::stats::verify::{MAX_LISTED, Mismatch};

/// Differing bytes closer than this belong to one listed difference: a
/// block from another seed is one place, not 4096.
const SAME_PLACE: u64 = 16;

/// The most bytes a view of a difference shows.
const VIEW_BYTES: usize = 16;
const VIEW_LINE: usize = 60;

/// A chunk seen from the stream: its bytes and where its first byte is.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    pub bytes: &'a [u8],
    pub start: u64,
}

impl Side<'_> {
    fn at(&self, offset: u64, len: usize) -> &[u8] {
        let from = (offset - self.start) as usize;
        &self.bytes[from..from + len]
    }
}

/// The running result of a comparison.
#[derive(Debug, Default)]
pub struct Comparison {
    shape: Option<RecordShape>,
    /// Records the regenerated stream holds before the data records (a
    /// CSV header row), so data records count from 1.
    pub header_records: u64,
    pub compared_bytes: u64,
    pub bad_bytes: u64,
    pub mismatches: Vec<Mismatch>,
    /// The first bad byte and its record, kept even past the list's cap.
    pub first_bad: Option<(u64, Option<u64>)>,
    /// Just past the last bad byte seen, to merge nearby ones.
    last_bad_end: Option<u64>,
}

impl Comparison {
    pub fn new(shape: RecordShape) -> Comparison {
        Comparison {
            shape: Some(shape),
            ..Comparison::default()
        }
    }

    /// Compares `len` bytes from stream offset `from`, which both sides
    /// hold. `records_before` counts the records before `expected`'s
    /// chunk. Returns whether any byte differed.
    pub fn compare(
        &mut self,
        expected: Side,
        found: Side,
        from: u64,
        len: usize,
        records_before: u64,
    ) -> bool {
        let (want, got) = (expected.at(from, len), found.at(from, len));
        self.compared_bytes += len as u64;
        if want == got {
            return false;
        }
        for (i, (a, b)) in want.iter().zip(got).enumerate() {
            if a != b {
                self.bad_byte(from + i as u64, expected, found, records_before);
            }
        }
        true
    }

    fn bad_byte(&mut self, offset: u64, expected: Side, found: Side, records_before: u64) {
        self.bad_bytes += 1;
        let same_place = self
            .last_bad_end
            .is_some_and(|end| offset <= end + SAME_PLACE);
        self.last_bad_end = Some(offset + 1);
        if same_place || (self.mismatches.len() >= MAX_LISTED && self.first_bad.is_some()) {
            return;
        }
        let record = self.record_at(expected, offset, records_before);
        self.first_bad.get_or_insert((offset, record));
        if self.mismatches.len() < MAX_LISTED {
            let (want, got) = self.views(expected, found, offset);
            self.mismatches.push(Mismatch {
                offset,
                record,
                expected: want,
                found: got,
            });
        }
    }

    /// The file ends where the data goes on (`found` is None), or goes on
    /// where the data ends (`expected` is None): the missing or extra
    /// bytes are all bad, and the place is listed.
    pub fn length_differs(
        &mut self,
        offset: u64,
        bad_bytes: u64,
        expected: Option<Side>,
        found: Option<Side>,
        records_before: u64,
    ) {
        self.bad_bytes += bad_bytes;
        let record = expected.and_then(|side| self.record_at(side, offset, records_before));
        let record = record.or_else(|| {
            // Past the end of the data: the record after the last one.
            self.shape
                .filter(|s| *s != RecordShape::Unknown)
                .map(|_| (records_before + 1).saturating_sub(self.header_records))
        });
        self.first_bad.get_or_insert((offset, record));
        if self.mismatches.len() < MAX_LISTED {
            let view = |side: Option<Side>| match side {
                Some(side) => self.view(side, offset, offset, offset + VIEW_BYTES as u64),
                None => "(end of file)".to_string(),
            };
            let mut want = view(expected);
            if expected.is_none() {
                want = "(end of data)".to_string();
            }
            let got = view(found);
            self.mismatches.push(Mismatch {
                offset,
                record,
                expected: want,
                found: got,
            });
        }
    }

    fn lines(&self) -> bool {
        matches!(
            self.shape,
            Some(RecordShape::Lines { .. } | RecordShape::OctetFrames)
        )
    }

    /// The record `offset` falls in, numbered from 1 after any header.
    fn record_at(&self, expected: Side, offset: u64, records_before: u64) -> Option<u64> {
        let shape = self.shape.filter(|s| *s != RecordShape::Unknown)?;
        let prefix = &expected.bytes[..(offset - expected.start) as usize];
        let index = records_before + shape.whole_records(prefix);
        Some((index + 1).saturating_sub(self.header_records))
    }

    /// Views of both sides at a bad byte: the line it is in (as far as both
    /// chunks hold it) for text, else the next few bytes in hex.
    fn views(&self, expected: Side, found: Side, offset: u64) -> (String, String) {
        let (lo, hi) = if self.lines() {
            let at = (offset - expected.start) as usize;
            let bytes = expected.bytes;
            let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
            let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
            // A long line shows a window around the bad byte.
            let start = start.max(at.saturating_sub(VIEW_LINE / 2));
            let end = end.min(start + VIEW_LINE);
            (expected.start + start as u64, expected.start + end as u64)
        } else {
            (offset, offset + VIEW_BYTES as u64)
        };
        (
            self.view(expected, offset, lo, hi),
            self.view(found, offset, lo, hi),
        )
    }

    /// The bytes of `side` in `lo..hi`, clipped to what it holds.
    fn view(&self, side: Side, offset: u64, lo: u64, hi: u64) -> String {
        let end = side.start + side.bytes.len() as u64;
        let lo = lo.max(side.start).min(offset);
        let hi = hi.min(end).max(lo);
        let bytes = &side.bytes[(lo - side.start) as usize..(hi - side.start) as usize];
        if self.lines() {
            bytes.escape_ascii().to_string()
        } else {
            let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
            hex.join(" ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(bytes: &[u8], start: u64) -> Side<'_> {
        Side { bytes, start }
    }

    #[test]
    fn names_the_line_of_a_changed_byte() {
        let want = b"Line 0\nLine 1\nLine 2\n";
        let mut got = want.to_vec();
        got[15] = b'X';
        let mut c = Comparison::new(RecordShape::Lines { per_record: 1 });
        assert!(c.compare(side(want, 0), side(&got, 0), 0, want.len(), 0));
        assert_eq!(c.first_bad, Some((15, Some(3))));
        assert_eq!(c.mismatches[0].expected, "Line 2");
        assert_eq!(c.mismatches[0].found, "LXne 2");
    }

    #[test]
    fn merges_nearby_bytes_into_one_place() {
        let want = [0u8; 4096];
        let got = [1u8; 4096];
        let mut c = Comparison::new(RecordShape::Unknown);
        c.compare(side(&want, 100), side(&got, 100), 100, 4096, 0);
        assert_eq!(c.bad_bytes, 4096);
        assert_eq!(c.mismatches.len(), 1);
        assert_eq!(c.first_bad, Some((100, None)));
        assert!(c.mismatches[0].expected.starts_with("00 00"));
    }
}
