//! A seekable source made one I/O at a time, in a region's order: each
//! fill is the next write of the plan (`region/`), made for its
//! own offset by seeking the source there first.
//!
//! This is the half of `--pattern random` that keeps the bytes at an
//! offset independent of when they are written: random fill and stamped
//! blocks are a function of (seed, offset), so a chunk made here for
//! offset X holds what the sequential run puts at X. The disk sink walks
//! the same plan with a cursor of its own and writes each chunk there.
//!
//! Eight writes can be made at once (`fill_eight`): where each is one
//! whole seeded block, the eight blocks are made in step, as a sequential
//! run makes its chunks (`language/seeded.rs`).

use std::collections::VecDeque;

use super::{Filled, Source};
use crate::language::seeded::{BLOCK, LANES};
use crate::region::{Cursor, Io, Region};

pub struct Scattered {
    inner: Box<dyn Source>,
    cursor: Cursor,
    region: Region,
    /// I/Os taken from the plan but not made yet: one that did not fit the
    /// last fill (the run's last bytes), or eight `fill_eight` could not
    /// make together, kept so the plan does not move on without them.
    pending: VecDeque<Io>,
    /// Whether to try `fill_eight`: cleared once it could not, since the
    /// sizes and the source that decide it stay the same all run.
    batches: bool,
}

impl Scattered {
    /// `inner` must be seekable by byte offset (`gush bytes`).
    pub fn new(inner: Box<dyn Source>, region: &Region) -> Scattered {
        Scattered {
            inner,
            cursor: region.cursor(),
            region: region.clone(),
            pending: VecDeque::new(),
            batches: true,
        }
    }

    fn next_io(&mut self) -> Io {
        self.pending
            .pop_front()
            .unwrap_or_else(|| self.cursor.next_io())
    }
}

impl Source for Scattered {
    fn fill(&mut self, out: &mut [u8], max_records: u64) -> Filled {
        let io = self.next_io();
        let Some(out) = out.get_mut(..io.len as usize) else {
            self.pending.push_front(io);
            return Filled::default();
        };
        self.inner.seek(io.offset);
        self.inner.seek_generation(io.generation, &self.region);
        self.inner.fill(out, max_records)
    }

    fn fill_eight(&mut self, outs: [&mut [u8]; LANES]) -> bool {
        if !self.batches {
            return false;
        }
        let ios: [Io; LANES] = std::array::from_fn(|_| self.next_io());
        let whole_block =
            |io: &Io| io.len == BLOCK as u64 && io.offset.is_multiple_of(BLOCK as u64);
        let blocks = outs.map(|out| <&mut [u8; BLOCK]>::try_from(&mut out[..]).ok());
        let made = ios.iter().all(whole_block)
            && blocks.iter().all(Option::is_some)
            && self.inner.fill_blocks_at(
                ios.map(|io| io.offset / BLOCK as u64),
                blocks.map(|block| block.expect("checked above")),
            );
        if !made {
            self.batches = false;
            for io in ios.into_iter().rev() {
                self.pending.push_front(io);
            }
        }
        made
    }

    fn record_noun(&self) -> &'static str {
        self.inner.record_noun()
    }

    fn take_error(&mut self) -> Option<anyhow::Error> {
        self.inner.take_error()
    }

    fn never_runs_dry(&self) -> bool {
        self.inner.never_runs_dry()
    }
    // No `position`: the team of generator threads cuts one stream into
    // consecutive parts, and a region's stream is its plan, walked here.
}
