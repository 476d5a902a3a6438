//! Judges one block of a stamped file against what the run that wrote it
//! (as the first intact block told) put at that place. Kept apart from the
//! reading in `stamped.rs` so the verdicts can be tested on plain buffers.
//!
//! An intact block (magic, version and CRC right) is `ok` at its own
//! offset, `misplaced` elsewhere, and `stale` if another seed, run id or
//! layout made it. A block that is not intact is `zeroed` if every byte is
//! zero, and otherwise `corrupted`: the expected block is regenerated from
//! (seed, offset) and the flipped bits counted, so one bad sector reads as
//! one bad block with a few bits, not a file of bad blocks (fio #15).

use serde::Serialize;

use crate::language::stamp::{Layout, Pass, expected_block, header, intact};

/// The verdict on one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Ok,
    /// Damaged in place: the bits that differ from what was written.
    Corrupted {
        flipped_bits: u64,
    },
    /// Intact, but written for the block at `belongs_at`.
    Misplaced {
        belongs_at: u64,
    },
    /// Intact, but from another seed, run id or layout.
    Stale {
        seed: u64,
        run_id: u64,
    },
    Zeroed,
    /// The read failed (EIO): skipped.
    Unreadable,
    /// With `--acks`: holds generation `found`, older than `expected`,
    /// which was acknowledged durable at `acked_ns` (Unix ns).
    Lost {
        expected: u64,
        found: u64,
        acked_ns: u64,
    },
    /// With `--acks`: holds a generation written but not yet synced.
    InFlight,
    /// With `--acks`: zeroed, and no write of it acknowledged.
    Unwritten,
    /// With `--acks`: a block the journal names whose CRC fails.
    Torn {
        flipped_bits: u64,
    },
}

/// A bad block, as the report lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BadBlock {
    pub offset: u64,
    pub class: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flipped_bits: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub belongs_at: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<u64>,
    /// For a block a pass behind: the generation it holds, and the run's
    /// last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generation: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_generation: Option<u64>,
    /// For `lost`: the generation acknowledged durable, and when (Unix ns).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_generation: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acked_ns: Option<u64>,
    /// For `missing`, one entry stands for this many blocks from `offset`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocks: Option<u64>,
}

impl Class {
    pub fn name(self) -> &'static str {
        match self {
            Class::Ok => "ok",
            Class::Corrupted { .. } => "corrupted",
            Class::Misplaced { .. } => "misplaced",
            Class::Stale { .. } => "stale",
            Class::Zeroed => "zeroed",
            Class::Unreadable => "unreadable",
            Class::Lost { .. } => "lost",
            Class::InFlight => "in flight",
            Class::Unwritten => "unwritten",
            Class::Torn { .. } => "torn",
        }
    }

    pub fn at(self, offset: u64) -> BadBlock {
        let mut bad = BadBlock {
            offset,
            class: self.name(),
            flipped_bits: None,
            belongs_at: None,
            seed: None,
            run_id: None,
            generation: None,
            last_generation: None,
            expected_generation: None,
            acked_ns: None,
            blocks: None,
        };
        match self {
            Class::Corrupted { flipped_bits } | Class::Torn { flipped_bits } => {
                bad.flipped_bits = Some(flipped_bits)
            }
            Class::Lost {
                expected,
                found,
                acked_ns,
            } => {
                bad.expected_generation = Some(expected);
                bad.generation = Some(found);
                bad.acked_ns = Some(acked_ns);
            }
            Class::Misplaced { belongs_at } => bad.belongs_at = Some(belongs_at),
            Class::Stale { seed, run_id } => (bad.seed, bad.run_id) = (Some(seed), Some(run_id)),
            _ => {}
        }
        bad
    }
}

/// Judges blocks of one run; `expected` is a block of scratch, used only
/// for a damaged block.
pub struct Judge {
    layout: Layout,
    expected: Vec<u8>,
    /// The generation and walk of the last block judged `ok`, for the
    /// check by passes (`passes.rs`).
    pub last_pass: Pass,
}

impl Judge {
    pub fn new(layout: Layout) -> Judge {
        Judge {
            layout,
            expected: vec![0; layout.block as usize],
            last_pass: Pass::default(),
        }
    }

    /// The verdict on `block`, read from `offset`.
    pub fn classify(&mut self, block: &[u8], offset: u64) -> Class {
        if let Some(header) = intact(block) {
            let theirs = header.layout;
            return if theirs != self.layout {
                Class::Stale {
                    seed: theirs.seed,
                    run_id: theirs.run_id,
                }
            } else if header.offset != offset {
                Class::Misplaced {
                    belongs_at: header.offset,
                }
            } else {
                self.last_pass = header.pass;
                Class::Ok
            };
        }
        if block.iter().all(|&b| b == 0) {
            return Class::Zeroed;
        }
        // The payload depends on the generation: a header still readable
        // tells it, else the first pass is the best guess.
        let pass = header(block)
            .filter(|h| h.layout == self.layout)
            .map_or(Pass::FIRST, |h| h.pass);
        expected_block(&self.layout, offset, pass, &mut self.expected);
        let flipped_bits = block
            .chunks(8)
            .zip(self.expected.chunks(8))
            .map(|(a, b)| {
                let word = |w: &[u8]| {
                    let mut eight = [0u8; 8];
                    eight[..w.len()].copy_from_slice(w);
                    u64::from_le_bytes(eight)
                };
                u64::from((word(a) ^ word(b)).count_ones())
            })
            .sum();
        Class::Corrupted { flipped_bits }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAYOUT: Layout = Layout {
        version: crate::language::stamp::VERSION,
        seed: 5,
        run_id: 0,
        block: 512,
        total: 4096,
        compress_milli: 1000,
    };

    fn block_at(layout: &Layout, offset: u64) -> Vec<u8> {
        let mut block = vec![0; layout.block as usize];
        expected_block(layout, offset, Pass::FIRST, &mut block);
        block
    }

    #[test]
    fn tells_each_kind_of_block_apart() {
        let mut judge = Judge::new(LAYOUT);
        assert_eq!(judge.classify(&block_at(&LAYOUT, 512), 512), Class::Ok);
        assert_eq!(
            judge.classify(&block_at(&LAYOUT, 1024), 512),
            Class::Misplaced { belongs_at: 1024 }
        );
        let other = Layout { seed: 6, ..LAYOUT };
        assert_eq!(
            judge.classify(&block_at(&other, 512), 512),
            Class::Stale { seed: 6, run_id: 0 }
        );
        assert_eq!(judge.classify(&[0; 512], 512), Class::Zeroed);
        let mut flipped = block_at(&LAYOUT, 512);
        flipped[300] ^= 0b101;
        assert_eq!(
            judge.classify(&flipped, 512),
            Class::Corrupted { flipped_bits: 2 }
        );
    }
}
