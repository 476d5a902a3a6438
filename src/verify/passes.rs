//! Which generation each block should hold, learnt from the headers alone
//! (issue 18, item 4): a clean sequential or uniform-random run writes
//! every block once a pass, so after it every block holds the last pass's
//! generation G, or G − 1 where a stopped run's last pass had not reached
//! it yet. A block further behind, or a pass behind where the last pass
//! had already been, is `stale`: a write the disk dropped, or a block put
//! back from an older copy.
//!
//! Where the last pass stopped is read from the blocks that hold G: a
//! sequential pass stopped after the highest of them; a random pass after
//! the latest of them in that pass's order, which the seed fixes (the
//! plan's shuffle, `region/`, redrawn here from the unit the
//! header names). A pass whose walk the header cannot describe
//! (`Walk::Covering`) is judged only by the two-passes-behind rule, and a
//! skewed run (generation 0) not at all. The last write before the stop
//! cannot be told from one the disk lost: only a journal can.
//!
//! The blocks are seen once, in file order, and G is known only at the
//! end, so two bits per block are kept (holds the highest generation seen
//! so far; holds the one before): 64 MiB per TiB of 4 KiB blocks, and
//! nothing for a file without generations (version 1, or a skewed run).

use crate::language::stamp::{Layout, Pass, Walk};
use crate::region::offsets::Shuffle;
use crate::region::pass_seed;

/// Past this many blocks (256 MiB of bits) the check by passes is skipped.
const MAX_TRACKED: u64 = 1 << 30;

/// Blocks found a pass or more behind: the block's index and the
/// generation it holds.
pub type Behind<'a> = &'a mut dyn FnMut(u64, u64);

pub struct Passes {
    blocks: u64,
    seed: u64,
    /// The highest generation seen so far.
    max: u64,
    /// The walk a block holding `max` told.
    walk: Walk,
    at_max: Bits,
    one_behind: Bits,
}

impl Passes {
    pub fn new(layout: &Layout) -> Passes {
        Passes {
            blocks: layout.total / u64::from(layout.block),
            seed: layout.seed,
            max: 0,
            walk: Walk::Unsaid,
            at_max: Bits::default(),
            one_behind: Bits::default(),
        }
    }

    /// The run's last generation, once every block is seen.
    pub fn last_generation(&self) -> u64 {
        self.max
    }

    /// An intact block of the run, block `index`, holds `pass`; blocks
    /// found behind by what it tells go to `behind`.
    pub fn note(&mut self, index: u64, pass: Pass, behind: Behind) {
        let generation = pass.generation;
        if generation == 0 || self.blocks > MAX_TRACKED || index >= self.blocks {
            return;
        }
        if self.max == 0 {
            self.at_max.grow(self.blocks);
            self.one_behind.grow(self.blocks);
        }
        if generation > self.max {
            self.rise(generation, pass.walk, behind);
        }
        if generation == self.max {
            self.at_max.set(index);
        } else if generation + 1 == self.max {
            self.one_behind.set(index);
        } else {
            behind(index, generation);
        }
    }

    /// A new highest generation: the blocks kept so far fall one or more
    /// passes behind it.
    fn rise(&mut self, generation: u64, walk: Walk, behind: Behind) {
        for index in self.one_behind.drain() {
            behind(index, self.max.saturating_sub(1));
        }
        if generation == self.max + 1 {
            std::mem::swap(&mut self.at_max, &mut self.one_behind);
        } else {
            for index in self.at_max.drain() {
                behind(index, self.max);
            }
        }
        self.max = generation;
        self.walk = walk;
    }

