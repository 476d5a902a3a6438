//! What `gush catch` shows: a line per `--interval` while it runs and a
//! summary at the end, human or one JSON object, shaped like gush's own
//! reports (the same key names where they mean the same thing).

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use serde::Serialize;

use super::connection::{ConnectionReport, Live};
use crate::report::StatsFormat;
use crate::report::progress::count;
use crate::report::sample::{Rated, Sampler, Schedule, Watch};
use crate::report::{seconds, size, stderr_line};
use crate::source::framing::Framing;
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
    pub destination: Destination,
    pub framing: Framing,
    pub end: End,
    /// The first [`PER_CONNECTION_SHOWN`] connections, in the order accepted.
    pub per_connection: Vec<ConnectionReport>,
    /// `--http` only: requests served and those answered 429.
    #[serde(flatten)]
    pub http: Option<CatchHttpStats>,
    #[serde(skip)]
    pub record_noun: &'static str,
}

/// Where what arrives goes: in the JSON, `discarded`, or the name saved to
/// (`stdout` or the path).
#[derive(Debug, Clone)]
pub enum Destination {
    Discarded,
    Saved(String),
}

impl Serialize for Destination {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Destination::Discarded => serializer.serialize_str("discarded"),
            Destination::Saved(name) => serializer.serialize_str(name),
        }
    }
}

/// What `gush catch --http` adds to the summary.
#[derive(Debug, Clone, Serialize)]
pub struct CatchHttpStats {
    pub requests: u64,
    /// Answered 429 by `--reject`.
    pub rejected: u64,
    /// Answered 503: `--hwm` was full of bodies waiting for their turn.
    pub busy: u64,
}

/// Connections listed one by one in the summary; a long `--keep` run
/// reports the rest in the totals only, so the report stays bounded.
pub const PER_CONNECTION_SHOWN: usize = 1000;

/// The human summary lists fewer.
const HUMAN_SHOWN: usize = 20;

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
    if let Some(http) = &s.http {
        let busy = match http.busy {
            0 => String::new(),
            n => format!(", {n} answered 503 (--hwm full)"),
        };
        let _ = writeln!(
            out,
            "  http: {} requests, {} rejected with 429{busy}",
            http.requests, http.rejected
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
        match &s.destination {
            Destination::Discarded => "discarded".to_string(),
            Destination::Saved(name) => format!("saved to {name}"),
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

impl Sample {
    fn take(live: &Live, t_s: f64) -> Sample {
        Sample {
            t_s,
            bytes: Counters::get(&live.bytes),
            records: Counters::get(&live.records),
            bytes_per_s: 0.0,
            open_connections: Counters::get(&live.open),
        }
    }
}

impl Rated for Sample {
    fn t_s(&self) -> f64 {
        self.t_s
    }

    fn bytes(&self) -> u64 {
        self.bytes
    }

    fn set_bytes_per_s(&mut self, bytes_per_s: f64) {
        self.bytes_per_s = bytes_per_s;
    }
}

/// The thread printing `--interval` lines: a [`Sampler`] like gush's own
/// monitor, with the one report.
pub struct Ticker {
    sampler: Sampler<()>,
}

impl Ticker {
    pub fn start(
        live: Arc<super::Shared>,
        every: Duration,
        format: Option<StatsFormat>,
        record_noun: &'static str,
    ) -> Result<Ticker> {
        let watch = IntervalWatch {
            live,
            started: Instant::now(),
            schedule: Schedule::new(every),
            format,
            record_noun,
        };
        let sampler = Sampler::start("gush-catch-ticker", "interval", watch)?;
        Ok(Ticker { sampler })
    }

    pub fn finish(self) {
        // The watch never fails, and a thread that panicked has said so.
        let _ = self.sampler.finish();
    }
}

struct IntervalWatch {
    live: Arc<super::Shared>,
    started: Instant,
    schedule: Schedule<Sample>,
    format: Option<StatsFormat>,
    record_noun: &'static str,
}

impl Watch for IntervalWatch {
    type Output = ();

    fn until_due(&self) -> Duration {
        self.schedule.next().saturating_sub(self.started.elapsed())
    }

    /// Prints the line if it is due. Nothing is printed once the serving is
    /// over: the summary follows at once.
    fn look(&mut self, last: bool) -> Result<()> {
        if last {
            return Ok(());
        }
        let now = self.started.elapsed();
        let sample = Sample::take(&self.live.live, now.as_secs_f64());
        let Some(sample) = self.schedule.due(now, sample) else {
            return Ok(());
        };
        match self.format {
            Some(StatsFormat::Json) => {
                stderr_line(&serde_json::to_string(&sample).expect("samples serialise"))
            }
            _ => stderr_line(&format!(
                "gush catch: {:>7.1}s {:>11} {:>8} {} {:>11}/s  {} open",
                sample.t_s,
                size(sample.bytes as f64),
                count(sample.records),
                self.record_noun,
                size(sample.bytes_per_s),
                sample.open_connections
            )),
        }
        Ok(())
    }

    fn into_output(self) {}
}
