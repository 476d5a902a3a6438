//! The stamped block format (`gush bytes --fill stamped`): every block
//! says what it is, so `gush verify FILE` can check a file or a device with
//! no arguments but the file, after a power cut, on another machine, or on
//! a USB stick of doubtful capacity. Here are the layout, the encoder and
//! the decoder. It is part of the language (what gets written): `source/`
//! makes stamped blocks with it, and `stamp/` reads them back for
//! `gush verify`.
//!
//! A block is the seeded byte stream of `gush bytes --fill random` (with
//! `--compress-ratio`, its compressible form) at the block's own offset, as
//! f3 does, with its first [`HEADER_BYTES`] replaced by this header, all
//! fields little-endian:
//!
//! | bytes  | field                                                    |
//! |--------|----------------------------------------------------------|
//! | 0..8   | magic `GUSHSTMP`                                         |
//! | 8..10  | format version, 2 (1 is still read: see below)           |
//! | 10..12 | header length in bytes, 64                               |
//! | 12..16 | CRC32C (Castagnoli) of the whole block, with this field zero |
//! | 16..24 | seed                                                     |
//! | 24..32 | run id (`--run-id`, the generation; default 0)           |
//! | 32..40 | the block's own byte offset                              |
//! | 40..44 | block size in bytes                                      |
//! | 44..48 | `--compress-ratio` × 1000 (1000 = incompressible)        |
//! | 48..56 | total size written (`--size`), so missing blocks show    |
//! | 56..62 | generation: how many times this run has written the block |
//! | 62     | the walk of the passes (below); 0 on a first pass        |
//! | 63     | for a random walk, log2 of its unit in blocks            |
//!
//! The generation is what catches a lost write (vdbench keeps a rewrite
//! key per sector for the same reason): a block that still holds an older
//! generation after a newer one was written, and acknowledged, was lost.
//! It is 1 for a sequential stream and on a region's first pass, 2 on the
//! second, and so on (the plan knows the pass, `region/`). A
//! skewed distribution rewrites hot blocks many times a pass, and counting
//! per block would need a counter per block, not a bit; so there it is 0,
//! "not counted", and only a journal can tell lost writes.
//!
//! The walk tells `gush verify` where a stopped run's last pass ended
//! (`verify/passes.rs`): 1 sequential, 2 uniform random from byte 0 in
//! units of 2^byte63 blocks (the order is then the plan's shuffle, which
//! the seed fixes), 3 an order the header cannot describe. A first pass
//! writes 0: one pass looks the same in any order, so a one-pass random
//! run is byte for byte the sequential stream.
//!
//! The payload is a function of (seed, offset, generation, compress
//! ratio), so a damaged block can be regenerated and its flipped bits
//! counted, and a block a pass behind differs from the current one in
//! every payload byte, not just its header. Generations 0 and 1 use the
//! seed itself, so version 1's payload is generation 1's.
//!
//! Version 1 (until December 2026) had zero in bytes 56..64 and no
//! generation; its files still verify, as one pass.

use super::content::{self, Content};

pub const MAGIC: [u8; 8] = *b"GUSHSTMP";
pub const VERSION: u16 = 2;
/// The first format, without generations: still read, and written only
/// to check a version-1 file against itself.
pub const VERSION_1: u16 = 1;
pub const HEADER_BYTES: usize = 64;
/// The smallest block: one sector, and room for the header.
pub const MIN_BLOCK: u64 = 512;
/// The largest block: past this a block is no finer a unit of damage than
/// a chunk, and the checker's window holds at least one.
pub const MAX_BLOCK: u64 = 1 << 20;
pub const DEFAULT_BLOCK: u64 = 4096;

const CRC_AT: usize = 12;

/// How a stamped run lays its blocks out: everything in a header but the
/// block's offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// The format version the blocks carry: [`VERSION`], or [`VERSION_1`]
    /// for a file written before generations.
    pub version: u16,
    pub seed: u64,
    pub run_id: u64,
    pub block: u32,
    /// The whole `--size`, also for one shard of it.
    pub total: u64,
    /// `--compress-ratio` × 1000.
    pub compress_milli: u32,
}

