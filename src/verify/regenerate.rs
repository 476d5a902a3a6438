//! `--verify` and `--verify-only`: read the destination back and compare
//! it with what the same arguments generate. It is the pipeline in
//! reverse: reader threads (`reader.rs`) fill chunks from the file and hand
//! them over bounded channels to this thread, which regenerates the
//! expected bytes from the same [`SourcePlan`] into a chunk of its own and
//! compares (`compare.rs`).
//!
//! The same arguments give the same bytes, whatever the chunk size, so
//! nothing of the write needs keeping but its length.
//!
//! [`run`] goes in steps: open and start reading ([`start_reading`]),
//! compare every chunk ([`Walk::compare_all`]), then judge the lengths
//! ([`Walk::judge_length`]), which is where a file shorter or longer than
//! the data is found.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::{Context, Result};

use super::compare::{Comparison, Side};
use super::decompress::Damaged;
use super::open;
use super::reader::{ReadPlan, Reader};
use crate::chunk::Chunk;
use crate::pipeline::Limits;
use crate::sink::compress::Codec;
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
    /// The S3 object `path` names, read with ranged GETs, `queue_depth`
    /// at once; `None` for a file or device.
    pub object: Option<&'a crate::sink::s3::S3Options>,
    /// The file is a compressed stream, read through its decoder.
    pub compressed: Option<Codec>,
}

/// Reads `check.path` back and compares it with the regenerated data,
/// until the end of both or `stop`. `counters` shows its progress.
pub fn run(check: &Check, stop: &Arc<AtomicBool>, counters: &Counters) -> Result<VerifyStats> {
    let started = Instant::now();
    let check = &Check {
        chunk_bytes: verify_chunk_bytes(check),
        ..*check
    };
    let reading = start_reading(check, stop)?;
    let mut source = source::open(check.source, check.chunk_bytes)?;
    let record_noun = source.record_noun();
    let expected = Expected::new(&mut *source, check);
    let mut walk = Walk {
        path: check.path,
        comparison: Comparison::new(expected.shape),
        expected,
        // A compressed file's data length is known once it is decoded:
        // counted as the windows come.
        file_bytes: match check.compressed {
            Some(_) => 0,
            None => reading.file_bytes,
        },
        compressed: check.compressed.is_some(),
        damaged: None,
        block_device: reading.block_device,
        pos: 0,
        chunks: 0,
        bad_chunks: 0,
    };
    let mut reader = reading.reader;
    let walked = walk.compare_all(&mut reader, stop, counters)?;
    drop(reader);
    let expected_bytes = match walked {
        Walked::Interrupted => None,
        Walked::Longer => Some(walk.pos),
        Walked::ReadAll => Some(walk.judge_length()?),
    };
    let comparison = walk.comparison;
    let (first_bad_offset, first_bad_record) = comparison.first_bad.unzip();
    Ok(VerifyStats {
        verified_bytes: comparison.compared_bytes,
        bad_bytes: comparison.bad_bytes,
        first_bad_offset,
        first_bad_record: first_bad_record.flatten(),
        mismatches: comparison.mismatches,
        read_from: if reading.from_device {
            ReadFrom::Device
        } else {
            ReadFrom::PageCache
        },
        expected_bytes,
        file_bytes: walk.file_bytes,
        verify_chunks: walk.chunks,
        verify_bad_chunks: walk.bad_chunks,
        verify_s: started.elapsed().as_secs_f64(),
        verify_end: if walked == Walked::Interrupted {
            End::Interrupted
        } else {
            End::Complete
        },
        block_device: walk.block_device,
        damaged: walk.damaged,
        record_noun,
    })
}

/// Larger than --chunk only where the hwm has room for four, and a
/// multiple of it, so it stays a multiple of the direct-I/O alignment.
fn verify_chunk_bytes(check: &Check) -> usize {
    let roomy = (check.hwm_bytes / 4).min(MIN_VERIFY_CHUNK as u64) as usize;
    roomy.max(check.chunk_bytes) / check.chunk_bytes * check.chunk_bytes
}

/// The destination opened, and its reader started.
struct Reading {
    reader: Reader,
    file_bytes: u64,
    block_device: bool,
    /// Whether the reads reach the device (not the page cache).
    from_device: bool,
}

fn start_reading(check: &Check, stop: &Arc<AtomicBool>) -> Result<Reading> {
    if let Some(object) = check.object {
        return start_reading_object(check, object, stop);
    }
    let opened = open::open(check.path, check.direct)?;
    // A device is read as far as the data goes, not to its end.
    let limit = check.limits.bytes.filter(|_| opened.is_device);
    let from_device = opened.reads_device(check.direct, limit.unwrap_or(opened.bytes));
    // Through the page cache, readahead keeps the device busy; O_DIRECT
    // needs reads in flight.
    let threads = if check.direct { check.queue_depth } else { 1 };
    let slots = ((check.hwm_bytes / check.chunk_bytes as u64) as usize / threads).max(1);
    let (file_bytes, block_device) = (opened.bytes, opened.is_device);
    let reader = Reader::start(ReadPlan {
        file: Arc::new(opened.file),
        window_bytes: check.chunk_bytes,
        threads,
        slots,
        limit,
        direct: check.direct,
        // A read error ends the check: its bytes cannot be compared.
        salvage_block: None,
        stop: Arc::clone(stop),
        compressed: check.compressed,
    });
    Ok(Reading {
        reader,
        file_bytes,
        block_device,
        from_device,
    })
}

