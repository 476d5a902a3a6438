//! Where each write of a region goes (`--pattern`, `--distribution`,
//! `--bs`/`--bssplit`, `--offset`, `--loops`): a [`Region`] as the
//! configuration checked it, and the [`Cursor`] that walks it, one I/O at a
//! time, pass after pass.
//!
//! Two cursors made from the same region give the same I/Os in the same
//! order, and nothing else is shared: the source makes each I/O's bytes for
//! its offset (`source/scattered.rs`) and the disk sink writes the chunk it
//! gets at the offset its own cursor names (`sink/disk/region.rs`). A cursor holds a
//! few numbers whatever the region's size: a uniform pass is the
//! [`Shuffle`] of its units, a skewed one draws each I/O from a counter-
//! based generator, so the plan is O(1) in memory.
//!
//! The region is cut into units of the largest I/O size. A uniform or
//! sequential pass visits every unit once and writes it whole, in I/Os of
//! one size chosen for that unit; with `--bssplit` the choice is weighted
//! by percent × size, so that the I/Os (not the bytes) come out in fio's
//! proportions. Skewed distributions draw the unit as fio does (zipf and
//! pareto by its formulas in lib/zipf.c, with the hot ranks scattered over
//! the region by a [`Shuffle`] rather than a hash, so no two ranks share a
//! unit), then one aligned I/O inside it.
//!
//! A leaf, as `chunk.rs` is: the source, the disk sink, the configuration
//! and `gush verify`'s check by passes all walk the same plan, and it knows
//! none of them.

use std::fmt;

pub mod offsets;

use offsets::{Shuffle, mix};

/// The order of a region's writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    Seq,
    Random,
}

/// How random offsets are drawn, with fio's `random_distribution` meanings.
#[derive(Debug, Clone, PartialEq)]
pub enum Distribution {
    /// Every unit once per pass.
    Uniform,
    /// `zipf:THETA`.
    Zipf(f64),
    /// `pareto:H`, 0 < H < 1.
    Pareto(f64),
    /// `zoned:PCT/PCT:...`: (percent of I/Os, percent of the region), in
    /// region order from its start.
    Zoned(Vec<(f64, f64)>),
}

/// The region and how it is walked; checked by `config/disk.rs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// `--offset`: where the region starts.
    pub start: u64,
    /// `--size`: its length, a multiple of the largest I/O size.
    pub size: u64,
    pub pattern: Pattern,
    pub distribution: Distribution,
    /// I/O sizes and their percent of I/Os (`--bs` is one at 100).
    pub sizes: Vec<(u64, f64)>,
    pub seed: u64,
}

/// One write: `len` bytes at `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Io {
    pub offset: u64,
    pub len: u64,
    /// How many times the run has now written these bytes: the pass, from
    /// 1, where a pass covers each block once; 0 for a skewed run, which
    /// would need a count per block (`language/stamp.rs`).
    pub generation: u64,
}

impl Region {
    /// The largest I/O size: the unit a pass visits.
    pub fn unit(&self) -> u64 {
        self.sizes.iter().map(|&(s, _)| s).max().unwrap_or(1)
    }

    /// The smallest I/O size: the grain of coverage.
    pub fn grain(&self) -> u64 {
        self.sizes.iter().map(|&(s, _)| s).min().unwrap_or(1)
    }

    /// Whether a pass writes every block exactly once.
    pub fn covers_each_pass(&self) -> bool {
        self.pattern == Pattern::Seq || self.distribution == Distribution::Uniform
    }

    pub fn cursor(&self) -> Cursor {
        Cursor::new(self.clone())
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.pattern, &self.distribution) {
            (Pattern::Seq, _) => write!(f, "seq"),
            (Pattern::Random, Distribution::Uniform) => write!(f, "random"),
            (Pattern::Random, Distribution::Zipf(t)) => write!(f, "random zipf:{t}"),
            (Pattern::Random, Distribution::Pareto(h)) => write!(f, "random pareto:{h}"),
            (Pattern::Random, Distribution::Zoned(zones)) => {
                let zones: Vec<String> = zones.iter().map(|(a, r)| format!("{a}/{r}")).collect();
                write!(f, "random zoned:{}", zones.join(":"))
            }
        }
    }
}

/// Walks a region one I/O at a time.
#[derive(Debug, Clone)]
pub struct Cursor {
    region: Region,
    unit: u64,
    units: u64,
    pass: u64,
    /// Units visited so far in this pass (uniform and sequential).
    visited: u64,
    shuffle: Shuffle,
    /// The unit being written, its I/O size and the next I/O in it.
    current: Option<(u64, u64, u64)>,
    /// I/Os drawn so far (skewed), the counter of their generator.
    drawn: u64,
    /// The hot ranks' places (zipf, pareto).
    scatter: Shuffle,
    /// Zipf's normalising sums, computed once.
    zeta: (f64, f64),
}

