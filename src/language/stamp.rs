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
//! | 8..10  | format version, 1                                        |
//! | 10..12 | header length in bytes, 64                               |
//! | 12..16 | CRC32C (Castagnoli) of the whole block, with this field zero |
//! | 16..24 | seed                                                     |
//! | 24..32 | run id (`--run-id`, the generation; default 0)           |
//! | 32..40 | the block's own byte offset                              |
//! | 40..44 | block size in bytes                                      |
//! | 44..48 | `--compress-ratio` × 1000 (1000 = incompressible)        |
//! | 48..56 | total size written (`--size`), so missing blocks show    |
//! | 56..64 | zero, reserved                                           |
//!
//! The payload is a function of (seed, offset, compress ratio) alone, so a
//! damaged block can be regenerated and its flipped bits counted.

use super::content::{self, Content};

pub const MAGIC: [u8; 8] = *b"GUSHSTMP";
pub const VERSION: u16 = 1;
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

/// A header as read from a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub layout: Layout,
    pub offset: u64,
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
/// (whose payload is already there) and seals it with its CRC.
pub fn seal(block: &mut [u8], layout: &Layout, offset: u64) {
    let h = &mut block[..HEADER_BYTES];
    h[0..8].copy_from_slice(&MAGIC);
    h[8..10].copy_from_slice(&VERSION.to_le_bytes());
    h[10..12].copy_from_slice(&(HEADER_BYTES as u16).to_le_bytes());
    h[12..16].fill(0);
    h[16..24].copy_from_slice(&layout.seed.to_le_bytes());
    h[24..32].copy_from_slice(&layout.run_id.to_le_bytes());
    h[32..40].copy_from_slice(&offset.to_le_bytes());
    h[40..44].copy_from_slice(&layout.block.to_le_bytes());
    h[44..48].copy_from_slice(&layout.compress_milli.to_le_bytes());
    h[48..56].copy_from_slice(&layout.total.to_le_bytes());
    h[56..64].fill(0);
    let crc = crc32c::crc32c(block);
    block[CRC_AT..CRC_AT + 4].copy_from_slice(&crc.to_le_bytes());
}

/// The block at `offset` exactly as `layout` writes it, into `out` (one
/// block long).
pub fn expected_block(layout: &Layout, offset: u64, out: &mut [u8]) {
    content::fill_at(layout.seed, &layout.content(), offset, out);
    seal(out, layout, offset);
}

/// The header at the start of `bytes`, if it has the magic and version and
/// names a block size that is sane; its CRC is not checked here.
pub fn header(bytes: &[u8]) -> Option<Header> {
    if bytes.len() < HEADER_BYTES || bytes[0..8] != MAGIC || u16_at(bytes, 8) != VERSION {
        return None;
    }
    let block = u32_at(bytes, 40);
    if !(MIN_BLOCK..=MAX_BLOCK).contains(&u64::from(block)) || !block.is_power_of_two() {
        return None;
    }
    Some(Header {
        layout: Layout {
            seed: u64_at(bytes, 16),
            run_id: u64_at(bytes, 24),
            block,
            total: u64_at(bytes, 48),
            compress_milli: u32_at(bytes, 44),
        },
        offset: u64_at(bytes, 32),
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
            seed: 7,
            run_id: 3,
            block: 4096,
            total: 1 << 20,
            compress_milli: 1000,
        }
    }

    #[test]
    fn a_sealed_block_reads_back_intact() {
        let mut block = vec![0u8; 4096];
        expected_block(&layout(), 8192, &mut block);
        let header = intact(&block).expect("intact");
        assert_eq!(header.layout, layout());
        assert_eq!(header.offset, 8192);
    }

    #[test]
    fn one_flipped_bit_breaks_the_seal() {
        let mut block = vec![0u8; 4096];
        expected_block(&layout(), 0, &mut block);
        for at in [0, 13, 63, 64, 4095] {
            block[at] ^= 0x10;
            assert!(intact(&block).is_none(), "flip at {at} unnoticed");
            block[at] ^= 0x10;
        }
    }
}
