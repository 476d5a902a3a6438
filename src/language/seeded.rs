//! The seeded random stream behind every random byte gush writes.
//!
//! Output must be the same for the same seed whatever `--chunk` or `--hwm`
//! cut it into, and a later `--shard` must be able to start anywhere. So
//! randomness is not one long stream: it comes in fixed 4 KiB blocks, and
//! block `i` is Xoshiro256++ (rand_xoshiro, Blackman & Vigna) seeded through
//! SplitMix64 with `block_key(seed, i)`. Its first 512 outputs, written
//! little-endian, are the block. Golden vectors in the tests pin this
//! stream: a dependency bump that changes it fails them.

use rand_core::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

#[cfg(target_arch = "x86_64")]
mod avx2;

/// Bytes in one independently seeded block.
pub const BLOCK: usize = 4096;

/// SplitMix64's finaliser (Steele, Lea & Flood 2014): a bijective mix, so
/// distinct (seed, block) pairs get unrelated keys.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The key block `index` of stream `seed` is seeded with. Mixing the index
/// before combining keeps nearby seeds' blocks from lining up: SplitMix64
/// seeds that differ by its increment would otherwise share outputs.
/// `gush catch --reject` draws from it too: one SplitMix64 in the tree.
pub fn block_key(seed: u64, index: u64) -> u64 {
    mix(seed ^ mix(index.wrapping_add(0x9e37_79b9_7f4a_7c15)))
}

/// Writes block `index` of stream `seed` into `out` (exactly [`BLOCK`] bytes).
pub fn fill_block(seed: u64, index: u64, out: &mut [u8]) {
    assert_eq!(out.len(), BLOCK);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(block_key(seed, index));
    for word in out.chunks_exact_mut(8) {
        word.copy_from_slice(&rng.next_u64().to_le_bytes());
    }
}

/// Writes blocks `first`, `first + 1`, ... of stream `seed` into `blocks`,
/// eight at a time where the CPU can step eight chains together.
pub fn fill_blocks(seed: u64, first: u64, blocks: &mut [[u8; BLOCK]]) {
    let mut index = first;
    let (groups, rest) = blocks.as_chunks_mut::<LANES>();
    for group in groups {
        let indices = std::array::from_fn(|lane| index + lane as u64);
        fill_eight(seed, indices, group.each_mut());
        index += LANES as u64;
    }
    for block in rest {
        fill_block(seed, index, block);
        index += 1;
    }
}

/// Blocks [`fill_eight`] makes in one pass.
pub const LANES: usize = 8;

/// Writes block `indices[i]` of stream `seed` into `blocks[i]`, the eight
/// chains stepped together where the CPU allows (`seeded/avx2.rs`), one by
/// one elsewhere: the same bytes either way.
pub fn fill_eight(seed: u64, indices: [u64; LANES], blocks: [&mut [u8; BLOCK]; LANES]) {
    #[cfg(target_arch = "x86_64")]
    if avx2::available() {
        let states = indices.map(|index| {
            let bytes = Xoshiro256PlusPlus::seed_from_u64(block_key(seed, index)).state();
            let (words, _) = bytes.as_chunks::<8>();
            std::array::from_fn(|w| u64::from_le_bytes(words[w]))
        });
        return avx2::fill8(states, blocks);
    }
    for (index, block) in indices.into_iter().zip(blocks) {
        fill_block(seed, index, block);
    }
}

/// Writes the stream's bytes from `offset` on into `out`.
pub fn fill_at(seed: u64, offset: u64, out: &mut [u8]) {
    fill_by_run(offset, out, |first, blocks| {
        fill_blocks(seed, first, blocks)
    });
}

/// Writes a stream made of [`BLOCK`]-byte blocks, from `offset` on, into
/// `out`: `make(index, block)` makes block `index` whole. Any offset can
/// be made on its own, which is what lets shards, threads and checks
/// start anywhere.
pub fn fill_by_block(offset: u64, out: &mut [u8], mut make: impl FnMut(u64, &mut [u8])) {
    fill_by_run(offset, out, |first, blocks| {
        for (index, block) in (first..).zip(blocks) {
            make(index, block);
        }
    });
}

