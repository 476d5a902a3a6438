//! `gush verify FILE`: reads a file or block device written with `gush
//! bytes --fill stamped` and classifies every block (see `classify.rs`),
//! with no arguments but the file: the first intact block tells the seed,
//! run id, block size and total size, and everything else follows.
//!
//! Blocks past the end of the file up to the stamped total are `missing`
//! (fake capacity, lost tail writes); bytes of a regular file past the
//! total are `extra`. A block device is read only up to the total, since
//! a run rarely fills a whole device.
//!
//! The check goes in steps ([`check`]): find the layout, read and classify
//! every block (`reader.rs`, shared with `--verify`), settle the tail, and
//! report (`verdict.rs`), in the run's shape (`run.rs`).

use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::{Context, Result};

use super::acks::Acks;
use super::classify::{Class, Judge};
use super::open::{self, Opened};
use super::passes::Passes;
use super::progress::{Live, Ticker};
use super::reader::{self, ReadAt, ReadPlan, Reader};
use super::verdict::{AckCounts, Verdict, human};
use crate::chunk::Chunk;
use crate::language::stamp::{Header, Layout, MIN_BLOCK, header, intact};
use crate::report::{self, StatsFormat, size};
use crate::run::{self, Ending, Run};
use crate::sink::s3::read::ObjectReader;

/// Bytes per read: large enough for disk speed, small enough that a few in
/// flight cost little.
const WINDOW: usize = 1 << 20;
/// Reader threads: reads in flight. Measured on this VM's virtio disk with
/// --direct on a 2 GiB file (GB/s, two rounds): 2 x 4 MiB 1.11/1.23,
/// 4 x 1 MiB 1.44/1.35, 8 x 256 KiB 1.45/1.43; fio --bs=64k --iodepth=16
/// 1.60/1.47.
const READERS: usize = 4;

/// `gush verify FILE`, checked.
#[derive(Debug)]
pub struct VerifyConfig {
    pub file: PathBuf,
    pub direct: bool,
    /// `--acks LOG`: the journal of what the device acknowledged.
    pub acks: Option<PathBuf>,
    /// The report on stderr; `None` with `-q`.
    pub stats: Option<StatsFormat>,
    pub stats_file: Option<PathBuf>,
    /// One progress line per interval on stderr; `None` with `-q`.
    pub interval: Option<std::time::Duration>,
    /// The S3 object `file` names (`s3://BUCKET/KEY`), read with ranged
    /// GETs; `None` for a file or device.
    pub object: Option<crate::sink::s3::S3Options>,
}

/// `gush verify FILE`, run in the shape of [`run::drive`].
pub fn run(config: VerifyConfig) -> Result<ExitCode> {
    refuse_stream(&config.file)?;
    run::drive(config.stats_file.as_deref(), |run| check(&config, run))
}

/// A FIFO (or socket, or character device) is refused before it is
/// opened: opening a FIFO blocks until a writer comes, where no signal
/// ends the wait, and a stream has no stamped total to check up to. Exit
/// 2, as `--verify-only` refuses one.
fn refuse_stream(path: &Path) -> Result<()> {
    // Not found, or not allowed: opening it says so, with the advice.
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(());
    };
    let kind = meta.file_type();
    let what = if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() {
        "a character device"
    } else {
        return Ok(());
    };
    Err(clap::Error::raw(
        clap::error::ErrorKind::InvalidValue,
        format!(
            "gush verify reads back a regular file or block device, and {} is {what}\n",
            path.display()
        ),
    )
    .into())
}

