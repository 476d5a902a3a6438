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

use crate::cli::{Cli, Command, CommonArgs, SummaryArgs};
use crate::language::seeded;
use crate::pipeline::{Flow, Limits, Rate};
use crate::report::{Progress, Report, StatsFormat};
use crate::sink::http::HttpOptions;
use crate::sink::{Destination, DiskOptions, Existing, Network};
use crate::source::presets;
use crate::source::{SourcePlan, SourceSpec};

pub mod catch;
use catch::CatchConfig;
mod compress;
mod disk;
mod flow;
mod http;
mod jobs;
pub use jobs::{Jobs, Split};
mod net;
mod numbering;
mod parquet;
mod s3;
mod series;
mod source;
mod stamp;
mod verify;
use crate::verify::stamped::VerifyConfig;
pub use flow::MAX_QUEUE_DEPTH;
use flow::flow_with_threads;
use source::{Asked, asked, cut_shard, time_source};

/// What the command line asks for, checked.
#[derive(Debug)]
pub enum Job {
    /// Every command that writes: a source, a destination, a flow.
    Send(Box<Config>),
    Catch(CatchConfig),
    /// `gush presets`: the listing to print.
    Presets(String),
    /// `gush records --describe`: the columns' types to print.
    Describe(String),
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
            Command::Records(args) if args.describe => source::describe(&args).map(Job::Describe),
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
    /// `--jobs N` over 1: each job's file or region (see `jobs.rs`).
    pub jobs: Option<Jobs>,
    /// The S3 object `-o` names, if it names one.
    pub s3: Option<crate::sink::s3::S3Options>,
    /// `-o` with `{k}`: a series of files (see `sink/series.rs`).
    pub series: Option<crate::sink::series::SeriesPlan>,
    /// `--until-steady` and its `--steady-window`.
    pub steady: Option<(crate::stats::steady::Steady, Duration)>,
    /// `--compress`, or what the output's ending asks for.
    pub compress: Option<crate::sink::compress::Plan>,
    /// `--format parquet`: the sink is wrapped in a Parquet writer.
    pub parquet: Option<crate::sink::parquet::ParquetOptions>,
}

impl Config {
    /// Where `-o` points, for [`sink::open`](crate::sink::open): the one
    /// place the destination's kind is read off the checked options.
    pub fn destination(&self) -> Destination<'_> {
        match (&self.s3, &self.series) {
            (Some(s3), Some(series)) => return Destination::S3Series(series, s3),
            (Some(s3), None) => return Destination::S3(s3),
            (None, Some(series)) => return Destination::Series(series),
            (None, None) => {}
        }
        match (&self.http, &self.network, &self.disk) {
            (Some(http), _, _) => Destination::Http(http),
            (None, Some(network), _) => Destination::Network(network),
            (None, None, Some(disk)) => Destination::Disk(&self.output, disk),
            (None, None, None) => Destination::stream(&self.output),
        }
    }
}

/// Reports more often than this would cost more than they show.
const MIN_INTERVAL: Duration = Duration::from_millis(10);

/// A usage error, raw: [`Job::from_cli`] formats it with the subcommand's
/// usage line.
fn usage(message: String) -> clap::Error {
    clap::Error::raw(ErrorKind::ArgumentConflict, message)
}

/// `--ramp`, checked: a time-bound run must outlast it, or nothing would
/// be measured.
fn ramp(common: &CommonArgs) -> Result<Option<Duration>, clap::Error> {
    match (common.ramp, common.duration) {
        (Some(ramp), Some(duration)) if ramp >= duration => Err(usage(format!(
            "--ramp {} leaves nothing of -t {} to measure: make the ramp shorter than the run",
            humantime::format_duration(ramp),
            humantime::format_duration(duration)
        ))),
        (Some(ramp), _) if ramp.is_zero() => Ok(None),
        (ramp, _) => Ok(ramp),
    }
}

