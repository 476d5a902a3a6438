//! What a record is written with: its counter, its randomness and its
//! timestamp, all functions of (seed, record index).
//!
//! This is what makes record `i` the same bytes whatever chunking,
//! destination or shard produced it: nothing carries over from the record
//! before.

use super::clock::{Civil, TimeSource};
use super::seeded::mix;
use super::words;

/// SplitMix64 (Steele, Lea & Flood 2014), keyed per record: the state
/// starts from a mix of the seed and the record index, and each draw steps
/// it by the golden gamma. Fast, counter-based, and independent of what
/// came before, which sharding needs.
#[derive(Debug, Clone)]
pub struct RecordRng(u64);

const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

impl RecordRng {
    pub fn for_record(seed: u64, index: u64) -> RecordRng {
        // A different offset from the byte stream's block keys, so records
        // and `gush bytes` with one seed do not share randomness.
        RecordRng(mix(seed ^ mix(index ^ 0x5851_f42d_4c95_7f2d)))
    }

    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GAMMA);
        mix(self.0)
    }

    /// A float in (0, 1]: 53 random bits, never 0, so its logarithm is
    /// finite.
    #[inline]
    pub fn open_unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A number in `0..n` by Lemire's multiply-shift; its bias (under
    /// n/2^64) is far below anything test data could show.
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    #[inline]
    pub fn pick<'w>(&mut self, list: &[&'w str]) -> &'w [u8] {
        list[self.below(list.len() as u64) as usize].as_bytes()
    }
}

/// The one person a record is about, so `{first}`, `{last}`, `{name}`,
/// `{email}` and `{username}` in one record agree with each other.
#[derive(Debug, Clone, Copy)]
pub struct Person {
    pub first: &'static [u8],
    pub last: &'static [u8],
}

impl Person {
    /// The person of a record no field asks about.
    pub const NOBODY: Person = Person {
        first: b"",
        last: b"",
    };

    pub fn from_key(key: u64) -> Person {
        let bits = mix(key ^ 0x2545_f491_4f6c_dd1d);
        let first = words::FIRST[((bits & 0xffff_ffff) % words::FIRST.len() as u64) as usize];
        let last = words::LAST[((bits >> 32) % words::LAST.len() as u64) as usize];
        Person {
            first: first.as_bytes(),
            last: last.as_bytes(),
        }
    }
}

/// How many columns of a schema later columns may refer to (`@name`).
pub const SLOTS: usize = 16;

/// The values of the columns later columns of the same record refer to
/// (`{date:@shipdate+1..30}`), kept as numbers in each column's unit so a
/// derived field adds to them instead of reparsing text. Held by the
/// [`Sequence`] and reused for every record: a column always writes its
/// slot (or marks it null) before any later column reads it, so nothing
/// of one record is seen by the next.
#[derive(Debug, Clone, Default)]
pub struct Slots {
    pub values: [i64; SLOTS],
    /// Bit `i` set: slot `i` is null in this record, and so is every
    /// column derived from it. Cleared per record.
    pub nulls: u16,
}

/// What one record is being written with.
pub struct Ctx<'a> {
    /// The value of `{n}`.
    pub n: u64,
    pub person: Person,
    pub rng: RecordRng,
    /// A pure function of (seed, record index), drawn from by nothing:
    /// per-column decisions (a null) hash it with the column, so they do
    /// not shift the draws of the fields.
    pub key: u64,
    /// The number the last numeric, date or time field wrote, in its unit
    /// (see `fields::Unit`), for a column's slot.
    pub value: i64,
    pub slots: &'a mut Slots,
    /// This record's timestamp, nanoseconds since the epoch.
    pub ts_ns: i64,
    /// The calendar cache, kept across records.
    pub civil: &'a mut Civil,
}

/// The run of records a source writes: which index comes next, and what
/// each record's counter, randomness and timestamp are.
#[derive(Debug, Clone)]
pub struct Sequence {
    seed: u64,
    /// `{n}` of record index 0 (`--start`).
    start: u64,
    /// Index of the next record; a shard starts past zero.
    pub index: u64,
    time: TimeSource,
    live_ns: i64,
    civil: Civil,
    slots: Slots,
}

impl Sequence {
    pub fn new(seed: u64, start: u64, first_index: u64, time: TimeSource) -> Sequence {
        Sequence {
            seed,
            start,
            index: first_index,
            time,
            live_ns: 0,
            civil: Civil::default(),
            slots: Slots::default(),
        }
    }

    /// Call once per chunk: a live clock is read here, not per record.
    pub fn begin_chunk(&mut self) {
        if self.time == TimeSource::Live {
            self.live_ns = TimeSource::live_now();
        }
    }

    /// The value of `{n}` for the record at `index`.
    pub fn n(&self) -> u64 {
        self.start.wrapping_add(self.index)
    }

    /// The context for the record at `index`.
    #[inline]
    pub fn ctx(&mut self) -> Ctx<'_> {
        self.ctx_with(true)
    }

    /// [`Sequence::ctx`], with the record's person looked up only if
    /// `person` (a hash and two table picks a record, wasted on a schema
    /// with no `{first}`, `{name}`, `{email}`…): without, it is empty.
    #[inline]
    pub fn ctx_with(&mut self, person: bool) -> Ctx<'_> {
        let ts_ns = match self.time {
            TimeSource::Simulated { start_ns, step_ns } => {
                start_ns.wrapping_add((self.index as i64).wrapping_mul(step_ns))
            }
            TimeSource::Live => self.live_ns,
        };
        let rng = RecordRng::for_record(self.seed, self.index);
        self.slots.nulls = 0;
        Ctx {
            n: self.n(),
            person: if person {
                Person::from_key(rng.0)
            } else {
                Person::NOBODY
            },
            key: rng.0,
            value: 0,
            slots: &mut self.slots,
            rng,
            ts_ns,
            civil: &mut self.civil,
        }
    }
}
