//! Sources: what gets written. A source fills a buffer with whole records
//! and knows nothing of threads, water marks or destinations.
//!
//! The pipeline hands a source the free part of a chunk, already cut to the
//! bytes still allowed by `--size`, and the number of records still allowed
//! by `--count`; the source writes as many whole records as fit. This is
//! why no output ever ends mid-record: a record that does not fit is simply
//! not written.

pub mod bytes;
pub mod clock;
pub mod counter;
pub mod escape;
pub mod fields;
pub mod framing;
pub mod lines;
pub mod out;
pub mod presets;
pub mod record;
pub mod replay;
pub mod seeded;
pub mod sequence;
pub mod template;
pub mod words;

/// How records sit in a source's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordShape {
    /// Not made of countable records (raw bytes).
    Unknown,
    /// Each record ends at its `per_record`-th newline: 1 for plain lines,
    /// more for a template with newlines in its text.
    Lines { per_record: u64 },
    /// Octet-counted frames, `LEN SP MSG` (RFC 6587 §3.4.1).
    OctetFrames,
}

impl RecordShape {
    /// The whole records at the start of `written`.
    pub fn whole_records(self, written: &[u8]) -> u64 {
        match self {
            RecordShape::Unknown => 0,
            RecordShape::Lines { per_record } => {
                memchr::memchr_iter(b'\n', written).count() as u64 / per_record.max(1)
            }
            RecordShape::OctetFrames => framing::whole_frames(written),
        }
    }
}

/// What one call to [`Source::fill`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filled {
    pub bytes: usize,
    pub records: u64,
}

/// Something that produces records (or plain bytes) into buffers.
///
/// Implement this to bring your own data to a [`Pipeline`](crate::pipeline::Pipeline).
pub trait Source: Send {
    /// Writes whole records at the start of `out`: as many as fit, and no
    /// more than `max_records`. Zero bytes written means the next record
    /// does not fit in `out` at all.
    fn fill(&mut self, out: &mut [u8], max_records: u64) -> Filled;

    /// How records sit in the bytes, so that a write that stopped halfway
    /// through a chunk can count the whole records that made it out.
    fn record_shape(&self) -> RecordShape {
        RecordShape::Unknown
    }

    /// What one record is called in the human summary.
    fn record_noun(&self) -> &'static str {
        "records"
    }

    /// Why a fill that wrote nothing had nothing to give, if it was a
    /// failure (a source that reads a file) rather than the end.
    fn take_error(&mut self) -> Option<anyhow::Error> {
        None
    }

    /// Whether the source makes records without end (a generator, not a
    /// reader), so that a fill writing nothing into a whole chunk means the
    /// record is larger than a chunk, not that the source ran dry.
    fn never_runs_dry(&self) -> bool {
        false
    }
}
