//! Sources: what gets written. A source fills a buffer with whole records
//! and knows nothing of threads, water marks or destinations.
//!
//! The pipeline hands a source the free part of a chunk, already cut to the
//! bytes still allowed by `--size`, and the number of records still allowed
//! by `--count`; the source writes as many whole records as fit. This is
//! why no output ever ends mid-record: a record that does not fit is simply
//! not written.

pub mod bytes;

pub mod counter;
pub mod framing;
pub mod lines;
pub mod presets;
pub mod record;
pub mod replay;
pub mod scattered;
pub mod stamped;

use std::path::PathBuf;

use anyhow::Result;

use crate::language::clock::TimeSource;
use crate::language::escape::Format;
use crate::language::schema::Schema;
use crate::language::sequence::Sequence;
use crate::language::template::Template;
use bytes::{Bytes, Fill};
use framing::{Framing, OctetCounted};
use lines::Lines;
use record::Records;
use replay::Replay;

/// Something that produces records (or plain bytes) into buffers.
///
/// Implement this to bring your own data to a [`Pipeline`](crate::Pipeline).
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

    /// Where the next fill starts, for a source that can start anywhere:
    /// what lets several generator threads make disjoint parts of one
    /// stream. `None` for a source that reads (it can only go on).
    fn position(&self) -> Option<Position> {
        None
    }

    /// Moves to `at`, a record index (or a byte offset: see
    /// [`Position::unit`]) of the whole stream, so that the next fill
    /// makes what a run through every earlier record would. Only called on
    /// a source whose [`Source::position`] is `Some`.
    fn seek(&mut self, _at: u64) {}

    /// The next fill is the `generation`-th write of its bytes in a walk
    /// of `region` (`scattered.rs`); only stamped blocks record it.
    fn seek_generation(&mut self, _generation: u64, _region: &crate::region::Region) {}
}

/// Where a seekable source stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// The index of the next record, or for raw bytes the next offset.
    pub at: u64,
    /// What `at` counts.
    pub unit: Unit,
}

/// What a position in a stream counts: records, or for raw bytes
/// (`gush bytes`, which has no records) bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Unit {
    #[default]
    Records,
    Bytes,
}

impl Position {
    /// At record `index`.
    pub fn record(index: u64) -> Position {
        Position {
            at: index,
            unit: Unit::Records,
        }
    }

    /// At byte `offset` of raw bytes.
    pub fn byte(offset: u64) -> Position {
        Position {
            at: offset,
            unit: Unit::Bytes,
        }
    }
}

/// What one call to [`Source::fill`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filled {
    pub bytes: usize,
    pub records: u64,
}

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

/// What to generate, as the configuration checked it.
#[derive(Debug)]
pub enum SourceSpec {
    Lines {
        template: Template,
    },
    Records {
        schema: Schema,
        format: Format,
        /// A header row is wanted (no `--no-header`); whether one is
        /// written is [`header_row`]'s to say.
        header: bool,
    },
    Bytes {
        fill: Fill,
        /// How random bytes look to a compressor or a dedupe store.
        content: crate::language::content::Content,
        /// The block layout, for `--fill stamped` (and only then).
        stamp: Option<crate::language::stamp::Layout>,
    },
    Replay {
        file: PathBuf,
        looping: bool,
    },
}

/// A source and where its run starts: everything [`open`] needs to make
/// the same bytes again (for a shard, a rerun, or a check of what was
/// written).
#[derive(Debug)]
pub struct SourcePlan {
    pub spec: SourceSpec,
    pub seed: u64,
    /// `{n}` of the first record (`--start`).
    pub start: u64,
    /// The first record index (or byte offset, for bytes) this run writes:
    /// past zero for a shard.
    pub first: u64,
    pub time: TimeSource,
    pub framing: Framing,
}

/// Whether a run of `spec` starting at `first` (a record index) begins
/// with a header row: CSV and TSV records that want one, and only the run
/// that holds record 0, so the shards of a run concatenate to the whole
/// with one header (earlier shards, if any, are empty); framed records go
/// without one, which would otherwise ride inside the first frame. The
/// one rule: the source follows it, and the configuration asks it whether
/// `--header-each` has a row to repeat.
pub fn header_row(spec: &SourceSpec, first: u64, framing: Framing) -> bool {
    matches!(
        spec,
        SourceSpec::Records {
            format: Format::Csv | Format::Tsv,
            header: true,
            ..
        }
    ) && first == 0
        && framing == Framing::None
}

/// The source a plan describes, ready to run with chunks of `chunk_bytes`;
/// it fails only for an input that cannot be opened (`gush replay`).
pub fn open(plan: &SourcePlan, chunk_bytes: usize) -> Result<Box<dyn Source>> {
    let sequence = || Sequence::new(plan.seed, plan.start, plan.first, plan.time);
    let source: Box<dyn Source> = match &plan.spec {
        SourceSpec::Lines { template } => Box::new(Lines::new(template.clone(), sequence())),
        SourceSpec::Records { schema, format, .. } => {
            let header = header_row(&plan.spec, plan.first, plan.framing);
            Box::new(Records::new(schema.clone(), *format, header, sequence()))
        }
        SourceSpec::Bytes {
            stamp: Some(layout),
            ..
        } => Box::new(stamped::Stamped::new(*layout, plan.first)),
        SourceSpec::Bytes { fill, content, .. } => {
            Box::new(Bytes::shaped(fill, *content, plan.seed, plan.first))
        }
        SourceSpec::Replay { file, looping } => {
            Box::new(Replay::open(file, *looping, chunk_bytes, plan.first)?)
        }
    };
    Ok(match plan.framing {
        Framing::None => source,
        Framing::OctetCounted => Box::new(OctetCounted::new(source)),
    })
}
