//! The disk sink over a region (`--pattern`, `--bs`, `--distribution`,
//! `--loops`, `--offset`): each chunk is one I/O, written at the offset the
//! region's [`Cursor`] names next, and the passes and coverage of what
//! completed are counted for the summary.
//!
//! Kept apart from the queue (`queue.rs`) because it only decides where:
//! the source made each chunk's bytes for that same offset with a cursor
//! of its own (`source/scattered.rs`), so the bytes at an offset do not
//! depend on when they were written, and one full random pass leaves the
//! file byte-identical to the sequential run with the same seed.

use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use humansize::{BINARY, format_size};

use super::acks::AckLog;
use super::{DiskOptions, DiskSink};
use crate::chunk::Chunk;
use crate::region::{Cursor, Region};
use crate::sink::{Done, Existing, Queue, Sink};
use crate::stats::SinkReport;

/// The most blocks a skewed run keeps a written-or-not bit for: 4 MiB of
/// bitmap (128 GiB of 4 KiB blocks), inside gush's hwm + 8 MiB promise.
/// A uniform or sequential region needs none: each pass writes every
/// block once, so its coverage is exact from the bytes written.
const MAX_COVERAGE_BLOCKS: u64 = 1 << 25;

pub struct RegionSink {
    disk: DiskSink,
    region: Region,
    cursor: Cursor,
    /// Bytes whose writes completed.
    written: u64,
    /// One bit per grain-sized block, for a skewed run.
    bitmap: Option<Vec<u64>>,
    blocks_written: u64,
    /// `--ack-log`: each completion and sync, journalled (`acks.rs`).
    acks: Option<AckLog>,
}

impl RegionSink {
    /// Opens the journal, then the target: a journal that cannot be
    /// written (a catcher not there) fails the run before the target is
    /// created or touched.
    pub fn open(
        path: &Path,
        existing: Existing,
        options: &DiskOptions,
        region: Region,
        stop: Arc<AtomicBool>,
    ) -> anyhow::Result<RegionSink> {
        let acks = match &options.ack_log {
            Some(journal) => Some(AckLog::open(journal, options.dsync, stop)?),
            None => None,
        };
        let disk = DiskSink::open(path, existing, options)?;
        let blocks = region.size / region.grain();
        let bitmap = (!region.covers_each_pass() && blocks <= MAX_COVERAGE_BLOCKS)
            .then(|| vec![0u64; blocks.div_ceil(64) as usize]);
        Ok(RegionSink {
            disk,
            cursor: region.cursor(),
            region,
            written: 0,
            bitmap,
            blocks_written: 0,
            acks,
        })
    }

    /// Counts what the queue has handed back since the last call, and
    /// journals it (with the sync that followed, if one did).
    fn account(&mut self, done: &Done, counted: usize, synced: bool) -> io::Result<()> {
        self.written += done.chunks[counted..]
            .iter()
            .map(|&(_, bytes)| bytes as u64)
            .sum::<u64>();
        let completed = self.disk.take_completed();
        if let Some(acks) = &mut self.acks {
            for (&start, &end) in &completed {
                acks.completed(start, end)?;
            }
            if synced {
                acks.synced()?;
            }
        }
        let Some(bitmap) = &mut self.bitmap else {
            return Ok(());
        };
        let grain = self.region.grain();
        for (start, end) in completed {
            let first = (start - self.region.start) / grain;
            let last = (end - self.region.start).div_ceil(grain);
            for block in first..last {
                let (word, bit) = ((block / 64) as usize, block % 64);
                if bitmap[word] & (1 << bit) == 0 {
                    bitmap[word] |= 1 << bit;
                    self.blocks_written += 1;
                }
            }
        }
        Ok(())
    }

    /// The share of the region's blocks written at least once, in percent.
    fn coverage(&self) -> Option<f64> {
        let size = self.region.size as f64;
        match &self.bitmap {
            _ if self.region.covers_each_pass() => {
                Some(100.0 * (self.written as f64).min(size) / size)
            }
            Some(_) => {
                Some(100.0 * self.blocks_written as f64 / (size / self.region.grain() as f64))
            }
            None => None,
        }
    }

    fn with<T>(
        &mut self,
        done: &mut Done,
        step: impl FnOnce(&mut DiskSink, &mut Done) -> io::Result<T>,
    ) -> io::Result<T> {
        let counted = done.chunks.len();
        let syncs = done.sync_ns.len();
        let result = step(&mut self.disk, done);
        // A sync waits for every write in flight, and ends the step it is
        // in: it covers every completion accounted so far.
        let synced = done.sync_ns.len() > syncs;
        let journalled = self.account(done, counted, synced);
        let value = result?;
        journalled?;
        Ok(value)
    }
}

impl Queue for RegionSink {
    fn submit(&mut self, chunk: Chunk, done: &mut Done) -> io::Result<()> {
        let io = self.cursor.next_io();
        if chunk.len() as u64 != io.len {
            // The source's cursor and this one walk the same plan; a chunk
            // of another size means they parted, and writing on would put
            // bytes where they do not belong.
            return Err(io::Error::other(format!(
                "a chunk of {} bytes for a write of {} at offset {}: the plan and the data parted",
                chunk.len(),
                io.len,
                io.offset
            )));
        }
        if let Some(acks) = &mut self.acks {
            acks.submitted(io.offset, io.generation);
        }
        self.with(done, |disk, done| disk.submit_at(chunk, io.offset, done))
    }

    fn drain(&mut self, done: &mut Done) -> io::Result<()> {
        self.with(done, |disk, done| disk.drain(done))?;
        match &mut self.acks {
            Some(acks) => acks.finish(),
            None => Ok(()),
        }
    }

    fn busy(&self) -> bool {
        self.disk.busy()
    }

    fn wait(&mut self, done: &mut Done) -> io::Result<()> {
        self.with(done, |disk, done| disk.wait(done))
    }
}

impl Sink for RegionSink {
    fn name(&self) -> &str {
        self.disk.name()
    }

    fn write(&mut self, _buf: &[u8]) -> io::Result<usize> {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a region is written chunk by chunk, each at its own offset (Queue::submit)",
        ))
    }

    fn queue(&mut self) -> Option<&mut dyn Queue> {
        Some(self)
    }

    fn report(&self) -> SinkReport {
        let mut report = self.disk.report();
        let SinkReport::Disk(stats) = &mut report else {
            return report;
        };
        let sizes: Vec<String> = self
            .region
            .sizes
            .iter()
            .map(|&(size, pct)| match self.region.sizes.len() {
                1 => format_size(size, BINARY),
                _ => format!("{}/{pct}", format_size(size, BINARY)),
            })
            .collect();
        stats.region = Some(format!(
            "{}, bs {}, {} from offset {}",
            self.region,
            sizes.join(":"),
            format_size(self.region.size, BINARY),
            self.region.start
        ));
        stats.passes = Some(self.written as f64 / self.region.size as f64);
        stats.coverage_pct = self.coverage();
        stats.ack_log = self.acks.as_ref().map(AckLog::stats);
        report
    }
}
