//! `--verify` and `--verify-only`: read the destination back and compare
//! it with what the same arguments generate. It is the pipeline in reverse: reader threads (`reader.rs`) fill
//! chunks from the file and hand them over bounded channels to this
//! thread, which regenerates the expected bytes from the same
//! [`SourcePlan`] into a chunk of its own and compares (`compare.rs`).
//!
//! The same arguments give the same bytes, whatever the chunk size, so
//! nothing of the write needs keeping but its length.

use std::fs::OpenOptions;
use std::io::{Seek, SeekFrom};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::{Context, Result};

use super::compare::{Comparison, Side};
use super::reader::{self, ReadPlan, Reader};
use crate::chunk::Chunk;
use crate::pipeline::Limits;
use crate::sink::Target;
use crate::source::{self, RecordShape, Source, SourcePlan};
use crate::stats::verify::ReadFrom;
pub use crate::stats::verify::{MAX_LISTED, Mismatch, VerifyStats};
use crate::stats::{Counters, End};

/// The least a verify reads and regenerates at a time: the same bytes come
/// whatever the chunk, and at the write's 64 KiB default the system calls
/// and hand-overs held reading random bytes from the page cache to 1.8
/// GB/s, where 256 KiB made 2.3 (2 GiB in /dev/shm, two runs each).
const MIN_VERIFY_CHUNK: usize = 256 << 10;

/// When a verify runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// After the write (and its sync), over what it wrote (`--verify`).
    AfterWrite,
    /// Instead of a write, over an existing file (`--verify-only`).
    Only,
}

/// What to check, and how to read it.
#[derive(Clone, Copy)]
pub struct Check<'a> {
    pub path: &'a Path,
    pub source: &'a SourcePlan,
    /// The amount the file should hold: what the write wrote, or for
    /// `--verify-only` what its arguments would write.
    pub limits: Limits,
    pub chunk_bytes: usize,
    pub hwm_bytes: u64,
    pub direct: bool,
    pub queue_depth: usize,
}

/// Reads `check.path` back and compares it with the regenerated data,
/// until the end of both or `stop`. `counters` shows its progress.
pub fn run(check: &Check, stop: &Arc<AtomicBool>, counters: &Counters) -> Result<VerifyStats> {
    let shown = check.path.display();
    let started = Instant::now();
    let block_device = Target::of(check.path)? == Target::BlockDevice;
    let mut open = OpenOptions::new();
    open.read(true);
    if check.direct {
        open.custom_flags(libc::O_DIRECT);
    }
    let mut file = open
        .open(check.path)
        .with_context(|| format!("cannot open {shown} to verify it"))?;
    let file_bytes = file
        .seek(SeekFrom::End(0))
        .with_context(|| format!("cannot learn the size of {shown}"))?;
    let from_device = match check.direct {
        true => !reader::in_memory(&file),
        false => reader::drop_cached(&file, file_bytes),
    };
    // Larger than --chunk only where the hwm has room for four, and a
    // multiple of it, so it stays a multiple of the direct-I/O alignment.
    let roomy = (check.hwm_bytes / 4).min(MIN_VERIFY_CHUNK as u64) as usize;
    let chunk_bytes = roomy.max(check.chunk_bytes) / check.chunk_bytes * check.chunk_bytes;
    let check = &Check {
        chunk_bytes,
        ..*check
    };
    let threads = if check.direct { check.queue_depth } else { 1 };
    let slots = ((check.hwm_bytes / check.chunk_bytes as u64) as usize / threads).max(1);
    let mut source = source::open(check.source, check.chunk_bytes)?;
    let mut reader = Reader::start(ReadPlan {
        file: Arc::new(file),
        chunk_bytes: check.chunk_bytes,
        threads,
        slots,
        // A device is read as far as the data goes, not to its end.
        limit: check.limits.bytes.filter(|_| block_device),
        direct: check.direct,
        stop: Arc::clone(stop),
    });
    let record_noun = source.record_noun();
    let mut expected = Expected::new(&mut *source, check);
    let mut comparison = Comparison::new(expected.shape);
    let (mut chunks, mut bad_chunks) = (0, 0);
    let mut pos = 0u64;
    let mut interrupted = false;
    let mut longer = false;
    while let Some(read) = reader.next_chunk() {
        if stop.load(Ordering::Relaxed) {
            interrupted = true;
            break;
        }
        let read = read.with_context(|| format!("cannot read {shown} to verify it"))?;
        chunks += 1;
        let found = Side {
            bytes: read.as_slice(),
            start: pos,
        };
        let end = pos + read.len() as u64;
        let mut differs = false;
        while pos < end {
            if pos == expected.end() && !expected.fill(&mut comparison)? {
                break;
            }
            let len = (end.min(expected.end()) - pos) as usize;
            differs |=
                comparison.compare(expected.side(), found, pos, len, expected.records_before);
            pos += len as u64;
        }
        bad_chunks += u64::from(differs);
        counters.bytes.store(pos, Ordering::Relaxed);
        counters
            .records
            .store(expected.records_before, Ordering::Relaxed);
        counters.chunks.store(chunks, Ordering::Relaxed);
        if pos < end {
            // The data ended inside this chunk: a file goes on past it; a
            // device is simply larger than what was written.
            longer = !block_device;
            if longer {
                comparison.length_differs(
                    pos,
                    file_bytes - pos,
                    None,
                    Some(found),
                    expected.records_before + expected.records,
                );
            }
            break;
        }
        reader.give_back(read);
    }
    drop(reader);
    let mut expected_bytes = None;
    if longer {
        expected_bytes = Some(pos);
    } else if !interrupted {
        let more = pos < expected.end() || expected.fill(&mut comparison)?;
        if more {
            // The file ends where the data goes on: list the place, then
            // generate the rest to learn how much is missing.
            let records = expected.records_before;
            comparison.length_differs(pos, 0, Some(expected.side()), None, records);
            expected.run_out(&mut comparison)?;
            comparison.bad_bytes += expected.end() - pos;
            bad_chunks += 1;
        } else if !block_device && file_bytes > pos {
            // The file grew while it was read.
            let records = expected.records_before + expected.records;
            comparison.length_differs(pos, file_bytes - pos, None, None, records);
        }
        expected_bytes = Some(expected.end());
    }
    let (first_bad_offset, first_bad_record) = comparison.first_bad.unzip();
    Ok(VerifyStats {
        verified_bytes: comparison.compared_bytes,
        bad_bytes: comparison.bad_bytes,
        first_bad_offset,
        first_bad_record: first_bad_record.flatten(),
        mismatches: comparison.mismatches,
        read_from: if from_device {
            ReadFrom::Device
        } else {
            ReadFrom::PageCache
        },
        expected_bytes,
        file_bytes,
        verify_chunks: chunks,
        verify_bad_chunks: bad_chunks,
        verify_s: started.elapsed().as_secs_f64(),
        verify_end: if interrupted {
            End::Interrupted
        } else {
            End::Complete
        },
        block_device,
        record_noun,
    })
}

