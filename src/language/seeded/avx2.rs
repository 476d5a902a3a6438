//! Eight seeded blocks made at once, in the lanes of two AVX2 registers.
//!
//! One block is one xoshiro256++ chain of 512 steps, each waiting on the
//! last: made alone, a block is bound by that chain (about 0.33 us a block
//! on the bench machine, bench/randwrite.md 2026-12-05 17:20). Eight
//! independent chains step together here, four to a 256-bit register, and
//! the same arithmetic gives the same words: a block's bytes do not depend
//! on which path made it (the tests compare them with the one-block path).
//!
//! Why AVX2 and why by hand: without it the compiler does not vectorize
//! the chains (four chains in plain code spilled registers and ran slower
//! than one; SSE2 intrinsics, the default target's, saved 22 %, as did
//! AVX2 with four blocks), and eight chains in AVX2 halve the time a block
//! takes. AVX2 is not the default target, so it is checked at run time and
//! every other CPU keeps the one-block path.

use std::arch::x86_64::{
    __m256i, _mm256_add_epi64, _mm256_extract_epi64, _mm256_or_si256, _mm256_set_epi64x,
    _mm256_slli_epi64, _mm256_srli_epi64, _mm256_xor_si256,
};

use super::BLOCK;

/// Blocks made in one pass: two registers of four.
pub const LANES: usize = super::LANES;

/// Whether this CPU runs [`fill8`] (std caches the answer).
pub fn available() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
}

/// Fills each of `blocks` from the xoshiro256++ state beside it, exactly
/// as [`super::fill_block`] would. Call only where [`available`] is true.
pub fn fill8(states: [[u64; 4]; LANES], blocks: [&mut [u8; BLOCK]; LANES]) {
    assert!(available());
    // SAFETY: `fill8_avx2` needs AVX2 and nothing else; the line above
    // checked this CPU has it.
    unsafe { fill8_avx2(states, blocks) }
}

#[target_feature(enable = "avx2")]
fn fill8_avx2(states: [[u64; 4]; LANES], blocks: [&mut [u8; BLOCK]; LANES]) {
    // Register h holds word w of blocks 4h..4h+4.
    let gather = |h: usize, w: usize| {
        let lane = |l: usize| states[4 * h + l][w] as i64;
        _mm256_set_epi64x(lane(3), lane(2), lane(1), lane(0))
    };
    let mut s: [[__m256i; 4]; 2] = std::array::from_fn(|h| std::array::from_fn(|w| gather(h, w)));
    let out = blocks.map(words);
    // `i` is word i of all eight blocks at once: no one iterator walks it.
    #[allow(clippy::needless_range_loop)]
    for i in 0..BLOCK / 8 {
        for (h, state) in s.iter_mut().enumerate() {
            let r = step(state);
            out[4 * h][i] = _mm256_extract_epi64::<0>(r).to_le_bytes();
            out[4 * h + 1][i] = _mm256_extract_epi64::<1>(r).to_le_bytes();
            out[4 * h + 2][i] = _mm256_extract_epi64::<2>(r).to_le_bytes();
            out[4 * h + 3][i] = _mm256_extract_epi64::<3>(r).to_le_bytes();
        }
    }
}

/// A block as the words it is written in.
fn words(block: &mut [u8; BLOCK]) -> &mut [[u8; 8]; BLOCK / 8] {
    let (words, _) = block.as_chunks_mut::<8>();
    words.try_into().expect("a block is whole words")
}

/// One xoshiro256++ step in every lane (Blackman & Vigna's reference
/// `next()`): returns the output, advances the state.
#[inline]
#[target_feature(enable = "avx2")]
fn step(s: &mut [__m256i; 4]) -> __m256i {
    let [s0, s1, s2, s3] = s;
    let result = _mm256_add_epi64(rotate_left::<23, 41>(_mm256_add_epi64(*s0, *s3)), *s0);
    let t = _mm256_slli_epi64::<17>(*s1);
    *s2 = _mm256_xor_si256(*s2, *s0);
    *s3 = _mm256_xor_si256(*s3, *s1);
    *s1 = _mm256_xor_si256(*s1, *s2);
    *s0 = _mm256_xor_si256(*s0, *s3);
    *s2 = _mm256_xor_si256(*s2, t);
    *s3 = rotate_left::<45, 19>(*s3);
    result
}

/// Rotates every lane left by `L` (`R` is 64 - `L`: const generics cannot
/// subtract yet).
#[inline]
#[target_feature(enable = "avx2")]
fn rotate_left<const L: i32, const R: i32>(x: __m256i) -> __m256i {
    _mm256_or_si256(_mm256_slli_epi64::<L>(x), _mm256_srli_epi64::<R>(x))
}
