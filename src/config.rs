//! Turns parsed flags into a checked [`Config`]: the one place where flags
//! are weighed against each other, so every later stage receives values
//! that are already valid and re-checks nothing.
//!
//! Failures here are usage errors, returned as clap errors so they print
//! and exit (2) like every other usage error.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use clap::CommandFactory;
use clap::error::ErrorKind;
use humansize::{BINARY, format_size};

use crate::cli::{Cli, ClockKind, Command, CommonArgs, SequenceArgs, Shard, SummaryArgs};
use crate::language::clock::TimeSource;
use crate::language::escape::Format;
use crate::language::schema::Schema;
use crate::language::seeded;
use crate::language::template::Template;
use crate::pipeline::{Flow, Limits, Rate};
use crate::report::{Progress, Report};
use crate::sink::http::HttpOptions;
use crate::sink::{DiskOptions, Existing, Network};
use crate::source::presets::{self, Body};
use crate::source::{SourcePlan, SourceSpec};

pub mod catch;
use catch::CatchConfig;
mod disk;
mod http;
mod net;
mod stamp;
mod verify;
use crate::verify::stamped::VerifyConfig;

/// What the command line asks for, checked.
#[derive(Debug)]
pub enum Job {
    /// Every command that writes: a source, a destination, a flow.
    Send(Box<Config>),
    Catch(CatchConfig),
    /// `gush presets`: the listing to print.
    Presets(String),
    /// `gush verify FILE`: check stamped blocks.
    Verify(VerifyConfig),
}

impl Job {
    /// Weighs the parsed flags. A usage error comes back formatted with the
    /// subcommand's usage line, as clap's own are, ready to print (exit 2).
    pub fn from_cli(cli: Cli) -> Result<Job, clap::Error> {
        let name = cli.command.name();
        let job = match cli.command {
            Command::Catch(args) => CatchConfig::from_args(args).map(Job::Catch),
            Command::Presets(args) => presets::listing(args.show.as_deref())
                .map(Job::Presets)
                .map_err(invalid),
            Command::Verify(args) => VerifyConfig::from_args(args).map(Job::Verify),
            command => Config::from_cli(Cli { command }).map(|config| Job::Send(Box::new(config))),
        };
        job.map_err(|err| {
            let mut command = Cli::command();
            command.build();
            match command.find_subcommand_mut(name) {
                Some(subcommand) => err.format(subcommand),
                None => err.format(&mut command),
            }
        })
    }
}

/// Everything a run needs, checked.
#[derive(Debug)]
pub struct Config {
    pub source: SourcePlan,
    pub limits: Limits,
    pub flow: Flow,
    pub output: PathBuf,
    pub existing: Existing,
    pub report: Report,
    /// The socket `-o` names, if it names one.
    pub network: Option<Network>,
    /// How a file or block device is written; `None` for a stream.
    pub disk: Option<DiskOptions>,
    /// Whether the destination is read back and compared (`--verify`), or
    /// only checked without writing (`--verify-only`).
    pub verify: Option<crate::verify::Mode>,
    /// The web endpoint `-o` names, if it names one.
    pub http: Option<HttpOptions>,
}

/// Reports more often than this would cost more than they show.
const MIN_INTERVAL: Duration = Duration::from_millis(10);

/// `--hwm` when none is given, at a queue depth of 1.
const DEFAULT_HWM: u64 = 1 << 20;

/// A chunk larger than this is a typo, not a plan: it would only cost memory.
const MAX_CHUNK: u64 = 1 << 30;

/// A usage error, raw: [`Job::from_cli`] formats it with the subcommand's
/// usage line.
fn usage(message: String) -> clap::Error {
    clap::Error::raw(ErrorKind::ArgumentConflict, message)
}

/// `--interval`, checked, or `None` when `-q` silences it.
fn interval(summary: &SummaryArgs) -> Result<Option<Duration>, clap::Error> {
    match summary.interval {
        Some(interval) if interval < MIN_INTERVAL => Err(usage(format!(
            "--interval {} is too short: use 10ms or more",
            humantime::format_duration(interval)
        ))),
        interval => Ok(interval.filter(|_| !summary.quiet)),
    }
}

/// Refuses a report file that is the output itself: writing the report
/// would replace the data it reports on.
fn not_the_output(output: &Path, flag: &str, report: Option<&Path>) -> Result<(), clap::Error> {
    let Some(report) = report else {
        return Ok(());
    };
    let absolute = |path: &Path| std::path::absolute(path).ok();
    let same_inode = match (std::fs::metadata(output), std::fs::metadata(report)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    };
    if output != Path::new("-") && (same_inode || absolute(output) == absolute(report)) {
        return Err(usage(format!(
            "{flag} {} is the output file too: name another path for it",
            report.display()
        )));
    }
    Ok(())
}

