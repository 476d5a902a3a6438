//! `gush bytes`: zeros, seeded pseudo-random bytes (shaped by
//! `--compress-ratio` and `--dedupe`, see `content.rs`), or a repeated
//! pattern; `--fill stamped` is made by `stamped.rs`.
//!
//! Every fill is a function of the byte offset alone, so the output does
//! not depend on how the pipeline cuts it into chunks.

use std::str::FromStr;

use super::{Filled, Position, Source};
use crate::language::content::{self, Content};

/// What `--fill` asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fill {
    Zero,
    Random,
    /// Self-describing blocks (`stamp/`), made by [`super::stamped`].
    Stamped,
    Pattern(Vec<u8>),
}

impl FromStr for Fill {
    type Err = String;

    fn from_str(arg: &str) -> Result<Fill, String> {
        match arg {
            "zero" | "zeros" => return Ok(Fill::Zero),
            "random" => return Ok(Fill::Random),
            "stamped" => return Ok(Fill::Stamped),
            _ => {}
        }
        let hex = arg.strip_prefix("0x").unwrap_or(arg);
        let bad = |why: &str| {
            format!("`{arg}` {why} (expected zero, random, stamped, or hex such as deadbeef)")
        };
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad("is not a fill"));
        }
        if !hex.len().is_multiple_of(2) {
            return Err(bad("has an odd number of hex digits"));
        }
        let pattern = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("checked hex digits"))
            .collect();
        Ok(Fill::Pattern(pattern))
    }
}

pub struct Bytes {
    kind: Kind,
    offset: u64,
}

enum Kind {
    Zero,
    Random {
        seed: u64,
        content: Content,
    },
    /// The pattern repeated to at least [`PATTERN_SPAN`] bytes plus one
    /// period, so any offset can be served by one `memcpy` per span.
    Pattern {
        period: usize,
        tiled: Box<[u8]>,
    },
}

const PATTERN_SPAN: usize = 64 * 1024;

impl Bytes {
    /// Bytes of `fill` from byte `offset` of the stream on (a shard's start).
    pub fn new(fill: &Fill, seed: u64, offset: u64) -> Bytes {
        Bytes::shaped(fill, Content::PLAIN, seed, offset)
    }

    /// As [`Bytes::new`], with random bytes shaped by `content`. A stamped
    /// fill is not made here: `source::open` gives it to
    /// [`super::stamped::Stamped`].
    pub fn shaped(fill: &Fill, content: Content, seed: u64, offset: u64) -> Bytes {
        let kind = match fill {
            Fill::Zero | Fill::Stamped => Kind::Zero,
            Fill::Random => Kind::Random { seed, content },
            Fill::Pattern(pattern) => Kind::Pattern {
                period: pattern.len(),
                tiled: pattern
                    .iter()
                    .copied()
                    .cycle()
                    .take(PATTERN_SPAN + pattern.len())
                    .collect(),
            },
        };
        Bytes { kind, offset }
    }
}

impl Source for Bytes {
    fn fill(&mut self, out: &mut [u8], _max_records: u64) -> Filled {
        match &self.kind {
            Kind::Zero => out.fill(0),
            Kind::Random { seed, content } => content::fill_at(*seed, content, self.offset, out),
            Kind::Pattern { period, tiled } => {
                let mut phase = (self.offset % *period as u64) as usize;
                for span in out.chunks_mut(PATTERN_SPAN) {
                    span.copy_from_slice(&tiled[phase..phase + span.len()]);
                    phase = (phase + span.len()) % period;
                }
            }
        }
        self.offset += out.len() as u64;
        Filled {
            bytes: out.len(),
            records: 0,
        }
    }

    fn position(&self) -> Option<Position> {
        Some(Position::byte(self.offset))
    }

    fn seek(&mut self, at: u64) {
        self.offset = at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fills() {
        assert_eq!("zero".parse(), Ok(Fill::Zero));
        assert_eq!("0xDEad".parse(), Ok(Fill::Pattern(vec![0xde, 0xad])));
        assert!("zzz".parse::<Fill>().unwrap_err().contains("`zzz`"));
        assert!("abc".parse::<Fill>().is_err());
    }

    #[test]
    fn pattern_continues_across_fills() {
        let mut source = Bytes::new(&Fill::Pattern(vec![1, 2, 3]), 0, 0);
        let mut out = [0u8; 4];
        source.fill(&mut out, 0);
        assert_eq!(out, [1, 2, 3, 1]);
        source.fill(&mut out, 0);
        assert_eq!(out, [2, 3, 1, 2]);
    }
}
