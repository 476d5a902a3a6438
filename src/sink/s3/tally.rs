//! What the uploads of a destination did, for the report: the objects
//! the store has whole (in series order, though a series' objects may
//! complete out of it, see `closing.rs`), the parts sent, whether an
//! upload was aborted, and the part latencies not yet handed to the
//! writer. One object's upload has a tally of its own; the objects of a
//! `{k}` series share one.

use std::sync::{Mutex, MutexGuard, PoisonError};

use super::Store;
use crate::sink::SinkReport;
use crate::stats::S3Stats;

/// What the uploads of a run did: one object's, or those of every object
/// of a `{k}` series (one upload each, sharing this), for the report.
#[derive(Debug, Default)]
pub struct Tally {
    /// Uploads begun: the next one's place in the series.
    begun: u64,
    /// The objects the store has whole, each with its place in the
    /// series: in order, though a series' objects may complete out of it
    /// (`closing.rs`).
    completed: Vec<(u64, String)>,
    /// Parts sent in multipart uploads.
    pub parts: u64,
    /// A multipart upload was aborted.
    pub aborted: bool,
    /// How long each part (or single PUT) of an object written through
    /// [`Sink::write`] took, in nanoseconds, until `copied.rs` hands them
    /// to the writer: what a queue's `Done` carries for one object.
    pub part_ns: Vec<u64>,
}

impl Tally {
    /// The next upload's place in the series.
    pub(super) fn begin(&mut self) -> u64 {
        self.begun += 1;
        self.begun
    }

    /// The object at `place` is whole in the store.
    pub(super) fn completed(&mut self, place: u64, url: String) {
        let at = self.completed.partition_point(|(p, _)| *p < place);
        self.completed.insert(at, (place, url));
    }

    /// `s3://` URLs of the objects the store has whole, in series order.
    pub fn objects(&self) -> Vec<String> {
        self.completed.iter().map(|(_, url)| url.clone()).collect()
    }

    /// Whether the store has `url` whole.
    pub fn has(&self, url: &str) -> bool {
        self.completed.iter().any(|(_, done)| done == url)
    }
}

/// The tally, even if a thread that held it panicked: it is counters.
pub fn tally(shared: &Mutex<Tally>) -> MutexGuard<'_, Tally> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What one upload, or a series of them sharing a tally, reports.
pub fn report(
    store: &Store,
    shared: &Mutex<Tally>,
    part_size: u64,
    hwm_raised_from: Option<u64>,
) -> SinkReport {
    let tally = tally(shared);
    SinkReport::S3(S3Stats {
        http: store.counters.snapshot(),
        objects: tally.objects(),
        parts: tally.parts,
        part_size,
        aborted: tally.aborted,
        hwm_raised_from,
    })
}
