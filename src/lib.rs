//! gush: a bulk data writer. Generator threads fill reusable chunks
//! with records, one writer thread drains them into a destination, and a
//! high-water mark between them makes backpressure visible: pauses, drains
//! and the bottleneck are counted and reported.
//!
//! The binary is a thin layer over [`run`]; a Rust program can instead
//! drive a [`Pipeline`] with its own [`Source`] or [`Sink`].

// gush drives Linux interfaces directly: pipe sizing (F_SETPIPE_SZ), the
// socket send queue (TIOCOUTQ), and for disks O_DIRECT, statx, fallocate and
// io_uring. Say so at build time rather than fail in obscure ways.
#[cfg(not(target_os = "linux"))]
compile_error!(
    "gush runs on Linux only: it uses O_DIRECT, statx, fallocate, io_uring and F_SETPIPE_SZ"
);

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Result;

pub mod catch;
pub mod chunk;
pub mod cli;
pub mod config;
pub mod language;
pub mod net;
pub mod pipeline;
pub mod report;
pub mod signals;
pub mod sink;
pub mod source;
pub mod stamp;
pub mod stats;
pub mod verify;

pub use pipeline::{Failed, Flow, Limits, Pipeline};
pub use sink::Sink;
pub use source::{Filled, Source};
pub use stats::{Counters, End, Stats};

use crate::config::{Config, Job};
use crate::report::StatsFormat;
use crate::report::latency_log::LatencyLog;
use crate::report::monitor::{Monitor, Timeline};
use crate::signals::Signals;
use crate::verify::VerifyStats;

/// Runs a checked job (see [`Job::from_cli`]) and says how it ended. A
/// usage error found only while running (a record larger than `--chunk`)
/// comes back as a [`clap::Error`] inside the `anyhow::Error`.
pub fn run(job: Job) -> Result<ExitCode> {
    match job {
        Job::Catch(config) => catch::run(config),
        Job::Verify(config) => stamp::check::run(config),
        Job::Presets(listing) => {
            // A reader that leaves early (`gush presets | head`) is no
            // error, and no panic as `print!` would make of it.
            let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), listing.as_bytes());
            Ok(ExitCode::SUCCESS)
        }
        Job::Send(config) => {
            send(*config).map_err(|err| match err.downcast::<pipeline::RecordTooBig>() {
                Ok(too_big) => {
                    clap::Error::raw(clap::error::ErrorKind::InvalidValue, format!("{too_big}\n"))
                        .into()
                }
                Err(err) => err,
            })
        }
    }
}

/// Every command that writes: one source, one sink, a pipeline between.
fn send(config: Config) -> Result<ExitCode> {
    let signals = Signals::install()?;
    if config.verify == Some(verify::Mode::Only) {
        return verify_only(&config, &signals);
    }
    let source = source::open(&config.source, config.flow.chunk_bytes)?;
    let timeline = config
        .report
        .timeline
        .as_deref()
        .map(Timeline::create)
        .transpose()?;
    let latency_log = config
        .report
        .latency_log
        .as_deref()
        .map(LatencyLog::create)
        .transpose()?;
    let stats_file = config
        .report
        .stats_file
        .as_deref()
        .map(report::StatsFile::create)
        .transpose()?;
    let opened = sink::open(
        &config.output,
        config.existing,
        config.network.as_ref(),
        config.disk.as_ref(),
        signals.stop_flag(),
    );
    let sink = match opened {
        Ok(sink) => sink,
        Err(err) => return signals.interrupted(err),
    };
    let record_noun = source.record_noun();
    // One more source per thread the run may grow to, each made from the
    // same plan; they are cheap (a template's copy) and start nowhere.
    let helpers = match source.position() {
        Some(_) => (1..config.flow.threads)
            .map(|_| source::open(&config.source, config.flow.chunk_bytes))
            .collect::<Result<Vec<_>>>()?,
        None => Vec::new(),
    };
    let pipeline = Pipeline::new(source, sink)
        .helpers(helpers)
        .limits(config.limits)
        .flow(config.flow)
        .timed(config.report.latency)
        .stop_flag(signals.stop_flag());
    let monitor = Monitor::start(
        pipeline.counters(),
        &config.report,
        config.limits,
        config.flow,
        record_noun,
        timeline,
        latency_log,
    )?;
    let outcome = pipeline.run();
    let history = monitor.finish()?;
    let (mut stats, error) = match outcome {
        Ok(stats) => (stats, None),
        Err(failed) => (failed.stats, Some(failed.error)),
    };
    stats.seed = Some(config.source.seed);
    let mut history = history;
    let mut verify_error = None;
    if config.verify == Some(verify::Mode::AfterWrite) {
        if error.is_none() && stats.end == End::Complete {
            // Only what the write wrote: its bytes, whatever limit ended it.
            let limits = Limits {
                bytes: Some(stats.bytes),
                ..Limits::default()
            };
            match check(&config, limits, &signals) {
                Ok((verified, shown)) => {
                    history.progress_shown |= shown;
                    stats.verify = Some(verified);
                }
                Err(err) => verify_error = Some(err),
            }
        } else if !config.report.quiet {
            report::stderr_line(&format!(
                "gush: verify: skipped: the write ended {}, and the file was not checked",
                stats.end.as_str()
            ));
        }
    }
    report::finish(&config.report, stats_file.as_ref(), &stats, &history)?;
    if let Some(error) = error {
        return signals.interrupted(error);
    }
    if let Some(error) = verify_error {
        return signals.interrupted(error);
    }
    Ok(exit_code(&config, &stats, &signals))
}

