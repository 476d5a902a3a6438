//! The command line of gush for disks: sync policy, O_DIRECT, queue depth,
//! the engine and preallocation. These flags take a regular file or a block
//! device; `config/disk.rs` refuses them anywhere else.
//!
//! A part of `cli.rs` kept in its own file because it is one idea: what a
//! user of fio or dd reaches for, under the names they already type.

use clap::Args;

use super::parse_size;
use crate::region::{Distribution, Pattern};
use crate::sink::disk::sync::{SyncCall, SyncPolicy};
use crate::sink::disk::{EngineKind, Preallocate};
use crate::stats::steady::{Steady, SteadyMetric};

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

    /// Where writes go in the region [--offset, --offset + --size): `seq`
    /// (in order) or `random` (each I/O at an offset aligned to its size;
    /// a uniform pass writes every block exactly once, in an order --seed
    /// repeats). Giving this, --bs, --bssplit, --distribution, --loops or
    /// --offset makes --size the region, and -t writes pass after pass.
    #[arg(long, value_name = "PATTERN", value_parser = parse_pattern, help_heading = "Region")]
    pub pattern: Option<Pattern>,

    /// Where the region starts in the file or device.
    #[arg(long, value_name = "SIZE", value_parser = parse_io_size, help_heading = "Region")]
    pub offset: Option<u64>,

    /// The size of one write (default: --chunk, which stays the buffer).
    #[arg(long, value_name = "SIZE", value_parser = parse_io_size, help_heading = "Region")]
    pub bs: Option<u64>,

    /// Mixed write sizes with fio's syntax, SIZE/PERCENT of the writes:
    /// `4k/60:64k/40`; a size with no percent shares what is left.
    #[arg(long, value_name = "SPLIT", value_parser = parse_bssplit, help_heading = "Region", conflicts_with = "bs")]
    pub bssplit: Option<SizeSplit>,

    /// How random offsets fall, as fio's random_distribution: `uniform`,
    /// `zipf:THETA`, `pareto:H` or `zoned:IO%/RANGE%:...` (60/10:40/90 is
    /// 60 % of writes to the first 10 % of the region). Skewed runs may
    /// write a block many times and leave others unwritten: the summary
    /// gives the coverage.
    #[arg(long, value_name = "DIST", value_parser = parse_distribution, help_heading = "Region")]
    pub distribution: Option<Distribution>,

    /// Write the region N times over (passes); with -t, whichever ends first.
    #[arg(long, value_name = "N", help_heading = "Region")]
    pub loops: Option<u64>,

    /// Journal every completed write (offset, length, generation, time)
    /// and every completed sync to DEST, for `gush verify TARGET --acks
    /// FILE` after a crash: a FILE on a disk the crash does not take, or
    /// better `tcp://HOST:PORT` of a `gush catch --acks -o FILE` on another
    /// machine, which fsyncs each batch and confirms it; the writer waits
    /// when the catcher falls 256 KiB behind, and a lost connection fails
    /// the run. Needs --fill stamped; the region is sequential unless
    /// --pattern says.
    #[arg(long, value_name = "DEST", value_parser = crate::sink::disk::Journal::parse, help_heading = "Region")]
    pub ack_log: Option<crate::sink::disk::Journal>,

    /// Run N writers at once, each with its own generator and queue (fio's
    /// numjobs). `-o DIR/` writes DIR/job0 … DIR/job{N-1}, and a path with
    /// `{j}` names each job's file; one file or block device is cut into N
    /// disjoint regions as fio's offset_increment does: --size is each
    /// job's (as fio's size), job j writing [--offset + j*size, + size).
    /// The summary gives the total and each job's line.
    #[arg(long, visible_alias = "numjobs", value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u64).range(1..=1024), help_heading = "Jobs")]
    pub jobs: u64,

    /// Stop a -t run once it is steady (fio's ss): `iops:2%` (every
    /// second's IOPS over --steady-window within 2 % of their mean),
    /// `bw:2%`, or `iops_slope:0.5%` / `bw_slope:0.5%` (the least-squares
    /// slope within 0.5 % of the mean per second), sampled once a second
    /// after --ramp. The summary says whether the run got there.
    #[arg(long, value_name = "METRIC:PCT%", value_parser = parse_steady, requires = "duration", help_heading = "Jobs")]
    pub until_steady: Option<Steady>,

    /// The sliding window --until-steady judges (fio's ss_dur).
    #[arg(long, value_name = "DUR", default_value = "60s", value_parser = super::values::parse_duration,
          requires = "until_steady", help_heading = "Jobs")]
    pub steady_window: std::time::Duration,
}

/// `iops:2%`, `bw:2%`, `iops_slope:0.5%`, `bw_slope:0.5%`.
fn parse_steady(arg: &str) -> Result<Steady, String> {
    let bad =
        || format!("`{arg}` is not a steady-state rule (try iops:2%, bw:2% or iops_slope:0.5%)");
    let (name, limit) = arg.split_once(':').ok_or_else(bad)?;
    let (metric, slope) = match name {
        "iops" => (SteadyMetric::Iops, false),
        "bw" => (SteadyMetric::Bw, false),
        "iops_slope" => (SteadyMetric::Iops, true),
        "bw_slope" => (SteadyMetric::Bw, true),
        _ => return Err(bad()),
    };
    let limit_pct: f64 = limit
        .strip_suffix('%')
        .and_then(|pct| pct.parse().ok())
        .filter(|pct: &f64| pct.is_finite() && *pct > 0.0)
        .ok_or_else(bad)?;
    Ok(Steady {
        metric,
        slope,
        limit_pct,
    })
}

