//! The monitor thread: it watches a running pipeline by reading its
//! counters on a schedule, and feeds what it sees to the live progress
//! display, the `--interval` lines, the `--timeline` CSV and the history
//! the summary's sparklines are drawn from. It also takes what the writer's
//! latency histograms gained into one window per report (`--interval`,
//! `--timeline`, `--latency-log`), each emptied when its report fires.
//!
//! It only reads atomics, so the generator and writer never wait for it,
//! and it sleeps between samples on a channel, so finishing wakes it at once.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result};
use crossbeam_channel::{RecvTimeoutError, Sender};
use hdrhistogram::Histogram;
use serde::Serialize;

use super::latency::percentile;
use super::latency_log::{IntervalLog, LatencyLog};
use super::progress::ProgressLine;
use crate::cli::StatsFormat;
use crate::config::{Progress, Report};
use crate::pipeline::{Flow, Limits};
use crate::stats::Counters;
use crate::stats::latency::{SinceLast, histogram};

/// One look at the counters. Its field names are the keys of the
/// `--interval` JSON lines and the `--timeline` columns.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Sample {
    pub t_s: f64,
    pub bytes: u64,
    pub records: u64,
    /// Over the time since the previous sample of the same report.
    pub bytes_per_s: f64,
    pub buffered_bytes: u64,
    pub pauses: u64,
    pub drains: u64,
    /// The median and 99th percentile of the write latencies of the time
    /// since the previous sample of the same report. `None` (JSON `null`,
    /// an empty CSV field) when no write finished in it: a writer stuck in
    /// one long write has no latency yet, and a 0 would read as a fast disk
    /// to a script averaging the column.
    pub write_p50_ns: Option<u64>,
    pub write_p99_ns: Option<u64>,
}

/// New columns go at the end, so scripts that read columns by position
/// keep working.
const TIMELINE_HEADER: &str =
    "t_s,bytes,records,bytes_per_s,buffered_bytes,pauses,drains,write_p50_ns,write_p99_ns";

impl Sample {
    fn take(counters: &Counters, t_s: f64) -> Sample {
        Sample {
            t_s,
            bytes: Counters::get(&counters.bytes),
            records: Counters::get(&counters.records),
            bytes_per_s: 0.0,
            buffered_bytes: Counters::get(&counters.buffered_bytes),
            pauses: Counters::get(&counters.pauses),
            drains: Counters::get(&counters.drains),
            write_p50_ns: None,
            write_p99_ns: None,
        }
    }

    /// This sample with the write latencies of `window`, which is emptied
    /// for the next interval.
    fn with_latency(mut self, window: &mut Histogram<u64>) -> Sample {
        if !window.is_empty() {
            self.write_p50_ns = Some(percentile(window, 50.0));
            self.write_p99_ns = Some(percentile(window, 99.0));
        }
        window.reset();
        self
    }

    /// This sample with its rate measured since `previous`.
    fn since(mut self, previous: &Sample) -> Sample {
        let dt = self.t_s - previous.t_s;
        self.bytes_per_s = if dt > 0.0 {
            self.bytes.saturating_sub(previous.bytes) as f64 / dt
        } else {
            0.0
        };
        self
    }
}

/// The samples of a run, for sparklines: at most [`HISTORY_CAP`] of them,
/// thinned to every other one (and the spacing doubled) when full, so a
/// run of any length costs the same memory.
#[derive(Debug, Default)]
pub struct History {
    pub samples: Vec<Sample>,
    every: u32,
    skipped: u32,
    /// True if the progress display was drawn at some point.
    pub progress_shown: bool,
}

const HISTORY_CAP: usize = 1024;

impl History {
    fn push(&mut self, sample: Sample) {
        self.skipped += 1;
        if self.skipped < self.every.max(1) {
            return;
        }
        self.skipped = 0;
        let sample = match self.samples.last() {
            Some(previous) => sample.since(previous),
            None => sample.since(&Sample::default()),
        };
        self.samples.push(sample);
        if self.samples.len() == HISTORY_CAP {
            let mut keep = 0;
            self.samples.retain(|_| {
                keep += 1;
                keep % 2 == 0
            });
            self.every = self.every.max(1) * 2;
        }
    }
}

/// A report that fires on its own period.
struct Schedule {
    period: Duration,
    next: Duration,
    last: Sample,
}