/// fio caps the zipf sum at this many terms (lib/zipf.c, ZIPF_MAX_GEN):
/// the tail past it changes the sum by little and costs seconds.
const ZIPF_MAX_TERMS: u64 = 10_000_000;

impl Cursor {
    fn new(region: Region) -> Cursor {
        let unit = region.unit();
        let units = (region.size / unit).max(1);
        let zeta = match region.distribution {
            Distribution::Zipf(theta) => {
                let zetan = (1..=units.min(ZIPF_MAX_TERMS))
                    .map(|i| (i as f64).powf(-theta))
                    .sum();
                (1.0 + 0.5f64.powf(theta), zetan)
            }
            _ => (0.0, 0.0),
        };
        Cursor {
            shuffle: Shuffle::new(units, pass_seed(region.seed, 0)),
            scatter: Shuffle::new(units, mix(region.seed ^ 0x5ca7_7e25)),
            region,
            unit,
            units,
            pass: 0,
            visited: 0,
            current: None,
            drawn: 0,
            zeta,
        }
    }

    /// The next write.
    pub fn next_io(&mut self) -> Io {
        if self.region.covers_each_pass() {
            self.next_covering()
        } else {
            self.next_drawn()
        }
    }

    fn next_covering(&mut self) -> Io {
        let (unit, size, index) = match self.current {
            Some(current) => current,
            None => {
                if self.visited == self.units {
                    self.pass += 1;
                    self.visited = 0;
                    self.shuffle = Shuffle::new(self.units, pass_seed(self.region.seed, self.pass));
                }
                let unit = match self.region.pattern {
                    Pattern::Seq => self.visited,
                    Pattern::Random => self.shuffle.at(self.visited),
                };
                self.visited += 1;
                let draw = uniform(mix(self.region.seed ^ mix(self.pass ^ mix(unit))));
                (unit, self.unit_size(draw), 0)
            }
        };
        let next = index + 1;
        self.current = (next * size < self.unit).then_some((unit, size, next));
        Io {
            offset: self.region.start + unit * self.unit + index * size,
            len: size,
            generation: self.pass + 1,
        }
    }

    /// A unit's I/O size: weighted by percent × size, so that I/Os (each
    /// unit makes unit/size of them) come in the asked proportions.
    fn unit_size(&self, draw: f64) -> u64 {
        let weights = self.region.sizes.iter().map(|&(s, p)| p * s as f64);
        pick(&self.region.sizes, weights, draw)
    }

    fn next_drawn(&mut self) -> Io {
        let mut state = mix(self.region.seed ^ mix(self.drawn ^ 0xd1ce));
        self.drawn += 1;
        let mut draw = || {
            state = mix(state.wrapping_add(0x9e37_79b9_7f4a_7c15));
            uniform(state)
        };
        let size = pick(
            &self.region.sizes,
            self.region.sizes.iter().map(|&(_, p)| p),
            draw(),
        );
        let n = self.units;
        let unit = match &self.region.distribution {
            Distribution::Uniform => ((draw() * n as f64) as u64).min(n - 1),
            Distribution::Zipf(theta) => self.scatter.at(zipf_rank(*theta, n, self.zeta, draw())),
            Distribution::Pareto(h) => {
                let power = h.ln() / (1.0 - h).ln();
                let rank = ((n - 1) as f64 * draw().powf(power)) as u64;
                self.scatter.at(rank.min(n - 1))
            }
            Distribution::Zoned(zones) => zoned_unit(zones, n, draw(), draw()),
        };
        let within = ((draw() * (self.unit / size) as f64) as u64).min(self.unit / size - 1);
        Io {
            offset: self.region.start + unit * self.unit + within * size,
            len: size,
            generation: 0,
        }
    }
}

/// The seed of pass `pass`'s shuffle (from 0); `gush verify` redraws it
/// to find where a stopped pass ended.
pub fn pass_seed(seed: u64, pass: u64) -> u64 {
    mix(seed ^ mix(pass.wrapping_add(0x9a55)))
}

