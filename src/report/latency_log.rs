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
use base64::Engine as _;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::{Serializer, V2DeflateSerializer};

use crate::stats::latency::histogram;

const LEGEND: &str =
    "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"";
const NANOS_PER_MILLI: f64 = 1e6;

/// The open log file, created before the destination so that a bad path
/// fails the run before it leaves an empty output behind, and the
/// histograms of the interval being gathered.
pub struct LatencyLog {
    out: BufWriter<File>,
    path: PathBuf,
    serializer: V2DeflateSerializer,
    /// Serialized histogram and its base64 text, reused every interval.
    serialized: Vec<u8>,
    text: String,
    /// What the current interval has recorded so far.
    pub write: Histogram<u64>,
    pub sync: Histogram<u64>,
    from: Duration,
    period: Duration,
    /// When the current interval ends, since the start.
    pub next: Duration,
}

impl LatencyLog {
    pub fn create(path: &Path) -> Result<LatencyLog> {
        let file = File::create(path)
            .with_context(|| format!("cannot create the latency log {}", path.display()))?;
        Ok(LatencyLog {
            out: BufWriter::new(file),
            path: path.to_path_buf(),
            serializer: V2DeflateSerializer::new(),
            serialized: Vec::new(),
            text: String::new(),
            write: histogram(),
            sync: histogram(),
            from: Duration::ZERO,
            period: Duration::from_secs(1),
            next: Duration::from_secs(1),
        })
    }

    fn failed(&self, err: &dyn std::fmt::Display) -> anyhow::Error {
        anyhow!(
            "cannot write the latency log {}: {err}",
            self.path.display()
        )
    }

    /// Writes the header; intervals follow every `period`, and `start` is
    /// the wall-clock time at which their clock reads 0.
    pub fn begin(&mut self, start: SystemTime, period: Duration) -> Result<()> {
        // Milliseconds cut, not rounded, as the date beside them is.
        let epoch_ms = start
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis();
        // In the Java writer's order. The crate's builder cannot write the
        // legend, and its writer would borrow the file for the whole run,
        // which the monitor's watch cannot hold; so the lines are written
        // here, in the format of the crate's `IntervalLogWriter`.
        write!(
            self.out,
            "#[Histogram log format version 1.3]\n\
             #[StartTime: {}.{:03} (seconds since epoch), {}]\n\
             {LEGEND}\n\
             #[MaxValueDivisor: {NANOS_PER_MILLI:.3}]\n",
            epoch_ms / 1000,
            epoch_ms % 1000,
            humantime::format_rfc3339_millis(start)
        )
        .map_err(|err| self.failed(&err))?;
        self.period = period;
        self.next = period;
        Ok(())
    }

    /// Drops what was gathered so far and starts the first interval at
    /// `now`: the end of a `--ramp`, which the log leaves out.
    pub fn restart(&mut self, now: Duration) {
        self.write.reset();
        self.sync.reset();
        self.from = now;
        self.next = now + self.period;
    }

    pub fn due(&self, now: Duration) -> bool {
        now >= self.next
    }

    /// One interval line: `[Tag=T,]start,length,max,base64(V2 deflate)`.
    fn line(&mut self, which: Tag, from: Duration, length: Duration) -> Result<()> {
        let histogram = match which {
            Tag::Write => &self.write,
            Tag::Sync => &self.sync,
        };
        self.serialized.clear();
        self.text.clear();
        self.serializer
            .serialize(histogram, &mut self.serialized)
            .map_err(|err| {
                anyhow!(
                    "cannot write the latency log {}: {err}",
                    self.path.display()
                )
            })?;
        base64::engine::general_purpose::STANDARD.encode_string(&self.serialized, &mut self.text);
        let tag = match which {
            Tag::Write => "",
            Tag::Sync => "Tag=sync,",
        };
        writeln!(
            self.out,
            "{tag}{:.3},{:.3},{:.3},{}",
            from.as_secs_f64(),
            length.as_secs_f64(),
            histogram.max() as f64 / NANOS_PER_MILLI,
            self.text
        )
        .map_err(|err| self.failed(&err))
    }

    /// Writes the interval that ends `now` and starts the next. An interval
    /// with no write is written too (empty), so a plot shows the stall
    /// rather than joining its neighbours.
    pub fn write_interval(&mut self, now: Duration) -> Result<()> {
        let (from, length) = (self.from, now.saturating_sub(self.from));
        self.line(Tag::Write, from, length)?;
        if !self.sync.is_empty() {
            self.line(Tag::Sync, from, length)?;
        }
        self.write.reset();
        self.sync.reset();
        self.from = now;
        while self.next <= now {
            self.next += self.period;
        }
        Ok(())
    }

    /// Flushes what is buffered.
    pub fn flush(&mut self) -> Result<()> {
        self.out.flush().map_err(|err| self.failed(&err))
    }
}

/// Which histogram an interval line carries.
#[derive(Clone, Copy)]
enum Tag {
    Write,
    Sync,
}

#[cfg(test)]
mod tests {
    use hdrhistogram::serialization::interval_log::{IntervalLogIterator, LogEntry};

    use super::*;

    #[test]
    fn sync_intervals_are_tagged_and_write_intervals_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lat.hlog");
        let mut log = LatencyLog::create(&path).unwrap();
        log.begin(SystemTime::now(), Duration::from_secs(1))
            .unwrap();
        log.write.record(1_500).unwrap();
        log.sync.record(2_000_000).unwrap();
        log.write_interval(Duration::from_millis(1000)).unwrap();
        log.write.record(1_700).unwrap();
        log.write_interval(Duration::from_millis(1500)).unwrap();
        assert_eq!(log.next, Duration::from_secs(2));
        log.flush().unwrap();

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
