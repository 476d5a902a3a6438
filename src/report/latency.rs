//! Latencies as people and fio-reading scripts see them: the JSON shaped as
//! fio's `clat_ns`, the human summary's `latency:` line, and durations in
//! readable units. The histograms themselves live in `stats::latency`.

use hdrhistogram::Histogram;
use serde::Serializer;
use serde::ser::SerializeMap;

use crate::stats::Latency;

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
pub fn fio_clat<S: Serializer>(latency: &Option<Latency>, out: S) -> Result<S::Ok, S::Error> {
    let Some(Latency { histogram: h, .. }) = latency else {
        return out.serialize_none();
    };
    let mut map = out.serialize_map(Some(6))?;
    map.serialize_entry("min", &h.min())?;
    map.serialize_entry("max", &h.max())?;
    map.serialize_entry("mean", &h.mean())?;
    map.serialize_entry("stddev", &h.stdev())?;
    map.serialize_entry("N", &h.len())?;
    map.serialize_entry("percentile", &FioPercentiles(h))?;
    map.end()
}

struct FioPercentiles<'a>(&'a Histogram<u64>);

impl serde::Serialize for FioPercentiles<'_> {
    fn serialize<S: Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        let mut map = out.serialize_map(Some(FIO_PERCENTILES.len()))?;
        for percent in FIO_PERCENTILES {
            map.serialize_entry(&format!("{percent:.6}"), &percentile(self.0, percent))?;
        }
        map.end()
    }
}

/// The summary's latency line, when any write was timed:
/// `latency: write p50 12.3µs p99 45.6µs p99.9 1.02ms max 3.40ms; sync p50 …`.
pub fn summary_line(write: Option<&Latency>, sync: Option<&Latency>) -> Option<String> {
    let write = write?;
    let h = &write.histogram;
    let mut line = format!(
        "latency: write p50 {} p99 {} p99.9 {} max {}",
        duration_ns(percentile(h, 50.0)),
        duration_ns(percentile(h, 99.0)),
        duration_ns(percentile(h, 99.9)),
        duration_ns(h.max()),
    );
    line += &clamped_note(write);
    if let Some(sync) = sync {
        let h = &sync.histogram;
        line += &format!(
            "; sync p50 {} p99 {} max {}",
            duration_ns(percentile(h, 50.0)),
            duration_ns(percentile(h, 99.0)),
            duration_ns(h.max()),
        );
        line += &clamped_note(sync);
    }
    Some(line)
}

fn clamped_note(latency: &Latency) -> String {
    match latency.clamped {
        0 => String::new(),
        n => format!(" ({n} over 1h, counted as 1h)"),
    }
}

/// Nanoseconds in the unit that gives three significant digits:
/// `850ns`, `12.3µs`, `4.56ms`, `1.20s`.
pub fn duration_ns(ns: u64) -> String {
    let ns = ns as f64;
    let (value, unit) = match ns {
        n if n < 1e3 => return format!("{n:.0}ns"),
        n if n < 1e6 => (n / 1e3, "µs"),
        n if n < 1e9 => (n / 1e6, "ms"),
        n => (n / 1e9, "s"),
    };
    match value {
        v if v < 10.0 => format!("{v:.2}{unit}"),
        v if v < 100.0 => format!("{v:.1}{unit}"),
        v => format!("{v:.0}{unit}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::latency::histogram;

    #[test]
    fn durations_read_in_three_digits() {
        assert_eq!(duration_ns(850), "850ns");
        assert_eq!(duration_ns(12_345), "12.3µs");
        assert_eq!(duration_ns(4_560_000), "4.56ms");
        assert_eq!(duration_ns(1_200_000_000), "1.20s");
        assert_eq!(duration_ns(3_600_000_000_000), "3600s");
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
        fio_clat(&latency, &mut serde_json::Serializer::new(&mut out)).unwrap();
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
        fio_clat(&None, &mut serde_json::Serializer::new(&mut out)).unwrap();
        assert_eq!(out, b"null");
    }
}
