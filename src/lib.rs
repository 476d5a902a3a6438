//! gush: a bulk data writer. One generator thread fills reusable chunks
//! with records, one writer thread drains them into a destination, and a
//! high-water mark between them makes backpressure visible: pauses, drains
//! and the bottleneck are counted and reported.
//!
//! The binary is a thin layer over [`run`]; a Rust program can instead
//! drive a [`Pipeline`] with its own [`Source`] or [`Sink`].

use std::process::ExitCode;

use anyhow::Result;
use clap::CommandFactory;

pub mod catch;
pub mod cli;
pub mod config;
pub mod net;
pub mod pipeline;
pub mod report;
pub mod signals;
pub mod sink;
pub mod source;
pub mod stats;

pub use pipeline::{Failed, Flow, Limits, Pipeline};
pub use sink::Sink;
pub use source::{Filled, Source};
pub use stats::{Counters, End, Stats};

use crate::cli::{Cli, Command};
use crate::config::Config;
use crate::config::catch::CatchConfig;
use crate::report::monitor::{Monitor, Timeline};
use crate::signals::Signals;

/// Runs the command line: usage errors come back as [`clap::Error`] inside
/// the `anyhow::Error`, everything else as a runtime error.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let name = cli.command.name();
    // Checks past clap's own come back unformatted; they get the
    // subcommand's usage line here, as clap's own errors do.
    let usage = |err: clap::Error| {
        let mut command = Cli::command();
        command.build();
        let subcommand = command
            .find_subcommand_mut(name)
            .expect("every command has a subcommand");
        err.format(subcommand)
    };
    match cli.command {
        Command::Catch(args) => catch::run(CatchConfig::from_args(args).map_err(usage)?),
        Command::Presets(args) => {
            let listing = source::presets::listing(args.show.as_deref()).map_err(|message| {
                usage(clap::Error::raw(
                    clap::error::ErrorKind::InvalidValue,
                    message,
                ))
            })?;
            // A reader that leaves early (`gush presets | head`) is no
            // error, and no panic as `print!` would make of it.
            let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), listing.as_bytes());
            Ok(ExitCode::SUCCESS)
        }
        command => send(Config::from_cli(Cli { command }).map_err(usage)?).map_err(|err| {
            // Found while running, but a usage error: --chunk is too small.
            match err.downcast::<pipeline::RecordTooBig>() {
                Ok(too_big) => usage(clap::Error::raw(
                    clap::error::ErrorKind::InvalidValue,
                    too_big.to_string(),
                ))
                .into(),
                Err(err) => err,
            }
        }),
    }
}

/// Every command that writes: one source, one sink, a pipeline between.
fn send(config: Config) -> Result<ExitCode> {
    let signals = Signals::install()?;
    let source = config.build_source()?;
    let timeline = config
        .report
        .timeline
        .as_deref()
        .map(Timeline::create)
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
        signals.stop_flag(),
    );
    let sink = match opened {
        Ok(sink) => sink,
        Err(err) => return signals.interrupted(err),
    };
    let record_noun = source.record_noun();
    let pipeline = Pipeline::new(source, sink)
        .limits(config.limits)
        .flow(config.flow)
        .stop_flag(signals.stop_flag());
    let monitor = Monitor::start(
        pipeline.counters(),
        &config.report,
        config.limits,
        config.flow,
        record_noun,
        timeline,
    )?;
    let outcome = pipeline.run();
    let history = monitor.finish()?;
    let (mut stats, error) = match outcome {
        Ok(stats) => (stats, None),
        Err(failed) => (failed.stats, Some(failed.error)),
    };
    stats.seed = Some(config.seed);
    report::finish(&config.report, stats_file.as_ref(), &stats, &history)?;
    if let Some(error) = error {
        return signals.interrupted(error);
    }
    Ok(match stats.end {
        End::Interrupted => ExitCode::from(signals.exit_code()),
        _ => ExitCode::SUCCESS,
    })
}
