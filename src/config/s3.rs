//! The S3 half of the checked configuration: `-o s3://BUCKET/KEY` with
//! `--part-size`, `--queue-depth`, `--retry` and `--connect-timeout`, and
//! the high-water mark raised to hold the parts in flight. Part of
//! `config.rs`, kept apart as `http.rs` is.

use std::path::Path;
use std::time::Duration;

use humansize::{BINARY, format_size};

use super::{refuse_given, usage};
use crate::cli::CommonArgs;
use crate::pipeline::Flow;
use crate::sink::s3::{DEFAULT_PART, MIN_PART, S3Options, parse_url};

/// S3's largest part: 5 GiB.
const MAX_PART: u64 = 5 << 30;

/// `--retry` when none is given, as for HTTP.
const RETRY: u32 = 3;

/// `--connect-timeout` when none is given, as for sockets and HTTP.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The most the store's SlowDown may hold one part back, as HTTP's
/// `--max-pause` default: a store shedding load for a while is waited
/// for, one refusing for good ends the run.
const MAX_PAUSE: Duration = Duration::from_secs(300);

/// Whether `-o` names an S3 object.
pub(super) fn is_s3(output: &Path) -> bool {
    output.to_str().is_some_and(|s| s.starts_with("s3://"))
}

/// The S3 destination `-o` names, with its flags; `None` for anything
/// else, which takes none of them.
pub(super) fn s3(common: &CommonArgs) -> Result<Option<S3Options>, clap::Error> {
    let Some(url) = common.output.to_str().filter(|_| is_s3(&common.output)) else {
        refuse_given(&[("--part-size", common.s3.part_size.is_some())], |flag| {
            format!(
                "{flag} is for S3 destinations, and -o {} is not one (try -o s3://BUCKET/KEY)",
                common.output.display()
            )
        })?;
        return Ok(None);
    };
    let (bucket, key) = parse_url(url).map_err(usage)?;
    let size = |n: u64| format_size(n, BINARY);
    let part_size = common.s3.part_size.unwrap_or(DEFAULT_PART);
    if part_size < MIN_PART {
        return Err(usage(format!(
            "--part-size {} is below S3's minimum part of {}: use 5MiB or more",
            size(part_size),
            size(MIN_PART)
        )));
    }
    if part_size > MAX_PART {
        return Err(usage(format!(
            "--part-size {} is above S3's largest part of {}: use 5GiB or less",
            size(part_size),
            size(MAX_PART)
        )));
    }
    if common.append {
        return Err(usage(format!(
            "--append: an S3 object cannot be added to; {url} is written whole (a PUT replaces it)"
        )));
    }
    let net = &common.net;
    refuse_given(
        &[
            ("--reconnect", net.reconnect),
            ("--nodelay", net.nodelay),
            ("--send-buffer", net.send_buffer.is_some()),
        ],
        |flag| format!("{flag} is for tcp:// and unix: sockets; {url} is an S3 object"),
    )?;
    Ok(Some(S3Options {
        bucket,
        key,
        part_size: part_size as usize,
        queue_depth: common.disk.queue_depth,
        retry: net.retry.unwrap_or(RETRY),
        max_pause: MAX_PAUSE,
        connect_timeout: net.connect_timeout.unwrap_or(CONNECT_TIMEOUT),
        hwm_raised_from: None,
    }))
}

/// `--verify` reads an object back as it is: a compressed one is not
/// decompressed on the way (a file's read-back is), so every byte would
/// differ. Refused rather than reported as a mismatch.
pub(super) fn refuse_compressed_verify(common: &CommonArgs) -> Result<(), clap::Error> {
    let verify = &common.verify;
    refuse_given(
        &[
            ("--verify", verify.verify),
            ("--verify-only", verify.verify_only),
        ],
        |flag| {
            format!(
                "{flag} reads an S3 object back as it is, and -o {} is compressed: leave {flag} out, or upload it plain with --compress none",
                common.output.display()
            )
        },
    )
}

/// Chunks in parts in flight count under the hwm, so it must hold
/// `--queue-depth` parts and the one being gathered (each up to a chunk
/// over `--part-size`, as parts end on whole chunks), or the uploads
/// could not overlap the generating. Raised where it is less, and the
/// summary says so; `--lwm` stays where it was given, else half of it.
pub(super) fn hold_parts(flow: &mut Flow, options: &mut S3Options, lwm_given: bool) {
    let part = (options.part_size + flow.chunk_bytes) as u64;
    let needed = part.saturating_mul(options.queue_depth as u64 + 1);
    if flow.hwm_bytes >= needed {
        return;
    }
    options.hwm_raised_from = Some(flow.hwm_bytes);
    flow.hwm_bytes = needed;
    if !lwm_given {
        flow.lwm_bytes = needed / 2;
    }
}

/// The object `gush verify s3://BUCKET/KEY` reads: ranged GETs of the
/// reader's windows, four at once, retried as an upload's requests are.
pub(super) fn to_read(url: &str, direct: bool) -> Result<S3Options, clap::Error> {
    if direct {
        return Err(usage(format!(
            "--direct reads a file or device past the page cache; {url} is an S3 object"
        )));
    }
    let (bucket, key) = parse_url(url).map_err(usage)?;
    Ok(S3Options {
        bucket,
        key,
        part_size: DEFAULT_PART as usize,
        queue_depth: 4,
        retry: RETRY,
        max_pause: MAX_PAUSE,
        connect_timeout: CONNECT_TIMEOUT,
        hwm_raised_from: None,
    })
}
