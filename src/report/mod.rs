//! How a run is shown: live (the monitor thread feeding progress, interval
//! lines and the timeline) and at the end (a short human summary with
//! sparklines, or one JSON object, on stderr, and the JSON in a file).

pub mod latency;
pub mod latency_log;
pub mod monitor;
pub mod progress;
pub mod sample;
pub mod sparkline;
pub mod verify;

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use humansize::{BINARY, format_size};
use serde::Serialize;

use crate::stats::{HttpStats, Stats};
use monitor::History;
use sample::Sample;
use sparkline::sparkline;

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
    /// `-q`: nothing on stderr but errors.
    pub quiet: bool,
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

/// Prints and saves the summary as the configuration asks. A run that
/// showed live progress gets the human summary in its place even without
/// `--stats`.
pub fn finish(
    report: &Report,
    stats_file: Option<&StatsFile>,
    stats: &Stats,
    history: &History,
) -> Result<()> {
    emit(
        stats,
        report.stats,
        stats_file,
        || human(stats, history),
        history.progress_shown,
    )
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

/// Runs shorter than this get no sparklines: too few samples to draw.
const SPARKLINE_MIN_S: f64 = 2.0;
const SPARKLINE_WIDTH: usize = 60;

/// Bytes as people read them: `1.50 MiB`.
pub(crate) fn size(n: f64) -> String {
    format_size(n as u64, BINARY)
}

/// The human summary: what was written, how fast, and how it flowed; for
/// a run of two seconds or more, sparklines of throughput and buffer
/// occupancy over the run.
pub fn human(s: &Stats, history: &History) -> String {
    let mut out = String::new();
    let records = match s.records {
        0 => String::new(),
        n => format!(", {n} {}", s.record_noun),
    };
    let _ = writeln!(
        out,
        "gush: {} ({} bytes{records}) to {} in {}, {}/s",
        size(s.bytes as f64),
        s.bytes,
        s.destination,
        seconds(s.elapsed_s),
        size(s.bytes_per_s),
    );
    let _ = writeln!(
        out,
        "  flow: {} pauses ({} paused), {} drains; writer idle {}; bottleneck: {}",
        s.pauses,
        seconds(s.paused_s),
        s.drains,
        seconds(s.writer_idle_s),
        s.bottleneck.as_str(),
    );
    if s.threads > 1 {
        // Each thread's busy time, so an idle one (parked, or waiting on
        // its turn) shows.
        let busy: Vec<String> = s.generator_busy_s.iter().map(|b| seconds(*b)).collect();
        let _ = writeln!(
            out,
            "  generators: {} threads, busy {}",
            s.threads,
            busy.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "  buffer: peak {}, mean {} (hwm {}, lwm {}, chunk {})",
        size(s.peak_buffered_bytes as f64),
        size(s.mean_buffered_bytes),
        size(s.hwm_bytes as f64),
        size(s.lwm_bytes as f64),
        size(s.chunk_bytes as f64),
    );
    let seed = s
        .seed
        .map_or_else(|| "none".to_string(), |seed| seed.to_string());
    let _ = writeln!(
        out,
        "  seed {seed}; {} writes; ended {}",
        s.writes,
        s.end.as_str()
    );
    if let Some(line) = latency::summary_line(s.write_lat_ns.as_ref(), s.sync_lat_ns.as_ref()) {
        let _ = writeln!(out, "  {line}");
    }
    if let Some(net) = &s.network {
        let asked = net.send_buffer_asked.map_or(String::new(), |asked| {
            format!(" (asked {})", size(asked as f64))
        });
        let losses = match net.reconnects {
            0 => String::new(),
            _ => format!(
                " ({} lost in flight, {} dropped)",
                size(net.lost_in_flight_bytes as f64),
                size(net.dropped_bytes as f64)
            ),
        };
        let _ = writeln!(
            out,
            "  network: {} connecting; {} reconnects{losses}; send buffer {}{asked}",
            seconds(net.connect_s),
            net.reconnects,
            size(net.send_buffer_bytes as f64),
        );
    }
    if let Some(disk) = &s.disk {
        let mode = match (disk.direct, disk.dsync) {
            (true, true) => "direct, dsync",
            (true, false) => "direct",
            (false, true) => "buffered, dsync",
            (false, false) => "buffered",
        };
        let syncs = match disk.syncs {
            0 => String::new(),
            n => format!(": {n} {}s in {}", disk.sync_call, seconds(disk.sync_s)),
        };
        let _ = writeln!(
            out,
            "  disk: {mode}; engine {}, queue depth {}; sync {}{syncs}",
            disk.engine, disk.queue_depth, disk.sync,
        );
        if let (Some(region), Some(passes)) = (&disk.region, disk.passes) {
            let _ = writeln!(out, "  region: {region}; passes: {passes:.2}");
        }
        if let Some(coverage) = disk.coverage_pct {
            let _ = writeln!(out, "  coverage: {coverage:.1} % of blocks written");
        }
    }
    if let Some(verified) = &s.verify {
        out.push_str(&verify::human(verified));
    }
    if let Some(http) = &s.http {
        let _ = writeln!(out, "  {}", http_line(http));
    }
    if s.elapsed_s >= SPARKLINE_MIN_S && history.samples.len() >= 2 {
        let rates: Vec<f64> = history.samples.iter().map(|x| x.bytes_per_s).collect();
        let peak = rates.iter().copied().fold(0.0, f64::max);
        let occupancy: Vec<f64> = history
            .samples
            .iter()
            .map(|x| x.buffered_bytes as f64)
            .collect();
        let _ = writeln!(
            out,
            "  throughput {}  peak {}/s",
            sparkline(&rates, SPARKLINE_WIDTH, peak),
            size(peak)
        );
        let _ = writeln!(
            out,
            "  buffer     {}  of hwm {}",
            sparkline(&occupancy, SPARKLINE_WIDTH, s.hwm_bytes as f64),
            size(s.hwm_bytes as f64)
        );
    }
    out
}

/// `http: 120 requests (118 2xx, 2 429), 2 retries, 128 KiB retried;
/// server pauses 2 (0.1 s)`: the statuses that are not 2xx are shown only
/// when some came.
pub fn http_line(http: &HttpStats) -> String {
    let mut statuses = format!("{} 2xx", http.status_2xx);
    let other_4xx = http.status_4xx - http.status_429;
    for (count, class) in [
        (http.status_429, "429"),
        (other_4xx, "other 4xx"),
        (http.status_5xx, "5xx"),
    ] {
        if count > 0 {
            let _ = write!(statuses, ", {count} {class}");
        }
    }
    let depth = match http.http_mode {
        "batch" => format!(", depth {}", http.http_queue_depth),
        _ => String::new(),
    };
    format!(
        "http: {} {} requests{depth} ({statuses}), {} retries, {} retried; server pauses {} ({})",
        http.requests,
        http.http_mode,
        http.retries,
        size(http.retried_bytes as f64),
        http.server_pauses,
        seconds(http.server_paused_s),
    )
}

/// One `--interval` report in human form; an interval without a timed
/// write shows its latencies as `-`.
pub fn interval_line(s: &Sample, record_noun: &str) -> String {
    let latency = |ns: Option<u64>| ns.map_or_else(|| "-".to_string(), latency::duration_ns);
    format!(
        "gush: {:>7.1}s {:>11} {:>8} {record_noun} {:>11}/s  buffered {:>10}  {} pauses {} drains  write p50 {} p99 {}",
        s.t_s,
        size(s.bytes as f64),
        progress::count(s.records),
        size(s.bytes_per_s),
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
