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

/// Writes the stream's bytes from `offset` on into `out`.
pub fn fill_at(seed: u64, offset: u64, out: &mut [u8]) {
    fill_by_block(offset, out, |index, block| fill_block(seed, index, block));
}

/// Writes a stream made of [`BLOCK`]-byte blocks, from `offset` on, into
/// `out`: `make(index, block)` makes block `index` whole. Whole blocks are
/// made in place; a block cut by either end of `out` is made in scratch and
/// the part that falls inside copied. Any offset can be made on its own,
/// which is what lets shards, threads and checks start anywhere.
pub fn fill_by_block(offset: u64, out: &mut [u8], mut make: impl FnMut(u64, &mut [u8])) {
    let mut done = 0;
    while done < out.len() {
        let at = offset + done as u64;
        let index = at / BLOCK as u64;
        let skip = (at % BLOCK as u64) as usize;
        let take = (BLOCK - skip).min(out.len() - done);
        if skip == 0 && take == BLOCK {
            make(index, &mut out[done..done + BLOCK]);
        } else {
            // Made here, not once above: zeroing it cost every call of
            // whole blocks (each 4 KiB random write) a 4 KiB memset it
            // never used.
            let mut scratch = [0u8; BLOCK];
            make(index, &mut scratch);
            out[done..done + take].copy_from_slice(&scratch[skip..skip + take]);
        }
        done += take;
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
}