/// A rate that paces reading or writing, which is done in bytes: a count
/// rate such as `20k/s` is refused.
fn byte_rate(flag: &str, rate: Option<Rate>) -> Result<Option<Rate>, clap::Error> {
    match rate {
        None => Ok(None),
        Some(Rate::Bytes(rate)) => Ok(Some(Rate::Bytes(rate))),
        Some(Rate::Records(rate)) => Err(usage(format!(
            "{flag} {rate}/s has no byte unit: it paces bytes, as in 5MiB/s"
        ))),
    }
}

fn invalid(message: String) -> clap::Error {
    clap::Error::raw(ErrorKind::InvalidValue, message)
}

impl Config {
    pub fn from_cli(cli: Cli) -> Result<Config, clap::Error> {
        let mut chosen_seed = None;
        let (source, sequence, common) = match cli.command {
            Command::Lines(args) => {
                let template = match (args.template, args.preset) {
                    (Some(template), _) => template,
                    (None, Some(name)) => match preset(&name, "lines")?.body {
                        Body::Template(text) => Template::parse(text).expect("presets parse"),
                        Body::Schema(..) => unreachable!("checked by preset()"),
                    },
                    (None, None) => Template::parse("Line {n}").expect("the default parses"),
                };
                (
                    SourceSpec::Lines { template },
                    Some(args.sequence),
                    args.common,
                )
            }
            Command::Records(args) => {
                let (text, preset_format) = match (args.schema, args.preset) {
                    (Some(schema), _) => (schema, None),
                    (None, Some(name)) => match preset(&name, "records")?.body {
                        Body::Schema(text, format) => (text.to_string(), Some(format)),
                        Body::Template(_) => unreachable!("checked by preset()"),
                    },
                    (None, None) => unreachable!("clap requires --schema or --preset"),
                };
                let schema = Schema::parse(&text).map_err(|err| {
                    invalid(format!("invalid value for '--schema <SCHEMA>':\n{err}"))
                })?;
                let format = args.format.or(preset_format).unwrap_or(Format::Csv);
                let source = SourceSpec::Records {
                    schema,
                    format,
                    header: !args.no_header,
                };
                (source, Some(args.sequence), args.common)
            }
            Command::Bytes(args) => {
                if let Some(count) = args.common.count {
                    return Err(usage(format!(
                        "--count {count} counts lines; `gush bytes` takes --size or --duration"
                    )));
                }
                if let Some(Rate::Records(rate)) = args.common.rate {
                    return Err(usage(format!(
                        "--rate {rate}/s counts lines; `gush bytes` takes a byte rate such as 5MiB/s"
                    )));
                }
                // The seed is chosen here, not below, because a stamped
                // block's header records it; `common.seed` still says
                // whether one was given.
                let common = args.common;
                let seed = common.seed.unwrap_or_else(seeded::fresh_seed);
                chosen_seed = Some(seed);
                let (content, stamp) = stamp::content(&args.fill, &args.content, &common, seed)?;
                let source = SourceSpec::Bytes {
                    fill: args.fill,
                    content,
                    stamp,
                };
                (source, None, common)
            }
            Command::Replay(args) => {
                let (source, common) = net::replay(args)?;
                (source, None, common)
            }
            Command::Presets(_) => unreachable!("`gush presets` runs no pipeline"),
            Command::Catch(_) => unreachable!("`gush catch` is configured by CatchConfig"),
            Command::Verify(_) => unreachable!("`gush verify` is configured by VerifyConfig"),
        };
        let mut flow = flow(&common)?;
        flow.threads = threads(common.threads, &source)?;
        flow.eager_threads = common.threads.is_some();
        if let Some(batch) = flow.records_per_chunk {
            // Threads fill chunks by units of records that ignore --batch;
            // an HTTP batch of N records is one chunk of one generator.
            if common.threads.is_some_and(|n| n > 1) {
                return Err(usage(format!(
                    "--batch {batch} makes each request one generator's chunk: leave --threads out"
                )));
            }
            flow.threads = 1;
        }
        let interval = interval(&common.summary)?;
        not_the_output(
            &common.output,
            "--stats-file",
            common.summary.stats_file.as_deref(),
        )?;
        not_the_output(&common.output, "--timeline", common.timeline.as_deref())?;
        not_the_output(
            &common.output,
            "--latency-log",
            common.latency_log.as_deref(),
        )?;
        let network = net::network(&common)?;
        let http = http::http(&common, &source)?;
        let disk = match http {
            Some(_) => None,
            None => disk::disk(&common, network.as_ref())?,
        };
        let framing = net::framing(&source, &common)?;
        let existing = match (common.force, common.append) {
            (true, _) => Existing::Overwrite,
            (false, true) => Existing::Append,
            (false, false) => Existing::Refuse,
        };
        let mut limits = Limits {
            records: common.count,
            bytes: common.size,
            duration: common.duration,
        };
        let first = match common.shard {
            None => 0,
            Some(shard) => cut_shard(shard, &source, &mut limits)?,
        };
        let time = match sequence.as_ref().and_then(|s| s.clock) {
            Some(ClockKind::Live) => TimeSource::Live,
            Some(ClockKind::Sim) => simulated(sequence.as_ref()),
            None if common.seed.is_some() => simulated(sequence.as_ref()),
            None => TimeSource::Live,
        };
        let verify = verify::verify(&common, &source, time, disk.as_ref())?;
        let seed = common
            .seed
            .or(chosen_seed)
            .unwrap_or_else(seeded::fresh_seed);
        let mut disk = disk;
        let region = disk::region(
            &common,
            &source,
            seed,
            disk.as_ref(),
            verify.is_some(),
            &mut limits,
        )?;
        if let (Some(options), Some(region)) = (&mut disk, region) {
            // Each chunk of a region is one write: a buffer larger than the
            // largest write would only hold fewer of them under the hwm.
            flow.chunk_bytes = region.unit() as usize;
            options.chunk_bytes = flow.chunk_bytes;
            // Reserve up to the region's end, not --size from the start.
            if options.preallocate.is_some() {
                options.preallocate = Some(region.start + region.size);
            }
            options.region = Some(region);
        }
        Ok(Config {
            source: SourcePlan {
                spec: source,
                seed,
                start: sequence.as_ref().map_or(0, |s| s.start),
                first,
                time,
                framing,
            },
            limits,
            flow,
            output: common.output,
            existing,
            report: Report {
                stats: common.summary.stats.filter(|_| !common.summary.quiet),
                stats_file: common.summary.stats_file,
                progress: match (common.summary.quiet || common.no_progress, common.progress) {
                    (true, _) => Progress::Never,
                    (false, true) => Progress::Always,
                    (false, false) => Progress::Auto,
                },
                interval,
                timeline: common.timeline,
                latency_log: common.latency_log,
                latency: !common.no_latency,
                quiet: common.summary.quiet,
            },
            network,
            disk,
            verify,
            http,
        })
    }
}