impl Layout {
    pub fn content(&self) -> Content {
        Content {
            compress_milli: self.compress_milli,
            dedupe_percent: 0.0,
        }
    }
}

/// Which write of a block this is: its generation and how the passes
/// walk (bytes 56..64).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pass {
    /// 0: not counted (skewed, or version 1); else 1, 2, ... per pass.
    pub generation: u64,
    pub walk: Walk,
}

/// How a run's passes walk the region, as far as the header can say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Walk {
    /// A first pass, a single stream, or not counted.
    #[default]
    Unsaid,
    Seq,
    /// The plan's uniform shuffle over units of `2^unit_shift` blocks
    /// from byte 0.
    Random {
        unit_shift: u8,
    },
    /// Every block once a pass, in an order the header cannot describe.
    Covering,
}

/// The generation field's width: 48 bits, past any run's passes.
const GENERATION_MASK: u64 = (1 << 48) - 1;

impl Pass {
    /// The one pass of a sequential stream.
    pub const FIRST: Pass = Pass {
        generation: 1,
        walk: Walk::Unsaid,
    };

    fn encode(self) -> [u8; 8] {
        let mut out = [0u8; 8];
        out[..6].copy_from_slice(&(self.generation & GENERATION_MASK).to_le_bytes()[..6]);
        (out[6], out[7]) = match self.walk {
            Walk::Unsaid => (0, 0),
            Walk::Seq => (1, 0),
            Walk::Random { unit_shift } => (2, unit_shift),
            Walk::Covering => (3, 0),
        };
        out
    }

    fn decode(bytes: &[u8]) -> Pass {
        let mut generation = [0u8; 8];
        generation[..6].copy_from_slice(&bytes[..6]);
        Pass {
            generation: u64::from_le_bytes(generation),
            walk: match (bytes[6], bytes[7]) {
                (1, _) => Walk::Seq,
                (2, unit_shift) => Walk::Random { unit_shift },
                (3, _) => Walk::Covering,
                _ => Walk::Unsaid,
            },
        }
    }
}

/// The seed of a block's payload: generations differ in every byte.
pub fn payload_seed(seed: u64, generation: u64) -> u64 {
    match generation {
        0 | 1 => seed,
        g => super::seeded::mix(seed ^ g.wrapping_mul(0x9e37_79b9_7f4a_7c15)),
    }
}

/// A header as read from a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub layout: Layout,
    pub offset: u64,
    pub pass: Pass,
    pub crc: u32,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(b[at..at + 2].try_into().expect("two bytes"))
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("four bytes"))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("eight bytes"))
}

/// Writes the header of the block at `offset` over the start of `block`
/// (whose payload for `pass` is already there) and seals it with its CRC.
pub fn seal(block: &mut [u8], layout: &Layout, offset: u64, pass: Pass) {
    let h = &mut block[..HEADER_BYTES];
    h[0..8].copy_from_slice(&MAGIC);
    h[8..10].copy_from_slice(&layout.version.to_le_bytes());
    h[10..12].copy_from_slice(&(HEADER_BYTES as u16).to_le_bytes());
    h[12..16].fill(0);
    h[16..24].copy_from_slice(&layout.seed.to_le_bytes());
    h[24..32].copy_from_slice(&layout.run_id.to_le_bytes());
    h[32..40].copy_from_slice(&offset.to_le_bytes());
    h[40..44].copy_from_slice(&layout.block.to_le_bytes());
    h[44..48].copy_from_slice(&layout.compress_milli.to_le_bytes());
    h[48..56].copy_from_slice(&layout.total.to_le_bytes());
    match layout.version {
        VERSION_1 => h[56..64].fill(0),
        _ => h[56..64].copy_from_slice(&pass.encode()),
    }
    let crc = crc32c::crc32c(block);
    block[CRC_AT..CRC_AT + 4].copy_from_slice(&crc.to_le_bytes());
}

