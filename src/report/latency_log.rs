//! The `--latency-log` file: HdrHistogram's interval log, one histogram of
//! write latencies per interval, for HdrHistogram's own tools (the Java
//! HistogramLogProcessor, Python's `hdrh`, the online plotter) and the Rust
//! crate's `IntervalLogIterator`.
//!
//! Write histograms are untagged, so those tools show them without being
//! told a tag; sync histograms (only for intervals that had a sync) carry
//! the tag `sync`. Timestamps are seconds since the `StartTime` header, and
//! the interval max is in milliseconds (nanoseconds over 10^6, the Java
//! writer's default unit ratio).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow};
use hdrhistogram::Histogram;
use hdrhistogram::serialization::V2DeflateSerializer;
use hdrhistogram::serialization::interval_log::{IntervalLogWriter, IntervalLogWriterBuilder, Tag};

use crate::stats::latency::histogram;

const LEGEND: &str =
    "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"";
const NANOS_PER_MILLI: f64 = 1e6;

/// The open log file, created before the destination so that a bad path
/// fails the run before it leaves an empty output behind.
pub struct LatencyLog {
    out: BufWriter<File>,
    path: PathBuf,
    serializer: V2DeflateSerializer,
}

impl LatencyLog {
    pub fn create(path: &Path) -> Result<LatencyLog> {
        let file = File::create(path)
            .with_context(|| format!("cannot create the latency log {}", path.display()))?;
        Ok(LatencyLog {
            out: BufWriter::new(file),
            path: path.to_path_buf(),
            serializer: V2DeflateSerializer::new(),
        })
    }

    /// Writes the header and returns the writer of intervals, every
    /// `period`; `start` is the wall-clock time at which their clock reads 0.
    pub fn begin(&mut self, start: SystemTime, period: Duration) -> Result<IntervalLog<'_>> {
        let path = self.path.as_path();
        let failed = |err: &dyn std::fmt::Display| {
            anyhow!("cannot write the latency log {}: {err}", path.display())
        };
        // Milliseconds cut, not rounded, as the date beside them is.
        let epoch_ms = start
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis();
        // The crate's builder writes StartTime but no legend, and writes its
        // headers before anything else can be: so the header is written here
        // in the Java writer's order, and the builder adds only its
        // `#[MaxValueDivisor]` comment after the legend.
        write!(
            self.out,
            "#[Histogram log format version 1.3]\n\
             #[StartTime: {}.{:03} (seconds since epoch), {}]\n\
             {LEGEND}\n",
            epoch_ms / 1000,
            epoch_ms % 1000,
            humantime::format_rfc3339_millis(start)
        )
        .map_err(|err| failed(&err))?;
        let writer = IntervalLogWriterBuilder::new()
            .with_max_value_divisor(NANOS_PER_MILLI)
            .begin_log_with(&mut self.out, &mut self.serializer)
            .map_err(|err| failed(&err))?;
        Ok(IntervalLog {
            writer,
            path,
            write: histogram(),
            sync: histogram(),
            from: Duration::ZERO,
            period,
            next: period,
        })
    }

    /// Flushes what the interval writer left buffered.
    pub fn flush(&mut self) -> Result<()> {
        self.out
            .flush()
            .with_context(|| format!("cannot write the latency log {}", self.path.display()))
    }
}

/// The intervals being written, and the histograms of the current one.
pub struct IntervalLog<'a> {
    writer: IntervalLogWriter<'a, 'a, BufWriter<File>, V2DeflateSerializer>,
    path: &'a Path,
    /// What the current interval has recorded so far.
    pub write: Histogram<u64>,
    pub sync: Histogram<u64>,
    from: Duration,
    period: Duration,
    /// When the current interval ends, since the start.
    pub next: Duration,
}

impl IntervalLog<'_> {
    pub fn due(&self, now: Duration) -> bool {
        now >= self.next
    }

    /// Writes the interval that ends `now` and starts the next. An interval
    /// with no write is written too (empty), so a plot shows the stall
    /// rather than joining its neighbours.
    pub fn write_interval(&mut self, now: Duration) -> Result<()> {
        let length = now.saturating_sub(self.from);
        let written = self
            .writer
            .write_histogram(&self.write, self.from, length, None)
            .and_then(|()| match self.sync.is_empty() {
                true => Ok(()),
                false => {
                    self.writer
                        .write_histogram(&self.sync, self.from, length, Tag::new("sync"))
                }
            });
        written.map_err(|err| {
            anyhow!(
                "cannot write the latency log {}: {err}",
                self.path.display()
            )
        })?;
        self.write.reset();
        self.sync.reset();
        self.from = now;
        while self.next <= now {
            self.next += self.period;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use hdrhistogram::serialization::interval_log::{IntervalLogIterator, LogEntry};

    use super::*;

    #[test]
    fn sync_intervals_are_tagged_and_write_intervals_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lat.hlog");
        let mut file = LatencyLog::create(&path).unwrap();
        let mut log = file
            .begin(SystemTime::now(), Duration::from_secs(1))
            .unwrap();
        log.write.record(1_500).unwrap();
        log.sync.record(2_000_000).unwrap();
        log.write_interval(Duration::from_millis(1000)).unwrap();
        log.write.record(1_700).unwrap();
        log.write_interval(Duration::from_millis(1500)).unwrap();
        assert_eq!(log.next, Duration::from_secs(2));
        drop(log);
        file.flush().unwrap();

        let text = std::fs::read(&path).unwrap();
        let intervals: Vec<(Option<String>, f64, Duration)> = IntervalLogIterator::new(&text)
            .filter_map(|entry| match entry.unwrap() {
                LogEntry::Interval(h) => Some((
                    h.tag().map(|t| t.as_str().to_string()),
                    h.max(),
                    h.duration(),
                )),
                _ => None,
            })
            .collect();
        let tags: Vec<Option<&str>> = intervals.iter().map(|(t, ..)| t.as_deref()).collect();
        assert_eq!(tags, [None, Some("sync"), None]);
        // The max column is in milliseconds.
        assert!((intervals[1].1 - 2.0).abs() < 0.01, "{intervals:?}");
        assert_eq!(intervals[2].2, Duration::from_millis(500));
    }
}