/// A float in [0, 1) from 53 bits of `bits`.
fn uniform(bits: u64) -> f64 {
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// The size whose cumulative weight first passes `draw` × the total.
fn pick(sizes: &[(u64, f64)], weights: impl Iterator<Item = f64> + Clone, draw: f64) -> u64 {
    let total: f64 = weights.clone().sum();
    let mut goal = draw * total;
    for (&(size, _), weight) in sizes.iter().zip(weights) {
        if goal < weight {
            return size;
        }
        goal -= weight;
    }
    sizes.last().map_or(1, |&(s, _)| s)
}

/// Zipf's rank (0 is the hottest) by the method fio uses (lib/zipf.c,
/// after Gray et al., "Quickly generating billion-record synthetic
/// databases", SIGMOD 1994).
fn zipf_rank(theta: f64, n: u64, (zeta2, zetan): (f64, f64), draw: f64) -> u64 {
    let alpha = 1.0 / (1.0 - theta);
    let eta = (1.0 - (2.0 / n as f64).powf(1.0 - theta)) / (1.0 - zeta2 / zetan);
    let z = draw * zetan;
    let value = if z < 1.0 {
        1
    } else if z < 1.0 + 0.5f64.powf(theta) {
        2
    } else {
        1 + (n as f64 * (eta * draw - eta + 1.0).powf(alpha)) as u64
    };
    (value - 1).min(n - 1)
}

/// A unit in the zone the first draw falls in by its share of I/Os.
fn zoned_unit(zones: &[(f64, f64)], n: u64, zone_draw: f64, place: f64) -> u64 {
    let mut goal = zone_draw * 100.0;
    let mut range_before = 0.0;
    let mut chosen = zones.len() - 1;
    for (index, &(access, _)) in zones.iter().enumerate() {
        if goal < access {
            chosen = index;
            break;
        }
        goal -= access;
    }
    for &(_, range) in &zones[..chosen] {
        range_before += range;
    }
    let range = zones[chosen].1;
    let first = ((range_before / 100.0) * n as f64) as u64;
    let end = (((range_before + range) / 100.0) * n as f64) as u64;
    let span = end.saturating_sub(first).max(1);
    (first + ((place * span as f64) as u64).min(span - 1)).min(n - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(size: u64, pattern: Pattern, distribution: Distribution) -> Region {
        Region {
            start: 8192,
            size,
            pattern,
            distribution,
            sizes: vec![(4096, 100.0)],
            seed: 7,
        }
    }

    #[test]
    fn a_uniform_pass_writes_each_block_once() {
        for blocks in [1, 3, 37, 64, 1000] {
            let region = region(blocks * 4096, Pattern::Random, Distribution::Uniform);
            let mut cursor = region.cursor();
            let mut offsets: Vec<u64> = (0..blocks).map(|_| cursor.next_io().offset).collect();
            offsets.sort_unstable();
            let expected: Vec<u64> = (0..blocks).map(|b| 8192 + b * 4096).collect();
            assert_eq!(offsets, expected, "{blocks} blocks");
        }
    }

    #[test]
    fn bssplit_covers_each_block_once_in_fios_proportions() {
        let mut region = region(64 << 20, Pattern::Random, Distribution::Uniform);
        region.sizes = vec![(4096, 60.0), (65536, 40.0)];
        let mut cursor = region.cursor();
        let mut written = 0;
        let mut small = 0u64;
        let mut count = 0u64;
        let mut seen = vec![false; (64 << 20) / 4096];
        while written < region.size {
            let io = cursor.next_io();
            assert_eq!((io.offset - 8192) % io.len, 0, "aligned to its size");
            for block in (io.offset - 8192) / 4096..(io.offset - 8192 + io.len) / 4096 {
                assert!(!seen[block as usize], "block {block} twice");
                seen[block as usize] = true;
            }
            written += io.len;
            count += 1;
            small += u64::from(io.len == 4096);
        }
        let share = small as f64 / count as f64;
        assert!((0.55..0.65).contains(&share), "{share}");
    }

    #[test]
    fn the_zoned_split_holds() {
        let zones = vec![(60.0, 10.0), (30.0, 20.0), (10.0, 70.0)];
        let mut cursor =
            region(10_000 * 4096, Pattern::Random, Distribution::Zoned(zones)).cursor();
        let mut first_zone = 0;
        for _ in 0..100_000 {
            let block = (cursor.next_io().offset - 8192) / 4096;
            first_zone += u32::from(block < 1000);
        }
        let share = f64::from(first_zone) / 100_000.0;
        assert!((0.58..0.62).contains(&share), "{share}");
    }

    #[test]
    fn zipf_is_hot_and_passes_are_repeatable() {
        let region = region(100_000 * 4096, Pattern::Random, Distribution::Zipf(1.2));
        let (mut a, mut b) = (region.cursor(), region.cursor());
        let mut hits = std::collections::HashMap::new();
        for _ in 0..100_000 {
            let io = a.next_io();
            assert_eq!(io, b.next_io());
            *hits.entry(io.offset).or_insert(0u32) += 1;
        }
        let mut counts: Vec<u32> = hits.into_values().collect();
        counts.sort_unstable_by(|x, y| y.cmp(x));
        let hottest: u32 = counts.iter().take(10_000).sum();
        assert!(hottest > 80_000, "the hottest 10 % took {hottest}");
    }
}
