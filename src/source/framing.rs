//! `--framing octet-counted`: every line becomes `LEN SP MSG`, the line
//! without its newline preceded by its length in bytes, as syslog over TCP
//! frames messages (RFC 6587 §3.4.1, octet counting).
//!
//! Framing wraps the source rather than the sink, so it happens in the
//! generator as records are made: chunks hold framed records, `--size`
//! counts framed bytes, and nothing is copied or allocated per record on
//! the way out. Each record is asked of the inner source alone, a little
//! past where it will end up (room for the longest length prefix), then its
//! prefix is written in front and the message moved up against it.
//!
//! The reading side of the format lives here too, so that the one grammar
//! of a frame's length serves everything that reads frames back: `gush
//! catch`'s decoder, and the count of whole frames in a torn chunk.

use super::{Filled, Position, RecordShape, Source};

/// How records are delimited on the wire. Its JSON name (catch's report)
/// is its flag value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Framing {
    /// Lines as they are, each ending in a newline.
    #[default]
    None,
    /// `LEN SP MSG`: the line without its newline, after its length in
    /// bytes (RFC 6587 octet counting, syslog over TCP).
    OctetCounted,
}

/// Frames longer than this are taken for garbage rather than awaited: a
/// stray digit run would otherwise make a reader skip gigabytes.
pub const MAX_FRAME: u64 = 1 << 30;

/// Where a frame's length stands after one more byte of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LengthByte {
    /// A digit: the length read so far.
    Digit(u64),
    /// The space that ends the length: the message's length in bytes.
    End(u64),
    /// A length past [`MAX_FRAME`].
    TooLong,
    /// A byte that cannot be here, and what could have been.
    Unexpected { expected: &'static str },
}

/// Reads one byte of a frame's `MSG-LEN SP`, strictly as RFC 6587 §3.4.1
/// writes it: `MSG-LEN = NONZERO-DIGIT *DIGIT`. So no sign, no leading
/// zero and no empty length: `+5`, `05` and a bare space are not lengths,
/// where `str::parse` would take the first two. `so_far` is the length
/// read before `byte` (0 before its first digit, which a length cannot be).
pub fn length_byte(so_far: u64, byte: u8) -> LengthByte {
    match byte {
        b'0'..=b'9' if so_far > 0 || byte != b'0' => {
            let length = so_far * 10 + u64::from(byte - b'0');
            match length > MAX_FRAME {
                true => LengthByte::TooLong,
                false => LengthByte::Digit(length),
            }
        }
        b' ' if so_far > 0 => LengthByte::End(so_far),
        _ => LengthByte::Unexpected {
            expected: match so_far {
                0 => "a length (1-9)",
                _ => "a digit or a space",
            },
        },
    }
}

/// How many bytes the whole, well-formed frame at the start of `bytes`
/// takes, or `None` if it is cut short or malformed.
pub fn frame_end(bytes: &[u8]) -> Option<usize> {
    let mut length = 0;
    for (at, &byte) in bytes.iter().enumerate() {
        match length_byte(length, byte) {
            LengthByte::Digit(so_far) => length = so_far,
            LengthByte::End(message) => {
                let end = at + 1 + usize::try_from(message).ok()?;
                return (end <= bytes.len()).then_some(end);
            }
            LengthByte::TooLong | LengthByte::Unexpected { .. } => return None,
        }
    }
    None
}

/// The whole frames at the start of `bytes`, up to the first one cut short
/// or malformed.
pub fn whole_frames(bytes: &[u8]) -> u64 {
    let (mut at, mut frames) = (0, 0);
    while let Some(end) = frame_end(&bytes[at..]) {
        frames += 1;
        at += end;
    }
    frames
}

pub struct OctetCounted {
    inner: Box<dyn Source>,
    /// Where the last frame of a buffer is made when it may fit only in
    /// less slack than the longest prefix needs.
    scratch: Vec<u8>,
}

impl OctetCounted {
    /// Frames the records of `inner`, whose records end in a newline.
    pub fn new(inner: Box<dyn Source>) -> OctetCounted {
        OctetCounted {
            inner,
            scratch: Vec::new(),
        }
    }

    /// The frame that did not fit behind the full slack, made aside and
    /// kept if it fits in `out` after all, so that a buffer ends at the
    /// last whole frame that fits, whatever its size: `--size` and any
    /// `--chunk` or `--threads` then cut the stream at the same frame.
    /// Only for an inner source that can go back when it does not.
    fn last_frame(&mut self, out: &mut [u8]) -> Option<usize> {
        let back = self.inner.position()?;
        self.scratch.resize(out.len(), 0);
        let line = self.inner.fill(&mut self.scratch, 1);
        let message = match self.scratch[..line.bytes].last() {
            Some(b'\n') => line.bytes - 1,
            _ => line.bytes,
        };
        let mut length = itoa::Buffer::new();
        let prefix = length.format(message).as_bytes();
        let end = prefix.len() + 1 + message;
        if line.bytes == 0 || end > out.len() {
            self.inner.seek(back.at);
            return None;
        }
        out[..prefix.len()].copy_from_slice(prefix);
        out[prefix.len()] = b' ';
        out[prefix.len() + 1..end].copy_from_slice(&self.scratch[..message]);
        Some(end)
    }
}

