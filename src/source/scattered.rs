//! A seekable source made one I/O at a time, in a region's order: each
//! fill is the next write of the plan (`region/`), made for its
//! own offset by seeking the source there first.
//!
//! This is the half of `--pattern random` that keeps the bytes at an
//! offset independent of when they are written: random fill and stamped
//! blocks are a function of (seed, offset), so a chunk made here for
//! offset X holds what the sequential run puts at X. The disk sink walks
//! the same plan with a cursor of its own and writes each chunk there.

use super::{Filled, Source};
use crate::region::{Cursor, Io, Region};

pub struct Scattered {
    inner: Box<dyn Source>,
    cursor: Cursor,
    region: Region,
    /// An I/O that did not fit the last fill (the run's last bytes), kept
    /// so the plan does not move on without it.
    pending: Option<Io>,
}

impl Scattered {
    /// `inner` must be seekable by byte offset (`gush bytes`).
    pub fn new(inner: Box<dyn Source>, region: &Region) -> Scattered {
        Scattered {
            inner,
            cursor: region.cursor(),
            region: region.clone(),
            pending: None,
        }
    }
}

impl Source for Scattered {
    fn fill(&mut self, out: &mut [u8], max_records: u64) -> Filled {
        let io = self.pending.take().unwrap_or_else(|| self.cursor.next_io());
        let Some(out) = out.get_mut(..io.len as usize) else {
            self.pending = Some(io);
            return Filled::default();
        };
        self.inner.seek(io.offset);
        self.inner.seek_generation(io.generation, &self.region);
        self.inner.fill(out, max_records)
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