/// Narrows `limits` to shard K of N and returns where the shard starts:
/// a record index, or for bytes a byte offset.
fn cut_shard(shard: Shard, source: &SourceSpec, limits: &mut Limits) -> Result<u64, clap::Error> {
    let (total, limit) = match source {
        SourceSpec::Bytes { .. } => (limits.bytes, &mut limits.bytes),
        _ => (limits.records, &mut limits.records),
    };
    let Some(total) = total else {
        let needs = if matches!(source, SourceSpec::Bytes { .. }) {
            "--size"
        } else {
            "--count"
        };
        return Err(usage(format!(
            "--shard {}/{} needs a known total to slice: give {needs}",
            shard.index, shard.count
        )));
    };
    let bound = |k: u64| (u128::from(total) * u128::from(k) / u128::from(shard.count)) as u64;
    let (from, to) = (bound(shard.index), bound(shard.index + 1));
    *limit = Some(to - from);
    Ok(from)
}

fn simulated(sequence: Option<&SequenceArgs>) -> TimeSource {
    let (start_ns, step) =
        sequence.map_or((0, Duration::from_millis(1)), |s| (s.start_time, s.step));
    TimeSource::Simulated {
        start_ns,
        step_ns: step.as_nanos().min(i64::MAX as u128) as i64,
    }
}

/// The preset `name`, checked to suit `command`.
fn preset(name: &str, command: &str) -> Result<&'static presets::Preset, clap::Error> {
    let preset = presets::find(name)
        .map_err(|message| invalid(format!("invalid value for '--preset': {message}")))?;
    if preset.command() != command {
        return Err(usage(format!(
            "preset `{name}` is for `gush {}`, not `gush {command}`",
            preset.command()
        )));
    }
    Ok(preset)
}

/// Default `--threads`: past 8, the writer or the destination is the
/// limit long before the generators are.
const DEFAULT_MAX_THREADS: usize = 8;

/// `--threads`, or the default: the available cores, at most 8. `replay`
/// reads its input in order, so it runs one generator.
fn threads(asked: Option<usize>, source: &SourceSpec) -> Result<usize, clap::Error> {
    match (asked, source) {
        (Some(n), SourceSpec::Replay { .. }) if n > 1 => Err(usage(format!(
            "--threads {n}: `gush replay` reads its input in order with one thread; leave --threads out"
        ))),
        (Some(n), _) => Ok(n),
        (None, SourceSpec::Replay { .. }) => Ok(1),
        (None, _) => Ok(std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(DEFAULT_MAX_THREADS)),
    }
}

fn flow(common: &CommonArgs) -> Result<Flow, clap::Error> {
    let size = |n: u64| format_size(n, BINARY);
    let chunk = common.chunk;
    if chunk == 0 || chunk > MAX_CHUNK {
        return Err(usage(format!(
            "--chunk {chunk} is out of range: use 1 byte to {}",
            size(MAX_CHUNK)
        )));
    }
    // Chunks in flight count under the hwm, so a deep queue needs room
    // for a full queue and the next one being made, or it never fills.
    let hwm = common.hwm.unwrap_or_else(|| {
        DEFAULT_HWM.max(2 * chunk.saturating_mul(common.disk.queue_depth as u64))
    });
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