/// The check: learn the layout from the first intact block, classify
/// every block up to the stamped total, settle what lies past the file's
/// end, report.
fn check(config: &VerifyConfig, run: &Run) -> Result<Ending> {
    // What is read: an object's ranged GETs, or the file (a second handle
    // on it for the readers, the first kept to ask where reads come from).
    let (file, bytes, is_device, opened): (Arc<dyn ReadAt>, u64, bool, Option<Opened>) =
        match &config.object {
            Some(object) => {
                let object = ObjectReader::open(object, run.stop_flag())?;
                let bytes = object.bytes();
                (Arc::new(object), bytes, false, None)
            }
            None => {
                let opened = open::open(&config.file, config.direct)?;
                let file = opened.file.try_clone().with_context(|| {
                    format!("cannot open {} again to read it", config.file.display())
                })?;
                (Arc::new(file), opened.bytes, opened.is_device, Some(opened))
            }
        };
    let name = config.file.display().to_string();
    let layout = match find_layout(&*file, bytes, &name, config.direct, run)? {
        Ok(layout) => layout,
        Err(ending) => return Ok(ending),
    };
    let started = Instant::now();
    let block = u64::from(layout.block);
    let end = bytes.min(layout.total);
    // An object is read from the store, never from a cache of ours.
    let from_device = opened
        .as_ref()
        .is_none_or(|opened| opened.reads_device(config.direct, end));
    let mut verdict = Verdict {
        file: name,
        file_bytes: bytes,
        direct: config.direct,
        read_from: if from_device { "device" } else { "page cache" },
        seed: layout.seed,
        run_id: layout.run_id,
        block_bytes: block,
        total_bytes: layout.total,
        compress_ratio: f64::from(layout.compress_milli) / 1000.0,
        blocks: layout.total / block,
        ..Verdict::default()
    };
    let acks = match &config.acks {
        Some(path) => {
            let acks = Acks::load(path, block, layout.total / block)?;
            verdict.acks = Some(AckCounts {
                journal: path.display().to_string(),
                writes: acks.writes,
                syncs: acks.syncs,
                ..AckCounts::default()
            });
            Some(acks)
        }
        None => None,
    };
    drop(opened);
    let mut reader = Reader::start(ReadPlan {
        file,
        window_bytes: WINDOW.max(block as usize),
        threads: READERS,
        slots: 1,
        limit: Some(end),
        direct: config.direct,
        salvage_block: Some(block as usize),
        stop: run.stop_flag(),
        compressed: None,
    });
    let live = Arc::new(Live::default());
    let ticker = config
        .interval
        .map(|every| Ticker::start(Arc::clone(&live), end, every, config.stats))
        .transpose()?;
    let classified = classify_all(&mut reader, layout, acks.as_ref(), &mut verdict, &live);
    drop(reader);
    if let Some(ticker) = ticker {
        ticker.finish();
    }
    classified.with_context(|| format!("verify {}", verdict.file))?;
    verdict.interrupted = run.stopped();
    if !verdict.interrupted {
        verdict.settle_the_tail(is_device);
    }
    verdict.elapsed_s = started.elapsed().as_secs_f64();
    verdict.bytes_per_s = verdict.checked_bytes as f64 / verdict.elapsed_s.max(1e-9);
    run.report(&verdict, config.stats, || human(&verdict), false)?;
    Ok(verdict.ending())
}

/// The layout the first intact block tells, or how the check ends
/// without one (its line printed).
fn find_layout(
    file: &dyn ReadAt,
    bytes: u64,
    name: &str,
    direct: bool,
    run: &Run,
) -> Result<Result<Layout, Ending>> {
    let first = first_intact(file, bytes, direct, &run.stop_flag())
        .with_context(|| format!("verify {name}: look for its first stamped block"))?;
    if run.stopped() {
        report::stderr_line(&format!(
            "gush verify: {name}: interrupted while looking for the first intact block"
        ));
        return Ok(Err(Ending::Interrupted));
    }
    let Some(first) = first else {
        report::stderr_line(&format!(
            "gush verify: {name}: no intact stamped block in {} ({} bytes): not written by `gush bytes --fill stamped`, or every block is damaged",
            size(bytes as f64),
            bytes
        ));
        return Ok(Err(Ending::Differs));
    };
    Ok(Ok(first.layout))
}

