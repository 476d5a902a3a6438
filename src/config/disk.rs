//! The disk half of the checked configuration: `--sync`, `--direct`,
//! `--queue-depth`, `--engine`, `--preallocate`, weighed against the
//! destination. Part of `config.rs`, kept apart as `net.rs` is.
//!
//! A regular file (new or not) or a block device is a disk and gets disk
//! options even when none were given: it is written with positioned writes
//! and its summary names the engine. Anything else (stdout, a FIFO, a
//! character device such as /dev/null, a socket) is a stream, which takes
//! none of the disk flags but a queue depth of 1.

use std::path::Path;

use super::{refuse_given, usage};
use crate::cli::CommonArgs;
use crate::sink::disk::DiskOptions;
use crate::sink::disk::direct;
use crate::sink::disk::sync::SyncPolicy;
use crate::sink::disk::{EngineKind, Preallocate};
use crate::sink::{Network, Target};

pub(super) fn disk(
    common: &CommonArgs,
    network: Option<&Network>,
) -> Result<Option<DiskOptions>, clap::Error> {
    let args = &common.disk;
    let output = &common.output;
    // In range: checked once for every destination (config/flow.rs).
    let depth = args.queue_depth;
    let target = match (network, output == Path::new("-")) {
        (Some(_), _) | (None, true) => None,
        // A path that cannot be written at all (a directory) is left for
        // opening it to report, as a runtime error.
        (None, false) => match Target::of(output) {
            Ok(target) => Some(target),
            Err(_) => return Ok(None),
        },
    };
    if !target.is_some_and(Target::is_disk) {
        let what = match (network, target) {
            (Some(_), _) => "a socket",
            (None, None) => "stdout",
            _ => "not a regular file or block device",
        };
        let given = [
            ("--sync", args.sync != SyncPolicy::None),
            ("--dsync", args.dsync),
            ("--direct", args.direct),
            ("--engine", args.engine.is_some()),
            ("--preallocate", args.preallocate.is_some()),
            ("--queue-depth", depth > 1),
        ];
        refuse_given(&given, |flag| {
            format!(
                "{flag} is for a regular file or block device, and -o {} is {what}",
                output.display()
            )
        })?;
        return Ok(None);
    }
    if args.engine == Some(EngineKind::Sync) && depth > 1 {
        return Err(usage(format!(
            "--engine sync writes one chunk at a time; --queue-depth {depth} needs uring or threads"
        )));
    }
    let preallocate = preallocation(common, target)?;
    if args.direct
        && let Some(alignment) = direct::alignment(output)
        && !common.chunk.is_multiple_of(alignment)
    {
        return Err(usage(format!(
            "--chunk {} is not a multiple of {}'s direct-I/O alignment ({alignment} bytes): use a multiple of {alignment}, such as 64KiB",
            common.chunk,
            output.display()
        )));
    }
    Ok(Some(DiskOptions {
        sync: args.sync,
        sync_call: args.sync_call,
        dsync: args.dsync,
        direct: args.direct,
        queue_depth: depth,
        engine: args.engine,
        preallocate,
        chunk_bytes: common.chunk as usize,
    }))
}

/// What to reserve before writing: `--preallocate` as given, which needs
/// `--size`; else, as fio does by default, `native` for a regular file
/// that starts empty (new, or replaced with `--force`) and has a known
/// size. An appended file or a block device is left as it is.
fn preallocation(
    common: &CommonArgs,
    target: Option<Target>,
) -> Result<Option<(Preallocate, u64)>, clap::Error> {
    match (common.disk.preallocate, common.size) {
        (Some(Preallocate::None), _) => Ok(None),
        (Some(mode), Some(size)) => Ok(Some((mode, size))),
        (Some(mode), None) => Err(usage(format!(
            "--preallocate {} reserves --size bytes: give --size",
            mode.as_str()
        ))),
        (None, Some(size)) => {
            let starts_empty = match target {
                Some(Target::New) => true,
                Some(Target::Regular) => common.force,
                _ => false,
            };
            Ok(starts_empty.then_some((Preallocate::Native, size)))
        }
        (None, None) => Ok(None),
    }
}