impl Source for OctetCounted {
    fn fill(&mut self, out: &mut [u8], max_records: u64) -> Filled {
        // Room for "LEN " in front of the longest message `out` could hold.
        let slack = digits(out.len()) + 1;
        let mut filled = Filled::default();
        let mut length = itoa::Buffer::new();
        while filled.records < max_records {
            let at = filled.bytes;
            let line = match out.get_mut(at + slack..) {
                Some(space) => self.inner.fill(space, 1),
                None => Filled::default(),
            };
            if line.bytes == 0 {
                match self.last_frame(&mut out[at..]) {
                    Some(end) => {
                        filled.bytes = at + end;
                        filled.records += 1;
                        continue;
                    }
                    None => break,
                }
            }
            let body = at + slack;
            let message = match out[body + line.bytes - 1] {
                b'\n' => line.bytes - 1,
                _ => line.bytes,
            };
            let prefix = length.format(message).as_bytes();
            out[at..at + prefix.len()].copy_from_slice(prefix);
            out[at + prefix.len()] = b' ';
            let start = at + prefix.len() + 1;
            out.copy_within(body..body + message, start);
            filled.bytes = start + message;
            filled.records += 1;
        }
        filled
    }

    fn record_noun(&self) -> &'static str {
        self.inner.record_noun()
    }

    fn take_error(&mut self) -> Option<anyhow::Error> {
        self.inner.take_error()
    }

    fn never_runs_dry(&self) -> bool {
        self.inner.never_runs_dry()
    }

    fn record_shape(&self) -> RecordShape {
        RecordShape::OctetFrames
    }

    fn position(&self) -> Option<Position> {
        self.inner.position()
    }

    fn seek(&mut self, at: u64) {
        self.inner.seek(at);
    }
}

fn digits(n: usize) -> usize {
    itoa::Buffer::new().format(n).len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::clock::TimeSource;
    use crate::language::sequence::Sequence;
    use crate::language::template::Template;
    use crate::source::lines::Lines;

    fn framed(template: &str) -> OctetCounted {
        let sequence = Sequence::new(0, 8, 0, TimeSource::Live);
        let lines = Lines::new(Template::parse(template).unwrap(), sequence);
        OctetCounted::new(Box::new(lines))
    }

    #[test]
    fn a_length_is_a_nonzero_digit_then_digits() {
        assert_eq!(frame_end(b"5 hello"), Some(7));
        assert_eq!(frame_end(b"10 0123456789tail"), Some(13));
        assert_eq!(frame_end(b"5 hell"), None, "cut short");
    }

    #[test]
    fn a_signed_zero_padded_or_empty_length_is_malformed() {
        for frame in [
            &b"+5 hello"[..],
            b"05 hello",
            b"007 abcdefg",
            b" hello",
            b"0 ",
            b"-5 hello",
        ] {
            assert_eq!(
                frame_end(frame),
                None,
                "{:?}",
                String::from_utf8_lossy(frame)
            );
        }
        assert_eq!(
            length_byte(0, b'+'),
            LengthByte::Unexpected {
                expected: "a length (1-9)"
            }
        );
        assert_eq!(
            length_byte(0, b'0'),
            LengthByte::Unexpected {
                expected: "a length (1-9)"
            }
        );
        assert_eq!(
            length_byte(0, b' '),
            LengthByte::Unexpected {
                expected: "a length (1-9)"
            }
        );
        assert_eq!(
            length_byte(5, b'+'),
            LengthByte::Unexpected {
                expected: "a digit or a space"
            }
        );
    }

    #[test]
    fn a_length_past_the_limit_is_malformed() {
        assert_eq!(length_byte(MAX_FRAME / 10, b'9'), LengthByte::TooLong);
        assert_eq!(frame_end(b"99999999999 x"), None);
    }

    #[test]
    fn whole_frames_stop_at_the_first_malformed_or_torn_one() {
        assert_eq!(whole_frames(b"5 hello5 world3 ab"), 2);
        assert_eq!(whole_frames(b"5 hello+5 world"), 1);
        assert_eq!(whole_frames(b"5 hello05 world"), 1);
        assert_eq!(RecordShape::OctetFrames.whole_records(b"1 a007 abcdefg"), 1);
    }

    #[test]
    fn frames_lines_without_their_newline() {
        let mut source = framed("Line {n}");
        let mut out = [0u8; 64];
        let filled = source.fill(&mut out, 3);
        assert_eq!(&out[..filled.bytes], b"6 Line 86 Line 97 Line 10");
        assert_eq!(filled.records, 3);
    }

    #[test]
    fn stops_where_the_next_frame_may_not_fit() {
        let mut source = framed("Line {n}");
        let mut out = [0u8; 20];
        let filled = source.fill(&mut out, u64::MAX);
        // "6 Line 8" and "6 Line 9" take 16 bytes; "7 Line 10" would take
        // 9 of the 4 left.
        assert_eq!(&out[..filled.bytes], b"6 Line 86 Line 9");
        let filled = source.fill(&mut out, u64::MAX);
        assert_eq!(&out[..filled.bytes], b"7 Line 107 Line 11");
    }

    #[test]
    fn a_last_frame_that_fits_exactly_is_written() {
        // "6 Line 8" ends at 8 of 17; the slack (3) would leave 6 bytes for
        // "Line 9\n", but its frame "6 Line 9" needs 8 and 9 are left.
        let mut source = framed("Line {n}");
        let mut out = [0u8; 17];
        let filled = source.fill(&mut out, u64::MAX);
        assert_eq!(&out[..filled.bytes], b"6 Line 86 Line 9");
        let filled = source.fill(&mut out, u64::MAX);
        assert_eq!(&out[..filled.bytes], b"7 Line 10");
    }
}