/// The block at `offset` exactly as `layout` writes it on `pass`, into
/// `out` (one block long).
pub fn expected_block(layout: &Layout, offset: u64, pass: Pass, out: &mut [u8]) {
    let seed = payload_seed(layout.seed, pass.generation);
    content::fill_at(seed, &layout.content(), offset, out);
    seal(out, layout, offset, pass);
}

/// The header at the start of `bytes`, if it has the magic and version and
/// names a block size that is sane; its CRC is not checked here.
pub fn header(bytes: &[u8]) -> Option<Header> {
    if bytes.len() < HEADER_BYTES || bytes[0..8] != MAGIC {
        return None;
    }
    let version = u16_at(bytes, 8);
    if version != VERSION && version != VERSION_1 {
        return None;
    }
    let block = u32_at(bytes, 40);
    if !(MIN_BLOCK..=MAX_BLOCK).contains(&u64::from(block)) || !block.is_power_of_two() {
        return None;
    }
    Some(Header {
        layout: Layout {
            version,
            seed: u64_at(bytes, 16),
            run_id: u64_at(bytes, 24),
            block,
            total: u64_at(bytes, 48),
            compress_milli: u32_at(bytes, 44),
        },
        offset: u64_at(bytes, 32),
        pass: match version {
            VERSION_1 => Pass::default(),
            _ => Pass::decode(&bytes[56..64]),
        },
        crc: u32_at(bytes, CRC_AT),
    })
}

/// The header of an intact block at the start of `bytes`: magic, version
/// and a CRC that matches the block size the header names.
pub fn intact(bytes: &[u8]) -> Option<Header> {
    let header = header(bytes)?;
    let block = bytes.get(..header.layout.block as usize)?;
    let crc = crc32c::crc32c(&block[..CRC_AT]);
    let crc = crc32c::crc32c_append(crc, &[0; 4]);
    let crc = crc32c::crc32c_append(crc, &block[CRC_AT + 4..]);
    (crc == header.crc).then_some(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout {
            version: VERSION,
            seed: 7,
            run_id: 3,
            block: 4096,
            total: 1 << 20,
            compress_milli: 1000,
        }
    }

    #[test]
    fn a_sealed_block_reads_back_intact() {
        let pass = Pass {
            generation: 5,
            walk: Walk::Random { unit_shift: 4 },
        };
        let mut block = vec![0u8; 4096];
        expected_block(&layout(), 8192, pass, &mut block);
        let header = intact(&block).expect("intact");
        assert_eq!(header.layout, layout());
        assert_eq!(header.offset, 8192);
        assert_eq!(header.pass, pass);
    }

    #[test]
    fn generations_differ_in_the_payload_and_one_is_version_ones() {
        let mut first = vec![0u8; 4096];
        let mut second = vec![0u8; 4096];
        expected_block(&layout(), 0, Pass::FIRST, &mut first);
        let again = Pass {
            generation: 2,
            walk: Walk::Seq,
        };
        expected_block(&layout(), 0, again, &mut second);
        let same = first[HEADER_BYTES..]
            .iter()
            .zip(&second[HEADER_BYTES..])
            .filter(|(a, b)| a == b)
            .count();
        assert!(same < 64, "{same} payload bytes alike");
        let old = Layout {
            version: VERSION_1,
            ..layout()
        };
        let mut v1 = vec![0u8; 4096];
        expected_block(&old, 0, Pass::default(), &mut v1);
        assert_eq!(first[HEADER_BYTES..], v1[HEADER_BYTES..]);
        let header = intact(&v1).expect("a version-1 block is intact");
        assert_eq!((header.layout.version, header.pass), (1, Pass::default()));
    }

    #[test]
    fn one_flipped_bit_breaks_the_seal() {
        let mut block = vec![0u8; 4096];
        expected_block(&layout(), 0, Pass::FIRST, &mut block);
        for at in [0, 13, 63, 64, 4095] {
            block[at] ^= 0x10;
            assert!(intact(&block).is_none(), "flip at {at} unnoticed");
            block[at] ^= 0x10;
        }
    }
}
