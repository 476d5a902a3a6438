//! The monitor thread: it watches a running pipeline by reading its
//! counters on a schedule, and feeds what it sees to the live progress
//! display, the `--interval` lines, the `--timeline` CSV, the JSON
//! summary's `intervals` rows and the history the summary's sparklines are
//! drawn from.
//!
//! It also takes what the writer's latency histograms gained into one
//! window per report (`--interval`, `--timeline`, `intervals`,
//! `--latency-log`), each emptied when its report fires; and it ends the
//! `--ramp`: one look at the counters when the ramp is over is the
//! baseline every report and the summary measure from, so nothing is
//! restarted and the rows add up to the summary's figures.
//!
//! It runs on a [`Sampler`] thread, which only reads atomics, so the
//! generator and writer never wait for it, and wakes at once on finishing.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime};

use anyhow::Result;
use hdrhistogram::Histogram;

use super::StatsFormat;
use super::latency_log::LatencyLog;
use super::progress::ProgressLine;
use super::sample::{Rated, Sample, Sampler, Schedule, Watch};
use super::{Progress, Report};
use crate::pipeline::{Flow, Limits};
use crate::stats::Counters;
use crate::stats::latency::{SinceLast, histogram};
use crate::stats::series::{IntervalRow, Ramp, RampBaseline, Series, ramp_cut};

pub use super::history::History;
pub use super::timeline::Timeline;

/// How often the history and progress display are fed.
const TICK: Duration = Duration::from_millis(100);

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
            series: report.series.map(|_| histogram()),
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
            series: report
                .series
                .map(|every| (Schedule::new(every), Series::default())),
            windows,
            latency_log,
            ramp_until: report.ramp,
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
    series: Option<(Schedule<Sample>, Series)>,
    windows: Windows,
    latency_log: Option<LatencyLog>,
    /// When the `--ramp` ends, while it has not yet.
    ramp_until: Option<Duration>,
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
    series: Option<Histogram<u64>>,
}

impl Watch for RunWatch {
    type Output = History;

    fn until_due(&self) -> Duration {
        let mut next = self.tick.next();
        if let Some(until) = self.ramp_until {
            // The reports wait for the ramp's end, which restarts them.
            return next.min(until).saturating_sub(self.started.elapsed());
        }
        if let Some((schedule, _)) = &self.interval {
            next = next.min(schedule.next());
        }
        if let Some((schedule, _)) = &self.timeline {
            next = next.min(schedule.next());
        }
        if let Some((schedule, _)) = &self.series {
            next = next.min(schedule.next());
        }
        if let Some(log) = &self.latency_log {
            next = next.min(log.next);
        }
        next.saturating_sub(self.started.elapsed())
    }

    /// Takes a sample and feeds every report that is due; `last` is the
    /// final look after the run, which writes the last rows and clears the
    /// progress display. During a ramp only the progress display and the
    /// sparklines' history are fed.
    fn look(&mut self, last: bool) -> Result<()> {
        let now = self.started.elapsed();
        let mut sample = Sample::take(&self.counters, now.as_secs_f64());
        self.take_latencies();
        if last {
            self.history.push(sample);
            self.history.progress_shown = self.progress.finish();
        } else if let Some(ticked) = self.tick.due(now, sample) {
            self.history.push(sample);
            if now >= self.progress_after {
                let paused = self.counters.paused.load(Ordering::Relaxed);
                self.progress.draw(&ticked, now, paused);
            }
        }
        if let Some(until) = self.ramp_until {
            if now < until {
                if last {
                    // The run ended inside its ramp: nothing was measured.
                    self.history.ramp = Some(Ramp {
                        asked_s: until.as_secs_f64(),
                        baseline: None,
                    });
                }
                return Ok(());
            }
            sample = self.end_ramp(until, now, sample);
        }
        if !last {
            self.interval_line(now, sample);
        }
        self.timeline_row(now, sample, last)?;
        self.series_row(now, sample, last);
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
        Ok(())
    }

    fn into_output(mut self) -> History {
        if let Some((_, series)) = self.series.take() {
            self.history.series = series.into_rows();
        }
        self.history
    }
}

