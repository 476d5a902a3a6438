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

use super::{Filled, RecordShape, Source};

/// How records are delimited on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Framing {
    /// Lines as they are, each ending in a newline.
    #[default]
    None,
    /// `LEN SP MSG`: the line without its newline, after its length in
    /// bytes (RFC 6587 octet counting, syslog over TCP).
    OctetCounted,
}

pub struct OctetCounted {
    inner: Box<dyn Source>,
}

impl OctetCounted {
    /// Frames the records of `inner`, whose records end in a newline.
    pub fn new(inner: Box<dyn Source>) -> OctetCounted {
        OctetCounted { inner }
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
            let Some(space) = out.get_mut(at + slack..) else {
                break;
            };
            let line = self.inner.fill(space, 1);
            if line.bytes == 0 {
                break;
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
        // "6 Line 8" and "6 Line 9" take 16 bytes; the 3-byte slack leaves
        // too little for "Line 10\n".
        assert_eq!(&out[..filled.bytes], b"6 Line 86 Line 9");
        let filled = source.fill(&mut out, u64::MAX);
        assert_eq!(&out[..filled.bytes], b"7 Line 107 Line 11");
    }
}
