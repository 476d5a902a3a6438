//! The command line, as clap sees it: subcommands and flags. The value
//! parsers that turn one argument into one checked value are in
//! `cli/values.rs`; each family of flags (disk, network, HTTP, stamped
//! blocks, verify) has its own file beside it.
//!
//! This is the one definition of gush's interface: the binary parses it, and
//! the man page and shell completions under `man/` and `completions/` are
//! rendered from it (see `tests/generated.rs`). Checks that involve more than
//! one flag live in `config.rs`, not here.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::language::clock::parse_start_time;
use crate::language::escape::Format;
use crate::language::template::Template;
use crate::pipeline::pace::Rate;
use crate::report::StatsFormat;
use crate::sink::compress::Asked;
use crate::source::bytes::Fill;

mod disk;
mod http;
mod net;
mod s3;
mod series;
mod stamp;
mod values;
mod verify;
pub use disk::DiskArgs;
pub use http::{CatchHttpArgs, HttpArgs};
pub use net::{CatchArgs, NetArgs, ReplayArgs};
pub use s3::S3Args;
pub use series::SeriesArgs;
pub use stamp::{ContentArgs, VerifyFileArgs};
pub use values::{MAX_THREADS, Shard, parse_count, parse_duration, parse_rate, parse_size};
use values::{TemplateParser, parse_compress, parse_fill, parse_shard, parse_threads};
pub use verify::VerifyArgs;

const EXIT_CODES: &str = "\
Exit codes:
  0    done: the amount was written, or the reader went away (| head)
  1    runtime error: cannot open or write the destination
  2    usage error: a bad flag or value
  3    the data is not what was written: --verify, --verify-only or
       `gush verify` found a difference
  130  interrupted by SIGINT (Ctrl-C); a second Ctrl-C aborts at once
  143  terminated by SIGTERM

Sizes: bare bytes, k/M/G/T or KB/MB/GB/TB (decimal, 1k = 1000),
KiB/MiB/GiB/TiB (binary, 1KiB = 1024). Counts: 1000, 10k, 1M, 1_000_000.
Durations: 500ms, 30s, 5m, 1h. Rates: 20k/s (lines), 5MiB/s (bytes).";

/// Write a lot of data somewhere, fast, and show the backpressure.
#[derive(Debug, Parser)]
#[command(name = "gush", version, about, after_help = EXIT_CODES)]
#[command(propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    // Help that shows `{n}` spells it `{\x1b[0mn}`: see TEMPLATE_HELP.
    #[command(
        about = "Write lines made from a template, `Line {\x1b[0mn}` by default",
        after_help = TEMPLATE_HELP
    )]
    Lines(LinesArgs),
    /// Write records with named columns as CSV, TSV or JSON Lines.
    #[command(after_help = TEMPLATE_HELP)]
    Records(RecordsArgs),
    /// Write raw bytes: zeros, pseudo-random bytes or a repeated pattern.
    #[command(after_help = EXIT_CODES)]
    Bytes(BytesArgs),
    /// Send the lines of a file or stdin again: real logs at a chosen rate.
    #[command(after_help = EXIT_CODES)]
    Replay(ReplayArgs),
    /// Receive over TCP or a Unix socket: count, discard or save, report.
    #[command(after_help = net::CATCH_EXIT_CODES)]
    Catch(CatchArgs),
    /// List the presets with a sample line each, or show one to copy.
    Presets(PresetsArgs),
    /// Check a file or device written with `gush bytes --fill stamped`:
    /// every block ok, corrupted, misplaced, stale, zeroed, unreadable or
    /// missing.
    #[command(after_help = EXIT_CODES)]
    Verify(VerifyFileArgs),
}

impl Command {
    /// The subcommand's name, as typed.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Lines(_) => "lines",
            Command::Records(_) => "records",
            Command::Bytes(_) => "bytes",
            Command::Replay(_) => "replay",
            Command::Catch(_) => "catch",
            Command::Presets(_) => "presets",
            Command::Verify(_) => "verify",
        }
    }
}

