//! How a run is shown: live (the monitor thread feeding progress, interval
//! lines and the timeline) and at the end (a short human summary with
//! sparklines, or one JSON object, on stderr, and the JSON in a file).

pub mod history;
pub mod latency;
pub mod latency_log;
pub mod monitor;
pub mod progress;
pub mod sample;
pub mod sparkline;
pub mod summary;
pub mod timeline;
pub mod verify;

use std::fs::File;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use humansize::{BINARY, format_size};
use serde::Serialize;

use crate::stats::HttpStats;
use sample::Sample;
pub use summary::{http_line, human};

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
    /// The HdrHistogram interval log of latencies (`--latency-log`).
    pub latency_log: Option<PathBuf>,
    /// Time each write (not `--no-latency`).
    pub latency: bool,
    /// Leave the first DUR out of every figure (`--ramp`).
    pub ramp: Option<Duration>,
    /// The period of the JSON summary's `intervals` rows; `None` when no
    /// JSON is written, so no rows are kept.
    pub series: Option<Duration>,
    /// `-q`: nothing on stderr but errors.
    pub quiet: bool,
}

impl Report {
    /// Creates the `--timeline` and `--latency-log` files a run asks for,
    /// before it starts, so a path that cannot be written is an error
    /// before any data is.
    pub fn open_logs(
        &self,
    ) -> Result<(Option<timeline::Timeline>, Option<latency_log::LatencyLog>)> {
        let timeline = self
            .timeline
            .as_deref()
            .map(timeline::Timeline::create)
            .transpose()?;
        let latency_log = self
            .latency_log
            .as_deref()
            .map(latency_log::LatencyLog::create)
            .transpose()?;
        Ok((timeline, latency_log))
    }
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

/// How the summary and report lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatsFormat {
    Human,
    Json,
}

/// Prints a summary on stderr as `format` asks (the human one also when
/// `human_anyway`) and writes its JSON to `stats_file`: the same for gush
/// and `gush catch`.
pub fn emit<T: Serialize>(
    stats: &T,
    format: Option<StatsFormat>,
    stats_file: Option<&StatsFile>,
    human: impl FnOnce() -> String,
    human_anyway: bool,
) -> Result<()> {
    match format {
        Some(StatsFormat::Json) => stderr_line(&json(stats)),
        Some(StatsFormat::Human) => stderr_text(&human()),
        None if human_anyway => stderr_text(&human()),
        None => {}
    }
    if let Some(file) = stats_file {
        file.write(&(json(stats) + "\n"))?;
    }
    Ok(())
}

/// The `--stats-file`, created when the run starts, before the destination
/// is opened: a path that cannot be written then fails the run before any
/// data is written or an old output replaced (`--force`), not after.
pub struct StatsFile {
    file: File,
    path: std::path::PathBuf,
}

impl StatsFile {
    pub fn create(path: &Path) -> Result<StatsFile> {
        let file = File::create(path).with_context(|| {
            format!(
                "cannot create the stats file {}; name a writable path for --stats-file",
                path.display()
            )
        })?;
        Ok(StatsFile {
            file,
            path: path.to_path_buf(),
        })
    }

    fn write(&self, text: &str) -> Result<()> {
        (&self.file)
            .write_all(text.as_bytes())
            .with_context(|| format!("cannot write the stats file {}", self.path.display()))
    }
}

/// Writes `line` and a newline to stderr, or nothing if stderr cannot take
/// it. Messages are never worth a panic (`eprintln!` panics when stderr is
/// a closed pipe, as in `gush ... 2>&1 | head -1`): the data goes on, and
/// the exit code still says how the run ended.
pub fn stderr_line(line: &str) {
    let mut stderr = io::stderr().lock();
    let _ = stderr
        .write_all(line.as_bytes())
        .and_then(|()| stderr.write_all(b"\n"));
}

/// As [`stderr_line`], for text that brings its own newlines.
pub fn stderr_text(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

pub fn json<T: Serialize>(stats: &T) -> String {
    serde_json::to_string(stats).expect("stats serialise")
}

/// Bytes as people read them: `1.50 MiB`.
pub(crate) fn size(n: f64) -> String {
    format_size(n as u64, BINARY)
}

/// One `--interval` report in human form; an interval without a timed
/// write shows its latencies as `-`.
pub fn interval_line(s: &Sample, record_noun: &str) -> String {
    let latency = |ns: Option<u64>| ns.map_or_else(|| "-".to_string(), latency::duration_ns);
    format!(
        "gush: {:>7.1}s {:>11} {:>8} {record_noun} {:>11}/s {:>7} IOPS  buffered {:>10}  {} pauses {} drains  write p50 {} p99 {}",
        s.t_s,
        size(s.bytes as f64),
        progress::count(s.records),
        size(s.bytes_per_s),
        progress::count(s.iops.round() as u64),
        size(s.buffered_bytes as f64),
        s.pauses,
        s.drains,
        latency(s.write_p50_ns),
        latency(s.write_p99_ns),
    )
}

/// What an HTTP run adds to an `--interval` line: requests so far, the
/// server's 429s and its pauses.
pub fn interval_http(http: &HttpStats) -> String {
    format!(
        "  http {} req, {} 429, {} 5xx, server pauses {} ({})",
        http.requests,
        http.status_429,
        http.status_5xx,
        http.server_pauses,
        seconds(http.server_paused_s)
    )
}

/// An `--interval` JSON line: the sample's keys, and for an HTTP run the
/// summary's request keys so far.
pub fn interval_json(sample: &Sample, http: Option<&HttpStats>) -> String {
    let mut value = serde_json::to_value(sample).expect("samples serialise");
    if let (Some(http), Some(map)) = (http, value.as_object_mut()) {
        for (key, count) in [
            ("requests", http.requests),
            ("status_429", http.status_429),
            ("status_5xx", http.status_5xx),
            ("retries", http.retries),
            ("server_pauses", http.server_pauses),
        ] {
            map.insert(key.into(), count.into());
        }
        map.insert("server_paused_s".into(), http.server_paused_s.into());
    }
    value.to_string()
}

/// Seconds as people read them: milliseconds below one second.
pub(crate) fn seconds(s: f64) -> String {
    if s < 1.0 {
        format!("{:.1} ms", s * 1000.0)
    } else {
        format!("{s:.2} s")
    }
}
