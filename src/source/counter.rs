//! The fast path for the commonest template: literal text around one
//! `{n}`, such as the default `Line {n}`.
//!
//! Formatting a number per line costs more than everything else such a line
//! needs, so the line is kept rendered and its decimal digits are
//! incremented in place, as a person counts: usually only the last digit
//! changes. Each line then costs one fixed-size copy (which compiles to a
//! few vector moves, not a `memcpy` call) and a digit bump.

use super::Filled;
use crate::language::fields::Field;
use crate::language::template::{Part, Template};

/// Lines this long or shorter take the fixed-size copy.
const FAST: usize = 32;

/// Lines this long or shorter are also written a hundred at a time.
const MAX_BLOCK_LINE: usize = 256;

/// The block is copied in pieces of this many bytes.
const PIECE: usize = 64;

#[derive(Debug, Clone)]
pub struct CounterLine {
    /// The current line, newline included, padded to at least [`FAST`].
    line: Vec<u8>,
    len: usize,
    prefix: Box<[u8]>,
    suffix: Box<[u8]>,
    width: usize,
    value: u64,
    /// A hundred lines end to end, for values `block_base..block_base + 100`.
    block: Vec<u8>,
    block_base: Option<u64>,
}

impl CounterLine {
    /// The fast form of `template` counting from `value`, if it has one:
    /// literals and exactly one `{n}`.
    pub fn new(template: &Template, value: u64) -> Option<CounterLine> {
        let counter = template
            .parts
            .iter()
            .position(|part| matches!(part, Part::Field(Field::Counter { .. }, _)))?;
        let Part::Field(Field::Counter { width }, _) = template.parts[counter] else {
            unreachable!("found above")
        };
        let literal = |parts: &[Part]| -> Option<Vec<u8>> {
            parts
                .iter()
                .try_fold(Vec::new(), |mut text, part| match part {
                    Part::Literal(bytes) => {
                        text.extend_from_slice(bytes);
                        Some(text)
                    }
                    Part::Field(..) => None,
                })
        };
        let prefix = literal(&template.parts[..counter])?.into();
        let mut suffix = literal(&template.parts[counter + 1..])?;
        suffix.push(b'\n');
        let mut line = CounterLine {
            line: Vec::new(),
            len: 0,
            prefix,
            suffix: suffix.into(),
            width,
            value,
            block: Vec::new(),
            block_base: None,
        };
        line.render();
        Some(line)
    }

    /// Counts on from `value` instead, as if made anew.
    pub fn restart(&mut self, value: u64) {
        self.value = value;
        self.block_base = None;
        self.render();
    }

    /// Renders the line for `value` from scratch: at the start, and when
    /// the number grows a digit.
    fn render(&mut self) {
        let mut digits = itoa::Buffer::new();
        let digits = digits.format(self.value).as_bytes();
        self.line.clear();
        self.line.extend_from_slice(&self.prefix);
        self.line.resize(
            self.line.len() + self.width.saturating_sub(digits.len()),
            b'0',
        );
        self.line.extend_from_slice(digits);
        self.line.extend_from_slice(&self.suffix);
        self.len = self.line.len();
        self.line.resize(self.len.max(FAST), 0);
    }

    /// Moves to the next value, bumping the digits in place.
    #[inline]
    fn increment(&mut self) {
        self.step(0);
    }

    /// Adds 10^`skip`, the digits below that place being 0, carrying as
    /// needed. Returns how many digits changed, or `None` if the number
    /// grew a digit (or wrapped) and the line was rendered anew.
    #[inline]
    fn step(&mut self, skip: u32) -> Option<usize> {
        let (value, wrapped) = self.value.overflowing_add(10u64.pow(skip));
        self.value = value;
        if wrapped {
            self.render();
            return None;
        }
        let digits_end = self.len - self.suffix.len() - skip as usize;
        let digits = &mut self.line[self.prefix.len()..digits_end];
        for (changed, digit) in digits.iter_mut().rev().enumerate() {
            if *digit == b'9' {
                *digit = b'0';
            } else {
                *digit += 1;
                return Some(changed + 1);
            }
        }
        self.render();
        None
    }

    /// The digits of the current line: `prefix.len()..` this.
    fn digits_end(&self) -> usize {
        self.len - self.suffix.len()
    }

    /// Whether the next hundred lines can come from the block: the last two
    /// digits are `00` and at least one digit is above them, so all hundred
    /// lines have the same length.
    fn block_ready(&self) -> bool {
        let end = self.digits_end();
        end - self.prefix.len() >= 3
            && self.line[end - 2..end] == *b"00"
            && self.len <= MAX_BLOCK_LINE
            && self.value <= u64::MAX - 99
    }

    /// Brings the block to the current value: patches the digits that
    /// changed since the last hundred (usually one per line), or renders
    /// it anew.
    fn refresh_block(&mut self, changed: Option<usize>) {
        let end = self.digits_end();
        match changed {
            Some(changed) if self.block_base == Some(self.value.wrapping_sub(100)) => {
                // Digit by digit, striding through the hundred lines:
                // usually one digit changed, and a copy call per line would
                // cost more than the digit.
                let lines = 100 * self.len;
                for digit in end - 2 - changed..end - 2 {
                    let value = self.line[digit];
                    for at in (digit..lines).step_by(self.len) {
                        self.block[at] = value;
                    }
                }
            }
            _ => {
                self.block.clear();
                for units in 0..100u8 {
                    self.block.extend_from_slice(&self.line[..self.len]);
                    let line = self.block.len() - self.len;
                    self.block[line + end - 2] = b'0' + units / 10;
                    self.block[line + end - 1] = b'0' + units % 10;
                }
                // Padded to whole copy pieces; the padding is overwritten
                // by the lines after the block.
                self.block
                    .resize(self.block.len().next_multiple_of(PIECE), 0);
            }
        }
        self.block_base = Some(self.value);
    }