/// The field list after `gush lines --help`. clap reads a literal `{n}`
/// anywhere in help text as a line break (a template variable), which ate
/// gush's most used field; an empty SGR reset (`\x1b[0m`) between the
/// brace and the `n` stops the match, and clap strips it where help is
/// not coloured (a pipe, the man page, completions) and a terminal draws
/// nothing for it, so `{n}` is what a reader sees and copies.
const TEMPLATE_HELP: &str = "\
Fields: {\x1b[0mn} {n:08} {int:LO..HI} {float:LO..HI:DIGITS} {bool} {hex:LEN}
{alnum:LEN} {ascii:LEN} {choice:a|b|c} {choice:GET*8|POST*2} {uuid} {word}
{words:N} {sentence} {first} {last} {name} {email} {username} {ipv4} {ipv6}
{mac} {domain} {url} {path} {user_agent} {http_method} {http_status} {level}
{host} {app} {ts} {ts:rfc3339|rfc3339ms|unix|unix_ms|clf|rfc3164|ctime|date|time}.
{{ and }} are literal braces. In {choice}, the last * of an option starts its
weight; keep a literal * with a weight after it: {choice:a*b*1|c}.

Exit codes: 0 done, 1 runtime error, 2 usage error, 3 verify found a difference,
130 SIGINT, 143 SIGTERM.";

#[derive(Debug, Args)]
pub struct RecordsArgs {
    /// Columns as `name=template, …`; commas inside braces do not split,
    /// and `\,` is a literal comma.
    #[arg(
        long,
        value_name = "SCHEMA",
        required_unless_present = "preset",
        conflicts_with = "preset"
    )]
    pub schema: Option<String>,

    /// A named schema (see `gush presets`): users, orders, json-log.
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,

    /// The encoding; default csv, or the preset's. `parquet` types each
    /// column that is one field (see --describe).
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Leave out the CSV/TSV header row.
    #[arg(long)]
    pub no_header: bool,

    /// Print each column's inferred type and the Parquet schema, and exit.
    #[arg(long)]
    pub describe: bool,

    /// Parquet: start a row group once its values hold SIZE bytes.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, help_heading = "Parquet")]
    pub row_group: Option<u64>,

    /// Parquet: store `{float}` columns as DECIMAL (exact, the default) or
    /// DOUBLE.
    #[arg(long, value_enum, value_name = "TYPE", help_heading = "Parquet")]
    pub parquet_float: Option<ParquetFloat>,

    #[command(flatten)]
    pub sequence: SequenceArgs,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// How `--format parquet` stores `{float}` columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ParquetFloat {
    /// DECIMAL(P,D): exactly the digits written.
    Decimal,
    /// DOUBLE: the nearest binary float.
    Double,
}

#[derive(Debug, Args)]
pub struct PresetsArgs {
    /// Print the template or schema of preset NAME, to copy and edit.
    #[arg(long, value_name = "NAME")]
    pub show: Option<String>,
}

/// How records are numbered and stamped.
#[derive(Debug, Args)]
pub struct SequenceArgs {
    // The first value of `{n}` (escaped: see TEMPLATE_HELP).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        help_heading = "Records",
        help = "The first value of `{\x1b[0mn}`"
    )]
    pub start: u64,

    /// Where `{ts}` comes from: `sim` stamps record i with start-time +
    /// i × step; `live` reads the wall clock. Default: sim with --seed,
    /// live without.
    #[arg(long, value_enum, help_heading = "Records")]
    pub clock: Option<ClockKind>,

    /// The simulated clock's first timestamp (RFC 3339).
    #[arg(long, value_name = "TIME", default_value = "2026-01-01T00:00:00Z", value_parser = parse_start_time, help_heading = "Records")]
    pub start_time: i64,

    /// The simulated clock's step per record.
    #[arg(long, value_name = "DUR", default_value = "1ms", value_parser = parse_duration, help_heading = "Records")]
    pub step: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClockKind {
    Sim,
    Live,
}