/// Classifies every whole block of every window, in file order, until the
/// end or a stop; `live` shows how far it is.
fn classify_all(
    reader: &mut Reader,
    layout: Layout,
    acks: Option<&Acks>,
    verdict: &mut Verdict,
    live: &Live,
) -> Result<()> {
    let block = layout.block as usize;
    let mut judge = Judge::new(layout);
    let mut passes = Passes::new(&layout);
    let mut behind = Vec::new();
    // The newest generation held, where the journal judges.
    let mut newest = 0;
    while let Some(window) = reader.next_window() {
        let window = window?;
        for (i, bytes) in window.chunk.as_slice().chunks(block).enumerate() {
            // A block cut short by the end of the file counts as missing.
            if bytes.len() < block {
                break;
            }
            let offset = window.offset + (i * block) as u64;
            let class = match window.unreadable.contains(&offset) {
                true => Class::Unreadable,
                false => judge.classify(bytes, offset),
            };
            let index = offset / block as u64;
            if let Some(acks) = acks {
                // The journal is the authority; passes would blame holes
                // that writes in flight at the crash left.
                let held = judge.last_pass.generation;
                if class == Class::Ok {
                    newest = newest.max(held);
                }
                verdict.record(acks.judge(index, class, held), offset);
                verdict.checked_bytes += block as u64;
                continue;
            }
            verdict.record(class, offset);
            if class == Class::Ok {
                let mut note = |index: u64, generation| behind.push((index, generation));
                passes.note(index, judge.last_pass, &mut note);
                verdict.restale(&mut behind, passes.last_generation());
            }
            verdict.checked_bytes += block as u64;
        }
        reader.give_back(window.chunk);
        live.checked_bytes
            .store(verdict.checked_bytes, Ordering::Relaxed);
        live.ok.store(verdict.ok, Ordering::Relaxed);
        live.bad.store(verdict.bad(), Ordering::Relaxed);
    }
    // A block a pass behind is told only once the last pass's reach is
    // known (after a stop, as far as it was read).
    passes.finish(&mut |index, generation| behind.push((index, generation)));
    verdict.restale(&mut behind, passes.last_generation());
    // Blocks found a pass behind were listed late: back to file order.
    verdict.bad_blocks.sort_by_key(|bad| bad.offset);
    verdict.last_generation = passes.last_generation().max(newest);
    Ok(())
}

/// The first intact stamped block, looked for at every 512-byte step from
/// the start: a damaged first block must not hide a good file.
fn first_intact(
    file: &dyn ReadAt,
    bytes: u64,
    direct: bool,
    stop: &AtomicBool,
) -> Result<Option<Header>> {
    let mut chunk = Chunk::new(WINDOW);
    let mut pos = 0u64;
    while pos < bytes && !stop.load(Ordering::Relaxed) {
        let buf = chunk.space();
        let read = match reader::read_full(file, buf, pos, direct) {
            Ok(read) => read,
            // An unreadable stretch cannot hold the first intact block.
            Err(err) if err.raw_os_error() == Some(libc::EIO) => {
                pos += WINDOW as u64;
                continue;
            }
            Err(err) => {
                return Err(err).with_context(|| format!("cannot read at byte {pos}"));
            }
        };
        let mut step = 0;
        while step < read {
            if let Some(found) = header(&buf[step..read]) {
                if step + found.layout.block as usize > read && step > 0 && read == WINDOW {
                    // The block runs past this window: read again from it.
                    break;
                }
                if let Some(found) = intact(&buf[step..read]) {
                    return Ok(Some(found));
                }
            }
            step += MIN_BLOCK as usize;
        }
        if read < WINDOW {
            return Ok(None);
        }
        pos += step.max(MIN_BLOCK as usize) as u64;
    }
    Ok(None)
}