impl Schedule {
    fn new(period: Duration) -> Schedule {
        Schedule {
            period,
            next: period,
            last: Sample::default(),
        }
    }

    /// The sample with its rate since this schedule last fired, if it is due.
    fn due(&mut self, now: Duration, sample: Sample) -> Option<Sample> {
        if now < self.next {
            return None;
        }
        while self.next <= now {
            self.next += self.period;
        }
        let sample = sample.since(&self.last);
        self.last = sample;
        Some(sample)
    }
}

/// How often the history and progress display are fed.
const TICK: Duration = Duration::from_millis(100);

/// The `--timeline` CSV, created before the destination is opened so that
/// a bad path fails the run before it leaves an empty output behind.
pub struct Timeline {
    out: BufWriter<File>,
    path: PathBuf,
}

impl Timeline {
    pub fn create(path: &Path) -> Result<Timeline> {
        let shown = || format!("cannot create the timeline file {}", path.display());
        let mut out = BufWriter::new(File::create(path).with_context(shown)?);
        writeln!(out, "{TIMELINE_HEADER}").with_context(shown)?;
        Ok(Timeline {
            out,
            path: path.to_path_buf(),
        })
    }
}

pub struct Monitor {
    stop: Sender<()>,
    thread: JoinHandle<Result<History>>,
}

impl Monitor {
    /// Starts watching `counters` for the reports `report` asks for.
    pub fn start(
        counters: Arc<Counters>,
        report: &Report,
        limits: Limits,
        flow: Flow,
        record_noun: &'static str,
        timeline: Option<Timeline>,
        latency_log: Option<LatencyLog>,
    ) -> Result<Monitor> {
        let windows = Windows {
            write_seen: SinceLast::default(),
            sync_seen: SinceLast::default(),
            new_writes: histogram(),
            interval: report.interval.map(|_| histogram()),
            timeline: timeline.as_ref().map(|_| histogram()),
        };
        let log_period = report.interval.unwrap_or(LATENCY_LOG_PERIOD);
        let mut watch = Watch {
            windows,
            counters,
            started: Instant::now(),
            progress: ProgressLine::new(report.progress, limits, flow.hwm_bytes, record_noun),
            progress_after: match report.progress {
                Progress::Always => Duration::ZERO,
                _ => Duration::from_secs(1),
            },
            history: History::default(),
            tick: Schedule::new(TICK),
            interval: report
                .interval
                .map(|every| (Schedule::new(every), report.stats)),
            timeline: timeline.map(|file| (Schedule::new(report.interval.unwrap_or(TICK)), file)),
        };
        let (stop, stopped) = crossbeam_channel::bounded::<()>(1);
        let thread = std::thread::Builder::new()
            .name("gush-monitor".into())
            .spawn(move || {
                let mut latency_log = latency_log;
                let start = SystemTime::now() - watch.started.elapsed();
                let mut log = match latency_log.as_mut() {
                    Some(file) => Some(file.begin(start, log_period)?),
                    None => None,
                };
                loop {
                    let now = watch.started.elapsed();
                    let mut next = watch.next_due();
                    if let Some(log) = &log {
                        next = next.min(log.next);
                    }
                    match stopped.recv_timeout(next.saturating_sub(now)) {
                        Err(RecvTimeoutError::Timeout) => watch.look(false, log.as_mut())?,
                        _ => break,
                    }
                }
                watch.look(true, log.as_mut())?;
                drop(log);
                if let Some(file) = &mut latency_log {
                    file.flush()?;
                }
                Ok(watch.history)
            })
            .context("cannot start the monitor thread")?;
        Ok(Monitor { stop, thread })
    }

    /// Stops watching and returns the run's history; the progress display
    /// is cleared so the summary can take its place.
    pub fn finish(self) -> Result<History> {
        let _ = self.stop.send(());
        self.thread.join().expect("monitor thread panicked")
    }
}

/// How often `--latency-log` writes an interval without `--interval`.
const LATENCY_LOG_PERIOD: Duration = Duration::from_secs(1);

/// The write latencies of each report's current interval, taken from the
/// writer's shared histograms at every look.
struct Windows {
    write_seen: SinceLast,
    sync_seen: SinceLast,
    /// Scratch space for one look's new write latencies, allocated once.
    new_writes: Histogram<u64>,
    interval: Option<Histogram<u64>>,
    timeline: Option<Histogram<u64>>,
}