/// `--bssplit`: sizes and their percent of the writes (one value to clap,
/// which would take a bare `Vec` for a flag given many times).
#[derive(Debug, Clone, PartialEq)]
pub struct SizeSplit(pub Vec<(u64, f64)>);

impl DiskArgs {
    /// Whether a flag asked for the region walk rather than one stream.
    pub fn wants_region(&self) -> bool {
        self.pattern.is_some()
            || self.offset.is_some()
            || self.bs.is_some()
            || self.bssplit.is_some()
            || self.distribution.is_some()
            || self.loops.is_some()
            || self.ack_log.is_some()
    }
}

/// A write size or offset as fio reads one: `4k` is 4096, as it is to
/// every disk tool (`4kB` stays 4000, `4KiB` 4096).
fn parse_io_size(arg: &str) -> Result<u64, String> {
    let binary = arg
        .strip_suffix(['k', 'K', 'm', 'M', 'g', 'G', 't', 'T'])
        .filter(|number| !number.is_empty());
    match binary {
        Some(_) => parse_size::Config::new()
            .with_binary()
            .parse_size(arg)
            .map_err(|err| format!("{err}: `{arg}` (try 4k, 64KiB, 1m)")),
        None => parse_size(arg),
    }
}

fn parse_pattern(arg: &str) -> Result<Pattern, String> {
    match arg {
        "seq" | "sequential" | "write" => Ok(Pattern::Seq),
        "random" | "rand" | "randwrite" => Ok(Pattern::Random),
        _ => Err(format!("`{arg}` is not a pattern (try seq or random)")),
    }
}

/// `4k/60:64k/40`, fio's bssplit: a blank percent shares the remainder.
fn parse_bssplit(arg: &str) -> Result<SizeSplit, String> {
    let mut parts = Vec::new();
    for part in arg.split(':') {
        let (size, pct) = match part.split_once('/') {
            Some((_, "")) | None => (part.trim_end_matches('/'), None),
            Some((size, pct)) => {
                let pct: f64 = pct
                    .parse()
                    .ok()
                    .filter(|p: &f64| (0.0..=100.0).contains(p))
                    .ok_or_else(|| format!("`{part}` in `{arg}`: the percent must be 0 to 100"))?;
                (size, Some(pct))
            }
        };
        let size = parse_io_size(size).map_err(|err| format!("`{arg}`: {err}"))?;
        if size == 0 {
            return Err(format!("`{arg}`: a write size must be above 0"));
        }
        parts.push((size, pct));
    }
    let given: f64 = parts.iter().filter_map(|&(_, p)| p).sum();
    let blanks = parts.iter().filter(|(_, p)| p.is_none()).count();
    if given > 100.0 + 1e-9 || (blanks == 0 && (given - 100.0).abs() > 1e-6) {
        return Err(format!("`{arg}`: the percents add up to {given}, not 100"));
    }
    let share = if blanks > 0 {
        (100.0 - given) / blanks as f64
    } else {
        0.0
    };
    Ok(SizeSplit(
        parts
            .into_iter()
            .map(|(size, pct)| (size, pct.unwrap_or(share)))
            .filter(|&(_, pct)| pct > 0.0)
            .collect(),
    ))
}

/// `uniform`, `zipf:THETA`, `pareto:H`, `zoned:IO%/RANGE%:...`.
fn parse_distribution(arg: &str) -> Result<Distribution, String> {
    let number = |text: &str| -> Result<f64, String> {
        text.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("`{arg}`: `{text}` is not a number"))
    };
    let (name, value) = arg.split_once(':').unwrap_or((arg, ""));
    match name {
        "uniform" | "random" if value.is_empty() => Ok(Distribution::Uniform),
        "zipf" => match number(if value.is_empty() { "1.1" } else { value })? {
            theta if theta > 0.0 && theta != 1.0 => Ok(Distribution::Zipf(theta)),
            _ => Err(format!(
                "`{arg}`: zipf's theta must be above 0 and not 1 (fio's default is 1.1)"
            )),
        },
        "pareto" => match number(if value.is_empty() { "0.2" } else { value })? {
            h if h > 0.0 && h < 1.0 => Ok(Distribution::Pareto(h)),
            _ => Err(format!(
                "`{arg}`: pareto's H must be between 0 and 1, such as 0.2"
            )),
        },
        "zoned" => {
            let mut zones = Vec::new();
            for zone in value.split(':') {
                let (access, range) = zone
                    .split_once('/')
                    .ok_or_else(|| format!("`{arg}`: a zone is IO%/RANGE%, such as 60/10"))?;
                zones.push((number(access)?, number(range)?));
            }
            let access: f64 = zones.iter().map(|z| z.0).sum();
            let range: f64 = zones.iter().map(|z| z.1).sum();
            if zones.iter().any(|&(a, r)| a < 0.0 || r <= 0.0)
                || (access - 100.0).abs() > 1e-6
                || (range - 100.0).abs() > 1e-6
            {
                return Err(format!(
                    "`{arg}`: the zones' writes add up to {access} % and their ranges to {range} %; both must be 100, and each range above 0"
                ));
            }
            Ok(Distribution::Zoned(zones))
        }
        _ => Err(format!(
            "`{arg}` is not a distribution (try uniform, zipf:1.2, pareto:0.9, zoned:60/10:40/90)"
        )),
    }
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
