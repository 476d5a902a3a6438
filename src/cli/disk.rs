//! The command line of gush for disks: sync policy, O_DIRECT, queue depth,
//! the engine and preallocation. These flags take a regular file or a block
//! device; `config/disk.rs` refuses them anywhere else.
//!
//! A part of `cli.rs` kept in its own file because it is one idea: what a
//! user of fio or dd reaches for, under the names they already type.

use clap::Args;

use super::parse_size;
use crate::sink::disk::sync::{SyncCall, SyncPolicy};
use crate::sink::disk::{EngineKind, Preallocate};

/// Flags for file and block-device destinations.
#[derive(Debug, Args)]
pub struct DiskArgs {
    /// When to make written data durable: `none` (the page cache, as dd
    /// and cp), `end` (one sync after the last write, timed into the run,
    /// as fio's end_fsync), `every=SIZE` (after each SIZE written) or
    /// `each` (after every write, as a database's log and fio --fdatasync=1).
    #[arg(long, value_name = "POLICY", default_value = "none", value_parser = parse_sync, help_heading = "Disk")]
    pub sync: SyncPolicy,

    /// The call --sync makes: `fdatasync` (data and the metadata needed to
    /// read it back) or `fsync` (all metadata too).
    #[arg(
        long,
        value_name = "CALL",
        value_enum,
        default_value_t,
        help_heading = "Disk"
    )]
    pub sync_call: SyncCall,

    /// Open with O_DSYNC: every write returns only once durable (dd
    /// oflag=dsync, fio sync=dsync).
    #[arg(long, help_heading = "Disk")]
    pub dsync: bool,

    /// Bypass the page cache with O_DIRECT. --chunk must be a multiple of
    /// the destination's direct-I/O alignment; lines and records are
    /// re-blocked on the way out, and a last partial block is written
    /// through the cache, so the file holds exactly what was asked.
    #[arg(long, help_heading = "Disk")]
    pub direct: bool,

    /// Keep up to N chunks in flight, each written at its own offset
    /// (io_uring, or N pwrite threads where io_uring is refused); for
    /// --http batch, N requests over N connections.
    #[arg(
        long,
        visible_alias = "iodepth",
        value_name = "N",
        default_value_t = 1,
        help_heading = "Disk"
    )]
    pub queue_depth: usize,

    /// Force an engine: `uring`, `threads` (pwrite threads) or `sync` (one
    /// write at a time). Default: sync at depth 1, else uring, falling back
    /// to threads where the kernel refuses io_uring.
    #[arg(long, value_name = "ENGINE", value_parser = parse_engine, help_heading = "Disk")]
    pub engine: Option<EngineKind>,

    /// Reserve the whole --size before writing, so the run measures
    /// writes, not block allocation: `native` (fallocate, the file at full
    /// size, cut back if the run ends short), `keep` (KEEP_SIZE) or `none`.
    /// Default: native for a new (or --force replaced) file with a --size,
    /// as fio's fallocate=native; bare --preallocate is native.
    #[arg(long, value_name = "MODE", value_enum, num_args = 0..=1,
          default_missing_value = "native", help_heading = "Disk")]
    pub preallocate: Option<Preallocate>,
}

/// `--sync none|end|every=SIZE|each`.
fn parse_sync(arg: &str) -> Result<SyncPolicy, String> {
    let policy = match arg {
        "none" => SyncPolicy::None,
        "end" => SyncPolicy::End,
        "each" => SyncPolicy::Each,
        _ => {
            let bad = || format!("`{arg}` is not a sync policy (try none, end, every=64MiB, each)");
            let size = arg.strip_prefix("every=").ok_or_else(bad)?;
            match parse_size(size)? {
                0 => return Err(format!("`{arg}`: every=SIZE needs a size above 0")),
                bytes => SyncPolicy::Every(bytes),
            }
        }
    };
    Ok(policy)
}

fn parse_engine(arg: &str) -> Result<EngineKind, String> {
    match arg {
        "uring" | "io_uring" => Ok(EngineKind::Uring),
        "threads" => Ok(EngineKind::Threads),
        "sync" | "psync" => Ok(EngineKind::Sync),
        _ => Err(format!(
            "`{arg}` is not an engine (try uring, threads, sync)"
        )),
    }
}