struct Watch {
    windows: Windows,
    counters: Arc<Counters>,
    started: Instant,
    progress: ProgressLine,
    progress_after: Duration,
    history: History,
    tick: Schedule,
    interval: Option<(Schedule, Option<StatsFormat>)>,
    timeline: Option<(Schedule, Timeline)>,
}

impl Watch {
    fn next_due(&self) -> Duration {
        let mut next = self.tick.next;
        if let Some((schedule, _)) = &self.interval {
            next = next.min(schedule.next);
        }
        if let Some((schedule, _)) = &self.timeline {
            next = next.min(schedule.next);
        }
        next
    }

    /// Takes a sample and feeds every report that is due; `last` is the
    /// final look after the run, which writes the timeline's last row and
    /// clears the progress display.
    fn look(&mut self, last: bool, mut log: Option<&mut IntervalLog>) -> Result<()> {
        let now = self.started.elapsed();
        let sample = Sample::take(&self.counters, now.as_secs_f64());
        self.take_latencies(log.as_deref_mut());
        if last {
            self.history.push(sample);
        } else if let Some(ticked) = self.tick.due(now, sample) {
            self.history.push(sample);
            if now >= self.progress_after {
                let paused = self.counters.paused.load(Ordering::Relaxed);
                self.progress.draw(&ticked, now, paused);
            }
        }
        if let Some((schedule, format)) = &mut self.interval
            && !last
            && let Some(sample) = schedule.due(now, sample)
        {
            let window = self
                .windows
                .interval
                .as_mut()
                .expect("made with --interval");
            let sample = sample.with_latency(window);
            let line = match format {
                Some(StatsFormat::Json) => {
                    serde_json::to_string(&sample).expect("samples serialise")
                }
                _ => super::interval_line(&sample, self.progress.record_noun()),
            };
            self.progress.print(&line);
        }
        if let Some((schedule, Timeline { out, path })) = &mut self.timeline {
            let fire = if last {
                Some(sample.since(&schedule.last))
            } else {
                schedule.due(now, sample)
            };
            if let Some(s) = fire {
                let window = self
                    .windows
                    .timeline
                    .as_mut()
                    .expect("made with --timeline");
                let s = s.with_latency(window);
                let field = |ns: Option<u64>| ns.map_or_else(String::new, |ns| ns.to_string());
                writeln!(
                    out,
                    "{:.3},{},{},{:.0},{},{},{},{},{}",
                    s.t_s,
                    s.bytes,
                    s.records,
                    s.bytes_per_s,
                    s.buffered_bytes,
                    s.pauses,
                    s.drains,
                    field(s.write_p50_ns),
                    field(s.write_p99_ns),
                )
                .and_then(|()| if last { out.flush() } else { Ok(()) })
                .with_context(|| format!("cannot write the timeline file {}", path.display()))?;
            }
        }
        if let Some(log) = log
            && (last || log.due(now))
        {
            // The last, partial interval too: the log's counts add up to
            // the summary's N.
            log.write_interval(now)?;
        }
        if last {
            self.history.progress_shown = self.progress.finish();
        }
        Ok(())
    }

    /// Adds the latencies recorded since the last look to the window of
    /// every report that shows them. Sync latencies only go to the log.
    fn take_latencies(&mut self, log: Option<&mut IntervalLog>) {
        let Windows {
            write_seen,
            sync_seen,
            new_writes,
            interval,
            timeline,
        } = &mut self.windows;
        let shared = &self.counters.latency;
        let (log_write, log_sync) = match log {
            Some(log) => (Some(&mut log.write), Some(&mut log.sync)),
            None => (None, None),
        };
        if interval.is_none() && timeline.is_none() && log_write.is_none() {
            return;
        }
        if write_seen.take_into(&shared.write, new_writes) > 0 {
            for window in [interval.as_mut(), timeline.as_mut(), log_write]
                .into_iter()
                .flatten()
            {
                window.add(&*new_writes).expect("windows share the bounds");
            }
            new_writes.reset();
        }
        if let Some(sync) = log_sync {
            sync_seen.take_into(&shared.sync, sync);
        }
    }
}
