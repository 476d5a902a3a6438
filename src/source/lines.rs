//! `gush lines`: one line per record, made from a parsed [`Template`].
//!
//! The hot loop copies literal segments and formats the counter with `itoa`
//! straight into the chunk: no allocation and no `format!` per line.

use super::template::{FieldKind, Segment, Template};
use super::{Filled, Source};

pub struct Lines {
    segments: Vec<Piece>,
    next: u64,
}

/// A template segment in the form the hot loop wants: literals as bytes.
enum Piece {
    Literal(Box<[u8]>),
    Counter,
}

impl Lines {
    /// Lines from `template`, with `{n}` counting up from `start`.
    pub fn new(template: &Template, start: u64) -> Lines {
        let mut segments: Vec<Piece> = template
            .segments
            .iter()
            .map(|segment| match segment {
                Segment::Literal(text) => Piece::Literal(text.as_bytes().into()),
                Segment::Field(field) => match field.kind {
                    FieldKind::Counter => Piece::Counter,
                },
            })
            .collect();
        segments.push(Piece::Literal(Box::new(*b"\n")));
        Lines {
            segments,
            next: start,
        }
    }

    /// Writes one line at the start of `out`; `None` if it does not fit.
    #[inline]
    fn write_line(&self, out: &mut [u8]) -> Option<usize> {
        let mut at = 0;
        let mut digits = itoa::Buffer::new();
        for piece in &self.segments {
            let bytes = match piece {
                Piece::Literal(text) => text,
                Piece::Counter => digits.format(self.next).as_bytes(),
            };
            out.get_mut(at..at + bytes.len())?.copy_from_slice(bytes);
            at += bytes.len();
        }
        Some(at)
    }
}

impl Source for Lines {
    fn fill(&mut self, out: &mut [u8], max_records: u64) -> Filled {
        let mut filled = Filled::default();
        while filled.records < max_records {
            let Some(len) = self.write_line(&mut out[filled.bytes..]) else {
                break;
            };
            filled.bytes += len;
            filled.records += 1;
            self.next = self.next.wrapping_add(1);
        }
        filled
    }

    fn record_terminator(&self) -> Option<u8> {
        Some(b'\n')
    }

    fn record_noun(&self) -> &'static str {
        "lines"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(template: &str, start: u64) -> Lines {
        Lines::new(&Template::parse(template).unwrap(), start)
    }

    #[test]
    fn writes_whole_lines_only() {
        let mut source = lines("Line {n}", 8);
        let mut out = [0u8; 15];
        let filled = source.fill(&mut out, u64::MAX);
        assert_eq!(
            filled,
            Filled {
                bytes: 14,
                records: 2
            }
        );
        assert_eq!(&out[..14], b"Line 8\nLine 9\n");
        let filled = source.fill(&mut out, u64::MAX);
        assert_eq!(&out[..filled.bytes], b"Line 10\n");
    }

    #[test]
    fn stops_at_max_records() {
        let mut source = lines("x{{{n}}}", 0);
        let mut out = [0u8; 100];
        let filled = source.fill(&mut out, 2);
        assert_eq!(&out[..filled.bytes], b"x{0}\nx{1}\n");
    }
}
