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
use std::sync::atomic::AtomicBool;

use anyhow::Result;

pub mod catch;
pub mod chunk;
pub mod cli;
pub mod config;
pub mod jobs;
pub mod language;
pub mod net;
pub mod pipeline;
pub mod readback;
pub mod region;
pub mod report;
pub mod run;
pub mod signals;
pub mod sink;
pub mod source;
pub mod stats;
pub mod verify;

pub use pipeline::{Failed, Flow, Limits, Pipeline};
pub use sink::Sink;
pub use source::{Filled, Source};
pub use stats::{Counters, End, Stats};

use crate::config::{Config, Job};
use crate::report::monitor::Monitor;
use crate::run::{Ending, Run};

/// Runs a checked job (see [`Job::from_cli`]) and says how it ended. A
/// usage error found only while running (a record larger than `--chunk`)
/// comes back as a [`clap::Error`] inside the `anyhow::Error`.
pub fn run(job: Job) -> Result<ExitCode> {
    match job {
        Job::Catch(config) => catch::run(config),
        Job::Verify(config) => verify::stamped::run(config),
        Job::Presets(listing) | Job::Describe(listing) => {
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

/// Every command that writes: one source, one sink, a pipeline between,
/// run in the shape of [`run::drive`].
fn send(config: Config) -> Result<ExitCode> {
    run::drive(config.report.stats_file.as_deref(), |run| {
        match config.verify {
            Some(verify::Mode::Only) => readback::only(&config, run),
            _ => write(&config, run),
        }
    })
}

/// The write: open the source and the destination, watch the pipeline
/// while it runs, check what it wrote if `--verify` asks, report.
fn write(config: &Config, run: &Run) -> Result<Ending> {
    if config.jobs.is_some() || config.steady.is_some() {
        return jobs::write(config, run);
    }
    if let Some(lanes) = jobs::lanes::plan(config) {
        return jobs::lanes::write(config, run, &lanes);
    }
    let (timeline, latency_log) = config.report.open_logs()?;
    let (pipeline, record_noun) = assemble(
        config,
        config.destination(),
        config.existing,
        run.stop_flag(),
    )?;
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
    let mut history = monitor.finish()?;
    let (mut stats, error) = match outcome {
        Ok(stats) => (stats, None),
        Err(failed) => (failed.stats, Some(failed.error)),
    };
    stats.seed = Some(config.source.seed);
    if let Some(ramp) = &history.ramp {
        stats.measure(Some(ramp));
    }
    stats.intervals = std::mem::take(&mut history.series);
    let verify_error = match config.verify {
        Some(verify::Mode::AfterWrite) => {
            readback::after_write(config, &mut stats, &mut history, run).err()
        }
        _ => None,
    };
    run.report(
        &stats,
        config.report.stats,
        || report::human(&stats, &history),
        history.progress_shown,
    )?;
    if let Some(error) = error.or(verify_error) {
        return Err(error);
    }
    Ok(readback::ending(config, &stats))
}

/// One pipeline of a run, ready to go: the source (each write's bytes
/// made for its own offset when the disk walks a region), one more source
/// per thread the run may grow to, and the destination opened through the
/// one factory. Returns it with what a record is called. The write above
/// and each of `--jobs`' writers (`jobs.rs`) are built here.
pub(crate) fn assemble(
    config: &Config,
    destination: sink::Destination,
    existing: sink::Existing,
    stop: Arc<AtomicBool>,
) -> Result<(Pipeline, &'static str)> {
    let region = match &destination {
        sink::Destination::Disk(_, disk) => {
            let disk: &sink::DiskOptions = disk;
            disk.region.as_ref()
        }
        _ => None,
    };
    let part = Part {
        flow: config.flow,
        limits: config.limits,
        seek: None,
    };
    build(config, part, region, stop, |stop| {
        if let (sink::Destination::S3(options), Some(parquet)) = (&destination, &config.parquet) {
            // The object's Parquet writer copies into the upload's parts,
            // which are timed and given up as a series' objects are.
            return sink::s3::open_parquet(options, stop, parquet);
        }
        let made = sink::parquet::made_by_run(&destination, existing)?;
        let mut sink = sink::open(destination, existing, stop, config.compress)?;
        // A series wraps each of its files in a Parquet writer of its own.
        if let (Some(parquet), None) = (&config.parquet, &config.series) {
            let mut parquet = sink::parquet::ParquetSink::new(sink, parquet)?;
            if let Some(path) = made {
                parquet = parquet.remove_on_failure(path);
            }
            sink = Box::new(parquet);
        }
        Ok(sink)
    })
}

/// What one pipeline of a run takes of the run's whole: its flow, its
/// limits, and the record its source starts at when that is not the
/// run's first (a lane's file, `jobs/lanes.rs`).
pub(crate) struct Part {
    pub flow: Flow,
    pub limits: Limits,
    pub seek: Option<u64>,
}

/// Builds a pipeline from the run's source, moved to `part.seek` if set,
/// and the sink `open_sink` makes (after the source, so a source that
/// cannot open leaves no file behind).
pub(crate) fn build(
    config: &Config,
    part: Part,
    region: Option<&region::Region>,
    stop: Arc<AtomicBool>,
    open_sink: impl FnOnce(Arc<AtomicBool>) -> Result<Box<dyn Sink>>,
) -> Result<(Pipeline, &'static str)> {
    let mut source = source::open(&config.source, part.flow.chunk_bytes)?;
    if let Some(at) = part.seek {
        source.seek(at);
    }
    if let Some(region) = region {
        // Each write's bytes made for its own offset (see scattered.rs).
        source = Box::new(source::scattered::Scattered::new(source, region));
    }
    let sink = open_sink(Arc::clone(&stop))?;
    let record_noun = source.record_noun();
    // The extra sources are cheap (a template's copy) and start nowhere.
    let helpers = match source.position() {
        Some(_) => (1..part.flow.threads)
            .map(|_| source::open(&config.source, part.flow.chunk_bytes))
            .collect::<Result<Vec<_>>>()?,
        None => Vec::new(),
    };
    let live = sink.live();
    // A region's writes are made on the writer's thread (see inline.rs).
    let pipeline = Pipeline::new(source, sink)
        .helpers(helpers)
        .limits(part.limits)
        .flow(part.flow)
        .timed(config.report.latency)
        .inline(region.is_some())
        .stop_flag(stop);
    if let Some(sink::Live::Http(http)) = live {
        let _ = pipeline.counters().http.set(http);
    }
    Ok((pipeline, record_noun))
}