    /// Writes whole lines into `out`, at most `max_records`, taking the
    /// widest step that fits: a hundred lines from the block, ten with the
    /// units patched, or one.
    pub fn fill(&mut self, out: &mut [u8], max_records: u64) -> Filled {
        let mut at = 0;
        let mut records = 0;
        while records < max_records {
            let room = out.len() - at;
            let left = max_records - records;
            if left >= 100 && room >= (100 * self.len).next_multiple_of(PIECE) && self.block_ready()
            {
                at += self.hundred(&mut out[at..]);
                records += 100;
            } else if left >= 10 && room >= 9 * self.len + FAST && self.tens_ready() {
                at += self.ten(&mut out[at..]);
                records += 10;
            } else if room >= FAST && self.len <= FAST {
                // Copies FAST bytes but advances by the line's length: the
                // next line overwrites the tail. Fixed-size arrays make the
                // copy a couple of vector moves.
                let line: &[u8; FAST] = self.line[..FAST].try_into().expect("padded to FAST");
                let slot: &mut [u8; FAST] =
                    (&mut out[at..at + FAST]).try_into().expect("checked room");
                *slot = *line;
                at += self.len;
                records += 1;
                self.increment();
            } else if room >= self.len {
                out[at..at + self.len].copy_from_slice(&self.line[..self.len]);
                at += self.len;
                records += 1;
                self.increment();
            } else {
                break;
            }
        }
        Filled { bytes: at, records }
    }

    /// Whether the next ten lines differ only in the units digit, now `0`.
    fn tens_ready(&self) -> bool {
        self.len <= FAST && self.line[self.digits_end() - 1] == b'0' && self.value <= u64::MAX - 9
    }

    /// Ten lines, the units digit patched in the output, so the line is not
    /// rewritten (and reloaded, stalling on store forwarding) per line.
    fn ten(&mut self, out: &mut [u8]) -> usize {
        let last = self.digits_end() - 1;
        let line: [u8; FAST] = self.line[..FAST].try_into().expect("padded to FAST");
        let mut at = 0;
        for units in b'0'..=b'9' {
            let slot: &mut [u8; FAST] = (&mut out[at..at + FAST]).try_into().expect("checked room");
            *slot = line;
            slot[last] = units;
            at += self.len;
        }
        self.step(1);
        at
    }

    /// A hundred lines: one copy of the block, whose digits above the last
    /// two change once per hundred and are patched in place.
    fn hundred(&mut self, out: &mut [u8]) -> usize {
        if self.block_base != Some(self.value) {
            self.refresh_block(None);
        }
        // Fixed-size pieces compile to vector moves; `memcpy` picked
        // `rep movsb` here, which this kind of machine runs slowly.
        for (to, from) in out
            .chunks_exact_mut(PIECE)
            .zip(self.block.chunks_exact(PIECE))
        {
            let from: &[u8; PIECE] = from.try_into().expect("exact pieces");
            let to: &mut [u8; PIECE] = to.try_into().expect("exact pieces");
            *to = *from;
        }
        let written = 100 * self.len;
        if let Some(changed) = self.step(2) {
            self.refresh_block(Some(changed));
        }
        written
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(template: &str, start: u64, room: usize, max: u64) -> (String, u64) {
        let mut counter = CounterLine::new(&Template::parse(template).unwrap(), start).unwrap();
        let mut out = vec![0u8; room];
        let filled = counter.fill(&mut out, max);
        (
            String::from_utf8(out[..filled.bytes].to_vec()).unwrap(),
            filled.records,
        )
    }

    #[test]
    fn counts_across_digit_growth() {
        let (text, records) = lines("Line {n}", 8, 1000, 5);
        assert_eq!(text, "Line 8\nLine 9\nLine 10\nLine 11\nLine 12\n");
        assert_eq!(records, 5);
    }

    #[test]
    fn pads_and_outgrows_the_width() {
        let (text, _) = lines("{n:02}|", 98, 1000, 3);
        assert_eq!(text, "98|\n99|\n100|\n");
    }

    #[test]
    fn fills_to_the_last_whole_line() {
        let (text, records) = lines("x{n}", 0, 11, u64::MAX);
        assert_eq!(text, "x0\nx1\nx2\n");
        assert_eq!(records, 3);
    }

    #[test]
    fn long_lines_take_the_exact_copy() {
        let template = format!("{}{{n}}", "a".repeat(40));
        let (text, _) = lines(&template, 9, 1000, 2);
        assert_eq!(text, format!("{0}9\n{0}10\n", "a".repeat(40)));
    }

    #[test]
    fn hundreds_and_wrapping_match_plain_counting() {
        for start in [0, 95, 100, 990, 99_950, u64::MAX - 1_000] {
            let (text, _) = lines("{n}", start, 100_000, 2_000);
            let expected: String = (0..2_000u64)
                .map(|i| format!("{}\n", start.wrapping_add(i)))
                .collect();
            assert_eq!(text, expected, "from {start}");
        }
    }

    #[test]
    fn other_fields_have_no_fast_form() {
        assert!(CounterLine::new(&Template::parse("{n} {uuid}").unwrap(), 0).is_none());
        assert!(CounterLine::new(&Template::parse("{n} {n}").unwrap(), 0).is_none());
        assert!(CounterLine::new(&Template::parse("plain").unwrap(), 0).is_none());
    }
}