/// 130/143 for a run (or its verify) stopped by a signal; 3 for a file
/// that is not what was written, after its one line says where.
fn exit_code(config: &Config, stats: &Stats, signals: &Signals) -> ExitCode {
    let verified = stats.verify.as_ref();
    if stats.end == End::Interrupted || verified.is_some_and(|v| v.verify_end == "interrupted") {
        return ExitCode::from(signals.exit_code());
    }
    if let Some(line) =
        verified.and_then(|v| report::verify::failure_line(v, &config.output.display().to_string()))
    {
        report::stderr_line(&line);
        return ExitCode::from(3);
    }
    ExitCode::SUCCESS
}

/// `--verify-only`: the check alone, reported as a run that wrote nothing.
fn verify_only(config: &Config, signals: &Signals) -> Result<ExitCode> {
    let stats_file = config
        .report
        .stats_file
        .as_deref()
        .map(report::StatsFile::create)
        .transpose()?;
    let limits = Limits {
        duration: None,
        ..config.limits
    };
    let (verified, shown) = match check(config, limits, signals) {
        Ok(checked) => checked,
        Err(err) => return signals.interrupted(err),
    };
    let mut stats =
        Stats::nothing_written(config.output.display().to_string(), verified.record_noun);
    stats.seed = Some(config.source.seed);
    stats.verify = Some(verified);
    let human = || report::verify::human(stats.verify.as_ref().expect("verified"));
    // A check is its own report: shown unless -q, as a write's summary is
    // with --stats.
    let format = config
        .report
        .stats
        .or((!config.report.quiet).then_some(StatsFormat::Human));
    report::emit(
        &stats,
        format,
        stats_file.as_ref(),
        human,
        shown && !config.report.quiet,
    )?;
    Ok(exit_code(config, &stats, signals))
}

/// Reads the destination back and compares it, with live progress as a
/// write shows it; also says whether the progress display appeared.
fn check(config: &Config, limits: Limits, signals: &Signals) -> Result<(VerifyStats, bool)> {
    let disk = config
        .disk
        .as_ref()
        .expect("the configuration allows a verify only on a disk");
    let counters = Arc::new(Counters::default());
    let report = report::Report {
        interval: None,
        timeline: None,
        latency_log: None,
        ..config.report.clone()
    };
    let record_noun = match &config.source.spec {
        source::SourceSpec::Lines { .. } => "lines",
        _ => "records",
    };
    let monitor = Monitor::start(
        Arc::clone(&counters),
        &report,
        limits,
        config.flow,
        record_noun,
        None,
        None,
    )?;
    let checked = verify::run(
        &verify::Check {
            path: &config.output,
            source: &config.source,
            limits,
            chunk_bytes: config.flow.chunk_bytes,
            hwm_bytes: config.flow.hwm_bytes,
            direct: disk.direct,
            queue_depth: disk.queue_depth,
        },
        &signals.stop_flag(),
        &counters,
    );
    let history = monitor.finish()?;
    Ok((checked?, history.progress_shown))
}
