//! `gush lines`: one line per record, rendered from a [`Template`].
//!
//! The hot loop renders each line straight into the chunk; a line that
//! does not fit is abandoned whole, never torn.

use super::counter::CounterLine;
use super::{Filled, Position, RecordShape, Source};
use crate::language::out::Out;
use crate::language::sequence::Sequence;
use crate::language::template::Template;

pub struct Lines {
    template: Template,
    sequence: Sequence,
    /// The in-place counter, when the template is text around one `{n}`.
    counter: Option<CounterLine>,
}

impl Lines {
    pub fn new(template: Template, sequence: Sequence) -> Lines {
        let counter = CounterLine::new(&template, sequence.n());
        Lines {
            template,
            sequence,
            counter,
        }
    }
}

impl Source for Lines {
    fn fill(&mut self, out: &mut [u8], max_records: u64) -> Filled {
        if let Some(counter) = &mut self.counter {
            let filled = counter.fill(out, max_records);
            self.sequence.index += filled.records;
            return filled;
        }
        self.sequence.begin_chunk();
        let mut filled = Filled::default();
        while filled.records < max_records {
            let mut line = Out::new(&mut out[filled.bytes..]);
            let mut ctx = self.sequence.ctx();
            if self
                .template
                .write(&mut ctx, &mut line)
                .and_then(|()| line.byte(b'\n'))
                .is_none()
            {
                break;
            }
            filled.bytes += line.len;
            filled.records += 1;
            self.sequence.index += 1;
        }
        filled
    }

    fn record_shape(&self) -> RecordShape {
        RecordShape::Lines {
            per_record: 1 + self.template.literal_newlines(),
        }
    }

    fn never_runs_dry(&self) -> bool {
        true
    }

    fn record_noun(&self) -> &'static str {
        "lines"
    }

    fn position(&self) -> Option<Position> {
        Some(Position::record(self.sequence.index))
    }

    fn seek(&mut self, at: u64) {
        self.sequence.index = at;
        if let Some(counter) = &mut self.counter {
            // Each thread keeps and patches its own line and block.
            counter.restart(self.sequence.n());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::clock::TimeSource;

    fn lines(template: &str, start: u64) -> Lines {
        Lines::new(
            Template::parse(template).unwrap(),
            Sequence::new(0, start, 0, TimeSource::Live),
        )
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
