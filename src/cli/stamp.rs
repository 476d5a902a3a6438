//! The command line of stamped blocks and content control: `gush verify
//! FILE`, and the `gush bytes` flags that shape what is written
//! (`--block`, `--run-id`, `--compress-ratio`, `--dedupe`).
//!
//! A part of `cli.rs` kept in its own file because it is one idea: bytes
//! that can be checked, and bytes that look to storage as asked.

use std::path::PathBuf;

use clap::Args;

use super::{SummaryArgs, parse_size};

/// `gush verify FILE`: check a file or device written with
/// `--fill stamped`, from its blocks alone.
#[derive(Debug, Args)]
pub struct VerifyFileArgs {
    /// The file or block device to check.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Read with O_DIRECT, bypassing the page cache, so the check reads
    /// the device itself.
    #[arg(long)]
    pub direct: bool,

    /// The journal `--ack-log` wrote: judge each block by what the device
    /// acknowledged for it (lost, in flight, torn); a block holding an
    /// older generation than one acknowledged durable is lost (exit 3).
    #[arg(long, value_name = "LOG")]
    pub acks: Option<PathBuf>,

    #[command(flatten)]
    pub summary: SummaryArgs,
}

/// How `gush bytes` shapes its bytes.
#[derive(Debug, Args)]
pub struct ContentArgs {
    /// The block of `--fill stamped`: each starts with a header (magic,
    /// seed, run id, its own offset, sizes, CRC32C). A power of two from
    /// 512B to 1MiB that divides --chunk and --size. Default 4KiB.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, help_heading = "Content")]
    pub block: Option<u64>,

    /// The generation stamped in each block with `--fill stamped`, so that
    /// `gush verify` tells blocks of an earlier run with the same seed
    /// apart (`stale`). Default 0: the same seed then gives the same bytes.
    #[arg(long, value_name = "N", help_heading = "Content")]
    pub run_id: Option<u64>,

    /// Make `--fill random` or `stamped` compress by about R under zstd,
    /// gzip or lz4 (1 = incompressible, 1.5, 2, 8.5, up to 100), with the
    /// redundancy spread evenly through every 4 KiB block.
    #[arg(long, value_name = "R", value_parser = parse_ratio, help_heading = "Content")]
    pub compress_ratio: Option<u32>,

    /// Make PCT percent (0 to 99) of the 4 KiB blocks of `--fill random`
    /// repeat an earlier block, so a dedupe store keeps about 100 - PCT %.
    #[arg(long, value_name = "PCT", value_parser = parse_percent, help_heading = "Content")]
    pub dedupe: Option<f64>,
}

/// The most a ratio can be: past it a 4 KiB block has almost no literals.
const MAX_RATIO: f64 = 100.0;

/// A compression ratio, kept × 1000 so that it round-trips exactly through
/// a stamped header.
fn parse_ratio(arg: &str) -> Result<u32, String> {
    match arg.trim().parse::<f64>() {
        Ok(ratio) if (1.0..=MAX_RATIO).contains(&ratio) => Ok((ratio * 1000.0).round() as u32),
        _ => Err(format!(
            "`{arg}` is not a compression ratio: use a number from 1 (incompressible) to {MAX_RATIO}, such as 2 or 8.5"
        )),
    }
}

fn parse_percent(arg: &str) -> Result<f64, String> {
    let number = arg.trim().strip_suffix('%').unwrap_or(arg.trim());
    match number.parse::<f64>() {
        Ok(pct) if (0.0..100.0).contains(&pct) => Ok(pct),
        _ => Err(format!(
            "`{arg}` is not a dedupe share: use a percentage from 0 to below 100, such as 30"
        )),
    }
}
