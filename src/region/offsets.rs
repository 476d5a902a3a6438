//! A seeded bijection over block indices `[0, n)`: the order in which one
//! random pass visits a region, with every block exactly once and nothing
//! stored (`--pattern random`).
//!
//! fio keeps a bitmap of the whole region (memory grows with the device) or
//! uses an LFSR (one block size, and a fixed, visibly regular order). Here a
//! small Feistel network permutes the `2h`-bit numbers, where `2h` is the
//! next even number of bits that holds `n`; indices past `n` are walked on
//! through the network until they land inside ("cycle-walking", Black and
//! Rogaway, "Ciphers with Arbitrary Finite Domains", 2002, section 3).
//! A Feistel network is a bijection whatever its round function, and so is
//! cycle-walking on a bijection, so the pass is a permutation by
//! construction; the domain is under 4n, so a walk takes under 4 steps on
//! average.

/// A permutation of `[0, n)`, chosen by a seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shuffle {
    n: u64,
    /// Bits in each half of the Feistel network's input.
    half_bits: u32,
    keys: [u64; ROUNDS],
}

/// Six rounds: four already pass the usual tests of a pseudo-random
/// permutation (Luby and Rackoff); two more cost nothing next to a write.
const ROUNDS: usize = 6;

impl Shuffle {
    /// A permutation of `n` indices (`n` ≥ 1), fixed by `seed`.
    pub fn new(n: u64, seed: u64) -> Shuffle {
        let bits = 64 - n.saturating_sub(1).leading_zeros();
        let half_bits = bits.div_ceil(2).max(1);
        let mut state = seed ^ 0x5eed_5eed_5eed_5eed;
        let keys = std::array::from_fn(|_| splitmix(&mut state));
        Shuffle {
            n: n.max(1),
            half_bits,
            keys,
        }
    }

    /// The block visited `index`-th (`index` < n).
    pub fn at(&self, index: u64) -> u64 {
        debug_assert!(index < self.n);
        let mut x = index;
        loop {
            x = self.round_trip(x);
            if x < self.n {
                return x;
            }
        }
    }

    /// One pass of the Feistel network over `2 * half_bits` bits.
    fn round_trip(&self, x: u64) -> u64 {
        let mask = (1u64 << self.half_bits) - 1;
        let mut left = x >> self.half_bits;
        let mut right = x & mask;
        for key in self.keys {
            let next = left ^ (mix(right ^ key) & mask);
            left = right;
            right = next;
        }
        (left << self.half_bits) | right
    }
}

/// SplitMix64's step: the seed schedule and a source of uniform draws.
pub fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    mix(*state)
}

/// SplitMix64's finaliser: a cheap, well-mixed hash of 64 bits.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visits(n: u64, seed: u64) -> Vec<u64> {
        let shuffle = Shuffle::new(n, seed);
        (0..n).map(|i| shuffle.at(i)).collect()
    }

    #[test]
    fn visits_every_block_once_for_many_sizes() {
        let sizes = (1..=300).chain([511, 512, 513, 1000, 4095, 4097, 65_537, 100_003]);
        for n in sizes {
            for seed in [0, 1, 0xdead_beef] {
                let mut seen = vec![false; n as usize];
                for block in visits(n, seed) {
                    assert!(block < n, "n {n}: {block} is outside");
                    assert!(!seen[block as usize], "n {n}, seed {seed}: {block} twice");
                    seen[block as usize] = true;
                }
            }
        }
    }

    #[test]
    fn the_seed_changes_the_order() {
        for n in [7, 100, 4096, 10_000] {
            assert_ne!(visits(n, 1), visits(n, 2), "n {n}");
            assert_eq!(visits(n, 3), visits(n, 3), "n {n}");
        }
    }

    #[test]
    fn the_order_looks_random() {
        // Not the identity, and not long runs of neighbours.
        let order = visits(10_000, 42);
        let neighbours = order.windows(2).filter(|w| w[1] == w[0] + 1).count();
        assert!(neighbours < 20, "{neighbours} neighbours in a row");
        let first_half_low = order[..5000].iter().filter(|&&b| b < 5000).count();
        assert!((2300..2700).contains(&first_half_low), "{first_half_low}");
    }

    #[test]
    fn a_huge_region_needs_no_map() {
        // 1 TiB of 4 KiB blocks: a few indices, nothing allocated.
        let n = (1u64 << 40) / 4096;
        let shuffle = Shuffle::new(n, 9);
        for i in [0, 1, n / 2, n - 1] {
            assert!(shuffle.at(i) < n);
        }
    }
}
