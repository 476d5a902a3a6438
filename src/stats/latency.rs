//! Latency histograms: how long each write and each sync took, in
//! nanoseconds, as HdrHistograms of 3 significant digits from 1 ns to an
//! hour.
//!
//! Two parties want the numbers. The final summary wants the run's totals;
//! the monitor wants one histogram per reporting interval. Both read one
//! [`SharedLatency`]: a cumulative histogram with one `AtomicU64` per
//! HdrHistogram bucket, which only the writer thread's [`LatencyRecorder`]
//! writes. With a single writer, a record is a relaxed load and store of
//! one counter (no locked read-modify-write, no lock, no allocation), and
//! the monitor never makes the writer wait. The monitor takes an interval
//! as the difference from the counts it saw last time ([`SinceLast`]); the
//! totals are the counts at the end. Nothing recorded is lost or counted
//! twice: what lands while the monitor scans is in its next difference.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use hdrhistogram::Histogram;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// The longest latency told apart: an hour. fio caps at 17.1 s, which hides
/// the stalls a disk load test is looking for; a longer one is counted as
/// an hour, never dropped.
pub const HIGHEST_NS: u64 = 3_600 * 1_000_000_000;
const SIGNIFICANT_DIGITS: u8 = 3;

// The bucket layout of `Histogram::new_with_bounds(1, HIGHEST_NS, 3)`, so
// that a shared bucket index is the same index in the crate's histogram.
// 3 significant digits need 2048 sub-buckets per power of two (HdrHistogram:
// `sub_bucket_count = 2^ceil(log2(2 * 10^digits))`), half of which each
// bucket past the first uses; a lowest value of 1 ns makes the unit
// magnitude 0.
const SUB_BUCKET_HALF_COUNT_MAGNITUDE: u32 = 10;
const SUB_BUCKET_HALF_COUNT: usize = 1 << SUB_BUCKET_HALF_COUNT_MAGNITUDE;
const SUB_BUCKET_MASK: u64 = (1 << (SUB_BUCKET_HALF_COUNT_MAGNITUDE + 1)) - 1;
const LEADING_ZERO_COUNT_BASE: u32 = 64 - SUB_BUCKET_HALF_COUNT_MAGNITUDE - 1;

