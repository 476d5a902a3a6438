//! The source half of the checked configuration: what each subcommand
//! asks to generate (`lines`, `records`, `bytes`, `replay`), presets,
//! `--shard` and the clock. Part of `config.rs`, kept apart as `disk.rs`
//! and `net.rs` are.

use std::time::Duration;

use super::{invalid, net, stamp, usage};
use crate::cli::{
    BytesArgs, ClockKind, Command, CommonArgs, LinesArgs, RecordsArgs, SequenceArgs, Shard,
};
use crate::language::clock::TimeSource;
use crate::language::escape::Format;
use crate::language::schema::Schema;
use crate::language::seeded;
use crate::language::template::Template;
use crate::pipeline::{Limits, Rate};
use crate::sink::parquet::ParquetOptions;
use crate::source::SourceSpec;
use crate::source::presets::{self, Body};

/// What a subcommand asks to generate, before the flags every command
/// shares are weighed.
pub(super) struct Asked {
    pub(super) source: SourceSpec,
    /// How records are numbered and stamped: `lines` and `records` only.
    pub(super) sequence: Option<SequenceArgs>,
    pub(super) common: CommonArgs,
    /// The seed `gush bytes` chose when none was given: a stamped block's
    /// header records it, so it is chosen before the source is made.
    pub(super) chosen_seed: Option<u64>,
    /// `--format parquet`'s layout.
    pub(super) parquet: Option<ParquetOptions>,
}

/// The source a subcommand names, checked on its own flags.
pub(super) fn asked(command: Command) -> Result<Asked, clap::Error> {
    match command {
        Command::Lines(args) => lines(args),
        Command::Records(args) => records(args),
        Command::Bytes(args) => bytes(args),
        Command::Replay(args) => {
            let (source, common) = net::replay(args)?;
            Ok(Asked {
                source,
                sequence: None,
                common,
                chosen_seed: None,
                parquet: None,
            })
        }
        Command::Presets(_) => unreachable!("`gush presets` runs no pipeline"),
        Command::Catch(_) => unreachable!("`gush catch` is configured by CatchConfig"),
        Command::Verify(_) => unreachable!("`gush verify` is configured by VerifyConfig"),
    }
}

/// `gush lines`: a template, given, from a preset, or `Line {n}`.
fn lines(args: LinesArgs) -> Result<Asked, clap::Error> {
    let template = match (args.template, args.preset) {
        (Some(template), _) => template,
        (None, Some(name)) => match preset(&name, "lines")?.body {
            Body::Template(text) => Template::parse(text).expect("presets parse"),
            Body::Schema(..) => unreachable!("checked by preset()"),
        },
        (None, None) => Template::parse("Line {n}").expect("the default parses"),
    };
    Ok(Asked {
        source: SourceSpec::Lines { template },
        sequence: Some(args.sequence),
        common: args.common,
        chosen_seed: None,
        parquet: None,
    })
}

/// `gush records`: a schema, given or from a preset, in a format.
fn records(args: RecordsArgs) -> Result<Asked, clap::Error> {
    let (schema, format) = schema_and_format(&args)?;
    let parquet = super::parquet::options(&args, &schema, format)?;
    let source = SourceSpec::Records {
        schema,
        format,
        header: !args.no_header,
    };
    Ok(Asked {
        source,
        sequence: Some(args.sequence),
        common: args.common,
        chosen_seed: None,
        parquet,
    })
}

/// `gush records --describe`: what each column is stored as.
pub(super) fn describe(args: &RecordsArgs) -> Result<String, clap::Error> {
    let (schema, _) = schema_and_format(args)?;
    super::parquet::described(args, &schema)
}

/// The records' schema, given or from a preset, and their format.
fn schema_and_format(args: &RecordsArgs) -> Result<(Schema, Format), clap::Error> {
    let (text, preset_format) = match (args.schema.clone(), args.preset.as_deref()) {
        (Some(schema), _) => (schema, None),
        (None, Some(name)) => match preset(name, "records")?.body {
            Body::Schema(text, format) => (text.to_string(), Some(format)),
            Body::Template(_) => unreachable!("checked by preset()"),
        },
        (None, None) => unreachable!("clap requires --schema or --preset"),
    };
    let schema = Schema::parse(&text)
        .map_err(|err| invalid(format!("invalid value for '--schema <SCHEMA>':\n{err}")))?;
    Ok((schema, args.format.or(preset_format).unwrap_or(Format::Csv)))
}

/// `gush bytes`: a fill, its shape, and for `--fill stamped` the blocks.
fn bytes(args: BytesArgs) -> Result<Asked, clap::Error> {
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
    // The seed is chosen here, not with the others, because a stamped
    // block's header records it; `common.seed` still says whether one
    // was given.
    let common = args.common;
    let seed = common.seed.unwrap_or_else(seeded::fresh_seed);
    let (content, stamp) = stamp::content(&args.fill, &args.content, &common, seed)?;
    let source = SourceSpec::Bytes {
        fill: args.fill,
        content,
        stamp,
    };
    Ok(Asked {
        source,
        sequence: None,
        common,
        chosen_seed: Some(seed),
        parquet: None,
    })
}

/// The clock `{ts}` reads: `--clock`, or simulated when `--seed` asks for
/// a run that repeats.
pub(super) fn time_source(sequence: Option<&SequenceArgs>, seeded: bool) -> TimeSource {
    match sequence.and_then(|s| s.clock) {
        Some(ClockKind::Live) => TimeSource::Live,
        Some(ClockKind::Sim) => simulated(sequence),
        None if seeded => simulated(sequence),
        None => TimeSource::Live,
    }
}

/// Narrows `limits` to shard K of N and returns where the shard starts:
/// a record index, or for bytes a byte offset.
pub(super) fn cut_shard(
    shard: Shard,
    source: &SourceSpec,
    limits: &mut Limits,
) -> Result<u64, clap::Error> {
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
