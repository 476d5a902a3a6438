//! `gush verify FILE`: reads a file or block device written with `gush
//! bytes --fill stamped` and classifies every block (see `classify.rs`),
//! with no arguments but the file: the first intact block tells the seed,
//! run id, block size and total size, and everything else follows.
//!
//! Blocks past the end of the file up to the stamped total are `missing`
//! (fake capacity, lost tail writes); bytes of a regular file past the
//! total are `extra`. A block device is read only up to the total, since
//! a run rarely fills a whole device.

use std::fmt::Write as _;
use std::fs::File;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::{Context, Result};
use serde::Serialize;

use super::classify::{BadBlock, Class, Judge};
use super::stamped_read::{self as read, WINDOW};
use crate::chunk::Chunk;
use crate::language::stamp::{Header, MIN_BLOCK, header, intact};
use crate::report::{self, StatsFile, StatsFormat, size};
use crate::signals::Signals;

/// Bad blocks listed in the JSON report; the human one shows fewer.
const LISTED: usize = 100;
const LISTED_HUMAN: usize = 10;

/// `gush verify FILE`, checked.
#[derive(Debug)]
pub struct VerifyConfig {
    pub file: PathBuf,
    pub direct: bool,
    /// The report on stderr; `None` with `-q`.
    pub stats: Option<StatsFormat>,
    pub stats_file: Option<PathBuf>,
    /// One progress line per interval on stderr; `None` with `-q`.
    pub interval: Option<std::time::Duration>,
}

/// What `gush verify` found: the JSON report, and the source of the human
/// one.
#[derive(Debug, Default, Serialize)]
pub struct Verdict {
    pub file: String,
    /// The file's size, or the device's capacity.
    pub file_bytes: u64,
    pub direct: bool,
    pub seed: u64,
    pub run_id: u64,
    pub block_bytes: u64,
    pub total_bytes: u64,
    pub compress_ratio: f64,
    /// Blocks the stamped total makes.
    pub blocks: u64,
    pub checked_bytes: u64,
    pub ok: u64,
    pub corrupted: u64,
    pub flipped_bits: u64,
    pub misplaced: u64,
    pub stale: u64,
    pub zeroed: u64,
    pub unreadable: u64,
    pub missing: u64,
    /// Bytes of a regular file past the stamped total.
    pub extra_bytes: u64,
    pub elapsed_s: f64,
    pub bytes_per_s: f64,
    pub interrupted: bool,
    /// The first [`LISTED`] bad blocks, in file order.
    pub bad_blocks: Vec<BadBlock>,
}

impl Verdict {
    fn bad(&self) -> u64 {
        self.corrupted + self.misplaced + self.stale + self.zeroed + self.unreadable + self.missing
    }

    fn record(&mut self, class: Class, offset: u64) {
        match class {
            Class::Ok => {
                self.ok += 1;
                return;
            }
            Class::Corrupted { flipped_bits } => {
                self.corrupted += 1;
                self.flipped_bits += flipped_bits;
            }
            Class::Misplaced { .. } => self.misplaced += 1,
            Class::Stale { .. } => self.stale += 1,
            Class::Zeroed => self.zeroed += 1,
            Class::Unreadable => self.unreadable += 1,
        }
        if self.bad_blocks.len() < LISTED {
            self.bad_blocks.push(class.at(offset));
        }
    }
}

