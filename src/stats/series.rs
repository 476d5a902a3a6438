//! The figures over time that end up inside the JSON summary: the
//! `intervals` rows (one per `--interval`, or per second by default), and
//! the ramp (`--ramp`) that every figure leaves out.
//!
//! They live with the counters rather than in `report` because the
//! summary's own figures are made from them: a ramped run's throughput,
//! IOPS and latencies are the totals minus the [`RampBaseline`], and the
//! rows are what a script sums to check them.

use hdrhistogram::Histogram;
use serde::Serialize;

/// One row of the JSON `intervals`: what happened between the previous
/// row's `t_s` and this one's. Counts (`bytes`, `ios`, `pauses`) are of the
/// interval alone, so the rows sum to the summary's measured figures;
/// `buffered_bytes` is the level at `t_s`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct IntervalRow {
    /// Seconds since the run started, at the interval's end.
    pub t_s: f64,
    /// The interval's length: rows are even apart, except the last (cut
    /// short by the end of the run) and rows merged past the cap.
    pub dt_s: f64,
    pub bytes: u64,
    pub ios: u64,
    pub iops: f64,
    pub bytes_per_s: f64,
    /// `null` for an interval in which no write finished (as in the
    /// `--interval` lines: a 0 would read as a fast disk).
    pub lat_p50_ns: Option<u64>,
    pub lat_p99_ns: Option<u64>,
    pub buffered_bytes: u64,
    pub pauses: u64,
}

/// The most rows kept: 32768 rows of 96 bytes are 3 MiB, nine hours
/// at one a second. Past it, neighbouring rows merge in pairs and the
/// period doubles, so a run of any length keeps memory bounded and its
/// rows still cover all of it.
pub const MAX_ROWS: usize = 1 << 15;

/// The rows of a run, kept under [`MAX_ROWS`].
#[derive(Debug, Default)]
pub struct Series {
    rows: Vec<IntervalRow>,
    /// Rows taken in since the last one kept: after a merge, two looks
    /// make one row.
    pending: Option<IntervalRow>,
    /// Looks per kept row: 1, then 2, 4, … after each merge.
    span: u32,
    looks: u32,
}

impl Series {
    /// Takes one interval's row in; it is kept as it is until the cap,
    /// merged with its neighbours after.
    pub fn push(&mut self, row: IntervalRow) {
        let row = match self.pending.take() {
            Some(earlier) => merge(earlier, row),
            None => row,
        };
        self.looks += 1;
        if self.looks < self.span.max(1) {
            self.pending = Some(row);
            return;
        }
        self.looks = 0;
        self.rows.push(row);
        if self.rows.len() >= MAX_ROWS {
            let merged = self
                .rows
                .chunks(2)
                .map(|pair| match pair {
                    [a, b] => merge(*a, *b),
                    [a] => *a,
                    _ => unreachable!("chunks of two"),
                })
                .collect();
            self.rows = merged;
            self.span = self.span.max(1) * 2;
        }
    }

    /// True until a row is taken in.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.pending.is_none()
    }

    /// The rows, with a row still being merged as the last one.
    pub fn into_rows(mut self) -> Vec<IntervalRow> {
        self.rows.extend(self.pending.take());
        self.rows
    }
}

/// Two neighbouring rows as one. Counts add and rates are recomputed; the
/// latency percentiles of the two cannot be combined exactly without their
/// histograms (kept for no row, to keep memory flat), so a merged row
/// carries the larger of each: an upper bound, said so in the README.
fn merge(a: IntervalRow, b: IntervalRow) -> IntervalRow {
    let dt_s = a.dt_s + b.dt_s;
    let bytes = a.bytes + b.bytes;
    let ios = a.ios + b.ios;
    let rate = |n: u64| if dt_s > 0.0 { n as f64 / dt_s } else { 0.0 };
    IntervalRow {
        t_s: b.t_s,
        dt_s,
        bytes,
        ios,
        iops: rate(ios),
        bytes_per_s: rate(bytes),
        lat_p50_ns: a.lat_p50_ns.max(b.lat_p50_ns),
        lat_p99_ns: a.lat_p99_ns.max(b.lat_p99_ns),
        buffered_bytes: b.buffered_bytes,
        pauses: a.pauses + b.pauses,
    }
}

impl IntervalRow {
    /// This first row after a ramp, moved from starting at the counts
    /// `seen` to starting at `cut` (bytes, writes): what lies between
    /// joins or leaves it, and its rates follow.
    pub fn start_at(&mut self, seen: (u64, u64), cut: (u64, u64)) {
        self.bytes = (self.bytes + seen.0).saturating_sub(cut.0);
        self.ios = (self.ios + seen.1).saturating_sub(cut.1);
        if self.dt_s > 0.0 {
            self.bytes_per_s = self.bytes as f64 / self.dt_s;
            self.iops = self.ios as f64 / self.dt_s;
        }
    }
}

/// The counters as they stood when the ramp ended: every figure of the
/// summary is measured from here.
#[derive(Debug, Clone)]
pub struct RampBaseline {
    /// When the ramp ended, in seconds since the start.
    pub t_s: f64,
    pub bytes: u64,
    pub ios: u64,
    /// The latencies recorded during the ramp; `None` if none were.
    pub write: Option<Histogram<u64>>,
    pub sync: Option<Histogram<u64>>,
}

/// The writes of the ramp, given the write counter and the ramp's
/// latencies read a moment apart. Every counted write is timed once it
/// returns, so where there are latencies their count is the ramp's writes:
/// the counter, read before the histogram's scan, misses the writes that
/// land during it (tens on a loaded machine), and the measured `N` would
/// then differ from `total_ios`. Without latencies, the counter.
pub fn ramp_cut(counted: u64, write: Option<&Histogram<u64>>) -> u64 {
    write.map_or(counted, Histogram::len)
}

/// What `--ramp` did, for the summary.
#[derive(Debug, Clone, Default)]
pub struct Ramp {
    /// The ramp asked for, in seconds.
    pub asked_s: f64,
    /// `None` if the run ended before the ramp did.
    pub baseline: Option<RampBaseline>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(t_s: f64, bytes: u64) -> IntervalRow {
        IntervalRow {
            t_s,
            dt_s: 1.0,
            bytes,
            ios: bytes / 10,
            pauses: 1,
            lat_p99_ns: Some(bytes),
            ..IntervalRow::default()
        }
    }

    #[test]
    fn past_the_cap_rows_merge_and_still_sum_to_the_totals() {
        let mut series = Series::default();
        let n = MAX_ROWS as u64 * 3 + 7;
        for i in 1..=n {
            series.push(row(i as f64, i * 10));
        }
        let rows = series.into_rows();
        assert!(rows.len() <= MAX_ROWS, "{} rows", rows.len());
        assert!(rows.len() > MAX_ROWS / 4);
        assert_eq!(rows.iter().map(|r| r.bytes).sum::<u64>(), n * (n + 1) * 5);
        assert_eq!(rows.iter().map(|r| r.ios).sum::<u64>(), n * (n + 1) / 2);
        assert_eq!(rows.iter().map(|r| r.pauses).sum::<u64>(), n);
        assert_eq!(rows.iter().map(|r| r.dt_s).sum::<f64>(), n as f64);
        assert_eq!(rows.last().unwrap().t_s, n as f64);
        // Merged rows keep the larger p99 of the rows they were made of.
        assert_eq!(rows.last().unwrap().lat_p99_ns, Some(n * 10));
    }
}
