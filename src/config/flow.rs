//! The flow half of the checked configuration: `--chunk`, `--hwm`,
//! `--lwm`, `--queue-depth` (one range for every destination that takes
//! it), the rates and `--threads`. Part of `config.rs`, kept apart as
//! `disk.rs` and `net.rs` are.

use humansize::{BINARY, format_size};

use super::{SourceSpec, byte_rate, usage};
use crate::cli::CommonArgs;
use crate::pipeline::{Flow, Rate};

/// `--hwm` when none is given, at a queue depth of 1.
const DEFAULT_HWM: u64 = 1 << 20;

/// A chunk larger than this is a typo, not a plan: it would only cost memory.
const MAX_CHUNK: u64 = 1 << 30;

/// The most writes (a disk) or requests (HTTP batches) in flight. Past a
/// few hundred no device or server goes faster, while the default
/// `--hwm` grows with the depth and HTTP runs a thread per request in
/// flight: a larger number is a typo, not a plan.
pub const MAX_QUEUE_DEPTH: usize = 1024;

/// `--queue-depth`, checked once for every destination that takes it.
fn queue_depth(common: &CommonArgs) -> Result<usize, clap::Error> {
    match common.disk.queue_depth {
        depth @ 1..=MAX_QUEUE_DEPTH => Ok(depth),
        depth => Err(usage(format!(
            "--queue-depth {depth} is out of range: use 1 to {MAX_QUEUE_DEPTH}"
        ))),
    }
}

/// The flow (`flow`) with its generator threads (`--threads`).
pub(super) fn flow_with_threads(
    common: &CommonArgs,
    source: &SourceSpec,
) -> Result<Flow, clap::Error> {
    let mut flow = flow(common)?;
    flow.threads = threads(common.threads, source, common.rate)?;
    flow.eager_threads = common.threads.is_some();
    Ok(flow)
}

/// Default `--threads`: past 8, the writer or the destination is the
/// limit long before the generators are.
const DEFAULT_MAX_THREADS: usize = 8;

/// `--threads`, or the default: the available cores, at most 8. `replay`
/// reads its input in order, so it runs one generator; so does a paced
/// run (`--rate`), which its pace holds back, not its generator, and
/// whose pacer is one thread's.
fn threads(
    asked: Option<usize>,
    source: &SourceSpec,
    rate: Option<Rate>,
) -> Result<usize, clap::Error> {
    match (asked, source) {
        (Some(n), SourceSpec::Replay { .. }) if n > 1 => Err(usage(format!(
            "--threads {n}: `gush replay` reads its input in order with one thread; leave --threads out"
        ))),
        (Some(n), _) if n > 1 && rate.is_some() => Err(usage(format!(
            "--threads {n}: a --rate run is paced by one generator thread, and its pace, not generating, sets its speed; leave --threads out"
        ))),
        (Some(n), _) => Ok(n),
        (None, SourceSpec::Replay { .. }) => Ok(1),
        (None, _) if rate.is_some() => Ok(1),
        (None, _) => Ok(std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(DEFAULT_MAX_THREADS)),
    }
}

fn flow(common: &CommonArgs) -> Result<Flow, clap::Error> {
    let size = |n: u64| format_size(n, BINARY);
    let queue_depth = queue_depth(common)?;
    let chunk = common.chunk;
    if chunk == 0 || chunk > MAX_CHUNK {
        return Err(usage(format!(
            "--chunk {chunk} is out of range: use 1 byte to {}",
            size(MAX_CHUNK)
        )));
    }
    // Chunks in flight count under the hwm, so a deep queue needs room
    // for a full queue and the next one being made, or it never fills.
    let hwm = common
        .hwm
        .unwrap_or_else(|| DEFAULT_HWM.max(2 * chunk.saturating_mul(queue_depth as u64)));
    if hwm < chunk {
        return Err(usage(format!(
            "--hwm {} is smaller than --chunk {}: one chunk must fit under the high-water mark",
            size(hwm),
            size(chunk)
        )));
    }
    let lwm = common.lwm.unwrap_or(hwm / 2);
    if lwm >= hwm {
        return Err(usage(format!(
            "--lwm {} must be below --hwm {}",
            size(lwm),
            size(hwm)
        )));
    }
    let sink_rate = byte_rate("--sink-rate", common.sink_rate)?;
    Ok(Flow {
        chunk_bytes: chunk as usize,
        hwm_bytes: hwm,
        lwm_bytes: lwm,
        sink_delay: common.sink_delay,
        rate: common.rate,
        burst: common.burst,
        sink_rate,
        threads: 1,
        eager_threads: false,
        records_per_chunk: common.http.batch,
    })
}
