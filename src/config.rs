//! Turns parsed flags into a checked [`Config`]: the one place where flags
//! are weighed against each other, so every later stage receives values
//! that are already valid and re-checks nothing.
//!
//! Failures here are usage errors, returned as clap errors so they print
//! and exit (2) like every other usage error.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;

use clap::CommandFactory;
use clap::error::ErrorKind;
use humansize::{BINARY, format_size};

use crate::cli::{Cli, Command, CommonArgs, Framing, StatsFormat};
use crate::pipeline::{Flow, Limits, Rate};
use crate::sink::{Existing, Network};
use crate::source::Source;
use crate::source::bytes::{Bytes, Fill};
use crate::source::framing::OctetCounted;
use crate::source::lines::Lines;
use crate::source::replay::Replay;
use crate::source::seeded;
use crate::source::template::{FieldKind, Segment, Template};

pub mod catch;
mod net;

/// Everything a run needs, checked.
#[derive(Debug)]
pub struct Config {
    pub source: SourceSpec,
    pub seed: u64,
    pub limits: Limits,
    pub flow: Flow,
    pub output: PathBuf,
    pub existing: Existing,
    pub report: Report,
    /// The socket `-o` names, if it names one.
    pub network: Option<Network>,
    pub framing: Framing,
}

#[derive(Debug)]
pub enum SourceSpec {
    Lines { template: Template, start: u64 },
    Bytes { fill: Fill },
    Replay { file: PathBuf, looping: bool },
}

/// What is reported, and where.
#[derive(Debug, Clone)]
pub struct Report {
    /// The summary on stderr, if any (`-q` has already removed it).
    pub stats: Option<StatsFormat>,
    pub stats_file: Option<PathBuf>,
    pub progress: Progress,
    /// One report line per interval on stderr (`-q` has removed it).
    pub interval: Option<Duration>,
    pub timeline: Option<PathBuf>,
}

/// Whether the live progress display may appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// On a terminal (not `TERM=dumb`), once the run has lasted a second.
    Auto,
    /// From the start, wherever stderr goes.
    Always,
    Never,
}

/// Reports more often than this would cost more than they show.
const MIN_INTERVAL: Duration = Duration::from_millis(10);

/// A chunk larger than this is a typo, not a plan: it would only cost memory.
const MAX_CHUNK: u64 = 1 << 30;

fn usage(message: String) -> clap::Error {
    Cli::command().error(ErrorKind::ArgumentConflict, message)
}

impl Config {
    pub fn from_cli(cli: Cli) -> Result<Config, clap::Error> {
        let (source, common) = match cli.command {
            Command::Lines(args) => {
                let source = SourceSpec::Lines {
                    template: args.template,
                    start: args.start,
                };
                (source, args.common)
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
                (SourceSpec::Bytes { fill: args.fill }, args.common)
            }
            Command::Replay(args) => net::replay(args)?,
            Command::Catch(_) => unreachable!("`gush catch` is configured by CatchConfig"),
        };
        let flow = flow(&common)?;
        if let SourceSpec::Lines { template, .. } = &source {
            let longest = longest_line(template);
            if longest > flow.chunk_bytes {
                return Err(usage(format!(
                    "a line of `{}` can be {longest} bytes, more than --chunk {}; raise --chunk",
                    template.source, flow.chunk_bytes
                )));
            }
        }
        if let Some(interval) = common.interval
            && interval < MIN_INTERVAL
        {
            return Err(usage(format!(
                "--interval {} is too short: use 10ms or more",
                humantime::format_duration(interval)
            )));
        }
        let network = net::network(&common)?;
        let framing = net::framing(&source, &common)?;
        let existing = match (common.force, common.append) {
            (true, _) => Existing::Overwrite,
            (false, true) => Existing::Append,
            (false, false) => Existing::Refuse,
        };
        Ok(Config {
            source,
            seed: common.seed.unwrap_or_else(seeded::fresh_seed),
            limits: Limits {
                records: common.count,
                bytes: common.size,
                duration: common.duration,
            },
            flow,
            output: common.output,
            existing,
            report: Report {
                stats: if common.quiet { None } else { common.stats },
                stats_file: common.stats_file,
                progress: match (common.quiet || common.no_progress, common.progress) {
                    (true, _) => Progress::Never,
                    (false, true) => Progress::Always,
                    (false, false) => Progress::Auto,
                },
                interval: common.interval.filter(|_| !common.quiet),
                timeline: common.timeline,
            },
            network,
            framing,
        })
    }

    /// The source the configuration describes, ready to run; it fails
    /// only for an input that cannot be opened (`gush replay`).
    pub fn build_source(&self) -> Result<Box<dyn Source>> {
        let source: Box<dyn Source> = match &self.source {
            SourceSpec::Lines { template, start } => Box::new(Lines::new(template, *start)),
            SourceSpec::Bytes { fill } => Box::new(Bytes::new(fill, self.seed)),
            SourceSpec::Replay { file, looping } => {
                Box::new(Replay::open(file, *looping, self.flow.chunk_bytes)?)
            }
        };
        Ok(match self.framing {
            Framing::None => source,
            Framing::OctetCounted => Box::new(OctetCounted::new(source)),
        })
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
    let hwm = common.hwm;
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
    let sink_bytes_per_s = match common.sink_rate {
        None => None,
        Some(Rate::Bytes(rate)) => Some(rate),
        Some(Rate::Records(rate)) => {
            return Err(usage(format!(
                "--sink-rate {rate}/s has no byte unit: the writer is paced in bytes, as in 5MiB/s"
            )));
        }
    };
    Ok(Flow {
        chunk_bytes: chunk as usize,
        hwm_bytes: hwm,
        lwm_bytes: lwm,
        sink_delay: common.sink_delay,
        rate: common.rate,
        burst: common.burst,
        sink_bytes_per_s,
    })
}

/// The most bytes one line of `template` can take, newline included.
fn longest_line(template: &Template) -> usize {
    let fields: usize = template
        .segments
        .iter()
        .map(|segment| match segment {
            Segment::Literal(text) => text.len(),
            Segment::Field(field) => match field.kind {
                FieldKind::Counter => u64::MAX.to_string().len(),
            },
        })
        .sum();
    fields + 1
}