#[derive(Debug, Args)]
pub struct LinesArgs {
    // The line template; `{n}` escaped as TEMPLATE_HELP says.
    #[arg(
        value_parser = TemplateParser,
        conflicts_with = "preset",
        help = "The line template (fields below); `Line {\x1b[0mn}` if neither it nor --preset is given. Every line ends in a newline"
    )]
    pub template: Option<Template>,

    /// A named template (see `gush presets`), such as apache-combined.
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,

    #[command(flatten)]
    pub sequence: SequenceArgs,

    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct BytesArgs {
    /// What the bytes are: `zero`, `random` (seeded, see --seed),
    /// `stamped` (random blocks with a self-describing header, for `gush
    /// verify`; needs --size) or a hex pattern repeated end to end, such as
    /// `deadbeef`.
    #[arg(long, value_name = "zero|random|stamped|HEX", default_value = "zero", value_parser = parse_fill)]
    pub fill: Fill,

    #[command(flatten)]
    pub content: ContentArgs,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// The flags every source shares: how much, where, how it flows, what is
/// reported.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Stop after N lines or records (not for `gush bytes`).
    #[arg(short = 'n', long, value_name = "N", value_parser = parse_count, help_heading = "Amount")]
    pub count: Option<u64>,

    /// Stop at SIZE bytes; `lines` stops at the last whole line that fits.
    #[arg(short = 's', long, value_name = "SIZE", value_parser = parse_size, help_heading = "Amount")]
    pub size: Option<u64>,

    /// Stop generating after DUR, then write out what was generated.
    #[arg(short = 't', long, value_name = "DUR", value_parser = parse_duration, help_heading = "Amount")]
    pub duration: Option<Duration>,

    /// Seed for everything random: the same seed and arguments give the
    /// same bytes. Without it a seed is chosen and shown in the report.
    #[arg(long, value_name = "N", help_heading = "Amount")]
    pub seed: Option<u64>,

    /// Write only slice K of N (0-based) of a --count run (--size for
    /// bytes); shards 0..N-1 concatenated equal the whole output.
    #[arg(long, value_name = "K/N", value_parser = parse_shard, help_heading = "Amount")]
    pub shard: Option<Shard>,

    /// Pace the generator: `20k/s` is lines per second, a byte unit
    /// (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates.
    #[arg(short = 'r', long, value_name = "RATE", value_parser = parse_rate, help_heading = "Amount")]
    pub rate: Option<Rate>,

    /// The most a paced generator may catch up after a stall, in the
    /// rate's unit (lines or bytes). Default: a tenth of a second's worth.
    #[arg(long, value_name = "SIZE|COUNT", value_parser = parse_size, requires = "rate", help_heading = "Amount")]
    pub burst: Option<u64>,

    /// Where to write: `-` is stdout, `tcp://HOST:PORT` or `unix:PATH` a
    /// socket (see Network), `http://HOST[:PORT]/PATH` or `https://…` a
    /// web endpoint (see HTTP), anything else a file path.
    #[arg(
        short = 'o',
        long,
        value_name = "DEST",
        default_value = "-",
        help_heading = "Destination"
    )]
    pub output: PathBuf,

    /// Overwrite an existing file; also needed to write to a block device.
    /// A region (--pattern and its kin) is written over in place, as fio
    /// does, keeping the rest of the file.
    #[arg(
        short = 'f',
        long,
        conflicts_with = "append",
        help_heading = "Destination"
    )]
    pub force: bool,

    /// Add to the end of an existing file instead of refusing to touch it.
    #[arg(short = 'a', long, help_heading = "Destination")]
    pub append: bool,

    /// Compress on the fly: `zstd[:LEVEL]` (1-19, default 3), `gzip[:LEVEL]`
    /// (1-9, default 6) or `none`. A file path or s3:// key ending in .zst
    /// or .gz is compressed to match unless --compress none; stdout only
    /// when asked.
    #[arg(long, value_name = "zstd[:L]|gzip[:L]|none", value_parser = parse_compress, help_heading = "Destination")]
    pub compress: Option<Asked>,

    /// Sleep DUR before writing each chunk: a slow consumer, to see
    /// backpressure.
    #[arg(long, value_name = "DUR", value_parser = parse_duration, help_heading = "Destination")]
    pub sink_delay: Option<Duration>,

    /// Hold the writer to RATE bytes per second (`5MiB/s`): a smoother
    /// slow consumer than --sink-delay.
    #[arg(long, value_name = "RATE", value_parser = parse_rate, help_heading = "Destination")]
    pub sink_rate: Option<Rate>,

    /// Size of each buffer handed from the generator to the writer.
    #[arg(long, value_name = "SIZE", default_value = "64KiB", value_parser = parse_size, help_heading = "Flow")]
    pub chunk: u64,

    /// High-water mark: the most bytes that may wait between generator
    /// and writer, chunks in flight to a disk included. Past it the
    /// generator pauses. Default 1MiB, or two full queues of chunks at a
    /// --queue-depth that needs more.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, help_heading = "Flow")]
    pub hwm: Option<u64>,

    /// Low-water mark: a paused generator resumes (a drain) once the
    /// buffered bytes fall to SIZE. Default hwm/2; 0 waits for empty.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, help_heading = "Flow")]
    pub lwm: Option<u64>,

    /// Generator threads; the output is the same bytes for any N. Given,
    /// all N start at once. By default a run starts with one and adds
    /// threads (up to the available cores, at most 8) while the generator
    /// is what holds it back. `replay` and --rate runs use one, and refuse
    /// more. A {k} series cut by records writes N files at once instead
    /// (see --file-records).
    #[arg(long, value_name = "N", value_parser = parse_threads, help_heading = "Flow")]
    pub threads: Option<usize>,

    #[command(flatten)]
    pub summary: SummaryArgs,

    /// Show live progress even when stderr is not a terminal or the run
    /// is short. By default it appears on a terminal after one second.
    #[arg(long, conflicts_with = "no_progress", help_heading = "Report")]
    pub progress: bool,

    /// Never show live progress.
    #[arg(long, help_heading = "Report")]
    pub no_progress: bool,

    /// Write a CSV sample of the run to FILE every 100 ms (or --interval):
    /// t_s, bytes, records, bytes_per_s, buffered_bytes, pauses, drains,
    /// write_p50_ns, write_p99_ns (empty for a sample with no write).
    #[arg(long, value_name = "FILE", help_heading = "Report")]
    pub timeline: Option<PathBuf>,

    /// Write an HdrHistogram interval log of write latencies to FILE, one
    /// histogram per second (or --interval); sync latencies are tagged
    /// `sync`. HdrHistogram's log processors and plotters read it.
    #[arg(long, value_name = "FILE", help_heading = "Report")]
    pub latency_log: Option<PathBuf>,

    /// Do not time writes and syncs of a stream (stdout, a pipe, a socket,
    /// /dev/null): no latency line, percentiles or log, as fio's
    /// disable_lat. Saves two clock reads per write.
    #[arg(long, conflicts_with = "latency_log", help_heading = "Report")]
    pub no_latency: bool,

    /// Run, but leave the first DUR out of every figure: throughput, IOPS,
    /// latencies, interval lines, timeline, latency log and the JSON rows
    /// (fio's ramp_time). Nothing restarts; the bytes written still count.
    #[arg(long, value_name = "DUR", value_parser = parse_duration, help_heading = "Report")]
    pub ramp: Option<Duration>,

    #[command(flatten)]
    pub series: SeriesArgs,

    #[command(flatten)]
    pub disk: DiskArgs,

    #[command(flatten)]
    pub net: NetArgs,

    #[command(flatten)]
    pub verify: VerifyArgs,

    #[command(flatten)]
    pub http: HttpArgs,

    #[command(flatten)]
    pub s3: S3Args,
}

/// The summary and report lines, alike for every command that writes and
/// for `catch`.
#[derive(Debug, Args)]
pub struct SummaryArgs {
    /// Print a summary on stderr at the end: `human` (the default) or
    /// `json`, one object.
    #[arg(long, value_name = "FORMAT", num_args = 0..=1, require_equals = true,
          default_missing_value = "human", help_heading = "Report")]
    pub stats: Option<StatsFormat>,

    /// Also write the JSON summary to PATH (replaced if it exists).
    #[arg(long, value_name = "PATH", help_heading = "Report")]
    pub stats_file: Option<PathBuf>,

    /// Print one report line every DUR on stderr (JSON with --stats=json);
    /// for `gush verify`, how far the check has read.
    #[arg(long, value_name = "DUR", value_parser = parse_duration, help_heading = "Report")]
    pub interval: Option<Duration>,

    /// Print nothing on stderr but errors: no summary, no report lines.
    #[arg(short, long, help_heading = "Report")]
    pub quiet: bool,
}