    /// After every block: the blocks a pass behind where the last pass
    /// had already written go to `behind`.
    pub fn finish(&mut self, behind: Behind) {
        if self.max < 2 {
            return;
        }
        let before = self.max - 1;
        match self.walk {
            Walk::Seq => {
                let Some(last) = self.at_max.last() else {
                    return;
                };
                for index in self.one_behind.drain().filter(|&i| i < last) {
                    behind(index, before);
                }
            }
            Walk::Random { unit_shift } => {
                let per_unit = 1u64 << unit_shift;
                let units = self.blocks / per_unit;
                if units == 0 {
                    return;
                }
                // The last pass is shuffle number max - 1 (from 0).
                let order = Shuffle::new(units, pass_seed(self.seed, self.max - 1));
                let written = |unit: u64| unit * per_unit..(unit + 1) * per_unit;
                let reached = (0..units)
                    .rev()
                    .find(|&i| written(order.at(i)).any(|b| self.at_max.get(b)));
                let Some(reached) = reached else {
                    return;
                };
                for i in 0..reached {
                    for index in written(order.at(i)).filter(|&b| self.one_behind.get(b)) {
                        behind(index, before);
                    }
                }
            }
            Walk::Covering | Walk::Unsaid => {}
        }
    }
}

/// A bitmap, empty until it is grown.
#[derive(Default)]
struct Bits(Vec<u64>);

impl Bits {
    fn grow(&mut self, bits: u64) {
        self.0.resize(bits.div_ceil(64) as usize, 0);
    }

    fn set(&mut self, at: u64) {
        if let Some(word) = self.0.get_mut((at / 64) as usize) {
            *word |= 1 << (at % 64);
        }
    }

    fn get(&self, at: u64) -> bool {
        self.0
            .get((at / 64) as usize)
            .is_some_and(|word| word & (1 << (at % 64)) != 0)
    }

    fn last(&self) -> Option<u64> {
        let (i, word) = self.0.iter().enumerate().rev().find(|(_, w)| **w != 0)?;
        Some(i as u64 * 64 + 63 - u64::from(word.leading_zeros()))
    }

    /// Every set bit, in order, clearing them.
    fn drain(&mut self) -> impl Iterator<Item = u64> + '_ {
        self.0.iter_mut().enumerate().flat_map(|(i, word)| {
            let bits = std::mem::take(word);
            (0..64)
                .filter(move |b| bits & (1 << b) != 0)
                .map(move |b| i as u64 * 64 + b)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(blocks: u64) -> Layout {
        Layout {
            version: crate::language::stamp::VERSION,
            seed: 3,
            run_id: 0,
            block: 4096,
            total: blocks * 4096,
            compress_milli: 1000,
        }
    }

    fn pass(generation: u64, walk: Walk) -> Pass {
        Pass { generation, walk }
    }

    /// The blocks judged behind, for generations given in file order.
    fn behind(walk: Walk, generations: &[u64]) -> Vec<(u64, u64)> {
        let mut passes = Passes::new(&layout(generations.len() as u64));
        let mut found = Vec::new();
        let mut note = |i, g| found.push((i, g));
        for (i, &g) in generations.iter().enumerate() {
            let walk = if g > 1 { walk } else { Walk::Unsaid };
            passes.note(i as u64, pass(g, walk), &mut note);
        }
        passes.finish(&mut note);
        found.sort_unstable();
        found
    }

    #[test]
    fn a_stopped_sequential_pass_is_clean_and_a_hole_before_it_is_stale() {
        assert!(behind(Walk::Seq, &[3, 3, 3, 2, 2]).is_empty());
        assert!(behind(Walk::Seq, &[3, 3, 3, 3, 3]).is_empty());
        assert_eq!(behind(Walk::Seq, &[2, 3, 3, 2, 2]), [(0, 2)]);
        assert_eq!(behind(Walk::Seq, &[3, 1, 3, 2, 2]), [(1, 1)]);
        assert_eq!(behind(Walk::Seq, &[1, 1, 3, 3]), [(0, 1), (1, 1)]);
    }

    #[test]
    fn a_random_pass_is_judged_in_its_own_order() {
        let blocks = 64;
        let order = Shuffle::new(blocks, pass_seed(3, 1));
        // The second pass reached half the blocks, in its order.
        let mut generations = vec![1; blocks as usize];
        for i in 0..blocks / 2 {
            generations[order.at(i) as usize] = 2;
        }
        let walk = Walk::Random { unit_shift: 0 };
        assert!(behind(walk, &generations).is_empty());
        let lost = order.at(5);
        generations[lost as usize] = 1;
        assert_eq!(behind(walk, &generations), [(lost, 1)]);
        // The same file read as covering only knows two passes behind.
        assert!(behind(Walk::Covering, &generations).is_empty());
    }
}
