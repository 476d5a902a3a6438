//! The compression half of the checked configuration: `--compress`, or
//! what the output's ending asks for, weighed against the destination,
//! and the compressor's buffers fitted under the hwm. Part of
//! `config.rs`, kept apart as `disk.rs` and `net.rs` are.
//!
//! A compressed stream is written as it comes, so the flags that place or
//! time writes on a disk (`--sync`, `--direct`, a region, `--jobs`) do not
//! apply and are refused rather than ignored.

use std::path::Path;

use super::{refuse_given, usage};
use crate::cli::CommonArgs;
use crate::pipeline::Flow;
use crate::sink::compress::{Codec, Plan};
use crate::sink::disk::sync::SyncPolicy;

/// The compression a run writes with, if any: `--compress` as given, else
/// a `.zst` or `.gz` ending of a file path (never stdout unless asked).
/// `remote` is a socket or web endpoint, which is not compressed;
/// `object` an S3 object, which is, as a file is. The
/// flow's hwm is shared with the compressor's buffers, raised if they do
/// not fit beside the chunks (the plan records that, for the summary).
pub(super) fn compress(
    common: &CommonArgs,
    remote: bool,
    object: bool,
    flow: &mut Flow,
) -> Result<Option<Plan>, clap::Error> {
    let output = &common.output;
    let shown = output.display();
    let codec = match common.compress {
        Some(asked) => asked.0,
        // An object named `.zst` would silently hold plain bytes: say so.
        None if object => Codec::for_path(output),
        None if remote || output == Path::new("-") => None,
        None => Codec::for_path(output),
    };
    let Some(codec) = codec else {
        return Ok(None);
    };
    let label = codec.label();
    if object {
        // Each object is a whole compressed stream, uploaded as it comes;
        // `--queue-depth` is the upload's, not a disk's.
        let mut plan = Plan::new(codec);
        fit_under_hwm(&mut plan, flow, common.hwm.is_some(), common.lwm.is_some());
        return Ok(Some(plan));
    }
    if remote {
        return Err(usage(format!(
            "--compress {label} writes files and stdout, and -o {shown} is a socket or web endpoint: leave --compress out"
        )));
    }
    let args = &common.disk;
    let given = [
        ("--sync", args.sync != SyncPolicy::None),
        ("--dsync", args.dsync),
        ("--direct", args.direct),
        ("--engine", args.engine.is_some()),
        ("--preallocate", args.preallocate.is_some()),
        ("--queue-depth", args.queue_depth > 1),
        ("--pattern", args.pattern.is_some()),
        ("--offset", args.offset.is_some()),
        ("--bs", args.bs.is_some()),
        ("--loops", args.loops.is_some()),
        ("--ack-log", args.ack_log.is_some()),
        ("--jobs", args.jobs > 1),
        ("--until-steady", args.until_steady.is_some()),
    ];
    refuse_given(&given, |flag| {
        format!(
            "{flag} places or times writes on a disk, and a {label} stream of -o {shown} is written as it comes: leave {flag} out, or write uncompressed with --compress none"
        )
    })?;
    let mut plan = Plan::new(codec);
    fit_under_hwm(&mut plan, flow, common.hwm.is_some(), common.lwm.is_some());
    Ok(Some(plan))
}

/// Bytes that may wait for a compressing writer when `--hwm` is not given.
/// The writer takes input a job (1 MiB) at a time, so a 1 MiB hwm turned
/// every job into a pause and a drain, and on a loaded machine each drain
/// waited for the generator to be scheduled again: 2 M users rows to
/// .csv.zst took a median 3.25 s with 8 MiB waiting and 2.37 s with 16
/// MiB, against 2.15 s for `| zstd -T0 -3` (5 interleaved rounds, load 8
/// on 2 cores; bench/compress.md).
const DEFAULT_WAITING: u64 = 16 << 20;

/// The compressor's buffers count against the hwm: the bytes waiting for
/// the writer get what is left, and where that is less than two chunks
/// (the least that keeps generator and writer both busy) the hwm is raised
/// to hold both. Without `--hwm` the run gets [`DEFAULT_WAITING`] beside
/// the compressor, which raises the default hwm. The plan says so when
/// the hwm was raised. The lwm, unless given, is half what may wait.
fn fit_under_hwm(plan: &mut Plan, flow: &mut Flow, hwm_asked: bool, lwm_asked: bool) {
    let compressor = plan.buffer_bytes;
    let chunks = 2 * flow.chunk_bytes as u64;
    let waiting = match flow.hwm_bytes.checked_sub(compressor) {
        Some(left) if hwm_asked && left >= chunks => left,
        _ => {
            let least = match hwm_asked {
                true => chunks,
                false => DEFAULT_WAITING.max(chunks),
            };
            plan.hwm_raised_to = Some(compressor + least);
            least
        }
    };
    if flow.lwm_bytes >= waiting || !lwm_asked {
        flow.lwm_bytes = waiting / 2;
    }
    flow.hwm_bytes = waiting;
}