/// The bucket a value falls in (HdrHistogram's `counts_index_for`).
const fn index_for(ns: u64) -> usize {
    let bucket = LEADING_ZERO_COUNT_BASE - (ns | SUB_BUCKET_MASK).leading_zeros();
    let sub_bucket = (ns >> bucket) as usize;
    ((bucket as usize + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + sub_bucket - SUB_BUCKET_HALF_COUNT
}

/// The lowest value in a bucket (HdrHistogram's `value_from_index`).
fn value_for(index: usize) -> u64 {
    let bucket = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) as i64 - 1;
    let sub_bucket = (index & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
    match bucket {
        -1 => (sub_bucket - SUB_BUCKET_HALF_COUNT) as u64,
        _ => (sub_bucket as u64) << bucket,
    }
}

/// An empty histogram with gush's bounds. It allocates (about 270 KiB):
/// make them up front, never per record.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, HIGHEST_NS, SIGNIFICANT_DIGITS)
        .expect("constant bounds are valid")
}

/// Values past an hour are counted as an hour.
fn clamp(ns: u64) -> u64 {
    ns.min(HIGHEST_NS)
}

/// Bucket counts of everything recorded so far, written by one
/// [`LatencyRecorder`] and read by anyone.
#[derive(Debug)]
pub struct SharedLatency {
    counts: Box<[AtomicU64]>,
}

const BUCKETS: usize = index_for(HIGHEST_NS) + 1;

impl Default for SharedLatency {
    fn default() -> SharedLatency {
        // Zeroed memory straight from the allocator (calloc, fresh pages)
        // rather than 33 thousand stores: a run that times only a few
        // latency buckets touches only their pages, which keeps gush's peak
        // RSS budget (bench/RESULTS.md) about where it was.
        let counts = Box::<[AtomicU64]>::new_zeroed_slice(BUCKETS);
        // SAFETY: an AtomicU64 has the in-memory representation of a u64,
        // for which all-zero bytes are a valid value (0).
        let counts = unsafe { counts.assume_init() };
        SharedLatency { counts }
    }
}

impl SharedLatency {
    /// Only the one recorder calls this (see [`SharedLatencies::claimed`]),
    /// so a load and a store cannot lose a count; readers see the counter
    /// before or after, never torn.
    #[inline]
    fn record(&self, ns: u64) {
        let count = &self.counts[index_for(ns)];
        count.store(count.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
    }

    /// Makes these counts the sum of `parts`' counts: how one monitor
    /// watches several jobs' writers (`jobs.rs`). The caller is then this
    /// histogram's one writer, as a recorder otherwise is.
    pub fn mirror_sum(&self, parts: &[&SharedLatency]) {
        for (index, count) in self.counts.iter().enumerate() {
            let sum: u64 = parts
                .iter()
                .map(|part| part.counts[index].load(Ordering::Relaxed))
                .sum();
            // A bucket no job touched stays on its zero page.
            if sum != count.load(Ordering::Relaxed) {
                count.store(sum, Ordering::Relaxed);
            }
        }
    }

    /// Everything recorded so far; `None` when nothing was.
    pub fn snapshot(&self) -> Option<Histogram<u64>> {
        let counts = || {
            self.counts
                .iter()
                .map(|count| count.load(Ordering::Relaxed))
        };
        if counts().all(|count| count == 0) {
            return None;
        }
        let mut all = histogram();
        for (index, count) in counts().enumerate().filter(|&(_, count)| count > 0) {
            all.saturating_record_n(value_for(index), count);
        }
        Some(all)
    }
}

/// A reader's memory of the counts it has already taken, so that each
/// [`SinceLast::take_into`] yields only what is new.
#[derive(Debug)]
pub struct SinceLast {
    seen: Box<[u64]>,
}

impl Default for SinceLast {
    fn default() -> SinceLast {
        SinceLast {
            seen: vec![0; BUCKETS].into_boxed_slice(),
        }
    }
}

impl SinceLast {
    /// Everything taken so far, as one histogram; `None` when nothing was.
    /// A baseline made from this rather than from a fresh look at the
    /// shared counts holds exactly what the windows did not get.
    pub fn taken(&self) -> Option<Histogram<u64>> {
        let mut all = histogram();
        for (index, &count) in self.seen.iter().enumerate().filter(|&(_, &c)| c > 0) {
            all.saturating_record_n(value_for(index), count);
        }
        (!all.is_empty()).then_some(all)
    }

    /// Records into `into` (a histogram from [`histogram`]) what `shared`
    /// gained since the last call; returns how many values that was.
    pub fn take_into(&mut self, shared: &SharedLatency, into: &mut Histogram<u64>) -> u64 {
        let mut taken = 0;
        for (index, (count, seen)) in shared.counts.iter().zip(self.seen.iter_mut()).enumerate() {
            let count = count.load(Ordering::Relaxed);
            if count != *seen {
                into.saturating_record_n(value_for(index), count - *seen);
                taken += count - *seen;
                *seen = count;
            }
        }
        taken
    }
}

/// The shared write and sync histograms; they live in
/// [`Counters`](super::Counters).
#[derive(Debug, Default)]
pub struct SharedLatencies {
    pub write: SharedLatency,
    pub sync: SharedLatency,
    /// True while a recorder exists: a second one would break the single
    /// writer that makes recording a plain load and store.
    claimed: AtomicBool,
}

/// A run's latencies, as the summary reports them.
#[derive(Debug, Clone)]
pub struct Latency {
    pub histogram: Histogram<u64>,
    /// Values longer than [`HIGHEST_NS`], counted as that.
    pub clamped: u64,
}

/// What a writer timed over the whole run.
#[derive(Debug, Clone, Default)]
pub struct LatencyTotals {
    pub write: Option<Latency>,
    pub sync: Option<Latency>,
}

/// The writer thread's handle: times go in here, one call per write or
/// sync. It allocates nothing.
pub struct LatencyRecorder<'a> {
    shared: &'a SharedLatencies,
    write_clamped: u64,
    sync_clamped: u64,
}

impl<'a> LatencyRecorder<'a> {
    /// Panics if another recorder of `shared` is alive: there is one
    /// writer thread, and it records every completion itself.
    pub fn new(shared: &'a SharedLatencies) -> LatencyRecorder<'a> {
        let taken = shared.claimed.swap(true, Ordering::Acquire);
        assert!(!taken, "one LatencyRecorder at a time per Counters");
        LatencyRecorder {
            shared,
            write_clamped: 0,
            sync_clamped: 0,
        }
    }

    /// One write: the time inside the write call, or from submission to
    /// completion for an engine with writes in flight.
    #[inline]
    pub fn record_write(&mut self, ns: u64) {
        if ns > HIGHEST_NS {
            self.write_clamped += 1;
        }
        self.shared.write.record(clamp(ns));
    }

    /// One `fsync` or `fdatasync`.
    #[inline]
    pub fn record_sync(&mut self, ns: u64) {
        if ns > HIGHEST_NS {
            self.sync_clamped += 1;
        }
        self.shared.sync.record(clamp(ns));
    }

    /// The run's totals.
    pub fn finish(self) -> LatencyTotals {
        LatencyTotals {
            write: self.shared.write.snapshot().map(|histogram| Latency {
                histogram,
                clamped: self.write_clamped,
            }),
            sync: self.shared.sync.snapshot().map(|histogram| Latency {
                histogram,
                clamped: self.sync_clamped,
            }),
        }
    }
}

impl Drop for LatencyRecorder<'_> {
    fn drop(&mut self) {
        self.shared.claimed.store(false, Ordering::Release);
    }
}

/// Nanoseconds from a `Duration`, saturating (an hour fits many times over).
pub fn nanos(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

/// fio's default `percentile_list` (`clat_percentiles=1`).
pub const FIO_PERCENTILES: [f64; 17] = [
    1.0, 5.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 95.0, 99.0, 99.5, 99.9, 99.95,
    99.99,
];

/// A percentile of a histogram, kept within its min and max. HdrHistogram
/// answers with the top of the percentile's bucket, which for the top
/// percentiles can pass the largest value actually seen; a true percentile
/// never does. Clamping keeps `min <= p1 <= … <= p99.99 <= max` true.
pub fn percentile(histogram: &Histogram<u64>, percent: f64) -> u64 {
    histogram
        .value_at_percentile(percent)
        .clamp(histogram.min(), histogram.max())
}

/// Serialises a latency as fio's `clat_ns`: `min`, `max`, `N` and the
/// percentiles as integers of nanoseconds, `mean` and `stddev` as floats,
/// percentile keys printed as fio prints them (`%f`: `"99.990000"`), in
/// fio's order.
///
/// Nothing timed (no syncs in a run without a sync policy) serialises as
/// `null`, not as fio's all-zero object with `N: 0`: a zero min and max
/// are not measurements, and a script that averages p99s across runs would
/// take them for a very fast disk. `null` rather than leaving the key out
/// keeps the same keys in every summary, so `jq '.sync_lat_ns.N // 0'` and
/// pandas (NaN) read both cases, and a schema check sees one shape.
impl Serialize for Latency {
    fn serialize<S: Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        let h = &self.histogram;
        let mut map = out.serialize_map(Some(6))?;
        map.serialize_entry("min", &h.min())?;
        map.serialize_entry("max", &h.max())?;
        map.serialize_entry("mean", &h.mean())?;
        map.serialize_entry("stddev", &h.stdev())?;
        map.serialize_entry("N", &h.len())?;
        map.serialize_entry("percentile", &FioPercentiles(h))?;
        map.end()
    }
}

struct FioPercentiles<'a>(&'a Histogram<u64>);