/// As [`fill_by_block`], but `make(first, blocks)` makes a run of whole
/// blocks from `first` on, so a fill of many blocks can make them
/// together. The blocks `out` holds whole are made in place, in one run; a
/// block cut by either end of `out` is made in scratch and the part that
/// falls inside copied.
fn fill_by_run(offset: u64, out: &mut [u8], mut make: impl FnMut(u64, &mut [[u8; BLOCK]])) {
    let mut index = offset / BLOCK as u64;
    let skip = (offset % BLOCK as u64) as usize;
    let mut out = out;
    if skip != 0 && !out.is_empty() {
        let take = (BLOCK - skip).min(out.len());
        // Made here, not once above: zeroing it cost every call of whole
        // blocks (each 4 KiB random write) a 4 KiB memset it never used.
        let mut scratch = [[0u8; BLOCK]];
        make(index, &mut scratch);
        let (head, rest) = out.split_at_mut(take);
        head.copy_from_slice(&scratch[0][skip..skip + take]);
        out = rest;
        index += 1;
    }
    let (whole, tail) = out.as_chunks_mut::<BLOCK>();
    if !whole.is_empty() {
        make(index, whole);
        index += whole.len() as u64;
    }
    if !tail.is_empty() {
        let mut scratch = [[0u8; BLOCK]];
        make(index, &mut scratch);
        tail.copy_from_slice(&scratch[0][..tail.len()]);
    }
}

/// A seed for a run that was given none: different every run, and shown in
/// the report so the run can be repeated.
pub fn fresh_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    mix(nanos ^ u64::from(std::process::id()).rotate_left(32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_vectors() {
        // If these change, every seeded file users made changes: never
        // update them without a loud note in the changelog.
        let mut block = [0u8; BLOCK];
        fill_block(0, 0, &mut block);
        assert_eq!(&block[..16], &GOLDEN_SEED0_BLOCK0);
        fill_block(42, 7, &mut block);
        assert_eq!(&block[BLOCK - 8..], &GOLDEN_SEED42_BLOCK7_TAIL);
    }

    // Computed by an independent Python transcription of SplitMix64 and
    // the xoshiro256++ reference code, not by this crate.
    const GOLDEN_SEED0_BLOCK0: [u8; 16] = [
        107, 193, 20, 141, 110, 140, 180, 254, 101, 13, 69, 153, 33, 82, 211, 72,
    ];
    const GOLDEN_SEED42_BLOCK7_TAIL: [u8; 8] = [101, 70, 204, 216, 40, 66, 102, 16];

    #[test]
    fn any_cut_gives_the_same_bytes() {
        let mut whole = vec![0u8; 3 * BLOCK + 100];
        fill_at(9, 0, &mut whole);
        let mut pieces = vec![0u8; whole.len()];
        let mut at = 0;
        for len in [1, 4095, 4097, 7, 3000, 1000].iter().cycle() {
            let end = (at + len).min(pieces.len());
            fill_at(9, at as u64, &mut pieces[at..end]);
            at = end;
            if at == pieces.len() {
                break;
            }
        }
        assert_eq!(whole, pieces);
    }

    /// The stream as one block at a time makes it: what every faster path
    /// must equal.
    fn one_by_one(seed: u64, offset: u64, len: usize) -> Vec<u8> {
        let first = offset / BLOCK as u64;
        let skip = (offset % BLOCK as u64) as usize;
        let mut blocks = vec![0u8; (skip + len).div_ceil(BLOCK) * BLOCK];
        for (i, block) in blocks.chunks_exact_mut(BLOCK).enumerate() {
            fill_block(seed, first + i as u64, block);
        }
        blocks[skip..skip + len].to_vec()
    }

    #[test]
    fn eight_together_equal_eight_alone() {
        let mut key = 1u64;
        for round in 0..64 {
            key = mix(key);
            let seed = if round % 8 == 0 { round } else { key };
            // Scattered indices, as a region run's writes have, and the
            // far end of the index range.
            let indices: [u64; LANES] =
                std::array::from_fn(|lane| match (round + lane as u64) % 3 {
                    0 => mix(key ^ lane as u64),
                    1 => u64::MAX - lane as u64,
                    _ => round * 8 + lane as u64,
                });
            let mut together = [[0u8; BLOCK]; LANES];
            fill_eight(seed, indices, together.each_mut());
            for (index, block) in indices.iter().zip(&together) {
                let mut alone = [0u8; BLOCK];
                fill_block(seed, *index, &mut alone);
                assert!(block[..] == alone[..], "seed {seed} block {index}");
            }
        }
    }

    #[test]
    fn runs_of_blocks_equal_one_block_at_a_time() {
        let lens = [
            0,
            1,
            7,
            4095,
            4096,
            4097,
            8 * 4096,
            9 * 4096 + 5,
            17 * 4096 - 3,
            40 * 4096,
        ];
        let offsets = [0, 1, 4095, 4096, 3 * 4096 + 17, (1 << 40) + 12345];
        for seed in [0, 42, u64::MAX] {
            for offset in offsets {
                for len in lens {
                    let mut fast = vec![0u8; len];
                    fill_at(seed, offset, &mut fast);
                    assert!(
                        fast == one_by_one(seed, offset, len),
                        "seed {seed} at {offset}+{len}"
                    );
                }
            }
        }
    }
}