impl RunWatch {
    /// The ramp is over: this look is the baseline of every figure. Each
    /// report starts its next interval here, with its latencies emptied.
    /// Returns the look as cut (see [`ramp_cut`]).
    fn end_ramp(&mut self, until: Duration, now: Duration, sample: Sample) -> Sample {
        self.ramp_until = None;
        let latency = &self.counters.latency;
        let windows = &self.windows;
        // What the windows have taken, where they take anything: a write
        // that lands between this look and the baseline then goes to the
        // next interval, not to both, and the rows and the latency log add
        // up to the summary's N exactly.
        let some_window = windows.interval.is_some()
            || windows.timeline.is_some()
            || windows.series.is_some()
            || self.latency_log.is_some();
        let write = match some_window {
            true => windows.write_seen.taken(),
            false => latency.write.snapshot(),
        };
        let sync = match self.latency_log.is_some() {
            true => windows.sync_seen.taken(),
            false => latency.sync.snapshot(),
        };
        let mut sample = sample;
        sample.ios = ramp_cut(sample.ios, write.as_ref());
        self.history.ramp = Some(Ramp {
            asked_s: until.as_secs_f64(),
            baseline: Some(RampBaseline {
                t_s: sample.t_s,
                bytes: sample.bytes,
                ios: sample.ios,
                write,
                sync,
            }),
        });
        if let Some((schedule, _)) = &mut self.interval {
            schedule.restart(now, sample);
        }
        if let Some((schedule, _)) = &mut self.timeline {
            schedule.restart(now, sample);
        }
        if let Some((schedule, _)) = &mut self.series {
            schedule.restart(now, sample);
        }
        let windows = &mut self.windows;
        for window in [
            &mut windows.interval,
            &mut windows.timeline,
            &mut windows.series,
        ]
        .into_iter()
        .flatten()
        {
            window.reset();
        }
        if let Some(log) = &mut self.latency_log {
            log.restart(now);
        }
        sample
    }

    /// An `--interval` line, if one is due.
    fn interval_line(&mut self, now: Duration, sample: Sample) {
        let Some((schedule, format)) = &mut self.interval else {
            return;
        };
        let Some(sample) = schedule.due(now, sample) else {
            return;
        };
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

    /// A `--timeline` row, if one is due; always one at the `last` look.
    fn timeline_row(&mut self, now: Duration, sample: Sample, last: bool) -> Result<()> {
        let Some((schedule, timeline)) = &mut self.timeline else {
            return Ok(());
        };
        let fire = match last {
            true => Some(sample.since(schedule.last())),
            false => schedule.due(now, sample),
        };
        let Some(sample) = fire else {
            return Ok(());
        };
        let window = self
            .windows
            .timeline
            .as_mut()
            .expect("made with --timeline");
        timeline.row(&sample.with_latency(window), last)
    }

    /// An `intervals` row of the JSON summary, if one is due; at the `last`
    /// look the rest of the run, unless nothing happened in it.
    fn series_row(&mut self, now: Duration, sample: Sample, last: bool) {
        let Some((schedule, series)) = &mut self.series else {
            return;
        };
        let previous = *schedule.last();
        let fire = match last {
            true => Some(sample.since(&previous)),
            false => schedule.due(now, sample),
        };
        let Some(sample) = fire else {
            return;
        };
        let window = self.windows.series.as_mut().expect("made for the JSON");
        let s = sample.with_latency(window);
        let row = IntervalRow {
            t_s: s.t_s,
            dt_s: s.t_s - previous.t_s,
            bytes: s.bytes - previous.bytes,
            ios: s.ios - previous.ios,
            iops: s.iops,
            bytes_per_s: s.bytes_per_s,
            lat_p50_ns: s.write_p50_ns,
            lat_p99_ns: s.write_p99_ns,
            buffered_bytes: s.buffered_bytes,
            pauses: s.pauses - previous.pauses,
        };
        let empty = row.bytes == 0 && row.ios == 0 && row.pauses == 0;
        if !(last && empty && !series.is_empty()) {
            series.push(row);
        }
    }

    /// Adds the latencies recorded since the last look to the window of
    /// every report that shows them. Sync latencies only go to the log.
    fn take_latencies(&mut self) {
        let Windows {
            write_seen,
            sync_seen,
            new_writes,
            interval,
            timeline,
            series,
        } = &mut self.windows;
        let shared = &self.counters.latency;
        let (log_write, log_sync) = match self.latency_log.as_mut() {
            Some(log) => (Some(&mut log.write), Some(&mut log.sync)),
            None => (None, None),
        };
        if interval.is_none() && timeline.is_none() && series.is_none() && log_write.is_none() {
            return;
        }
        if write_seen.take_into(&shared.write, new_writes) > 0 {
            for window in [
                interval.as_mut(),
                timeline.as_mut(),
                series.as_mut(),
                log_write,
            ]
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