/// An S3 object: as many readers as `--queue-depth`, each a ranged GET
/// of a window at a time, the windows back in order as for O_DIRECT.
fn start_reading_object(
    check: &Check,
    object: &crate::sink::s3::S3Options,
    stop: &Arc<AtomicBool>,
) -> Result<Reading> {
    let opened = crate::sink::s3::read::ObjectReader::open(object, Arc::clone(stop))?;
    let file_bytes = opened.bytes();
    let threads = check.queue_depth.max(1);
    let slots = ((check.hwm_bytes / check.chunk_bytes as u64) as usize / threads).max(1);
    let reader = Reader::start(ReadPlan {
        file: Arc::new(opened),
        window_bytes: check.chunk_bytes,
        threads,
        slots,
        limit: None,
        direct: false,
        salvage_block: None,
        compressed: None,
        stop: Arc::clone(stop),
    });
    Ok(Reading {
        reader,
        file_bytes,
        block_device: false,
        from_device: true,
    })
}

/// How the reading ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Walked {
    /// At the end of the file (or of a device's written part).
    ReadAll,
    /// The data ended inside the file, which goes on.
    Longer,
    Interrupted,
}

/// The comparison under way: where it is in the stream, and what it found.
struct Walk<'s> {
    path: &'s Path,
    expected: Expected<'s>,
    comparison: Comparison,
    file_bytes: u64,
    compressed: bool,
    /// Why a compressed stream could not be decoded to its end.
    damaged: Option<String>,
    block_device: bool,
    /// Bytes read and compared so far.
    pos: u64,
    chunks: u64,
    bad_chunks: u64,
}

impl Walk<'_> {
    /// Compares every chunk the reader hands over with the regenerated
    /// stream, until the file ends, the data ends, or `stop`.
    fn compare_all(
        &mut self,
        reader: &mut Reader,
        stop: &AtomicBool,
        counters: &Counters,
    ) -> Result<Walked> {
        while let Some(read) = reader.next_window() {
            if stop.load(Ordering::Relaxed) {
                return Ok(Walked::Interrupted);
            }
            let path = self.path.display();
            let read = match read {
                Err(err) if err.is::<Damaged>() => {
                    // Not a failure to read: the data is not what was
                    // written. The length check says what is missing.
                    self.damaged = Some(err.to_string());
                    return Ok(Walked::ReadAll);
                }
                read => read.with_context(|| format!("cannot read {path} to verify it"))?,
            }
            .chunk;
            if self.compressed {
                self.file_bytes += read.len() as u64;
            }
            let found = Side {
                bytes: read.as_slice(),
                start: self.pos,
            };
            let data_ended = self.compare_chunk(found)?;
            counters.bytes.store(self.pos, Ordering::Relaxed);
            let records = self.expected.records_before;
            counters.records.store(records, Ordering::Relaxed);
            counters.chunks.store(self.chunks, Ordering::Relaxed);
            if data_ended {
                // A device is simply larger than what was written; a file
                // goes on past the data.
                if self.block_device {
                    return Ok(Walked::ReadAll);
                }
                let extra = self.file_bytes - self.pos;
                let records = records + self.expected.records;
                self.comparison
                    .length_differs(self.pos, extra, None, Some(found), records);
                return Ok(Walked::Longer);
            }
            reader.give_back(read);
        }
        Ok(Walked::ReadAll)
    }

    /// Compares one chunk read from the file, in stretches that both it
    /// and the regenerated chunk hold; true if the data ended inside it.
    fn compare_chunk(&mut self, found: Side) -> Result<bool> {
        self.chunks += 1;
        let end = found.start + found.bytes.len() as u64;
        let mut differs = false;
        while self.pos < end {
            let expected = &mut self.expected;
            if self.pos == expected.end() && !expected.fill(&mut self.comparison)? {
                break;
            }
            let len = (end.min(expected.end()) - self.pos) as usize;
            let records = expected.records_before;
            differs |= self
                .comparison
                .compare(expected.side(), found, self.pos, len, records);
            self.pos += len as u64;
        }
        self.bad_chunks += u64::from(differs);
        Ok(self.pos < end)
    }

    /// After the whole file was read: a file that ends where the data goes
    /// on, or that grew while it was read. Returns the data's length.
    fn judge_length(&mut self) -> Result<u64> {
        let expected = &mut self.expected;
        let more = self.pos < expected.end() || expected.fill(&mut self.comparison)?;
        if more {
            // The file ends where the data goes on: list the place, then
            // generate the rest to learn how much is missing.
            let records = expected.records_before;
            self.comparison
                .length_differs(self.pos, 0, Some(expected.side()), None, records);
            expected.run_out(&mut self.comparison)?;
            self.comparison.bad_bytes += expected.end() - self.pos;
            self.bad_chunks += 1;
        } else if !self.block_device && self.file_bytes > self.pos {
            let records = expected.records_before + expected.records;
            let grown = self.file_bytes - self.pos;
            self.comparison
                .length_differs(self.pos, grown, None, None, records);
        }
        Ok(self.expected.end())
    }
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