/// The regenerated stream, one chunk at a time, cut to the check's limits
/// as the generator cuts the write.
struct Expected<'s> {
    source: &'s mut dyn Source,
    shape: RecordShape,
    chunk: Chunk,
    chunk_bytes: usize,
    /// Where the chunk starts in the stream.
    start: u64,
    /// Records before the chunk, and in it (a header row counts as one).
    records_before: u64,
    records: u64,
    bytes_left: u64,
    records_left: u64,
    first: bool,
}

impl<'s> Expected<'s> {
    fn new(source: &'s mut dyn Source, check: &Check) -> Expected<'s> {
        Expected {
            shape: source.record_shape(),
            source,
            chunk: Chunk::new(check.chunk_bytes),
            chunk_bytes: check.chunk_bytes,
            start: 0,
            records_before: 0,
            records: 0,
            bytes_left: check.limits.bytes.unwrap_or(u64::MAX),
            records_left: check.limits.records.unwrap_or(u64::MAX),
            first: true,
        }
    }

    fn end(&self) -> u64 {
        self.start + self.chunk.len() as u64
    }

    fn side(&self) -> Side<'_> {
        Side {
            bytes: self.chunk.as_slice(),
            start: self.start,
        }
    }

    /// Replaces the chunk with the next one; false at the end of the data.
    fn fill(&mut self, comparison: &mut Comparison) -> Result<bool> {
        self.start += self.chunk.len() as u64;
        self.records_before += self.records;
        self.chunk.set_filled(0, 0);
        self.records = 0;
        if self.bytes_left == 0 || self.records_left == 0 {
            return Ok(false);
        }
        let room = (self.chunk_bytes as u64).min(self.bytes_left) as usize;
        let filled = self
            .source
            .fill(&mut self.chunk.space()[..room], self.records_left);
        if filled.bytes == 0 {
            return match self.source.take_error() {
                Some(err) => Err(err),
                None => Ok(false),
            };
        }
        self.chunk.set_filled(filled.bytes, filled.records);
        self.records = filled.records;
        if self.first {
            // A header row is a line the source does not count as a record.
            let header = self
                .shape
                .whole_records(self.chunk.as_slice())
                .saturating_sub(filled.records);
            comparison.header_records = header;
            self.records += header;
            self.first = false;
        }
        self.bytes_left -= filled.bytes as u64;
        self.records_left = self.records_left.saturating_sub(filled.records);
        Ok(true)
    }

    /// Generates the rest, to learn where the data ends.
    fn run_out(&mut self, comparison: &mut Comparison) -> Result<()> {
        while self.fill(comparison)? {}
        Ok(())
    }
}
