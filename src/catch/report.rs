//! What `gush catch` shows: a line per `--interval` while it runs and a
//! summary at the end, human or one JSON object, shaped like gush's own
//! reports (the same key names where they mean the same thing).

use std::fmt::Write as _;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use crossbeam_channel::{RecvTimeoutError, Sender};
use serde::Serialize;

use super::connection::{ConnectionReport, Live};
use crate::cli::StatsFormat;
use crate::config::catch::CatchConfig;
use crate::report::progress::count;
use crate::report::{StatsFile, emit, seconds, size, stderr_line};
use crate::stats::{Counters, End};

/// The summary. Its field names are the keys of `--stats=json`.
#[derive(Debug, Clone, Serialize)]
pub struct CatchStats {
    pub bytes: u64,
    /// Lines, or messages with `--framing octet-counted`.
    pub records: u64,
    pub connections: u64,
    /// From the first connection accepted to the last one ended.
    pub elapsed_s: f64,
    pub bytes_per_s: f64,
    pub records_per_s: f64,
    pub listen: String,
    /// `discarded`, `stdout` or the path saved to.
    pub destination: String,
    pub framing: &'static str,
    pub end: End,
    /// The first [`PER_CONNECTION_SHOWN`] connections, in the order accepted.
    pub per_connection: Vec<ConnectionReport>,
    #[serde(skip)]
    pub record_noun: &'static str,
}

/// Connections listed one by one in the summary; a long `--keep` run
/// reports the rest in the totals only, so the report stays bounded.
pub const PER_CONNECTION_SHOWN: usize = 1000;

/// The human summary lists fewer.
const HUMAN_SHOWN: usize = 20;

/// Prints and saves the summary as the configuration asks.
pub fn finish(
    config: &CatchConfig,
    stats_file: Option<&StatsFile>,
    stats: &CatchStats,
) -> Result<()> {
    emit(stats, config.stats, stats_file, || human(stats), false)
}

pub fn human(s: &CatchStats) -> String {
    let mut out = String::new();
    let connections = match s.connections {
        1 => "1 connection".to_string(),
        n => format!("{n} connections"),
    };
    let _ = writeln!(
        out,
        "gush catch: {} ({} bytes, {} {}) from {connections} in {}, {}/s, {} {}/s",
        size(s.bytes as f64),
        s.bytes,
        s.records,
        s.record_noun,
        seconds(s.elapsed_s),
        size(s.bytes_per_s),
        count(s.records_per_s as u64),
        s.record_noun,
    );
    for c in s.per_connection.iter().take(HUMAN_SHOWN) {
        let error = c
            .error
            .as_deref()
            .map_or(String::new(), |e| format!(": {e}"));
        let _ = writeln!(
            out,
            "  #{} {}: {} ({} {}) in {}, {}/s; {}{error}",
            c.number,
            c.peer,
            size(c.bytes as f64),
            c.records,
            s.record_noun,
            seconds(c.elapsed_s),
            size(c.bytes_per_s),
            c.end.as_str(),
        );
    }
    let listed = s.per_connection.len().min(HUMAN_SHOWN) as u64;
    if s.connections > listed {
        let _ = writeln!(out, "  … and {} more", s.connections - listed);
    }
    let _ = writeln!(
        out,
        "  listened on {}; {}; ended {}",
        s.listen,
        match s.destination.as_str() {
            "discarded" => "discarded".to_string(),
            path => format!("saved to {path}"),
        },
        s.end.as_str()
    );
    out
}

/// One look at the live counters: an `--interval` line.
#[derive(Debug, Clone, Copy, Default, Serialize)]
struct Sample {
    t_s: f64,
    bytes: u64,
    records: u64,
    /// Over the time since the previous line.
    bytes_per_s: f64,
    open_connections: u64,
}

/// The thread printing `--interval` lines.
pub struct Ticker {
    stop: Sender<()>,
    thread: JoinHandle<()>,
}

impl Ticker {
    pub fn start(
        live: Arc<super::Shared>,
        every: Duration,
        format: Option<StatsFormat>,
        record_noun: &'static str,
    ) -> Result<Ticker> {
        let (stop, stopped) = crossbeam_channel::bounded::<()>(1);
        let started = Instant::now();
        let thread = std::thread::Builder::new()
            .name("gush-catch-ticker".into())
            .spawn(move || {
                let mut last = Sample::default();
                let mut next = every;
                loop {
                    let wait = next.saturating_sub(started.elapsed());
                    match stopped.recv_timeout(wait) {
                        Err(RecvTimeoutError::Timeout) => {}
                        _ => return,
                    }
                    next += every;
                    let sample = take(&live.live, started, &last);
                    last = sample;
                    match format {
                        Some(StatsFormat::Json) => {
                            stderr_line(&serde_json::to_string(&sample).expect("samples serialise"))
                        }
                        _ => stderr_line(&format!(
                            "gush catch: {:>7.1}s {:>11} {:>8} {record_noun} {:>11}/s  {} open",
                            sample.t_s,
                            size(sample.bytes as f64),
                            count(sample.records),
                            size(sample.bytes_per_s),
                            sample.open_connections
                        )),
                    }
                }
            })
            .context("cannot start the interval thread")?;
        Ok(Ticker { stop, thread })
    }

    pub fn finish(self) {
        let _ = self.stop.send(());
        let _ = self.thread.join();
    }
}

fn take(live: &Live, started: Instant, last: &Sample) -> Sample {
    let t_s = started.elapsed().as_secs_f64();
    let bytes = Counters::get(&live.bytes);
    let dt = t_s - last.t_s;
    Sample {
        t_s,
        bytes,
        records: Counters::get(&live.records),
        bytes_per_s: if dt > 0.0 {
            bytes.saturating_sub(last.bytes) as f64 / dt
        } else {
            0.0
        },
        open_connections: Counters::get(&live.open),
    }
}
