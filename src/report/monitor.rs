//! The monitor thread: it watches a running pipeline by reading its
//! counters on a schedule, and feeds what it sees to the live progress
//! display, the `--interval` lines, the `--timeline` CSV and the history
//! the summary's sparklines are drawn from.
//!
//! It also takes what the writer's latency histograms gained into one
//! window per report (`--interval`, `--timeline`, `--latency-log`), each
//! emptied when its report fires.
//!
//! It runs on a [`Sampler`] thread, which only reads atomics, so the
//! generator and writer never wait for it, and wakes at once on finishing.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result};
use hdrhistogram::Histogram;

use super::StatsFormat;
use super::latency_log::LatencyLog;
use super::progress::ProgressLine;
use super::sample::{Rated, Sample, Sampler, Schedule, Watch};
use super::{Progress, Report};
use crate::pipeline::{Flow, Limits};
use crate::stats::Counters;
use crate::stats::latency::{SinceLast, histogram};

/// New columns go at the end, so scripts that read columns by position
/// keep working.
const TIMELINE_HEADER: &str =
    "t_s,bytes,records,bytes_per_s,buffered_bytes,pauses,drains,write_p50_ns,write_p99_ns";

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
    sampler: Sampler<History>,
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
        let mut latency_log = latency_log;
        if let Some(log) = &mut latency_log {
            log.begin(
                SystemTime::now(),
                report.interval.unwrap_or(LATENCY_LOG_PERIOD),
            )?;
        }
        let windows = Windows {
            write_seen: SinceLast::default(),
            sync_seen: SinceLast::default(),
            new_writes: histogram(),
            interval: report.interval.map(|_| histogram()),
            timeline: timeline.as_ref().map(|_| histogram()),
        };
        let watch = RunWatch {
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
            windows,
            latency_log,
        };
        let sampler = Sampler::start("gush-monitor", "monitor", watch)?;
        Ok(Monitor { sampler })
    }

    /// Stops watching and returns the run's history; the progress display
    /// is cleared so the summary can take its place.
    pub fn finish(self) -> Result<History> {
        self.sampler.finish()
    }
}

struct RunWatch {
    counters: Arc<Counters>,
    started: Instant,
    progress: ProgressLine,
    progress_after: Duration,
    history: History,
    tick: Schedule<Sample>,
    interval: Option<(Schedule<Sample>, Option<StatsFormat>)>,
    timeline: Option<(Schedule<Sample>, Timeline)>,
    windows: Windows,
    latency_log: Option<LatencyLog>,
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

impl Watch for RunWatch {
    type Output = History;

    fn until_due(&self) -> Duration {
        let mut next = self.tick.next();
        if let Some((schedule, _)) = &self.interval {
            next = next.min(schedule.next());
        }
        if let Some((schedule, _)) = &self.timeline {
            next = next.min(schedule.next());
        }
        if let Some(log) = &self.latency_log {
            next = next.min(log.next);
        }
        next.saturating_sub(self.started.elapsed())
    }

    /// Takes a sample and feeds every report that is due; `last` is the
    /// final look after the run, which writes the timeline's last row and
    /// clears the progress display.
    fn look(&mut self, last: bool) -> Result<()> {
        let now = self.started.elapsed();
        let sample = Sample::take(&self.counters, now.as_secs_f64());
        self.take_latencies();
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
            let http = self.counters.http.get().map(|live| live.snapshot());
            let line = match format {
                Some(StatsFormat::Json) => super::interval_json(&sample, http.as_ref()),
                _ => {
                    let mut line = super::interval_line(&sample, self.progress.record_noun());
                    if let Some(http) = &http {
                        line += &super::interval_http(http);
                    }
                    line
                }
            };
            self.progress.print(&line);
        }
        if let Some((schedule, Timeline { out, path })) = &mut self.timeline {
            let fire = if last {
                Some(sample.since(schedule.last()))
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
        if let Some(log) = &mut self.latency_log
            && (last || log.due(now))
        {
            // The last, partial interval too: the log's counts add up to
            // the summary's N.
            log.write_interval(now)?;
            if last {
                log.flush()?;
            }
        }
        if last {
            self.history.progress_shown = self.progress.finish();
        }
        Ok(())
    }

    fn into_output(self) -> History {
        self.history
    }
}

impl RunWatch {
    /// Adds the latencies recorded since the last look to the window of
    /// every report that shows them. Sync latencies only go to the log.
    fn take_latencies(&mut self) {
        let Windows {
            write_seen,
            sync_seen,
            new_writes,
            interval,
            timeline,
        } = &mut self.windows;
        let shared = &self.counters.latency;
        let (log_write, log_sync) = match self.latency_log.as_mut() {
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