impl Serialize for FioPercentiles<'_> {
    fn serialize<S: Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        let mut map = out.serialize_map(Some(FIO_PERCENTILES.len()))?;
        for percent in FIO_PERCENTILES {
            map.serialize_entry(&format!("{percent:.6}"), &percentile(self.0, percent))?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_buckets_are_the_crates_buckets() {
        let h = histogram();
        assert!(index_for(HIGHEST_NS) < h.distinct_values());
        let mut ns = 0u64;
        while ns <= HIGHEST_NS {
            assert_eq!(value_for(index_for(ns)), h.lowest_equivalent(ns), "{ns}");
            ns = ns * 9 / 8 + 1;
        }
        assert_eq!(
            value_for(index_for(HIGHEST_NS)),
            h.lowest_equivalent(HIGHEST_NS)
        );
    }

    #[test]
    fn interval_counts_match_the_totals() {
        let shared = SharedLatencies::default();
        let mut recorder = LatencyRecorder::new(&shared);
        let (mut interval, mut since) = (histogram(), SinceLast::default());
        for ns in [0, 1, 999, 12_345, 4_000_000, 7_200 * 1_000_000_000] {
            recorder.record_write(ns);
        }
        assert_eq!(since.take_into(&shared.write, &mut interval), 6);
        assert_eq!(since.take_into(&shared.write, &mut interval), 0);
        recorder.record_write(12_345);
        assert_eq!(since.take_into(&shared.write, &mut interval), 1);
        let totals = recorder.finish();
        let write = totals.write.expect("writes were timed");
        assert!(totals.sync.is_none());
        assert_eq!(write.histogram.len(), interval.len());
        assert_eq!(write.clamped, 1);
        assert_eq!(
            write.histogram.value_at_quantile(0.5),
            interval.value_at_quantile(0.5)
        );
        assert!(interval.max() >= HIGHEST_NS && interval.max() <= HIGHEST_NS / 1000 * 1001);
    }

    #[test]
    fn syncs_have_their_own_totals() {
        let shared = SharedLatencies::default();
        let mut recorder = LatencyRecorder::new(&shared);
        recorder.record_sync(3_000_000);
        let totals = recorder.finish();
        assert!(totals.write.is_none());
        assert_eq!(totals.sync.expect("a sync was timed").histogram.len(), 1);
        // The recorder is gone, so another may take its place.
        drop(LatencyRecorder::new(&shared));
    }

    #[test]
    #[should_panic(expected = "one LatencyRecorder at a time")]
    fn a_second_recorder_at_once_is_refused() {
        let shared = SharedLatencies::default();
        let _first = LatencyRecorder::new(&shared);
        let _second = LatencyRecorder::new(&shared);
    }

    #[test]
    fn json_is_fio_shaped_and_null_when_empty() {
        let mut h = histogram();
        for ns in 1..=10_000u64 {
            h.record(ns * 100).unwrap();
        }
        let latency = Some(Latency {
            histogram: h,
            clamped: 0,
        });
        let mut out = Vec::new();
        latency
            .serialize(&mut serde_json::Serializer::new(&mut out))
            .unwrap();
        // In fio's order, which a parsed serde_json map would not keep.
        let text = String::from_utf8(out.clone()).unwrap();
        let at = |key: &str| text.find(&format!("\"{key}\":")).unwrap();
        let keys = [
            "1.000000",
            "5.000000",
            "10.000000",
            "50.000000",
            "99.500000",
            "99.990000",
        ];
        assert!(keys.windows(2).all(|pair| at(pair[0]) < at(pair[1])));
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(json["percentile"].as_object().unwrap().len(), 17);
        assert_eq!(json["N"], 10_000);
        assert!(json["percentile"]["99.990000"].as_u64() <= json["max"].as_u64());

        let mut out = Vec::new();
        None::<Latency>
            .serialize(&mut serde_json::Serializer::new(&mut out))
            .unwrap();
        assert_eq!(out, b"null");
    }
}
