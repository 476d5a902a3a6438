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

use humansize::{BINARY, format_size};

use super::{refuse_given, usage};
use crate::cli::CommonArgs;
use crate::pipeline::Limits;
use crate::region::{Distribution, Pattern, Region};
use crate::sink::disk::DiskOptions;
use crate::sink::disk::direct;
use crate::sink::disk::sync::SyncPolicy;
use crate::sink::disk::{EngineKind, Preallocate};
use crate::sink::{Network, Target};
use crate::source::SourceSpec;

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
        region: None,
        ack_log: args
            .ack_log
            .clone()
            .map(|journal| journal.dialled(common.net.connect_timeout, common.net.retry)),
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

/// The region a disk is walked over (`--pattern`, `--offset`, `--bs`,
/// `--bssplit`, `--distribution`, `--loops`), checked against the target,
/// the source and the other flags; it narrows `limits` to the passes.
/// `None` when none of those flags was given: one stream, as before.
pub(super) fn region(
    common: &CommonArgs,
    source: &SourceSpec,
    seed: u64,
    disk: Option<&DiskOptions>,
    verify: bool,
    jobs: u64,
    limits: &mut Limits,
) -> Result<Option<Region>, clap::Error> {
    let args = &common.disk;
    // Jobs over one file each walk a region of it (config/jobs.rs).
    if !args.wants_region() && jobs == 1 {
        return Ok(None);
    }
    let flag = region_flag(args);
    let stamp_block = match source {
        SourceSpec::Bytes { stamp, .. } => stamp.map(|layout| u64::from(layout.block)),
        _ => {
            return Err(usage(format!(
                "{flag} places the writes of `gush bytes`: use it there"
            )));
        }
    };
    if disk.is_none() {
        return Err(usage(format!(
            "{flag} is for a regular file or block device, and -o {} is not one",
            common.output.display()
        )));
    }
    let refused = [
        ("--append", common.append),
        ("--shard", common.shard.is_some()),
        ("--verify", verify),
    ];
    if let Some((other, _)) = refused.iter().find(|(_, given)| *given) {
        return Err(usage(format!(
            "{flag} writes a region at offsets of its own, which {other} cannot follow: leave {other} out (for a check, write --fill stamped and run `gush verify FILE`)"
        )));
    }
    let distribution = args.distribution.clone().unwrap_or(Distribution::Uniform);
    if args.ack_log.is_some() && stamp_block.is_none() {
        return Err(usage(
            "--ack-log journals the generation each write stamps: use it with --fill stamped"
                .to_string(),
        ));
    }
    let pattern = match (args.pattern, &distribution) {
        (Some(Pattern::Seq), Distribution::Uniform) | (None, Distribution::Uniform) => {
            args.pattern.unwrap_or(Pattern::Seq)
        }
        (Some(Pattern::Seq), _) => {
            return Err(usage(
                "--distribution draws random offsets: use it with --pattern random".to_string(),
            ));
        }
        _ => Pattern::Random,
    };
    let sizes = match (&args.bssplit, args.bs) {
        (Some(split), _) => split.0.clone(),
        (None, Some(bs)) => vec![(bs, 100.0)],
        (None, None) => vec![(common.chunk, 100.0)],
    };
    let show = |n: u64| format_size(n, BINARY);
    for &(bs, _) in &sizes {
        if bs > common.chunk {
            return Err(usage(format!(
                "a write of {} is larger than --chunk {}, the buffer each write is made in: raise --chunk to {}",
                show(bs),
                show(common.chunk),
                show(bs)
            )));
        }
    }
    let start = args.offset.unwrap_or(0);
    let unit = sizes
        .iter()
        .map(|&(s, _)| s)
        .max()
        .expect("one size at least");
    // --size is each job's region, as fio's size; a device's whole span is
    // shared out, in whole writes.
    let size = match common.size {
        Some(size) => size,
        None => device_size(&common.output)
            .map(|end| end.saturating_sub(start) / jobs / unit * unit)
            .ok_or_else(|| {
                usage(format!(
                    "{flag} walks a region of --size bytes from --offset: give --size"
                ))
            })?,
    };
    let mut rules = Vec::new();
    if args.direct
        && let Some(alignment) = direct::alignment(&common.output)
    {
        rules.push((alignment, "--direct needs", "direct-I/O alignment"));
    }
    if let Some(block) = stamp_block {
        rules.push((block, "--fill stamped writes whole", "--block"));
    }
    for (multiple, rule, what) in rules {
        let bad = sizes
            .iter()
            .map(|&(s, _)| ("a write size", s))
            .chain([("--offset", start)])
            .find(|&(_, value)| !value.is_multiple_of(multiple));
        if let Some((name, value)) = bad {
            return Err(usage(format!(
                "{name} of {value} bytes is not a multiple of the {what} ({multiple} bytes): {rule} blocks, so use a multiple of {multiple}"
            )));
        }
    }
    if size == 0 || !size.is_multiple_of(unit) {
        return Err(usage(format!(
            "--size {size} is not a whole number of {unit}-byte writes: the region is written in whole writes of its largest size; use a multiple of {unit}"
        )));
    }
    if args.loops == Some(0) {
        return Err(usage("--loops 0 writes nothing: use 1 or more".to_string()));
    }
    limits.bytes = match (args.loops, limits.duration) {
        (Some(loops), _) => Some(size.saturating_mul(loops)),
        (None, Some(_)) => None,
        (None, None) => Some(size),
    };
    let region = Region {
        start,
        size,
        pattern,
        distribution,
        sizes,
        seed,
    };
    if args.ack_log.is_some() && !region.covers_each_pass() {
        return Err(usage(format!(
            "--ack-log needs each block written once a pass, and {region} rewrites hot blocks within one (their generation is not counted): leave --distribution out"
        )));
    }
    Ok(Some(region))
}

/// The first region flag given, to name in a refusal.
fn region_flag(args: &crate::cli::DiskArgs) -> &'static str {
    [
        ("--pattern", args.pattern.is_some()),
        ("--distribution", args.distribution.is_some()),
        ("--bs", args.bs.is_some()),
        ("--bssplit", args.bssplit.is_some()),
        ("--loops", args.loops.is_some()),
        ("--offset", args.offset.is_some()),
        ("--ack-log", args.ack_log.is_some()),
    ]
    .into_iter()
    .find_map(|(flag, given)| given.then_some(flag))
    .unwrap_or("--jobs")
}

/// A block device's size (a regular file has none to give a region).
fn device_size(path: &Path) -> Option<u64> {
    use std::io::{Seek, SeekFrom};
    if Target::of(path).ok()? != Target::BlockDevice {
        return None;
    }
    std::fs::File::open(path).ok()?.seek(SeekFrom::End(0)).ok()
}
