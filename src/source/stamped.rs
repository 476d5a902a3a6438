//! `gush bytes --fill stamped`: seeded bytes cut into blocks that each
//! carry a header saying what they are (the format is in `stamp/`).
//!
//! Apart from [`Bytes`](super::bytes::Bytes) because it works block by
//! block: a block is filled with the (shaped) random stream at its offset,
//! then its header is patched in and sealed with a CRC. Every block is a
//! function of its offset and generation, so the output does not depend on
//! `--chunk`. A region's walk (`scattered.rs`) names each write's
//! generation; a plain stream is generation 1 throughout.

use super::{Filled, Position, Source};
use crate::language::content::{self, Content};
use crate::language::stamp::{self, Layout, Pass, Walk};
use crate::region::{Distribution, Pattern, Region};

pub struct Stamped {
    layout: Layout,
    content: Content,
    offset: u64,
    /// The generation and walk the next blocks carry.
    pass: Pass,
    /// One block, for a fill that starts or ends inside a block.
    scratch: Vec<u8>,
}

impl Stamped {
    /// Stamped blocks from byte `offset` on (a shard's start).
    pub fn new(layout: Layout, offset: u64) -> Stamped {
        Stamped {
            layout,
            content: layout.content(),
            offset,
            pass: Pass::FIRST,
            scratch: vec![0; layout.block as usize],
        }
    }
}

impl Stamped {
    /// The bytes from `at` of the block that holds it, into `out`, which
    /// ends inside that block.
    fn partial(&mut self, at: u64, out: &mut [u8]) {
        let block = u64::from(self.layout.block);
        let start = at - at % block;
        stamp::expected_block(&self.layout, start, self.pass, &mut self.scratch);
        let skip = (at - start) as usize;
        out.copy_from_slice(&self.scratch[skip..skip + out.len()]);
    }
}

impl Source for Stamped {
    fn fill(&mut self, out: &mut [u8], _max_records: u64) -> Filled {
        let block = u64::from(self.layout.block);
        let end = self.offset + out.len() as u64;
        // Whole blocks are filled in one call and then sealed one by one
        // (the random stream comes in 4 KiB pieces: filling 512-byte
        // blocks one at a time made each piece eight times over); a block
        // cut by the start or end of `out` is made whole in scratch.
        let first_whole = self.offset.next_multiple_of(block).min(end);
        let past_whole = (end - end % block).max(first_whole);
        let head = (first_whole - self.offset) as usize;
        let middle = (past_whole - first_whole) as usize;
        if head > 0 {
            self.partial(self.offset, &mut out[..head]);
        }
        let whole = &mut out[head..head + middle];
        let seed = stamp::payload_seed(self.layout.seed, self.pass.generation);
        content::fill_at(seed, &self.content, first_whole, whole);
        for (i, one) in whole.chunks_exact_mut(block as usize).enumerate() {
            stamp::seal(one, &self.layout, first_whole + i as u64 * block, self.pass);
        }
        if past_whole < end {
            self.partial(past_whole, &mut out[head + middle..]);
        }
        self.offset += out.len() as u64;
        Filled {
            bytes: out.len(),
            records: 0,
        }
    }

    // Every block is a function of its offset: any thread can make any.
    fn position(&self) -> Option<Position> {
        Some(Position::byte(self.offset))
    }

    fn seek(&mut self, at: u64) {
        self.offset = at;
    }

    fn seek_generation(&mut self, generation: u64, region: &Region) {
        self.pass = Pass {
            generation,
            walk: walk(region, u64::from(self.layout.block), generation),
        };
    }
}

/// What a block written on pass `generation` of `region` tells of the
/// walk: nothing on a first pass (any order looks the same after one), the
/// shuffle's unit where `gush verify` can redraw the order (a region from
/// byte 0 whose unit is a power-of-two count of blocks), else only that
/// each pass covers every block once.
fn walk(region: &Region, block: u64, generation: u64) -> Walk {
    if generation <= 1 {
        return Walk::Unsaid;
    }
    let ratio = region.unit() / block;
    match (region.pattern, &region.distribution) {
        (Pattern::Seq, _) => Walk::Seq,
        (Pattern::Random, Distribution::Uniform)
            if region.start == 0 && ratio.is_power_of_two() =>
        {
            Walk::Random {
                unit_shift: ratio.trailing_zeros() as u8,
            }
        }
        (Pattern::Random, Distribution::Uniform) => Walk::Covering,
        // Skewed writes are generation 0, below.
        _ => Walk::Unsaid,
    }
}
