//! Looking at live counters on a schedule: the samples a report is made
//! of, the schedule that says when each report is due and measures its
//! rate since it last fired, and the thread that takes the looks.
//!
//! Both the monitor of a gush run and `gush catch`'s `--interval` lines are
//! built from these pieces, so they keep time and measure rates the same
//! way. It sits below `monitor` and `progress`, which both read samples,
//! so that neither has to import the other for them.

use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context, Result};
use crossbeam_channel::{RecvTimeoutError, Sender};
use hdrhistogram::Histogram;
use serde::Serialize;

use crate::stats::Counters;
use crate::stats::latency::percentile;

/// A look at counters that carries a byte rate, measured between two looks.
pub trait Rated: Copy + Default {
    /// Seconds since the run started.
    fn t_s(&self) -> f64;
    fn bytes(&self) -> u64;
    fn set_bytes_per_s(&mut self, bytes_per_s: f64);

    /// I/Os so far, for a look that counts them.
    fn ios(&self) -> u64 {
        0
    }

    fn set_iops(&mut self, _iops: f64) {}

    /// This sample with its rates measured since `previous`.
    fn since(mut self, previous: &Self) -> Self {
        let dt = self.t_s() - previous.t_s();
        let rate = |now: u64, before: u64| match dt {
            dt if dt > 0.0 => now.saturating_sub(before) as f64 / dt,
            _ => 0.0,
        };
        self.set_bytes_per_s(rate(self.bytes(), previous.bytes()));
        self.set_iops(rate(self.ios(), previous.ios()));
        self
    }
}

/// One look at a gush run's counters. Its field names are the keys of the
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
    /// Writes the destination took so far, and per second over the same
    /// time as `bytes_per_s`.
    pub ios: u64,
    pub iops: f64,
}

impl Sample {
    pub fn take(counters: &Counters, t_s: f64) -> Sample {
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
            ios: Counters::get(&counters.ios),
            iops: 0.0,
        }
    }

    /// This sample with the write latencies of `window`, which is emptied
    /// for the next interval.
    pub fn with_latency(mut self, window: &mut Histogram<u64>) -> Sample {
        if !window.is_empty() {
            self.write_p50_ns = Some(percentile(window, 50.0));
            self.write_p99_ns = Some(percentile(window, 99.0));
        }
        window.reset();
        self
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

    fn ios(&self) -> u64 {
        self.ios
    }

    fn set_iops(&mut self, iops: f64) {
        self.iops = iops;
    }
}

/// A report that fires on its own period.
pub struct Schedule<S> {
    period: Duration,
    next: Duration,
    last: S,
}

impl<S: Rated> Schedule<S> {
    pub fn new(period: Duration) -> Schedule<S> {
        Schedule {
            period,
            next: period,
            last: S::default(),
        }
    }

    /// When, since the start, this report is next due.
    pub fn next(&self) -> Duration {
        self.next
    }

    /// The sample this report last fired with.
    pub fn last(&self) -> &S {
        &self.last
    }

    /// Starts the report over from `sample`, taken at `now`: its next
    /// interval measures from there (the end of a `--ramp`).
    pub fn restart(&mut self, now: Duration, sample: S) {
        self.last = sample;
        self.next = now + self.period;
    }

    /// The sample with its rate since this schedule last fired, if it is
    /// due. Periods missed by a late wake-up are skipped, not made up in a
    /// burst of reports.
    pub fn due(&mut self, now: Duration, sample: S) -> Option<S> {
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

/// What a [`Sampler`] thread runs: looks at counters whenever one of its
/// reports is due.
pub trait Watch: Send + 'static {
    /// What the watch hands back when it is stopped.
    type Output: Send + 'static;

    /// How long until the next report is due.
    fn until_due(&self) -> Duration;

    /// Takes a sample and feeds every report that is due; `last` is the
    /// look taken once the watched run has ended.
    fn look(&mut self, last: bool) -> Result<()>;

    fn into_output(self) -> Self::Output;
}

/// The thread running a [`Watch`]. It sleeps between looks on a channel,
/// so finishing wakes it at once, and it only reads atomics, so the threads
/// it watches never wait for it.
pub struct Sampler<T> {
    stop: Sender<()>,
    thread: JoinHandle<Result<T>>,
}

impl<T: Send + 'static> Sampler<T> {
    /// Runs `watch` on a thread called `thread_name`; `what` names it in
    /// the error if it cannot start.
    pub fn start<W: Watch<Output = T>>(
        thread_name: &str,
        what: &str,
        mut watch: W,
    ) -> Result<Sampler<T>> {
        let (stop, stopped) = crossbeam_channel::bounded::<()>(1);
        let thread = std::thread::Builder::new()
            .name(thread_name.into())
            .spawn(move || {
                // Anything but a timeout (a stop, or the sender dropped)
                // ends the watch.
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(watch.until_due()) {
                    watch.look(false)?;
                }
                watch.look(true)?;
                Ok(watch.into_output())
            })
            .with_context(|| format!("cannot start the {what} thread"))?;
        Ok(Sampler { stop, thread })
    }

    /// Stops the watch after one last look and returns what it gathered.
    pub fn finish(self) -> Result<T> {
        let _ = self.stop.send(());
        self.thread.join().expect("sampler thread panicked")
    }
}