pub fn run(config: VerifyConfig) -> Result<ExitCode> {
    let signals = Signals::install()?;
    let stats_file = config
        .stats_file
        .as_deref()
        .map(StatsFile::create)
        .transpose()?;
    let opened = read::open(&config.file, config.direct)?;
    let name = config.file.display().to_string();
    let stop = signals.stop_flag();
    let first = first_intact(&opened.file, opened.bytes, &stop)
        .with_context(|| format!("verify {name}: look for its first stamped block"))?;
    if stop.load(Ordering::Relaxed) {
        report::stderr_line(&format!(
            "gush verify: {name}: interrupted while looking for the first intact block"
        ));
        return Ok(ExitCode::from(signals.exit_code()));
    }
    let Some(first) = first else {
        report::stderr_line(&format!(
            "gush verify: {name}: no intact stamped block in {} ({} bytes): not written by `gush bytes --fill stamped`, or every block is damaged",
            size(opened.bytes as f64),
            opened.bytes
        ));
        return Ok(ExitCode::from(3));
    };
    let layout = first.layout;
    let block = u64::from(layout.block);
    let started = Instant::now();
    let mut verdict = Verdict {
        file: name,
        file_bytes: opened.bytes,
        direct: config.direct,
        seed: layout.seed,
        run_id: layout.run_id,
        block_bytes: block,
        total_bytes: layout.total,
        compress_ratio: f64::from(layout.compress_milli) / 1000.0,
        blocks: layout.total / block,
        ..Verdict::default()
    };
    let end = opened.bytes.min(layout.total);
    let file = Arc::new(opened.file);
    let mut reading = read::spawn(Arc::clone(&file), end, block as usize, signals.stop_flag());
    let mut judge = Judge::new(layout);
    let mut failure = None;
    let mut next_line = config.interval.map(|every| started + every);
    while let Some(window) = reading.next() {
        let window = match window {
            Ok(window) => window,
            Err(err) => {
                failure = Some(err.context(format!("verify {}", verdict.file)));
                break;
            }
        };
        for (i, bytes) in window.chunk.as_slice().chunks(block as usize).enumerate() {
            // A block cut short by the end of the file counts as missing.
            if bytes.len() < block as usize {
                break;
            }
            let offset = window.offset + i as u64 * block;
            let class = match window.unreadable.contains(&offset) {
                true => Class::Unreadable,
                false => judge.classify(bytes, offset),
            };
            verdict.record(class, offset);
            verdict.checked_bytes += block;
        }
        reading.recycle(window.chunk);
        if let (Some(due), Some(every)) = (next_line, config.interval)
            && Instant::now() >= due
        {
            progress_line(&verdict, started, config.stats);
            next_line = Some(due + every);
        }
    }
    reading.finish();
    if let Some(err) = failure {
        return signals.interrupted(err);
    }
    verdict.interrupted = stop.load(Ordering::Relaxed);
    if !verdict.interrupted {
        verdict.missing = verdict.blocks.saturating_sub(verdict.checked_bytes / block);
        if verdict.missing > 0 && verdict.bad_blocks.len() < LISTED {
            let mut missing = BadBlock {
                blocks: Some(verdict.missing),
                ..Class::Ok.at(verdict.checked_bytes)
            };
            missing.class = "missing";
            verdict.bad_blocks.push(missing);
        }
        if !opened.is_device {
            verdict.extra_bytes = opened.bytes.saturating_sub(layout.total);
        }
    }
    verdict.elapsed_s = started.elapsed().as_secs_f64();
    verdict.bytes_per_s = verdict.checked_bytes as f64 / verdict.elapsed_s.max(1e-9);
    report::emit(
        &verdict,
        config.stats,
        stats_file.as_ref(),
        || human(&verdict),
        false,
    )?;
    Ok(if verdict.interrupted {
        ExitCode::from(signals.exit_code())
    } else if verdict.bad() == 0 && verdict.extra_bytes == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}

/// One `--interval` line: how far the check is, and the bad blocks so far.
fn progress_line(v: &Verdict, started: Instant, format: Option<report::StatsFormat>) {
    let elapsed_s = started.elapsed().as_secs_f64();
    let bad = v.bad();
    let line = match format {
        Some(report::StatsFormat::Json) => report::json(&serde_json::json!({
            "elapsed_s": elapsed_s,
            "checked_bytes": v.checked_bytes,
            "total_bytes": v.total_bytes,
            "ok": v.ok,
            "bad": bad,
        })),
        _ => format!(
            "gush verify: {:.1} s: checked {} of {}, {} bad blocks so far",
            elapsed_s,
            size(v.checked_bytes as f64),
            size(v.total_bytes as f64),
            bad
        ),
    };
    report::stderr_line(&line);
}

/// The first intact stamped block, looked for at every 512-byte step from
/// the start: a damaged first block must not hide a good file.
fn first_intact(file: &File, bytes: u64, stop: &AtomicBool) -> Result<Option<Header>> {
    let mut chunk = Chunk::new(WINDOW);
    let mut pos = 0u64;
    while pos < bytes && !stop.load(Ordering::Relaxed) {
        let buf = chunk.space();
        let read = match read::read_full(file, buf, pos) {
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

/// The human report: a headline, the counts per class, and the first bad
/// blocks with their offsets.
fn human(v: &Verdict) -> String {
    let mut out = String::new();
    let verdict = match v.bad() {
        0 if !v.interrupted => format!("all {} blocks ok", v.blocks),
        bad => format!("{bad} of {} blocks bad", v.blocks),
    };
    let _ = writeln!(
        out,
        "gush verify: {}: {verdict}{}{}",
        v.file,
        match v.extra_bytes {
            0 => String::new(),
            extra => format!(", {extra} extra bytes past the stamped total"),
        },
        if v.interrupted {
            " (interrupted: counts so far)"
        } else {
            ""
        }
    );
    let _ = writeln!(
        out,
        "  stamped: seed {}, run {}, {} blocks, {} total{}",
        v.seed,
        v.run_id,
        size(v.block_bytes as f64),
        size(v.total_bytes as f64),
        match v.compress_ratio {
            r if r > 1.0 => format!(", compress ratio {r}"),
            _ => String::new(),
        }
    );
    let _ = writeln!(
        out,
        "  ok {}, corrupted {} ({} bits flipped), misplaced {}, stale {}, zeroed {}, unreadable {}, missing {}",
        v.ok, v.corrupted, v.flipped_bits, v.misplaced, v.stale, v.zeroed, v.unreadable, v.missing
    );
    let _ = writeln!(
        out,
        "  checked {} in {:.2} s, {}/s, {}",
        size(v.checked_bytes as f64),
        v.elapsed_s,
        size(v.bytes_per_s),
        if v.direct {
            "read with O_DIRECT"
        } else {
            "read through the page cache"
        }
    );
    for bad in v.bad_blocks.iter().take(LISTED_HUMAN) {
        let detail = match bad.class {
            "corrupted" => format!(": {} bits flipped", bad.flipped_bits.unwrap_or(0)),
            "misplaced" => format!(": belongs at byte {}", bad.belongs_at.unwrap_or(0)),
            "stale" => format!(
                ": from seed {}, run {}",
                bad.seed.unwrap_or(0),
                bad.run_id.unwrap_or(0)
            ),
            "missing" => format!(
                ": {} blocks to the stamped end (file is {} bytes, {} stamped)",
                bad.blocks.unwrap_or(0),
                v.file_bytes,
                v.total_bytes
            ),
            _ => String::new(),
        };
        let _ = writeln!(out, "  {:<10} at byte {}{detail}", bad.class, bad.offset);
    }
    // Missing blocks are one entry, however many.
    let entries = v.bad() - v.missing + u64::from(v.missing > 0);
    let shown = LISTED_HUMAN.min(v.bad_blocks.len()) as u64;
    if entries > shown {
        let _ = writeln!(
            out,
            "  … {} more (--stats=json lists the first {LISTED})",
            entries - shown
        );
    }
    out
}
