//! Latencies as people see them: the human summary's `latency:` line and
//! durations in readable units. The histograms, and their JSON in fio's
//! `clat_ns` shape, live in `stats::latency`.

use crate::stats::Latency;
use crate::stats::latency::percentile;

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

    #[test]
    fn durations_read_in_three_digits() {
        assert_eq!(duration_ns(850), "850ns");
        assert_eq!(duration_ns(12_345), "12.3µs");
        assert_eq!(duration_ns(4_560_000), "4.56ms");
        assert_eq!(duration_ns(1_200_000_000), "1.20s");
        assert_eq!(duration_ns(3_600_000_000_000), "3600s");
    }
}