/// The period of the JSON summary's `intervals` rows, when a JSON summary
/// is written: `--interval`; else one second, or for a run known to be
/// shorter than ten seconds (`-t`) a tenth of it (not under 100 ms), so a
/// short run still has about ten rows.
fn series_period(common: &CommonArgs) -> Option<Duration> {
    let json =
        common.summary.stats == Some(StatsFormat::Json) || common.summary.stats_file.is_some();
    if !json {
        return None;
    }
    let short = |d: Duration| d < Duration::from_secs(10);
    Some(match (common.summary.interval, common.duration) {
        (Some(every), _) => every.max(MIN_INTERVAL),
        (None, Some(d)) if short(d) => (d / 10).max(Duration::from_millis(100)),
        (None, _) => Duration::from_secs(1),
    })
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

/// Refuses the first of `flags` that was given: the one shape of "this
/// flag does not apply here". `why` says what the flag is for and why it
/// does not fit, given the flag's name.
fn refuse_given(
    flags: &[(&str, bool)],
    why: impl FnOnce(&str) -> String,
) -> Result<(), clap::Error> {
    match flags.iter().find(|(_, given)| *given) {
        Some((flag, _)) => Err(usage(why(flag))),
        None => Ok(()),
    }
}

fn invalid(message: String) -> clap::Error {
    clap::Error::raw(ErrorKind::InvalidValue, message)
}

impl Config {
    /// Weighs the flags of a command that writes, step by step: what to
    /// generate, how it flows, the report, the amount, the destination,
    /// the clock, the read-back.
    pub fn from_cli(cli: Cli) -> Result<Config, clap::Error> {
        let Asked {
            mut source,
            sequence,
            mut common,
            chosen_seed,
            parquet,
        } = asked(cli.command)?;
        let mut flow = flow_with_threads(&common, &source)?;
        let interval = interval(&common.summary)?;
        report_files_apart(&common)?;
        let ramp = ramp(&common)?;
        let series = series_period(&common);
        let mut limits = Limits {
            records: common.count,
            bytes: common.size,
            duration: common.duration,
        };
        let start = sequence.as_ref().map_or(0, |s| s.start);
        numbering::check_count(start, limits.records)?;
        let first = match common.shard {
            None => 0,
            Some(shard) => cut_shard(shard, &source, &mut limits)?,
        };
        numbering::cap_records(start, &mut limits);
        let framing = net::framing(&source, &common)?;
        let network = net::network(&common)?;
        let header_row = crate::source::header_row(&source, first, framing);
        let http = http::http(&common, &source, header_row)?;
        let mut s3 = s3::s3(&common)?;
        let remote = network.is_some() || http.is_some() || s3.is_some();
        // Parquet compresses its columns itself (`--compress` picks how).
        let compress = match parquet {
            Some(_) => None,
            None => compress::compress(&common, remote, s3.is_some(), &mut flow)?,
        };
        // An object store takes a `{k}` series of keys as a disk does files.
        let stream_only = network.is_some() || http.is_some();
        let mut files =
            series::series(&common, &source, framing, &limits, header_row, stream_only)?;
        if let (Some(_), Some(_)) = (&s3, &compress) {
            s3::refuse_compressed_verify(&common)?;
        }
        if let (Some(s3), None, None, None) = (&mut s3, &files, &compress, &parquet) {
            // Only whole chunks handed to one upload stay in its parts; a
            // series' objects, a compressor's and a Parquet writer's
            // output are copied.
            s3::hold_parts(&mut flow, s3, common.lwm.is_some());
        }
        if let (Some(plan), Some(options)) = (files.as_mut(), &parquet) {
            // Each file of the series gets its own Parquet writer.
            plan.for_parquet(options.clone());
        }
        let split = jobs::split(&mut common, remote)?;
        let disk = match (&http, &files, &s3) {
            (None, None, None) => disk::disk(&common, network.as_ref())?,
            _ => None,
        };
        let existing = Existing::from_flags(common.force, common.append);
        let time = time_source(sequence.as_ref(), common.seed.is_some());
        let verify = verify::verify(&common, &source, time, disk.as_ref(), s3.is_some())?;
        jobs::steady(&common, verify.is_some())?;
        let jobs = jobs::jobs(&common, split, &source, disk.as_ref(), verify.is_some())?;
        let regions = match jobs.as_ref().map(|jobs| &jobs.split) {
            Some(Split::Regions) => common.disk.jobs,
            _ => 1,
        };
        if let (
            SourceSpec::Bytes {
                stamp: Some(layout),
                ..
            },
            true,
        ) = (&mut source, regions > 1)
        {
            // Stamped blocks name the whole they belong to: the jobs'
            // regions together, so `gush verify` reads one file.
            layout.total = layout.total.saturating_mul(regions);
        }
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
            regions,
            &mut limits,
        )?;
        if let (Some(options), Some(region)) = (&mut disk, region) {
            // Each chunk of a region is one write: a buffer larger than the
            // largest write would only hold fewer of them under the hwm.
            flow.chunk_bytes = region.unit() as usize;
            options.chunk_bytes = flow.chunk_bytes;
            // Reserve up to the region's end (the last job's), not --size
            // from the start. A region over a file that exists is written
            // in place (fio's overwrite), so the default reservation, for a
            // file that starts empty, is not made: over a 1 TiB sparse file
            // it claimed the whole region at once and filled the disk.
            let asked = common.disk.preallocate.is_some();
            options.preallocate = match options.preallocate {
                Some(_) if !asked && common.output.exists() => None,
                Some((mode, _)) => Some((mode, region.start + region.size * regions)),
                None => None,
            };
            options.region = Some(region);
        }
        Ok(Config {
            source: SourcePlan {
                spec: source,
                seed,
                start,
                first,
                time,
                framing,
            },
            limits,
            flow,
            report: report(&common, interval, ramp, series),
            output: common.output,
            existing,
            network,
            disk,
            verify,
            http,
            s3,
            jobs,
            series: files,
            steady: common
                .disk
                .until_steady
                .map(|rule| (rule, common.disk.steady_window)),
            compress,
            parquet,
        })
    }
}

/// Refuses a report file that is the output itself.
fn report_files_apart(common: &CommonArgs) -> Result<(), clap::Error> {
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
    )
}

/// What is reported, and where (`interval` and `ramp` already checked).
fn report(
    common: &CommonArgs,
    interval: Option<Duration>,
    ramp: Option<Duration>,
    series: Option<Duration>,
) -> Report {
    Report {
        stats: common.summary.stats.filter(|_| !common.summary.quiet),
        stats_file: common.summary.stats_file.clone(),
        progress: match (common.summary.quiet || common.no_progress, common.progress) {
            (true, _) => Progress::Never,
            (false, true) => Progress::Always,
            (false, false) => Progress::Auto,
        },
        interval,
        timeline: common.timeline.clone(),
        latency_log: common.latency_log.clone(),
        latency: !common.no_latency,
        ramp,
        series,
        quiet: common.summary.quiet,
    }
}
