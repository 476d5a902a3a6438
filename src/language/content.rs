//! Content control for seeded bytes: `--compress-ratio` (bytes that
//! compress by about R) and `--dedupe` (a share of 4 KiB blocks that repeat
//! an earlier one). Both reshape the seeded random stream one 4 KiB block
//! at a time, so any block can still be made from its index alone: the
//! output does not depend on `--chunk`, and a shard or a checker can start
//! anywhere.
//!
//! Compressible blocks spread their redundancy evenly: each 256-byte
//! segment is a run of fresh random literals followed by that run repeated
//! to the segment's end. Every 4 KiB block (and every 512-byte sector)
//! then compresses alike, unlike fio's "random bytes, then zeros" buffers
//! (fio #463), which mislead storage that compresses or dedupes per block.
//! A compressor pays about one byte per literal and a few per repeat, so
//! the literal share is 1/R less that cost ([`REPEAT_COST`], measured
//! against zstd -3; gzip -6 and lz4 land near it).

use super::seeded::{self, BLOCK, mix};

/// What the random bytes should look like to a compressor or a dedupe
/// store.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Content {
    /// The compression ratio asked for, × 1000: 1000 is incompressible.
    pub compress_milli: u32,
    /// The share of 4 KiB blocks (0 to below 100) that repeat an earlier one.
    pub dedupe_percent: f64,
}

impl Content {
    pub const PLAIN: Content = Content {
        compress_milli: 1000,
        dedupe_percent: 0.0,
    };

    fn is_plain(&self) -> bool {
        self.compress_milli <= 1000 && self.dedupe_percent <= 0.0
    }
}

/// Bytes per segment: a literal run and its repeats.
const SEGMENT: usize = 256;
const SEGMENTS: usize = BLOCK / SEGMENT;
/// What one repeat costs a compressor, in bytes of output per segment:
/// subtracted from the literal share so the whole comes out at 1/R.
const REPEAT_COST: f64 = 1.5;
/// A duplicate block copies one of this many blocks before it, so that a
/// store with a bounded dedupe window still finds it.
const DEDUPE_WINDOW: u64 = 1024;
const DEDUPE_SALT: u64 = 0xd3d0_be5a_17ed_b10c;

/// Writes the stream's bytes from `offset` on into `out`, shaped by
/// `content`. Plain content is exactly [`seeded::fill_at`].
pub fn fill_at(seed: u64, content: &Content, offset: u64, out: &mut [u8]) {
    if content.is_plain() {
        return seeded::fill_at(seed, offset, out);
    }
    seeded::fill_by_block(offset, out, |index, block| {
        fill_block(seed, content, index, block)
    });
}

/// Block `index` of the shaped stream (exactly [`BLOCK`] bytes).
fn fill_block(seed: u64, content: &Content, index: u64, out: &mut [u8]) {
    let source = original(seed, content.dedupe_percent, index);
    seeded::fill_block(seed, source, out);
    if content.compress_milli > 1000 {
        shape(out, f64::from(content.compress_milli) / 1000.0);
    }
}

/// A number in [0, 1) that only (seed, index, salt) decide.
fn unit(seed: u64, index: u64, salt: u64) -> f64 {
    (mix(seed ^ mix(index ^ salt)) >> 11) as f64 / (1u64 << 53) as f64
}

/// The block whose bytes block `index` carries: itself, or for a
/// duplicate, the original of an earlier block in the window. Block 0 is
/// always an original, and each step goes back, so the walk ends.
fn original(seed: u64, dedupe_percent: f64, mut index: u64) -> u64 {
    let share = dedupe_percent / 100.0;
    while index > 0 && unit(seed, index, DEDUPE_SALT) < share {
        let back = mix(seed ^ mix(index ^ !DEDUPE_SALT)) % index.min(DEDUPE_WINDOW);
        index -= 1 + back;
    }
    index
}

/// Makes one random block compress by about `ratio`: in each segment the
/// first `literal` bytes stay random and the rest repeat them. Literal
/// lengths are spread over the segments so their sum is exact per block.
fn shape(block: &mut [u8], ratio: f64) {
    let per_segment = (SEGMENT as f64 / ratio - REPEAT_COST).clamp(1.0, SEGMENT as f64);
    let total = (per_segment * SEGMENTS as f64).round() as usize;
    for (i, segment) in block.chunks_exact_mut(SEGMENT).enumerate() {
        let literal = total * (i + 1) / SEGMENTS - total * i / SEGMENTS;
        let literal = literal.max(1);
        let mut filled = literal;
        while filled < SEGMENT {
            let copy = filled.min(SEGMENT - filled);
            segment.copy_within(0..copy, filled);
            filled += copy;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_point_back_and_originals_stay() {
        assert_eq!(original(1, 50.0, 0), 0);
        for index in 1..2000 {
            assert!(original(1, 50.0, index) <= index);
            assert_eq!(original(1, 0.0, index), index);
        }
    }

    #[test]
    fn any_offset_gives_the_same_bytes() {
        let content = Content {
            compress_milli: 3000,
            dedupe_percent: 30.0,
        };
        let mut whole = vec![0u8; 5 * BLOCK];
        fill_at(9, &content, 0, &mut whole);
        let mut part = vec![0u8; 3 * BLOCK + 17];
        fill_at(9, &content, 1000, &mut part);
        assert_eq!(part, whole[1000..1000 + part.len()]);
    }
}
